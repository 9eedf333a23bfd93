"""Outlier treatment: the JRC skew/kurtosis rule, winsorisation and transformations.

Every treatment is an immutable value object (a frozen dataclass deriving from
:class:`Treatment`) with a class-level ``name`` and a ``__call__(x, label)`` that
treats one indicator (a 1-D array of raw values, ``NaN`` for a missing value) and
returns a :class:`TreatmentOutcome`: the treated values and what was done to them
(which the pipeline turns into its treatment log). Treatment works column by
column, on the raw values (before directions are applied); missing values are
ignored and stay missing; the input is never modified.

The default, :class:`Winsorize`, follows COINr 1.1.14's ``Treat()`` defaults
exactly (``winsorise`` then ``log_CT``, checked by ``check_SkewKurt``):

1. An indicator *passes* if ``|skew| < 2`` **or** ``kurtosis < 3.5``, with the
   sample-adjusted skewness and the sample-adjusted **excess** kurtosis of
   :func:`skewness` and :func:`kurtosis` (e1071 type 2, as Excel's ``SKEW`` and
   ``KURT``).
2. If it fails, points are winsorised one at a time: when the skew is ``>= 0``
   every unit holding the current maximum gets the largest remaining value,
   otherwise every unit holding the minimum gets the smallest remaining value.
   The check is repeated after each step, until it passes or ``winmax`` points
   have been winsorised. Tied values count as several points: the count is the
   size of the last high set plus the size of the last low set (COINr's
   ``nwin``), so it can overshoot ``winmax`` when the extreme value is tied.
3. If the winsorised indicator still fails, the winsorisation is discarded and
   the fallback is applied to the *original* values: by default COINr's
   ``log_CT``, ``log(x - min + 0.01 (max - min))``, whatever the sign of the skew
   (``LogTransform("ct_plus")`` mirrors it for a negative skew, as COINr's
   ``log_CT_plus``). The transformed indicator is checked again for the record,
   but not treated further.

One guard differs from COINr, which would produce infinite values: a step that
would leave the indicator with a single distinct value is not taken; the
winsorisation stops there (and the fallback applies if the check still fails).

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 4.
.. [2] Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimas, E. and
   Saisana, M. (2022). COINr: an R package for developing composite indicators.
   *Journal of Open Source Software* 7(78), 4567.
.. [3] Joanes, D. N. and Gill, C. A. (1998). Comparing measures of sample
   skewness and kurtosis. *The Statistician* 47(1), 183-189.
.. [4] Box, G. E. P. and Cox, D. R. (1964). An analysis of transformations.
   *Journal of the Royal Statistical Society B* 26(2), 211-252.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex._values import real_array
from spindex.errors import (
    DataError,
    MethodError,
    ParameterError,
    SpindexTypeError,
    SpindexWarning,
)
from spindex.methods._base import FloatArray, call_user, callable_label
from spindex.methods.normalize import _check_real, _fmt_labels, _fmt_names, _r_mean_sd

__all__ = [
    "TREATMENTS",
    "BoxCox",
    "FunctionTreatment",
    "LogTransform",
    "NoTreatment",
    "Treatment",
    "TreatmentOutcome",
    "Winsorize",
    "get_treatment",
    "kurtosis",
    "passes_check",
    "skewness",
]

LogVariant = Literal["ct", "ct_plus", "plain"]
_LOG_VARIANTS = ("ct", "ct_plus", "plain")
BoxCoxShift = Literal["auto", "range"] | None
_MIN_POINTS = 4


# --------------------------------------------------------------------------- statistics


def _central_sums(A: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """n and the sums of squared, cubed and fourth-power deviations, column by column.

    As R does it: the mean with R's long-double two-pass ``mean()``, deviations in
    double, sums accumulated in long double.
    """
    obs = ~np.isnan(A)
    n = obs.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean, _ = _r_mean_sd(A, obs)
    d = np.where(obs, A - mean, 0.0)
    s2 = np.asarray(np.sum(d * d, axis=0, dtype=np.longdouble), dtype=np.float64)
    s3 = np.asarray(np.sum(np.power(d, 3.0), axis=0, dtype=np.longdouble), dtype=np.float64)
    s4 = np.asarray(np.sum(np.power(d, 4.0), axis=0, dtype=np.longdouble), dtype=np.float64)
    return n, s2, s3, s4


def _as_columns(x: FloatArray) -> tuple[FloatArray, bool]:
    A = real_array(x, "The values", allow_nan=True, allow_inf=True, error=DataError)
    if A.ndim == 1:
        return A[:, None], True
    if A.ndim != 2:
        raise DataError(f"Expected a 1-D or 2-D array of values; got shape {A.shape}.")
    return A, False


def skewness(x: FloatArray) -> FloatArray | float:
    """Sample-adjusted skewness of each column, ignoring missing values.

    ``G1 = sqrt(n (n - 1)) / (n - 2) * m3 / m2^(3/2)`` with central moments
    ``m_k = sum(d^k) / n``: the estimator of COINr's ``skew()``, e1071's
    ``skewness(type = 2)``, SAS, SPSS and Excel's ``SKEW``.

    Parameters
    ----------
    x : ndarray of shape (n,) or (n, k)
        Values; ``NaN`` marks a missing value.

    Returns
    -------
    float or ndarray of shape (k,)
        ``NaN`` for fewer than 3 observed values or a constant column.

    References
    ----------
    .. [1] Joanes, D. N. and Gill, C. A. (1998). Comparing measures of sample
       skewness and kurtosis. *The Statistician* 47(1), 183-189.

    Examples
    --------
    >>> from spindex.methods.treat import skewness
    >>> round(skewness([1.0, 2.0, 3.0, 10.0]), 6)
    1.763633
    """
    A, flat = _as_columns(x)
    n, s2, s3, _ = _central_sums(A)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.sqrt(n) * s3 / s2**1.5
        out = np.where(n >= 3, g * np.sqrt(n * (n - 1)) / (n - 2), np.nan)
    return float(out[0]) if flat else np.asarray(out, dtype=np.float64)


def kurtosis(x: FloatArray) -> FloatArray | float:
    """Sample-adjusted excess kurtosis of each column, ignoring missing values.

    ``G2 = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2) (n - 3))`` with
    ``r = n sum(d^4) / sum(d^2)^2``: the estimator of COINr's ``kurt()``, e1071's
    ``kurtosis(type = 2)``, SAS, SPSS and Excel's ``KURT``. A normal sample gives
    about 0 (this is *excess* kurtosis, not the raw fourth standardised moment).

    Parameters
    ----------
    x : ndarray of shape (n,) or (n, k)
        Values; ``NaN`` marks a missing value.

    Returns
    -------
    float or ndarray of shape (k,)
        ``NaN`` for fewer than 4 observed values or a constant column.

    References
    ----------
    .. [1] Joanes, D. N. and Gill, C. A. (1998). Comparing measures of sample
       skewness and kurtosis. *The Statistician* 47(1), 183-189.

    Examples
    --------
    >>> from spindex.methods.treat import kurtosis
    >>> round(kurtosis([1.0, 2.0, 3.0, 10.0]), 6)
    3.228
    """
    A, flat = _as_columns(x)
    n, s2, _, s4 = _central_sums(A)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * s4 / (s2 * s2)
        out = np.where(n >= 4, ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)), np.nan)
    return float(out[0]) if flat else np.asarray(out, dtype=np.float64)


def passes_check(skew: float, kurt: float, skew_limit: float = 2.0,
                 kurtosis_limit: float = 3.5) -> bool:
    """The JRC outlier test: ``|skew| < skew_limit`` or ``kurtosis < kurtosis_limit``.

    Parameters
    ----------
    skew, kurt : float
        Sample-adjusted skewness and excess kurtosis (see :func:`skewness`,
        :func:`kurtosis`).
    skew_limit, kurtosis_limit : float, default 2 and 3.5
        The thresholds (COINr's ``skew_thresh`` and ``kurt_thresh``).

    Returns
    -------
    bool
        False when either statistic is ``NaN``.

    Examples
    --------
    >>> from spindex.methods.treat import passes_check
    >>> passes_check(2.5, 3.0), passes_check(2.5, 4.0)
    (True, False)
    """
    return bool(abs(skew) < skew_limit or kurt < kurtosis_limit)


# --------------------------------------------------------------------------- outcome


@dataclass(frozen=True)
class TreatmentOutcome:
    """What a treatment did to one indicator.

    Attributes
    ----------
    values : ndarray of shape (n,)
        The treated values (a new array; ``NaN`` where the input was missing).
    status : str
        ``"passed"`` (untouched: it passed the check), ``"winsorised"``,
        ``"log"``, ``"boxcox"``, ``"function"`` (a user transformation) or
        ``"untreated"`` (no treatment asked for, or not testable).
    method : str
        Name of the treatment that produced the outcome.
    skew_before, kurtosis_before : float
        Statistics of the raw values.
    passed_before : bool
        Whether the raw values passed the check.
    skew_after, kurtosis_after : float
        Statistics of the treated values (equal to the "before" ones when
        nothing changed).
    passed_after : bool
        Whether the treated values pass the check.
    high, low : tuple of int
        Row positions winsorised at the top and at the bottom (empty unless the
        status is ``"winsorised"``).
    n_winsorised : int
        Number of winsorised points in ``values`` (COINr's ``nwin``).
    n_tried : int
        Points winsorised before the winsorisation was discarded for the
        fallback (COINr's ``nwin`` when the log fires); equals ``n_winsorised``
        otherwise.
    detail : str
        Extra information (the Box-Cox lambda, the log variant, ...).
    """

    values: FloatArray = field(repr=False)
    status: str
    method: str
    skew_before: float
    kurtosis_before: float
    passed_before: bool
    skew_after: float
    kurtosis_after: float
    passed_after: bool
    high: tuple[int, ...] = ()
    low: tuple[int, ...] = ()
    n_winsorised: int = 0
    n_tried: int = 0
    detail: str = ""


# --------------------------------------------------------------------------- base


def _check_positive(owner: str, pname: str, value: object) -> float:
    number = _check_real(owner, pname, value)
    if number <= 0:
        raise ParameterError(
            f"The '{pname}' parameter of {owner} must be > 0. Got {number!r} instead."
        )
    return number


def _check_bool(owner: str, pname: str, value: object) -> None:
    if not isinstance(value, bool | np.bool_):
        raise SpindexTypeError(
            f"The '{pname}' parameter of {owner} must be True or False. Got {value!r} instead."
        )


def _column(x: FloatArray, label: str, *, need: int = _MIN_POINTS) -> FloatArray:
    """A checked float copy of one indicator."""
    col = real_array(x, f"Indicator {label!r}", allow_nan=True, allow_inf=True,
                     error=DataError)
    if col.ndim != 1:
        raise DataError(
            f"A treatment works on one indicator at a time (a 1-D array); got shape "
            f"{col.shape} for {label!r}."
        )
    if np.isinf(col).any():
        raise DataError(
            f"Indicator {label!r} has an infinite value at row {int(np.argmax(np.isinf(col)))}; "
            "use NaN for a missing value."
        )
    n_obs = int((~np.isnan(col)).sum())
    if n_obs < need:
        raise MethodError(
            f"Indicator {label!r} has {n_obs} observed value(s); the skew/kurtosis check "
            f"needs at least {need}. Exclude it from treatment (treat={{{label!r}: 'none'}})."
        )
    return col


def _stats(col: FloatArray) -> tuple[float, float]:
    return float(skewness(col)), float(kurtosis(col))


def _is_constant(col: FloatArray) -> bool:
    return bool(np.nanmax(col) == np.nanmin(col))


class Treatment(ABC):
    """Base class of the outlier treatments.

    Subclass it (as a frozen dataclass) to write a new treatment; a plain
    function can be wrapped in :class:`FunctionTreatment` instead.

    Attributes
    ----------
    name : str
        Short name, used in reports and by :func:`get_treatment`.
    """

    name: ClassVar[str]

    @abstractmethod
    def __call__(self, x: FloatArray, label: str = "x") -> TreatmentOutcome:
        """Treat one indicator.

        Parameters
        ----------
        x : ndarray of shape (n,)
            Raw values; ``NaN`` marks a missing value.
        label : str, default "x"
            The indicator's code, used in messages.

        Returns
        -------
        TreatmentOutcome
        """


class _Transform(Treatment):
    """A treatment that transforms a whole indicator (it can be a fallback)."""

    skew: float
    kurtosis: float
    force: bool

    @abstractmethod
    def transform(self, x: FloatArray, label: str) -> tuple[FloatArray, str, str]:
        """Transform the observed values unconditionally: (values, status, detail)."""

    def __call__(self, x: FloatArray, label: str = "x") -> TreatmentOutcome:
        col = _column(x, label)
        constant = _untestable(col, label, self.name)
        if constant is not None:
            return constant
        s0, k0 = _stats(col)
        ok0 = passes_check(s0, k0, self.skew, self.kurtosis)
        if ok0 and not self.force:
            return TreatmentOutcome(col, "passed", self.name, s0, k0, True, s0, k0, True)
        values, status, detail = self.transform(col, label)
        s1, k1 = _stats(values)
        return TreatmentOutcome(
            values, status, self.name, s0, k0, ok0, s1, k1,
            passes_check(s1, k1, self.skew, self.kurtosis), detail=detail,
        )


def _untestable(col: FloatArray, label: str, method: str) -> TreatmentOutcome | None:
    """A constant indicator has no skew or kurtosis: leave it, and say so."""
    if not _is_constant(col):
        return None
    warnings.warn(
        f"Indicator {label!r} is constant, so its skew and kurtosis are undefined; it was "
        "left untreated.",
        SpindexWarning,
        stacklevel=3,
    )
    nan = float("nan")
    return TreatmentOutcome(col, "untreated", method, nan, nan, False, nan, nan, False,
                            detail="constant")


def _check_limits(owner: str, skew: object, kurt: object) -> None:
    _check_positive(owner, "skew", skew)
    _check_real(owner, "kurtosis", kurt)


# --------------------------------------------------------------------------- transforms


@dataclass(frozen=True)
class LogTransform(_Transform):
    """Log transformation of an indicator that fails the skew/kurtosis check.

    Parameters
    ----------
    variant : {"ct", "ct_plus", "plain"}, default "ct"
        ``"ct"``: COINr's ``log_CT``, ``log(x - min + 0.01 (max - min))`` (the
        fallback of COINr's default treatment). ``"ct_plus"``: COINr's
        ``log_CT_plus``, the same when the skew is positive and the mirrored
        ``-log(max + 0.01 (max - min) - x)`` otherwise, so that a negative skew
        is reduced rather than increased. ``"plain"``: ``log(x)``, for strictly
        positive indicators. All keep the order of the units; the ``ct``
        variants are unchanged (up to an additive constant) when the indicator
        is multiplied by a positive number.
    force : bool, default False
        Transform even an indicator that passes the check.
    skew, kurtosis : float, default 2 and 3.5
        Thresholds of the check (see :func:`passes_check`).

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for an unknown variant or invalid thresholds.
    MethodError
        When called, for fewer than 4 observed values, or a value ``<= 0`` with
        the ``"plain"`` variant.

    References
    ----------
    .. [1] Becker, W. et al. (2022). COINr: an R package for developing composite
       indicators. *Journal of Open Source Software* 7(78), 4567 (``log_CT``,
       ``log_CT_plus``).

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.treat import LogTransform
    >>> out = LogTransform(force=True)(np.array([0.0, 1.0, 2.0, 100.0]))
    >>> out.status, np.round(out.values, 4).tolist()
    ('log', [0.0, 0.6931, 1.0986, 4.6151])
    """

    variant: LogVariant = "ct"
    force: bool = False
    skew: float = 2.0
    kurtosis: float = 3.5
    name: ClassVar[str] = "log"

    def __post_init__(self) -> None:
        if self.variant not in _LOG_VARIANTS:
            raise ParameterError(
                f"The 'variant' parameter of LogTransform must be one of "
                f"{_fmt_names(_LOG_VARIANTS)}. Got {self.variant!r} instead."
            )
        _check_bool("LogTransform", "force", self.force)
        _check_limits("LogTransform", self.skew, self.kurtosis)

    def transform(self, x: FloatArray, label: str) -> tuple[FloatArray, str, str]:
        """Apply the log to the observed values of ``x`` (no check).

        Parameters
        ----------
        x : ndarray of shape (n,)
            Raw values, ``NaN`` for missing.
        label : str
            The indicator's code, for messages.

        Returns
        -------
        values : ndarray
        status : str
            ``"log"``.
        detail : str
            The variant used.
        """
        lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
        if self.variant == "plain":
            if lo <= 0:
                unit = int(np.nanargmin(x))
                raise MethodError(
                    f"Indicator {label!r} has the value {lo!r} (row {unit}), so its plain log is "
                    "undefined. Use LogTransform('ct') or BoxCox(), which shift the values."
                )
            return np.log(x), "log", "log(x)"
        a = 0.01 * (hi - lo)
        if self.variant == "ct" or float(skewness(x)) > 0:
            return np.log(x - lo + a), "log", "log(x - min + 0.01 (max - min))"
        return -np.log(hi + a - x), "log", "-log(max + 0.01 (max - min) - x) (negative skew)"


def _boxcox_mle(z: FloatArray) -> float:
    """The maximum-likelihood Box-Cox lambda of positive values ``z``, computed scale-free.

    The profile log-likelihood of y = (z^lambda - 1)/lambda under a normal model is
    (lambda - 1) sum(log z) - n/2 log var(y). Writing log z = c + u with c the mean of log z,
    it equals -n c - n/2 log var(expm1(lambda u)/lambda): the maximum is where the variance of
    w = expm1(lambda u)/lambda is smallest. u does not depend on the unit of z (a factor only
    shifts c), and expm1 keeps w accurate near lambda = 0, where the direct form loses the
    digits that separate one lambda from the next on data of small relative spread (values
    within a factor 1.5 gave estimates differing by 2e-6 between units of measurement).
    """
    from scipy import optimize
    logs = np.log(z)
    u = logs - logs.mean()

    def spread(lam: float) -> float:
        w = u if lam == 0 else np.expm1(lam * u) / lam
        return float(np.log(np.var(w)))

    # Brent's method from the same bracket as the usual estimator; the objective is smooth
    # and, for a non-constant column, has a single minimum.
    best = optimize.minimize_scalar(spread, bracket=(-2.0, 2.0), method="brent",
                                    options={"xtol": 1e-12})
    return float(best.x)


@dataclass(frozen=True)
class BoxCox(_Transform):
    """Box-Cox transformation, with lambda by maximum likelihood.

    ``(z^lambda - 1) / lambda`` (``log z`` for lambda 0) of the (shifted) values
    ``z``. Lambda maximises the Box-Cox profile log-likelihood of the observed
    values (``scipy.stats.boxcox_normmax(method="mle")``), computed on ``z``
    divided by its maximum: the estimate does not change when the indicator is
    multiplied by a positive number.

    Parameters
    ----------
    lmbda : float, optional
        A fixed lambda; by default it is estimated.
    shift : {"auto", "range"} or None, default "auto"
        ``"range"``: ``z = x - min + 0.01 (max - min)`` (as COINr's ``log_CT``);
        ``None``: ``z = x``, which must be strictly positive; ``"auto"``: no shift
        if every observed value is positive, else ``"range"``.
    force : bool, default False
        Transform even an indicator that passes the check.
    skew, kurtosis : float, default 2 and 3.5
        Thresholds of the check (see :func:`passes_check`).

    Raises
    ------
    ParameterError, SpindexTypeError
        On construction, for an invalid parameter.
    MethodError
        When called, for fewer than 4 observed values, or a value ``<= 0`` with
        ``shift=None``.

    References
    ----------
    .. [1] Box, G. E. P. and Cox, D. R. (1964). An analysis of transformations.
       *Journal of the Royal Statistical Society B* 26(2), 211-252.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.treat import BoxCox
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 40.0])
    >>> out = BoxCox(force=True)(x)
    >>> out.status, out.detail
    ('boxcox', 'lambda=-0.3852')
    >>> bool(abs(out.skew_after) < abs(out.skew_before))
    True
    """

    lmbda: float | None = None
    shift: BoxCoxShift = "auto"
    force: bool = False
    skew: float = 2.0
    kurtosis: float = 3.5
    name: ClassVar[str] = "boxcox"

    def __post_init__(self) -> None:
        if self.lmbda is not None:
            _check_real("BoxCox", "lmbda", self.lmbda)
        if self.shift not in ("auto", "range", None):
            raise ParameterError(
                "The 'shift' parameter of BoxCox must be one of {'auto', 'range', None}. "
                f"Got {self.shift!r} instead."
            )
        _check_bool("BoxCox", "force", self.force)
        _check_limits("BoxCox", self.skew, self.kurtosis)

    def shifted(self, x: FloatArray, label: str) -> tuple[FloatArray, str]:
        """The strictly positive values the transformation is applied to, and the shift."""
        lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
        if self.shift == "range" or (self.shift == "auto" and lo <= 0):
            return x - lo + 0.01 * (hi - lo), "x - min + 0.01 (max - min)"
        if lo <= 0:
            raise MethodError(
                f"Indicator {label!r} has the value {lo!r}, but a Box-Cox transformation without "
                "a shift needs positive values. Use BoxCox(shift='range')."
            )
        return x.copy(), ""

    def estimate(self, x: FloatArray, label: str = "x") -> float:
        """Lambda for the indicator: ``lmbda`` if fixed, else the maximum-likelihood estimate.

        Parameters
        ----------
        x : ndarray of shape (n,)
            Raw values, ``NaN`` for missing.
        label : str, default "x"
            The indicator's code, for messages.

        Returns
        -------
        float
        """
        if self.lmbda is not None:
            return float(self.lmbda)
        z, _ = self.shifted(_column(x, label), label)
        z = z[~np.isnan(z)]
        return _boxcox_mle(z)

    def transform(self, x: FloatArray, label: str) -> tuple[FloatArray, str, str]:
        """Apply the Box-Cox transformation to ``x`` (no check).

        Parameters
        ----------
        x : ndarray of shape (n,)
            Raw values, ``NaN`` for missing.
        label : str
            The indicator's code, for messages.

        Returns
        -------
        values : ndarray
        status : str
            ``"boxcox"``.
        detail : str
            Lambda and the shift used.
        """
        from scipy import special
        lam = self.estimate(x, label)
        z, how = self.shifted(x, label)
        detail = f"lambda={lam:.4g}" + (f", z = {how}" if how else "")
        return np.asarray(special.boxcox(z, lam), dtype=np.float64), "boxcox", detail


_FUNCTION_CONTRACT = (
    "A treatment function takes f(x), x one indicator as a 1-D float array (NaN for "
    "missing), and returns a real array of the same length, finite where x is observed."
)


@dataclass(frozen=True)
class FunctionTreatment(_Transform):
    """A user transformation of one indicator, applied when it fails the check.

    Parameters
    ----------
    func : callable
        ``func(x)`` takes the raw values of one indicator (a 1-D float array,
        ``NaN`` for missing; a copy) and returns an array of the same length.
    force : bool, default False
        Apply ``func`` even to an indicator that passes the check.
    skew, kurtosis : float, default 2 and 3.5
        Thresholds of the check.

    Raises
    ------
    SpindexTypeError
        On construction, if ``func`` is not callable.
    MethodError
        When called, if ``func`` cannot be called with one argument or raises (the
        exception is chained), or if the output is not numeric, is complex, has the
        wrong shape or is not finite where the input was observed. Missing inputs
        stay missing whatever ``func`` returns.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.treat import FunctionTreatment
    >>> FunctionTreatment(np.sqrt, force=True)(np.array([1.0, 4.0, 9.0, 16.0])).values.tolist()
    [1.0, 2.0, 3.0, 4.0]
    """

    func: Callable[[FloatArray], FloatArray]
    force: bool = False
    skew: float = 2.0
    kurtosis: float = 3.5
    name: ClassVar[str] = "function"

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise SpindexTypeError(
                f"FunctionTreatment needs a callable. Got {type(self.func).__name__} instead."
            )
        _check_bool("FunctionTreatment", "force", self.force)
        _check_limits("FunctionTreatment", self.skew, self.kurtosis)

    def transform(self, x: FloatArray, label: str) -> tuple[FloatArray, str, str]:
        """Apply ``func`` to ``x`` and check its output (see the class docstring)."""
        fname = callable_label(self.func)
        y = call_user(self.func, (x.copy(),), role="treatment function",
                      subject=f"indicator {label!r}", contract=_FUNCTION_CONTRACT)
        if y.shape != x.shape:
            raise MethodError(
                f"The treatment function {fname} returned shape {y.shape} for indicator "
                f"{label!r}; expected {x.shape}, one value per unit."
            )
        observed = ~np.isnan(x)
        bad = observed & ~np.isfinite(y)
        if bad.any():
            rows = [str(i) for i in np.flatnonzero(bad)]
            raise MethodError(
                f"The treatment function {fname} returned non-finite values for indicator "
                f"{label!r} at row(s) {_fmt_labels(rows)}."
            )
        return np.where(observed, y, np.nan), "function", fname


# --------------------------------------------------------------------------- winsorise


@dataclass(frozen=True)
class Winsorize(Treatment):
    """The JRC/COINr rule: check, winsorise one point at a time, else fall back.

    See the module docstring for the algorithm, which reproduces COINr 1.1.14's
    ``Treat()`` (``winsorise`` + ``log_CT`` + ``check_SkewKurt``) exactly.

    Parameters
    ----------
    winmax : int or None, default 5
        Most points to winsorise (tied values count as several, see the module
        docstring); None for no limit. 0 skips straight to the fallback.
    skew, kurtosis : float, default 2 and 3.5
        An indicator passes if ``|skew| < skew`` or ``kurtosis < kurtosis``
        (sample-adjusted skewness and excess kurtosis).
    fallback : LogTransform, BoxCox, FunctionTreatment or None, default LogTransform()
        Applied to the original values when winsorisation does not make the
        indicator pass. None keeps the winsorised values even if they still fail
        (the log records it).

    Raises
    ------
    ParameterError
        On construction, for ``winmax < 0`` or thresholds that are not positive.
    SpindexTypeError
        On construction, for a non-integer ``winmax`` or a fallback that is not a
        transformation.
    MethodError
        When called, for fewer than 4 observed values.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*,
       section 4.
    .. [2] Becker, W. et al. (2022). COINr: an R package for developing composite
       indicators. *Journal of Open Source Software* 7(78), 4567.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.treat import Winsorize
    >>> out = Winsorize()(np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]))
    >>> out.status, out.high, out.values[-2:].tolist()
    ('winsorised', (11,), [30.0, 30.0])
    """

    winmax: int | None = 5
    skew: float = 2.0
    kurtosis: float = 3.5
    fallback: _Transform | None = LogTransform()
    name: ClassVar[str] = "winsorize"

    def __post_init__(self) -> None:
        if self.winmax is not None:
            if isinstance(self.winmax, bool) or not isinstance(self.winmax, int | np.integer):
                raise SpindexTypeError(
                    "The 'winmax' parameter of Winsorize must be a whole number or None. "
                    f"Got {type(self.winmax).__name__} {self.winmax!r} instead."
                )
            if self.winmax < 0:
                raise ParameterError(
                    "The 'winmax' parameter of Winsorize must be >= 0 (the most points to "
                    f"winsorise per indicator). Got {self.winmax!r} instead."
                )
        _check_limits("Winsorize", self.skew, self.kurtosis)
        if self.fallback is not None and not isinstance(self.fallback, _Transform):
            raise SpindexTypeError(
                "The 'fallback' parameter of Winsorize must be LogTransform(...), BoxCox(...), "
                f"FunctionTreatment(...) or None. Got {self.fallback!r} instead."
            )

    def winsorise(
        self, x: FloatArray
    ) -> tuple[FloatArray, tuple[int, ...], tuple[int, ...], int]:
        """Winsorise until the check passes or ``winmax`` points are reached.

        Parameters
        ----------
        x : ndarray of shape (n,)
            Raw values, ``NaN`` for missing (at least 4 observed, not constant).

        Returns
        -------
        values : ndarray
            The winsorised values.
        high, low : tuple of int
            Rows in the last high and low winsorised sets (every winsorised row).
        n : int
            Points winsorised (COINr's ``nwin``).
        """
        y = x.copy()
        high = np.empty(0, dtype=np.intp)
        low = np.empty(0, dtype=np.intp)
        count = 0
        s, k = _stats(y)
        while not passes_check(s, k, self.skew, self.kurtosis) and (
            self.winmax is None or count < self.winmax
        ):
            observed = y[~np.isnan(y)]
            extreme = observed.max() if s >= 0 else observed.min()
            rest = observed[observed != extreme]
            if np.unique(rest).size < 2:
                break  # one more step would leave a constant indicator
            at = np.flatnonzero(y == extreme)
            if s >= 0:
                high = at
                y[at] = rest.max()
            else:
                low = at
                y[at] = rest.min()
            count = high.size + low.size
            s, k = _stats(y)
        return y, tuple(int(i) for i in high), tuple(int(i) for i in low), count

    def __call__(self, x: FloatArray, label: str = "x") -> TreatmentOutcome:
        col = _column(x, label)
        constant = _untestable(col, label, self.name)
        if constant is not None:
            return constant
        s0, k0 = _stats(col)
        if passes_check(s0, k0, self.skew, self.kurtosis):
            return TreatmentOutcome(col, "passed", self.name, s0, k0, True, s0, k0, True)
        y, high, low, count = self.winsorise(col)
        s1, k1 = _stats(y)
        ok1 = passes_check(s1, k1, self.skew, self.kurtosis)
        if ok1 or self.fallback is None:
            status = "winsorised" if count else "untreated"
            return TreatmentOutcome(
                y, status, self.name, s0, k0, False, s1, k1, ok1, high, low, count, count,
                detail="" if ok1 else "still fails the check; no fallback",
            )
        values, status, detail = self.fallback.transform(col, label)
        s2, k2 = _stats(values)
        return TreatmentOutcome(
            values, status, self.name, s0, k0, False, s2, k2,
            passes_check(s2, k2, self.skew, self.kurtosis), n_tried=count,
            detail=f"{detail} after {count} winsorised point(s) did not pass",
        )


@dataclass(frozen=True)
class NoTreatment(Treatment):
    """Leave the indicator as it is (a per-indicator override, COINr's ``"none"``).

    Its statistics are still reported (``NaN`` when fewer than 4 values are
    observed). The check uses the default thresholds 2 and 3.5.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.treat import NoTreatment
    >>> NoTreatment()(np.array([1.0, 2.0, 3.0, 50.0])).status
    'untreated'
    """

    name: ClassVar[str] = "none"

    def __call__(self, x: FloatArray, label: str = "x") -> TreatmentOutcome:
        col = _column(x, label, need=0)
        s, k = _stats(col)
        ok = passes_check(s, k)
        return TreatmentOutcome(col, "untreated", self.name, s, k, ok, s, k, ok)


# --------------------------------------------------------------------------- registry

TREATMENTS: dict[str, type[Treatment]] = {
    "default": Winsorize,
    "winsorize": Winsorize,
    "log": LogTransform,
    "boxcox": BoxCox,
    "none": NoTreatment,
}
"""Treatment classes by name; ``"default"`` is :class:`Winsorize` with COINr's defaults."""


def get_treatment(spec: str | Treatment | Callable[[FloatArray], FloatArray] | None) -> Treatment:
    """Resolve a treatment specification to a :class:`Treatment`.

    Parameters
    ----------
    spec : str, Treatment, callable or None
        A name from :data:`TREATMENTS` (the method with default parameters); a
        treatment instance, returned as is; a function of one indicator, wrapped
        in :class:`FunctionTreatment`; or None, meaning ``"none"``.

    Returns
    -------
    Treatment

    Raises
    ------
    ParameterError
        For an unknown name.
    SpindexTypeError
        For anything else.

    Examples
    --------
    >>> from spindex.methods.treat import get_treatment
    >>> get_treatment("default").winmax
    5
    >>> get_treatment("log")
    LogTransform(variant='ct', force=False, skew=2.0, kurtosis=3.5)
    """
    if spec is None:
        return NoTreatment()
    if isinstance(spec, Treatment):
        return spec
    if isinstance(spec, str):
        if spec not in TREATMENTS:
            raise ParameterError(
                f"The 'treat' method must be one of {_fmt_names(TREATMENTS)}, a Treatment or a "
                f"callable. Got {spec!r} instead."
            )
        return TREATMENTS[spec]()
    if callable(spec):
        return FunctionTreatment(spec)
    raise SpindexTypeError(
        "The 'treat' method must be a name, a Treatment or a callable. "
        f"Got {type(spec).__name__} {spec!r} instead."
    )
