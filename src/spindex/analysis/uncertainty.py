"""Monte Carlo uncertainty analysis of ranks and scores (Saisana, Saltelli and Tarantola, 2005)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spindex.analysis._engine import CompiledModel, chunk_generator, map_chunks, sorted_ranks
from spindex.analysis._variants import SwitchSet
from spindex.analysis.sampling import WeightSampler, as_sampler
from spindex.errors import ParameterError, SpindexTypeError
from spindex.model import CompositeIndex

__all__ = ["UncertaintyResult", "uncertainty"]


@dataclass(frozen=True)
class _ChunkStats:
    """What one chunk of runs contributes; combined in chunk order."""

    n: int
    rank_counts: np.ndarray  # units x (n_units + 1): column r counts rank r, column 0 missing
    score_count: np.ndarray  # units
    score_mean: np.ndarray  # units
    score_m2: np.ndarray  # units: sum of squared deviations from the chunk mean
    rank_shift: np.ndarray  # runs: mean |rank - nominal rank| over units
    weights: np.ndarray  # runs x varying weights
    choices: np.ndarray  # runs x switches
    scores: np.ndarray | None
    ranks: np.ndarray | None


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
        scores = self.compiled.evaluate_mixed(W, self.switches.variant_of(choices))
        order, ranks_sorted = sorted_ranks(scores)
        n_units = scores.shape[1]
        # Histogram and rank shifts are computed in sorted order: no scatter back needed.
        cells = order * (n_units + 1) + ranks_sorted
        counts = np.bincount(cells.ravel(), minlength=n_units * (n_units + 1))
        counts = counts.reshape(n_units, n_units + 1).astype(np.int64)
        nominal = self.nominal_ranks[order]
        if np.isnan(scores).any():
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
        if self.keep_runs:
            ranks = np.empty_like(ranks_sorted)
            np.put_along_axis(ranks, order, ranks_sorted, axis=1)
        return _ChunkStats(
            n=m, rank_counts=counts, score_count=count, score_mean=mean, score_m2=m2,
            rank_shift=rank_shift, weights=W[:, self.varying_cols], choices=choices,
            scores=scores if self.keep_runs else None,
            ranks=ranks,
        )


def _rank(value: Any) -> str:
    return "-" if pd.isna(value) else str(int(value))


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Ranks and scores under uncertain weights and methods.

    Attributes
    ----------
    n : int
        Number of runs.
    seed : int or None
        The seed that reproduces the runs.
    nominal : pandas.DataFrame
        Nominal score and rank of every unit.
    rank_counts : pandas.DataFrame
        Units x ranks (1..n_units): how many runs gave each rank.
    rank_shift : pandas.Series
        Per run, R_S: the mean over units of ``|rank - nominal rank|``.
    inputs : pandas.DataFrame
        The sampled inputs of every run: the raw weight of each varying node and the
        alternative chosen for each switch.
    runs_scores, runs_ranks : pandas.DataFrame or None
        Per-run index scores and ranks (runs x units), when asked for with ``keep_runs``.
    """

    n: int
    seed: int | None
    nominal: pd.DataFrame
    rank_counts: pd.DataFrame
    score_stats: pd.DataFrame
    rank_shift: pd.Series
    inputs: pd.DataFrame
    runs_scores: pd.DataFrame | None = None
    runs_ranks: pd.DataFrame | None = None

    @property
    def rank_frequencies(self) -> pd.DataFrame:
        """Units x ranks: the share of runs giving each rank (rows sum to 1 over valid runs)."""
        counts = self.rank_counts
        return counts.div(counts.sum(axis=1), axis=0)

    @property
    def mean_rank_shift(self) -> float:
        """R_S averaged over runs: the headline robustness figure."""
        return float(np.nanmean(self.rank_shift.to_numpy()))

    def rank_quantile(self, q: float) -> pd.Series:
        """The q-quantile of each unit's rank over runs (inverted empirical CDF: the smallest
        rank r with P(rank <= r) >= q)."""
        if not 0.0 <= q <= 1.0:
            raise ParameterError(f"q must be in [0, 1]; got {q}.")
        counts = self.rank_counts.to_numpy()
        total = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            cdf = np.cumsum(counts, axis=1) / total
        ranks = (np.argmax(cdf >= q - 1e-12, axis=1) + 1).astype(float)
        ranks[total[:, 0] == 0] = np.nan  # a unit never ranked has no rank quantile
        return pd.Series(ranks, index=self.rank_counts.index, name=f"rank_q{q:g}").astype("Int64")

    def summary(self) -> pd.DataFrame:
        """Per unit: nominal rank and score, median, mean, 5th and 95th percentile rank, mean
        absolute rank shift, and the mean and standard deviation of the score over runs;
        sorted by nominal rank."""
        counts = self.rank_counts.to_numpy()
        r = np.arange(1, counts.shape[1] + 1)
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
        lines = [
            f"<UncertaintyResult: {self.n} runs, {len(self.rank_counts)} units, mean rank shift "
            f"R_S = {self.mean_rank_shift:.3f}>",
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
            [("seed", self.seed), ("mean absolute rank shift R_S", self.mean_rank_shift)],
            self.summary(), index_label="unit")


