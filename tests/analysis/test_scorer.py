"""The public vectorised scorer: agreement with scoring, the tie rule, input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spindex as sp
from spindex.errors import DataError, ParameterError, SpindexTypeError


@pytest.fixture(scope="module")
def model(asem_framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


@pytest.fixture(scope="module")
def scorer(model, asem_data) -> sp.Scorer:
    pillars = list(model.framework.level(2))
    return sp.Scorer(model, asem_data, weights=[*pillars, "Conn", "Sust"],
                     aggregate=["arithmetic", "geometric"])


def _scored(model, data, inputs, row):
    """The index scores and ranks of one row, by scoring the model it stands for."""
    weights = {c: float(w) for c, w in zip(inputs[:-1], row[:-1], strict=True)}
    m = model.with_weights(weights)
    if row[-1] == 1:
        m = sp.CompositeIndex(m.framework, normalize=sp.MinMax(1, 100), aggregate="geometric")
    res = m.score(data)
    root = m.framework.root
    return res.scores[root].to_numpy(), res.ranks[root].to_numpy(dtype=np.int64)


def test_rows_equal_scoring_the_model_they_stand_for(model, scorer, asem_data) -> None:
    rng = np.random.default_rng(3)
    k = len(scorer.inputs) - 1
    X = np.column_stack([rng.uniform(0.2, 2.0, size=(6, k)), [0, 1, 0, 1, 1, 0]])
    X[0] = scorer.nominal
    out = scorer(X)
    assert out.scores.shape == out.ranks.shape == (6, len(asem_data))
    assert out.ranks.dtype == np.int32
    for i, row in enumerate(X):
        scores, ranks = _scored(model, asem_data, scorer.inputs, row)
        np.testing.assert_allclose(out.scores[i], scores, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(out.ranks[i], ranks)
    np.testing.assert_array_equal(scorer.scores(X), out.scores)
    np.testing.assert_array_equal(scorer.ranks(X), out.ranks)


def test_nominal_row_is_the_model(model, scorer, asem_data) -> None:
    res = model.score(asem_data)
    out = scorer(scorer.nominal[None, :])
    np.testing.assert_allclose(out.scores[0], res.index.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(out.ranks[0], res.ranks[model.framework.root].to_numpy())
    assert scorer.units == tuple(asem_data.index)


def test_default_inputs_every_node_but_the_root(model, asem_data) -> None:
    scorer = sp.Scorer(model, asem_data)
    fw = model.framework
    assert scorer.inputs == tuple(c for c in fw.codes if c != fw.root)
    np.testing.assert_allclose(scorer.nominal, fw.weights.reindex(list(scorer.inputs)))
    X = np.tile(scorer.nominal, (2, 1))
    X[1, 0] *= 3.0  # one indicator weight
    got = scorer.scores(X)[1]
    want = model.with_weights({scorer.inputs[0]: X[1, 0]}).score(asem_data).index
    np.testing.assert_allclose(got, want.to_numpy(), rtol=1e-12)


def test_frame_input_matched_by_name_and_not_modified(scorer) -> None:
    rng = np.random.default_rng(4)
    k = len(scorer.inputs)
    X = np.column_stack([rng.uniform(0.5, 1.5, size=(5, k - 1)), np.ones(5)])
    frame = pd.DataFrame(X, columns=scorer.inputs)[list(reversed(scorer.inputs))]
    before = frame.copy()
    np.testing.assert_array_equal(scorer.scores(frame), scorer.scores(X))
    pd.testing.assert_frame_equal(frame, before)
    kept = X.copy()
    scorer(X)
    np.testing.assert_array_equal(X, kept)


def test_rows_are_independent_of_blocking(scorer, monkeypatch) -> None:
    from spindex.analysis import scorer as module

    rng = np.random.default_rng(5)
    k = len(scorer.inputs)
    X = np.column_stack([rng.uniform(0.5, 1.5, size=(40, k - 1)), rng.integers(0, 2, 40)])
    whole = scorer(X)
    monkeypatch.setattr(module, "_ROWS", 7)
    parts = scorer(X)
    np.testing.assert_array_equal(whole.scores, parts.scores)
    np.testing.assert_array_equal(whole.ranks, parts.ranks)


def test_scipy_sobol_indices_drives_it(scorer) -> None:
    k = len(scorer.inputs)

    def f(x: np.ndarray) -> np.ndarray:
        X = x.T.copy()
        X[:, -1] = np.floor(X[:, -1])
        return scorer.scores(X).T

    dists = [stats.uniform(0.75, 0.5)] * (k - 1) + [stats.uniform(0, 2)]
    res = stats.sobol_indices(func=f, n=128, dists=dists, rng=np.random.default_rng(0))
    assert res.first_order.shape == (len(scorer.units), k)
    # The aggregation switch moves every unit's score more than any single weight does.
    assert np.nanmean(res.total_order[:, -1]) > np.nanmean(res.total_order[:, :-1])


@pytest.mark.parametrize(("X", "match"), [
    (np.ones((3, 2)), r"shape \(n_rows, \d+\)"),
    (np.ones(11), r"X\[None, :\]"),
    (np.full((2, 11), np.nan), r"non-finite value nan in row 0, column"),
    (np.r_[[-1.0], np.ones(10)][None, :], r"negative weight -1.0 in row 0"),
    (np.r_[np.ones(10), [2.0]][None, :], r"'aggregate'.*integer from 0 to 1. Got 2.0"),
    (np.r_[np.ones(10), [0.5]][None, :], r"'aggregate'.*Got 0.5 in row 0"),
])
def test_bad_matrices(scorer, X, match) -> None:
    assert len(scorer.inputs) == 11
    with pytest.raises(DataError, match=match):
        scorer(X)


def test_bad_frame_columns(scorer) -> None:
    frame = pd.DataFrame(np.ones((2, 11)), columns=[*scorer.inputs[:-1], "aggregation"])
    with pytest.raises(DataError, match=r"unknown: \['aggregation'\].*missing: \['aggregate'\]"):
        scorer(frame)
    with pytest.raises(SpindexTypeError, match="real numbers"):
        scorer([["a"] * 11])


def test_a_row_with_no_weight_in_a_group(scorer) -> None:
    X = scorer.nominal[None, :].copy()
    X[0, :len(scorer.inputs) - 3] = 0.0  # every pillar
    with pytest.raises(ParameterError, match="zero"):
        scorer(X)


def test_bad_construction(model, asem_data) -> None:
    with pytest.raises(SpindexTypeError, match="'model' parameter of Scorer"):
        sp.Scorer(model.framework, asem_data)
    with pytest.raises(SpindexTypeError, match="'data' parameter of Scorer"):
        sp.Scorer(model, asem_data.to_numpy())
    with pytest.raises(SpindexTypeError, match="list of node codes"):
        sp.Scorer(model, asem_data, weights="Conn")
    with pytest.raises(ParameterError, match="'Nope', which is not a node"):
        sp.Scorer(model, asem_data, weights=["Conn", "Nope"])
    with pytest.raises(ParameterError, match=r"\['Conn'\] more than once"):
        sp.Scorer(model, asem_data, weights=["Conn", "Conn"])
    with pytest.raises(ParameterError, match="root"):
        sp.Scorer(model, asem_data, weights=[model.framework.root])
    with pytest.raises(ParameterError, match="needs inputs"):
        sp.Scorer(model, asem_data, weights=[])
    assert "51 units" in repr(sp.Scorer(model, asem_data, weights=["Conn"]))
