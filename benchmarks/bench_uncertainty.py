"""Speed and memory of the uncertainty and Sobol engines on the ASEM data.

Case (issue 3): weights +-25% at the pillar and sub-index levels, and a switch between the
arithmetic and geometric mean at every level, min-max [1, 100] normalisation.

Prints, in one run:
1. runs/s of ``sp.uncertainty`` (one process, 2 threads, 2 processes) against
   (a) a naive loop that calls ``model.score`` per sample (timed on a few hundred samples), and
   (b) a bare-numpy floor: per block, one matrix product for the pillar-to-index path of the
       arithmetic variant and one argsort, with none of the bookkeeping;
2. the time of ``sp.sobol`` for all 51 units at N = 2^14;
3. the peak memory allocated by ``sp.uncertainty`` at 10^4, 10^5 and 10^6 runs (each in a fresh
   process), and how much of it is the per-run inputs returned to the caller.

Run: ``python benchmarks/bench_uncertainty.py`` (``--quick`` skips the 10^6-run memory case).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd

import spindex as sp

WEIGHTS = sp.WeightNoise(0.25, levels=[2, 3])
SWITCH = {"aggregate": ["arithmetic", "geometric"]}


def setup() -> tuple[sp.CompositeIndex, pd.DataFrame]:
    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), data


def naive_runs_per_second(model: sp.CompositeIndex, data: pd.DataFrame, n: int = 300) -> float:
    fw = model.framework
    rng = np.random.default_rng(0)
    W = WEIGHTS.draw(fw, rng, n)
    choice = rng.integers(0, 2, size=n)
    models = [model, sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate="geometric")]
    t0 = time.perf_counter()
    for i in range(n):
        m = models[choice[i]].with_weights(dict(zip(fw.codes, W[i], strict=True)))
        _ = m.score(data).ranks
    return n / (time.perf_counter() - t0)


def floor_runs_per_second(model: sp.CompositeIndex, data: pd.DataFrame, n: int) -> float:
    """The least any engine must do: one product of pillar scores by sampled effective
    weights, and one argsort, per block of 16384 samples."""
    fw = model.framework
    pillars = model.score(data).scores[list(fw.level(2))].to_numpy()
    block = 16_384
    rng = np.random.default_rng(0)
    eff = fw.effective_weights(2).to_numpy()
    t0 = time.perf_counter()
    for _ in range(n // block):
        W = eff * rng.uniform(0.75, 1.25, size=(block, eff.size))
        scores = W @ pillars.T
        np.argsort(-scores, axis=1)
    return (n // block) * block / (time.perf_counter() - t0)


def engine_runs_per_second(model, data, n: int, executor=None) -> float:
    t0 = time.perf_counter()
    sp.uncertainty(model, data, weights=WEIGHTS, n=n, seed=0, executor=executor, **SWITCH)
    return n / (time.perf_counter() - t0)


def peak_memory_mb(n: int) -> tuple[float, float]:
    """Peak memory allocated during one call (tracemalloc, which numpy reports to), and the
    part of it that is the returned per-run inputs, in a fresh process."""
    code = (
        "import tracemalloc, json\n"
        "import benchmarks.bench_uncertainty as b, spindex as sp\n"
        "model, data = b.setup()\n"
        "tracemalloc.start()\n"
        f"ua = sp.uncertainty(model, data, weights=b.WEIGHTS, n={n}, seed=0, keep_inputs=True,\n"
        "                    **b.SWITCH)\n"
        "peak = tracemalloc.get_traced_memory()[1]\n"
        "kept = ua.inputs.memory_usage(deep=True).sum() + ua.rank_shift.memory_usage()\n"
        "print(json.dumps([peak / 2**20, kept / 2**20]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    peak, kept = json.loads(out.strip().splitlines()[-1])
    return peak, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 10^6-run memory case")
    args = parser.parse_args()
    model, data = setup()
    n = 200_000
    engine_runs_per_second(model, data, 4096)  # warm-up
    one = engine_runs_per_second(model, data, n)
    with ThreadPoolExecutor(2) as pool:
        engine_runs_per_second(model, data, 4096, executor=pool)
        threads = engine_runs_per_second(model, data, n, executor=pool)
    with ProcessPoolExecutor(2) as pool:
        engine_runs_per_second(model, data, 4096, executor=pool)
        two = engine_runs_per_second(model, data, n, executor=pool)
    naive = naive_runs_per_second(model, data)
    floor = floor_runs_per_second(model, data, n)
    rows = [
        ("sp.uncertainty, 1 process", one, one / naive, floor / one),
        ("sp.uncertainty, 2 threads", threads, threads / naive, floor / threads),
        ("sp.uncertainty, 2 processes", two, two / naive, floor / two),
        ("naive loop of model.score", naive, 1.0, floor / naive),
        ("bare-numpy floor (matmul + argsort)", floor, floor / naive, 1.0),
    ]
    print("Uncertainty analysis, ASEM: weights +-25% at levels 2-3, arithmetic/geometric switch")
    print(f"{'method':<38}{'runs/s':>12}{'x naive':>10}{'floor / this':>14}")
    for name, rate, vs_naive, vs_floor in rows:
        print(f"{name:<38}{rate:>12,.0f}{vs_naive:>10,.0f}{vs_floor:>14.2f}")

    t0 = time.perf_counter()
    sa = sp.sobol(model, data, weights=WEIGHTS, n=2**14, seed=0, bootstrap=0, **SWITCH)
    t_sobol = time.perf_counter() - t0
    print(f"\nsp.sobol, all {len(data)} units (ranks, scores, R_S), N = 2^14: "
          f"{sa.runs:,} runs in {t_sobol:.2f} s ({sa.runs / t_sobol:,.0f} runs/s)")

    print("\nPeak memory allocated by sp.uncertainty (tracemalloc, fresh process); the engine's")
    print("working memory is the peak less the per-run inputs it returns (10 weights + choice).")
    print(f"{'runs':>10}{'peak MB':>10}{'returned MB':>13}{'engine MB':>11}")
    for runs in (10**4, 10**5) + (() if args.quick else (10**6,)):
        peak, kept = peak_memory_mb(runs)
        print(f"{runs:>10,}{peak:>10.1f}{kept:>13.1f}{peak - kept:>11.1f}")


if __name__ == "__main__":
    main()
