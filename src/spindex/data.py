"""Validation of the data table a model scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spindex._values import real_column
from spindex.errors import DataError, SpindexTypeError

__all__ = ["check_data"]


def _preview(items: Sequence[object], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in list(items)[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def check_data(
    data: pd.DataFrame, indicators: Sequence[str], *, allow_missing: bool = True
) -> pd.DataFrame:
    """Check a wide data table against a list of indicators and return a float copy.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (unique index labels), one column per indicator;
        other columns are ignored.
    indicators : sequence of str
        The indicator columns that must be present.
    allow_missing : bool, default True
        If False, a missing value is an error.

    Returns
    -------
    pandas.DataFrame
        A new float frame with exactly the indicator columns, in the given order.
        ``data`` itself is never modified.

    Raises
    ------
    SpindexTypeError
        If ``data`` is not a DataFrame.
    DataError
        For an empty table, repeated unit labels, a missing indicator column, a
        non-numeric column (text, booleans, complex numbers), an infinite value, an
        all-missing indicator, a unit with no observed value or (when ``allow_missing``
        is False) any missing value. Nullable dtypes (``Int64``, ``Float64``) are read
        with ``<NA>`` as missing, a categorical column of numbers as its numbers.
    """
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(
            f"Data must be a pandas DataFrame with one row per unit; got {type(data).__name__}."
        )
    if data.shape[0] == 0:
        raise DataError("The data table has no rows: there are no units to score.")
    if isinstance(data.columns, pd.MultiIndex):
        raise DataError("The data table has multi-level columns; give one column per indicator.")
    duplicated = data.index[data.index.duplicated()].unique()
    if len(duplicated):
        raise DataError(
            f"Unit labels must be unique; repeated: {_preview(list(duplicated))}. "
            "Set the index to a unit code column (for COINr data: data.set_index('uCode'))."
        )
    if data.index.hasnans:
        raise DataError("A unit label is missing (NaN); every row needs a label.")
    missing_cols = [c for c in indicators if c not in data.columns]
    if missing_cols:
        raise DataError(
            f"The data has no column for indicator(s) {_preview(missing_cols)} of the framework. "
            "Add the columns or drop those indicators from the framework (Framework.drop)."
        )
    if data.columns.duplicated().any():
        dup = [c for c in indicators if (data.columns == c).sum() > 1]
        if dup:
            raise DataError(f"Indicator column(s) {_preview(dup)} appear more than once.")
    columns: dict[str, np.ndarray] = {}
    for code in indicators:
        values = real_column(data[code], f"Indicator '{code}'")
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
    table = pd.DataFrame(columns, index=data.index.copy())
    empty = table.isna().all(axis=1).to_numpy()
    if empty.any():
        units = list(table.index[empty])
        raise DataError(
            f"Unit(s) {_preview(units)} have no observed value for any indicator; drop them "
            "or supply data."
        )
    return table
