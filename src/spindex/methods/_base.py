"""Contracts shared by the method modules.

Methods are pure functions of numpy arrays. A normaliser maps a matrix of
indicator values (units x indicators, directions already applied, ``NaN`` for a
missing value) to a matrix of the same shape; an aggregator maps the matrix of a
node's children (units x children) and their weights to one column (units,).
The small context objects carry labels so that errors can name the culprit; the
methods never see pandas objects or the framework.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spindex.errors import MethodError, SpindexError

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


# ----------------------------------------------------------------- user code
def callable_label(func: Any) -> str:
    """How a user function or method object is named in messages."""
    name = getattr(func, "__name__", None)
    if name is None:
        name = getattr(func, "name", None) or type(func).__name__
    return str(name)


def call_user(
    func: Callable[..., Any], args: tuple[Any, ...], *, role: str, subject: str, contract: str
) -> FloatArray:
    """Call user code and return its result as a float array, or raise :class:`MethodError`.

    This is the one place where spindex calls a function a user wrote (a normaliser
    ``f(x)``, an aggregator ``f(X, w)``, an imputer or a treatment ``f(x)``). A call that
    cannot bind ``args``, an exception raised inside ``func`` (chained as the cause), a
    result that is not numeric and a complex result all become a ``MethodError`` naming
    ``role`` (``"normalisation function"``), the function, ``subject`` (``"indicator
    'gdp'"``, ``"node 'Aid'"``) and the ``contract`` the function must keep. A
    :class:`~spindex.errors.SpindexError` raised inside passes through unchanged. Shape
    and missing-value rules differ by step and are checked by the caller.
    """
    label = callable_label(func)
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None  # some builtins have none; a bad call is then caught below
    if signature is not None:
        try:
            signature.bind(*args)
        except TypeError as exc:
            raise MethodError(
                f"The {role} {label}{signature} cannot be called with {len(args)} positional "
                f"argument(s) for {subject} ({exc}). {contract}"
            ) from exc
    try:
        result = func(*args)
    except SpindexError:
        raise
    except Exception as exc:
        raise MethodError(
            f"The {role} {label} raised {type(exc).__name__} for {subject}: {exc}. {contract}"
        ) from exc
    return user_floats(result, role=role, label=label, subject=subject, contract=contract)


def user_floats(
    result: Any, *, role: str, label: str, subject: str, contract: str
) -> FloatArray:
    """The output of user code as float64, refusing text, objects that are not numbers and
    complex values (whose imaginary part numpy would otherwise drop with only a warning)."""
    try:
        arr = np.asarray(result)
    except (TypeError, ValueError) as exc:
        raise MethodError(
            f"The {role} {label} returned {type(result).__name__}, which is not an array of "
            f"numbers, for {subject}: {exc}. {contract}"
        ) from exc
    if np.iscomplexobj(arr) or (
        arr.dtype == object and any(isinstance(v, complex) for v in arr.ravel().tolist())
    ):
        flat = arr.ravel()
        position = next(i for i, v in enumerate(flat.tolist())
                        if isinstance(v, complex) and v.imag != 0) if any(
            isinstance(v, complex) and v.imag != 0 for v in flat.tolist()) else 0
        raise MethodError(
            f"The {role} {label} returned complex values for {subject}, e.g. the complex "
            f"number {complex(flat[position])!r} at position {position}; spindex works with "
            f"real numbers only (a log or a root of a negative value?). {contract}"
        )
    if arr.dtype.kind not in "biufO":
        raise MethodError(
            f"The {role} {label} returned values of dtype {arr.dtype}, not numbers, for "
            f"{subject}. {contract}"
        )
    try:
        return np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MethodError(
            f"The {role} {label} did not return numbers for {subject}: {exc}. {contract}"
        ) from exc
