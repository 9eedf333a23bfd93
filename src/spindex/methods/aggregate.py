"""Aggregation methods: combine a node's children into one score per unit.

Every aggregator is an immutable value object (a frozen dataclass deriving from
:class:`Aggregator`) with a class-level ``name``, a ``power`` (the order of the
power mean it computes, or None) and a ``__call__(X, w, ctx)`` mapping the
children's values ``X`` (units x children, ``NaN`` for a missing value) and their
raw weights ``w`` (non-negative, not necessarily summing to 1) to one value per
unit.

Missing values are handled as in COINr 1.1.14: each unit is aggregated over its
*available* children, with the weights renormalised over them (``w / sum(w)``
over the available children). A unit with no available child, or whose
available children all have weight 0, gets ``NaN``. Imputation, and a minimum
share of available children, are the caller's business.

The power means follow COINr's ``a_amean``, ``a_gmean`` and ``a_hmean`` with the
same order of floating-point operations, and sums are accumulated in long double
as R's ``sum()`` does. Where ``numpy.longdouble`` is the 80-bit type (Linux,
Intel macOS) the arithmetic and harmonic means therefore agree with COINr bit for
bit; the geometric mean, and every mean on other platforms, agree to rounding
(about 1e-15 relative), because numpy's ``log`` and ``exp`` may round the last
bit differently from the C library R calls.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 6.
.. [2] Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimas, E. and
   Saisana, M. (2022). COINr: an R package for developing composite indicators.
   *Journal of Open Source Software* 7(78), 4567.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods._base import AggregationContext, FloatArray, call_user, callable_label
from spindex.methods.normalize import (
    _check_real,
    _fmt_labels,
    _fmt_names,
    _required_fields,
    _rsum,
)

__all__ = [
    "AGGREGATORS",
    "Aggregator",
    "Arithmetic",
    "Copeland",
    "FunctionAggregator",
    "GeneralizedMean",
    "Geometric",
    "Harmonic",
    "MazziottaPareto",
    "WeightedMedian",
    "get_aggregator",
]

# Cumulative weights and outranking shares are sums of floats; a value this close
# to 1/2 is treated as exactly 1/2 so that, e.g., weights (0.1, 0.2, 0.7) behave
# like their exact counterparts.
_HALF_TOL = 1e-12

_REMEDY = (
    "Normalise onto a strictly positive scale first, e.g. MinMax(low=1, high=100), "
    "or use another aggregator such as 'arithmetic'."
)


class Aggregator(ABC):
    """Base class of the aggregators.

    Subclass it (as a frozen dataclass) to write an aggregator that needs the
    context; a plain function can be wrapped in :class:`FunctionAggregator`.

    Attributes
    ----------
    name : str
        Short name of the method, used in reports and by :func:`get_aggregator`.
    power : float or None
        Order ``p`` of the weighted power mean the aggregator computes (1
        arithmetic, 0 geometric, -1 harmonic), or None if it is not a power
        mean. Callers may use it to compute many weight sets at once as matrix
        products.
    """

    name: ClassVar[str]

    @property
    def power(self) -> float | None:
        """Order of the power mean computed, or None."""
        return None

    @abstractmethod
    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        """Aggregate the rows of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_units, n_children)
            Values of the children; ``NaN`` marks a missing value.
        w : ndarray of shape (n_children,)
            Non-negative weights, renormalised over each unit's available children.
        ctx : AggregationContext
            Node code, children codes and unit labels, used in messages.

        Returns
        -------
        ndarray of shape (n_units,)
            ``NaN`` for a unit with no available child of positive weight.
        """


# --------------------------------------------------------------------------- helpers


def _prepare(
    X: FloatArray, w: FloatArray, ctx: AggregationContext
) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Checked float copies of X and w, and the mask of observed values."""
    A = np.asarray(X, dtype=np.float64)
    wv = np.asarray(w, dtype=np.float64)
    k = len(ctx.children)
    if A.ndim != 2 or A.shape[1] != k:
        raise DataError(
            f"Node {ctx.node!r}: an aggregator needs a 2-D array with one column per child "
            f"({k} children); got shape {A.shape}."
        )
    if wv.shape != (k,):
        raise DataError(
            f"Node {ctx.node!r}: expected {k} weights, one per child; got shape {wv.shape}."
        )
    if not np.all(np.isfinite(wv)) or np.any(wv < 0):
        raise ParameterError(
            f"Node {ctx.node!r}: weights must be finite and >= 0. Got {wv.tolist()}."
        )
    return A, scale_weights(wv), ~np.isnan(A)


