"""A model folder cannot run code when loaded: fitted objects are skops files built from allowed types
only, so a folder whose artefacts and both manifests were rewritten to match still fails with a
coded error and nothing in it runs. Folders of pickles are refused unless explicitly trusted."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pytest

from rca.errors import RcaError
from rca.model.store import MANIFEST, TRUST_PICKLES_ENV, VERSIONS, load_model
from rca.model.safe_load import allowed_type, dump_artefact, load_artefact, refusals, skops_io

TEXTS = ["my bin was not collected again", "the housing officer never called me back", "pothole outside my house"]


class _Payload:
    """Unpickling this runs a shell command that creates a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.fixture
def folder(trained_model_dir, tmp_path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(trained_model_dir, dst)
    return dst


def _rewrite(folder: Path, name: str, data: bytes, **manifest_changes) -> None:
    """Replace an artefact and rewrite BOTH manifests to match it, as someone who can write the folder would."""
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    manifest["artefacts"][name] = hashlib.sha256(data).hexdigest()
    manifest.update(manifest_changes)
    for path in (folder / MANIFEST, folder / VERSIONS / manifest["version"] / MANIFEST):
        path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _target_file(folder: Path, target: str = "root_cause") -> str:
    return json.loads((folder / MANIFEST).read_text("utf-8"))["target_files"][target]


def _skops_with(schema_edit, base: object) -> bytes:
    """A skops file of `base` whose schema.json `schema_edit` rewrote (arrays kept)."""
    sio = skops_io()  # skops.io as rca imports it, without its scan of every scikit-learn estimator

    buf = io.BytesIO(sio.dumps(base))
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            blob = src.read(item)
            if item == "schema.json":
                blob = json.dumps(schema_edit(json.loads(blob))).encode()
            dst.writestr(item, blob)
    return out.getvalue()


def _call_node(module: str, name: str, arg: str) -> dict:
    """A skops node asking the loader to call `module.name(arg)`."""
    sio = skops_io()

    content = json.loads(zipfile.ZipFile(io.BytesIO(sio.dumps((arg,)))).read("schema.json"))
    for key in ("protocol", "_skops_version"):
        content.pop(key, None)
    return {"__class__": name, "__module__": module, "__loader__": "ConstructorFromReduceNode", "content": content}


def test_saved_model_holds_no_pickles_and_loads(trained_model_dir):
    files = sorted(p.name for p in trained_model_dir.iterdir() if p.is_file())
    assert "featuriser.skops" in files and any(f.startswith("target-") and f.endswith(".skops") for f in files)
    assert not [f for f in files if f.endswith((".joblib", ".pkl", ".pickle"))]
    for path in trained_model_dir.glob("*.skops"):
        assert zipfile.is_zipfile(path) and refusals(json.loads(zipfile.ZipFile(path).read("schema.json"))) == []
    bundle = load_model(trained_model_dir)
    preds = bundle.predict(TEXTS)
    assert set(preds) == set(bundle.targets) and all(len(p.labels) == len(TEXTS) for p in preds.values())


def test_a_pickle_payload_in_a_rewritten_folder_fails_and_runs_nothing(folder, tmp_path):
    marker = tmp_path / "pickle-ran"
    payload = io.BytesIO()
    joblib.dump(_Payload(marker), payload)
    proof = tmp_path / "proof.joblib"  # the payload is live: unpickling it does create the marker
    joblib.dump(_Payload(tmp_path / "proof-ran"), proof)
    joblib.load(proof)
    assert (tmp_path / "proof-ran").exists()

    _rewrite(folder, _target_file(folder), payload.getvalue())
    with pytest.raises(RcaError) as err:
        load_model(folder)
    assert err.value.code == "E310" and _target_file(folder) in str(err.value)
    assert not marker.exists()


def test_a_rewritten_folder_relabelled_as_pickles_is_refused_before_reading(folder, tmp_path):
    marker = tmp_path / "pickle-ran"
    payload = io.BytesIO()
    joblib.dump(_Payload(marker), payload)
    _rewrite(folder, "featuriser.joblib", payload.getvalue(), format=1)
    with pytest.raises(RcaError) as err:
        load_model(folder)
    assert err.value.code == "E311" and "RCA_TRUST_PICKLED_MODEL" in str(err.value)
    assert not marker.exists()


@pytest.mark.parametrize(
    "module,name", [("posix", "system"), ("os", "system"), ("builtins", "exec"), ("builtins", "eval"), ("subprocess", "getoutput")]
)
def test_a_skops_file_that_would_call_something_fails_and_runs_nothing(folder, tmp_path, module, name):
    sio = skops_io()

    marker = tmp_path / "skops-ran"
    command = f"touch {marker}" if name in ("system", "getoutput") else f"open({str(marker)!r}, 'w').close()"

    def inject(schema):
        schema["content"]["content"]["settings"] = _call_node(module, name, command)
        return schema

    bundle = load_model(folder)
    data = _skops_with(inject, bundle.models["root_cause"])
    if module != "subprocess":  # the file is live: skops trusting what it lists would run it
        proof = tmp_path / "proof-ran"
        live = _skops_with(
            lambda s: (
                s["content"]["content"].__setitem__("settings", _call_node(module, name, command.replace(str(marker), str(proof)))),
                s,
            )[1],
            bundle.models["root_cause"],
        )
        sio.loads(live, trusted=sio.get_untrusted_types(data=live))
        assert proof.exists()
    _rewrite(folder, _target_file(folder), data)
    with pytest.raises(RcaError) as err:
        load_model(folder)
    assert err.value.code == "E310" and f"{module}.{name}" in str(err.value)
    assert not marker.exists()


def test_allowed_names_cannot_be_called_with_stored_arguments(tmp_path):
    """numpy.memmap would create a file; rca's own classes must not be constructed with arguments either."""
    target = tmp_path / "made-by-memmap"

    def inject(schema):
        schema["content"]["a"] = _call_node("numpy", "memmap", str(target))
        return schema

    data = _skops_with(inject, {"a": 1})
    with pytest.raises(RcaError) as err:
        load_artefact(data, file="x.skops")
    assert err.value.code == "E310" and "numpy.memmap" in str(err.value)
    assert not target.exists()


@pytest.mark.parametrize(
    "loader,module,name",
    [
        ("NdArrayNode", "rca.config", "Config"),
        ("ListNode", "sklearn.pipeline", "Pipeline"),
        ("DictNode", "rca.model.classifier", "TargetModel"),
    ],
)
def test_allowed_classes_are_not_called_by_a_loader_meant_for_other_types(loader, module, name):
    """An array, list or dict loader calls its class with the file's content: only arrays, lists, dicts."""
    sio = skops_io()

    def inject(schema):
        node = json.loads(
            zipfile.ZipFile(
                io.BytesIO(sio.dumps({"k": [1, 2]} if loader == "DictNode" else np.arange(3) if loader == "NdArrayNode" else [1, 2]))
            ).read("schema.json")
        )
        node.update({"__module__": module, "__class__": name})
        schema["content"]["a"] = node
        return schema

    with pytest.raises(RcaError) as err:
        load_artefact(_skops_with(inject, {"a": 1}), file="x.skops")
    assert err.value.code == "E310" and f"{module}.{name}" in str(err.value)


def test_functions_outside_the_allowed_packages_are_refused():
    def inject(schema):
        schema["content"]["f"] = {"__class__": "system", "__module__": "os", "__loader__": "FunctionNode"}
        return schema

    with pytest.raises(RcaError) as err:
        load_artefact(_skops_with(inject, {"f": 1}), file="x.skops")
    assert err.value.code == "E310" and "os.system" in str(err.value)


def test_command_line_modules_are_refused_without_being_imported():
    import sys

    for module in ("rca.__main__", "numpy.f2py.__main__", "sklearn.utils._testing", "rca.cli..main"):
        sys.modules.pop(module, None)
        assert not allowed_type(module, "main") and module not in sys.modules


def test_allow_list_is_by_package_not_by_a_list_of_classes():
    assert allowed_type("rca.model.classifier", "TargetModel") and allowed_type("rca.text.prepare", "TextPreparer")
    assert allowed_type("sklearn.ensemble._voting", "VotingClassifier")
    assert allowed_type("numpy", "ndarray") and allowed_type("numpy", "float32")
    assert allowed_type("scipy.sparse._csr", "csr_matrix") and allowed_type("builtins", "dict")
    for module, name in [
        ("numpy", "memmap"),
        ("builtins", "eval"),
        ("builtins", "getattr"),
        ("os", "system"),
        ("subprocess", "Popen"),
        ("rca.model.classifier", "no_such_class"),
        ("scipy.io", "FortranFile"),
        ("rca.ingest.io", "atomic_path"),
    ]:
        assert not allowed_type(module, name), (module, name)


@pytest.mark.parametrize("kind", ["voting", "stacking", "sgd", "forest", "search"])
def test_new_estimator_classes_round_trip_without_a_list_edit(tmp_path, kind):
    """Estimators a training recipe may add (ensembles, searches, trees, other losses) load as they are."""
    from sklearn.ensemble import RandomForestClassifier, StackingClassifier, VotingClassifier
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.model_selection import GridSearchCV
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    X = np.random.RandomState(0).rand(60, 5)
    y = np.arange(60) % 3
    model = {
        "voting": VotingClassifier([("lr", LogisticRegression()), ("nb", ComplementNB())], voting="soft"),
        "stacking": StackingClassifier([("svc", LinearSVC()), ("lr", LogisticRegression())], cv=3),
        "sgd": SGDClassifier(loss="modified_huber", random_state=0),
        "forest": RandomForestClassifier(n_estimators=3, random_state=0),
        "search": GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, scoring="f1_macro", cv=3),
    }[kind].fit(X, y)
    path = tmp_path / "m.skops"
    dump_artefact(model, path)
    loaded = load_artefact(path.read_bytes(), file=str(path))
    assert type(loaded) is type(model) and (loaded.predict(X) == model.predict(X)).all()


