"""A plain-English model card for a trained model directory.

The headings follow the UK Algorithmic Transparency Recording Standard (ATRS):
owner and responsibility; description and rationale; decision-making process
and human oversight; tool and model specification (performance, calibration,
abstention); data specification; risks, limitations and mitigations; how to
contest a tag. Everything comes from the model directory's `manifest.json`
(and `metrics.json` when training wrote one, and `review_labels.json` when the
model was trained from the review store) plus the council's details from
the config table ``[model_card]`` (organisation, team, contact, senior_owner,
website); nothing is invented, and missing facts are listed as missing.

>>> card = render_model_card({"targets": ["root_cause"], "seed": 1}, {"root_cause": {"accuracy": 0.81}})
>>> "## 4. Tool and model specification" in card and "0.81" in card
True
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rca.errors import RcaError
from rca.ingest.io import atomic_path

__all__ = ["render_model_card", "write_model_card", "not_evaluated", "CARD_NAME"]

CARD_NAME = "MODEL_CARD.md"
REVIEW_LABELS = "review_labels.json"  # written by `rca train --from-store` (rca.store.training_data)
_UNSET = "_not recorded_"
_SCALAR_NAMES = {
    "accuracy": "accuracy", "macro_f1": "macro F1", "weighted_f1": "weighted F1", "micro_f1": "micro F1",
    "coverage": "coverage (share tagged without review)", "precision_at_threshold": "precision of tags made without review",
    "accuracy_at_threshold": "accuracy of tags made without review", "threshold": "confidence threshold for review",
    "ece": "expected calibration error", "brier": "Brier score", "n_test": "held-out test cases (the figures in this table)",
    "n_train": "training cases of the evaluated model", "n_final": "cases the saved model learnt from (every labelled case)",
    "n_no_text": "labelled cases without text (not used)", "holdout_threshold": "review threshold of the evaluated model",
    "hamming_loss": "Hamming loss", "subset_accuracy": "exact-set accuracy",
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


def _get(d: dict, *keys: str, default: Any = None) -> Any:
    """The first key present (dotted paths allowed), so the card reads both old and new manifest layouts."""
    for key in keys:
        cur: Any = d
        for part in key.split("."):
            if not isinstance(cur, dict) or part not in cur:
                break
            cur = cur[part]
        else:
            return cur
    return default


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
    return (f"{target} was not evaluated: no held-out test case carried {_a(target)} code, so nothing measures how often "
            f"its codes are right and its review threshold is not a measured guarantee. Review every {target} tag, "
            "whatever its confidence, until a retraining with held-out cases evaluates it.")


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _per_class_table(per_class: dict) -> list[str]:
    rows = ["| code | precision | recall | F1 | cases |", "|---|---:|---:|---:|---:|"]
    for label, m in sorted(per_class.items(), key=lambda kv: -float(_get(kv[1], "support", "n", default=0) or 0)):
        if not isinstance(m, dict):
            continue
        rows.append(f"| {label} | {_fmt(_get(m, 'precision'))} | {_fmt(_get(m, 'recall'))} | "
                    f"{_fmt(_get(m, 'f1', 'f1-score', 'f1_score'))} | {_fmt(_get(m, 'support', 'n'))} |")
    return rows


def _weak_classes(per_class: dict, cutoff: float = 0.6) -> list[str]:
    weak = []
    for label, m in per_class.items():
        f1 = _get(m, "f1", "f1-score", "f1_score") if isinstance(m, dict) else None
        if isinstance(f1, (int, float)) and f1 < cutoff:
            weak.append(f"{label} (F1 {f1:.2f})")
    return weak


def _target_section(target: str, m: dict, n_saved: int | None = None) -> tuple[list[str], list[str]]:
    lines = [f"### {target}", ""]
    if not_evaluated({target: m}):
        lines += [f"**Not evaluated.** {_unevaluated_note(target)}", ""]
    scalars = [(k, v) for k, v in m.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if n_saved is not None and "n_final" not in m:
        # the manifest's count of labelled cases: what the saved model learnt from
        at = next((i + 1 for i, (k, _) in enumerate(scalars) if k == "n_test"), len(scalars))
        scalars.insert(at, ("n_final", int(n_saved)))
    if scalars:
        lines += ["| measure | value |", "|---|---:|"]
        lines += [f"| {_SCALAR_NAMES.get(k, k.replace('_', ' '))} | {_fmt(v)} |" for k, v in scalars]
        lines.append("")
    per_class = _get(m, "per_class", "classes", "report", default={}) or {}
    per_class = {k: v for k, v in per_class.items() if k not in ("accuracy", "macro avg", "weighted avg", "micro avg", "samples avg")}
    if per_class:
        lines += ["Per code (held-out test cases):", ""] + _per_class_table(per_class) + [""]
    calib = _get(m, "calibration", "reliability", default=None)
    if isinstance(calib, dict) and calib:
        lines += ["Calibration: " + "; ".join(f"{k.replace('_', ' ')} {_fmt(v)}" for k, v in calib.items()
                                               if isinstance(v, (int, float, str))), ""]
    weak = [f"{target}: {w}" for w in _weak_classes(per_class)]
    return lines, weak


def _review_lines(review_labels: dict | None, targets: list[str]) -> tuple[str, list[str]]:
    """(a short clause for section 3, the lines for section 5) about codes from officers' review."""
    if not isinstance(review_labels, dict):
        return "", ["- Codes from officers' review in the case store: none recorded (the model was not trained with "
                    "`rca train --from-store`; its codes are as the export recorded them)"]
    rows, rev = review_labels.get("rows"), review_labels.get("rows_with_reviewed_labels")
    by_target = review_labels.get("by_target") or {}
    per = [f"{t} {_fmt((by_target.get(t) or {}).get('review', 0))} of "
           f"{_fmt(sum(v for v in (by_target.get(t) or {}).values() if isinstance(v, int)))}" for t in targets if t in by_target]
    clause = f"this model learnt from {_fmt(rev)} cases with a code decided in review"
    lines = [f"- Codes from officers' review in the case store: {_fmt(rev)} of {_fmt(rows)} cases carry a code an officer "
             "decided (the rest are as the export recorded them)" + (f"; codes from review per target: {'; '.join(per)}" if per else "")]
    return clause, lines


