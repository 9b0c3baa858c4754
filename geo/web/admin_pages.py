"""``/verwaltung``: municipalities keep their own entries in the browser.

Sign in with the account's access key; the session lives in a signed, HttpOnly,
SameSite=Strict (and, outside local tests, Secure) cookie of this area only: resident pages set
no cookies. Every form carries a CSRF token (Flask-WTF), failed sign-ins are throttled like the
machine interface's, and refusals are logged as security events. The pages are thin: the store
(`geo.store`) does the work, the importer's validation checks every row.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from geo.config import PROJECT_ROOT
from geo.facilities import CATEGORIES, FIELDS, TYPES
from geo.importers import FORMATS, ImportFormatError, guess_format
from geo.importers.common import check_size
from geo.store import changes as ch
from geo.store import uploads
from geo.store.accounts import Account, authenticate
from geo.store.schema import accounts
from geo.validation import validate_facilities
from geo.web.context import datasets
from geo.web.errors import ApiError
from geo.web.language import current_language
from geo.web.live import base_rows, gemeinde_of, own_rows, refresh_now
from geo.web.signin import check_throttle, failed, security
from geo.web.store import store_engine

__all__ = ["bp", "init_app"]

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")
csrf = CSRFProtect()
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EDITABLE = [f for f in FIELDS if f not in ("id", "category", "ags", "source", "licence",
                                           "last_verified")]  # fmt: skip


def _version() -> int:
    """The version a form was made on (-1, never a current version, when it is garbled)."""
    value = (request.form.get("version") or "")[:9]
    return int(value) if value.isdigit() else -1


def _lang_args() -> dict[str, str]:
    return {} if current_language() == "de" else {"lang": current_language()}


def _account() -> Account | None:
    """The signed-in, still active account (a revoked one is signed out at once); looked up
    once per request by `_protect`, which keeps it in ``g.account`` for the views."""
    account_id = session.get("account_id")
    if account_id is None:
        return None
    with store_engine().connect() as conn:
        row = conn.execute(accounts.select().where(accounts.c.id == account_id)).first()
    if row is None or row.revoked_at is not None:
        session.clear()
        return None
    return Account(row.id, row.name, row.scope_kind, row.scope_key, row.created_at, None)


def _back(**anchor: str) -> Response:
    return redirect(url_for("admin.overview", **_lang_args(), **anchor))


def _run(ok_key: str, operation: Callable[..., int], *args: object) -> int | None:
    """A store operation in one transaction; success and refusal become a message on the
    next page (``ok_key``'s text, with the change set's number where it has a place)."""
    try:
        with store_engine().begin() as conn:
            result = operation(conn, *args)
    except ch.ConflictError as err:
        flash(("error", "ad_conflict", str(err)))
        return None
    except (ch.OutOfScopeError, ch.NotFoundError, ValueError) as err:
        if isinstance(err, ch.OutOfScopeError):
            security.warning("out of scope in /verwaltung: %s", err)
        flash(("error", "ad_error", str(err)))
        return None
    refresh_now()
    flash(("ok", ok_key, str(result)))
    return result


@bp.before_request
def _protect() -> Response | None:
    """CSRF on every form; everything but the sign-in needs a signed-in account."""
    if request.method == "POST":
        csrf.protect()
    if request.endpoint in ("admin.login", "admin.login_form"):
        return None
    g.account = _account()
    if g.account is None:
        return redirect(url_for("admin.login_form", **_lang_args()))
    return None


@bp.get("/anmelden")
def login_form() -> str:
    return render_template("admin/login.html", failed=False)


@bp.post("/anmelden")
def login() -> Response | tuple[str, int]:
    check_throttle()
    token = (request.form.get("token") or "").strip()
    with store_engine().connect() as conn:
        account = authenticate(conn, token) if token else None
    if account is None:
        failed("sign-in failed in /verwaltung")
        return render_template("admin/login.html", failed=True), 401
    session.clear()
    session["account_id"] = account.id
    session.permanent = False
    security.info("account %s signed in from %s", account.id, request.remote_addr)
    return _back()


@bp.post("/abmelden")
def logout() -> Response:
    session.clear()
    return redirect(url_for("admin.login_form", **_lang_args()))


@bp.get("/")
def overview() -> str:
    account = g.account
    rows = own_rows(account)
    with store_engine().connect() as conn:
        versions = {i: ch.current(conn, base_rows(), i) for i in rows["id"]}
        checked = ch.list_checked(conn)
        history = ch.list_change_sets(conn, account.id)[:20]
    tiers = datasets().tier_lookup()
    gemeinden = datasets().gemeinden
    own_ags = sorted(a for a in gemeinden["ags"] if account.covers(a))
    names = dict(zip(gemeinden["ags"], gemeinden["name"], strict=True))
    lists = [
        {"ags": a, "name": names[a], "category": c, "tier": tiers.get((a, c), "keine_daten"),
         "checked_on": checked.get((a, c))}
        for a in own_ags[:50] for c in CATEGORIES
    ]  # fmt: skip
    return render_template(
        "admin/overview.html", account=account, rows=rows.to_dict(orient="records"),
        versions={i: v.version for i, v in versions.items() if v}, lists=lists,
        history=history, categories=CATEGORIES, types=TYPES,
    )  # fmt: skip


def _form_row(existing: dict | None) -> dict:
    row = {f: (request.form.get(f) or "").strip()[:600] for f in EDITABLE}
    row["source"] = existing["source"] if existing else ""
    row["licence"] = existing.get("licence", "") if existing else ""
    row["last_verified"] = existing.get("last_verified", "") if existing else ""
    return row


def _validate(row: dict, account: Account) -> tuple[dict | None, dict[str, str]]:
    """The importer's validation of one form; field → message for each problem."""
    source = row["source"] or f"verwaltung:{account.id}:{secrets.token_hex(6)}"
    result = validate_facilities(pd.DataFrame([{**row, "source": source}]), datasets().gemeinden,
                                 f"verwaltung:{account.id}")  # fmt: skip
    if result.problems:
        errors: dict[str, str] = {}
        for p in result.problems:
            for field in p.field.split("/"):
                errors.setdefault(field, p.reason)
        return None, errors
    valid = result.valid.iloc[0].to_dict()
    return {k: ("" if pd.isna(v) else str(v)) for k, v in valid.items()}, {}


