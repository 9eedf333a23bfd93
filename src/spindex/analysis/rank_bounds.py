"""Exact rank bounds: the best and the worst rank each unit can reach over a set of weights.

For an arithmetic aggregation of fixed normalised values, the index is affine in the weights
of one level: with ``s`` the shares of the varying nodes (summing to 1 within each group of
siblings, or, with ``effective=True``, the nodes' shares of the whole index, summing to 1
over the level), every unit's score is linear in them, ``y_u(s) = C_u . s``. The
coefficients come from the compiled engine evaluated at the vertices of the simplex (all of
a group's weight on one node, every other weight nominal): with ``V_gj`` those scores and
``y0`` the nominal ones, ``y(s) = y0 + sum_g sum_j s_gj (V_gj - y0)``, which is ``C s`` with
``C_gj = V_gj - y0 (1 - 1/G)`` for ``G`` groups.

The weight set is the polytope ``P`` of shares within box bounds and linear constraints (the
OECD/JRC Handbook's advice of bounding each pillar's weight is a box; ``bounds=phi`` is
exactly the set of shares that ``uncertainty(weights=phi)`` samples, whose raw weights are
within ``+-phi`` of nominal: ``s_i / s_j`` between ``w_i (1 - phi) / (w_j (1 + phi))`` and
``w_i (1 + phi) / (w_j (1 - phi))``, linear in ``s``). The rank of unit ``t`` is one plus the
number of units strictly above it (ties share the best rank), so its best rank over ``P`` is
the mixed-integer programme

    min sum_u z_u   s.t.  y_u(s) - y_t(s) <= M_u z_u,  z_u in {0, 1},  s in P,

and its worst rank maximises the same count with ``y_u(s) - y_t(s) >= eps - m_u (1 - z_u)``.
``M_u`` and ``m_u`` are the largest and smallest gaps over the simplex (over its vertices,
a valid bound because ``P`` lies in it), so the big-M relaxation is as tight as the data
allow. Units that can never be above ``t`` or always are drop out before the solver runs.
Gaps are scaled by the range of the vertex scores; ``eps = 1e-6`` of that range, above the
solver's feasibility tolerance (1e-7), so a unit the programme puts above ``t`` is strictly
above it. Every reported rank is re-scored through the compiled engine at the returned
weights with the library's tie rule.

Otherwise (another aggregator on the path to the index, or units lacking some of the varying
nodes, whose weights are then renormalised), the bounds are the extremes reached by ``n``
Monte Carlo draws from the same set: ranks actually reached, so an inner bound, with its
error stated as the share of the weight set that may hold a rank outside the range
(``1 - 0.05 ** (1 / n)`` at 95 % confidence, the "rule of three").

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
   Guide*. OECD Publishing, Paris (section 6 on weights; bounds on pillar weights).
.. [2] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity
   analysis techniques as tools for the quality assessment of composite indicators. *JRSS A*
   168(2), 307-323.
.. [3] Huangfu, Q. and Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
   *Mathematical Programming Computation* 10(1), 119-142 (HiGHS).
.. [4] Hanley, J. A. and Lippman-Hand, A. (1983). If nothing goes wrong, is everything all
   right? *JAMA* 249(13), 1743-1745 (the rule of three).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from spindex._ranking import rank_rows
from spindex.analysis._engine import CompiledModel, chunk_generator, map_chunks
from spindex.analysis._runs import check_count, check_seed
from spindex.analysis.dominance import (
    _check_units,
    _nonlinearity,
    _require_scores,
    _select,
    _Selection,
)
from spindex.errors import MethodError, ParameterError, SpindexTypeError, SpindexWarning
from spindex.framework import Framework
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

# SciPy is imported inside the functions that use it: `import spindex` (and so each CLI
# process) then costs no SciPy import, of which scipy.stats alone takes about 0.7 s.
if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint

__all__ = ["RankBounds", "rank_bounds"]

Method = Literal["auto", "exact", "monte_carlo"]

#: Margin (share of the score range) by which a unit counted above another must lead it.
_EPS = 1e-6
#: Gaps below this share of the score range count as ties when units are screened.
_TIE = 1e-9
#: Monte Carlo candidates per accepted draw below which the weight set counts as too thin.
_MIN_ACCEPTANCE = 1e-3
#: HiGHS (SciPy 1.17) now and then stops on a small degenerate programme with "Solve error"
#: (status 4), with or without presolve, and solves the same programme with its gap rows
#: scaled by a power of two: the attempts, in order, as (options, row scale). The scales
#: are exact, and at least 1: HiGHS's feasibility tolerance is absolute, so a scale below
#: 1 would loosen it in the rows' own units.
_HIGHS_ATTEMPTS: tuple[tuple[dict[str, Any] | None, float], ...] = (
    (None, 1.0), ({"presolve": False}, 1.0), (None, 2.0), ({"presolve": False}, 2.0),
    (None, 8.0),
)


# ------------------------------------------------------------------------ the weight set
@dataclass(frozen=True)
class _Space:
    """The polytope of shares ``s``: groups summing to 1, box bounds, rows ``lo <= A s <= hi``."""

    nodes: tuple[str, ...]
    groups: tuple[np.ndarray, ...]
    parents: tuple[str, ...]
    nominal: FloatArray
    low: FloatArray
    high: FloatArray
    A: FloatArray
    lo: FloatArray
    hi: FloatArray
    effective: bool
    #: With ``bounds=phi``: the relative half-width of the raw weights around nominal.
    phi: float | None = None

    def contains(self, S: FloatArray, tol: float = 1e-9) -> np.ndarray:
        """Rows of ``S`` inside the set (used by rejection sampling)."""
        ok = np.all((self.low - tol <= S) & (self.high + tol >= S), axis=1)
        if len(self.A):
            AS = S @ self.A.T
            ok &= np.all((self.lo - tol <= AS) & (self.hi + tol >= AS), axis=1)
        return np.asarray(ok)


def _nominal_shares(fw: Framework, sel: _Selection, effective: bool) -> FloatArray:
    if effective:
        return fw.effective_weights("all").reindex(list(sel.nodes)).to_numpy(dtype=float)
    return fw.normalized_weights().reindex(list(sel.nodes)).to_numpy(dtype=float)


def _pair(value: Any, what: str) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The bounds of {what} must be a pair (low, high) of shares; got {value!r}."
        ) from None
    if not 0.0 <= low <= high <= 1.0:
        raise ParameterError(
            f"The bounds of {what} are on its share, so they must satisfy 0 <= low <= high <= 1;"
            f" got {value!r}."
        )
    return low, high


def _ratio_rows(nominal: FloatArray, groups: Sequence[np.ndarray], phi: float,
                k: int) -> FloatArray:
    """Rows ``a_i s_j - b_j s_i <= 0``: the shares of raw weights within ``+-phi`` of nominal."""
    rows = []
    for g in groups:
        a, b = nominal[g] * (1.0 - phi), nominal[g] * (1.0 + phi)
        for i in range(len(g)):
            for j in range(len(g)):
                if i != j:
                    row = np.zeros(k)
                    row[g[j]] += a[i]
                    row[g[i]] -= b[j]
                    rows.append(row)
    return np.array(rows).reshape(-1, k)


def _space(fw: Framework, sel: _Selection, effective: bool, bounds: Any,
           constraints: Any) -> _Space:
    nodes = sel.nodes
    k = len(nodes)
    position = {c: i for i, c in enumerate(nodes)}
    if effective:
        groups: tuple[np.ndarray, ...] = (np.arange(k),)
        parents: tuple[str, ...] = (fw.root,)
    else:
        groups = tuple(np.array([position[c] for c in g]) for g in sel.groups)
        parents = sel.parents
    nominal = _nominal_shares(fw, sel, effective)
    low, high = np.zeros(k), np.ones(k)
    rows: list[FloatArray] = []
    lo: list[float] = []
    hi: list[float] = []
    if bounds is None:
        pass
    elif isinstance(bounds, (int, float, np.floating)) and not isinstance(bounds, bool):
        phi = float(bounds)
        if not 0.0 <= phi < 1.0:
            raise ParameterError(
                f"The 'bounds' parameter of rank_bounds, as a number phi (raw weights within "
                f"+-phi of nominal), must be in [0, 1); got {bounds!r}."
            )
        if effective:
            raise ParameterError(
                "bounds=phi is the set of shares whose raw weights lie within +-phi of nominal "
                "in each group of siblings; with effective=True the shares are products of "
                "several groups' weights, which that set does not bound linearly. Give bounds "
                "as {code: (low, high)} on the nodes' shares of the index, or use "
                "effective=False."
            )
        ratio = _ratio_rows(nominal, groups, phi, k)
        rows.extend(ratio)
        lo.extend([-np.inf] * len(ratio))
        hi.extend([0.0] * len(ratio))
    elif isinstance(bounds, Mapping):
        for code, pair in bounds.items():
            if code not in position:
                raise ParameterError(
                    f"bounds names '{code}', which is not among the varying weights "
                    f"{list(nodes)}. Bound only those nodes."
                )
            low[position[code]], high[position[code]] = _pair(pair, f"'{code}'")
    elif isinstance(bounds, tuple) and len(bounds) == 2:
        lo_all, hi_all = _pair(bounds, "every weight")
        low[:], high[:] = lo_all, hi_all
    else:
        raise SpindexTypeError(
            "The 'bounds' parameter of rank_bounds must be None (the whole simplex), a number "
            "phi (raw weights within +-phi of nominal, the set uncertainty(weights=phi) "
            "samples), a pair (low, high) for every share, or a mapping {code: (low, high)}; "
            f"got {bounds!r}."
        )
    for row, a, b in _constraint_rows(constraints, nodes):
        rows.append(row)
        lo.append(a)
        hi.append(b)
    A = np.array(rows, dtype=float).reshape(-1, k)
    phi_used = float(bounds) if isinstance(bounds, (int, float, np.floating)) and not \
        isinstance(bounds, bool) else None
    space = _Space(nodes, groups, parents, nominal, low, high, A, np.array(lo, dtype=float),
                   np.array(hi, dtype=float), effective, phi_used)
    _check_feasible(space)
    return space


def _constraint_rows(constraints: Any, nodes: tuple[str, ...]) -> list[tuple[FloatArray, float,
                                                                             float]]:
    from scipy.optimize import LinearConstraint
    if constraints is None:
        return []
    if isinstance(constraints, LinearConstraint) or (
        isinstance(constraints, tuple) and len(constraints) == 3
        and isinstance(constraints[0], Mapping)
    ):
        constraints = [constraints]
    if not isinstance(constraints, Sequence) or isinstance(constraints, str):
        raise SpindexTypeError(
            "The 'constraints' parameter of rank_bounds must be a sequence of constraints, each "
            "({code: coefficient}, low, high) or a scipy.optimize.LinearConstraint over the "
            f"shares in the order {list(nodes)}; got {type(constraints).__name__}."
        )
    k = len(nodes)
    out: list[tuple[FloatArray, float, float]] = []
    for i, c in enumerate(constraints):
        if isinstance(c, LinearConstraint):
            A = np.atleast_2d(np.asarray(c.A, dtype=float))
            if A.shape[1] != k:
                raise ParameterError(
                    f"Constraint {i} has {A.shape[1]} columns; it needs one per varying weight "
                    f"({k}: {list(nodes)})."
                )
            lb = np.broadcast_to(np.asarray(c.lb, dtype=float), (A.shape[0],))
            ub = np.broadcast_to(np.asarray(c.ub, dtype=float), (A.shape[0],))
            out.extend((A[r], float(lb[r]), float(ub[r])) for r in range(A.shape[0]))
            continue
        if not (isinstance(c, tuple) and len(c) == 3 and isinstance(c[0], Mapping)):
            raise SpindexTypeError(
                f"Constraint {i} must be ({{code: coefficient}}, low, high) (low or high may be "
                f"None) or a scipy.optimize.LinearConstraint; got {c!r}."
            )
        coef, a, b = c
        row = np.zeros(k)
        for code, value in coef.items():
            if code not in nodes:
                raise ParameterError(
                    f"Constraint {i} names '{code}', which is not among the varying weights "
                    f"{list(nodes)}."
                )
            row[nodes.index(code)] = float(value)
        a = -np.inf if a is None else float(a)
        b = np.inf if b is None else float(b)
        if np.isnan(a) or np.isnan(b) or a > b:
            raise ParameterError(f"Constraint {i} needs low <= high; got low={a}, high={b}.")
        out.append((row, a, b))
    return out


def _weight_constraints(space: _Space, n_extra: int) -> list[LinearConstraint]:
    """The set ``P`` as constraints on ``[s, z]`` with ``n_extra`` trailing variables."""
    from scipy.optimize import LinearConstraint
    k = len(space.nodes)
    E = np.zeros((len(space.groups), k + n_extra))
    for r, g in enumerate(space.groups):
        E[r, g] = 1.0
    out = [LinearConstraint(E, 1.0, 1.0)]
    if len(space.A):
        out.append(LinearConstraint(np.hstack([space.A, np.zeros((len(space.A), n_extra))]),
                                    space.lo, space.hi))
    return out


def _check_feasible(space: _Space) -> None:
    from scipy.optimize import milp
    k = len(space.nodes)
    res = milp(np.zeros(k), constraints=_weight_constraints(space, 0),
               bounds=(space.low, space.high))
    if res.status != 0 or res.x is None:
        raise ParameterError(
            "No weights meet the bounds and constraints together (the shares of each group "
            "must sum to 1): loosen them. Weights: " + ", ".join(space.nodes) + "."
        )


# ----------------------------------------------------------------- weights for the engine
def _raw_weights(compiled: CompiledModel, space: _Space, S: FloatArray) -> FloatArray:
    """Raw weight rows (every node of the framework) that give the shares ``S``."""
    fw = compiled.framework
    W = np.tile(compiled.nominal_weights, (len(S), 1))
    cols = [compiled.position(c) for c in space.nodes]
    if not space.effective:
        W[:, cols] = S
        return W
    # A node's raw weight is its share of the index (the sum of the shares below it), so each
    # group's normalised weights multiply down to the wanted shares; a group whose parent has
    # no share keeps its nominal weights (any positive ones give the same scores).
    above = [c for c in fw.codes if c != fw.root and any(
        a == c for n in space.nodes for a in (n, *fw.ancestors(n)))]
    mass = np.zeros((len(above), len(space.nodes)))
    for r, c in enumerate(above):
        for j, n in enumerate(space.nodes):
            mass[r, j] = c == n or c in fw.ancestors(n)
    M = S @ mass.T
    index = {c: r for r, c in enumerate(above)}
    for parent in {fw.parent(c) for c in above}:
        kids = list(fw.children(parent))
        block = M[:, [index[c] for c in kids]]
        empty = ~(block.sum(axis=1) > 0)
        pos = [compiled.position(c) for c in kids]
        W[:, pos] = np.where(empty[:, None], compiled.nominal_weights[pos][None, :], block)
    return W


def _varying(fw: Framework, sel: _Selection, effective: bool) -> tuple[str, ...]:
    if not effective:
        return sel.nodes
    chosen = {a for n in sel.nodes for a in (n, *fw.ancestors(n))} - {fw.root}
    return tuple(c for c in fw.codes if c in chosen)


def _check_cut(fw: Framework, sel: _Selection, level: Any) -> None:
    """With effective shares the level must split the index: one node on each path."""
    chosen = set(sel.nodes)
    for ind in fw.indicators:
        hits = [c for c in (ind, *fw.ancestors(ind)) if c in chosen]
        if len(hits) != 1:
            raise ParameterError(
                f"effective=True needs a level that every indicator reaches the index through "
                f"exactly once, but indicator '{ind}' passes through {len(hits)} nodes of level "
                f"{level!r}. Choose a level that splits the whole tree (the shares then sum to "
                "1), or effective=False."
            )


# ---------------------------------------------------------------------- the programmes
def _linear_model(compiled: CompiledModel, space: _Space) -> tuple[FloatArray, FloatArray]:
    """``y0`` (units, nominal scores) and ``C`` (units x k) with ``y(s) = C s``.

    From the vertex scores ``V_gj``: ``y(s) = y0 + sum_g sum_j s_gj (V_gj - y0)``, and as each
    group's shares sum to 1 the constant spreads over the ``G`` groups, ``C_gj = V_gj - y0 +
    y0 / G`` -- for one group the vertex scores themselves. A homogeneous form keeps the
    programmes' right-hand sides zero."""
    k = len(space.nodes)
    S0 = space.nominal[None, :]
    rows = []
    for g in space.groups:
        for j in g:
            s = space.nominal.copy()
            s[g] = 0.0
            s[j] = 1.0
            rows.append(s)
    order = np.concatenate(space.groups)
    scores = compiled.evaluate(_raw_weights(compiled, space, np.vstack([S0, *rows])))
    y0 = scores[0]
    C = np.empty((len(y0), k))
    C[:, order] = (scores[1:] - y0[None, :] * (1.0 - 1.0 / len(space.groups))).T
    return y0, C


