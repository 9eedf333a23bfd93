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

from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from spindex.errors import ParameterError, SpindexTypeError
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = [
    "CHUNK",
    "CompiledModel",
    "chunk_generator",
    "map_chunks",
    "rank_rows",
]

#: Samples per random stream. Blocks are whole numbers of chunks, so the samples drawn for
#: run i never depend on the block size, the worker count or the executor.
CHUNK = 2048

R = TypeVar("R")


# ---------------------------------------------------------------------- ranks
def rank_rows(scores: FloatArray) -> np.ndarray:
    """Rank each row, 1 = highest; ties share the best rank; a missing score gets rank 0.

    Parameters
    ----------
    scores : ndarray, shape (n_samples, n_units)

    Returns
    -------
    ndarray of int32, same shape
    """
    s = np.asarray(scores, dtype=float)
    missing = np.isnan(s)
    key = np.where(missing, np.inf, -s)  # ascending sort of -score puts the best first
    order = np.argsort(key, axis=1, kind="stable")
    sorted_key = np.take_along_axis(key, order, axis=1)
    n = s.shape[1]
    position = np.broadcast_to(np.arange(n, dtype=np.int32), s.shape)
    new_value = np.ones(s.shape, dtype=bool)
    new_value[:, 1:] = sorted_key[:, 1:] != sorted_key[:, :-1]
    first = np.maximum.accumulate(np.where(new_value, position, 0), axis=1)
    ranks = np.empty(s.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    ranks[missing] = 0
    return ranks


# ---------------------------------------------------------------- randomness
def chunk_generator(seed: int | np.random.SeedSequence | None, chunk: int) -> np.random.Generator:
    """The random generator of one chunk of samples.

    Chunk ``c`` always gets the stream ``SeedSequence(entropy, spawn_key=(c,))``, whoever
    draws it and in whatever order.
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, chunk))
    return np.random.Generator(np.random.PCG64(child))


def _block_chunks(n: int, block_size: int) -> list[list[tuple[int, int, int]]]:
    """Split n samples into chunks (index, start, stop) and group them into blocks."""
    if block_size < 1:
        raise ParameterError(f"block_size must be a positive number of samples; got {block_size}.")
    per_block = max(1, -(-block_size // CHUNK))
    chunks = [(c, start, min(start + CHUNK, n)) for c, start in enumerate(range(0, n, CHUNK))]
    return [chunks[i:i + per_block] for i in range(0, len(chunks), per_block)]


def map_chunks(
    task: Callable[[Sequence[tuple[int, int, int]]], list[R]],
    n: int,
    *,
    block_size: int,
    executor: Executor | None = None,
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
        they run here, one after the other.

    Yields
    ------
    object
        The per-chunk results, in chunk order, so that reductions are deterministic.
    """
    blocks = _block_chunks(n, block_size)
    if executor is None:
        for block in blocks:
            yield from task(block)
        return
    if not isinstance(executor, Executor):
        raise SpindexTypeError(
            "executor must be a concurrent.futures.Executor (for dask: client.get_executor()); "
            f"got {type(executor).__name__}."
        )
    futures = [executor.submit(task, block) for block in blocks]
    for future in futures:
        yield from future.result()


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
    codes: tuple[str, ...] = field(init=False)
    units: tuple[Any, ...] = field(init=False)
    nominal_weights: FloatArray = field(init=False)
    nominal_scores: list[pd.DataFrame] = field(init=False)

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
        results = [v.score(self.data) for v in self.variants]
        self.units = tuple(results[0].scores.index)
        self.nominal_scores = [r.scores for r in results]
        self._values = [r.scores.to_numpy(dtype=float) for r in results]
        self._nodes: list[list[_Node]] = []
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
        n_samples = W.shape[0]
        base = self._values[variant]
        dynamic_values: dict[int, FloatArray] = {}

        def column(pos: int) -> FloatArray:
            if pos in dynamic_values:
                return dynamic_values[pos]
            return base[:, pos]

        for node in self._nodes[variant]:
            kids = node.children
            Wk = W[:, kids]
            p = node.power
            assert p is not None
            if all(int(k) not in dynamic_values for k in kids):
                X = base[:, kids]  # units x k, the same for every sample
                M = ~np.isnan(X)
                F = np.where(M, _forward(np.where(M, X, 1.0), p), 0.0)
                num = (F @ Wk.T).T
                den = (M.astype(float) @ Wk.T).T
                count = np.broadcast_to(M.sum(axis=1), (n_samples, M.shape[0]))
            else:
                C = np.stack(
                    [np.broadcast_to(column(int(k)), (n_samples, len(self.units))) for k in kids],
                    axis=2,
                )
                M = ~np.isnan(C)
                F = np.where(M, _forward(np.where(M, C, 1.0), p), 0.0)
                num = np.einsum("suk,sk->su", F, Wk)
                den = np.einsum("suk,sk->su", M.astype(float), Wk)
                count = M.sum(axis=2)
            with np.errstate(invalid="ignore", divide="ignore"):
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


def _forward(x: FloatArray, p: float) -> FloatArray:
    if p == 1.0:
        return x
    if p == 0.0:
        return np.log(x)
    if p == -1.0:
        return 1.0 / x
    return np.power(x, p)


def _inverse(y: FloatArray, p: float) -> FloatArray:
    if p == 1.0:
        return y
    if p == 0.0:
        return np.exp(y)
    if p == -1.0:
        return 1.0 / y
    return np.power(y, 1.0 / p)