def test_vocabulary_is_saved_as_arrays_and_restored(trained_model_dir):
    bundle = load_model(trained_model_dir)
    vec = dict(bundle.featuriser.named_steps["union"].transformer_list)["word"]
    assert isinstance(vec.vocabulary_, dict) and len(vec.vocabulary_) > 100
    assert all(isinstance(k, str) and isinstance(v, int) for k, v in list(vec.vocabulary_.items())[:50])
    schema = zipfile.ZipFile(trained_model_dir / "featuriser.skops").read("schema.json").decode()
    assert schema.count('"JsonNode"') < 200  # not one node per term


def _as_pickle_folder(folder: Path) -> None:
    """The folder as rca saved it before skops: joblib files, format 1 (both manifests)."""
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    bundle = load_model(folder)
    renames = {"featuriser.skops": "featuriser.joblib", **{f: f.replace(".skops", ".joblib") for f in manifest["target_files"].values()}}
    joblib.dump(bundle.featuriser, folder / "featuriser.joblib")
    for target, model in bundle.models.items():
        joblib.dump(model, folder / renames[manifest["target_files"][target]])
    for old in renames:
        (folder / old).unlink()
    manifest["format"] = 1
    manifest["target_files"] = {t: renames[f] for t, f in manifest["target_files"].items()}
    manifest["artefacts"] = {renames.get(n, n): d for n, d in manifest["artefacts"].items()}
    for new in renames.values():
        manifest["artefacts"][new] = hashlib.sha256((folder / new).read_bytes()).hexdigest()
    for path in (folder / MANIFEST, folder / VERSIONS / manifest["version"] / MANIFEST):
        path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def test_a_pickle_folder_is_refused_unless_its_path_is_trusted(folder, monkeypatch):
    _as_pickle_folder(folder)
    monkeypatch.delenv(TRUST_PICKLES_ENV, raising=False)
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("joblib.load reached"))
    with pytest.raises(RcaError) as err:
        load_model(folder)
    assert err.value.code == "E311" and str(folder) in str(err.value)
    monkeypatch.setenv(TRUST_PICKLES_ENV, str(folder.parent / "some-other-folder"))
    with pytest.raises(RcaError):
        load_model(folder)


