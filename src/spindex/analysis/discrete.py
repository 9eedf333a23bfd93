"""Discrete uncertain inputs beyond method switches: weight sets, expert panels, dropped
nodes and alternative data sources.

Each object here is one input (or, for :class:`DataSources`, one input per indicator) of
:func:`~spindex.analysis.uncertainty.uncertainty`, :func:`~spindex.analysis.sobol.sobol`
and :func:`~spindex.analysis.smaa.smaa`, passed in their ``choices=`` argument. Every run
picks one alternative of every input, independently of the others and of the weights and
method switches. The inputs fall in two families, evaluated differently by the compiled
engine:

* **weight inputs** (:class:`WeightSets`, :class:`ExpertPanel`, :class:`DropOne`) change
  the raw weights of a few nodes in each run, so they cost nothing more than sampled
  weights: the nodes they touch are re-aggregated per run, like sampled ones;
* **data inputs** (:class:`DataSources`) replace the values of an indicator (some cells or
  all of them) with those of another source, so each combination of sources is a model
  variant, scored once up front like a method switch.

An object only holds what the user gave; it is checked against the model and the data when
an analysis starts (:meth:`DiscreteInput.resolve`), before any run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spindex.errors import (
    DataError,
    FrameworkError,
    ParameterError,
    SpindexTypeError,
)
from spindex.framework import Framework

__all__ = [
    "DataSources",
    "DiscreteInput",
    "DropOne",
    "ExpertPanel",
    "WeightSets",
]


def _probabilities(probabilities: Any, labels: Sequence[str], owner: str) -> np.ndarray:
    """Normalised probabilities of the alternatives (equal without any)."""
    if probabilities is None:
        return np.full(len(labels), 1.0 / len(labels))
    if isinstance(probabilities, Mapping):
        unknown = [k for k in probabilities if k not in labels]
        if unknown:
            raise ParameterError(
                f"The 'probabilities' parameter of {owner} names {unknown}, which are not "
                f"among its alternatives {list(labels)}. Use the alternatives' names."
            )
        probabilities = [probabilities.get(k, 0.0) for k in labels]
    try:
        p = np.asarray(probabilities, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The 'probabilities' parameter of {owner} must be one number per alternative "
            f"({len(labels)}: {list(labels)}). Got {probabilities!r} instead."
        ) from None
    if p.shape != (len(labels),) or not np.isfinite(p).all() or (p < 0).any() or not p.sum() > 0:
        raise ParameterError(
            f"The 'probabilities' parameter of {owner} must be one finite non-negative number "
            f"per alternative ({len(labels)}: {list(labels)}), not all zero. Got "
            f"{p.tolist()} instead."
        )
    return p / p.sum()


def _name(value: Any, owner: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(
            f"The 'name' parameter of {owner} must be a non-empty string (the column of the "
            f"analysis' inputs). Got {value!r} instead."
        )
    # The inputs table and a sink's records name their other columns so: a choice of the
    # same name would overwrite a sampled weight's column or a record field.
    if value == "R_S" or value.startswith(("w:", "score:", "rank:")):
        raise ParameterError(
            f"The 'name' parameter of {owner} is {value!r}, a name the analysis keeps for "
            "its own columns (\"w:<node>\" for a sampled weight, \"R_S\", \"score:<unit>\" "
            "and \"rank:<unit>\" in a sink's records). Give the input another name."
        )
    return value


@dataclass(frozen=True)
class ResolvedWeights:
    """A weight input checked against a framework: the raw weights each alternative sets.

    Attributes
    ----------
    name : str
        Column name in the analysis' inputs.
    labels : tuple of str
        The alternatives.
    probabilities : numpy.ndarray
        Probability of each alternative.
    nodes : tuple of str
        The nodes whose raw weight the input sets.
    values : numpy.ndarray
        Alternatives x nodes: the raw weight each alternative gives each node, NaN where it
        keeps the weight the run already has (sampled or nominal).
    replaces : bool
        True when the input replaces weights (a weight set), so that sampling the same
        weights too would be overwritten: the analyses refuse that overlap.
    """

    name: str
    labels: tuple[str, ...]
    probabilities: np.ndarray
    nodes: tuple[str, ...]
    values: np.ndarray
    replaces: bool


@dataclass(frozen=True)
class ResolvedData:
    """A data input checked against the data: the values of one indicator per alternative.

    Attributes
    ----------
    name : str
        Column name in the analysis' inputs (``"source:<indicator>"``).
    labels : tuple of str
        The sources.
    probabilities : numpy.ndarray
        Probability of each source.
    indicator : str
        The column of the data the sources fill.
    columns : numpy.ndarray
        Sources x units: the indicator's raw values under each source.
    """

    name: str
    labels: tuple[str, ...]
    probabilities: np.ndarray
    indicator: str
    columns: np.ndarray


class DiscreteInput:
    """Base of the discrete inputs of ``choices=``; see the subclasses.

    A subclass turns what the user gave into resolved inputs with :meth:`resolve`.
    """

    def resolve(
        self, framework: Framework, data: pd.DataFrame
    ) -> tuple[ResolvedWeights | ResolvedData, ...]:
        """Check the input against the model's framework and the data.

        Parameters
        ----------
        framework : Framework
            The model's framework.
        data : pandas.DataFrame
            The data the analysis scores.

        Returns
        -------
        tuple of ResolvedWeights or ResolvedData

        Raises
        ------
        ParameterError, DataError
            If the input does not fit the framework or the data.

        Examples
        --------
        >>> import pandas as pd
        >>> import spindex as sp
        >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
        >>> data = pd.DataFrame({"x": [1.0], "y": [2.0]}, index=["A"])
        >>> (drop,) = sp.DropOne(["x"]).resolve(fw, data)
        >>> drop.labels, drop.nodes, drop.values.tolist()
        (('none', 'x'), ('x',), [[nan], [0.0]])
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define resolve(framework, data); subclass one of "
            "WeightSets, ExpertPanel, DropOne or DataSources instead."
        )


