"""The bundled ASEAN soft-power data: every value sourced, the wide table true to its sources."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import ParameterError
from spindex.softpower import soft_power_catalogue, soft_power_model

DATA = resources.files("spindex.softpower") / "data"


def read(name: str) -> pd.DataFrame:
    with (DATA / name).open("rb") as fh:
        return pd.read_csv(fh)


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    return sp.datasets.load("asean")


@pytest.fixture(scope="module")
def provenance() -> pd.DataFrame:
    return sp.datasets.load_provenance("asean")


# --------------------------------------------------------------------------- every value sourced
def test_every_provenance_value_has_a_source():
    values = read("asean_provenance.csv")
    sources = read("asean_sources.csv")
    assert values["value"].notna().all(), "a provenance row without a value"
    missing_ref = values[values["source_ref"].isna() | (values["source_ref"].str.strip() == "")]
    assert missing_ref.empty, f"values without a source:\n{missing_ref}"
    unknown = set(values["source_ref"]) - set(sources["source_ref"])
    assert not unknown, f"source_ref not in asean_sources.csv: {unknown}"
    assert sources["source_ref"].is_unique
    assert sources["citation"].str.len().gt(20).all()
    # Every source but the seed article (a local copy) has an address.
    web = sources[sources["source_ref"] != "hsiao_yang_2009"]
    assert web["url"].str.startswith("http").all()
    for col in ("unit", "note"):
        assert values[col].notna().all(), f"a provenance row without {col}"


def test_every_wide_value_rests_on_sourced_rows(wide, provenance):
    observed = wide.drop(columns="name").notna().stack()
    cells = observed[observed].index  # (source, indicator) of every non-missing value
    assert len(cells) > 0
    used = provenance.dropna(subset=["feeds"])
    backed = set(zip(used["source"], used["feeds"], strict=True))
    unsourced = [cell for cell in cells if cell not in backed]
    assert not unsourced, f"values without a source: {unsourced}"
    assert used["citation"].notna().all() and used["source_ref"].notna().all()


def test_other_data_files_are_sourced():
    sources = set(read("asean_sources.csv")["source_ref"])
    rates = resources.files("spindex.datasets") / "data" / "asean_exchange_rates.csv"
    with rates.open("rb") as fh:
        rates_table = pd.read_csv(fh)
    for table in (read("asean_population.csv"), rates_table):
        assert table["source_ref"].notna().all() and set(table["source_ref"]) <= sources


def test_provenance_has_no_duplicate_key(provenance):
    assert not provenance.duplicated(["source", "target", "indicator", "year"]).any()


def test_money_rows_name_their_currency():
    values = read("asean_provenance.csv")
    money = values["currency"].notna()
    assert set(values.loc[money, "currency"]) <= {"USD", "JPY"}
    assert values[money].apply(lambda r: r["currency"] in r["unit"], axis=1).all()
    assert not values.loc[~money, "unit"].str.contains("USD|JPY").any()


# --------------------------------------------------------------------------- wide == provenance
def recompute(provenance: pd.DataFrame) -> pd.DataFrame:
    """The wide table rebuilt from the selection file with plain pandas, not spindex.dyadic."""
    selection = read("asean_selection.csv")
    cells = {}
    for sel in selection.itertuples():
        years = [int(y) for y in sel.years.split(";")]
        targets = sel.targets.split(";")
        rows = provenance[(provenance["indicator"] == sel.provenance_indicator)
                          & provenance["year"].isin(years) & provenance["target"].isin(targets)]
        yearly = rows.groupby(["source", "year"])["value"].agg(["sum", "size"])
        if pd.notna(sel.min_coverage):
            yearly = yearly[yearly["size"] / len(targets) >= sel.min_coverage]
        cells[sel.indicator] = yearly["sum"].groupby("source").mean()
    return pd.DataFrame(cells)


def test_wide_table_matches_the_provenance(wide, provenance):
    expected = recompute(provenance)
    got = wide[expected.columns].dropna(how="all")
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(), check_names=False)
    # The indicators the selection does not fill are missing for every source.
    other = [c for c in soft_power_catalogue().index if c not in expected.columns]
    assert wide[other].isna().all().all()


def test_values_checked_by_hand(wide):
    assert wide.loc["CHN", "tour_arrivals"] == 0.96e6 + 4.00e6  # PHL + VNM, 2017
    assert wide.loc["KOR", "tour_arrivals"] == 1.60e6 + 2.41e6
    assert np.isnan(wide.loc["AUS", "tour_arrivals"])  # PHL only: coverage 1/2 < 1
    assert wide.loc["JPN", "cult_students"] == 3600 + 2594 + 3526 + 38882  # IDN MYS THA VNM
    assert wide.loc["USA", "cult_students"] == 8727 + 7834 + 7113 + 21403
    assert wide.loc["JPN", "eco_fdi"] == pytest.approx((21206.1 + 21766.0 + 13381.1) / 3)
    assert wide.loc["CHN", "eco_trade"] == 319.0
    assert wide.loc["IND", "op_trust"] == 24.2
    assert wide.loc["JPN", "op_reliable"] == 33.0


def test_wide_table_shape(wide):
    assert list(wide.index) == ["CHN", "JPN", "KOR", "USA", "AUS", "IND"]
    assert wide.index.name == "source"
    assert list(wide.columns) == ["name", *soft_power_catalogue().index]
    assert wide.loc["KOR", "name"] == "South Korea"
    # A copy each time: changing it cannot change the bundled data.
    wide2 = sp.datasets.load("asean")
    wide2.loc["CHN", "eco_trade"] = -1.0
    assert sp.datasets.load("asean").loc["CHN", "eco_trade"] == 319.0


# --------------------------------------------------------------------------- framework and use
def test_framework_keeps_the_indicators_two_sources_report(wide):
    fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    reported = wide.drop(columns="name").notna().sum()
    assert list(fw.indicators) == list(reported.index[reported >= 2])
    assert fw.children("soft_power") == ("economic", "tourism", "culture", "opinion")
    assert fw.effective_weights(2).tolist() == pytest.approx([0.25] * 4)


def test_scoring_the_bundled_data(wide):
    fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    res = soft_power_model(fw).score(wide)
    assert res.index.notna().all()
    assert set(res.table().index[:2]) == {"JPN", "CHN"}
    # The full framework cannot score it: six indicators have no value at all.
    with pytest.raises(sp.DataError, match="no observed value"):
        soft_power_model().score(wide)


def test_provenance_table(provenance):
    assert list(provenance.columns) == ["source", "target", "year", "indicator", "value", "unit",
                                        "currency", "instrument", "source_ref", "citation", "url",
                                        "raw_file", "note", "feeds"]
    assert set(provenance["feeds"].dropna()) <= set(soft_power_catalogue().index)
    assert len(provenance) == len(read("asean_provenance.csv"))
    # Rows kept for the record but not used: the partial Japanese aid items, for instance.
    assert provenance.loc[provenance["indicator"] == "aid_commit_selected", "feeds"].isna().all()


def test_population_covers_the_members():
    pop = sp.datasets.load_population("asean")
    assert set(pop["target"]) == set(sp.datasets.ASEAN_MEMBERS)
    assert (pop["population"] > 0).all()


def test_catalogue_and_errors():
    assert "asean" in sp.datasets.available()
    assert "asean_provenance.csv" in sp.datasets.describe("asean")
    # "asean" has a panel since the over-time lines (tests/softpower/test_over_time.py).
    with pytest.raises(ParameterError, match="Only 'asem', 'elcano' and 'asean' have a panel"):
        sp.datasets.load_panel("aseans")
    with pytest.raises(ParameterError, match="options of the 'asean' panel only"):
        sp.datasets.load_panel("asem", split=True)
    with pytest.raises(ParameterError, match="must be one of"):
        sp.datasets.load("aseans")
    with pytest.raises(ParameterError, match="must be one of"):
        sp.datasets.load_provenance("asem")
    assert sp.datasets.load("asem").shape == (51, 59)
