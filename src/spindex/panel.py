"""Panels: one composite index scored period by period, compared and followed over time.

A panel holds one row per (unit, period): a data frame indexed by a two-level index
``(unit, period)`` (as :func:`spindex.datasets.load_panel` returns it), or a wide table
with a period column named by the user. :func:`score_panel` scores every period with one
:class:`~spindex.model.CompositeIndex` and returns a :class:`PanelResult`: an
:class:`~spindex.result.IndexResult` per period, score and rank changes between periods,
trends per unit and node, and a tidy long table (unit, period, node, score, rank).

Normalisation either treats each period alone (``normalize_across="period"``: the result
of a period is exactly what scoring that period's table alone gives) or pools all periods
(``normalize_across="pooled"``: every data-driven normaliser is fitted on the table of all
periods stacked, so one minimum, maximum, mean, standard deviation or ranking serves every
period and a min-max score of 60 means the same in every year -- COINr's
``Normalise(purse, global = TRUE)``). Fixed-bound normalisers (goalposts, scaled) give
the same result either way.

Missing values can be imputed over time before scoring (``impute_time=``, see
:mod:`spindex.methods.panel_impute`); the model's own steps (denominate, impute, screen,
treat) then run within each period.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 5
   (normalisation over time).
.. [2] Becker, W. et al. (2022). COINr: an R package for developing composite indicators.
   *Journal of Open Source Software* 7(78), 4567 (purses, ``get_trends``, ``CAGR``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar, Literal, TypeVar

import numpy as np
import pandas as pd

from spindex.analysis._runs import check_model, check_seed, seed_record
from spindex.analysis._variants import label
from spindex.analysis.smaa import smaa
from spindex.analysis.uncertainty import uncertainty
from spindex.errors import (
    DataError,
    MethodError,
    ParameterError,
    SpindexError,
    SpindexTypeError,
)
from spindex.framework import Framework
from spindex.methods._base import FloatArray, NormalizationContext
from spindex.methods.impute import Imputer, get_imputer
from spindex.methods.normalize import DistanceToReference, Normalizer, _fmt_names
from spindex.methods.panel_impute import (
    TIME_METHODS,
    PanelImputation,
    TimeImputer,
    impute_cross_section,
)
from spindex.model import CompositeIndex
from spindex.result import IndexResult, StepRecord

__all__ = [
    "PanelAnalysis",
    "PanelResult",
    "panel_from_long",
    "panel_to_long",
    "score_panel",
    "smaa_panel",
    "trends",
    "uncertainty_panel",
]

NormalizeAcross = Literal["period", "pooled"]
TrendMethod = Literal["slope", "cagr"]
_ACROSS = ("period", "pooled")
_TRENDS = ("slope", "cagr")
# Steps that change the data before normalisation: switching them per run would need every
# period re-prepared, which a pooled fit made from the nominal preparation cannot follow.
_PREPARATION_SWITCHES = ("denominate", "impute", "screen", "treat")
_T = TypeVar("_T")


def _preview(items: Sequence[Any], limit: int = 6) -> str:
    shown = ", ".join(repr(i) for i in list(items)[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


# ------------------------------------------------------------------------------ the panel
@dataclass(frozen=True, eq=False)
class _Panel:
    """A validated panel in canonical order: periods ascending, units in a fixed order."""

    table: pd.DataFrame  # MultiIndex (unit, period); the unit and period columns removed
    unit_name: str
    period_name: str
    periods: tuple[Any, ...]
    units: tuple[Any, ...]
    period_pos: np.ndarray  # per row: position of its period in `periods`
    unit_pos: np.ndarray  # per row: position of its unit in `units`
    bounds: np.ndarray  # rows of period t are bounds[t]:bounds[t + 1]
    times: FloatArray  # numeric time of each period (positions if periods are not numbers)

    def at(self, table: pd.DataFrame, t: int) -> pd.DataFrame:
        """The rows of period number t, indexed by unit."""
        part = table.iloc[int(self.bounds[t]):int(self.bounds[t + 1])].copy()
        part.index = part.index.get_level_values(0)
        return part

    def period_labels(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self.periods)


def _check_frame(data: object, owner: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(
            f"The data of {owner} must be a pandas DataFrame with one row per (unit, period). "
            f"Got {type(data).__name__} instead."
        )
    if data.shape[0] == 0:
        raise DataError("The panel has no rows: there is nothing to score.")
    return data


def _as_panel(
    data: object, period: Hashable | None, unit: Hashable | None, owner: str
) -> _Panel:
    frame = _check_frame(data, owner)
    if isinstance(frame.index, pd.MultiIndex):
        names = list(frame.index.names)
        if frame.index.nlevels != 2:
            raise DataError(
                f"A panel is indexed by (unit, period), but the index of the data has "
                f"{frame.index.nlevels} levels {names}. Keep two levels, or pass a flat index "
                "with period= naming the period column."
            )
        if period is None:
            p_level = 1
        elif period in names:
            p_level = names.index(period)
        else:
            raise DataError(
                f"The panel has no period level {period!r}: its index levels are {names}. "
                "Pass period= one of them (or None for the second level)."
            )
        u_level = 1 - p_level
        if unit is not None and names[u_level] != unit:
            raise DataError(
                f"The panel has no unit level {unit!r}: its index levels are {names} and the "
                f"period is {names[p_level]!r}. Pass unit={names[u_level]!r} or leave it out."
            )
        units = frame.index.get_level_values(u_level)
        periods = frame.index.get_level_values(p_level)
        unit_name = str(names[u_level]) if names[u_level] is not None else "unit"
        period_name = str(names[p_level]) if names[p_level] is not None else "period"
        body = frame.reset_index(drop=True)
    else:
        if period is None:
            raise DataError(
                "The data has a flat index, so the period is not known. Pass period= the name "
                "of the column holding the period (e.g. period='Time'), or index the data by "
                "(unit, period) with data.set_index(['unit', 'period'])."
            )
        if period not in frame.columns:
            raise DataError(
                f"The data has no period column {period!r}. Its columns are "
                f"{_preview(list(frame.columns))}. Pass period= the column holding the "
                "period, or index the data by (unit, period)."
            )
        periods_col = frame[period]
        if isinstance(periods_col, pd.DataFrame):
            raise DataError(f"The period column {period!r} appears more than once.")
        periods = pd.Index(periods_col)
        dropped: list[Hashable] = [period]
        if unit is None:
            units = frame.index
            unit_name = str(frame.index.name) if frame.index.name is not None else "unit"
        else:
            if unit not in frame.columns:
                raise DataError(
                    f"The data has no unit column {unit!r}. Its columns are "
                    f"{_preview(list(frame.columns))}. Pass unit= the column holding the unit "
                    "labels, or leave it out to use the index."
                )
            units = pd.Index(frame[unit])
            unit_name = str(unit)
            dropped.append(unit)
        period_name = str(period)
        body = frame.drop(columns=dropped).reset_index(drop=True)
    missing_period = np.asarray(pd.isna(periods), dtype=bool)
    if missing_period.any():
        example = units[int(np.argmax(missing_period))]
        raise DataError(
            f"The period of {int(missing_period.sum())} row(s) is missing (e.g. for unit "
            f"{example!r}); every row needs a period."
        )
    if np.asarray(pd.isna(units), dtype=bool).any():
        raise DataError("A unit label is missing (NaN); every row needs a unit label.")
    try:
        unique_periods = list(pd.unique(np.asarray(periods, dtype=object)))
    except TypeError as exc:
        raise DataError(
            f"The periods ({period_name!r}) must be hashable values such as years; {exc}."
        ) from exc
    try:
        ordered = sorted(unique_periods)
    except TypeError as exc:
        kinds = sorted({type(p).__name__ for p in unique_periods})
        shown = ", ".join(repr(p) for p in unique_periods[:3])
        raise DataError(
            f"The periods ({period_name!r}) cannot be ordered: they are of type(s) "
            f"{', '.join(kinds)} (e.g. {shown}) and Python cannot compare them ({exc}). "
            f"Convert them to one orderable type, e.g. data[{period_name!r}].astype(int) or "
            "pd.to_datetime(...)."
        ) from exc
    index = pd.MultiIndex.from_arrays([units, periods])
    duplicated = index.duplicated()
    if duplicated.any():
        pairs = list(dict.fromkeys(index[duplicated]))
        raise DataError(
            f"Each (unit, period) must appear once, but {len(pairs)} pair(s) repeat: "
            f"{_preview(pairs)}. Drop or aggregate the duplicates first (e.g. "
            "data[~data.index.duplicated()] or data.drop_duplicates([unit, period]))."
        )
    unique_units = list(pd.unique(np.asarray(units, dtype=object)))
    try:
        unit_order = sorted(unique_units)
    except TypeError:
        # Labels of mixed types keep their order of first appearance.
        unit_order = unique_units
    period_pos = pd.Index(ordered, dtype=object).get_indexer(np.asarray(periods, dtype=object))
    unit_pos = pd.Index(unit_order, dtype=object).get_indexer(np.asarray(units, dtype=object))
    rows = np.lexsort((unit_pos, period_pos))
    table = body.iloc[rows].copy()
    table.index = pd.MultiIndex.from_arrays(
        [units[rows], periods[rows]], names=[unit_name, period_name]
    )
    period_pos = period_pos[rows]
    counts = np.bincount(period_pos, minlength=len(ordered))
    bounds = np.concatenate([[0], np.cumsum(counts)])
    numeric = all(
        isinstance(p, int | float | np.integer | np.floating) and not isinstance(p, bool | np.bool_)
        for p in ordered
    )
    times = (np.asarray(ordered, dtype=np.float64) if numeric
             else np.arange(len(ordered), dtype=np.float64))
    return _Panel(table, unit_name, period_name, tuple(ordered), tuple(unit_order),
                  period_pos, unit_pos[rows], bounds, times)


# ------------------------------------------------------------------------- imputation
def _resolve_steps(spec: Any) -> tuple[TimeImputer | Imputer, ...]:
    if spec is None:
        return ()
    items = list(spec) if isinstance(spec, list | tuple) else [spec]
    steps: list[TimeImputer | Imputer] = []
    for item in items:
        if isinstance(item, TimeImputer):
            steps.append(item)
        elif isinstance(item, str) and item in TIME_METHODS:
            steps.append(TimeImputer(item))
        elif isinstance(item, str | Imputer) or callable(item):
            try:
                steps.append(get_imputer(item))
            except ParameterError as exc:
                raise ParameterError(
                    f"The 'impute_time' steps must be time methods "
                    f"{_fmt_names(TIME_METHODS)}, TimeImputer(...), or a cross-sectional "
                    f"imputer ('mean', 'median', GroupMean('column'), a function). Got "
                    f"{item!r}: {exc}"
                ) from exc
        else:
            raise SpindexTypeError(
                "The 'impute_time' parameter must be a method name, a TimeImputer, an Imputer, "
                f"a function or a list of them. Got {type(item).__name__} {item!r} instead."
            )
    return tuple(steps)


def _numeric_columns(table: pd.DataFrame, codes: Sequence[str]) -> np.ndarray:
    absent = [c for c in codes if c not in table.columns]
    if absent:
        raise DataError(
            f"The panel has no column for indicator(s) {_preview(absent)} of the framework. "
            "Add the columns or drop those indicators from the framework (Framework.drop)."
        )
    out = np.empty((len(table), len(codes)))
    for j, code in enumerate(codes):
        col = table[code]
        if isinstance(col, pd.DataFrame):
            raise DataError(f"Indicator column {code!r} appears more than once.")
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            raise DataError(
                f"Indicator {code!r} is not numeric: its column has dtype {col.dtype}. Convert "
                "it to numbers, with NaN for missing values."
            )
        out[:, j] = col.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(out).any():
        i, j = (int(v) for v in np.argwhere(np.isinf(out))[0])
        raise DataError(
            f"Indicator {codes[j]!r} has an infinite value for {table.index[i]!r}; use NaN "
            "for a missing value."
        )
    return out


def _impute_panel(
    fw: Framework, panel: _Panel, steps: Sequence[TimeImputer | Imputer]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the imputation steps on the indicator columns; return the table and the cells."""
    columns = ["unit", "period", "indicator", "value", "method", "source_before",
               "source_after"]
    if not steps:
        return panel.table, pd.DataFrame(columns=columns)
    codes = fw.indicators
    n_t, n_u = len(panel.periods), len(panel.units)
    values = _numeric_columns(panel.table, codes)
    cube = np.full((n_t, n_u, len(codes)), np.nan)
    cube[panel.period_pos, panel.unit_pos] = values
    present = np.zeros((n_t, n_u), dtype=bool)
    present[panel.period_pos, panel.unit_pos] = True
    period_objects = np.array([*panel.periods, None], dtype=object)
    unit_labels = tuple(pd.Index(panel.units, dtype=object).astype(str))
    parts = []
    for step in steps:
        if isinstance(step, TimeImputer):
            result: PanelImputation = step(cube, times=panel.times)
            name = step.name
        else:
            result = impute_cross_section(
                cube, step, present=present, codes=codes, units=unit_labels,
                periods=panel.period_labels(), **_groups(panel, step),
            )
            name = str(getattr(step, "name", type(step).__name__))
            if step.by is not None:
                name += f"({step.by})"
        # Rows absent from the panel are gaps, never filled: the panel keeps its rows.
        new = result.imputed & present[:, :, None]
        t, i, k = np.nonzero(new)
        parts.append(pd.DataFrame({
            "unit": np.array(panel.units, dtype=object)[i],
            "period": period_objects[t],
            "indicator": np.array(codes, dtype=object)[k],
            "value": result.values[t, i, k],
            "method": name,
            "source_before": period_objects[result.before[t, i, k]],
            "source_after": period_objects[result.after[t, i, k]],
        }, columns=columns))
        cube = np.where(present[:, :, None], result.values, np.nan)
    table = panel.table.copy()
    table[list(codes)] = cube[panel.period_pos, panel.unit_pos]
    cells = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return table, cells


