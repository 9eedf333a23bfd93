"""Properties of shapley_effects: effects sum to the variance, and scoring all units at once
does not depend on their order."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from frame_checks import assert_same_frame
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import spindex as sp


@st.composite
def simplex_case(draw):
    k = draw(st.integers(2, 4))
    n = draw(st.integers(3, 8))
    X = draw(arrays(np.float64, (n, k), elements=st.floats(0, 100, width=32),
                    fill=st.nothing()))
    codes = [f"x{j}" for j in range(k)]
    table = pd.DataFrame({"code": [*codes, "Index"], "parent": ["Index"] * k + [None],
                          "weight": [*draw(st.lists(st.floats(0.5, 2), min_size=k,
                                                    max_size=k)), np.nan],
                          "direction": [1] * k + [np.nan]})
    data = pd.DataFrame(X, columns=codes, index=pd.Index([f"U{i}" for i in range(n)],
                                                          name="uCode"))
    order = draw(st.permutations(range(n)))
    weights = draw(st.sampled_from([sp.UniformSimplex(levels=[1]),
                                    sp.DirichletWeights(3.0, levels=[1])]))
    return sp.Framework.from_table(table), data, list(order), weights


def shap(fw, data, weights, **kwargs):
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        return sp.shapley_effects(model, data, weights=weights, n_var=50, seed=7,
                                  **{"n_outer": 8, **kwargs})


@given(case=simplex_case(), random=st.booleans())
def test_effects_add_up_and_ignore_the_order_of_units(case, random) -> None:
    fw, data, order, weights = case
    extra = {"permutations": 5, "n_outer": 1} if random else {}
    try:
        base = shap(fw, data, weights, **extra)
    except sp.MethodError:
        return  # a constant indicator cannot be min-max normalised: not this test's business
    np.testing.assert_allclose(base.effects.sum(), base.variance, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(base.rank_effects.sum(), base.rank_variance, rtol=1e-9,
                               atol=1e-12)
    assert (base.variance >= 0).all() and (base.std_error >= 0).all().all()
    moved = shap(fw, data.iloc[order], weights, **extra)
    cols = list(base.effects.columns)
    assert_same_frame(moved.effects[cols], base.effects, rtol=1e-9, atol=1e-15)
    # assert_frame_equal's default tolerance for floats, as this test had.
    assert_same_frame(moved.rank_effects[cols], base.rank_effects, rtol=1e-5, atol=1e-8)
