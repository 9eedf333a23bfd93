"""infer_weights: exact recovery on synthetic data with known weights (oracles), the test of
fixed weights, robust fits, collinearity, input errors."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spindex as sp
from spindex.errors import DataError, ParameterError, SpindexTypeError, SpindexWarning

FW = sp.Framework.from_dict({"code": "I", "children": [
    {"code": "A", "children": [{"code": "a1"}, {"code": "a2"}, {"code": "a3"}]},
    {"code": "B", "children": [{"code": "b1"}, {"code": "b2"}]},
]})
WA = np.array([0.2, 0.5, 0.3])
WB = np.array([0.75, 0.25])
WI = np.array([0.6, 0.4])


def _panel(seed=0, units=40, years=(2001, 2002, 2003)):
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"u{i}" for i in range(units)], list(years)],
                                     names=["unit", "year"])
    x = pd.DataFrame(rng.uniform(0.5, 20, (len(idx), 5)), index=idx,
                     columns=["a1", "a2", "a3", "b1", "b2"])
    return x


def _publish(x, wa=WA, wb=WB, wi=WI, geometric=False):
    if geometric:
        A = np.exp(np.log(x[["a1", "a2", "a3"]]) @ wa)
        B = np.exp(np.log(x[["b1", "b2"]]) @ wb)
        I_ = np.exp(wi[0] * np.log(A) + wi[1] * np.log(B))
    else:
        A = x[["a1", "a2", "a3"]] @ wa
        B = x[["b1", "b2"]] @ wb
        I_ = wi[0] * A + wi[1] * B
    return pd.DataFrame({"A": A, "B": B, "I": I_})


@pytest.mark.parametrize("method", ["lsq", "lad"])
def test_exact_recovery_arithmetic(method):
    x = _panel()
    res = sp.infer_weights(FW, x, _publish(x), period="year", method=method)
    np.testing.assert_allclose(res.weights.loc["A", "weight"], WA, atol=1e-12)
    np.testing.assert_allclose(res.weights.loc["B", "weight"], WB, atol=1e-12)
    np.testing.assert_allclose(res.weights.loc["I", "weight"], WI, atol=1e-12)
    assert res.summary["fits"].all()
    assert (res.summary["n_misfit"] == 0).all()
    assert res.summary["max_abs_residual"].max() < 1e-11
    np.testing.assert_allclose(res.summary["scale"], 1.0, atol=1e-12)
    assert res.misfits.empty
    assert res.period_weights.shape == (7, 3)
    np.testing.assert_allclose(res.period_weights.loc["A"].to_numpy(),
                               np.repeat(WA[:, None], 3, axis=1), atol=1e-12)
    assert res.framework.node("a2").weight == pytest.approx(0.5, abs=1e-12)
    # The recovered framework scores the published values back.
    scored = sp.CompositeIndex(res.framework, normalize="none").score(
        x.xs(2002, level="year")).scores
    np.testing.assert_allclose(scored["I"], _publish(x).xs(2002, level="year")["I"], rtol=1e-12)
    assert "fits" in repr(res) and res.to_frame().shape[0] == 3


def test_exact_recovery_geometric_by_logs():
    x = _panel(seed=3)
    res = sp.infer_weights(FW, x, _publish(x, geometric=True), aggregate="geometric")
    np.testing.assert_allclose(res.weights.loc["A", "weight"], WA, atol=1e-10)
    np.testing.assert_allclose(res.weights.loc["I", "weight"], WI, atol=1e-10)
    assert res.summary["fits"].all()
    assert res.period_weights is None


def test_unnormalised_sum_reports_its_scale():
    x = _panel()
    pub = _publish(x, wa=2 * WA)
    res = sp.infer_weights(FW, x, pub, nodes=["A"])
    assert res.summary.loc["A", "scale"] == pytest.approx(2.0)
    np.testing.assert_allclose(res.weights.loc["A", "coefficient"], 2 * WA, atol=1e-12)
    np.testing.assert_allclose(res.weights.loc["A", "weight"], WA, atol=1e-12)


def test_per_period_weights_are_detected():
    x = _panel(units=60)
    parts = []
    for t, wa in zip((2001, 2002, 2003), ([0.2, 0.5, 0.3], [0.5, 0.2, 0.3], [0.3, 0.3, 0.4]),
                     strict=True):
        xt = x.xs(t, level="year", drop_level=False)
        parts.append(_publish(xt, wa=np.array(wa)))
    pub = pd.concat(parts).reindex(x.index)
    res = sp.infer_weights(FW, x, pub, period="year", nodes=["A"])
    row = res.summary.loc["A"]
    assert not row["fits"]
    assert row["max_abs_residual_periods"] < 1e-10  # each period is exact ...
    assert np.isnan(row["p_value"])                  # ... so the F test has no noise to use
    np.testing.assert_allclose(res.period_weights.loc["A", 2002], [0.5, 0.2, 0.3], atol=1e-12)
    # With noise, the F test rejects one fixed set of weights.
    rng = np.random.default_rng(1)
    noisy = pub.assign(A=pub["A"] + rng.normal(0, 0.01, len(pub)))
    row = sp.infer_weights(FW, x, noisy, period="year", nodes=["A"]).summary.loc["A"]
    assert row["p_value"] < 1e-6 and row["df1"] == 6 and row["df2"] == 180 - 9
    # And does not reject when the weights are fixed.
    fixed = _publish(x).assign(A=lambda d: d["A"] + rng.normal(0, 0.01, len(d)))
    row = sp.infer_weights(FW, x, fixed, period="year", nodes=["A"]).summary.loc["A"]
    assert row["p_value"] > 1e-3


def test_lad_isolates_a_minority_of_deviating_rows():
    x = _panel()
    pub = _publish(x)
    bad = pub.index[[3, 17, 50]]
    pub.loc[bad, "A"] -= [0.5, 0.02, 1.0]
    lsq = sp.infer_weights(FW, x, pub, nodes=["A"])
    lad = sp.infer_weights(FW, x, pub, nodes=["A"], method="lad")
    assert lsq.summary.loc["A", "n_misfit"] > 3
    np.testing.assert_allclose(lad.weights.loc["A", "weight"], WA, atol=1e-12)
    assert set(lad.misfits.index) == set(bad)
    assert lad.misfits["residual"].iloc[0] == pytest.approx(-1.0, abs=1e-9)


def test_collinear_children_warn():
    x = _panel()
    x["a3"] = 2 * x["a1"] + x["a2"]
    with pytest.warns(SpindexWarning, match="collinear"):
        res = sp.infer_weights(FW, x, _publish(x), nodes=["A"])
    assert res.summary.loc["A", "rank"] == 2
    assert res.summary.loc["A", "fits"]  # fits, but the weights are not identified


def test_missing_values_skip_rows():
    x = _panel()
    pub = _publish(x)
    x.iloc[0, 0] = np.nan
    pub.iloc[5, 0] = np.nan
    res = sp.infer_weights(FW, x, pub, nodes=["A"])
    assert res.summary.loc["A", "n"] == len(x) - 2
    assert np.isnan(res.fitted["A"].iloc[0]) and np.isnan(res.residuals["A"].iloc[5])


def test_input_errors():
    x = _panel()
    pub = _publish(x)
    with pytest.raises(SpindexTypeError, match="'framework' parameter"):
        sp.infer_weights("fw", x, pub)
    with pytest.raises(SpindexTypeError, match="'published' parameter"):
        sp.infer_weights(FW, x, pub.to_numpy())
    with pytest.raises(ParameterError, match=r"'period' parameter.*'quarter'"):
        sp.infer_weights(FW, x, pub, period="quarter")
    with pytest.raises(ParameterError, match=r"'aggregate' parameter.*'median'"):
        sp.infer_weights(FW, x, pub, aggregate="median")
    with pytest.raises(ParameterError, match="'method' parameter"):
        sp.infer_weights(FW, x, pub, method="l2")
    with pytest.raises(ParameterError, match="'tol' parameter"):
        sp.infer_weights(FW, x, pub, tol=0)
    with pytest.raises(ParameterError, match=r"'nodes' parameter.*'a1'"):
        sp.infer_weights(FW, x, pub, nodes=["a1"])
    with pytest.raises(DataError, match="no aggregate to fit"):
        sp.infer_weights(FW, x, pub.rename(columns=str.lower))
    with pytest.raises(DataError, match="value <= 0"):
        sp.infer_weights(FW, x.assign(a1=-x["a1"]), pub, aggregate="geometric")
    with pytest.raises(DataError, match="too few"):
        sp.infer_weights(FW, x.iloc[:2], pub, nodes=["A"])
    with pytest.raises(DataError, match="not numeric"):
        sp.infer_weights(FW, x.assign(a1="x"), pub, nodes=["A"])
    before = x.copy()
    sp.infer_weights(FW, x, pub)
    pd.testing.assert_frame_equal(x, before)


def test_period_with_too_few_rows_is_skipped_not_fatal():
    x = _panel(years=(2001, 2002))
    extra = _panel(units=2, years=(2003,))
    x = pd.concat([x, extra])
    res = sp.infer_weights(FW, x, _publish(x), period="year", nodes=["A"])
    row = res.summary.loc["A"]
    assert row["periods"] == 2 and row["periods_skipped"] == 1
    assert row["fits"] and 2003 not in res.period_weights.columns


def test_collinear_within_one_period_is_counted_not_warned():
    x = _panel(units=30)
    sel = x.index.get_level_values("year") == 2002
    x.loc[sel, "a3"] = x.loc[sel, "a1"]
    res = sp.infer_weights(FW, x, _publish(x), period="year", nodes=["A"])
    assert res.summary.loc["A", "periods_unidentified"] == 1
    np.testing.assert_allclose(res.weights.loc["A", "weight"], WA, atol=1e-10)


@settings(deadline=None)
@given(
    w=hnp.arrays(np.float64, 4, elements=st.floats(0.0, 10.0)).filter(lambda w: w.sum() > 0.1),
    seed=st.integers(0, 2**16),
    method=st.sampled_from(["lsq", "lad"]),
)
def test_property_exact_recovery(w, seed, method):
    rng = np.random.default_rng(seed)
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": f"x{i}"} for i in range(4)]})
    x = pd.DataFrame(rng.uniform(1, 100, (25, 4)), columns=[f"x{i}" for i in range(4)])
    pub = pd.DataFrame({"I": x.to_numpy() @ w})
    res = sp.infer_weights(fw, x, pub, method=method)
    np.testing.assert_allclose(res.weights["coefficient"].to_numpy(), w, atol=1e-8 * w.max())
    assert res.summary.loc["I", "fits"]
