"""The labelled weighting API and named weight sets on a framework."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex import weighting
from spindex.errors import DataError, FrameworkError, MethodError, ParameterError, SpindexTypeError


@pytest.fixture(scope="module")
def small() -> sp.Framework:
    return sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "weight": 2, "children": [{"code": "a"}, {"code": "b"}, {"code": "c"}]},
        {"code": "Q", "children": [{"code": "d"}, {"code": "e", "direction": -1}]},
        {"code": "R", "children": [{"code": "f"}]},
    ]})


@pytest.fixture(scope="module")
def small_data(small: sp.Framework) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    base = rng.normal(size=(30, 1))
    X = np.hstack([base + 0.3 * rng.normal(size=(30, 1)) for _ in range(6)])
    return pd.DataFrame(X, columns=list(small.indicators), index=[f"u{i}" for i in range(30)])


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework)


# ---------------------------------------------------------------- results plug into models


def test_equal_weights(small: sp.Framework) -> None:
    w = weighting.equal(small)
    assert list(w.index) == [c for c in small.codes if c != "I"]
    fw = small.with_weights(w)
    assert fw.normalized_weights()["P"] == pytest.approx(1 / 3)
    assert list(weighting.equal(small, level=2).index) == ["P", "Q", "R"]


def test_entropy_per_group(small: sp.Framework, small_data: pd.DataFrame) -> None:
    model = sp.CompositeIndex(small)
    norm = model.normalized(small_data)
    res = weighting.entropy(model, norm)
    sums = res.weights.groupby([small.parent(c) for c in res.weights.index]).sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    assert res["f"] == 1.0  # the only child of R
    # Within a group, the same as entropy over the group alone.
    alone = weighting.entropy(sp.Framework.from_dict({"code": "I", "children": [
        {"code": c} for c in ("a", "b", "c")]}), norm)
    np.testing.assert_allclose(res.weights[["a", "b", "c"]].to_numpy(), alone.weights.to_numpy())
    scored = model.with_weights(res).score(small_data)
    assert scored.framework.weights["a"] == pytest.approx(res["a"])


def test_entropy_refuses_zscores(small: sp.Framework, small_data: pd.DataFrame) -> None:
    norm = sp.CompositeIndex(small, normalize="zscore").normalized(small_data)
    with pytest.raises(MethodError, match=r"In the group 'P'.*non-negative.*min-max"):
        weighting.entropy(small, norm)


def test_result_objects_are_mappings(small: sp.Framework) -> None:
    res = weighting.ahp(small, [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], node="P")
    assert dict(res) == pytest.approx({"a": 4 / 7, "b": 2 / 7, "c": 1 / 7})
    assert len(res) == 3 and "a" in res and list(res) == ["a", "b", "c"]
    assert "AHPWeights" in repr(res)
    fw = small.with_weights(res)
    assert fw.weights["a"] == pytest.approx(4 / 7)
    assert fw.weights["P"] == 2  # other nodes untouched
    with pytest.raises(KeyError):
        res["zz"]


def test_pca_on_asem_pillars(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    scores = asem_model.score(asem_data)
    res = weighting.pca(asem_model, scores, level=2)
    assert set(res.weights.index) == set(asem_model.framework.level(2))
    assert set(res.loadings) == {"Conn", "Sust"}
    assert (res.n_units == 51).all()
    whole = weighting.pca(asem_model, scores, level=2, by_group=False)
    assert set(whole.loadings) == {"all"}
    assert whole.weights.sum() == pytest.approx(1.0)
    model = asem_model.with_weights(res)
    assert model.score(asem_data).index.notna().all()


def test_pca_missing_values_need_a_decision(asem_model, asem_data) -> None:
    norm = asem_model.normalized(asem_data)
    with pytest.raises(MethodError, match=r"In the group 'Physical'.*missing='drop'"):
        weighting.pca(asem_model, norm)
    dropped = weighting.pca(asem_model, norm, missing="drop")
    pairwise = weighting.pca(asem_model, norm, missing="pairwise")
    assert dropped.n_units["Physical"] == 43
    assert (pairwise.n_units >= dropped.n_units).all()
    assert not np.allclose(dropped.weights, pairwise.weights[dropped.weights.index])


def test_pca_with_fewer_units_than_indicators_warns() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": f"x{i}"} for i in range(6)]})
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(4, 6)), columns=list(fw.indicators))
    with pytest.warns(weighting.SmallSampleWarning, match="4 units for 6 variables"):
        res = weighting.pca(fw, X)
    assert res.weights.sum() == pytest.approx(1.0)


def test_ahp_labelled(small: sp.Framework) -> None:
    M = pd.DataFrame([[1, 3], [1 / 3, 1]], index=["d", "e"], columns=["d", "e"])
    res = weighting.ahp(small, M)
    assert res.weights.to_dict() == pytest.approx({"d": 0.75, "e": 0.25})
    assert res.cr == 0.0 and res.matrix.loc["d", "e"] == 3


@pytest.mark.parametrize(
    ("matrix", "kwargs", "message"),
    [
        (pd.DataFrame([[1, 2], [0.5, 1]], index=["d", "zz"], columns=["d", "zz"]), {},
         "'zz', which are not nodes"),
        (pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "d"], columns=["a", "d"]), {},
         "mixes children of different nodes"),
        (pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["a", "b"]), {},
         "only part of the children of 'P': it lacks 'c'"),
        (pd.DataFrame([[1, 2], [0.5, 1]], index=["d", "e"], columns=["e", "d"]), {},
         "same nodes in the same order"),
        (pd.DataFrame([[1, 2], [0.5, 1]], index=["d", "e"], columns=["d", "e"]), {"node": "P"},
         "children of 'Q', not of 'P'"),
        ([[1, 2], [0.5, 1]], {"node": "P"}, "3 children.*must be 3 x 3"),
        ([[1]], {"node": "a"}, "'a' is an indicator"),
    ],
)
def test_ahp_labels_must_match_the_framework(small, matrix, kwargs, message) -> None:
    with pytest.raises(FrameworkError, match=message):
        weighting.ahp(small, matrix, **kwargs)


def test_ahp_array_needs_node(small: sp.Framework) -> None:
    with pytest.raises(ParameterError, match="needs 'node'"):
        weighting.ahp(small, [[1, 2], [0.5, 1]])
    with pytest.raises(MethodError, match="not reciprocal"):
        weighting.ahp(small, [[1, 2], [2, 1]], node="Q")


def test_ahp_inconsistency_warning(small: sp.Framework) -> None:
    A = [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]]
    with pytest.warns(weighting.InconsistencyWarning):
        res = weighting.ahp(small, A, node="P")
    assert res.cr > 0.1


def test_budget_allocation(small: sp.Framework) -> None:
    points = pd.DataFrame({"P": [50, 40, 30], "Q": [30, 40, 30], "R": [20, 20, 40]},
                          index=["Ann", "Bo", "Cy"])
    res = weighting.budget_allocation(small, points, budget=100)
    assert res.weights.to_dict() == pytest.approx({"P": 0.4, "Q": 1 / 3, "R": 4 / 15})
    assert list(res.spread.columns) == ["mean", "sd", "low", "high"]
    assert res.spread.loc["P", "sd"] == pytest.approx(0.1)
    assert list(res.shares.index) == ["Ann", "Bo", "Cy"]
    fw = small.with_weights(res)
    assert fw.normalized_weights()["P"] == pytest.approx(0.4)


def test_budget_allocation_bad_input(small: sp.Framework) -> None:
    with pytest.raises(FrameworkError, match="lacks 'R'"):
        weighting.budget_allocation(small, pd.DataFrame({"P": [50], "Q": [50]}))
    with pytest.raises(MethodError, match="Expert 'Bo' allocated 90 points"):
        weighting.budget_allocation(
            small, pd.DataFrame({"d": [50, 45], "e": [50, 45]}, index=["Ann", "Bo"]), budget=100)
    with pytest.raises(SpindexTypeError, match="DataFrame"):
        weighting.budget_allocation(small, [[1, 2]])  # type: ignore[arg-type]


def test_bod_labelled(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    scores = asem_model.score(asem_data)
    res = weighting.benefit_of_the_doubt(asem_model, scores, level=2)
    assert list(res.scores.index) == list(asem_data.index)
    assert list(res.weights.columns) == list(asem_model.framework.level(2))
    assert res.scores.between(0, 1 + 1e-12).all()
    np.testing.assert_allclose(res.shares.sum(axis=1), 1.0, atol=1e-9)
    # The unit with the best pillar score of all scores 1.
    best = scores.level(2).stack().idxmax()[0]
    assert res.scores[best] == pytest.approx(1.0)
    w = res.weights_for(best)
    assert w.name == best and set(w.index) == set(asem_model.framework.level(2))
    asem_model.with_weights(w)  # usable as framework weights
    with pytest.raises(ParameterError, match="'XYZ' is not one of the units"):
        res.weights_for("XYZ")
    assert "BoDResult" in repr(res)


def test_bod_labelled_errors(asem_model, asem_data) -> None:
    norm = asem_model.normalized(asem_data)
    with pytest.raises(MethodError, match=r"has no value for indicator.*Impute"):
        weighting.benefit_of_the_doubt(asem_model, norm)
    complete = norm.dropna()
    with pytest.raises(FrameworkError, match=r"'Nope'.*not among the nodes"):
        weighting.benefit_of_the_doubt(asem_model, complete, upper={"Nope": 1})
    with pytest.raises(ParameterError, match="has the value 0 for indicator"):
        weighting.benefit_of_the_doubt(asem_model, complete, share_lower=0.01)
    with pytest.raises(FrameworkError, match="below the root"):
        weighting.benefit_of_the_doubt(asem_model, asem_model.score(asem_data), level=-1)


def test_values_must_hold_the_nodes(small: sp.Framework, small_data: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"no column for 'P', 'Q', 'R'.*model.score"):
        weighting.entropy(small, small_data, level=2)
    with pytest.raises(SpindexTypeError, match="DataFrame"):
        weighting.pca(small, small_data.to_numpy())
    with pytest.raises(SpindexTypeError, match="Framework or a CompositeIndex"):
        weighting.entropy("fw", small_data)  # type: ignore[arg-type]
    with pytest.raises(FrameworkError, match="root has no siblings"):
        weighting.entropy(small, small_data, level=-1)


def test_weights_for_another_framework_are_refused(small: sp.Framework, asem_framework) -> None:
    res = weighting.ahp(small, [[1, 3], [1 / 3, 1]], node="Q")
    with pytest.raises(FrameworkError, match="'d': it is not a node"):
        asem_framework.with_weights(res)
    with pytest.raises(FrameworkError, match="not a node"):
        asem_framework.with_weight_set("other", res)


# ---------------------------------------------------------------- weight sets


def test_weight_sets_are_named_snapshots(small: sp.Framework) -> None:
    fw = small.with_weight_set("expert", {"a": 3.0}).with_weight_set("flat", 1.0, level=2)
    assert list(fw.weight_sets.columns) == ["expert", "flat"]
    assert fw.weight_sets.loc["a", "expert"] == 3.0
    assert fw.weight_sets.loc["P", "expert"] == 2.0  # snapshot of the current weights
    assert fw.weight_sets.loc["P", "flat"] == 1.0
    assert fw.weights.equals(small.weights)  # active weights unchanged
    used = fw.use_weight_set("flat")
    assert used.weights["P"] == 1.0 and used.weights["a"] == 1.0
    assert list(used.weight_sets.columns) == ["expert", "flat"]  # the sets travel along
    assert fw.weight_set("expert")["a"] == 3.0
    assert "weight sets: 'expert', 'flat'" in repr(fw)
    assert list(small.weight_sets.columns) == []


def test_weight_set_for_one_node_leaves_the_others(small: sp.Framework) -> None:
    fw = small.with_weights({"a": 5.0}).with_weight_set("q", [1, 4], node="Q")
    ws = fw.weight_set("q")
    assert ws["d"] == 1 and ws["e"] == 4 and ws["a"] == 5.0


def test_weight_sets_survive_changes(small: sp.Framework) -> None:
    fw = small.with_weight_set("s", {"a": 2.0, "d": 3.0})
    assert fw.with_weights({"b": 7.0}).weight_set("s")["a"] == 2.0
    added = fw.add("g", "R")
    assert np.isnan(added.weight_sets.loc["g", "s"])
    assert added.use_weight_set("s").weights["g"] == 1.0
    dropped = fw.drop("d")
    assert "d" not in dropped.weight_set("s").index
    assert dropped.weight_set("s")["a"] == 2.0
    gone = fw.without_weight_set("s")
    assert list(gone.weight_sets.columns) == []
    assert gone != fw and fw == small.with_weight_set("s", {"a": 2.0, "d": 3.0})


def test_weight_set_errors(small: sp.Framework) -> None:
    with pytest.raises(FrameworkError, match=r"no weight set named 'x'.*with_weight_set"):
        small.use_weight_set("x")
    with pytest.raises(FrameworkError, match="non-empty name"):
        small.with_weight_set("", {"a": 1})
    with pytest.raises(FrameworkError, match="negative weight"):
        small.with_weight_set("bad", {"a": -1})
    with pytest.raises(FrameworkError, match="not a node"):
        small.with_weight_set("bad", {"zz": 1})
    zeroed = small.with_weight_set("z", {"d": 0.0})
    with pytest.raises(FrameworkError, match=r"weight set 'z' is invalid.*without_weight_set"):
        zeroed.drop("e")


def test_weight_sets_pickle(small: sp.Framework) -> None:
    fw = small.with_weight_set("s", {"a": 2.0})
    again = pickle.loads(pickle.dumps(fw))
    assert again == fw and again.weight_set("s")["a"] == 2.0


def test_effective_weights_of_every_node(small: sp.Framework) -> None:
    eff = small.effective_weights("all")
    assert list(eff.index) == list(small.codes)
    assert eff["I"] == 1.0
    assert eff["P"] == pytest.approx(0.5)
    assert eff["a"] == pytest.approx(0.5 / 3)
    for lv in range(1, small.n_levels + 1):
        assert eff[list(small.level(lv))].sum() == pytest.approx(1.0)
    pd.testing.assert_series_equal(eff[list(small.indicators)], small.effective_weights())


def test_model_uses_weight_sets(small: sp.Framework, small_data: pd.DataFrame) -> None:
    model = sp.CompositeIndex(small.with_weight_set("flat", 1.0, level=2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = model.with_framework(model.framework.use_weight_set("flat")).score(small_data)
    b = sp.CompositeIndex(small.with_weights(1.0, level=2)).score(small_data)
    pd.testing.assert_frame_equal(a.scores, b.scores)
