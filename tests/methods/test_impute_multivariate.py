"""EM and k-nearest-neighbour imputation: checks, edge cases, a brute-force kNN reference,
and their use as the pipeline's ``impute`` method and as an uncertain switch."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import MethodError, ParameterError, SpindexWarning
from spindex.methods.impute import (
    EMImputer,
    KNNImputer,
    context_for,
    get_imputer,
)
from spindex.methods.weight import ConvergenceWarning


def brute_force_knn(X: np.ndarray, k: int) -> np.ndarray:
    """kNN imputation written unit by unit, from the definition in KNNImputer's docstring."""
    n, p = X.shape
    obs = ~np.isnan(X)
    loc = np.array([X[obs[:, j], j].mean() for j in range(p)])
    sd = np.array([X[obs[:, j], j].std() for j in range(p)])
    keep = np.array([np.unique(X[obs[:, j], j]).size > 1 for j in range(p)])
    Z = (X - loc) / np.where(keep, sd, 1.0)
    out = X.copy()
    for i in range(n):
        for j in range(p):
            if obs[i, j]:
                continue
            cands = []
            for d in range(n):
                if not obs[d, j]:
                    continue
                shared = [c for c in range(p) if keep[c] and obs[i, c] and obs[d, c]]
                if not shared:
                    continue
                dist = np.sqrt(np.mean([(Z[i, c] - Z[d, c]) ** 2 for c in shared]))
                cands.append((dist, d))
            cands.sort()  # by distance, then by unit order
            out[i, j] = np.mean([X[d, j] for _, d in cands[:k]])
    return out


@pytest.mark.parametrize(("seed", "n", "p", "k"), [(0, 8, 3, 1), (1, 15, 4, 3), (2, 30, 6, 5),
                                                    (3, 6, 2, 10)])
def test_knn_matches_brute_force(seed: int, n: int, p: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.1, 100, size=p)
    X[rng.random(X.shape) < 0.25] = np.nan
    X[0, :-1] = np.nan  # a unit with one observed value
    X[1:, -1] = np.where(np.isnan(X[1:, -1]), 1.0, X[1:, -1])  # the last column observed
    out = KNNImputer(k=k)(X, context_for(tuple("abcdef"[:p]), n))
    np.testing.assert_allclose(out, brute_force_knn(X, k), rtol=1e-12)


def test_knn_ties_go_to_the_earlier_unit() -> None:
    # Units 0 and 2 are both at distance 1 from unit 1 on x; k = 1 takes unit 0.
    X = np.array([[0.0, 10.0], [1.0, np.nan], [2.0, 30.0], [9.0, 90.0]])
    ctx = context_for(("x", "y"), 4)
    assert KNNImputer(k=1)(X, ctx)[1, 1] == 10.0
    assert KNNImputer(k=1)(X[[2, 1, 0, 3]], ctx)[1, 1] == 30.0
    assert KNNImputer(k=2)(X, ctx)[1, 1] == 20.0


def test_knn_ignores_constant_columns_and_uses_every_donor_when_few() -> None:
    X = np.array([[5.0, 0.0, 1.0], [5.0, 0.1, np.nan], [5.0, 3.0, 7.0], [np.nan, 2.9, 8.0]])
    out = KNNImputer(k=9)(X, context_for(("c", "x", "y"), 4))
    assert out[1, 2] == pytest.approx(16 / 3)
    assert out[3, 0] == 5.0


def test_knn_refuses_a_unit_without_neighbours() -> None:
    X = np.array([[1.0, 2.0], [np.nan, np.nan], [3.0, 4.0]])
    with pytest.raises(MethodError, match=r"Unit 'B' shares no observed, non-constant .* 'x'"):
        KNNImputer()(X, sp.methods.impute.ImputationContext(("x", "y"), ("A", "B", "C")))


@pytest.mark.parametrize("imputer", [EMImputer(), KNNImputer()])
def test_an_indicator_with_no_observed_value_is_an_error(imputer) -> None:
    X = np.array([[1.0, np.nan], [2.0, np.nan], [np.nan, np.nan]])
    with pytest.raises(MethodError, match=r"Indicator\(s\) 'y' have no observed value"):
        imputer(X, context_for(("x", "y"), 3))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"tol": 0}, "'tol' parameter of EMImputer must be a positive number"),
    ({"tol": float("nan")}, "'tol' parameter of EMImputer must be a number"),
    ({"max_iter": 0}, "'max_iter' parameter of EMImputer must be a positive integer"),
    ({"max_iter": 2.5}, "'max_iter' parameter of EMImputer must be a positive integer"),
    ({"ridge": -1}, "'ridge' parameter of EMImputer must be zero"),
])
def test_em_checks_its_parameters(kwargs, match) -> None:
    with pytest.raises(ParameterError, match=match):
        EMImputer(**kwargs)


@pytest.mark.parametrize("k", [0, -3, 1.5, True, "5"])
def test_knn_checks_k(k) -> None:
    with pytest.raises(ParameterError, match=rf"'k' parameter of KNNImputer .* Got {k!r}"):
        KNNImputer(k=k)


