"""The result of scoring: scores, ranks, contributions and every intermediate stage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from spindex._ranking import normalisation_magnitudes, rank_rows, tie_scales
from spindex._values import real_table
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError

if TYPE_CHECKING:
    from spindex.model import CompositeIndex

__all__ = ["IndexResult", "StepRecord", "node_values", "rank_table"]


class StepRecord(NamedTuple):
    """One line of a result's log: which stage, which method, on what."""

    stage: str
    method: str
    detail: str


def rank_table(scores: pd.DataFrame, scales: Sequence[float] | None = None) -> pd.DataFrame:
    """Rank each column, 1 = highest score; ties share the best rank; missing stays missing.

    Scores closer than 1e-12 times the column's range, or than 64 ulps of the magnitude of
    the values they were computed from, are tied (see ``spindex._ranking``), so that values
    equal in exact arithmetic rank the same whatever the order of summation.

    Parameters
    ----------
    scores : pandas.DataFrame
        Units x columns.
    scales : sequence of float, optional
        Per column, the magnitude of the values its scores were computed from (see
        :func:`model_tie_scales`); by default each column's own largest ``|score|``.

    Returns
    -------
    pandas.DataFrame
        Nullable integer ranks of the same shape.
    """
    # One row per column, contiguous, so that each column is one sort of contiguous memory.
    by_column = np.ascontiguousarray(scores.to_numpy(dtype=float).T)
    ranks = rank_rows(by_column, scales, dtype=np.int64)
    missing = ranks == 0
    # Nullable integers straight from the ranks and their mask (rank 0 = missing): casting a
    # float frame to Int64 checks every value for being integral, and costs more than the
    # ranking itself.
    columns = {j: pd.arrays.IntegerArray(row, missing[j]) for j, row in enumerate(ranks)}
    out = pd.DataFrame(columns, index=scores.index, copy=False)
    out.columns = scores.columns
    return out


def model_tie_scales(
    model: CompositeIndex, scores: pd.DataFrame, stages: Mapping[str, pd.DataFrame] | None = None
) -> np.ndarray:
    """Per column of ``scores`` (every node, in framework order), the magnitude its scores
    are computed from: the largest ``|value|`` of the normalised indicators (or non-mean
    aggregates) feeding it through power means, where a normalised indicator counts its raw
    values in normalised units when ``stages`` (the pipeline's tables) are given. Scoring and
    the analyses rank with it."""
    fw = model.framework
    n_columns = scores.shape[1]
    plan = model._plan()
    carried = None
    if stages is not None and "normalized" in stages:
        names = list(stages)
        before = names.index("normalized") - 1
        if before >= 0:
            prepared = stages[names[before]]
            carried = np.zeros(n_columns)
            k = len(plan.indicators)
            if (prepared.columns.equals(plan.indicators) and n_columns >= k
                    and scores.columns[:k].equals(plan.indicators)):
                # The indicators are the first columns of both tables (what score gives).
                carried[:k] = normalisation_magnitudes(prepared.to_numpy(dtype=float),
                                                       scores.to_numpy(dtype=float)[:, :k])
                shared = []
            else:
                codes = list(scores.columns)
                shared = [c for c in codes if c in prepared.columns]
            if shared:
                magnitudes = normalisation_magnitudes(
                    prepared[shared].to_numpy(dtype=float), scores[shared].to_numpy(dtype=float)
                )
                carried[[codes.index(c) for c in shared]] = magnitudes
    if scores.columns.equals(plan.codes):
        # Every node in framework order (what score gives): the structure is the model's own.
        children: Sequence[Sequence[int]] = plan.tie_children
        means: Sequence[bool] = plan.tie_means
    else:
        codes = list(scores.columns)
        pos = {c: i for i, c in enumerate(codes)}
        aggregates = set(fw.aggregates)
        children = [[pos[k] for k in fw.children(c) if k in pos] if c in aggregates else []
                    for c in codes]
        means = [c in aggregates and getattr(model.aggregator(c), "power", None) is not None
                 for c in codes]
    return tie_scales(scores.to_numpy(dtype=float), children, means, carried)


