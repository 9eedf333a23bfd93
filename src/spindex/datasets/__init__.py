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
from spindex.errors import ParameterError

__all__ = [
    "ASEAN_MEMBERS",
    "ASEAN_SOURCES",
    "PERIODS",
    "available",
    "describe",
    "load",
    "load_cells",
    "load_framework",
    "load_panel",
    "load_per_target",
    "load_population",
    "load_provenance",
    "load_years",
    "path",
]

_DATA = resources.files("spindex.datasets") / "data"

_DESCRIPTIONS: dict[str, str] = {
    "asem": "ASEM Sustainable Connectivity: 51 countries x 49 indicators (COINr's example, MIT).",
    "asean": "Soft power toward ASEAN: the 13 soft-power indicators for 6 source countries "
             "(recent years) or 9 (period='2009-2011', all five pillars), aggregated from "
             "4,210 sourced dyadic values.",
    "elcano": "Elcano Global Presence Index, 2021 edition: 151 countries x 16 years "
              "(1990-2021) x 16 variables, (c) Real Instituto Elcano (cite it).",
}

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
# The soft-power application lives in spindex.softpower; the generic library imports it
# only here, lazily, when the "asean" data are asked for.
def _asean_module() -> Any:
    from spindex.softpower import asean

    return asean


def __getattr__(attr: str) -> Any:
    # ASEAN_SOURCES, ASEAN_MEMBERS and PERIODS, without importing the application eagerly.
    if attr in ("ASEAN_SOURCES", "ASEAN_MEMBERS", "PERIODS"):
        return getattr(_asean_module(), attr)
    raise AttributeError(f"module 'spindex.datasets' has no attribute {attr!r}")


# ------------------------------------------------------------------------------- public
def load(name: str, period: str | None = None) -> pd.DataFrame:
    """Load a bundled dataset as a wide table indexed by unit code.

    Parameters
    ----------
    name : str
        One of :func:`available`.
    period : {None, "2009-2011"}, optional
        Only for ``"asean"``: which cross-section. ``None`` is the recent one
        (values of 2012-2024, six sources); ``"2009-2011"`` the founding period
        (nine sources, all five pillars). The year(s) of each cell are in
        :func:`load_years`, the details in :func:`load_cells`.

    Returns
    -------
    pandas.DataFrame
        One row per unit, one column per indicator plus label columns.
        ``"asem"``: COINr's iData (index ``uCode``; label, group, year and
        denominator columns). ``"asean"``: index ``source`` (ISO3 of the source
        countries), a ``name`` column and one column per indicator of the
        soft-power framework (:func:`~spindex.softpower.soft_power_catalogue`
        order, in its units), NaN where no comparable value exists. Each value is
        the aggregation of provenance rows by
        :func:`~spindex.dyadic.aggregate_dyadic`, with the provenance code(s),
        sources, year(s) and targets chosen per indicator in the period's
        selection file (``asean_selection.csv``,
        ``asean_selection_2009-2011.csv``; see :func:`describe`).
        ``"elcano"``: a panel indexed by ``(unit, year)`` (country names, years
        1990, 1995, 2000, 2005, 2010-2021), one column per variable of the global
        index IEPG as published (already scaled by Elcano); read from the shipped
        workbook by :func:`spindex.read_elcano`, where the published dimensions,
        index, shares and contributions are too.

    Raises
    ------
    ParameterError
        For an unknown name or period, or a period with ``"asem"``.

    Examples
    --------
    >>> import spindex as sp
    >>> founding = sp.datasets.load("asean", period="2009-2011")
    >>> founding[["aid_oda", "eco_trade"]].round(1).head(3)
            aid_oda  eco_trade
    source
    CHN      2256.3      162.1
    JPN      1368.0      128.7
    KOR       188.7       51.8
    """
    if _check_name(name) == "asem":
        if period is not None:
            raise ParameterError(f"Only 'asean' has periods. Got period={period!r} for 'asem'.")
        return _read("asem", "ASEM_iData.csv").set_index("uCode")
    if name == "elcano":
        if period is not None:
            raise ParameterError(
                f"Only 'asean' has periods; 'elcano' is a panel of every year. Got "
                f"period={period!r}: select years with data.xs(year, level='year')."
            )
        return _elcano().data.copy()
    return _asean_module().wide(period)


