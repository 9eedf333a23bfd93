"""The built-in soft-power framework, its catalogue and its default model."""

from __future__ import annotations

import pandas as pd
import pytest

import spindex as sp
from spindex.methods import Arithmetic, FractionOfMax
from spindex.softpower import (
    PILLARS,
    soft_power_catalogue,
    soft_power_framework,
    soft_power_model,
)


def test_five_pillars_in_order():
    fw = soft_power_framework()
    assert fw.root == "soft_power"
    assert fw.children("soft_power") == ("aid", "economic", "tourism", "culture", "opinion")
    assert tuple(PILLARS) == fw.children("soft_power")
    assert fw.n_levels == 3


def test_catalogue_documents_every_indicator():
    cat = soft_power_catalogue()
    fw = soft_power_framework()
    assert list(cat.index) == list(fw.indicators)
    assert cat.index.is_unique
    assert {"pillar", "name", "unit", "direction", "aggregation", "signed", "measures",
            "typical_sources"} <= set(cat.columns)
    for col in ("name", "unit", "measures", "typical_sources"):
        assert cat[col].str.len().gt(10 if col in ("measures", "typical_sources") else 0).all()
    assert set(cat["aggregation"]) == {"sum", "mean"}
    assert (cat["direction"] == 1).all()
    # Every indicator sits under the pillar the catalogue names.
    assert all(fw.parent(code) == pillar for code, pillar in cat["pillar"].items())


def test_rules_follow_the_kind_of_quantity():
    cat = soft_power_catalogue()
    shares = cat[cat["unit"] == "percent"]
    assert set(shares.index) == set(cat.index[cat["pillar"] == "opinion"])
    assert (shares["aggregation"] == "mean").all()
    assert (cat.loc[cat["unit"] != "percent", "aggregation"] == "sum").all()
    # Only net flows may be negative.
    assert list(cat.index[cat["signed"]]) == ["eco_fdi"]


def test_metadata_travels_with_the_framework():
    fw = soft_power_framework()
    assert fw.node("eco_trade").attrs["unit"] == "USD billion"
    assert fw.attribute("aggregation", nodes=["op_trust", "tour_arrivals"]).tolist() == [
        "mean", "sum"]
    assert fw.node("opinion").name == "Public opinion"


def test_default_weights_are_equal():
    fw = soft_power_framework()
    assert fw.effective_weights(2).tolist() == pytest.approx([0.2] * 5)
    ew = fw.effective_weights(1)
    assert ew["tour_arrivals"] == pytest.approx(0.2)
    assert ew["op_trust"] == pytest.approx(0.05)
    assert ew.sum() == pytest.approx(1.0)


def test_opinion_half_weight_set():
    fw = soft_power_framework()
    assert "opinion_half" in fw.weight_sets.columns
    alt = fw.use_weight_set("opinion_half").effective_weights(2)
    assert alt["opinion"] == pytest.approx(0.5)
    assert alt["aid"] == pytest.approx(0.125)


def test_users_can_change_weights_and_indicators():
    fw = soft_power_framework()
    heavier = fw.with_weights({"culture": 3.0})
    assert heavier.effective_weights(2)["culture"] == pytest.approx(3 / 7)
    smaller = fw.drop("aid", "op_favourable")
    assert "aid" not in smaller and "aid_oda" not in smaller
    assert len(smaller.children("opinion")) == 3
    larger = fw.add("cult_media", "culture", name="Media audience", unit="persons",
                    aggregation="sum")
    assert larger.node("cult_media").attrs["aggregation"] == "sum"
    # The original is unchanged (frameworks are immutable).
    assert "cult_media" not in fw and "aid" in fw


def test_default_model():
    model = soft_power_model()
    assert isinstance(model.normalizer("eco_fdi"), FractionOfMax)
    assert isinstance(model.aggregator("soft_power"), Arithmetic)
    assert model.framework == soft_power_framework()
    other = soft_power_model(normalize="minmax", min_coverage=0.5)
    assert other.normalizer("eco_fdi").name == "minmax"
    assert other.min_coverage == 0.5


def test_scores_by_hand():
    """Two sources, every indicator: A has twice B's value everywhere, so B scores 1/2."""
    codes = list(soft_power_catalogue().index)
    data = pd.DataFrame([[2.0] * len(codes), [1.0] * len(codes)], index=["A", "B"], columns=codes)
    res = soft_power_model().score(data)
    assert res.index.tolist() == pytest.approx([1.0, 0.5])
    # Each pillar contributes a fifth of B's score.
    assert res.contributions(level=2).loc["B"].tolist() == pytest.approx([0.1] * 5)


def test_a_missing_pillar_is_left_out_with_renormalised_weights():
    codes = list(soft_power_catalogue().index)
    data = pd.DataFrame([[2.0] * len(codes), [1.0] * len(codes)], index=["A", "B"], columns=codes)
    data.loc["B", ["aid_oda", "aid_regional"]] = float("nan")
    res = soft_power_model().score(data)
    assert pd.isna(res.scores.loc["B", "aid"])
    assert res.index["B"] == pytest.approx(0.5)  # the four other pillars, 1/4 each
    strict = soft_power_model(min_coverage={"soft_power": 0.9}).score(data)
    assert pd.isna(strict.index["B"])


def test_framework_round_trips_through_a_table():
    fw = soft_power_framework()
    again = sp.Framework.from_table(fw.to_table())
    assert again.indicators == fw.indicators
    assert again.effective_weights(1).equals(fw.effective_weights(1))


# --------------------------------------------------------------------------- layering
def test_generic_library_does_not_import_the_application():
    import ast
    from pathlib import Path

    import spindex

    root = Path(spindex.__file__).parent
    # The only doors from the library to the application: the public re-exports, the lazy
    # dispatch of datasets.load("asean"), the CLI's demo command and dyadic's default rules.
    allowed = {"__init__.py", "datasets/__init__.py", "cli.py", "dyadic.py"}
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("softpower/") or rel in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{rel}: {n}" for n in names if n.startswith("spindex.softpower")]
    assert not offenders
    # datasets imports the application lazily, never at module level.
    tree = ast.parse((root / "datasets" / "__init__.py").read_text(encoding="utf-8"))
    top = [n.module for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert not [m for m in top if m and m.startswith("spindex.softpower")]


def test_application_uses_only_public_modules():
    import ast
    from pathlib import Path

    import spindex.softpower

    for path in Path(spindex.softpower.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                assert not any(p.startswith("_") for p in parts[1:]), (path.name, node.module)


def test_public_names_survive_the_move():
    import spindex as sp
    from spindex.softpower import soft_power_catalogue as cat

    assert sp.soft_power_catalogue is cat
    assert sp.soft_power_framework().children("soft_power")[0] == "aid"
    assert callable(sp.aggregate_dyadic) and callable(sp.per_target)
    assert callable(sp.softpower.coverage)
    assert sp.datasets.ASEAN_SOURCES["CHN"] == "China"
    with pytest.raises(AttributeError, match="no attribute 'NOPE'"):
        _ = sp.datasets.NOPE
