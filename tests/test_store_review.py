"""Import, queue, decide, audit and export on both backends (SQLite and a real
PostgreSQL server): nothing is overwritten, every decision is an audit row,
corrections must be codes of the taxonomy, and the export speaks the council's
own column names and spellings."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.io import read_table
from rca.store import (
    cases_for_training,
    current_codes,
    decide,
    decisions_frame,
    export_frame,
    import_export,
    import_frame,
    next_item,
    queue_frame,
    record_decision,
    release,
)
from rca.store.db import utcnow
from rca.store.training_data import review_label_counts
from test_store_backends import CAUSES, SERVICES, postgres_server, scored_cases, store, store_url  # noqa: F401  (fixtures)


def _counts(store) -> dict[str, int]:
    from sqlalchemy import func, select

    from rca.store.models import Case, Decision, OriginalLabel, ReviewItem, Suggestion

    with store.session() as sess:
        return {
            m.__tablename__: sess.execute(select(func.count()).select_from(m)).scalar()
            for m in (Case, OriginalLabel, Suggestion, ReviewItem, Decision)
        }


def test_import_scored_frame_queues_flagged_and_disagreeing_suggestions(store):
    frame = scored_cases(12, review_every=4)  # rows 0, 4, 8 flagged; rows 0, 3, 6, 9 disagree with the record
    res = import_frame(store, frame, source="inline", model_version="m-1")
    assert (res.kind, res.n_new_cases, res.n_suggestions, res.targets) == ("scored", 12, 12, ["root_cause"])
    queued = set(queue_frame(store, limit=None)["case_id"])
    assert queued == {"C0001", "C0004", "C0005", "C0007", "C0009", "C0010"}
    assert res.n_review_items == 6
    # disagreements come first ("most useful"), the most confident disagreement leading
    first = next_item(store, officer="Ann")
    assert first.reason == "disagrees with the recorded code" and first.case_id == "C0010"
    assert first.model_version == "m-1" and first.evidence == "missed; bin" and first.recorded == CAUSES[1]


def test_reimport_adds_nothing_twice_and_keeps_old_codes(store, tmp_path):
    frame = scored_cases(6)
    path = tmp_path / "scored.csv"
    frame.to_csv(path, index=False)
    first = import_export(store, path)
    assert first.n_new_cases == 6 and not first.skipped
    again = import_export(store, path)
    assert again.skipped and "imported before" in again.warnings[0]
    before = _counts(store)
    changed = frame.assign(root_cause=[CAUSES[3]] + list(frame["root_cause"][1:]))
    res = import_frame(store, changed, source="second export")
    after = _counts(store)
    assert res.n_new_cases == 0 and res.n_existing_cases == 6
    assert after["cases"] == before["cases"] == 6
    assert after["original_labels"] == before["original_labels"] + 1  # the changed code is a new row
    assert after["review_items"] == before["review_items"]  # open items are not queued twice
    codes = current_codes(store, targets=["root_cause"]).set_index("case_id")
    assert codes.loc["C0001", "label"] == CAUSES[3] and codes.loc["C0001", "label_source"] == "import"


def test_accept_and_correct_write_audit_rows_and_close_items(store):
    import_frame(store, scored_cases(6), source="inline", model_version="m-1")
    a = next_item(store, officer="Ann")
    b = next_item(store, officer="Bob")
    assert a.item_id != b.item_id
    assert a.options[0] == a.suggested and CAUSES[0] in a.options
    ra = decide(store, a.item_id, officer="Ann", action="accepted", comment="looks right")
    rb = decide(store, b.item_id, officer="Bob", action="corrected", label="delay")  # a taxonomy alias
    assert ra.label == a.suggested and ra.previous_label == a.recorded
    assert rb.label == "Delay in doing something" and rb.previous_label == b.recorded
    audit = decisions_frame(store).set_index("case_id")
    assert audit.loc[a.case_id, "officer"] == "Ann" and audit.loc[a.case_id, "action"] == "accepted"
    assert audit.loc[a.case_id, "comment"] == "looks right" and audit.loc[a.case_id, "model_version"] == "m-1"
    assert audit.loc[b.case_id, "officer"] == "Bob" and audit.loc[b.case_id, "label"] == "Delay in doing something"
    assert audit.loc[b.case_id, "suggested"] == b.suggested
    open_ids = set(queue_frame(store, limit=None)["item_id"])
    assert a.item_id not in open_ids and b.item_id not in open_ids
    with pytest.raises(RcaError) as exc:
        decide(store, a.item_id, officer="Bob", action="accepted")
    assert exc.value.code == "E502" and "already decided by Ann" in str(exc.value)


def test_a_correction_must_be_a_taxonomy_code_and_bad_input_writes_nothing(store):
    import_frame(store, scored_cases(4), source="inline")
    item = next_item(store, officer="Ann")
    before = _counts(store)
    with pytest.raises(RcaError) as exc:
        decide(store, item.item_id, officer="Ann", action="corrected", label="Bins are smelly")
    assert exc.value.code == "E106" and "Failure to do something" in str(exc.value)
    with pytest.raises(RcaError):
        decide(store, item.item_id, officer="Ann", action="corrected", label=" ")
    with pytest.raises(RcaError):
        decide(store, item.item_id, officer="Ann", action="approved")
    with pytest.raises(RcaError):
        decide(store, item.item_id, officer="  ", action="accepted")
    assert _counts(store) == before
    # a council's own spelling from the config is accepted and stored canonically
    cfg = Config(labels={"root_cause": {"Not done": "Failure to do something"}})
    rec = decide(store, item.item_id, officer="Ann", action="corrected", label="not done", config=cfg)
    assert rec.label == "Failure to do something"


def test_corrections_never_overwrite_history(store):
    import_frame(store, scored_cases(4), source="inline")
    item = next_item(store, officer="Ann")
    decide(store, item.item_id, officer="Ann", action="accepted")
    record_decision(store, item.case_id, "root_cause", officer="Bob", action="corrected", label=CAUSES[2], comment="on appeal")
    record_decision(store, item.case_id, "root_cause", officer="Cat", action="corrected", label=CAUSES[3])
    trail = decisions_frame(store, case_id=item.case_id)
    assert list(trail["officer"]) == ["Ann", "Bob", "Cat"]
    assert list(trail["label"]) == [item.suggested, CAUSES[2], CAUSES[3]]
    assert list(trail["previous_label"]) == [item.recorded, item.suggested, CAUSES[2]]
    code = current_codes(store, targets=["root_cause"]).set_index("case_id").loc[item.case_id]
    assert (code["label"], code["label_source"], code["decided_by"], code["original_label"]) == (CAUSES[3], "review", "Cat", item.recorded)


def test_not_a_complaint_also_records_acceptability(store):
    import_frame(store, scored_cases(4), source="inline")
    item = next_item(store, officer="Ann")
    decide(store, item.item_id, officer="Ann", action="not_complaint", comment="a bin request")
    codes = current_codes(store).set_index(["case_id", "target"])
    assert pd.isna(codes.loc[(item.case_id, "root_cause"), "label"])
    assert codes.loc[(item.case_id, "acceptability"), "label"] == "Service request or enquiry - not a complaint"


def test_leases_expire_and_a_lapsed_holder_cannot_decide(store):
    import_frame(store, scored_cases(1), source="inline")
    t0 = utcnow()
    a = next_item(store, officer="Ann", now=t0)
    assert next_item(store, officer="Bob", now=t0 + timedelta(seconds=5)) is None  # Ann holds the only case
    assert next_item(store, officer="Ann", now=t0 + timedelta(seconds=5)).item_id == a.item_id  # a reload keeps it
    later = t0 + timedelta(seconds=700)  # past the 600 s lease
    b = next_item(store, officer="Bob", now=later)
    assert b.item_id == a.item_id and b.officer == "Bob"
    with pytest.raises(RcaError) as exc:
        decide(store, a.item_id, officer="Ann", action="accepted", now=later)
    assert exc.value.code == "E502" and "leased to Bob" in str(exc.value)
    decide(store, b.item_id, officer="Bob", action="accepted", now=later)
    assert len(decisions_frame(store)) == 1


def test_release_and_skip(store):
    import_frame(store, scored_cases(2), source="inline")
    a = next_item(store, officer="Ann")
    assert release(store, a.item_id, officer="Bob") is False  # not Bob's to give back
    assert release(store, a.item_id, officer="Ann", skip=True)
    nxt = next_item(store, officer="Ann")
    assert nxt.item_id != a.item_id  # a skipped case is not offered straight back
    assert next_item(store, officer="Bob").item_id == a.item_id  # but another officer gets it


def test_filters_by_target_and_service(store):
    frame = scored_cases(8)
    frame["service_predicted"] = frame["service"]
    frame["service_confidence"] = 0.2
    frame["service_review"] = True
    import_frame(store, frame, source="inline")
    item = next_item(store, officer="Ann", target="service", service=SERVICES[1])
    assert item.target == "service" and item.service == SERVICES[1]
    only = queue_frame(store, target="root_cause", service=SERVICES[0], limit=None)
    assert len(only) == 2 and set(only["service"]) == {SERVICES[0]} and set(only["target"]) == {"root_cause"}


def test_training_frame_takes_officers_codes_over_originals(store):
    import_frame(store, scored_cases(6), source="inline")
    record_decision(store, "C0002", "root_cause", officer="Ann", action="corrected", label=CAUSES[3])
    frame = cases_for_training(store)
    assert len(frame) == 6 and list(frame["case_id"]) == [f"C{i:04d}" for i in range(1, 7)]
    row = frame.set_index("case_id").loc["C0002"]
    assert row["root_cause"] == CAUSES[3] and row["label_source"] == "review"
    assert frame.set_index("case_id").loc["C0003", "root_cause"] == CAUSES[2]
    assert pd.api.types.is_datetime64_any_dtype(frame["received"])
    counts = review_label_counts(frame)
    assert counts["rows_with_reviewed_labels"] == 1 and counts["by_target"]["root_cause"] == {"review": 1, "import": 5}


def test_export_uses_the_councils_columns_and_spellings(store, tmp_path):
    raw = pd.DataFrame(
        {
            "Ref": ["A1", "A2", "A3"],
            "Date Received": ["01/04/2024", "02/04/2024", "03/04/2024"],
            "Details": ["My bin was missed again.", "The repair is late.", "Rude officer on the phone."],
            "Cause": ["Failure to act", "Delay", "Staff attitude"],
            "Officer notes": ["x", "y", "z"],
        }
    )
    path = tmp_path / "council.csv"
    raw.to_csv(path, index=False)
    cfg = Config(columns={"case_id": "Ref", "received": "Date Received", "text": "Details", "root_cause": "Cause"})
    res = import_export(store, path, config=cfg)
    assert res.n_new_cases == 3 and res.n_quarantined == 0
    record_decision(store, "A2", "root_cause", officer="Ann", action="corrected", label="Staff conduct and attitude")
    out = export_frame(store, config=cfg)
    assert {"Ref", "Date Received", "Details", "Cause", "Officer notes", "rca_label_source", "rca_reviewed_by"} <= set(out.columns)
    out = out.set_index("Ref")
    assert out.loc["A1", "Cause"] == "Failure to act"  # the council's spelling comes back
    assert out.loc["A2", "Cause"] == "Staff attitude"  # the correction, in the council's spelling
    assert out.loc["A2", "rca_reviewed_by"] == "Ann" and out.loc["A2", "rca_label_source"] == "review"
    assert "Delay -> Staff attitude" not in str(out.loc["A2", "rca_review_notes"])  # notes use canonical codes
    assert out.loc["A3", "Officer notes"] == "z" and out.loc["A1", "rca_label_source"] == "import"
    written = tmp_path / "reviewed.xlsx"
    from rca.store import export_cases

    export_cases(store, written, config=cfg, reviewed_only=True)
    back, _ = read_table(written)
    assert list(back["Ref"]) == ["A2"] and back.loc[0, "Cause"] == "Staff attitude"


def test_duplicate_ids_in_a_frame_are_refused_not_dropped(store):
    frame = pd.concat([scored_cases(3), scored_cases(1)], ignore_index=True)
    with pytest.raises(RcaError) as exc:
        import_frame(store, frame, source="dups")
    assert exc.value.code == "E104" and "C0001" in str(exc.value)
    assert _counts(store)["cases"] == 0  # nothing half-imported


def test_quarantined_rows_are_counted_and_written(store, tmp_path):
    frame = scored_cases(4)
    frame.loc[2, "text"] = ""
    path, bad = tmp_path / "in.csv", tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    res = import_export(store, path, quarantine_path=bad)
    assert (res.n_rows, res.n_new_cases, res.n_quarantined) == (4, 3, 1)
    q, _ = read_table(bad)
    assert list(q["case_id"]) == ["C0003"] and "E102" in q.loc[0, "reason"]