def _affine_check(compiled: CompiledModel, space: _Space, y0: FloatArray, C: FloatArray,
                  scale: float) -> bool:
    """The engine agrees with ``C s`` at the centre of each group and at nominal."""
    S = space.nominal.copy()
    for g in space.groups:
        S[g] = 1.0 / len(g)
    probe = np.vstack([space.nominal, S])
    got = compiled.evaluate(_raw_weights(compiled, space, probe))
    want = probe @ C.T
    return bool(np.all(np.abs(got - want) <= 1e-9 * scale))


def _group_extremes(D: FloatArray, c: FloatArray, groups: Sequence[np.ndarray]
                    ) -> tuple[FloatArray, FloatArray]:
    """Largest and smallest of ``c + D s`` over the product of simplices, per row."""
    hi = c.copy()
    lo = c.copy()
    for g in groups:
        hi += D[:, g].max(axis=1)
        lo += D[:, g].min(axis=1)
    return hi, lo


def _solve_unit(t: int, y0: FloatArray, C: FloatArray, space: _Space, scale: float,
                probes: FloatArray, probe_ranks: np.ndarray,
                ) -> tuple[int, FloatArray, int, FloatArray]:
    """Best and worst rank of unit ``t`` with the shares reaching them.

    ``probes`` are shares in the set with the ranks they give (rows x units): when one of
    them already reaches the bound the counting argument allows, no programme is needed."""
    k = len(space.nodes)
    # Gap u - t as c + D s (c = 0 in the homogeneous form), scaled to O(1).
    D = (C - C[t]) / scale
    c = np.zeros(len(y0))
    hi, lo = _group_extremes(D, c, space.groups)
    others = np.arange(len(y0)) != t
    always = others & (lo > _TIE)  # strictly above t for every weighting
    maybe_above = others & (hi > _TIE) & ~always
    can_lead = others & (hi > _EPS) & ~always
    base = 1 + int(always.sum())
    column = probe_ranks[:, t]
    # A probe's rank is reached, so it stands when the programme (whose margins differ from
    # the tie rule by at most the tolerances) finds nothing better.
    best, s_best = int(column.min()), probes[int(column.argmin())]
    if best > base:
        idx = np.flatnonzero(maybe_above)
        count, s = _programme(D[idx], c[idx], hi[idx], None, space, k, minimise=True)
        if base + count < best:
            best, s_best = base + count, s
    worst, s_worst = int(column.max()), probes[int(column.argmax())]
    if worst < base + int(can_lead.sum()):
        idx = np.flatnonzero(can_lead)
        count, s = _programme(D[idx], c[idx], None, lo[idx], space, k, minimise=False)
        if base + count > worst:
            worst, s_worst = base + count, s
    return best, s_best, worst, s_worst


