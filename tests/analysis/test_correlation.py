"""Correlation diagnostics: matrices with p-values, flags, Cronbach's alpha, PCA per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spindex as sp
from spindex.analysis import correlation as cr
from spindex.errors import DataError, FrameworkError, MethodError, ParameterError
from spindex.methods.weight import SmallSampleWarning


@pytest.fixture(scope="module")
def fw() -> sp.Framework:
    return sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}, {"code": "c"}]},
        {"code": "Q", "children": [{"code": "d"}, {"code": "e"}]},
    ]})


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    z = rng.normal(size=40)
    X = pd.DataFrame({
        "a": z + 0.1 * rng.normal(size=40),
        "b": z + 0.1 * rng.normal(size=40),   # nearly collinear with a
        "c": -z + 0.5 * rng.normal(size=40),  # against its pillar
        "d": rng.normal(size=40),
        "e": rng.normal(size=40),
    }, index=[f"u{i}" for i in range(40)])
    X.iloc[3, 0] = np.nan
    X.iloc[7, 3] = np.nan
    return X


@pytest.fixture(scope="module")
def result(fw: sp.Framework, data: pd.DataFrame) -> sp.IndexResult:
    return sp.CompositeIndex(fw).score(data)


def test_complete_data_agree_with_scipy() -> None:
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(25, 3)), columns=list("xyz"))
    X["z"] = X["z"].round(0)  # ties for the rank correlations
    for method, fn in [("pearson", stats.pearsonr), ("spearman", stats.spearmanr),
                       ("kendall", stats.kendalltau)]:
        c = cr.correlation_matrix(X, method=method)
        for i, j in [(0, 1), (0, 2), (1, 2)]:
            ref = fn(X.iloc[:, i], X.iloc[:, j])
            assert c.r.iat[i, j] == pytest.approx(ref.statistic, abs=1e-13)
            assert c.p.iat[i, j] == pytest.approx(ref.pvalue, rel=1e-9)
        assert (np.diag(c.r) == 1).all() and (np.diag(c.p) == 0).all()


def test_missing_values_are_pairwise_and_counted(data: pd.DataFrame) -> None:
    c = cr.correlation_matrix(data, method="spearman")
    assert c.n.loc["a", "d"] == 38 and c.n.loc["a", "b"] == 39 and c.n.loc["b", "c"] == 40
    ok = data[["a", "d"]].dropna()
    assert c.r.loc["a", "d"] == pytest.approx(stats.spearmanr(ok["a"], ok["d"]).statistic,
                                              abs=1e-13)
    pd.testing.assert_frame_equal(cr.correlation_matrix(data).r, data.corr(), atol=1e-13)


def test_undefined_correlations_stay_visible() -> None:
    X = pd.DataFrame({"x": [1.0, 2, 3, 4], "flat": [2.0, 2, 2, 2], "y": [1.0, np.nan, np.nan, 2]})
    for method in ("pearson", "spearman", "kendall"):
        c = cr.correlation_matrix(X, method=method)
        assert np.isnan(c.r.loc["x", "flat"]) and np.isnan(c.p.loc["x", "flat"])
        assert c.n.loc["x", "y"] == 2 and abs(c.r.loc["x", "y"]) == 1
    # With two units Student's t has no degrees of freedom; Kendall's exact test gives p = 1.
    assert np.isnan(cr.correlation_matrix(X, method="spearman").p.loc["x", "y"])
    assert cr.correlation_matrix(X, method="kendall").p.loc["x", "y"] == 1.0


def test_cross_tables_align_on_units() -> None:
    x = pd.DataFrame({"a": [1.0, 2, 3, 4]}, index=list("pqrs"))
    y = pd.DataFrame({"b": [4.0, 3, 2, 1]}, index=list("srqp"))
    assert cr.correlation_matrix(x, y).r.iat[0, 0] == pytest.approx(1.0)
    with pytest.raises(DataError, match="same units"):
        cr.correlation_matrix(x, y.rename(index={"s": "t"}))
    with pytest.raises(ParameterError, match="'method'"):
        cr.correlation_matrix(x, method="cosine")  # type: ignore[arg-type]


def test_long_form(data: pd.DataFrame) -> None:
    c = cr.correlation_matrix(data)
    long = c.long()
    assert len(long) == 10 and list(long.columns) == ["row", "column", "r", "p", "n"]
    cross = cr.correlation_matrix(data[["a", "b"]], data[["c"]]).long()
    assert cross[["row", "column"]].values.tolist() == [["a", "c"], ["b", "c"]]
    assert "Correlations (pearson)" in repr(c)


def test_levels_and_subtrees(fw: sp.Framework, result: sp.IndexResult) -> None:
    within = cr.correlations(fw, result)
    assert list(within.r.index) == list(fw.indicators)
    across = cr.correlations(fw, result, level=1, against=2)
    assert list(across.r.columns) == ["P", "Q"]
    sub = cr.correlations(fw, result, level=1, against=2, under="P")
    assert list(sub.r.index) == ["a", "b", "c"] and list(sub.r.columns) == ["P"]
    index = cr.correlations(fw, result.scores, level=1, against=-1, method="kendall")
    assert list(index.r.columns) == ["I"]
    with pytest.raises(FrameworkError, match="No nodes"):
        cr.correlations(fw, result, level=2, under="a")


def test_ancestor_correlations(fw: sp.Framework, result: sp.IndexResult) -> None:
    table = cr.ancestor_correlations(fw, result)
    assert table[table["code"] == "a"][["ancestor", "ancestor_level"]].values.tolist() == [
        ["P", 2], ["I", 3]]
    row = table[(table["code"] == "d") & (table["ancestor"] == "Q")].iloc[0]
    ok = result.scores[["d", "Q"]].dropna()
    assert row["r"] == pytest.approx(np.corrcoef(ok["d"], ok["Q"])[0, 1], abs=1e-13)
    assert row["n"] == len(ok)
    with pytest.raises(DataError, match="no column for 'P', 'Q', 'I'"):
        cr.ancestor_correlations(fw, result.stage("normalized"))


def test_flags(fw: sp.Framework, result: sp.IndexResult) -> None:
    pairs = cr.collinear_pairs(fw, result, threshold=0.9)
    assert pairs[["group", "a", "b"]].values.tolist()[0] == ["P", "a", "b"]
    assert (pairs["r"].abs() > 0.9).all()
    # a/b and c are strongly (negatively) correlated too: |r| is what counts.
    strong = cr.collinear_pairs(fw, result, threshold=0.8)
    assert set(map(tuple, strong[["a", "b"]].values.tolist())) == {("a", "b"), ("a", "c"),
                                                                   ("b", "c")}
    assert (strong["r"].iloc[1:] < 0).all()
    everything = cr.collinear_pairs(fw, result, threshold=0.0, group_level=3)
    assert len(everything) == 10  # every pair shares the index
    assert cr.collinear_pairs(fw, result, threshold=1.0).empty
    with pytest.raises(ParameterError, match="threshold"):
        cr.collinear_pairs(fw, result, threshold=1.5)
    negative = cr.negative_correlations(fw, result)
    assert negative[["code", "ancestor"]].values.tolist() == [["c", "P"]]
    everywhere = cr.negative_correlations(fw, result, all_ancestors=True)
    assert ["c", "I"] in everywhere[["code", "ancestor"]].values.tolist()


def test_cronbach_alpha(fw: sp.Framework, data: pd.DataFrame) -> None:
    z = np.arange(10.0)
    same = pd.DataFrame({"a": z, "b": z, "c": z, "d": z, "e": z[::-1]})
    alpha = cr.cronbach_alpha(fw, same)
    assert alpha.loc["P", "alpha"] == pytest.approx(1.0)
    assert np.isnan(alpha.loc["Q", "alpha"])  # two opposite items: their sum is constant
    # Against the textbook formula on complete data.
    X = data[["b", "c", "e"]].to_numpy()
    k = 3
    expected = k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1))
    whole = cr.cronbach_alpha(sp.Framework.from_dict({"code": "I", "children": [
        {"code": c} for c in ("b", "c", "e")]}), data)
    assert whole.loc["I", "alpha"] == pytest.approx(expected, abs=1e-13)
    assert whole.loc["I", "n_units"] == 40


def test_cronbach_missing_policies(fw: sp.Framework, data: pd.DataFrame) -> None:
    pairwise = cr.cronbach_alpha(fw, data)
    dropped = cr.cronbach_alpha(fw, data, missing="drop")
    assert pairwise.loc["P", "n_units"] == 40 and dropped.loc["P", "n_units"] == 39
    assert pairwise.loc["P", "alpha"] != dropped.loc["P", "alpha"]
    with pytest.raises(MethodError, match="'P' have missing values"):
        cr.cronbach_alpha(fw, data, missing="error")
    one = cr.cronbach_alpha(fw, data, by_group=False)
    assert list(one.index) == ["all"] and one.loc["all", "k"] == 5


def test_group_pca(fw: sp.Framework, data: pd.DataFrame) -> None:
    with pytest.raises(MethodError, match=r"In the group 'P'.*unit 'u3'.*missing='drop'"):
        cr.group_pca(fw, data)
    pcs = cr.group_pca(fw, data, missing="drop")
    p = pcs["P"]
    assert p.dropped == ("u3",) and p.n_units == 39
    assert p.explained.sum() == pytest.approx(1.0)
    assert p.explained.iloc[0] > 0.9
    L, V = p.loadings.to_numpy(), p.eigenvectors.to_numpy()
    np.testing.assert_allclose(L, V * np.sqrt(p.eigenvalues.to_numpy()), atol=1e-14)
    np.testing.assert_allclose((L**2).sum(axis=1), 1.0, atol=1e-12)  # all components kept
    assert "GroupPCA 'P'" in repr(p)
    pairwise = cr.group_pca(fw, data, missing="pairwise")
    assert pairwise["P"].dropped == () and pairwise["P"].n_units == 39
    whole = cr.group_pca(fw, data, by_group=False, missing="drop")
    assert list(whole) == ["all"] and whole["all"].dropped == ("u3", "u7")


def test_group_pca_small_sample(fw: sp.Framework, data: pd.DataFrame) -> None:
    with pytest.warns(SmallSampleWarning, match="3 units for 5 variables"):
        cr.group_pca(fw, data.iloc[:3], by_group=False, missing="pairwise")
