"""Dominance shares: for how much of the space of weights does one unit score at least as
high as another, and at which weights does the order flip.

For an arithmetic aggregation the index is affine in the weights of any one group of siblings
(with the rest of the model fixed), so on the simplex of that group's normalised weights ``w``
the gap between two units is ``D(w) = sum_j w_j d_j``, where ``d_j`` is the gap when the whole
weight of the group sits on node ``j`` (a vertex of the simplex). The share of the simplex where
``a`` scores at least as high as ``b`` is the normalised volume of the half-space cut
``{w : w . d >= 0}``; with ``w`` uniform on the simplex (Dirichlet(1, ..., 1)) and distinct
``d_j`` (Gerber, 1981)

    P(w . d > 0) = sum_i max(d_i, 0)^(k-1) / prod_{j != i} (d_i - d_j),

which is the divided difference ``[d_1, ..., d_k] t_+^(k-1)`` (the Hermite-Genocchi formula;
de Boor, 2005). That sum cancels catastrophically when entries of ``d`` are close and is
undefined when they are equal, so it is evaluated by the recurrence that the Leibniz rule gives
for divided differences of truncated powers -- the de Boor-Cox recurrence of B-splines, here for
the B-spline's tail integral. With ``x_0 <= ... <= x_n`` the sorted entries and ``P(x_i..x_j)``
the share for the sub-simplex on the coordinates ``i..j``,

    P(x_0..x_n) = ( x_n P(x_1..x_n) - x_0 P(x_0..x_{n-1}) ) / (x_n - x_0)   if x_0 < 0 < x_n,
    P = 1 if x_0 >= 0 < x_n,   P = 0 if x_n <= 0.

Both coefficients are positive in the first case, so every step is a convex combination of
numbers in [0, 1] and rounding errors cannot grow: the result is accurate to about ``k``
units in the last place for any ``d``, including equal coordinates and zeros (no
perturbation, no merging of coordinates needed), in ``O(k^2)`` operations. The tests check it
against the closed form in exact rational arithmetic, against confluent divided differences
for equal coordinates, against the volume of the polytope computed with ``scipy.spatial``,
and against Monte Carlo.
The event ``w . d = 0`` has probability zero unless ``d = 0``, when the two units tie
everywhere and the share "at least as high" is 1.

When the scores are not affine in the weights -- another aggregator than the arithmetic mean
at the group's parent or above it, or a unit that lacks some of the group's nodes, whose
weights are then renormalised over the nodes it has -- the share is estimated by Monte Carlo
with the compiled model, and the flips along one-weight paths are located numerically.

References
----------
.. [1] Gerber, L. (1981). The volume cut off a simplex by a half-space. *Journal of
   Approximation Theory* 31(4), 379-383.
.. [2] de Boor, C. (2005). Divided differences. *Surveys in Approximation Theory* 1, 46-69
   (the Hermite-Genocchi formula and the Leibniz rule).
.. [3] de Boor, C. (1972). On calculating with B-splines. *Journal of Approximation Theory*
   6(1), 50-62.
.. [4] Lahdelma, R., Hokkanen, J. and Salminen, P. (1998). SMAA - Stochastic multiobjective
   acceptability analysis. *European Journal of Operational Research* 106(1), 137-143.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from spindex.analysis._engine import CompiledModel, chunk_generator, map_chunks
from spindex.analysis._runs import check_count, check_executor, check_seed, seed_record
from spindex.analysis.sampling import UniformSimplex
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["DominanceResult", "dominance", "dominance_matrix", "simplex_share"]

Method = Literal["exact", "monte_carlo"]

#: Grid on which flips along one-weight paths are located for non-linear models, before
#: bisection.
_GRID = 513
#: A path stops this short of its vertex, where a unit that lacks the node has no score.
_END = 1.0 - 1e-9


# --------------------------------------------------------------------- the closed form
def _share_rows(d: FloatArray) -> FloatArray:
    """P(w . d > 0) for w uniform on the simplex, for each row of ``d`` (m, k)."""
    x = np.sort(np.asarray(d, dtype=float), axis=1)
    k = x.shape[1]
    p = (x > 0).astype(float)  # windows of one coordinate
    for length in range(2, k + 1):
        lo = x[:, : k - length + 1]
        hi = x[:, length - 1:]
        mixed = (lo < 0) & (hi > 0)
        span = np.where(mixed, hi - lo, 1.0)
        # Convex combination of the two sub-windows (de Boor-Cox recurrence).
        inner = (hi * p[:, 1:] - lo * p[:, :-1]) / span
        p = np.where(mixed, inner, (hi > 0).astype(float))
    return np.clip(p[:, 0], 0.0, 1.0)


def simplex_share(d: Any, *, strict: bool = False) -> Any:
    """Share of the unit simplex on which ``sum_j w_j d_j >= 0`` (or ``> 0``).

    The probability, for ``w`` uniform on the simplex (Dirichlet(1, ..., 1)), that the
    weighted sum of ``d`` is non-negative: the exact dominance share of a unit whose score
    exceeds another's by ``d_j`` when all the weight is on coordinate ``j``. Computed by the
    de Boor-Cox recurrence (see the module notes), exact for equal coordinates and zeros.

    Parameters
    ----------
    d : array-like, shape (k,) or (m, k)
        One vector, or one per row; ``k >= 1``, finite.
    strict : bool, default False
        Share where the sum is ``> 0`` instead of ``>= 0``. The two differ only for
        ``d = 0`` (1 versus 0).

    Returns
    -------
    float or ndarray of shape (m,)

    Raises
    ------
    ParameterError
        If ``d`` is empty, not 1-D or 2-D, or not finite.

    References
    ----------
    Gerber, L. (1981). The volume cut off a simplex by a half-space. J. Approx. Theory 31(4),
    379-383. de Boor, C. (2005). Divided differences. Surveys in Approximation Theory 1, 46-69.

    Examples
    --------
    >>> from spindex.analysis.dominance import simplex_share
    >>> simplex_share([1.0, -1.0, 2.0])  # 5/6
    0.8333333333333334
    >>> simplex_share([3.0, -1.0])  # d1 / (d1 - d2)
    0.75
    >>> float(simplex_share([[1.0, -1.0, 2.0, -2.0], [0.0, 0.0, 0.0, 0.0]])[0])
    0.5
    """
    arr = np.asarray(d, dtype=float)
    single = arr.ndim == 1
    if arr.ndim not in (1, 2) or arr.shape[-1] == 0:
        raise ParameterError(
            f"d must be a non-empty vector or a matrix with one vector per row; got shape "
            f"{arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ParameterError("d must be finite; it contains NaN or infinite values.")
    rows = arr[None, :] if single else arr
    share = _share_rows(rows)
    if not strict:
        share = np.where(np.all(rows == 0, axis=1), 1.0, share)
    return float(share[0]) if single else share


# ------------------------------------------------------------------ the weights that vary
@dataclass(frozen=True)
class _Selection:
    """The nodes whose weights vary: whole groups of siblings."""

    nodes: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    parents: tuple[str, ...]

    @property
    def free(self) -> tuple[int, ...]:
        """Indices of the groups with at least two members (the others always weigh 1)."""
        return tuple(i for i, g in enumerate(self.groups) if len(g) > 1)

    def describe(self) -> str:
        if len(self.groups) == 1:
            return f"the {len(self.groups[0])} children of '{self.parents[0]}'"
        parts = [f"'{p}' ({len(g)})" for p, g in zip(self.parents, self.groups, strict=True)]
        return "the children of " + ", ".join(parts)


def _select(fw: Framework, level: int | str | None, node: str | None) -> _Selection:
    """Resolve ``level`` / ``node`` to whole groups of siblings, checking them."""
    if level is not None and node is not None:
        raise ParameterError(
            "Give either 'level' (every group of siblings at that level) or 'node' (the "
            "children of one aggregate), not both."
        )
    if node is not None:
        if not isinstance(node, str):
            raise SpindexTypeError(f"node must be the code of an aggregate; got {node!r}.")
        nodes = fw.children(node)
        if not nodes:
            raise ParameterError(
                f"'{node}' is an indicator: it has no children whose weights could vary. "
                "Name an aggregate."
            )
        where = f"'{node}'"
    elif level is None:
        nodes = fw.children(fw.root)
        where = f"the root '{fw.root}'"
    else:
        nodes = fw.level(level)
        where = f"level {level!r}"
    if len(nodes) < 2:
        raise ParameterError(
            f"{where} has a single node ({', '.join(repr(c) for c in nodes)}), so there is no "
            "weight to vary: its weight is always 1. Choose a level or node with several "
            "children (level=None is the children of the root)."
        )
    groups: dict[str, list[str]] = {}
    for code in nodes:
        parent = fw.parent(code)
        assert parent is not None
        groups.setdefault(parent, []).append(code)
    for parent, members in groups.items():
        missing = [c for c in fw.children(parent) if c not in members]
        if missing:
            raise ParameterError(
                f"{where} holds only part of the children of '{parent}' (not {missing}): the "
                "weights of a group of siblings vary together. Use node="
                f"'{parent}' to vary all its children."
            )
    sel = _Selection(nodes=tuple(nodes), groups=tuple(tuple(m) for m in groups.values()),
                     parents=tuple(groups))
    if not sel.free:
        raise ParameterError(
            f"Every node of {where} is an only child, so no weight can vary. Choose a level "
            "with groups of siblings."
        )
    return sel


def _nominal_shares(fw: Framework, sel: _Selection) -> pd.Series:
    """Nominal weights of the selected nodes, normalised within their groups."""
    return fw.normalized_weights().reindex(list(sel.nodes)).rename("nominal")


def _nonlinearity(
    model: CompositeIndex, scores: pd.DataFrame, sel: _Selection, units: Sequence[Any]
) -> list[str]:
    """Why the index is not affine in the selected weights for these units (empty if it is)."""
    fw = model.framework
    reasons: list[str] = []
    path: list[str] = []
    for parent in sel.parents:
        for code in (parent, *fw.ancestors(parent)):
            if code not in path:
                path.append(code)
    for code in path:
        agg = model.aggregator(code)
        if getattr(agg, "power", None) != 1.0:
            reasons.append(
                f"'{code}' is aggregated with '{getattr(agg, 'name', type(agg).__name__)}', "
                "not the arithmetic mean"
            )
    for g in sel.free:
        parent, members = sel.parents[g], list(sel.groups[g])
        block = scores.loc[list(units), members]
        observed = block.notna()
        partial = observed.any(axis=1) & ~observed.all(axis=1) & scores.loc[list(units),
                                                                            parent].notna()
        for unit in block.index[partial.to_numpy()]:
            lacking = [c for c in members if not observed.at[unit, c]]
            reasons.append(
                f"unit '{unit}' has no score for {lacking} under '{parent}', so its weights are "
                "renormalised over the other children (a ratio of weights, not linear)"
            )
    return reasons


def _check_units(units: pd.Index, *labels: Hashable) -> list[int]:
    out = []
    for label in labels:
        if label not in units:
            shown = ", ".join(repr(u) for u in list(units[:8]))
            more = f", ... ({len(units)} in all)" if len(units) > 8 else ""
            raise ParameterError(
                f"{label!r} is not a unit of the data; the units (the index of the data) are "
                f"{shown}{more}."
            )
        out.append(int(units.get_indexer(pd.Index([label]))[0]))
    return out


def _check_run(
    method: Any, n: Any, block_size: Any, seed: Any, executor: Any, owner: str
) -> tuple[int, int, np.random.SeedSequence | None]:
    """The run parameters, checked; the seed sequence only for the Monte Carlo path (the
    exact path draws nothing, so it needs no seed, but a bad one is still refused)."""
    if not isinstance(method, str) or method not in ("exact", "monte_carlo"):
        raise ParameterError(
            f"The 'method' parameter of {owner} must be one of {{'exact', 'monte_carlo'}}. "
            f"Got {method!r} instead."
        )
    n = check_count(n, "n", owner)
    block_size = check_count(block_size, "block_size", owner)
    seed_seq = check_seed(seed, owner)
    check_executor(executor, owner)
    return n, block_size, seed_seq if method == "monte_carlo" else None


# --------------------------------------------------------------------- evaluation helpers
def _rows_with_vertices(
    compiled: CompiledModel, sel: _Selection
) -> tuple[FloatArray, list[str]]:
    """Raw weight rows: nominal everywhere, each free group in turn on one of its vertices."""
    rows, labels = [], []
    for g in sel.free:
        cols = [compiled.position(c) for c in sel.groups[g]]
        for j, code in enumerate(sel.groups[g]):
            w = compiled.nominal_weights.copy()
            w[cols] = 0.0
            w[cols[j]] = 1.0
            rows.append(w)
            labels.append(code)
    return np.array(rows), labels


@dataclass(frozen=True)
class _Path:
    """Node ``code`` at share ``t`` of its group, its siblings in their nominal proportions
    (equal ones if they all weigh zero), every other weight nominal."""

    code: str
    column: int
    others: tuple[str, ...]
    other_columns: np.ndarray
    rest: np.ndarray

    def rows(self, base: FloatArray, t: FloatArray) -> FloatArray:
        block = np.tile(base, (len(t), 1))
        block[:, self.other_columns] = (1.0 - t)[:, None] * self.rest[None, :]
        block[:, self.column] = t
        return block


def _paths(compiled: CompiledModel, sel: _Selection, w0: pd.Series) -> list[_Path]:
    out = []
    for g in sel.free:
        members = sel.groups[g]
        for code in members:
            others = tuple(c for c in members if c != code)
            rest = w0[list(others)].to_numpy(dtype=float)
            total = rest.sum()
            rest = rest / total if total > 0 else np.full(len(others), 1.0 / len(others))
            out.append(_Path(code, compiled.position(code), others,
                             np.array([compiled.position(c) for c in others]), rest))
    return out


def _flip(at_vertex: float, at_base: float) -> tuple[float, str]:
    """Where ``t * at_vertex + (1 - t) * at_base`` changes sign on [0, 1], and on which side
    it is >= 0 (``a`` leads)."""
    if at_vertex >= 0 and at_base >= 0:
        return np.nan, "always"
    if at_vertex < 0 and at_base < 0:
        return np.nan, "never"
    return float(at_base / (at_base - at_vertex)), "above" if at_vertex >= 0 else "below"


def _linear_thresholds(alpha: pd.Series, w0: pd.Series, paths: list[_Path]) -> pd.DataFrame:
    """Flip points along one-weight paths when the gap is affine: in closed form."""
    records = []
    for p in paths:
        beta = float(p.rest @ alpha[list(p.others)].to_numpy(dtype=float))
        at_vertex = float(alpha[p.code])
        records.append((p.code, float(w0[p.code]), at_vertex, *_flip(at_vertex, beta)))
    return _threshold_frame(records)


def _numeric_thresholds(
    compiled: CompiledModel, w0: pd.Series, paths: list[_Path], ia: int, ib: int
) -> pd.DataFrame:
    """Flip points along one-weight paths of any model: sign changes on a grid of
    :data:`_GRID` shares, each single change refined by bisection."""
    base = compiled.nominal_weights
    t = np.linspace(0.0, _END, _GRID)
    scores = compiled.evaluate(np.concatenate([p.rows(base, t) for p in paths]))
    gap = (scores[:, ia] - scores[:, ib]).reshape(len(paths), len(t))
    ahead = gap >= 0
    changes = (ahead[:, 1:] != ahead[:, :-1]).sum(axis=1)
    single = np.flatnonzero(changes == 1)
    first = np.argmax(ahead[single, 1:] != ahead[single, :-1], axis=1)
    lo, hi = t[first], t[first + 1]
    start = ahead[single, 0]
    for _ in range(60):
        if not len(single):
            break
        mid = 0.5 * (lo + hi)
        rows = np.concatenate([paths[i].rows(base, mid[[r]]) for r, i in enumerate(single)])
        s = compiled.evaluate(rows)
        keep_lo = ((s[:, ia] - s[:, ib]) >= 0) == start
        lo, hi = np.where(keep_lo, mid, lo), np.where(keep_lo, hi, mid)
    flips = dict(zip(single.tolist(), (0.5 * (lo + hi)).tolist(), strict=True))
    records = []
    for i, p in enumerate(paths):
        if changes[i] == 0:
            flip, lead = np.nan, "always" if ahead[i, 0] else "never"
        elif changes[i] == 1:
            flip, lead = flips[i], "above" if ahead[i, -1] else "below"
        else:
            flip, lead = np.nan, "several"
        records.append((p.code, float(w0[p.code]), float(gap[i, -1]), flip, lead))
    return _threshold_frame(records)


def _threshold_frame(records: list[tuple[Any, ...]]) -> pd.DataFrame:
    out = pd.DataFrame(records, columns=["node", "nominal", "vertex_gap", "flip_at", "a_leads"])
    return out.set_index("node")


def _pairwise_counts(values: np.ndarray, *, strict: bool) -> np.ndarray:
    """``counts[i, k]``: rows where ``values[:, i] > values[:, k]`` (``>=`` unless strict).

    Comparisons are summed in slices of at most 255 rows in ``uint8`` (which cannot overflow
    there), several times faster than summing booleans into wide integers."""
    m, n = values.shape
    out = np.zeros((n, n), dtype=np.int64)
    step = max(1, min(255, (1 << 22) // max(1, n * n)))
    compare = np.greater if strict else np.greater_equal
    for start in range(0, m, step):
        v = values[start:start + step]
        hits = compare(v[:, :, None], v[:, None, :])
        out += hits.view(np.uint8).sum(axis=0, dtype=np.uint8)
    return out


@dataclass(frozen=True)
class _Task:
    """Monte Carlo draws of one block (picklable, for process pools and dask clusters)."""

    compiled: CompiledModel
    sampler: UniformSimplex
    seed: np.random.SeedSequence
    pair: tuple[int, int] | None

    def __call__(self, block: Sequence[tuple[int, int, int]]) -> list[np.ndarray]:
        return [self.chunk(c, stop - start) for c, start, stop in block]

    def chunk(self, index: int, m: int) -> np.ndarray:
        rng = chunk_generator(self.seed, index)
        W = self.sampler.draw(self.compiled.framework, rng, m)
        scores = self.compiled.evaluate(W)
        if self.pair is None:
            return _pairwise_counts(scores, strict=False)
        a, b = self.pair
        return np.array(np.count_nonzero(scores[:, a] >= scores[:, b]), dtype=np.int64)


def _monte_carlo(
    compiled: CompiledModel,
    sel: _Selection,
    pair: tuple[int, int] | None,
    n: int,
    seed_seq: np.random.SeedSequence,
    executor: Executor | None,
    block_size: int,
    owner: str,
) -> np.ndarray:
    task = _Task(compiled, UniformSimplex(nodes=sel.nodes), seed_seq, pair)
    total: np.ndarray | None = None
    for counts in map_chunks(task, n, block_size=block_size, executor=executor, owner=owner):
        total = counts if total is None else total + counts
    assert total is not None
    return total


# ------------------------------------------------------------------------ the result
def _term(coef: float, code: str, first: bool) -> str:
    sign = "-" if coef < 0 else ("" if first else "+")
    body = f"{abs(coef):.4g}*w[{code}]"
    return f"{sign}{body}" if first else f"{sign} {body}"


@dataclass(frozen=True, eq=False)
class DominanceResult:
    """Who leads, for how much of the space of weights, and where the order flips.

    Attributes
    ----------
    a, b : hashable
        The two units compared.
    share : float
        Share of the weights (uniform on the simplex of each varying group of siblings)
        where ``a`` scores at least as high as ``b`` in the index.
    method : {"exact", "monte_carlo"}
        How ``share`` was obtained.
    standard_error : float or None
        Monte Carlo standard error ``sqrt(share (1 - share) / n)``; ``None`` when exact.
    n : int or None
        Number of Monte Carlo draws (``None`` when exact).
    seed : int, numpy.random.SeedSequence or None
        The seed that reproduces the draws (the entropy drawn when none was given; ``None``
        when exact).
    root : str
        The index node whose scores are compared.
    groups : tuple of tuple of str
        The varying groups of siblings (their weights sum to 1 within each group).
    parents : tuple of str
        The aggregate above each group.
    nominal_gap : float
        Index score of ``a`` minus that of ``b`` at the nominal weights.
    nonlinear : tuple of str
        Why the index is not affine in these weights (empty when it is). Then there is no
        separating hyperplane, and the flips in :attr:`thresholds` were located numerically.
    thresholds : pandas.DataFrame
        One row per node of a varying group, for the one-weight path that gives the node the
        share ``t`` of its group and its siblings ``1 - t`` in their nominal proportions (all
        other weights nominal): ``nominal`` (the node's nominal share), ``vertex_gap`` (the gap
        when the node has all its group's weight), ``flip_at`` (the share where the order
        flips, ``NaN`` if it does not) and ``a_leads`` (``"above"`` or ``"below"`` the flip,
        ``"always"``, ``"never"``, or ``"several"`` when the order changes more than once
        along the path).
    """

    a: Any
    b: Any
    share: float
    method: str
    standard_error: float | None
    n: int | None
    seed: int | np.random.SeedSequence | None
    root: str
    groups: tuple[tuple[str, ...], ...]
    parents: tuple[str, ...]
    nominal_gap: float
    nonlinear: tuple[str, ...]
    thresholds: pd.DataFrame

    @property
    def linear(self) -> bool:
        """Whether the index is affine in the varying weights (for these two units)."""
        return not self.nonlinear

    @property
    def vertex_gaps(self) -> pd.Series:
        """Gap ``a - b`` with all of a group's weight on one node (the other groups nominal).

        For an affine index these are the coefficients ``d`` of the separating hyperplane
        ``sum_j w_j d_j = 0``; for a non-linear one they are limits at the vertices."""
        return self.thresholds["vertex_gap"]

    @property
    def nominal_weights(self) -> pd.Series:
        """Nominal weights of the varying nodes, normalised within their groups."""
        return self.thresholds["nominal"]

    @property
    def leader(self) -> Any:
        """The unit ahead at the nominal weights (``a`` on a tie)."""
        return self.a if self.nominal_gap >= 0 else self.b

    @property
    def hyperplane(self) -> str | None:
        """The equation of the weights where the two units tie (``None`` if non-linear).

        With one group it is ``sum_j d_j w_j = 0``; with several, whose weights each sum to 1,
        ``sum_j d_j w_j = (G - 1) * nominal_gap``. ``a`` leads where the left side is at
        least the right side."""
        if not self.linear:
            return None
        gaps = self.vertex_gaps
        lhs = " ".join(_term(float(v), str(c), i == 0) for i, (c, v) in enumerate(gaps.items()))
        extra = sum(1 for g in self.groups if len(g) > 1) - 1
        return f"{lhs} = {extra * self.nominal_gap:.6g}" if extra else f"{lhs} = 0"

    @property
    def edges(self) -> pd.DataFrame:
        """Where the separating hyperplane crosses the edges of the simplex (one group, affine
        index): for each node ``i`` where ``a`` leads at the vertex and each ``j`` where ``b``
        does, the share of ``i`` on the edge between them (only ``i`` and ``j`` weighted) at
        which the order flips; ``a`` leads above it."""
        free = [g for g in self.groups if len(g) > 1]
        columns = ["a_vertex", "b_vertex", "flip_at"]
        if not self.linear or len(free) != 1:
            return pd.DataFrame(columns=columns)
        d = self.vertex_gaps
        rows = [
            (i, j, float(-d[j] / (d[i] - d[j])))
            for i in d.index[d >= 0] for j in d.index[d < 0]
        ]
        return pd.DataFrame(rows, columns=columns)

    def statement(self) -> str:
        """The answer in words: who leads, for what share, and where the order flips."""
        a, b = self.a, self.b
        free = [g for g in self.groups if len(g) > 1]
        lines = []
        if self.method == "exact":
            how = "exact"
        else:
            how = f"Monte Carlo, n={self.n:,}, standard error {self.standard_error:.2g}"
        lines.append(
            f"{a} scores at least as high as {b} on {self.share:.4f} of the weights ({how})."
        )
        if self.nominal_gap == 0:
            lines.append("At the nominal weights they tie.")
        else:
            other = b if self.leader == a else a
            lines.append(
                f"At the nominal weights {self.leader} leads {other} by "
                f"{abs(self.nominal_gap):.4g} ({self.root} points)."
            )
        if not self.linear:
            lines.append(
                "The order does not flip on a hyperplane: " + "; ".join(self.nonlinear[:3])
                + ("; ..." if len(self.nonlinear) > 3 else "") + "."
            )
            return "\n".join(lines)
        d = self.vertex_gaps
        if (d == 0).all():
            lines.append(f"{a} and {b} score the same whatever these weights.")
        elif len(free) == 1 and len(free[0]) == 2:
            lines.append(self._two_nodes(d))
        elif len(free) == 1:
            ahead = [str(c) for c in d.index[d >= 0]]
            behind = [str(c) for c in d.index[d < 0]]
            lines.append(f"The order flips on the hyperplane {self.hyperplane} "
                         f"({a} leads where the left side is >= 0).")
            lines.append(
                f"With all the weight on one node, {a} leads at {', '.join(ahead) or 'none'}; "
                f"{b} at {', '.join(behind) or 'none'}."
            )
        else:
            lines.append(
                f"The order flips on the hyperplane {self.hyperplane} ({a} leads where the left "
                "side is at least the right side; each group's weights sum to 1)."
            )
        return "\n".join(lines)

    def _two_nodes(self, d: pd.Series) -> str:
        a, b = self.a, self.b
        (p, dp), (q, dq) = sorted(d.items(), key=lambda kv: -kv[1])
        if dq >= 0:
            return f"{a} scores at least as high as {b} whatever the weights of {p} and {q}."
        if dp < 0:
            return f"{b} leads {a} whatever the weights of {p} and {q}."
        t = -dq / (dp - dq)
        return (
            f"{a} scores at least as high as {b} whenever {p} weighs at least {t:.4g} (as a "
            f"share of {p} + {q}), i.e. {q} at most {1 - t:.4g}; below that, {b} leads."
        )

    def __repr__(self) -> str:
        groups = "; ".join(
            f"{len(g)} children of '{p}'"
            for g, p in zip(self.groups, self.parents, strict=True) if len(g) > 1
        )
        lines = [f"<DominanceResult {self.a} vs {self.b}: weights of {groups}>"]
        lines += ["  " + s for s in self.statement().splitlines()]
        how = "" if self.linear else " (located numerically)"
        lines.append(f"  One weight at a time, its siblings in nominal proportions{how}:")
        lines.append(f"    {'node':<14} {'nominal':>8} {'vertex gap':>11} {self.a} leads")
        for code, row in self.thresholds.iterrows():
            lead = row["a_leads"]
            if lead in ("above", "below"):
                lead = f"{lead} {row['flip_at']:.4g}"
            elif lead == "several":
                lead = "changes several times"
            lines.append(
                f"    {code!s:<14} {row['nominal']:>8.4g} {row['vertex_gap']:>11.4g} {lead}"
            )
        return "\n".join(lines)


# ------------------------------------------------------------------------ public API

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: the share and the flip thresholds."""
        from spindex._html import repr_html

        facts: list[tuple[str, Any]] = [
            (f"share of the weights where {self.a} scores at least as high as {self.b}",
             self.share), ("method", self.method.replace("_", " "))]
        if self.standard_error is not None:
            facts.append(("standard error", self.standard_error))
        return repr_html(f"DominanceResult: {self.a} vs {self.b}", facts, self.thresholds,
                         index_label="node", dash="the order does not flip")
