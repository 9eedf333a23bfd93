"""Real datasets shipped with spindex, each with its source and licence.

``"asem"``
    COINr's ASEM Sustainable Connectivity example (51 countries x 49 indicators).
``"elcano"``
    The Elcano Global Presence Index, 2021 edition (Real Instituto Elcano): 151
    countries x 16 years x 16 variables, with the published dimensions, index, shares
    and contributions in the shipped calculation workbook (:func:`path`).
``"asean"``
    Soft power of China, Japan, South Korea, the United States, Australia and
    India toward ASEAN, built from a provenance table in which every value has a
    source (see :func:`load_provenance` and :func:`describe`).

>>> import spindex as sp
>>> data = sp.datasets.load("asem")
>>> data.shape
(51, 59)
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> len(fw.indicators)
49
>>> sp.datasets.load("asean")[["eco_fdi", "tour_arrivals"]].round(0).head(3)
         eco_fdi  tour_arrivals
source
CHN       7122.0      4960000.0
JPN      18784.0      1370000.0
KOR       3233.0      4010000.0
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from spindex._io import read_csv_exact
from spindex.dyadic import aggregate_dyadic
from spindex.errors import ParameterError
from spindex.softpower import soft_power_catalogue, soft_power_framework

__all__ = [
    "ASEAN_MEMBERS",
    "ASEAN_SOURCES",
    "available",
    "describe",
    "load",
    "load_framework",
    "load_panel",
    "load_population",
    "load_provenance",
    "path",
]

_DATA = resources.files("spindex.datasets") / "data"

_DESCRIPTIONS: dict[str, str] = {
    "asem": "ASEM Sustainable Connectivity: 51 countries x 49 indicators (COINr's example, MIT).",
    "asean": "Soft power toward ASEAN: 6 source countries x the 13 soft-power indicators, "
             "aggregated from 137 sourced dyadic values (7 indicators observed).",
    "elcano": "Elcano Global Presence Index, 2021 edition: 151 countries x 16 years "
              "(1990-2021) x 16 variables, (c) Real Instituto Elcano (cite it).",
}

#: Source countries of the ``"asean"`` dataset (ISO3 -> name), in table order.
ASEAN_SOURCES: dict[str, str] = {
    "CHN": "China", "JPN": "Japan", "KOR": "South Korea", "USA": "United States",
    "AUS": "Australia", "IND": "India",
}

#: The ten ASEAN members (ISO3), the targets of the ``"asean"`` dataset.
ASEAN_MEMBERS: tuple[str, ...] = (
    "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM",
)

_REGION = "ASEAN"


def available() -> dict[str, str]:
    """Names of the bundled datasets with a one-line description."""
    return dict(_DESCRIPTIONS)


def _check_name(name: str, allowed: tuple[str, ...] = ("asem", "asean", "elcano")) -> str:
    if name not in allowed:
        raise ParameterError(
            f"The dataset name must be one of {sorted(allowed)}. Got {name!r} instead."
        )
    return name


def _read(*parts: str) -> pd.DataFrame:
    path = _DATA.joinpath(*parts)
    with path.open("rb") as fh:
        return read_csv_exact(fh)


# ------------------------------------------------------------------------------- asean
def _split(text: object) -> list[str]:
    return [t.strip() for t in str(text).split(";") if t.strip()]


@lru_cache(maxsize=1)
def _asean() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The wide table and the provenance table (with the ``feeds`` column), built once."""
    provenance = _read("asean_provenance.csv")
    selection = _read("asean_selection.csv")
    population = _read("asean_population.csv")

    chosen = provenance.merge(
        selection[["indicator", "provenance_indicator"]],
        left_on="indicator", right_on="provenance_indicator", suffixes=("_raw", ""),
    )
    rows = chosen[["source", "target", "indicator", "year", "value", "currency"]]
    choices: list[dict[Any, Any]] = selection.to_dict("records")
    years = {str(c["indicator"]): [int(y) for y in _split(c["years"])] for c in choices}
    subsets = {str(c["indicator"]): _split(c["targets"]) for c in choices
               if _split(c["targets"]) != [_REGION]}
    minimum = {str(c["indicator"]): float(c["min_coverage"]) for c in choices
               if pd.notna(c["min_coverage"])}
    agg = aggregate_dyadic(
        rows, year=years, targets={"default": list(ASEAN_MEMBERS), **subsets}, region=_REGION,
        weights=population.rename(columns={"population": "weight"}), min_coverage=minimum,
    )

    codes = list(soft_power_catalogue().index)
    wide = agg.data.reindex(index=pd.Index(list(ASEAN_SOURCES), name="source"), columns=codes)
    wide.columns.name = None
    wide.insert(0, "name", pd.Series(ASEAN_SOURCES))

    # Which provenance rows a value of the wide table rests on.
    used = agg.detail[agg.detail["value"].notna()].assign(
        target=lambda d: d["targets"].str.split(";")).explode("target")
    used = used.merge(selection[["indicator", "provenance_indicator"]], on="indicator")
    feeds = provenance.merge(
        used[["source", "target", "provenance_indicator", "year", "indicator"]].rename(
            columns={"indicator": "feeds", "provenance_indicator": "indicator"}),
        on=["source", "target", "indicator", "year"], how="left",
    )["feeds"]
    sources = _read("asean_sources.csv")
    provenance = provenance.assign(feeds=feeds.to_numpy()).merge(
        sources[["source_ref", "citation", "url"]], on="source_ref", how="left")
    columns = ["source", "target", "indicator", "year", "value", "unit", "currency",
               "source_ref", "citation", "url", "note", "feeds"]
    return wide, provenance[columns]


