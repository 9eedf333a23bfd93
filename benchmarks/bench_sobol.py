"""Speed of ``sp.sobol`` on the ASEM data, with and without its bootstrap, against
``scipy.stats.sobol_indices`` driving the same engine through ``sp.Scorer``.

Case: the eight pillar weights and the two sub-index weights, each its own input
(``groups=None``), uniform within +-25% of nominal, and a switch between the arithmetic and
geometric mean; every unit's rank and score are outputs (2 x 51, plus R_S for ``sp.sobol``).

Prints, at N = 2^12 and 2^14, the least CPU time (of the process, over the repeats) of

- ``estimate``: ``sp.sobol(..., bootstrap=0)``;
- ``with_boot``: ``sp.sobol(..., bootstrap=200)`` (the streamed Poisson bootstrap);
  ``boot`` = with_boot - estimate, the bootstrap's own cost, and ``boot/estimate``
  (goal <= 3) and ``with_boot/estimate``;
- ``scipy``: ``scipy.stats.sobol_indices`` on the same inputs and outputs, the model run
  through ``sp.Scorer``, without its bootstrap, and ``estimate/scipy`` (goal <= 1.2);

then the issue's case on one core: all 51 units (ranks and scores, as the analysis returns
them) with 200-resample intervals at N = 2^14, in a child process pinned to one CPU with one
BLAS thread: least CPU time (user + sys) and least wall time of the repeats (goal < 5 s),
and the same ratios to the estimate on that core.

Run: ``python benchmarks/bench_sobol.py [--repeat N] [--quick]``; ``--quick`` runs N = 2^12
only and skips the one-core case.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _timing import least_cpu_time  # benchmarks/ is on sys.path when run as a script
from scipy import stats

import spindex as sp

PHI = 0.25
SWITCH = ["arithmetic", "geometric"]
BOOT = 200
ONE_CORE_N = 2**14


def setup() -> tuple[sp.CompositeIndex, pd.DataFrame, list[str]]:
    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), data, [
        *fw.level(2), *[c for c in fw.level(3) if c != fw.root]]


def run_sp(model: sp.CompositeIndex, data: pd.DataFrame, varied: list[str], n: int,
           boot: int) -> sp.analysis.sobol.SobolResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # units whose rank never moves
        return sp.sobol(model, data, weights=sp.WeightNoise(PHI, nodes=varied), groups=None,
                        n=n, seed=1, bootstrap=boot, aggregate=SWITCH)


def one_core(repeat: int) -> None:
    """The child: pinned to one CPU (BLAS threads set to 1 before numpy loaded), it prints
    the least CPU and wall times of the issue's case as JSON."""
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {allowed[-1]})
    model, data, varied = setup()
    run_sp(model, data, varied, 2**8, BOOT)  # first call: imports and caches
    estimate = least_cpu_time(lambda: run_sp(model, data, varied, ONE_CORE_N, 0), repeat)
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        sa = run_sp(model, data, varied, ONE_CORE_N, BOOT)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    assert sa.confidence is not None
    outputs = sa.confidence["output"].nunique()
    print(json.dumps({"cpu": min(cpu), "wall": min(wall), "estimate": estimate,
                      "outputs": int(outputs), "units": len(sa.first_order_score.columns),
                      "cpu_id": allowed[-1]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="N = 2^12 only, no one-core case")
    parser.add_argument("--one-core", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_core:
        one_core(args.repeat)
        return
    model, data, varied = setup()
    scorer = sp.Scorer(model, data, weights=varied, aggregate=SWITCH)
    nominal = scorer.nominal[:-1]
    dists = [stats.uniform(w * (1 - PHI), 2 * PHI * w) for w in nominal] + [
        stats.uniform(0, len(SWITCH))]

    def outputs(x: np.ndarray) -> np.ndarray:
        X = x.T.copy()
        X[:, -1] = np.floor(X[:, -1])
        out = scorer(X)
        return np.vstack([out.ranks.T.astype(float), out.scores.T])

    def run_scipy(n: int) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return stats.sobol_indices(func=outputs, n=n, dists=dists,
                                       rng=np.random.default_rng(1))

    run_sp(model, data, varied, 2**8, BOOT)  # first call: imports and caches
    rows = []
    for log2 in [12] if args.quick else [12, 14]:
        n = 2**log2
        t_est = least_cpu_time(lambda n=n: run_sp(model, data, varied, n, 0), args.repeat)
        t_with = least_cpu_time(lambda n=n: run_sp(model, data, varied, n, BOOT), args.repeat)
        t_scipy = least_cpu_time(lambda n=n: run_scipy(n), args.repeat)
        rows.append({"N": f"2^{log2}", "runs": n * (len(varied) + 3),
                     "estimate_s": t_est, "with_boot_s": t_with, "boot_s": t_with - t_est,
                     "boot/estimate": (t_with - t_est) / t_est,
                     "with_boot/estimate": t_with / t_est, "scipy_s": t_scipy,
                     "estimate/scipy": t_est / t_scipy})
    print(f"sp.sobol on ASEM, {len(varied) + 1} inputs, {2 * len(data) + 1} outputs, "
          f"{BOOT} resamples; least CPU time of {args.repeat} (BLAS threads: "
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')})")
    with pd.option_context("display.float_format", "{:8.3f}".format, "display.width", 160):
        print(pd.DataFrame(rows).to_string(index=False))
    if args.quick:
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, __file__, "--one-core", "--repeat", str(args.repeat)],
                         capture_output=True, text=True, check=True, env=env)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"one core (CPU {res['cpu_id']}, 1 BLAS thread): {res['units']} units, "
          f"{res['outputs']} outputs with {BOOT}-resample intervals at N = 2^"
          f"{ONE_CORE_N.bit_length() - 1}: CPU (user+sys) {res['cpu']:.2f} s, wall "
          f"{res['wall']:.2f} s (least of {args.repeat}; goal < 5 s); estimate alone "
          f"{res['estimate']:.2f} s CPU: boot/estimate "
          f"{(res['cpu'] - res['estimate']) / res['estimate']:.2f}, with_boot/estimate "
          f"{res['cpu'] / res['estimate']:.2f}")


if __name__ == "__main__":
    main()
