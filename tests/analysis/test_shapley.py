"""shapley_effects: checks before work, reproducibility, result shape, warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import ParameterError, SpindexTypeError


@pytest.fixture(scope="module")
def asem():
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), sp.datasets.load("asem")


def run(model, data, **kwargs):
    kwargs.setdefault("weights", sp.UniformSimplex(levels=[2]))
    kwargs.setdefault("n_outer", 16)
    kwargs.setdefault("n_var", 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        return sp.shapley_effects(model, data, **kwargs)


def test_asem_pillars(asem) -> None:
    model, data = asem
    before = data.copy()
    sh = run(model, data, seed=5)
    pd.testing.assert_frame_equal(data, before)
    assert sh.inputs == ("Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ",
                         "Social", "SusEcFin")
    assert sh.effects.shape == (8, 51) and list(sh.effects.columns) == list(map(str, data.index))
    assert sh.runs == 200 + 254 * 16 * 3
    np.testing.assert_allclose(sh.effects.sum(), sh.variance, rtol=1e-10)
    np.testing.assert_allclose(sh.shares.sum(), 1.0, rtol=1e-10)
    assert (sh.std_error > 0).all().all()
    varying = sh.rank_variance > 0
    np.testing.assert_allclose(sh.rank_shares.loc[:, varying].sum(), 1.0, rtol=1e-10)
    assert sh.rank_shares.loc[:, ~varying].isna().all().all()
    long = sh.to_frame()
    assert len(long) == 2 * 8 * 51
    assert set(long.columns) == {"output", "unit", "input", "effect", "share", "std_error"}
    row = long[(long.output == "score") & (long.unit == "CHN") & (long.input == "Instit")]
    assert row.effect.item() == sh.effects.loc["Instit", "CHN"]
    assert "ShapleyResult: 8 weights, 51 units" in repr(sh)
    html = sh._repr_html_()
    assert "ShapleyResult: 8 weights, 51 units" in html and "exact subsets" in html
    assert "Instit" in html


def test_reproducible_from_a_seed(asem) -> None:
    model, data = asem
    a, b = run(model, data, seed=3), run(model, data, seed=3)
    pd.testing.assert_frame_equal(a.effects, b.effects)
    pd.testing.assert_frame_equal(a.rank_std_error, b.rank_std_error)
    c = run(model, data, seed=4)
    assert not a.effects.equals(c.effects)
    fresh = run(model, data)
    again = run(model, data, seed=fresh.seed)
    pd.testing.assert_frame_equal(fresh.effects, again.effects)


@pytest.mark.parametrize("permutations", [None, 4])
def test_the_same_seed_sequence_twice_repeats_the_run(asem, permutations) -> None:
    """A SeedSequence is not consumed: given twice (or read back from the result), it gives
    the same effects, and the caller's sequence is left as it was."""
    model, data = asem
    seq = np.random.SeedSequence(7)
    a = run(model, data, seed=seq, permutations=permutations)
    b = run(model, data, seed=seq, permutations=permutations)
    pd.testing.assert_frame_equal(a.effects, b.effects)
    assert seq.n_children_spawned == 0
    pd.testing.assert_frame_equal(run(model, data, seed=a.seed, permutations=permutations).effects,
                                  a.effects)


def test_warns_about_ranks_that_never_move() -> None:
    table = pd.DataFrame({"code": ["a", "b", "c", "Index"], "parent": ["Index"] * 3 + [None],
                          "weight": [1.0, 1.0, 1.0, np.nan], "direction": [1, 1, 1, np.nan]})
    data = pd.DataFrame({"a": [9.0, 1, 2, 0], "b": [9.0, 2, 1, 0], "c": [9.0, 1.5, 1.5, 0]},
                        index=pd.Index(["TOP", "U", "V", "LOW"], name="uCode"))
    model = sp.CompositeIndex(sp.Framework.from_table(table), normalize=sp.MinMax(0, 1))
    with pytest.warns(sp.SpindexWarning, match=r"The rank of 2 unit\(s\) never varies .*TOP, LOW"):
        sh = sp.shapley_effects(model, data, weights=sp.UniformSimplex(levels=[1]), n_outer=8,
                                n_var=100, seed=1)
    assert sh.rank_shares[["TOP", "LOW"]].isna().all().all()
    assert sh.rank_variance[["U", "V"]].gt(0).all()


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"weights": sp.WeightNoise(0.2)}, SpindexTypeError, "must be a DirichletWeights or"),
    ({"weights": sp.UniformSimplex()}, ParameterError, "at most 12 weights; .* varies 59"),
    ({"weights": sp.UniformSimplex(nodes=["Physical", "ConEcFin"])}, ParameterError,
     "only part of the children of 'Conn'"),
    ({"n_outer": 1}, ParameterError, "n_outer"),
    ({"n_inner": 1}, ParameterError, "n_inner"),
    ({"n_var": 0}, ParameterError, "n_var"),
    ({"seed": -1}, ParameterError, "seed"),
    ({"permutations": 1}, ParameterError, "permutations"),
    ({"permutations": 2.5}, ParameterError, "permutations"),
])
def test_checks_inputs_before_work(asem, kwargs, error, match) -> None:
    model, data = asem
    kwargs = {"weights": sp.UniformSimplex(levels=[2]), **kwargs}
    with pytest.raises(error, match=match):
        sp.shapley_effects(model, data, **kwargs)


def test_checks_model_and_data(asem) -> None:
    model, data = asem
    with pytest.raises(SpindexTypeError, match="'model' parameter of shapley_effects"):
        sp.shapley_effects("model", data, weights=sp.UniformSimplex(levels=[2]))
    with pytest.raises(SpindexTypeError, match="'data' parameter of shapley_effects"):
        sp.shapley_effects(model, data.to_numpy(), weights=sp.UniformSimplex(levels=[2]))


def test_dirichlet_concentration_narrows_the_variance(asem) -> None:
    model, data = asem
    wide = run(model, data, weights=sp.DirichletWeights(1.0, levels=[3]), seed=1)
    narrow = run(model, data, weights=sp.DirichletWeights(100.0, levels=[3]), seed=1)
    assert wide.inputs == ("Conn", "Sust")
    assert (narrow.variance < wide.variance).all()
    # Two weights summing to one are one input in disguise: equal shares.
    np.testing.assert_allclose(wide.shares.to_numpy(), 0.5, atol=1e-12)


def test_random_permutations_take_every_weight(asem) -> None:
    model, data = asem
    sh = run(model, data, weights=sp.UniformSimplex(), permutations=10, n_outer=1, seed=2)
    assert len(sh.inputs) == 59 and sh.permutations == 10
    assert sh.runs == 200 + 10 * 58 * 3
    np.testing.assert_allclose(sh.effects.sum(), sh.variance, rtol=1e-10)
    assert np.isfinite(sh.std_error.to_numpy()).all()
    again = run(model, data, weights=sp.UniformSimplex(), permutations=10, n_outer=1, seed=2)
    pd.testing.assert_frame_equal(sh.effects, again.effects)
