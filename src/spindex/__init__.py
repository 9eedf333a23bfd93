"""spindex: build, score and stress-test composite indicators.

>>> import spindex as sp
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> res.scores.shape
(51, 60)
"""

from spindex import datasets
from spindex.analysis.dominance import (
    DominanceResult,
    dominance,
    dominance_matrix,
    simplex_share,
)
from spindex.analysis.sampling import DirichletWeights, UniformSimplex, WeightBounds, WeightNoise
from spindex.analysis.smaa import BoundedSimplex, SMAAResult, smaa
from spindex.analysis.sobol import SobolResult, sobol
from spindex.analysis.uncertainty import UncertaintyResult, uncertainty
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
    Copeland,
    DistanceToMax,
    DistanceToReference,
    DistanceToTarget,
    FractionOfMax,
    FunctionAggregator,
    FunctionNormalizer,
    GeneralizedMean,
    Geometric,
    Goalposts,
    Harmonic,
    Identity,
    MazziottaPareto,
    MinMax,
    PercentileRank,
    Rank,
    Scaled,
    WeightedMedian,
    ZScore,
)
from spindex.model import CompositeIndex
from spindex.result import IndexResult

__version__ = "0.1.0"

__all__ = [
    "Arithmetic",
    "Borda",
    "BoundedSimplex",
    "CompositeIndex",
    "Copeland",
    "DataError",
    "DirichletWeights",
    "DistanceToMax",
    "DistanceToReference",
    "DistanceToTarget",
    "DominanceResult",
    "FractionOfMax",
    "Framework",
    "FrameworkError",
    "FunctionAggregator",
    "FunctionNormalizer",
    "GeneralizedMean",
    "Geometric",
    "Goalposts",
    "Harmonic",
    "Identity",
    "IndexResult",
    "MazziottaPareto",
    "MethodError",
    "MinMax",
    "Node",
    "ParameterError",
    "PercentileRank",
    "Rank",
    "SMAAResult",
    "Scaled",
    "SobolResult",
    "SpindexError",
    "SpindexTypeError",
    "SpindexWarning",
    "UncertaintyResult",
    "UniformSimplex",
    "WeightBounds",
    "WeightNoise",
    "WeightedMedian",
    "ZScore",
    "__version__",
    "datasets",
    "dominance",
    "dominance_matrix",
    "simplex_share",
    "smaa",
    "sobol",
    "uncertainty",
]
