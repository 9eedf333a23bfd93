"""The preparation steps of CompositeIndex: denominate -> impute -> screen -> treat."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.checks import Screen
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError, SpindexWarning
from spindex.methods.denominate import Denominate
from spindex.methods.impute import GroupMean
from spindex.methods.treat import BoxCox, LogTransform, NoTreatment, Winsorize

FW = sp.Framework.from_dict({
    "code": "Index",
    "children": [
        {"code": "Econ", "children": [
            {"code": "gdp", "denominator": "pop"},
            {"code": "trade", "denominator": "pop"},
        ]},
        {"code": "Soc", "children": [{"code": "life"}, {"code": "school"}]},
    ],
})
N = 12
RNG = np.random.default_rng(7)
DATA = pd.DataFrame(
    {
        "gdp": RNG.uniform(1, 10, N) * 1e3,
        "trade": np.r_[RNG.uniform(1, 5, N - 1), 400.0],
        "life": RNG.uniform(60, 80, N),
        "school": RNG.uniform(5, 15, N),
        "pop": RNG.uniform(1, 50, N),
        "region": ["N", "S"] * (N // 2),
    },
    index=[f"u{i:02d}" for i in range(N)],
)
DATA.loc["u01", "life"] = np.nan
DATA.loc["u02", "school"] = np.nan


def model(**steps) -> sp.CompositeIndex:
    return sp.CompositeIndex(FW, normalize=sp.MinMax(0, 100), **steps)


# ---------------------------------------------------------------------- stages and logs
def test_no_steps_keeps_the_existing_behaviour() -> None:
    res = model().score(DATA)
    assert res.stage_names == ("raw", "normalized", "aggregated")
    stages, log = model().prepare(DATA)
    assert list(stages) == ["raw"] and [r.stage for r in log] == ["raw"]
    with pytest.raises(ParameterError, match=r"no 'treat' step: pass treat=\.\.\."):
        _ = res.treatment


def test_every_step_adds_a_stage_a_log_line_and_a_report() -> None:
    m = model(denominate="framework", impute="mean", screen=Screen(0.5), treat="default")
    res = m.score(DATA)
    assert res.stage_names == ("raw", "denominated", "imputed", "screened", "treated",
                               "normalized", "aggregated")
    stages = [r.stage for r in res.log]
    assert stages[:5] == ["raw", "denominated", "imputed", "screened", "treated"]
    raw, den = res.stage("raw"), res.stage("denominated")
    np.testing.assert_array_equal(den["gdp"], raw["gdp"] / DATA["pop"])
    np.testing.assert_array_equal(den["life"], raw["life"])
    assert res.report("denomination").loc["trade", "denominator"] == "pop"
    assert res.imputation["n_imputed"].to_dict() == {"gdp": 0, "trade": 0, "life": 1, "school": 1}
    assert res.screening["included"].all()
    treatment = res.treatment
    assert treatment.loc["trade", "status"] == "winsorised"
    assert treatment.loc["trade", "units"] == ("u11",)
    points = res.treated_points.set_index("indicator").loc[["trade"]]
    assert points[["unit", "side"]].values.tolist() == [["u11", "high"]]
    assert points["old"].iloc[0] == 400.0 / DATA.loc["u11", "pop"]
    assert points["new"].iloc[0] == res.stage("treated").loc["u11", "trade"]
    assert any("trade winsorised 1 point(s): u11" in r.detail for r in res.log)
    # The normalised data are those of the last preparation stage.
    pd.testing.assert_frame_equal(
        res.stage("normalized"), m._normalize(res.stage("treated"), res.stage("treated").index
                                              .astype(str), []), check_names=False)


def test_prepare_returns_the_stages_and_the_log_only() -> None:
    stages, log = model(treat="default").prepare(DATA)
    assert list(stages) == ["raw", "treated"]
    assert log[-1].stage == "treated"


def test_caller_frame_is_not_modified() -> None:
    before = DATA.copy()
    model(denominate="framework", impute=GroupMean("region"), treat="default").score(DATA)
    pd.testing.assert_frame_equal(DATA, before)


def test_screening_drops_units_from_every_later_stage() -> None:
    res = model(screen=Screen(min_coverage=0.8)).score(DATA)
    assert set(res.scores.index) == set(DATA.index) - {"u01", "u02"}
    assert "removed u01, u02" in res.log[1].detail
    res = model(screen=Screen(min_coverage=0.8, include=["u01"])).score(DATA)
    assert "u01" in res.scores.index and "u02" not in res.scores.index


def test_screen_before_impute_changes_the_order() -> None:
    res = model(impute="mean", screen=Screen(0.8, before_impute=True)).score(DATA)
    assert res.stage_names[:3] == ("raw", "screened", "imputed")
    assert int(res.imputation["n_imputed"].sum()) == 0


# ---------------------------------------------------------------------- treatment choices
def test_per_indicator_treatment_overrides() -> None:
    m = model(treat={"trade": "none", "Soc": LogTransform(force=True), "default": BoxCox()})
    assert isinstance(m.treatment("trade"), NoTreatment)
    assert isinstance(m.treatment("gdp"), BoxCox)
    assert m.treatment("life") == LogTransform(force=True)
    res = m.score(DATA)
    assert res.treatment.loc["trade", "status"] == "untreated"
    assert not res.treatment.loc["trade", "passed_before"]
    np.testing.assert_array_equal(res.stage("treated")["trade"], DATA["trade"])
    assert res.treatment.loc["life", "status"] == "log"
    m = model(treat={"trade": Winsorize(winmax=0)})
    assert m.treatment("gdp") == Winsorize()
    assert m.score(DATA).treatment.loc["trade", "status"] == "log"
    assert model().treatment("gdp") is None


def test_treatment_mapping_errors() -> None:
    with pytest.raises(ParameterError, match="'treat' mapping of CompositeIndex names 'GDP'"):
        model(treat={"GDP": "none"})
    with pytest.raises(ParameterError, match="'winmax' parameter of Winsorize must be >= 0"):
        model(treat=Winsorize(winmax=-1))


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("value", "match"), [
    (0.0, r"'pop' of indicator 'gdp' has a zero or negative value \(0.0\) for unit\(s\) 'u03'"),
    (-2.0, r"'pop' of indicator 'gdp' has a zero or negative value \(-2.0\) for unit\(s\) 'u03'"),
    (np.nan, r"'pop' is missing for unit\(s\) 'u03', where indicator 'gdp' is observed"),
])
def test_bad_denominator_for_a_unit(value, match) -> None:
    data = DATA.copy()
    data.loc["u03", "pop"] = value
    with pytest.raises(DataError, match=match):
        model(denominate="framework").score(data)


def test_missing_denominator_can_propagate_to_imputation() -> None:
    data = DATA.copy()
    data.loc["u03", "pop"] = np.nan
    res = model(denominate=Denominate(missing="propagate"), impute="mean").score(data)
    assert res.report("denomination")["missing_created"].to_dict() == {"gdp": 1, "trade": 1}
    assert np.isnan(res.stage("denominated").loc["u03", "gdp"])
    assert not np.isnan(res.stage("imputed").loc["u03", "gdp"])
    assert any("gdp set missing for u03: denominator pop missing" in r.detail for r in res.log)


def test_non_numeric_or_absent_denominator_column() -> None:
    with pytest.raises(DataError, match=r"denominator column 'region' \(of indicator 'gdp'\) is "
                                        r"not numeric.*'N' for unit 'u00'"):
        model(denominate={"gdp": "region"}).score(DATA)
    with pytest.raises(DataError, match="no denominator column 'area', needed for indicator"):
        model(denominate={"gdp": "area"}).score(DATA)
    with pytest.raises(ParameterError, match="names 'GDP', which is not an indicator"):
        model(denominate={"GDP": "pop"})
    no_denominators = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}]})
    with pytest.raises(ParameterError, match="no indicator of the framework has a 'denominator'"):
        sp.CompositeIndex(no_denominators, denominate="framework")
    with pytest.raises(SpindexTypeError, match="'denominate' parameter"):
        model(denominate=3)


def test_group_with_no_observed_values() -> None:
    data = DATA.copy()
    data.loc[data["region"] == "S", "life"] = np.nan
    with pytest.raises(MethodError, match="'life' has no observed value in group 'S' of 'region'"):
        model(impute=GroupMean("region")).score(data)
    with pytest.raises(DataError, match="no grouping column 'continent'"):
        model(impute=GroupMean("continent")).score(DATA)


def test_missing_group_label_for_a_unit_to_impute() -> None:
    data = DATA.copy()
    data.loc["u01", "region"] = None
    with pytest.raises(DataError, match="Unit 'u01' has no value in the grouping column 'region'"):
        model(impute=GroupMean("region")).score(data)


def test_missing_policy_error_is_checked_after_the_steps() -> None:
    with pytest.raises(DataError, match="impute first"):
        model(missing="error").score(DATA)
    res = model(missing="error", impute="median").score(DATA)
    assert not res.scores.isna().any().any()
    with pytest.raises(DataError, match="after the preparation steps"):
        model(missing="error", screen=Screen(0.5)).score(DATA)


def test_imputation_that_leaves_values_missing_warns() -> None:
    with pytest.warns(SpindexWarning, match="left 2 value"):
        res = model(impute=lambda x: x).score(DATA)
    assert res.imputation["n_missing_left"].sum() == 2


def test_screen_and_impute_parameters_are_checked() -> None:
    with pytest.raises(SpindexTypeError, match="'screen' parameter of CompositeIndex"):
        model(screen=0.9)
    with pytest.raises(ParameterError, match="'impute' method must be one of"):
        model(impute="hot_deck")
    assert model(impute="none")._imputer is None  # type: ignore[attr-defined]


def test_screening_that_empties_an_indicator() -> None:
    data = DATA.copy()
    data["school"] = np.nan
    data.loc["u05", "school"] = 3.0
    with pytest.raises(DataError, match="After screening, indicator"):
        model(screen=Screen(0.5, exclude=["u05"])).score(data)


# ---------------------------------------------------------------------- model plumbing
def test_steps_survive_framework_changes_and_replace() -> None:
    m = model(impute="mean", treat="default", screen=Screen(0.5))
    other = m.with_weights({"Econ": 2.0})
    assert other.impute == "mean" and other.treat == "default" and other.screen == Screen(0.5)
    replaced = dataclasses.replace(m, treat=None)
    assert replaced.score(DATA).stage_names[:3] == ("raw", "imputed", "screened")
    assert "treat='default'" in repr(m) and "impute='mean'" in repr(m)


# ---------------------------------------------------------------------- on the ASEM data
def test_asem_missing_energy_denominator_is_named(asem_data, asem_framework) -> None:
    with pytest.raises(DataError, match=r"'Energy' is missing for unit\(s\) 'LAO', where "
                                        r"indicator 'Elec' is observed"):
        sp.CompositeIndex(asem_framework, denominate="framework").score(asem_data)


def test_asem_treatment_log_ignores_a_change_of_units(asem_data, asem_framework) -> None:
    model = sp.CompositeIndex(asem_framework, treat="default")
    changed = asem_data.copy()
    changed["Goods"] = changed["Goods"] * 1e3  # billions -> millions
    base, after = model.score(asem_data), model.score(changed)
    columns = ["status", "n_winsorised", "n_tried", "units", "passed_before", "passed_after"]
    pd.testing.assert_frame_equal(after.treatment[columns], base.treatment[columns])
    np.testing.assert_allclose(after.scores, base.scores, rtol=0, atol=1e-9)
