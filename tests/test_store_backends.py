"""The case store on both backends: migrations, and officers working the queue
concurrently without ever sharing a case or losing a decision.

Also the shared fixtures for the other `test_store_*` / `test_review_*` files
(imported from here; pytest's rootdir import puts tests/ on sys.path):

- `store`: a fresh migrated store, parametrised over SQLite and PostgreSQL.
  PostgreSQL uses $RCA_TEST_POSTGRES_URL when set, else a throwaway cluster
  started once per test process with initdb/pg_ctl from
  /usr/lib/postgresql/*/bin (as the `postgres` user when run as root) on a
  unix socket under a temp dir; the postgres cases skip when neither exists.
  Each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import atexit
import glob
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pandas as pd
import pytest

from rca.store import decide, import_frame, next_item, open_store
from rca.store.trail import decisions_frame

PG_ENV = "RCA_TEST_POSTGRES_URL"
_PG: dict[str, object] = {}


# --------------------------------------------------------------------------- postgres
def _pg_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0
    )
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _as_pg_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--", *cmd] if runuser else ["su", "postgres", "-c", " ".join(cmd)]


def _start_cluster() -> str:
    """Start a throwaway cluster on a unix socket; returns its base URL."""
    bindir = _pg_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="rca-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    data, port = root / "data", 55000 + os.getpid() % 1000
    subprocess.run(
        _as_pg_user([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    opts = (
        f"-k {root} -c listen_addresses='' -p {port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    subprocess.run(
        _as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "server.log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )

    def _stop() -> None:
        subprocess.run(_as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(_stop)
    return f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"


def postgres_base_url() -> str:
    """The server under test, started once per process; pytest.skip when there is none."""
    if os.environ.get(PG_ENV):
        return os.environ[PG_ENV]
    if "url" not in _PG:
        try:
            _PG["url"] = _start_cluster()
        except (RuntimeError, subprocess.CalledProcessError, OSError, LookupError) as exc:
            _PG["url"] = None
            _PG["why"] = str(exc)
    if _PG["url"] is None:
        pytest.skip(f"no PostgreSQL server: {_PG.get('why')}; set {PG_ENV} or apt-get install postgresql")
    return str(_PG["url"])


def _with_schema(base: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _psycopg_conninfo(base: str) -> dict:
    from sqlalchemy.engine import make_url

    url = make_url(base)
    info = {
        "user": url.username,
        "password": url.password,
        "host": url.host or url.query.get("host"),
        "port": url.port or url.query.get("port"),
        "dbname": url.database,
    }
    return {k: v for k, v in info.items() if v is not None}


def fresh_postgres_url() -> tuple[str, callable]:
    """A URL whose search_path is a new empty schema, and a function that drops it."""
    import psycopg

    base = postgres_base_url()
    schema = f"rca_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**_psycopg_conninfo(base), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def _drop() -> None:
        with psycopg.connect(**_psycopg_conninfo(base), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return _with_schema(base, schema), _drop


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server for this test session (skips when there is none)."""
    return postgres_base_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A database URL for a fresh, empty store on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    request.getfixturevalue("postgres_server")
    url, drop = fresh_postgres_url()
    yield url
    drop()


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.dispose()


# --------------------------------------------------------------------------- corpus
SERVICES = ["Waste and Street Cleansing", "Parking", "Housing Management", "Revenues and Benefits"]
CAUSES = ["Failure to do something", "Delay in doing something", "Charges and enforcement action", "Staff conduct and attitude"]
TEXTS = [
    "My green bin was missed again on Tuesday and nobody came back for it.",
    "I was given a parking fine while loading outside my own house.",
    "The repair to the leaking roof was booked three times and never done.",
    "The officer on the phone was rude and hung up on me.",
    "My council tax account shows a summons cost for a bill I paid.",
    "Fly-tipping on the corner of the estate has been there for weeks.",
]


