"""Variance-based sensitivity analysis (Sobol indices) of every unit's rank and score at once."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex.analysis._engine import (
    CHUNK,
    CompiledModel,
    blocks_in_flight,
    map_chunks,
    rank_rows,
)
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
from spindex.analysis.discrete import DiscreteInput
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
    from scipy.stats import qmc
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


#: Outputs held at once while a chunk of base rows is evaluated: a chunk of many outputs
#: (units) or inputs is cut into slices of rows. The slices depend only on the design's
#: shape, never on block_size or the executor, so the sums are merged in the same order.
_SLICE_CELLS = 2**19


@dataclass(frozen=True)
class _Sums:
    """What one chunk of base rows contributes to the estimators; merged in chunk order."""

    count: int  # pooled rows (2 m: A and B)
    mean: FloatArray  # outputs: pooled mean of f_A and f_B
    m2: FloatArray  # outputs: pooled sum of squared deviations from that mean
    cross: FloatArray  # d x outputs: sum of f_B (f_AB_i - f_A)
    diff: FloatArray  # d x outputs: sum of (f_AB_i - f_A)
    square: FloatArray  # d x outputs: sum of (f_A - f_AB_i)^2
    # When kept: (d + 2) x rows x coordinates (the design), as the slices of rows a chunk
    # evaluated, in order: the caller copies each slice into place once (concatenating them
    # first would copy twice).
    design: tuple[FloatArray, ...] | None
    # The Poisson bootstrap (when asked for): resamples x terms, the weighted sums of the
    # per-row terms of :func:`_boot_terms`, and the resamples' weight totals.
    boot: FloatArray | None = None
    boot_weight: FloatArray | None = None


def _merge_pooled(a: _Sums | None, b: _Sums) -> _Sums:
    """Chan et al.'s update of the pooled moments and plain sums of the rest, in order.

    The bootstrap's sums of ``a`` (the running total) are added to in place: a resamples x
    terms copy per merge would be most of a chunk's memory. The total starts as a copy of the
    first sums, so the sums a task returned (an executor may still hold them) never change."""
    if a is None:
        if b.boot is None or b.boot_weight is None:
            return b
        return replace(b, boot=b.boot.copy(), boot_weight=b.boot_weight.copy())
    n = a.count + b.count
    delta = b.mean - a.mean
    boot = boot_weight = None
    if (a.boot is not None and b.boot is not None and a.boot_weight is not None
            and b.boot_weight is not None):
        boot = np.add(a.boot, b.boot, out=a.boot)
        boot_weight = np.add(a.boot_weight, b.boot_weight, out=a.boot_weight)
    return _Sums(
        count=n, mean=a.mean + delta * (b.count / n),
        m2=a.m2 + b.m2 + delta**2 * (a.count * b.count / n),
        cross=a.cross + b.cross, diff=a.diff + b.diff, square=a.square + b.square,
        design=None, boot=boot, boot_weight=boot_weight,
    )


@dataclass(frozen=True)
class _Evaluate:
    """Runs of a chunk of base rows: A, B and every A_B^(i), generated from the row indices
    (picklable for process pools and dask; the design is never shipped)."""

    compiled: CompiledModel
    switches: SwitchSet
    nominal_weights: FloatArray
    weight_cols: np.ndarray  # node positions of the varying weights
    phi: float
    seed: np.random.SeedSequence  # of the scrambled Sobol' sequence
    dims: int  # uniform coordinates per run
    inputs: tuple[tuple[int, ...], ...]  # coordinates each input owns
    nominal_ranks: np.ndarray
    drawn: tuple[int, ...]  # the switches with a coordinate (more than one alternative)
    keep_design: bool
    reps: int = 0  # bootstrap resamples (0: none)
    # Outputs of the first run (row 0 of A), on which the bootstrap's terms are centred.
    centre: FloatArray | None = None

    def __repr__(self) -> str:
        # Cheap and small: executors (dask) format and hash the task they are given.
        return (f"<sobol task: {len(self.compiled.units)} units, {len(self.inputs)} inputs, "
                f"{self.dims} coordinates>")

    def __call__(self, block: Sequence[tuple[int, int, int]]) -> list[_Sums]:
        return [self.chunk(start, stop) for _, start, stop in block]

    def base(self, start: int, stop: int) -> tuple[FloatArray, FloatArray]:
        """Rows start..stop of A and B: the same points as slicing the whole design, as the
        scrambled sequence is fast-forwarded to ``start`` (scipy's Sobol.fast_forward)."""
        from scipy.stats import qmc
        engine = qmc.Sobol(d=2 * self.dims, scramble=True,
                           rng=np.random.default_rng(child_sequence(self.seed)))
        if start:
            engine.fast_forward(start)
        points = engine.random(stop - start)
        return points[:, :self.dims], points[:, self.dims:]

    def chunk(self, start: int, stop: int) -> _Sums:
        A, B = self.base(start, stop)
        d = len(self.inputs)
        n_out = 2 * len(self.compiled.units) + 1
        step = max(1, _SLICE_CELLS // ((d + 2) * n_out))
        total: _Sums | None = None
        designs: list[FloatArray] = []
        # The bootstrap's per-row terms of consecutive slices fill a buffer of at least
        # _BOOT_ROWS rows, multiplied by their rows' weights when full: a product over
        # enough rows to run near the BLAS's speed, with or without its threads. Where the
        # buffer is flushed depends only on the slices, so not on block size or executor.
        rows = _boot_rows(step, (3 + 3 * d) * n_out) if self.reps else 0
        buffer = np.empty((rows, (3 + 3 * d) * n_out)) if self.reps else None
        boot = np.zeros((self.reps, (3 + 3 * d) * n_out)) if self.reps else None
        weight = np.zeros(self.reps) if self.reps else None
        segments: dict[int, FloatArray] = {}
        held = 0  # rows held in the buffer, from row ``lo - held`` of the chunk

        def flush(at: int) -> None:
            assert buffer is not None and boot is not None and weight is not None
            w = _poisson_weights(self.seed, self.reps, start + at - held, start + at, segments)
            boot[...] += w @ buffer[:held]
            weight[...] += w.sum(axis=1)

        for lo in range(0, stop - start, step):
            hi = min(stop - start, lo + step)
            if buffer is not None and held + hi - lo > rows:
                flush(lo)
                held = 0
            part = self.sums(A[lo:hi], B[lo:hi],
                             None if buffer is None else buffer[held:held + hi - lo])
            held += hi - lo if buffer is not None else 0
            designs += part.design or ()
            total = _merge_pooled(total, part)
        if held:
            flush(stop - start)
        assert total is not None
        return _Sums(total.count, total.mean, total.m2, total.cross, total.diff,
                     total.square, tuple(designs) if self.keep_design else None,
                     boot, weight)

    def sums(self, A: FloatArray, B: FloatArray, terms: FloatArray | None = None) -> _Sums:
        """The point estimate's sums of rows A, B (and their A_B^(i)), writing the
        bootstrap's per-row terms into ``terms`` (rows x terms) when given."""
        m = A.shape[0]
        U = np.empty((len(self.inputs) + 2, m, self.dims))
        U[0], U[1] = A, B
        for i, cols in enumerate(self.inputs):
            U[2 + i] = A
            U[2 + i][:, list(cols)] = B[:, list(cols)]
        Y = self.rows(U.reshape(-1, self.dims)).reshape(len(self.inputs) + 2, m, -1)
        f_A, f_B, f_AB = Y[0], Y[1], Y[2:]
        pooled = Y[:2].reshape(2 * m, -1)
        mean = pooled.mean(axis=0)
        step = f_AB - f_A[None]
        if terms is not None:
            assert self.centre is not None
            _boot_terms(Y, self.centre, terms)
        return _Sums(
            count=2 * m, mean=mean, m2=((pooled - mean) ** 2).sum(axis=0),
            cross=(f_B[None] * step).sum(axis=1), diff=step.sum(axis=1),
            square=(step**2).sum(axis=1),
            design=(U,) if self.keep_design else None,
        )

    def rows(self, u: FloatArray) -> FloatArray:
        m = u.shape[0]
        k = len(self.weight_cols)
        W = np.tile(self.nominal_weights, (m, 1))
        W[:, self.weight_cols] *= 1.0 + self.phi * (2.0 * u[:, :k] - 1.0)
        # A switch with one alternative has no coordinate: 0 maps to its only alternative.
        full = np.zeros((m, len(self.switches.switches)))
        full[:, list(self.drawn)] = u[:, k:]
        choices = self.switches.from_uniform(full)
        variants = self.switches.variant_of(choices)
        scores = self.compiled.evaluate_mixed(self.switches.apply_weights(W, choices), variants)
        ranks = rank_rows(scores, self.compiled.tie_scales[variants])
        both = (ranks > 0) & (self.nominal_ranks > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            shift = (np.abs(ranks - self.nominal_ranks) * both).sum(axis=1) / both.sum(axis=1)
        return np.column_stack([ranks.astype(float), scores, shift])


def _indices_from_sums(sums: _Sums, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The estimators of :func:`sobol_indices` from streamed sums: (first, total, variance).

    With ``V`` the pooled variance and ``mu`` the pooled mean, centring on ``mu`` gives
    ``mean((f_B - mu)(f_AB - f_A)) = (cross - mu diff) / n``; differences need no centring.
    """
    var = sums.m2 / sums.count
    with np.errstate(invalid="ignore", divide="ignore"):
        first = (sums.cross - sums.mean[None] * sums.diff) / n / var
        total = 0.5 * (sums.square / n) / var
    zero = var == 0
    first[:, zero] = np.nan
    total[:, zero] = np.nan
    return first, total, var


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
        Poisson-bootstrap percentile intervals (long format: kind, output, input, low,
        high).
    n : int
        Base sample size; the model ran ``n (d + 2)`` times.
    design : pandas.DataFrame
        The uniform coordinates of every run (kept on request, with ``keep_design=True``).
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
    kept_design: pd.DataFrame | None = field(default=None, repr=False)
    seed: int | np.random.SeedSequence | None = None
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def design(self) -> pd.DataFrame:
        """The uniform coordinates of every run (runs x coordinates, in the order A, B,
        A_B^(1), ...); refused with a clear error when the analysis ran with
        ``keep_design=False``."""
        if self.kept_design is None:
            raise ParameterError(
                "The design (the uniform coordinates of every run) was not kept: this analysis "
                "ran with keep_design=False (the default), which keeps memory flat in n. Run "
                "it again with keep_design=True and seed=<this result's seed> to get the same "
                "runs with their design."
            )
        return self.kept_design

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
    choices: Sequence[DiscreteInput] | None = None,
    keep_design: bool = False,
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
        Base sample size, a power of two; the model runs ``n (d + 2)`` times, in chunks of
        8192 base rows whose rows of A, B and every A_B^(i) are generated from their indices
        (the scrambled sequence fast-forwarded) and whose estimator sums are merged in
        chunk order: unless the design is kept, memory is flat in ``n``, bootstrap
        included, and the same seed gives the same bits for any ``block_size`` and
        executor. What would not fit in memory (the kept design, 8 bytes per coordinate
        per run; the bootstrap's sums, 8 (3 + 3 d) (2 units + 1) bytes per resample for
        each chunk in flight, and its buffer of per-row terms, at most 64 MB beyond one
        slice of rows) is refused before anything is allocated.
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of the scrambled Sobol' sequence and of the bootstrap (a non-negative integer
        or a SeedSequence; a Generator is refused, as it could not be recorded). Without
        one, fresh entropy is drawn and recorded in :attr:`SobolResult.seed`.
    bootstrap : int, default 200
        Number of bootstrap resamples for the percentile intervals (:attr:`SobolResult.
        confidence`); 0 skips them. A Poisson bootstrap, streamed: in each resample every
        base row (its runs of A, B and every A_B^(i) together) gets an independent
        Poisson(1) weight, drawn from the seed and the row alone, and the estimators are
        recomputed with weighted means from per-chunk weighted sums, so no run's outputs
        are kept, memory does not grow with ``n`` and the intervals are the same bits for
        any ``block_size`` and executor. It approximates the classical bootstrap (``n``
        rows drawn with replacement) for large ``n`` (Hanley and MacGibbon 2006).
    confidence_level : float, default 0.95
        Coverage of the percentile intervals, in (0, 1).
    executor, block_size, progress
        As for :func:`~spindex.analysis.uncertainty.uncertainty`; ``block_size`` counts
        base rows (each evaluates ``d + 2`` runs).
    choices : list of DiscreteInput, optional
        Weight sets, expert panels, dropped nodes and data sources, as for
        :func:`~spindex.analysis.uncertainty.uncertainty`; each is one input (a
        :class:`~spindex.analysis.discrete.DataSources` gives one input per indicator,
        ``"source:<indicator>"``), mapped from its uniform coordinate by the cumulative
        probabilities of its alternatives, like a method switch.
    keep_design : bool, default False
        Also keep the uniform coordinates of every run (:attr:`SobolResult.design`; 8 bytes
        per coordinate per run, so memory grows with ``n``). The indices and intervals are
        the same bits either way, and ``keep_design=True`` with ``seed=sa.seed`` gives the
        design of an analysis that did not keep it.
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
        kept design or bootstrap that would not fit in memory, or an executor that is shut
        down, breaks or cannot pickle the model (naming the block).
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
    Hanley, J. A., MacGibbon, B. (2006). Creating non-parametric bootstrap samples using
    Poisson frequencies. Comput. Methods Programs Biomed. 83, 57-62.
    Chamandy, N., Muralidharan, O., Najmi, A., Naidu, S. (2012). Estimating uncertainty for
    massive data streams. Google technical report.

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
    keep_design = check_flag(keep_design, "keep_design", owner)
    n = _check_n(n, owner)
    fw = model.framework
    switch_set = SwitchSet.build(model, switches, choices, data, owner)
    varying = sampler.varying(fw) if sampler is not None else ()
    switch_set.check_overlap(varying, owner)
    phi = sampler.phi if sampler is not None else 0.0
    inputs = _inputs(fw, varying, groups, switch_set)
    if not inputs:
        raise ParameterError("Nothing is uncertain: give weights and/or switches.")
    _warn_collapsed(varying, groups, inputs)
    # A switch with a single alternative draws nothing and is no input (as for uncertainty):
    # adding one leaves the design, and so every index, as it was.
    drawn = tuple(j for j, s in enumerate(switch_set.switches) if len(s.alternatives) > 1)
    n_coords = len(varying) + len(drawn)
    n_outputs = 2 * len(data) + 1
    runs = n * (len(inputs) + 2)
    d = len(inputs)
    needed = _memory_needed(n=n, d=d, n_coords=n_coords, n_outputs=n_outputs,
                            bootstrap=bootstrap, keep_design=keep_design,
                            block_size=block_size, in_flight=blocks_in_flight(executor))
    check_memory(
        needed, owner,
        f"n = {n:,} (n (d + 2) = {runs:,} runs of {n_coords} coordinates and {n_outputs} "
        f"outputs; streamed, {bootstrap} bootstrap resamples of every output"
        + (", the design kept" if keep_design else "") + ")",
        _memory_hint(keep_design, bootstrap),
    )
    compiled = switch_set.compile(data, varying)
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
        phi=phi, seed=seed_seq, dims=n_coords, inputs=tuple(i.columns for i in inputs),
        nominal_ranks=nominal_ranks, drawn=drawn, keep_design=keep_design,
    )
    if bootstrap:
        # The bootstrap's terms are centred on the first run's outputs, known before the
        # run and the same whoever evaluates a chunk (non-finite ones on 0: such an output
        # has no finite index anyway).
        first_run = task.rows(task.base(0, 1)[0])[0]
        task = replace(task, reps=bootstrap, centre=np.where(np.isfinite(first_run),
                                                              first_run, 0.0))
    design = np.empty((d + 2, n, n_coords)) if keep_design else None
    sums: _Sums | None = None
    done = 0
    # Chunks of base rows: each evaluates its rows of A, B and every A_B^(i), so the
    # estimators' sums are complete per chunk and merged in chunk order.
    for part in map_chunks(task, n, block_size=block_size, executor=executor, owner=owner):
        m = part.count // 2
        if design is not None:
            assert part.design is not None
            at = done
            for piece in part.design:
                design[:, at:at + piece.shape[1]] = piece
                at += piece.shape[1]
        sums = _merge_pooled(sums, replace(part, design=None))
        del part  # not held while the next block is computed
        done += m
        if progress:
            print(f"\rsobol: {done * (d + 2):,}/{runs:,} runs", end="", file=sys.stderr,
                  flush=True)
    if progress:
        print(file=sys.stderr)
    assert sums is not None
    first, total, var = _indices_from_sums(sums, n)
    units = [str(u) for u in compiled.units]
    _warn_constant(var, units, runs)
    n_units = len(units)
    names = [i.name for i in inputs]
    rank_cols = [*units, "R_S"]
    rank_rows_ = np.r_[np.arange(n_units), 2 * n_units]
    conf = None
    if bootstrap:
        assert sums.boot is not None and sums.boot_weight is not None
        firsts, totals = _resample_indices(sums.boot, sums.boot_weight, var == 0, d,
                                           n_outputs)
        conf = _intervals(firsts, totals, float(confidence_level), names,
                          [f"rank:{u}" for u in units] + [f"score:{u}" for u in units] + ["R_S"])
    design_frame = None
    if design is not None:
        design_frame = _design_frame(
            design, [f"w:{c}" for c in varying]
            + [switch_set.switches[j].parameter for j in drawn])
    return SobolResult(
        inputs=tuple(names),
        first_order=pd.DataFrame(first[:, rank_rows_], index=names, columns=rank_cols),
        total_order=pd.DataFrame(total[:, rank_rows_], index=names, columns=rank_cols),
        first_order_score=pd.DataFrame(first[:, n_units:2 * n_units], index=names, columns=units),
        total_order_score=pd.DataFrame(total[:, n_units:2 * n_units], index=names, columns=units),
        confidence=conf,
        n=n,
        kept_design=design_frame,
        seed=seed_record(seed, seed_seq),
        members={i.name: tuple(varying[c] for c in i.columns)
                 for i in inputs if i.columns and i.columns[0] < len(varying)},
    )


def _memory_needed(
    *, n: int, d: int, n_coords: int, n_outputs: int, bootstrap: int, keep_design: bool,
    block_size: int, in_flight: int,
) -> float:
    """Bytes an analysis would take at its peak: flat in ``n`` unless the design is kept.

    Streamed: one slice of base rows at a time per chunk (its runs, outputs and sums), and
    a block's chunks for each of the ``in_flight`` blocks the engine keeps in flight
    (``blocks_in_flight``: 1 without an executor, two per worker and at least 16 with one).
    Kept on request: the design, 8 bytes per coordinate per run. The Poisson bootstrap: per
    chunk its buffer of terms and the weights of its rows (with the segment they come from,
    and its integer draws), and for every chunk in flight, the running total and the end,
    the resamples x terms sums, with the indices of each resample and their sorted copies at
    the end.
    """
    step = min(n, max(1, _SLICE_CELLS // ((d + 2) * n_outputs)))
    # Chunks in flight: a block's chunks for each block in flight, never more than n has.
    per_block = min(-(-n // CHUNK), max(1, -(-block_size // CHUNK)) * in_flight)
    working = (8.0 * (d + 2) * step * (n_coords + 4 * n_outputs)
               + 8.0 * per_block * 3 * (d + 2) * n_outputs)
    kept = 8.0 * n * (d + 2) * n_coords if keep_design else 0.0
    terms = (3 + 3 * d) * n_outputs
    rows = _boot_rows(step, terms)
    resample = (8.0 * rows * (terms + bootstrap) + 8.0 * step * n_outputs
                + 16.0 * bootstrap * _SEGMENT
                + 8.0 * bootstrap * terms * (per_block + 6)) if bootstrap else 0.0
    return working + kept + resample


def _memory_hint(keep_design: bool, bootstrap: int) -> str:
    """How to make a refused analysis fit: only the terms that take memory in this one."""
    ways = []
    if keep_design:
        ways.append("drop keep_design=True (with the default, keep_design=False, memory is "
                    "flat in n: the indices and the bootstrap's sums are accumulated block by "
                    "block) or lower n (each halving halves the kept design)")
    if bootstrap:
        ways.append("lower the 'bootstrap' count (its sums take memory in proportion to it)")
    ways.append("lower block_size or use fewer workers (each chunk in flight holds its "
                "outputs and sums)")
    ways.append("vary fewer inputs (groups)")
    text = ", ".join(ways[:-1]) + ", or " + ways[-1] + "."
    return text[0].upper() + text[1:]


def _design_frame(design: FloatArray, columns: list[str]) -> pd.DataFrame:
    """The design ((d + 2) x n x coordinates) as runs x coordinates, in the order A, B,
    A_B^(1), ..., A_B^(d), as saltelli_design documents; the frame holds the array itself
    (no copy: the design can be most of an analysis's memory)."""
    return pd.DataFrame(design.reshape(-1, design.shape[-1]), columns=columns, copy=False)


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
    drawn = [s for s in switch_set.switches if len(s.alternatives) > 1]
    out += [_Input(s.parameter, (k + j,)) for j, s in enumerate(drawn)]
    return out


#: Base rows per segment of the Poisson bootstrap's weights: segment s draws the weights of
#: rows s*_SEGMENT .. (s+1)*_SEGMENT from its own stream, so a row's weights depend only on
#: the seed and the row, never on the chunks, slices, block size or executor.
_SEGMENT = 256

#: Base rows per product of the bootstrap's weights by its per-row terms: up to
#: _BOOT_ROWS, within _BOOT_CELLS terms (64 MB), and at least one slice of rows. Few large
#: products, not one per slice: interleaved with the rest of the work, a threaded BLAS
#: waking for each small product made the whole call 1.3x slower (1024-row products, 2
#: threads, ASEM, N = 2^14).
_BOOT_ROWS = 2048
_BOOT_CELLS = 2**23


def _boot_rows(step: int, terms: int) -> int:
    """Rows of the bootstrap's buffer of terms, for slices of ``step`` rows."""
    return max(step, min(_BOOT_ROWS, _BOOT_CELLS // terms))

#: Spawn key of the bootstrap's streams below the analysis's seed (the design's scrambling
#: uses the seed's own stream; the former multinomial bootstrap used key 0).
_BOOT_KEY = 1


def _poisson_weights(
    seed: np.random.SeedSequence, reps: int, start: int, stop: int,
    cache: dict[int, FloatArray] | None = None,
) -> FloatArray:
    """Poisson(1) weights of base rows start..stop in each resample (resamples x rows).

    Segment ``s`` of :data:`_SEGMENT` rows draws ``reps x _SEGMENT`` weights, resample after
    resample, from ``SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, _BOOT_KEY, s))``.
    ``cache`` keeps the last segment drawn, for the next slice of rows of the same chunk.
    """
    parts = []
    for s in range(start // _SEGMENT, (stop - 1) // _SEGMENT + 1):
        drawn = cache.get(s) if cache is not None else None
        if drawn is None:
            rng = np.random.default_rng(child_sequence(seed, _BOOT_KEY, s))
            drawn = rng.poisson(1.0, size=(reps, _SEGMENT)).astype(np.float64)
            if cache is not None:
                cache.clear()  # slices walk the rows forward: older segments are done
                cache[s] = drawn
        base = s * _SEGMENT
        parts.append(drawn[:, max(start, base) - base:min(stop, base + _SEGMENT) - base])
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


def _boot_terms(Y: FloatArray, centre: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Per-row terms of every estimator for every output, rows x ((3 + 3 d) x outputs).

    ``Y`` holds a slice of rows' outputs, (d + 2) x rows x outputs in the order A, B,
    A_B^(1), ...; with ``a = f_A - c`` and ``b = f_B - c`` for the constant ``c`` (the
    first run's outputs, known before the run: it keeps the variance, formed as a mean of
    squares minus a squared mean, free of cancellation), the terms of an output are: 0 ``a``,
    1 ``b``, 2 ``a^2 + b^2``, then per input i: 3 + i ``b (ab_i - a)``, 3 + d + i
    ``ab_i - a``, 3 + 2 d + i ``(ab_i - a)^2``. Every estimator is a ratio of means of
    these, unchanged by the shift ``c``. Written into ``out`` (rows x terms) when given.
    """
    d, m, n_out = Y.shape[0] - 2, Y.shape[1], Y.shape[2]
    if out is None:
        out = np.empty((m, (3 + 3 * d) * n_out))
    t = out.reshape(m, 3 + 3 * d, n_out)
    a, b = t[:, 0], t[:, 1]
    np.subtract(Y[0], centre, out=a)
    np.subtract(Y[1], centre, out=b)
    np.multiply(a, a, out=t[:, 2])
    t[:, 2] += b * b
    diff = t[:, 3 + d:3 + 2 * d]
    np.subtract(Y[2:].transpose(1, 0, 2), Y[0][:, None], out=diff)
    np.multiply(b[:, None], diff, out=t[:, 3:3 + d])
    np.multiply(diff, diff, out=t[:, 3 + 2 * d:])
    return out


def _resample_indices(
    boot: FloatArray, weight: FloatArray, constant: np.ndarray, d: int, n_out: int
) -> tuple[FloatArray, FloatArray]:
    """Each resample's first- and total-order indices (resamples x d x outputs) from its
    weighted sums of :func:`_boot_terms` and its weight total: the estimators of
    :func:`sobol_indices` with weighted means in place of means."""
    reps = boot.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (boot / weight[:, None]).reshape(reps, 3 + 3 * d, n_out)
        mean = (s[:, 0] + s[:, 1]) / 2
        var = s[:, 2] / 2 - mean * mean
        firsts = (s[:, 3:3 + d] - mean[:, None] * s[:, 3 + d:3 + 2 * d]) / var[:, None]
        totals = 0.5 * s[:, 3 + 2 * d:] / var[:, None]
    # A resample with no variance (or no weight) has no index (NaN), as in sobol_indices; an
    # output constant over the whole sample is constant in every resample, whatever the
    # rounding of var.
    flat = ((~(var > 0)) | constant[None])[:, None]
    flat = np.broadcast_to(flat, firsts.shape)
    firsts[flat] = np.nan
    totals[flat] = np.nan
    return firsts, totals


def _nanquantile_first_axis(values: FloatArray, q: float) -> FloatArray:
    """``np.nanquantile(values, q, axis=0)`` (linear method) for many short columns at once.

    NumPy's nanquantile loops in Python over the columns that hold a NaN; here one sort of
    every column (NaNs sort last) and the same index and interpolation formulas as NumPy's
    (``(k - 1) q`` and its two-sided lerp) give the same values, all-NaN columns NaN.
    """
    ordered = np.sort(values, axis=0)
    k = np.count_nonzero(~np.isnan(values), axis=0)
    virtual = (k - 1) * q
    below = np.floor(virtual)
    gamma = virtual - below
    lo = np.clip(below.astype(np.intp), 0, None)
    hi = np.clip(lo + 1, None, np.maximum(k - 1, 0))
    a = np.take_along_axis(ordered, lo[None], axis=0)[0]
    b = np.take_along_axis(ordered, hi[None], axis=0)[0]
    diff = b - a
    out = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    out[k == 0] = np.nan
    return out


def _intervals(
    firsts: FloatArray, totals: FloatArray, level: float, names: list[str],
    outputs: list[str],
) -> pd.DataFrame:
    """Percentile intervals of the resampled indices (resamples x d x outputs), in long
    format: kind by kind, then input by input, then output by output."""
    d, n_out = firsts.shape[1], firsts.shape[2]
    alpha = (1 - level) / 2
    kinds, lows, highs = [], [], []
    for kind, values in (("first", firsts), ("total", totals)):
        kinds.append(kind)
        lows.append(_nanquantile_first_axis(values, alpha))
        highs.append(_nanquantile_first_axis(values, 1 - alpha))
    return pd.DataFrame({
        "kind": np.repeat(kinds, d * n_out),
        "input": np.tile(np.repeat(names, n_out), 2),
        "output": np.tile(outputs, 2 * d),
        "low": np.concatenate(lows).ravel(),
        "high": np.concatenate(highs).ravel(),
    })


def _warn_constant(var: FloatArray, units: list[str], runs: int) -> None:
    """Warn, naming them, about outputs that never vary: their indices are NaN, not zero."""
    still = var == 0
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
