"""Sobol's Poisson bootstrap streamed: per-row weights, one product per slice of rows,
percentiles, and what sobol keeps."""

from __future__ import annotations

import itertools
import tracemalloc
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import spindex as sp
from spindex.analysis import _engine
from spindex.analysis import sobol as sobol_module
from spindex.analysis._runs import check_seed
from spindex.analysis.sobol import _design_frame, _nanquantile_first_axis, _poisson_weights

KW = {"weights": sp.WeightNoise(0.25, levels=[2]), "n": 256, "seed": 5, "bootstrap": 20}


@pytest.fixture(scope="module")
def model(asem_framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


def _quiet(fn, *args, **kwargs):
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        return fn(*args, **kwargs)


@pytest.mark.parametrize(("reps", "start", "stop"), [(7, 0, 64), (3, 1000, 1100),
                                                     (5, 0, 3 * 1024 + 5), (1, 2047, 2048)])
def test_poisson_weights_are_each_segments_stream_drawn_resample_after_resample(
        reps, start, stop) -> None:
    """Oracle: segment s of rows draws its weights from the stream (seed, _BOOT_KEY, s), one
    resample after the other; the same weights for rows cut into any slices."""
    seed = np.random.SeedSequence(9, spawn_key=(2,))
    seg = sobol_module._SEGMENT
    want = np.empty((reps, stop - start))
    for r in range(reps):
        for i in range(start, stop):
            s = i // seg
            rng = np.random.default_rng(np.random.SeedSequence(
                9, spawn_key=(2, sobol_module._BOOT_KEY, s)))
            want[r, i - start] = rng.poisson(1.0, size=(reps, seg))[r, i - s * seg]
    np.testing.assert_array_equal(_poisson_weights(seed, reps, start, stop), want)
    cache: dict = {}
    cuts = sorted({start, stop, *range(start, stop, 37)})
    pieces = [_poisson_weights(seed, reps, a, b, cache) for a, b in itertools.pairwise(cuts)]
    np.testing.assert_array_equal(np.concatenate(pieces, axis=1), want)
    assert seed.spawn_key == (2,) and seed.n_children_spawned == 0  # not changed


def test_poisson_weights_have_mean_and_variance_one() -> None:
    w = _poisson_weights(np.random.SeedSequence(1), 50, 0, 4096)
    assert w.dtype == np.float64 and (w == np.round(w)).all() and w.min() >= 0
    assert abs(w.mean() - 1) < 0.01 and abs(w.var() - 1) < 0.02


@pytest.mark.parametrize("small", [False, True])
def test_intervals_are_the_resampled_estimators_of_every_run(model, asem_data, monkeypatch,
                                                             small) -> None:
    """Oracle through sobol: every run's outputs recomputed from the kept design, the Poisson
    weights drawn one resample at a time, the weighted estimators computed directly. With
    ``small``, slices of a few rows, a buffer of terms holding several of them and segments
    of weights cut across them (n = 128 is otherwise one slice)."""
    if small:
        monkeypatch.setattr(sobol_module, "_SLICE_CELLS", 2**12)  # 6 rows a slice here
        monkeypatch.setattr(sobol_module, "_BOOT_ROWS", 20)
        monkeypatch.setattr(sobol_module, "_SEGMENT", 16)
    from tests.analysis.test_sobol import _poisson_one_by_one, _weighted_one_by_one

    tasks = []
    real = sobol_module.map_chunks

    def spy(task, *args, **kwargs):
        tasks.append(task)
        return real(task, *args, **kwargs)

    monkeypatch.setattr(sobol_module, "map_chunks", spy)
    kwargs = {**KW, "n": 128, "bootstrap": 15, "confidence_level": 0.8,
              "aggregate": ["arithmetic", "geometric"]}
    sa = _quiet(sp.sobol, model, asem_data, **kwargs, keep_design=True)
    (task,) = tasks
    d, n = len(sa.inputs), sa.n
    Y = task.rows(sa.design.to_numpy()).reshape(d + 2, n, -1).transpose(0, 2, 1)
    weights = _poisson_one_by_one(check_seed(5, "test"), 15, n, sobol_module._SEGMENT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = _weighted_one_by_one(Y[0], Y[1], Y[2:], weights, 0.8)
    for kind in ("first", "total"):
        part = sa.confidence[sa.confidence["kind"] == kind]
        for i, name in enumerate(sa.inputs):
            rows = part[part["input"] == name]
            np.testing.assert_allclose(rows["low"], want[kind][0][i], rtol=0, atol=1e-12)
            np.testing.assert_allclose(rows["high"], want[kind][1][i], rtol=0, atol=1e-12)


def test_intervals_bit_identical_for_any_block_size_and_executor(model, asem_data) -> None:
    kwargs = {**KW, "n": 2 * _engine.CHUNK, "keep_design": False}
    base = _quiet(sp.sobol, model, asem_data, **kwargs)
    assert base.confidence["low"].notna().any()
    with ThreadPoolExecutor(2) as pool:
        threads = _quiet(sp.sobol, model, asem_data, executor=pool, block_size=1, **kwargs)
    with ProcessPoolExecutor(2) as pool:
        processes = _quiet(sp.sobol, model, asem_data, executor=pool, block_size=4096,
                           **kwargs)
    one_block = _quiet(sp.sobol, model, asem_data, block_size=10**6, **kwargs)
    for other in (threads, processes, one_block):
        pd.testing.assert_frame_equal(base.confidence, other.confidence, check_exact=True)
        pd.testing.assert_frame_equal(base.total_order, other.total_order, check_exact=True)


def test_intervals_reproducible_from_the_seed(model, asem_data) -> None:
    seed = np.random.SeedSequence(5)
    first = _quiet(sp.sobol, model, asem_data, **{**KW, "seed": seed})
    again = _quiet(sp.sobol, model, asem_data, **{**KW, "seed": seed})
    from_int = _quiet(sp.sobol, model, asem_data, **KW)
    other = _quiet(sp.sobol, model, asem_data, **{**KW, "seed": 6})
    pd.testing.assert_frame_equal(first.confidence, again.confidence, check_exact=True)
    pd.testing.assert_frame_equal(first.confidence, from_int.confidence, check_exact=True)
    assert not first.confidence["low"].equals(other.confidence["low"])
    assert seed.n_children_spawned == 0


def test_point_estimates_as_before_the_poisson_bootstrap(model, asem_data) -> None:
    """The point estimates of the multinomial version (values printed by it, this seed) to a
    few units in the last place, and bit for bit the same with and without the bootstrap.

    The printed values carry the last bits of the CPU that printed them: numpy picks its
    kernels (``exp`` and ``log`` of the geometric mean among them) by the CPU's SIMD, and on
    a CPU without AVX-512 one of them comes out 1 ulp apart (the same with numpy's X86_V2
    and X86_V3 kernels). The comparison on one machine, with and without the bootstrap, is
    exact."""
    kwargs = {"weights": sp.WeightNoise(0.3, levels=[2, 3]), "n": 256, "seed": 7,
              "aggregate": ["arithmetic", "geometric"], "keep_design": False}
    with_ci = _quiet(sp.sobol, model, asem_data, bootstrap=20, **kwargs)
    without = _quiet(sp.sobol, model, asem_data, bootstrap=0, **kwargs)
    printed = [(with_ci.first_order.iloc[0, 5], 0.08213925170014791),
               (with_ci.total_order_score.iloc[1, 3], 0.0016509608876190882),
               (with_ci.first_order["R_S"].iloc[2], 0.05612489803999166)]
    for value, want in printed:
        np.testing.assert_array_max_ulp(value, want, maxulp=4)
    for name in ("first_order", "total_order", "first_order_score", "total_order_score"):
        pd.testing.assert_frame_equal(getattr(with_ci, name), getattr(without, name),
                                      check_exact=True)


def test_memory_with_the_bootstrap_is_flat_in_n(model, asem_data) -> None:
    """The default 200 resamples: tracemalloc peak at N = 2^10 and 2^13 within 1.5x."""
    kwargs = {"weights": sp.WeightNoise(0.25, levels=[2, 3]), "seed": 1, "bootstrap": 200,
              "aggregate": ["arithmetic", "geometric"], "keep_design": False}

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            _quiet(sp.sobol, model, asem_data, n=n, **kwargs)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(2**8)  # once first: caches
    small, large = peak(2**10), peak(2**13)
    # Every run's outputs alone would take 8 (d + 2) N outputs bytes: 44 MB at 2^13.
    assert large < 1.5 * small, (small, large)


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
    base = _quiet(sp.sobol, model, asem_data, aggregate=["arithmetic", "geometric"], **KW,
                  keep_design=True)
    single = {"normalize": [sp.MinMax(1, 100)]}
    switches = ({**single, "aggregate": ["arithmetic", "geometric"]} if first
                else {"aggregate": ["arithmetic", "geometric"], **single})
    more = _quiet(sp.sobol, model, asem_data, **switches, **KW, keep_design=True)
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
