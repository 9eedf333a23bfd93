"""Importance of indicators next to their weights, and weights that deliver a target importance.

A weight says how much an indicator *should* count; its importance says how much it *does*.
Following Paruolo, Saisana & Saltelli (2013), the importance of an indicator (or of any node of
a level) is its main effect on the index across units, the correlation ratio

    S_i = Var(E[y | x_i]) / Var(y),

the share of the variance of the index y that x_i explains on its own, through any curve. For a
linear index of correlated indicators S_i is not proportional to the weight w_i, and neither
is the linear r^2 a substitute in general: for y = x1 + x2^2 with x2 symmetric about zero,
r^2(x2, y) is 0 while S_2 is large. The conditional mean E[y | x_i] is therefore estimated by
a nonparametric smoother:

``"spline"`` (default)
    A penalised regression spline (P-spline; Eilers & Marx 1996): a cubic B-spline basis on
    equally spaced knots over the range of x_i, a second-difference penalty on the
    coefficients and the smoothing parameter chosen by generalised cross-validation (GCV;
    Craven & Wahba 1979). The number of knots follows Ruppert, Wand & Carroll (2003): about
    min(unique values / 4, 35) interior knots; the penalty, not the knot count, sets the
    smoothness. The penalty leaves straight lines alone, so every fit contains the
    least-squares line: the spline's S_i is never below the squared Pearson correlation, and
    never above 1. GCV counts each degree of freedom 1.4 times (Kim & Gu 2004; the ``gamma``
    of R's mgcv): plain GCV tends to undersmooth in samples of a few dozen units, which is
    what composite indicators have, and then mistakes noise for effect. One generalised
    eigendecomposition per indicator (Demmler-Reinsch form) gives the fit, its degrees of
    freedom and GCV for every smoothing parameter of the grid at the cost of a few vector
    operations, so re-estimating S_i for a new index (as the weight optimisation does
    thousands of times) costs almost nothing.
``"local_linear"``
    Local-linear kernel regression (Fan & Gijbels 1996) with a Gaussian kernel and the
    bandwidth chosen by GCV over a geometric grid. It costs O(n^2) memory per bandwidth, so
    it is limited to a few thousand units; it serves as a cross-check of the spline.

The estimate is the variance of the fitted conditional means over the variance of y, both
over the units used. Missing values: each S_i uses the units where both x_i and the index are
observed (their number is reported as ``n_units``).

References
----------
.. [1] Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or
   science? *Journal of the Royal Statistical Society A*, 176(3), 609-634.
.. [2] Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and
   importance in composite indicators: closing the gap. *Ecological Indicators*, 80, 12-22.
.. [3] Eilers, P. H. C. & Marx, B. D. (1996). Flexible smoothing with B-splines and
   penalties. *Statistical Science*, 11(2), 89-121.
.. [4] Craven, P. & Wahba, G. (1979). Smoothing noisy data with spline functions.
   *Numerische Mathematik*, 31, 377-403.
.. [5] Ruppert, D., Wand, M. P. & Carroll, R. J. (2003). *Semiparametric Regression*.
   Cambridge University Press (knot choice, section 5.5).
.. [6] Kim, Y.-J. & Gu, C. (2004). Smoothing spline Gaussian regression: more scalable
   computation via efficient approximation. *JRSS B*, 66(2), 337-356.
.. [7] Fan, J. & Gijbels, I. (1996). *Local Polynomial Modelling and Its Applications*.
   Chapman & Hall.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spindex._ranking import tie_tolerance
from spindex.errors import (
    DataError,
    MethodError,
    ParameterError,
    SpindexTypeError,
    SpindexWarning,
)
from spindex.framework import Framework
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

from ._engine import CompiledModel
from ._runs import check_model

# SciPy is imported inside the functions that use it: `import spindex` (and so each CLI
# process) then costs no SciPy import, of which scipy.stats alone takes about 0.7 s.
if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult

__all__ = [
    "ImportanceResult",
    "OptimizedWeights",
    "correlation_ratio",
    "importance",
    "optimize_weights",
]

BoolArray = NDArray[np.bool_]

SMOOTHERS = ("spline", "local_linear")
MEASURES = ("correlation_ratio", "pearson")
#: Fewer units than this cannot support a nonparametric estimate.
MIN_UNITS = 5
#: Weight of the degrees of freedom in GCV (Kim & Gu 2004; the ``gamma`` of mgcv): plain GCV
#: (1.0) tends to undersmooth in samples of a few dozen units, as composite indicators have.
GCV_GAMMA = 1.4
#: Smoothing parameters tried by GCV (the penalty is scaled to the data, so the grid is unitless).
_LAMBDAS = np.logspace(-8.0, 8.0, 81)
_BANDWIDTHS = 40
# Floats up to which the spline bases of all covariates are stored side by side.
_STACK_LIMIT = 2**22
_LOCAL_LINEAR_MAX_UNITS = 4000
# Local-linear smoother matrices are kept between fits while they take at most this many floats.
_LOCAL_LINEAR_CACHE = 2**22
#: Largest factor by which the optimisation moves a weight relative to its reference sibling.
_MAX_RATIO = 1e3
_CLIP = float(np.log(_MAX_RATIO))
# Methods that take no bounds; for them the weights are clipped instead.
_UNBOUNDED = ("cg", "bfgs")
# scipy.optimize.minimize methods that need no user-supplied derivatives.
_METHODS = ("nelder-mead", "powell", "cobyla", "cobyqa", "bfgs", "l-bfgs-b", "cg", "tnc",
            "slsqp", "trust-constr")


# ---------------------------------------------------------------------- smoothers
@dataclass(frozen=True)
class _Fit:
    """Main effects of several covariates on one response."""

    main_effect: FloatArray  # (m,)
    edf: FloatArray  # (m,) effective degrees of freedom of the chosen fit
    smoothing: FloatArray  # (m,) the chosen lambda (spline) or bandwidth (local-linear)
    fitted: FloatArray | None  # (n, m) E[y | x_j] at each unit, NaN where not used


def _unit_interval(x: FloatArray) -> FloatArray:
    """x mapped affinely onto [0, 1]: the estimators are then invariant to the unit of x."""
    lo, hi = float(x.min()), float(x.max())
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


class _Smoother:
    """Common part: per covariate, the units it uses and whether it is constant there."""

    def __init__(self, X: FloatArray, masks: BoolArray) -> None:
        self.n_units, self.m = X.shape
        self.masks = masks
        self.counts = masks.sum(axis=0)
        self.constant = np.array(
            [np.ptp(X[masks[:, j], j]) == 0 for j in range(self.m)], dtype=bool
        )

    def fit(self, y: FloatArray, *, fitted: bool = False) -> _Fit:
        """Main effects of every covariate on ``y`` (fitted curves too if asked)."""
        raise NotImplementedError


class _PSpline(_Smoother):
    """Cubic P-splines of y on each column of X, with GCV, in Demmler-Reinsch form.

    With basis B (n x K), Gram matrix A = B'B and penalty P = D'D (second differences D),
    the generalised eigenproblem A v = a (A + P) v gives V with V'AV = diag(a) and
    V'PV = I - diag(a), 0 <= a <= 1. The penalised fit for smoothing parameter lambda is then
    B V diag(1 / d) V'B'y with d = a + lambda (1 - a), so with Z = B V and c = Z'y (y centred)
    every quantity GCV needs is a sum over the K components: the fitted sum of squares
    sum a c^2 / d^2, the residual sum of squares y'y - sum c^2 (2/d - a/d^2) and the degrees of
    freedom sum a / d. The factors that do not depend on y are tabulated once for the whole
    lambda grid, so a fit costs one product Z'y per covariate and one small matrix product.
    """

    def __init__(self, X: FloatArray, masks: BoolArray) -> None:
        super().__init__(X, masks)
        self.rows = [np.flatnonzero(masks[:, j]) for j in range(self.m)]
        self.Z: list[FloatArray] = []
        eigen: list[FloatArray] = []
        for j in range(self.m):
            if self.constant[j]:
                self.Z.append(np.zeros((self.rows[j].size, 0)))
                eigen.append(np.zeros(0))
                continue
            Z, a = _pspline_basis(X[self.rows[j], j])
            self.Z.append(Z)
            eigen.append(a)
        k_max = max((a.size for a in eigen), default=0)
        # Padding components have a = 0 and c = 0: they add nothing to any sum below.
        self.a = np.zeros((self.m, k_max))
        self.z1 = np.zeros((self.m, k_max))  # Z'1, to centre y inside the product Z'y
        for j, a in enumerate(eigen):
            self.a[j, : a.size] = a
            self.z1[j, : a.size] = self.Z[j].sum(axis=0)
        # While it is small, all Z side by side (zero rows for unused units) give every Z'y in
        # one product; otherwise one product per covariate.
        self.stacked: FloatArray | None = None
        if self.n_units * self.m * k_max <= _STACK_LIMIT:
            self.stacked = np.zeros((self.n_units, self.m, k_max))
            for j, Z in enumerate(self.Z):
                self.stacked[self.rows[j], j, : Z.shape[1]] = Z
        A = self.a[:, None, :]
        inv_d = 1.0 / (A + _LAMBDAS[None, :, None] * (1.0 - A))  # (m, G, K)
        self._resid = 2.0 * inv_d - A * inv_d**2
        self._edf = (A * inv_d).sum(axis=2)
        n = self.counts[:, None].astype(float)
        resid_df = n - GCV_GAMMA * self._edf
        # GCV = n RSS / (n - gamma edf)^2; grid points with no residual df left are excluded.
        self._gcv_factor = np.where(resid_df > 0.5, n / np.maximum(resid_df, 0.5) ** 2, np.inf)

    def fit(self, y: FloatArray, *, fitted: bool = False) -> _Fit:
        m, k_max = self.a.shape
        Y = np.where(self.masks, y[:, None], 0.0)
        means = Y.sum(axis=0) / self.counts
        tss = (Y**2).sum(axis=0) - self.counts * means**2
        tss = np.maximum(tss, 0.0)
        if self.stacked is not None:
            C = np.einsum("n,nmk->mk", np.where(np.isnan(y), 0.0, y), self.stacked)
        else:
            C = np.zeros((m, k_max))
            for j in range(m):
                C[j, : self.Z[j].shape[1]] = y[self.rows[j]] @ self.Z[j]
        C -= means[:, None] * self.z1
        C2 = C**2
        rss = tss[:, None] - np.einsum("mk,mgk->mg", C2, self._resid)
        rss = np.maximum(rss, 1e-300 * (1.0 + tss[:, None]))
        with np.errstate(invalid="ignore"):
            gcv = rss * self._gcv_factor
        # One parabolic step in log(lambda) around the best grid point makes the choice (and so
        # the estimate) move continuously with y, which the weight optimisation relies on.
        g_count = _LAMBDAS.size
        best = np.argmin(gcv, axis=1)
        inner = (best > 0) & (best < g_count - 1)
        i = np.clip(best, 1, g_count - 2)
        rows = np.arange(m)
        with np.errstate(divide="ignore", invalid="ignore"):
            g0, g1, g2 = (np.log(gcv[rows, i + s]) for s in (-1, 0, 1))
            curvature = g0 - 2.0 * g1 + g2
            step = np.where(curvature > 0, 0.5 * (g0 - g2) / curvature, 0.0)
        step = np.where(inner & np.isfinite(step), np.clip(step, -0.5, 0.5), 0.0)
        log_lam = np.log(_LAMBDAS)
        lam = np.exp(log_lam[best] + step * (log_lam[1] - log_lam[0]))
        d = self.a + lam[:, None] * (1.0 - self.a)
        coef = C / d
        ess = (self.a * coef**2).sum(axis=1)
        edf = (self.a / d).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(tss > 0, ess / tss, np.nan)
        s = np.where(self.constant, 0.0, s)
        edf = np.where(self.constant, 1.0, edf)
        lam = np.where(self.constant, np.nan, lam)
        out = None
        if fitted:
            out = np.full((self.n_units, m), np.nan)
            for j in range(m):
                k = self.Z[j].shape[1]
                out[self.rows[j], j] = means[j] + self.Z[j] @ coef[j, :k]
        return _Fit(s, edf, lam, out)


def _gcv(rss: FloatArray, edf: FloatArray, n: FloatArray | float) -> FloatArray:
    """Generalised cross-validation n RSS / (n - gamma edf)^2 with gamma = GCV_GAMMA."""
    resid_df = n - GCV_GAMMA * edf
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(resid_df > 0.5, n * rss / resid_df**2, np.inf), dtype=float)


def _pspline_basis(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Z = B V and the eigenvalues a of the Demmler-Reinsch form (see :class:`_PSpline`)."""
    import scipy.linalg
    from scipy.interpolate import BSpline
    u = _unit_interval(x)
    n_unique = np.unique(u).size
    segments = 1 + min(n_unique // 4, 35)
    knots = np.arange(-3, segments + 4) / segments  # exact 0 and 1 at the inner ends
    B = BSpline.design_matrix(u, knots, 3).toarray()
    k = B.shape[1]
    D = np.diff(np.eye(k), n=2, axis=0)
    A = B.T @ B
    P = D.T @ D
    # Scaling the penalty to the Gram matrix makes one lambda grid fit every data size.
    P *= np.trace(A) / np.trace(P)
    a, V = scipy.linalg.eigh(A, A + P)
    # a = 1 exactly on the penalty's null space (straight lines); rounding would otherwise let
    # the largest lambdas shrink the line itself.
    a = np.where(a > 1.0 - 1e-9, 1.0, np.clip(a, 0.0, 1.0))
    return B @ V, a


class _LocalLinear(_Smoother):
    """Local-linear regression with a Gaussian kernel, bandwidth by GCV over a grid.

    For bandwidth h and evaluation point x_i the weights are K_ij = exp(-(x_j - x_i)^2 / 2h^2);
    with s_r = sum_j K_ij (x_j - x_i)^r the fit is
    yhat_i = sum_j K_ij (s_2 - (x_j - x_i) s_1) y_j / (s_0 s_2 - s_1^2) (Fan & Gijbels 1996,
    eq. 3.5). Written with the products K y, K (x y), K x and K x^2, it needs the n x n kernel
    but never the smoother matrix; its trace is sum_i s_2 / (s_0 s_2 - s_1^2) (K_ii = 1).
    """

    def __init__(self, X: FloatArray, masks: BoolArray) -> None:
        super().__init__(X, masks)
        self.u: list[FloatArray] = []
        self.h: list[FloatArray] = []
        self.cache: list[tuple[FloatArray, _KernelTerms] | None] = []
        for j in range(self.m):
            x = X[masks[:, j], j]
            if self.constant[j]:
                self.u.append(x)
                self.h.append(np.zeros(0))
                self.cache.append(None)
                continue
            u = _unit_interval(x)
            gaps = np.diff(np.unique(u))
            # Below about a third of the widest gap, points beyond it get no weight at all.
            h_min = max(float(gaps.max()) / 3.0, 1e-3)
            h = np.geomspace(h_min, max(10.0, 2 * h_min), _BANDWIDTHS)
            self.u.append(u)
            self.h.append(h)
            if h.size * u.size**2 <= _LOCAL_LINEAR_CACHE:
                K = _gaussian_kernel(u, h)
                self.cache.append((K, _kernel_terms(K, u)))
            else:
                self.cache.append(None)

    def fit(self, y: FloatArray, *, fitted: bool = False) -> _Fit:
        m = self.m
        s = np.zeros(m)
        edf = np.ones(m)
        chosen = np.full(m, np.nan)
        out = np.full((self.n_units, m), np.nan) if fitted else None
        for j in range(m):
            yj = y[self.masks[:, j]]
            mean = float(yj.mean())
            yc = yj - mean
            if self.constant[j]:
                if out is not None:
                    out[self.masks[:, j], j] = mean
                continue
            u, h = self.u[j], self.h[j]
            cached = self.cache[j]
            if cached is not None:
                Yh, terms = _local_linear_fit(*cached, u, yc)
            else:
                # One bandwidth at a time keeps memory at one n x n kernel.
                parts = []
                for g in range(h.size):
                    K = _gaussian_kernel(u, h[g:g + 1])
                    parts.append(_local_linear_fit(K, _kernel_terms(K, u), u, yc))
                Yh = np.concatenate([p[0] for p in parts])
                terms = _KernelTerms(
                    a=np.concatenate([p[1].a for p in parts]),
                    b=np.concatenate([p[1].b for p in parts]),
                    trace=np.concatenate([p[1].trace for p in parts]),
                    valid=np.concatenate([p[1].valid for p in parts]),
                )
            rss = ((yc - Yh) ** 2).sum(axis=1)
            gcv = np.where(terms.valid, _gcv(rss, terms.trace, float(yc.size)), np.inf)
            g = int(np.argmin(gcv))
            if not np.isfinite(gcv[g]):
                raise MethodError(
                    "Local-linear regression found no usable bandwidth (the covariate has too "
                    "few distinct values); use smoother='spline'."
                )
            s[j] = float(np.var(Yh[g]) / np.var(yc))
            edf[j] = float(terms.trace[g])
            chosen[j] = h[g]
            if out is not None:
                out[self.masks[:, j], j] = mean + Yh[g]
        return _Fit(s, edf, chosen, out)


@dataclass(frozen=True)
class _KernelTerms:
    """Per bandwidth (rows) and unit: the parts of the local-linear fit that do not involve y."""

    a: FloatArray  # s_2 / det
    b: FloatArray  # s_1 / det
    trace: FloatArray  # (G,)
    valid: BoolArray  # (G,) every det positive


def _gaussian_kernel(u: FloatArray, h: FloatArray) -> FloatArray:
    """Kernel weights (len(h), n, n)."""
    D = u[None, :] - u[:, None]
    return np.exp(-0.5 * (D[None] / h[:, None, None]) ** 2)


def _kernel_terms(K: FloatArray, u: FloatArray) -> _KernelTerms:
    moments = K @ np.stack([np.ones_like(u), u, u**2], axis=1)  # (G, n, 3)
    s0 = moments[..., 0]
    s1 = moments[..., 1] - u * s0
    s2 = moments[..., 2] - 2 * u * moments[..., 1] + u**2 * s0
    det = s0 * s2 - s1**2
    valid: BoolArray = np.all(det > 1e-12 * s0 * s2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(valid[:, None], s2 / det, 0.0)
        b = np.where(valid[:, None], s1 / det, 0.0)
    return _KernelTerms(a, b, a.sum(axis=1), valid)


def _local_linear_fit(
    K: FloatArray, terms: _KernelTerms, u: FloatArray, y: FloatArray
) -> tuple[FloatArray, _KernelTerms]:
    """Fitted values (G, n) for every bandwidth of K."""
    ky = K @ np.stack([y, u * y], axis=1)  # (G, n, 2)
    return terms.a * ky[..., 0] - terms.b * (ky[..., 1] - u * ky[..., 0]), terms


def _smoother(X: FloatArray, masks: BoolArray, kind: str) -> _Smoother:
    if kind == "spline":
        return _PSpline(X, masks)
    return _LocalLinear(X, masks)


def _pearson(X: FloatArray, y: FloatArray, masks: BoolArray) -> FloatArray:
    """Pearson correlation of each column with y over its own usable units (0 if x is flat)."""
    w = masks.astype(float)
    n = w.sum(axis=0)
    Xz = np.where(masks, X, 0.0)
    Yz = np.where(masks, y[:, None], 0.0)
    mx = Xz.sum(axis=0) / n
    my = Yz.sum(axis=0) / n
    dx = (Xz - mx) * w
    dy = (Yz - my) * w
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (dx * dy).sum(axis=0) / np.sqrt((dx**2).sum(axis=0) * (dy**2).sum(axis=0))
    return np.where(np.isfinite(r), r, 0.0)


# ---------------------------------------------------------------------- checks
def _check_choice(value: Any, name: str, caller: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(
            f"The '{name}' parameter of {caller} must be one of {_braces(allowed)}. Got "
            f"{value!r} instead."
        )
    return value


def _braces(names: Sequence[str]) -> str:
    return "{" + ", ".join(repr(n) for n in names) + "}"


def _level_nodes(fw: Framework, level: int | str, caller: str) -> tuple[str, ...]:
    codes = fw.level(level)
    if fw.root in codes:
        raise ParameterError(
            f"The 'level' parameter of {caller} selects the root '{fw.root}', which cannot "
            f"explain itself. Use a level from 1 to {fw.n_levels - 1}."
        )
    return codes


def _usable(
    X: FloatArray, y: FloatArray, codes: Sequence[str], smoother: str
) -> tuple[BoolArray, BoolArray]:
    """Units where both x_j and y are observed, and the nodes over whose units y is constant.

    Raises if a node has too few units. A node over whose units the index does not vary has no
    variance to share out; the caller decides whether that fails the call or only that node.
    """
    masks = ~np.isnan(X) & ~np.isnan(y)[:, None]
    counts = masks.sum(axis=0)
    flat = np.zeros(len(codes), dtype=bool)
    # "Constant" by the ranking's tie rule: index values that rank as tied are equal to
    # rounding, and their spread (a few ulps) is no variance to share out.
    tolerance = tie_tolerance(y)
    for j, code in enumerate(codes):
        if counts[j] < MIN_UNITS:
            n_units = X.shape[0]
            if n_units < MIN_UNITS:
                # Imputation cannot help: even complete data would be too few units.
                advice = (
                    f"there are only {n_units} units in all. Score more units to estimate "
                    "importance."
                )
            else:
                advice = (
                    f"{n_units - int(counts[j])} of the {n_units} units miss a value of the "
                    "node or of the index. Impute the missing values or analyse another level."
                )
            raise DataError(
                f"Node '{code}' and the index are both observed for only {int(counts[j])} units; "
                f"estimating its importance needs at least {MIN_UNITS}, but {advice}"
            )
        flat[j] = np.ptp(y[masks[:, j]]) <= tolerance
    if smoother == "local_linear" and int(counts.max()) > _LOCAL_LINEAR_MAX_UNITS:
        raise ParameterError(
            f"smoother='local_linear' needs memory quadratic in the number of units and is "
            f"limited to {_LOCAL_LINEAR_MAX_UNITS}; got {int(counts.max())}. Use "
            "smoother='spline'."
        )
    return masks, flat


def _refuse_flat(flat: BoolArray, masks: BoolArray, codes: Sequence[str]) -> None:
    """The whole-call rule: a node over whose units the index is constant stops the call."""
    for j in np.flatnonzero(flat):
        raise MethodError(
            f"The index is constant over the {int(masks[:, j].sum())} units where "
            f"'{codes[int(j)]}' is observed, so no share of its variance can be attributed. Check "
            "the weights and the data."
        )


# ---------------------------------------------------------------------- public: arrays
def correlation_ratio(
    x: Sequence[float] | FloatArray | pd.Series,
    y: Sequence[float] | FloatArray | pd.Series,
    *,
    smoother: str = "spline",
) -> float:
    """The correlation ratio (main effect) ``Var(E[y | x]) / Var(y)`` estimated from a sample.

    Parameters
    ----------
    x, y : array-like of float, same length
        Paired observations; pairs with a missing value in either are left out.
    smoother : {"spline", "local_linear"}, default "spline"
        How ``E[y | x]`` is estimated: a cubic P-spline with GCV, or local-linear kernel
        regression with a GCV bandwidth (see the module documentation).

    Returns
    -------
    float
        The estimate, in [0, 1] for the spline. 0 if ``x`` is constant.

    Raises
    ------
    DataError
        If the lengths differ or fewer than 5 complete pairs remain.
    MethodError
        If ``y`` is constant.

    References
    ----------
    .. [1] Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or
       science? *JRSS A*, 176(3), 609-634.
    .. [2] Eilers, P. H. C. & Marx, B. D. (1996). Flexible smoothing with B-splines and
       penalties. *Statistical Science*, 11(2), 89-121.

    Examples
    --------
    A curve that a linear r^2 misses entirely:

    >>> import numpy as np
    >>> from spindex.analysis.importance import correlation_ratio
    >>> x = np.linspace(-1, 1, 201)
    >>> round(correlation_ratio(x, x**2), 2)
    1.0
    >>> round(float(np.corrcoef(x, x**2)[0, 1] ** 2), 2)
    0.0
    """
    smoother = _check_choice(smoother, "smoother", "correlation_ratio", SMOOTHERS)
    xa = np.asarray(x, dtype=float).ravel()
    ya = np.asarray(y, dtype=float).ravel()
    if xa.shape != ya.shape:
        raise DataError(
            f"x and y must have the same length; got {xa.size} and {ya.size}."
        )
    keep = ~np.isnan(xa) & ~np.isnan(ya)
    X = xa[keep][:, None]
    yk = ya[keep]
    masks, flat = _usable(X, yk, ("x",), smoother)
    _refuse_flat(flat, masks, ("x",))
    return float(_smoother(X, masks, smoother).fit(yk).main_effect[0])


# ---------------------------------------------------------------------- public: model
@dataclass(frozen=True, eq=False)
class ImportanceResult:
    """Main effects of the nodes of one level on the index, next to their weights.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per node of the level, in framework order, with columns

        - ``weight``: nominal effective weight (the product of normalised weights up to the
          root), rescaled to sum to 1 over the level;
        - ``main_effect``: the correlation ratio S_i = Var(E[y | x_i]) / Var(y);
        - ``share``: S_i / sum_j S_j, the importance on the scale of the weights;
        - ``ratio``: share / weight; 1 means the node counts as much as its weight says,
          below 1 less, above 1 more (``inf`` for a zero-weight node that still matters);
        - ``pearson_r2``: the squared Pearson correlation with the index, for comparison
          (a linear measure: it misses non-monotone effects);
        - ``n_units``: units where both the node and the index are observed (the ones used);
        - ``edf``: effective degrees of freedom of the chosen smooth (2 = a straight line);
        - ``smoothing``: the smoothing parameter GCV chose (spline lambda, or local-linear
          bandwidth on x rescaled to [0, 1]).
    fitted : pandas.DataFrame
        Units x nodes: the estimated E[index | x_i] at each unit (``NaN`` where not used).
    level : int
        The level analysed (1 = indicators).
    smoother : str
        ``"spline"`` or ``"local_linear"``.
    index : pandas.Series
        The index scores the effects were measured on.
    """

    table: pd.DataFrame
    fitted: pd.DataFrame
    level: int
    smoother: str
    index: pd.Series = field(repr=False)

    @property
    def main_effect(self) -> pd.Series:
        """S_i for each node."""
        return self.table["main_effect"]

    @property
    def share(self) -> pd.Series:
        """S_i normalised to sum to 1 over the level."""
        return self.table["share"]

    @property
    def weights(self) -> pd.Series:
        """Nominal effective weights, normalised to sum to 1 over the level."""
        return self.table["weight"]

    @property
    def ratio(self) -> pd.Series:
        """Importance share over weight."""
        return self.table["ratio"]

    @property
    def pearson_r2(self) -> pd.Series:
        """Squared Pearson correlation of each node with the index."""
        return self.table["pearson_r2"]

    def summary(self) -> pd.DataFrame:
        """The table sorted by main effect, largest first."""
        return self.table.sort_values("main_effect", ascending=False)

    def __repr__(self) -> str:
        t = self.table
        lines = [
            f"<ImportanceResult: {len(t)} nodes at level {self.level} on index "
            f"'{self.index.name}', {self.smoother} smoother, {len(self.index)} units>",
            f"  {'node':<12} {'weight':>8} {'S_i':>8} {'share':>8} {'ratio':>7} {'r^2':>7}",
        ]
        shown = self.summary()
        for code, row in shown.head(10).iterrows():
            lines.append(
                f"  {code!s:<12} {row['weight']:8.4f} {row['main_effect']:8.4f} "
                f"{row['share']:8.4f} {row['ratio']:7.3f} {row['pearson_r2']:7.4f}"
            )
        if len(t) > 10:
            lines.append(f"  ... {len(t) - 10} more (see .table)")
        return "\n".join(lines)


def _level_weights(fw: Framework, level: int | str) -> pd.Series:
    w = fw.effective_weights(level)
    return w / w.sum()


def _spread(values: FloatArray, keep: NDArray[np.intp], m: int) -> FloatArray:
    """Values of the kept columns (last axis) put back among m columns, NaN elsewhere."""
    out = np.full((*values.shape[:-1], m), np.nan)
    out[..., keep] = values
    return out


def _assemble(
    fit: _Fit,
    r: FloatArray,
    masks: BoolArray,
    weights: pd.Series,
    codes: Sequence[str],
    units: pd.Index,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = fit.main_effect
    total = np.nansum(s)
    share = s / total if total > 0 else np.full_like(s, np.nan)
    w = weights.reindex(list(codes)).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(w > 0, share / np.where(w > 0, w, 1.0), np.inf)
    ratio = np.where(np.isnan(share), np.nan, ratio)
    table = pd.DataFrame(
        {
            "weight": w,
            "main_effect": s,
            "share": share,
            "ratio": ratio,
            "pearson_r2": r**2,
            "n_units": masks.sum(axis=0).astype(int),
            "edf": fit.edf,
            "smoothing": fit.smoothing,
        },
        index=pd.Index(list(codes), name="node"),
    )
    assert fit.fitted is not None
    fitted = pd.DataFrame(fit.fitted, index=units, columns=list(codes))
    return table, fitted


def importance(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    level: int | str = 1,
    smoother: str = "spline",
) -> ImportanceResult:
    """How much each indicator (or each node of a level) drives the index, next to its weight.

    Scores the model once, then estimates for every node of ``level`` the correlation ratio
    S_i = Var(E[y | x_i]) / Var(y) of the index y on the node's scores x_i (the normalised
    values for indicators) across units, by a nonparametric smoother chosen by generalised
    cross-validation. S_i is reported next to the node's nominal effective weight, with the
    ratio of the normalised importance S_i / sum S_j to that weight, and the squared Pearson
    correlation for comparison.

    Parameters
    ----------
    model : CompositeIndex
        The model to analyse.
    data : pandas.DataFrame
        The data it scores.
    level : int or str, default 1
        Level whose nodes are assessed (1 = indicators, 2 = the aggregates above them, ...;
        negative numbers count from the top). Not the root's level.
    smoother : {"spline", "local_linear"}, default "spline"
        Penalised cubic regression spline with GCV, or local-linear kernel regression with a
        GCV bandwidth (at most 4000 units). See :mod:`spindex.analysis.importance`.

    Returns
    -------
    ImportanceResult
        ``table`` (weight, main_effect, share, ratio, pearson_r2, n_units, edf, smoothing per
        node), ``fitted`` curves, ``summary()`` sorted by main effect.

    Raises
    ------
    SpindexTypeError
        If ``model`` is not a CompositeIndex.
    ParameterError
        For an unknown smoother, the root's level, or too many units for local-linear.
    FrameworkError
        If the level does not exist.
    DataError
        If a node and the index are both observed for fewer than 5 units.
    MethodError
        If the index is constant over the units of every node.

    Warns
    -----
    SpindexWarning
        If the index is constant over the units where some node is observed (but not all):
        that node's importance is NaN and the shares are taken over the other nodes.

    Notes
    -----
    Missing values: each S_i uses the units where both x_i and the index are observed. A
    constant node has S_i = 0; a node over whose units the index itself is constant has no
    variance to share out, so its S_i, share, ratio and r^2 are NaN. With correlated
    indicators the main effects need not sum to 1 and a node with weight 0 can still be
    important: importance measures what an indicator tells about the index, not what the index
    computes from it (Paruolo et al. 2013).

    References
    ----------
    .. [1] Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or
       science? *Journal of the Royal Statistical Society A*, 176(3), 609-634.
    .. [2] Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and
       importance in composite indicators: closing the gap. *Ecological Indicators*, 80,
       12-22.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.analysis.importance import importance
    >>> data = sp.datasets.load("asem")
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> imp = importance(sp.CompositeIndex(fw), data, level=2)
    >>> imp.table.columns.tolist()[:5]
    ['weight', 'main_effect', 'share', 'ratio', 'pearson_r2']
    >>> round(float(imp.weights.sum()), 6), round(float(imp.share.sum()), 6)
    (1.0, 1.0)
    >>> bool((imp.main_effect >= 0).all() and (imp.main_effect <= 1).all())
    True
    """
    caller = "importance"
    model = check_model(model, caller)
    smoother = _check_choice(smoother, "smoother", caller, SMOOTHERS)
    fw = model.framework
    codes = _level_nodes(fw, level, caller)
    result = model.score(data)
    scores = result.scores
    y = scores[fw.root].to_numpy(dtype=float)
    X = scores[list(codes)].to_numpy(dtype=float)
    masks, flat = _usable(X, y, codes, smoother)
    if flat.all():
        _refuse_flat(flat, masks, codes)
    if flat.any():
        # Where the index does not vary over a node's units there is no variance to share out:
        # that node's importance is undefined (NaN), the others are still estimated.
        warnings.warn(
            "The index is constant over the units where "
            f"{_braces([codes[j] for j in np.flatnonzero(flat)])} is observed, so its "
            "importance is undefined and reported as NaN; the shares are taken "
            "over the other nodes. Check the data of those nodes.",
            SpindexWarning, stacklevel=2,
        )
    keep = np.flatnonzero(~flat)
    fit = _smoother(X[:, keep], masks[:, keep], smoother).fit(y, fitted=True)
    r = np.full(len(codes), np.nan)
    r[keep] = _pearson(X[:, keep], y, masks[:, keep])
    fit = _Fit(
        main_effect=_spread(fit.main_effect, keep, len(codes)),
        edf=_spread(fit.edf, keep, len(codes)),
        smoothing=_spread(fit.smoothing, keep, len(codes)),
        fitted=None if fit.fitted is None else _spread(fit.fitted, keep, len(codes)),
    )
    table, fitted = _assemble(fit, r, masks, _level_weights(fw, level), codes, scores.index)
    return ImportanceResult(
        table=table, fitted=fitted, level=fw._resolve_level(level), smoother=smoother,
        index=scores[fw.root].copy(),
    )


# ---------------------------------------------------------------------- weight optimisation
@dataclass(frozen=True, eq=False)
class OptimizedWeights:
    """Weights whose importance matches target shares, and how the optimisation went.

    Attributes
    ----------
    weights : pandas.Series
        The optimised raw weights of the nodes of the level, normalised to sum to 1 within
        each group of siblings. Pass them to ``model.with_weights(weights)``.
    model : CompositeIndex
        The model with those weights.
    targets : pandas.Series
        The target importance shares (summing to 1 over the level).
    achieved : pandas.Series
        The importance shares at the optimum, in the measure that was optimised.
    nominal : pandas.Series
        The importance shares at the model's own weights, in the same measure.
    nominal_weights : pandas.Series
        The model's own effective weights of the level, rescaled to sum to 1.
    importance : ImportanceResult
        The full importance analysis of the optimised model (correlation ratios, r^2, ...).
    objective : float
        Sum of squared differences between achieved shares and targets.
    measure : str
        ``"correlation_ratio"`` or ``"pearson"``.
    level : int
        The level whose weights were optimised.
    success : bool
        Always True (a failed optimisation raises); kept for symmetry with SciPy.
    n_iter, n_eval : int
        Optimiser iterations and objective evaluations (one re-scoring each).
    message : str
        The optimiser's message.
    optimizer : scipy.optimize.OptimizeResult
        The raw result, in the optimiser's log-weight parametrisation.
    """

    weights: pd.Series
    model: CompositeIndex = field(repr=False)
    targets: pd.Series
    achieved: pd.Series
    nominal: pd.Series
    nominal_weights: pd.Series
    importance: ImportanceResult = field(repr=False)
    objective: float
    measure: str
    level: int
    success: bool
    n_iter: int
    n_eval: int
    message: str
    optimizer: OptimizeResult = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """Per node: nominal and optimised effective weights, target, nominal and achieved shares.

        Effective weights are rescaled to sum to 1 over the level, like the shares.
        """
        return pd.DataFrame({
            "nominal_weight": self.nominal_weights,
            "optimized_weight": _level_weights(self.model.framework, self.level),
            "target": self.targets,
            "nominal_share": self.nominal,
            "achieved_share": self.achieved,
        })

    def __repr__(self) -> str:
        t = self.summary()
        lines = [
            f"<OptimizedWeights: {len(t)} nodes at level {self.level}, measure "
            f"'{self.measure}', objective {self.objective:.3g} after {self.n_iter} iterations "
            f"({self.n_eval} evaluations)>",
            f"  {'node':<12} {'weight':>8} {'-> opt':>8} {'target':>8} {'share':>8} "
            f"{'-> opt':>8}",
        ]
        for code, row in t.head(12).iterrows():
            lines.append(
                f"  {code!s:<12} {row['nominal_weight']:8.4f} {row['optimized_weight']:8.4f} "
                f"{row['target']:8.4f} {row['nominal_share']:8.4f} {row['achieved_share']:8.4f}"
            )
        if len(t) > 12:
            lines.append(f"  ... {len(t) - 12} more (see .summary())")
        return "\n".join(lines)


def _targets(targets: Any, codes: Sequence[str], caller: str) -> FloatArray:
    if targets is None:
        return np.full(len(codes), 1.0 / len(codes))
    if not isinstance(targets, (Mapping, pd.Series)):
        raise SpindexTypeError(
            f"The 'targets' parameter of {caller} must be None (equal importance) or a mapping "
            f"from node code to relative target importance. Got {type(targets).__name__} "
            "instead."
        )
    given = {str(k): v for k, v in dict(targets).items()}
    unknown = [k for k in given if k not in codes]
    missing = [c for c in codes if c not in given]
    if unknown or missing:
        raise ParameterError(
            f"The 'targets' of {caller} must name every node of the level exactly: "
            + (f"unknown {unknown}" if unknown else "")
            + ("; " if unknown and missing else "")
            + (f"missing {missing}" if missing else "")
            + f". The level has {list(codes)}."
        )
    values = np.empty(len(codes))
    for j, code in enumerate(codes):
        v = given[code]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
            raise SpindexTypeError(
                f"The target of '{code}' in {caller} must be a number; got {v!r}."
            )
        if not np.isfinite(v) or v <= 0:
            raise ParameterError(
                f"The target of '{code}' in {caller} must be a positive number; got {v}. A node "
                "meant to have no importance should be removed from the framework instead."
            )
        values[j] = float(v)
    return values / values.sum()


def optimize_weights(
    model: CompositeIndex,
    data: pd.DataFrame,
    targets: Mapping[str, float] | pd.Series | None = None,
    *,
    level: int | str = 1,
    measure: str = "correlation_ratio",
    smoother: str = "spline",
    method: str = "Powell",
    maxiter: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> OptimizedWeights:
    """Weights at one level such that the nodes' importance shares match target shares.

    The importance of node i is measured on the index across units (see :func:`importance`)
    and normalised to shares ``s_i = I_i / sum_j I_j`` over the level. The weights minimise

        sum_i (s_i(w) - t_i)^2

    over positive weights, with ``t`` the targets normalised to sum to 1 (Becker et al.
    2017). The weights are parametrised as ``w_i = w0_i * exp(theta_i)`` so that they stay
    positive, with one weight per group of siblings held fixed (weights are relative within a
    group, so that degree of freedom is void); an only child has no free weight. Each
    evaluation re-scores the index with the vectorised engine and re-estimates every
    importance, the smoothing parameters included.

    Parameters
    ----------
    model : CompositeIndex
        The model whose weights to optimise. Every aggregate above the level must use a power
        mean (arithmetic, geometric, harmonic or generalised).
    data : pandas.DataFrame
        The data it scores.
    targets : mapping or Series, optional
        Relative target importance of every node of the level (positive; normalised to sum
        to 1). Default: equal importance.
    level : int or str, default 1
        Level whose weights are optimised (not the root's).
    measure : {"correlation_ratio", "pearson"}, default "correlation_ratio"
        The importance to match: the correlation ratio S_i estimated by ``smoother`` (Becker
        et al. 2017), or the Pearson correlation r_i with the index (COINr's
        ``get_opt_weights``; shares r_i / sum r_j, which fails if the correlations sum to 0).
    smoother : {"spline", "local_linear"}, default "spline"
        The smoother for ``measure="correlation_ratio"``.
    method : str, default "Powell"
        A :func:`scipy.optimize.minimize` method that needs no derivatives. Powell's
        derivative-free conjugate directions cope with the small kinks that the data-driven
        choice of the smoothing parameter puts in the objective and scale to dozens of
        weights. ``"Nelder-Mead"`` (COINr's choice) works for a few weights but often runs
        out of iterations beyond five or so; ``"L-BFGS-B"`` (finite differences) is fastest
        for ``measure="pearson"``, whose objective is smooth. Each free weight may move by a
        factor of at most 1000 relative to its reference sibling (as bounds, or clipped for
        methods without bounds).
    maxiter : int, optional
        Maximum number of iterations (SciPy's default for the method if omitted).
    options : mapping, optional
        Further options for the optimiser (SciPy's names). For Nelder-Mead the defaults are
        ``{"xatol": 1e-3, "fatol": 1e-8, "adaptive": True}`` (the adaptive simplex of Gao &
        Han 2012 suits many weights).

    Returns
    -------
    OptimizedWeights
        ``weights`` (a Series for ``model.with_weights``), ``model``, ``targets``,
        ``achieved`` and ``nominal`` shares, the ``importance`` of the optimised model,
        ``objective`` and the optimiser's iteration counts and message.

    Raises
    ------
    ParameterError
        For an unknown measure, smoother or method, a level without a free weight, targets
        that do not name exactly the nodes of the level, or an aggregate above the level
        that is not a power mean.
    MethodError
        If the optimiser does not converge (the message says how far it got and what to
        change), or the importance shares are undefined (they sum to 0).

    Notes
    -----
    Targets may be unreachable: with strongly correlated indicators an indicator carries
    importance even at a tiny weight. The optimiser then converges to the closest shares it
    can reach; compare ``achieved`` with ``targets``. The optimisation starts, as COINr's, from
    weights equal to the targets.

    References
    ----------
    .. [1] Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and
       importance in composite indicators: closing the gap. *Ecological Indicators*, 80,
       12-22.
    .. [2] Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or
       science? *JRSS A*, 176(3), 609-634.
    .. [3] Gao, F. & Han, L. (2012). Implementing the Nelder-Mead simplex algorithm with
       adaptive parameters. *Computational Optimization and Applications*, 51(1), 259-277.
    .. [4] Becker, W. et al. COINr: ``get_opt_weights`` (R package, JRC), the correlation
       variant of this optimisation.

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.analysis.importance import optimize_weights
    >>> data = sp.datasets.load("asem")
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> model = sp.CompositeIndex(fw)
    >>> opt = optimize_weights(model, data, level=3)
    >>> opt.targets.round(2).tolist()
    [0.5, 0.5]
    >>> bool(opt.objective < 1e-6)
    True
    >>> rescored = model.with_weights(opt.weights).score(data)
    """
    from scipy.optimize import minimize
    caller = "optimize_weights"
    model = check_model(model, caller)
    measure = _check_choice(measure, "measure", caller, MEASURES)
    smoother = _check_choice(smoother, "smoother", caller, SMOOTHERS)
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ParameterError(
            f"The 'method' parameter of {caller} must be one of the scipy.optimize.minimize "
            f"methods that need no derivatives {_braces(_METHODS)}. Got {method!r} instead."
        )
    if maxiter is not None and (isinstance(maxiter, bool) or not isinstance(maxiter, int)
                                or maxiter < 1):
        raise ParameterError(
            f"The 'maxiter' parameter of {caller} must be a positive integer. Got {maxiter!r} "
            "instead."
        )
    fw = model.framework
    codes = _level_nodes(fw, level, caller)
    t = _targets(targets, codes, caller)
    groups: dict[str, list[int]] = {}
    for j, code in enumerate(codes):
        parent = fw.parent(code)
        assert parent is not None
        groups.setdefault(parent, []).append(j)
    # The first node of each group of siblings keeps its weight: the others move relative to it.
    free = np.array([j for members in groups.values() for j in members[1:]], dtype=int)
    if free.size == 0:
        raise ParameterError(
            f"Level {level} has no weight to optimise: each of its nodes is an only child, so "
            "its weight is always 1 within its group. Choose another level."
        )

    compiled = CompiledModel([model], data, varying=codes)
    positions = np.array([compiled.position(c) for c in codes])
    base = compiled.nominal_weights.copy()
    start = t.copy()
    scores = compiled.nominal_scores[0]
    X = scores[list(codes)].to_numpy(dtype=float)

    def index_at(w: FloatArray) -> FloatArray:
        W = base.copy()
        W[positions] = w
        return np.asarray(compiled.evaluate(W[None, :])[0], dtype=float)

    y0 = index_at(start)
    masks, flat = _usable(X, y0, codes, smoother)
    _refuse_flat(flat, masks, codes)
    y_missing = np.isnan(y0)
    bank = _smoother(X, masks, smoother) if measure == "correlation_ratio" else None

    def shares(y: FloatArray) -> FloatArray:
        return _shares(bank, X, y, masks, measure, level)

    def weights_of(theta: FloatArray) -> FloatArray:
        w = start.copy()
        w[free] = start[free] * np.exp(np.clip(theta, -_CLIP, _CLIP))
        return w

    def objective(theta: FloatArray) -> float:
        y = index_at(weights_of(theta))
        if not np.array_equal(np.isnan(y), y_missing):
            # Positive weights never change which units have an index; guard the assumption.
            raise MethodError(
                "The set of units with an index changed during the weight optimisation; "
                "impute missing values first."
            )
        return float(((shares(y) - t) ** 2).sum())

    opts: dict[str, Any] = {}
    if method.lower() == "nelder-mead":
        opts.update({"xatol": 1e-3, "fatol": 1e-8, "adaptive": True})
    if maxiter is not None:
        opts["maxiter"] = maxiter
    if options is not None:
        opts.update(dict(options))
    bounds = None if method.lower() in _UNBOUNDED else [(-_CLIP, _CLIP)] * free.size
    res = minimize(objective, np.zeros(free.size), method=method, bounds=bounds, options=opts)
    if not res.success:
        raise MethodError(
            f"optimize_weights did not converge at level {level} with method {method!r}: "
            f"{res.message} after {res.get('nit', '?')} iterations ({res.get('nfev', '?')} "
            f"evaluations), objective {float(res.fun):.3g}. Raise 'maxiter', loosen the "
            "tolerances in 'options' (SciPy's names for the method), try method='Powell', or "
            "optimise a level with fewer nodes."
        )
    w = weights_of(np.asarray(res.x, dtype=float))
    for members in groups.values():
        w[members] = w[members] / w[members].sum()
    weights = pd.Series(w, index=list(codes), name="weight")
    optimised = model.with_weights(weights)
    achieved = shares(index_at(w))
    y_nominal = scores[fw.root].to_numpy(dtype=float)
    nominal_masks, nominal_flat = _usable(X, y_nominal, codes, smoother)
    _refuse_flat(nominal_flat, nominal_masks, codes)
    nominal_bank = bank
    if bank is not None and not np.array_equal(nominal_masks, masks):
        nominal_bank = _smoother(X, nominal_masks, smoother)
    return OptimizedWeights(
        weights=weights,
        model=optimised,
        targets=pd.Series(t, index=list(codes), name="target"),
        achieved=pd.Series(achieved, index=list(codes), name="achieved"),
        nominal=pd.Series(
            _shares(nominal_bank, X, y_nominal, nominal_masks, measure, level),
            index=list(codes), name="nominal",
        ),
        nominal_weights=_level_weights(fw, level),
        importance=importance(optimised, data, level=level, smoother=smoother),
        objective=float(((achieved - t) ** 2).sum()),
        measure=measure,
        level=fw._resolve_level(level),
        success=bool(res.success),
        n_iter=int(res.get("nit", 0)),
        n_eval=int(res.get("nfev", 0)),
        message=str(res.message),
        optimizer=res,
    )


def _shares(
    bank: _Smoother | None,
    X: FloatArray,
    y: FloatArray,
    masks: BoolArray,
    measure: str,
    level: int | str,
) -> FloatArray:
    """Importance normalised to shares over the level (correlation ratios, or Pearson r)."""
    values = bank.fit(y).main_effect if bank is not None else _pearson(X, y, masks)
    total = values.sum()
    if not total > 0:
        raise MethodError(
            f"The {measure} importances of level {level} sum to {total:.3g}, so they cannot be "
            "turned into shares. With measure='pearson' this happens when indicators correlate "
            "negatively with the index; use measure='correlation_ratio'."
        )
    return np.asarray(values / total, dtype=float)