def node_values(values: Any, codes: Sequence[str], owner: str) -> pd.DataFrame:
    """The columns ``codes`` of a table of node values, as floats, for functions that take an
    IndexResult or a DataFrame (units x node codes); ``owner`` names the function in errors."""
    if isinstance(values, IndexResult):
        values = values.scores
    if not isinstance(values, pd.DataFrame):
        raise SpindexTypeError(
            f"The values given to {owner} must be an IndexResult or a DataFrame (units x node "
            "codes), such as model.normalized(data) or model.score(data). Got "
            f"{type(values).__name__} instead."
        )
    absent = [c for c in codes if c not in values.columns]
    if absent:
        shown = ", ".join(repr(c) for c in absent[:8])
        more = f", ... ({len(absent)} in all)" if len(absent) > 8 else ""
        raise DataError(
            f"The values given to {owner} have no column for {shown}{more}. Pass "
            "model.score(data) (every level) or model.normalized(data) (indicators only)."
        )
    repeated = [c for c in codes if (values.columns == c).sum() > 1]
    if repeated:
        raise DataError(
            f"The values given to {owner} have column {repeated[0]!r} more than once; keep one."
        )
    # One check for every function that takes node values: real, finite numbers, NaN (or
    # pd.NA) for missing; the message names the column, the unit and the value.
    return real_table(values, list(codes), f"Column {{code!r}} of the values given to {owner}")