def _weight_vector(fw: Framework, spec: Any, owner: str, label: str,
                   level: Any, node: Any) -> pd.Series:
    """The complete raw weights of a set, checked by the framework's own rules."""
    if isinstance(spec, np.ndarray):
        spec = spec.tolist()
    try:
        return fw.with_weights(spec, level=level, node=node).weights
    except (FrameworkError, SpindexTypeError) as exc:
        raise ParameterError(
            f"The weight set {label!r} of {owner} is invalid: {exc} Give raw non-negative "
            "weights keyed by node code (or a list with node=<parent>), not all zero among "
            "siblings."
        ) from None


@dataclass(frozen=True)
class WeightSets(DiscreteInput):
    """Named alternative weight vectors, one chosen per run.

    Each run takes the raw weights of one set for the nodes the sets name (the weights are
    then renormalised within each group of siblings at aggregation, as always); the other
    weights keep their nominal (or sampled) values. The sets may replace the weights of
    any level, e.g. the pillar weights of an equal, an expert and a PCA weighting.

    Parameters
    ----------
    sets : mapping or pandas.DataFrame
        ``{name: weights}``, each a mapping or Series from node code to raw weight, or a
        list with ``node=``; or a DataFrame with one column per set and one row per node,
        as :attr:`Framework.weight_sets` returns (NaN rows are ignored). Every set must name
        the same nodes.
    node : str, optional
        With list-valued sets: the node whose children the lists weight, in order.
    probabilities : sequence or mapping, optional
        Probability of each set (default equal), in order or keyed by name.
    name : str, default "weights"
        Column of the analysis' inputs holding the set of every run.

    Raises
    ------
    ParameterError
        When the analysis starts: for an empty mapping, a set naming unknown nodes, a list
        of the wrong length, negative, non-finite or all-zero sibling weights, sets naming
        different nodes, or bad probabilities. The analyses also refuse sampling a weight a
        set replaces (``weights=`` would be overwritten): sample other levels, or pass
        ``weights=None``.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    >>> data = pd.DataFrame({"x": [1.0, 0.0], "y": [0.0, 1.0]}, index=["A", "B"])
    >>> sets = sp.WeightSets({"x first": {"x": 3, "y": 1}, "y first": {"x": 1, "y": 3}})
    >>> ua = sp.uncertainty(sp.CompositeIndex(fw, normalize="none"), data, weights=None,
    ...                     choices=[sets], n=1000, seed=1, keep_inputs=True)
    >>> ua.inputs["weights"].value_counts().sort_index().tolist()
    [511, 489]
    >>> ua.rank_counts.loc["A"].tolist()  # A leads exactly in the runs of "x first"
    [511, 489]
    """

    sets: Mapping[str, Any] | pd.DataFrame
    node: str | None = None
    probabilities: Sequence[float] | Mapping[str, float] | None = None
    name: str = "weights"

    def _named_sets(self) -> dict[str, Any]:
        owner = type(self).__name__
        sets = self.sets
        if isinstance(sets, pd.DataFrame):
            return {str(c): sets[c].dropna() for c in sets.columns}
        if not isinstance(sets, Mapping):
            raise SpindexTypeError(
                f"The 'sets' parameter of {owner} must be a mapping from set name to weights "
                f"or a DataFrame (nodes x sets). Got {type(sets).__name__} instead."
            )
        return {str(k): v for k, v in sets.items()}

    def resolve(
        self, framework: Framework, data: pd.DataFrame
    ) -> tuple[ResolvedWeights | ResolvedData, ...]:
        owner = type(self).__name__
        name = _name(self.name, owner)
        sets = self._named_sets()
        if not sets:
            raise ParameterError(
                f"The 'sets' parameter of {owner} is empty: give at least one weight set."
            )
        named: set[str] | None = None
        vectors = []
        for label, spec in sets.items():
            if isinstance(spec, (Mapping, pd.Series)):
                keys = {str(k) for k in (spec.index if isinstance(spec, pd.Series) else spec)}
            elif self.node is not None:
                keys = set(framework.children(self.node))
            else:
                keys = set()
            if named is None:
                named = keys
            elif keys != named:
                raise ParameterError(
                    f"The weight sets of {owner} must all name the same nodes; {label!r} names "
                    f"{sorted(keys)} but the first set names {sorted(named)}. Give every set "
                    "the same nodes (repeat a nominal weight where a set keeps it)."
                )
            vectors.append(_weight_vector(framework, spec, owner, label, None, self.node))
        nodes = tuple(c for c in framework.codes if c in (named or set()))
        if not nodes:
            raise ParameterError(f"The weight sets of {owner} name no node; give weights.")
        if framework.root in nodes:
            raise ParameterError(
                f"The weight sets of {owner} give the root '{framework.root}' a weight, which "
                "plays no part; leave it out."
            )
        values = np.array([v.reindex(list(nodes)).to_numpy(dtype=float) for v in vectors])
        labels = tuple(sets)
        return (ResolvedWeights(name, labels, _probabilities(self.probabilities, labels, owner),
                                nodes, values, replaces=True),)


