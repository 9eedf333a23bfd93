"""Exact rank bounds against brute force, and against what sampling reaches on ASEM.

Oracle (issue 16, item 1): on small cases (3-4 weights, 6-10 units) the best and worst rank
over the simplex (or a box-bounded part of it) equal the extremes over a dense grid of the
simplex together with all its vertices, computed here by plain numpy (scores ``X @ w``, ranks
with ties sharing the best rank) -- independent of the engine and of the solver. The weights
returned reach the reported ranks. On ASEM (51 units, 8 pillars under two sub-indices) the
exact bounds over the 8-pillar simplex contain every rank the Monte Carlo engine reaches.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex._ranking import rank_rows
from spindex.analysis._engine import CompiledModel
from spindex.analysis.rank_bounds import rank_bounds
from spindex.analysis.sampling import UniformSimplex, WeightNoise


def simplex_grid(k: int, steps: int) -> np.ndarray:
    """Every point of the simplex with coordinates in multiples of 1 / steps (vertices too)."""
    pts = [c for c in itertools.product(range(steps + 1), repeat=k - 1) if sum(c) <= steps]
    grid = np.array([[*c, steps - sum(c)] for c in pts], dtype=float) / steps
    return grid


def flat_case(seed: int, k: int, m: int, *, ties: bool = False) -> tuple[sp.CompositeIndex,
                                                                          pd.DataFrame]:
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 20, size=(m, k)).astype(float)
    if ties:
        X[1] = X[0]  # two identical units: they always tie and share the best rank
    codes = [f"P{j}" for j in range(k)]
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": c} for c in codes]})
    data = pd.DataFrame(X, columns=codes, index=[f"u{i}" for i in range(m)])
    return sp.CompositeIndex(fw, normalize="none"), data


def brute(X: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ranks = rank_rows(W @ X.T)
    return ranks.min(axis=0), ranks.max(axis=0)


CASES = [(seed, k, m) for seed in range(6) for k, m in ((3, 6), (3, 10), (4, 8))]


@pytest.mark.parametrize(("seed", "k", "m"), CASES)
def test_simplex_bounds_equal_brute_force(seed: int, k: int, m: int) -> None:
    model, data = flat_case(seed, k, m, ties=seed % 2 == 1)
    res = rank_bounds(model, data)
    assert res.exact and res.method == "exact"
    W = simplex_grid(k, 120 if k == 3 else 40)
    best, worst = brute(data.to_numpy(), W)
    np.testing.assert_array_equal(res.table["best"].to_numpy(), best)
    np.testing.assert_array_equal(res.table["worst"].to_numpy(), worst)
    # The weights returned reach the ranks (scored here without the engine).
    X = data.to_numpy()
    at_best = rank_rows(res.weights_best.to_numpy() @ X.T)
    at_worst = rank_rows(res.weights_worst.to_numpy() @ X.T)
    np.testing.assert_array_equal(np.diag(at_best), best)
    np.testing.assert_array_equal(np.diag(at_worst), worst)


@pytest.mark.parametrize("seed", range(4))
def test_box_bounds_equal_brute_force(seed: int) -> None:
    model, data = flat_case(10 + seed, 3, 8)
    res = rank_bounds(model, data, bounds=(0.1, 0.6))
    W = simplex_grid(3, 200)
    W = W[np.all((W >= 0.1 - 1e-12) & (W <= 0.6 + 1e-12), axis=1)]
    best, worst = brute(data.to_numpy(), W)
    np.testing.assert_array_equal(res.table["best"].to_numpy(), best)
    np.testing.assert_array_equal(res.table["worst"].to_numpy(), worst)
    assert ((res.weights_best.to_numpy() >= 0.1 - 1e-9) &
            (res.weights_best.to_numpy() <= 0.6 + 1e-9)).all()


def test_linear_constraint_equals_brute_force() -> None:
    model, data = flat_case(21, 4, 9)
    # "P0 and P1 together at most 40 %, P3 at least twice P2".
    cons = [({"P0": 1, "P1": 1}, None, 0.4), ({"P3": 1, "P2": -2}, 0, None)]
    res = rank_bounds(model, data, constraints=cons)
    W = simplex_grid(4, 60)
    W = W[(W[:, 0] + W[:, 1] <= 0.4 + 1e-12) & (W[:, 3] - 2 * W[:, 2] >= -1e-12)]
    best, worst = brute(data.to_numpy(), W)
    np.testing.assert_array_equal(res.table["best"].to_numpy(), best)
    np.testing.assert_array_equal(res.table["worst"].to_numpy(), worst)


def test_two_groups_product_of_simplices_equals_brute_force() -> None:
    # I -> A (a1, a2), B (b1, b2): level 1 varies each pair on its own segment, A and B fixed.
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "A", "weight": 2, "children": [{"code": "a1"}, {"code": "a2"}]},
        {"code": "B", "children": [{"code": "b1"}, {"code": "b2"}]}]})
    rng = np.random.default_rng(5)
    data = pd.DataFrame(rng.integers(0, 30, size=(8, 4)).astype(float),
                        columns=["a1", "a2", "b1", "b2"], index=[f"u{i}" for i in range(8)])
    res = rank_bounds(sp.CompositeIndex(fw, normalize="none"), data, level=1)
    t = np.linspace(0, 1, 201)
    ta, tb = (g.ravel() for g in np.meshgrid(t, t))
    X = data.to_numpy()
    scores = (2 / 3) * (np.outer(ta, X[:, 0]) + np.outer(1 - ta, X[:, 1])) + (1 / 3) * (
        np.outer(tb, X[:, 2]) + np.outer(1 - tb, X[:, 3]))
    ranks = rank_rows(scores)
    np.testing.assert_array_equal(res.table["best"].to_numpy(), ranks.min(axis=0))
    np.testing.assert_array_equal(res.table["worst"].to_numpy(), ranks.max(axis=0))


def test_phi_bounds_are_the_set_weight_noise_samples() -> None:
    model, data = flat_case(31, 3, 10)
    res = rank_bounds(model, data, bounds=0.5)
    # The shares of raw weights r_i in [w (1 - phi), w (1 + phi)]: a dense grid of the box.
    g = np.linspace(0.5, 1.5, 81)
    R = np.array(list(itertools.product(g, g, g)))
    W = R / R.sum(axis=1, keepdims=True)
    best, worst = brute(data.to_numpy(), W)
    np.testing.assert_array_equal(res.table["best"].to_numpy(), best)
    np.testing.assert_array_equal(res.table["worst"].to_numpy(), worst)


# ----------------------------------------------------------------------------- ASEM
@pytest.fixture(scope="module")
def asem() -> tuple[sp.CompositeIndex, pd.DataFrame]:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), sp.datasets.load("asem")


def sampled_ranks(model: sp.CompositeIndex, data: pd.DataFrame, sampler: object,
                  varying: tuple[str, ...], n: int) -> np.ndarray:
    compiled = CompiledModel([model], data, varying)
    W = sampler.draw(model.framework, np.random.default_rng(1), n)  # type: ignore[attr-defined]
    return rank_rows(compiled.evaluate(W))


@pytest.mark.slow
def test_asem_pillar_simplex_contains_monte_carlo(asem: tuple[sp.CompositeIndex,
                                                              pd.DataFrame]) -> None:
    model, data = asem
    fw = model.framework
    res = rank_bounds(model, data, level=2, effective=True)
    assert res.exact and len(res.nodes) == 8 and len(res.table) == 51
    # Pillar and sub-index weights uniform on their simplices: effective pillar weights range
    # over the 8-pillar simplex.
    nodes = (*fw.level(2), *fw.level(3))
    ranks = sampled_ranks(model, data, UniformSimplex(nodes=nodes), nodes, 20_000)
    assert (ranks.min(axis=0) >= res.table["best"].to_numpy()).all()
    assert (ranks.max(axis=0) <= res.table["worst"].to_numpy()).all()
    # The weights returned are shares of the index that reach the ranks: the pillar scores
    # times those shares, ranked here without the engine.
    pillars = model.score(data).scores[list(res.nodes)].to_numpy()
    np.testing.assert_allclose(res.weights_best.sum(axis=1), 1.0)
    at_best = np.diag(rank_rows(res.weights_best.to_numpy() @ pillars.T))
    at_worst = np.diag(rank_rows(res.weights_worst.to_numpy() @ pillars.T))
    np.testing.assert_array_equal(at_best, res.table["best"].to_numpy())
    np.testing.assert_array_equal(at_worst, res.table["worst"].to_numpy())
    assert (res.table["best"] < ranks.min(axis=0)).any()  # beyond what sampling found


@pytest.mark.slow
def test_asem_weight_noise_contained(asem: tuple[sp.CompositeIndex, pd.DataFrame]) -> None:
    model, data = asem
    fw = model.framework
    res = rank_bounds(model, data, level=2, bounds=0.25)
    assert res.exact
    nodes = fw.level(2)
    ranks = sampled_ranks(model, data, WeightNoise(0.25, nodes=nodes), nodes, 20_000)
    assert (ranks.min(axis=0) >= res.table["best"].to_numpy()).all()
    assert (ranks.max(axis=0) <= res.table["worst"].to_numpy()).all()
    nominal = res.table["nominal"].to_numpy()
    assert (res.table["best"].to_numpy() <= nominal).all()
    assert (res.table["worst"].to_numpy() >= nominal).all()
