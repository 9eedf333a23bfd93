"""Ranking shared by scoring and the analyses, so that both treat ties the same way."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

__all__ = ["TIE_RTOL", "rank_rows", "sorted_ranks"]

#: Relative difference below which two scores count as tied.
TIE_RTOL = 1e-12


def sorted_ranks(scores: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's units from best to worst, with their ranks: the work shared by every rank
    statistic, done without scattering back to unit order.

    Parameters
    ----------
    scores : ndarray, shape (n_samples, n_units)

    Returns
    -------
    order : ndarray of intp
        ``order[s, j]`` is the unit in position j of sample s (best first; missing last).
    ranks : ndarray of int32
        The rank of that unit: 1 = best, ties share the best rank, 0 for a missing score.
    """
    s = np.asarray(scores, dtype=float)
    key = -s
    missing = np.isnan(s)
    any_missing = bool(missing.any())
    if any_missing:
        key = np.where(missing, np.inf, key)  # missing scores sort last
    # Any sort will do: tied units get the same rank whatever their order among themselves.
    order = np.argsort(key, axis=1)
    sorted_key = np.take_along_axis(key, order, axis=1)
    n = s.shape[1]
    position = np.arange(1, n + 1, dtype=np.int32)
    with np.errstate(invalid="ignore"):
        gap = sorted_key[:, 1:] - sorted_key[:, :-1]
        scale = np.maximum(np.abs(sorted_key[:, 1:]), np.abs(sorted_key[:, :-1]))
        # Scores equal in exact arithmetic may differ in the last bits depending on the order
        # of summation; both scoring paths treat values this close as tied.
        tied = gap <= TIE_RTOL * scale
    if tied.any():
        new_value = np.ones(s.shape, dtype=bool)
        new_value[:, 1:] = ~tied
        ranks = np.maximum.accumulate(np.where(new_value, position, 0), axis=1).astype(np.int32)
    else:
        ranks = np.broadcast_to(position, s.shape).copy()
    if any_missing:
        ranks[np.isinf(sorted_key) & (sorted_key > 0)] = 0
    return order, ranks


def rank_rows(scores: FloatArray) -> np.ndarray:
    """Rank each row, 1 = highest; ties share the best rank; a missing score gets rank 0.

    Parameters
    ----------
    scores : ndarray, shape (n_samples, n_units)

    Returns
    -------
    ndarray of int32, same shape
    """
    order, ranks_sorted = sorted_ranks(scores)
    ranks = np.empty(ranks_sorted.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    return ranks
