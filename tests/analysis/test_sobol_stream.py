"""Sobol streamed: design rows from their indices, estimator sums merged in chunk order, and
what is kept only on request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis import sobol as sobol_module
from spindex.analysis._engine import CHUNK
from spindex.analysis._runs import check_seed
from spindex.analysis.sobol import (
    _Evaluate,
    _indices_from_sums,
    _merge_pooled,
    _Sums,
    saltelli_design,
    sobol_indices,
)
from spindex.errors import ParameterError

KW = {"weights": sp.WeightNoise(0.3, levels=[2, 3]), "aggregate": ["arithmetic", "geometric"]}


@pytest.fixture(scope="module")
def model(asem_framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


def _quiet(fn, *args, **kwargs):
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        return fn(*args, **kwargs)


@pytest.mark.parametrize(("n", "start", "stop"), [(2**14, 0, CHUNK), (2**14, CHUNK, 2**14),
                                                   (2**13, 0, 2**13), (64, 0, 64)])
def test_fast_forwarded_rows_are_the_rows_of_the_whole_design(n, start, stop) -> None:
    A, B = saltelli_design(n, 5, seed=3)
    task = object.__new__(_Evaluate)
    object.__setattr__(task, "seed", check_seed(3, "test"))
    object.__setattr__(task, "dims", 5)
    a, b = task.base(start, stop)
    np.testing.assert_array_equal(a, A[start:stop])
    np.testing.assert_array_equal(b, B[start:stop])


def test_streamed_sums_give_sobol_indices() -> None:
    # Exact oracle of the algebra: random outputs, merged in uneven parts.
    rng = np.random.default_rng(0)
    n, d, k = 300, 3, 4
    f_A, f_B = rng.normal(size=(k, n)), rng.normal(size=(k, n)) + 2.0
    f_AB = rng.normal(size=(d, k, n))
    total: _Sums | None = None
    for lo, hi in [(0, 7), (7, 128), (128, 300)]:
        a, b, ab = f_A[:, lo:hi].T, f_B[:, lo:hi].T, f_AB[:, :, lo:hi].transpose(0, 2, 1)
        pooled = np.concatenate([a, b])
        mean = pooled.mean(axis=0)
        step = ab - a[None]
        part = _Sums(2 * (hi - lo), mean, ((pooled - mean) ** 2).sum(axis=0),
                     (b[None] * step).sum(axis=1), step.sum(axis=1), (step**2).sum(axis=1),
                     None, None)
        total = _merge_pooled(total, part)
    first, tot, var = _indices_from_sums(total, n)
    ref_first, ref_total = sobol_indices(f_A, f_B, f_AB)
    np.testing.assert_allclose(first, ref_first, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tot, ref_total, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(var, np.concatenate([f_A, f_B], axis=1).var(axis=1), rtol=1e-12)


def test_bit_identical_for_any_block_size_executor_and_slices(model, asem_data,
                                                              monkeypatch) -> None:
    kwargs = {**KW, "n": 2 * CHUNK, "seed": 4, "bootstrap": 0, "keep_design": False}
    base = _quiet(sp.sobol, model, asem_data, **kwargs)
    with ThreadPoolExecutor(2) as pool:
        other = _quiet(sp.sobol, model, asem_data, executor=pool, block_size=1, **kwargs)
    for name in ("first_order", "total_order", "first_order_score", "total_order_score"):
        pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name),
                                      check_exact=True)
    # Smaller slices of a chunk: same indices up to rounding.
    monkeypatch.setattr(sobol_module, "_SLICE_CELLS", 10_000)
    sliced = _quiet(sp.sobol, model, asem_data, **kwargs)
    pd.testing.assert_frame_equal(base.total_order_score, sliced.total_order_score,
                                  check_exact=False, rtol=1e-10, atol=1e-12)


def test_design_only_on_request_and_the_same_indices(model, asem_data) -> None:
    kwargs = {**KW, "n": 512, "seed": 8}
    kept = _quiet(sp.sobol, model, asem_data, bootstrap=0, keep_design=True, **kwargs)
    dropped = _quiet(sp.sobol, model, asem_data, bootstrap=0, **kwargs)  # the default
    assert dropped.kept_design is None
    with_ci = _quiet(sp.sobol, model, asem_data, bootstrap=10, **kwargs)
    pd.testing.assert_frame_equal(kept.first_order, dropped.first_order, check_exact=True)
    # The bootstrap keeps outputs for its resamples; the point estimates are the same sums.
    pd.testing.assert_frame_equal(kept.total_order, with_ci.total_order, check_exact=True)
    assert with_ci.confidence is not None and len(with_ci.confidence)
    with pytest.raises(ParameterError, match="keep_design=True"):
        _ = dropped.design
    A, B = saltelli_design(512, kept.design.shape[1], seed=8)
    np.testing.assert_array_equal(kept.design.to_numpy()[:512], A)
    np.testing.assert_array_equal(kept.design.to_numpy()[512:1024], B)
    assert len(kept.design) == kept.runs


def test_keep_design_must_be_a_flag(model, asem_data) -> None:
    with pytest.raises(sp.errors.ParameterTypeError, match="'keep_design'"):
        sp.sobol(model, asem_data, n=64, keep_design="no")


def test_memory_estimate_with_the_bootstrap_is_flat_in_n() -> None:
    """The Poisson bootstrap keeps no run's outputs: its estimate does not grow with n (it
    was 8 (d + 2) n outputs bytes more), only the kept design does."""
    from spindex.analysis.sobol import _memory_needed

    kwargs = {"d": 4, "n_coords": 11, "n_outputs": 103, "bootstrap": 200, "block_size": 16384}
    for in_flight in (1, 16):
        flat = [_memory_needed(n=2**k, keep_design=False, in_flight=in_flight, **kwargs)
                for k in (12, 18, 20, 24)]
        # Once n fills the blocks in flight (in_flight x 2 chunks of 8192 rows), n adds
        # nothing; N = 2^12, one chunk, has fewer chunks to hold at once.
        assert flat[0] < flat[1] == flat[2] == flat[3]
        kept = _memory_needed(n=2**24, keep_design=True, in_flight=in_flight, **kwargs)
        assert kept - flat[3] == 8.0 * 2**24 * 6 * 11
    without = _memory_needed(n=2**12, keep_design=False, in_flight=1,
                             **{**kwargs, "bootstrap": 0})
    assert 0 < without < flat[0]


def test_memory_estimate_counts_every_block_the_executor_keeps_in_flight() -> None:
    # A pool of 64 workers keeps 128 blocks in flight, each chunk with its bootstrap sums: the
    # estimate must count them all, not the 16 of a small pool.
    from concurrent.futures import ThreadPoolExecutor

    from spindex.analysis._engine import blocks_in_flight
    from spindex.analysis.sobol import _memory_needed

    kwargs = {"n": 2**24, "d": 8, "n_coords": 8, "n_outputs": 103, "bootstrap": 1000,
              "keep_design": False, "block_size": 8192}
    with ThreadPoolExecutor(64) as pool:
        wide = blocks_in_flight(pool)
    assert wide == 128
    sums_per_chunk = 8.0 * 1000 * (3 + 3 * 8) * 103
    assert (_memory_needed(in_flight=wide, **kwargs) - _memory_needed(in_flight=16, **kwargs)
            >= (wide - 16) * sums_per_chunk)


def test_what_does_not_fit_is_refused_before_running(model, asem_data, monkeypatch) -> None:
    from spindex.analysis import _runs

    monkeypatch.setattr(_runs, "memory_limit", lambda: 2 * 1024**3)
    with pytest.raises(ParameterError, match="keep_design=False"):
        sp.sobol(model, asem_data, n=2**24, bootstrap=10, keep_design=True)
    # The bootstrap's sums grow with the number of resamples (not with n).
    with pytest.raises(ParameterError, match=r"200000 bootstrap resamples.*'bootstrap' count"):
        sp.sobol(model, asem_data, n=2**10, bootstrap=200_000, keep_design=False)


def test_the_refusal_names_only_what_takes_memory(model, asem_data, monkeypatch) -> None:
    from spindex.analysis import _runs
    from spindex.analysis.sobol import _memory_hint

    # Without the design, neither keep_design nor n is a remedy; without a bootstrap, its
    # count is none either (found in review).
    assert "keep_design" not in _memory_hint(False, 200)
    assert "'bootstrap'" in _memory_hint(False, 200)
    assert "'bootstrap'" not in _memory_hint(True, 0)
    for hint in (_memory_hint(True, 0), _memory_hint(False, 0), _memory_hint(True, 10)):
        assert "block_size" in hint and hint[0].isupper() and hint.endswith(".")
    assert _memory_hint(True, 10).startswith("Drop keep_design=True")
    monkeypatch.setattr(_runs, "memory_limit", lambda: 4 * 1024**3)
    with pytest.raises(ParameterError) as refused:
        sp.sobol(model, asem_data, n=2**24, bootstrap=0, keep_design=True)
    assert "Drop keep_design=True" in str(refused.value)
    assert "'bootstrap'" not in str(refused.value)


def test_a_block_larger_than_n_holds_only_the_chunks_n_has(model, asem_data,
                                                            monkeypatch) -> None:
    # One chunk of 8192 base rows, whatever block_size says: it fits (it was refused for
    # terabytes of chunks that do not exist; found in review).
    from spindex.analysis import _runs

    monkeypatch.setattr(_runs, "memory_limit", lambda: 4 * 1024**3)
    small = {"n": 64, "bootstrap": 0, "seed": 1, **KW}
    huge = _quiet(sp.sobol, model, asem_data, block_size=2**40, **small)
    pd.testing.assert_frame_equal(huge.first_order,
                                  _quiet(sp.sobol, model, asem_data, **small).first_order,
                                  check_exact=True)


def test_the_bootstraps_buffer_of_terms_is_bounded_in_cells() -> None:
    """Up to 2048 rows, at least one slice, and within 2^23 terms: 50,000 units (1.5 million
    terms a row) get a few rows, not 2048 rows of 12 GB."""
    from spindex.analysis.sobol import _BOOT_CELLS, _boot_rows

    assert _boot_rows(848, 15 * 103) == 2048
    assert _boot_rows(391, 36 * 103) == 2048  # 2262 rows would fit
    assert _boot_rows(5000, 10) == 5000
    terms = 15 * 100_001
    assert _boot_rows(1, terms) >= 1 and _boot_rows(1, terms) * terms <= _BOOT_CELLS
