"""Read the calculation workbook of the Elcano Global Presence Index (any edition).

The Real Instituto Elcano publishes its presence indices as one Excel workbook that holds,
for each index (the global index ``IEPG`` and the European index ``IEPE``), one sheet per
variable, per dimension and for the index, plus share ("QUOTE") and "CONTRIBUTION" sheets.
:func:`read_elcano` discovers that layout from the file and returns, per index, the panel
of variables, the published values and the indicator tree as a
:class:`~spindex.framework.Framework`.

Layout the reader relies on (checked; a file that breaks a rule raises a
:class:`~spindex.errors.DataError` naming the sheet and cell):

* An **index** is a sheet whose name ``CODE`` (no space) ends other sheets' names:
  ``"<name> CODE"`` is a variable or dimension sheet, ``"<name> CODE QUOTE"`` a share
  sheet, ``"<name> CODE CONTRIBUTION"`` a contribution sheet. Sheets that follow none
  of these patterns are listed in :attr:`ElcanoWorkbook.ignored_sheets`.
* A **dimension** is a name with a share sheet (``"Economic IEPG QUOTE"``); the index's
  own share sheet is ``"CODE CODE QUOTE"``. Every other ``"<name> CODE"`` sheet is a
  **variable**. When every name has a share sheet (editions up to 2016), the values
  decide: a dimension is a non-negative weighted sum of other names (to 5 % of its
  largest value), a variable is not. Share sheets may abbreviate names too.
* Every sheet has the same shape: cell A1 is a header label, row 1 from column B holds
  the years (numbers or text such as ``'2015'``; empty header cells end nothing but are
  skipped, with their column), column A from row 2 the unit labels. Blank rows are
  skipped; a row whose values are all empty carries no data and is left out; a row
  without a label but with cells filled (stray totals or notes below the table) is left
  out and listed in :attr:`ElcanoIndex.skipped_rows`. Values are
  numbers or empty (missing); anything else is an error.
* A sheet with no value at all (the European index has no military variables) is left
  out, and listed in :attr:`ElcanoIndex.empty_sheets`.
* Contribution sheets may abbreviate a name word by word (``"Military E."`` for
  ``"Military Equipment"``, ``"Devel. C."`` for ``"Development Coop."``): each word of the
  abbreviation, without its final dot, must begin the matching word of exactly one name.
* Which variables make up which dimension is not written in the file: it is read from
  the contribution sheets (a dimension's contribution is the sum of its variables'
  contributions, so regressing the dimensions' contributions on the variables' gives a
  0/1 membership matrix), or, without contribution sheets, from the values (a
  non-negative fit of each dimension on all variables).

The weights are not in the workbook either: the framework carries equal weights, and
:func:`spindex.infer_weights` recovers the published ones from the values.

Examples
--------
>>> import spindex as sp
>>> book = sp.read_elcano(sp.datasets.path("elcano"))  # doctest: +SKIP
>>> book["IEPG"].framework.children("IEPG")             # doctest: +SKIP
('Economic', 'Military', 'Soft')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pandas as pd

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex.analysis.infer_weights import _lad
from spindex.errors import DataError, MissingDependencyError, SpindexTypeError
from spindex.framework import Framework

__all__ = ["ElcanoIndex", "ElcanoWorkbook", "read_elcano", "share_of_total"]

_QUOTE = "QUOTE"
_CONTRIBUTION = "CONTRIBUTION"


@dataclass(frozen=True)
class ElcanoIndex:
    """One index of an Elcano workbook: its panel, published values and tree.

    Attributes
    ----------
    code : str
        The index code, e.g. ``"IEPG"``.
    framework : Framework
        Index -> dimensions -> variables, equal weights (the file has none; see
        :func:`spindex.infer_weights`).
    data : pandas.DataFrame
        The variables as published (already scaled by Elcano), indexed by
        ``(unit, year)``, one column per variable in framework order; the unit-years
        with at least one variable value.
    dimensions : pandas.DataFrame
        The published dimension values, one column per dimension, indexed by the
        unit-years with any value in the index's sheets (usually those of ``data``).
    index : pandas.Series
        The published index values, same index.
    shares : pandas.DataFrame
        The QUOTE sheets, one column per dimension and one named ``code`` for the
        index, same index (Elcano's share of each unit in the total, in percent).
    contributions : pandas.DataFrame
        The CONTRIBUTION sheets, one column per variable or dimension (full names),
        same index (the part of the unit's index value, in percent).
    empty_sheets : tuple of str
        Sheets of this index without a single value, left out.
    unmatched_sheets : tuple of str
        Contribution sheets whose name matches no variable or dimension, left out.
    skipped_rows : tuple of str
        Rows without a unit label but with filled cells, left out (``"'sheet'!A143"``).
    """

    code: str
    framework: Framework
    data: pd.DataFrame
    dimensions: pd.DataFrame
    index: pd.Series
    shares: pd.DataFrame
    contributions: pd.DataFrame
    empty_sheets: tuple[str, ...] = ()
    unmatched_sheets: tuple[str, ...] = ()
    skipped_rows: tuple[str, ...] = ()

    @property
    def published(self) -> pd.DataFrame:
        """The published dimensions and index side by side (the aggregates of the tree)."""
        return self.dimensions.join(self.index.rename(self.code))

    def __repr__(self) -> str:
        units = self.data.index.get_level_values(0).unique()
        years = self.data.index.get_level_values(1).unique()
        dims = ", ".join(f"{d} ({len(self.framework.children(d))})"
                         for d in self.framework.children(self.code))
        return (f"ElcanoIndex({self.code!r}: {len(units)} units x {len(years)} years "
                f"{years.min()}-{years.max()}, dimensions {dims})")


@dataclass(frozen=True)
class ElcanoWorkbook:
    """The indices of an Elcano workbook, by code (``book["IEPG"]``).

    Attributes
    ----------
    indices : dict of str to ElcanoIndex
        Every index found, in sheet order.
    ignored_sheets : tuple of str
        Sheets that follow none of the layout's naming patterns.
    """

    indices: dict[str, ElcanoIndex]
    ignored_sheets: tuple[str, ...] = field(default=())

    def __getitem__(self, code: str) -> ElcanoIndex:
        if code not in self.indices:
            raise DataError(
                f"The workbook has no index {code!r}; it has {sorted(self.indices)}."
            )
        return self.indices[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.indices)

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        inner = "; ".join(repr(i) for i in self.indices.values())
        return f"ElcanoWorkbook({inner})"


# ------------------------------------------------------------------------------ sheets
def _cell(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _year(value: Any, sheet: str, col: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}(\.0)?\s*", value):
        return int(float(value))
    raise DataError(
        f"Cell {sheet!r}!{_cell(0, col)} should hold a year (the header row of every sheet "
        f"holds years from column B). Got {value!r} instead."
    )


def _sheet_frame(sheet: str, rows: Sequence[Sequence[Any]],
                 skipped: list[str] | None = None) -> pd.DataFrame:
    """Units x years of one sheet; raises DataError naming the cell that breaks the layout.

    Unlabelled rows with filled cells are appended to ``skipped`` as ``'sheet'!A<row>``.
    """
    if not rows:
        return pd.DataFrame()
    header = rows[0]
    years: list[tuple[int, int]] = []
    for j, value in enumerate(header[1:], start=1):
        y = _year(value, sheet, j)
        if y is not None:
            years.append((j, y))
    seen = [y for _, y in years]
    if len(set(seen)) != len(seen):
        dup = sorted({y for y in seen if seen.count(y) > 1})
        raise DataError(f"Sheet {sheet!r} has the year(s) {dup} twice in its header row.")
    labels: list[str] = []
    values: list[list[float]] = []
    for i, row in enumerate(rows[1:], start=1):
        label = row[0] if row else None
        cells = [row[j] if j < len(row) else None for j, _ in years]
        if label is None or (isinstance(label, str) and not label.strip()):
            if any(v is not None for v in row[1:]) and skipped is not None:
                skipped.append(f"{sheet!r}!{_cell(i, 0)}")
            continue
        out = []
        for (j, _), v in zip(years, cells, strict=True):
            if v is None or (isinstance(v, str) and not v.strip()):
                out.append(np.nan)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                out.append(float(v))
            else:
                raise DataError(
                    f"Cell {sheet!r}!{_cell(i, j)} should be a number or empty. Got {v!r}."
                )
        if all(np.isnan(out)):
            continue
        name = str(label).strip()
        if name in labels:
            raise DataError(f"Sheet {sheet!r} lists the unit {name!r} twice (row {i + 1}).")
        labels.append(name)
        values.append(out)
    return pd.DataFrame(values, index=pd.Index(labels, dtype=object),
                        columns=pd.Index([y for _, y in years], dtype="int64"), dtype=float)


def _load_rows(source: str | os.PathLike[str] | IO[bytes]) -> dict[str, list[tuple[Any, ...]]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching
        raise MissingDependencyError(
            "Reading an Elcano workbook needs openpyxl: pip install 'spindex[excel]'."
        ) from exc
    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"Cannot open {source!r} as an Excel workbook: {exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile and openpyxl's own errors
        raise DataError(f"Cannot open {source!r} as an Excel workbook: {exc}") from exc
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


# ------------------------------------------------------------------------------ names
def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` and ``name`` agree word by word up to abbreviation
    ('Devel. C.' ~ 'Development Coop.' ~ 'Development Cooperation')."""
    a, b = short.lower().split(), name.lower().split()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        x, y = x.rstrip("."), y.rstrip(".")
        if not (x and y and (x.startswith(y) or y.startswith(x))):
            return False
    return True


def _resolve(short: str, names: Sequence[str], sheet: str) -> str | None:
    """The name a contribution sheet is about; None when it matches no name."""
    if short in names:
        return short
    hits = [n for n in names if _abbreviates(short, n)]
    if len(hits) > 1:
        raise DataError(
            f"Sheet {sheet!r}: {short!r} should name exactly one variable or dimension "
            f"(in full or abbreviated word by word); it matches {hits} of {list(names)}. "
            "Rename the sheet."
        )
    return hits[0] if hits else None


def _classify(titles: Sequence[str]) -> tuple[dict[str, dict[str, dict[str, str]]], list[str]]:
    """Per index code: {'values': name -> sheet, 'quote': ..., 'contribution': ...}."""
    codes = [t for t in titles if " " not in t.strip()
             and any((o != t and o.endswith(" " + t)) or f" {t} " in o for o in titles)]
    found: dict[str, dict[str, dict[str, str]]] = {
        c: {"values": {}, "quote": {}, "contribution": {}} for c in codes}
    ignored = []
    for t in titles:
        if t in codes:
            found[t]["values"][t] = t
            continue
        for c in codes:
            m = re.fullmatch(rf"(.+?) {re.escape(c)}(?: ({_QUOTE}|{_CONTRIBUTION}))?", t.strip())
            if m:
                kind = {None: "values", _QUOTE: "quote", _CONTRIBUTION: "contribution"}[m[2]]
                found[c][kind][m[1].strip()] = t
                break
        else:
            ignored.append(t)
    return found, ignored


# ------------------------------------------------------------------------------ tree
def _stack(frames: Mapping[str, pd.DataFrame], units: pd.Index, years: pd.Index) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([units, years], names=["unit", "year"])
    cols = {n: f.reindex(index=units, columns=years).stack(future_stack=True).reindex(idx)
            for n, f in frames.items()}
    return pd.DataFrame(cols, index=idx)


def _dimensions_from_values(code: str, names: list[str], table: pd.DataFrame) -> list[str]:
    """Names whose values are a non-negative weighted sum of the other names' values.

    A variable is not: writing it from the others needs a negative weight (it is its
    dimension minus its siblings). A relative misfit below 5 % leaves room for published
    dimensions that deviate on a few rows (Soft: 0.027 points of up to 3000 in 2021, 1 % in
    2016); the variables of the editions 2015-2021 miss by 12 % or more.
    """
    from scipy.optimize import nnls
    rows = table.notna().all(axis=1)
    if rows.sum() < len(names):
        raise DataError(
            f"Index {code!r}: too few complete unit-years ({int(rows.sum())}) to tell "
            "dimensions from variables; give the dimensions share sheets or pass tree=."
        )
    A = table[rows].to_numpy(float)
    dims = []
    for j, n in enumerate(names):
        others = np.delete(A, j, axis=1)
        y = A[:, j]
        scale = np.abs(others).max(axis=0)
        scale[scale == 0] = 1.0
        coef, _ = nnls(others / scale, y)
        misfit = np.abs(y - (others / scale) @ coef).max()
        if misfit <= 5e-2 * max(np.abs(y).max(), 1e-300):
            dims.append(n)
    return dims


def _membership(code: str, variables: list[str], dims: list[str], X: pd.DataFrame,
                Y: pd.DataFrame, source: str) -> dict[str, list[str]]:
    """Assign each variable to one dimension from a fit of Y (dimensions) on X (variables)."""
    from scipy.optimize import nnls
    rows = X.notna().all(axis=1) & Y.notna().all(axis=1)
    if rows.sum() < len(variables):
        raise DataError(
            f"Index {code!r}: too few complete unit-years ({int(rows.sum())}) in the "
            f"{source} to tell which variables make up which dimension; pass tree=."
        )
    A = X[rows].to_numpy(float)
    scale = np.abs(A).max(axis=0)
    scale[scale == 0] = 1.0
    if source == "contribution sheets":
        coef = np.column_stack([nnls(A / scale, Y[rows][d].to_numpy(float))[0] / scale
                                for d in dims])
    else:
        # Least absolute deviations: rows that break the weighted sum (Soft in 2021) do not
        # smear weight onto other dimensions' variables.
        coef = np.column_stack([_lad(A, Y[rows][d].to_numpy(float)) for d in dims])
    tree: dict[str, list[str]] = {d: [] for d in dims}
    for i, v in enumerate(variables):
        if source == "contribution sheets":
            # Contributions add up: coefficients are 1 (member) or 0 (not).
            ok = np.all((np.abs(coef[i]) < 0.05) | (np.abs(coef[i] - 1) < 0.05))
            members = np.flatnonzero(np.abs(coef[i] - 1) < 0.05)
            if not ok or len(members) != 1:
                raise DataError(
                    f"Index {code!r}: the contribution of variable {v!r} does not add to "
                    f"exactly one dimension's contribution (coefficients "
                    f"{dict(zip(dims, np.round(coef[i], 3), strict=True))}); pass tree=."
                )
        else:
            # A variable belongs where its weight dominates; elsewhere it is round-off.
            top = coef[i].max()
            members = np.flatnonzero(coef[i] > 1e-3 * top) if top > 0 else np.array([], int)
            if len(members) != 1:
                raise DataError(
                    f"Index {code!r}: variable {v!r} does not load on exactly one dimension "
                    f"(non-negative weights {dict(zip(dims, coef[i], strict=True))}); pass tree=."
                )
        tree[dims[int(members[0])]].append(v)
    return tree


def _read_index(code: str, sheets: dict[str, dict[str, str]],
                rows: Mapping[str, list[tuple[Any, ...]]],
                tree: Mapping[str, Sequence[str]] | None) -> ElcanoIndex:
    skipped: list[str] = []
    frames = {kind: {n: _sheet_frame(s, rows[s], skipped) for n, s in names.items()}
              for kind, names in sheets.items()}
    empty = tuple(sheets[k][n] for k, fs in frames.items() for n, f in fs.items() if f.empty)
    values = {n: f for n, f in frames["values"].items() if not f.empty}
    if code not in values:
        raise DataError(f"Sheet {code!r} (the index) has no values.")
    units = pd.Index(list(dict.fromkeys(u for f in values.values() for u in f.index)),
                     name="unit")
    years = pd.Index(sorted({y for f in values.values() for y in f.columns}), name="year")
    names_all = [n for n in values if n != code]
    quote_names = {_resolve(n, names_all, sheets["quote"][n]) for n in frames["quote"]} - {None}
    quoted = [n for n in names_all if n in quote_names]
    if quoted and len(quoted) < len(names_all):
        dims = quoted
    else:
        # Every name (or none) has a share sheet (editions up to 2016 quote every
        # variable): the values tell the dimensions apart.
        dims = _dimensions_from_values(code, names_all, _stack(
            {n: values[n] for n in names_all}, units, years))
    variables = [n for n in names_all if n not in dims]
    if not dims or not variables:
        raise DataError(
            f"Index {code!r}: found dimensions {dims} (names with a '<name> {code} {_QUOTE}' "
            f"sheet, or sums of other names) and variables {variables}; an index needs both."
        )
    data = _stack({v: values[v] for v in variables}, units, years)
    dimensions = _stack({d: values[d] for d in dims}, units, years)
    index = _stack({code: values[code]}, units, years)[code]
    share_names = [*names_all, code]
    shares = _stack({(_resolve(n, share_names, sheets["quote"][n]) or n): f
                     for n, f in frames["quote"].items() if not f.empty}, units, years)
    names = [*variables, *dims]
    contrib: dict[str, pd.DataFrame] = {}
    unmatched = []
    for n, f in frames["contribution"].items():
        if f.empty:
            continue
        target = _resolve(n, names, sheets["contribution"][n])
        if target is None:
            unmatched.append(sheets["contribution"][n])
        else:
            contrib[target] = f
    contributions = _stack({n: contrib[n] for n in names if n in contrib}, units, years)
    # A unit-year without any value (a country before it existed) is not part of the panel.
    keep = data.notna().any(axis=1) | dimensions.notna().any(axis=1) | index.notna()
    data, dimensions, index = data[keep], dimensions[keep], index[keep]
    shares, contributions = shares[keep], contributions[keep]

    if tree is None:
        members = None
        if all(n in contrib for n in names):
            try:
                members = _membership(code, variables, dims, contributions[variables],
                                      contributions[dims], "contribution sheets")
            except DataError:
                members = None  # inconsistent contribution sheets: the values decide
        if members is None:
            members = _membership(code, variables, dims, data, dimensions, "values")
    else:
        members = {d: list(tree.get(d, ())) for d in dims}
        unknown = sorted(set(tree) - set(dims)) + sorted(
            {v for vs in tree.values() for v in vs} - set(variables))
        if unknown:
            raise DataError(f"Index {code!r}: tree= names {unknown}, not in the workbook.")
    kept = [d for d in dims if members[d]]
    spec = {"code": code, "children": [
        {"code": d, "children": [{"code": v} for v in members[d]]} for d in kept]}
    framework = Framework.from_dict(spec)
    order = [v for d in kept for v in members[d]]
    # A unit-year with published values but no variable (Croatia 2013 in the 2020 IEPE)
    # stays in the published frames; the panel of variables leaves it out.
    data = data[order]
    data = data[data.notna().any(axis=1)]
    return ElcanoIndex(code=code, framework=framework, data=data,
                       dimensions=dimensions[kept], index=index, shares=shares,
                       contributions=contributions, empty_sheets=empty,
                       unmatched_sheets=tuple(unmatched), skipped_rows=tuple(skipped))


def read_elcano(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    tree: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> ElcanoWorkbook:
    """Read an Elcano Global Presence Index calculation workbook (any edition).

    Parameters
    ----------
    source : path or binary file object
        The ``.xlsx`` workbook (e.g. ``calculus2021.xlsx``).
    tree : mapping, optional
        Per index code, dimension -> variable names, when the file cannot tell
        (see the module notes); by default it is read from the contribution sheets.

    Returns
    -------
    ElcanoWorkbook
        One :class:`ElcanoIndex` per index found (``book["IEPG"]``, ``book["IEPE"]``).

    Raises
    ------
    MissingDependencyError
        If openpyxl is not installed (``pip install 'spindex[excel]'``).
    DataError
        If the file is not a workbook or breaks the layout; the message names the
        sheet and cell.

    Examples
    --------
    >>> import spindex as sp
    >>> book = sp.read_elcano(sp.datasets.path("elcano"))
    >>> book["IEPG"].framework.children("Military")
    ('Troops', 'Military Equipment')
    """
    if not isinstance(source, str | os.PathLike) and not hasattr(source, "read"):
        raise SpindexTypeError(
            f"The 'source' parameter of read_elcano must be a path or a binary file. "
            f"Got {type(source).__name__} instead."
        )
    rows = _load_rows(source)
    found, ignored = _classify(list(rows))
    if not found:
        raise DataError(
            f"{source!r} holds no Elcano index: no sheet 'CODE' with sheets '<name> CODE' "
            f"beside it (sheets: {list(rows)[:8]})."
        )
    tree = tree or {}
    indices = {c: _read_index(c, s, rows, tree.get(c)) for c, s in found.items()}
    return ElcanoWorkbook(indices=indices, ignored_sheets=tuple(ignored))


def share_of_total(
    values: pd.DataFrame | pd.Series,
    *,
    by: str | None = "year",
    exclude: Sequence[Any] = (),
    total: pd.DataFrame | pd.Series | None = None,
    percent: bool = True,
) -> pd.DataFrame | pd.Series:
    """Each unit's share of the total of its period (Elcano's QUOTE sheets).

    Parameters
    ----------
    values : DataFrame or Series
        Values indexed by ``(unit, period)`` (or by unit with ``by=None``).
    by : str or None, default "year"
        The index level of the period; ``None`` for one total over all rows.
    exclude : sequence, default ()
        Units left out of the total (an aggregate such as ``"European Union"``, whose
        presence is already that of its members); their share is still reported.
    total : DataFrame or Series, optional
        The totals to divide by, per period (and column), instead of the sum, e.g.
        totals recovered from a publication whose denominators are not the sum of the
        values it lists.
    percent : bool, default True
        Shares in percent (as Elcano) rather than fractions.

    Returns
    -------
    DataFrame or Series
        Like ``values``.

    Raises
    ------
    ParameterError
        If ``by`` is not a level of the index.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.elcano import share_of_total
    >>> idx = pd.MultiIndex.from_tuples([("A", 2020), ("B", 2020), ("EU", 2020)],
    ...                                 names=["unit", "year"])
    >>> share_of_total(pd.Series([1.0, 3.0, 4.0], index=idx), exclude=["EU"]).tolist()
    [25.0, 75.0, 100.0]
    """
    from spindex.errors import ParameterError

    if not isinstance(values, pd.DataFrame | pd.Series):
        raise SpindexTypeError(
            f"The 'values' parameter of share_of_total must be a pandas DataFrame or Series. "
            f"Got {type(values).__name__} instead."
        )
    if by is not None and by not in values.index.names:
        raise ParameterError(
            f"The 'by' parameter of share_of_total must name a level of the index "
            f"{list(values.index.names)}. Got {by!r} instead."
        )
    scale = 100.0 if percent else 1.0
    units = values.index.get_level_values(0)
    counted = values[~units.isin(list(exclude))]
    if by is None:
        denom = counted.sum() if total is None else total
        return scale * values / denom
    sums = counted.groupby(level=by).sum() if total is None else total
    periods = values.index.get_level_values(by)
    denom = sums.reindex(periods)
    denom.index = values.index
    return scale * values / denom
