"""Hostile run parameters of every sampling analysis: seeds, counts, memory, executors, and
the degenerate Sobol analyses that must speak (issue 12, sections 2 and 4).

Every refusal is checked for its class *and* for a message that names the parameter and the
value given, so that a user sees what to change.
"""

from __future__ import annotations

import os
import re
import tracemalloc
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis import _runs
from spindex.analysis._engine import CHUNK
from spindex.analysis.dominance import dominance, dominance_matrix
from spindex.analysis.smaa import BoundedSimplex, smaa
from spindex.analysis.sobol import saltelli_design
from spindex.analysis.uncertainty import _check_memory
from spindex.errors import ParameterError, SpindexError, SpindexTypeError, SpindexWarning
from spindex.panel import smaa_panel, uncertainty_panel

FW = sp.Framework.from_dict({"code": "I", "children": [
    {"code": "P", "children": [{"code": "x"}, {"code": "y"}]},
    {"code": "Q", "children": [{"code": "z"}, {"code": "w"}]},
]})
DATA = pd.DataFrame(
    {"x": [1.0, 4.0, 2.0, 8.0, 5.0, 3.0], "y": [6.0, 2.0, 7.0, 1.0, 3.0, 5.0],
     "z": [2.0, 9.0, 4.0, 3.0, 6.0, 1.0], "w": [5.0, 3.0, 8.0, 2.0, 1.0, 7.0]},
    index=list("ABCDEF"),
)
MODEL = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100))
PANEL = pd.concat({2020: DATA, 2021: DATA * 1.1}, names=["year", "unit"])



def _sobol(**kw: Any) -> Any:
    # Unit C ranks last in every run these few draws make, and sobol says so (tested below,
    # test_sobol_warns_when_a_rank_never_varies); here it is a side effect.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"The rank of .* never varies", SpindexWarning)
        # The design is kept so that the seed tests compare it (_fingerprint).
        return sp.sobol(MODEL, DATA, **{"n": 8, "bootstrap": 0, "keep_design": True, **kw})


# Every analysis that takes run parameters, as a call with everything else valid.
RUNS: dict[str, Callable[..., Any]] = {
    "uncertainty": lambda **kw: sp.uncertainty(MODEL, DATA, **{"n": 16, **kw}),
    "sobol": _sobol,
    "smaa": lambda **kw: smaa(MODEL, DATA, **{"n": 16, **kw}),
    "dominance": lambda **kw: dominance(MODEL, DATA, "A", "B", method="monte_carlo",
                                        **{"n": 16, **kw}),
    "dominance_matrix": lambda **kw: dominance_matrix(MODEL, DATA, method="monte_carlo",
                                                      **{"n": 16, **kw}),
}
SEEDED: dict[str, Callable[..., Any]] = {
    **RUNS,
    "saltelli_design": lambda **kw: saltelli_design(8, 2, **kw),
    "uncertainty_panel": lambda **kw: uncertainty_panel(MODEL, PANEL, n=16, **kw),
    "smaa_panel": lambda **kw: smaa_panel(MODEL, PANEL, n=16, **kw),
}
SAMPLERS = {
    "WeightNoise": sp.WeightNoise(0.2),
    "DirichletWeights": sp.DirichletWeights(5.0, levels=[1]),
    "UniformSimplex": sp.UniformSimplex(levels=[2]),
    "WeightBounds": sp.WeightBounds({"x": (0.5, 1.0)}),
    "BoundedSimplex": BoundedSimplex({"P": (0.2, 0.8)}),
}
OWNER = {"uncertainty_panel": "uncertainty_panel", "smaa_panel": "smaa_panel"}

