"""Analyses of a composite index: uncertainty, sensitivity, SMAA, dominance, correlations."""