@dataclass(frozen=True, eq=False)
class IndexResult:
    """Scores of every unit at every node of a framework.

    Attributes
    ----------
    model : CompositeIndex
        The model that produced the result.
    scores : pandas.DataFrame
        Units x every node: normalised indicators, then aggregates level by level
        and the index last.
    stages : mapping of str to DataFrame
        Every intermediate table, in pipeline order (see :meth:`stage`).
    log : tuple of StepRecord
        What each step did, in order: the audit trail of the run.
    reports : mapping of str to DataFrame
        What the preparation steps did, in detail (see :meth:`report`).
    """

    model: CompositeIndex
    scores: pd.DataFrame
    stages: Mapping[str, pd.DataFrame]
    log: tuple[StepRecord, ...] = ()
    reports: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _ranks: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def framework(self) -> Any:
        """The framework of the model."""
        return self.model.framework

    @property
    def ranks(self) -> pd.DataFrame:
        """Rank of every unit at every node (1 = best, ties share the best rank)."""
        if "ranks" not in self._ranks:
            scales = model_tie_scales(self.model, self.scores, self.stages)
            self._ranks["ranks"] = rank_table(self.scores, list(scales))
        return self._ranks["ranks"]

    @property
    def index(self) -> pd.Series:
        """The index (root) score of every unit."""
        return self.scores[self.framework.root]

    def level(self, level: int | str) -> pd.DataFrame:
        """Scores of the nodes at one level (1 = normalised indicators, -1 = the index)."""
        return self.scores[list(self.framework.level(level))]

    def table(self, level: int | str = -1, *, sort: bool = True) -> pd.DataFrame:
        """A results table: the index score and rank, with the scores of one level.

        Parameters
        ----------
        level : int or str, default -1
            Level whose node scores are shown next to the index (default: the
            index alone). Use 2 for pillars in a three-level framework.
        sort : bool, default True
            Sort by index rank.
        """
        root = self.framework.root
        cols = [c for c in self.framework.level(level) if c != root]
        out = pd.concat(
            [self.ranks[root].rename("rank"), self.scores[root].rename(root), self.scores[cols]],
            axis=1,
        )
        return out.sort_values("rank", na_position="last") if sort else out

    def stage(self, name: str) -> pd.DataFrame:
        """The data after a pipeline step.

        Parameters
        ----------
        name : str
            One of :attr:`stage_names`: ``"raw"`` (the indicator columns as given),
            ``"normalized"`` and ``"aggregated"`` (the same as :attr:`scores`), plus
            any preparation steps the model ran.

        Returns
        -------
        pandas.DataFrame
            A copy, so that changing it cannot change the result.
        """
        if name not in self.stages:
            raise ParameterError(
                f"The stage must be one of {list(self.stages)}. Got {name!r} instead."
            )
        return self.stages[name].copy()

    @property
    def stage_names(self) -> tuple[str, ...]:
        """Names of the stored stages in pipeline order."""
        return tuple(self.stages)

    def report(self, name: str) -> pd.DataFrame:
        """A detailed report of a preparation step.

        Parameters
        ----------
        name : str
            One of the reports the model's steps produced:
            ``"denomination"`` (per indicator: denominator, scale, values made
            missing), ``"imputation"`` (per indicator: method, values imputed and
            left missing), ``"imputed_cells"`` (one row per imputed value),
            ``"screening"`` (per unit: coverage, non-zero share, forced,
            included), ``"treatment"`` (per indicator, see :attr:`treatment`) and
            ``"treated_points"`` (one row per winsorised value).

        Returns
        -------
        pandas.DataFrame
            A copy.

        Raises
        ------
        ParameterError
            If the model has no step that produces this report.

        Examples
        --------
        >>> import spindex as sp
        >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
        >>> res = sp.CompositeIndex(fw, impute="mean", treat="default").score(
        ...     sp.datasets.load("asem"))
        >>> int(res.report("imputation")["n_imputed"].sum())
        63
        >>> res.treated_points.query("indicator == 'Goods'")[["unit", "old", "new"]]
          unit       old       new
        4  DEU  1919.194  849.3303
        5  CHN  1713.619  849.3303
        """
        if name not in self.reports:
            steps = {"denomination": "denominate", "imputation": "impute",
                     "imputed_cells": "impute", "screening": "screen",
                     "treatment": "treat", "treated_points": "treat"}
            hint = (f" The model has no {steps[name]!r} step: pass {steps[name]}=... to "
                    "CompositeIndex." if name in steps else "")
            raise ParameterError(
                f"The report must be one of {sorted(self.reports)}. Got {name!r} instead.{hint}"
            )
        return self.reports[name].copy()

    @property
    def treatment(self) -> pd.DataFrame:
        """The outlier-treatment log, one row per indicator.

        Columns: ``method``, ``status`` (``"passed"``, ``"winsorised"``,
        ``"log"``, ``"boxcox"``, ``"function"`` or ``"untreated"``),
        ``n_winsorised`` (points, tied values counting as several),
        ``n_tried`` (points winsorised before a fallback replaced them),
        ``units`` (the winsorised units), ``skew_before``,
        ``kurtosis_before``, ``passed_before``, ``skew_after``,
        ``kurtosis_after``, ``passed_after`` and ``detail``. The old and new
        value of every winsorised point are in :attr:`treated_points`.
        """
        return self.report("treatment")

    @property
    def treated_points(self) -> pd.DataFrame:
        """One row per winsorised value: indicator, unit, side, old and new value."""
        return self.report("treated_points")

    @property
    def imputation(self) -> pd.DataFrame:
        """What imputation did per indicator (see :meth:`report`, ``"imputed_cells"``
        for each value)."""
        return self.report("imputation")

    @property
    def screening(self) -> pd.DataFrame:
        """Data availability of every unit and whether screening kept it."""
        return self.report("screening")

    def contributions(self, level: int | str = 1) -> pd.DataFrame:
        """Each node's part of each unit's index score.

        Top-down, each aggregate's part is split among its available children in
        proportion to ``w_c * y_c`` (weights renormalised over the children the
        unit has). For an arithmetic mean this is exact and the parts of the
        indicators sum to the index score; for other means it is the usual
        weighted-share decomposition, which also sums to the index score.

        Parameters
        ----------
        level : int or str, default 1
            Level of the nodes to report (1 = indicators, 2 = pillars, ...).

        Returns
        -------
        pandas.DataFrame
            Units x nodes of that level; rows sum to the index score.

        Raises
        ------
        MethodError
            If a node uses an aggregator whose values are not on its children's
            scale (Copeland), or if a unit's weighted children sum to zero under a
            non-arithmetic mean, so that shares are undefined.
        """
        fw = self.framework
        wanted = fw.level(level)
        scores = self.scores
        n = len(scores)
        part: dict[str, np.ndarray] = {fw.root: scores[fw.root].to_numpy(dtype=float)}
        # Multiplier m with part = m * score, kept separately so that arithmetic nodes never divide.
        mult: dict[str, np.ndarray] = {fw.root: np.ones(n)}
        for code in reversed(fw.aggregates):
            children = fw.children(code)
            Y = scores[list(children)].to_numpy(dtype=float)
            w = np.array([fw.node(c).weight for c in children], dtype=float)
            W = np.where(np.isnan(Y), 0.0, w)
            total = W.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                Wn = W / total
            method = self.model.aggregator(code)
            if getattr(method, "name", None) == "arithmetic":
                factor = mult[code]
            elif getattr(method, "name", None) == "copeland":
                raise MethodError(
                    f"Contributions are not defined for node '{code}': its Copeland score counts "
                    "pairwise wins, not a mean of its children."
                )
            else:
                mean = np.nansum(Wn * Y, axis=1)
                y = scores[code].to_numpy(dtype=float)
                zero = (mean == 0) & ~np.isnan(y)
                if zero.any():
                    unit = scores.index[int(np.argmax(zero))]
                    raise MethodError(
                        f"Contributions to '{code}' are undefined for unit {unit!r}: its "
                        "weighted children sum to zero."
                    )
                with np.errstate(invalid="ignore", divide="ignore"):
                    factor = mult[code] * y / mean
            for j, c in enumerate(children):
                m = factor * Wn[:, j]
                mult[c] = m
                part[c] = np.where(np.isnan(Y[:, j]), 0.0, m * Y[:, j])
            # A node missing for a unit (below its coverage threshold) passes nothing down.
            missing_here = np.isnan(scores[code].to_numpy(dtype=float))
            for c in children:
                part[c] = np.where(missing_here, 0.0, part[c])
                mult[c] = np.where(missing_here, 0.0, mult[c])
        no_index = np.isnan(part[fw.root])
        return pd.DataFrame(
            {c: np.where(no_index, np.nan, part[c]) for c in wanted}, index=scores.index
        )

    def __repr__(self) -> str:
        fw = self.framework
        root = fw.root
        top = self.table().head(5)
        lines = [
            f"<IndexResult: {len(self.scores)} units, {len(fw.indicators)} indicators, "
            f"{len(fw.aggregates)} aggregates, index '{root}'>",
            "Top units:",
        ]
        for unit, row in top.iterrows():
            rank = "-" if pd.isna(row["rank"]) else int(row["rank"])
            score = row[root]
            lines.append(f"  {rank:>3}  {unit!s:<20} {score:10.4g}")
        lines.append(f"Stages: {', '.join(self.stages)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: the head of the results table."""
        from spindex._html import repr_html

        fw = self.framework
        table = self.table(level=2 if fw.n_levels >= 3 else 1)
        return repr_html(
            f"IndexResult: {len(self.scores)} units, index '{fw.root}' ({fw.node(fw.root).name})",
            [("indicators", len(fw.indicators)), ("levels", fw.n_levels),
             ("first", table.index[0] if len(table) else None)],
            table, index_label="unit", dash="no score (no data for this node)")