def test_em_warns_when_it_does_not_converge() -> None:
    rng = np.random.default_rng(0)
    X = rng.multivariate_normal([0, 0], [[1, .9], [.9, 1]], size=30)
    X[:20, 1] = np.nan
    with pytest.warns(ConvergenceWarning, match="did not converge in 2 iterations"):
        fit = EMImputer(max_iter=2).estimate(X)
    assert not fit.converged and fit.iterations == 2
    assert not np.isnan(fit.values).any()


def test_em_constant_columns_and_empty_rows() -> None:
    X = np.array([[1.0, 4.0, 2.0], [2.0, 4.0, 4.1], [3.0, np.nan, 5.9], [4.0, 4.0, np.nan],
                  [np.nan, np.nan, np.nan]])
    with pytest.warns(SpindexWarning, match=r"Unit\(s\) 'E' have no observed indicator"):
        fit = EMImputer().estimate(X, sp.methods.impute.ImputationContext(
            ("x", "c", "y"), tuple("ABCDE")))
    assert (fit.values[:, 1] == 4.0).all()  # the constant's value, exactly
    assert fit.cov[1].tolist() == [0.0, 0.0, 0.0] and fit.mean[1] == 4.0
    np.testing.assert_allclose(fit.values[4, [0, 2]], fit.mean[[0, 2]], rtol=1e-12)


def test_em_handles_collinear_indicators() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=25)
    X = np.column_stack([x, 2 * x + 1, rng.normal(size=25)])
    X[:5, 1] = np.nan
    out = EMImputer()(X, context_for(("a", "b", "c"), 25))
    np.testing.assert_allclose(out[:5, 1], 2 * x[:5] + 1, atol=1e-6)


def test_em_ridge_shrinks_towards_the_mean() -> None:
    X = np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, np.nan]])
    ctx = context_for(("x", "y"), 4)
    plain = EMImputer()(X, ctx)[3, 1]
    ridged = EMImputer(ridge=0.5)(X, ctx)[3, 1]
    mean = EMImputer(ridge=0.5).estimate(X).mean[1]
    assert plain == pytest.approx(7.9)
    assert mean < ridged < plain


def test_names_resolve() -> None:
    assert get_imputer("em") == EMImputer()
    assert get_imputer("knn") == KNNImputer()
    assert sp.EMImputer is EMImputer and sp.KNNImputer is KNNImputer


@pytest.fixture(scope="module")
def small() -> tuple[sp.Framework, pd.DataFrame]:
    rng = np.random.default_rng(11)
    table = pd.DataFrame({
        "code": ["x1", "x2", "x3", "x4", "P1", "P2", "Index"],
        "parent": ["P1", "P1", "P2", "P2", "Index", "Index", None],
        "weight": [1.0] * 6 + [np.nan],
        "direction": [1, 1, 1, -1] + [np.nan] * 3,
    })
    fw = sp.Framework.from_table(table)
    Z = rng.multivariate_normal(np.zeros(4), 0.6 + 0.4 * np.eye(4), size=20)
    Z[rng.random(Z.shape) < 0.15] = np.nan
    data = pd.DataFrame(Z * [1, 10, 100, 2] + 50, columns=["x1", "x2", "x3", "x4"])
    data.insert(0, "uCode", [f"U{i:02d}" for i in range(20)])
    return fw, data.set_index("uCode")


@pytest.mark.parametrize("spec", ["em", "knn", EMImputer(ridge=0.1), KNNImputer(k=2)])
def test_pipeline_uses_the_imputer(small, spec) -> None:
    fw, data = small
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100), impute=spec)
    result = model.score(data)
    imputed = result.stage("imputed")
    direct = get_imputer(spec)(data[list(fw.indicators)].to_numpy(float),
                               context_for(tuple(fw.indicators), len(data)))
    np.testing.assert_array_equal(imputed[list(fw.indicators)].to_numpy(float), direct)
    assert not result.scores.isna().any().any()


def test_no_imputation_versus_em_as_a_switch(small) -> None:
    fw, data = small
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u = sp.uncertainty(model, data, weights=None, impute=["none", "em"], n=64, seed=3,
                           keep_inputs=True)
    assert u.n == 64
    assert set(u.kept_inputs["impute"]) == {"none", "em"}
    # Both alternatives' rankings are reached: the runs' ranks are those of the two models.
    none = model.score(data).ranks[fw.root]
    em = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100), impute="em").score(data)
    counts = u.rank_counts
    for unit in data.index:
        reached = set(counts.columns[counts.loc[unit].to_numpy() > 0])
        expected = {none[unit], em.ranks[fw.root][unit]}
        assert reached == {r for r in expected if r == r}


def test_no_imputation_versus_knn_in_sobol(small) -> None:
    fw, data = small
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpindexWarning)  # ranks that never move: NaN indices
        sa = sp.sobol(model, data, weights=0.2, impute=[None, "knn"], n=64, bootstrap=0,
                      seed=1)
    assert sa.inputs[-1] == "impute"
    st = sa.total_order_score.loc["impute"]
    assert np.isfinite(st).all()
    # Units with gaps move when they are imputed; complete units owe nothing to imputation
    # beyond the min-max bounds the imputed values can shift.
    gappy = data.index[data.isna().any(axis=1)].astype(str)
    assert (st[gappy] > 0).all()
