"""Model artefacts that cannot run code when loaded: skops files, read only after every object in them
is found to be of an allowed type and built in an allowed way.

A pickle (joblib) file runs whatever its author wrote the moment it is loaded, so a checksum only
helps while nobody can rewrite the checksum too. A skops file is a zip of a JSON description and numpy
arrays (read with ``allow_pickle=False``); loading it builds each object from its listed type. Before
building anything, `load_artefact` walks the whole description and refuses (E310) the file unless

* every node is built by a loader that at most creates an instance without calling its constructor
  (``cls.__new__`` then its state), a container, an array, a type or a function reference: skops'
  loaders that call a named callable with stored arguments (``ConstructorFromReduceNode``,
  ``OperatorFuncNode``, ``PartialNode``, ``MethodNode``) are refused outright, and the two that call a
  constructor (``TreeNode``, ``LossNode``) only for scikit-learn's own tree and loss classes;
* every type is a class defined in the `rca` package, in scikit-learn, a numpy array, scalar, dtype or
  random-generator class, a scipy sparse matrix or distribution, or a plain builtin container or scalar
  (`allowed_type`); functions only from rca, scikit-learn, numpy or scipy, never builtins such as
  ``eval`` or ``exec``; any other module, and any ``__main__``, test or build module of those
  packages, is refused by name, without importing it.

Only then is the file loaded, with exactly the types it uses as skops' trusted list, so skops' own
audit refuses anything the walk did not see. New estimator
classes in `rca` or scikit-learn load with no change here.

>>> allowed_type("sklearn.svm._classes", "LinearSVC"), allowed_type("posix", "system"), allowed_type("builtins", "exec")
(True, False, False)
"""

from __future__ import annotations

import importlib
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from rca.errors import RcaError

__all__ = ["SUFFIX", "allowed_type", "dump_artefact", "load_artefact", "refusals", "skops_io"]

SUFFIX = ".skops"
_PACKAGES = frozenset({"rca", "sklearn", "numpy", "scipy"})
_BUILTINS = frozenset("dict list tuple set frozenset str int float complex bool bytes bytearray slice NoneType object".split())
# loaders that build an object without calling anything the file names with arguments it supplies
_PLAIN_LOADERS = frozenset(
    {
        "DictNode",
        "DefaultDictNode",
        "ListNode",
        "SetNode",
        "TupleNode",
        "JsonNode",
        "TypeNode",
        "SliceNode",
        "BytesNode",
        "BytearrayNode",
        "NdArrayNode",
        "MaskedArrayNode",
        "DTypeNode",
        "RandomStateNode",
        "RandomGeneratorNode",
        "SparseMatrixNode",
        "ObjectNode",
        "CachedNode",
        "FunctionNode",
    }
)
# loaders that call the named class with stored arguments: only for these scikit-learn modules
_CONSTRUCTING_LOADERS = {"TreeNode": ("sklearn.tree.",), "LossNode": ("sklearn._loss.", "sklearn.linear_model.")}
# loaders that call their class with the content (an array, a list...) or with nothing: the class must be
# of the kind the loader is for, so no other class's constructor is called with what the file supplies
_LOADER_MODULES = {
    "NdArrayNode": "numpy",
    "MaskedArrayNode": "numpy",
    "DTypeNode": "numpy",
    "RandomStateNode": "numpy.random",
    "RandomGeneratorNode": "numpy.random",
    "SparseMatrixNode": "scipy.sparse",
    "JsonNode": "builtins",
    "SliceNode": "builtins",
    "BytesNode": "builtins",
    "BytearrayNode": "builtins",
}
_LOADER_BASES = {"DictNode": (dict,), "ListNode": (list,), "SetNode": (set, frozenset), "TupleNode": (tuple,)}


