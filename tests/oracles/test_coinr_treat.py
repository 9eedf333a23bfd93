"""ASEM data preparation as COINr 1.1.14 does it: treatment, denomination, imputation, screening.

Reference: ``tests/oracles/data/r_treat_*``, ``r_pipeline_*`` and ``r_screenfirst_*``, written by
``tests/oracles/r/prep_reference.R``, an R implementation of COINr's ``Treat`` (``winsorise`` +
``log_CT`` + ``check_SkewKurt``), ``Denominate``, ``Impute(i_mean_grp)`` and ``Screen`` that first
checks itself against COINr 1.1.14 output printed in COINr's documentation (the Dets_Table of
``Treat(coin, "Raw")``, the log fallback of ``qTreat(winmax = 1)``, and the index, sub-index and
pillar scores of the top six units of ``build_example_coin()`` to the printed 2 decimals).

Cases:
- ``r_treat_default``: ``Treat(coin, dset = "Raw")`` -> min-max [0, 100] -> arithmetic mean;
- ``r_treat_winmax1``: the same with ``winmax = 1`` (the log fallback fires for 9 indicators);
- ``r_pipeline``: ``build_example_coin()``: Denominate (iMeta Denominator) -> Impute
  (``i_mean_grp`` by ``EurAsia_group``) -> Screen (0.9, byNA) -> Treat -> min-max -> arithmetic;
- ``r_screenfirst``: the same with screening before imputation (not a COINr example).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex._io import read_csv_exact
from spindex.checks import Screen
from spindex.methods.denominate import Denominate
from spindex.methods.impute import GroupMean
from spindex.methods.treat import Winsorize

DATA = Path(__file__).parent / "data"
TOL = 1e-9


def reference(name: str) -> pd.DataFrame:
    return read_csv_exact(DATA / name).set_index("uCode").sort_index()


def details(name: str) -> pd.DataFrame:
    return read_csv_exact(DATA / name, keep_default_na=False, na_values=[""]).set_index("iCode")


def assert_same_table(ours: pd.DataFrame, ref: pd.DataFrame) -> float:
    ours = ours.sort_index()
    assert list(ours.index) == list(ref.index)
    ref = ref[list(ours.columns)]
    np.testing.assert_array_equal(ours.isna().to_numpy(), ref.isna().to_numpy())
    a, b = ours.to_numpy(dtype=float), ref.to_numpy(dtype=float)
    np.testing.assert_allclose(a, b, rtol=0, atol=TOL)
    return float(np.nanmax(np.abs(a - b)))


def pipeline(fw: sp.Framework, **steps) -> sp.CompositeIndex:
    return sp.CompositeIndex(fw, normalize=sp.MinMax(0, 100), aggregate="arithmetic", **steps)


def units_of(cell: object) -> set[str]:
    return set() if pd.isna(cell) or cell == "" else set(str(cell).split(";"))


def check_decisions(treatment: pd.DataFrame, ref: pd.DataFrame) -> None:
    """The per-indicator treatment decisions and statistics are COINr's."""
    assert set(treatment.index) == set(ref.index)
    for code, row in ref.iterrows():
        ours = treatment.loc[code]
        assert ours["status"] == row["status"], code
        assert bool(ours["passed_before"]) == (str(row["pass0"]) == "True"), code
        assert abs(ours["skew_before"] - row["skew0"]) < TOL, code
        assert abs(ours["kurtosis_before"] - row["kurt0"]) < TOL, code
        if row["status"] == "passed":
            assert ours["n_winsorised"] == 0 and ours["n_tried"] == 0
            after = ("skew0", "kurt0")
        elif row["status"] == "winsorised":
            assert ours["n_winsorised"] == int(row["nwin"]) == ours["n_tried"], code
            assert set(ours["units"]) == units_of(row["units_high"]) | units_of(row["units_low"])
            after = ("skew1", "kurt1")
        else:
            assert ours["n_winsorised"] == 0 and ours["n_tried"] == int(row["nwin"]), code
            assert ours["units"] == ()
            after = ("skew2", "kurt2")
        assert abs(ours["skew_after"] - row[after[0]]) < TOL, code
        assert abs(ours["kurtosis_after"] - row[after[1]]) < TOL, code


@pytest.mark.parametrize(
    ("case", "treat", "counts"),
    [
        ("r_treat_default", "default", {"passed": 31, "winsorised": 18}),
        ("r_treat_winmax1", Winsorize(winmax=1), {"passed": 31, "winsorised": 9, "log": 9}),
    ],
)
def test_treat_then_minmax_arithmetic(asem_data, asem_framework, case, treat, counts) -> None:
    res = pipeline(asem_framework, treat=treat).score(asem_data)
    assert res.stage_names == ("raw", "treated", "normalized", "aggregated")
    assert res.treatment["status"].value_counts().to_dict() == counts
    check_decisions(res.treatment, details(f"{case}_details.csv"))
    assert_same_table(res.stage("treated"), reference(f"{case}_treated.csv"))
    assert_same_table(res.scores, reference(f"{case}_scores.csv"))


