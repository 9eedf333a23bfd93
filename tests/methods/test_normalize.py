"""Unit tests of the normalisers, with hand-computed expected values."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods import (
    NORMALIZERS,
    Borda,
    DistanceToMax,
    DistanceToReference,
    DistanceToTarget,
    FractionOfMax,
    FunctionNormalizer,
    Goalposts,
    Identity,
    MinMax,
    NormalizationContext,
    Normalizer,
    PercentileRank,
    Rank,
    Scaled,
    ZScore,
    get_normalizer,
)

nan = np.nan


def ctx(
    codes: Sequence[str] = ("x",),
    n_units: int = 3,
    directions: Sequence[float] | None = None,
    meta: Mapping[str, Sequence[float]] | None = None,
) -> NormalizationContext:
    units = tuple("abcdefghij"[:n_units])
    dirs = np.ones(len(codes)) if directions is None else np.asarray(directions, dtype=float)
    return NormalizationContext(
        codes=tuple(codes),
        units=units,
        directions=dirs,
        meta={k: np.asarray(v, dtype=float) for k, v in (meta or {}).items()},
    )


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)[:, None]


# --------------------------------------------------------------------------- identity


def test_identity_returns_directed_values() -> None:
    X = np.array([[-1.0, 2.0], [-3.0, nan]])
    assert_array_equal(Identity()(X, ctx(("a", "b"), 2, directions=[-1, 1])), X)


# --------------------------------------------------------------------------- min-max


def test_minmax_default_and_missing() -> None:
    X = np.array([[1.0, 10.0], [3.0, nan], [5.0, 30.0]])
    out = MinMax()(X, ctx(("a", "b")))
    assert_array_equal(out, [[0.0, 0.0], [50.0, nan], [100.0, 100.0]])


def test_minmax_custom_bounds() -> None:
    assert_array_equal(MinMax(low=1, high=11)(col(1, 3, 5), ctx()).ravel(), [1.0, 6.0, 11.0])


def test_minmax_direction_already_applied_puts_best_on_top() -> None:
    raw = col(1, 3, 5)
    out = MinMax()(raw * -1, ctx(directions=[-1]))
    assert_array_equal(out.ravel(), [100.0, 50.0, 0.0])


def test_minmax_operation_order_matches_coinr() -> None:
    x = col(0.1, 0.7, 0.3, 1.9)
    mn, mx = 0.1, 1.9
    expected = (x - mn) / (mx - mn) * (100.0 - 0.0) + 0.0
    assert_array_equal(MinMax()(x, ctx(n_units=4)), expected)


# --------------------------------------------------------------------------- z-score


def test_zscore_default_and_missing() -> None:
    out = ZScore()(col(2, nan, 4, 6), ctx(n_units=4))
    assert_array_equal(out.ravel(), [-1.0, nan, 0.0, 1.0])


def test_zscore_target_mean_and_sd() -> None:
    assert_array_equal(ZScore(mean=10, sd=2)(col(2, 4, 6), ctx()).ravel(), [8.0, 10.0, 12.0])


def test_zscore_uses_sample_sd() -> None:
    # mean 2.5, sd = sqrt(5/3) (n - 1 denominator)
    out = ZScore()(col(1, 2, 3, 4), ctx(n_units=4)).ravel()
    sd = np.sqrt(5 / 3)
    assert_allclose(out, [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], rtol=1e-15)


def test_zscore_rejects_nonpositive_sd() -> None:
    with pytest.raises(ParameterError, match="'sd'"):
        ZScore(sd=0)


# --------------------------------------------------------------------------- scaled


def test_scaled() -> None:
    assert_array_equal(Scaled(low=0, high=10)(col(2, 15), ctx(n_units=2)).ravel(), [20.0, 150.0])
    assert_array_equal(Scaled(-10, 10, scale=1)(col(0, nan), ctx(n_units=2)).ravel(), [0.5, nan])


def test_scaled_rejects_reversed_bounds() -> None:
    with pytest.raises(ParameterError, match="high > low"):
        Scaled(low=5, high=5)


# --------------------------------------------------------------------------- ranks


def test_rank_borda_percentile_with_ties_and_missing() -> None:
    X = col(3, 1, 3, nan, 5)
    c = ctx(n_units=5)
    assert_array_equal(Rank()(X, c).ravel(), [2.0, 1.0, 2.0, nan, 4.0])
    assert_array_equal(Borda()(X, c).ravel(), [1.0, 0.0, 1.0, nan, 3.0])
    # four observed values: (rank - 1) / 3
    assert_array_equal(PercentileRank()(X, c).ravel(), [1 / 3, 0.0, 1 / 3, nan, 1.0])


def test_rank_columns_independent() -> None:
    X = np.array([[1.0, 9.0], [2.0, 8.0], [3.0, 7.0]])
    assert_array_equal(Rank()(X, ctx(("a", "b"))), [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])


# --------------------------------------------------------------------------- goalposts


def test_goalposts_direction_plus_truncated() -> None:
    g = Goalposts(low=20, high=85)
    out = g(col(20, 52.5, 90, 10), ctx(n_units=4)).ravel()
    assert_array_equal(out, [0.0, 50.0, 100.0, 0.0])


def test_goalposts_untruncated() -> None:
    out = Goalposts(low=20, high=85, truncate=False)(col(90.0), ctx(n_units=1)).ravel()
    assert out[0] == pytest.approx(70 / 65 * 100, rel=1e-15)


def test_goalposts_direction_minus_mirrored_in_raw_units() -> None:
    raw = col(10, 60, 0)
    out = Goalposts(low=0, high=50)(raw * -1, ctx(directions=[-1])).ravel()
    # (high - x_raw) / (high - low): (50 - 10)/50, clipped -0.2, 1
    assert_array_equal(out, [80.0, 0.0, 100.0])


def test_goalposts_from_meta_and_mapping() -> None:
    c = ctx(
        ("life", "mort"),
        n_units=2,
        directions=[1, -1],
        meta={"goalpost_low": [20, 0], "goalpost_high": [85, 50]},
    )
    raw = np.array([[20.0, 10.0], [85.0, 40.0]])
    expected = [[0.0, 80.0], [100.0, 20.0]]
    assert_array_equal(Goalposts()(raw * c.directions, c), expected)
    by_code = Goalposts(low={"life": 20, "mort": 0}, high={"life": 85, "mort": 50}, scale=1)
    assert_array_equal(by_code(raw * c.directions, c), np.array(expected) / 100)


def test_goalposts_missing_in_meta_names_indicator() -> None:
    c = ctx(
        ("life", "mort"), n_units=1, meta={"goalpost_low": [20, nan], "goalpost_high": [85, 50]}
    )
    with pytest.raises(MethodError, match="'mort'"):
        Goalposts()(np.array([[30.0, 5.0]]), c)


def test_goalposts_without_meta_key() -> None:
    with pytest.raises(MethodError, match="goalpost_low"):
        Goalposts()(col(1.0), ctx(n_units=1))


def test_goalposts_mapping_missing_code() -> None:
    with pytest.raises(MethodError, match="'b'"):
        Goalposts(low={"a": 0}, high=10)(np.array([[1.0, 2.0]]), ctx(("a", "b"), n_units=1))


def test_goalposts_high_not_above_low() -> None:
    with pytest.raises(ParameterError, match="high > low"):
        Goalposts(low=10, high=10)
    with pytest.raises(MethodError, match="'b'"):
        Goalposts(low={"a": 0, "b": 9}, high=5)(np.array([[1.0, 2.0]]), ctx(("a", "b"), 1))


def test_goalposts_frozen_and_hashable() -> None:
    low = {"a": 0.0}
    g = Goalposts(low=low, high=10)
    low["a"] = 5.0
    assert g.low == {"a": 0.0}
    assert hash(g) == hash(Goalposts(low={"a": 0.0}, high=10.0))
    assert g == Goalposts(low={"a": 0.0}, high=10.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.scale = 1.0  # type: ignore[misc]


# --------------------------------------------------------------------------- distances


def test_distance_to_max() -> None:
    assert_array_equal(
        DistanceToMax()(col(1, 2, 5, nan), ctx(n_units=4)).ravel(), [0, 0.25, 1, nan]
    )


def test_fraction_of_max() -> None:
    assert_array_equal(FractionOfMax()(col(1, 2, 4), ctx()).ravel(), [0.25, 0.5, 1.0])


def test_fraction_of_max_rejects_nonpositive_max() -> None:
    with pytest.raises(MethodError, match="'neg'"):
        FractionOfMax()(col(-1, -2, -4), ctx(("neg",), directions=[-1]))


def test_distance_to_reference() -> None:
    X = col(1, 3, 5)
    assert_array_equal(DistanceToReference("b")(X, ctx()).ravel(), [0.0, 1.0, 2.0])
    assert_array_equal(DistanceToReference("b", cap=True)(X, ctx()).ravel(), [0.0, 1.0, 1.0])


def test_distance_to_reference_errors_name_unit_and_indicator() -> None:
    with pytest.raises(MethodError, match=r"'b'.*'gdp'"):
        DistanceToReference("b")(col(1, nan, 5), ctx(("gdp",)))
    with pytest.raises(MethodError, match=r"'a'.*'gdp'"):
        DistanceToReference("a")(col(1, 3, 5), ctx(("gdp",)))
    with pytest.raises(MethodError, match="'zz'"):
        DistanceToReference("zz")(col(1, 3, 5), ctx())
    with pytest.raises(SpindexTypeError):
        DistanceToReference(3)  # type: ignore[arg-type]


def test_distance_to_target() -> None:
    X = col(0, 2, 6)
    assert_array_equal(DistanceToTarget(4.0)(X, ctx()).ravel(), [0.0, 0.5, 1.5])
    assert_array_equal(DistanceToTarget(4.0, cap=True)(X, ctx()).ravel(), [0.0, 0.5, 1.0])


def test_distance_to_target_from_meta_with_negative_direction() -> None:
    raw = col(10, 20, 40)
    c = ctx(("co2",), directions=[-1], meta={"target": [10]})
    out = DistanceToTarget()(raw * -1, c).ravel()
    # t = -10, min = -40: 1 - (-10 - x)/30
    assert_allclose(out, [1.0, 2 / 3, 0.0], rtol=1e-15, atol=0)


def test_distance_to_target_errors() -> None:
    with pytest.raises(MethodError, match="'b'"):
        DistanceToTarget({"a": 1.0})(np.array([[1.0, 2.0], [0.0, 3.0]]), ctx(("a", "b"), 2))
    with pytest.raises(MethodError, match="'x'"):
        DistanceToTarget(1.0)(col(1, 2, 3), ctx())
    with pytest.raises(MethodError, match="'x'"):
        DistanceToTarget()(col(1, 2, 3), ctx(meta={"target": [nan]}))
    with pytest.raises(ParameterError):
        DistanceToTarget(float("inf"))


# ------------------------------------------------------------------ constant and empty columns

CONSTANT_SENSITIVE = [MinMax(), ZScore(), DistanceToMax(), PercentileRank()]


@pytest.mark.parametrize("norm", CONSTANT_SENSITIVE, ids=lambda n: n.name)
@pytest.mark.parametrize("values", [(5, 5, nan), (nan, 3, nan)], ids=["constant", "single"])
def test_constant_column_raises_naming_indicator(norm: Normalizer, values: tuple) -> None:
    X = np.column_stack([[1.0, 2.0, 3.0], values])
    with pytest.raises(MethodError, match="'flat'") as info:
        norm(X, ctx(("ok", "flat")))
    assert "'ok'" not in str(info.value)
    assert "constant='midpoint'" in str(info.value)


@pytest.mark.parametrize(
    ("norm", "fill"),
    [
        (MinMax(constant="midpoint"), 50.0),
        (MinMax(low=1, high=2, constant="midpoint"), 1.5),
        (ZScore(mean=10, constant="midpoint"), 10.0),
        (DistanceToMax(constant="midpoint"), 0.5),
        (PercentileRank(constant="midpoint"), 0.5),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_constant_midpoint_fallback(norm: Normalizer, fill: float) -> None:
    X = np.array([[1.0, 5.0], [2.0, nan], [3.0, 5.0]])
    out = norm(X, ctx(("ok", "flat")))
    assert_array_equal(out[:, 1], [fill, nan, fill])
    assert_array_equal(out[:, 0], norm(X[:, :1], ctx(("ok",)))[:, 0])


def test_constant_policy_validated() -> None:
    with pytest.raises(ParameterError, match="'constant'"):
        MinMax(constant="mean")  # type: ignore[arg-type]


ALL_NORMALIZERS = [
    Identity(),
    MinMax(),
    ZScore(),
    Scaled(),
    Rank(),
    Borda(),
    PercentileRank(),
    Goalposts(low=0, high=10),
    DistanceToMax(),
    FractionOfMax(),
    DistanceToReference("c"),
    DistanceToTarget(10.0),
    FunctionNormalizer(np.sqrt),
]


@pytest.mark.parametrize("norm", ALL_NORMALIZERS, ids=lambda n: n.name)
def test_all_missing_column_raises_naming_it(norm: Normalizer) -> None:
    X = np.array([[1.0, nan], [2.0, nan], [4.0, nan]])
    with pytest.raises(MethodError, match="'empty'"):
        norm(X, ctx(("ok", "empty")))


@pytest.mark.parametrize("norm", ALL_NORMALIZERS, ids=lambda n: n.name)
def test_input_not_mutated_and_new_array(norm: Normalizer) -> None:
    X = np.array([[1.0, 4.0], [2.0, nan], [4.0, 9.0], [3.0, 1.0]])
    before = X.copy()
    out = norm(X, ctx(("p", "q"), n_units=4))
    assert_array_equal(X, before)
    assert out.shape == X.shape
    assert out.dtype == np.float64
    assert not np.shares_memory(out, X)
    assert np.isnan(out[1, 1])


@pytest.mark.parametrize("norm", ALL_NORMALIZERS, ids=lambda n: n.name)
def test_shape_mismatch_is_data_error(norm: Normalizer) -> None:
    with pytest.raises(DataError):
        norm(np.ones((3, 2)), ctx(("only",)))


def test_bad_parameter_types() -> None:
    with pytest.raises(SpindexTypeError, match="'low'"):
        MinMax(low="0")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="high > low"):
        MinMax(low=1, high=0)
    with pytest.raises(SpindexTypeError):
        Goalposts(low=0, high=1, truncate="yes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- user functions


def test_function_normalizer_keeps_missing_missing() -> None:
    out = FunctionNormalizer(lambda x: np.nan_to_num(x) * 2)(col(1, nan, 3), ctx())
    assert_array_equal(out.ravel(), [2.0, nan, 6.0])


def test_function_normalizer_receives_a_copy() -> None:
    def clobber(x: np.ndarray) -> np.ndarray:
        x[:] = 0.0
        return x + 1

    X = col(1, 2, 3)
    assert_array_equal(FunctionNormalizer(clobber)(X, ctx()).ravel(), [1.0, 1.0, 1.0])
    assert_array_equal(X.ravel(), [1.0, 2.0, 3.0])


def test_function_normalizer_checks_output() -> None:
    X = np.array([[1.0, 1.0], [2.0, 0.0], [3.0, 2.0]])
    with pytest.raises(MethodError, match=r"shape \(2,\).*'bad'"):
        FunctionNormalizer(lambda x: x[:2])(X[:, 1:], ctx(("bad",)))
    with pytest.raises(MethodError, match=r"'bad'.*'b'"), np.errstate(divide="ignore"):
        FunctionNormalizer(lambda x: 1 / x)(X, ctx(("ok", "bad")))
    with pytest.raises(MethodError, match=r"numbers.*'bad'"):
        FunctionNormalizer(lambda x: ["a"] * len(x))(X[:, 1:], ctx(("bad",)))  # type: ignore[arg-type, return-value]
    with pytest.raises(SpindexTypeError):
        FunctionNormalizer(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize("name", [n for n in NORMALIZERS if n != "distance_to_reference"])
def test_get_normalizer_by_name(name: str) -> None:
    norm = get_normalizer(name)
    assert type(norm) is NORMALIZERS[name]
    assert norm.name == name


def test_get_normalizer_aliases_instances_and_callables() -> None:
    assert get_normalizer("min_max") == MinMax()
    assert get_normalizer("z_score") == ZScore()
    assert get_normalizer("percentile_rank") == PercentileRank()
    inst = ZScore(mean=10, sd=2)
    assert get_normalizer(inst) is inst
    wrapped = get_normalizer(np.log)
    assert isinstance(wrapped, FunctionNormalizer)
    assert wrapped.func is np.log


def test_get_normalizer_unknown_name_message() -> None:
    with pytest.raises(ParameterError) as info:
        get_normalizer("mean")
    message = str(info.value)
    assert message.startswith("The 'normalize' method must be one of {'minmax', 'zscore', ")
    assert message.endswith("or a callable. Got 'mean' instead.")
    assert all(repr(name) in message for name in NORMALIZERS)


def test_get_normalizer_name_needing_parameters() -> None:
    with pytest.raises(ParameterError, match="unit"):
        get_normalizer("distance_to_reference")


def test_get_normalizer_wrong_type() -> None:
    with pytest.raises(SpindexTypeError, match="int") as info:
        get_normalizer(3)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)


def test_errors_are_builtin_value_errors() -> None:
    with pytest.raises(ValueError):
        MinMax()(col(2, 2, 2), ctx())


# --------------------------------------------------------------------------- numerical soundness
@pytest.mark.parametrize("factor", [1e300, 1e-300, 2.0**1000, 2.0**-1060, 3.7])
def test_zscore_of_a_scaled_column_equals_the_zscore_of_the_column(factor) -> None:
    """Values of order 1e300 overflowed the squares (sd = inf, z = 0, a numpy warning only)."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(15, 3))
    X[2, 1] = np.nan
    c = NormalizationContext(codes=("a", "b", "c"), units=tuple(f"u{i}" for i in range(15)),
                             directions=np.ones(3))
    base = ZScore(mean=10, sd=2)(X, c)
    big = X * factor
    with np.errstate(all="raise"):
        scaled = ZScore(mean=10, sd=2)(big, c)
    if math.frexp(factor)[0] == 0.5 and factor > 2.0**-1020:
        assert_array_equal(scaled, base)  # a power of two: exactly the same bits
    else:
        # X * factor itself rounds (and 2**-1060 is subnormal): equal to that rounding.
        tol = 1e-15 if factor > 1e-300 else 1e-3
        assert_allclose(scaled, base, rtol=tol, atol=tol)


