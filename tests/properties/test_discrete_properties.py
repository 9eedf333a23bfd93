"""Discrete inputs of choices=: the runs never depend on how they are split into blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from frame_checks import assert_same_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spindex as sp

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d"}]},
    ],
})
MODEL = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100))

values = st.lists(st.integers(0, 5), min_size=4, max_size=4)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rows=st.lists(values, min_size=3, max_size=5), alt=values,
       block=st.integers(1, 20_000), seed=st.integers(0, 2**32),
       probs=st.lists(st.floats(0.01, 1.0), min_size=2, max_size=2))
def test_uncertainty_with_discrete_inputs_is_block_size_invariant(rows, alt, block, seed,
                                                                  probs) -> None:
    X = np.array(rows, dtype=float)
    X[0] += 0.5  # no constant column: min-max needs a range
    X[-1, :] = X[-1, :] + 7
    data = pd.DataFrame(X, columns=list("abcd"), index=[f"u{i}" for i in range(len(X))])
    # Another source of c: other values, of which the last unit's keeps c's range open.
    other = pd.Series(np.resize(np.array(alt, dtype=float), len(data)), index=data.index)
    other.iloc[-1] = 20.0
    choices = [
        sp.WeightSets({"one": {"P": 1.0, "Q": 1.0}, "two": {"P": 3.0, "Q": 1.0}},
                      probabilities=probs),
        sp.DropOne(["a", "d"]),
        sp.DataSources({"c": {"given": None, "other": other}}),
    ]
    kw = {"weights": sp.WeightNoise(0.3, levels=[1]), "n": 9000, "seed": seed,
          "choices": choices}
    ref = sp.uncertainty(MODEL, data, block_size=8192, **kw, keep_inputs=True)
    got = sp.uncertainty(MODEL, data, block_size=block, **kw, keep_inputs=True)
    assert_same_frame(got.rank_counts, ref.rank_counts)
    # assert_frame_equal's default tolerance for floats, as this test had.
    assert_same_frame(got.score_stats, ref.score_stats, rtol=1e-5, atol=1e-8)
    # check_exact: the per-run inputs are the same bits, and pandas compares categorical
    # columns element by element in Python unless asked for exact equality (20x slower).
    pd.testing.assert_frame_equal(got.inputs, ref.inputs, check_exact=True)
    assert got.mean_rank_shift == ref.mean_rank_shift or (
        np.isnan(got.mean_rank_shift) and np.isnan(ref.mean_rank_shift))
