"""Engine and sessions for the case store, from a database URL.

SQLite by default (one file, no server); PostgreSQL when given a
``postgresql://`` URL (driven by psycopg 3). Opening a store runs the
package's Alembic migrations up to the newest revision; a store already at
that revision is only checked, not upgraded again.

Example::

    store = open_store("sqlite:///reviews.db")       # or a plain file path
    store = open_store("postgresql://rca@db.council.local/complaints")
"""

from __future__ import annotations

import functools
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rca.config import Config
from rca.errors import RcaError
from rca.settings import StoreSection

log = logging.getLogger(__name__)

ENV_URL = "RCA_STORE_URL"
DEFAULT_URL = "sqlite:///rca_store.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def utcnow() -> datetime:
    """Naive UTC 'now': every timestamp in the store is naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def store_settings(config: Config | None) -> StoreSection:
    """The `[store]` table, validated, its defaults filled in from the schema (`rca.settings.StoreSection`)."""
    return (config or Config()).section_as(StoreSection, "store")


def resolve_url(url: str | None = None, *, config: Config | None = None) -> str:
    """The store URL: the argument, else ``[store] url`` in the config, else
    $RCA_STORE_URL, else ``sqlite:///rca_store.db``. A bare path means SQLite;
    ``postgresql://`` is driven by psycopg 3."""
    chosen = url or (store_settings(config).url if config else None) or os.environ.get(ENV_URL) or DEFAULT_URL
    chosen = str(chosen).strip()
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser()}"
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            chosen = "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


def _sqlite_pragmas(engine: Engine) -> None:
    # Python's sqlite3 opens transactions lazily (BEGIN DEFERRED), so a reader that
    # later writes can fail with SQLITE_BUSY without waiting. Every store
    # transaction starts with BEGIN IMMEDIATE instead: writers queue on the busy
    # timeout and a lease is never granted twice (the SQLAlchemy-documented recipe).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # pragma: no cover - exercised via every sqlite test
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An Engine for `url` (already resolved), with SQLite made safe for several writers."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise RcaError("E501", f"not a database URL: {exc}", value=url) from exc
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_pragmas(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
    raise RcaError("E501", f"unsupported database {parsed.get_backend_name()!r}; use sqlite:///file.db or postgresql://...", value=url)


@dataclass
class Store:
    """An open case store: an Engine plus a session factory."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name  # "sqlite" | "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions() as sess:
            try:
                with sess.begin():
                    yield sess
            except RcaError:
                raise
            except OperationalError as exc:
                raise RcaError("E501", _short(exc), value=self.display_url) from exc

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def _short(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc) or exc).splitlines()[0][:300]


def _alembic_config(connection: Connection):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(store: Store, *, revision: str = "head") -> str | None:
    """Run the shipped migrations up to `revision`; returns the revision now in force. A store already at the
    newest revision is only read (one query of ``alembic_version``), not run through Alembic's upgrade."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    try:
        if revision == "head":
            now = current_revision(store)
            if now is not None and now == head_revision():
                return now
        with store.engine.connect() as conn:
            command.upgrade(_alembic_config(conn), revision)
            conn.commit()
        with store.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise RcaError("E501", f"migrations failed: {_short(exc)}", value=store.display_url) from exc


def current_revision(store: Store) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest revision of the shipped migrations (read once: they are part of the installed package)."""
    from alembic.script import ScriptDirectory
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def configured_url(url: str | None = None, *, config: Config | None = None) -> str | None:
    """The store URL as given (argument, ``[store] url``, $RCA_STORE_URL), or None when none is: no default."""
    chosen = url or (store_settings(config).url if config else None) or os.environ.get(ENV_URL)
    return str(chosen).strip() or None if chosen else None


def absolute_url(url: str) -> str:
    """`url` with a relative SQLite path made absolute against the current folder (other URLs as given)."""
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return parsed.set(database=str(Path(parsed.database).expanduser().resolve())).render_as_string(hide_password=False)
    return url


def _missing(resolved: str, given: str) -> RcaError:
    return RcaError(
        "E504",
        f"there is no case store at {given!r}"
        + (
            f" (read as {make_url(resolved).database}, from the current folder {Path.cwd()})"
            if not Path(str(make_url(resolved).database)).is_absolute()
            else ""
        ),
        value=given,
    )


def open_store(url: str | None = None, *, config: Config | None = None, migrate_schema: bool = True, must_exist: bool = False) -> Store:
    """Open (and by default migrate) the case store at `url`. With `must_exist`, a SQLite file that is not there
    or a database no rca store was made in is E504 (nothing is created).

    Example::

        store = open_store("sqlite:///reviews.db")
    """
    resolved = resolve_url(url, config=config)
    if must_exist and make_url(resolved).get_backend_name() == "sqlite":
        db = make_url(resolved).database
        if not db or db == ":memory:" or not Path(db).expanduser().is_file():
            raise _missing(resolved, configured_url(url, config=config) or resolved)
    store = Store(make_engine(resolved), resolved)
    if must_exist:
        try:
            made = current_revision(store) is not None
        except SQLAlchemyError as exc:
            store.dispose()
            raise RcaError("E501", _short(exc), value=store.display_url) from exc
        if not made:
            store.dispose()
            raise _missing(resolved, configured_url(url, config=config) or resolved)
    if migrate_schema:
        migrate(store)
    else:
        try:
            rev = current_revision(store)
        except SQLAlchemyError as exc:
            raise RcaError("E501", _short(exc), value=store.display_url) from exc
        if rev != head_revision():
            raise RcaError("E501", f"schema is at revision {rev!r}, this rca needs {head_revision()!r}", value=store.display_url)
    return store
