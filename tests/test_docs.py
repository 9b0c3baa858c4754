"""Everything public is documented: every route in the README, every setting too."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_route_is_in_the_readme(app):
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }
    missing = sorted(r for r in routes if f"`{r}" not in README)
    assert missing == [], f"routes not documented in README.md: {missing}"


def test_every_setting_is_in_the_readme():
    from geo import config

    names = set(re.findall(r"``(NK_\w+|PORT)``", config.__doc__))
    assert names >= {"NK_DATA_DIR", "NK_TILE_URL", "NK_TILE_ATTRIBUTION", "NK_LOG_LEVEL", "PORT"}
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert missing == []
