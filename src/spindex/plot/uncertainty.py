"""Figures of the robustness analyses: rank uncertainty, Sobol indices, importance, removal."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from spindex.analysis.importance import ImportanceResult
from spindex.analysis.removal import RemovalResult
from spindex.analysis.sobol import SobolResult
from spindex.analysis.uncertainty import UncertaintyResult
from spindex.errors import MethodError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from spindex.plot._common import (
    _BLUE,
    _GREY,
    _LIGHT,
    _VERMILLION,
    PALETTE,
    _axes,
    _check,
    _check_labels,
    _choice,
    _code_label,
    _framework_arg,
    _integer_ticks,
    _level_name,
    _rank_ticks,
    _safe,
    _set_title,
    _top,
    _unit_label,
    _unit_names_arg,
    _unit_ticks,
)


def rank_uncertainty(
    result: UncertaintyResult,
    *,
    top: int | None = None,
    sort: str = "nominal",
    title: str | None = None,
    labels: str = "names",
    unit_names: Mapping[Hashable, str] | None = None,
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
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    unit_names : mapping of unit label to name, optional
        Names of the units for this figure (else those of :func:`spindex.plot.naming`).
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
    labels = _check_labels(labels, "rank_uncertainty")
    names = _unit_names_arg(unit_names, "rank_uncertainty")
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
    _unit_ticks(ax, [_unit_label(u, labels, names) for u in s.index])
    n_units = len(ua.rank_counts)
    # With top, the axis ends below the worst rank shown, not at the last unit's rank.
    deepest = np.nanmax(s[["rank_q95", "nominal_rank", "median_rank"]].to_numpy(dtype=float))
    lowest = n_units if not top or not np.isfinite(deepest) else min(n_units, int(deepest) + 1)
    ax.set_ylim(lowest + 0.5, 0.5)
    ax.set_ylabel("rank (1 = best)")
    _rank_ticks(ax.yaxis, lowest)
    _set_title(ax, title, f"Rank uncertainty over {ua.n:,} runs (mean rank shift "
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
    title: str | None = None,
    labels: str = "names",
    framework: Any = None,
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
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
    framework : Framework, CompositeIndex or IndexResult, optional
        Where the nodes' names come from (the analysis keeps only codes); without it the
        codes are shown.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.

    Returns
    -------
    matplotlib.axes.Axes
        With bootstrap confidence intervals as error bars when the result has them (not for
        ``"mean"``).

    Raises
    ------
    MethodError
        If every index of the chosen output is NaN (nothing to draw).

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> data = sp.datasets.load("asem")
    >>> import warnings
    >>> with warnings.catch_warnings():  # the ranks of a few top units never move: it says so
    ...     warnings.simplefilter("ignore", sp.SpindexWarning)
    ...     sa = sp.sobol(sp.CompositeIndex(fw), data,
    ...                   weights=sp.WeightNoise(0.25, levels=[2]), n=128, seed=0, bootstrap=20)
    >>> ax = plot.sobol(sa)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Conn', 'Sust']
    """
    sa = _check(result, SobolResult, "sobol", "a SobolResult (spindex.sobol(...))")
    kind = _choice(kind, ("rank", "score"), "kind", "sobol")
    labels = _check_labels(labels, "sobol")
    fw = _framework_arg(framework, "sobol")
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
    drawn = np.r_[first.reindex(inputs).to_numpy(dtype=float),
                  total.reindex(inputs).to_numpy(dtype=float)]
    if not np.isfinite(drawn).any():
        raise MethodError(
            f"spindex.plot.sobol: every Sobol index of {what} is NaN, so there is nothing to "
            "draw. The output did not vary over the runs (no uncertain input moved it) or "
            "too few runs were usable; widen the uncertainty, raise n, or choose another "
            "output."
        )
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
    ax.set_xticks(x, labels=[_code_label(fw, i, labels, 16) for i in inputs], fontsize=9)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_xlabel("uncertain input")
    low_value = np.nanmin(np.r_[first.to_numpy(dtype=float), lowest, 0.0])
    top_value = np.nanmax(np.r_[total.to_numpy(dtype=float), first.to_numpy(dtype=float),
                                highest, 0.0])
    ax.set_ylim(float(low_value) - 0.05, max(1.05, float(top_value) + 0.05))
    _set_title(ax, title, f"Sobol indices of {_safe(what)}\n(n = {sa.n:,}, {sa.runs:,} runs)",
               fontsize=11)
    ax.grid(axis="y", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="best", fontsize="small")
    return ax



