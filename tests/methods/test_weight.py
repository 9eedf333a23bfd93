"""The array-level weighting methods: correlation, PCA/varimax, entropy, AHP, budget, BoD."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spindex.errors import MethodError, ParameterError, SpindexWarning
from spindex.methods.weight import (
    RANDOM_INDEX,
    ConvergenceWarning,
    InconsistencyWarning,
    SmallSampleWarning,
    ahp_weights,
    benefit_of_the_doubt,
    budget_weights,
    correlation_for_pca,
    entropy_weights,
    nicoletti_weights,
    pairwise_pearson,
    principal_components,
    varimax,
)


@pytest.fixture
def gappy() -> np.ndarray:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 5)) @ rng.normal(size=(5, 5))
    X[rng.random(X.shape) < 0.15] = np.nan
    return X


# ---------------------------------------------------------------- correlation


def test_pairwise_pearson_equals_corrcoef_on_complete_data() -> None:
    X = np.random.default_rng(0).normal(size=(30, 4))
    r, n = pairwise_pearson(X)
    np.testing.assert_allclose(r, np.corrcoef(X, rowvar=False), atol=1e-14)
    assert (n == 30).all()


def test_pairwise_pearson_uses_each_pairs_common_units(gappy: np.ndarray) -> None:
    r, n = pairwise_pearson(gappy)
    expected = pd.DataFrame(gappy).corr(method="pearson").to_numpy()
    np.testing.assert_allclose(r, expected, atol=1e-13)
    for i, j in [(0, 1), (2, 4)]:
        ok = ~np.isnan(gappy[:, i]) & ~np.isnan(gappy[:, j])
        assert n[i, j] == ok.sum()
        assert r[i, j] == pytest.approx(np.corrcoef(gappy[ok, i], gappy[ok, j])[0, 1], abs=1e-14)


def test_pairwise_pearson_cross_and_undefined() -> None:
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    Y = np.array([[1.0], [np.nan], [np.nan]])
    r, n = pairwise_pearson(X, Y)
    assert r.shape == (2, 1) and np.isnan(r).all()
    assert n.ravel().tolist() == [1.0, 1.0]
    r, _ = pairwise_pearson(X)
    assert np.isnan(r[1, 1]) and np.isnan(r[0, 1])  # a constant column has no correlation
    with pytest.raises(MethodError, match="same units"):
        pairwise_pearson(X, np.ones((2, 1)))


def test_correlation_for_pca_missing_policies(gappy: np.ndarray) -> None:
    with pytest.raises(MethodError, match=r"missing='drop'.*missing='pairwise'"):
        correlation_for_pca(gappy)
    R, used = correlation_for_pca(gappy, missing="drop")
    complete = ~np.isnan(gappy).any(axis=1)
    np.testing.assert_array_equal(used, complete)
    np.testing.assert_allclose(R, np.corrcoef(gappy[complete], rowvar=False), atol=1e-14)
    R, used = correlation_for_pca(gappy, missing="pairwise")
    np.testing.assert_allclose(R, pd.DataFrame(gappy).corr().to_numpy(), atol=1e-13)
    with pytest.raises(ParameterError, match="'missing'"):
        correlation_for_pca(gappy, missing="mean")  # type: ignore[arg-type]


def test_correlation_for_pca_names_the_incomplete_unit() -> None:
    X = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 1.0], [4.0, 3.0]])
    with pytest.raises(MethodError, match="unit 'b'"):
        correlation_for_pca(X, units=["a", "b", "c", "d"])


def test_pca_on_fewer_units_than_variables_warns() -> None:
    X = np.random.default_rng(1).normal(size=(4, 6))
    with pytest.warns(SmallSampleWarning, match="4 units for 6 variables"):
        correlation_for_pca(X)
    assert issubclass(SmallSampleWarning, SpindexWarning)


def test_pca_refuses_too_few_units_and_constant_variables() -> None:
    with pytest.raises(MethodError, match="at least 3"):
        correlation_for_pca(np.array([[1.0, 2.0], [2.0, 1.0]]))
    X = np.column_stack([np.arange(5.0), np.ones(5)])
    with pytest.raises(MethodError, match="'flat' is constant"):
        correlation_for_pca(X, codes=["x", "flat"])


# ---------------------------------------------------------------- PCA and varimax


def test_principal_components_order_and_sign() -> None:
    R = np.array([[1, 0.6, 0.3], [0.6, 1, 0.2], [0.3, 0.2, 1]])
    values, vectors = principal_components(R)
    assert (np.diff(values) <= 0).all()
    np.testing.assert_allclose(vectors @ np.diag(values) @ vectors.T, R, atol=1e-14)
    assert (vectors.sum(axis=0) >= 0).all()


def test_varimax_is_an_orthogonal_rotation_that_simplifies() -> None:
    rng = np.random.default_rng(2)
    L = rng.normal(size=(8, 3))
    rotated, T = varimax(L)
    np.testing.assert_allclose(T @ T.T, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(rotated, L @ T, atol=1e-12)

    def criterion(M: np.ndarray) -> float:
        M = M / np.sqrt((M**2).sum(axis=1, keepdims=True))
        return float(((M**4).sum(axis=0) - (M**2).sum(axis=0) ** 2 / len(M)).sum())

    assert criterion(rotated) >= criterion(L)
    # A second rotation finds nothing left to gain.
    _, T2 = varimax(rotated)
    np.testing.assert_allclose(np.abs(T2), np.eye(3), atol=1e-9)


def test_varimax_one_factor_is_untouched() -> None:
    L = np.array([[0.5], [0.7]])
    rotated, T = varimax(L)
    np.testing.assert_array_equal(rotated, L)
    assert T.shape == (1, 1)


def test_varimax_reports_non_convergence() -> None:
    L = np.random.default_rng(4).normal(size=(6, 3))
    with pytest.warns(ConvergenceWarning, match="still moves after 1 iterations"):
        varimax(L, max_iter=1)


def test_varimax_flat_criterion_warns() -> None:
    # Three almost uncorrelated variables, two factors retained: nearly every rotation is as
    # good as any other, and the iteration crawls.
    R = np.array([[1, -0.0032, 0.1341], [-0.0032, 1, -0.0036], [0.1341, -0.0036, 1]])
    with pytest.warns(ConvergenceWarning, match="ill-determined"):
        res = nicoletti_weights(R)
    assert res.n_factors == 2 and res.weights.sum() == pytest.approx(1.0)


def test_varimax_stationary_start_stops() -> None:
    # Loadings at 45 degrees are a stationary point (B = 0): the iteration must not cycle.
    L = np.array([[0.7, 0.7], [0.7, -0.7]])
    _, T = varimax(L)
    np.testing.assert_allclose(np.abs(T), np.eye(2), atol=1e-12)


def test_nicoletti_retention_rule_extends_to_sixty_percent() -> None:
    # Four uncorrelated variables: no eigenvalue exceeds 1, so one factor is taken and
    # more are added until the cumulative share exceeds 60% (three factors: 75%).
    res = nicoletti_weights(np.eye(4))
    assert res.n_factors == 3
    assert res.weights.sum() == pytest.approx(1.0)


def test_nicoletti_explicit_factor_count_and_no_rotation() -> None:
    R = np.array([[1, .8, 0, 0], [.8, 1, 0, 0], [0, 0, 1, .4], [0, 0, .4, 1]])
    one = nicoletti_weights(R, n_factors=1)
    assert one.n_factors == 1 and one.loadings.shape == (4, 1)
    # Only the first block loads on the first factor; the others get (almost) nothing.
    assert one.weights[:2].sum() == pytest.approx(1.0)
    plain = nicoletti_weights(R, rotate=False)
    np.testing.assert_allclose(plain.weights * 32, [9, 9, 7, 7], atol=1e-12)
    with pytest.raises(ParameterError, match="'n_factors'"):
        nicoletti_weights(R, n_factors=5)


def test_nicoletti_single_variable_and_bad_input() -> None:
    assert nicoletti_weights(np.ones((1, 1))).weights.tolist() == [1.0]
    with pytest.raises(MethodError, match="square"):
        nicoletti_weights(np.ones((2, 3)))
    with pytest.raises(MethodError, match="missing or infinite"):
        nicoletti_weights(np.array([[1.0, np.nan], [np.nan, 1.0]]))


# ---------------------------------------------------------------- entropy


def test_entropy_closed_form() -> None:
    X = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 1.0]])
    p = np.array([1, 2, 3]) / 6
    e1 = -(p * np.log(p)).sum() / np.log(3)
    e2 = -(2 * 0.5 * np.log(0.5)) / np.log(3)  # 0 ln 0 = 0 for the first unit
    res = entropy_weights(X)
    np.testing.assert_allclose(res.entropy, [e1, e2], rtol=1e-14)
    np.testing.assert_allclose(res.weights, np.array([1 - e1, 1 - e2]) / (2 - e1 - e2), rtol=1e-14)


def test_entropy_constant_and_zero_columns_get_nothing() -> None:
    X = np.array([[2.0, 0.0, 1.0], [2.0, 0.0, 3.0], [2.0, 0.0, 0.0]])
    res = entropy_weights(X)
    assert res.weights.tolist()[:2] == [0.0, 0.0]
    assert res.weights[2] == pytest.approx(1.0)
    with pytest.raises(MethodError, match="Every column is constant"):
        entropy_weights(np.ones((3, 2)))


def test_entropy_missing_values_are_left_out() -> None:
    X = np.array([[1.0, 1.0], [2.0, np.nan], [3.0, 2.0], [np.nan, 3.0]])
    res = entropy_weights(X)
    np.testing.assert_allclose(res.entropy, entropy_weights(np.array([[1.0], [2.0], [3.0]]))
                               .entropy.tolist() * 2)


def test_entropy_refuses_negative_values() -> None:
    with pytest.raises(MethodError, match=r"column 'z' is -1 for unit 'u1'.*min-max"):
        entropy_weights(np.array([[1.0], [-1.0]]), units=["u0", "u1"], codes=["z"])
    with pytest.raises(MethodError, match="fewer than two values"):
        entropy_weights(np.array([[1.0, 1.0], [np.nan, 2.0]]))


# ---------------------------------------------------------------- AHP


def test_ahp_two_items_is_consistent_by_construction() -> None:
    res = ahp_weights([[1, 4], [0.25, 1]])
    np.testing.assert_allclose(res.weights, [0.8, 0.2], atol=1e-14)
    assert res.cr == 0.0 and res.lambda_max == pytest.approx(2.0)


def test_ahp_single_item() -> None:
    res = ahp_weights([[1.0]])
    assert res.weights.tolist() == [1.0] and res.ci == 0.0 and res.cr == 0.0


def test_ahp_inconsistent_matrix_warns() -> None:
    # a > b (x5), b > c (x5) but c > a (x5): a cycle.
    A = np.array([[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]])
    with pytest.warns(InconsistencyWarning, match="consistency ratio"):
        res = ahp_weights(A)
    assert res.cr >= 0.1
    np.testing.assert_allclose(res.weights, [1 / 3] * 3, atol=1e-12)


def test_ahp_random_index_table() -> None:
    assert len(RANDOM_INDEX) == 15 and RANDOM_INDEX[2] == 0.58 and RANDOM_INDEX[14] == 1.59
    w = np.linspace(1, 2, 16)
    res = ahp_weights(w[:, None] / w[None, :])
    assert np.isnan(res.ri) and np.isnan(res.cr)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 3], [3, 1]], r"not reciprocal: item 'a' over item 'b' is 3 .*3 instead of 0.3333"),
        ([[1, -2], [-0.5, 1]], "positive number"),
        ([[1, 0], [0, 1]], "positive number"),
        ([[2, 2], [0.5, 1]], "diagonal"),
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([[1, np.nan], [1, 1]], "positive number"),
    ],
)
def test_ahp_bad_matrices(matrix, message) -> None:
    with pytest.raises(MethodError, match=message):
        ahp_weights(matrix, codes=["a", "b", "c"][: len(matrix)])


def test_ahp_accepts_rounded_reciprocals() -> None:
    res = ahp_weights([[1, 3], [0.333, 1]])
    assert res.weights[0] == pytest.approx(0.75, abs=1e-3)
    with pytest.raises(MethodError, match="reciprocal"):
        ahp_weights([[1, 3], [0.333, 1]], reciprocal_tol=1e-6)


# ---------------------------------------------------------------- budget


def test_budget_mean_and_spread() -> None:
    res = budget_weights([[50, 30, 20], [30, 30, 40], [40, 30, 30]], budget=100)
    np.testing.assert_allclose(res.weights, [0.4, 0.3, 0.3], atol=1e-15)
    np.testing.assert_allclose(res.sd, [0.1, 0.0, 0.1], atol=1e-15)
    np.testing.assert_allclose(res.shares.sum(axis=1), 1.0)


def test_budget_without_budget_divides_by_each_total() -> None:
    res = budget_weights([[2, 2], [1, 3]])
    np.testing.assert_allclose(res.weights, [0.375, 0.625])
    assert np.isnan(budget_weights([[1, 3]]).sd).all()


@pytest.mark.parametrize(
    ("table", "kwargs", "message"),
    [
        ([[50, 60]], {"budget": 100}, "Expert 'Ann' allocated 110 points, not the budget of 100"),
        ([[50, -5]], {}, "Expert 'Ann' gave item 'y' -5 points"),
        ([[0, 0]], {}, "allocated nothing"),
        ([[np.nan, 1]], {}, "non-negative numbers"),
    ],
)
def test_budget_bad_input(table, kwargs, message) -> None:
    with pytest.raises(MethodError, match=message):
        budget_weights(table, experts=["Ann"], codes=["x", "y"], **kwargs)


# ---------------------------------------------------------------- BoD


FOUR = np.array([[1, 0.2], [0.5, 0.5], [0.2, 1], [0.4, 0.4]])


def test_bod_weights_reproduce_the_scores_and_respect_the_frontier() -> None:
    res = benefit_of_the_doubt(FOUR)
    np.testing.assert_allclose((res.weights * FOUR).sum(axis=1), res.scores, atol=1e-12)
    # Under each unit's weights, nobody exceeds 1.
    assert (FOUR @ res.weights.T <= 1 + 1e-9).all()


def test_bod_absolute_bounds() -> None:
    free = benefit_of_the_doubt(FOUR)
    res = benefit_of_the_doubt(FOUR, lower=0.3)
    assert (res.weights >= 0.3 - 1e-12).all()
    assert (res.scores <= free.scores + 1e-12).all()
    # B and D had their best with weights (5/6, 5/6): still allowed, so unchanged.
    np.testing.assert_allclose(res.scores[[1, 3]], [5 / 6, 2 / 3], atol=1e-12)
    capped = benefit_of_the_doubt(FOUR, upper=[0.5, np.inf])
    assert (capped.weights[:, 0] <= 0.5 + 1e-12).all()


def test_bod_share_bounds_hold() -> None:
    res = benefit_of_the_doubt(FOUR, share_lower=0.3, share_upper=[0.7, 1.0])
    shares = res.weights * FOUR / res.scores[:, None]
    assert (shares >= 0.3 - 1e-9).all()
    assert (shares[:, 0] <= 0.7 + 1e-9).all()


def test_bod_dominated_unit_is_still_scored() -> None:
    Y = np.array([[1.0, 1.0], [0.5, 0.5], [0.5, 0.5]])
    res = benefit_of_the_doubt(Y)
    np.testing.assert_allclose(res.scores, [1.0, 0.5, 0.5], atol=1e-12)


def test_bod_zero_unit_and_zero_column() -> None:
    Y = np.array([[0.0, 1.0], [0.0, 0.5], [0.0, 0.0]])
    res = benefit_of_the_doubt(Y)
    np.testing.assert_allclose(res.scores, [1.0, 0.5, 0.0], atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"share_lower": 0.6}, r"share lower bounds sum to 1.2 > 1"),
        ({"share_upper": 0.4}, r"share upper bounds sum to 0.8 < 1"),
        ({"share_lower": [0.5, 0.1], "share_upper": [0.4, 1]},
         "share bounds of indicator 'x' cross"),
        ({"lower": 2.0}, r"lower weight bounds alone give unit 'A' a score of 2.4 > 1"),
        ({"lower": [1, 0], "upper": [0.5, 1]}, "bounds of indicator 'x' cross"),
        ({"lower": -1}, "must be >= 0"),
        ({"share_lower": [1.5, 0]}, r"share must lie in \[0, 1\]"),
        ({"upper": [1, 2, 3]}, "one entry per indicator"),
    ],
)
def test_bod_impossible_restrictions_are_named(kwargs, message) -> None:
    with pytest.raises(ParameterError, match=message):
        benefit_of_the_doubt(FOUR, units=list("ABCD"), codes=["x", "y"], **kwargs)


def test_bod_share_bound_on_a_zero_value_is_refused() -> None:
    Y = np.array([[1.0, 0.0], [0.5, 1.0]])
    with pytest.raises(ParameterError, match=r"'A' has the value 0 for indicator 'y'.*MinMax"):
        benefit_of_the_doubt(Y, share_lower=[0, 0.2], units=["A", "B"], codes=["x", "y"])


def test_bod_infeasible_programme_names_unit_and_restrictions() -> None:
    # Weight on x of at least 0.9 gives unit A 0.9 from x alone, but x may make up only 10%
    # of its score, which could then not stay below 1.
    Y = np.array([[1.0, 1.0], [0.2, 0.2]])
    with pytest.raises(ParameterError, match=r"infeasible for unit 'A'.*lower \(indicator 'x': "
                       r"0.9\).*share_upper \(indicator 'x': 0.1\)"):
        benefit_of_the_doubt(Y, lower=[0.9, 0], share_upper=[0.1, 1], units=["A", "B"],
                             codes=["x", "y"])


def test_bod_refuses_missing_and_negative_values() -> None:
    with pytest.raises(MethodError, match=r"Unit 'B' has no value for indicator 'y'.*Impute"):
        benefit_of_the_doubt(np.array([[1, 1], [1, np.nan]]), units=["A", "B"], codes=["x", "y"])
    with pytest.raises(MethodError, match="non-negative"):
        benefit_of_the_doubt(np.array([[1, -1], [1, 1]]))
