"""Figures of the framework and the data: the tree, coverage, distributions, correlations."""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spindex.analysis import correlation as _correlation
from spindex.analysis.correlation import Correlations
from spindex.errors import ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.result import IndexResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from spindex.plot._common import (
    _BLUE,
    _GREY,
    _LIGHT,
    _VERMILLION,
    _axes,
    _check,
    _check_labels,
    _choice,
    _code_label,
    _dark,
    _default_level,
    _figure_of,
    _framework_arg,
    _groups,
    _leaf_order,
    _lighten,
    _new_figure,
    _node_colour_of,
    _node_label,
    _safe,
    _set_title,
    _unit_label,
    _unit_names_arg,
)


def framework(
    framework: Framework | CompositeIndex | IndexResult,
    *,
    kind: str = "tree",
    title: str | None = None,
    labels: str = "names",
    ax: Axes | None = None,
) -> Axes:
    """The indicator tree with its weights.

    Parameters
    ----------
    framework : Framework, CompositeIndex or IndexResult
        The framework (or a model or result, whose framework is drawn).
    kind : {"tree", "sunburst"}, default "tree"
        ``"tree"``: the index on the left, indicators on the right, each node labelled with
        its weight normalised among its siblings (``(-)`` marks indicators where less is
        better). ``"sunburst"``: rings from the index outwards, each node's angle its
        effective weight (its share of the index), so zero-weight nodes vanish.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Notes
    -----
    Nodes are coloured by their pillar (their ancestor at level 2, in three-level or deeper
    frameworks), with the colours :func:`ranking` gives the pillars.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> plot.framework(fw).get_title()
    'Sustainable Connectivity: framework (60 nodes, normalised weights)'
    """
    if isinstance(framework, (CompositeIndex, IndexResult)):
        framework = framework.framework
    fw = _check(framework, Framework, "framework", "a Framework, CompositeIndex or IndexResult")
    kind = _choice(kind, ("tree", "sunburst"), "kind", "framework")
    labels = _check_labels(labels, "framework")
    groups = _groups(fw)
    if kind == "tree":
        return _tree(fw, groups, ax, title, labels)
    return _sunburst(fw, groups, ax, title, labels)


def _pillar_colour(fw: Framework, groups: dict[str, int], code: str) -> str:
    """The colour of the node's pillar (the registry's, see :func:`palette`)."""
    if code not in groups:
        return "#444444"
    return _node_colour_of(fw, fw.level(_default_level(fw))[groups[code]])



def _fit_labels_right(ax: Axes, right: float) -> None:
    """Widen the x range so that the longest leaf label ends inside the axes, not past the
    figure's edge (a label is fixed in points, so its extent in data units depends on the
    range: two passes converge to within a few pixels)."""
    # get_window_extent() without a renderer asks the figure for one: this works on any
    # canvas, including the detached figures the report draws on.
    for _ in range(2):
        ends = [ax.transData.inverted().transform(
                    t.get_window_extent().get_points())[1, 0] for t in ax.texts]
        needed = max(ends, default=right) + 0.05
        if needed <= right:
            return
        right = needed
        ax.set_xlim(ax.get_xlim()[0], right)


