"""The case store's trail through export and import (same store or another), leases on direct decisions,
the store audit, decision times, target names and the store commands' wording."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.errors import RcaError
from rca.ingest.io import read_table
from rca.store import (
    current_codes,
    decide,
    decisions_frame,
    export_cases,
    import_export,
    import_frame,
    next_item,
    open_store,
    record_decision,
)
from rca.store.db import utcnow
from test_store_backends import CAUSES, postgres_server, scored_cases, store, store_url  # noqa: F401  (fixtures)

runner = CliRunner()


# --------------------------------------------------------------------------- store: export -> import -> export
def _reviewed_store(url: str):
    """Six scored cases; C0001 corrected by Ann, then by Bob directly; C0002 confirmed by Cat."""
    s = open_store(url)
    import_frame(s, scored_cases(6), source="inline", model_version="m-1")
    record_decision(s, "C0001", "root_cause", officer="Ann", action="corrected", label=CAUSES[2])
    record_decision(s, "C0001", "root_cause", officer="Bob", action="corrected", label=CAUSES[3], comment="on appeal")
    record_decision(s, "C0002", "root_cause", officer="Cat", action="accepted")
    return s


def test_an_export_imported_into_another_store_exports_again_unchanged(tmp_path):
    a = _reviewed_store(f"sqlite:///{tmp_path / 'a.db'}")
    e1 = export_cases(a, tmp_path / "e1.csv")
    b = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    res = import_export(b, e1)
    assert res.n_new_cases == 6 and res.n_quarantined == 0
    e3 = export_cases(b, tmp_path / "e3.csv")  # crashed: duplicated rca_* columns from the merge
    assert e3.read_bytes() == e1.read_bytes()
    out, _ = read_table(e3)
    assert list(out.columns).count("rca_label_source") == 1 and not any(c.endswith(("_x", "_y")) for c in out.columns)
    row = out.set_index("case_id").loc["C0001"]
    # everyone who decided the case's codes (Ann's correction was superseded, not erased)
    assert row["root_cause"] == CAUSES[3] and row["rca_label_source"] == "review" and row["rca_reviewed_by"] == "Ann; Bob"
    # a review in the second store is added after the trail the case came with
    record_decision(b, "C0003", "root_cause", officer="Dee", action="corrected", label=CAUSES[0])
    record_decision(b, "C0001", "root_cause", officer="Dee", action="corrected", label=CAUSES[1])
    e4 = export_cases(b, tmp_path / "e4.csv")
    out4 = read_table(e4)[0].set_index("case_id")
    assert out4.loc["C0001", "rca_reviewed_by"] == "Ann; Bob; Dee"
    notes = out4.loc["C0001", "rca_review_notes"]
    assert notes.index(f"by Bob: {CAUSES[0]} -> {CAUSES[3]}") < notes.index(f"by Dee: {CAUSES[3]} -> {CAUSES[1]}")
    assert out4.loc["C0003", "rca_reviewed_by"] == "Dee" and out4.loc["C0004", "rca_label_source"] == "import"
    assert import_export(b, e4).n_labels == 0  # and back into the second store: nothing new, same file
    assert export_cases(b, tmp_path / "e5.csv").read_bytes() == e4.read_bytes()


def test_reimporting_an_export_into_the_same_store_keeps_the_recorded_codes(store, tmp_path):
    import_frame(store, scored_cases(6), source="inline", model_version="m-1")
    record_decision(store, "C0001", "root_cause", officer="Ann", action="corrected", label=CAUSES[2])
    record_decision(store, "C0001", "root_cause", officer="Bob", action="corrected", label=CAUSES[3])
    record_decision(store, "C0003", "root_cause", officer="Bob", action="not_complaint")
    x1 = export_cases(store, tmp_path / "x1.csv")
    res = import_export(store, x1)
    assert res.n_new_cases == 0 and res.n_labels == 0  # the officers' codes are not the council's recorded codes
    code = current_codes(store, targets=["root_cause"]).set_index("case_id").loc["C0001"]
    assert code["original_label"] == CAUSES[0] and code["label"] == CAUSES[3] and code["decided_by"] == "Bob"
    x2 = export_cases(store, tmp_path / "x2.csv")
    assert x2.read_bytes() == x1.read_bytes()
    note = read_table(x2)[0].set_index("case_id").loc["C0001", "rca_review_notes"]
    assert note == f"root_cause corrected by Bob: {CAUSES[0]} -> {CAUSES[3]}"
    # a code the council really changed in its own system is still recorded
    changed = scored_cases(6).assign(outcome="Upheld")
    assert import_frame(store, changed, source="later export").n_labels == 6


def test_review_note_starts_from_the_code_before_review_even_if_an_echo_was_recorded(store):
    """Stores that imported their own export before this fix hold the officer's code as
    a recorded code; the export's note still says what the officers changed."""
    import_frame(store, scored_cases(4), source="inline")
    record_decision(store, "C0001", "root_cause", officer="Bob", action="corrected", label=CAUSES[3])
    from rca.store.models import OriginalLabel

    with store.session() as sess:  # what the old importer wrote
        sess.add(OriginalLabel(case_pk=1, target="root_cause", label=CAUSES[3], import_id=1))
    from rca.store import export_frame

    note = export_frame(store).set_index("case_id").loc["C0001", "rca_review_notes"]
    assert note == f"root_cause corrected by Bob: {CAUSES[0]} -> {CAUSES[3]}"


