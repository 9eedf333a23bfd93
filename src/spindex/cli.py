"""Command-line interface: ``spindex`` / ``python -m spindex``.

Commands
--------
``score``
    Score a data table with a framework; write scores (and ranks) as CSV, Parquet or an Excel
    workbook (by the extension of ``--output``), or print a table.
``uncertainty``, ``sobol``, ``dominance``, ``dominance-matrix``
    Stress-test the ranking; write summaries (.csv, .parquet, .xlsx), or print them.
``report``
    Write the self-contained HTML report of a model (and of its analyses).
``demo``
    Run the demonstration on the bundled data (``--elcano``: China vs Japan 1990-2021 on
    Elcano's soft dimension).

Method options take a name with optional parameters after a colon, separated by commas:
``minmax``, ``minmax:low=1,high=100``, ``generalized:p=0.5``, ``group_mean:EurAsia_group``.
Lists of alternatives are separated by commas; in a list, parameters after the first one
must be named (``minmax:low=1,high=100,zscore`` is two alternatives).

Exit status: 0 on success; 2 for a user error (missing or unreadable file, invalid framework
or data, bad option), reported on one line of standard error without a traceback; 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

import pandas as pd

from spindex._io import read_csv_exact
from spindex.analysis.dominance import dominance, dominance_matrix
from spindex.analysis.sampling import DirichletWeights, UniformSimplex, WeightNoise, WeightSampler
from spindex.analysis.smaa import smaa
from spindex.analysis.sobol import sobol
from spindex.analysis.uncertainty import uncertainty
from spindex.checks import Screen, data_checks
from spindex.errors import (
    DataError,
    FrameworkError,
    ParameterError,
    SpindexError,
    SpindexWarning,
)
from spindex.export import to_excel, write_table
from spindex.framework import Framework
from spindex.methods.aggregate import _AGGREGATOR_ALIASES, AGGREGATORS, get_aggregator
from spindex.methods.denominate import Denominate
from spindex.methods.impute import IMPUTERS, get_imputer
from spindex.methods.normalize import _NORMALIZER_ALIASES, NORMALIZERS, get_normalizer
from spindex.methods.treat import TREATMENTS, get_treatment
from spindex.model import CompositeIndex

__all__ = [
    "build_model",
    "build_parser",
    "load_data",
    "load_framework",
    "main",
    "parse_method",
    "split_alternatives",
]

#: Exit status of a user error (the same as argparse's usage errors).
EXIT_USER_ERROR = 2
#: Exit status after Ctrl-C.
EXIT_INTERRUPTED = 130

_EXCEL = (".xlsx", ".xlsm", ".xls")
_PARQUET = (".parquet", ".pq")
_FLOAT_FORMAT = "%.17g"  # every double written back exactly


# ---------------------------------------------------------------------------- reading files
def _read_table(path: Path, what: str, error: type[SpindexError]) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet table; every failure becomes ``error`` naming the file."""
    if not path.exists():
        raise error(f"{what} file not found: {path}")
    if path.is_dir():
        raise error(f"{what} file {path} is a directory; give a CSV, Excel or Parquet file.")
    suffix = path.suffix.lower()
    try:
        if suffix in _EXCEL:
            return pd.read_excel(path)
        if suffix in _PARQUET:
            return pd.read_parquet(path)
        return read_csv_exact(path)
    except ImportError:
        package = "openpyxl" if suffix in _EXCEL else "pyarrow"
        if suffix == ".xls":
            package = "xlrd"
        raise error(
            f"Reading {what.lower()} file {path} needs the package '{package}', which is not "
            f"installed: pip install {package}"
        ) from None
    except Exception as exc:
        # Only the third-party reader runs in this try: whatever it raises on a file the
        # user named (a corrupt zip, an Excel file without a workbook, bad bytes) means the
        # file cannot be read, and is reported as such.
        first = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else ""
        reason = f"{type(exc).__name__}: {first}" if isinstance(exc, KeyError) or not first \
            else first
        hint = "" if suffix not in _EXCEL + _PARQUET else (
            f" Is it really a{'n Excel' if suffix in _EXCEL else ' Parquet'} file?")
        raise error(f"Cannot read {what.lower()} file {path}: {reason}.{hint}") from None


def _columns_preview(table: pd.DataFrame, limit: int = 6) -> str:
    shown = ", ".join(repr(str(c)) for c in table.columns[:limit])
    return shown + (f", ... ({len(table.columns)} in all)" if len(table.columns) > limit else "")


