"""Exact cases for the dominance share and SMAA (methods.md, "SMAA" and "Exact dominance share").

References: Gerber, L. (1981), The volume cut off a simplex by a half-space, J. Approx. Theory
31(4), 379-383 (the closed form for distinct coordinates); de Boor, C. (2005), Divided
differences, Surveys in Approximation Theory 1, 46-69 (the same share as the divided difference
[d_1..d_k] t_+^(k-1), confluent for equal coordinates); Lahdelma, R. and Salminen, P. (2001),
SMAA-2, Operations Research 49(3), 444-454 (the three-alternative example of methods.md).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.dominance import dominance, simplex_share
from spindex.analysis.smaa import smaa


def gerber(d: list[int]) -> Fraction:
    """sum_i max(d_i, 0)^(k-1) / prod_{j != i} (d_i - d_j), in exact rationals (distinct d)."""
    k = len(d)
    total = Fraction(0)
    for i, di in enumerate(d):
        den = math.prod(Fraction(di - dj) for j, dj in enumerate(d) if j != i)
        total += Fraction(max(di, 0)) ** (k - 1) / den
    return total


def confluent(d: list[int]) -> Fraction:
    """[d_1..d_k] t_+^(k-1) by the divided-difference table, with derivatives at repeated
    points (f^(j)(x) / j! = C(k-1, j) x_+^(k-1-j)); exact rationals. Needs d not all equal."""
    x = sorted(Fraction(v) for v in d)
    n = len(x) - 1

    def derivative_over_factorial(v: Fraction, j: int) -> Fraction:
        return math.comb(n, j) * max(v, Fraction(0)) ** (n - j)

    table = [derivative_over_factorial(v, 0) for v in x]
    for j in range(1, n + 1):
        table = [
            derivative_over_factorial(x[i], j) if x[i + j] == x[i]
            else (table[i + 1] - table[i]) / (x[i + j] - x[i])
            for i in range(len(table) - 1)
        ]
    return table[0]


# ---------------------------------------------------------------- the closed-form oracles
@pytest.mark.parametrize(("d1", "d2"), [(1.0, -1.0), (3.0, -1.0), (0.25, -7.5), (1e-3, -2.0)])
def test_two_nodes(d1: float, d2: float) -> None:
    assert abs(simplex_share([d1, d2]) - d1 / (d1 - d2)) < 1e-12
    assert abs(simplex_share([d2, d1]) - d1 / (d1 - d2)) < 1e-12


def test_three_and_four_nodes() -> None:
    assert abs(simplex_share([1.0, -1.0, 2.0]) - 5 / 6) < 1e-12
    assert abs(simplex_share([1.0, -1.0, 2.0, -2.0]) - 1 / 2) < 1e-12


def test_distinct_coordinates_match_gerber_exactly() -> None:
    rng = np.random.default_rng(2024)
    worst = 0.0
    for k in range(2, 9):
        for _ in range(40):
            d = [int(v) for v in rng.choice(np.arange(-30, 31), size=k, replace=False)]
            worst = max(worst, abs(simplex_share(np.array(d, dtype=float)) - float(gerber(d))))
    assert worst < 1e-12


def test_equal_coordinates_and_zeros_match_confluent_divided_differences() -> None:
    cases = [[1, 1, -1], [0, 0, 1, -1], [2, 2, 2, -1], [-1, -1, 0, 3, 3], [0, 0, 0, -1],
             [0, 5, 0, -2, 5, -2], [1, 0], [-3, -3, 4, 4, 4, 0, 0]]
    rng = np.random.default_rng(7)
    cases += [[int(v) for v in rng.integers(-3, 4, size=k)] for k in range(2, 9) for _ in range(30)]
    for d in cases:
        if len(set(d)) == 1:
            continue
        assert abs(simplex_share(np.array(d, dtype=float)) - float(confluent(d))) < 1e-12, d


def test_degenerate_vectors() -> None:
    assert simplex_share([0.0, 0.0, 0.0]) == 1.0  # a tie everywhere: "at least as high"
    assert simplex_share([0.0, 0.0, 0.0], strict=True) == 0.0
    assert simplex_share([2.0, 2.0]) == 1.0 and simplex_share([-2.0, -2.0]) == 0.0
    assert simplex_share([5.0]) == 1.0 and simplex_share([-5.0]) == 0.0


def test_exact_share_through_a_model() -> None:
    """d = (1, -1, 2) and (1, -1, 2, -2) as the gaps between two units' pillar scores."""
    for d, expected in (([1.0, -1.0, 2.0], 5 / 6), ([1.0, -1.0, 2.0, -2.0], 1 / 2),
                        ([3.0, -1.0], 3 / 4)):
        codes = [f"p{j}" for j in range(len(d))]
        fw = sp.Framework.from_dict({"code": "I", "children": [{"code": c} for c in codes]})
        data = pd.DataFrame([np.full(len(d), 10.0), 10.0 - np.array(d)], columns=codes,
                            index=["a", "b"])
        res = dominance(sp.CompositeIndex(fw, normalize="none"), data, "a", "b")
        assert abs(res.share - expected) < 1e-12


