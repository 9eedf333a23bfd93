"""Shapley effects of the 8 ASEM pillar weights on the 51 units' scores and ranks.

Case: ASEM as COINr ships it (8 pillars in two sibling groups, under Conn and Sust),
min-max [1, 100], arithmetic means, pillar weights uniform on each group's simplex
(``UniformSimplex(levels=[2])``): d = 8 dependent inputs, 254 subset costs of
``n_outer x n_inner`` runs each, plus ``n_var`` runs for the variances.

The ratio compares seconds per model run with ``sp.uncertainty`` drawing as many runs from
the same weight distribution: it is the estimator's overhead (conditional draws, inner
variances) on top of scoring, everything vectorised over the 51 units. Also printed: the
largest standard error of a pillar's share of a unit's score variance, and the largest gap
between an effects column's sum and the unit's variance (zero up to rounding by construction).
Run: ``python benchmarks/bench_shapley.py [--repeat N] [--n-outer N]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import spindex as sp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-outer", type=int, default=256)
    args = parser.parse_args()
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    data = sp.datasets.load("asem")
    weights = sp.UniformSimplex(levels=[2])
    times, cpu = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)  # the leaders' ranks are fixed
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            sh = sp.shapley_effects(model, data, weights=weights, n_outer=args.n_outer,
                                    n_inner=3, n_var=10_000, seed=1)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        base, base_cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            sp.uncertainty(model, data, weights=weights, n=sh.runs, seed=1)
            base.append(time.perf_counter() - start)
            base_cpu.append(time.process_time() - start_cpu)
    runs = sh.runs
    se_share = (sh.std_error / sh.variance).to_numpy().max()
    closure = np.abs(sh.effects.sum() - sh.variance).max()
    print(f"Shapley effects, 51 ASEM units x 8 pillar weights, {runs:,} runs "
          f"(n_outer={args.n_outer}, n_inner=3, n_var=10,000)")
    # CPU time as well: on a shared machine the wall time mostly measures the other jobs.
    print(f"{'method':<40} {'seconds':>8} {'CPU s':>6} {'us/run':>7} {'ratio':>6}")
    print(f"{'spindex.shapley_effects':<40} {min(times):>8.2f} {min(cpu):>6.2f} "
          f"{1e6 * min(cpu) / runs:>7.2f} {1.0:>6.2f}")
    print(f"{'spindex.uncertainty, same runs':<40} {min(base):>8.2f} {min(base_cpu):>6.2f} "
          f"{1e6 * min(base_cpu) / runs:>7.2f} {min(base_cpu) / min(cpu):>6.2f}")
    print(f"largest standard error / variance: {se_share:.4f}; "
          f"largest |sum of effects - variance|: {closure:.2e}")


if __name__ == "__main__":
    main()
