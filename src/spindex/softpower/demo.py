"""The main job on bundled data, printed for a terminal: ``make demo`` / ``spindex demo``.

The demo scores the soft power of external powers toward ASEAN (the bundled
``"asean"`` dataset) with the built-in soft-power framework, twice: first for the
founding period of the question (2009-2011: nine sources, all five pillars), then for
the recent years (six sources, four pillars). For each it prints one section after
another: the ranking with pillar scores and contributions, data coverage and the
year of every value, who leads in each member, the exact share of pillar weightings in
which China leads Japan with the weights at which the order flips, each source's best and
worst rank over the pillar simplex and the nearest pillar weights at which Japan and China
swap (exact, L1/L2/max-norm), rank intervals under weight and method uncertainty, and how
much the choice of data source moves that answer (China's aid by AidData or by the Lowy
Institute, trade reported by either side), with the first- and total-order Sobol shares
of the data source, the weights and the method in China's lead over Japan
(:mod:`spindex.softpower.source_uncertainty`). The recent part ends with the series that have years
(China's aid 2000-2021 per instrument, students by host 1998-2020).

A section is a function ``section(ctx, out) -> {name: table}``: it prints to
``out`` and returns the tables to write as CSV files; :data:`SECTIONS` lists them in
order. The tables of the founding period are written with the prefix ``founding_``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from spindex import datasets
from spindex.analysis.dominance import dominance
from spindex.analysis.flip import nearest_flip
from spindex.analysis.rank_bounds import rank_bounds
from spindex.analysis.sampling import WeightNoise
from spindex.analysis.smaa import smaa
from spindex.analysis.uncertainty import uncertainty
from spindex.dyadic import per_target
from spindex.errors import ParameterError
from spindex.explore import explore
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.panel import PanelResult, score_panel
from spindex.result import IndexResult
from spindex.softpower import over_time, source_uncertainty
from spindex.softpower.framework import (
    PILLARS,
    soft_power_catalogue,
    soft_power_framework,
    soft_power_model,
)

__all__ = [
    "PERIODS",
    "SECTIONS",
    "DemoContext",
    "Section",
    "build_context",
    "run_demo",
    "section_china_japan",
    "section_data_sources",
    "section_over_time",
    "section_rank_bounds",
    "section_uncertainty",
]


@dataclass(frozen=True, eq=False)
class DemoContext:
    """Everything a demo section may use.

    Attributes
    ----------
    data : pandas.DataFrame
        ``datasets.load("asean", period)``: sources x every soft-power indicator.
    provenance : pandas.DataFrame
        ``datasets.load_provenance("asean", period)``: every value with its source.
    model : CompositeIndex
        The scored model (ASEAN framework, fraction of max, arithmetic means).
    result : IndexResult
        ``model.score(data)``.
    period : str or None
        ``None`` for the recent years, ``"2009-2011"`` for the founding period.
    years : pandas.DataFrame
        ``datasets.load_years("asean", period)``: the year(s) of every value.
    """

    data: pd.DataFrame
    provenance: pd.DataFrame
    model: CompositeIndex
    result: IndexResult
    period: str | None = None
    years: pd.DataFrame | None = None

    @property
    def label(self) -> str:
        """``"2009-2011"`` or ``"recent years"``, for titles."""
        return self.period or "recent years"

    @property
    def framework(self) -> Framework:
        """The framework of the model."""
        return self.model.framework


#: A demo section: prints to the stream, returns the tables to write (file stem -> table).
Section = Callable[[DemoContext, TextIO], dict[str, pd.DataFrame]]


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n{title}\n{'=' * len(title)}\n")


def _write_frame(out: TextIO, frame: pd.DataFrame, fmt: str = "{:7.3f}") -> None:
    with pd.option_context("display.width", 120, "display.max_columns", 20,
                           "display.float_format", fmt.format):
        out.write(frame.to_string(na_rep="-") + "\n")


def build_context(period: str | None = None) -> DemoContext:
    """Load the ASEAN data and framework of a period, build the soft-power model and score it.

    Parameters
    ----------
    period : {None, "2009-2011"}, optional
        ``None``: the recent years; ``"2009-2011"``: the founding period.

    Returns
    -------
    DemoContext
    """
    data = datasets.load("asean", period=period)
    framework = Framework.from_table(datasets.load_framework("asean", period=period))
    model = soft_power_model(framework)
    return DemoContext(data=data, provenance=datasets.load_provenance("asean", period=period),
                       model=model, result=model.score(data), period=period,
                       years=datasets.load_years("asean", period=period))


def section_ranking(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """The ranking of the sources with their pillar scores."""
    fw = ctx.framework
    _section(out, f"Soft power toward ASEAN, {ctx.label}: ranking of the sources")
    names = ", ".join(f"{c} {n}" for c, n in ctx.data["name"].items())
    pillars = fw.children(fw.root)
    absent = [p for p in PILLARS if p not in pillars]
    note = (f"; {', '.join(absent)} has no value comparable across sources" if absent else
            ": all five")
    out.write(
        f"Sources: {names}.\n"
        f"Pillars with data: {', '.join(pillars)} (equal weights{note}).\n"
        "Each indicator is divided by the best source's value (1 = leader), "
        "pillars and index are weighted arithmetic means.\n\n"
    )
    table = ctx.result.table(level=2)
    _write_frame(out, table)
    return {"ranking": table}


def section_contributions(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """Each pillar's part of each source's index score."""
    _section(out, "Pillar contributions to the index (rows sum to the index score)")
    contrib = ctx.result.contributions(level=2).loc[ctx.result.table().index]
    _write_frame(out, contrib)
    return {"contributions": contrib, "scores": ctx.result.scores}


def section_coverage(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """Which cells are missing, and what the missing-data rules do with them."""
    fw = ctx.framework
    _section(out, "Data coverage: the values behind the ranking ('-' = no comparable value)")
    used = list(fw.indicators)
    raw = ctx.data[used]
    big = [c for c in used if raw[c].max() >= 1e5]
    shown = raw.assign(**{c: raw[c] / 1e6 for c in big}).rename(
        columns={c: f"{c} (m)" for c in big})
    formats = {f"{c} (m)" if c in big else c: ("{:.2f}" if c in big else "{:,.1f}").format
               for c in used}
    out.write(shown.to_string(na_rep="-", formatters=formats) + "\n")
    if ctx.years is not None:
        out.write("\nThe year(s) of each value (datasets.load_years):\n")
        out.write(ctx.years[used].replace("", "-").to_string() + "\n")

    pillars = fw.children(fw.root)
    have = pd.DataFrame({p: raw[list(fw.descendants(p, indicators_only=True))].notna().any(axis=1)
                         for p in pillars})
    coverage = pd.DataFrame({
        "indicators": raw.notna().sum(axis=1).astype(str) + f"/{len(used)}",
        "pillars": have.sum(axis=1).astype(str) + f"/{len(pillars)}",
        "missing pillars": pd.DataFrame(np.where(have, "", have.columns + ", "), index=have.index)
        .sum(axis=1).str.rstrip(", ").replace("", "-"),
    })
    out.write("\n")
    out.write(coverage.to_string() + "\n")

    empty = [c for c in soft_power_catalogue().index if c not in used]
    strict = CompositeIndex(fw, normalize=ctx.model.normalize, aggregate=ctx.model.aggregate,
                            min_coverage={fw.root: 0.75}).score(ctx.data)
    dropped = [u for u in strict.index.index if pd.isna(strict.index[u])]
    imputed = CompositeIndex(fw, normalize=ctx.model.normalize, aggregate=ctx.model.aggregate,
                             impute="median").score(ctx.data)
    order = " > ".join(imputed.table().index)
    strict_effect = (f"then {' and '.join(dropped)} would get no index." if dropped else
                     "every source has that many.")
    out.write(
        "\nHow missing cells are treated:\n"
        f"- Indicators no two sources report are left out of the ASEAN framework: "
        f"{', '.join(empty)}.\n"
        "- A pillar is the mean of the indicators a source has, their weights renormalised; the "
        "index is the mean of the pillars it has (the 'pillars' column above).\n"
        f"- CompositeIndex(..., min_coverage={{'{fw.root}': 0.75}}) requires "
        f"{int(np.ceil(0.75 * len(pillars)))} of {len(pillars)} pillars: {strict_effect}\n"
        f"- impute='median' fills each gap with the median of the other sources instead: "
        f"{order}. Missing here is not random (a source is missing where it is not among the "
        "partners a statistic lists, or is not a donor): imputation hands the sources that lack "
        "data the typical value of those that have it.\n"
    )
    return {"coverage": coverage, "data": ctx.data, "provenance": ctx.provenance}


def section_per_target(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """Who leads where: the per-target view of dyadic data.

    Founding period: China vs Japan scored in each member on the indicators both have
    there. Recent years: visitor arrivals by destination.
    """
    if ctx.period is not None:
        return _china_japan_by_member(ctx, out)
    _section(out, "Who leads where: visitor arrivals in 2017 by destination (millions)")
    prov = ctx.provenance
    rows = prov[(prov["indicator"] == "tour_arrivals") & (prov["year"] == 2017)
                & (prov["target"] != "ASEAN")]
    tables = per_target(rows[["source", "target", "indicator", "year", "value"]])
    arrivals = pd.DataFrame({t: tab["tour_arrivals"] for t, tab in tables.items()}).T / 1e6
    arrivals = arrivals.reindex(columns=[c for c in datasets.ASEAN_SOURCES if c in arrivals])
    arrivals.index.name = "destination"
    arrivals["leader"] = arrivals.idxmax(axis=1)
    _write_frame(out, arrivals, "{:6.2f}")
    out.write("National statistics list the top five origins only; '-' = not listed.\n")
    return {"tourism_by_destination": arrivals}


def section_uncertainty(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """Rank intervals when every weight moves by up to 25% and the mean may be geometric."""
    _section(out, "How fragile is the ranking? 20,000 runs: every weight +-25%, arithmetic or "
                  "geometric means")
    ua = uncertainty(ctx.model, ctx.data, weights=WeightNoise(0.25),
                     aggregate=["arithmetic", "geometric"], n=20_000, seed=2026,
                     keep_inputs=True)
    summary = ua.summary()
    first = ua.rank_frequencies[1]
    table = pd.DataFrame({
        "nominal": summary["nominal_rank"].astype(int),
        "median": summary["median_rank"],
        "5%-95%": summary["rank_q05"].astype(str) + "-" + summary["rank_q95"].astype(str),
        "P(first)": first.reindex(summary.index),
        "mean |shift|": summary["mean_abs_shift"],
        "score mean": summary["score_mean"],
        "score sd": summary["score_sd"],
    })
    _write_frame(out, table)
    out.write(f"Mean absolute rank shift over all runs and sources: {ua.mean_rank_shift:.3f} "
              "(seed 2026; the sampled inputs of every run are in uncertainty_inputs.csv).\n")
    return {"uncertainty": summary, "uncertainty_inputs": ua.inputs}


def section_china_japan(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """The seed article's question: does China or Japan lead, and for how many weightings?"""
    _section(out, f"China or Japan, {ctx.label}? The share of all pillar weightings in which "
                  "China leads")
    dom = dominance(ctx.model, ctx.data, "CHN", "JPN")
    out.write(f"{dom!r}\n")
    if 0.1 < dom.share < 0.9:
        out.write(f"\nPlainly: the pillar weights decide. China leads Japan for "
                  f"{dom.share:.1%} of the weightings and Japan for the rest; these data do "
                  "not decide China vs Japan without a choice of weights.\n")
    else:
        leader = "China" if dom.share >= 0.9 else "Japan"
        out.write(f"\nPlainly: {leader} leads for at least 90% of the pillar weightings.\n")
    sm = smaa(ctx.model, ctx.data, n=100_000, seed=2026)
    first = sm.rank_acceptability[1]
    out.write(
        f"\nSMAA, 100,000 pillar weightings uniform on the simplex: Japan ranks first in "
        f"{first['JPN']:.1%} of them, China in {first['CHN']:.1%} (exact share in which China "
        f"scores at least as high as Japan: {dom.share:.4f}).\n"
    )
    central = sm.central_weights.loc[["JPN", "CHN"]]
    out.write("Typical weights that make each first (central weight vectors):\n")
    _write_frame(out, central)
    return {"china_japan_thresholds": dom.thresholds, "smaa_rank_acceptability":
            sm.rank_acceptability, "smaa_central_weights": sm.central_weights}


