"""Shapley effects against closed forms.

Linear model with correlated Gaussian inputs: Y = b1 X1 + b2 X2 + b3 X3, X1 independent of
(X2, X3), corr(X2, X3) = rho (Iooss & Prieur 2019, IJUQ 9(5), section 3.1; Owen & Prieur
2017):

    Sh1 = b1^2 s1^2
    Sh2 = b2^2 s2^2 (1 - rho^2 / 2) + rho b2 b3 s2 s3 + b3^2 s3^2 rho^2 / 2
    Sh3 = b3^2 s3^2 (1 - rho^2 / 2) + rho b2 b3 s2 s3 + b2^2 s2^2 rho^2 / 2

Weights on a simplex, score = sum_j w_j x_j with w ~ Dirichlet(a): given the weights outside
S, the weights in S are (1 - s) v with 1 - s ~ Beta(A_S, A - A_S) and v ~ Dirichlet(a_S), so

    c(S) = E[Var(Y | w_-S)] = A_S (A_S + 1) / (A (A + 1)) * x_S' Cov(v) x_S,
    Cov(v)_jk = (A_S a_j delta_jk - a_j a_k) / (A_S^2 (A_S + 1)),

and the Shapley effects follow by averaging over the d! orders (enumerated here).
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.shapley import _estimate


@dataclass(frozen=True)
class Gaussian:
    """Correlated normal inputs with exact conditional sampling (the oracle's harness)."""

    mean: np.ndarray
    cov: np.ndarray

    @property
    def d(self) -> int:
        return len(self.mean)

    def sample(self, rng, n):
        return rng.multivariate_normal(self.mean, self.cov, size=n)

    def resample(self, rng, X, S):
        o = ~S
        if not o.any():
            X[:] = self.sample(rng, len(X))
            return
        B = self.cov[np.ix_(S, o)] @ np.linalg.inv(self.cov[np.ix_(o, o)])
        cond = self.cov[np.ix_(S, S)] - B @ self.cov[np.ix_(o, S)]
        mu = self.mean[S] + (X[:, o] - self.mean[o]) @ B.T
        X[:, S] = mu + rng.multivariate_normal(np.zeros(S.sum()), cond, size=len(X))

    def resample_rows(self, rng, X, F):
        for S in np.unique(F, axis=0):
            rows = (F == S).all(axis=1)
            part = X[rows]
            self.resample(rng, part, S)
            X[rows] = part


def shapley_from_costs(cost, d: int) -> np.ndarray:
    """Average over the d! orders of the marginal cost of each input."""
    out = np.zeros(d)
    for order in itertools.permutations(range(d)):
        seen: list[int] = []
        for i in order:
            out[i] += cost([*seen, i]) - cost(seen)
            seen.append(i)
    return out / math.factorial(d)


@pytest.mark.parametrize(("b", "s", "rho"), [((1, 1, 1), (1, 1, 1), 0.5),
                                              ((1, 2, -1), (1, 0.5, 2), 0.8),
                                              ((1, 1, 1), (1, 1, 1), -0.3)])
def test_linear_gaussian_closed_form(b, s, rho) -> None:
    b, s = np.array(b, float), np.array(s, float)
    corr = np.eye(3)
    corr[1, 2] = corr[2, 1] = rho
    cov = corr * np.outer(s, s)
    closed = np.array([
        b[0] ** 2 * s[0] ** 2,
        b[1] ** 2 * s[1] ** 2 * (1 - rho**2 / 2) + rho * b[1] * b[2] * s[1] * s[2]
        + b[2] ** 2 * s[2] ** 2 * rho**2 / 2,
        b[2] ** 2 * s[2] ** 2 * (1 - rho**2 / 2) + rho * b[1] * b[2] * s[1] * s[2]
        + b[1] ** 2 * s[1] ** 2 * rho**2 / 2,
    ])

    def cost(S):
        S = sorted(S)
        o = [j for j in range(3) if j not in S]
        if not S:
            return 0.0
        C = cov[np.ix_(S, S)]
        if o:
            C = C - cov[np.ix_(S, o)] @ np.linalg.inv(cov[np.ix_(o, o)]) @ cov[np.ix_(o, S)]
        return float(b[S] @ C @ b[S])

    np.testing.assert_allclose(shapley_from_costs(cost, 3), closed, rtol=1e-12)
    assert closed.sum() == pytest.approx(b @ cov @ b)
    effects, se, var = _estimate(lambda X: (X @ b)[:, None], Gaussian(np.zeros(3), cov),
                                 n_var=40_000, n_outer=4096, n_inner=3,
                                 seed=np.random.SeedSequence(7))
    z = (effects[:, 0] - closed) / se[:, 0]
    assert np.abs(z).max() < 4, (effects[:, 0], closed, se[:, 0])
    assert (se[:, 0] < 0.05 * (b @ cov @ b)).all()
    assert effects[:, 0].sum() == pytest.approx(var[0], rel=1e-12)


def simplex_model(k: int, seed: int):
    rng = np.random.default_rng(seed)
    codes = [f"x{j}" for j in range(k)]
    table = pd.DataFrame({"code": [*codes, "Index"], "parent": ["Index"] * k + [None],
                          "weight": [1.0] * k + [np.nan], "direction": [1] * k + [np.nan]})
    fw = sp.Framework.from_table(table)
    data = pd.DataFrame(rng.uniform(0, 10, size=(6, k)), columns=codes,
                        index=pd.Index([f"U{i}" for i in range(6)], name="uCode"))
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 1))
    normalised = model.score(data).stage("normalized")[codes].to_numpy(float)
    return model, data, normalised


