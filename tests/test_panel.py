"""Panels: per-period and pooled scoring, imputation over time, changes, trends, long format."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods import (
    Borda,
    DistanceToMax,
    DistanceToReference,
    FractionOfMax,
    Goalposts,
    MinMax,
    NormalizationContext,
    PercentileRank,
    Rank,
    ZScore,
)
from spindex.methods.panel_impute import TimeImputer
from spindex.panel import (
    PanelAnalysis,
    PanelResult,
    panel_from_long,
    panel_to_long,
    score_panel,
    smaa_panel,
    trends,
    uncertainty_panel,
)

nan = np.nan
DOCS = Path(__file__).resolve().parents[1] / "docs" / "panels.md"


@pytest.fixture(scope="module")
def asem_panel() -> pd.DataFrame:
    return sp.datasets.load_panel("asem")


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=MinMax(0, 100), aggregate="arithmetic")


def tiny_framework() -> sp.Framework:
    return sp.Framework.from_dict({"code": "I", "children": [
        {"code": "x"}, {"code": "y", "direction": -1}]})


def tiny_panel() -> pd.DataFrame:
    """2 units x 2 periods; y has direction -1."""
    return pd.DataFrame(
        {"x": [0.0, 10.0, 20.0, 40.0], "y": [5.0, 1.0, 3.0, 1.0]},
        index=pd.MultiIndex.from_tuples([("A", 1), ("B", 1), ("A", 2), ("B", 2)],
                                        names=["unit", "year"]),
    )


# ------------------------------------------------------------------------ per period
def test_asem_per_period_scores_equal_each_year_scored_alone(
    asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex
) -> None:
    res = score_panel(asem_model, asem_panel)
    assert res.periods == (2018, 2019, 2020, 2021, 2022)
    for year in res.periods:
        alone = asem_model.score(asem_panel.xs(year, level="Time"))
        mine = res[year]
        assert isinstance(mine, sp.IndexResult)
        # Exactly equal: min-max and arithmetic means do not depend on the order of rows.
        pd.testing.assert_frame_equal(mine.scores.loc[alone.scores.index], alone.scores,
                                      check_exact=True)
        pd.testing.assert_frame_equal(mine.ranks.loc[alone.ranks.index], alone.ranks)
    assert res.scores.shape == (5 * 51, 60)
    assert res.scores.index.names == ["uCode", "Time"]
    assert res.index.shape == (51, 5)


def test_asem_per_period_with_the_full_coinr_pipeline(
    asem_panel: pd.DataFrame, asem_framework: sp.Framework
) -> None:
    from spindex.checks import Screen
    from spindex.methods.denominate import Denominate
    from spindex.methods.impute import GroupMean

    model = sp.CompositeIndex(
        asem_framework, normalize=MinMax(0, 100), denominate=Denominate("framework",
                                                                        missing="propagate"),
        impute=GroupMean("EurAsia_group"), screen=Screen(min_coverage=0.9), treat="default")
    res = score_panel(model, asem_panel)
    alone = model.score(asem_panel.xs(2018, level="Time"))
    pd.testing.assert_series_equal(res[2018].index.loc[alone.index.index], alone.index)
    assert res[2018].stage_names == alone.stage_names


def test_a_flat_table_with_a_period_column_gives_the_same_result(
    asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex
) -> None:
    flat = asem_panel.reset_index(level="Time")
    by_column = score_panel(asem_model, flat, period="Time")
    by_index = score_panel(asem_model, asem_panel)
    pd.testing.assert_frame_equal(by_column.scores, by_index.scores)
    with_unit = score_panel(asem_model, asem_panel.reset_index(), period="Time", unit="uCode")
    pd.testing.assert_frame_equal(with_unit.scores, by_index.scores)
    swapped = score_panel(asem_model, asem_panel.swaplevel(), period="Time")
    pd.testing.assert_frame_equal(swapped.scores, by_index.scores)


# ---------------------------------------------------------------------------- pooled
def test_pooled_minmax_on_a_hand_computed_case() -> None:
    # x: A1 = 0, B1 = 10, A2 = 20, B2 = 40 -> pooled min 0, max 40 ->
    #    0, 25, 50, 100.
    # y (direction -1): directed -5, -1, -3, -1 -> pooled min -5, max -1 ->
    #    A1 (-5+5)/4 = 0, B1 (-1+5)/4 = 100, A2 (-3+5)/4 = 50, B2 100.
    # Index (equal weights): A1 0, B1 62.5, A2 50, B2 100.
    # Per period, A scores 0 and B 100 in both years: pooling shows that A caught up.
    model = sp.CompositeIndex(tiny_framework(), normalize=MinMax(0, 100))
    pooled = score_panel(model, tiny_panel(), normalize_across="pooled")
    assert pooled.scores["x"].tolist() == [0.0, 25.0, 50.0, 100.0]
    assert pooled.scores["y"].tolist() == [0.0, 100.0, 50.0, 100.0]
    assert pooled.index.loc["A"].tolist() == [0.0, 50.0]
    assert pooled.index.loc["B"].tolist() == [62.5, 100.0]
    per_period = score_panel(model, tiny_panel())
    assert per_period.index.to_numpy().tolist() == [[0.0, 0.0], [100.0, 100.0]]
    assert pooled.normalize_across == "pooled"
    assert pooled[1].stage("normalized").loc["B", "x"] == 25.0
    assert any(r.method == "pooled(MinMax(low=0, high=100, constant='error'))"
               for r in pooled[1].log)
    # Changes and trends of the hand case: A gains 50 points, B 37.5.
    assert pooled.score_changes()[2].tolist() == [50.0, 37.5]
    slope = pooled.trends(nodes=["I"])["slope"]
    assert slope.tolist() == [50.0, 37.5]
    cagr = pooled.trends("cagr", nodes=["I"])
    assert np.isnan(cagr.loc[("A", "I"), "cagr"])
    assert cagr.loc[("A", "I"), "note"] == "non-positive start or negative end value"
    assert cagr.loc[("B", "I"), "cagr"] == pytest.approx(0.6)


def pooled_case() -> tuple[sp.Framework, pd.DataFrame]:
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    rng = np.random.default_rng(7)
    index = pd.MultiIndex.from_product([[f"u{i}" for i in range(6)], [2020, 2021, 2022]],
                                       names=["unit", "year"])
    data = pd.DataFrame(rng.uniform(1, 50, size=(18, 2)).round(1), index=index,
                        columns=["x", "y"])
    data.iloc[4, 0] = nan
    return fw, data


@pytest.mark.parametrize("normalizer", [
    MinMax(0, 100), ZScore(10, 2), Rank(), Borda(), PercentileRank(), DistanceToMax(),
    FractionOfMax(), "none", np.sqrt,
])
def test_pooled_normalisation_fits_every_normaliser_on_the_stacked_table(normalizer) -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw, normalize=normalizer)
    res = score_panel(model, data, normalize_across="pooled")
    stacked = data.sort_index(level=["year", "unit"])
    method = sp.methods.get_normalizer(normalizer)
    ctx = NormalizationContext(("x", "y"), tuple(map(str, stacked.index)), np.ones(2))
    expected = pd.DataFrame(method(stacked.to_numpy(), ctx), index=stacked.index,
                            columns=["x", "y"])
    got = pd.concat({p: res[p].stage("normalized") for p in res.periods},
                    names=["year", "unit"]).swaplevel()
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_names=False)


def test_pooled_minmax_spans_the_scale_once_over_the_whole_panel(
    asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex
) -> None:
    res = score_panel(asem_model, asem_panel, normalize_across="pooled")
    normalized = res.scores[list(asem_model.framework.indicators)]
    assert (normalized.min() == 0).all() and (normalized.max() == 100).all()
    per_year = normalized.groupby(level="Time").max()
    assert (per_year < 100).any().any()  # some year misses the pooled maximum
    assert not res.scores.equals(score_panel(asem_model, asem_panel).scores)


def test_pooled_models_can_be_pickled_for_process_pools() -> None:
    fw, data = pooled_case()
    from spindex.panel import _Pooling

    periods = (2020, 2021, 2022)
    tables = [data.xs(p, level="year") for p in periods]
    pooling = _Pooling.fit(sp.CompositeIndex(fw, normalize="zscore"), tables, periods)
    model = pooling.model_for(1)
    copy = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(copy.score(tables[1]).scores, model.score(tables[1]).scores)
    assert repr(model.normalize) == "pooled(zscore)"


def test_goalposts_are_the_same_per_period_and_pooled() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw, normalize=Goalposts(low=0, high=60))
    a = score_panel(model, data)
    b = score_panel(model, data, normalize_across="pooled")
    pd.testing.assert_frame_equal(a.scores, b.scores, check_exact=True)


def test_per_indicator_normalisers_are_pooled_each_with_its_own_method() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw, normalize={"x": "rank", "default": MinMax(0, 1)})
    res = score_panel(model, data, normalize_across="pooled")
    assert res.scores["x"].max() == 17.0  # ranks over the 17 observed unit-years
    assert res.scores["y"].min() == 0.0 and res.scores["y"].max() == 1.0


def test_distance_to_reference_has_no_pooled_form() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw, normalize=DistanceToReference("u0"))
    with pytest.raises(ParameterError, match="DistanceToReference, which has no pooled form"):
        score_panel(model, data, normalize_across="pooled")


def test_pooling_avoids_a_constant_indicator_of_one_period() -> None:
    fw, data = pooled_case()
    data.loc[pd.IndexSlice[:, 2021], "y"] = 5.0
    model = sp.CompositeIndex(fw)
    with pytest.raises(MethodError, match=r"Period 2021: Indicator 'y' is constant"):
        score_panel(model, data)
    res = score_panel(model, data, normalize_across="pooled")
    assert res[2021].scores["y"].nunique() == 1


# --------------------------------------------------------------------------- changes
def test_rank_and_score_changes_between_periods() -> None:
    fw, data = pooled_case()
    res = score_panel(sp.CompositeIndex(fw), data)
    ranks = res.period_ranks()
    scores = res.period_scores()
    changes = res.rank_changes()
    assert changes[2020].isna().all()
    assert changes[2022].tolist() == (ranks[2021] - ranks[2022]).tolist()
    two = res.rank_changes(lag=2)
    assert two[2022].tolist() == (ranks[2020] - ranks[2022]).tolist()
    np.testing.assert_array_equal(res.score_changes("x")[2021],
                                  res.period_scores("x")[2021] - res.period_scores("x")[2020])
    table = res.compare(2020, 2022)
    assert list(table.columns) == ["score_start", "score_end", "score_change", "rank_start",
                                   "rank_end", "rank_change"]
    assert table["rank_end"].is_monotonic_increasing
    unit = table.index[0]
    assert table.loc[unit, "score_change"] == scores.loc[unit, 2022] - scores.loc[unit, 2020]
    assert table.loc[unit, "rank_change"] == ranks.loc[unit, 2020] - ranks.loc[unit, 2022]
    with pytest.raises(ParameterError, match="Period 2019 is not in the panel"):
        res.compare(2019, 2022)
    with pytest.raises(ParameterError, match="'lag' must be a positive integer"):
        res.rank_changes(lag=0)
    with pytest.raises(sp.FrameworkError):
        res.period_scores("nope")


def test_result_accessors() -> None:
    fw, data = pooled_case()
    res = score_panel(sp.CompositeIndex(fw), data)
    assert isinstance(res, PanelResult)
    assert list(res) == [2020, 2021, 2022] and len(res) == 3
    assert res.framework is fw
    assert res.ranks.loc[("u0", 2020)].dtype == "Int64"
    assert res[2021].contributions().sum(axis=1).round(9).equals(res[2021].index.round(9))
    assert "3 periods (2020-2022), 6 units" in repr(res)
    with pytest.raises(ParameterError, match="Period 1999 is not in the panel"):
        res[1999]


# ---------------------------------------------------------------------------- trends
def test_trends_on_a_hand_computed_case() -> None:
    # A: 1, 3, 7 at 2018, 2019, 2021 (2020 missing). Times 2018, 2019, 2021, mean 2019 1/3;
    #    values mean 11/3. Sxy = (-4/3)(-8/3) + (-1/3)(-2/3) + (5/3)(10/3) = 84/9,
    #    Sxx = 16/9 + 1/9 + 25/9 = 42/9 -> slope 2. CAGR (7 / 1) ** (1 / 3) - 1.
    # B: one observation -> no trend.   C: starts at 0 -> no CAGR, slope 2.
    # D: 4 then 4 -> CAGR 0.            E: 2 then 0 -> CAGR -1 (-100%).
    rows = {
        "A": [1.0, 3.0, nan, 7.0], "B": [nan, 5.0, nan, nan], "C": [0.0, 2.0, 4.0, nan],
        "D": [4.0, nan, nan, 4.0], "E": [2.0, nan, nan, 0.0],
    }
    years = [2018, 2019, 2020, 2021]
    data = pd.DataFrame(
        [(u, y, v) for u, vals in rows.items() for y, v in zip(years, vals, strict=True)],
        columns=["unit", "year", "x"]).set_index("unit")
    slope = trends(data, period="year")
    cagr = trends(data, period="year", method="cagr")
    assert slope.loc[("A", "x"), "slope"] == pytest.approx(2.0, abs=1e-12)
    assert cagr.loc[("A", "x"), "cagr"] == pytest.approx(7 ** (1 / 3) - 1, abs=1e-15)
    assert (slope.loc[("A", "x"), "start"], slope.loc[("A", "x"), "end"]) == (2018, 2021)
    assert slope.loc[("A", "x"), "n_obs"] == 3
    assert np.isnan(slope.loc[("B", "x"), "slope"])
    assert slope.loc[("B", "x"), "note"] == "fewer than 2 observations"
    assert slope.loc[("C", "x"), "slope"] == pytest.approx(2.0)
    assert np.isnan(cagr.loc[("C", "x"), "cagr"])
    assert cagr.loc[("D", "x"), "cagr"] == 0.0
    assert slope.loc[("D", "x"), "slope"] == 0.0
    assert cagr.loc[("E", "x"), "cagr"] == -1.0
    assert cagr.loc[("E", "x"), "note"] == ""
    # Over 2019-2021 only, A goes from 3 to 7 in two years.
    later = trends(data, period="year", method="cagr", periods=[2019, 2020, 2021])
    assert later.loc[("A", "x"), "cagr"] == pytest.approx((7 / 3) ** 0.5 - 1)


def test_trends_of_non_numeric_periods_use_positions() -> None:
    data = pd.DataFrame({"unit": ["A", "A", "A"], "wave": ["w1", "w2", "w3"],
                         "x": [1.0, 2.0, 4.0]}).set_index(["unit", "wave"])
    out = trends(data)
    assert out.loc[("A", "x"), "slope"] == pytest.approx(1.5)
    with pytest.raises(ParameterError, match="'method' parameter of trends must be one of"):
        trends(data, method="growth")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"Column\(s\) 'z' are not in the panel"):
        trends(data, columns=["z"])
    with pytest.raises(ParameterError, match=r"Period\(s\) 'w9' are not in the panel"):
        trends(data, periods=["w9"])


def test_result_trends_cover_every_node_and_skip_absent_periods(
    asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex
) -> None:
    data = asem_panel.drop(("AUT", 2020))
    res = score_panel(asem_model, data, normalize_across="pooled")
    out = res.trends()
    assert out.index.names == ["uCode", "node"]
    assert len(out) == 51 * 60
    assert out.loc[("AUT", "Index"), "n_obs"] == 4
    assert out.loc[("DEU", "Index"), "n_obs"] == 5
    years = np.array(res.periods, dtype=float)
    deu = res.index.loc["DEU"].to_numpy()
    assert out.loc[("DEU", "Index"), "slope"] == pytest.approx(np.polyfit(years, deu, 1)[0])


# ----------------------------------------------------------------- time imputation
def test_locf_in_the_panel_reproduces_coinrs_impute_panel_example(
    asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex
) -> None:
    # COINr's impute_panel example: NZL's LPI and AUT's Flights removed in 2022 get their
    # 2021 values back.
    data = asem_panel.copy()
    data.loc[("NZL", 2022), "LPI"] = nan
    data.loc[("AUT", 2022), "Flights"] = nan
    res = score_panel(asem_model, data, impute_time="locf")
    assert res.data.loc[("NZL", 2022), "LPI"] == asem_panel.loc[("NZL", 2021), "LPI"]
    assert res.data.loc[("AUT", 2022), "Flights"] == asem_panel.loc[("AUT", 2021), "Flights"]
    cells = res.time_imputation
    assert len(cells) == 2
    row = cells.set_index(["unit", "indicator"]).loc[("NZL", "LPI")]
    assert (row["period"], row["method"], row["source_before"], row["source_after"]) == (
        2022, "locf", 2021, None)
    filled = data.copy()
    filled.loc[("NZL", 2022), "LPI"] = asem_panel.loc[("NZL", 2021), "LPI"]
    filled.loc[("AUT", 2022), "Flights"] = asem_panel.loc[("AUT", 2021), "Flights"]
    pd.testing.assert_frame_equal(res.scores, score_panel(asem_model, filled).scores)
    assert "Imputed over time: 2 values" in repr(res)


def test_time_imputation_fills_only_present_rows_and_respects_max_gap() -> None:
    fw = tiny_framework()
    index = pd.MultiIndex.from_product([["A", "B", "C", "D"], [1, 2, 3, 4]],
                                       names=["unit", "t"])
    data = pd.DataFrame({"x": np.arange(16.0), "y": np.arange(16.0) % 5 + 1}, index=index)
    data.loc[("A", 2), "x"] = nan  # gap of 1
    data.loc[("B", 2), "x"] = nan  # gap of 3: periods 2, 3 (absent row) and 4
    data = data.drop(("B", 3))
    data.loc[("B", 4), "x"] = nan
    data.loc[("C", [1, 2, 3]), "x"] = nan  # a single observation, at period 4
    model = sp.CompositeIndex(fw)
    res = score_panel(model, data, impute_time=TimeImputer("linear_constant", max_gap=2))
    x = res.data["x"]
    assert x[("A", 2)] == 0.5 * (x[("A", 1)] + x[("A", 3)])
    assert np.isnan(x[("B", 2)]) and np.isnan(x[("B", 4)])  # gap of 3 > 2
    assert ("B", 3) not in res.data.index and "B" not in res[3].scores.index
    assert np.isnan(x[("C", 1)])  # leading gap of 3 > 2
    wide = score_panel(model, data, impute_time="linear_constant")
    assert wide.data["x"][("B", 2)] == wide.data["x"][("B", 4)] == 4.0  # carried from B1
    assert wide.data.loc["C", "x"].tolist() == [11.0] * 4  # COINr #63: one observation
    assert set(wide.time_imputation["method"]) == {"linear_constant"}


def test_time_then_cross_section_steps_are_reported_in_order() -> None:
    fw = tiny_framework()
    index = pd.MultiIndex.from_product([["A", "B", "C"], [1, 2]], names=["unit", "t"])
    data = pd.DataFrame({"x": [1.0, nan, 2.0, 4.0, nan, nan], "y": 1.0 + np.arange(6.0)},
                        index=index)
    res = score_panel(sp.CompositeIndex(fw), data, impute_time=["locf", "mean"])
    cells = res.time_imputation.set_index(["unit", "period"])
    assert cells.loc[("A", 2), "method"] == "locf" and cells.loc[("A", 2), "value"] == 1.0
    # C has no x at all: the period means fill it (period 1: (1 + 2) / 2; period 2: (1 + 4)/2).
    assert cells.loc[("C", 1), "method"] == "mean" and cells.loc[("C", 1), "value"] == 1.5
    assert cells.loc[("C", 2), "value"] == 2.5
    assert cells.loc[("C", 2), "source_before"] is None


def test_grouped_cross_section_in_the_panel(asem_panel: pd.DataFrame,
                                            asem_model: sp.CompositeIndex) -> None:
    from spindex.methods.impute import GroupMean

    res = score_panel(asem_model, asem_panel, impute_time=GroupMean("EurAsia_group"))
    assert len(res.time_imputation) == int(
        asem_panel[list(asem_model.framework.indicators)].isna().sum().sum())
    assert set(res.time_imputation["method"]) == {"group_mean(EurAsia_group)"}
    alone = sp.CompositeIndex(asem_model.framework, impute=GroupMean("EurAsia_group")).score(
        asem_panel.xs(2019, level="Time"))
    pd.testing.assert_series_equal(res[2019].index.loc[alone.index.index], alone.index)


def test_bad_imputation_specs() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw)
    with pytest.raises(ParameterError, match="'impute_time' steps must be time methods"):
        score_panel(model, data, impute_time="spline")
    with pytest.raises(SpindexTypeError, match="'impute_time' parameter must be"):
        score_panel(model, data, impute_time=3)
    with pytest.raises(DataError, match="no grouping column 'region'"):
        score_panel(model, data, impute_time=sp.GroupMean("region"))
    text = data.astype({"x": object})
    text.iloc[0, 0] = "n/a"
    with pytest.raises(DataError, match="Indicator 'x' is not numeric"):
        score_panel(model, text, impute_time="locf")
    with pytest.raises(DataError, match="no column for indicator"):
        score_panel(model, data.drop(columns="y"), impute_time="locf")


# ------------------------------------------------------------------------- bad input
def test_duplicate_unit_period_rows_are_refused() -> None:
    fw, data = pooled_case()
    doubled = pd.concat([data, data.iloc[[3]]])
    with pytest.raises(DataError, match=r"Each \(unit, period\) must appear once, but 1 "
                                        r"pair\(s\) repeat: \('u1', 2020\)"):
        score_panel(sp.CompositeIndex(fw), doubled)
    flat = doubled.reset_index(level="year")
    with pytest.raises(DataError, match="must appear once"):
        score_panel(sp.CompositeIndex(fw), flat, period="year")


def test_unorderable_periods_are_refused() -> None:
    fw, data = pooled_case()
    mixed = data.reset_index()
    mixed["year"] = mixed["year"].astype(object)
    mixed.loc[mixed["year"] == 2021, "year"] = "2021"
    with pytest.raises(DataError, match=r"periods \('year'\) cannot be ordered: they are of "
                                        r"type\(s\) int, str"):
        score_panel(sp.CompositeIndex(fw), mixed.set_index("unit"), period="year")

    class Opaque:
        pass

    odd = data.reset_index()
    odd["year"] = [Opaque() for _ in odd["year"]]
    with pytest.raises(DataError, match="cannot be ordered"):
        score_panel(sp.CompositeIndex(fw), odd.set_index("unit"), period="year")
    lists = data.reset_index()
    lists["year"] = [[y] for y in lists["year"]]
    with pytest.raises(DataError, match="must be hashable"):
        score_panel(sp.CompositeIndex(fw), lists.set_index("unit"), period="year")


def test_a_missing_period_column_or_level_is_named() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw)
    flat = data.reset_index(level="year")
    with pytest.raises(DataError, match=r"flat index, so the period is not known\. Pass period="):
        score_panel(model, flat)
    with pytest.raises(DataError, match=r"no period column 'Year'\. Its columns are 'year', 'x'"):
        score_panel(model, flat, period="Year")
    with pytest.raises(DataError, match="no period level 'Time': its index levels are"):
        score_panel(model, data, period="Time")
    with pytest.raises(DataError, match="no unit level 'country'"):
        score_panel(model, data, unit="country")
    with pytest.raises(DataError, match="no unit column 'country'"):
        score_panel(model, flat, period="year", unit="country")
    three = data.assign(k=1).set_index("k", append=True)
    with pytest.raises(DataError, match="index of the data has 3 levels"):
        score_panel(model, three)
    missing = flat.copy()
    missing.iloc[2, 0] = nan
    with pytest.raises(DataError, match=r"The period of 1 row\(s\) is missing"):
        score_panel(model, missing, period="year")


def test_other_bad_arguments() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw)
    with pytest.raises(SpindexTypeError, match="'model' parameter of score_panel must be"):
        score_panel(fw, data)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="must be a pandas DataFrame"):
        score_panel(model, data.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"'normalize_across' parameter of score_panel "
                                             r"must be one of \{'period', 'pooled'\}"):
        score_panel(model, data, normalize_across="global")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no rows"):
        score_panel(model, data.iloc[:0])


def test_errors_inside_a_period_name_it() -> None:
    fw, data = pooled_case()
    data.loc[pd.IndexSlice[:, 2021], "y"] = nan
    with pytest.raises(DataError, match="Period 2021: Indicator 'y' has no observed value"):
        score_panel(sp.CompositeIndex(fw), data)
    with pytest.raises(DataError, match="Period 2021: Indicator 'y' has no observed value"):
        score_panel(sp.CompositeIndex(fw), data, normalize_across="pooled")


# ----------------------------------------------------------------------- long format
def test_long_format_round_trips(asem_panel: pd.DataFrame,
                                 asem_model: sp.CompositeIndex) -> None:
    codes = list(asem_model.framework.indicators)
    long = panel_to_long(asem_panel, columns=codes)
    assert list(long.columns) == ["unit", "period", "indicator", "value"]
    assert len(long) == 255 * 49
    back = panel_from_long(long)
    expected = asem_panel[codes].sort_index(level=["Time", "uCode"])
    np.testing.assert_array_equal(back.to_numpy(), expected.to_numpy())
    assert list(back.index) == list(expected.index)
    assert back.index.names == ["unit", "period"]

    res = score_panel(asem_model, back.rename_axis(["uCode", "Time"]))
    out = res.to_long()
    assert list(out.columns) == ["unit", "period", "node", "score", "rank"]
    assert len(out) == 255 * 60
    scores = panel_from_long(out, variable="node", value="score")
    np.testing.assert_array_equal(scores.to_numpy(), res.scores.to_numpy())
    assert list(scores.columns) == list(res.scores.columns)
    ranks = panel_from_long(out.drop(columns="score"), variable="node", value="rank")
    np.testing.assert_array_equal(ranks.to_numpy(), res.ranks.to_numpy(dtype=float))
    assert out["rank"].dtype == "Int64"
    assert res.to_long(nodes=["Index"])["node"].unique().tolist() == ["Index"]


def test_long_format_errors() -> None:
    long = pd.DataFrame({"unit": ["A", "A"], "period": [1, 1], "indicator": ["x", "x"],
                         "value": [1.0, 2.0]})
    with pytest.raises(DataError, match=r"\(unit, period, indicator\) must appear once"):
        panel_from_long(long)
    with pytest.raises(DataError, match=r"no column\(s\) 'node'"):
        panel_from_long(long, variable="node")
    bad = long.assign(indicator=["x", "y"], value=["1", "two"])
    with pytest.raises(DataError, match="'value' of the long table is not numeric"):
        panel_from_long(bad)
    holes = long.assign(indicator=["x", None])
    with pytest.raises(DataError, match="'indicator' of the long table has missing labels"):
        panel_from_long(holes)
    with pytest.raises(ParameterError, match=r"Column\(s\) 'z' are not in the panel"):
        panel_to_long(panel_from_long(long.iloc[:1]), columns=["z"])


# ----------------------------------------------------------------- per-period analyses
def test_uncertainty_per_period_equals_running_it_on_each_period(
    asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex
) -> None:
    ua = uncertainty_panel(asem_model, asem_panel, n=64, seed=3, block_size=2048)
    assert isinstance(ua, PanelAnalysis) and list(ua) == [2018, 2019, 2020, 2021, 2022]
    alone = sp.uncertainty(asem_model, asem_panel.xs(2020, level="Time"), n=64, seed=3)
    pd.testing.assert_frame_equal(ua[2020].summary().loc[alone.summary().index],
                                  alone.summary())
    summary = ua.summary()
    assert summary.index.names == ["Time", "uCode"]
    assert len(summary) == 255
    assert "UncertaintyResult for 5 periods (2018-2022)" in repr(ua)
    with pytest.raises(KeyError, match="Period 1999 is not in the analysis"):
        ua[1999]


def test_pooled_uncertainty_switches_normalisers_on_the_pooled_table() -> None:
    fw, data = pooled_case()
    model = sp.CompositeIndex(fw)
    ua = uncertainty_panel(model, data, normalize_across="pooled", n=32, seed=0,
                           normalize=["minmax", "zscore"], keep_inputs=True)
    nominal = score_panel(model, data, normalize_across="pooled")
    for p in nominal.periods:
        np.testing.assert_array_equal(ua[p].nominal["score"].loc[nominal[p].index.index],
                                      nominal[p].index)
    labels = set(ua[2021].inputs["normalize"])
    assert labels == {"pooled(minmax)", "pooled(zscore)"}
    spec = {"alternatives": ["minmax", "rank"], "probabilities": [0.5, 0.5]}
    assert len(uncertainty_panel(model, data, normalize_across="pooled", n=16, seed=0,
                                 normalize=spec)) == 3
    with pytest.raises(ParameterError, match="cannot switch treat"):
        uncertainty_panel(model, data, normalize_across="pooled", n=16,
                          treat=["none", "default"])


def test_smaa_per_period(asem_panel: pd.DataFrame, asem_model: sp.CompositeIndex) -> None:
    sm = smaa_panel(asem_model, asem_panel, normalize_across="pooled", n=500, seed=2)
    assert len(sm) == 5
    first = sm[2022].rank_acceptability
    np.testing.assert_allclose(first.sum(axis=1), 1.0)
    assert sm.summary().index.names[0] == "Time"
    assert "SMAAResult" in repr(sm)


# ---------------------------------------------------------------------------- docs
def test_the_panels_page_runs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOCS), "exec"), namespace)