# ------------------------------------------------------------------------- the SMAA oracle
def test_smaa_three_alternatives() -> None:
    """A = (1, 0), B = (0, 1), C = (.6, .6), weights uniform on the 2-simplex: A wins when
    w1 > .6, B when w1 < .4, C in between; hence b^1 = (.4, .4, .2), central weights
    A (.8, .2), B (.2, .8), C (.5, .5), and the full tables below."""
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "c1"}, {"code": "c2"}]})
    data = pd.DataFrame({"c1": [1.0, 0.0, 0.6], "c2": [0.0, 1.0, 0.6]}, index=["A", "B", "C"])
    n = 200_000
    res = smaa(sp.CompositeIndex(fw, normalize="none"), data, n=n, seed=20010501)
    b_exact = np.array([[0.4, 0.1, 0.5], [0.4, 0.1, 0.5], [0.2, 0.8, 0.0]])
    se = np.sqrt(b_exact * (1 - b_exact) / n)
    b = res.rank_acceptability.to_numpy()
    assert (np.abs(b - b_exact) <= 3 * se + 1e-15).all()
    np.testing.assert_allclose(b.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(b.sum(axis=1), 1.0, atol=1e-12)
    # Central weights: means of uniform laws on intervals of length .4, .4, .2.
    central = res.central_weights.to_numpy()
    central_exact = np.array([[0.8, 0.2], [0.2, 0.8], [0.5, 0.5]])
    sd = np.array([0.4, 0.4, 0.2]) / np.sqrt(12)
    count = np.array([0.4, 0.4, 0.2]) * n
    assert (np.abs(central - central_exact) <= 3 * (sd / np.sqrt(count))[:, None]).all()
    c_exact = np.array([[0.0, 0.5, 0.4], [0.5, 0.0, 0.4], [0.6, 0.6, 0.0]])
    c_se = np.sqrt(c_exact * (1 - c_exact) / n)
    assert (np.abs(res.pairwise_winning.to_numpy() - c_exact) <= 3 * c_se + 1e-15).all()
    np.testing.assert_array_equal(res.confidence.to_numpy(), [1.0, 1.0, 1.0])
    # Linear meta-weights (1, .5, 0): a^h = (.45, .45, .6), per-draw variances .2225 and .04.
    h_se = np.sqrt(np.array([0.2225, 0.2225, 0.04]) / n)
    assert (np.abs(res.holistic_acceptability.to_numpy() - [0.45, 0.45, 0.6]) <= 3 * h_se).all()


def test_smaa_central_weights_of_the_oracle_are_exact_with_exact_inputs() -> None:
    """The same example with the two criteria as the sole weights and every unit's winning
    interval known: the recorded draws give the central weights the definition prescribes."""
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "c1"}, {"code": "c2"}]})
    data = pd.DataFrame({"c1": [1.0, 0.0, 0.6], "c2": [0.0, 1.0, 0.6]}, index=["A", "B", "C"])
    res = smaa(sp.CompositeIndex(fw, normalize="none"), data, n=10_000, seed=5)
    w1 = res.sample_weights()["c1"].to_numpy()
    for unit, mask in (("A", w1 > 0.6), ("B", w1 < 0.4), ("C", (w1 > 0.4) & (w1 < 0.6))):
        assert abs(res.central_weights.loc[unit, "c1"] - w1[mask].mean()) < 1e-12
        assert abs(res.first_rank_acceptability[unit] - mask.mean()) < 1e-12


def test_permutations_of_the_simplex_share() -> None:
    d = [1.0, -1.0, 2.0, -2.0, 0.5]
    shares = {simplex_share(list(p)) for p in itertools.permutations(d)}
    assert max(shares) - min(shares) < 1e-15
