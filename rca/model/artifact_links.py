"""One copy on disk of the model files MLflow keeps several times.

Each training logs the version folder as the run's `model` artefact and, inside every target's pyfunc
model, again (`rca.model.tracking`): four targets made five copies of the same files. MLflow only
ever reads them, so `link_identical` replaces each later copy of a file by a hard link to the first
one: the same bytes at the same paths, stored once. Where the file system has no hard links (or the
artefacts are not on this machine), the copies stay as they are.
"""

from __future__ import annotations

import filecmp
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def link_identical(copies: list[Path], original: Path) -> int:
    """Hard-link every file under each folder of `copies` that is byte-identical to the file at the same relative
    path under `original` to that file; the number of bytes no longer stored twice."""
    saved = 0
    for root in copies:
        for f in sorted(Path(root).rglob("*")):
            src = original / f.relative_to(root)
            if f.is_symlink() or not f.is_file() or not src.is_file():
                continue
            tmp = f.with_name(f".{f.name}.{os.getpid()}.link")
            try:
                if os.path.samefile(src, f) or src.stat().st_size != f.stat().st_size or not filecmp.cmp(src, f, shallow=False):
                    continue
                os.link(src, tmp)
                os.replace(tmp, f)
                saved += src.stat().st_size
            except OSError as exc:  # no hard links here: the copy stays
                tmp.unlink(missing_ok=True)
                log.debug("kept a copy of %s: %s", f, exc)
    return saved