def _probes(space: _Space) -> FloatArray:
    """Shares worth trying before any programme: nominal, the vertices of the simplex and the
    centres of the groups that lie in the set, and a fixed spread of draws from it."""
    rows = [space.nominal]
    for g in space.groups:
        centre = space.nominal.copy()
        centre[g] = 1.0 / len(g)
        rows.append(centre)
        for j in g:
            s = space.nominal.copy()
            s[g] = 0.0
            s[j] = 1.0
            rows.append(s)
    S = np.vstack(rows)
    S = S[space.contains(S)]
    # A fixed seed: the probes only spare programmes, they never change a bound.
    try:
        draws = _draw(space, np.random.default_rng(0), 1024)
    except ParameterError:  # a thin set: the programmes alone will do
        return S
    return np.vstack([S, draws])


def _programme(D: FloatArray, c: FloatArray, hi: FloatArray | None, lo: FloatArray | None,
               space: _Space, k: int, *, minimise: bool) -> tuple[int, FloatArray]:
    from scipy.optimize import LinearConstraint, milp
    m = len(c)
    if m:
        A = np.hstack([D, np.zeros((m, m))])
        if minimise:
            # z_u = 0 forces c_u + D_u s <= 0 (u not above t; a tie is allowed).
            assert hi is not None
            A[:, k:] = -np.diag(hi)
            gap_lb, gap_ub = np.full(m, -np.inf), -c
        else:
            # z_u = 1 forces c_u + D_u s >= eps (u strictly above t).
            assert lo is not None
            slack = _EPS - lo
            A[:, k:] = -np.diag(slack)
            gap_lb, gap_ub = _EPS - c - slack, np.full(m, np.inf)
    objective = np.concatenate([np.zeros(k), np.full(m, 1.0 if minimise else -1.0)])
    integrality = np.concatenate([np.zeros(k), np.ones(m)])
    bounds = (np.concatenate([space.low, np.zeros(m)]), np.concatenate([space.high, np.ones(m)]))
    weights = _weight_constraints(space, m)
    for options, row_scale in _HIGHS_ATTEMPTS:
        # A power of two scales the rows without rounding: the same constraints (to a
        # tolerance no looser than the first attempt's).
        gaps = ([LinearConstraint(A * row_scale, gap_lb * row_scale, gap_ub * row_scale)]
                if m else [])
        res = milp(objective, constraints=[*weights, *gaps], integrality=integrality,
                   bounds=bounds, options=options)
        if res.status != 4:
            break
    if res.status != 0 or res.x is None:
        raise MethodError(
            f"The rank programme could not be solved (HiGHS: {res.message}). "
            'method="monte_carlo" bounds the ranks without it.'
        )
    s = np.clip(res.x[:k], 0.0, 1.0)
    for g in space.groups:
        s[g] /= s[g].sum()
    return round(float(np.sum(np.round(res.x[k:])))), s


