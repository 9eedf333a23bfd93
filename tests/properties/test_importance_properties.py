"""Properties of importance and removal that hold exactly (up to rounding)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import assume, example, given
from hypothesis import strategies as st

import spindex as sp
from spindex.analysis.importance import correlation_ratio, importance
from spindex.analysis.removal import remove_indicators
from spindex.testing import framework_and_data

AFFINE = st.sampled_from([(1e-6, 0.0), (1e6, -3.0), (0.37, 12.0), (144.0, 1e3)])


def _counterexample_constant_over_a_node() -> tuple[sp.Framework, pd.DataFrame]:
    """Found by the ci profile: the index is constant over the 9 units where x1 is observed."""
    fw = sp.Framework.from_dict({"nodes": {
        "I": {}, "x0": {"parent": "I", "weight": 1.0},
        "x1": {"parent": "I", "weight": 1.0, "direction": -1},
    }})
    x0 = [0.125] + [0.0] * 9
    x1 = [0.125, np.nan] + [0.0] * 8
    return fw, pd.DataFrame({"x0": x0, "x1": x1}, index=[f"u{i}" for i in range(10)])


def _counterexample_constant_to_rounding(
    values: dict[int, float], missing: int
) -> tuple[sp.Framework, pd.DataFrame]:
    """Found by the deep profile: x1 = x0 with direction -1, so the min-max index is 50 wherever
    both are observed, but only to rounding (its values there differ by 7e-15); that node's
    importance was NaN without the warning. ``values`` are the non-zero entries of both columns,
    ``missing`` the unit where x1 is NaN."""
    fw = sp.Framework.from_dict({"nodes": {
        "I": {}, "x0": {"parent": "I", "weight": 1.0},
        "x1": {"parent": "I", "weight": 1.0, "direction": -1},
    }})
    x0 = np.zeros(20)
    for unit, value in values.items():
        x0[unit] = value
    x1 = x0.copy()
    x1[missing] = np.nan
    return fw, pd.DataFrame({"x0": x0, "x1": x1}, index=[f"u{i}" for i in range(20)])


def _quiet_importance(model: sp.CompositeIndex, table: pd.DataFrame) -> tuple[object, bool]:
    """importance(), and whether it warned that some node's importance is undefined."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sp.SpindexWarning)
        result = importance(model, table)
    warned = any(issubclass(w.category, sp.SpindexWarning) and "undefined" in str(w.message)
                 for w in caught)
    return result, warned


@given(case=framework_and_data(min_units=8, max_units=20, missing=True),
       pick=st.integers(0, 63), normalize=st.sampled_from(["minmax", "zscore"]),
       transform=AFFINE)
@example(case=_counterexample_constant_over_a_node(), pick=0, normalize="minmax",
         transform=(1e-6, 0.0))
@example(case=_counterexample_constant_to_rounding({3: 0.125, 4: 23.875}, missing=18), pick=0,
         normalize="minmax", transform=(1e-6, 0.0))
@example(case=_counterexample_constant_to_rounding({1: -99.75, 3: 0.125, 4: 23.875}, missing=0),
         pick=0, normalize="minmax", transform=(1e-6, 0.0))
def test_importance_unchanged_by_a_unit_change(case, pick, normalize, transform) -> None:
    """x -> a x + b (a > 0) leaves min-max and z-score values as they were, so the index and
    every importance stay put (to rounding); a node whose importance is undefined (the index
    is constant over its units) is NaN, with a warning, before and after."""
    fw, table = case
    code = fw.indicators[pick % len(fw.indicators)]
    model = sp.CompositeIndex(fw, normalize=normalize)
    index = model.score(table).index
    assume(index.notna().sum() >= 5 and np.ptp(index.dropna()) > 1e-6)
    assume((table.notna() & index.notna().to_numpy()[:, None]).sum().min() >= 5)
    a, b = transform
    changed = table.copy()
    changed[code] = a * changed[code] + b
    (before, warned_before), (after, warned_after) = (
        _quiet_importance(model, table), _quiet_importance(model, changed))
    undefined = before.main_effect.isna()
    assert warned_before == bool(undefined.any()) == warned_after
    pd.testing.assert_series_equal(after.main_effect.isna(), undefined)
    np.testing.assert_allclose(after.main_effect, before.main_effect, atol=1e-6)
    np.testing.assert_allclose(after.pearson_r2, before.pearson_r2, atol=1e-9)


