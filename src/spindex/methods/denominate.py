"""Denomination: turn extensive indicators into intensive ones (per capita, per GDP, ...).

An indicator ``x`` is divided by a denominator ``d`` (population, GDP, area, ...)
as COINr 1.1.14's ``Denominate()`` does it: ``x / (d / scale)``, with a scale
factor (default 1) that keeps the results in a readable range, e.g. ``scale =
1000`` with a population in people gives values per thousand people.

A denominator must be a positive number for every unit. Zero, negative,
infinite or non-numeric denominators are errors. A missing denominator is an
error too where the indicator is observed, unless ``missing="propagate"``, which
makes the denominated value missing (COINr's behaviour; impute it afterwards).

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 5.
.. [2] Becker, W. et al. (2022). COINr: an R package for developing composite
   indicators. *Journal of Open Source Software* 7(78), 4567.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from spindex._values import real_array
from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.methods._base import FloatArray
from spindex.methods.normalize import _check_real, _fmt_labels

__all__ = ["Denominate", "denominate"]

MissingDenominator = Literal["error", "propagate"]


@dataclass(frozen=True)
class Denominate:
    """Which indicators to divide by which denominator column (a pipeline step).

    Parameters
    ----------
    by : "framework" or mapping of str to str, default "framework"
        ``"framework"``: each indicator's ``denominator`` attribute in the
        framework (the ``Denominator`` column of a COINr iMeta table; indicators
        without one are left as they are). A mapping gives the denominator
        column for each indicator to denominate (``None`` to leave one out).
    scale : float or mapping of str to float, default 1
        Scale factor: the result is ``x / (d / scale)``. One number for every
        indicator, or one per indicator code (1 for those not named).
    missing : {"error", "propagate"}, default "error"
        What a missing denominator does to an observed indicator value:
        ``"error"`` raises :class:`~spindex.errors.DataError` naming the unit;
        ``"propagate"`` makes the value missing (COINr's behaviour) and records
        it in the log.

    Raises
    ------
    ParameterError, SpindexTypeError
        For an invalid parameter.

    Examples
    --------
    >>> from spindex.methods.denominate import Denominate
    >>> step = Denominate({"Goods": "GDP"}, scale=1000)
    >>> step.denominator("Goods"), step.scale_of("Goods")
    ('GDP', 1000.0)
    """

    by: str | Mapping[str, str | None] = field(default="framework", hash=False)
    scale: float | Mapping[str, float] = field(default=1.0, hash=False)
    missing: MissingDenominator = "error"

    def __post_init__(self) -> None:
        if isinstance(self.by, str):
            if self.by != "framework":
                raise ParameterError(
                    "The 'by' parameter of Denominate must be 'framework' or a mapping from "
                    f"indicator to denominator column. Got {self.by!r} instead."
                )
        elif isinstance(self.by, Mapping):
            for key, value in self.by.items():
                if value is not None and not isinstance(value, str):
                    raise SpindexTypeError(
                        f"The denominator of indicator {key!r} must be a column name (str) or "
                        f"None. Got {value!r} instead."
                    )
            object.__setattr__(self, "by", MappingProxyType({str(k): v for k, v in
                                                              self.by.items()}))
        else:
            raise SpindexTypeError(
                "The 'by' parameter of Denominate must be 'framework' or a mapping. Got "
                f"{type(self.by).__name__} instead."
            )
        if isinstance(self.scale, Mapping):
            checked = {str(k): _positive(f"scale[{k!r}]", v) for k, v in self.scale.items()}
            object.__setattr__(self, "scale", MappingProxyType(checked))
        else:
            object.__setattr__(self, "scale", _positive("scale", self.scale))
        if self.missing not in ("error", "propagate"):
            raise ParameterError(
                "The 'missing' parameter of Denominate must be one of {'error', 'propagate'}. "
                f"Got {self.missing!r} instead."
            )

    def denominator(self, indicator: str, framework_value: object = None) -> str | None:
        """The denominator column of an indicator, or None if it is not denominated.

        Parameters
        ----------
        indicator : str
            Indicator code.
        framework_value : object, optional
            The indicator's ``denominator`` attribute in the framework (used when
            ``by="framework"``).
        """
        if isinstance(self.by, Mapping):
            return self.by.get(indicator)
        if framework_value is None or (isinstance(framework_value, float)
                                       and np.isnan(framework_value)):
            return None
        text = str(framework_value).strip()
        return text or None

    def scale_of(self, indicator: str) -> float:
        """The scale factor of an indicator."""
        if isinstance(self.scale, Mapping):
            return float(self.scale.get(indicator, 1.0))
        return float(self.scale)


def _positive(pname: str, value: object) -> float:
    number = _check_real("Denominate", pname, value)
    if number <= 0:
        raise ParameterError(
            f"The '{pname}' parameter of Denominate must be > 0. Got {number!r} instead."
        )
    return number


def denominate(
    X: FloatArray,
    D: FloatArray,
    scale: FloatArray,
    *,
    codes: Sequence[str],
    denominators: Sequence[str],
    units: Sequence[str],
    missing: MissingDenominator = "error",
) -> tuple[FloatArray, np.ndarray]:
    """Divide indicator columns by denominator columns: ``X / (D / scale)``.

    Parameters
    ----------
    X : ndarray of shape (n_units, k)
        Indicator values; ``NaN`` marks a missing value.
    D : ndarray of shape (n_units, k)
        The denominator of each column of ``X`` (a column may repeat).
    scale : ndarray of shape (k,)
        Positive scale factors.
    codes, denominators : sequence of str
        Indicator codes and denominator names, one per column, for messages.
    units : sequence of str
        Unit labels, one per row, for messages.
    missing : {"error", "propagate"}, default "error"
        See :class:`Denominate`.

    Returns
    -------
    values : ndarray of shape (n_units, k)
        The denominated values (a new array).
    created : ndarray of bool, shape (n_units, k)
        Where an observed value became missing because its denominator is missing.

    Raises
    ------
    DataError
        For a zero, negative or infinite denominator, or (with ``missing="error"``)
        a missing denominator where the indicator is observed.

    Examples
    --------
    >>> import numpy as np
    >>> from spindex.methods.denominate import denominate
    >>> out, created = denominate(np.array([[10.0], [6.0]]), np.array([[2.0], [3.0]]),
    ...                           np.array([1.0]), codes=["gdp"], denominators=["pop"],
    ...                           units=["a", "b"])
    >>> out.ravel().tolist()
    [5.0, 2.0]
    """
    # Refused rather than cast: a cast would drop an imaginary part in silence.
    A = real_array(X, "The indicator values given to denominate", allow_nan=True,
                   allow_inf=True, error=DataError)
    B = real_array(D, "The denominators given to denominate", allow_nan=True, allow_inf=True,
                   error=DataError)
    s = real_array(scale, "The 'scale' of denominate", error=ParameterError)
    if A.shape != B.shape or A.ndim != 2 or s.shape != (A.shape[1],):
        raise DataError(
            f"denominate needs X and D of the same 2-D shape and one scale per column; got "
            f"{A.shape}, {B.shape} and {s.shape}."
        )
    nonpositive = ~np.isnan(B) & ~(B > 0)
    infinite = np.isinf(B)
    for bad, what in ((infinite, "an infinite"), (nonpositive, "a zero or negative")):
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            units_bad = [str(units[int(r)]) for r in np.flatnonzero(bad[:, j])]
            raise DataError(
                f"The denominator {denominators[j]!r} of indicator {codes[j]!r} has {what} value "
                f"({float(B[i, j])!r}) for unit(s) {_fmt_labels(units_bad)}. A denominator must be "
                "positive: fix the data or do not denominate this indicator."
            )
    created = np.isnan(B) & ~np.isnan(A)
    if created.any() and missing == "error":
        i, j = (int(v) for v in np.argwhere(created)[0])
        units_bad = [str(units[int(r)]) for r in np.flatnonzero(created[:, j])]
        raise DataError(
            f"The denominator {denominators[j]!r} is missing for unit(s) {_fmt_labels(units_bad)}, "
            f"where indicator {codes[j]!r} is observed. Supply the denominator, or use "
            "Denominate(..., missing='propagate') to make those values missing (and impute them)."
        )
    return A / (B / s), created
