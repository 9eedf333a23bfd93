"""Shared helpers of :mod:`spindex.plot`: matplotlib on demand, palette, labels, checks."""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spindex.errors import MissingDependencyError, ParameterError, SpindexTypeError
from spindex.framework import Framework

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
    text = [str(u) for u in labels]  # callers pass labels already made safe
    if axis == "x":
        ax.set_xticks(positions, labels=text, rotation=90, fontsize=size)
        ax.set_xlim(-0.6, n - 0.4)
    else:
        ax.set_yticks(positions, labels=text, fontsize=size)


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


def _dark(colour: Any) -> bool:
    """Whether white text reads better than black on this colour (relative luminance)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def _lighten(colour: str, amount: float) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


# ------------------------------------------------------------------ colours and names
#: Okabe and Ito's eight colours, distinct for every common form of colour blindness; the
#: units take them in this order (the yellow, weak on white, last).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
)
_SCHEMES: dict[str, tuple[str, ...]] = {"okabe-ito": OKABE_ITO, "tol-muted": PALETTE}

# One registry for the whole session: a unit or node keeps its colour in every figure of a
# script (and of a report), whatever the order in which figures ask for it.
_REGISTRY: dict[str, Any] = {
    "unit_scheme": OKABE_ITO, "node_scheme": PALETTE,
    "units": {}, "nodes": {}, "unit_names": {}, "level_names": {},
}


def _colours_arg(value: Any, name: str, caller: str) -> dict[str, str]:
    from matplotlib.colors import is_color_like

    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(
            f"The '{name}' parameter of spindex.plot.{caller} must be a mapping of labels to "
            f"colours, e.g. {{'CHN': '#D55E00'}}. Got {type(value).__name__} instead."
        )
    bad = {k: v for k, v in value.items() if not is_color_like(v)}
    if bad:
        raise ParameterError(
            f"spindex.plot.{caller}: {bad} are not matplotlib colours in '{name}'. Use a name "
            "('tab:blue') or a hex string ('#0072B2')."
        )
    return {str(k): str(v) for k, v in value.items()}


def _scheme_arg(value: Any, name: str) -> tuple[str, ...]:
    from matplotlib.colors import is_color_like

    if isinstance(value, str):
        if value not in _SCHEMES:
            raise ParameterError(
                f"The '{name}' parameter of spindex.plot.palette must be one of "
                f"{sorted(_SCHEMES)} or a sequence of colours. Got {value!r} instead."
            )
        return _SCHEMES[value]
    colours = tuple(value) if isinstance(value, Sequence) else ()
    if not colours or not all(isinstance(c, str) and is_color_like(c) for c in colours):
        raise ParameterError(
            f"The '{name}' parameter of spindex.plot.palette must be a scheme name or a "
            f"non-empty sequence of colours. Got {value!r} instead."
        )
    return colours


def palette(
    units: Mapping[Hashable, str] | None = None,
    nodes: Mapping[str, str] | None = None,
    *,
    unit_scheme: str | Sequence[str] | None = None,
    node_scheme: str | Sequence[str] | None = None,
    reset: bool = False,
) -> dict[str, dict[str, str]]:
    """Set or read the colours of units and nodes shared by every figure.

    A unit takes the next colour of the unit scheme the first time a figure draws it and
    keeps it in every later figure (China is the same colour in the radar, the dominance
    plot and the panel trends); a node is coloured by its position among the nodes of its
    level, or by the colour set here.

    Parameters
    ----------
    units : mapping of unit label to colour, optional
        Fix the colours of these units.
    nodes : mapping of node code to colour, optional
        Fix the colours of these nodes (a pillar's colour is also its indicators' hue).
    unit_scheme, node_scheme : str or sequence of str, optional
        The colours handed out in order: ``"okabe-ito"`` (the default for units),
        ``"tol-muted"`` (the default for nodes) or a sequence of colours.
    reset : bool, default False
        First forget every colour given so far and restore the default schemes.

    Returns
    -------
    dict
        ``{"units": {label: colour}, "nodes": {code: colour}}``: the colours assigned so far
        (a copy).

    Raises
    ------
    ParameterError
        For a colour matplotlib does not know or an unknown scheme.

    Examples
    --------
    >>> from spindex import plot
    >>> plot.palette({"CHN": "#D55E00", "JPN": "#0072B2"}, reset=True)["units"]
    {'CHN': '#D55E00', 'JPN': '#0072B2'}
    >>> plot.palette(reset=True)["units"]
    {}
    """
    _require_matplotlib()
    fixed_units = _colours_arg(units, "units", "palette")
    fixed_nodes = _colours_arg(nodes, "nodes", "palette")
    schemes = {
        "unit_scheme": None if unit_scheme is None else _scheme_arg(unit_scheme, "unit_scheme"),
        "node_scheme": None if node_scheme is None else _scheme_arg(node_scheme, "node_scheme"),
    }
    if reset:
        _REGISTRY.update(unit_scheme=OKABE_ITO, node_scheme=PALETTE)
        _REGISTRY["units"].clear()
        _REGISTRY["nodes"].clear()
    for key, value in schemes.items():
        if value is not None:
            _REGISTRY[key] = value
    _REGISTRY["units"].update(fixed_units)
    _REGISTRY["nodes"].update(fixed_nodes)
    return {"units": dict(_REGISTRY["units"]), "nodes": dict(_REGISTRY["nodes"])}


def naming(
    units: Mapping[Hashable, str] | pd.Series | None = None,
    levels: Mapping[int, str] | None = None,
    *,
    reset: bool = False,
) -> dict[str, dict[Any, str]]:
    """Set or read the names every figure shows for units and levels.

    Figures label units with these names (``labels="names"``, the default) and fall back
    on the unit's label (an ISO code, say) when none is set; pass ``unit_names=`` to one
    function to name units for that figure only.

    Parameters
    ----------
    units : mapping or pandas.Series of unit label to name, optional
        For instance the ``uName`` column of the ASEM data.
    levels : mapping of level number to name, optional
        E.g. ``{2: "pillars", 3: "sub-indices"}``. The default names are "indicators" for
        level 1, "pillars" for level 2 (when there is a level above it below the index),
        "sub-indices" between the pillars and the index, and "index" at the top.
    reset : bool, default False
        First forget every name given so far.

    Returns
    -------
    dict
        ``{"units": {label: name}, "levels": {level: name}}`` as set so far (a copy).

    Raises
    ------
    ParameterError
        If ``units`` or ``levels`` is not a mapping of strings.

    Examples
    --------
    >>> from spindex import plot
    >>> plot.naming(units={"CHN": "China"}, levels={2: "dimensions"}, reset=True)["levels"]
    {2: 'dimensions'}
    >>> plot.naming(reset=True)["units"]
    {}
    """
    unit_map = _names_arg(units, "units", "naming")
    level_map = _names_arg(levels, "levels", "naming")
    bad = [k for k in level_map if isinstance(k, bool) or not isinstance(k, (int, np.integer))]
    if bad:
        raise ParameterError(
            f"The 'levels' parameter of spindex.plot.naming must map level numbers (1 = "
            f"indicators) to names. Got keys {bad} instead."
        )
    if reset:
        _REGISTRY["unit_names"].clear()
        _REGISTRY["level_names"].clear()
    _REGISTRY["unit_names"].update(unit_map)
    _REGISTRY["level_names"].update({int(k): v for k, v in level_map.items()})
    return {"units": dict(_REGISTRY["unit_names"]), "levels": dict(_REGISTRY["level_names"])}


def _names_arg(value: Any, name: str, caller: str) -> dict[Any, str]:
    if value is None:
        return {}
    if isinstance(value, pd.Series):
        value = value.dropna().to_dict()
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ParameterError(
            f"The '{name}' parameter of spindex.plot.{caller} must be a mapping (or a "
            f"Series) of labels to names (strings). Got {type(value).__name__} instead."
        )
    return dict(value)


def _unit_colour(unit: Hashable) -> str:
    """The unit's colour: the one registered, else the next free one of the scheme."""
    key = str(unit)
    units: dict[str, str] = _REGISTRY["units"]
    if key not in units:
        scheme: tuple[str, ...] = _REGISTRY["unit_scheme"]
        used = set(units.values())
        free = [c for c in scheme if c not in used]
        units[key] = free[0] if free else scheme[len(units) % len(scheme)]
    return units[key]