def _prepare(
    model: Any, data: Any, level: int | str | None, node: str | None, method: Any, n: Any,
    block_size: Any, seed: Any, executor: Any, owner: str,
) -> tuple[_Selection, CompiledModel, pd.Index, tuple[int, int, np.random.SeedSequence | None]]:
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(
            f"model must be a CompositeIndex; got {type(model).__name__}."
        )
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    run = _check_run(method, n, block_size, seed, executor, owner)
    sel = _select(model.framework, level, node)
    compiled = CompiledModel([model], data, sel.nodes)
    units = pd.Index(compiled.units, name=compiled.nominal_scores[0].index.name)
    return sel, compiled, units, run


def _require_scores(compiled: CompiledModel, units: pd.Index, labels: Sequence[Any]) -> None:
    root = compiled.framework.root
    index = compiled.nominal_scores[0][root].to_numpy(dtype=float)
    lacking = [u for u, i in zip(labels, units.get_indexer(pd.Index(labels)), strict=True)
               if np.isnan(index[i])]
    if lacking:
        raise DataError(
            f"Unit(s) {lacking} have no '{root}' score (too few indicators for the model's "
            "min_coverage), so they cannot be compared. Drop them from the data or lower "
            "min_coverage."
        )


def _exact_or_explain(sel: _Selection, reasons: list[str], method: str) -> None:
    if method != "exact":
        return
    if reasons:
        shown = "; ".join(reasons[:4]) + ("; ..." if len(reasons) > 4 else "")
        raise MethodError(
            "The exact dominance share needs index scores that are linear in the weights of "
            f"{sel.describe()}, but here {shown}. Use method='monte_carlo' for an estimate with "
            "its standard error (or impute the missing values, or use the arithmetic mean)."
        )
    if len(sel.free) > 1:
        raise MethodError(
            f"The weights of {sel.describe()} form several groups of siblings, each on its own "
            "simplex; the exact share is available for one simplex only. Use "
            f"method='monte_carlo' for the product of simplices, or node='{sel.parents[0]}' (say) "
            "to vary one group with the others fixed."
        )


