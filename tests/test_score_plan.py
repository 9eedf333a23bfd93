"""A model keeps what scoring derives from it alone (labels, weights, method groups) between
calls: nothing a user does to one result or inside a method may leak into the next call."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd

import spindex as sp


def _case() -> tuple[sp.Framework, pd.DataFrame]:
    fw = sp.Framework.from_dict({"nodes": {
        "Index": {}, "P": {"parent": "Index"}, "Q": {"parent": "Index", "weight": 2},
        "a": {"parent": "P"}, "b": {"parent": "P", "direction": -1},
        "c": {"parent": "Q"}, "d": {"parent": "Q", "weight": 3},
    }})
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 4))
    X[1, 2] = np.nan
    data = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=[f"u{i}" for i in range(6)])
    return fw, data


def test_renaming_one_results_labels_leaves_the_next_alone() -> None:
    fw, data = _case()
    model = sp.CompositeIndex(fw)
    first = model.score(data)
    first.scores.columns.name = "mine"
    first.stages["raw"].columns.name = "mine too"
    first.ranks.columns.name = "ranks"
    second = model.score(data)
    assert second.scores.columns.name is None
    assert second.stages["raw"].columns.name is None
    assert second.ranks.columns.name is None
    pd.testing.assert_frame_equal(second.scores, model.score(data).scores)


def test_a_user_aggregator_that_changes_its_weights_changes_nothing_kept() -> None:
    fw, data = _case()
    seen = []

    def greedy(X: np.ndarray, w: np.ndarray) -> np.ndarray:
        seen.append(w.copy())
        out = np.nansum(X * w, axis=1) / np.sum(np.where(np.isnan(X), 0, w), axis=1)
        w *= 10.0  # the model must not keep this
        return out

    model = sp.CompositeIndex(fw, aggregate=greedy)
    first = model.score(data).scores
    second = model.score(data).scores
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    n = len(seen) // 2
    for a, b in zip(seen[:n], seen[n:], strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_model_that_has_scored_pickles_and_scores_the_same() -> None:
    fw, data = _case()
    model = sp.CompositeIndex(fw, aggregate="geometric", normalize=sp.MinMax(1, 100))
    before = model.score(data)
    again = pickle.loads(pickle.dumps(model)).score(data)
    pd.testing.assert_frame_equal(before.scores, again.scores, check_exact=True)
    pd.testing.assert_frame_equal(before.ranks, again.ranks)


def test_per_indicator_methods_keep_their_groups() -> None:
    fw, data = _case()
    model = sp.CompositeIndex(fw, normalize={"default": "minmax", "Q": "zscore"})
    res = model.score(data)
    for code, method in (("a", sp.MinMax()), ("c", sp.ZScore())):
        alone = sp.CompositeIndex(fw, normalize=method).score(data)
        np.testing.assert_array_equal(res.scores[code].to_numpy(), alone.scores[code].to_numpy())
