"""Units scaling of ``sp.uncertainty``: peak memory with many units, and the rank sketch.

Case (issue 17, item 2): synthetic data of ``units`` x 50 indicators in 5 pillars of 10,
min-max [1, 100], weights +-25% at both levels, arithmetic/geometric switch, ``keep_inputs=
False``. Each case runs in a fresh process and reports its peak resident memory
(``ru_maxrss``), the rank bin width chosen and the time; memory is flat in the number of
runs, so a few chunks show the peak of any n.

Run: ``python benchmarks/bench_units.py`` (up to 20,000 units, about a minute);
``--full`` adds 50,000 units at 10^3, 2 x 10^3 and the issue's 10^5 runs (the last takes
tens of minutes on one core: ranking 50,000 units 10^5 times is the floor).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings


def case(units: int, n: int, width: int | None) -> dict[str, float]:
    import resource

    import numpy as np
    import pandas as pd

    import spindex as sp

    rng = np.random.default_rng(0)
    codes = [f"i{j:02d}" for j in range(50)]
    fw = sp.Framework.from_dict({"code": "I", "children": [
        {"code": f"P{p}", "children": [{"code": c} for c in codes[10 * p:10 * p + 10]]}
        for p in range(5)]})
    data = pd.DataFrame(rng.gamma(2.0, 1.0, size=(units, 50)), columns=codes)
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sp.SpindexWarning)  # the bin width is reported below
        ua = sp.uncertainty(model, data, weights=sp.WeightNoise(0.25, levels=[1, 2]),
                            aggregate=["arithmetic", "geometric"], n=n, seed=1,
                            keep_inputs=False, rank_bin_width=width)
        ua.summary()
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"units": units, "n": n, "width": ua.rank_bin_width, "error": ua.rank_error,
            "seconds": seconds, "peak_mb": peak, "before_mb": base}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="50,000 units x 10^5 runs")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        units, n, width = json.loads(args.case)
        print(json.dumps(case(units, n, width)))
        return
    cases = [(2_000, 4_000, None), (2_000, 4_000, 8), (20_000, 500, None),
             (20_000, 1_000, None)]
    if args.full:
        cases += [(50_000, 1_000, None), (50_000, 2_000, None), (50_000, 100_000, None)]
    print(f"{'units':>7} {'runs':>8} {'bin b':>6} {'+-ranks':>8} {'time s':>8} "
          f"{'peak RSS MB':>12} {'of which import+data':>21}")
    for units, n, width in cases:
        out = subprocess.run([sys.executable, __file__, "--case", json.dumps([units, n, width])],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['units']:>7,} {r['n']:>8,} {r['width']:>6} {r['error']:>8} "
              f"{r['seconds']:>8.1f} {r['peak_mb']:>12.0f} {r['before_mb']:>21.0f}")


if __name__ == "__main__":
    main()
