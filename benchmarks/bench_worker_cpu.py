"""The CPU one worker process spends on the same analysis, by kind of worker process.

``bench_executors.py`` times whole parallel runs, whose wall time on a shared machine says as
much about the neighbours as about the executor. This script isolates the worker itself: the
same serial ``sp.uncertainty`` run (ASEM, weights +-25% at two levels, arithmetic/geometric
switch, 65,536 runs, ``keep_inputs=False``) is run *inside* one worker process of each kind,
and the least CPU time of that process over ``--repeat`` runs is printed. CPU time is what
the worker's own code costs, whatever else the machine runs.

Kinds: this process; a ``ProcessPoolExecutor`` worker (forked: this process's environment);
a dask ``LocalCluster`` worker as dask starts it (its nanny sets
``MALLOC_TRIM_THRESHOLD_=65536``; spindex then pads the heap while a block runs, see
``spindex.analysis._heap``); and a dask worker with that pad turned off
(``MALLOC_TOP_PAD_=131072``, glibc's default, in its environment: glibc then gives every freed
chunk-sized temporary back to the system, and the next chunk faults its pages in again).

Run: ``python benchmarks/bench_worker_cpu.py`` (about 30 s).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import spindex as sp

#: glibc's default top pad: set in a worker's environment, it turns spindex's heap pad off.
GLIBC_TOP_PAD = 128 * 1024


def _analysis(runs: int) -> float:
    """CPU seconds of one serial analysis in the calling process."""
    data = sp.datasets.load("asem")
    model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
                              normalize=sp.MinMax(1, 100))
    t0 = time.process_time()
    sp.uncertainty(model, data, weights=sp.WeightNoise(0.25, levels=[2, 3]),
                   aggregate=["arithmetic", "geometric"], n=runs, seed=1, keep_inputs=False)
    return time.process_time() - t0


def _least(submit, repeat: int, runs: int) -> float:
    submit(_analysis, 8192).result()  # warm: imports and first calls
    return min(submit(_analysis, runs).result() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=65_536)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    _analysis(8192)
    rows.append(("this process", min(_analysis(args.runs) for _ in range(args.repeat))))
    with ProcessPoolExecutor(1) as pool:
        rows.append(("ProcessPoolExecutor worker", _least(pool.submit, args.repeat, args.runs)))
    try:
        import dask
        import distributed
    except ImportError:
        print("dask.distributed is not installed: dask rows skipped")
    else:
        for name, environ in (
            ("dask worker, as started", {}),
            ("dask worker, heap pad off",
             {"distributed.nanny.pre-spawn-environ.MALLOC_TOP_PAD_": GLIBC_TOP_PAD}),
        ):
            with dask.config.set(environ), \
                    distributed.LocalCluster(n_workers=1, threads_per_worker=1,
                                             processes=True, dashboard_address=None) as cluster, \
                    distributed.Client(cluster) as client:

                def submit(fn, *args, client=client):
                    return client.submit(fn, *args, pure=False)

                rows.append((name, _least(submit, args.repeat, args.runs)))
    base = rows[0][1]
    print(f"\nuncertainty, ASEM, n = {args.runs:,}, serial inside one worker; least CPU of "
          f"{args.repeat}")
    print(f"{'process':<40} {'CPU s':>6} {'x this':>7}")
    for name, cpu in rows:
        print(f"{name:<40} {cpu:>6.3f} {cpu / base:>7.2f}")


if __name__ == "__main__":
    main()
