"""Reading label columns onto the taxonomy's codes: the config's [labels] spellings, then the
taxonomy's aliases, never merging two codes one file uses; every code read another way said."""

from __future__ import annotations

import pandas as pd

from rca.config import Config
from rca.errors import message
from rca.ingest.taxonomy import MULTI_SEP, Taxonomy

# Label sets rca reads itself (working-day targets, stage rank, report categories): their
# aliases are spellings of one value, so they always apply. Elsewhere aliases never merge two
# codes of one file (see Taxonomy.plan_codes).
FIXED_VOCABULARY = ("stage", "route", "case_type", "channel", "outcome")


def read_codes(
    name: str,
    cleaned: pd.Series,
    config: Config,
    taxonomy: Taxonomy,
    *,
    owners: dict[str, str],
    reported: set[tuple],
    source: str,
    column: str,
) -> tuple[pd.Series, list[str]]:
    """A label column read onto the taxonomy: the config's [labels] spellings first, then the
    taxonomy's aliases, which never merge two codes the file uses (unless the council's own
    taxonomy file or [labels] says so). Codes read as another spelling are reported.

    `owners` ({label: the file's code read as it}) and `reported` (the notes given)
    carry over from one chunk of a file to the next."""
    overrides = {k.strip().lower(): v for k, v in config.labels.get(name, {}).items()}
    model = {" ".join(c.split()).lower(): c for c in getattr(config, "model_codes", {}).get(name, [])}
    distinct = [v for v in cleaned.unique() if v != ""]
    user = {v: overrides[v.lower()] for v in distinct if v.lower() in overrides}
    multi = taxonomy.is_multi_label(name)
    split = (lambda v: [p for p in (x.strip() for x in v.split(MULTI_SEP)) if p]) if multi else (lambda v: [v])
    reserved = {taxonomy.normalise_one(name, p)[0] for t in user.values() for p in split(str(t).strip())}
    parts = [p for v in distinct if v not in user for p in split(v) if " ".join(p.split()).lower() not in model]
    merge = bool(config.taxonomy) or name in FIXED_VOCABULARY
    plan, changed, kept = taxonomy.plan_codes(name, parts, merge=merge, reserved=reserved, owners=owners)
    plan.update(
        {p: model[" ".join(p.split()).lower()] for v in distinct for p in split(v) if " ".join(p.split()).lower() in model}
    )  # a code the model learnt is read as the model spells it
    read = {
        v: taxonomy.normalise(name, user[v]) if v in user else MULTI_SEP.join(dict.fromkeys(plan[p] for p in split(v))) or None
        for v in distinct
    }
    notes: list[str] = []
    changed = [
        (c, lab)
        for c, lab in changed
        if (name, c) not in reported and not merge and taxonomy.normalise_one(name, c)[0] == lab and c.strip().lower() != lab.lower()
    ]
    if changed:
        reported.update((name, c) for c, _ in changed)
        shown = ", ".join(f"{c!r} as {lab!r}" for c, lab in changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
        notes.append(f"{source}: column {column!r}: codes read as taxonomy {taxonomy.version} spells them: {shown}")
    for code, label, owner in kept:
        if (name, code, "kept") not in reported:
            reported.add((name, code, "kept"))
            why = (
                f"the taxonomy reads it as {label!r}, a code the file already uses"
                if owner == label
                else f"the taxonomy reads both it and {owner!r} as {label!r}, and {owner!r} is read so"
            )
            notes.append(
                message(
                    "E106",
                    f"{code!r} is kept as written: {why}; two codes of one file are never merged into one",
                    file=source,
                    column=column,
                    hint=f"To merge them, map both spellings under [labels.{name}] in the config.",
                )
            )
    return cleaned.map(lambda v: read.get(v) if v else None), notes


def fold_spellings(values: pd.Series, *, multi: bool = False) -> tuple[pd.Series, list[tuple[list[str], str]]]:
    """Codes that differ only in capital letters or spaces read as one: the spelling the column uses
    most (the first seen on a tie). Returns the column so read, and (spellings, read as) for each
    code that had more than one spelling.

    >>> out, folded = fold_spellings(pd.Series(["Noise", "NOISE", "noise ", "Noise", "Bins", None]))
    >>> out.tolist(), folded
    (['Noise', 'Noise', 'Noise', 'Noise', 'Bins', None], [(['Noise', 'NOISE', 'noise'], 'Noise')])
    """

    def parts(v) -> list[str]:
        text = str(v)
        return [p for p in (" ".join(x.split()) for x in (text.split(MULTI_SEP) if multi else [text])) if p]

    present = values.notna() & values.astype(str).str.strip().ne("")
    counts: dict[str, dict[str, int]] = {}
    for v in values[present]:
        for p in parts(v):
            counts.setdefault(p.casefold(), {}).setdefault(p, 0)
            counts[p.casefold()][p] += 1
    chosen = {k: max(spell, key=lambda s: spell[s]) for k, spell in counts.items()}  # dicts keep first-seen order on ties
    folded = [(list(spell), chosen[k]) for k, spell in counts.items() if len(spell) > 1]
    if not folded:
        return values, []
    read = values.copy().astype(object)
    read[present] = [MULTI_SEP.join(dict.fromkeys(chosen[p.casefold()] for p in parts(v))) for v in values[present]]
    return read, folded
