"""Dominance shares: exact answers on models, flips, Monte Carlo, the matrix, bad input."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis._engine import CompiledModel
from spindex.analysis.dominance import (
    DominanceResult,
    _numeric_thresholds,
    _paths,
    _select,
    _Task,
    dominance,
    dominance_matrix,
    simplex_share,
)
from spindex.analysis.sampling import UniformSimplex
from spindex.errors import DataError, MethodError, ParameterError, SpindexTypeError

SOFT = sp.Framework.from_dict({"code": "Index", "children": [
    {"code": "Aid"}, {"code": "Trade"}, {"code": "Tourism"}, {"code": "Culture"},
    {"code": "Opinion"},
]})
SOFT_DATA = pd.DataFrame(
    {
        "Aid": [80.0, 40.0, 10.0, 55.0],
        "Trade": [90.0, 60.0, 30.0, 20.0],
        "Tourism": [50.0, 70.0, 45.0, 65.0],
        "Culture": [40.0, 75.0, 60.0, 35.0],
        "Opinion": [30.0, 60.0, 50.0, 70.0],
    },
    index=["China", "Japan", "Korea", "India"],
)
SOFT_MODEL = sp.CompositeIndex(SOFT, normalize="none")
TWO = sp.Framework.from_dict({"code": "Index",
                              "children": [{"code": "Aid", "weight": 3}, {"code": "Opinion"}]})


@pytest.fixture(scope="module")
def asem_model(asem_framework: sp.Framework) -> sp.CompositeIndex:
    return sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))


# ------------------------------------------------------------------------ exact answers
def test_two_pillars_threshold_and_share() -> None:
    data = SOFT_DATA[["Aid", "Opinion"]]
    res = dominance(sp.CompositeIndex(TWO, normalize="none"), data, "Japan", "China")
    # d = (40 - 80, 60 - 30): Japan leads when w_aid <= 30 / 70.
    assert res.share == pytest.approx(3 / 7, abs=1e-12)
    assert res.method == "exact" and res.standard_error is None and res.n is None
    np.testing.assert_allclose(res.vertex_gaps.to_numpy(), [-40.0, 30.0], atol=1e-12)
    assert res.nominal_gap == pytest.approx(0.75 * -40 + 0.25 * 30)
    assert res.leader == "China"
    row = res.thresholds.loc["Opinion"]
    assert row["flip_at"] == pytest.approx(4 / 7, abs=1e-12) and row["a_leads"] == "above"
    assert res.thresholds.loc["Aid", "a_leads"] == "below"
    assert "Opinion weighs at least 0.5714" in res.statement()
    assert "China leads Japan by 22.5" in res.statement()


def test_share_of_five_pillars_equals_closed_form_of_vertex_gaps() -> None:
    res = dominance(SOFT_MODEL, SOFT_DATA, "Japan", "China")
    d = (SOFT_DATA.loc["Japan"] - SOFT_DATA.loc["China"]).to_numpy()
    np.testing.assert_allclose(res.vertex_gaps.to_numpy(), d, atol=1e-12)
    assert res.share == pytest.approx(simplex_share(d), abs=1e-15)
    # The nominal gap lies on the affine function the vertex gaps define.
    assert res.nominal_gap == pytest.approx(float(res.nominal_weights @ res.vertex_gaps))
    assert res.hyperplane is not None and res.hyperplane.endswith("= 0")


def test_edges_are_where_the_gap_vanishes() -> None:
    res = dominance(SOFT_MODEL, SOFT_DATA, "Japan", "China")
    assert len(res.edges) == 3 * 2  # three nodes favour Japan, two China
    for _, edge in res.edges.iterrows():
        w = dict.fromkeys(SOFT.children("Index"), 0.0)
        w[edge["a_vertex"]], w[edge["b_vertex"]] = edge["flip_at"], 1 - edge["flip_at"]
        scores = SOFT_MODEL.with_weights(w, level=1).score(SOFT_DATA).index
        assert scores["Japan"] - scores["China"] == pytest.approx(0.0, abs=1e-9)


def test_one_weight_thresholds_flip_the_order(asem_model, asem_data) -> None:
    res = dominance(asem_model, asem_data, "CHN", "JPN", node="Conn")
    fw = asem_model.framework
    siblings = fw.children("Conn")
    for code, row in res.thresholds.iterrows():
        if row["a_leads"] not in ("above", "below"):
            continue
        gaps = []
        for t in (row["flip_at"] - 1e-6, row["flip_at"] + 1e-6):
            w = {c: (1 - t) / (len(siblings) - 1) for c in siblings}
            w[code] = t
            s = asem_model.with_weights(w, node="Conn").score(asem_data).index
            gaps.append(s["CHN"] - s["JPN"])
        assert gaps[0] * gaps[1] < 0
        assert (gaps[1] >= 0) == (row["a_leads"] == "above")


def test_numeric_flips_agree_with_closed_form(asem_model, asem_data) -> None:
    res = dominance(asem_model, asem_data, "CHN", "JPN", node="Conn")
    sel = _select(asem_model.framework, None, "Conn")
    compiled = CompiledModel([asem_model], asem_data, sel.nodes)
    w0 = res.nominal_weights
    units = list(compiled.units)
    numeric = _numeric_thresholds(compiled, w0, _paths(compiled, sel, w0),
                                  units.index("CHN"), units.index("JPN"))
    pd.testing.assert_series_equal(numeric["a_leads"], res.thresholds["a_leads"])
    np.testing.assert_allclose(numeric["flip_at"], res.thresholds["flip_at"], atol=1e-9)
    np.testing.assert_allclose(numeric["vertex_gap"], res.thresholds["vertex_gap"], atol=1e-6)


def test_identical_units_tie_everywhere() -> None:
    data = SOFT_DATA.copy()
    data.loc["Twin"] = data.loc["Japan"]
    res = dominance(SOFT_MODEL, data, "Japan", "Twin")
    assert res.share == 1.0
    assert "score the same whatever these weights" in res.statement()


# ------------------------------------------------------------------------- Monte Carlo
def test_monte_carlo_agrees_with_exact(asem_model, asem_data) -> None:
    exact = dominance(asem_model, asem_data, "CHN", "JPN", node="Conn")
    mc = dominance(asem_model, asem_data, "CHN", "JPN", node="Conn", method="monte_carlo",
                   n=40_000, seed=11)
    assert mc.n == 40_000 and mc.seed == 11
    assert mc.standard_error == pytest.approx(np.sqrt(mc.share * (1 - mc.share) / mc.n))
    assert abs(mc.share - exact.share) <= 3 * mc.standard_error
    pd.testing.assert_frame_equal(mc.thresholds, exact.thresholds)


def test_monte_carlo_identical_for_any_block_size_and_executor(asem_model, asem_data) -> None:
    kwargs = {"level": 2, "method": "monte_carlo", "n": 3 * 2048 + 17, "seed": 5}
    ref = dominance(asem_model, asem_data, "CHN", "JPN", block_size=2048, **kwargs)
    big = dominance(asem_model, asem_data, "CHN", "JPN", block_size=10**6, **kwargs)
    with ThreadPoolExecutor(2) as pool:
        threaded = dominance(asem_model, asem_data, "CHN", "JPN", executor=pool, **kwargs)
    assert ref.share == big.share == threaded.share
    assert 0 < ref.share < 1


def test_several_groups_give_the_product_of_simplices(asem_model, asem_data) -> None:
    res = dominance(asem_model, asem_data, "CHN", "JPN", level=2, method="monte_carlo",
                    n=20_000, seed=2)
    assert [len(g) for g in res.groups] == [5, 3] and res.parents == ("Conn", "Sust")
    # Affine on the product of simplices: the hyperplane still exists.
    assert res.linear and res.hyperplane is not None
    rng = np.random.default_rng(0)
    fw = asem_model.framework
    for _ in range(5):
        w = {}
        for parent in ("Conn", "Sust"):
            kids = fw.children(parent)
            w.update(zip(kids, rng.dirichlet(np.ones(len(kids))), strict=True))
        s = asem_model.with_weights(w).score(asem_data).index
        lhs = sum(res.vertex_gaps[c] * w[c] for c in w)
        assert lhs - res.nominal_gap == pytest.approx(s["CHN"] - s["JPN"], abs=1e-9)
    assert "each group's weights sum to 1" in res.statement()


def test_geometric_model_needs_monte_carlo(asem_framework, asem_data) -> None:
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100), aggregate="geometric")
    with pytest.raises(MethodError, match=r"'Index' is aggregated with 'geometric'.*monte_carlo"):
        dominance(model, asem_data, "CHN", "JPN")
    res = dominance(model, asem_data, "CHN", "JPN", method="monte_carlo", n=4096, seed=0)
    assert not res.linear and res.hyperplane is None
    assert "does not flip on a hyperplane" in res.statement()
    assert "located numerically" in repr(res)
    assert set(res.thresholds["a_leads"]) <= {"above", "below", "always", "never", "several"}


def test_partly_missing_children_are_not_linear() -> None:
    data = SOFT_DATA.copy()
    data.loc["Japan", "Culture"] = np.nan
    model = sp.CompositeIndex(SOFT, normalize="none")
    with pytest.raises(MethodError, match=r"unit 'Japan' has no score for \['Culture'\].*"
                                          r"monte_carlo"):
        dominance(model, data, "Japan", "China")
    # Units that have every child stay exact.
    assert dominance(model, data, "Korea", "China").method == "exact"
    mc = dominance(model, data, "Japan", "China", method="monte_carlo", n=20_000, seed=3)
    # Japan's score is its weighted mean over the four pillars it has.
    rng = np.random.default_rng(1)
    w = rng.dirichlet(np.ones(5), size=200_000)
    have = ~data.loc["Japan"].isna().to_numpy()
    japan = (w[:, have] @ data.loc["Japan"].to_numpy()[have]) / w[:, have].sum(axis=1)
    china = w @ data.loc["China"].to_numpy()
    assert abs(mc.share - np.mean(japan >= china)) < 4 * mc.standard_error + 0.003
    assert not mc.linear


def test_unit_without_index_score(asem_framework) -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "x"}, {"code": "y"}]},
        {"code": "Q", "children": [{"code": "z"}, {"code": "v"}]},
    ]})
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, np.nan],
                         "z": [1.0, 5.0, np.nan], "v": [2.0, 2.5, np.nan]},
                        index=["a", "b", "c"])
    model = sp.CompositeIndex(fw, min_coverage=0.6)
    with pytest.raises(DataError, match=r"\['c'\] have no 'I' score"):
        dominance(model, data, "a", "c")
    with pytest.raises(DataError, match="no 'I' score"):
        dominance_matrix(model, data)


# ---------------------------------------------------------------------------- matrix
def test_matrix_matches_pairs_and_complements() -> None:
    M = dominance_matrix(SOFT_MODEL, SOFT_DATA)
    assert M.index.name == "a" and M.columns.name == "b" and M.attrs["method"] == "exact"
    for a in SOFT_DATA.index:
        for b in SOFT_DATA.index:
            if a != b:
                assert M.loc[a, b] == pytest.approx(dominance(SOFT_MODEL, SOFT_DATA, a, b).share,
                                                    abs=1e-15)
    np.testing.assert_array_equal(np.diag(M), 1.0)
    off = ~np.eye(len(M), dtype=bool)
    np.testing.assert_allclose((M + M.T).to_numpy()[off], 1.0, atol=1e-14)


def test_matrix_monte_carlo_close_to_exact(asem_model, asem_data) -> None:
    exact = dominance_matrix(asem_model, asem_data, node="Sust")
    mc = dominance_matrix(asem_model, asem_data, node="Sust", method="monte_carlo", n=8192,
                          seed=4)
    assert mc.attrs == {"method": "monte_carlo", "n": 8192, "seed": 4}
    se = np.sqrt(exact * (1 - exact) / 8192).to_numpy()
    assert (np.abs(mc - exact).to_numpy() <= 4 * se + 1e-12).all()
    with ThreadPoolExecutor(2) as pool:
        again = dominance_matrix(asem_model, asem_data, node="Sust", method="monte_carlo",
                                 n=8192, seed=4, executor=pool, block_size=2048)
    pd.testing.assert_frame_equal(mc, again, check_exact=True)


def test_matrix_refuses_exact_for_several_groups(asem_model, asem_data) -> None:
    with pytest.raises(MethodError, match=r"several groups.*method='monte_carlo'.*node='Conn'"):
        dominance_matrix(asem_model, asem_data, level=2)


# ------------------------------------------------------------------------ readability
def test_repr_reads_like_an_answer() -> None:
    res = dominance(SOFT_MODEL, SOFT_DATA, "Japan", "China")
    text = repr(res)
    assert text.startswith("<DominanceResult Japan vs China: weights of 5 children of 'Index'>")
    assert f"on {res.share:.4f} of the weights (exact)" in text
    assert "The order flips on the hyperplane" in text
    assert "With all the weight on one node, Japan leads at Tourism, Culture, Opinion" in text
    assert isinstance(res, DominanceResult)


def test_task_pickles(asem_model, asem_data) -> None:
    sel = _select(asem_model.framework, None, None)
    task = _Task(CompiledModel([asem_model], asem_data, sel.nodes), UniformSimplex(nodes=sel.nodes),
                 np.random.SeedSequence(0), (0, 1))
    again = pickle.loads(pickle.dumps(task))
    assert again([(0, 0, 100)])[0] == task([(0, 0, 100)])[0]


# ------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"a": "Mars"}, ParameterError, r"'Mars' is not a unit of the data.*'China'"),
        ({"b": "Mars"}, ParameterError, "'Mars' is not a unit"),
        ({"b": "Japan"}, ParameterError, "same unit"),
        ({"level": "root"}, ParameterError, r"single node \('Index'\).*no weight to vary"),
        ({"node": "Aid"}, ParameterError, "'Aid' is an indicator"),
        ({"level": 1, "node": "Index"}, ParameterError, "not both"),
        ({"method": "volume"}, ParameterError, r"'method'.*\{'exact', 'monte_carlo'\}.*'volume'"),
        ({"method": "monte_carlo", "n": 0}, ParameterError,
         r"'n' parameter of dominance must be an integer >= 1\. Got 0 "),
    ],
)
def test_bad_input(kwargs, error, match) -> None:
    args = {"a": "Japan", "b": "China", **kwargs}
    with pytest.raises(error, match=match):
        dominance(SOFT_MODEL, SOFT_DATA, **args)


def test_level_with_part_of_a_group() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "x"}, {"code": "P", "children": [{"code": "y"}, {"code": "z"}]},
    ]})
    data = pd.DataFrame({"x": [2.0, 1.0], "y": [2.0, 1.0], "z": [0.0, 3.0]}, index=["a", "b"])
    model = sp.CompositeIndex(fw, normalize="none")
    with pytest.raises(ParameterError, match=r"only part of the children of 'I'.*node='I'"):
        dominance(model, data, "a", "b", level=1)
    # Gaps at the vertices y and z: (2 + 2)/2 - (1 + 1)/2 = 1 and (2 + 0)/2 - (1 + 3)/2 = -1.
    res = dominance(model, data, "a", "b", node="P")
    np.testing.assert_allclose(res.vertex_gaps.to_numpy(), [1.0, -1.0])
    assert res.share == pytest.approx(0.5, abs=1e-15)


def test_only_children_have_no_weight_to_vary() -> None:
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": "P", "children": [{"code": "x"}]}, {"code": "Q", "children": [{"code": "y"}]},
    ]})
    data = pd.DataFrame({"x": [1.0, 2.0], "y": [2.0, 1.0]}, index=["a", "b"])
    with pytest.raises(ParameterError, match="only child"):
        dominance(sp.CompositeIndex(fw, normalize="none"), data, "a", "b", level=1)


def test_types_are_checked() -> None:
    with pytest.raises(SpindexTypeError, match="CompositeIndex"):
        dominance(SOFT, SOFT_DATA, "Japan", "China")  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="DataFrame"):
        dominance(SOFT_MODEL, SOFT_DATA.to_numpy(), "Japan", "China")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="shape"):
        simplex_share(np.ones((2, 2, 2)))
    with pytest.raises(ParameterError, match="finite"):
        simplex_share([1.0, np.nan])
