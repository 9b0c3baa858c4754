"""The machine interface for municipalities: their own entries, kept current by a nightly sync.

``Authorization: Bearer <token>`` (from ``flask accounts create``) on every request; the token's
account may read and change only facilities whose point lies in its Gemeinde or Kreis.

- ``GET /api/verwaltung/facilities``: the account's entries with their ``version``
- ``POST /api/verwaltung/facilities``: add one (``{"facility": {...}, "reason": "..."}``)
- ``PUT /api/verwaltung/facilities/<id>``: replace one (``{"facility", "version", "reason"}``)
- ``DELETE /api/verwaltung/facilities/<id>?version=&reason=``: retire one
- ``GET /api/verwaltung/changes``, ``GET …/changes/<id>``, ``POST …/changes/<id>/undo``
- ``POST /api/verwaltung/lists/<category>/checked``: "Liste geprüft" (the Gemeinde's list of
  that category is complete; it moves to the `geprueft` tier)

Rows get the importer's validation (field errors in ``problems``). Answers: 401 without a
valid token, 403 outside the scope, 404, 409 for a conflicting edit, 429 after repeated
failed sign-ins (per client address), 413/415 for oversized or non-JSON bodies. Every refusal
is logged as a security event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from flask import Blueprint, Response, request

from geo.facilities import CATEGORIES, FIELDS
from geo.store import changes as ch
from geo.store.accounts import Account, authenticate
from geo.validation import validate_facilities
from geo.web.context import datasets
from geo.web.errors import ApiError
from geo.web.live import base_rows, gemeinde_of, own_rows, refresh_now
from geo.web.responses import json_response
from geo.web.signin import check_throttle, failed, security
from geo.web.store import store_engine

__all__ = ["bp"]

bp = Blueprint("admin_api", __name__, url_prefix="/api/verwaltung")
MAX_BODY_BYTES = 65_536


def _account() -> Account:
    """The signed-in account, or a 401 (429 after too many failures from this address)."""
    check_throttle()
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    with store_engine().connect() as conn:
        account = authenticate(conn, token) if token else None
    if account is None:
        failed("sign-in failed")
        raise ApiError(401, "a valid token is needed: Authorization: Bearer <token>", "token")
    return account


def _body(*keys: str) -> dict:
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, f"body over {MAX_BODY_BYTES:,} bytes", "body")
    if not request.is_json:
        raise ApiError(415, "send application/json", "body")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) - set(keys):
        raise ApiError(400, f"body: a JSON object with {', '.join(keys)}", "body")
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
        raise ApiError(400, "reason: say why, in 1 to 500 characters", "reason")
    return body


def _validated(facility: object, keep_source: str | None = None) -> dict:
    """One row through the importer's validation; a 400 lists every field problem."""
    if not isinstance(facility, dict) or set(facility) - set(FIELDS):
        raise ApiError(400, f"facility: an object with fields of {', '.join(FIELDS)}", "facility")
    values = {f: facility.get(f) for f in FIELDS}
    if not all(v is None or isinstance(v, str | int | float) for v in values.values()):
        raise ApiError(400, "facility: every field is text or a number", "facility")
    row = {f: "" if v is None else str(v) for f, v in values.items()}
    if keep_source is not None:
        row["source"] = keep_source  # the id derives from it: an edit keeps its id
    result = validate_facilities(pd.DataFrame([row]), datasets().gemeinden, "verwaltung")
    if result.problems:
        problems = [{"field": p.field, "reason": p.reason} for p in result.problems]
        raise ApiError(400, "; ".join(f"{p['field']}: {p['reason']}" for p in problems),
                       problems[0]["field"])  # fmt: skip
    return {k: ("" if pd.isna(v) else str(v)) for k, v in result.valid.iloc[0].to_dict().items()}


def _answer(set_id: int, facility_id: str, status: int = 200) -> Response:
    with store_engine().connect() as conn:
        now = ch.current(conn, base_rows(), facility_id)
    refresh_now()
    response = json_response(
        {"change_set": set_id, "id": facility_id, "version": now.version if now else None}
    )
    response.status_code = status
    return response


