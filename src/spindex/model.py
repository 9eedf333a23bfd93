"""The composite index model: a framework plus the method chosen for each step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from spindex.data import check_data
from spindex.errors import MethodError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.methods import get_aggregator, get_normalizer
from spindex.methods._base import AggregationContext, FloatArray, NormalizationContext
from spindex.result import IndexResult, StepRecord

__all__ = ["CompositeIndex"]

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
        values (impute first).

    Examples
    --------
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> model = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100), aggregate="arithmetic")
    >>> res = model.score(data)
    >>> res.ranks["Index"].idxmin()
    'DEU'
    """

    framework: Framework
    normalize: Any = "minmax"
    aggregate: Any = "arithmetic"
    min_coverage: float | Mapping[Any, float] | None = None
    missing: MissingPolicy = "reweight"

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

    # ---------------------------------------------------------------- resolution
    def _resolve_normalizers(self) -> dict[str, Any]:
        fw = self.framework
        spec = self.normalize
        if not isinstance(spec, Mapping):
            method = get_normalizer(spec)
            return dict.fromkeys(fw.indicators, method)
        default = get_normalizer(spec.get(_DEFAULT_KEY, "minmax"))
        chosen: dict[str, Any] = {}
        for key, value in spec.items():
            if key == _DEFAULT_KEY:
                continue
            if key not in fw:
                raise ParameterError(
                    f"The 'normalize' mapping of CompositeIndex names '{key}', which is not a node "
                    f"of the framework. Use indicator or aggregate codes, or '{_DEFAULT_KEY}'."
                )
            chosen[str(key)] = get_normalizer(value)
        out = {}
        for code in fw.indicators:
            method = default
            # The nearest node on the way up that has an entry wins.
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
        default = resolve(spec.get(_DEFAULT_KEY, fallback))
        by_level: dict[int, Any] = {}
        by_node: dict[str, Any] = {}
        for key, value in spec.items():
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
                raise ParameterError(
                    f"The '{what}' mapping of CompositeIndex names {key!r}, which is neither a "
                    f"level number (2 to {fw.n_levels}) nor an aggregate of the framework "
                    f"({', '.join(fw.aggregates)}), nor '{_DEFAULT_KEY}'."
                )
        return {
            code: by_node.get(code, by_level.get(fw.node(code).level, default))
            for code in fw.aggregates
        }

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

    def with_framework(self, framework: Framework) -> CompositeIndex:
        """The same methods on another framework (for example with other weights)."""
        return CompositeIndex(framework, normalize=self.normalize, aggregate=self.aggregate,
                              min_coverage=self.min_coverage, missing=self.missing)

    def with_weights(self, weights: Any, **kwargs: Any) -> CompositeIndex:
        """The same model with other weights (see :meth:`Framework.with_weights`)."""
        return self.with_framework(self.framework.with_weights(weights, **kwargs))

    def __repr__(self) -> str:
        def show(spec: Any) -> str:
            if isinstance(spec, Mapping):
                return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in spec.items()) + "}"
            return repr(spec) if isinstance(spec, str) else type(spec).__name__ + "(...)" \
                if callable(spec) and not hasattr(spec, "name") else repr(spec)

        return (
            f"CompositeIndex(framework={self.framework!r}, normalize={show(self.normalize)}, "
            f"aggregate={show(self.aggregate)})"
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
        DataError
            If an indicator column is missing, non-numeric, infinite or empty, or
            unit labels repeat, or the table is empty.
        MethodError
            If a chosen method cannot be applied (a constant indicator under
            min-max, a zero under a geometric mean, ...).
        """
        stages, log = self.prepare(data)
        units = tuple(str(u) for u in stages["raw"].index)
        prepared = next(reversed(stages.values()))
        normalized = self._normalize(prepared, units, log)
        scores = self._aggregate(normalized, units, log)
        stages = {**stages, "normalized": normalized, "aggregated": scores}
        return IndexResult(model=self, scores=scores, stages=stages, log=tuple(log))

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
            preparation step, in order; the last one is what gets normalised.
        log : list of StepRecord
            What each step did.
        """
        raw = check_data(data, self.framework.indicators,
                         allow_missing=self.missing == "reweight")
        log = [
            StepRecord("raw", "input", f"{raw.shape[0]} units x {raw.shape[1]} indicators, "
                       f"{int(raw.isna().to_numpy().sum())} missing values"),
        ]
        return {"raw": raw}, log

    def normalized(self, data: pd.DataFrame) -> pd.DataFrame:
        """The normalised indicator table (after preparation), units x indicators."""
        stages, log = self.prepare(data)
        prepared = next(reversed(stages.values()))
        return self._normalize(prepared, tuple(str(u) for u in prepared.index), log)

    def _normalize(
        self, raw: pd.DataFrame, units: tuple[str, ...], log: list[StepRecord]
    ) -> pd.DataFrame:
        fw = self.framework
        directions = fw.directions.reindex(raw.columns).to_numpy(dtype=float)
        directed = raw.to_numpy(dtype=float) * directions
        meta = _numeric_meta(fw, tuple(raw.columns))
        out = np.full_like(directed, np.nan)
        groups: dict[int, tuple[Any, list[int]]] = {}
        for j, code in enumerate(raw.columns):
            method = self._normalizers[code]  # type: ignore[attr-defined]
            groups.setdefault(id(method), (method, []))[1].append(j)
        for method, cols in groups.values():
            idx = np.asarray(cols)
            ctx = NormalizationContext(
                codes=tuple(raw.columns[idx]), units=units, directions=directions[idx],
                meta={k: v[idx] for k, v in meta.items()},
            )
            result = np.asarray(method(directed[:, idx], ctx), dtype=float)
            if result.shape != (len(units), len(idx)):
                raise MethodError(
                    f"The normaliser {_method_name(method)} returned shape {result.shape} for "
                    f"indicators {list(ctx.codes)}; expected {(len(units), len(idx))}."
                )
            out[:, idx] = result
            log.append(StepRecord("normalized", _method_name(method), ", ".join(ctx.codes)))
        observed = ~np.isnan(directed)
        bad = observed & ~np.isfinite(out)
        if bad.any():
            j = int(np.argwhere(bad.any(axis=0))[0, 0])
            i = int(np.argwhere(bad[:, j])[0, 0])
            raise MethodError(
                f"Normalising indicator '{raw.columns[j]}' with "
                f"{_method_name(self._normalizers[raw.columns[j]])} gave a non-finite value "  # type: ignore[attr-defined]
                f"for unit '{units[i]}' (raw value {raw.iat[i, j]!r}). Choose another method "
                "for this indicator."
            )
        return pd.DataFrame(out, index=raw.index, columns=raw.columns)

    def _aggregate(
        self, normalized: pd.DataFrame, units: tuple[str, ...], log: list[StepRecord]
    ) -> pd.DataFrame:
        fw = self.framework
        values: dict[str, FloatArray] = {
            c: normalized[c].to_numpy(dtype=float) for c in normalized.columns
        }
        for code in fw.aggregates:
            children = fw.children(code)
            X = np.column_stack([values[c] for c in children])
            w = np.array([fw.node(c).weight for c in children], dtype=float)
            method = self._aggregators[code]  # type: ignore[attr-defined]
            ctx = AggregationContext(node=code, children=children, units=units)
            y = np.array(method(X, w, ctx), dtype=float)
            if y.shape != (len(units),):
                raise MethodError(
                    f"The aggregator {_method_name(method)} returned shape {y.shape} for node "
                    f"'{code}'; expected ({len(units)},)."
                )
            observed = ~np.isnan(X)
            # A unit whose available children all weigh zero is legitimately missing here.
            available = (observed * w).sum(axis=1) > 0
            broken = available & ~np.isfinite(y)
            if broken.any():
                i = int(np.argmax(broken))
                raise MethodError(
                    f"Aggregating '{code}' with {_method_name(method)} gave a non-finite value "
                    f"for unit '{units[i]}'. Check its children {list(children)}."
                )
            threshold = self._coverage[code]  # type: ignore[attr-defined]
            note = ""
            if threshold is not None:
                share = observed.sum(axis=1) / len(children)
                below = share < threshold
                y[below] = np.nan
                if below.any():
                    note = f"; {int(below.sum())} units below coverage {threshold:g} set missing"
            values[code] = y
            log.append(StepRecord(
                "aggregated", _method_name(method),
                f"{code} <- {', '.join(children)}{note}",
            ))
        return pd.DataFrame(values, index=normalized.index)[list(fw.codes)]


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
