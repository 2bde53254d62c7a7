"""The recipe a training run uses: chosen per data set by cross-validation, or fixed.

`rca train` with no `[model]` section compares a small portfolio of recipes
on the training rows only (`rca.model.recipe_search`) and keeps the best: the
featurisation (word n-grams alone, word + character n-grams, or word n-grams +
static sentence embeddings when the install ships a model) is shared by every
target, so scoring prepares each text once; the classifier's C and the
decision rule are chosen per target.

The user stays in charge:

- a key written in `[model]` is fixed; the search covers only what was left
  open (`char_ngrams` / `embeddings` for the features, `C`, `decision`);
  a `classifier` other than "svm" keeps its C;
- `recipe = "fast"` (`rca train --recipe fast`) skips the search: the
  settings as written, word n-grams alone by default;
- `budget` (`--budget SECONDS`) bounds the search; candidates that would not
  fit are skipped and said; a budget too small for any is E320.

A target with too few rows per class for the folds has them shrunk (3 -> 2),
or keeps the fixed settings; the note says which. Multi-label targets keep
the C and rule of `[model]` and share the chosen features.

>>> space, fixed = search_space({"C": 0.5}, ModelSettings(C=0.5))
>>> space.C, fixed
([0.5], ['C'])
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from rca.model import recipe_search as rs
from rca.errors import RcaError
from rca.model.classifier import ModelSettings

log = logging.getLogger(__name__)

MODES = ("auto", "fast")


def _static_model() -> str | None:
    """`"static"` when the install ships its static embedding model and it reads (`rca.text.shipped_embedder`), else None."""
    from rca.text.shipped_embedder import SHIPPED_NAME, ShippedEmbedder, shipped_folder

    if shipped_folder() is None:
        return None
    try:  # the features are made by `[model] embeddings = "static"`: that must be able to read it
        ShippedEmbedder(SHIPPED_NAME, 1.0).fit([""])
    except Exception as exc:  # noqa: BLE001 - an unreadable model only removes one candidate
        log.info("static embedding model unavailable for the recipe search: %s", exc)
        return None
    return SHIPPED_NAME


def view_name(char_ngrams: Any, embeddings: Any, word_ngrams: Any = (1, 2)) -> str:
    parts = (["word"] if word_ngrams else []) + (["char"] if char_ngrams else []) + (["embed"] if embeddings else [])
    return "+".join(parts) or "none"


def search_space(section: dict[str, Any], settings: ModelSettings) -> tuple[rs.SearchSpace, list[str]]:
    """What the search may vary, given the keys the user wrote in `[model]` (those are fixed)."""
    fixed = [k for k in ("char_ngrams", "embeddings", "C", "decision", "word_view_C") if k in section]
    chars = [settings.char_ngrams] if "char_ngrams" in section else [[], rs.CHAR_NGRAMS]
    views: dict[str, dict[str, Any]] = {}
    for ch in chars:
        views[view_name(ch, settings.embeddings, settings.word_ngrams)] = {"char_ngrams": ch, "embeddings": settings.embeddings}
    if "embeddings" not in section:
        path = _static_model()
        for ch in chars if path else []:
            views[view_name(ch, path, settings.word_ngrams)] = {"char_ngrams": ch, "embeddings": path}
    if settings.classifier != "svm" and "C" not in section:
        fixed.append("C (classifier is not svm)")
    if "word_view_C" in section and "C" not in section:
        fixed.append("C (word_view_C is set)")
    Cs = list(rs.C_GRID) if not any(f.startswith("C") for f in fixed) else [settings.C]
    rules = [settings.decision] if "decision" in section else list(rs.dec.DECISIONS)
    average = settings.classifier == "svm" and "word_view_C" not in section
    return rs.SearchSpace(views=views, C=Cs, rules=rules, average=average), fixed


@dataclass
class Recipe:
    """Shared feature settings, each target's classifier settings, and the record of how they were chosen."""

    settings: ModelSettings
    per_target: dict[str, ModelSettings] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    oof: dict[str, np.ndarray] = field(default_factory=dict)  # out-of-fold scores the search made with the chosen settings

    def for_target(self, target: str) -> ModelSettings:
        return self.per_target.get(target, self.settings)

    def target_report(self, target: str) -> dict[str, Any]:
        """What metrics.json keeps for one target: the recipe it got and every candidate's CV score and time."""
        s = self.for_target(target)
        out = {
            "mode": self.report.get("mode"),
            "view": self.report.get("view"),
            "char_ngrams": s.char_ngrams,
            "embeddings": s.embeddings,
            "C": s.C,
            "word_view_C": s.word_view_C,
            "decision": s.decision,
            "chosen_by": "cross-validation" if target in self.report.get("searched", []) else "fixed",
            "cv_macro_f1": (self.report.get("targets") or {}).get(target, {}).get("cv_macro_f1"),
            "folds": (self.report.get("folds") or {}).get(target),
        }
        out["candidates"] = [
            {
                **{k: c.get(k) for k in ("view", "C", "word_view_C", "round", "status", "seconds", "rows")},
                "rows": c["rows"].get(target),
                "cv_macro_f1": c["cv_macro_f1"].get(target),
            }
            for c in self.report.get("candidates", [])
        ]
        return out


