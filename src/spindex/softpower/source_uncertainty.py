"""How much of the China-vs-Japan answer of the founding period is due to the data source?

The 2009-2011 soft-power table fills some cells in more than one defensible way: China's aid
as AidData's ODA-like commitments, as all official flows or as AidData's adjusted ODA-like
figure; trade as reported by the source or, mirror statistics, by the members
(:func:`spindex.datasets.load_cells`). :func:`source_sobol` runs the founding-period model
with each indicator's source choice as an uncertain input next to the weights and the
aggregation method, and apportions the variance of China's score minus Japan's (and of
"China leads Japan") to them with first- and total-order Sobol indices.

Design: the discrete inputs (each indicator's source, the aggregation) have a handful of
alternatives, so they are enumerated exactly -- one :func:`~spindex.uncertainty` run per
combination, the sources given as a :class:`~spindex.DataSources` input pinned to that
combination -- while the weights are sampled by Monte Carlo with common random numbers: the
weight draws come first in every chunk of runs, so every combination sees the same ``n``
weight vectors. On that full factorial (``n`` weight draws x every combination) the indices
are the variance decompositions themselves (Sobol, 1993): for an input (or group) ``i``,

    S_i  = Var(E[Y | X_i]) / Var(Y)          T_i = E[Var(Y | X_~i)] / Var(Y),

with the expectations over the discrete alternatives exact and those over the weights
averaged over the draws: no pick-freeze estimator, so no negative or above-one estimates
from sampling noise for the discrete inputs.

The module uses only spindex's public API, as a user's own study would.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np
import pandas as pd

from spindex import datasets
from spindex.analysis.discrete import DataSources
from spindex.analysis.sampling import WeightNoise
from spindex.analysis.uncertainty import uncertainty
from spindex.errors import DataError, ParameterError
from spindex.framework import Framework
from spindex.softpower.framework import soft_power_model

__all__ = [
    "SourceShares", "demo_section", "factorial_indices", "source_sobol"
]

#: The period whose cells have alternative sources.
PERIOD = "2009-2011"


def factorial_indices(
    Y: np.ndarray, probabilities: Sequence[np.ndarray], groups: dict[str, Sequence[int]]
) -> tuple[dict[str, float], dict[str, float]]:
    """First- and total-order Sobol indices on a full factorial of independent inputs.

    Parameters
    ----------
    Y : numpy.ndarray
        The output on every combination: one axis per input.
    probabilities : sequence of numpy.ndarray
        The probability of each level of each axis (each sums to 1).
    groups : dict
        ``{name: axes}``: the inputs (or groups of inputs) to apportion.

    Returns
    -------
    first, total : dict of float
        ``S = Var(E[Y | X_g]) / Var(Y)`` and ``T = E[Var(Y | X_~g)] / Var(Y)`` per group;
        NaN when ``Y`` does not vary.

    Examples
    --------
    >>> Y = np.add.outer(np.array([0.0, 2.0]), np.array([0.0, 1.0]))  # Y = 2 a + b
    >>> half = np.array([0.5, 0.5])
    >>> first, total = factorial_indices(Y, [half, half], {"a": [0], "b": [1]})
    >>> round(first["a"], 3), round(total["b"], 3)  # 4/5 and 1/5: additive
    (0.8, 0.2)
    """
    P = np.ones(Y.shape)
    for axis, p in enumerate(probabilities):
        shape = [1] * Y.ndim
        shape[axis] = len(p)
        P = P * np.asarray(p, dtype=float).reshape(shape)
    mu = float((P * Y).sum())
    V = float((P * (Y - mu) ** 2).sum())
    first: dict[str, float] = {}
    total: dict[str, float] = {}
    for name, axes in groups.items():
        others = tuple(a for a in range(Y.ndim) if a not in set(axes))
        own = tuple(axes)
        if not V > 0:
            first[name] = total[name] = float("nan")
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            # E[Y | X_g]: average over the other axes; its variance over X_g.
            p_g = P.sum(axis=others, keepdims=True)
            m_g = (P * Y).sum(axis=others, keepdims=True) / p_g
            first[name] = float(np.nansum(p_g * (m_g - mu) ** 2)) / V
            # E[Var(Y | X_~g)]: the variance along the group's axes, averaged over the rest.
            p_rest = P.sum(axis=own, keepdims=True)
            m_rest = (P * Y).sum(axis=own, keepdims=True) / p_rest
            total[name] = float(np.nansum(P * (Y - m_rest) ** 2)) / V
    return first, total


@dataclass(frozen=True, eq=False)
class SourceShares:
    """Sobol shares of the China-vs-Japan answer due to data source, weights and method.

    Attributes
    ----------
    first_order, total_order : pandas.DataFrame
        Inputs x outputs. Inputs: each indicator's source (``"source:<indicator>"``), all
        sources together (``"data source"``), the weights (``"weights"``, every sampled
        weight as one group) and the aggregation (``"method"``). Outputs: ``"difference"``
        (the first unit's score minus the second's) and ``"leads"`` (1 when the first
        unit's score is at least the second's, else 0).
    aid : pandas.DataFrame
        The first unit's aid under each of its sources, side by side with the second's
        (USD million; the ratio to the loaded value).
    alternatives : pandas.DataFrame
        Every cell with alternatives: its value under each source.
    outcomes : pandas.DataFrame
        Per combination of source and method: mean difference and the share of weight
        draws in which the first unit leads.
    n : int
        Weight draws per combination.
    seed : int
        The seed of the weight draws.
    pair : tuple of str
        The two units compared.
    """

    first_order: pd.DataFrame
    total_order: pd.DataFrame
    aid: pd.DataFrame
    alternatives: pd.DataFrame
    outcomes: pd.DataFrame
    n: int
    seed: int
    pair: tuple[str, str]

    def to_text(self) -> str:
        """The shares and the aid disagreement as plain text, for a terminal or a report."""
        a, b = self.pair
        table = pd.concat({"first order": self.first_order, "total order": self.total_order},
                          axis=1)
        with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
            lines = [
                f"Sobol shares of {a} - {b} (score difference) and of '{a} leads {b}', "
                f"{PERIOD}: {self.n:,} weight draws x {len(self.outcomes)} combinations of "
                "data source and method (sources and method enumerated exactly)",
                table.to_string(na_rep="-"),
                "",
                f"{a}'s aid under each source (USD million), next to {b}'s:",
                self.aid.to_string(na_rep="-"),
                "",
                "Outcome per source and method combination:",
                self.outcomes.to_string(index=False),
            ]
        shares = self.total_order["difference"]
        src, w, m = (float(shares[k]) for k in ("data source", "weights", "method"))
        leader = self.first_order["leads"].isna().all()
        lines.append("")
        lines.append(
            f"The choice of data source accounts for {src:.0%} of the variance of the "
            f"difference (total order), the weights for {w:.0%}, the method for {m:.0%}."
            + (f" {a} leads {b} in every run or in none: the lead does not vary."
               if leader else "")
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<SourceShares {self.pair[0]} vs {self.pair[1]}, {self.n} draws>\n" + \
            self.total_order.to_string(float_format="{:.3f}".format)


def source_sobol(
    *,
    n: int = 4096,
    seed: int = 2026,
    weights: WeightNoise | float = 0.25,
    aggregate: Sequence[str] = ("arithmetic", "geometric"),
    pair: tuple[str, str] = ("CHN", "JPN"),
) -> SourceShares:
    """Sobol shares of the founding-period China-vs-Japan answer: data source, weights, method.

    Parameters
    ----------
    n : int, default 4096
        Weight draws per combination of sources and method (at least 2).
    seed : int, default 2026
        Seed of the weight draws (the same draws for every combination).
    weights : float or WeightNoise, default 0.25
        Weight uncertainty: ``phi`` for ``WeightNoise(phi)`` on every weight.
    aggregate : sequence of str, default ("arithmetic", "geometric")
        The aggregation methods, equally likely.
    pair : tuple of str, default ("CHN", "JPN")
        The two sources compared: the output is the first's score minus the second's.

    Returns
    -------
    SourceShares

    Raises
    ------
    ParameterError
        For a bad ``n``, ``seed``, ``weights`` or ``aggregate``, or a unit of ``pair`` that
        the founding-period table does not have.

    References
    ----------
    Sobol', I. M. (1993). Sensitivity estimates for nonlinear mathematical models.
    Mathematical Modelling and Computational Experiments 1, 407-414.
    Saisana, M., Saltelli, A., Tarantola, S. (2005). JRSS A 168(2), 307-323.

    Examples
    --------
    >>> from spindex.softpower.source_uncertainty import source_sobol
    >>> shares = source_sobol(n=256, seed=1)
    >>> shares.total_order.index.tolist()
    ['source:aid_oda', 'source:eco_trade', 'data source', 'weights', 'method']
    >>> bool(shares.total_order.loc["data source", "difference"] > 0)
    True
    """
    owner = "source_sobol"
    for name, value, low in (("n", n, 2), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ParameterError(
                f"The '{name}' parameter of {owner} must be an integer >= {low}. Got {value!r} "
                "instead."
            )
    sampler = WeightNoise(float(weights)) if isinstance(weights, (int, float)) else weights
    if not isinstance(sampler, WeightNoise):
        raise ParameterError(
            f"The 'weights' parameter of {owner} must be a number phi or a WeightNoise. Got "
            f"{weights!r} instead."
        )
    methods = tuple(aggregate) if not isinstance(aggregate, str) else (aggregate,)
    if not methods:
        raise ParameterError(f"The 'aggregate' parameter of {owner} needs at least one method.")
    data = datasets.load("asean", period=PERIOD)
    framework = Framework.from_table(datasets.load_framework("asean", period=PERIOD))
    for unit in pair:
        if unit not in data.index:
            raise ParameterError(
                f"The 'pair' parameter of {owner} names {unit!r}, which the {PERIOD} table "
                f"does not have; sources: {list(data.index)}."
            )
    a, b = pair
    sources = DataSources.from_cells(datasets.load_cells("asean", period=PERIOD))
    spec = dict(sources.sources)
    if not spec:
        raise DataError(f"The {PERIOD} table has no cell with an alternative source.")
    labels = {ind: list(alts) for ind, alts in spec.items()}
    indicators = list(spec)
    # One run per method and source combination; the weight draws are shared.
    shape = (n, len(methods), *(len(labels[i]) for i in indicators))
    diff = np.empty(shape)
    reference: np.ndarray | None = None
    rows = []
    for mi, method in enumerate(methods):
        model = soft_power_model(framework, aggregate=method)
        for combo in itertools.product(*(range(len(labels[i])) for i in indicators)):
            pinned = DataSources(spec, probabilities={
                ind: np.eye(len(labels[ind]))[k] for ind, k in zip(indicators, combo,
                                                                    strict=True)})
            ua = uncertainty(model, data, weights=sampler, n=n, seed=seed, keep_runs=True,
                             keep_inputs=True, choices=[pinned])
            assert ua.runs_scores is not None
            drawn = ua.inputs.filter(like="w:").to_numpy()
            if reference is None:
                reference = drawn
            # The factorial needs the same weights in every combination.
            assert np.array_equal(drawn, reference)
            d = (ua.runs_scores[a] - ua.runs_scores[b]).to_numpy()
            where: tuple[Any, ...] = (slice(None), mi, *combo)
            diff[where] = d
            rows.append({"method": method,
                         **{i: labels[i][k] for i, k in zip(indicators, combo, strict=True)},
                         "mean difference": float(d.mean()),
                         f"share {a} leads": float((d >= 0).mean())})
    probabilities = [np.full(n, 1.0 / n), np.full(len(methods), 1.0 / len(methods))] + [
        np.full(len(labels[i]), 1.0 / len(labels[i])) for i in indicators]
    source_axes = list(range(2, 2 + len(indicators)))
    groups: dict[str, Sequence[int]] = {
        **{f"source:{i}": [2 + j] for j, i in enumerate(indicators)},
        "data source": source_axes, "weights": [0], "method": [1]}
    out_first = {}
    out_total = {}
    for name, Y in (("difference", diff), ("leads", (diff >= 0).astype(float))):
        out_first[name], out_total[name] = factorial_indices(Y, probabilities, groups)
    first = pd.DataFrame(out_first).rename_axis("input")
    total = pd.DataFrame(out_total).rename_axis("input")
    alternatives = _alternatives(data, sources)
    aid = _aid_side_by_side(data, sources, pair)
    return SourceShares(first_order=first, total_order=total, aid=aid,
                        alternatives=alternatives, outcomes=pd.DataFrame(rows), n=n,
                        seed=int(seed), pair=(a, b))


def _alternatives(data: pd.DataFrame, sources: DataSources) -> pd.DataFrame:
    """Every cell that differs between sources, with its value under each."""
    parts = []
    for indicator, alts in sources.sources.items():
        values = sources.resolve_one(data, indicator)
        differs = ~((values == values[:1])
                    | (np.isnan(values) & np.isnan(values[:1]))).all(axis=0)
        frame = pd.DataFrame(values[:, differs].T, index=data.index[differs],
                             columns=pd.Index(list(alts), name="source choice"))
        parts.append(frame.assign(indicator=indicator).set_index("indicator", append=True))
    return pd.concat(parts).reorder_levels([1, 0]) if parts else pd.DataFrame()


def _aid_side_by_side(
    data: pd.DataFrame, sources: DataSources, pair: tuple[str, str]
) -> pd.DataFrame:
    """The first unit's aid under each source, the second's (one source), and the ratio."""
    indicator = "aid_oda"
    if indicator not in sources.sources:
        return pd.DataFrame()
    values = sources.resolve_one(data, indicator)
    index = list(data.index)
    a, b = pair
    labels = list(sources.sources[indicator])
    own = values[:, index.index(a)]
    return pd.DataFrame({
        f"{a} aid": own,
        f"{b} aid": values[:, index.index(b)],
        f"{a} / loaded": own / own[0],
        f"{a} / {b}": own / values[:, index.index(b)],
    }, index=pd.Index(labels, name=f"source of {a}'s aid"))



def demo_section(ctx: Any, out: TextIO) -> dict[str, pd.DataFrame]:
    """The data source as an uncertain input, for ``make demo``.

    Founding period only (the recent table has no cell with alternatives; the demo shows
    China's aid by AidData and by the Lowy Aid Map there): the Sobol shares of China minus
    Japan due to data source, weights and method (:func:`source_sobol`).
    """
    period = getattr(ctx, "period", None)
    tables: dict[str, pd.DataFrame] = {}
    if period == PERIOD:
        shares = source_sobol(n=1024, seed=2026)
        print("\nThe data source as an uncertain input (next to weights and aggregation)", file=out)
        print(shares.to_text(), file=out)
        tables["source_sobol_first_order"] = shares.first_order
        tables["source_sobol_total_order"] = shares.total_order
        tables["source_outcomes"] = shares.outcomes
        total = shares.total_order["difference"]
        src, w = float(total["data source"]), float(total["weights"])
        print(
            f"Reading: which aid and trade figures are used moves China's lead over Japan "
            f"more ({src:.0%} of its variance) than the weights do ({w:.0%}); the answer "
            "'China leads' holds under every source and method tried here, with every weight "
            "within 25 % of its nominal value (over the whole pillar simplex it does not: see "
            "the exact share above).",
            file=out,
        )
    return tables
