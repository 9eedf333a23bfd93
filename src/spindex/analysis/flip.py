"""The smallest change of weights that flips a ranking.

For an arithmetic aggregation of fixed normalised values each unit's index score is linear in
the shares ``s`` of the varying nodes (see :mod:`spindex.analysis.rank_bounds`): ``y_u(s) =
C_u . s``. Unit ``b`` catches up with unit ``a`` where ``g . s >= 0`` with ``g = C_b - C_a``
(a tie counts: ties share the best rank). The nearest such shares to the nominal ``s0``
within the weight set ``P`` (simplex, bounds, constraints) solve

    min ||s - s0||  s.t.  s in P,  g . s >= 0,

a linear programme for the L1 and max norms (``scipy.optimize.linprog``, HiGHS, with one
auxiliary variable per share or a single one) and a small convex quadratic programme for L2:
the Euclidean projection of ``s0`` onto the polytope. The projection is found by SLSQP and
then made exact: its active constraints define an equality-constrained projection solved
from the KKT system, accepted only if it is feasible and every multiplier of an active
inequality has the right sign (a certificate of optimality). When no bound binds, it is the
distance from ``s0`` to the hyperplane ``g . s = 0`` within the affine hull of the simplex,
``|g . s0| / ||g - mean(g)||``.

For the top ``k``: the set of the first ``k`` changes as soon as some unit outside it catches
up with one inside, so the nearest change is the minimum over those pairs.

References
----------
.. [1] Boyd, S. and Vandenberghe, L. (2004). *Convex Optimization*. Cambridge University
   Press (section 8.1, projection onto a polyhedron; KKT conditions, section 5.5.3).
.. [2] Kraft, D. (1988). A software package for sequential quadratic programming. DFVLR-FB
   88-28 (SLSQP).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex._ranking import rank_rows
from spindex.analysis.dominance import _check_units
from spindex.analysis.rank_bounds import _linear_fit, _Space, _weight_setting
from spindex.errors import MethodError, ParameterError, SpindexTypeError, SpindexWarning
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["FlipResult", "nearest_flip", "nearest_top_change"]

NORMS = ("l1", "l2", "linf")


# --------------------------------------------------------------------- the polytope
def _inequalities(space: _Space, g: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Every inequality of ``{s in P, g . s >= 0}`` as rows ``G s <= h``."""
    k = len(space.nodes)
    rows = [-g[None, :], -np.eye(k), np.eye(k)]
    rhs = [np.zeros(1), -space.low, space.high]
    if len(space.A):
        up = np.isfinite(space.hi)
        down = np.isfinite(space.lo)
        rows += [space.A[up], -space.A[down]]
        rhs += [space.hi[up], -space.lo[down]]
    return np.vstack(rows), np.concatenate(rhs)


def _equalities(space: _Space) -> FloatArray:
    E = np.zeros((len(space.groups), len(space.nodes)))
    for r, grp in enumerate(space.groups):
        E[r, grp] = 1.0
    return E


