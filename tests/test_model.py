"""CompositeIndex and IndexResult: pipeline choices, results and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex import DataError, MethodError, ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "weight": 3, "children": [{"code": "a"}, {"code": "b", "direction": -1}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d", "weight": 2}]},
    ],
})
DATA = pd.DataFrame(
    {
        "a": [1.0, 2.0, 3.0, 4.0],
        "b": [10.0, 30.0, 20.0, 0.0],
        "c": [5.0, 5.5, 7.0, 6.0],
        "d": [0.2, 0.1, 0.4, 0.3],
        "label": ["w", "x", "y", "z"],
    },
    index=pd.Index(["U1", "U2", "U3", "U4"], name="unit"),
)


def minmax(col: pd.Series, low: float = 0.0, high: float = 100.0) -> pd.Series:
    return (col - col.min()) / (col.max() - col.min()) * (high - low) + low


class TestScoring:
    def test_hand_computed(self) -> None:
        res = sp.CompositeIndex(FW).score(DATA)
        a, b = minmax(DATA["a"]), minmax(-DATA["b"])
        c, d = minmax(DATA["c"]), minmax(DATA["d"])
        P = (a + b) / 2
        Q = (c + 2 * d) / 3
        index = 0.75 * P + 0.25 * Q
        expected = pd.DataFrame({"a": a, "b": b, "c": c, "d": d, "P": P, "Q": Q, "I": index})
        pd.testing.assert_frame_equal(res.scores, expected, check_names=False, atol=1e-12)
        assert list(res.scores.columns) == ["a", "b", "c", "d", "P", "Q", "I"]
        expected_ranks = index.rank(ascending=False, method="min").astype(int)
        assert res.ranks["I"].tolist() == expected_ranks.tolist()
        assert str(res.ranks.dtypes.iloc[0]) == "Int64"
        pd.testing.assert_series_equal(res.index, res.scores["I"])

    def test_stages_and_log(self) -> None:
        res = sp.CompositeIndex(FW).score(DATA)
        assert res.stage_names == ("raw", "normalized", "aggregated")
        pd.testing.assert_frame_equal(res.stage("raw"), DATA[["a", "b", "c", "d"]])
        raw = res.stage("raw")
        raw.iloc[0, 0] = 99.0  # a copy: the result must not change
        assert res.stage("raw").iloc[0, 0] == 1.0
        assert [r.stage for r in res.log] == ["raw", "normalized", "aggregated", "aggregated",
                                              "aggregated"]
        with pytest.raises(ParameterError, match="'treated'"):
            res.stage("treated")

    def test_repr_and_table(self) -> None:
        res = sp.CompositeIndex(FW).score(DATA)
        text = repr(res)
        assert "4 units" in text and "index 'I'" in text
        table = res.table(level=2)
        assert list(table.columns) == ["rank", "I", "P", "Q"]
        assert table["rank"].is_monotonic_increasing
        assert "CompositeIndex" in repr(sp.CompositeIndex(FW))

    def test_contributions_sum_to_index(self) -> None:
        res = sp.CompositeIndex(FW).score(DATA)
        contrib = res.contributions()
        np.testing.assert_allclose(contrib.sum(axis=1), res.index, atol=1e-12)
        eff = FW.effective_weights()
        expected = res.scores[list(FW.indicators)] * eff
        np.testing.assert_allclose(contrib, expected, atol=1e-12)
        np.testing.assert_allclose(res.contributions(level=2).sum(axis=1), res.index, atol=1e-12)

    def test_contributions_with_missing_and_geometric(self) -> None:
        data = DATA.copy()
        data.loc["U2", "a"] = np.nan
        model = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100), aggregate={2: "geometric"})
        res = model.score(data)
        contrib = res.contributions()
        assert contrib.loc["U2", "a"] == 0.0
        np.testing.assert_allclose(contrib.sum(axis=1), res.index, atol=1e-10)

    def test_missing_values_reweight(self) -> None:
        data = DATA.copy()
        data.loc["U2", "c"] = np.nan
        res = sp.CompositeIndex(FW).score(data)
        d = minmax(data["d"])
        assert res.scores.loc["U2", "Q"] == pytest.approx(d["U2"])
        np.testing.assert_allclose(res.contributions().sum(axis=1), res.index, atol=1e-12)

    def test_min_coverage(self) -> None:
        data = DATA.copy()
        data.loc["U2", "c"] = np.nan
        res = sp.CompositeIndex(FW, min_coverage={2: 0.6}).score(data)
        assert np.isnan(res.scores.loc["U2", "Q"])
        assert res.scores.loc["U2", "I"] == pytest.approx(res.scores.loc["U2", "P"])
        assert pd.isna(res.ranks.loc["U2", "Q"])
        assert "below coverage" in " ".join(r.detail for r in res.log)
        per_node = sp.CompositeIndex(FW, min_coverage={"P": 0.6}).score(data)
        assert not np.isnan(per_node.scores.loc["U2", "Q"])
        everywhere = sp.CompositeIndex(FW, min_coverage=0.6).score(data)
        assert np.isnan(everywhere.scores.loc["U2", "I"])  # the index has 1 of 2 children
        with pytest.raises(ParameterError, match="between 0 and 1"):
            sp.CompositeIndex(FW, min_coverage=1.5)

    def test_missing_error_policy(self) -> None:
        data = DATA.copy()
        data.loc["U3", "d"] = np.nan
        with pytest.raises(DataError, match="'d' is missing for unit 'U3'"):
            sp.CompositeIndex(FW, missing="error").score(data)
        with pytest.raises(ParameterError, match="'missing'"):
            sp.CompositeIndex(FW, missing="drop")  # type: ignore[arg-type]


class TestOverrides:
    def test_aggregate_per_level_and_node(self) -> None:
        model = sp.CompositeIndex(
            FW, normalize=sp.MinMax(1, 100),
            aggregate={"default": "arithmetic", 2: "geometric", "Q": "harmonic"},
        )
        assert model.aggregator("P").name == "geometric"
        assert model.aggregator("Q").name == "harmonic"
        assert model.aggregator("I").name == "arithmetic"
        res = model.score(DATA)
        x = res.scores
        assert x.loc["U1", "P"] == pytest.approx(np.sqrt(x.loc["U1", "a"] * x.loc["U1", "b"]))
        harmonic = 3 / (1 / x.loc["U1", "c"] + 2 / x.loc["U1", "d"])
        assert x.loc["U1", "Q"] == pytest.approx(harmonic)

    def test_normalize_per_indicator_and_pillar(self) -> None:
        model = sp.CompositeIndex(FW, normalize={"default": "minmax", "Q": "rank", "d": "zscore"})
        assert model.normalizer("a").name == "minmax"
        assert model.normalizer("c").name == "rank"
        assert model.normalizer("d").name == "zscore"
        res = model.score(DATA)
        assert res.scores["c"].tolist() == [1.0, 2.0, 4.0, 3.0]

    def test_bad_specs(self) -> None:
        with pytest.raises(ParameterError, match="'aggregate' method must be one of"):
            sp.CompositeIndex(FW, aggregate="mean")
        with pytest.raises(ParameterError, match="'normalize' method must be one of"):
            sp.CompositeIndex(FW, normalize="minimax")
        with pytest.raises(ParameterError, match="'Z'"):
            sp.CompositeIndex(FW, aggregate={"Z": "geometric"})
        with pytest.raises(ParameterError, match="level 1"):
            sp.CompositeIndex(FW, aggregate={1: "geometric"})
        with pytest.raises(ParameterError, match="'Z', which is not a node"):
            sp.CompositeIndex(FW, normalize={"Z": "rank"})
        with pytest.raises(SpindexTypeError, match="Framework"):
            sp.CompositeIndex({"code": "I"})  # type: ignore[arg-type]

    def test_with_weights(self) -> None:
        model = sp.CompositeIndex(FW, aggregate={2: "geometric"}, normalize=sp.MinMax(1, 100))
        other = model.with_weights({"P": 1})
        assert other.framework.node("P").weight == 1
        assert other.aggregator("P").name == "geometric"


class TestBadInput:
    def score(self, data: object) -> sp.IndexResult:
        return sp.CompositeIndex(FW).score(data)  # type: ignore[arg-type]

    def test_not_a_frame(self) -> None:
        with pytest.raises(SpindexTypeError, match="DataFrame"):
            self.score(DATA.to_numpy())

    def test_empty(self) -> None:
        with pytest.raises(DataError, match="no rows"):
            self.score(DATA.iloc[:0])

    def test_non_numeric(self) -> None:
        data = DATA.astype({"c": object})
        data.loc["U3", "c"] = "n/a"
        with pytest.raises(DataError, match=r"Indicator 'c' is not numeric.*'n/a'.*'U3'"):
            self.score(data)

    def test_bool_column(self) -> None:
        data = DATA.assign(a=[True, False, True, True])
        with pytest.raises(DataError, match="'a' is not numeric"):
            self.score(data)

    def test_inf(self) -> None:
        data = DATA.copy()
        data.loc["U4", "b"] = np.inf
        with pytest.raises(DataError, match="'b' has an infinite value for unit 'U4'"):
            self.score(data)

    def test_duplicate_units(self) -> None:
        data = DATA.rename(index={"U2": "U1"})
        with pytest.raises(DataError, match="repeated: 'U1'"):
            self.score(data)

    def test_all_missing_indicator(self) -> None:
        with pytest.raises(DataError, match="'d' has no observed value"):
            self.score(DATA.assign(d=np.nan))

    def test_missing_indicator_column(self) -> None:
        with pytest.raises(DataError, match=r"no column for indicator.*'c'"):
            self.score(DATA.drop(columns="c"))

    def test_constant_indicator(self) -> None:
        with pytest.raises(MethodError, match="'c'"):
            self.score(DATA.assign(c=4.0))
        with pytest.raises(MethodError, match="'c'"):
            sp.CompositeIndex(FW, normalize="zscore").score(DATA.assign(c=4.0))

    @pytest.mark.parametrize("aggregate", ["geometric", "harmonic"])
    def test_zero_under_geometric_and_harmonic(self, aggregate: str) -> None:
        # min-max to [0, 100] puts a zero in every indicator: the means need positive values.
        with pytest.raises(MethodError, match=r"'P'|'Q'"):
            sp.CompositeIndex(FW, aggregate=aggregate).score(DATA)

    def test_negative_under_geometric(self) -> None:
        with pytest.raises(MethodError):
            sp.CompositeIndex(FW, normalize="zscore", aggregate="geometric").score(DATA)

    def test_input_never_modified(self) -> None:
        data = DATA.copy()
        data.loc["U2", "c"] = np.nan
        before = data.copy(deep=True)
        res = sp.CompositeIndex(FW, normalize="zscore").score(data)
        res.scores.iloc[0, 0] = 1e9
        pd.testing.assert_frame_equal(data, before)

    def test_extra_columns_ignored(self) -> None:
        res = self.score(DATA.assign(extra=["p", "q", "r", "s"]))
        assert "extra" not in res.scores.columns and "label" not in res.scores.columns

    def test_unit_without_any_value(self) -> None:
        data = DATA.copy()
        data.loc["U3", ["a", "b", "c", "d"]] = np.nan
        with pytest.raises(DataError, match="'U3' have no observed value"):
            self.score(data)


def test_ranks_are_nullable_integers_with_missing_as_na() -> None:
    # The rank frame is built from the integer ranks and their mask; it must be what casting
    # the float ranks (NaN for missing) to Int64 gives, missing units and ties included.
    from spindex._ranking import rank_rows

    fw = sp.Framework.from_dict({"nodes": {
        "Index": {}, "a": {"parent": "Index"}, "b": {"parent": "Index"}}})
    data = pd.DataFrame({"a": [1.0, 2.0, 2.0, np.nan, 5.0], "b": [3.0, 1.0, 1.0, 2.0, 0.0]},
                        index=["p", "q", "r", "s", "t"])
    model = sp.CompositeIndex(fw, min_coverage=1.0)
    res = model.score(data)
    ranks = res.ranks
    assert all(str(t) == "Int64" for t in ranks.dtypes)
    assert list(ranks.columns) == list(res.scores.columns)
    assert ranks.index.equals(res.scores.index)
    assert ranks.loc["s", "a"] is pd.NA and ranks.loc["s", "Index"] is pd.NA
    assert ranks.loc["q", "a"] == ranks.loc["r", "a"] == 2  # tied, sharing the best rank
    from spindex.result import model_tie_scales
    raw = rank_rows(res.scores.to_numpy().T, model_tie_scales(model, res.scores)).T
    expected = pd.DataFrame(np.where(raw > 0, raw, np.nan), index=ranks.index,
                            columns=ranks.columns).astype("Int64")
    pd.testing.assert_frame_equal(ranks, expected)
