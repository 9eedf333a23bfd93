"""Multivariate diagnostics of a framework: correlations, collinearity, Cronbach's alpha, PCA.

Correlations are Pearson, Spearman or Kendall (tau-b), each pair of columns on
the units where both have a value (pairwise-complete, as COINr's ``get_corr``,
which calls R's ``cor(..., use = "pairwise.complete.obs")``). Every function
returns the correlation together with its two-sided p-value and the number of
units behind it; nothing is blanked for being insignificant (COINr's ``get_corr``
blanks p > 0.05 by default) -- mask with the p-values yourself if you want that.

The functions take a framework (or a model) and a table of node values: the
:class:`~spindex.result.IndexResult` of ``model.score(data)`` (all levels), its
``scores``, or ``model.normalized(data)`` (indicators only).

>>> import spindex as sp
>>> from spindex.analysis import correlation as cr
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> cr.correlations(fw, res, level=2, against=-1).r.round(2).T
       Physical  ConEcFin  Political  Instit   P2P  Environ  Social  SusEcFin
Index      0.88      0.66       0.87    0.57  0.72     0.15    0.75      0.04
>>> cr.negative_correlations(fw, res)[["code", "ancestor"]].values.tolist()
[['TBTs', 'Instit']]

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators:
   Methodology and User Guide*. OECD Publishing, section 4.
.. [2] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
   tests. *Psychometrika* 16, 297-334.
.. [3] Becker, W. et al. (2022). COINr: an R package for developing composite
   indicators. *Journal of Open Source Software* 7(78), 4567.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex._values import real_column
from spindex.errors import DataError, FrameworkError, MethodError, ParameterError, SpindexTypeError
from spindex.framework import Framework
from spindex.methods._base import FloatArray
from spindex.methods.weight import (
    MissingPolicy,
    correlation_for_pca,
    pairwise_pearson,
    principal_components,
)
from spindex.model import CompositeIndex, framework_of
from spindex.result import node_values

__all__ = [
    "Correlations",
    "GroupPCA",
    "ancestor_correlations",
    "collinear_pairs",
    "correlation_matrix",
    "correlations",
    "cronbach_alpha",
    "group_pca",
    "negative_correlations",
]

CorrelationMethod = Literal["pearson", "spearman", "kendall"]
_METHODS = ("pearson", "spearman", "kendall")


# --------------------------------------------------------------------------- core


def _check_method(method: str) -> None:
    if method not in _METHODS:
        raise ParameterError(
            "The 'method' parameter must be one of {'pearson', 'spearman', 'kendall'}. "
            f"Got {method!r} instead."
        )


def _t_pvalue(r: FloatArray, n: FloatArray) -> FloatArray:
    """Two-sided p-value of a correlation from Student's t with n - 2 degrees of freedom."""
    from scipy import stats
    df = n - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt(df / ((1.0 - r) * (1.0 + r)))
        p = 2.0 * stats.t.sf(np.abs(t), df)
    p = np.where(np.abs(r) >= 1.0, 0.0, p)
    return np.where((df > 0) & ~np.isnan(r), p, np.nan)


def _spearman(X: FloatArray, Y: FloatArray) -> tuple[FloatArray, FloatArray]:
    from scipy import stats
    mx, my = ~np.isnan(X), ~np.isnan(Y)
    p, q = X.shape[1], Y.shape[1]
    r = np.full((p, q), np.nan)
    n = mx.T.astype(float) @ my.astype(float)
    for i in range(p):
        both = mx[:, [i]] & my
        # Ranks are taken within each pair's common units, as R's cor() does.
        xi = stats.rankdata(np.where(both, X[:, [i]], np.nan), axis=0, nan_policy="omit")
        yj = stats.rankdata(np.where(both, Y, np.nan), axis=0, nan_policy="omit")
        for_pair, _ = pairwise_pearson(xi, yj)
        r[i] = np.diag(for_pair)
    return r, n


