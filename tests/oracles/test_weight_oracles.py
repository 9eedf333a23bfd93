"""Exact weighting cases from methods.md ("Weighting"), and PCA weights against R on ASEM.

Each test states its reference in a comment.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex import weighting
from spindex._io import read_csv_exact
from spindex.methods.weight import (
    ahp_weights,
    benefit_of_the_doubt,
    entropy_weights,
    nicoletti_weights,
)

DATA = Path(__file__).parent / "data"


def test_pca_two_blocks() -> None:
    # methods.md: two blocks with within-block correlation 0.8 (indicators 1-2) and 0.4 (3-4),
    # none across -> (9/32, 9/32, 7/32, 7/32). By hand: eigenvalues 1.8, 1.4, 0.6, 0.2; two
    # factors retained (80% of the variance); squared loadings 0.9, 0.9 | 0.7, 0.7, scaled to
    # 0.5 each; weights 0.5 * 1.8 / 3.2 and 0.5 * 1.4 / 3.2.
    R = np.array([[1, .8, 0, 0], [.8, 1, 0, 0], [0, 0, 1, .4], [0, 0, .4, 1]])
    res = nicoletti_weights(R)
    np.testing.assert_allclose(res.weights, [9 / 32, 9 / 32, 7 / 32, 7 / 32], rtol=0, atol=1e-15)
    assert res.n_factors == 2
    np.testing.assert_allclose(res.explained, [1.8, 1.4], atol=1e-14)
    np.testing.assert_allclose(res.eigenvalues, [1.8, 1.4, 0.6, 0.2], atol=1e-14)


def test_pca_two_blocks_from_data() -> None:
    # The same oracle through the labelled API: data whose sample correlation matrix is exactly
    # the block matrix (whitened noise coloured by its Cholesky factor).
    R = np.array([[1, .8, 0, 0], [.8, 1, 0, 0], [0, 0, 1, .4], [0, 0, .4, 1]])
    Z = np.random.default_rng(0).normal(size=(200, 4))
    Z = (Z - Z.mean(axis=0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(Z, rowvar=False)).T)
    X = pd.DataFrame(Z @ np.linalg.cholesky(R).T, columns=["a", "b", "c", "d"])
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": c} for c in "abcd"]})
    res = weighting.pca(fw, X)
    np.testing.assert_allclose(res.weights.to_numpy() * 32, [9, 9, 7, 7], atol=1e-12)
    assert res.assignment["factor"].tolist() == [1, 1, 2, 2]


def test_entropy_hand_computed() -> None:
    # methods.md: p_ij = x_ij / sum_i x_ij; e_j = -(1/ln n) sum_i p_ij ln p_ij; w = (1-e)/sum(1-e).
    # Column (1, 2, 3): p = (1/6, 1/3, 1/2), -sum p ln p = ln(6)/6 + ln(3)/3 + ln(2)/2, so
    # e = 0.92061984; column (0, 1, 1): p = (0, 1/2, 1/2), e = ln 2 / ln 3 = 0.63092975;
    # constant column (4, 4, 4): e = 1, weight 0.
    e1 = (np.log(6) / 6 + np.log(3) / 3 + np.log(2) / 2) / np.log(3)
    e2 = np.log(2) / np.log(3)
    X = np.array([[1.0, 0.0, 4.0], [2.0, 1.0, 4.0], [3.0, 1.0, 4.0]])
    res = entropy_weights(X)
    np.testing.assert_allclose(res.entropy, [e1, e2, 1.0], rtol=1e-14)
    np.testing.assert_allclose(res.entropy[:2], [0.92061984, 0.63092975], atol=5e-9)
    d = np.array([1 - e1, 1 - e2, 0.0])
    np.testing.assert_allclose(res.weights, d / d.sum(), rtol=1e-14)
    np.testing.assert_allclose(res.weights, [0.17700990, 0.82299010, 0.0], atol=5e-9)


def test_ahp_saaty_example() -> None:
    # methods.md: [[1,3,5],[1/3,1,3],[1/5,1/3,1]] -> w = (.63699, .25828, .10473),
    # lambda = 3.03851, CR = 0.0332 (CI = 0.019255, RI_3 = 0.58).
    res = ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    np.testing.assert_allclose(res.weights, [0.63699, 0.25828, 0.10473], atol=5e-6)
    assert res.lambda_max == pytest.approx(3.03851, abs=5e-6)
    assert res.cr == pytest.approx(0.0332, abs=5e-5)
    assert res.ri == 0.58


@pytest.mark.parametrize("w", [[0.5, 0.3, 0.2], [0.1, 0.2, 0.3, 0.4], list(np.arange(1, 10) / 45)])
def test_ahp_consistent_matrix_returns_w(w) -> None:
    # methods.md: a consistent matrix a_ij = w_i / w_j returns w exactly (lambda = n, CR = 0).
    w = np.asarray(w)
    res = ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(res.weights, w, rtol=0, atol=1e-14)
    assert res.lambda_max == pytest.approx(len(w), abs=1e-12)
    assert abs(res.cr) < 1e-12


FOUR = np.array([[1, 0.2], [0.5, 0.5], [0.2, 1], [0.4, 0.4]])


def test_bod_four_units() -> None:
    # methods.md: A(1,.2), B(.5,.5), C(.2,1), D(.4,.4) score (1, 5/6, 1, 2/3). B: w1 = w2 = 1/1.2
    # (binding on A and C), score 0.5 * 2 / 1.2.
    res = benefit_of_the_doubt(FOUR)
    np.testing.assert_allclose(res.scores, [1, 5 / 6, 1, 2 / 3], rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.weights[1], [1 / 1.2, 1 / 1.2], atol=1e-12)


def test_bod_pie_share_case() -> None:
    # Worked by hand: the same units with each indicator's share of a unit's score in [0.4, 0.6].
    # For A, with contributions a = w1 * 1 and b = w2 * 0.2 and score s = a + b, the best keeps
    # b at its minimum share: a = 0.6 s, b = 0.4 s. C's constraint 0.2 w1 + w2 <= 1 becomes
    # 0.12 s + 2 s <= 1, so s = 1 / 2.12 = 25/53 (B's 1.3 s <= 1 and D's 1.04 s <= 1 are slack).
    # C is A mirrored. B and D already had equal shares: unchanged at 5/6 and 2/3.
    res = benefit_of_the_doubt(FOUR, share_lower=0.4, share_upper=0.6)
    np.testing.assert_allclose(res.scores, [25 / 53, 5 / 6, 25 / 53, 2 / 3], rtol=0, atol=1e-12)
    shares = res.weights * FOUR / res.scores[:, None]
    np.testing.assert_allclose(shares[0], [0.6, 0.4], atol=1e-12)


def test_bod_labelled_four_units() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    Y = pd.DataFrame(FOUR, columns=["x", "y"], index=list("ABCD"))
    res = weighting.benefit_of_the_doubt(fw, Y, share_lower={"x": 0.4, "y": 0.4},
                                         share_upper=0.6)
    np.testing.assert_allclose(res.scores.to_numpy(), [25 / 53, 5 / 6, 25 / 53, 2 / 3],
                               atol=1e-12)
    assert res.ranks.tolist() == [3, 1, 3, 2]


def test_nicoletti_weights_match_r_on_asem() -> None:
    # Reference: tests/oracles/r/asem_correlation.R -- per pillar, complete units only, eigen() of
    # the correlation matrix, the retention rule, stats::varimax to its fixed point.
    ref = read_csv_exact(DATA / "r_minmax_nicoletti_weights.csv").set_index("iCode")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    norm = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100)).normalized(
        sp.datasets.load("asem"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no small-sample warning on ASEM's pillars
        res = weighting.pca(fw, norm, missing="drop")
    ours = res.weights.loc[ref.index].to_numpy()
    np.testing.assert_allclose(ours, ref["weight"].to_numpy(), rtol=0, atol=1e-12)
