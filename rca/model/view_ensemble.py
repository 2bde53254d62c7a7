"""An average of two linear SVMs over one feature matrix: one reads the word n-grams alone, one reads everything.

Character n-grams see misspellings and inflections; word n-grams see phrases. A
classifier on the word columns alone and one on word + character columns make
different mistakes, and the average of their decision scores is often better
than either. Both are linear, so the average is itself one linear model
(`coef_`, `intercept_`): scoring costs the same as a single SVM and
`rca.model.classifier.TargetModel` handles it like any other linear estimator.

The recipe search (`rca.model.recipe_search`) proposes it, and keeps it only where
cross-validation says it beats the single classifier.

>>> import numpy as np, scipy.sparse as sp
>>> X = sp.csr_matrix(np.array([[1, 0, 1.], [1, 0, 0.], [0, 1, 1.], [0, 1, 0.]]))
>>> ViewAverage(first_columns=2).fit(X, [0, 0, 1, 1]).predict(X).tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import LinearSVC

from rca.model.linear_scores import LinearScores


class ViewAverage(LinearScores, ClassifierMixin, BaseEstimator):
    """Mean decision function of LinearSVC(C_first) on columns [:first_columns] and LinearSVC(C) on all columns."""

    def __init__(
        self, first_columns: int = 0, C_first: float = 0.5, C: float = 0.5, class_weight="balanced", max_iter: int = 2000, random_state=None
    ) -> None:
        self.first_columns = first_columns
        self.C_first = C_first
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def _svm(self, C: float) -> LinearSVC:
        return LinearSVC(C=C, class_weight=self.class_weight, max_iter=self.max_iter, random_state=self.random_state)

    def fit(self, X, y) -> "ViewAverage":
        k = int(self.first_columns)
        if not 0 < k <= X.shape[1]:
            raise ValueError(f"first_columns must be in 1..{X.shape[1]}, got {k}")
        first = self._svm(self.C_first).fit(X[:, :k], y)
        every = self._svm(self.C).fit(X, y)
        coef = np.asarray(every.coef_, dtype=np.float64).copy()
        coef[:, :k] += np.asarray(first.coef_, dtype=np.float64)
        self.coef_ = coef / 2.0
        self.intercept_ = (np.asarray(first.intercept_, dtype=np.float64) + np.asarray(every.intercept_, dtype=np.float64)) / 2.0
        self.classes_ = every.classes_
        self.n_features_in_ = X.shape[1]
        return self
