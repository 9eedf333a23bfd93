"""Exceptions and warnings raised by spindex.

Every exception derives from :class:`SpindexError`, and each concrete class also
derives from the builtin it refines (``ValueError`` or ``TypeError``), so callers
may catch either the spindex class or the builtin.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "FrameworkError",
    "MethodError",
    "MissingDependencyError",
    "ParameterError",
    "ParameterTypeError",
    "SpindexError",
    "SpindexTypeError",
    "SpindexWarning",
]


class SpindexError(Exception):
    """Base class of every error raised by spindex."""


class FrameworkError(SpindexError, ValueError):
    """The indicator framework (tree, weights, directions) is invalid.

    Raised for duplicate codes, a missing parent, a cycle, several roots, a
    childless aggregate, negative or missing weights, all-zero sibling weights
    or a direction other than +1/-1.
    """


class DataError(SpindexError, ValueError):
    """The data cannot be scored with the framework.

    Raised for non-numeric or infinite indicator values, duplicated unit
    labels, missing indicator columns, all-missing indicators or empty tables.
    """


class MethodError(SpindexError, ValueError):
    """A method cannot be applied to the data it was given.

    Raised, for example, when a constant indicator is min-max normalised or a
    geometric mean meets a zero or negative value.
    """


class MissingDependencyError(SpindexError, ImportError):
    """An optional dependency is not installed (matplotlib for the ``plot`` extra, openpyxl or
    pyarrow for Excel or Parquet files); the message names the package to install.

    Also an :class:`ImportError`, so ``except ImportError`` catches it.
    """


class ParameterError(SpindexError, ValueError):
    """A parameter has an invalid value (unknown method name, out-of-range number)."""


class SpindexTypeError(SpindexError, TypeError):
    """A parameter has the wrong type (for example a list where a DataFrame is expected)."""


class ParameterTypeError(ParameterError, SpindexTypeError):
    """A run parameter (seed, count, flag, executor) of the wrong type.

    Both a :class:`ParameterError` (a ``ValueError``) and a
    :class:`SpindexTypeError` (a ``TypeError``), as scikit-learn's
    ``InvalidParameterError`` is: code that catches either keeps working, whether it expected
    ``n=3.0`` to be a bad value or a bad type.
    """


class SpindexWarning(UserWarning):
    """Warning issued by spindex when a result is valid but deserves attention."""
