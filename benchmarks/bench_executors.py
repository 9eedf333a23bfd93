"""Executors: one process against process pools and a dask LocalCluster, on the ASEM case.

Case (issue 17, item 6): ``sp.uncertainty`` with weights +-25% at the pillar and sub-index
levels and an arithmetic/geometric switch, ``keep_inputs=False``, and ``sp.sobol`` at
N = 2^13 without bootstrap. Every parallel run is checked to give the same bits as one
process. The task travels to each worker once (``map_chunks``), so the 2-worker speed-up is
bounded by the cores, not by shipping the model.

Run: ``python benchmarks/bench_executors.py`` (about a minute; ``--runs`` to change n).
On a shared machine the speed-ups depend on what else runs: compare ratios of one run.
"""

from __future__ import annotations

import argparse
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

import spindex as sp


def setup() -> tuple[sp.CompositeIndex, pd.DataFrame]:
    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200_000)
    parser.add_argument("--sobol", type=int, default=2**13)
    args = parser.parse_args()
    model, data = setup()
    ua = {"weights": sp.WeightNoise(0.25, levels=[2, 3]),
          "aggregate": ["arithmetic", "geometric"], "n": args.runs, "seed": 1,
          "keep_inputs": False, "block_size": 16_384}
    so = {"weights": sp.WeightNoise(0.25, levels=[2, 3]), "n": args.sobol, "seed": 1,
          "bootstrap": 0, "block_size": 16_384}

    def timed(executor):
        t0 = time.perf_counter()
        u = sp.uncertainty(model, data, executor=executor, **ua)
        t1 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.SpindexWarning)
            s = sp.sobol(model, data, executor=executor, **so)
        t2 = time.perf_counter()
        return u, s, t1 - t0, t2 - t1

    base_u, base_s, tu, ts = timed(None)
    rows = [("one process (no executor)", tu, ts)]

    def check(u, s, name):
        pd.testing.assert_frame_equal(u.summary(), base_u.summary(), check_exact=True)
        pd.testing.assert_frame_equal(s.total_order_score, base_s.total_order_score,
                                      check_exact=True)
        print(f"  {name}: identical to one process")

    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            u, s, a, b = timed(pool)
        check(u, s, f"ProcessPoolExecutor({workers})")
        rows.append((f"ProcessPoolExecutor({workers})", a, b))
    try:
        import distributed
    except ImportError:
        distributed = None
    if distributed is not None:
        for workers in (1, 2):
            with distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                          processes=True, dashboard_address=None) as cluster, \
                    distributed.Client(cluster) as client:
                u, s, a, b = timed(client.get_executor())
            check(u, s, f"dask LocalCluster({workers} processes)")
            rows.append((f"dask LocalCluster({workers} processes)", a, b))
    print(f"\nuncertainty n = {args.runs:,}, sobol N = {args.sobol:,} (ASEM, 51 units)")
    print(f"{'executor':<34} {'UA s':>7} {'x one':>6} {'Sobol s':>8} {'x one':>6}")
    for name, a, b in rows:
        print(f"{name:<34} {a:>7.2f} {tu / a:>6.2f} {b:>8.2f} {ts / b:>6.2f}")
    by = {name: (a, b) for name, a, b in rows}
    for kind in ("ProcessPoolExecutor({})", "dask LocalCluster({} processes)"):
        one, two = by.get(kind.format(1)), by.get(kind.format(2))
        if one and two:
            print(f"2 vs 1 worker, {kind.format('n')}: UA {one[0] / two[0]:.2f}x, "
                  f"Sobol {one[1] / two[1]:.2f}x")


if __name__ == "__main__":
    main()
