"""Properties of the multivariate imputers: observed values untouched, nothing left
missing, input not mutated, results that follow the unit of measurement."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spindex.methods.impute import EMImputer, KNNImputer, context_for
from spindex.methods.weight import ConvergenceWarning

IMPUTERS = st.sampled_from([EMImputer(ridge=0.05, max_iter=5000), KNNImputer(k=1),
                            KNNImputer(k=3)])


@st.composite
def gappy(draw) -> np.ndarray:
    """Units x indicators with gaps; every indicator observed at least twice, every unit at
    least once, and one indicator complete and not constant (so kNN always finds a
    neighbour)."""
    n = draw(st.integers(4, 14))
    p = draw(st.integers(2, 5))
    X = draw(arrays(np.float64, (n, p), elements=st.floats(-1e3, 1e3, width=32),
                    fill=st.nothing()))
    holes = draw(arrays(np.bool_, (n, p)))
    holes[:, 0] = False
    holes[:2] = False
    X = np.where(holes, np.nan, X)
    assume(np.unique(X[:, 0]).size > 1)
    return X


@given(X=gappy(), imputer=IMPUTERS)
def test_fills_every_gap_and_keeps_observed_values(X, imputer) -> None:
    before = X.copy()
    with warnings.catch_warnings():
        # Very sparse samples (13 units, 2 complete, most of the rest missing) carry almost
        # no information on the covariance and EM crawls past its cap; it then returns its
        # last iterate, which must keep these properties too.
        warnings.simplefilter("ignore", ConvergenceWarning)
        out = imputer(X, context_for(tuple(f"i{j}" for j in range(X.shape[1])), X.shape[0]))
    np.testing.assert_array_equal(X, before)  # the input is not modified
    observed = ~np.isnan(X)
    np.testing.assert_array_equal(out[observed], X[observed])
    assert np.isfinite(out).all()


@given(X=gappy(), k=st.integers(1, 4), power=st.lists(st.integers(-8, 8), min_size=5,
                                                      max_size=5))
def test_knn_follows_the_unit_of_each_indicator(X, k, power) -> None:
    # Powers of two keep the standardised values bit for bit, so the
    # neighbours are the same and the imputed values rescale exactly.
    p = X.shape[1]
    factor = 2.0 ** np.array(power[:p])
    ctx = context_for(tuple(f"i{j}" for j in range(p)), X.shape[0])
    base = KNNImputer(k=k)(X, ctx)
    moved = KNNImputer(k=k)(X * factor, ctx)
    np.testing.assert_allclose(moved, base * factor, rtol=1e-12, atol=0)


@given(X=gappy(), scale=st.lists(st.floats(1e-3, 1e3), min_size=5, max_size=5),
       shift=st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=5))
# Found by the deep profile: a column spread over 1.4e-9 shifted by 128 keeps 5 digits.
@example(X=np.array([[0.0, 0.0], [0.0, 0.0], [1.41822865e-09, 1.0], [1.40129846e-45, 2.0]]),
         scale=[1.0] * 5, shift=[128.0, 0.0, 0.0, 0.0, 0.0])
# Found by the deep profile: shifting a column spread over 1e-30 by 1 makes it constant, so the
# shifted table is not an affine image of X and EM rightly imputes the other columns otherwise.
@example(X=np.array([[0.0, 0.0, 1.0], [0.0, 1.17549435e-38, 2.0], [2.0, 3.75356110e-30, 0.0],
                     [0.0, 0.0, np.nan], [0.0, np.nan, np.nan], [0.0, np.nan, np.nan],
                     [1.0, np.nan, np.nan]]),
         scale=[1.0] * 5, shift=[0.0, 1.0, 0.0, 0.0, 0.0])
def test_em_is_affine_equivariant(X, scale, shift) -> None:
    p = X.shape[1]
    a, b = np.array(scale[:p]), np.array(shift[:p])
    assume(all(np.unique(X[~np.isnan(X[:, j]), j]).size > 2 for j in range(p)))
    em = EMImputer(ridge=0.05, max_iter=5000)
    ctx = context_for(tuple(f"i{j}" for j in range(p)), X.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            base = em(X, ctx)
        except ConvergenceWarning:
            assume(False)  # equivariance is a property of the estimate, not of a stopped run
    shifted = X * a + b
    sd = np.nanstd(X, axis=0)
    # The shifted table is itself rounded: a column whose spread is tiny next to the shift keeps
    # only the digits the shift leaves (64 ulps of its largest value, in units of its sd). The
    # property holds for the affine image of X, so the shifted table must carry X to well
    # within the tolerance; the rounding of one column moves EM's estimate for every column.
    representable = 2.0**-46 * np.nanmax(np.abs(shifted), axis=0) / (a * sd)
    assume(np.all(representable <= 1e-9))
    moved = em(shifted, ctx)
    error = np.abs(((moved - b) / a - base) / sd)
    assert np.all(error <= 1e-6), (error, representable)
