"""The founding-period Sobol shares of China vs Japan: data source vs weights vs method."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import ParameterError
from spindex.softpower.framework import soft_power_model
from spindex.softpower.source_uncertainty import factorial_indices, source_sobol

PERIOD = "2009-2011"


@pytest.fixture(scope="module")
def shares():
    return source_sobol(n=512, seed=3)


def test_factorial_indices_of_an_additive_and_an_interacting_model() -> None:
    half = np.array([0.5, 0.5])
    third = np.full(3, 1 / 3)
    a = np.array([0.0, 2.0])[:, None]
    b = np.array([0.0, 1.0, 2.0])[None, :]
    first, total = factorial_indices(a + b, [half, third], {"a": [0], "b": [1], "ab": [0, 1]})
    # Var(a) = 1, Var(b) = 2/3: additive, so first = total.
    assert first["a"] == pytest.approx(0.6) and total["a"] == pytest.approx(0.6)
    assert first["b"] == pytest.approx(0.4) and total["b"] == pytest.approx(0.4)
    assert first["ab"] == pytest.approx(1.0) and total["ab"] == pytest.approx(1.0)
    # Y = a * b with a, b in {-1, 1}: no main effect, all interaction.
    sign = np.array([-1.0, 1.0])
    first, total = factorial_indices(np.outer(sign, sign), [half, half], {"a": [0], "b": [1]})
    assert first == {"a": 0.0, "b": 0.0}
    assert total == {"a": 1.0, "b": 1.0}
    first, total = factorial_indices(np.ones((2, 2)), [half, half], {"a": [0]})
    assert np.isnan(first["a"]) and np.isnan(total["a"])


def test_shares_are_ordered_and_bounded(shares) -> None:
    first, total = shares.first_order, shares.total_order
    assert list(first.index) == ["source:aid_oda", "source:eco_trade", "data source", "weights",
                                 "method"]
    diff_first, diff_total = first["difference"], total["difference"]
    assert ((diff_first >= -1e-12) & (diff_first <= diff_total + 1e-12)).all()
    assert (diff_total <= 1 + 1e-12).all()
    assert diff_first[["data source", "weights", "method"]].sum() <= 1 + 1e-12
    assert diff_total[["data source", "weights", "method"]].sum() >= 1 - 1e-12
    assert diff_total["data source"] >= diff_total[["source:aid_oda", "source:eco_trade"]].max()
    # China's aid as all official flows is six times the ODA-like figure: it dominates.
    assert diff_total["source:aid_oda"] > diff_total["source:eco_trade"]


def test_without_weight_noise_each_combination_equals_scoring_its_table() -> None:
    res = source_sobol(n=8, seed=0, weights=0.0, aggregate=["arithmetic"])
    assert res.total_order.loc["weights", "difference"] == pytest.approx(0.0, abs=1e-12)
    assert res.total_order.loc["method", "difference"] == pytest.approx(0.0, abs=1e-12)
    data = sp.datasets.load("asean", period=PERIOD)
    fw = sp.Framework.from_table(sp.datasets.load_framework("asean", period=PERIOD))
    cells = sp.datasets.load_cells("asean", period=PERIOD)
    alt = cells[cells["alternative"] != ""]
    model = soft_power_model(fw)
    for _, row in res.outcomes.iterrows():
        table = data.copy()
        for indicator in ("aid_oda", "eco_trade"):
            if row[indicator] == "as loaded":
                continue
            part = alt[(alt.indicator == indicator) & (alt.alternative == row[indicator])]
            table.loc[part["source"].to_numpy(), indicator] = part["value"].to_numpy()
        index = model.score(table).index
        assert row["mean difference"] == pytest.approx(index["CHN"] - index["JPN"], abs=1e-12)


def test_text_shows_the_shares_and_the_aid_side_by_side(shares) -> None:
    text = shares.to_text()
    assert "Sobol shares of CHN - JPN" in text
    assert "aiddata_all_flows" in text and "source of CHN's aid" in text
    assert "choice of data source accounts for" in text
    aid = shares.aid
    cells = sp.datasets.load_cells("asean", period=PERIOD)
    china = cells[(cells.source == "CHN") & (cells.indicator == "aid_oda")]
    np.testing.assert_allclose(aid["CHN aid"].to_numpy(), china["value"].to_numpy(dtype=float))
    assert aid["CHN / loaded"].iloc[0] == 1.0
    assert "CHN" in repr(shares)
    assert isinstance(shares.alternatives, pd.DataFrame)
    assert ("aid_oda", "CHN") in shares.alternatives.index


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n": 1}, "'n' parameter of source_sobol"),
    ({"n": 2.5}, "'n' parameter"),
    ({"seed": -1}, "'seed' parameter"),
    ({"weights": "lots"}, "'weights' parameter"),
    ({"aggregate": []}, "'aggregate' parameter"),
    ({"pair": ("CHN", "ZZZ")}, "'ZZZ'"),
])
def test_bad_parameters(kwargs, match) -> None:
    with pytest.raises(ParameterError, match=match):
        source_sobol(**kwargs)
