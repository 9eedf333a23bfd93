"""Weighting methods on plain arrays: PCA/factor weights, entropy, benefit of the doubt,
AHP and budget allocation.

Every function here takes numpy arrays (units as rows, indicators as columns) and
returns plain arrays in small named tuples; labels, frameworks and pandas live in
:mod:`spindex.weighting`. The optional ``units`` and ``codes`` arguments only
serve to name the culprit in error messages.

Weights are returned as non-negative numbers that sum to 1, and every function
says in its Notes when and why it divides by a sum. The framework renormalises
sibling weights again at aggregation time, so only ratios matter there.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 6.
.. [2] Nicoletti, G., Scarpetta, S. and Boylaud, O. (2000). Summary indicators of
   product market regulation with an extension to employment protection
   legislation. OECD Economics Department Working Paper 226.
.. [3] Cherchye, L., Moesen, W., Rogge, N. and Van Puyenbroeck, T. (2007). An
   introduction to 'benefit of the doubt' composite indicators. *Social
   Indicators Research* 82, 111-145.
.. [4] Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex._values import real_array, real_number
from spindex.errors import MethodError, ParameterError, SpindexWarning
from spindex.methods._base import FloatArray

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "BoDSolution",
    "BudgetResult",
    "ConvergenceWarning",
    "EntropyResult",
    "InconsistencyWarning",
    "MissingPolicy",
    "NicolettiResult",
    "SmallSampleWarning",
    "ahp_weights",
    "benefit_of_the_doubt",
    "budget_weights",
    "correlation_for_pca",
    "entropy_weights",
    "nicoletti_weights",
    "pairwise_pearson",
    "principal_components",
    "varimax",
]

MissingPolicy = Literal["error", "drop", "pairwise"]
_MISSING_POLICIES = ("error", "drop", "pairwise")

#: Saaty's random consistency index RI for matrices of order 1 to 15 (Saaty 1980).
RANDOM_INDEX: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)


class InconsistencyWarning(SpindexWarning):
    """An AHP comparison matrix has a consistency ratio of 0.1 or more.

    Saaty's rule of thumb: above 0.1 the judgements contradict each other too
    much for the weights to be trusted; revise the comparisons.
    """


class ConvergenceWarning(SpindexWarning):
    """An iterative method stopped at its iteration limit before converging.

    For the varimax rotation this means the criterion is nearly flat: many
    rotations are almost equally good, so the rotated loadings (and PCA weights
    built on them) are ill-determined.
    """


class SmallSampleWarning(SpindexWarning):
    """A PCA was run on fewer units than variables.

    The correlation matrix is then singular and the components beyond the
    number of units are arbitrary: treat the loadings and PCA weights with care.
    """


def _label(labels: Sequence[str] | None, i: int, kind: str, *, first: bool = False) -> str:
    """``kind 'label'`` (or ``kind i`` without labels), capitalised to open a sentence."""
    text = f"{kind} {i}" if labels is None else f"{kind} '{labels[i]}'"
    return text[:1].upper() + text[1:] if first else text


def _as_matrix(X: object, what: str, *, finite: bool = False) -> FloatArray:
    # Complex, boolean and text entries are refused here rather than cast (a cast would
    # drop an imaginary part in silence). With ``finite`` an infinity is refused too (a data
    # matrix); otherwise NaN and inf are left to each method's own, more specific check.
    A = real_array(X, f"The {what}", allow_nan=True, allow_inf=not finite, error=MethodError)
    if A.ndim != 2:
        raise MethodError(f"The {what} must be a 2-d array; got {A.ndim} dimension(s).")
    return A


# --------------------------------------------------------------------------- correlation


def pairwise_pearson(
    X: FloatArray, Y: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Pearson correlations of the columns of ``X`` with those of ``Y`` on pairwise-complete units.

    Each pair of columns uses the units where both have a value, with means and
    standard deviations computed from those units only (two-pass, as R's
    ``cor(x, y, use = "pairwise.complete.obs")``).

    Parameters
    ----------
    X : ndarray of shape (n_units, p)
        ``NaN`` marks a missing value.
    Y : ndarray of shape (n_units, q), optional
        Defaults to ``X``.

    Returns
    -------
    r : ndarray of shape (p, q)
        ``NaN`` where a pair has fewer than two common units or a column is
        constant on them.
    n : ndarray of shape (p, q)
        Number of units each correlation is based on.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 7.0], [4.0, 8.0]])
    >>> r, n = pairwise_pearson(X)
    >>> n
    array([[4., 3.],
           [3., 3.]])
    >>> float(r[0, 1].round(4))
    0.9843
    """
    X = np.asarray(X, dtype=float)
    Y = X if Y is None else np.asarray(Y, dtype=float)
    if X.shape[0] != Y.shape[0]:
        raise MethodError(
            f"Both tables must have the same units; got {X.shape[0]} and {Y.shape[0]} rows."
        )
    mx, my = ~np.isnan(X), ~np.isnan(Y)
    x0, y0 = np.where(mx, X, 0.0), np.where(my, Y, 0.0)
    p, q = X.shape[1], Y.shape[1]
    r = np.full((p, q), np.nan)
    n = mx.T.astype(float) @ my.astype(float)
    # One column of X at a time against every column of Y: memory stays O(units x q)
    # and the centring uses each pair's own means, as R does.
    for i in range(p):
        both = mx[:, [i]] & my
        cnt = both.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            xi = np.where(both, x0[:, [i]], 0.0)
            yj = np.where(both, y0, 0.0)
            dx = np.where(both, xi - xi.sum(axis=0) / cnt, 0.0)
            dy = np.where(both, yj - yj.sum(axis=0) / cnt, 0.0)
            sxy = (dx * dy).sum(axis=0)
            sxx = (dx * dx).sum(axis=0)
            syy = (dy * dy).sum(axis=0)
            ri = sxy / np.sqrt(sxx * syy)
        ok = (cnt >= 2) & (sxx > 0) & (syy > 0)
        r[i] = np.where(ok, np.clip(ri, -1.0, 1.0), np.nan)
    return r, n


