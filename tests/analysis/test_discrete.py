"""Discrete inputs of choices=: weight sets, expert panels, dropped nodes, data sources.

Oracles: every run with a discrete input equals scoring the model that input describes
(the framework with the set's weights, without the dropped node, the alternative table).
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import DataError, ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b", "weight": 2.0}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d", "direction": -1}]},
        {"code": "R", "children": [{"code": "e"}]},
    ],
})
DATA = pd.DataFrame(
    {"a": [1.0, 2, 3, 4, 5, 2.5], "b": [5.0, 3, 4, 1, 2, np.nan],
     "c": [2.0, 2, 9, 1, 4, 3], "d": [3.0, 1, 2, 5, 4, 2.2], "e": [1.0, 4, 2, 3, 5, 0.5]},
    index=["U1", "U2", "U3", "U4", "U5", "U6"],
)
MODEL = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100))
INDICATOR_NOISE = sp.WeightNoise(0.3, levels=[1])


def runs_by(ua: sp.UncertaintyResult, column: str) -> dict[str, pd.DataFrame]:
    """Per alternative of an input, the kept scores of its runs."""
    label = ua.inputs[column]
    return {str(k): ua.runs_scores[(label == k).to_numpy()] for k in label.cat.categories}


def nominal_index(model: sp.CompositeIndex, data: pd.DataFrame) -> pd.Series:
    res = model.score(data)
    return res.scores[model.framework.root]


# ---------------------------------------------------------------- single alternative: a no-op
def single_inputs() -> list:
    pillars = {c: float(FW.weights[c]) for c in ("P", "Q", "R")}
    return [sp.WeightSets({"nominal": pillars}), sp.DropOne([]),
            sp.DataSources({"c": {"as given": None}})]


def test_single_alternatives_leave_uncertainty_unchanged() -> None:
    kw = {"weights": INDICATOR_NOISE, "aggregate": ["arithmetic", "geometric"], "n": 9000,
          "seed": 5, "block_size": 4096}
    base = sp.uncertainty(MODEL, DATA, **kw, keep_inputs=True)
    ua = sp.uncertainty(MODEL, DATA, choices=single_inputs(), **kw, keep_inputs=True)
    pd.testing.assert_frame_equal(ua.rank_counts, base.rank_counts)
    pd.testing.assert_frame_equal(ua.score_stats, base.score_stats)
    assert ua.mean_rank_shift == base.mean_rank_shift
    pd.testing.assert_frame_equal(ua.inputs[base.inputs.columns], base.inputs)
    assert list(ua.inputs.columns[-3:]) == ["weights", "drop", "source:c"]
    assert set(ua.inputs["drop"]) == {"none"}


def test_single_alternatives_leave_smaa_unchanged() -> None:
    base = sp.smaa(MODEL, DATA, n=3000, seed=3)
    sm = sp.smaa(MODEL, DATA, n=3000, seed=3,
                 choices=[sp.DropOne([]), sp.DataSources({"c": {"as given": None}})])
    pd.testing.assert_frame_equal(sm.rank_acceptability, base.rank_acceptability)
    pd.testing.assert_frame_equal(sm.central_weights, base.central_weights)
    pd.testing.assert_frame_equal(sm.pairwise_winning, base.pairwise_winning)
    pd.testing.assert_frame_equal(sm.sample_weights(), base.sample_weights())
    assert sm.inputs == ("drop", "source:c")


def test_single_alternative_is_no_sobol_input() -> None:
    # Dropping nothing is one alternative: nothing to draw, so no input, no design column, and
    # every index as without it (as a single-alternative switch in uncertainty).
    kwargs = {"weights": INDICATOR_NOISE, "n": 256, "seed": 1, "bootstrap": 0, "groups": None}
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        sa = sp.sobol(MODEL, DATA, choices=[sp.DropOne([])], **kwargs)
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        alone = sp.sobol(MODEL, DATA, **kwargs)
    assert "drop" not in sa.first_order_score.index
    pd.testing.assert_frame_equal(sa.first_order_score, alone.first_order_score)
    pd.testing.assert_frame_equal(sa.total_order_score, alone.total_order_score)


# ---------------------------------------------------------------- weight sets
SETS = {"equal": {"P": 1.0, "Q": 1.0, "R": 1.0}, "expert": {"P": 5.0, "Q": 1.0, "R": 0.5}}


def test_two_weight_sets_give_exactly_the_two_models_rankings() -> None:
    ua = sp.uncertainty(MODEL, DATA, weights=None, choices=[sp.WeightSets(SETS)], n=2000,
                        seed=11, keep_runs=True, keep_inputs=True)
    drawn = ua.inputs["weights"].value_counts()
    assert drawn.sum() == 2000 and set(drawn.index) == {"equal", "expert"}
    expected_counts = np.zeros((len(DATA), len(DATA)), dtype=np.int64)
    for name, runs in runs_by(ua, "weights").items():
        model = sp.CompositeIndex(FW.with_weights(SETS[name]), normalize=sp.MinMax(1, 100))
        exact = nominal_index(model, DATA)
        np.testing.assert_allclose(runs.to_numpy(), np.tile(exact.to_numpy(), (len(runs), 1)),
                                   rtol=1e-12)
        ranks = model.score(DATA).ranks["I"].astype(int)
        expected_counts[np.arange(len(DATA)), ranks.to_numpy() - 1] += drawn[name]
    np.testing.assert_array_equal(ua.rank_counts.to_numpy(), expected_counts)


def test_weight_sets_from_a_framework_table_and_probabilities() -> None:
    fw = FW.with_weight_set("expert", SETS["expert"]).with_weight_set("equal", SETS["equal"])
    table = fw.weight_sets.loc[["P", "Q", "R"]]
    ua = sp.uncertainty(sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), DATA,
                        weights=INDICATOR_NOISE, n=4000, seed=2,
                        choices=[sp.WeightSets(table, probabilities={"expert": 3, "equal": 1})],
                        keep_inputs=True)
    share = (ua.inputs["weights"] == "expert").mean()
    assert abs(share - 0.75) < 0.03
    # The indicator weights are still sampled next to the sets.
    assert ua.inputs["w:a"].std() > 0


def test_list_weight_sets_with_node() -> None:
    ua = sp.uncertainty(MODEL, DATA, weights=None, n=500, seed=0, keep_runs=True,
                        choices=[sp.WeightSets({"a only": [1, 0], "b only": [0, 1]}, node="P")],
                        keep_inputs=True)
    model = sp.CompositeIndex(FW.with_weights([1, 0], node="P"), normalize=sp.MinMax(1, 100))
    runs = runs_by(ua, "weights")["a only"]
    np.testing.assert_allclose(runs.iloc[0].to_numpy(), nominal_index(model, DATA).to_numpy(),
                               rtol=1e-12)


def test_expert_panel_draws_one_whole_expert_per_run() -> None:
    panel = pd.DataFrame({"P": [1.0, 3.0, 0.2], "Q": [1.0, 1.0, 2.0], "R": [1.0, 0.1, 1.0]},
                         index=["ana", "bo", "cy"])
    ua = sp.uncertainty(MODEL, DATA, weights=INDICATOR_NOISE, n=3000, seed=4, keep_runs=True,
                        choices=[sp.ExpertPanel(panel)], keep_inputs=True)
    counts = ua.inputs["expert"].value_counts()
    assert set(counts.index) == {"ana", "bo", "cy"}
    assert (abs(counts / 3000 - 1 / 3) < 0.04).all()
    # With indicator noise off, each run is exactly its expert's model.
    ua0 = sp.uncertainty(MODEL, DATA, weights=None, n=300, seed=4, keep_runs=True,
                         choices=[sp.ExpertPanel(panel)], keep_inputs=True)
    for name, runs in runs_by(ua0, "expert").items():
        model = sp.CompositeIndex(FW.with_weights(panel.loc[name]), normalize=sp.MinMax(1, 100))
        np.testing.assert_allclose(runs.iloc[-1].to_numpy(),
                                   nominal_index(model, DATA).to_numpy(), rtol=1e-12)


# ---------------------------------------------------------------- dropping a node
@pytest.mark.parametrize("aggregate", ["arithmetic", "geometric"])
def test_drop_one_equals_scoring_the_framework_without_the_node(aggregate: str) -> None:
    drop = sp.DropOne(["a", "b", "Q", "e"])
    model = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100), aggregate=aggregate)
    ua = sp.uncertainty(model, DATA, weights=None, choices=[drop], n=2000, seed=9,
                        keep_runs=True, keep_inputs=True)
    groups = runs_by(ua, "drop")
    assert set(groups) == {"none", "a", "b", "Q", "e"}
    for name, runs in groups.items():
        fw = FW if name == "none" else FW.drop(name)
        data = DATA[[c for c in DATA.columns if c in fw.indicators]]
        exact = nominal_index(sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100),
                                                aggregate=aggregate), data)
        np.testing.assert_allclose(runs.to_numpy(), np.tile(exact.to_numpy(), (len(runs), 1)),
                                   rtol=1e-12, err_msg=name)


def test_dropping_an_only_child_drops_its_parent() -> None:
    resolved = sp.DropOne(["e"]).resolve(FW, DATA)[0]
    assert resolved.nodes == ("R",)
    assert resolved.labels == ("none", "e")


def test_drop_one_composes_with_sampled_weights_of_the_same_node() -> None:
    # A dropped node may also be sampled: the drop wins in its runs, and the other sampled
    # weights still apply.
    ua = sp.uncertainty(MODEL, DATA, weights=sp.WeightNoise(0.2), n=50, seed=1,
                        keep_runs=True, choices=[sp.DropOne(["Q"], none=False)], keep_inputs=True)
    assert set(ua.inputs["drop"]) == {"Q"}
    smaller = DATA.drop(columns=["c", "d"])
    for run in (0, 17, 49):
        row = ua.inputs.iloc[run]
        weights = {c: row[f"w:{c}"] for c in ("P", "R", "a", "b", "e")}
        fw = FW.drop("Q").with_weights(weights)
        exact = nominal_index(sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), smaller)
        np.testing.assert_allclose(ua.runs_scores.iloc[run].to_numpy(), exact.to_numpy(),
                                   rtol=1e-12)


# ---------------------------------------------------------------- data sources
ALT = DATA.assign(c=[4.0, 1, 2, 8, 3, 5])


def test_data_source_equals_scoring_the_alternative_table() -> None:
    src = sp.DataSources({"c": {"reported": None, "mirror": ALT["c"]},
                          "a": {"given": None, "revised": {"U2": 6.0}}})
    ua = sp.uncertainty(MODEL, DATA, weights=None, choices=[src], n=2000, seed=3,
                        keep_runs=True, aggregate=["arithmetic", "geometric"], keep_inputs=True)
    assert list(ua.inputs.columns) == ["aggregate", "source:c", "source:a"]
    key = ua.inputs.astype(str).agg("|".join, axis=1)
    assert key.nunique() == 8
    for combo in key.unique():
        agg, c_src, a_src = combo.split("|")
        table = ALT.copy() if c_src == "mirror" else DATA.copy()
        if a_src == "revised":
            table.loc["U2", "a"] = 6.0
        exact = nominal_index(sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100), aggregate=agg),
                              table)
        runs = ua.runs_scores[(key == combo).to_numpy()]
        np.testing.assert_allclose(runs.to_numpy(), np.tile(exact.to_numpy(), (len(runs), 1)),
                                   rtol=1e-12, err_msg=combo)


def test_data_sources_from_tables_and_provenance() -> None:
    src = sp.DataSources({"c": {"reported": None, "mirror": ALT}})
    ua = sp.uncertainty(MODEL, DATA, weights=0.2, choices=[src], n=200, seed=1, keep_inputs=True)
    prov = src.provenance(ua.inputs, DATA)
    # Every cell of c differs between the two tables, so all six are listed.
    assert prov.shape == (200, 6)
    assert prov.columns.get_level_values("indicator").unique().tolist() == ["c"]
    assert (prov[("c", "U1")] == ua.inputs["source:c"]).all()
    partial = sp.DataSources({"c": {"reported": None, "fix": {"U3": 9.0, "U4": 1.5}}})
    ua = sp.uncertainty(MODEL, DATA, weights=0.2, choices=[partial], n=50, seed=1, keep_inputs=True)
    # U3 already has 9.0: only U4 differs between the sources.
    assert list(partial.provenance(ua.inputs, DATA).columns) == [("c", "U4")]
    assert list(partial.provenance(ua.inputs).columns) == [("c", "U3"), ("c", "U4")]


def test_data_sources_from_cells_of_the_asean_dataset() -> None:
    cells = sp.datasets.load_cells("asean", period="2009-2011")
    src = sp.DataSources.from_cells(cells)
    data = sp.datasets.load("asean", period="2009-2011")
    aid = src.resolve_one(data, "aid_oda")
    china = list(data.index).index("CHN")
    rows = cells[(cells.source == "CHN") & (cells.indicator == "aid_oda")]
    np.testing.assert_allclose(aid[:, china], rows["value"].to_numpy(dtype=float))
    # Units without an alternative keep the loaded value under every source.
    others = [i for i, u in enumerate(data.index) if u not in set(rows["source"])]
    np.testing.assert_array_equal(aid[1:, others], aid[[0, 0], :][:, others])


def test_sobol_first_order_of_the_only_varying_input_is_one() -> None:
    src = sp.DataSources({"c": {"reported": None, "mirror": ALT["c"]}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)  # units whose rank never moves
        sa = sp.sobol(MODEL, DATA, weights=None, choices=[src], n=512, seed=0, bootstrap=0)
    assert sa.inputs == ("source:c",)
    moved = sa.total_order_score.columns[sa.total_order_score.notna().iloc[0]]
    assert len(moved) == len(DATA)
    np.testing.assert_allclose(sa.first_order_score.loc["source:c"], 1.0, atol=1e-12)
    np.testing.assert_allclose(sa.total_order_score.loc["source:c"], 1.0, atol=1e-12)


def test_sobol_apportions_weight_sets_drops_and_sources() -> None:
    choices = [sp.WeightSets(SETS), sp.DropOne(["a"]),
               sp.DataSources({"c": {"reported": None, "mirror": ALT["c"]}})]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        sa = sp.sobol(MODEL, DATA, weights=INDICATOR_NOISE, n=512, seed=0, bootstrap=0,
                      choices=choices, aggregate=["arithmetic", "geometric"], keep_design=True)
    assert sa.inputs[-4:] == ("aggregate", "weights", "drop", "source:c")
    assert list(sa.design.columns[-3:]) == ["weights", "drop", "source:c"]
    total = sa.total_order_score.loc[["weights", "drop", "source:c"]]
    assert (total.to_numpy() > 0).any(axis=1).all()


# ---------------------------------------------------------------- reproducibility
def test_bit_identical_for_any_block_size_and_executor() -> None:
    choices = [sp.WeightSets(SETS), sp.DropOne(["a", "d"]),
               sp.DataSources({"c": {"reported": None, "mirror": ALT["c"]}})]
    kw = {"weights": INDICATOR_NOISE, "n": 17_000, "seed": 8, "choices": choices,
          "normalize": [sp.MinMax(1, 100), "rank"]}
    a = sp.uncertainty(MODEL, DATA, block_size=1, **kw, keep_inputs=True)
    with ThreadPoolExecutor(2) as pool:
        b = sp.uncertainty(MODEL, DATA, block_size=20_000, executor=pool, **kw, keep_inputs=True)
    pd.testing.assert_frame_equal(a.rank_counts, b.rank_counts)
    pd.testing.assert_frame_equal(a.score_stats, b.score_stats)
    pd.testing.assert_frame_equal(a.inputs, b.inputs)
    c = sp.smaa(MODEL, DATA, n=9000, seed=1, choices=choices[1:], block_size=1)
    with ThreadPoolExecutor(2) as pool:
        d = sp.smaa(MODEL, DATA, n=9000, seed=1, choices=choices[1:], executor=pool)
    pd.testing.assert_frame_equal(c.rank_acceptability, d.rank_acceptability)
    pd.testing.assert_frame_equal(c.sample_choices(), d.sample_choices())


def test_bit_identical_on_a_process_pool() -> None:
    from concurrent.futures import ProcessPoolExecutor

    choices = [sp.WeightSets(SETS), sp.DataSources({"c": {"reported": None, "mirror": ALT}})]
    kw = {"weights": INDICATOR_NOISE, "n": 9000, "seed": 4, "choices": choices}
    a = sp.uncertainty(MODEL, DATA, **kw, keep_inputs=True)
    with ProcessPoolExecutor(2) as pool:
        b = sp.uncertainty(MODEL, DATA, executor=pool, block_size=1, **kw, keep_inputs=True)
    pd.testing.assert_frame_equal(a.rank_counts, b.rank_counts)
    pd.testing.assert_frame_equal(a.inputs, b.inputs)


def test_smaa_with_a_data_source_mixes_the_two_tables() -> None:
    src = sp.DataSources({"c": {"reported": None, "mirror": ALT["c"]}},
                         probabilities={"c": [0.0, 1.0]})
    sm = sp.smaa(MODEL, DATA, n=2000, seed=2, choices=[src])
    alt = sp.smaa(MODEL, ALT, n=2000, seed=2)
    # Every draw uses the mirror table: the same weights give the same acceptabilities.
    pd.testing.assert_frame_equal(sm.rank_acceptability, alt.rank_acceptability)
    assert set(sm.sample_choices()["source:c"]) == {"mirror"}


# ---------------------------------------------------------------- hostile input
@pytest.mark.parametrize(("choice", "error", "match"), [
    (sp.WeightSets({}), ParameterError, "'sets' parameter of WeightSets is empty"),
    (sp.WeightSets({"x": {"P": 1, "nope": 2}}), ParameterError, "'nope'"),
    (sp.WeightSets({"x": {"P": -1.0}}), ParameterError, "weight set 'x'"),
    (sp.WeightSets({"x": {"P": 1.0}, "y": {"Q": 1.0}}), ParameterError, "same nodes"),
    (sp.WeightSets({"x": [1, 2, 3]}, node="P"), ParameterError, "2 children"),
    (sp.WeightSets({"x": {"I": 1.0}}), ParameterError, "root"),
    (sp.WeightSets({"x": {"P": 1.0}}, probabilities=[1, 2]), ParameterError, "probabilities"),
    (sp.WeightSets([1, 2]), SpindexTypeError, "'sets' parameter of WeightSets"),
    (sp.ExpertPanel(pd.DataFrame({"P": [1.0, np.nan]}, index=["a", "b"])), ParameterError,
     "Expert 'b'"),
    (sp.ExpertPanel(pd.DataFrame({"P": [1.0, 2.0]}, index=["a", "a"])), ParameterError,
     "twice"),
    (sp.ExpertPanel(pd.DataFrame({"P": [1.0, -2.0], "Q": [1.0, 1.0]}, index=["a", "b"])),
     ParameterError, "weight set 'b' of ExpertPanel"),
    (sp.ExpertPanel(pd.DataFrame()), ParameterError, "empty"),
    (sp.ExpertPanel([1, 2]), SpindexTypeError, "'table' parameter of ExpertPanel"),
    (sp.DropOne(["zz"]), ParameterError, "'zz'"),
    (sp.DropOne(["I"]), ParameterError, "root"),
    (sp.DropOne(["a", "a"]), ParameterError, "twice"),
    (sp.DropOne("a"), SpindexTypeError, "list of node codes"),
    (sp.DropOne([], none=False), ParameterError, "no alternative"),
    (sp.DataSources({"zz": {"x": None}}), ParameterError, "'zz'"),
    (sp.DataSources({"P": {"x": None}}), ParameterError, "not an indicator"),
    (sp.DataSources({"c": {"x": None, "y": {"Nowhere": 1.0}}}), DataError, "'Nowhere'"),
    (sp.DataSources({"c": {"x": None, "y": {"U1": "many"}}}), DataError, "not numbers"),
    (sp.DataSources({"c": {"x": None, "y": {"U1": np.inf}}}), DataError, "infinite"),
    (sp.DataSources({"c": {"x": None, "y": ALT[["a"]]}}), DataError, "without a column 'c'"),
    (sp.DataSources({"c": {}}), ParameterError, "non-empty"),
    (sp.DataSources({"c": {"x": None, "y": 3.0}}), SpindexTypeError, "source 'y'"),
    (sp.DataSources({"c": {"x": None}}, probabilities={"d": [1]}), ParameterError, "'d'"),
    (sp.DataSources({"c": {"x": None, "y": None}}, probabilities={"c": [-1, 2]}),
     ParameterError, "probabilities"),
])
def test_bad_inputs_are_refused_up_front(choice, error, match) -> None:
    for analysis in (sp.uncertainty, sp.sobol):
        with pytest.raises(error, match=match):
            analysis(MODEL, DATA, weights=None, n=256, choices=[choice])
    with pytest.raises(error, match=match):
        sp.smaa(MODEL, DATA, n=100, choices=[choice], level=1)


def test_refuses_sampling_a_weight_a_set_replaces() -> None:
    with pytest.raises(ParameterError, match=r"replaces the weights of \['P', 'Q', 'R'\]"):
        sp.uncertainty(MODEL, DATA, weights=0.25, choices=[sp.WeightSets(SETS)], n=10)
    with pytest.raises(ParameterError, match="weights=None"):
        sp.smaa(MODEL, DATA, n=10, choices=[sp.WeightSets(SETS)])


def test_refuses_other_objects_and_repeated_names() -> None:
    with pytest.raises(SpindexTypeError, match="'choices' parameter of uncertainty"):
        sp.uncertainty(MODEL, DATA, choices=["minmax"], n=10)
    with pytest.raises(SpindexTypeError, match="'choices' parameter of sobol"):
        sp.sobol(MODEL, DATA, choices={"a": 1}, n=16)
    with pytest.raises(ParameterError, match=r"several inputs named \['drop'\]"):
        sp.uncertainty(MODEL, DATA, n=10, choices=[sp.DropOne(["a"]), sp.DropOne(["c"])])
    with pytest.raises(ParameterError, match="names of method switches"):
        sp.uncertainty(MODEL, DATA, n=10, normalize=["minmax", "rank"],
                       choices=[sp.DropOne(["a"], name="normalize")])
    with pytest.raises(ParameterError, match="'name' parameter of DropOne"):
        sp.uncertainty(MODEL, DATA, n=10, choices=[sp.DropOne(["a"], name="")])
    # Names of the analysis' own columns would overwrite a sampled weight or a record field.
    for reserved in ("w:a", "R_S", "score:U1", "rank:U1"):
        with pytest.raises(ParameterError, match=f"'name' parameter of DropOne is '{reserved}'"):
            sp.uncertainty(MODEL, DATA, n=10, choices=[sp.DropOne(["a"], name=reserved)])


def test_refuses_too_many_variants() -> None:
    many = {c: {str(k): {"U1": float(k)} for k in range(9)} for c in ("a", "b", "c", "d")}
    with pytest.raises(ParameterError, match="6,561 model variants"):
        sp.uncertainty(MODEL, DATA, n=10, choices=[sp.DataSources(many)])


def test_inputs_are_not_mutated() -> None:
    data = DATA.copy()
    alt = ALT.copy()
    sets = {k: dict(v) for k, v in SETS.items()}
    sp.uncertainty(MODEL, data, weights=None, n=100, seed=0,
                   choices=[sp.WeightSets(sets), sp.DataSources({"c": {"r": None, "m": alt}})])
    pd.testing.assert_frame_equal(data, DATA)
    pd.testing.assert_frame_equal(alt, ALT)
    assert sets == SETS


def test_a_source_the_model_cannot_use_is_named() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [{"code": "x"}, {"code": "y"}]})
    data = pd.DataFrame({"x": [1.0, 2.0], "y": [2.0, 1.0]}, index=["A", "B"])
    src = sp.DataSources({"x": {"reported": None, "zero": {"A": 0.0}}})
    with pytest.raises(sp.MethodError, match=r"with aggregate=geometric, source:x=zero: .*"
                                             "geometric mean"):
        sp.uncertainty(sp.CompositeIndex(fw, normalize="none"), data, weights=None,
                       n=10, choices=[src], aggregate=["arithmetic", "geometric"])


# ------------------------------------------------- the inputs named without per-run records
def _panel() -> sp.ExpertPanel:
    return sp.ExpertPanel(pd.DataFrame({"P": [1.0, 3.0], "Q": [1.0, 1.0], "R": [2.0, 0.5]},
                                       index=[10, 20]))


@pytest.mark.parametrize("case", ["weight sets", "experts", "drop", "sources", "single",
                                  "same labels", "all"])
def test_input_names_and_alternatives_match_the_kept_inputs(case: str) -> None:
    """What the report reads from a result made with the defaults (no per-run table) is
    the kept table's columns and categories, for every kind of input."""
    kinds = {
        "weight sets": ({"choices": [sp.WeightSets(SETS)]}),
        "experts": ({"choices": [_panel()]}),
        "drop": ({"choices": [sp.DropOne(["a", "Q"])]}),
        "sources": ({"choices": [sp.DataSources({"c": {"reported": None,
                                                       "mirror": ALT["c"]}})]}),
        "single": ({"normalize": [sp.MinMax(1, 100)], "aggregate": ["geometric"]}),
        "same labels": ({"treat": [lambda x: x, lambda x: x]}),
        "all": ({"choices": [sp.WeightSets(SETS), sp.DropOne(["R"]),
                             sp.DataSources({"c": {"reported": None, "mirror": ALT["c"]}})],
                 "aggregate": ["arithmetic", "geometric"]}),
    }
    kwargs = {"weights": INDICATOR_NOISE, "n": 64, "seed": 2, **kinds[case]}
    flat = sp.uncertainty(MODEL, DATA, **kwargs)
    kept = sp.uncertainty(MODEL, DATA, keep_inputs=True, **kwargs)
    assert flat.kept_inputs is None
    assert flat.input_names == kept.input_names == tuple(kept.inputs.columns)
    switches = [c for c in kept.inputs.columns if not c.startswith("w:")]
    assert flat.alternatives == kept.alternatives == {
        c: tuple(str(v) for v in kept.inputs[c].cat.categories) for c in switches}
    if case == "same labels":
        assert flat.alternatives["treat"] == ("<lambda>", "<lambda> #2")
    # The report's account of the analysis is the same with or without the kept table.
    from spindex.report import _uncertainty_section

    def uncertain(result: sp.UncertaintyResult) -> str:
        html = _uncertainty_section(result, lambda *args, **kw: "")
        return html[html.index("Uncertain:"):html.index("Mean absolute")]

    assert uncertain(flat) == uncertain(kept)
    assert "the weights of" in uncertain(flat)
    # A discrete input's labels and codes are the user's, shown as given (node "R" is not
    # "r", "none" is no node dropped, not "values used as given").
    for name in switches:
        if not name.startswith(("aggregate", "normalize", "treat")):
            shown = f"{name} ({', '.join(flat.alternatives[name])})"
            assert shown in uncertain(flat), shown
