"""Shapley effects of dependent weights on every unit's score and rank.

Sobol indices need independent inputs, so :func:`~spindex.analysis.sobol.sobol` refuses
weights that live on a simplex (they sum to one: moving one moves the others). Shapley
effects (Owen 2014; Song, Nelson and Staum 2016) apportion the variance of an output among
dependent inputs: input ``i`` gets the average, over all orders in which the inputs could be
revealed, of the variance it removes when it joins the inputs revealed before it. They are
non-negative for these costs, sum to the output's variance, and two perfectly dependent
inputs share equally.

Estimator. With ``d`` inputs and the cost ``c(S) = E[Var(Y | X_-S)]`` (the variance left
when only the inputs outside ``S`` are known; ``c({}) = 0``, ``c(all) = Var(Y)``), the Shapley
effect is the exact subset formula

    Sh_i = sum over S not containing i of  |S|! (d - |S| - 1)! / d!  (c(S + i) - c(S)),

which equals the average over all ``d!`` permutations (Song et al. 2016, Theorem 1, and
their "exact permutation" algorithm; every subset's cost estimated once and shared by the
permutations that reach it, as in Broto, Bachoc and Depecker 2020). Each ``c(S)`` is
estimated by double-loop Monte Carlo: ``n_outer`` draws of ``X_-S`` from its marginal, and
for each ``n_inner`` draws of ``X_S`` from its conditional distribution given ``X_-S``;
``c(S)`` is the mean over outer draws of the inner sample variances (unbiased for any
``n_inner >= 2``). ``Var(Y)`` comes from ``n_var`` independent draws. The subsets are
estimated from independent draws, so the standard error of each effect is exact for the
estimator: ``sqrt(sum_S a_iS^2 Var(c_hat(S)))`` with ``a_iS`` the coefficient of ``c(S)`` in
``Sh_i``. Every estimate is unbiased; the error falls as ``1 / sqrt(n_outer)``.

Beyond a handful of weights (``2**d`` subsets), ``permutations=m`` switches to the
random-permutation estimator of Song, Nelson and Staum (2016, Algorithm 1): ``m`` random
orders, the cost of each order's ``d - 1`` proper prefixes from ``n_outer`` outer and
``n_inner`` inner draws (they recommend ``n_outer = 1``, ``n_inner = 3``), each input
credited with the cost increase when it joins. Increments telescope, so effects again sum
to the variance estimate exactly; the standard error is the spread of the increments over
the independent orders over ``sqrt(m)``.

Conditional sampling is exact for simplex weights: the weights of a sibling group are
Dirichlet (``DirichletWeights``, ``UniformSimplex``), and a Dirichlet vector is neutral:
given the weights outside ``S``, the weights of ``S`` in the same group are their remaining
mass times a Dirichlet of their own parameters (a single one is determined). Groups under
different parents are independent.

References
----------
Owen, A. B. (2014). Sobol' indices and Shapley value. *SIAM/ASA JUQ* 2, 245-251.
Song, E., Nelson, B. L. and Staum, J. (2016). Shapley effects for global sensitivity
analysis: theory and computation. *SIAM/ASA JUQ* 4, 1060-1083.
Owen, A. B. and Prieur, C. (2017). On Shapley value for measuring importance of dependent
inputs. *SIAM/ASA JUQ* 5, 986-1002.
Iooss, B. and Prieur, C. (2019). Shapley effects for sensitivity analysis with correlated
inputs: comparisons with Sobol' indices, numerical estimation and applications. *IJUQ* 9(5),
493-514.
Broto, B., Bachoc, F. and Depecker, M. (2020). Variance reduction for estimation of Shapley
effects and adaptation to unknown input distribution. *SIAM/ASA JUQ* 8, 693-716.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from spindex._ranking import rank_rows
from spindex.analysis._engine import CompiledModel
from spindex.analysis._runs import (
    check_count,
    check_memory,
    check_model_and_data,
    check_seed,
    child_sequence,
    seed_record,
)
from spindex.analysis.sampling import DirichletWeights, UniformSimplex
from spindex.errors import ParameterError, SpindexTypeError, SpindexWarning
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["ShapleyResult", "shapley_effects"]

#: Most inputs the exact subset estimator takes (2**d - 2 subset costs).
MAX_INPUTS = 12


class _Inputs(Protocol):
    """A joint distribution of ``d`` inputs that can be sampled conditionally."""

    @property
    def d(self) -> int: ...

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray: ...

    def resample(self, rng: np.random.Generator, X: FloatArray, S: np.ndarray) -> None: ...

    def resample_rows(self, rng: np.random.Generator, X: FloatArray, F: np.ndarray) -> None: ...


@dataclass(frozen=True)
class _Simplex:
    """Independent Dirichlet groups: ``groups[g]`` are input positions, ``alphas[g]`` their
    parameters."""

    groups: tuple[np.ndarray, ...]
    alphas: tuple[FloatArray, ...]
    d: int

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        X = np.empty((n, self.d))
        for cols, alpha in zip(self.groups, self.alphas, strict=True):
            X[:, cols] = rng.dirichlet(alpha, size=n)
        return X

    def resample(self, rng: np.random.Generator, X: FloatArray, S: np.ndarray) -> None:
        """Redraw in place the inputs flagged in ``S`` given the others (neutrality)."""
        for cols, alpha in zip(self.groups, self.alphas, strict=True):
            free = S[cols]
            if not free.any():
                continue
            mass = 1.0 - X[:, cols[~free]].sum(axis=1)
            if free.sum() == 1:
                X[:, cols[free]] = mass[:, None]
            else:
                X[:, cols[free]] = mass[:, None] * rng.dirichlet(alpha[free], size=len(X))


    def resample_rows(self, rng: np.random.Generator, X: FloatArray, F: np.ndarray) -> None:
        """As :meth:`resample`, with its own set of redrawn inputs per row (``F``: rows x d).

        A Dirichlet vector is independent gammas over their sum, so the free weights of
        every row are drawn at once: gammas masked to the row's free entries, normalised."""
        for cols, alpha in zip(self.groups, self.alphas, strict=True):
            free = F[:, cols]
            rows = free.any(axis=1)
            if not rows.any():
                continue
            Xg, fg = X[np.ix_(rows, cols)], free[rows]
            mass = 1.0 - np.where(fg, 0.0, Xg).sum(axis=1)
            G = np.where(fg, rng.standard_gamma(alpha, size=fg.shape), 0.0)
            total = G.sum(axis=1)
            # Gammas of tiny shape can all underflow to zero: draw those rows exactly.
            for i in np.flatnonzero(total <= 0):
                G[i, fg[i]] = rng.dirichlet(alpha[fg[i]])
                total[i] = 1.0
            X[np.ix_(rows, cols)] = np.where(fg, mass[:, None] * G / total[:, None], Xg)


