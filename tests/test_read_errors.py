"""Input the readers cannot take as it is ends in a coded error or a reported decode, never a traceback:
Parquet text held as non-UTF-8 bytes, and `rca score` writing beside its output into a folder it cannot write."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from rca.cli.main import app
from rca.errors import RcaError
from rca.ingest.read_tables import iter_table, read_table


def _bytes_parquet(path: Path, texts: list[bytes]) -> Path:
    table = pa.table(
        {
            "case_id": [f"C{i}" for i in range(len(texts))],
            "text": pa.array(texts, type=pa.binary()),
            "received": ["2024-04-02"] * len(texts),
        }
    )
    pq.write_table(table, path)
    return path


def test_parquet_cp1252_bytes_are_decoded_and_reported(tmp_path):
    path = _bytes_parquet(tmp_path / "cases.parquet", [b"bin not collected", b"caf\xe9 smell \x92 awful", "ok £5".encode()])
    df, info = read_table(path)
    assert list(df["text"]) == ["bin not collected", "café smell ’ awful", "ok £5"]
    assert list(df["source_row"]) == [2, 3, 4]
    assert len(info.notes) == 1 and "'text'" in info.notes[0] and "row 3" in info.notes[0] and "cp1252" in info.notes[0]


def test_parquet_utf8_bytes_decode_silently(tmp_path):
    path = _bytes_parquet(tmp_path / "cases.parquet", ["Mrs Ó Súilleabháin’s bin".encode(), b"plain"])
    df, info = read_table(path)
    assert df["text"].tolist() == ["Mrs Ó Súilleabháin’s bin", "plain"] and info.notes == []


def test_parquet_bytes_not_in_the_named_encoding_are_E004_with_column_and_row(tmp_path):
    path = _bytes_parquet(tmp_path / "cases.parquet", [b"fine", b"fine too", b"caf\xe9"])
    with pytest.raises(RcaError) as err:
        read_table(path, encoding="utf-8")
    assert err.value.code == "E004"
    assert err.value.location.row == 4 and err.value.location.column == "text" and str(path) in str(err.value)
    with pytest.raises(RcaError) as err:
        list(iter_table(path, encoding="utf-8"))
    assert err.value.code == "E004"


def test_parquet_bytes_in_rca_validate_reach_the_user_as_a_warning(tmp_path):
    path = _bytes_parquet(tmp_path / "cases.parquet", [b"bin not collected", b"caf\xe9 smell"])
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "column 'text'" in result.output and "not UTF-8" in result.output and "row 3" in result.output


def _tiny_csv(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text("case_id,text,received\nA1,bin not collected,2024-04-02\n", encoding="utf-8")
    return path


def test_score_into_an_unwritable_folder_is_E007(tmp_path, monkeypatch):
    """The work folder `.OUT.rca-work` is made beside the output; an OS refusal is E007 naming the output."""
    from rca.scoring import score_files as score_mod

    real_mkdir = Path.mkdir

    def denied(self, *args, **kwargs):
        if self.name.endswith(".rca-work"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", denied)
    out = tmp_path / "ro" / "scored.csv"
    real_mkdir(out.parent)
    with pytest.raises(RcaError) as err:
        score_mod.score_file(_tiny_csv(tmp_path), out, model_dir=tmp_path / "unused", bundle=_NoModel(), progress=False)
    assert err.value.code == "E007" and str(out) in str(err.value) and "Permission denied" in str(err.value)
    assert not out.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_score_into_a_read_only_folder_for_real(tmp_path):
    from rca.scoring import score_files as score_mod

    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(RcaError) as err:
            score_mod.score_file(_tiny_csv(tmp_path), ro / "scored.csv", model_dir=tmp_path / "unused", bundle=_NoModel(), progress=False)
        assert err.value.code == "E007"
    finally:
        ro.chmod(0o755)


def test_score_cli_output_under_a_file_is_E007_not_a_traceback(tmp_path, trained_model_dir):
    """A path whose 'folder' is a file cannot hold the work folder, for root too (the command-line route)."""
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    result = CliRunner().invoke(
        app, ["score", str(_tiny_csv(tmp_path)), "--model-dir", str(trained_model_dir), "--out", str(blocker / "scored.csv")]
    )
    assert result.exit_code != 0
    assert not isinstance(result.exception, OSError), result.exception
    assert "E007" in result.output


class _NoModel:
    """A scorer that is never reached: the work folder fails first. Scoring itself is tested elsewhere."""

    manifest: dict = {}
    targets: list = []
