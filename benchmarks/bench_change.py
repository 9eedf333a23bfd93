"""Time of explain_change on ASEM with all four changes (16 hybrid editions scored).

Case: ASEM as COINr ships it, min-max [1, 100]; the second edition revises ten indicators by
+-20 %, drops one indicator (LPI), reweights two pillars and normalises by z-scores. The
baseline is scoring the 16 hybrid editions one by one with ``CompositeIndex.score`` (the
floor: explain_change adds the Shapley sums over all 51 units at once).
Run: ``python benchmarks/bench_change.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import spindex as sp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    data = sp.datasets.load("asem")
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    new = data.copy()
    cols = list(fw.indicators)[:10]
    new[cols] = new[cols] * np.random.default_rng(0).uniform(0.8, 1.2, size=(len(data), 10))
    table = fw.to_table()
    table = table[table["code"] != "LPI"].drop(columns=["level", "type"])
    fw1 = sp.Framework.from_records(table.to_dict("records")).with_weights(
        {"Physical": 3.0, "Environ": 0.5})
    after = sp.CompositeIndex(fw1, normalize="zscore")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sp.explain_change((model, data), (after, new))
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(4):  # 16 editions, in four groups of the same four scorings
        for m, d in ((model, data), (model, new), (after, data), (after, new)):
            m.score(d)
    floor = time.perf_counter() - start
    print("explain_change, ASEM, 4 changes (16 hybrids), 51 units")
    print(f"{'method':<30} {'seconds':>8} {'ratio':>6}")
    print(f"{'spindex.explain_change':<30} {min(times):>8.3f} {1.0:>6.2f}")
    print(f"{'16 x CompositeIndex.score':<30} {floor:>8.3f} {floor / min(times):>6.2f}")


if __name__ == "__main__":
    main()