def importance(
    result: ImportanceResult,
    *,
    title: str | None = None,
    labels: str = "names",
    framework: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """Each node's importance (correlation ratio, as a share) next to its nominal weight.

    A node whose importance bar is much shorter than its weight bar counts less in the
    index than its weight says (Paruolo, Saisana and Saltelli, 2013).

    Parameters
    ----------
    result : ImportanceResult
        The result of :func:`spindex.importance`.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
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
    labels = _check_labels(labels, "importance")
    fw = _framework_arg(framework, "importance")
    t = imp.table
    k = len(t)
    ax = _axes(ax, (7.0, max(3.0, 0.42 * k + 1.4)))
    y = np.arange(k)
    ax.barh(y - 0.2, t["weight"].to_numpy(dtype=float), height=0.4, color=_GREY,
            label="nominal weight")
    ax.barh(y + 0.2, t["share"].to_numpy(dtype=float), height=0.4, color=_BLUE,
            label="importance (share of S_i)")
    ax.set_yticks(y, labels=[_code_label(fw, c, labels, 30) for c in t.index],
                  fontsize=8 if k <= 40 else 6)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlabel("share of the level")
    what = _level_name(fw, int(imp.level)) if fw is not None else f"level {imp.level} nodes"
    _set_title(ax, title, f"Importance of the {what} ({imp.smoother} correlation ratio)",
                 fontsize=11)
    ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return ax



def removal(
    result: RemovalResult,
    *,
    title: str | None = None,
    labels: str = "names",
    framework: Any = None,
    ax: Axes | None = None,
) -> Axes:
    """Mean and largest absolute rank shift when each node is removed in turn.

    Parameters
    ----------
    result : RemovalResult
        The result of :func:`spindex.remove_indicators`.
    title : str, optional
        The figure's title (``""`` for none). Default: one that says what is drawn.
    labels : {"names", "codes"}, default "names"
        Label nodes (and units) with their names, or with their codes.
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
    >>> import spindex as sp
    >>> from spindex import plot
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> rm = sp.remove_indicators(sp.CompositeIndex(fw), sp.datasets.load("asem"), level=2)
    >>> plot.removal(rm).get_xlabel()
    'rank shift when the node is left out (places)'
    """
    rm = _check(result, RemovalResult, "removal",
                "a RemovalResult (spindex.remove_indicators(...))")
    labels = _check_labels(labels, "removal")
    fw = _framework_arg(framework, "removal")
    s = rm.summary()
    k = len(s)
    ax = _axes(ax, (7.0, max(3.0, 0.36 * k + 1.4)))
    y = np.arange(k)
    ax.barh(y, s["mean_abs_shift"].to_numpy(dtype=float), height=0.6, color=_BLUE,
            label="mean |rank shift|")
    ax.scatter(s["max_abs_shift"].to_numpy(dtype=float), y, marker="D", color=_VERMILLION,
               s=24, zorder=3, label="largest |rank shift|")
    ax.set_yticks(y, labels=[_code_label(fw, c, labels, 30) for c in s.index],
                  fontsize=8 if k <= 40 else 6)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlabel("rank shift when the node is left out (places)")
    _integer_ticks(ax.xaxis)
    root = _code_label(fw, rm.root, labels, 200)
    _set_title(ax, title, f"Rank shifts of '{root}' when each node is removed", fontsize=11)
    ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return ax