def _tree(fw: Framework, groups: dict[str, int], ax: Axes | None, title: str | None,
          labels: str) -> Axes:
    leaves = _leaf_order(fw)
    # A wrapped name above each aggregate takes a few leaves' height: give each leaf the
    # room the longest such label needs, so that neighbouring labels never overlap.
    y: dict[str, float] = {c: float(i) for i, c in enumerate(leaves)}
    for code in fw.aggregates:  # lowest level first, so children come before parents
        y[code] = float(np.mean([y[k] for k in fw.children(code)]))
    per_leaf = 0.2
    for level in range(2, fw.n_levels):
        codes = sorted(fw.level(level), key=lambda c: y[c])
        lines = max(_node_label(fw, c, labels, 22).count("\n") + 1 for c in codes)
        gap = min((y[b] - y[a] for a, b in itertools.pairwise(codes)), default=9.0)
        # A label of k lines (0.15 inch each) plus the node must fit between two nodes.
        per_leaf = max(per_leaf, 0.15 * (lines + 1) / max(gap, 1e-9))
    per_leaf = min(per_leaf, 0.7)
    ax = _axes(ax, (8.5, max(3.0, per_leaf * len(leaves) + 1.2)))
    depth = fw.n_levels - 1
    x = {c: float(depth - (fw.node(c).level - 1)) for c in fw.codes}
    nw = fw.normalized_weights()
    for code in fw.aggregates:
        kids = fw.children(code)
        mid = x[code] + 0.45
        ys = [y[k] for k in kids]
        ax.plot([x[code], mid], [y[code], y[code]], color=_GREY, linewidth=0.8)
        ax.plot([mid, mid], [min(ys), max(ys)], color=_GREY, linewidth=0.8)
        for k in kids:
            ax.plot([mid, x[k]], [y[k], y[k]], color=_GREY, linewidth=0.8)
    small = 8.0 if len(leaves) <= 60 else 6.5
    for code in fw.codes:
        node = fw.node(code)
        colour = _pillar_colour(fw, groups, code)
        ax.plot([x[code]], [y[code]], "o", color=colour, markersize=6 if node.is_indicator else 8,
                markeredgecolor="white", zorder=3)
        weight = "" if code == fw.root else f"  {nw[code]:.3g}"
        if node.is_indicator:
            sign = " (-)" if node.direction < 0 else ""
            ax.text(x[code] + 0.08, y[code], f"{_node_label(fw, code, labels, 200)}{sign}{weight}",
                    va="center", ha="left", fontsize=small)
        else:
            ax.text(x[code], y[code] - 0.35 / (per_leaf / 0.2),
                    f"{_node_label(fw, code, labels, 22)}{weight}",
                    va="bottom", ha="center",
                    fontsize=small + 0.5, fontweight="bold", color="#222222",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.85}, zorder=4)
    ax.set_xlim(-0.5, depth + 1.1)
    ax.set_ylim(len(leaves) - 0.4, -1.2)
    ax.set_axis_off()
    _fit_labels_right(ax, depth + 1.1)
    _set_title(ax, title, f"{_node_label(fw, fw.root, labels, 200)}: framework ({len(fw)} "
               "nodes, normalised weights)")
    return ax



def _sunburst(fw: Framework, groups: dict[str, int], ax: Axes | None, title: str | None,
              labels: str) -> Axes:
    from matplotlib.patches import Wedge

    ax = _axes(ax, (8.0, 8.0))
    eff = fw.effective_weights("all")
    depth_of = {fw.root: 0}
    for code in fw.codes[::-1]:
        for k in fw.children(code):
            depth_of[k] = depth_of[code] + 1
    max_depth = max(depth_of.values())
    start: dict[str, float] = {fw.root: 90.0}
    hidden = 0

    def place(code: str) -> None:
        angle = start[code]
        for k in fw.children(code):
            start[k] = angle
            angle += 360.0 * float(eff[k])
            place(k)

    place(fw.root)
    ax.add_patch(Wedge((0, 0), 1.0, 0, 360, facecolor="#F2F2F2", edgecolor="white"))
    ax.text(0, 0, _node_label(fw, fw.root, labels, 14), ha="center", va="center",
            fontsize=9, fontweight="bold")
    for code in fw.codes:
        if code == fw.root:
            continue
        span = 360.0 * float(eff[code])
        if span <= 0:
            hidden += 1
            continue
        d = depth_of[code]
        node = fw.node(code)
        base = _pillar_colour(fw, groups, code)
        level2 = code in groups and fw.node(code).level >= _default_level(fw)
        colour = base if level2 and not node.is_indicator else _lighten(base, 0.45)
        if code not in groups:
            colour = _lighten("#444444", 0.55)
        theta1 = start[code]
        ax.add_patch(Wedge((0, 0), d + 1.0, theta1, theta1 + span, width=1.0,
                           facecolor=colour, edgecolor="white", linewidth=0.8))
        mid = math.radians(theta1 + span / 2)
        radius = d + 0.5
        # Label where the arc leaves room: along the radius in the outer ring, across inside.
        arc = math.radians(span) * radius
        if node.is_indicator or d == max_depth:
            if arc < 0.09:
                continue
            rot = math.degrees(mid)
            if 90 < rot % 360 < 270:
                rot += 180
            # The name along the radius when the arc has room for its lines, else the code.
            text = _node_label(fw, code, labels, 16)
            if arc < 0.1 * (text.count("\n") + 1) + 0.03:
                text = _safe(code)
            ax.text(radius * math.cos(mid), radius * math.sin(mid), text, rotation=rot,
                    rotation_mode="anchor", ha="center", va="center", fontsize=6.5)
        elif arc > 0.5:
            ax.text(radius * math.cos(mid), radius * math.sin(mid),
                    _node_label(fw, code, labels, 12), ha="center", va="center", fontsize=7,
                    color="white" if _dark(colour) else "black",
                    fontweight="bold")
    limit = max_depth + 1.05
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_axis_off()
    note = f"; {hidden} zero-weight node(s) not shown" if hidden else ""
    _set_title(ax, title, f"{_node_label(fw, fw.root, labels, 200)}: effective weights{note}")
    return ax



