"""Figures of indices and their analyses (matplotlib, the optional ``plot`` extra).

Every function draws one figure of one spindex object and returns what it drew on: the
:class:`~matplotlib.axes.Axes` (or, for the small multiples of :func:`distributions`, the
:class:`~matplotlib.figure.Figure`), so that it can be restyled, saved or placed in a larger
figure. Pass ``ax=`` to draw into existing axes; otherwise a new figure of a size that suits
the data is made with :mod:`matplotlib.pyplot`. Nothing is shown: call ``plt.show()`` or
``fig.savefig(...)`` yourself.

========================  ==============================================================
function                  draws
========================  ==============================================================
:func:`ranking`           units by index score, bars split into the nodes' contributions
:func:`radar`             chosen units across the pillars (a radar chart)
:func:`rank_uncertainty`  nominal and median rank with 5th-95th percentile bars
:func:`sobol`             first- and total-order Sobol indices with bootstrap intervals
:func:`correlations`      a correlation heatmap
:func:`framework`         the indicator tree with its weights (a tree or a sunburst)
:func:`distributions`     indicator values before and after outlier treatment
:func:`coverage`          a map of the missing values (units x indicators)
:func:`smaa`              SMAA rank acceptability as stacked bars
:func:`dominance`         the score gap of two units as one weight moves, and the flips
:func:`importance`        importance (correlation ratio) next to the nominal weights
:func:`removal`           rank shifts when each node is removed in turn
========================  ==============================================================

Colours come from Paul Tol's colour-blind-safe "muted" scheme (:data:`PALETTE`), with
``viridis`` for sequences and ``RdBu`` for correlations. Importing this module does not
import matplotlib; calling a function without it raises :class:`MissingDependencyError`.

Examples
--------
>>> import spindex as sp
>>> from spindex import plot
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> ax = plot.ranking(res, top=10)
>>> ax.get_title()
'Sustainable Connectivity: ranking and contributions'
>>> ax.figure.savefig("ranking.png")  # doctest: +SKIP
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spindex.analysis import correlation as _correlation
from spindex.analysis.correlation import Correlations
from spindex.analysis.dominance import DominanceResult
from spindex.analysis.importance import ImportanceResult
from spindex.analysis.removal import RemovalResult
from spindex.analysis.smaa import SMAAResult
from spindex.analysis.sobol import SobolResult
from spindex.analysis.uncertainty import UncertaintyResult
from spindex.errors import MissingDependencyError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.model import CompositeIndex
from spindex.result import IndexResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes

__all__ = [
    "PALETTE",
    "MissingDependencyError",
    "correlations",
    "coverage",
    "distributions",
    "dominance",
    "framework",
    "importance",
    "radar",
    "rank_uncertainty",
    "ranking",
    "removal",
    "smaa",
    "sobol",
]

#: Paul Tol's "muted" qualitative scheme, distinct for the common forms of colour blindness.
PALETTE: tuple[str, ...] = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499",
)
# A pair that stays distinct for every form of colour blindness (Okabe and Ito): "a" and "b",
# first and total order, before and after.
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_GREY = "#8C8C8C"
_LIGHT = "#DDDDDD"
# Beyond the palette's nine colours, bars repeat them with a hatch and lines with a dash.
_HATCHES = ("", "//", "..", "xx")
_DASHES = ("-", "--", ":", "-.")

_PLOT_EXTRA = "pip install 'spindex[plot]'"


# When set, new figures are plain matplotlib Figures unknown to pyplot: the HTML report
# draws with them so that it never opens windows or leaves figures in a notebook.
_DETACHED: ContextVar[bool] = ContextVar("spindex_plot_detached", default=False)


@contextmanager
def _detached_figures() -> Iterator[None]:
    """Make the figures created inside the block independent of pyplot."""
    token = _DETACHED.set(True)
    try:
        yield
    finally:
        _DETACHED.reset(token)


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            f"Plotting needs matplotlib, which is not installed. Install it with: {_PLOT_EXTRA}"
        ) from None


def _new_figure(figsize: tuple[float, float]) -> Figure:
    _require_matplotlib()
    if _DETACHED.get():
        from matplotlib.figure import Figure

        return Figure(figsize=figsize, layout="constrained")
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError(
            f"Plotting needs matplotlib.pyplot, which cannot be imported. Install matplotlib "
            f"with: {_PLOT_EXTRA}"
        ) from None
    return plt.figure(figsize=figsize, layout="constrained")


def _axes(ax: Axes | None, figsize: tuple[float, float], *, polar: bool = False) -> Axes:
    """``ax`` itself, or the axes of a new figure of this size."""
    _require_matplotlib()
    if ax is not None:
        from matplotlib.axes import Axes as _Axes

        if not isinstance(ax, _Axes):
            raise SpindexTypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}.")
        return ax
    return _new_figure(figsize).add_subplot(projection="polar" if polar else None)


def _figure_of(ax: Axes) -> Figure:
    """The figure at the root of the axes (not a subfigure)."""
    fig: Any
    try:
        fig = ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10 has no 'root' argument
        fig = ax.get_figure()
    assert fig is not None
    return fig


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _hatch(i: int) -> str:
    return _HATCHES[(i // len(PALETTE)) % len(_HATCHES)]


def _dash(i: int) -> str:
    return _DASHES[(i // len(PALETTE)) % len(_DASHES)]


def _check(obj: Any, kind: type | tuple[type, ...], caller: str, what: str) -> Any:
    if not isinstance(obj, kind):
        raise SpindexTypeError(
            f"spindex.plot.{caller} draws {what}. Got {type(obj).__name__} instead."
        )
    return obj


def _default_level(fw: Framework) -> int:
    """The pillars: level 2 when there is a level between it and the index, else 1."""
    return 2 if fw.n_levels >= 3 else 1


def _safe(value: Any) -> str:
    """A label from the data as matplotlib text: a pair of "$" would start mathtext."""
    return str(value).replace("$", r"\$")


def _name(fw: Framework, code: str, width: int = 28) -> str:
    """The node's name, shortened to ``width`` characters (its code if it has none)."""
    return _safe(textwrap.shorten(fw.node(code).name, width=width, placeholder="..."))


