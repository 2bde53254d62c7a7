"""`score_file` / `score_frame` on messy files with the inline stand-in model:
every row out, in order, ids unchanged; chunking, formats, resume."""

from __future__ import annotations

import pandas as pd
import pytest
from test_score_fakebundle import FakeBundle

from rca.errors import RcaError
from rca.scoring.score import output_columns, score_frame
from rca.scoring.score_files import score_file

pytestmark = pytest.mark.system

MODEL_DIR = "no-model-folder"  # the stand-in bundle is passed in; nothing is read from here
MESSY = (
    "Ref,Date received,Description,complainant_id,Officer notes\n"
    "A-1,02/01/2024 10:00,My bin was not collected again this week and nobody came,p1,\n"
    "A-2,03/01/2024 11:00,,p2,text missing\n"  # empty text
    ",,,,\n"  # blank row
    'A-3,not a date,"The penalty charge notice was unfair,\nthe sign was hidden",p3,\n'  # bad date, embedded newline
    "A-1,05/01/2024 09:00,Staff were rude at the reception desk and ignored me,p4,same id again\n"  # duplicate id
    'A-5,06/01/2024 09:00,=HYPERLINK("http://x") damp and mould in my flat,p5,\n'  # formula injection
    "A-6,07/01/2024 09:00,My bin was not collected again this week and nobody came,p1,\n"  # duplicate complaint
)


@pytest.fixture(scope="module")
def bundle():
    return FakeBundle()


