"""Build the learnt intake flag model (`rca.scoring.flag_model`) from hand-labelled texts and ordinary contacts.

    .venv/bin/python -m rca.demo.flag_model_build                 # the shipped model, from the labelled files in tests/data
    .venv/bin/python -m rca.demo.flag_model_build --exclude intake_flags.holdout4.jsonl --out /tmp/m

(`rca.demo.flag_model_build` runs `main` here with the demo's contacts as the background.) The
labelled files hold hazards, risks and hard negatives near them; the ordinary run of contacts a
council receives (a parking fine, a missed bin, a late EHCP) is not among them, and without it a
model learns that any text about a person or their feelings is a safeguarding risk. So contacts of
the seeded demo year (`rca.demo`, seed from the config) on which the rules raise no flag are added
as texts with no flag.

Everything is chosen by cross-validation on the training files alone (stratified folds, seed from
the config's `seed`): the features (word n-grams; with character n-grams; with the shipped static
embedding), the regularisation C of each flag's logistic regression, and each flag's threshold.
The threshold is the lowest out-of-fold score at which the model *alone* keeps the precision
`[triage] learnt_precision` (0.9): the model is OR-ed with the rules, so each of its own raises
must be right nine times in ten or it would bury the rules' flags in false alarms, and below that
line it finds the most the rules may miss. The design and each flag's C are the ones with the
highest out-of-fold recall at that threshold (mean over flags for the design). The final model
is fitted on every training text; its card records the files' sha256, the versions, the seed,
the grid's out-of-fold figures, and the out-of-fold scores themselves (`oof.npz`), from which a
test recomputes each threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from rca.errors import RcaError
from rca.scoring.flag_model import FLAGS, FOLDER, Design, featurise, write

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FILES = (
    "intake_flags.dev.jsonl",
    "intake_flags.holdout.jsonl",
    "intake_flags.holdout2.jsonl",
    "intake_flags.holdout3.jsonl",
    "intake_flags.holdout4.jsonl",
    "intake_flags.holdout5.jsonl",
    "intake_flags.holdout6.jsonl",
    "intake_flags.holdout7.jsonl",
    "intake_flags.holdout8.jsonl",
)
DESIGNS = (Design(char=True), Design(char=True, embed_weight=0.5), Design(char=True, embed_weight=1.0))
CS = (4.0, 16.0, 64.0)
N_FOLDS = 5
OOF = "oof.npz"
NEVER = 1.01  # a threshold no score reaches: the model raises nothing for that flag


def read_labelled(path: Path) -> list[dict]:
    """The labelled texts of one JSON-lines file; E313 naming the line for a row that is not one."""
    if not path.is_file():
        raise RcaError("E001", "labelled intake flag texts not found", file=str(path))
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RcaError("E313", f"not JSON ({exc.msg})", file=str(path), row=n) from None
        bad = [
            k
            for k in ("text", *FLAGS)
            if k not in rec or (k == "text") != isinstance(rec[k], str) or (k != "text" and not isinstance(rec[k], bool))
        ]
        if bad:
            raise RcaError("E313", f"{bad[0]!r} missing or of the wrong type", file=str(path), row=n, column=bad[0], value=rec.get(bad[0]))
        out.append(rec)
    return out


def choose_threshold(scores: np.ndarray, y: np.ndarray, *, precision: float) -> float:
    """The lowest score at which raising every text scoring at or above it keeps `precision` (NEVER when none does).

    >>> choose_threshold(np.array([0.9, 0.8, 0.7, 0.6, 0.2]), np.array([1, 1, 0, 1, 0]), precision=0.75)
    0.6
    """
    order = np.argsort(-scores, kind="stable")
    s, hit = scores[order], y[order].astype(bool)
    tp = np.cumsum(hit)
    prec = tp / np.arange(1, len(s) + 1)
    last_of_tie = np.r_[s[1:] != s[:-1], True]  # a threshold raises every text tied with it
    ok = np.flatnonzero((prec >= precision) & last_of_tie & hit)
    return float(s[ok[-1]]) if len(ok) else NEVER  # unrounded: a rounded threshold would raise a different set


def _fit(X, y, C: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    # the dual problem: far more columns than texts, and it solves in a fiftieth of the primal's time
    return LogisticRegression(C=C, solver="liblinear", dual=True, class_weight="balanced", max_iter=5000, random_state=seed).fit(X, y)


def _recall_precision(scores: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float | None]:
    raised = scores >= threshold
    tp = int((raised & (y == 1)).sum())
    return round(tp / max(int(y.sum()), 1), 4), (round(tp / int(raised.sum()), 4) if raised.any() else None)


def cross_validate(texts: list[str], Y: np.ndarray, *, seed: int, precision: float) -> dict:
    """Out-of-fold scores of every design and C, each flag's threshold and its recall there; the chosen one."""
    from sklearn.model_selection import StratifiedKFold

    grid, best = [], None
    for design in DESIGNS:
        X = featurise(texts, design)
        per_flag = {}
        for i, flag in enumerate(FLAGS):
            y = Y[:, i]
            folds = list(StratifiedKFold(N_FOLDS, shuffle=True, random_state=seed).split(texts, y))
            for C in CS:
                oof = np.zeros(len(texts))
                for tr, te in folds:
                    oof[te] = _fit(X[tr], y[tr], C, seed).predict_proba(X[te])[:, 1]
                t = choose_threshold(oof, y, precision=precision)
                recall, prec = _recall_precision(oof, y, t)
                row = {"design": design.to_dict(), "flag": flag, "C": C, "threshold": t, "recall": recall, "precision": prec}
                grid.append(row)
                log.info("%s", row)
                if flag not in per_flag or recall > per_flag[flag][0]["recall"]:
                    per_flag[flag] = (row, oof)
        mean = float(np.mean([per_flag[f][0]["recall"] for f in FLAGS]))
        if best is None or mean > best["mean_recall"]:
            best = {"design": design, "mean_recall": round(mean, 4), "per_flag": per_flag}
    return {"grid": grid, **best}


