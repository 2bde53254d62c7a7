"""A council's own columns that share a name with one rca writes are kept, not overwritten."""

from __future__ import annotations

import logging

import pandas as pd
from test_score_fakebundle import FakeBundle

from rca.config import Config
from rca.scoring.score import input_renames
from rca.scoring.score_files import score_file

CSV = (
    "Ref,Description,duplicate,rca_issues\n"
    "C1,My bin was not collected again this week and nobody came,No,\n"
    "C2,Staff were rude at the reception desk and ignored me,Yes - see C0001,checked by JB\n"
)


def _score(src, out):
    cfg = Config(columns={"case_id": "Ref", "text": "Description"})
    return score_file(src, out, model_dir="no-model-folder", config=cfg, bundle=FakeBundle(), progress=False)


def test_the_inputs_own_duplicate_column_is_kept_beside_rcas(tmp_path, caplog):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(CSV, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rca.scoring.score_files"):
        _score(src, out)
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got["duplicate (input)"].tolist() == ["No", "Yes - see C0001"]
    assert got["rca_issues (input)"].tolist() == ["", "checked by JB"]
    assert set(got["duplicate"]) <= {"True", "False"}
    assert "'duplicate'" in caplog.text and "duplicate (input)" in caplog.text


def test_a_file_scored_before_has_its_old_tags_replaced_not_kept(tmp_path):
    src, once, twice = tmp_path / "in.csv", tmp_path / "once.csv", tmp_path / "twice.csv"
    src.write_text(CSV.replace(",duplicate,rca_issues", ",x,y"), encoding="utf-8")
    _score(src, once)
    _score(once, twice)
    a, b = pd.read_csv(once, dtype=str), pd.read_csv(twice, dtype=str)
    assert list(a.columns) == list(b.columns)
    assert not any("(input" in c for c in b.columns)


def test_renamed_names_never_clash():
    ours = ["duplicate", "rca_issues"]
    assert input_renames(["duplicate", "duplicate (input)"], ours) == {"duplicate": "duplicate (input 2)"}
    assert input_renames(["duplicate", "rca_model_version"], ours) == {}


def test_every_chunk_reads_dates_in_the_files_one_order(tmp_path):
    """A month-first column is read month-first in every chunk, even a chunk whose dates could be either."""
    from rca.scoring.score_files import _chunks

    rows = ["Ref,Description,Date received"]
    rows += [f"A{i},My bin was not collected on the day it was due,03/{13 + i}/2024" for i in range(4)]
    rows += [f"B{i},Staff were rude at the reception desk and ignored me,03/04/2024" for i in range(4)]
    src = tmp_path / "us.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = Config(columns={"case_id": "Ref", "text": "Description", "received": "Date received"})
    chunks = [cases for _, cases in _chunks(src, cfg, 4)]
    assert len(chunks) == 2
    assert chunks[0]["received"].dt.day.tolist() == [13, 14, 15, 16]
    assert chunks[1]["received"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-04"] * 4  # not 3 April
