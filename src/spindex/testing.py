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
) -> Framework:
    """Random valid frameworks: 2 to ``max_levels`` levels, 1 to ``max_children`` children each.

    Weights are drawn from [0.1, 5]; directions are +1, or +1/-1 when
    ``negative_directions`` is true. Codes are ``I`` (root), ``A0``, ``A1``... for
    aggregates and ``x0``, ``x1``... for indicators.
    """
    levels = draw(st.integers(min_value=2, max_value=max_levels))
    nodes: dict[str, dict[str, Any]] = {"I": {}}
    counters = {"A": 0, "x": 0}
    weight = st.floats(min_value=0.1, max_value=5.0, allow_nan=False)
    direction = st.sampled_from([1, -1]) if negative_directions else st.just(1)

    def grow(parent: str, depth: int) -> None:
        n_children = draw(st.integers(min_value=2 if depth == 1 else 1, max_value=max_children))
        for _ in range(n_children):
            leaf = depth >= levels - 1
            prefix = "x" if leaf else "A"
            code = f"{prefix}{counters[prefix]}"
            counters[prefix] += 1
            attrs: dict[str, Any] = {"parent": parent, "weight": draw(weight)}
            if leaf:
                attrs["direction"] = draw(direction)
            nodes[code] = attrs
            if not leaf:
                grow(code, depth + 1)

    grow("I", 1)
    return Framework.from_dict({"nodes": nodes})


@st.composite
def indicator_data(
    draw: Any,
    framework: Framework,
    *,
    min_units: int = 3,
    max_units: int = 12,
    missing: bool = False,
    positive: bool = False,
) -> pd.DataFrame:
    """A wide data table for ``framework``: every indicator has at least two distinct values.

    Values are multiples of 1/8 in [-100, 100] (or [1, 100] if ``positive``), so that
    ranks and differences are exact. With ``missing``, up to a quarter of each column
    may be missing, keeping two distinct observed values and at least one value per unit.
    """
    n = draw(st.integers(min_value=min_units, max_value=max_units))
    low = 8 if positive else -800
    columns = {}
    complete = {}
    for code in framework.indicators:
        values = draw(
            st.lists(st.integers(min_value=low, max_value=800), min_size=n, max_size=n)
            .filter(lambda v: len(set(v)) >= 2)
        )
        col = np.array(values, dtype=float) / 8.0
        complete[code] = col
        if missing:
            holes = draw(st.lists(st.integers(0, n - 1), max_size=n // 4, unique=True))
            trial = col.copy()
            trial[holes] = np.nan
            if len(set(trial[~np.isnan(trial)])) >= 2:
                col = trial
        columns[code] = col
    table = pd.DataFrame(columns, index=[f"u{i}" for i in range(n)])
    # A unit with no observed value at all is an input error, not a case to generate.
    empty = table.isna().all(axis=1).to_numpy()
    first = framework.indicators[0]
    table.loc[empty, first] = complete[first][empty]
    return table


@st.composite
def framework_and_data(draw: Any, **kwargs: Any) -> tuple[Framework, pd.DataFrame]:
    """A random framework with matching data (keyword arguments go to :func:`indicator_data`)."""
    fw = draw(frameworks())
    return fw, draw(indicator_data(fw, **kwargs))
