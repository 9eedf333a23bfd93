"""Correlation diagnostics of ASEM against R, computed as COINr 1.1.14 computes them.

Reference: ``tests/oracles/data/r_minmax_*.csv``, written by ``tests/oracles/r/asem_correlation.R``
on the min-max [0, 100] normalised ASEM indicators. COINr's ``get_corr`` is
``stats::cor(iData1, iData2, use = "pairwise.complete.obs", method = cortype)`` (COINr
R/correlations.R), its ``get_pvals`` runs ``stats::cor.test`` pair by pair, ``get_cronbach`` is
``k^2 * mean(off-diagonal cov) / sum(cov)`` with pairwise covariances, and ``get_PCA`` runs
``prcomp(na.omit(x), scale = TRUE)``; the script makes exactly these calls.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex._io import read_csv_exact
from spindex.analysis import correlation as cr

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def asem() -> tuple[sp.Framework, pd.DataFrame]:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    norm = sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100)).normalized(
        sp.datasets.load("asem"))
    return fw, norm


def read_matrix(name: str) -> pd.DataFrame:
    return read_csv_exact(DATA / name).set_index("iCode")


def test_pearson_matrix_equals_coinr_to_1e12(asem) -> None:
    fw, norm = asem
    ref = read_matrix("r_minmax_pearson_corr.csv")
    ours = cr.correlations(fw, norm, method="pearson").r
    assert list(ours.index) == list(ref.index) and list(ours.columns) == list(ref.columns)
    np.testing.assert_array_equal(ours.isna().to_numpy(), ref.isna().to_numpy())
    worst = np.nanmax(np.abs(ours.to_numpy() - ref.to_numpy()))
    assert worst < 1e-12, worst


@pytest.mark.parametrize("method", ["spearman", "kendall"])
def test_rank_correlations_equal_r(asem, method) -> None:
    fw, norm = asem
    ref = read_matrix(f"r_minmax_{method}_corr.csv")
    ours = cr.correlations(fw, norm, method=method).r
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-12)


def test_pearson_pvalues_equal_cor_test(asem) -> None:
    fw, norm = asem
    ref = read_matrix("r_minmax_pearson_pvalues.csv").to_numpy()
    ours = cr.correlations(fw, norm).p.to_numpy()
    off = ~np.eye(len(ref), dtype=bool)
    np.testing.assert_allclose(ours[off], ref[off], rtol=1e-10, atol=1e-15)


def test_cronbach_alpha_equals_coinr_formula(asem) -> None:
    fw, norm = asem
    ref = read_csv_exact(DATA / "r_minmax_cronbach.csv").set_index("group")
    ours = cr.cronbach_alpha(fw, norm)
    np.testing.assert_allclose(ours.loc[ref.index, "alpha"].to_numpy(), ref["alpha"].to_numpy(),
                               rtol=0, atol=1e-12)


def test_group_pca_eigenvalues_equal_prcomp(asem) -> None:
    fw, norm = asem
    ref = read_csv_exact(DATA / "r_minmax_pca_eigenvalues.csv")
    counts = read_csv_exact(DATA / "r_minmax_cronbach.csv").set_index("group")["n_complete"]
    pcs = cr.group_pca(fw, norm, missing="drop")
    for group, part in ref.groupby("group", sort=False):
        np.testing.assert_allclose(pcs[group].eigenvalues.to_numpy(),
                                   part["eigenvalue"].to_numpy(), rtol=0, atol=1e-12)
        assert pcs[group].n_units == counts[group]
        assert len(pcs[group].dropped) == norm.shape[0] - counts[group]