@pytest.fixture()
def messy(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_text(MESSY, encoding="utf-8")
    return path


def _config():
    from rca.config import Config

    return Config(columns={"case_id": "Ref", "received": "Date received", "text": "Description"})


def test_every_row_comes_out_in_order_with_ids_unchanged_and_reasons(messy, tmp_path, bundle):
    out = tmp_path / "scored.csv"
    summary = score_file(messy, out, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False)
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert summary.n_rows == 7 and len(df) == 7
    assert df["Ref"].tolist() == ["A-1", "A-2", "", "A-3", "A-1", "A-5", "A-6"]
    assert df["source_row"].tolist() == ["2", "3", "4", "5", "7", "8", "9"]  # row 5 spans two lines
    assert df["Officer notes"].tolist()[1] == "text missing"  # export columns kept as written
    for c in output_columns(bundle.targets):
        assert c in df.columns
    issues = df["rca_issues"].tolist()
    assert "E102" in issues[1] and "empty text" in issues[1]
    assert "E105" in issues[2]
    assert "E103" in issues[3] and "E104" in issues[4]
    assert issues[0] == "" and issues[6] == ""
    # blank texts: no prediction, flagged for review
    assert df.loc[1, "root_cause_predicted"] == "" and df.loc[1, "root_cause_review"] == "True"
    assert df.loc[0, "service_predicted"] == "Waste and Street Cleansing"
    assert "collected" in df.loc[0, "service_evidence"] or "bin" in df.loc[0, "service_evidence"]
    # the repeat complaint points at the first one
    assert df.loc[6, "duplicate"] == "True" and df.loc[6, "duplicate_of"] == "A-1"
    assert df.loc[6, "duplicate_reason"] == "same complainant and near-identical text"
    # formula text cannot run in a spreadsheet
    assert df.loc[5, "Description"].startswith("'=")
    assert not list(tmp_path.glob(".scored.csv*"))  # no work folder or temp file left behind


def test_chunk_size_and_format_do_not_change_the_result(messy, tmp_path, bundle):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    score_file(messy, a, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False, chunksize=100)
    score_file(messy, b, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False, chunksize=2)
    assert a.read_bytes() == b.read_bytes()
    pq, xl = tmp_path / "c.parquet", tmp_path / "d.xlsx"
    score_file(messy, pq, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False, chunksize=3)
    score_file(messy, xl, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False)
    fa = pd.read_csv(a, dtype=str, keep_default_na=False)
    fp = pd.read_parquet(pq)
    fx = pd.read_excel(xl, dtype=str, keep_default_na=False)
    assert fp["Ref"].fillna("").tolist() == fa["Ref"].tolist() == fx["Ref"].tolist()
    assert fp["root_cause_confidence"].dtype == float and fp["root_cause_review"].dtype == bool
    assert fp["root_cause_predicted"].fillna("").tolist() == fa["root_cause_predicted"].tolist()


class Crash(Exception):
    pass


class CrashingBundle(FakeBundle):
    """Dies on its n-th predict call, like a killed process."""

    def __init__(self, die_at: int) -> None:
        super().__init__()
        self.die_at = die_at

    def predict(self, texts):
        if self.predict_calls + 1 >= self.die_at:
            raise Crash()
        return super().predict(texts)


def test_interrupted_run_resumes_to_the_same_bytes_without_a_partial_output(messy, tmp_path, bundle):
    whole = tmp_path / "whole.csv"
    score_file(messy, whole, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False, chunksize=2)
    out = tmp_path / "resumed.csv"
    with pytest.raises(Crash):
        score_file(messy, out, model_dir=MODEL_DIR, config=_config(), bundle=CrashingBundle(die_at=3), progress=False, chunksize=2)
    assert not out.exists()  # never half-written under its final name
    counting = FakeBundle()
    summary = score_file(messy, out, model_dir=MODEL_DIR, config=_config(), bundle=counting, progress=False, chunksize=2, resume=True)
    assert summary.n_chunks == 4 and summary.n_chunks_resumed == 2
    assert counting.predict_calls == 2  # only the unscored chunks
    assert out.read_bytes() == whole.read_bytes()


def test_resume_after_the_input_changed_starts_again(messy, tmp_path, bundle):
    out = tmp_path / "r.csv"
    with pytest.raises(Crash):
        score_file(messy, out, model_dir=MODEL_DIR, config=_config(), bundle=CrashingBundle(die_at=2), progress=False, chunksize=2)
    messy.write_text(MESSY.replace("rude", "very rude"), encoding="utf-8")
    summary = score_file(messy, out, model_dir=MODEL_DIR, config=_config(), bundle=bundle, progress=False, chunksize=2, resume=True)
    assert summary.n_chunks_resumed == 0
    assert "very rude" in out.read_text("utf-8")


def test_score_frame_keeps_rows_and_bad_output_names_are_coded(tmp_path, bundle, messy):
    cases = pd.DataFrame({"case_id": ["x", "y", "z"], "text": ["rude staff on the phone", None, "   "]})
    scored = score_frame(cases, bundle)
    assert scored["case_id"].tolist() == ["x", "y", "z"]
    assert scored["root_cause_review"].tolist() == [scored.at[0, "root_cause_review"], True, True]
    assert scored["service_predicted"].tolist()[1:] == [None, None]
    with pytest.raises(RcaError) as err:
        score_file(messy, tmp_path / "out.json", model_dir=MODEL_DIR, bundle=bundle, progress=False)
    assert err.value.code == "E002"
    with pytest.raises(RcaError) as err:
        score_file(tmp_path / "missing.csv", tmp_path / "o.csv", model_dir=MODEL_DIR, bundle=bundle, progress=False)
    assert err.value.code == "E001"
    with pytest.raises(RcaError) as err:
        score_frame(pd.DataFrame({"case_id": ["1"]}), bundle)
    assert err.value.code == "E101"


@pytest.mark.model
def test_escalation_reason_is_blank_on_stage_one_records(trained_model_dir, demo_csv, tmp_path):
    """The model learnt escalation reasons from stage-2 records only (the manifest says so); a stage-1
    record gets no escalation reason and nothing to review, stage-2 records keep theirs, and rows
    without a stage are still scored. Triage (a new contact, stage 1) does not suggest one."""
    import json

    import pandas as pd

    from rca.config import Config
    from rca.model.store import load_model
    from rca.scoring.score_files import score_file
    from rca.scoring.triage import triage

    manifest = json.loads((trained_model_dir / "manifest.json").read_text())
    assert manifest["applies_from_stage"] == {"escalation_reason": "2"}
    src = pd.read_csv(demo_csv)
    src.loc[src.index[:5], "stage"] = None
    messy = tmp_path / "cases.csv"
    src.to_csv(messy, index=False)
    out = tmp_path / "scored.csv"
    score_file(messy, out, model_dir=trained_model_dir, progress=False)
    scored = pd.read_csv(out)
    stage = scored["stage"].astype(str)
    one = stage.eq("1")
    assert one.any() and scored.loc[one, "escalation_reason_predicted"].isna().all()
    assert not scored.loc[one, "escalation_reason_review"].astype(bool).any()
    assert scored.loc[stage.eq("2"), "escalation_reason_predicted"].notna().all()
    no_stage = scored["stage"].isna() & scored["case_type"].ne("Compliment")  # compliments take no complaint code
    assert no_stage.sum() >= 3 and scored.loc[no_stage, "escalation_reason_predicted"].notna().all()
    assert scored.loc[one, "root_cause_predicted"].notna().all()
    res = triage("They came back and the repair is still not done.", bundle=load_model(trained_model_dir), config=Config())
    assert "escalation_reason" not in res["predictions"] and "root_cause" in res["predictions"]


@pytest.mark.model
def test_compliments_get_no_complaint_codes(trained_model_dir, demo_csv, tmp_path):
    """30 compliments came back with a confident root cause ("Delay in doing something", no review)."""
    import pandas as pd

    from rca.scoring.score_files import score_file

    out = tmp_path / "scored.csv"
    score_file(demo_csv, out, model_dir=trained_model_dir, progress=False)
    scored = pd.read_csv(out)
    nice = scored["case_type"].eq("Compliment")
    assert nice.sum() >= 10
    for target in ("root_cause", "acceptability"):
        assert scored.loc[nice, f"{target}_predicted"].isna().all()
        assert not scored.loc[nice, f"{target}_review"].astype(bool).any()
        assert scored.loc[~nice & scored["stage"].astype(str).eq("1"), f"{target}_predicted"].notna().all()
    assert scored.loc[nice, "service_predicted"].notna().all()  # a compliment still belongs to a service


@pytest.mark.model
def test_a_parquet_export_scored_to_parquet_keeps_its_column_types(trained_model_dir, tmp_path):
    """Ids came back as the text '0', flags as 'True', times as text: joining back on the id failed."""
    src = pd.DataFrame(
        {
            "Ref": list(range(30)),
            "text": [f"my bin was not collected {i}" for i in range(30)],
            "Flag": [i % 2 == 0 for i in range(30)],
            "When": pd.date_range("2023-04-01", periods=30, freq="D", tz="Europe/London"),
            "root_cause_confidence": [0.5] * 30,
        }
    )  # an earlier run's tag: replaced, not restored
    path, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    src.to_parquet(path)
    score_file(path, out, model_dir=trained_model_dir, progress=False, chunksize=7)
    got = pd.read_parquet(out)
    assert got["Ref"].equals(src["Ref"]) and got["Flag"].equals(src["Flag"]) and got["When"].equals(src["When"])
    assert got["root_cause_confidence"].ne(0.5).any()
