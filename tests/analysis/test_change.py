"""explain_change: the result, statements, hybrids, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.change import ChangeExplanation, explain_change
from spindex.errors import ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({"code": "Index",
                             "children": [{"code": "Aid"}, {"code": "Opinion"}]})
OLD = pd.DataFrame({"Aid": [80.0, 40.0, 10.0], "Opinion": [30.0, 60.0, 50.0]},
                   index=["China", "Japan", "Korea"])
NEW = OLD.assign(Opinion=[20.0, 70.0, 50.0])
MODEL = sp.CompositeIndex(FW, normalize="none")


def test_result_and_statement() -> None:
    ex = explain_change((MODEL, OLD), (MODEL.with_weights({"Opinion": 3}), NEW),
                        changes=("data", "weights"))
    assert isinstance(ex, ChangeExplanation)
    assert ex.changes == ("data", "weights")
    assert list(ex.rank.columns) == ["before", "after", "gain", "data", "weights"]
    assert ex.hybrids.shape == (4, 3)
    assert list(ex.hybrids.index) == ["none", "data", "weights", "data + weights"]
    assert ex.statement("Japan") == "Japan gained 1 place: +0.5 from data, +0.5 from weights."
    assert "China" in repr(ex)
    with pytest.raises(ParameterError, match="'Atlantis'"):
        ex.statement("Atlantis")


def test_nothing_changed() -> None:
    ex = explain_change((MODEL, OLD), (MODEL, OLD.copy()))
    assert (ex.score.drop(columns=["before", "after"]) == 0).all().all()
    assert not any(ex.differs.values())
    assert ex.statement("Korea") == "Korea kept rank 3."


def test_unit_order_of_after_does_not_matter() -> None:
    a = explain_change((MODEL, OLD), (MODEL, NEW))
    b = explain_change((MODEL, OLD), (MODEL, NEW.iloc[::-1]))
    pd.testing.assert_frame_equal(a.score, b.score)


def test_new_indicator_values_belong_to_the_framework_change() -> None:
    fw1 = sp.Framework.from_dict({"code": "Index", "children": [
        {"code": "Aid"}, {"code": "Opinion"}, {"code": "Culture"}]})
    new = NEW.assign(Culture=[10.0, 90.0, 40.0])
    ex = explain_change((MODEL, OLD), (sp.CompositeIndex(fw1, normalize="none"), new))
    assert ex.differs == {"data": True, "weights": False, "methods": False, "framework": True}
    np.testing.assert_allclose(ex.score[["data", "framework"]].sum(axis=1), ex.score["change"])
    assert (ex.score["framework"] != 0).any()


@pytest.mark.parametrize(
    ("before", "after", "kwargs", "error", "match"),
    [
        ((MODEL, OLD), MODEL, {}, SpindexTypeError, "'after' parameter"),
        (("model", OLD), (MODEL, OLD), {}, SpindexTypeError, "CompositeIndex"),
        ((MODEL, OLD.to_numpy()), (MODEL, OLD), {}, SpindexTypeError, "DataFrame"),
        ((MODEL, OLD), (MODEL, NEW), {"changes": ("data", "colour")}, ParameterError,
         "'changes' parameter"),
        ((MODEL, OLD), (MODEL, NEW), {"changes": "data"}, SpindexTypeError,
         "'changes' parameter"),
        ((MODEL, OLD), (MODEL, NEW), {"changes": ("weights",)}, ParameterError,
         r"also differ in \['data'\]"),
        ((MODEL, OLD), (MODEL, NEW.iloc[:2]), {}, ParameterError, "same units"),
    ],
)
def test_bad_input(before: object, after: object, kwargs: dict, error: type,
                   match: str) -> None:
    with pytest.raises(error, match=match):
        explain_change(before, after, **kwargs)  # type: ignore[arg-type]
