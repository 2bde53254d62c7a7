"""The codes an officer may give: a target's codes (the taxonomy's, then the council's), the targets a
store holds, and an officer's choice checked against them and spelt as the taxonomy spells it.

Example::

    with store.session() as sess:
        options, multi = label_options(sess, "root_cause", config=config)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.taxonomy import MULTI_SEP, load_taxonomy, split_labels
from rca.store.db import store_settings
from rca.store.models import ACTIONS, Decision, OriginalLabel, ReviewItem, Suggestion

__all__ = ["ACCEPTABILITY", "BAD_INPUT", "check_target", "label_options", "resolve_label", "store_targets"]

ACCEPTABILITY = "acceptability"

# what an officer typed that the store cannot take (an unknown action or target, a missing code, a long comment)
BAD_INPUT = "E503"


def _multi(target: str, config: Config | None) -> tuple[bool, Any]:
    tax = load_taxonomy(config.taxonomy if config else None)
    return tax.is_multi_label(target) or (config is not None and target in config.multi_label), tax


def label_options(sess, target: str, *, config: Config | None = None) -> tuple[list[str], bool]:
    """Codes an officer may choose for `target`: the taxonomy's, then the council's
    own codes named in the config's `[labels.<target>]`. For a target the taxonomy
    does not define, the codes already imported or suggested for it."""
    multi, tax = _multi(target, config)
    known = list(tax.labels(target))
    council = list(dict.fromkeys((config.labels.get(target, {}) if config else {}).values()))
    known += [c for c in council if c not in known]
    if not tax.labels(target):
        seen = sess.execute(select(OriginalLabel.label).where(OriginalLabel.target == target).distinct()).scalars().all()
        seen += (
            sess.execute(select(Suggestion.label).where(Suggestion.target == target, Suggestion.label.is_not(None)).distinct())
            .scalars()
            .all()
        )
        known += sorted({lab for v in seen for lab in (split_labels(v) if multi else [v]) if lab not in known})
    return known, multi


def _a(word: str) -> str:
    """The article for a word: "an escalation_reason code", "a root_cause code"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def store_targets(sess) -> list[str]:
    """The targets the store holds codes, suggestions or review items for, in name order."""
    found: set[str] = set()
    for col in (OriginalLabel.target, Suggestion.target, ReviewItem.target, Decision.target):
        found.update(t for t in sess.execute(select(col).distinct()).scalars().all() if t)
    return sorted(found)


def check_target(sess, target: str, *, config: Config | None) -> str:
    """`target` as given when the store, the taxonomy or the config knows it; else E503 naming the store's targets."""
    name = str(target or "").strip()
    _, tax = _multi(name, config)
    known = store_targets(sess)
    if name in known or tax.labels(name) or (config is not None and name in config.labels):
        return name
    near = [t for t in known + [t for t in tax.sets if t not in known] if t.lower() == name.lower()]
    raise RcaError(
        BAD_INPUT,
        f"{name!r} is not a target of this store; its targets are: {', '.join(known) or 'none yet'}",
        column="target",
        value=name,
        hint=(f"Did you mean --target {near[0]}? " if near else "") + "Targets are named as `rca store queue` lists them.",
    )


def _normalise_label(sess, target: str, label: str | None, *, config: Config | None) -> str:
    """The canonical spelling of a correction; E106 when it is not a code of `target`."""
    options, multi = label_options(sess, target, config=config)
    if label is None or not str(label).strip():
        raise RcaError(BAD_INPUT, "a correction needs the code to correct to", column="label")
    _, tax = _multi(target, config)
    spellings = {k.strip().lower(): v for k, v in (config.labels.get(target, {}) if config else {}).items()}
    parts = split_labels(label) if multi else [str(label).strip()]
    out = []
    for p in parts:
        norm = spellings.get(p.strip().lower()) or tax.normalise_one(target, p)[0]
        if norm not in options:
            if not options:
                raise RcaError(
                    "E106",
                    f"{norm!r} is not {_a(target)} code; no {target} codes are known yet (none imported or "
                    "suggested, none in the taxonomy or the config's [labels])",
                    column=target,
                    value=norm,
                )
            shown = "; ".join(options[:15]) + ("; ..." if len(options) > 15 else "")
            raise RcaError("E106", f"{norm!r} is not {_a(target)} code; choose one of: {shown}", column=target, value=norm)
        if norm not in out:
            out.append(norm)
    return MULTI_SEP.join(out)


def resolve_label(sess, *, target: str, action: str, label: str | None, suggested: str | None, config: Config | None) -> str | None:
    if action not in ACTIONS:
        raise RcaError(BAD_INPUT, f"action must be one of {', '.join(ACTIONS)}; got {action!r}", column="action", value=action)
    if action == "accepted":
        if suggested is None:
            raise RcaError(BAD_INPUT, "there is no suggestion to accept; correct it to a code instead", column="action")
        if label is not None and str(label).strip() and not set(split_labels(label)) == set(split_labels(suggested)):
            raise RcaError(
                BAD_INPUT, f"accepting means keeping {suggested!r}; use action 'corrected' for {label!r}", column="label", value=label
            )
        return suggested
    if action == "corrected":
        return _normalise_label(sess, target, label, config=config)
    nc = store_settings(config).not_complaint_label
    return nc if target == ACCEPTABILITY else None
