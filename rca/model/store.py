"""The model folder: write it, check it, and load it as a `ModelBundle` (`rca.model.bundle`).

Layout (what `rca train --model-dir DIR` makes)::

    DIR/manifest.json        taxonomy version, data hash, package versions, seed,
                             run id, thresholds, sha256 of every artefact below
    DIR/featuriser.skops     text preparation + TF-IDF, shared by all targets
    DIR/target-<name>.skops  one calibrated classifier per target
    DIR/metrics.json         the held-out evaluation (see rca.model.evaluate)
    DIR/cases.parquet        past cases, text redacted, for similar/duplicate search
    DIR/versions/<id>/       every version ever trained here (the same files)
    DIR/aliases.json         {"current": "<id>", "previous": "<id>"}
    DIR/mlflow.db            the MLflow tracking store (not part of a version)

The top level is always the "current" version, so consumers read
`DIR/manifest.json` and `DIR/cases.parquet` directly. `load_model(DIR,
alias="previous")` (or a version id) loads an older one. Loading hashes each
artefact and compares it with the manifest (E302); the top-level manifest must
equal its copy in `versions/<id>/`, and each loaded model must be the target it
is listed for.

The fitted objects are skops files, loaded by `rca.model.safe_load`, which builds
only allowed types and refuses anything else (E310) before running anything:
the sha256 sums catch corruption and partial copies, and a folder rewritten
with matching sums still cannot run code. Folders of the older format (joblib
pickles, `format` 1) are refused (E311) unless the environment variable
RCA_TRUST_PICKLED_MODEL names the folder (docs/security.md).

Example::

    bundle = load_model("models/demo"); preds = bundle.predict(["my bin was not collected"])
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import zlib
from pathlib import Path
from typing import Any

from rca.errors import RcaError
from rca.ingest.io import atomic_path
from rca.model.bundle import ModelBundle
from rca.model.classifier import TargetModel
from rca.model.manifest import MANIFEST, MANIFEST_VERSION, Manifest, parse_manifest, read_manifest_file
from rca.model.safe_load import SUFFIX, dump_artefact, load_artefact

log = logging.getLogger(__name__)

FORMAT = 2  # bump when the folder layout or saved classes change incompatibly
PICKLE_FORMAT = 1  # joblib pickles: loaded only from a folder RCA_TRUST_PICKLED_MODEL names
TRUST_PICKLES_ENV = "RCA_TRUST_PICKLED_MODEL"
ALIASES = "aliases.json"
VERSIONS = "versions"
FEATURISER = f"featuriser{SUFFIX}"
PICKLED_FEATURISER = "featuriser.joblib"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_VERSION_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")  # an alias or version id: one plain folder name
_TRACKING_ONLY = {"mlflow.db", "mlartifacts"}  # a folder holding only these may become a model folder
_STAMP = re.compile(r"\d{8}-\d{6}-[0-9a-f]{8}")  # the version ids training makes


def target_file(target: str, *, hashed: bool = False) -> str:
    """File name of a target's artefact.

    A name that is already a safe file name is kept (`root_cause` -> `target-root_cause.skops`);
    otherwise unsafe characters become `_` and the first 8 hex digits of the sha256 of the
    exact name are added, so `Dept/Area` and `Dept_Area` never share a file.

    >>> target_file("root_cause"), target_file("Dept/Area") != target_file("Dept_Area")
    ('target-root_cause.skops', True)
    """
    safe = _UNSAFE.sub("_", target)
    if hashed or safe != target or len(safe) > 100:
        digest = hashlib.sha256(target.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        safe = f"{safe[:100]}-{digest}"
    return f"target-{safe}{SUFFIX}"


def target_files(targets: list[str]) -> dict[str, str]:
    """`target_file` of each target; names that differ only by case (one file on Windows and macOS) all get the hash."""
    files = {t: target_file(t) for t in targets}
    folded = [f.casefold() for f in files.values()]
    return {t: (target_file(t, hashed=True) if folded.count(f.casefold()) > 1 else f) for t, f in files.items()}


def _plain_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_VERSION_ID.fullmatch(name)) and ".." not in name


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sklearn_minor() -> str:
    import sklearn

    return ".".join(sklearn.__version__.split(".")[:2])


# ------------------------------------------------------------------- write
def is_model_dir(folder: str | Path) -> bool:
    """Whether `folder` holds an rca model: an rca manifest.json at its top or in one of its versions."""
    folder = Path(folder)
    return any(_is_rca_manifest(m) for m in [folder / MANIFEST, *sorted((folder / VERSIONS).glob(f"*/{MANIFEST}"))])


def _is_rca_manifest(path: Path) -> bool:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("artefacts"), dict) and ("format" in data or "rca_version" in data)


def check_model_dir(model_dir: str | Path) -> None:
    """Refuse, before any training, a --model-dir that training would damage (E309).

    Fine: a new or empty folder, an rca model folder (a new version is added), a folder
    holding only an MLflow store. Refused: a file (or a path through one), and a folder
    holding other things, whose files (a manifest.json, a metrics.json...) would be written over.
    """
    path = Path(model_dir)
    for p in [path, *path.parents]:
        if p.exists():
            if not p.is_dir():
                raise RcaError("E309", f"{str(p)!r} is a file, not a folder", file=str(path))
            break
    if not path.is_dir():
        return
    try:
        entries = sorted(e.name for e in path.iterdir() if not e.name.startswith("."))
    except OSError as exc:
        raise RcaError("E007", f"cannot list the model folder: {exc}", file=str(path)) from exc
    if set(entries) <= _TRACKING_ONLY | {VERSIONS} and all(
        _STAMP.fullmatch(v.name) for v in (path / VERSIONS).glob("*")
    ):  # a first training that stopped early
        return
    if is_model_dir(path):
        return
    shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
    raise RcaError(
        "E309", f"the folder is not empty ({shown}) and has no rca manifest.json, so training would write over its files", file=str(path)
    )


def save_version(
    model_dir: Path, *, version: str, featuriser, models: dict[str, TargetModel], manifest: dict[str, Any], extra_files: dict[str, Path]
) -> tuple[Path, dict[str, Any]]:
    """Write one version into DIR/versions/<version>/ and make it the current one at the top of DIR.

    `extra_files` (metrics.json, cases.parquet, ...) already written elsewhere are
    copied in and hashed with the model files. Top-level target files the new version
    does not have are removed (each stays in its own version's folder). Returns the
    version folder and its manifest.
    """
    model_dir = Path(model_dir)
    vdir = model_dir / VERSIONS / version
    vdir.mkdir(parents=True, exist_ok=True)
    by_target = target_files(list(models))
    files = {FEATURISER: featuriser, **{by_target[t]: m for t, m in models.items()}}
    for name, obj in files.items():
        with atomic_path(vdir / name) as tmp:
            dump_artefact(obj, tmp)
    for name, src in extra_files.items():
        shutil.copyfile(src, vdir / name)
    names = list(files) + list(extra_files)
    manifest = {
        **manifest,
        "format_version": MANIFEST_VERSION,
        "version": version,
        "format": FORMAT,
        "target_files": by_target,
        "artefacts": {name: sha256_file(vdir / name) for name in names},
    }
    if isinstance(manifest.get("tracking"), dict):
        manifest["tracking"] = _tracking_entry(manifest["tracking"], model_dir)
    parse_manifest(manifest, file=str(vdir / MANIFEST))  # written only when it reads back as a `Manifest`
    _write_json(vdir / MANIFEST, manifest)
    before = _top_version(model_dir)
    # promote: artefacts first, manifest last, so a reader never sees a new manifest over old files
    for name in names:
        with atomic_path(model_dir / name) as tmp:
            shutil.copyfile(vdir / name, tmp)
    _write_json(model_dir / MANIFEST, manifest)
    _retire_stale(model_dir, keep=set(names), old_version=before)
    aliases = read_aliases(model_dir)
    if aliases.get("current") and aliases["current"] != version:
        aliases["previous"] = aliases["current"]
    aliases["current"] = version
    _write_json(model_dir / ALIASES, aliases)
    return vdir, manifest


def _tracking_entry(tracking: dict[str, Any], model_dir: Path) -> dict[str, Any]:
    """A store inside the model folder is recorded by its name there and the folder it was made in,
    so a copied or moved folder's manifest does not pass off another folder's store as its own."""
    uri = str(tracking.get("uri") or "")
    if not uri.startswith("sqlite:///"):
        return tracking
    db = Path(uri[len("sqlite:///") :])
    try:
        inside = db.resolve().parent == model_dir.resolve()
    except OSError:
        return tracking
    return {**tracking, "store": db.name, "made_in": str(model_dir.resolve())} if inside else tracking


def _top_version(model_dir: Path) -> str | None:
    try:
        version = json.loads((model_dir / MANIFEST).read_text("utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return version if _plain_name(version) else None


def _retire_stale(model_dir: Path, *, keep: set[str], old_version: str | None) -> None:
    """Take target files the new version does not list off the top level: unlisted, they are never
    verified, and a reader would take them for part of the current model."""
    old_dir = model_dir / VERSIONS / old_version if old_version else None
    for path in sorted(
        [*model_dir.glob(f"target-*{SUFFIX}"), *model_dir.glob("target-*.joblib"), model_dir / PICKLED_FEATURISER]
    ):  # a format-1 folder's pickles, once retrained
        if path.name in keep or not path.is_file():
            continue
        try:
            if old_dir is not None and old_dir.is_dir() and not (old_dir / path.name).exists():
                os.replace(path, old_dir / path.name)
            else:
                path.unlink()
        except OSError as exc:
            log.warning("could not remove %s, which the new version does not use: %s", path, exc)
            continue
        log.info("removed %s from the top of %s: the new version has no such target", path.name, model_dir)


def _write_json(path: Path, data: Any) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")


def read_aliases(model_dir: Path) -> dict[str, str]:
    p = Path(model_dir) / ALIASES
    try:
        aliases = json.loads(p.read_text("utf-8")) if p.exists() else {}
    except (OSError, ValueError) as exc:
        raise RcaError("E303", f"cannot read {ALIASES}: {exc}", file=str(p)) from exc
    if not isinstance(aliases, dict):
        raise RcaError("E303", f"{ALIASES} is not a table of aliases", file=str(p))
    return aliases


# -------------------------------------------------------------------- read
def read_manifest(folder: Path) -> dict[str, Any]:
    """`folder/manifest.json` as written, after checking it reads as a `Manifest` (`rca.model.manifest`):
    E303 when missing or unreadable, E306 (retrain) when a later rca wrote it or its keys have other types."""
    return read_manifest_file(folder)[0]


def verify(folder: Path, manifest: dict[str, Any] | Manifest) -> None:
    """Refuse a folder whose artefacts are missing, unlisted or differ from the manifest's sha256 (E302), or were made by another format (E306)."""
    m = manifest if isinstance(manifest, Manifest) else parse_manifest(manifest, file=str(Path(folder) / MANIFEST))
    if m.format not in (FORMAT, PICKLE_FORMAT):
        raise RcaError("E306", f"model format {m.format!r}, this rca reads format {FORMAT}", file=str(folder))
    trained_with = m.packages.get("scikit-learn", "")
    if ".".join(trained_with.split(".")[:2]) != sklearn_minor():
        raise RcaError(
            "E306",
            f"trained with scikit-learn {trained_with or 'unknown'}, this install has {sklearn_minor()}",
            file=str(folder),
            hint="Retrain with `rca train`; fitted models are not portable across scikit-learn versions.",
        )
    needed = [_featuriser_name(m), *m.target_files.values()]
    unlisted = [n for n in needed if n not in m.artefacts]
    if unlisted:
        raise RcaError("E302", f"{unlisted} would be loaded but have no sha256 in manifest.json", file=str(folder))
    for name, digest in m.artefacts.items():
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
    hint = "Name an alias (current, previous) or a version id from DIR/versions/; an alias is a name, not a path."
    if not _plain_name(alias):
        raise RcaError("E308", f"--alias {alias!r} is not an alias or version id", file=str(model_dir), hint=hint)
    aliases = read_aliases(model_dir)
    version = aliases.get(alias, alias)
    if not _plain_name(version):
        raise RcaError("E302", f"{ALIASES} gives {alias!r} as {version!r}, which is not a version id", file=str(model_dir / ALIASES))
    folder = model_dir / VERSIONS / version
    if not folder.is_dir():
        known = ", ".join(f"{k} ({v})" for k, v in aliases.items()) or "none"
        ids = sorted(p.name for p in (model_dir / VERSIONS).glob("*") if p.is_dir())
        shown = ", ".join(ids[-5:]) + (f" (the latest 5 of {len(ids)})" if len(ids) > 5 else "") if ids else "none"
        said = (
            f"{alias!r} is an alias of version {version!r}, which is not in versions/"
            if alias in aliases
            else f"{alias!r} is neither an alias nor a version of this model"
        )
        raise RcaError("E308", f"{said}; aliases: {known}; versions: {shown}", file=str(model_dir))
    return folder


def load_model(
    model_dir: str | Path, *, alias: str | None = None, trust_pickles: bool = False, targets: list[str] | None = None
) -> ModelBundle:
    """Load a trained model folder after checking every artefact's sha256 against the manifest,
    and the manifest against its version's copy; each loaded model must be its listed target.
    `targets`: load only these targets' models (E305 for one the folder lacks); every file is still checked.

    Model files are built by `rca.model.safe_load` (allowed types only, E310). A folder of pickles
    (format 1) is refused (E311) unless `trust_pickles` or the environment variable
    RCA_TRUST_PICKLED_MODEL names `model_dir`."""
    folder = resolve(model_dir, alias)
    manifest, typed = read_manifest_file(folder)
    pickled = typed.format == PICKLE_FORMAT
    if pickled and not (trust_pickles or pickles_trusted(model_dir)):
        raise RcaError(
            "E311",
            f"this folder (format {PICKLE_FORMAT}) was saved by an older rca as joblib pickles; nothing in it was loaded",
            file=str(folder),
        )
    verify(folder, typed)
    _check_version_copy(folder, manifest, top=alias is None)
    files = typed.target_files
    if not files:
        raise RcaError("E303", "manifest lists no targets", file=str(folder / MANIFEST))
    if targets is not None:
        missing = [t for t in targets if t not in files]
        if missing:
            raise RcaError("E305", f"{missing[0]!r}; this model has {list(files)}", file=str(folder), column=missing[0])
        files = {t: files[t] for t in targets}
    load = _unpickle if pickled else _load_checked
    featuriser_name = _featuriser_name(typed)
    featuriser = load(folder, featuriser_name, manifest)
    if not hasattr(featuriser, "named_steps"):
        raise RcaError("E302", f"{featuriser_name} does not hold a featuriser", file=str(folder / featuriser_name))
    models = {}
    for target, name in files.items():
        model = load(folder, name, manifest)
        held = getattr(model, "target", None)
        if held != target or not callable(getattr(model, "predict", None)):
            what = f"the model of {held!r}" if isinstance(held, str) else "no target model"
            raise RcaError("E302", f"manifest.json lists {name} for target {target!r}, but it holds {what}", file=str(folder / name))
        models[target] = model
    log.info("loaded model %s (%s) from %s", manifest.get("version"), ", ".join(models), folder)
    return ModelBundle(featuriser=featuriser, models=models, manifest=manifest, path=folder, typed_manifest=typed)


def verify_folder(folder: str | Path) -> dict[str, Any]:
    """Every check `load_model` makes before it unpickles anything (checksums, the manifest against its
    version copy), for commands that read a model folder without loading it; returns the manifest."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RcaError("E301", "", file=str(folder))
    manifest = read_manifest(folder)
    verify(folder, manifest)
    _check_version_copy(folder, manifest, top=folder.parent.name != VERSIONS)
    return manifest


def _check_version_copy(folder: Path, manifest: dict[str, Any], *, top: bool) -> None:
    """The top-level manifest must equal versions/<its version>/manifest.json (E302): an edit of one is
    caught by the other. A version folder's manifest must name that version."""
    version = manifest.get("version")
    if not top:
        if version != folder.name:
            raise RcaError(
                "E302", f"manifest.json says version {version!r} but lies in versions/{folder.name}", file=str(folder / MANIFEST)
            )
        return
    if not _plain_name(version):
        raise RcaError("E303", f"manifest.json names no valid version ({version!r})", file=str(folder / MANIFEST))
    copy = folder / VERSIONS / version
    if not (copy / MANIFEST).is_file():
        raise RcaError(
            "E302", f"versions/{version}/manifest.json is missing, so manifest.json cannot be checked against it", file=str(copy / MANIFEST)
        )
    if read_manifest(copy) != manifest:
        raise RcaError(
            "E302",
            f"manifest.json differs from its copy versions/{version}/manifest.json: one of them was edited",
            file=str(folder / MANIFEST),
        )


def _featuriser_name(manifest: Manifest) -> str:
    return PICKLED_FEATURISER if manifest.format == PICKLE_FORMAT else FEATURISER


def pickles_trusted(model_dir: str | Path) -> bool:
    """Whether RCA_TRUST_PICKLED_MODEL names `model_dir` (paths separated by the system's path separator;
    compared after resolving), the opt-in that lets a folder of pickles load."""
    named = [p for p in os.environ.get(TRUST_PICKLES_ENV, "").split(os.pathsep) if p.strip()]
    try:
        here = Path(model_dir).resolve()
        return any(Path(p.strip()).expanduser().resolve() == here for p in named)
    except OSError:
        return False


def _load_checked(folder: Path, name: str, manifest: dict[str, Any]) -> Any:
    """A skops artefact built from the very bytes whose sha256 is checked here against the manifest, so a
    file swapped between `verify` and the load is refused too (E302); see `rca.model.safe_load` (E310)."""
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RcaError("E302", f"{name} cannot be read ({exc.strerror or type(exc).__name__})", file=str(path)) from exc
    if hashlib.sha256(data).hexdigest() != manifest["artefacts"].get(name):
        raise RcaError("E302", f"{name} does not match the sha256 recorded in manifest.json", file=str(path))
    return load_artefact(data, file=str(path))


def _unpickle(folder: Path, name: str, manifest: dict[str, Any] | None = None) -> Any:
    """joblib.load of a verified artefact of a trusted pickle folder; a file that is not one of rca's
    pickles (a manifest pointing at metrics.json or cases.parquet) is E302 naming it, not a traceback."""
    import joblib

    try:
        return joblib.load(folder / name)
    except (
        pickle.UnpicklingError,
        EOFError,
        ImportError,
        AttributeError,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        OSError,
        zlib.error,
    ) as exc:
        raise RcaError(
            "E302",
            f"{name} passed its sha256 check but cannot be loaded as a model "
            f"({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})",
            file=str(folder / name),
        ) from exc
