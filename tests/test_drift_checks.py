"""Drift: a same-distribution split passes; planted shifts (topic mix, new vocabulary,
another source of text) are flagged with reasons; thresholds come from the config."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.config import config_from_dict
from rca.governance.drift import check_drift, js_divergence, psi, thresholds_from_config
from rca.errors import RcaError


def _split(cases: pd.DataFrame, seed: int, n_new: int = 500):
    perm = np.random.default_rng(seed).permutation(len(cases))
    return cases.iloc[perm[n_new:]], cases.iloc[perm[:n_new]]


def test_psi_and_js_basic_properties():
    assert psi([10, 20, 30], [10, 20, 30]) == pytest.approx(0.0)
    assert psi([10, 20, 30], [30, 20, 10]) == pytest.approx(psi([30, 20, 10], [10, 20, 30]))
    assert 0 < js_divergence([1, 2, 3], [3, 2, 1]) < js_divergence([1, 0, 0], [0, 0, 1]) == 1.0


def test_js_divergence_is_the_mean_kl_to_the_midpoint_in_bits():
    """The divergence (not scipy's distance, its square root), in base 2, on counts of any scale."""

    def by_definition(p, q):
        p, q = np.asarray(p, float) / np.sum(p), np.asarray(q, float) / np.sum(q)
        m = (p + q) / 2
        kl = lambda x: float(np.sum(x[x > 0] * np.log2(x[x > 0] / m[x > 0])))  # noqa: E731
        return (kl(p) + kl(q)) / 2

    rng = np.random.default_rng(7)
    for _ in range(50):
        p, q = rng.integers(0, 9, 12) + np.eye(12)[0], rng.integers(0, 9, 12) + np.eye(12)[-1]
        assert js_divergence(p, q) == pytest.approx(by_definition(p, q), abs=1e-12)
    assert js_divergence([1, 2, 3], [30, 20, 10]) == pytest.approx(by_definition([1, 2, 3], [3, 2, 1]), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_distribution_split_is_not_drift(demo_small, seed):
    ref, new = _split(demo_small.cases, seed)
    report = check_drift(
        ref["text"].tolist(),
        new["text"].tolist(),
        reference_labels={"service": ref["service"].dropna()},
        new_labels={"service": new["service"].dropna()},
        seed=seed,
    )
    assert report.verdict == "no drift", report.to_text()
    assert report.reasons == []


def test_topic_shift_is_flagged_with_the_codes_that_moved(demo_small):
    ref, new = _split(demo_small.cases, 0)
    housing = new[new["service"].astype(str).str.startswith("Housing")]
    report = check_drift(
        ref["text"].tolist(),
        housing["text"].tolist(),
        reference_labels={"service": ref["service"].dropna()},
        new_labels={"service": housing["service"].dropna()},
    )
    assert report.verdict == "retrain"
    check = {c.name: c for c in report.checks}["recorded:service"]
    assert check.status == "drift" and "Housing Management" in check.message


def test_new_vocabulary_is_flagged_and_named(demo_small):
    ref, new = _split(demo_small.cases, 1)
    topic = [
        "the new e-scooter hire scheme leaves scooters blocking the pavement",
        "ulez scrappage grant refused and nobody explains why",
        "the low traffic neighbourhood planters send traffic down our road",
    ]
    shifted = [f"{t}. {topic[i % 3]}" for i, t in enumerate(new["text"])]
    report = check_drift(ref["text"].tolist(), shifted)
    assert report.verdict == "retrain"
    checks = {c.name: c for c in report.checks}
    assert checks["new_words"].status == "drift" and "scooter" in " ".join(checks["new_words"].details["unseen_words"])
    assert checks["word_mix"].status != "ok"


def test_no_personal_data_reaches_the_report(demo_small):
    """Identifiers are redacted first; a name the redaction misses is one case's word and is never listed."""
    ref, new = _split(demo_small.cases, 2)
    first = ["Bartholomew", "Ottoline", "Peregrine", "Wilhelmina", "Evander"]
    surnames = [
        a + b + c
        for a in ("Quen", "Rav", "Thorn", "Ashb", "Mell", "Fenw", "Gorr", "Hask")
        for b in ("e", "i", "o", "a")
        for c in (
            "by",
            "worth",
            "leigh",
            "ton",
            "ridge",
            "combe",
            "stow",
            "hurst",
            "wick",
            "ford",
            "ham",
            "mere",
            "dale",
            "more",
            "field",
            "sey",
            "ney",
        )
    ]
    planted = [
        f"{t} Contact {first[i % 5]} {surnames[i]} on 07700 9{i:05d} or {surnames[i].lower()}@example.org."
        for i, t in enumerate(new["text"])
    ]
    report = check_drift(ref["text"].tolist(), planted)
    text = (report.to_text() + str(report.to_dict())).lower()
    assert report.checks[1].status == "drift"  # the unseen surnames do count towards new words
    for word in ["07700", "example.org", *[s.lower() for s in surnames[: len(planted)]]]:
        assert word not in text, word


def test_thresholds_from_config_and_bad_keys():
    cfg = config_from_dict({"drift": {"psi_alert": 0.5}}, source="rca.toml")
    assert thresholds_from_config(cfg)["psi_alert"] == 0.5
    with pytest.raises(RcaError) as e:
        thresholds_from_config(config_from_dict({"drift": {"psi_alarm": 1}}, source="rca.toml"))
    assert e.value.code == "E202" and "psi_alarm" in str(e.value)
    ref = ["bin not collected", "parking fine"] * 40
    strict = check_drift(ref, ["bin not collected"] * 40, thresholds={"words_js_warn": 0.0, "words_js_alert": 0.0})
    assert strict.verdict == "retrain"


def test_too_few_cases_is_a_coded_error():
    with pytest.raises(RcaError) as e:
        check_drift(["a b c"] * 100, ["a b"] * 5)
    assert e.value.code == "E304"


@pytest.mark.model
def test_model_drift_passes_a_fresh_year_and_flags_a_shifted_file(trained_model_dir):
    from rca.demo.data import generate_demo
    from rca.governance.model_drift import drift_for_model

    fresh = generate_demo(seed=8, n_contacts=600).cases
    ok = drift_for_model(fresh, trained_model_dir)
    assert ok.verdict == "no drift", ok.to_text()
    shifted = fresh[fresh["service"].astype(str).str.contains("Housing|Parking")]
    bad = drift_for_model(shifted, trained_model_dir)
    assert bad.verdict == "retrain"
    assert {c.name for c in bad.checks if c.status == "drift"} >= {"predicted:service"}


@pytest.mark.model
@pytest.mark.shared_data
def test_another_organisations_complaints_are_flagged(trained_model_dir, shared_data):
    from rca.governance.model_drift import drift_for_model

    nhs = pd.read_csv(shared_data / "nhs-feedback" / "nhs_feedback_2009_2019.csv", nrows=3000)
    text_col = next(c for c in nhs.columns if c.lower() in ("text", "comment", "feedback"))
    other = pd.DataFrame({"text": nhs[text_col].dropna().astype(str).head(800)})
    report = drift_for_model(other, trained_model_dir)
    assert report.verdict == "retrain"
    assert {c.name: c for c in report.checks}["new_words"].status == "drift"


def test_coverage_drop_counts_only_beyond_sampling_noise():
    """A 7-point drop on a few hundred cases is within chance; a 30-point drop is not;
    a small drop on a huge batch with a huge held-out set is."""
    from rca.governance.drift import DEFAULT_THRESHOLDS, _coverage_check

    th = dict(DEFAULT_THRESHOLDS)
    noisy = _coverage_check("root_cause", 0.41, np.r_[np.zeros(250, bool), np.ones(486, bool)], th, n_reference=450)
    assert noisy.status == "ok" and 0.05 < noisy.chance < 0.08
    big = _coverage_check("root_cause", 0.41, np.r_[np.zeros(80, bool), np.ones(656, bool)], th, n_reference=450)
    assert big.status == "drift"
    sure = _coverage_check("root_cause", 0.41, np.r_[np.zeros(33_000, bool), np.ones(67_000, bool)], th, n_reference=100_000)
    assert sure.status == "warn"  # 8 points, chance ~0.4 point
