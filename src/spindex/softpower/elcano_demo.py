"""China vs Japan on Elcano's soft dimension, 1990-2021: ``make demo-elcano``.

``spindex demo --elcano`` runs it from the command line.

The second demo answers the China-or-Japan question over time on a published panel, the
soft dimension of the Elcano Global Presence Index (``datasets.load("elcano")``), with the
public API only: :func:`spindex.score_panel` under Elcano's weights (recovered by
:func:`spindex.infer_weights`, shipped in ``datasets.load_framework("elcano")``),
:func:`spindex.dominance` per year (the exact share of the soft weight simplex on which
China leads Japan) and :func:`spindex.uncertainty_panel` (the weights within +-25 % of
Elcano's, seed 0). It prints one line per year for six countries, the year China overtakes
Japan and the years in which the order depends on the weights, writes the tables as CSV and
draws the two trend figures of ``docs/elcano-china-japan.md``, whose numbers it reproduces.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

import pandas as pd

from spindex import datasets
from spindex.analysis.dominance import dominance
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.panel import score_panel, uncertainty_panel

__all__ = ["COUNTRIES", "ElcanoAnswer", "elcano_answer", "run_elcano_demo", "soft_model"]

#: The six countries printed, as named in the Elcano data, with their short column names.
COUNTRIES = {"China": "China", "Japan": "Japan", "United States of America": "US",
             "Korea": "Korea", "India": "India", "Australia": "Australia"}

#: Draws of the +-25 % weight uncertainty per year (the docs page's number).
N_DRAWS = 20_000


@dataclass(frozen=True, eq=False)
class ElcanoAnswer:
    """The China-vs-Japan answer on Elcano's soft dimension.

    Attributes
    ----------
    scores : pandas.DataFrame
        Soft-dimension scores under Elcano's weights, year x the six countries.
    china_japan : pandas.DataFrame
        Per year: ``China``, ``Japan``, ``gap`` (China - Japan), ``simplex_share`` (exact share
        of the soft weight simplex on which China scores at least as high as Japan),
        ``share_pm25`` (share of the +-25 % weight draws on which it does) and ``verdict``.
    overtakes : int or None
        The first year China leads Japan under Elcano's weights (None if never).
    leads_since : int or None
        The first year from which China leads in every later year (None if not in the last).
    simplex_majority_since : int or None
        The first year from which China leads on more than half the simplex in every later year.
    undecided : list of int
        The years in which the order depends on the weights within +-25 % (neither country
        ahead in every draw).
    """

    scores: pd.DataFrame
    china_japan: pd.DataFrame
    overtakes: int | None
    leads_since: int | None
    simplex_majority_since: int | None
    undecided: list[int]


def soft_model() -> CompositeIndex:
    """The soft dimension of the Elcano index as a model, with Elcano's weights.

    Returns
    -------
    CompositeIndex
        The nine soft variables under one root ``"Soft"``, no normalisation (Elcano's
        variables are on a common scale already), weighted arithmetic mean.

    Examples
    --------
    >>> from spindex.softpower.elcano_demo import soft_model
    >>> len(soft_model().framework.indicators)
    9
    """
    fw = Framework.from_table(datasets.load_framework("elcano"))
    soft = Framework.from_dict({"code": "Soft", "children": [
        {"code": c, "weight": fw.node(c).weight} for c in fw.children("Soft")]})
    return CompositeIndex(soft, normalize="none")


def _since(flags: pd.Series) -> int | None:
    """The first year from which ``flags`` is true in every later year."""
    years = list(flags.index)
    for i, year in enumerate(years):
        if bool(flags.iloc[i:].all()):
            return int(year)
    return None


def elcano_answer(n: int = N_DRAWS, seed: int = 0) -> ElcanoAnswer:
    """Compute the China-vs-Japan answer on Elcano's soft dimension, 1990-2021.

    Parameters
    ----------
    n : int, default 20000
        Weight draws per year for the +-25 % uncertainty (the same draws every year).
    seed : int, default 0
        Seed of those draws.

    Returns
    -------
    ElcanoAnswer

    Raises
    ------
    ParameterError
        If ``n`` is not a positive integer or ``seed`` is invalid (from
        :func:`spindex.uncertainty_panel`).

    Examples
    --------
    >>> from spindex.softpower.elcano_demo import elcano_answer
    >>> elcano_answer(n=2_000).overtakes
    2016
    """
    model = soft_model()
    data = datasets.load("elcano")[list(model.framework.indicators)]
    units = data.index.get_level_values("unit")
    six = data[units.isin(list(COUNTRIES))]
    scores = score_panel(model, six).period_scores().loc[list(COUNTRIES)]
    scores = scores.rename(index=COUNTRIES).T
    scores.index.name = "year"
    scores.columns.name = None
    # Only China and Japan go into the Monte Carlo: rank 1 of two is "China >= Japan".
    cj = data[units.isin(["China", "Japan"])]
    ua = uncertainty_panel(model, cj, weights=0.25, n=n, seed=seed)
    rows = []
    for year in scores.index:
        share = dominance(model, cast(pd.DataFrame, cj.xs(year, level="year")),
                          "China", "Japan").share
        counts = ua[year].rank_counts
        pm25 = float(counts.loc["China", 1] / counts.loc["China"].sum())
        verdict = ("Japan in every draw" if pm25 == 0 else
                   "China in every draw" if pm25 == 1 else "depends on the weights")
        rows.append({"year": int(year), "China": scores.loc[year, "China"],
                     "Japan": scores.loc[year, "Japan"],
                     "gap": scores.loc[year, "China"] - scores.loc[year, "Japan"],
                     "simplex_share": float(share), "share_pm25": pm25, "verdict": verdict})
    cjt = pd.DataFrame(rows).set_index("year")
    leads = cjt["gap"] >= 0
    return ElcanoAnswer(
        scores=scores, china_japan=cjt,
        overtakes=int(cjt.index[int(leads.to_numpy().argmax())]) if leads.any() else None,
        leads_since=_since(leads),
        simplex_majority_since=_since(cjt["simplex_share"] > 0.5),
        undecided=[int(t) for t in cjt.index[(cjt["share_pm25"] > 0) & (cjt["share_pm25"] < 1)]],
    )


def _ranges(years: list[int]) -> str:
    """[2012, 2013, 2014, 2021] -> "2012-2014, 2021"."""
    parts: list[str] = []
    for year in years:
        if parts and int(parts[-1].split("-")[-1]) == year - 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{year}"
        else:
            parts.append(str(year))
    return ", ".join(parts) or "none"


def run_elcano_demo(output_dir: str | Path = "spindex-demo-elcano",
                    out: TextIO | None = None) -> ElcanoAnswer:
    """Print the China-vs-Japan answer on Elcano's soft dimension and write tables and figures.

    Parameters
    ----------
    output_dir : path, default "spindex-demo-elcano"
        Folder for ``elcano_soft_scores.csv``, ``elcano_china_japan.csv`` and, with
        matplotlib installed, ``elcano_soft_trends.png`` and ``elcano_china_japan.png``.
    out : text stream, optional
        Where to print (standard output by default).

    Returns
    -------
    ElcanoAnswer
        What was printed.
    """
    out = out or sys.stdout
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ans = elcano_answer()
    cj = ans.china_japan
    out.write("China vs Japan on the soft dimension of the Elcano Global Presence Index "
              f"(2021 edition), {cj.index[0]}-{cj.index[-1]}\n"
              "Soft presence under Elcano's weights (3:4:3:5:4:5:4:4:4 over migrations, tourism, "
              "sports, culture, information,\ntechnology, science, education, development "
              "cooperation); presence is global, not toward Southeast Asia.\n"
              "share(simplex): exact share of all soft weightings on which China >= Japan; "
              f"share(+-25%): share of {N_DRAWS:,} draws\nof the weights within +-25 % of "
              "Elcano's (seed 0) on which China >= Japan.\n"
              f"The panel has {len(cj)} years: {_ranges([int(t) for t in cj.index])}.\n\n")
    table = ans.scores.round(1).copy()
    table["China-Japan"] = cj["gap"].round(1)
    table["share(simplex)"] = cj["simplex_share"].map("{:.4f}".format)
    table["share(+-25%)"] = cj["share_pm25"].map("{:.4f}".format)
    table["order under +-25 % weights"] = cj["verdict"]
    out.write(table.to_string() + "\n\n")

    fallback = [int(t) for t in cj.index
                if ans.overtakes is not None and t > ans.overtakes and cj.loc[t, "gap"] < 0]
    out.write(f"Under Elcano's weights China overtakes Japan in {ans.overtakes}")
    if fallback:
        out.write(f", falls behind again in {_ranges(fallback)}")
    out.write(f" and leads in every year since {ans.leads_since}.\n" if ans.leads_since else
              " but does not lead in the last year.\n")
    last = int(cj.index[-1])
    out.write(f"Over all soft weightings China leads on more than half of them in every year since "
              f"{ans.simplex_majority_since}; in {last} Japan still leads on "
              f"{1 - float(cj['simplex_share'].iloc[-1]):.0%} of them.\n")
    out.write(f"The data cannot decide (the order depends on the weights within +-25 %) in "
              f"{_ranges(ans.undecided)}: {len(ans.undecided)} of {len(cj)} years. Outside "
              "them every draw agrees: Japan before, China after.\n")

    ans.scores.to_csv(folder / "elcano_soft_scores.csv")
    cj.to_csv(folder / "elcano_china_japan.csv")
    out.write(f"\nTables written to {folder.resolve()}/ (elcano_soft_scores.csv, "
              "elcano_china_japan.csv)\n")
    _write_figures(ans, folder, out)
    return ans


def _write_figures(ans: ElcanoAnswer, folder: Path, out: TextIO) -> None:
    """The two trend figures of the docs page, when matplotlib (the ``plot`` extra) is installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        out.write("Figures need matplotlib: pip install 'spindex[plot]'.\n")
        return
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name in ans.scores.columns:
        ax.plot(ans.scores.index, ans.scores[name], marker="o", ms=3, label=name)
    ax.set(xlabel="year", ylabel="Elcano soft presence (published weights)",
           title="Soft presence, 1990-2021 (Elcano Global Presence Index, 2021 edition)")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(folder / "elcano_soft_trends.png", dpi=120)
    plt.close(fig)

    cj = ans.china_japan
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(cj.index, cj["simplex_share"], marker="o", label="share of all soft weightings")
    ax.plot(cj.index, cj["share_pm25"], marker="s",
            label="share of weightings within +-25 % of Elcano's")
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    ax.set(xlabel="year", ylabel="share where China >= Japan", ylim=(-0.02, 1.02),
           title="China vs Japan on the soft dimension: how many weightings favour China")
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(folder / "elcano_china_japan.png", dpi=120)
    plt.close(fig)
    out.write(f"Figures written to {folder.resolve()}/ (elcano_soft_trends.png, "
              "elcano_china_japan.png)\n")