def _groups(panel: _Panel, imputer: Imputer) -> dict[str, Any]:
    column = imputer.by
    if column is None:
        return {}
    if column not in panel.table.columns:
        raise DataError(
            f"The panel has no grouping column {column!r} for {imputer.name} imputation. Add "
            "it to the data."
        )
    codes, uniques = pd.factorize(panel.table[column], use_na_sentinel=True)
    groups = np.full((len(panel.periods), len(panel.units)), -1, dtype=np.intp)
    groups[panel.period_pos, panel.unit_pos] = codes
    return {"groups": groups, "group_labels": tuple(str(u) for u in uniques),
            "group_column": column}


# ----------------------------------------------------------------- pooled normalisation
@dataclass(frozen=True, eq=False, repr=False)
class _PooledNormalizer(Normalizer):
    """Normalises one period's values as rows of the table of all periods stacked.

    The model calls it on the period it scores; it puts those values in their place in
    the stacked table (built from the same preparation, so the values are the same), runs
    each indicator's own normaliser on the whole table, and returns the period's rows.
    Because the stacked table is the same, in the same order, whatever the period, every
    period gets the same normalisation parameters bit for bit.
    """

    spec: str
    inner: Mapping[str, Normalizer]
    table: FloatArray  # all periods stacked, directions applied; one column per code
    codes: tuple[str, ...]
    labels: tuple[str, ...]  # "unit [period]" per row, for messages
    start: int
    stop: int
    name: ClassVar[str] = "pooled"

    def __call__(self, X: FloatArray, ctx: NormalizationContext) -> FloatArray:
        A = np.asarray(X, dtype=np.float64)
        if A.shape != (self.stop - self.start, len(ctx.codes)):
            raise MethodError(
                f"A pooled normaliser fitted for {self.stop - self.start} units was given an "
                f"array of shape {A.shape}. Score the panel with score_panel."
            )
        where = {c: j for j, c in enumerate(self.codes)}
        full = self.table[:, [where[c] for c in ctx.codes]].copy()
        full[self.start:self.stop] = A
        out = np.empty_like(full)
        groups: dict[int, tuple[Normalizer, list[int]]] = {}
        for j, code in enumerate(ctx.codes):
            method = self.inner[code]
            groups.setdefault(id(method), (method, []))[1].append(j)
        for method, cols in groups.values():
            idx = np.asarray(cols)
            sub = NormalizationContext(
                codes=tuple(ctx.codes[j] for j in cols), units=self.labels,
                directions=np.asarray(ctx.directions)[idx],
                meta={k: np.asarray(v)[idx] for k, v in ctx.meta.items()},
            )
            out[:, idx] = np.asarray(method(full[:, idx], sub), dtype=np.float64)
        return out[self.start:self.stop]

    def __repr__(self) -> str:
        return f"pooled({self.spec})"


