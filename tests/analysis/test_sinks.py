"""Per-run records streamed to a sink: the same bits as the in-memory records, for any block
size and executor; flat memory; every wrong sink refused before any run, naming ``sink``."""

from __future__ import annotations

import os
import tracemalloc
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spindex as sp
from spindex.analysis import uncertainty as ua_module
from spindex.analysis._engine import CHUNK
from spindex.errors import ParameterError, ParameterTypeError

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "children": [{"code": "a"}, {"code": "b"}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d"}, {"code": "e"}]},
    ],
})
RNG = np.random.default_rng(0)
DATA = pd.DataFrame(RNG.gamma(2.0, 1.0, size=(12, 5)), columns=list("abcde"),
                    index=[f"u{i:02d}" for i in range(12)])
# u03 misses both indicators of P: below the coverage of I without imputation, so it has no
# score and no rank in the runs that draw impute=None.
DATA.iloc[3, :2] = np.nan
MODEL = sp.CompositeIndex(FW, normalize=sp.MinMax(1, 100), min_coverage=0.6)
KWARGS = {"weights": 0.4, "aggregate": ["arithmetic", "geometric"],
          "impute": [None, "mean"], "n": 2 * CHUNK + 517, "seed": 7}
UNITS = ["u00", "u03", "u11"]


@pytest.fixture(scope="module")
def kept() -> sp.UncertaintyResult:
    """What keep_inputs=True and keep_runs=True hold in memory: the oracle of every sink."""
    return sp.uncertainty(MODEL, DATA, keep_runs=True, keep_inputs=True, block_size=CHUNK, **KWARGS)