def _linear_norm(space: _Space, g: FloatArray, s0: FloatArray, norm: str
                 ) -> FloatArray | None:
    """Nearest shares in L1 (``t_j >= |s_j - s0_j|``) or max norm (``tau >= |s_j - s0_j|``)."""
    from scipy.optimize import linprog
    k = len(s0)
    G, h = _inequalities(space, g)
    E = _equalities(space)
    extra = k if norm == "l1" else 1
    T = np.eye(k) if norm == "l1" else np.ones((k, 1))
    # s - s0 <= t and s0 - s <= t, next to the set's own rows.
    A_ub = np.vstack([np.hstack([G, np.zeros((len(G), extra))]),
                      np.hstack([np.eye(k), -T]), np.hstack([-np.eye(k), -T])])
    b_ub = np.concatenate([h, s0, -s0])
    res = linprog(np.concatenate([np.zeros(k), np.ones(extra)]), A_ub=A_ub, b_ub=b_ub,
                  A_eq=np.hstack([E, np.zeros((len(E), extra))]), b_eq=np.ones(len(E)),
                  bounds=[(None, None)] * (k + extra), method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise MethodError(f"The nearest-flip programme could not be solved: {res.message}")
    return np.asarray(res.x[:k])


def _kkt_projection(s0: FloatArray, E: FloatArray, G: FloatArray, h: FloatArray,
                    active: np.ndarray, tol: float) -> FloatArray | None:
    """The projection of ``s0`` onto ``{E s = 1, G_active s = h_active}`` if it satisfies the
    KKT conditions of the projection onto ``{E s = 1, G s <= h}`` (else ``None``).

    Stationarity asks for multipliers, free for the equalities and non-negative for the active
    inequalities, with ``s0 - s = E' mu + G_active' nu``; active sets are often degenerate
    (ties in the data), so the multipliers are found by non-negative least squares rather
    than read off one basis."""
    from scipy.optimize import nnls
    M = np.vstack([E, G[active]])
    rhs = np.concatenate([np.ones(len(E)), h[active]])
    nu, *_ = np.linalg.lstsq(M @ M.T, M @ s0 - rhs, rcond=None)
    s = s0 - M.T @ nu
    if not np.allclose(M @ s, rhs, atol=tol):
        return None
    if np.any(G @ s > h + tol):
        return None
    A = np.hstack([E.T, -E.T, G[active].T])
    _, residual = nnls(A, s0 - s)
    if residual > 1e3 * tol * max(1.0, float(np.abs(s0 - s).max())):
        return None
    return np.asarray(s)


def _euclidean(space: _Space, g: FloatArray, s0: FloatArray) -> tuple[FloatArray | None, bool]:
    """Nearest shares in L2, and whether the KKT certificate holds."""
    from scipy.optimize import minimize
    G, h = _inequalities(space, g)
    E = _equalities(space)
    scale = max(float(np.abs(g).max()), 1e-300)
    Gs, hs = G.copy(), h.copy()
    Gs[0] /= scale
    start = _linear_norm(space, g, s0, "linf")
    if start is None:
        return None, True
    res = minimize(
        lambda s: 0.5 * float((s - s0) @ (s - s0)), start, jac=lambda s: s - s0,
        method="SLSQP",
        constraints=[{"type": "eq", "fun": lambda s: E @ s - 1.0, "jac": lambda s: E},
                     {"type": "ineq", "fun": lambda s: hs - Gs @ s, "jac": lambda s: -Gs}],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    s = np.asarray(res.x) if res.success else start
    for tol in (1e-9, 1e-7, 1e-5):
        active = np.flatnonzero(Gs @ s >= hs - tol)
        exact = _kkt_projection(s0, E, Gs, hs, active, 1e-10)
        if exact is not None:
            return exact, True
    return s, False


# ------------------------------------------------------------------------ the result
@dataclass(frozen=True, eq=False)
class FlipResult:
    """The nearest weights at which a ranking changes, in three norms.

    Attributes
    ----------
    distance : pandas.Series
        Distance from the nominal shares, per norm (``"l1"``, ``"l2"``, ``"linf"``);
        ``0`` if the change already holds at the nominal weights, ``inf`` if no weights of
        the set produce it.
    weights : pandas.DataFrame
        Norm x varying node: the nearest shares (``NaN`` when there are none).
    pairs : pandas.DataFrame
        Per norm, the unit that is caught (``leader``) and the one that catches up
        (``challenger``); for :func:`nearest_flip` always ``a`` and ``b``.
    nominal : pandas.Series
        The nominal shares.
    nodes : tuple of str
        The varying nodes.
    exact : bool
        Whether every distance is certified optimal (always for L1 and max norm; for L2 when
        the KKT certificate holds).
    question : str
        What changes: ``"b catches up with a"`` or ``"the top k"``.
    """

    distance: pd.Series
    weights: pd.DataFrame
    pairs: pd.DataFrame
    nominal: pd.Series
    nodes: tuple[str, ...]
    exact: bool
    question: str

    def __repr__(self) -> str:
        lines = [f"<FlipResult: {self.question}; weights of {len(self.nodes)} nodes"
                 f"{'' if self.exact else ' (L2 not certified)'}>"]
        table = pd.concat([self.pairs, self.distance.rename("distance"),
                           self.weights.round(4)], axis=1)
        lines += ["  " + s for s in table.to_string().splitlines()]
        return "\n".join(lines)


# -------------------------------------------------------------------------- helpers
def _prepare(model: Any, data: Any, node: Any, level: Any, effective: Any, bounds: Any,
             constraints: Any) -> tuple[_Space, FloatArray, pd.Index, FloatArray]:
    setting = _weight_setting(model, data, node, level, effective, bounds, constraints)
    reasons = list(setting.reasons)
    if setting.lacking:
        reasons.append("some unit lacks a score at that level")
    if not reasons:
        reasons += _linear_fit(setting)
    if reasons:
        shown = "; ".join(reasons[:4]) + ("; ..." if len(reasons) > 4 else "")
        raise MethodError(
            f"The nearest flip is exact only for index scores linear in the weights, but here "
            f"{shown}. Impute the missing values or use the arithmetic mean; rank_bounds and "
            "dominance(method='monte_carlo') work for any model."
        )
    assert setting.C is not None and setting.y0 is not None
    return setting.space, setting.C, setting.index, setting.y0


def _solve_pair(space: _Space, g: FloatArray) -> tuple[dict[str, float], dict[str, FloatArray],
                                                        bool]:
    s0 = space.nominal
    k = len(s0)
    nan = np.full(k, np.nan)
    if g @ s0 >= 0:
        return dict.fromkeys(NORMS, 0.0), dict.fromkeys(NORMS, s0.copy()), True
    dist: dict[str, float] = {}
    at: dict[str, FloatArray] = {}
    certified = True
    for norm in ("l1", "linf"):
        s = _linear_norm(space, g, s0, norm)
        if s is None:
            return dict.fromkeys(NORMS, np.inf), dict.fromkeys(NORMS, nan), True
        dist[norm] = float(np.abs(s - s0).sum() if norm == "l1" else np.abs(s - s0).max())
        at[norm] = s
    s2, ok = _euclidean(space, g, s0)
    assert s2 is not None
    certified &= ok
    dist["l2"] = float(np.linalg.norm(s2 - s0))
    at["l2"] = s2
    return {n: dist[n] for n in NORMS}, {n: at[n] for n in NORMS}, certified


def _result(space: _Space, dist: dict[str, float], at: dict[str, FloatArray],
            pairs: dict[str, tuple[Any, Any]], exact: bool, question: str) -> FlipResult:
    norms = pd.Index(NORMS, name="norm")
    nodes = pd.Index(space.nodes, name="node")
    if not exact:
        warnings.warn(
            f"The L2 nearest weights for {question} are SLSQP's, not certified optimal by the "
            "KKT conditions; the L1 and max-norm ones are exact.", SpindexWarning, stacklevel=3)
    return FlipResult(
        distance=pd.Series([dist[n] for n in NORMS], index=norms, name="distance"),
        weights=pd.DataFrame([at[n] for n in NORMS], index=norms, columns=nodes),
        pairs=pd.DataFrame([pairs[n] for n in NORMS], index=norms,
                           columns=["leader", "challenger"]),
        nominal=pd.Series(space.nominal, index=nodes, name="nominal"),
        nodes=space.nodes, exact=exact, question=question,
    )


# --------------------------------------------------------------------------- public
def nearest_flip(
    model: CompositeIndex,
    data: pd.DataFrame,
    a: Hashable,
    b: Hashable,
    node: str | None = None,
    *,
    level: int | str | None = None,
    effective: bool = False,
    bounds: Any = None,
    constraints: Any = None,
) -> FlipResult:
    """The nearest weights at which unit ``b`` catches up with unit ``a``.

    Distances are between shares (normalised weights within each group, or shares of the
    index with ``effective=True``) in the L1, L2 and max norms, over the same weight sets as
    :func:`~spindex.rank_bounds`. A tie counts as catching up (ties share the best rank).

    Parameters
    ----------
    model : CompositeIndex
        An arithmetic model on the path from the varying nodes to the index.
    data : pandas.DataFrame
        The data it scores (units as the index).
    a, b : hashable
        The leader and the unit that catches up.
    node, level, effective, bounds, constraints
        The weights that vary and their set, as in :func:`~spindex.rank_bounds`.

    Returns
    -------
    FlipResult
        ``distance`` 0 if ``b`` already scores at least as high as ``a``; ``inf`` if it
        cannot within the set.

    Raises
    ------
    ParameterError
        For an unknown unit, ``a == b``, or a weight set as in :func:`~spindex.rank_bounds`.
    MethodError
        If the index is not linear in these weights (another aggregator, missing values).
    SpindexTypeError
        For arguments of the wrong type.

    References
    ----------
    Boyd, S. and Vandenberghe, L. (2004). Convex Optimization. Cambridge University Press.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "Index",
    ...                              "children": [{"code": "Aid"}, {"code": "Opinion"}]})
    >>> data = pd.DataFrame({"Aid": [80.0, 40.0], "Opinion": [30.0, 60.0]},
    ...                     index=["China", "Japan"])
    >>> res = sp.nearest_flip(sp.CompositeIndex(fw, normalize="none"), data, "China", "Japan")
    >>> res.distance.round(4).tolist()  # Japan catches up once Aid weighs 3/7 instead of 1/2
    [0.1429, 0.101, 0.0714]
    >>> res.weights.loc["linf"].round(4).tolist()
    [0.4286, 0.5714]
    """
    space, C, index, _ = _prepare(model, data, node, level, effective, bounds, constraints)
    ia, ib = _check_units(index, a, b)
    if ia == ib:
        raise ParameterError(f"a and b are the same unit ({a!r}); give two different units.")
    dist, at, certified = _solve_pair(space, C[ib] - C[ia])
    pairs = dict.fromkeys(NORMS, (a, b))
    return _result(space, dist, at, pairs, certified, f"{b} catches up with {a}")


def nearest_top_change(
    model: CompositeIndex,
    data: pd.DataFrame,
    k: int = 1,
    node: str | None = None,
    *,
    level: int | str | None = None,
    effective: bool = False,
    bounds: Any = None,
    constraints: Any = None,
) -> FlipResult:
    """The nearest weights at which the set of the first ``k`` units changes.

    With ``k=1``: the nearest weights at which someone else is (also) first. The set of the
    top ``k`` (units ranked ``k`` or better at the nominal weights) changes when a unit
    outside catches up with one inside, so the answer is the nearest such pair, per norm.

    Parameters
    ----------
    model, data
        As in :func:`nearest_flip`.
    k : int, default 1
        Size of the top; at least 1 and fewer than the number of units.
    node, level, effective, bounds, constraints
        The weights that vary and their set, as in :func:`~spindex.rank_bounds`.

    Returns
    -------
    FlipResult
        ``pairs`` names, per norm, the insider caught and the outsider that catches up.

    Raises
    ------
    ParameterError
        If ``k`` is out of range, or as for :func:`nearest_flip`.
    MethodError
        If the index is not linear in these weights.

    Examples
    --------
    >>> import pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "Index",
    ...                              "children": [{"code": "Aid"}, {"code": "Opinion"}]})
    >>> data = pd.DataFrame({"Aid": [80.0, 40.0, 10.0], "Opinion": [30.0, 60.0, 50.0]},
    ...                     index=["China", "Japan", "Korea"])
    >>> res = sp.nearest_top_change(sp.CompositeIndex(fw, normalize="none"), data)
    >>> res.pairs.loc["l1"].tolist(), round(float(res.distance["linf"]), 4)
    (['China', 'Japan'], 0.0714)
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise SpindexTypeError(f"The 'k' parameter of nearest_top_change must be an int; "
                               f"got {k!r}.")
    space, C, index, y0 = _prepare(model, data, node, level, effective, bounds, constraints)
    if not 1 <= k < len(index):
        raise ParameterError(
            f"The 'k' parameter of nearest_top_change must be between 1 and {len(index) - 1} "
            f"(the number of units minus one). Got {k} instead."
        )
    ranks = rank_rows(y0[None, :])[0]
    inside = np.flatnonzero(ranks <= k)
    outside = np.flatnonzero(ranks > k)
    best: dict[str, float] = dict.fromkeys(NORMS, np.inf)
    at: dict[str, FloatArray] = dict.fromkeys(NORMS, np.full(len(space.nodes), np.nan))
    pairs: dict[str, tuple[Any, Any]] = dict.fromkeys(NORMS, (None, None))
    certified = True
    for i in inside:  # one small programme per pair: solver calls, not array work
        for j in outside:
            dist, where, ok = _solve_pair(space, C[j] - C[i])
            for norm in NORMS:
                if dist[norm] < best[norm]:
                    best[norm], at[norm] = dist[norm], where[norm]
                    pairs[norm] = (index[int(i)], index[int(j)])
                    if norm == "l2":
                        certified = ok if dist[norm] < np.inf else certified
    return _result(space, best, at, pairs, certified, f"the top {k}")