def test_zscore_scaling_leaves_ordinary_columns_bit_for_bit() -> None:
    """The power-of-two scaling is exact: the same bits as the plain long-double formula."""
    from spindex.methods.normalize import _r_mean_sd

    rng = np.random.default_rng(8)
    X = rng.uniform(-1e6, 1e6, size=(40, 2))
    X[3, 0] = np.nan
    c = NormalizationContext(codes=("a", "b"), units=tuple(f"u{i}" for i in range(40)),
                             directions=np.ones(2))
    mu, s = _r_mean_sd(X, ~np.isnan(X))
    assert_array_equal(ZScore()(X, c), (X - mu) / s)


def test_fraction_of_max_on_direction_minus_one_does_not_advise_flipping_it() -> None:
    with pytest.raises(MethodError) as info:
        FractionOfMax()(col(-1, -2, -4), ctx(("cost",), directions=[-1]))
    message = str(info.value)
    assert "'cost'" in message and "-1" in message
    assert "Keep its direction -1" in message and "worst unit first" in message
    assert "MinMax" in message
    with pytest.raises(MethodError, match=r"'gain'.*MinMax or DistanceToMax") as info:
        FractionOfMax()(col(-1, -2, -4), ctx(("gain",), directions=[1]))
    assert "direction -1" not in str(info.value)
