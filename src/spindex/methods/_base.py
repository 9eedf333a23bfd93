"""Contracts shared by the method modules.

Methods are pure functions of numpy arrays. A normaliser maps a matrix of
indicator values (units x indicators, directions already applied, ``NaN`` for a
missing value) to a matrix of the same shape; an aggregator maps the matrix of a
node's children (units x children) and their weights to one column (units,).
The small context objects carry labels so that errors can name the culprit; the
methods never see pandas objects or the framework.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

__all__ = ["AggregationContext", "FloatArray", "NormalizationContext"]


@dataclass(frozen=True)
class NormalizationContext:
    """What a normaliser may know besides the values.

    Parameters
    ----------
    codes : tuple of str
        Indicator codes, one per column.
    units : tuple of str
        Unit labels, one per row.
    directions : ndarray of float
        +1 or -1 per column. The values passed to the normaliser have already
        been multiplied by these.
    meta : mapping of str to ndarray
        Per-indicator numeric metadata from the framework (for example
        ``"target"``, ``"goalpost_low"``, ``"goalpost_high"``), each an array with
        one entry per column in the raw units of the indicator (directions not
        applied); ``NaN`` where the framework gives no value.
    """

    codes: tuple[str, ...]
    units: tuple[str, ...]
    directions: FloatArray
    meta: Mapping[str, FloatArray] = field(default_factory=dict)


@dataclass(frozen=True)
class AggregationContext:
    """Labels an aggregator may use in its messages.

    Parameters
    ----------
    node : str
        Code of the node being computed.
    children : tuple of str
        Codes of the columns it aggregates.
    units : tuple of str
        Unit labels, one per row.
    """

    node: str
    children: tuple[str, ...]
    units: tuple[str, ...]


def context_for(codes: Sequence[str], n_units: int) -> NormalizationContext:
    """A neutral context for direct use of a normaliser on an array."""
    return NormalizationContext(
        codes=tuple(codes),
        units=tuple(str(i) for i in range(n_units)),
        directions=np.ones(len(codes)),
    )
