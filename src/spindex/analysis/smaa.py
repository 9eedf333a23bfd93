"""Stochastic multicriteria acceptability analysis (SMAA-2) of a composite index.

The weights of one level (by default the children of the root) are drawn -- uniformly on the
simplex when nothing is known about them, within bounds, or around the nominal weights --
while the rest of the model stays fixed, and every draw ranks all units with the compiled
model. The statistics of Lahdelma and Salminen (2001) are accumulated chunk by chunk:

- rank acceptability ``b_i^r = P(rank_i = r)``;
- central weight vector ``w_i^c = E[w | rank_i = 1]``, the typical weights that make ``i``
  the best;
- confidence factor ``p_i^c``: the first-rank acceptability of ``i`` at ``w_i^c``. The scores
  are fixed here (only weights are uncertain), so it is 1 when ``w_i^c`` makes ``i`` the best
  and 0 otherwise; below 1 it flags a unit whose favourable weights do not surround their
  centre, which can happen with non-linear aggregation;
- pairwise winning index ``c_ik = P(rank_i < rank_k)``;
- holistic acceptability ``a_i^h = sum_r alpha_r b_i^r`` with meta-weights ``alpha``
  (linear by default: ``alpha_r = (m - r) / (m - 1)`` for ``m`` units).

Ties -- units with equal scores under a draw, which has probability zero unless their scores
at the level coincide -- share the ranks they span equally: two units tied for first each get
half of rank 1 and half of rank 2 (and half of that draw in their central weights). Every row
and column of ``b`` then sums to 1. The pairwise winning index counts strict wins only, so
``c_ik + c_ki = 1 - P(tie)``.

References
----------
.. [1] Lahdelma, R. and Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability
   analysis for group decision making. *Operations Research* 49(3), 444-454.
.. [2] Lahdelma, R., Hokkanen, J. and Salminen, P. (1998). SMAA - Stochastic multiobjective
   acceptability analysis. *European Journal of Operational Research* 106(1), 137-143.
.. [3] Tervonen, T. and Lahdelma, R. (2007). Implementing stochastic multicriteria
   acceptability analysis. *European Journal of Operational Research* 178(2), 500-513.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spindex.analysis._engine import (
    CHUNK,
    CompiledModel,
    chunk_generator,
    map_chunks,
    sorted_ranks,
)
from spindex.analysis._runs import (
    check_count,
    check_executor,
    check_memory,
    check_seed,
    seed_record,
)
from spindex.analysis._variants import SwitchSet
from spindex.analysis.discrete import DiscreteInput
from spindex.analysis.dominance import _pairwise_counts, _select
from spindex.analysis.sampling import UniformSimplex, WeightNoise, WeightSampler
from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["BoundedSimplex", "SMAAResult", "smaa"]

#: Rejection sampling gives up once this many candidates have been drawn for a group and
#: fewer than this share of them fell inside the bounds.
_MAX_CANDIDATES = 2_000_000
_MIN_ACCEPTANCE = 1e-5


# ------------------------------------------------------------------------- the sampler
def _groups(fw: Framework, codes: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(parent, all its children) for every parent of the given codes, in framework order."""
    parents: list[str] = []
    for code in codes:
        parent = fw.parent(code)
        assert parent is not None
        if parent not in parents:
            parents.append(parent)
    return [(p, fw.children(p)) for p in parents]