def fit_final(texts: list[str], Y: np.ndarray, design: Design, cs: dict[str, float], *, seed: int) -> tuple[dict, dict]:
    """Each flag's coefficients and intercept, fitted on every text with the design and C cross-validation chose."""
    X = featurise(texts, design)
    coef, intercept = {}, {}
    for i, flag in enumerate(FLAGS):
        model = _fit(X, Y[:, i], cs[flag], seed)
        coef[flag], intercept[flag] = model.coef_[0].astype(np.float64), float(model.intercept_[0])
    return coef, intercept


def labelled(paths: list[Path]) -> tuple[list[str], np.ndarray, list[dict]]:
    """The texts, their (n x 3) labels in the order of FLAGS, and each file's name, sha256 and size."""
    records, files = [], []
    for p in paths:
        rows = read_labelled(p)
        records += rows
        files.append({"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "n_texts": len(rows)})
    return [r["text"] for r in records], np.array([[int(r[f]) for f in FLAGS] for r in records]), files


def with_background(texts: list[str], Y: np.ndarray, background: list[str]) -> tuple[list[str], np.ndarray]:
    """The labelled texts and the ordinary contacts after them, the latter labelled no flag."""
    return [*texts, *background], np.vstack([Y, np.zeros((len(background), len(FLAGS)), dtype=Y.dtype)])


def build(
    paths: list[Path], out: Path, *, seed: int, precision: float, background: list[str] = (), background_card: dict | None = None
) -> dict:
    """Cross-validate, fit on every text of `paths` (and the `background` contacts, as no flag), write the model into
    `out`; the card."""
    import scipy
    import sklearn

    texts, Y, files = labelled(paths)
    texts, Y = with_background(texts, Y, list(background))
    cv = cross_validate(texts, Y, seed=seed, precision=precision)
    design = cv["design"]
    chosen = {f: {k: cv["per_flag"][f][0][k] for k in ("C", "threshold", "recall", "precision")} for f in FLAGS}
    thresholds = {f: chosen[f]["threshold"] for f in FLAGS}
    coef, intercept = fit_final(texts, Y, design, {f: chosen[f]["C"] for f in FLAGS}, seed=seed)
    card = {
        "built_by": "python -m rca.demo.flag_model_build",
        "training_files": files,
        "background": {**(background_card or {}), "n_texts": len(background), "sha256": texts_sha256(background)},
        "n_texts": len(texts),
        "n_labelled": {f: int(Y[:, i].sum()) for i, f in enumerate(FLAGS)},
        "seed": seed,
        "learnt_precision": precision,
        "cv": {"folds": N_FOLDS, "stratified": True, "chosen": chosen, "mean_recall": cv["mean_recall"], "grid": cv["grid"]},
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
    }
    write(out, design=design, coef=coef, intercept=intercept, thresholds=thresholds, card=card)
    card["design"] = design.to_dict()
    from rca.ingest.io import atomic_path

    with atomic_path(out / OOF) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, scores=np.column_stack([cv["per_flag"][f][1] for f in FLAGS]), labels=Y.astype(np.int8))
    return card


def texts_sha256(texts) -> str:
    return hashlib.sha256("\n\x00".join(texts).encode("utf-8")).hexdigest()


def main(argv: list[str] | None, *, background) -> dict:
    """The command line of `python -m rca.demo.flag_model_build`: `background(seed)` gives the ordinary contacts
    (texts, and a card saying where they came from)."""
    from rca.config import load_config
    from rca.settings import TriageSection

    ap = argparse.ArgumentParser(prog="python -m rca.demo.flag_model_build", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA, help="folder of the labelled files (default: tests/data)")
    ap.add_argument("--files", nargs="+", default=list(FILES), help="labelled JSON-lines files in --data to learn from")
    ap.add_argument("--exclude", nargs="*", default=[], help="files to leave out (e.g. a held-out file to score once)")
    ap.add_argument("--out", type=Path, default=FOLDER, help="where to write the model (default: the package's rca/resources/flag_model)")
    ap.add_argument("--config", type=Path, default=None, help="an rca config (its seed and [triage] learnt_precision)")
    args = ap.parse_args(argv)
    config = load_config(args.config)
    precision = config.section_as(TriageSection, "triage").learnt_precision
    paths = [args.data / f for f in args.files if f not in set(args.exclude)]
    texts, where = background(config.seed)
    card = build(paths, args.out, seed=config.seed, precision=precision, background=texts, background_card=where)
    for flag, c in card["cv"]["chosen"].items():
        print(f"{flag:<20} C {c['C']:<5} threshold {c['threshold']:.3f}  out-of-fold recall {c['recall']}  precision {c['precision']}")
    print(f"features {card['design']}, written to {args.out}")
    return card
