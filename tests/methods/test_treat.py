"""Outlier treatment: statistics, the JRC/COINr winsorisation rule, log and Box-Cox."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError, SpindexWarning
from spindex.methods.treat import (
    BoxCox,
    FunctionTreatment,
    LogTransform,
    NoTreatment,
    Winsorize,
    get_treatment,
    kurtosis,
    passes_check,
    skewness,
)

RNG = np.random.default_rng(4)


# ---------------------------------------------------------------------- statistics
def test_skew_and_kurtosis_are_the_sample_adjusted_estimators() -> None:
    X = RNG.lognormal(size=(40, 5))
    X[3, 1] = np.nan
    for j in range(5):
        col = X[:, j][~np.isnan(X[:, j])]
        assert skewness(X[:, j]) == pytest.approx(stats.skew(col, bias=False), rel=1e-12)
        # Excess (Fisher) kurtosis, bias-corrected: e1071 type 2 / Excel KURT.
        assert kurtosis(X[:, j]) == pytest.approx(
            stats.kurtosis(col, fisher=True, bias=False), rel=1e-12)
    np.testing.assert_allclose(skewness(X), [skewness(X[:, j]) for j in range(5)], rtol=1e-15)


def test_statistics_of_tiny_or_constant_columns_are_nan() -> None:
    assert np.isnan(skewness([1.0, 2.0]))
    assert not np.isnan(skewness([1.0, 2.0, 4.0]))
    assert np.isnan(kurtosis([1.0, 2.0, 4.0]))
    assert np.isnan(skewness([3.0, 3.0, 3.0, 3.0]))


def test_check_is_an_or_of_the_two_limits() -> None:
    assert passes_check(1.99, 100.0)
    assert passes_check(-5.0, 3.49)
    assert not passes_check(-2.0, 3.5)  # both at the limit: fails (strict inequalities)
    assert passes_check(float("nan"), 0.0)
    assert not passes_check(float("nan"), float("nan"))


# ---------------------------------------------------------------------- winsorisation
def test_coinr_examples() -> None:
    # COINr's test-treat.R: one outlier winsorised to the next value.
    x = np.r_[np.arange(1.0, 11.0), 100.0]
    out = Winsorize()(x)
    assert out.status == "winsorised" and out.values[-1] == 10 and out.high == (10,)
    np.testing.assert_array_equal(out.values[:10], x[:10])
    assert out.passed_after and not out.passed_before
    # Two outliers and winmax 1: the check still fails, so the original values are logged.
    x = np.r_[np.arange(1.0, 21.0), 100.0, 200.0]
    out = Winsorize(winmax=1)(x)
    assert out.status == "log" and out.n_tried == 1 and out.n_winsorised == 0
    np.testing.assert_allclose(out.values, np.log(x - 1 + 0.01 * 199), rtol=0, atol=0)
    assert out.high == () and out.low == ()


def test_negative_skew_winsorises_the_low_end() -> None:
    x = -np.r_[np.arange(1.0, 11.0), 100.0]
    out = Winsorize()(x)
    assert out.low == (10,) and out.high == () and out.values[-1] == -10


def test_tied_extremes_count_as_several_points_and_may_overshoot_winmax() -> None:
    x = np.r_[np.arange(1.0, 31.0), 500.0, 500.0, 500.0]
    out = Winsorize(winmax=1, fallback=None)(x)
    # One step moves the three tied maxima at once: 3 points although winmax is 1.
    assert out.n_winsorised == 3 and out.high == (30, 31, 32)
    assert set(out.values[30:]) == {30.0}


def test_successive_steps_keep_every_winsorised_point() -> None:
    x = np.r_[np.arange(1.0, 41.0), 300.0, 600.0, 1000.0]
    out = Winsorize(winmax=5)(x)
    assert out.status == "winsorised"
    assert out.n_winsorised == len(out.high) == int((out.values != x).sum())
    assert set(out.values[list(out.high)]) == {out.values[list(out.high)][0]}


def test_winmax_zero_goes_straight_to_the_fallback_and_none_has_no_limit() -> None:
    x = np.r_[np.arange(1.0, 21.0), 100.0, 200.0]
    assert Winsorize(winmax=0)(x).status == "log"
    out = Winsorize(winmax=None)(x)
    assert out.status == "winsorised" and out.passed_after


def test_without_fallback_a_failing_indicator_keeps_its_winsorised_values() -> None:
    x = np.r_[np.arange(1.0, 21.0), 100.0, 200.0]
    out = Winsorize(winmax=1, fallback=None)(x)
    assert out.status == "winsorised" and not out.passed_after
    assert "still fails" in out.detail
    assert Winsorize(winmax=0, fallback=None)(x).status == "untreated"


def test_a_step_that_would_make_the_indicator_constant_is_not_taken() -> None:
    x = np.r_[np.zeros(20), 1.0]
    out = Winsorize(winmax=None, fallback=None)(x)
    assert out.n_winsorised == 0
    np.testing.assert_array_equal(out.values, x)


def test_missing_values_are_ignored_and_stay_missing() -> None:
    x = np.r_[np.arange(1.0, 11.0), 100.0, np.nan]
    before = x.copy()
    out = Winsorize()(x)
    np.testing.assert_array_equal(x, before)  # input untouched
    assert np.isnan(out.values[-1]) and out.values[-2] == 10
    assert out.skew_before == pytest.approx(skewness(x[:-1]))


def test_other_thresholds() -> None:
    x = np.r_[np.arange(1.0, 21.0), 35.0]  # skew 1.18, kurtosis 2.53
    assert Winsorize()(x).status == "passed"
    out = Winsorize(skew=1.0, kurtosis=2.0)(x)
    assert out.status == "winsorised" and out.high == (20,)


def test_constant_indicator_is_left_untreated_with_a_warning() -> None:
    with pytest.warns(SpindexWarning, match="'flat' is constant"):
        out = Winsorize()(np.full(6, 2.0), "flat")
    assert out.status == "untreated" and np.isnan(out.skew_before)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"winmax": -1}, ParameterError, "'winmax' parameter of Winsorize must be >= 0"),
        ({"winmax": 1.5}, SpindexTypeError, "whole number"),
        ({"winmax": True}, SpindexTypeError, "whole number"),
        ({"skew": 0}, ParameterError, "'skew' parameter of Winsorize must be > 0"),
        ({"kurtosis": "high"}, SpindexTypeError, "real number"),
        ({"fallback": Winsorize()}, SpindexTypeError, "LogTransform"),
    ],
)
def test_winsorize_parameters_are_checked(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        Winsorize(**kwargs)


def test_too_few_points_and_bad_input() -> None:
    with pytest.raises(MethodError, match=r"'gdp' has 3 observed value\(s\).*'none'"):
        Winsorize()(np.array([1.0, 2.0, np.nan, 5.0]), "gdp")
    with pytest.raises(DataError, match="infinite"):
        Winsorize()(np.array([1.0, 2.0, np.inf, 5.0, 6.0]), "gdp")
    with pytest.raises(DataError, match="one indicator at a time"):
        Winsorize()(np.ones((4, 2)), "gdp")


# ---------------------------------------------------------------------- transformations
def test_log_variants() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0, 100.0])
    ct = LogTransform(force=True)(x)
    np.testing.assert_allclose(ct.values, np.log(x + 1.0))
    neg = -x
    plus = LogTransform("ct_plus", force=True)(neg)
    np.testing.assert_allclose(plus.values, -np.log(0 + 1.0 - neg))
    assert "negative skew" in plus.detail
    assert plus.skew_after > plus.skew_before  # the negative skew is reduced
    # log_CT on a negative skew (COINr's default) makes it worse, which is why ct_plus exists.
    assert LogTransform("ct", force=True)(neg).skew_after < plus.skew_before
    np.testing.assert_allclose(LogTransform("plain", force=True)(x + 1).values, np.log(x + 1))
    with pytest.raises(MethodError, match=r"plain log is undefined.*'ct'"):
        LogTransform("plain", force=True)(x, "pop")
    with pytest.raises(ParameterError, match="'variant' parameter of LogTransform"):
        LogTransform("log10")  # type: ignore[arg-type]


def test_transformations_only_act_on_failing_indicators_unless_forced() -> None:
    calm = np.arange(1.0, 11.0)
    assert LogTransform()(calm).status == "passed"
    assert BoxCox()(calm).status == "passed"
    assert FunctionTreatment(np.sqrt)(calm).status == "passed"
    wild = np.r_[np.arange(1.0, 21.0), 400.0]
    assert LogTransform()(wild).status == "log"
    out = BoxCox()(wild)
    assert out.status == "boxcox" and out.passed_after


def test_boxcox_lambda_is_the_maximum_likelihood_estimate() -> None:
    x = RNG.lognormal(size=60) + 0.5
    _, lam = stats.boxcox(x)
    assert BoxCox().estimate(x) == pytest.approx(lam, abs=1e-6)
    out = BoxCox(force=True)(x)
    np.testing.assert_allclose(out.values, stats.boxcox(x, BoxCox().estimate(x)), rtol=1e-12)
    fixed = BoxCox(lmbda=0.0, force=True)(x)
    np.testing.assert_allclose(fixed.values, np.log(x))


def test_boxcox_shift() -> None:
    x = np.r_[0.0, RNG.lognormal(size=30)]
    out = BoxCox(force=True)(x)
    assert "x - min" in out.detail
    with pytest.raises(MethodError, match="shift='range'"):
        BoxCox(shift=None, force=True)(x, "zeros")
    with pytest.raises(ParameterError, match="'shift' parameter of BoxCox"):
        BoxCox(shift="log")  # type: ignore[arg-type]


def test_function_treatment_is_checked() -> None:
    x = np.r_[np.arange(1.0, 21.0), 400.0, np.nan]
    out = FunctionTreatment(np.sqrt)(x)
    assert out.status == "function" and np.isnan(out.values[-1])
    with pytest.raises(MethodError, match="returned shape"):
        FunctionTreatment(lambda v: v[:-1], force=True)(x)
    with pytest.raises(MethodError, match="non-finite"):
        FunctionTreatment(lambda v: v * np.inf, force=True)(x)
    with pytest.raises(SpindexTypeError, match="callable"):
        FunctionTreatment(3)  # type: ignore[arg-type]


def test_winsorize_with_boxcox_fallback() -> None:
    x = np.r_[np.arange(1.0, 21.0), 100.0, 200.0]
    out = Winsorize(winmax=1, fallback=BoxCox())(x)
    assert out.status == "boxcox" and "lambda=" in out.detail and out.n_tried == 1


def test_no_treatment_reports_statistics() -> None:
    out = NoTreatment()(np.r_[np.arange(1.0, 21.0), 400.0])
    assert out.status == "untreated" and not out.passed_before
    assert out.skew_after == out.skew_before
    assert np.isnan(NoTreatment()(np.array([1.0, np.nan])).skew_before)


def test_get_treatment() -> None:
    assert get_treatment("default") == Winsorize()
    assert isinstance(get_treatment("boxcox"), BoxCox)
    assert isinstance(get_treatment(None), NoTreatment)
    assert isinstance(get_treatment(np.log1p), FunctionTreatment)
    with pytest.raises(ParameterError, match="must be one of"):
        get_treatment("winsorise")
    with pytest.raises(SpindexTypeError, match="name, a Treatment or a callable"):
        get_treatment(5)  # type: ignore[arg-type]
