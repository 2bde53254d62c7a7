"""`rca demo` end to end, on a small generated year (the README's first command runs it on the full one)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.demo.data import generate_demo, write_demo


@pytest.mark.model
def test_demo_runs_every_step_and_says_what_the_report_left_out(tmp_path):
    paths = write_demo(generate_demo(seed=3, n_contacts=600), tmp_path / "d")
    import pandas as pd  # an export without equalities monitoring: the report says which table it could not fill

    pd.read_csv(paths["cases"], dtype=str).drop(columns=["ethnicity", "disability", "age_band"]).to_csv(paths["cases"], index=False)
    r = CliRunner().invoke(
        app, ["demo", "--data", str(tmp_path / "d" / "demo_cases.csv"), "--model-dir", str(tmp_path / "m"), "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    for step in ("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]", "done in"):
        assert step in out
    assert len(re.findall(r"\(\d+\.\d s\)", out)) == 4  # how long validating, training, scoring and the report took
    assert "triaging an example" in out and "route " in out and "response due" in out  # triaged beside the report, printed
    assert (tmp_path / "o" / "report" / "report.html").exists() and (tmp_path / "m" / "manifest.json").exists()
    assert (tmp_path / "o" / "report" / "briefing.html").exists() and "briefing.docx" in out
    # the report's own account of a table it could not fill reaches the person running the demo
    html = (tmp_path / "o" / "report" / "report.html").read_text("utf-8")
    assert "Equalities monitoring" in html
    assert "1 table skipped (see 'About this report'): 'Equalities monitoring'" in out


def test_the_demo_report_reads_the_root_causes_step_4_predicted(tmp_path):
    """The report shows the scored file's predictions, by case id, rather than predicting them a second time."""
    import pandas as pd

    from rca.cli.demo_cmd import _with_scores

    cases = pd.DataFrame({"case_id": ["A", "B", "C"], "text": ["x", "y", "z"]})
    scored = tmp_path / "scored.csv"
    pd.DataFrame(
        {
            "case_id": ["C", "A", "B"],
            "root_cause_predicted": ["Delay in doing something", "Failure to do something", ""],
            "other": [1, 2, 3],
        }
    ).to_csv(scored, index=False)
    out = _with_scores(cases, scored)
    assert out["root_cause_predicted"].tolist() == ["Failure to do something", None, "Delay in doing something"]
    assert "root_cause_predicted" not in cases  # the caller's frame is left as it was
    pd.DataFrame({"case_id": ["A"]}).to_csv(scored, index=False)  # no predictions in the file: the cases as they are
    assert _with_scores(cases, scored) is cases


def _only_here(parent: int) -> str:
    import os

    if os.getpid() != parent:
        raise RuntimeError("fails in the second process")
    return "ran here"


def test_the_example_is_triaged_in_a_second_process_and_here_when_that_fails():
    import multiprocessing as mp
    import os

    from rca.cli.demo_cmd import _aside

    if "fork" not in mp.get_all_start_methods():
        assert _aside(os.getpid)() == os.getpid()
        return
    assert _aside(os.getpid)() != os.getpid()  # the work ran in a forked process while this one went on
    assert _aside(_only_here, os.getpid())() == "ran here"  # a failure there is run again here, raising as usual