@bp.route("/eintrag/neu", methods=["GET", "POST"])
def add_entry() -> Response | str | tuple[str, int]:
    account = g.account
    if request.method == "GET":
        return render_template("admin/edit.html", row={}, errors={}, version=None, new=True,
                               types=TYPES)  # fmt: skip
    row = _form_row(None)
    valid, errors = _validate(row, account)
    if valid is None:
        flash(("error", "ad_field_errors", ""))
        return render_template("admin/edit.html", row=row, errors=errors, version=None,
                               new=True, types=TYPES), 400  # fmt: skip
    reason = request.form.get("reason") or "neu"
    _run("ad_saved", ch.add, account, valid, reason, gemeinde_of, base_rows())
    return _back()


@bp.route("/eintrag/<facility_id>", methods=["GET", "POST"])
def edit_entry(facility_id: str) -> Response | str | tuple[str, int]:
    account = g.account
    with store_engine().connect() as conn:
        now = ch.current(conn, base_rows(), facility_id[:40])
    if now is None or now.data is None:
        raise ApiError(404, "no such entry")
    if request.method == "GET":
        return render_template("admin/edit.html", row=now.data, errors={}, version=now.version,
                               new=False, types=TYPES)  # fmt: skip
    row = _form_row(now.data)
    valid, errors = _validate(row, account)
    version = _version()
    if valid is None:
        flash(("error", "ad_field_errors", ""))
        return render_template("admin/edit.html", row=row, errors=errors, version=version,
                               new=False, types=TYPES), 400  # fmt: skip
    reason = request.form.get("reason") or "bearbeitet"
    _run("ad_saved", ch.edit, account, valid, version, reason, gemeinde_of,
            base_rows())  # fmt: skip
    return _back()


@bp.post("/eintrag/<facility_id>/stilllegen")
def retire_entry(facility_id: str) -> Response:
    account = g.account
    version = _version()
    reason = request.form.get("reason") or ""
    _run("ad_saved", ch.retire, account, facility_id[:40], version, reason, gemeinde_of,
            base_rows())  # fmt: skip
    return _back()


@bp.post("/liste")
def upload_list() -> Response | str:
    account = g.account
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(("error", "ad_error", "no file"))
        return _back()
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    name = Path(upload.filename).name[:200]
    try:
        if len(data) > MAX_UPLOAD_BYTES:  # the browser form's limit, below the importer's
            raise ValueError(f"{name}: more than {MAX_UPLOAD_BYTES:,} bytes")
        check_size(len(data))
        fmt = guess_format(name) if Path(name).suffix else FORMATS[0]
        with store_engine().begin() as conn:
            result = uploads.preview(conn, account, data, fmt, name, datasets().gemeinden,
                                     base_rows())  # fmt: skip
    except (ImportFormatError, ValueError) as err:
        flash(("error", "ad_error", str(err)))
        return _back()
    return render_template("admin/preview.html", preview=result, filename=name)


@bp.post("/liste/<int:upload_id>/anwenden")
def apply_list(upload_id: int) -> Response:
    account = g.account
    _run("ad_applied", uploads.apply, account, upload_id, gemeinde_of, base_rows())
    return _back()


@bp.post("/liste-geprueft")
def mark_checked() -> Response:
    account = g.account
    category = request.form.get("category", "")
    ags = request.form.get("ags", "")
    if category not in CATEGORIES or not account or not account.covers(ags):
        flash(("error", "ad_error", "category/ags"))
        return _back()
    _run("ad_saved", ch.mark_checked, account, ags, category, dt.date.today(),
            base_rows())  # fmt: skip
    return _back()


@bp.post("/aenderung/<int:set_id>/rueckgaengig")
def undo_change(set_id: int) -> Response:
    account = g.account
    _run("ad_saved", ch.undo, account, set_id, "rückgängig (Verwaltung)", gemeinde_of,
            base_rows())  # fmt: skip
    return _back()


def _secret_key(app: Flask) -> str:
    """NK_SECRET_KEY, or a random key kept in instance/secret_key (shared by the workers)."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    path = PROJECT_ROOT / "instance" / "secret_key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    """Sessions for /verwaltung only, CSRF checked by the blueprint itself."""
    app.config["SECRET_KEY"] = _secret_key(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/verwaltung",
        WTF_CSRF_CHECK_DEFAULT=False,  # the API's JSON POSTs carry no form: checked per view
        WTF_CSRF_TIME_LIMIT=None,
        # pages send no Referer (Referrer-Policy: no-referrer): the token and the SameSite=Strict
        # cookie protect the forms, the referrer check would only refuse every HTTPS form
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=app.config.get("MAX_CONTENT_LENGTH") or MAX_UPLOAD_BYTES + 65_536,
    )
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def _csrf_failed(err: CSRFError) -> tuple[str, int]:
        security.warning("CSRF check failed from %s on %s", request.remote_addr, request.path)
        return render_template("error.html", status=400, title="CSRF",
                               message=err.description), 400  # fmt: skip