@dataclass(frozen=True, eq=False)
class _Pooling:
    """The prepared table of every period, stacked, from which pooled normalisers are made."""

    model: CompositeIndex
    table: FloatArray
    labels: tuple[str, ...]
    bounds: tuple[int, ...]

    @classmethod
    def fit(
        cls, model: CompositeIndex, period_data: Sequence[pd.DataFrame], periods: Sequence[Any]
    ) -> _Pooling:
        fw = model.framework
        prepared = []
        for p, data in zip(periods, period_data, strict=True):
            stages, _ = _in_period(p, partial(model.prepare, data))
            prepared.append(next(reversed(stages.values())))
        directions = fw.directions.reindex(list(fw.indicators)).to_numpy(dtype=float)
        table = np.vstack([t[list(fw.indicators)].to_numpy(dtype=float) for t in prepared])
        labels = tuple(np.concatenate([
            (t.index.astype(str) + f" [{p}]").to_numpy(dtype=object)
            for p, t in zip(periods, prepared, strict=True)
        ]))
        bounds = tuple(int(b) for b in np.cumsum([0, *(len(t) for t in prepared)]))
        return cls(model, table * directions, labels, bounds)

    def normalizer(self, t: int, spec: Any = None) -> _PooledNormalizer:
        """The pooled form of a normalisation spec (default: the model's) for period t."""
        model = self.model if spec is None else dataclasses.replace(self.model, normalize=spec)
        codes = model.framework.indicators
        inner = {code: model.normalizer(code) for code in codes}
        for code, method in inner.items():
            if isinstance(method, DistanceToReference):
                raise ParameterError(
                    f"Indicator {code!r} is normalised with DistanceToReference, which has no "
                    "pooled form: the reference unit has a value in every period. Use "
                    "normalize_across='period', or DistanceToTarget with fixed targets."
                )
        return _PooledNormalizer(
            spec=label(model.normalize), inner=inner, table=self.table, codes=tuple(codes),
            labels=self.labels, start=self.bounds[t], stop=self.bounds[t + 1],
        )

    def model_for(self, t: int) -> CompositeIndex:
        return dataclasses.replace(self.model, normalize=self.normalizer(t))