def distributions(
    result: IndexResult,
    indicators: Sequence[str] | str | None = None,
    *,
    before: str | None = None,
    after: str | None = None,
    max_panels: int = 12,
    ncols: int = 3,
    title: str | None = None,
    labels: str = "names",
    ax: Axes | None = None,
) -> Figure:
    """Indicator values before and after outlier treatment (or any two stages).

    One panel per indicator: every unit is a dot, before on the upper row and after on the
    lower one; values the step changed are drawn in vermillion and joined to their new
    place. When most values changed (a log or Box-Cox transform, or a normalisation), the two
    rows have their own scales: the stage after on the lower axis, the stage before on the
    upper one.

    Parameters
    ----------
    result : IndexResult
        A scored model.
    indicators : str or sequence of str, optional
        Indicators to draw. Default: those the step changed (all if it changed none).
    before, after : str, optional
        Stage names (:attr:`IndexResult.stage_names`). Default: ``after="treated"`` and
        ``before`` the stage preceding it.
    max_panels : int, default 12
        Draw at most this many panels (the title says how many were left out).
    ncols : int, default 3
        Panels per row.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    ax : matplotlib.axes.Axes, optional
        Axes for a single indicator.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of the panels (the figure of ``ax`` when it is given).

    Raises
    ------
    ParameterError
        If the model has no outlier treatment and no stages are named, a stage or indicator
        is unknown, or ``ax`` is given for more than one indicator.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw, treat="default").score(sp.datasets.load("asem"))
    >>> fig = plot.distributions(res, ["Goods", "Flights"])
    >>> [a.get_title(loc="left").split("\\n")[-1] for a in fig.axes]
    ['winsorised (2)', 'winsorised (1)']
    >>> fig.axes[0].get_title(loc="left")
    'Trade in goods\\nwinsorised (2)'
    >>> fig = plot.distributions(res, ["Goods"], labels="codes")
    >>> fig.axes[0].get_title(loc="left")
    'Goods\\nwinsorised (2)'
    """
    res = _check(result, IndexResult, "distributions", "an IndexResult (model.score(data))")
    labels = _check_labels(labels, "distributions")
    stages = list(res.stage_names)
    if after is None:
        if "treated" not in stages:
            raise ParameterError(
                "spindex.plot.distributions compares values before and after outlier "
                f"treatment, but the model has no 'treat' step (stages: {stages}). Pass "
                "treat='default' to CompositeIndex, or name two stages, e.g. before='raw', "
                "after='normalized'."
            )
        after = "treated"
    for name in (after, before):
        if name is not None and name not in stages:
            raise ParameterError(
                f"The stage must be one of {stages}. Got {name!r} instead."
            )
    if before is None:
        position = stages.index(after)
        if position == 0:
            raise ParameterError(f"Stage {after!r} is the first one: name 'before' too.")
        before = stages[position - 1]
    fw = res.framework
    old = res.stage(before)
    new = res.stage(after)
    cols = [c for c in fw.indicators if c in old.columns and c in new.columns]
    units = old.index.intersection(new.index, sort=False)
    old, new = old.loc[units, cols].astype(float), new.loc[units, cols].astype(float)
    if indicators is None:
        changed = [c for c in cols
                   if not np.allclose(old[c], new[c], equal_nan=True, rtol=1e-12, atol=0)]
        chosen = changed or cols
    else:
        chosen = [indicators] if isinstance(indicators, str) else list(indicators)
        unknown = [c for c in chosen if c not in cols]
        if unknown:
            raise ParameterError(
                f"spindex.plot.distributions: {unknown} are not indicators of both stages "
                f"{before!r} and {after!r}."
            )
    if isinstance(max_panels, bool) or not isinstance(max_panels, int) or max_panels < 1:
        raise ParameterError(f"max_panels must be a positive integer; got {max_panels!r}.")
    shown = chosen[:max_panels]
    status = res.reports.get("treatment") if after == "treated" else None
    if ax is not None:
        if len(shown) != 1:
            raise ParameterError(
                f"Given ax, spindex.plot.distributions draws one indicator; {len(shown)} were "
                "selected. Name one, or leave out ax for a grid of panels."
            )
        _strip(_axes(ax, (4.0, 2.0)), old[shown[0]], new[shown[0]],
               _node_label(fw, shown[0], labels, 36), status, shown[0])
        if title:
            ax.set_title(title, fontsize=9, loc="left")
        return _figure_of(ax)
    ncols = max(1, min(int(ncols), len(shown)))
    nrows = math.ceil(len(shown) / ncols)
    fig = _new_figure((3.6 * ncols, 2.1 * nrows + 0.7))
    grid = fig.subplots(nrows, ncols, squeeze=False)
    for i, code in enumerate(shown):
        _strip(grid.flat[i], old[code], new[code], _node_label(fw, code, labels, 36), status,
               code)
    for extra in grid.flat[len(shown):]:
        extra.set_axis_off()
    more = f" ({len(shown)} of {len(chosen)} shown)" if len(shown) < len(chosen) else ""
    default = f"Indicators before ({before!r}) and after ({after!r}){more}"
    if title != "":
        fig.suptitle(default if title is None else title, fontsize=11)
    return fig