def _asean_framework() -> pd.DataFrame:
    wide = _asean()[0]
    observed = wide.drop(columns="name").notna().sum()
    # Normalising needs at least two sources; an indicator nobody reports cannot be scored.
    unscorable = list(observed.index[observed < 2])
    return soft_power_framework().drop(*unscorable).to_table()


# ------------------------------------------------------------------------------- public
def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset as a wide table indexed by unit code.

    Parameters
    ----------
    name : str
        One of :func:`available`.

    Returns
    -------
    pandas.DataFrame
        One row per unit, one column per indicator plus label columns.
        ``"asem"``: COINr's iData (index ``uCode``; label, group, year and
        denominator columns). ``"asean"``: index ``source`` (ISO3 of the six
        source countries), a ``name`` column and one column per indicator of
        the soft-power framework (:func:`~spindex.softpower.soft_power_catalogue`
        order), NaN where no comparable value exists. Each value is the
        aggregation of provenance rows by
        :func:`~spindex.dyadic.aggregate_dyadic`, with the year(s) and targets
        chosen per indicator in ``asean_selection.csv`` (see :func:`describe`).
        ``"elcano"``: a panel indexed by ``(unit, year)`` (country names, years
        1990, 1995, 2000, 2005, 2010-2021), one column per variable of the global
        index IEPG as published (already scaled by Elcano); read from the shipped
        workbook by :func:`spindex.read_elcano`, where the published dimensions,
        index, shares and contributions are too.
    """
    if _check_name(name) == "asem":
        return _read("asem", "ASEM_iData.csv").set_index("uCode")
    if name == "elcano":
        return _elcano().data.copy()
    return _asean()[0].copy()


def load_framework(name: str) -> pd.DataFrame:
    """Load the metadata table of a bundled dataset (pass it to ``Framework.from_table``).

    For ``"asean"`` it is the soft-power framework without the indicators that
    fewer than two sources report (a comparison needs two); pillars left empty
    (aid) go with them, so the other pillars share the index equally.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    >>> fw.children("soft_power")
    ('economic', 'tourism', 'culture', 'opinion')
    """
    if _check_name(name) == "asem":
        return _read("asem", "ASEM_iMeta.csv")
    if name == "elcano":
        return _read("elcano", "framework.csv")
    return _asean_framework()


def load_provenance(name: str) -> pd.DataFrame:
    """Every value behind a dataset, with its unit, year, source and note.

    Parameters
    ----------
    name : {"asean"}
        Only the ``"asean"`` dataset is built from a provenance table.

    Returns
    -------
    pandas.DataFrame
        One row per published value: ``source``, ``target`` (ISO3, or
        ``"ASEAN"`` for a value published for the whole region), ``indicator``
        (the instrument's own code), ``year``, ``value`` and ``unit`` as the source
        printed them, ``currency``, ``source_ref``, ``citation``, ``url``,
        ``note`` (doubts, lower bounds, rounding) and ``feeds``: the soft-power
        indicator of :func:`load` the row goes into, missing for rows kept as
        record but not used (other years, partial or one-source figures).

    Examples
    --------
    >>> import spindex as sp
    >>> prov = sp.datasets.load_provenance("asean")
    >>> prov.loc[prov["feeds"] == "eco_trade", ["source", "year", "value", "unit"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       source  year  value         unit
    28    CHN  2013  319.0  USD billion
    29    JPN  2013  263.0  USD billion
    30    USA  2013  200.0  USD billion
    31    KOR  2013  131.0  USD billion
    """
    _check_name(name, ("asean",))
    return _asean()[1].copy()


def load_population(name: str) -> pd.DataFrame:
    """Population of the targets by year (weights for poll shares); only ``"asean"``.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``year``, ``population``, ``source_ref`` (UNDP Human
        Development Report 2023/24).
    """
    _check_name(name, ("asean",))
    return _read("asean_population.csv")


def load_panel(name: str) -> pd.DataFrame:
    """Load the panel (several years) version of a dataset, indexed by (unit, year).

    ``"asem"``: COINr's artificial 2018-2022 panel. ``"elcano"``: the same panel as
    ``load("elcano")`` (it has no single-year version).
    """
    if name == "elcano":
        return load("elcano")
    if name != "asem":
        raise ParameterError(
            f"Only 'asem' has a panel version (and 'elcano', which is a panel). "
            f"Got {name!r} instead.")
    return _read("asem", "ASEM_iData_p.csv").set_index(["uCode", "Time"])


def describe(name: str) -> str:
    """The README of a bundled dataset: source, licence and contents."""
    if _check_name(name) == "asem":
        return _DATA.joinpath("asem", "README.md").read_text(encoding="utf-8")
    if name == "elcano":
        return _DATA.joinpath("elcano", "README.md").read_text(encoding="utf-8")
    return _DATA.joinpath("ASEAN_README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------- elcano
@lru_cache(maxsize=1)
def _elcano() -> Any:
    # Imported here: reading the workbook needs the optional openpyxl.
    from spindex.elcano import read_elcano

    with _DATA.joinpath("elcano", "calculus2021.xlsx").open("rb") as fh:
        return read_elcano(fh)["IEPG"]


def path(name: str) -> str:
    """The file system path of a bundled raw file; only ``"elcano"`` (its workbook).

    Examples
    --------
    >>> import spindex as sp
    >>> sp.datasets.path("elcano").endswith("calculus2021.xlsx")
    True
    """
    _check_name(name, ("elcano",))
    with resources.as_file(_DATA.joinpath("elcano", "calculus2021.xlsx")) as p:
        return str(p)
