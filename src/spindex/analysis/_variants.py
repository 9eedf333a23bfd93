"""Discrete uncertain choices ("switches") of a model and the variants they span.

A switch is a parameter of :class:`~spindex.model.CompositeIndex` (``normalize``,
``aggregate``, and any preparation step the model has) with a list of alternatives, each
equally likely unless probabilities are given. The variants are the models of the Cartesian
product of the alternatives; variant 0 is the nominal model when the nominal choices come first.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from spindex.errors import ParameterError, SpindexError, SpindexTypeError
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["Switch", "SwitchSet", "label"]


def label(choice: Any) -> str:
    """A short readable label for a method choice."""
    if isinstance(choice, str):
        return choice
    if isinstance(choice, Mapping):
        return "{" + ", ".join(f"{k}: {label(v)}" for k, v in choice.items()) + "}"
    return repr(choice)


@dataclass(frozen=True)
class Switch:
    """One discrete uncertain input: a model parameter and its alternatives."""

    parameter: str
    alternatives: tuple[Any, ...]
    probabilities: FloatArray

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable labels of the alternatives."""
        return tuple(label(a) for a in self.alternatives)


def _switch(model: CompositeIndex, parameter: str, spec: Any) -> Switch:
    fields = {f.name for f in dataclasses.fields(model)} - {"framework"}
    if parameter not in fields:
        raise ParameterError(
            f"'{parameter}' is not a method choice of CompositeIndex; switches can be "
            f"{sorted(fields)}."
        )
    if isinstance(spec, Mapping) and "alternatives" in spec:
        alternatives = tuple(spec["alternatives"])
        probs = np.array(spec.get("probabilities", [1.0] * len(alternatives)), dtype=float)
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        alternatives = tuple(spec)
        probs = np.ones(len(alternatives))
    else:
        raise SpindexTypeError(
            f"The alternatives for '{parameter}' must be a list (equally likely) or "
            "{'alternatives': [...], 'probabilities': [...]}; got "
            f"{type(spec).__name__}."
        )
    if len(alternatives) < 1:
        raise ParameterError(f"The switch '{parameter}' needs at least one alternative.")
    if len(probs) != len(alternatives) or (probs < 0).any() or not probs.sum() > 0:
        raise ParameterError(
            f"The probabilities of '{parameter}' must be one non-negative number per "
            f"alternative, not all zero; got {list(probs)}."
        )
    return Switch(parameter, alternatives, probs / probs.sum())


@dataclass(frozen=True)
class SwitchSet:
    """The switches of an analysis and the model variant of every combination."""

    switches: tuple[Switch, ...]
    variants: tuple[CompositeIndex, ...]

    @classmethod
    def build(cls, model: CompositeIndex, specs: Mapping[str, Any]) -> SwitchSet:
        """Build every variant of ``model`` up front, so that an alternative that cannot be
        applied fails now, before any sampling, with the alternative named."""
        switches = tuple(_switch(model, p, s) for p, s in specs.items() if s is not None)
        variants = []
        for combo in itertools.product(*(s.alternatives for s in switches)):
            changes = {s.parameter: c for s, c in zip(switches, combo, strict=True)}
            try:
                variants.append(dataclasses.replace(model, **changes))
            except SpindexError as exc:
                shown = ", ".join(f"{k}={label(v)}" for k, v in changes.items())
                raise type(exc)(f"The alternative {shown} is invalid: {exc}") from exc
        if not switches:
            variants = [model]
        return cls(switches, tuple(variants))

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of alternatives of each switch."""
        return tuple(len(s.alternatives) for s in self.switches)

    def variant_of(self, choices: np.ndarray) -> np.ndarray:
        """Variant index of each row of choices (samples x switches), in product order."""
        if not self.switches:
            return np.zeros(choices.shape[0], dtype=np.int64)
        return np.ravel_multi_index(tuple(choices.T), self.shape).astype(np.int64)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Random choices, samples x switches."""
        out = np.empty((n, len(self.switches)), dtype=np.int64)
        for j, s in enumerate(self.switches):
            out[:, j] = rng.choice(len(s.alternatives), size=n, p=s.probabilities)
        return out

    def from_uniform(self, u: FloatArray) -> np.ndarray:
        """Choices from uniform numbers in [0, 1) (samples x switches), by the cumulative
        probabilities: used by quasi-random designs."""
        out = np.empty(u.shape, dtype=np.int64)
        for j, s in enumerate(self.switches):
            edges = np.cumsum(s.probabilities)[:-1]
            out[:, j] = np.searchsorted(edges, u[:, j], side="right")
        return out
