"""Analyses of a composite index: uncertainty, sensitivity, SMAA, dominance, correlations."""

from spindex.analysis import correlation
from spindex.analysis.correlation import (
    Correlations,
    GroupPCA,
    ancestor_correlations,
    collinear_pairs,
    correlation_matrix,
    correlations,
    cronbach_alpha,
    group_pca,
    negative_correlations,
)

__all__ = [
    "Correlations",
    "GroupPCA",
    "ancestor_correlations",
    "collinear_pairs",
    "correlation",
    "correlation_matrix",
    "correlations",
    "cronbach_alpha",
    "group_pca",
    "negative_correlations",
]
