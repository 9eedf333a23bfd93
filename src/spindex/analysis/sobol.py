"""Variance-based sensitivity analysis (Sobol indices) of every unit's rank and score at once."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from spindex.analysis._engine import CompiledModel, map_chunks, rank_rows
from spindex.analysis._runs import (
    check_count,
    check_executor,
    check_flag,
    check_memory,
    check_seed,
    child_sequence,
    seed_record,
    user_stacklevel,
)
from spindex.analysis._variants import SwitchSet
from spindex.analysis.sampling import WeightNoise, as_sampler
from spindex.errors import ParameterError, SpindexTypeError, SpindexWarning
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["SobolResult", "saltelli_design", "sobol", "sobol_indices"]


def saltelli_design(
    n: int, dims: int, seed: int | np.random.SeedSequence | None = None
) -> tuple[FloatArray, FloatArray]:
    """The two base matrices A and B of the Saltelli design.

    Parameters
    ----------
    n : int
        Base sample size; a power of two (balance of the Sobol' sequence).
    dims : int
        Number of uniform coordinates per run (at least 1).
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of the scrambling (a non-negative integer or a SeedSequence, which is not
        changed: the same one gives the same design).

    Returns
    -------
    A, B : ndarray, shape (n, dims)
        Scrambled Sobol' points in [0, 1): the first and last ``dims`` coordinates of one
        ``2 * dims``-dimensional sequence.

    Raises
    ------
    ParameterError, SpindexTypeError
        For an ``n`` that is not a power of two >= 2, a ``dims`` below 1 or a bad seed.

    Examples
    --------
    >>> from spindex.analysis.sobol import saltelli_design
    >>> A, B = saltelli_design(8, 2, seed=0)
    >>> A.shape, B.shape
    ((8, 2), (8, 2))
    """
    return _design(n, dims, check_seed(seed, "saltelli_design"), "saltelli_design")


def _check_n(n: Any, owner: str) -> int:
    n = check_count(n, "n", owner, minimum=2, what="integer power of two")
    if n & (n - 1):
        raise ParameterError(
            f"The 'n' parameter of {owner} must be a power of two >= 2 for the balance of the "
            f"Sobol' design (e.g. 2**12). Got {n} instead."
        )
    return n


def _design(
    n: Any, dims: Any, seed_seq: np.random.SeedSequence, owner: str
) -> tuple[FloatArray, FloatArray]:
    n = _check_n(n, owner)
    dims = check_count(dims, "dims", owner)
    # A copy of the sequence: the scrambler spawns from it, which must not change the
    # caller's SeedSequence (the same one passed again gives the same design).
    points = qmc.Sobol(d=2 * dims, scramble=True,
                       rng=np.random.default_rng(child_sequence(seed_seq))).random(n)
    return points[:, :dims], points[:, dims:]


def sobol_indices(
    f_A: FloatArray, f_B: FloatArray, f_AB: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """First-order (Saltelli et al. 2010) and total-order (Jansen 1999) estimators.

    Parameters
    ----------
    f_A, f_B : ndarray, shape (n_outputs, n)
        Outputs on the base matrices.
    f_AB : ndarray, shape (d, n_outputs, n)
        Outputs on A with the columns of input i taken from B, for each input i.

    Returns
    -------
    first, total : ndarray, shape (d, n_outputs)
        ``S_i = mean(f_B (f_AB_i - f_A)) / V`` and ``S_Ti = mean((f_A - f_AB_i)^2) / (2 V)``
        with ``V`` the variance of the pooled outputs on A and B, after centring every
        output on its pooled mean. An output with zero variance (a rank that never moves)
        gets NaN: it has no variance to apportion.

    References
    ----------
    Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S. (2010).
    Variance based sensitivity analysis of model output. Comput. Phys. Commun. 181, 259-270.
    Jansen, M. J. W. (1999). Analysis of variance designs for model output. Comput. Phys.
    Commun. 117, 35-43.
    Sobol', I. M., Levitan, Y. L. (1999). On the use of variance reducing multipliers in
    Monte Carlo computations of a global sensitivity index. Comput. Phys. Commun. 117, 52-61.
    """
    pooled = np.concatenate([f_A, f_B], axis=-1)
    var = np.var(pooled, axis=-1)
    # Centring on the pooled mean makes the first-order estimator invariant to a shift of
    # the output (Sobol' and Levitan 1999); SciPy's sobol_indices does the same.
    mean = pooled.mean(axis=-1, keepdims=True)
    f_A, f_B = f_A - mean, f_B - mean
    d = f_AB.shape[0]
    first = np.empty((d, f_A.shape[0]))
    total = np.empty((d, f_A.shape[0]))
    # Input by input: the same operations on each element as on the whole stack (so the same
    # bits), with temporaries of one input's size instead of d of them.
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(d):
            f_ABi = f_AB[i] - mean
            first[i] = np.mean(f_B * (f_ABi - f_A), axis=-1) / var
            total[i] = 0.5 * np.mean((f_A - f_ABi) ** 2, axis=-1) / var
    zero = var == 0
    first[:, zero] = np.nan
    total[:, zero] = np.nan
    return first, total


@dataclass(frozen=True)
class _Input:
    name: str
    columns: tuple[int, ...]  # coordinates of the uniform design this input owns


@dataclass(frozen=True)
class _Evaluate:
    """Outputs of a block of design rows (picklable for process pools and dask)."""

    compiled: CompiledModel
    switches: SwitchSet
    nominal_weights: FloatArray
    weight_cols: np.ndarray  # node positions of the varying weights
    phi: float
    design: FloatArray  # all rows: n (d + 2) x n_coords
    nominal_ranks: np.ndarray

    def __call__(self, block: Sequence[tuple[int, int, int]]) -> list[FloatArray]:
        return [self.rows(start, stop) for _, start, stop in block]

    def rows(self, start: int, stop: int) -> FloatArray:
        u = self.design[start:stop]
        m = stop - start
        k = len(self.weight_cols)
        W = np.tile(self.nominal_weights, (m, 1))
        W[:, self.weight_cols] *= 1.0 + self.phi * (2.0 * u[:, :k] - 1.0)
        choices = self.switches.from_uniform(u[:, k:])
        variants = self.switches.variant_of(choices)
        scores = self.compiled.evaluate_mixed(W, variants)
        ranks = rank_rows(scores, self.compiled.tie_scales[variants])
        both = (ranks > 0) & (self.nominal_ranks > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            shift = (np.abs(ranks - self.nominal_ranks) * both).sum(axis=1) / both.sum(axis=1)
        return np.column_stack([ranks.astype(float), scores, shift])


@dataclass(frozen=True, eq=False)
class SobolResult:
    """First- and total-order Sobol indices of every unit's rank and score, and of R_S.

    Attributes
    ----------
    inputs : tuple of str
        The uncertain inputs (weight groups or single weights, and switches).
    first_order, total_order : pandas.DataFrame
        Inputs x (units and ``"R_S"``): indices of the ranks and of the mean absolute
        rank shift.
    first_order_score, total_order_score : pandas.DataFrame
        Inputs x units: indices of the index scores.
    confidence : pandas.DataFrame or None
        Bootstrap percentile intervals (long format: kind, output, input, low, high).
    n : int
        Base sample size; the model ran ``n (d + 2)`` times.
    design : pandas.DataFrame
        The uniform coordinates of every run.
    seed : int or numpy.random.SeedSequence or None
        The seed that repeats the analysis (the entropy drawn when none was given).
    members : dict of str to tuple of str
        The weights each weight input moves: with ``groups="parent"`` (the default) all
        the varied weights of one parent's children are one input, named after the parent,
        so its indices say how much those weights matter together, not which of them.
        Switches are not listed.
    """

    inputs: tuple[str, ...]
    first_order: pd.DataFrame
    total_order: pd.DataFrame
    first_order_score: pd.DataFrame
    total_order_score: pd.DataFrame
    confidence: pd.DataFrame | None
    n: int
    design: pd.DataFrame
    seed: int | np.random.SeedSequence | None = None
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Number of model evaluations, ``n (d + 2)``."""
        return self.n * (len(self.inputs) + 2)

    def summary(self) -> pd.DataFrame:
        """Per input: the indices of R_S, and the mean over units of the rank indices (over
        the units whose rank varies; NaN for inputs of an analysis where none does).

        ``attrs["members"]`` holds the weights behind each weight input (see
        :attr:`members`)."""
        units = [c for c in self.first_order.columns if c != "R_S"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # every rank constant: NaN
            out = pd.DataFrame({
                "S_R_S": self.first_order["R_S"],
                "ST_R_S": self.total_order["R_S"],
                "mean_S_rank": self.first_order[units].mean(axis=1),
                "mean_ST_rank": self.total_order[units].mean(axis=1),
            })
        out.attrs["members"] = dict(self.members)
        return out

    def describe_inputs(self) -> list[str]:
        """One line per input that groups several weights: which weights it moves together."""
        lines = []
        for name, codes in self.members.items():
            if len(codes) > 1:
                shown = ", ".join(codes[:6]) + (", ..." if len(codes) > 6 else "")
                lines.append(f"'{name}' = the weights of {shown} together")
        return lines

    def __repr__(self) -> str:
        lines = [f"<SobolResult: {len(self.inputs)} inputs, n = {self.n} ({self.runs} runs)>"]
        grouped = self.describe_inputs()
        if grouped:
            lines.append("  Inputs moving several weights as one: " + "; ".join(grouped) + ".")
        with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 100):
            lines.append(self.summary().to_string())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: the Sobol indices of each input."""
        from spindex._html import repr_html

        return repr_html(
            f"SobolResult: {len(self.inputs)} inputs, base sample n = {self.n:,}",
            [("runs", self.runs)], self.summary(), index_label="input",
            dash="undefined (no variance to explain)")


def sobol(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    weights: float | WeightNoise | None = 0.25,
    groups: str | Mapping[str, Sequence[str]] | None = "parent",
    n: int = 4096,
    seed: int | None = None,
    bootstrap: int = 200,
    confidence_level: float = 0.95,
    executor: Executor | None = None,
    block_size: int = 16_384,
    progress: bool = False,
    **switches: Any,
) -> SobolResult:
    """Sobol sensitivity indices of every unit's rank and score, and of R_S, in one pass.

    Parameters
    ----------
    model : CompositeIndex
        The nominal model.
    data : pandas.DataFrame
        The data it scores.
    weights : float, WeightNoise or None, default 0.25
        Weight uncertainty: ``phi`` or ``WeightNoise(phi, levels=..., nodes=...)``; each
        varying weight is ``w (1 + phi (2u - 1))`` for a uniform coordinate ``u``.
    groups : "parent", None or mapping, default "parent"
        How weights form inputs: ``"parent"`` makes the weights of each sibling group one
        input (named after the parent, e.g. one input per pillar, as JRC audits do): all
        the pillar weights of the root become the single input named after the root, whose
        indices say how much they matter *together*, not which pillar weight matters.
        :attr:`SobolResult.members` and the result's repr say which weights each input
        moves, and a warning is issued when every varied weight collapses into one input.
        ``None`` makes every weight its own input; a mapping names groups of node codes.
    n : int, default 4096
        Base sample size, a power of two; the model runs ``n (d + 2)`` times. All runs'
        outputs are kept for the estimators: a design that would not fit in memory is
        refused before anything is allocated.
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of the scrambled Sobol' sequence and of the bootstrap (a non-negative integer
        or a SeedSequence; a Generator is refused, as it could not be recorded). Without
        one, fresh entropy is drawn and recorded in :attr:`SobolResult.seed`.
    bootstrap : int, default 200
        Number of bootstrap resamples for confidence intervals (rows resampled jointly);
        0 skips them.
    confidence_level : float, default 0.95
        Coverage of the percentile intervals, in (0, 1).
    executor, block_size, progress
        As for :func:`~spindex.analysis.uncertainty.uncertainty`.
    **switches
        Discrete inputs, as for :func:`~spindex.analysis.uncertainty.uncertainty`; each
        switch is one input.

    Returns
    -------
    SobolResult

    Raises
    ------
    ParameterError
        For an ``n`` that is not a power of two, a negative seed or bootstrap count, a
        design whose outputs would not fit in memory, or an executor that is shut down,
        breaks or cannot pickle the model (naming the block).
    SpindexTypeError
        For a count, seed, flag or executor of the wrong type.

    Warns
    -----
    SpindexWarning
        When the rank of some units (or R_S) never varies over the runs: their indices are
        NaN (no variance to apportion), and the warning names them and points to the
        score-based indices. When ``groups="parent"`` turns every varied weight into a
        single input.

    References
    ----------
    Saltelli et al. (2010); Jansen (1999); Saisana, Saltelli and Tarantola (2005), JRSS A 168(2).

    Examples
    --------
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
    ...                           normalize=sp.MinMax(1, 100))
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     sa = sp.sobol(model, data, weights=sp.WeightNoise(0.25, levels=[2, 3]),
    ...                   aggregate=["arithmetic", "geometric"], n=1024, seed=2)
    >>> sa.inputs
    ('Conn', 'Sust', 'Index', 'aggregate')
    >>> str(caught[0].message)[:60]  # the leaders' ranks never move: NaN rank indices
    'The rank of 2 unit(s) never varies over the 6,144 runs (DEU,'
    """
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(f"model must be a CompositeIndex; got {type(model).__name__}.")
    sampler = as_sampler(weights)
    if sampler is not None and not isinstance(sampler, WeightNoise):
        raise ParameterError(
            "Sobol analysis maps each weight to one uniform coordinate: weights must be a "
            f"number phi or a WeightNoise; got {type(sampler).__name__}."
        )
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    owner = "sobol"
    if (isinstance(confidence_level, (bool, np.bool_))
            or not isinstance(confidence_level, (int, float, np.integer, np.floating))
            or not 0 < float(confidence_level) < 1):
        raise ParameterError(
            f"The 'confidence_level' parameter of sobol must be a number in (0, 1). Got "
            f"{confidence_level!r} instead."
        )
    bootstrap = check_count(bootstrap, "bootstrap", owner, minimum=0)
    block_size = check_count(block_size, "block_size", owner)
    seed_seq = check_seed(seed, owner)
    executor = check_executor(executor, owner)
    progress = check_flag(progress, "progress", owner)
    n = _check_n(n, owner)
    fw = model.framework
    switch_set = SwitchSet.build(model, switches)
    varying = sampler.varying(fw) if sampler is not None else ()
    phi = sampler.phi if sampler is not None else 0.0
    inputs = _inputs(fw, varying, groups, switch_set)
    if not inputs:
        raise ParameterError("Nothing is uncertain: give weights and/or switches.")
    _warn_collapsed(varying, groups, inputs)
    n_coords = len(varying) + len(switch_set.switches)
    n_outputs = 2 * len(data) + 1
    runs = n * (len(inputs) + 2)
    # design, its blocks and the returned table; outputs, their parts and one resample.
    needed = 8.0 * runs * (3 * n_coords + 3 * n_outputs) + 16.0 * bootstrap * len(inputs) * (
        n_outputs)
    check_memory(
        needed, owner,
        f"n = {n:,} (n (d + 2) = {runs:,} runs of {n_coords} coordinates and {n_outputs} "
        "outputs, every one kept for the estimators)",
        "Sobol estimators need every run's outputs: lower n (each halving halves the memory), "
        "vary fewer inputs (groups), or use sp.uncertainty(..., keep_inputs=False), which "
        "streams its runs in flat memory.",
    )
    A, B = _design(n, n_coords, seed_seq, owner)
    blocks = [A, B]
    for inp in inputs:
        AB = A.copy()
        AB[:, list(inp.columns)] = B[:, list(inp.columns)]
        blocks.append(AB)
    design = np.concatenate(blocks)
    compiled = CompiledModel(switch_set.variants, data, varying)
    nominal = model.score(data)
    if tuple(nominal.scores.index) != compiled.units:
        raise ParameterError(
            "The model and its variants score different units (a screening choice?); screen "
            "the data once, before the analysis."
        )
    nominal_ranks = nominal.ranks[fw.root].to_numpy(dtype=float, na_value=0).astype(np.int32)
    task = _Evaluate(
        compiled=compiled, switches=switch_set, nominal_weights=compiled.nominal_weights,
        weight_cols=np.array([compiled.position(c) for c in varying], dtype=np.int64),
        phi=phi, design=design, nominal_ranks=nominal_ranks,
    )
    outputs = []
    for part in map_chunks(task, len(design), block_size=block_size, executor=executor,
                           owner=owner):
        outputs.append(part)
        if progress:
            done = sum(len(p) for p in outputs)
            print(f"\rsobol: {done:,}/{len(design):,} runs", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    Y = np.concatenate(outputs).T  # outputs x runs
    d = len(inputs)
    f_A, f_B = Y[:, :n], Y[:, n:2 * n]
    f_AB = Y[:, 2 * n:].reshape(Y.shape[0], d, n).transpose(1, 0, 2)
    first, total = sobol_indices(f_A, f_B, f_AB)
    units = [str(u) for u in compiled.units]
    _warn_constant(f_A, f_B, units, runs)
    n_units = len(units)
    names = [i.name for i in inputs]
    rank_cols = [*units, "R_S"]
    rank_rows_ = np.r_[np.arange(n_units), 2 * n_units]
    conf = None
    if bootstrap:
        conf = _bootstrap(f_A, f_B, f_AB, bootstrap, float(confidence_level), seed_seq, names,
                          [f"rank:{u}" for u in units] + [f"score:{u}" for u in units] + ["R_S"])
    design_frame = pd.DataFrame(
        design, columns=[f"w:{c}" for c in varying] + [s.parameter for s in switch_set.switches]
    )
    return SobolResult(
        inputs=tuple(names),
        first_order=pd.DataFrame(first[:, rank_rows_], index=names, columns=rank_cols),
        total_order=pd.DataFrame(total[:, rank_rows_], index=names, columns=rank_cols),
        first_order_score=pd.DataFrame(first[:, n_units:2 * n_units], index=names, columns=units),
        total_order_score=pd.DataFrame(total[:, n_units:2 * n_units], index=names, columns=units),
        confidence=conf,
        n=n,
        design=design_frame,
        seed=seed_record(seed, seed_seq),
        members={i.name: tuple(varying[c] for c in i.columns)
                 for i in inputs if i.columns and i.columns[0] < len(varying)},
    )


def _inputs(
    fw: Any, varying: Sequence[str], groups: Any, switch_set: SwitchSet
) -> list[_Input]:
    position = {c: i for i, c in enumerate(varying)}
    out: list[_Input] = []
    if groups == "parent":
        by_parent: dict[str, list[int]] = {}
        for c in varying:
            by_parent.setdefault(fw.parent(c), []).append(position[c])
        out = [_Input(p, tuple(cols)) for p, cols in by_parent.items()]
    elif groups is None:
        out = [_Input(c, (position[c],)) for c in varying]
    elif isinstance(groups, Mapping):
        seen: set[str] = set()
        for name, codes in groups.items():
            cols = []
            for c in codes:
                if c not in position:
                    raise ParameterError(
                        f"Group '{name}' names '{c}', whose weight is not varied; varied "
                        f"weights: {list(varying)}."
                    )
                if c in seen:
                    raise ParameterError(f"'{c}' is in more than one group.")
                seen.add(c)
                cols.append(position[c])
            out.append(_Input(str(name), tuple(cols)))
        left = [c for c in varying if c not in seen]
        if left:
            raise ParameterError(f"Varied weights {left} belong to no group; add them to one.")
    else:
        raise ParameterError(
            f"groups must be 'parent', None or a mapping of group name to codes; got {groups!r}."
        )
    k = len(varying)
    out += [_Input(s.parameter, (k + j,)) for j, s in enumerate(switch_set.switches)]
    return out


#: Base rows per product in the bootstrap: bounds its memory (terms x rows), and is fixed, so
#: that the intervals do not depend on the engine's block size.
_BOOTSTRAP_ROWS = 2048


def _bootstrap(
    f_A: FloatArray, f_B: FloatArray, f_AB: FloatArray, reps: int, level: float,
    seed_seq: np.random.SeedSequence, names: list[str], outputs: list[str],
) -> pd.DataFrame:
    """Percentile intervals from resampling the base rows jointly (the same rows of A, B and
    every AB_i).

    Every estimator in :func:`sobol_indices` is a ratio of means over the base rows, so a
    resample is a vector of counts (how often each row is drawn) and all resamples at once are
    one product of the (resamples x rows) count matrix by the per-row terms. The terms are
    first centred on the pooled mean of the whole sample, which leaves every estimator
    unchanged (they are shift-invariant) and keeps the variances, formed as mean of squares
    minus squared mean, free of cancellation.
    """
    rng = np.random.default_rng(child_sequence(seed_seq, 0))
    n = f_A.shape[-1]
    d, n_out = f_AB.shape[0], f_AB.shape[1]
    # Resample r draws n row indices uniformly with replacement, one resample after the
    # other from one stream; only how often each row is drawn is kept.
    counts = np.empty((reps, n))
    for r in range(reps):
        counts[r] = np.bincount(rng.integers(0, n, size=n), minlength=n)
    pooled = np.concatenate([f_A, f_B], axis=-1)
    centre = pooled.mean(axis=-1, keepdims=True)
    constant = np.var(pooled, axis=-1) == 0
    del pooled
    # sums[k] over resamples: k = 0 a, 1 b, 2 a^2 + b^2, then per input i: b (ab_i - a),
    # ab_i - a, (ab_i - a)^2; each (n_outputs, reps).
    sums = np.zeros((3 + 3 * d, n_out, reps))
    for start in range(0, n, _BOOTSTRAP_ROWS):
        rows = slice(start, min(start + _BOOTSTRAP_ROWS, n))
        a = f_A[:, rows] - centre
        b = f_B[:, rows] - centre
        diff = f_AB[:, :, rows] - f_A[None, :, rows]
        terms = np.concatenate([
            a[None], b[None], (a * a + b * b)[None], b[None] * diff, diff, diff * diff,
        ])
        # One 2-D product (a stacked matmul would loop over the stack).
        sums += (terms.reshape(-1, terms.shape[-1]) @ counts[:, rows].T).reshape(sums.shape)
    sums /= n
    mean = (sums[0] + sums[1]) / 2
    var = sums[2] / 2 - mean * mean
    with np.errstate(invalid="ignore", divide="ignore"):
        firsts = (sums[3:3 + d] - mean * sums[3 + d:3 + 2 * d]) / var
        totals = 0.5 * sums[3 + 2 * d:] / var
    # A resample with no variance has no index (NaN), as in sobol_indices; an output constant
    # over the whole sample is constant in every resample, whatever the rounding of var.
    flat = (var <= 0) | constant[:, None]
    firsts[:, flat] = np.nan
    totals[:, flat] = np.nan
    alpha = (1 - level) / 2
    frames = []
    for kind, values in (("first", firsts), ("total", totals)):
        with warnings.catch_warnings():
            # Outputs that never vary have NaN indices in every resample, and NaN bounds.
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.nanquantile(values, alpha, axis=-1)
            high = np.nanquantile(values, 1 - alpha, axis=-1)
        for i, name in enumerate(names):
            frames.append(pd.DataFrame({"kind": kind, "input": name, "output": outputs,
                                        "low": low[i], "high": high[i]}))
    return pd.concat(frames, ignore_index=True)


def _warn_constant(f_A: FloatArray, f_B: FloatArray, units: list[str], runs: int) -> None:
    """Warn, naming them, about outputs that never vary: their indices are NaN, not zero."""
    pooled = np.concatenate([f_A, f_B], axis=-1)
    still = np.var(pooled, axis=-1) == 0
    k = len(units)
    rank_still = [u for u, s in zip(units, still[:k], strict=True) if s]
    score_moves = [u for u, s in zip(units, still[k:2 * k], strict=True) if not s]
    parts = []
    if rank_still:
        shown = ", ".join(rank_still[:8]) + (f", ... ({len(rank_still)} in all)"
                                             if len(rank_still) > 8 else "")
        with_score = [u for u in rank_still if u in score_moves]
        score_note = (
            f"The score-based indices (first_order_score, total_order_score) exist for "
            f"{len(with_score)} of them, whose scores do vary."
            if with_score else "Their scores do not vary either: no input moves them."
        )
        parts.append(
            f"The rank of {len(rank_still)} unit(s) never varies over the {runs:,} runs "
            f"({shown}): their rank indices are NaN, as there is no variance to apportion. "
            + score_note
        )
    if still[2 * k]:
        parts.append("R_S (the mean rank shift) never varies either: its indices are NaN.")
    if parts:
        warnings.warn(" ".join(parts), SpindexWarning, stacklevel=user_stacklevel())


def _warn_collapsed(varying: Sequence[str], groups: Any, inputs: list[_Input]) -> None:
    """groups="parent" with every varied weight under one parent: one input, trivial indices."""
    if groups != "parent" or len(varying) < 2:
        return
    weight_inputs = [i for i in inputs if i.columns and i.columns[0] < len(varying)]
    if len(weight_inputs) == 1:
        name = weight_inputs[0].name
        warnings.warn(
            f"groups='parent' makes the {len(varying)} varied weights (the children of "
            f"'{name}') a single input '{name}': its indices say how much they matter "
            "together, not which of them matters. Pass groups=None for one input per weight, "
            "or a mapping of your own groups.",
            SpindexWarning, stacklevel=user_stacklevel(),
        )
