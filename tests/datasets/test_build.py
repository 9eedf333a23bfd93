"""The shipped ASEAN tables are the build's output from the raw files in data-raw/."""

from __future__ import annotations

import hashlib
from importlib import resources

import pandas as pd
import pytest

import spindex as sp
from spindex._io import read_csv_exact
from spindex.softpower import PILLARS, build, coverage, pillar_of

RAW = build.default_raw_dir()
DATA = resources.files("spindex.softpower") / "data"

pytestmark = pytest.mark.skipif(not RAW.is_dir(),
                                reason="data-raw/ exists in a source checkout only")


def shipped(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built() -> dict[str, pd.DataFrame]:
    return build.build()


def test_shipped_tables_are_the_build_output(built):
    # Text equality: no number, label or note of a shipped table was edited by hand.
    assert set(built) == {"asean_provenance.csv", "asean_sources.csv"}
    for name, table in built.items():
        assert shipped(name) == build._text(table), f"{name}: run python -m spindex.softpower.build"
    assert build.main(["--check"]) == 0


def test_raw_extracts_are_the_pinned_files():
    sums = (RAW / "extracts" / "SHA256SUMS").read_text().split("\n")
    pinned = dict(reversed(line.split()) for line in sums if line.strip())
    assert set(pinned) == set(build.EXTRACTS)
    for name, digest in pinned.items():
        assert hashlib.sha256((RAW / "extracts" / name).read_bytes()).hexdigest() == digest, name


def test_every_extract_value_is_a_value_of_its_raw_file(built):
    prov = built["asean_provenance.csv"]
    sources = built["asean_sources.csv"].set_index("source_ref")
    for name in build.EXTRACTS:
        raw = read_csv_exact(RAW / "extracts" / name).rename(
            columns={"source_iso3": "source", "target_iso3": "target"})
        mine = prov[prov["source_ref"].map(sources["raw_file"]).str.endswith(name)]
        assert len(mine) > 0, name
        merged = mine.merge(raw, on=["source", "target", "indicator", "year"],
                            suffixes=("", "_raw"), validate="one_to_one")
        assert len(merged) == len(mine), name
        assert (merged["value"] == merged["value_raw"]).all(), name  # exact, not approximate
        assert (merged["unit"] == merged["unit_raw"]).all(), name
        assert (merged["source_ref"].map(sources["citation"]) == merged["source_citation"]).all()


def test_curated_values_kept_unchanged(built):
    curated = read_csv_exact(RAW / "curated_values.csv")
    assert len(curated) == 137
    prov = built["asean_provenance.csv"].iloc[:137]
    for col in ("source", "target", "indicator", "year", "value", "unit", "source_ref"):
        assert prov[col].tolist() == curated[col].tolist(), col


def test_provenance_is_tidy_and_labelled(built):
    prov = built["asean_provenance.csv"]
    assert list(prov.columns) == ["source", "target", "year", "indicator", "value", "unit",
                                  "currency", "instrument", "source_ref", "note"]
    assert prov[["source", "target", "year", "indicator", "value", "unit", "instrument",
                 "source_ref"]].notna().all().all()
    assert not prov.duplicated(["source", "target", "indicator", "year"]).any()
    assert set(prov["target"]) == {*sp.datasets.ASEAN_MEMBERS, "ASEAN"}  # no Timor-Leste
    # The two aid instruments and the two trade reporters are told apart row by row.
    inst = prov.groupby("indicator")["instrument"].first()
    assert inst["aid_gcdf3_commit_oda_amount"] == "commitment, ODA-like"
    assert inst["aid_gcdf3_commit_all_amount"] == "commitment, all official flows"
    assert inst["aid_oda_net_bilateral_wdi"] == "net disbursement, reported by source"
    assert inst["eco_source_exports_to_target"].endswith("reported by source")
    assert inst["eco_imports_from_source"].endswith("reported by target")


def test_sources_name_their_raw_file_and_address(built):
    sources = built["asean_sources.csv"]
    for path in sources["raw_file"]:
        assert (RAW.parents[1] / path).is_file(), path
    assert sources["url"].str.startswith("http").sum() == len(sources) - 1  # the seed article
    url = sources.set_index("source_ref").loc["aiddata_gcdf3", "url"]
    assert url == "https://github.com/milesdwilliams15/odadata/blob/3c1f895/data/cow_gcdf.csv"


# --------------------------------------------------------------------------- coverage
def test_coverage_of_the_founding_years():
    cov = coverage(sp.datasets.load_provenance("asean"))
    assert list(cov.columns) == ["pillar", "source", "year", "values", "indicators", "targets",
                                 "regional"]
    assert list(dict.fromkeys(cov["pillar"])) == [p for p in PILLARS if p in set(cov["pillar"])]
    cell = cov.set_index(["pillar", "source", "year"])
    # WITS 2009: four trade flows for 10 members (two reporters), 34 values per source.
    assert cell.loc[("economic", "JPN", 2009), "targets"] == 10
    # DAC donors' net bilateral aid in 2009 (WDI) and China's GCDF commitments.
    assert cell.loc[("aid", "USA", 2009), "values"] == 8
    # AidData covers neither Singapore nor, in 2009, Brunei.
    assert cell.loc[("aid", "CHN", 2009), "targets"] == 8


def test_coverage_counts_by_hand():
    t = pd.DataFrame({"source": ["A", "A", "A", "B"], "target": ["X", "X", "ASEAN", "Y"],
                      "year": [1, 1, 1, 2], "indicator": ["aid_a", "aid_b", "aid_a", "op_c"],
                      "value": [1.0, 2.0, 3.0, float("nan")]})
    cov = coverage(t)
    assert cov.to_dict("records") == [{"pillar": "aid", "source": "A", "year": 1, "values": 3,
                                       "indicators": 2, "targets": 1, "regional": True}]


def test_coverage_errors():
    with pytest.raises(sp.SpindexTypeError, match="'provenance' parameter of coverage"):
        coverage([1, 2])
    with pytest.raises(sp.DataError, match=r"lacks the column\(s\) \['year'\]"):
        coverage(pd.DataFrame(columns=["source", "target", "indicator", "value"]))
    with pytest.raises(sp.DataError, match="'gdp' has no pillar"):
        pillar_of("gdp")
