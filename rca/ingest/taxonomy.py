"""Versioned label sets and the mapping of legacy spellings onto them.

>>> tax = load_taxonomy()
>>> tax.normalise("outcome", "partially upheld")
'Partly upheld'
>>> tax.normalise("escalation_reason", "disagree with decision; Reason not clear")
'Disagree with decision;Reason not clear'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rca.errors import RcaError

MULTI_SEP = ";"
_KEY_RE = re.compile(r"[^a-z0-9]+")


def _key(label: str) -> str:
    """Case-, punctuation- and spacing-insensitive comparison key."""
    return _KEY_RE.sub(" ", label.lower().replace("'", "")).strip()


@dataclass
class Taxonomy:
    version: str
    sets: dict[str, list[str]]
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    multi_label: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lookup: dict[str, dict[str, str]] = {}
        for name, labels in self.sets.items():
            table = {_key(lab): lab for lab in labels}
            for alias, target in self.aliases.get(name, {}).items():
                table[_key(alias)] = target
            self._lookup[name] = table

    def labels(self, name: str) -> list[str]:
        return list(self.sets.get(name, []))

    def is_multi_label(self, name: str) -> bool:
        return name in self.multi_label

    def normalise_one(self, name: str, label: str) -> tuple[str, bool]:
        """Map one label; returns (label, known). Unknown labels pass through trimmed."""
        text = " ".join(str(label).split())
        table = self._lookup.get(name)
        if table is None:
            return text, True
        hit = table.get(_key(text))
        return (hit, True) if hit is not None else (text, False)

    def normalise(self, name: str, value: str | None) -> str | None:
        """Map a cell (several `;`-separated labels for multi-label fields)."""
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        if self.is_multi_label(name):
            parts = [p for p in (s.strip() for s in text.split(MULTI_SEP)) if p]
            mapped = []
            for p in parts:
                lab, _ = self.normalise_one(name, p)
                if lab not in mapped:
                    mapped.append(lab)
            return MULTI_SEP.join(mapped) if mapped else None
        return self.normalise_one(name, text)[0]

    def plan_codes(
        self, name: str, codes: list[str], *, merge: bool = False, owners: dict[str, str] | None = None, reserved: set[str] = frozenset()
    ) -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str, str]]]:
        """How each distinct code of one column is read: ({code: label}, changed, kept).

        A code that is a label (any case or spacing) reads as that label. A code that is an alias
        reads as its label, unless that would merge it with another code of the same file: two
        distinct codes the user wrote are never made one without being asked (`merge=True`: a
        taxonomy or [labels] mapping the user configured). Then the label goes to the code that
        is the label itself, else the one `owners` already gave it (an earlier chunk of the same
        file) or a code in `reserved` (labels the user's own mapping reaches), else the alias the
        taxonomy lists first; the other codes are kept as written.
        `changed` lists (code, label) read differently from how they were written; `kept` lists
        (code, label it was not read as, the code that has that label).

        >>> tax = Taxonomy("t", {"service": ["Waste"]}, {"service": {"bins": "Waste", "refuse": "Waste"}})
        >>> tax.plan_codes("service", ["bins", "refuse"])[0]
        {'bins': 'Waste', 'refuse': 'refuse'}
        """
        owners = {} if owners is None else owners
        table = self._lookup.get(name)
        plan: dict[str, str] = {}
        by_label: dict[str, list[str]] = {}
        for code in dict.fromkeys(codes):
            text = " ".join(str(code).split())
            hit = table.get(_key(text)) if table is not None else None
            if hit is None:
                plan[code] = text
            elif _key(text) == _key(hit) or merge:
                plan[code] = hit
                owners.setdefault(hit, _key(text))
            else:
                by_label.setdefault(hit, []).append(code)
        kept: list[tuple[str, str, str]] = []
        order = {_key(a): i for i, a in enumerate(self.aliases.get(name, {}))}
        for label, members in by_label.items():
            if label in reserved:
                owners.setdefault(label, "")
            keys = sorted({_key(m) for m in members}, key=lambda k: (order.get(k, len(order)), k))
            owner = owners.setdefault(label, keys[0])
            for m in members:
                if _key(m) == owner:
                    plan[m] = label
                else:
                    plan[m] = " ".join(str(m).split())
                    shown = next((c for c in codes if _key(str(c)) == owner), label if not owner else owner)
                    kept.append((m, label, shown))
        changed = [(c, lab) for c, lab in plan.items() if lab != " ".join(str(c).split())]
        return plan, changed, kept

    def unknown(self, name: str, value: str | None) -> list[str]:
        """Labels in a cell that the taxonomy does not know."""
        if value is None or name not in self._lookup:
            return []
        parts = str(value).split(MULTI_SEP) if self.is_multi_label(name) else [str(value)]
        return [p.strip() for p in parts if p.strip() and not self.normalise_one(name, p)[1]]


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load a taxonomy TOML file; the bundled default when `path` is None."""
    try:
        if path is None:
            raw = resources.files("rca.resources").joinpath("taxonomy.toml").read_text("utf-8")
            where = "rca/resources/taxonomy.toml"
        else:
            where = str(path)
            raw = Path(path).read_text("utf-8")
        data = tomllib.loads(raw)
    except FileNotFoundError as exc:
        raise RcaError("E203", "file not found", file=str(path)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RcaError("E203", str(exc), file=str(path)) from exc
    sets = data.get("sets")
    if not isinstance(sets, dict) or not sets:
        raise RcaError("E203", "no [sets] table", file=where)
    multi = sets.pop("multi_label", data.get("multi_label", []))
    return Taxonomy(
        version=str(data.get("version", "unversioned")),
        sets={k: [str(x) for x in v] for k, v in sets.items()},
        aliases={k: {str(a): str(b) for a, b in v.items()} for k, v in data.get("aliases", {}).items()},
        multi_label=list(multi),
    )


def split_labels(value: str | None) -> list[str]:
    """Split a multi-label cell into its labels (empty list for blanks)."""
    if value is None:
        return []
    try:
        import math

        if isinstance(value, float) and math.isnan(value):
            return []
    except TypeError:
        pass
    return [p.strip() for p in str(value).split(MULTI_SEP) if p.strip()]
