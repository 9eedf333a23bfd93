"""Scoring time of ``CompositeIndex.score`` on synthetic data of growing size.

Prints, for 50, 500 and 5,000 units x 50 to 500 indicators (in pillars of 10, two sub-indices;
2% of the values missing), the least CPU time (of the process, over the repeats) of

- ``score``: ``model.score(data)`` (validation, min-max, three levels of weighted arithmetic
  means over the available children, every node's scores as a labelled frame), and
- ``ranked``: the same followed by ``.ranks`` (every node ranked, as nullable integers),

and their ratios to a bare-numpy floor that does the same arithmetic on the same matrix with no
checks or labels: min-max of every column ignoring NaN, then per level one product of the
values (NaN as 0) and of the observed mask by the level's weight matrix (the mean over the
available children), and, for ``ranked``, one argsort per node. ``--full`` adds 50,000 units x
500 indicators. Run: ``python benchmarks/bench_scoring.py [--repeat N] [--full]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import pandas as pd
from _timing import least_cpu_time  # benchmarks/ is on sys.path when run as a script
from scipy import sparse

import spindex as sp


def make_case(n_units: int, n_ind: int, seed: int = 0) -> tuple[sp.Framework, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    per_pillar = 10
    n_pillars = n_ind // per_pillar
    # Two sub-indices when there are pillars for both; one pillar goes under the index itself.
    nodes: dict[str, dict] = {"Index": {}}
    if n_pillars > 1:
        nodes.update({"S1": {"parent": "Index"}, "S2": {"parent": "Index"}})
    for p in range(n_pillars):
        parent = "Index" if n_pillars == 1 else "S1" if p % 2 == 0 else "S2"
        nodes[f"P{p}"] = {"parent": parent, "weight": 1 + p % 3}
        for k in range(per_pillar):
            code = f"i{p * per_pillar + k}"
            nodes[code] = {"parent": f"P{p}", "direction": -1 if k == 0 else 1}
    fw = sp.Framework.from_dict({"nodes": nodes})
    X = rng.lognormal(size=(n_units, n_ind))
    X[rng.random(X.shape) < 0.02] = np.nan
    data = pd.DataFrame(X, columns=list(fw.indicators),
                        index=[f"u{i}" for i in range(n_units)])
    return fw, data


def floor(fw: sp.Framework, data: pd.DataFrame, ranks: bool) -> Callable[[], object]:
    """The same normalisation and aggregation without checks or labels (see the module).

    Laid out as tightly as numpy allows: every node's scores are one contiguous row of a
    (nodes, units) table, so min-max runs down contiguous rows in place (three passes) and
    each level is one product of its weights, as a sparse matrix (one multiply-add per child
    and unit: a dense one would multiply by every zero of nodes x children), by a contiguous
    slice of rows (the framework lists nodes level by level). The directed table is prepared
    outside the timing.
    """
    X = data[list(fw.indicators)].to_numpy() * fw.directions.reindex(fw.indicators).to_numpy()
    by_row = np.ascontiguousarray(X.T)
    pos = {c: i for i, c in enumerate(fw.codes)}
    levels = []
    for level in range(2, fw.n_levels + 1):
        codes = list(fw.level(level))
        below = sorted({pos[k] for c in codes for k in fw.children(c)})
        out = [pos[c] for c in codes]
        # Contiguous blocks of rows in, contiguous block out: slices, no gather.
        assert below == list(range(below[0], below[-1] + 1))
        assert out == list(range(out[0], out[-1] + 1))
        W = np.zeros((len(codes), len(below)))
        for j, c in enumerate(codes):
            for k in fw.children(c):
                W[j, pos[k] - below[0]] = fw.node(k).weight
        levels.append((sparse.csr_array(W), slice(out[0], out[-1] + 1),
                       slice(below[0], below[-1] + 1)))
    n_ind = by_row.shape[0]

    def run() -> object:
        values = np.empty((len(fw.codes), by_row.shape[1]))
        lo = np.fmin.reduce(by_row, axis=1)[:, None]
        hi = np.fmax.reduce(by_row, axis=1)[:, None]
        norm = values[:n_ind]
        np.subtract(by_row, lo, out=norm)
        norm /= hi - lo
        norm *= 100.0
        for W, out, below in levels:
            V = values[below]
            seen = ~np.isnan(V)
            values[out] = W @ np.where(seen, V, 0.0)
            values[out] /= W @ seen.astype(float)
        if ranks:
            # Missing scores last as inf: numpy's vectorised argsort takes a slow path on NaN.
            key = np.negative(values)
            key[np.isnan(key)] = np.inf
            np.argsort(key, axis=1)
        return values

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="add 50,000 units x 500 indicators")
    args = parser.parse_args()
    sizes = [(u, k) for u in (50, 500, 5_000) for k in (50, 200, 500)]
    if args.full:
        sizes.append((50_000, 500))
    rows = []
    for n_units, n_ind in sizes:
        fw, data = make_case(n_units, n_ind)
        model = sp.CompositeIndex(fw)
        repeat = args.repeat if n_units < 50_000 else min(args.repeat, 3)
        t_score = least_cpu_time(lambda m=model, d=data: m.score(d), repeat)
        t_ranked = least_cpu_time(lambda m=model, d=data: m.score(d).ranks, repeat)
        t_floor = least_cpu_time(floor(fw, data, ranks=False), repeat)
        t_floor_ranked = least_cpu_time(floor(fw, data, ranks=True), repeat)
        rows.append({
            "units": n_units, "indicators": n_ind, "nodes": len(fw),
            "score_ms": 1e3 * t_score, "floor_ms": 1e3 * t_floor,
            "score/floor": t_score / t_floor,
            "ranked_ms": 1e3 * t_ranked, "floor_sort_ms": 1e3 * t_floor_ranked,
            "ranked/floor": t_ranked / t_floor_ranked,
        })
    table = pd.DataFrame(rows)
    with pd.option_context("display.float_format", "{:9.2f}".format, "display.width", 160):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
