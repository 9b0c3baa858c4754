"""Data tiers: how far the facility data of a Gemeinde and category can be trusted.

A Gemeinde without a meeting place in OpenStreetMap may have one that nobody mapped, so every
figure carries the tier of the data behind it:

- ``geprueft``: curated and declared complete (the Göttingen pilot; a municipality that
  checked its list);
- ``osm_ungeprueft``: taken from OpenStreetMap (2021) without a check of completeness; a gap
  is a *possible* gap;
- ``keine_daten``: nothing usable; no figures.

The tiers per (Gemeinde, category) live in ``datasets/data_tiers.csv``; a pair not listed
there is ``keine_daten``. Pure: no file access.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "NO_DATA",
    "TIERS",
    "TIER_CODES",
    "TIER_COLUMNS",
    "TIER_LABELS",
    "UNVERIFIED",
    "VERIFIED",
    "tier_codes",
]

VERIFIED, UNVERIFIED, NO_DATA = "geprueft", "osm_ungeprueft", "keine_daten"
TIERS = (NO_DATA, UNVERIFIED, VERIFIED)  # weakest first: the code is the position
TIER_CODES = {t: i for i, t in enumerate(TIERS)}
TIER_COLUMNS = ["ags", "name", "category", "tier", "source", "as_of", "note"]

TIER_LABELS: dict[str, tuple[str, str]] = {
    VERIFIED: ("geprüft", "checked"),
    UNVERIFIED: ("aus OpenStreetMap, ungeprüft", "from OpenStreetMap, unchecked"),
    NO_DATA: ("keine Daten", "no data"),
}


def tier_codes(ags: pd.Series, tiers: pd.DataFrame, category: str) -> np.ndarray:
    """Tier code (index into `TIERS`) of each AGS for ``category``; unlisted pairs: no data."""
    listed = tiers[tiers["category"] == category].set_index("ags")["tier"].map(TIER_CODES)
    codes = pd.Series(np.asarray(ags), dtype=object).map(listed)
    return codes.fillna(TIER_CODES[NO_DATA]).to_numpy(dtype=np.int8)