def _china_japan_by_member(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """China vs Japan in each member, on the indicators both have there."""
    _section(out, f"Who leads where, {ctx.label}: China vs Japan in each member")
    tables = datasets.load_per_target("asean", period=ctx.period)
    rows = []
    for member, table in tables.items():
        if not {"CHN", "JPN"} <= set(table.index):
            continue
        both = [c for c in ctx.framework.indicators if c in table.columns
                and table.loc[["CHN", "JPN"], c].notna().all()]
        if not both:
            continue
        fw = soft_power_framework().drop(
            *[c for c in soft_power_catalogue().index if c not in both])
        model = soft_power_model(fw)
        res = model.score(table[both])
        pillars = fw.children(fw.root)
        share = (dominance(model, table[both], "CHN", "JPN").share if len(pillars) > 1
                 else float(res.index["CHN"] >= res.index["JPN"]))
        rows.append({"member": member, "indicators": ", ".join(both),
                     "CHN": res.index["CHN"], "JPN": res.index["JPN"],
                     "leader": "CHN" if res.index["CHN"] > res.index["JPN"] else "JPN",
                     "share CHN >= JPN": share})
    table = pd.DataFrame(rows).set_index("member")
    with pd.option_context("display.width", 140, "display.max_colwidth", 60):
        out.write(table.to_string(float_format="{:.3f}".format) + "\n")
    out.write(
        "Each member is scored on the indicators both China and Japan have there (all sources "
        "with a value in that member normalised together, equal pillar weights); the share is "
        "the exact share of pillar weightings in which China scores at least as high as Japan "
        "(0 or 1 with one pillar). Members not listed have no common indicator.\n")
    return {"china_japan_by_member": table}


def _money_million(rows: pd.DataFrame) -> pd.Series:
    """Values of rows in USD million, whatever scale the source printed."""
    factor = rows["unit"].map(lambda u: 1000.0 if str(u).startswith("USD billion") else
                              1e-6 if str(u).startswith("USD (") else 1.0)
    return rows["value"] * factor


def _china_aid_sources(out: TextIO) -> dict[str, pd.DataFrame]:
    """China's aid 2015-2021: AidData commitments vs the Lowy Southeast Asia Aid Map."""
    prov = datasets.load_provenance("asean")
    window = prov[(prov["source"] == "CHN") & prov["year"].between(2015, 2021)]
    aiddata = {code: _money_million(window[window["indicator"] == code]).groupby(
        window.loc[window["indicator"] == code, "target"]).sum() / 1000
        for code in ("aid_gcdf3_commit_oda_amount", "aid_gcdf3_commit_all_amount")}
    china = prov[prov["source"] == "CHN"]
    lowy = {code: _money_million(china[china["indicator"] == code]).groupby(
        china.loc[china["indicator"] == code, "target"]).sum() / 1000
        for code in ("aid_odf_committed_2015_2021_lowy", "aid_odf_spent_2015_2021_lowy")}
    aid = pd.DataFrame({
        "AidData ODA-like": aiddata["aid_gcdf3_commit_oda_amount"],
        "AidData all flows": aiddata["aid_gcdf3_commit_all_amount"],
        "Lowy committed": lowy["aid_odf_committed_2015_2021_lowy"],
        "Lowy spent": lowy["aid_odf_spent_2015_2021_lowy"],
    }).dropna(subset=["Lowy committed"])
    aid["Lowy/AidData (committed)"] = aid["Lowy committed"] / aid["AidData all flows"]
    aid.index.name = "member"
    out.write("China's official finance to each member, 2015-2021 summed, USD billion "
              "(AidData GCDF 3.0 commitments, constant 2021 USD; Lowy Southeast Asia Aid Map "
              "as cited by CSIS 2023):\n")
    _write_frame(out, aid, "{:7.2f}")
    lo, hi = aid["Lowy/AidData (committed)"].min(), aid["Lowy/AidData (committed)"].max()
    out.write(f"The two disagree by a factor of {lo:.2f} to {hi:.1f} per member: which aid "
              "source is used is a choice, not a fact. The recent table has no aid pillar (no "
              "donor x recipient aid for the other sources in these years), so this "
              "disagreement cannot move its ranking yet.\n")
    return {"china_aid_sources": aid}


def section_data_sources(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """The data source as a choice: China's aid by AidData or Lowy, trade by either reporter."""
    _section(out, f"Which data source? China vs Japan, {ctx.label}, under each source choice")
    if ctx.period is None:
        return _china_aid_sources(out)
    # The founding-period answer under each combination of source choices.
    cells = datasets.load_cells("asean", period=ctx.period)
    alt = cells[cells["alternative"] != ""].set_index(["source", "indicator", "alternative"])
    choices = {
        ("aid_oda", "AidData ODA-like"): None,
        ("aid_oda", "AidData all flows"): "aiddata_all_flows",
        ("eco_trade", "reported by source"): None,
        ("eco_trade", "reported by target"): "reported_by_target",
    }
    rows = []
    for aid_label in ("AidData ODA-like", "AidData all flows"):
        for trade_label in ("reported by source", "reported by target"):
            data = ctx.data.copy()
            for indicator, label in (("aid_oda", aid_label), ("eco_trade", trade_label)):
                name = choices[(indicator, label)]
                if name is None:
                    continue
                values = alt.xs((indicator, name), level=["indicator", "alternative"])["value"]
                values = values[values.index.isin(data.index)]
                data.loc[values.index, indicator] = values
            res = ctx.model.score(data)
            dom = dominance(ctx.model, data, "CHN", "JPN")
            rows.append({"China's aid": aid_label, "trade": trade_label,
                         "CHN": res.index["CHN"], "JPN": res.index["JPN"],
                         "share CHN >= JPN": dom.share})
    answer = pd.DataFrame(rows)
    all_flows: float = alt["value"].to_dict()[("CHN", "aid_oda", "aiddata_all_flows")]
    ratio = all_flows / float(ctx.data["aid_oda"].to_dict()["CHN"])
    years = str(ctx.years.loc["CHN", "aid_oda"]) if ctx.years is not None else ""
    out.write("China's aid is AidData commitments (a different instrument from the DAC donors' "
              f"net disbursements): its ODA-like part, or all official flows ({ratio:.1f} times "
              f"more in {years}). "
              "Trade is reported by the source or, mirror statistics, by the member.\n")
    out.write("\nThe founding-period index under each source choice (equal weights), and the "
              "exact share of pillar weightings in which China scores at least as high as "
              "Japan:\n")
    out.write(answer.to_string(index=False, float_format="{:.3f}".format) + "\n")
    shares = answer["share CHN >= JPN"]
    verdict = ("the source choice does not change who leads for most weightings, it moves "
               "the share"
               if (shares > 0.5).all() or (shares < 0.5).all() else
               "the data cannot decide: the source choice alone turns the majority of weightings "
               "from one leader to the other")
    out.write(f"Share range {shares.min():.3f}-{shares.max():.3f}: {verdict}. Trade reported "
              "by the members covers only the seven that report.\n")
    return {"china_japan_by_source_choice": answer}


def _pillar_model(ctx: DemoContext) -> tuple[CompositeIndex, pd.DataFrame, list[str]]:
    """The index as a weighted mean of fixed pillar scores, on the sources with every pillar.

    Pillar scores do not depend on the pillar weights (each is the mean of its normalised
    indicators), so for a source with every pillar the index is linear in those weights:
    the rank bounds and the nearest flip are exact there. A source missing a pillar has its
    weights renormalised over the others (a ratio of weights), which only sampling handles.
    """
    fw = ctx.framework
    pillars = list(fw.children(fw.root))
    weights = fw.weights
    spec = {"code": fw.root, "children": [{"code": p, "weight": float(weights[p])}
                                          for p in pillars]}
    scores = ctx.result.scores[pillars]
    complete = [u for u in scores.index if scores.loc[u].notna().all()]
    model = CompositeIndex(Framework.from_dict(spec), normalize="none")
    return model, scores.loc[complete], complete


def section_rank_bounds(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """Best and worst ranks over the pillar simplex, and the nearest weights that flip CHN-JPN."""
    _section(out, f"Rank bounds and the nearest flip, {ctx.label}: every weighting of the pillars")
    pillars = list(ctx.framework.children(ctx.framework.root))
    sampled = rank_bounds(ctx.model, ctx.data, n=20_000, seed=2026)
    model, complete, units = _pillar_model(ctx)
    exact = rank_bounds(model, complete, method="exact")
    how = ("Over all sources they are exact." if sampled.exact or sampled.unseen is None else
           "Over all sources they are sampled (20,000 weightings, seed 2026: a source "
           "missing a pillar has its weights renormalised over the others, which no linear "
           f"programme captures; unseen share < {sampled.unseen:.5f} at 95 %).")
    table = pd.concat({"all sources (sampled)": sampled.table[["nominal", "best", "worst"]],
                       "sources with every pillar (exact)":
                       exact.table[["nominal", "best", "worst"]]}, axis=1)
    table = table.loc[[u for u in ctx.result.table().index if u in table.index]]
    out.write(
        f"Best and worst rank of each source over the whole simplex of the {len(pillars)} "
        f"pillar weights ({', '.join(pillars)}). {how} Among the {len(units)} sources with every "
        f"pillar ({', '.join(units)}) they are exact (mixed-integer programmes, "
        "sp.rank_bounds(method='exact')).\n")
    with pd.option_context("display.width", 140):
        out.write(table.astype("Int64").to_string() + "\n")
    tables: dict[str, pd.DataFrame] = {"rank_bounds": table,
                                       "rank_bounds_weights_best": exact.weights_best}
    if not {"CHN", "JPN"} <= set(units):
        out.write("China and Japan do not both have every pillar: no exact flip.\n")
        return tables
    first = [u for u in ("CHN", "JPN") if exact.table.loc[u, "best"] == 1]
    if len(first) == 2:
        out.write("Plainly: both China and Japan can rank first among these sources; the "
                  "pillar weights decide which.\n")
    for u in ("CHN", "JPN"):
        weights = exact.weights_best.loc[u].round(3).to_dict()
        best: dict[Any, Any] = exact.table["best"].to_dict()
        out.write(f"{u} reaches rank {int(best[u])} with pillar shares "
                  f"{weights}.\n")
    index = ctx.result.index
    leader, other = ("CHN", "JPN") if index["CHN"] >= index["JPN"] else ("JPN", "CHN")
    flip = nearest_flip(model, complete, leader, other)
    nominal = flip.nominal.round(3).to_dict()
    out.write(f"\nAt the nominal pillar shares {nominal}, {leader} leads {other}. The nearest "
              f"pillar shares at which {other} catches up (exact: linear and quadratic "
              "programmes on the simplex, sp.nearest_flip):\n")
    flips = pd.concat([flip.distance.rename("distance"), flip.weights], axis=1)
    flips.index = ["L1 (sum of |changes|)", "L2 (Euclidean)", "max (largest change)"]
    _write_frame(out, flips, "{:.3f}")
    moved = float(flip.distance["linf"])
    out.write(f"Plainly: moving no pillar's share by more than {moved:.3f} "
              f"({moved:.1%} of the index) is enough for {other} to catch up with {leader}"
              + ("; under 10 points, so the data do not separate the two without a choice of "
                 "weights.\n" if moved < 0.1 else ".\n"))
    tables["nearest_flip"] = flips
    return tables


def _source_uncertainty_section(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """The data source as an uncertain input next to weights and aggregation: the Sobol
    shares of China minus Japan (founding period; see
    :func:`spindex.softpower.source_uncertainty.demo_section`)."""
    return source_uncertainty.demo_section(ctx, out)


#: Hosts whose students from ASEAN the over-time section follows (the UIS top-10 lists
#: name these for most members every year; China does not report to UIS).
_STUDENT_HOSTS: tuple[str, ...] = ("AUS", "USA", "JPN", "GBR", "KOR", "FRA", "DEU", "CAN",
                                   "NZL")


def _over_time_series() -> tuple[pd.DataFrame, pd.DataFrame]:
    """China's aid lines (two instruments) and the students hosted by the main hosts."""
    aid = over_time.series({"ODA-like": "aid_gcdf3_commit_oda_amount",
                            "all official flows": "aid_gcdf3_commit_all_amount"})
    students = over_time.series({"students": "cult_students_hosted_uis"},
                                sources=list(_STUDENT_HOSTS), min_targets=8)
    return aid, students


def _students_panel(students: pd.DataFrame) -> tuple[PanelResult, pd.DataFrame, list[int]]:
    """The hosts scored in each year where the four largest are all listed, and the counts."""
    wide = over_time.panel(students)
    # Ranks compare the hosts present in a year: only years where the four largest hosts
    # (Australia, the United States, the United Kingdom, Japan) are all listed.
    counts = wide["students"].unstack("year")
    big = ["AUS", "USA", "GBR", "JPN"]
    years = [int(y) for y in counts.columns if counts.loc[big, y].notna().all()]
    kept = wide[wide.index.get_level_values("year").isin(years)]
    fw = Framework.from_dict({"code": "students_from_asean",
                              "children": [{"code": "students"}]})
    return score_panel(soft_power_model(fw), kept, normalize_across="pooled"), counts, years


def section_over_time(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """The series that have years: China's aid 2000-2021, students hosted 1998-2020."""
    if ctx.period is not None:
        return {}
    _section(out, "Over time: the series that have years")
    aid, students = _over_time_series()
    yearly = pd.DataFrame(over_time.panel(aid).xs("CHN", level="source"))
    out.write("China's development finance commitments to the ten members, USD million "
              "(constant 2021), AidData GCDF 3.0 - two instruments, never one line: "
              "ODA-like commitments and all official flows (ODA-like + other official + "
              "vague):\n")
    by_period = yearly.groupby((yearly.index // 4) * 4).sum()
    by_period.index = [f"{y}-{min(y + 3, 2021)}" for y in by_period.index]
    _write_frame(out, by_period, "{:9.0f}")
    trend = over_time.trend_table(aid)
    out.write("\nTrend per line (OLS slope in USD million per year; CAGR first to last "
              "year):\n")
    _write_frame(out, trend[["start", "end", "first", "last", "slope", "cagr"]], "{:9.3f}")
    out.write("There is no yearly series of Japan's aid to the members in the data (the "
              "DAC net disbursements cover 2009-2010 only), so China and Japan cannot be "
              "compared on aid over time - and a commitment is not a disbursement.\n")

    result, counts, years = _students_panel(students)
    ranks = result.period_ranks()
    table = counts[years].join(ranks[years].astype(float).add_prefix("rank "))
    table = table.dropna(how="all").sort_values(f"rank {years[-1]}")
    out.write("\nTertiary students from the ten members hosted by each country (UNESCO UIS, "
              "sum over the members whose top-10 hosts list it, kept when at least 8 do; "
              "'-' = fewer), in the years all four largest hosts are listed, and the host's "
              "rank among the hosts listed that year (sp.score_panel, one indicator, share "
              "of the best host pooled over the years):\n")
    with pd.option_context("display.width", 160):
        out.write(table.to_string(na_rep="-", float_format="{:,.0f}".format) + "\n")
    s_trend = over_time.trend_table(students)
    jpn: dict[Any, Any] = s_trend.xs(("students", "JPN")).to_dict()
    cagr, start, end = jpn["cagr"], jpn["start"], jpn["end"]
    out.write(f"Plainly: Japan's intake of students from ASEAN grew {float(cagr):.1%} a "
              f"year {int(start)}-{int(end)}; China does not report to UIS, so "
              "the data cannot say whether China gained on Japan as a host over time.\n")

    # The multi-year values of the cross-sections, China and Japan, each line one
    # instrument as published.
    recent = over_time.series({"trade (USD million)": "eco_trade_total",
                               "FDI inflow (USD million)": "eco_fdi_inflow",
                               "ISEAS trust (%)": "op_trust_iseas"},
                              sources=["CHN", "JPN"])
    pairs = recent.pivot(index=["line", "source"], columns="year", values="value")
    instruments = recent.groupby(["line"])["instrument"].first()
    out.write("\nChina and Japan in the multi-year values of the cross-sections (each line "
              "one instrument: " + "; ".join(f"{k}: {v}" for k, v in instruments.items())
              + "):\n")
    with pd.option_context("display.width", 160):
        out.write(pairs.to_string(na_rep="-", float_format="{:,.1f}".format) + "\n")
    out.write("Years differ from line to line and few repeat: these values say which way "
              "each measure moved, not how the index moved.\n")
    return {"over_time_china_aid": by_period, "over_time_trends":
            pd.concat([trend, s_trend]), "over_time_students": table,
            "over_time_china_japan": pairs}


#: The sections of the demo, in order. Add a section here to extend the demo.
SECTIONS: tuple[Section, ...] = (
    section_ranking,
    section_contributions,
    section_coverage,
    section_per_target,
    section_china_japan,
    section_rank_bounds,
    section_uncertainty,
    section_data_sources,
    _source_uncertainty_section,
    section_over_time,
)

#: The periods the demo answers, in order: the founding period first, then the recent years.
PERIODS: tuple[str | None, ...] = ("2009-2011", None)


def run_demo(
    output_dir: str | Path = "spindex-demo",
    out: TextIO | None = None,
    sections: Sequence[Section] = SECTIONS,
    periods: Sequence[str | None] = PERIODS,
) -> IndexResult:
    """Score the bundled ASEAN soft-power data, print the results, write the tables.

    Parameters
    ----------
    output_dir : path, default "spindex-demo"
        Folder for the CSV tables (created if needed).
    out : text stream, optional
        Where to print (standard output by default).
    sections : sequence of Section, default SECTIONS
        The sections to run, in order, for each period.
    periods : sequence, default PERIODS
        The periods to answer for, in order (``"2009-2011"``, ``None`` = recent).

    Returns
    -------
    IndexResult
        The scored model of the last period (the recent years by default).
    """
    periods = list(periods)
    if not periods:
        raise ParameterError("The 'periods' parameter of run_demo must name at least one period "
                             "(\"2009-2011\" or None). Got an empty sequence instead.")
    out = out or sys.stdout
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    contexts: list[DemoContext] = []
    for period in periods:
        ctx = build_context(period)
        contexts.append(ctx)
        title = (f"PART: the founding period {period}" if period else "PART: the recent years")
        out.write(f"\n{'#' * len(title)}\n{title}\n{'#' * len(title)}\n")
        prefix = _prefix(period)
        for section in sections:
            for stem, table in section(ctx, out).items():
                table.to_csv(folder / f"{prefix}{stem}.csv")
                written.append(f"{prefix}{stem}.csv")
    out.write(f"\nTables written to {folder.resolve()}/ ({', '.join(written)})\n")
    for ctx in contexts:
        _write_figures(ctx, folder, out)
    for ctx in contexts:
        name = "explorer.html" if ctx.period == periods[0] else "explorer_recent.html"
        when = f"{ctx.period}" if ctx.period else "recent years"
        # Names from the period's own table: the founding period has sources (DEU, FRA, GBR)
        # that the recent one has not.
        names = ctx.data["name"].to_dict() if "name" in ctx.data else datasets.ASEAN_SOURCES
        page = explore(ctx.result, folder / name, pair=("CHN", "JPN"), unit_names=names,
                       title=f"China or Japan? Re-weight soft power toward ASEAN ({when})")
        out.write(f"Live re-weighting explorer, {when} (opens offline in a browser): "
                  f"{page.resolve()}\n")
    return contexts[-1].result


def _prefix(period: str | None) -> str:
    """File-name prefix of a period's outputs: "founding_" for 2009-2011, none for recent."""
    return "founding_" if period else ""


def _write_figures(ctx: DemoContext, folder: Path, out: TextIO) -> None:
    """Figures and the HTML report, when matplotlib (the ``plot`` extra) is installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        out.write("Figures need matplotlib: pip install 'spindex[plot]'.\n")
        return
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from spindex import plot
    from spindex.report import report

    dom = dominance(ctx.model, ctx.data, "CHN", "JPN")
    ua = uncertainty(ctx.model, ctx.data, weights=WeightNoise(0.25),
                     aggregate=["arithmetic", "geometric"], n=20_000, seed=2026)
    prefix = _prefix(ctx.period)
    figures = {
        f"{prefix}ranking.png": plot.ranking(ctx.result, level=2),
        f"{prefix}china_japan_radar.png": plot.radar(ctx.result, ["CHN", "JPN"], level=2),
        f"{prefix}china_japan_flip.png": plot.dominance(dom),
        f"{prefix}rank_uncertainty.png": plot.rank_uncertainty(ua),
    }
    for name, ax in figures.items():
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        fig.savefig(folder / name, dpi=120, bbox_inches="tight")
        plt.close(fig)
    if ctx.period is None:
        # Over time: one line per source and instrument, and the hosts' ranks by year.
        aid, students = _over_time_series()
        names = {**datasets.ASEAN_SOURCES, "GBR": "United Kingdom", "FRA": "France",
                 "DEU": "Germany", "CAN": "Canada", "NZL": "New Zealand"}
        timed = {
            "over_time_china_aid.png": over_time.plot_series(
                aid, names=names, title="China's commitments to the ten members, AidData "
                "GCDF 3.0 (two instruments, two lines)"),
            "over_time_students.png": over_time.plot_series(
                students, names=names, title="Students from the ten members hosted by "
                "each country, UNESCO UIS (sum over the members listing the host)"),
        }
        bump = plot.bump(_students_panel(students)[0], unit_names=names,
                         title="Hosts of students from the ten members: rank by year "
                               "(years where the four largest hosts are listed)").get_figure()
        assert isinstance(bump, Figure)
        timed["over_time_students_bump.png"] = bump
        for name, fig in timed.items():
            fig.savefig(folder / name, dpi=120, bbox_inches="tight")
            plt.close(fig)
        names_written = [*figures, *timed]
    else:
        names_written = list(figures)
    import io

    from spindex.analysis.dominance import dominance_matrix

    # The report carries every analysis the demo prints, and the sources of every value.
    quiet = io.StringIO()
    printed = {**section_per_target(ctx, quiet), **section_rank_bounds(ctx, quiet),
               **section_data_sources(ctx, quiet), **section_over_time(ctx, quiet)}
    # One header row per table in the report: "all sources (sampled): best", ...
    bounds = printed["rank_bounds"]
    printed["rank_bounds"] = bounds.set_axis([": ".join(map(str, c)) for c in bounds.columns],
                                             axis=1)
    for key, table in printed.items():
        if isinstance(table.index, pd.MultiIndex):  # (line, source) rows read "line, CHN"
            printed[key] = table.set_axis([", ".join(map(str, i)) for i in table.index])
    titles = {"tourism_by_destination": "Who leads where: visitor arrivals in 2017 by "
                                        "destination (millions)",
              "china_japan_by_member": "Who leads where: China vs Japan in each member",
              "china_aid_sources": "China's aid 2015-2021 by data source (USD billion)",
              "china_japan_by_source_choice": "China vs Japan under each source choice",
              "rank_bounds": "Best and worst rank over the pillar simplex (exact among the "
                             "sources with every pillar, sampled over all)",
              "rank_bounds_weights_best": "Pillar shares at which each source reaches its "
                                          "best rank (exact)",
              "nearest_flip": "The nearest pillar shares at which the China-Japan order "
                              "flips (L1, L2, max-norm)",
              "over_time_china_aid": "Over time: China's commitments to the members by "
                                     "instrument, USD million (constant 2021), AidData",
              "over_time_trends": "Over time: trend of each line (one instrument each)",
              "over_time_students": "Over time: students from the members by host, UIS, "
                                    "and the host's rank",
              "over_time_china_japan": "Over time: China and Japan in the multi-year values "
                                       "of the cross-sections"}
    dashes = {"tourism_by_destination": "not listed (national statistics list the top five "
                                        "origins only)",
              "china_aid_sources": "no value from this data source",
              "rank_bounds": "not exact: a pillar is missing",
              "over_time_students": "fewer than 8 members list the host",
              "over_time_china_japan": "no value that year"}
    report([ctx.result, ua, ("China vs Japan", dom),
            ("SMAA: 100,000 pillar weightings uniform on the simplex",
             smaa(ctx.model, ctx.data, n=100_000, seed=2026)),
            dominance_matrix(ctx.model, ctx.data, method="monte_carlo", n=20_000,
                             seed=2026)],
           folder / f"{prefix}report.html",
           title=f"Soft power toward ASEAN, {ctx.period or 'recent years'}",
           sources=[ctx.provenance, datasets.load_cells("asean", period=ctx.period)],
           tables={titles.get(k, k): (v, dashes.get(k, "no value"))
                   for k, v in printed.items()})
    out.write(f"Figures and report written to {folder.resolve()}/ ({', '.join(names_written)}, "
              f"{prefix}report.html)\n")