def _node_colour_of(fw: Framework, code: str) -> str:
    """A node's colour: the one registered, else its place among the nodes of its level."""
    nodes: dict[str, str] = _REGISTRY["nodes"]
    if code in nodes:
        return nodes[code]
    scheme: tuple[str, ...] = _REGISTRY["node_scheme"]
    level = fw.level(fw.node(code).level)
    return scheme[list(level).index(code) % len(scheme)]


def _level_name(fw: Framework, level: int) -> str:
    """The name of a level: set with :func:`naming`, or a default from its place."""
    names: dict[int, str] = _REGISTRY["level_names"]
    if level in names:
        return names[level]
    declared = {fw.node(c).attrs.get("level_name") for c in fw.level(level)} - {None}
    if len(declared) == 1:
        return str(declared.pop())
    if level == 1:
        return "indicators"
    if level == fw.n_levels:
        return "index"
    return "pillars" if level == 2 else "sub-indices"


def _check_labels(labels: Any, caller: str) -> str:
    return _choice(labels, ("names", "codes"), "labels", caller)


def _node_label(fw: Framework, code: str, labels: str, width: int = 24) -> str:
    """The node's full name wrapped to ``width`` characters (never cut), or its code."""
    text = fw.node(code).name if labels == "names" else code
    return _safe(textwrap.fill(str(text), width=width, break_long_words=False))


