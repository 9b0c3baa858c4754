"""Serving municipal changes live: every worker follows the store within seconds.

Before a request, at most every `CHECK_EVERY_S` seconds, a worker asks the store for its
newest change set (one indexed query). When it differs from what the worker serves, the worker
lays the store's current rows over the committed base, swaps in the new facilities and finder
index in one assignment each, and drops its derived caches. A change set is written in one
transaction and the rows are read in one query, so a worker serves either the old or the new
state, never half of a change; no restart, no other worker involved.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from functools import cached_property

import pandas as pd
import sqlalchemy as sa
from flask import Flask, current_app, request

from geo.data import Datasets, facilities_frame
from geo.facilities import FIELDS
from geo.finder import build_finder_index, locate
from geo.store.accounts import Account
from geo.store.changes import list_checked, overlay
from geo.store.schema import change_sets
from geo.tiers import VERIFIED
from geo.web.store import store_engine

__all__ = [
    "base_rows",
    "gemeinde_of",
    "init_app",
    "lay_over",
    "own_rows",
    "refresh",
    "refresh_now",
    "with_checked_lists",
]

log = logging.getLogger(__name__)
CHECK_EVERY_S = 2.0
_LOCK = threading.Lock()
# pages and files do not depend on the facilities: no check for them
_SKIP_PREFIXES = ("/static/", "/basemap/", "/healthz")


class Base:
    """The committed facilities and tiers as loaded at start: what the store's changes are
    laid over. Their text forms are made on first use (most processes never need them)."""

    def __init__(self, data: Datasets) -> None:
        self.tiers = data.tiers
        self._facilities = data.facilities

    @cached_property
    def facilities(self) -> pd.DataFrame:
        """The schema fields as text."""
        frame = pd.DataFrame(self._facilities.drop(columns="geometry")).astype("string")
        return frame[list(FIELDS)]

    @cached_property
    def rows(self) -> dict[str, dict]:
        """Each facility's fields by id, unknown ones empty."""
        return {r["id"]: r for r in self.facilities.fillna("").to_dict(orient="records")}


def base_rows() -> dict[str, dict]:
    """The committed facilities by id (text fields), as loaded at start."""
    return current_app.extensions["nk_base"].rows


def gemeinde_of(lat: float, lon: float) -> str | None:
    """The AGS of the Gemeinde holding a point (the store checks an account's scope with it)."""
    index = current_app.extensions["nk_finder"]
    _, row = locate(index, lat, lon)
    return None if row is None else str(index.gemeinde_ags[row])


def own_rows(account: Account) -> pd.DataFrame:
    """The facilities served now inside the account's area, as text (no geometry)."""
    rows = current_app.extensions["nk_datasets"].facilities
    mine = rows[rows["ags"].map(lambda a: account.covers(str(a)))]
    return pd.DataFrame(mine.drop(columns="geometry")).fillna("").sort_values("name")


def refresh_now() -> None:
    """Serve the store's state at once (after this worker wrote a change)."""
    refresh(current_app._get_current_object(), force=True)


def lay_over(base: pd.DataFrame, changed: dict[str, dict | None]) -> pd.DataFrame:
    """The base rows with the changed ones replaced, retired ones removed, new ones added."""
    if not changed:
        return base
    keep = base[~base["id"].isin(list(changed))]
    current = [row for row in changed.values() if row is not None]
    added = pd.DataFrame([{f: str(row.get(f, "") or "") for f in FIELDS} for row in current])
    frame = pd.concat([keep, added.reindex(columns=list(FIELDS))], ignore_index=True)
    return frame.astype("string").sort_values("id", kind="stable").reset_index(drop=True)


def with_checked_lists(
    tiers: pd.DataFrame, checked: dict[tuple[str, str], object], names: dict[str, str]
) -> pd.DataFrame:
    """The tier table with every declared-complete list as `geprueft` (``as_of`` its date);
    ``names`` gives the Gemeinde names for pairs the table did not list (no data before)."""
    if not checked:
        return tiers
    out = tiers.set_index(["ags", "category"])
    columns = ["name", "tier", "source", "as_of", "note"]
    for (ags, category), day in checked.items():
        out.loc[(ags, category), columns] = [
            names.get(ags, ags),
            VERIFIED,
            "Liste der Gemeinde",
            str(day),
            "Liste geprüft",
        ]
    return out.reset_index()[list(tiers.columns)]


def _generation(conn: sa.Connection) -> tuple[int, int]:
    """(number, newest id) of the change sets: changes whenever a change set is written."""
    row = conn.execute(sa.select(sa.func.count(), sa.func.max(change_sets.c.id))).one()
    return int(row[0]), int(row[1] or 0)


def refresh(app: Flask, force: bool = False) -> bool:
    """Serve the store's state if it changed since the last check; True if it did."""
    state = app.extensions.setdefault("nk_live", {"generation": (0, 0), "checked": 0.0})
    now = time.monotonic()
    if not force and now - state["checked"] < CHECK_EVERY_S:
        return False
    with _LOCK:
        state["checked"] = now
        with store_engine().connect() as conn:
            generation = _generation(conn)
            if generation == state["generation"]:
                return False
            changed = overlay(conn)
            checked = list_checked(conn)
        data = app.extensions["nk_datasets"]
        base = app.extensions["nk_base"]
        rows = lay_over(base.facilities, changed)
        new = dataclasses.replace(data, facilities=facilities_frame(rows))
        if checked != state.get("checked_lists", {}):  # tiers changed: the demand follows
            names = dict(zip(data.gemeinden["ags"], data.gemeinden["name"], strict=True))
            tiers = with_checked_lists(base.tiers, checked, names)
            new = new.with_tiers(tiers)
            state["checked_lists"] = checked
        finder = build_finder_index(new)
        app.extensions["nk_datasets"] = new
        app.extensions["nk_finder"] = finder
        for key in [k for k in app.extensions if k == "nk_cache" or k.startswith("nk_lru_")]:
            app.extensions[key] = type(app.extensions[key])()
        state["generation"] = generation
        log.info("serving %d changed facilities (change set %d)", len(changed), generation[1])
        return True


def init_app(app: Flask) -> None:
    """Keep the committed base aside, and check the store before requests."""
    app.extensions["nk_base"] = Base(app.extensions["nk_datasets"])

    @app.before_request
    def _follow_the_store() -> None:
        if request.path.startswith(_SKIP_PREFIXES):
            return
        try:
            refresh(current_app._get_current_object())
        except sa.exc.SQLAlchemyError:  # the store unreachable: keep serving what we have
            log.exception("store check failed; serving the last known state")
