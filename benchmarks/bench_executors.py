"""Executors: one process against process pools and a dask LocalCluster, on the ASEM case.

Case (issue 17, item 6): ``sp.uncertainty`` with weights +-25% at the pillar and sub-index
levels and an arithmetic/geometric switch (no per-run record kept), and ``sp.sobol`` at
N = 2^13 without bootstrap. Every parallel run is checked to give the same bits as one
process.

Each configuration is measured ``--repeat`` times (default 3), the configurations
interleaved so that the load of other work on the machine falls on all of them alike; the
table gives the least wall time and the least CPU-seconds (this process, which also runs a
LocalCluster's scheduler and nannies, plus the worker processes). Each executor is started
alone and warmed before timing by one run of each analysis as timed (the first block a
worker runs imports what the analysis needs, SciPy for Sobol, and the first run at a size
first touches its memory): a long-lived pool or cluster pays that once.
``bench_worker_cpu.py`` isolates the CPU of one worker process by kind.

Configurations: one process; ``ProcessPoolExecutor(1)`` and ``(2)``; a dask ``LocalCluster``
of 1 and 2 processes with one thread each, as dask starts them; and one of 2 processes with
spindex's heap pad turned off (``MALLOC_TOP_PAD_=131072``, glibc's default, in the workers'
environment): dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536``, which without the pad makes
glibc hand every chunk-sized temporary back to the system and fault it in afresh
(``spindex.analysis._heap``); and dask clusters of 1 and 2 processes with dask's own
monitors relaxed (``RELAXED``: no stack profiler, slower ticks and memory checks), which on
this 2-core machine share the cores with the workers, the scheduler and the client.

Blocks travel to a pool or a cluster in tasks of up to 4 blocks once a block has been timed
(``_engine._group_size``):
a dask task costs the scheduler and the client a few milliseconds of CPU.

Run: ``python benchmarks/bench_executors.py`` (2-3 minutes; ``--runs`` to change n: at the
default 200,000 a UA run takes 0.6-1.2 s on this machine, where per-analysis costs weigh;
``--runs 1000000`` shows the workers better).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

import pandas as pd

import spindex as sp

#: glibc's default top pad: set in a worker's environment, it turns spindex's heap pad off.
GLIBC_TOP_PAD = 128 * 1024

#: dask's own monitors, relaxed (docs/scale.md): each worker samples its threads' stacks every
#: 10 ms for the dashboard's profile, and every process ticks its event loop every 20 ms,
#: checks memory every 100 ms and the system every 500 ms. An idle LocalCluster(2) takes 0.21
#: of this machine's 2 cores with the defaults and 0.02 with these.
RELAXED = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def setup() -> tuple[sp.CompositeIndex, pd.DataFrame]:
    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), data


def _cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:  # a process that ended counts nothing more
            continue
        total += t.user + t.system
    return total


@contextmanager
def _pool(workers: int) -> Iterator[tuple[Executor, Callable[[], list[int]]]]:
    with ProcessPoolExecutor(workers) as pool:
        # The pool starts its processes on demand: the warm-up run starts them all.
        yield pool, lambda: [os.getpid(), *pool._processes]  # type: ignore[attr-defined]


@contextmanager
def _dask(workers: int, pad: bool = True, relaxed: bool = False,
          ) -> Iterator[tuple[Executor, Callable[[], list[int]]]]:
    import dask
    import distributed

    saved = dict(os.environ)
    environ = ({} if pad else
               {"distributed.nanny.pre-spawn-environ.MALLOC_TOP_PAD_": GLIBC_TOP_PAD})
    try:
        with dask.config.set(environ | (RELAXED if relaxed else {})), \
                distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            # The scheduler and the nannies of a LocalCluster run in this process.
            pids = list(client.run(os.getpid).values())
            yield client.get_executor(), lambda: [os.getpid(), *pids]
    finally:
        # A nanny writes its pre-spawn environment into this process's os.environ and
        # leaves it there: without this, the pad-off row's MALLOC_TOP_PAD_ would turn the
        # pad off in every cluster started after it.
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200_000)
    parser.add_argument("--sobol", type=int, default=2**13)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model, data = setup()
    ua = {"weights": sp.WeightNoise(0.25, levels=[2, 3]),
          "aggregate": ["arithmetic", "geometric"], "n": args.runs, "seed": 1}
    so = {"weights": sp.WeightNoise(0.25, levels=[2, 3]), "n": args.sobol, "seed": 1,
          "bootstrap": 0, "block_size": 16_384}

    def run(executor: Executor | None, block: int) -> tuple[Any, Any]:
        u = sp.uncertainty(model, data, executor=executor, block_size=block, **ua)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.SpindexWarning)
            s = sp.sobol(model, data, executor=executor, **so)
        return u, s

    configs: list[tuple[str, Any, int]] = [
        ("one process (no executor)", None, 16_384),
        ("ProcessPoolExecutor(1)", lambda: _pool(1), 16_384),
        ("ProcessPoolExecutor(2)", lambda: _pool(2), 16_384),
    ]
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask.distributed is not installed: dask rows skipped")
    else:
        configs += [
            ("dask LocalCluster(1)", lambda: _dask(1), 16_384),
            ("dask LocalCluster(2)", lambda: _dask(2), 16_384),
            ("dask LocalCluster(2), heap pad off", lambda: _dask(2, pad=False), 16_384),
            ("dask LocalCluster(1), monitors relaxed", lambda: _dask(1, relaxed=True), 16_384),
            ("dask LocalCluster(2), monitors relaxed", lambda: _dask(2, relaxed=True), 16_384),
        ]
    base_u, base_s = run(None, 16_384)
    wall: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in configs}
    cpu: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in configs}
    for _ in range(args.repeat):
        for name, start, block in configs:
            # One executor open at a time: a LocalCluster's scheduler runs in this process,
            # and idle ones would add their CPU to every other row.
            with ExitStack() as stack:
                if start is None:
                    executor, pids = None, (lambda: [os.getpid()])
                else:
                    executor, pids = stack.enter_context(start())
                    # Warm every worker with the analyses as timed: a long-lived pool or
                    # cluster starts, imports and first touches its memory once. (A fresh
                    # dask worker is a new process, spawned, whose first run at a new size
                    # faults in every page it touches; a pool's workers are forked from
                    # this process, whose heap the reference runs above already grew.)
                    run(executor, block)
                times = []
                for part in ("ua", "sobol"):
                    c0, t0 = _cpu_seconds(pids()), time.perf_counter()
                    if part == "ua":
                        u = sp.uncertainty(model, data, executor=executor, block_size=block,
                                           **ua)
                    else:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", sp.SpindexWarning)
                            s = sp.sobol(model, data, executor=executor, **so)
                    times.append((time.perf_counter() - t0, _cpu_seconds(pids()) - c0))
            pd.testing.assert_frame_equal(u.summary(), base_u.summary(), check_exact=True)
            pd.testing.assert_frame_equal(s.total_order_score, base_s.total_order_score,
                                          check_exact=True)
            wall[name].append((times[0][0], times[1][0]))
            cpu[name].append((times[0][1], times[1][1]))
    print("every executor gave the same bits as one process")
    least = {name: (min(t[0] for t in wall[name]), min(t[1] for t in wall[name]))
             for name in wall}
    least_cpu = {name: (min(t[0] for t in cpu[name]), min(t[1] for t in cpu[name]))
                 for name in cpu}
    one = least["one process (no executor)"]
    print(f"\nuncertainty n = {args.runs:,}, sobol N = {args.sobol:,} (ASEM, 51 units); least "
          f"of {args.repeat} interleaved runs; CPU = this process + workers")
    print(f"{'executor':<40} {'UA s':>6} {'x one':>6} {'UA CPU':>7} {'Sobol s':>8} "
          f"{'x one':>6} {'So CPU':>7}")
    for name in wall:
        (a, b), (ca, cb) = least[name], least_cpu[name]
        print(f"{name:<40} {a:>6.2f} {one[0] / a:>6.2f} {ca:>7.2f} {b:>8.2f} "
              f"{one[1] / b:>6.2f} {cb:>7.2f}")
    for kind in ("ProcessPoolExecutor({})", "dask LocalCluster({})",
                 "dask LocalCluster({}), monitors relaxed"):
        w1, w2 = least.get(kind.format(1)), least.get(kind.format(2))
        if w1 and w2:
            print(f"2 vs 1 worker, {kind.format('n')}: UA {w1[0] / w2[0]:.2f}x, "
                  f"Sobol {w1[1] / w2[1]:.2f}x")
    pool2 = least.get("ProcessPoolExecutor(2)")
    for name in ("dask LocalCluster(2)", "dask LocalCluster(2), monitors relaxed"):
        dask2 = least.get(name)
        if pool2 and dask2:
            print(f"{name} vs ProcessPoolExecutor(2): UA {pool2[0] / dask2[0]:.2f}x, "
                  f"Sobol {pool2[1] / dask2[1]:.2f}x (above 1: dask faster)")


if __name__ == "__main__":
    main()
