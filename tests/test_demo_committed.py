"""The demo files regenerate byte-identically from their seed through the CLI.

`data/demo_truth.json` and `data/ward_population.csv` are committed; `data/demo_cases.csv` (9 MB) is
not tracked — `rca demo` generates it when absent — so its checksum is recorded here instead. A change
to the generator that alters the demo year must update `DEMO_CASES_SHA256` on purpose."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.demo.data import COMMITTED, WARDS

DATA = Path(__file__).resolve().parents[1] / "data"
DEMO_CASES_SHA256 = "8ccfe95be9230cd99b665cd4ec0b8ef8e9cf0552dd028c46d4e0962ee7d81ccb"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.system
def test_committed_demo_regenerates_byte_identically(tmp_path):
    args = [
        "demo-data",
        "--out",
        str(tmp_path),
        "--seed",
        str(COMMITTED["seed"]),
        "--n-contacts",
        str(COMMITTED["n_contacts"]),
        "--first-year",
        str(COMMITTED["first_year"]),
        "--years",
        str(COMMITTED["years"]),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for name in ("demo_cases.csv", "demo_truth.json", "ward_population.csv"):
        assert (tmp_path / name).exists(), name
    assert _sha(tmp_path / "demo_cases.csv") == DEMO_CASES_SHA256, "the generator's demo year changed: update DEMO_CASES_SHA256"
    for name in ("demo_truth.json", "ward_population.csv"):
        assert _sha(tmp_path / name) == _sha(DATA / name), f"data/{name} is stale: run `rca demo-data --years {COMMITTED['years']}`"


def test_committed_population_table_matches_the_generator():
    pop = pd.read_csv(DATA / "ward_population.csv")
    assert pop["ward"].tolist() == [w[0] for w in WARDS] and pop["population"].tolist() == [w[1] for w in WARDS]
