"""The split one-vs-rest SVM: the same model as one LinearSVC fit, whatever n_jobs is, and used only where it pays."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from rca.model.classifier import ModelSettings, fold_jobs, make_classifier
from rca.model.ovr_svm import SplitLinearSVC

pytestmark = pytest.mark.model


def _data(n=600, k=7, f=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    y[:k] = np.arange(k)
    X = sp.random(n, f, density=0.05, random_state=seed, format="csr", dtype=np.float64)
    X = X + sp.csr_matrix((np.ones(n), (np.arange(n), y * 3)), shape=(n, f))  # each class has a telling column
    return X.tocsr(), y


@pytest.mark.parametrize("class_weight,k", [("balanced", 7), (None, 7), ("balanced", 3)])
def test_split_fit_matches_one_linearsvc_fit(class_weight, k):
    X, y = _data(k=k)  # 3 classes: one share holds a single class, a binary fit against "rest"
    ref = LinearSVC(C=0.5, class_weight=class_weight, max_iter=5000, tol=1e-8, random_state=1).fit(X, y)
    split = SplitLinearSVC(C=0.5, class_weight=class_weight, max_iter=5000, random_state=1, n_jobs=1, min_work=0)
    split.fit(X, y)
    assert split.split_
    # the same optimisation problems; liblinear's coordinate order differs, so equal to the solver's tolerance
    assert np.allclose(split.coef_, ref.coef_, atol=2e-3) and np.allclose(split.intercept_, ref.intercept_, atol=2e-3)
    assert (split.predict(X) == ref.predict(X)).mean() > 0.99


def test_the_model_does_not_depend_on_n_jobs_and_small_fits_stay_one_linearsvc():
    X, y = _data()
    one = SplitLinearSVC(C=0.5, random_state=1, n_jobs=1, min_work=0).fit(X, y)
    two = SplitLinearSVC(C=0.5, random_state=1, n_jobs=2, min_work=0).fit(X, y)
    assert np.array_equal(one.coef_, two.coef_) and np.array_equal(one.intercept_, two.intercept_)
    small = SplitLinearSVC(C=0.5, random_state=1).fit(X, y)  # 7 classes x ~9k values: far below MIN_WORK
    ref = LinearSVC(C=0.5, class_weight="balanced", random_state=1).fit(X, y)
    assert not small.split_ and np.array_equal(small.coef_, ref.coef_)
    binary = SplitLinearSVC(C=0.5, random_state=1, min_work=0).fit(X, (y == 0).astype(int))
    assert not binary.split_ and binary.decision_function(X).shape == (X.shape[0],)


def test_the_svm_classifier_is_the_split_one_and_its_folds_run_one_at_a_time():
    est = make_classifier(ModelSettings(C=0.3, n_jobs=2), seed=4, n_rows=100)
    assert isinstance(est, SplitLinearSVC) and est.C == 0.3 and est.n_jobs == 2 and est.random_state == 4
    assert fold_jobs(est, 2) == 1
