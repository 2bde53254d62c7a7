"""Nothing lost under faults: a failed, interrupted, killed or disk-full write
never leaves a partial file under the final name (the old file, if any, stays
intact), leaves no temp litter behind when Python can clean up, and ends in a
coded E007 rather than a traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import rca.ingest.io as rio
from rca.errors import RcaError
from rca.ingest.io import atomic_path, read_table, write_table

FRAME = pd.DataFrame({"case_id": ["A", "B", "C"], "text": ["bin missed", '=HYPERLINK("http://x")', "pothole"]})
OLD = b"case_id,text\nOLD,previous good output\n"


def _litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet"])
def test_failed_rename_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch, ext):
    target = tmp_path / f"out{ext}"
    write_table(FRAME.head(1), target)
    before = target.read_bytes()

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(rio.os, "replace", broken_replace)
    with pytest.raises(RcaError) as err:
        write_table(FRAME, target)
    assert err.value.code == "E007" and str(target) in str(err.value)
    assert target.read_bytes() == before
    assert _litter(tmp_path) == []


@pytest.mark.parametrize("exc", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt(), RuntimeError("bug")])
def test_exception_half_way_through_writing(tmp_path, monkeypatch, exc):
    """The writer dies after some bytes are out: the final name never sees them."""
    target = tmp_path / "scored.csv"
    target.write_bytes(OLD)
    real_to_csv = pd.DataFrame.to_csv

    def dies_midway(self, path, *args, **kwargs):
        Path(path).write_text("case_id,text\nA,bin mis", encoding="utf-8")
        raise exc

    monkeypatch.setattr(pd.DataFrame, "to_csv", dies_midway)
    with pytest.raises((RcaError, type(exc))) as err:
        write_table(FRAME, target)
    if isinstance(exc, OSError):
        assert err.type is RcaError and err.value.code == "E007" and "No space left" in str(err.value)
    else:
        assert err.type is type(exc)  # not swallowed: Ctrl-C and bugs still surface
    monkeypatch.setattr(pd.DataFrame, "to_csv", real_to_csv)
    assert target.read_bytes() == OLD
    assert _litter(tmp_path) == []


def test_unwritable_output_folder_is_E007(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(rio.tempfile, "mkstemp", denied)
    with pytest.raises(RcaError) as err:
        write_table(FRAME, tmp_path / "out.csv")
    assert err.value.code == "E007" and "Permission denied" in str(err.value)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_for_real(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(RcaError) as err:
            write_table(FRAME, ro / "out.csv")
        assert err.value.code == "E007"
    finally:
        ro.chmod(0o755)


def test_output_path_that_is_a_folder_is_E007(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(RcaError) as err:
        write_table(FRAME, tmp_path / "out.csv")
    assert err.value.code == "E007"
    assert _litter(tmp_path) == []


def test_atomic_path_only_publishes_on_success(tmp_path):
    target = tmp_path / "report.html"
    with pytest.raises(ValueError):
        with atomic_path(target) as tmp:
            tmp.write_text("<html>half")
            raise ValueError("renderer failed")
    assert not target.exists() and _litter(tmp_path) == []
    with atomic_path(target) as tmp:
        tmp.write_text("<html>whole</html>")
    assert target.read_text() == "<html>whole</html>"


def _run_child(code: str, cwd: Path, *, preexec=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,
    )


@pytest.mark.system
def test_real_file_size_limit_is_E007_and_no_partial_file(tmp_path):
    """The kernel refuses the write (RLIMIT_FSIZE, as a full disk would): no truncated output, coded error."""
    import resource

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    child = _run_child(
        """
        import pandas as pd
        from rca.ingest.io import write_table
        from rca.errors import RcaError
        df = pd.DataFrame({"text": ["a complaint about the bins " * 20] * 5000})
        try:
            write_table(df, "big.csv")
        except RcaError as exc:
            print(exc.code)
        """,
        tmp_path,
        preexec=limit,
    )
    out, errs = child.communicate(timeout=120)
    assert child.returncode == 0, errs
    assert out.strip() == "E007"
    assert not (tmp_path / "big.csv").exists()
    assert _litter(tmp_path) == []


@pytest.mark.system
def test_killed_process_leaves_the_old_file_intact(tmp_path):
    """SIGKILL between writing and renaming (nothing can clean up): the final name still holds the old output."""
    (tmp_path / "scored.csv").write_bytes(OLD)
    child = _run_child(
        """
        import os, time
        import pandas as pd
        import rca.ingest.io as rio
        real = os.replace
        def slow(src, dst):
            print("written", flush=True)
            time.sleep(60)
            real(src, dst)
        rio.os.replace = slow
        rio.write_table(pd.DataFrame({"text": ["new"] * 1000}), "scored.csv")
        """,
        tmp_path,
    )
    try:
        assert child.stdout.readline().strip() == "written"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert (tmp_path / "scored.csv").read_bytes() == OLD
    leftover = _litter(tmp_path)
    assert all(name.startswith(".scored.csv.") for name in leftover)  # a hidden temp file, never the real name
    df, _ = read_table(tmp_path / "scored.csv")
    assert list(df["case_id"]) == ["OLD"]


@pytest.mark.model
def test_interrupted_scoring_writes_nothing_then_resumes_with_every_row(trained_model_dir, demo_csv, tmp_path, monkeypatch):
    import rca.scoring.score_files as score

    out = tmp_path / "scored.csv"
    real = score._score_part
    calls = {"n": 0}

    def crash_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(score, "_score_part", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        score.score_file(demo_csv, out, model_dir=trained_model_dir, chunksize=200, progress=False, n_jobs=1)
    assert not out.exists()
    monkeypatch.setattr(score, "_score_part", real)
    summary = score.score_file(demo_csv, out, model_dir=trained_model_dir, chunksize=200, resume=True, progress=False, n_jobs=1)
    n_input = len(read_table(demo_csv)[0])
    scored, _ = read_table(out)
    assert summary.n_chunks_resumed == 2
    assert summary.n_rows == n_input == len(scored)
    assert scored["case_id"].is_unique
    assert list(scored["source_row"].astype(int)) == sorted(scored["source_row"].astype(int))