def dump_artefact(obj: Any, path: str | Path) -> None:
    """Write `obj` as a compressed skops file (use `rca.ingest.io.atomic_path` around it).

    Large plain data held by rca's and scikit-learn's objects - a vectoriser's vocabulary, a token
    list - is written as numpy arrays, not one JSON node per word: a dict of str -> int as two arrays
    (keys, values), a list of str as one. It loads in a fraction of the time; `load_artefact` puts
    the dicts and lists back.
    """
    sio = skops_io()
    found = list(_plain_data(obj))
    try:
        for owner, attr, value in found:
            setattr(owner, attr, _pack(value))
        sio.dump(obj, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    finally:
        for owner, attr, value in found:
            setattr(owner, attr, value)


def skops_io():
    """`skops.io`, imported without the scikit-learn estimator discovery its import runs.

    On import skops lists every scikit-learn estimator (`sklearn.utils.all_estimators`, which imports every
    scikit-learn module and, where torch is installed, torch) for a default list of trusted types, used only
    when a load is given no list. rca never relies on it: `load_artefact` passes exactly the types its own walk
    allowed, and writing needs no list. So the discovery is replaced by an empty list while skops is imported:
    a default list that is shorter can only refuse more, and the import costs a few seconds of CPU less in
    every process that saves or loads a model."""
    loaded = sys.modules.get("skops.io")
    if loaded is not None:
        return loaded
    import sklearn.utils

    real = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda type_filter=None: []
    try:
        import skops.io
    finally:
        sklearn.utils.all_estimators = real
    return skops.io


_PACKED = "__rca_packed_vocabulary__"  # also marks packed word lists
_PACK_MIN = 200  # smaller dicts and lists stay as they are


def _pack(value: dict | list) -> dict:
    if isinstance(value, dict):
        return {_PACKED: [np.array(list(value), dtype=str), np.fromiter(value.values(), dtype=np.int64, count=len(value))]}
    return {_PACKED: [np.array(value, dtype=str)]}


def _packable(value: Any) -> bool:
    if isinstance(value, dict) and len(value) >= _PACK_MIN:
        return all(type(k) is str for k in value) and all(type(v) is int for v in value.values())
    if isinstance(value, list) and len(value) >= _PACK_MIN:
        return all(type(v) is str and "\x00" not in v for v in value)
    return False


def _ours(obj: Any) -> bool:
    """An object of rca or scikit-learn whose attributes are walked (and may be packed)."""
    return hasattr(obj, "__dict__") and not isinstance(obj, type) and type(obj).__module__.split(".")[0] in ("rca", "sklearn")


def _is_packed(value: Any) -> bool:
    return isinstance(value, dict) and list(value) == [_PACKED]


def _attributes(obj: Any):
    """(owner, attribute, value) for every attribute of the rca / scikit-learn objects inside `obj`,
    walking into lists, tuples, dicts and such objects but not into packable or packed data."""
    seen: set[int] = set()
    stack = [(obj, 0)]
    while stack:
        v, depth = stack.pop()
        if id(v) in seen or depth > 12:
            continue
        seen.add(id(v))
        if isinstance(v, (list, tuple)):
            stack.extend((x, depth + 1) for x in v if _ours(x) or isinstance(x, (list, tuple, dict)))
        elif isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values() if _ours(x) or isinstance(x, (list, tuple)))
        elif _ours(v):
            for attr, x in list(vars(v).items()):
                yield v, attr, x
                if not (_packable(x) or _is_packed(x)) and (_ours(x) or isinstance(x, (list, tuple, dict))):
                    stack.append((x, depth + 1))


def _plain_data(obj: Any):
    """(owner, attribute, value) for every packable attribute of rca / scikit-learn objects inside `obj`."""
    return ((v, attr, x) for v, attr, x in _attributes(obj) if _packable(x))


def _unpack(obj: Any) -> Any:
    """Put back what `dump_artefact` packed (see `_pack`), in place; returns `obj`."""
    for v, attr, x in _attributes(obj):
        if _is_packed(x):
            setattr(v, attr, _unpacked(x[_PACKED]))
    return obj


def _unpacked(parts: list) -> dict | list:
    if len(parts) == 1:
        return parts[0].tolist()
    keys, values = parts
    if len(keys) != len(values):
        raise ValueError("a packed dict's keys and values differ in length")
    return dict(zip(keys.tolist(), values.tolist()))


# modules that do something when imported (a command line's __main__) or are not part of a model
_BLOCKED_PARTS = frozenset({"__main__", "tests", "testing", "_testing", "conftest", "f2py", "distutils", "_pytesttester"})


def _resolve(module: str, name: str) -> Any:
    """The object `module.name`, importing `module` only when it is in an allowed package and is not a
    command line or test module (importing `rca.__main__` would run rca)."""
    parts = module.split(".")
    if parts[0] not in _PACKAGES or not _BLOCKED_PARTS.isdisjoint(parts) or not all(p.isidentifier() for p in parts):
        return None
    try:
        obj: Any = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError, ValueError, TypeError):
        return None
    return obj