# ------------------------------------------------------------------------- Monte Carlo
def _draw(space: _Space, rng: np.random.Generator, m: int) -> FloatArray:
    """``m`` shares from the set: uniform on each simplex above the lower bounds, rejecting
    draws outside the upper bounds and constraints. With ``bounds=phi`` the draws are those of
    ``WeightNoise(phi)`` (raw weights uniform within ``+-phi`` of nominal, renormalised in
    each group), whose support is exactly that set however thin it is."""
    k = len(space.nodes)
    out = np.empty((0, k))
    drawn = 0
    while len(out) < m:
        size = max(64, 2 * (m - len(out)))
        S = np.empty((size, k))
        for g in space.groups:
            if space.phi is not None:
                raw = space.nominal[g] * (1.0 + rng.uniform(-space.phi, space.phi,
                                                            size=(size, len(g))))
                S[:, g] = raw / raw.sum(axis=1, keepdims=True)
                continue
            free = 1.0 - space.low[g].sum()
            S[:, g] = space.low[g] + free * rng.dirichlet(np.ones(len(g)), size=size)
        drawn += size
        out = np.vstack([out, S[space.contains(S)]])
        if drawn >= 200_000 and len(out) < drawn * _MIN_ACCEPTANCE:
            raise ParameterError(
                f"The bounds and constraints leave about {len(out) / drawn:.2g} of the simplex "
                "of weights: too little to sample. Loosen them, or use an arithmetic model for "
                "the exact bounds."
            )
    return out[:m]


