"""The notebooks in notebooks/ run top to bottom (CI executes them) and show what they say they show."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# notebook -> text its outputs must contain
SHOWS = {
    "annual_report.ipynb": ["Complaint"],
    "python_api.ipynb": ["3-fold macro-F1 on the earlier cases", "root_cause_predicted", "the tag agrees on", "'root_cause':", "html"],
}


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return "".join(str(v) for v in output.get("data", {}).values())


def test_every_notebook_is_run_here():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(SHOWS)


@pytest.mark.system
@pytest.mark.parametrize("name", sorted(SHOWS))
def test_notebook_executes(name, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert all(c.get("execution_count") for c in code)
    shown = "\n".join(_text(o) for o in outputs)
    assert [s for s in SHOWS[name] if s not in shown] == []
    if name == "annual_report.ipynb":
        assert len(outputs) >= 8