def _in_period(period: Any, run: Callable[[], _T]) -> _T:
    try:
        return run()
    except SpindexError as exc:
        raise type(exc)(f"Period {period!r}: {exc}") from exc


def _check_across(value: object, owner: str) -> str:
    if value not in _ACROSS:
        raise ParameterError(
            f"The 'normalize_across' parameter of {owner} must be one of "
            f"{_fmt_names(_ACROSS)}. Got {value!r} instead."
        )
    return str(value)


@dataclass(frozen=True, eq=False)
class _Prepared:
    panel: _Panel
    table: pd.DataFrame
    cells: pd.DataFrame
    period_data: tuple[pd.DataFrame, ...]
    pooling: _Pooling | None


def _prepare_panel(
    model: CompositeIndex, data: object, period: Hashable | None, unit: Hashable | None,
    normalize_across: object, impute_time: Any, owner: str,
) -> _Prepared:
    check_model(model, owner)
    across = _check_across(normalize_across, owner)
    steps = _resolve_steps(impute_time)
    panel = _as_panel(data, period, unit, owner)
    table, cells = _impute_panel(model.framework, panel, steps)
    period_data = tuple(panel.at(table, t) for t in range(len(panel.periods)))
    pooling = _Pooling.fit(model, period_data, panel.periods) if across == "pooled" else None
    return _Prepared(panel, table, cells, period_data, pooling)