@dataclass(frozen=True)
class ExpertPanel(WeightSets):
    """A panel of experts' weight vectors: each run draws one expert.

    The table has one row per expert and one column per node whose weight the experts
    gave (e.g. the pillars). Each run takes one expert's weights, every expert equally
    likely (or with ``probabilities``): the panel is resampled as a whole vector, so the
    trade-offs within one expert's weights are kept. (A bootstrap mean of the panel would
    shrink towards the average expert as the panel grows and hide the disagreement this
    input is meant to show.)

    Parameters
    ----------
    table : pandas.DataFrame
        Experts x nodes, raw non-negative weights (each row is renormalised within each
        group of siblings at aggregation); the index names the experts.
    probabilities : sequence or mapping, optional
        Probability of each expert (default equal).
    name : str, default "expert"
        Column of the analysis' inputs holding the expert of every run.

    Raises
    ------
    ParameterError
        When the analysis starts, as :class:`WeightSets`; also for an empty table,
        missing weights or repeated expert names.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> panel = pd.DataFrame({"x": [0.5, 0.8, 0.2], "y": [0.5, 0.2, 0.8]},
    ...                      index=["Ana", "Bo", "Cy"])
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    >>> data = pd.DataFrame({"x": [1.0, 0.0], "y": [0.0, 1.0]}, index=["A", "B"])
    >>> ua = sp.uncertainty(sp.CompositeIndex(fw, normalize="none"), data, weights=None,
    ...                     choices=[sp.ExpertPanel(panel)], n=300, seed=0,
    ...                     keep_inputs=True)
    >>> sorted(ua.inputs["expert"].unique())
    ['Ana', 'Bo', 'Cy']
    """

    sets: Any = field(default=None, repr=False)
    table: pd.DataFrame | None = None
    name: str = "expert"

    def _named_sets(self) -> dict[str, Any]:
        owner = "ExpertPanel"
        table = self.table if self.table is not None else self.sets
        if not isinstance(table, pd.DataFrame):
            raise SpindexTypeError(
                f"The 'table' parameter of {owner} must be a DataFrame (experts x nodes). Got "
                f"{type(table).__name__} instead."
            )
        if table.empty:
            raise ParameterError(f"The 'table' parameter of {owner} is empty: give experts.")
        if table.index.has_duplicates:
            twice = sorted({str(e) for e in table.index[table.index.duplicated()]})
            raise ParameterError(
                f"The 'table' parameter of {owner} names expert(s) {twice} twice; give each "
                "expert one row."
            )
        try:
            values = table.to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(
                f"The 'table' parameter of {owner} must hold numbers; its columns are "
                f"{dict(table.dtypes.astype(str))}."
            ) from None
        if np.isnan(values).any():
            row, col = np.argwhere(np.isnan(values))[0]
            raise ParameterError(
                f"Expert {table.index[row]!r} of {owner} gives no weight to "
                f"'{table.columns[col]}'; every expert must weight every node of the table."
            )
        return {str(e): table.loc[e] for e in table.index}