def test_treated_points_hold_old_and_new_values(asem_data, asem_framework) -> None:
    res = pipeline(asem_framework, treat="default").score(asem_data)
    points = res.treated_points
    treated = reference("r_treat_default_treated.csv")
    assert len(points) == int(res.treatment["n_winsorised"].sum()) == 30
    for _, p in points.iterrows():
        assert p["old"] == asem_data.loc[p["unit"], p["indicator"]]
        assert p["new"] == treated.loc[p["unit"], p["indicator"]]
        assert p["new"] != p["old"]
    # Goods: the two largest values (China, Germany) take the third largest.
    goods = points[points["indicator"] == "Goods"]
    assert set(goods["unit"]) == {"CHN", "DEU"} and set(goods["side"]) == {"high"}


@pytest.fixture(scope="module")
def example(asem_data, asem_framework) -> sp.IndexResult:
    """COINr's build_example_coin()."""
    model = pipeline(
        asem_framework,
        denominate=Denominate("framework", missing="propagate"),
        impute=GroupMean("EurAsia_group"),
        screen=Screen(min_coverage=0.9),
        treat="default",
    )
    return model.score(asem_data)


def test_example_pipeline_stages(example) -> None:
    assert example.stage_names == ("raw", "denominated", "imputed", "screened", "treated",
                                   "normalized", "aggregated")
    assert_same_table(example.stage("denominated"), reference("r_pipeline_denominated.csv"))
    assert_same_table(example.stage("imputed"), reference("r_pipeline_imputed.csv"))
    screen = reference("r_pipeline_screen.csv")
    ours = example.screening.sort_index()
    assert list(ours.index) == list(screen.index)
    np.testing.assert_array_equal(ours["included"], screen["included"].astype(bool))
    np.testing.assert_allclose(ours["coverage"], screen["coverage"], rtol=0, atol=TOL)
    assert_same_table(example.stage("treated"), reference("r_pipeline_treated.csv"))


def test_example_pipeline_decisions_and_scores(example) -> None:
    check_decisions(example.treatment, details("r_pipeline_details.csv"))
    assert_same_table(example.scores, reference("r_pipeline_scores.csv"))
    # COINr's printed results table (get_results(build_example_coin(), "Aggregated")).
    top = example.table(3).head(3)[["Index", "Conn", "Sust"]].round(2)
    assert top.to_dict("index") == {
        "CHE": {"Index": 68.38, "Conn": 62.79, "Sust": 73.98},
        "NLD": {"Index": 64.82, "Conn": 61.94, "Sust": 67.70},
        "DNK": {"Index": 64.80, "Conn": 57.10, "Sust": 72.51},
    }


def test_example_pipeline_log_records_every_step(example) -> None:
    stages = [r.stage for r in example.log]
    for stage in ("raw", "denominated", "imputed", "screened", "treated", "normalized"):
        assert stage in stages
    details_ = " | ".join(r.detail for r in example.log)
    assert "Elec set missing for LAO: denominator Energy missing" in details_
    assert "kept 51 of 51 units" in details_
    imputation = example.imputation
    # 63 missing indicator values plus LAO's Elec and Gas, made missing by denomination.
    assert int(imputation["n_imputed"].sum()) == 65
    cells = example.report("imputed_cells")
    lao = cells[(cells["unit"] == "LAO") & (cells["indicator"] == "Elec")]
    assert lao["group"].tolist() == ["Asia"]


def test_screening_before_imputation(asem_data, asem_framework) -> None:
    res = pipeline(
        asem_framework,
        denominate=Denominate("framework", missing="propagate"),
        impute=GroupMean("EurAsia_group"),
        screen=Screen(min_coverage=0.9, before_impute=True),
        treat="default",
    ).score(asem_data)
    assert res.stage_names[:5] == ("raw", "denominated", "screened", "imputed", "treated")
    screen = reference("r_screenfirst_screen.csv")
    removed = set(screen.index[~screen["included"].astype(bool)])
    assert removed == {"BGD", "BRN", "KHM", "LAO", "MMR"}
    assert set(res.screening.index[~res.screening["included"]]) == removed
    check_decisions(res.treatment, details("r_screenfirst_details.csv"))
    assert_same_table(res.stage("treated"), reference("r_screenfirst_treated.csv"))
    assert_same_table(res.scores, reference("r_screenfirst_scores.csv"))
