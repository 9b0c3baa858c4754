"""Accounts of municipalities and the welfare associations they authorise.

An account may change the facilities inside one Gemeinde (8-digit AGS) or one Kreis (5-digit
key), nothing else. Its secret is shown once when created and stored only as a salted hash
(werkzeug's scrypt); a revoked account can no longer sign in.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from geo.store.schema import accounts

__all__ = ["Account", "AccountError", "authenticate", "create_account", "list_accounts",
           "revoke_account"]  # fmt: skip

SECRET_BYTES = 24  # 32 URL-safe characters
# a token is "<account id>.<secret>": the id finds the row, the secret is checked against its hash
TOKEN = re.compile(r"(\d{1,9})\.([A-Za-z0-9_-]{20,64})")


class AccountError(ValueError):
    """An account cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    scope_kind: str  # "gemeinde" or "kreis"
    scope_key: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def covers(self, ags: str) -> bool:
        """True if the Gemeinde ``ags`` lies in this account's scope."""
        if self.scope_kind == "gemeinde":
            return ags == self.scope_key
        return ags[:5] == self.scope_key


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _row_to_account(row: sa.Row) -> Account:
    return Account(row.id, row.name, row.scope_kind, row.scope_key, row.created_at, row.revoked_at)


def create_account(
    conn: sa.Connection, name: str, scope_kind: str, scope_key: str, known: set[str]
) -> tuple[Account, str]:
    """Create an account; returns it and its token (shown once, stored only as a hash).

    ``known`` holds the valid keys of ``scope_kind`` (AGS or Kreis keys), so that an account
    for a Gemeinde that does not exist is refused."""
    name = name.strip()
    if not name or len(name) > 200:
        raise AccountError("name: 1 to 200 characters")
    if scope_kind not in ("gemeinde", "kreis"):
        raise AccountError("scope: a Gemeinde (--ags) or a Kreis (--kreis)")
    width = 8 if scope_kind == "gemeinde" else 5
    if not re.fullmatch(rf"\d{{{width}}}", scope_key) or scope_key not in known:
        raise AccountError(f"{scope_key!r} is not a {scope_kind} key of Niedersachsen")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    created = _now()
    result = conn.execute(
        accounts.insert().values(
            name=name,
            scope_kind=scope_kind,
            scope_key=scope_key,
            secret_hash=generate_password_hash(secret),
            created_at=created,
        )
    )
    account_id = int(result.inserted_primary_key[0])
    return Account(account_id, name, scope_kind, scope_key, created, None), f"{account_id}.{secret}"


def list_accounts(conn: sa.Connection) -> list[Account]:
    return [_row_to_account(r) for r in conn.execute(accounts.select().order_by(accounts.c.id))]


def revoke_account(conn: sa.Connection, account_id: int) -> Account:
    """Revoke an account (its token stops working at once)."""
    row = conn.execute(accounts.select().where(accounts.c.id == account_id)).first()
    if row is None:
        raise AccountError(f"no account {account_id}")
    if row.revoked_at is None:
        conn.execute(accounts.update().where(accounts.c.id == account_id).values(revoked_at=_now()))
    return _row_to_account(conn.execute(accounts.select().where(accounts.c.id == account_id)).one())


def authenticate(conn: sa.Connection, token: str) -> Account | None:
    """The active account a token belongs to, or None (unknown, wrong secret or revoked).

    The token's form is checked before anything is looked up, and the hash is checked even
    for unknown ids so that the answer time does not tell whether an account exists."""
    match = TOKEN.fullmatch(token[:80]) if len(token) <= 80 else None
    if match is None:
        return None
    row = conn.execute(accounts.select().where(accounts.c.id == int(match[1]))).first()
    stored = row.secret_hash if row is not None else _dummy_hash()
    if not check_password_hash(stored, match[2]) or row is None or row.revoked_at is not None:
        return None
    return _row_to_account(row)


@cache
def _dummy_hash() -> str:
    """A hash to check unknown ids against, so that they take as long as known ones; made on
    first use (scrypt takes a tenth of a second, which start-up need not pay)."""
    return generate_password_hash(secrets.token_urlsafe(SECRET_BYTES))
