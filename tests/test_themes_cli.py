"""`rca themes`: every row back in input order with its theme, the theme table beside it, coded errors."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.config import config_from_dict
from rca.errors import RcaError
from rca.reports.themes.naming_config import theme_renames
from rca.reports.themes.run import theme_file, themes_path
from test_themes_finder import corpus

runner = CliRunner()


@pytest.fixture
def export(tmp_path):
    texts, y = corpus(25, seed=5)
    df = pd.DataFrame({"Ref": [f"C{i:04d}" for i in range(len(texts))][::-1], "Description": texts, "subject": y})
    df.loc[7, "Description"] = ""  # a row with no text keeps its place
    path = tmp_path / "export.csv"
    df.to_csv(path, index=False)
    return path, df


@pytest.mark.system
def test_rows_come_back_in_order_with_theme_and_table(export, tmp_path):
    path, df = export
    out = tmp_path / "themed.csv"
    res = runner.invoke(app, ["themes", str(path), "--text-column", "Description", "--n-themes", "4", "--seed", "7", "--out", str(out)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got["Ref"].tolist() == df["Ref"].tolist()
    assert {"theme", "theme_id"} <= set(got.columns)
    assert got.loc[7, "theme_id"] == "0" and got.loc[7, "theme"] == "(no text)"
    table = pd.read_csv(themes_path(out))
    assert list(table.columns[:5]) == ["theme_id", "theme", "size", "share_pct", "terms"]
    assert {"quote_1", "quote_2", "quote_3"} <= set(table.columns) and len(table) == 4
    assert table["size"].sum() == len(df) - 1
    for q in table[["quote_1", "quote_2", "quote_3"]].fillna("").to_numpy().ravel():
        assert not re.search(r"\d{4,}", q) and "£" not in q
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.system
def test_no_quotes_option_and_config_names(export, tmp_path):
    path, _ = export
    out = tmp_path / "themed.csv"
    first = theme_file(path, text_column="Description", out=out, n_themes=4, seed=7, n_quotes=0)
    assert not any(c.startswith("quote_") for c in first["table"].columns)
    old = first["table"]["theme"].iloc[0]
    renames = theme_renames(config_from_dict({"themes": {"names": {old.upper(): "Our own name"}}}))
    again = theme_file(path, text_column="Description", out=out, n_themes=4, seed=7, n_quotes=0, renames=renames)
    assert again["table"]["theme"].iloc[0] == "Our own name"
    assert "Our own name" in set(pd.read_csv(out)["theme"])


@pytest.mark.parametrize(
    "content, args, code",
    [
        ("Ref,Description\n", ["--text-column", "Description"], "E701"),  # header only
        ("Ref,Description\n1,bins\n", ["--text-column", "Description"], "E701"),  # one word
        ("Ref,Description\n1,my bin\n2,parking ticket\n3,damp flat\n", ["--text-column", "Description"], "E702"),  # 3 texts, 10 themes
        ("Ref,Description\n1,my bin\n2,parking ticket\n", ["--text-column", "Text"], "E700"),
        ("Ref,Description\n1,my bin\n2,parking ticket\n", ["--text-column", "Description", "--n-themes", "1"], "E703"),
    ],
)
def test_bad_input_is_a_coded_error(tmp_path, content, args, code):
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    res = runner.invoke(app, ["themes", str(path), *args, "--out", str(tmp_path / "out.csv")])
    assert res.exit_code == 2 and code in res.output, res.output
    assert not (tmp_path / "out.csv").exists()


def test_missing_column_names_the_file_and_lists_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Ref,Description\n1,my bin\n2,parking ticket\n", encoding="utf-8")
    with pytest.raises(RcaError) as e:
        theme_file(path, text_column="Text", out=tmp_path / "o.csv", n_themes=2)
    assert "'Description'" in str(e.value) and "in.csv" in str(e.value)


def test_the_output_never_replaces_the_input(export):
    path, _ = export
    res = runner.invoke(app, ["themes", str(path), "--text-column", "Description", "--n-themes", "4", "--out", str(path)])
    assert res.exit_code == 2 and "E010" in res.output


def test_bad_themes_config_is_e202():
    with pytest.raises(RcaError) as e:
        theme_renames(config_from_dict({"themes": {"names": ["a"]}}))
    assert e.value.code == "E202"
    with pytest.raises(RcaError) as e:
        theme_renames(config_from_dict({"themes": {"names": {"Bin": "  "}}}))
    assert e.value.code == "E202" and "Bin" in str(e.value)
    with pytest.raises(RcaError) as e:
        theme_renames(config_from_dict({"themes": {"name": {"Bin": "Bins"}}}))
    assert e.value.code == "E202" and "did you mean 'names'" in str(e.value)
