"""Monte Carlo uncertainty analysis of ranks and scores (Saisana, Saltelli and Tarantola, 2005)."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spindex.analysis._engine import (
    CHUNK,
    CompiledModel,
    blocks_in_flight,
    chunk_generator,
    map_chunks,
    sorted_ranks,
)
from spindex.analysis._runs import (
    check_count,
    check_executor,
    check_flag,
    check_memory,
    check_seed,
    seed_record,
    user_stacklevel,
)
from spindex.analysis._variants import SwitchSet
from spindex.analysis.discrete import DiscreteInput
from spindex.analysis.sampling import WeightSampler, as_sampler
from spindex.analysis.sinks import (
    RunSink,
    SinkWriter,
    as_sink,
    check_sink,
    record_dtype,
    sink_unit_positions,
)
from spindex.errors import ParameterError, SpindexTypeError, SpindexWarning
from spindex.model import CompositeIndex

__all__ = ["UncertaintyResult", "uncertainty"]


#: Bytes the accumulated rank table (units x (bins + 1), int64) may take when the bin width
#: is chosen automatically: exact (width 1) up to 5,792 units. A fixed figure rather than a
#: share of this machine's memory, so that the same seed gives the same result everywhere.
_RANK_TABLE_BUDGET = 256 * 1024**2

#: Scores (runs x units) evaluated and ranked at once: a chunk of many units is cut into
#: slices of this many cells, so a run on 50,000 units never holds a chunk's 8192 x 50,000
#: scores. The slices depend only on the number of units, never on block_size or the
#: executor, so results stay bit-identical across both.
_SLICE_CELLS = 2**23


def _auto_rank_bin_width(n_units: int, budget: int | None = None) -> int:
    """The narrowest rank-bin width whose table (units x (bins + 1) int64) fits ``budget``.

    1 (exact rank counts) whenever the full units x (units + 1) table fits.
    """
    budget = _RANK_TABLE_BUDGET if budget is None else budget
    if n_units < 1 or 8 * n_units * (n_units + 1) <= budget:
        return 1
    bins = max(1, budget // (8 * n_units) - 1)
    return min(n_units, -(-n_units // bins))


def _slice_rows(n_units: int) -> int:
    return max(1, min(CHUNK, _SLICE_CELLS // max(1, n_units)))


@dataclass(frozen=True)
class _ChunkStats:
    """What one chunk of runs contributes; combined in chunk order."""

    n: int
    rank_counts: np.ndarray  # units x (bins + 1): column j counts rank bin j, column 0 missing
    score_count: np.ndarray  # units
    score_mean: np.ndarray  # units
    score_m2: np.ndarray  # units: sum of squared deviations from the chunk mean
    shift_sum: float  # sum of R_S over the chunk's runs where it is defined
    shift_count: int  # number of those runs
    rank_shift: np.ndarray | None  # runs: mean |rank - nominal rank| over units
    weights: np.ndarray | None  # runs x varying weights
    choices: np.ndarray | None  # runs x switches
    scores: np.ndarray | None
    ranks: np.ndarray | None
    unit_scores: np.ndarray | None = None  # runs x sink units
    unit_ranks: np.ndarray | None = None  # runs x sink units, 0 where unranked


def _merge_moments(
    count: np.ndarray, mean: np.ndarray, m2: np.ndarray,
    nb: np.ndarray, mean_b: np.ndarray, m2_b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chan et al.'s pairwise update of (count, mean, M2) by a batch; deterministic in order."""
    new_n = count + nb
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.where(nb > 0, mean_b - mean, 0.0)
        mean = np.where(new_n > 0, mean + delta * nb / new_n, 0.0)
        m2 = m2 + np.where(nb > 0, m2_b + delta**2 * count * nb / new_n, 0.0)
    return new_n, mean, m2


