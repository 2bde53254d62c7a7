"""The test suite's shortcut for new case stores (tests/conftest.py, `new_stores_from_template`): a new SQLite store
starts as a copy of one the shipped migrations made, and that copy is exactly what the migrations make."""

from __future__ import annotations

import sqlite3

import alembic.command

from rca.store.db import Store, current_revision, head_revision, make_engine, migrate, open_store, resolve_url


def _schema(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def test_a_new_store_is_the_template_and_the_template_is_what_the_migrations_make(tmp_path, store_template, monkeypatch):
    open_store(f"sqlite:///{tmp_path / 'first.db'}").dispose()  # the template is made by the first new store, if not already
    assert (store_template / "cases.db").is_file()
    upgrades = []
    real = alembic.command.upgrade
    monkeypatch.setattr(
        alembic.command, "upgrade", lambda cfg, revision, *a, **k: upgrades.append(revision) or real(cfg, revision, *a, **k)
    )
    seeded = open_store(f"sqlite:///{tmp_path / 'seeded.db'}")
    assert upgrades == []  # copied from the template, not run through the upgrade
    assert current_revision(seeded) == head_revision()
    seeded.dispose()

    url = resolve_url(f"sqlite:///{tmp_path / 'upgraded.db'}")
    upgraded = Store(make_engine(url), url)
    assert migrate(upgraded, revision=head_revision()) == head_revision()  # a named revision: Alembic's upgrade runs
    assert upgrades == [head_revision()]
    upgraded.dispose()

    assert _schema(tmp_path / "seeded.db") == _schema(tmp_path / "upgraded.db") != []
    with sqlite3.connect(tmp_path / "seeded.db") as conn:
        rows = {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    assert rows.pop("alembic_version") == 1 and set(rows.values()) == {0}  # an empty store: no case, no officer


def test_an_existing_store_is_never_replaced_by_the_template(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE kept (x INTEGER)")
    store.dispose()
    again = open_store(url)
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM sqlite_master WHERE name = 'kept'").scalar() == 1
    again.dispose()