def uncertainty(
    model: CompositeIndex,
    data: pd.DataFrame,
    *,
    weights: float | WeightSampler | None = 0.25,
    n: int = 10_000,
    seed: int | None = None,
    executor: Executor | None = None,
    block_size: int = 16_384,
    progress: bool = False,
    keep_runs: bool = False,
    **switches: Any,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranking.

    Every run draws the uncertain inputs — weights and discrete method choices — scores all
    units with the compiled model, and ranks them. Statistics are accumulated chunk by chunk,
    so memory stays flat in ``n`` apart from the per-run inputs that are returned.

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
    seed : int, optional
        Seed of the random streams; the same seed gives identical results whatever
        ``block_size`` and ``executor``.
    executor : concurrent.futures.Executor, optional
        Runs blocks in parallel (a process pool, or ``client.get_executor()`` of a
        ``dask.distributed`` client for a cluster).
    block_size : int, default 16384
        Runs per block: bounds the memory of one task.
    progress : bool, default False
        Print progress to standard error.
    keep_runs : bool, default False
        Also return every run's index scores and ranks (memory grows with ``n``).
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
        For an unknown switch or node, ``phi`` outside [0, 1), ``n < 2``, or a
        re-aggregated node that is not a power mean — before any heavy work.
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
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ParameterError(f"n must be an integer >= 2; got {n!r}.")
    sampler = as_sampler(weights)
    switch_set = SwitchSet.build(model, switches)
    fw = model.framework
    varying = sampler.varying(fw) if sampler is not None else ()
    if sampler is None and not switch_set.switches:
        raise ParameterError(
            "Nothing is uncertain: give weights (e.g. 0.25) and/or switches such as "
            "normalize=['minmax', 'zscore']."
        )
    # The nominal model first: its own scores give the nominal ranks.
    compiled = CompiledModel(switch_set.variants, data, varying)
    nominal = model.score(data)
    root = fw.root
    if tuple(nominal.scores.index) != compiled.units:
        raise ParameterError(
            "The model and its variants score different units (a screening choice?); screen "
            "the data once, before the analysis."
        )
    nominal_ranks = nominal.ranks[root].to_numpy(dtype=float, na_value=0).astype(np.int32)
    seed_seq = np.random.SeedSequence(seed)
    task = _Task(
        compiled=compiled, switches=switch_set, sampler=sampler,
        varying_cols=np.array([compiled.position(c) for c in varying], dtype=np.int64),
        nominal_ranks=nominal_ranks, seed=seed_seq, keep_runs=keep_runs,
    )
    units = pd.Index(compiled.units, name=nominal.scores.index.name)
    n_units = len(units)
    counts = np.zeros((n_units, n_units + 1), dtype=np.int64)
    total_n = np.zeros(n_units)
    mean = np.zeros(n_units)
    m2 = np.zeros(n_units)
    # Outputs are written in place, chunk by chunk: memory is the returned arrays plus one
    # block, whatever n.
    shifts = np.empty(n)
    sampled = np.empty((n, len(varying)))
    all_choices = np.empty((n, len(switch_set.switches)), dtype=np.int64)
    score_runs = np.empty((n, n_units)) if keep_runs else None
    rank_runs = np.empty((n, n_units), dtype=np.int32) if keep_runs else None
    done = 0
    for stats in map_chunks(task, n, block_size=block_size, executor=executor):
        counts += stats.rank_counts
        # Chan et al.'s pairwise update, applied in chunk order: deterministic.
        nb = stats.score_count
        new_n = total_n + nb
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = np.where(nb > 0, stats.score_mean - mean, 0.0)
            mean = np.where(new_n > 0, mean + delta * nb / new_n, 0.0)
            m2 = m2 + np.where(nb > 0, stats.score_m2 + delta**2 * total_n * nb / new_n, 0.0)
        total_n = new_n
        rows = slice(done, done + stats.n)
        shifts[rows] = stats.rank_shift
        sampled[rows] = stats.weights
        all_choices[rows] = stats.choices
        if score_runs is not None and rank_runs is not None:
            assert stats.scores is not None and stats.ranks is not None
            score_runs[rows] = stats.scores
            rank_runs[rows] = stats.ranks
        done += stats.n
        if progress:
            print(f"\runcertainty: {done:,}/{n:,} runs", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(m2 / (total_n - 1))
    mean = np.where(total_n > 0, mean, np.nan)  # never scored: no mean, not zero
    sd = np.where(total_n > 1, sd, np.nan)
    inputs = pd.DataFrame(sampled, columns=[f"w:{c}" for c in varying], copy=False)
    for j, s in enumerate(switch_set.switches):
        inputs[s.parameter] = pd.Categorical.from_codes(
            all_choices[:, j], categories=pd.Index(s.labels)
        )
    inputs.index.name = "run"
    runs_scores = runs_ranks = None
    if score_runs is not None and rank_runs is not None:
        runs_scores = pd.DataFrame(score_runs, columns=units)
        ranks = rank_runs.astype(float)
        ranks[ranks == 0] = np.nan
        runs_ranks = pd.DataFrame(ranks, columns=units).astype("Int64")
    return UncertaintyResult(
        n=n,
        seed=seed,
        nominal=pd.DataFrame({"score": nominal.index.to_numpy(),
                              "rank": nominal.ranks[root].to_numpy(dtype=float, na_value=np.nan)},
                             index=units),
        rank_counts=pd.DataFrame(counts[:, 1:], index=units,
                                 columns=pd.RangeIndex(1, n_units + 1, name="rank")),
        score_stats=pd.DataFrame({"mean": mean, "sd": sd, "n": total_n}, index=units),
        rank_shift=pd.Series(shifts, name="R_S").rename_axis("run"),
        inputs=inputs,
        runs_scores=runs_scores,
        runs_ranks=runs_ranks,
    )