# ------------------------------------------------------------------------------ trends
def _trend_core(
    Y: FloatArray, times: FloatArray, method: str
) -> tuple[FloatArray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Trend of every column of Y (periods x series): value, n_obs, first, last, note code.

    Note codes: 0 fine, 1 fewer than two observations, 2 non-positive value (CAGR).
    """
    n_t = Y.shape[0]
    observed = ~np.isnan(Y)
    n = observed.sum(axis=0)
    has = n > 0
    first = np.where(has, np.argmax(observed, axis=0), -1)
    last = np.where(has, n_t - 1 - np.argmax(observed[::-1], axis=0), -1)
    enough = n >= 2
    note = np.where(enough, 0, 1)
    cols = np.arange(Y.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "slope":
            t = np.broadcast_to(times[:, None], Y.shape)
            t_mean = np.where(observed, t, 0.0).sum(axis=0) / n
            y_mean = np.where(observed, Y, 0.0).sum(axis=0) / n
            dt = np.where(observed, t - t_mean, 0.0)
            dy = np.where(observed, Y - y_mean, 0.0)
            value = np.where(enough, (dt * dy).sum(axis=0) / (dt * dt).sum(axis=0), np.nan)
        else:
            y0 = Y[np.clip(first, 0, None), cols]
            y1 = Y[np.clip(last, 0, None), cols]
            span = times[np.clip(last, 0, None)] - times[np.clip(first, 0, None)]
            positive = (y0 > 0) & (y1 >= 0)
            growth = np.power(y1 / y0, 1.0 / span) - 1.0
            value = np.where(y0 == y1, 0.0, np.where(positive, growth, np.nan))
            value = np.where(enough, value, np.nan)
            note = np.where(enough & (y0 != y1) & ~positive, 2, note)
    return np.asarray(value, dtype=np.float64), n, first, last, note


_NOTES = np.array(["", "fewer than 2 observations",
                   "non-positive start or negative end value"], dtype=object)


def _trend_table(
    cube: FloatArray, times: FloatArray, periods: Sequence[Any], units: Sequence[Any],
    names: Sequence[str], method: str, levels: tuple[str, str],
) -> pd.DataFrame:
    """Trends of a (periods x units x series) cube as a table indexed by (unit, series)."""
    n_t, n_u, n_s = cube.shape
    value, n, first, last, note = _trend_core(cube.reshape(n_t, -1), times, method)
    period_objects = np.array([*periods, None], dtype=object)
    index = pd.MultiIndex.from_arrays(
        [np.repeat(np.array(units, dtype=object), n_s), np.tile(np.array(names, dtype=object),
                                                                n_u)],
        names=list(levels),
    )
    return pd.DataFrame({
        method: value,
        "n_obs": n.astype(np.int64),
        "start": period_objects[first],
        "end": period_objects[last],
        "note": _NOTES[note],
    }, index=index)


def _check_trend(method: object, owner: str) -> str:
    if method not in _TRENDS:
        raise ParameterError(
            f"The 'method' parameter of {owner} must be one of {_fmt_names(_TRENDS)}. Got "
            f"{method!r} instead."
        )
    return str(method)


def _select_periods(periods: Sequence[Any], wanted: Sequence[Any] | None) -> np.ndarray:
    if wanted is None:
        return np.arange(len(periods))
    chosen = list(wanted)
    unknown = [p for p in chosen if p not in periods]
    if unknown:
        raise ParameterError(
            f"Period(s) {_preview(unknown)} are not in the panel; its periods are "
            f"{_preview(list(periods))}."
        )
    return np.array(sorted(periods.index(p) for p in set(chosen)), dtype=np.intp)


def trends(
    data: pd.DataFrame,
    *,
    method: TrendMethod = "slope",
    period: Hashable | None = None,
    unit: Hashable | None = None,
    columns: Sequence[str] | None = None,
    periods: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Trend of every numeric column of a panel, per unit: OLS slope or CAGR.

    Parameters
    ----------
    data : pandas.DataFrame
        A panel (index (unit, period), or a period column named by ``period``): raw
        indicators, or scores such as :attr:`PanelResult.scores`.
    method : {"slope", "cagr"}, default "slope"
        ``"slope"``: the ordinary least-squares slope of the value on time over the
        observed periods, ``sum((t - tm)(y - ym)) / sum((t - tm)^2)`` with ``tm`` and
        ``ym`` the means over the observed periods: change per unit of time (per year
        when periods are years). ``"cagr"``: the compound growth rate between the first
        and the last observed value, ``(y_last / y_first) ** (1 / (t_last - t_first)) - 1``
        (COINr's ``CAGR``), 0 when they are equal; undefined (``NaN``, noted) when the
        first value is not positive or the last is negative.
    period, unit
        As for :func:`score_panel`.
    columns : sequence of str, optional
        Columns to follow (default: every numeric column).
    periods : sequence, optional
        Only these periods (default: all).

    Returns
    -------
    pandas.DataFrame
        Indexed by (unit, variable), with the trend (column named after ``method``),
        ``n_obs`` (observed periods), ``start`` and ``end`` (first and last observed
        period) and ``note`` (why a trend is missing). Time is the period value when
        periods are numbers, else the period's position (0, 1, 2, ...). Gaps are skipped:
        only observed periods count; fewer than two give ``NaN``.

    Raises
    ------
    ParameterError
        For an unknown method, column or period.
    DataError
        For an invalid panel (see :func:`score_panel`).

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.panel import trends
    >>> data = pd.DataFrame({"unit": ["A"] * 3, "year": [2020, 2021, 2022],
    ...                      "x": [100.0, 110.0, 121.0]}).set_index(["unit", "year"])
    >>> trends(data, method="cagr").round(4)
                  cagr  n_obs  start   end note
    unit variable
    A    x          0.1      3   2020  2022
    >>> float(trends(data)["slope"].iloc[0])
    10.5
    """
    chosen = _check_trend(method, "trends")
    panel = _as_panel(data, period, unit, "trends")
    table = panel.table
    if columns is None:
        names = [str(c) for c in table.columns
                 if pd.api.types.is_numeric_dtype(table[c])
                 and not pd.api.types.is_bool_dtype(table[c])]
    else:
        names = list(columns)
        unknown = [c for c in names if c not in table.columns]
        if unknown:
            raise ParameterError(
                f"Column(s) {_preview(unknown)} are not in the panel; it has "
                f"{_preview(list(table.columns))}."
            )
    values = _numeric_columns(table, names)
    cube = np.full((len(panel.periods), len(panel.units), len(names)), np.nan)
    cube[panel.period_pos, panel.unit_pos] = values
    keep = _select_periods(list(panel.periods), periods)
    return _trend_table(cube[keep], panel.times[keep], [panel.periods[t] for t in keep],
                        panel.units, names, chosen, (panel.unit_name, "variable"))


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class PanelResult:
    """Scores of a panel: one :class:`~spindex.result.IndexResult` per period, and comparisons.

    Attributes
    ----------
    model : CompositeIndex
        The model that scored every period.
    results : mapping of period to IndexResult
        The result of each period, in period order. With pooled normalisation, a result's
        ``model`` is the model with its normalisers fitted on all periods.
    normalize_across : {"period", "pooled"}
        How the normalisation was fitted.
    data : pandas.DataFrame
        The panel that was scored, indexed by (unit, period) in period order, after any
        imputation over time.
    time_imputation : pandas.DataFrame
        One row per value filled by ``impute_time``: ``unit``, ``period``, ``indicator``,
        ``value``, ``method`` and the periods it came from (``source_before``,
        ``source_after``; ``None`` if unused).
    times : ndarray
        Numeric time of each period, used by :meth:`trends` (the period itself when
        periods are numbers, else its position).
    """

    model: CompositeIndex
    results: Mapping[Any, IndexResult]
    normalize_across: str
    data: pd.DataFrame = field(repr=False)
    time_imputation: pd.DataFrame = field(repr=False)
    times: FloatArray = field(repr=False)
    unit_name: str = "unit"
    period_name: str = "period"
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def periods(self) -> tuple[Any, ...]:
        """The periods, in order."""
        return tuple(self.results)

    @property
    def framework(self) -> Framework:
        """The framework of the model."""
        return self.model.framework

    def _check_period(self, period: Any) -> None:
        if period not in self.results:
            raise ParameterError(
                f"Period {period!r} is not in the panel; its periods are "
                f"{_preview(self.periods)}."
            )

    def __getitem__(self, period: Any) -> IndexResult:
        self._check_period(period)
        return self.results[period]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def _stacked(self, what: str) -> pd.DataFrame:
        if what not in self._cache:
            parts = {p: getattr(r, what) for p, r in self.results.items()}
            table = pd.concat(parts, names=[self.period_name, self.unit_name])
            self._cache[what] = table.swaplevel(0, 1)
        return self._cache[what]

    @property
    def scores(self) -> pd.DataFrame:
        """Scores of every node, indexed by (unit, period), periods in order."""
        return self._stacked("scores")

    @property
    def ranks(self) -> pd.DataFrame:
        """Ranks within each period (1 = best), indexed by (unit, period)."""
        return self._stacked("ranks")

    def _node(self, node: str | None) -> str:
        code = self.framework.root if node is None else node
        self.framework.node(code)
        return code

    def period_scores(self, node: str | None = None) -> pd.DataFrame:
        """Units x periods: the score of one node (default: the index) in each period."""
        code = self._node(node)
        out = pd.concat({p: r.scores[code] for p, r in self.results.items()}, axis=1)
        out.columns.name = self.period_name
        out.index.name = self.unit_name
        return out

    def period_ranks(self, node: str | None = None) -> pd.DataFrame:
        """Units x periods: the rank of one node (default: the index) in each period."""
        code = self._node(node)
        out = pd.concat({p: r.ranks[code] for p, r in self.results.items()}, axis=1)
        out.columns.name = self.period_name
        out.index.name = self.unit_name
        return out

    @property
    def index(self) -> pd.DataFrame:
        """Units x periods: the index score in each period."""
        return self.period_scores()

    def _check_lag(self, lag: object) -> int:
        if isinstance(lag, bool) or not isinstance(lag, int | np.integer) or lag < 1:
            raise ParameterError(f"The 'lag' must be a positive integer. Got {lag!r} instead.")
        return int(lag)

    def score_changes(self, node: str | None = None, *, lag: int = 1) -> pd.DataFrame:
        """Units x periods: ``score(t) - score(t - lag)`` of one node (missing for the first
        ``lag`` periods, and where either score is missing)."""
        scores = self.period_scores(node)
        return scores - scores.shift(self._check_lag(lag), axis=1)

    def rank_changes(self, node: str | None = None, *, lag: int = 1) -> pd.DataFrame:
        """Units x periods: places gained since ``lag`` periods before,
        ``rank(t - lag) - rank(t)`` (positive: the unit climbed)."""
        ranks = self.period_ranks(node)
        return ranks.shift(self._check_lag(lag), axis=1) - ranks

    def compare(self, start: Any, end: Any, node: str | None = None) -> pd.DataFrame:
        """Scores and ranks of one node in two periods, side by side.

        Parameters
        ----------
        start, end : period
            The two periods.
        node : str, optional
            Node to compare (default: the index).

        Returns
        -------
        pandas.DataFrame
            Per unit: ``score_start``, ``score_end``, ``score_change`` (end - start),
            ``rank_start``, ``rank_end`` and ``rank_change`` (start - end: places
            gained), sorted by the rank at the end.
        """
        for p in (start, end):
            self._check_period(p)
        scores = self.period_scores(node)
        ranks = self.period_ranks(node)
        out = pd.DataFrame({
            "score_start": scores[start], "score_end": scores[end],
            "score_change": scores[end] - scores[start],
            "rank_start": ranks[start], "rank_end": ranks[end],
            "rank_change": ranks[start] - ranks[end],
        })
        return out.sort_values(["rank_end", "rank_start"], na_position="last")

    def trends(
        self,
        method: TrendMethod = "slope",
        *,
        nodes: Sequence[str] | None = None,
        periods: Sequence[Any] | None = None,
    ) -> pd.DataFrame:
        """Trend of each unit's score at each node over the periods (see :func:`trends`).

        Parameters
        ----------
        method : {"slope", "cagr"}, default "slope"
            OLS slope (score points per unit of time) or compound growth rate between the
            first and last observed scores.
        nodes : sequence of str, optional
            Nodes to follow (default: every node, indicators first, the index last).
        periods : sequence, optional
            Only these periods (default: all).

        Returns
        -------
        pandas.DataFrame
            Indexed by (unit, node): the trend, ``n_obs``, ``start``, ``end``, ``note``.
            A unit absent from a period, or whose score is missing there, has a gap that
            the trend skips.
        """
        chosen = _check_trend(method, "PanelResult.trends")
        codes = list(self.framework.codes) if nodes is None else list(nodes)
        for code in codes:
            self.framework.node(code)
        units = list(pd.unique(self.scores.index.get_level_values(0)))
        keep = _select_periods(list(self.periods), periods)
        cube = np.stack([
            self.results[self.periods[t]].scores.reindex(units)[codes].to_numpy(dtype=float)
            for t in keep
        ])
        return _trend_table(cube, self.times[keep], [self.periods[t] for t in keep], units,
                            codes, chosen, (self.unit_name, "node"))

    def to_long(self, nodes: Sequence[str] | None = None) -> pd.DataFrame:
        """The scores as a tidy table: one row per (unit, period, node).

        Parameters
        ----------
        nodes : sequence of str, optional
            Nodes to include (default: every node).

        Returns
        -------
        pandas.DataFrame
            Columns ``unit``, ``period``, ``node``, ``score``, ``rank``; rows in period
            order, then unit, then node. Read it back with
            ``panel_from_long(long, variable="node", value="score")``.
        """
        codes = list(self.framework.codes) if nodes is None else list(nodes)
        for code in codes:
            self.framework.node(code)
        scores = self.scores[codes]
        ranks = self.ranks[codes]
        k = len(codes)
        return pd.DataFrame({
            "unit": np.repeat(scores.index.get_level_values(0).to_numpy(dtype=object), k),
            "period": np.repeat(scores.index.get_level_values(1).to_numpy(dtype=object), k),
            "node": np.tile(np.array(codes, dtype=object), len(scores)),
            "score": scores.to_numpy(dtype=float).ravel(),
            "rank": pd.array(ranks.to_numpy(dtype=object).ravel(), dtype="Int64"),
        })

    def __repr__(self) -> str:
        fw = self.framework
        index = self.index
        last = self.periods[-1]
        top = index[last].sort_values(ascending=False).head(5)
        lines = [
            f"<PanelResult: {len(self.periods)} periods ({self.periods[0]}-{last}), "
            f"{index.shape[0]} units, index '{fw.root}', normalisation per "
            f"{'period' if self.normalize_across == 'period' else 'pooled table'}>",
            f"Top units in {last}:",
        ]
        lines.extend(f"  {unit!s:<20} {score:10.4g}" for unit, score in top.items())
        if len(self.time_imputation):
            lines.append(f"Imputed over time: {len(self.time_imputation)} values")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: the index score in each period."""
        from spindex._html import repr_html

        fw = self.framework
        last = self.periods[-1]
        scores = self.index.sort_values(last, ascending=False, kind="stable")
        across = "per period" if self.normalize_across == "period" else "pooled"
        return repr_html(
            f"PanelResult: {len(self.periods)} periods ({self.periods[0]} to {last}), "
            f"index '{fw.root}'",
            [("units", len(scores)), ("normalisation", across),
             ("values filled over time", len(self.time_imputation))],
            scores, index_label=self.unit_name, dash="no score in this period")


def score_panel(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    period: Hashable | None = None,
    unit: Hashable | None = None,
    normalize_across: NormalizeAcross = "period",
    impute_time: Any = None,
) -> PanelResult:
    """Score every period of a panel with one model.

    Parameters
    ----------
    model : CompositeIndex
        The model; each period goes through all its steps.
    data : pandas.DataFrame
        One row per (unit, period): indexed by a two-level index (unit, period), or with a
        flat index of unit labels and a period column. Other columns (groups,
        denominators) are passed to the model with each period.
    period : hashable, optional
        The period column (flat index), or the period level of a two-level index
        (default: the second level).
    unit : hashable, optional
        With a flat index, a column of unit labels to use instead of the index.
    normalize_across : {"period", "pooled"}, default "period"
        ``"period"``: each period is normalised alone, exactly as ``model.score`` of that
        period's table. ``"pooled"``: each data-driven normaliser is fitted on the
        prepared table of all periods stacked (one min, max, mean, sd or ranking for the
        whole panel), so that a score means the same in every period; every other step
        still runs within the period.
    impute_time : str, TimeImputer, Imputer, callable or list, optional
        Impute the indicator columns before scoring: a time method (``"locf"``,
        ``"nocb"``, ``"linear"``, ``"linear_constant"``, ``"constant"``, or
        ``TimeImputer(method, max_gap=k)``) or a cross-sectional imputer applied within
        each period (``"mean"``, ``"median"``, ``GroupMean("column")``, a function);
        a list runs several in order (e.g. ``[TimeImputer("linear_constant", max_gap=2),
        "median"]``). Only rows present in the data are filled. See
        :mod:`spindex.methods.panel_impute`.

    Returns
    -------
    PanelResult

    Raises
    ------
    DataError
        For a missing period column or level, missing or unorderable periods, repeated
        (unit, period) pairs, or data a period cannot be scored with (the message names
        the period).
    ParameterError
        For an unknown ``normalize_across`` or imputation method, or a normaliser without
        a pooled form (``DistanceToReference``).
    MethodError
        If a method cannot be applied in some period (named in the message).

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.panel import score_panel
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> panel = sp.datasets.load_panel("asem")
    >>> res = score_panel(sp.CompositeIndex(fw), panel, normalize_across="pooled",
    ...                   impute_time="linear_constant")
    >>> res.periods
    (2018, 2019, 2020, 2021, 2022)
    >>> res.index.shape
    (51, 5)
    >>> res.compare(2018, 2022).head(3)[["rank_start", "rank_end", "rank_change"]]
           rank_start  rank_end  rank_change
    uCode
    DEU             1         1            0
    GBR             2         2            0
    FRA             3         3            0
    """
    prep = _prepare_panel(model, data, period, unit, normalize_across, impute_time,
                          "score_panel")
    panel = prep.panel
    results: dict[Any, IndexResult] = {}
    for t, p in enumerate(panel.periods):
        scorer = model if prep.pooling is None else prep.pooling.model_for(t)
        result = _in_period(p, partial(scorer.score, prep.period_data[t]))
        results[p] = result if prep.pooling is None else _name_pooled(result)
    return PanelResult(
        model=model, results=results, normalize_across=str(normalize_across),
        data=prep.table, time_imputation=prep.cells, times=panel.times,
        unit_name=panel.unit_name, period_name=panel.period_name,
    )


def _name_pooled(result: IndexResult) -> IndexResult:
    """The result with its normalisation log line naming the pooled method in full."""
    shown = repr(result.model.normalize)
    log = tuple(
        StepRecord(r.stage, shown, r.detail)
        if r.stage == "normalized" and r.method == _PooledNormalizer.name else r
        for r in result.log
    )
    return dataclasses.replace(result, log=log)


# ----------------------------------------------------------------- per-period analyses
@dataclass(frozen=True, eq=False)
class PanelAnalysis(Mapping[Any, Any]):
    """The result of an analysis run in every period: a read-only mapping period -> result.

    Attributes
    ----------
    results : mapping of period to result
        :class:`~spindex.analysis.uncertainty.UncertaintyResult` or
        :class:`~spindex.analysis.smaa.SMAAResult`, one per period, in order.
    normalize_across : {"period", "pooled"}
        How the normalisation was fitted.
    period_name : str
        Name of the period level of :meth:`summary`.
    """

    results: Mapping[Any, Any]
    normalize_across: str
    period_name: str = "period"

    def __getitem__(self, period: Any) -> Any:
        if period not in self.results:
            raise KeyError(
                f"Period {period!r} is not in the analysis; its periods are "
                f"{_preview(list(self.results))}."
            )
        return self.results[period]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def summary(self) -> pd.DataFrame:
        """Every period's ``summary()`` stacked, indexed by (period, unit)."""
        parts = {p: r.summary() for p, r in self.results.items()}
        return pd.concat(parts, names=[self.period_name])

    def __repr__(self) -> str:
        kinds = {type(r).__name__ for r in self.results.values()}
        periods = list(self.results)
        return (f"<PanelAnalysis: {'/'.join(sorted(kinds))} for {len(periods)} periods "
                f"({periods[0]}-{periods[-1]}), normalisation per "
                f"{'period' if self.normalize_across == 'period' else 'pooled table'}>")


def _pooled_switches(
    pooling: _Pooling | None, t: int, kwargs: dict[str, Any], owner: str
) -> dict[str, Any]:
    if pooling is None:
        return kwargs
    blocked = [k for k in _PREPARATION_SWITCHES if kwargs.get(k) is not None]
    if blocked:
        raise ParameterError(
            f"{owner} with normalize_across='pooled' cannot switch {', '.join(blocked)}: the "
            "pooled normalisation is fitted on the nominal preparation of every period. Use "
            "normalize_across='period', or fix those steps in the model."
        )
    spec = kwargs.get("normalize")
    if spec is None:
        return kwargs
    if isinstance(spec, Mapping) and "alternatives" in spec:
        wrapped: Any = {**spec, "alternatives": [pooling.normalizer(t, a)
                                                 for a in spec["alternatives"]]}
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        wrapped = [pooling.normalizer(t, a) for a in spec]
    else:
        return kwargs  # the analysis reports the malformed spec itself
    return {**kwargs, "normalize": wrapped}


def _per_period(
    run: Callable[..., Any], owner: str, model: CompositeIndex, data: object,
    period: Hashable | None, unit: Hashable | None, normalize_across: object,
    impute_time: Any, kwargs: dict[str, Any],
) -> PanelAnalysis:
    # One seed for every period (common random numbers), checked before any work; without
    # one, the entropy drawn here is shared, so that the periods still see the same draws.
    sequence = check_seed(kwargs.get("seed"), owner)
    kwargs = {**kwargs, "seed": seed_record(kwargs.get("seed"), sequence)}
    prep = _prepare_panel(model, data, period, unit, normalize_across, impute_time, owner)
    results: dict[Any, Any] = {}
    for t, p in enumerate(prep.panel.periods):
        scorer = model if prep.pooling is None else prep.pooling.model_for(t)
        options = _pooled_switches(prep.pooling, t, kwargs, owner)
        results[p] = _in_period(p, partial(run, scorer, prep.period_data[t], **options))
    return PanelAnalysis(results, str(normalize_across), prep.panel.period_name)


def uncertainty_panel(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    period: Hashable | None = None,
    unit: Hashable | None = None,
    normalize_across: NormalizeAcross = "period",
    impute_time: Any = None,
    **kwargs: Any,
) -> PanelAnalysis:
    """Monte Carlo uncertainty analysis (:func:`spindex.uncertainty`) in every period.

    Parameters
    ----------
    model, data, period, unit, normalize_across, impute_time
        As for :func:`score_panel`.
    **kwargs
        Passed to :func:`~spindex.analysis.uncertainty.uncertainty` (``weights``, ``n``,
        ``seed``, ``executor``, switches such as ``normalize=[...]``). Every period uses
        the same ``seed``, hence the same weight draws (common random numbers), so that
        differences between periods come from the data, not from sampling; without a
        seed, one entropy is drawn for all periods (and recorded in each result's
        ``seed``). The seed is checked before any period is prepared. With pooled
        normalisation each ``normalize`` alternative is fitted on the pooled table too;
        switching a preparation step (denominate, impute, screen, treat) is refused.

    Returns
    -------
    PanelAnalysis
        Period -> UncertaintyResult; ``summary()`` stacks the per-period summaries.

    Raises
    ------
    ParameterError
        As :func:`score_panel` and :func:`~spindex.analysis.uncertainty.uncertainty`
        raise it, and for a preparation switch under pooled normalisation.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.panel import uncertainty_panel
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> ua = uncertainty_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"),
    ...                        normalize_across="pooled", n=200, seed=1)
    >>> int(ua.summary().loc[(2022, "DEU"), "nominal_rank"])
    1
    """
    return _per_period(uncertainty, "uncertainty_panel", model, data, period, unit,
                       normalize_across, impute_time, kwargs)


def smaa_panel(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    period: Hashable | None = None,
    unit: Hashable | None = None,
    normalize_across: NormalizeAcross = "period",
    impute_time: Any = None,
    **kwargs: Any,
) -> PanelAnalysis:
    """SMAA (:func:`spindex.smaa`) in every period.

    Parameters
    ----------
    model, data, period, unit, normalize_across, impute_time
        As for :func:`score_panel`.
    **kwargs
        Passed to :func:`~spindex.analysis.smaa.smaa` (``n``, ``seed``, ``weights``,
        ``level``, ...). Every period uses the same ``seed`` (common random numbers; without
        one, a single entropy is drawn for all periods and recorded in each result's
        ``seed``). The seed is checked before any period is prepared.

    Returns
    -------
    PanelAnalysis
        Period -> SMAAResult; ``summary()`` stacks the per-period summaries.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.panel import smaa_panel
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> sm = smaa_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"), n=500, seed=1)
    >>> sorted(sm)
    [2018, 2019, 2020, 2021, 2022]
    """
    return _per_period(smaa, "smaa_panel", model, data, period, unit, normalize_across,
                       impute_time, kwargs)


# --------------------------------------------------------------------------- long format
def panel_to_long(
    data: pd.DataFrame,
    *,
    period: Hashable | None = None,
    unit: Hashable | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A panel as a tidy table: one row per (unit, period, indicator).

    Parameters
    ----------
    data : pandas.DataFrame
        A panel, as for :func:`score_panel`.
    period, unit
        As for :func:`score_panel`.
    columns : sequence of str, optional
        Columns to include (default: every numeric column).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``period``, ``indicator``, ``value`` (missing values kept as
        ``NaN``), in period order, then unit, then column.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.panel import panel_to_long
    >>> long = panel_to_long(sp.datasets.load_panel("asem"), columns=["LPI", "Flights"])
    >>> long.head(2)
        unit  period indicator      value
    0  AUS    2018       LPI   3.793385
    1  AUS    2018   Flights  36.054980
    """
    panel = _as_panel(data, period, unit, "panel_to_long")
    table = panel.table
    if columns is None:
        names = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])
                 and not pd.api.types.is_bool_dtype(table[c])]
    else:
        names = list(columns)
        unknown = [c for c in names if c not in table.columns]
        if unknown:
            raise ParameterError(
                f"Column(s) {_preview(unknown)} are not in the panel; it has "
                f"{_preview(list(table.columns))}."
            )
    k = len(names)
    return pd.DataFrame({
        "unit": np.repeat(table.index.get_level_values(0).to_numpy(dtype=object), k),
        "period": np.repeat(table.index.get_level_values(1).to_numpy(), k),
        "indicator": np.tile(np.array(names, dtype=object), len(table)),
        "value": table[names].to_numpy(dtype=float, na_value=np.nan).ravel(),
    })


def panel_from_long(
    long: pd.DataFrame,
    *,
    unit: Hashable = "unit",
    period: Hashable = "period",
    variable: Hashable = "indicator",
    value: Hashable = "value",
) -> pd.DataFrame:
    """A tidy table (one row per unit, period and indicator) as a panel to score.

    Parameters
    ----------
    long : pandas.DataFrame
        With columns for the unit, the period, the indicator (or node) and the value.
    unit, period, variable, value : hashable
        Their column names (defaults: ``unit``, ``period``, ``indicator``, ``value``; use
        ``variable="node", value="score"`` for :meth:`PanelResult.to_long`).

    Returns
    -------
    pandas.DataFrame
        Indexed by (unit, period) (named after the columns), periods in order; one column
        per indicator, in order of first appearance. A (unit, period, indicator) absent
        from the long table is missing.

    Raises
    ------
    DataError
        For an absent column, missing labels, a repeated (unit, period, indicator), or
        periods that cannot be ordered.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.panel import panel_from_long
    >>> long = pd.DataFrame({"unit": ["A", "A", "B"], "period": [2020, 2021, 2020],
    ...                      "indicator": "x", "value": [1.0, 2.0, 3.0]})
    >>> panel_from_long(long)
                   x
    unit period
    A    2020    1.0
    B    2020    3.0
    A    2021    2.0
    """
    frame = _check_frame(long, "panel_from_long")
    wanted = [unit, period, variable, value]
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        raise DataError(
            f"The long table has no column(s) {_preview(absent)}; its columns are "
            f"{_preview(list(frame.columns))}. Name them with unit=, period=, variable=, "
            "value=."
        )
    for name in (unit, period, variable):
        if frame[name].isna().any():
            raise DataError(f"The column {name!r} of the long table has missing labels.")
    keys = pd.MultiIndex.from_frame(frame[[unit, period, variable]])
    if keys.duplicated().any():
        repeated = list(dict.fromkeys(keys[keys.duplicated()]))
        raise DataError(
            f"Each (unit, period, {variable}) must appear once in the long table; repeated: "
            f"{_preview(repeated)}."
        )
    rows, row_keys = pd.factorize(pd.MultiIndex.from_frame(frame[[unit, period]]))
    cols, col_keys = pd.factorize(frame[variable])
    grid = np.full((len(row_keys), len(col_keys)), np.nan)
    numbers = pd.to_numeric(frame[value], errors="coerce")
    bad = numbers.isna() & frame[value].notna()
    if bad.any():
        raise DataError(
            f"The value column {value!r} of the long table is not numeric (e.g. "
            f"{frame[value][bad].iloc[0]!r}). Convert it to numbers, with NaN for missing values."
        )
    grid[rows, cols] = numbers.to_numpy(dtype=float)
    wide = pd.DataFrame(grid, index=pd.MultiIndex.from_tuples(list(row_keys),
                                                               names=[unit, period]),
                        columns=pd.Index(list(col_keys)))
    panel = _as_panel(wide, period, None, "panel_from_long")
    return panel.table
