"""The model folder: write it, check it, load it, and the `ModelBundle` it loads as.

Layout (what `rca train --model-dir DIR` makes)::

    DIR/manifest.json        taxonomy version, data hash, package versions, seed,
                             run id, thresholds, sha256 of every artefact below
    DIR/featuriser.joblib    text preparation + TF-IDF, shared by all targets
    DIR/target-<name>.joblib one calibrated classifier per target
    DIR/metrics.json         the held-out evaluation (see rca.evaluate)
    DIR/cases.parquet        past cases, text redacted, for similar/duplicate search
    DIR/versions/<id>/       every version ever trained here (the same files)
    DIR/aliases.json         {"current": "<id>", "previous": "<id>"}
    DIR/mlflow.db            the MLflow tracking store (not part of a version)

The top level is always the "current" version, so consumers read
`DIR/manifest.json` and `DIR/cases.parquet` directly. `load_model(DIR,
alias="previous")` (or a version id) loads an older one. Loading hashes each
artefact and compares it with the manifest *before* unpickling anything:
joblib files run code when loaded, so a changed file is refused (E302).

>>> # bundle = load_model("models/demo"); preds = bundle.predict(["my bin was not collected"])
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from .errors import RcaError
from .features import CHAR_PREFIX, feature_names, prepared, vectorise
from .io import atomic_path
from .models import TargetModel, TargetPrediction
from .redact import redact
from .text_prep import stop_words

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the folder layout or pickled classes change incompatibly
MANIFEST = "manifest.json"
ALIASES = "aliases.json"
VERSIONS = "versions"
FEATURISER = "featuriser.joblib"
_TOKEN = re.compile(r"(?u)\b\w+\b|n't")  # the word vectoriser's token pattern


def target_file(target: str) -> str:
    return "target-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", target) + ".joblib"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sklearn_minor() -> str:
    import sklearn

    return ".".join(sklearn.__version__.split(".")[:2])


# ------------------------------------------------------------------ bundle
@dataclass
class ModelBundle:
    """A trained model folder, loaded: one featuriser and a calibrated model per target."""

    featuriser: Any
    models: dict[str, TargetModel]
    manifest: dict[str, Any]
    path: Path | None = None
    _names: np.ndarray | None = field(default=None, repr=False)

    @property
    def targets(self) -> list[str]:
        return list(self.models)

    @property
    def metrics(self) -> dict[str, Any]:
        return self.manifest.get("metrics", {})

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
            return {m.target: TargetPrediction([], np.empty(0), np.empty(0, dtype=bool), np.empty((0, len(m.classes_))),
                                               m.classes_.copy()) for m in wanted}
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


# ------------------------------------------------------------------- write
def save_version(model_dir: Path, *, version: str, featuriser, models: dict[str, TargetModel],
                 manifest: dict[str, Any], extra_files: dict[str, Path]) -> tuple[Path, dict[str, Any]]:
    """Write one version into DIR/versions/<version>/ and make it the current one at the top of DIR.

    `extra_files` (metrics.json, cases.parquet, ...) already written elsewhere are
    copied in and hashed with the pickles. Returns the version folder and its manifest.
    """
    model_dir = Path(model_dir)
    vdir = model_dir / VERSIONS / version
    vdir.mkdir(parents=True, exist_ok=True)
    files = {FEATURISER: featuriser, **{target_file(t): m for t, m in models.items()}}
    for name, obj in files.items():
        with atomic_path(vdir / name) as tmp:
            joblib.dump(obj, tmp, compress=3)
    for name, src in extra_files.items():
        shutil.copyfile(src, vdir / name)
    names = list(files) + list(extra_files)
    manifest = {**manifest, "version": version, "format": FORMAT,
                "target_files": {t: target_file(t) for t in models},
                "artefacts": {name: sha256_file(vdir / name) for name in names}}
    _write_json(vdir / MANIFEST, manifest)
    # promote: artefacts first, manifest last, so a reader never sees a new manifest over old files
    for name in names:
        with atomic_path(model_dir / name) as tmp:
            shutil.copyfile(vdir / name, tmp)
    _write_json(model_dir / MANIFEST, manifest)
    aliases = read_aliases(model_dir)
    if aliases.get("current") and aliases["current"] != version:
        aliases["previous"] = aliases["current"]
    aliases["current"] = version
    _write_json(model_dir / ALIASES, aliases)
    return vdir, manifest


def _write_json(path: Path, data: Any) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")


def read_aliases(model_dir: Path) -> dict[str, str]:
    p = Path(model_dir) / ALIASES
    try:
        return json.loads(p.read_text("utf-8")) if p.exists() else {}
    except (OSError, ValueError) as exc:
        raise RcaError("E303", f"cannot read {ALIASES}: {exc}", file=str(p)) from exc


# -------------------------------------------------------------------- read
def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise RcaError("E303", "no manifest.json", file=str(path)) from exc
    except (OSError, ValueError) as exc:
        raise RcaError("E303", str(exc), file=str(path)) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("artefacts"), dict):
        raise RcaError("E303", "manifest has no artefact list", file=str(path))
    return manifest


def verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Refuse a folder whose artefacts are missing, unlisted or differ from the manifest's sha256 (E302), or were made by another format (E306)."""
    if manifest.get("format") != FORMAT:
        raise RcaError("E306", f"model format {manifest.get('format')!r}, this rca reads format {FORMAT}", file=str(folder))
    trained_with = str(manifest.get("packages", {}).get("scikit-learn", ""))
    if ".".join(trained_with.split(".")[:2]) != sklearn_minor():
        raise RcaError("E306", f"trained with scikit-learn {trained_with or 'unknown'}, this install has {sklearn_minor()}",
                       file=str(folder), hint="Retrain with `rca train`; pickled models are not portable across scikit-learn versions.")
    needed = [FEATURISER, *manifest.get("target_files", {}).values()]
    unlisted = [n for n in needed if n not in manifest["artefacts"]]
    if unlisted:
        raise RcaError("E302", f"{unlisted} would be loaded but have no sha256 in manifest.json", file=str(folder))
    for name, digest in manifest["artefacts"].items():
        path = Path(folder) / name
        if Path(name).name != name:
            raise RcaError("E302", f"manifest names a path outside the folder: {name!r}", file=str(folder))
        if not path.is_file():
            raise RcaError("E302", f"{name} is missing", file=str(path))
        if sha256_file(path) != digest:
            raise RcaError("E302", f"{name} does not match the sha256 recorded in manifest.json", file=str(path))


def resolve(model_dir: str | Path, alias: str | None = None) -> Path:
    """The folder holding the version `alias` names (an alias, a version id, or None for the current one)."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise RcaError("E301", "", file=str(model_dir))
    if alias is None:
        return model_dir
    version = read_aliases(model_dir).get(alias, alias)
    folder = model_dir / VERSIONS / version
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", version) or not folder.is_dir():
        raise RcaError("E301", f"no version or alias {alias!r}; aliases: {read_aliases(model_dir)}", file=str(model_dir))
    return folder


def load_model(model_dir: str | Path, *, alias: str | None = None) -> ModelBundle:
    """Load a trained model folder after checking every artefact's sha256 against the manifest."""
    folder = resolve(model_dir, alias)
    manifest = read_manifest(folder)
    verify(folder, manifest)
    featuriser = joblib.load(folder / FEATURISER)
    models = {t: joblib.load(folder / f) for t, f in manifest.get("target_files", {}).items()}
    if not models:
        raise RcaError("E303", "manifest lists no targets", file=str(folder / MANIFEST))
    log.info("loaded model %s (%s) from %s", manifest.get("version"), ", ".join(models), folder)
    return ModelBundle(featuriser=featuriser, models=models, manifest=manifest, path=folder)