@dataclass(frozen=True)
class _Task:
    """Monte Carlo draws of one block (picklable)."""

    compiled: CompiledModel
    space: _Space
    seed: np.random.SeedSequence

    def __call__(self, block: Sequence[tuple[int, int, int]]) -> list[tuple[Any, ...]]:
        out = []
        for chunk, start, stop in block:
            S = _draw(self.space, chunk_generator(self.seed, chunk), stop - start)
            ranks = rank_rows(self.compiled.evaluate(_raw_weights(self.compiled, self.space, S)))
            lo, hi = ranks.argmin(axis=0), ranks.argmax(axis=0)
            cols = np.arange(ranks.shape[1])
            out.append((ranks[lo, cols], S[lo], ranks[hi, cols], S[hi]))
        return out


def _monte_carlo(compiled: CompiledModel, space: _Space, n: int, seed: Any, block_size: int,
                 ) -> tuple[np.ndarray, FloatArray, np.ndarray, FloatArray, int]:
    seed_seq = check_seed(seed, "rank_bounds")
    task = _Task(compiled, space, seed_seq)
    best = worst = s_best = s_worst = None
    for b, sb, w, sw in map_chunks(task, n, block_size=block_size):
        if best is None:
            best, s_best, worst, s_worst = b, sb, w, sw
            continue
        better, worse = b < best, w > worst
        best = np.where(better, b, best)
        worst = np.where(worse, w, worst)
        s_best = np.where(better[:, None], sb, s_best)
        s_worst = np.where(worse[:, None], sw, s_worst)
    assert best is not None and worst is not None and s_best is not None and s_worst is not None
    return best, s_best, worst, s_worst, int(seed_seq.entropy)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ result
