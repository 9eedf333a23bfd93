"""Discrete uncertain choices ("switches") of a model and the variants they span.

A switch is a parameter of :class:`~spindex.model.CompositeIndex` (``normalize``,
``aggregate``, and any preparation step the model has) with a list of alternatives, each
equally likely unless probabilities are given. The variants are the models of the Cartesian
product of the alternatives; variant 0 is the nominal model when the nominal choices come first.

The inputs of ``choices=`` (:mod:`spindex.analysis.discrete`) are switches too, after the
method switches, so that every analysis draws, records and apportions them the same way:
a data source multiplies the variants (each combination of sources is its own table), a
weight set or a dropped node changes the raw weights of a few nodes per run instead.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spindex.analysis._engine import CompiledModel
from spindex.analysis.discrete import ResolvedData, ResolvedWeights, resolve_all
from spindex.errors import ParameterError, SpindexError, SpindexTypeError
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["MAX_VARIANTS", "Switch", "SwitchSet", "label"]

#: Most model variants (combinations of method switches and data sources) an analysis
#: scores up front; each is a full scoring of the data, kept in memory.
MAX_VARIANTS = 4096


def label(choice: Any) -> str:
    """A short readable label for a method choice."""
    if isinstance(choice, str):
        return choice
    if isinstance(choice, Mapping):
        return "{" + ", ".join(f"{k}: {label(v)}" for k, v in choice.items()) + "}"
    if isinstance(choice, (types.FunctionType, types.BuiltinFunctionType)):
        # A user function by its name, not its address: labels are shown and compared.
        return str(choice.__name__)
    return repr(choice)


@dataclass(frozen=True)
class Switch:
    """One discrete uncertain input: a model parameter and its alternatives."""

    parameter: str
    alternatives: tuple[Any, ...]
    probabilities: FloatArray

    @property
    def labels(self) -> tuple[str, ...]:
        """Readable labels of the alternatives, unique: a label shared by several
        alternatives (two lambdas, two equal method objects) gets " #2", " #3", ... after
        its second and later uses, in the order given."""
        out: list[str] = []
        for a in self.alternatives:
            text = label(a)
            if text in out:
                k = 2
                while f"{text} #{k}" in out:
                    k += 1
                text = f"{text} #{k}"
            out.append(text)
        return tuple(out)


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
    """The switches of an analysis and the model variant of every combination.

    ``switches`` lists the method switches first, then the inputs of ``choices=``; a
    column of a choices matrix (runs x switches) belongs to each. ``tables`` holds the data
    of every variant when a data source varies (``None`` otherwise: every variant scores
    the analysis' data).
    """

    switches: tuple[Switch, ...]
    variants: tuple[CompositeIndex, ...]
    variant_columns: tuple[int, ...] = ()
    tables: tuple[pd.DataFrame, ...] | None = None
    weight_inputs: tuple[tuple[int, ResolvedWeights], ...] = ()
    positions: Mapping[str, int] = dataclasses.field(default_factory=dict)
    weight_nodes: tuple[str, ...] = ()

    @classmethod
    def build(
        cls, model: CompositeIndex, specs: Mapping[str, Any], choices: Any = None,
        data: pd.DataFrame | None = None, owner: str = "the analysis",
    ) -> SwitchSet:
        """Build every variant of ``model`` up front, so that an alternative that cannot be
        applied fails now, before any sampling, with the alternative named."""
        method = tuple(_switch(model, p, s) for p, s in specs.items() if s is not None)
        resolved = (resolve_all(choices, model.framework, data, owner)
                    if choices is not None and data is not None else ())
        extra = tuple(Switch(r.name, r.labels, r.probabilities) for r in resolved)
        names = [s.parameter for s in method]
        clash = sorted({r.name for r in resolved} & set(names))
        if clash:
            raise ParameterError(
                f"The inputs {clash} of 'choices' have the names of method switches of "
                f"{owner}; give them another name=."
            )
        sources = [(len(method) + j, r) for j, r in enumerate(resolved)
                   if isinstance(r, ResolvedData)]
        weights = tuple((len(method) + j, r) for j, r in enumerate(resolved)
                        if isinstance(r, ResolvedWeights))
        count = int(np.prod([len(s.alternatives) for s in method]
                            + [len(r.labels) for _, r in sources]))
        if count > MAX_VARIANTS:
            raise ParameterError(
                f"The method switches and data sources of {owner} span {count:,} model "
                f"variants, more than the {MAX_VARIANTS:,} that are scored up front. Give "
                "fewer alternatives, or analyse some of them in separate runs."
            )
        variants = []
        for combo in itertools.product(*(s.alternatives for s in method)):
            changes = {s.parameter: c for s, c in zip(method, combo, strict=True)}
            try:
                variants.append(dataclasses.replace(model, **changes))
            except SpindexError as exc:
                shown = ", ".join(f"{k}={label(v)}" for k, v in changes.items())
                raise type(exc)(f"The alternative {shown} is invalid: {exc}") from exc
        if not method:
            variants = [model]
        tables = None
        if sources:
            assert data is not None
            # Data sources vary fastest: variant = method combination x source combination.
            combos = list(itertools.product(*(range(len(r.labels)) for _, r in sources)))
            source_tables = []
            for combo in combos:
                table = data.copy()
                for k, (_, r) in zip(combo, sources, strict=True):
                    table[r.indicator] = r.columns[k]
                source_tables.append(table)
            variants = [v for v in variants for _ in combos]
            tables = tuple(source_tables) * (len(variants) // len(combos))
        fw = model.framework
        positions = {c: i for i, c in enumerate(fw.codes)}
        # Only nodes some alternative moves off its nominal weight are re-aggregated per run:
        # an input that keeps every weight leaves the scores' arithmetic, and bits, as they were.
        nominal = fw.weights
        moved = tuple(dict.fromkeys(
            c for _, r in weights for k, c in enumerate(r.nodes)
            if np.any(~np.isnan(r.values[:, k]) & (r.values[:, k] != float(nominal[c])))
        ))
        return cls(method + extra, tuple(variants),
                   tuple(range(len(method))) + tuple(j for j, _ in sources), tables,
                   weights, positions, moved)

    def describe(self, variant: int) -> str:
        """The choices that make a variant, e.g. ``"aggregate=geometric, source:aid=flows"``."""
        if not self.variant_columns:
            return "the nominal model"
        picked = np.unravel_index(variant, self.shape)
        return ", ".join(
            f"{self.switches[j].parameter}={self.switches[j].labels[int(k)]}"
            for j, k in zip(self.variant_columns, picked, strict=True)
        )

    def compile(self, data: pd.DataFrame, sampled: Sequence[str]) -> CompiledModel:
        """The compiled model of every variant, its sampled weights and those the weight
        inputs move; a variant that cannot score its data is named by its choices."""
        varying = (*sampled, *self.weight_nodes)
        try:
            return CompiledModel(self.variants, data, varying, self.tables)
        except SpindexError as exc:
            found = re.match(r"Model variant (\d+) cannot score the data", str(exc))
            if found is None or not self.variant_columns:
                raise
            detail = str(exc.__cause__) if exc.__cause__ is not None else str(exc)
            raise type(exc)(
                f"The model cannot score the data with {self.describe(int(found.group(1)))}: "
                f"{detail}"
            ) from exc

    def check_overlap(self, sampled: Sequence[str], owner: str) -> None:
        """Refuse sampling a weight that a weight set replaces (the sample would be lost)."""
        for _, r in self.weight_inputs:
            both = [c for c in r.nodes if c in set(sampled)]
            if r.replaces and both:
                raise ParameterError(
                    f"The input '{r.name}' of {owner} replaces the weights of {both}, which "
                    "the 'weights' parameter samples too: the sampled values would be "
                    "overwritten. Sample other levels (e.g. weights=sp.WeightNoise(0.25, "
                    "levels=[...])) or pass weights=None."
                )

    def apply_weights(self, W: FloatArray, choices: np.ndarray) -> FloatArray:
        """The raw weights of every run after its weight inputs (a new array)."""
        if not self.weight_inputs:
            return W
        W = np.array(W, dtype=float)
        for j, r in self.weight_inputs:
            cols = [self.positions[c] for c in r.nodes]
            chosen = r.values[choices[:, j]]  # runs x nodes, NaN: keep the run's weight
            W[:, cols] = np.where(np.isnan(chosen), W[:, cols], chosen)
        return W

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of alternatives of each switch that selects a variant."""
        return tuple(len(self.switches[j].alternatives) for j in self.variant_columns)

    def variant_of(self, choices: np.ndarray) -> np.ndarray:
        """Variant index of each row of choices (samples x switches), in product order."""
        if not self.variant_columns:
            return np.zeros(choices.shape[0], dtype=np.int64)
        picked = tuple(choices[:, j] for j in self.variant_columns)
        return np.ravel_multi_index(picked, self.shape).astype(np.int64)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Random choices, samples x switches. A switch with one alternative draws nothing,
        so adding it leaves every other draw, and every statistic, unchanged."""
        out = np.zeros((n, len(self.switches)), dtype=np.int64)
        for j, s in enumerate(self.switches):
            if len(s.alternatives) > 1:
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
