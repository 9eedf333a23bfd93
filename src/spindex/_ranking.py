"""Ranking shared by scoring and the analyses, so that both treat ties the same way."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

__all__ = [
    "TIE_FLOOR",
    "TIE_RTOL",
    "normalisation_magnitudes",
    "rank_rows",
    "sorted_ranks",
    "tie_scales",
    "tie_tolerance",
]

#: Two scores are tied when their difference is at most TIE_RTOL times the range of the row...
TIE_RTOL = 1e-12
#: ... or at most TIE_FLOOR (64 ulps of 1) times the magnitude of the values the scores were
#: computed from, the level of the rounding noise of a mean of such values.
TIE_FLOOR = 2.0**-46


def _tolerance(s: FloatArray, scale: ArrayLike | None) -> FloatArray:
    """Per row, the largest gap between two scores that still counts as a tie."""
    # fmax/fmin skip missing scores without a masked copy; a row with none observed gives
    # NaN, which the comparisons below turn into a zero tolerance; so does a row of no
    # scores at all (the reductions have no identity to start from).
    if s.shape[1] == 0:
        hi = lo = np.full(s.shape[0], np.nan)
    else:
        hi = np.fmax.reduce(s, axis=1)
        lo = np.fmin.reduce(s, axis=1)
    with np.errstate(invalid="ignore"):
        spread = np.where(hi >= lo, hi - lo, 0.0)
        magnitude = np.where(hi >= lo, np.maximum(np.abs(hi), np.abs(lo)), 0.0)
    if scale is not None:
        given = np.broadcast_to(np.asarray(scale, dtype=float), magnitude.shape)
        magnitude = np.fmax(magnitude, np.where(np.isfinite(given), given, 0.0))
    return np.asarray(np.maximum(TIE_RTOL * spread, TIE_FLOOR * magnitude), dtype=np.float64)


def tie_tolerance(values: ArrayLike) -> float:
    """The largest gap between two of ``values`` (NaN ignored) that the ranking counts as a
    tie: values closer than this are equal to rounding."""
    v = np.asarray(values, dtype=float).reshape(1, -1)
    return float(_tolerance(v, None)[0])


def sorted_ranks(
    scores: FloatArray, scale: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's units from best to worst, with their ranks: the work shared by every rank
    statistic, done without scattering back to unit order.

    Two scores of a row are tied when they differ by at most
    ``max(TIE_RTOL * range, TIE_FLOOR * magnitude)``: the range of the row's scores makes the
    rule invariant under shifts and rescaling of the scores, the magnitude (the largest
    ``|score|``, or ``scale`` if larger) absorbs the rounding noise of scores that are equal in
    exact arithmetic, even when all of them are (then the range is that noise itself).

    Parameters
    ----------
    scores : ndarray, shape (n_samples, n_units)
    scale : float or ndarray of shape (n_samples,), optional
        Magnitude of the values the scores were computed from (see :func:`tie_scales`);
        by default the scores' own.

    Returns
    -------
    order : ndarray of intp
        ``order[s, j]`` is the unit in position j of sample s (best first; missing last).
    ranks : ndarray of int32
        The rank of that unit: 1 = best, ties share the best rank, 0 for a missing score.
    """
    s = np.asarray(scores, dtype=float)
    order, sorted_key = _sort_rows(s)
    ranks = np.empty(s.shape, dtype=np.int32)
    _ranks_in_order(sorted_key, _tolerance(s, scale), ranks)
    return order, ranks


def _sort_rows(s: FloatArray) -> tuple[np.ndarray, FloatArray]:
    """Each row's order from best to worst (missing last) and the sorted keys (-score, inf
    for a missing one)."""
    key = np.negative(s)
    missing = np.isnan(key)
    if missing.any():
        # Missing scores sort last as inf (numpy's vectorised sorts take the slow path on
        # NaN).
        np.copyto(key, np.inf, where=missing)
    del missing
    # Any sort will do: tied units get the same rank whatever their order among themselves.
    order = np.argsort(key, axis=1)
    return order, np.take_along_axis(key, order, axis=1)


def _ranks_in_order(sorted_key: FloatArray, tolerance: FloatArray, out: np.ndarray) -> None:
    """The ranks of sorted keys, written into ``out`` (integers, same shape): 1 = first,
    ties share the best rank, 0 for a missing score (key inf)."""
    n = sorted_key.shape[1]
    if n == 0:  # rows of no units: nothing to rank
        return
    position = np.arange(1, n + 1, dtype=out.dtype)
    with np.errstate(invalid="ignore"):
        gap = np.subtract(sorted_key[:, 1:], sorted_key[:, :-1])
        # Scores equal in exact arithmetic may differ in the last bits depending on the order
        # of summation; both scoring paths treat values this close as tied.
        tied = np.less_equal(gap, tolerance[:, None], out=np.empty(gap.shape, dtype=bool))
    del gap
    out[:, :1] = 1
    out[:, 1:] = position[1:]
    if tied.any():
        # A tie run takes the position of its first member: positions where a new value
        # starts, 0 inside a run, carried forward by a running maximum (in place).
        np.copyto(out[:, 1:], 0, where=tied)
        np.maximum.accumulate(out, axis=1, out=out)
    del tied
    # Missing scores (inf keys) are the tail of each row.
    if (sorted_key[:, -1] == np.inf).any():
        out[sorted_key == np.inf] = 0


