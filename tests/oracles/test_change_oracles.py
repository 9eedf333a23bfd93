"""Shapley split of rank and score changes (issue 16, item 5).

Oracles: the parts sum exactly to the total change (Shapley efficiency); a single change gets
all of it; a change that alters nothing gets 0; with two changes each part is the average of
its two marginal effects, 1/2 [(v(i) - v(0)) + (v(ij) - v(j))] (Shapley 1953), checked against
scores computed here with CompositeIndex.score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis.change import CHANGES, explain_change


@pytest.fixture(scope="module")
def asem() -> tuple[sp.CompositeIndex, pd.DataFrame]:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), sp.datasets.load("asem")


def editions(model: sp.CompositeIndex, data: pd.DataFrame, which: set[str]
             ) -> tuple[sp.CompositeIndex, pd.DataFrame]:
    """A second edition of ASEM with the chosen changes."""
    after_data = data.copy()
    if "data" in which:
        rng = np.random.default_rng(0)
        cols = list(model.framework.indicators)[:10]
        after_data[cols] = after_data[cols] * rng.uniform(0.8, 1.2, size=(len(data), 10))
    fw = model.framework
    if "framework" in which:  # drop one indicator of the Physical pillar
        table = fw.to_table()
        table = table[table["code"] != "LPI"].drop(columns=["level", "type"])
        fw = sp.Framework.from_records(table.to_dict("records"))
    if "weights" in which:
        fw = fw.with_weights({"Physical": 3.0, "Environ": 0.5})
    after = model.with_framework(fw)
    if "methods" in which:
        after = sp.CompositeIndex(fw, normalize="zscore")
    return after, after_data


@pytest.mark.parametrize("which", [{"data"}, {"weights"}, {"methods"}, {"framework"},
                                   {"data", "weights"}, set(CHANGES)])
def test_parts_sum_to_the_total(asem: tuple[sp.CompositeIndex, pd.DataFrame],
                                which: set[str]) -> None:
    model, data = asem
    after = editions(model, data, which)
    ex = explain_change((model, data), after)
    parts = list(CHANGES)
    np.testing.assert_allclose(ex.score[parts].sum(axis=1), ex.score["change"], rtol=0,
                               atol=1e-10)
    np.testing.assert_allclose(ex.rank[parts].sum(axis=1), ex.rank["gain"], rtol=0,
                               atol=1e-10)
    # The totals are those of scoring the two editions directly.
    root0, root1 = model.framework.root, after[0].framework.root
    np.testing.assert_allclose(ex.score["before"], model.score(data).scores[root0], atol=1e-12)
    np.testing.assert_allclose(ex.score["after"], after[0].score(after[1]).scores[root1],
                               atol=1e-12)
    for c in CHANGES:
        assert ex.differs[c] == (c in which)
        if c not in which:
            assert (ex.score[c] == 0).all() and (ex.rank[c] == 0).all()
    if len(which) == 1:
        (only,) = which
        np.testing.assert_allclose(ex.score[only], ex.score["change"], atol=1e-12)
        np.testing.assert_allclose(ex.rank[only], ex.rank["gain"], atol=1e-12)


def test_two_changes_average_marginal_effects(asem: tuple[sp.CompositeIndex,
                                                          pd.DataFrame]) -> None:
    model, data = asem
    after_model, after_data = editions(model, data, {"data", "weights"})
    ex = explain_change((model, data), (after_model, after_data))
    root = model.framework.root

    def v(m: sp.CompositeIndex, d: pd.DataFrame) -> pd.Series:
        return m.score(d).scores[root]

    v0, v_data = v(model, data), v(model, after_data)
    v_w, v_both = v(after_model, data), v(after_model, after_data)
    np.testing.assert_allclose(ex.score["data"], 0.5 * ((v_data - v0) + (v_both - v_w)),
                               atol=1e-12)
    np.testing.assert_allclose(ex.score["weights"], 0.5 * ((v_w - v0) + (v_both - v_data)),
                               atol=1e-12)
