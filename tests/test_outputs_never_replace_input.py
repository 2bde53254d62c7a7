"""An output path that is the input export is refused (E010) before anything is written: `--quarantine v.csv`
on `rca validate v.csv` left a 2,000-row export as 7 rows, and `rca score same.csv --out same.csv` replaced it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rca.cli.main import app

runner = CliRunner()


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "v.csv"
    rows = (
        ["case_id,text,root_cause"]
        + [f"C{i},bin missed {i},{'Failure to do something' if i % 2 else 'Delay in doing something'}" for i in range(20)]
        + ["C99,,Failure to do something"]
    )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{p}", "--quarantine", "{p}"],
        ["train", "{p}", "--target", "root_cause", "--model-dir", "{d}/m", "--quarantine", "{p}"],
        ["redact", "{p}", "--out", "{p}"],
    ],
)
def test_an_output_that_is_the_input_is_refused(export, argv):
    before = export.read_bytes()
    r = runner.invoke(app, [a.format(p=export, d=export.parent) for a in argv])
    assert r.exit_code == 2 and "E010" in r.output and "Traceback" not in r.output, r.output
    assert export.read_bytes() == before


@pytest.mark.model
def test_scoring_onto_the_input_is_refused(export, trained_model_dir, tmp_path):
    before = export.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(export)
    for out in (export, link):
        r = runner.invoke(app, ["score", str(export), "--model-dir", str(trained_model_dir), "--out", str(out)])
        assert r.exit_code == 2 and "E010" in r.output, r.output
    assert export.read_bytes() == before
