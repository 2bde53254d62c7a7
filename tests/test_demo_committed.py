"""The committed demo files regenerate byte-identically from their seed through the CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.demo.data import COMMITTED, WARDS

DATA = Path(__file__).resolve().parents[1] / "data"


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
        assert _sha(tmp_path / name) == _sha(DATA / name), f"data/{name} is stale: run `rca demo-data --years {COMMITTED['years']}`"


def test_committed_population_table_matches_the_generator():
    pop = pd.read_csv(DATA / "ward_population.csv")
    assert pop["ward"].tolist() == [w[0] for w in WARDS] and pop["population"].tolist() == [w[1] for w in WARDS]
    assert DATA.joinpath("demo_cases.csv").stat().st_size < 10_000_000