@dataclass(frozen=True, eq=False)
class RankBounds:
    """Best and worst rank of each unit over a set of weights, with the weights reaching them.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per unit asked for: ``nominal`` (rank at the nominal weights), ``best`` and
        ``worst`` (1 = first; ties share the best rank, so a unit tied with the leader is
        first).
    weights_best, weights_worst : pandas.DataFrame
        Units x varying nodes: shares at which each unit reaches its best (worst) rank,
        summing to 1 within each group (over the level with ``effective=True``).
    exact : bool
        ``True`` when the bounds are exact (mixed-integer programmes on an affine index);
        ``False`` when they are the extremes reached by Monte Carlo draws.
    method : {"exact", "monte_carlo"}
        How they were obtained.
    nodes : tuple of str
        The varying nodes (columns of the weights).
    groups : tuple of tuple of str
        Groups of shares summing to 1.
    effective : bool
        Whether the shares are the nodes' shares of the whole index.
    nonlinear : tuple of str
        Why the index is not affine in these weights (empty when it is).
    n, seed : int or None
        Monte Carlo draws and the entropy of their seed (``None`` when exact).
    unseen : float or None
        Monte Carlo only: with 95 % confidence, the share of the sampled weight set on which
        a unit has a rank outside its reported range is below this (``1 - 0.05 ** (1 / n)``).
    """

    table: pd.DataFrame
    weights_best: pd.DataFrame
    weights_worst: pd.DataFrame
    exact: bool
    method: str
    nodes: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    effective: bool
    nonlinear: tuple[str, ...]
    n: int | None
    seed: int | None
    unseen: float | None

    def summary(self) -> pd.DataFrame:
        """The table with the width of each range (``worst - best``), widest first."""
        out = self.table.copy()
        out["range"] = out["worst"] - out["best"]
        return out.sort_values(["range", "nominal"], ascending=[False, True], kind="stable")

    def __repr__(self) -> str:
        what = "shares of the index" if self.effective else "shares within their groups"
        how = ("exact (mixed-integer programmes)" if self.exact else
               f"Monte Carlo, n={self.n:,}; unseen share < {self.unseen:.2g} at 95 %")
        lines = [f"<RankBounds: {len(self.table)} units, weights of {len(self.nodes)} nodes "
                 f"({what}); {how}>"]
        lines += ["  " + s for s in self.summary().head(10).to_string().splitlines()]
        if len(self.table) > 10:
            lines.append(f"  ... ({len(self.table)} units in all)")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ public
@dataclass(eq=False)
class _WeightSetting:
    """What rank_bounds and the nearest-flip functions both start from: the weight set, the
    compiled model that varies it, the nominal scores, why the index may not be linear in the
    weights, and (filled by :func:`_linear_fit`) the linear model ``y = y0 + C s``."""

    framework: Framework
    space: _Space
    compiled: CompiledModel
    index: pd.Index
    scores: pd.DataFrame
    reasons: list[str]
    lacking: list[Hashable]
    y0: FloatArray | None = None
    C: FloatArray | None = None
    scale: float = 1.0


def _weight_setting(model: Any, data: Any, node: Any, level: Any, effective: Any, bounds: Any,
                    constraints: Any) -> _WeightSetting:
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(f"model must be a CompositeIndex; got {type(model).__name__}.")
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    if not isinstance(effective, bool):
        raise SpindexTypeError(f"effective must be True or False; got {effective!r}.")
    fw = model.framework
    if effective and node is not None and node != fw.root:
        raise ParameterError(
            f"effective=True varies a level's shares of the index; the children of '{node}' "
            "do not sum to the index. Give level=... (or effective=False)."
        )
    sel = _select(fw, level, node)
    if effective:
        _check_cut(fw, sel, level)
    space = _space(fw, sel, effective, bounds, constraints)
    compiled = CompiledModel([model], data, _varying(fw, sel, effective))
    index = pd.Index(compiled.units, name="unit")
    _require_scores(compiled, index, list(index))
    scores = compiled.nominal_scores[0]
    lacking: list[Hashable] = []
    if effective:
        missing = scores.loc[:, list(sel.nodes)].isna().any(axis=1).to_numpy()
        lacking = list(scores.index[missing])
    return _WeightSetting(fw, space, compiled, index, scores,
                          _nonlinearity(model, scores, sel, list(index)), lacking)


