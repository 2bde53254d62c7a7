"""Personal data planted in training text is found in no artefact the model writes:
model files, past-case table, metrics, manifest, MLflow store, evidence, model card, report."""

from __future__ import annotations

import pickle
import sqlite3
import zipfile
from pathlib import Path

import joblib
import pandas as pd
import pytest

PLANTED = {
    "NAME": ["Bartholomew Quenby", "Philippa Ravensworth"],
    "PHONE": ["07700 900461", "020 7946 0321"],
    "EMAIL": ["bart.quenby@example.org", "p.ravensworth@mailbox.test"],
    "POSTCODE": ["SW1A 2AA", "E17 4QT"],
    "NINO": ["QQ 12 34 56 C"],
    "ACCOUNT": ["41827365"],
    "ADDRESS": ["27 Marlborough Road"],
}
SENTENCES = [
    "My name is Bartholomew Quenby, ring me on 07700 900461.",
    "Email bart.quenby@example.org, I live at 27 Marlborough Road, SW1A 2AA.",
    "Kind regards, Philippa Ravensworth (020 7946 0321, p.ravensworth@mailbox.test, E17 4QT)",
    "NI number QQ 12 34 56 C, refund to account 41827365 please.",
]


def _needles() -> list[str]:
    out = []
    for values in PLANTED.values():
        for v in values:
            out.append(v.lower())
            out += [p.lower() for p in v.replace(",", " ").split() if len(p) >= 5 and not p.isdigit() and p.lower() not in ("marlborough",)]
    return out + ["quenby", "ravensworth", "900461", "7946 0321", "41827365"]


def _file_text(path: Path) -> str:
    if path.suffix == ".joblib":
        return pickle.dumps(joblib.load(path)).decode("latin-1")
    if path.suffix == ".skops":  # compressed: read the objects it holds
        from rca.model.safe_load import load_artefact

        return pickle.dumps(load_artefact(path.read_bytes(), file=str(path))).decode("latin-1")
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    if path.suffix == ".db":
        con = sqlite3.connect(path)
        try:
            rows = [
                str(r)
                for (t,) in con.execute("select name from sqlite_master where type='table'")
                for r in con.execute(f'select * from "{t}"')
            ]
        finally:
            con.close()
        return "\n".join(rows) + path.read_bytes().decode("latin-1")
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
    return path.read_bytes().decode("utf-8", "ignore")


@pytest.mark.model
def test_planted_personal_data_leaks_into_no_artefact(demo_small, tmp_path):
    from rca.config import Config
    from rca.model.card import write_model_card
    from rca.model.store import load_model
    from rca.model.train import train_models

    cases = demo_small.cases.iloc[:700].copy()
    cases["text"] = [f"{t} {SENTENCES[i % len(SENTENCES)]}" for i, t in enumerate(cases["text"])]
    model_dir = tmp_path / "model"
    train_models(cases, model_dir=model_dir, config=Config(seed=3))
    write_model_card(model_dir)
    bundle = load_model(model_dir)
    texts = cases["text"].head(40).tolist()
    preds = bundle.predict(texts)
    evidence = [
        w for t in bundle.targets for text, lab in zip(texts, preds[t].labels) for w in bundle.evidence(text, t, lab.split(";")[0], k=10)
    ]
    outputs = {"evidence": " | ".join(evidence).lower()}
    for path in model_dir.rglob("*"):
        if path.is_file():
            outputs[str(path.relative_to(model_dir))] = _file_text(path).lower()
    assert any("[name]" in v or "[phone]" in v for v in outputs.values())  # redacted text is there
    learnt = _learnt_vocabulary(model_dir / "featuriser.skops")
    shipped = _shipped_vocabulary()
    for needle in _needles():
        assert needle not in learnt, f"{needle!r} was learnt from the training text"
        # the shipped embedding model's public word list ("bartholomew" is one of its 27,729 words) is copied into a
        # model that uses it: finding such a word in the featuriser is not a leak, so it is checked in what was learnt
        skip = ("featuriser.skops",) if needle in shipped else ()
        leaked = [name for name, text in outputs.items() if needle in text and not name.endswith(skip or ("\0",))]
        assert not leaked, f"{needle!r} found in {leaked}"


def _shipped_vocabulary() -> set[str]:
    from rca.text.static_model import SHIPPED

    return set((SHIPPED / "vocab.txt").read_text("utf-8").split())


def _learnt_vocabulary(path: Path) -> set[str]:
    """Every term a vectoriser in the featuriser learnt from the training text."""
    from rca.model.safe_load import load_artefact

    terms: set[str] = set()
    seen: set[int] = set()

    def walk(obj, depth=0):
        if id(obj) in seen or depth > 12:
            return
        seen.add(id(obj))
        vocab = getattr(obj, "vocabulary_", None)
        if isinstance(vocab, dict):
            terms.update(str(t).lower() for t in vocab)
        if isinstance(obj, dict):
            for v in obj.values():
                walk(v, depth + 1)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v, depth + 1)
        elif hasattr(obj, "__dict__"):
            for v in vars(obj).values():
                walk(v, depth + 1)

    walk(load_artefact(path.read_bytes(), file=str(path)))
    assert terms, "no vectoriser vocabulary found in the featuriser"
    return terms