def _unit_label(unit: Hashable, labels: str, names: Mapping[Any, str] | None,
                width: int = 0) -> str:
    """A unit's name (``names``, then :func:`naming`, then its label) or its label."""
    text = str(unit)
    if labels == "names":
        if names is not None and unit in names:
            text = str(names[unit])
        elif unit in _REGISTRY["unit_names"]:
            text = str(_REGISTRY["unit_names"][unit])
    if width:
        text = textwrap.fill(text, width=width, break_long_words=False)
    return _safe(text)


def _unit_names_arg(value: Any, caller: str) -> dict[Any, str] | None:
    return _names_arg(value, "unit_names", caller) if value is not None else None


def _set_title(ax: Any, title: str | None, default: str, **kwargs: Any) -> None:
    """The title asked for (``""`` for none) or the function's default."""
    if title is not None and not isinstance(title, str):
        raise ParameterError(f"title must be a string or None. Got {type(title).__name__}.")
    ax.set_title(default if title is None else title, **kwargs)


def _integer_ticks(axis: Any) -> None:
    """Whole-number ticks only: a rank of 1.5 is not a rank."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _framework_arg(value: Any, caller: str) -> Framework | None:
    """The framework naming the nodes of an analysis figure (or None: codes are shown)."""
    if value is None or isinstance(value, Framework):
        return value
    fw = getattr(value, "framework", None)
    if isinstance(fw, Framework):
        return fw
    raise SpindexTypeError(
        f"The 'framework' parameter of spindex.plot.{caller} must be a Framework, a "
        f"CompositeIndex or an IndexResult. Got {type(value).__name__} instead."
    )


def _code_label(fw: Framework | None, code: Any, labels: str, width: int = 24) -> str:
    """A node's name when the framework knows it and names are asked for, else its code."""
    if fw is not None and labels == "names" and str(code) in fw.codes:
        return _node_label(fw, str(code), labels, width)
    return _safe(textwrap.fill(str(code), width=width, break_long_words=False))


def _rank_ticks(axis: Any, n_ranks: int) -> None:
    """Whole ranks only, starting at 1 (the best): 1, 5, 10, ... or 1, 2, 3, ..."""
    from matplotlib.ticker import FixedLocator

    n = max(int(n_ranks), 1)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9)
                if n / s <= 10)
    ticks = sorted({1, *range(step, n + 1, step)})
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_minor_locator(FixedLocator([]))
