"""A tiny stand-in for `rca.model.store.ModelBundle` (same interface), trained on
an inline corpus, used by the scoring, triage and web tests; plus checks that
it behaves like the contract says."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

CORPUS = [
    (
        "My bin was not collected again this week and nobody came",
        "Failure to do something",
        "Complaint",
        "Waste and Street Cleansing",
        "Collections",
    ),
    (
        "The recycling bin has been missed three times, still not collected",
        "Failure to do something",
        "Complaint",
        "Waste and Street Cleansing",
        "Collections",
    ),
    (
        "Please can I order a replacement bin, mine is cracked",
        "Failure to do something",
        "Service request or enquiry - not a complaint",
        "Waste and Street Cleansing",
        "Collections",
    ),
    (
        "I would like a new bin for my new flat please",
        "Failure to do something",
        "Service request or enquiry - not a complaint",
        "Waste and Street Cleansing",
        "Collections",
    ),
    (
        "Fly-tipping on the street has been left for weeks, disgraceful",
        "Delay in doing something",
        "Complaint",
        "Waste and Street Cleansing",
        "Street Cleansing",
    ),
    (
        "The penalty charge notice was unfair, the parking sign was hidden",
        "Charges and enforcement action",
        "Complaint",
        "Parking",
        "PCN Appeals",
    ),
    (
        "I was given a parking fine while loading, the charge is wrong",
        "Charges and enforcement action",
        "Complaint",
        "Parking",
        "PCN Appeals",
    ),
    ("My parking permit application has taken months, a long delay", "Delay in doing something", "Complaint", "Parking", "Permits"),
    (
        "Council tax summons costs were added although I paid",
        "Charges and enforcement action",
        "Complaint",
        "Revenues and Benefits",
        "Council Tax",
    ),
    (
        "Housing benefit claim delayed for weeks with no update",
        "Delay in doing something",
        "Complaint",
        "Revenues and Benefits",
        "Benefits",
    ),
    ("Damp and mould in my flat, the repair never happened", "Failure to do something", "Complaint", "Housing Management", "Repairs"),
    (
        "The leak repair was delayed again, contractor did not turn up",
        "Delay in doing something",
        "Complaint",
        "Housing Management",
        "Repairs",
    ),
    (
        "The officer on the phone was rude and hung up on me",
        "Staff conduct and attitude",
        "Complaint",
        "Customer Services",
        "Contact Centre",
    ),
    (
        "Staff were rude at the reception desk and ignored me",
        "Staff conduct and attitude",
        "Complaint",
        "Customer Services",
        "Contact Centre",
    ),
    (
        "My mother's care charges financial assessment is wrong",
        "Charges and enforcement action",
        "Complaint",
        "Adult Social Care",
        "Financial Assessment",
    ),
    (
        "The social worker did not return calls about my son in foster care",
        "Failure to do something",
        "Complaint",
        "Children's Services",
        "Social Work",
    ),
]
TARGETS = ["root_cause", "acceptability", "service"]


@dataclass
class FakePrediction:
    labels: list
    confidence: np.ndarray
    review: np.ndarray
    proba: np.ndarray
    classes: np.ndarray


class FakeBundle:
    """Same surface as ModelBundle: targets, manifest, predict, evidence, threshold (+ linear_parts)."""

    def __init__(self, threshold: float = 0.4) -> None:
        texts = [c[0] for c in CORPUS]
        self.targets = list(TARGETS)
        self.manifest = {"taxonomy_version": "test", "seed": 0}
        self._vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        X = self._vec.transform(texts)
        self._models = {t: LogisticRegression(C=20, max_iter=1000).fit(X, [c[1 + j] for c in CORPUS]) for j, t in enumerate(TARGETS)}
        self._threshold = threshold
        self.predict_calls = 0

    def threshold(self, target: str) -> float:
        return self._threshold

    def predict(self, texts):
        self.predict_calls += 1
        X = self._vec.transform(list(texts))
        out = {}
        for t, m in self._models.items():
            proba = m.predict_proba(X)
            best = proba.argmax(axis=1)
            conf = proba.max(axis=1)
            out[t] = FakePrediction([str(m.classes_[b]) for b in best], conf, conf < self._threshold, proba, m.classes_)
        return out

    def evidence(self, text, target, label, k=5):
        from rca.scoring.evidence import padded_redacted, top_contributions

        transform, coef, classes, names = self.linear_parts(target)
        idx = np.array([list(classes).index(label) if label in list(classes) else -1])
        return top_contributions(transform([text]), coef, idx, names, k=k, padded=padded_redacted([text]))[0]

    def linear_parts(self, target):
        m = self._models[target]
        coef = m.coef_ if len(m.classes_) > 2 else np.vstack([-m.coef_[0], m.coef_[0]])
        return self._vec.transform, coef, m.classes_, self._vec.get_feature_names_out()


def past_cases() -> pd.DataFrame:
    """A `cases.parquet`-like frame of past cases."""
    rows = []
    for i, (text, rc, acc, svc, team) in enumerate(CORPUS):
        rows.append(
            {
                "case_id": f"P{i:03d}",
                "received": pd.Timestamp("2024-01-02 10:00") + pd.Timedelta(days=3 * i),
                "service": svc,
                "team": team,
                "outcome": "Upheld" if i % 2 else "Not upheld",
                "corrective_action": "Service put right" if i % 2 else None,
                "root_cause": rc,
                "complainant_id": f"R{i % 5}",
                "text_redacted": text,
            }
        )
    return pd.DataFrame(rows)


def test_fake_bundle_follows_the_contract():
    b = FakeBundle()
    preds = b.predict(["bin not collected", "rude staff on the phone"])
    assert set(preds) == set(b.targets)
    p = preds["service"]
    assert len(p.labels) == 2 and p.proba.shape == (2, len(p.classes))
    assert p.labels[0] == "Waste and Street Cleansing"
    assert b.evidence("my bin was not collected", "service", p.labels[0], k=3)