def _strip(
    ax: Axes, old: pd.Series, new: pd.Series, name: str, status: pd.DataFrame | None,
    code: str,
) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    b = old.to_numpy(dtype=float)
    a = new.to_numpy(dtype=float)
    n = len(b)
    # A deterministic jitter (golden-ratio sequence) spreads tied values without randomness.
    jitter = ((np.arange(n) * 0.6180339887) % 1.0 - 0.5) * 0.3
    both = ~np.isnan(b) & ~np.isnan(a)
    same = np.isclose(b, a, rtol=1e-9, atol=0.0) & both
    changed = both & ~same
    shared_scale = same.sum() >= 0.5 * max(int(both.sum()), 1)
    after_ax = ax
    before_ax = ax if shared_scale else ax.twiny()
    colours = np.where(changed, _VERMILLION, _BLUE)
    after_ax.scatter(a, 0.0 + jitter, s=10, c=colours, alpha=0.75, linewidths=0)
    before_ax.scatter(b, 1.0 + jitter, s=10, c=colours, alpha=0.75, linewidths=0)
    if shared_scale and changed.any():
        for i in np.flatnonzero(changed):
            ax.plot([b[i], a[i]], [1.0 + jitter[i], 0.0 + jitter[i]], color=_VERMILLION,
                    linewidth=0.6, alpha=0.6)
    ax.set_yticks([0.0, 1.0], labels=["after", "before"], fontsize=8)
    ax.set_ylim(-0.5, 1.5)
    ax.tick_params(axis="x", labelsize=7)
    if not shared_scale:
        before_ax.tick_params(axis="x", labelsize=7, colors=_GREY)
    # Plain numbers on the axes: an offset or a "1e6" multiplier lands in the title area.
    for axis_ax in {id(after_ax): after_ax, id(before_ax): before_ax}.values():
        axis_ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}"))
        axis_ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    title = name
    if status is not None and code in status.index:
        what = str(status.at[code, "status"])
        if what == "winsorised":
            what += f" ({status['n_winsorised'].astype(int)[code]})"
        title = f"{name}\n{what}"
    elif changed.any():
        title = f"{name}\n{int(changed.sum())} changed"
    if not shared_scale:
        title += " (own scales)"
    ax.set_title(title, fontsize=9, loc="left")
    ax.grid(axis="x", color=_LIGHT, linewidth=0.5)
    ax.set_axisbelow(True)



