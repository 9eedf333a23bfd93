"""EM imputation against the closed-form maximum-likelihood estimates for monotone data.

Reference: Anderson, T. W. (1957), JASA 52(278), 200-203; Little & Rubin (2019),
*Statistical Analysis with Missing Data*, 3rd ed., section 7.2.1. With x observed for all
n units and y for the first m, the ML estimates of the bivariate normal factor into the
marginal of x (all n units) and the regression of y on x (the m complete units):

    mu_x = mean(x),  s_xx = var(x)                      (divisor n)
    beta = s_xy,c / s_xx,c,  mu_y = ybar_c + beta (mu_x - xbar_c)
    s_yy = s_yy.x,c + beta^2 s_xx,  s_xy = beta s_xx    (s_yy.x,c: residual variance)

and the conditional mean of a missing y_i is mu_y + beta (x_i - mu_x).
"""

from __future__ import annotations

import numpy as np
import pytest

from spindex.methods.impute import EMImputer, context_for


def closed_form(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = ~np.isnan(y)
    xc, yc = x[c], y[c]
    sxx_c = np.mean((xc - xc.mean()) ** 2)
    sxy_c = np.mean((xc - xc.mean()) * (yc - yc.mean()))
    syy_c = np.mean((yc - yc.mean()) ** 2)
    beta = sxy_c / sxx_c
    mu_x = x.mean()
    sxx = np.mean((x - mu_x) ** 2)
    mu_y = yc.mean() + beta * (mu_x - xc.mean())
    syy = syy_c - beta**2 * sxx_c + beta**2 * sxx
    mean = np.array([mu_x, mu_y])
    cov = np.array([[sxx, beta * sxx], [beta * sxx, syy]])
    filled = np.where(c, y, mu_y + beta * (x - mu_x))
    return mean, cov, filled


@pytest.mark.parametrize(("seed", "n", "share", "rho"),
                         [(0, 40, 0.3, 0.8), (1, 200, 0.5, -0.4), (2, 12, 0.25, 0.95),
                          (3, 80, 0.7, 0.1)])
def test_em_matches_the_monotone_closed_form(seed: int, n: int, share: float,
                                             rho: float) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.multivariate_normal([3.0, -20.0], [[4.0, rho * 2 * 15], [rho * 2 * 15, 225.0]],
                                 size=n)
    X = xy.copy()
    gone = rng.permutation(n)[: int(share * n)]
    X[gone, 1] = np.nan
    mean, cov, filled = closed_form(X[:, 0], X[:, 1])
    fit = EMImputer(tol=1e-13, max_iter=5000).estimate(X)
    assert fit.converged
    scale = np.array([2.0, 15.0])
    np.testing.assert_allclose(fit.mean / scale, mean / scale, rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.cov / np.outer(scale, scale), cov / np.outer(scale, scale),
                               rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.values[:, 1] / 15.0, filled / 15.0, rtol=0, atol=1e-8)
    out = EMImputer(tol=1e-13, max_iter=5000)(X, context_for(("x", "y"), n))
    np.testing.assert_array_equal(out, fit.values)


def test_em_with_nothing_missing_is_the_sample_ml_estimate() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 3)) @ np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0, 0, 2.0]])
    fit = EMImputer().estimate(X)
    np.testing.assert_allclose(fit.mean, X.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(fit.cov, np.cov(X.T, ddof=0), rtol=1e-12, atol=1e-14)
    assert fit.iterations == 0
    np.testing.assert_array_equal(fit.values, X)


def em_step(X: np.ndarray, mu: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One EM step written unit by unit from Little & Rubin (2019), section 11.2.1."""
    n, p = X.shape
    T1 = np.zeros(p)
    T2 = np.zeros((p, p))
    for row in X:
        m = np.isnan(row)
        o = ~m
        xhat = row.copy()
        C = np.zeros((p, p))
        if m.any():
            B = S[np.ix_(m, o)] @ np.linalg.inv(S[np.ix_(o, o)])
            xhat[m] = mu[m] + B @ (row[o] - mu[o])
            C[np.ix_(m, m)] = S[np.ix_(m, m)] - B @ S[np.ix_(o, m)]
        T1 += xhat
        T2 += np.outer(xhat, xhat) + C
    new_mu = T1 / n
    return new_mu, T2 / n - np.outer(new_mu, new_mu)


def test_em_estimate_is_a_fixed_point_on_a_general_pattern() -> None:
    # Non-monotone gaps have no closed form; the ML estimate is a fixed point of the EM map,
    # here recomputed unit by unit, independently of the vectorised one.
    rng = np.random.default_rng(9)
    X = rng.multivariate_normal([0, 10, 2], [[1, .6, .3], [.6, 4, .5], [.3, .5, 1]], size=60)
    X[rng.random(X.shape) < 0.2] = np.nan
    X[0] = [np.nan, 1.0, 2.0]
    X[1] = [np.nan, np.nan, 2.0]
    fit = EMImputer(tol=1e-13, max_iter=5000).estimate(X)
    assert fit.converged
    mu, S = em_step(X, fit.mean, fit.cov)
    np.testing.assert_allclose(mu, fit.mean, atol=1e-10)
    np.testing.assert_allclose(S, fit.cov, atol=1e-10)
    # The filled values are the conditional means under the estimate.
    row = X[1]
    o = ~np.isnan(row)
    B = fit.cov[np.ix_(~o, o)] @ np.linalg.inv(fit.cov[np.ix_(o, o)])
    np.testing.assert_allclose(fit.values[1, ~o], fit.mean[~o] + B @ (row[o] - fit.mean[o]),
                               atol=1e-10)
