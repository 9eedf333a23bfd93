"""Distributions of weights for uncertainty analysis, sensitivity analysis and SMAA.

Each sampler says which nodes' weights it varies and draws matrices of raw weights (samples x
every node of the framework, in ``Framework.codes`` order) around the nominal weights. Raw
weights are renormalised within each group of siblings at aggregation time, so a sampler only
needs to get the relative weights within a group right.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spindex.analysis._runs import check_count, check_memory, check_seed
from spindex.errors import ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.methods._base import FloatArray

__all__ = [
    "DirichletWeights",
    "UniformSimplex",
    "WeightBounds",
    "WeightNoise",
    "WeightSampler",
    "resolve_nodes",
]


def _varying(fw: Framework, levels: Any, nodes: Any) -> tuple[str, ...]:
    try:
        return _varying_cached(fw, _freeze(levels), _freeze(nodes))
    except TypeError:  # an unhashable selection: resolve without the cache
        return resolve_nodes(fw, levels, nodes)


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


@functools.lru_cache(maxsize=256)
def _varying_cached(fw: Framework, levels: Any, nodes: Any) -> tuple[str, ...]:
    return resolve_nodes(fw, levels, nodes)


def resolve_nodes(
    fw: Framework, levels: Sequence[int | str] | int | str | None, nodes: Sequence[str] | None
) -> tuple[str, ...]:
    """Codes selected by ``levels`` and/or ``nodes`` (never the root), in framework order.

    With neither given, every node except the root is selected.
    """
    chosen: set[str] = set()
    if levels is None and nodes is None:
        chosen = set(fw.codes)
    if levels is not None:
        for level in (levels,) if isinstance(levels, (int, str)) else levels:
            chosen.update(fw.level(level))
    if nodes is not None:
        if isinstance(nodes, str):
            nodes = (nodes,)
        for code in nodes:
            fw.node(code)
            chosen.add(code)
    chosen.discard(fw.root)
    if not chosen:
        raise ParameterError(
            "No weight to vary: the selection contains only the root, whose weight plays no part."
        )
    return tuple(c for c in fw.codes if c in chosen)


@functools.lru_cache(maxsize=64)
def _nominal(fw: Framework) -> FloatArray:
    """Raw nominal weights in ``fw.codes`` order (cached: samplers draw chunk after chunk)."""
    out = np.array([node.weight for node in fw.nodes], dtype=float)
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=256)
def _columns(fw: Framework, codes: tuple[str, ...]) -> list[int]:
    position = {c: i for i, c in enumerate(fw.codes)}
    return [position[c] for c in codes]


def _sibling_groups(fw: Framework, codes: Sequence[str], *, whole: bool) -> list[tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for code in codes:
        parent = fw.parent(code)
        assert parent is not None
        groups.setdefault(parent, []).append(code)
    if whole:
        for parent, members in groups.items():
            missing = [c for c in fw.children(parent) if c not in members]
            if missing:
                raise ParameterError(
                    f"Weights on a simplex are drawn for whole groups of siblings, but the "
                    f"selection has only part of the children of '{parent}' (missing "
                    f"{missing}). Select a whole level or every child of '{parent}'."
                )
    return [tuple(m) for m in groups.values()]


@dataclass(frozen=True)
class WeightSampler:
    """Base class: a distribution over the raw weights of some nodes.

    Subclasses implement :meth:`draw`. ``levels`` and ``nodes`` select the nodes whose
    weights vary (default: every node but the root).
    """

    levels: Sequence[int | str] | int | str | None = field(default=None, kw_only=True)
    nodes: Sequence[str] | None = field(default=None, kw_only=True)

    def varying(self, fw: Framework) -> tuple[str, ...]:
        """Codes of the nodes whose weights this sampler varies."""
        return _varying(fw, self.levels, self.nodes)

    def draw(self, fw: Framework, rng: Any, n: int) -> FloatArray:
        """Draw ``n`` weight vectors: an array (n, len(fw.codes)) of raw weights.

        ``rng`` is a :class:`numpy.random.Generator` (consumed, as a generator is meant to
        be) or a seed: None, a non-negative integer or a SeedSequence. Subclasses call
        :meth:`_arguments` first, which checks all three arguments.
        """
        raise NotImplementedError

    def _arguments(self, fw: Any, rng: Any, n: Any) -> tuple[np.random.Generator, int]:
        """The generator and count of a draw, checked before anything is allocated."""
        owner = f"{type(self).__name__}.draw"
        if not isinstance(fw, Framework):
            raise SpindexTypeError(
                f"The 'fw' parameter of {owner} must be a Framework. Got "
                f"{type(fw).__name__} instead."
            )
        if not isinstance(rng, np.random.Generator):
            rng = np.random.Generator(np.random.PCG64(check_seed(rng, owner)))
        count = check_count(n, "n", owner, minimum=0)
        check_memory(
            16.0 * count * len(fw.codes), owner,
            f"n = {count:,} weight vectors of {len(fw.codes)} nodes (float64, and a copy)",
            "Draw in chunks: call draw repeatedly with a smaller n on the same generator.",
        )
        return rng, count

    def _base(self, fw: Framework, n: int) -> FloatArray:
        return np.tile(_nominal(fw), (n, 1))

    def _columns(self, fw: Framework) -> list[int]:
        return _columns(fw, self.varying(fw))


@dataclass(frozen=True)
class WeightNoise(WeightSampler):
    """Each selected weight is multiplied by ``1 + U(-phi, phi)``, independently.

    This is the JRC/COINr convention for uncertain weights: weight ``w`` is drawn uniformly
    from ``[w (1 - phi), w (1 + phi)]``, then the weights of each group are renormalised when
    the group is aggregated.

    Parameters
    ----------
    phi : float
        Relative half-width of the noise, in [0, 1).
    levels, nodes
        The weights to vary (default: all but the root's).

    References
    ----------
    Saisana, M., Saltelli, A., Tarantola, S. (2005). Uncertainty and sensitivity analysis
    techniques as tools for the quality assessment of composite indicators. JRSS A 168(2).
    """

    phi: float = 0.25

    def __post_init__(self) -> None:
        if isinstance(self.phi, bool) or not isinstance(self.phi, (int, float, np.floating)):
            raise SpindexTypeError(f"phi must be a number in [0, 1); got {self.phi!r}.")
        if not 0.0 <= float(self.phi) < 1.0:
            raise ParameterError(
                f"phi must be in [0, 1) so that every weight stays positive; got {self.phi}."
            )

    def draw(self, fw: Framework, rng: Any, n: int) -> FloatArray:
        """Draw ``n`` weight vectors (``rng``: a Generator or a seed)."""
        rng, n = self._arguments(fw, rng, n)
        W = self._base(fw, n)
        cols = self._columns(fw)
        W[:, cols] *= 1.0 + rng.uniform(-self.phi, self.phi, size=(n, len(cols)))
        return W


@dataclass(frozen=True)
class DirichletWeights(WeightSampler):
    """Weights of each sibling group drawn from a Dirichlet distribution centred on the
    nominal weights.

    For a group of ``k`` siblings with normalised nominal weights ``w``, the draw is
    ``Dirichlet(concentration * k * w)``: its mean is ``w``; ``concentration = 1`` with equal
    nominal weights is the uniform distribution on the simplex; larger values concentrate
    the draws around ``w``.

    Parameters
    ----------
    concentration : float, default 10
        Positive concentration per sibling.
    levels, nodes
        Whole groups of siblings to vary.
    """

    concentration: float = 10.0

    def __post_init__(self) -> None:
        c = self.concentration
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, float, np.integer,
                                                                  np.floating)):
            raise SpindexTypeError(
                f"The 'concentration' parameter of DirichletWeights must be a positive number. "
                f"Got {c!r} ({type(c).__name__}) instead."
            )
        if not 0 < float(c) < np.inf:
            raise ParameterError(
                f"The 'concentration' parameter of DirichletWeights must be a positive finite "
                f"number. Got {c!r} instead."
            )

    def draw(self, fw: Framework, rng: Any, n: int) -> FloatArray:
        """Draw ``n`` weight vectors (``rng``: a Generator or a seed)."""
        rng, n = self._arguments(fw, rng, n)
        W = self._base(fw, n)
        nw = fw.normalized_weights()
        for group in _sibling_groups(fw, self.varying(fw), whole=True):
            w = nw[list(group)].to_numpy(dtype=float)
            if (w <= 0).any():
                zero = [c for c, x in zip(group, w, strict=True) if x <= 0]
                raise ParameterError(
                    f"A Dirichlet around the nominal weights needs positive weights; "
                    f"{zero} weigh zero. Give them a positive nominal weight or use "
                    "UniformSimplex."
                )
            alpha = float(self.concentration) * len(group) * w
            W[:, [fw.codes.index(c) for c in group]] = rng.dirichlet(alpha, size=n)
        return W


@dataclass(frozen=True)
class UniformSimplex(WeightSampler):
    """Weights of each sibling group uniform on the simplex (Dirichlet(1, ..., 1)).

    The SMAA convention when nothing is known about the weights (Lahdelma and Salminen, 2001).
    """

    def draw(self, fw: Framework, rng: Any, n: int) -> FloatArray:
        """Draw ``n`` weight vectors (``rng``: a Generator or a seed)."""
        rng, n = self._arguments(fw, rng, n)
        W = self._base(fw, n)
        for group in _sibling_groups(fw, self.varying(fw), whole=True):
            W[:, [fw.codes.index(c) for c in group]] = rng.dirichlet(np.ones(len(group)), size=n)
        return W


@dataclass(frozen=True)
class WeightBounds(WeightSampler):
    """Each named weight drawn uniformly between user bounds (raw weights).

    Parameters
    ----------
    bounds : mapping of str to (low, high)
        Bounds per node code, with 0 <= low <= high.
    """

    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.bounds:
            raise ParameterError("WeightBounds needs bounds for at least one node.")
        if self.levels is not None:
            raise ParameterError(
                "WeightBounds varies exactly the nodes it has bounds for; drop 'levels' and give "
                "bounds for every weight to vary."
            )
        for code, pair in self.bounds.items():
            try:
                low, high = (float(x) for x in pair)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"The bounds of '{code}' must be a pair (low, high); got {pair!r}."
                ) from None
            if not 0.0 <= low <= high or not np.isfinite(high):
                raise ParameterError(
                    f"The bounds of '{code}' must satisfy 0 <= low <= high < inf; got {pair!r}."
                )
        object.__setattr__(self, "nodes", tuple(self.bounds))

    def draw(self, fw: Framework, rng: Any, n: int) -> FloatArray:
        """Draw ``n`` weight vectors (``rng``: a Generator or a seed)."""
        rng, n = self._arguments(fw, rng, n)
        W = self._base(fw, n)
        codes = self.varying(fw)
        low = np.array([self.bounds[c][0] for c in codes], dtype=float)
        high = np.array([self.bounds[c][1] for c in codes], dtype=float)
        W[:, [fw.codes.index(c) for c in codes]] = rng.uniform(low, high, size=(n, len(codes)))
        return W


def as_sampler(spec: Any, *, default_levels: Any = None) -> WeightSampler | None:
    """Turn a user's ``weights`` argument into a sampler.

    ``None`` keeps the weights fixed; a number ``phi`` is ``WeightNoise(phi)`` on every weight
    (or on ``default_levels``); a sampler is returned as it is.
    """
    if spec is None:
        return None
    if isinstance(spec, WeightSampler):
        return spec
    if isinstance(spec, (int, float, np.floating)) and not isinstance(spec, bool):
        return WeightNoise(phi=float(spec), levels=default_levels)
    raise SpindexTypeError(
        "weights must be None, a number phi (noise of +-phi*w on each weight) or a sampler such "
        f"as sp.WeightNoise, sp.DirichletWeights, sp.UniformSimplex; got {type(spec).__name__}."
    )