#: (seed, exception class, text the message must show for the value)
BAD_SEEDS = [
    (-1, ParameterError, "-1"),
    (-(2**70), ParameterError, str(-(2**70))),
    (2**300, ParameterError, "2**256"),
    (1.5, SpindexTypeError, "1.5"),
    (np.float64(3.0), SpindexTypeError, "3.0"),
    (True, SpindexTypeError, "True"),
    (np.bool_(False), SpindexTypeError, "False"),
    ("7", SpindexTypeError, "'7'"),
    ([1, 2], SpindexTypeError, "[1, 2]"),
    (np.arange(3), SpindexTypeError, "array"),
    (np.random.default_rng(0), SpindexTypeError, "Generator"),
    (np.random.RandomState(0), SpindexTypeError, "RandomState"),
    (object(), SpindexTypeError, "object"),
    (list(range(10_000)), SpindexTypeError, "list"),
]


def _message(exc: pytest.ExceptionInfo[BaseException]) -> str:
    return str(exc.value)


# ---------------------------------------------------------------------------------- seeds
@pytest.mark.parametrize("name", list(SEEDED))
@pytest.mark.parametrize(("seed", "cls", "shown"), BAD_SEEDS,
                         ids=[f"seed{i}" for i in range(len(BAD_SEEDS))])
def test_bad_seed_is_refused_naming_it(name, seed, cls, shown) -> None:
    with pytest.raises(cls) as exc:
        SEEDED[name](seed=seed)
    assert isinstance(exc.value, SpindexError)
    text = _message(exc)
    assert "'seed'" in text and name.split("(")[0] in text
    assert shown in text
    assert len(text) < 600  # a huge seed is shortened, not dumped


def test_exact_dominance_refuses_a_bad_seed_too() -> None:
    with pytest.raises(ParameterError, match=r"'seed' parameter of dominance .* Got -3 "):
        dominance(MODEL, DATA, "A", "B", seed=-3)


@pytest.mark.parametrize("name", list(SAMPLERS))
@pytest.mark.parametrize(("seed", "cls", "shown"),
                         [s for s in BAD_SEEDS if "Generator" not in s[2]],
                         ids=[f"seed{i}" for i in range(len(BAD_SEEDS) - 1)])
def test_sampler_draw_refuses_bad_seeds(name, seed, cls, shown) -> None:
    with pytest.raises(cls) as exc:
        SAMPLERS[name].draw(FW, seed, 4)
    text = _message(exc)
    assert "'seed'" in text and f"{name}.draw" in text and shown in text


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_sampler_draw_takes_a_generator_or_a_seed(name) -> None:
    sampler = SAMPLERS[name]
    from_int = sampler.draw(FW, 3, 5)
    from_sequence = sampler.draw(FW, np.random.SeedSequence(3), 5)
    from_generator = sampler.draw(FW, np.random.Generator(np.random.PCG64(3)), 5)
    np.testing.assert_array_equal(from_int, from_sequence)
    np.testing.assert_array_equal(from_int, from_generator)
    assert sampler.draw(FW, None, 0).shape == (0, len(FW.codes))


@pytest.mark.parametrize("name", list(SAMPLERS))
@pytest.mark.parametrize(("n", "cls", "shown"), [
    (-1, ParameterError, "-1"), (2.0, SpindexTypeError, "2.0"), (True, SpindexTypeError, "True"),
    ("4", SpindexTypeError, "'4'"), (None, SpindexTypeError, "None"),
])
def test_sampler_draw_checks_n(name, n, cls, shown) -> None:
    with pytest.raises(cls) as exc:
        SAMPLERS[name].draw(FW, 0, n)
    assert "'n'" in _message(exc) and shown in _message(exc)


def test_sampler_draw_checks_the_framework() -> None:
    with pytest.raises(SpindexTypeError, match=r"'fw' parameter of WeightNoise\.draw .* str"):
        sp.WeightNoise(0.1).draw("I", 0, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["uncertainty", "sobol", "smaa", "dominance"])
def test_good_seeds_are_equivalent(name) -> None:
    run = RUNS[name]
    results = [run(seed=s) for s in (5, np.int64(5), np.uint8(5), np.random.SeedSequence(5))]
    keys = [_fingerprint(r) for r in results]
    assert all(k == keys[0] for k in keys)


