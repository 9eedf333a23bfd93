"""Normalisation methods: bring indicators onto a common scale, column by column.

Every normaliser is an immutable value object (a frozen dataclass deriving from
:class:`Normalizer`) with a class-level ``name`` and a ``__call__(X, ctx)`` that
maps a matrix of indicator values (units x indicators, directions already
applied, ``NaN`` for a missing value) to a new matrix of the same shape. Missing
values stay missing; the input is never modified.

The definitions follow COINr 1.1.14 (``n_minmax``, ``n_zscore``, ``n_scaled``,
``n_rank``, ``n_borda``, ``n_prank``, ``n_goalposts``, ``n_dist2max``,
``n_fracmax``, ``n_dist2ref``, ``n_dist2targ``), with the same order of
floating-point operations, so that results agree with it digit for digit. Where
COINr returns ``NaN`` with a warning (a constant column under min-max, a missing
reference value, ...) spindex raises :class:`~spindex.errors.MethodError` naming
the indicator instead.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 5.
.. [2] Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimas, E. and
   Saisana, M. (2022). COINr: an R package for developing composite indicators.
   *Journal of Open Source Software* 7(78), 4567.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

import numpy as np

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex._frozen import FrozenMapping
from spindex._values import keyed_items
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods._base import FloatArray, NormalizationContext, call_user, callable_label

__all__ = [
    "NORMALIZERS",
    "Borda",
    "DistanceToMax",
    "DistanceToReference",
    "DistanceToTarget",
    "FractionOfMax",
    "FunctionNormalizer",
    "Goalposts",
    "Identity",
    "MinMax",
    "Normalizer",
    "PercentileRank",
    "Rank",
    "Scaled",
    "ZScore",
    "get_normalizer",
]

ConstantPolicy = Literal["error", "midpoint"]
_CONSTANT_POLICIES = ("error", "midpoint")

# Numbers given per indicator: one value for all, a mapping code -> value, or
# None to read them from the framework's metadata.
PerIndicator: TypeAlias = float | Mapping[str, float] | None


class Normalizer(ABC):
    """Base class of the normalisers.

    Subclass it (as a frozen dataclass) to write a normaliser that needs the
    context (codes, units, directions, metadata); a plain function of one column
    can be wrapped in :class:`FunctionNormalizer` instead.

    Attributes
    ----------
    name : str
        Short name of the method, used in reports and by :func:`get_normalizer`.
    """

    name: ClassVar[str]

    @abstractmethod
    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        """Normalise the columns of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_units, n_indicators)
            Indicator values with directions applied; ``NaN`` marks a missing value.
        ctx : NormalizationContext
            Indicator codes, unit labels, directions and metadata.

        Returns
        -------
        ndarray of shape (n_units, n_indicators)
            A new array; missing values stay missing.
        """


# --------------------------------------------------------------------------- helpers


def _fmt_labels(labels: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(label) for label in labels[:limit])
    if len(labels) > limit:
        shown += f" and {len(labels) - limit} more"
    return shown


def _fmt_names(names: Iterable[str]) -> str:
    # Built by hand because the order of a printed set varies from run to run.
    return "{" + ", ".join(repr(name) for name in names) + "}"


def _check_real(owner: str, pname: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SpindexTypeError(
            f"The '{pname}' parameter of {owner} must be a real number. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    number = float(value)
    if not np.isfinite(number):
        raise ParameterError(
            f"The '{pname}' parameter of {owner} must be finite. Got {number!r} instead."
        )
    return number


def _check_constant_policy(owner: str, value: object) -> None:
    if value not in _CONSTANT_POLICIES:
        raise ParameterError(
            f"The 'constant' parameter of {owner} must be one of {_fmt_names(_CONSTANT_POLICIES)}. "
            f"Got {value!r} instead."
        )


def _check_per_indicator(owner: str, pname: str, value: object) -> PerIndicator:
    """Validate a scalar / mapping / None parameter and freeze a mapping."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        # keyed_items refuses keys 1 and "1", which str() would merge into one entry in
        # silence.
        checked = {str(k): _check_real(owner, f"{pname}[{k!r}]", v)
                   for k, v in keyed_items(value, f"The '{pname}' mapping of {owner}")}
        # A read-only copy keeps the frozen dataclass immutable even if the caller
        # later edits the dict they passed.
        return FrozenMapping(checked)
    return _check_real(owner, pname, value)


