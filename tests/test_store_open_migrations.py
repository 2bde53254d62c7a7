"""Opening a case store migrates it only when its schema is behind: a store at the newest revision is read,
not run through Alembic's upgrade again; a store at an older revision is still upgraded in place."""

from __future__ import annotations

import alembic.command
import pytest

from rca.store.db import Store, current_revision, head_revision, make_engine, migrate, open_store, resolve_url


@pytest.fixture
def upgrades(monkeypatch) -> list[str]:
    """Every revision Alembic's upgrade is asked for while the test runs (the upgrade itself still runs)."""
    asked: list[str] = []
    real = alembic.command.upgrade

    def spy(cfg, revision, *args, **kwargs):
        asked.append(revision)
        return real(cfg, revision, *args, **kwargs)

    monkeypatch.setattr(alembic.command, "upgrade", spy)
    return asked


def test_a_store_at_the_newest_revision_is_opened_without_an_upgrade(tmp_path, upgrades):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    open_store(url).dispose()  # a new file: made by the upgrade
    assert upgrades == ["head"]
    again = open_store(url)
    assert upgrades == ["head"]  # already at head: checked, not upgraded
    assert current_revision(again) == head_revision()
    again.dispose()


def test_a_store_at_an_older_revision_is_still_upgraded_on_open(tmp_path, upgrades):
    url = resolve_url(f"sqlite:///{tmp_path / 'old.db'}")
    old = Store(make_engine(url), url)
    assert migrate(old, revision="0001") == "0001"
    old.dispose()
    upgrades.clear()
    store = open_store(url)
    assert upgrades == ["head"]
    assert current_revision(store) == head_revision() != "0001"
    store.dispose()


def test_an_empty_database_is_given_the_whole_schema(tmp_path, upgrades):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    bare = Store(make_engine(resolve_url(url)), resolve_url(url))
    assert current_revision(bare) is None
    bare.dispose()
    store = open_store(url)
    assert upgrades == ["head"] and current_revision(store) == head_revision()
    store.dispose()
