"""Weights recovered from published values: which weights make a published index?

Auditors of a published index often have its indicators and its published aggregates but
not the weights (or doubt the documented ones). :func:`infer_weights` finds, for every
aggregate of a framework, the non-negative weights that best reproduce the published
values from its children (non-negative least squares, :func:`scipy.optimize.nnls`):

* arithmetic aggregation: ``y = sum_c w_c x_c``;
* geometric aggregation, by logs: ``log y = sum_c w_c log x_c`` (``y = prod x_c^w_c``).

The children of an aggregate are the data's indicator columns, or, for a higher
aggregate, the *published* values of its child aggregates, so every level is fitted on
what was published. Fits are pooled over all rows and, with ``period=``, per period too,
which answers whether one fixed set of weights explains every period: the largest
residual against a tolerance, and an F test of the pooled fit against the per-period fits
(``k (T - 1)`` and ``n - k T`` degrees of freedom; approximate, since the weights are
constrained to be non-negative). Rows whose residual exceeds the tolerance are listed.

References
----------
.. [1] Lawson, C. L. and Hanson, R. J. (1974). *Solving Least Squares Problems*,
   chapter 23 (the NNLS algorithm).
.. [2] Chow, G. C. (1960). Tests of equality between sets of coefficients in two linear
   regressions. *Econometrica* 28(3), 591-605.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# SciPy is imported in the functions that use it, so that `import spindex` stays cheap.
from spindex.errors import DataError, ParameterError, SpindexTypeError, SpindexWarning
from spindex.framework import Framework

__all__ = ["InferredWeights", "infer_weights"]

_AGGREGATES = ("arithmetic", "geometric")
_METHODS = ("lsq", "lad")
_SUMMARY = ["aggregate", "n", "k", "rank", "scale", "max_abs_residual", "rmse", "tolerance",
            "fits", "n_misfit", "periods", "periods_skipped", "periods_unidentified",
            "max_abs_residual_periods", "f_stat", "df1", "df2", "p_value"]


@dataclass(frozen=True)
class InferredWeights:
    """The weights recovered by :func:`infer_weights`, with their residuals and tests.

    Attributes
    ----------
    weights : pandas.DataFrame
        Indexed by ``(node, child)``: ``weight`` (the pooled fit's coefficients
        normalised to sum 1 within the node) and ``coefficient`` (as fitted; their
        sum per node is ``summary["scale"]``, 1 when the published value is a
        weighted mean).
    period_weights : pandas.DataFrame or None
        The normalised weights of the per-period fits, ``(node, child)`` x period;
        ``None`` without ``period=``.
    fitted : pandas.DataFrame
        The pooled fit's value of every fitted node for every row (NaN where a child
        or the published value is missing).
    residuals : pandas.DataFrame
        Published minus fitted, same shape.
    summary : pandas.DataFrame
        One row per node: aggregation, rows used ``n``, children ``k``, numerical
        rank of the children's matrix, ``scale``, largest absolute and root-mean-square
        residual, the relative tolerance, ``fits`` (largest residual within the tolerance: one
        fixed set of weights explains every row), the number of misfits and, with
        periods, the largest residual of the per-period fits and the F test of pooled
        against per-period weights (``f_stat``, ``df1``, ``df2``, ``p_value``; NaN when
        the per-period fits are exact to the tolerance, where the test has no
        variance to compare with: read ``fits`` then). ``periods_skipped`` counts the
        periods with fewer complete rows than children (no per-period fit; the test uses
        the other periods) and ``periods_unidentified`` those whose children are
        collinear within the period (weights not unique there).
    misfits : pandas.DataFrame
        The rows whose pooled residual exceeds the tolerance: the data's index, then
        ``node``, ``published``, ``fitted``, ``residual``, largest first.
    framework : Framework
        The framework with the recovered (normalised) weights of the fitted nodes.
    tol : float
        The relative tolerance used.
    """

    weights: pd.DataFrame
    period_weights: pd.DataFrame | None
    fitted: pd.DataFrame
    residuals: pd.DataFrame
    summary: pd.DataFrame
    misfits: pd.DataFrame
    framework: Framework
    tol: float
    _children: pd.DataFrame = dataclasses.field(repr=False, default_factory=pd.DataFrame)

    def to_frame(self) -> pd.DataFrame:
        """The per-node summary table (a copy of :attr:`summary`)."""
        return self.summary.copy()

    def implied_values(self, node: str, child: str) -> pd.Series:
        """The value of one child that would make each misfit row of a node fit exactly.

        For an arithmetic node, ``x_c + residual / coefficient_c`` on the rows listed in
        :attr:`misfits`: if the publisher used another value of that child than the one
        published (a cap, a floor, a revision), this is the value it used.

        Parameters
        ----------
        node : str
            A fitted aggregate.
        child : str
            One of its children, with a positive recovered weight.

        Returns
        -------
        pandas.Series
            Indexed like the data, the misfit rows of ``node`` only.

        Raises
        ------
        ParameterError
            If the node was not fitted or is geometric, or the child is not one of its
            children with a positive weight.
        """
        if node not in self.summary.index:
            raise ParameterError(
                f"implied_values: {node!r} is not a fitted node {list(self.summary.index)}."
            )
        if self.summary.loc[node, "aggregate"] != "arithmetic":
            raise ParameterError(f"implied_values needs an arithmetic node; {node!r} is not.")
        w = self.weights.xs(node, level="node")["coefficient"]
        if child not in w.index or not w[child] > 0:
            raise ParameterError(
                f"implied_values: {child!r} must be a child of {node!r} with a positive "
                f"weight; the weights are {w.to_dict()}."
            )
        rows = self.misfits[self.misfits["node"] == node]
        x = self._children.loc[rows.index, child]
        return (x + rows["residual"] / w[child]).rename(child)

    def __repr__(self) -> str:
        lines = [f"InferredWeights({len(self.summary)} node(s), tol={self.tol:g})"]
        for node, row in self.summary.iterrows():
            w = self.weights.xs(str(node), level="node")["weight"]
            ws = ", ".join(f"{c}={v:.6g}" for c, v in w.items())
            verdict = "fits" if row["fits"] else f"{int(row['n_misfit'])} misfit(s)"
            lines.append(f"  {node} ({row['aggregate']}): {ws}; max |residual| "
                         f"{row['max_abs_residual']:.3g}, {verdict}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ fitting
def _nnls(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    # Column scaling keeps NNLS well conditioned when children differ by orders of magnitude.
    from scipy.optimize import nnls
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    coef, _ = nnls(X / scale, y, maxiter=50 * X.shape[1] + 100)
    return np.asarray(coef / scale)


def _lad(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Non-negative least absolute deviations: min sum |y - X w|, w >= 0 (a linear program).

    Exact rows pin the weights even when a minority of rows deviate, where least squares
    would spread the deviation over every row.
    """
    from scipy import sparse
    from scipy.optimize import linprog
    n, k = X.shape
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    eye = sparse.identity(n, format="csr")
    A = sparse.hstack([sparse.csr_matrix(X / scale), eye, -eye], format="csr")
    cost = np.concatenate([np.zeros(k), np.ones(2 * n)])
    res = linprog(cost, A_eq=A, b_eq=y, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - a feasible LP with a bounded objective
        raise DataError(f"The least-absolute-deviation fit failed: {res.message}")
    return np.asarray(res.x[:k] / scale)


def _polish(X: np.ndarray, z: np.ndarray, coef: np.ndarray, y: np.ndarray, geometric: bool,
            limit: np.ndarray) -> np.ndarray:
    """Refit by NNLS on the rows the LAD fit explains: LP solvers stop near 1e-10, NNLS on
    exact rows recovers the weights to round-off."""
    fit = X @ coef
    near = np.abs(y - (np.exp(fit) if geometric else fit)) <= limit
    if near.sum() < X.shape[1] or _rank(X[near]) < X.shape[1]:
        return coef
    return _nnls(X[near], z[near])


def _rank(X: np.ndarray) -> int:
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    return int(np.linalg.matrix_rank(X / scale))


def _numeric(table: pd.DataFrame, code: str, what: str) -> np.ndarray:
    col = table[code]
    if isinstance(col, pd.DataFrame):
        raise DataError(f"The column {code!r} of the {what} appears more than once.")
    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        raise DataError(
            f"The column {code!r} of the {what} is not numeric (dtype {col.dtype}); "
            "convert it to numbers with NaN for missing values."
        )
    out = col.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(out).any():
        raise DataError(f"The column {code!r} of the {what} has an infinite value.")
    return out


def _check_inputs(framework: object, data: object, published: object, tol: object,
                  period: Hashable | None) -> tuple[pd.DataFrame, float, np.ndarray | None]:
    if not isinstance(framework, Framework):
        raise SpindexTypeError(
            f"The 'framework' parameter of infer_weights must be a Framework. "
            f"Got {type(framework).__name__} instead."
        )
    for name, value in (("data", data), ("published", published)):
        if not isinstance(value, pd.DataFrame):
            raise SpindexTypeError(
                f"The '{name}' parameter of infer_weights must be a pandas DataFrame. "
                f"Got {type(value).__name__} instead."
            )
    assert isinstance(data, pd.DataFrame) and isinstance(published, pd.DataFrame)
    if len(data) == 0:
        raise DataError("The data of infer_weights has no rows: there is nothing to fit.")
    if not data.index.is_unique or not published.index.is_unique:
        raise DataError("The rows of 'data' and 'published' must have unique labels.")
    if not isinstance(tol, int | float) or isinstance(tol, bool) or not tol > 0:
        raise ParameterError(
            f"The 'tol' parameter of infer_weights must be a positive number. Got {tol!r}."
        )
    pub = published.reindex(data.index)
    periods = None
    if period is not None:
        names = list(data.index.names)
        if period not in names:
            raise ParameterError(
                f"The 'period' parameter of infer_weights must name a level of the data's "
                f"index {names}. Got {period!r} instead."
            )
        periods = data.index.get_level_values(names.index(period)).to_numpy()
    return pub, float(tol), periods


def _aggregates(framework: Framework, aggregate: Any, fitted: list[str]) -> dict[str, str]:
    spec = aggregate if isinstance(aggregate, Mapping) else {"default": aggregate}
    default = spec.get("default", "arithmetic")
    out: dict[str, str] = {}
    for key, value in spec.items():
        if key != "default" and key not in framework.aggregates:
            raise ParameterError(
                f"The 'aggregate' mapping of infer_weights names {key!r}, which is not an "
                f"aggregate of the framework {list(framework.aggregates)}."
            )
        if value not in _AGGREGATES:
            raise ParameterError(
                f"The 'aggregate' parameter of infer_weights must be one of {list(_AGGREGATES)} "
                f"(or a mapping node -> one of them). Got {value!r} instead."
            )
    for node in fitted:
        out[node] = str(spec.get(node, default))
    return out


def infer_weights(
    framework: Framework,
    data: pd.DataFrame,
    published: pd.DataFrame,
    *,
    period: Hashable | None = None,
    aggregate: str | Mapping[str, str] = "arithmetic",
    nodes: list[str] | None = None,
    method: str = "lsq",
    tol: float = 1e-9,
) -> InferredWeights:
    """Recover the non-negative weights that reproduce published aggregates.

    Parameters
    ----------
    framework : Framework
        The tree (its weights are ignored).
    data : pandas.DataFrame
        One row per unit (or unit-period), a column per indicator of the framework.
    published : pandas.DataFrame
        The published values of the aggregates, a column per node, rows labelled like
        ``data`` (aligned on the labels; extra rows are ignored).
    period : hashable, optional
        The level of the data's index that names the period (e.g. ``"year"``): adds
        per-period fits and the test of fixed weights.
    aggregate : {"arithmetic", "geometric"} or mapping, default "arithmetic"
        How the published values were aggregated; a mapping gives it per node
        (``{"default": "arithmetic", "HDI": "geometric"}``). Geometric fits are on
        logs and need positive values.
    nodes : list of str, optional
        The aggregates to fit; by default every aggregate that has a published column
        and whose children are all available.
    method : {"lsq", "lad"}, default "lsq"
        ``"lsq"``: non-negative least squares (NNLS). ``"lad"``: non-negative least
        absolute deviations (a linear program), robust to a minority of rows that
        deviate: when most rows are an exact weighted sum, it recovers those exact
        weights and leaves the deviation on the deviating rows, where least squares
        spreads it over all rows (use it to find which rows do not follow the rule).
    tol : float, default 1e-9
        A row fits when ``|published - fitted| <= tol * max(1, |published|)``.

    Returns
    -------
    InferredWeights

    Raises
    ------
    SpindexTypeError
        If the framework, data or published values have the wrong type.
    DataError
        If a column is missing or not numeric, a node has fewer complete rows than
        children, or a geometric node meets a value <= 0.
    ParameterError
        For an unknown period level, aggregation, method or node, or a non-positive
        ``tol``.

    Warns
    -----
    SpindexWarning
        When a node's children are collinear over the rows fitted (the weights are not
        identified: another set reproduces the values as well). Collinearity within single
        periods is counted in the summary instead.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import spindex as sp
    >>> fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 1.0, 2.0]})
    >>> pub = pd.DataFrame({"I": 0.25 * x["a"] + 0.75 * x["b"]})
    >>> res = sp.infer_weights(fw, x, pub)
    >>> res.weights["weight"].round(12).tolist()
    [0.25, 0.75]
    >>> bool(res.summary.loc["I", "fits"])
    True
    """
    from scipy import stats
    pub, tol, periods = _check_inputs(framework, data, published, tol, period)
    if method not in _METHODS:
        raise ParameterError(
            f"The 'method' parameter of infer_weights must be one of {list(_METHODS)}. "
            f"Got {method!r} instead."
        )
    solve = _nnls if method == "lsq" else _lad
    available = set(data.columns) | set(pub.columns)
    if nodes is None:
        chosen = [a for a in framework.aggregates if a in pub.columns
                  and all(c in available for c in framework.children(a))]
        if not chosen:
            raise DataError(
                "infer_weights found no aggregate to fit: 'published' needs a column for an "
                f"aggregate of the framework {list(framework.aggregates)} whose children are "
                "columns of 'data' or 'published'."
            )
    else:
        chosen = list(nodes)
        for node in chosen:
            if node not in framework.aggregates:
                raise ParameterError(
                    f"The 'nodes' parameter of infer_weights names {node!r}, which is not an "
                    f"aggregate of the framework {list(framework.aggregates)}."
                )
            if node not in pub.columns:
                raise DataError(f"'published' has no column for the node {node!r}.")
            absent = [c for c in framework.children(node) if c not in available]
            if absent:
                raise DataError(
                    f"The children {absent} of {node!r} are neither columns of 'data' nor of "
                    "'published'."
                )
    how = _aggregates(framework, aggregate, chosen)

    weight_rows: list[tuple[str, str, float, float]] = []
    period_cols: dict[tuple[str, str], dict[Any, float]] = {}
    fitted = pd.DataFrame(np.nan, index=data.index, columns=chosen)
    summary = {}
    misfit_parts = []
    ill_posed = []
    for node in chosen:
        children = list(framework.children(node))
        X = np.column_stack([
            _numeric(data, c, "data") if c in data.columns else _numeric(pub, c, "published")
            for c in children])
        y = _numeric(pub, node, "published")
        ok = ~np.isnan(y) & ~np.isnan(X).any(axis=1)
        n, k = int(ok.sum()), len(children)
        if n < k:
            raise DataError(
                f"The node {node!r} has {n} complete row(s) for {k} children: too few to "
                "recover its weights."
            )
        Xo, yo = X[ok], y[ok]
        geometric = how[node] == "geometric"
        if geometric:
            bad = (Xo <= 0).any(axis=1) | (yo <= 0)
            if bad.any():
                label = data.index[np.flatnonzero(ok)[np.flatnonzero(bad)[0]]]
                raise DataError(
                    f"The node {node!r} is geometric but row {label!r} has a value <= 0; "
                    "a geometric mean is fitted on logs of positive values."
                )
            Xo, yo = np.log(Xo), np.log(yo)
        coef = solve(Xo, yo)
        limit = tol * np.maximum(1.0, np.abs(y[ok]))
        if method == "lad":
            coef = _polish(Xo, yo, coef, y[ok], geometric, limit)
        rank = _rank(Xo)
        if rank < k:
            ill_posed.append(node)
        fit = Xo @ coef
        values = np.exp(fit) if geometric else fit
        fitted.loc[ok, node] = values
        resid = y[ok] - values
        bad_rows = np.abs(resid) > limit
        total = coef.sum()
        for c, v in zip(children, coef, strict=True):
            weight_rows.append((node, c, v / total if total > 0 else np.nan, v))
        row: dict[str, Any] = {
            "aggregate": how[node], "n": n, "k": k, "rank": rank, "scale": total,
            "max_abs_residual": float(np.abs(resid).max()),
            "rmse": float(np.sqrt(np.mean(resid ** 2))), "tolerance": tol,
            "fits": not bad_rows.any(), "n_misfit": int(bad_rows.sum()),
            "periods": np.nan, "periods_skipped": np.nan, "periods_unidentified": np.nan,
            "max_abs_residual_periods": np.nan, "f_stat": np.nan,
            "df1": np.nan, "df2": np.nan, "p_value": np.nan,
        }
        if periods is not None:
            p_ok = periods[ok]
            labels = pd.unique(p_ok)
            rss_u, rss_r, n_u, worst, exceeded = 0.0, 0.0, 0, 0.0, False
            fitted_periods, skipped, unidentified = 0, 0, 0
            for t in labels:
                sel = p_ok == t
                # A period with fewer complete rows than children has no per-period fit; one
                # whose children are collinear has one, but its weights are not unique. Both
                # are counted in the summary rather than raised: the pooled fit stands.
                if sel.sum() < k:
                    skipped += 1
                    continue
                ct = solve(Xo[sel], yo[sel])
                if method == "lad":
                    ct = _polish(Xo[sel], yo[sel], ct, y[ok][sel], geometric, limit[sel])
                if _rank(Xo[sel]) < k:
                    unidentified += 1
                ft = Xo[sel] @ ct
                rss_u += float(np.sum((yo[sel] - ft) ** 2))
                rss_r += float(np.sum((yo[sel] - fit[sel]) ** 2))
                n_u += int(sel.sum())
                fitted_periods += 1
                vt = np.exp(ft) if geometric else ft
                worst = max(worst, float(np.abs(y[ok][sel] - vt).max()))
                exceeded = exceeded or bool((np.abs(y[ok][sel] - vt) > limit[sel]).any())
                st = ct.sum()
                for c, v in zip(children, ct, strict=True):
                    period_cols.setdefault((node, c), {})[t] = v / st if st > 0 else np.nan
            T = fitted_periods
            df1, df2 = k * (T - 1), n_u - k * T
            row.update(periods=T, periods_skipped=skipped, periods_unidentified=unidentified,
                       max_abs_residual_periods=worst if T else np.nan, df1=df1, df2=df2)
            if exceeded and df1 > 0 and df2 > 0 and rss_u > 0:
                f = ((rss_r - rss_u) / df1) / (rss_u / df2)
                row.update(f_stat=max(f, 0.0), p_value=float(stats.f.sf(max(f, 0.0), df1, df2)))
        summary[node] = row
        if bad_rows.any():
            idx = data.index[np.flatnonzero(ok)[bad_rows]]
            part = pd.DataFrame({"node": node, "published": y[ok][bad_rows],
                                 "fitted": values[bad_rows], "residual": resid[bad_rows]},
                                index=idx)
            misfit_parts.append(part)
    if ill_posed:
        warnings.warn(
            f"The children of {ill_posed} are collinear (their matrix has a rank below the "
            "number of children): the recovered weights are one of "
            "many that fit equally well. Drop a redundant child or fit more rows.",
            SpindexWarning, stacklevel=2,
        )
    weights = pd.DataFrame(weight_rows, columns=["node", "child", "weight", "coefficient"]
                           ).set_index(["node", "child"])
    period_weights = None
    if periods is not None:
        period_weights = pd.DataFrame(period_cols).T
        period_weights.index.names = ["node", "child"]
        period_weights.columns.name = period
    if misfit_parts:
        misfits = pd.concat(misfit_parts)
        misfits = misfits.iloc[np.argsort(-np.abs(misfits["residual"].to_numpy()),
                                          kind="stable")]
    else:
        misfits = pd.DataFrame(columns=["node", "published", "fitted", "residual"],
                               index=data.index[:0])
    # A node whose children all got weight 0 keeps its own weights (with_weights refuses
    # all-zero siblings); its summary says it does not fit.
    unfit = {r[0] for r in weight_rows if not np.isfinite(r[2])}
    fw = framework.with_weights({r[1]: float(r[2]) for r in weight_rows if r[0] not in unfit})
    residuals = pub[chosen] - fitted
    table = pd.DataFrame.from_dict(summary, orient="index")[_SUMMARY]
    table.index.name = "node"
    inputs = pd.concat([data, pub.drop(columns=[c for c in pub.columns if c in data.columns])],
                       axis=1)
    return InferredWeights(weights=weights, period_weights=period_weights, fitted=fitted,
                           residuals=residuals, summary=table, misfits=misfits,
                           framework=fw, tol=tol, _children=inputs)