def correlation_for_pca(
    X: FloatArray,
    *,
    missing: MissingPolicy = "error",
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """The correlation matrix a PCA works on, with an explicit policy for missing values.

    Parameters
    ----------
    X : ndarray of shape (n_units, n_variables)
    missing : {"error", "drop", "pairwise"}, default "error"
        ``"error"`` refuses missing values; ``"drop"`` uses only the units with
        every value (listwise deletion, as COINr's ``get_PCA``); ``"pairwise"``
        uses pairwise-complete correlations (the matrix may then fail to be
        positive semi-definite, which shows as small negative eigenvalues).
    units, codes : sequence of str, optional
        Labels for the messages.

    Returns
    -------
    R : ndarray of shape (n_variables, n_variables)
    used : ndarray of bool, shape (n_units,)
        The units that entered the computation (all units with at least one
        value under ``"pairwise"``).

    Warns
    -----
    SmallSampleWarning
        If fewer units than variables are used.

    Raises
    ------
    MethodError
        For missing values under ``"error"``, fewer than 3 usable units, or a
        variable that is constant on the units used.
    """
    if missing not in _MISSING_POLICIES:
        raise ParameterError(
            f"The 'missing' parameter must be one of {{'error', 'drop', 'pairwise'}}. "
            f"Got {missing!r} instead."
        )
    X = _as_matrix(X, "data", finite=True)
    n, k = X.shape
    observed = ~np.isnan(X)
    incomplete: NDArray[np.bool_] = ~np.all(observed, axis=1)
    if missing == "error" and incomplete.any():
        bad = [_label(units, int(i), "unit") for i in np.flatnonzero(incomplete)[:5]]
        raise MethodError(
            f"{int(incomplete.sum())} of {n} units have missing values (first: "
            f"{', '.join(bad)}). A PCA needs a decision: pass missing='drop' to use only the "
            "complete units, missing='pairwise' for pairwise-complete correlations, or impute "
            "first."
        )
    if missing == "pairwise":
        used: NDArray[np.bool_] = np.any(observed, axis=1)
        R, counts = pairwise_pearson(X)
        n_used = int(counts.min()) if k else 0
    else:
        used = ~incomplete
        n_used = int(used.sum())
        R, _ = pairwise_pearson(X[used])
    if n_used < 3:
        raise MethodError(
            f"Only {n_used} units have the values a PCA of {k} variables needs; at least 3 are "
            "required. Impute missing values or use missing='pairwise'."
        )
    constant = np.isnan(np.diag(R))
    if constant.any():
        j = int(np.flatnonzero(constant)[0])
        raise MethodError(
            f"{_label(codes, j, 'variable', first=True)} is constant on the units used, so it "
            "has no correlation with anything; drop it before a PCA."
        )
    if np.isnan(R).any():
        i, j = (int(v) for v in np.argwhere(np.isnan(R))[0])
        raise MethodError(
            f"The correlation of {_label(codes, i, 'variable')} and {_label(codes, j, 'variable')} "
            "is undefined on their common units (fewer than 2, or constant there); use "
            "missing='drop' or impute first."
        )
    if n_used < k:
        warnings.warn(
            f"The PCA uses {n_used} units for {k} variables: with fewer units than variables "
            "the correlation matrix is singular and the trailing components are arbitrary.",
            SmallSampleWarning,
            stacklevel=2,
        )
    np.fill_diagonal(R, 1.0)
    return R, used


# --------------------------------------------------------------------------- PCA


def principal_components(R: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Eigenvalues and eigenvectors of a correlation matrix, largest eigenvalue first.

    Each eigenvector's sign is fixed so that its entries sum to a non-negative
    number (ties broken by the first non-zero entry being positive): with
    positively correlated indicators the first component then points "up".

    Parameters
    ----------
    R : ndarray of shape (k, k)
        Symmetric (correlation) matrix.

    Returns
    -------
    eigenvalues : ndarray of shape (k,)
    eigenvectors : ndarray of shape (k, k)
        Unit-length columns, in the order of ``eigenvalues``.

    Examples
    --------
    >>> values, vectors = principal_components(np.array([[1.0, 0.6], [0.6, 1.0]]))
    >>> values.round(6).tolist()
    [1.6, 0.4]
    """
    R = _as_matrix(R, "correlation matrix")
    if R.shape[0] != R.shape[1]:
        raise MethodError(f"The correlation matrix must be square; got shape {R.shape}.")
    values, vectors = np.linalg.eigh((R + R.T) / 2)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    sums = vectors.sum(axis=0)
    first = vectors[np.argmax(np.abs(vectors) > 1e-12, axis=0), np.arange(vectors.shape[1])]
    flip = (sums < -1e-12) | ((np.abs(sums) <= 1e-12) & (first < 0))
    vectors[:, flip] *= -1
    return values, vectors


def varimax(
    loadings: FloatArray, *, normalize: bool = True, tol: float = 1e-13, max_iter: int = 5000
) -> tuple[FloatArray, FloatArray]:
    """Varimax rotation of a loading matrix (Kaiser 1958).

    Maximises the variance of the squared loadings within each factor by an
    orthogonal rotation, with Kaiser's row normalisation by default (as R's
    ``stats::varimax``), by the usual SVD iteration.

    Parameters
    ----------
    loadings : ndarray of shape (k, m)
    normalize : bool, default True
        Rotate the rows scaled to unit length (Kaiser normalisation), then scale back.
    tol : float, default 1e-13
        Stop when no entry of the rotation matrix changes by more than this
        from one step to the next (R stops when the criterion improves by less
        than a relative ``eps``, which leaves the rotation accurate to about
        ``sqrt(eps)`` only).
    max_iter : int, default 5000

    Returns
    -------
    rotated : ndarray of shape (k, m)
    rotation : ndarray of shape (m, m)
        Orthogonal matrix with ``rotated = loadings @ rotation``.

    Warns
    -----
    ConvergenceWarning
        If the rotation still moves after ``max_iter`` steps; the last rotation
        is returned.

    References
    ----------
    .. [1] Kaiser, H. F. (1958). The varimax criterion for analytic rotation in
       factor analysis. *Psychometrika* 23, 187-200.

    Examples
    --------
    >>> L = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, -0.6], [0.4, -0.7]])
    >>> rotated, rotation = varimax(L)
    >>> rotated.round(3).tolist()
    [[0.85, -0.091], [0.805, 0.043], [-0.001, -0.671], [0.043, -0.805]]
    >>> bool(np.allclose((rotated**2).sum(axis=1), (L**2).sum(axis=1)))
    True
    """
    L = _as_matrix(loadings, "loading matrix")
    k, m = L.shape
    if m < 2:
        return L.copy(), np.eye(m)
    h = np.sqrt((L**2).sum(axis=1))
    h = np.where(h > 0, h, 1.0)
    A = L / h[:, None] if normalize else L
    T = two_back = np.eye(m)
    for _ in range(max_iter):
        Z = A @ T
        B = A.T @ (Z**3 - Z * (Z**2).sum(axis=0) / k)
        U, _sv, Vt = np.linalg.svd(B)
        new = U @ Vt
        # Converged when the rotation stops moving. At a stationary point where B is
        # (nearly) singular its polar factor is not unique and the iteration flips the
        # sign of a column back and forth: a two-step cycle, which changes no squared
        # loading, so it counts as converged too.
        if np.abs(new - T).max() <= tol or np.abs(new - two_back).max() <= tol:
            T = new
            break
        two_back, T = T, new
    else:
        warnings.warn(
            f"The varimax rotation still moves after {max_iter} iterations: its criterion is "
            "nearly flat, so the rotated loadings, and PCA weights built on them, are "
            "ill-determined. Consider fewer factors (n_factors=1) or no rotation.",
            ConvergenceWarning,
            stacklevel=2,
        )
    rotated = A @ T
    if normalize:
        rotated = rotated * h[:, None]
    return rotated, T


class NicolettiResult(NamedTuple):
    """PCA/factor weights (Nicoletti et al. 2000).

    Attributes
    ----------
    weights : ndarray of shape (k,)
        Final weights, summing to 1.
    raw_weights : ndarray of shape (k,)
        Scaled squared loading times the factor's share of the explained
        variance, before the final division by their sum.
    factor : ndarray of int, shape (k,)
        Index of the (rotated) factor each variable is assigned to.
    loadings : ndarray of shape (k, n_factors)
        Loadings of the retained factors after rotation.
    explained : ndarray of shape (n_factors,)
        Variance explained by each retained factor after rotation (column sums
        of the squared loadings).
    eigenvalues : ndarray of shape (k,)
        All eigenvalues of the correlation matrix, largest first.
    n_factors : int
        Number of retained factors.
    """

    weights: FloatArray
    raw_weights: FloatArray
    factor: np.ndarray
    loadings: FloatArray
    explained: FloatArray
    eigenvalues: FloatArray
    n_factors: int


def _retained(
    eigenvalues: FloatArray, min_eigenvalue: float, min_share: float, min_cumulative: float
) -> int:
    share = eigenvalues / eigenvalues.sum()
    keep = (eigenvalues > min_eigenvalue) & (share > min_share)
    # Leading factors passing both tests; at least one.
    m = max(1, int(np.argmin(keep)) if not keep.all() else len(keep))
    # Then as many more as needed for the cumulative share to exceed the threshold.
    cumulative = np.cumsum(share)
    while m < len(eigenvalues) and cumulative[m - 1] <= min_cumulative:
        m += 1
    return m


def nicoletti_weights(
    R: FloatArray,
    *,
    n_factors: int | None = None,
    rotate: bool = True,
    min_eigenvalue: float = 1.0,
    min_share: float = 0.1,
    min_cumulative: float = 0.6,
) -> NicolettiResult:
    """Weights from a factor analysis of a correlation matrix (Nicoletti procedure).

    1. Principal components of the correlation matrix ``R``.
    2. Retain factors (unless ``n_factors`` is given): the leading factors whose
       eigenvalue exceeds ``min_eigenvalue`` (1) and whose share of the total
       variance exceeds ``min_share`` (10%), at least one; then, while their
       cumulative share is at most ``min_cumulative`` (60%), the next factor too.
    3. Varimax rotation of the retained loadings (``eigenvector * sqrt(eigenvalue)``).
    4. Squared loadings scaled to unity sum within each factor; each variable is
       assigned to the factor on which its squared loading is largest.
    5. Weight = scaled squared loading on that factor x the factor's share of the
       variance explained by all retained factors.
    6. The weights are divided by their sum. They already sum to 1 unless a
       retained factor has no variable assigned to it, in which case that
       factor's share is spread over the others; ``raw_weights`` keeps the
       values of step 5.

    Parameters
    ----------
    R : ndarray of shape (k, k)
        Correlation matrix (see :func:`correlation_for_pca` to get one from data).
    n_factors : int, optional
        Number of factors to retain instead of the rule above.
    rotate : bool, default True
        Apply the varimax rotation.
    min_eigenvalue, min_share, min_cumulative : float
        Thresholds of the retention rule.

    Returns
    -------
    NicolettiResult

    References
    ----------
    .. [1] Nicoletti, G., Scarpetta, S. and Boylaud, O. (2000). OECD Economics
       Department Working Paper 226.
    .. [2] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*,
       section 6.1.

    Examples
    --------
    Two blocks of indicators correlated 0.8 and 0.4 within, 0 across:

    >>> R = np.array([[1, .8, 0, 0], [.8, 1, 0, 0], [0, 0, 1, .4], [0, 0, .4, 1]])
    >>> (nicoletti_weights(R).weights * 32).round(10).tolist()
    [9.0, 9.0, 7.0, 7.0]
    """
    R = _as_matrix(R, "correlation matrix")
    k = R.shape[0]
    if R.shape != (k, k) or k == 0:
        raise MethodError(f"The correlation matrix must be square and non-empty; got {R.shape}.")
    if not np.isfinite(R).all():
        raise MethodError("The correlation matrix has missing or infinite entries.")
    if k == 1:
        one = np.ones(1)
        return NicolettiResult(one, one, np.zeros(1, dtype=int), one[:, None], one, one, 1)
    values, vectors = principal_components(R)
    if n_factors is None:
        m = _retained(values, min_eigenvalue, min_share, min_cumulative)
    else:
        if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer) or not (
            1 <= int(n_factors) <= k
        ):
            raise ParameterError(
                f"The 'n_factors' parameter must be an integer from 1 to {k}. "
                f"Got {n_factors!r} instead."
            )
        m = int(n_factors)
    loadings = vectors[:, :m] * np.sqrt(np.clip(values[:m], 0.0, None))
    if rotate:
        loadings, _ = varimax(loadings)
    squared = loadings**2
    explained = squared.sum(axis=0)
    factor = np.argmax(squared, axis=1)
    raw = squared[np.arange(k), factor] / explained.sum()
    total = raw.sum()
    if not total > 0:
        raise MethodError("The retained factors explain no variance; PCA weights are undefined.")
    return NicolettiResult(raw / total, raw, factor, loadings, explained, values, m)


# --------------------------------------------------------------------------- entropy


class EntropyResult(NamedTuple):
    """Entropy weights.

    Attributes
    ----------
    weights : ndarray of shape (k,)
        ``(1 - e_j) / sum(1 - e)``.
    entropy : ndarray of shape (k,)
        The normalised entropy ``e_j`` in [0, 1] of each column.
    """

    weights: FloatArray
    entropy: FloatArray


def entropy_weights(
    X: FloatArray, *, units: Sequence[str] | None = None, codes: Sequence[str] | None = None
) -> EntropyResult:
    """Entropy weights: columns whose values are spread unevenly over units weigh more.

    ``p_ij = x_ij / sum_i x_ij``; ``e_j = -(1 / ln n_j) sum_i p_ij ln p_ij`` with
    ``0 ln 0 = 0``; ``w_j = (1 - e_j) / sum_j (1 - e_j)``.

    Parameters
    ----------
    X : ndarray of shape (n_units, k)
        Non-negative values (for example min-max normalised indicators).
    units, codes : sequence of str, optional
        Labels for the messages.

    Returns
    -------
    EntropyResult

    Raises
    ------
    MethodError
        For a negative value, a column with fewer than two values, or when every
        column is constant (all weights would be 0).

    Notes
    -----
    Missing values are left out: ``n_j`` is the number of observed values of
    column ``j``, so ``e_j`` stays in [0, 1]. A constant column (including an
    all-zero one) has ``e_j = 1`` and gets weight 0.

    References
    ----------
    .. [1] Zou, Z., Yun, Y. and Sun, J. (2006). Entropy method for determination
       of weight of evaluating indicators in fuzzy synthetic evaluation for water
       quality assessment. *Journal of Environmental Sciences* 18(5), 1020-1023.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> entropy_weights(X).weights.tolist()
    [0.0, 1.0]
    """
    X = _as_matrix(X, "data", finite=True)
    observed = ~np.isnan(X)
    negative = observed & (np.where(observed, X, 0.0) < 0)
    if negative.any():
        i, j = (int(v) for v in np.argwhere(negative)[0])
        raise MethodError(
            f"Entropy weights need non-negative values, but {_label(codes, j, 'column')} is "
            f"{X[i, j]:g} for {_label(units, i, 'unit')}. Normalise to a non-negative range "
            "first (for example min-max)."
        )
    n = observed.sum(axis=0)
    if (n < 2).any():
        j = int(np.argmax(n < 2))
        raise MethodError(
            f"{_label(codes, j, 'column', first=True)} has fewer than two values; its entropy "
            "is undefined."
        )
    x0 = np.where(observed, X, 0.0)
    total = x0.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x0 / total
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    # A constant column (all-zero included) has entropy exactly 1, whatever the rounding.
    constant = np.nanmax(X, axis=0) == np.nanmin(X, axis=0)
    e = np.where(constant, 1.0, np.clip(e, 0.0, 1.0))
    d = 1.0 - e
    if not d.sum() > 0:
        raise MethodError(
            "Every column is constant (entropy 1), so entropy weights are all zero; there is "
            "nothing to weigh."
        )
    return EntropyResult(d / d.sum(), e)


# --------------------------------------------------------------------------- AHP


class AHPResult(NamedTuple):
    """Weights from a pairwise comparison matrix.

    Attributes
    ----------
    weights : ndarray of shape (n,)
        Principal eigenvector, normalised to sum 1.
    lambda_max : float
        Principal eigenvalue.
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)`` (0 for n = 1).
    cr : float
        Consistency ratio ``ci / RI_n`` (0 for n <= 2, where every reciprocal
        matrix is consistent; ``NaN`` for n > 15, beyond Saaty's table).
    ri : float
        The random index used (``NaN`` for n > 15).
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    ri: float


def ahp_weights(
    A: FloatArray, *, codes: Sequence[str] | None = None, reciprocal_tol: float = 0.01
) -> AHPResult:
    """Analytic hierarchy process: weights from a pairwise comparison matrix.

    ``A[i, j]`` says how many times more important item ``i`` is than item ``j``
    (Saaty's 1-9 scale); the matrix must be positive with ``A[j, i] = 1 / A[i, j]``.

    Parameters
    ----------
    A : ndarray of shape (n, n)
    codes : sequence of str, optional
        Labels for the messages.
    reciprocal_tol : float, default 0.01
        Largest accepted ``|A[i, j] * A[j, i] - 1|``, so that a judgement typed
        as 0.333 for 1/3 is accepted while a wrong entry is not.

    Returns
    -------
    AHPResult

    Warns
    -----
    InconsistencyWarning
        If the consistency ratio is 0.1 or more.

    Raises
    ------
    MethodError
        If the matrix is not square, not positive and finite, has a diagonal
        other than 1 or is not reciprocal (the message names the pair).

    References
    ----------
    .. [1] Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Examples
    --------
    >>> res = ahp_weights([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> res.weights.round(5).tolist(), round(res.lambda_max, 5), round(res.cr, 4)
    ([0.63699, 0.25828, 0.10473], 3.03851, 0.0332)
    """
    M = _as_matrix(A, "comparison matrix")
    n = M.shape[0]
    if M.shape != (n, n) or n == 0:
        raise MethodError(f"The comparison matrix must be square and non-empty; got {M.shape}.")
    if not np.isfinite(M).all() or (M <= 0).any():
        i, j = (int(v) for v in np.argwhere(~np.isfinite(M) | (M <= 0))[0])
        raise MethodError(
            f"Every entry of a comparison matrix must be a positive number; the entry for "
            f"{_label(codes, i, 'item')} over {_label(codes, j, 'item')} is {M[i, j]:g}."
        )
    if not np.allclose(np.diag(M), 1.0, rtol=0, atol=reciprocal_tol):
        i = int(np.argmax(np.abs(np.diag(M) - 1.0)))
        raise MethodError(
            f"The diagonal of a comparison matrix must be 1 (an item is as important as "
            f"itself); {_label(codes, i, 'item')} has {M[i, i]:g}."
        )
    gap = np.abs(M * M.T - 1.0)
    if (gap > reciprocal_tol).any():
        i, j = (int(v) for v in np.unravel_index(np.argmax(gap), gap.shape))
        raise MethodError(
            f"The comparison matrix is not reciprocal: {_label(codes, i, 'item')} over "
            f"{_label(codes, j, 'item')} is {M[i, j]:g} but the reverse entry is {M[j, i]:g} "
            f"instead of {1 / M[i, j]:.4g}. Set A[j, i] = 1 / A[i, j]."
        )
    values, vectors = np.linalg.eig(M)
    top = int(np.argmax(values.real))
    lam = float(values[top].real)
    w = np.abs(vectors[:, top].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX[n - 1] if n <= len(RANDOM_INDEX) else float("nan")
    cr = 0.0 if n <= 2 else ci / ri
    if cr >= 0.1:
        warnings.warn(
            f"The comparison matrix has a consistency ratio of {cr:.3f} (>= 0.1): the "
            "judgements contradict each other too much to trust the weights. Revise the "
            "comparisons.",
            InconsistencyWarning,
            stacklevel=2,
        )
    return AHPResult(w, lam, float(ci), float(cr), float(ri))


# --------------------------------------------------------------------------- budget


class BudgetResult(NamedTuple):
    """Weights from a budget allocation by several experts.

    Attributes
    ----------
    weights : ndarray of shape (k,)
        Mean of the experts' shares; sums to 1.
    shares : ndarray of shape (n_experts, k)
        Each expert's allocation divided by that expert's total.
    sd : ndarray of shape (k,)
        Standard deviation of the shares across experts (n - 1 denominator;
        ``NaN`` with one expert).
    low, high : ndarray of shape (k,)
        Smallest and largest share given by any expert.
    """

    weights: FloatArray
    shares: FloatArray
    sd: FloatArray
    low: FloatArray
    high: FloatArray


def budget_weights(
    allocations: FloatArray,
    *,
    budget: float | None = None,
    experts: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> BudgetResult:
    """Budget allocation: experts distribute a budget of points over the items.

    Parameters
    ----------
    allocations : ndarray of shape (n_experts, k)
        Points each expert gives each item (non-negative, no missing values).
    budget : float, optional
        The budget every expert had to spend. If given, each row must sum to
        it (to within 1e-9 relative); if not, each row is divided by its own total.
    experts, codes : sequence of str, optional
        Labels for the messages.

    Returns
    -------
    BudgetResult

    Raises
    ------
    MethodError
        For a negative or missing allocation, an expert who allocated nothing, or
        a row that does not add up to ``budget``.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*,
       section 6.1 ("Budget allocation process").

    Examples
    --------
    >>> res = budget_weights([[50, 30, 20], [30, 30, 40]], budget=100)
    >>> res.weights.tolist(), res.low.tolist()
    ([0.4, 0.3, 0.3], [0.3, 0.3, 0.2])
    """
    B = _as_matrix(allocations, "allocation table")
    if B.size == 0:
        raise MethodError("The allocation table is empty: give at least one expert and item.")
    bad = ~np.isfinite(B) | (B < 0)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise MethodError(
            f"{_label(experts, i, 'expert', first=True)} gave {_label(codes, j, 'item')} "
            f"{B[i, j]:g} points; allocations must be non-negative numbers."
        )
    totals = B.sum(axis=1)
    if (totals <= 0).any():
        i = int(np.argmax(totals <= 0))
        raise MethodError(
            f"{_label(experts, i, 'expert', first=True)} allocated nothing; drop that row."
        )
    if budget is not None:
        # A NaN budget would compare unequal to nothing and be ignored in silence.
        budget = real_number(budget, "The 'budget' parameter of budget_allocation")
        if budget <= 0:
            raise ParameterError(
                "The 'budget' parameter of budget_allocation must be a positive number of "
                f"points (or None to use each expert's own total). Got {budget!r} instead."
            )
        off = np.abs(totals - budget) > 1e-9 * abs(budget)
        if off.any():
            i = int(np.argmax(off))
            raise MethodError(
                f"{_label(experts, i, 'expert', first=True)} allocated {totals[i]:g} points, "
                f"not the budget of {budget:g}. Correct the row or pass budget=None to divide "
                "each expert's points by their own total."
            )
    shares = B / totals[:, None]
    sd = shares.std(axis=0, ddof=1) if B.shape[0] > 1 else np.full(B.shape[1], np.nan)
    return BudgetResult(shares.mean(axis=0), shares, sd, shares.min(axis=0), shares.max(axis=0))


# --------------------------------------------------------------------------- BoD


class BoDSolution(NamedTuple):
    """Benefit-of-the-doubt scores.

    Attributes
    ----------
    scores : ndarray of shape (n_units,)
        Each unit's best achievable score, in [0, 1].
    weights : ndarray of shape (n_units, k)
        The weights that give each unit its score, in the units of the input
        data (one optimal solution when several exist).
    """

    scores: FloatArray
    weights: FloatArray


def _per_column(value: object, k: int, default: float, what: str) -> FloatArray:
    if value is None:
        return np.full(k, default)
    arr = np.array(value, dtype=float)
    if arr.ndim == 0:
        return np.full(k, float(arr))
    if arr.shape != (k,):
        raise ParameterError(
            f"The '{what}' parameter must be a number or have one entry per indicator ({k}); "
            f"got shape {arr.shape}."
        )
    return arr


def _nondominated(Y: FloatArray, block: int = 256) -> np.ndarray:
    """Rows not weakly dominated by another row (a dominated row's constraint is redundant)."""
    n = Y.shape[0]
    keep = np.ones(n, dtype=bool)
    for start in range(0, n, block):
        part = Y[start:start + block]
        le = np.all(part[:, None, :] <= Y[None, :, :], axis=2)
        lt = np.any(part[:, None, :] < Y[None, :, :], axis=2)
        keep[start:start + block] = ~(le & lt).any(axis=1)
    return keep


def benefit_of_the_doubt(
    Y: FloatArray,
    *,
    lower: object = None,
    upper: object = None,
    share_lower: object = None,
    share_upper: object = None,
    units: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> BoDSolution:
    """Benefit-of-the-doubt scores: each unit weighted in the light most favourable to it.

    For every unit ``c``, solve the linear programme

        maximise   sum_i w_i y_ci
        subject to sum_i w_i y_ji <= 1   for every unit j,
                   lower_i <= w_i <= upper_i,
                   share_lower_i <= w_i y_ci / sum_k w_k y_ck <= share_upper_i,

    with :func:`scipy.optimize.linprog` (HiGHS). The share ("pie share")
    restrictions are linearised as ``share_lower_i * sum_k w_k y_ck - w_i y_ci <= 0``
    and ``w_i y_ci - share_upper_i * sum_k w_k y_ck <= 0``.

    Parameters
    ----------
    Y : ndarray of shape (n_units, k)
        Non-negative values, more is better (for example min-max normalised
        indicators). No missing values.
    lower, upper : float or array of shape (k,), optional
        Absolute bounds on the weights, in the units of ``Y`` (default 0 and
        no upper bound). They are not invariant to rescaling an indicator.
    share_lower, share_upper : float or array of shape (k,), optional
        Bounds in [0, 1] on each indicator's share of the unit's score
        (default 0 and 1).
    units, codes : sequence of str, optional
        Labels for the messages.

    Returns
    -------
    BoDSolution

    Raises
    ------
    MethodError
        For missing or negative values.
    ParameterError
        For restrictions that no weights can meet: bounds out of range or
        crossing, share lower bounds summing above 1 or upper bounds below 1,
        lower bounds that alone push some unit above 1, a share lower bound on
        an indicator where a unit has the value 0, or an infeasible programme
        (the message names the unit and the restrictions).

    Notes
    -----
    Without absolute bounds the scores do not change when an indicator is
    multiplied by a positive constant, and a unit with the best value of any
    indicator scores 1. Internally each column is divided by its maximum before
    solving (better conditioning, exact invariance) and the weights are scaled
    back. Units whose values are weakly dominated by another unit's are dropped
    from the constraints, which leaves every programme unchanged because
    ``w >= 0``. The constraint matrices are built once; one programme per unit
    is solved.

    References
    ----------
    .. [1] Cherchye, L., Moesen, W., Rogge, N. and Van Puyenbroeck, T. (2007).
       An introduction to 'benefit of the doubt' composite indicators. *Social
       Indicators Research* 82, 111-145.

    Examples
    --------
    >>> Y = np.array([[1, .2], [.5, .5], [.2, 1], [.4, .4]])
    >>> benefit_of_the_doubt(Y).scores.round(6).tolist()
    [1.0, 0.833333, 1.0, 0.666667]
    """
    from scipy.optimize import linprog
    Y = _as_matrix(Y, "data", finite=True)
    n, k = Y.shape
    if n == 0 or k == 0:
        raise MethodError(
            f"Benefit of the doubt needs at least one unit and indicator; got shape {Y.shape}."
        )
    missing = np.isnan(Y)
    if missing.any():
        i, j = (int(v) for v in np.argwhere(missing)[0])
        raise MethodError(
            f"{_label(units, i, 'unit', first=True)} has no value for "
            f"{_label(codes, j, 'indicator')}; benefit of the doubt needs complete data. Impute "
            "first or leave the unit out."
        )
    if not np.isfinite(Y).all() or (Y < 0).any():
        i, j = (int(v) for v in np.argwhere(~np.isfinite(Y) | (Y < 0))[0])
        raise MethodError(
            f"Benefit of the doubt needs finite non-negative values, but "
            f"{_label(units, i, 'unit')} has {Y[i, j]:g} for {_label(codes, j, 'indicator')}. "
            "Normalise to a non-negative range first (for example min-max)."
        )
    lo = _per_column(lower, k, 0.0, "lower")
    hi = _per_column(upper, k, np.inf, "upper")
    slo = _per_column(share_lower, k, 0.0, "share_lower")
    shi = _per_column(share_upper, k, 1.0, "share_upper")
    _check_restrictions(Y, lo, hi, slo, shi, units, codes)

    scale = Y.max(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    Ys = Y / scale
    bounds = np.column_stack([lo * scale, np.where(np.isinf(hi), np.inf, hi * scale)])
    frontier = Ys[_nondominated(Ys)]
    n_front = frontier.shape[0]
    low_idx = np.flatnonzero(slo > 0)
    up_idx = np.flatnonzero(shi < 1)
    # Share rows for every unit at once: shape (n_units, rows, k).
    share_rows = np.concatenate(
        [
            slo[low_idx, None][None] * Ys[:, None, :]
            - np.eye(k)[low_idx][None] * Ys[:, None, :],
            np.eye(k)[up_idx][None] * Ys[:, None, :]
            - shi[up_idx, None][None] * Ys[:, None, :],
        ],
        axis=1,
    )
    A = np.vstack([frontier, np.zeros((share_rows.shape[1], k))])
    b = np.concatenate([np.ones(n_front), np.zeros(share_rows.shape[1])])
    scores = np.empty(n)
    weights = np.empty((n, k))
    for c in range(n):
        A[n_front:] = share_rows[c]
        res = linprog(
            -Ys[c], A_ub=A, b_ub=b, bounds=bounds, method="highs",
            options={"presolve": False},
        )
        if res.status == 2:
            raise ParameterError(
                f"The weight restrictions are infeasible for {_label(units, c, 'unit')}: "
                f"{_describe(lo, hi, slo, shi, codes)} cannot all hold while every unit scores "
                "at most 1. Loosen them."
            )
        if res.status != 0:
            raise MethodError(
                f"The benefit-of-the-doubt programme of {_label(units, c, 'unit')} failed: "
                f"{res.message}"
            )
        scores[c] = -res.fun
        weights[c] = res.x / scale
    return BoDSolution(scores, weights)


def _describe(
    lo: FloatArray, hi: FloatArray, slo: FloatArray, shi: FloatArray,
    codes: Sequence[str] | None,
) -> str:
    parts = []
    for name, arr, default in (("lower", lo, 0.0), ("upper", hi, np.inf),
                               ("share_lower", slo, 0.0), ("share_upper", shi, 1.0)):
        idx = np.flatnonzero(arr != default)
        if idx.size:
            shown = ", ".join(f"{_label(codes, int(j), 'indicator')}: {arr[j]:g}" for j in idx[:6])
            parts.append(f"{name} ({shown}{', ...' if idx.size > 6 else ''})")
    return "the restrictions " + "; ".join(parts) if parts else "the restrictions"


def _check_restrictions(
    Y: FloatArray, lo: FloatArray, hi: FloatArray, slo: FloatArray, shi: FloatArray,
    units: Sequence[str] | None, codes: Sequence[str] | None,
) -> None:
    for name, arr in (("lower", lo), ("share_lower", slo), ("share_upper", shi)):
        if not np.isfinite(arr).all():
            raise ParameterError(f"The '{name}' bounds must be finite numbers; got {arr.tolist()}.")
    if np.isnan(hi).any():
        raise ParameterError(f"The 'upper' bounds must be numbers; got {hi.tolist()}.")
    for name, arr in (("lower", lo), ("upper", hi)):
        if (arr < 0).any():
            j = int(np.argmax(arr < 0))
            raise ParameterError(
                f"The '{name}' weight bound of {_label(codes, j, 'indicator')} is {arr[j]:g}; "
                "weights are non-negative, so bounds must be >= 0."
            )
    if (lo > hi).any():
        j = int(np.argmax(lo > hi))
        raise ParameterError(
            f"The weight bounds of {_label(codes, j, 'indicator')} cross: lower {lo[j]:g} > "
            f"upper {hi[j]:g}."
        )
    for name, arr in (("share_lower", slo), ("share_upper", shi)):
        if ((arr < 0) | (arr > 1)).any():
            j = int(np.argmax((arr < 0) | (arr > 1)))
            raise ParameterError(
                f"The '{name}' bound of {_label(codes, j, 'indicator')} is {arr[j]:g}; a share "
                "must lie in [0, 1]."
            )
    if (slo > shi).any():
        j = int(np.argmax(slo > shi))
        raise ParameterError(
            f"The share bounds of {_label(codes, j, 'indicator')} cross: share_lower "
            f"{slo[j]:g} > share_upper {shi[j]:g}."
        )
    if slo.sum() > 1 + 1e-12:
        raise ParameterError(
            f"The share lower bounds sum to {slo.sum():g} > 1: the shares of a score cannot "
            "all be that large. Lower them."
        )
    if shi.sum() < 1 - 1e-12:
        raise ParameterError(
            f"The share upper bounds sum to {shi.sum():g} < 1: the shares of a score must add "
            "up to 1. Raise them."
        )
    floor = Y @ lo
    if (floor > 1 + 1e-12).any():
        i = int(np.argmax(floor))
        raise ParameterError(
            f"The lower weight bounds alone give {_label(units, i, 'unit')} a score of "
            f"{floor[i]:g} > 1, so no weights satisfy them. Lower the 'lower' bounds (they are "
            "in the units of the data)."
        )
    zero_conflict = (Y == 0) & (slo > 0)
    if zero_conflict.any():
        i, j = (int(v) for v in np.argwhere(zero_conflict)[0])
        count = int(zero_conflict.any(axis=1).sum())
        raise ParameterError(
            f"{_label(units, i, 'unit', first=True)} has the value 0 for "
            f"{_label(codes, j, 'indicator')}, so no weights give that indicator the share of "
            f"at least {slo[j]:g} that 'share_lower' demands ({count} unit(s) are in this "
            "case). Lower that share bound to 0, or normalise to a range that excludes 0 "
            "(for example MinMax(low=1, high=100))."
        )
    # A unit with no positive value scores 0 whatever the weights; its shares are moot.
    reachable = np.where(Y > 0, shi, 0.0).sum(axis=1)
    short = (reachable < 1 - 1e-12) & (Y > 0).any(axis=1)
    if short.any():
        i = int(np.argmax(short))
        raise ParameterError(
            f"The share upper bounds of the indicators where {_label(units, i, 'unit')} has a "
            f"positive value sum to {reachable[i]:g} < 1, so its shares cannot add up to 1. "
            "Raise 'share_upper'."
        )
