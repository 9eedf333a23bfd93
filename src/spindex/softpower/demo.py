"""The main job on bundled data, printed for a terminal: ``make demo`` / ``spindex demo``.

The demo scores the soft power of external powers toward ASEAN (the bundled
``"asean"`` dataset) with the built-in soft-power framework, twice: first for the
founding period of the question (2009-2011: nine sources, all five pillars), then for
the recent years (six sources, four pillars). For each it prints one section after
another: the ranking with pillar scores and contributions, data coverage and the
year of every value, who leads in each member, rank intervals under weight and method
uncertainty, the exact share of pillar weightings in which China leads Japan with the
weights at which the order flips, and how much the choice of data source moves that
answer (China's aid by AidData or by the Lowy Institute, trade reported by either
side). A section is a function ``section(ctx, out) -> {name: table}``: it prints to
``out`` and returns the tables to write as CSV files; :data:`SECTIONS` lists them in
order. The tables of the founding period are written with the prefix ``founding_``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from spindex import datasets
from spindex.analysis.dominance import dominance
from spindex.analysis.sampling import WeightNoise
from spindex.analysis.smaa import smaa
from spindex.analysis.uncertainty import uncertainty
from spindex.dyadic import per_target
from spindex.errors import ParameterError
from spindex.explore import explore
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.result import IndexResult
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
                     aggregate=["arithmetic", "geometric"], n=20_000, seed=2026)
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


#: The sections of the demo, in order. Add a section here to extend the demo.
SECTIONS: tuple[Section, ...] = (
    section_ranking,
    section_contributions,
    section_coverage,
    section_per_target,
    section_uncertainty,
    section_china_japan,
    section_data_sources,
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
    import io

    from spindex.analysis.dominance import dominance_matrix

    # The report carries every analysis the demo prints, and the sources of every value.
    quiet = io.StringIO()
    printed = {**section_per_target(ctx, quiet), **section_data_sources(ctx, quiet)}
    titles = {"tourism_by_destination": "Who leads where: visitor arrivals in 2017 by "
                                        "destination (millions)",
              "china_japan_by_member": "Who leads where: China vs Japan in each member",
              "china_aid_sources": "China's aid 2015-2021 by data source (USD billion)",
              "china_japan_by_source_choice": "China vs Japan under each source choice"}
    dashes = {"tourism_by_destination": "not listed (national statistics list the top five "
                                        "origins only)",
              "china_aid_sources": "no value from this data source"}
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
    out.write(f"Figures and report written to {folder.resolve()}/ ({', '.join(figures)}, "
              f"{prefix}report.html)\n")
