"""Uncertainty analysis: statistics, reproducibility across blocks and executors, bad input."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import MethodError, ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d", "direction": -1}]},
    ],
})
DATA = pd.DataFrame(
    {"a": [1.0, 2, 3, 4, 5], "b": [5.0, 3, 4, 1, 2], "c": [2.0, 2, 9, 1, 4],
     "d": [3.0, 1, 2, 5, 4]},
    index=["U1", "U2", "U3", "U4", "U5"],
)


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


def run(**kwargs):
    model = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100))
    return sp.uncertainty(model, DATA, **{"n": 3000, "seed": 7, **kwargs})


def test_counts_and_summary_consistent_with_kept_runs() -> None:
    ua = run(weights=0.4, aggregate=["arithmetic", "geometric"], keep_runs=True,
             keep_inputs=True)
    ranks = ua.runs_ranks.to_numpy(dtype=float)
    for j, unit in enumerate(ua.rank_counts.index):
        expected = np.bincount(ranks[:, j].astype(int), minlength=6)[1:]
        np.testing.assert_array_equal(ua.rank_counts.loc[unit].to_numpy(), expected)
    summary = ua.summary()
    np.testing.assert_allclose(summary.loc[ua.runs_ranks.columns, "mean_rank"],
                               ranks.mean(axis=0))
    np.testing.assert_allclose(summary.loc[ua.runs_scores.columns, "score_mean"],
                               ua.runs_scores.mean(), rtol=1e-12)
    np.testing.assert_allclose(summary.loc[ua.runs_scores.columns, "score_sd"],
                               ua.runs_scores.std(ddof=1), rtol=1e-9)
    median = np.quantile(ranks, 0.5, axis=0, method="inverted_cdf")
    np.testing.assert_array_equal(summary.loc[ua.runs_ranks.columns, "median_rank"], median)
    nominal = ua.nominal["rank"].to_numpy()
    np.testing.assert_allclose(ua.rank_shift, np.abs(ranks - nominal).mean(axis=1))
    assert ua.rank_frequencies.sum(axis=1).round(12).eq(1).all()
    assert list(ua.inputs.columns) == ["w:a", "w:b", "w:c", "w:d", "w:P", "w:Q", "aggregate"]
    assert set(ua.inputs["aggregate"]) == {"arithmetic", "geometric"}


def test_runs_match_rescoring_with_the_sampled_inputs() -> None:
    alternatives = [sp.MinMax(1, 100), sp.ZScore(50, 5)]
    ua = run(weights=0.4, normalize=alternatives, aggregate=["arithmetic", "geometric"], n=6,
             keep_runs=True, keep_inputs=True)
    for i, row in ua.inputs.iterrows():
        weights = {c[2:]: row[c] for c in ua.inputs.columns if c.startswith("w:")}
        normalize = alternatives[list(ua.inputs["normalize"].cat.categories).index(
            row["normalize"])]
        model = sp.CompositeIndex(FW.with_weights(weights), normalize=normalize,
                                  aggregate=row["aggregate"])
        expected = model.score(DATA).index
        np.testing.assert_allclose(ua.runs_scores.loc[i], expected, rtol=1e-12)


def test_fixed_weights_single_switch_is_exact() -> None:
    ua = run(weights=None, aggregate=["arithmetic"])
    assert ua.mean_rank_shift == 0
    assert (ua.summary()["rank_q05"] == ua.summary()["nominal_rank"]).all()


def test_identical_for_any_block_size_and_executor(asem_model, asem_data) -> None:
    kwargs = {"weights": sp.WeightNoise(0.25, levels=[2, 3]),
                  "aggregate": ["arithmetic", "geometric"], "n": 5000, "seed": 11}
    base = sp.uncertainty(asem_model, asem_data, **kwargs, keep_inputs=True)
    small = sp.uncertainty(asem_model, asem_data, block_size=1, **kwargs, keep_inputs=True)
    with ThreadPoolExecutor(4) as pool:
        threaded = sp.uncertainty(asem_model, asem_data, executor=pool, block_size=2048,
                                  **kwargs, keep_inputs=True)
    for other in (small, threaded):
        pd.testing.assert_frame_equal(other.summary(), base.summary(), check_exact=True)
        pd.testing.assert_series_equal(other.rank_shift, base.rank_shift, check_exact=True)
        pd.testing.assert_frame_equal(other.inputs, base.inputs, check_exact=True)
    different = sp.uncertainty(asem_model, asem_data, **{**kwargs, "seed": 12}, keep_inputs=True)
    assert not different.rank_shift.equals(base.rank_shift)


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_results(asem_model, asem_data) -> None:
    distributed = pytest.importorskip("distributed")
    kwargs = {"weights": sp.WeightNoise(0.25, levels=[2, 3]),
              "aggregate": ["arithmetic", "geometric"], "n": 6000, "seed": 3,
              "block_size": 2048}
    local = sp.uncertainty(asem_model, asem_data, **kwargs, keep_inputs=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = sp.uncertainty(asem_model, asem_data, executor=client.get_executor(), **kwargs,
                                keep_inputs=True)
    pd.testing.assert_frame_equal(remote.summary(), local.summary(), check_exact=True)
    pd.testing.assert_series_equal(remote.rank_shift, local.rank_shift, check_exact=True)


def test_repr_and_progress(capsys) -> None:
    ua = run(weights=0.2, progress=True, n=100)
    assert "100/100 runs" in capsys.readouterr().err
    assert "R_S" in repr(ua)


class TestBadInput:
    def test_phi(self) -> None:
        with pytest.raises(ParameterError, match=r"\[0, 1\)"):
            run(weights=1.5)

    def test_unknown_node_and_level(self) -> None:
        with pytest.raises(sp.FrameworkError, match="'Z'"):
            run(weights=sp.WeightNoise(0.2, nodes=["Z"]))
        with pytest.raises(sp.FrameworkError, match="levels 1 to 3"):
            run(weights=sp.WeightNoise(0.2, levels=[5]))

    def test_n(self) -> None:
        with pytest.raises(ParameterError,
                           match=r"'n' parameter of uncertainty must be an integer >= 2\. Got 1 "):
            run(weights=0.2, n=1)

    def test_failing_alternative_is_named_before_sampling(self) -> None:
        model = sp.CompositeIndex(FW)  # min-max to [0, 100] puts zeros in the data
        with pytest.raises(MethodError, match="geometric"):
            sp.uncertainty(model, DATA, weights=0.2, aggregate=["arithmetic", "geometric"],
                           n=10)

    def test_unknown_switch_and_alternative(self) -> None:
        with pytest.raises(ParameterError, match="'imputation' is not a method choice"):
            run(weights=0.2, imputation=["mean"])
        with pytest.raises(ParameterError, match="'mean'"):
            run(weights=0.2, aggregate=["arithmetic", "mean"])
        with pytest.raises(SpindexTypeError):
            run(weights=0.2, aggregate="arithmetic")

    def test_nothing_uncertain(self) -> None:
        with pytest.raises(ParameterError, match="Nothing is uncertain"):
            run(weights=None)


def test_switch_that_changes_the_units_is_refused(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
    with pytest.raises(ParameterError, match="same units"):
        sp.uncertainty(model, asem_data, weights=0.1, n=10,
                       screen=[None, sp.Screen(min_coverage=0.95, before_impute=True)])


def test_never_scored_unit_has_no_rank_or_score() -> None:
    data = DATA.copy()
    data.loc["U1", ["a", "b"]] = np.nan  # P is below coverage, so the index is too
    model = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100), min_coverage=0.6)
    summary = sp.uncertainty(model, data, weights=0.2, n=500, seed=0).summary()
    row = summary.loc["U1"]
    assert pd.isna(row["median_rank"]) and pd.isna(row["rank_q95"])
    assert pd.isna(row["score_mean"]) and pd.isna(row["score_sd"])
    assert summary.drop("U1")["median_rank"].notna().all()


def test_zero_sum_sampled_group_is_an_error() -> None:
    with pytest.raises(ParameterError, match="every child of 'P' zero"):
        run(weights=sp.WeightBounds({"a": (0, 0), "b": (0, 0)}), n=16)


def test_engine_and_scoring_agree_on_exact_ties() -> None:
    # Units u0 and u2 have the same index in exact arithmetic (35/12).
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": c} for c in "abcde"]})
    data = pd.DataFrame({"a": [0, 2, 8], "b": [5, 7, 1], "c": [8, 4, 1], "d": [0, 1, 4],
                         "e": [3, 5, 1]}, dtype=float, index=["u0", "u1", "u2"])
    model = sp.CompositeIndex(fw, normalize="rank")
    assert model.score(data).ranks["I"].tolist() == [2, 1, 2]
    ua = sp.uncertainty(model, data, weights=sp.WeightNoise(0.0), n=100, seed=0)
    assert ua.mean_rank_shift == 0


def _two_pillars(units: int, seed: int) -> tuple[sp.Framework, pd.DataFrame]:
    """Two pillars of two indicators, and random data in [1, 2) for ``units`` units."""
    fw = sp.Framework.from_dict({"nodes": {
        "I": {}, "P": {"parent": "I"}, "Q": {"parent": "I"}, "a": {"parent": "P"},
        "b": {"parent": "P"}, "c": {"parent": "Q"}, "d": {"parent": "Q"}}})
    data = pd.DataFrame(np.random.default_rng(seed).random((units, 4)) + 1,
                        columns=list("abcd"), index=[f"u{i}" for i in range(units)])
    return fw, data


def test_alternatives_with_the_same_label_get_numbered_labels() -> None:
    """Two lambdas (or two equal method objects) label alike; the inputs table numbers the
    second instead of failing on duplicate categories."""
    fw, data = _two_pillars(units=8, seed=0)
    ua = sp.uncertainty(sp.CompositeIndex(fw), data, weights=0.2, n=64, seed=0,
                        treat=[lambda x: x, lambda x: np.log(x)], keep_inputs=True)
    assert list(ua.inputs["treat"].cat.categories) == ["<lambda>", "<lambda> #2"]
    assert set(ua.inputs["treat"]) == {"<lambda>", "<lambda> #2"}


def test_a_switch_with_one_alternative_draws_nothing() -> None:
    """Adding a switch with a single alternative (here before another switch) leaves every
    draw and every statistic as they were."""
    fw, data = _two_pillars(units=9, seed=1)
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    base = sp.uncertainty(model, data, weights=0.2, n=256, seed=5,
                          aggregate=["arithmetic", "geometric"], keep_inputs=True)
    more = sp.uncertainty(model, data, weights=0.2, n=256, seed=5, normalize=[sp.MinMax(1, 100)],
                          aggregate=["arithmetic", "geometric"], keep_inputs=True)
    pd.testing.assert_frame_equal(more.rank_counts, base.rank_counts)
    pd.testing.assert_series_equal(more.inputs["aggregate"], base.inputs["aggregate"])
    assert more.inputs["normalize"].nunique() == 1
