"""A live re-weighting explorer: one self-contained HTML page with a slider per weight.

The page embeds, for every unit, the scores of the nodes just below the aggregates that the
sliders change (these do not depend on the weights), and recomputes those aggregates in the
browser exactly as :class:`~spindex.model.CompositeIndex` does: power means (arithmetic,
geometric, harmonic, generalised) with the weights renormalised over the children each unit
has, and the coverage threshold. It shows the ranking with each node's contribution, and for a
pair of units the share of the weight simplex where each leads (exact, by the recurrence of
:func:`~spindex.analysis.dominance.simplex_share`, when the index is affine in the weights;
otherwise a quasi-random estimate, labelled as such) and the share at which each weight flips
the order. Plain JavaScript (``explore.js``) and CSS (``explore.css``) shipped with the
package and inlined in the page: no server, no network.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Hashable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.result import IndexResult

__all__ = ["explore", "explore_html"]

#: Colour-blind-safe colours (Okabe and Ito, 2008), one per node, in framework order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#999999")

# The aggregators the page recomputes, by their order p (spindex.methods.aggregate).
_POWER = {"arithmetic": 1.0, "geometric": 0.0, "harmonic": -1.0}


def _order(method: Any, code: str) -> float:
    name = getattr(method, "name", None)
    if name in _POWER:
        return _POWER[name]
    if name == "generalized":
        return float(method.p)
    raise MethodError(
        f"The explorer recomputes power means only (arithmetic, geometric, harmonic, "
        f"generalized), but node '{code}', whose score the weights change, is aggregated with "
        f"{name or type(method).__name__!r}. Choose a lower level, or one of these means."
    )


def _number(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _pair(result: IndexResult, pair: Sequence[Hashable] | None) -> tuple[int, int]:
    units = list(result.scores.index)
    if pair is None:
        order = result.ranks[result.framework.root].to_numpy(dtype=float, na_value=np.inf)
        top = np.argsort(order, kind="stable")
        return (int(top[0]), int(top[1])) if len(units) > 1 else (0, 0)
    if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise SpindexTypeError(
            f"The 'pair' of explore must be two unit labels, such as ('CHN', 'JPN'). Got "
            f"{pair!r} instead."
        )
    out = []
    for unit in pair:
        if unit not in result.scores.index:
            shown = ", ".join(repr(u) for u in units[:8]) + (", ..." if len(units) > 8 else "")
            raise DataError(f"Unit {unit!r} of the 'pair' of explore is not in the result; its "
                            f"units are {shown}.")
        out.append(units.index(unit))
    if out[0] == out[1]:
        raise ParameterError(f"The 'pair' of explore needs two different units. Got {pair!r}.")
    return out[0], out[1]


def _unit_names(result: IndexResult, names: Any) -> list[str]:
    units = list(result.scores.index)
    if names is None:
        return [str(u) for u in units]
    if isinstance(names, pd.Series):
        names = names.to_dict()
    if not isinstance(names, Mapping):
        raise SpindexTypeError(
            "The 'unit_names' of explore must map unit labels to names (a dict or a Series, "
            f"such as data['uName']). Got {type(names).__name__} instead."
        )
    return [str(names[u]) if u in names and not pd.isna(names[u]) else str(u) for u in units]


def _model_json(result: IndexResult, level: int | str | None,
                pair: Sequence[Hashable] | None, title: str,
                unit_names: Any = None) -> dict[str, Any]:
    fw = result.framework
    root = fw.root
    if level is None:
        level = fw.node(root).level - 1
    varying = [c for c in fw.level(level) if c != root]
    if not varying:
        raise ParameterError(
            f"The 'level' of explore must be below the index (1 to {fw.n_levels - 1}); level "
            f"{level!r} holds only the index, whose weight does not matter."
        )
    recomputed = {a for c in varying for a in fw.ancestors(c)}
    nodes = [c for c in fw.aggregates if c in recomputed]  # bottom-up, root last
    coverage = getattr(result.model, "_coverage", {})
    frontier = [c for n in nodes for c in fw.children(n) if c not in recomputed]
    scores = result.scores
    fixed = {c: [_number(v) for v in scores[c].to_numpy(dtype=float)] for c in frontier}
    groups: list[dict[str, Any]] = []
    position: dict[str, int] = {}
    for code in varying:
        parent = str(fw.parent(code))
        if parent not in position:
            position[parent] = len(groups)
            groups.append({"parent": parent, "parentName": fw.node(parent).name, "members": []})
    entries: list[dict[str, Any]] = []
    for i, code in enumerate(varying):
        g = position[str(fw.parent(code))]
        groups[g]["members"].append(i)
        entries.append({"code": code, "name": fw.node(code).name, "group": g,
                        "weight": float(fw.node(code).weight)})
    for group in groups:
        top = max(entries[i]["weight"] for i in group["members"])
        for i in group["members"]:
            # A slider shows its weight relative to the largest of its group, in [0, 1]: within
            # a group only the proportions count.
            entries[i]["start"] = entries[i]["weight"] / top if top > 0 else 1.0
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(frontier)}
    for entry in entries:
        entry["color"] = colors[entry["code"]]
    a, b = _pair(result, pair)
    units = list(scores.index)
    level_number = fw.node(varying[0]).level
    return {
        "title": title,
        "root": root,
        "units": [u if isinstance(u, (int, float)) and not isinstance(u, bool) else str(u)
                  for u in units],
        "unitNames": _unit_names(result, unit_names),
        "levelName": "Pillars" if level_number == fw.n_levels - 1 else f"Level {level_number}",
        "varying": entries,
        "groups": groups,
        "nodes": [{
            "code": code, "parent": fw.parent(code),
            "p": _order(result.model.aggregator(code), code),
            "coverage": coverage.get(code),
            "children": [{"code": c, "weight": float(fw.node(c).weight)}
                         for c in fw.children(code)],
        } for code in nodes],
        "fixed": fixed,
        "frontier": frontier,
        "names": {c: fw.node(c).name for c in frontier},
        "colors": colors,
        "pair": [a, b],
        "nominal": [_number(v) for v in scores[root].to_numpy(dtype=float)],
    }


def _asset(name: str) -> str:
    return resources.files("spindex").joinpath(name).read_text(encoding="utf-8")


def _describe(result: IndexResult) -> str:
    model = result.model
    fw = result.framework
    means = sorted({str(getattr(model.aggregator(c), "name", "custom")) for c in fw.aggregates})
    spec = model.normalize
    normalize = (spec if isinstance(spec, str) else "chosen per indicator"
                 if isinstance(spec, Mapping) else getattr(spec, "name", type(spec).__name__))
    return (f"{len(result.scores)} units, {len(fw.indicators)} indicators; normalisation "
            f"{normalize}; aggregation {', '.join(means)}.")


def explore_html(
    result: IndexResult,
    *,
    level: int | str | None = None,
    pair: Sequence[Hashable] | None = None,
    title: str | None = None,
    unit_names: Mapping[Any, str] | pd.Series | None = None,
) -> str:
    """The explorer page as a string (see :func:`explore`).

    Parameters
    ----------
    result : IndexResult
        The scored model.
    level : int or str, optional
        Level whose weights get a slider each (default: the children of the index, the
        pillars).
    pair : pair of unit labels, optional
        The two units compared first (default: the top two); the reader can pick others.
    title : str, optional
        Title of the page.
    unit_names : mapping or Series, optional
        Names to show for the units (for example ``data["uName"]``); default: the labels.

    Returns
    -------
    str
        A complete HTML document.

    Raises
    ------
    SpindexTypeError
        If ``result`` is not an IndexResult, ``pair`` is not two labels or ``unit_names``
        not a mapping.
    ParameterError
        If ``level`` holds only the index, or ``pair`` names one unit twice.
    DataError
        If a unit of ``pair`` is not in the result.
    MethodError
        If an aggregate above the level is not a power mean (median, Mazziotta-Pareto,
        Copeland or a function), which the page cannot recompute.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> page = sp.explore_html(res, pair=("CHN", "JPN"))
    >>> page.startswith("<!DOCTYPE html>") and "https://" not in page
    True
    """
    if not isinstance(result, IndexResult):
        raise SpindexTypeError(
            f"explore needs an IndexResult (model.score(data)). Got {type(result).__name__} "
            "instead."
        )
    if title is not None and not isinstance(title, str):
        raise SpindexTypeError(f"The 'title' of explore must be a string. Got "
                               f"{type(title).__name__} instead.")
    fw = result.framework
    title = title or f"{fw.node(fw.root).name}: re-weight it yourself"
    model = _model_json(result, level, pair, title, unit_names)
    # "</" may not appear inside a script element; "<\/" is the same JSON string.
    payload = json.dumps(model, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    script = _asset("explore.js").replace("</", "<\\/")
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="spindex explore">
<title>{esc(title)}</title>
<style>
{_asset("explore.css")}
</style>
</head>
<body>
<header>
<h1>{esc(title)}</h1>
<p>Move a slider to change a weight: the scores, the ranking and each part of the bars are
recomputed at once, exactly as spindex computes them (weights are renormalised within each group
and over the parts a unit has data for). {esc(_describe(result))}</p>
</header>
<main>
<div>
<h2>Weights</h2>
<div id="sliders"></div>
<div class="buttons"><button id="reset" type="button">Nominal weights</button><button
id="equal" type="button">Equal weights</button></div>
<p id="warning" role="alert"></p>
<section class="pair">
<h2>Pair comparison</h2>
<label>Compare <select id="pair-a" aria-label="first unit"></select></label>
<label>with <select id="pair-b" aria-label="second unit"></select></label>
<div id="pair-result"></div>
<p class="note">Under each slider: the share of its group at which that weight, moved alone
(the others keeping their proportions), flips the order of the pair.</p>
</section>
</div>
<div>
<h2>Ranking</h2>
<div id="legend"></div>
<ol id="ranking" aria-live="polite"></ol>
</div>
</main>
<footer>Written by spindex {esc(_version())}. Works offline: the data and the code are in this
file.</footer>
<script type="application/json" id="spindex-model">{payload}</script>
<script>
{script}
</script>
</body>
</html>
"""


