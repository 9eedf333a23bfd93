"""Unit tests of the aggregators, with hand-computed expected values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from numpy.typing import ArrayLike

from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError
from spindex.methods import (
    AGGREGATORS,
    AggregationContext,
    Aggregator,
    Arithmetic,
    Copeland,
    FunctionAggregator,
    GeneralizedMean,
    Geometric,
    Harmonic,
    MazziottaPareto,
    WeightedMedian,
    get_aggregator,
)

nan = np.nan


def ctx(n_children: int, n_units: int, node: str = "P1") -> AggregationContext:
    return AggregationContext(
        node=node,
        children=tuple(f"c{j + 1}" for j in range(n_children)),
        units=tuple(f"u{i + 1}" for i in range(n_units)),
    )


def agg(method: Aggregator, X: ArrayLike, w: ArrayLike) -> np.ndarray:
    A = np.array(X, dtype=float)
    return method(A, np.array(w, dtype=float), ctx(A.shape[1], A.shape[0]))


# --------------------------------------------------------------------------- arithmetic


def test_arithmetic_weighted() -> None:
    # (1*1 + 1*2 + 2*4) / 4
    assert_array_equal(agg(Arithmetic(), [[1, 2, 4]], [1, 1, 2]), [2.75])


def test_arithmetic_reweights_over_available_children() -> None:
    X: list[list[float]] = [[1, nan, 4], [10, 40, nan], [nan, nan, nan]]
    # u1: (1 + 2*4)/3 ; u2: (10 + 40)/2 ; u3: nothing available
    assert_array_equal(agg(Arithmetic(), X, [1, 1, 2]), [3.0, 25.0, nan])


def test_arithmetic_zero_available_weight_is_missing() -> None:
    X: list[list[float]] = [[5, nan], [5, 7]]
    assert_array_equal(agg(Arithmetic(), X, [0, 1]), [nan, 7.0])


def test_arithmetic_operation_order_matches_coinr() -> None:
    x = np.array([0.1, 0.7, 0.2])
    w = np.array([0.3, 1.1, 0.6])
    wn = w / math.fsum(w)
    expected = math.fsum(wn * x)
    assert agg(Arithmetic(), [list(x)], list(w))[0] == pytest.approx(expected, rel=1e-16)


# --------------------------------------------------------------------------- geometric / harmonic


def test_geometric() -> None:
    out = agg(Geometric(), [[1, 100], [4, 16]], [1, 1])
    assert_allclose(out, [10.0, 8.0], rtol=1e-15)
    # 100 ** (3/4)
    assert agg(Geometric(), [[1, 100]], [1, 3])[0] == pytest.approx(100**0.75, rel=1e-15)


def test_geometric_reweights_over_available_children() -> None:
    out = agg(Geometric(), [[4, nan, 16], [nan, nan, nan]], [1, 5, 1])
    assert out[0] == pytest.approx(8.0, rel=1e-15)
    assert np.isnan(out[1])


def test_harmonic() -> None:
    assert_array_equal(agg(Harmonic(), [[1, 3]], [1, 1]), [1.5])
    # (1 + 2) / (1/1 + 2/4)
    assert_array_equal(agg(Harmonic(), [[1, 4]], [1, 2]), [2.0])
    assert_array_equal(agg(Harmonic(), [[1, nan, 4]], [1, 9, 2]), [2.0])


@pytest.mark.parametrize("method", [Geometric(), Harmonic()], ids=lambda m: m.name)
@pytest.mark.parametrize("bad", [0.0, -2.0])
def test_nonpositive_values_rejected(method: Aggregator, bad: float) -> None:
    X = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, bad], [1.0, nan, 3.0]])
    with pytest.raises(MethodError) as info:
        method(X, np.ones(3), ctx(3, 3, node="Pillar7"))
    message = str(info.value)
    for culprit in ("'Pillar7'", "'c3'", "'u2'", "MinMax(low=1, high=100)"):
        assert culprit in message
    assert "'u1'" not in message and "'u3'" not in message


def test_missing_values_do_not_trip_the_positivity_check() -> None:
    assert_allclose(agg(Geometric(), [[nan, 4.0]], [1, 1]), [4.0])


def test_harmonic_geometric_arithmetic_ordering() -> None:
    rng = np.random.default_rng(20240501)
    X = rng.uniform(0.5, 100, size=(200, 6))
    X[rng.random(X.shape) < 0.1] = nan
    w = rng.uniform(0.1, 3, size=6)
    c = ctx(6, 200)
    h, g, a = Harmonic()(X, w, c), Geometric()(X, w, c), Arithmetic()(X, w, c)
    assert np.all(h <= g * (1 + 1e-12))
    assert np.all(g <= a * (1 + 1e-12))
    const = np.full((1, 3), 7.0)
    for method in (Harmonic(), Geometric(), Arithmetic()):
        assert method(const, np.array([1.0, 2.0, 3.0]), ctx(3, 1))[0] == pytest.approx(7.0)


# --------------------------------------------------------------------------- generalised mean


def test_generalized_mean_values() -> None:
    # sqrt((1 + 49)/2)
    assert_array_equal(agg(GeneralizedMean(2), [[1, 7]], [1, 1]), [5.0])
    # p = 0.5 accepts zeros: (0.5*0 + 0.5*2) ** 2
    assert_array_equal(agg(GeneralizedMean(0.5), [[0, 4]], [1, 1]), [1.0])
    # cube mean with a missing child: ((1*1 + 1*8)/2) ** (1/3)
    out = agg(GeneralizedMean(3), [[1, nan, 2]], [1, 4, 1])
    assert out[0] == pytest.approx(4.5 ** (1 / 3), rel=1e-15)


def test_generalized_mean_special_orders() -> None:
    rng = np.random.default_rng(3)
    X = rng.uniform(1, 10, size=(20, 4))
    w = np.array([1.0, 2.0, 3.0, 4.0])
    c = ctx(4, 20)
    assert_allclose(GeneralizedMean(1)(X, w, c), Arithmetic()(X, w, c), rtol=1e-15)
    assert_allclose(GeneralizedMean(-1)(X, w, c), Harmonic()(X, w, c), rtol=1e-14)
    assert_array_equal(GeneralizedMean(0)(X, w, c), Geometric()(X, w, c))


def test_generalized_mean_domain() -> None:
    with pytest.raises(MethodError, match=r"'c2'.*'u1'"):
        agg(GeneralizedMean(-1), [[1, 0]], [1, 1])
    with pytest.raises(MethodError, match=r"'c1'.*'u1'"):
        agg(GeneralizedMean(2), [[-1, 2]], [1, 1])


def test_generalized_mean_parameter_checks() -> None:
    with pytest.raises(ParameterError, match="'p'"):
        GeneralizedMean(float("inf"))
    with pytest.raises(SpindexTypeError, match="'p'"):
        GeneralizedMean("2")  # type: ignore[arg-type]


def test_power_attribute() -> None:
    assert Arithmetic().power == 1
    assert Geometric().power == 0
    assert Harmonic().power == -1
    assert GeneralizedMean(2.5).power == 2.5
    for method in (WeightedMedian(), MazziottaPareto(), Copeland()):
        assert method.power is None


# --------------------------------------------------------------------------- median


def test_weighted_median_equal_weights_is_ordinary_median() -> None:
    X: list[list[float]] = [[4, 1, 3, 2], [5, 1, 3, nan], [2, 2, 2, 5]]
    assert_array_equal(agg(WeightedMedian(), X, [1, 1, 1, 1]), [2.5, 3.0, 2.0])


def test_weighted_median_first_value_reaching_half() -> None:
    # weights (.2, .2, .2, .4) sorted by value 1, 2, 3, 4: cumulative .2, .4, .6 -> 3
    assert_array_equal(agg(WeightedMedian(), [[1, 2, 3, 4]], [1, 1, 1, 2]), [3.0])
    # weights (.1, .1, .8): the heavy value is the median
    assert_array_equal(agg(WeightedMedian(), [[9, 1, 2]], [8, 1, 1]), [9.0])


def test_weighted_median_tie_rule() -> None:
    # values 1, 2, 3, 4 with weights 1/6, 1/6, 1/6, 1/2: cumulative reaches 1/2 exactly at 3
    assert_array_equal(agg(WeightedMedian(), [[4, 1, 3, 2]], [3, 1, 1, 1]), [3.5])
    # 0.1 + 0.2 + 0.2 is 0.5 only within rounding
    assert_array_equal(agg(WeightedMedian(), [[1, 2, 3, 4]], [0.1, 0.2, 0.2, 0.5]), [3.5])


def test_weighted_median_skips_zero_weights_and_missing() -> None:
    assert_array_equal(agg(WeightedMedian(), [[1, 100, 2, 3]], [1, 0, 1, 1]), [2.0])
    assert_array_equal(agg(WeightedMedian(), [[1, nan, 3, 10]], [1, 1, 1, 1]), [3.0])
    assert_array_equal(agg(WeightedMedian(), [[nan, 5]], [1, 0]), [nan])


# --------------------------------------------------------------------------- Mazziotta-Pareto


def test_mazziotta_pareto_equal_weights() -> None:
    # u1: M = 100, S = 10, cv = 0.1 -> 100 - 1 ; u2 balanced -> 100
    assert_array_equal(agg(MazziottaPareto(), [[90, 110], [100, 100]], [1, 1]), [99.0, 100.0])


def test_mazziotta_pareto_weighted_and_missing() -> None:
    # w = (2/3, 1/3): M = 110, S^2 = 2/3*100 + 1/3*400 = 200, S*cv = 200/110
    minus = agg(MazziottaPareto(), [[100, nan, 130]], [2, 5, 1])
    plus = agg(MazziottaPareto(penalty=1), [[100, 130]], [2, 1])
    assert minus[0] == pytest.approx(110 - 200 / 110, rel=1e-15)
    assert plus[0] == pytest.approx(110 + 200 / 110, rel=1e-15)


def test_mazziotta_pareto_needs_positive_mean() -> None:
    with pytest.raises(MethodError, match=r"'P1'.*'u2'"):
        agg(MazziottaPareto(), [[1, 2], [-3, 1]], [1, 1])
    with pytest.raises(ParameterError):
        MazziottaPareto(penalty=float("nan"))


# --------------------------------------------------------------------------- Copeland

COPELAND_X = [[3, 3, 1], [2, 2, 2], [1, 1, 3]]


def test_copeland_equal_weights() -> None:
    # each unit beats every lower unit on 2 of 3 criteria
    assert_array_equal(agg(Copeland(), COPELAND_X, [1, 1, 1]), [2.0, 0.0, -2.0])


def test_copeland_weights_reverse_the_order() -> None:
    # with weights (1, 1, 4) the third criterion (share 2/3) decides every pair
    assert_array_equal(agg(Copeland(), COPELAND_X, [1, 1, 4]), [-2.0, 0.0, 2.0])


def test_copeland_outranking_row_sums() -> None:
    # shares s12 = s13 = s23 = 2/3, the reverse 1/3
    out = agg(Copeland(score="outranking"), COPELAND_X, [1, 1, 1])
    assert_allclose(out, [4 / 3, 1.0, 2 / 3], rtol=1e-15)


def test_copeland_ties_and_half_credit() -> None:
    # u1 vs u2: tie on c1 (half of 1/2) + win on c2 (1/2) = 3/4 -> u1 wins
    assert_array_equal(agg(Copeland(), [[1, 2], [1, 1]], [1, 1]), [1.0, -1.0])
    # one criterion each: share 1/2 -> no win, no loss
    assert_array_equal(agg(Copeland(), [[1, 2], [2, 1]], [1, 1]), [0.0, 0.0])


def test_copeland_missing_values() -> None:
    X: list[list[float]] = [[1, nan, 5], [2, 3, 4], [nan, nan, nan]]
    # u1 vs u2 on c1, c3 only, weights renormalised (1/3, 2/3): u1 wins c3 -> 2/3 -> win
    assert_array_equal(agg(Copeland(), X, [1, 1, 2]), [1.0, -1.0, nan])


def test_copeland_score_validated() -> None:
    with pytest.raises(ParameterError, match="'score'"):
        Copeland(score="borda")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- user functions


def test_function_aggregator() -> None:
    worst = FunctionAggregator(lambda X, w: np.nanmin(X, axis=1))
    assert_array_equal(agg(worst, [[1, 5], [7, 3]], [1, 1]), [1.0, 3.0])


def test_function_aggregator_checks_output() -> None:
    with pytest.raises(MethodError, match=r"'P1'.*\(2,\)"):
        agg(FunctionAggregator(lambda X, w: X), [[1, 5], [7, 3]], [1, 1])
    with pytest.raises(MethodError, match=r"'P1'.*'u2'"):
        agg(FunctionAggregator(lambda X, w: np.array([1.0, np.inf])), [[1, 5], [7, 3]], [1, 1])
    with pytest.raises(SpindexTypeError):
        FunctionAggregator("sum")  # type: ignore[arg-type]


def test_function_aggregator_receives_copies() -> None:
    def clobber(X: np.ndarray, w: np.ndarray) -> np.ndarray:
        X[:] = 0.0
        w[:] = 0.0
        return X.sum(axis=1)

    X = np.array([[1.0, 2.0]])
    w = np.array([1.0, 1.0])
    FunctionAggregator(clobber)(X, w, ctx(2, 1))
    assert_array_equal(X, [[1.0, 2.0]])
    assert_array_equal(w, [1.0, 1.0])


# --------------------------------------------------------------------------- shared behaviour

ALL_AGGREGATORS = [
    Arithmetic(),
    Geometric(),
    Harmonic(),
    GeneralizedMean(2),
    WeightedMedian(),
    MazziottaPareto(),
    Copeland(),
    Copeland(score="outranking"),
    FunctionAggregator(lambda X, w: np.nanmean(X, axis=1)),
]


@pytest.mark.parametrize("method", ALL_AGGREGATORS, ids=lambda m: m.name)
def test_inputs_not_mutated(method: Aggregator) -> None:
    X = np.array([[1.0, 2.0, 3.0], [4.0, nan, 6.0], [2.0, 2.0, 9.0]])
    w = np.array([1.0, 2.0, 3.0])
    X0, w0 = X.copy(), w.copy()
    out = method(X, w, ctx(3, 3))
    assert_array_equal(X, X0)
    assert_array_equal(w, w0)
    assert out.shape == (3,)
    assert out.dtype == np.float64


@pytest.mark.parametrize("method", ALL_AGGREGATORS[:-1], ids=lambda m: m.name)
def test_weight_scale_and_unit_permutation(method: Aggregator) -> None:
    rng = np.random.default_rng(7)
    X = rng.uniform(1, 100, size=(8, 4))
    X[2, 1] = nan
    w = np.array([0.5, 1.0, 2.0, 0.25])
    base = method(X, w, ctx(4, 8))
    assert_allclose(method(X, 3 * w, ctx(4, 8)), base, rtol=1e-13)
    perm = rng.permutation(8)
    assert_allclose(method(X[perm], w, ctx(4, 8)), base[perm], rtol=1e-13)


def test_bad_inputs() -> None:
    with pytest.raises(ParameterError, match="'P1'"):
        Arithmetic()(np.ones((2, 2)), np.array([1.0, -1.0]), ctx(2, 2))
    with pytest.raises(DataError):
        Arithmetic()(np.ones((2, 3)), np.ones(2), ctx(2, 2))
    with pytest.raises(DataError):
        Arithmetic()(np.ones((2, 2)), np.ones(3), ctx(2, 2))


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize("name", [n for n in AGGREGATORS if n != "generalized"])
def test_get_aggregator_by_name(name: str) -> None:
    method = get_aggregator(name)
    assert type(method) is AGGREGATORS[name]
    assert method.name == name


def test_get_aggregator_aliases_instances_and_callables() -> None:
    assert get_aggregator("mpi") == MazziottaPareto()
    inst = GeneralizedMean(3)
    assert get_aggregator(inst) is inst
    wrapped = get_aggregator(lambda X, w: X[:, 0])
    assert isinstance(wrapped, FunctionAggregator)


def test_get_aggregator_unknown_name_message() -> None:
    with pytest.raises(ParameterError) as info:
        get_aggregator("mean")
    message = str(info.value)
    assert message.startswith("The 'aggregate' method must be one of {'arithmetic', 'geometric', ")
    assert message.endswith("or a callable. Got 'mean' instead.")
    assert all(repr(name) in message for name in AGGREGATORS)


def test_get_aggregator_name_needing_parameters() -> None:
    with pytest.raises(ParameterError, match="GeneralizedMean"):
        get_aggregator("generalized")
    with pytest.raises(ParameterError, match="GeneralizedMean"):
        get_aggregator("generalised")


def test_get_aggregator_wrong_type() -> None:
    with pytest.raises(SpindexTypeError, match="list") as info:
        get_aggregator(["arithmetic"])  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)


# --------------------------------------------------------------------------- numerical soundness
def _power_mean_oracle(x: list[float], w: list[float], p: float) -> float:
    """The weighted power mean in 420-digit decimal arithmetic (the exact value to 1e-16)."""
    from decimal import Decimal, localcontext

    with localcontext() as dec:
        dec.prec = 420  # 1e-300 ** p differs from 1 in the 300th digit
        total = sum(Decimal(v) for v in w)
        pd_ = Decimal(p)
        s = sum(Decimal(wi) / total * (Decimal(xi).ln() * pd_).exp()
                for xi, wi in zip(x, w, strict=True))
        return float((s.ln() / pd_).exp())


@pytest.mark.parametrize("p", [1e-300, 1e-100, 1e-20, 1e-15, 1e-12, 1e-6, 1e-3, 0.5, 2.0,
                               7.0, 500.0, -1e-20, -1e-9, -0.5, -2.0, -500.0])
def test_generalized_mean_equals_high_precision_oracle(p) -> None:
    rng = np.random.default_rng(12)
    X = np.exp(rng.uniform(np.log(1e-3), np.log(1e3), size=(12, 5)))
    X[0] = [1.0, 100.0, 1e-3, 1e3, 5.0]
    w = np.array([1.0, 2.0, 0.5, 3.0, 1e-3])
    got = GeneralizedMean(p)(X, w, ctx(5, 12))
    expected = [_power_mean_oracle(list(row), list(w), p) for row in X]
    # A few ulps, times 1/|p| for large orders (the 1/p-th root spreads the sum's rounding).
    assert_allclose(got, expected, rtol=8e-16 * max(1.0, 8.0 / abs(p)) + 1e-15)


def test_generalized_mean_tends_to_the_geometric_mean_on_asem(asem_framework, asem_data) -> None:
    """p = 1e-20 gave 1.0 for every ASEM unit before (x**p rounds to 1); the power mean is the
    geometric one to rounding there, and within the first-order gap p/2 Var(log x) above it."""
    import spindex as sp

    def index(aggregate):
        model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100),
                                  aggregate=aggregate)
        return model.score(asem_data).index.to_numpy()

    geometric = index("geometric")
    assert np.all((geometric > 10) & (geometric < 89))
    for p in (1e-20, 1e-18, 1e-16, 1e-14, 1e-12):
        ratio = index(GeneralizedMean(p)) / geometric - 1
        # Three levels of power means of values in [1, 100]: 0 <= log-gap <= 3 p (log 100)^2 / 2.
        assert np.all(ratio >= -4e-15)
        assert np.all(ratio <= 4e-15 + 3 * p * math.log(100) ** 2 / 2)
    assert_allclose(index(GeneralizedMean(1e-20)), geometric, rtol=4e-15)


def test_generalized_mean_of_large_orders_does_not_overflow() -> None:
    X = np.array([[1.0, 100.0, 50.0], [1e300, 1e-300, 3.0], [0.0, 0.0, 0.0]])
    w = np.array([1.0, 1.0, 2.0])
    with np.errstate(over="raise", invalid="raise"):
        high = GeneralizedMean(500)(X, w, ctx(3, 3))
        low = GeneralizedMean(-500)(X[:2], w, ctx(3, 2))
    # (1/4)^(1/500) of the maximum: the largest value dominates.
    assert_allclose(high[:2], [100 * 0.25 ** (1 / 500), 1e300 * 0.25 ** (1 / 500)], rtol=1e-14)
    assert high[2] == 0.0
    assert_allclose(low, [0.25 ** (-1 / 500), 1e-300 * 0.25 ** (-1 / 500)], rtol=1e-14)


def test_generalized_mean_below_the_geometric_threshold_is_the_geometric_mean() -> None:
    X = np.array([[1.0, 100.0], [3.0, 7.0]])
    w = np.array([1.0, 3.0])
    geometric = Geometric()(X, w, ctx(2, 2))
    assert GeneralizedMean(1e-250).power == 0.0
    assert_array_equal(GeneralizedMean(1e-250)(X, w, ctx(2, 2)), geometric)
    assert_array_equal(GeneralizedMean(-1e-250)(X, w, ctx(2, 2)), geometric)


@pytest.mark.parametrize("method", [Arithmetic(), Geometric(), Harmonic(), GeneralizedMean(3),
                                    GeneralizedMean(-2), WeightedMedian(), MazziottaPareto(),
                                    Copeland(), Copeland(score="outranking")])
def test_huge_weights_weigh_like_their_ratios(method) -> None:
    """Two weights of 1e308 sum to inf: every normalised weight became 0 and the index 0."""
    X = np.array([[10.0, 40.0, 20.0], [20.0, 30.0, nan], [90.0, 1.0, 5.0]])
    huge = np.array([1e308, 1e308, 0.5e308])
    plain = np.array([2.0, 2.0, 1.0])
    with np.errstate(over="raise"):
        got = method(X, huge, ctx(3, 3))
    # 1e308 is not a power of two times 2, so the weights round differently: a few ulps.
    assert_allclose(got, method(X, plain, ctx(3, 3)), rtol=2e-15)


def test_huge_framework_weights_score_like_their_ratios() -> None:
    import pandas as pd

    import spindex as sp

    def framework(w):
        return sp.Framework.from_records([
            {"code": "I"}, {"code": "a", "parent": "I", "weight": w},
            {"code": "b", "parent": "I", "weight": w}, {"code": "c", "parent": "I", "weight": 1.0},
        ])

    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0], "c": [5.0, 9.0, 1.0]},
                        index=["u", "v", "w"])
    fw = framework(1e308)
    assert fw.normalized_weights()[["a", "b"]].tolist() == [0.5, 0.5]
    assert_allclose(fw.normalized_weights()["c"], 0.5e-308, rtol=1e-6)  # subnormal
    for aggregate in ("arithmetic", "geometric", sp.GeneralizedMean(2)):
        model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate=aggregate)
        equal = sp.CompositeIndex(framework(1.0), normalize=sp.MinMax(1, 100),
                                  aggregate=aggregate).with_weights({"c": 0.0})
        assert_allclose(model.score(data).index, equal.score(data).index, rtol=1e-14)