def load_framework(path: str | Path) -> Framework:
    """Read a framework from a TOML file or a metadata table (CSV, Excel, Parquet).

    Parameters
    ----------
    path : str or path-like
        A ``.toml`` file (see :meth:`Framework.from_toml`), or a table with one row per node:
        COINr's iMeta columns or spindex's lower-case ones (see :meth:`Framework.from_table`).

    Returns
    -------
    Framework

    Raises
    ------
    FrameworkError
        If the file is missing or unreadable, or the framework is invalid.
    """
    path = Path(path)
    if path.suffix.lower() == ".toml":
        return Framework.from_toml(path)
    table = _read_table(path, "Framework", FrameworkError)
    try:
        return Framework.from_table(table)
    except SpindexError as exc:
        raise type(exc)(f"Framework file {path}: {exc}") from None


def load_data(path: str | Path, unit_column: str | None = None) -> pd.DataFrame:
    """Read a data table (CSV, Excel, Parquet) and index it by its unit codes.

    Parameters
    ----------
    path : str or path-like
        One row per unit, one column per indicator (other columns are kept: denominators,
        groups, labels).
    unit_column : str, optional
        Column of unit codes. Default: ``uCode`` (COINr's iData) if present, otherwise the
        table's own index if it has one (Parquet keeps it), otherwise the first column.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataError
        If the file is missing or unreadable, or ``unit_column`` is not one of its columns.
    """
    path = Path(path)
    data = _read_table(path, "Data", DataError)
    if data.columns.empty:
        raise DataError(f"Data file {path} has no columns.")
    if data.shape[0] == 0:
        raise DataError(
            f"Data file {path} has a header ({_columns_preview(data)}) but no rows: there are "
            "no units to score."
        )
    if unit_column is None:
        if "uCode" in data.columns:
            unit_column = "uCode"
        elif not isinstance(data.index, pd.RangeIndex):
            return data
        else:
            unit_column = str(data.columns[0])
    if unit_column not in data.columns:
        raise DataError(
            f"The unit column '{unit_column}' is not in data file {path}; its columns are "
            f"{[str(c) for c in data.columns][:12]}. Name it with --unit-column."
        )
    return data.set_index(unit_column)


# --------------------------------------------------------------------- method specifications
@dataclass(frozen=True)
class _Step:
    """How one model parameter is given on the command line."""

    option: str
    registry: Mapping[str, Callable[..., Any]]
    resolve: Callable[[Any], Any]
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    allows_none: bool = False


def _denominate_by_framework(*args: Any, **kwargs: Any) -> Denominate:
    return Denominate("framework", *args, **kwargs)


def _as_denominate(spec: Any) -> Any:
    if isinstance(spec, Denominate):
        return spec
    if spec == "framework":
        return Denominate("framework")
    raise ParameterError(
        f"The 'denominate' option must be 'framework' (each indicator's Denominator in the "
        f"framework), optionally with parameters (framework:missing=propagate), or 'none'. "
        f"Got {spec!r} instead."
    )


_STEPS = {
    "normalize": _Step("normalize", NORMALIZERS, get_normalizer, _NORMALIZER_ALIASES),
    "aggregate": _Step("aggregate", AGGREGATORS, get_aggregator, _AGGREGATOR_ALIASES),
    "impute": _Step("impute", IMPUTERS, get_imputer, allows_none=True),
    "treat": _Step("treat", TREATMENTS, get_treatment),
    "denominate": _Step(
        "denominate", {"framework": _denominate_by_framework}, _as_denominate, allows_none=True
    ),
}


