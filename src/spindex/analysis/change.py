"""Why did ranks change? Shapley shares of each change between two editions of an index.

Between two editions (two periods, or a revision) several things may change at once: the
indicator values (``"data"``), the weights (``"weights"``), the methods -- normalisation,
aggregation, imputation, treatment (``"methods"``) -- and the framework itself, indicators or
nodes added or removed (``"framework"``). For each subset ``S`` of the ``k`` changes the index
is scored with the "after" version of the changes in ``S`` and the "before" version of the
others, giving ``v(S)`` for every unit (its score, or its rank). The part of change ``i`` is
its Shapley value (Shapley 1953),

    phi_i = sum over S not containing i of |S|! (k - |S| - 1)! / k! * (v(S + i) - v(S)),

the average of its marginal effect over every order in which the changes could be applied.
The parts sum exactly to ``v(all) - v(none)``, the total change (efficiency), a change that
alters nothing gets 0, and with a single change it gets all of it. All ``2^k`` hybrids are
scored once; the parts are computed for every unit at once.

How hybrids are assembled: the framework's structure (which nodes exist, and under which
parent) comes from the "framework" side; each node's weight from the "weights" side where
that framework has the node, else from the structure's own framework; the methods (every
setting of the model but its framework) from the "methods" side; indicator values from the
"data" side for indicators present in both editions' data -- values of indicators that only
one edition has belong to the framework change.

References
----------
.. [1] Shapley, L. S. (1953). A value for n-person games. In *Contributions to the Theory of
   Games II*, Annals of Mathematics Studies 28, 307-317.
.. [2] Owen, A. B. (2014). Sobol' indices and Shapley value. *SIAM/ASA Journal on Uncertainty
   Quantification* 2(1), 245-251.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spindex._ranking import rank_rows
from spindex.analysis._engine import CompiledModel
from spindex.errors import ParameterError, SpindexError, SpindexTypeError, SpindexWarning
from spindex.framework import Framework
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["CHANGES", "ChangeExplanation", "explain_change"]

#: The changes an explanation can separate, in the order of the result's columns.
CHANGES = ("data", "weights", "methods", "framework")

_SETTINGS = ("normalize", "aggregate", "min_coverage", "missing", "denominate", "impute",
             "screen", "treat")


# ---------------------------------------------------------------------------- hybrids
def _structure(fw: Framework) -> tuple[tuple[str, str | None], ...]:
    return tuple((c, fw.parent(c)) for c in fw.codes)


def _same_methods(m0: CompositeIndex, m1: CompositeIndex) -> bool:
    return all(repr(getattr(m0, s)) == repr(getattr(m1, s)) for s in _SETTINGS)


def _hybrid_framework(structure: Framework, weights: Framework) -> Framework:
    shared = {c: weights.node(c).weight for c in structure.codes
              if c in weights.codes and c != structure.root}
    return structure.with_weights(shared) if shared else structure


def _hybrid_data(fw: Framework, values: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """``values`` for the columns it has, ``other`` for the framework's indicators it lacks."""
    missing = [c for c in fw.indicators if c not in values.columns and c in other.columns]
    if not missing:
        return values
    return pd.concat([values, other.loc[values.index, missing]], axis=1)


def _check_edition(edition: Any, name: str) -> tuple[CompositeIndex, pd.DataFrame]:
    if not (isinstance(edition, tuple) and len(edition) == 2):
        raise SpindexTypeError(
            f"The '{name}' parameter of explain_change must be a pair (model, data); got "
            f"{type(edition).__name__}."
        )
    model, data = edition
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(
            f"The model of '{name}' must be a CompositeIndex; got {type(model).__name__}."
        )
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(
            f"The data of '{name}' must be a pandas DataFrame; got {type(data).__name__}."
        )
    return model, data


def _differences(m0: CompositeIndex, d0: pd.DataFrame, m1: CompositeIndex,
                 d1: pd.DataFrame) -> dict[str, bool]:
    fw0, fw1 = m0.framework, m1.framework
    shared = [c for c in fw0.indicators if c in fw1.indicators and c in d0 and c in d1]
    common_nodes = [c for c in fw0.codes if c in fw1.codes and c not in (fw0.root, fw1.root)]
    return {
        "data": not d0[shared].equals(d1.loc[d0.index, shared]),
        "weights": any(fw0.node(c).weight != fw1.node(c).weight for c in common_nodes),
        "methods": not _same_methods(m0, m1),
        "framework": _structure(fw0) != _structure(fw1),
    }


