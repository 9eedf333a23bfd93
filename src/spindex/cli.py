"""Command-line interface: ``spindex`` / ``python -m spindex``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from spindex._io import read_csv_exact
from spindex.errors import SpindexError
from spindex.framework import Framework
from spindex.model import CompositeIndex

__all__ = ["main"]


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise SpindexError(f"File not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(path)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    return read_csv_exact(path)


def _load_framework(path: Path) -> Framework:
    if path.suffix.lower() == ".toml":
        return Framework.from_toml(path)
    return Framework.from_table(_read_table(path))


def _cmd_score(args: argparse.Namespace) -> int:
    fw = _load_framework(Path(args.framework))
    data = _read_table(Path(args.data))
    unit_col = args.unit_column or ("uCode" if "uCode" in data.columns else data.columns[0])
    data = data.set_index(unit_col)
    res = CompositeIndex(fw, normalize=args.normalize, aggregate=args.aggregate).score(data)
    scores = res.scores
    if args.output:
        scores.to_csv(args.output, float_format="%.17g")
        res.ranks.to_csv(Path(args.output).with_suffix(".ranks.csv"))
        print(f"Wrote {args.output} and its ranks beside it.")
    else:
        print(res.table().to_string())
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from spindex.demo import run_demo

    run_demo(args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``spindex`` command."""
    parser = argparse.ArgumentParser(prog="spindex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score a data table with a framework")
    score.add_argument("data", help="CSV, Excel or Parquet table, one row per unit")
    score.add_argument("--framework", required=True, help="framework table (CSV/Excel) or TOML")
    score.add_argument("--normalize", default="minmax")
    score.add_argument("--aggregate", default="arithmetic")
    score.add_argument("--unit-column", default=None, help="column with unit codes")
    score.add_argument("--output", default=None, help="CSV file for the scores")
    score.set_defaults(func=_cmd_score)
    demo = sub.add_parser("demo", help="run the demonstration on bundled data")
    demo.add_argument("--output", default="spindex-demo", help="folder for the tables")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 for a user error)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SpindexError as exc:
        print(f"spindex: error: {exc}", file=sys.stderr)
        return 2
