"""Properties of the weighting methods that hold exactly (methods.md, "Weighting" and
"Properties that hold exactly")."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spindex.methods.weight import (
    ConvergenceWarning,
    ahp_weights,
    benefit_of_the_doubt,
    entropy_weights,
    nicoletti_weights,
    pairwise_pearson,
)
from spindex.testing import frameworks


@st.composite
def bod_data(draw, max_units: int = 12, max_ind: int = 5) -> np.ndarray:
    """Non-negative tables, multiples of 1/8 in [0, 50], every column with a positive value."""
    n = draw(st.integers(2, max_units))
    k = draw(st.integers(1, max_ind))
    Y = draw(arrays(float, (n, k), elements=st.integers(0, 400).map(lambda v: v / 8)))
    assume((Y.max(axis=0) > 0).all())
    return Y


@given(Y=bod_data(), data=st.data(),
       factor=st.sampled_from([1e-4, 0.37, 3.0, 144.0, 1e5]))
def test_bod_scores_invariant_to_rescaling_an_indicator(Y, data, factor) -> None:
    j = data.draw(st.integers(0, Y.shape[1] - 1))
    shares = data.draw(st.booleans())
    kwargs = {"share_upper": 0.9} if shares and Y.shape[1] > 1 and (Y > 0).all() else {}
    base = benefit_of_the_doubt(Y, **kwargs)
    Z = Y.copy()
    Z[:, j] *= factor
    after = benefit_of_the_doubt(Z, **kwargs)
    np.testing.assert_allclose(after.scores, base.scores, rtol=0, atol=1e-9)
    # The weights move the other way, so contributions stay put.
    np.testing.assert_allclose((after.weights * Z).sum(axis=1), after.scores, atol=1e-9)


@given(Y=bod_data())
def test_bod_best_value_of_any_indicator_scores_one(Y) -> None:
    res = benefit_of_the_doubt(Y)
    best = np.equal(Y, Y.max(axis=0)).any(axis=1)
    np.testing.assert_allclose(res.scores[best], 1.0, rtol=0, atol=1e-9)
    assert (res.scores >= -1e-12).all() and (res.scores <= 1 + 1e-9).all()


@given(Y=bod_data(), w=arrays(float, 5, elements=st.floats(0.01, 10)))
def test_bod_beats_any_common_weights(Y, w) -> None:
    # Common weights scaled so that the best unit reaches 1 are feasible for every unit's
    # programme, so nobody scores less under benefit of the doubt.
    common = Y @ w[: Y.shape[1]]
    assume(common.max() > 0)
    res = benefit_of_the_doubt(Y)
    assert (res.scores >= common / common.max() - 1e-9).all()


@given(Y=bod_data(), data=st.data())
def test_bod_permutation_equivariance(Y, data) -> None:
    order = np.asarray(data.draw(st.permutations(range(Y.shape[0]))))
    base = benefit_of_the_doubt(Y)
    after = benefit_of_the_doubt(Y[order])
    np.testing.assert_allclose(after.scores, base.scores[order], atol=1e-9)


@given(X=bod_data(), data=st.data(), factor=st.floats(1e-3, 1e3))
def test_entropy_weights_ignore_the_scale_of_a_column(X, data, factor) -> None:
    assume((X.max(axis=0) > X.min(axis=0)).any())  # else every weight would be 0: an error
    res = entropy_weights(X)
    j = data.draw(st.integers(0, X.shape[1] - 1))
    Z = X.copy()
    Z[:, j] *= factor
    np.testing.assert_allclose(entropy_weights(Z).weights, res.weights, atol=1e-12)
    assert (res.weights >= 0).all() and abs(res.weights.sum() - 1) < 1e-12


@given(w=arrays(float, st.integers(1, 12), elements=st.floats(0.05, 20)))
def test_ahp_consistent_matrices_return_their_weights(w) -> None:
    res = ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(res.weights, w / w.sum(), rtol=1e-10, atol=1e-13)
    assert abs(res.ci) < 1e-9


@given(X=arrays(float, st.tuples(st.integers(6, 30), st.integers(2, 6)),
                elements=st.integers(-40, 40).map(lambda v: v / 4)))
def test_nicoletti_weights_are_a_distribution(X) -> None:
    assume((X.std(axis=0) > 0).all())
    R, _ = pairwise_pearson(X)
    with warnings.catch_warnings():
        # Nearly uncorrelated columns leave the varimax criterion flat; that is reported.
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = nicoletti_weights(R)
    assert (res.weights >= 0).all() and abs(res.weights.sum() - 1) < 1e-12
    assert 1 <= res.n_factors <= X.shape[1]
    assert res.eigenvalues[: res.n_factors].sum() / X.shape[1] > 0.6 or res.n_factors == len(R)


@given(X=arrays(float, st.tuples(st.integers(3, 15), st.integers(1, 5)),
                elements=st.one_of(st.integers(-50, 50).map(lambda v: v / 8), st.just(np.nan))))
def test_pairwise_pearson_matches_pandas(X) -> None:
    r, n = pairwise_pearson(X)
    ref = pd.DataFrame(X).corr(min_periods=2).to_numpy()
    np.testing.assert_allclose(r, ref, atol=1e-10)
    obs = (~np.isnan(X)).astype(int)
    np.testing.assert_array_equal(n, obs.T @ obs)


@given(fw=frameworks(max_levels=6, max_children=8, zero_weights=True, max_indicators=24),
       data=st.data())
def test_weight_set_round_trip(fw, data) -> None:
    codes = [c for c in fw.codes if c != fw.root]
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    weights = {c: data.draw(st.floats(0.1, 5.0)) for c in chosen}
    with_set = fw.with_weight_set("alt", weights)
    assert with_set.weights.equals(fw.weights)
    assert with_set.use_weight_set("alt").weights.equals(fw.with_weights(weights).weights)
    eff = with_set.use_weight_set("alt").effective_weights("all")
    for level in range(1, fw.n_levels + 1):
        assert abs(eff[list(fw.level(level))].sum() - 1) < 1e-12