@dataclass(frozen=True)
class BoundedSimplex(WeightSampler):
    """Weights of each group of siblings uniform on the part of the simplex within bounds.

    The bounds apply to *normalised* weights (shares of the group, summing to 1), as in
    SMAA with interval weight information. Lower bounds are met exactly by drawing
    ``w = low + (1 - sum(low)) v`` with ``v`` uniform on the simplex (an affine map, which
    keeps the distribution uniform); upper bounds by rejecting the draws that exceed them.

    Parameters
    ----------
    bounds : mapping of str to (low, high)
        Bounds on the normalised weight of each named node, ``0 <= low <= high <= 1``. Nodes
        without bounds get ``(0, 1)``.
    levels, nodes
        The weights to vary, as for every sampler; by default the whole groups of siblings
        of the bounded nodes.

    Raises
    ------
    ParameterError
        For bounds outside [0, 1] or in the wrong order; when drawing, for bounds that no
        weights of a group can meet (lows summing above 1, highs below 1), or that leave too
        small a part of the simplex for rejection sampling.

    References
    ----------
    Lahdelma, R. and Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability
    analysis for group decision making. Operations Research 49(3), 444-454.

    Examples
    --------
    >>> import numpy as np
    >>> import spindex as sp
    >>> from spindex.analysis.smaa import BoundedSimplex
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [
    ...     {"code": "a"}, {"code": "b"}, {"code": "c"}]})
    >>> W = BoundedSimplex({"a": (0.2, 0.5)}).draw(fw, np.random.default_rng(0), 1000)
    >>> cols = [fw.codes.index(c) for c in ("a", "b", "c")]
    >>> share = W[:, cols[0]] / W[:, cols].sum(axis=1)
    >>> bool(share.min() >= 0.2 and share.max() <= 0.5)
    True
    """

    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.bounds, Mapping) or not self.bounds:
            raise ParameterError(
                "BoundedSimplex needs bounds for at least one node, as {code: (low, high)}."
            )
        clean: dict[str, tuple[float, float]] = {}
        for code, pair in self.bounds.items():
            try:
                low, high = (float(x) for x in pair)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"The bounds of '{code}' must be a pair (low, high); got {pair!r}."
                ) from None
            if not 0.0 <= low <= high <= 1.0:
                raise ParameterError(
                    f"The bounds of '{code}' are on its share of its group, so they must satisfy "
                    f"0 <= low <= high <= 1; got {pair!r}."
                )
            clean[str(code)] = (low, high)
        object.__setattr__(self, "bounds", clean)

    def varying(self, fw: Framework) -> tuple[str, ...]:
        """The selected nodes, or by default every child of the bounded nodes' parents."""
        for code in self.bounds:
            if fw.parent(code) is None:
                raise ParameterError(f"'{code}' is the root: its weight plays no part.")
        if self.levels is None and self.nodes is None:
            chosen = {c for _, kids in _groups(fw, tuple(self.bounds)) for c in kids}
            return tuple(c for c in fw.codes if c in chosen)
        codes = super().varying(fw)
        outside = [c for c in self.bounds if c not in codes]
        if outside:
            raise ParameterError(
                f"BoundedSimplex has bounds for {outside}, which are not among the weights it "
                f"varies ({list(codes)}). Bound only selected nodes."
            )
        return codes

    def draw(self, fw: Framework, rng: Any, n: int) -> FloatArray:
        """Draw ``n`` weight vectors (``rng``: a Generator or a seed)."""
        rng, n = self._arguments(fw, rng, n)
        W = self._base(fw, n)
        codes = self.varying(fw)
        position = {c: i for i, c in enumerate(fw.codes)}
        for parent, kids in _groups(fw, codes):
            missing = [c for c in kids if c not in codes]
            if missing:
                raise ParameterError(
                    f"Weights on a simplex are drawn for whole groups of siblings, but the "
                    f"selection has only part of the children of '{parent}' (not {missing})."
                )
            low = np.array([self.bounds.get(c, (0.0, 1.0))[0] for c in kids])
            high = np.array([self.bounds.get(c, (0.0, 1.0))[1] for c in kids])
            W[:, [position[c] for c in kids]] = _bounded_draws(parent, low, high, rng, n)
        return W


def _bounded_draws(
    parent: str, low: FloatArray, high: FloatArray, rng: np.random.Generator, n: int
) -> FloatArray:
    k = len(low)
    free = 1.0 - low.sum()
    if free < -1e-12 or high.sum() < 1.0 - 1e-12:
        raise ParameterError(
            f"No weights of the children of '{parent}' meet the bounds: the lower bounds sum to "
            f"{low.sum():.6g} and the upper bounds to {high.sum():.6g}, but the shares sum to 1. "
            "Loosen the bounds."
        )
    if free <= 1e-12 or n == 0:
        return np.tile(low, (n, 1))
    cap = (high - low) / free
    if np.all(cap >= 1.0):
        return low + free * rng.dirichlet(np.ones(k), size=n)
    kept: list[FloatArray] = []
    have = drawn = accepted = 0
    while have < n:
        rate = max(accepted / drawn, 1e-3) if drawn else 0.5
        size = int(min((n - have) / rate * 1.2 + 64, 1 << 20))
        v = rng.dirichlet(np.ones(k), size=size)
        ok = v[np.all(v <= cap, axis=1)]
        drawn += size
        accepted += len(ok)
        kept.append(ok[: n - have])
        have += len(kept[-1])
        if drawn >= _MAX_CANDIDATES and accepted < drawn * _MIN_ACCEPTANCE:
            raise ParameterError(
                f"The bounds on the children of '{parent}' leave about {accepted / drawn:.2g} of "
                f"the simplex ({accepted} of {drawn:,} candidates inside): too little for "
                "rejection sampling. Loosen the upper bounds."
            )
    return low + free * np.concatenate(kept)