def _kendall(X: FloatArray, Y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    from scipy import stats
    mx, my = ~np.isnan(X), ~np.isnan(Y)
    p, q = X.shape[1], Y.shape[1]
    r = np.full((p, q), np.nan)
    pv = np.full((p, q), np.nan)
    n = mx.T.astype(float) @ my.astype(float)
    for i in range(p):
        for j in range(q):
            ok = mx[:, i] & my[:, j]
            if ok.sum() < 2:
                continue
            x, y = X[ok, i], Y[ok, j]
            if np.ptp(x) == 0 or np.ptp(y) == 0:
                continue
            res = stats.kendalltau(x, y)
            r[i, j], pv[i, j] = res.statistic, res.pvalue
    return r, pv, n


def _correlate(
    X: FloatArray, Y: FloatArray, method: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    if method == "pearson":
        r, n = pairwise_pearson(X, Y)
        return r, _t_pvalue(r, n), n
    if method == "spearman":
        r, n = _spearman(X, Y)
        return r, _t_pvalue(r, n), n
    return _kendall(X, Y)


@dataclass(frozen=True, eq=False, repr=False)
class Correlations:
    """A labelled correlation matrix with p-values and pair counts.

    Attributes
    ----------
    r : pandas.DataFrame
        Correlations (rows x columns); ``NaN`` only where undefined (fewer than
        two common units, or a column constant on them).
    p : pandas.DataFrame
        Two-sided p-values: Student's t with n - 2 degrees of freedom for
        Pearson and Spearman (as :func:`scipy.stats.pearsonr` and
        :func:`scipy.stats.spearmanr`), :func:`scipy.stats.kendalltau` for Kendall.
    n : pandas.DataFrame
        Number of units each correlation is based on.
    method : str
        ``"pearson"``, ``"spearman"`` or ``"kendall"``.
    """

    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame
    method: str

    def long(self) -> pd.DataFrame:
        """One row per pair: ``row, column, r, p, n``.

        For a matrix of a set of columns with itself, each pair appears once
        (upper triangle, no diagonal).
        """
        rows, cols = list(self.r.index), list(self.r.columns)
        R, P, N = self.r.to_numpy(), self.p.to_numpy(), self.n.to_numpy()
        if rows == cols:
            i, j = np.triu_indices(len(rows), k=1)
        else:
            i, j = (a.ravel() for a in np.indices(R.shape))
        return pd.DataFrame({
            "row": np.asarray(rows, dtype=object)[i], "column": np.asarray(cols, dtype=object)[j],
            "r": R[i, j], "p": P[i, j], "n": N[i, j].astype(int),
        })

    def __repr__(self) -> str:
        return (f"<Correlations ({self.method}): {self.r.shape[0]} x {self.r.shape[1]}; "
                "attributes r, p, n>")


def _real_matrix(t: pd.DataFrame, name: str) -> FloatArray:
    """The columns of ``t`` as floats (by position: labels may repeat), checked like data."""
    out = np.empty(t.shape)
    for j in range(t.shape[1]):
        out[:, j] = real_column(t.iloc[:, j], f"Column {t.columns[j]!r} of '{name}'")
    return out


def correlation_matrix(
    x: pd.DataFrame, y: pd.DataFrame | None = None, *, method: CorrelationMethod = "pearson"
) -> Correlations:
    """Correlations of the columns of ``x`` with those of ``y``, pairwise-complete.

    Parameters
    ----------
    x : pandas.DataFrame
        Units x variables; ``NaN`` marks a missing value.
    y : pandas.DataFrame, optional
        Units x variables, on the same unit labels (aligned by label). Defaults to ``x``.
    method : {"pearson", "spearman", "kendall"}, default "pearson"
        Spearman ranks each pair's common units (average ranks for ties);
        Kendall is tau-b.

    Returns
    -------
    Correlations

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, None, 7, 8]})
    >>> c = correlation_matrix(x)
    >>> c.r.round(4)
            a       b
    a  1.0000  0.9843
    b  0.9843  1.0000
    >>> c.n.loc["a", "b"]
    np.int64(3)
    """
    _check_method(method)
    for name, t in (("x", x), ("y", y)):
        if t is not None and not isinstance(t, pd.DataFrame):
            raise SpindexTypeError(
                f"The '{name}' argument must be a DataFrame; got {type(t).__name__}."
            )
    yy = x if y is None else y
    if y is not None and not x.index.equals(y.index):
        if set(x.index) != set(y.index):
            raise DataError(
                "The two tables must hold the same units; they differ in "
                f"{sorted(set(map(str, x.index)) ^ set(map(str, y.index)))[:8]}."
            )
        yy = y.loc[x.index]
    X = _real_matrix(x, "x")
    Y = X if yy is x else _real_matrix(yy, "y")
    r, p, n = _correlate(X, Y, method)
    # A column against itself correlates exactly 1 (the formulas can miss by an ulp).
    for i, j in zip(*np.nonzero(np.equal.outer(x.columns.to_numpy(), yy.columns.to_numpy())),
                    strict=True):
        if not np.isnan(r[i, j]) and np.array_equal(X[:, i], Y[:, j], equal_nan=True):
            r[i, j] = 1.0
            p[i, j] = 0.0 if n[i, j] > 2 else p[i, j]
    rows, cols = x.columns, yy.columns
    return Correlations(
        pd.DataFrame(r, index=rows, columns=cols), pd.DataFrame(p, index=rows, columns=cols),
        pd.DataFrame(n.astype(int), index=rows, columns=cols), method,
    )


# --------------------------------------------------------------------------- labelled helpers


def _level_codes(fw: Framework, level: int | str, under: str | None = None) -> tuple[str, ...]:
    codes = fw.level(level)
    if under is None:
        return codes
    fw.node(under)
    family = {under, *fw.descendants(under)}
    return tuple(c for c in codes if c in family)


def _ancestor_at(fw: Framework, code: str, level: int | None) -> str | None:
    """The node's parent, or its ancestor at ``level``."""
    if level is None:
        return fw.parent(code)
    for a in fw.ancestors(code):
        if fw.node(a).level == level:
            return a
    return None


# --------------------------------------------------------------------------- framework views


def correlations(
    framework: Framework | CompositeIndex,
    scores: Any,
    *,
    level: int | str = 1,
    against: int | str | None = None,
    under: str | None = None,
    method: CorrelationMethod = "pearson",
) -> Correlations:
    """Correlations of the nodes of one level with those of the same or another level.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    scores : IndexResult or DataFrame
        Node values, units x codes.
    level : int or str, default 1
        Level of the rows (1 = indicators).
    against : int or str, optional
        Level of the columns (default: ``level``; ``-1`` = the index).
    under : str, optional
        Keep only ``under`` and the nodes below it (for example one pillar's
        indicators and the pillar).
    method : {"pearson", "spearman", "kendall"}, default "pearson"

    Returns
    -------
    Correlations

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> c = correlations(fw, res, level=1, against=2, under="Environ")
    >>> c.r.round(2).T
             Renew  PrimEner   CO2  MatCon  Forest
    Environ   0.65      0.64  0.82    0.81    0.03
    """
    _check_method(method)
    fw = framework_of(framework, "correlations")
    rows = _level_codes(fw, level, under)
    cols = _level_codes(fw, level if against is None else against, under)
    if not rows or not cols:
        raise FrameworkError(
            f"No nodes at the requested level(s) lie under '{under}'; pick levels at or below "
            "its own."
        )
    table = node_values(scores, list(dict.fromkeys([*rows, *cols])), "correlations")
    return correlation_matrix(table[list(rows)], table[list(cols)], method=method)


def ancestor_correlations(
    framework: Framework | CompositeIndex,
    scores: Any,
    *,
    level: int | str = 1,
    method: CorrelationMethod = "pearson",
) -> pd.DataFrame:
    """Correlation of each node of a level with each of its ancestors (pillar, ..., index).

    Parameters
    ----------
    framework : Framework or CompositeIndex
    scores : IndexResult or DataFrame
        Node values of every level involved (``model.score(data)``).
    level : int or str, default 1
    method : {"pearson", "spearman", "kendall"}, default "pearson"

    Returns
    -------
    pandas.DataFrame
        Columns ``code, ancestor, ancestor_level, r, p, n``; one row per node and
        ancestor, nearest ancestor first.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> table = ancestor_correlations(fw, res)
    >>> table[table["code"] == "CO2"][["ancestor", "r"]].round(2)
       ancestor     r
    96  Environ  0.82
    97     Sust  0.36
    98    Index -0.02
    """
    _check_method(method)
    fw = framework_of(framework, "ancestor_correlations")
    codes = fw.level(level)
    ancestors = [a for a in fw.aggregates if any(a in fw.ancestors(c) for c in codes)]
    table = node_values(scores, [*codes, *ancestors], "ancestor_correlations")
    if not ancestors:
        raise FrameworkError("The nodes of this level have no ancestors; pick a lower level.")
    c = correlation_matrix(table[list(codes)], table[ancestors], method=method)
    R, P, N = c.r.to_numpy(), c.p.to_numpy(), c.n.to_numpy()
    col = {a: j for j, a in enumerate(ancestors)}
    rows = []
    for i, code in enumerate(codes):
        for a in fw.ancestors(code):
            j = col[a]
            rows.append({
                "code": code, "ancestor": a, "ancestor_level": fw.node(a).level,
                "r": float(R[i, j]), "p": float(P[i, j]), "n": int(N[i, j]),
            })
    return pd.DataFrame(rows, columns=["code", "ancestor", "ancestor_level", "r", "p", "n"])


def collinear_pairs(
    framework: Framework | CompositeIndex,
    scores: Any,
    *,
    level: int | str = 1,
    threshold: float = 0.9,
    group_level: int | None = None,
    method: CorrelationMethod = "pearson",
) -> pd.DataFrame:
    """Pairs of nodes in the same group whose correlation exceeds a threshold in absolute value.

    Very high correlation within a group suggests double counting (COINr's
    ``get_corr_flags``, which flags ``r > threshold``; here ``|r| > threshold``
    so strongly negative pairs are flagged too).

    Parameters
    ----------
    framework : Framework or CompositeIndex
    scores : IndexResult or DataFrame
    level : int or str, default 1
        Level of the nodes compared.
    threshold : float, default 0.9
    group_level : int, optional
        Compare nodes sharing an ancestor at this level (default: sharing a parent).
    method : {"pearson", "spearman", "kendall"}, default "pearson"

    Returns
    -------
    pandas.DataFrame
        Columns ``group, a, b, r, p, n``, largest ``|r|`` first (empty if none).

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> data = sp.datasets.load("asem")
    >>> flags = collinear_pairs(fw, sp.CompositeIndex(fw).normalized(data), threshold=0.85)
    >>> flags[["group", "a", "b"]].head(2).values.tolist()
    [['P2P', 'Research', 'CultGood'], ['P2P', 'StMob', 'Research']]
    """
    _check_method(method)
    if not 0 <= threshold <= 1:
        raise ParameterError(
            f"The 'threshold' parameter must lie in [0, 1]; got {threshold!r}."
        )
    fw = framework_of(framework, "collinear_pairs")
    codes = fw.level(level)
    table = node_values(scores, codes, "collinear_pairs")
    c = correlation_matrix(table, method=method)
    R, P, N = c.r.to_numpy(), c.p.to_numpy(), c.n.to_numpy()
    groups = [_ancestor_at(fw, code, group_level) for code in codes]
    rows = []
    for i, j in zip(*np.triu_indices(len(codes), k=1), strict=True):
        g = groups[i]
        if g is None or g != groups[j]:
            continue
        if abs(R[i, j]) > threshold:
            rows.append({"group": g, "a": codes[i], "b": codes[j], "r": float(R[i, j]),
                         "p": float(P[i, j]), "n": int(N[i, j])})
    out = pd.DataFrame(rows, columns=["group", "a", "b", "r", "p", "n"])
    order = np.argsort(-out["r"].abs().to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def negative_correlations(
    framework: Framework | CompositeIndex,
    scores: Any,
    *,
    level: int | str = 1,
    threshold: float = 0.0,
    all_ancestors: bool = False,
    method: CorrelationMethod = "pearson",
) -> pd.DataFrame:
    """Nodes correlated with their parent (or any ancestor) below a threshold.

    A negative correlation with its own pillar means the node pulls the pillar
    against its other members: check its direction, or whether it belongs there.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    scores : IndexResult or DataFrame
        Node values of every level involved (``model.score(data)``).
    level : int or str, default 1
    threshold : float, default 0.0
        Flag ``r < threshold``.
    all_ancestors : bool, default False
        Check every ancestor up to the index, not only the parent.
    method : {"pearson", "spearman", "kendall"}, default "pearson"

    Returns
    -------
    pandas.DataFrame
        Columns ``code, ancestor, ancestor_level, r, p, n`` for the flagged pairs.
    """
    fw = framework_of(framework, "negative_correlations")
    table = ancestor_correlations(fw, scores, level=level, method=method)
    if not all_ancestors:
        parents = [fw.parent(c) for c in table["code"]]
        table = table[table["ancestor"].to_numpy() == np.asarray(parents, dtype=object)]
    return table[table["r"] < threshold].reset_index(drop=True)


# --------------------------------------------------------------------------- Cronbach


def _pairwise_cov(X: FloatArray) -> FloatArray:
    """Covariances on pairwise-complete units (n - 1), as R's ``cov(use = "pairwise")``."""
    m = ~np.isnan(X)
    k = X.shape[1]
    out = np.full((k, k), np.nan)
    for i in range(k):
        both = m[:, [i]] & m
        cnt = both.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            xi = np.where(both, X[:, [i]], 0.0)
            xj = np.where(both, X, 0.0)
            dx = np.where(both, xi - xi.sum(axis=0) / cnt, 0.0)
            dy = np.where(both, xj - xj.sum(axis=0) / cnt, 0.0)
            out[i] = np.where(cnt >= 2, (dx * dy).sum(axis=0) / (cnt - 1), np.nan)
    return out


def _alpha(X: FloatArray, missing: MissingPolicy) -> tuple[float, int]:
    k = X.shape[1]
    complete = ~np.isnan(X).any(axis=1)
    if missing == "drop":
        X = X[complete]
    observed = (~np.isnan(X)).any(axis=1)
    n_units = int(observed.sum()) if missing == "pairwise" else int(complete.sum())
    if k < 2:
        return float("nan"), n_units
    C = _pairwise_cov(X)
    total = np.nansum(C)
    if not total > 0:
        return float("nan"), n_units
    return float(k / (k - 1) * (1.0 - np.nansum(np.diag(C)) / total)), n_units


def cronbach_alpha(
    framework: Framework | CompositeIndex,
    scores: Any,
    *,
    level: int | str = 1,
    by_group: bool = True,
    missing: MissingPolicy = "pairwise",
) -> pd.DataFrame:
    """Cronbach's alpha of each group of siblings at a level.

    ``alpha = k / (k - 1) * (1 - sum_i var_i / sum_ij cov_ij)``, the formula of
    COINr's ``get_cronbach`` (written there as ``k^2 mean(cov_ij, i != j) /
    sum(cov)``).

    Parameters
    ----------
    framework : Framework or CompositeIndex
    scores : IndexResult or DataFrame
    level : int or str, default 1
        Level of the members (1 = indicators, grouped by pillar).
    by_group : bool, default True
        One alpha per group of siblings; with False one alpha over the whole
        level (row ``"all"``).
    missing : {"pairwise", "drop", "error"}, default "pairwise"
        Covariances on pairwise-complete units (COINr's default), on the units
        complete in the group only, or refuse missing values.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``alpha``, ``k`` (members) and ``n_units`` (units
        used: with a value for some member under ``"pairwise"``, complete
        otherwise). ``alpha`` is ``NaN`` where it is undefined: a one-member
        group, or members whose sum has no variance.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). *Psychometrika* 16, 297-334.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> cronbach_alpha(fw, res, level=2).round(3)
          alpha  k  n_units
    Conn  0.855  5       51
    Sust -0.297  3       51
    """
    if missing not in ("error", "drop", "pairwise"):
        raise ParameterError(
            "The 'missing' parameter must be one of {'pairwise', 'drop', 'error'}. "
            f"Got {missing!r} instead."
        )
    fw = framework_of(framework, "cronbach_alpha")
    groups = _groups(fw, level, by_group)
    table = node_values(scores, [c for m in groups.values() for c in m], "cronbach_alpha")
    rows = {}
    for group, members in groups.items():
        X = table[list(members)].to_numpy()
        if missing == "error" and np.isnan(X).any():
            raise MethodError(
                f"The members of '{group}' have missing values; pass missing='pairwise' or "
                "'drop', or impute first."
            )
        alpha, n_units = _alpha(X, missing)
        rows[group] = {"alpha": alpha, "k": len(members), "n_units": n_units}
    return pd.DataFrame.from_dict(rows, orient="index")


def _groups(fw: Framework, level: int | str, by_group: bool) -> dict[str, tuple[str, ...]]:
    codes = fw.level(level)
    if not by_group:
        return {"all": codes}
    out: dict[str, list[str]] = {}
    for c in codes:
        parent = fw.parent(c)
        if parent is None:
            raise FrameworkError("The root has no group; pick a lower level.")
        out.setdefault(parent, []).append(c)
    return {g: tuple(m) for g, m in out.items()}


# --------------------------------------------------------------------------- PCA


@dataclass(frozen=True, eq=False, repr=False)
class GroupPCA:
    """Principal components of one group's correlation matrix.

    Attributes
    ----------
    group : str
        The parent of the members (``"all"`` for a whole level).
    eigenvalues : pandas.Series
        Variance of each component (``PC1``, ``PC2``, ...), largest first.
    explained : pandas.Series
        Share of the total variance of each component.
    eigenvectors : pandas.DataFrame
        Members x components, unit length (R's ``prcomp(...)$rotation``, with
        each component's sign fixed so that its entries sum to >= 0).
    loadings : pandas.DataFrame
        Members x components: ``eigenvector * sqrt(eigenvalue)``, the correlation
        of each member with each component.
    n_units : int
        Units used (the smallest pairwise count under ``missing="pairwise"``).
    dropped : tuple of str
        Units left out for missing values (``missing="drop"``).
    """

    group: str
    eigenvalues: pd.Series
    explained: pd.Series
    eigenvectors: pd.DataFrame
    loadings: pd.DataFrame
    n_units: int
    dropped: tuple[str, ...]

    def __repr__(self) -> str:
        share = float(self.explained.iloc[0])
        return (f"<GroupPCA '{self.group}': {len(self.eigenvalues)} members, PC1 explains "
                f"{share:.1%}, {self.n_units} units>")


def group_pca(
    framework: Framework | CompositeIndex,
    scores: Any,
    *,
    level: int | str = 1,
    by_group: bool = True,
    missing: MissingPolicy = "error",
) -> dict[str, GroupPCA]:
    """PCA (on the correlation matrix) of each group of siblings at a level.

    Parameters
    ----------
    framework : Framework or CompositeIndex
    scores : IndexResult or DataFrame
    level : int or str, default 1
    by_group : bool, default True
        One PCA per group of siblings; with False one over the whole level (key
        ``"all"``).
    missing : {"error", "drop", "pairwise"}, default "error"
        Refuse missing values (the message names the units), use the units
        complete within the group (COINr's ``get_PCA`` does this, with a
        warning), or pairwise-complete correlations.

    Returns
    -------
    dict of str to GroupPCA

    Warns
    -----
    SmallSampleWarning
        For a group analysed on fewer units than members.

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
    >>> pcs = group_pca(fw, res, level=2)
    >>> pcs["Conn"].explained.round(3).tolist()
    [0.656, 0.247, 0.056, 0.027, 0.014]
    """
    fw = framework_of(framework, "group_pca")
    groups = _groups(fw, level, by_group)
    table = node_values(scores, [c for m in groups.values() for c in m], "group_pca")
    units = [str(u) for u in table.index]
    out: dict[str, GroupPCA] = {}
    for group, members in groups.items():
        X = table[list(members)].to_numpy()
        try:
            R, used = correlation_for_pca(X, missing=missing, units=units, codes=members)
        except MethodError as err:
            raise MethodError(f"In the group '{group}': {err}") from None
        pairwise = missing == "pairwise"
        n_units = int(pairwise_pearson(X)[1].min()) if pairwise else int(used.sum())
        values, vectors = principal_components(R)
        pcs = [f"PC{i + 1}" for i in range(len(members))]
        out[group] = GroupPCA(
            group=group,
            eigenvalues=pd.Series(values, index=pcs, name="eigenvalue"),
            explained=pd.Series(values / values.sum(), index=pcs, name="explained"),
            eigenvectors=pd.DataFrame(vectors, index=list(members), columns=pcs),
            loadings=pd.DataFrame(vectors * np.sqrt(np.clip(values, 0.0, None)),
                                  index=list(members), columns=pcs),
            n_units=n_units,
            dropped=tuple(u for u, k in zip(units, used, strict=True) if not k),
        )
    return out
