"""A council's own target (a theme or category column) is suggested at intake by the CLI and the page."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.model.store import load_model
from rca.scoring.similar import SimilarIndex
from rca.scoring.triage import other_suggestions, triage
from rca.web.routes_pages import render_intake

from test_train_core import SIGNAL, cfg, planted_frame

runner = CliRunner()


@pytest.fixture(scope="module")
def theme_model(tmp_path_factory):
    from rca.model.train import train_models

    folder = tmp_path_factory.mktemp("theme") / "m"
    train_models(planted_frame(90).rename(columns={"label": "theme"}), targets=["theme"], model_dir=folder, config=cfg())
    return folder


def test_cli_and_page_show_the_councils_own_target(theme_model):
    label = next(iter(SIGNAL))
    text = f"{SIGNAL[label][0]} and nobody helped"
    out = runner.invoke(app, ["triage", text, "--model-dir", str(theme_model)])
    assert out.exit_code == 0, out.output
    line = next(row for row in out.stdout.splitlines() if row.startswith("theme"))
    assert label in line and "confidence" in line
    data = json.loads(runner.invoke(app, ["triage", text, "--model-dir", str(theme_model), "--json"]).stdout)
    assert data["predictions"]["theme"]["label"] == label
    bundle = load_model(theme_model)
    result = triage(text, bundle=bundle, similar=SimilarIndex.from_model_dir(theme_model))
    assert list(other_suggestions(result)) == ["theme"]
    page = render_intake(form={"text": text}, result=result)
    assert '<th scope="row">Theme</th>' in page and label in page
