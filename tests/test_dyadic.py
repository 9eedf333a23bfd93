"""Dyadic aggregation: hand-computed sums and means, currencies, missing targets, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spindex.dyadic import (
    DyadicAggregate,
    aggregate_dyadic,
    convert_currency,
    exchange_rates,
    per_target,
)
from spindex.errors import DataError, ParameterError, SpindexError, SpindexTypeError


def dyads(rows: list[tuple], columns: tuple[str, ...] = ("source", "target", "indicator", "value"),
          ) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


@pytest.fixture
def tourism_and_trust() -> pd.DataFrame:
    return dyads([
        ("CHN", "THA", "tour_arrivals", 10.0),
        ("CHN", "VNM", "tour_arrivals", 5.0),
        ("JPN", "THA", "tour_arrivals", 3.0),
        ("CHN", "THA", "op_trust", 30.0),
        ("CHN", "VNM", "op_trust", 60.0),
        ("JPN", "THA", "op_trust", 80.0),
    ])


POP = pd.Series({"THA": 70.0, "VNM": 30.0})
YEARLY = ("source", "target", "indicator", "year", "value")


# --------------------------------------------------------------------------- sums and means
def test_sum_over_targets(tourism_and_trust):
    agg = aggregate_dyadic(tourism_and_trust)
    assert isinstance(agg, DyadicAggregate)
    assert agg.data.loc["CHN", "tour_arrivals"] == 15.0
    assert agg.data.loc["JPN", "tour_arrivals"] == 3.0
    # Japan has one of the two targets: flagged by its coverage.
    assert agg.coverage.loc["CHN", "tour_arrivals"] == 1.0
    assert agg.coverage.loc["JPN", "tour_arrivals"] == 0.5
    row = agg.detail.query("source == 'JPN' and indicator == 'tour_arrivals'").iloc[0]
    assert (row["n_targets"], row["n_expected"], row["targets"]) == (1, 2, "THA")
    assert row["rule"] == "sum" and not row["regional"]


def test_population_weighted_mean(tourism_and_trust):
    agg = aggregate_dyadic(tourism_and_trust, weights=POP)
    # (30 * 70 + 60 * 30) / (70 + 30)
    assert agg.data.loc["CHN", "op_trust"] == pytest.approx(39.0)
    # Japan: Thailand only, weight renormalised to 1; 70 % of the region's weight behind it.
    assert agg.data.loc["JPN", "op_trust"] == pytest.approx(80.0)
    assert agg.coverage.loc["JPN", "op_trust"] == pytest.approx(0.7)


def test_unweighted_mean_without_weights(tourism_and_trust):
    agg = aggregate_dyadic(tourism_and_trust)
    assert agg.data.loc["CHN", "op_trust"] == pytest.approx(45.0)
    assert agg.coverage.loc["JPN", "op_trust"] == pytest.approx(0.5)


def test_missing_target_renormalises_the_mean_and_lowers_coverage(tourism_and_trust):
    weights = pd.Series({"THA": 70.0, "VNM": 30.0, "LAO": 100.0})
    agg = aggregate_dyadic(tourism_and_trust, targets=["THA", "VNM", "LAO"], weights=weights)
    # Laos has no value: the mean over Thailand and Viet Nam is unchanged ...
    assert agg.data.loc["CHN", "op_trust"] == pytest.approx(39.0)
    # ... and rests on half of the region's weight; the sum covers 2 of 3 targets.
    assert agg.coverage.loc["CHN", "op_trust"] == pytest.approx(0.5)
    assert agg.data.loc["CHN", "tour_arrivals"] == 15.0
    assert agg.coverage.loc["CHN", "tour_arrivals"] == pytest.approx(2 / 3)


def test_min_coverage_makes_thin_values_missing(tourism_and_trust):
    agg = aggregate_dyadic(tourism_and_trust, weights=POP, min_coverage=0.6)
    assert np.isnan(agg.data.loc["JPN", "tour_arrivals"])  # 0.5 < 0.6
    assert agg.data.loc["JPN", "op_trust"] == pytest.approx(80.0)  # 0.7 >= 0.6
    per = aggregate_dyadic(tourism_and_trust, weights=POP, min_coverage={"op_trust": 1.0})
    assert per.data.loc["JPN", "tour_arrivals"] == 3.0
    assert np.isnan(per.data.loc["JPN", "op_trust"])
    # The detail keeps the row, with its coverage, but no value.
    row = per.detail.query("source == 'JPN' and indicator == 'op_trust'").iloc[0]
    assert np.isnan(row["value"]) and row["coverage"] == pytest.approx(0.7)


def test_targets_per_indicator(tourism_and_trust):
    agg = aggregate_dyadic(tourism_and_trust, targets={"tour_arrivals": ["VNM"]})
    assert agg.data.loc["CHN", "tour_arrivals"] == 5.0
    assert np.isnan(agg.data.loc["JPN", "tour_arrivals"])  # no row for Viet Nam
    assert agg.data.loc["CHN", "op_trust"] == pytest.approx(45.0)  # default: both targets


def test_regional_value_wins_over_members_but_not_for_a_subset():
    t = dyads([("CHN", "ASEAN", "tour_arrivals", 100.0), ("CHN", "THA", "tour_arrivals", 10.0),
               ("JPN", "THA", "tour_arrivals", 3.0)])
    agg = aggregate_dyadic(t, region="ASEAN", targets=["THA", "VNM"])
    assert agg.data.loc["CHN", "tour_arrivals"] == 100.0
    assert agg.coverage.loc["CHN", "tour_arrivals"] == 1.0
    chn = agg.detail.query("source == 'CHN'").iloc[0]
    assert chn["regional"] and chn["targets"] == "ASEAN"
    subset = aggregate_dyadic(t, region="ASEAN", targets={"tour_arrivals": ["THA", "VNM"]})
    assert subset.data.loc["CHN", "tour_arrivals"] == 10.0


def test_several_years_average_the_yearly_aggregates():
    t = dyads([("JPN", "ASEAN", "eco_fdi", 2012, 10.0), ("JPN", "ASEAN", "eco_fdi", 2013, 20.0),
               ("JPN", "ASEAN", "eco_fdi", 2014, -3.0), ("JPN", "ASEAN", "eco_fdi", 2015, 99.0)],
              YEARLY)
    agg = aggregate_dyadic(t, year={"eco_fdi": [2012, 2013, 2014]}, region="ASEAN",
                           targets=["IDN"])
    assert agg.data.loc["JPN", "eco_fdi"] == pytest.approx(9.0)
    assert agg.detail["year"].tolist() == [2012, 2013, 2014]
    assert aggregate_dyadic(t, year=2015, region="ASEAN", targets=["IDN"]).data.iloc[0, 0] == 99


def test_weights_by_year():
    t = dyads([("CHN", "THA", "op_trust", 2015, 30.0), ("CHN", "VNM", "op_trust", 2015, 60.0)],
              YEARLY)
    pop = pd.DataFrame({"target": ["THA", "VNM", "THA", "VNM"], "year": [2014, 2014, 2015, 2015],
                        "population": [1.0, 1.0, 1.0, 3.0]})
    assert aggregate_dyadic(t, weights=pop).data.iloc[0, 0] == pytest.approx(52.5)
    with pytest.raises(DataError, match=r"No weight for target 'VNM' in 2015"):
        aggregate_dyadic(t, weights=pop[pop["target"] == "THA"])


def test_sum_is_invariant_to_row_order(tourism_and_trust):
    shuffled = tourism_and_trust.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(aggregate_dyadic(shuffled, weights=POP).data.loc[
        ["CHN", "JPN"], ["tour_arrivals", "op_trust"]],
                                  aggregate_dyadic(tourism_and_trust, weights=POP).data)


def test_missing_values_are_no_values(tourism_and_trust):
    t = pd.concat([tourism_and_trust, dyads([("KOR", "THA", "tour_arrivals", np.nan)])])
    agg = aggregate_dyadic(t)
    assert "KOR" not in agg.data.index
    assert agg.data.loc["CHN", "tour_arrivals"] == 15.0


def test_explicit_rules(tourism_and_trust):
    t = tourism_and_trust.replace({"tour_arrivals": "visitors"})
    with pytest.raises(ParameterError, match=r"No aggregation rule for indicator.*'visitors'"):
        aggregate_dyadic(t)
    assert aggregate_dyadic(t, rules={"visitors": "mean"}).data.loc["CHN", "visitors"] == 7.5
    assert aggregate_dyadic(t, rules="sum").data.loc["CHN", "op_trust"] == 90.0
    with pytest.raises(ParameterError, match="must be one of"):
        aggregate_dyadic(t, rules={"visitors": "median"})


# --------------------------------------------------------------------------- currencies
@pytest.fixture
def aid() -> pd.DataFrame:
    return pd.DataFrame({
        "source": ["JPN", "JPN", "USA"], "target": ["KHM", "IDN", "KHM"],
        "indicator": "aid_oda", "year": 2008, "value": [5420.0, 30.0, 40.0],
        "currency": ["JPY", "USD", "usd"],
        "unit": ["JPY million", "USD million", "USD million"],
    })


def test_bundled_rate_converts_yen(aid):
    out = convert_currency(aid)
    assert out.loc[0, "value"] == pytest.approx(5420 / 103.36)
    assert out["currency"].tolist() == ["USD"] * 3
    assert out["unit"].tolist() == ["USD million"] * 3
    assert out.loc[1:, "value"].tolist() == [30.0, 40.0]
    # The input is not modified.
    assert aid.loc[0, "value"] == 5420.0


def test_yen_and_dollars_add_up(aid):
    agg = aggregate_dyadic(aid, rates={"JPY": 0.01})
    assert agg.data.loc["JPN", "aid_oda"] == pytest.approx(54.2 + 30.0)


def test_user_rates_take_precedence(aid):
    assert convert_currency(aid, rates={"JPY": 0.01}).loc[0, "value"] == pytest.approx(54.2)
    per_year = {"JPY": {2008: 0.02}}
    assert convert_currency(aid, rates=per_year).loc[0, "value"] == pytest.approx(108.4)
    table = pd.DataFrame({"currency": ["JPY"], "year": [2008], "units_per_usd": [50.0]})
    assert convert_currency(aid, rates=table).loc[0, "value"] == pytest.approx(108.4)


def test_unknown_currency_is_an_error(aid):
    bad = aid.assign(currency=["KRW", "USD", "USD"])
    with pytest.raises(DataError, match=r"No exchange rate for currency 'KRW' in 2008.*rates="):
        aggregate_dyadic(bad)
    assert aggregate_dyadic(bad, rates={"KRW": 0.001}).data.loc["JPN", "aid_oda"] == \
        pytest.approx(5.42 + 30.0)


def test_year_without_bundled_rate_is_an_error(aid):
    with pytest.raises(DataError, match="JPY' in 1999"):
        convert_currency(aid.assign(year=1999))


def test_bad_rates(aid):
    with pytest.raises(ParameterError, match="positive number"):
        convert_currency(aid, rates={"JPY": -1.0})
    with pytest.raises(SpindexTypeError):
        convert_currency(aid, rates=[("JPY", 0.01)])
    with pytest.raises(DataError, match="needs a 'currency' column"):
        convert_currency(aid.drop(columns="currency"))
    with pytest.raises(ParameterError, match="no 'currency' column"):
        aggregate_dyadic(aid.drop(columns="currency"), rates={"JPY": 0.01})


def test_exchange_rate_table():
    rates = exchange_rates()
    assert {"currency", "year", "units_per_usd", "usd_per_unit", "source_ref"} <= set(rates)
    assert rates["source_ref"].notna().all()
    np.testing.assert_allclose(rates["usd_per_unit"] * rates["units_per_usd"], 1.0)


# --------------------------------------------------------------------------- bad input
def test_duplicate_rows_are_an_error():
    t = dyads([("CHN", "THA", "tour_arrivals", 2017, 1.0),
               ("CHN", "THA", "tour_arrivals", 2017, 2.0)], YEARLY)
    with pytest.raises(DataError, match=r"repeat a \(source, target, indicator, year\) key.*'CHN'"):
        aggregate_dyadic(t)
    # Different years are not duplicates.
    ok = t.assign(year=[2016, 2017])
    assert aggregate_dyadic(ok, year=2017).data.iloc[0, 0] == 2.0


def test_negative_count_is_an_error():
    t = dyads([("CHN", "THA", "tour_arrivals", -5.0)])
    with pytest.raises(DataError, match=r"'tour_arrivals' has the negative value -5\.0"):
        aggregate_dyadic(t)
    with pytest.raises(DataError, match="negative"):
        per_target(t)
    assert aggregate_dyadic(t, signed=["tour_arrivals"]).data.iloc[0, 0] == -5.0


def test_net_fdi_may_be_negative():
    t = dyads([("NZL", "ASEAN", "eco_fdi", -141.8)])
    assert aggregate_dyadic(t).data.iloc[0, 0] == -141.8


def test_errors_are_value_errors_too():
    with pytest.raises(ValueError):
        aggregate_dyadic(dyads([("CHN", "THA", "tour_arrivals", -1.0)]))
    assert issubclass(DataError, SpindexError)


@pytest.mark.parametrize("table, match", [
    (pd.DataFrame({"source": ["A"], "target": ["B"], "value": [1.0]}), "no column.*'indicator'"),
    (dyads([("A", "B", "tour_arrivals", "many")]), "'many'.*not a number"),
    (dyads([("A", None, "tour_arrivals", 1.0)]), "has no target"),
    (dyads([("A", "B", "tour_arrivals", np.inf)]), "infinite"),
    (dyads([("A", "B", "tour_arrivals", 2017.5, 1.0)],
           ("source", "target", "indicator", "year", "value")), "whole numbers"),
])
def test_bad_tables(table, match):
    with pytest.raises(DataError, match=match):
        aggregate_dyadic(table)


def test_not_a_dataframe():
    with pytest.raises(SpindexTypeError, match="expects a pandas DataFrame"):
        aggregate_dyadic([("CHN", "THA", "tour_arrivals", 1.0)])  # type: ignore[arg-type]


def test_several_years_need_a_choice():
    t = dyads([("CHN", "THA", "tour_arrivals", 2012, 1.0),
               ("CHN", "THA", "tour_arrivals", 2017, 2.0)], YEARLY)
    with pytest.raises(DataError, match=r"several years.*\(2012, 2017\).*year=2017"):
        aggregate_dyadic(t)
    with pytest.raises(ParameterError, match="no 'year' column"):
        aggregate_dyadic(t.drop(columns="year").iloc[:1], year=2017)
    with pytest.raises(ParameterError, match="names 'nope'"):
        aggregate_dyadic(t, year={"nope": 2017})


def test_bad_options(tourism_and_trust):
    with pytest.raises(ParameterError, match="between 0 and 1"):
        aggregate_dyadic(tourism_and_trust, min_coverage=2)
    with pytest.raises(ParameterError, match="non-empty list"):
        aggregate_dyadic(tourism_and_trust, targets="THA")
    with pytest.raises(ParameterError, match="non-negative"):
        aggregate_dyadic(tourism_and_trust, weights=pd.Series({"THA": -1.0, "VNM": 1.0}))
    with pytest.raises(SpindexTypeError):
        aggregate_dyadic(tourism_and_trust, weights={"THA": 1.0})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- per target
def test_per_target_view():
    t = dyads([("CHN", "THA", "tour_arrivals", 2012, 2.7e6),
               ("CHN", "THA", "tour_arrivals", 2017, 9.8e6),
               ("JPN", "THA", "tour_arrivals", 2017, 1.54e6),
               ("CHN", "VNM", "tour_arrivals", 2017, 4e6),
               ("JPN", "VNM", "op_trust", 2017, 80.0)], YEARLY)
    tables = per_target(t, year=2017)
    assert sorted(tables) == ["THA", "VNM"]
    assert tables["THA"]["tour_arrivals"].idxmax() == "CHN"
    assert tables["THA"].loc["JPN", "tour_arrivals"] == 1.54e6
    assert list(tables["THA"].columns) == ["tour_arrivals"]  # nobody reports trust in Thailand
    assert np.isnan(tables["VNM"].loc["CHN", "op_trust"])
    both = per_target(t, year={"tour_arrivals": [2012, 2017], "op_trust": 2017})
    assert both["THA"].loc["CHN", "tour_arrivals"] == pytest.approx((2.7e6 + 9.8e6) / 2)
