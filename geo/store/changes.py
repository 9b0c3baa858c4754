"""Change sets: add, edit or retire facilities, and undo a change set; the current rows.

Every operation writes one change set (account, time, reason) with the before and after of
each row, in one transaction, so that readers see all of it or nothing. A facility's
``version`` counts its changes (0 = the committed base row); an edit names the version it was
made on, and a newer one in the database makes it a `ConflictError` instead of a silent overwrite.
Scope is checked on the geometry: the Gemeinde holding the point before and after the change
must both lie in the account's scope (``gemeinde_of`` maps a point to its AGS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from geo.store.accounts import Account
from geo.store.schema import change_sets, changes, facility_state, list_checks

__all__ = [
    "ConflictError",
    "NotFoundError",
    "OutOfScopeError",
    "add",
    "change_set",
    "check_scope",
    "edit",
    "list_change_sets",
    "list_checked",
    "mark_checked",
    "new_change_set",
    "overlay",
    "retire",
    "undo",
    "write",
]

GemeindeOf = Callable[[float, float], "str | None"]


class ConflictError(RuntimeError):
    """The row changed since the version the change was made on (HTTP 409)."""


class OutOfScopeError(PermissionError):
    """The account may not change this row (HTTP 403)."""


class NotFoundError(LookupError):
    """No such facility or change set (HTTP 404)."""


@dataclass(frozen=True)
class Current:
    data: dict | None  # None when retired
    version: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def current(conn: sa.Connection, base: Mapping[str, dict], facility_id: str) -> Current | None:
    """The row as it stands now (base row, or its last change); None if it never existed."""
    row = conn.execute(
        facility_state.select().where(facility_state.c.facility_id == facility_id)
    ).first()
    if row is not None:
        return Current(None if row.retired else dict(row.data), row.version)
    if facility_id in base:
        return Current(dict(base[facility_id]), 0)
    return None


def check_scope(account: Account, gemeinde_of: GemeindeOf, *rows: dict | None) -> str | None:
    """The AGS of the last row's point; raises `OutOfScopeError` unless every row lies in scope."""
    ags = None
    for row in rows:
        if row is None:
            continue
        ags = gemeinde_of(float(row["lat"]), float(row["lon"]))
        if ags is None or not account.covers(ags):
            raise OutOfScopeError(
                f"{row.get('name') or row.get('id')}: outside the scope of account {account.id} "
                f"({account.scope_kind} {account.scope_key})"
            )
    return ags


def new_change_set(
    conn: sa.Connection, account: Account, reason: str, undoes: int | None = None
) -> int:
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValueError("reason: 1 to 500 characters")
    result = conn.execute(
        change_sets.insert().values(
            account_id=account.id, created_at=_now(), reason=reason, undoes=undoes
        )
    )
    return int(result.inserted_primary_key[0])


def write(
    conn: sa.Connection, set_id: int, facility_id: str, action: str, before: Current | None,
    after: dict | None,
) -> int:  # fmt: skip
    """Record one row's change and its new state; the state update is the lock: it succeeds
    only if the state is still the version ``before`` was read at."""
    version = (before.version if before else 0) + 1
    values = {"data": after if after is not None else (before.data if before else None),
              "retired": after is None, "version": version, "change_set_id": set_id}  # fmt: skip
    if before is None or before.version == 0:
        exists = conn.execute(
            sa.select(facility_state.c.facility_id).where(
                facility_state.c.facility_id == facility_id
            )
        ).first()
        if exists is not None:
            raise ConflictError(f"{facility_id}: changed meanwhile by someone else; reload it")
        conn.execute(facility_state.insert().values(facility_id=facility_id, **values))
    else:
        updated = conn.execute(
            facility_state.update()
            .where(facility_state.c.facility_id == facility_id)
            .where(facility_state.c.version == before.version)
            .values(**values)
        )
        if updated.rowcount != 1:
            raise ConflictError(f"{facility_id}: changed meanwhile by someone else; reload it")
    conn.execute(
        changes.insert().values(
            change_set_id=set_id,
            facility_id=facility_id,
            action=action,
            before=before.data if before else None,
            after=after,
            version_after=version,
        )
    )
    return version


def _on_version(
    conn: sa.Connection, base: Mapping[str, dict], facility_id: str, expected: int, verb: str
) -> Current:
    """The facility as it stands, if it exists and is still at the version the officer saw."""
    before = current(conn, base, facility_id)
    if before is None or before.data is None:
        raise NotFoundError(f"{facility_id}: no such facility")
    if before.version != expected:
        raise ConflictError(
            f"{facility_id}: you {verb} version {expected}, it is at {before.version} now"
        )
    return before


def add(
    conn: sa.Connection, account: Account, row: dict, reason: str, gemeinde_of: GemeindeOf,
    base: Mapping[str, dict],
) -> int:  # fmt: skip
    """Add a (validated) facility row; returns the change set id."""
    if current(conn, base, row["id"]) is not None:
        raise ConflictError(f"{row['id']}: a facility with this id exists already")
    row = {**row, "ags": check_scope(account, gemeinde_of, row)}
    set_id = new_change_set(conn, account, reason)
    write(conn, set_id, row["id"], "add", None, row)
    return set_id


