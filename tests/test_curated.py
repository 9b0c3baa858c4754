"""The curated facilities: valid, sourced, logged decision by decision, and their tiers declared."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.curation import classify
from geo.data import read_facilities, read_tiers
from geo.facilities import TYPES
from geo.validation import validate_facilities

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
PILOT_PREFIX, OSM2021_PREFIX = "osm-vectortile:", "osm-vectortile-2021:"


def decisions_2021() -> pd.DataFrame:
    return pd.read_csv(
        DATASETS / "curation/osm2021_decisions.csv", keep_default_na=False, dtype=str
    )


def test_curated_facilities_pass_validation_unchanged(app):
    facilities = read_facilities(DATASETS / "facilities.csv")
    gemeinden = app.extensions["nk_datasets"].gemeinden
    result = validate_facilities(facilities, gemeinden)
    assert result.problems == []
    pd.testing.assert_frame_equal(result.valid, facilities.astype("string"))


@pytest.mark.parametrize("prefix", [PILOT_PREFIX, OSM2021_PREFIX])
def test_curated_facilities_are_sourced_and_invent_nothing(prefix):
    facilities = read_facilities(DATASETS / "facilities.csv")
    curated = facilities[facilities["source"].str.startswith(prefix)]
    assert len(curated) >= 60
    assert curated["licence"].str.contains("ODbL").all()
    assert (
        curated["licence"].str.contains("2021-08" if prefix == OSM2021_PREFIX else "2026-08").all()
    )
    assert set(curated["type"]) <= set(TYPES)
    assert curated["source"].is_unique and curated["id"].is_unique
    # nothing beyond what the source says: no addresses, hours or contacts were invented
    for field in ["street", "housenumber", "postcode", "opening_hours", "website", "phone"]:
        assert (curated[field] == "").all(), field


def test_statewide_meeting_places_meet_the_target():
    facilities = read_facilities(DATASETS / "facilities.csv")
    meeting = facilities[facilities["category"] == "treffpunkt"]
    assert len(meeting) >= 900
    assert meeting["ags"].nunique() >= 350
    assert meeting["ags"].str[:5].nunique() == 45  # every Kreis has some


def test_every_pilot_row_has_a_logged_decision():
    facilities = read_facilities(DATASETS / "facilities.csv")
    log = pd.read_csv(
        DATASETS / "curation/goettingen_decisions.csv", keep_default_na=False, dtype=str
    )
    assert set(log["decision"]) == {"keep", "leave_out"}
    assert (log["reason"] != "").all()
    assert (log.loc[log["decision"] == "keep", "type"] != "").all()
    kept = log[log["decision"] == "keep"]
    assert len(kept) == (facilities["source"].str.startswith(PILOT_PREFIX)).sum()
    assert set(kept["name"]) <= set(facilities["name"])
    assert (log["layer"] == "candidates").sum() == 101  # every candidate was reviewed


def test_every_statewide_row_has_a_logged_decision():
    facilities = read_facilities(DATASETS / "facilities.csv")
    log = decisions_2021()
    assert set(log["decision"]) == {"keep", "leave_out"}
    assert (log["reason"] != "").all() and (log["rule"] != "").all()
    kept = log[log["decision"] == "keep"]
    assert (kept["type"] != "").all() and (log.loc[log["decision"] != "keep", "type"] == "").all()
    ours = facilities[facilities["source"].str.startswith(OSM2021_PREFIX)]
    keys = (
        OSM2021_PREFIX
        + kept["lon"].astype(float).map("{:.5f}".format)
        + ","
        + kept["lat"].astype(float).map("{:.5f}".format)
    )
    assert sorted(keys) == sorted(ours["source"])
    assert not log.duplicated(["lon", "lat", "name"]).any()


def test_the_newer_pilot_wins_where_it_covers_the_area():
    log = decisions_2021()
    lon, lat = log["lon"].astype(float), log["lat"].astype(float)
    inside = lon.between(9.7, 10.1) & lat.between(51.45, 51.6) & (log["ags"] != "")
    assert inside.sum() > 50
    assert (log.loc[inside, "decision"] == "leave_out").all()
    assert set(log.loc[inside, "rule"]) == {"L03"}


def test_reviewed_exceptions_are_applied():
    exceptions = pd.read_csv(
        DATASETS / "curation/osm2021_exceptions.csv", keep_default_na=False, dtype=str
    )
    log = decisions_2021()
    excepted = log[log["rule"] == "X"]
    assert len(excepted) >= 1
    assert set(excepted["name"]) <= set(exceptions["name"])
    assert excepted["reason"].str.startswith("reviewed exception:").all()


# Hand-checked decisions of real rows of the 2021 extract: name, OSM class, subclass, then the
# expected type ("" = left out) and rule. Read as a reviewer would: does the name say it?
HAND_CHECKED = [
    ("Dorfgemeinschaftshaus Laar", "town_hall", "community_centre", "buergerhaus", "R36"),
    ("Dorfgemeinschaftshaus Laar", "parking", "parking", "", "R01"),
    ("DGH Emmelndorf", "", "", "buergerhaus", "R36"),
    ("Bürgerhaus Pöhlde", "", "", "buergerhaus", "R36"),
    ("Alte Schule", "town_hall", "community_centre", "buergerhaus", "R50"),
    ("Arche", "town_hall", "community_centre", "buergerhaus", "R50"),
    ("Mehrgenerationenhaus", "town_hall", "community_centre", "mehrgenerationenhaus", "R30"),
    ("Mehrgenerationenhaus Kreisvolkshochschule Norden", "college", "college",
     "mehrgenerationenhaus", "R05"),
    ("Familienzentrum Aurich", "town_hall", "community_centre", "familienzentrum", "R31"),
    ("DRK Kita und Familienzentrum Weiherfeld", "school", "kindergarten", "familienzentrum", "R04"),
    ("Jugendzentrum Oyten", "", "", "jugendzentrum", "R33"),
    ("Jugend- und Kulturzentrum Neuenhaus Gleis1", "town_hall", "community_centre",
     "jugendzentrum", "R33"),
    ("Haus der Jugend", "town_hall", "community_centre", "jugendzentrum", "R33"),
    ("Landjugendheim Gölenkamp", "ice_cream", "confectionery", "", "R02"),
    ("Waldjugendheim Rotenberg", "park", "bbq", "", "R01"),
    ("Freizeitheim Linden", "town_hall", "community_centre", "nachbarschaftstreff", "R34"),
    ("Stadtteiltreff Kreyenbrück", "town_hall", "community_centre", "nachbarschaftstreff", "R34"),
    ("Bürgertreff Kaltenmoor", "town_hall", "community_centre", "nachbarschaftstreff", "R34"),
    ("AWO-Seniorenbegegnungsstätte", "town_hall", "community_centre", "begegnungsstaette", "R35"),
    ("Altentagesstätte Veltenhof", "town_hall", "community_centre", "begegnungsstaette", "R35"),
    ("Ev. Gemeindezentrum Bassen", "place_of_worship", "place_of_worship", "begegnungsstaette",
     "R38"),
    ("Andreasgemeinde", "town_hall", "community_centre", "begegnungsstaette", "R39"),
    ("Schützenhalle Bippen", "town_hall", "community_centre", "", "R40"),
    ("Stadthalle Gifhorn", "town_hall", "community_centre", "", "R40"),
    ("Sportheim SV Calberlah", "town_hall", "community_centre", "", "R41"),
    ("Moorschule", "town_hall", "community_centre", "", "R42"),
    ("Bürgerbüro", "town_hall", "community_centre", "", "R37"),
    ("Samtgemeinde Sickte", "town_hall", "community_centre", "", "R37"),
    ("Buddhistisches Zentrum Braunschweig", "town_hall", "community_centre", "", "R43"),
    ("Haus des Gastes", "town_hall", "community_centre", "", "R44"),
    ("Ackerbürgerhaus aus dem Jahre 1843", "museum", "museum", "", "R11"),
    ("Café Ambiente (ehemaliges Gemeindehaus)", "cafe", "cafe", "", "R14"),
    ("emmaus | Exerzitien- und Begegnungshaus", "", "", "", "R15"),
    ("Bürgerhaus Parkplatz", "", "", "", "R10"),
    ("Steuer- und Wirtschaftsberatung Bröring", "", "", "", "R12"),
    ("Allianz Vermögensberatung", "", "", "", "R12"),
    ("Postbank Finanzberatung", "bank", "bank", "", "R02"),
    ("Drogenberatungsstelle Rose 12", "", "", "psychosoziale_beratung", "R23"),
    ("Beratungsstelle f. Erziehungs-Ehe- und Lebensfragen", "", "", "familienberatung", "R24"),
    ("AWO Beratungsstelle", "", "", "sozialberatung", "R25"),
    ("Schuldnerberatung der Diakonie", "", "", "schuldnerberatung", "R20"),
    ("ASB-Pflegestützpunkt", "", "", "seniorenberatung", "R21"),
    ("Jugendmigrationsdienst", "", "", "migrationsberatung", "R22"),
    ("Veterinärabteilung Landkreis, Beratungsstelle", "", "", "", "R90"),
]  # fmt: skip


def test_hand_checked_decisions():
    assert len(HAND_CHECKED) >= 30
    frame = pd.DataFrame(
        HAND_CHECKED, columns=["name", "osm_class", "osm_subclass", "type", "rule"]
    )
    decided = classify(frame)
    for row, got in zip(frame.itertuples(), decided.itertuples(), strict=True):
        assert (got.type, got.rule) == (row.type, row.rule), row.name
        assert got.decision == ("keep" if row.type else "leave_out"), row.name


def test_hand_checked_rows_are_real_rows_of_the_log():
    log = decisions_2021()
    real = set(zip(log["name"], log["osm_class"], log["osm_subclass"], strict=True))
    from_log = [r for r in HAND_CHECKED if (r[0], r[1], r[2]) in real]
    assert len(from_log) >= 30  # most hand-checked rows are taken from the extract itself


def test_tiers_are_declared_for_every_gemeinde():
    tiers = read_tiers(DATASETS / "data_tiers.csv")
    goettingen = tiers[tiers["ags"] == "03159016"].set_index("category")["tier"]
    assert goettingen.to_dict() == {"treffpunkt": "geprueft", "beratung": "geprueft"}
    meeting = tiers[tiers["category"] == "treffpunkt"]
    assert len(meeting) == 941 and meeting["ags"].is_unique
    assert set(meeting["tier"]) == {"geprueft", "osm_ungeprueft"}
    # counselling outside the pilot has no usable data: not listed, so keine_daten
    assert set(tiers.loc[tiers["category"] == "beratung", "tier"]) == {"geprueft"}
    assert (tiers["as_of"] != "").all() and (tiers["source"] != "").all()
