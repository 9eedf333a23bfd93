"""Validation of the data table a model scores."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from spindex._values import real_column
from spindex.errors import DataError, SpindexTypeError

__all__ = ["check_data"]


def _preview(items: Sequence[object], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in list(items)[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def _label_text(label: object) -> str:
    """A column label as the framework writes codes: whole-number floats without '.0'."""
    if isinstance(label, np.generic):
        label = label.item()
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    return str(label).strip()


def _columns_by_text(columns: pd.Index, indicators: Sequence[str]) -> dict[str, object]:
    """The data column of each indicator code that has one.

    Framework codes are always text. A column labelled by the code, or whose label reads as
    the code (the integer column ``1`` for the code ``"1"``, as pandas gives when a table has
    number headers), is matched deliberately; two different columns that read as the same
    code (``1`` and ``"1"``) are an error rather than a guess.
    """
    wanted = set(indicators)
    candidates: dict[str, list[object]] = {}
    # A list of the labels: iterating an Index (of Arrow strings especially) costs far more.
    for col in columns.tolist():
        text = col if isinstance(col, str) else _label_text(col)
        if text in wanted:
            candidates.setdefault(text, []).append(col)
    found: dict[str, object] = {}
    for code, cols in candidates.items():
        distinct = list(dict.fromkeys(cols))
        if len(distinct) > 1:
            raise DataError(
                f"Indicator '{code}' matches several data columns: {_preview(distinct)} "
                f"(of types {', '.join(type(c).__name__ for c in distinct)}). Keep one, or "
                "rename the columns to text labels that are the framework codes."
            )
        found[code] = distinct[0]
    return found


def _near_misses(missing: Sequence[str], columns: pd.Index) -> str:
    """Say which data columns nearly match missing codes (case, spaces, a typo)."""
    labels = [str(c) for c in columns]
    folded = {lbl.strip().casefold(): lbl for lbl in labels}
    hints = []
    for code in list(missing)[:5]:
        match = folded.get(code.strip().casefold())
        if match is None:
            close = difflib.get_close_matches(code, labels, n=1, cutoff=0.8)
            match = close[0] if close else None
        if match is not None:
            hints.append(f"'{code}' (did you mean column {match!r}?)")
    return f"; near misses: {', '.join(hints)}" if hints else ""


def check_data(
    data: pd.DataFrame, indicators: Sequence[str], *, allow_missing: bool = True,
    labels: pd.Index | None = None,
) -> pd.DataFrame:
    """Check a wide data table against a list of indicators and return a float copy.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (unique index labels), one column per indicator;
        other columns are ignored. A column whose label is not text but reads as an
        indicator code (the integer ``1`` for the code ``"1"``) is that indicator's column.
    indicators : sequence of str
        The indicator columns that must be present.
    allow_missing : bool, default True
        If False, a missing value is an error.
    labels : pandas.Index, optional
        The indicators as an Index, for the columns of the result (a caller that checks
        many tables against the same indicators builds it once); a view of it is used.

    Returns
    -------
    pandas.DataFrame
        A new float frame with exactly the indicator columns, in the given order.
        ``data`` itself is never modified.

    Raises
    ------
    SpindexTypeError
        If ``data`` is not a DataFrame (a Series included: the message says how to turn
        it into one).
    DataError
        For a multi-level row index (a panel: use ``score_panel``) or multi-level
        columns, two columns that read as the same code, an empty table, repeated
        unit labels, a missing indicator column, a non-numeric column (text, booleans,
        complex numbers), an infinite value, an all-missing indicator, a unit with no
        observed value or (when ``allow_missing`` is False) any missing value. Nullable
        dtypes (``Int64``, ``Float64``) are read with ``<NA>`` as missing, a categorical
        column of numbers as its numbers.
    """
    if isinstance(data, pd.Series):
        raise SpindexTypeError(
            f"Data must be a pandas DataFrame with one row per unit; got a Series (named "
            f"{data.name!r}). For one unit whose index holds the indicators use "
            "series.to_frame().T; for one indicator column use series.to_frame()."
        )
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(
            f"Data must be a pandas DataFrame with one row per unit; got {type(data).__name__}."
        )
    if isinstance(data.index, pd.MultiIndex):
        names = list(data.index.names)
        raise DataError(
            f"The data has a {data.index.nlevels}-level row index {names}, but score takes one "
            "row per unit. For a (unit, period) panel use sp.score_panel(model, data); to score "
            "one period select it first, e.g. data.xs(2020, level=1)."
        )
    if data.shape[0] == 0:
        raise DataError("The data table has no rows: there are no units to score.")
    if isinstance(data.columns, pd.MultiIndex):
        raise DataError(
            f"The data table has {data.columns.nlevels}-level columns; give one column per "
            "indicator (flatten them, e.g. data.columns = ['_'.join(map(str, c)) for c in "
            "data.columns])."
        )
    duplicated = data.index[data.index.duplicated()].unique()
    if len(duplicated):
        raise DataError(
            f"Unit labels must be unique; repeated: {_preview(list(duplicated))}. "
            "Set the index to a unit code column (for COINr data: data.set_index('uCode'))."
        )
    if data.index.hasnans:
        raise DataError("A unit label is missing (NaN); every row needs a label.")
    by_text = _columns_by_text(data.columns, indicators)
    missing_cols = [c for c in indicators if c not in by_text]
    if missing_cols:
        raise DataError(
            f"The data has no column for indicator(s) {_preview(missing_cols)} of the framework"
            f"{_near_misses(missing_cols, data.columns)}. Add the columns or drop those indicators "
            "from the framework (Framework.drop)."
        )
    if data.columns.duplicated().any():
        dup = [c for c in indicators if (data.columns == by_text[c]).sum() > 1]
        if dup:
            raise DataError(f"Indicator column(s) {_preview(dup)} appear more than once.")
    columns = labels.view() if labels is not None else pd.Index(list(indicators))
    table = _numeric_block(data, [by_text[c] for c in indicators], columns, allow_missing)
    if table is None:
        table = _column_by_column(data, by_text, indicators, allow_missing)
        table.columns = columns
    empty = np.isnan(table.to_numpy()).all(axis=1)
    if empty.any():
        units = list(table.index[empty])
        raise DataError(
            f"Unit(s) {_preview(units)} have no observed value for any indicator; drop them "
            "or supply data."
        )
    return table


def _numeric_block(
    data: pd.DataFrame, labels: list[object], columns: pd.Index, allow_missing: bool
) -> pd.DataFrame | None:
    """The indicator table in one step when every indicator column has a plain numpy real
    dtype and every value passes the checks; None otherwise, and the column-by-column path
    then finds (and words) the first problem exactly as it always has."""
    where: dict[object, int] = {label: j for j, label in enumerate(data.columns.tolist())}
    positions = [where.get(label, -1) for label in labels]
    if len(where) != data.shape[1] or -1 in positions:  # repeated labels, or NaN ones
        return None
    dtypes = data.dtypes.tolist()
    if not all(isinstance(dtypes[j], np.dtype) and dtypes[j].kind in "fiu" for j in positions):
        return None
    # copy=True makes the values a new array in every case (take() may return views of the
    # caller's columns). One block of floats comes out column-major, each indicator
    # contiguous, as the pipeline reads it.
    whole = positions == list(range(data.shape[1]))
    block = data if whole else data.take(positions, axis=1)
    values = block.to_numpy(dtype=np.float64, copy=True)
    missing = np.isnan(values)
    if (np.isinf(values).any() or missing.all(axis=0).any()
            or (not allow_missing and missing.any())):
        return None
    return pd.DataFrame(values, index=data.index.copy(), columns=columns, copy=False)


def _column_by_column(
    data: pd.DataFrame, by_text: dict[str, object], indicators: Sequence[str],
    allow_missing: bool,
) -> pd.DataFrame:
    """The indicator table read one column at a time, each checked on its own (any dtype:
    nullable, categorical, object columns of numbers)."""
    columns: dict[str, np.ndarray] = {}
    for code in indicators:
        values = real_column(data[by_text[code]], f"Indicator '{code}'")
        missing = np.isnan(values)
        if missing.all():
            raise DataError(
                f"Indicator '{code}' has no observed value; drop it from the framework or "
                "supply data."
            )
        if missing.any() and not allow_missing:
            unit = data.index[int(np.argmax(missing))]
            raise DataError(
                f"Indicator '{code}' is missing for unit {unit!r} (and "
                f"{int(missing.sum()) - 1} more); impute first or use missing='reweight'."
            )
        columns[code] = values
    return pd.DataFrame(columns, index=data.index.copy())
