"""Data checks (statistics, flags, availability) and unit screening.

:func:`data_checks` describes a data table before any modelling choice: per
indicator the usual statistics with flags for low availability, outliers, many
zeros and few distinct values (COINr's ``get_stats``), and the data
availability of every unit, of every unit within each aggregate, and of every
group of a grouping column (COINr's ``get_data_avail``).

:class:`Screen` is the pipeline step that drops units with too little data
(COINr's ``Screen``): by the share of indicators observed, by the share of
non-zero values among the observed ones, or both, with forced inclusions and
exclusions.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, sections 3 and 4.
.. [2] Becker, W. et al. (2022). COINr: an R package for developing composite
   indicators. *Journal of Open Source Software* 7(78), 4567.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from spindex._values import real_column
from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.methods.normalize import _check_real, _r_mean_sd
from spindex.methods.treat import kurtosis as _kurtosis
from spindex.methods.treat import skewness as _skewness

__all__ = ["DataChecks", "Screen", "data_checks"]

ScreenBy = Literal["missing", "zeros", "both"]
_SCREEN_BY = ("missing", "zeros", "both")


def _preview(items: Sequence[object], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in list(items)[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def _share(owner: str, pname: str, value: object) -> float:
    number = _check_real(owner, pname, value)
    if not 0.0 <= number <= 1.0:
        raise ParameterError(
            f"The '{pname}' parameter of {owner} must be a share between 0 and 1. "
            f"Got {number!r} instead."
        )
    return number


def _labels(owner: str, pname: str, value: object) -> tuple[Hashable, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        return (value,)
    out = tuple(value)
    for item in out:
        if not isinstance(item, Hashable):
            raise SpindexTypeError(
                f"The '{pname}' parameter of {owner} must list unit labels; got {item!r}."
            )
    return out


def _indicator_table(data: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """The indicator columns as floats, checked; unlike validation for scoring, an
    all-missing indicator or unit is allowed here, since reporting it is the point."""
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(
            f"Data must be a pandas DataFrame with one row per unit; got {type(data).__name__}."
        )
    if data.shape[0] == 0:
        raise DataError("The data table has no rows: there are no units to check.")
    duplicated = data.index[data.index.duplicated()].unique()
    if len(duplicated):
        raise DataError(
            f"Unit labels must be unique; repeated: {_preview(list(duplicated))}. Set the index "
            "to a unit code column (for COINr data: data.set_index('uCode'))."
        )
    absent = [c for c in indicators if c not in data.columns]
    if absent:
        raise DataError(
            f"The data has no column for indicator(s) {_preview(absent)} of the framework."
        )
    columns = {code: real_column(data[code], f"Indicator '{code}'") for code in indicators}
    return pd.DataFrame(columns, index=data.index.copy())


# --------------------------------------------------------------------------- data checks


@dataclass(frozen=True)
class DataChecks:
    """The result of :func:`data_checks`.

    Attributes
    ----------
    indicators : pandas.DataFrame
        One row per indicator: ``n`` (observed values), ``missing``,
        ``missing_share``, ``min``, ``max``, ``mean``, ``median``, ``sd`` (n - 1),
        ``skew`` (sample-adjusted), ``kurtosis`` (sample-adjusted excess),
        ``zero_share`` and ``unique_share`` (shares of the observed values), and
        the flags ``flag_missing`` (availability below ``min_coverage``),
        ``flag_outliers`` (fails the skew/kurtosis check that outlier treatment
        uses), ``flag_zeros`` (zero share above ``max_zero_share``),
        ``flag_unique`` (unique share below ``min_unique_share``) and ``flagged``
        (any flag).
    units : pandas.DataFrame
        One row per unit: ``n_missing``, ``coverage`` (share of indicators
        observed), ``n_zero``, ``zero_share`` (of the observed values) and
        ``flag_missing``.
    nodes : pandas.DataFrame
        Units x aggregates: the share of the indicators below each aggregate
        that the unit has.
    groups : pandas.DataFrame or None
        With ``group_by``: groups x indicators, the share of the group's units
        with a value, plus an ``all`` column over every indicator.
    thresholds : dict of str to float
        The thresholds the flags used.
    """

    indicators: pd.DataFrame
    units: pd.DataFrame
    nodes: pd.DataFrame
    groups: pd.DataFrame | None = None
    thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> list[str]:
        """Codes of the indicators with at least one flag."""
        return [str(c) for c in self.indicators.index[self.indicators["flagged"].to_numpy()]]

    def __repr__(self) -> str:
        ind, units = self.indicators, self.units
        lines = [
            f"<DataChecks: {len(units)} units x {len(ind)} indicators, "
            f"{int(ind['missing'].sum())} missing values>",
        ]
        for flag, what in (("flag_missing", "low availability"), ("flag_outliers", "outliers"),
                           ("flag_zeros", "many zeros"), ("flag_unique", "few distinct values")):
            codes = list(ind.index[ind[flag].to_numpy()])
            if codes:
                lines.append(f"  {what}: {', '.join(map(str, codes))}")
        low = list(units.index[units["flag_missing"].to_numpy()])
        if low:
            lines.append(f"  units with low availability: {', '.join(map(str, low))}")
        return "\n".join(lines)


def data_checks(
    data: pd.DataFrame,
    framework: Framework,
    *,
    group_by: str | None = None,
    min_coverage: float = 0.65,
    max_zero_share: float = 0.5,
    min_unique_share: float = 0.5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
) -> DataChecks:
    """Statistics, flags and data availability of the indicators of a framework.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (unique index labels), one column per indicator; other
        columns are ignored except ``group_by``. Not modified.
    framework : Framework
        Says which columns are indicators and how they are grouped.
    group_by : str, optional
        A grouping column of ``data`` (e.g. a region) for availability by group.
    min_coverage : float, default 0.65
        Indicators and units with a smaller share of observed values are flagged
        (COINr's ``t_avail``).
    max_zero_share : float, default 0.5
        Indicators with a larger share of zeros among their observed values are
        flagged.
    min_unique_share : float, default 0.5
        Indicators with a smaller share of distinct values among their observed
        values are flagged.
    skew, kurtosis : float, default 2 and 3.5
        An indicator is flagged for outliers when its ``|skew| >= skew`` and its
        excess kurtosis ``>= kurtosis``: exactly when the outlier treatment with
        these thresholds would act on it.

    Returns
    -------
    DataChecks

    Raises
    ------
    SpindexTypeError
        If ``data`` is not a DataFrame or ``framework`` not a Framework.
    DataError
        For repeated unit labels, a missing or non-numeric indicator column, an
        infinite value, or an unknown ``group_by`` column.
    ParameterError
        For a threshold out of range.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 4.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.checks import data_checks
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> checks = data_checks(sp.datasets.load("asem"), fw, group_by="EurAsia_group")
    >>> goods = checks.indicators.loc["Goods"]
    >>> int(goods["n"]), round(float(goods["skew"]), 4), bool(goods["flag_outliers"])
    (51, 2.65, True)
    >>> checks.flagged[:4]
    ['Flights', 'Bord', 'Elec', 'Gas']
    """
    if not isinstance(framework, Framework):
        raise SpindexTypeError(
            f"data_checks needs a Framework; got {type(framework).__name__}."
        )
    owner = "data_checks"
    min_coverage = _share(owner, "min_coverage", min_coverage)
    max_zero_share = _share(owner, "max_zero_share", max_zero_share)
    min_unique_share = _share(owner, "min_unique_share", min_unique_share)
    skew = _check_real(owner, "skew", skew)
    kurtosis = _check_real(owner, "kurtosis", kurtosis)
    table = _indicator_table(data, framework.indicators)
    A = table.to_numpy(dtype=float)
    obs = ~np.isnan(A)
    n = obs.sum(axis=0)
    has = n > 0
    n_units = A.shape[0]

    stats = {name: np.full(A.shape[1], np.nan) for name in
             ("min", "max", "mean", "median", "sd")}
    if has.any():
        B = A[:, has]
        stats["min"][has] = np.nanmin(B, axis=0)
        stats["max"][has] = np.nanmax(B, axis=0)
        stats["median"][has] = np.nanmedian(B, axis=0)
        mean, sd = _r_mean_sd(B, obs[:, has])
        stats["mean"][has] = mean
        stats["sd"][has] = np.where(n[has] >= 2, sd, np.nan)
    sk = np.asarray(_skewness(A))
    kt = np.asarray(_kurtosis(A))
    zeros = ((A == 0) & obs).sum(axis=0)
    ordered = np.sort(A, axis=0)  # NaN last
    new_value = (ordered[1:] != ordered[:-1]) & ~np.isnan(ordered[1:])
    distinct = new_value.sum(axis=0) + has
    with np.errstate(invalid="ignore", divide="ignore"):
        zero_share = np.where(has, zeros / n, np.nan)
        unique_share = np.where(has, distinct / n, np.nan)
    missing_share = 1 - n / n_units
    outliers = (np.abs(sk) >= skew) & (kt >= kurtosis)
    indicators = pd.DataFrame(
        {
            "n": n, "missing": n_units - n, "missing_share": missing_share,
            **stats, "skew": sk, "kurtosis": kt,
            "zero_share": zero_share, "unique_share": unique_share,
            "flag_missing": (1 - missing_share) < min_coverage,
            "flag_outliers": outliers,
            "flag_zeros": zero_share > max_zero_share,
            "flag_unique": unique_share < min_unique_share,
        },
        index=pd.Index(framework.indicators, name="indicator"),
    )
    flags = ["flag_missing", "flag_outliers", "flag_zeros", "flag_unique"]
    indicators["flagged"] = indicators[flags].any(axis=1)

    k = A.shape[1]
    unit_obs = obs.sum(axis=1)
    unit_zeros = ((A == 0) & obs).sum(axis=1)
    coverage = unit_obs / k
    with np.errstate(invalid="ignore", divide="ignore"):
        unit_zero_share = np.where(unit_obs > 0, unit_zeros / unit_obs, np.nan)
    units = pd.DataFrame(
        {"n_missing": k - unit_obs, "coverage": coverage, "n_zero": unit_zeros,
         "zero_share": unit_zero_share, "flag_missing": coverage < min_coverage},
        index=table.index.copy(),
    )

    position = {c: j for j, c in enumerate(framework.indicators)}
    nodes = pd.DataFrame(
        {
            code: obs[:, [position[c] for c in
                          framework.descendants(code, indicators_only=True)]].mean(axis=1)
            for code in framework.aggregates
        },
        index=table.index.copy(),
    )

    groups = None
    if group_by is not None:
        if group_by not in data.columns:
            raise DataError(
                f"The data has no grouping column {group_by!r}; columns include "
                f"{_preview([str(c) for c in data.columns])}."
            )
        labels = data[group_by]
        shares = pd.DataFrame(obs, index=table.index, columns=table.columns).astype(float)
        shares["all"] = obs.mean(axis=1)
        groups = shares.groupby(labels.to_numpy(), dropna=False).mean()
        groups.index.name = group_by

    return DataChecks(
        indicators, units, nodes, groups,
        {"min_coverage": min_coverage, "max_zero_share": max_zero_share,
         "min_unique_share": min_unique_share, "skew": skew, "kurtosis": kurtosis},
    )


# --------------------------------------------------------------------------- screening


@dataclass(frozen=True)
class Screen:
    """Drop units with too little data (a pipeline step, COINr's ``Screen``).

    A unit's *coverage* is the share of the framework's indicators it has a
    value for; its *non-zero share* is the share of non-zero values among those.
    With ``by="missing"`` a unit is dropped when its coverage is below
    ``min_coverage``; with ``"zeros"`` when its non-zero share is below
    ``min_nonzero``; with ``"both"`` when either is. Forced inclusions and
    exclusions override the rule.

    The pipeline screens after imputation by default, as COINr's example does
    (denominate -> impute -> screen -> treat). After imputation every unit has
    full coverage unless the imputer left values missing, so to drop units for
    lack of *observed* data set ``before_impute=True``: then units are screened
    first and imputation draws only on the units kept.

    Parameters
    ----------
    min_coverage : float, default 2/3
        Threshold for the share of indicators observed (COINr's ``dat_thresh``).
    by : {"missing", "zeros", "both"}, default "missing"
        Which rule applies (COINr's ``"byNA"``, ``"byzeros"``, ``"byNAandzeros"``).
    min_nonzero : float, default 0.05
        Threshold for the share of non-zero values (COINr's ``nonzero_thresh``).
    include, exclude : sequence of unit labels, default ()
        Units kept, or dropped, whatever the rule says.
    before_impute : bool, default False
        Screen before the imputation step rather than after it.

    Raises
    ------
    ParameterError
        On construction, for a threshold outside [0, 1], an unknown ``by``, or a
        unit both included and excluded; when applied, for a forced unit that is
        not in the data, or if every unit would be dropped.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from spindex.checks import Screen
    >>> table = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, np.nan, np.nan]},
    ...                      index=["x", "y", "z"])
    >>> kept, report = Screen(min_coverage=0.5)(table)
    >>> list(kept.index), report["coverage"].tolist()
    (['x', 'z'], [1.0, 0.0, 0.5])
    """

    min_coverage: float = 2 / 3
    by: ScreenBy = "missing"
    min_nonzero: float = 0.05
    include: Sequence[Any] = ()
    exclude: Sequence[Any] = ()
    before_impute: bool = False
    name: ClassVar[str] = "screen"

    def __post_init__(self) -> None:
        _share("Screen", "min_coverage", self.min_coverage)
        _share("Screen", "min_nonzero", self.min_nonzero)
        if self.by not in _SCREEN_BY:
            raise ParameterError(
                "The 'by' parameter of Screen must be one of {'missing', 'zeros', 'both'}. "
                f"Got {self.by!r} instead."
            )
        if not isinstance(self.before_impute, bool | np.bool_):
            raise SpindexTypeError(
                f"The 'before_impute' parameter of Screen must be True or False. Got "
                f"{self.before_impute!r} instead."
            )
        include = _labels("Screen", "include", self.include)
        exclude = _labels("Screen", "exclude", self.exclude)
        both = [u for u in include if u in exclude]
        if both:
            raise ParameterError(
                f"Unit(s) {_preview(both)} are both included and excluded by Screen; keep each "
                "unit in one list."
            )
        object.__setattr__(self, "include", include)
        object.__setattr__(self, "exclude", exclude)

    def describe(self) -> str:
        """A one-line description of the rule, for logs."""
        rules = {
            "missing": f"coverage >= {self.min_coverage:g}",
            "zeros": f"non-zero share >= {self.min_nonzero:g}",
            "both": f"coverage >= {self.min_coverage:g} and non-zero share >= "
                    f"{self.min_nonzero:g}",
        }
        return f"screen({rules[self.by]})"

    def __call__(self, table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Screen a table of indicator values.

        Parameters
        ----------
        table : pandas.DataFrame
            Units x indicators (floats, ``NaN`` for missing).

        Returns
        -------
        kept : pandas.DataFrame
            The rows of the units kept (a copy).
        report : pandas.DataFrame
            One row per unit of ``table``: ``n_missing``, ``n_zero``, ``coverage``,
            ``nonzero_share``, ``low_coverage``, ``low_nonzero``, ``forced``
            (``"include"``, ``"exclude"`` or ``""``) and ``included``.

        Raises
        ------
        ParameterError
            If a forced unit is not in the table, or no unit would be kept.
        """
        A = table.to_numpy(dtype=float)
        obs = ~np.isnan(A)
        n_obs = obs.sum(axis=1)
        n_zero = ((A == 0) & obs).sum(axis=1)
        coverage = n_obs / A.shape[1]
        with np.errstate(invalid="ignore", divide="ignore"):
            nonzero = np.where(n_obs > 0, 1 - n_zero / n_obs, 0.0)
        low_cov = coverage < self.min_coverage
        low_nz = nonzero < self.min_nonzero
        drop = {"missing": low_cov, "zeros": low_nz, "both": low_cov | low_nz}[self.by]
        index = table.index
        for listed, what in ((self.include, "include"), (self.exclude, "exclude")):
            unknown = [u for u in listed if u not in index]
            if unknown:
                raise ParameterError(
                    f"Screen was asked to {what} unit(s) {_preview(unknown)}, which are not in "
                    "the data."
                )
        forced = np.full(len(index), "", dtype=object)
        inc = index.isin(list(self.include))
        exc = index.isin(list(self.exclude))
        forced[inc] = "include"
        forced[exc] = "exclude"
        included = (~drop | inc) & ~exc
        if not included.any():
            raise ParameterError(
                f"Screening with {self.describe()} would drop every unit. Lower the threshold or "
                "force some units in with include=[...]."
            )
        report = pd.DataFrame(
            {"n_missing": A.shape[1] - n_obs, "n_zero": n_zero, "coverage": coverage,
             "nonzero_share": nonzero, "low_coverage": low_cov, "low_nonzero": low_nz,
             "forced": forced, "included": included},
            index=index.copy(),
        )
        return table.loc[included].copy(), report