def tie_scales(
    values: FloatArray,
    children: Sequence[Sequence[int]],
    means: Sequence[bool],
    computed_from: FloatArray | None = None,
) -> FloatArray:
    """The magnitude each node's scores are computed from, for the tie rule.

    It is the largest ``|value|`` of the node itself, and, for a node aggregated by a power
    mean (whose values lie between those of its children), the largest of its children's
    magnitudes: so the magnitude of an index of means is that of the normalised indicators
    below it, whatever the weights. It depends only on values that weight sampling does not
    change, so scoring and the compiled engine use the same one.

    Parameters
    ----------
    values : ndarray, shape (n_units, n_nodes)
        Every node's scores, children before parents.
    children : sequence of sequences of int
        Positions of each node's children (empty for an indicator).
    means : sequence of bool
        Whether each node is aggregated by a power mean.
    computed_from : ndarray, shape (n_nodes,), optional
        A magnitude each node's own values carry from before (NaN or 0 where none): for a
        normalised indicator, that of its raw values in normalised units (see
        :func:`normalisation_magnitudes`), since the rounding of the raw values is what the
        normalisation amplifies.

    Returns
    -------
    ndarray, shape (n_nodes,)
    """
    V = np.asarray(values, dtype=float)
    # The largest |value| of a column is the larger of |max| and |min| (exactly: abs rounds
    # nothing), and fmax/fmin skip NaN: two reductions instead of masked copies of the table.
    if V.shape[0]:
        with np.errstate(invalid="ignore"):
            largest = np.fmax(np.abs(np.fmax.reduce(V, axis=0)), np.abs(np.fmin.reduce(V, axis=0)))
        out = np.where(np.isnan(largest), 0.0, largest)
    else:
        out = np.zeros(V.shape[1])
    if computed_from is not None:
        carried = np.asarray(computed_from, dtype=float)
        out = np.fmax(out, np.where(np.isfinite(carried), carried, 0.0))
    for j, kids in enumerate(children):
        if len(kids) and means[j]:
            out[j] = max(out[j], float(np.max(out[list(kids)])))
    return np.asarray(out, dtype=np.float64)


def rank_rows(
    scores: FloatArray, scale: ArrayLike | None = None, dtype: type[np.integer] = np.int32
) -> np.ndarray:
    """Rank each row, 1 = highest; ties share the best rank (see :func:`sorted_ranks`); a
    missing score gets rank 0.

    Parameters
    ----------
    scores : ndarray, shape (n_samples, n_units)
    scale : float or ndarray of shape (n_samples,), optional
        Magnitude of the values the scores were computed from; by default the scores' own.
    dtype : integer type, default numpy.int32
        Of the ranks (int64 for pandas' nullable integers, with no conversion afterwards).

    Returns
    -------
    ndarray of ``dtype``, same shape
    """
    s = np.asarray(scores, dtype=float)
    order, sorted_key = _sort_rows(s)
    in_order = np.empty(s.shape, dtype=dtype)
    _ranks_in_order(sorted_key, _tolerance(s, scale), in_order)
    del sorted_key
    ranks = np.empty(s.shape, dtype=dtype)
    np.put_along_axis(ranks, order, in_order, axis=1)
    return ranks


def normalisation_magnitudes(raw: FloatArray, normalised: FloatArray) -> FloatArray:
    """Per column, the largest ``|raw value|`` expressed in normalised units.

    A normalisation that maps ``[min, max]`` of a column onto a fixed range divides by the
    column's spread, so a raw column whose values are large against their spread (say values
    near 0.25 that differ by 1e-6) comes out with rounding noise of ``eps * max|raw| /
    spread`` in normalised units: values equal in exact arithmetic then differ by far more
    than a few ulps of the normalised scale. Counting this magnitude in the tie rule keeps
    such values tied, and makes the ranking independent of the unit of the raw column. For an
    affine normalisation the result is exactly ``max|raw| * |slope|``; for rank-based ones it
    is harmless (their values are whole numbers apart).

    Parameters
    ----------
    raw, normalised : ndarray, shape (n_units, n_columns)
        The columns before and after normalisation (NaN for missing).

    Returns
    -------
    ndarray, shape (n_columns,)
        0 for a column with fewer than two distinct observed raw values.
    """
    x = np.asarray(raw, dtype=float)
    y = np.asarray(normalised, dtype=float)
    if x.shape[0] == 0:
        return np.zeros(x.shape[1])
    missing = np.isnan(x)
    if np.array_equal(missing, np.isnan(y)):
        # The usual case, the same cells missing before and after: extremes by fmax/fmin,
        # which skip NaN, with no masked copies. Maxima and minima are exact, so the result
        # is the one the general path below gives.
        with np.errstate(invalid="ignore"):
            hi_x, lo_x = np.fmax.reduce(x, axis=0), np.fmin.reduce(x, axis=0)
            spread_x = hi_x - lo_x
            spread_y = np.fmax.reduce(y, axis=0) - np.fmin.reduce(y, axis=0)
            magnitude = np.fmax(np.abs(hi_x), np.abs(lo_x))
        observed = ~np.isnan(magnitude)
        usable = observed & (spread_x > 0) & np.isfinite(spread_x)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out = np.where(usable, magnitude * spread_y / np.where(usable, spread_x, 1.0), 0.0)
        return np.asarray(np.where(np.isfinite(out), out, 0.0), dtype=np.float64)
    both = ~missing & ~np.isnan(y)
    spread_x = np.where(both, x, -np.inf).max(axis=0) - np.where(both, x, np.inf).min(axis=0)
    spread_y = np.where(both, y, -np.inf).max(axis=0) - np.where(both, y, np.inf).min(axis=0)
    magnitude = np.where(both, np.abs(x), 0.0).max(axis=0)
    usable = both.any(axis=0) & (spread_x > 0) & np.isfinite(spread_x)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = np.where(usable, magnitude * spread_y / np.where(usable, spread_x, 1.0), 0.0)
    return np.asarray(np.where(np.isfinite(out), out, 0.0), dtype=np.float64)
