"""check_data reads plain numeric tables in one block and others column by column: the two
paths must give the same table, and neither may share memory with the caller's frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spindex.data import check_data
from spindex.errors import DataError


def _frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, 4))
    X[rng.random(X.shape) < 0.2] = np.nan
    X[:, 0] = np.arange(7.0)  # no unit without an observed value in any selection
    X[:, 3] = np.arange(7.0) - 3.0
    X[:, 2] = np.where(np.isnan(X[:, 2]), 0.5, X[:, 2])
    return pd.DataFrame(X, columns=["a", "b", "c", "d"], index=[f"u{i}" for i in range(7)])


@pytest.mark.parametrize("order", [["a", "b", "c", "d"], ["d", "b"], ["c"]])
def test_block_path_equals_column_path(order: list[str]) -> None:
    data = _frame()
    fast = check_data(data, order)
    # A nullable column sends the whole table down the column-by-column path.
    slow = check_data(data.astype({"a": "Float64"}), order)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.to_numpy().tobytes() == slow.to_numpy().tobytes()
    assert fast.columns.dtype == slow.columns.dtype


@pytest.mark.parametrize("order", [["a", "b", "c", "d"], ["a", "b"], ["b", "a"]])
def test_block_path_copies(order: list[str]) -> None:
    data = _frame()
    before = data.copy()
    table = check_data(data, order)
    assert not np.shares_memory(table.to_numpy(), data.to_numpy())
    table.iloc[0, 0] = 1e9
    pd.testing.assert_frame_equal(data, before)
    # Column-major: each indicator contiguous, as the pipeline reads it.
    assert table.to_numpy().flags.f_contiguous


def test_mixed_dtypes_and_extra_columns() -> None:
    data = _frame()
    data["n"] = np.arange(7, dtype=np.int16)
    data["group"] = list("xxyyzzz")
    table = check_data(data, ["n", "b"])
    assert table.dtypes.tolist() == [np.float64, np.float64]
    np.testing.assert_array_equal(table["n"].to_numpy(), np.arange(7.0))


def test_block_path_errors_name_the_indicator() -> None:
    data = _frame()
    data.iloc[3, 2] = np.inf
    with pytest.raises(DataError, match=r"Indicator 'c' has an infinite value for unit 'u3'"):
        check_data(data, ["a", "b", "c"])
    data = _frame()
    data["b"] = np.nan
    with pytest.raises(DataError, match=r"Indicator 'b' has no observed value"):
        check_data(data, ["a", "b"])
    data = _frame()
    data.iloc[2, 1] = np.nan
    with pytest.raises(DataError, match=r"Indicator 'b' is missing for unit 'u2'"):
        check_data(data, ["a", "b"], allow_missing=False)
