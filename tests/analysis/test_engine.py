"""The compiled model agrees with CompositeIndex.score, and the chunked machinery is exact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spindex as sp
from spindex.analysis._engine import CHUNK, CompiledModel, chunk_generator, map_chunks, rank_rows
from spindex.errors import ParameterError
from spindex.testing import framework_and_data


@pytest.fixture(scope="module")
def asem_models(asem_framework: sp.Framework) -> list[sp.CompositeIndex]:
    return [
        sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100), aggregate=agg)
        for agg in ("arithmetic", "geometric", {"default": "arithmetic", 3: "harmonic"})
    ]


def test_nominal_weights_reproduce_scores(asem_models, asem_data) -> None:
    fw = asem_models[0].framework
    varying = fw.level(2) + fw.level(3)
    compiled = CompiledModel(asem_models, asem_data, varying)
    W = np.tile(compiled.nominal_weights, (3, 1))
    for v, model in enumerate(asem_models):
        scores = model.score(asem_data).scores
        got = compiled.evaluate(W, v, nodes=list(fw.aggregates))
        for s in range(3):
            np.testing.assert_allclose(got[s], scores[list(fw.aggregates)].to_numpy(),
                                       rtol=1e-13, atol=1e-12)


def test_sampled_weights_match_rescoring(asem_models, asem_data) -> None:
    fw = asem_models[0].framework
    varying = fw.indicators + fw.level(2)
    compiled = CompiledModel(asem_models, asem_data, varying)
    rng = np.random.default_rng(3)
    W = compiled.nominal_weights * rng.uniform(0.5, 1.5, size=(4, len(fw.codes)))
    for v, model in enumerate(asem_models):
        got = compiled.evaluate(W, v)
        for s in range(4):
            other = model.with_weights(dict(zip(fw.codes, W[s], strict=True)))
            expected = other.score(asem_data).index.to_numpy()
            np.testing.assert_allclose(got[s], expected, rtol=1e-12)


@given(case=framework_and_data(hard=True, missing=True), data=st.data(),
       aggregate=st.sampled_from(["arithmetic", "geometric", "harmonic",
                                  sp.GeneralizedMean(p=0.5)]))
def test_engine_equals_scoring_on_random_models(case, data, aggregate) -> None:
    fw, table = case
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate=aggregate,
                              min_coverage=data.draw(st.sampled_from([None, 0.5])))
    varying = [c for c in fw.codes if c != fw.root]
    compiled = CompiledModel([model], table, varying)
    factors = np.array(data.draw(st.lists(st.floats(0.2, 3.0), min_size=len(fw.codes),
                                          max_size=len(fw.codes))))
    W = (compiled.nominal_weights * factors)[None, :]
    expected = model.with_weights(dict(zip(fw.codes, W[0], strict=True))).score(table)
    got = compiled.evaluate(W, 0, nodes=list(fw.aggregates))[0]
    np.testing.assert_allclose(got, expected.scores[list(fw.aggregates)].to_numpy(),
                               rtol=1e-11, atol=1e-11)
    # The root alone may take the composed route (one product of effective weights).
    np.testing.assert_allclose(compiled.evaluate(W, 0)[0], expected.index.to_numpy(),
                               rtol=1e-11, atol=1e-11)


def test_non_power_mean_above_varying_weights_is_refused(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, aggregate={"default": "arithmetic", 4: "median"})
    with pytest.raises(ParameterError, match=r"'Index'.*power mean"):
        CompiledModel([model], asem_data, asem_framework.level(3))
    # A median node below the varying weights is fine: it keeps its scored values.
    below = sp.CompositeIndex(asem_framework, aggregate={"default": "arithmetic", 2: "median"})
    compiled = CompiledModel([below], asem_data, asem_framework.level(3))
    W = compiled.nominal_weights[None, :]
    np.testing.assert_allclose(compiled.evaluate(W)[0], below.score(asem_data).index, rtol=1e-13)


def test_rank_rows_ties_and_missing() -> None:
    scores = np.array([[3.0, 1.0, 3.0, np.nan, 2.0]])
    np.testing.assert_array_equal(rank_rows(scores), [[1, 4, 1, 0, 3]])
    rng = np.random.default_rng(0)
    many = rng.integers(0, 5, size=(50, 9)).astype(float)
    expected = pd.DataFrame(many.T).rank(ascending=False, method="min").to_numpy().T
    np.testing.assert_array_equal(rank_rows(many), expected)


def test_chunks_identical_for_any_block_size_and_executor() -> None:
    def task(block):
        return [chunk_generator(42, c).standard_normal(stop - start) for c, start, stop in block]

    n = 5 * CHUNK + 17
    reference = np.concatenate(list(map_chunks(task, n, block_size=CHUNK)))
    assert reference.shape == (n,)
    for block_size in (1, 3 * CHUNK, 10**6):
        again = np.concatenate(list(map_chunks(task, n, block_size=block_size)))
        np.testing.assert_array_equal(again, reference)
    with ThreadPoolExecutor(2) as pool:
        threaded = np.concatenate(list(map_chunks(task, n, block_size=CHUNK, executor=pool)))
    np.testing.assert_array_equal(threaded, reference)


@pytest.mark.parametrize("p", [1e-20, 1e-15, 2.5, 500.0, -3.0, -500.0])
@pytest.mark.parametrize("level", [None, 2, 3])
def test_generalized_means_of_any_order_match_rescoring(asem_framework, asem_data, p,
                                                        level) -> None:
    """The engine uses GeneralizedMean's scaled expm1 terms: p near 0 is the geometric mean,
    p = +-500 does not overflow, on every route (composed, static children, dynamic)."""
    fw = asem_framework
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate=sp.GeneralizedMean(p))
    varying = fw.indicators + fw.level(2) if level is None else fw.level(level)
    compiled = CompiledModel([model], asem_data, varying)
    rng = np.random.default_rng(4)
    W = np.tile(compiled.nominal_weights, (3, 1))
    cols = [compiled.position(c) for c in varying]
    W[:, cols] *= rng.uniform(0.5, 1.5, size=(3, len(cols)))
    expected = np.array([
        model.with_weights(dict(zip(fw.codes, W[s], strict=True))).score(asem_data).index
        for s in range(3)
    ])
    with np.errstate(over="raise"):
        np.testing.assert_allclose(compiled.evaluate(W), expected, rtol=1e-14)
        np.testing.assert_allclose(compiled.evaluate(W, nodes=[fw.root])[..., 0], expected,
                                   rtol=1e-14)


def test_huge_sampled_weights_weigh_like_their_ratios(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
    compiled = CompiledModel([model], asem_data, asem_framework.level(2))
    W = np.tile(compiled.nominal_weights, (2, 1))
    W[1] *= 1e308 / W[1].max()
    with np.errstate(over="raise"):
        scores = compiled.evaluate(W, nodes=list(asem_framework.aggregates))
    np.testing.assert_allclose(scores[1], scores[0], rtol=1e-14)
