"""The nearest flip against closed forms (issue 16, item 2).

Two weights: the shares are (t, 1 - t) and b catches a at t* = g2 / (g2 - g1) for the vertex
gaps g = x_b - x_a, so the distances from t0 are 2|t* - t0| (L1), sqrt(2)|t* - t0| (L2) and
|t* - t0| (max norm). Three weights with the foot of the perpendicular inside the simplex: the
L2 distance is the distance from s0 to the line {g . s = 0} within the plane sum(s) = 1,
|g . s0| / ||g - mean(g)|| (Boyd and Vandenberghe 2004, section 8.1). With a bound that binds,
the L2, L1 and max-norm distances equal the minimum over a dense grid of the simplex.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.flip import nearest_flip


def model_and_data(X: np.ndarray, weights: list[float] | None = None
                   ) -> tuple[sp.CompositeIndex, pd.DataFrame]:
    k = X.shape[1]
    weights = weights or [1.0] * k
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": f"P{j}", "weight": w} for j, w in enumerate(weights)]})
    data = pd.DataFrame(X, columns=[f"P{j}" for j in range(k)],
                        index=[f"u{i}" for i in range(len(X))])
    return sp.CompositeIndex(fw, normalize="none"), data


@pytest.mark.parametrize("w0", [0.5, 0.7, 0.2])
def test_two_weights_closed_form(w0: float) -> None:
    X = np.array([[80.0, 30.0], [40.0, 60.0], [10.0, 20.0]])
    model, data = model_and_data(X, [w0, 1 - w0])
    a, b = ("u0", "u1") if w0 * 50 - (1 - w0) * 30 > 0 else ("u1", "u0")
    res = nearest_flip(model, data, a, b)
    g = data.loc[b].to_numpy() - data.loc[a].to_numpy()
    t_star = g[1] / (g[1] - g[0])
    gap = abs(t_star - w0)
    np.testing.assert_allclose(res.distance.to_numpy(), [2 * gap, np.sqrt(2) * gap, gap],
                               rtol=1e-9, atol=1e-12)
    for norm in ("l1", "l2", "linf"):
        np.testing.assert_allclose(res.weights.loc[norm].to_numpy(), [t_star, 1 - t_star],
                                   atol=1e-9)
    assert res.exact


@pytest.mark.parametrize("seed", range(8))
def test_three_weights_point_to_hyperplane(seed: int) -> None:
    rng = np.random.default_rng(seed)
    while True:
        X = rng.uniform(0, 100, size=(2, 3))
        g = X[1] - X[0]
        s0 = np.full(3, 1 / 3)
        if g @ s0 >= 0:
            continue
        gp = g - g.mean()
        foot = s0 - (g @ s0) / (gp @ gp) * gp
        if (foot > 0).all():
            break
    res = nearest_flip(*model_and_data(X), "u0", "u1")
    assert res.distance["l2"] == pytest.approx(abs(g @ s0) / np.linalg.norm(gp), rel=1e-9)
    np.testing.assert_allclose(res.weights.loc["l2"].to_numpy(), foot, atol=1e-9)
    assert res.exact


@pytest.mark.parametrize("seed", range(4))
def test_binding_bounds_against_grid(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    X = rng.uniform(0, 100, size=(2, 3))
    if X[0].mean() < X[1].mean():
        X = X[::-1].copy()
    model, data = model_and_data(X)
    res = nearest_flip(model, data, "u0", "u1", bounds=(0.1, 0.6))
    n = 600
    pts = np.array([c for c in itertools.product(range(n + 1), repeat=2) if sum(c) <= n])
    W = np.column_stack([pts, n - pts.sum(axis=1)]) / n
    W = W[np.all((W >= 0.1 - 1e-12) & (W <= 0.6 + 1e-12), axis=1)]
    g = X[1] - X[0]
    ok = W[W @ g >= 0]
    if not len(ok):
        assert np.isinf(res.distance).all()
        return
    diff = ok - 1 / 3
    # The grid's nearest point is within one grid step of the exact one.
    for norm, d in (("l1", np.abs(diff).sum(axis=1)), ("l2", np.linalg.norm(diff, axis=1)),
                    ("linf", np.abs(diff).max(axis=1))):
        assert res.distance[norm] <= d.min() + 1e-12
        assert res.distance[norm] >= d.min() - 2.5 / n
    w = res.weights.loc["l2"].to_numpy()
    assert w @ g >= -1e-9 and ((w >= 0.1 - 1e-9) & (w <= 0.6 + 1e-9)).all()