def _as_sampler(spec: Any, fw: Framework, level: Any, node: Any) -> WeightSampler:
    if isinstance(spec, WeightSampler):
        if level is not None or node is not None:
            raise ParameterError(
                "The weights sampler says which weights vary (its 'levels' and 'nodes'); do not "
                "also give 'level' or 'node' to smaa. Pass them to the sampler, e.g. "
                "sp.DirichletWeights(10, levels=2)."
            )
        return spec
    nodes = _select(fw, level, node).nodes
    if spec is None:
        return UniformSimplex(nodes=nodes)
    if isinstance(spec, Mapping):
        return BoundedSimplex(spec, nodes=nodes)
    if isinstance(spec, (int, float, np.floating)) and not isinstance(spec, bool):
        return WeightNoise(phi=float(spec), nodes=nodes)
    raise SpindexTypeError(
        "weights must be None (uniform on the simplex), a mapping {code: (low, high)} of bounds "
        "on normalised weights, a number phi (noise of +-phi*w) or a sampler such as "
        f"sp.DirichletWeights or BoundedSimplex; got {type(spec).__name__}."
    )


# ----------------------------------------------------------------------- accumulation
def _ranks_with_spans(
    scores: FloatArray, scale: float | FloatArray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units from best to worst in each row, with the first and last rank of their tie group
    (the same array when nothing ties).

    Missing scores share the ranks after every scored unit."""
    order, first = sorted_ranks(scores, scale)
    m, n = first.shape
    gone = first == 0
    if gone.any():
        first = np.where(gone, (~gone).sum(axis=1, keepdims=True) + 1, first).astype(np.int32)
    ends = np.ones((m, n), dtype=bool)
    ends[:, :-1] = first[:, 1:] != first[:, :-1]
    if ends.all():
        return order, first, first
    position = np.arange(1, n + 1, dtype=np.int32)
    last = np.minimum.accumulate(np.where(ends, position, n)[:, ::-1], axis=1)[:, ::-1]
    return order, first, last


def _rank_counts(order: np.ndarray, first: np.ndarray, last: np.ndarray) -> FloatArray:
    """Units x ranks: each unit's share of every rank, a tie group spread evenly (``last`` is
    ``first`` itself when nothing ties)."""
    n = order.shape[1]
    if last is first:  # no tie in the chunk
        cells = (order * n + (first - 1)).ravel()
        return np.bincount(cells, minlength=n * n).reshape(n, n).astype(float)
    size = last - first + 1
    single = size == 1
    cells = order[single] * n + (first[single] - 1)
    counts = np.bincount(cells, minlength=n * n).astype(float)
    if not single.all():
        spread = size[~single]
        start = np.repeat(order[~single] * n + (first[~single] - 1), spread)
        offset = np.arange(spread.sum()) - np.repeat(np.cumsum(spread) - spread, spread)
        counts += np.bincount(start + offset, weights=np.repeat(1.0 / spread, spread),
                              minlength=n * n)
    return counts.reshape(n, n)


def _first_shares(order: np.ndarray, first: np.ndarray, last: np.ndarray) -> FloatArray:
    """Draws x units: each unit's share of rank 1 in each draw."""
    if last is first:
        out = np.zeros(order.shape)
        out[np.arange(len(order)), order[:, 0]] = 1.0
        return out
    shares = np.where(first == 1, 1.0 / (last - first + 1), 0.0)
    out = np.empty(shares.shape)
    np.put_along_axis(out, order, shares, axis=1)
    return out