def coverage(
    result: IndexResult | pd.DataFrame,
    *,
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
    framework: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """A map of the missing values: units (rows) by indicators (columns).

    Parameters
    ----------
    result : IndexResult or pandas.DataFrame
        A scored model (its ``"raw"`` stage, the data as given, is drawn) or a table of
        units x indicators.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).
    framework : Framework, CompositeIndex or IndexResult, optional
        Where the nodes' names come from when the first argument is not an IndexResult;
        without it the codes are shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> plot.coverage(res).get_title()
    'Missing values: 63 of 2,499 (2.5%)'
    """
    labels = _check_labels(labels, "coverage")
    names = _unit_names_arg(unit_names, "coverage")
    fw = _framework_arg(framework, "coverage")
    if isinstance(result, IndexResult):
        table = result.stage("raw")
        fw = fw or result.framework
    else:
        table = _check(result, pd.DataFrame, "coverage", "an IndexResult or a DataFrame")
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    missing = table.isna().to_numpy()
    n_units, n_cols = missing.shape
    ax = _axes(ax, (max(5.0, 0.14 * n_cols + 2.0), max(3.0, 0.14 * n_units + 1.8)))
    ax.imshow(missing.astype(float), cmap=ListedColormap(["#E8ECF1", _VERMILLION]),
              vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    size = 7.0 if max(n_units, n_cols) <= 60 else 5.5
    ax.set_xticks(np.arange(n_cols), labels=[_code_label(fw, c, labels, 200)
                                             for c in table.columns], rotation=90,
                  fontsize=size)
    ax.set_yticks(np.arange(n_units), labels=[_unit_label(u, labels, names)
                                              for u in table.index], fontsize=size)
    total = missing.size
    count = int(missing.sum())
    share = count / total if total else 0.0
    _set_title(ax, title, f"Missing values: {count:,} of {total:,} ({share:.1%})")
    ax.legend(handles=[Patch(color=_VERMILLION, label="missing"),
                       Patch(color="#E8ECF1", label="observed")],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return ax



def correlations(
    corr: Correlations | pd.DataFrame | IndexResult,
    *,
    level: int | str | None = None,
    against: int | str | None = None,
    method: str = "pearson",
    annotate: bool | None = None,
    title: str | None = None,
    labels: str = "names",
    framework: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """A correlation heatmap (red negative, blue positive, on a fixed -1 to 1 scale).

    Parameters
    ----------
    corr : Correlations, DataFrame or IndexResult
        A result of :func:`spindex.correlations` or :func:`spindex.correlation_matrix`, a
        square or rectangular matrix of correlations, or a scored model whose nodes of
        ``level`` are correlated with those of ``against``.
    level, against : int or str, optional
        With an IndexResult: the levels of rows and columns (default: the pillars with
        themselves).
    method : {"pearson", "spearman", "kendall"}, default "pearson"
        With an IndexResult: the correlation to compute.
    annotate : bool, optional
        Write the values in the cells (default: when the matrix has at most 15 rows and
        columns).
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    framework : Framework, CompositeIndex or IndexResult, optional
        Where the nodes' names come from when the first argument is not an IndexResult;
        without it the codes are shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> plot.correlations(res).get_title()
    'Pearson correlations'
    """
    labels = _check_labels(labels, "correlations")
    fw = _framework_arg(framework, "correlations")
    if isinstance(corr, IndexResult):
        fw = fw or corr.framework
        lv = _default_level(corr.framework) if level is None else level
        corr = _correlation.correlations(corr.framework, corr, level=lv, against=against,
                                         method=method)  # type: ignore[arg-type]
    if isinstance(corr, Correlations):
        r, label = corr.r, corr.method
    elif isinstance(corr, pd.DataFrame):
        r, label = corr, ""
    else:
        raise SpindexTypeError(
            "spindex.plot.correlations draws a Correlations result, a DataFrame of "
            f"correlations or an IndexResult. Got {type(corr).__name__} instead."
        )
    from matplotlib import colormaps

    values = r.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    # Cells shrink as the matrix grows, so that 50 indicators still fit a page.
    cell = min(0.42, 9.0 / max(n_rows, n_cols))
    ax = _axes(ax, (max(4.5, cell * n_cols + 2.6), max(3.8, cell * n_rows + 1.6)))
    cmap = colormaps["RdBu"].with_extremes(bad=_LIGHT)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-1, vmax=1,
                      interpolation="nearest")
    size = 8.0 if max(n_rows, n_cols) <= 20 else 6.0
    ax.set_xticks(np.arange(n_cols), labels=[_code_label(fw, c, labels, 200)
                                             for c in r.columns], rotation=90, fontsize=size)
    ax.set_yticks(np.arange(n_rows), labels=[_code_label(fw, c, labels, 200) for c in r.index],
                  fontsize=size)
    if annotate is None:
        annotate = max(n_rows, n_cols) <= 15
    if annotate:
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                if np.isnan(v):
                    continue
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if abs(v) > 0.6 else "black")
    name = f"{label.title()} correlation" if label else "correlation"
    _figure_of(ax).colorbar(image, ax=ax, shrink=0.8, label=name)
    _set_title(ax, title, f"{label.title()} correlations" if label else "Correlations")
    return ax