def _only_child_chain(fw: Framework, code: str) -> str:
    """The highest node that disappears with ``code``: dropping the only child of a node
    drops that node too (COINr's removal does the same)."""
    while True:
        parent = fw.parent(code)
        if parent is None or len(fw.children(parent)) > 1:
            return code
        code = parent


@dataclass(frozen=True)
class DropOne(DiscreteInput):
    """Dropping one node (an indicator or a pillar) of a list, or none, per run.

    A dropped node gets weight 0 in that run, so its siblings share its parent's weight in
    proportion to their own weights: the weights of the remaining siblings are renormalised
    to sum 1, as when the framework is rebuilt without the node (COINr's indicator removal).
    Dropping the only child of an aggregate drops the aggregate. The other values are not
    re-normalised: with column-wise normalisation and imputation (the usual methods) this
    equals scoring the framework without the node exactly; with a multivariate imputation or
    a ``min_coverage`` threshold (which counts the dropped node as available) it does not.

    Parameters
    ----------
    nodes : sequence of str
        Codes of the nodes that may be dropped.
    none : bool, default True
        Whether "drop nothing" (labelled ``"none"``) is one of the alternatives, first.
    probabilities : sequence or mapping, optional
        Probability of each alternative (``"none"`` first when included), default equal.
    name : str, default "drop"
        Column of the analysis' inputs holding the dropped node of every run.

    Raises
    ------
    ParameterError
        When the analysis starts: for an unknown node, the root, a node named twice, a node
        whose siblings all have weight 0 (dropping it would leave its parent empty), or
        no alternative at all.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [
    ...     {"code": "x"}, {"code": "y"}, {"code": "z"}]})
    >>> data = pd.DataFrame({"x": [1.0, 0.0], "y": [0.0, 1.0], "z": [0.6, 0.5]},
    ...                     index=["A", "B"])
    >>> ua = sp.uncertainty(sp.CompositeIndex(fw, normalize="none"), data, weights=None,
    ...                     choices=[sp.DropOne(["x", "y"])], n=300, seed=0, keep_runs=True,
    ...                     keep_inputs=True)
    >>> runs = ua.runs_scores.assign(drop=ua.inputs["drop"]).groupby("drop", observed=True)
    >>> runs.first().round(3)
              A      B
    drop
    none  0.533  0.500
    x     0.300  0.750
    y     0.800  0.250
    """

    nodes: Sequence[str]
    none: bool = True
    probabilities: Sequence[float] | Mapping[str, float] | None = None
    name: str = "drop"

    def resolve(
        self, framework: Framework, data: pd.DataFrame
    ) -> tuple[ResolvedWeights | ResolvedData, ...]:
        owner = "DropOne"
        name = _name(self.name, owner)
        if isinstance(self.nodes, str) or not isinstance(self.nodes, Sequence):
            raise SpindexTypeError(
                f"The 'nodes' parameter of {owner} must be a list of node codes. Got "
                f"{self.nodes!r} instead."
            )
        if not isinstance(self.none, (bool, np.bool_)):
            raise SpindexTypeError(
                f"The 'none' parameter of {owner} must be True or False. Got {self.none!r}."
            )
        codes = [str(c) if isinstance(c, str) else c for c in self.nodes]
        if not codes and not self.none:
            raise ParameterError(f"{owner} has no alternative: give nodes, or none=True.")
        seen: set[str] = set()
        for c in codes:
            if not isinstance(c, str) or c not in framework:
                raise ParameterError(
                    f"The 'nodes' parameter of {owner} names {c!r}, which is not a node of the "
                    f"framework. Nodes: {list(framework.codes)[:12]}..."
                )
            if c == framework.root:
                raise ParameterError(
                    f"{owner} cannot drop the root '{c}': give indicators or aggregates."
                )
            if c in seen:
                raise ParameterError(f"The 'nodes' parameter of {owner} names '{c}' twice.")
            seen.add(c)
        weights = framework.weights
        dropped = []
        for c in codes:
            top = _only_child_chain(framework, c)
            parent = framework.parent(top)
            if parent is None:
                raise ParameterError(
                    f"{owner} cannot drop '{c}': it is all the framework has below the root."
                )
            others = [k for k in framework.children(parent) if k != top]
            if not weights.reindex(others).sum() > 0:
                raise ParameterError(
                    f"{owner} cannot drop '{c}': its siblings under '{parent}' ({others}) all "
                    "have weight 0, so nothing would be left to aggregate."
                )
            dropped.append(top)
        nodes = tuple(dict.fromkeys(dropped))
        rows = [np.full(len(nodes), np.nan)] if self.none else []
        for top in dropped:
            row = np.full(len(nodes), np.nan)
            row[nodes.index(top)] = 0.0
            rows.append(row)
        labels = (("none",) if self.none else ()) + tuple(codes)
        return (ResolvedWeights(name, labels, _probabilities(self.probabilities, labels, owner),
                                nodes, np.array(rows).reshape(len(labels), len(nodes)),
                                replaces=False),)


