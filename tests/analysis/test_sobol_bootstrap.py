"""Sobol bootstrap as one product: resample counts, percentiles, and what sobol keeps."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import spindex as sp
from spindex.analysis import _engine
from spindex.analysis import sobol as sobol_module
from spindex.analysis.sobol import _design_frame, _nanquantile_first_axis, _resample_counts

KW = {"weights": sp.WeightNoise(0.25, levels=[2]), "n": 256, "seed": 5, "bootstrap": 20}


@pytest.fixture(scope="module")
def model(asem_framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


def _quiet(fn, *args, **kwargs):
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        return fn(*args, **kwargs)


@pytest.mark.parametrize(("reps", "n", "cells"), [(7, 64, 64), (7, 64, 200), (30, 256, 2**22),
                                                  (3, 128, 1)])
def test_counts_are_the_resamples_drawn_one_after_the_other(reps, n, cells,
                                                            monkeypatch) -> None:
    """Oracle: one draw of n row indices per resample, from one stream, counted; the same
    counts for any batch of resamples drawn at once."""
    monkeypatch.setattr(sobol_module, "_DRAW_CELLS", cells)
    rng = np.random.default_rng(3)
    want = np.array([np.bincount(rng.integers(0, n, size=n), minlength=n)
                     for _ in range(reps)])
    got = _resample_counts(np.random.default_rng(3), reps, n)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)
    assert (got.sum(axis=1) == n).all()


@given(
    values=hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=9),
        # Few distinct values (ties, as bootstrap indices of ranks have) and NaNs.
        elements=st.one_of(st.sampled_from([0.0, 0.25, -1.5, 3.0, np.nan]),
                           st.floats(-1e6, 1e6, allow_nan=False))),
    q=st.one_of(st.sampled_from([0.0, 0.025, 0.05, 0.5, 0.95, 0.975, 1.0]),
                st.floats(0, 1)),
)
@example(values=np.full((4, 3), np.nan), q=0.025)
@example(values=np.array([[1.0, np.nan], [2.0, np.nan], [np.nan, 5.0]]), q=0.975)
def test_percentiles_are_numpys_nanquantile_exactly(values, q) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: NaN
        want = np.nanquantile(values, q, axis=0)
    got = _nanquantile_first_axis(values, q)
    np.testing.assert_array_equal(got, want)


def test_intervals_from_any_batch_of_draws_are_identical(model, asem_data, monkeypatch) -> None:
    base = _quiet(sp.sobol, model, asem_data, **KW)
    monkeypatch.setattr(sobol_module, "_DRAW_CELLS", 300)  # one resample per batch
    other = _quiet(sp.sobol, model, asem_data, **KW)
    pd.testing.assert_frame_equal(base.confidence, other.confidence, check_exact=True)


def test_intervals_hold_every_output_input_and_kind_in_order(model, asem_data) -> None:
    sa = _quiet(sp.sobol, model, asem_data, **KW)
    conf = sa.confidence
    units = [str(u) for u in asem_data.index]
    outputs = [f"rank:{u}" for u in units] + [f"score:{u}" for u in units] + ["R_S"]
    assert len(conf) == 2 * len(sa.inputs) * len(outputs)
    first = conf[(conf["kind"] == "first") & (conf["input"] == sa.inputs[1])]
    assert list(first["output"]) == outputs
    # The point estimate of an output that varies lies within its 95% interval here
    # (n = 256: the intervals are wide), and every interval is ordered.
    moving = first.dropna()
    assert (moving["low"] <= moving["high"]).all()
    scores = first.set_index("output").loc[[f"score:{u}" for u in units]]
    point = sa.first_order_score.loc[sa.inputs[1], units].to_numpy()
    inside = (scores["low"].to_numpy() - 0.05 <= point) & (point <= scores["high"] + 0.05)
    assert inside.mean() > 0.9


@pytest.mark.parametrize("first", [True, False])
def test_a_switch_with_one_alternative_adds_no_input_and_no_coordinate(
        model, asem_data, first) -> None:
    """As for uncertainty: it draws nothing, so every index, interval and design column is
    as without it, wherever it comes among the switches."""
    base = _quiet(sp.sobol, model, asem_data, aggregate=["arithmetic", "geometric"], **KW)
    single = {"normalize": [sp.MinMax(1, 100)]}
    switches = ({**single, "aggregate": ["arithmetic", "geometric"]} if first
                else {"aggregate": ["arithmetic", "geometric"], **single})
    more = _quiet(sp.sobol, model, asem_data, **switches, **KW)
    assert more.inputs == base.inputs
    assert "normalize" not in more.design.columns
    for name in ("first_order", "total_order", "first_order_score", "total_order_score",
                 "confidence", "design"):
        pd.testing.assert_frame_equal(getattr(more, name), getattr(base, name),
                                      check_exact=True)


def test_only_single_alternatives_is_nothing_uncertain(model, asem_data) -> None:
    with pytest.raises(sp.errors.ParameterError, match="Nothing is uncertain"):
        sp.sobol(model, asem_data, weights=None, n=8, normalize=[sp.MinMax(1, 100)])


def test_the_design_frame_holds_the_design_without_a_copy() -> None:
    design = np.random.default_rng(0).random((5, 2000, 20))
    columns = [f"c{i}" for i in range(20)]
    tracemalloc.start()
    try:
        frame = _design_frame(design, columns)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.25 * design.nbytes  # a copy would take design.nbytes
    assert np.shares_memory(frame.to_numpy(), design)
    np.testing.assert_array_equal(frame.to_numpy(), design.reshape(-1, 20))
    assert list(frame.columns) == columns


def test_keeping_the_design_holds_it_once(model, asem_data, monkeypatch) -> None:
    """The peak of an analysis that keeps its design exceeds the one that drops it by the
    design and a block's pieces of it (before, it held a chunk's pieces joined, then the
    frame's copy). Small chunks and slices, many coordinates and one input make the
    design most of the memory."""
    monkeypatch.setattr(_engine, "CHUNK", 1024)
    monkeypatch.setattr(sobol_module, "_SLICE_CELLS", 2**15)
    kwargs = {"weights": sp.WeightNoise(0.2, levels=[1]), "n": 2**13, "seed": 1,
              "bootstrap": 0, "groups": {"all": list(model.framework.level(1))},
              "block_size": 1024}

    def peak(keep: bool) -> tuple[int, sobol_module.SobolResult]:
        tracemalloc.start()
        try:
            result = _quiet(sp.sobol, model, asem_data, keep_design=keep, **kwargs)
            return tracemalloc.get_traced_memory()[1], result
        finally:
            tracemalloc.stop()

    peak(False)  # once first: what the first analysis allocates once (caches) is not kept
    dropped, _ = peak(False)
    kept, result = peak(True)
    size = result.design.to_numpy().nbytes
    assert size > 9e6
    assert kept - dropped < 1.45 * size  # 1.23 designs here, 1.76 with the former copies
