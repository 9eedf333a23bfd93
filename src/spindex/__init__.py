"""spindex: build, score and stress-test composite indicators.

>>> import spindex as sp
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> res.scores.shape
(51, 60)
"""

from spindex import analysis, datasets, weighting
from spindex.analysis.correlation import (
    Correlations,
    correlation_matrix,
    correlations,
    cronbach_alpha,
    group_pca,
)
from spindex.analysis.dominance import (
    DominanceResult,
    dominance,
    dominance_matrix,
    simplex_share,
)
from spindex.analysis.importance import (
    ImportanceResult,
    OptimizedWeights,
    importance,
    optimize_weights,
)
from spindex.analysis.removal import RemovalResult, remove_indicators
from spindex.analysis.sampling import DirichletWeights, UniformSimplex, WeightBounds, WeightNoise
from spindex.analysis.smaa import BoundedSimplex, SMAAResult, smaa
from spindex.analysis.sobol import SobolResult, sobol
from spindex.analysis.uncertainty import UncertaintyResult, uncertainty
from spindex.checks import DataChecks, Screen, data_checks
from spindex.dyadic import (
    DyadicAggregate,
    aggregate_dyadic,
    convert_currency,
    exchange_rates,
    per_target,
)
from spindex.errors import (
    DataError,
    FrameworkError,
    MethodError,
    ParameterError,
    SpindexError,
    SpindexTypeError,
    SpindexWarning,
)
from spindex.framework import Framework, Node
from spindex.methods import (
    Arithmetic,
    Borda,
    BoxCox,
    Copeland,
    Denominate,
    DistanceToMax,
    DistanceToReference,
    DistanceToTarget,
    FractionOfMax,
    FunctionAggregator,
    FunctionImputer,
    FunctionNormalizer,
    FunctionTreatment,
    GeneralizedMean,
    Geometric,
    Goalposts,
    GroupMean,
    GroupMedian,
    Harmonic,
    Identity,
    Imputer,
    LogTransform,
    MazziottaPareto,
    MeanImputer,
    MedianImputer,
    MinMax,
    NoTreatment,
    PercentileRank,
    Rank,
    Scaled,
    Treatment,
    WeightedMedian,
    Winsorize,
    ZScore,
)
from spindex.model import CompositeIndex
from spindex.result import IndexResult
from spindex.softpower import (
    PILLARS,
    soft_power_catalogue,
    soft_power_framework,
    soft_power_model,
)

__version__ = "0.1.0"

__all__ = [
    "PILLARS",
    "Arithmetic",
    "Borda",
    "BoundedSimplex",
    "BoxCox",
    "CompositeIndex",
    "Copeland",
    "Correlations",
    "DataChecks",
    "DataError",
    "Denominate",
    "DirichletWeights",
    "DistanceToMax",
    "DistanceToReference",
    "DistanceToTarget",
    "DominanceResult",
    "DyadicAggregate",
    "FractionOfMax",
    "Framework",
    "FrameworkError",
    "FunctionAggregator",
    "FunctionImputer",
    "FunctionNormalizer",
    "FunctionTreatment",
    "GeneralizedMean",
    "Geometric",
    "Goalposts",
    "GroupMean",
    "GroupMedian",
    "Harmonic",
    "Identity",
    "ImportanceResult",
    "Imputer",
    "IndexResult",
    "LogTransform",
    "MazziottaPareto",
    "MeanImputer",
    "MedianImputer",
    "MethodError",
    "MinMax",
    "NoTreatment",
    "Node",
    "OptimizedWeights",
    "ParameterError",
    "PercentileRank",
    "Rank",
    "RemovalResult",
    "SMAAResult",
    "Scaled",
    "Screen",
    "SobolResult",
    "SpindexError",
    "SpindexTypeError",
    "SpindexWarning",
    "Treatment",
    "UncertaintyResult",
    "UniformSimplex",
    "WeightBounds",
    "WeightNoise",
    "WeightedMedian",
    "Winsorize",
    "ZScore",
    "__version__",
    "aggregate_dyadic",
    "analysis",
    "convert_currency",
    "correlation_matrix",
    "correlations",
    "cronbach_alpha",
    "data_checks",
    "datasets",
    "dominance",
    "dominance_matrix",
    "exchange_rates",
    "group_pca",
    "importance",
    "optimize_weights",
    "per_target",
    "remove_indicators",
    "simplex_share",
    "smaa",
    "sobol",
    "soft_power_catalogue",
    "soft_power_framework",
    "soft_power_model",
    "uncertainty",
    "weighting",
]
