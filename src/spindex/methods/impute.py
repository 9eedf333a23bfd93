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

Two multivariate imputers borrow strength across indicators (OECD/JRC Handbook [1]_,
section 3, "multiple imputation" and "expectation-maximisation"): :class:`EMImputer`
fills each missing value with its conditional expectation under the multivariate normal
whose mean and covariance the EM algorithm of Dempster, Laird and Rubin [3]_ estimates by
maximum likelihood from all the observed values; :class:`KNNImputer` fills it with the
mean of the ``k`` most similar units (nearest on the standardised indicators both units
report) that observe it [4]_.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 3.
.. [2] Becker, W. et al. (2022). COINr: an R package for developing composite
   indicators. *Journal of Open Source Software* 7(78), 4567.
.. [3] Dempster, A. P., Laird, N. M. and Rubin, D. B. (1977). Maximum likelihood from
   incomplete data via the EM algorithm. *JRSS B* 39(1), 1-38; Little, R. J. A. and
   Rubin, D. B. (2019). *Statistical Analysis with Missing Data*, 3rd ed., Wiley, ch. 11.
.. [4] Troyanskaya, O. et al. (2001). Missing value estimation methods for DNA
   microarrays. *Bioinformatics* 17(6), 520-525.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex._values import real_array, real_number
from spindex.errors import (
    DataError,
    MethodError,
    ParameterError,
    SpindexTypeError,
    SpindexWarning,
)
from spindex.methods._base import FloatArray, call_user, callable_label
from spindex.methods.normalize import _fmt_labels, _fmt_names, _r_mean_sd
from spindex.methods.weight import ConvergenceWarning