def scored_cases(n: int = 12, *, review_every: int = 1) -> pd.DataFrame:
    """An inline scored export: n cases, root_cause suggested, every `review_every`-th flagged for review."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "case_id": f"C{i + 1:04d}",
                "received": pd.Timestamp("2024-04-01 10:00") + pd.Timedelta(days=i),
                "text": TEXTS[i % len(TEXTS)],
                "service": SERVICES[i % len(SERVICES)],
                "root_cause": CAUSES[i % len(CAUSES)],
                "source_row": i + 2,
                "root_cause_predicted": CAUSES[(i + (i % 3 == 0)) % len(CAUSES)],
                "root_cause_confidence": round(0.30 + 0.05 * (i % 10), 2),
                "root_cause_review": (i % review_every == 0),
                "root_cause_evidence": "missed; bin",
            }
        )
    return pd.DataFrame(rows)


def filled_store(url: str, n: int = 12, **kw):
    s = open_store(url)
    import_frame(s, scored_cases(n, **kw), source="inline")
    return s


# --------------------------------------------------------------------------- tests
def test_migrations_create_schema_and_are_idempotent(store_url):
    from rca.store.db import current_revision, head_revision

    first = open_store(store_url)
    assert current_revision(first) == head_revision() == "0003"
    again = open_store(store_url)  # opening again runs no migration and changes nothing
    assert current_revision(again) == "0003"
    checked = open_store(store_url, migrate_schema=False)
    assert checked.dialect in ("sqlite", "postgresql")
    for s in (first, again, checked):
        s.dispose()


def _work_queue(url: str, officer: str, barrier=None) -> list[int]:
    """Take and decide items until the queue is empty. With a barrier, each
    officer first takes an item and waits for the other to hold one too, so the
    two provably work side by side (no reliance on thread timing)."""
    s = open_store(url, migrate_schema=False)
    done: list[int] = []
    first = True
    while True:
        item = next_item(s, officer=officer)
        if first and barrier is not None:
            barrier.wait()
        first = False
        if item is None:
            break
        assert item.officer == officer
        rec = decide(
            s,
            item.item_id,
            officer=officer,
            action="accepted" if item.item_id % 2 else "corrected",
            label=None if item.item_id % 2 else CAUSES[1],
            comment=f"by {officer}",
        )
        assert rec.officer == officer
        done.append(item.item_id)
    s.dispose()
    return done


def _check_no_overlap(store, results: dict[str, list[int]], n_items: int) -> None:
    seen = [i for ids in results.values() for i in ids]
    assert len(seen) == len(set(seen)), "an item was handed to two officers"
    assert len(seen) == n_items
    audit = decisions_frame(store)
    assert len(audit) == n_items, "a decision was lost or doubled"
    assert audit["item_id"].is_unique
    by_item = dict(zip(audit["item_id"], audit["officer"]))
    for officer, ids in results.items():
        assert all(by_item[i] == officer for i in ids)


@pytest.mark.system
def test_two_officers_in_threads_never_share_a_case(store_url):
    s = filled_store(store_url, n=40)
    barrier = threading.Barrier(2)
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def run(officer: str) -> None:
        try:
            results[officer] = _work_queue(store_url, officer, barrier)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(o,)) for o in ("Ann Officer", "Bob Officer")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    _check_no_overlap(s, results, 40)
    assert all(results.values()), "both officers should have had work"
    s.dispose()


@pytest.mark.system
def test_two_officers_in_processes_never_share_a_case(store_url):
    s = filled_store(store_url, n=30)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        futures = {o: pool.apply_async(_work_queue, (store_url, o)) for o in ("Ann Officer", "Bob Officer")}
        results = {o: f.get(timeout=180) for o, f in futures.items()}
    _check_no_overlap(s, results, 30)
    s.dispose()


def test_many_officers_grabbing_at_once_get_distinct_cases(store_url):
    s = filled_store(store_url, n=8)
    barrier = threading.Barrier(8)
    got: list[int | None] = []
    lock = threading.Lock()

    def grab(k: int) -> None:
        barrier.wait()
        item = next_item(s, officer=f"officer {k}")
        with lock:
            got.append(item.item_id if item else None)

    threads = [threading.Thread(target=grab, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(got) == sorted(set(got)) and None not in got and len(got) == 8
    assert next_item(s, officer="late officer") is None
    s.dispose()


def test_upgrade_from_the_first_revision_keeps_data(store_url):
    """A store made by an older rca (schema 0001) is migrated in place on open."""
    from rca.store.db import Store, current_revision, make_engine, migrate, resolve_url
    from rca.store.export import export_frame

    old = Store(make_engine(resolve_url(store_url)), resolve_url(store_url))
    assert migrate(old, revision="0001") == "0001"
    from sqlalchemy import text

    with old.engine.begin() as conn:  # an import row as rca 0001 wrote it (no spellings column yet)
        conn.execute(
            text(
                "INSERT INTO imports (source, kind, imported_at, n_rows, n_new_cases, n_suggestions, n_review_items, columns) "
                "VALUES ('old.csv', 'labelled', '2024-01-01 00:00:00', 0, 0, 0, 0, '{}')"
            )
        )
    old.dispose()
    s = open_store(store_url)
    assert current_revision(s) == "0003"
    import_frame(s, scored_cases(3), source="new")
    assert len(export_frame(s)) == 3
    s.dispose()