def dominance(
    model: CompositeIndex,
    data: pd.DataFrame,
    a: Hashable,
    b: Hashable,
    level: int | str | None = None,
    *,
    node: str | None = None,
    method: Method = "exact",
    n: int = 10_000,
    seed: int | np.random.SeedSequence | None = None,
    executor: Executor | None = None,
    block_size: int = 16_384,
) -> DominanceResult:
    """Share of the weights where unit ``a`` scores at least as high as unit ``b``.

    The weights of one level (or of one aggregate's children) vary uniformly on the simplex
    -- every weighting equally likely, as in SMAA -- while the rest of the model stays as it
    is: the scores of the level's nodes are those of ``model.score(data)``. For an arithmetic
    aggregation the answer is exact (see :func:`simplex_share`) and comes with the weights at
    which the order flips: the separating hyperplane, its crossings of the simplex's edges
    and, for two nodes, a single threshold ("Japan leads whenever aid weighs at least ...").

    Parameters
    ----------
    model : CompositeIndex
        The model; its other weights and methods stay fixed.
    data : pandas.DataFrame
        The data it scores (units as the index).
    a, b : hashable
        Labels of the two units (rows of ``data``).
    level : int or str, optional
        The level whose weights vary, as in :meth:`Framework.level`. Default: the children
        of the root. A level with several groups of siblings varies each group on its own
        simplex (a product of simplices).
    node : str, optional
        Instead of ``level``: vary the weights of this aggregate's children only.
    method : {"exact", "monte_carlo"}, default "exact"
        ``"exact"`` needs the index to be affine in these weights: the arithmetic mean at
        the group's parent and every node above it, and ``a`` and ``b`` not lacking some of
        the group's nodes (the weights would then be renormalised over the nodes they have,
        a ratio of weights). It also needs a single group. ``"monte_carlo"`` estimates the
        share from ``n`` draws with the compiled model, for any power-mean model.
    n : int, default 10000
        Monte Carlo draws (the standard error is at most ``0.5 / sqrt(n)``).
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of the Monte Carlo streams (a non-negative integer or a SeedSequence; a
        Generator is refused, as it could not be recorded): the same seed gives the same
        estimate whatever ``block_size`` and ``executor``. Without one, fresh entropy is
        drawn and recorded in :attr:`DominanceResult.seed`.
    executor : concurrent.futures.Executor, optional
        Runs Monte Carlo blocks in parallel (a process pool, a dask client's executor).
    block_size : int, default 16384
        Draws per block.

    Returns
    -------
    DominanceResult

    Raises
    ------
    ParameterError
        If ``a`` or ``b`` is not a unit of the data or they are the same, the level has a
        single node or only part of a group of siblings, or ``method``, ``n``,
        ``block_size`` or ``seed`` is invalid; if the executor is shut down, breaks or
        cannot pickle the model (the message names the block).
    SpindexTypeError
        If ``n``, ``block_size``, ``seed`` or ``executor`` has the wrong type.
    MethodError
        If ``method="exact"`` and the index is not affine in the weights, or the level has
        several groups of siblings: the message points to ``method="monte_carlo"``.
    DataError
        If ``a`` or ``b`` has no index score.

    See Also
    --------
    dominance_matrix : the shares for every pair of units.
    spindex.analysis.smaa.smaa : rank acceptability of every unit.

    References
    ----------
    Gerber, L. (1981). The volume cut off a simplex by a half-space. J. Approx. Theory 31(4),
    379-383. de Boor, C. (2005). Divided differences. Surveys in Approximation Theory 1,
    46-69. Lahdelma, R., Hokkanen, J. and Salminen, P. (1998). SMAA - Stochastic multiobjective
    acceptability analysis. European Journal of Operational Research 106(1), 137-143.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> from spindex.analysis.dominance import dominance
    >>> fw = sp.Framework.from_dict({"code": "Index",
    ...                              "children": [{"code": "Aid"}, {"code": "Opinion"}]})
    >>> data = pd.DataFrame({"Aid": [80.0, 40.0, 10.0], "Opinion": [30.0, 60.0, 50.0]},
    ...                     index=["China", "Japan", "Korea"])
    >>> res = dominance(sp.CompositeIndex(fw, normalize="none"), data, "Japan", "China")
    >>> round(res.share, 6)  # 3/7
    0.428571
    >>> print(res.statement().splitlines()[-1])
    Japan scores at least as high as China whenever Opinion weighs at least 0.5714
    (as a share of Opinion + Aid), i.e. Aid at most 0.4286; below that, China leads.
    """
    sel, compiled, units, (n, block_size, seed_seq) = _prepare(
        model, data, level, node, method, n, block_size, seed, executor, "dominance")
    ia, ib = _check_units(units, a, b)
    if ia == ib:
        raise ParameterError(
            f"a and b are the same unit ({a!r}); a unit always scores as high as itself."
        )
    _require_scores(compiled, units, [a, b])
    scores = compiled.nominal_scores[0]
    reasons = _nonlinearity(model, scores, sel, [a, b])
    _exact_or_explain(sel, reasons, method)
    w0 = _nominal_shares(model.framework, sel)
    paths = _paths(compiled, sel, w0)
    if reasons:
        thresholds = _numeric_thresholds(compiled, w0, paths, ia, ib)
    else:
        W, labels = _rows_with_vertices(compiled, sel)
        vertex = compiled.evaluate(W)
        alpha = pd.Series(vertex[:, ia] - vertex[:, ib], index=labels)
        thresholds = _linear_thresholds(alpha, w0, paths)
    root = model.framework.root
    index = scores[root].to_numpy(dtype=float)
    gap = float(index[ia] - index[ib])
    if method == "exact":
        share = float(simplex_share(thresholds["vertex_gap"].to_numpy()))
        se: float | None = None
        n_used: int | None = None
        entropy: int | np.random.SeedSequence | None = None
    else:
        assert seed_seq is not None
        count = _monte_carlo(compiled, sel, (ia, ib), n, seed_seq, executor, block_size,
                             "dominance")
        entropy = seed_record(seed, seed_seq)
        share = float(count) / n
        se = float(np.sqrt(share * (1.0 - share) / n))
        n_used = n
    return DominanceResult(
        a=a, b=b, share=share, method=method, standard_error=se, n=n_used, seed=entropy,
        root=root, groups=sel.groups, parents=sel.parents, nominal_gap=gap,
        nonlinear=tuple(reasons), thresholds=thresholds,
    )