def test_a_seed_sequence_is_not_changed_and_repeats() -> None:
    seq = np.random.SeedSequence(11, spawn_key=(2,))
    before = (seq.entropy, seq.spawn_key, seq.n_children_spawned)
    for name in ("uncertainty", "sobol", "smaa", "dominance"):
        first, second = RUNS[name](seed=seq), RUNS[name](seed=seq)
        assert _fingerprint(first) == _fingerprint(second)
        assert (seq.entropy, seq.spawn_key, seq.n_children_spawned) == before
        assert first.seed is seq


@pytest.mark.parametrize("name", ["uncertainty", "sobol", "smaa", "dominance"])
def test_unseeded_run_records_entropy_that_repeats_it(name) -> None:
    run = RUNS[name]
    first = run()
    assert isinstance(first.seed, int) and first.seed >= 0
    again = run(seed=first.seed)
    assert _fingerprint(again) == _fingerprint(first)


def test_unseeded_dominance_matrix_records_its_seed() -> None:
    first = RUNS["dominance_matrix"]()
    again = RUNS["dominance_matrix"](seed=first.attrs["seed"])
    pd.testing.assert_frame_equal(first, again)


@pytest.mark.parametrize("run", [uncertainty_panel, smaa_panel])
def test_unseeded_panel_uses_one_seed_for_every_period(run) -> None:
    res = run(MODEL, PANEL, n=16)
    seeds = {res[p].seed for p in res}
    assert len(seeds) == 1 and isinstance(seeds.pop(), int)


def _fingerprint(result: Any) -> Any:
    if isinstance(result, sp.UncertaintyResult):
        return result.summary().to_json(), result.mean_rank_shift
    if isinstance(result, sp.SobolResult):
        return result.first_order_score.to_json(), result.design.to_json()
    if isinstance(result, sp.SMAAResult):
        return result.rank_acceptability.to_json()
    return result.share


# --------------------------------------------------------------------------------- counts
BAD_COUNTS = [
    (0, ParameterError, "0"), (-5, ParameterError, "-5"), (2.5, SpindexTypeError, "2.5"),
    (1e4, SpindexTypeError, "10000.0"), (True, SpindexTypeError, "True"),
    ("16", SpindexTypeError, "'16'"), (None, SpindexTypeError, "None"),
    (np.float64(8.0), SpindexTypeError, "8.0"), ([16], SpindexTypeError, "[16]"),
]


@pytest.mark.parametrize("name", list(RUNS))
@pytest.mark.parametrize("parameter", ["n", "block_size"])
@pytest.mark.parametrize(("value", "cls", "shown"), BAD_COUNTS,
                         ids=[f"v{i}" for i in range(len(BAD_COUNTS))])
def test_bad_count_is_refused_naming_it(name, parameter, value, cls, shown) -> None:
    with pytest.raises(cls) as exc:
        RUNS[name](**{parameter: value})
    text = _message(exc)
    assert f"'{parameter}'" in text and shown in text and name in text


def test_a_wrong_type_is_both_a_type_and_a_value_error() -> None:
    with pytest.raises(TypeError) as as_type:
        RUNS["smaa"](n=2.0)
    with pytest.raises(ValueError) as as_value:
        RUNS["smaa"](n=2.0)
    assert str(as_type.value) == str(as_value.value)


def test_numpy_counts_are_accepted() -> None:
    a = RUNS["uncertainty"](n=np.int32(16), block_size=np.int64(8), seed=1)
    b = RUNS["uncertainty"](n=16, block_size=8, seed=1)
    assert _fingerprint(a) == _fingerprint(b)


