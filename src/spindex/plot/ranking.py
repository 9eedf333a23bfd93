"""Figures of one scored index: the ranking with its contributions and the radar."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from spindex.errors import ParameterError
from spindex.result import IndexResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.projections.polar import PolarAxes

from spindex.plot._common import (
    _GREY,
    _LIGHT,
    _axes,
    _check,
    _check_labels,
    _dash,
    _default_level,
    _groups,
    _hatch,
    _level_name,
    _lighten,
    _node_colour_of,
    _node_label,
    _set_title,
    _top,
    _unit_colour,
    _unit_label,
    _unit_names_arg,
    _unit_ticks,
)


def ranking(
    result: IndexResult,
    *,
    level: int | str | None = None,
    top: int | None = None,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Units ranked by index score, each bar split into its nodes' contributions.

    The bar of a unit ends at its index score; its segments are the parts of that score
    contributed by the nodes of ``level`` (:meth:`IndexResult.contributions`), so a long
    segment shows where a unit's score comes from. Negative contributions (after a z-score
    normalisation, say) are stacked to the left of zero.

    Parameters
    ----------
    result : IndexResult
        The scored model (``model.score(data)``).
    level : int or str, optional
        Level of the nodes whose contributions are stacked. Default: the pillars (level 2
        when the framework has three levels or more, else the indicators).
    top : int, optional
        Show only the best ``top`` units.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes with their names from the framework (wrapped, never cut) and units
        with their names (``unit_names`` or :func:`spindex.plot.naming`), or with codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (e.g. ``data["uName"]``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; by default a new figure whose height grows with the units.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    MethodError
        If contributions are not defined for the model (a Copeland aggregate).
    MissingDependencyError
        If matplotlib is not installed.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> ax = plot.ranking(res, top=5)
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['1  DEU', '2  GBR']
    """
    res = _check(result, IndexResult, "ranking", "an IndexResult (model.score(data))")
    top = _top(top, "ranking")
    labels = _check_labels(labels, "ranking")
    names = _unit_names_arg(unit_names, "ranking")
    fw = res.framework
    lv = _default_level(fw) if level is None else level
    parts = res.contributions(lv)
    index = res.index.dropna().sort_values(ascending=False, kind="stable")
    units = index.index[:top] if top else index.index
    ranks = res.ranks[fw.root]
    n = len(units)
    ax = _axes(ax, (8.0, max(3.0, 0.24 * n + 1.4)))
    y = np.arange(n)
    right = np.zeros(n)
    left = np.zeros(n)
    # Many nodes (indicators, say) take their pillar's colour, alternately lightened, and the
    # legend names the pillars: a legend of fifty entries would fill the figure.
    pillars = fw.level(_default_level(fw))
    by_pillar = len(parts.columns) > 12 and not set(parts.columns) <= set(pillars)
    groups = _groups(fw) if by_pillar else {}
    seen: dict[int, int] = {}
    for j, code in enumerate(parts.columns):
        values = np.nan_to_num(parts.loc[units, code].to_numpy(dtype=float))
        g = groups.get(code, j) if by_pillar else j
        k = seen.get(g, 0)
        seen[g] = k + 1
        if by_pillar:
            base = _node_colour_of(fw, pillars[g]) if code in groups else _LIGHT
            colour: Any = _lighten(base, 0.4 * (k % 2)) if code in groups else _LIGHT
            label = ((_node_label(fw, pillars[g], labels, 30) if code in groups else "other")
                     if k == 0 else None)
        else:
            colour, label = _node_colour_of(fw, code), _node_label(fw, code, labels, 30)
        style = {"color": colour, "hatch": _hatch(g), "edgecolor": "white",
                 "linewidth": 0.4, "height": 0.78}
        pos = np.clip(values, 0.0, None)
        neg = np.clip(values, None, 0.0)
        ax.barh(y, pos, left=right, label=label, **style)
        if neg.any():
            ax.barh(y, neg, left=left, **style)
        right += pos
        left += neg
    if left.any():
        ax.axvline(0.0, color="black", linewidth=0.8)
    ticks = [f"{ranks[u]}  {_unit_label(u, labels, names)}" for u in units]
    _unit_ticks(ax, ticks, axis="y")
    ax.set_ylim(n - 0.5, -0.5)
    level_no = fw.node(parts.columns[0]).level
    level_name = _level_name(fw, level_no)
    root = _node_label(fw, fw.root, labels, 200)
    unit = fw.node(fw.root).attrs.get("unit")
    scale = str(unit) if unit else "score"
    ax.set_xlabel(f"{root} ({scale}), split into the contributions of its {level_name}")
    _set_title(ax, title, f"{root}: ranking and contributions")
    ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    entries = len(ax.get_legend_handles_labels()[1])
    if entries <= 16:
        heading = (f"{level_name} of" if by_pillar else f"contribution of the {level_name}")
        # Outside the bars, on the right: inside it would hide the lower units' segments.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", title=heading,
                  title_fontsize="small")
    return ax



