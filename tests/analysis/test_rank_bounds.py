"""rank_bounds: the weight sets, exact versus Monte Carlo, the result, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import LinearConstraint

import spindex as sp
from spindex._ranking import rank_rows
from spindex.analysis.rank_bounds import RankBounds, rank_bounds
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({"code": "Index", "children": [
    {"code": "Aid"}, {"code": "Trade"}, {"code": "Tourism"}, {"code": "Opinion"}]})
DATA = pd.DataFrame(
    {
        "Aid": [80.0, 40.0, 10.0, 55.0, 20.0],
        "Trade": [90.0, 60.0, 30.0, 20.0, 50.0],
        "Tourism": [50.0, 70.0, 45.0, 65.0, 40.0],
        "Opinion": [30.0, 60.0, 95.0, 70.0, 45.0],
    },
    index=["China", "Japan", "Korea", "India", "USA"],
)
MODEL = sp.CompositeIndex(FW, normalize="none")
TREE = sp.Framework.from_dict({"code": "I", "children": [
    {"code": "A", "children": [{"code": "a1"}, {"code": "a2"}]},
    {"code": "B", "weight": 3, "children": [{"code": "b1"}, {"code": "b2"}, {"code": "b3"}]}]})
TREE_DATA = pd.DataFrame(np.random.default_rng(3).integers(0, 50, size=(7, 5)).astype(float),
                         columns=["a1", "a2", "b1", "b2", "b3"],
                         index=[f"u{i}" for i in range(7)])


def test_result_shape_and_nominal_inside() -> None:
    res = rank_bounds(MODEL, DATA)
    assert isinstance(res, RankBounds)
    assert list(res.table.columns) == ["nominal", "best", "worst"]
    assert list(res.table.index) == list(DATA.index)
    nominal = rank_rows(DATA.mean(axis=1).to_numpy()[None, :])[0]
    np.testing.assert_array_equal(res.table["nominal"], nominal)
    assert (res.table["best"] <= res.table["nominal"]).all()
    assert (res.table["worst"] >= res.table["nominal"]).all()
    assert res.nodes == ("Aid", "Trade", "Tourism", "Opinion")
    assert res.weights_best.shape == (5, 4)
    assert res.n is None and res.unseen is None and res.nonlinear == ()
    summary = res.summary()
    assert (summary["range"] == summary["worst"] - summary["best"]).all()
    assert "exact" in repr(res) and "China" in repr(res)


def test_bounds_narrow_the_ranges() -> None:
    wide = rank_bounds(MODEL, DATA).table
    narrow = rank_bounds(MODEL, DATA, bounds=0.25).table
    half = rank_bounds(MODEL, DATA, bounds=(0.0, 0.5)).table
    for t in (narrow, half):
        assert (t["best"] >= wide["best"]).all() and (t["worst"] <= wide["worst"]).all()
    none = rank_bounds(MODEL, DATA, bounds=0.0).table  # only the nominal weights
    assert (none["best"] == none["nominal"]).all() and (none["worst"] == none["nominal"]).all()


def test_mapping_bounds_and_weights_inside() -> None:
    res = rank_bounds(MODEL, DATA, bounds={"Opinion": (0.0, 0.1), "Aid": (0.3, 0.6)})
    w = pd.concat([res.weights_best, res.weights_worst])
    assert (w["Opinion"] <= 0.1 + 1e-9).all() and (w["Aid"] >= 0.3 - 1e-9).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0)


def test_constraint_forms_agree() -> None:
    as_tuple = rank_bounds(MODEL, DATA, constraints=[({"Aid": 1, "Trade": 1}, None, 0.5)])
    as_scipy = rank_bounds(MODEL, DATA, constraints=LinearConstraint([[1, 1, 0, 0]], -np.inf,
                                                                      0.5))
    pd.testing.assert_frame_equal(as_tuple.table, as_scipy.table)
    w = as_tuple.weights_best
    assert (w["Aid"] + w["Trade"] <= 0.5 + 1e-9).all()


def test_units_subset_keeps_everyone_in_the_ranking() -> None:
    full = rank_bounds(MODEL, DATA).table
    part = rank_bounds(MODEL, DATA, units=["Korea", "China"]).table
    assert list(part.index) == ["Korea", "China"]
    pd.testing.assert_frame_equal(part, full.loc[["Korea", "China"]])


def test_node_and_effective_shares_in_a_tree() -> None:
    model = sp.CompositeIndex(TREE, normalize="none")
    by_node = rank_bounds(model, TREE_DATA, node="B")
    assert by_node.nodes == ("b1", "b2", "b3") and by_node.exact
    eff = rank_bounds(model, TREE_DATA, level=1, effective=True)
    assert eff.groups == (("a1", "a2", "b1", "b2", "b3"),)
    # A simplex of effective weights contains every product of group simplices.
    prod = rank_bounds(model, TREE_DATA, level=1)
    assert (eff.table["best"] <= prod.table["best"]).all()
    assert (eff.table["worst"] >= prod.table["worst"]).all()
    X = TREE_DATA.to_numpy()
    np.testing.assert_array_equal(np.diag(rank_rows(eff.weights_best.to_numpy() @ X.T)),
                                  eff.table["best"])


def test_nonlinear_model_falls_back_to_monte_carlo() -> None:
    model = sp.CompositeIndex(FW, normalize="none", aggregate="geometric")
    res = rank_bounds(model, DATA, n=3000, seed=4)
    assert not res.exact and res.method == "monte_carlo" and res.nonlinear
    assert res.n == 3000 and res.unseen == pytest.approx(1 - 0.05 ** (1 / 3000))
    again = rank_bounds(model, DATA, n=3000, seed=4, block_size=1000)
    pd.testing.assert_frame_equal(res.table, again.table)
    # The ranks are reached: the model itself, with the weights returned, gives them.
    for unit in ["China", "Korea"]:
        w = res.weights_best.loc[unit]
        ranks = model.with_weights(w.to_dict()).score(DATA).ranks["Index"]
        assert ranks[unit] == res.table.at[unit, "best"]
    assert "Monte Carlo" in repr(res)
    with pytest.raises(MethodError, match="monte_carlo"):
        rank_bounds(model, DATA, method="exact")


def test_monte_carlo_inside_exact() -> None:
    exact = rank_bounds(MODEL, DATA, bounds=(0.05, 0.6)).table
    mc = rank_bounds(MODEL, DATA, bounds=(0.05, 0.6), method="monte_carlo", n=4000,
                     seed=1).table
    assert (mc["best"] >= exact["best"]).all() and (mc["worst"] <= exact["worst"]).all()


def test_missing_values_are_not_linear() -> None:
    data = DATA.copy()
    data.loc["USA", "Trade"] = np.nan
    res = rank_bounds(MODEL, data, n=2000, seed=0)
    assert not res.exact and any("USA" in r for r in res.nonlinear)


def test_ties_share_the_best_rank() -> None:
    data = pd.concat([DATA, DATA.loc[["China"]].rename(index={"China": "Twin"})])
    res = rank_bounds(MODEL, data).table
    assert res.at["Twin", "best"] == res.at["China", "best"]
    assert res.at["Twin", "worst"] == res.at["China", "worst"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "fast"}, ParameterError, "'method' parameter of rank_bounds"),
        ({"n": 0}, ParameterError, "'n' parameter of rank_bounds"),
        ({"units": ["Atlantis"]}, ParameterError, "'Atlantis' is not a unit"),
        ({"bounds": 1.5}, ParameterError, r"\[0, 1\)"),
        ({"bounds": "wide"}, SpindexTypeError, "'bounds' parameter of rank_bounds"),
        ({"bounds": {"Culture": (0, 1)}}, ParameterError, "'Culture'"),
        ({"bounds": {"Aid": (0.6, 0.2)}}, ParameterError, "low <= high"),
        ({"bounds": (0.3, 1.0), "constraints": [({"Aid": 1}, None, 0.2)]}, ParameterError,
         "No weights meet"),
        ({"constraints": "Aid <= 0.5"}, SpindexTypeError, "'constraints' parameter"),
        ({"constraints": [({"Culture": 1}, 0, 1)]}, ParameterError, "'Culture'"),
        ({"constraints": [LinearConstraint([[1, 1]], 0, 1)]}, ParameterError, "columns"),
        ({"node": "Aid"}, ParameterError, "indicator"),
        ({"effective": "yes"}, SpindexTypeError, "effective"),
    ],
)
def test_bad_input(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        rank_bounds(MODEL, DATA, **kwargs)


def test_bad_input_types_and_tree() -> None:
    with pytest.raises(SpindexTypeError, match="CompositeIndex"):
        rank_bounds("model", DATA)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="DataFrame"):
        rank_bounds(MODEL, DATA.to_numpy())  # type: ignore[arg-type]
    model = sp.CompositeIndex(TREE, normalize="none")
    with pytest.raises(ParameterError, match="effective=True"):
        rank_bounds(model, TREE_DATA, node="B", effective=True)
    with pytest.raises(ParameterError, match="effective=True"):
        rank_bounds(model, TREE_DATA, level=1, effective=True, bounds=0.2)


def test_unit_without_score() -> None:
    data = DATA.copy()
    data.loc["USA"] = np.nan
    data.loc["USA", "Aid"] = 1.0
    model = sp.CompositeIndex(FW, normalize="none", min_coverage=0.5)
    with pytest.raises(DataError, match="USA"):
        rank_bounds(model, data)


def test_inputs_not_mutated() -> None:
    before = DATA.copy()
    rank_bounds(MODEL, DATA, bounds=0.3)
    pd.testing.assert_frame_equal(DATA, before)


def test_monte_carlo_with_phi_draws_the_uncertainty_set() -> None:
    # Eight equal weights within +-10 %: a sliver of the simplex that rejection from the
    # uniform simplex could not sample; the draws are WeightNoise's.
    codes = [f"P{j}" for j in range(8)]
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": c} for c in codes]})
    rng = np.random.default_rng(2)
    data = pd.DataFrame(rng.uniform(1, 100, size=(12, 8)), columns=codes,
                        index=[f"u{i}" for i in range(12)])
    model = sp.CompositeIndex(fw, normalize="none", aggregate="geometric")
    res = rank_bounds(model, data, bounds=0.1, n=2000, seed=0)
    assert not res.exact
    w = res.weights_best.to_numpy()
    ratio = w.max(axis=1) / w.min(axis=1)
    assert (ratio <= 1.1 / 0.9 + 1e-9).all()
    exact = rank_bounds(sp.CompositeIndex(fw, normalize="none"), data, bounds=0.1).table
    assert exact["best"].le(exact["nominal"]).all()
