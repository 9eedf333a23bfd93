"""The public scorer agrees with scoring on any framework, data and weights (methods.md,
"Ties": one rule for every rank)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import spindex as sp
from spindex.testing import framework_and_data

POWER_MEANS = ["arithmetic", "geometric", "harmonic", sp.GeneralizedMean(p=2.0)]


@given(case=framework_and_data(missing=True), aggregate=st.sampled_from(POWER_MEANS),
       data=st.data())
def test_scorer_rows_are_the_scores_of_their_models(case, aggregate, data) -> None:
    fw, table = case
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate=aggregate)
    res = model.score(table)
    codes = [c for c in fw.codes if c != fw.root]
    scorer = sp.Scorer(model, table, weights=codes)
    weights = data.draw(st.lists(st.floats(0.25, 4.0), min_size=len(codes),
                                 max_size=len(codes)))
    X = np.array([scorer.nominal, weights])
    out = scorer(X)
    root = fw.root
    np.testing.assert_allclose(out.scores[0], res.scores[root].to_numpy(), rtol=1e-9,
                               atol=1e-9)
    np.testing.assert_array_equal(out.ranks[0], res.ranks[root].to_numpy(dtype=np.int64,
                                                                          na_value=0))
    other = model.with_weights(dict(zip(codes, weights, strict=True))).score(table)
    np.testing.assert_allclose(out.scores[1], other.scores[root].to_numpy(), rtol=1e-9,
                               atol=1e-9)
    np.testing.assert_array_equal(out.ranks[1], other.ranks[root].to_numpy(dtype=np.int64,
                                                                            na_value=0))