# ------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class ChangeExplanation:
    """Each unit's change in score and rank, split into the parts of each change.

    Attributes
    ----------
    score : pandas.DataFrame
        Units x ``before``, ``after``, ``change`` (after - before) and one column per change
        with its Shapley part; the parts sum to ``change``.
    rank : pandas.DataFrame
        Units x ``before``, ``after``, ``gain`` (places gained: before - after, positive
        when a unit moves up) and one column per change with its part of the gain.
    changes : tuple of str
        The changes separated (columns of the parts).
    differs : dict of str to bool
        Which of them actually differ between the two editions (the others get 0).
    hybrids : pandas.DataFrame
        Index score of every unit (columns) for each subset of changes applied (rows,
        labelled by the changes applied, ``"none"`` for the first edition).
    """

    score: pd.DataFrame
    rank: pd.DataFrame
    changes: tuple[str, ...]
    differs: dict[str, bool]
    hybrids: pd.DataFrame

    def statement(self, unit: Hashable) -> str:
        """The rank change of one unit in words, with the part of each change."""
        if unit not in self.rank.index:
            raise ParameterError(f"{unit!r} is not a unit of the explanation.")
        row = self.rank.loc[unit]  # type: ignore[call-overload]
        gain = float(row["gain"])
        verb = "gained" if gain > 0 else "lost"
        head = (f"{unit} {verb} {abs(gain):g} place{'s' if abs(gain) != 1 else ''}"
                if gain else f"{unit} kept rank {int(row['before'])}")
        parts = ", ".join(f"{row[c]:+.3g} from {c}" for c in self.changes if row[c] != 0)
        return head + (f": {parts}" if parts else "") + "."

    def __repr__(self) -> str:
        lines = [f"<ChangeExplanation: {len(self.rank)} units; changes "
                 + ", ".join(f"{c}{'' if self.differs[c] else ' (none)'}" for c in self.changes)
                 + ">"]
        top = self.rank.reindex(self.rank["gain"].abs().sort_values(ascending=False).index)
        lines += ["  " + s for s in top.head(10).round(3).to_string().splitlines()]
        return "\n".join(lines)


