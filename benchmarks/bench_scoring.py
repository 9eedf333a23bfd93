"""Scoring time of ``CompositeIndex.score`` at every size, and of ``score_panel`` per call.

Prints, for 50 units x 10 indicators, COINr's ASEM example (51 units, 49 indicators), 5,000
units x 500 indicators and (with ``--full``) 50,000 x 500 (synthetic: pillars of 10, two
sub-indices, 2% of the values missing), the least CPU time (of the process, over the repeats) of

- ``score``: ``model.score(data)`` (validation, min-max, weighted arithmetic means over the
  available children level by level, every node's scores as a labelled frame), and
- ``ranked``: the same followed by ``.ranks`` (every node ranked, as nullable integers),

and their ratios to a bare-numpy floor that does the same arithmetic on the same matrix with no
checks or labels (see :func:`floor`): min-max of every indicator ignoring NaN, then per level
one sparse product of the weights by the values (NaN as 0) and by the observed mask, and, for
``ranked``, one argsort per node. A last line gives ``sp.score_panel`` per call on the ASEM
panel (5 years x 51 units). ``--sweep`` adds 50 to 5,000 units x 50 to 500 indicators.
Run: ``python benchmarks/bench_scoring.py [--repeat N] [--full] [--sweep]``.
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


def asem_case() -> tuple[sp.Framework, pd.DataFrame]:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return fw, sp.datasets.load("asem")


def row(label: str, fw: sp.Framework, data: pd.DataFrame, repeat: int) -> dict[str, object]:
    model = sp.CompositeIndex(fw)
    model.score(data)  # a first call outside the timing, as in a loop or a test suite
    t_score = least_cpu_time(lambda: model.score(data), repeat)
    t_ranked = least_cpu_time(lambda: model.score(data).ranks, repeat)
    t_floor = least_cpu_time(floor(fw, data, ranks=False), repeat)
    t_floor_ranked = least_cpu_time(floor(fw, data, ranks=True), repeat)
    return {
        "case": label, "units": len(data), "indicators": len(fw.indicators), "nodes": len(fw),
        "score_ms": 1e3 * t_score, "floor_ms": 1e3 * t_floor, "score/floor": t_score / t_floor,
        "ranked_ms": 1e3 * t_ranked, "floor_sort_ms": 1e3 * t_floor_ranked,
        "ranked/floor": t_ranked / t_floor_ranked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="add 50,000 units x 500 indicators")
    parser.add_argument("--sweep", action="store_true",
                        help="add 50 to 5,000 units x 50 to 500 indicators")
    args = parser.parse_args()
    # Small tables are timed over more calls: their times are a few milliseconds.
    small = max(args.repeat, 50)
    rows = [row("50 x 10", *make_case(50, 10), small), row("ASEM", *asem_case(), small)]
    if args.sweep:
        for u in (50, 500, 5_000):
            for k in (50, 200, 500):
                rows.append(row(f"{u:,} x {k}", *make_case(u, k),
                                small if u * k < 100_000 else args.repeat))
    rows.append(row("5,000 x 500", *make_case(5_000, 500), args.repeat))
    if args.full:
        rows.append(row("50,000 x 500", *make_case(50_000, 500), min(args.repeat, 3)))
    table = pd.DataFrame(rows)
    with pd.option_context("display.float_format", "{:9.2f}".format, "display.width", 160):
        print(table.to_string(index=False))
    fw, _ = asem_case()
    panel = sp.datasets.load_panel("asem")
    model = sp.CompositeIndex(fw)
    sp.score_panel(model, panel)
    t_panel = least_cpu_time(lambda: sp.score_panel(model, panel), small)
    print(f"score_panel, ASEM panel ({panel.shape[0]} rows x {panel.shape[1]} columns): "
          f"{1e3 * t_panel:.2f} ms per call")


if __name__ == "__main__":
    main()
