"""The padded heap of a block: only where the environment fixed glibc's thresholds, set back after,
and page faults cut where dask's workers would fault every chunk's arrays in again."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from spindex.analysis import _heap

glibc = pytest.mark.skipif(_heap._MALLOPT is None, reason="glibc's mallopt is not available")


@pytest.mark.parametrize(("environ", "fixed"), [
    ({}, False),
    ({"MALLOC_TRIM_THRESHOLD_": "65536"}, True),  # how dask's nanny starts a worker
    ({"MALLOC_MMAP_THRESHOLD_": "131072"}, True),
    ({"MALLOC_MMAP_MAX_": "0"}, True),
    ({"MALLOC_TRIM_THRESHOLD_": "65536", "MALLOC_TOP_PAD_": "131072"}, False),  # a chosen pad
    ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=65536"}, True),
    ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=65536:glibc.malloc.top_pad=0"}, False),
    ({"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"}, False),
    ({"GLIBC_TUNABLES": "glibc.malloc.top_pad=0", "MALLOC_TRIM_THRESHOLD_": "1"}, False),
])
def test_only_fixed_thresholds_without_a_chosen_pad_are_padded(environ, fixed):
    assert _heap.heap_thresholds_fixed(environ) is fixed


@pytest.mark.parametrize(("environ", "threshold"), [
    ({"MALLOC_TRIM_THRESHOLD_": "65536"}, 128 * 1024),
    ({"MALLOC_MMAP_THRESHOLD_": "262144"}, 262144),
    ({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=524288"}, 524288),
    ({"MALLOC_MMAP_THRESHOLD_": "lots"}, 128 * 1024),
])
def test_the_threshold_set_back_is_the_environments(environ, threshold):
    assert _heap._mmap_threshold(environ) == threshold


def _recording(monkeypatch):
    calls = []
    monkeypatch.setattr(_heap, "_MALLOPT", lambda param, value: calls.append((param, value)) or 1)
    return calls


def test_adaptive_defaults_are_left_alone(monkeypatch):
    calls = _recording(monkeypatch)
    with _heap.padded_heap({}) as padded:
        assert padded is False
    assert calls == []


def test_the_pad_is_set_once_for_nested_and_concurrent_blocks_and_set_back_by_the_last(
        monkeypatch):
    calls = _recording(monkeypatch)
    env = {"MALLOC_TRIM_THRESHOLD_": "65536", "MALLOC_MMAP_THRESHOLD_": "262144"}
    inside, leave = threading.Event(), threading.Event()

    def block():
        with _heap.padded_heap(env):
            inside.set()
            leave.wait(10)

    with _heap.padded_heap(env) as padded:
        assert padded is True
        worker = threading.Thread(target=block)
        worker.start()
        assert inside.wait(10)
        leave.set()
        worker.join(10)
        # The thread's block ended first: the pad stays while this one runs.
        assert calls == [(-3, _heap.HEAP_PAD), (-2, _heap.HEAP_PAD)]
    assert calls[2:] == [(-2, 128 * 1024), (-3, 262144)]
    assert _heap._running == 0


def test_the_pad_is_set_back_after_an_error(monkeypatch):
    calls = _recording(monkeypatch)
    with pytest.raises(KeyError), _heap.padded_heap({"MALLOC_TRIM_THRESHOLD_": "65536"}):
        raise KeyError("boom")
    assert calls[-2:] == [(-2, 128 * 1024), (-3, 128 * 1024)]
    assert _heap._running == 0


_FAULTS = textwrap.dedent("""
    import resource
    import spindex as sp
    from spindex.analysis import _heap

    data = sp.datasets.load("asem")
    model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
                              normalize=sp.MinMax(1, 100))

    def run():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        result = sp.uncertainty(model, data, weights=sp.WeightNoise(0.25, levels=[2, 3]),
                                aggregate=["arithmetic", "geometric"], n=32768, seed=1,
                                keep_inputs=False)
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, result.summary()

    mallopt, _heap._MALLOPT = _heap._MALLOPT, None
    run()  # imports and first calls
    plain, plain_summary = run()
    _heap._MALLOPT = mallopt
    padded, padded_summary = run()
    assert padded_summary.equals(plain_summary)
    print(plain, padded)
""")


@glibc
def test_a_dask_like_worker_faults_far_fewer_pages_and_computes_the_same_bits():
    """Page faults, not time: the count of pages the kernel maps in is the cost the pad removes,
    and it does not depend on what else the machine runs."""
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    env.pop("MALLOC_TOP_PAD_", None)
    out = subprocess.run([sys.executable, "-c", _FAULTS], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    plain, padded = map(int, out.stdout.split())
    # Measured: 45,000 page faults without the pad, 5,000 with it.
    assert padded * 4 < plain, (plain, padded)


_SET_AFTER_START = textwrap.dedent("""
    import os
    from spindex.analysis import _heap

    calls = []
    _heap._MALLOPT = lambda param, value: calls.append((param, value)) or 1
    # What dask's nanny does in the process that spawns workers (a LocalCluster's client):
    # this process's allocator kept glibc's adaptive defaults.
    os.environ.update({"MALLOC_TRIM_THRESHOLD_": "65536"})
    with _heap.padded_heap() as padded:
        pass
    print(padded, calls)
""")


@glibc
def test_a_variable_set_after_the_process_started_is_not_what_glibc_read():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env.pop("GLIBC_TUNABLES", None)
    out = subprocess.run([sys.executable, "-c", _SET_AFTER_START], env=env, capture_output=True,
                         text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "[]"], out.stdout


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_runs_none_of_its_parents_blocks(monkeypatch):
    monkeypatch.setattr(_heap, "_running", 3)  # a thread of the parent is inside a block
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its count, and that its lock is free
        free = _heap._lock.acquire(timeout=5)
        os.write(write, f"{_heap._running} {free}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "0 True"
    os.close(read)
    assert _heap._running == 3  # the parent's own count is untouched