@pytest.mark.parametrize(("kwargs", "cls", "pattern"), [
    ({"n": 1}, ParameterError, r"'n' parameter of uncertainty .* >= 2\. Got 1 "),
    ({"keep_inputs": "no"}, SpindexTypeError, r"'keep_inputs' parameter of uncertainty .*'no'"),
    ({"keep_runs": 1}, SpindexTypeError, r"'keep_runs' parameter of uncertainty .* 1 "),
    ({"progress": None}, SpindexTypeError, r"'progress' parameter of uncertainty .* None"),
])
def test_uncertainty_specific(kwargs, cls, pattern) -> None:
    with pytest.raises(cls, match=pattern):
        RUNS["uncertainty"](**kwargs)


@pytest.mark.parametrize(("kwargs", "cls", "pattern"), [
    ({"n": 100}, ParameterError, r"'n' parameter of sobol must be a power of two.* Got 100 "),
    ({"n": 2**40 + 1}, ParameterError, r"power of two.* Got 1099511627777 "),
    ({"bootstrap": -1}, ParameterError, r"'bootstrap' parameter of sobol .* >= 0\. Got -1 "),
    ({"bootstrap": 2.0}, SpindexTypeError, r"'bootstrap' parameter of sobol .* Got 2\.0 "),
    ({"bootstrap": True}, SpindexTypeError, r"'bootstrap' parameter of sobol .* Got True "),
    ({"confidence_level": 1.5}, ParameterError, r"'confidence_level' .* Got 1\.5 "),
    ({"confidence_level": "95%"}, ParameterError, r"'confidence_level' .* Got '95%' "),
    ({"confidence_level": float("nan")}, ParameterError, r"'confidence_level' .* Got nan "),
])
def test_sobol_specific(kwargs, cls, pattern) -> None:
    with pytest.raises(cls, match=pattern):
        RUNS["sobol"](**kwargs)


def test_saltelli_design_checks_dims() -> None:
    with pytest.raises(ParameterError, match=r"'dims' parameter of saltelli_design .* Got 0 "):
        saltelli_design(8, 0)


@pytest.mark.parametrize(("concentration", "cls"), [
    (0.0, ParameterError), (-1.0, ParameterError), (float("inf"), ParameterError),
    (float("nan"), ParameterError), ("10", SpindexTypeError), (True, SpindexTypeError),
])
def test_dirichlet_concentration(concentration, cls) -> None:
    with pytest.raises(cls, match=r"'concentration' parameter of DirichletWeights"):
        sp.DirichletWeights(concentration)


# --------------------------------------------------------------------------------- memory
@pytest.fixture
def four_gib(monkeypatch: pytest.MonkeyPatch) -> int:
    """The same limit on every machine, so that the refusals do not depend on it."""
    limit = 4 * 1024**3
    monkeypatch.setattr(_runs, "memory_limit", lambda: limit)
    return limit


def test_memory_limit_reads_the_system() -> None:
    limit = _runs.memory_limit()
    assert isinstance(limit, int) and limit > 0


