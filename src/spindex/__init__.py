"""spindex: build, score and stress-test composite indicators.

>>> import spindex as sp
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> res.scores.shape
(51, 60)
"""

from spindex import analysis, datasets, panel, plot, weighting
from spindex.analysis.change import ChangeExplanation, explain_change
from spindex.analysis.correlation import (
    Correlations,
    correlation_matrix,
    correlations,
    cronbach_alpha,
    group_pca,
)
from spindex.analysis.discrete import DataSources, DropOne, ExpertPanel, WeightSets
from spindex.analysis.dominance import (
    DominanceResult,
    dominance,
    dominance_matrix,
    simplex_share,
)
from spindex.analysis.flip import FlipResult, nearest_flip, nearest_top_change
from spindex.analysis.importance import (
    ImportanceResult,
    OptimizedWeights,
    importance,
    optimize_weights,
)
from spindex.analysis.infer_weights import InferredWeights, infer_weights
from spindex.analysis.rank_bounds import RankBounds, rank_bounds
from spindex.analysis.removal import RemovalResult, remove_indicators
from spindex.analysis.sampling import DirichletWeights, UniformSimplex, WeightBounds, WeightNoise
from spindex.analysis.scorer import Scored, Scorer
from spindex.analysis.shapley import ShapleyResult, shapley_effects
from spindex.analysis.sinks import RunSink
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
from spindex.elcano import ElcanoIndex, ElcanoWorkbook, read_elcano, share_of_total
from spindex.errors import (
    DataError,
    FrameworkError,
    MethodError,
    MissingDependencyError,
    ParameterError,
    ParameterTypeError,
    SpindexError,
    SpindexTypeError,
    SpindexWarning,
)
from spindex.explore import explore, explore_html
from spindex.export import export_tables, to_excel, to_parquet, write_table
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
    EMEstimate,
    EMImputer,
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
    KNNImputer,
    LogTransform,
    MazziottaPareto,
    MeanImputer,
    MedianImputer,
    MinMax,
    NoTreatment,
    PercentileRank,
    Rank,
    Scaled,
    TimeImputer,
    Treatment,
    WeightedMedian,
    Winsorize,
    ZScore,
)
from spindex.model import CompositeIndex
from spindex.panel import (
    PanelAnalysis,
    PanelResult,
    panel_from_long,
    panel_to_long,
    score_panel,
    smaa_panel,
    trends,
    uncertainty_panel,
)
from spindex.report import report, report_html
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
    "ChangeExplanation",
    "CompositeIndex",
    "Copeland",
    "Correlations",
    "DataChecks",
    "DataError",
    "DataSources",
    "Denominate",
    "DirichletWeights",
    "DistanceToMax",
    "DistanceToReference",
    "DistanceToTarget",
    "DominanceResult",
    "DropOne",
    "DyadicAggregate",
    "EMEstimate",
    "EMImputer",
    "ElcanoIndex",
    "ElcanoWorkbook",
    "ExpertPanel",
    "FlipResult",
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
    "InferredWeights",
    "KNNImputer",
    "LogTransform",
    "MazziottaPareto",
    "MeanImputer",
    "MedianImputer",
    "MethodError",
    "MinMax",
    "MissingDependencyError",
    "NoTreatment",
    "Node",
    "OptimizedWeights",
    "PanelAnalysis",
    "PanelResult",
    "ParameterError",
    "ParameterTypeError",
    "PercentileRank",
    "Rank",
    "RankBounds",
    "RemovalResult",
    "RunSink",
    "SMAAResult",
    "Scaled",
    "Scored",
    "Scorer",
    "Screen",
    "ShapleyResult",
    "SobolResult",
    "SpindexError",
    "SpindexTypeError",
    "SpindexWarning",
    "TimeImputer",
    "Treatment",
    "UncertaintyResult",
    "UniformSimplex",
    "WeightBounds",
    "WeightNoise",
    "WeightSets",
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
    "explain_change",
    "explore",
    "explore_html",
    "export_tables",
    "group_pca",
    "importance",
    "infer_weights",
    "nearest_flip",
    "nearest_top_change",
    "optimize_weights",
    "panel",
    "panel_from_long",
    "panel_to_long",
    "per_target",
    "plot",
    "rank_bounds",
    "read_elcano",
    "remove_indicators",
    "report",
    "report_html",
    "score_panel",
    "shapley_effects",
    "share_of_total",
    "simplex_share",
    "smaa",
    "smaa_panel",
    "sobol",
    "soft_power_catalogue",
    "soft_power_framework",
    "soft_power_model",
    "to_excel",
    "to_parquet",
    "trends",
    "uncertainty",
    "uncertainty_panel",
    "weighting",
    "write_table",
]
