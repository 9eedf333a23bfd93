"""The vectorised core of every analysis: a model compiled for re-scoring under many weights.

Once the data are normalised, a power-mean aggregation is linear algebra (architecture.md,
"The core trick"): for a node with children values ``X`` (units x k), availability mask ``M``
and per-sample weights ``W`` (samples x k),

    y = f^-1( (f(X) * M) @ W.T / (M @ W.T) )

with ``f(x) = x**p`` (``log x`` for p = 0). Dividing by ``M @ W.T`` renormalises the weights
over the children each unit has, exactly as the scoring pipeline does. Nodes whose subtree has
no sampled weight are constant across samples and are taken from the model's own scores, so a
run that varies pillar weights never touches the indicators again.

Discrete choices (normalisation, aggregation, preparation steps) are *variants*: complete
models sharing one framework. Each variant is scored once at compile time (which also checks
that its methods work on the data) and samples are evaluated per variant.

Randomness comes in fixed-size chunks of samples, each with its own generator spawned from the
seed (``SeedSequence(seed).spawn``-style keys), so results do not depend on how chunks are
grouped into blocks, on the number of workers or on the executor.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from spindex._ranking import rank_rows, sorted_ranks
from spindex.analysis._heap import padded_heap
from spindex.analysis._runs import (
    check_executor,
    check_picklable,
    child_sequence,
    executor_failure,
)
from spindex.errors import ParameterError, SpindexError
from spindex.methods._base import FloatArray
from spindex.methods.aggregate import (
    power_mean_from_terms,
    power_scale,
    power_terms,
    scale_weights,
)
from spindex.model import CompositeIndex
from spindex.result import model_tie_scales

__all__ = [
    "CHUNK",
    "CompiledModel",
    "blocks_in_flight",
    "chunk_generator",
    "map_chunks",
    "rank_rows",
    "run_block",
    "run_blocks",
    "sorted_ranks",
]

#: Samples per random stream. Blocks are whole numbers of chunks, so the samples drawn for
#: run i never depend on the block size, the worker count or the executor.
CHUNK = 8192

#: Blocks submitted ahead of the one being reduced, when an executor runs them: at least this
#: many, and two per worker (thread) of the executor, so that a cluster of more than 16 workers
#: is not left idle.
_WINDOW = 16

#: Guided grouping of blocks into tasks: a task takes at most 1/_GUIDED of the blocks left
#: per worker thread, so tasks shrink towards the end of a run and the workers finish
#: together (guided self-scheduling, Polychronopoulos & Kuck 1987).
_GUIDED = 4
#: Blocks join in one task only while the task computes for at most about this long (by the
#: blocks measured last): enough to make a dask task's few milliseconds of scheduling
#: negligible, while slow blocks (many units, large results) travel alone.
_TASK_SECONDS = 0.5

R = TypeVar("R")
#: A block: its chunks, as (chunk index, first run, end run).
_Block = Sequence[tuple[int, int, int]]


# ---------------------------------------------------------------------- ranks
# ---------------------------------------------------------------- randomness
def chunk_generator(seed: int | np.random.SeedSequence | None, chunk: int) -> np.random.Generator:
    """The random generator of one chunk of samples.

    Chunk ``c`` always gets the stream ``SeedSequence(entropy, spawn_key=(c,))``, whoever
    draws it and in whatever order.
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(child_sequence(root, chunk)))


