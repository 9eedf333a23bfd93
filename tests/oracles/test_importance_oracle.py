"""Oracle for importance: the main effects of a linear index of Gaussian indicators.

Reference: methods.md, "Importance vs weights" (Paruolo, Saisana & Saltelli 2013, JRSS-A
176(3)). For y = w'x with x ~ N(mu, Sigma), E[y | x_i] is linear in x_i, so

    S_i = Var(E[y | x_i]) / Var(y) = corr(x_i, y)^2 = (Sigma w)_i^2 / (Sigma_ii w'Sigma w).

Tolerance. On a sample of n units the estimate is essentially the sample squared correlation
r_i^2 (the GCV spline settles on the straight line here), whose standard deviation for jointly
normal pairs is 2 |rho| (1 - rho^2) / sqrt(n) (delta method). We allow four of those, plus
the in-sample optimism of the smoother, at most (K - 2) / n for a basis of K <= 39 functions
(the spline cannot fit more than its basis). At n = 100,000 this is 0.001 to 0.009 depending on
rho. The largest error measured with this seed is 0.0024 (1.2 standard deviations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import spindex as sp
from spindex.analysis.importance import correlation_ratio, importance

W = np.array([0.4, 0.3, 0.2, 0.1])
SD = np.array([1.0, 2.0, 0.5, 3.0])
CORR = np.array([
    [1.0, 0.5, 0.2, 0.0],
    [0.5, 1.0, -0.3, 0.1],
    [0.2, -0.3, 1.0, 0.4],
    [0.0, 0.1, 0.4, 1.0],
])
SIGMA = CORR * np.outer(SD, SD)
MU = np.array([10.0, -5.0, 0.0, 100.0])
CODES = ["a", "b", "c", "d"]


def oracle(w: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return (sigma @ w) ** 2 / (np.diag(sigma) * (w @ sigma @ w))


def tolerance(s: np.ndarray, n: int) -> np.ndarray:
    rho = np.sqrt(s)
    return 4 * 2 * rho * (1 - rho**2) / np.sqrt(n) + 37 / n


def sample(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.multivariate_normal(MU, SIGMA, size=n)
    return pd.DataFrame(X, columns=CODES, index=[f"u{i}" for i in range(n)])


def test_oracle_values() -> None:
    """The formula itself: independent indicators give w_i^2 var_i / sum_j w_j^2 var_j."""
    S = oracle(W, np.diag(SD**2))
    np.testing.assert_allclose(S, W**2 * SD**2 / (W**2 * SD**2).sum())
    np.testing.assert_allclose(oracle(W, SIGMA), [0.576, 0.711111, 0.016, 0.177778], atol=1e-6)


def test_linear_gaussian_index_through_the_model() -> None:
    n = 100_000
    data = sample(n, seed=0)
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": c, "weight": float(w)} for c, w in zip(CODES, W, strict=True)]})
    imp = importance(sp.CompositeIndex(fw, normalize=sp.Identity()), data)
    truth = oracle(W, SIGMA)
    error = np.abs(imp.main_effect.to_numpy() - truth)
    assert (error <= tolerance(truth, n)).all(), (error, tolerance(truth, n))
    np.testing.assert_allclose(imp.weights.to_numpy(), W)


def test_linear_gaussian_index_min_max_normalised() -> None:
    """Min-max rescales each x_i affinely, so the index is still linear in x, with coefficients
    w_i / range_i; the oracle applies with those."""
    n = 20_000
    data = sample(n, seed=1)
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": c, "weight": float(w)} for c, w in zip(CODES, W, strict=True)]})
    imp = importance(sp.CompositeIndex(fw, normalize="minmax"), data)
    coef = W / np.ptp(data.to_numpy(), axis=0)
    truth = oracle(coef, SIGMA)
    error = np.abs(imp.main_effect.to_numpy() - truth)
    assert (error <= tolerance(truth, n)).all(), (error, tolerance(truth, n))


def test_linear_gaussian_local_linear() -> None:
    n = 1000
    data = sample(n, seed=2)
    y = data.to_numpy() @ W
    truth = oracle(W, SIGMA)
    got = np.array([correlation_ratio(data[c], y, smoother="local_linear") for c in CODES])
    # The kernel's in-sample optimism is larger than the spline's: allow (edf - 2) / n with
    # edf up to 15.
    assert (np.abs(got - truth) <= tolerance(truth, n) + 13 / n).all()
