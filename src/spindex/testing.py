"""Hypothesis strategies for frameworks and data, for spindex's tests and for users' own.

Requires the ``hypothesis`` package (in the ``dev`` extra).

>>> from hypothesis import given
>>> from spindex.testing import frameworks
>>> @given(frameworks())
... def test_weights_sum_to_one(fw):
...     assert abs(fw.effective_weights().sum() - 1) < 1e-12
>>> test_weights_sum_to_one()
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from spindex.framework import Framework

__all__ = ["framework_and_data", "frameworks", "indicator_data"]


@st.composite
def frameworks(
    draw: Any,
    *,
    max_levels: int = 3,
    max_children: int = 4,
    negative_directions: bool = True,
    min_levels: int = 2,
    zero_weights: bool = False,
    max_indicators: int | None = None,
) -> Framework:
    """Random valid frameworks: ``min_levels`` to ``max_levels`` levels (indicators are level 1,
    the root the highest, as in :attr:`Framework.n_levels`), 1 to ``max_children`` children each
    (at least 2 under the root).

    Weights are drawn from [0.1, 5]; with ``zero_weights`` a weight may also be 0, never for
    all the children of one node (a framework refuses that). Directions are +1, or +1/-1 when
    ``negative_directions`` is true. ``max_indicators`` bounds the size of deep, wide trees:
    once it is reached, the remaining aggregates get a single child each. Codes are ``I``
    (root), ``A0``, ``A1``... for aggregates and ``x0``, ``x1``... for indicators.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from spindex.testing import frameworks
    >>> @settings(max_examples=20)
    ... @given(frameworks(max_levels=6, max_children=8, zero_weights=True, max_indicators=30))
    ... def test_level_weights_sum_to_one(fw):
    ...     assert abs(fw.effective_weights().sum() - 1) < 1e-12
    >>> test_level_weights_sum_to_one()
    """
    levels = draw(st.integers(min_value=max(2, min_levels), max_value=max(2, max_levels)))
    nodes: dict[str, dict[str, Any]] = {"I": {}}
    counters = {"A": 0, "x": 0}
    positive = _POSITIVE_WEIGHT
    weight = _WEIGHT_OR_ZERO if zero_weights else _POSITIVE_WEIGHT
    direction = _DIRECTIONS if negative_directions else _PLUS_ONE
    # How many more leaves the tree may gain: a node with n children adds n - 1 of them.
    budget = {"extra": max_indicators - 1 if max_indicators is not None else 10**9}

    def grow(parent: str, depth: int) -> None:
        least = 2 if depth == 1 else 1
        most = max(least, min(max_children, budget["extra"] + 1))
        n_children = draw(st.integers(min_value=least, max_value=most))
        budget["extra"] -= n_children - 1
        siblings = []
        for _ in range(n_children):
            leaf = depth >= levels - 1
            prefix = "x" if leaf else "A"
            code = f"{prefix}{counters[prefix]}"
            counters[prefix] += 1
            attrs: dict[str, Any] = {"parent": parent, "weight": draw(weight)}
            if leaf:
                attrs["direction"] = draw(direction)
            nodes[code] = attrs
            siblings.append(code)
            if not leaf:
                grow(code, depth + 1)
        if not any(nodes[c]["weight"] > 0 for c in siblings):
            nodes[siblings[draw(st.integers(0, n_children - 1))]]["weight"] = draw(positive)

    grow("I", 1)
    return Framework.from_dict({"nodes": nodes})


# The strategies below are built once and reused. A strategy built anew inside a draw is
# validated anew on every example (hypothesis caches that per object), which took about half
# the generation time of the hard generators; the draws, and so the examples of the
# derandomised ``ci`` profile, are the same either way.
_POSITIVE_WEIGHT = st.floats(min_value=0.1, max_value=5.0, allow_nan=False)
# One weight in five is 0 with zero_weights: often enough to matter, rare enough that most
# groups keep several positive weights.
_ZERO_WEIGHT = st.just(0.0)
_WEIGHT_OR_ZERO = st.integers(0, 4).flatmap(
    lambda k: _ZERO_WEIGHT if k == 0 else _POSITIVE_WEIGHT
)
_DIRECTIONS = st.sampled_from([1, -1])
_PLUS_ONE = st.just(1)

#: Column scales of ``indicator_data(edge_cases=True)``: powers of ten from 1e-8 to 1e9.
_SCALES = st.integers(min_value=-8, max_value=9).map(lambda k: 10.0**k)


def _two_distinct(values: list[int]) -> bool:
    return len(set(values)) >= 2


@cache
def _values(low: int) -> st.SearchStrategy[int]:
    """Multiples of 1/8 from ``low / 8`` to 100, as integers (eighths)."""
    return st.integers(min_value=low, max_value=800)


@cache
def _lists(elements: st.SearchStrategy[Any], n: int) -> st.SearchStrategy[list[Any]]:
    """Lists of exactly ``n`` elements."""
    return st.lists(elements, min_size=n, max_size=n)


@cache
def _distinct_column(n: int, low: int) -> st.SearchStrategy[list[int]]:
    """``n`` values in eighths from ``low``, at least two of them distinct."""
    return _lists(_values(low), n).filter(_two_distinct)


@cache
def _holes(n: int, most: int) -> st.SearchStrategy[list[int]]:
    """Up to ``most`` distinct row positions out of ``n``."""
    return st.lists(st.integers(0, n - 1), max_size=most, unique=True)


@cache
def _edge_kinds(constant: bool) -> st.SearchStrategy[str]:
    return st.sampled_from(
        ["ordinary", "ties", "near_constant"] + (["constant"] if constant else [])
    )


@cache
def _tie_pool(low: int) -> st.SearchStrategy[list[int]]:
    return st.lists(_values(low), min_size=2, max_size=3, unique=True)


@st.composite
def _edge_column_draw(draw: Any, n: int, low: int, constant: bool) -> np.ndarray:
    """One column of an edge-case table: ordinary, heavily tied, near-constant or constant,
    on a scale from 1e-8 to 1e9."""
    kind = draw(_edge_kinds(constant))
    ints = _values(low)
    if kind == "constant" or n == 1:
        base = np.full(n, float(draw(ints)))
    elif kind == "ties":
        pool = draw(_tie_pool(low))
        picks = draw(_lists(st.integers(0, len(pool) - 1), n))
        picks[: 2] = [0, 1]  # both ends of the pool appear: at least two distinct values
        base = np.array([pool[i] for i in picks], dtype=float)
    elif kind == "near_constant":
        centre = float(draw(ints))
        steps = draw(_lists(st.integers(0, 3), n))
        steps[: 2] = [0, 1]
        # Distinct values a relative 1e-6 apart: far above rounding, far below the data's scale.
        base = centre + np.array(steps, dtype=float) * 1e-6 * max(abs(centre), 8.0)
    else:
        base = np.array(draw(_distinct_column(n, low)), dtype=float)
    return np.asarray(base / 8.0 * draw(_SCALES), dtype=float)


#: One edge-case column strategy per (n, low, constant), built on first use.
_edge_column = cache(_edge_column_draw)


@st.composite
def indicator_data(
    draw: Any,
    framework: Framework,
    *,
    min_units: int = 3,
    max_units: int = 12,
    missing: bool = False,
    positive: bool = False,
    edge_cases: bool = False,
    constant: bool = False,
) -> pd.DataFrame:
    """A wide data table for ``framework``: every indicator has at least two distinct values.

    Values are multiples of 1/8 in [-100, 100] (or [1, 100] if ``positive``), so that
    ranks and differences are exact. With ``missing``, up to a quarter of each column
    may be missing, keeping two distinct observed values and at least one value per unit.

    With ``edge_cases``, each column is, at random, ordinary, heavily tied (two or three
    distinct values), or near-constant (values a relative 1e-6 apart), times a power of ten
    from 1e-8 to 1e9 (positive values stay positive), and with ``missing`` up to 60 % of a
    column may be missing. ``constant`` also allows constant columns, and is implied by a
    table of a single unit; without it a table has at least two units. Pass ``min_units=1``
    for tables of one to three units.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from hypothesis import strategies as st
    >>> from spindex.testing import frameworks, indicator_data
    >>> @settings(max_examples=20)
    ... @given(st.data())
    ... def test_tables(data):
    ...     fw = data.draw(frameworks())
    ...     table = data.draw(indicator_data(fw, min_units=2, edge_cases=True, missing=True))
    ...     assert (table.notna().sum() >= 2).all()
    >>> test_tables()
    """
    lowest = min_units if constant else max(min_units, 2)
    n = draw(st.integers(min_value=lowest, max_value=max(lowest, max_units)))
    low = 8 if positive else -800
    share = 0.6 if edge_cases else 0.25
    columns = {}
    complete = {}
    for code in framework.indicators:
        if edge_cases:
            col = draw(_edge_column(n, low, constant))
        else:
            col = np.array(draw(_distinct_column(n, low)), dtype=float) / 8.0
        complete[code] = col
        if missing:
            holes = draw(_holes(n, int(share * n)))
            trial = col.copy()
            trial[holes] = np.nan
            kept = set(trial[~np.isnan(trial)])
            if len(kept) >= 2 or (constant and len(kept) >= 1 and len(set(col)) == 1):
                col = trial
        columns[code] = col
    table = pd.DataFrame(columns, index=[f"u{i}" for i in range(n)])
    # A unit with no observed value at all is an input error, not a case to generate.
    empty = table.isna().all(axis=1).to_numpy()
    first = framework.indicators[0]
    table.loc[empty, first] = complete[first][empty]
    return table


@st.composite
def framework_and_data(
    draw: Any, *, hard: bool = False, **kwargs: Any
) -> tuple[Framework, pd.DataFrame]:
    """A random framework with matching data (keyword arguments go to :func:`indicator_data`).

    With ``hard``, the framework has up to 6 levels, 8 children per node, zero weights and at
    most 24 indicators, and the data have edge cases (``edge_cases=True`` unless given).
    """
    if hard:
        fw = draw(frameworks(max_levels=6, max_children=8, zero_weights=True, max_indicators=24))
        kwargs.setdefault("edge_cases", True)
    else:
        fw = draw(frameworks())
    return fw, draw(indicator_data(fw, **kwargs))
