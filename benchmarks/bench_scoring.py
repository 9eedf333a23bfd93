"""Scoring time of ``CompositeIndex.score`` on synthetic data of growing size.

Prints, for 50, 500 and 5,000 units x 50 to 500 indicators (in pillars of 10, two sub-indices),
the median wall time of a full score (validation, min-max, three levels of arithmetic means,
ranks) and its ratio to a bare-numpy floor that does the same arithmetic on a clean matrix with
no checks, labels or ranks. Run: ``python benchmarks/bench_scoring.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

import spindex as sp


def make_case(n_units: int, n_ind: int, seed: int = 0) -> tuple[sp.Framework, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    per_pillar = 10
    n_pillars = n_ind // per_pillar
    nodes: dict[str, dict] = {"Index": {}, "S1": {"parent": "Index"}, "S2": {"parent": "Index"}}
    for p in range(n_pillars):
        nodes[f"P{p}"] = {"parent": "S1" if p % 2 == 0 else "S2", "weight": 1 + p % 3}
        for k in range(per_pillar):
            code = f"i{p * per_pillar + k}"
            nodes[code] = {"parent": f"P{p}", "direction": -1 if k == 0 else 1}
    fw = sp.Framework.from_dict({"nodes": nodes})
    X = rng.lognormal(size=(n_units, n_ind))
    X[rng.random(X.shape) < 0.02] = np.nan
    data = pd.DataFrame(X, columns=list(fw.indicators),
                        index=[f"u{i}" for i in range(n_units)])
    return fw, data


def floor(fw: sp.Framework, data: pd.DataFrame) -> Callable[[], object]:
    """The same arithmetic without checks, labels or ranks, on a filled matrix."""
    X = np.nan_to_num(data.to_numpy(), nan=1.0) * fw.directions.to_numpy()
    w = fw.effective_weights().to_numpy()

    def run() -> object:
        lo, hi = X.min(axis=0), X.max(axis=0)
        return ((X - lo) / (hi - lo) * 100.0) @ w

    return run


def timeit(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for n_units in (50, 500, 5_000):
        for n_ind in (50, 200, 500):
            fw, data = make_case(n_units, n_ind)
            model = sp.CompositeIndex(fw)
            t_score = timeit(lambda m=model, d=data: m.score(d).ranks, args.repeat)
            t_floor = timeit(floor(fw, data), args.repeat)
            rows.append({
                "units": n_units, "indicators": n_ind, "nodes": len(fw),
                "score_ms": 1e3 * t_score, "floor_ms": 1e3 * t_floor,
                "ratio_to_floor": t_score / t_floor,
            })
    table = pd.DataFrame(rows)
    with pd.option_context("display.float_format", "{:10.2f}".format, "display.width", 120):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
