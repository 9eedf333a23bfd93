"""Faces refuse what they cannot show with a clear error, instead of drawing nothing or
speaking of an int (issue 12, section 4; issue 15, section 2)."""

from __future__ import annotations

import pandas as pd
import pytest

import spindex as sp

pytest.importorskip("matplotlib")


def test_plot_sobol_refuses_indices_that_are_all_undefined():
    # C < B < A on every indicator: the ranks never move, so R_S never varies and every
    # rank index is 0/0.
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "a"}, {"code": "b"}]})
    data = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [30.0, 20.0, 10.0]},
                        index=["A", "B", "C"])
    with pytest.warns(sp.SpindexWarning, match="never varies"), \
            pytest.warns(sp.SpindexWarning, match="groups='parent' makes"):
        sa = sp.sobol(sp.CompositeIndex(fw), data, n=64, seed=0, bootstrap=0)
    assert sa.first_order["R_S"].isna().all()
    with pytest.raises(sp.MethodError, match=r"mean rank shift R_S.*NaN.*another output"):
        sp.plot.sobol(sa)
    with pytest.raises(sp.MethodError, match=r"the rank of A is NaN.*another output"):
        sp.plot.sobol(sa, "A")


@pytest.fixture(scope="module")
def panel() -> sp.PanelResult:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.score_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"))


def test_report_of_a_panel_says_what_to_do(tmp_path, panel):
    # A panel alone gets a panel report (issue 15); mixed with other results it is refused.
    for given in ([panel], [("Panel", panel)]):
        with pytest.raises(sp.SpindexTypeError, match=r"5 periods.*panel\[2022\]") as info:
            sp.report(given, tmp_path / "r.html")
        assert "int" not in str(info.value)
    assert not (tmp_path / "r.html").exists()
    page = sp.report_html(panel[2022], figures=False)  # the way out it names works
    assert "<html" in page
