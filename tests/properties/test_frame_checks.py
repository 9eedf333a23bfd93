"""assert_same_frame fails wherever assert_frame_equal (with the same tolerance) fails."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frame_checks import assert_same_frame


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    index = pd.MultiIndex.from_product([["a", "b"], [2000, 2001]], names=["unit", "year"])
    scores = pd.DataFrame({"x": [0.5, np.nan, 2.0, 3.0], "y": [1.0, 2.0, 3.0, 4.0]},
                          index=index)
    ranks = pd.DataFrame({"x": pd.array([1, None, 2, 1], dtype="Int64"),
                          "y": pd.array([4, 3, 2, 1], dtype="Int64")}, index=index)
    return scores, ranks


def _changes(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    value = frame.copy()
    value.iloc[0, 0] = value.iloc[0, 0] + 1
    missing = frame.copy()
    missing.iloc[2, 1] = np.nan if frame.dtypes.iloc[1] == np.float64 else pd.NA
    found = frame.copy()
    found.iloc[1, 0] = 1
    renamed = frame.rename_axis(index=["unit", "period"])
    level_dtype = frame.set_axis(frame.index.set_levels(
        frame.index.levels[1].astype(float), level=1), axis=0)
    dtype = frame.astype("float32") if frame.dtypes.iloc[0] == np.float64 else frame.astype(float)
    return {"value": value, "missing": missing, "found": found, "index name": renamed,
            "index level dtype": level_dtype,
            "dtype": dtype, "column order": frame[["y", "x"]], "row order": frame.iloc[::-1],
            "columns": frame.rename(columns={"y": "z"}), "fewer rows": frame.iloc[:3]}


@pytest.mark.parametrize("which", [0, 1])
def test_equal_frames_pass_and_every_difference_fails(which: int) -> None:
    frame = _frames()[which]
    assert_same_frame(frame.copy(), frame)
    for name, other in _changes(frame).items():
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(other, frame)
        with pytest.raises(AssertionError):
            assert_same_frame(other, frame)
            pytest.fail(f"{name}: not detected")


def test_tolerances_are_those_given() -> None:
    scores, _ = _frames()
    near = scores + 1e-10
    assert_same_frame(near, scores, rtol=1e-5, atol=1e-8)
    pd.testing.assert_frame_equal(near, scores)
    with pytest.raises(AssertionError):
        assert_same_frame(near, scores)
    with pytest.raises(AssertionError):
        assert_same_frame(near, scores, atol=1e-12)
    assert_same_frame(scores * (1 + 1e-13), scores, atol=1e-12)