# ------------------------------------------------------------------------------ public
def explain_change(
    before: tuple[CompositeIndex, pd.DataFrame],
    after: tuple[CompositeIndex, pd.DataFrame],
    changes: Sequence[str] = CHANGES,
) -> ChangeExplanation:
    """Split each unit's change of score and rank between two editions into its causes.

    Parameters
    ----------
    before, after : (CompositeIndex, pandas.DataFrame)
        The two editions: model and data. Both data sets must hold the same units.
    changes : sequence of str, default ("data", "weights", "methods", "framework")
        The changes to separate. A change left out must not differ between the editions.

    Returns
    -------
    ChangeExplanation
        ``score`` and ``rank`` tables whose parts sum exactly to the total change.

    Raises
    ------
    SpindexTypeError
        If an edition is not a pair (model, data).
    ParameterError
        For an unknown change, a change left out that differs, or editions with different
        units.
    SpindexError
        If a hybrid edition cannot be scored (the message names the changes it combines).

    Notes
    -----
    The parts are Shapley values over the ``2^k`` hybrids of the ``k`` changes (see the
    module notes). Ranks follow the library's rule (ties share the best rank). A unit
    without an index score in some hybrid gets NaN parts, with a warning.

    References
    ----------
    Shapley, L. S. (1953). A value for n-person games. Annals of Mathematics Studies 28.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "Index",
    ...                              "children": [{"code": "Aid"}, {"code": "Opinion"}]})
    >>> old = pd.DataFrame({"Aid": [80.0, 40.0, 10.0], "Opinion": [30.0, 60.0, 50.0]},
    ...                    index=["China", "Japan", "Korea"])
    >>> new = old.assign(Opinion=[20.0, 70.0, 50.0])
    >>> model = sp.CompositeIndex(fw, normalize="none")
    >>> ex = sp.explain_change((model, old), (model.with_weights({"Opinion": 3}), new))
    >>> ex.rank[["before", "after", "gain", "data", "weights"]]
           before  after  gain  data  weights
    China       1      3  -2.0  -1.0     -1.0
    Japan       2      1   1.0   0.5      0.5
    Korea       3      2   1.0   0.5      0.5
    >>> print(ex.statement("China"))
    China lost 2 places: -1 from data, -1 from weights.
    >>> ex.score.loc["Korea", ["change", "data", "weights"]].tolist()
    [10.0, 0.0, 10.0]
    """
    m0, d0 = _check_edition(before, "before")
    m1, d1 = _check_edition(after, "after")
    if isinstance(changes, str) or not isinstance(changes, Sequence):
        raise SpindexTypeError(
            f"The 'changes' parameter of explain_change must be a sequence of names from "
            f"{CHANGES}; got {changes!r}."
        )
    chosen = tuple(changes)
    unknown = [c for c in chosen if c not in CHANGES]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise ParameterError(
            f"The 'changes' parameter of explain_change must name distinct changes from "
            f"{CHANGES}. Got {changes!r} instead."
        )
    if set(d0.index) != set(d1.index) or d0.index.has_duplicates or d1.index.has_duplicates:
        only0 = [u for u in d0.index if u not in d1.index][:5]
        only1 = [u for u in d1.index if u not in d0.index][:5]
        raise ParameterError(
            "Both editions' data must hold the same units (each once) to compare their ranks; "
            f"only before: {only0}, only after: {only1}. Restrict both to the common units."
        )
    differs = _differences(m0, d0, m1, d1)
    hidden = [c for c in CHANGES if c not in chosen and differs[c]]
    if hidden:
        raise ParameterError(
            f"The editions also differ in {hidden}, which 'changes' leaves out; the parts "
            f"would not add up. Add {hidden} to changes."
        )
    order = [c for c in CHANGES if c in chosen]
    # A change that alters nothing is a null player: its part is 0 and leaving it out of the
    # coalitions changes no other part, so only the changes that differ are enumerated.
    active = [c for c in order if differs[c]]
    k = len(active)
    units = d0.index
    values = np.empty((2 ** k, len(units)))
    labels = []
    for mask in range(2 ** k):
        applied = {c for i, c in enumerate(active) if mask >> i & 1}
        take = {c: (c in applied) for c in CHANGES}
        structure = (m1 if take["framework"] else m0).framework
        weights = (m1 if take["weights"] else m0).framework
        methods = m1 if take["methods"] else m0
        data, other = (d1, d0) if take["data"] else (d0, d1)
        label = " + ".join(c for c in active if c in applied) or "none"
        labels.append(label)
        try:
            fw = _hybrid_framework(structure, weights)
            hybrid = methods.with_framework(fw)
            frame = _hybrid_data(fw, data.loc[units], other)
            scores = CompiledModel([hybrid], frame, ()).nominal_scores[0][fw.root]
        except SpindexError as exc:
            raise type(exc)(f"The hybrid edition with {label} applied cannot be scored: "
                            f"{exc}") from exc
        values[mask] = scores.reindex(units).to_numpy(dtype=float)
    ranks = rank_rows(values).astype(float)
    ranks[np.isnan(values)] = np.nan
    if np.isnan(values).any():
        bad = np.asarray(np.isnan(values).any(axis=0), dtype=bool).tolist()
        lacking = [u for u, b in zip(units, bad, strict=True) if b][:5]
        warnings.warn(f"Units {lacking} have no index score in some hybrid edition; their "
                      "parts are NaN.", SpindexWarning, stacklevel=2)
    score_parts = _shapley(values, k)
    rank_parts = 0.0 - _shapley(ranks, k)  # places gained (0.0 - x: no negative zeros)
    full = 2 ** k - 1
    score = pd.DataFrame({"before": values[0], "after": values[full],
                          "change": values[full] - values[0]}, index=units)
    rank = pd.DataFrame({"before": ranks[0], "after": ranks[full],
                         "gain": ranks[0] - ranks[full]}, index=units)
    for c in order:
        i = active.index(c) if c in active else None
        score[c] = score_parts[i] if i is not None else 0.0
        rank[c] = rank_parts[i] if i is not None else 0.0
    if not np.isnan(ranks).any():
        rank[["before", "after"]] = rank[["before", "after"]].astype(int)
    return ChangeExplanation(
        score=score, rank=rank, changes=tuple(order),
        differs={c: differs[c] for c in order},
        hybrids=pd.DataFrame(values, index=pd.Index(labels, name="applied"), columns=units),
    )


def _shapley(values: FloatArray, k: int) -> FloatArray:
    """Shapley values of the ``k`` players for every column of ``values`` (2^k x units),
    row ``mask`` being the worth of the coalition ``mask``."""
    out = np.zeros((k, values.shape[1]))
    for i in range(k):
        bit = 1 << i
        for mask in range(2 ** k):
            if mask & bit:
                continue
            size = bin(mask).count("1")
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            out[i] += weight * (values[mask | bit] - values[mask])
    return out
