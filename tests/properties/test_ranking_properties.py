"""The tie rule of every rank in spindex (methods.md, "Ties"), tested on ``res.ranks`` itself and
on the ranks of the compiled engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
from frame_checks import assert_same_frame
from hypothesis import assume, example, given
from hypothesis import strategies as st
from scipy.stats import rankdata

import spindex as sp
from spindex._ranking import TIE_FLOOR, TIE_RTOL, rank_rows
from spindex.analysis._engine import CompiledModel
from spindex.testing import framework_and_data

POWER_MEANS = ["arithmetic", "geometric", "harmonic", sp.GeneralizedMean(p=0.5),
               sp.GeneralizedMean(p=2.0)]


def _zero_index_case() -> tuple[sp.Framework, pd.DataFrame]:
    """Five units whose z-score index is exactly 0 in exact arithmetic (the weight of c makes
    its z-score cancel the others'); in floating point the scores are noise of 1e-16. The old
    rule (1e-12 of the scores themselves) ranked them [3, 2, 5, 3, 1] with ZScore(0, 1) and
    [1, 1, 1, 1, 1] with ZScore(100, 10)."""
    a = np.array([0.1, -0.1, 0.6, 0.1, -0.5])
    b = np.array([0.4, 1.3, 0.9, -0.7, -1.3])
    za = (a - a.mean()) / a.std(ddof=1)
    zb = (b - b.mean()) / b.std(ddof=1)
    c = -(za + zb)
    fw = sp.Framework.from_records([
        {"code": "I"}, {"code": "a", "parent": "I"}, {"code": "b", "parent": "I"},
        {"code": "c", "parent": "I", "weight": float(c.std(ddof=1))},
    ])
    return fw, pd.DataFrame({"a": a, "b": b, "c": c}, index=list("pqrst"))


def test_an_index_equal_to_zero_everywhere_ties_whatever_the_target_mean() -> None:
    fw, table = _zero_index_case()
    for target in (sp.ZScore(0, 1), sp.ZScore(100, 10), sp.ZScore(-3, 0.01)):
        res = sp.CompositeIndex(fw, normalize=target).score(table)
        assert res.ranks["I"].tolist() == [1, 1, 1, 1, 1]
    scores = sp.CompositeIndex(fw, normalize=sp.ZScore(0, 1)).score(table).index.to_numpy()
    assert np.ptp(scores) > 0  # really noise, not exact zeros
    assert len(set(rank_rows(scores[None, :])[0])) > 1  # without the scale of the inputs


def test_the_rule_on_one_row() -> None:
    row = np.array([[5.0, 5.0 + 4e-12, 2.0, 5.0 - 5e-11, np.nan]])
    # Range 3: gaps up to 3e-12 tie; 4e-12 does not.
    assert rank_rows(row).tolist() == [[2, 1, 4, 3, 0]]
    assert rank_rows(row - np.array([[0, 2e-12, 0, 0, 0]])).tolist() == [[1, 1, 4, 3, 0]]
    # The floor: a magnitude of 1e6 behind the scores ties gaps below 1.4e-8.
    assert rank_rows(row, 1e6).tolist() == [[1, 1, 4, 1, 0]]
    assert TIE_FLOOR == 2.0**-46 and TIE_RTOL == 1e-12


@given(values=st.lists(st.integers(-6, 6), min_size=1, max_size=30),
       noise=st.lists(st.integers(-8, 8), min_size=30, max_size=30),
       shift=st.sampled_from([0.0, -3.0, 0.5, 17.0]),
       factor=st.sampled_from([1e-8, 0.37, 1.0, 144.0, 1e9]))
@example(values=[0, 0, 0, 0, 0], noise=[1, -2, 0, 3, 1] + [0] * 25, shift=0.0, factor=1.0)
def test_ranks_ignore_rounding_noise_and_are_shift_and_scale_invariant(values, noise, shift,
                                                                       factor) -> None:
    """Scores that are multiples of 1/8 (ties included) plus noise of a few ulps of the
    magnitude behind them rank like the exact values, after any shift by up to a few times
    their range and any rescaling."""
    exact = np.array(values, dtype=float) / 8.0
    magnitude = 1.0  # the inputs were of order 1
    s = (exact + shift) * factor
    s = s + np.array(noise[: len(values)]) * 2.0**-52 * (1.0 + abs(shift)) * factor
    got = rank_rows(s[None, :], magnitude * (1.0 + abs(shift)) * factor)[0]
    expected = rankdata(-exact, method="min")
    np.testing.assert_array_equal(got, expected)


@given(case=framework_and_data(hard=True, missing=True),
       target=st.sampled_from([(100.0, 10.0), (10.0, 2.0), (-50.0, 30.0)]))
@example(case=_zero_index_case(), target=(100.0, 10.0))
def test_zscore_target_leaves_every_rank(case, target) -> None:
    """The arithmetic index of ZScore(m, s) is m + s times that of ZScore(0, 1): every node
    ranks alike. Precondition (methods.md, "Ties"): the range of a node's scores is at least
    1/64 of the magnitude behind them after the shift, so the shift-invariant range term of
    the rule decides; closer ties hinge on rounding noise that the shift itself enlarges."""
    fw, table = case
    mean, sd = target
    base = sp.CompositeIndex(fw, normalize=sp.ZScore(0, 1, constant="midpoint")).score(table)
    moved = sp.CompositeIndex(fw, normalize=sp.ZScore(mean, sd, constant="midpoint")).score(table)
    spread = (base.scores.max() - base.scores.min()).fillna(0.0)
    magnitude = base.scores.abs().max().fillna(0.0) + abs(mean) / sd
    decided = (spread * TIE_RTOL >= TIE_FLOOR * magnitude) | (spread <= 1e-13 * magnitude)
    columns = list(spread.index[decided.to_numpy()])
    assume(columns)
    assert_same_frame(moved.ranks[columns], base.ranks[columns])


@given(case=framework_and_data(hard=True, missing=True),
       aggregate=st.sampled_from(POWER_MEANS))
def test_the_engine_ranks_as_scoring_does(case, aggregate) -> None:
    """One rule for ``score`` and the engine: re-scoring the nominal weights through the compiled
    model gives the ranks of ``res.ranks``, ties included."""
    fw, table = case
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100, constant="midpoint"),
                              aggregate=aggregate)
    res = model.score(table)
    compiled = CompiledModel([model], table, [c for c in fw.codes if c != fw.root])
    scores = compiled.evaluate(compiled.nominal_weights[None, :])
    ranks = rank_rows(scores, compiled.tie_scales[:1])[0]
    expected = res.ranks[fw.root].to_numpy(dtype=float, na_value=0).astype(int)
    np.testing.assert_array_equal(ranks, expected)
    np.testing.assert_array_equal(
        compiled.nominal_ranks(0).to_numpy(dtype=float, na_value=0), expected)
