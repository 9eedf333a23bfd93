"""Hostile values, dtypes and keyed mappings at every public entry point that takes numbers.

Each case builds its inputs, calls one entry point and expects a SpindexError subclass whose
message names the culprit (column, unit, node, key, parameter) and the value, and checks that
the inputs were not modified. The second half checks the inputs that must be *accepted* the
same way everywhere: pandas nullable dtypes with ``<NA>`` and categoricals of numbers.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import spindex as sp
from spindex import weighting
from spindex._values import real_column
from spindex.analysis.correlation import collinear_pairs, correlation_matrix
from spindex.errors import DataError, FrameworkError, MethodError, ParameterError, SpindexError
from spindex.errors import SpindexTypeError as TypeErr
from spindex.methods.treat import FunctionTreatment

# --------------------------------------------------------------------------- fixtures

SPEC = {"code": "I", "children": [
    {"code": "P1", "children": [{"code": "a"}, {"code": "b"}]},
    {"code": "P2", "children": [{"code": "c"}, {"code": "d"}]},
]}
FW = sp.Framework.from_dict(SPEC)
UNITS = ["U1", "U2", "U3", "U4", "U5", "U6"]
DATA = pd.DataFrame(
    {"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5], "c": [5.0, 3, 1, 2, 4, 6],
     "d": [0.5, 0.1, 0.9, 0.3, 0.7, 0.2]},
    index=UNITS,
)
MODEL = sp.CompositeIndex(FW)
VALUES = MODEL.normalized(DATA)


def with_value(frame: pd.DataFrame, unit: str, column: str, value: Any,
               dtype: Any = object) -> pd.DataFrame:
    out = frame.astype({column: dtype})
    out.loc[unit, column] = value
    return out


def framework_default_node() -> sp.Framework:
    return sp.Framework.from_dict({"code": "I", "children": [
        {"code": "default", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "P2", "children": [{"code": "c"}, {"code": "d"}]},
    ]})


def dyads(values: Any = None, years: Any = 2010) -> pd.DataFrame:
    t = pd.DataFrame({
        "source": ["CHN", "CHN", "JPN", "CHN", "CHN", "JPN"],
        "target": ["THA", "VNM", "THA", "THA", "VNM", "THA"],
        "indicator": ["tour_arrivals"] * 3 + ["op_trust"] * 3,
        "year": years,
        "value": [9.8e6, 4.0e6, 1.54e6, 30.0, 60.0, 80.0],
    })
    if values is not None:
        t["value"] = values
    return t


POP = pd.Series({"THA": 70.0, "VNM": 30.0})
MONEY = pd.DataFrame({"source": ["JPN", "JPN"], "target": ["KHM", "IDN"],
                      "indicator": ["aid_oda"] * 2, "year": [2008, 2008],
                      "value": [5420.0, 100.0], "currency": ["JPY", "USD"]})
POINTS = pd.DataFrame({"P1": [60.0, 40], "P2": [40.0, 60]}, index=["Ann", "Bo"])
AHP = [[1.0, 3.0], [1 / 3, 1.0]]


def table_with_weight(weight: Any) -> pd.DataFrame:
    return pd.DataFrame({"code": ["I", "a", "b"], "parent": [None, "I", "I"], "weight": weight})


# --------------------------------------------------------------------------- the battery
# id -> (inputs, call(inputs), expected class, regex the message must match)
Case = tuple[dict[str, Any], Callable[[dict[str, Any]], Any], type[SpindexError], str]


def score(d: dict[str, Any]) -> Any:
    return d.get("model", MODEL).score(d["data"])


CASES: dict[str, Case] = {
    # --- data values through score()
    "score-complex-dtype": ({"data": DATA.astype({"b": complex})}, score, DataError,
                            r"Indicator 'b'.*complex.*\(2\+0j\).*'U1'"),
    "score-complex-entry": ({"data": with_value(DATA, "U3", "b", 4 + 1j)}, score, DataError,
                            r"Indicator 'b'.*complex number \(4\+1j\).*'U3'"),
    "score-inf": ({"data": with_value(DATA, "U2", "c", np.inf, float)}, score, DataError,
                  r"Indicator 'c'.*infinite.*'U2'.*inf"),
    "score-neg-inf": ({"data": with_value(DATA, "U5", "a", -np.inf, float)}, score, DataError,
                      r"Indicator 'a'.*infinite.*'U5'.*-inf"),
    "score-text": ({"data": with_value(DATA, "U4", "d", "n/a")}, score, DataError,
                   r"Indicator 'd'.*'n/a'.*'U4'.*to_numeric"),
    "score-numbers-as-text": ({"data": DATA.astype({"a": str})}, score, DataError,
                              r"Indicator 'a'.*text '1.0'.*'U1'"),
    "score-bool": ({"data": DATA.assign(a=[True, False] * 3)}, score, DataError,
                   r"Indicator 'a'.*boolean True.*'U1'"),
    "score-nullable-boolean": ({"data": DATA.assign(
        a=pd.array([True, None, False, True, False, True], dtype="boolean"))}, score,
        DataError, r"Indicator 'a'.*boolean True.*'U1'"),
    "score-categorical-text": ({"data": DATA.assign(a=pd.Categorical(list("xyzxyz")))},
                               score, DataError, r"Indicator 'a'.*text 'x'.*'U1'"),
    "score-object-complex-numpy": ({"data": with_value(DATA, "U6", "c", np.complex128(1 + 2j))},
                                   score, DataError, r"Indicator 'c'.*complex.*'U6'"),
    "score-datetime": ({"data": DATA.assign(b=pd.date_range("2020", periods=6))}, score,
                       DataError, r"Indicator 'b' is not numeric.*datetime"),
    # --- data_checks
    "data_checks-inf": ({"data": with_value(DATA, "U1", "b", np.inf, float)},
                        lambda d: sp.data_checks(d["data"], FW), DataError,
                        r"Indicator 'b'.*infinite.*'U1'"),
    "data_checks-complex": ({"data": DATA.astype({"c": complex})},
                            lambda d: sp.data_checks(d["data"], FW), DataError,
                            r"Indicator 'c'.*complex"),
    "data_checks-text": ({"data": with_value(DATA, "U2", "a", "1,5")},
                         lambda d: sp.data_checks(d["data"], FW), DataError,
                         r"Indicator 'a'.*'1,5'.*'U2'"),
    # --- node-value functions (weighting and correlation)
    **{
        f"{name}-{kind}": (
            {"values": frame}, call, DataError,
            rf"Column 'b' of the values given to {owner}.*{pattern}",
        )
        for name, owner, call in [
            ("entropy", "entropy", lambda d: weighting.entropy(FW, d["values"])),
            ("pca", "pca", lambda d: weighting.pca(FW, d["values"])),
            ("bod", "benefit_of_the_doubt",
             lambda d: weighting.benefit_of_the_doubt(FW, d["values"])),
            ("correlations", "correlations", lambda d: sp.correlations(FW, d["values"])),
            ("cronbach", "cronbach_alpha", lambda d: sp.cronbach_alpha(FW, d["values"])),
            ("group_pca", "group_pca", lambda d: sp.group_pca(FW, d["values"])),
            ("collinear", "collinear_pairs", lambda d: collinear_pairs(FW, d["values"])),
        ]
        for kind, frame, pattern in [
            ("inf", with_value(VALUES, "U3", "b", np.inf, float), r"infinite.*'U3'.*inf"),
            ("complex", with_value(VALUES, "U4", "b", 0.5 + 0.5j),
             r"complex.*\(0\.5\+0\.5j\).*'U4'"),
            ("text", with_value(VALUES, "U2", "b", "high"), r"text 'high'.*'U2'"),
        ]
    },
    "correlation_matrix-inf": ({"x": with_value(DATA, "U1", "a", -np.inf, float)},
                               lambda d: correlation_matrix(d["x"]), DataError,
                               r"Column 'a' of 'x'.*infinite.*'U1'.*-inf"),
    "correlation_matrix-complex": ({"x": DATA, "y": DATA.astype({"d": complex})},
                                   lambda d: correlation_matrix(d["x"], d["y"]), DataError,
                                   r"Column 'd' of 'y'.*complex"),
    "values-duplicated-column": ({"values": pd.concat([VALUES, VALUES[["a"]]], axis=1)},
                                 lambda d: weighting.entropy(FW, d["values"]), DataError,
                                 r"column 'a' more than once"),
    # --- budget allocation
    "budget-nan": ({"points": POINTS},
                   lambda d: weighting.budget_allocation(FW, d["points"], budget=np.nan),
                   ParameterError, r"'budget'.*NaN"),
    "budget-inf": ({"points": POINTS},
                   lambda d: weighting.budget_allocation(FW, d["points"], budget=np.inf),
                   ParameterError, r"'budget'.*finite.*inf"),
    "budget-negative": ({"points": POINTS},
                        lambda d: weighting.budget_allocation(FW, d["points"], budget=-100),
                        ParameterError, r"'budget'.*positive.*-100"),
    "budget-complex": ({"points": POINTS},
                       lambda d: weighting.budget_allocation(FW, d["points"], budget=100 + 1j),
                       TypeErr, r"'budget'.*complex.*\(100\+1j\)"),
    "budget-text": ({"points": POINTS},
                    lambda d: weighting.budget_allocation(FW, d["points"], budget="100"),
                    TypeErr, r"'budget'.*text '100'"),
    "allocations-complex": ({"points": POINTS.astype(complex)},
                            lambda d: weighting.budget_allocation(FW, d["points"]), MethodError,
                            r"complex.*\(60\+0j\).*'Ann'.*'P1'"),
    "allocations-text": ({"points": with_value(POINTS, "Bo", "P2", "sixty")},
                         lambda d: weighting.budget_allocation(FW, d["points"]), MethodError,
                         r"text 'sixty'.*'Bo'.*'P2'"),
    "allocations-inf": ({"points": with_value(POINTS, "Bo", "P1", np.inf, float)},
                        lambda d: weighting.budget_allocation(FW, d["points"]), MethodError,
                        r"'Bo'.*'P1'.*inf"),
    # --- AHP
    "ahp-complex": ({"m": [[1.0, 3 + 1j], [1 / 3, 1.0]]},
                    lambda d: weighting.ahp(FW, d["m"], node="I"), MethodError,
                    r"complex"),
    "ahp-complex-array": ({"m": np.array([[1.0, 3 + 2j], [1 / 3, 1.0]])},
                          lambda d: weighting.ahp(FW, d["m"], node="I"), MethodError,
                          r"complex number \(3\+2j\) for 'P1' over 'P2'"),
    "ahp-text": ({"m": [[1.0, "3"], [1 / 3, 1.0]]},
                 lambda d: weighting.ahp(FW, d["m"], node="I"), MethodError,
                 r"text '3' for 'P1' over 'P2'"),
    "ahp-inf": ({"m": [[1.0, np.inf], [0.0, 1.0]]},
                lambda d: weighting.ahp(FW, d["m"], node="I"), MethodError,
                r"'P1' over .*'P2' is inf"),
    "ahp-frame-text": ({"m": pd.DataFrame([[1, "x"], [1 / 3, 1]], index=["P1", "P2"],
                                          columns=["P1", "P2"])},
                       lambda d: weighting.ahp(FW, d["m"]), MethodError,
                       r"text 'x' for 'P1' over 'P2'"),
    # --- framework tables and weights
    "table-NA-weight-Float64": ({"t": table_with_weight(pd.array([None, 1.0, None],
                                                                 dtype="Float64"))},
                                lambda d: sp.Framework.from_table(d["t"]), FrameworkError,
                                r"Node 'b' has a missing \(NaN\) weight"),
    "table-NA-weight-Int64": ({"t": table_with_weight(pd.array([None, None, 2], dtype="Int64"))},
                              lambda d: sp.Framework.from_table(d["t"]), FrameworkError,
                              r"Node 'a' has a missing \(NaN\) weight"),
    "table-NA-weight-object": ({"t": table_with_weight([None, 1.0, pd.NA])},
                               lambda d: sp.Framework.from_table(d["t"]), FrameworkError,
                               r"Node 'b' has a missing \(NaN\) weight"),
    "table-complex-weight": ({"t": table_with_weight(pd.Series([None, 1.0, 2 + 1j],
                                                               dtype=object))},
                             lambda d: sp.Framework.from_table(d["t"]), FrameworkError,
                             r"Node 'b' has weight \(2\+1j\).*real number"),
    "table-complex-weight-column": ({"t": table_with_weight([np.nan, 1.0, 2 + 1j])},
                                    lambda d: sp.Framework.from_table(d["t"]), FrameworkError,
                                    r"Node 'a' has weight \(1\+0j\).*real number"),
    "table-inf-weight": ({"t": table_with_weight([None, np.inf, 1.0])},
                         lambda d: sp.Framework.from_table(d["t"]), FrameworkError,
                         r"Node 'a' has weight inf.*finite"),
    "with_weights-unknown": ({"w": {"P3": 2.0}}, lambda d: FW.with_weights(d["w"]),
                             FrameworkError, r"'P3'.*not a node.*Did you mean .*'P1'"),
    "with_weights-duplicate-series": ({"w": pd.Series([1.0, 2.0], index=["P1", "P1"])},
                                      lambda d: FW.with_weights(d["w"]), FrameworkError,
                                      r"names 'P1' twice"),
    "with_weights-NA": ({"w": {"P1": pd.NA}}, lambda d: FW.with_weights(d["w"]),
                        FrameworkError, r"Node 'P1' has a missing \(NaN\) weight"),
    "with_weights-complex": ({"w": {"a": np.complex128(1 + 0j)}},
                             lambda d: FW.with_weights(d["w"]), FrameworkError,
                             r"Node 'a' has weight .*1\+0j.*real number"),
    "with_weights-scalar-complex": ({}, lambda d: FW.with_weights(np.complex128(2), level=2),
                                    FrameworkError, r"Node 'P1' has weight .*2\+0j.*real"),
    "with_weights-scalar-nan": ({}, lambda d: FW.with_weights(np.nan, level=2),
                                FrameworkError, r"Node 'P1' has a missing \(NaN\) weight"),
    "with_weight_set-unknown": ({"w": {"c ": 2.0}}, lambda d: FW.with_weight_set("x", d["w"]),
                                FrameworkError, r"'c '.*Did you mean 'c'"),
    "model.with_weights-unknown": ({"w": {"bb": 2.0}}, lambda d: MODEL.with_weights(d["w"]),
                                   FrameworkError, r"'bb'.*Did you mean 'b'"),
    # --- keyed method maps of CompositeIndex
    "normalize-unknown": ({"m": {"aa": "rank"}}, lambda d: sp.CompositeIndex(FW, normalize=d["m"]),
                          ParameterError, r"'normalize' mapping.*'aa'.*Did you mean 'a'"),
    "normalize-default-typo": ({"m": {"defualt": "rank"}},
                               lambda d: sp.CompositeIndex(FW, normalize=d["m"]),
                               ParameterError, r"'defualt'.*Did you mean 'default'"),
    "aggregate-unknown": ({"m": {"P3": "geometric"}},
                          lambda d: sp.CompositeIndex(FW, aggregate=d["m"]),
                          ParameterError, r"'aggregate' mapping.*'P3'.*Did you mean .*'P1'"),
    "aggregate-indicator": ({"m": {"a": "geometric"}},
                            lambda d: sp.CompositeIndex(FW, aggregate=d["m"]),
                            ParameterError, r"'a' is an indicator"),
    "aggregate-duplicate-key": ({"m": {2: "geometric", "2": "median"}},
                                lambda d: sp.CompositeIndex(FW, aggregate=d["m"]),
                                ParameterError, r"'aggregate' mapping.*twice \(2 and '2'\)"),
    "min_coverage-unknown": ({"m": {"PP2": 0.5}},
                             lambda d: sp.CompositeIndex(FW, min_coverage=d["m"]),
                             ParameterError, r"'min_coverage' mapping.*'PP2'.*'P2'"),
    "min_coverage-nan": ({"m": {"P2": np.nan}},
                         lambda d: sp.CompositeIndex(FW, min_coverage=d["m"]),
                         ParameterError, r"'min_coverage'.*nan"),
    "treat-unknown": ({"m": {"c ": "none"}}, lambda d: sp.CompositeIndex(FW, treat=d["m"]),
                      ParameterError, r"'treat' mapping.*'c '.*Did you mean 'c'"),
    "denominate-unknown": ({"m": {"dd": "pop"}},
                           lambda d: sp.CompositeIndex(FW, denominate=d["m"]),
                           ParameterError, r"'denominate' mapping.*'dd'.*Did you mean 'd'"),
    "goalposts-low-unknown": ({"low": {"a": 0, "b": 0, "c": 0, "d": 0, "zz": 0}},
                              lambda d: sp.CompositeIndex(
                                  FW, normalize=sp.Goalposts(low=d["low"], high=10)),
                              ParameterError, r"'low' mapping of Goalposts.*'zz'"),
    "goalposts-high-typo": ({"high": {"a": 9, "b": 9, "c": 9, "dd": 9}},
                            lambda d: sp.CompositeIndex(
                                FW, normalize={"P2": sp.Goalposts(low=0, high=d["high"])}),
                            ParameterError, r"'high' mapping of Goalposts.*'dd'.*'d'"),
    "goalposts-duplicate-key": ({"low": {1: 0.0, "1": 1.0}},
                                lambda d: sp.Goalposts(low=d["low"], high=10), ParameterError,
                                r"'low' mapping of Goalposts.*twice"),
    "goalposts-complex": ({"low": {"a": 1j}}, lambda d: sp.Goalposts(low=d["low"], high=10),
                          TypeErr, r"low\['a'\].*complex"),
    "default-node-normalize": ({"m": {"default": "rank"}},
                               lambda d: sp.CompositeIndex(framework_default_node(),
                                                           normalize=d["m"]),
                               ParameterError, r"'normalize'.*node coded 'default'.*ambiguous"),
    "default-node-aggregate": ({"m": {"default": "geometric", "P2": "median"}},
                               lambda d: sp.CompositeIndex(framework_default_node(),
                                                           aggregate=d["m"]),
                               ParameterError, r"'aggregate'.*node coded 'default'.*level"),
    "default-node-treat": ({"m": {"default": "none"}},
                           lambda d: sp.CompositeIndex(framework_default_node(), treat=d["m"]),
                           ParameterError, r"'treat'.*node coded 'default'"),
    "default-node-min_coverage": ({"m": {"default": 0.5}},
                                  lambda d: sp.CompositeIndex(framework_default_node(),
                                                              min_coverage=d["m"]),
                                  ParameterError, r"'min_coverage'.*node coded 'default'"),
    "bod-restriction-unknown": ({"v": VALUES, "r": {"aa": 0.1}},
                                lambda d: weighting.benefit_of_the_doubt(
                                    FW, d["v"], share_lower=d["r"]),
                                FrameworkError, r"'share_lower'.*'aa'.*Did you mean 'a'"),
    "bod-restriction-complex": ({"v": VALUES, "r": {"a": 0.1j}},
                                lambda d: weighting.benefit_of_the_doubt(
                                    FW, d["v"], share_lower=d["r"]),
                                TypeErr, r"'share_lower' restriction of 'a'.*complex"),
    "screen-min_coverage-nan": ({}, lambda d: sp.Screen(min_coverage=np.nan), ParameterError,
                                r"'min_coverage'.*nan"),
    # --- user functions whose results are complex (a cast would drop the imaginary part)
    "impute-function-complex": (
        {"data": with_value(DATA, "U2", "b", np.nan, float)},
        lambda d: sp.CompositeIndex(FW, impute=lambda col: np.where(
            np.isnan(col), 1 + 1j, col)).score(d["data"]),
        MethodError, r"imputation function .*'b'.*complex number \(1\+1j\)"),
    "treat-function-complex": (
        {"data": DATA}, lambda d: sp.CompositeIndex(FW, treat=FunctionTreatment(
            lambda x: x * 1j, force=True)).score(d["data"]),
        MethodError, r"treatment function .*'a'.*complex"),
    # --- denominators
    "denominator-complex": (
        {"data": DATA.assign(pop=[1.0, 2, 3, 4, 5, 6 + 1j])},
        lambda d: sp.CompositeIndex(FW, denominate={"a": "pop"}).score(d["data"]),
        DataError, r"denominator column 'pop'.*complex.*'U6'"),
    "denominator-text": (
        {"data": DATA.assign(pop=["1", 2, 3, 4, 5, 6])},
        lambda d: sp.CompositeIndex(FW, denominate={"a": "pop"}).score(d["data"]),
        DataError, r"denominator column 'pop'.*text '1'.*'U1'"),
    # --- dyadic tables
    "dyadic-unknown-target": ({"t": dyads()},
                              lambda d: sp.aggregate_dyadic(d["t"], targets=["THB"]),
                              DataError, r"targets 'THB'.*has a row.*Did you mean 'THA'"),
    "dyadic-missing-year": ({"t": dyads()}, lambda d: sp.aggregate_dyadic(d["t"], year=2011),
                            DataError, r"'tour_arrivals' has no value in 2011.*2010"),
    "dyadic-missing-year-one-indicator": (
        {"t": dyads()}, lambda d: sp.aggregate_dyadic(d["t"], year={"op_trust": 2012}),
        DataError, r"'op_trust' has no value in 2012.*2010"),
    "dyadic-missing-years-list": (
        {"t": dyads()}, lambda d: sp.aggregate_dyadic(d["t"], year=[2011, 2012]),
        DataError, r"no value in any of \[2011, 2012\]"),
    "per_target-missing-year": ({"t": dyads()}, lambda d: sp.per_target(d["t"], year=1999),
                                DataError, r"no value in 1999.*2010"),
    "dyadic-zero-weights": ({"t": dyads(), "w": POP * 0},
                            lambda d: sp.aggregate_dyadic(d["t"], weights=d["w"]),
                            ParameterError, r"weights are all zero"),
    "dyadic-zero-weights-on-targets": (
        {"t": dyads(), "w": pd.Series({"THA": 0.0, "VNM": 0.0, "LAO": 5.0})},
        lambda d: sp.aggregate_dyadic(d["t"], weights=d["w"]),
        DataError, r"'op_trust' in 2010 all have weight zero"),
    "dyadic-complex-weight": ({"t": dyads(), "w": pd.Series({"THA": 1 + 1j, "VNM": 1.0})},
                              lambda d: sp.aggregate_dyadic(d["t"], weights=d["w"]),
                              ParameterError, r"'weights'.*complex.*\(1\+1j\).*'THA'"),
    "dyadic-NA-weight": ({"t": dyads(), "w": pd.Series({"THA": pd.NA, "VNM": 1.0})},
                         lambda d: sp.aggregate_dyadic(d["t"], weights=d["w"]),
                         ParameterError, r"target 'THA'.*non-negative.*<NA>"),
    "dyadic-complex-value": ({"t": dyads([1.0, 2, 3 + 1j, 4, 5, 6])},
                             lambda d: sp.aggregate_dyadic(d["t"]), DataError,
                             r"complex number \(3\+1j\).*source 'JPN', target 'THA'"),
    "dyadic-inf-value": ({"t": dyads([1.0, 2, 3, 4, -np.inf, 6])},
                         lambda d: sp.aggregate_dyadic(d["t"]), DataError,
                         r"infinite.*source 'CHN', target 'VNM', indicator 'op_trust'.*-inf"),
    "dyadic-text-value": ({"t": dyads(["1", 2, 3, 4, 5, 6])},
                          lambda d: sp.per_target(d["t"]), DataError,
                          r"text '1'.*source 'CHN', target 'THA'"),
    "dyadic-bool-value": ({"t": dyads([True] * 6)}, lambda d: sp.aggregate_dyadic(d["t"]),
                          DataError, r"boolean True.*source 'CHN'"),
    "rates-complex": ({"t": MONEY, "r": {"JPY": 0.01j}},
                      lambda d: sp.convert_currency(d["t"], rates=d["r"]), ParameterError,
                      r"'rates'.*complex number 0\.01j for currency 'JPY'"),
    "rates-text": ({"t": MONEY, "r": {"JPY": "0.01"}},
                   lambda d: sp.convert_currency(d["t"], rates=d["r"]), ParameterError,
                   r"'rates'.*text '0\.01' for currency 'JPY'"),
    "rates-inf": ({"t": MONEY, "r": {"JPY": np.inf}},
                  lambda d: sp.convert_currency(d["t"], rates=d["r"]), ParameterError,
                  r"rate for 'JPY' must be a positive number.*inf"),
    "dyadic-mapping-typo": ({"t": dyads()},
                            lambda d: sp.aggregate_dyadic(d["t"], min_coverage={"op_trst": 1}),
                            ParameterError, r"'op_trst'.*Did you mean 'op_trust'"),
    "dyadic-default-indicator": (
        {"t": dyads().replace({"indicator": {"op_trust": "default"}})},
        lambda d: sp.aggregate_dyadic(d["t"], rules={"tour_arrivals": "sum", "default": "mean"},
                                      year={"default": 2010}),
        ParameterError, r"'year' mapping.*indicator coded 'default'.*ambiguous"),
}


def _snapshot(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in inputs.items()}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame | pd.Series):
        return (a.equals(b) and bool((a.dtypes == b.dtypes).all()) if isinstance(a, pd.DataFrame)
                else a.equals(b) and a.dtype == b.dtype) and a.index.equals(b.index)
    if isinstance(a, np.ndarray):
        return bool(np.array_equal(a, b, equal_nan=True)) and a.dtype == b.dtype
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a is b or a == b or (a is pd.NA and b is pd.NA)
                or (isinstance(a, float) and np.isnan(a) and np.isnan(b)))


def test_the_battery_is_large() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_refused_by_name(name: str) -> None:
    inputs, call, expected, pattern = CASES[name]
    before = _snapshot(inputs)
    with pytest.raises(expected, match=pattern) as info:
        call(inputs)
    assert isinstance(info.value, SpindexError)
    assert isinstance(info.value, ValueError | TypeError)
    for key, value in inputs.items():
        assert _same(value, before[key]), f"input {key!r} was modified"


# --------------------------------------------------------------------------- accepted alike


def _nullable(frame: pd.DataFrame, dtype: str) -> pd.DataFrame:
    return frame.astype(dtype)


WITH_GAP = with_value(DATA, "U2", "b", np.nan, float)


@pytest.mark.parametrize("dtype", ["Float64", "Int64"])
def test_nullable_data_scores_like_float_with_nan(dtype: str) -> None:
    base = (WITH_GAP * 10).round()
    nullable = base.astype(dtype)
    assert nullable["b"].isna().sum() == 1
    before = nullable.copy()
    expected = MODEL.score(base).scores
    pd.testing.assert_frame_equal(MODEL.score(nullable).scores, expected)
    pd.testing.assert_frame_equal(nullable, before)


def test_categorical_of_numbers_is_read_as_its_numbers() -> None:
    cat = DATA.assign(c=pd.Categorical(DATA["c"]))
    pd.testing.assert_frame_equal(MODEL.score(cat).scores, MODEL.score(DATA).scores)
    gap = WITH_GAP.assign(b=pd.Categorical(WITH_GAP["b"]))
    pd.testing.assert_frame_equal(MODEL.score(gap).scores, MODEL.score(WITH_GAP).scores)


def test_object_column_of_real_numbers_is_accepted() -> None:
    obj = WITH_GAP.astype({"b": object})
    obj.loc["U2", "b"] = pd.NA
    pd.testing.assert_frame_equal(MODEL.score(obj).scores, MODEL.score(WITH_GAP).scores)


@pytest.mark.parametrize("entry", ["entropy", "correlations", "data_checks", "cronbach"])
def test_nullable_values_mean_missing_everywhere(entry: str) -> None:
    values = VALUES.copy()
    values.loc["U2", "b"] = np.nan
    nullable = values.astype("Float64")
    calls: dict[str, Callable[[pd.DataFrame], Any]] = {
        "entropy": lambda v: weighting.entropy(FW, v).weights,
        "correlations": lambda v: sp.correlations(FW, v).r,
        "data_checks": lambda v: sp.data_checks(v, FW).indicators,
        "cronbach": lambda v: sp.cronbach_alpha(FW, v),
    }
    got, want = calls[entry](nullable), calls[entry](values)
    if isinstance(want, pd.Series):
        pd.testing.assert_series_equal(got, want)
    else:
        pd.testing.assert_frame_equal(got, want)


def test_nullable_dyadic_values_are_missing() -> None:
    base = dyads([1.0, 2.0, 3.0, np.nan, 5.0, 6.0])
    nullable = base.assign(value=pd.array([1, 2, 3, None, 5, 6], dtype="Int64"))
    pd.testing.assert_frame_equal(sp.aggregate_dyadic(nullable).data,
                                  sp.aggregate_dyadic(base).data)


def test_nullable_framework_table_reads_like_float() -> None:
    table = pd.DataFrame({"code": ["I", "a", "b"], "parent": [None, "I", "I"],
                          "weight": pd.array([None, 1, 3], dtype="Int64"),
                          "direction": pd.array([None, -1, None], dtype="Int64")})
    fw = sp.Framework.from_table(table)
    assert fw.weights.to_dict() == {"a": 1.0, "b": 3.0, "I": 1.0}
    assert fw.directions.to_dict() == {"a": -1, "b": 1}
    as_category = table.assign(weight=pd.Categorical([None, 1.0, 3.0]))
    assert sp.Framework.from_table(as_category).weights.to_dict() == fw.weights.to_dict()


def test_default_node_is_reachable_through_the_root_and_levels() -> None:
    fw = framework_default_node()
    model = sp.CompositeIndex(fw, normalize={"I": "rank", "P2": "minmax"},
                              aggregate={2: "geometric", "P2": "median"})
    assert model.normalizer("a").name == "rank" and model.normalizer("c").name == "minmax"
    assert model.aggregator("default").name == "geometric"
    assert model.aggregator("P2").name == "median"
    assert model.aggregator("I").name == "arithmetic"


def test_goalposts_keys_for_indicators_of_other_methods_are_allowed() -> None:
    gp = sp.Goalposts(low={"a": 0, "b": 0, "c": 0, "d": 0}, high=10)
    model = sp.CompositeIndex(FW, normalize={"P1": gp, "P2": "minmax"})
    assert model.score(DATA).scores.notna().all().all()


def test_a_zero_weight_target_in_a_weighted_mean_is_fine() -> None:
    agg = sp.aggregate_dyadic(dyads(), weights=pd.Series({"THA": 1.0, "VNM": 0.0}))
    assert agg.data.loc["CHN", "op_trust"] == pytest.approx(30.0)


# --------------------------------------------------------------------------- one rule, any dtype
_CELLS = st.lists(st.one_of(st.floats(allow_infinity=False, width=32), st.none()),
                  min_size=1, max_size=12)


@given(_CELLS)
@example(cells=[None])  # a categorical with no category at all
def test_every_dtype_of_the_same_numbers_reads_the_same(cells: list[float | None]) -> None:
    want = np.array([np.nan if c is None else c for c in cells], dtype=float)
    index = [f"u{i}" for i in range(len(cells))]
    for series in (pd.Series(want, index=index),
                   pd.Series(pd.array(cells, dtype="Float64"), index=index),
                   pd.Series(cells, index=index, dtype=object),
                   pd.Series(pd.Categorical(want), index=index)):
        got = real_column(series, "Indicator 'x'")
        np.testing.assert_array_equal(got, want)


@given(_CELLS, st.integers(0, 11), st.sampled_from([np.inf, -np.inf, 1j, "1", True]))
def test_a_bad_cell_is_named_by_unit_whatever_the_rest(
        cells: list[float | None], where: int, bad: object) -> None:
    where = where % len(cells)
    cells = [*cells]
    cells[where] = bad  # type: ignore[call-overload]
    series = pd.Series(cells, index=[f"u{i}" for i in range(len(cells))], dtype=object)
    with pytest.raises(DataError, match=rf"Indicator 'x'.*'u{where}'"):
        real_column(series, "Indicator 'x'")
