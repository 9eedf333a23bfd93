"""Small escaped HTML tables for notebooks (``_repr_html_``) and the report.

This module sits low in the layers (it needs only pandas) so that result objects of every
layer can show themselves in a notebook without importing the report.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

#: Rows of a summary a notebook shows before "... n more rows".
REPR_ROWS = 10

#: Readable headers for the column names of the library's tables: a reader of a report or
#: a notebook should not have to know the attribute names.
HEADERS: dict[str, str] = {
    "S_R_S": "first-order index of R_S",
    "ST_R_S": "total-order index of R_S",
    "mean_S_rank": "mean first-order index of the ranks",
    "mean_ST_rank": "mean total-order index of the ranks",
    "a_leads": "first unit leads when the weight is",
    "vertex_gap": "score gap with all weight on the node",
    "flip_at": "order flips at weight",
    "nominal": "nominal weight",
    "nominal_rank": "nominal rank",
    "median_rank": "median rank",
    "mean_rank": "mean rank",
    "modal_rank": "most frequent rank",
    "rank_q05": "rank, 5th percentile",
    "rank_q95": "rank, 95th percentile",
    "mean_abs_shift": "mean absolute rank shift",
    "nominal_score": "nominal score",
    "score_mean": "mean score",
    "score_sd": "score standard deviation",
    "b1": "share ranked first",
    "holistic": "holistic acceptability",
    "confidence": "confidence factor",
    "missing_share": "share missing",
    "zero_share": "share of zeros",
    "unique_share": "share of distinct values",
    "flag_missing": "flag: missing",
    "flag_outliers": "flag: outliers",
    "flag_zeros": "flag: zeros",
    "flag_unique": "flag: few distinct values",
}


def header(name: Any) -> str:
    """The readable header of a column name (the name itself when it has none)."""
    return HEADERS.get(str(name), str(name))


def escape(value: Any) -> str:
    """``str(value)`` escaped for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def number(value: float, digits: int = 4) -> str:
    """A number as a reader expects it: integers whole, others to ``digits`` significant."""
    if value == 0:
        return "0"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if float(value).is_integer() and abs(value) < 10**15:
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def is_missing(value: Any) -> bool:
    """Whether a table cell holds no value."""
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and math.isnan(value))


def cell(value: Any) -> tuple[str, str]:
    """(css class, escaped text) of one table cell."""
    if is_missing(value):
        return "na", "–"
    if isinstance(value, (bool, np.bool_)):
        return "", "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return "num", f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        return "num", escape(number(float(value)))
    if isinstance(value, (tuple, list)):
        return "", escape(", ".join(map(str, value)))
    return "", escape(value)


def rows_html(frame: pd.DataFrame, *, index: bool = True, index_label: str | None = None,
              readable: bool = True) -> tuple[str, bool]:
    """The ``<table>`` of a frame, and whether any of its cells is missing (a dash)."""
    name = (lambda c: header(c)) if readable else str
    head = []
    if index:
        label = index_label if index_label is not None else (frame.index.name or "")
        head.append(f"<th>{escape(name(label) if label else '')}</th>")
    head += [f"<th>{escape(name(c))}</th>" for c in frame.columns]
    rows = []
    dashes = False
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [f'<th scope="row">{escape(key)}</th>'] if index else []
        for value in values:
            css, text = cell(value)
            dashes = dashes or css == "na"
            cells.append(f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><thead><tr>{''.join(head)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"), dashes


def repr_html(title: str, facts: Iterable[tuple[str, Any]], frame: pd.DataFrame | None,
              *, index_label: str | None = None, rows: int = REPR_ROWS,
              dash: str = "no value") -> str:
    """A compact notebook view: a title, key numbers and the head of a table, all escaped.

    Parameters
    ----------
    title : str
        What the object is (its class and size).
    facts : iterable of (str, object)
        Key numbers shown as a small list above the table.
    frame : pandas.DataFrame or None
        The table; only its first ``rows`` rows are shown.
    index_label : str, optional
        Header of the index column.
    rows : int
        Rows shown.
    dash : str
        What a dash in the table means (said under it when one is shown).

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex._html import repr_html
    >>> html = repr_html("Result <x>", [("units", 2)], pd.DataFrame({"a": [1.0, None]}))
    >>> "&lt;x&gt;" in html and "no value" in html
    True
    """
    parts = [f'<div class="spindex-result"><strong>{escape(title)}</strong>']
    items = "".join(f"<li>{escape(k)}: {cell(v)[1]}</li>" for k, v in facts)
    if items:
        parts.append(f'<ul style="margin:.2em 0 .4em 1.2em;padding:0">{items}</ul>')
    if frame is not None:
        shown = frame.head(rows)
        table, dashes = rows_html(shown, index_label=index_label)
        parts.append(table)
        notes = []
        if len(frame) > rows:
            notes.append(f"… {len(frame) - rows} more rows ({len(frame)} in all).")
        if dashes:
            notes.append(f"– = {dash}.")
        if notes:
            parts.append(f"<small>{escape(' '.join(notes))}</small>")
    parts.append("</div>")
    return "".join(parts)
