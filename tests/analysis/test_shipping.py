"""Executors receive the model once: per task (a group of blocks), a process pool gets a token
and a path, a dask cluster the future of a scattered copy; the results are the same bits as one
process, however the blocks are grouped."""

from __future__ import annotations

import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.analysis import _engine
from spindex.analysis._engine import CHUNK, _block_chunks, _Shipped, _task_groups, map_chunks


class _Counter:
    """A picklable task that says which process ran it and how many times it was loaded."""

    loads = 0

    def __init__(self, size: int) -> None:
        self.ballast = np.zeros(size)  # stands for the compiled model

    def __setstate__(self, state: dict) -> None:
        type(self).loads += 1
        self.__dict__.update(state)

    def __call__(self, block):
        return [(c, os.getpid(), type(self).loads) for c, _, _ in block]


class _Spy(ProcessPoolExecutor):
    """A process pool that records what each submission pickles to."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[tuple[object, int]] = []

    def submit(self, fn, /, *args, **kwargs):
        self.sent.append((fn, len(pickle.dumps((fn, args)))))
        return super().submit(fn, *args, **kwargs)


def test_a_process_pool_gets_a_token_per_task_and_loads_the_task_once_per_worker() -> None:
    task = _Counter(500_000)  # 4 MB
    n = 12 * CHUNK
    with _Spy(2) as pool:
        out = list(map_chunks(task, n, block_size=CHUNK, executor=pool))
    assert [c for c, _, _ in out] == list(range(12))
    # 12 blocks fit the window of 16: all sent before any is measured, one task each.
    assert len(pool.sent) == 12
    assert all(isinstance(fn, _Shipped) for fn, _ in pool.sent)
    assert max(size for _, size in pool.sent) < 1_000  # not the 4 MB of the task
    assert len(repr(pool.sent[0][0])) < 40
    # Each worker unpickled the task once, however many blocks it ran.
    assert {loads for _, _, loads in out} == {1}
    # The temporary file is gone once the run ends.
    assert not os.path.exists(pool.sent[0][0].path)


class _Boom(_Counter):
    def __call__(self, block):
        raise sp.errors.ParameterError("no")


def test_the_task_file_is_removed_after_a_failure() -> None:
    before = {f for f in os.listdir(_tmpdir()) if f.startswith("spindex-task-")}
    with ProcessPoolExecutor(1) as pool, pytest.raises(sp.errors.ParameterError, match="no"):
        list(map_chunks(_Boom(10), 3 * CHUNK, block_size=CHUNK, executor=pool))
    after = {f for f in os.listdir(_tmpdir()) if f.startswith("spindex-task-")}
    assert not (after - before)


def _tmpdir() -> str:
    import tempfile

    return tempfile.gettempdir()


def test_threads_get_the_task_itself() -> None:
    task = _Counter(10)
    with ThreadPoolExecutor(2) as pool:
        out = list(map_chunks(task, 3 * CHUNK, block_size=CHUNK, executor=pool))
    assert [c for c, _, _ in out] == [0, 1, 2]
    assert {pid for _, pid, _ in out} == {os.getpid()}


def test_a_worker_keeps_only_the_latest_task() -> None:
    first = _Shipped("a" * 32, "/nonexistent")
    _engine._WORKER_TASKS.clear()
    _engine._WORKER_TASKS[first.token] = lambda block: ["cached"]
    assert first([[(0, 0, 1)]])[1] == ["cached"]  # no file read: it is cached
    path = os.path.join(_tmpdir(), f"spindex-test-{os.getpid()}.pickle")
    with open(path, "wb") as fh:
        pickle.dump(_Counter(3), fh)
    try:
        second = _Shipped("b" * 32, path)
        second([[(5, 0, 1)]])
        assert list(_engine._WORKER_TASKS) == [second.token]
    finally:
        os.unlink(path)
        _engine._WORKER_TASKS.clear()


@pytest.mark.slow
def test_dask_scatters_the_task_once_and_gives_the_same_bits(asem_framework, asem_data) -> None:
    distributed = pytest.importorskip("distributed")
    model = sp.CompositeIndex(asem_framework, normalize=sp.MinMax(1, 100))
    kwargs = {"weights": sp.WeightNoise(0.25, levels=[2, 3]),
              "aggregate": ["arithmetic", "geometric"], "n": 3 * CHUNK, "seed": 4,
              "block_size": CHUNK}
    local = sp.uncertainty(model, asem_data, **kwargs, keep_inputs=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        executor = client.get_executor()
        seen = []
        real_submit = executor.submit

        def submit(fn, *args, **kw):
            seen.append((fn, args))
            return real_submit(fn, *args, **kw)

        executor.submit = submit
        remote = sp.uncertainty(model, asem_data, executor=executor, **kwargs, keep_inputs=True)
        with pytest.warns(sp.SpindexWarning, match="never varies"):
            sobol_local = sp.sobol(model, asem_data, n=2**9, seed=1, bootstrap=0)
        with pytest.warns(sp.SpindexWarning, match="never varies"):
            sobol_remote = sp.sobol(model, asem_data, n=2**9, seed=1, bootstrap=0,
                                    executor=executor)
    pd.testing.assert_frame_equal(remote.summary(), local.summary(), check_exact=True)
    pd.testing.assert_series_equal(remote.rank_shift, local.rank_shift, check_exact=True)
    pd.testing.assert_frame_equal(sobol_remote.total_order_score,
                                  sobol_local.total_order_score, check_exact=True)
    assert seen and all(fn is _engine.run_blocks for fn, _ in seen)
    # Every block refers to the scattered copy: a future, not the model.
    assert all(type(args[0]).__name__ == "Future" for _, args in seen)
    assert all(len(repr(args[1])) < 200 for _, args in seen)


class _CountingThreads(ThreadPoolExecutor):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submitted = 0
        self.tasks = 0
        self.sizes: list[int] = []
        self.in_flight: list[int] = []
        self.yielded = 0  # blocks the caller has received (the test counts them)

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += len(args[-1])  # blocks in the task
        self.tasks += 1
        self.sizes.append(len(args[-1]))
        self.in_flight.append(self.submitted - self.yielded)
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize(("workers", "window"), [(1, 16), (8, 16), (20, 40)])
def test_two_blocks_per_worker_are_in_flight(workers, window) -> None:
    with _CountingThreads(workers) as pool:
        assert _engine.blocks_in_flight(pool) == window
        chunks = map_chunks(_Counter(1), 60 * CHUNK, block_size=CHUNK, executor=pool)
        first = next(chunks)
        assert pool.submitted == window  # submitted before the first block is reduced
        rest = list(chunks)
    assert [c for c, _, _ in [first, *rest]] == list(range(60))
    assert _engine.blocks_in_flight(None) == 1


def test_a_dask_cluster_of_many_threads_gets_two_blocks_per_thread() -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=3, threads_per_worker=4, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        executor = client.get_executor()
        assert _engine.blocks_in_flight(executor) == 24
        out = list(map_chunks(_Counter(1), 30 * CHUNK, block_size=CHUNK, executor=executor))
    assert [c for c, _, _ in out] == list(range(30))


@pytest.mark.parametrize("n_blocks", [1, 2, 13, 62, 611])
@pytest.mark.parametrize("workers", [0, 1, 2, 7, 64])
@pytest.mark.parametrize("seconds", [0.0, 0.01, 0.09, 0.3, 2.0])
def test_tasks_group_the_blocks_in_order_within_the_window_and_end_with_single_blocks(
        n_blocks, workers, seconds) -> None:
    blocks = _block_chunks(n_blocks * CHUNK, CHUNK)
    window = max(16, 2 * workers)
    groups = _task_groups(blocks, window, workers, seconds)
    assert [b for g in groups for b in g] == blocks
    sizes = [len(g) for g in groups]
    if workers == 0:  # unknown: every worker that comes gets work
        assert sizes == [1] * n_blocks
    # Two tasks per worker fit the window; a task computes for at most _TASK_SECONDS.
    assert max(sizes) <= max(1, window // (2 * max(1, workers)))
    assert max(sizes) == 1 or max(sizes) * seconds <= _engine._TASK_SECONDS
    # Until a task has been measured, one block each: the first window.
    assert sizes[:min(window, n_blocks)] == [1] * min(window, n_blocks)
    # Afterwards, shrinking to single blocks: no task holds more than a quarter of the
    # blocks left per worker (rounded up).
    later = sizes[min(window, n_blocks):]
    assert later == sorted(later, reverse=True)
    assert sizes[-1] == 1
    left = n_blocks
    for size in sizes:
        assert size <= max(1, -(-left // (4 * max(1, workers))))
        left -= size


def test_fast_blocks_join_slow_blocks_travel_alone() -> None:
    blocks = _block_chunks(62 * CHUNK, CHUNK)
    fast = _task_groups(blocks, 16, 2, 0.09)  # ASEM's 16,384 runs on this machine
    slow = _task_groups(blocks, 16, 2, 0.3)
    assert len(fast) == 36 and max(len(g) for g in fast) == 4
    assert len(slow) == 62


class _Timed(_Counter):
    """A task whose blocks take a fixed time, so that the grouping is known."""

    def __call__(self, block):
        import time

        time.sleep(0.02 * len(block))
        return super().__call__(block)


def test_grouped_tasks_keep_the_window_of_blocks_and_the_chunk_order() -> None:
    with _CountingThreads(2) as pool:
        chunks = map_chunks(_Timed(1), 62 * CHUNK, block_size=CHUNK, executor=pool)
        first = next(chunks)
        pool.yielded += 1
        assert pool.submitted == 16 and pool.tasks == 16  # nothing measured yet
        rest = []
        for item in chunks:  # one chunk per block
            rest.append(item)
            pool.yielded += 1
    assert [c for c, _, _ in [first, *rest]] == list(range(62))
    assert pool.submitted == 62
    assert pool.tasks < 62  # measured blocks of 0.02 s join, up to 4 a task
    assert max(pool.sizes) == 4 and max(pool.in_flight) <= 16


def test_an_executor_without_a_worker_count_gets_one_block_a_task() -> None:
    blocks = _block_chunks(62 * CHUNK, CHUNK)
    assert [len(g) for g in _task_groups(blocks, 16, 0, 0.01)] == [1] * 62


class _FailsLate(_Timed):
    def __call__(self, block):
        if any(c >= 30 for c, _, _ in block):
            raise ValueError("worker lost its disk")
        return super().__call__(block)


def test_a_failing_task_names_all_its_blocks_and_their_runs() -> None:
    with ThreadPoolExecutor(2) as pool, \
            pytest.raises(sp.errors.ParameterError, match="worker lost its disk") as info:
        list(map_chunks(_FailsLate(1), 62 * CHUNK, block_size=CHUNK, executor=pool))
    found = re.search(r"blocks (\d+) to (\d+) \(runs ([\d,]+) to ([\d,]+)\)", str(info.value))
    assert found is not None, str(info.value)
    first, last, start, stop = (int(x.replace(",", "")) for x in found.groups())
    assert first <= 30 <= last and first < last  # a grouped task: every block it held
    assert (start, stop) == (first * CHUNK, (last + 1) * CHUNK - 1)