@dataclass(frozen=True)
class _Counts:
    """What one chunk of draws contributes; summed in chunk order."""

    ranks: FloatArray  # units x ranks
    first: FloatArray  # units: draws won (ties shared)
    central: FloatArray  # units x weight columns: sum of the weights of the draws won
    wins: np.ndarray  # units x units: draws where the row unit ranks strictly better


@dataclass(frozen=True)
class _Task:
    """One block of SMAA draws (picklable, for process pools and dask clusters)."""

    compiled: CompiledModel
    sampler: WeightSampler
    seed: np.random.SeedSequence
    groups: tuple[np.ndarray, ...]  # positions in fw.codes of each reported group
    switches: SwitchSet | None = None  # the discrete inputs of choices=, if any

    def __call__(self, block: Sequence[tuple[int, int, int]]) -> list[_Counts]:
        return [self.chunk(c, stop - start) for c, start, stop in block]

    def chunk(self, index: int, m: int) -> _Counts:
        rng = chunk_generator(self.seed, index)
        W = self.sampler.draw(self.compiled.framework, rng, m)
        if self.switches is None:
            scores, scale = self.compiled.evaluate(W), float(self.compiled.tie_scales[0])
        else:
            # Drawn after the weights, so the weight draws are those of a run without choices.
            choices = self.switches.draw(rng, m)
            variants = self.switches.variant_of(choices)
            W = self.switches.apply_weights(W, choices)
            scores = self.compiled.evaluate_mixed(W, variants)
            scale = self.compiled.tie_scales[variants]
        order, first, last = _ranks_with_spans(scores, scale)
        shares = _first_shares(order, first, last)
        # Narrow integers make the n x n comparisons of every draw cheaper.
        rank_of = np.empty(first.shape, dtype=np.int16 if first.shape[1] < 2**15 else np.int32)
        np.put_along_axis(rank_of, order, first, axis=1)
        return _Counts(
            ranks=_rank_counts(order, first, last),
            first=shares.sum(axis=0),
            # einsum, not BLAS: the same bits on every worker (see _engine._product).
            central=np.einsum("su,sk->uk", shares, _normalised(W, self.groups)),
            wins=_pairwise_counts(-rank_of, strict=True),
        )


def _normalised(W: FloatArray, groups: tuple[np.ndarray, ...]) -> FloatArray:
    """The reported weight columns, each group divided by its sum."""
    parts = [W[:, g] / W[:, g].sum(axis=1, keepdims=True) for g in groups]
    return np.concatenate(parts, axis=1)


# ---------------------------------------------------------------------- the result
_META = ("linear", "centroid", "inverse")


def meta_weights(m: int, kind: str | Sequence[float] = "linear") -> FloatArray:
    """Meta-weights ``alpha_1 = 1 >= alpha_2 >= ... >= alpha_m >= 0`` of the holistic
    acceptability index (Lahdelma and Salminen, 2001).

    Parameters
    ----------
    m : int
        Number of ranks (units).
    kind : {"linear", "centroid", "inverse"} or sequence of float
        ``"linear"``: ``(m - r) / (m - 1)``; ``"centroid"``: ``sum_{i>=r} 1/i`` divided by
        ``sum_{i>=1} 1/i``; ``"inverse"``: ``1 / r``; or ``m`` non-increasing weights in
        [0, 1] starting at 1.

    Returns
    -------
    ndarray of shape (m,)

    Examples
    --------
    >>> from spindex.analysis.smaa import meta_weights
    >>> meta_weights(3).tolist()
    [1.0, 0.5, 0.0]
    """
    r = np.arange(1, m + 1, dtype=float)
    if isinstance(kind, str):
        if kind == "linear":
            return (m - r) / (m - 1) if m > 1 else np.ones(1)
        if kind == "centroid":
            tail = np.cumsum((1.0 / r)[::-1])[::-1]
            return tail / tail[0]
        if kind == "inverse":
            return 1.0 / r
        raise ParameterError(
            f"The meta-weights must be one of {set(_META)} or a sequence of {m} numbers. "
            f"Got {kind!r} instead."
        )
    alpha = np.asarray(kind, dtype=float)
    if (alpha.shape != (m,) or not np.all(np.isfinite(alpha)) or alpha[0] != 1.0
            or np.any(np.diff(alpha) > 0) or alpha[-1] < 0):
        raise ParameterError(
            f"Custom meta-weights must be {m} numbers (one per rank) with 1 = alpha_1 >= "
            f"alpha_2 >= ... >= alpha_m >= 0; got {list(np.atleast_1d(alpha))}."
        )
    return alpha