def test_a_trusted_pickle_folder_still_loads(folder, monkeypatch):
    expected = load_model(folder).predict(TEXTS)
    _as_pickle_folder(folder)
    monkeypatch.setenv(TRUST_PICKLES_ENV, os.pathsep.join(["/nowhere", str(folder)]))
    got = load_model(folder).predict(TEXTS)
    assert all(list(got[t].labels) == list(expected[t].labels) for t in expected)
    (folder / _target_file(folder)).write_bytes(b"changed")  # the checksums still guard a trusted folder
    with pytest.raises(RcaError) as err:
        load_model(folder)
    assert err.value.code == "E302"


def test_retraining_a_pickle_folder_replaces_its_pickles(folder, demo_small):
    from rca.config import Config
    from rca.model.train import train_models

    _as_pickle_folder(folder)
    train_models(demo_small.cases.iloc[:400], targets=["service"], model_dir=folder, config=Config(seed=7), recipe="fast")
    assert not list(folder.glob("*.joblib"))  # moved into the old version's folder, off the top
    bundle = load_model(folder)
    assert bundle.manifest["format"] == 2 and bundle.targets == ["service"]


def test_large_word_lists_and_tables_are_stored_as_arrays_and_come_back_equal(tmp_path):
    from sklearn.linear_model import LogisticRegression

    est = LogisticRegression()
    est.words_ = [f"wörd{i}" for i in range(3000)]
    est.index_ = {w: i for i, w in enumerate(est.words_)}
    est.small_ = {"a": 1}
    path = tmp_path / "m.skops"
    dump_artefact(est, path)
    assert isinstance(est.words_, list) and isinstance(est.index_, dict)  # the caller's object is left as it was
    assert zipfile.ZipFile(path).read("schema.json").decode().count('"JsonNode"') < 100
    loaded = load_artefact(path.read_bytes(), file=str(path))
    assert loaded.words_ == est.words_ and loaded.index_ == est.index_ and loaded.small_ == {"a": 1}
    assert type(loaded.words_) is list and type(next(iter(loaded.index_.values()))) is int


