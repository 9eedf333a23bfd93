"""Peak memory against the number of runs, for every streaming analysis (issue 17, item 1).

Each case runs in a fresh process and reports the peak of Python's traced allocations
(``tracemalloc``, numpy included) during the analysis alone, on the ASEM case: weights +-25% at
the pillar and sub-index levels, and for ``uncertainty`` an arithmetic/geometric switch. Every
analysis runs with its defaults, which keep no per-run record (``keep_inputs=False``,
``keep_design=False``; they are kept only on request). Memory is flat in n when the ratio of
the largest to the smallest n is near 1.

Sobol (6 runs per base row) runs without its bootstrap
(``sobol``, ``bootstrap=0``) and with the default 200 Poisson-bootstrap resamples
(``sobol_boot``), both on the same arithmetic/geometric switch.

Run: ``python benchmarks/bench_memory.py`` (about a minute); ``--full`` adds 10^6 and 10^7
runs of smaa and dominance, 10^7 of uncertainty, and Sobol at N = 2^16 and 2^18 (the
bootstrap at 2^18).
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
    if name.startswith("sobol"):
        from scipy.stats import qmc  # noqa: F401 - imported by sobol on first use (~30 MB)
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)
        if name == "uncertainty":
            sp.uncertainty(model, data, weights=weights, aggregate=["arithmetic", "geometric"],
                           n=n, seed=1)
        elif name == "smaa":
            sp.smaa(model, data, weights=weights, n=n, seed=1)
        elif name in ("sobol", "sobol_boot"):
            sp.sobol(model, data, weights=weights, aggregate=["arithmetic", "geometric"],
                     n=n, seed=1, bootstrap=200 if name == "sobol_boot" else 0)
        elif name == "dominance":
            sp.dominance(model, data, "DEU", "FRA", method="monte_carlo", n=n, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also 10^7 runs and N = 2^18")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        name, n = json.loads(args.case)
        print(json.dumps(case(name, n)))
        return
    full = args.full
    sizes = {"uncertainty": [10**4, 10**5, 10**6] + ([10**7] if full else []),
             "smaa": [10**4, 10**5] + ([10**6, 10**7] if full else []),
             "dominance": [10**4, 10**5] + ([10**6, 10**7] if full else []),
             "sobol": [2**11, 2**14] + ([2**16, 2**18] if full else []),
             "sobol_boot": [2**11, 2**14, 2**16] + ([2**18] if full else [])}
    print("peak traced memory (MB) by number of runs n (sobol: base size N), fresh process each")
    for name, ns in sizes.items():
        peaks = []
        for n in ns:
            out = subprocess.run([sys.executable, __file__, "--case", json.dumps([name, n])],
                                 capture_output=True, text=True, check=True)
            peaks.append(json.loads(out.stdout.strip().splitlines()[-1]))
        label = (lambda n: f"2^{n.bit_length() - 1}") if name.startswith("sobol") else (
            lambda n: f"1e{len(str(n)) - 1}")
        cells = ", ".join(f"{label(n)}: {p:.1f}" for n, p in zip(ns, peaks, strict=True))
        print(f"{name:<12} {cells}   max/min {max(peaks) / min(peaks):.2f}")


if __name__ == "__main__":
    main()