def _coefficients(d: int) -> tuple[np.ndarray, np.ndarray]:
    """Subset masks (all of them, as a bit matrix) and the coefficient of each subset's cost
    in each input's Shapley effect: ``+g(|S| - 1)`` if i in S, ``-g(|S|)`` if not, with
    ``g(s) = s! (d - s - 1)! / d!`` (the empty set's cost is zero and drops out)."""
    codes = np.arange(2**d)
    masks = ((codes[:, None] >> np.arange(d)) & 1).astype(bool)
    size = masks.sum(axis=1)

    def g(s: np.ndarray) -> np.ndarray:
        out = np.zeros(s.shape)
        ok = (s >= 0) & (s <= d - 1)
        out[ok] = [math.factorial(int(k)) * math.factorial(d - int(k) - 1) / math.factorial(d)
                   for k in s[ok]]
        return out

    coef = np.where(masks, g(size - 1)[:, None], -g(size)[:, None])  # subsets x inputs
    return masks, coef


def _estimate(
    func: Callable[[FloatArray], FloatArray], inputs: _Inputs, *, n_var: int, n_outer: int,
    n_inner: int, seed: np.random.SeedSequence,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Shapley effects, their standard errors (inputs x outputs) and Var(Y) (outputs).

    ``func`` maps rows of inputs (n x d) to outputs (n x m), vectorised over rows."""
    d = inputs.d
    masks, coef = _coefficients(d)
    # Not seed.spawn: it would change the caller's SeedSequence, so the same seed given twice
    # would not repeat the run.
    streams = [child_sequence(seed, k) for k in range(len(masks))]
    costs = np.zeros((len(masks), 0))
    cost_var = costs
    for k in range(1, len(masks)):
        rng = np.random.default_rng(streams[k])
        if k == len(masks) - 1:
            c, v = _variance(func(inputs.sample(rng, n_var)), n_var)
        else:
            outer = inputs.sample(rng, n_outer)
            X = np.repeat(outer, n_inner, axis=0)
            inputs.resample(rng, X, masks[k])
            Y = func(X).reshape(n_outer, n_inner, -1)
            inner = Y.var(axis=1, ddof=1)  # n_outer x outputs
            c = inner.mean(axis=0)
            v = inner.var(axis=0, ddof=1) / n_outer
        if costs.shape[1] == 0:
            costs = np.zeros((len(masks), c.shape[0]))
            cost_var = np.zeros_like(costs)
        costs[k], cost_var[k] = c, v
    effects = coef.T @ costs
    std_error = np.sqrt((coef.T**2) @ cost_var)
    return effects, std_error, costs[-1]


def _variance(Y: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """Sample variance of each output and the variance of that estimate,
    ``(m4 - (n - 3) / (n - 1) s^4) / n``."""
    c = Y.var(axis=0, ddof=1)
    m4 = ((Y - Y.mean(axis=0)) ** 4).mean(axis=0)
    return c, np.maximum(m4 - (n - 3) / (n - 1) * c**2, 0.0) / n


#: Model runs per call of the function in the random-permutation estimator.
_BLOCK_ROWS = 16_384


def _estimate_random(
    func: Callable[[FloatArray], FloatArray], inputs: _Inputs, *, n_perm: int, n_var: int,
    n_outer: int, n_inner: int, seed: np.random.SeedSequence,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Song, Nelson and Staum's (2016) random-permutation estimator (their Algorithm 1).

    For each of ``n_perm`` random orders, the costs of its ``d - 1`` proper prefixes are
    estimated by double-loop Monte Carlo and each input gets the increase of the cost when
    it joins; the effects are the means over orders. Each order's increments telescope to
    the variance estimate, so effects sum to it exactly. Orders are independent given that
    shared estimate, so the standard error is the spread of the increments over orders
    divided by ``sqrt(n_perm)`` (the error of the shared variance is not included)."""
    d = inputs.d
    streams = [child_sequence(seed, k) for k in range(2)]
    V, _ = _variance(func(inputs.sample(np.random.default_rng(streams[0]), n_var)), n_var)
    rng = np.random.default_rng(streams[1])
    orders = np.argsort(rng.random((n_perm, d)), axis=1)
    # prefix[p, j] flags the first j + 1 inputs of order p (j < d - 1: the proper prefixes).
    rank = np.argsort(orders, axis=1)
    prefix = rank[:, None, :] <= np.arange(d - 1)[None, :, None]  # orders x (d-1) x d
    rows = (d - 1) * n_outer * n_inner
    per_block = max(1, _BLOCK_ROWS // rows)
    # The increments are reduced block by block (count, mean, sum of squared deviations,
    # merged as Chan et al. 1979), so memory does not grow with the number of orders.
    count = 0
    mean = np.zeros((d, V.shape[0]))
    m2 = np.zeros((d, V.shape[0]))
    for start in range(0, n_perm, per_block):
        stop = min(start + per_block, n_perm)
        m = stop - start
        F = np.repeat(prefix[start:stop].reshape(m * (d - 1), d), n_outer * n_inner, axis=0)
        X = np.repeat(inputs.sample(rng, m * (d - 1) * n_outer), n_inner, axis=0)
        inputs.resample_rows(rng, X, F)
        Y = func(X).reshape(m, d - 1, n_outer, n_inner, -1)
        cost = Y.var(axis=3, ddof=1).mean(axis=2)  # orders x (d - 1) x outputs
        cost = np.concatenate([np.zeros((m, 1, V.shape[0])), cost,
                               np.broadcast_to(V, (m, 1, V.shape[0]))], axis=1)
        steps = np.diff(cost, axis=1)  # orders x d (position in the order) x outputs
        block = np.zeros((m, d, V.shape[0]))
        np.put_along_axis(block, orders[start:stop, :, None], steps, axis=1)
        block_mean = block.mean(axis=0)
        block_m2 = ((block - block_mean) ** 2).sum(axis=0)
        total = count + m
        shift = block_mean - mean
        mean = mean + shift * (m / total)
        m2 = m2 + block_m2 + shift**2 * (count * m / total)
        count = total
    effects = mean
    std_error = np.sqrt(m2 / (n_perm - 1)) / np.sqrt(n_perm) if n_perm > 1 else np.full(
        effects.shape, np.nan)
    return effects, std_error, V


def _simplex_inputs(
    model: CompositeIndex, weights: Any, owner: str, exact: bool
) -> tuple[_Simplex, tuple[str, ...]]:
    if not isinstance(weights, DirichletWeights | UniformSimplex):
        raise SpindexTypeError(
            f"The 'weights' parameter of {owner} must be a DirichletWeights or UniformSimplex "
            "(weights on the simplex of each sibling group), e.g. "
            f"sp.UniformSimplex(levels=[2]). Got {type(weights).__name__} instead."
        )
    fw = model.framework
    varying = tuple(weights.varying(fw))
    if len(varying) < 2:
        raise ParameterError(
            f"{owner} needs at least two varying weights; {weights!r} varies {list(varying)}. "
            "Select a level or nodes with siblings."
        )
    if exact and len(varying) > MAX_INPUTS:
        raise ParameterError(
            f"{owner} estimates the cost of every subset of the inputs, so it takes at most "
            f"{MAX_INPUTS} weights; {weights!r} varies {len(varying)}. Vary one level (e.g. "
            "levels=[2]) or a few nodes (nodes=[...]), or sample orders of the weights "
            "with permutations=1000, n_outer=1."
        )
    nw = fw.normalized_weights()
    position = {c: i for i, c in enumerate(varying)}
    groups: dict[str, list[str]] = {}
    for code in varying:
        groups.setdefault(str(fw.parent(code)), []).append(code)
    cols, alphas = [], []
    for parent, members in groups.items():
        missing = [c for c in fw.children(parent) if c not in members]
        if missing:
            raise ParameterError(
                f"Weights on a simplex vary whole groups of siblings, but {owner} was given "
                f"only part of the children of '{parent}' (missing {missing}). Select a whole "
                f"level or every child of '{parent}'."
            )
        if isinstance(weights, UniformSimplex):
            alpha = np.ones(len(members))
        else:
            # DirichletWeights' own parameters: concentration * k * nominal share.
            w = nw[members].to_numpy(dtype=float)
            if (w <= 0).any():
                raise ParameterError(
                    f"A Dirichlet around the nominal weights needs positive weights; "
                    f"{[c for c, x in zip(members, w, strict=True) if x <= 0]} weigh zero. "
                    "Give them a positive nominal weight or use UniformSimplex."
                )
            alpha = float(weights.concentration) * len(members) * w
        cols.append(np.array([position[c] for c in members], dtype=np.intp))
        alphas.append(alpha)
    return _Simplex(tuple(cols), tuple(alphas), len(varying)), varying


@dataclass(frozen=True, eq=False)
class ShapleyResult:
    """Shapley effects of the varying weights on every unit's score and rank.

    Attributes
    ----------
    inputs : tuple of str
        The varying weights (node codes), one input each.
    effects, rank_effects : pandas.DataFrame
        Inputs x units: the Shapley effect of each weight on the unit's score (rank), in
        variance units. Each column sums to :attr:`variance` (:attr:`rank_variance`).
    std_error, rank_std_error : pandas.DataFrame
        Inputs x units: Monte Carlo standard error of each effect.
    variance, rank_variance : pandas.Series
        Per unit: estimated variance of its score (rank) over the weight distribution.
    n_var, n_outer, n_inner : int
        Sample sizes of the estimator.
    permutations : int or None
        Number of random orders (random-permutation estimator), or None for the exact
        subset formula. The model ran :attr:`runs` times.
    seed : int or numpy.random.SeedSequence
        The seed that repeats the analysis (the entropy drawn when none was given).

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    >>> sh = sp.shapley_effects(model, sp.datasets.load("asem"),
    ...                         weights=sp.UniformSimplex(levels=[2]), n_outer=8, n_var=200,
    ...                         seed=3)
    >>> sh.effects.shape, sh.runs
    ((8, 51), 6296)
    >>> sorted(sh.to_frame().columns)
    ['effect', 'input', 'output', 'share', 'std_error', 'unit']
    """

    inputs: tuple[str, ...]
    effects: pd.DataFrame
    std_error: pd.DataFrame
    variance: pd.Series
    rank_effects: pd.DataFrame
    rank_std_error: pd.DataFrame
    rank_variance: pd.Series
    n_var: int
    n_outer: int
    n_inner: int
    seed: int | np.random.SeedSequence
    permutations: int | None = None

    @property
    def runs(self) -> int:
        """Number of model evaluations: ``n_var + (2**d - 2) n_outer n_inner`` for the
        exact formula, ``n_var + permutations (d - 1) n_outer n_inner`` otherwise."""
        d = len(self.inputs)
        sets = 2**d - 2 if self.permutations is None else self.permutations * (d - 1)
        return self.n_var + sets * self.n_outer * self.n_inner

    @property
    def shares(self) -> pd.DataFrame:
        """Effects on the scores divided by each unit's score variance (columns sum to 1;
        NaN for a unit whose score does not vary)."""
        return self.effects / self.variance.where(self.variance > 0)

    @property
    def rank_shares(self) -> pd.DataFrame:
        """Effects on the ranks divided by each unit's rank variance (NaN where the rank
        never varies)."""
        return self.rank_effects / self.rank_variance.where(self.rank_variance > 0)

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per output (``"score"`` or ``"rank"``), unit and input, with
        the effect, its share of the variance and its standard error."""
        parts = []
        for kind, eff, share, se in (("score", self.effects, self.shares, self.std_error),
                                     ("rank", self.rank_effects, self.rank_shares,
                                      self.rank_std_error)):
            frame = pd.DataFrame({
                "output": kind,
                "unit": np.tile(eff.columns.to_numpy(dtype=object), len(eff.index)),
                "input": np.repeat(eff.index.to_numpy(dtype=object), len(eff.columns)),
                "effect": eff.to_numpy().ravel(),
                "share": share.to_numpy().ravel(),
                "std_error": se.to_numpy().ravel(),
            })
            parts.append(frame)
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """Per input: the mean over units of its share of the score and of the rank
        variance (units whose output varies)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return pd.DataFrame({"mean_share_score": self.shares.mean(axis=1),
                                 "mean_share_rank": self.rank_shares.mean(axis=1)})

    def __repr__(self) -> str:
        head = (f"<ShapleyResult: {len(self.inputs)} weights, {self.effects.shape[1]} units, "
                f"{self.runs:,} runs>")
        with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 100):
            return head + "\n" + self.summary().to_string()

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: each weight's mean shares."""
        from spindex._html import repr_html

        estimator = ("exact subsets" if self.permutations is None
                     else f"{self.permutations:,} random orders")
        return repr_html(
            f"ShapleyResult: {len(self.inputs)} weights, {self.effects.shape[1]} units",
            [("runs", self.runs), ("estimator", estimator)], self.summary(),
            index_label="input", dash="undefined (no variance to apportion)")


@dataclass(frozen=True)
class _Score:
    """Scores and ranks of every unit for rows of varying weights."""

    compiled: CompiledModel
    columns: np.ndarray

    def __call__(self, X: FloatArray) -> FloatArray:
        W = np.tile(self.compiled.nominal_weights, (len(X), 1))
        W[:, self.columns] = X
        scores = self.compiled.evaluate(W)
        ranks = rank_rows(scores, self.compiled.tie_scales[0]).astype(float)
        return np.concatenate([scores, ranks], axis=1)


def shapley_effects(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    weights: DirichletWeights | UniformSimplex,
    n_outer: int = 512,
    n_inner: int = 3,
    n_var: int = 10_000,
    permutations: int | None = None,
    seed: int | np.random.SeedSequence | None = None,
) -> ShapleyResult:
    """Shapley effects of weights on the simplex on every unit's score and rank.

    Each varying weight is one input; the weights of a sibling group are Dirichlet (so they
    are dependent: they sum to one), groups under different parents independent. Effects
    are estimated by the exact subset (all-permutation) formula with double-loop Monte
    Carlo costs, or for many weights by Song, Nelson and Staum's random-permutation
    estimator (see :mod:`spindex.analysis.shapley`), scoring all units at once through the
    compiled model.

    Parameters
    ----------
    model : CompositeIndex
        The nominal model; every node above a varying weight must use a power mean.
    data : pandas.DataFrame
        The data it scores.
    weights : DirichletWeights or UniformSimplex
        The weight distribution, e.g. ``sp.UniformSimplex(levels=[2])``; whole sibling
        groups, 2 to 12 weights in all.
    n_outer : int, default 512
        Outer draws per subset cost (at least 2 for the exact formula, whose standard
        errors fall as ``1 / sqrt(n_outer)``; 1 is Song et al.'s choice with
        ``permutations``).
    n_inner : int, default 3
        Inner (conditional) draws per outer draw, at least 2 (Song et al. 2016 recommend 3).
    n_var : int, default 10000
        Draws for the output variances, at least 2.
    permutations : int, optional
        Sample this many random orders of the weights instead of using every subset
        (needed beyond 12 weights; e.g. ``permutations=2000, n_outer=1``). The standard
        errors then fall as ``1 / sqrt(permutations)``.
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of every draw; without one, fresh entropy is drawn and recorded.

    Returns
    -------
    ShapleyResult

    Raises
    ------
    SpindexTypeError
        For a model, data or weight distribution of the wrong type.
    ParameterError
        For fewer than 2 varying weights (or more than 12 without ``permutations``), a
        partial sibling group, counts
        out of range, a negative seed, a design too large for memory, or a node above the
        weights that is not a power mean.

    Warns
    -----
    SpindexWarning
        When the rank of some units never varies in the variance sample (their rank
        shares are NaN).

    References
    ----------
    Song, Nelson and Staum (2016), SIAM/ASA JUQ 4; Owen and Prieur (2017), SIAM/ASA JUQ 5;
    Iooss and Prieur (2019), IJUQ 9(5).

    Examples
    --------
    >>> import warnings
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
    ...                           normalize=sp.MinMax(1, 100))
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", sp.SpindexWarning)  # the leaders' ranks are fixed
    ...     sh = sp.shapley_effects(model, data, weights=sp.UniformSimplex(levels=[3]),
    ...                             n_outer=64, n_var=500, seed=1)
    >>> sh.inputs
    ('Conn', 'Sust')
    >>> bool((sh.shares.sum().dropna() - 1).abs().max() < 1e-12)
    True
    """
    owner = "shapley_effects"
    model, data = check_model_and_data(model, data, owner)
    exact = permutations is None
    if not exact:
        permutations = check_count(permutations, "permutations", owner, minimum=2)
    n_outer = check_count(n_outer, "n_outer", owner, minimum=2 if exact else 1)
    n_inner = check_count(n_inner, "n_inner", owner, minimum=2)
    n_var = check_count(n_var, "n_var", owner, minimum=2)
    seed_seq = check_seed(seed, owner)
    inputs, varying = _simplex_inputs(model, weights, owner, exact)
    n_units = len(data)
    rows = max(n_var, n_outer * n_inner, _BLOCK_ROWS if not exact else 0,
               (len(varying) - 1) * n_outer * n_inner)
    d = len(varying)
    # The random-permutation estimator also holds every order (its uniforms, the order and
    # its ranks: 24 bytes per input) and the prefix flags of every order (d x d bytes).
    orders = 0.0 if permutations is None else float(permutations) * (24.0 * d + d * d)
    check_memory(
        8.0 * rows * (len(model.framework.codes) + 4 * n_units) + orders, owner,
        f"{rows:,} runs at once (n_var, or n_outer x n_inner), {n_units:,} units"
        + ("" if permutations is None else f", {permutations:,} orders of {d} inputs"),
        "Lower n_var or n_outer" + ("." if permutations is None else ", or permutations."),
    )
    compiled = CompiledModel([model], data, varying)
    func = _Score(compiled, np.array([compiled.position(c) for c in varying], dtype=np.intp))
    if permutations is None:
        effects, se, var = _estimate(func, inputs, n_var=n_var, n_outer=n_outer,
                                     n_inner=n_inner, seed=seed_seq)
    else:
        effects, se, var = _estimate_random(func, inputs, n_perm=permutations, n_var=n_var,
                                            n_outer=n_outer, n_inner=n_inner, seed=seed_seq)
    units = [str(u) for u in compiled.units]
    m = len(units)
    fixed = [u for u, v in zip(units, var[m:], strict=True) if not v > 0]
    if fixed:
        shown = ", ".join(fixed[:5]) + (f" and {len(fixed) - 5} more" if len(fixed) > 5 else "")
        warnings.warn(
            f"The rank of {len(fixed)} unit(s) never varies over the {n_var:,} variance runs "
            f"({shown}): their rank shares are NaN (no variance to apportion); their score "
            "effects are still defined.",
            SpindexWarning, stacklevel=2,
        )

    def frame(values: FloatArray) -> pd.DataFrame:
        return pd.DataFrame(values, index=list(varying), columns=units)

    return ShapleyResult(
        inputs=varying,
        effects=frame(effects[:, :m]),
        std_error=frame(se[:, :m]),
        variance=pd.Series(var[:m], index=units),
        rank_effects=frame(effects[:, m:]),
        rank_std_error=frame(se[:, m:]),
        rank_variance=pd.Series(var[m:], index=units),
        n_var=n_var,
        n_outer=n_outer,
        n_inner=n_inner,
        seed=seed_record(seed, seed_seq),
        permutations=permutations,
    )

