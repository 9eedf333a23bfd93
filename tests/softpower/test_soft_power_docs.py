"""The examples of docs/soft-power.md run as written, and its numbers are this release's."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.sampling import WeightNoise
from spindex.softpower import over_time, soft_power_model

PAGE = Path(__file__).resolve().parents[2] / "docs" / "soft-power.md"


@pytest.fixture(scope="module")
def page() -> dict[str, object]:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 7
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)
    namespace["__text__"] = text
    return namespace


def test_the_founding_answer(page):
    text = str(page["__text__"])
    res = page["res"]
    index = res.index.round(3)
    assert (index["CHN"], index["JPN"], index["USA"], index["AUS"]) == (0.749, 0.618, 0.544,
                                                                         0.449)
    dom = page["dom"]
    assert f"{dom.share:.1%}".replace("%", " %") in text  # 76.8 %
    assert round(dom.share, 3) == 0.768
    thresholds = dom.thresholds
    assert "0.466" in text and "0.375" in text
    assert thresholds.to_string().count("0.466") + thresholds.to_string().count("0.4663") >= 1


def test_the_data_source_shares(page):
    text = " ".join(str(page["__text__"]).split())
    total = page["shares"].total_order["difference"]

    def pct(x: float) -> str:
        return f"{x:.0%}".replace("%", " %")

    assert f"the data source carries {pct(total['data source'])} of that variance" in text
    assert f"China's aid source alone {pct(total['source:aid_oda'])}" in text
    assert f"the weights {pct(total['weights'])}" in text
    assert f"the method {pct(total['method'])}" in text
    aid = page["shares"].aid
    assert f"{aid.iloc[1, 2]:.1f} times the ODA-like" in text
    assert (page["shares"].outcomes["share CHN leads"] == 1.0).all()


def test_china_is_first_in_every_uncertainty_run_of_the_founding_period(page):
    ua = sp.uncertainty(page["model"], page["founding"], weights=WeightNoise(0.25),
                        aggregate=["arithmetic", "geometric"], n=20_000, seed=2026)
    assert ua.rank_frequencies[1]["CHN"] == 1.0


def test_the_per_member_answer():
    import io

    from spindex.softpower.demo import _china_japan_by_member, build_context

    table = _china_japan_by_member(build_context("2009-2011"), io.StringIO())[
        "china_japan_by_member"]
    assert sorted(table.index[table["leader"] == "CHN"]) == ["IDN", "KHM", "LAO", "MMR", "PHL",
                                                             "SGP", "THA"]
    assert sorted(table.index[table["leader"] == "JPN"]) == ["BRN", "MYS", "VNM"]
    aid = table["indicators"].str.contains("aid_oda")
    assert aid.sum() == 6 and table["indicators"].str.contains("op_favourable").sum() == 2


def test_rank_bounds_and_flips(page):
    bounds = page["bounds"]
    assert bounds.exact
    got = {u: (int(r["best"]), int(r["worst"])) for u, r in bounds.table.iterrows()}
    assert got == {"CHN": (1, 4), "JPN": (1, 4), "USA": (1, 4), "AUS": (1, 5), "KOR": (4, 5)}
    assert bounds.weights_best.loc["JPN", "economic"] == pytest.approx(1.0)
    # "or on opinion": all the weight on opinion makes Japan first too.
    scores = page["scores"]
    assert scores["opinion"].idxmax() == "JPN" and scores["economic"].idxmax() == "JPN"
    flip = page["flip"]
    assert flip.distance.round(3).tolist() == [0.249, 0.141, 0.076]
    linf = flip.weights.loc["linf"].round(3).to_dict()
    assert linf == {"aid": 0.2, "economic": 0.276, "tourism": 0.124, "culture": 0.124,
                    "opinion": 0.276}
    l1 = flip.weights.loc["l1"].round(3)
    assert (l1 != 0.2).sum() == 2 and l1["tourism"] == 0.076 and l1["opinion"] == 0.324
    assert (flip.weights.loc["l2"].round(3) != 0.2).all()
    # Over all nine sources (sampled, as the demo does it).
    fw = page["fw"]
    sampled = sp.rank_bounds(soft_power_model(fw), page["founding"], n=20_000, seed=2026)
    assert not sampled.exact
    assert tuple(sampled.table.loc["CHN", ["best", "worst"]]) == (1, 4)
    assert tuple(sampled.table.loc["JPN", ["best", "worst"]]) == (1, 5)


def test_over_time_numbers(page):
    trend = page["aid"]
    table = over_time.trend_table(trend)
    oda = table.loc[("ODA-like", "CHN")]
    every = table.loc[("all official flows", "CHN")]
    assert (round(oda["first"]), round(oda["last"]), round(oda["cagr"], 3)) == (287, 813, 0.051)
    assert (round(every["first"]), round(every["last"]), round(every["cagr"], 3)) == (
        1253, 4238, 0.060)
    ranks = page["by_year"].period_ranks()
    assert ranks.columns.tolist() == [1999, 2005, 2013, 2014, 2015, 2016, 2017, 2018]
    assert (ranks.loc["AUS"] == 1).all() and (ranks.loc["USA"] == 2).all()
    assert ranks.loc["JPN", 2018] == 3 and ranks.loc["GBR", 2018] == 4
    assert (ranks.loc["JPN", [y for y in ranks.columns if y < 2018]] == 4).all()
    students = over_time.series({"s": "cult_students_hosted_uis"}, sources=["JPN"],
                                min_targets=8)
    jpn = over_time.trend_table(students).loc[("s", "JPN")]
    assert (jpn["start"], jpn["end"], round(jpn["cagr"], 3)) == (1998, 2019, 0.121)


def test_the_recent_answer():
    data = sp.datasets.load("asean")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    model = soft_power_model(fw)
    index = model.score(data).index.round(3)
    assert (index["JPN"], index["CHN"]) == (0.793, 0.782)
    assert round(sp.dominance(model, data, "CHN", "JPN").share, 3) == 0.439
    pillars = list(fw.children("soft_power"))
    scores = model.score(data).scores[pillars].dropna()
    on_pillars = sp.CompositeIndex(sp.Framework.from_dict(
        {"code": "soft_power", "children": [{"code": p} for p in pillars]}), normalize="none")
    flip = sp.nearest_flip(on_pillars, scores, "JPN", "CHN")
    assert round(float(flip.distance["linf"]), 3) == 0.008
    bounds = sp.rank_bounds(on_pillars, scores, method="exact").table
    assert bounds.loc["CHN", "best"] == 1 and bounds.loc["JPN", "best"] == 1


def test_the_aid_sources_disagree_as_the_page_says():
    import io

    from spindex.softpower.demo import _china_aid_sources

    ratio = _china_aid_sources(io.StringIO())["china_aid_sources"]["Lowy/AidData (committed)"]
    assert round(ratio.min(), 1) == 0.6 and round(ratio.max()) == 15
    assert np.isfinite(ratio).all() and isinstance(ratio, pd.Series)