@dataclass(frozen=True)
class _Task:
    """One block of the analysis (picklable, for process pools and dask clusters)."""

    compiled: CompiledModel
    switches: SwitchSet
    sampler: WeightSampler | None
    varying_cols: np.ndarray
    nominal_ranks: np.ndarray
    seed: np.random.SeedSequence
    keep_runs: bool
    keep_inputs: bool
    bin_width: int = 1
    #: Positions of the units whose per-run score and rank go to a sink (None: no sink).
    unit_cols: np.ndarray | None = None

    def __repr__(self) -> str:
        # Cheap and small: executors (dask) format and hash the task they are given.
        return (f"<uncertainty task: {len(self.compiled.units)} units, "
                f"{len(self.compiled.variants)} variants, bin width {self.bin_width}>")

    def __call__(self, block: Sequence[tuple[int, int, int]]) -> list[_ChunkStats]:
        return [self.chunk(c, stop - start) for c, start, stop in block]

    def chunk(self, index: int, m: int) -> _ChunkStats:
        rng = chunk_generator(self.seed, index)
        fw = self.compiled.framework
        if self.sampler is None:
            W = np.tile(self.compiled.nominal_weights, (m, 1))
        else:
            W = self.sampler.draw(fw, rng, m)
        choices = self.switches.draw(rng, m)
        variants = self.switches.variant_of(choices)
        # Discrete weight inputs act on the run's weights; the sampled ones are recorded.
        W_run = self.switches.apply_weights(W, choices)
        n_units = len(self.compiled.units)
        b = self.bin_width
        n_bins = -(-n_units // b)
        step = _slice_rows(n_units)
        if step >= m:
            counts, count, mean, m2, rank_shift, scores, ranks = self._slice(W_run, variants)
            counts = counts.reshape(n_units, n_bins + 1)
            unit_scores, unit_ranks = self._units(scores, ranks)
        else:
            # Many units: evaluate and rank the chunk slice by slice (same draws, fixed slices).
            table = np.zeros(n_units * (n_bins + 1), dtype=np.int32)
            count = np.zeros(n_units)
            mean = np.zeros(n_units)
            m2 = np.zeros(n_units)
            shifts, kept_scores, kept_ranks, unit_parts = [], [], [], []
            for lo in range(0, m, step):
                rows = slice(lo, min(m, lo + step))
                c, nb, mb, m2b, rs, sc, rk = self._slice(W_run[rows], variants[rows])
                # A chunk counts at most CHUNK runs per cell: int32 holds it, at half the bytes.
                np.add(table, c, out=table, casting="unsafe")
                count, mean, m2 = _merge_moments(count, mean, m2, nb, mb, m2b)
                shifts.append(rs)
                if self.keep_runs:
                    kept_scores.append(sc)
                    kept_ranks.append(rk)
                unit_parts.append(self._units(sc, rk))
            counts = table.reshape(n_units, n_bins + 1)
            rank_shift = np.concatenate(shifts)
            scores = np.concatenate(kept_scores) if self.keep_runs else None
            ranks = np.concatenate(kept_ranks) if self.keep_runs else None
            unit_scores = unit_ranks = None
            if self.unit_cols is not None:
                unit_scores = np.concatenate([us for us, _ in unit_parts])
                unit_ranks = np.concatenate([ur for _, ur in unit_parts])
        defined = ~np.isnan(rank_shift)
        keep = self.keep_inputs
        return _ChunkStats(
            n=m, rank_counts=counts, score_count=count, score_mean=mean, score_m2=m2,
            shift_sum=float(rank_shift[defined].sum()), shift_count=int(defined.sum()),
            rank_shift=rank_shift if keep else None,
            weights=W[:, self.varying_cols] if keep else None,
            choices=choices if keep else None,
            scores=scores if self.keep_runs else None,
            ranks=ranks if self.keep_runs else None,
            unit_scores=unit_scores, unit_ranks=unit_ranks,
        )

    def _units(self, scores: np.ndarray, ranks: np.ndarray | None
               ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The sink units' columns of some runs' scores and ranks (None without a sink)."""
        if self.unit_cols is None:
            return None, None
        assert ranks is not None
        return scores[:, self.unit_cols], ranks[:, self.unit_cols]

    def _slice(self, W: np.ndarray, variants: np.ndarray) -> tuple[Any, ...]:
        """Scores, rank histogram and moments of some runs: (flat counts, count, mean, M2,
        R_S per run, scores or None, ranks or None)."""
        m = W.shape[0]
        scores = self.compiled.evaluate_mixed(W, variants)
        order, ranks_sorted = sorted_ranks(scores, self.compiled.tie_scales[variants])
        n_units = scores.shape[1]
        b = self.bin_width
        n_bins = -(-n_units // b)
        # Histogram and rank shifts are computed in sorted order: no scatter back needed.
        if b == 1:
            binned = ranks_sorted
        else:
            # Rank r > 0 falls in bin (r - 1) // b + 1; 0 (missing) stays in column 0.
            binned = np.where(ranks_sorted > 0, (ranks_sorted - 1) // b + 1, 0)
        cells = order * (n_bins + 1) + binned
        counts = np.bincount(cells.ravel(), minlength=n_units * (n_bins + 1)).astype(
            np.int64, copy=False)  # no copy of a large table where intp is int64
        del cells, binned
        nominal = self.nominal_ranks[order]
        # R_S counts only units ranked both in the run and nominally: a unit the nominal
        # model leaves unranked (rank 0) is left out even when every run scores it.
        if np.isnan(scores).any() or not self.nominal_ranks.all():
            observed = ~np.isnan(scores)
            count = observed.sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.nansum(scores, axis=0) / count
                m2 = np.nansum((scores - mean) ** 2, axis=0)
            both = (ranks_sorted > 0) & (nominal > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                rank_shift = (np.abs(ranks_sorted - nominal) * both).sum(axis=1) / both.sum(axis=1)
        else:
            count = np.full(n_units, m)
            mean = scores.mean(axis=0)
            m2 = ((scores - mean) ** 2).sum(axis=0)
            rank_shift = np.abs(ranks_sorted - nominal).mean(axis=1)
        ranks = None
        if self.keep_runs or self.unit_cols is not None:
            ranks = np.empty_like(ranks_sorted)
            np.put_along_axis(ranks, order, ranks_sorted, axis=1)
        return (counts, count, mean, m2, rank_shift, scores, ranks)


def _rank(value: Any) -> str:
    return "-" if pd.isna(value) else str(int(value))


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Ranks and scores under uncertain weights and methods.

    Attributes
    ----------
    n : int
        Number of runs.
    seed : int or numpy.random.SeedSequence
        The seed that reproduces the runs: ``uncertainty(..., seed=ua.seed)`` repeats them
        exactly. Without a seed, the entropy drawn for the run (an int).
    nominal : pandas.DataFrame
        Nominal score and rank of every unit.
    rank_counts : pandas.DataFrame
        Units x ranks (1..n_units): how many runs gave each rank. With a rank bin width
        ``b > 1`` (many units), units x rank bins: the columns are a closed
        :class:`pandas.IntervalIndex` of ranks (``[1, b]``, ``[b + 1, 2b]``, ...), and
        ``rank_counts.loc[unit, r]`` reads the bin holding rank ``r``.
    rank_bin_width : int
        Width ``b`` of the rank bins the counts were kept in: 1 means exact rank statistics.
        With ``b > 1`` the bin counts are exact (the exact counts summed over each bin), rank
        quantiles are the middle rank of the bin holding the exact quantile (within
        :attr:`rank_error` ranks of it), and mean ranks and mean absolute shifts are within
        ``(b - 1) / 2``.
    mean_rank_shift : float
        R_S averaged over the runs where it is defined: the headline robustness figure
        (accumulated run by run, so it is there with ``keep_inputs=False`` too).
    rank_shift : pandas.Series
        Per run, R_S: the mean over units of ``|rank - nominal rank|`` (kept on request,
        with ``keep_inputs=True``).
    inputs : pandas.DataFrame
        The sampled inputs of every run: the raw weight of each varying node and the
        alternative chosen for each switch (kept on request, with ``keep_inputs=True``).
    varied_weights : tuple of str
        The nodes whose weights were sampled, in the order of :attr:`inputs`' columns.
    input_names : tuple of str
        The uncertain inputs, kept or not: ``"w:<node>"`` for each varied weight, then the
        name of each switch and discrete input (the columns of :attr:`inputs`).
    alternatives : dict of str to tuple of str
        For each switch and discrete input, the labels of its alternatives, in the order
        of the codes in :attr:`inputs` and in a sink's records.
    runs_scores, runs_ranks : pandas.DataFrame or None
        Per-run index scores and ranks (runs x units), when asked for with ``keep_runs``.
    """

    n: int
    seed: int | np.random.SeedSequence
    nominal: pd.DataFrame
    rank_counts: pd.DataFrame
    score_stats: pd.DataFrame
    mean_rank_shift: float
    kept_rank_shift: pd.Series | None = field(default=None, repr=False)
    kept_inputs: pd.DataFrame | None = field(default=None, repr=False)
    runs_scores: pd.DataFrame | None = None
    runs_ranks: pd.DataFrame | None = None
    rank_bin_width: int = 1
    varied_weights: tuple[str, ...] = ()
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The uncertain inputs, kept or not (the columns :attr:`inputs` has or would have)."""
        return tuple(f"w:{c}" for c in self.varied_weights) + tuple(self.alternatives)

    @property
    def exact(self) -> bool:
        """Whether the rank statistics are exact (rank bin width 1)."""
        return self.rank_bin_width == 1

    @property
    def rank_error(self) -> int:
        """Largest distance, in ranks, between a rank quantile given here and the exact one:
        ``ceil((b - 1) / 2)`` for bins of width ``b``, 0 when exact."""
        return self.rank_bin_width // 2

    def _bin_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """First and last rank of every column of :attr:`rank_counts`."""
        n_units = len(self.rank_counts)
        b = self.rank_bin_width
        lo = np.arange(1, n_units + 1, b)
        return lo, np.minimum(lo + b - 1, n_units)

    def _not_kept(self, what: str) -> ParameterError:
        return ParameterError(
            f"The {what} of every run were not kept: this analysis ran with "
            "keep_inputs=False (the default), which keeps memory flat in n. Run it again "
            "with keep_inputs=True and seed=<this result's seed> to get the same runs with "
            f"their {what}, or with sink=<a .npy path> to stream them to a file."
        )

    @property
    def rank_shift(self) -> pd.Series:
        """Per run, R_S (runs); refused with a clear error when ``keep_inputs=False``."""
        if self.kept_rank_shift is None:
            raise self._not_kept("rank shifts R_S")
        return self.kept_rank_shift

    @property
    def inputs(self) -> pd.DataFrame:
        """The sampled inputs of every run (runs x inputs); refused with a clear error when
        ``keep_inputs=False``."""
        if self.kept_inputs is None:
            raise self._not_kept("sampled inputs")
        return self.kept_inputs

    @property
    def rank_frequencies(self) -> pd.DataFrame:
        """Units x ranks: the share of runs giving each rank (rows sum to 1 over valid runs)."""
        counts = self.rank_counts
        return counts.div(counts.sum(axis=1), axis=0)

    def rank_quantile(self, q: float) -> pd.Series:
        """The q-quantile of each unit's rank over runs (inverted empirical CDF: the smallest
        rank r with P(rank <= r) >= q).

        With rank bins of width ``b > 1`` (:attr:`rank_bin_width`), the middle rank of the
        bin that holds that quantile: within :attr:`rank_error` ranks of the exact one.
        """
        if not 0.0 <= q <= 1.0:
            raise ParameterError(f"q must be in [0, 1]; got {q}.")
        counts = self.rank_counts.to_numpy()
        total = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            cdf = np.cumsum(counts, axis=1) / total
        column = np.argmax(cdf >= q - 1e-12, axis=1)
        lo, hi = self._bin_bounds()
        ranks = ((lo[column] + hi[column]) // 2).astype(float)
        ranks[total[:, 0] == 0] = np.nan  # a unit never ranked has no rank quantile
        return pd.Series(ranks, index=self.rank_counts.index, name=f"rank_q{q:g}").astype("Int64")

    def summary(self) -> pd.DataFrame:
        """Per unit: nominal rank and score, median, mean, 5th and 95th percentile rank, mean
        absolute rank shift, and the mean and standard deviation of the score over runs;
        sorted by nominal rank."""
        counts = self.rank_counts.to_numpy()
        lo, hi = self._bin_bounds()
        r = (lo + hi) / 2  # the ranks themselves when exact, bin middles otherwise
        # A unit never ranked has no mean rank: NaN, not a division warning.
        total = np.where(counts.sum(axis=1) > 0, counts.sum(axis=1), np.nan)
        mean_rank = (counts * r).sum(axis=1) / total
        nominal_rank = self.nominal["rank"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            shift = counts * np.abs(r[None, :] - nominal_rank[:, None])
        mean_shift = np.nansum(shift, axis=1) / total
        out = pd.DataFrame({
            "nominal_rank": self.nominal["rank"],
            "median_rank": self.rank_quantile(0.5),
            "mean_rank": mean_rank,
            "rank_q05": self.rank_quantile(0.05),
            "rank_q95": self.rank_quantile(0.95),
            "mean_abs_shift": mean_shift,
            "nominal_score": self.nominal["score"],
            "score_mean": self.score_stats["mean"],
            "score_sd": self.score_stats["sd"],
        }, index=self.rank_counts.index)
        return out.sort_values(["nominal_rank", "mean_rank"])

    def __repr__(self) -> str:
        s = self.summary().head(10)
        approx = ("" if self.exact else
                  f", ranks in bins of {self.rank_bin_width} (quantiles within "
                  f"{self.rank_error} ranks)")
        lines = [
            f"<UncertaintyResult: {self.n} runs, {len(self.rank_counts)} units, mean rank shift "
            f"R_S = {self.mean_rank_shift:.3f}{approx}>",
            "  unit                 nominal  median  5%-95% rank",
        ]
        for unit, row in s.iterrows():
            lines.append(
                f"  {unit!s:<20} {_rank(row['nominal_rank']):>7} {_rank(row['median_rank']):>7}"
                f"  {_rank(row['rank_q05'])}-{_rank(row['rank_q95'])}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A compact, escaped HTML view for notebooks: key numbers and the rank summary."""
        from spindex._html import repr_html

        return repr_html(
            f"UncertaintyResult: {self.n:,} Monte Carlo runs",
            [("seed", self.seed), ("mean absolute rank shift R_S", self.mean_rank_shift),
             ("rank bin width (1 = exact)", self.rank_bin_width)],
            self.summary(), index_label="unit")


def uncertainty(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    weights: float | WeightSampler | None = 0.25,
    n: int = 10_000,
    seed: int | np.random.SeedSequence | None = None,
    executor: Executor | None = None,
    block_size: int = 16_384,
    progress: bool = False,
    keep_runs: bool = False,
    keep_inputs: bool = False,
    choices: Sequence[DiscreteInput] | None = None,
    rank_bin_width: int | None = None,
    sink: RunSink | str | os.PathLike[str] | Any | None = None,
    **switches: Any,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranking.

    Every run draws the uncertain inputs — weights and discrete method choices — scores all
    units with the compiled model, and ranks them. Statistics are accumulated chunk by chunk,
    so memory stays flat in ``n``: per-run records (the inputs and R_S of every run, 8 bytes
    per input per run; every unit's score and rank) are kept only on request
    (``keep_inputs=True``, ``keep_runs=True``) or streamed to a ``sink``. A run whose kept
    records would not fit in memory is refused before anything is allocated.

    Parameters
    ----------
    model : CompositeIndex
        The nominal model.
    data : pandas.DataFrame
        The data it scores.
    weights : float, WeightSampler or None, default 0.25
        Uncertainty of the weights: a number ``phi`` for ``WeightNoise(phi)`` on every weight
        (each weight uniform in ``w (1 +- phi)``, then renormalised within its group), any
        sampler of :mod:`spindex.analysis.sampling` (``WeightNoise(phi, levels=[2, 3])``,
        ``DirichletWeights``, ``UniformSimplex``, ``WeightBounds``), or ``None`` for fixed
        weights.
    n : int, default 10000
        Number of runs (at least 2).
    seed : None, int or numpy.random.SeedSequence, optional
        Seed of the random streams (a non-negative integer or a SeedSequence; a Generator is
        refused, as it cannot be recorded); the same seed gives identical results whatever
        ``block_size`` and ``executor``. Without one, fresh entropy is drawn and recorded in
        :attr:`UncertaintyResult.seed`.
    executor : concurrent.futures.Executor, optional
        Runs blocks in parallel (a thread or process pool, or ``client.get_executor()`` of a
        ``dask.distributed`` client for a cluster). With a process pool, every callable in
        the model must be picklable (a module-level function, not a lambda).
    block_size : int, default 16384
        Runs per block: bounds the memory of one task.
    progress : bool, default False
        Print progress to standard error.
    keep_runs : bool, default False
        Also return every run's index scores and ranks (memory grows with ``n``).
    keep_inputs : bool, default False
        Also keep the sampled inputs and R_S of every run (:attr:`UncertaintyResult.inputs`,
        :attr:`UncertaintyResult.rank_shift`; memory grows with ``n``). The summary, rank
        counts, score statistics and mean R_S are the same to the last bit either way, and
        the same seed gives the same runs: run again with ``keep_inputs=True`` and
        ``seed=ua.seed`` to see the inputs of an analysis that did not keep them, or stream
        them to a ``sink``.
    choices : list of DiscreteInput, optional
        Further discrete inputs, each drawn per run independently of the others: named
        weight sets (:class:`~spindex.analysis.discrete.WeightSets`), a panel of experts
        (:class:`~spindex.analysis.discrete.ExpertPanel`), dropping one node
        (:class:`~spindex.analysis.discrete.DropOne`) and alternative data sources
        (:class:`~spindex.analysis.discrete.DataSources`, one input per indicator). Each is
        a column of :attr:`UncertaintyResult.inputs`, after the method switches. Their
        draws come after those of the weights and switches, so an input with a single
        alternative leaves every other draw, and every statistic, unchanged.
    rank_bin_width : int, optional
        Keep each unit's rank counts in bins of this many ranks (1: exact). By default, 1
        whenever the units x (units + 1) table of exact counts takes at most
        256 MiB, up to 5,792 units, else the narrowest width that
        fits (a :class:`~spindex.errors.SpindexWarning` says so): for 50,000 units, bins of
        75 ranks, with rank quantiles within 37 ranks of the exact ones
        (:attr:`UncertaintyResult.rank_error`). The bin counts are merged run by run like
        the exact ones, so they too are bit-identical for any ``block_size`` and
        ``executor``. Memory of the rank table: ``8 * units * (ceil(units / b) + 1)``
        bytes, plus half that per chunk of runs in flight.
    sink : RunSink, path or array-like, optional
        Streams every run's record -- its sampled inputs (the columns of
        :attr:`UncertaintyResult.inputs`, switches as the position of the alternative),
        R_S, and the score and rank of the units of ``RunSink(..., units=[...])`` -- to a
        ``.npy`` file or an array-like of shape ``(n,)`` and dtype
        :meth:`RunSink.dtype <spindex.analysis.sinks.RunSink.dtype>`, chunk by chunk in run
        order. With ``keep_inputs=False`` memory stays flat in ``n`` and the sink still
        holds the same bits that ``keep_inputs=True`` (and ``keep_runs=True``) would, for any
        ``block_size`` and ``executor``. The sink is checked before any run (its path,
        shape, dtype, units); an existing file is replaced only with
        ``RunSink(path, overwrite=True)``. See :class:`~spindex.analysis.sinks.RunSink`.
    **switches
        Discrete uncertain choices, named after the model parameter they replace, each a
        list of equally likely alternatives or ``{"alternatives": [...], "probabilities":
        [...]}``: for example ``normalize=["minmax", "zscore"]``,
        ``aggregate=["arithmetic", "geometric"]``.

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    ParameterError
        For an unknown switch or node, ``phi`` outside [0, 1), ``n < 2``, a negative seed,
        ``rank_bin_width < 1``, a ``sink`` that cannot take the records (a path that
        exists without ``overwrite=True``, is not ``.npy`` or is in a folder that does not
        exist or cannot be written; an array of the wrong shape or dtype; a unit that is
        not in the data), results that would not fit in memory, or a re-aggregated node
        that is not a power mean — before any heavy work; for an executor that is shut
        down, breaks or cannot pickle the model, naming the block.
    SpindexTypeError
        For a count, seed, flag, executor or sink of the wrong type.
    MethodError
        If an alternative cannot be applied to the data (for example a geometric mean on
        zeros), naming the alternative.

    References
    ----------
    Saisana, M., Saltelli, A., Tarantola, S. (2005). Uncertainty and sensitivity analysis
    techniques as tools for the quality assessment of composite indicators. JRSS A 168(2),
    307-323.

    Examples
    --------
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
    ...                           normalize=sp.MinMax(1, 100))
    >>> ua = sp.uncertainty(model, data, weights=sp.WeightNoise(0.25, levels=[2, 3]),
    ...                     aggregate=["arithmetic", "geometric"], n=4096, seed=1)
    >>> ua.summary().loc["DEU", ["nominal_rank", "median_rank"]].tolist()
    [1.0, 1.0]
    """
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(
            f"model must be a CompositeIndex; got {type(model).__name__}."
        )
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    owner = "uncertainty"
    n = check_count(n, "n", owner, minimum=2)
    block_size = check_count(block_size, "block_size", owner)
    seed_seq = check_seed(seed, owner)
    executor = check_executor(executor, owner)
    progress = check_flag(progress, "progress", owner)
    keep_runs = check_flag(keep_runs, "keep_runs", owner)
    keep_inputs = check_flag(keep_inputs, "keep_inputs", owner)
    if rank_bin_width is not None:
        rank_bin_width = check_count(rank_bin_width, "rank_bin_width", owner)
    run_sink = as_sink(sink)
    sampler = as_sampler(weights)
    switch_set = SwitchSet.build(model, switches, choices, data, owner)
    fw = model.framework
    varying = sampler.varying(fw) if sampler is not None else ()
    switch_set.check_overlap(varying, owner)
    records = None
    if run_sink is not None:
        records = record_dtype(varying, [s.parameter for s in switch_set.switches],
                               run_sink.units)
        check_sink(run_sink, n, records, data.index, owner)
    if sampler is None and not switch_set.switches:
        raise ParameterError(
            "Nothing is uncertain: give weights (e.g. 0.25) and/or switches such as "
            "normalize=['minmax', 'zscore']."
        )
    # Screening happens per variant, so the units are those of the data until compiled.
    width = _auto_rank_bin_width(len(data)) if rank_bin_width is None else rank_bin_width
    width = max(1, min(width, len(data)))
    _check_memory(n, block_size, executor, len(data), len(varying),
                  len(switch_set.switches), keep_inputs, keep_runs, width,
                  sink_record=records.itemsize if records is not None else 0)
    # The nominal model first: its own scores give the nominal ranks.
    compiled = switch_set.compile(data, varying)
    nominal = model.score(data)
    root = fw.root
    if tuple(nominal.scores.index) != compiled.units:
        raise ParameterError(
            "The model and its variants score different units (a screening choice?); screen "
            "the data once, before the analysis."
        )
    nominal_ranks = nominal.ranks[root].to_numpy(dtype=float, na_value=0).astype(np.int32)
    unit_cols = None
    if run_sink is not None and records is not None:
        # Screening may have dropped a unit the data has: checked again on the scored units.
        check_sink(run_sink, n, records, compiled.units, owner)
        unit_cols = sink_unit_positions(run_sink, compiled.units, owner)
    task = _Task(
        compiled=compiled, switches=switch_set, sampler=sampler,
        varying_cols=np.array([compiled.position(c) for c in varying], dtype=np.int64),
        nominal_ranks=nominal_ranks, seed=seed_seq, keep_runs=keep_runs,
        keep_inputs=keep_inputs or run_sink is not None, bin_width=width, unit_cols=unit_cols,
    )
    units = pd.Index(compiled.units, name=nominal.scores.index.name)
    n_units = len(units)
    if rank_bin_width is None and width > 1:
        warnings.warn(
            f"uncertainty keeps the rank counts of the {n_units:,} units in bins of {width} "
            f"ranks: the exact units x ranks table would take "
            f"{8 * n_units * (n_units + 1) / 1024**3:.3g} GiB. Rank quantiles are within "
            f"{width // 2} ranks of the exact ones (result.rank_error). Pass "
            "rank_bin_width=1 for exact counts if the memory is there, or a width of your "
            "own to silence this warning.",
            SpindexWarning, stacklevel=user_stacklevel(),
        )
    n_bins = -(-n_units // width)
    counts = np.zeros((n_units, n_bins + 1), dtype=np.int64)
    total_n = np.zeros(n_units)
    mean = np.zeros(n_units)
    m2 = np.zeros(n_units)
    # Outputs are written in place, chunk by chunk: memory is the returned arrays plus one
    # block, whatever n.
    shifts = np.empty(n) if keep_inputs else None
    sampled = np.empty((n, len(varying))) if keep_inputs else None
    all_choices = np.empty((n, len(switch_set.switches)), dtype=np.int64) if keep_inputs else None
    shift_sum = 0.0
    shift_count = 0
    score_runs = np.empty((n, n_units)) if keep_runs else None
    rank_runs = np.empty((n, n_units), dtype=np.int32) if keep_runs else None
    writer = (SinkWriter(run_sink, n, records, owner)
              if run_sink is not None and records is not None else None)
    done = 0
    try:
        for stats in map_chunks(task, n, block_size=block_size, executor=executor,
                                owner=owner):
            counts += stats.rank_counts
            # Chan et al.'s pairwise update, applied in chunk order: deterministic.
            total_n, mean, m2 = _merge_moments(total_n, mean, m2, stats.score_count,
                                               stats.score_mean, stats.score_m2)
            rows = slice(done, done + stats.n)
            # Summed in chunk order: the same bits whatever the blocks and the executor.
            shift_sum += stats.shift_sum
            shift_count += stats.shift_count
            if shifts is not None and sampled is not None and all_choices is not None:
                assert stats.rank_shift is not None and stats.weights is not None
                assert stats.choices is not None
                shifts[rows] = stats.rank_shift
                sampled[rows] = stats.weights
                all_choices[rows] = stats.choices
            if score_runs is not None and rank_runs is not None:
                assert stats.scores is not None and stats.ranks is not None
                score_runs[rows] = stats.scores
                rank_runs[rows] = stats.ranks
            if writer is not None:
                writer.write(done, _record(stats, writer.dtype))
            done += stats.n
            if progress:
                print(f"\runcertainty: {done:,}/{n:,} runs", end="", file=sys.stderr,
                      flush=True)
    except BaseException:
        # A failed or interrupted run leaves no file that looks complete.
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.finish()
    if progress:
        print(file=sys.stderr)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(m2 / (total_n - 1))
    mean = np.where(total_n > 0, mean, np.nan)  # never scored: no mean, not zero
    sd = np.where(total_n > 1, sd, np.nan)
    inputs = rank_shift = None
    if shifts is not None and sampled is not None and all_choices is not None:
        inputs = pd.DataFrame(sampled, columns=[f"w:{c}" for c in varying], copy=False)
        for j, s in enumerate(switch_set.switches):
            inputs[s.parameter] = pd.Categorical.from_codes(
                all_choices[:, j], categories=pd.Index(s.labels)
            )
        inputs.index.name = "run"
        rank_shift = pd.Series(shifts, name="R_S").rename_axis("run")
    runs_scores = runs_ranks = None
    if score_runs is not None and rank_runs is not None:
        runs_scores = pd.DataFrame(score_runs, columns=units)
        ranks = rank_runs.astype(float)
        ranks[ranks == 0] = np.nan
        runs_ranks = pd.DataFrame(ranks, columns=units).astype("Int64")
    return UncertaintyResult(
        n=n,
        seed=seed_record(seed, seed_seq),
        nominal=pd.DataFrame({"score": nominal.index.to_numpy(),
                              "rank": nominal.ranks[root].to_numpy(dtype=float, na_value=np.nan)},
                             index=units),
        rank_counts=pd.DataFrame(counts[:, 1:], index=units, columns=_rank_columns(n_units, width)),
        score_stats=pd.DataFrame({"mean": mean, "sd": sd, "n": total_n}, index=units),
        mean_rank_shift=shift_sum / shift_count if shift_count else float("nan"),
        kept_rank_shift=rank_shift,
        kept_inputs=inputs,
        runs_scores=runs_scores,
        runs_ranks=runs_ranks,
        rank_bin_width=width,
        varied_weights=tuple(varying),
        alternatives={s.parameter: s.labels for s in switch_set.switches},
    )


def _record(stats: _ChunkStats, dtype: np.dtype) -> np.ndarray:
    """A chunk's runs as sink records (fields in the order of ``record_dtype``)."""
    assert stats.weights is not None and stats.choices is not None
    assert stats.rank_shift is not None
    out = np.empty(stats.n, dtype=dtype)
    names = dtype.names or ()
    n_weights, n_switches = stats.weights.shape[1], stats.choices.shape[1]
    for j in range(n_weights):
        out[names[j]] = stats.weights[:, j]
    for j in range(n_switches):
        out[names[n_weights + j]] = stats.choices[:, j]
    out["R_S"] = stats.rank_shift
    if stats.unit_scores is not None and stats.unit_ranks is not None:
        first = n_weights + n_switches + 1
        for k in range(stats.unit_scores.shape[1]):
            out[names[first + 2 * k]] = stats.unit_scores[:, k]
            ranks = stats.unit_ranks[:, k].astype(float)
            ranks[ranks == 0] = np.nan  # unranked (no score): NaN, as runs_ranks' <NA>
            out[names[first + 2 * k + 1]] = ranks
    return out


def _rank_columns(n_units: int, width: int) -> pd.Index:
    """Columns of the rank counts: the ranks, or closed intervals of ranks for bins."""
    if width == 1:
        return pd.RangeIndex(1, n_units + 1, name="rank")
    lo = np.arange(1, n_units + 1, width)
    return pd.IntervalIndex.from_arrays(lo, np.minimum(lo + width - 1, n_units),
                                        closed="both", name="rank")


def _check_memory(
    n: int, block_size: int, executor: Executor | None, n_units: int, n_weights: int,
    n_switches: int, keep_inputs: bool, keep_runs: bool, width: int = 1,
    sink_record: int = 0,
) -> None:
    """Refuse, before allocating, a run whose returned records would not fit in memory.

    With a sink (``sink_record`` bytes a run) no per-run record is kept, but each chunk in
    flight carries its runs' inputs and its records until they are written."""
    per_run = 0
    parts = []
    if keep_inputs:
        # R_S (float64), each sampled weight (float64), each switch: int64 codes while
        # sampling plus the categorical codes of the returned table.
        per_run += 8 + 8 * n_weights + 9 * n_switches
        parts.append(f"R_S and {n_weights} sampled weights and {n_switches} switch choices")
    if keep_runs:
        # Scores (float64) and ranks (int32 while sampling, then a float64 copy and the
        # returned nullable Int64 table).
        per_run += (8 + 4 + 8 + 9) * n_units
        parts.append(f"the scores and ranks of {n_units} units")
    # Blocks in flight hold their chunks' rank counts and per-run records.
    per_block = max(1, -(-block_size // CHUNK))
    in_flight = min(-(-n // CHUNK), per_block * blocks_in_flight(executor))
    n_bins = -(-n_units // width)
    # Each chunk in flight holds its int32 rank table (int64 when in one slice) and moments.
    sink_inputs = (8 + 8 * n_weights + 9 * n_switches) if sink_record and not keep_inputs else 0
    chunk_bytes = 8 * n_units * (n_bins + 4) + CHUNK * (per_run + sink_inputs + sink_record)
    # The accumulated table, and the one slice being evaluated: scores, sort order and keys
    # (float64 / intp), ranks and binned ranks, cells, and their bincount.
    rows = min(_slice_rows(n_units), CHUNK)
    working = 8 * n_units * (n_bins + 1) * 2 + rows * n_units * 8 * 6
    needed = n * per_run + in_flight * chunk_bytes + working
    what = " and ".join(parts) or "nothing per run"
    detail = (f"n = {n:,} runs x {per_run} bytes of per-run records ({what}), plus "
              f"{in_flight} chunks of {CHUNK} runs in flight and a rank table of "
              f"{n_units:,} units x {n_bins + 1:,} rank bins of width {width}")
    if keep_inputs or keep_runs:
        kept = " and ".join(f"{name}=True" for name, on in
                            (("keep_inputs", keep_inputs), ("keep_runs", keep_runs)) if on)
        hint = (f"Drop {kept}: with the defaults "
                "(keep_inputs=False, keep_runs=False) memory is flat in n, and the summary, "
                "rank counts, score statistics and mean R_S, accumulated run by run, do not "
                "change. Stream the per-run records to a file with sink=... instead, or "
                "lower n.")
    else:
        hint = ("Lower block_size: it bounds the runs each block holds in memory; with many "
                "units, pass a wider rank_bin_width (or leave it to the default).")
    check_memory(needed, "uncertainty", detail, hint)
