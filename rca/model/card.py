"""A plain-English model card for a trained model directory.

The headings follow the UK Algorithmic Transparency Recording Standard (ATRS):
owner and responsibility; description and rationale; decision-making process
and human oversight; tool and model specification (performance, calibration,
abstention); data specification; risks, limitations and mitigations; how to
contest a tag. Everything comes from the model directory's `manifest.json`
(and `metrics.json` when training wrote one, and `review_labels.json` when the
model was trained from the review store) plus the council's details from
the config table ``[model_card]`` (organisation, team, contact, senior_owner,
website); nothing is invented, and missing facts are listed as missing. The text is the template
`rca/model/templates/model_card.md.j2`, filled from the typed manifest (`rca.model.manifest.Manifest`).

>>> card = render_model_card({"targets": ["root_cause"], "seed": 1}, {"root_cause": {"accuracy": 0.81}})
>>> "## 4. Tool and model specification" in card and "0.81" in card
True
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jinja2

from rca.errors import RcaError
from rca.ingest.io import atomic_path
from rca.model.manifest import Manifest, parse_manifest

__all__ = ["render_model_card", "write_model_card", "not_evaluated", "CARD_NAME"]

CARD_NAME = "MODEL_CARD.md"
REVIEW_LABELS = "review_labels.json"  # written by `rca train --from-store` (rca.store.training_data)
_UNSET = "_not recorded_"
_SCALAR_NAMES = {
    "accuracy": "accuracy",
    "macro_f1": "macro F1",
    "weighted_f1": "weighted F1",
    "micro_f1": "micro F1",
    "coverage": "coverage (share tagged without review)",
    "precision_at_threshold": "precision of tags made without review",
    "accuracy_at_threshold": "accuracy of tags made without review",
    "threshold": "confidence threshold for review",
    "ece": "expected calibration error",
    "brier": "Brier score",
    "n_test": "held-out test cases (the figures in this table)",
    "n_train": "training cases of the evaluated model",
    "n_final": "cases the saved model learnt from (every labelled case)",
    "n_no_text": "labelled cases without text (not used)",
    "holdout_threshold": "review threshold of the evaluated model",
    "hamming_loss": "Hamming loss",
    "subset_accuracy": "exact-set accuracy",
}


def _fmt(value: Any) -> str:
    if value is None:
        return _UNSET
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else _UNSET
    return str(value)


def _plain(value: Any) -> str:
    """An identifier-like number (a seed) as written, without thousands separators."""
    return _UNSET if value is None else str(value)


def _pct(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) and not isinstance(value, bool) else _UNSET


def not_evaluated(metrics: dict | None) -> list[str]:
    """Targets whose figures were measured on no held-out case (``n_test`` 0): nothing says how often
    their codes are right, and their review threshold is not a measured guarantee.

    >>> not_evaluated({"root_cause": {"n_test": 293, "accuracy": 0.7}, "escalation_reason": {"n_test": 0, "accuracy": None}})
    ['escalation_reason']
    """
    out = []
    for target, m in (metrics or {}).items():
        if not isinstance(m, dict):
            continue
        n_test = m.get("n_test")
        if isinstance(n_test, (int, float)) and not isinstance(n_test, bool) and n_test == 0:
            out.append(str(target))
    return out


def _unevaluated_note(target: str) -> str:
    return (
        f"{target} was not evaluated: no held-out test case carried {_a(target)} code, so nothing measures how often "
        f"its codes are right and its review threshold is not a measured guarantee. Review every {target} tag, "
        "whatever its confidence, until a retraining with held-out cases evaluates it."
    )


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _per_class(m: dict) -> list[tuple[str, dict]]:
    """(code, its held-out precision / recall / f1 / support) for each code, most cases first."""
    per_class = {k: v for k, v in (m.get("per_class") or {}).items() if isinstance(v, dict)}
    return sorted(per_class.items(), key=lambda kv: -float(kv[1].get("support") or 0))


def _weak_classes(per_class: list[tuple[str, dict]], cutoff: float = 0.6) -> list[str]:
    weak = []
    for label, m in per_class:
        f1 = m.get("f1")
        if isinstance(f1, (int, float)) and f1 < cutoff:
            weak.append(f"{label} (F1 {f1:.2f})")
    return weak


def _target_section(target: str, m: Any, n_saved: int | None) -> dict[str, Any]:
    """What the card shows for one target: its headline figures, per-code table and whether it was evaluated."""
    if not isinstance(m, dict):
        return {"target": target, "missing": True}
    scalars = [(k, v) for k, v in m.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if n_saved is not None and "n_final" not in m:
        # the manifest's count of labelled cases: what the saved model learnt from
        at = next((i + 1 for i, (k, _) in enumerate(scalars) if k == "n_test"), len(scalars))
        scalars.insert(at, ("n_final", int(n_saved)))
    return {
        "target": target,
        "missing": False,
        "unevaluated": bool(not_evaluated({target: m})),
        "scalars": [(_SCALAR_NAMES.get(k, k.replace("_", " ")), v) for k, v in scalars],
        "per_class": _per_class(m),
    }


def _review_lines(review_labels: dict | None, targets: list[str]) -> tuple[str, list[str]]:
    """(a short clause for section 3, the lines for section 5) about codes from officers' review."""
    if not isinstance(review_labels, dict):
        return "", [
            "- Codes from officers' review in the case store: none recorded (the model was not trained with "
            "`rca train --from-store`; its codes are as the export recorded them)"
        ]
    rows, rev = review_labels.get("rows"), review_labels.get("rows_with_reviewed_labels")
    by_target = review_labels.get("by_target") or {}
    per = [
        f"{t} {_fmt((by_target.get(t) or {}).get('review', 0))} of "
        f"{_fmt(sum(v for v in (by_target.get(t) or {}).values() if isinstance(v, int)))}"
        for t in targets
        if t in by_target
    ]
    clause = f"this model learnt from {_fmt(rev)} cases with a code decided in review"
    lines = [
        f"- Codes from officers' review in the case store: {_fmt(rev)} of {_fmt(rows)} cases carry a code an officer "
        "decided (the rest are as the export recorded them)" + (f"; codes from review per target: {'; '.join(per)}" if per else "")
    ]
    return clause, lines


