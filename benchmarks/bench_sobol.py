"""Speed of ``sp.sobol`` on the ASEM data, with and without its bootstrap, against
``scipy.stats.sobol_indices`` driving the same engine through ``sp.Scorer``.

Case: the eight pillar weights and the two sub-index weights, each its own input
(``groups=None``), uniform within +-25% of nominal, and a switch between the arithmetic and
geometric mean; every unit's rank and score are outputs (2 x 51, plus R_S for ``sp.sobol``).

Prints the least CPU time (of the process, over the repeats) of

- ``estimate``: ``sp.sobol(..., bootstrap=0)``;
- ``bootstrap``: ``sp.sobol(..., bootstrap=200)``, and its ratio to the estimate (goal <= 3);
- ``scipy``: ``scipy.stats.sobol_indices`` on the same inputs and outputs, the model run
  through ``sp.Scorer``, without its bootstrap, and the ratio of ``estimate`` to it
  (goal <= 1.2).

Run: ``python benchmarks/bench_sobol.py [--repeat N] [--full]``; the default is N = 2^12,
``--full`` adds N = 2^14 (the issue's case: 51 units, 200 resamples, goal under 5 s).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from _timing import least_cpu_time  # benchmarks/ is on sys.path when run as a script
from scipy import stats

import spindex as sp

PHI = 0.25
SWITCH = ["arithmetic", "geometric"]


def setup() -> tuple[sp.CompositeIndex, pd.DataFrame, list[str]]:
    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), data, [
        *fw.level(2), *[c for c in fw.level(3) if c != fw.root]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="add N = 2^14")
    args = parser.parse_args()
    model, data, varied = setup()
    sampler = sp.WeightNoise(PHI, nodes=varied)
    scorer = sp.Scorer(model, data, weights=varied, aggregate=SWITCH)
    nominal = scorer.nominal[:-1]
    dists = [stats.uniform(w * (1 - PHI), 2 * PHI * w) for w in nominal] + [
        stats.uniform(0, len(SWITCH))]

    def outputs(x: np.ndarray) -> np.ndarray:
        X = x.T.copy()
        X[:, -1] = np.floor(X[:, -1])
        out = scorer(X)
        return np.vstack([out.ranks.T.astype(float), out.scores.T])

    def run_sp(n: int, boot: int) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # units whose rank never moves
            return sp.sobol(model, data, weights=sampler, groups=None, n=n, seed=1,
                            bootstrap=boot, aggregate=SWITCH)

    def run_scipy(n: int) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return stats.sobol_indices(func=outputs, n=n, dists=dists,
                                       rng=np.random.default_rng(1))

    rows = []
    for log2 in [12, 14] if args.full else [12]:
        n = 2**log2
        t_est = least_cpu_time(lambda n=n: run_sp(n, 0), args.repeat)
        t_boot = least_cpu_time(lambda n=n: run_sp(n, 200), args.repeat)
        t_scipy = least_cpu_time(lambda n=n: run_scipy(n), args.repeat)
        rows.append({"N": f"2^{log2}", "runs": n * (len(varied) + 3),
                     "estimate_s": t_est, "bootstrap200_s": t_boot,
                     "boot/estimate": t_boot / t_est, "scipy_s": t_scipy,
                     "estimate/scipy": t_est / t_scipy})
    with pd.option_context("display.float_format", "{:8.3f}".format, "display.width", 140):
        print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
