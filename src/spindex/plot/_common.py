"""Shared helpers of :mod:`spindex.plot`: matplotlib on demand, palette, labels, checks."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np

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
    text = [_safe(u) for u in labels]
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