def _source_column(data: pd.DataFrame, indicator: str, label: str, spec: Any,
                   owner: str) -> np.ndarray:
    """The indicator's raw values under one source: the data's own where ``spec`` is None
    or does not name a unit."""
    base = data[indicator]
    try:
        column = base.to_numpy(dtype=float, na_value=np.nan).copy()
    except (TypeError, ValueError):
        raise DataError(
            f"The indicator '{indicator}' of the data is not numeric; {owner} needs numbers."
        ) from None
    if spec is None:
        return column
    if isinstance(spec, pd.DataFrame):
        if indicator not in spec.columns:
            raise DataError(
                f"The source {label!r} of '{indicator}' in {owner} is a table without a column "
                f"'{indicator}'; its columns are {list(spec.columns)[:12]}."
            )
        spec = spec[indicator]
    if isinstance(spec, Mapping):
        spec = pd.Series(dict(spec), dtype=object)
    if not isinstance(spec, pd.Series):
        raise SpindexTypeError(
            f"The source {label!r} of '{indicator}' in {owner} must be None (the data as "
            "given), a Series or mapping from unit to value, or a table with that column. Got "
            f"{type(spec).__name__} instead."
        )
    if spec.index.has_duplicates:
        twice = sorted({str(u) for u in spec.index[spec.index.duplicated()]})
        raise DataError(
            f"The source {label!r} of '{indicator}' in {owner} gives unit(s) {twice} twice."
        )
    unknown = [u for u in spec.index if u not in base.index]
    if unknown:
        raise DataError(
            f"The source {label!r} of '{indicator}' in {owner} names unit(s) {unknown[:8]} "
            f"that the data do not have; units: {list(base.index)[:12]}. Give values for "
            "units of the data only."
        )
    try:
        values = pd.to_numeric(spec, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise DataError(
            f"The source {label!r} of '{indicator}' in {owner} has values that are not "
            f"numbers: {spec.to_dict()}."
        ) from None
    if np.isinf(values).any():
        bad = spec.index[np.isinf(values)][0]
        raise DataError(
            f"The source {label!r} of '{indicator}' in {owner} gives unit {bad!r} an infinite "
            "value; give a finite number or NaN (missing in that source)."
        )
    column[base.index.get_indexer(spec.index)] = values
    return column


@dataclass(frozen=True)
class DataSources(DiscreteInput):
    """Alternative sources of the values of some indicators, one chosen per indicator and run.

    Each indicator with alternatives is one input (named ``"source:<indicator>"``): every
    run uses one of its sources for all the cells of that indicator. A source replaces the
    cells it names (a Series or mapping from unit to raw value, NaN for "missing in this
    source") and keeps the data's own value elsewhere, so a source can differ in one cell
    (China's aid as all official flows) or in all (trade as reported by the partners).
    ``None`` stands for the data as given. Every combination of sources is scored once by
    the whole model (imputation, treatment, normalisation included), so a run with a source
    equals scoring the table of that source exactly.

    List the data's own values first (``None``): the nominal ranks of ``uncertainty`` and
    ``sobol`` are always those of the data as given, while ``smaa`` reports as nominal,
    and evaluates its confidence factors with, the first source of every indicator.

    Which source each cell used in each run follows from the inputs table of the analysis
    (kept with ``keep_inputs=True``): :meth:`provenance` expands it cell by cell.

    Parameters
    ----------
    sources : mapping
        ``{indicator: {source label: None | Series | mapping | DataFrame}}``.
    probabilities : mapping, optional
        ``{indicator: probabilities of its sources}`` (default equal).

    Raises
    ------
    ParameterError, DataError
        When the analysis starts: for an indicator that is not an indicator of the framework
        or not a column of the data, a source naming units the data do not have, values
        that are not numbers, fewer than one source, or bad probabilities.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "aid"}, {"code": "trade"}]})
    >>> data = pd.DataFrame({"aid": [1.0, 2.0], "trade": [2.0, 1.5]}, index=["CHN", "JPN"])
    >>> sources = sp.DataSources({"aid": {"commitments": None, "all flows": {"CHN": 4.0}}})
    >>> ua = sp.uncertainty(sp.CompositeIndex(fw, normalize="none"), data, weights=None,
    ...                     choices=[sources], n=200, seed=0, keep_inputs=True)
    >>> ua.inputs.columns.tolist()
    ['source:aid']
    >>> sources.provenance(ua.inputs).head(2)  # doctest: +NORMALIZE_WHITESPACE
    indicator          aid
    unit               CHN
    run
    0            all flows
    1          commitments
    """

    sources: Mapping[str, Mapping[str, Any]]
    probabilities: Mapping[str, Any] | None = None

    @classmethod
    def from_cells(cls, cells: pd.DataFrame, *, nominal: str = "as loaded") -> DataSources:
        """The alternatives of a cells table such as :func:`spindex.datasets.load_cells`.

        Parameters
        ----------
        cells : pandas.DataFrame
            Long table with columns ``source`` (the unit), ``indicator``, ``alternative``
            (``""`` for the value of the data as loaded, another name otherwise) and
            ``value``.
        nominal : str, default "as loaded"
            Label of the data's own values.

        Returns
        -------
        DataSources
            One input per indicator that has an alternative; a unit without a value for an
            alternative keeps the data's own.

        Raises
        ------
        DataError
            If a column is missing or a cell is given twice.

        Examples
        --------
        >>> import spindex as sp
        >>> cells = sp.datasets.load_cells("asean", period="2009-2011")
        >>> src = sp.DataSources.from_cells(cells)
        >>> {k: list(v) for k, v in src.sources.items()}["aid_oda"]
        ['as loaded', 'aiddata_all_flows', 'aiddata_oda_adjusted']
        """
        needed = {"source", "indicator", "alternative", "value"}
        if not isinstance(cells, pd.DataFrame) or not needed <= set(cells.columns):
            have = list(cells.columns) if isinstance(cells, pd.DataFrame) else type(cells)
            raise DataError(
                f"The 'cells' parameter of DataSources.from_cells must be a table with columns "
                f"{sorted(needed)}; got {have}."
            )
        alt = cells[cells["alternative"].fillna("") != ""]
        key = alt[["indicator", "alternative", "source"]]
        if key.duplicated().any():
            row = alt[key.duplicated()].iloc[0]
            raise DataError(
                f"The cells table gives '{row['indicator']}' of '{row['source']}' under "
                f"'{row['alternative']}' twice; give each cell once per alternative."
            )
        sources: dict[str, dict[str, Any]] = {}
        for indicator, rows in alt.groupby("indicator", sort=False):
            found: dict[str, Any] = {nominal: None}
            for name, part in rows.groupby("alternative", sort=False):
                found[str(name)] = pd.Series(part["value"].to_numpy(dtype=float),
                                             index=part["source"].to_numpy())
            sources[str(indicator)] = found
        return cls(sources)

    def _check_mapping(self) -> Mapping[str, Mapping[str, Any]]:
        if not isinstance(self.sources, Mapping) or not self.sources:
            raise ParameterError(
                "The 'sources' parameter of DataSources must be a non-empty mapping "
                "{indicator: {source label: values}}. Got "
                f"{self.sources!r} instead."
            )
        return self.sources

    def resolve(
        self, framework: Framework, data: pd.DataFrame
    ) -> tuple[ResolvedWeights | ResolvedData, ...]:
        owner = "DataSources"
        out: list[ResolvedWeights | ResolvedData] = []
        probs = self.probabilities or {}
        if not isinstance(probs, Mapping):
            raise ParameterError(
                f"The 'probabilities' parameter of {owner} must be a mapping {{indicator: "
                f"probabilities}}. Got {probs!r} instead."
            )
        sources = self._check_mapping()
        for unknown in set(probs) - set(sources):
            raise ParameterError(
                f"The 'probabilities' parameter of {owner} names '{unknown}', which has no "
                f"sources; indicators with sources: {list(sources)}."
            )
        for indicator, alternatives in sources.items():
            if indicator not in framework or indicator not in framework.indicators:
                raise ParameterError(
                    f"The 'sources' parameter of {owner} names '{indicator}', which is not an "
                    f"indicator of the framework; indicators: {list(framework.indicators)[:12]}."
                )
            if indicator not in data.columns:
                raise DataError(
                    f"The 'sources' parameter of {owner} names '{indicator}', which is not a "
                    "column of the data: give alternatives for columns the model scores."
                )
            if not isinstance(alternatives, Mapping) or not alternatives:
                raise ParameterError(
                    f"The sources of '{indicator}' in {owner} must be a non-empty mapping "
                    f"{{source label: values}}. Got {alternatives!r} instead."
                )
            labels = tuple(str(k) for k in alternatives)
            if len(set(labels)) != len(labels):
                raise ParameterError(
                    f"The sources of '{indicator}' in {owner} repeat a label: {list(labels)}."
                )
            columns = np.array([
                _source_column(data, indicator, lab, spec, owner)
                for lab, spec in zip(labels, alternatives.values(), strict=True)
            ])
            p = _probabilities(probs.get(indicator), labels, f"{owner} ('{indicator}')")
            out.append(ResolvedData(f"source:{indicator}", labels, p, indicator, columns))
        return tuple(out)

    def provenance(self, inputs: pd.DataFrame, data: pd.DataFrame | None = None) -> pd.DataFrame:
        """Which source every cell with alternatives used in every run.

        Parameters
        ----------
        inputs : pandas.DataFrame
            The inputs table of an analysis run with these sources (``ua.inputs``, or
            :meth:`SMAAResult.sample_choices`).
        data : pandas.DataFrame, optional
            The data of the analysis: with it, only the cells whose value differs between
            the sources are listed; without it, every cell a source names.

        Returns
        -------
        pandas.DataFrame
            Runs x (indicator, unit): the label of the source each cell used.

        Raises
        ------
        ParameterError
            If the inputs have no column for an indicator of these sources.
        """
        columns: dict[tuple[str, Any], pd.Series] = {}
        for indicator, alternatives in self._check_mapping().items():
            col = f"source:{indicator}"
            if col not in inputs.columns:
                raise ParameterError(
                    f"The inputs have no column '{col}': pass the inputs of an analysis run "
                    "with these DataSources (keep_inputs=True)."
                )
            units: list[Any] = []
            for spec in alternatives.values():
                if isinstance(spec, pd.Series) or (
                        isinstance(spec, pd.DataFrame) and indicator in spec.columns):
                    units += list(spec.index)
                elif isinstance(spec, Mapping):
                    units += list(spec)
            units = list(dict.fromkeys(units))
            if data is not None:
                resolved = self.resolve_one(data, indicator)
                # Exact comparison: a source that differs in the last digit still differs.
                same = ((resolved == resolved[:1])
                        | (np.isnan(resolved) & np.isnan(resolved[:1]))).all(axis=0)
                index = list(data.index)
                units = [u for u in units if not same[index.index(u)]]
            for u in units:
                columns[(indicator, u)] = inputs[col]
        out = pd.DataFrame(columns, index=inputs.index)
        out.columns = pd.MultiIndex.from_tuples(list(columns), names=["indicator", "unit"])
        return out

    def resolve_one(self, data: pd.DataFrame, indicator: str) -> np.ndarray:
        """Sources x units: the raw values of one indicator under each source.

        Raises
        ------
        DataError
            As :meth:`resolve`.
        """
        alternatives = self._check_mapping()[indicator]
        return np.array([_source_column(data, indicator, str(lab), spec, "DataSources")
                         for lab, spec in alternatives.items()])


def resolve_all(
    choices: Any, framework: Framework, data: pd.DataFrame, owner: str
) -> tuple[ResolvedWeights | ResolvedData, ...]:
    """Every input of a ``choices=`` argument, resolved; names checked to be distinct."""
    if choices is None:
        return ()
    if isinstance(choices, DiscreteInput):
        choices = [choices]
    if not isinstance(choices, Sequence) or isinstance(choices, str):
        raise SpindexTypeError(
            f"The 'choices' parameter of {owner} must be a list of discrete inputs "
            "(sp.WeightSets, sp.ExpertPanel, sp.DropOne, sp.DataSources). Got "
            f"{type(choices).__name__} instead."
        )
    out: list[ResolvedWeights | ResolvedData] = []
    for c in choices:
        if not isinstance(c, DiscreteInput):
            raise SpindexTypeError(
                f"The 'choices' parameter of {owner} holds {c!r} ({type(c).__name__}); each "
                "entry must be sp.WeightSets, sp.ExpertPanel, sp.DropOne or sp.DataSources. "
                "Method alternatives go in keyword switches such as normalize=[...]."
            )
        out.extend(c.resolve(framework, data))
    names = [r.name for r in out]
    twice = sorted({x for x in names if names.count(x) > 1})
    if twice:
        raise ParameterError(
            f"The 'choices' parameter of {owner} has several inputs named {twice}; give each "
            "its own name= (or one DataSources per indicator)."
        )
    return tuple(out)
