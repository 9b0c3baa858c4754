"""Uploaded lists: a preview of every row's outcome, kept until the officer applies it.

`preview` runs the importer's parsing and validation (the same code as ``flask facilities
import``) and says for each row whether it is new, changed, unchanged, or refused and why
(invalid, or outside the account's scope); `apply` writes the new and changed rows as one
change set, each edit on the version it was previewed against (a row changed meanwhile makes
the whole upload a conflict, nothing half-applied).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import sqlalchemy as sa

from geo.facilities import FIELDS, ROW
from geo.importers import NO_ROWS, parse
from geo.store import changes as ch
from geo.store.accounts import Account
from geo.store.schema import pending_uploads
from geo.validation import validate_facilities

__all__ = ["Outcome", "Preview", "apply", "preview"]

# compared to decide "changed": what a municipality's list says (not the derived fields)
COMPARED = [f for f in FIELDS if f not in ("id", "category", "ags", "last_verified")]


@dataclass(frozen=True)
class Outcome:
    row: str  # where it came from: "row 3", "feature 2"
    name: str
    status: str  # new, changed, unchanged, invalid, out_of_scope
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    upload_id: int | None  # None when nothing can be applied
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def preview(
    conn: sa.Connection, account: Account, data: bytes, fmt: str, filename: str,
    gemeinden: gpd.GeoDataFrame, base: Mapping[str, dict],
) -> Preview:  # fmt: skip
    """Every row's outcome; the applicable rows are kept as a pending upload."""
    rows = parse(data, fmt)
    if rows.empty:  # as the importer: a file without rows is refused, not previewed
        return Preview(None, [Outcome(NO_ROWS.row, "", "invalid", [NO_ROWS.reason])])
    labels = (
        [str(x) for x in rows[ROW]] if ROW in rows else [f"row {i + 1}" for i in range(len(rows))]
    )
    names = [str(x) for x in rows["name"]] if "name" in rows else [""] * len(rows)
    result = validate_facilities(rows, gemeinden, default_source=f"verwaltung:{account.id}")
    problems: dict[str, list[str]] = {}
    for p in result.problems:
        problems.setdefault(p.row, []).append(f"{p.field}: {p.reason}")
    valid = iter(result.valid.fillna("").astype(str).to_dict(orient="records"))
    outcomes, keep = [], []
    for label, name in zip(labels, names, strict=True):
        if label in problems:
            outcomes.append(Outcome(label, name, "invalid", problems[label]))
            continue
        row = next(valid, None)
        if row is None:  # refused by a problem of the whole file (listed below)
            outcomes.append(Outcome(label, name, "invalid"))
            continue
        if not account.covers(row["ags"]):
            outcomes.append(
                Outcome(
                    label,
                    name,
                    "out_of_scope",
                    [f"lat/lon: outside {account.scope_kind} {account.scope_key}"],
                )
            )
            continue
        now = ch.current(conn, base, row["id"])
        if now is None or now.data is None:
            status, version = "new", None
        elif all(str(now.data.get(f) or "") == row[f] for f in COMPARED):
            status, version = "unchanged", now.version
        else:
            status, version = "changed", now.version
        outcomes.append(Outcome(label, name, status))
        if status in ("new", "changed"):
            keep.append({"row": row, "version": version})
    # problems of the file as a whole (a header, too many columns) name no row of it
    for where in sorted(set(problems) - set(labels)):
        outcomes.append(Outcome(where, "", "invalid", problems[where]))
    if not keep:
        return Preview(None, outcomes)
    result_id = conn.execute(pending_uploads.insert().values(
        account_id=account.id, created_at=dt.datetime.now(dt.UTC), filename=filename[:200],
        rows=keep,
    )).inserted_primary_key[0]  # fmt: skip
    return Preview(int(result_id), outcomes)


def apply(
    conn: sa.Connection, account: Account, upload_id: int, gemeinde_of: ch.GemeindeOf,
    base: Mapping[str, dict],
) -> int:  # fmt: skip
    """Write a previewed upload as one change set; returns its id."""
    upload = conn.execute(pending_uploads.select().where(pending_uploads.c.id == upload_id)).first()
    if upload is None or upload.account_id != account.id:
        raise ch.NotFoundError(f"upload {upload_id}: not found")
    if upload.applied_change_set is not None:
        raise ch.ConflictError(f"upload {upload_id}: applied already")
    set_id = ch.new_change_set(conn, account, f"Liste hochgeladen: {upload.filename}")
    for item in upload.rows:
        row, version = item["row"], item["version"]
        before = ch.current(conn, base, row["id"])
        if version is None:
            if before is not None and before.data is not None:
                raise ch.ConflictError(f"{row['name']}: added by someone else meanwhile")
            row = {**row, "ags": ch.check_scope(account, gemeinde_of, row)}
            ch.write(conn, set_id, row["id"], "add", before, row)
        else:
            if before is None or before.version != version:
                raise ch.ConflictError(f"{row['name']}: changed meanwhile; upload it again")
            row = {**row, "ags": ch.check_scope(account, gemeinde_of, before.data, row)}
            ch.write(conn, set_id, row["id"], "edit", before, row)
    conn.execute(pending_uploads.update().where(pending_uploads.c.id == upload_id)
                 .values(applied_change_set=set_id))  # fmt: skip
    return set_id
