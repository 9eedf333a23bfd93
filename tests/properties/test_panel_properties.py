"""Properties of panel scoring and panel imputation that hold exactly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from frame_checks import assert_same_frame
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import spindex as sp
from spindex.methods.panel_impute import TIME_METHODS, gap_lengths, impute_time
from spindex.panel import score_panel
from spindex.testing import frameworks, indicator_data


@st.composite
def panels(draw: Any, *, max_periods: int = 4) -> tuple[sp.Framework, pd.DataFrame]:
    """A framework and a panel of 2 to ``max_periods`` periods over the same units."""
    fw = draw(frameworks())
    n = draw(st.integers(min_value=3, max_value=8))
    n_periods = draw(st.integers(min_value=2, max_value=max_periods))
    tables = {2000 + t: draw(indicator_data(fw, min_units=n, max_units=n, missing=True))
              for t in range(n_periods)}
    panel = pd.concat(tables, names=["year", "unit"]).swaplevel().sort_index()
    return fw, panel


def directed(fw: sp.Framework, table: pd.DataFrame) -> pd.DataFrame:
    codes = list(fw.indicators)
    return table[codes] * fw.directions.reindex(codes)


@given(case=panels(), data=st.data())
def test_pooled_minmax_is_unchanged_by_a_period_within_the_pooled_extremes(case, data) -> None:
    """A new period whose values all lie within the pooled [min, max] of every indicator
    leaves the pooled min-max scores of the other periods exactly as they were."""
    fw, panel = case
    model = sp.CompositeIndex(fw, normalize="minmax")
    before = score_panel(model, panel, normalize_across="pooled")
    units = sorted(panel.index.get_level_values("unit").unique())
    # The new period's values are observed values of the panel, each picked by two drawn
    # bytes (one draw for the whole period: a value by value draw cost more than scoring).
    picks = np.frombuffer(data.draw(st.binary(min_size=2 * len(units) * len(fw.indicators),
                                              max_size=2 * len(units) * len(fw.indicators))),
                          dtype="<u2").reshape(len(fw.indicators), len(units))
    new = {}
    for code, pick in zip(fw.indicators, picks, strict=True):
        pool = panel[code].dropna().to_numpy()
        new[code] = pool[pick % len(pool)]
    extra = pd.DataFrame(new, index=pd.MultiIndex.from_product([units, [2100]],
                                                               names=["unit", "year"]))
    after = score_panel(model, pd.concat([panel, extra]), normalize_across="pooled")
    for p in before.periods:
        assert_same_frame(after[p].scores, before[p].scores)


@given(case=panels(), data=st.data())
def test_a_period_beyond_the_pooled_maximum_changes_the_other_periods(case, data) -> None:
    """The converse: a new period that raises the pooled maximum of an indicator rescales
    that indicator in every other period."""
    fw, panel = case
    model = sp.CompositeIndex(fw, normalize="minmax")
    before = score_panel(model, panel, normalize_across="pooled")
    code = data.draw(st.sampled_from(fw.indicators))
    d = float(fw.directions[code])
    values = d * panel[code].dropna()
    top = values.max() + (values.max() - values.min()) + 1.0
    extra = panel.xs(2000, level="year").assign(**{code: d * top})
    extra.index = pd.MultiIndex.from_product([extra.index, [2100]], names=["unit", "year"])
    after = score_panel(model, pd.concat([panel, extra]), normalize_across="pooled")
    old = before.scores[code].dropna()
    new = after.scores[code].loc[old.index]
    assert (new != old).any()
    assert (new <= old).all()


@given(case=panels(), seed=st.integers(0, 2**32 - 1),
       normalize=st.sampled_from(["minmax", "zscore", "rank", "percentile"]),
       across=st.sampled_from(["period", "pooled"]))
def test_scores_do_not_depend_on_the_order_of_rows(case, seed, normalize, across) -> None:
    fw, panel = case
    model = sp.CompositeIndex(fw, normalize=normalize)
    try:
        reference = score_panel(model, panel, normalize_across=across)
    except sp.MethodError:
        assume(False)  # e.g. a constant indicator in one period under per-period z-scores
        return
    shuffled = panel.sample(frac=1.0, random_state=np.random.default_rng(seed))
    other = score_panel(model, shuffled, normalize_across=across)
    assert_same_frame(other.scores, reference.scores)
    assert_same_frame(other.ranks, reference.ranks)


@given(case=panels())
def test_per_period_minmax_equals_scoring_each_period_alone(case) -> None:
    fw, panel = case
    model = sp.CompositeIndex(fw, normalize="minmax")
    res = score_panel(model, panel)
    for p in res.periods:
        alone = model.score(panel.xs(p, level="year"))
        assert_same_frame(res[p].scores.loc[alone.scores.index], alone.scores)


@given(case=panels())
def test_pooled_zscores_have_mean_zero_and_sd_one_over_the_whole_panel(case) -> None:
    fw, panel = case
    res = score_panel(sp.CompositeIndex(fw, normalize="zscore"), panel,
                      normalize_across="pooled")
    normalized = res.scores[list(fw.indicators)]
    scale = directed(fw, panel).abs().max().max() + 1.0
    assume(directed(fw, panel).std().min() > 1e-6 * scale)
    np.testing.assert_allclose(normalized.mean(), 0.0, atol=1e-9)
    np.testing.assert_allclose(normalized.std(ddof=1), 1.0, rtol=1e-9)


SERIES = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 8), st.integers(1, 4)),
    elements=st.one_of(st.just(np.nan), st.integers(-50, 50).map(float)),
)


@given(X=SERIES, method=st.sampled_from(TIME_METHODS), max_gap=st.none() | st.integers(1, 8))
def test_time_imputation_never_changes_observed_values(X, method, max_gap) -> None:
    out = impute_time(X, method, max_gap=max_gap)
    observed = ~np.isnan(X)
    np.testing.assert_array_equal(out.values[observed], X[observed])
    assert not out.imputed[observed].any()
    np.testing.assert_array_equal(out.imputed, np.isnan(X) & ~np.isnan(out.values))
    if max_gap is not None:
        assert (gap_lengths(X)[out.imputed] <= max_gap).all()


@given(X=SERIES, method=st.sampled_from(TIME_METHODS))
def test_filled_values_come_from_their_reported_sources(X, method) -> None:
    out = impute_time(X, method)
    cols = np.broadcast_to(np.arange(X.shape[1]), X.shape)
    filled = out.imputed
    b, a = out.before[filled], out.after[filled]
    c = cols[filled]
    y = out.values[filled]
    carried = (b >= 0) != (a >= 0)
    source = np.where(b >= 0, b, a)
    np.testing.assert_array_equal(y[carried], X[source[carried], c[carried]])
    both = (b >= 0) & (a >= 0)
    low = np.minimum(X[b[both], c[both]], X[a[both], c[both]])
    high = np.maximum(X[b[both], c[both]], X[a[both], c[both]])
    assert ((low <= y[both]) & (y[both] <= high)).all()


@given(X=SERIES, method=st.sampled_from(TIME_METHODS), k=st.integers(1, 7))
def test_a_larger_max_gap_fills_a_superset(X, method, k) -> None:
    small = impute_time(X, method, max_gap=k)
    large = impute_time(X, method, max_gap=k + 1)
    assert not (small.imputed & ~large.imputed).any()
    np.testing.assert_array_equal(small.values[small.imputed], large.values[small.imputed])
