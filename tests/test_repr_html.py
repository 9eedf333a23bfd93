"""Notebook views of the results (``_repr_html_``): compact, escaped, and saying the numbers."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

import spindex as sp
from faces_fixtures import ODD_UNITS, faces
from spindex._html import number

ESCAPED = "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;"


@pytest.fixture(scope="module")
def synthetic() -> Any:
    return faces("synthetic")


@pytest.fixture(scope="module")
def odd_panel(synthetic: Any) -> sp.PanelResult:
    data = synthetic.data
    later = data.copy()
    numeric = later.select_dtypes("number").columns
    later[numeric] = later[numeric] * 1.1
    panel = pd.concat({2020: data, 2021: later}, names=["period", "unit"]).swaplevel()
    return sp.score_panel(synthetic.model, panel)


def _views(f: Any, panel: sp.PanelResult) -> dict[str, Any]:
    return {"result": f.result, "uncertainty": f.uncertainty, "sobol": f.sobol,
            "dominance": f.dominance, "smaa": f.smaa, "panel": panel}


def _body_rows(html: str) -> list[str]:
    return re.findall(r"<tr><th scope=\"row\">(.*?)</th>", html)


@pytest.mark.parametrize("kind", ["result", "uncertainty", "sobol", "dominance", "smaa",
                                  "panel"])
def test_every_result_has_a_compact_escaped_table(synthetic: Any, odd_panel: sp.PanelResult,
                                                  kind: str) -> None:
    obj = _views(synthetic, odd_panel)[kind]
    html = obj._repr_html_()
    assert html.startswith('<div class="spindex-result">') and html.endswith("</div>")
    assert "<table>" in html and "<script" not in html
    # Labels from the data are escaped, never raw HTML.
    assert ODD_UNITS[0] not in html
    rows = _body_rows(html)
    assert 1 <= len(rows) <= 10
    # No attribute names or reprs in the headers.
    for raw in ("S_R_S", "a_leads", "nominal_rank", "()"):
        assert raw not in html


def test_the_units_are_escaped_where_they_show(synthetic: Any) -> None:
    # Few enough units that every one is shown, the odd labels among them.
    data = synthetic.data.loc[[*ODD_UNITS, "U01", "U02", "U03"]]
    model = synthetic.model
    panel = sp.score_panel(model, pd.concat({2020: data, 2021: data},
                                            names=["period", "unit"]).swaplevel())
    views = [model.score(data), sp.uncertainty(model, data, n=50, seed=0),
             sp.smaa(model, data, n=200, seed=0, level=2), panel,
             sp.dominance(model, data, ODD_UNITS[0], "U01")]
    for obj in views:
        html = obj._repr_html_()
        assert ODD_UNITS[0] not in html
        assert ESCAPED in html, type(obj).__name__
        assert "Dollar$ign$" in html or isinstance(obj, sp.DominanceResult)


def test_the_numbers_shown_are_the_results(synthetic: Any, odd_panel: sp.PanelResult) -> None:
    res = synthetic.result
    html = res._repr_html_()
    table = res.table(level=2)
    assert _body_rows(html)[0] == str(table.index[0])
    assert number(float(table.iloc[0][res.framework.root])) in html
    ua = synthetic.uncertainty
    assert number(ua.mean_rank_shift) in ua._repr_html_()
    dom = synthetic.dominance
    assert number(dom.share) in dom._repr_html_()
    last = odd_panel.periods[-1]
    assert number(float(odd_panel.index[last].max())) in odd_panel._repr_html_()


def test_long_tables_say_how_many_rows_are_left_out() -> None:
    f = faces("asem")
    html = f.result._repr_html_()
    assert len(_body_rows(html)) == 10
    assert f"{len(f.result.scores) - 10} more rows ({len(f.result.scores)} in all)" in html


def test_a_dash_is_explained() -> None:
    from spindex._html import repr_html

    html = repr_html("x", [], pd.DataFrame({"a": [1.0, float("nan")]}, index=["p", "q"]),
                     dash="no score in this period")
    assert '<td class="na">–</td>' in html and "– = no score in this period." in html
    assert "– =" not in repr_html("x", [], pd.DataFrame({"a": [1.0]}))
    ua = faces("asem").uncertainty
    assert 'class="na"' not in ua._repr_html_() and "– =" not in ua._repr_html_()