def _assert_records_equal(records: np.ndarray, kept: sp.UncertaintyResult,
                          units: list[str]) -> None:
    assert records.shape == (kept.n,)
    for column in kept.inputs.columns:
        values = kept.inputs[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            expected = values.cat.codes.to_numpy().astype(np.int64)
        else:
            expected = values.to_numpy()
        np.testing.assert_array_equal(records[column], expected, strict=True)
    np.testing.assert_array_equal(records["R_S"], kept.rank_shift.to_numpy(), strict=True)
    assert kept.runs_scores is not None and kept.runs_ranks is not None
    for u in units:
        np.testing.assert_array_equal(records[f"score:{u}"], kept.runs_scores[u].to_numpy(),
                                      strict=True)
        ranks = kept.runs_ranks[u].to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(records[f"rank:{u}"], ranks, strict=True)
    assert records.dtype.names == (*kept.inputs.columns, "R_S",
                                   *[f"{k}:{u}" for u in units for k in ("score", "rank")])


def test_a_file_sink_holds_the_in_memory_records_to_the_bit(kept, tmp_path) -> None:
    path = tmp_path / "runs.npy"
    flat = sp.uncertainty(MODEL, DATA, keep_inputs=False, block_size=CHUNK,
                          sink=sp.RunSink(path, units=UNITS), **KWARGS)
    records = np.load(path)
    _assert_records_equal(records, kept, UNITS)
    # u03 is missing under some runs: NaN in the file, <NA> in memory.
    assert np.isnan(records["rank:u03"]).any() and not np.isnan(records["rank:u00"]).any()
    pd.testing.assert_frame_equal(flat.summary(), kept.summary(), check_exact=True)
    assert os.listdir(tmp_path) == ["runs.npy"]  # no temporary file left
    with pytest.raises(ParameterError, match="keep_inputs=False"):
        flat.inputs  # noqa: B018 - the result still holds nothing per run


@settings(deadline=None)
@given(block=st.sampled_from([1, CHUNK, 2 * CHUNK, 10**6]),
       executor=st.sampled_from([None, "threads"]))
def test_any_block_size_and_executor_write_the_same_bits(kept, block, executor) -> None:
    records = np.zeros(kept.n, dtype=sp.RunSink.dtype(MODEL, DATA, units=UNITS, **KWARGS))
    if executor is None:
        sp.uncertainty(MODEL, DATA, keep_inputs=False, block_size=block,
                       sink=sp.RunSink(records, units=UNITS), **KWARGS)
    else:
        with ThreadPoolExecutor(2) as pool:
            sp.uncertainty(MODEL, DATA, keep_inputs=False, block_size=block, executor=pool,
                           sink=sp.RunSink(records, units=UNITS), **KWARGS)
    _assert_records_equal(records, kept, UNITS)


def test_a_process_pool_and_a_memmap_write_the_same_bits(kept, tmp_path) -> None:
    dtype = sp.RunSink.dtype(MODEL, DATA, units=UNITS[:1], **KWARGS)
    records = np.memmap(tmp_path / "runs.bin", dtype=dtype, mode="w+", shape=(kept.n,))
    with ProcessPoolExecutor(2) as pool:
        sp.uncertainty(MODEL, DATA, keep_inputs=False, block_size=CHUNK, executor=pool,
                       sink=sp.RunSink(records, units=UNITS[:1]), **KWARGS)
    records.flush()
    _assert_records_equal(np.asarray(records), kept, UNITS[:1])


def test_a_bare_path_is_a_sink_without_units(kept, tmp_path) -> None:
    path = str(tmp_path / "inputs.npy")
    sp.uncertainty(MODEL, DATA, keep_inputs=False, sink=path, **KWARGS)
    _assert_records_equal(np.load(path), kept, [])


def test_many_units_sliced_chunks_write_the_same_bits(kept, monkeypatch) -> None:
    # Slices of 5 runs of 12 units: the per-slice unit columns are concatenated in order.
    monkeypatch.setattr(ua_module, "_SLICE_CELLS", 60)
    records = np.zeros(kept.n, dtype=sp.RunSink.dtype(MODEL, DATA, units=UNITS, **KWARGS))
    sp.uncertainty(MODEL, DATA, keep_inputs=False, sink=sp.RunSink(records, units=UNITS),
                   **KWARGS)
    _assert_records_equal(records, kept, UNITS)


def test_an_existing_file_is_replaced_only_with_overwrite(tmp_path) -> None:
    path = tmp_path / "runs.npy"
    np.save(path, np.arange(3))
    with pytest.raises(ParameterError, match=r"'sink'.*already exists.*overwrite=True"):
        sp.uncertainty(MODEL, DATA, sink=path, **KWARGS)
    np.testing.assert_array_equal(np.load(path), np.arange(3))  # untouched
    sp.uncertainty(MODEL, DATA, sink=sp.RunSink(path, overwrite=True), **KWARGS)
    assert np.load(path).shape == (KWARGS["n"],)


def _folder(path):
    path.mkdir()
    return path


def _never_compiled(*args, **kwargs):
    raise AssertionError("the sink must be refused before the model is compiled")


@pytest.mark.parametrize(("make", "match"), [
    (lambda tmp: tmp / "missing" / "runs.npy", r"'sink'.*folder does not exist"),
    (lambda tmp: _folder(tmp / "looks.npy"), r"'sink'.*is the folder"),
    (lambda tmp: np.zeros(5, dtype=sp.RunSink.dtype(MODEL, DATA, **KWARGS)),
     r"'sink'.*shape \(16901,\).*shape \(5,\)"),
    (lambda tmp: np.zeros(KWARGS["n"]), r"'sink'.*structured dtype.*RunSink.dtype"),
    (lambda tmp: np.zeros(KWARGS["n"], dtype=sp.RunSink.dtype(MODEL, DATA, units=["u01"],
                                                              **KWARGS)),
     r"'sink'.*structured dtype"),
    (lambda tmp: sp.RunSink(tmp / "r.npy", units=["nobody"]), r"sink.*'nobody'.*not a unit"),
])
def test_a_wrong_sink_is_refused_before_any_work(tmp_path, monkeypatch, make, match) -> None:
    monkeypatch.setattr(ua_module.SwitchSet, "compile", _never_compiled)
    with pytest.raises(ParameterError, match=match):
        sp.uncertainty(MODEL, DATA, sink=make(tmp_path), **KWARGS)
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".partial.npy")]