@dataclass(frozen=True, eq=False)
class SMAAResult:
    """Rank acceptability, central weights, confidence and pairwise winning indices.

    Attributes
    ----------
    n : int
        Number of weight draws.
    seed : int or numpy.random.SeedSequence
        The seed (the entropy drawn when none was given; the SeedSequence itself when one
        was): ``smaa(..., seed=result.seed)`` repeats the analysis exactly.
    sampler : WeightSampler
        The distribution the weights were drawn from.
    varying : tuple of str
        Nodes whose weights were drawn.
    rank_acceptability : pandas.DataFrame
        Units x ranks (1 = best): ``b_i^r``, the share of draws giving unit ``i`` rank ``r``.
        Rows and columns sum to 1.
    central_weights : pandas.DataFrame
        Units x nodes: ``w_i^c``, the mean normalised weights (shares of each group) over the
        draws where the unit ranks first; ``NaN`` for a unit that never does.
    confidence : pandas.Series
        ``p_i^c``: the unit's first-rank acceptability at its central weights (1 or 0 with
        fixed scores, a share on a tie); ``NaN`` without central weights.
    pairwise_winning : pandas.DataFrame
        Units x units: ``c_ik``, the share of draws where the row unit ranks strictly better
        than the column unit.
    nominal : pandas.DataFrame
        Each unit's index score and rank under the nominal weights.
    nominal_weights : pandas.Series
        The nominal weights of the :attr:`central_weights` columns, normalised within groups.
    """

    n: int
    seed: int | np.random.SeedSequence
    sampler: WeightSampler
    varying: tuple[str, ...]
    rank_acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    confidence: pd.Series
    pairwise_winning: pd.DataFrame
    nominal: pd.DataFrame
    nominal_weights: pd.Series
    framework: Framework = field(repr=False)
    _seed_sequence: np.random.SeedSequence = field(repr=False)
    switches: SwitchSet | None = field(default=None, repr=False)

    @property
    def first_rank_acceptability(self) -> pd.Series:
        """``b_i^1``: the share of weights under which each unit ranks first."""
        return self.rank_acceptability[1].rename("b1")

    @property
    def rank_acceptability_se(self) -> pd.DataFrame:
        """Monte Carlo standard errors of :attr:`rank_acceptability`, ``sqrt(b (1 - b) / n)``."""
        b = self.rank_acceptability
        return pd.DataFrame(np.sqrt(b.to_numpy() * (1.0 - b.to_numpy()) / self.n),
                            index=b.index, columns=b.columns)

    def holistic(self, meta: str | Sequence[float] = "linear") -> pd.Series:
        """Holistic acceptability ``a_i^h = sum_r alpha_r b_i^r`` (see :func:`meta_weights`)."""
        alpha = meta_weights(self.rank_acceptability.shape[1], meta)
        b = self.rank_acceptability
        return pd.Series(b.to_numpy() @ alpha, index=b.index, name="holistic")

    @property
    def holistic_acceptability(self) -> pd.Series:
        """Holistic acceptability with linear meta-weights ``(m - r) / (m - 1)``."""
        return self.holistic("linear")

    def summary(self) -> pd.DataFrame:
        """Per unit: nominal rank, first-rank acceptability, most likely and mean rank,
        holistic acceptability and confidence factor; sorted by holistic acceptability."""
        b = self.rank_acceptability
        r = b.columns.to_numpy(dtype=float)
        out = pd.DataFrame({
            "nominal_rank": self.nominal["rank"],
            "b1": self.first_rank_acceptability,
            "modal_rank": r[np.argmax(b.to_numpy(), axis=1)].astype(int),
            "mean_rank": b.to_numpy() @ r,
            "holistic": self.holistic_acceptability,
            "confidence": self.confidence,
        }, index=b.index)
        return out.sort_values(["holistic", "b1"], ascending=False, kind="stable")

    @property
    def inputs(self) -> tuple[str, ...]:
        """Names of the discrete inputs of ``choices=`` (empty without any); the choice of
        every draw is regenerated by :meth:`sample_choices`."""
        return () if self.switches is None else tuple(s.parameter for s in self.switches.switches)

    def sample_choices(self) -> pd.DataFrame:
        """The alternative every draw used for each input of ``choices=``, regenerated from
        the seed: one row per draw, one categorical column per input (the equivalent of
        :attr:`UncertaintyResult.inputs`; SMAA keeps no per-draw record while it runs).

        Raises
        ------
        ParameterError
            If the analysis had no ``choices``, or the table would not fit in memory.
        """
        if self.switches is None:
            raise ParameterError(
                "This SMAA ran without discrete inputs: pass choices=[...] to smaa to draw "
                "weight sets, dropped nodes or data sources."
            )
        switches = self.switches
        check_memory(
            17.0 * self.n * len(switches.switches), "SMAAResult.sample_choices",
            f"n = {self.n:,} draws x {len(switches.switches)} inputs",
            "Regenerate the draws chunk by chunk instead (see sample_weights).",
        )
        parts = []
        for c, start in enumerate(range(0, self.n, CHUNK)):
            rng = chunk_generator(self._seed_sequence, c)
            m = min(CHUNK, self.n - start)
            self.sampler.draw(self.framework, rng, m)  # the weights come first in each chunk
            parts.append(switches.draw(rng, m))
        codes = np.concatenate(parts)
        out = pd.DataFrame({
            s.parameter: pd.Categorical.from_codes(codes[:, j], categories=pd.Index(s.labels))
            for j, s in enumerate(switches.switches)
        })
        return out.rename_axis("draw")

    def sample_weights(self) -> pd.DataFrame:
        """The ``n`` weight draws, regenerated from the seed: normalised weights of the
        :attr:`central_weights` columns, one row per draw."""
        columns = list(self.central_weights.columns)
        # Regenerating every draw is the one allocation here that grows with n.
        check_memory(
            16.0 * self.n * max(1, len(columns)), "SMAAResult.sample_weights",
            f"n = {self.n:,} draws x {len(columns)} weights (float64, and the table's copy)",
            "Regenerate the draws chunk by chunk instead: chunk c of 8192 draws is "
            "spindex.analysis._engine.chunk_generator(seed, c) passed to the sampler's draw.",
        )
        position = {c: i for i, c in enumerate(self.framework.codes)}
        groups = tuple(np.array([position[c] for c in kids])
                       for _, kids in _groups(self.framework, self.varying))
        parts = []
        for c, start in enumerate(range(0, self.n, CHUNK)):
            rng = chunk_generator(self._seed_sequence, c)
            W = self.sampler.draw(self.framework, rng, min(CHUNK, self.n - start))
            parts.append(_normalised(W, groups))
        return pd.DataFrame(np.concatenate(parts), columns=columns).rename_axis("draw")

    def __repr__(self) -> str:
        s = self.summary().head(10)
        shown = ", ".join(self.varying[:6]) + (", ..." if len(self.varying) > 6 else "")
        lines = [
            f"<SMAAResult: {self.n:,} draws of the weights of {shown} "
            f"({type(self.sampler).__name__}), {len(self.nominal)} units>",
            "  unit                 nominal     b1  modal  holistic  confidence",
        ]
        for unit, row in s.iterrows():
            conf = "" if np.isnan(row["confidence"]) else f"{row['confidence']:.3g}"
            nominal = "-" if np.isnan(row["nominal_rank"]) else f"{int(row['nominal_rank'])}"
            lines.append(
                f"  {unit!s:<20} {nominal:>7} {row['b1']:>6.3f} {int(row['modal_rank']):>6} "
                f"{row['holistic']:>9.3f}  {conf:>10}"
            )
        if len(self.nominal) > 10:
            lines.append(f"  ... {len(self.nominal) - 10} more units")
        return "\n".join(lines)


