"""One set of checks for the numbers and keyed mappings users hand to spindex.

Every public entry point that takes a table of values, an array of numbers or a
mapping keyed by codes runs its input through these helpers, so that the same bad
input gets the same answer everywhere:

* **values** must be real and finite: complex numbers, booleans, text and
  ``+-inf`` are refused, naming the column, the unit (row label) and the value;
* **missing** is ``NaN``, ``None``, ``pd.NA`` or ``pd.NaT``; pandas nullable
  dtypes (``Int64``, ``Float64``) are read with ``<NA>`` as missing;
* a **categorical** column whose categories are numbers is read as those numbers;
  one whose categories are not numbers is refused like text;
* an **object** column is accepted when every entry is a real number or missing;
  numbers written as text (``"1.5"``) are refused with a pointer to
  ``pandas.to_numeric``, because text in a data table is usually a sign of a
  parsing problem (thousands separators, footnote marks) that a silent conversion
  would hide;
* **keyed mappings** may name only known keys; an unknown key is refused with the
  closest known ones ("did you mean ...?"), and two keys that name the same code
  (``1`` and ``"1"``, or a Series with a repeated label) are refused too.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from spindex.errors import DataError, ParameterError, SpindexError, SpindexTypeError

__all__ = [
    "check_keys",
    "is_integer_key",
    "is_missing",
    "keyed_items",
    "real_array",
    "real_column",
    "real_number",
    "real_table",
    "suggest",
]

_FIX = "use NaN for a missing value or fix the source data"


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT`` (the missing markers pandas uses)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _describe(value: object, where: str = "") -> str:
    """Why a single entry is not a real number (``where`` says where it is), for messages."""
    at = f" {where}" if where else ""
    if isinstance(value, bool | np.bool_):
        return (f"the boolean {value!r}{at}; write booleans as 0/1 numbers "
                "(e.g. .astype(float))")
    if isinstance(value, complex | np.complexfloating):
        return (f"the complex number {value!r}{at}; only real numbers are accepted (take .real "
                "if the imaginary parts are meant to be zero)")
    if isinstance(value, str):
        return (f"the text {value!r}{at}, which is not a number; convert it to numbers, e.g. with "
                "pandas.to_numeric(column, errors='coerce') after checking what the text means")
    return f"{value!r} of type {type(value).__name__}{at}; give real numbers only"


def real_column(col: pd.Series, subject: str, error: type[SpindexError] = DataError,
                *, allow_inf: bool = False, where: Callable[[int], str] | None = None
                ) -> np.ndarray:
    """The values of one column as a new float array, NaN for missing.

    ``subject`` starts the messages (e.g. ``"Indicator 'GDP'"``); ``where(i)`` says where the
    first bad value is (default: ``"for unit <its row label>"``).
    """
    if where is None:
        where = _unit_of(col)

    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if not (pd.api.types.is_numeric_dtype(categories.dtype)
                and not pd.api.types.is_bool_dtype(categories.dtype)
                and not pd.api.types.is_complex_dtype(categories.dtype)):
            return _refuse_entries(col, subject, error, where)
        codes = col.cat.codes.to_numpy()
        # Code -1 marks a missing value (appending NaN also covers a column with no category).
        values = np.append(np.asarray(categories, dtype=float), np.nan)[codes]
    elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        return _refuse_entries(col, subject, error, where)
    elif pd.api.types.is_numeric_dtype(dtype):
        values = col.to_numpy(dtype=float, na_value=np.nan, copy=True)
    elif pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return _refuse_entries(col, subject, error, where)
    elif pd.api.types.is_object_dtype(dtype):
        entries = col.to_numpy(dtype=object)
        ok = np.fromiter((_is_real(v) or is_missing(v) for v in entries), bool, len(entries))
        if not ok.all():
            return _refuse_entries(col, subject, error, where, ok)
        values = np.array([np.nan if is_missing(v) else float(v) for v in entries], dtype=float)
    else:
        raise error(
            f"{subject} is not numeric: its column has dtype {dtype}. Convert it to real "
            "numbers, with NaN for missing values."
        )
    if not allow_inf:
        infinite = np.isinf(values)
        if infinite.any():
            i = int(np.argmax(infinite))
            raise error(
                f"{subject} has an infinite value {where(i)} ({float(values[i])!r}); {_FIX}."
            )
    return values


def _unit_of(col: pd.Series) -> Callable[[int], str]:
    return lambda i: f"for unit {col.index[i]!r}"


def _refuse_entries(col: pd.Series, subject: str, error: type[SpindexError],
                    where: Callable[[int], str], ok: np.ndarray | None = None) -> np.ndarray:
    entries = col.to_numpy(dtype=object)
    if ok is None:
        ok = np.fromiter((is_missing(v) for v in entries), bool, len(entries))
        if pd.api.types.is_complex_dtype(col.dtype):
            # Point at the first value with an imaginary part, if there is one.
            ok = ok | (np.imag(col.to_numpy()) == 0)
            if ok.all():
                ok = np.fromiter((is_missing(v) for v in entries), bool, len(entries))
    if ok.all():
        raise error(
            f"{subject} is not numeric: its column has dtype {col.dtype}. Convert it to real "
            "numbers, with NaN for missing values."
        )
    i = int(np.argmin(ok))
    raise error(
        f"{subject} is not numeric (dtype {col.dtype}): it has "
        f"{_describe(entries[i], where(i))}."
    )


def real_table(frame: pd.DataFrame, columns: Sequence[Hashable], subject: str,
               error: type[SpindexError] = DataError, *, allow_inf: bool = False
               ) -> pd.DataFrame:
    """The given columns of ``frame`` as a new float frame (same index), each checked by
    :func:`real_column`; ``subject`` is a format string with ``{code!r}``, such as
    ``"Indicator {code!r}"``."""
    out = {code: real_column(frame[code], subject.format(code=code), error,
                             allow_inf=allow_inf)
           for code in columns}
    return pd.DataFrame(out, index=frame.index.copy(), columns=list(columns))


def real_array(values: Any, name: str, *, allow_nan: bool = False, allow_inf: bool = False,
               labels: Callable[[tuple[int, ...]], str] | None = None,
               error: type[SpindexError] = ParameterError) -> np.ndarray:
    """A new float array from numbers (array, list, Series or DataFrame), refusing complex,
    boolean and text entries, and (unless ``allow_nan`` / ``allow_inf``) missing values and
    infinities.

    ``name`` starts the messages (e.g. ``"The 'budgets' parameter of budget_allocation"``);
    ``labels`` turns the position of the first bad entry into words (default: its index).
    """
    if isinstance(values, pd.DataFrame | pd.Series):
        dtypes = values.dtypes if isinstance(values, pd.DataFrame) else [values.dtype]
        plain = all(pd.api.types.is_numeric_dtype(d) and not pd.api.types.is_bool_dtype(d)
                    and not pd.api.types.is_complex_dtype(d)
                    and not isinstance(d, pd.CategoricalDtype) for d in dtypes)
        values = (values.to_numpy(dtype=float, na_value=np.nan) if plain
                  else values.to_numpy(dtype=object))

    def where(idx: tuple[int, ...]) -> str:
        if labels is not None:
            return labels(idx)
        return f"at position {idx[0] if len(idx) == 1 else idx}" if idx else "as its value"

    try:
        # A list keeps each entry's own type (np.asarray would turn [1.0, "3"] into text).
        raw = values if isinstance(values, np.ndarray) else np.array(values, dtype=object)
        if raw.dtype == object and raw.size and all(_is_real(v) for v in raw.reshape(-1)):
            raw = raw.astype(float)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise SpindexTypeError(f"{name} must be an array of real numbers: {exc}.") from None
    if raw.dtype.kind in "fiu":
        # The common case, checked without looking at entries one by one.
        out = raw.astype(float, copy=True)
        missing = np.isnan(out)
    else:
        raw = raw.astype(object)
        out, missing = _object_array(raw, name, where, error)
    if missing.any() and not allow_nan:
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(missing)), raw.shape))
        raise error(f"{name} has a missing value (NaN) {where(idx)}; give a number.")
    infinite = np.isinf(out)
    if infinite.any() and not allow_inf:
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(infinite)), raw.shape))
        raise error(f"{name} has an infinite value ({float(out[idx])!r}) {where(idx)}; give finite "
                    "numbers.")
    return out


def _object_array(raw: np.ndarray, name: str, where: Callable[[tuple[int, ...]], str],
                  error: type[SpindexError]) -> tuple[np.ndarray, np.ndarray]:
    flat = raw.reshape(-1)
    missing = np.fromiter((is_missing(v) for v in flat), bool, flat.size)
    real = np.fromiter((_is_real(v) for v in flat), bool, flat.size)
    bad = ~(real | missing)
    imaginary = bad & np.fromiter((isinstance(v, complex | np.complexfloating) and v.imag != 0
                                   for v in flat), bool, flat.size)
    if imaginary.any():
        # Point at the first value with an imaginary part, if there is one.
        bad = imaginary
    if bad.any():
        first = int(np.argmax(bad))
        idx = tuple(int(i) for i in np.unravel_index(first, raw.shape))
        raise error(f"{name} has {_describe(flat[first], where(idx))}.")
    out = np.full(raw.shape, np.nan)
    out.reshape(-1)[~missing] = np.array([float(v) for v in flat[~missing]], dtype=float)
    return out, missing.reshape(raw.shape)


def real_number(value: object, name: str, *, allow_nan: bool = False, allow_inf: bool = False,
                error: type[SpindexError] = ParameterError) -> float:
    """One real number, finite unless ``allow_inf``, NaN only with ``allow_nan``; ``name``
    starts the message."""
    if not _is_real(value):
        if is_missing(value) and allow_nan:
            return math.nan
        kind = SpindexTypeError if not is_missing(value) else error
        raise kind(f"{name} must be a real number. Got {_describe(value)}.")
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number) and not allow_nan:
        raise error(f"{name} must be a number, not NaN.")
    if math.isinf(number) and not allow_inf:
        raise error(f"{name} must be finite. Got {number!r} instead.")
    return number


def suggest(key: object, candidates: Iterable[object]) -> str:
    """" Did you mean 'x'?" for the closest candidates of ``key`` (empty if none is close)."""
    names = [str(c) for c in candidates]
    close = difflib.get_close_matches(str(key), names, n=3, cutoff=0.5)
    if not close:
        folded = {n.lower(): n for n in names}
        close = [folded[str(key).lower()]] if str(key).lower() in folded else []
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"


def keyed_items(mapping: Mapping[Any, Any] | pd.Series, parameter: str,
                error: type[SpindexError] = ParameterError,
                key: Callable[[Any], Hashable] = str) -> list[tuple[Any, Any]]:
    """The (key, value) pairs of a mapping or a Series, refusing two keys that name the same
    entry once normalised by ``key`` (a repeated Series label, or ``1`` and ``"1"``)."""
    pairs = list(mapping.items())
    seen: dict[Hashable, Any] = {}
    for k, _ in pairs:
        norm = key(k)
        if norm in seen:
            twice = f"{k!r} twice" if repr(k) == repr(seen[norm]) else (
                f"one entry twice ({seen[norm]!r} and {k!r})")
            raise error(f"{parameter} names {twice}; give each key once.")
        seen[norm] = k
    return pairs


def check_keys(keys: Iterable[object], known: Sequence[object], parameter: str,
               error: type[SpindexError] = ParameterError, *, what: str = "a node of the "
               "framework", fix: str = "") -> None:
    """Refuse the first key not in ``known``, suggesting the closest known ones."""
    allowed = set(known)
    for k in keys:
        if k not in allowed:
            hint = suggest(k, known)
            raise error(
                f"{parameter} names {k!r}, which is not {what}.{hint}{' ' + fix if fix else ''}"
            )


def is_integer_key(key: object) -> bool:
    """An int-like key (a level number), not a bool."""
    return isinstance(key, Integral) and not isinstance(key, bool | np.bool_)
