"""Imputation: fill missing indicator values, never touching an observed one.

Every imputer is an immutable value object (a frozen dataclass deriving from
:class:`Imputer`) with a class-level ``name`` and a ``__call__(X, ctx)`` that maps
a matrix of indicator values (units x indicators, raw values, ``NaN`` for a
missing value) to a new matrix where missing values are filled. Observed values
are copied through unchanged whatever the method computes, so imputation can
never alter data. The input is never modified.

The methods follow COINr 1.1.14 (``i_mean``, ``i_median``, ``i_mean_grp``,
``i_median_grp``, column by column): a missing value gets the mean (median) of
the observed values of its indicator, over all units or over the units of its
group. Means are computed as R's ``mean()`` computes them (a long-double sum with
a second-pass correction), so imputed values agree with COINr digit for digit.
Unlike COINr, a group with no observed value for an indicator it must impute is
an error, not a silent ``NaN``.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 3.
.. [2] Becker, W. et al. (2022). COINr: an R package for developing composite
   indicators. *Journal of Open Source Software* 7(78), 4567.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from spindex._values import real_array
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods._base import FloatArray, call_user, callable_label
from spindex.methods.normalize import _fmt_labels, _fmt_names, _r_mean_sd

__all__ = [
    "IMPUTERS",
    "FunctionImputer",
    "GroupMean",
    "GroupMedian",
    "ImputationContext",
    "Imputer",
    "MeanImputer",
    "MedianImputer",
    "get_imputer",
]


@dataclass(frozen=True)
class ImputationContext:
    """What an imputer may know besides the values.

    Parameters
    ----------
    codes : tuple of str
        Indicator codes, one per column.
    units : tuple of str
        Unit labels, one per row.
    groups : ndarray of int, optional
        Group number of each unit (``-1``: no group), for grouped imputers.
    group_labels : tuple of str
        Label of each group number.
    group_column : str, optional
        Name of the grouping column, for messages.
    """

    codes: tuple[str, ...]
    units: tuple[str, ...]
    groups: np.ndarray | None = field(default=None, repr=False)
    group_labels: tuple[str, ...] = ()
    group_column: str | None = None


def context_for(codes: tuple[str, ...], n_units: int, groups: object = None) -> ImputationContext:
    """A neutral context for direct use of an imputer on an array.

    ``groups`` is one label per unit (any hashable; ``None`` for no group).
    """
    units = tuple(str(i) for i in range(n_units))
    if groups is None:
        return ImputationContext(tuple(codes), units)
    labels = list(groups)  # type: ignore[call-overload]
    uniques: list[object] = []
    numbers = np.full(len(labels), -1, dtype=np.intp)
    for i, lab in enumerate(labels):
        if lab is None:
            continue
        if lab not in uniques:
            uniques.append(lab)
        numbers[i] = uniques.index(lab)
    return ImputationContext(tuple(codes), units, numbers, tuple(str(u) for u in uniques), "group")


class Imputer(ABC):
    """Base class of the imputers.

    Attributes
    ----------
    name : str
        Short name, used in reports and by :func:`get_imputer`.
    """

    name: ClassVar[str]

    @property
    def by(self) -> str | None:
        """The grouping column the imputer needs, or None."""
        return None

    @abstractmethod
    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        """Fill the missing values of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_units, n_indicators)
            Indicator values; ``NaN`` marks a missing value.
        ctx : ImputationContext
            Codes, unit labels and, for grouped imputers, the groups.

        Returns
        -------
        ndarray of shape (n_units, n_indicators)
            A new array equal to ``X`` where ``X`` is observed.
        """


def _as_matrix(X: FloatArray, ctx: ImputationContext) -> FloatArray:
    A = real_array(X, "The values given to an imputer", allow_nan=True, error=DataError)
    if A.ndim != 2 or A.shape != (len(ctx.units), len(ctx.codes)):
        raise DataError(
            f"An imputer needs a 2-D array of {len(ctx.units)} units x {len(ctx.codes)} "
            f"indicators; got shape {A.shape}."
        )
    return A


def _column_stat(A: FloatArray, stat: str) -> FloatArray:
    """Mean (as R computes it) or median of the observed values of each column."""
    obs = ~np.isnan(A)
    out = np.full(A.shape[1], np.nan)
    has = obs.any(axis=0)
    if not has.any():
        return out
    B = A[:, has]
    if stat == "mean":
        out[has], _ = _r_mean_sd(B, obs[:, has])
    else:
        out[has] = np.nanmedian(B, axis=0)
    return out


def _fill(A: FloatArray, values: FloatArray) -> FloatArray:
    """A copy of A with its missing values replaced by ``values`` (broadcast)."""
    return np.where(np.isnan(A), values, A)


def _impute_all(A: FloatArray, ctx: ImputationContext, stat: str, name: str) -> FloatArray:
    values = _column_stat(A, stat)
    empty = [ctx.codes[j] for j in np.flatnonzero(np.isnan(values) & np.isnan(A).any(axis=0))]
    if empty:
        raise MethodError(
            f"Indicator(s) {_fmt_labels(empty)} have no observed value, so '{name}' imputation "
            "has nothing to impute from. Drop them from the framework or supply data."
        )
    return _fill(A, values[None, :])


def _impute_grouped(
    A: FloatArray, ctx: ImputationContext, stat: str, name: str, by: str
) -> FloatArray:
    if ctx.groups is None:
        raise MethodError(
            f"The '{name}' imputer needs the grouping column {by!r}, but no groups were given."
        )
    groups = np.asarray(ctx.groups)
    if groups.shape != (A.shape[0],):
        raise DataError(
            f"The groups must give one group per unit ({A.shape[0]}); got shape {groups.shape}."
        )
    missing = np.isnan(A)
    column = ctx.group_column or by
    needy = missing.any(axis=1) & (groups < 0)
    if needy.any():
        i = int(np.argmax(needy))
        codes = [ctx.codes[j] for j in np.flatnonzero(missing[i])]
        raise DataError(
            f"Unit {ctx.units[i]!r} has no value in the grouping column {column!r}, but its "
            f"indicator(s) {_fmt_labels(codes)} need imputing. Give it a group, or impute with "
            "'mean' or 'median'."
        )
    out = A.copy()
    # One pass per group (a handful), each vectorised over indicators.
    for g, label in enumerate(ctx.group_labels):
        rows = groups == g
        if not (missing[rows].any()):
            continue
        values = _column_stat(A[rows], stat)
        empty = np.isnan(values) & missing[rows].any(axis=0)
        if empty.any():
            j = int(np.argmax(empty))
            members = [ctx.units[i] for i in np.flatnonzero(rows)]
            raise MethodError(
                f"Indicator {ctx.codes[j]!r} has no observed value in group {label!r} of "
                f"{column!r} (units {_fmt_labels(members)}), so the group {stat} cannot impute "
                "its missing values. Use a coarser grouping, or impute with 'mean' or 'median'."
            )
        out[rows] = _fill(A[rows], values[None, :])
    return out


@dataclass(frozen=True)
class MeanImputer(Imputer):
    """Replace a missing value by the mean of its indicator's observed values (COINr ``i_mean``).

    Raises
    ------
    MethodError
        For an indicator with missing values and no observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import MeanImputer, context_for
    >>> MeanImputer()(np.array([[1.0], [np.nan], [5.0]]), context_for(("x",), 3)).ravel().tolist()
    [1.0, 3.0, 5.0]
    """

    name: ClassVar[str] = "mean"

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        return _impute_all(_as_matrix(X, ctx), ctx, "mean", self.name)


@dataclass(frozen=True)
class MedianImputer(Imputer):
    """Replace a missing value by the median of its indicator's observed values (``i_median``).

    Raises
    ------
    MethodError
        For an indicator with missing values and no observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import MedianImputer, context_for
    >>> X = np.array([[1.0], [np.nan], [2.0], [9.0]])
    >>> MedianImputer()(X, context_for(("x",), 4)).ravel().tolist()
    [1.0, 2.0, 2.0, 9.0]
    """

    name: ClassVar[str] = "median"

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        return _impute_all(_as_matrix(X, ctx), ctx, "median", self.name)


def _check_column(owner: str, by: object) -> None:
    if not isinstance(by, str) or not by:
        raise SpindexTypeError(
            f"The 'by' parameter of {owner} must be the name of a grouping column (str), e.g. "
            f"{owner}('EurAsia_group'). Got {by!r} instead."
        )


@dataclass(frozen=True)
class GroupMean(Imputer):
    """Replace a missing value by the mean of its indicator over the unit's group.

    COINr's ``i_mean_grp``: groups come from a column of the data table (for
    example a region), read by the pipeline next to the indicators.

    Parameters
    ----------
    column : str
        Name of the grouping column in the data table (also available as ``by``).

    Raises
    ------
    SpindexTypeError
        On construction, if ``by`` is not a column name.
    DataError
        When called, if a unit needing imputation has no group.
    MethodError
        When called, if a group has no observed value for an indicator it must impute.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import GroupMean, context_for
    >>> X = np.array([[1.0], [np.nan], [3.0], [10.0], [np.nan]])
    >>> ctx = context_for(("x",), 5, groups=["a", "a", "a", "b", "b"])
    >>> GroupMean("region")(X, ctx).ravel().tolist()
    [1.0, 2.0, 3.0, 10.0, 10.0]
    """

    column: str
    name: ClassVar[str] = "group_mean"

    def __post_init__(self) -> None:
        _check_column("GroupMean", self.column)

    @property
    def by(self) -> str:
        """The grouping column."""
        return self.column

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        return _impute_grouped(_as_matrix(X, ctx), ctx, "mean", self.name, self.column)


@dataclass(frozen=True)
class GroupMedian(Imputer):
    """Replace a missing value by the median of its indicator over the unit's group.

    COINr's ``i_median_grp``. See :class:`GroupMean`.

    Parameters
    ----------
    column : str
        Name of the grouping column in the data table (also available as ``by``).

    Raises
    ------
    SpindexTypeError, DataError, MethodError
        As :class:`GroupMean`.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import GroupMedian, context_for
    >>> X = np.array([[1.0], [np.nan], [3.0], [10.0], [np.nan]])
    >>> ctx = context_for(("x",), 5, groups=["a", "a", "a", "b", "b"])
    >>> GroupMedian("region")(X, ctx).ravel().tolist()
    [1.0, 2.0, 3.0, 10.0, 10.0]
    """

    column: str
    name: ClassVar[str] = "group_median"

    def __post_init__(self) -> None:
        _check_column("GroupMedian", self.column)

    @property
    def by(self) -> str:
        """The grouping column."""
        return self.column

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        return _impute_grouped(_as_matrix(X, ctx), ctx, "median", self.name, self.column)


_FUNCTION_CONTRACT = (
    "An imputation function takes f(x), x one indicator as a 1-D float array (NaN for "
    "missing), and returns a real array of the same length that keeps the observed values."
)


@dataclass(frozen=True)
class FunctionImputer(Imputer):
    """A user function of one indicator, applied to every indicator with missing values.

    Parameters
    ----------
    func : callable
        ``func(x)`` takes one indicator (a 1-D float array with ``NaN`` for missing
        values; a copy) and returns an array of the same length. Only its values
        at the missing positions are used; it may leave some of them ``NaN``.

    Raises
    ------
    SpindexTypeError
        On construction, if ``func`` is not callable.
    MethodError
        When called, if ``func`` cannot be called with one argument or raises (the
        exception is chained), or if the output is not numeric, is complex, has the
        wrong shape, changes an observed value (the function is probably wrong) or
        is infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import FunctionImputer, context_for
    >>> fill_zero = FunctionImputer(lambda x: np.nan_to_num(x, nan=0.0))
    >>> fill_zero(np.array([[1.0], [np.nan]]), context_for(("x",), 2)).ravel().tolist()
    [1.0, 0.0]
    """

    func: Callable[[FloatArray], FloatArray]
    name: ClassVar[str] = "function"

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise SpindexTypeError(
                f"FunctionImputer needs a callable. Got {type(self.func).__name__} instead."
            )

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        out = A.copy()
        label = callable_label(self.func)
        # A user function sees one indicator at a time, so the loop is over columns.
        for j in np.flatnonzero(np.isnan(A).any(axis=0)):
            col = A[:, j]
            y = call_user(self.func, (col.copy(),), role="imputation function",
                          subject=f"indicator {ctx.codes[j]!r}", contract=_FUNCTION_CONTRACT)
            if y.shape != col.shape:
                raise MethodError(
                    f"The imputation function {label} returned shape {y.shape} for indicator "
                    f"{ctx.codes[j]!r}; expected {col.shape}, one value per unit."
                )
            observed = ~np.isnan(col)
            changed = observed & ~(y == col)
            if changed.any():
                units = [ctx.units[i] for i in np.flatnonzero(changed)]
                raise MethodError(
                    f"The imputation function {label} changed observed values of indicator "
                    f"{ctx.codes[j]!r} (unit(s) {_fmt_labels(units)}). An imputer may only fill "
                    "missing values."
                )
            if np.isinf(y[~observed]).any():
                raise MethodError(
                    f"The imputation function {label} returned an infinite value for indicator "
                    f"{ctx.codes[j]!r}."
                )
            out[:, j] = np.where(observed, col, y)
        return out


IMPUTERS: dict[str, type[Imputer]] = {
    "mean": MeanImputer,
    "median": MedianImputer,
    "group_mean": GroupMean,
    "group_median": GroupMedian,
}
"""Imputer classes by name. The grouped ones need a column: pass ``GroupMean("region")``."""


def get_imputer(spec: str | Imputer | Callable[[FloatArray], FloatArray]) -> Imputer:
    """Resolve an imputation specification to an :class:`Imputer`.

    Parameters
    ----------
    spec : str, Imputer or callable
        ``"mean"`` or ``"median"``; an imputer instance (e.g. ``GroupMean("region")``),
        returned as is; or a function of one indicator, wrapped in :class:`FunctionImputer`.

    Returns
    -------
    Imputer

    Raises
    ------
    ParameterError
        For an unknown name, or a grouped method given by name (it needs its column).
    SpindexTypeError
        For anything else.

    Examples
    --------
    >>> from spindex.methods.impute import get_imputer
    >>> get_imputer("median")
    MedianImputer()
    """
    if isinstance(spec, Imputer):
        return spec
    if isinstance(spec, str):
        if spec in ("group_mean", "group_median"):
            cls = "GroupMean" if spec == "group_mean" else "GroupMedian"
            raise ParameterError(
                f"The imputer {spec!r} needs a grouping column; pass {cls}('column') instead of "
                "its name."
            )
        if spec not in IMPUTERS:
            raise ParameterError(
                f"The 'impute' method must be one of {_fmt_names(IMPUTERS)} or a callable. "
                f"Got {spec!r} instead."
            )
        return IMPUTERS[spec]()
    if callable(spec):
        return FunctionImputer(spec)
    raise SpindexTypeError(
        "The 'impute' method must be a name, an Imputer or a callable. "
        f"Got {type(spec).__name__} {spec!r} instead."
    )
