"""Real datasets shipped with spindex, each with its source and licence.

``"asem"``
    COINr's ASEM Sustainable Connectivity example (51 countries x 49 indicators).
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

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from spindex._io import read_csv_exact
from spindex.dyadic import aggregate_dyadic, per_target
from spindex.errors import DataError, ParameterError
from spindex.softpower import soft_power_catalogue, soft_power_framework

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
]

_DATA = resources.files("spindex.datasets") / "data"

_DESCRIPTIONS: dict[str, str] = {
    "asem": "ASEM Sustainable Connectivity: 51 countries x 49 indicators (COINr's example, MIT).",
    "asean": "Soft power toward ASEAN: the 13 soft-power indicators for 6 source countries "
             "(recent years) or 9 (period='2009-2011', all five pillars), aggregated from "
             "4,210 sourced dyadic values.",
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


def _check_name(name: str, allowed: tuple[str, ...] = ("asem", "asean")) -> str:
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
#: Cross-sections of the ``"asean"`` dataset: period label -> (selection file, sources).
PERIODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "recent": ("asean_selection.csv", ("CHN", "JPN", "KOR", "USA", "AUS", "IND")),
    "2009-2011": ("asean_selection_2009-2011.csv",
                  ("CHN", "JPN", "KOR", "USA", "AUS", "IND", "DEU", "FRA", "GBR")),
}

_NAMES: dict[str, str] = {**ASEAN_SOURCES, "DEU": "Germany", "FRA": "France",
                          "GBR": "United Kingdom"}


def _split(text: object) -> list[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    return [t.strip() for t in str(text).split(";") if t.strip()]


def _check_period(period: str | None) -> str:
    key = "recent" if period is None else period
    if key not in PERIODS:
        raise ParameterError(
            f"The 'period' parameter must be None (the recent years) or one of "
            f"{[p for p in PERIODS if p != 'recent']}. Got {period!r} instead."
        )
    return key


def _year_label(years: list[int]) -> str:
    years = sorted(set(years))
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}-{years[-1]}"
    return ";".join(str(y) for y in years)


def _recipe_rows(provenance: pd.DataFrame, recipe: Mapping[Any, Any],
                 sources: tuple[str, ...]) -> pd.DataFrame:
    """The dyadic rows one selection line uses, in the catalogue indicator's unit.

    ``sources`` are the period's; a line may name a subset of them.
    """
    codes = _split(recipe["provenance_indicator"])
    years = [int(y) for y in _split(recipe["years"])]
    wanted = _split(recipe["sources"]) or list(sources)
    rows = provenance[provenance["indicator"].isin(codes) & provenance["year"].isin(years)
                      & provenance["source"].isin(wanted)]
    key = ["source", "target", "year"]
    if len(codes) > 1:
        # A total of several flows (exports + imports): a dyad-year needs every part.
        parts = rows.groupby(key, sort=False).agg(
            value=("value", "sum"), n=("indicator", "nunique"),
            currency=("currency", "first"), unit=("unit", "first"),
            instrument=("instrument", lambda s: " + ".join(dict.fromkeys(s))),
            source_ref=("source_ref", "first")).reset_index()
        rows = parts[parts["n"] == len(codes)].drop(columns="n")
    scale = float(recipe["scale"]) if pd.notna(recipe["scale"]) else 1.0
    out = rows[[*key, "value", "currency", "unit", "instrument", "source_ref"]].copy()
    out["value"] = out["value"] * scale
    out.insert(2, "indicator", str(recipe["indicator"]))
    return out.reset_index(drop=True)


@lru_cache(maxsize=4)
def _asean(period: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Wide table, cells (with alternatives) and provenance (with ``feeds``), built once."""
    selection_file, order = PERIODS[period]
    provenance = _read("asean_provenance.csv")
    selection = _read(selection_file)
    population = _read("asean_population.csv").rename(columns={"population": "weight"})

    cells: list[dict[str, Any]] = []
    used: list[pd.DataFrame] = []
    for recipe in selection.to_dict("records"):
        rows = _recipe_rows(provenance, recipe, order)
        if rows.empty:
            continue
        targets = _split(recipe["targets"])
        whole = targets == [_REGION]
        agg = aggregate_dyadic(
            rows, year=[int(y) for y in _split(recipe["years"])],
            targets=list(ASEAN_MEMBERS) if whole else targets,
            region=_REGION if whole else None, weights=population,
            min_coverage=float(recipe["min_coverage"]) if pd.notna(recipe["min_coverage"])
            else 0.0)
        detail = agg.detail[agg.detail["value"].notna()]
        alternative = recipe["alternative"] if pd.notna(recipe["alternative"]) else ""
        for source, part in detail.groupby("source", sort=False):
            targets_used = sorted({t for ts in part["targets"] for t in str(ts).split(";")})
            mine = rows[(rows["source"] == source) & rows["year"].isin(part["year"])
                        & rows["target"].isin(targets_used)]
            cells.append({
                "source": source, "indicator": recipe["indicator"],
                "alternative": alternative, "value": part["value"].mean(),
                "years": _year_label(part["year"].astype(int).tolist()),
                "coverage": part["coverage"].mean(), "targets": ";".join(targets_used),
                "provenance_indicator": recipe["provenance_indicator"],
                "instrument": "; ".join(dict.fromkeys(mine["instrument"])),
                "source_ref": ";".join(dict.fromkeys(mine["source_ref"])),
                "rationale": recipe["rationale"]})
            if not alternative:
                used.extend(mine[["source", "target", "year"]].assign(
                    indicator=code, feeds=recipe["indicator"])
                    for code in _split(recipe["provenance_indicator"]))

    cell_columns = ["source", "indicator", "alternative", "value", "years", "coverage",
                    "targets", "provenance_indicator", "instrument", "source_ref", "rationale"]
    cell_table = pd.DataFrame(cells, columns=cell_columns)
    primary = cell_table[cell_table["alternative"] == ""]
    if primary.duplicated(["source", "indicator"]).any():
        raise DataError(f"Two selection lines of {selection_file} fill one cell:\n"
                        f"{primary[primary.duplicated(['source', 'indicator'], keep=False)]}")
    codes = list(soft_power_catalogue().index)
    wide = primary.pivot(index="source", columns="indicator", values="value").reindex(
        index=pd.Index(list(order), name="source"), columns=codes).astype(float)
    wide.columns.name = None
    wide.insert(0, "name", pd.Series(_NAMES))
    cell_table = cell_table.assign(
        _s=cell_table["source"].map({s: i for i, s in enumerate(order)}),
        _i=cell_table["indicator"].map({c: i for i, c in enumerate(codes)}),
    ).sort_values(["_s", "_i", "alternative"]).drop(columns=["_s", "_i"]).reset_index(drop=True)

    # Which provenance rows a primary value rests on (each part of a sum of flows).
    link: pd.DataFrame = pd.concat(used, ignore_index=True).drop_duplicates(
        ["source", "target", "indicator", "year"])
    feeds = provenance.merge(link, on=["source", "target", "indicator", "year"],
                             how="left")["feeds"]
    sources_table = _read("asean_sources.csv")
    provenance = provenance.assign(feeds=feeds.to_numpy()).merge(
        sources_table[["source_ref", "citation", "url", "raw_file"]], on="source_ref",
        how="left")
    columns = ["source", "target", "year", "indicator", "value", "unit", "currency",
               "instrument", "source_ref", "citation", "url", "raw_file", "note", "feeds"]
    return wide, cell_table, provenance[columns]


