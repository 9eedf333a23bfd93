"""Pure array methods: normalisation and aggregation.

Each method is an immutable value object with a ``name`` and a ``__call__`` on
numpy arrays; :func:`get_normalizer` and :func:`get_aggregator` resolve a name,
an instance or a plain function to one. The context classes carry the labels a
method uses in its error messages.
"""

from spindex.methods._base import AggregationContext, FloatArray, NormalizationContext
from spindex.methods.aggregate import (
    AGGREGATORS,
    Aggregator,
    Arithmetic,
    Copeland,
    FunctionAggregator,
    GeneralizedMean,
    Geometric,
    Harmonic,
    MazziottaPareto,
    WeightedMedian,
    get_aggregator,
)
from spindex.methods.normalize import (
    NORMALIZERS,
    Borda,
    DistanceToMax,
    DistanceToReference,
    DistanceToTarget,
    FractionOfMax,
    FunctionNormalizer,
    Goalposts,
    Identity,
    MinMax,
    Normalizer,
    PercentileRank,
    Rank,
    Scaled,
    ZScore,
    get_normalizer,
)

__all__ = [
    "AGGREGATORS",
    "NORMALIZERS",
    "AggregationContext",
    "Aggregator",
    "Arithmetic",
    "Borda",
    "Copeland",
    "DistanceToMax",
    "DistanceToReference",
    "DistanceToTarget",
    "FloatArray",
    "FractionOfMax",
    "FunctionAggregator",
    "FunctionNormalizer",
    "GeneralizedMean",
    "Geometric",
    "Goalposts",
    "Harmonic",
    "Identity",
    "MazziottaPareto",
    "MinMax",
    "NormalizationContext",
    "Normalizer",
    "PercentileRank",
    "Rank",
    "Scaled",
    "WeightedMedian",
    "ZScore",
    "get_aggregator",
    "get_normalizer",
]