def _version() -> str:
    from spindex import __version__

    return __version__


def explore(
    result: IndexResult,
    path: str | Path,
    *,
    level: int | str | None = None,
    pair: Sequence[Hashable] | None = None,
    title: str | None = None,
    unit_names: Mapping[Any, str] | pd.Series | None = None,
) -> Path:
    """Write a live re-weighting explorer: one self-contained HTML file.

    A reader moves one slider per pillar (or per node of ``level``) and sees the index
    scores, the ranking bars and each node's contribution update at once. The page recomputes
    the aggregates above the level from the embedded scores of the nodes below them, with the
    library's rules (power means, weights renormalised over the children a unit has, coverage
    thresholds), so the scores shown equal ``model.with_weights(...).score(data)``. For a pair
    of units it shows the share of the weight simplex where each leads -- exact (the
    recurrence of :func:`~spindex.simplex_share`, as :func:`~spindex.dominance` computes it)
    when the index is affine in the weights of one group, otherwise estimated from 16,384
    quasi-random weightings and labelled so -- and, under each slider, the share of its group
    at which that weight flips the order. No server, no network: it opens from disk.

    Parameters
    ----------
    result : IndexResult
        The scored model.
    path : str or Path
        The ``.html`` file to write.
    level : int or str, optional
        Level whose weights get a slider each (default: the children of the index).
    pair : pair of unit labels, optional
        The two units compared first (default: the top two).
    title : str, optional
        Title of the page.
    unit_names : mapping or Series, optional
        Names to show for the units (default: their labels).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SpindexTypeError, ParameterError, DataError, MethodError
        As :func:`explore_html`; ParameterError also if ``path`` does not end in ``.html``
        or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib, spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    >>> res = sp.soft_power_model(fw).score(sp.datasets.load("asean"))
    >>> out = sp.explore(res, pathlib.Path(tempfile.mkdtemp()) / "explorer.html",
    ...                  pair=("CHN", "JPN"))
    >>> out.name
    'explorer.html'
    """
    if not isinstance(path, (str, Path)):
        raise SpindexTypeError(f"The 'path' of explore must be a string or a Path. Got "
                               f"{type(path).__name__} instead.")
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(f"The 'path' of explore must end in .html. Got {str(target)!r} "
                             "instead.")
    page = explore_html(result, level=level, pair=pair, title=title, unit_names=unit_names)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"Cannot write {target}: {exc.strerror or exc}") from None
    return target