def _run(operation: Callable[..., int], *args: object) -> int:
    """Run a store operation in one transaction; its refusals become HTTP answers."""
    try:
        with store_engine().begin() as conn:
            return operation(conn, *args)
    except ch.OutOfScopeError as err:
        security.warning("out of scope: %s", err)
        raise ApiError(403, str(err), "facility") from err
    except ch.NotFoundError as err:
        raise ApiError(404, str(err)) from err
    except ch.ConflictError as err:
        raise ApiError(409, str(err), "version") from err
    except ValueError as err:
        raise ApiError(400, str(err)) from err


@bp.get("/facilities")
def own_facilities() -> Response:
    account = _account()
    refresh_now()
    mine = own_rows(account)
    with store_engine().connect() as conn:
        versions = {i: ch.current(conn, base_rows(), i).version for i in mine["id"]}
    out = [
        {**{f: str(r[f]) for f in FIELDS}, "version": versions[r["id"]]}
        for r in mine.to_dict(orient="records")
    ]
    return json_response({"account": account.name, "facilities": out})


@bp.post("/facilities")
def add_facility() -> Response:
    account = _account()
    body = _body("facility", "reason")
    row = _validated(body.get("facility"))
    set_id = _run(ch.add, account, row, body["reason"], gemeinde_of, base_rows())
    return _answer(set_id, row["id"], 201)


def _version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ApiError(400, "version: the version you edited (a whole number)", "version")
    return int(value)


@bp.put("/facilities/<facility_id>")
def edit_facility(facility_id: str) -> Response:
    account = _account()
    body = _body("facility", "version", "reason")
    with store_engine().connect() as conn:
        before = ch.current(conn, base_rows(), facility_id[:40])
    if before is None or before.data is None:
        raise ApiError(404, f"{facility_id[:40]}: no such facility")
    row = _validated(body.get("facility"), keep_source=before.data["source"])
    set_id = _run(ch.edit, account, row, _version(body.get("version")), body["reason"],
                  gemeinde_of, base_rows())  # fmt: skip
    return _answer(set_id, row["id"])


@bp.delete("/facilities/<facility_id>")
def retire_facility(facility_id: str) -> Response:
    account = _account()
    reason = (request.args.get("reason") or "")[:501]
    set_id = _run(ch.retire, account, facility_id[:40], _version(request.args.get("version")),
                  reason, gemeinde_of, base_rows())  # fmt: skip
    return _answer(set_id, facility_id[:40])


@bp.get("/changes")
def own_changes() -> Response:
    account = _account()
    with store_engine().connect() as conn:
        return json_response({"change_sets": ch.list_change_sets(conn, account.id)})


@bp.get("/changes/<int:set_id>")
def export_change(set_id: int) -> Response:
    account = _account()
    with store_engine().connect() as conn:
        try:
            exported = ch.change_set(conn, set_id)
        except ch.NotFoundError as err:
            raise ApiError(404, str(err)) from err
    if exported["account_id"] != account.id:
        raise ApiError(403, f"change set {set_id}: made by another account")
    return json_response(exported)


@bp.post("/changes/<int:set_id>/undo")
def undo_change(set_id: int) -> Response:
    account = _account()
    body = _body("reason")
    new_id = _run(ch.undo, account, set_id, body["reason"], gemeinde_of, base_rows())
    refresh_now()
    response = json_response({"change_set": new_id, "undoes": set_id})
    response.status_code = 201
    return response


@bp.post("/lists/<category>/checked")
def mark_list_checked(category: str) -> Response:
    """ "Liste geprüft": the account's list of ``category`` (in its Gemeinde, or in one Gemeinde
    of its Kreis named by ``ags``) is complete today; the Gemeinde counts as checked."""
    account = _account()
    if category not in CATEGORIES:
        raise ApiError(404, f"{category[:40]}: not a category ({', '.join(CATEGORIES)})")
    body = _body("ags", "reason")
    ags = body.get("ags") or (account.scope_key if account.scope_kind == "gemeinde" else "")
    if not isinstance(ags, str) or ags not in set(datasets().gemeinden["ags"]):
        raise ApiError(400, "ags: the Gemeinde whose list is checked (8 digits)", "ags")
    today = dt.date.today()
    set_id = _run(ch.mark_checked, account, ags, category, today, base_rows())
    refresh_now()
    response = json_response({"change_set": set_id, "ags": ags, "category": category,
                              "checked_on": today.isoformat()})  # fmt: skip
    response.status_code = 201
    return response
