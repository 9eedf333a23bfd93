"""Uncertainty on many units: binned rank counts (the sketch), slicing of large chunks,
and their error bound against the exact path."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spindex as sp
from spindex.analysis import uncertainty as ua_module
from spindex.errors import ParameterError, ParameterTypeError

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d"}, {"code": "e"}]},
    ],
})


def _data(n_units: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.gamma(2.0, 1.0, size=(n_units, 5)), columns=list("abcde"),
                        index=[f"u{i:04d}" for i in range(n_units)])


MODEL = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100))
MID = _data(300)


def _binned(exact: np.ndarray, width: int) -> np.ndarray:
    """The exact counts (units x ranks) summed over bins of ``width`` ranks: the oracle."""
    n_ranks = exact.shape[1]
    starts = np.arange(0, n_ranks, width)
    return np.add.reduceat(exact, starts, axis=1)


@pytest.fixture(scope="module")
def exact_mid() -> sp.UncertaintyResult:
    return sp.uncertainty(MODEL, MID, weights=0.5, aggregate=["arithmetic", "geometric"],
                          n=3000, seed=11, keep_inputs=False, rank_bin_width=1)


@pytest.mark.parametrize("width", [2, 7, 16, 299, 300])
def test_binned_counts_are_the_exact_counts_summed_over_bins(exact_mid, width) -> None:
    binned = sp.uncertainty(MODEL, MID, weights=0.5, aggregate=["arithmetic", "geometric"],
                            n=3000, seed=11, keep_inputs=False, rank_bin_width=width)
    assert binned.rank_bin_width == width and not binned.exact
    assert binned.rank_error == width // 2
    np.testing.assert_array_equal(binned.rank_counts.to_numpy(),
                                  _binned(exact_mid.rank_counts.to_numpy(), width))
    # Columns are closed intervals of ranks; a rank reads the bin that holds it.
    columns = binned.rank_counts.columns
    assert isinstance(columns, pd.IntervalIndex) and columns[0].left == 1
    assert columns[-1].right == 300
    unit = binned.rank_counts.index[0]
    assert binned.rank_counts.loc[unit, 1] == binned.rank_counts.iloc[0, 0]
    # Everything that does not read the rank table is the same to the last bit.
    pd.testing.assert_frame_equal(binned.score_stats, exact_mid.score_stats)
    assert binned.mean_rank_shift == exact_mid.mean_rank_shift


@pytest.mark.parametrize("width", [2, 5, 16, 41])
def test_error_bound_against_the_exact_path(exact_mid, width) -> None:
    binned = sp.uncertainty(MODEL, MID, weights=0.5, aggregate=["arithmetic", "geometric"],
                            n=3000, seed=11, keep_inputs=False, rank_bin_width=width)
    bound = binned.rank_error
    assert bound == math.ceil((width - 1) / 2)
    for q in (0.0, 0.05, 0.25, 0.5, 0.9, 0.95, 1.0):
        exact_q = exact_mid.rank_quantile(q).to_numpy(dtype=float)
        approx_q = binned.rank_quantile(q).to_numpy(dtype=float)
        assert np.abs(approx_q - exact_q).max() <= bound
        # The exact quantile lies in the bin the approximate one comes from.
        lo = 1 + (approx_q - 1) // width * width
        assert ((exact_q >= lo) & (exact_q <= np.minimum(lo + width - 1, 300))).all()
    exact_s, approx_s = exact_mid.summary(), binned.summary().loc[exact_mid.summary().index]
    for column in ("mean_rank", "mean_abs_shift"):
        gap = np.abs(approx_s[column] - exact_s[column]).max()
        assert gap <= (width - 1) / 2 + 1e-9
    # The bound is not vacuous: with wide bins some quantile does move.
    if width >= 16:
        assert any((binned.rank_quantile(q) != exact_mid.rank_quantile(q)).any()
                   for q in (0.05, 0.5, 0.95))


@settings(deadline=None)
@given(width=st.integers(1, 40), seed=st.integers(0, 2**32 - 1))
def test_binning_is_a_merge_of_the_exact_histogram(width, seed) -> None:
    data = MID.iloc[:60]
    kwargs = {"weights": 0.6, "n": 400, "seed": seed, "keep_inputs": False}
    exact = sp.uncertainty(MODEL, data, rank_bin_width=1, **kwargs)
    binned = sp.uncertainty(MODEL, data, rank_bin_width=width, **kwargs)
    np.testing.assert_array_equal(binned.rank_counts.to_numpy(),
                                  _binned(exact.rank_counts.to_numpy(), width))
    for q in (0.05, 0.5, 0.95):
        gap = (binned.rank_quantile(q) - exact.rank_quantile(q)).abs().max()
        assert gap <= binned.rank_error


def test_binned_is_bit_identical_for_any_block_size_and_executor() -> None:
    kwargs = {"weights": 0.5, "aggregate": ["arithmetic", "geometric"], "n": 20_000,
              "seed": 3, "rank_bin_width": 9}
    base = sp.uncertainty(MODEL, MID, block_size=100_000, **kwargs, keep_inputs=True)
    with ThreadPoolExecutor(2) as pool:
        other = sp.uncertainty(MODEL, MID, block_size=8192, executor=pool, **kwargs,
                               keep_inputs=True)
    pd.testing.assert_frame_equal(base.rank_counts, other.rank_counts)
    pd.testing.assert_frame_equal(base.summary(), other.summary())
    pd.testing.assert_frame_equal(base.inputs, other.inputs)


def test_slices_of_a_chunk_give_the_same_counts(monkeypatch) -> None:
    kwargs = {"weights": 0.5, "aggregate": ["arithmetic", "geometric"], "n": 9000,
              "seed": 5, "keep_runs": True}
    whole = sp.uncertainty(MODEL, MID, **kwargs, keep_inputs=True)
    # 3000 cells: slices of 10 runs of 300 units, with a last short slice in each chunk.
    monkeypatch.setattr(ua_module, "_SLICE_CELLS", 3000)
    sliced = sp.uncertainty(MODEL, MID, **kwargs, keep_inputs=True)
    pd.testing.assert_frame_equal(whole.rank_counts, sliced.rank_counts)
    pd.testing.assert_frame_equal(whole.runs_scores, sliced.runs_scores)
    pd.testing.assert_frame_equal(whole.runs_ranks, sliced.runs_ranks)
    pd.testing.assert_series_equal(whole.rank_shift, sliced.rank_shift)
    # Moments merged slice by slice: equal up to rounding.
    pd.testing.assert_frame_equal(whole.score_stats, sliced.score_stats, rtol=1e-12)
    with ThreadPoolExecutor(2) as pool:
        again = sp.uncertainty(MODEL, MID, executor=pool, block_size=1, **kwargs, keep_inputs=True)
    pd.testing.assert_frame_equal(sliced.score_stats, again.score_stats, rtol=0, atol=0)
    pd.testing.assert_frame_equal(sliced.rank_counts, again.rank_counts)


def test_auto_width_warns_and_says_so(monkeypatch) -> None:
    # A budget for 300 units x 31 columns: bins of 10 ranks.
    monkeypatch.setattr(ua_module, "_RANK_TABLE_BUDGET", 8 * 300 * 31)
    with pytest.warns(sp.SpindexWarning, match="bins of 10 ranks"):
        ua = sp.uncertainty(MODEL, MID, weights=0.5, n=500, seed=1)
    assert ua.rank_bin_width == 10 and not ua.exact and ua.rank_error == 5
    assert "ranks in bins of 10" in repr(ua)
    assert "rank bin width" in ua._repr_html_()
    # An explicit width is the user's choice: no warning (warnings are errors here).
    assert sp.uncertainty(MODEL, MID, weights=0.5, n=500, seed=1,
                          rank_bin_width=10).rank_bin_width == 10


def test_auto_width() -> None:
    auto = ua_module._auto_rank_bin_width
    assert auto(51) == 1 and auto(5792) == 1
    assert auto(5793) == 2
    b = auto(50_000)
    assert 8 * 50_000 * (-(-50_000 // b) + 1) <= ua_module._RANK_TABLE_BUDGET
    assert 8 * 50_000 * (-(-50_000 // (b - 1)) + 1) > ua_module._RANK_TABLE_BUDGET


def test_exact_default_on_few_units_is_unchanged() -> None:
    ua = sp.uncertainty(MODEL, MID.iloc[:40], weights=0.3, n=300, seed=2)
    assert ua.exact and ua.rank_error == 0
    assert list(ua.rank_counts.columns) == list(range(1, 41))


@pytest.mark.parametrize("bad", [0, -3])
def test_bad_width_is_refused(bad) -> None:
    with pytest.raises(ParameterError, match=f"'rank_bin_width'.*Got {bad}"):
        sp.uncertainty(MODEL, MID, weights=0.5, n=100, rank_bin_width=bad)


def test_width_of_wrong_type_is_refused() -> None:
    with pytest.raises(ParameterTypeError, match="'rank_bin_width'"):
        sp.uncertainty(MODEL, MID, weights=0.5, n=100, rank_bin_width=2.5)


def test_exact_table_of_50000_units_is_refused_before_allocating(monkeypatch) -> None:
    from spindex.analysis import _runs

    monkeypatch.setattr(_runs, "memory_limit", lambda: 2 * 1024**3)  # as on a 2.5 GB machine
    data = _data(50_000)
    # 50,000 x 50,001 int64 is 18.6 GiB: refused before the model is even compiled.
    with pytest.raises(ParameterError, match="rank_bin_width"):
        sp.uncertainty(MODEL, data, weights=0.5, n=100, rank_bin_width=1, keep_inputs=False)
