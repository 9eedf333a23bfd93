"""Figures of panels: score and rank trends, a bump chart, per-period vs pooled normalisation."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spindex.errors import ParameterError
from spindex.panel import PanelResult
from spindex.plot._common import (
    _LIGHT,
    _axes,
    _check,
    _check_labels,
    _new_figure,
    _node_label,
    _rank_ticks,
    _set_title,
    _top,
    _unit_colour,
    _unit_label,
    _unit_names_arg,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _node_arg(panel: PanelResult, node: str | None, caller: str) -> str:
    fw = panel.framework
    code = fw.root if node is None else node
    if code not in fw.codes:
        raise ParameterError(
            f"The 'node' parameter of spindex.plot.{caller} must be a node of the framework "
            f"(e.g. {fw.root!r}). Got {node!r} instead."
        )
    return str(code)


def _units_arg(table: pd.DataFrame, units: Sequence[Hashable] | None, default: int,
               caller: str) -> list[Any]:
    """The chosen units, or the best ``default`` by their score in the last period."""
    if units is None:
        last = table.iloc[:, -1].dropna().sort_values(ascending=False, kind="stable")
        return list(last.index[:default])
    if isinstance(units, (str, bytes)) or not isinstance(units, Sequence):
        units = [units]
    chosen = list(units)
    unknown = [u for u in chosen if u not in table.index]
    if unknown or not chosen:
        known = ", ".join(map(str, list(table.index[:8])))
        raise ParameterError(
            f"spindex.plot.{caller}: {unknown or 'no units'} given; choose units of the "
            f"panel ({known}, ...)."
        )
    return chosen


def _period_axis(ax: Axes, periods: Sequence[Any]) -> np.ndarray:
    x = np.arange(len(periods), dtype=float)
    ax.set_xticks(x, labels=[str(p) for p in periods], fontsize=8)
    ax.set_xlabel("period")
    ax.set_xlim(-0.3, len(periods) - 0.7 if len(periods) > 1 else 0.3)
    return x


def _lines(ax: Axes, table: pd.DataFrame, units: Sequence[Any], labels: str,
           names: Mapping[Any, str] | None, *, marker: str = "o") -> None:
    x = _period_axis(ax, list(table.columns))
    for unit in units:
        ax.plot(x, table.loc[unit].to_numpy(dtype=float), color=_unit_colour(unit),
                marker=marker, markersize=4, linewidth=1.8,
                label=_unit_label(unit, labels, names, 24))
    ax.grid(color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)


def trends(
    panel: PanelResult,
    units: Sequence[Hashable] | None = None,
    *,
    node: str | None = None,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
) -> Figure:
    """Score and rank of chosen units over the periods of a panel, side by side.

    Parameters
    ----------
    panel : PanelResult
        The result of :func:`spindex.score_panel`.
    units : sequence of hashable, optional
        The units to follow. Default: the best five in the last period.
    node : str, optional
        The node whose score and rank are drawn. Default: the index.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label the node and units with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).

    Returns
    -------
    matplotlib.figure.Figure
        A figure of two axes: the scores (left) and the ranks, 1 at the top (right).

    Raises
    ------
    ParameterError
        For an unknown node or unit.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> panel = sp.score_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"))
    >>> fig = plot.trends(panel, ["CHN", "JPN"])
    >>> [a.get_ylabel() for a in fig.axes]
    ['Sustainable Connectivity score', 'rank (1 = best)']
    """
    res = _check(panel, PanelResult, "trends", "a PanelResult (spindex.score_panel(...))")
    labels = _check_labels(labels, "trends")
    names = _unit_names_arg(unit_names, "trends")
    code = _node_arg(res, node, "trends")
    scores = res.period_scores(code)
    ranks = res.period_ranks(code)
    chosen = _units_arg(scores, units, 5, "trends")
    fig = _new_figure((10.0, 4.2))
    left, right = fig.subplots(1, 2)
    _lines(left, scores, chosen, labels, names)
    name = _node_label(res.framework, code, labels, 200)
    left.set_ylabel(f"{name} score")
    left.set_title("score", fontsize=10, loc="left")
    _lines(right, ranks, chosen, labels, names)
    right.invert_yaxis()
    _rank_ticks(right.yaxis, int(np.nanmax(ranks.loc[chosen].to_numpy(dtype=float))))
    right.set_ylabel("rank (1 = best)")
    right.set_title(f"rank among {len(ranks)} units", fontsize=10, loc="left")
    right.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    default = f"{name}: trends, {res.periods[0]} to {res.periods[-1]}"
    if title != "":
        fig.suptitle(default if title is None else title, fontsize=11)
    return fig


def bump(
    panel: PanelResult,
    units: Sequence[Hashable] | None = None,
    *,
    node: str | None = None,
    top: int | None = 10,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A bump chart: each unit's rank in each period, its name at both ends of its line.

    Parameters
    ----------
    panel : PanelResult
        The result of :func:`spindex.score_panel`.
    units : sequence of hashable, optional
        The units to draw. Default: the best ``top`` in the last period.
    node : str, optional
        The node whose ranks are drawn. Default: the index.
    top : int, optional, default 10
        With ``units`` not given, how many units to draw (``None``: all).
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label the node and units with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ParameterError
        For an unknown node or unit, or a ``top`` that is not a positive integer.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> panel = sp.score_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"))
    >>> plot.bump(panel, top=5).get_ylabel()
    'rank (1 = best)'
    """
    res = _check(panel, PanelResult, "bump", "a PanelResult (spindex.score_panel(...))")
    labels = _check_labels(labels, "bump")
    names = _unit_names_arg(unit_names, "bump")
    code = _node_arg(res, node, "bump")
    top = _top(top, "bump")
    ranks = res.period_ranks(code)
    scores = res.period_scores(code)
    chosen = _units_arg(scores, units, top or len(scores), "bump")
    ax = _axes(ax, (8.5, max(3.5, 0.32 * len(chosen) + 1.6)))
    _lines(ax, ranks, chosen, labels, names)
    x = np.arange(len(res.periods), dtype=float)
    # The unit's name at both ends of its line, so that no legend is needed.
    for unit in chosen:
        r = ranks.loc[unit].to_numpy(dtype=float)
        seen = np.flatnonzero(np.isfinite(r))
        if not len(seen):
            continue
        text = _unit_label(unit, labels, names)
        colour = _unit_colour(unit)
        ax.annotate(text, (x[seen[0]], r[seen[0]]), xytext=(-8, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=8, color=colour)
        ax.annotate(text, (x[seen[-1]], r[seen[-1]]), xytext=(8, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=8,
                    color=colour)
    # Room on both sides for the names.
    ax.set_xlim(-1.0, len(res.periods))
    ax.invert_yaxis()
    _rank_ticks(ax.yaxis, int(np.nanmax(ranks.loc[chosen].to_numpy(dtype=float))))
    ax.set_ylabel("rank (1 = best)")
    name = _node_label(res.framework, code, labels, 200)
    _set_title(ax, title, f"{name}: ranks by period")
    return ax


def normalisation(
    per_period: PanelResult,
    pooled: PanelResult,
    units: Sequence[Hashable] | None = None,
    *,
    node: str | None = None,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
) -> Figure:
    """The same units' scores with per-period and with pooled normalisation, side by side.

    With per-period normalisation a score says where a unit stands among the units of that
    period; pooled over all periods it also moves when the unit itself improves. The two can
    tell different stories (a unit "falling" within its period while rising in absolute
    terms): the panels share their vertical scale so that the difference shows.

    Parameters
    ----------
    per_period, pooled : PanelResult
        ``sp.score_panel(model, data)`` and ``sp.score_panel(model, data,
        normalize_across="pooled")`` of the same model and data.
    units : sequence of hashable, optional
        The units to follow. Default: the best five in the last period (per period).
    node : str, optional
        The node whose score is drawn. Default: the index.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label the node and units with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).

    Returns
    -------
    matplotlib.figure.Figure
        A figure of two axes: per period (left), pooled (right).

    Raises
    ------
    ParameterError
        If the two panels are normalised the same way or have other periods, or for an
        unknown node or unit.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> model, data = sp.CompositeIndex(fw), sp.datasets.load_panel("asem")
    >>> fig = plot.normalisation(sp.score_panel(model, data),
    ...                          sp.score_panel(model, data, normalize_across="pooled"),
    ...                          ["CHN", "JPN"])
    >>> [a.get_title(loc="left") for a in fig.axes]
    ['normalised within each period', 'normalised on all periods pooled']
    """
    a = _check(per_period, PanelResult, "normalisation", "a PanelResult (per period)")
    b = _check(pooled, PanelResult, "normalisation", "a PanelResult (pooled)")
    if (a.normalize_across, b.normalize_across) != ("period", "pooled"):
        raise ParameterError(
            "spindex.plot.normalisation compares a panel normalised per period with one "
            "normalised on all periods pooled; got normalize_across="
            f"{a.normalize_across!r} and {b.normalize_across!r}. Pass score_panel(model, "
            "data) first and score_panel(model, data, normalize_across='pooled') second."
        )
    if tuple(a.periods) != tuple(b.periods):
        raise ParameterError(
            "spindex.plot.normalisation needs two panels of the same periods; got "
            f"{list(a.periods)} and {list(b.periods)}."
        )
    labels = _check_labels(labels, "normalisation")
    names = _unit_names_arg(unit_names, "normalisation")
    code = _node_arg(a, node, "normalisation")
    left_t, right_t = a.period_scores(code), b.period_scores(code)
    chosen = _units_arg(left_t, units, 5, "normalisation")
    fig = _new_figure((10.0, 4.2))
    left, right = fig.subplots(1, 2, sharey=True)
    _lines(left, left_t, chosen, labels, names)
    _lines(right, right_t, chosen, labels, names)
    name = _node_label(a.framework, code, labels, 200)
    left.set_ylabel(f"{name} score")
    left.set_title("normalised within each period", fontsize=10, loc="left")
    right.set_title("normalised on all periods pooled", fontsize=10, loc="left")
    right.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    default = f"{name}: per-period vs pooled normalisation"
    if title != "":
        fig.suptitle(default if title is None else title, fontsize=11)
    return fig