def test_skops_is_imported_without_the_estimator_discovery(tmp_path):
    """`skops_io` skips skops' scan of every scikit-learn estimator: skops' default trusted list, which the scan
    fills on import, is empty, and the discovery function is put back. In this process, where another test may
    have imported skops first through `skops_io`; the test below checks a fresh process imports nothing more."""
    import sys

    import sklearn.utils
    from sklearn.feature_extraction.text import TfidfVectorizer

    sio = skops_io()
    assert skops_io() is sio and sys.modules["skops.io"] is sio
    assert sys.modules["skops.io._trusted_types"].SKLEARN_ESTIMATOR_TYPE_NAMES == []
    assert sklearn.utils.all_estimators.__module__ == "sklearn.utils.discovery"
    assert sklearn.utils.all_estimators.__name__ == "all_estimators"  # not the stand-in rca puts there during the import
    v = TfidfVectorizer().fit(["my bin was not collected", "the officer never called back"])
    dump_artefact(v, tmp_path / "v.skops")
    assert load_artefact((tmp_path / "v.skops").read_bytes(), file="v.skops").vocabulary_ == v.vocabulary_


@pytest.mark.system  # a fresh Python with scikit-learn and skops: 4 CPU s of imports
def test_skops_is_imported_without_the_estimator_discovery_and_still_loads(tmp_path):
    """`skops_io` skips skops' scan of every scikit-learn estimator (seconds of imports, torch among them where it is
    installed): its default trusted list is empty, the discovery function is put back, and a model still loads."""
    import subprocess
    import sys

    code = """
import sys
import sklearn.utils
from sklearn.feature_extraction.text import TfidfVectorizer
from rca.model.safe_load import dump_artefact, load_artefact, skops_io
real = sklearn.utils.all_estimators
sio = skops_io()
assert skops_io() is sio and sys.modules["skops.io"] is sio
assert sys.modules["skops.io._trusted_types"].SKLEARN_ESTIMATOR_TYPE_NAMES == []
assert sklearn.utils.all_estimators is real
assert "sklearn.neural_network" not in sys.modules and "sklearn.gaussian_process" not in sys.modules
v = TfidfVectorizer().fit(["my bin was not collected", "the officer never called back"])
dump_artefact(v, sys.argv[1])
back = load_artefact(open(sys.argv[1], "rb").read(), file=sys.argv[1])
assert back.vocabulary_ == v.vocabulary_
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "v.skops")], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
