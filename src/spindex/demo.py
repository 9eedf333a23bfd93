"""The main job on bundled data, printed for a terminal: ``make demo`` / ``spindex demo``.

The demo scores the soft power of six countries toward ASEAN (the bundled
``"asean"`` dataset) with the built-in soft-power framework and prints one section
after another: the ranking with pillar scores and contributions, data coverage, who
leads in each destination, rank intervals under weight and method uncertainty, and
the exact share of pillar weightings in which China leads Japan, with the weights at
which the order flips. A section is a function ``section(ctx, out) -> {name: table}``:
it prints to ``out`` and returns the tables to write as CSV files; :data:`SECTIONS`
lists them in order.
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
from spindex.explore import explore
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.result import IndexResult
from spindex.softpower import soft_power_catalogue, soft_power_model

__all__ = [
    "SECTIONS",
    "DemoContext",
    "Section",
    "build_context",
    "run_demo",
    "section_china_japan",
    "section_uncertainty",
]


@dataclass(frozen=True, eq=False)
class DemoContext:
    """Everything a demo section may use.

    Attributes
    ----------
    data : pandas.DataFrame
        ``datasets.load("asean")``: sources x every soft-power indicator.
    provenance : pandas.DataFrame
        ``datasets.load_provenance("asean")``: every value with its source.
    model : CompositeIndex
        The scored model (ASEAN framework, fraction of max, arithmetic means).
    result : IndexResult
        ``model.score(data)``.
    """

    data: pd.DataFrame
    provenance: pd.DataFrame
    model: CompositeIndex
    result: IndexResult

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


def build_context() -> DemoContext:
    """Load the ASEAN data and framework, build the default soft-power model and score it."""
    data = datasets.load("asean")
    framework = Framework.from_table(datasets.load_framework("asean"))
    model = soft_power_model(framework)
    return DemoContext(data=data, provenance=datasets.load_provenance("asean"), model=model,
                       result=model.score(data))


def section_ranking(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """The ranking of the sources with their pillar scores."""
    fw = ctx.framework
    _section(out, "Soft power toward ASEAN: ranking of the sources")
    names = ", ".join(f"{c} {n}" for c, n in datasets.ASEAN_SOURCES.items())
    pillars = ", ".join(fw.children(fw.root))
    out.write(
        f"Sources: {names}.\n"
        f"Pillars with data: {pillars} (equal weights; aid has no value comparable across "
        "sources).\nEach indicator is divided by the best source's value (1 = leader), "
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
    out.write(
        "\nHow missing cells are treated:\n"
        f"- Indicators no two sources report are left out of the ASEAN framework: "
        f"{', '.join(empty)}.\n"
        "- A pillar is the mean of the indicators a source has, their weights renormalised; the "
        "index is the mean of the pillars it has (the 'pillars' column above).\n"
        f"- CompositeIndex(..., min_coverage={{'{fw.root}': 0.75}}) requires 3 of 4 pillars: "
        f"then {' and '.join(dropped) or 'no source'} would get no index.\n"
        f"- impute='median' fills each gap with the median of the other sources instead: "
        f"{order}. Missing here is not random (Australia's and India's trade are missing because "
        "they are not among ASEAN's top five partners): imputation hands the sources that lack "
        "data the typical value of those that have it.\n"
    )
    return {"coverage": coverage, "data": ctx.data, "provenance": ctx.provenance}


def section_per_target(ctx: DemoContext, out: TextIO) -> dict[str, pd.DataFrame]:
    """Who leads where: visitor arrivals by destination, the per-target view of dyadic data."""
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
    _section(out, "China or Japan? The share of all pillar weightings in which China leads")
    dom = dominance(ctx.model, ctx.data, "CHN", "JPN")
    out.write(f"{dom!r}\n")
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


#: The sections of the demo, in order. Add a section here to extend the demo.
SECTIONS: tuple[Section, ...] = (
    section_ranking,
    section_contributions,
    section_coverage,
    section_per_target,
    section_uncertainty,
    section_china_japan,
)


def run_demo(
    output_dir: str | Path = "spindex-demo",
    out: TextIO | None = None,
    sections: Sequence[Section] = SECTIONS,
) -> IndexResult:
    """Score the bundled ASEAN soft-power data, print the results, write the tables.

    Parameters
    ----------
    output_dir : path, default "spindex-demo"
        Folder for the CSV tables (created if needed).
    out : text stream, optional
        Where to print (standard output by default).
    sections : sequence of Section, default SECTIONS
        The sections to run, in order.

    Returns
    -------
    IndexResult
        The scored model.
    """
    out = out or sys.stdout
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ctx = build_context()
    written: list[str] = []
    for section in sections:
        for stem, table in section(ctx, out).items():
            table.to_csv(folder / f"{stem}.csv")
            written.append(f"{stem}.csv")
    out.write(f"\nTables written to {folder.resolve()}/ ({', '.join(written)})\n")
    _write_figures(ctx, folder, out)
    explorer = explore(ctx.result, folder / "explorer.html", pair=("CHN", "JPN"),
                       unit_names=datasets.ASEAN_SOURCES,
                       title="China or Japan? Re-weight soft power toward ASEAN")
    out.write(f"Live re-weighting explorer (opens offline in a browser): {explorer.resolve()}\n")
    return ctx.result


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
    figures = {
        "ranking.png": plot.ranking(ctx.result, level=2),
        "china_japan_radar.png": plot.radar(ctx.result, ["CHN", "JPN"], level=2),
        "china_japan_flip.png": plot.dominance(dom),
        "rank_uncertainty.png": plot.rank_uncertainty(ua),
    }
    for name, ax in figures.items():
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        fig.savefig(folder / name, dpi=120, bbox_inches="tight")
        plt.close(fig)
    report([ctx.result, ua, ("China vs Japan", dom)], folder / "report.html",
           title="Soft power toward ASEAN")
    out.write(f"Figures and report written to {folder.resolve()}/ ({', '.join(figures)}, "
              "report.html)\n")
