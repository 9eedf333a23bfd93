"""Sobol indices: analytic oracle, agreement with SciPy, reproducibility, bad input."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spindex as sp
from spindex.analysis.sobol import saltelli_design, sobol_indices
from spindex.errors import ParameterError


def linear_outputs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y = x1 + 2 x2 + 3 x3, x_i ~ N(0, sigma_i^2), sigma = (1, 0.5, 2) (methods.md)."""
    A, B = saltelli_design(n, 3, seed=seed)
    sigma, a = np.array([1.0, 0.5, 2.0]), np.array([1.0, 2.0, 3.0])

    def f(U: np.ndarray) -> np.ndarray:
        return (stats.norm.ppf(U) * sigma @ a)[None, :]

    f_AB = np.stack([f(np.where(np.arange(3) == i, B, A)) for i in range(3)])
    return f(A), f(B), f_AB


def test_linear_oracle_within_0_005() -> None:
    # Oracle: S = S_T = (1/38, 1/38, 36/38).
    first, total = sobol_indices(*linear_outputs(2**14, seed=0))
    expected = np.array([1, 1, 36]) / 38
    np.testing.assert_allclose(first[:, 0], expected, atol=0.005)
    np.testing.assert_allclose(total[:, 0], expected, atol=0.005)


def test_estimators_equal_scipy_on_the_same_samples(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
    with pytest.warns(sp.SpindexWarning, match="never varies"):  # DEU, GBR keep their ranks
        sa = sp.sobol(model, asem_data, weights=sp.WeightNoise(0.3, levels=[2, 3]),
                      aggregate=["arithmetic", "geometric"], n=256, seed=5, bootstrap=0,
                      keep_design=True)
    # Re-evaluate the stored design with independent scoring, then feed SciPy.
    design = sa.design
    n, d = sa.n, len(sa.inputs)
    scores = np.empty((len(design), len(asem_data)))
    for i, row in design.iterrows():
        weights = {c[2:]: asem_framework.node(c[2:]).weight * (1 + 0.3 * (2 * row[c] - 1))
                   for c in design.columns if c.startswith("w:")}
        aggregate = "arithmetic" if row["aggregate"] < 0.5 else "geometric"
        # One scoring per row: the reweighted framework is built without scoring the model.
        other = sp.CompositeIndex(asem_framework.with_weights(weights),
                                  normalize=sp.MinMax(1, 100),
                                  aggregate=aggregate).score(asem_data)
        scores[i] = other.index.to_numpy()
    Y = scores.T
    f_A, f_B = Y[:, :n], Y[:, n:2 * n]
    f_AB = Y[:, 2 * n:].reshape(Y.shape[0], d, n).transpose(1, 0, 2)
    ref = stats.sobol_indices(func={"f_A": f_A, "f_B": f_B, "f_AB": f_AB}, n=n)
    units = [str(u) for u in asem_data.index]
    np.testing.assert_allclose(sa.first_order_score[units].to_numpy(), ref.first_order.T,
                               atol=1e-9)
    np.testing.assert_allclose(sa.total_order_score[units].to_numpy(), ref.total_order.T,
                               atol=1e-9)


def test_identical_for_any_block_size_and_executor(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
    kwargs = {"weights": sp.WeightNoise(0.25, levels=[2]), "aggregate": ["arithmetic", "harmonic"],
                  "n": 512, "seed": 9, "bootstrap": 20}
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        base = sp.sobol(model, asem_data, **kwargs)
    with ThreadPoolExecutor(3) as pool, pytest.warns(sp.SpindexWarning, match="never varies"):
        other = sp.sobol(model, asem_data, executor=pool, block_size=1, **kwargs)
    pd.testing.assert_frame_equal(base.first_order, other.first_order, check_exact=True)
    pd.testing.assert_frame_equal(base.total_order_score, other.total_order_score,
                                  check_exact=True)
    pd.testing.assert_frame_equal(base.confidence, other.confidence, check_exact=True)


def test_groups_and_summary(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        sa = sp.sobol(model, asem_data, weights=sp.WeightNoise(0.25, levels=[2]), n=256,
                      seed=1, groups=None, bootstrap=0)
    assert sa.inputs == asem_framework.level(2)
    assert sa.runs == 256 * 10
    assert list(sa.summary().columns) == ["S_R_S", "ST_R_S", "mean_S_rank", "mean_ST_rank"]
    assert "SobolResult" in repr(sa)
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        named = sp.sobol(model, asem_data, weights=sp.WeightNoise(0.25, levels=[2]), n=256,
                         seed=1, groups={"conn": ["Physical", "ConEcFin", "Political", "Instit",
                                                  "P2P"],
                                         "sust": ["Environ", "Social", "SusEcFin"]},
                         bootstrap=0)
    assert named.inputs == ("conn", "sust")
    # Total effects of the two groups at least cover what first-order effects explain.
    assert (named.total_order["R_S"] >= named.first_order["R_S"] - 0.05).all()


class TestBadInput:
    @pytest.mark.parametrize("n", [1, 0, 100, 3.0])
    def test_n_power_of_two(self, n) -> None:
        with pytest.raises(ParameterError, match="power of two"):
            saltelli_design(n, 2)

    def test_sampler_kind_and_groups(self, asem_framework, asem_data) -> None:
        model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
        with pytest.raises(ParameterError, match="WeightNoise"):
            sp.sobol(model, asem_data, weights=sp.UniformSimplex(levels=[2]), n=8)
        with pytest.raises(ParameterError, match="belong to no group"):
            sp.sobol(model, asem_data, weights=sp.WeightNoise(0.1, levels=[3]), n=8,
                     groups={"g": ["Conn"]})
        with pytest.raises(ParameterError, match="not varied"):
            sp.sobol(model, asem_data, weights=sp.WeightNoise(0.1, levels=[3]), n=8,
                     groups={"g": ["Conn", "Sust", "LPI"]})


def _poisson_one_by_one(seed_seq, reps, n, segment=None):
    """The bootstrap's weights written out: per segment of rows, its own stream, drawn one
    resample after the other (``segment``: the segment size a test monkeypatched)."""
    from spindex.analysis.sobol import _BOOT_KEY, _SEGMENT

    seg = segment or _SEGMENT
    weights = np.empty((reps, n))
    for s in range(-(-n // seg)):
        rng = np.random.default_rng(np.random.SeedSequence(
            seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, _BOOT_KEY, s)))
        for r in range(reps):
            row = rng.poisson(1.0, size=seg)
            stop = min(n, (s + 1) * seg)
            weights[r, s * seg:stop] = row[:stop - s * seg]
    return weights


def _weighted_one_by_one(f_A, f_B, f_AB, weights, level):
    """The estimators of sobol_indices with weighted means, resample by resample, and their
    percentile intervals."""
    firsts, totals = [], []
    for w in weights:
        pooled = np.concatenate([f_A, f_B], axis=-1)
        mean = np.average(pooled, weights=np.r_[w, w], axis=-1)
        var = np.average((pooled - mean[:, None]) ** 2, weights=np.r_[w, w], axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.average((f_B - mean[:, None]) * (f_AB - f_A), weights=w, axis=-1) / var
            t = 0.5 * np.average((f_A - f_AB) ** 2, weights=w, axis=-1) / var
        s[:, var == 0] = np.nan
        t[:, var == 0] = np.nan
        firsts.append(s)
        totals.append(t)
    alpha = (1 - level) / 2
    out = {}
    for kind, values in (("first", np.array(firsts)), ("total", np.array(totals))):
        with pytest.warns(RuntimeWarning):  # the output that never moves: all NaN
            out[kind] = (np.nanquantile(values, alpha, axis=0),
                         np.nanquantile(values, 1 - alpha, axis=0))
    return out


def test_streamed_poisson_bootstrap_equals_the_resamples_one_by_one() -> None:
    """Oracle: the weights drawn one resample at a time and the weighted estimators computed
    directly, against the streamed terms (in uneven slices across segments) and sums."""
    from spindex.analysis.sobol import (
        _SEGMENT,
        _boot_terms,
        _intervals,
        _poisson_weights,
        _resample_indices,
    )

    rng = np.random.default_rng(11)
    d, n_out, n = 3, 5, _SEGMENT + 300  # more than one segment of rows
    f_A = rng.normal(50, 10, size=(n_out, n))
    f_B = rng.normal(50, 10, size=(n_out, n))
    f_AB = 0.4 * f_A[None] + rng.normal(30, 6, size=(d, n_out, n))
    for f in (f_A, f_B):
        f[1] = 7.0  # an output that never moves: NaN bounds
        f[2] = np.round(f[2] / 10)  # ranks-like: many ties
    f_AB[:, 1] = 7.0
    f_AB[:, 2] = np.round(f_AB[:, 2] / 10)
    seed_seq = np.random.SeedSequence(5)
    reps, level = 60, 0.9
    names, outputs = ["x0", "x1", "x2"], [f"o{i}" for i in range(n_out)]
    # Every run's outputs as a chunk evaluates them: (d + 2) x rows x outputs.
    Y = np.concatenate([f_A[None], f_B[None], f_AB]).transpose(0, 2, 1)
    centre = Y[0, 0]
    boot = np.zeros((reps, (3 + 3 * d) * n_out))
    weight = np.zeros(reps)
    cache: dict = {}
    for lo, hi in [(0, 7), (7, _SEGMENT - 1), (_SEGMENT - 1, _SEGMENT + 2), (_SEGMENT + 2, n)]:
        w = _poisson_weights(seed_seq, reps, lo, hi, cache)
        boot += w @ _boot_terms(Y[:, lo:hi], centre)
        weight += w.sum(axis=1)
    weights = _poisson_one_by_one(seed_seq, reps, n)
    np.testing.assert_array_equal(weight, weights.sum(axis=1))
    constant = np.concatenate([f_A, f_B], axis=1).var(axis=1) == 0
    got = _intervals(*_resample_indices(boot, weight, constant, d, n_out), level, names,
                     outputs)
    want = _weighted_one_by_one(f_A, f_B, f_AB, weights, level)
    for kind in ("first", "total"):
        part = got[got["kind"] == kind]
        for i, name in enumerate(names):
            rows = part[part["input"] == name]
            assert list(rows["output"]) == outputs
            np.testing.assert_allclose(rows["low"], want[kind][0][i], rtol=0, atol=1e-12)
            np.testing.assert_allclose(rows["high"], want[kind][1][i], rtol=0, atol=1e-12)
            assert rows["low"].isna().tolist() == [o == "o1" for o in outputs]


def _multinomial_intervals(f_A, f_B, f_AB, reps, level, rng):
    """The classical bootstrap (n rows drawn with replacement) through the same estimators."""
    from spindex.analysis.sobol import _boot_terms, _resample_indices

    n = f_A.shape[-1]
    Y = np.concatenate([f_A[None], f_B[None], f_AB]).transpose(0, 2, 1)
    counts = np.stack([np.bincount(rng.integers(0, n, size=n), minlength=n)
                       for _ in range(reps)]).astype(float)
    firsts, totals = _resample_indices(counts @ _boot_terms(Y, Y[0, 0]), counts.sum(axis=1),
                                       np.zeros(Y.shape[2], bool), f_AB.shape[0], Y.shape[2])
    alpha = (1 - level) / 2
    return {kind: np.quantile(v, [alpha, 1 - alpha], axis=0)[:, :, 0]
            for kind, v in (("first", firsts), ("total", totals))}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_poisson_intervals_cover_the_linear_oracle_as_wide_as_the_classical_bootstrap(
        seed) -> None:
    """Statistical sanity (fixed seeds): y = x1 + 2 x2 + 3 x3, S = S_T = (1, 1, 36) / 38.
    The Poisson bootstrap approximates the multinomial one (Hanley and MacGibbon 2006): its
    95% intervals cover the known indices and are as wide within 10% (2000 resamples: the
    percentiles' own Monte Carlo error is a few per cent)."""
    from spindex.analysis.sobol import (
        _boot_terms,
        _intervals,
        _poisson_weights,
        _resample_indices,
    )

    n, reps, level = 2**11, 2000, 0.95
    f_A, f_B, f_AB = linear_outputs(n, seed)
    truth = np.array([1.0, 1.0, 36.0]) / 38
    Y = np.concatenate([f_A[None], f_B[None], f_AB]).transpose(0, 2, 1)
    w = _poisson_weights(np.random.SeedSequence(seed), reps, 0, n)
    conf = _intervals(*_resample_indices(w @ _boot_terms(Y, Y[0, 0]), w.sum(axis=1),
                                         np.zeros(1, bool), 3, 1), level,
                      ["x1", "x2", "x3"], ["y"])
    classical = _multinomial_intervals(f_A, f_B, f_AB, reps, level,
                                       np.random.default_rng(100 + seed))
    for kind in ("first", "total"):
        part = conf[conf["kind"] == kind]
        low, high = part["low"].to_numpy(), part["high"].to_numpy()
        assert ((low <= truth) & (truth <= high)).all()
        ratio = (high - low) / (classical[kind][1] - classical[kind][0])
        assert ((ratio > 0.9) & (ratio < 1.1)).all(), ratio