def allowed_type(module: str, name: str) -> bool:
    """Whether a skops file may hold instances (or a reference) of the class `module.name`."""
    if not isinstance(module, str) or not isinstance(name, str):
        return False
    if module == "builtins":
        return name in _BUILTINS
    cls = _resolve(module, name)
    if not isinstance(cls, type):
        return False
    top = module.split(".")[0]
    if top == "numpy":
        import numpy as np

        return cls in (np.ndarray, np.ma.MaskedArray) or issubclass(cls, (np.generic, np.dtype)) or module.startswith("numpy.random")
    if top == "scipy":
        return module.startswith(("scipy.sparse", "scipy.stats"))
    return True  # rca's own classes and scikit-learn's


def _allowed_function(module: str, name: str) -> bool:
    obj = _resolve(module, name) if isinstance(module, str) and isinstance(name, str) else None
    return obj is not None and callable(obj) and not isinstance(obj, type)


def _nodes(value: Any):
    """Every dict in the schema that says how to build an object (has a `__loader__`), however deep."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if "__loader__" in v:
                yield v
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def refusals(schema: dict) -> list[str]:
    """What in a skops file's schema.json rca will not build (empty when the whole file is allowed)."""
    return _check(schema)[0]


def _check(schema: dict) -> tuple[list[str], list[str]]:
    """(what is refused, the types and functions the file uses: skops' trusted list when nothing is refused)."""
    out: set[str] = set()
    used: set[str] = set()
    seen: set[tuple] = set()
    for node in _nodes(schema):
        loader, module, name = node.get("__loader__"), node.get("__module__"), node.get("__class__")
        key = (loader, module, name)
        if key in seen or loader == "CachedNode":  # a cached node refers to one built elsewhere, itself checked
            continue
        seen.add(key)
        what = f"{module}.{name}"
        used.add(what)
        if loader in _CONSTRUCTING_LOADERS:
            if not (isinstance(module, str) and module.startswith(_CONSTRUCTING_LOADERS[loader]) and allowed_type(module, name)):
                out.add(f"{what} (built by {loader})")
        elif loader not in _PLAIN_LOADERS:
            out.add(f"{what} (built by {loader}, which rca never loads)")
        elif loader == "FunctionNode":
            if not _allowed_function(module, name):
                out.add(f"{what} (a function outside rca, scikit-learn, numpy and scipy)")
        elif not allowed_type(module, name):
            out.add(what)
        elif not _fits_loader(loader, module, name):
            out.add(f"{what} (not a type {loader} builds)")
    return sorted(out), sorted(used)


def _fits_loader(loader: str, module: str, name: str) -> bool:
    if loader in _LOADER_MODULES:
        want = _LOADER_MODULES[loader]
        return module == want or module.startswith(want + ".")
    if loader in _LOADER_BASES:
        import builtins

        cls = getattr(builtins, name, None) if module == "builtins" else _resolve(module, name)
        return isinstance(cls, type) and issubclass(cls, _LOADER_BASES[loader])
    return True


def load_artefact(data: bytes, *, file: str) -> Any:
    """Build the object in a skops file's bytes after `refusals` finds nothing to refuse (else E310).

    `file` names the artefact in errors. A pickle is E310 and any other file that is not a skops file
    E302: neither is ever unpickled.
    """
    sio = skops_io()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            schema = json.loads(zf.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, NotImplementedError) as exc:
        if data[:1] == b"\x80":  # a pickle's protocol byte: what a tampered folder would hold
            raise RcaError("E310", "holds a pickle, which could run code; it was not loaded", file=file) from exc
        raise RcaError("E302", f"is not a skops model file ({type(exc).__name__}); it was not loaded", file=file) from exc
    if not isinstance(schema, dict):
        raise RcaError("E310", "schema.json describes no object; it was not loaded", file=file)
    refused, used = _check(schema)
    if refused:
        shown = ", ".join(refused[:5]) + (f" and {len(refused) - 5} more" if len(refused) > 5 else "")
        raise RcaError("E310", f"holds what rca does not load: {shown}; nothing in it was run", file=file)
    try:
        return _unpack(sio.loads(data, trusted=used))  # skops audits the file again against exactly these
    except Exception as exc:  # skops and the classes' own __setstate__ raise many types on a damaged file
        raise RcaError(
            "E310", f"cannot be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''})", file=file
        ) from exc