def _rsum(a: np.ndarray, axis: int) -> FloatArray:
    """Sum like R's ``sum()``: accumulate in long double, round once to double.

    Where ``np.longdouble`` is the 80-bit x87 type (Linux and Intel macOS) this
    reproduces COINr's sums bit for bit; elsewhere it is a plain double sum and
    results differ from COINr by rounding only.
    """
    return np.asarray(np.sum(a, axis=axis, dtype=np.longdouble), dtype=np.float64)


def _r_mean_sd(A: FloatArray, observed: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """Column means and sample sds of the observed values, computed as R does.

    R's ``mean()`` adds a second-pass correction in long double, and ``sd()``
    forms and sums the squared deviations from that mean in long double; following
    both makes ZScore agree with COINr's ``n_zscore`` digit for digit.
    """
    n = observed.sum(axis=0)
    acc = np.sum(np.where(observed, A, 0.0), axis=0, dtype=np.longdouble) / n
    correction = np.sum(np.where(observed, A - acc, 0.0), axis=0, dtype=np.longdouble)
    mean = np.asarray(acc + correction / n, dtype=np.float64)
    dev = A.astype(np.longdouble) - mean.astype(np.longdouble)
    squares = np.sum(np.where(observed, dev * dev, 0.0), axis=0, dtype=np.longdouble)
    # n - 1 is clipped to 1 because single-observation columns are handled by the caller.
    var = np.asarray(squares / np.maximum(n - 1, 1), dtype=np.float64)
    return mean, np.sqrt(var)


def _as_matrix(X: FloatArray, ctx: NormalizationContext) -> FloatArray:
    A = _as_2d(X, ctx)
    _refuse_empty(np.sum(~np.isnan(A), axis=0) == 0, ctx)
    return A


def _as_2d(X: FloatArray, ctx: NormalizationContext) -> FloatArray:
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2 or A.shape[1] != len(ctx.codes):
        raise DataError(
            f"A normaliser needs a 2-D array with one column per indicator code "
            f"({len(ctx.codes)} codes); got an array of shape {A.shape}."
        )
    return A


def _refuse_empty(empty_columns: np.ndarray, ctx: NormalizationContext) -> None:
    empty = [ctx.codes[j] for j in np.flatnonzero(empty_columns)]
    if empty:
        raise MethodError(
            f"Indicator(s) {_fmt_labels(empty)} have no observed value, so they cannot be "
            "normalised. Remove them or supply data before normalising."
        )


def _constant_columns(A: FloatArray) -> np.ndarray:
    """Boolean mask of columns whose observed values are all equal (range 0)."""
    # Compare min and max rather than testing sd == 0: a column of equal values
    # can have a tiny nonzero floating-point sd.
    return np.asarray(np.nanmax(A, axis=0) == np.nanmin(A, axis=0))


def _raise_constant(
    A: FloatArray, const: np.ndarray, ctx: NormalizationContext, method: str, fallback: str
) -> None:
    cols = np.flatnonzero(const)
    j0 = int(cols[0])
    value = float(np.nanmax(A[:, j0]))
    if cols.size == 1:
        what = f"Indicator {ctx.codes[j0]!r} is constant (every observed value equals {value!r})"
    else:
        codes = _fmt_labels([ctx.codes[j] for j in cols])
        what = (
            f"Indicators {codes} are constant (e.g. every observed value of {ctx.codes[j0]!r} "
            f"equals {value!r})"
        )
    raise MethodError(
        f"{what}, so {method} is undefined. Drop the indicator, or use {fallback} for the "
        "documented fallback."
    )


def _resolve_per_indicator(
    value: PerIndicator, meta_key: str, pname: str, owner: str, ctx: NormalizationContext
) -> FloatArray:
    """One raw-unit number per column from a scalar, a mapping or ctx.meta."""
    k = len(ctx.codes)
    if value is None:
        if meta_key not in ctx.meta:
            raise MethodError(
                f"{owner} was given no '{pname}' and the framework has no '{meta_key}' "
                f"for indicator(s) {_fmt_labels(list(ctx.codes))}. Pass '{pname}' or add a "
                f"'{meta_key}' column to the framework."
            )
        out = np.asarray(ctx.meta[meta_key], dtype=np.float64).copy()
        if out.shape != (k,):
            raise DataError(
                f"Metadata '{meta_key}' has shape {out.shape}, expected ({k},), one value "
                "per indicator."
            )
        source = f"the framework's '{meta_key}'"
    elif isinstance(value, Mapping):
        out = np.array([value.get(code, np.nan) for code in ctx.codes], dtype=np.float64)
        source = f"the '{pname}' mapping"
    else:
        out = np.full(k, float(value))
        source = f"'{pname}'"
    missing = [ctx.codes[j] for j in np.flatnonzero(np.isnan(out))]
    if missing:
        raise MethodError(
            f"{owner} has no {pname} for indicator(s) {_fmt_labels(missing)} in {source}. "
            f"Give a {pname} for every indicator normalised with it."
        )
    return out


# --------------------------------------------------------------------------- data-driven


@dataclass(frozen=True)
class Identity(Normalizer):
    """No normalisation: the directed values are returned unchanged.

    COINr's ``f_n = "none"``. Useful when the data are already on a common
    scale, or to aggregate raw positive values (e.g. a raw geometric mean).
    Direction -1 indicators arrive negated, as for every normaliser.

    Raises
    ------
    MethodError
        For a column without any observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import Identity, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b"), np.ones(1))
    >>> Identity()(np.array([[3.0], [np.nan]]), ctx).ravel().tolist()
    [3.0, nan]
    """

    name: ClassVar[str] = "none"

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        return _as_matrix(X, ctx).copy()


@dataclass(frozen=True)
class MinMax(Normalizer):
    """Min-max normalisation onto ``[low, high]``.

    ``(x - min) / (max - min) * (high - low) + low``, column by column, with the
    minimum and maximum of the observed values (COINr ``n_minmax``).

    Parameters
    ----------
    low, high : float, default 0 and 100
        Bounds of the output scale; ``high`` must exceed ``low``.
    constant : {"error", "midpoint"}, default "error"
        What to do with a constant (or single-observation) column, whose range is
        0: raise :class:`~spindex.errors.MethodError` naming it, or map all its
        observed values to ``(low + high) / 2``.

    Raises
    ------
    ParameterError
        On construction, if ``high <= low``, a bound is not finite or
        ``constant`` is unknown.
    MethodError
        When called, for a constant column (unless ``constant="midpoint"``) or a
        column without any observed value.

    Notes
    -----
    Scores of every unit change when a unit is added or removed, because the
    minimum and maximum are taken over the units present.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, p. 85.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import MinMax, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> MinMax()(np.array([[1.0], [2.0], [5.0]]), ctx).ravel().tolist()
    [0.0, 25.0, 100.0]
    """

    low: float = 0.0
    high: float = 100.0
    constant: ConstantPolicy = "error"
    name: ClassVar[str] = "minmax"

    def __post_init__(self) -> None:
        low = _check_real("MinMax", "low", self.low)
        high = _check_real("MinMax", "high", self.high)
        if high <= low:
            raise ParameterError(
                f"MinMax needs high > low. Got low={low!r}, high={high!r} instead."
            )
        _check_constant_policy("MinMax", self.constant)

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_2d(X, ctx)
        if A.shape[0] == 0:
            _refuse_empty(np.ones(A.shape[1], dtype=bool), ctx)
        # fmin/fmax skip NaN without nanmin's masked copy; a column with no observed value
        # is the one whose minimum is NaN, and is refused.
        mn = np.fmin.reduce(A, axis=0)
        _refuse_empty(np.isnan(mn), ctx)
        mx = np.fmax.reduce(A, axis=0)
        const = mx == mn
        if const.any() and self.constant == "error":
            _raise_constant(A, const, ctx, "min-max normalisation", "MinMax(constant='midpoint')")
        rng = np.where(const, 1.0, mx - mn)
        # The formula (A - mn) / rng * (high - low) + low, step by step in one buffer: the
        # same roundings, without three temporaries the size of the data.
        out = np.subtract(A, mn)
        out /= rng
        out *= self.high - self.low
        if self.low != 0:  # adding 0 changes no value (high > low, so none is -0.0)
            out += self.low
        out[:, const] = np.where(np.isnan(A[:, const]), np.nan, (self.low + self.high) / 2)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class ZScore(Normalizer):
    """Standardisation to mean ``mean`` and standard deviation ``sd``.

    ``(x - mean(x)) / sd(x) * sd + mean`` with the sample standard deviation
    (``n - 1`` denominator) of the observed values (COINr ``n_zscore``). COINr's
    vignettes use ``mean=10, sd=2``; Mazziotta & Pareto use ``mean=100, sd=10``.

    Each column is first multiplied by the power of two that brings its largest
    absolute value into [1/2, 1). This is exact, so results are bit for bit those of
    the plain formula, but columns of order 1e300 (whose squares overflow) or 1e-300
    are standardised as well as any other: the z-scores of ``c * x`` equal those of
    ``x`` for any ``c > 0``.

    Parameters
    ----------
    mean : float, default 0
        Mean of the output.
    sd : float, default 1
        Standard deviation of the output; must be positive.
    constant : {"error", "midpoint"}, default "error"
        What to do with a constant (or single-observation) column, whose sample
        standard deviation is 0 or undefined: raise, or map all its observed
        values to ``mean``.

    Raises
    ------
    ParameterError
        On construction, if ``sd <= 0``, a parameter is not finite or
        ``constant`` is unknown.
    MethodError
        When called, for a constant column (unless ``constant="midpoint"``) or a
        column without any observed value.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, p. 84.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import NormalizationContext, ZScore
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> ZScore(mean=10, sd=2)(np.array([[1.0], [2.0], [3.0]]), ctx).ravel().tolist()
    [8.0, 10.0, 12.0]
    """

    mean: float = 0.0
    sd: float = 1.0
    constant: ConstantPolicy = "error"
    name: ClassVar[str] = "zscore"

    def __post_init__(self) -> None:
        _check_real("ZScore", "mean", self.mean)
        sd = _check_real("ZScore", "sd", self.sd)
        if sd <= 0:
            raise ParameterError(f"The 'sd' parameter of ZScore must be > 0. Got {sd!r} instead.")
        _check_constant_policy("ZScore", self.constant)

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        const = _constant_columns(A)
        if const.any() and self.constant == "error":
            _raise_constant(A, const, ctx, "the z-score", "ZScore(constant='midpoint')")
        observed = ~np.isnan(A)
        # Each column is scaled by the power of two that brings its largest |x| into
        # [1/2, 1): exact, so the result is bit for bit the unscaled one (and COINr's), but
        # the squares in the sd can neither overflow (values of 1e300) nor underflow (1e-300).
        _, exponent = np.frexp(np.max(np.where(observed, np.abs(A), 0.0), axis=0))
        A = np.ldexp(A, -exponent)
        mu, s = _r_mean_sd(A, observed)
        s = np.where(const, 1.0, s)
        out = (A - mu) / s * self.sd + self.mean
        out[:, const] = np.where(np.isnan(A[:, const]), np.nan, self.mean)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class Scaled(Normalizer):
    """Linear rescaling with fixed bounds: ``(x - low) / (high - low) * scale``.

    Unlike :class:`MinMax`, ``low`` and ``high`` are fixed numbers, not taken
    from the data, so a unit's score does not depend on the other units
    (COINr ``n_scaled``). They apply to the directed values (``-x`` for a
    direction -1 indicator); use :class:`Goalposts` for bounds in raw units.

    Parameters
    ----------
    low, high : float, default 0 and 100
        Values mapped to 0 and ``scale``; ``high`` must exceed ``low``.
    scale : float, default 100
        Multiplier of the result.

    Raises
    ------
    ParameterError
        On construction, if ``high <= low`` or a parameter is not finite.
    MethodError
        When called, for a column without any observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import NormalizationContext, Scaled
    >>> ctx = NormalizationContext(("gdp",), ("a", "b"), np.ones(1))
    >>> Scaled(low=0, high=10)(np.array([[2.0], [15.0]]), ctx).ravel().tolist()
    [20.0, 150.0]
    """

    low: float = 0.0
    high: float = 100.0
    scale: float = 100.0
    name: ClassVar[str] = "scaled"

    def __post_init__(self) -> None:
        low = _check_real("Scaled", "low", self.low)
        high = _check_real("Scaled", "high", self.high)
        _check_real("Scaled", "scale", self.scale)
        if high <= low:
            raise ParameterError(
                f"Scaled needs high > low. Got low={low!r}, high={high!r} instead."
            )

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        return np.asarray((A - self.low) / (self.high - self.low) * self.scale, dtype=np.float64)


def _min_ranks(A: FloatArray) -> FloatArray:
    from scipy.stats import rankdata
    return np.asarray(rankdata(A, method="min", axis=0, nan_policy="omit"), dtype=np.float64)


@dataclass(frozen=True)
class Rank(Normalizer):
    """Rank of each unit in ascending order of the directed values.

    The lowest value gets rank 1, so the best unit gets the highest rank; tied
    values share the lowest of their ranks ("min" ties, as COINr ``n_rank``).
    Missing values stay missing and are not counted.

    Raises
    ------
    MethodError
        For a column without any observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import NormalizationContext, Rank
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c", "d"), np.ones(1))
    >>> Rank()(np.array([[3.0], [1.0], [3.0], [np.nan]]), ctx).ravel().tolist()
    [2.0, 1.0, 2.0, nan]
    """

    name: ClassVar[str] = "rank"

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        return _min_ranks(_as_matrix(X, ctx))


@dataclass(frozen=True)
class Borda(Normalizer):
    """Borda score: ``rank - 1`` with "min" ties (COINr ``n_borda``).

    The worst unit scores 0; a unit scores the number of units it strictly beats.

    Raises
    ------
    MethodError
        For a column without any observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import Borda, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> Borda()(np.array([[3.0], [1.0], [3.0]]), ctx).ravel().tolist()
    [1.0, 0.0, 1.0]
    """

    name: ClassVar[str] = "borda"

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        return _min_ranks(_as_matrix(X, ctx)) - 1


@dataclass(frozen=True)
class PercentileRank(Normalizer):
    """Percentile rank ``(rank - 1) / (n - 1)`` with "min" ties (COINr ``n_prank``).

    ``n`` is the number of observed values in the column, so scores lie in
    ``[0, 1]``.

    Parameters
    ----------
    constant : {"error", "midpoint"}, default "error"
        What to do with a constant (or single-observation) column: raise, or give
        all its observed values 0.5. (COINr returns 0 for a constant column with
        several observations and ``NaN`` for a single one.)

    Raises
    ------
    ParameterError
        On construction, for an unknown ``constant``.
    MethodError
        When called, for a constant column (unless ``constant="midpoint"``) or a
        column without any observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import NormalizationContext, PercentileRank
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> PercentileRank()(np.array([[3.0], [1.0], [2.0]]), ctx).ravel().tolist()
    [1.0, 0.0, 0.5]
    """

    constant: ConstantPolicy = "error"
    name: ClassVar[str] = "percentile"

    def __post_init__(self) -> None:
        _check_constant_policy("PercentileRank", self.constant)

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        const = _constant_columns(A)
        if const.any() and self.constant == "error":
            _raise_constant(
                A, const, ctx, "the percentile rank", "PercentileRank(constant='midpoint')"
            )
        n = np.sum(~np.isnan(A), axis=0)
        out = (_min_ranks(A) - 1) / np.where(const, 1, n - 1)
        out[:, const] = np.where(np.isnan(A[:, const]), np.nan, 0.5)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class DistanceToMax(Normalizer):
    """Distance to the best unit: ``1 - (max - x) / (max - min)`` (COINr ``n_dist2max``).

    Scores lie in ``[0, 1]``, the best unit scoring 1.

    Parameters
    ----------
    constant : {"error", "midpoint"}, default "error"
        What to do with a constant (or single-observation) column: raise, or give
        all its observed values 0.5, the midpoint of the output range. (For
        consistency with the other normalisers the fallback is the midpoint,
        not 1.)

    Raises
    ------
    ParameterError
        On construction, for an unknown ``constant``.
    MethodError
        When called, for a constant column (unless ``constant="midpoint"``) or a
        column without any observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import DistanceToMax, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> DistanceToMax()(np.array([[1.0], [2.0], [5.0]]), ctx).ravel().tolist()
    [0.0, 0.25, 1.0]
    """

    constant: ConstantPolicy = "error"
    name: ClassVar[str] = "distance_to_max"

    def __post_init__(self) -> None:
        _check_constant_policy("DistanceToMax", self.constant)

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        mn = np.nanmin(A, axis=0)
        mx = np.nanmax(A, axis=0)
        const = mx == mn
        if const.any() and self.constant == "error":
            _raise_constant(
                A, const, ctx, "the distance to the maximum", "DistanceToMax(constant='midpoint')"
            )
        out = 1 - (mx - A) / np.where(const, 1.0, mx - mn)
        out[:, const] = np.where(np.isnan(A[:, const]), np.nan, 0.5)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class FractionOfMax(Normalizer):
    """Fraction of the best value: ``x / max`` (COINr ``n_fracmax``).

    Only meaningful for positive data. The directions are applied first, so the
    values of a direction -1 indicator are ``-x``: if all of them are negative the
    maximum is not positive and the call is refused. Do not set such an indicator's
    direction to +1 to get past the error: that would score its worst unit best.
    Use a normaliser that handles directions (:class:`MinMax`,
    :class:`DistanceToMax`, :class:`Rank`), or, if a ratio to the best is wanted,
    give the indicator as a "more is better" quantity (for example its reciprocal)
    with direction +1.

    Raises
    ------
    MethodError
        When the maximum of a column is <= 0, or a column has no observed value.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import FractionOfMax, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> FractionOfMax()(np.array([[1.0], [2.0], [4.0]]), ctx).ravel().tolist()
    [0.25, 0.5, 1.0]
    """

    name: ClassVar[str] = "fraction_of_max"

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        mx = np.nanmax(A, axis=0)
        bad = np.flatnonzero(mx <= 0)
        if bad.size:
            j = int(bad[0])
            direction = float(ctx.directions[j])
            if direction < 0:
                remedy = (
                    "Keep its direction -1 (setting it to +1 would rank the worst unit first) "
                    "and normalise it with MinMax, DistanceToMax or Rank, which handle "
                    "directions; or, for a ratio to the best, supply a 'more is better' "
                    "version of it (e.g. its reciprocal) with direction +1."
                )
            else:
                remedy = "Use MinMax or DistanceToMax, which need no positive maximum."
            raise MethodError(
                f"Fraction of max needs a positive maximum, but indicator {ctx.codes[j]!r} has "
                f"maximum {float(mx[j])!r} (after applying its direction {direction:+g}). "
                f"{remedy}"
            )
        return np.asarray(A / mx, dtype=np.float64)


@dataclass(frozen=True)
class DistanceToReference(Normalizer):
    """Distance to a reference unit: ``1 - (x_ref - x) / (x_ref - min)`` (COINr ``n_dist2ref``).

    The reference unit scores 1 and the worst unit 0; units better than the
    reference score above 1 unless ``cap`` is set.

    Parameters
    ----------
    unit : str
        Label of the reference unit, matched against the unit labels.
    cap : bool, default False
        Cap scores at 1.

    Raises
    ------
    SpindexTypeError
        On construction, if ``unit`` is not a string or ``cap`` not a bool.
    MethodError
        When called, if the unit is unknown, its value is missing for an
        indicator, or it holds the minimum of an indicator (zero denominator).

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import DistanceToReference, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> norm = DistanceToReference("b", cap=True)
    >>> norm(np.array([[1.0], [3.0], [5.0]]), ctx).ravel().tolist()
    [0.0, 1.0, 1.0]
    """

    unit: str
    cap: bool = False
    name: ClassVar[str] = "distance_to_reference"

    def __post_init__(self) -> None:
        if not isinstance(self.unit, str):
            raise SpindexTypeError(
                "The 'unit' parameter of DistanceToReference must be a unit label (str). "
                f"Got {type(self.unit).__name__} {self.unit!r} instead."
            )
        if not isinstance(self.cap, bool | np.bool_):
            raise SpindexTypeError(
                f"The 'cap' parameter of DistanceToReference must be a bool. Got {self.cap!r}."
            )

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        if self.unit not in ctx.units:
            raise MethodError(
                f"The reference unit {self.unit!r} of DistanceToReference is not among the "
                f"units ({_fmt_labels(list(ctx.units))})."
            )
        ref = A[ctx.units.index(self.unit)]
        missing = [ctx.codes[j] for j in np.flatnonzero(np.isnan(ref))]
        if missing:
            raise MethodError(
                f"The reference unit {self.unit!r} has no value for indicator(s) "
                f"{_fmt_labels(missing)}. Impute it or choose another reference unit."
            )
        mn = np.nanmin(A, axis=0)
        at_min = [ctx.codes[j] for j in np.flatnonzero(ref == mn)]
        if at_min:
            raise MethodError(
                f"The reference unit {self.unit!r} has the lowest value of indicator(s) "
                f"{_fmt_labels(at_min)}, so the distance to it is undefined (x_ref - min = 0). "
                "Choose another reference unit."
            )
        out = 1 - (ref - A) / (ref - mn)
        if self.cap:
            out = np.minimum(out, 1.0)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class DistanceToTarget(Normalizer):
    """Distance to a target: ``1 - (t - x) / (t - min)`` (COINr ``n_dist2targ``).

    Targets are given in the raw units of each indicator; for a direction -1
    indicator the directed target ``-t`` is used, like the values. A unit at the
    target scores 1 and the worst unit 0; a target below the worst value gives
    negative scores.

    Parameters
    ----------
    targets : float, mapping of str to float, or None, default None
        One target for all indicators, a target per indicator code, or None to
        read them from the framework metadata ``ctx.meta["target"]``.
    cap : bool, default False
        Cap scores at 1 (units beyond the target score 1).

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for a non-finite or non-numeric target.
    MethodError
        When called, if an indicator has no target, or its target equals its
        minimum (zero denominator).

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import DistanceToTarget, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b", "c"), np.ones(1))
    >>> DistanceToTarget(targets=4.0)(np.array([[0.0], [2.0], [6.0]]), ctx).ravel().tolist()
    [0.0, 0.5, 1.5]
    """

    targets: PerIndicator = field(default=None, hash=False)
    cap: bool = False
    name: ClassVar[str] = "distance_to_target"

    def __post_init__(self) -> None:
        frozen = _check_per_indicator("DistanceToTarget", "targets", self.targets)
        object.__setattr__(self, "targets", frozen)
        if not isinstance(self.cap, bool | np.bool_):
            raise SpindexTypeError(
                f"The 'cap' parameter of DistanceToTarget must be a bool. Got {self.cap!r}."
            )

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        t_raw = _resolve_per_indicator(self.targets, "target", "target", "DistanceToTarget", ctx)
        t = np.asarray(ctx.directions, dtype=np.float64) * t_raw
        mn = np.nanmin(A, axis=0)
        at_min = [ctx.codes[j] for j in np.flatnonzero(t == mn)]
        if at_min:
            raise MethodError(
                f"The target of indicator(s) {_fmt_labels(at_min)} equals the worst observed "
                "value, so the distance to target is undefined (target - min = 0). Check the "
                "target and the indicator's direction."
            )
        out = 1 - (t - A) / (t - mn)
        if self.cap:
            out = np.minimum(out, 1.0)
        return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class Goalposts(Normalizer):
    """Goalpost normalisation with fixed bounds in raw units (COINr ``n_goalposts``).

    For direction +1, ``(x - low) / (high - low)``; for direction -1 the
    goalposts are mirrored, ``(high - x) / (high - low)``, where ``x`` is the raw
    (undirected) value, so ``low`` is the worst value for +1 and the best for -1.
    The result is truncated to ``[0, 1]`` when ``truncate`` is set, then
    multiplied by ``scale``. Scores of a unit do not depend on the other units.

    Parameters
    ----------
    low, high : float, mapping of str to float, or None, default None
        Goalposts in raw units: one value for all indicators, a value per
        indicator code, or None to read ``ctx.meta["goalpost_low"]`` /
        ``ctx.meta["goalpost_high"]`` from the framework.
    scale : float, default 100
        Multiplier of the result.
    truncate : bool, default True
        Clip values beyond the goalposts to the goalposts.

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for non-finite or non-numeric goalposts.
    MethodError
        When called, if an indicator has no goalpost, or ``high <= low`` for it.

    References
    ----------
    .. [1] UNDP (2023). *Human Development Report, Technical notes*, Technical
       note 1 (dimension indices).

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import Goalposts, NormalizationContext
    >>> ctx = NormalizationContext(("life", "mortality"), ("a", "b"), np.array([1.0, -1.0]))
    >>> raw = np.array([[20.0, 10.0], [85.0, 40.0]])
    >>> norm = Goalposts(low={"life": 20, "mortality": 0}, high={"life": 85, "mortality": 50})
    >>> norm(raw * ctx.directions, ctx).tolist()
    [[0.0, 80.0], [100.0, 20.0]]
    """

    low: PerIndicator = field(default=None, hash=False)
    high: PerIndicator = field(default=None, hash=False)
    scale: float = 100.0
    truncate: bool = True
    name: ClassVar[str] = "goalposts"

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", _check_per_indicator("Goalposts", "low", self.low))
        object.__setattr__(self, "high", _check_per_indicator("Goalposts", "high", self.high))
        _check_real("Goalposts", "scale", self.scale)
        if not isinstance(self.truncate, bool | np.bool_):
            raise SpindexTypeError(
                f"The 'truncate' parameter of Goalposts must be a bool. Got {self.truncate!r}."
            )
        if isinstance(self.low, float) and isinstance(self.high, float) and self.high <= self.low:
            raise ParameterError(
                f"Goalposts needs high > low. Got low={self.low!r}, high={self.high!r} instead."
            )

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        lo = _resolve_per_indicator(self.low, "goalpost_low", "low", "Goalposts", ctx)
        hi = _resolve_per_indicator(self.high, "goalpost_high", "high", "Goalposts", ctx)
        bad = np.flatnonzero(hi <= lo)
        if bad.size:
            j = int(bad[0])
            raise MethodError(
                f"Goalposts for indicator {ctx.codes[j]!r} need high > low (in raw units, "
                f"whatever the direction). Got low={float(lo[j])!r}, high={float(hi[j])!r}."
            )
        d = np.asarray(ctx.directions, dtype=np.float64)
        raw = A * d
        out = np.where(d > 0, raw - lo, hi - raw) / (hi - lo)
        if self.truncate:
            out = np.clip(out, 0.0, 1.0)
        return np.asarray(out * self.scale, dtype=np.float64)


_FUNCTION_CONTRACT = (
    "A normalisation function takes f(x), x one indicator as a 1-D float array (NaN for "
    "missing), and returns a real array of the same length, finite where x is observed."
)


@dataclass(frozen=True)
class FunctionNormalizer(Normalizer):
    """A user function of one column, applied to every column.

    Parameters
    ----------
    func : callable
        ``func(x)`` takes a 1-D float array (one indicator, directions applied,
        ``NaN`` for missing values) and returns a 1-D array of the same length.
        It receives a copy, so it cannot alter the data.

    Raises
    ------
    SpindexTypeError
        On construction, if ``func`` is not callable.
    MethodError
        When called, if ``func`` cannot be called with one argument or raises (the
        exception is chained), or if the output has the wrong shape, is not numeric,
        is complex, or is not finite where the input was observed. Positions missing
        in the input are set to ``NaN`` in the output whatever ``func`` returns there.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods import FunctionNormalizer, NormalizationContext
    >>> ctx = NormalizationContext(("gdp",), ("a", "b"), np.ones(1))
    >>> FunctionNormalizer(np.sqrt)(np.array([[4.0], [9.0]]), ctx).ravel().tolist()
    [2.0, 3.0]
    """

    func: Callable[[FloatArray], FloatArray]
    name: ClassVar[str] = "function"

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise SpindexTypeError(
                f"FunctionNormalizer needs a callable. Got {type(self.func).__name__} instead."
            )

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        out = np.empty_like(A)
        label = callable_label(self.func)
        # A user function sees one indicator at a time, so the loop is over columns.
        for j, code in enumerate(ctx.codes):
            col = A[:, j]
            y = call_user(self.func, (col.copy(),), role="normalisation function",
                          subject=f"indicator {code!r}", contract=_FUNCTION_CONTRACT)
            if y.shape != col.shape:
                raise MethodError(
                    f"The normalisation function {label} returned shape {y.shape} for indicator "
                    f"{code!r}; expected {col.shape}, one value per unit."
                )
            observed = ~np.isnan(col)
            bad = observed & ~np.isfinite(y)
            if bad.any():
                units = [ctx.units[i] for i in np.flatnonzero(bad)]
                raise MethodError(
                    f"The normalisation function {label} returned non-finite values for "
                    f"indicator {code!r} at observed unit(s) {_fmt_labels(units)}."
                )
            out[:, j] = np.where(observed, y, np.nan)
        return out


# --------------------------------------------------------------------------- registry

NORMALIZERS: dict[str, type[Normalizer]] = {
    cls.name: cls
    for cls in (
        MinMax,
        ZScore,
        Identity,
        Scaled,
        Rank,
        Borda,
        PercentileRank,
        Goalposts,
        DistanceToMax,
        FractionOfMax,
        DistanceToReference,
        DistanceToTarget,
    )
}
"""Normaliser classes by name. ``FunctionNormalizer`` is reached by passing a callable."""

_NORMALIZER_ALIASES = {
    "min_max": "minmax",
    "z_score": "zscore",
    "percentile_rank": "percentile",
}


def _required_fields(cls: type) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(cls)
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


def get_normalizer(spec: str | Normalizer | Callable[[FloatArray], FloatArray]) -> Normalizer:
    """Resolve a normalisation specification to a :class:`Normalizer`.

    Parameters
    ----------
    spec : str, Normalizer or callable
        A name from :data:`NORMALIZERS` (or one of the aliases ``"min_max"``,
        ``"z_score"``, ``"percentile_rank"``), giving the method with default
        parameters; a normaliser instance, returned as is; or a function of one
        column, wrapped in :class:`FunctionNormalizer`.

    Returns
    -------
    Normalizer

    Raises
    ------
    ParameterError
        For an unknown name, or the name of a method with a required parameter
        (``"distance_to_reference"``).
    SpindexTypeError
        For anything else.

    Examples
    --------
    >>> from spindex.methods import get_normalizer
    >>> get_normalizer("zscore")
    ZScore(mean=0.0, sd=1.0, constant='error')
    """
    if isinstance(spec, Normalizer):
        return spec
    if isinstance(spec, str):
        key = _NORMALIZER_ALIASES.get(spec, spec)
        if key not in NORMALIZERS:
            raise ParameterError(
                f"The 'normalize' method must be one of {_fmt_names(NORMALIZERS)} or a "
                f"callable. Got {spec!r} instead."
            )
        cls = NORMALIZERS[key]
        required = _required_fields(cls)
        if required:
            raise ParameterError(
                f"The normaliser {key!r} needs the parameter(s) {', '.join(required)}; "
                f"pass an instance such as {cls.__name__}({required[0]}=...) instead of its name."
            )
        return cls()
    if callable(spec):
        return FunctionNormalizer(spec)
    raise SpindexTypeError(
        "The 'normalize' method must be a name, a Normalizer or a callable. "
        f"Got {type(spec).__name__} {spec!r} instead."
    )
