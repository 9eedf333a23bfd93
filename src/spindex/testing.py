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

    Weights are drawn from [0.1, 5], the same for all the children of a node in a quarter of
    the nodes; with ``zero_weights`` a weight may also be 0, never for all the children of
    one node (a framework refuses that). Each node's children are drawn as one string of
    bytes (see the module's source), which shrinks towards equal weights of 1. Directions
    are +1, or +1/-1 when ``negative_directions`` is true. ``max_indicators`` bounds the
    size of deep, wide trees: once it is reached, the remaining aggregates get a single
    child each. Codes are ``I``
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
    # How many more leaves the tree may gain: a node with n children adds n - 1 of them.
    budget = {"extra": max_indicators - 1 if max_indicators is not None else 10**9}
    group = _bytes(_GROUP_HEADER + _BYTES_PER_CHILD * max(2, max_children))

    def grow(parent: str, depth: int) -> None:
        # One drawn string of bytes per group: its size, and each child's weight, whether
        # that weight is 0, and direction (see _child_weights).
        raw = np.frombuffer(draw(group), dtype=np.uint8).astype(np.int64)
        least = 2 if depth == 1 else 1
        most = max(least, min(max_children, budget["extra"] + 1))
        n_children = least + int(raw[0]) % (most - least + 1)
        budget["extra"] -= n_children - 1
        weights, flips = _children(raw, n_children, zero_weights)
        leaf = depth >= levels - 1
        prefix = "x" if leaf else "A"
        for i in range(n_children):
            code = f"{prefix}{counters[prefix]}"
            counters[prefix] += 1
            attrs: dict[str, Any] = {"parent": parent, "weight": float(weights[i])}
            if leaf:
                attrs["direction"] = -1 if negative_directions and flips[i] else 1
            nodes[code] = attrs
            if not leaf:
                grow(code, depth + 1)

    grow("I", 1)
    return Framework.from_dict({"nodes": nodes})


# Frameworks, like tables, are drawn from strings of bytes that numpy reads: hypothesis's
# book-keeping per drawn choice cost more than anything else in the hard generators, so a
# group of siblings is one choice instead of three per child.
#: Bytes of a group before its children's: the number of children, which child keeps a
#: positive weight if all of them drew 0, and whether the children share one weight.
_GROUP_HEADER = 3
#: Bytes per child: two for the weight, one for whether it is 0, one for the direction.
_BYTES_PER_CHILD = 4
#: Weights that uniform draws would miss and that make exact ties between sibling groups
#: common; all-zero bytes give the first (equal weights).
_SIMPLE_WEIGHTS = np.array([1.0, 0.1, 5.0, 2.0, 0.5])


def _children(
    raw: np.ndarray, n_children: int, zero_weights: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The weights of a group's ``n_children`` children and whether each is flipped to
    direction -1, from the group's bytes ``raw``.

    In a quarter of the groups (zero bytes included) every child has the first child's
    weight: equal weights, the usual choice, under which units tie exactly. Otherwise a
    quarter of the weights are one of :data:`_SIMPLE_WEIGHTS`, the rest uniform on [0.1, 5].
    With ``zero_weights``, one in five is then set to 0, never all of a group's (the child
    that the header picks keeps its weight). Half the children are flipped."""
    child = raw[_GROUP_HEADER:].reshape(-1, _BYTES_PER_CHILD)[:n_children]
    u16 = child[:, 0] + 256 * child[:, 1]
    if raw[2] % 4 == 0:
        u16 = np.full(n_children, u16[0])
    uniform = 0.1 + (u16 - 2**14) / (2**16 - 1 - 2**14) * 4.9
    weights = np.where(u16 < 2**14, _SIMPLE_WEIGHTS[u16 % _SIMPLE_WEIGHTS.size], uniform)
    if zero_weights:
        zero = child[:, 2] % 5 == 4
        if zero.all():
            zero[int(raw[1]) % n_children] = False
        weights = np.where(zero, 0.0, weights)
    return weights, child[:, 3] % 2 == 1


# A table is drawn a column at a time: one string of bytes per column, from which numpy builds
# the column's kind, scale, values and gaps. Drawing value by value cost about 13 ms per hard
# example, most of it hypothesis's book-keeping per choice. Every mapping below sends zero
# bytes to the simplest case (an ordinary column near 0, scale 1, no gap), so that shrinking
# the bytes towards zero shrinks the table towards a simple one.
#: Header bytes of a column: kind, scale, number of gaps, size of the tie pool, and whether
#: its gaps follow the table's common order (in half the columns, see indicator_data).
_COLUMN_HEADER = 5
#: 16-bit integers after the header for the tie pool (or the constant, or the centre).
_POOL = 3
#: Powers of ten of the column scales of ``edge_cases``, 1e-8 to 1e9, simplest first.
_SCALE_POWERS = np.array([0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -7, 7, -8, 8, 9])
#: 16-bit integers of at least this (the top eighth) pick a special value: zero or an end of
#: the range, which uniform values alone would hardly ever reach.
_SPECIAL_FROM = 7 * 2**13


@cache
def _bytes(size: int) -> st.SearchStrategy[bytes]:
    """Exactly ``size`` bytes."""
    return st.binary(min_size=size, max_size=size)


def _eighths(raw: np.ndarray, low: int) -> np.ndarray:
    """One value in eighths from ``low`` to 800 per 16-bit integer of ``raw``.

    Integers below :data:`_SPECIAL_FROM` map onto the range, small ones onto the values
    nearest zero (0, -1, 1, -2, ... when ``low`` is negative); the others onto a special
    value (0 and both ends of the range)."""
    k = raw % (801 - low)
    if low < 0:
        values = np.where(k % 2 == 0, k // 2, -(k + 1) // 2)
        specials = np.array([0, low, 800])
    else:
        values = low + k
        specials = np.array([low, 800])
    return np.where(raw >= _SPECIAL_FROM, specials[raw % specials.size], values)


def _distinct(values: np.ndarray) -> np.ndarray:
    """``values`` (eighths from at most 800), the second changed by one eighth if all are
    equal: built with two distinct values rather than filtered for them."""
    values = values.astype(float)
    if values.size >= 2 and (values == values[0]).all():
        values[1] += 1 if values[1] < 800 else -1
    return values


def _column(
    buffer: bytes, n: int, low: int, kinds: int, common: np.ndarray, follow: int
) -> tuple[np.ndarray, float, int, np.ndarray]:
    """A column of ``n`` units from its bytes: its values in eighths, its scale, a byte for
    its number of gaps and the order in which its units lose their values: its own, or the
    table's ``common`` one (``follow`` = 0: never, 1: in half the columns, 2: always).

    The kinds are ordinary, heavily tied (two or three distinct values), near-constant (a
    relative 1e-6 apart) and constant, the first ``kinds`` of them (1: always ordinary)."""
    head = np.frombuffer(buffer, dtype=np.uint8, count=_COLUMN_HEADER).astype(np.int64)
    words = np.frombuffer(buffer, dtype="<u2", offset=_COLUMN_HEADER,
                          count=_POOL + 2 * n).astype(np.int64)
    pool, raw, gaps = words[:_POOL], words[_POOL:_POOL + n], words[_POOL + n:]
    kind = int(head[0]) % kinds
    scale = 10.0 ** int(_SCALE_POWERS[head[1] % _SCALE_POWERS.size])
    if kind == 3 or n == 1:
        values = np.full(n, float(_eighths(pool[:1], low)[0]))
    elif kind == 1:
        # Unique values in the order drawn, the first two distinct; both appear.
        tied = pd.unique(_distinct(_eighths(pool[: 2 + head[3] % 2], low)))
        picks = raw % tied.size
        picks[:2] = [0, 1]
        values = tied[picks]
    elif kind == 2:
        centre = float(_eighths(pool[:1], low)[0])
        steps = raw % 4
        steps[:2] = [0, 1]
        # Distinct values a relative 1e-6 apart: far above rounding, far below the data's scale.
        values = centre + steps * 1e-6 * max(abs(centre), 8.0)
    else:
        values = _distinct(_eighths(raw, low))
    # Units lose their values where ``gaps`` is smallest (ties by position).
    order = common if follow + head[4] % 2 >= 2 else np.argsort(gaps, kind="stable")
    return values, scale, int(head[2]), order


def _gap_count(byte: int, most: int) -> int:
    """How many values a column loses, from 0 to ``most``: none for a quarter of the bytes
    (zero included), all ``most`` for another quarter (heavy missingness is an edge worth
    reaching often), uniform otherwise."""
    if byte < 64:
        return 0
    if byte < 128:
        return most
    return byte % (most + 1)


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
    ranks and differences are exact; an eighth of them, on average, are 0 or an end of that
    range. With ``missing``, up to a quarter of each column may be missing, keeping two
    distinct observed values and at least one value per unit.

    With ``edge_cases``, each column is, at random, ordinary, heavily tied (two or three
    distinct values), or near-constant (values a relative 1e-6 apart), times a power of ten
    from 1e-8 to 1e9 (positive values stay positive), and with ``missing`` up to 60 % of a
    column may be missing. ``constant`` also allows constant columns, and is implied by a
    table of a single unit; without it a table has at least two units. Pass ``min_units=1``
    for tables of one to three units.

    Each column is drawn at once, as one string of bytes from which numpy builds its kind,
    scale, values and gaps; all-zero bytes give an ordinary column of values near 0, at
    scale 1 and without gaps, so that a failing example shrinks towards a simple table.
    In two tables of three, some or all columns lose their values in an order of the units
    common to the table, so that some units are observed on few indicators.

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
    # The size is a byte too: hypothesis's own integers came out at the smallest size for a
    # third of the tables once the rest of the table was a few choices.
    n = lowest + draw(_bytes(1))[0] % (max(lowest, max_units) - lowest + 1)
    low = 8 if positive else -800
    most = int((0.6 if edge_cases else 0.25) * n)
    kinds = (4 if constant else 3) if edge_cases else 1
    column = _bytes(_COLUMN_HEADER + 2 * (_POOL + 2 * n))
    # Columns may lose values in one common order of the units (none, half or all of them,
    # by the first byte): some units are then sparse across the table (observed on one
    # indicator only, say), as in real indices.
    shared = np.frombuffer(draw(_bytes(n + 1)), dtype=np.uint8)
    follow = int(shared[0]) % 3
    common = np.argsort(shared[1:], kind="stable")
    codes = framework.indicators
    complete = np.empty((n, len(codes)))
    values = np.empty((n, len(codes)))
    for j in range(len(codes)):
        eighths, scale, gap_byte, order = _column(draw(column), n, low, kinds, common, follow)
        col = eighths / 8.0 * (scale if edge_cases else 1.0)
        complete[:, j] = values[:, j] = col
        if missing:
            trial = col.copy()
            trial[order[: _gap_count(gap_byte, most)]] = np.nan
            kept = np.unique(trial[~np.isnan(trial)]).size
            if kept >= 2 or (constant and kept >= 1 and np.unique(col).size == 1):
                values[:, j] = trial
    # A unit with no observed value at all is an input error, not a case to generate.
    empty = np.isnan(values).all(axis=1)
    values[empty, 0] = complete[empty, 0]
    return pd.DataFrame(values, index=_units(n), columns=pd.Index(codes))


@cache
def _units(n: int) -> pd.Index:
    """The index of a table of ``n`` units (an Index is immutable: one per size will do)."""
    return pd.Index([f"u{i}" for i in range(n)])


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
