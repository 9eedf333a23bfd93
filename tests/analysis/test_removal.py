"""Removing each indicator or aggregate in turn: rank changes and their summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.removal import RemovalResult, remove_indicators


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework)


@pytest.fixture(scope="module")
def asem_removal(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> RemovalResult:
    return remove_indicators(asem_model, asem_data)


def test_each_indicator_removed(
    asem_removal: RemovalResult, asem_model: sp.CompositeIndex, asem_data: pd.DataFrame
) -> None:
    fw = asem_model.framework
    rem = asem_removal
    assert rem.rank_change.shape == (51, 49)
    assert rem.rank_change.columns.tolist() == list(fw.indicators)
    assert rem.rank_change.index.equals(asem_data.index)
    assert str(rem.rank_change.dtypes.iloc[0]) == "Int64"
    nominal = asem_model.score(asem_data).ranks["Index"]
    pd.testing.assert_series_equal(rem.nominal_ranks, nominal.rename("nominal_rank"))
    # Same as dropping by hand and re-scoring with the same methods.
    for code in ("LPI", "Embs", "NEET"):
        by_hand = asem_model.with_framework(fw.drop(code)).score(asem_data).ranks["Index"]
        pd.testing.assert_series_equal(rem.ranks[code], by_hand.rename(code))
        change = (by_hand - nominal).astype(float)
        assert rem.rank_change[code].astype(float).equals(change.rename(code))
        assert rem.mean_shift[code] == pytest.approx(change.abs().mean())
        assert rem.max_shift[code] == change.abs().max()
    assert rem.also_removed == dict.fromkeys(fw.indicators, ())
    assert rem.unranked == dict.fromkeys(fw.indicators, ())
    assert rem.level == 1 and rem.root == "Index"
    np.testing.assert_allclose(rem.weights, fw.effective_weights())


def test_summary_is_sorted_by_mean_shift(asem_removal: RemovalResult) -> None:
    summary = asem_removal.summary()
    assert summary.columns.tolist() == [
        "weight", "mean_abs_shift", "max_abs_shift", "units_moved", "also_removed", "unranked"]
    assert summary["mean_abs_shift"].is_monotonic_decreasing
    assert summary.index.name == "removed"
    moved = (asem_removal.rank_change != 0).sum()
    assert (summary["units_moved"] == moved.reindex(summary.index)).all()
    text = repr(asem_removal)
    assert "renormalised" in text and "49 nodes (level 1)" in text
    assert summary.index[0] in text


def test_remaining_weights_are_renormalised() -> None:
    """One group, arithmetic mean: without x_j the index is sum_{k != j} w_k x_k / sum w_k."""
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(30, 4))
    data = pd.DataFrame(X, columns=list("abcd"), index=[f"u{i}" for i in range(30)])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": c, "weight": float(wi)} for c, wi in zip("abcd", w, strict=True)]})
    rem = remove_indicators(sp.CompositeIndex(fw, normalize=sp.Identity()), data)
    for j, code in enumerate("abcd"):
        keep = np.arange(4) != j
        index = X[:, keep] @ w[keep] / w[keep].sum()
        expected = pd.Series(index, index=data.index).rank(ascending=False, method="min")
        np.testing.assert_array_equal(rem.ranks[code].to_numpy(dtype=float), expected)


def test_emptied_aggregate_goes_too(asem_data: pd.DataFrame) -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "LPI"}, {"code": "Flights"}]},
        {"code": "Q", "children": [{"code": "Embs"}]},
        {"code": "R", "children": [{"code": "CO2"}, {"code": "Renew"}]},
    ]})
    model = sp.CompositeIndex(fw)
    rem = remove_indicators(model, asem_data)
    assert rem.also_removed["Embs"] == ("Q",)
    assert rem.also_removed["LPI"] == ()
    assert rem.summary().loc["Embs", "also_removed"] == "Q"
    assert "also removes Q" in repr(rem)
    by_hand = model.with_framework(fw.drop("Q")).score(asem_data).ranks["I"]
    pd.testing.assert_series_equal(rem.ranks["Embs"], by_hand.rename("Embs"))


def test_aggregates_of_a_level_and_named_nodes(
    asem_model: sp.CompositeIndex, asem_data: pd.DataFrame
) -> None:
    pillars = remove_indicators(asem_model, asem_data, level=2)
    assert pillars.rank_change.columns.tolist() == list(asem_model.framework.level(2))
    np.testing.assert_allclose(pillars.weights, asem_model.framework.effective_weights(2))
    mixed = remove_indicators(asem_model, asem_data, nodes=["Social", "LPI"])
    assert mixed.level is None
    assert mixed.rank_change.columns.tolist() == ["Social", "LPI"]
    assert mixed.rank_change["Social"].equals(pillars.rank_change["Social"])
    assert mixed.weights["LPI"] == pytest.approx(0.5 * 0.2 / 8)
    single = remove_indicators(asem_model, asem_data, nodes="Social")
    assert single.rank_change.columns.tolist() == ["Social"]


def test_per_node_settings_for_removed_nodes_are_dropped(
    asem_framework: sp.Framework, asem_data: pd.DataFrame
) -> None:
    model = sp.CompositeIndex(
        asem_framework,
        normalize={"LPI": sp.MinMax(1, 2), "Physical": sp.MinMax(1, 100), "default": "minmax"},
        aggregate={"Physical": "geometric", 2: "arithmetic"},
    )
    rem = remove_indicators(model, asem_data, nodes=["LPI", "Physical"])
    fw = asem_framework
    kept = sp.CompositeIndex(
        fw.drop("Physical"), normalize={"default": "minmax"}, aggregate={2: "arithmetic"})
    expected = kept.score(asem_data).ranks["Index"]
    pd.testing.assert_series_equal(rem.ranks["Physical"], expected.rename("Physical"))
    assert not rem.rank_change["LPI"].isna().any()


def test_missing_index_gives_missing_change() -> None:
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.uniform(size=(12, 3)), columns=list("abc"),
                        index=[f"u{i}" for i in range(12)])
    data.iloc[0, 0] = np.nan
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]}, {"code": "c"}]})
    model = sp.CompositeIndex(fw, min_coverage={"P": 1.0, "I": 1.0})
    rem = remove_indicators(model, data)
    # u0 lacks 'a': no index nominally, but one once 'a' is gone.
    assert pd.isna(rem.nominal_ranks["u0"])
    assert not pd.isna(rem.ranks.loc["u0", "a"])
    assert rem.rank_change.loc["u0"].isna().all()
    assert rem.mean_shift.notna().all()


def test_unit_left_without_data_sits_out_that_run() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [np.nan, 1.0, 5.0, 2.0]},
                        index=["w", "x", "y", "z"])
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
    rem = remove_indicators(sp.CompositeIndex(fw), data)
    assert rem.unranked == {"a": ("w",), "b": ()}
    assert pd.isna(rem.ranks.loc["w", "a"]) and pd.isna(rem.rank_change.loc["w", "a"])
    assert rem.ranks["a"].dropna().tolist() == [3, 1, 2]
    assert rem.summary().loc["a", "unranked"] == 1
    assert "1 units left without data" in repr(rem)


def test_errors(asem_model: sp.CompositeIndex, asem_data: pd.DataFrame) -> None:
    with pytest.raises(sp.SpindexTypeError, match="CompositeIndex"):
        remove_indicators(asem_model.framework, asem_data)  # type: ignore[arg-type]
    with pytest.raises(sp.ParameterError, match="root"):
        remove_indicators(asem_model, asem_data, level=4)
    with pytest.raises(sp.ParameterError, match="root"):
        remove_indicators(asem_model, asem_data, nodes=["Index"])
    with pytest.raises(sp.ParameterError, match="twice"):
        remove_indicators(asem_model, asem_data, nodes=["LPI", "LPI"])
    with pytest.raises(sp.FrameworkError, match="'Nope' is not a node"):
        remove_indicators(asem_model, asem_data, nodes=["Nope"])
    with pytest.raises(sp.FrameworkError, match="Level 9"):
        remove_indicators(asem_model, asem_data, level=9)
    with pytest.raises(sp.SpindexTypeError, match="list of codes"):
        remove_indicators(asem_model, asem_data, nodes=[1, 2])  # type: ignore[list-item]
    with pytest.raises(sp.ParameterError, match="empty"):
        remove_indicators(asem_model, asem_data, nodes=[])
    lonely = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "LPI"}, {"code": "Embs"}]}]})
    with pytest.raises(sp.ParameterError, match="'P' would leave the framework empty"):
        remove_indicators(sp.CompositeIndex(lonely), asem_data, level=2)
