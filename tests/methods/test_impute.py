"""Imputation methods: mean, median, group mean/median, user functions."""

from __future__ import annotations

import numpy as np
import pytest

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods.impute import (
    FunctionImputer,
    GroupMean,
    GroupMedian,
    ImputationContext,
    MeanImputer,
    MedianImputer,
    context_for,
    get_imputer,
)

X = np.array([
    [1.0, 10.0],
    [np.nan, 20.0],
    [3.0, np.nan],
    [7.0, 40.0],
    [np.nan, np.nan],
])
GROUPS = ["a", "a", "a", "b", "b"]


def test_mean_and_median() -> None:
    ctx = context_for(("x", "y"), 5)
    out = MeanImputer()(X, ctx)
    np.testing.assert_array_equal(out[[1, 4], 0], [11 / 3, 11 / 3])
    np.testing.assert_array_equal(out[[2, 4], 1], [70 / 3, 70 / 3])
    med = MedianImputer()(X, ctx)
    np.testing.assert_array_equal(med[[1, 4], 0], [3.0, 3.0])
    for result in (out, med):
        observed = ~np.isnan(X)
        np.testing.assert_array_equal(result[observed], X[observed])
        assert not np.isnan(result).any()


def test_mean_is_computed_as_r_does() -> None:
    # R's mean() adds a long-double correction pass: 0.1, 0.2, 0.3 averages to 0.2 exactly.
    col = np.array([[0.1], [0.2], [0.3], [np.nan]])
    assert MeanImputer()(col, context_for(("x",), 4))[3, 0] == 0.2


def test_group_mean_and_median() -> None:
    ctx = context_for(("x", "y"), 5, groups=GROUPS)
    out = GroupMean("region")(X, ctx)
    np.testing.assert_array_equal(out[:, 0], [1.0, 2.0, 3.0, 7.0, 7.0])
    np.testing.assert_array_equal(out[:, 1], [10.0, 20.0, 15.0, 40.0, 40.0])
    med = GroupMedian("region")(X, ctx)
    np.testing.assert_array_equal(med[:, 0], [1.0, 2.0, 3.0, 7.0, 7.0])
    assert GroupMean("region").by == "region"


def test_group_with_no_observed_value_is_an_error() -> None:
    Y = X.copy()
    Y[3, 0] = np.nan
    ctx = ImputationContext(("x", "y"), ("A", "B", "C", "D", "E"),
                            np.array([0, 0, 0, 1, 1]), ("Europe", "Asia"), "EurAsia_group")
    with pytest.raises(MethodError, match=r"'x' has no observed value in group 'Asia' of "
                                          r"'EurAsia_group' \(units 'D', 'E'\)"):
        GroupMean("EurAsia_group")(Y, ctx)


def test_a_unit_without_group_that_needs_imputing_is_an_error() -> None:
    ctx = ImputationContext(("x", "y"), ("A", "B", "C", "D", "E"),
                            np.array([0, -1, 0, 1, 1]), ("a", "b"), "region")
    with pytest.raises(DataError, match="Unit 'B' has no value in the grouping column 'region'"):
        GroupMean("region")(X, ctx)
    # A unit without group but with complete data is fine.
    full = np.nan_to_num(X, nan=1.0)
    np.testing.assert_array_equal(GroupMean("region")(full, ctx), full)


def test_mean_of_an_empty_indicator_is_an_error() -> None:
    with pytest.raises(MethodError, match="'y' have no observed value"):
        MeanImputer()(np.array([[1.0, np.nan], [np.nan, np.nan]]), context_for(("x", "y"), 2))


def test_function_imputer() -> None:
    ctx = context_for(("x", "y"), 5)
    out = FunctionImputer(lambda v: np.nan_to_num(v, nan=-1.0))(X, ctx)
    assert out[1, 0] == -1.0 and out[0, 0] == 1.0
    partial = FunctionImputer(lambda v: v)(X, ctx)
    np.testing.assert_array_equal(np.isnan(partial), np.isnan(X))
    with pytest.raises(MethodError, match="changed observed values of indicator 'x'"):
        FunctionImputer(lambda v: np.nan_to_num(v) + 1)(X, ctx)
    with pytest.raises(MethodError, match="returned shape"):
        FunctionImputer(lambda v: v[:2])(X, ctx)
    with pytest.raises(MethodError, match="infinite"):
        FunctionImputer(lambda v: np.nan_to_num(v, nan=np.inf))(X, ctx)
    with pytest.raises(SpindexTypeError, match="callable"):
        FunctionImputer("mean")  # type: ignore[arg-type]


def test_input_is_not_modified() -> None:
    before = X.copy()
    GroupMean("g")(X, context_for(("x", "y"), 5, groups=GROUPS))
    np.testing.assert_array_equal(X, before)


def test_get_imputer() -> None:
    assert get_imputer("mean") == MeanImputer()
    assert get_imputer(GroupMean("g")) == GroupMean("g")
    assert isinstance(get_imputer(lambda v: v), FunctionImputer)
    with pytest.raises(ParameterError,
                       match=r"needs a grouping column; pass GroupMean\('column'\)"):
        get_imputer("group_mean")
    with pytest.raises(ParameterError, match="must be one of"):
        get_imputer("hot_deck")
    with pytest.raises(SpindexTypeError):
        get_imputer(3)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="grouping column"):
        GroupMean(None)  # type: ignore[arg-type]
