"""Real datasets shipped with spindex, each with its source and licence.

>>> import spindex as sp
>>> data = sp.datasets.load("asem")
>>> data.shape
(51, 59)
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> len(fw.indicators)
49
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from spindex._io import read_csv_exact
from spindex.errors import ParameterError

__all__ = ["available", "describe", "load", "load_framework", "load_panel"]

_DATA = resources.files("spindex.datasets") / "data"

# name -> (folder, data file, framework file, unit column, description)
_CATALOGUE: dict[str, tuple[str, str, str, str, str]] = {
    "asem": (
        "asem", "ASEM_iData.csv", "ASEM_iMeta.csv", "uCode",
        "ASEM Sustainable Connectivity: 51 countries x 49 indicators (COINr's example, MIT).",
    ),
}


def available() -> dict[str, str]:
    """Names of the bundled datasets with a one-line description."""
    return {name: entry[4] for name, entry in _CATALOGUE.items()}


def _entry(name: str) -> tuple[str, str, str, str, str]:
    try:
        return _CATALOGUE[name]
    except KeyError:
        raise ParameterError(
            f"The dataset name must be one of {sorted(_CATALOGUE)}. Got {name!r} instead."
        ) from None


def _read(folder: str, filename: str) -> pd.DataFrame:
    with (_DATA / folder / filename).open("rb") as fh:
        return read_csv_exact(fh)


def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset as a wide table indexed by unit code.

    Parameters
    ----------
    name : str
        One of :func:`available`.

    Returns
    -------
    pandas.DataFrame
        One row per unit (index: unit code), one column per indicator plus any
        label, group, year and denominator columns of the source table.
    """
    folder, data_file, _, unit_col, _ = _entry(name)
    return _read(folder, data_file).set_index(unit_col)


def load_framework(name: str) -> pd.DataFrame:
    """Load the metadata table of a bundled dataset (pass it to ``Framework.from_table``)."""
    folder, _, meta_file, _, _ = _entry(name)
    return _read(folder, meta_file)


def load_panel(name: str) -> pd.DataFrame:
    """Load the panel (several years) version of a dataset, indexed by (unit, year).

    Only ``"asem"`` has one: COINr's artificial 2018-2022 panel.
    """
    if name != "asem":
        raise ParameterError(f"Only 'asem' has a panel version. Got {name!r} instead.")
    return _read("asem", "ASEM_iData_p.csv").set_index(["uCode", "Time"])


def describe(name: str) -> str:
    """The README of a bundled dataset: source, licence and contents."""
    folder = _entry(name)[0]
    return (_DATA / folder / "README.md").read_text(encoding="utf-8")
