"""UI strings: both languages complete, keys unique, every key the pages use exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.i18n import LANGUAGES, PARTS, pick_language, strings

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_part_has_the_same_keys_and_placeholders_in_both_languages(part):
    de, en = PARTS[part]["de"], PARTS[part]["en"]
    assert set(de) == set(en)
    for key in de:
        assert set(PLACEHOLDER.findall(de[key])) == set(PLACEHOLDER.findall(en[key])), key
        assert en[key].strip() or key.endswith("_suffix"), key  # " Uhr" has no English word


def test_keys_are_unique_across_parts():
    seen: dict[str, str] = {}
    for part, table in PARTS.items():
        for key in table["de"]:
            assert key not in seen, f"{key} in {seen.get(key)} and {part}"
            seen[key] = part


def test_language_choice():
    assert pick_language("en") == "en"
    assert pick_language(None) == pick_language("xx") == pick_language("EN") == "de"
    assert strings("en")["search_link"] == "Search" and strings("zz")["search_link"] == "Suche"


def _used_keys() -> set[str]:
    used: set[str] = set()
    for js in (ROOT / "static" / "js").glob("*.js"):
        text = js.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z][a-z0-9_]+)", text))
        used |= set(re.findall(r"\bfill\(\"([a-z][a-z0-9_]+)\"", text))
        # keys chosen in a condition: fill(one ? "sc_changes_one" : "sc_changes_many", …)
        used |= set(re.findall(r"\"((?:pl|sc|dl|fac)_[a-z0-9_]+)\"", text))
    for html in (ROOT / "templates").rglob("*.html"):
        used |= set(re.findall(r"\bt\.([a-z][a-z0-9_]+)", html.read_text(encoding="utf-8")))
    return used


def test_every_key_the_pages_and_scripts_use_exists():
    used = _used_keys()
    assert len(used) > 100  # the pattern finds the keys (a broken regex would find none)
    for lang in LANGUAGES:
        missing = used - set(strings(lang))
        assert not missing, (lang, sorted(missing))


def test_error_pages_have_their_words():
    from geo.web.errors import PAGE_STATUSES

    for lang in LANGUAGES:
        for key in [f"error_{s}" for s in PAGE_STATUSES] + ["error_other"]:
            assert strings(lang)[f"{key}_title"] and strings(lang)[f"{key}_text"]


def test_scripts_write_no_german_of_their_own():
    # user-facing words come from geo/i18n; umlauts or German words in a script are a leak
    german = re.compile(r"\"[^\"]*(?:[äöüÄÖÜß]|Einwohner|Gemeinde |keine Daten)[^\"]*\"")
    for js in (ROOT / "static" / "js").glob("*.js"):
        code = "\n".join(
            line
            for line in js.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("//")
        )
        assert not german.findall(code), (js.name, german.findall(code)[:3])