@given(x=st.lists(st.integers(-50, 50), min_size=8, max_size=40), data=st.data(),
       transform=AFFINE, smoother=st.sampled_from(["spline", "local_linear"]))
def test_correlation_ratio_affine_invariance_and_bounds(x, data, transform, smoother) -> None:
    """The estimate depends on x only through its order and spacing: affine maps of x (and
    of y) do not change it. The spline estimate is a share of variance, in [0, 1], and at least
    the squared Pearson correlation (its penalty leaves straight lines alone)."""
    xa = np.array(x, dtype=float)
    assume(np.ptp(xa) > 0)
    y = np.array(data.draw(st.lists(st.integers(-50, 50), min_size=len(x), max_size=len(x))),
                 dtype=float)
    assume(np.ptp(y) > 0)
    a, b = transform
    s = correlation_ratio(xa, y, smoother=smoother)
    np.testing.assert_allclose(correlation_ratio(a * xa + b, y, smoother=smoother), s, atol=1e-6)
    np.testing.assert_allclose(correlation_ratio(xa, a * y + b, smoother=smoother), s, atol=1e-6)
    if smoother == "spline":
        assert np.corrcoef(xa, y)[0, 1] ** 2 - 1e-9 <= s <= 1 + 1e-12


def _only_positive_sibling_case() -> tuple[sp.Framework, pd.DataFrame]:
    """Found by the zero-weight generator: x1 already weighs 0, so zeroing x0 would leave no
    positive weight under the root; only indicators with a positive sibling are candidates."""
    fw = sp.Framework.from_records([{"code": "I"}, {"code": "x0", "parent": "I", "weight": 1.0},
                                    {"code": "x1", "parent": "I", "weight": 0.0}])
    table = pd.DataFrame({"x0": [0.25, -30.0, 85.625], "x1": [0.0, 20.25, -8.5]},
                         index=["u0", "u1", "u2"])
    return fw, table


@given(case=framework_and_data(hard=True, min_units=3, max_units=12, missing=True),
       pick=st.integers(0, 10**6),
       aggregate=st.sampled_from(["arithmetic", "harmonic", sp.GeneralizedMean(p=2.0)]))
@example(case=_only_positive_sibling_case(), pick=0, aggregate="arithmetic")
def test_removing_a_zero_weight_indicator_changes_nothing(case, pick, aggregate) -> None:
    """A weight-0 indicator contributes nothing, so leaving it out changes no score; ranks move
    only where scores were tied to rounding."""
    fw, table = case
    candidates = [
        c for c in fw.indicators
        if any(s != c and fw.node(s).weight > 0
               for s in fw.children(fw.parent(c)))  # type: ignore[arg-type]
    ]
    assume(candidates)
    code = candidates[pick % len(candidates)]
    zeroed = fw.with_weights({code: 0.0})
    model = sp.CompositeIndex(zeroed, aggregate=aggregate, normalize=sp.MinMax(1, 100))
    rem = remove_indicators(model, table, nodes=[code])
    full = model.score(table).scores
    # Units observed only on the removed indicator have no index either way (weight 0).
    left = table.drop(index=list(rem.unranked[code]))
    assert full.loc[list(rem.unranked[code]), fw.root].isna().all()
    reduced = model.with_framework(zeroed.drop(code)).score(left).scores
    common = list(reduced.columns)
    np.testing.assert_allclose(reduced.to_numpy(), full.loc[left.index, common].to_numpy(),
                               atol=1e-9)
    index = full[fw.root].round(6)
    untied = index.notna() & ~index.duplicated(keep=False)
    change = rem.rank_change[code]
    assert (change[untied] == 0).all()
    pd.testing.assert_series_equal(change.isna(), full[fw.root].isna().rename(code))