def load_cells(name: str, period: str | None = None) -> pd.DataFrame:
    """How every value of an ``"asean"`` cross-section was made, with its alternatives.

    Parameters
    ----------
    name : {"asean"}
    period : {None, "2009-2011"}, optional
        As for :func:`load`.

    Returns
    -------
    pandas.DataFrame
        One row per (source, indicator, alternative): ``alternative`` is ``""``
        for the value of :func:`load` and names another way to fill the same
        cell otherwise (China's aid as all official flows,
        ``"aiddata_all_flows"``; trade as reported by the members,
        ``"reported_by_target"``); ``value`` (the catalogue unit), ``years``
        (``"2009-2010"``), ``coverage`` (share of the region's targets or
        weight), ``targets`` (the targets that have a value),
        ``provenance_indicator``, ``instrument``, ``source_ref`` (see
        :func:`load_provenance`) and ``rationale``.

    Examples
    --------
    >>> import spindex as sp
    >>> cells = sp.datasets.load_cells("asean", period="2009-2011")
    >>> china = cells[(cells.source == "CHN") & (cells.indicator == "aid_oda")]
    >>> china[["alternative", "years", "instrument"]]  # doctest: +NORMALIZE_WHITESPACE
                alternative      years                         instrument
    0                        2009-2010                commitment, ODA-like
    1     aiddata_all_flows  2009-2010      commitment, all official flows
    2  aiddata_oda_adjusted  2009-2010  commitment, ODA-like, adjusted
    """
    _check_name(name, ("asean",))
    return _asean_module().cells(period)


def load_years(name: str, period: str | None = None) -> pd.DataFrame:
    """The year(s) behind each value of :func:`load` (same shape; ``""`` where missing).

    Examples
    --------
    >>> import spindex as sp
    >>> years = sp.datasets.load_years("asean", period="2009-2011")
    >>> years.loc["USA", ["aid_oda", "eco_trade", "tour_arrivals", "cult_students"]].tolist()
    ['2009-2010', '2009', '2011', '2013']
    """
    _check_name(name, ("asean",))
    return _asean_module().years(period)


def load_per_target(name: str, period: str | None = None) -> dict[str, pd.DataFrame]:
    """One table per ASEAN member: the sources' values toward it (who leads in Viet Nam?).

    The same recipes as :func:`load` (provenance codes, sources, years, units),
    without adding up over targets: :func:`~spindex.dyadic.per_target` of the
    rows the period's primary values use. Values published only for the whole
    region (FDI, the pooled MOFA polls) are not per member and are left out. A
    recipe's own target subset (Singapore for arrivals, the Philippines for Pew)
    is not applied: every member with a value of the recipe's code and years
    gets it (Pew 2015 also has Viet Nam).

    Returns
    -------
    dict of str to pandas.DataFrame
        Member ISO3 -> sources x indicators (catalogue order; sources with no
        value toward that member are left out; NaN where a source has no value).

    Examples
    --------
    >>> import spindex as sp
    >>> vnm = sp.datasets.load_per_target("asean", period="2009-2011")["VNM"]
    >>> vnm["aid_oda"].idxmax(), vnm["eco_trade"].idxmax()
    ('JPN', 'CHN')
    """
    _check_name(name, ("asean",))
    return _asean_module().per_target_tables(period)


def load_framework(name: str, period: str | None = None) -> pd.DataFrame:
    """Load the metadata table of a bundled dataset (pass it to ``Framework.from_table``).

    For ``"asean"`` it is the soft-power framework without the indicators that
    fewer than two sources report in the period's table (a comparison needs
    two); a pillar left empty goes with them, so the others share the index
    equally.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    >>> fw.children("soft_power")
    ('economic', 'tourism', 'culture', 'opinion')
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asean", period="2009-2011"))
    >>> fw.children("soft_power")
    ('aid', 'economic', 'tourism', 'culture', 'opinion')
    """
    if _check_name(name) != "asean" and period is not None:
        raise ParameterError(f"Only 'asean' has periods. Got period={period!r} for {name!r}.")
    if name == "asem":
        return _read("asem", "ASEM_iMeta.csv")
    if name == "elcano":
        return _read("elcano", "framework.csv")
    return _asean_module().framework_table(period)


