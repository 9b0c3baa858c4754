"""Municipal changes to the facilities, kept in a real database on top of the committed base.

The committed ``datasets/facilities.csv`` stays the reproducible base; what municipalities and
the welfare associations they authorise change is stored as change sets (author, time, reason,
before and after of each row) in SQLite (default, a file under ``instance/``) or PostgreSQL
(``NK_DATABASE_URL``), with versioned schema migrations (Alembic, ``migrations/``). A rebuild of
the base never overwrites a change, every change can be traced and undone, and two officers
editing one entry cannot silently overwrite each other (optimistic locking on a version).

- `geo.store.schema`: the tables (SQLAlchemy Core).
- `geo.store.engine`: the engine from the settings; migrations to the newest schema.
- `geo.store.accounts`: accounts with a scope (a Gemeinde or a Kreis) and a hashed secret.
- `geo.store.changes`: change sets: add, edit, retire, undo; the current rows over the base.
"""