def choose_recipe(
    prepped: list[str],
    cases,
    targets: list[str],
    train: np.ndarray,
    labelled: dict[str, np.ndarray],
    multi: dict[str, bool],
    settings: ModelSettings,
    section: dict[str, Any],
    *,
    mode: str = "auto",
    budget: float | None = None,
    seed: int = 0,
    progress: bool = False,
) -> Recipe:
    """The recipe for this run; `train` masks the rows the search may read (never the held-out ones)."""
    if mode not in MODES:
        raise RcaError("E205", f"--recipe {mode!r}; allowed: {', '.join(MODES)}", column="recipe")
    if budget is not None and not budget > 0:
        raise RcaError("E205", f"--budget {budget!r}: give a number of seconds above 0", column="budget")
    base = {
        "mode": mode,
        "view": view_name(settings.char_ngrams, settings.embeddings, settings.word_ngrams),
        "budget": budget,
        "notes": [],
        "searched": [],
        "candidates": [],
    }
    if mode == "fast":
        return Recipe(settings, report={**base, "notes": ["--recipe fast: the [model] settings as written, no search"]})
    space, fixed = search_space(section, settings)
    base["fixed"] = fixed
    if space.size == 1:
        return Recipe(settings, report={**base, "mode": "fixed", "notes": ["every searchable setting is fixed by [model]"]})
    rows = np.flatnonzero(train)
    pos = {r: i for i, r in enumerate(rows)}
    texts = [prepped[i] for i in rows]
    single = {}
    for t in targets:
        if multi[t]:
            base["notes"].append(f"{t}: multi-label; keeps C and decision of [model] and shares the chosen features")
            continue
        idx = np.array([pos[i] for i in np.flatnonzero(labelled[t] & train)], dtype=int)
        values = cases[t].astype(str).str.strip().to_numpy()[rows[idx]] if len(idx) else np.array([], dtype=object)
        classes, y = np.unique(values, return_inverse=True)
        single[t] = (idx, y.astype(int))
    try:
        res = rs.search(texts, single, settings, space, seed=seed, budget=budget, progress=progress)
    except rs._NoSearch as why:
        note = f"recipe search skipped, the fixed recipe is used: {why}"
        log.warning(note)
        return Recipe(settings, report={**base, "mode": "fixed", "notes": base["notes"] + [note]})
    view = space.views[res.view]
    shared = replace(settings, **view)
    per_target = {
        t: replace(shared, C=p["C"], decision=p["decision"], word_view_C=p["word_view_C"] if space.average else shared.word_view_C)
        for t, p in res.per_target.items()
    }
    skipped = sum(c.status == "skipped (budget)" for c in res.candidates)
    notes = base["notes"] + res.notes + ([f"{skipped} candidate(s) skipped to stay within the {budget:g} s budget"] if skipped else [])
    for n in notes:
        log.warning("recipe search: %s", n)
    report = {
        **base,
        "mode": "searched",
        "view": res.view,
        "char_ngrams": shared.char_ngrams,
        "embeddings": shared.embeddings,
        "notes": notes,
        "searched": sorted(res.per_target),
        "folds": res.folds,
        "seconds": round(res.seconds, 2),
        "n_rows": len(rows),
        "space": {"views": list(space.views), "C": space.C, "decision": space.rules},
        "targets": res.per_target,
        "candidates": [c.as_dict() for c in res.candidates],
    }
    # the search's scores are a single SVM's: with word_view_C written in [model] the model calibrates on its own
    return Recipe(shared, per_target, report, res.oof if space.average else {})


def _avg(p: dict[str, Any]) -> str:
    return f" averaged with a word-only SVM (C={p['word_view_C']:g})" if p.get("word_view_C") else ""


def describe(report: dict[str, Any]) -> str:
    """One line: how the recipe was chosen and what it is."""
    mode = report.get("mode")
    if mode == "searched":
        per = "; ".join(
            f"{t} C={p['C']:g}{_avg(p)}, {p['decision']} (CV macro-F1 {p['cv_macro_f1']:.3f})"
            for t, p in (report.get("targets") or {}).items()
        )
        n = sum(c["status"] == "evaluated" for c in report.get("candidates", []))
        return (
            f"recipe chosen by {max((report.get('folds') or {1: 0}).values())}-fold cross-validation on the training rows "
            f"({n} candidates scored, {report.get('seconds', 0):.1f} s): {report['view']} features; {per}"
        )
    how = {"fast": "the fixed recipe (--recipe fast)", "fixed": "the fixed recipe"}.get(str(mode), f"recipe {mode}")
    return f"{how}: {report.get('view')} features (notes below)" if report.get("notes") else f"{how}: {report.get('view')} features"


def card_lines(report: dict[str, Any] | None, metrics: dict[str, Any] | None) -> list[str]:
    """The model card's account of the recipe: chosen settings, every candidate's CV score and time, held-out figure."""
    if not report:
        return []
    lines = ["### How the recipe was chosen", "", describe(report) + ".", ""]
    for note in report.get("notes", []):
        lines.append(f"- {note}")
    if report.get("notes"):
        lines.append("")
    for t, p in (report.get("targets") or {}).items():
        held = (metrics or {}).get(t, {}).get("macro_f1") if isinstance((metrics or {}).get(t), dict) else None
        lines += [
            f"{t}: chosen {report['view']}, C = {p['C']:g}{_avg(p)}, decision rule {p['decision']}; cross-validated macro-F1 "
            f"{p['cv_macro_f1']:.3f}" + (f", held-out macro-F1 {held:.3f}" if isinstance(held, (int, float)) else "") + ".",
            "",
            "| features | C | round | training rows per fold | CV macro-F1 by rule | seconds | status |",
            "|---|---:|---:|---:|---|---:|---|",
        ]
        for c in report.get("candidates", []):
            sc = c["cv_macro_f1"].get(t) or {}
            rules = ", ".join(f"{r} {v:.3f}" for r, v in sc.items()) or "-"
            word = f" (word C={c['word_view_C']:g})" if c.get("word_view_C") else ""
            lines.append(
                f"| {c['view']}{word} | {c['C']:g} | {c['round']} | {c['rows'].get(t, '-')} | {rules} | {c['seconds']:.1f} | {c['status']} |"
            )
        lines.append("")
    return lines
