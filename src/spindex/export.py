"""Results as tables: one multi-sheet Excel workbook, Parquet files or CSV, at full precision.

:func:`export_tables` turns results (an :class:`~spindex.result.IndexResult`, the analysis
results, a panel) into named tables; :func:`to_excel` writes them as the sheets of one workbook
with an "About" sheet describing the model, and :func:`to_parquet` as one Parquet file per
table. :func:`write_table` writes one table to ``.csv``, ``.xlsx`` or ``.parquet`` by the
file's extension (the command line's ``--output``).

Every float is written as the double it is: CSV with 17 significant digits, Excel and Parquet
as binary or shortest round-trip numbers, so that ``pandas.read_excel`` and
``pandas.read_parquet`` give back the same numbers.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spindex.analysis.dominance import DominanceResult
from spindex.analysis.importance import ImportanceResult
from spindex.analysis.smaa import SMAAResult
from spindex.analysis.sobol import SobolResult
from spindex.analysis.uncertainty import UncertaintyResult
from spindex.errors import MissingDependencyError, ParameterError, SpindexError, SpindexTypeError
from spindex.panel import PanelAnalysis, PanelResult
from spindex.result import IndexResult

__all__ = ["export_tables", "to_excel", "to_parquet", "write_table"]

_FLOAT_FORMAT = "%.17g"  # every double written back exactly
_EXCEL = (".xlsx",)
_PARQUET = (".parquet", ".pq")
_CSV = (".csv",)
_SHEET_MAX = 31  # Excel's limit on the length of a sheet name

# Column names of the analysis summaries, as a reader of a workbook should see them.
_HEADERS = {
    "nominal_rank": "Nominal rank",
    "median_rank": "Median rank",
    "mean_rank": "Mean rank",
    "rank_q05": "Rank, 5th percentile",
    "rank_q95": "Rank, 95th percentile",
    "mean_abs_shift": "Mean absolute rank shift",
    "nominal_score": "Nominal score",
    "score_mean": "Mean score",
    "score_sd": "Score standard deviation",
    "S_R_S": "First order (mean rank shift)",
    "ST_R_S": "Total order (mean rank shift)",
    "mean_S_rank": "First order (rank), mean over units",
    "mean_ST_rank": "Total order (rank), mean over units",
    "b1": "First-rank acceptability",
    "modal_rank": "Most likely rank",
    "holistic": "Holistic acceptability",
    "confidence": "Confidence factor",
    "weight": "Nominal weight",
    "main_effect": "Main effect (correlation ratio)",
    "share": "Share of the main effects",
    "ratio": "Share / weight",
    "pearson_r2": "Pearson r squared",
    "n_units": "Units used",
    "edf": "Effective degrees of freedom",
    "smoothing": "Smoothing parameter",
    "nominal": "Nominal share of its group",
    "vertex_gap": "Gap with all the group's weight",
    "flip_at": "Share at which the order flips",
    "a_leads": "First unit leads",
}


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=lambda c: _HEADERS.get(c, c) if isinstance(c, str) else c)


def _labelled(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """The table with its index as leading column(s), so that every sheet reads the same way."""
    out = frame.copy()
    names = [n if n is not None else (label if i == 0 else f"{label}_{i}")
             for i, n in enumerate(out.index.names)]
    out.index = out.index.set_names(names)
    out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out


def _describe(method: Any) -> str:
    if isinstance(method, str):
        return method
    name = getattr(method, "name", None)
    text = repr(method)
    return text if name is None or text.startswith(type(method).__name__) else str(name)


def _model_rows(res: IndexResult) -> list[tuple[str, str]]:
    model, fw = res.model, res.framework
    rows = [
        ("Index", f"{fw.node(fw.root).name} ({fw.root})"),
        ("Units", str(len(res.scores))),
        ("Indicators", str(len(fw.indicators))),
        ("Levels", str(fw.n_levels)),
        ("Normalisation", _describe(model.normalize)),
    ]
    for code in fw.aggregates:
        rows.append((f"Aggregation of {code}", _describe(model.aggregator(code))))
    for step in ("denominate", "impute", "screen", "treat"):
        value = getattr(model, step)
        if value is not None:
            rows.append((f"Step: {step}", _describe(value)))
    shares = fw.normalized_weights()
    for code in reversed(fw.aggregates):
        kids = fw.children(code)
        rows.append((f"Weights in {code}", ", ".join(f"{c} {float(shares[c]):.4g}"
                                                      for c in kids)))
    rows.append(("Weights", "shares of each group above; renormalised to sum 1 over the "
                            "children each unit has; every node in the Framework sheet"))
    return rows


def _framework_table(res: IndexResult) -> pd.DataFrame:
    fw = res.framework
    effective = fw.effective_weights(1)
    nodes = [fw.node(c) for c in fw.codes]
    return pd.DataFrame({
        "Code": [n.code for n in nodes],
        "Name": [n.name for n in nodes],
        "Parent": [n.parent for n in nodes],
        "Level": [n.level for n in nodes],
        "Weight": [float(n.weight) for n in nodes],
        "Weight within its group": [float(fw.normalized_weights().get(n.code, np.nan))
                                    for n in nodes],
        "Effective weight": [float(effective.get(n.code, np.nan)) for n in nodes],
        "Direction": [n.direction for n in nodes],
    })


def _contribution_level(res: IndexResult) -> int:
    return 2 if res.framework.n_levels > 2 else 1


class _Book:
    """Tables collected under unique sheet names, with the notes of the About sheet."""

    def __init__(self, labels: str) -> None:
        self.labels = labels
        self.tables: dict[str, pd.DataFrame] = {}
        self.about: list[tuple[str, str]] = []

    def add(self, name: str, frame: pd.DataFrame, label: str, note: str) -> None:
        base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:_SHEET_MAX] or "Table"
        sheet, k = base, 2
        while sheet in self.tables:
            suffix = f" ({k})"
            sheet, k = base[: _SHEET_MAX - len(suffix)] + suffix, k + 1
        self.tables[sheet] = _labelled(frame, label)
        self.about.append((f"Sheet: {sheet}", note))


def _headers(fw: Any, labels: str) -> dict[str, str]:
    """Column header of every node: its name (its code too where two nodes share a name), or
    its code with ``labels="codes"``."""
    if labels == "codes":
        return {c: c for c in fw.codes}
    names = {c: str(fw.node(c).name or c) for c in fw.codes}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {c: (n if counts[n] == 1 else f"{n} ({c})") for c, n in names.items()}


def _add_result(book: _Book, res: IndexResult, prefix: str) -> None:
    fw = res.framework
    header = _headers(fw, book.labels)
    book.about.extend((f"{prefix}{k}", v) for k, v in _model_rows(res))
    book.add(f"{prefix}Scores", res.scores.rename(columns=header), "unit",
             "scores of every unit at every node (normalised indicators, aggregates, index)")
    book.add(f"{prefix}Ranks", res.ranks.rename(columns=header), "unit",
             "rank at every node; 1 = best, ties share the best rank; empty = no score")
    level = _contribution_level(res)
    try:
        parts = res.contributions(level)
    except SpindexError as exc:
        book.about.append((f"{prefix}Contributions", f"not available: {exc}"))
    else:
        book.add(f"{prefix}Contributions", parts.rename(columns=header), "unit",
                 f"each level-{level} node's part of the index score ({fw.root}); rows sum to it")
    book.add(f"{prefix}Framework", _framework_table(res).set_index("Code"), "Code",
             "the indicator tree: names, parents, levels, weights and directions")


def _add_item(book: _Book, obj: Any, caption: str | None) -> None:
    prefix = f"{caption} " if caption else ""
    if isinstance(obj, IndexResult):
        _add_result(book, obj, prefix)
    elif isinstance(obj, UncertaintyResult):
        book.about.append((f"{prefix}Uncertainty", f"{obj.n:,} runs, seed {obj.seed}, mean rank "
                                                   f"shift R_S = {obj.mean_rank_shift!r}"))
        book.add(f"{prefix}Uncertainty", _readable(obj.summary()), "unit",
                 "ranks and scores over the uncertainty runs, per unit")
        book.add(f"{prefix}Rank shares", obj.rank_frequencies, "unit",
                 "share of the runs giving each unit each rank (columns: ranks)")
    elif isinstance(obj, SobolResult):
        book.about.append((f"{prefix}Sobol", f"base sample size n = {obj.n} ({obj.runs:,} runs)"))
        book.add(f"{prefix}Sobol summary", _readable(obj.summary()), "input",
                 "Sobol indices per uncertain input")
        book.add(f"{prefix}Sobol first order", obj.first_order, "input",
                 "first-order indices of each unit's rank (and of R_S), per input")
        book.add(f"{prefix}Sobol total order", obj.total_order, "input",
                 "total-order indices of each unit's rank (and of R_S), per input")
        if obj.confidence is not None:
            book.add(f"{prefix}Sobol intervals", obj.confidence, "row",
                     "bootstrap percentile intervals of the indices")
    elif isinstance(obj, SMAAResult):
        book.about.append((f"{prefix}SMAA", f"{obj.n:,} weight draws, seed {obj.seed}, "
                                            f"weights of {', '.join(obj.varying)}"))
        book.add(f"{prefix}SMAA summary", _readable(obj.summary()), "unit",
                 "acceptability and confidence per unit")
        book.add(f"{prefix}SMAA acceptability", obj.rank_acceptability, "unit",
                 "rank acceptability: share of the weights giving each unit each rank")
        book.add(f"{prefix}SMAA central weights",
                 obj.central_weights.rename(columns=_headers(obj.framework, book.labels)), "unit",
                 "mean weights over the draws where the unit ranks first")
        book.add(f"{prefix}SMAA pairwise winning", obj.pairwise_winning, "unit",
                 "share of the draws where the row unit ranks above the column unit")
    elif isinstance(obj, DominanceResult):
        summary = pd.DataFrame([{
            "First unit": obj.a, "Second unit": obj.b,
            "Share where the first scores at least as high": obj.share,
            "Method": obj.method, "Standard error": obj.standard_error,
            "Gap at the nominal weights": obj.nominal_gap, "Leader": obj.leader,
            "Tie hyperplane": obj.hyperplane, "Index": obj.root,
        }]).set_index("First unit")
        book.add(f"{prefix}Dominance {obj.a} vs {obj.b}", summary, "First unit",
                 obj.statement().replace("\n", " "))
        book.add(f"{prefix}Flips {obj.a} vs {obj.b}", _readable(obj.thresholds), "node",
                 "the share of its group at which each node flips the order")
    elif isinstance(obj, ImportanceResult):
        book.add(f"{prefix}Importance", _readable(obj.summary()), "node",
                 f"main effects of the level-{obj.level} nodes on the index ({obj.smoother})")
    elif isinstance(obj, PanelResult):
        book.about.append((f"{prefix}Panel", f"{len(obj.periods)} periods, normalisation "
                                             f"{obj.normalize_across}"))
        first = obj.results[obj.periods[0]]
        book.about.extend((f"{prefix}{k}", v) for k, v in _model_rows(first)[:1])
        header = _headers(obj.framework, book.labels)
        book.add(f"{prefix}Panel scores", obj.scores.rename(columns=header), "unit",
                 "scores of every node, one row per unit and period")
        book.add(f"{prefix}Panel ranks", obj.ranks.rename(columns=header), "unit",
                 "ranks of every node within each period")
        book.add(f"{prefix}Panel index", obj.index, "unit", "index score per unit and period")
    elif isinstance(obj, PanelAnalysis):
        book.add(f"{prefix}Panel analysis", _readable(obj.summary()), "period",
                 "the analysis summary of every period")
    elif isinstance(obj, pd.DataFrame):
        book.add(caption or "Table", obj, "row", caption or "a table given with the results")
    elif isinstance(obj, pd.Series):
        book.add(caption or str(obj.name or "Table"), obj.to_frame(), "row",
                 caption or "a series given with the results")
    else:
        raise SpindexTypeError(
            "The results to export must be IndexResult, UncertaintyResult, SobolResult, "
            "SMAAResult, DominanceResult, ImportanceResult, PanelResult, PanelAnalysis or "
            f"DataFrame objects, or (caption, object) pairs. Got {type(obj).__name__} instead."
        )


def _items(results: Any) -> list[tuple[str | None, Any]]:
    if isinstance(results, Mapping):
        return [(str(k), v) for k, v in results.items()]
    if isinstance(results, tuple) and len(results) == 2 and isinstance(results[0], str):
        return [(results[0], results[1])]
    if isinstance(results, Iterable) and not isinstance(results, (str, bytes, pd.DataFrame,
                                                                  pd.Series, PanelAnalysis,
                                                                  PanelResult)):
        items: list[tuple[str | None, Any]] = []
        for entry in results:
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str):
                items.append((entry[0], entry[1]))
            else:
                items.append((None, entry))
        if not items:
            raise ParameterError("The results to export are empty: give at least one result.")
        return items
    return [(None, results)]


def export_tables(
    results: Any, *, title: str | None = None, labels: str = "names",
) -> dict[str, pd.DataFrame]:
    """The tables of results, by sheet name, as :func:`to_excel` writes them.

    Parameters
    ----------
    results : result, sequence of results or mapping of caption to result
        :class:`~spindex.result.IndexResult`, the analysis results (uncertainty, Sobol, SMAA,
        dominance, importance), :class:`~spindex.panel.PanelResult`,
        :class:`~spindex.panel.PanelAnalysis`, or any DataFrame given as a
        ``(caption, table)`` pair, such as the data's provenance. A caption prefixes the
        sheet names of its result.
    title : str, optional
        Title written at the top of the About sheet.
    labels : {"names", "codes"}, default "names"
        Headers of the node columns (scores, ranks, contributions, central weights): the
        nodes' names from the framework (with the code where two share a name), or their
        codes. The Framework sheet maps one to the other.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"About"`` first (what each sheet holds, the model's methods, seeds, the date), then
        one table per sheet; each table has its row labels in its first column(s).

    Raises
    ------
    SpindexTypeError
        If an object is not one of the results above.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> list(sp.export_tables(res))
    ['About', 'Scores', 'Ranks', 'Contributions', 'Framework']
    """
    if title is not None and not isinstance(title, str):
        raise SpindexTypeError(f"The 'title' of export_tables must be a string. Got "
                               f"{type(title).__name__} instead.")
    if labels not in ("names", "codes"):
        raise ParameterError(f"The 'labels' parameter of export_tables must be 'names' or "
                             f"'codes'. Got {labels!r} instead.")
    book = _Book(labels)
    for caption, obj in _items(results):
        _add_item(book, obj, caption)
    from spindex import __version__

    head = [("Title", title or "spindex results"),
            ("Created", _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
            ("spindex version", __version__)]
    about = pd.DataFrame(head + book.about, columns=["Item", "Value"])
    return {"About": about, **book.tables}


def _engine(package: str, extra: str, what: str) -> None:
    try:
        __import__(package)
    except ImportError:
        raise MissingDependencyError(
            f"Writing {what} needs the package '{package}', which is not installed: "
            f"pip install 'spindex[{extra}]' (or pip install {package})."
        ) from None


def _target(path: Any, owner: str) -> Path:
    if not isinstance(path, (str, Path)):
        raise SpindexTypeError(f"The 'path' of {owner} must be a string or a Path. Got "
                               f"{type(path).__name__} instead.")
    return Path(path)


def _exact_floats(sheet: Any) -> None:
    """Give every float cell its shortest round-trip digits.

    openpyxl writes numbers with 16 significant digits, which loses the last bit of some
    doubles (0.1 + 0.2 comes back as 0.3); 17 are needed. A numeric cell holding the repr
    string is written as that number, digit for digit."""
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, float) and np.isfinite(value) and float(f"{value:.16g}") != value:
                cell.value = repr(value)
                cell.data_type = "n"


def _write_workbook(tables: Mapping[str, pd.DataFrame], target: Path) -> None:
    """Each table on its own sheet (without a row index: labels are columns), floats exact,
    columns sized to their contents and the header row frozen."""
    try:
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for sheet, frame in tables.items():
                frame.to_excel(writer, sheet_name=sheet, index=False)
                ws = writer.sheets[sheet]
                for k, column in enumerate(frame.columns[:60]):
                    letter = ws.cell(row=1, column=k + 1).column_letter
                    longest = max([len(str(column))] + [len(str(v)) for v in frame[column][:50]])
                    ws.column_dimensions[letter].width = min(60, max(8, longest + 2))
                ws.freeze_panes = "B2" if sheet != "About" else "A2"
                _exact_floats(ws)
    except OSError as exc:
        raise ParameterError(f"Cannot write {target}: {exc.strerror or exc}") from None


def to_excel(
    results: Any, path: str | Path, *, title: str | None = None, labels: str = "names",
) -> Path:
    """Write results to one Excel workbook, one sheet per table, with an About sheet.

    Parameters
    ----------
    results : result, sequence of results or mapping of caption to result
        What :func:`export_tables` accepts: ``[res, ua, sa, sm, dom, ("Sources", table)]``.
    path : str or Path
        The ``.xlsx`` file to write (replaced if it exists).
    title : str, optional
        Title written at the top of the About sheet.
    labels : {"names", "codes"}, default "names"
        Headers of the node columns: the nodes' names, or their codes (see
        :func:`export_tables`).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MissingDependencyError
        Without openpyxl (``pip install 'spindex[io]'``).
    ParameterError
        If the file name does not end in ``.xlsx`` or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> out = sp.to_excel(res, pathlib.Path(tempfile.mkdtemp()) / "asem.xlsx")
    >>> back = pd.read_excel(out, sheet_name="Scores", index_col=0)
    >>> bool((back["Sustainable Connectivity"] == res.index).all())
    True
    """
    target = _target(path, "to_excel")
    if target.suffix.lower() not in _EXCEL:
        raise ParameterError(f"The 'path' of to_excel must end in .xlsx. Got {str(target)!r} "
                             "instead.")
    _engine("openpyxl", "io", "Excel files")
    _write_workbook(export_tables(results, title=title, labels=labels), target)
    return target


def to_parquet(
    results: Any, directory: str | Path, *, title: str | None = None, labels: str = "codes",
) -> list[Path]:
    """Write results as Parquet files, one per table of :func:`export_tables`.

    Parameters
    ----------
    results : result, sequence of results or mapping of caption to result
        What :func:`export_tables` accepts.
    directory : str or Path
        Folder for the files (created if needed); a table named "Sobol first order" goes to
        ``sobol_first_order.parquet``.
    title : str, optional
        Title written in ``about.parquet``.
    labels : {"codes", "names"}, default "codes"
        Headers of the node columns: codes by default, which suit a data pipeline.

    Returns
    -------
    list of Path
        The files written, About first.

    Raises
    ------
    MissingDependencyError
        Without pyarrow (``pip install 'spindex[io]'``).

    Examples
    --------
    >>> import tempfile, pandas as pd, spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> files = sp.to_parquet(res, tempfile.mkdtemp())
    >>> [f.name for f in files][:2]
    ['about.parquet', 'scores.parquet']
    """
    folder = _target(directory, "to_parquet")
    _engine("pyarrow", "io", "Parquet files")
    tables = export_tables(results, title=title, labels=labels)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for sheet, frame in tables.items():
            name = re.sub(r"[^0-9a-z]+", "_", sheet.lower()).strip("_") or "table"
            file = folder / f"{name}.parquet"
            _parquet_ready(frame).to_parquet(file, index=False)
            written.append(file)
    except OSError as exc:
        raise ParameterError(f"Cannot write to {folder}: {exc.strerror or exc}") from None
    return written


def _parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    # Parquet needs string column names, and one type per column (mixed labels become text).
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object:
            kinds = {type(v) for v in out[column] if v is not None and v is not pd.NA}
            if len(kinds) > 1:
                out[column] = out[column].map(lambda v: v if v is None else str(v))
    return out


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = True) -> Path:
    """Write one table as CSV, Excel or Parquet, chosen by the file's extension.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.parquet`` (``.pq``) file.
    index : bool, default True
        Write the row labels (as the leading column(s)).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ParameterError
        For any other extension, or if the file cannot be written.
    MissingDependencyError
        Without openpyxl (Excel) or pyarrow (Parquet).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, spindex as sp
    >>> table = pd.DataFrame({"score": [0.1 + 0.2, 1 / 3]}, index=["a", "b"])
    >>> out = sp.write_table(table, pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> pd.read_csv(out, index_col=0)["score"].tolist() == table["score"].tolist()
    True
    """
    if not isinstance(frame, pd.DataFrame):
        raise SpindexTypeError(f"write_table needs a DataFrame. Got {type(frame).__name__} "
                               "instead.")
    target = _target(path, "write_table")
    suffix = target.suffix.lower()
    known = (*_CSV, *_EXCEL, *_PARQUET)
    if suffix not in known:
        raise ParameterError(
            f"Cannot write {str(target)!r}: the extension {suffix or '(none)'!r} is not one of "
            f"{', '.join(known)}. Name the file .csv, .xlsx or .parquet."
        )
    table = _labelled(frame, "row") if index else frame
    try:
        if suffix in _CSV:
            frame.to_csv(target, float_format=_FLOAT_FORMAT, index=index)
        elif suffix in _EXCEL:
            _engine("openpyxl", "io", "Excel files")
            _write_workbook({"Table": table}, target)
        else:
            _engine("pyarrow", "io", "Parquet files")
            _parquet_ready(table).to_parquet(target, index=False)
    except OSError as exc:
        raise ParameterError(f"Cannot write {target}: {exc.strerror or exc}") from None
    return target