def _block_chunks(n: int, block_size: int) -> list[list[tuple[int, int, int]]]:
    """Split n samples into chunks (index, start, stop) and group them into blocks."""
    if block_size < 1:
        raise ParameterError(f"block_size must be a positive number of samples; got {block_size}.")
    per_block = max(1, -(-block_size // CHUNK))
    chunks = [(c, start, min(start + CHUNK, n)) for c, start in enumerate(range(0, n, CHUNK))]
    return [chunks[i:i + per_block] for i in range(0, len(chunks), per_block)]


def _runs(block: Sequence[tuple[int, int, int]]) -> str:
    return f"runs {block[0][1]:,} to {block[-1][2] - 1:,}"


# ---------------------------------------------------------------- shipping the task once
#: Per worker process: the task of the analysis running now, by token. A worker keeps one
#: task (the latest), so memory does not grow with the analyses a long-lived pool runs.
_WORKER_TASKS: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class _Shipped:
    """What a process-pool worker receives per block: the task's token and file, not the task.

    The task (compiled model, data, sampler) is pickled once, to a temporary file; each
    worker loads it the first time it sees the token and keeps it, so a block submission
    pickles a few dozen bytes instead of the model.
    """

    token: str
    path: str

    def __repr__(self) -> str:
        return f"<spindex task {self.token[:12]}>"

    def __call__(self, blocks: Sequence[Sequence[tuple[int, int, int]]]) -> Any:
        task = _WORKER_TASKS.get(self.token)
        if task is None:
            with open(self.path, "rb") as fh:
                task = pickle.load(fh)
            _WORKER_TASKS.clear()
            _WORKER_TASKS[self.token] = task
        return run_blocks(task, blocks)


def run_block(task: Callable[[Sequence[tuple[int, int, int]]], R],
              block: Sequence[tuple[int, int, int]]) -> R:
    """Run one block of ``task`` here: in this process, a pool worker or a dask worker.

    The heap is padded while it runs where the process's allocator thresholds were fixed
    (dask's workers): see :mod:`spindex.analysis._heap`. ``task`` is the task itself, on a
    dask worker the scattered copy of it.
    """
    with padded_heap():
        return task(block)


def run_blocks(task: Callable[[Sequence[tuple[int, int, int]]], list[R]],
               blocks: Sequence[Sequence[tuple[int, int, int]]]) -> tuple[float, list[R]]:
    """Run several blocks of ``task`` here, one after the other (one executor task).

    Returns the seconds they took and their per-chunk results in chunk order. Each block
    is computed exactly as :func:`run_block` computes it, so the grouping never changes a
    bit of the results, and the worker holds one block's arrays at a time (plus the
    finished blocks' results).
    """
    out: list[R] = []
    start = time.perf_counter()
    with padded_heap():
        for block in blocks:
            out.extend(task(block))
    return time.perf_counter() - start, out


def blocks_in_flight(executor: Executor | None) -> int:
    """How many blocks ``map_chunks`` keeps in flight on ``executor`` (1 without one).

    ``max(16, 2 x workers)``: two per worker keeps every worker busy while the blocks are
    reduced in order; the workers are the threads of a dask cluster's workers or the
    ``max_workers`` of a ``concurrent.futures`` pool.
    """
    if executor is None:
        return 1
    return _window(_workers(executor))


def _window(workers: int) -> int:
    """Blocks in flight on an executor of ``workers`` threads (see blocks_in_flight)."""
    return max(_WINDOW, 2 * workers)


def _workers(executor: Executor) -> int:
    """Worker threads behind ``executor`` (0 when it does not say)."""
    client = _dask_client(executor)
    if client is None:
        return int(getattr(executor, "_max_workers", 0) or 0)
    with contextlib.suppress(Exception):  # no scheduler answer: unknown
        # The threads alone: scheduler_info() would ship every worker's metrics.
        return sum(int(k) for k in client.nthreads().values())
    return 0


def _group_size(left: int, window: int, workers: int, block_seconds: float | None) -> int:
    """How many of the ``left`` blocks the next task takes.

    Each task costs a dask scheduler and client a few milliseconds of CPU, against the tens
    of a block, and on a small machine they share the cores with the workers; grouping
    blocks divides that cost. A task takes at most: a ``window`` of blocks in flight over
    twice the worker threads, so that each has a second task waiting (and a task waits
    for room in the window, so memory is what the window promises); a quarter of the blocks
    left per worker (guided), so tasks shrink to one block at the end and the workers
    finish together; and ``_TASK_SECONDS`` of blocks as slow as those of the task
    collected last (``block_seconds``; one block while nothing is measured yet).
    """
    if block_seconds is None or workers < 1:
        # Nothing measured yet, or workers unknown (an executor that does not say, a dask
        # cluster still starting): one block a task keeps every worker that comes busy.
        return 1
    size = min(window // (2 * workers), -(-left // (_GUIDED * workers)))
    if block_seconds > 0:
        size = min(size, int(_TASK_SECONDS / block_seconds))
    return max(1, size)


def _next_group(left: int, in_flight: int, window: int, workers: int,
                block_seconds: float | None) -> int | None:
    """Blocks of the next task, or None when it must wait for room in the window."""
    size = _group_size(left, window, workers, block_seconds)
    return size if in_flight + size <= window else None


def _task_groups(blocks: Sequence[_Block], window: int, workers: int,
                 block_seconds: float | None) -> list[list[_Block]]:
    """The tasks ``map_chunks`` would form when every block takes ``block_seconds`` and
    the tasks finish in order as soon as submitted (for tests and the docs)."""
    groups: list[list[_Block]] = []
    i = 0
    in_flight: deque[int] = deque()
    measured: float | None = None
    while i < len(blocks):
        size = _next_group(len(blocks) - i, sum(in_flight), window, workers, measured)
        if size is None:
            in_flight.popleft()
            measured = block_seconds
            continue
        groups.append(list(blocks[i:i + size]))
        in_flight.append(size)
        i += size
    return groups


def _dask_client(executor: Executor) -> Any | None:
    """The dask client behind ``client.get_executor()``, or None for any other executor."""
    if type(executor).__name__ != "ClientExecutor":
        return None
    if not type(executor).__module__.startswith("distributed"):
        return None
    return getattr(executor, "_client", None)


def _shipping(
    task: Callable[[_Block], list[R]],
    executor: Executor,
    payload: bytes | None,
) -> tuple[Callable[[Sequence[_Block]], Future[tuple[float, list[R]]]], Callable[[], None]]:
    """How to submit a group of blocks to ``executor``, the task travelling to each worker once.

    Returns the submit function and the clean-up to run when the analysis ends.

    * dask (``client.get_executor()``): the task is scattered to every worker
      (``broadcast=True``) and each group is submitted with the future of that copy, so a
      task's graph is a key, a function and its chunk indices: nothing to format or hash.
    * a process pool: the task is written once to a temporary file that each worker loads
      on first use (keyed by a token); a group carries the token, the path and its chunks.
    * anything else (threads, None): the task itself, which costs nothing to pass.
    """
    client = _dask_client(executor)
    if client is not None:
        if getattr(executor, "_shutdown", False):
            raise RuntimeError("cannot schedule new futures after shutdown")
        copy = client.scatter(task, broadcast=True, hash=False)

        def submit_dask(blocks: Sequence[_Block]) -> Future[tuple[float, list[R]]]:
            return executor.submit(run_blocks, copy, blocks,  # type: ignore[arg-type]
                                   pure=False)

        def release() -> None:
            client.cancel([copy])

        return submit_dask, release
    if payload is not None:
        fd, path = tempfile.mkstemp(prefix="spindex-task-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        shipped = _Shipped(uuid.uuid4().hex, path)

        def submit_shipped(blocks: Sequence[_Block]) -> Future[tuple[float, list[R]]]:
            return executor.submit(shipped, blocks)

        def remove() -> None:
            with contextlib.suppress(OSError):  # already gone: nothing to clean
                os.unlink(path)

        return submit_shipped, remove

    def submit_plain(blocks: Sequence[_Block]) -> Future[tuple[float, list[R]]]:
        return executor.submit(run_blocks, task, blocks)

    return submit_plain, lambda: None


def map_chunks(
    task: Callable[[Sequence[tuple[int, int, int]]], list[R]],
    n: int,
    *,
    block_size: int,
    executor: Executor | None = None,
    owner: str = "the analysis",
) -> Iterator[R]:
    """Run ``task`` on blocks of chunks and yield its per-chunk results in chunk order.

    Parameters
    ----------
    task : callable
        Takes a block, a list of ``(chunk_index, start, stop)``, and returns one result per
        chunk. It must be picklable to run on a process pool or a dask cluster.
    n : int
        Number of samples.
    block_size : int
        Samples per block (rounded up to whole chunks); bounds the memory of one task.
    executor : concurrent.futures.Executor, optional
        Runs the blocks (for example ``client.get_executor()`` of a dask client); by default
        they run here, one after the other. The task travels to each worker once: a dask
        client scatters it to every worker, a process pool loads it from a temporary file
        the first time a worker sees it; a task then carries only its chunk indices. At
        most :func:`blocks_in_flight` blocks are in flight at once, in tasks of one or more
        blocks (two tasks per worker in that window, one block each towards the end): a
        block of results is the same whichever task computes it.
    owner : str
        The public function, named in the errors.

    Yields
    ------
    object
        The per-chunk results, in chunk order, so that reductions are deterministic.

    Raises
    ------
    SpindexTypeError
        If ``executor`` is not an Executor.
    ParameterError
        If the executor is shut down, breaks (a worker dies) or cannot pickle the task: the
        message names the block and the fix. Errors of the analysis itself (a
        :class:`~spindex.errors.SpindexError` raised in a worker) pass through unchanged.
    """
    blocks = _block_chunks(n, block_size)
    if executor is None:
        for block in blocks:
            yield from run_block(task, block)
        return
    check_executor(executor, owner)
    payload = check_picklable(task, executor, owner)
    try:
        send, cleanup = _shipping(task, executor, payload)
    except SpindexError:
        raise
    except Exception as exc:
        raise executor_failure(exc, owner, 0, _runs(blocks[0])) from exc  # nothing sent yet
    # A bounded window of blocks in flight keeps memory flat in n on any executor; the
    # blocks travel in groups, one task each (_group_size), never past the window.
    workers = _workers(executor)
    window = _window(workers)  # blocks_in_flight(executor), the scheduler asked once
    pending: deque[tuple[int, int, Future[tuple[float, list[R]]]]] = deque()
    in_flight = 0
    block_seconds: float | None = None  # per block, in the task collected last

    def where(first: int, count: int) -> tuple[int, str, int]:
        last = first + count - 1
        return first, _runs([blocks[first][0], blocks[last][-1]]), last

    def submit(first: int, count: int) -> None:
        try:
            pending.append((first, count, send(blocks[first:first + count])))
        except SpindexError:
            raise
        except Exception as exc:
            raise executor_failure(exc, owner, *where(first, count)) from exc

    def collect() -> tuple[int, float, list[R]]:
        first, count, future = pending[0]
        try:
            seconds, results = future.result()
        except SpindexError:
            raise
        except Exception as exc:
            raise executor_failure(exc, owner, *where(first, count)) from exc
        pending.popleft()
        return count, seconds / count, results

    try:
        first = 0
        while first < len(blocks) or pending:
            count: int | None = None
            if first < len(blocks):
                count = _next_group(len(blocks) - first, in_flight, window, workers,
                                    block_seconds)
            if count is not None:
                submit(first, count)
                first += count
                in_flight += count
                continue
            done, block_seconds, results = collect()
            in_flight -= done
            yield from results
    finally:
        # After a failure (or an abandoned run), the blocks not yet started are not needed.
        for _, _, future in pending:
            future.cancel()
        cleanup()


# ---------------------------------------------------------------- the compiled model
@dataclass(frozen=True)
class _Node:
    code: str
    children: np.ndarray  # positions of the children in the node order
    power: float | None
    coverage: float | None


@dataclass(eq=False)
class CompiledModel:
    """Models sharing one framework, prepared for vectorised re-scoring.

    Parameters
    ----------
    variants : sequence of CompositeIndex
        Models that differ only in their methods (same framework structure). Variant 0
        is usually the nominal model.
    data : pandas.DataFrame
        The data every variant scores.
    varying : collection of str
        Codes of the nodes whose weights are sampled. Every aggregate above such a node is
        re-evaluated per sample and must use a power mean (arithmetic, geometric, harmonic
        or generalised); the others keep the values the variant's own scoring gave them.
    tables : sequence of pandas.DataFrame, optional
        The data of each variant, when variants differ in their data too (alternative data
        sources); ``data`` is then only the nominal table.

    Raises
    ------
    ParameterError
        If the variants have different frameworks, a varying code is unknown or the root,
        or a re-evaluated node uses an aggregator that is not a power mean.
    MethodError, DataError
        If a variant cannot score the data (checked here, before any sampling).
    """

    variants: Sequence[CompositeIndex]
    data: pd.DataFrame
    varying: Collection[str]
    tables: Sequence[pd.DataFrame] | None = None
    codes: tuple[str, ...] = field(init=False)
    units: tuple[Any, ...] = field(init=False)
    nominal_weights: FloatArray = field(init=False)
    nominal_scores: list[pd.DataFrame] = field(init=False)
    tie_scales: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        if not self.variants:
            raise ParameterError("At least one model variant is needed.")
        fw = self.variants[0].framework
        for v in self.variants[1:]:
            if v.framework.codes != fw.codes or any(
                v.framework.parent(c) != fw.parent(c) for c in fw.codes
            ):
                raise ParameterError("All model variants must share the same framework tree.")
        varying = set(self.varying)
        for code in varying:
            fw.node(code)
            if code == fw.root:
                raise ParameterError(
                    f"The root '{code}' has no weight to vary: its weight plays no part."
                )
        self.varying = frozenset(varying)
        self.codes = fw.codes
        self.nominal_weights = fw.weights.reindex(list(fw.codes)).to_numpy(dtype=float)
        self._pos = {c: i for i, c in enumerate(fw.codes)}
        dynamic: set[str] = set()
        for code in fw.aggregates:
            kids = fw.children(code)
            if any(k in varying or k in dynamic for k in kids):
                dynamic.add(code)
        self._dynamic = frozenset(dynamic)
        results = []
        for i, v in enumerate(self.variants):
            try:
                results.append(v.score(self.data if self.tables is None else self.tables[i]))
            except SpindexError as exc:
                if len(self.variants) == 1:
                    raise
                raise type(exc)(
                    f"Model variant {i} cannot score the data ({v!r}): {exc}"
                ) from exc
        self.units = tuple(results[0].scores.index)
        for v, r in zip(self.variants[1:], results[1:], strict=True):
            if tuple(r.scores.index) != self.units:
                raise ParameterError(
                    "Every variant must score the same units, but one of them keeps "
                    f"{len(r.scores)} units instead of {len(self.units)} (a screening choice?). "
                    f"Screen the data once, before the analysis. Variant: {v!r}"
                )
        self.nominal_scores = [r.scores for r in results]
        # The magnitude behind each variant's index, for the tie rule shared with scoring.
        root = self._pos[fw.root]
        self.tie_scales = np.array(
            [model_tie_scales(v, r.scores, r.stages)[root]
             for v, r in zip(self.variants, results, strict=True)]
        )
        self._values = [r.scores.to_numpy(dtype=float) for r in results]
        self._nodes: list[list[_Node]] = []
        self._composed: list[tuple[float, np.ndarray] | None] = []
        for v in self.variants:
            nodes = []
            for code in fw.aggregates:
                if code not in dynamic:
                    continue
                agg = v.aggregator(code)
                power = getattr(agg, "power", None)
                if power is None:
                    raise ParameterError(
                        f"Node '{code}' is re-aggregated for every sample, so it needs a power "
                        f"mean (arithmetic, geometric, harmonic or generalized); it uses "
                        f"'{getattr(agg, 'name', agg)}'. Keep its weights and those below it "
                        "fixed, or choose a power mean for it."
                    )
                coverage = v._coverage[code]  # type: ignore[attr-defined]
                positions = np.array([self._pos[k] for k in fw.children(code)])
                nodes.append(_Node(code, positions, float(power), coverage))
            self._nodes.append(nodes)
            self._composed.append(self._composition(nodes, self._values[-1 + len(self._nodes)]))

    def _composition(
        self, nodes: list[_Node], values: FloatArray
    ) -> tuple[float, np.ndarray] | None:
        """Whether the re-evaluated nodes collapse into one power mean of their static inputs.

        Nested power means of the same order p compose: M_p(M_p(x; w'); w) = M_p(x; w w').
        So when every re-evaluated node has the same p and no coverage threshold, and the
        static nodes they read (the frontier) have no missing value, the root is
        ``f^-1(f(X_frontier) @ W_eff.T)`` with ``W_eff`` the products of normalised weights
        down the tree: one matrix product per block. Returns (p, frontier positions) or None.
        """
        if not nodes:
            return None
        powers = {n.power for n in nodes}
        if len(powers) != 1 or any(n.coverage is not None for n in nodes):
            return None
        p = powers.pop()
        if p is None:
            return None
        dynamic = {self._pos[n.code] for n in nodes}
        frontier = sorted({int(k) for n in nodes for k in n.children if int(k) not in dynamic})
        X = values[:, frontier]
        if np.isnan(X).any():
            return None
        if p <= 0 and (X <= 0).any():
            return None
        return p, np.array(frontier, dtype=np.int64)

    def _evaluate_composed(self, W: FloatArray, variant: int) -> FloatArray:
        composed = self._composed[variant]
        assert composed is not None
        p, frontier = composed
        share = {self.root_index: np.ones(W.shape[0])}
        # Top-down: each node's share of the root is its parent's share times its normalised
        # weight among its siblings.
        for node in reversed(self._nodes[variant]):
            kids = node.children
            Wk = scale_weights(W[:, kids])
            _check_group_weights(Wk, node.code)
            Wn = Wk / Wk.sum(axis=1, keepdims=True)
            parent = share[self._pos[node.code]]
            for j, k in enumerate(kids):
                share[int(k)] = parent * Wn[:, j]
        eff = np.column_stack([share[int(k)] for k in frontier])
        X = self._values[variant][:, frontier]
        if _general(p):
            c = power_scale(X, np.ones(X.shape, dtype=bool), p)
            e, s = power_terms(X, c[:, None], p)
            return power_mean_from_terms(_product(eff, e), _product(eff, s), c[None, :], p)
        return _inverse(_product(eff, _forward(X, p)), p)

    def nominal_ranks(self, variant: int = 0) -> pd.Series:
        """The ranks of the variant's own index, as its scoring reports them."""
        ranks = rank_rows(self._values[variant][:, self.root_index][None, :],
                          self.tie_scales[variant])[0]
        return pd.Series(np.where(ranks > 0, ranks, np.nan), index=self.nominal_scores[0].index)

    @property
    def framework(self) -> Any:
        """The shared framework."""
        return self.variants[0].framework

    @property
    def root_index(self) -> int:
        """Position of the root in :attr:`codes`."""
        return self._pos[self.framework.root]

    def position(self, code: str) -> int:
        """Position of a node in :attr:`codes` (the columns of weight matrices)."""
        self.framework.node(code)
        return self._pos[code]

    def evaluate(
        self, weights: FloatArray, variant: int = 0, *, nodes: Sequence[str] | None = None
    ) -> FloatArray:
        """Scores of every unit for every weight vector.

        Parameters
        ----------
        weights : ndarray, shape (n_samples, n_nodes)
            Raw weights of every node in :attr:`codes` order; only the columns of the
            varying nodes are read (the others keep their nominal values).
        variant : int, default 0
            Which model variant to use.
        nodes : sequence of str, optional
            Nodes to return (default: the root only).

        Returns
        -------
        ndarray, shape (n_samples, n_units) or (n_samples, n_units, len(nodes))
        """
        W = np.asarray(weights, dtype=float)
        if nodes is None and self._composed[variant] is not None:
            return self._evaluate_composed(W, variant)
        n_samples = W.shape[0]
        base = self._values[variant]
        dynamic_values: dict[int, FloatArray] = {}

        def column(pos: int) -> FloatArray:
            if pos in dynamic_values:
                return dynamic_values[pos]
            return base[:, pos]

        for node in self._nodes[variant]:
            kids = node.children
            Wk = scale_weights(W[:, kids])
            _check_group_weights(Wk, node.code)
            p = node.power
            assert p is not None
            general = _general(p)
            if all(int(k) not in dynamic_values for k in kids):
                X = base[:, kids]  # units x k, the same for every sample
                M = ~np.isnan(X)
                if general:
                    # The scaled, expm1-based power mean of GeneralizedMean (aggregate.py).
                    scale = power_scale(X, M, p)
                    e, s = power_terms(np.where(M, X, scale[:, None]), scale[:, None], p)
                    num = _product(Wk, np.where(M, e, 0.0))
                    num_s = _product(Wk, np.where(M, s, 0.0))
                else:
                    num = _product(Wk, np.where(M, _forward(np.where(M, X, 1.0), p), 0.0))
                den = _product(Wk, M.astype(float))
                count = np.broadcast_to(M.sum(axis=1), (n_samples, M.shape[0]))
            else:
                # Accumulate child by child: memory stays samples x units, never x children.
                shape = (n_samples, len(self.units))
                num = np.zeros(shape)
                num_s = np.zeros(shape)
                den = np.zeros(shape)
                count = np.zeros(shape)
                if general:
                    # The largest (p > 0) or smallest (p < 0) available child, as power_scale.
                    pick = np.fmax if p > 0 else np.fmin
                    scale = np.full(shape, np.nan)
                    for k in kids:
                        scale = pick(scale, column(int(k)))
                    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
                for j, k in enumerate(kids):
                    c = np.broadcast_to(column(int(k)), shape)
                    m = ~np.isnan(c)
                    w = Wk[:, j, None]
                    if general:
                        e, s = power_terms(np.where(m, c, scale), scale, p)
                        num += np.where(m, e, 0.0) * w
                        num_s += np.where(m, s, 0.0) * w
                    else:
                        num += np.where(m, _forward(np.where(m, c, 1.0), p), 0.0) * w
                    den += m * w
                    count += m
            with np.errstate(invalid="ignore", divide="ignore"):
                if general:
                    y = power_mean_from_terms(num / den, num_s / den, scale, p)
                else:
                    y = _inverse(num / den, p)
            y[den <= 0] = np.nan
            if node.coverage is not None:
                y[count / len(kids) < node.coverage] = np.nan
            dynamic_values[self._pos[node.code]] = y
        wanted = [self.framework.root] if nodes is None else list(nodes)
        cols = [
            dynamic_values.get(
                self._pos[c], np.broadcast_to(base[:, self._pos[c]], (n_samples, len(self.units)))
            )
            for c in wanted
        ]
        if nodes is None:
            return np.array(cols[0], dtype=float)
        return np.stack(cols, axis=2)


    def evaluate_mixed(self, weights: FloatArray, variants: np.ndarray) -> FloatArray:
        """Root scores when each sample has its own variant: samples are grouped by variant.

        Parameters
        ----------
        weights : ndarray, shape (n_samples, n_nodes)
        variants : ndarray of int, shape (n_samples,)

        Returns
        -------
        ndarray, shape (n_samples, n_units)
        """
        scores = np.empty((len(variants), len(self.units)))
        for v in np.unique(variants):
            rows = variants == v
            scores[rows] = self.evaluate(weights[rows], int(v))
        return scores


def _check_group_weights(Wk: FloatArray, node: str) -> None:
    """Sampled weights must keep every group usable, as the framework requires of nominal ones."""
    bad = ~(Wk.sum(axis=1) > 0)
    if bad.any():
        raise ParameterError(
            f"Sample {int(np.argmax(bad))} gives every child of '{node}' zero (or invalid) weight;"
            " a group needs at least one positive weight. Narrow the sampler's bounds."
        )


def _product(W: FloatArray, X: FloatArray) -> FloatArray:
    """``W @ X.T`` (samples x units) without BLAS: BLAS may split a product across threads
    differently on another machine or worker, which changes the last bits; einsum's own loops
    give the same bits everywhere, the promise of bit-identical results across executors."""
    return np.einsum("sk,uk->su", W, X)


def _general(p: float) -> bool:
    """Whether order p takes GeneralizedMean's scaled expm1 form rather than a linear map."""
    return p not in (0.0, 1.0, -1.0)


def _forward(x: FloatArray, p: float) -> FloatArray:
    if p == 1.0:
        return x
    if p == 0.0:
        return np.log(x)
    return 1.0 / x


def _inverse(y: FloatArray, p: float) -> FloatArray:
    if p == 1.0:
        return y
    if p == 0.0:
        return np.exp(y)
    return 1.0 / y