def _linear_fit(setting: _WeightSetting) -> list[str]:
    """Fit ``y = y0 + C s`` and check it by re-scoring; the reason it fails, if it does."""
    y0, C = _linear_model(setting.compiled, setting.space)
    setting.y0, setting.C = y0, C
    setting.scale = float(max(np.ptp(C), 1e-300))
    if not _affine_check(setting.compiled, setting.space, y0, C, setting.scale):
        return ["the scores are not affine in these weights (checked by re-scoring)"]
    return []


def rank_bounds(
    model: CompositeIndex,
    data: pd.DataFrame,
    node: str | None = None,
    *,
    level: int | str | None = None,
    effective: bool = False,
    bounds: Any = None,
    constraints: Any = None,
    units: Sequence[Hashable] | None = None,
    method: Method = "auto",
    n: int = 20_000,
    seed: int | np.random.SeedSequence | None = None,
    block_size: int = 16_384,
) -> RankBounds:
    """Best and worst rank each unit can reach over a set of weights, and the weights.

    The weights of one aggregate's children (``node``), or of one level, vary over a
    polytope: the simplex (shares summing to 1), cut by box bounds and linear constraints;
    the rest of the model stays as it is. For an arithmetic aggregation of the varying
    nodes' fixed scores the bounds are exact (one mixed-integer programme per unit and
    bound, HiGHS through :func:`scipy.optimize.milp`); otherwise they are the extremes of
    ``n`` Monte Carlo draws scored by the compiled model. ``RankBounds.exact`` says which.

    Parameters
    ----------
    model : CompositeIndex
        The model; its methods and other weights stay fixed.
    data : pandas.DataFrame
        The data it scores (units as the index).
    node : str, optional
        Vary the shares of this aggregate's children. Default (with ``level``): the
        children of the root.
    level : int or str, optional
        Instead of ``node``: vary the weights of every node at this level, each group of
        siblings on its own simplex (the upper weights fixed), or, with ``effective=True``,
        the level's shares of the index on one simplex.
    effective : bool, default False
        Vary the nodes' shares of the whole index (their effective weights: the product of
        normalised weights on the path to the root), which sum to 1 over a level that
        splits the tree; the weights above vary with them. For ASEM, ``level=2,
        effective=True`` is the simplex of the eight pillars under the two sub-indices.
    bounds : float, (low, high) or mapping, optional
        ``None``: the whole simplex. A number ``phi`` in [0, 1): the shares whose raw weights
        lie within ``+-phi`` of nominal in each group -- exactly the weights
        ``uncertainty(weights=phi)`` samples (not with ``effective=True``). A pair: bounds on
        every share (``(0, 0.5)``: no node above half). A mapping ``{code: (low, high)}``:
        bounds on those shares.
    constraints : sequence, optional
        Linear constraints on the shares, each ``({code: coefficient}, low, high)`` with
        ``low``/``high`` possibly ``None``, or a :class:`scipy.optimize.LinearConstraint`
        with one column per varying node in the order of :attr:`RankBounds.nodes`.
    units : sequence, optional
        Units whose bounds to compute (default all); every unit takes part in the ranking.
    method : {"auto", "exact", "monte_carlo"}, default "auto"
        ``"auto"`` is exact when the index is affine in these weights, Monte Carlo
        otherwise; ``"exact"`` raises if it is not.
    n : int, default 20000
        Monte Carlo draws.
    seed : int or numpy.random.SeedSequence, optional
        Seed of the draws (the same seed gives the same bounds whatever ``block_size``).
    block_size : int, default 16384
        Draws per block.

    Returns
    -------
    RankBounds

    Raises
    ------
    ParameterError
        For an unknown unit or node, a level with no weight to vary, bounds or constraints
        that no weights meet, or invalid ``method`` or ``n``.
    SpindexTypeError
        For arguments of the wrong type.
    MethodError
        If ``method="exact"`` and the index is not affine in these weights.
    DataError
        If a unit has no index score.

    Notes
    -----
    Ties share the best rank: a unit's rank is one plus the number of units strictly above
    it, so its best rank counts a tie as a win and its worst rank counts only units that
    strictly lead it. In the programmes, gaps below ``1e-9`` of the score range count as
    ties, and a unit counted above another leads it by at least ``1e-6`` of that range. See
    :doc:`/robustness` for the formulation.

    References
    ----------
    OECD/JRC (2008). Handbook on Constructing Composite Indicators. OECD Publishing.
    Saisana, M., Saltelli, A. and Tarantola, S. (2005). JRSS A 168(2), 307-323.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "Index", "children": [
    ...     {"code": "Aid"}, {"code": "Trade"}, {"code": "Opinion"}]})
    >>> data = pd.DataFrame({"Aid": [80.0, 40.0, 10.0], "Trade": [90.0, 60.0, 30.0],
    ...                      "Opinion": [30.0, 60.0, 95.0]}, index=["China", "Japan", "Korea"])
    >>> rb = sp.rank_bounds(sp.CompositeIndex(fw, normalize="none"), data)
    >>> rb.table
           nominal  best  worst
    unit
    China        1     1      3
    Japan        2     2      3
    Korea        3     1      3
    >>> rb.exact
    True
    >>> sp.rank_bounds(sp.CompositeIndex(fw, normalize="none"), data,
    ...                bounds=(0.2, 0.5)).table["best"].tolist()
    [1, 2, 1]
    """
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(f"model must be a CompositeIndex; got {type(model).__name__}.")
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    if method not in ("auto", "exact", "monte_carlo"):
        raise ParameterError(
            "The 'method' parameter of rank_bounds must be one of {'auto', 'exact', "
            f"'monte_carlo'}}. Got {method!r} instead."
        )
    n = check_count(n, "n", "rank_bounds")
    block_size = check_count(block_size, "block_size", "rank_bounds")
    seed = check_seed(seed, "rank_bounds")
    setting = _weight_setting(model, data, node, level, effective, bounds, constraints)
    fw, space, compiled, index = setting.framework, setting.space, setting.compiled, setting.index
    wanted = list(index) if units is None else list(units)
    targets = _check_units(index, *wanted)
    scores = setting.scores
    reasons = list(setting.reasons)
    reasons += [f"unit '{u}' lacks a score at level {level!r}, so the weights above are "
                "renormalised" for u in setting.lacking]
    if not reasons:
        reasons += _linear_fit(setting)
    y0, C, scale = setting.y0, setting.C, setting.scale
    if method == "exact" and reasons:
        shown = "; ".join(reasons[:4]) + ("; ..." if len(reasons) > 4 else "")
        raise MethodError(
            f"Exact rank bounds need index scores affine in the weights, but here {shown}. Use "
            "method='monte_carlo' (or 'auto') for the extremes reached by sampling."
        )
    nominal = rank_rows(scores[fw.root].to_numpy(dtype=float)[None, :])[0]
    k = len(space.nodes)
    exact = not reasons and method != "monte_carlo"
    if exact:
        assert y0 is not None and C is not None
        best = np.empty(len(targets), dtype=int)
        worst = np.empty(len(targets), dtype=int)
        s_best = np.empty((len(targets), k))
        s_worst = np.empty((len(targets), k))
        probes = _probes(space)
        probe_ranks = rank_rows(compiled.evaluate(_raw_weights(compiled, space, probes)))
        for r, t in enumerate(targets):  # one pair of programmes per unit: solver calls
            best[r], s_best[r], worst[r], s_worst[r] = _solve_unit(
                t, y0, C, space, scale, probes, probe_ranks)
        _verify(compiled, space, targets, best, s_best, worst, s_worst, index)
        n_used = entropy = None
        unseen = None
    else:
        b, sb, w, sw, entropy = _monte_carlo(compiled, space, int(n), seed, int(block_size))
        best, s_best = b[targets], sb[targets]
        worst, s_worst = w[targets], sw[targets]
        n_used = int(n)
        unseen = float(1.0 - 0.05 ** (1.0 / n_used))
        # When the nominal weights belong to the set, their ranks are reached too.
        s0 = space.nominal[None, :]
        inside = bool(space.contains(s0)[0])
        up = inside & (nominal[targets] < best)
        down = inside & (nominal[targets] > worst)
        s_best = np.where(up[:, None], s0, s_best)
        s_worst = np.where(down[:, None], s0, s_worst)
        best = np.where(up, nominal[targets], best)
        worst = np.where(down, nominal[targets], worst)
    labels = pd.Index(wanted, name="unit")
    table = pd.DataFrame({"nominal": nominal[targets].astype(int), "best": best.astype(int),
                          "worst": worst.astype(int)}, index=labels)
    cols = pd.Index(space.nodes, name="node")
    return RankBounds(
        table=table,
        weights_best=pd.DataFrame(s_best, index=labels, columns=cols),
        weights_worst=pd.DataFrame(s_worst, index=labels, columns=cols),
        exact=exact, method="exact" if exact else "monte_carlo", nodes=space.nodes,
        groups=tuple(tuple(space.nodes[i] for i in g) for g in space.groups),
        effective=effective, nonlinear=tuple(reasons), n=n_used, seed=entropy, unseen=unseen,
    )


def _verify(compiled: CompiledModel, space: _Space, targets: list[int], best: np.ndarray,
            s_best: FloatArray, worst: np.ndarray, s_worst: FloatArray, index: pd.Index) -> None:
    """Re-score the returned weights through the engine: each must give its reported rank."""
    S = np.vstack([s_best, s_worst])
    ranks = rank_rows(compiled.evaluate(_raw_weights(compiled, space, S)))
    m = len(targets)
    got_best = ranks[np.arange(m), targets]
    got_worst = ranks[m + np.arange(m), targets]
    off = [index[t] for t, gb, b, gw, w in zip(targets, got_best, best, got_worst, worst,
                                                strict=True) if gb != b or gw != w]
    if off:
        warnings.warn(
            f"At the weights found for {off[:5]}, re-scoring gives a rank other than the bound "
            "(scores within the solver's tolerance of a tie); the bounds may be off by a tie.",
            SpindexWarning, stacklevel=3,
        )
