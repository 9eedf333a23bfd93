"""Exact rank bounds for the 51 ASEM units over the 8-pillar simplex (issue 16: under 10 s).

Case: ASEM as COINr ships it (8 pillars under the sub-indices Conn and Sust), min-max [1, 100],
arithmetic means; the pillars' shares of the index (``level=2, effective=True``) range over
the whole simplex. ``rank_bounds`` solves two mixed-integer programmes per unit at most; it
first screens out units that can never (or always) lead, tries the simplex's vertices and a
fixed spread of weights (a unit already at the bound needs no programme) and adds the cuts
``z_u >= z_v`` for pairs where ``u`` scores at least as high as ``v`` for every weighting.

The baseline is the plain formulation: for every unit, both programmes with one binary per
other unit and the same big-M bounds, no screening, probes or cuts. Both give the same bounds
(checked below).
Also timed: the nearest weights that change the top 5 (``nearest_top_change``, one LP per
norm and pair, 5 x 46 pairs) and the nearest flip of one pair.
Run: ``python benchmarks/bench_rank_bounds.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import LinearConstraint, milp

import spindex as sp


def baseline(pillars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank of every unit by the plain big-M programmes over the simplex."""
    m, k = pillars.shape
    best, worst = np.empty(m, dtype=int), np.empty(m, dtype=int)
    scale = np.ptp(pillars)
    for t in range(m):
        others = np.arange(m) != t
        D = (pillars[others] - pillars[t]) / scale
        hi, lo = D.max(axis=1), D.min(axis=1)
        n = m - 1
        simplex = LinearConstraint(np.concatenate([np.ones(k), np.zeros(n)])[None, :], 1, 1)
        integrality = np.concatenate([np.zeros(k), np.ones(n)])
        box = (np.zeros(k + n), np.ones(k + n))
        A = np.hstack([D, -np.diag(np.maximum(hi, 0))])
        res = milp(np.concatenate([np.zeros(k), np.ones(n)]), integrality=integrality,
                   bounds=box, constraints=[simplex, LinearConstraint(A, -np.inf, 0)])
        best[t] = 1 + round(res.fun)
        slack = 1e-6 - lo
        A = np.hstack([D, -np.diag(slack)])
        res = milp(np.concatenate([np.zeros(k), -np.ones(n)]), integrality=integrality,
                   bounds=box, constraints=[simplex, LinearConstraint(A, 1e-6 - slack, np.inf)])
        worst[t] = 1 - round(res.fun)
    return best, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    data = sp.datasets.load("asem")
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        res = sp.rank_bounds(model, data, level=2, effective=True)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    pillars = model.score(data).scores[list(res.nodes)].to_numpy()
    start, start_cpu = time.perf_counter(), time.process_time()
    best, worst = baseline(pillars)
    base = time.perf_counter() - start
    base_cpu = time.process_time() - start_cpu
    assert (best == res.table["best"].to_numpy()).all()
    assert (worst == res.table["worst"].to_numpy()).all()
    fastest = min(times)
    print(f"rank bounds, 51 ASEM units, 8-pillar simplex (exact={res.exact})")
    # CPU time as well: on a shared machine the wall time mostly measures the other jobs.
    print(f"{'method':<34} {'seconds':>8} {'CPU s':>6} {'ratio':>6}")
    print(f"{'spindex.rank_bounds':<34} {fastest:>8.2f} {min(cpu):>6.2f} {1.0:>6.2f}")
    print(f"{'plain big-M programmes (baseline)':<34} {base:>8.2f} {base_cpu:>6.2f} "
          f"{base_cpu / min(cpu):>6.2f}")
    start = time.perf_counter()
    sp.nearest_top_change(model, data, k=5, level=2, effective=True)
    top = time.perf_counter() - start
    start = time.perf_counter()
    sp.nearest_flip(model, data, "NLD", "SWE", level=2, effective=True)
    pair = time.perf_counter() - start
    print(f"{'nearest_top_change, k=5':<34} {top:>8.2f}")
    print(f"{'nearest_flip, one pair':<34} {pair:>8.3f}")


if __name__ == "__main__":
    main()
