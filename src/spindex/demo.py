"""The main job on bundled data, printed for a terminal: ``make demo`` / ``spindex demo``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from spindex import datasets
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.result import IndexResult

__all__ = ["run_demo"]


def _section(out: TextIO, title: str) -> None:
    out.write(f"\n{title}\n{'=' * len(title)}\n")


def run_demo(output_dir: str | Path = "spindex-demo", out: TextIO | None = None) -> IndexResult:
    """Score the bundled ASEM data as COINr's example does, print the results, write tables.

    Parameters
    ----------
    output_dir : path, default "spindex-demo"
        Folder for the CSV tables (created if needed).
    out : text stream, optional
        Where to print (standard output by default).

    Returns
    -------
    IndexResult
        The scored model.
    """
    out = out or sys.stdout
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)

    data = datasets.load("asem")
    fw = Framework.from_table(datasets.load_framework("asem"))
    model = CompositeIndex(fw, normalize="minmax", aggregate="arithmetic")
    res = model.score(data)

    _section(out, "ASEM Sustainable Connectivity index (min-max [0, 100], arithmetic mean)")
    out.write(f"{fw!r}\n\n")
    table = res.table(level=3).head(15)
    with pd.option_context("display.width", 120, "display.float_format", "{:8.2f}".format):
        out.write(table.to_string() + "\n")

    _section(out, "Pillar contributions to the index (top 5 units)")
    contrib = res.contributions(level=2)
    top = res.table().index[:5]
    with pd.option_context("display.width", 160, "display.float_format", "{:6.2f}".format):
        out.write(contrib.loc[top].to_string() + "\n")

    res.scores.to_csv(folder / "scores.csv")
    res.ranks.to_csv(folder / "ranks.csv")
    res.contributions().to_csv(folder / "contributions.csv")
    out.write(
        f"\nTables written to {folder.resolve()}/ (scores.csv, ranks.csv, contributions.csv)\n"
    )
    return res