# --------------------------------------------------------------------------- store: leases
def test_a_direct_decision_is_refused_while_another_officer_holds_the_lease(store):
    import_frame(store, scored_cases(2), source="inline")
    t0 = utcnow()
    item = next_item(store, officer="Ann", target="root_cause", now=t0)
    for attempt in (
        lambda: record_decision(
            store, item.case_id, "root_cause", officer="Bob", action="corrected", label=CAUSES[3], now=t0 + timedelta(seconds=5)
        ),
        lambda: decide(store, item.item_id, officer="Bob", action="accepted", now=t0 + timedelta(seconds=5)),
    ):
        with pytest.raises(RcaError) as exc:
            attempt()
        assert exc.value.code == "E502" and "leased to Ann" in str(exc.value)
        assert "your lease" not in exc.value.hint  # Bob never held it
    assert decisions_frame(store).empty  # nothing written
    rec = decide(store, item.item_id, officer="Ann", action="accepted", now=t0 + timedelta(seconds=10))
    assert rec.officer == "Ann" and rec.item_id == item.item_id
    with pytest.raises(RcaError) as exc:
        decide(store, item.item_id, officer="Bob", action="accepted", now=t0 + timedelta(seconds=20))
    assert "already decided by Ann" in str(exc.value) and "rca store audit" in exc.value.hint
    # Ann's own lease, and a lapsed one, do not stand in the way of a direct decision
    other = next_item(store, officer="Ann", target="root_cause", now=t0)
    assert record_decision(store, other.case_id, "root_cause", officer="Ann", action="accepted", now=t0).item_id == other.item_id
    import_frame(store, scored_cases(3).iloc[2:], source="third")
    third = next_item(store, officer="Ann", now=t0)
    late = record_decision(store, third.case_id, "root_cause", officer="Bob", action="accepted", now=t0 + timedelta(seconds=700))
    assert late.item_id == third.item_id and late.officer == "Bob"


