"""Rules that decide which OpenStreetMap points are meeting places or counselling offices.

The statewide OSM extract (2021) has names and positions only, so every decision is made from
the OSM class/subclass and the name. Rules are tried in order and the first that matches
decides; each rule has a stable key (``R07``) that the decisions file records, so a reviewer can
audit any row and see which rule kept or dropped it. Reviewed exceptions (a file, applied by
the build script) override single rows where the rules are wrong.

Order of the rules, and why:

1. The OSM class says the point is not a building with a programme (a car park, a playground
   named after the community house next to it) or is a commercial, lodging or school POI.
2. The name says so (``Parkplatz am Bürgerhaus``), or names a kind of counselling we do not
   list (tax, energy, finance advice).
3. Counselling by its kind (``Schuldnerberatung``, ``Pflegestützpunkt`` ...): only names that
   leave no doubt.
4. Meeting places whose name says what they are, most specific first
   (Mehrgenerationenhaus before Familienzentrum before Jugendzentrum ...).
5. Event and sports halls, club houses, schools, administration offices: left out.
6. An ``amenity=community_centre`` whose name says nothing more is a Bürger-/Dorfgemeinschaftshaus:
   that is what the tag means.
7. Anything else: left out, its name does not say what it is.

Pure: frames in, frames out; no file access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

__all__ = [
    "CANDIDATE_NAME",
    "KEEP",
    "LEAVE_OUT",
    "RULES",
    "Rule",
    "classify",
    "is_candidate",
    "mark_duplicates",
    "normalised_name",
]

KEEP, LEAVE_OUT = "keep", "leave_out"
COMMUNITY_CENTRE = "community_centre"
MAX_NAME_CHARS = 200  # OSM names are short; longer text is cut before any pattern runs

# A named point becomes a candidate when its name says it may be one of ours.
CANDIDATE_NAME = re.compile(
    r"dorfgemeinschaftsha|dofgemeinschaftshaus|\bdgh\b|bürgerhaus|bürgerzentrum|bürgertreff"
    r"|gemeinschaftshaus|dorfhaus|gemeindehaus|gemeindezentrum|gemeindesaal|pfarrheim"
    r"|jugendzentrum|jugendhaus|jugendtreff|jugendheim|jugendraum|jugendclub|\bjuz\b"
    r"|familienzentrum|kifaz|mehrgenerationen|begegnungs|seniorentreff|seniorenbegegnung"
    r"|altentagesstätte|stadtteiltreff|stadtteilzentrum|stadtteilhaus|nachbarschaftstreff"
    r"|nachbarschaftszentrum|nachbarschaftshaus|quartierstreff|bewohnertreff|freizeitheim"
    r"|beratung|pflegestützpunkt"
)


@dataclass(frozen=True)
class Rule:
    """One step of the decision list: where it applies, and what it decides."""

    key: str
    decision: str  # KEEP or LEAVE_OUT
    type: str  # facility type key when kept, "" when left out
    reason: str
    name: re.Pattern[str] | None = None  # on the case-folded name; None: any name
    classes: frozenset[str] | None = None  # OSM class or subclass; None: any
    community_centre_only: bool = False

    def matches(self, name: str, osm_class: str, osm_subclass: str) -> bool:
        """Whether this rule applies to a point with this (case-folded) name and OSM tags."""
        if self.community_centre_only and osm_subclass != COMMUNITY_CENTRE:
            return False
        if self.classes is not None and not ({osm_class, osm_subclass} & self.classes):
            return False
        return self.name is None or self.name.search(name) is not None


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_NOT_BUILDING = frozenset({
    "parking", "playground", "bicycle_parking", "park", "pitch", "stadium", "garden",
    "campsite", "camp_site", "shelter", "picnic_site", "bbq", "skateboard", "soccer",
})  # fmt: skip
_COMMERCIAL = frozenset({
    "restaurant", "beer", "pub", "bar", "bank", "shop", "grocery", "supermarket", "bicycle",
    "doityourself", "ice_cream", "confectionery", "craft", "clothing_store", "hairdresser",
    "fast_food", "car", "fuel",
})  # fmt: skip
_LODGING = frozenset({"lodging"})
_EDUCATION = frozenset({"school", "kindergarten", "college", "university"})
_HEALTH = frozenset({"doctors", "hospital", "nursing_home", "pharmacy", "dentist"})

RULES: tuple[Rule, ...] = (
    # 1. the OSM class says it is not a place with a programme
    Rule("R01", LEAVE_OUT, "", "not a building: an outdoor feature named after a nearby one",
         classes=_NOT_BUILDING),
    Rule("R02", LEAVE_OUT, "", "commercial venue (shop, pub, restaurant, bank)",
         classes=_COMMERCIAL),
    Rule("R03", LEAVE_OUT, "", "lodging (holiday, retreat or youth hostel), not a local "
         "meeting place", classes=_LODGING),
    Rule("R04", KEEP, "familienzentrum",
         "Kita or school that is also a Familienzentrum (the name says so)",
         name=_p(r"familienzentrum|kifaz|familien- und|familienzentren"), classes=_EDUCATION),
    Rule("R05", KEEP, "mehrgenerationenhaus",
         "Kita, school or adult education centre that runs a Mehrgenerationenhaus (by name)",
         name=_p(r"mehrgenerationen"), classes=_EDUCATION),
    Rule("R06", LEAVE_OUT, "", "school, Kita or college", classes=_EDUCATION),
    Rule("R07", LEAVE_OUT, "", "medical practice or care home", classes=_HEALTH),
    # 2. the name says it is something else
    Rule("R10", LEAVE_OUT, "", "a place next to the meeting place (car park, garden, square), "
         "not the place itself",
         name=_p(r"parkplatz|spielplatz|bolzplatz|garten$|außengelände|^am |^an der |"
                 r"^hinter |^bei |zeltplatz")),
    Rule("R11", LEAVE_OUT, "", "historic house type (Ackerbürgerhaus), not a community house",
         name=_p(r"ackerbürgerhaus|bürgerhaus (aus|von) \d|^das bürgerhaus\b \w+ \w+s$")),
    Rule("R12", LEAVE_OUT, "", "advice of a kind we do not list (tax, energy, money, "
         "business, technical, pension)",
         name=_p(r"steuer|energie|finanz|vermögen|versicher|\bbank|sparkasse|\blbs\b|immobil|"
                 r"baumschul|bauberatung|technolog|umwelt|unternehmens|ingenieur|marder|"
                 r"fahrrad|rentenversicherung|kreditberatung|anlageberatung|reiseberatung|"
                 r"rechtsanw|kanzlei|hörgerät|ernährung|landwirt|verbraucherzentrale|"
                 r"beratungszentrum (der|des) \w*bank|mieterverein|mieterbund")),
    Rule("R13", LEAVE_OUT, "", "care or residential home, not an open meeting place",
         name=_p(r"pflegeheim|seniorenheim|altenheim|seniorenresidenz|wohnheim|seniorenwohn|"
                 r"altenpflege|tagespflege|wohngruppe|wohnprojekt")),
    Rule("R14", LEAVE_OUT, "", "former use: the name says it no longer is one",
         name=_p(r"ehemalig|\behem\b|früher")),
    Rule("R15", LEAVE_OUT, "", "residential education or retreat house, not a local meeting place",
         name=_p(r"exerzitien|bildungshaus|tagungshaus|kloster|heimvolkshochschule|"
                 r"bildungsstätte|freizeitstätte der|jugendbildung")),
    # 3. counselling, only where the name leaves no doubt about the kind
    Rule("R20", KEEP, "schuldnerberatung", "debt counselling (Schuldner-/Insolvenzberatung)",
         name=_p(r"schuldner|insolvenzberatung")),
    Rule("R21", KEEP, "seniorenberatung", "care and senior advice (Pflegestützpunkt, "
         "Pflege-/Seniorenberatung)",
         name=_p(r"pflegestützpunkt|pflegeberatung|seniorenberatung|seniorenservice|"
                 r"wohnberatung")),
    Rule("R22", KEEP, "migrationsberatung", "migration counselling",
         name=_p(r"(migration|flüchtling|integration|zuwander|ausländer)\w*[ -]?(beratung|"
                 r"dienst)|jugendmigrationsdienst|migrationsberatung")),
    Rule("R23", KEEP, "psychosoziale_beratung", "psychosocial counselling (addiction, crisis, "
         "violence, psychiatric)",
         name=_p(r"(sucht|drogen|psycho|krisen|sozialpsychiatr|gewalt|frauen)\w*[ -]?\w*"
                 r"beratung|psychosoziale|suchtberatung|drogenberatung|wildrose")),
    Rule("R24", KEEP, "familienberatung", "family, parenting or pregnancy counselling",
         name=_p(r"(erziehung|familien|ehe|schwanger|eltern|jugend|lebens|mütter)\w*[ -]?\w*"
                 r"beratung|beratungsstelle f\w*\.? (eltern|erziehung|familie|ehe)|pro familia")),
    Rule("R25", KEEP, "sozialberatung", "general social counselling of a welfare association",
         name=_p(r"sozialberatung|(awo|caritas|diakonie|drk|paritätisch\w*|der paritätische)"
                 r"\W+\w*\W*beratungsstelle|allgemeine soziale beratung|"
                 r"kirchliche(r)? sozialarbeit")),
    # 4. meeting places whose name says what they are, most specific first
    Rule("R30", KEEP, "mehrgenerationenhaus", "Mehrgenerationenhaus (by name)",
         name=_p(r"mehrgenerationen|\bmgh\b")),
    Rule("R31", KEEP, "familienzentrum", "Familienzentrum (by name)",
         name=_p(r"familienzentrum|kifaz|familientreff|mütterzentrum|eltern-kind-zentrum")),
    Rule("R32", LEAVE_OUT, "", "youth camp or youth hostel outside a settlement",
         name=_p(r"waldjugendheim|landjugendheim|jugendzeltplatz|jugendherberge|"
                 r"jugendgästehaus|schulland")),
    Rule("R33", KEEP, "jugendzentrum", "youth centre (Jugendzentrum/-haus/-treff, JuZ)",
         name=_p(r"jugendzentrum|jugendhaus|jugendtreff|jugendheim|jugendraum|jugendclub|"
                 r"jugendfreizeit|\bjuz\b|jugendcafé|jugendcafe|jugendkeller|jugendkultur|"
                 r"kinder[- &]+(und )?jugend|\bcvjm\b|jugenddienst|haus der jugend|jugendscheune|"
                 r"jugendhof|kindertreff|jugend[- ]+und\b")),
    Rule("R34", KEEP, "nachbarschaftstreff", "neighbourhood centre (Stadtteil-/Nachbarschafts-/"
         "Bewohnertreff, Freizeitheim)",
         name=_p(r"stadtteiltreff|stadtteilzentrum|stadtteilhaus|stadtteilladen|nachbarschafts|"
                 r"quartierstreff|quartierszentrum|bewohnertreff|bürgertreff|gemeinwesen|"
                 r"freizeitheim|kiezhaus|kulturtreff|treffpunkt|\btreff\b")),
    Rule("R35", KEEP, "begegnungsstaette", "Begegnungsstätte or senior meeting place (by name)",
         name=_p(r"begegnung|seniorentreff|seniorenbegegnung|altentagesstätte|seniorenclub|"
                 r"altenclub|seniorenzentrum")),
    Rule("R36", KEEP, "buergerhaus", "Bürgerhaus or Dorfgemeinschaftshaus (by name)",
         name=_p(r"dorfgemein\w*|dofgemeinschaftshaus|\bdgh\b|bürgerhaus|bürgerzentrum|"
                 r"gemeinschaftshaus|dorfhaus|dorfzentrum|bürgerheim|bürgersaal")),
    Rule("R37", LEAVE_OUT, "", "administration office (Samtgemeinde, town hall, citizens' office)",
         name=_p(r"samtgemeinde|rathaus|verwaltung|bürgerbüro|bürgeramt|geschäftsstelle")),
    Rule("R38", KEEP, "begegnungsstaette", "church parish hall (Gemeindehaus/-zentrum), open for "
         "community use: Begegnungsstätte",
         name=_p(r"gemeindehaus|gemeindezentrum|gemeindesaal|gemeindeheim|pfarrheim|"
                 r"pfarrzentrum")),
    Rule("R39", KEEP, "begegnungsstaette", "OSM community_centre of a church parish "
         "(Kirchengemeinde): Begegnungsstätte",
         name=_p(r"gemeinde\b|kirchengemeinde"), community_centre_only=True),
    # 5. named for something else
    Rule("R40", LEAVE_OUT, "", "event or sports hall",
         name=_p(r"halle\b|halle$|festsaal|festplatz|veranstaltung|eventlocation|kulturscheune|"
                 r"stadthalle|\bsaal\b")),
    Rule("R41", LEAVE_OUT, "", "sports or club house of a club",
         name=_p(r"sportheim|sportlerheim|vereinsheim|clubhaus|klubhaus|sporthaus|bootshaus|"
                 r"schützen|tennis|golf|kegel|reitverein|segel|ruder|angler|kleingarten|"
                 r"schrebergarten|bowling|surf|fischerverein|\b(sv|tsv|tus|vfl|vfb|fc|sc)\b")),
    Rule("R42", LEAVE_OUT, "", "school or Kita",
         name=_p(r"(?<!alte )schule\b|gymnasium|kindergarten|\bkita\b|kindertagesstätte|krippe")),
    Rule("R43", LEAVE_OUT, "", "place of worship, museum or other non-community use",
         name=_p(r"kirche$|moschee|synagoge|tempel|vihara|buddhist|museum|kino\b|theater|disco|"
                 r"feuerwehr|bauhof|archiv")),
    Rule("R44", LEAVE_OUT, "", "church office, vicarage or spa/tourist centre",
         name=_p(r"kirchenbüro|pfarrbüro|pfarrhaus|pfarrhof|haus des gastes|kurhaus|kurgast")),
    # 6. the OSM tag itself
    Rule("R50", KEEP, "buergerhaus", "OSM community_centre whose name gives no other type: "
         "Bürger-/Dorfgemeinschaftshaus (what the tag means)", community_centre_only=True),
    # 7. everything else
    Rule("R90", LEAVE_OUT, "", "the name does not say which kind of meeting place or "
         "counselling it is"),
)  # fmt: skip


def _folded(names: pd.Series) -> pd.Series:
    """Case-folded names, cut to `MAX_NAME_CHARS` before any pattern sees them."""
    return names.astype("string").fillna("").str.slice(0, MAX_NAME_CHARS).str.casefold()


def normalised_name(names: pd.Series) -> pd.Series:
    """`_folded` names with punctuation as single spaces, for comparing names."""
    return _folded(names).str.replace(r"[^\w]+", " ", regex=True).str.strip().astype(object)


def is_candidate(names: pd.Series, subclasses: pd.Series) -> pd.Series:
    """Points worth a decision: every community centre, and names that may be one of ours."""
    named = _folded(names).str.contains(CANDIDATE_NAME.pattern, regex=True)
    return (subclasses.fillna("") == COMMUNITY_CENTRE) | named.fillna(False).astype(bool)


def classify(candidates: pd.DataFrame) -> pd.DataFrame:
    """Decide every candidate by the first matching rule of `RULES`.

    Parameters
    ----------
    candidates : DataFrame
        Columns ``name``, ``osm_class`` and ``osm_subclass`` (text; missing values allowed).

    Returns
    -------
    DataFrame
        Same index, columns ``decision`` (keep / leave_out), ``type``, ``rule``, ``reason``.

    Examples
    --------
    ``Dorfgemeinschaftshaus Harste`` (class NULL) is kept as ``buergerhaus`` by R36;
    ``Parkplatz Bürgerhaus`` is left out by R10; ``Alte Schule`` tagged
    ``amenity=community_centre`` is kept as ``buergerhaus`` by R50.
    """
    names = _folded(candidates["name"]).fillna("").to_numpy(dtype=object)
    classes = candidates["osm_class"].astype("string").fillna("").to_numpy(dtype=object)
    subclasses = candidates["osm_subclass"].astype("string").fillna("").to_numpy(dtype=object)
    chosen = []
    for name, cls, sub in zip(names, classes, subclasses, strict=True):
        chosen.append(next(r for r in RULES if r.matches(name, cls, sub)))
    return pd.DataFrame(
        {
            "decision": [r.decision for r in chosen],
            "type": [r.type for r in chosen],
            "rule": [r.key for r in chosen],
            "reason": [r.reason for r in chosen],
        },
        index=candidates.index,
    )


def mark_duplicates(
    xy: np.ndarray,
    names: pd.Series,
    types: pd.Series,
    priority: np.ndarray,
    same_name_m: float = 150.0,
    same_type_m: float = 30.0,
) -> np.ndarray:
    """For each point, the position of the point it duplicates, or -1.

    Two kept points are one facility when they have the same normalised name within
    ``same_name_m`` (a community-centre node and the named building around it), or the same
    type within ``same_type_m`` ("DGH" and "Dorfgemeinschaftshaus Harste" at one spot). Of
    each group the point with the lowest ``priority`` (then the first) is kept. Linear in the
    number of points apart from the pairs found (a k-d tree).
    """
    n = len(xy)
    duplicate_of = np.full(n, -1, dtype=np.int64)
    if n < 2:
        return duplicate_of
    tree = cKDTree(np.asarray(xy, dtype=float))
    pairs = tree.query_pairs(max(same_name_m, same_type_m), output_type="ndarray")
    if len(pairs) == 0:
        return duplicate_of
    norm = normalised_name(names.reset_index(drop=True)).to_numpy(dtype=object)
    kind = types.reset_index(drop=True).astype(str).to_numpy(dtype=object)
    a, b = pairs[:, 0], pairs[:, 1]
    dist = np.hypot(*(xy[a] - xy[b]).T)
    same = ((norm[a] == norm[b]) & (dist <= same_name_m)) | (
        (kind[a] == kind[b]) & (dist <= same_type_m)
    )
    a, b = a[same], b[same]
    # union-find over the duplicate pairs, so a chain of copies becomes one group
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([find(i) for i in range(n)])
    order = np.lexsort((np.arange(n), np.asarray(priority)))
    keeper: dict[int, int] = {}
    for i in order.tolist():
        keeper.setdefault(int(roots[i]), i)
    for i in range(n):
        k = keeper[int(roots[i])]
        if k != i:
            duplicate_of[i] = k
    return duplicate_of
