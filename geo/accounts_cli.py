"""Command line for accounts: ``flask accounts create --ags 03159016 --name "Stadt Göttingen"``
(or ``--kreis 03159`` for a Landkreis), ``flask accounts list``, ``flask accounts revoke ID``.

The token is printed once at creation and stored only as a hash: keep it, or revoke the account
and create a new one. Exit codes: 0 done, 1 refused (the message says why).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from geo.schema import AGS, KREIS_ARS
from geo.store.accounts import AccountError, create_account, list_accounts, revoke_account
from geo.web.context import datasets
from geo.web.store import store_engine

__all__ = ["accounts_cli"]

accounts_cli = AppGroup("accounts", help="Accounts of municipalities that keep their entries.")


@accounts_cli.command("create")
@click.option("--ags", help="8-digit key of the Gemeinde the account may change")
@click.option("--kreis", help="5-digit key of the Kreis the account may change")
@click.option("--name", required=True, help='who uses it, e.g. "Stadt Göttingen"')
def create_command(ags: str | None, kreis: str | None, name: str) -> None:
    if bool(ags) == bool(kreis):
        raise click.UsageError("give either --ags or --kreis")
    gemeinden = datasets().gemeinden
    kind, key = ("gemeinde", ags) if ags else ("kreis", kreis)
    known = set(gemeinden[AGS] if ags else gemeinden[KREIS_ARS])
    try:
        with store_engine().begin() as conn:
            account, token = create_account(conn, name, kind, str(key).strip(), known)
    except AccountError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"account {account.id}: {account.name} ({kind} {account.scope_key})")
    click.echo(f"token (shown once, keep it safe): {token}")


@accounts_cli.command("list")
def list_command() -> None:
    with store_engine().connect() as conn:
        for a in list_accounts(conn):
            state = f"revoked {a.revoked_at:%Y-%m-%d}" if a.revoked_at else "active"
            click.echo(f"{a.id}\t{a.name}\t{a.scope_kind} {a.scope_key}\t{state}")


@accounts_cli.command("revoke")
@click.argument("account_id", type=int)
def revoke_command(account_id: int) -> None:
    try:
        with store_engine().begin() as conn:
            account = revoke_account(conn, account_id)
    except AccountError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"account {account.id} ({account.name}) revoked")
    current_app.logger.warning("security: account %s revoked from the command line", account.id)
