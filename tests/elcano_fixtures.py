"""Synthetic workbooks in the layout of Elcano's calculation workbook (for the reader tests).

Other years, units, variables and weights than the 2021 edition, so that nothing tuned to
that file passes by accident.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

openpyxl = __import__("pytest").importorskip("openpyxl")

#: dimension -> (variable, weight); the index weights below.
TREE = {
    "Alpha": {"Grain": 2.0, "Steel Output": 3.0, "Fish": 5.0},
    "Beta": {"Films": 1.0, "Novel Prizes": 1.0},
}
INDEX_WEIGHTS = {"Alpha": 0.7, "Beta": 0.3}
#: how the contribution sheets name the variables (word-by-word abbreviations)
SHORT = {"Steel Output": "Steel O.", "Novel Prizes": "Nov. P."}


def synthetic_values(
    units: list[str], years: list[int], seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Variables, dimensions and index indexed by (unit, year), exact weighted sums."""
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([units, years], names=["unit", "year"])
    variables = [v for vs in TREE.values() for v in vs]
    data = pd.DataFrame(rng.uniform(0, 50, (len(idx), len(variables))), index=idx,
                        columns=variables)
    dims = pd.DataFrame({
        d: sum(w * data[v] for v, w in vs.items()) / sum(vs.values()) for d, vs in TREE.items()
    })
    index = sum(w * dims[d] for d, w in INDEX_WEIGHTS.items())
    return data, dims, index


def _sheet(wb, title: str, table: pd.DataFrame, *, text_years: bool = False) -> None:
    ws = wb.create_sheet(title)
    years = list(table.columns)
    ws.append(["Country", *[str(y) if text_years else y for y in years], None])
    for unit, row in table.iterrows():
        ws.append([unit, *[None if pd.isna(v) else float(v) for v in row]])
    ws.append([None] * (len(years) + 1))  # a trailing blank row, as in the real file


def write_workbook(path: Path, code: str = "IXX", units: list[str] | None = None,
                   years: list[int] | None = None, *, extra_index: bool = True,
                   quote_variables: bool = False, wb=None):
    """Write a workbook with index ``code`` (and a second one, ``code + 'E'``)."""
    units = units or ["Atlantis", "Borduria", "Carpania", "Dorne", "Erewhon", "Freedonia",
                      "Genovia", "Hyrule"]
    years = years or [1987, 1999, 2003, 2024]
    own = wb is None
    if own:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
    data, dims, index = synthetic_values(units, years)
    data.iloc[0, 0] = np.nan  # a missing value
    w = {v: wv / sum(TREE[d].values()) * INDEX_WEIGHTS[d]
         for d, vs in TREE.items() for v, wv in vs.items()}
    for v in data:
        _sheet(wb, f"{v} {code}", data[v].unstack())
    for d in dims:
        _sheet(wb, f"{d} {code}", dims[d].unstack())
    _sheet(wb, code, index.unstack())
    for d in dims:
        _sheet(wb, f"{d} {code} QUOTE", (100 * dims[d] / dims[d].groupby(level=1).transform(
            "sum")).unstack(), text_years=True)
    _sheet(wb, f"{code} {code} QUOTE", (100 * index / index.groupby(level=1).transform(
        "sum")).unstack(), text_years=True)
    if quote_variables:  # as the editions up to 2016, which quote every variable too
        for v in data:
            _sheet(wb, f"{SHORT.get(v, v)} {code} QUOTE", (100 * data[v] / data[v].groupby(
                level=1).transform("sum")).unstack())
    for v in data:
        _sheet(wb, f"{SHORT.get(v, v)} {code} CONTRIBUTION",
               (100 * w[v] * data[v] / index).unstack())
    for d in dims:
        _sheet(wb, f"{d} {code} CONTRIBUTION", (100 * INDEX_WEIGHTS[d] * dims[d] / index).unstack())
    # An empty variable sheet (like IEPE's military variables) and an unrelated sheet.
    empty = pd.DataFrame(np.nan, index=units, columns=years)
    _sheet(wb, f"Ghost Variable {code}", empty)
    if extra_index:
        wb.create_sheet("Notes").append(["written by the tests"])
        write_workbook(path, code + "E", units[:5], years[1:], extra_index=False, wb=wb)
    if own:
        wb.save(path)
    return data, dims, index
