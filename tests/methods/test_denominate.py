"""Denomination: x / (d / scale) and the errors for bad denominators."""

from __future__ import annotations

import numpy as np
import pytest

from spindex.errors import DataError, ParameterError, SpindexTypeError
from spindex.methods.denominate import Denominate, denominate

KW = {"codes": ["gdp", "trade"], "denominators": ["pop", "pop"], "units": ["A", "B", "C"]}


def run(D, X=None, scale=(1.0, 1.0), **kw):
    X = np.array([[10.0, 4.0], [6.0, np.nan], [8.0, 2.0]]) if X is None else X
    return denominate(X, np.asarray(D, dtype=float), np.asarray(scale), **KW, **kw)


def test_division_with_scale() -> None:
    D = [[2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]
    out, created = run(D, scale=(1.0, 1000.0))
    np.testing.assert_array_equal(out[:, 0], [5.0, 2.0, 2.0])
    np.testing.assert_array_equal(out[:, 1], [2000.0, np.nan, 500.0])
    assert not created.any()


@pytest.mark.parametrize(("value", "what"), [(0.0, "zero or negative"), (-5.0, "zero or negative"),
                                              (np.inf, "infinite")])
def test_zero_negative_or_infinite_denominator(value, what) -> None:
    D = [[2.0, 2.0], [value, value], [4.0, 4.0]]
    with pytest.raises(DataError, match=rf"'pop' of indicator 'gdp' has an? {what} value.*'B'"):
        run(D)


def test_missing_denominator() -> None:
    D = [[2.0, 2.0], [3.0, 3.0], [np.nan, np.nan]]
    with pytest.raises(DataError, match=r"'pop' is missing for unit\(s\) 'C', where indicator "
                                        r"'gdp' is observed.*missing='propagate'"):
        run(D)
    out, created = run(D, missing="propagate")
    assert np.isnan(out[2]).all()
    np.testing.assert_array_equal(created, [[False, False], [False, False], [True, True]])
    # Where the indicator itself is missing, a missing denominator loses nothing.
    D = [[2.0, 2.0], [3.0, np.nan], [4.0, 4.0]]
    out, created = run(D)
    assert not created.any() and np.isnan(out[1, 1])


def test_step_parameters() -> None:
    step = Denominate({"gdp": "pop", "area": None}, scale={"gdp": 1e3})
    assert step.denominator("gdp") == "pop" and step.denominator("area") is None
    assert step.denominator("other") is None
    assert step.scale_of("gdp") == 1e3 and step.scale_of("x") == 1.0
    framework = Denominate()
    assert framework.denominator("x", "Population") == "Population"
    assert framework.denominator("x", float("nan")) is None
    assert framework.denominator("x", None) is None
    with pytest.raises(ParameterError, match="'scale' parameter of Denominate must be > 0"):
        Denominate(scale=0)
    with pytest.raises(ParameterError, match="'framework' or a mapping"):
        Denominate("iMeta")
    with pytest.raises(ParameterError, match="'missing' parameter of Denominate"):
        Denominate(missing="ignore")  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="column name"):
        Denominate({"gdp": 3})  # type: ignore[dict-item]