# ------------------------------------------------------------------------ the analysis

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: the rank-acceptability summary."""
        from spindex._html import repr_html

        return repr_html(
            f"SMAAResult: {self.n:,} weightings of {len(self.varying)} weights",
            [("seed", self.seed)], self.summary(), index_label="unit",
            dash="never ranked first (no central weights)")
def smaa(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    n: int = 10_000,
    seed: int | np.random.SeedSequence | None = None,
    weights: WeightSampler | Mapping[str, tuple[float, float]] | float | None = None,
    level: int | str | None = None,
    node: str | None = None,
    executor: Executor | None = None,
    block_size: int = 16_384,
    choices: Sequence[DiscreteInput] | None = None,
) -> SMAAResult:
    """Stochastic multicriteria acceptability analysis of the ranking (SMAA-2).

    Draws the weights of one level ``n`` times -- uniformly on the simplex by default -- with
    the rest of the model fixed, ranks all units under every draw with the compiled model,
    and returns the rank acceptability indices, central weight vectors, confidence factors,
    pairwise winning indices and holistic acceptability of every unit. Draws come in seeded
    chunks that are counted separately and summed in chunk order, so a seed gives
    bit-identical results whatever ``block_size`` and ``executor``.

    Parameters
    ----------
    model : CompositeIndex
        The model; its other weights and methods stay fixed.
    data : pandas.DataFrame
        The data it scores (units as the index).
    n : int, default 10000
        Number of weight draws. 10,000 bound the 95% error of every acceptability index by
        about 0.01 (Tervonen and Lahdelma, 2007).
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of the random streams: a non-negative integer or a SeedSequence (a Generator is
        refused: it could not be recorded). Without one, fresh entropy is drawn and recorded
        in :attr:`SMAAResult.seed`. Memory stays flat in ``n``: no per-draw record is kept
        (:meth:`SMAAResult.sample_weights` regenerates the draws from the seed).
    weights : None, mapping, float or WeightSampler, default None
        ``None``: uniform on the simplex of each group of siblings at the level (no weight
        information). A mapping ``{code: (low, high)}``: uniform within bounds on the
        normalised weights (:class:`BoundedSimplex`). A number ``phi``: each nominal weight
        times ``1 + U(-phi, phi)``. Or any sampler (``sp.DirichletWeights(10, levels=2)`` for
        weights around the nominal ones), which then says itself which weights vary.
    level : int or str, optional
        The level whose weights vary (default: the children of the root); with several groups
        of siblings, each is drawn on its own simplex.
    node : str, optional
        Instead of ``level``: vary the weights of this aggregate's children.
    executor : concurrent.futures.Executor, optional
        Runs blocks in parallel (a thread or process pool, or ``client.get_executor()`` of a
        ``dask.distributed`` client). With a process pool, every callable in the model must
        be picklable (a module-level function, not a lambda).
    block_size : int, default 16384
        Draws per block (rounded up to whole chunks of 8192).
    choices : list of DiscreteInput, optional
        Discrete inputs drawn with every weight draw, as for
        :func:`~spindex.analysis.uncertainty.uncertainty`: weight sets of other levels,
        dropped nodes, data sources. The acceptability indices are then over weights and
        choices together; :meth:`SMAAResult.sample_choices` regenerates the choice of every
        draw. The confidence factors are evaluated with the nominal choices (the data as
        given, nothing dropped, the nominal weights outside the sampled level).

    Returns
    -------
    SMAAResult

    Raises
    ------
    ParameterError
        If ``n``, ``block_size``, ``seed`` or the level is invalid (a single node, part of a
        group of siblings), a sampler is given together with ``level``, or an aggregate
        re-evaluated per draw is not a power mean; if the executor is shut down, breaks or
        cannot pickle the model (the message names the block).
    SpindexTypeError
        If ``n``, ``block_size``, ``seed`` or ``executor`` has the wrong type.
    DataError
        If fewer than two units, or a unit has no index score.

    References
    ----------
    Lahdelma, R. and Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability
    analysis for group decision making. Operations Research 49(3), 444-454.
    Lahdelma, R., Hokkanen, J. and Salminen, P. (1998). SMAA - Stochastic multiobjective
    acceptability analysis. European Journal of Operational Research 106(1), 137-143.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> from spindex.analysis.smaa import smaa
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    >>> data = pd.DataFrame({"x": [1.0, 0.0, 0.6], "y": [0.0, 1.0, 0.6]}, index=["A", "B", "C"])
    >>> sm = smaa(sp.CompositeIndex(fw, normalize="none"), data, n=20_000, seed=1)
    >>> sm.first_rank_acceptability.round(2).tolist()  # exact: 0.4, 0.4, 0.2
    [0.4, 0.4, 0.2]
    >>> sm.central_weights.round(1)
    node    x    y
    A     0.8  0.2
    B     0.2  0.8
    C     0.5  0.5
    """
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(f"model must be a CompositeIndex; got {type(model).__name__}.")
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    n = check_count(n, "n", "smaa")
    block_size = check_count(block_size, "block_size", "smaa")
    seed_seq = check_seed(seed, "smaa")
    executor = check_executor(executor, "smaa")
    fw = model.framework
    sampler = _as_sampler(weights, fw, level, node)
    varying = sampler.varying(fw)
    switch_set = SwitchSet.build(model, {}, choices, data, "smaa") if choices else None
    if switch_set is not None:
        switch_set.check_overlap(varying, "smaa")
        compiled = switch_set.compile(data, varying)
    else:
        compiled = CompiledModel([model], data, varying)
    scores = compiled.nominal_scores[0]
    units = pd.Index(compiled.units, name=scores.index.name)
    index = scores[fw.root]
    if len(units) < 2:
        raise DataError(f"SMAA ranks units, but the data have {len(units)}; give at least two.")
    if index.isna().any():
        lacking = list(units[index.isna().to_numpy()])
        raise DataError(
            f"Unit(s) {lacking} have no '{fw.root}' score (too few indicators for the model's "
            "min_coverage, or only indicators of weight 0 observed), so they cannot be ranked. "
            "Drop them, lower min_coverage or impute."
        )
    groups = _groups(fw, varying)
    columns = [c for _, kids in groups for c in kids]
    positions = tuple(np.array([compiled.position(c) for c in kids]) for _, kids in groups)
    # One chunk up front, so that a bad sampler fails before any parallel work starts.
    sampler.draw(fw, chunk_generator(seed_seq, 0), 1)
    task = _Task(compiled, sampler, seed_seq, positions, switch_set)
    m = len(units)
    ranks = np.zeros((m, m))
    first = np.zeros(m)
    central = np.zeros((m, len(columns)))
    wins = np.zeros((m, m), dtype=np.int64)
    for counts in map_chunks(task, n, block_size=block_size, executor=executor, owner="smaa"):
        ranks += counts.ranks
        first += counts.first
        central += counts.central
        wins += counts.wins
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = central / first[:, None]
    won = first > 0
    confidence = np.full(m, np.nan)
    if won.any():
        W = np.tile(compiled.nominal_weights, (int(won.sum()), 1))
        W[:, [compiled.position(c) for c in columns]] = centre[won]
        order, lo, hi = _ranks_with_spans(
            compiled.evaluate(W), float(compiled.tie_scales[0])
        )
        shares = _first_shares(order, lo, hi)
        confidence[won] = shares[np.arange(int(won.sum())), np.flatnonzero(won)]
    # The tie rule of scoring and of the draws, not pandas' exact comparison.
    nominal_ranks = compiled.nominal_ranks(0)
    nw = fw.normalized_weights()
    rank_labels = pd.RangeIndex(1, m + 1, name="rank")
    return SMAAResult(
        n=int(n),
        seed=seed_record(seed, seed_seq),
        sampler=sampler,
        varying=varying,
        rank_acceptability=pd.DataFrame(ranks / n, index=units, columns=rank_labels),
        central_weights=pd.DataFrame(centre, index=units,
                                     columns=pd.Index(columns, name="node")),
        confidence=pd.Series(confidence, index=units, name="confidence"),
        pairwise_winning=pd.DataFrame(wins / n, index=units, columns=units.copy()),
        nominal=pd.DataFrame({"score": index, "rank": nominal_ranks}, index=units),
        nominal_weights=nw.reindex(columns).rename("nominal"),
        framework=fw,
        _seed_sequence=seed_seq,
        switches=switch_set,
    )
