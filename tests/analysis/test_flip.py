"""nearest_flip and nearest_top_change: answers, edge cases, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex._ranking import rank_rows
from spindex.analysis.flip import FlipResult, nearest_flip, nearest_top_change
from spindex.errors import MethodError, ParameterError, SpindexTypeError

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


def test_pair_reaches_a_tie_and_is_nearest_in_each_norm() -> None:
    res = nearest_flip(MODEL, DATA, "China", "Japan")
    assert isinstance(res, FlipResult) and res.exact
    X = DATA.to_numpy()
    for norm in ("l1", "l2", "linf"):
        w = res.weights.loc[norm].to_numpy()
        assert w.sum() == pytest.approx(1.0) and (w >= -1e-12).all()
        gap = (X[1] - X[0]) @ w
        assert gap == pytest.approx(0.0, abs=1e-7)
    # Each norm's own optimum is no farther than the others' points in that norm.
    s0 = res.nominal.to_numpy()
    dist = {"l1": lambda d: np.abs(d).sum(), "l2": np.linalg.norm,
            "linf": lambda d: np.abs(d).max()}
    for norm, f in dist.items():
        for other in ("l1", "l2", "linf"):
            assert res.distance[norm] <= f(res.weights.loc[other].to_numpy() - s0) + 1e-9
    assert res.distance["linf"] <= res.distance["l2"] <= res.distance["l1"]
    assert "catches up" in repr(res)


def test_already_level_or_ahead_is_zero() -> None:
    res = nearest_flip(MODEL, DATA, "Japan", "China")  # China leads Japan at nominal
    assert (res.distance == 0).all()
    np.testing.assert_allclose(res.weights.loc["l2"], res.nominal)


def test_unreachable_is_infinite() -> None:
    data = DATA.copy()
    data.loc["USA"] = data.loc["China"] - 5.0  # China leads the USA at every weighting
    res = nearest_flip(MODEL, data, "China", "USA")
    assert np.isinf(res.distance).all() and res.weights.isna().all().all()
    bounded = nearest_flip(MODEL, DATA, "China", "Korea", bounds={"Opinion": (0, 0.2)})
    free = nearest_flip(MODEL, DATA, "China", "Korea")
    assert (bounded.distance >= free.distance - 1e-12).all()


def test_top_k_is_the_nearest_pair() -> None:
    top1 = nearest_top_change(MODEL, DATA, k=1)
    ranks = rank_rows(DATA.mean(axis=1).to_numpy()[None, :])[0]
    leader = DATA.index[ranks == 1][0]
    pairs = [nearest_flip(MODEL, DATA, leader, u) for u in DATA.index if u != leader]
    for norm in ("l1", "l2", "linf"):
        assert top1.distance[norm] == pytest.approx(min(p.distance[norm] for p in pairs),
                                                    abs=1e-12)
        assert top1.pairs.at[norm, "leader"] == leader
    top2 = nearest_top_change(MODEL, DATA, k=2)
    inside = set(DATA.index[ranks <= 2])
    assert set(top2.pairs["leader"]) <= inside
    assert not set(top2.pairs["challenger"]) & inside


def test_constraints_and_effective_shares() -> None:
    res = nearest_flip(MODEL, DATA, "China", "Korea",
                       constraints=[({"Aid": 1, "Trade": 1}, 0.3, None)])
    w = res.weights
    assert ((w["Aid"] + w["Trade"]) >= 0.3 - 1e-9).all()
    tree = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "A", "children": [{"code": "a1"}, {"code": "a2"}]},
        {"code": "B", "children": [{"code": "b1"}, {"code": "b2"}]}]})
    data = pd.DataFrame([[9.0, 1, 5, 5], [1, 9, 6, 4], [3, 3, 3, 3]],
                        columns=["a1", "a2", "b1", "b2"], index=["x", "y", "z"])
    model = sp.CompositeIndex(tree, normalize="none")
    eff = nearest_flip(model, data, "y", "x", level=1, effective=True)
    group = nearest_flip(model, data, "y", "x", level=1)
    assert eff.distance["l1"] <= group.distance["l1"] + 1e-12


def test_nonlinear_and_bad_input() -> None:
    geo = sp.CompositeIndex(FW, normalize="none", aggregate="geometric")
    with pytest.raises(MethodError, match="linear"):
        nearest_flip(geo, DATA, "China", "Japan")
    with pytest.raises(ParameterError, match="same unit"):
        nearest_flip(MODEL, DATA, "China", "China")
    with pytest.raises(ParameterError, match="'Atlantis' is not a unit"):
        nearest_flip(MODEL, DATA, "China", "Atlantis")
    with pytest.raises(ParameterError, match="'k' parameter"):
        nearest_top_change(MODEL, DATA, k=5)
    with pytest.raises(SpindexTypeError, match="'k' parameter"):
        nearest_top_change(MODEL, DATA, k=1.5)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="CompositeIndex"):
        nearest_flip(None, DATA, "China", "Japan")  # type: ignore[arg-type]