def _evaluation(refit: Any, metrics: dict) -> str:
    if refit is True or any(isinstance(m, dict) and "n_final" in m for m in metrics.values()):
        return (
            "Figures are measured on held-out test cases that the evaluated model never saw (it learnt from the "
            'training cases); the saved model was then fitted again on every labelled case ("cases the saved model learnt from").'
        )
    if refit is False:
        return "Figures are measured on held-out test cases; the saved model is the evaluated one (refit switched off)."
    return "Figures are measured on held-out test cases."


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rca.model", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(fmt=_fmt, plain=_plain)
    return env.get_template("model_card.md.j2")


def render_model_card(
    manifest: Manifest | dict, metrics: dict | None = None, *, organisation: dict | None = None, review_labels: dict | None = None
) -> str:
    """The card as markdown, from `rca/model/templates/model_card.md.j2`. `manifest`: the typed manifest (a dict
    is read as one); `metrics`: target -> measures (scalars, ``per_class``), the manifest's when None;
    `review_labels`: the counts `rca train --from-store` writes (codes from officers' review)."""
    from rca.model.recipe import card_lines

    m = manifest if isinstance(manifest, Manifest) else Manifest.model_validate(manifest)
    org = organisation or {}
    metrics = metrics if metrics is not None else m.metrics
    targets = list(m.targets or metrics.keys())
    unevaluated = [t for t in not_evaluated(metrics) if t in targets]
    coverage = "; ".join(
        f"{t} " + ("not evaluated (no held-out cases)" if t in unevaluated else _pct(metrics[t].get("coverage")))
        for t in targets
        if isinstance(metrics.get(t), dict)
    )
    reviewed_clause, review_lines = _review_lines(review_labels, targets)
    sections = [_target_section(t, metrics.get(t), m.data.n_labelled.get(t)) for t in targets]
    weak = [f"{s['target']}: {w}" for s in sections if not s["missing"] for w in _weak_classes(s["per_class"])]
    data_extra = [(k, v) for k, v in (m.data.model_extra or {}).items() if not isinstance(v, (dict, list))]
    return _template().render(
        m=m,
        org={k: org.get(k) for k in ("organisation", "team", "senior_owner", "contact", "website")},
        targets=targets,
        unset=_UNSET,
        unevaluated=unevaluated,
        unevaluated_note=_unevaluated_note,
        coverage=coverage,
        reviewed_clause=reviewed_clause,
        review_lines=review_lines,
        evaluation=_evaluation(m.settings.get("refit"), metrics),
        sections=sections,
        weak=weak,
        recipe_lines=card_lines(m.recipe, metrics),
        data_extra=data_extra,
    )


def write_model_card(model_dir: str | Path, *, config=None, path: str | Path | None = None) -> Path:
    """Write the card for a model directory (default `<model_dir>/MODEL_CARD.md`), atomically."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise RcaError("E301", "no such folder", file=str(model_dir))
    from rca.model.store import verify_folder

    manifest = verify_folder(model_dir)  # a card is published: never from a folder whose artefacts or metrics were changed
    metrics = None
    metrics_path = model_dir / "metrics.json"
    if metrics_path.exists():
        try:
            metrics = json.loads(metrics_path.read_text("utf-8"))
        except ValueError as exc:
            raise RcaError("E303", f"metrics.json is not valid JSON: {exc}", file=str(metrics_path)) from exc
    review_labels = None
    review_path = model_dir / REVIEW_LABELS
    if review_path.exists():
        try:
            review_labels = json.loads(review_path.read_text("utf-8"))
        except ValueError as exc:
            raise RcaError("E303", f"{REVIEW_LABELS} is not valid JSON: {exc}", file=str(review_path)) from exc
        made_for = review_labels.get("version") if isinstance(review_labels, dict) else None
        if made_for is not None and made_for != manifest.get("version"):
            review_labels = None  # left by an earlier model trained from the store: not this model's figures
    org = config.section("model_card") if config is not None else {}
    target = Path(path) if path else model_dir / CARD_NAME
    with atomic_path(target) as tmp:
        tmp.write_text(
            render_model_card(parse_manifest(manifest, file=str(model_dir)), metrics, organisation=org, review_labels=review_labels),
            encoding="utf-8",
        )
    return target