def _asean_framework(period: str) -> pd.DataFrame:
    wide = _asean(period)[0]
    observed = wide.drop(columns="name").notna().sum()
    # Normalising needs at least two sources; an indicator nobody reports cannot be scored.
    unscorable = list(observed.index[observed < 2])
    return soft_power_framework().drop(*unscorable).to_table()


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
    return _asean(_check_period(period))[0].copy()


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
    return _asean(_check_period(period))[1].copy()


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
    key = _check_period(period)
    wide, cells = _asean(key)[:2]
    primary = cells[cells["alternative"] == ""]
    years = primary.pivot(index="source", columns="indicator", values="years")
    years = years.reindex(index=wide.index, columns=wide.columns[1:]).astype(object)
    return years.where(years.notna(), "")


def load_per_target(name: str, period: str | None = None) -> dict[str, pd.DataFrame]:
    """One table per ASEAN member: the sources' values toward it (who leads in Viet Nam?).

    The same recipes as :func:`load` (provenance codes, sources, years, units),
    without adding up over targets: :func:`~spindex.dyadic.per_target` of the
    rows the period's primary values use. Values published only for the whole
    region (FDI, the pooled MOFA polls) are not per member and are left out.

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
    key = _check_period(period)
    provenance = _read("asean_provenance.csv")
    selection = _read(PERIODS[key][0])
    rows: pd.DataFrame = pd.concat([_recipe_rows(provenance, r, PERIODS[key][1])
                                    for r in selection.to_dict("records")
                                    if pd.isna(r["alternative"])], ignore_index=True)
    rows = rows[rows["target"].isin(ASEAN_MEMBERS)]
    tables = per_target(rows, year=sorted(set(rows["year"])))
    codes = list(soft_power_catalogue().index)
    order = PERIODS[key][1]
    return {t: table.reindex(index=[s for s in order if s in table.index],
                             columns=[c for c in codes if c in table.columns])
            for t, table in tables.items()}


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
    if _check_name(name) == "asem":
        return _read("asem", "ASEM_iMeta.csv")
    return _asean_framework(_check_period(period))


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
    return _asean(_check_period(period))[2].copy()


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

    Only ``"asem"`` has one: COINr's artificial 2018-2022 panel.
    """
    if name != "asem":
        raise ParameterError(f"Only 'asem' has a panel version. Got {name!r} instead.")
    return _read("asem", "ASEM_iData_p.csv").set_index(["uCode", "Time"])


def describe(name: str) -> str:
    """The README of a bundled dataset: source, licence and contents."""
    if _check_name(name) == "asem":
        return _DATA.joinpath("asem", "README.md").read_text(encoding="utf-8")
    return _DATA.joinpath("ASEAN_README.md").read_text(encoding="utf-8")
