"""Peak memory against the number of runs, for every streaming analysis (issue 17, item 1).

Each case runs in a fresh process and reports the peak of Python's traced allocations
(``tracemalloc``, numpy included) during the analysis alone, on the ASEM case: weights +-25% at
the pillar and sub-index levels, and for ``uncertainty`` an arithmetic/geometric switch with
``keep_inputs=False``. Memory is flat in n when the ratio of the largest to the smallest n is
near 1.

Run: ``python benchmarks/bench_memory.py`` (10^4 to 10^6 runs, under a minute);
``--full`` adds 10^7 runs of uncertainty.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


def case(name: str, n: int) -> float:
    import tracemalloc
    import warnings

    import spindex as sp

    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    weights = sp.WeightNoise(0.25, levels=[2, 3])
    model.score(data)  # caches and imports outside the measure
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        if name == "uncertainty":
            sp.uncertainty(model, data, weights=weights, aggregate=["arithmetic", "geometric"],
                           n=n, seed=1, keep_inputs=False)
        elif name == "smaa":
            sp.smaa(model, data, weights=weights, n=n, seed=1)
        elif name == "dominance":
            sp.dominance(model, data, "DEU", "FRA", method="monte_carlo", n=n, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also 10^7 runs of uncertainty")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        name, n = json.loads(args.case)
        print(json.dumps(case(name, n)))
        return
    sizes = {"uncertainty": [10**4, 10**5, 10**6] + ([10**7] if args.full else []),
             "smaa": [10**4, 10**5, 10**6], "dominance": [10**4, 10**5, 10**6]}
    print(f"{'analysis':<12} " + " ".join(f"{f'n=1e{len(str(n)) - 1}':>9}" for n in
                                          sizes["uncertainty"]) + f" {'max/min':>8}")
    for name, ns in sizes.items():
        peaks = []
        for n in ns:
            out = subprocess.run([sys.executable, __file__, "--case", json.dumps([name, n])],
                                 capture_output=True, text=True, check=True)
            peaks.append(json.loads(out.stdout.strip().splitlines()[-1]))
        cells = " ".join(f"{p:>7.1f}MB" for p in peaks)
        pad = " " * 10 * (len(sizes["uncertainty"]) - len(peaks))
        print(f"{name:<12} {cells}{pad} {max(peaks) / min(peaks):>8.2f}")


if __name__ == "__main__":
    main()
