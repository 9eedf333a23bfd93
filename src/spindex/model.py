"""The composite index model: a framework plus the method chosen for each step."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from spindex._values import keyed_items, real_column, suggest
from spindex.checks import Screen
from spindex.data import check_data
from spindex.errors import (
    DataError,
    MethodError,
    ParameterError,
    SpindexError,
    SpindexTypeError,
    SpindexWarning,
)
from spindex.framework import Framework
from spindex.methods import get_aggregator, get_normalizer
from spindex.methods._base import (
    AggregationContext,
    FloatArray,
    NormalizationContext,
    call_user,
    callable_label,
    user_floats,
)
from spindex.methods.denominate import Denominate, denominate
from spindex.methods.impute import ImputationContext, Imputer, get_imputer
from spindex.methods.treat import Treatment, TreatmentOutcome, get_treatment
from spindex.result import IndexResult, StepRecord

__all__ = ["CompositeIndex", "framework_of"]

MissingPolicy = Literal["reweight", "error"]
_DEFAULT_KEY = "default"


@dataclass(frozen=True, eq=False)
class CompositeIndex:
    """A composite index: a framework and the methods that turn data into scores.

    Parameters
    ----------
    framework : Framework
        The indicator tree with weights and directions.
    normalize : str, normaliser object, callable or mapping, default "minmax"
        How indicators are brought to a common scale (see
        :mod:`spindex.methods.normalize`). A mapping gives per-indicator choices:
        keys are indicator codes, or aggregate codes (applying to every indicator
        below them), plus an optional ``"default"`` entry (``"minmax"`` if absent).
        The most specific key wins.
    aggregate : str, aggregator object, callable or mapping, default "arithmetic"
        How children are combined into their parent (see
        :mod:`spindex.methods.aggregate`). A mapping may be keyed by level number
        (2 = the nodes just above the indicators), by aggregate code (a per-node
        override) and ``"default"``. A node's own entry wins over its level's,
        which wins over the default.
    min_coverage : float or mapping, optional
        Data-availability threshold in [0, 1]: an aggregate is missing for a unit
        when the share of its children with a value is below it (COINr's
        ``dat_thresh``). A mapping may be keyed like ``aggregate``. ``None``
        (default): an aggregate is computed from whatever children are available.
    missing : {"reweight", "error"}, default "reweight"
        ``"reweight"`` aggregates over the available children, with their weights
        renormalised to sum to 1; ``"error"`` refuses data with missing indicator
        values left after the preparation steps (impute first).
    denominate : None, "framework", mapping or Denominate, optional
        Divide indicators by a denominator column of the data (see
        :class:`~spindex.methods.denominate.Denominate`): ``"framework"`` uses each
        indicator's ``denominator`` attribute (COINr's iMeta ``Denominator``
        column); a mapping gives ``{indicator: column}``.
    impute : None, str, Imputer or callable, optional
        Fill missing values (see :mod:`spindex.methods.impute`): ``"mean"``,
        ``"median"``, ``GroupMean("column")``, ``GroupMedian("column")``, ``"em"``
        (EM under a multivariate normal, ``EMImputer(ridge=...)`` for other
        settings), ``"knn"`` (``KNNImputer(k=...)``) or a function of one indicator.
        Grouping columns are read from the data table.
    screen : Screen, optional
        Drop units with too little data (see :class:`~spindex.checks.Screen`).
    treat : None, str, Treatment, callable or mapping, optional
        Outlier treatment (see :mod:`spindex.methods.treat`): ``"default"`` is
        COINr's default rule, ``Winsorize(winmax=5, skew=2, kurtosis=3.5)``. A
        mapping gives per-indicator choices keyed like ``normalize`` (indicator
        or aggregate codes, and ``"default"``, which is ``"default"`` if absent);
        ``"none"`` leaves an indicator untreated.

    Notes
    -----
    The preparation steps run in COINr's order, each on the output of the
    previous one: denominate -> impute -> screen -> treat, then normalise and
    aggregate (``Screen(before_impute=True)`` moves screening before
    imputation). Each step adds a stage to :meth:`IndexResult.stage`
    (``"denominated"``, ``"imputed"``, ``"screened"``, ``"treated"``), lines to
    :attr:`IndexResult.log`, and a report (:attr:`IndexResult.treatment`,
    :attr:`IndexResult.imputation`, ...). Denominators and grouping columns are
    read from the data frame passed to :meth:`score`, next to the indicators.

    Keys of the method maps (``normalize``, ``aggregate``, ``min_coverage``,
    ``treat``, ``denominate``) and the per-indicator mappings of a normaliser
    (``Goalposts(low=..., high=...)``) are checked when the model is built: an
    unknown key raises :class:`~spindex.errors.ParameterError` with the closest
    codes ("did you mean ...?"), and two keys naming one entry (``2`` and
    ``"2"``) are refused. The key ``"default"`` is always the default entry; if
    the framework has a node coded ``"default"`` the key is ambiguous and
    refused: give the default through the root code (``normalize``, ``treat``)
    or level numbers (``aggregate``, ``min_coverage``) instead.

    Examples
    --------
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100), aggregate="arithmetic")
    >>> res = model.score(data)
    >>> res.ranks["Index"].idxmin()
    'DEU'

    COINr's example pipeline (``build_example_coin()``):

    >>> from spindex.checks import Screen
    >>> from spindex.methods.denominate import Denominate
    >>> from spindex.methods.impute import GroupMean
    >>> model = sp.CompositeIndex(
    ...     fw, normalize=sp.MinMax(0, 100), aggregate="arithmetic",
    ...     denominate=Denominate("framework", missing="propagate"),
    ...     impute=GroupMean("EurAsia_group"), screen=Screen(min_coverage=0.9),
    ...     treat="default")
    >>> res = model.score(data)
    >>> res.stage_names
    ('raw', 'denominated', 'imputed', 'screened', 'treated', 'normalized', 'aggregated')
    >>> res.index.round(2).sort_values(ascending=False).head(3).to_dict()
    {'CHE': 68.38, 'NLD': 64.82, 'DNK': 64.8}
    >>> res.treatment["status"].value_counts().to_dict()
    {'passed': 34, 'winsorised': 15}
    >>> res.treatment.loc["Services", "units"]
    ('IRL', 'LUX', 'MLT', 'SGP')
    """

    framework: Framework
    normalize: Any = "minmax"
    aggregate: Any = "arithmetic"
    min_coverage: float | Mapping[Any, float] | None = None
    missing: MissingPolicy = "reweight"
    denominate: Any = None
    impute: Any = None
    screen: Screen | None = None
    treat: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.framework, Framework):
            raise SpindexTypeError(
                "The 'framework' parameter of CompositeIndex must be a Framework (build one with "
                f"Framework.from_table or from_dict). Got {type(self.framework).__name__} instead."
            )
        if self.missing not in ("reweight", "error"):
            raise ParameterError(
                "The 'missing' parameter of CompositeIndex must be one of {'reweight', 'error'}. "
                f"Got {self.missing!r} instead."
            )
        # Resolve once, at the public boundary, so that a bad name fails before any data is seen.
        object.__setattr__(self, "_normalizers", self._resolve_normalizers())
        object.__setattr__(self, "_aggregators", self._resolve_per_node(
            self.aggregate, "aggregate", get_aggregator, "arithmetic"))
        object.__setattr__(self, "_coverage", self._resolve_coverage())
        object.__setattr__(self, "_denominators", self._resolve_denominate())
        object.__setattr__(self, "_imputer", self._resolve_impute())
        if self.screen is not None and not isinstance(self.screen, Screen):
            raise SpindexTypeError(
                "The 'screen' parameter of CompositeIndex must be a Screen (e.g. "
                f"Screen(min_coverage=0.9)) or None. Got {type(self.screen).__name__} instead."
            )
        object.__setattr__(self, "_treatments", self._resolve_treat())

    # ---------------------------------------------------------------- resolution
    def _resolve_normalizers(self) -> dict[str, Any]:
        chosen = self._resolve_per_indicator(self.normalize, "normalize", get_normalizer,
                                             "minmax")
        # Per-indicator parameters of a normaliser (Goalposts low/high, targets) keyed by a
        # code the framework does not have would be ignored in silence: refuse them here,
        # where the indicators are known.
        indicators = self.framework.indicators
        for method in {id(m): m for m in chosen.values()}.values():
            for attr in ("low", "high", "targets"):
                value = getattr(method, attr, None)
                if not isinstance(value, Mapping):
                    continue
                for key in value:
                    if key not in indicators:
                        raise ParameterError(
                            f"The '{attr}' mapping of {type(method).__name__} names {key!r}, "
                            "which is not an indicator of the framework."
                            f"{suggest(key, indicators)} Key it by indicator codes."
                        )
        return chosen

    def _resolve_per_indicator(
        self, spec: Any, what: str, resolve: Any, fallback: Any
    ) -> dict[str, Any]:
        """One method per indicator from a single spec or a mapping keyed by indicator or
        aggregate codes (applying to the indicators below) and ``"default"``; the nearest
        node on the way up from the indicator that has an entry wins."""
        fw = self.framework
        if not isinstance(spec, Mapping):
            return dict.fromkeys(fw.indicators, resolve(spec))
        items = self._map_items(spec, what, "the root code (its entry applies to every "
                                "indicator)")
        default = resolve(spec.get(_DEFAULT_KEY, fallback))
        chosen: dict[str, Any] = {}
        for key, value in items:
            if key == _DEFAULT_KEY:
                continue
            if key not in fw:
                raise ParameterError(
                    f"The '{what}' mapping of CompositeIndex names {key!r}, which is not a node "
                    f"of the framework.{suggest(key, [*fw.codes, _DEFAULT_KEY])} Use indicator "
                    f"or aggregate codes, or '{_DEFAULT_KEY}'."
                )
            chosen[str(key)] = resolve(value)
        out = {}
        for code in fw.indicators:
            method = default
            for candidate in (code, *fw.ancestors(code)):
                if candidate in chosen:
                    method = chosen[candidate]
                    break
            out[code] = method
        return out

    def _resolve_per_node(
        self, spec: Any, what: str, resolve: Any, fallback: Any
    ) -> dict[str, Any]:
        fw = self.framework
        if not isinstance(spec, Mapping):
            value = resolve(spec)
            return dict.fromkeys(fw.aggregates, value)
        items = self._map_items(spec, what, "level numbers")
        default = resolve(spec.get(_DEFAULT_KEY, fallback))
        by_level: dict[int, Any] = {}
        by_node: dict[str, Any] = {}
        for key, value in items:
            if key == _DEFAULT_KEY:
                continue
            if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
                level = fw._resolve_level(int(key))
                if level == 1:
                    raise ParameterError(
                        f"The '{what}' mapping of CompositeIndex names level 1, the indicators, "
                        "which are not aggregated. Aggregates start at level 2."
                    )
                by_level[level] = resolve(value)
            elif key in fw and not fw.node(key).is_indicator:
                by_node[str(key)] = resolve(value)
            else:
                hint = suggest(key, [*fw.aggregates, _DEFAULT_KEY])
                if not hint and key in fw:
                    hint = f" {key!r} is an indicator, which is not aggregated."
                raise ParameterError(
                    f"The '{what}' mapping of CompositeIndex names {key!r}, which is neither a "
                    f"level number (2 to {fw.n_levels}) nor an aggregate of the framework "
                    f"({', '.join(fw.aggregates)}), nor '{_DEFAULT_KEY}'.{hint}"
                )
        return {
            code: by_node.get(code, by_level.get(fw.node(code).level, default))
            for code in fw.aggregates
        }

    def _map_items(self, spec: Mapping[Any, Any], what: str, instead: str
                   ) -> list[tuple[Any, Any]]:
        """The entries of a method map, refusing keys that name one entry twice (``2`` and
        ``"2"``) and a ``"default"`` key that a node of the framework shares."""
        items = keyed_items(spec, f"The '{what}' mapping of CompositeIndex")
        if _DEFAULT_KEY in spec and _DEFAULT_KEY in self.framework:
            # The rule: "default" is always the default entry; when a node has that code too,
            # the key is ambiguous, so it is refused rather than guessed.
            raise ParameterError(
                f"The '{what}' mapping of CompositeIndex has the key '{_DEFAULT_KEY}', but the "
                f"framework also has a node coded '{_DEFAULT_KEY}', so the key is ambiguous. "
                f"Give the default through {instead} instead, or rename the node."
            )
        return items

    def _resolve_coverage(self) -> dict[str, float | None]:
        spec = self.min_coverage
        if spec is None:
            return dict.fromkeys(self.framework.aggregates)

        def check(value: Any) -> float | None:
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise SpindexTypeError(
                    f"The 'min_coverage' of CompositeIndex must be a number in [0, 1]; got "
                    f"{value!r}."
                )
            if not 0.0 <= float(value) <= 1.0:
                raise ParameterError(
                    "The 'min_coverage' of CompositeIndex must be a share between 0 and 1. "
                    f"Got {value} instead."
                )
            return float(value)

        return self._resolve_per_node(spec, "min_coverage", check, None)

    def _resolve_denominate(self) -> tuple[Denominate, dict[str, tuple[str, float]]] | None:
        spec = self.denominate
        if spec is None:
            return None
        if isinstance(spec, str | Mapping):
            spec = Denominate(spec)
        if not isinstance(spec, Denominate):
            raise SpindexTypeError(
                "The 'denominate' parameter of CompositeIndex must be None, 'framework', a "
                f"mapping from indicator to column, or Denominate(...). Got "
                f"{type(spec).__name__} instead."
            )
        fw = self.framework
        if isinstance(spec.by, Mapping):
            for key in spec.by:
                if key not in fw or not fw.node(key).is_indicator:
                    raise ParameterError(
                        f"The 'denominate' mapping of CompositeIndex names {key!r}, which is not "
                        f"an indicator of the framework.{suggest(key, fw.indicators)}"
                    )
        if isinstance(spec.scale, Mapping):
            for key in spec.scale:
                if key not in fw or not fw.node(key).is_indicator:
                    raise ParameterError(
                        f"The 'scale' mapping of Denominate names {key!r}, which is not an "
                        f"indicator of the framework.{suggest(key, fw.indicators)}"
                    )
        chosen: dict[str, tuple[str, float]] = {}
        for code in fw.indicators:
            column = spec.denominator(code, fw.node(code).attrs.get("denominator"))
            if column is not None:
                chosen[code] = (column, spec.scale_of(code))
        if not chosen:
            raise ParameterError(
                "denominate='framework' was asked for, but no indicator of the framework has a "
                "'denominator' attribute (COINr's iMeta 'Denominator' column). Add one, or pass "
                "a mapping {indicator: column}."
            )
        return spec, chosen

    def _resolve_impute(self) -> Imputer | None:
        if self.impute is None or (isinstance(self.impute, str) and self.impute == "none"):
            return None
        return get_imputer(self.impute)

    def _resolve_treat(self) -> dict[str, Treatment] | None:
        if self.treat is None:
            return None
        return self._resolve_per_indicator(self.treat, "treat", get_treatment, "default")

    # ------------------------------------------------------------------- access
    def normalizer(self, indicator: str) -> Any:
        """The normaliser applied to an indicator."""
        self.framework.node(indicator)
        return self._normalizers[indicator]  # type: ignore[attr-defined]

    def aggregator(self, node: str) -> Any:
        """The aggregator that computes an aggregate node."""
        if self.framework.node(node).is_indicator:
            raise ParameterError(f"'{node}' is an indicator; only aggregates have an aggregator.")
        return self._aggregators[node]  # type: ignore[attr-defined]

    def treatment(self, indicator: str) -> Treatment | None:
        """The outlier treatment applied to an indicator (None without a treatment step)."""
        self.framework.node(indicator)
        chosen = self._treatments  # type: ignore[attr-defined]
        return None if chosen is None else chosen[indicator]

    def with_framework(self, framework: Framework) -> CompositeIndex:
        """The same methods on another framework (for example with other weights)."""
        return CompositeIndex(framework, normalize=self.normalize, aggregate=self.aggregate,
                              min_coverage=self.min_coverage, missing=self.missing,
                              denominate=self.denominate, impute=self.impute,
                              screen=self.screen, treat=self.treat)

    def with_weights(self, weights: Any, **kwargs: Any) -> CompositeIndex:
        """The same model with other weights (see :meth:`Framework.with_weights`)."""
        return self.with_framework(self.framework.with_weights(weights, **kwargs))

    def __repr__(self) -> str:
        def show(spec: Any) -> str:
            if isinstance(spec, Mapping):
                return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in spec.items()) + "}"
            return repr(spec) if isinstance(spec, str) else type(spec).__name__ + "(...)" \
                if callable(spec) and not hasattr(spec, "name") else repr(spec)

        steps = "".join(
            f", {name}={show(value)}"
            for name, value in (("denominate", self.denominate), ("impute", self.impute),
                                ("screen", self.screen), ("treat", self.treat))
            if value is not None
        )
        return (
            f"CompositeIndex(framework={self.framework!r}, normalize={show(self.normalize)}, "
            f"aggregate={show(self.aggregate)}{steps})"
        )

    # ------------------------------------------------------------------ scoring
    def score(self, data: pd.DataFrame) -> IndexResult:
        """Score a table of units.

        Parameters
        ----------
        data : pandas.DataFrame
            One row per unit (the index holds unit labels, which must be unique),
            one column per indicator of the framework. Other columns are ignored.
            The frame is not modified.

        Returns
        -------
        IndexResult
            Scores, ranks and contributions at every level, and every
            intermediate stage.

        Raises
        ------
        SpindexTypeError
            If ``data`` is not a DataFrame (a Series included).
        DataError
            If an indicator column is missing, non-numeric, infinite or empty, or
            unit labels repeat, or the table is empty. A two-level (unit, period)
            row index is refused with a pointer to :func:`spindex.score_panel`,
            which scores a panel period by period.
        MethodError
            If a chosen method cannot be applied (a constant indicator under
            min-max, a zero under a geometric mean, ...).
        """
        stages, log, reports = self._prepare(data)
        prepared = next(reversed(stages.values()))
        units = _unit_labels(prepared.index)
        normalized = self._normalize(prepared, units, log)
        scores = self._aggregate(normalized, units, log)
        stages = {**stages, "normalized": normalized, "aggregated": scores}
        return IndexResult(model=self, scores=scores, stages=stages, log=tuple(log),
                           reports=reports)

    def prepare(self, data: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], list[StepRecord]]:
        """Validate the data and run the steps before normalisation.

        Parameters
        ----------
        data : pandas.DataFrame
            As for :meth:`score`.

        Returns
        -------
        stages : dict of str to DataFrame
            ``"raw"`` (the indicator columns as floats) followed by one table per
            preparation step, in order (``"denominated"``, ``"imputed"``,
            ``"screened"``, ``"treated"``, as configured); the last one is what
            gets normalised.
        log : list of StepRecord
            What each step did.

        Raises
        ------
        DataError
            For invalid data (see :meth:`score`), a missing, non-numeric, zero or
            negative denominator, a missing grouping column, or (with
            ``missing="error"``) values still missing after the steps.
        MethodError
            If a step cannot be applied (a group with no observed value to impute
            from, an indicator with too few values to test for outliers, ...).
        """
        stages, log, _ = self._prepare(data)
        return stages, log

    def _prepare(
        self, data: pd.DataFrame
    ) -> tuple[dict[str, pd.DataFrame], list[StepRecord], dict[str, pd.DataFrame]]:
        fills = self._imputer is not None or self.screen is not None  # type: ignore[attr-defined]
        raw = check_data(data, self.framework.indicators,
                         allow_missing=self.missing == "reweight" or fills,
                         labels=self._plan().indicators)
        log = [
            StepRecord("raw", "input", f"{raw.shape[0]} units x {raw.shape[1]} indicators, "
                       f"{int(np.count_nonzero(np.isnan(raw.to_numpy())))} missing values"),
        ]
        stages = {"raw": raw}
        reports: dict[str, pd.DataFrame] = {}
        table = raw
        if self._denominators is not None:  # type: ignore[attr-defined]
            table = self._run_denominate(data, table, log, reports)
            stages["denominated"] = table
        screen = self.screen
        if screen is not None and screen.before_impute:
            table = self._run_screen(table, log, reports)
            stages["screened"] = table
        if self._imputer is not None:  # type: ignore[attr-defined]
            table = self._run_impute(data, table, log, reports)
            stages["imputed"] = table
        if screen is not None and not screen.before_impute:
            table = self._run_screen(table, log, reports)
            stages["screened"] = table
        if self._treatments is not None:  # type: ignore[attr-defined]
            table = self._run_treat(table, log, reports)
            stages["treated"] = table
        if self.missing == "error":
            left = table.isna().to_numpy()
            if left.any():
                i, j = (int(v) for v in np.argwhere(left)[0])
                raise DataError(
                    f"Indicator '{table.columns[j]}' is missing for unit {table.index[i]!r} (and "
                    f"{int(left.sum()) - 1} more) after the preparation steps, and the model has "
                    "missing='error'. Impute them, or use missing='reweight'."
                )
        return stages, log, reports

    # ------------------------------------------------------------ preparation
    def _run_denominate(
        self, data: pd.DataFrame, table: pd.DataFrame, log: list[StepRecord],
        reports: dict[str, pd.DataFrame],
    ) -> pd.DataFrame:
        spec, chosen = self._denominators  # type: ignore[attr-defined]
        codes = list(chosen)
        columns = [chosen[c][0] for c in codes]
        absent = sorted({c for c in columns if c not in data.columns})
        if absent:
            needing = [code for code in codes if chosen[code][0] in absent]
            raise DataError(
                f"The data has no denominator column {', '.join(map(repr, absent))}, needed for "
                f"indicator(s) {', '.join(needing)}. Add the column to the data table passed "
                "to score (COINr's iData keeps denominators next to the indicators)."
            )
        D = np.empty((len(table), len(codes)))
        for j, column in enumerate(columns):
            col = data.loc[table.index, column]
            if isinstance(col, pd.DataFrame):
                raise DataError(f"The denominator column {column!r} appears more than once.")
            # Infinities are left to denominate(), which says why a denominator must be
            # positive and finite.
            D[:, j] = real_column(
                col, f"The denominator column {column!r} (of indicator {codes[j]!r})",
                allow_inf=True)
        X = table[codes].to_numpy(dtype=float)
        scale = np.array([chosen[c][1] for c in codes])
        units = tuple(str(u) for u in table.index)
        values, created = denominate(X, D, scale, codes=codes, denominators=columns,
                                     units=units, missing=spec.missing)
        out = table.copy()
        out[codes] = values
        reports["denomination"] = pd.DataFrame(
            {"denominator": columns, "scale": scale, "missing_created": created.sum(axis=0)},
            index=pd.Index(codes, name="indicator"),
        )
        shown = ", ".join(f"{c} / {chosen[c][0]}" + (f" * {chosen[c][1]:g}"
                                                     if chosen[c][1] != 1 else "")
                          for c in codes)
        log.append(StepRecord("denominated", "denominate", shown))
        for col in np.flatnonzero(created.any(axis=0)):
            lost = [units[int(i)] for i in np.flatnonzero(created[:, col])]
            log.append(StepRecord(
                "denominated", "denominate",
                f"{codes[col]} set missing for {', '.join(lost)}: denominator {columns[col]} "
                "missing",
            ))
        return out

    def _run_impute(
        self, data: pd.DataFrame, table: pd.DataFrame, log: list[StepRecord],
        reports: dict[str, pd.DataFrame],
    ) -> pd.DataFrame:
        imputer = self._imputer  # type: ignore[attr-defined]
        units = tuple(str(u) for u in table.index)
        column = imputer.by
        groups = None
        labels: tuple[str, ...] = ()
        group_values = None
        if column is not None:
            if column not in data.columns:
                raise DataError(
                    f"The data has no grouping column {column!r} for {_method_name(imputer)} "
                    "imputation. Add it to the data table passed to score."
                )
            group_values = data.loc[table.index, column]
            numbers, uniques = pd.factorize(group_values, use_na_sentinel=True)
            groups = np.asarray(numbers, dtype=np.intp)
            labels = tuple(str(u) for u in uniques)
        ctx = ImputationContext(tuple(table.columns), units, groups, labels, column)
        X = table.to_numpy(dtype=float)
        result = _run_method(imputer, (X, ctx), role="imputer",
                             subject=f"indicators {list(ctx.codes)}", contract=_IMPUTER_CONTRACT)
        if result.shape != X.shape:
            raise MethodError(
                f"The imputer {_method_name(imputer)} returned shape {result.shape}; expected "
                f"{X.shape}."
            )
        missing = np.isnan(X)
        # Observed values are copied through whatever the imputer returned.
        values = np.where(missing, result, X)
        if np.isinf(values).any():
            j = int(np.argwhere(np.isinf(values))[0, 1])
            raise MethodError(
                f"The imputer {_method_name(imputer)} produced an infinite value for indicator "
                f"'{table.columns[j]}'."
            )
        filled = missing & ~np.isnan(values)
        left = missing & np.isnan(values)
        out = pd.DataFrame(values, index=table.index, columns=table.columns)
        name = _method_name(imputer) + (f"({column})" if column else "")
        reports["imputation"] = pd.DataFrame(
            {"method": name, "n_imputed": filled.sum(axis=0), "n_missing_left": left.sum(axis=0)},
            index=pd.Index(table.columns, name="indicator"),
        )
        rows, cols = np.nonzero(filled.T)
        cells = pd.DataFrame({
            "indicator": table.columns[rows],
            "unit": table.index[cols],
            "value": values[cols, rows],
        })
        if group_values is not None:
            cells["group"] = group_values.to_numpy()[cols]
        reports["imputed_cells"] = cells
        detail = f"{int(filled.sum())} values in {int(filled.any(axis=0).sum())} indicators"
        if left.any():
            detail += f"; {int(left.sum())} left missing"
            warnings.warn(
                f"Imputation with {name} left {int(left.sum())} value(s) missing (e.g. indicator "
                f"'{table.columns[int(np.argwhere(left)[0, 1])]}'); they are aggregated over the "
                "available indicators.",
                SpindexWarning,
                stacklevel=4,
            )
        log.append(StepRecord("imputed", name, detail))
        return out

    def _run_screen(
        self, table: pd.DataFrame, log: list[StepRecord], reports: dict[str, pd.DataFrame]
    ) -> pd.DataFrame:
        screen = self.screen
        assert screen is not None
        kept, report = screen(table)
        reports["screening"] = report
        removed = [str(u) for u in report.index[~report["included"].to_numpy()]]
        detail = f"kept {len(kept)} of {len(table)} units"
        if removed:
            detail += f"; removed {', '.join(removed)}"
        log.append(StepRecord("screened", screen.describe(), detail))
        empty = [str(c) for c in kept.columns[kept.isna().all(axis=0).to_numpy()]]
        if empty:
            raise DataError(
                f"After screening, indicator(s) {', '.join(empty)} have no observed value. Lower "
                "the screening threshold or drop them from the framework."
            )
        return kept

    def _run_treat(
        self, table: pd.DataFrame, log: list[StepRecord], reports: dict[str, pd.DataFrame]
    ) -> pd.DataFrame:
        chosen: dict[str, Treatment] = self._treatments  # type: ignore[attr-defined]
        out = table.copy()
        units = table.index
        rows: dict[str, dict[str, Any]] = {}
        points: list[dict[str, Any]] = []
        lines: list[StepRecord] = []
        # Treatment is sequential within an indicator, so the loop is over indicators.
        for code in table.columns:
            x = table[code].to_numpy(dtype=float)
            outcome = _run_method(chosen[code], (x, code), role="treatment",
                                  subject=f"indicator '{code}'", contract=_TREATMENT_CONTRACT,
                                  floats=False)
            if not isinstance(outcome, TreatmentOutcome):
                raise MethodError(
                    f"The treatment {_method_name(chosen[code])} returned "
                    f"{type(outcome).__name__} for indicator '{code}'. {_TREATMENT_CONTRACT}"
                )
            out[code] = outcome.values
            winsorised = [*outcome.high, *outcome.low]
            rows[code] = {
                "method": _method_name(chosen[code]),
                "status": outcome.status,
                "n_winsorised": outcome.n_winsorised,
                "n_tried": outcome.n_tried,
                "units": tuple(units[i] for i in sorted(winsorised)),
                "skew_before": outcome.skew_before,
                "kurtosis_before": outcome.kurtosis_before,
                "passed_before": outcome.passed_before,
                "skew_after": outcome.skew_after,
                "kurtosis_after": outcome.kurtosis_after,
                "passed_after": outcome.passed_after,
                "detail": outcome.detail,
            }
            for side, positions in (("high", outcome.high), ("low", outcome.low)):
                for i in positions:
                    points.append({"indicator": code, "unit": units[i], "side": side,
                                   "old": x[i], "new": outcome.values[i]})
            if outcome.status not in ("passed", "untreated"):
                what = (f"winsorised {outcome.n_winsorised} point(s): "
                        f"{', '.join(str(units[i]) for i in sorted(winsorised))}"
                        if outcome.status == "winsorised" else
                        f"{outcome.status}: {outcome.detail}")
                lines.append(StepRecord("treated", _method_name(chosen[code]), f"{code} {what}"))
        report = pd.DataFrame.from_dict(rows, orient="index")
        report.index.name = "indicator"
        reports["treatment"] = report
        reports["treated_points"] = pd.DataFrame(
            points, columns=["indicator", "unit", "side", "old", "new"])
        counts = report["status"].value_counts()
        summary = ", ".join(f"{int(n)} {status}" for status, n in counts.items())
        log.append(StepRecord("treated", "treat", f"{len(report)} indicators: {summary}"))
        log.extend(lines)
        return out

    def normalized(self, data: pd.DataFrame) -> pd.DataFrame:
        """The normalised indicator table (after preparation), units x indicators."""
        stages, log = self.prepare(data)
        prepared = next(reversed(stages.values()))
        return self._normalize(prepared, _unit_labels(prepared.index), log)

    def _plan(self) -> _Plan:
        """What scoring derives from the model alone, built on first use and kept: the model
        and its framework are immutable."""
        plan = self.__dict__.get("_score_plan")
        if plan is None:
            plan = _build_plan(self)
            object.__setattr__(self, "_score_plan", plan)
        return plan

    def _normalize(
        self, raw: pd.DataFrame, units: tuple[str, ...], log: list[StepRecord]
    ) -> pd.DataFrame:
        fw = self.framework
        plan = self._plan()
        columns = raw.columns
        if columns is plan.indicators or columns.equals(plan.indicators):
            directions, meta, groups = plan.directions, plan.meta, plan.groups
        else:  # a table with other columns than the framework's indicators, in their order
            directions = fw.directions.reindex(columns).to_numpy(dtype=float)
            meta = _numeric_meta(fw, tuple(columns))
            groups = _normalizer_groups(self._normalizers,  # type: ignore[attr-defined]
                                        tuple(columns))
        # raw.to_numpy() of a one-block float frame is a column-major view, so the product is
        # column-major too: each indicator's values stay contiguous down to the scores table.
        directed = raw.to_numpy(dtype=float) * directions
        missing = np.isnan(directed)
        # One method for every column (the usual case): no gather and scatter of the table.
        whole = len(groups) == 1
        out = directed if whole else np.full_like(directed, np.nan)
        for method, idx, codes in groups:
            ctx = NormalizationContext(
                codes=codes, units=units, directions=directions[idx],
                meta={k: v[idx] for k, v in meta.items()},
            )
            # A method is given its own copy of its columns, which it may modify at will.
            block = directed.copy(order="F") if whole and not _own(method) else (
                directed if whole else directed[:, idx])
            result = _run_method(method, (block, ctx), role="normaliser",
                                 subject=f"indicators {list(ctx.codes)}",
                                 contract=_NORMALIZER_CONTRACT)
            if result.shape != (len(units), len(idx)):
                raise MethodError(
                    f"The normaliser {_method_name(method)} returned shape {result.shape} for "
                    f"indicators {list(ctx.codes)}; expected {(len(units), len(idx))}."
                )
            if whole:
                # A method's result is kept as it is only when it is spindex's own (a new
                # array); a user's array could be one the user keeps and later changes.
                out = np.asarray(result, dtype=float) if _own(method) else np.array(
                    result, dtype=float, order="F")
            else:
                out[:, idx] = result
            log.append(StepRecord("normalized", _method_name(method), ", ".join(ctx.codes)))
        fine = np.isfinite(out)
        fine |= missing
        if not fine.all():
            bad = ~fine
            j = int(np.argwhere(bad.any(axis=0))[0, 0])
            i = int(np.argwhere(bad[:, j])[0, 0])
            raise MethodError(
                f"Normalising indicator '{raw.columns[j]}' with "
                f"{_method_name(self._normalizers[raw.columns[j]])} gave a non-finite value "  # type: ignore[attr-defined]
                f"for unit '{units[i]}' (raw value {raw.iat[i, j]!r}). Choose another method "
                "for this indicator."
            )
        # The array is new and owned by this frame alone, so it needs no defensive copy.
        return pd.DataFrame(out, index=raw.index, columns=raw.columns, copy=False)

    def _aggregate(
        self, normalized: pd.DataFrame, units: tuple[str, ...], log: list[StepRecord]
    ) -> pd.DataFrame:
        fw = self.framework
        plan = self._plan()
        # Every node's scores as one row of a (nodes, units) table, filled in place: the
        # scores frame wraps it without stacking hundreds of columns afterwards.
        table = np.empty((len(plan.codes), len(units)))
        columns = normalized.columns
        if columns is plan.indicators or columns.equals(plan.indicators):
            # The framework lists the indicators first, in this order.
            table[:len(columns)] = normalized.to_numpy(dtype=float).T
        else:
            pos = {c: i for i, c in enumerate(fw.codes)}
            table[[pos[c] for c in columns]] = normalized.to_numpy(dtype=float).T
        for step in plan.steps:
            code, children, method = step.code, step.children, step.method
            # Row-major as the aggregators have always been given it: their sums over the
            # children then round the same way.
            X = np.ascontiguousarray(table[step.rows].T)
            # A user's aggregator gets its own weights, which it could modify.
            w = step.weights if step.own else step.weights.copy()
            ctx = AggregationContext(node=code, children=children, units=units)
            y = np.array(_run_method(method, (X, w, ctx), role="aggregator",
                                     subject=f"node '{code}'", contract=_AGGREGATOR_CONTRACT))
            if y.shape != (len(units),):
                raise MethodError(
                    f"The aggregator {_method_name(method)} returned shape {y.shape} for node "
                    f"'{code}'; expected ({len(units)},)."
                )
            # Only a unit without a finite value needs a look at its children: a unit whose
            # available children all weigh zero is legitimately missing here.
            broken = ~np.isfinite(y)
            if broken.any():
                seen = ~np.isnan(X[broken])
                broken[broken] = (seen[:, step.positive].any(axis=1) if not step.positive.all()
                                  else seen.any(axis=1))  # no sum: huge weights may overflow
            if broken.any():
                i = int(np.argmax(broken))
                raise MethodError(
                    f"Aggregating '{code}' with {_method_name(method)} gave a non-finite value "
                    f"for unit '{units[i]}'. Check its children {list(children)}; an aggregator "
                    "must give a finite value to every unit with an observed child of positive "
                    "weight."
                )
            threshold = step.threshold
            note = ""
            if threshold is not None:
                share = (~np.isnan(X)).sum(axis=1) / len(children)
                below = share < threshold
                y[below] = np.nan
                if below.any():
                    note = f"; {int(below.sum())} units below coverage {threshold:g} set missing"
            table[step.row] = y
            log.append(StepRecord(
                "aggregated", _method_name(method),
                f"{code} <- {', '.join(children)}{note}",
            ))
        # A shallow copy of the labels: setting .name on one result's columns must not rename
        # another's.
        return pd.DataFrame(table.T, index=normalized.index, columns=plan.codes.copy(),
                            copy=False)

@dataclass(frozen=True, eq=False)
class _AggregateStep:
    """What computing one aggregate needs that does not depend on the data."""

    code: str
    row: int
    children: tuple[str, ...]
    rows: np.ndarray  # positions of the children in the (nodes, units) table
    weights: FloatArray
    positive: np.ndarray  # weights > 0
    method: Any
    own: bool
    threshold: float | None


@dataclass(frozen=True, eq=False)
class _Plan:
    """Everything scoring derives from the model alone, built once per model: the framework
    is immutable, so it is the same for every call (labels, directions, per-indicator
    metadata, method groups, each aggregate's children and weights)."""

    indicators: pd.Index
    codes: pd.Index
    directions: FloatArray
    meta: dict[str, FloatArray]
    groups: tuple[tuple[Any, np.ndarray, tuple[str, ...]], ...]
    steps: tuple[_AggregateStep, ...]
    tie_children: tuple[tuple[int, ...], ...]
    tie_means: tuple[bool, ...]


def _normalizer_groups(
    normalizers: dict[str, Any], columns: tuple[str, ...]
) -> tuple[tuple[Any, np.ndarray, tuple[str, ...]], ...]:
    """The columns each normalising method takes, as (method, positions, codes), methods
    in the order of their first column: one call per method normalises all its columns."""
    grouped: dict[int, tuple[Any, list[int]]] = {}
    for j, code in enumerate(columns):
        method = normalizers[code]
        grouped.setdefault(id(method), (method, []))[1].append(j)
    return tuple((method, np.asarray(cols), tuple(columns[c] for c in cols))
                 for method, cols in grouped.values())


def _build_plan(model: CompositeIndex) -> _Plan:
    fw = model.framework
    indicators = fw.indicators
    codes = fw.codes
    pos = {c: i for i, c in enumerate(codes)}
    groups = _normalizer_groups(model._normalizers, tuple(indicators))  # type: ignore[attr-defined]
    steps = []
    for code in fw.aggregates:
        children = fw.children(code)
        w = np.array([fw.node(c).weight for c in children], dtype=float)
        method = model._aggregators[code]  # type: ignore[attr-defined]
        steps.append(_AggregateStep(
            code=code, row=pos[code], children=children,
            rows=np.array([pos[c] for c in children], dtype=np.intp), weights=w,
            positive=w > 0, method=method, own=_own(method),
            threshold=model._coverage[code],  # type: ignore[attr-defined]
        ))
    aggregates = set(fw.aggregates)
    tie_children = tuple(tuple(pos[k] for k in fw.children(c)) if c in aggregates else ()
                         for c in codes)
    tie_means = tuple(c in aggregates
                      and getattr(model._aggregators[c], "power", None) is not None  # type: ignore[attr-defined]
                      for c in codes)
    directions = np.array([fw.node(c).direction for c in indicators], dtype=float)
    return _Plan(
        indicators=pd.Index(list(indicators)), codes=pd.Index(list(codes)),
        directions=directions, meta=_numeric_meta(fw, indicators), groups=groups,
        steps=tuple(steps), tie_children=tie_children, tie_means=tie_means,
    )


_NORMALIZER_CONTRACT = (
    "A normaliser is called as method(X, ctx), X of shape (units, indicators) with NaN for "
    "missing, and returns a real array of the same shape."
)
_AGGREGATOR_CONTRACT = (
    "An aggregator is called as method(X, w, ctx), X of shape (units, children), and returns "
    "one real value per unit."
)
_IMPUTER_CONTRACT = (
    "An imputer is called as method(X, ctx), X of shape (units, indicators) with NaN for "
    "missing, and returns a real array of the same shape."
)
_TREATMENT_CONTRACT = (
    "A treatment is called as method(x, code) on one indicator and returns a TreatmentOutcome."
)


def _run_method(
    method: Any, args: tuple[Any, ...], *, role: str, subject: str, contract: str,
    floats: bool = True,
) -> Any:
    """Run one step's method. spindex's own methods raise spindex errors; an object of a
    user's class is user code, so its exceptions are wrapped (naming the step and the
    nodes) and its output is checked to be real numbers."""
    if _own(method):
        result = method(*args)
        if not floats:
            return result
        return user_floats(result, role=role, label=callable_label(method), subject=subject,
                           contract=contract)
    if floats:
        return call_user(method, args, role=role, subject=subject, contract=contract)
    try:
        return method(*args)
    except SpindexError:
        raise
    except Exception as exc:
        raise MethodError(
            f"The {role} {callable_label(method)} raised {type(exc).__name__} for {subject}: "
            f"{exc}. {contract}"
        ) from exc


def _unit_labels(index: pd.Index) -> tuple[str, ...]:
    """The row labels as text, for messages and method contexts (a list first: iterating an
    Index, of Arrow strings especially, costs far more)."""
    return tuple(map(str, index.tolist()))


def _own(method: Any) -> bool:
    """Whether a method is one of spindex's own (which never keep or alter their input)."""
    return type(method).__module__.split(".")[0] == "spindex"


def _method_name(method: Any) -> str:
    name = getattr(method, "name", None)
    return str(name) if name else getattr(method, "__name__", type(method).__name__)


def _numeric_meta(fw: Framework, codes: tuple[str, ...]) -> dict[str, FloatArray]:
    """Per-indicator numeric metadata (targets, goalposts, ...) as float arrays."""
    keys = sorted({k for c in codes for k in fw.node(c).attrs})
    meta: dict[str, FloatArray] = {}
    for key in keys:
        column = np.full(len(codes), np.nan)
        numeric = False
        for j, code in enumerate(codes):
            value = fw.node(code).attrs.get(key)
            if isinstance(value, bool) or value is None:
                continue
            try:
                column[j] = float(value)
                numeric = True
            except (TypeError, ValueError):
                continue
        if numeric:
            meta[key] = column
    return meta


def framework_of(obj: Any, owner: str) -> Framework:
    """The framework of a CompositeIndex, or the Framework itself, for functions that take
    either; ``owner`` names the function in the error."""
    if isinstance(obj, CompositeIndex):
        return obj.framework
    if isinstance(obj, Framework):
        return obj
    raise SpindexTypeError(
        f"The first argument of {owner} must be a Framework or a CompositeIndex. "
        f"Got {type(obj).__name__} instead."
    )
