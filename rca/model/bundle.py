"""A trained model folder, loaded: predictions for every target, and the words behind each tag.

`rca.model.store.load_model` checks a folder and returns a `ModelBundle`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rca.errors import RcaError
from rca.text.features import CHAR_PREFIX, feature_names, prepared, vectorise
from rca.model.classifier import TargetModel, TargetPrediction
from rca.model.manifest import Manifest
from rca.text.redact import redact
from rca.text.prepare import stop_words

__all__ = ["ModelBundle"]

_TOKEN = re.compile(r"(?u)\b\w+\b|n't")  # the word vectoriser's token pattern


@dataclass
class ModelBundle:
    """A trained model folder, loaded: one featuriser and a calibrated model per target."""

    featuriser: Any
    models: dict[str, TargetModel]
    manifest: dict[str, Any]  # manifest.json as written
    path: Path | None = None
    typed_manifest: Manifest | None = field(default=None, repr=False)  # the same, typed; read from `manifest` when not given
    _names: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.typed_manifest is None:
            self.typed_manifest = Manifest.model_validate(self.manifest or {})

    @property
    def targets(self) -> list[str]:
        return list(self.models)

    @property
    def metrics(self) -> dict[str, Any]:
        """Headline held-out figures per target (the manifest's)."""
        return self.typed_manifest.metrics

    def _model(self, target: str) -> TargetModel:
        if target not in self.models:
            raise RcaError("E305", f"{target!r}; this model has {self.targets}", column=target)
        return self.models[target]

    def threshold(self, target: str) -> float:
        """Confidence below which a tag of `target` is flagged for review."""
        return float(self._model(target).threshold_)

    def features(self, texts: list[str]):
        """(prepared texts, feature matrix): prepared once, shared by every target."""
        prep = prepared(self.featuriser, [("" if t is None else str(t)) for t in texts])
        return prep, vectorise(self.featuriser, prep)

    def predict(self, texts, targets: list[str] | None = None) -> dict[str, TargetPrediction]:
        """Labels, calibrated confidence, review flag and probabilities per target for each text."""
        texts = list(texts)
        wanted = [self._model(t) for t in (targets or self.targets)]
        if not texts:
            return {
                m.target: TargetPrediction([], np.empty(0), np.empty(0, dtype=bool), np.empty((0, len(m.classes_))), m.classes_.copy())
                for m in wanted
            }
        _, X = self.features(texts)
        return {m.target: m.predict(X) for m in wanted}

    def feature_names(self) -> np.ndarray:
        if self._names is None:
            self._names = feature_names(self.featuriser)
        return self._names

    def evidence_batch(self, texts: list[str], target: str, labels: list[str], *, k: int = 5) -> list[list[str]]:
        """For each text, up to k words/phrases of its own (redacted) text pushing it toward its label.

        Contribution of a term = its TF-IDF weight in the text x the model's weight
        for the label; only positive contributions count; character n-grams,
        redaction placeholders and stop-word-only terms are skipped; a phrase
        hides the words inside it.
        For a ';'-joined multi-label the first label is explained.
        """
        model = self._model(target)
        if not texts:
            return []
        prep, X = self.features(texts)
        coef = model.coef()
        index = {c: i for i, c in enumerate(model.classes_)}
        names = self.feature_names()
        stops = stop_words()
        out = []
        for i, lab in enumerate(labels):
            first = str(lab).split(";")[0].strip() if lab else ""
            if first not in index:
                out.append([])
                continue
            row = X.getrow(i)
            contrib = row.data * coef[index[first], row.indices]
            padded = " " + " ".join(_TOKEN.findall(prep[i])) + " "
            picked: list[str] = []
            for j in np.argsort(-contrib, kind="stable"):
                if contrib[j] <= 0 or len(picked) == k:
                    break
                term = str(names[row.indices[j]])
                if term.startswith(CHAR_PREFIX) or "pii_" in term or f" {term} " not in padded:
                    continue  # fragments, placeholders, lemmas the text does not contain
                if all(w in stops for w in term.split()):
                    continue  # "the", "at the" explain nothing
                shown = redact(term)
                if shown != term or any(shown in p for p in picked):
                    continue
                picked = [p for p in picked if p not in shown] + [shown]
            out.append(picked)
        return out

    def evidence(self, text: str, target: str, label: str, k: int = 5) -> list[str]:
        """Words/phrases of `text` that pushed it toward `label` (see `evidence_batch`)."""
        return self.evidence_batch([text], target, [label], k=k)[0]