def scale_weights(w: FloatArray) -> FloatArray:
    """Weights (along the last axis) multiplied by the power of two that brings their largest
    into [1/2, 1).

    Weights are relative, so this changes no result, not even a bit (scaling by a power of
    two is exact), but sums of huge weights (two of 1e308) no longer overflow to inf, which
    would turn every normalised weight into 0.
    """
    wv = np.asarray(w, dtype=np.float64)
    if wv.size == 0:
        return wv
    _, exponent = np.frexp(np.max(wv, axis=-1, keepdims=True))
    return np.asarray(np.ldexp(wv, -exponent), dtype=np.float64)


def _available_weights(w: FloatArray, obs: np.ndarray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Raw weights of the available children, their row sums and the rows with a sum > 0."""
    W = np.where(obs, w, 0.0)
    total = _rsum(W, axis=1)
    return W, total, total > 0


def _renormalised(w: FloatArray, obs: np.ndarray) -> tuple[FloatArray, np.ndarray]:
    """Weights rescaled to sum 1 over each unit's available children (COINr's w / sum(w))."""
    W, total, valid = _available_weights(w, obs)
    return W / np.where(valid, total, 1.0)[:, None], valid


def _check_domain(
    A: FloatArray, obs: np.ndarray, ctx: AggregationContext, *, strict: bool, method: str
) -> None:
    """Raise if an observed value is <= 0 (strict) or < 0 (not strict)."""
    bad = obs & ((A <= 0) if strict else (A < 0))
    if not bad.any():
        return
    cols = np.flatnonzero(bad.any(axis=0))
    j = int(cols[0])
    rows = np.flatnonzero(bad[:, j])
    units = [ctx.units[i] for i in rows]
    others = [ctx.children[c] for c in cols[1:]]
    more = f" (also in child(ren) {_fmt_labels(others)})" if others else ""
    need = "strictly positive" if strict else "non-negative"
    raise MethodError(
        f"The {method} at node {ctx.node!r} needs {need} values, but child {ctx.children[j]!r} "
        f"is {float(A[rows[0], j])!r} for unit(s) {_fmt_labels(units)}{more}. {_REMEDY}"
    )


def _finish(values: FloatArray, valid: np.ndarray) -> FloatArray:
    return np.asarray(np.where(valid, values, np.nan), dtype=np.float64)


# --------------------------------------------------------------------------- power means


@dataclass(frozen=True)
class Arithmetic(Aggregator):
    """Weighted arithmetic mean ``sum(w * x)`` with ``w`` summing to 1 (COINr ``a_amean``).

    Fully compensatory: a deficit in one child is offset by a surplus in another
    at the rate given by the weights.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, Arithmetic
    >>> ctx = AggregationContext("index", ("a", "b"), ("u1", "u2"))
    >>> X = np.array([[10.0, 40.0], [20.0, np.nan]])
    >>> Arithmetic()(X, np.array([2.0, 1.0]), ctx).tolist()
    [20.0, 20.0]
    """

    name: ClassVar[str] = "arithmetic"

    @property
    def power(self) -> float:
        """1, the order of the arithmetic mean."""
        return 1.0

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, obs = _prepare(X, w, ctx)
        Wn, valid = _renormalised(wv, obs)
        return _finish(_rsum(Wn * np.where(obs, A, 0.0), axis=1), valid)


@dataclass(frozen=True)
class Geometric(Aggregator):
    """Weighted geometric mean ``exp(sum(w * log x) / sum(w))`` (COINr ``a_gmean``).

    Partially compensatory: a low value in one child costs more than a high one
    elsewhere gains. All observed values must be strictly positive.

    Raises
    ------
    MethodError
        If an observed value is <= 0; the message names the node, the child and
        the units.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, p. 103.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, Geometric
    >>> ctx = AggregationContext("index", ("a", "b"), ("u1",))
    >>> Geometric()(np.array([[1.0, 100.0]]), np.array([1.0, 1.0]), ctx).round(12).tolist()
    [10.0]
    """

    name: ClassVar[str] = "geometric"

    @property
    def power(self) -> float:
        """0, the order of the geometric mean."""
        return 0.0

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, obs = _prepare(X, w, ctx)
        _check_domain(A, obs, ctx, strict=True, method="geometric mean")
        W, total, valid = _available_weights(wv, obs)
        log_sum = _rsum(W * np.log(np.where(obs, A, 1.0)), axis=1)
        return _finish(np.exp(log_sum / np.where(valid, total, 1.0)), valid)


@dataclass(frozen=True)
class Harmonic(Aggregator):
    """Weighted harmonic mean ``sum(w) / sum(w / x)`` (COINr ``a_hmean``).

    The least compensatory of the three classical means. All observed values must
    be strictly positive.

    Raises
    ------
    MethodError
        If an observed value is <= 0; the message names the node, the child and
        the units.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, Harmonic
    >>> ctx = AggregationContext("index", ("a", "b"), ("u1",))
    >>> Harmonic()(np.array([[1.0, 3.0]]), np.array([1.0, 1.0]), ctx).tolist()
    [1.5]
    """

    name: ClassVar[str] = "harmonic"

    @property
    def power(self) -> float:
        """-1, the order of the harmonic mean."""
        return -1.0

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, obs = _prepare(X, w, ctx)
        _check_domain(A, obs, ctx, strict=True, method="harmonic mean")
        W, total, valid = _available_weights(wv, obs)
        inverse_sum = _rsum(W / np.where(obs, A, 1.0), axis=1)
        return _finish(total / np.where(valid, inverse_sum, 1.0), valid)


#: Below this |p| the power mean is computed as the geometric mean: the two differ by a
#: factor exp(p/2 * Var_w(log x) + O(p**2)) (Taylor expansion of log M_p in p), and
#: |log x - log y| <= 1420 for any two positive doubles, so the relative difference is below
#: 1e-200 * 1420**2 / 2 ~ 1e-194, far below rounding.
GEOMETRIC_BELOW = 1e-200


def power_scale(A: FloatArray, obs: np.ndarray, p: float) -> FloatArray:
    """Per row, the value ``c`` that makes every ``(x / c) ** p <= 1``: the largest available
    value for ``p > 0``, the smallest for ``p < 0`` (1 for a row with none, or all zeros).

    Scaling by it keeps the power mean free of overflow and underflow: the terms lie in
    [0, 1] and the one of ``c`` itself is exactly 1.
    """
    c = (np.where(obs, A, -np.inf).max(axis=-1) if p > 0
         else np.where(obs, A, np.inf).min(axis=-1))
    return np.asarray(np.where(np.isfinite(c) & (c > 0), c, 1.0), dtype=np.float64)


def power_terms(A: FloatArray, c: FloatArray, p: float) -> tuple[FloatArray, FloatArray]:
    """``expm1(t)`` and ``exp(t)`` with ``t = p * log(x / c) <= 0``, the two forms of the terms
    ``(x / c) ** p`` (and ``- 1``) that :func:`power_mean_from_terms` averages."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        t = p * np.log(A / c)
    return np.expm1(t), np.exp(t)