def _value(text: str) -> Any:
    """A parameter value: a boolean, None, an integer, a float, or the text itself."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _parameter_names(factory: Callable[..., Any]) -> list[str]:
    target = Denominate if factory is _denominate_by_framework else factory
    if dataclasses.is_dataclass(target):
        names = [f.name for f in dataclasses.fields(target) if f.init]
        return [n for n in names if n != "by"] if target is Denominate else names
    return list(inspect.signature(target).parameters)


def parse_method(step: str, text: str) -> Any:
    """Turn ``NAME`` or ``NAME:param=value,...`` into the method object of a model step.

    Parameters
    ----------
    step : {"normalize", "aggregate", "impute", "treat", "denominate"}
        The model parameter.
    text : str
        The method's name, optionally followed by a colon and comma-separated parameters;
        an unnamed parameter fills the first free field (``group_mean:region``).

    Returns
    -------
    object
        The name itself when no parameter is given (checked to be valid), a method object
        otherwise, or ``None`` for ``"none"`` where the step can be skipped.

    Raises
    ------
    ParameterError
        For an unknown method or parameter.

    Examples
    --------
    >>> parse_method("normalize", "zscore")
    'zscore'
    >>> parse_method("normalize", "minmax:low=1,high=100")
    MinMax(low=1, high=100, constant='error')
    >>> parse_method("aggregate", "generalized:0.5")
    GeneralizedMean(p=0.5)
    """
    spec = _STEPS[step]
    name, colon, params = text.partition(":")
    name = name.strip().lower()
    if not name:
        raise ParameterError(f"The --{step} option needs a method name; got {text!r}.")
    if spec.allows_none and name == "none":
        if colon:
            raise ParameterError(f"--{step} none takes no parameters; got {text!r}.")
        return None
    if not colon:
        spec.resolve(name)  # fails now, naming the valid methods, if the name is unknown
        return name  # the name itself labels the choice in analyses' inputs
    key = spec.aliases.get(name, name)
    if key not in spec.registry:
        return spec.resolve(name)  # raises the library's message listing the valid names
    factory = spec.registry[key]
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for item in params.split(","):
        item = item.strip()
        if not item:
            raise ParameterError(f"Empty parameter in --{step} {text!r}.")
        pname, eq, raw = item.partition("=")
        if eq:
            kwargs[pname.strip()] = _value(raw.strip())
        elif kwargs:
            raise ParameterError(
                f"In --{step} {text!r}, the unnamed parameter {item!r} follows named ones; "
                "name it (param=value)."
            )
        else:
            args.append(_value(item))
    try:
        return spec.resolve(factory(*args, **kwargs))
    except SpindexError:
        raise
    except TypeError as exc:
        raise ParameterError(
            f"Invalid parameters in --{step} {text!r} ({exc}). The parameters of {key!r} are: "
            f"{', '.join(_parameter_names(factory)) or 'none'}."
        ) from None


def split_alternatives(text: str) -> list[str]:
    """Split a comma-separated list of method specifications.

    A ``name=value`` item (with no colon) continues the parameters of the previous
    specification, so ``"minmax:low=1,high=100,zscore"`` is two alternatives.

    Examples
    --------
    >>> split_alternatives("minmax:low=1,high=100,zscore")
    ['minmax:low=1,high=100', 'zscore']
    """
    out: list[str] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            raise ParameterError(f"Empty item in the list of alternatives {text!r}.")
        if "=" in item and ":" not in item and out and ":" in out[-1]:
            out[-1] = f"{out[-1]},{item}"
        else:
            out.append(item)
    return out


def _keyed(option: str, text: str) -> tuple[str, str]:
    key, eq, value = text.partition("=")
    if not eq or not key.strip() or not value.strip():
        raise ParameterError(f"--{option} expects KEY=METHOD (e.g. 2=geometric); got {text!r}.")
    return key.strip(), value.strip()


def _level(text: str) -> int | str:
    """A level: an integer (negative counts from the top) or a name ("indicators", "root")."""
    try:
        return int(text)
    except ValueError:
        return text


def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",")]
    if not all(items):
        raise ParameterError(f"Empty item in the list {text!r}.")
    return items


def build_model(args: argparse.Namespace, framework: Framework) -> CompositeIndex:
    """The :class:`CompositeIndex` described by the model options of a command.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options (``normalize``, ``aggregate``, ``aggregate_level``, ...).
    framework : Framework
        The indicator tree.

    Returns
    -------
    CompositeIndex

    Raises
    ------
    ParameterError
        For an unknown method, parameter, level or node.
    """
    normalize: Any = parse_method("normalize", args.normalize)
    if args.normalize_node:
        normalize = {"default": normalize}
        for item in args.normalize_node:
            code, spec = _keyed("normalize-node", item)
            normalize[code] = parse_method("normalize", spec)
    aggregate: Any = parse_method("aggregate", args.aggregate)
    if args.aggregate_level or args.aggregate_node:
        aggregate = {"default": aggregate}
        for item in args.aggregate_level or ():
            key, spec = _keyed("aggregate-level", item)
            try:
                level = int(key)
            except ValueError:
                raise ParameterError(
                    f"--aggregate-level expects LEVEL=METHOD with an integer level (2 = the "
                    f"nodes just above the indicators); got {item!r}."
                ) from None
            aggregate[level] = parse_method("aggregate", spec)
        for item in args.aggregate_node or ():
            code, spec = _keyed("aggregate-node", item)
            aggregate[code] = parse_method("aggregate", spec)
    screen = None
    if args.screen is not None:
        screen = Screen(min_coverage=args.screen)
    return CompositeIndex(
        framework,
        normalize=normalize,
        aggregate=aggregate,
        min_coverage=args.min_coverage,
        denominate=parse_method("denominate", args.denominate) if args.denominate else None,
        impute=parse_method("impute", args.impute) if args.impute else None,
        screen=screen,
        treat=parse_method("treat", args.treat) if args.treat else None,
    )


def _switches(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in ("normalize", "aggregate", "impute", "treat", "denominate"):
        given: list[str] = getattr(args, f"{step}_alternatives", None) or []
        items = [item for text in given for item in split_alternatives(text)]
        if items:
            out[step] = [parse_method(step, item) for item in items]
    return out


def _weights(args: argparse.Namespace) -> WeightSampler | None:
    levels = [_level(t) for t in _codes(args.levels) or []] or None
    nodes = _codes(args.nodes)
    kind = getattr(args, "weights", "noise")
    if kind == "fixed" or (kind == "noise" and args.phi == 0):
        return None
    if kind == "dirichlet":
        return DirichletWeights(args.concentration, levels=levels, nodes=nodes)
    if kind == "uniform":
        return UniformSimplex(levels=levels, nodes=nodes)
    return WeightNoise(args.phi, levels=levels, nodes=nodes)


def _noise(args: argparse.Namespace) -> WeightNoise | None:
    """Sobol analysis maps each weight to one coordinate: only weight noise fits."""
    sampler = _weights(args)
    if sampler is not None and not isinstance(sampler, WeightNoise):
        raise ParameterError(
            "The Sobol analysis varies each weight by noise (--phi); it cannot use "
            f"--weights {args.weights}. Use --weights noise."
        )
    return sampler


# ----------------------------------------------------------------------------- running
@contextmanager
def _executor(workers: int) -> Iterator[Executor | None]:
    """A process pool for ``workers > 1`` (results are identical to a serial run)."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