def radar(
    result: IndexResult,
    units: Sequence[Hashable] | None = None,
    *,
    level: int | str | None = None,
    reference: bool = True,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
    ax: Axes | None = None,
) -> PolarAxes:
    """A radar chart of chosen units' scores across the nodes of one level.

    Parameters
    ----------
    result : IndexResult
        The scored model.
    units : sequence of hashable, optional
        The units to compare (labels of the data's rows). Default: the best three by index.
    level : int or str, optional
        Level of the axes' nodes (at least three of them). Default: the pillars.
    reference : bool, default True
        Also draw the median over all units, dashed.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes with their names from the framework (wrapped, never cut) and units
        with their names (``unit_names`` or :func:`spindex.plot.naming`), or with codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (e.g. ``data["uName"]``).
    ax : matplotlib.projections.polar.PolarAxes, optional
        Polar axes to draw on (``fig.add_subplot(projection="polar")``).

    Returns
    -------
    matplotlib.projections.polar.PolarAxes
        The polar axes drawn on.

    Raises
    ------
    ParameterError
        For an unknown unit, a level with fewer than three nodes, or axes that are not
        polar.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> ax = plot.radar(res, ["DEU", "CHN"])
    >>> [line.get_label() for line in ax.get_lines()]
    ['DEU', 'CHN', 'median of 51 units']
    """
    res = _check(result, IndexResult, "radar", "an IndexResult (model.score(data))")
    labels = _check_labels(labels, "radar")
    names = _unit_names_arg(unit_names, "radar")
    fw = res.framework
    lv = _default_level(fw) if level is None else level
    codes = list(fw.level(lv))
    if len(codes) < 3:
        raise ParameterError(
            f"A radar chart needs at least three axes, but level {lv!r} has {len(codes)} "
            f"node(s) ({', '.join(codes)}). Choose a level with more nodes (1 = indicators)."
        )
    scores = res.scores
    if units is None:
        chosen = list(res.index.dropna().sort_values(ascending=False, kind="stable").index[:3])
    else:
        if isinstance(units, (str, bytes)) or not isinstance(units, Sequence):
            units = [units]
        chosen = list(units)
        unknown = [u for u in chosen if u not in scores.index]
        if unknown:
            known = ", ".join(map(str, list(scores.index[:8])))
            raise ParameterError(
                f"spindex.plot.radar: {unknown} are not units of the result (units: {known}, "
                "...)."
            )
        if not chosen:
            raise ParameterError("spindex.plot.radar needs at least one unit to draw.")
    if ax is not None and getattr(ax, "name", None) != "polar":
        raise ParameterError(
            "spindex.plot.radar draws on polar axes: pass ax=fig.add_subplot(projection='polar')."
        )
    pax: PolarAxes = _axes(ax, (7.0, 6.2), polar=True)  # type: ignore[assignment]
    angles = np.linspace(0.0, 2.0 * np.pi, len(codes), endpoint=False)
    closed = np.r_[angles, angles[:1]]
    values = scores.loc[chosen, codes].to_numpy(dtype=float)
    all_values = scores[codes].to_numpy(dtype=float)
    for i, unit in enumerate(chosen):
        v = np.r_[values[i], values[i, :1]]
        colour = _unit_colour(unit)
        pax.plot(closed, v, color=colour, linestyle=_dash(i), linewidth=2,
                 label=_unit_label(unit, labels, names, 30))
        pax.fill(closed, np.nan_to_num(v), color=colour, alpha=0.12)
    if reference:
        median = np.nanmedian(all_values, axis=0)
        pax.plot(closed, np.r_[median, median[:1]], color=_GREY, linestyle="--", linewidth=1.2,
                 label=f"median of {len(scores)} units")
    pax.set_theta_offset(np.pi / 2)
    pax.set_theta_direction(-1)
    pax.set_xticks(angles, labels=[])
    low = float(min(0.0, np.nanmin(all_values)))
    high = float(np.nanmax(all_values))
    top_r = high + 0.05 * (high - low)
    pax.set_ylim(low, top_r)
    # The node names sit outside the ring, anchored away from it (left of the axis on the
    # left half, right on the right), so that no label runs over the outer circle.
    for angle, code in zip(angles, codes, strict=True):
        x = np.sin(angle)
        ha = "center" if abs(x) < 0.15 else ("left" if x > 0 else "right")
        va = "bottom" if np.cos(angle) > 0.5 else ("top" if np.cos(angle) < -0.5 else "center")
        pax.text(angle, top_r + 0.1 * (top_r - low), _node_label(fw, code, labels, 18),
                 ha=ha, va=va, fontsize=8)
    # Radial labels at mid-angle between two axes, on a white box, so that none is clipped
    # by a spoke or by the ring.
    pax.set_rlabel_position(float(np.degrees(np.pi / len(codes))))
    pax.tick_params(axis="y", labelsize=7, colors="#555555")
    for label in pax.get_yticklabels():
        label.set_bbox({"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
    unit = fw.node(codes[0]).attrs.get("unit")
    level_name = _level_name(fw, fw.node(codes[0]).level)
    scale = f" ({unit})" if unit and str(unit).lower() != "score" else ""
    # Room above the ring for the wrapped name of the top axis.
    lines = _node_label(fw, codes[0], labels, 18).count("\n") + 1
    _set_title(pax, title, f"Scores of the {level_name}{scale}", pad=22 + 12 * lines)
    pax.legend(loc="upper left", bbox_to_anchor=(1.12, 1.06), fontsize="small")
    return pax
