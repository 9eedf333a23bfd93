"""Benefit-of-the-doubt time for 200 units x 20 indicators against a plain per-unit loop.

The baseline is what one writes first: for each unit, build the constraint matrix and call
``scipy.optimize.linprog(method="highs")`` with its defaults. spindex builds the constraints
once, drops units that are weakly dominated by another (their constraints are redundant),
scales each indicator by its maximum and solves without HiGHS's presolve, which costs more than
it saves on programmes this small. Both give the same scores (checked below).

Two data sets: independent uniform indicators (almost no unit is dominated) and indicators
driven by one common factor, as real indicators of one index tend to be (many are).
Run: ``python benchmarks/bench_bod.py [--repeat N] [--units N] [--indicators K]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog

from spindex.methods.weight import benefit_of_the_doubt


def baseline(Y: np.ndarray, share_lower: float = 0.0) -> np.ndarray:
    """One linprog call per unit, everything rebuilt each time, default options."""
    n, k = Y.shape
    scores = np.empty(n)
    for c in range(n):
        A = Y.copy()
        b = np.ones(n)
        if share_lower > 0:
            A = np.vstack([A, share_lower * np.tile(Y[c], (k, 1)) - np.diag(Y[c])])
            b = np.concatenate([b, np.zeros(k)])
        res = linprog(-Y[c], A_ub=A, b_ub=b, bounds=(0, None), method="highs")
        scores[c] = -res.fun
    return scores


def timeit(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cases(n: int, k: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    uniform = rng.uniform(0.0, 100.0, size=(n, k))
    common = rng.normal(size=(n, 1)) + 0.5 * rng.normal(size=(n, k))
    factor = (common - common.min(axis=0)) / (common.max(axis=0) - common.min(axis=0)) * 99 + 1
    return {"uniform": uniform, "one factor": factor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=20)
    args = parser.parse_args()
    n, k = args.units, args.indicators
    print(f"Benefit of the doubt, {n} units x {k} indicators (median of {args.repeat} runs)")
    print(f"{'data':<12} {'restrictions':<18} {'spindex s':>10} {'baseline s':>11} {'speed-up':>9}"
          f" {'max |diff|':>11}")
    for name, Y in cases(n, k).items():
        for label, share in (("none", 0.0), ("share_lower 1%", 0.01)):
            ours = benefit_of_the_doubt(Y, share_lower=share or None).scores
            ref = baseline(Y, share)
            t_ours = timeit(lambda Y=Y, share=share: benefit_of_the_doubt(
                Y, share_lower=share or None), args.repeat)
            t_base = timeit(lambda Y=Y, share=share: baseline(Y, share), args.repeat)
            print(f"{name:<12} {label:<18} {t_ours:>10.3f} {t_base:>11.3f} "
                  f"{t_base / t_ours:>8.1f}x {np.abs(ours - ref).max():>11.1e}")


if __name__ == "__main__":
    main()
