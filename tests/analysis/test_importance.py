"""Importance (correlation ratios by a smoother) and weights optimised for target importance."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.importance import (
    ImportanceResult,
    OptimizedWeights,
    correlation_ratio,
    importance,
    optimize_weights,
)

# By path: once exported, spindex.analysis.importance as an attribute may be the function.
importance_module = importlib.import_module("spindex.analysis.importance")


def flat_framework(weights: dict[str, float]) -> sp.Framework:
    return sp.Framework.from_dict({
        "code": "I",
        "children": [{"code": c, "weight": w} for c, w in weights.items()],
    })


def table(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=[f"u{i}" for i in range(n)])


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework)


# ---------------------------------------------------------------------- the estimator
@pytest.mark.parametrize("smoother", ["spline", "local_linear"])
def test_smoother_catches_what_linear_r2_misses(smoother: str) -> None:
    """y = x1 + x2^2 with x ~ N(0, 1): S_1 = 1/3, S_2 = 2/3, but r^2(x2, y) = 0.

    At n = 2000 the estimates scatter with a standard deviation of about 0.02 (measured over
    seeds; x2^2 is heavy-tailed), so 0.07 is about 3.5 of them."""
    rng = np.random.default_rng(1)
    x1, x2 = rng.normal(size=(2, 2000))
    y = x1 + x2**2
    s2 = correlation_ratio(x2, y, smoother=smoother)
    assert s2 == pytest.approx(2 / 3, abs=0.07)
    assert correlation_ratio(x1, y, smoother=smoother) == pytest.approx(1 / 3, abs=0.07)
    r2 = np.corrcoef(x2, y)[0, 1] ** 2
    assert r2 < 0.02
    assert s2 > 25 * r2


def test_model_reports_importance_of_a_zero_weight_indicator() -> None:
    """The index is x1 + x2^2 (x2sq enters, x2 has weight 0): x2 drives two thirds of it, which
    neither its weight nor its Pearson r^2 shows."""
    rng = np.random.default_rng(2)
    x1, x2 = rng.normal(size=(2, 2000))
    data = table({"x1": x1, "x2": x2, "x2sq": x2**2})
    fw = flat_framework({"x1": 1.0, "x2": 0.0, "x2sq": 1.0})
    imp = importance(sp.CompositeIndex(fw, normalize=sp.Identity()), data)
    assert imp.main_effect["x2"] == pytest.approx(2 / 3, abs=0.07)
    assert imp.pearson_r2["x2"] < 0.02
    assert imp.weights["x2"] == 0.0
    assert imp.ratio["x2"] == np.inf
    # x2 and x2sq carry the same information about the index.
    assert imp.main_effect["x2"] == pytest.approx(imp.main_effect["x2sq"], abs=0.03)


def test_linear_relation_gives_the_straight_line() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(size=400)
    y = 2 * x + rng.normal(scale=0.5, size=400)
    s = correlation_ratio(x, y)
    assert s == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2, abs=0.01)


def test_smoothers_agree_on_a_smooth_curve() -> None:
    """Both smoothers find a sine; the kernel flattens its peaks more (bias h^2 f''/2), so it
    comes out a little lower."""
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, size=600)
    y = np.sin(x) + rng.normal(scale=0.3, size=600)
    truth = np.var(np.sin(x)) / np.var(y)
    spline = correlation_ratio(x, y)
    local = correlation_ratio(x, y, smoother="local_linear")
    assert spline == pytest.approx(truth, abs=0.04)
    assert local == pytest.approx(truth, abs=0.08)
    assert np.corrcoef(x, y)[0, 1] ** 2 < truth - 0.1


def test_pure_noise_explains_little() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(2, 500))
    assert correlation_ratio(x, y) < 0.03


def test_correlation_ratio_drops_incomplete_pairs() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(size=300)
    y = x**2 + rng.normal(scale=0.2, size=300)
    x_gappy, y_gappy = x.copy(), y.copy()
    x_gappy[:20] = np.nan
    y_gappy[20:40] = np.nan
    keep = slice(40, None)
    assert correlation_ratio(x_gappy, y_gappy) == pytest.approx(
        correlation_ratio(x[keep], y[keep]), abs=1e-12
    )


def test_constant_covariate_explains_nothing() -> None:
    assert correlation_ratio(np.ones(10), np.arange(10.0)) == 0.0
    assert correlation_ratio(np.ones(10), np.arange(10.0), smoother="local_linear") == 0.0


def test_correlation_ratio_errors() -> None:
    with pytest.raises(sp.DataError, match="same length"):
        correlation_ratio([1.0, 2.0], [1.0])
    with pytest.raises(sp.DataError, match="at least 5"):
        correlation_ratio([1.0, 2.0, 3.0, np.nan], [1.0, 2.0, 4.0, 5.0])
    with pytest.raises(sp.MethodError, match="constant"):
        correlation_ratio(np.arange(8.0), np.ones(8))
    with pytest.raises(sp.ParameterError, match=r"'smoother'.*Got 'loess'"):
        correlation_ratio(np.arange(8.0), np.arange(8.0), smoother="loess")


def test_local_linear_refuses_too_many_units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importance_module, "_LOCAL_LINEAR_MAX_UNITS", 50)
    x = np.arange(60.0)
    with pytest.raises(sp.ParameterError, match="smoother='spline'"):
        correlation_ratio(x, x**2, smoother="local_linear")


# ---------------------------------------------------------------------- importance()
def test_importance_table_on_asem(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    imp = importance(asem_model, asem_data)
    fw = asem_model.framework
    assert isinstance(imp, ImportanceResult)
    assert imp.table.index.tolist() == list(fw.indicators)
    assert imp.level == 1 and imp.smoother == "spline"
    eff = fw.effective_weights()
    np.testing.assert_allclose(imp.weights.to_numpy(), (eff / eff.sum()).to_numpy())
    assert imp.share.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(imp.ratio, imp.share / imp.weights)
    assert ((imp.main_effect >= 0) & (imp.main_effect <= 1)).all()
    # Missing values: only units with both the indicator and the index.
    observed = asem_data[list(fw.indicators)].notna().sum()
    assert (imp.table["n_units"] == observed).all()
    assert imp.fitted.shape == (51, 49)
    assert imp.fitted.isna().sum().equals(51 - observed)
    # The penalty leaves straight lines alone: the spline always explains what the line does.
    assert (imp.main_effect >= imp.pearson_r2 - 1e-12).all()
    assert imp.summary()["main_effect"].is_monotonic_decreasing
    text = repr(imp)
    assert "49 nodes at level 1" in text and "spline smoother" in text


def test_importance_of_pillars(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    imp = importance(asem_model, asem_data, level=2)
    assert imp.table.index.tolist() == list(asem_model.framework.level(2))
    scores = asem_model.score(asem_data).scores
    for code in ("Physical", "Social"):
        expected = correlation_ratio(scores[code], scores["Index"])
        assert imp.main_effect[code] == pytest.approx(expected, abs=1e-12)
        r = np.corrcoef(scores[code], scores["Index"])[0, 1]
        assert imp.pearson_r2[code] == pytest.approx(r**2, abs=1e-12)


def test_importance_uses_complete_pairs_with_missing_index() -> None:
    """min_coverage makes the index missing for some units; those units are left out."""
    rng = np.random.default_rng(7)
    data = table({c: rng.normal(size=40) for c in ("a", "b", "c")})
    data.iloc[:6, 0] = np.nan
    data.iloc[3:9, 1] = np.nan
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "Q", "children": [{"code": "c"}]},
    ]})
    model = sp.CompositeIndex(fw, min_coverage={"P": 1.0, "I": 1.0})
    imp = importance(model, data)
    y = model.score(data).index
    assert y.isna().sum() == 9
    assert imp.table["n_units"].to_dict() == {"a": 31, "b": 31, "c": 31}
    keep = y.notna() & data["a"].notna()
    normalized = model.normalized(data)
    assert imp.main_effect["a"] == pytest.approx(
        correlation_ratio(normalized.loc[keep, "a"], y[keep]), abs=1e-12
    )


def test_importance_errors(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    with pytest.raises(sp.SpindexTypeError, match="CompositeIndex"):
        importance("model", asem_data)  # type: ignore[arg-type]
    with pytest.raises(sp.ParameterError, match="root"):
        importance(asem_model, asem_data, level=-1)
    with pytest.raises(sp.FrameworkError, match="Level 7 does not exist"):
        importance(asem_model, asem_data, level=7)
    with pytest.raises(sp.ParameterError, match="smoother"):
        importance(asem_model, asem_data, smoother="kernel")
    few = asem_data.copy()
    few.loc[few.index[4:], "LPI"] = np.nan
    with pytest.raises(sp.DataError, match=r"'LPI'.*only 4 units.*47 of the 51 units miss.*"
                       r"Impute"):
        importance(asem_model, few)


def test_too_few_units_without_missing_values_does_not_advise_imputation() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 1.0, 3.0, 2.0]},
                        index=["p", "q", "r", "s"])
    with pytest.raises(sp.DataError) as info:
        importance(sp.CompositeIndex(fw), data)
    message = str(info.value)
    assert "only 4 units in all" in message and "Score more units" in message
    assert "mpute" not in message


# ---------------------------------------------------------------------- optimize_weights()
@pytest.fixture(scope="module")
def independent() -> tuple[sp.CompositeIndex, pd.DataFrame, np.ndarray]:
    """Independent indicators with sds 1, 2, 4 and no normalisation: S_i is proportional to
    (w_i sd_i)^2, so equal importance needs w_i proportional to 1 / sd_i."""
    rng = np.random.default_rng(8)
    sd = np.array([1.0, 2.0, 4.0])
    X = rng.normal(size=(3000, 3)) * sd
    data = table({c: X[:, j] for j, c in enumerate(["a", "b", "c"])})
    model = sp.CompositeIndex(flat_framework({"a": 1, "b": 1, "c": 1}), normalize=sp.Identity())
    return model, data, sd


@pytest.mark.parametrize("measure", ["correlation_ratio", "pearson"])
def test_equal_importance_weights(independent, measure: str) -> None:
    model, data, sd = independent
    opt = optimize_weights(model, data, measure=measure)
    assert isinstance(opt, OptimizedWeights)
    expected = (1 / sd) / (1 / sd).sum()
    np.testing.assert_allclose(opt.weights.to_numpy(), expected, rtol=0.05)
    np.testing.assert_allclose(opt.achieved.to_numpy(), 1 / 3, atol=1e-3)
    assert opt.objective < 1e-5
    assert opt.success and opt.n_eval > opt.n_iter > 0


def test_target_shares_and_reuse_of_weights(independent) -> None:
    model, data, sd = independent
    targets = {"a": 2.0, "b": 1.0, "c": 1.0}
    opt = optimize_weights(model, data, targets)
    np.testing.assert_allclose(opt.targets.to_numpy(), [0.5, 0.25, 0.25])
    np.testing.assert_allclose(opt.achieved.to_numpy(), opt.targets.to_numpy(), atol=2e-3)
    # S_i proportional to (w_i sd_i)^2 = t_i means w_i proportional to sqrt(t_i) / sd_i.
    expected = np.sqrt([2.0, 1.0, 1.0]) / sd
    np.testing.assert_allclose(opt.weights.to_numpy(), expected / expected.sum(), rtol=0.05)
    # The weights plug into the model, and the importance of that model is what was achieved.
    again = importance(model.with_weights(opt.weights), data)
    np.testing.assert_allclose(again.share.to_numpy(), opt.achieved.to_numpy(), atol=1e-9)
    pd.testing.assert_frame_equal(opt.importance.table, again.table)


def test_optimize_asem_sub_indices(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    opt = optimize_weights(asem_model, asem_data, level=3)
    assert opt.objective < 1e-8
    np.testing.assert_allclose(opt.achieved.to_numpy(), [0.5, 0.5], atol=1e-4)
    # Nominally Conn outweighs Sust in importance; the optimum moves weight to Sust.
    assert opt.nominal["Conn"] > 0.55
    assert opt.weights["Sust"] > opt.weights["Conn"]
    summary = opt.summary()
    assert summary.columns.tolist() == [
        "nominal_weight", "optimized_weight", "target", "nominal_share", "achieved_share"]
    assert "OptimizedWeights: 2 nodes at level 3" in repr(opt)
    nominal = importance(asem_model, asem_data, level=3)
    np.testing.assert_allclose(opt.nominal.to_numpy(), nominal.share.to_numpy(), atol=1e-12)


def test_optimize_pillars_within_groups(
    asem_model: sp.CompositeIndex, asem_data: pd.DataFrame
) -> None:
    """Level 2 of ASEM: eight pillars in two groups; weights come back normalised per group."""
    opt = optimize_weights(asem_model, asem_data, level=2, measure="pearson")
    fw = asem_model.framework
    w = opt.weights
    assert w[list(fw.children("Conn"))].sum() == pytest.approx(1.0)
    assert w[list(fw.children("Sust"))].sum() == pytest.approx(1.0)
    # Equal shares are out of reach here (SusEcFin hardly correlates with anything), but the
    # optimum is closer to them than the nominal weights.
    gap_opt = ((opt.achieved - opt.targets) ** 2).sum()
    gap_nominal = ((opt.nominal - opt.targets) ** 2).sum()
    assert gap_opt < 0.5 * gap_nominal
    assert opt.objective == pytest.approx(gap_opt)


def test_optimize_raises_when_not_converged(independent) -> None:
    model, data, _ = independent
    with pytest.raises(sp.MethodError, match=r"did not converge.*maxiter"):
        optimize_weights(model, data, method="Nelder-Mead", maxiter=2)


def test_optimize_errors(independent, asem_data: pd.DataFrame) -> None:
    model, data, _ = independent
    with pytest.raises(sp.ParameterError, match="missing \\['c'\\]"):
        optimize_weights(model, data, {"a": 1, "b": 1})
    with pytest.raises(sp.ParameterError, match="unknown \\['z'\\]"):
        optimize_weights(model, data, {"a": 1, "b": 1, "c": 1, "z": 1})
    with pytest.raises(sp.ParameterError, match="positive"):
        optimize_weights(model, data, {"a": 1, "b": 0, "c": 1})
    with pytest.raises(sp.SpindexTypeError, match="mapping"):
        optimize_weights(model, data, [1, 1, 1])  # type: ignore[arg-type]
    with pytest.raises(sp.SpindexTypeError, match="number"):
        optimize_weights(model, data, {"a": 1, "b": "x", "c": 1})
    with pytest.raises(sp.ParameterError, match="'measure'"):
        optimize_weights(model, data, measure="spearman")
    with pytest.raises(sp.ParameterError, match="'method'"):
        optimize_weights(model, data, method="newton-cg")
    with pytest.raises(sp.ParameterError, match="'maxiter'"):
        optimize_weights(model, data, maxiter=0)
    lonely = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
    ]})
    with pytest.raises(sp.ParameterError, match="only child"):
        optimize_weights(sp.CompositeIndex(lonely), data, level=2)
    median = sp.CompositeIndex(model.framework, normalize=sp.Identity(), aggregate="median")
    with pytest.raises(sp.ParameterError, match="power mean"):
        optimize_weights(median, data)
