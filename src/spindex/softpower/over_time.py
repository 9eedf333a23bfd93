"""Soft power over time: the ``"asean"`` values that have years, as panels, trends and lines.

Most soft-power values are one year of one source; a few series run over many years:
China's aid commitments to each member 2000-2021 (AidData GCDF 3.0), the students from
ASEAN hosted by each host country 1998-2020 (UNESCO UIS), and the multi-year values of
the cross-sections (trade, FDI, Confucius Institutes, polls). This module turns the
provenance rows (:func:`spindex.datasets.load_provenance`) into

- a long table of *lines* (:func:`series`): one value per source, line and year, with
  the instrument and unit of every value;
- a panel indexed by (source, year) for :func:`spindex.score_panel` and
  :func:`spindex.panel.trends` (:func:`panel`, also ``datasets.load_panel("asean")``);
- a trend table (:func:`trend_table`) and a figure (:func:`plot_series`).

A line never mixes instruments: a commitment is not a disbursement, a value reported by
the source is not the target's mirror figure, a region total as published is not a sum
over the members a statistic lists. A line whose rows differ in instrument or unit is
refused (:class:`~spindex.errors.DataError`) or, on request, split into one line per
instrument, each named after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.panel import trends

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["LINES", "panel", "plot_series", "series", "trend_table"]

#: The long series of the ``"asean"`` data, line name -> provenance codes (each code one
#: instrument). ``None`` as ``indicators`` of :func:`series` means these.
LINES: dict[str, tuple[str, ...]] = {
    "china_aid_oda_like": ("aid_gcdf3_commit_oda_amount",),
    "china_aid_all_flows": ("aid_gcdf3_commit_all_amount",),
    "students_hosted": ("cult_students_hosted_uis",),
}

_MEMBERS: tuple[str, ...] = (
    "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM",
)
_REGION = "ASEAN"

# Units whose values add up over targets (amounts of money, people, counts); shares and
# poll results do not, so a region value of those must be published as such.
_SUMMABLE = ("USD", "persons", "count")

_COLUMNS = ["line", "source", "year", "indicator", "instrument", "unit", "value",
            "n_targets", "targets"]


def _money(unit: str) -> tuple[float, str]:
    """Factor to USD million and the new unit, for a unit as the source printed it."""
    if unit.startswith("USD billion"):
        return 1000.0, "USD million" + unit[len("USD billion"):]
    if unit.startswith("USD ("):
        return 1e-6, "USD million " + unit[len("USD "):]
    return 1.0, unit


def _lines_arg(indicators: object, codes: pd.Index) -> dict[str, tuple[str, ...]]:
    if indicators is None:
        return dict(LINES)
    if isinstance(indicators, str):
        spec: dict[str, tuple[str, ...]] = {indicators: (indicators,)}
    elif isinstance(indicators, Mapping):
        spec = {}
        for name, value in indicators.items():
            parts = (value,) if isinstance(value, str) else tuple(value)
            if not parts or not all(isinstance(p, str) for p in parts):
                raise SpindexTypeError(
                    f"The line {name!r} of the 'indicators' parameter of series must name one "
                    f"or more provenance codes (strings). Got {value!r} instead.")
            spec[str(name)] = parts
    elif isinstance(indicators, Sequence):
        if not all(isinstance(p, str) for p in indicators):
            raise SpindexTypeError(
                "The 'indicators' parameter of series must be a code, a list of codes or a "
                f"mapping line -> codes. Got {indicators!r} instead.")
        spec = {p: (p,) for p in indicators}
    else:
        raise SpindexTypeError(
            "The 'indicators' parameter of series must be a code, a list of codes or a "
            f"mapping line -> codes. Got {type(indicators).__name__} instead.")
    if not spec:
        raise ParameterError("The 'indicators' parameter of series names no code. Give at "
                             "least one provenance code, e.g. 'aid_gcdf3_commit_oda_amount'.")
    unknown = sorted({c for parts in spec.values() for c in parts} - set(codes))
    if unknown:
        raise ParameterError(
            f"The 'indicators' parameter of series names code(s) {unknown} that the "
            "provenance table does not have; see datasets.load_provenance('asean')"
            "['indicator'].unique() for the codes.")
    return spec


def series(
    indicators: str | Sequence[str] | Mapping[str, str | Sequence[str]] | None = None,
    *,
    target: str = _REGION,
    sources: Sequence[str] | None = None,
    min_targets: int = 1,
    provenance: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Long table of soft-power lines over the years, one value per source, line and year.

    Parameters
    ----------
    indicators : str, sequence of str or mapping, optional
        Provenance codes (``datasets.load_provenance("asean")["indicator"]``): one code,
        a list (each code its own line) or a mapping line name -> codes (the codes'
        rows make one line). Default :data:`LINES`.
    target : str, default "ASEAN"
        A member (ISO3): the values toward it. ``"ASEAN"``: a value published for the
        whole region as it is; otherwise, for amounts, people and counts, the sum over
        the members that have a value that year (``n_targets`` says how many, and the
        instrument says ``"sum over listed members"``). Shares and poll results toward
        single members are not added up, so they have no region value.
    sources : sequence of str, optional
        Only these sources (ISO3). Default: all.
    min_targets : int, default 1
        With ``target="ASEAN"``: drop the sums over fewer members than this (UIS lists
        only each member's top-10 hosts, so a host absent from some lists is undercounted
        there; ``n_targets`` shows it).
    provenance : pandas.DataFrame, optional
        The provenance table to read (default ``datasets.load_provenance("asean")``).

    Returns
    -------
    pandas.DataFrame
        Columns ``line``, ``source``, ``year``, ``indicator`` (the code), ``instrument``
        (with how the region value was made), ``unit`` (money in USD million, with the
        source's price basis), ``value``, ``n_targets`` and ``targets``; sorted by line,
        source and year. A line may hold several instruments when the mapping puts codes
        of different instruments together: :func:`panel`, :func:`trend_table` and
        :func:`plot_series` refuse or split such a line.

    Raises
    ------
    ParameterError
        For an unknown code, target or source.
    SpindexTypeError
        For arguments of the wrong type.

    Examples
    --------
    >>> from spindex.softpower.over_time import series
    >>> aid = series("aid_gcdf3_commit_oda_amount")
    >>> aid[["source", "instrument", "unit"]].iloc[0].tolist()
    ['CHN', 'commitment, ODA-like; sum over listed members', 'USD million (constant 2021)']
    >>> int(aid["year"].min()), int(aid["year"].max())
    (2000, 2021)
    """
    if provenance is None:
        from spindex import datasets

        provenance = datasets.load_provenance("asean")
    elif not isinstance(provenance, pd.DataFrame):
        raise SpindexTypeError(
            "The 'provenance' parameter of series must be a DataFrame like "
            f"datasets.load_provenance('asean'). Got {type(provenance).__name__} instead.")
    missing = [c for c in ("source", "target", "year", "indicator", "instrument", "unit",
                           "value") if c not in provenance.columns]
    if missing:
        raise DataError(f"The provenance table given to series lacks column(s) {missing}; "
                        "pass a table like datasets.load_provenance('asean').")
    if not isinstance(target, str) or target not in (_REGION, *_MEMBERS):
        raise ParameterError(
            f"The 'target' parameter of series must be 'ASEAN' or a member "
            f"{list(_MEMBERS)}. Got {target!r} instead.")
    if (isinstance(min_targets, bool) or not isinstance(min_targets, (int, np.integer))
            or not 1 <= min_targets <= len(_MEMBERS)):
        raise ParameterError(
            f"The 'min_targets' parameter of series must be an integer from 1 to "
            f"{len(_MEMBERS)}. Got {min_targets!r} instead.")
    spec = _lines_arg(indicators, pd.Index(provenance["indicator"].unique()))
    rows = provenance[provenance["value"].notna()]
    if sources is not None:
        if isinstance(sources, str) or not isinstance(sources, Sequence):
            raise SpindexTypeError(
                "The 'sources' parameter of series must be a list of ISO3 codes. Got "
                f"{sources!r} instead.")
        unknown = sorted(set(sources) - set(rows["source"]))
        if unknown:
            raise ParameterError(
                f"The 'sources' parameter of series names {unknown}, which have no value; "
                f"the sources are {sorted(set(rows['source']))}.")
        rows = rows[rows["source"].isin(list(sources))]

    parts = []
    for line, codes in spec.items():
        mine = rows[rows["indicator"].isin(codes)]
        parts.append(_line_rows(mine, target).assign(line=line))
    if not parts:
        return pd.DataFrame(columns=_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out[out["n_targets"] >= int(min_targets)]
    return out[_COLUMNS].sort_values(["line", "source", "year", "instrument"],
                                     kind="stable").reset_index(drop=True)


def _line_rows(rows: pd.DataFrame, target: str) -> pd.DataFrame:
    """One value per (source, code, year) toward ``target``, money in USD million."""
    factor_unit = rows["unit"].astype(str).map(_money)
    rows = rows.assign(value=rows["value"].to_numpy(dtype=float)
                       * factor_unit.map(lambda fu: fu[0]).to_numpy(dtype=float),
                       unit=factor_unit.map(lambda fu: fu[1]).to_numpy(dtype=object))
    key = ["source", "indicator", "year"]
    if target != _REGION:
        own = rows[rows["target"] == target]
        return own.assign(n_targets=1, targets=target)[
            [*key, "instrument", "unit", "value", "n_targets", "targets"]]
    published = rows[rows["target"] == _REGION].assign(
        instrument=lambda f: f["instrument"] + "; published for the region",
        n_targets=len(_MEMBERS), targets=_REGION)
    summable = rows["unit"].astype(str).str.startswith(_SUMMABLE)
    members = rows[rows["target"].isin(_MEMBERS) & summable]
    summed = members.groupby([*key, "instrument", "unit"], sort=False).agg(
        value=("value", "sum"), n_targets=("target", "nunique"),
        targets=("target", lambda s: ";".join(sorted(set(s))))).reset_index()
    summed["instrument"] = summed["instrument"] + "; sum over listed members"
    columns = [*key, "instrument", "unit", "value", "n_targets", "targets"]
    return pd.concat([published[columns], summed[columns]], ignore_index=True)


def _kinds(long: pd.DataFrame, owner: str) -> pd.DataFrame:
    if not isinstance(long, pd.DataFrame):
        raise SpindexTypeError(
            f"The 'long' parameter of {owner} must be a DataFrame from series(...). Got "
            f"{type(long).__name__} instead.")
    missing = [c for c in ("line", "source", "year", "instrument", "unit", "value")
               if c not in long.columns]
    if missing:
        raise DataError(f"The table given to {owner} lacks column(s) {missing}; pass the "
                        "output of spindex.softpower.over_time.series.")
    return long


def _check_split(long: pd.DataFrame, split: object, owner: str) -> pd.DataFrame:
    """The table with one instrument and unit per line: refused, or split when asked."""
    if not isinstance(split, bool):
        raise SpindexTypeError(f"The 'split' parameter of {owner} must be True or False. Got "
                               f"{split!r} instead.")
    kinds = long.groupby("line", sort=False)[["instrument", "unit"]].nunique()
    mixed = kinds.index[(kinds > 1).any(axis=1)].tolist()
    if not mixed:
        return long
    if not split:
        line = mixed[0]
        mine = long[long["line"] == line]
        found = sorted(set(zip(mine["instrument"], mine["unit"], strict=True)))
        raise DataError(
            f"The line {line!r} mixes {len(found)} instruments or units: "
            f"{'; '.join(f'{i} ({u})' for i, u in found)}. Two instruments on one line "
            "would read as one series changing over time. Give each instrument its own line "
            f"(a mapping line -> codes of one instrument), or pass split=True to {owner} to "
            "draw one line per instrument, each named after it.")
    out = long.copy()
    many = out["line"].isin(mixed)
    out.loc[many, "line"] = (out.loc[many, "line"] + " [" + out.loc[many, "instrument"]
                             + ", " + out.loc[many, "unit"] + "]")
    return out


def panel(long: pd.DataFrame, *, split: bool = False) -> pd.DataFrame:
    """The lines of :func:`series` as a panel indexed by (source, year), one column per line.

    Parameters
    ----------
    long : pandas.DataFrame
        The output of :func:`series`.
    split : bool, default False
        A line mixing instruments or units is refused; with ``True`` it becomes one
        column per instrument, named ``"line [instrument, unit]"``.

    Returns
    -------
    pandas.DataFrame
        Index (``source``, ``year``), every (source, year) of any line; NaN where a
        line has no value. Ready for :func:`spindex.score_panel` and
        :func:`spindex.panel.trends`.

    Raises
    ------
    DataError
        If a line mixes instruments or units and ``split`` is False, or if a line has
        two values for one source and year (two codes of one instrument overlapping).
    SpindexTypeError
        For arguments of the wrong type.

    Examples
    --------
    >>> from spindex.softpower.over_time import panel, series
    >>> p = panel(series({"aid": ["aid_gcdf3_commit_oda_amount"]}))
    >>> round(float(p.loc[("CHN", 2009), "aid"]), 1)
    2355.4
    >>> mixed = series({"aid": ["aid_gcdf3_commit_oda_amount", "aid_gcdf3_commit_all_amount"]})
    >>> panel(mixed, split=True).columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['aid [commitment, ODA-like; sum over listed members, USD million (constant 2021)]',
     'aid [commitment, all official flows; sum over listed members, USD million (constant 2021)]']
    """
    long = _one_value_per_year(_check_split(_kinds(long, "panel"), split, "panel"))
    lines = list(dict.fromkeys(long["line"]))
    wide = long.pivot(index=["source", "year"], columns="line", values="value")
    wide = wide.reindex(columns=lines).astype(float)
    wide.columns.name = None
    return wide.sort_index()


def trend_table(long: pd.DataFrame, *, split: bool = False) -> pd.DataFrame:
    """Trend of every source's line: first and last value, OLS slope per year and CAGR.

    Parameters
    ----------
    long : pandas.DataFrame
        The output of :func:`series`.
    split : bool, default False
        As for :func:`panel`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``line``, ``source``): ``instrument``, ``unit``, ``start``, ``end``
        (first and last year with a value), ``n_obs``, ``first`` and ``last`` (the values
        in those years), ``slope`` (change per year, ordinary least squares over the
        observed years) and ``cagr`` (compound growth rate between first and last value;
        NaN, with a ``note``, when the first value is not positive), as computed by
        :func:`spindex.panel.trends`.

    Raises
    ------
    DataError
        As for :func:`panel`, or if the table has no value.
    SpindexTypeError
        For arguments of the wrong type.

    Examples
    --------
    >>> from spindex.softpower.over_time import series, trend_table
    >>> t = trend_table(series("aid_gcdf3_commit_oda_amount"))
    >>> t[["start", "end", "n_obs"]].iloc[0].tolist()
    [2000, 2021, 22]
    """
    long = _check_split(_kinds(long, "trend_table"), split, "trend_table")
    if long.empty:
        raise DataError("The table given to trend_table has no value to follow; check the "
                        "codes, target and sources given to series.")
    wide = panel(long)
    slope = trends(wide, method="slope").rename_axis(["source", "line"])
    cagr = trends(wide, method="cagr").rename_axis(["source", "line"])
    table = slope[["start", "end", "n_obs", "slope"]].join(cagr[["cagr", "note"]])
    table = table[table["n_obs"] > 0].swaplevel().sort_index()
    kinds = long.groupby(["line", "source"])[["instrument", "unit"]].first()
    ends = long.sort_values("year").groupby(["line", "source"])["value"].agg(["first", "last"])
    out = kinds.join(table, how="inner").join(ends)
    out["start"] = out["start"].astype(int)
    out["end"] = out["end"].astype(int)
    return out[["instrument", "unit", "start", "end", "n_obs", "first", "last", "slope",
                "cagr", "note"]]


def _source_colour(source: str) -> str:
    """The source's colour in every figure of the session (spindex.plot.palette)."""
    from spindex import plot

    units = plot.palette()["units"]
    if source not in units:
        # The next colour of the default unit scheme that no unit has yet, as the
        # library's own figures hand them out.
        used = set(units.values())
        free = [c for c in plot.OKABE_ITO if c not in used]
        scheme = plot.OKABE_ITO
        units = plot.palette({source: free[0] if free else scheme[len(units) % len(scheme)]})[
            "units"]
    return units[source]


_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_DASHES = ("-", "--", ":", "-.")


def _one_value_per_year(long: pd.DataFrame) -> pd.DataFrame:
    """Refuse a line with two values for one source and year (two codes that overlap)."""
    doubled = long.duplicated(["line", "source", "year"], keep=False)
    if doubled.any():
        first = long[doubled].iloc[0]
        raise DataError(
            f"The line {first['line']!r} has {int(doubled.sum())} values for the same source "
            f"and year (e.g. {first['source']} {first['year']}): two codes of one line "
            "overlap. Give each code its own line.")
    return long


def plot_series(
    long: pd.DataFrame,
    *,
    split: bool = False,
    title: str | None = None,
    log: bool = False,
    names: Mapping[str, str] | None = None,
) -> Figure:
    """One line per source and line of :func:`series`, instruments told apart.

    Each source has its colour; each line (so each instrument) its marker and dash, and
    the legend names the source, the line and its instrument (in its title when every
    line of the axes has the same). A year without a value breaks a line. Lines of different units
    get their own axes side by side.

    Parameters
    ----------
    long : pandas.DataFrame
        The output of :func:`series`.
    split : bool, default False
        As for :func:`panel`: a line mixing instruments is refused unless ``True``.
    title : str, optional
        The figure's title (default: one naming the lines).
    log : bool, default False
        Logarithmic value axis (zeros are then not drawn).
    names : mapping, optional
        Display names of the sources (ISO3 -> name).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DataError
        As for :func:`panel`, or if the table has no value.
    SpindexTypeError
        For arguments of the wrong type.

    Examples
    --------
    >>> from spindex.softpower.over_time import plot_series, series
    >>> fig = plot_series(series({"ODA-like": "aid_gcdf3_commit_oda_amount",
    ...                           "all flows": "aid_gcdf3_commit_all_amount"}))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['CHN, ODA-like: commitment, ODA-like; sum over listed members',
     'CHN, all flows: commitment, all official flows; sum over listed members']
    """
    long = _one_value_per_year(_check_split(_kinds(long, "plot_series"), split, "plot_series"))
    if long.empty:
        raise DataError("The table given to plot_series has no value to draw; check the "
                        "codes, target and sources given to series.")
    if not isinstance(log, bool):
        raise SpindexTypeError(f"The 'log' parameter of plot_series must be True or False. "
                               f"Got {log!r} instead.")
    if title is not None and not isinstance(title, str):
        raise SpindexTypeError(f"The 'title' parameter of plot_series must be a string. Got "
                               f"{type(title).__name__} instead.")
    if names is not None and not isinstance(names, Mapping):
        raise SpindexTypeError(
            "The 'names' parameter of plot_series must map source codes to names, e.g. "
            f"{{'CHN': 'China'}}. Got {type(names).__name__} instead.")
    import matplotlib.pyplot as plt

    names = dict(names or {})
    units = list(dict.fromkeys(long["unit"]))
    fig, axes = plt.subplots(1, len(units), figsize=(6.4 * len(units) + 2.6, 4.4),
                             squeeze=False, layout="constrained")
    lines = list(dict.fromkeys(long["line"]))
    for ax, unit in zip(axes[0], units, strict=True):
        part = long[long["unit"] == unit]
        shared = part["instrument"].nunique() == 1
        for (line, source), rows in part.groupby(["line", "source"], sort=False):
            # Every year of the line's span, so a year without a value breaks the line
            # instead of being bridged.
            rows = rows.set_index("year").sort_index()
            span = np.arange(int(rows.index.min()), int(rows.index.max()) + 1)
            values = rows["value"].reindex(span).to_numpy(dtype=float)
            if log:
                values = np.where(values > 0, values, np.nan)
            k = lines.index(line)
            label = f"{names.get(source, source)}, {line}"
            if not shared:
                label += f": {rows['instrument'].iloc[0]}"
            ax.plot(span, values, color=_source_colour(str(source)),
                    marker=_MARKERS[k % len(_MARKERS)], markersize=4,
                    linestyle=_DASHES[k % len(_DASHES)], linewidth=1.6, label=label)
        if log:
            ax.set_yscale("log")
        ax.set_ylabel(unit)
        ax.set_xlabel("year")
        ax.grid(color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="x-small",
                           title=f"instrument: {part['instrument'].iloc[0]}" if shared
                           else "source, line: instrument", title_fontsize="x-small")
        legend._legend_box.align = "left"
    fig.suptitle(title if title is not None else ", ".join(lines) + " over time", fontsize=11)
    return fig