def load_provenance(name: str, period: str | None = None) -> pd.DataFrame:
    """Every value behind a dataset, with its unit, year, instrument, source and raw file.

    Parameters
    ----------
    name : {"asean"}
        Only the ``"asean"`` dataset is built from a provenance table.
    period : {None, "2009-2011"}, optional
        The cross-section whose use of the rows ``feeds`` shows.

    Returns
    -------
    pandas.DataFrame
        One row per published value: ``source``, ``target`` (ISO3, or
        ``"ASEAN"`` for a value published for the whole region), ``year``,
        ``indicator`` (the instrument's own code), ``value`` and ``unit`` as the
        source printed them, ``currency``, ``instrument`` (what the number is:
        ``"commitment, ODA-like"``, ``"net disbursement, reported by source"``,
        ``"exports, reported by target"``, ``"poll share"``, ...),
        ``source_ref``, ``citation``, ``url``, ``raw_file`` (the file of the
        repository's ``data-raw/`` it was built from), ``note`` and ``feeds``:
        the soft-power indicator of ``load(name, period)`` the row goes into,
        missing for rows kept as record but not used there.

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
    return _asean_module().provenance(period)


def load_population(name: str) -> pd.DataFrame:
    """Population of the targets by year (weights for poll shares); only ``"asean"``.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``year``, ``population``, ``source_ref`` (UNDP Human
        Development Report 2023/24).
    """
    _check_name(name, ("asean",))
    return _asean_module().population()


def load_panel(name: str, indicators: Any = None, *, target: str = "ASEAN",
               sources: Any = None, min_targets: int = 1, split: bool = False) -> pd.DataFrame:
    """Load the panel (several years) version of a dataset, indexed by (unit, year).

    ``"asem"``: COINr's artificial 2018-2022 panel. ``"elcano"``: the same panel as
    ``load("elcano")`` (it has no single-year version). ``"asean"``: the soft-power values
    that have years (China's aid commitments 2000-2021, students hosted 1998-2020, and any
    other provenance code), one column per line, indexed by (source, year); see
    :mod:`spindex.softpower.over_time`.

    Parameters
    ----------
    name : {"asem", "elcano", "asean"}
    indicators, target, sources, min_targets
        Only for ``"asean"``: the lines, as for
        :func:`spindex.softpower.over_time.series` (default: China's aid ODA-like and all
        flows, and the students hosted, each summed over the members).
    split : bool, default False
        Only for ``"asean"``: a line mixing instruments or units is refused
        (:class:`~spindex.errors.DataError`); ``True`` makes one column per instrument.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ParameterError
        For an unknown name, or ``"asean"`` options with another dataset.
    DataError
        For an ``"asean"`` line that mixes instruments (``split=False``).

    Examples
    --------
    >>> import spindex as sp
    >>> aid = sp.datasets.load_panel("asean")
    >>> aid.loc["CHN", "china_aid_oda_like"].loc[2009:2011].round(1).tolist()
    [2355.4, 2157.3, 78.9]
    """
    if name == "asean":
        from spindex.softpower import over_time

        return over_time.panel(over_time.series(indicators, target=target, sources=sources,
                                                min_targets=min_targets), split=split)
    if indicators is not None or sources is not None or target != "ASEAN" or split \
            or min_targets != 1:
        raise ParameterError(
            f"indicators, target, sources, min_targets and split are options of the 'asean' "
            f"panel only. Got them for {name!r}; leave them out.")
    if name == "elcano":
        return load("elcano")
    if name != "asem":
        raise ParameterError(
            f"Only 'asem', 'elcano' and 'asean' have a panel version. Got {name!r} instead.")
    return _read("asem", "ASEM_iData_p.csv").set_index(["uCode", "Time"])


def describe(name: str) -> str:
    """The README of a bundled dataset: source, licence and contents."""
    if _check_name(name) == "asem":
        return _DATA.joinpath("asem", "README.md").read_text(encoding="utf-8")
    if name == "elcano":
        return _DATA.joinpath("elcano", "README.md").read_text(encoding="utf-8")
    return _asean_module().readme()


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