# The options that name a table to write, and the formats they take (by extension).
_TABLE_OPTIONS = ("output", "ranks", "inputs", "rank_counts", "first_order", "total_order",
                  "confidence", "thresholds")
_TABLE_FORMATS = (".csv", ".xlsx", ".parquet", ".pq")


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output file of unknown format before any work is done."""
    if args.command == "report":
        return
    for option in _TABLE_OPTIONS:
        path = getattr(args, option, None)
        if path and path != "-" and Path(path).suffix.lower() not in _TABLE_FORMATS:
            flag = "--" + option.replace("_", "-")
            raise ParameterError(
                f"Cannot write {flag} {path}: its extension is not one of .csv, .xlsx, "
                ".parquet. Name the file .csv (text), .xlsx (Excel) or .parquet."
            )


def _load(args: argparse.Namespace) -> tuple[CompositeIndex, pd.DataFrame]:
    _check_outputs(args)
    framework = load_framework(args.framework)
    model = build_model(args, framework)
    data = load_data(args.data, args.unit_column)
    return model, data


def _write(
    frame: pd.DataFrame, path: str, *, index: bool = True, results: Sequence[Any] = (),
) -> None:
    """Write a table with every float exact, as CSV, Parquet or Excel by the file's extension;
    ``-`` is standard output (CSV). An Excel file holds the workbook of ``results`` (every
    table of the command's results, with an About sheet) when there are any."""
    if path == "-":
        frame.to_csv(sys.stdout, float_format=_FLOAT_FORMAT, index=index)
        return
    if Path(path).suffix.lower() == ".xlsx" and results:
        to_excel(list(results), path)
    else:
        write_table(frame, path, index=index)
    _note(f"wrote {path}")


def _beside(path: str, what: str) -> str:
    """``scores.csv`` -> ``scores.ranks.csv``: a second table next to the first, same format."""
    target = Path(path)
    return str(target.with_suffix(f".{what}{target.suffix}"))


def _note(message: str) -> None:
    print(f"spindex: {message}", file=sys.stderr)


def _show(frame: pd.DataFrame, title: str | None = None, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if title:
        print(title, file=out)
    with pd.option_context("display.width", 120, "display.max_rows", 500):
        print(frame.to_string(), file=out)


def _cmd_score(args: argparse.Namespace) -> int:
    model, data = _load(args)
    res = model.score(data)
    if args.output:
        _write(res.scores, args.output, results=[res])
        ranks = args.ranks
        # An Excel workbook already holds the ranks (and contributions) on their own sheets.
        if ranks is None and args.output != "-" and Path(args.output).suffix.lower() != ".xlsx":
            ranks = _beside(args.output, "ranks")
        if ranks:
            _write(res.ranks, ranks)
    else:
        if args.ranks:
            _write(res.ranks, args.ranks)
        _show(res.table(level=_level(args.level)))
    return 0


def _cmd_uncertainty(args: argparse.Namespace) -> int:
    model, data = _load(args)
    sampler = _weights(args)
    switches = _switches(args)
    with _executor(args.workers) as executor:
        ua = uncertainty(
            model, data, weights=sampler, n=args.n, seed=args.seed, executor=executor,
            block_size=args.block_size, progress=args.progress,
            keep_inputs=bool(args.inputs), **switches,
        )
    summary = ua.summary()
    if args.output:
        _write(summary, args.output, results=[ua])
    else:
        _show(summary, f"{ua.n:,} runs; mean rank shift R_S = {ua.mean_rank_shift:.4g}")
    if args.inputs:
        _write(ua.inputs, args.inputs)
    if args.rank_counts:
        _write(ua.rank_counts, args.rank_counts)
    return 0


def _cmd_sobol(args: argparse.Namespace) -> int:
    model, data = _load(args)
    switches = _switches(args)
    groups = None if args.groups == "none" else "parent"
    with _executor(args.workers) as executor:
        sa = sobol(
            model, data, weights=_noise(args), groups=groups, n=args.n, seed=args.seed,
            bootstrap=args.bootstrap, confidence_level=args.confidence_level,
            executor=executor, block_size=args.block_size, progress=args.progress, **switches,
        )
    summary = sa.summary()
    summary.index.name = "input"
    if args.output:
        _write(summary, args.output, results=[sa])
    else:
        _show(summary, f"Sobol indices: {len(sa.inputs)} inputs, n = {sa.n} ({sa.runs:,} runs)")
    for path, frame in ((args.first_order, sa.first_order), (args.total_order, sa.total_order)):
        if path:
            out = frame.copy()
            out.index.name = "input"
            _write(out, path)
    if args.confidence and sa.confidence is not None:
        _write(sa.confidence, args.confidence, index=False)
    return 0


def _dominance_options(args: argparse.Namespace) -> tuple[int | str | None, str | None]:
    if args.level is not None and args.node is not None:
        raise ParameterError("Give --level or --node, not both.")
    return (None if args.level is None else _level(args.level)), args.node


def _cmd_dominance_matrix(args: argparse.Namespace) -> int:
    level, node = _dominance_options(args)
    model, data = _load(args)
    with _executor(args.workers) as executor:
        matrix = dominance_matrix(
            model, data, level, node=node, method=args.method, n=args.n, seed=args.seed,
            executor=executor, block_size=args.block_size,
        )
    if args.output:
        _write(matrix, args.output, results=[("Dominance matrix", matrix)])
    else:
        _show(matrix.round(4), "Share of the weights where the row unit scores at least as high "
              "as the column unit:")
    return 0


def _cmd_dominance(args: argparse.Namespace) -> int:
    level, node = _dominance_options(args)
    model, data = _load(args)
    a, b = _unit_label(data, args.a), _unit_label(data, args.b)
    with _executor(args.workers) as executor:
        res = dominance(
            model, data, a, b, level, node=node, method=args.method, n=args.n,
            seed=args.seed, executor=executor, block_size=args.block_size,
        )
    print(res.statement())
    if args.output:
        row = {
            "a": res.a, "b": res.b, "share": res.share, "method": res.method,
            "standard_error": res.standard_error, "n": res.n, "root": res.root,
            "nominal_gap": res.nominal_gap, "leader": res.leader,
            "hyperplane": res.hyperplane,
        }
        _write(pd.DataFrame([row]), args.output, index=False, results=[res])
    if args.thresholds:
        out = res.thresholds.copy()
        out.index.name = "node"
        _write(out, args.thresholds)
    return 0


def _unit_label(data: pd.DataFrame, text: str) -> Any:
    """The unit label as it is in the data's index (numbers stay numbers)."""
    if text in data.index:
        return text
    value = _value(text)
    return value if value in data.index else text


def _cmd_report(args: argparse.Namespace) -> int:
    # Imported here: the report needs the plot extra, which the other commands do not.
    try:
        report_module = importlib.import_module("spindex.report")
    except ModuleNotFoundError as exc:
        if exc.name != "spindex.report":
            raise ParameterError(
                f"The HTML report needs the package '{exc.name}', which is not installed; "
                "install spindex with its plot extra: pip install 'spindex[plot]'."
            ) from None
        raise ParameterError(
            "This version of spindex has no HTML report (the module spindex.report is missing)."
        ) from None
    model, data = _load(args)
    res = model.score(data)
    analyses: list[Any] = [res, data_checks(data, model.framework)]
    with _executor(args.workers) as executor:
        switches = _switches(args)
        if args.uncertainty_n:
            analyses.append(uncertainty(
                model, data, weights=_weights(args), n=args.uncertainty_n, seed=args.seed,
                executor=executor, progress=args.progress, **switches,
            ))
        if args.sobol_n:
            analyses.append(sobol(
                model, data, weights=_noise(args), n=args.sobol_n, seed=args.seed,
                executor=executor, progress=args.progress, **switches,
            ))
        if args.smaa_n:
            analyses.append(smaa(model, data, n=args.smaa_n, seed=args.seed, executor=executor))
        if args.dominance:
            a, b = (_unit_label(data, u) for u in args.dominance)
            analyses.append(dominance(model, data, a, b))
    report_function: Callable[..., Any] = report_module.report
    report_function(
        analyses, args.output, title=args.title,
        level=None if args.level is None else _level(args.level),
        units=None if args.units is None else [_unit_label(data, u) for u in _codes(args.units)
                                               or []],
        figures=not args.no_figures,
    )
    _note(f"wrote {args.output}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.elcano:
        from spindex.softpower.elcano_demo import run_elcano_demo

        run_elcano_demo(args.output or "spindex-demo-elcano")
        return 0
    from spindex.softpower.demo import run_demo

    run_demo(args.output or "spindex-demo")
    return 0


# ----------------------------------------------------------------------------- the parser
class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error, like every other
    user error of the command (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR,
                  f"spindex: error: {self.prog}: {message} (see '{self.prog} --help')\n")


def _integer(minimum: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``; ``what`` names it in the message."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


_seed = _integer(0, "a non-negative integer seed")
_non_negative_int = _integer(0, "a non-negative integer")
_positive_int = _integer(1, "a positive integer")


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _open_fraction(text: str) -> float:
    value = _finite(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a number strictly between 0 and 1, got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0.0 <= value <= 1.0:  # NaN fails this too
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def _inputs_parser() -> _Parser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("input")
    g.add_argument("data", help="data table (CSV, Excel or Parquet), one row per unit")
    g.add_argument("--framework", "-f", required=True, metavar="FILE",
                   help="framework: a table (CSV/Excel/Parquet, COINr's iMeta or spindex's "
                        "code/parent/weight/direction columns) or a TOML file")
    g.add_argument("--unit-column", metavar="COLUMN",
                   help="column of unit codes (default: uCode if present, else the first column)")
    return p


def _model_parser() -> _Parser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("model", "methods as NAME or NAME:param=value,... "
                                      "(e.g. minmax:low=1,high=100)")
    g.add_argument("--normalize", default="minmax", metavar="METHOD",
                   help=f"normalisation: {', '.join(NORMALIZERS)} (default: minmax)")
    g.add_argument("--normalize-node", action="append", metavar="CODE=METHOD",
                   help="normalisation of one indicator, or of every indicator below an "
                        "aggregate (repeatable)")
    g.add_argument("--aggregate", default="arithmetic", metavar="METHOD",
                   help=f"aggregation: {', '.join(AGGREGATORS)} (default: arithmetic)")
    g.add_argument("--aggregate-level", action="append", metavar="LEVEL=METHOD",
                   help="aggregation at one level, e.g. 2=geometric (repeatable)")
    g.add_argument("--aggregate-node", action="append", metavar="CODE=METHOD",
                   help="aggregation of one node, e.g. Conn=median (repeatable)")
    g.add_argument("--min-coverage", type=_fraction, metavar="SHARE",
                   help="an aggregate is missing when fewer than this share of its children "
                        "have values (COINr's dat_thresh)")
    g.add_argument("--denominate", metavar="SPEC",
                   help="'framework' (each indicator's Denominator; e.g. "
                        "framework:missing=propagate) or 'none'")
    g.add_argument("--impute", metavar="METHOD",
                   help=f"imputation: {', '.join(IMPUTERS)} (grouped: group_mean:COLUMN)")
    g.add_argument("--screen", type=_fraction, metavar="SHARE",
                   help="drop units with less than this share of indicators observed")
    g.add_argument("--treat", metavar="METHOD",
                   help=f"outlier treatment: {', '.join(TREATMENTS)}")
    return p


def _run_parser(n_default: int, n_help: str) -> _Parser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("run")
    g.add_argument("-n", "--n", type=_positive_int, default=n_default, help=n_help)
    g.add_argument("--seed", type=_seed, help="seed: the same seed gives the same results")
    g.add_argument("--workers", type=_positive_int, default=1, metavar="N",
                   help="processes to run blocks in parallel (same results; default 1)")
    g.add_argument("--block-size", type=_positive_int, default=16_384, metavar="RUNS",
                   help="runs per block; bounds memory (default 16384)")
    return p


def _uncertain_parser(*, samplers: bool) -> _Parser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("uncertain inputs")
    if samplers:
        g.add_argument("--weights", choices=("noise", "dirichlet", "uniform", "fixed"),
                       default="noise",
                       help="weight distribution: noise (each weight w(1 +- phi)), dirichlet "
                            "(around the nominal weights), uniform (on the simplex) or fixed")
        g.add_argument("--concentration", type=_finite, default=10.0,
                       help="Dirichlet concentration per sibling (default 10)")
    g.add_argument("--phi", type=_finite, default=0.25,
                   help="relative half-width of the weight noise; 0 keeps weights fixed "
                        "(default 0.25)")
    g.add_argument("--levels", metavar="L1,L2",
                   help="levels whose weights vary, e.g. 2,3 (default: every weight)")
    g.add_argument("--nodes", metavar="CODE,...", help="nodes whose weights vary")
    for step in ("normalize", "aggregate", "impute", "treat", "denominate"):
        g.add_argument(f"--{step}-alternatives", action="append", metavar="M1,M2",
                       help=f"equally likely {step} methods, e.g. "
                            + {"normalize": "minmax,zscore", "aggregate": "arithmetic,geometric",
                               "impute": "none,mean", "treat": "none,default",
                               "denominate": "none,framework"}[step])
    g.add_argument("--progress", action="store_true", help="show progress on standard error")
    return p


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``spindex`` command.

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = _Parser(
        prog="spindex",
        description="Build, score and stress-test composite indicators.",
        epilog="Exit status: 0 success, 2 user error (bad file, framework, data or option).",
    )
    from spindex import __version__

    parser.add_argument("--version", action="version", version=f"spindex {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    inputs, model = _inputs_parser(), _model_parser()
    fmt = argparse.ArgumentDefaultsHelpFormatter

    score = sub.add_parser("score", parents=[inputs, model], help="score a data table",
                           description="Score a data table with a framework.")
    g = score.add_argument_group("output")
    g.add_argument("--output", "-o", metavar="FILE",
                   help="scores of every node as .csv ('-': standard output), .parquet or "
                        ".xlsx (a workbook with ranks, contributions, framework and an About "
                        "sheet); the ranks go beside a .csv or .parquet as FILE.ranks.csv "
                        "(.parquet) unless --ranks says otherwise. Default: print a ranking "
                        "table")
    g.add_argument("--ranks", metavar="FILE", help="CSV of the ranks of every node")
    g.add_argument("--level", default="-1",
                   help="level shown next to the index in the printed table (default: the index "
                        "alone)")
    score.set_defaults(func=_cmd_score)

    unc = sub.add_parser(
        "uncertainty", parents=[inputs, model, _run_parser(10_000, "runs (default 10000)"),
                                _uncertain_parser(samplers=True)],
        help="Monte Carlo uncertainty analysis of the ranks",
        description="Monte Carlo uncertainty analysis: ranks under uncertain weights and methods.",
    )
    g = unc.add_argument_group("output")
    g.add_argument("--output", "-o", metavar="FILE",
                   help="summary per unit, .csv, .parquet or .xlsx (default: print it)")
    g.add_argument("--inputs", metavar="FILE", help="CSV of the sampled inputs of every run")
    g.add_argument("--rank-counts", metavar="FILE", help="CSV of rank counts (units x ranks)")
    unc.set_defaults(func=_cmd_uncertainty)

    sob = sub.add_parser(
        "sobol", parents=[inputs, model, _run_parser(4096, "base sample size, a power of two "
                                                           "(default 4096)"),
                          _uncertain_parser(samplers=False)],
        help="Sobol sensitivity indices of the ranks",
        description="Sobol first- and total-order indices of every unit's rank and of R_S.",
    )
    g = sob.add_argument_group("sobol")
    g.add_argument("--groups", choices=("parent", "none"), default="parent",
                   help="parent: the weights of each group of siblings are one input; none: "
                        "every weight is its own input")
    g.add_argument("--bootstrap", type=_non_negative_int, default=200,
                   help="bootstrap resamples (0: none)")
    g.add_argument("--confidence-level", type=_open_fraction, default=0.95)
    g = sob.add_argument_group("output")
    g.add_argument("--output", "-o", metavar="FILE",
                   help="summary per input, .csv, .parquet or .xlsx (default: print it)")
    g.add_argument("--first-order", metavar="FILE", help="CSV of first-order indices")
    g.add_argument("--total-order", metavar="FILE", help="CSV of total-order indices")
    g.add_argument("--confidence", metavar="FILE", help="CSV of bootstrap intervals")
    sob.set_defaults(func=_cmd_sobol)

    def dominance_options(p: argparse.ArgumentParser) -> None:
        g = p.add_argument_group("dominance")
        g.add_argument("--level", help="level whose weights vary (default: the root's children)")
        g.add_argument("--node", help="vary the weights of this aggregate's children only")
        g.add_argument("--method", choices=("exact", "monte_carlo"), default="exact",
                       help="exact (arithmetic aggregation above the level) or monte_carlo")

    mc_run = _run_parser(10_000, "Monte Carlo draws (default 10000)")
    dom = sub.add_parser(
        "dominance", parents=[inputs, model, mc_run],
        help="share of the weights where one unit beats another",
        description="Share of the weights (uniform on the simplex) where unit A scores at "
                    "least as high as unit B, and the weights where the order flips.",
    )
    dom.add_argument("a", metavar="A", help="first unit")
    dom.add_argument("b", metavar="B", help="second unit")
    dominance_options(dom)
    g = dom.add_argument_group("output")
    g.add_argument("--output", "-o", metavar="FILE",
                   help="one summary row, .csv, .parquet or .xlsx")
    g.add_argument("--thresholds", metavar="FILE",
                   help="CSV of the weights at which the order flips, node by node")
    dom.set_defaults(func=_cmd_dominance)

    mat = sub.add_parser(
        "dominance-matrix", parents=[inputs, model, mc_run],
        help="dominance shares of every pair of units",
        description="Share of the weights where each unit (row) scores at least as high as "
                    "each other unit (column).",
    )
    dominance_options(mat)
    mat.add_argument("--output", "-o", metavar="FILE",
                     help="the units x units matrix, .csv, .parquet or .xlsx (default: print "
                          "it)")
    mat.set_defaults(func=_cmd_dominance_matrix)

    rep = sub.add_parser(
        "report", parents=[inputs, model, _uncertain_parser(samplers=True)],
        help="write the HTML report",
        description="Score the data and write a self-contained HTML report (framework, data "
                    "coverage, preparation, results), with the analyses asked for.",
    )
    g = rep.add_argument_group("report")
    g.add_argument("--output", "-o", required=True, metavar="FILE", help="HTML file to write")
    g.add_argument("--uncertainty-n", type=_positive_int, metavar="N",
                   help="include an uncertainty analysis with N runs")
    g.add_argument("--sobol-n", type=_positive_int, metavar="N",
                   help="include a Sobol analysis with base sample size N (a power of two)")
    g.add_argument("--smaa-n", type=_positive_int, metavar="N",
                   help="include an SMAA analysis with N draws of the weights")
    g.add_argument("--dominance", nargs=2, metavar=("A", "B"),
                   help="include the dominance of unit A over unit B")
    g.add_argument("--title", help="title of the report")
    g.add_argument("--level", help="level shown in the ranking figure and tables "
                                   "(default: the pillars)")
    g.add_argument("--units", metavar="U1,U2", help="units of the radar chart "
                                                    "(default: the best three)")
    g.add_argument("--no-figures", action="store_true",
                   help="tables only (no matplotlib needed)")
    g.add_argument("--seed", type=_seed)
    g.add_argument("--workers", type=_positive_int, default=1, metavar="N")
    rep.set_defaults(func=_cmd_report)

    demo = sub.add_parser("demo", help="run the demonstration on bundled data",
                          formatter_class=fmt)
    demo.add_argument("--output", default=None,
                      help="folder for the tables (default: spindex-demo, or "
                           "spindex-demo-elcano with --elcano)")
    demo.add_argument("--elcano", action="store_true",
                      help="China vs Japan 1990-2021 on the soft dimension of the Elcano "
                           "Global Presence Index instead")
    demo.set_defaults(func=_cmd_demo)
    return parser


def _warning_line(
    message: Warning | str, category: type[Warning], filename: str, lineno: int,
    file: TextIO | None = None, line: str | None = None,
) -> None:
    print(f"spindex: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 2 for a user error or a usage error, 130 when
        interrupted.
    """
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
    if extra:
        # Reported by the subcommand, whose options the user was typing.
        prog = f"spindex {args.command}"
        print(f"spindex: error: {prog}: unrecognized arguments: {' '.join(extra)} "
              f"(see '{prog} --help')", file=sys.stderr)
        return EXIT_USER_ERROR
    with warnings.catch_warnings():
        warnings.showwarning = _warning_line
        try:
            return int(args.func(args))
        except SpindexError as exc:
            message = " ".join(str(exc).split())
            print(f"spindex: error: {message}", file=sys.stderr)
            return EXIT_USER_ERROR
        except SpindexWarning as exc:
            # The user's own filters made a warning an error (``python -W error``): honour
            # them, and say it as one line rather than a traceback.
            message = " ".join(str(exc).split())
            print(f"spindex: error: {message}", file=sys.stderr)
            return EXIT_USER_ERROR
        except BrokenPipeError:
            # The reader went away (``spindex score ... | head``): stop quietly; pointing
            # stdout at devnull keeps the interpreter's final flush from failing again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1
        except OSError as exc:
            # A file the user named cannot be read or written (permissions, a full disk, a
            # directory where a file was expected): a user error, not a bug.
            where = f" {exc.filename}" if exc.filename else ""
            reason = exc.strerror or str(exc) or type(exc).__name__
            print(f"spindex: error: cannot read or write{where}: {reason}", file=sys.stderr)
            return EXIT_USER_ERROR
        except KeyboardInterrupt:
            print("spindex: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
