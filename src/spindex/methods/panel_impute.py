"""Imputation of panel data: over time within each unit, or across units within each period.

Pure functions of numpy arrays. The time methods take an array whose first axis is time
(periods in increasing order) and any further axes (typically units x indicators); each
series ``X[:, i, j]`` is imputed on its own, all series at once. The cross-sectional
method applies one of the imputers of :mod:`spindex.methods.impute` to each period of a
(periods x units x indicators) array.

Time methods
------------
``"locf"``
    Last observation carried forward: a missing value takes the latest observed value
    before it (COINr's ``impute_panel(imp_type = "latest")``). Values before the first
    observation stay missing.
``"nocb"``
    Next observation carried backward: a missing value takes the next observed value.
    Values after the last observation stay missing.
``"linear"``
    Linear interpolation between the observations on either side,
    ``y0 + (y1 - y0) * (t - t0) / (t1 - t0)`` with the times ``t`` of the periods (R's
    ``approx``). Only gaps with an observation on both sides are filled.
``"linear_constant"``
    Linear inside, constant at the ends: interior gaps are interpolated, values before
    the first observation take the first one and values after the last take the last
    one (COINr's ``imp_type = "linear"``, i.e. ``approx(rule = 2)``).
``"constant"``
    Carried inside, constant at the ends: interior gaps and values after the last
    observation take the previous observation, values before the first take the first
    one (COINr's ``imp_type = "constant"``).

A series with a single observation is filled with that value by ``"linear_constant"``
and ``"constant"`` everywhere, by ``"locf"`` after it and by ``"nocb"`` before it;
``"linear"`` has no interior gap to fill (COINr issue #63). A series with no observation
stays missing.

Gaps
----
A *gap* is a maximal run of consecutive missing periods of one series (one unit and one
indicator), counted in periods of the panel, whatever the time between them: in
``[1, nan, nan, 4, nan]`` the first gap has length 2 (periods 1-2) and the second length 1
(the trailing period 4). Runs before the first and after the last observation are gaps too.
With ``max_gap = k``, only gaps of length at most ``k`` are filled; a longer gap stays
entirely missing (it is not partly filled). This is ``maxgap`` of R's ``zoo::na.locf`` and
``zoo::na.approx``; COINr's ``max_time`` instead fills the first ``k`` periods of a longer
gap.

References
----------
.. [1] Becker, W. et al. (2022). COINr: an R package for developing composite indicators.
   *Journal of Open Source Software* 7(78), 4567 (``impute_panel``).
.. [2] Zeileis, A. and Grothendieck, G. (2005). zoo: S3 infrastructure for regular and
   irregular time series. *Journal of Statistical Software* 14(6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from spindex.errors import DataError, MethodError, ParameterError, SpindexError, SpindexTypeError
from spindex.methods._base import FloatArray
from spindex.methods.impute import ImputationContext, Imputer, get_imputer
from spindex.methods.normalize import _fmt_names

__all__ = [
    "TIME_METHODS",
    "PanelImputation",
    "TimeImputer",
    "gap_lengths",
    "impute_cross_section",
    "impute_time",
]

TimeMethod = Literal["locf", "nocb", "linear", "linear_constant", "constant"]
TIME_METHODS: tuple[str, ...] = ("locf", "nocb", "linear", "linear_constant", "constant")
"""Names of the methods that impute over time."""


class PanelImputation(NamedTuple):
    """What a panel imputation did.

    Attributes
    ----------
    values : ndarray
        The imputed array (same shape as the input); observed values are unchanged.
    imputed : ndarray of bool
        True where a missing value was filled.
    before, after : ndarray of int
        For each filled value, the position along the time axis of the observation it was
        taken from before and after it (both for a linear interpolation); -1 where none was
        used (and everywhere for a cross-sectional method).
    """

    values: FloatArray
    imputed: NDArray[np.bool_]
    before: NDArray[np.intp]
    after: NDArray[np.intp]


def _check_max_gap(owner: str, max_gap: object) -> int | None:
    if max_gap is None:
        return None
    if isinstance(max_gap, bool) or not isinstance(max_gap, int | np.integer):
        raise SpindexTypeError(
            f"The 'max_gap' parameter of {owner} must be a positive integer (a number of "
            f"consecutive missing periods) or None. Got {type(max_gap).__name__} {max_gap!r} "
            "instead."
        )
    if max_gap < 1:
        raise ParameterError(
            f"The 'max_gap' parameter of {owner} must be at least 1 (None: no limit). Got "
            f"{max_gap} instead."
        )
    return int(max_gap)


def _check_method(owner: str, method: object) -> str:
    if method not in TIME_METHODS:
        raise ParameterError(
            f"The 'method' parameter of {owner} must be one of {_fmt_names(TIME_METHODS)}. "
            f"Got {method!r} instead."
        )
    return str(method)


def _as_series(X: object) -> FloatArray:
    try:
        A = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SpindexTypeError(
            f"Panel imputation needs a numeric array with time on the first axis: {exc}"
        ) from exc
    if A.ndim < 1 or A.shape[0] == 0:
        raise DataError(
            f"Panel imputation needs an array with at least one period on its first axis; got "
            f"shape {A.shape}."
        )
    if np.isinf(A).any():
        where = tuple(int(i) for i in np.argwhere(np.isinf(A))[0])
        raise DataError(
            f"Panel imputation met an infinite value at position {where}; use NaN for a "
            "missing value."
        )
    return A


def _check_times(times: object, n_periods: int) -> FloatArray:
    if times is None:
        return np.arange(n_periods, dtype=np.float64)
    t = np.asarray(times, dtype=np.float64)
    if t.shape != (n_periods,):
        raise DataError(
            f"The 'times' must give one time per period ({n_periods}); got shape {t.shape}."
        )
    if not np.isfinite(t).all() or (np.diff(t) <= 0).any():
        raise DataError(
            f"The 'times' must be finite and strictly increasing; got {t.tolist()}."
        )
    return t


def gap_lengths(X: object) -> NDArray[np.intp]:
    """Length of the gap each missing value belongs to (0 for an observed value).

    Parameters
    ----------
    X : array_like
        Time on the first axis, ``NaN`` for a missing value.

    Returns
    -------
    ndarray of int
        Same shape as ``X``: for each missing value, the number of consecutive missing
        periods of its series around and including it.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.panel_impute import gap_lengths
    >>> gap_lengths([1.0, np.nan, np.nan, 4.0, np.nan]).tolist()
    [0, 2, 2, 0, 1]
    """
    A = _as_series(X)
    prev, nxt = _neighbours(A.reshape(A.shape[0], -1))
    gap = np.where(np.isnan(A.reshape(A.shape[0], -1)), nxt - prev - 1, 0)
    return gap.reshape(A.shape).astype(np.intp)


def _neighbours(flat: FloatArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Position of the last observation at or before, and the next at or after, each cell
    (-1 and n_periods where there is none)."""
    n = flat.shape[0]
    observed = ~np.isnan(flat)
    position = np.arange(n)[:, None]
    prev = np.maximum.accumulate(np.where(observed, position, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(observed, position, n)[::-1], axis=0)[::-1]
    return prev.astype(np.intp), nxt.astype(np.intp)


def impute_time(
    X: object,
    method: TimeMethod | str = "locf",
    *,
    max_gap: int | None = None,
    times: Sequence[float] | FloatArray | None = None,
) -> PanelImputation:
    """Impute missing values of each series from the same series at other periods.

    Parameters
    ----------
    X : array_like of shape (n_periods, ...)
        Time on the first axis, in increasing order; ``NaN`` marks a missing value. Every
        position of the further axes (e.g. every unit and indicator) is a separate series.
    method : {"locf", "nocb", "linear", "linear_constant", "constant"}, default "locf"
        See the module documentation.
    max_gap : int, optional
        Fill only gaps (runs of consecutive missing periods) of at most this many periods;
        longer gaps stay missing. ``None``: no limit.
    times : sequence of float, optional
        Time of each period, for linear interpolation (strictly increasing). Default:
        ``0, 1, 2, ...`` (equally spaced periods). Gaps are counted in periods whatever
        the times.

    Returns
    -------
    PanelImputation
        The imputed array, the mask of filled values and the periods they came from.

    Raises
    ------
    ParameterError
        For an unknown method or ``max_gap < 1``.
    SpindexTypeError
        For a non-integer ``max_gap`` or a non-numeric array.
    DataError
        For an empty or infinite array, or times that are not strictly increasing.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.panel_impute import impute_time
    >>> x = [np.nan, 2.0, np.nan, np.nan, 8.0, np.nan]
    >>> impute_time(x, "locf").values.tolist()
    [nan, 2.0, 2.0, 2.0, 8.0, 8.0]
    >>> impute_time(x, "linear").values.tolist()
    [nan, 2.0, 4.0, 6.0, 8.0, nan]
    >>> impute_time(x, "linear_constant", max_gap=1).values.tolist()
    [2.0, 2.0, nan, nan, 8.0, 8.0]
    """
    method = _check_method("impute_time", method)
    limit = _check_max_gap("impute_time", max_gap)
    A = _as_series(X)
    n = A.shape[0]
    t = _check_times(times, n)
    flat = A.reshape(n, -1)
    prev, nxt = _neighbours(flat)
    missing = np.isnan(flat)
    fillable = missing if limit is None else missing & (nxt - prev - 1 <= limit)
    has_prev = prev >= 0
    has_next = nxt < n
    cols = np.arange(flat.shape[1])[None, :]
    prev_c = np.clip(prev, 0, n - 1)
    next_c = np.clip(nxt, 0, n - 1)
    y0 = flat[prev_c, cols]
    y1 = flat[next_c, cols]
    interior = fillable & has_prev & has_next
    if method == "locf":
        use_prev, use_next, use_line = fillable & has_prev, np.zeros_like(missing), None
    elif method == "nocb":
        use_prev, use_next, use_line = np.zeros_like(missing), fillable & has_next, None
    elif method == "linear":
        use_prev, use_next, use_line = np.zeros_like(missing), np.zeros_like(missing), interior
    elif method == "constant":
        use_prev = fillable & has_prev
        use_next, use_line = fillable & ~has_prev & has_next, None
    else:  # linear_constant
        use_prev = fillable & has_prev & ~has_next
        use_next = fillable & ~has_prev & has_next
        use_line = interior
    out = flat.copy()
    out[use_prev] = y0[use_prev]
    out[use_next] = y1[use_next]
    before = np.where(use_prev, prev, -1)
    after = np.where(use_next, nxt, -1)
    if use_line is not None and use_line.any():
        t0 = t[prev_c]
        t1 = t[next_c]
        tt = np.broadcast_to(t[:, None], flat.shape)
        # R's approx: y0 + (y1 - y0) * ((t - t0) / (t1 - t0)), in this order.
        with np.errstate(invalid="ignore", divide="ignore"):
            line = y0 + (y1 - y0) * ((tt - t0) / (t1 - t0))
        out[use_line] = line[use_line]
        before = np.where(use_line, prev, before)
        after = np.where(use_line, nxt, after)
    imputed = missing & ~np.isnan(out)
    return PanelImputation(
        values=out.reshape(A.shape),
        imputed=imputed.reshape(A.shape),
        before=before.reshape(A.shape).astype(np.intp),
        after=after.reshape(A.shape).astype(np.intp),
    )


@dataclass(frozen=True)
class TimeImputer:
    """Imputation over time, as a value object (for :func:`spindex.panel.score_panel`).

    Parameters
    ----------
    method : {"locf", "nocb", "linear", "linear_constant", "constant"}, default "locf"
        See the module documentation.
    max_gap : int, optional
        Fill only gaps of at most this many consecutive missing periods.

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for an unknown method or an invalid ``max_gap``.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.panel_impute import TimeImputer
    >>> TimeImputer("nocb", max_gap=2)([np.nan, np.nan, np.nan, 1.0]).values.tolist()
    [nan, nan, nan, 1.0]
    """

    method: TimeMethod | str = "locf"
    max_gap: int | None = None

    def __post_init__(self) -> None:
        _check_method("TimeImputer", self.method)
        _check_max_gap("TimeImputer", self.max_gap)

    @property
    def name(self) -> str:
        """The method name, with the gap limit if any (for reports)."""
        return self.method if self.max_gap is None else f"{self.method}(max_gap={self.max_gap})"

    def __call__(
        self, X: object, times: Sequence[float] | FloatArray | None = None
    ) -> PanelImputation:
        """Impute ``X`` (time on the first axis); see :func:`impute_time`."""
        return impute_time(X, self.method, max_gap=self.max_gap, times=times)


def impute_cross_section(
    X: object,
    imputer: Imputer | str | object,
    *,
    present: NDArray[np.bool_] | None = None,
    codes: Sequence[str] | None = None,
    units: Sequence[str] | None = None,
    groups: NDArray[np.intp] | None = None,
    group_labels: Sequence[str] = (),
    group_column: str | None = None,
    periods: Sequence[str] | None = None,
) -> PanelImputation:
    """Impute each period from the other units of the same period.

    Parameters
    ----------
    X : array_like of shape (n_periods, n_units, n_indicators)
        ``NaN`` marks a missing value.
    imputer : str, Imputer or callable
        Anything :func:`spindex.methods.impute.get_imputer` accepts: ``"mean"``,
        ``"median"``, ``GroupMean("column")``, ``GroupMedian("column")`` or a function of
        one indicator.
    present : ndarray of bool, shape (n_periods, n_units), optional
        Which units are in the panel at each period; absent units are neither imputed nor
        used. Default: all.
    codes, units : sequence of str, optional
        Indicator codes and unit labels, for messages (default ``"0"``, ``"1"``, ...).
    groups : ndarray of int, shape (n_periods, n_units), optional
        Group number of each unit at each period (-1: none), for grouped imputers.
    group_labels : sequence of str
        Label of each group number.
    group_column : str, optional
        Name of the grouping column, for messages.
    periods : sequence of str, optional
        Period labels, for messages.

    Returns
    -------
    PanelImputation
        ``before`` and ``after`` are -1 everywhere.

    Raises
    ------
    DataError
        For an array that is not 3-D or arguments of the wrong shape.
    MethodError, DataError
        As the imputer raises them, with the period named.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.panel_impute import impute_cross_section
    >>> X = np.array([[[1.0], [np.nan], [3.0]], [[10.0], [20.0], [np.nan]]])
    >>> impute_cross_section(X, "mean").values[:, :, 0].tolist()
    [[1.0, 2.0, 3.0], [10.0, 20.0, 15.0]]
    """
    method = get_imputer(imputer)  # type: ignore[arg-type]
    A = _as_series(X)
    if A.ndim != 3:
        raise DataError(
            "Cross-sectional panel imputation needs a (periods x units x indicators) array; "
            f"got shape {A.shape}."
        )
    n_t, n_u, n_k = A.shape
    mask = np.ones((n_t, n_u), dtype=bool) if present is None else np.asarray(present, bool)
    if mask.shape != (n_t, n_u):
        raise DataError(f"'present' must have shape {(n_t, n_u)}; got {mask.shape}.")
    group_array = None if groups is None else np.asarray(groups, dtype=np.intp)
    if group_array is not None and group_array.shape != (n_t, n_u):
        raise DataError(f"'groups' must have shape {(n_t, n_u)}; got {group_array.shape}.")
    code_labels = tuple(codes) if codes is not None else tuple(str(j) for j in range(n_k))
    unit_labels = tuple(units) if units is not None else tuple(str(i) for i in range(n_u))
    period_labels = tuple(periods) if periods is not None else tuple(str(t) for t in range(n_t))
    out = A.copy()
    # One pass per period (a handful), each vectorised over units and indicators.
    for t in range(n_t):
        rows = np.flatnonzero(mask[t])
        block = A[t, rows]
        if rows.size == 0 or not np.isnan(block).any():
            continue
        ctx = ImputationContext(
            codes=code_labels, units=tuple(unit_labels[i] for i in rows),
            groups=None if group_array is None else group_array[t, rows],
            group_labels=tuple(group_labels), group_column=group_column,
        )
        try:
            result = np.asarray(method(block, ctx), dtype=np.float64)
        except SpindexError as exc:
            raise type(exc)(f"In period {period_labels[t]}: {exc}") from exc
        if result.shape != block.shape:
            raise MethodError(
                f"The imputer {method.name} returned shape {result.shape} in period "
                f"{period_labels[t]}; expected {block.shape}."
            )
        filled = np.where(np.isnan(block), result, block)
        if np.isinf(filled).any():
            j = int(np.argwhere(np.isinf(filled))[0, 1])
            raise MethodError(
                f"The imputer {method.name} produced an infinite value for indicator "
                f"{code_labels[j]!r} in period {period_labels[t]}."
            )
        out[t, rows] = filled
    imputed = np.isnan(A) & ~np.isnan(out)
    none = np.full(A.shape, -1, dtype=np.intp)
    return PanelImputation(values=out, imputed=imputed, before=none, after=none.copy())