__all__ = [
    "IMPUTERS",
    "EMEstimate",
    "EMImputer",
    "FunctionImputer",
    "GroupMean",
    "GroupMedian",
    "ImputationContext",
    "Imputer",
    "KNNImputer",
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


# ------------------------------------------------------------------ multivariate imputers
def _check_count(value: object, parameter: str, owner: str, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(
            f"The '{parameter}' parameter of {owner} must be a positive integer, e.g. "
            f"{owner}({example}). Got {value!r} instead."
        )
    return int(value)


def _no_empty_columns(A: FloatArray, ctx: ImputationContext, name: str) -> None:
    missing = np.isnan(A)
    empty = [ctx.codes[j] for j in np.flatnonzero(missing.all(axis=0))]
    if empty:
        raise MethodError(
            f"Indicator(s) {_fmt_labels(empty)} have no observed value, so '{name}' imputation "
            "has nothing to impute from. Drop them from the framework or supply data."
        )


def _standardise(A: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray]:
    """Observed mean and standard deviation of each column, the standardised values and
    which columns are constant (one distinct observed value: zero spread)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns checked before
        loc = np.nanmean(A, axis=0)
        scale = np.nanstd(A, axis=0)
    lo, hi = np.nanmin(A, axis=0), np.nanmax(A, axis=0)
    constant = lo == hi
    safe = np.where(constant, 1.0, scale)
    return loc, safe, (A - loc) / safe, constant


@dataclass(frozen=True, eq=False)
class EMEstimate:
    """The maximum-likelihood normal model of :meth:`EMImputer.estimate`.

    Attributes
    ----------
    mean : ndarray of shape (n_indicators,)
        Estimated mean of each indicator.
    cov : ndarray of shape (n_indicators, n_indicators)
        Estimated covariance (maximum likelihood: divisor ``n``, not ``n - 1``). Constant
        indicators have zero variance and covariance.
    values : ndarray of shape (n_units, n_indicators)
        The data with every missing value replaced by its conditional expectation
        given the unit's observed values, under (``mean``, ``cov``).
    iterations : int
        EM iterations run (0 when nothing was missing).
    converged : bool
        Whether the largest change of a standardised parameter fell below the tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import EMImputer
    >>> fit = EMImputer().estimate(np.array([[1.0, 1.0], [3.0, 3.0], [2.0, np.nan]]))
    >>> fit.values[2, 1].round(6), fit.cov.round(6).tolist()
    (np.float64(2.0), [[0.666667, 0.666667], [0.666667, 0.666667]])
    """

    mean: FloatArray
    cov: FloatArray
    values: FloatArray
    iterations: int
    converged: bool


def _regression(S_oo: FloatArray, S_om: FloatArray, ridge: float) -> FloatArray:
    """Coefficients ``B = S_mo (S_oo + ridge I)^-1`` of the missing on the observed values."""
    from scipy.linalg import cho_factor, cho_solve
    K = S_oo + ridge * np.eye(len(S_oo))
    try:
        factor = cho_factor(K, lower=True, check_finite=False)
        pivots = np.diag(factor[0]) ** 2
        if pivots.min() > 1e-12 * pivots.max():
            return cho_solve(factor, S_om, check_finite=False).T
    except np.linalg.LinAlgError:
        pass
    # Collinear indicators make S_oo (nearly) singular: the pseudo-inverse gives the
    # minimum-norm regression instead of one blown up by rounding.
    return S_om.T @ np.linalg.pinv(K, hermitian=True)


def _conditional_fill(
    Z: FloatArray, observed: np.ndarray, patterns: np.ndarray, inverse: np.ndarray,
    mu: FloatArray, S: FloatArray, ridge: float,
) -> tuple[FloatArray, FloatArray]:
    """E-step: conditional means of the missing values and the summed conditional
    covariances, one linear solve per missingness pattern (all its units at once)."""
    Zhat = np.where(observed, Z, 0.0)
    C = np.zeros_like(S)
    for g, miss in enumerate(patterns):
        if not miss.any():
            continue
        rows = np.flatnonzero(inverse == g)
        obs = ~miss
        S_mm = S[np.ix_(miss, miss)]
        if obs.any():
            B = _regression(S[np.ix_(obs, obs)], S[np.ix_(obs, miss)], ridge)
            Zhat[np.ix_(rows, miss)] = mu[miss] + (Z[np.ix_(rows, obs)] - mu[obs]) @ B.T
            cond = S_mm - B @ S[np.ix_(obs, miss)]
        else:
            Zhat[np.ix_(rows, miss)] = mu[miss]
            cond = S_mm
        C[np.ix_(miss, miss)] += len(rows) * cond
    return Zhat, C


def _em(Z: FloatArray, tol: float, max_iter: int, ridge: float
        ) -> tuple[FloatArray, FloatArray, FloatArray, int, bool]:
    """EM for the mean and covariance of a normal sample with values missing at random."""
    n, p = Z.shape
    observed = ~np.isnan(Z)
    patterns, inverse = np.unique(~observed, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Start from the observed means (0 after standardising) and unit variances, no correlation.
    mu = np.zeros(p)
    S = np.eye(p)
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        Zhat, C = _conditional_fill(Z, observed, patterns, inverse, mu, S, ridge)
        mu_new = Zhat.mean(axis=0)
        D = Zhat - mu_new
        S_new = (D.T @ D + C) / n
        S_new = (S_new + S_new.T) / 2.0
        delta = max(float(np.abs(mu_new - mu).max()), float(np.abs(S_new - S).max()))
        mu, S = mu_new, S_new
        if delta < tol:
            converged = True
            break
    Zhat, _ = _conditional_fill(Z, observed, patterns, inverse, mu, S, ridge)
    return mu, S, Zhat, iterations, converged


@dataclass(frozen=True)
class EMImputer(Imputer):
    """Fill missing values by EM under a multivariate normal model (``impute="em"``).

    The mean vector and covariance matrix of the indicators are estimated by maximum
    likelihood from every observed value with the EM algorithm (Dempster, Laird and Rubin
    1977; Little and Rubin 2019, section 11.2), assuming values are missing at random.
    Each missing value is then replaced by its conditional expectation given the unit's
    observed indicators. The E-step solves one linear system per pattern of missing
    values, for all the units sharing it. Estimation runs on indicators standardised by
    their observed mean and standard deviation (EM is affine-equivariant, so this only
    improves conditioning): the imputed values scale with the data.

    With values missing in one indicator only, the estimates are those of Anderson
    (1957): the imputed values are the least-squares predictions of that indicator from
    the others, fitted on the complete units.

    Parameters
    ----------
    tol : float, default 1e-10
        Convergence tolerance: EM stops when no standardised mean or covariance entry
        moves by ``tol`` or more in one iteration (entries are in units of the observed
        standard deviations). EM converges linearly, at a rate set by the fraction of
        missing information, so the error left is of the order of ``tol``.
    max_iter : int, default 1000
        Iteration cap. Reaching it without converging issues a ``ConvergenceWarning``
        and returns the last iterate.
    ridge : float, default 0.0
        Ridge regularisation of the E-step regressions (the regularised EM of Schneider
        2001, with a fixed ridge): the missing values are regressed on the observed ones
        with ``S_oo + ridge I`` in place of ``S_oo``, ``I`` in units of the observed
        variances. ``0`` is plain maximum likelihood. When there are nearly as many
        indicators as units (ASEM: 49 indicators, 51 units) the maximum-likelihood
        covariance is (nearly) singular, EM crawls and its estimate is ill-determined; a
        ridge of 0.01 to 0.1 makes the problem well posed and converge in tens of
        iterations, at the price of shrinking the imputed values towards the means.

    Notes
    -----
    An indicator whose observed values are all equal (including one observed value) is
    left out of the normal model, which would be singular, and its missing values take
    that value: its conditional expectation under any model with zero variance. A unit
    with no observed indicator gets the estimated means, with a ``SpindexWarning``.
    Collinear indicators (a singular covariance, e.g. more indicators than units) are
    handled by pseudo-inverses: the conditional expectation is then the minimum-norm one.

    Raises
    ------
    ParameterError
        On construction, for a ``tol`` that is not a positive finite number, a
        ``max_iter`` that is not a positive integer or a negative ``ridge``.
    MethodError
        When called, for an indicator with missing values and no observed value.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` iterations did not reach ``tol``.
    SpindexWarning
        When a unit has no observed indicator (it gets the estimated means).

    References
    ----------
    Anderson, T. W. (1957). Maximum likelihood estimates for a multivariate normal
    distribution when some observations are missing. *JASA* 52(278), 200-203.
    Dempster, A. P., Laird, N. M. and Rubin, D. B. (1977). *JRSS B* 39(1), 1-38.
    Little, R. J. A. and Rubin, D. B. (2019). *Statistical Analysis with Missing Data*,
    3rd ed., Wiley, sections 7.2 and 11.2.
    Schneider, T. (2001). Analysis of incomplete climate data: estimation of mean values
    and covariance matrices and imputation of missing values. *Journal of Climate* 14,
    853-871.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import EMImputer, context_for
    >>> X = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, np.nan]])
    >>> out = EMImputer()(X, context_for(("x", "y"), 4))
    >>> round(float(out[3, 1]), 6)  # the least-squares line of y on x, at x = 4
    7.9
    """

    tol: float = 1e-10
    max_iter: int = 1000
    ridge: float = 0.0
    name: ClassVar[str] = "em"

    def __post_init__(self) -> None:
        tol = real_number(self.tol, "The 'tol' parameter of EMImputer")
        if not tol > 0:
            raise ParameterError(
                "The 'tol' parameter of EMImputer must be a positive number, e.g. "
                f"EMImputer(tol=1e-8). Got {self.tol!r} instead."
            )
        object.__setattr__(self, "tol", tol)
        ridge = real_number(self.ridge, "The 'ridge' parameter of EMImputer")
        if ridge < 0:
            raise ParameterError(
                "The 'ridge' parameter of EMImputer must be zero (maximum likelihood) or a "
                f"positive number, e.g. EMImputer(ridge=0.05). Got {self.ridge!r} instead."
            )
        object.__setattr__(self, "ridge", ridge)
        object.__setattr__(self, "max_iter",
                           _check_count(self.max_iter, "max_iter", "EMImputer", "max_iter=500"))

    def estimate(self, X: FloatArray, ctx: ImputationContext | None = None) -> EMEstimate:
        """Fit the normal model to ``X`` and return it with the filled values.

        Parameters
        ----------
        X : ndarray of shape (n_units, n_indicators)
            Indicator values; ``NaN`` marks a missing value. Not modified.
        ctx : ImputationContext, optional
            Codes and units, for messages (default: positions).

        Returns
        -------
        EMEstimate

        Raises
        ------
        MethodError
            For an indicator with missing values and no observed value.

        Examples
        --------
        >>> import numpy as np
        >>> from spindex.methods.impute import EMImputer
        >>> fit = EMImputer().estimate(np.array([[0.0, 0.0], [2.0, 2.0], [4.0, np.nan]]))
        >>> fit.mean.round(6).tolist(), fit.converged
        ([2.0, 2.0], True)
        """
        if ctx is None:
            shape = np.shape(X)
            ctx = context_for(tuple(str(j) for j in range(shape[1] if len(shape) == 2 else 0)),
                              shape[0] if len(shape) == 2 else 0)
        A = _as_matrix(X, ctx)
        missing = np.isnan(A)
        _no_empty_columns(A, ctx, self.name)
        loc, scale, Z, constant = _standardise(A)
        n, p = A.shape
        mean = loc.copy()
        cov = np.zeros((p, p))
        values = np.where(missing & constant, loc, A)
        free = ~constant
        iterations, converged = 0, True
        needs = missing[:, free].any()
        if free.any():
            if needs:
                mu, S, Zhat, iterations, converged = _em(Z[:, free], self.tol, self.max_iter,
                                                         self.ridge)
            else:
                Zhat = Z[:, free]
                mu = Zhat.mean(axis=0)
                S = (Zhat - mu).T @ (Zhat - mu) / n
            sc = scale[free]
            mean[free] = loc[free] + sc * mu
            cov[np.ix_(free, free)] = S * np.outer(sc, sc)
            values[:, free] = np.where(missing[:, free], loc[free] + sc * Zhat, A[:, free])
        if not converged:
            warnings.warn(
                f"EM imputation did not converge in {self.max_iter} iterations (tol = "
                f"{self.tol:g}); the imputed values are those of the last iteration. Raise "
                "max_iter or loosen tol; with nearly as many indicators as units, or nearly "
                "collinear ones, regularise with EMImputer(ridge=0.05).",
                ConvergenceWarning, stacklevel=3,
            )
        empty_rows = [ctx.units[i] for i in np.flatnonzero(missing.all(axis=1))]
        if empty_rows and p > 1:
            warnings.warn(
                f"Unit(s) {_fmt_labels(empty_rows)} have no observed indicator, so EM "
                "imputation gives them the estimated mean of every indicator. Drop them, or "
                "screen units by coverage before imputing.",
                SpindexWarning, stacklevel=3,
            )
        return EMEstimate(mean, cov, values, iterations, converged)

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        return self.estimate(X, ctx).values


#: Entries (recipients x units x indicators) per block of the kNN distance computation:
#: 2**22 float64, 32 MiB, whatever the size of the data.
_KNN_BLOCK = 2**22


def _knn_distances(Z: FloatArray, rows: np.ndarray) -> FloatArray:
    """Root-mean-square difference of standardised values over the columns both units
    observe (``inf`` when they share none), from each of ``rows`` to every unit.

    Differences are taken directly (not through the expansion of the square) so that equal
    distances come out equal and ties are broken by unit order, not by rounding."""
    n = Z.shape[0]
    out = np.empty((len(rows), n))
    step = max(1, _KNN_BLOCK // max(1, n * Z.shape[1]))
    for start in range(0, len(rows), step):
        block = rows[start:start + step]
        diff = Z[block, None, :] - Z[None, :, :]  # block x n x p, NaN where either is missing
        shared = ~np.isnan(diff)
        count = shared.sum(axis=2)
        total = np.where(shared, diff * diff, 0.0).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:start + len(block)] = np.where(count > 0, np.sqrt(total / count), np.inf)
    return out


@dataclass(frozen=True)
class KNNImputer(Imputer):
    """Fill a missing value with the mean of the k nearest units that observe it (``"knn"``).

    Similarity is measured on the indicators standardised by their observed mean and
    standard deviation (so no indicator dominates through its unit): the distance between
    two units is the root-mean-square difference of their standardised values over the
    indicators both observe, constant indicators left out. For each indicator, the donors
    of a unit are the units that observe that indicator; the ``k`` nearest are taken, ties
    broken by the order of the units in the data (the earlier unit first), and the missing
    value becomes the plain mean of their observed values. With fewer than ``k`` possible
    donors, all of them are used.

    Parameters
    ----------
    k : int, default 5
        Number of neighbours.

    Raises
    ------
    ParameterError
        On construction, if ``k`` is not a positive integer.
    MethodError
        When called, for an indicator with missing values and no observed value, or a unit
        that shares no observed, non-constant indicator with any unit observing a value it
        lacks (for example a unit with no observed value at all): it has no neighbour.

    References
    ----------
    Troyanskaya, O. et al. (2001). Missing value estimation methods for DNA microarrays.
    *Bioinformatics* 17(6), 520-525.
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 3.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.impute import KNNImputer, context_for
    >>> X = np.array([[1.0, 10.0], [1.1, 12.0], [5.0, 50.0], [1.05, np.nan]])
    >>> KNNImputer(k=2)(X, context_for(("x", "y"), 4))[3, 1]
    np.float64(11.0)
    """

    k: int = 5
    name: ClassVar[str] = "knn"

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", _check_count(self.k, "k", "KNNImputer", "k=5"))

    def __call__(self, X: FloatArray, ctx: ImputationContext) -> FloatArray:
        A = _as_matrix(X, ctx)
        missing = np.isnan(A)
        if not missing.any():
            return A
        _no_empty_columns(A, ctx, self.name)
        _, _, Z, constant = _standardise(A)
        Z[:, constant] = np.nan  # no information on similarity
        recipients = np.flatnonzero(missing.any(axis=1))
        out = A.copy()
        # Recipients in blocks: each block's distances to every unit (block x units, at most
        # _KNN_BLOCK entries per indicator) are used and dropped before the next block, so
        # memory does not grow with units x units.
        step = max(1, _KNN_BLOCK // max(1, A.shape[0] * A.shape[1]))
        for start in range(0, len(recipients), step):
            block = recipients[start:start + step]
            D = _knn_distances(Z, block)
            self._fill_block(A, missing, block, D, out, ctx)
        return out

    def _fill_block(self, A: FloatArray, missing: np.ndarray, block: np.ndarray,
                    D: FloatArray, out: FloatArray, ctx: ImputationContext) -> None:
        """Fill the gaps of the units ``block`` (rows of ``D``, their distances to every
        unit), one pass per indicator, vectorised over the block's units lacking it."""
        gaps = missing[block]
        for j in np.flatnonzero(gaps.any(axis=0)):
            local = np.flatnonzero(gaps[:, j])
            need = block[local]
            donors = np.flatnonzero(~missing[:, j])
            Dj = D[np.ix_(local, donors)]
            order = np.argsort(Dj, axis=1, kind="stable")[:, :self.k]  # stable: ties by order
            near = np.take_along_axis(Dj, order, axis=1)
            usable = np.isfinite(near)
            lonely = ~usable.any(axis=1)
            if lonely.any():
                unit = ctx.units[int(need[int(np.argmax(lonely))])]
                raise MethodError(
                    f"Unit {unit!r} shares no observed, non-constant indicator with any unit "
                    f"that observes {ctx.codes[j]!r}, so 'knn' imputation has no neighbour to "
                    "borrow its value from. Drop the unit, or impute with 'em' or 'mean'."
                )
            vals = np.where(usable, A[donors[order], j], 0.0)
            out[need, j] = vals.sum(axis=1) / usable.sum(axis=1)


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
    "em": EMImputer,
    "knn": KNNImputer,
}
"""Imputer classes by name. The grouped ones need a column: pass ``GroupMean("region")``;
``"em"`` and ``"knn"`` use their defaults (``EMImputer(tol=...)``, ``KNNImputer(k=...)``
choose others)."""


def get_imputer(spec: str | Imputer | Callable[[FloatArray], FloatArray]) -> Imputer:
    """Resolve an imputation specification to an :class:`Imputer`.

    Parameters
    ----------
    spec : str, Imputer or callable
        ``"mean"``, ``"median"``, ``"em"`` or ``"knn"``; an imputer instance (e.g.
        ``GroupMean("region")``), returned as is; or a function of one indicator, wrapped
        in :class:`FunctionImputer`.

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
