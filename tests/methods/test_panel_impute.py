"""Panel imputation over time and within periods, against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods.impute import GroupMean
from spindex.methods.panel_impute import (
    TIME_METHODS,
    TimeImputer,
    gap_lengths,
    impute_cross_section,
    impute_time,
)

nan = np.nan
# One series with a leading gap (1 period), an interior gap (2) and a trailing gap (1).
SERIES = [nan, 2.0, nan, nan, 8.0, nan]


def values(x: object, method: str, **kwargs: object) -> list[float]:
    return impute_time(x, method, **kwargs).values.tolist()  # type: ignore[arg-type]


def same(a: list[float], b: list[float]) -> bool:
    return bool(np.array_equal(np.array(a), np.array(b), equal_nan=True))


def test_gap_lengths_count_consecutive_missing_periods() -> None:
    assert gap_lengths(SERIES).tolist() == [1, 0, 2, 2, 0, 1]
    assert gap_lengths([nan, nan, nan]).tolist() == [3, 3, 3]
    assert gap_lengths([1.0, 2.0]).tolist() == [0, 0]


@pytest.mark.parametrize(("method", "expected"), [
    ("locf", [nan, 2, 2, 2, 8, 8]),
    ("nocb", [2, 2, 8, 8, 8, nan]),
    # Interior gap: 2 + (8 - 2) * (t - 1) / (4 - 1) at t = 2, 3.
    ("linear", [nan, 2, 4, 6, 8, nan]),
    ("linear_constant", [2, 2, 4, 6, 8, 8]),
    ("constant", [2, 2, 2, 2, 8, 8]),
])
def test_every_method_on_a_hand_computed_series(method: str, expected: list[float]) -> None:
    assert same(values(SERIES, method), expected)


@pytest.mark.parametrize(("method", "expected"), [
    # The interior gap has 2 periods > max_gap = 1: it stays missing, entirely.
    ("locf", [nan, 2, nan, nan, 8, 8]),
    ("nocb", [2, 2, nan, nan, 8, nan]),
    ("linear", [nan, 2, nan, nan, 8, nan]),
    ("linear_constant", [2, 2, nan, nan, 8, 8]),
    ("constant", [2, 2, nan, nan, 8, 8]),
])
def test_a_gap_longer_than_the_maximum_stays_missing(method: str, expected: list[float]) -> None:
    assert same(values(SERIES, method, max_gap=1), expected)
    # A limit at the gap's length fills it.
    assert same(values(SERIES, method, max_gap=2), values(SERIES, method))


@pytest.mark.parametrize(("method", "expected", "limited"), [
    # COINr issue #63: a series with one observation.
    ("locf", [nan, nan, 5, 5], [nan, nan, 5, 5]),
    ("nocb", [5, 5, 5, nan], [nan, nan, 5, nan]),
    ("linear", [nan, nan, 5, nan], [nan, nan, 5, nan]),
    ("linear_constant", [5, 5, 5, 5], [nan, nan, 5, 5]),
    ("constant", [5, 5, 5, 5], [nan, nan, 5, 5]),
])
def test_a_single_observation(method: str, expected: list[float], limited: list[float]) -> None:
    x = [nan, nan, 5.0, nan]
    assert same(values(x, method), expected)
    # The leading gap has 2 periods, the trailing one 1: max_gap=1 fills only the latter.
    assert same(values(x, method, max_gap=1), limited)


@pytest.mark.parametrize("method", TIME_METHODS)
def test_no_observation_and_no_gap(method: str) -> None:
    assert same(values([nan, nan, nan], method), [nan, nan, nan])
    full = impute_time([1.0, 2.0, 3.0], method)
    assert full.values.tolist() == [1.0, 2.0, 3.0]
    assert not full.imputed.any()


def test_linear_interpolation_uses_the_times_of_the_periods() -> None:
    # Periods 2018, 2019, 2021, 2022: 10 + 30 * (2019 - 2018) / 4 = 17.5 and
    # 10 + 30 * 3 / 4 = 32.5. The gap counts 2 periods (not 3 years).
    x = [10.0, nan, nan, 40.0]
    times = [2018, 2019, 2021, 2022]
    assert values(x, "linear", times=times) == [10.0, 17.5, 32.5, 40.0]
    assert values(x, "linear") == [10.0, 20.0, 30.0, 40.0]
    assert same(values(x, "linear", times=times, max_gap=1), [10, nan, nan, 40])


def test_linear_follows_r_approx_arithmetic() -> None:
    # R: approx(c(0, 3), c(0.1, 0.7), xout = 1)$y is 0.1 + (0.7 - 0.1) * ((1 - 0) / (3 - 0)).
    out = impute_time([0.1, nan, nan, 0.7], "linear").values
    assert out[1] == 0.1 + (0.7 - 0.1) * ((1 - 0) / (3 - 0))
    assert out[2] == 0.1 + (0.7 - 0.1) * ((2 - 0) / (3 - 0))


def test_the_sources_of_every_filled_value_are_reported() -> None:
    locf = impute_time(SERIES, "locf")
    assert locf.imputed.tolist() == [False, False, True, True, False, True]
    assert locf.before.tolist() == [-1, -1, 1, 1, -1, 4]
    assert (locf.after == -1).all()
    lin = impute_time(SERIES, "linear_constant")
    assert lin.before.tolist() == [-1, -1, 1, 1, -1, 4]
    assert lin.after.tolist() == [1, -1, 4, 4, -1, -1]


def test_a_cube_is_imputed_series_by_series() -> None:
    rng = np.random.default_rng(3)
    cube = rng.normal(size=(6, 4, 3))
    cube[rng.random(cube.shape) < 0.4] = nan
    for method in TIME_METHODS:
        out = impute_time(cube, method, max_gap=2)
        for i in range(4):
            for j in range(3):
                one = impute_time(cube[:, i, j], method, max_gap=2)
                np.testing.assert_array_equal(out.values[:, i, j], one.values)
                np.testing.assert_array_equal(out.before[:, i, j], one.before)
        observed = ~np.isnan(cube)
        np.testing.assert_array_equal(out.values[observed], cube[observed])


def test_the_input_is_not_modified() -> None:
    x = np.array(SERIES)
    impute_time(x, "linear_constant")
    assert same(x.tolist(), SERIES)


def test_bad_parameters_are_named() -> None:
    with pytest.raises(ParameterError, match="'method' parameter of impute_time must be one of"):
        impute_time(SERIES, "spline")
    with pytest.raises(ParameterError, match="'max_gap' parameter of impute_time must be at"):
        impute_time(SERIES, max_gap=0)
    with pytest.raises(SpindexTypeError, match="positive integer"):
        impute_time(SERIES, max_gap=1.5)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="positive integer"):
        impute_time(SERIES, max_gap=True)
    with pytest.raises(DataError, match="strictly increasing"):
        impute_time([1.0, nan, 2.0], "linear", times=[3, 2, 1])
    with pytest.raises(DataError, match="one time per period"):
        impute_time([1.0, nan, 2.0], "linear", times=[1, 2])
    with pytest.raises(DataError, match="infinite"):
        impute_time([1.0, np.inf], "locf")
    with pytest.raises(DataError, match="at least one period"):
        impute_time(np.empty((0, 2)), "locf")
    with pytest.raises(SpindexTypeError, match="numeric array"):
        impute_time(["a", "b"], "locf")


def test_time_imputer_value_object() -> None:
    imp = TimeImputer("linear", max_gap=2)
    assert imp.name == "linear(max_gap=2)"
    assert TimeImputer().name == "locf"
    assert imp([1.0, nan, 3.0]).values.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ParameterError, match="TimeImputer must be one of"):
        TimeImputer("mean")
    with pytest.raises(ParameterError, match="TimeImputer must be at least 1"):
        TimeImputer("locf", max_gap=-1)


def test_cross_section_imputes_within_each_period_from_present_units() -> None:
    # Period 0: units a, b, c present, d absent; mean of (1, 3) = 2 fills b, d stays absent.
    # Period 1: all present; mean of (10, 20, 30) = 20 fills c.
    X = np.array([
        [[1.0], [nan], [3.0], [nan]],
        [[10.0], [20.0], [nan], [30.0]],
    ])
    present = np.array([[True, True, True, False], [True, True, True, True]])
    out = impute_cross_section(X, "mean", present=present)
    assert same(out.values[:, :, 0].tolist()[0], [1.0, 2.0, 3.0, nan])
    assert out.values[:, :, 0].tolist()[1] == [10.0, 20.0, 20.0, 30.0]
    assert out.imputed[:, :, 0].tolist() == [[False, True, False, False],
                                             [False, False, True, False]]
    assert (out.before == -1).all() and (out.after == -1).all()
    median = impute_cross_section(X, "median", present=present)
    assert median.values[1, 2, 0] == 20.0


def test_cross_section_groups_may_change_between_periods() -> None:
    X = np.array([
        [[1.0], [3.0], [nan], [10.0]],
        [[1.0], [3.0], [nan], [10.0]],
    ])
    # Unit 2 is in group 0 in period 0 and in group 1 in period 1.
    groups = np.array([[0, 0, 0, 1], [0, 0, 1, 1]])
    out = impute_cross_section(X, GroupMean("region"), groups=groups, group_labels=("a", "b"),
                               group_column="region")
    assert out.values[:, 2, 0].tolist() == [2.0, 10.0]


def test_cross_section_errors_name_the_period() -> None:
    X = np.array([[[1.0], [2.0]], [[nan], [nan]]])
    with pytest.raises(MethodError, match=r"In period 2020: .*'x' have no observed value"):
        impute_cross_section(X, "mean", codes=("x",), periods=("2019", "2020"))
    with pytest.raises(DataError, match=r"\(periods x units x indicators\)"):
        impute_cross_section(np.ones((2, 2)), "mean")
    with pytest.raises(DataError, match="'present' must have shape"):
        impute_cross_section(np.ones((2, 2, 1)), "mean", present=np.ones((3, 2), bool))
    with pytest.raises(DataError, match="'groups' must have shape"):
        impute_cross_section(np.ones((2, 2, 1)), GroupMean("g"), groups=np.zeros((2, 3)))
    with pytest.raises(ParameterError, match="'impute' method must be one of"):
        impute_cross_section(np.ones((2, 2, 1)), "mode")
