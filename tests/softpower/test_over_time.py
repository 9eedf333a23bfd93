"""Soft power over time: lines of one instrument each, panels, trends and the figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spindex as sp
from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.softpower import over_time
from spindex.softpower.over_time import LINES, panel, plot_series, series, trend_table

ODA = "aid_gcdf3_commit_oda_amount"
ALL = "aid_gcdf3_commit_all_amount"
MEMBERS = sp.datasets.ASEAN_MEMBERS


@pytest.fixture(scope="module")
def prov() -> pd.DataFrame:
    return sp.datasets.load_provenance("asean")


def test_china_aid_is_the_sum_over_members_in_usd_million(prov):
    aid = series(ODA)
    rows = prov[(prov["indicator"] == ODA) & prov["target"].isin(MEMBERS)]
    expected = rows.groupby("year")["value"].sum() / 1e6
    got = aid.set_index("year")["value"]
    assert aid["source"].unique().tolist() == ["CHN"]
    assert got.index.tolist() == list(range(2000, 2022))
    np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].to_numpy(), rtol=1e-12)
    assert set(aid["unit"]) == {"USD million (constant 2021)"}
    assert set(aid["instrument"]) == {"commitment, ODA-like; sum over listed members"}
    assert (aid["n_targets"] == rows.groupby("year")["target"].nunique().loc[got.index]
            .to_numpy()).all()


def test_the_founding_aid_value_is_the_mean_of_the_panels_2009_and_2010():
    # Two routes to one number: the cross-section's cell and the panel's years.
    founding = sp.datasets.load("asean", period="2009-2011").loc["CHN", "aid_oda"]
    yearly = sp.datasets.load_panel("asean").loc["CHN", "china_aid_oda_like"]
    assert yearly.loc[[2009, 2010]].mean() == pytest.approx(founding, rel=1e-12)


def test_one_member_and_published_region_values(prov):
    vnm = series(ALL, target="VNM")
    rows = prov[(prov["indicator"] == ALL) & (prov["target"] == "VNM")].sort_values("year")
    np.testing.assert_allclose(vnm["value"], rows["value"] / 1e6, rtol=1e-12)
    assert (vnm["n_targets"] == 1).all() and set(vnm["targets"]) == {"VNM"}
    trade = series("eco_trade_total", sources=["CHN"])
    # Published for the region in USD billion, converted to USD million, never summed.
    assert trade["year"].tolist() == [2008, 2010, 2013]
    assert trade["value"].tolist() == [192_000.0, 230_000.0, 319_000.0]
    assert set(trade["instrument"]) == {
        "exports plus imports, reported by target; published for the region"}


def test_poll_shares_of_single_members_are_not_added_up():
    assert series("op_fav_pew").empty
    phl = series("op_fav_pew", target="PHL", sources=["CHN"])
    assert phl["year"].tolist() == [2013, 2015, 2017, 2019]
    assert phl["value"].tolist()[0] == 48.0


def test_min_targets_drops_sums_over_few_members():
    loose = series("cult_students_hosted_uis", sources=["FRA"])
    strict = series("cult_students_hosted_uis", sources=["FRA"], min_targets=8)
    assert len(strict) < len(loose)
    assert (strict["n_targets"] >= 8).all()
    assert set(strict["year"]) == set(loose.loc[loose["n_targets"] >= 8, "year"])


def test_default_lines_and_dataset_loader_agree():
    assert set(series()["line"]) == set(LINES)
    pd.testing.assert_frame_equal(sp.datasets.load_panel("asean"), panel(series()))
    wide = sp.datasets.load_panel("asean", {"students": "cult_students_hosted_uis"},
                                  sources=["JPN", "AUS"], min_targets=9)
    assert wide.index.names == ["source", "year"]
    assert set(wide.index.get_level_values("source")) == {"JPN", "AUS"}


# ------------------------------------------------------------------- never two instruments
def test_a_line_mixing_instruments_is_refused():
    mixed = series({"aid": [ODA, ALL]})
    for call in (lambda: panel(mixed), lambda: trend_table(mixed),
                 lambda: plot_series(mixed)):
        with pytest.raises(DataError, match=r"The line 'aid' mixes 2 instruments.*"
                                            r"commitment, ODA-like.*all official flows"):
            call()
    with pytest.raises(DataError, match="mixes 2 instruments"):
        sp.datasets.load_panel("asean", {"aid": [ODA, ALL]})


def test_a_line_mixing_instruments_is_split_on_request():
    mixed = series({"aid": [ODA, ALL]})
    wide = panel(mixed, split=True)
    assert len(wide.columns) == 2
    assert all(c.startswith("aid [commitment, ") for c in wide.columns)
    separate = panel(series({"oda": ODA, "all": ALL}))
    oda = next(c for c in wide.columns if "ODA-like" in c)
    every = next(c for c in wide.columns if "all official flows" in c)
    np.testing.assert_array_equal(wide[[oda, every]].to_numpy(),
                                  separate[["oda", "all"]].to_numpy())
    trend = trend_table(mixed, split=True)
    assert trend["instrument"].nunique() == 2


def test_a_region_total_and_a_sum_over_members_are_two_instruments():
    # Confucius Institutes: published for the region in some years, listed for Thailand
    # in others. One line would read the switch of basis as a change over time.
    lines = series("cult_confucius_inst", sources=["CHN"])
    assert lines["instrument"].str.endswith("published for the region").any()
    assert lines["instrument"].str.endswith("sum over listed members").any()
    with pytest.raises(DataError, match="mixes 2 instruments"):
        panel(lines)
    assert len(panel(lines, split=True).columns) == 2


def test_plot_keeps_instruments_apart():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plot_series(series({"aid": [ODA, ALL]}), split=True)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(fig.axes[0].get_lines()) == 2
    assert any("ODA-like" in label for label in labels)
    assert any("all official flows" in label for label in labels)
    styles = {(ln.get_marker(), ln.get_linestyle()) for ln in fig.axes[0].get_lines()}
    assert len(styles) == 2
    plt.close(fig)
    # One instrument per axes: it is named in the legend's title; a gap breaks the line.
    students = series("cult_students_hosted_uis", sources=["USA"], min_targets=8)
    fig = plot_series(students)
    legend = fig.axes[0].get_legend()
    assert legend.get_title().get_text().startswith("instrument: enrolled, reported by host")
    y = fig.axes[0].get_lines()[0].get_ydata()
    assert np.isnan(np.asarray(y, dtype=float)).any()
    plt.close(fig)


def test_overlapping_codes_on_one_line_are_refused():
    base = pd.DataFrame({"source": ["CHN"] * 2, "target": ["VNM"] * 2, "year": [2010] * 2,
                         "indicator": ["aid_a", "aid_b"], "instrument": ["grant"] * 2,
                         "unit": ["USD million"] * 2, "value": [1.0, 2.0]})
    long = series({"aid": ["aid_a", "aid_b"]}, target="VNM", provenance=base)
    with pytest.raises(DataError, match="two codes of one line overlap"):
        panel(long)
    with pytest.raises(DataError, match="two codes of one line overlap"):
        plot_series(long)


# ------------------------------------------------------------------------------- trends
def test_trend_table_against_closed_forms():
    aid = series(ODA)
    t = trend_table(aid).loc[(ODA, "CHN")]
    years = aid["year"].to_numpy(dtype=float)
    values = aid["value"].to_numpy()
    assert t["slope"] == pytest.approx(np.polyfit(years, values, 1)[0], rel=1e-10)
    span = years[-1] - years[0]
    assert t["cagr"] == pytest.approx((values[-1] / values[0]) ** (1 / span) - 1, rel=1e-10)
    assert (t["start"], t["end"], t["n_obs"]) == (2000, 2021, 22)
    assert t["first"] == values[0] and t["last"] == values[-1]


def test_score_panel_ranks_the_hosts_by_year():
    students = series({"students": "cult_students_hosted_uis"},
                      sources=["AUS", "JPN", "GBR"], min_targets=9)
    wide = panel(students)
    fw = sp.Framework.from_dict({"code": "s", "children": [{"code": "students"}]})
    res = sp.score_panel(sp.soft_power_model(fw), wide)
    counts = wide["students"].unstack("year")
    expected = counts.rank(ascending=False, method="min")
    ranks = res.period_ranks()
    both = ranks.notna() & expected.notna()
    assert (ranks[both] == expected[both]).all().all()


# ------------------------------------------------------------------------------- errors
@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"indicators": "aid_nothing"}, ParameterError, r"aid_nothing"),
    ({"indicators": []}, ParameterError, r"names no code"),
    ({"indicators": 3}, SpindexTypeError, r"'indicators' parameter of series.*int"),
    ({"indicators": {"x": [1]}}, SpindexTypeError, r"line 'x'"),
    ({"target": "TLS"}, ParameterError, r"'target' parameter of series.*'TLS'"),
    ({"sources": "CHN"}, SpindexTypeError, r"'sources' parameter.*list"),
    ({"sources": ["XXX"]}, ParameterError, r"'sources' parameter of series names \['XXX'\]"),
    ({"min_targets": 0}, ParameterError, r"'min_targets' parameter.*Got 0"),
    ({"min_targets": True}, ParameterError, r"'min_targets'"),
    ({"provenance": [1, 2]}, SpindexTypeError, r"'provenance' parameter"),
    ({"provenance": pd.DataFrame({"source": []})}, DataError, r"lacks column"),
])
def test_series_checks_its_inputs(kwargs, error, match):
    with pytest.raises(error, match=match):
        series(**kwargs)


def test_panel_checks_its_inputs():
    with pytest.raises(SpindexTypeError, match="'long' parameter of panel"):
        panel([1, 2])  # type: ignore[arg-type]
    with pytest.raises(DataError, match="lacks column"):
        panel(pd.DataFrame({"line": []}))
    with pytest.raises(SpindexTypeError, match="'split' parameter of panel"):
        panel(series(ODA), split="yes")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no value to draw"):
        plot_series(series("op_fav_pew"))
    with pytest.raises(SpindexTypeError, match="'log' parameter"):
        plot_series(series(ODA), log=1)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="'names' parameter of plot_series"):
        plot_series(series(ODA), names=["China"])  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="'title' parameter of plot_series"):
        plot_series(series(ODA), title=3)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="trend_table has no value"):
        trend_table(series("op_fav_pew"))


def test_inputs_are_not_mutated(prov):
    before = prov.copy()
    long = series(ODA, provenance=prov)
    kept = long.copy()
    panel(long)
    trend_table(long)
    pd.testing.assert_frame_equal(prov, before)
    pd.testing.assert_frame_equal(long, kept)


# ----------------------------------------------------------------------------- properties
_rows = st.lists(
    st.tuples(st.sampled_from(["CHN", "JPN"]), st.sampled_from([*MEMBERS[:4], "ASEAN"]),
              st.integers(2000, 2004), st.sampled_from(["aid_a", "aid_b"]),
              st.floats(0, 1e6, allow_nan=False), st.sampled_from(["persons", "percent"])),
    min_size=1, max_size=40, unique_by=lambda r: r[:4])


@given(_rows, st.sampled_from(["grant", "loan"]), st.sampled_from(["grant", "loan"]))
def test_lines_never_carry_two_instruments(rows, inst_a, inst_b):
    # One unit and one instrument per code, as in the provenance table. The oracle works on
    # the drawn rows in plain Python (a few dozen rows): pandas' per-call overhead made the
    # test's own bookkeeping cost as much as the functions under test.
    units = {"aid_a": "persons", "aid_b": "count"}
    instruments = {"aid_a": inst_a, "aid_b": inst_b}
    source, target, year, indicator, value, _ = zip(*rows, strict=True)
    frame = pd.DataFrame({"source": source, "target": target, "year": year,
                          "indicator": indicator, "value": value,
                          "unit": [units[c] for c in indicator],
                          "instrument": [instruments[c] for c in indicator]})
    long = series({"aid": sorted(set(indicator))}, provenance=frame)
    # Member sums are exact sums of the rows they stand for.
    expected: dict[tuple[str, str, int], float] = {}
    for key, t, v in zip(zip(source, indicator, year, strict=True), target, value,
                         strict=True):
        if t != "ASEAN":
            expected[key] = expected.get(key, 0.0) + v
    summed = long[long["instrument"].str.endswith("sum over listed members")]
    got = list(zip(summed["source"], summed["indicator"], summed["year"], strict=True))
    np.testing.assert_allclose(summed["value"].to_numpy(), [expected[k] for k in got])
    try:
        wide = panel(long)
    except DataError as exc:
        assert "mixes" in str(exc) or "overlap" in str(exc)
        kinds = long.groupby("line")[["instrument", "unit"]].nunique()
        duplicated = long.duplicated(["line", "source", "year"]).any()
        assert (kinds.to_numpy() > 1).any() or duplicated
    else:
        assert long[["instrument", "unit"]].drop_duplicates().shape[0] == 1
        assert list(wide.columns) == ["aid"]
    try:
        split = panel(long, split=True)
    except DataError as exc:
        assert "overlap" in str(exc)
    else:
        # One column per instrument and unit: nothing drawn on one line mixes them.
        kinds = long[["instrument", "unit"]].drop_duplicates()
        assert len(split.columns) == len(kinds)
        if len(kinds) > 1:
            assert all(c.startswith("aid [") for c in split.columns)


def test_module_exports():
    assert set(over_time.__all__) == {"LINES", "panel", "plot_series", "series",
                                      "trend_table"}