def _top(value: int | None, caller: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(
            f"The 'top' parameter of spindex.plot.{caller} must be a positive number of units "
            f"or None. Got {value!r} instead."
        )
    return int(value)


def _choice(value: Any, allowed: Sequence[str], name: str, caller: str) -> str:
    if value not in allowed:
        shown = "{" + ", ".join(repr(a) for a in allowed) + "}"
        raise ParameterError(
            f"The '{name}' parameter of spindex.plot.{caller} must be one of {shown}. "
            f"Got {value!r} instead."
        )
    return str(value)


def _unit_ticks(ax: Axes, labels: Sequence[Any], axis: str = "x") -> None:
    n = len(labels)
    size = 8.0 if n <= 40 else 7.0 if n <= 80 else 6.0
    positions = np.arange(n)
    text = [_safe(u) for u in labels]
    if axis == "x":
        ax.set_xticks(positions, labels=text, rotation=90, fontsize=size)
        ax.set_xlim(-0.6, n - 0.4)
    else:
        ax.set_yticks(positions, labels=text, fontsize=size)


# ---------------------------------------------------------------------------- results
def ranking(
    result: IndexResult,
    *,
    level: int | str | None = None,
    top: int | None = None,
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
            colour: Any = _lighten(_colour(g), 0.4 * (k % 2)) if code in groups else _LIGHT
            label = (_name(fw, pillars[g]) if code in groups else "other") if k == 0 else None
        else:
            colour, label = _colour(j), _name(fw, code)
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
    labels = [f"{ranks[u]}  {u}" for u in units]
    _unit_ticks(ax, labels, axis="y")
    ax.set_ylim(n - 0.5, -0.5)
    level_no = fw.node(parts.columns[0]).level
    ax.set_xlabel(f"{_name(fw, fw.root, 60)} score, split into the contributions of level "
                  f"{level_no} nodes")
    ax.set_title(f"{_name(fw, fw.root, 60)}: ranking and contributions")
    ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    entries = len(ax.get_legend_handles_labels()[1])
    if entries <= 16:
        title = (f"level {level_no} nodes of" if by_pillar else "contribution of")
        ax.legend(loc="lower right", fontsize="small", framealpha=0.9, title=title,
                  title_fontsize="small")
    return ax


def radar(
    result: IndexResult,
    units: Sequence[Hashable] | None = None,
    *,
    level: int | str | None = None,
    reference: bool = True,
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
        pax.plot(closed, v, color=_colour(i), linestyle=_dash(i), linewidth=2, label=_safe(unit))
        pax.fill(closed, np.nan_to_num(v), color=_colour(i), alpha=0.12)
    if reference:
        median = np.nanmedian(all_values, axis=0)
        pax.plot(closed, np.r_[median, median[:1]], color=_GREY, linestyle="--", linewidth=1.2,
                 label=f"median of {len(scores)} units")
    pax.set_theta_offset(np.pi / 2)
    pax.set_theta_direction(-1)
    pax.set_xticks(angles, labels=[textwrap.fill(_name(fw, c, 40), 16) for c in codes],
                   fontsize=8)
    low = float(min(0.0, np.nanmin(all_values)))
    high = float(np.nanmax(all_values))
    pax.set_ylim(low, high + 0.05 * (high - low))
    pax.tick_params(axis="y", labelsize=7, colors=_GREY)
    pax.set_title(f"Scores of level {fw.node(codes[0]).level} nodes", pad=18)
    pax.legend(loc="upper left", bbox_to_anchor=(1.04, 1.04), fontsize="small")
    return pax


def framework(
    framework: Framework | CompositeIndex | IndexResult,
    *,
    kind: str = "tree",
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
    groups = _groups(fw)
    if kind == "tree":
        return _tree(fw, groups, ax)
    return _sunburst(fw, groups, ax)


def _groups(fw: Framework) -> dict[str, int]:
    """Colour index of each node: the position of its pillar (or its own) among the pillars."""
    lv = _default_level(fw)
    pillars = list(fw.level(lv))
    out: dict[str, int] = {}
    for code in fw.codes:
        if code in pillars:
            out[code] = pillars.index(code)
            continue
        for a in fw.ancestors(code):
            if a in pillars:
                out[code] = pillars.index(a)
                break
    return out


def _node_colour(groups: dict[str, int], code: str) -> str:
    return _colour(groups[code]) if code in groups else "#444444"


def _leaf_order(fw: Framework) -> list[str]:
    out: list[str] = []

    def walk(code: str) -> None:
        kids = fw.children(code)
        if not kids:
            out.append(code)
        for k in kids:
            walk(k)

    walk(fw.root)
    return out


def _tree(fw: Framework, groups: dict[str, int], ax: Axes | None) -> Axes:
    leaves = _leaf_order(fw)
    ax = _axes(ax, (8.5, max(3.0, 0.2 * len(leaves) + 1.2)))
    y: dict[str, float] = {c: float(i) for i, c in enumerate(leaves)}
    for code in fw.aggregates:  # lowest level first, so children come before parents
        y[code] = float(np.mean([y[k] for k in fw.children(code)]))
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
        colour = _node_colour(groups, code)
        ax.plot([x[code]], [y[code]], "o", color=colour, markersize=6 if node.is_indicator else 8,
                markeredgecolor="white", zorder=3)
        weight = "" if code == fw.root else f"  {nw[code]:.3g}"
        if node.is_indicator:
            sign = " (-)" if node.direction < 0 else ""
            ax.text(x[code] + 0.08, y[code], f"{_safe(code)}{sign}{weight}", va="center", ha="left",
                    fontsize=small)
        else:
            ax.text(x[code], y[code] - 0.35, f"{_safe(code)}{weight}", va="bottom", ha="center",
                    fontsize=small + 0.5, fontweight="bold", color="#222222",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.85}, zorder=4)
    ax.set_xlim(-0.5, depth + 1.1)
    ax.set_ylim(len(leaves) - 0.4, -1.2)
    ax.set_axis_off()
    ax.set_title(f"{_name(fw, fw.root, 60)}: framework ({len(fw)} nodes, normalised weights)")
    return ax


def _dark(colour: Any) -> bool:
    """Whether white text reads better than black on this colour (relative luminance)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def _lighten(colour: str, amount: float) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _sunburst(fw: Framework, groups: dict[str, int], ax: Axes | None) -> Axes:
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
    ax.text(0, 0, textwrap.fill(_name(fw, fw.root, 40), 14), ha="center", va="center",
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
        base = _node_colour(groups, code)
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
            ax.text(radius * math.cos(mid), radius * math.sin(mid), _safe(code), rotation=rot,
                    rotation_mode="anchor", ha="center", va="center", fontsize=6.5)
        elif arc > 0.5:
            ax.text(radius * math.cos(mid), radius * math.sin(mid),
                    textwrap.fill(_safe(code), 10), ha="center", va="center", fontsize=8,
                    color="white" if _dark(colour) else "black",
                    fontweight="bold")
    limit = max_depth + 1.05
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_axis_off()
    note = f"; {hidden} zero-weight node(s) not shown" if hidden else ""
    ax.set_title(f"{_name(fw, fw.root, 60)}: effective weights{note}")
    return ax


def distributions(
    result: IndexResult,
    indicators: Sequence[str] | str | None = None,
    *,
    before: str | None = None,
    after: str | None = None,
    max_panels: int = 12,
    ncols: int = 3,
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
    >>> [a.get_title(loc="left") for a in fig.axes]
    ['Goods: winsorised (2)', 'Flights: winsorised (1)']
    """
    res = _check(result, IndexResult, "distributions", "an IndexResult (model.score(data))")
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
        _strip(_axes(ax, (4.0, 2.0)), old[shown[0]], new[shown[0]], shown[0], status)
        return _figure_of(ax)
    ncols = max(1, min(int(ncols), len(shown)))
    nrows = math.ceil(len(shown) / ncols)
    fig = _new_figure((3.6 * ncols, 1.9 * nrows + 0.7))
    grid = fig.subplots(nrows, ncols, squeeze=False)
    for i, code in enumerate(shown):
        _strip(grid.flat[i], old[code], new[code], code, status)
    for extra in grid.flat[len(shown):]:
        extra.set_axis_off()
    more = f" ({len(shown)} of {len(chosen)} shown)" if len(shown) < len(chosen) else ""
    fig.suptitle(f"Indicators before ({before!r}) and after ({after!r}){more}", fontsize=11)
    return fig


def _strip(
    ax: Axes, old: pd.Series, new: pd.Series, code: str, status: pd.DataFrame | None
) -> None:
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
    title = _safe(code)
    if status is not None and code in status.index:
        what = str(status.at[code, "status"])
        if what == "winsorised":
            what += f" ({status['n_winsorised'].astype(int)[code]})"
        title = f"{_safe(code)}: {what}"
    elif changed.any():
        title = f"{_safe(code)}: {int(changed.sum())} changed"
    if not shared_scale:
        title += " (own scales)"
    ax.set_title(title, fontsize=9, loc="left")
    ax.grid(axis="x", color=_LIGHT, linewidth=0.5)
    ax.set_axisbelow(True)


def coverage(result: IndexResult | pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """A map of the missing values: units (rows) by indicators (columns).

    Parameters
    ----------
    result : IndexResult or pandas.DataFrame
        A scored model (its ``"raw"`` stage, the data as given, is drawn) or a table of
        units x indicators.
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
    if isinstance(result, IndexResult):
        table = result.stage("raw")
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
    ax.set_xticks(np.arange(n_cols), labels=[_safe(c) for c in table.columns], rotation=90,
                  fontsize=size)
    ax.set_yticks(np.arange(n_units), labels=[_safe(u) for u in table.index], fontsize=size)
    total = missing.size
    count = int(missing.sum())
    share = count / total if total else 0.0
    ax.set_title(f"Missing values: {count:,} of {total:,} ({share:.1%})")
    ax.legend(handles=[Patch(color=_VERMILLION, label="missing"),
                       Patch(color="#E8ECF1", label="observed")],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return ax


# --------------------------------------------------------------------------- analyses
def rank_uncertainty(
    result: UncertaintyResult,
    *,
    top: int | None = None,
    sort: str = "nominal",
    ax: Axes | None = None,
) -> Axes:
    """Nominal and median rank of every unit with its 5th-95th percentile range.

    The figure of JRC audits (Saisana, Saltelli and Tarantola, 2005): units along the
    horizontal axis in order of nominal rank, a bar over the middle 90% of the ranks the
    Monte Carlo runs gave, a dot at the median and a diamond at the nominal rank. A long bar
    is a rank to be read with caution.

    Parameters
    ----------
    result : UncertaintyResult
        The result of :func:`spindex.uncertainty`.
    top : int, optional
        Show only the first ``top`` units of the order.
    sort : {"nominal", "median"}, default "nominal"
        Order units by nominal or by median rank.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    References
    ----------
    Saisana, M., Saltelli, A., Tarantola, S. (2005). Uncertainty and sensitivity analysis
    techniques as tools for the quality assessment of composite indicators. JRSS A 168(2),
    307-323.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> data = sp.datasets.load("asem")
    >>> ua = sp.uncertainty(sp.CompositeIndex(fw), data, n=500, seed=0)
    >>> ax = plot.rank_uncertainty(ua, top=10)
    >>> len(ax.get_xticklabels())
    10
    """
    ua = _check(result, UncertaintyResult, "rank_uncertainty",
                "an UncertaintyResult (spindex.uncertainty(...))")
    top = _top(top, "rank_uncertainty")
    sort = _choice(sort, ("nominal", "median"), "sort", "rank_uncertainty")
    s = ua.summary()
    if sort == "median":
        s = s.sort_values(["median_rank", "nominal_rank"], kind="stable")
    if top:
        s = s.head(top)
    n = len(s)
    ax = _axes(ax, (max(6.0, 0.2 * n + 2.2), 4.8))
    x = np.arange(n)
    ax.vlines(x, s["rank_q05"].to_numpy(dtype=float), s["rank_q95"].to_numpy(dtype=float),
              color=_GREY, linewidth=4, alpha=0.55, label="5th-95th percentile rank")
    ax.scatter(x, s["median_rank"].to_numpy(dtype=float), color=_BLUE, s=22, zorder=3,
               label="median rank")
    ax.scatter(x, s["nominal_rank"].to_numpy(dtype=float), marker="D", facecolors="none",
               edgecolors=_VERMILLION, s=26, linewidths=1.2, zorder=4, label="nominal rank")
    _unit_ticks(ax, list(s.index))
    n_units = len(ua.rank_counts)
    ax.set_ylim(n_units + 0.5, 0.5)
    ax.set_ylabel("rank (1 = best)")
    ax.set_title(f"Rank uncertainty over {ua.n:,} runs (mean rank shift "
                 f"R_S = {ua.mean_rank_shift:.2f})")
    ax.grid(axis="y", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    # Ranks run from the upper left to the lower right: the upper right is free.
    ax.legend(loc="upper right", fontsize="small", framealpha=0.9)
    return ax


def sobol(
    result: SobolResult,
    output: Hashable = "R_S",
    *,
    kind: str = "rank",
    ax: Axes | None = None,
) -> Axes:
    """First- and total-order Sobol indices of each uncertain input, as paired bars.

    Parameters
    ----------
    result : SobolResult
        The result of :func:`spindex.sobol`.
    output : hashable, default "R_S"
        ``"R_S"`` (the mean absolute rank shift, the usual summary), ``"mean"`` (the mean of
        the indices over units) or a unit's label.
    kind : {"rank", "score"}, default "rank"
        For a unit or ``"mean"``: indices of the rank or of the index score.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        With bootstrap confidence intervals as error bars when the result has them (not for
        ``"mean"``).

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> data = sp.datasets.load("asem")
    >>> sa = sp.sobol(sp.CompositeIndex(fw), data, weights=sp.WeightNoise(0.25, levels=[3]),
    ...               n=128, seed=0, bootstrap=20)
    >>> ax = plot.sobol(sa)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Index']
    """
    sa = _check(result, SobolResult, "sobol", "a SobolResult (spindex.sobol(...))")
    kind = _choice(kind, ("rank", "score"), "kind", "sobol")
    units = [c for c in sa.first_order.columns if c != "R_S"]
    key: str | None
    if output == "R_S":
        first, total = sa.first_order["R_S"], sa.total_order["R_S"]
        what, key = "the mean rank shift R_S", "R_S"
    elif output == "mean":
        f, t = ((sa.first_order[units], sa.total_order[units]) if kind == "rank"
                else (sa.first_order_score, sa.total_order_score))
        first, total = f.mean(axis=1), t.mean(axis=1)
        what, key = f"every unit's {kind} (mean over {len(units)} units)", None
    elif str(output) in units:
        f, t = ((sa.first_order, sa.total_order) if kind == "rank"
                else (sa.first_order_score, sa.total_order_score))
        first, total = f[str(output)], t[str(output)]
        what, key = f"the {kind} of {output}", f"{kind}:{output}"
    else:
        raise ParameterError(
            f"The 'output' parameter of spindex.plot.sobol must be 'R_S', 'mean' or a unit "
            f"({', '.join(units[:6])}, ...). Got {output!r} instead."
        )
    inputs = list(sa.inputs)
    ax = _axes(ax, (max(5.0, 1.1 * len(inputs) + 2.5), 4.2))
    x = np.arange(len(inputs))
    width = 0.38
    lowest: list[float] = []
    highest: list[float] = []
    for offset, values, label, colour, name in (
        (-width / 2, first, "first order S_i", PALETTE[1], "first"),
        (width / 2, total, "total order S_Ti", PALETTE[0], "total"),
    ):
        v = values.reindex(inputs).to_numpy(dtype=float)
        err = None
        if key is not None and sa.confidence is not None:
            c = sa.confidence
            c = c[(c["kind"] == name) & (c["output"] == key)].set_index("input").reindex(inputs)
            low = c["low"].to_numpy(dtype=float)
            high = c["high"].to_numpy(dtype=float)
            err = np.vstack([np.clip(v - low, 0, None), np.clip(high - v, 0, None)])
            err = np.nan_to_num(err)
            lowest.append(float(np.nanmin(np.r_[low, 0.0])))
            highest.append(float(np.nanmax(np.r_[high, 0.0])))
        ax.bar(x + offset, v, width=width, color=colour, label=label, yerr=err,
               error_kw={"ecolor": "#333333", "capsize": 3, "linewidth": 1})
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(x, labels=[_safe(i) for i in inputs], fontsize=9)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_xlabel("uncertain input")
    low_value = np.nanmin(np.r_[first.to_numpy(dtype=float), lowest, 0.0])
    top_value = np.nanmax(np.r_[total.to_numpy(dtype=float), first.to_numpy(dtype=float),
                                highest, 0.0])
    ax.set_ylim(float(low_value) - 0.05, max(1.05, float(top_value) + 0.05))
    ax.set_title(f"Sobol indices of {_safe(what)}\n(n = {sa.n:,}, {sa.runs:,} runs)", fontsize=11)
    ax.grid(axis="y", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="best", fontsize="small")
    return ax


def correlations(
    corr: Correlations | pd.DataFrame | IndexResult,
    *,
    level: int | str | None = None,
    against: int | str | None = None,
    method: str = "pearson",
    annotate: bool | None = None,
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
    if isinstance(corr, IndexResult):
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
    ax.set_xticks(np.arange(n_cols), labels=[_safe(c) for c in r.columns], rotation=90,
                  fontsize=size)
    ax.set_yticks(np.arange(n_rows), labels=[_safe(c) for c in r.index], fontsize=size)
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
    ax.set_title(f"{label.title()} correlations" if label else "Correlations")
    return ax


def smaa(
    result: SMAAResult,
    *,
    top: int | None = None,
    sort: str = "nominal",
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
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

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
    norm = Normalize(1, max(m, 2))
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
    _unit_ticks(ax, units)
    ax.set_ylim(0, 1.0)
    ax.set_ylabel("rank acceptability")
    colorbar = _figure_of(ax).colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    colorbar.set_label("rank")
    colorbar.ax.invert_yaxis()
    varying = ", ".join(_safe(v) for v in sm.varying[:5]) + (", ..." if len(sm.varying) > 5 else "")
    ax.set_title(f"SMAA rank acceptability ({sm.n:,} draws of the weights of {varying})",
                 fontsize=11)
    return ax


def dominance(result: DominanceResult, *, ax: Axes | None = None) -> Axes:
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
    th = dom.thresholds
    ax = _axes(ax, (7.5, 4.6))
    a, b = _safe(dom.a), _safe(dom.b)
    t = np.linspace(0.0, 1.0, 201)
    free = [g for g in dom.groups if len(g) > 1]
    pair = len(free) == 1 and len(free[0]) == 2
    codes = [free[0][0]] if pair else [c for g in free for c in g]
    for i, code in enumerate(codes):
        w0 = float(th.loc[code, "nominal"])
        d = float(th.loc[code, "vertex_gap"])
        colour = _BLUE if pair else _colour(i)
        label = None if pair else _safe(code)
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
                ax.fill_between(t, gap, 0, where=gap >= 0, color=_BLUE, alpha=0.18,
                                label=f"{a} leads", interpolate=True)
                ax.fill_between(t, gap, 0, where=gap < 0, color=_VERMILLION, alpha=0.18,
                                label=f"{b} leads", interpolate=True)
        else:
            ax.plot([w0, 1.0], [dom.nominal_gap, d], linestyle="none", marker="s",
                    color=colour, label=label)
        ax.plot([w0], [dom.nominal_gap], marker="o", color="black", markersize=6, zorder=4)
        flip = th.loc[code, "flip_at"]
        if pd.notna(flip):
            ax.plot([float(flip)], [0.0], marker="X", color=_VERMILLION if not pair else "black",
                    markersize=9, zorder=5, linestyle="none")
            if pair:
                ax.annotate(f"flip at {float(flip):.3g}", (float(flip), 0.0),
                            textcoords="offset points", xytext=(6, 8), fontsize=8)
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.plot([], [], marker="o", color="black", linestyle="none", label="nominal weights")
    if not pair:
        side = ax.get_yaxis_transform()
        ax.text(0.99, 0.0, f"{a} ahead \u25b2", transform=side, ha="right", va="bottom",
                fontsize=8, color=_BLUE)
        ax.text(0.99, 0.0, f"{b} ahead \u25bc", transform=side, ha="right", va="top",
                fontsize=8, color=_VERMILLION)
    if pair:
        p, q = free[0]
        ax.set_xlabel(f"share of {_safe(p)} in the weight of {_safe(p)} + {_safe(q)}")
    else:
        ax.set_xlabel("share of the node in its group (siblings in nominal proportions)")
    if not dom.linear:
        ax.set_xlabel(ax.get_xlabel() + "\nnon-linear model: computed points only "
                      "(squares: vertices)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylabel(f"{_safe(dom.root)} score of {a} minus {b}")
    how = "exact" if dom.method == "exact" else f"Monte Carlo, n = {dom.n:,}"
    ax.set_title(f"{a} vs {b}\n{a} scores at least as high on {dom.share:.1%} of the "
                 f"weights ({how})", fontsize=11)
    ax.grid(color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize="small", loc="best")
    return ax


def importance(result: ImportanceResult, *, ax: Axes | None = None) -> Axes:
    """Each node's importance (correlation ratio, as a share) next to its nominal weight.

    A node whose importance bar is much shorter than its weight bar counts less in the
    index than its weight says (Paruolo, Saisana and Saltelli, 2013).

    Parameters
    ----------
    result : ImportanceResult
        The result of :func:`spindex.importance`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    References
    ----------
    Paruolo, P., Saisana, M., Saltelli, A. (2013). Ratings and rankings: voodoo or science?
    JRSS A 176(3), 609-634.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> imp = sp.importance(sp.CompositeIndex(fw), sp.datasets.load("asem"), level=2)
    >>> len(plot.importance(imp).get_yticklabels())
    8
    """
    imp = _check(result, ImportanceResult, "importance",
                 "an ImportanceResult (spindex.importance(...))")
    t = imp.table
    k = len(t)
    ax = _axes(ax, (7.0, max(3.0, 0.42 * k + 1.4)))
    y = np.arange(k)
    ax.barh(y - 0.2, t["weight"].to_numpy(dtype=float), height=0.4, color=_GREY,
            label="nominal weight")
    ax.barh(y + 0.2, t["share"].to_numpy(dtype=float), height=0.4, color=_BLUE,
            label="importance (share of S_i)")
    ax.set_yticks(y, labels=[_safe(c) for c in t.index], fontsize=8 if k <= 40 else 6)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlabel("share of the level")
    ax.set_title(f"Importance of the level {imp.level} nodes ({imp.smoother} correlation ratio)",
                 fontsize=11)
    ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="best", fontsize="small")
    return ax


def removal(result: RemovalResult, *, ax: Axes | None = None) -> Axes:
    """Mean and largest absolute rank shift when each node is removed in turn.

    Parameters
    ----------
    result : RemovalResult
        The result of :func:`spindex.remove_indicators`.
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
    >>> rm = sp.remove_indicators(sp.CompositeIndex(fw), sp.datasets.load("asem"), level=2)
    >>> plot.removal(rm).get_xlabel()
    'rank shift when the node is left out (places)'
    """
    rm = _check(result, RemovalResult, "removal",
                "a RemovalResult (spindex.remove_indicators(...))")
    s = rm.summary()
    k = len(s)
    ax = _axes(ax, (7.0, max(3.0, 0.36 * k + 1.4)))
    y = np.arange(k)
    ax.barh(y, s["mean_abs_shift"].to_numpy(dtype=float), height=0.6, color=_BLUE,
            label="mean |rank shift|")
    ax.scatter(s["max_abs_shift"].to_numpy(dtype=float), y, marker="D", color=_VERMILLION,
               s=24, zorder=3, label="largest |rank shift|")
    ax.set_yticks(y, labels=[_safe(c) for c in s.index], fontsize=8 if k <= 40 else 6)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlabel("rank shift when the node is left out (places)")
    ax.set_title(f"Rank shifts on '{_safe(rm.root)}' when each node is removed", fontsize=11)
    ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="best", fontsize="small")
    return ax
