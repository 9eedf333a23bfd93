"""The founding-period (2009-2011) ASEAN cross-section: five pillars, every value traced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import ParameterError

PERIOD = "2009-2011"
SOURCES = ["CHN", "JPN", "KOR", "USA", "AUS", "IND", "DEU", "FRA", "GBR"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    return sp.datasets.load("asean", period=PERIOD)


@pytest.fixture(scope="module")
def prov() -> pd.DataFrame:
    return sp.datasets.load_provenance("asean", period=PERIOD)


@pytest.fixture(scope="module")
def framework() -> sp.Framework:
    return sp.Framework.from_table(sp.datasets.load_framework("asean", period=PERIOD))


def raw(prov: pd.DataFrame, indicator: str, source: str, years: list[int],
        targets: list[str] | None = None) -> pd.Series:
    """Yearly sums of raw provenance rows, plain pandas."""
    rows = prov[(prov.indicator == indicator) & (prov.source == source) & prov.year.isin(years)]
    if targets is not None:
        rows = rows[rows.target.isin(targets)]
    return rows.groupby("year")["value"].sum()


# --------------------------------------------------------------------------- must show
def test_all_five_pillars_and_nine_sources(wide, framework):
    assert list(wide.index) == SOURCES
    assert framework.children("soft_power") == ("aid", "economic", "tourism", "culture",
                                                "opinion")
    assert wide.loc["GBR", "name"] == "United Kingdom"


def test_aid_pillar_has_at_least_six_sources(wide, framework):
    aid = [i for i in framework.indicators if framework.parent(i) == "aid"]
    assert aid == ["aid_oda"]
    assert wide["aid_oda"].notna().sum() >= 6
    assert set(wide.index[wide["aid_oda"].notna()]) == set(SOURCES) - {"IND"}


def test_at_least_70_percent_of_cells_for_the_big_four(wide, framework):
    cells = wide.loc[["CHN", "JPN", "KOR", "USA"], list(framework.indicators)]
    for source, row in cells.iterrows():
        assert row.notna().mean() >= 0.7, source
    assert cells.notna().to_numpy().mean() >= 0.9


def test_every_value_traces_to_a_citation_and_its_raw_file(wide, prov):
    values = wide.drop(columns="name").stack().dropna()
    assert len(values) >= 50
    used = prov.dropna(subset=["feeds"])
    assert used[["citation", "source_ref", "raw_file"]].notna().all().all()
    for path in used["raw_file"].unique():
        assert (ROOT / path).is_file(), path
    backed = set(zip(used["source"], used["feeds"], strict=True))
    assert set(values.index) <= backed


# --------------------------------------------------------------------------- oracles
def test_aid_values_by_hand(wide, prov):
    # DAC donors: mean over 2009 and 2010 of the sum over members, USD million.
    for source in ["JPN", "USA", "KOR", "AUS", "DEU", "FRA", "GBR"]:
        yearly = raw(prov, "aid_oda_net_bilateral_wdi", source, [2009, 2010])
        assert len(yearly) == 2
        assert wide.loc[source, "aid_oda"] == pytest.approx(yearly.mean(), rel=1e-12)
    # China: AidData ODA-like commitments, constant 2021 USD -> million.
    china = raw(prov, "aid_gcdf3_commit_oda_amount", "CHN", [2009, 2010]) / 1e6
    assert wide.loc["CHN", "aid_oda"] == pytest.approx(china.mean(), rel=1e-12)
    assert np.isnan(wide.loc["IND", "aid_oda"])  # India is not a DAC donor


def test_trade_tourism_students_by_hand(wide, prov):
    for source in SOURCES:
        flows = (raw(prov, "eco_source_exports_to_target", source, [2009])
                 + raw(prov, "eco_source_imports_from_target", source, [2009]))
        assert wide.loc[source, "eco_trade"] == pytest.approx(flows.item() / 1000, rel=1e-12)
        stb = raw(prov, "tour_arrivals_stb", source, [2011], ["SGP"]).item()
        assert wide.loc[source, "tour_arrivals"] == stb
    assert wide.loc["USA", "cult_students"] == raw(prov, "cult_students_hosted_uis", "USA",
                                                   [2013]).item()
    jpn = raw(prov, "cult_students_hosted_uis", "JPN", [2009, 2010])
    assert wide.loc["JPN", "cult_students"] == pytest.approx(jpn.mean(), rel=1e-12)
    assert wide.loc["CHN", "cult_students"] == raw(prov, "cult_students_in_source", "CHN",
                                                   [2008]).item()
    assert wide.loc["JPN", "op_favourable"] == 81.0  # Pew 2015, Philippines
    assert wide.loc["JPN", "op_reliable"] == 33.0  # MOFA 2014


def test_years_shown_per_cell(wide):
    years = sp.datasets.load_years("asean", period=PERIOD)
    assert years.shape == wide.drop(columns="name").shape
    assert ((years != "") == wide.drop(columns="name").notna()).all().all()
    assert years.loc["CHN", "aid_oda"] == "2009-2010"
    assert years.loc["CHN", "cult_students"] == "2008"
    assert years.loc["JPN", "eco_fdi"] == "2012"
    assert years.loc["JPN", "op_reliable"] == "2014"
    recent = sp.datasets.load_years("asean")
    assert recent.loc["JPN", "eco_fdi"] == "2012-2014"
    assert recent.loc["CHN", "tour_arrivals"] == "2017"


def test_alternatives_are_kept_next_to_the_value(wide):
    cells = sp.datasets.load_cells("asean", period=PERIOD)
    assert set(cells["source"]) <= set(SOURCES)
    china = cells[(cells.source == "CHN") & (cells.indicator == "aid_oda")].set_index(
        "alternative")
    assert china.loc["", "value"] == wide.loc["CHN", "aid_oda"]
    assert china.loc["", "instrument"] == "commitment, ODA-like"
    assert china.loc["aiddata_all_flows", "value"] > 5 * china.loc["", "value"]
    jpn = cells[(cells.source == "JPN") & (cells.indicator == "aid_oda")]
    assert jpn["instrument"].tolist() == ["net disbursement, reported by source"]
    mirror = cells[cells.alternative == "reported_by_target"].set_index("source")
    assert set(mirror.index) == set(SOURCES)
    assert mirror.loc["JPN", "targets"] == "IDN;KHM;MYS;PHL;SGP;THA;VNM"
    assert "reported by target" in mirror.loc["JPN", "instrument"]
    # The two reporters disagree (mirror statistics), and not by rounding.
    assert abs(mirror.loc["JPN", "value"] / wide.loc["JPN", "eco_trade"] - 1) > 0.01


def test_per_target_tables(prov):
    tables = sp.datasets.load_per_target("asean", period=PERIOD)
    assert set(tables) <= set(sp.datasets.ASEAN_MEMBERS)
    vnm = tables["VNM"]
    assert list(vnm.index) == [s for s in SOURCES if s in vnm.index]
    jpn = prov[(prov.source == "JPN") & (prov.target == "VNM")
               & (prov.indicator == "aid_oda_net_bilateral_wdi")]["value"]
    assert vnm.loc["JPN", "aid_oda"] == pytest.approx(jpn.mean(), rel=1e-12)
    assert vnm["aid_oda"].idxmax() == "JPN"
    assert "eco_fdi" not in vnm.columns  # published for the region only


def test_feeds_follow_the_period(prov):
    trade = prov[(prov.feeds == "eco_trade")]
    assert set(trade["indicator"]) == {"eco_source_exports_to_target",
                                       "eco_source_imports_from_target"}
    assert set(trade["year"]) == {2009}
    aid = prov[prov.feeds == "aid_oda"]
    assert set(aid["indicator"]) == {"aid_oda_net_bilateral_wdi", "aid_gcdf3_commit_oda_amount"}
    # The recent table uses other rows.
    recent = sp.datasets.load_provenance("asean")
    assert set(recent.loc[recent.feeds == "eco_trade", "indicator"]) == {"eco_trade_total"}


def test_scoring_the_founding_period(wide, framework):
    res = sp.soft_power_model(framework).score(wide)
    assert res.index.notna().all()
    assert set(res.index.index) == set(SOURCES)


def test_copies_and_errors(wide):
    again = sp.datasets.load("asean", period=PERIOD)
    again.loc["CHN", "aid_oda"] = -1.0
    assert sp.datasets.load("asean", period=PERIOD).loc["CHN", "aid_oda"] == wide.loc[
        "CHN", "aid_oda"]
    with pytest.raises(ParameterError, match="'period' parameter must be None"):
        sp.datasets.load("asean", period="2009")
    with pytest.raises(ParameterError, match="Only 'asean' has periods"):
        sp.datasets.load("asem", period=PERIOD)
    with pytest.raises(ParameterError, match="must be one of"):
        sp.datasets.load_cells("asem")
