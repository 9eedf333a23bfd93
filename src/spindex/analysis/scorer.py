"""A model compiled into a vectorised callable: a matrix of weights and method choices in,
every unit's scores and ranks out, for samplers spindex does not ship (SciPy, SALib, a
user's own design)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from spindex._ranking import rank_rows
from spindex.analysis._engine import CompiledModel
from spindex.analysis._runs import check_model_and_data
from spindex.analysis._variants import SwitchSet
from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.methods._base import FloatArray
from spindex.model import CompositeIndex

__all__ = ["Scored", "Scorer"]

#: Rows evaluated at once: bounds the memory of a call (rows x units x children) whatever the
#: size of the matrix a sampler hands over; each row's result does not depend on it.
_ROWS = 16_384


class Scored(NamedTuple):
    """Scores and ranks of every unit for every row of an input matrix.

    Attributes
    ----------
    scores : ndarray of float, shape (n_rows, n_units)
        The index score of each unit (NaN where the unit has none).
    ranks : ndarray of int32, shape (n_rows, n_units)
        Its rank, 1 = best, ties sharing the best rank by the rule of
        :attr:`IndexResult.ranks`; 0 where the score is missing.
    """

    scores: FloatArray
    ranks: np.ndarray


class Scorer:
    """A model compiled for re-scoring: each row of a matrix of weights (and method choices)
    in, every unit's index score and rank out.

    The data are validated, prepared and normalised once, when the scorer is built; a call
    then costs a few matrix products per block of rows, so an external sampler such as
    :func:`scipy.stats.sobol_indices` or SALib can drive the same engine as
    :func:`spindex.uncertainty` and :func:`spindex.sobol`. Results agree with
    ``model.with_weights(...).score(data)`` to rounding, and ranks are those of
    :attr:`IndexResult.ranks`.

    Parameters
    ----------
    model : CompositeIndex
        The nominal model.
    data : pandas.DataFrame
        The data it scores.
    weights : sequence of str, optional
        Codes of the nodes whose weights are inputs, one column each, in this order. By
        default every node but the root. Every aggregate above one of them is re-evaluated
        per row, so it must use a power mean (arithmetic, geometric, harmonic, generalised).
    **switches : list
        Method choices that are inputs, as in :func:`spindex.sobol`: a model parameter and
        its alternatives, e.g. ``aggregate=["arithmetic", "geometric"]``. Each adds a column
        after the weights, holding the index (0, 1, ...) of the alternative a row uses.

    Attributes
    ----------
    inputs : tuple of str
        The names of the input columns: the weight codes, then the switch parameters.
    units : tuple
        The units, in the order of the output columns.
    nominal : ndarray of float, shape (n_inputs,)
        The model's own weights, and 0 (the first alternative) for every switch.
    choices : dict of str to tuple
        The alternatives of each switch, in the order their indices refer to.

    Raises
    ------
    SpindexTypeError
        If ``model`` is not a CompositeIndex, ``data`` not a DataFrame, or ``weights`` not
        a sequence of codes.
    ParameterError
        For an unknown or repeated code, the root among ``weights``, a re-evaluated node
        that is not a power mean, or nothing to vary.
    DataError, MethodError
        If the model (or one of its alternatives) cannot score the data.

    See Also
    --------
    spindex.sobol : Sobol indices of every unit's rank and score with spindex's own design.

    Examples
    --------
    >>> import numpy as np
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
    ...                           normalize=sp.MinMax(1, 100))
    >>> scorer = sp.Scorer(model, data, weights=["Conn", "Sust"],
    ...                    aggregate=["arithmetic", "geometric"])
    >>> scorer.inputs
    ('Conn', 'Sust', 'aggregate')
    >>> out = scorer(np.array([scorer.nominal, [1.0, 3.0, 1.0]]))
    >>> out.scores.shape, out.ranks.dtype.name
    ((2, 51), 'int32')
    >>> bool(np.allclose(out.scores[0], model.score(data).index))
    True

    Driving it with :func:`scipy.stats.sobol_indices` (which passes inputs as rows, samples
    as columns): the weights uniform in [0.5, 1.5], the aggregation a uniform choice.

    >>> from scipy import stats
    >>> def index_scores(x):
    ...     X = x.T.copy()
    ...     X[:, 2] = np.floor(X[:, 2])  # a uniform number in [0, 2) to a choice
    ...     return scorer.scores(X).T
    >>> res = stats.sobol_indices(
    ...     func=index_scores, n=256, rng=np.random.default_rng(1),
    ...     dists=[stats.uniform(0.5, 1.0), stats.uniform(0.5, 1.0), stats.uniform(0, 2)])
    >>> res.first_order.shape  # one row per unit, one column per input
    (51, 3)
    """

    def __init__(
        self, model: CompositeIndex, data: pd.DataFrame, *,
        weights: Sequence[str] | None = None, **switches: Any,
    ) -> None:
        model, data = check_model_and_data(model, data, "Scorer")
        fw = model.framework
        if weights is None:
            codes = tuple(c for c in fw.codes if c != fw.root)
        elif isinstance(weights, str) or not isinstance(weights, Sequence):
            raise SpindexTypeError(
                "The 'weights' parameter of Scorer must be a list of node codes, e.g. "
                f"['Conn', 'Sust']. Got {weights!r} instead."
            )
        else:
            codes = tuple(weights)
            for code in codes:
                if not isinstance(code, str) or code not in fw.codes:
                    raise ParameterError(
                        f"The 'weights' parameter of Scorer names {code!r}, which is not a node "
                        f"of the framework. Use codes of {list(fw.codes)[:8]}..."
                    )
            repeated = sorted({c for c in codes if codes.count(c) > 1})
            if repeated:
                raise ParameterError(
                    f"The 'weights' parameter of Scorer names {repeated} more than once; name "
                    "each node once."
                )
        switch_set = SwitchSet.build(model, switches)
        if not codes and not switch_set.switches:
            raise ParameterError(
                "A Scorer needs inputs: give some weights (node codes) and/or switches."
            )
        self._switches = switch_set
        self._compiled = CompiledModel(switch_set.variants, data, codes)
        self._weight_cols = np.array([self._compiled.position(c) for c in codes], dtype=np.int64)
        self.inputs: tuple[str, ...] = codes + tuple(s.parameter for s in switch_set.switches)
        self.units: tuple[Any, ...] = self._compiled.units
        self.choices: dict[str, tuple[Any, ...]] = {
            s.parameter: s.alternatives for s in switch_set.switches}
        self.nominal: FloatArray = np.concatenate([
            self._compiled.nominal_weights[self._weight_cols],
            np.zeros(len(switch_set.switches)),
        ])

    def __repr__(self) -> str:
        return (f"Scorer({len(self.units)} units, inputs={list(self.inputs)}, "
                f"{len(self._switches.variants)} model variant(s))")

    def _matrix(self, X: Any) -> FloatArray:
        """The input matrix, checked: shape, names, finiteness, signs, choice indices."""
        k = len(self.inputs)
        if isinstance(X, pd.DataFrame):
            names = [str(c) for c in X.columns]
            unknown = [c for c in names if c not in self.inputs]
            absent = [c for c in self.inputs if c not in names]
            if unknown or absent or len(set(names)) != len(names):
                raise DataError(
                    f"The columns of the matrix given to Scorer must be its inputs "
                    f"{list(self.inputs)}, once each. Got {names} instead"
                    + (f" (unknown: {unknown})" if unknown else "")
                    + (f" (missing: {absent})" if absent else "") + "."
                )
            X = X[list(self.inputs)].to_numpy()
        try:
            M = np.asarray(X, dtype=float)
        except (TypeError, ValueError) as exc:
            raise SpindexTypeError(
                "The matrix given to Scorer must hold real numbers (rows x inputs). Got "
                f"{type(X).__name__} that cannot be read as floats ({exc})."
            ) from exc
        if M.ndim != 2 or M.shape[1] != k:
            raise DataError(
                f"The matrix given to Scorer must have shape (n_rows, {k}): one column per "
                f"input {list(self.inputs)}. Got shape {M.shape} instead"
                + ("; for one row use X[None, :]" if M.ndim == 1 and M.shape[0] == k else "")
                + "."
            )
        bad = ~np.isfinite(M)
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            raise DataError(
                f"The matrix given to Scorer has a non-finite value {float(M[i, j])!r} in row {i}, "
                f"column '{self.inputs[j]}'. Every weight and choice must be a finite number."
            )
        n_w = len(self._weight_cols)
        negative = M[:, :n_w] < 0
        if negative.any():
            i, j = (int(v) for v in np.argwhere(negative)[0])
            raise DataError(
                f"The matrix given to Scorer has a negative weight {float(M[i, j])!r} in row {i}, "
                f"column '{self.inputs[j]}'. Weights must be non-negative."
            )
        for j, s in enumerate(self._switches.switches):
            col = M[:, n_w + j]
            wrong = (col != np.floor(col)) | (col < 0) | (col >= len(s.alternatives))
            if wrong.any():
                i = int(np.argmax(wrong))
                raise DataError(
                    f"Column '{s.parameter}' of the matrix given to Scorer holds the index of "
                    f"an alternative, an integer from 0 to {len(s.alternatives) - 1}. Got "
                    f"{float(col[i])!r} in row {i} instead; map uniform numbers u in [0, 1) with "
                    f"floor(u * {len(s.alternatives)})."
                )
        return M

    def __call__(self, X: Any) -> Scored:
        """Scores and ranks of every unit for every row of ``X``.

        Parameters
        ----------
        X : array_like or pandas.DataFrame, shape (n_rows, n_inputs)
            One row per setting: the raw weight of each node of :attr:`inputs` (groups of
            siblings are renormalised, as in scoring), then the index of each switch's
            alternative. A DataFrame is matched to :attr:`inputs` by column name.

        Returns
        -------
        Scored
            ``scores`` (float) and ``ranks`` (int32), each of shape (n_rows, n_units).

        Raises
        ------
        DataError
            For a matrix of the wrong shape or columns, a non-finite or negative weight, or
            a choice index that is not one of the alternatives.
        ParameterError
            If a row gives every child of a node zero weight.

        Examples
        --------
        >>> import pandas as pd
        >>> import spindex as sp
        >>> fw = sp.Framework.from_dict({"nodes": {
        ...     "Index": {}, "a": {"parent": "Index"}, "b": {"parent": "Index"}}})
        >>> data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]},
        ...                     index=["x", "y", "z"])
        >>> scorer = sp.Scorer(sp.CompositeIndex(fw), data, weights=["a", "b"])
        >>> scorer([[1.0, 0.0], [0.0, 1.0]]).ranks.tolist()
        [[3, 2, 1], [1, 3, 2]]
        """
        scores, variants = self._evaluate(self._matrix(X))
        # Ranked with each row's variant's tie scale: the rule of the variant's own scoring.
        return Scored(scores, rank_rows(scores, self._compiled.tie_scales[variants]))

    def _evaluate(self, M: FloatArray) -> tuple[FloatArray, np.ndarray]:
        """Scores of a checked matrix, block by block, and each row's model variant."""
        n_w = len(self._weight_cols)
        variants = self._switches.variant_of(M[:, n_w:].astype(np.int64))
        scores = np.empty((M.shape[0], len(self.units)))
        for start in range(0, M.shape[0], _ROWS):
            rows = slice(start, min(start + _ROWS, M.shape[0]))
            W = np.tile(self._compiled.nominal_weights, (rows.stop - start, 1))
            W[:, self._weight_cols] = M[rows, :n_w]
            scores[rows] = self._compiled.evaluate_mixed(W, variants[rows])
        return scores, variants

    def scores(self, X: Any) -> FloatArray:
        """The index scores alone (see :meth:`__call__`), shape (n_rows, n_units).

        Parameters
        ----------
        X : array_like or pandas.DataFrame, shape (n_rows, n_inputs)
            As for :meth:`__call__`.

        Returns
        -------
        ndarray of float

        Raises
        ------
        DataError, ParameterError
            As for :meth:`__call__`.
        """
        return self._evaluate(self._matrix(X))[0]

    def ranks(self, X: Any) -> np.ndarray:
        """The ranks alone (see :meth:`__call__`), shape (n_rows, n_units), int32.

        Parameters
        ----------
        X : array_like or pandas.DataFrame, shape (n_rows, n_inputs)
            As for :meth:`__call__`.

        Returns
        -------
        ndarray of int32

        Raises
        ------
        DataError, ParameterError
            As for :meth:`__call__`.
        """
        return self(X).ranks

