"""SMAA: statistics against brute force, reproducibility, samplers, ties and bad input."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spindex as sp
from spindex.analysis._engine import CompiledModel
from spindex.analysis.sampling import DirichletWeights, UniformSimplex, WeightNoise
from spindex.analysis.smaa import (
    BoundedSimplex,
    SMAAResult,
    _rank_counts,
    _ranks_with_spans,
    _Task,
    meta_weights,
    smaa,
)
from spindex.errors import DataError, ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({"code": "I", "children": [
    {"code": "x"}, {"code": "y"}, {"code": "z"},
]})
DATA = pd.DataFrame(
    {"x": [0.9, 0.2, 0.5, 0.6, 0.1], "y": [0.1, 0.9, 0.5, 0.3, 0.2],
     "z": [0.3, 0.4, 0.5, 0.7, 0.1]},
    index=["a", "b", "c", "d", "e"],
)
MODEL = sp.CompositeIndex(FW, normalize="none")


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


def brute_force(res: SMAAResult, data: pd.DataFrame) -> dict[str, np.ndarray]:
    """The statistics recomputed draw by draw from the regenerated weights."""
    W = res.sample_weights()
    scores = W.to_numpy() @ data[list(W.columns)].to_numpy().T
    ranks = pd.DataFrame(scores).rank(axis=1, ascending=False, method="min").to_numpy()
    m = scores.shape[1]
    b = np.array([[np.mean(ranks[:, i] == r) for r in range(1, m + 1)] for i in range(m)])
    central = np.array([W.to_numpy()[ranks[:, i] == 1].mean(axis=0) if (ranks[:, i] == 1).any()
                        else np.full(W.shape[1], np.nan) for i in range(m)])
    c = (ranks[:, :, None] < ranks[:, None, :]).mean(axis=0)
    return {"b": b, "central": central, "c": c}


def test_statistics_match_brute_force() -> None:
    res = smaa(MODEL, DATA, n=5000, seed=7)
    ref = brute_force(res, DATA)
    np.testing.assert_allclose(res.rank_acceptability.to_numpy(), ref["b"], atol=1e-12)
    np.testing.assert_allclose(res.central_weights.to_numpy(), ref["central"], atol=1e-12)
    np.testing.assert_allclose(res.pairwise_winning.to_numpy(), ref["c"], atol=1e-12)
    assert list(res.rank_acceptability.columns) == [1, 2, 3, 4, 5]
    assert list(res.central_weights.columns) == ["x", "y", "z"]
    assert res.varying == ("x", "y", "z")
    np.testing.assert_allclose(res.nominal_weights, 1 / 3)


def test_confidence_is_one_for_linear_winners() -> None:
    res = smaa(MODEL, DATA, n=5000, seed=7)
    won = res.first_rank_acceptability > 0
    assert (res.confidence[won] == 1.0).all()
    assert res.confidence[~won].isna().all()
    assert res.central_weights[~won].isna().all().all()


def test_identical_for_any_block_size_and_executor(asem_model, asem_data) -> None:
    kwargs = {"n": 3 * 2048 + 100, "seed": 12, "level": 2}
    ref = smaa(asem_model, asem_data, block_size=2048, **kwargs)
    big = smaa(asem_model, asem_data, block_size=10**6, **kwargs)
    with ThreadPoolExecutor(2) as pool:
        threaded = smaa(asem_model, asem_data, executor=pool, **kwargs)
    for other in (big, threaded):
        for name in ("rank_acceptability", "central_weights", "pairwise_winning"):
            pd.testing.assert_frame_equal(getattr(ref, name), getattr(other, name),
                                          check_exact=True)
        pd.testing.assert_series_equal(ref.confidence, other.confidence, check_exact=True)
    assert ref.seed == 12


def test_seed_none_is_reproducible_from_the_result() -> None:
    first = smaa(MODEL, DATA, n=3000)
    again = smaa(MODEL, DATA, n=3000, seed=first.seed)
    pd.testing.assert_frame_equal(first.rank_acceptability, again.rank_acceptability)


def test_several_groups_and_central_weights_per_group(asem_model, asem_data) -> None:
    res = smaa(asem_model, asem_data, n=4096, seed=1, level=2)
    cw = res.central_weights.dropna()
    fw = asem_model.framework
    for parent in ("Conn", "Sust"):
        np.testing.assert_allclose(cw[list(fw.children(parent))].sum(axis=1), 1.0, atol=1e-12)
    assert res.nominal.loc["DEU", "rank"] == 1
    assert res.first_rank_acceptability.idxmax() == "DEU"


# ---------------------------------------------------------------------------- samplers
def test_bounds_on_normalised_weights_are_uniform_and_respected() -> None:
    two = sp.Framework.from_dict({"code": "I", "children": [{"code": "p"}, {"code": "q"}]})
    W = BoundedSimplex({"p": (0.2, 0.5)}).draw(two, np.random.default_rng(0), 20_000)
    cols = [two.codes.index("p"), two.codes.index("q")]
    share = W[:, cols[0]] / W[:, cols].sum(axis=1)
    assert share.min() >= 0.2 and share.max() <= 0.5
    assert stats.kstest(share, stats.uniform(0.2, 0.3).cdf).pvalue > 0.01


def test_bounds_in_smaa(asem_model, asem_data) -> None:
    res = smaa(asem_model, asem_data, n=4096, seed=3, weights={"Conn": (0.6, 0.9)})
    assert isinstance(res.sampler, BoundedSimplex)
    draws = res.sample_weights()
    assert draws["Conn"].between(0.6, 0.9).all()
    assert res.central_weights["Conn"].dropna().between(0.6, 0.9).all()
    sampler = BoundedSimplex({"Physical": (0.1, 0.3), "Social": (0.5, 1.0)})
    assert sampler.varying(asem_model.framework) == (
        "Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin")
    grouped = smaa(asem_model, asem_data, n=2048, seed=3, weights=sampler)
    assert grouped.sample_weights()["Social"].min() >= 0.5


def test_bounds_that_cannot_be_met() -> None:
    with pytest.raises(ParameterError, match=r"lower bounds sum to 1\.2"):
        smaa(MODEL, DATA, n=100, weights={"x": (0.6, 1.0), "y": (0.6, 1.0)})
    with pytest.raises(ParameterError, match="0 <= low <= high <= 1"):
        BoundedSimplex({"x": (0.5, 0.2)})
    with pytest.raises(ParameterError, match="too little for rejection"):
        tight = dict.fromkeys(("x", "y", "z"), (0.0, 0.3334))
        BoundedSimplex(tight).draw(FW, np.random.default_rng(0), 10)
    with pytest.raises(ParameterError, match="not among the weights it varies"):
        BoundedSimplex({"x": (0.1, 0.5)}, nodes=("y", "z")).varying(FW)


def test_other_samplers(asem_model, asem_data) -> None:
    noisy = smaa(asem_model, asem_data, n=2048, seed=0, weights=0.25)
    assert isinstance(noisy.sampler, WeightNoise) and noisy.varying == ("Conn", "Sust")
    around = smaa(asem_model, asem_data, n=2048, seed=0,
                  weights=DirichletWeights(20, levels=2))
    assert len(around.varying) == 8
    np.testing.assert_allclose(around.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)
    with pytest.raises(ParameterError, match="do not also give 'level'"):
        smaa(asem_model, asem_data, n=10, weights=UniformSimplex(levels=2), level=2)


# ------------------------------------------------------------------------------- ties
def test_ties_share_the_ranks_they_span() -> None:
    data = DATA.copy()
    data.loc["twin"] = data.loc["c"]
    res = smaa(MODEL, data, n=4000, seed=2)
    b = res.rank_acceptability
    np.testing.assert_allclose(b.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(b.sum(axis=1), 1.0, atol=1e-12)
    pd.testing.assert_series_equal(b.loc["c"], b.loc["twin"], check_names=False)
    assert res.pairwise_winning.loc["c", "twin"] == res.pairwise_winning.loc["twin", "c"] == 0


def test_spans_and_counts_on_small_cases() -> None:
    scores = np.array([[3.0, 1.0, 3.0, np.nan, 2.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    order, first, last = _ranks_with_spans(scores)
    unit_first = np.empty_like(first)
    np.put_along_axis(unit_first, order, first, axis=1)
    unit_last = np.empty_like(last)
    np.put_along_axis(unit_last, order, last, axis=1)
    np.testing.assert_array_equal(unit_first, [[1, 4, 1, 5, 3], [1, 1, 1, 1, 1]])
    np.testing.assert_array_equal(unit_last, [[2, 4, 2, 5, 3], [5, 5, 5, 5, 5]])
    counts = _rank_counts(order, first, last)
    np.testing.assert_allclose(counts.sum(axis=0), 2.0)
    np.testing.assert_allclose(counts[0], [0.5 + 0.2, 0.5 + 0.2, 0.2, 0.2, 0.2])


# ------------------------------------------------------------------------ the results
def test_holistic_meta_weights() -> None:
    np.testing.assert_allclose(meta_weights(4), [1, 2 / 3, 1 / 3, 0])
    np.testing.assert_allclose(meta_weights(3, "inverse"), [1, 1 / 2, 1 / 3])
    h = 1 + 1 / 2 + 1 / 3
    np.testing.assert_allclose(meta_weights(3, "centroid"), [1, (1 / 2 + 1 / 3) / h, 1 / 3 / h])
    np.testing.assert_allclose(meta_weights(2, [1.0, 0.3]), [1.0, 0.3])
    res = smaa(MODEL, DATA, n=2000, seed=1)
    b = res.rank_acceptability.to_numpy()
    np.testing.assert_allclose(res.holistic_acceptability, b @ meta_weights(5))
    np.testing.assert_allclose(res.holistic("inverse"), b @ (1 / np.arange(1, 6)))
    with pytest.raises(ParameterError, match="meta-weights must be one of"):
        res.holistic("harmonic")
    with pytest.raises(ParameterError, match="1 = alpha_1 >= alpha_2"):
        res.holistic([1.0, 0.5, 0.7, 0.1, 0.0])


def test_summary_and_repr() -> None:
    res = smaa(MODEL, DATA, n=2000, seed=1)
    summary = res.summary()
    assert list(summary.columns) == ["nominal_rank", "b1", "modal_rank", "mean_rank",
                                     "holistic", "confidence"]
    assert summary["holistic"].is_monotonic_decreasing
    text = repr(res)
    assert text.startswith("<SMAAResult: 2,000 draws of the weights of x, y, z (UniformSimplex)")
    assert summary.index[0] in text.splitlines()[2]
    se = res.rank_acceptability_se
    np.testing.assert_allclose(se, np.sqrt(res.rank_acceptability * (1 - res.rank_acceptability)
                                           / 2000))


def test_task_pickles() -> None:
    compiled = CompiledModel([MODEL], DATA, ("x", "y", "z"))
    task = _Task(compiled, UniformSimplex(nodes=("x", "y", "z")), np.random.SeedSequence(0),
                 (np.array([compiled.position(c) for c in "xyz"]),))
    again = pickle.loads(pickle.dumps(task))
    np.testing.assert_array_equal(again([(0, 0, 50)])[0].wins, task([(0, 0, 50)])[0].wins)


# ----------------------------------------------------------------------------- bad input
def test_bad_input(asem_framework, asem_data) -> None:
    with pytest.raises(SpindexTypeError, match="CompositeIndex"):
        smaa(FW, DATA)  # type: ignore[arg-type]
    with pytest.raises(ParameterError,
                       match=r"'n' parameter of smaa must be an integer >= 1\. Got 0 "):
        smaa(MODEL, DATA, n=0)
    with pytest.raises(SpindexTypeError, match="weights must be None"):
        smaa(MODEL, DATA, weights="uniform")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="single node"):
        smaa(MODEL, DATA, level="root")
    with pytest.raises(DataError, match="at least two"):
        smaa(MODEL, DATA.iloc[:1])
    median = sp.CompositeIndex(asem_framework, aggregate={"default": "arithmetic", 4: "median"})
    with pytest.raises(ParameterError, match="power mean"):
        smaa(median, asem_data, n=10)