def test_store_audit_writes_whole_item_numbers_and_speaks_json(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    s = open_store(db)
    import_frame(s, scored_cases(4), source="inline")
    item = next_item(s, officer="Ann")
    decide(s, item.item_id, officer="Ann", action="accepted")
    record_decision(s, item.case_id, "root_cause", officer="Bob", action="corrected", label=CAUSES[1])  # no queue item
    s.dispose()
    out = tmp_path / "audit.csv"
    r = runner.invoke(app, ["store", "audit", "--db", db, "--out", str(out)])
    assert r.exit_code == 0, r.output
    ids = pd.read_csv(out, dtype=str, keep_default_na=False)["item_id"].tolist()
    assert str(item.item_id) in ids and not any("." in v for v in ids)
    r = runner.invoke(app, ["store", "audit", "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["decisions"] == 2 and {d["officer"] for d in data["trail"]} == {"Ann", "Bob"}
    assert sorted(d["item_id"] is None for d in data["trail"]) == [False, True]


# --------------------------------------------------------------------------- store: timestamps, targets, wording
def test_current_codes_reads_the_decision_times_without_a_pandas_warning(store):
    import warnings

    from datetime import datetime

    import_frame(store, scored_cases(60), source="inline", model_version="m-1")
    # a time pandas cannot guess a format from (it fell back to dateutil, with a warning)
    first = datetime(2026, 11, 23, 20, 26, 1, 955545)
    for i, cid in enumerate(("C0040", "C0045", "C0050")):
        record_decision(store, cid, "root_cause", officer="Ann", action="corrected", label=CAUSES[2], now=first + timedelta(minutes=i))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # was: UserWarning "Could not infer format" on `rca train --from-store`
        codes = current_codes(store)
        from rca.store.trail import parse_timestamps

        parsed = parse_timestamps(pd.Series([None, "2024-05-01 10:00:00.123456", "2024-05-01 10:00:00", "01/05/2024 10:00"]))
    assert codes["decided_at"].notna().sum() == 3 and str(codes["decided_at"].dtype).startswith("datetime64")
    assert parsed.isna().tolist() == [True, False, False, False] and parsed[2] == pd.Timestamp("2024-05-01 10:00")


def test_an_unknown_target_is_named_with_the_stores_targets(store, tmp_path):
    import_frame(store, scored_cases(6), source="inline", model_version="m-1")
    with pytest.raises(RcaError) as exc:
        record_decision(store, "C0001", "Root_Cause", officer="Ann", action="corrected", label=CAUSES[1])
    msg = str(exc.value)
    assert "'Root_Cause' is not a target of this store; its targets are: root_cause" in msg
    assert "choose one of: ." not in msg and "--target root_cause" in msg
    assert decisions_frame(store).empty  # nothing written, also not for not_complaint
    with pytest.raises(RcaError):
        record_decision(store, "C0001", "Root_Cause", officer="Ann", action="not_complaint")
    assert decisions_frame(store).empty
    with pytest.raises(RcaError) as exc:
        record_decision(store, "C0001", "escalation_reason", officer="Ann", action="corrected", label="Nonsense")
    assert "is not an escalation_reason code" in str(exc.value)
    with pytest.raises(RcaError) as exc:
        record_decision(store, "C0001", "root_cause", officer="Ann", action="corrected", label="Nonsense")
    assert "is not a root_cause code" in str(exc.value)


def test_store_cli_wording_names_the_option_and_the_targets(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.db'}"
    path = tmp_path / "scored.csv"
    scored_cases(6).to_csv(path, index=False)
    assert runner.invoke(app, ["store", "import", str(path), "--db", db]).exit_code == 0
    again = runner.invoke(app, ["store", "import", str(path), "--db", db])
    assert again.exit_code == 0 and "with --force" in again.output and "pass force" not in again.output
    r = runner.invoke(
        app,
        [
            "store",
            "decide",
            "--case",
            "C0001",
            "--target",
            "Root_Cause",
            "--officer",
            "Ann",
            "--action",
            "corrected",
            "--label",
            CAUSES[1],
            "--db",
            db,
        ],
    )
    out = " ".join(r.output.split())
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert "not a target of this store; its targets are: root_cause" in out and "choose one of: ." not in out