def power_mean_from_terms(E: FloatArray, S: FloatArray, c: FloatArray, p: float) -> FloatArray:
    """The power mean ``c * (1 + E) ** (1/p)`` from the weighted means ``E`` of ``expm1(t)``
    and ``S`` of ``exp(t)`` (``S = 1 + E`` in exact arithmetic).

    ``log1p(E)`` is exact to rounding when ``|E| < 1/2`` (all terms share a sign, so ``E``
    carries a relative error of a few ulps), ``log(S)`` when ``S <= 1/2``; taking the better
    of the two bounds the relative error of the mean by a few ulps times ``1 / |p|`` for large
    orders and keeps it at a few ulps as ``p -> 0``, where ``log1p(E) / p`` tends to the
    weighted mean of ``log(x / c)``, the geometric mean.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_mean = np.where(E > -0.5, np.log1p(E), np.log(S)) / p
    return np.asarray(c * np.exp(log_mean), dtype=np.float64)


@dataclass(frozen=True)
class GeneralizedMean(Aggregator):
    """Weighted power mean of order ``p``: ``(sum(w * x**p)) ** (1/p)``, ``w`` summing to 1.

    ``p = 1`` is the arithmetic, ``p = -1`` the harmonic mean, ``p = 0`` is taken
    as its limit, the geometric mean; these three are computed by
    :class:`Arithmetic`, :class:`Harmonic` and :class:`Geometric`. The mean
    increases with ``p``; large ``p`` approaches the maximum, large negative
    ``p`` the minimum.

    Other orders are computed as ``c * exp(log1p(sum(w * expm1(p * log(x / c)))) / p)``
    with ``c`` the largest value of the unit (the smallest for ``p < 0``), switching to
    ``log(sum(w * (x / c)**p))`` where that sum is below 1/2. This is the textbook
    formula rearranged so that nothing overflows (``p = 500`` on values up to 100 is
    fine: every term is at most 1) and nothing cancels as ``p -> 0``: the result is
    within a few ulps of the exact power mean for every order (about ``1e-16 / |p|``
    relative for large ``|p|``) and tends to the geometric mean. Below
    ``|p| = 1e-200`` (``spindex.methods.aggregate.GEOMETRIC_BELOW``) the geometric
    mean is returned, which is then equal to the power mean to far below rounding.

    Parameters
    ----------
    p : float
        Order of the mean; must be finite.

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for a non-finite or non-numeric ``p``.
    MethodError
        When called, if an observed value is <= 0 and ``p <= 0``, or < 0 and
        ``p > 0``.

    References
    ----------
    .. [1] Decancq, K. and Lugo, M. A. (2013). Weights in multidimensional
       indices of wellbeing: an overview. *Econometric Reviews* 32(1), 7-34.
    .. [2] Bullen, P. S. (2003). *Handbook of Means and Their Inequalities*.
       Kluwer, chapter III (power means and their limit at p = 0).

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, GeneralizedMean
    >>> ctx = AggregationContext("index", ("a", "b"), ("u1",))
    >>> GeneralizedMean(p=2)(np.array([[1.0, 7.0]]), np.array([1.0, 1.0]), ctx).round(12).tolist()
    [5.0]
    >>> GeneralizedMean(p=1e-20)(np.array([[1.0, 100.0]]), np.array([1.0, 1.0]), ctx).round(12)
    array([10.])
    """

    p: float
    name: ClassVar[str] = "generalized"

    def __post_init__(self) -> None:
        _check_real("GeneralizedMean", "p", self.p)

    @property
    def power(self) -> float:
        """The order ``p`` (0 when ``|p| < 1e-200``, where the mean is the geometric one)."""
        p = float(self.p)
        return 0.0 if abs(p) < GEOMETRIC_BELOW else p

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        p = self.power
        # The special orders go to their own classes, as the compiled engine does too.
        if p == 0:
            return Geometric()(X, w, ctx)
        if p == 1:
            return Arithmetic()(X, w, ctx)
        if p == -1:
            return Harmonic()(X, w, ctx)
        A, wv, obs = _prepare(X, w, ctx)
        _check_domain(A, obs, ctx, strict=p < 0, method=f"generalized mean of order {p:g}")
        Wn, valid = _renormalised(wv, obs)
        c = power_scale(A, obs, p)
        # Missing cells become c (term exactly 1, weight 0).
        e, s = power_terms(np.where(obs, A, c[:, None]), c[:, None], p)
        E = _rsum(Wn * e, axis=1)
        S = _rsum(Wn * s, axis=1)
        return _finish(power_mean_from_terms(E, S, c, p), valid)


# --------------------------------------------------------------------------- others


@dataclass(frozen=True)
class WeightedMedian(Aggregator):
    """Weighted median of each unit's available children.

    Convention (pinned): sort the unit's available values ascending with their
    weights renormalised to sum 1, and take the first value at which the
    cumulative weight reaches 1/2. If the cumulative weight there equals 1/2
    (within 1e-12), return the mean of that value and the next one, so that
    equal weights give the ordinary median. Children with weight 0 are ignored.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, WeightedMedian
    >>> ctx = AggregationContext("index", ("a", "b", "c", "d"), ("u1", "u2"))
    >>> X = np.array([[4.0, 1.0, 3.0, 2.0], [4.0, 1.0, 3.0, 2.0]])
    >>> WeightedMedian()(X, np.array([1.0, 1.0, 1.0, 1.0]), ctx).tolist()
    [2.5, 2.5]
    >>> WeightedMedian()(X, np.array([3.0, 1.0, 1.0, 1.0]), ctx).tolist()
    [3.5, 3.5]
    """

    name: ClassVar[str] = "median"

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, obs = _prepare(X, w, ctx)
        included = obs & (wv > 0)
        Wn, valid = _renormalised(wv, included)
        # Excluded cells sort last with weight 0, so they never reach 1/2 first.
        key = np.where(included, A, np.inf)
        order = np.argsort(key, axis=1, kind="stable")
        xs = np.take_along_axis(key, order, axis=1)
        cum = np.cumsum(np.take_along_axis(Wn, order, axis=1), axis=1)
        rows = np.arange(A.shape[0])
        k = np.argmax(cum >= 0.5 - _HALF_TOL, axis=1)
        at_half = np.abs(cum[rows, k] - 0.5) <= _HALF_TOL
        nxt = xs[rows, np.minimum(k + 1, A.shape[1] - 1)]
        median = np.where(at_half & np.isfinite(nxt), (xs[rows, k] + nxt) / 2, xs[rows, k])
        return _finish(median, valid)


@dataclass(frozen=True)
class MazziottaPareto(Aggregator):
    """Mazziotta-Pareto index ``M + penalty * S * cv``.

    For each unit, ``M`` is the weighted mean of its available values, ``S`` the
    weighted *population* standard deviation ``sqrt(sum(w * (x - M)**2))`` and
    ``cv = S / M``, with ``w`` renormalised to sum 1 over the available values.
    ``penalty=-1`` gives MPI- (unbalanced profiles are penalised, the usual
    choice for "more is better" indices), ``+1`` gives MPI+. With equal weights
    this is the index of Mazziotta & Pareto (2016).

    The index assumes comparable, positive inputs: standardise first, typically
    with ``ZScore(mean=100, sd=10)`` as Mazziotta & Pareto do.

    Parameters
    ----------
    penalty : float, default -1
        Sign and size of the penalty; must be finite.

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for a non-finite or non-numeric ``penalty``.
    MethodError
        When called, if a unit's mean ``M`` is <= 0 (``cv`` undefined).

    References
    ----------
    .. [1] Mazziotta, M. and Pareto, A. (2016). On a generalized non-compensatory
       composite index for measuring socio-economic phenomena. *Social
       Indicators Research* 127(3), 983-1003.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, MazziottaPareto
    >>> ctx = AggregationContext("index", ("a", "b"), ("u1", "u2"))
    >>> X = np.array([[90.0, 110.0], [100.0, 100.0]])
    >>> MazziottaPareto()(X, np.array([1.0, 1.0]), ctx).tolist()
    [99.0, 100.0]
    """

    penalty: float = -1.0
    name: ClassVar[str] = "mazziotta_pareto"

    def __post_init__(self) -> None:
        _check_real("MazziottaPareto", "penalty", self.penalty)

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, obs = _prepare(X, w, ctx)
        Wn, valid = _renormalised(wv, obs)
        M = _rsum(Wn * np.where(obs, A, 0.0), axis=1)
        bad = np.flatnonzero(valid & (M <= 0))
        if bad.size:
            units = [ctx.units[i] for i in bad]
            raise MethodError(
                f"The Mazziotta-Pareto index at node {ctx.node!r} needs a positive mean, but the "
                f"weighted mean is {float(M[bad[0]])!r} for unit(s) {_fmt_labels(units)}. "
                "Standardise first, e.g. ZScore(mean=100, sd=10)."
            )
        dev = np.where(obs, A - M[:, None], 0.0)
        S = np.sqrt(_rsum(Wn * dev**2, axis=1))
        cv = S / np.where(valid, M, 1.0)
        return _finish(M + self.penalty * S * cv, valid)


@dataclass(frozen=True)
class Copeland(Aggregator):
    """Copeland score from weighted pairwise outranking of the units.

    For units ``i`` and ``j``, the outranking share ``s_ij`` is the weight of the
    children where ``x_i > x_j`` plus half the weight where ``x_i == x_j``, over
    the children observed for both, with the weights renormalised over them.
    ``i`` beats ``j`` if ``s_ij > 1/2``, loses if ``s_ij < 1/2`` and ties
    otherwise (within 1e-12). The Copeland score is wins minus losses, an
    integer in ``[-(n-1), n-1]``. Pairs with no commonly observed child of
    positive weight are not compared.

    COINr's ``a_copeland`` instead returns the row sums of the outranking matrix,
    ``sum_{j != i} s_ij``: choose it with ``score="outranking"``. Without missing
    values the two implementations agree; with missing values COINr does not
    renormalise the weights over the commonly observed children, spindex does.

    The pairwise comparison holds arrays of ``n_units**2 * n_children`` floats,
    about ``40 * n_units**2 * n_children`` bytes at peak (200 MB for 500 units and
    20 children).

    Parameters
    ----------
    score : {"copeland", "outranking"}, default "copeland"
        Wins minus losses, or the row sum of the outranking matrix.

    Raises
    ------
    ParameterError
        On construction, for an unknown ``score``.

    References
    ----------
    .. [1] Munda, G. and Nardo, M. (2009). Noncompensatory/nonlinear composite
       indicators for ranking countries: a defensible setting. *Applied
       Economics* 41(12), 1513-1523.
    .. [2] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, p. 112.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, Copeland
    >>> ctx = AggregationContext("index", ("a", "b", "c"), ("u1", "u2", "u3"))
    >>> X = np.array([[3.0, 3.0, 1.0], [2.0, 2.0, 2.0], [1.0, 1.0, 3.0]])
    >>> Copeland()(X, np.array([1.0, 1.0, 1.0]), ctx).tolist()
    [2.0, 0.0, -2.0]
    """

    score: Literal["copeland", "outranking"] = "copeland"
    name: ClassVar[str] = "copeland"

    def __post_init__(self) -> None:
        if self.score not in ("copeland", "outranking"):
            raise ParameterError(
                "The 'score' parameter of Copeland must be one of {'copeland', 'outranking'}. "
                f"Got {self.score!r} instead."
            )

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, obs = _prepare(X, w, ctx)
        _, _, valid = _available_weights(wv, obs)
        both = obs[:, None, :] & obs[None, :, :]
        Wp = np.where(both, wv, 0.0)
        total = _rsum(Wp, axis=2)
        comparable = total > 0
        np.fill_diagonal(comparable, False)
        Wn = Wp / np.where(comparable, total, 1.0)[:, :, None]
        Af = np.where(obs, A, 0.0)
        left, right = Af[:, None, :], Af[None, :, :]
        share = _rsum(Wn * (left > right), axis=2) + _rsum(Wn * (left == right), axis=2) / 2
        if self.score == "outranking":
            result = _rsum(np.where(comparable, share, 0.0), axis=1)
        else:
            wins = comparable & (share > 0.5 + _HALF_TOL)
            losses = comparable & (share < 0.5 - _HALF_TOL)
            result = (wins.sum(axis=1) - losses.sum(axis=1)).astype(np.float64)
        return _finish(result, valid)


_FUNCTION_CONTRACT = (
    "An aggregation function takes f(X, w), X the children's values (units x children, NaN "
    "for missing) and w their weights, and returns one real, finite value per unit."
)


@dataclass(frozen=True)
class FunctionAggregator(Aggregator):
    """A user function ``func(X, w)`` returning one value per unit.

    Parameters
    ----------
    func : callable
        ``func(X, w)`` with ``X`` of shape (n_units, n_children) (``NaN`` for
        missing values) and the raw weights ``w`` of shape (n_children,);
        returns an array of shape (n_units,). It receives copies, so it cannot
        alter the inputs; missing values and weight renormalisation are its job.

    Raises
    ------
    SpindexTypeError
        On construction, if ``func`` is not callable.
    MethodError
        When called, if ``func`` cannot be called as ``func(X, w)`` or raises (the
        exception is chained), or if the output is not numeric, is complex, has the
        wrong shape or holds infinite values.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import AggregationContext, FunctionAggregator
    >>> ctx = AggregationContext("index", ("a", "b"), ("u1", "u2"))
    >>> worst = FunctionAggregator(lambda X, w: np.nanmin(X, axis=1))
    >>> worst(np.array([[1.0, 5.0], [7.0, 3.0]]), np.array([1.0, 1.0]), ctx).tolist()
    [1.0, 3.0]
    """

    func: Callable[[FloatArray, FloatArray], FloatArray]
    name: ClassVar[str] = "function"

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise SpindexTypeError(
                f"FunctionAggregator needs a callable. Got {type(self.func).__name__} instead."
            )

    def __call__(self, X: FloatArray, w: FloatArray, ctx: AggregationContext) -> FloatArray:
        A, wv, _ = _prepare(X, w, ctx)
        label = callable_label(self.func)
        y = call_user(self.func, (A.copy(), wv.copy()), role="aggregation function",
                      subject=f"node {ctx.node!r}", contract=_FUNCTION_CONTRACT)
        if y.shape != (A.shape[0],):
            raise MethodError(
                f"The aggregation function {label} returned shape {y.shape} at node "
                f"{ctx.node!r}; expected ({A.shape[0]},), one value per unit."
            )
        if np.isinf(y).any():
            units = [ctx.units[i] for i in np.flatnonzero(np.isinf(y))]
            raise MethodError(
                f"The aggregation function {label} returned infinite values at node "
                f"{ctx.node!r} for unit(s) {_fmt_labels(units)}."
            )
        return y


# --------------------------------------------------------------------------- registry

AGGREGATORS: dict[str, type[Aggregator]] = {
    cls.name: cls
    for cls in (
        Arithmetic,
        Geometric,
        Harmonic,
        GeneralizedMean,
        WeightedMedian,
        MazziottaPareto,
        Copeland,
    )
}
"""Aggregator classes by name. ``FunctionAggregator`` is reached by passing a callable."""

_AGGREGATOR_ALIASES = {
    "generalised": "generalized",
    "mpi": "mazziotta_pareto",
}


def get_aggregator(
    spec: str | Aggregator | Callable[[FloatArray, FloatArray], FloatArray],
) -> Aggregator:
    """Resolve an aggregation specification to an :class:`Aggregator`.

    Parameters
    ----------
    spec : str, Aggregator or callable
        A name from :data:`AGGREGATORS` (or one of the aliases ``"generalised"``,
        ``"mpi"``), giving the method with default parameters; an aggregator
        instance, returned as is; or a function ``func(X, w)``, wrapped in
        :class:`FunctionAggregator`.

    Returns
    -------
    Aggregator

    Raises
    ------
    ParameterError
        For an unknown name, or the name of a method with a required parameter
        (``"generalized"`` needs ``p``).
    SpindexTypeError
        For anything else.

    Examples
    --------
    >>> from spindex.methods import get_aggregator
    >>> get_aggregator("geometric").power
    0.0
    """
    if isinstance(spec, Aggregator):
        return spec
    if isinstance(spec, str):
        key = _AGGREGATOR_ALIASES.get(spec, spec)
        if key not in AGGREGATORS:
            raise ParameterError(
                f"The 'aggregate' method must be one of {_fmt_names(AGGREGATORS)} or a "
                f"callable. Got {spec!r} instead."
            )
        cls = AGGREGATORS[key]
        required = _required_fields(cls)
        if required:
            raise ParameterError(
                f"The aggregator {key!r} needs the parameter(s) {', '.join(required)}; "
                f"pass an instance such as {cls.__name__}({required[0]}=...) instead of its name."
            )
        return cls()
    if callable(spec):
        return FunctionAggregator(spec)
    raise SpindexTypeError(
        "The 'aggregate' method must be a name, an Aggregator or a callable. "
        f"Got {type(spec).__name__} {spec!r} instead."
    )