def edit(
    conn: sa.Connection, account: Account, row: dict, expected_version: int, reason: str,
    gemeinde_of: GemeindeOf, base: Mapping[str, dict],
) -> int:  # fmt: skip
    """Replace a facility's row, made on ``expected_version``; returns the change set id."""
    before = _on_version(conn, base, row["id"], expected_version, "edited")
    row = {**row, "ags": check_scope(account, gemeinde_of, before.data, row)}
    set_id = new_change_set(conn, account, reason)
    write(conn, set_id, row["id"], "edit", before, row)
    return set_id


def retire(
    conn: sa.Connection, account: Account, facility_id: str, expected_version: int, reason: str,
    gemeinde_of: GemeindeOf, base: Mapping[str, dict],
) -> int:  # fmt: skip
    """Retire a facility (it disappears from the map; the history keeps it)."""
    before = _on_version(conn, base, facility_id, expected_version, "retired")
    check_scope(account, gemeinde_of, before.data)
    set_id = new_change_set(conn, account, reason)
    write(conn, set_id, facility_id, "retire", before, None)
    return set_id


def undo(
    conn: sa.Connection, account: Account, set_id: int, reason: str, gemeinde_of: GemeindeOf,
    base: Mapping[str, dict],
) -> int:  # fmt: skip
    """Undo a change set with a new one that puts every row back as it was before. Refused
    with a `ConflictError` if a row changed again since (undo the later change first)."""
    target = conn.execute(change_sets.select().where(change_sets.c.id == set_id)).first()
    if target is None:
        raise NotFoundError(f"change set {set_id}: not found")
    if target.undone_by is not None:
        raise ConflictError(f"change set {set_id}: undone already by change set {target.undone_by}")
    rows = conn.execute(changes.select().where(changes.c.change_set_id == set_id)).all()
    for row in rows:
        check_scope(account, gemeinde_of, row.before, row.after)
    new_id = new_change_set(conn, account, reason, undoes=set_id)
    for row in rows:
        now = current(conn, base, row.facility_id)
        if now is None or now.version != row.version_after:
            raise ConflictError(f"{row.facility_id}: changed again after change set {set_id}")
        write(conn, new_id, row.facility_id, "restore", now, row.before)
    conn.execute(change_sets.update().where(change_sets.c.id == set_id).values(undone_by=new_id))
    return new_id


def change_set(conn: sa.Connection, set_id: int) -> dict:
    """One change set with its changes (before and after of each row), for export."""
    head = conn.execute(change_sets.select().where(change_sets.c.id == set_id)).first()
    if head is None:
        raise NotFoundError(f"change set {set_id}: not found")
    rows = conn.execute(
        changes.select().where(changes.c.change_set_id == set_id).order_by(changes.c.id)
    ).all()
    return {
        "id": head.id, "account_id": head.account_id,
        "created_at": head.created_at.isoformat(), "reason": head.reason,
        "undoes": head.undoes, "undone_by": head.undone_by,
        "changes": [{"facility_id": r.facility_id, "action": r.action, "before": r.before,
                     "after": r.after, "version": r.version_after} for r in rows],
    }  # fmt: skip


def list_change_sets(conn: sa.Connection, account_id: int | None = None) -> list[dict]:
    """Change sets, newest first (of one account when given), without their rows."""
    query = change_sets.select().order_by(change_sets.c.id.desc())
    if account_id is not None:
        query = query.where(change_sets.c.account_id == account_id)
    return [{"id": r.id, "account_id": r.account_id, "created_at": r.created_at.isoformat(),
             "reason": r.reason, "undoes": r.undoes, "undone_by": r.undone_by}
            for r in conn.execute(query)]  # fmt: skip


def overlay(conn: sa.Connection) -> dict[str, dict | None]:
    """Every changed facility's current row (None when retired), to lay over the base."""
    return {
        r.facility_id: (None if r.retired else dict(r.data))
        for r in conn.execute(
            sa.select(facility_state.c.facility_id, facility_state.c.data, facility_state.c.retired)
        )
    }


def mark_checked(
    conn: sa.Connection, account: Account, ags: str, category: str, checked_on: dt.date,
    base: Mapping[str, dict],
) -> int:  # fmt: skip
    """ "Liste geprüft am …": the account declares its list of ``category`` in ``ags`` complete.
    Every current row of that list gets ``last_verified``; the Gemeinde then counts as checked
    for the category. Returns the change set id."""
    if not account.covers(ags):
        raise OutOfScopeError(f"{ags}: outside the scope of account {account.id}")
    changed = overlay(conn)
    ids = {i for i, r in base.items() if r.get("ags") == ags and r.get("category") == category}
    ids |= {
        i for i, r in changed.items() if r and r.get("ags") == ags and r.get("category") == category
    }
    set_id = new_change_set(
        conn, account, f"Liste geprüft am {checked_on.isoformat()} ({category})"
    )
    for facility_id in sorted(ids):
        before = current(conn, base, facility_id)
        if before is None or before.data is None:
            continue
        write(conn, set_id, facility_id, "edit", before,
               {**before.data, "last_verified": checked_on.isoformat()})  # fmt: skip
    key = (list_checks.c.ags == ags) & (list_checks.c.category == category)
    conn.execute(list_checks.delete().where(key))
    conn.execute(list_checks.insert().values(
        ags=ags, category=category, checked_on=checked_on, account_id=account.id,
        change_set_id=set_id,
    ))  # fmt: skip
    return set_id


def list_checked(conn: sa.Connection) -> dict[tuple[str, str], dt.date]:
    """(ags, category) → the date its list was declared complete."""
    return {(r.ags, r.category): r.checked_on for r in conn.execute(list_checks.select())}
