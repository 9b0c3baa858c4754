"""The store of municipal changes, on SQLite and on PostgreSQL: migrations from an empty
database, accounts (hashed secrets, revocation), change sets with scope checked on the geometry,
optimistic locking (conflicting edits), retire, undo and export."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from geo.config import PROJECT_ROOT
from geo.finder import locate
from geo.store import changes as ch
from geo.store.accounts import AccountError, authenticate, create_account, revoke_account
from geo.store.engine import (
    HEAD_REVISION,
    create_store_engine,
    ensure_migrated,
    migrate,
    schema_revision,
)
from geo.store.schema import metadata

GOETTINGEN, HANNOVER = "03159016", "03241001"


def postgres_admin_url() -> str:
    url = os.environ.get("NK_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("NK_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL and sets it "
                    "(see README, 'Database')")  # fmt: skip
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A fresh, empty database of each kind (PostgreSQL: a new database, dropped afterwards)."""
    if request.param == "sqlite":
        eng = create_store_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
        yield eng
        eng.dispose()
        return
    admin = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"nk_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    eng = create_store_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}"'))
        admin.dispose()


@pytest.fixture
def store(engine):
    migrate(engine)
    return engine


@pytest.fixture(scope="module")
def places(app):
    """``gemeinde_of`` on the real Gemeinde shapes, the known keys, and two real base rows."""
    index = app.extensions["nk_finder"]

    def gemeinde_of(lat: float, lon: float) -> str | None:
        _, row = locate(index, lat, lon)
        return None if row is None else str(index.gemeinde_ags[row])

    facilities = app.extensions["nk_datasets"].facilities
    rows = facilities.drop(columns="geometry").astype(str).to_dict(orient="records")
    base = {r["id"]: r for r in rows}
    in_goe = [r for r in rows if r["ags"] == GOETTINGEN][:2]
    in_hannover = next(r for r in rows if r["ags"] == HANNOVER)
    known = set(app.extensions["nk_datasets"].gemeinden["ags"])
    return gemeinde_of, base, in_goe, in_hannover, known


def make_account(store, places, kind="gemeinde", key=GOETTINGEN, name="Stadt Göttingen"):
    known = places[4] | {k[:5] for k in places[4]}
    with store.begin() as conn:
        return create_account(conn, name, kind, key, known)


def test_migrations_build_the_schema_from_an_empty_database(engine):
    assert schema_revision(engine) is None
    migrate(engine)
    assert schema_revision(engine) == HEAD_REVISION
    migrate(engine)  # again: nothing to do
    inspector = sa.inspect(engine)
    for table in metadata.sorted_tables:
        migrated = {c["name"] for c in inspector.get_columns(table.name)}
        assert migrated == set(table.columns.keys()), table.name


def test_head_revision_is_the_newest_migration():
    """The constant that spares the app Alembic at run time names Alembic's own head."""
    from alembic.script import ScriptDirectory

    from geo.store.engine import MIGRATIONS

    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD_REVISION


def test_ensure_migrated_migrates_an_empty_database_once(engine, monkeypatch):
    ensure_migrated(engine)
    assert schema_revision(engine) == HEAD_REVISION
    calls = []
    monkeypatch.setattr("geo.store.engine.migrate", lambda e: calls.append(e))
    ensure_migrated(engine)  # at the head: one query, no Alembic
    assert calls == []


