"""Weights for a framework: equal, entropy, PCA/factor, AHP, budget allocation, BoD.

Every function takes a :class:`~spindex.framework.Framework` (or a
:class:`~spindex.model.CompositeIndex`, whose framework is used) and returns
weights keyed by framework codes. The data-driven ones take a table of the
values of the nodes being weighted: ``model.normalized(data)`` for indicators,
or ``model.score(data).scores`` (or the :class:`~spindex.result.IndexResult`
itself) for any level. Nothing is normalised behind your back.

The result objects are read-only mappings from code to weight, so they can be
passed straight to :meth:`Framework.with_weights`,
:meth:`CompositeIndex.with_weights` or :meth:`Framework.with_weight_set`; their
``weights`` attribute is the same as a pandas Series. Weights are computed
within each group of siblings and sum to 1 there; the framework renormalises
sibling weights at aggregation time anyway, so only their ratios matter.

>>> import spindex as sp
>>> from spindex import weighting
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> model = sp.CompositeIndex(fw)
>>> res = weighting.ahp(fw, [[1, 3], [1/3, 1]], node="Index")
>>> res.weights.round(2).to_dict()
{'Conn': 0.75, 'Sust': 0.25}
>>> model = model.with_weights(res)
>>> float(model.framework.normalized_weights()["Conn"])
0.75

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 6.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spindex._values import keyed_items, real_array, real_number, suggest
from spindex.errors import (
    FrameworkError,
    MethodError,
    ParameterError,
    SpindexTypeError,
)
from spindex.framework import Framework
from spindex.methods import weight as _w
from spindex.methods.weight import (
    ConvergenceWarning,
    InconsistencyWarning,
    MissingPolicy,
    SmallSampleWarning,
)
from spindex.model import CompositeIndex, framework_of
from spindex.result import node_values

__all__ = [
    "AHPWeights",
    "BoDResult",
    "BudgetWeights",
    "ConvergenceWarning",
    "EntropyWeights",
    "InconsistencyWarning",
    "PCAWeights",
    "SmallSampleWarning",
    "ahp",
    "benefit_of_the_doubt",
    "budget_allocation",
    "entropy",
    "equal",
    "pca",
]


# --------------------------------------------------------------------------- helpers


def _preview(items: Sequence[object], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in list(items)[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def _groups(fw: Framework, level: int | str, by_group: bool = True) -> dict[str, tuple[str, ...]]:
    """Nodes of a level, grouped by parent (framework order)."""
    codes = fw.level(level)
    if fw.root in codes:
        raise FrameworkError(
            "The root has no siblings, so it has no weight to set; choose a lower level."
        )
    if not by_group:
        return {"all": codes}
    groups: dict[str, list[str]] = {}
    for c in codes:
        groups.setdefault(str(fw.parent(c)), []).append(c)
    return {g: tuple(m) for g, m in groups.items()}


def _sibling_group(fw: Framework, codes: Sequence[str], what: str) -> str:
    """Check that ``codes`` are exactly the children of one node; return that node."""
    unknown = [c for c in codes if c not in fw]
    if unknown:
        raise FrameworkError(
            f"The {what} names {_preview(unknown)}, which are not nodes of the framework."
        )
    if len(set(codes)) != len(codes):
        raise FrameworkError(f"The {what} names a node twice: {_preview(list(codes))}.")
    parents = {fw.parent(c) for c in codes}
    if None in parents:
        raise FrameworkError(f"The {what} names the root '{fw.root}', which has no weight.")
    if len(parents) > 1:
        raise FrameworkError(
            f"The {what} mixes children of different nodes "
            f"({_preview(sorted(map(str, parents)))}); weights are relative to siblings, so give "
            "one group of siblings at a time."
        )
    parent = str(parents.pop())
    siblings = fw.children(parent)
    lacking = [c for c in siblings if c not in codes]
    if lacking:
        raise FrameworkError(
            f"The {what} covers only part of the children of '{parent}': it lacks "
            f"{_preview(lacking)}. Include every child so that the weights share one scale."
        )
    return parent


class _Weights(Mapping[str, float]):
    """Read-only mapping from code to weight over a ``weights`` Series."""

    weights: pd.Series

    def __getitem__(self, code: str) -> float:
        try:
            return float(self.weights[code])
        except KeyError:
            raise KeyError(code) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.weights.index)

    def __len__(self) -> int:
        return len(self.weights)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k!r}: {v:.4g}" for k, v in list(self.weights.items())[:8])
        more = ", ..." if len(self.weights) > 8 else ""
        return f"<{type(self).__name__} {{{shown}{more}}}>"


# --------------------------------------------------------------------------- equal


def equal(framework: Framework | CompositeIndex, *, level: int | str | None = None) -> pd.Series:
    """Equal weights: 1 for every node (or every node of one level) except the root.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    level : int or str, optional
        Only the nodes of this level (1 = indicators). Default: every level.

    Returns
    -------
    pandas.Series
        Weight 1.0 keyed by code; within each group of siblings they are equal.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [
    ...     {"code": "a", "weight": 3}, {"code": "b"}]})
    >>> float(fw.with_weights(equal(fw)).normalized_weights()["a"])
    0.5
    """
    fw = framework_of(framework, "equal")
    codes = [c for c in (fw.codes if level is None else fw.level(level)) if c != fw.root]
    return pd.Series(1.0, index=pd.Index(codes), name="equal", dtype=float)


# --------------------------------------------------------------------------- entropy


@dataclass(frozen=True, eq=False, repr=False)
class EntropyWeights(_Weights):
    """Entropy weights of the nodes of one level.

    Attributes
    ----------
    weights : pandas.Series
        Weight of each node; sums to 1 within each group of siblings.
    entropy : pandas.Series
        Normalised entropy ``e_j`` of each node's values, in [0, 1].
    """

    weights: pd.Series
    entropy: pd.Series


def entropy(
    framework: Framework | CompositeIndex, values: Any, *, level: int | str = 1
) -> EntropyWeights:
    """Entropy weights for the nodes of a level, within each group of siblings.

    See :func:`spindex.methods.weight.entropy_weights` for the formula. Values must
    be non-negative (min-max normalised data are); missing values are left out.
    A group with a single member gets weight 1.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    values : DataFrame or IndexResult
        Units x node codes, for example ``model.normalized(data)``.
    level : int or str, default 1
        Level whose nodes to weigh.

    Returns
    -------
    EntropyWeights

    Raises
    ------
    MethodError
        For a negative value, or a group whose members are all constant.

    References
    ----------
    .. [1] Zou, Z., Yun, Y. and Sun, J. (2006). *Journal of Environmental
       Sciences* 18(5), 1020-1023.

    Examples
    --------
    >>> import pandas as pd, spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
    >>> X = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [0.0, 1.0, 2.0]})
    >>> entropy(fw, X).weights.to_dict()
    {'a': 0.0, 'b': 1.0}
    """
    fw = framework_of(framework, "entropy")
    groups = _groups(fw, level)
    table = node_values(values, [c for m in groups.values() for c in m], "entropy")
    units = [str(u) for u in table.index]
    weights: dict[str, float] = {}
    ent: dict[str, float] = {}
    for group, members in groups.items():
        X = table[list(members)].to_numpy()
        try:
            res = _w.entropy_weights(X, units=units, codes=members)
        except MethodError as err:
            if len(members) > 1:
                raise MethodError(f"In the group '{group}': {err}") from None
            raise
        ent.update(zip(members, res.entropy.tolist(), strict=True))
        w = np.ones(1) if len(members) == 1 else res.weights
        weights.update(zip(members, w.tolist(), strict=True))
    return EntropyWeights(
        pd.Series(weights, name="entropy", dtype=float), pd.Series(ent, name="entropy", dtype=float)
    )


# --------------------------------------------------------------------------- PCA


@dataclass(frozen=True, eq=False, repr=False)
class PCAWeights(_Weights):
    """PCA/factor weights (Nicoletti procedure) for the nodes of one level.

    Attributes
    ----------
    weights : pandas.Series
        Weight of each node; sums to 1 within each group.
    assignment : pandas.DataFrame
        Per node: ``group``, the rotated ``factor`` it is assigned to (1-based),
        its ``loading`` on that factor and its ``raw_weight`` (before the final
        division by the group's sum; see :func:`spindex.methods.weight.nicoletti_weights`).
    loadings : mapping of str to DataFrame
        Per group: rotated loadings of the retained factors (nodes x factors).
    explained : mapping of str to Series
        Per group: variance explained by each retained factor after rotation.
    eigenvalues : mapping of str to Series
        Per group: every eigenvalue of the correlation matrix, largest first.
    n_units : pandas.Series
        Per group: number of units the correlations are based on (the smallest
        pairwise count under ``missing="pairwise"``).
    """

    weights: pd.Series
    assignment: pd.DataFrame
    loadings: Mapping[str, pd.DataFrame]
    explained: Mapping[str, pd.Series]
    eigenvalues: Mapping[str, pd.Series]
    n_units: pd.Series


def pca(
    framework: Framework | CompositeIndex,
    values: Any,
    *,
    level: int | str = 1,
    by_group: bool = True,
    missing: MissingPolicy = "error",
    n_factors: int | None = None,
    rotate: bool = True,
) -> PCAWeights:
    """PCA/factor weights (Nicoletti et al. 2000) for the nodes of a level.

    Within each group of siblings (or over the whole level with
    ``by_group=False``), the correlation matrix of the nodes' values goes
    through :func:`spindex.methods.weight.nicoletti_weights`: factors retained by
    the rule eigenvalue > 1, share > 10%, cumulative share > 60% (extended until
    the last holds), varimax rotation, each node assigned to the factor with its
    largest loading, weight = scaled squared loading x the factor's share of the
    explained variance. A group with a single member gets weight 1.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    values : DataFrame or IndexResult
        Units x node codes, for example ``model.normalized(data)``.
    level : int or str, default 1
        Level whose nodes to weigh.
    by_group : bool, default True
        One analysis per group of siblings (as COINr's ``get_PCA``); with False a
        single analysis over the level, whose weights the framework then
        renormalises within each group at aggregation time.
    missing : {"error", "drop", "pairwise"}, default "error"
        What to do with missing values: refuse them, use only the units
        complete within the group, or use pairwise-complete correlations.
    n_factors : int, optional
        Number of factors to retain in every group instead of the rule.
    rotate : bool, default True
        Apply the varimax rotation.

    Returns
    -------
    PCAWeights

    Warns
    -----
    SmallSampleWarning
        For a group analysed on fewer units than members.
    ConvergenceWarning
        If the varimax rotation of a group does not settle (a nearly flat
        criterion: the weights are then ill-determined).

    Raises
    ------
    MethodError
        For missing values under ``missing="error"`` (naming the units), or a
        member that is constant.

    References
    ----------
    .. [1] Nicoletti, G., Scarpetta, S. and Boylaud, O. (2000). OECD Economics
       Department Working Paper 226.
    .. [2] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*,
       section 6.1.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> model = sp.CompositeIndex(fw)
    >>> scores = model.score(sp.datasets.load("asem")).scores
    >>> res = pca(fw, scores, level=2)
    >>> res.weights.groupby(res.assignment["group"]).sum().round(12).to_dict()
    {'Conn': 1.0, 'Sust': 1.0}
    """
    fw = framework_of(framework, "pca")
    groups = _groups(fw, level, by_group)
    table = node_values(values, [c for m in groups.values() for c in m], "pca")
    units = [str(u) for u in table.index]
    weights: dict[str, float] = {}
    rows: list[dict[str, Any]] = []
    loadings: dict[str, pd.DataFrame] = {}
    explained: dict[str, pd.Series] = {}
    eigenvalues: dict[str, pd.Series] = {}
    n_units: dict[str, int] = {}
    for group, members in groups.items():
        X = table[list(members)].to_numpy()
        if len(members) == 1:
            weights[members[0]] = 1.0
            rows.append({"code": members[0], "group": group, "factor": 1, "loading": 1.0,
                         "raw_weight": 1.0})
            loadings[group] = pd.DataFrame({"F1": [1.0]}, index=list(members))
            explained[group] = pd.Series({"F1": 1.0})
            eigenvalues[group] = pd.Series({"PC1": 1.0})
            n_units[group] = int((~np.isnan(X)).sum())
            continue
        try:
            R, used = _w.correlation_for_pca(X, missing=missing, units=units, codes=members)
            res = _w.nicoletti_weights(R, n_factors=n_factors, rotate=rotate)
        except MethodError as err:
            raise MethodError(f"In the group '{group}': {err}") from None
        if missing == "pairwise":
            counts = _w.pairwise_pearson(X)[1]
            n_units[group] = int(counts.min())
        else:
            n_units[group] = int(used.sum())
        factors = [f"F{i + 1}" for i in range(res.n_factors)]
        weights.update(zip(members, res.weights.tolist(), strict=True))
        for j, code in enumerate(members):
            f = int(res.factor[j])
            rows.append({"code": code, "group": group, "factor": f + 1,
                         "loading": float(res.loadings[j, f]),
                         "raw_weight": float(res.raw_weights[j])})
        loadings[group] = pd.DataFrame(res.loadings, index=list(members), columns=factors)
        explained[group] = pd.Series(res.explained, index=factors, name="explained")
        eigenvalues[group] = pd.Series(
            res.eigenvalues, index=[f"PC{i + 1}" for i in range(len(members))], name="eigenvalue"
        )
    return PCAWeights(
        weights=pd.Series(weights, name="pca", dtype=float),
        assignment=pd.DataFrame(rows).set_index("code"),
        loadings=loadings,
        explained=explained,
        eigenvalues=eigenvalues,
        n_units=pd.Series(n_units, name="n_units", dtype=int),
    )


# --------------------------------------------------------------------------- AHP


@dataclass(frozen=True, eq=False, repr=False)
class AHPWeights(_Weights):
    """AHP weights of one group of siblings.

    Attributes
    ----------
    weights : pandas.Series
        Principal eigenvector of the comparison matrix, summing to 1.
    lambda_max : float
        Principal eigenvalue.
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)``.
    cr : float
        Consistency ratio ``ci / RI_n`` (Saaty's random index); above 0.1 the
        judgements are too inconsistent.
    ri : float
        The random index used.
    matrix : pandas.DataFrame
        The comparison matrix, labelled.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float
    matrix: pd.DataFrame


def _comparisons(matrix: Any, codes: Sequence[str]) -> np.ndarray:
    """The comparison matrix as floats; a complex, text or boolean entry is named, not cast."""
    def where(idx: tuple[int, ...]) -> str:
        if len(idx) == 2 and max(idx) < len(codes):
            return f"for {codes[idx[0]]!r} over {codes[idx[1]]!r}"
        return f"at position {idx}"

    return real_array(matrix, "The comparison matrix of ahp", allow_nan=True, allow_inf=True,
                      labels=where, error=MethodError)


def ahp(
    framework: Framework | CompositeIndex,
    matrix: pd.DataFrame | Sequence[Sequence[float]] | np.ndarray,
    *,
    node: str | None = None,
    reciprocal_tol: float = 0.01,
) -> AHPWeights:
    """Analytic hierarchy process weights for one group of siblings.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    matrix : DataFrame or square array
        Pairwise comparisons: entry (i, j) says how many times more important i
        is than j. A DataFrame is labelled by the codes of all the children of one
        node (same order in index and columns); an array needs ``node`` and
        follows the order of ``framework.children(node)``.
    node : str, optional
        The node whose children are compared (required for an array).
    reciprocal_tol : float, default 0.01
        Largest accepted ``|a_ij * a_ji - 1|``.

    Returns
    -------
    AHPWeights

    Warns
    -----
    InconsistencyWarning
        If the consistency ratio is 0.1 or more.

    Raises
    ------
    FrameworkError
        If the labels are not exactly the children of one node.
    MethodError
        If the matrix is not positive or not reciprocal.

    References
    ----------
    .. [1] Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Examples
    --------
    >>> import pandas as pd, spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [
    ...     {"code": "a"}, {"code": "b"}, {"code": "c"}]})
    >>> M = pd.DataFrame([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> res = ahp(fw, M)
    >>> res.weights.round(5).to_dict(), round(res.cr, 4)
    ({'a': 0.63699, 'b': 0.25828, 'c': 0.10473}, 0.0332)
    """
    fw = framework_of(framework, "ahp")
    if isinstance(matrix, pd.DataFrame):
        codes = [str(c) for c in matrix.index]
        if [str(c) for c in matrix.columns] != codes:
            raise FrameworkError(
                "The rows and columns of the comparison matrix must name the same nodes in the "
                f"same order; got rows {_preview(codes)} and columns "
                f"{_preview([str(c) for c in matrix.columns])}."
            )
        parent = _sibling_group(fw, codes, "comparison matrix")
        if node is not None and node != parent:
            raise FrameworkError(
                f"The comparison matrix compares the children of '{parent}', not of '{node}'."
            )
        values = _comparisons(matrix, codes)
    else:
        if node is None:
            raise ParameterError(
                "An unlabelled comparison matrix needs 'node': the node whose children it "
                "compares, in the order of framework.children(node). Or pass a DataFrame "
                "labelled by codes."
            )
        codes = list(fw.children(node))
        if not codes:
            raise FrameworkError(f"'{node}' is an indicator: it has no children to compare.")
        values = _comparisons(matrix, codes)
        if values.shape != (len(codes), len(codes)):
            raise FrameworkError(
                f"Node '{node}' has {len(codes)} children {_preview(codes)}, so the comparison "
                f"matrix must be {len(codes)} x {len(codes)}; got shape {values.shape}."
            )
    res = _w.ahp_weights(values, codes=codes, reciprocal_tol=reciprocal_tol)
    return AHPWeights(
        weights=pd.Series(res.weights, index=codes, name="ahp"),
        lambda_max=res.lambda_max,
        ci=res.ci,
        cr=res.cr,
        ri=res.ri,
        matrix=pd.DataFrame(values, index=codes, columns=codes),
    )


# --------------------------------------------------------------------------- budget


@dataclass(frozen=True, eq=False, repr=False)
class BudgetWeights(_Weights):
    """Budget-allocation weights of one group of siblings.

    Attributes
    ----------
    weights : pandas.Series
        Mean share across experts; sums to 1.
    spread : pandas.DataFrame
        Per node: ``mean`` (the weight), ``sd`` (n - 1), ``low`` and ``high``
        share across experts.
    shares : pandas.DataFrame
        Experts x nodes: each expert's allocation divided by their total.
    """

    weights: pd.Series
    spread: pd.DataFrame
    shares: pd.DataFrame


def budget_allocation(
    framework: Framework | CompositeIndex,
    allocations: pd.DataFrame,
    *,
    budget: float | None = None,
) -> BudgetWeights:
    """Budget allocation: the average of several experts' allocations, with their spread.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    allocations : pandas.DataFrame
        One row per expert (the index names them), one column per child of one
        node: the points each expert gives each node.
    budget : float, optional
        The budget each expert had to spend (every row must add up to it). If
        not given, each expert's points are divided by their own total.

    Returns
    -------
    BudgetWeights

    Raises
    ------
    FrameworkError
        If the columns are not exactly the children of one node.
    MethodError
        For a negative or missing allocation, or a row that misses the budget.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*,
       section 6.1.

    Examples
    --------
    >>> import pandas as pd, spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
    >>> points = pd.DataFrame({"a": [60, 40], "b": [40, 60]}, index=["Ann", "Bo"])
    >>> budget_allocation(fw, points, budget=100).spread.round(3)
       mean     sd  low  high
    a   0.5  0.141  0.4   0.6
    b   0.5  0.141  0.4   0.6
    """
    fw = framework_of(framework, "budget_allocation")
    if not isinstance(allocations, pd.DataFrame):
        raise SpindexTypeError(
            "The allocations must be a DataFrame with one row per expert and one column per "
            f"node. Got {type(allocations).__name__} instead."
        )
    codes = [str(c) for c in allocations.columns]
    _sibling_group(fw, codes, "allocation table")
    experts = [str(e) for e in allocations.index]

    def where(idx: tuple[int, ...]) -> str:
        return f"for expert {experts[idx[0]]!r} and node {codes[idx[1]]!r}"

    B = real_array(allocations, "The allocation table of budget_allocation", allow_nan=True,
                   allow_inf=True, labels=where, error=MethodError)
    res = _w.budget_weights(B, budget=budget, experts=experts, codes=codes)
    spread = pd.DataFrame(
        {"mean": res.weights, "sd": res.sd, "low": res.low, "high": res.high}, index=codes
    )
    return BudgetWeights(
        weights=pd.Series(res.weights, index=codes, name="budget"),
        spread=spread,
        shares=pd.DataFrame(res.shares, index=allocations.index, columns=codes),
    )


# --------------------------------------------------------------------------- BoD


@dataclass(frozen=True, eq=False, repr=False)
class BoDResult:
    """Benefit-of-the-doubt scores and each unit's own weights.

    Attributes
    ----------
    scores : pandas.Series
        Each unit's score in [0, 1]: the best it can reach under any admissible
        weights while no unit exceeds 1.
    weights : pandas.DataFrame
        Units x nodes: the weights giving each unit its score, in the units of
        the values (one optimal solution when several exist).
    values : pandas.DataFrame
        Units x nodes: the values the scores were computed from.
    """

    scores: pd.Series
    weights: pd.DataFrame
    values: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"<BoDResult: {len(self.scores)} units x {self.weights.shape[1]} nodes, "
            f"{int((self.scores >= 1 - 1e-9).sum())} scoring 1>"
        )

    @property
    def ranks(self) -> pd.Series:
        """Rank of each unit by score (1 = best, ties share the best rank).

        Scores are rounded to 10 decimals first: the solver's rounding noise must not
        break a tie between units that score the same.
        """
        return self.scores.round(10).rank(ascending=False, method="min").astype("Int64")

    @property
    def shares(self) -> pd.DataFrame:
        """Units x nodes: each node's share ``w_i y_ci / score_c`` of the unit's score.

        ``NaN`` for a unit whose score is 0 (the shares are then undefined).
        """
        contrib = self.weights * self.values
        with np.errstate(invalid="ignore", divide="ignore"):
            return contrib.div(self.scores.where(self.scores > 0), axis=0)

    def weights_for(self, unit: Any) -> pd.Series:
        """The weights of one unit, keyed by code, for ``Framework.with_weights``.

        Scoring that unit with these weights and an arithmetic mean gives its BoD
        score divided by the sum of the weights, because the framework
        renormalises sibling weights to sum 1.
        """
        if unit not in self.weights.index:
            raise ParameterError(
                f"'{unit}' is not one of the units scored; known units: "
                f"{_preview([str(u) for u in self.weights.index])}."
            )
        return self.weights.loc[unit].rename(str(unit))


def _per_code(value: Any, codes: Sequence[str], what: str) -> Any:
    if isinstance(value, (Mapping, pd.Series)):
        mapping = {str(k): v for k, v in keyed_items(
            value, f"The '{what}' restrictions of benefit_of_the_doubt", FrameworkError)}
        unknown = [k for k in mapping if k not in codes]
        if unknown:
            raise FrameworkError(
                f"The '{what}' restrictions name {_preview(unknown)}, which are not among the "
                f"nodes being weighed ({_preview(list(codes))}).{suggest(unknown[0], codes)}"
            )
        default = {"lower": 0.0, "upper": np.inf, "share_lower": 0.0, "share_upper": 1.0}[what]
        return [real_number(mapping[c], f"The '{what}' restriction of {c!r} of "
                            "benefit_of_the_doubt", allow_inf=what == "upper")
                if c in mapping else default for c in codes]
    if value is not None:
        return real_number(value, f"The '{what}' parameter of benefit_of_the_doubt",
                           allow_inf=what == "upper")
    return value


def benefit_of_the_doubt(
    framework: Framework | CompositeIndex,
    values: Any,
    *,
    level: int | str = 1,
    lower: float | Mapping[str, float] | None = None,
    upper: float | Mapping[str, float] | None = None,
    share_lower: float | Mapping[str, float] | None = None,
    share_upper: float | Mapping[str, float] | None = None,
) -> BoDResult:
    """Benefit-of-the-doubt (DEA) scores over the nodes of a level.

    Each unit gets the weights most favourable to it, subject to no unit
    scoring above 1 with them (one linear programme per unit, HiGHS via
    :func:`scipy.optimize.linprog`); see
    :func:`spindex.methods.weight.benefit_of_the_doubt`.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    values : DataFrame or IndexResult
        Units x node codes with non-negative values, more is better (for
        example ``model.normalized(data)`` with min-max). No missing values.
    level : int or str, default 1
        Level whose nodes are the inputs (all of them, across groups).
    lower, upper : float or mapping of code to float, optional
        Absolute bounds on the weights, in the units of the values.
    share_lower, share_upper : float or mapping of code to float, optional
        Bounds in [0, 1] on each node's share of a unit's score ("pie shares").

    Returns
    -------
    BoDResult

    Raises
    ------
    ParameterError
        For restrictions that no weights can satisfy (the message names them).
    FrameworkError
        For restrictions naming nodes that are not being weighed.
    MethodError
        For missing or negative values.

    References
    ----------
    .. [1] Cherchye, L., Moesen, W., Rogge, N. and Van Puyenbroeck, T. (2007).
       *Social Indicators Research* 82, 111-145.

    Examples
    --------
    >>> import pandas as pd, spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    >>> Y = pd.DataFrame({"x": [1, .5, .2, .4], "y": [.2, .5, 1, .4]}, index=list("ABCD"))
    >>> benefit_of_the_doubt(fw, Y).scores.round(4).to_dict()
    {'A': 1.0, 'B': 0.8333, 'C': 1.0, 'D': 0.6667}
    """
    fw = framework_of(framework, "benefit_of_the_doubt")
    codes = fw.level(level)
    if fw.root in codes:
        raise FrameworkError("Benefit of the doubt weighs the nodes below the root; "
                             "choose a lower level.")
    table = node_values(values, codes, "benefit_of_the_doubt")
    res = _w.benefit_of_the_doubt(
        table.to_numpy(),
        lower=_per_code(lower, codes, "lower"),
        upper=_per_code(upper, codes, "upper"),
        share_lower=_per_code(share_lower, codes, "share_lower"),
        share_upper=_per_code(share_upper, codes, "share_upper"),
        units=[str(u) for u in table.index],
        codes=codes,
    )
    return BoDResult(
        scores=pd.Series(res.scores, index=table.index, name="bod"),
        weights=pd.DataFrame(res.weights, index=table.index, columns=list(codes)),
        values=table,
    )
