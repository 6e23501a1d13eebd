"""Rank statistics for the tone-flatness checks of concern scores (bench and tests share them).

Spearman is Pearson on ranks (ties share their mean rank); the partial Spearman controlling for
a third variable is the partial correlation of the three rank vectors. A constant input has no
correlation: NaN. The AUC is the chance that a score of the first group exceeds one of the
second (ties count half).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import rankdata


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denominator) if denominator > 0 else math.nan


def spearman(x, y) -> float:
    return _pearson(rankdata(x), rankdata(y))


def partial_spearman(x, y, *controls) -> float:
    """Spearman of x and y with the `controls` (e.g. age, gender) partialled out of both: the
    correlation of what is left of their ranks after a least-squares fit on the controls' ranks
    (for one control, the textbook (r_xy - r_xz r_yz) / sqrt((1 - r_xz^2)(1 - r_yz^2)))."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan  # nothing to rank
    design = np.column_stack([np.ones(len(x)), *(rankdata(c) for c in controls)])

    def residual(values) -> np.ndarray:
        ranks = rankdata(values)
        return ranks - design @ np.linalg.lstsq(design, ranks, rcond=None)[0]

    return _pearson(residual(x), residual(y))


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """P(a score of `positive` > a score of `negative`), over every pair; ties count half."""
    above = positive[:, None] > negative[None]
    tied = positive[:, None] == negative[None]
    return float((above + 0.5 * tied).mean())
