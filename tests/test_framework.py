"""Framework: building, inspection, weights and validation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex import FrameworkError, SpindexTypeError

TREE = {
    "code": "Index",
    "name": "Soft power",
    "children": [
        {"code": "Aid", "weight": 2, "children": [
            {"code": "ODA", "unit": "USD"},
            {"code": "Loans", "weight": 3},
        ]},
        {"code": "Opinion", "children": [
            {"code": "Trust", "direction": 1},
            {"code": "Distrust", "direction": -1},
        ]},
    ],
}


def records(**changes: dict) -> list[dict]:
    base = {
        "I": {"code": "I", "parent": None},
        "P": {"code": "P", "parent": "I", "weight": 1},
        "Q": {"code": "Q", "parent": "I", "weight": 1},
        "a": {"code": "a", "parent": "P", "weight": 1},
        "b": {"code": "b", "parent": "P", "weight": 1},
        "c": {"code": "c", "parent": "Q", "weight": 1},
    }
    for code, attrs in changes.items():
        if attrs is None:
            base.pop(code)
        else:
            base[code] = {**base.get(code, {"code": code}), **attrs}
    return list(base.values())


class TestBuild:
    def test_nested_dict(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        assert fw.root == "Index"
        assert fw.indicators == ("ODA", "Loans", "Trust", "Distrust")
        assert fw.aggregates == ("Aid", "Opinion", "Index")
        assert fw.n_levels == 3
        assert fw.children("Aid") == ("ODA", "Loans")
        assert fw.parent("Loans") == "Aid"
        assert fw.ancestors("Loans") == ("Aid", "Index")
        assert fw.node("ODA").attrs["unit"] == "USD"
        assert fw.node("Index").name == "Soft power"
        assert fw.directions.to_dict() == {"ODA": 1, "Loans": 1, "Trust": 1, "Distrust": -1}

    def test_flat_dict_equals_nested(self) -> None:
        flat = sp.Framework.from_dict({"nodes": {
            "Index": {"name": "Soft power"},
            "Aid": {"parent": "Index", "weight": 2},
            "ODA": {"parent": "Aid", "unit": "USD"},
            "Loans": {"parent": "Aid", "weight": 3},
            "Opinion": {"parent": "Index"},
            "Trust": {"parent": "Opinion", "direction": 1},
            "Distrust": {"parent": "Opinion", "direction": -1},
        }})
        assert flat == sp.Framework.from_dict(TREE)

    def test_toml_flat_and_nested(self, tmp_path) -> None:
        flat = tmp_path / "flat.toml"
        flat.write_text(
            '[nodes.Index]\nname = "Soft power"\n'
            '[nodes.Aid]\nparent = "Index"\nweight = 2\n'
            '[nodes.ODA]\nparent = "Aid"\nunit = "USD"\n'
            '[nodes.Loans]\nparent = "Aid"\nweight = 3\n'
            '[nodes.Opinion]\nparent = "Index"\n'
            '[nodes.Trust]\nparent = "Opinion"\n'
            '[nodes.Distrust]\nparent = "Opinion"\ndirection = -1\n'
        )
        nested = tmp_path / "nested.toml"
        nested.write_text(
            '[root]\ncode = "Index"\nname = "Soft power"\n'
            '[[root.children]]\ncode = "Aid"\nweight = 2\n'
            '[[root.children.children]]\ncode = "ODA"\nunit = "USD"\n'
            '[[root.children.children]]\ncode = "Loans"\nweight = 3\n'
            '[[root.children]]\ncode = "Opinion"\n'
            '[[root.children.children]]\ncode = "Trust"\n'
            '[[root.children.children]]\ncode = "Distrust"\ndirection = -1\n'
        )
        expected = sp.Framework.from_dict(TREE)
        assert sp.Framework.from_toml(flat) == expected
        assert sp.Framework.from_toml(nested) == expected

    def test_toml_errors(self, tmp_path) -> None:
        with pytest.raises(FrameworkError, match="not found"):
            sp.Framework.from_toml(tmp_path / "nope.toml")
        bad = tmp_path / "bad.toml"
        bad.write_text("[nodes\n")
        with pytest.raises(FrameworkError, match="not valid TOML"):
            sp.Framework.from_toml(bad)

    def test_coinr_imeta_as_is(self, asem_framework: sp.Framework) -> None:
        fw = asem_framework
        assert len(fw.indicators) == 49
        assert fw.n_levels == 4
        assert fw.level(2) == ("Physical", "ConEcFin", "Political", "Instit", "P2P",
                               "Environ", "Social", "SusEcFin")
        assert fw.level(3) == ("Conn", "Sust")
        assert fw.root == "Index"
        assert int((fw.directions == -1).sum()) == 14
        assert fw.node("Flights").attrs["denominator"] == "Population"
        assert math.isclose(fw.node("LPI").attrs["target"], 4.11803135)
        # Group and denominator rows are not part of the tree.
        assert "GDP_group" not in fw and "Population" not in fw

    def test_lower_case_table_round_trip(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        again = sp.Framework.from_table(fw.to_table())
        assert again == fw

    def test_declared_level_must_match(self) -> None:
        recs = records(a={"level": 2})
        with pytest.raises(FrameworkError, match="'a' is declared at level 2"):
            sp.Framework.from_records(recs)

    def test_unbalanced_tree_levels(self) -> None:
        fw = sp.Framework.from_records(records(d={"parent": "I"}))
        assert fw.node("d").level == 1
        assert fw.node("I").level == 3
        assert fw.level(1) == ("a", "b", "c", "d")

    def test_immutable(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        with pytest.raises(AttributeError):
            fw.nodes = ()  # type: ignore[misc]
        with pytest.raises(TypeError):
            fw.node("ODA").attrs["unit"] = "JPY"  # type: ignore[index]


class TestWeights:
    def test_normalized_and_effective(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        nw = fw.normalized_weights()
        assert nw["Aid"] == pytest.approx(2 / 3)
        assert nw["Loans"] == pytest.approx(3 / 4)
        eff = fw.effective_weights()
        assert eff.to_dict() == pytest.approx(
            {"ODA": 2 / 3 * 1 / 4, "Loans": 2 / 3 * 3 / 4, "Trust": 1 / 6, "Distrust": 1 / 6}
        )
        assert eff.sum() == pytest.approx(1.0)
        assert fw.effective_weights(2).to_dict() == pytest.approx({"Aid": 2 / 3, "Opinion": 1 / 3})

    def test_with_weights_variants(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        one = fw.with_weights({"Aid": 1})
        assert one.node("Aid").weight == 1 and fw.node("Aid").weight == 2
        lvl = fw.with_weights(5, level=2)
        assert lvl.weights[["Aid", "Opinion"]].tolist() == [5, 5]
        kids = fw.with_weights([1, 1], node="Aid")
        assert kids.weights[["ODA", "Loans"]].tolist() == [1, 1]
        whole = fw.with_weights(pd.Series(1.0, index=fw.codes))
        assert (whole.weights == 1).all()

    def test_with_weights_errors(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        with pytest.raises(FrameworkError, match="'Nope'"):
            fw.with_weights({"Nope": 1})
        with pytest.raises(FrameworkError, match="'ODA' is not among level 2"):
            fw.with_weights({"ODA": 1}, level=2)
        with pytest.raises(FrameworkError, match="2 children"):
            fw.with_weights([1, 2, 3], node="Aid")
        with pytest.raises(FrameworkError, match="negative weight"):
            fw.with_weights({"ODA": -1})
        with pytest.raises(FrameworkError, match="All the weights of the children of 'Aid'"):
            fw.with_weights([0, 0], node="Aid")
        with pytest.raises(FrameworkError, match="needs 'level' or 'node'"):
            fw.with_weights(2)
        with pytest.raises(SpindexTypeError):
            fw.with_weights("heavy")  # type: ignore[arg-type]

    def test_drop_and_add(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        dropped = fw.drop("Trust", "Distrust")
        assert "Opinion" not in dropped
        assert dropped.indicators == ("ODA", "Loans")
        added = fw.add("Scholarships", "Opinion", weight=2, unit="persons")
        assert added.children("Opinion") == ("Trust", "Distrust", "Scholarships")
        assert added.node("Scholarships").attrs["unit"] == "persons"
        with pytest.raises(FrameworkError, match="is an indicator"):
            fw.add("x", "ODA")
        with pytest.raises(FrameworkError, match="root"):
            fw.drop("Index")

    def test_tree_text(self) -> None:
        text = sp.Framework.from_dict(TREE).tree()
        assert text.splitlines()[0].startswith("Index")
        assert "Distrust (-)" in text


class TestInvalid:
    @pytest.mark.parametrize(
        ("recs", "message"),
        [
            ([*records(), {"code": "a", "parent": "Q"}], "Duplicate code 'a'"),
            (records(c={"parent": "Z"}), "parent 'Z'"),
            (records(J={"parent": None}), "several roots"),
            (records(I={"parent": "a"}), "no root"),
            (records(P={"parent": "b"}, a={"parent": "P"}, b={"parent": "P"}), "cycle"),
            (records(a={"weight": -1}), "negative weight"),
            (records(a={"weight": float("nan")}), "missing \\(NaN\\) weight"),
            (records(a={"weight": float("inf")}), "must be finite"),
            (records(a={"weight": "heavy"}), "must be a number"),
            (records(a={"weight": 0}, b={"weight": 0}), "children of 'P'"),
            (records(a={"direction": 2}), "direction 2"),
            (records(a={"direction": 0}), "direction 0"),
            (records(P={"direction": -1}), "Aggregate 'P' has direction -1"),
            ([{"code": "I", "parent": None}], "no children"),
            ([], "no nodes"),
            (records(a={"code": None}), "has no code"),
        ],
    )
    def test_rejected(self, recs: list[dict], message: str) -> None:
        with pytest.raises(FrameworkError, match=message):
            sp.Framework.from_records(recs)

    def test_childless_aggregate_in_nested_dict(self) -> None:
        with pytest.raises(FrameworkError, match="empty 'children'"):
            sp.Framework.from_dict({"code": "I", "children": [{"code": "P", "children": []}]})

    def test_table_errors(self) -> None:
        with pytest.raises(FrameworkError, match="no 'parent' column"):
            sp.Framework.from_table(pd.DataFrame({"code": ["a"]}))
        with pytest.raises(SpindexTypeError):
            sp.Framework.from_table([{"code": "a"}])  # type: ignore[arg-type]
        blank = pd.DataFrame({"code": ["I", "a"], "parent": [None, "I"], "weight": [1, np.nan]})
        with pytest.raises(FrameworkError, match="'a' has a missing"):
            sp.Framework.from_table(blank)

    def test_error_is_value_error(self) -> None:
        with pytest.raises(ValueError):
            sp.Framework.from_records(records(a={"weight": -1}))

    def test_unknown_node_and_level(self) -> None:
        fw = sp.Framework.from_dict(TREE)
        with pytest.raises(FrameworkError, match="'Nope' is not a node"):
            fw.node("Nope")
        with pytest.raises(FrameworkError, match="levels 1 to 3"):
            fw.level(7)
        assert fw.level(-1) == ("Index",)
        assert fw.level("root") == ("Index",)
