"""Render the figures of docs/elcano-china-japan.md (python docs/figures/elcano_china_japan.py).

Needs the plot extra (matplotlib). Writes elcano_soft_trends.png and elcano_china_japan.png
beside this script.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

import spindex as sp

HERE = Path(__file__).resolve().parent
SIX = ["China", "Japan", "United States of America", "Korea", "India", "Australia"]


def soft_model() -> sp.CompositeIndex:
    fw = sp.Framework.from_table(sp.datasets.load_framework("elcano"))
    soft = sp.Framework.from_dict({"code": "Soft", "children": [
        {"code": c, "weight": fw.node(c).weight} for c in fw.children("Soft")]})
    return sp.CompositeIndex(soft, normalize="none")


def china_japan() -> pd.DataFrame:
    """Per year: soft scores, exact simplex share, +-25 % Monte Carlo share."""
    model = soft_model()
    data = sp.datasets.load("elcano")[list(model.framework.indicators)]
    cj = data[data.index.get_level_values("unit").isin(["China", "Japan"])]
    scores = sp.score_panel(model, cj).period_scores()
    ua = sp.uncertainty_panel(model, cj, weights=0.25, n=20_000, seed=0)
    rows = []
    for t in scores.columns:
        share = sp.dominance(model, cj.xs(t, level="year"), "China", "Japan").share
        counts = ua[t].rank_counts
        rows.append({"year": t, "China": scores.loc["China", t], "Japan": scores.loc["Japan", t],
                     "simplex_share": share,
                     "share_pm25": counts.loc["China", 1] / counts.loc["China"].sum()})
    return pd.DataFrame(rows).set_index("year")


def main() -> None:
    model = soft_model()
    data = sp.datasets.load("elcano")[list(model.framework.indicators)]
    six = data[data.index.get_level_values("unit").isin(SIX)]
    scores = sp.score_panel(model, six).period_scores()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for unit in SIX:
        ax.plot(scores.columns, scores.loc[unit], marker="o", ms=3,
                label=unit.replace(" of America", ""))
    ax.set(xlabel="year", ylabel="Elcano soft presence (published weights)",
           title="Soft presence, 1990-2021 (Elcano Global Presence Index, 2021 edition)")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(HERE / "elcano_soft_trends.png", dpi=120)

    cj = china_japan()
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
    fig.savefig(HERE / "elcano_china_japan.png", dpi=120)
    print(cj.round(4).to_string())


if __name__ == "__main__":
    main()
