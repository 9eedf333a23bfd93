"""Hostile inputs at the framework, data-shape and user-code boundaries (issue 12).

Every case must end in a spindex error of the stated class whose message names the culprit
(the node, indicator, file, function or parameter), and must leave its inputs unchanged.
A few inputs that look hostile but have one right answer are checked for that answer.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import DataError, FrameworkError, MethodError, SpindexTypeError
from spindex.methods import FunctionTreatment, Normalizer, Treatment

# --------------------------------------------------------------------------- fixtures
FW = sp.Framework.from_dict({"code": "I", "children": [
    {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
    {"code": "c"},
]})
DATA = pd.DataFrame(
    {"a": [1.0, 2.0, 3.0, 4.0], "b": [3.0, 1.0, 2.0, 5.0], "c": [1.0, 1.0, 2.0, np.nan],
     "note": ["w", "x", "y", "z"]},
    index=pd.Index(["W", "X", "Y", "Z"], name="unit"),
)


def _meta(**columns: list[Any]) -> pd.DataFrame:
    base = {
        "iCode": ["Index", "P", "a", "b"],
        "Parent": [None, "Index", "P", "P"],
        "Type": ["Aggregate", "Aggregate", "Indicator", "Indicator"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def _toml(tmp: Path, name: str, content: bytes | str | None) -> Path:
    path = tmp / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _boom(x: Any, *rest: Any) -> Any:
    raise ZeroDivisionError("user code failed")


class _RaisingNormalizer(Normalizer):
    name = "raising"

    def __call__(self, X: Any, ctx: Any) -> Any:
        raise KeyError("lost column")


class _ComplexNormalizer(Normalizer):
    name = "complexnorm"

    def __call__(self, X: Any, ctx: Any) -> Any:
        return X + 1j


class _WrongTreatment(Treatment):
    name = "wrongtreat"

    def __call__(self, x: Any, label: str = "x") -> Any:
        return x


def _score(**model: Any) -> Callable[[Any], Any]:
    def run(inputs: dict[str, Any]) -> Any:
        return sp.CompositeIndex(FW, **model).score(inputs["data"])
    return run


@dataclass
class Case:
    """Build the inputs (in a temporary folder), run ``call`` on them, expect ``error``
    with a message matching ``culprit``."""

    call: Callable[[dict[str, Any]], Any]
    error: type[Exception]
    culprit: str
    inputs: Callable[[Path], dict[str, Any]] = field(default=lambda tmp: {"data": DATA.copy()})
    cause: type[BaseException] | None = None


def _table(table: pd.DataFrame) -> Callable[[Path], dict[str, Any]]:
    return lambda tmp: {"table": table.copy()}


def _from_table(inputs: dict[str, Any]) -> Any:
    return sp.Framework.from_table(inputs["table"])


def _from_toml(inputs: dict[str, Any]) -> Any:
    return sp.Framework.from_toml(inputs["path"])


def _path(name: str, content: bytes | str | None) -> Callable[[Path], dict[str, Any]]:
    return lambda tmp: {"path": _toml(tmp, name, content)}


def _data(frame: Any) -> Callable[[Path], dict[str, Any]]:
    return lambda tmp: {"data": frame.copy() if hasattr(frame, "copy") else frame}


_PANEL = pd.concat({2020: DATA, 2021: DATA}, names=["year"]).swaplevel().sort_index()
_INT_COLUMNS = pd.DataFrame({1: [1.0, 2.0, 3.0], 2: [3.0, 1.0, 2.0], "1": [5.0, 6.0, 7.0]},
                            index=["u", "v", "w"])
_FW_INT = sp.Framework.from_dict({"code": "I", "children": [{"code": 1}, {"code": 2}]})

CASES: dict[str, Case] = {
    # ---- frameworks: structure
    "root row missing": Case(
        lambda i: sp.Framework.from_records(i["records"]), FrameworkError,
        r"'P'.*parent 'Index'.*not a node.*add a row for 'Index'",
        lambda tmp: {"records": [{"code": "P", "parent": "Index"}, {"code": "a", "parent": "P"}]}),
    "root given a parent": Case(
        lambda i: sp.Framework.from_records(i["records"]), FrameworkError,
        r"'I' have parent 'World'.*If 'I' is the index, leave its parent empty",
        lambda tmp: {"records": [{"code": "I", "parent": "World"}, {"code": "a", "parent": "I"}]}),
    "root Type skipped": Case(
        _from_table, FrameworkError, r"'Index', the parent of 'P', has Type 'Group'.*skipped",
        _table(_meta(Type=["Group", "Aggregate", "Indicator", "Indicator"]))),
    "root Type blank": Case(
        _from_table, FrameworkError, r"'Index' have a blank Type",
        _table(_meta(Type=[None, "Aggregate", "Indicator", "Indicator"]))),
    "indicator Type blank": Case(
        _from_table, FrameworkError, r"'b' have a blank Type",
        _table(_meta(Type=["Aggregate", "Aggregate", "Indicator", pd.NA]).astype("string"))),
    "Aggregate without children": Case(
        _from_table, FrameworkError, r"'Q' has Type 'Aggregate' but no node names it",
        _table(pd.DataFrame({"iCode": ["Index", "P", "Q", "a"],
                             "Parent": [None, "Index", "Index", "P"],
                             "Type": ["Aggregate", "Aggregate", "Aggregate", "Indicator"]}))),
    "Indicator with children": Case(
        _from_table, FrameworkError, r"'P' has Type 'Indicator' but is the parent of 'a', 'b'",
        _table(_meta(Type=["Aggregate", "Indicator", "Indicator", "Indicator"]))),
    "several missing parents": Case(
        lambda i: sp.Framework.from_records(i["records"]), FrameworkError,
        r"parent 'X'.*other missing parents: 'Y'",
        lambda tmp: {"records": [{"code": "I"}, {"code": "a", "parent": "X"},
                                 {"code": "b", "parent": "Y"}]}),
    "a real cycle still says cycle": Case(
        lambda i: sp.Framework.from_records(i["records"]), FrameworkError,
        r"'P', 'Q' form a cycle",
        lambda tmp: {"records": [{"code": "I"}, {"code": "a", "parent": "I"},
                                 {"code": "P", "parent": "Q"}, {"code": "Q", "parent": "P"}]}),
    # ---- frameworks: files
    "toml is a directory": Case(_from_toml, DataError, r"d\.toml is a directory",
                                _path("d.toml", None)),
    "toml is binary": Case(_from_toml, DataError, r"bin\.toml is not UTF-8.*0x80",
                           _path("bin.toml", bytes(range(256)))),
    "toml is latin-1": Case(_from_toml, DataError, r"latin\.toml is not UTF-8.*0xe9",
                            _path("latin.toml", "[nodes.Indéx]\n".encode("latin-1"))),
    "toml missing": Case(_from_toml, FrameworkError, r"not found: .*nope\.toml",
                         lambda tmp: {"path": tmp / "nope.toml"}),
    "toml invalid": Case(_from_toml, FrameworkError, r"bad\.toml is not valid TOML",
                         _path("bad.toml", "[nodes\n")),
    "toml invalid tree": Case(
        _from_toml, FrameworkError, r"tree\.toml: .*'a' has negative weight",
        _path("tree.toml", "[nodes.I]\n[nodes.a]\nparent = 'I'\nweight = -1\n")),
    "toml without nodes": Case(_from_toml, FrameworkError, r"empty\.toml: .*\[nodes\.CODE\]",
                               _path("empty.toml", "title = 'x'\n")),
    "toml path not a path": Case(_from_toml, SpindexTypeError, r"from_toml.*Got int",
                                 lambda tmp: {"path": 3}),
    # ---- frameworks: wrong types
    "from_table of a list": Case(_from_table, SpindexTypeError, r"from_table.*got list",
                                 lambda tmp: {"table": [["I", None]]}),
    "from_table of None": Case(_from_table, SpindexTypeError, r"from_table.*got NoneType",
                               lambda tmp: {"table": None}),
    "from_table without code": Case(_from_table, FrameworkError, r"no 'code' column.*'x'",
                                    _table(pd.DataFrame({"x": [1], "parent": [None]}))),
    "from_table without parent": Case(_from_table, FrameworkError, r"no 'parent' column",
                                      _table(pd.DataFrame({"code": ["I", "a"]}))),
    "from_dict of a list": Case(lambda i: sp.Framework.from_dict(i["spec"]), SpindexTypeError,
                                r"from_dict.*got list", lambda tmp: {"spec": [{"code": "I"}]}),
    "from_dict of None": Case(lambda i: sp.Framework.from_dict(i["spec"]), SpindexTypeError,
                              r"from_dict.*got NoneType", lambda tmp: {"spec": None}),
    "from_dict of a DataFrame": Case(
        lambda i: sp.Framework.from_dict(i["spec"]), SpindexTypeError, r"got DataFrame.*from_table",
        lambda tmp: {"spec": _meta()}),
    "from_records of a DataFrame": Case(
        lambda i: sp.Framework.from_records(i["spec"]), SpindexTypeError, r"Use.*from_table",
        lambda tmp: {"spec": _meta()}),
    "from_records of numbers": Case(
        lambda i: sp.Framework.from_records(i["spec"]), SpindexTypeError,
        r"Record number 2.*type int", lambda tmp: {"spec": [{"code": "I"}, 5]}),
    # ---- codes against data columns
    "int and str column for one code": Case(
        lambda i: sp.CompositeIndex(_FW_INT).score(i["data"]), DataError,
        r"Indicator '1' matches several data columns: 1, '1'", _data(_INT_COLUMNS)),
    "column differs in case": Case(
        _score(), DataError, r"no column for indicator\(s\) 'a'.*did you mean column 'A'",
        _data(DATA.rename(columns={"a": "A"}))),
    # ---- shapes
    "(unit, period) MultiIndex": Case(_score(), DataError, r"2-level row index.*score_panel",
                                      _data(_PANEL)),
    "a Series": Case(_score(), SpindexTypeError, r"got a Series.*to_frame\(\)\.T",
                     _data(DATA["a"])),
    "a row as a Series": Case(_score(), SpindexTypeError, r"Series \(named 'W'\)",
                              _data(DATA.loc["W"])),
    "an empty frame": Case(_score(), DataError, r"no rows", _data(DATA.iloc[:0])),
    "MultiIndex columns": Case(
        _score(), DataError, r"2-level columns",
        _data(pd.concat({"x": DATA[["a", "b", "c"]]}, axis=1))),
    "duplicated indicator column": Case(
        _score(), DataError, r"'a' appear more than once",
        _data(pd.concat([DATA, DATA[["a"]]], axis=1))),
    "a list of rows": Case(_score(), SpindexTypeError, r"got list",
                           lambda tmp: {"data": [[1.0, 2.0, 3.0]]}),
    "a numpy array": Case(_score(), SpindexTypeError, r"got ndarray",
                          lambda tmp: {"data": DATA[["a", "b", "c"]].to_numpy()}),
    "a NaN unit label": Case(_score(), DataError, r"unit label is missing",
                             _data(DATA.set_axis(["W", None, "Y", "Z"]))),
    # ---- user callables: normalisers
    "normaliser raises": Case(
        _score(normalize=_boom), MethodError,
        r"normalisation function _boom raised ZeroDivisionError for indicator 'a'.*f\(x\)",
        cause=ZeroDivisionError),
    "normaliser arity": Case(
        _score(normalize=lambda x, y: x), MethodError,
        r"<lambda>\(x, y\) cannot be called with 1 positional.*indicator 'a'", cause=TypeError),
    "normaliser shape": Case(_score(normalize=lambda x: x[:2]), MethodError,
                             r"returned shape \(2,\) for indicator 'a'"),
    "normaliser NaN": Case(_score(normalize=lambda x: x * np.nan), MethodError,
                           r"non-finite values for indicator 'a' at observed unit\(s\) 'W'"),
    "normaliser complex": Case(_score(normalize=lambda x: x + 1j), MethodError,
                               r"complex values for indicator 'a'"),
    "normaliser text": Case(_score(normalize=lambda x: np.array(["q"] * len(x))), MethodError,
                            r"dtype <U1, not numbers, for indicator 'a'"),
    "normaliser None": Case(_score(normalize=lambda x: None), MethodError,
                            r"returned shape \(\) for indicator 'a'"),
    "normaliser class raises": Case(
        _score(normalize=_RaisingNormalizer()), MethodError,
        r"normaliser raising raised KeyError for indicators \['a', 'b', 'c'\]", cause=KeyError),
    "normaliser class complex": Case(_score(normalize=_ComplexNormalizer()), MethodError,
                                     r"normaliser complexnorm returned complex values"),
    # ---- user callables: aggregators
    "aggregator raises": Case(
        _score(aggregate=_boom), MethodError,
        r"aggregation function _boom raised ZeroDivisionError for node 'P'.*f\(X, w\)",
        cause=ZeroDivisionError),
    "aggregator arity": Case(
        _score(aggregate=lambda X: X.mean(axis=1)), MethodError,
        r"<lambda>\(X\) cannot be called with 2 positional.*node 'P'", cause=TypeError),
    "aggregator keyword-only weights": Case(
        _score(aggregate=lambda X, *, w: X.mean(axis=1)), MethodError,
        r"<lambda>\(X, \*, w\) cannot be called.*node 'P'", cause=TypeError),
    "aggregator shape": Case(_score(aggregate=lambda X, w: X), MethodError,
                             r"returned shape \(4, 2\) at node 'P'"),
    "aggregator NaN": Case(_score(aggregate=lambda X, w: np.full(len(X), np.nan)), MethodError,
                           r"Aggregating 'P' with function gave a non-finite value for unit 'W'"),
    "aggregator complex": Case(_score(aggregate=lambda X, w: np.nanmean(X, axis=1) + 1j),
                               MethodError, r"complex values for node 'P'"),
    "per-node aggregator map with a bad function": Case(
        _score(aggregate={"P": lambda X, w: 1 / 0}), MethodError,
        r"raised ZeroDivisionError for node 'P'", cause=ZeroDivisionError),
    # ---- user callables: imputers and treatments
    "imputer raises": Case(_score(impute=_boom), MethodError,
                           r"imputation function _boom raised.*indicator 'c'",
                           cause=ZeroDivisionError),
    "imputer arity": Case(_score(impute=lambda: 0), MethodError,
                          r"<lambda>\(\) cannot be called with 1.*indicator 'c'", cause=TypeError),
    "imputer complex": Case(_score(impute=lambda x: x + 1j), MethodError,
                            r"complex values for indicator 'c'"),
    "treatment raises": Case(
        _score(treat=FunctionTreatment(_boom, force=True)), MethodError,
        r"treatment function _boom raised ZeroDivisionError for indicator 'a'",
        cause=ZeroDivisionError),
    "treatment arity": Case(
        _score(treat=FunctionTreatment(lambda x, y: x, force=True)), MethodError,
        r"<lambda>\(x, y\) cannot be called.*indicator 'a'", cause=TypeError),
    "treatment complex": Case(
        _score(treat=FunctionTreatment(lambda x: x + 1j, force=True)), MethodError,
        r"treatment function <lambda> returned complex values for indicator 'a'"),
    "treatment class returns an array": Case(
        _score(treat=_WrongTreatment()), MethodError,
        r"treatment wrongtreat returned ndarray for indicator 'a'.*TreatmentOutcome"),
    # ---- user callables as switch alternatives
    "uncertainty alternative raises": Case(
        lambda i: sp.uncertainty(sp.CompositeIndex(FW), i["data"], normalize=["minmax", _boom],
                                 n=8, seed=0),
        MethodError, r"with normalize=_boom: .*_boom raised ZeroDivisionError for indicator 'a'"),
    "sobol alternative arity": Case(
        lambda i: sp.sobol(sp.CompositeIndex(FW), i["data"],
                           aggregate=["arithmetic", lambda X: X], n=8, seed=0),
        MethodError, r"with aggregate=.*<lambda>: .*<lambda>\(X\) cannot be called.*node 'P'"),
}


def _snapshot(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in inputs.items()}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (pd.DataFrame, pd.Series)):
        return bool(a.equals(b)) and list(a.index) == list(b.index)
    if isinstance(a, np.ndarray):
        return bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, Path):
        return a == b
    return bool(a == b)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_refused_by_name(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    inputs = case.inputs(tmp_path)
    before = _snapshot(inputs)
    with pytest.raises(case.error, match=case.culprit) as info:
        case.call(inputs)
    assert isinstance(info.value, sp.SpindexError)
    if case.cause is not None:
        # User code that fails is chained, so its own traceback is not lost.
        cause = info.value.__cause__
        while cause is not None and not isinstance(cause, case.cause):
            cause = cause.__cause__
        assert isinstance(cause, case.cause), info.value.__cause__
    for key, value in inputs.items():
        assert _same(value, before[key]), f"{key} was modified"


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 40


# ---------------------------------------------------------------- inputs with one answer
def test_integer_column_labels_match_text_codes() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": 1}, {"code": 2}]})
    assert fw.indicators == ("1", "2")
    numbered = pd.DataFrame({1: [1.0, 2.0, 4.0], 2: [3.0, 1.0, 2.0]}, index=["u", "v", "w"])
    texted = numbered.rename(columns=str)
    kept = numbered.copy()
    res = sp.CompositeIndex(fw).score(numbered)
    pd.testing.assert_frame_equal(res.scores, sp.CompositeIndex(fw).score(texted).scores)
    assert list(res.scores.columns) == ["1", "2", "I"]
    pd.testing.assert_frame_equal(numbered, kept)


def test_text_column_labels_match_integer_codes_of_a_table() -> None:
    # pandas reads a numeric code column with a blank root parent as floats (0.0, 1.0):
    # the codes are still "0", "1", ... and match the data's "1", "2" columns.
    meta = pd.DataFrame({"code": [0, 1, 2], "parent": [np.nan, 0, 0]})
    fw = sp.Framework.from_table(meta)
    assert fw.codes == ("1", "2", "0")
    data = pd.DataFrame({"1": [1.0, 2.0], "2": [2.0, 1.0]}, index=["u", "v"])
    assert sp.CompositeIndex(fw).score(data).index.tolist() == [50.0, 50.0]


def test_non_string_unit_labels_are_kept() -> None:
    data = DATA.set_axis([10, 20, 30, 40])
    res = sp.CompositeIndex(FW).score(data)
    assert res.scores.index.tolist() == [10, 20, 30, 40]
    ref = sp.CompositeIndex(FW).score(DATA)
    np.testing.assert_array_equal(res.scores.to_numpy(), ref.scores.to_numpy())
    pd.testing.assert_frame_equal(res.ranks.reset_index(drop=True),
                                  ref.ranks.reset_index(drop=True))


def test_mixed_unit_labels_are_kept() -> None:
    data = DATA.set_axis([10, "b", 2.5, ("t", 1)])
    ranks = sp.CompositeIndex(FW).score(data).ranks["I"]
    assert ranks.index.tolist() == [10, "b", 2.5, ("t", 1)]
    assert ranks.tolist() == sp.CompositeIndex(FW).score(DATA).ranks["I"].tolist()


def test_a_panel_scores_through_score_panel() -> None:
    # The error for a (unit, period) frame points here; the same frame scores as a panel.
    res = sp.score_panel(sp.CompositeIndex(FW), _PANEL)
    assert len(res.scores) == len(_PANEL)


def test_a_corrupt_excel_framework_is_a_framework_error(tmp_path: Path) -> None:
    path = tmp_path / "meta.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    from spindex.cli import load_framework

    with pytest.raises(FrameworkError, match=r"meta\.xlsx.*Is it really an Excel file"):
        load_framework(path)
