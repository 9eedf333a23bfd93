"""Figures of the decision analyses: SMAA rank acceptability and pairwise dominance."""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spindex.analysis.dominance import DominanceResult
from spindex.analysis.smaa import SMAAResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from spindex.plot._common import (
    _BLUE,
    _LIGHT,
    _VERMILLION,
    _axes,
    _check,
    _check_labels,
    _choice,
    _code_label,
    _colour,
    _dash,
    _figure_of,
    _framework_arg,
    _rank_ticks,
    _set_title,
    _top,
    _unit_colour,
    _unit_label,
    _unit_names_arg,
    _unit_ticks,
)


def smaa(
    result: SMAAResult,
    *,
    top: int | None = None,
    sort: str = "nominal",
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
    framework: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """SMAA rank acceptability: for each unit, the share of weightings giving each rank.

    Each unit's bar is stacked from rank 1 (dark, at the bottom) to the last rank (yellow),
    each segment the rank acceptability index ``b_i^r`` (Lahdelma and Salminen, 2001); a
    bar of one colour is a rank that no weighting changes.

    Parameters
    ----------
    result : SMAAResult
        The result of :func:`spindex.smaa`.
    top : int, optional
        Show only the first ``top`` units of the order.
    sort : {"nominal", "holistic"}, default "nominal"
        Order units by nominal rank or by holistic acceptability.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).
    framework : Framework, CompositeIndex or IndexResult, optional
        Where the nodes' names come from (the analysis keeps only codes); without it the
        codes are shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    References
    ----------
    Lahdelma, R. and Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability
    analysis for group decision making. Operations Research 49(3), 444-454.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> sm = sp.smaa(sp.CompositeIndex(fw), sp.datasets.load("asem"), n=1000, seed=0)
    >>> plot.smaa(sm, top=10).get_ylabel()
    'rank acceptability'
    """
    sm = _check(result, SMAAResult, "smaa", "an SMAAResult (spindex.smaa(...))")
    top = _top(top, "smaa")
    sort = _choice(sort, ("nominal", "holistic"), "sort", "smaa")
    labels = _check_labels(labels, "smaa")
    names = _unit_names_arg(unit_names, "smaa")
    fw = _framework_arg(framework, "smaa")
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import BoundaryNorm

    b = sm.rank_acceptability
    if sort == "nominal":
        order = sm.nominal["rank"].sort_values(kind="stable").index
    else:
        order = sm.holistic_acceptability.sort_values(ascending=False, kind="stable").index
    units = list(order[:top] if top else order)
    m = b.shape[1]
    n = len(units)
    ax = _axes(ax, (max(6.0, 0.2 * n + 2.8), 4.8))
    cmap = colormaps["viridis"]
    # Ranks are discrete: one colour per rank, a colour bar of m bands with whole ticks.
    cmap = cmap.resampled(max(m, 2))
    norm = BoundaryNorm(np.arange(0.5, max(m, 2) + 1.0), cmap.N)
    from matplotlib.collections import PolyCollection

    # One collection of rectangles rather than a bar call per rank: n x m patches draw slowly.
    shares = b.loc[units].to_numpy(dtype=float)
    top_edge = np.cumsum(shares, axis=1)
    unit_i, rank_i = np.nonzero(shares > 0)
    lo, hi = top_edge[unit_i, rank_i] - shares[unit_i, rank_i], top_edge[unit_i, rank_i]
    left, right = unit_i - 0.425, unit_i + 0.425
    verts = np.stack([np.column_stack([left, lo]), np.column_stack([right, lo]),
                      np.column_stack([right, hi]), np.column_stack([left, hi])], axis=1)
    ranks = b.columns.to_numpy(dtype=float)[rank_i]
    ax.add_collection(PolyCollection(list(verts), facecolors=cmap(norm(ranks)),
                                     linewidths=0))
    _unit_ticks(ax, [_unit_label(u, labels, names) for u in units])
    ax.set_ylim(0, 1.0)
    ax.set_ylabel("rank acceptability")
    colorbar = _figure_of(ax).colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    colorbar.set_label("rank (1 = best)")
    _rank_ticks(colorbar.ax.yaxis, m)
    colorbar.ax.invert_yaxis()
    if len(sm.varying) <= 4:
        varying = ", ".join(_code_label(fw, v, labels, 200) for v in sm.varying)
    else:
        varying = f"{len(sm.varying)} nodes"
    _set_title(ax, title, f"SMAA rank acceptability\n({sm.n:,} draws of the weights of "
               f"{varying})", fontsize=11)
    return ax



def dominance(
    result: DominanceResult,
    *,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
    framework: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """How the score gap of two units changes as one weight moves, and where it flips.

    For each node of the varying group the horizontal axis is that node's share of its
    group, its siblings keeping their nominal proportions (so every line passes through the
    nominal weights); the vertical axis is the index score of ``a`` minus that of ``b``.
    Above zero ``a`` leads; crosses mark the flips. With two nodes the single line is drawn
    against the first node's share and the regions where each unit leads are shaded.

    For a non-linear model (:attr:`DominanceResult.linear` false) the gap along a path is not
    a line: only the computed points (the nominal weights, the vertices and the located
    flips) are drawn.

    Parameters
    ----------
    result : DominanceResult
        The result of :func:`spindex.dominance`.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).
    framework : Framework, CompositeIndex or IndexResult, optional
        Where the nodes' names come from (the analysis keeps only codes); without it the
        codes are shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_dict({"code": "Index",
    ...                              "children": [{"code": "Aid"}, {"code": "Opinion"}]})
    >>> data = pd.DataFrame({"Aid": [80.0, 40.0], "Opinion": [30.0, 60.0]},
    ...                     index=["China", "Japan"])
    >>> dom = sp.dominance(sp.CompositeIndex(fw, normalize="none"), data, "Japan", "China")
    >>> plot.dominance(dom).get_xlabel()
    'share of Aid in the weight of Aid + Opinion'
    """
    dom = _check(result, DominanceResult, "dominance",
                 "a DominanceResult (spindex.dominance(...))")
    labels = _check_labels(labels, "dominance")
    names = _unit_names_arg(unit_names, "dominance")
    fw = _framework_arg(framework, "dominance")
    th = dom.thresholds
    ax = _axes(ax, (7.5, 4.6))
    a, b = _unit_label(dom.a, labels, names), _unit_label(dom.b, labels, names)
    colour_a, colour_b = _unit_colour(dom.a), _unit_colour(dom.b)
    flip_label: str | None = "flip (the lead changes)"
    t = np.linspace(0.0, 1.0, 201)
    free = [g for g in dom.groups if len(g) > 1]
    pair = len(free) == 1 and len(free[0]) == 2
    codes = [free[0][0]] if pair else [c for g in free for c in g]
    for i, code in enumerate(codes):
        w0 = float(th.loc[code, "nominal"])
        d = float(th.loc[code, "vertex_gap"])
        colour = _BLUE if pair else _colour(i)
        label = None if pair else _code_label(fw, code, labels, 30)
        if dom.linear:
            if pair:
                q = free[0][1]
                gap = t * d + (1.0 - t) * float(th.loc[q, "vertex_gap"])
            elif w0 < 1.0:
                gap = dom.nominal_gap + (t - w0) / (1.0 - w0) * (d - dom.nominal_gap)
            else:
                gap = np.full_like(t, np.nan)
            ax.plot(t, gap, color=colour, linestyle=_dash(i), linewidth=2, label=label)
            if pair:
                ax.fill_between(t, gap, 0, where=gap >= 0, color=colour_a, alpha=0.18,
                                label=f"{a} leads", interpolate=True)
                ax.fill_between(t, gap, 0, where=gap < 0, color=colour_b, alpha=0.18,
                                label=f"{b} leads", interpolate=True)
        else:
            ax.plot([w0, 1.0], [dom.nominal_gap, d], linestyle="none", marker="s",
                    color=colour, label=label)
        ax.plot([w0], [dom.nominal_gap], marker="o", color="black", markersize=6, zorder=4)
        flip = th.loc[code, "flip_at"]
        if pd.notna(flip):
            ax.plot([float(flip)], [0.0], marker="X", color=_VERMILLION if not pair else "black",
                    markersize=9, zorder=5, linestyle="none", label=flip_label)
            flip_label = None
            if pair:
                ax.annotate(f"flip at {float(flip):.3g}", (float(flip), 0.0),
                            textcoords="offset points", xytext=(6, 8), fontsize=8)
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.plot([], [], marker="o", color="black", linestyle="none", label="nominal weights")
    # Which side is whose goes in the axis label: text at the zero line ran over the lines.
    ahead = "" if pair else f"\n(above 0: {a} ahead; below: {b} ahead)"
    if pair:
        p, q = free[0]
        p_, q_ = _code_label(fw, p, labels, 200), _code_label(fw, q, labels, 200)
        ax.set_xlabel(f"share of {p_} in the weight of {p_} + {q_}")
    else:
        ax.set_xlabel("share of the node in its group (siblings in nominal proportions)")
    if not dom.linear:
        ax.set_xlabel(ax.get_xlabel() + "\nnon-linear model: computed points only "
                      "(squares: vertices)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylabel(textwrap.fill(f"{_code_label(fw, dom.root, labels, 200)} score of {a} "
                                f"minus {b}", 50) + ahead)
    how = "exact" if dom.method == "exact" else f"Monte Carlo, n = {dom.n:,}"
    _set_title(ax, title, f"{a} vs {b}\n{a} scores at least as high on {dom.share:.1%} of the "
                 f"weights ({how})", fontsize=11)
    ax.grid(color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    # Outside the axes: the lines run over every corner of the plot.
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