def test_python_m_geo_store_migrates_and_reports_an_unreachable_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    env = {**os.environ, "NK_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "geo.store"], env=env, capture_output=True,
                          text=True, check=False, cwd=PROJECT_ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert schema_revision(create_store_engine(url)) == HEAD_REVISION
    env["NK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing' / 'x' / 'y.sqlite'}"
    (tmp_path / "missing").write_text("a file where a folder should be")
    failed = subprocess.run([sys.executable, "-m", "geo.store"], env=env, capture_output=True,
                            text=True, check=False, cwd=PROJECT_ROOT)  # fmt: skip
    assert failed.returncode == 1
    assert "cannot be migrated" in failed.stderr and "Traceback" not in failed.stderr


def test_accounts_keep_only_a_hash_and_revocation_stops_them(store, places):
    account, token = make_account(store, places)
    secret = token.split(".", 1)[1]
    with store.connect() as conn:
        stored = conn.execute(sa.text("SELECT secret_hash FROM accounts")).scalar()
        assert secret not in stored and stored.startswith("scrypt:")
        assert authenticate(conn, token).id == account.id
        for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "1.short", "", "x" * 5000,
                      f"{account.id + 1}.{secret}", "../../etc"):  # fmt: skip
            assert authenticate(conn, wrong) is None, wrong
    with store.begin() as conn:
        revoke_account(conn, account.id)
    with store.connect() as conn:
        assert authenticate(conn, token) is None
    with pytest.raises(AccountError), store.begin() as conn:
        create_account(conn, "x", "gemeinde", "99999999", places[4])


def test_scope_is_checked_on_the_geometry_not_the_field(store, places):
    gemeinde_of, base, in_goe, in_hannover, _ = places
    account, _ = make_account(store, places)
    with store.begin() as conn:  # its own Gemeinde: allowed
        ch.edit(conn, account, {**in_goe[0], "name": "Neuer Name"}, 0, "Name korrigiert",
                gemeinde_of, base)  # fmt: skip
    # a row in Hannover that claims to be in Göttingen by its field: refused on the point
    with pytest.raises(ch.OutOfScopeError), store.begin() as conn:
        ch.edit(conn, account, {**in_hannover, "ags": GOETTINGEN, "name": "x"}, 0, "r",
                gemeinde_of, base)  # fmt: skip
    # moving an own entry into another Gemeinde is refused too
    with pytest.raises(ch.OutOfScopeError), store.begin() as conn:
        moved = {**in_goe[1], "lat": in_hannover["lat"], "lon": in_hannover["lon"]}
        ch.edit(conn, account, moved, 0, "r", gemeinde_of, base)
    # a Kreis account covers the Gemeinden of its Kreis
    kreis, _ = make_account(store, places, "kreis", GOETTINGEN[:5], "Landkreis Göttingen")
    with store.begin() as conn:
        ch.retire(conn, kreis, in_goe[1]["id"], 0, "geschlossen", gemeinde_of, base)
    with store.connect() as conn:
        state = ch.overlay(conn)
    assert state[in_goe[0]["id"]]["name"] == "Neuer Name" and state[in_goe[1]["id"]] is None
    assert in_hannover["id"] not in state  # nothing half-written by the refused edits


def test_conflicting_edits_do_not_overwrite_each_other(store, places):
    gemeinde_of, base, in_goe, _, _ = places
    account, _ = make_account(store, places)
    row = in_goe[0]
    with store.begin() as conn:  # officer A, on version 0
        ch.edit(conn, account, {**row, "phone": "+49 551 1"}, 0, "Telefon", gemeinde_of, base)
    with pytest.raises(ch.ConflictError, match="version 0, it is at 1"), store.begin() as conn:
        ch.edit(conn, account, {**row, "phone": "+49 551 2"}, 0, "Telefon", gemeinde_of, base)
    with store.begin() as conn:  # B reloads and edits version 1
        ch.edit(conn, account, {**row, "phone": "+49 551 2"}, 1, "Telefon", gemeinde_of, base)
    with store.connect() as conn:
        assert ch.current(conn, base, row["id"]).version == 2
        assert ch.overlay(conn)[row["id"]]["phone"] == "+49 551 2"


def test_undo_puts_every_row_back_and_is_refused_after_later_changes(store, places):
    gemeinde_of, base, in_goe, _, _ = places
    account, _ = make_account(store, places)
    a, b = in_goe
    with store.begin() as conn:
        first = ch.edit(conn, account, {**a, "name": "A2"}, 0, "eins", gemeinde_of, base)
    with store.begin() as conn:
        second = ch.retire(conn, account, b["id"], 0, "zwei", gemeinde_of, base)
    with store.begin() as conn:
        undo_second = ch.undo(conn, account, second, "zurück", gemeinde_of, base)
    with store.connect() as conn:
        assert ch.overlay(conn)[b["id"]] == b  # back as it was
        exported = ch.change_set(conn, second)
        assert exported["undone_by"] == undo_second and exported["changes"][0]["after"] is None
        assert exported["changes"][0]["before"]["id"] == b["id"]
        listed = ch.list_change_sets(conn, account.id)
        assert [s["id"] for s in listed] == [undo_second, second, first]
    with pytest.raises(ch.ConflictError, match="undone already"), store.begin() as conn:
        ch.undo(conn, account, second, "nochmal", gemeinde_of, base)
    with store.begin() as conn:  # a later change to A blocks undoing the first change set
        ch.edit(conn, account, {**a, "name": "A3"}, 1, "drei", gemeinde_of, base)
    with pytest.raises(ch.ConflictError, match="changed again"), store.begin() as conn:
        ch.undo(conn, account, first, "zurück", gemeinde_of, base)
    with store.connect() as conn:
        assert ch.overlay(conn)[a["id"]]["name"] == "A3"  # the refused undo left nothing behind


def test_add_and_errors_for_unknown_rows(store, places):
    gemeinde_of, base, in_goe, _, _ = places
    account, _ = make_account(store, places)
    new = {**in_goe[0], "id": "f" + "1" * 12, "name": "Neuer Treff", "source": "stadt:1"}
    with store.begin() as conn:
        ch.add(conn, account, new, "neu eröffnet", gemeinde_of, base)
    with pytest.raises(ch.ConflictError, match="exists already"), store.begin() as conn:
        ch.add(conn, account, new, "doppelt", gemeinde_of, base)
    with pytest.raises(ch.NotFoundError), store.begin() as conn:
        ch.retire(conn, account, "f" + "2" * 12, 0, "r", gemeinde_of, base)
    with pytest.raises(ch.NotFoundError), store.begin() as conn:
        ch.undo(conn, account, 999, "r", gemeinde_of, base)
    with pytest.raises(ValueError, match="reason"), store.begin() as conn:
        ch.retire(conn, account, new["id"], 1, "   ", gemeinde_of, base)
    with store.connect() as conn:
        assert ch.overlay(conn)[new["id"]]["ags"] == GOETTINGEN


def test_a_checked_list_stamps_its_rows(store, places):
    import datetime as dt

    _, base, in_goe, _, _ = places
    account, _ = make_account(store, places)
    category = in_goe[0]["category"]
    day = dt.date(2026, 12, 5)
    with store.begin() as conn:
        set_id = ch.mark_checked(conn, account, GOETTINGEN, category, day, base)
    with store.connect() as conn:
        assert ch.list_checked(conn) == {(GOETTINGEN, category): day}
        rows = ch.change_set(conn, set_id)["changes"]
        expected = {
            i for i, r in base.items() if r["ags"] == GOETTINGEN and r["category"] == category
        }
        assert {r["facility_id"] for r in rows} == expected
        assert {r["after"]["last_verified"] for r in rows} == {"2026-12-05"}
    with pytest.raises(ch.OutOfScopeError), store.begin() as conn:
        ch.mark_checked(conn, account, HANNOVER, category, day, base)


def test_an_upload_is_previewed_then_applied_as_one_change_set(store, places, app):
    from geo.store import uploads

    gemeinde_of, base, in_goe, _, _ = places
    account, _ = make_account(store, places)
    known = in_goe[0]
    csv = ("Name;Art;Breitengrad;Längengrad;Quelle\n"
           "Neu (Test);Nachbarschaftstreff;51,5412;9,9275;test:neu\n"
           "Kaputt (Test);Kiosk;51,5400;9,9300;test:kaputt\n"
           f"{known['name']} (umbenannt);{known['type']};{known['lat'].replace('.', ',')};"
           f"{known['lon'].replace('.', ',')};{known['source']}\n").encode()  # fmt: skip
    gemeinden = app.extensions["nk_datasets"].gemeinden
    with store.begin() as conn:
        shown = uploads.preview(conn, account, csv, "csv", "liste.csv", gemeinden, base)
    assert [o.status for o in shown.outcomes] == ["new", "invalid", "changed"]
    with store.connect() as conn:
        assert ch.overlay(conn) == {}  # nothing applied by the preview
    with store.begin() as conn:
        set_id = uploads.apply(conn, account, shown.upload_id, gemeinde_of, base)
    with store.connect() as conn:
        rows = ch.change_set(conn, set_id)["changes"]
        assert sorted(r["action"] for r in rows) == ["add", "edit"]
        assert ch.overlay(conn)[known["id"]]["name"] == f"{known['name']} (umbenannt)"
    with pytest.raises(ch.ConflictError, match="applied already"), store.begin() as conn:
        uploads.apply(conn, account, shown.upload_id, gemeinde_of, base)