def dominance_matrix(
    model: CompositeIndex,
    data: pd.DataFrame,
    level: int | str | None = None,
    *,
    node: str | None = None,
    method: Method = "exact",
    n: int = 10_000,
    seed: int | np.random.SeedSequence | None = None,
    executor: Executor | None = None,
    block_size: int = 16_384,
) -> pd.DataFrame:
    """Dominance shares for every ordered pair of units.

    Entry ``(a, b)`` is the share of the weights where ``a`` scores at least as high as
    ``b`` (see :func:`dominance` for the parameters, which have the same meaning). The
    diagonal is 1, and ``M + M.T`` is 1 off the diagonal unless two units tie for every
    weighting (then both entries are 1). With ``method="monte_carlo"`` every pair is
    estimated from the same draws.

    Returns
    -------
    pandas.DataFrame
        Units x units, index named ``"a"`` and columns ``"b"``; ``attrs`` records the
        ``method``, ``n`` and ``seed``.

    Raises
    ------
    MethodError
        If ``method="exact"`` and the index is not affine in these weights for some unit,
        or the level has several groups of siblings (use ``method="monte_carlo"``).
    DataError
        If a unit has no index score.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> from spindex.analysis.dominance import dominance_matrix
    >>> fw = sp.Framework.from_dict({"code": "Index",
    ...                              "children": [{"code": "Aid"}, {"code": "Opinion"}]})
    >>> data = pd.DataFrame({"Aid": [80.0, 40.0, 10.0], "Opinion": [30.0, 60.0, 50.0]},
    ...                     index=["China", "Japan", "Korea"])
    >>> dominance_matrix(sp.CompositeIndex(fw, normalize="none"), data).round(3)
    b      China  Japan  Korea
    a
    China  1.000  0.571  0.778
    Japan  0.429  1.000  1.000
    Korea  0.222  0.000  1.000
    """
    sel, compiled, units, (n, block_size, seed_seq) = _prepare(
        model, data, level, node, method, n, block_size, seed, executor, "dominance_matrix")
    _require_scores(compiled, units, list(units))
    reasons = _nonlinearity(model, compiled.nominal_scores[0], sel, list(units))
    _exact_or_explain(sel, reasons, method)
    k = len(units)
    attrs: dict[str, Any] = {"method": method}
    if method == "exact":
        W, _ = _rows_with_vertices(compiled, sel)
        vertex = compiled.evaluate(W)  # vertices x units
        gaps = vertex.T[:, None, :] - vertex.T[None, :, :]  # a x b x vertices
        share = simplex_share(gaps.reshape(k * k, -1)).reshape(k, k)
    else:
        assert seed_seq is not None
        counts = _monte_carlo(compiled, sel, None, n, seed_seq, executor, block_size,
                              "dominance_matrix")
        share = counts / n
        attrs.update(n=n, seed=seed_record(seed, seed_seq))
    out = pd.DataFrame(share, index=units.rename("a"), columns=units.rename("b"))
    out.attrs.update(attrs)
    return out