def test_a_read_only_array_is_refused() -> None:
    records = np.zeros(KWARGS["n"], dtype=sp.RunSink.dtype(MODEL, DATA, **KWARGS))
    records.flags.writeable = False
    with pytest.raises(ParameterError, match=r"'sink'.*read-only"):
        sp.uncertainty(MODEL, DATA, sink=records, **KWARGS)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="permissions are not enforced for root")
def test_an_unwritable_folder_is_refused(tmp_path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ParameterError, match=r"'sink'.*cannot be written"):
            sp.uncertainty(MODEL, DATA, sink=folder / "runs.npy", **KWARGS)
    finally:
        folder.chmod(0o700)


def test_an_unwritable_folder_is_refused_for_root_too(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ParameterError, match=r"'sink'.*cannot be written"):
        sp.uncertainty(MODEL, DATA, sink=tmp_path / "runs.npy", **KWARGS)


@pytest.mark.parametrize(("target", "kwargs", "error", "match"), [
    (3, {}, ParameterTypeError, r"'sink'.*Got 3 \(int\)"),
    ([1, 2], {}, ParameterTypeError, r"'sink'.*list"),
    ("runs.csv", {}, ParameterError, r"'sink'.*'runs.csv'.*\.npy"),
    ("runs.npy", {"units": "u01"}, ParameterTypeError, r"'units' of the sink.*units=\[label\]"),
    ("runs.npy", {"units": ["u01", "u01"]}, ParameterError, "'u01' twice"),
    ("runs.npy", {"overwrite": "yes"}, ParameterTypeError, "'overwrite'.*'yes'"),
])
def test_a_malformed_sink_is_refused_when_made(target, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        sp.RunSink(target, **kwargs)


def test_a_failed_run_leaves_no_file(tmp_path, monkeypatch) -> None:
    def boom(self, block):
        raise sp.errors.MethodError("boom")

    monkeypatch.setattr(ua_module._Task, "__call__", boom)
    with pytest.raises(sp.errors.MethodError, match="boom"):
        sp.uncertainty(MODEL, DATA, sink=tmp_path / "runs.npy", **KWARGS)
    assert os.listdir(tmp_path) == []


def _peak(n: int, path: os.PathLike[str]) -> int:
    tracemalloc.start()
    try:
        sp.uncertainty(MODEL, DATA, weights=0.4, n=n, seed=0, block_size=CHUNK,
                       keep_inputs=False, sink=sp.RunSink(path, units=UNITS, overwrite=True))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_in_n_with_a_file_sink(tmp_path) -> None:
    path = tmp_path / "runs.npy"
    small = _peak(2 * CHUNK, path)
    large = _peak(16 * CHUNK, path)
    assert np.load(path, mmap_mode="r").shape == (16 * CHUNK,)
    # Eight times the runs, 9 fields of 8 bytes each per run in the file: the traced peak
    # barely moves (kept in memory, the records would add 16 * CHUNK * 72 bytes = 9.4 MB).
    assert large < small * 1.25 + 256 * 1024


def test_the_record_dtype_names_every_column() -> None:
    dtype = sp.RunSink.dtype(MODEL, DATA, units=["u01"], **KWARGS)
    assert dtype.names == ("w:a", "w:b", "w:c", "w:d", "w:e", "w:P", "w:Q", "aggregate",
                           "impute", "R_S", "score:u01", "rank:u01")
    assert dtype["aggregate"] == np.int64 and dtype["rank:u01"] == np.float64


def test_a_dask_cluster_writes_the_same_bits(kept) -> None:
    distributed = pytest.importorskip("distributed")
    records = np.zeros(kept.n, dtype=sp.RunSink.dtype(MODEL, DATA, units=UNITS, **KWARGS))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        sp.uncertainty(MODEL, DATA, keep_inputs=False, block_size=CHUNK,
                       executor=client.get_executor(),
                       sink=sp.RunSink(records, units=UNITS), **KWARGS)
    _assert_records_equal(records, kept, UNITS)


def test_rank_shift_leaves_out_units_the_nominal_model_does_not_rank() -> None:
    # Oracle: R_S of a run is the mean |rank - nominal rank| over the units ranked in both.
    # The nominal model (impute=None) leaves u03 unranked; runs that impute do rank it, and
    # a chunk where every run imputes has no missing score at all (the case that was wrong).
    kwargs = KWARGS | {"impute": ["mean"], "n": 600}
    ua = sp.uncertainty(MODEL, DATA, keep_runs=True, **kwargs, keep_inputs=True)
    nominal = ua.nominal["rank"].to_numpy()
    assert np.isnan(nominal[3]) and not ua.runs_ranks["u03"].isna().any()
    ranks = ua.runs_ranks.to_numpy(dtype=float, na_value=np.nan)
    both = ~np.isnan(ranks) & ~np.isnan(nominal)[None, :]
    expected = np.where(both, np.abs(ranks - nominal[None, :]), 0).sum(axis=1) / both.sum(1)
    np.testing.assert_allclose(ua.rank_shift.to_numpy(), expected, rtol=1e-13)
    np.testing.assert_allclose(ua.mean_rank_shift, expected.mean(), rtol=1e-12)


def test_a_sink_of_an_array_compares_by_identity() -> None:
    records = np.zeros(3, dtype=[("R_S", "f8")])
    sink = sp.RunSink(records)
    assert sink == sink and sink != sp.RunSink(records.copy())


def test_sink_units_are_matched_by_label_not_by_text() -> None:
    data = DATA.set_axis(range(12))  # integer unit labels
    with pytest.raises(ParameterError, match=r"'1' \(str\).*1 \(int\)|1 \(int\).*'1' \(str\)"):
        sp.uncertainty(MODEL, data, sink=sp.RunSink(np.zeros(1), units=["1"]), weights=0.4,
                       n=10, seed=1)
    runs = np.zeros(10, dtype=sp.RunSink.dtype(MODEL, data, units=[1], weights=0.4))
    result = sp.uncertainty(MODEL, data, sink=sp.RunSink(runs, units=[1]), weights=0.4,
                            n=10, seed=1, keep_runs=True)
    np.testing.assert_array_equal(runs["score:1"], result.runs_scores[1].to_numpy(),
                                  strict=True)


def test_a_file_that_appears_during_the_run_is_not_replaced(tmp_path) -> None:
    from spindex.analysis.sinks import SinkWriter

    path = tmp_path / "runs.npy"
    dtype = np.dtype([("R_S", np.float64)])
    writer = SinkWriter(sp.RunSink(path), 4, dtype, "uncertainty")
    writer.write(0, np.array([(1.0,), (2.0,), (3.0,), (4.0,)], dtype=dtype))
    path.write_bytes(b"someone else's")
    with pytest.raises(ParameterError, match="created while the analysis ran") as caught:
        writer.finish()
    assert path.read_bytes() == b"someone else's"
    kept = [p for p in tmp_path.iterdir() if p.name.endswith(".partial.npy")]
    assert len(kept) == 1 and str(kept[0]) in str(caught.value)
    np.testing.assert_array_equal(np.load(kept[0])["R_S"], [1.0, 2.0, 3.0, 4.0])
    # With overwrite=True the run's records take the path.
    writer = SinkWriter(sp.RunSink(path, overwrite=True), 1, dtype, "uncertainty")
    writer.write(0, np.array([(5.0,)], dtype=dtype))
    writer.finish()
    np.testing.assert_array_equal(np.load(path)["R_S"], [5.0])
