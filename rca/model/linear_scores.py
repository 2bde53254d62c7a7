"""Scores and predictions of a fitted linear classifier from its `coef_`, `intercept_` and `classes_`.

Shared by the linear models rca fits itself (`ovr_svm.SplitLinearSVC`, `view_ensemble.ViewAverage`);
the arithmetic is scikit-learn's `LinearClassifierMixin`'s, without its input validation (the
featuriser in front has already made the matrix).
"""

from __future__ import annotations

import numpy as np


class LinearScores:
    """`decision_function` and `predict` for a class with fitted `coef_`, `intercept_` and `classes_`."""

    def decision_function(self, X) -> np.ndarray:
        s = np.asarray(X @ self.coef_.T) + self.intercept_
        return s.ravel() if s.shape[1] == 1 else s

    def predict(self, X) -> np.ndarray:
        s = self.decision_function(X)
        return self.classes_[(s > 0).astype(int)] if s.ndim == 1 else self.classes_[s.argmax(axis=1)]