def test_uncertainty_too_many_runs_is_refused_before_allocating(four_gib) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError) as exc:
            RUNS["uncertainty"](n=10**9, keep_inputs=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    text = _message(exc)
    assert "n = 1,000,000,000 runs" in text and "GiB" in text
    assert "keep_inputs=False" in text
    needed = int(re.search(r"\(([\d,]+) bytes\)", text).group(1).replace(",", ""))
    assert needed >= 10**9 * (8 + 8 * 6)  # R_S and the 6 sampled weights per run
    assert peak < 50 * 1024**2  # nothing of that size was allocated


def test_keep_runs_counts_in_the_memory_needed(four_gib) -> None:
    with pytest.raises(ParameterError, match="scores and ranks of 6 units"):
        RUNS["uncertainty"](n=10**8, keep_runs=True, keep_inputs=False)


def test_flat_run_passes_the_memory_check(four_gib) -> None:
    _check_memory(10**12, 16_384, None, 6, 6, 0, False, False)
    with pytest.raises(ParameterError, match="Lower block_size"):
        _check_memory(10**12, 10**12, None, 6, 6, 0, False, False)


def test_sink_records_in_flight_count_in_the_memory_needed(four_gib) -> None:
    # A sink keeps no run, but each chunk in flight carries its records until written: a block
    # that fits without a sink no longer fits when its 64 chunks carry 128 MB of records each
    # (found in review).
    block = 64 * CHUNK
    _check_memory(10**6, block, None, 6, 6, 0, False, False)
    with pytest.raises(ParameterError, match="Lower block_size"):
        _check_memory(10**6, block, None, 6, 6, 0, False, False, sink_record=2**27 // CHUNK)


def test_sobol_too_large_design_is_refused(four_gib) -> None:
    with pytest.raises(ParameterError) as exc:
        RUNS["sobol"](n=2**30, keep_design=True)
    text = _message(exc)
    assert "n = 1,073,741,824" in text and "GiB" in text and "lower n" in text


def test_smaa_sample_weights_too_large_is_refused(four_gib) -> None:
    sm = RUNS["smaa"](seed=0)
    huge = type(sm)(**{**sm.__dict__, "n": 10**10})
    with pytest.raises(ParameterError, match=r"sample_weights .* n = 10,000,000,000 draws"):
        huge.sample_weights()


def test_sampler_draw_too_large_is_refused(four_gib) -> None:
    with pytest.raises(ParameterError, match=r"WeightNoise\.draw .* n = 10,000,000,000"):
        sp.WeightNoise(0.1).draw(FW, 0, 10**10)


# --------------------------------------------------------------------------- keep_inputs
def test_inputs_are_kept_only_on_request_and_change_no_result() -> None:
    kwargs = {"n": 3 * CHUNK + 17, "seed": 4, "normalize": ["minmax", "zscore"]}
    kept = sp.uncertainty(MODEL, DATA, keep_inputs=True, **kwargs)
    flat = sp.uncertainty(MODEL, DATA, **kwargs)  # the default keeps no per-run record
    assert flat.kept_inputs is None and flat.kept_rank_shift is None
    # Both name their inputs and alternatives, kept or not.
    assert flat.input_names == kept.input_names == tuple(kept.inputs.columns)
    assert flat.alternatives == kept.alternatives == {
        "normalize": tuple(kept.inputs["normalize"].cat.categories)}
    pd.testing.assert_frame_equal(flat.summary(), kept.summary(), check_exact=True)
    pd.testing.assert_frame_equal(flat.rank_counts, kept.rank_counts, check_exact=True)
    pd.testing.assert_frame_equal(flat.score_stats, kept.score_stats, check_exact=True)
    assert flat.mean_rank_shift == kept.mean_rank_shift
    assert flat.seed == kept.seed == 4
    assert kept.inputs.shape == (kwargs["n"], 7)
    np.testing.assert_allclose(kept.mean_rank_shift, kept.rank_shift.mean(), rtol=1e-12)
    for attribute in ("inputs", "rank_shift"):
        with pytest.raises(ParameterError, match="keep_inputs=False"):
            getattr(flat, attribute)
    assert "R_S" in repr(flat)


def _peak(n: int, **kwargs: Any) -> int:
    tracemalloc.start()
    try:
        sp.uncertainty(MODEL, DATA, n=n, seed=0, block_size=CHUNK, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_in_n_by_default() -> None:
    small, large = _peak(2 * CHUNK), _peak(16 * CHUNK)
    kept = _peak(16 * CHUNK, keep_inputs=True)
    # Eight times the runs: the flat run's peak barely moves, the kept one grows by the
    # 7 float64 per run it returns (R_S and 6 weights).
    assert large < small * 1.25 + 256 * 1024
    assert kept - large > 0.8 * 16 * CHUNK * 7 * 8


# ------------------------------------------------------------------------------ executors
def _dies() -> None:
    os._exit(3)


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.nanmax(np.abs(x))


@pytest.fixture(scope="module")
def two_processes():
    with ProcessPoolExecutor(2) as pool:
        yield pool


@pytest.mark.parametrize("name", list(RUNS))
@pytest.mark.parametrize("executor", ["threads", 2, [ThreadPoolExecutor], ThreadPoolExecutor])
def test_non_executor_is_refused_up_front(name, executor, monkeypatch) -> None:
    # "Up front": before the model is compiled (scoring would fail here).
    monkeypatch.setattr(sp.CompositeIndex, "score", _never)
    with pytest.raises(SpindexTypeError) as exc:
        RUNS[name](executor=executor)
    assert "'executor'" in _message(exc) and type(executor).__name__ in _message(exc)


def _never(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the model was scored before the executor was checked")


@pytest.mark.parametrize("name", list(RUNS))
@pytest.mark.parametrize("kind", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_shut_down_executor(name, kind) -> None:
    pool = kind(1)
    pool.shutdown()
    with pytest.raises(ParameterError) as exc:
        RUNS[name](executor=pool)
    text = _message(exc)
    assert "shut down" in text and "block 0" in text and "live executor" in text


def test_dead_worker_names_the_block() -> None:
    pool = ProcessPoolExecutor(1)
    try:
        with pytest.raises(Exception):  # noqa: B017 - the pool's own failure, not spindex's
            pool.submit(_dies).result()
        with pytest.raises(ParameterError) as exc:
            RUNS["uncertainty"](executor=pool, seed=0)
    finally:
        pool.shutdown()
    text = _message(exc)
    assert "worker process died" in text and "block 0" in text and "live executor" in text


_PARENT = os.getpid()


class _KillingNoise(sp.WeightNoise):
    """Draws here as WeightNoise does; kills the worker process that draws with it."""

    def draw(self, fw: Any, rng: Any, n: int) -> np.ndarray:
        if os.getpid() != _PARENT:
            os._exit(9)
        return super().draw(fw, rng, n)


def test_worker_killed_mid_run_names_the_block() -> None:
    pool = ProcessPoolExecutor(1)
    try:
        with pytest.raises(ParameterError) as exc:
            sp.uncertainty(MODEL, DATA, weights=_KillingNoise(0.2), n=2 * CHUNK, seed=0,
                           executor=pool, block_size=CHUNK)
    finally:
        pool.shutdown()
    text = _message(exc)
    assert "worker process died" in text and re.search(r"block \d \(runs \d", text)
    assert "live executor" in text


def test_unpicklable_model_for_a_process_pool(two_processes) -> None:
    model = sp.CompositeIndex(FW, normalize=lambda x: x / np.nanmax(x))
    for name in ("uncertainty", "smaa"):
        run = sp.uncertainty if name == "uncertainty" else smaa
        with pytest.raises(ParameterError) as exc:
            run(model, DATA, n=16, seed=0, executor=two_processes)
        text = _message(exc)
        assert name in text and "module-level function" in text and "lambda" in text
    # Threads need no pickling: the same model runs.
    with ThreadPoolExecutor(2) as threads:
        sp.uncertainty(model, DATA, n=16, seed=0, executor=threads)


def test_errors_of_the_analysis_pass_through_an_executor() -> None:
    bounds = sp.WeightBounds({"x": (0.0, 0.0), "y": (0.0, 0.0)})
    with ThreadPoolExecutor(2) as pool, pytest.raises(ParameterError, match="zero"):
        sp.uncertainty(MODEL, DATA, weights=bounds, n=16, seed=0, executor=pool)


# ---------------------------------------------------- bit-identical whatever the executor
def _same(a: Any, b: Any) -> None:
    if isinstance(a, sp.UncertaintyResult):
        pd.testing.assert_frame_equal(a.summary(), b.summary(), check_exact=True)
        pd.testing.assert_frame_equal(a.rank_counts, b.rank_counts, check_exact=True)
        assert a.mean_rank_shift == b.mean_rank_shift
    elif isinstance(a, sp.SMAAResult):
        pd.testing.assert_frame_equal(a.rank_acceptability, b.rank_acceptability,
                                      check_exact=True)
        pd.testing.assert_frame_equal(a.central_weights, b.central_weights, check_exact=True)
        pd.testing.assert_frame_equal(a.pairwise_winning, b.pairwise_winning, check_exact=True)
    elif isinstance(a, sp.SobolResult):
        pd.testing.assert_frame_equal(a.first_order_score, b.first_order_score,
                                      check_exact=True)
        pd.testing.assert_frame_equal(a.total_order_score, b.total_order_score,
                                      check_exact=True)
    else:
        assert a.share == b.share


@pytest.mark.parametrize(("name", "n"), [
    ("uncertainty", 3 * CHUNK + 5), ("smaa", 3 * CHUNK + 5), ("dominance", 3 * CHUNK + 5),
    ("sobol", 2**11),
])
def test_identical_for_block_sizes_and_executors(name, n, two_processes) -> None:
    run = RUNS[name]
    extra = {"keep_inputs": False} if name == "uncertainty" else {}
    base = run(n=n, seed=9, block_size=CHUNK, **extra)
    with ThreadPoolExecutor(2) as threads:
        for block_size, executor in [(1, None), (10**9, None), (1, threads),
                                     (CHUNK, two_processes)]:
            other = run(n=n, seed=9, block_size=block_size, executor=executor, **extra)
            _same(base, other)


# -------------------------------------------------------------------- degenerate Sobol
def test_sobol_warns_about_ranks_that_never_vary() -> None:
    leader = DATA.copy()
    leader.loc["A"] = 100.0  # first whatever the weights
    with pytest.warns(SpindexWarning, match=r"rank of 2 unit\(s\) never varies over the 320 "
                                            r"runs \(A, C\).*first_order_score") as record:
        sa = sp.sobol(MODEL, leader, n=64, seed=0, bootstrap=0)
    assert any("score-based indices" in str(w.message) for w in record)
    assert sa.first_order["A"].isna().all()
    assert sa.first_order_score["A"].notna().all()


def test_sobol_warns_when_nothing_moves() -> None:
    flat = pd.DataFrame({c: np.arange(6.0) for c in "xyzw"}, index=list("ABCDEF"))
    with pytest.warns(SpindexWarning) as record:
        sa = sp.sobol(MODEL, flat, n=16, seed=0, bootstrap=0)
    text = " ".join(str(w.message) for w in record)
    assert "rank of 6 unit(s) never varies" in text and "A, B, C, D, E, F" in text
    assert "R_S" in text
    assert sa.first_order.isna().all().all()


def test_sobol_warns_when_every_weight_is_one_input() -> None:
    with pytest.warns(SpindexWarning, match="never varies"), \
            pytest.warns(SpindexWarning, match=r"groups='parent' makes the 2 varied weights "
                                               r"\(the children of 'I'\) a single input 'I'"):
        sa = sp.sobol(MODEL, DATA, weights=sp.WeightNoise(0.3, levels=[2]), n=16, seed=0,
                      bootstrap=0)
    assert sa.inputs == ("I",)
    assert sa.members == {"I": ("P", "Q")}
    assert "'I' = the weights of P, Q together" in repr(sa)
    assert sa.summary().attrs["members"] == {"I": ("P", "Q")}


def test_sobol_groups_said_in_repr_without_a_warning() -> None:
    # Only that C's rank never moves, nothing about groups: several weights vary in each group.
    with pytest.warns(SpindexWarning, match="never varies") as record:
        sa = sp.sobol(MODEL, DATA, n=16, seed=0, bootstrap=0, groups="parent")
    assert not any("groups=" in str(w.message) for w in record)
    assert sa.members == {"P": ("x", "y"), "Q": ("z", "w"), "I": ("P", "Q")}
    assert "'I' = the weights of P, Q together" in repr(sa)
    with pytest.warns(SpindexWarning, match="never varies"):
        single = sp.sobol(MODEL, DATA, n=16, seed=0, bootstrap=0, groups=None)
    assert single.describe_inputs() == []
