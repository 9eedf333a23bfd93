"""Data checks (statistics, flags, availability) and the Screen step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spindex as sp
from spindex.checks import Screen, data_checks
from spindex.errors import DataError, ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({
    "code": "Index",
    "children": [
        {"code": "P1", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "P2", "children": [{"code": "c"}]},
    ],
})
DATA = pd.DataFrame(
    {
        "a": [1.0, 2.0, 3.0, 4.0, 100.0, 6.0],
        "b": [0.0, 0.0, 0.0, 0.0, 1.0, np.nan],
        "c": [5.0, np.nan, np.nan, 5.0, 5.0, 5.0],
        "region": ["N", "N", "S", "S", "S", "N"],
        "label": list("uvwxyz"),
    },
    index=["U", "V", "W", "X", "Y", "Z"],
)


def test_indicator_statistics() -> None:
    checks = data_checks(DATA, FW)
    ind = checks.indicators
    assert list(ind.index) == ["a", "b", "c"]
    a = DATA["a"]
    row = ind.loc["a"]
    assert row["n"] == 6 and row["missing"] == 0 and row["missing_share"] == 0
    assert row["mean"] == a.mean() and row["median"] == a.median()
    assert row["sd"] == pytest.approx(a.std(), rel=1e-15)
    assert row["min"] == 1 and row["max"] == 100
    assert row["skew"] == pytest.approx(stats.skew(a, bias=False))
    assert row["kurtosis"] == pytest.approx(stats.kurtosis(a, bias=False))
    assert ind.loc["b", "zero_share"] == 0.8
    assert ind.loc["b", "unique_share"] == pytest.approx(2 / 5)
    assert ind.loc["c", "unique_share"] == 0.25
    assert ind.loc["c", "missing_share"] == pytest.approx(1 / 3)


def test_flags() -> None:
    ind = data_checks(DATA, FW).indicators
    assert ind.loc["a", "flag_outliers"] and not ind.loc["a", "flag_zeros"]
    assert ind.loc["b", "flag_zeros"] and ind.loc["b", "flag_unique"]
    assert not ind.loc["c", "flag_missing"]
    assert data_checks(DATA, FW, min_coverage=0.7).indicators.loc["c", "flag_missing"]
    assert data_checks(DATA, FW).flagged == ["a", "b", "c"]


def test_availability_by_unit_node_and_group() -> None:
    checks = data_checks(DATA, FW, group_by="region")
    units = checks.units
    assert units.loc["V", "n_missing"] == 1 and units.loc["V", "coverage"] == pytest.approx(2 / 3)
    assert units.loc["U", "zero_share"] == pytest.approx(1 / 3)
    assert checks.nodes.loc["Z", "P1"] == 0.5 and checks.nodes.loc["Z", "P2"] == 1.0
    assert checks.nodes.loc["W", "Index"] == pytest.approx(2 / 3)
    groups = checks.groups
    assert groups is not None
    assert groups.loc["N", "c"] == pytest.approx(2 / 3) and groups.loc["S", "b"] == 1.0
    assert groups.loc["N", "all"] == pytest.approx(7 / 9)
    assert "DataChecks: 6 units x 3 indicators, 3 missing values" in repr(checks)


def test_all_missing_columns_and_rows_are_reported_not_refused() -> None:
    data = DATA.copy()
    data["c"] = np.nan
    data.loc["U", ["a", "b"]] = np.nan
    checks = data_checks(data, FW)
    assert checks.indicators.loc["c", "n"] == 0 and np.isnan(checks.indicators.loc["c", "mean"])
    assert checks.units.loc["U", "coverage"] == 0


def test_data_checks_errors() -> None:
    with pytest.raises(SpindexTypeError, match="Framework"):
        data_checks(DATA, "fw")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no column for indicator"):
        data_checks(DATA.drop(columns="c"), FW)
    with pytest.raises(DataError, match="'a' is not numeric"):
        data_checks(DATA.assign(a="x"), FW)
    with pytest.raises(DataError, match="no grouping column 'continent'"):
        data_checks(DATA, FW, group_by="continent")
    with pytest.raises(ParameterError, match="share between 0 and 1"):
        data_checks(DATA, FW, min_coverage=2)


def test_data_checks_do_not_modify_the_data() -> None:
    before = DATA.copy()
    data_checks(DATA, FW, group_by="region")
    pd.testing.assert_frame_equal(DATA, before)


# ---------------------------------------------------------------------- screening
TABLE = DATA[["a", "b", "c"]]


def test_screen_by_missing() -> None:
    kept, report = Screen(min_coverage=0.9)(TABLE)
    assert list(kept.index) == ["U", "X", "Y"]
    assert list(report.columns) == ["n_missing", "n_zero", "coverage", "nonzero_share",
                                    "low_coverage", "low_nonzero", "forced", "included"]
    assert report.loc["V", "coverage"] == pytest.approx(2 / 3)


def test_screen_by_zeros_and_both() -> None:
    _, report = Screen(by="zeros", min_nonzero=0.7)(TABLE)
    # U: 1, 0, 5 -> two of three observed values are non-zero.
    assert report.loc["U", "nonzero_share"] == pytest.approx(2 / 3)
    assert not report.loc["U", "included"] and report.loc["Z", "included"]
    kept, _ = Screen(min_coverage=0.9, by="both", min_nonzero=0.7)(TABLE)
    assert list(kept.index) == ["Y"]


def test_forced_inclusion_and_exclusion() -> None:
    kept, report = Screen(min_coverage=0.9, include=["V"], exclude="U")(TABLE)
    assert list(kept.index) == ["V", "X", "Y"]
    assert report.loc["V", "forced"] == "include" and report.loc["U", "forced"] == "exclude"
    with pytest.raises(ParameterError, match=r"include unit\(s\) 'Q'"):
        Screen(include=["Q"])(TABLE)
    with pytest.raises(ParameterError, match="both included and excluded"):
        Screen(include=["U"], exclude=["U"])


def test_screen_errors() -> None:
    with pytest.raises(ParameterError, match="would drop every unit"):
        Screen(min_coverage=1.0, exclude=["U", "X", "Y"])(TABLE)
    with pytest.raises(ParameterError, match="'by' parameter of Screen"):
        Screen(by="NA")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="share between 0 and 1"):
        Screen(min_coverage=90)
    with pytest.raises(SpindexTypeError, match="before_impute"):
        Screen(before_impute="yes")  # type: ignore[arg-type]