def dirichlet_costs(alpha: np.ndarray, x: np.ndarray):
    A = alpha.sum()

    def cost(S):
        S = sorted(S)
        if not S:
            return 0.0
        a = alpha[S]
        As = a.sum()
        covv = (As * np.diag(a) - np.outer(a, a)) / (As**2 * (As + 1))
        return float(As * (As + 1) / (A * (A + 1)) * x[S] @ covv @ x[S])

    return cost


@pytest.mark.parametrize(("weights", "alpha"), [
    (sp.UniformSimplex(levels=[1]), np.ones(4)),
    (sp.DirichletWeights(5.0, levels=[1]), np.full(4, 5.0)),
])
def test_simplex_weights_closed_form(weights, alpha) -> None:
    model, data, X = simplex_model(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)  # a rank may be fixed
        sh = sp.shapley_effects(model, data, weights=weights, n_outer=4096, n_var=40_000,
                                seed=11)
    assert sh.inputs == ("x0", "x1", "x2", "x3")
    for i, unit in enumerate(data.index):
        cost = dirichlet_costs(alpha, X[i])
        exact = shapley_from_costs(cost, 4)
        assert exact.sum() == pytest.approx(cost([0, 1, 2, 3]))
        z = (sh.effects[unit].to_numpy() - exact) / sh.std_error[unit].to_numpy()
        assert np.abs(z).max() < 4, (unit, sh.effects[unit].to_numpy(), exact)
        np.testing.assert_allclose(sh.variance[unit], cost([0, 1, 2, 3]), rtol=0.05)
    np.testing.assert_allclose(sh.shares.sum(), 1.0, rtol=1e-12)


def test_two_perfectly_dependent_weights_share_equally() -> None:
    model, data, _ = simplex_model(2, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        sh = sp.shapley_effects(model, data, weights=sp.UniformSimplex(levels=[1]),
                                n_outer=64, n_var=2000, seed=2)
    np.testing.assert_allclose(sh.shares.to_numpy(), 0.5, rtol=0, atol=1e-12)


def test_random_permutations_linear_gaussian() -> None:
    from spindex.analysis.shapley import _estimate_random

    rho = 0.6
    cov = np.array([[1.0, 0, 0], [0, 1, rho], [0, rho, 1]])
    closed = np.array([1.0, 1 + rho, 1 + rho])  # b = s = 1: the formulas reduce to these
    effects, se, var = _estimate_random(lambda X: X.sum(axis=1)[:, None],
                                        Gaussian(np.zeros(3), cov), n_perm=3000,
                                        n_var=40_000, n_outer=1, n_inner=3,
                                        seed=np.random.SeedSequence(3))
    # The shared variance estimate's error is not in se: compare at its scale.
    tol = 4 * np.hypot(se[:, 0], np.sqrt(2 / 40_000) * var[0] / 3)
    assert (np.abs(effects[:, 0] - closed) < tol).all(), (effects[:, 0], closed, tol)
    assert effects[:, 0].sum() == pytest.approx(var[0], rel=1e-12)


def test_random_permutations_simplex_weights() -> None:
    model, data, X = simplex_model(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        sh = sp.shapley_effects(model, data, weights=sp.UniformSimplex(levels=[1]),
                                permutations=3000, n_outer=1, n_var=40_000, seed=5)
    assert sh.permutations == 3000 and sh.runs == 40_000 + 3000 * 3 * 3
    for i, unit in enumerate(data.index):
        cost = dirichlet_costs(np.ones(4), X[i])
        exact = shapley_from_costs(cost, 4)
        total = cost([0, 1, 2, 3])
        tol = 4 * np.hypot(sh.std_error[unit].to_numpy(), np.sqrt(2 / 40_000) * total)
        assert (np.abs(sh.effects[unit].to_numpy() - exact) < tol).all(), unit
    np.testing.assert_allclose(sh.shares.sum(), 1.0, rtol=1e-12)