def render_model_card(manifest: dict, metrics: dict | None = None, *, organisation: dict | None = None,
                      review_labels: dict | None = None) -> str:
    """The card as markdown. `metrics`: target -> measures (scalars, ``per_class``, ``calibration``);
    `review_labels`: the counts `rca train --from-store` writes (codes from officers' review)."""
    org = organisation or {}
    metrics = metrics if metrics is not None else _get(manifest, "metrics", default={}) or {}
    targets = list(_get(manifest, "targets", default=None) or metrics.keys())
    data = _get(manifest, "data", default={}) or {}
    date_from = _get(manifest, "data.date_from", "data.received_min", "date_from", "date_range.0")
    date_to = _get(manifest, "data.date_to", "data.received_max", "date_to", "date_range.1")
    created = _get(manifest, "created", "created_at", "trained_at", "timestamp")
    unevaluated = [t for t in not_evaluated(metrics) if t in targets]
    coverage = "; ".join(f"{t} " + ("not evaluated (no held-out cases)" if t in unevaluated else _pct(metrics[t].get("coverage")))
                         for t in targets if isinstance(metrics.get(t), dict))
    reviewed_line, review_lines = _review_lines(review_labels, targets)
    n_labelled = _get(manifest, "data.n_labelled", default={}) or {}
    refit = _get(manifest, "settings.refit", default=None)
    if refit is True or any(isinstance(m, dict) and "n_final" in m for m in metrics.values()):
        evaluation = ("Figures are measured on held-out test cases that the evaluated model never saw (it learnt from the "
                      "training cases); the saved model was then fitted again on every labelled case (\"cases the saved model learnt from\").")
    elif refit is False:
        evaluation = "Figures are measured on held-out test cases; the saved model is the evaluated one (refit switched off)."
    else:
        evaluation = "Figures are measured on held-out test cases."
    lines = [
        f"# Model card: complaint tagging model ({_fmt(_get(manifest, 'name', 'model_id', 'run_id', default='rca'))})",
        "",
        "Plain-English description following the headings of the UK Algorithmic Transparency Recording Standard.",
        "",
        "## 1. Owner and responsibility",
        "",
        f"- Organisation: {_fmt(org.get('organisation'))}",
        f"- Team: {_fmt(org.get('team'))}",
        f"- Senior responsible owner: {_fmt(org.get('senior_owner'))}",
        f"- Contact: {_fmt(org.get('contact'))}",
        f"- Website: {_fmt(org.get('website'))}",
        f"- Built with: rca {_fmt(_get(manifest, 'rca_version', 'version', 'packages.rca'))} (open source; no external supplier holds the data)",
        f"- Trained: {_fmt(created)}",
        "",
        "## 2. Description and rationale",
        "",
        "The model reads the free text of a complaint and suggests codes for: " + (", ".join(targets) or _UNSET) + ".",
        "It helps complaints officers code cases consistently and lets the council count root causes and themes "
        "across every case, not a hand-coded sample. It does not decide whether a complaint is upheld, "
        "does not reply to anyone and does not judge the complainant.",
        "",
        "Intended use: suggesting codes at intake and for past cases, and summarising themes in reports. "
        "Not intended for: decisions about an individual's services, eligibility, enforcement or staff conduct.",
        "",
        "## 3. Decision-making process and human oversight",
        "",
        "- Each suggested code comes with a confidence. A code at or above its target's review threshold is used as it is, "
        "without an officer checking it; a code below it is marked for review and queued for an officer, who confirms or "
        "corrects it (`rca store`), and then the officer's code is the one recorded."
        + (f" That threshold was not measured for {', '.join(unevaluated)} (see below)." if unevaluated else ""),
        "- Share of held-out test cases tagged without review (the rest went to review): " + (coverage or _UNSET) + ".",
        *[f"- {_unevaluated_note(t)}" for t in unevaluated],
        "- Officers' corrections are kept and used to retrain" + (f" ({reviewed_line})" if reviewed_line else "")
        + "; `rca audit` lists past codes that look wrong for a person to check; "
        "`rca drift` says when new cases no longer look like the training data.",
        "- How to contest a tag: a complainant or officer who thinks a code is wrong asks the complaints team to review it; "
        f"the officer changes the code in the case system and the change is used at the next retraining. Contact: {_fmt(org.get('contact'))}.",
        "",
        "## 4. Tool and model specification",
        "",
        f"- Model: {_fmt(_get(manifest, 'model', 'model_type', 'estimator', default='TF-IDF text features with a linear classifier per target'))}",
        f"- Seed: {_plain(_get(manifest, 'seed'))}; taxonomy version: {_fmt(_get(manifest, 'taxonomy_version', 'taxonomy.version'))}",
        "",
        evaluation,
        "",
    ]
    weak: list[str] = []
    for target in targets:
        m = metrics.get(target)
        if isinstance(m, dict):
            n_saved = n_labelled.get(target) if isinstance(n_labelled, dict) else None
            section, w = _target_section(target, m, n_saved if isinstance(n_saved, (int, float)) else None)
            lines += section
            weak += w
        else:
            lines += [f"### {target}", "", f"Performance: {_UNSET}.", ""]
    from rca.model.recipe import card_lines

    lines += card_lines(_get(manifest, "recipe", default=None), metrics)
    lines += [
        "## 5. Data specification",
        "",
        f"- Source: the council's own complaint case records ({_fmt(_get(manifest, 'data.source', 'data_source'))})",
        f"- Cases used: {_fmt(_get(manifest, 'data.n_rows', 'n_rows', 'n_cases'))}; received from {_fmt(date_from)} to {_fmt(date_to)}",
        f"- Data hash (sha256): {_fmt(_get(manifest, 'data_hash', 'data.sha256', 'data_sha256'))}",
        *review_lines,
        "- Personal data: complaint text is redacted (names, addresses, phone numbers, emails, postcodes, NI numbers, "
        "bank details, dates of birth replaced by placeholders such as [NAME]) before features are built; "
        "the model keeps no raw text.",
        "",
    ]
    if data and isinstance(data, dict):
        extra = {k: v for k, v in data.items() if k not in ("source", "n_rows", "sha256", "date_from", "date_to") and not isinstance(v, (dict, list))}
        lines += [f"- {k.replace('_', ' ')}: {_fmt(v)}" for k, v in extra.items()] + ([""] if extra else [])
    artefacts = _get(manifest, "artefacts", "artifacts", "files", default={}) or {}
    if isinstance(artefacts, dict) and artefacts:
        lines += ["Artefacts and their sha256 (checked before loading):", ""]
        for name, h in sorted(artefacts.items()):
            lines.append(f"- `{name}`: `{h.get('sha256') if isinstance(h, dict) else h}`")
        lines.append("")
    packages = _get(manifest, "packages", "versions", default={}) or {}
    if isinstance(packages, dict) and packages:
        lines += ["Package versions: " + ", ".join(f"{k} {v}" for k, v in sorted(packages.items())), ""]
    lines += [
        "## 6. Risks, limitations and mitigations",
        "",
        "- Codes recorded by officers are inconsistent; the model learns that inconsistency. Mitigation: `rca audit` before retraining.",
        "- Short or vague complaints, and complaints about several services, are coded less reliably; they are marked for review.",
        "- New services, policies or events change the words people use; the model does not know them until retrained (`rca drift`).",
        "- Redaction is rule-based: it finds structured identifiers reliably but can miss unusual names; reports show only redacted text.",
        "- Rare codes have few examples and lower accuracy." + (" Weakest codes (F1 below 0.6): " + "; ".join(weak) + "." if weak else ""),
        *[f"- {t} was not evaluated on held-out cases; its accuracy is unknown. Mitigation: an officer reviews every {t} tag "
          "until a retraining with held-out cases evaluates it." for t in unevaluated],
        "",
    ]
    return "\n".join(lines)


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
        tmp.write_text(render_model_card(manifest, metrics, organisation=org, review_labels=review_labels), encoding="utf-8")
    return target
