"""Removal analysis: how the ranking moves when each indicator (or aggregate) is left out.

Each candidate node is dropped in turn from the framework (:meth:`Framework.drop`, which also
drops everything below it) and the model is scored again with the same methods
(:meth:`CompositeIndex.with_framework`). Two consequences of dropping are part of the answer
and are reported, never hidden:

- The weights of the remaining siblings are renormalised at aggregation time, as always: they
  keep their ratios to one another and again sum to 1, so the parent is the weighted mean of
  the children that are left.
- A drop that leaves an aggregate without children removes that aggregate too (and so on up
  the tree), with the same renormalisation among its own siblings. Such aggregates are listed
  per dropped node in :attr:`RemovalResult.also_removed`.

A drop that would leave the framework empty (the only child of the root) is refused before
any scoring starts.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
   Guide*, section 7 (robustness and sensitivity: excluding one indicator at a time).
.. [2] Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the
   Royal Statistical Society A*, 168(2), 307-323.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spindex.errors import FrameworkError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.model import CompositeIndex

__all__ = ["RemovalResult", "remove_indicators"]

@dataclass(frozen=True, eq=False)
class RemovalResult:
    """Rank changes of every unit when each node is removed in turn.

    Attributes
    ----------
    rank_change : pandas.DataFrame
        Units x removed nodes (nullable integers): the unit's index rank without the node minus
        its nominal rank. Positive means the unit falls (a larger rank number) when the node is
        left out, negative that it climbs; ``<NA>`` where the unit has no index rank in one of
        the two runs.
    ranks : pandas.DataFrame
        Units x removed nodes: the index ranks without each node (1 = best).
    nominal_ranks : pandas.Series
        The index ranks of the full model.
    mean_shift : pandas.Series
        Per removed node, the mean absolute rank change over the units ranked in both runs.
    max_shift : pandas.Series
        Per removed node, the largest absolute rank change.
    also_removed : mapping of str to tuple of str
        Per removed node, the aggregates that went with it because they were left without
        children (empty for most drops).
    unranked : mapping of str to tuple
        Per removed node, the units that have no observed value left without it; they are
        not scored in that run (their rank and rank change are ``<NA>``).
    weights : pandas.Series
        Nominal effective weight of each removed node in the index (the product of normalised
        weights up to the root).
    level : int or None
        The level whose nodes were removed, or None when the nodes were named.
    root : str
        The index node whose ranks are compared.
    """

    rank_change: pd.DataFrame
    ranks: pd.DataFrame
    nominal_ranks: pd.Series
    mean_shift: pd.Series
    max_shift: pd.Series
    also_removed: Mapping[str, tuple[str, ...]]
    unranked: Mapping[str, tuple[Any, ...]]
    weights: pd.Series
    level: int | None
    root: str

    def summary(self) -> pd.DataFrame:
        """One row per removed node, the largest mean absolute rank shift first.

        Returns
        -------
        pandas.DataFrame
            Columns ``weight`` (nominal effective weight), ``mean_abs_shift``,
            ``max_abs_shift``, ``units_moved`` (units whose rank changed), ``also_removed``
            (aggregates emptied by the drop, comma-separated) and ``unranked`` (units left
            without any observed value, so without a rank, in that run).
        """
        moved = (self.rank_change.fillna(0) != 0).sum(axis=0)
        table = pd.DataFrame({
            "weight": self.weights,
            "mean_abs_shift": self.mean_shift,
            "max_abs_shift": self.max_shift,
            "units_moved": moved.astype(int),
            "also_removed": pd.Series(
                {code: ", ".join(extra) for code, extra in self.also_removed.items()},
                dtype=object,
            ),
            "unranked": pd.Series({code: len(units) for code, units in self.unranked.items()}),
        })
        table.index.name = "removed"
        return table.sort_values("mean_abs_shift", ascending=False, kind="stable")

    def __repr__(self) -> str:
        table = self.summary()
        what = f"level {self.level}" if self.level is not None else "named nodes"
        lines = [
            f"<RemovalResult: {len(table)} nodes ({what}) removed one at a time, "
            f"{len(self.nominal_ranks)} units ranked on '{self.root}'; weights of the remaining "
            "siblings renormalised>",
            f"  {'removed':<14} {'weight':>8} {'mean |shift|':>13} {'max |shift|':>12}",
        ]
        for code, row in table.head(10).iterrows():
            extra = f"  (also removes {row['also_removed']})" if row["also_removed"] else ""
            if row["unranked"]:
                extra += f"  ({row['unranked']} units left without data)"
            lines.append(
                f"  {code!s:<14} {row['weight']:8.4f} {row['mean_abs_shift']:13.3f} "
                f"{row['max_abs_shift']:12.0f}{extra}"
            )
        if len(table) > 10:
            lines.append(f"  ... {len(table) - 10} more (see .summary())")
        return "\n".join(lines)


def remove_indicators(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    level: int | str = 1,
    nodes: Sequence[str] | str | None = None,
) -> RemovalResult:
    """Remove each indicator (or each aggregate of a level) in turn and measure rank changes.

    For every candidate node the model is re-scored on a framework without that node (and
    without everything below it); the index ranks are compared with the nominal ones. The
    weights of the remaining siblings are renormalised, so that they keep their ratios and sum
    to 1 again. An aggregate left without children by a drop is removed as well (reported in
    ``also_removed``). A unit whose only observed values were in the removed node has no
    index in that run (reported in ``unranked``; its rank change is ``<NA>``).

    Parameters
    ----------
    model : CompositeIndex
        The model to analyse; its methods are kept for every re-scoring. Entries of a
        per-node method mapping that name removed nodes are left out for that run.
    data : pandas.DataFrame
        The data it scores.
    level : int or str, default 1
        Level whose nodes are removed one at a time (1 = indicators, 2 = the aggregates above
        them, ...). Ignored when ``nodes`` is given.
    nodes : str or sequence of str, optional
        Codes of the nodes to remove one at a time, at any levels.

    Returns
    -------
    RemovalResult
        ``rank_change`` (units x removed nodes), ``mean_shift``, ``max_shift``,
        ``also_removed``, and ``summary()`` sorted by mean shift.

    Raises
    ------
    SpindexTypeError
        If ``model`` is not a CompositeIndex or ``nodes`` is not a list of codes.
    ParameterError
        If a node is the root, is listed twice, or is the only child of the root (removing it
        would leave nothing to score).
    FrameworkError
        If a node or the level does not exist.
    DataError, MethodError
        If the model cannot score the data (checked on the full model first).

    Notes
    -----
    Rank change = rank without the node - nominal rank: positive values are falls. Min-max and
    other data-driven normalisations are per indicator, so removing one indicator does not
    change how the others are normalised.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 7.
    .. [2] Saisana, M., Saltelli, A. & Tarantola, S. (2005). *JRSS A*, 168(2), 307-323.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.analysis.removal import remove_indicators
    >>> data = sp.datasets.load("asem")
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> rem = remove_indicators(sp.CompositeIndex(fw), data, level=2)
    >>> rem.rank_change.shape
    (51, 8)
    >>> rem.summary().columns.tolist()
    ['weight', 'mean_abs_shift', 'max_abs_shift', 'units_moved', 'also_removed', 'unranked']
    >>> int(rem.rank_change.loc["DEU", "Physical"]) == int(rem.ranks.loc["DEU", "Physical"]) - 1
    True
    """
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(
            "The 'model' parameter of remove_indicators must be a CompositeIndex. Got "
            f"{type(model).__name__} instead."
        )
    fw = model.framework
    candidates, resolved_level = _candidates(fw, level, nodes)
    reduced: dict[str, Framework] = {}
    also: dict[str, tuple[str, ...]] = {}
    for code in candidates:
        try:
            smaller = fw.drop(code)
        except FrameworkError:
            raise ParameterError(
                f"Removing '{code}' would leave the framework empty: it is the only child of "
                f"the root '{fw.root}'. Remove nodes below it instead (a lower level)."
            ) from None
        gone_with = {code, *fw.descendants(code)}
        reduced[code] = smaller
        also[code] = tuple(c for c in fw.codes if c not in smaller and c not in gone_with)

    nominal = model.score(data).ranks[fw.root]
    after = {}
    unranked: dict[str, tuple[Any, ...]] = {}
    for code, smaller in reduced.items():
        # A unit observed only on what was removed has nothing left to score: it sits out
        # this run (no rank) instead of stopping the analysis.
        empty = data[list(smaller.indicators)].isna().all(axis=1).to_numpy()
        unranked[code] = tuple(data.index[empty])
        rows = data.loc[~empty] if empty.any() else data
        after[code] = _reduced_model(model, smaller).score(rows).ranks[fw.root]
    ranks = pd.DataFrame(after, index=nominal.index).astype("Int64")
    change = ranks.sub(nominal, axis=0).astype("Int64")
    absolute = change.abs().astype(float)
    return RemovalResult(
        rank_change=change,
        ranks=ranks,
        nominal_ranks=nominal.rename("nominal_rank"),
        mean_shift=absolute.mean(axis=0).rename("mean_abs_shift"),
        max_shift=absolute.max(axis=0).rename("max_abs_shift"),
        also_removed=also,
        unranked=unranked,
        weights=_index_weights(fw, candidates),
        level=resolved_level,
        root=fw.root,
    )


def _candidates(
    fw: Framework, level: int | str, nodes: Sequence[str] | str | None
) -> tuple[tuple[str, ...], int | None]:
    if nodes is None:
        resolved = fw._resolve_level(level)
        if resolved == fw.n_levels:
            raise ParameterError(
                f"The 'level' parameter of remove_indicators selects the root '{fw.root}', "
                f"which cannot be removed. Use a level from 1 to {fw.n_levels - 1}."
            )
        return fw.level(resolved), resolved
    if isinstance(nodes, str):
        nodes = (nodes,)
    if not isinstance(nodes, Sequence) or not all(isinstance(c, str) for c in nodes):
        raise SpindexTypeError(
            "The 'nodes' parameter of remove_indicators must be a code or a list of codes. Got "
            f"{nodes!r} instead."
        )
    if not nodes:
        raise ParameterError("The 'nodes' parameter of remove_indicators is empty; name a node.")
    seen: set[str] = set()
    for code in nodes:
        fw.node(code)
        if code == fw.root:
            raise ParameterError(
                f"'{code}' is the root of the framework and cannot be removed; name the nodes "
                "below it."
            )
        if code in seen:
            raise ParameterError(
                f"'{code}' is listed twice in the 'nodes' of remove_indicators; list each once."
            )
        seen.add(code)
    return tuple(nodes), None


def _index_weights(fw: Framework, codes: Sequence[str]) -> pd.Series:
    """Effective weight in the index of nodes at any levels."""
    nw = fw.normalized_weights()
    out = {}
    for code in codes:
        w = float(nw[code])
        for a in fw.ancestors(code):
            w *= float(nw[a])
        out[code] = w
    return pd.Series(out, name="weight", dtype=float)


def _reduced_model(model: CompositeIndex, smaller: Framework) -> CompositeIndex:
    """The model on a smaller framework, without method entries for nodes that are gone.

    Any mapping among the model's settings (per-node normalisers, aggregators, treatments,
    denominators, ...), directly or one dataclass down, loses the keys that name a removed node
    or a level the smaller framework no longer has; nothing else changes.
    """
    full = model.framework
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(model):
        if f.name == "framework" or not f.init:
            continue
        value = getattr(model, f.name)
        pruned = _prune(value, full, smaller)
        if pruned is not value:
            changes[f.name] = pruned
    # The pruned settings are valid on the full framework too, so the copy is built there first.
    base = dataclasses.replace(model, **changes) if changes else model
    return base.with_framework(smaller)


def _prune(value: Any, full: Framework, smaller: Framework, depth: int = 0) -> Any:
    """``value`` without entries for removed nodes, or ``value`` itself if nothing goes."""
    if isinstance(value, Mapping):
        kept = {k: v for k, v in value.items() if _survives(k, full, smaller)}
        return kept if len(kept) != len(value) else value
    if depth == 0 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            inner = getattr(value, f.name)
            pruned = _prune(inner, full, smaller, depth + 1)
            if pruned is not inner:
                changes[f.name] = pruned
        return dataclasses.replace(value, **changes) if changes else value
    return value


def _survives(key: Any, full: Framework, smaller: Framework) -> bool:
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        try:
            smaller._resolve_level(int(key))
        except FrameworkError:
            return False
        return True
    # Keys that are not node codes ("default", column names, ...) are not ours to judge.
    return not (isinstance(key, str) and key in full and key not in smaller)
