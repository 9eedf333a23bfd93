"""Speed of SMAA: 10^6 weight draws on 51 units x 8 pillars.

Case (issue 6): the ASEM data with its eight pillars placed directly under the index (the two
sub-indices dropped), min-max [1, 100] normalisation, arithmetic means; the eight pillar
weights uniform on the simplex. Every draw ranks all 51 units and feeds the rank
acceptability (51 x 51), central weights (51 x 8), and pairwise winning (51 x 51) counts.

Prints the wall time and draws/s of ``smaa`` (one thread; two threads; two processes)
against a naive per-draw loop -- a Python loop over 10^3 draws that scores the pillars with
numpy, ranks, and updates the same counts one draw at a time -- extrapolated to 10^6 draws,
and a loop over ``model.with_weights(w).score(data)`` (200 draws, extrapolated).

BLAS threads are limited to one by default (``--blas-threads``): the per-chunk matrix products
are small, and a multi-threaded BLAS inside each worker thread oversubscribes the cores.

Run: ``python benchmarks/bench_smaa.py [--draws N] [--blas-threads K]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

if __name__ == "__main__":
    _blas = "1"
    if "--blas-threads" in sys.argv:
        _blas = sys.argv[sys.argv.index("--blas-threads") + 1]
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, _blas)

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd

import spindex as sp
from spindex.analysis.smaa import smaa


def setup() -> tuple[sp.CompositeIndex, pd.DataFrame]:
    """ASEM with the eight pillars directly under the index."""
    data = sp.datasets.load("asem")
    table = sp.Framework.from_table(sp.datasets.load_framework("asem")).to_table()
    table = table[~table["code"].isin(["Conn", "Sust"])].copy()
    table.loc[table["parent"].isin(["Conn", "Sust"]), "parent"] = "Index"
    fw = sp.Framework.from_records(table.drop(columns=["level", "type"]).to_dict("records"))
    assert len(fw.children(fw.root)) == 8
    return sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100)), data


def naive_seconds_per_draw(model: sp.CompositeIndex, data: pd.DataFrame, n: int = 1000) -> float:
    """One draw at a time: Dirichlet weights, pillar scores times weights, argsort, counts."""
    fw = model.framework
    pillars = model.score(data).scores[list(fw.children(fw.root))].to_numpy()
    m, k = pillars.shape
    rng = np.random.default_rng(0)
    ranks = np.zeros((m, m))
    central = np.zeros((m, k))
    wins = np.zeros((m, m))
    t0 = time.perf_counter()
    for _ in range(n):
        w = rng.dirichlet(np.ones(k))
        order = np.argsort(-(pillars @ w), kind="stable")
        position = np.empty(m, dtype=int)
        position[order] = np.arange(m)
        ranks[np.arange(m), position] += 1
        central[order[0]] += w
        wins += position[:, None] < position[None, :]
    return (time.perf_counter() - t0) / n


def rescoring_seconds_per_draw(
    model: sp.CompositeIndex, data: pd.DataFrame, n: int = 200
) -> float:
    """One draw at a time through the full pipeline: new weights, score, rank."""
    fw = model.framework
    pillars = fw.children(fw.root)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(n):
        w = dict(zip(pillars, rng.dirichlet(np.ones(len(pillars))), strict=True))
        _ = model.with_weights(w).score(data).ranks
    return (time.perf_counter() - t0) / n


def timed(model, data, n: int, executor=None) -> tuple[float, object]:
    t0 = time.perf_counter()
    res = smaa(model, data, n=n, seed=0, executor=executor)
    return time.perf_counter() - t0, res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=10**6)
    parser.add_argument("--blas-threads", default="1")
    args = parser.parse_args()
    model, data = setup()
    n = args.draws
    timed(model, data, 4096)  # warm-up
    rows = []
    t_one, ref = timed(model, data, n)
    rows.append(("smaa, 1 thread", t_one))
    with ThreadPoolExecutor(2) as pool:
        t_threads, res = timed(model, data, n, pool)
    rows.append(("smaa, ThreadPoolExecutor(2)", t_threads))
    pd.testing.assert_frame_equal(ref.rank_acceptability, res.rank_acceptability,
                                  check_exact=True)
    with ProcessPoolExecutor(2) as pool:
        timed(model, data, 4096, pool)
        t_procs, res = timed(model, data, n, pool)
    rows.append(("smaa, ProcessPoolExecutor(2)", t_procs))
    pd.testing.assert_frame_equal(ref.rank_acceptability, res.rank_acceptability,
                                  check_exact=True)
    naive = naive_seconds_per_draw(model, data) * n
    rescoring = rescoring_seconds_per_draw(model, data) * n
    rows.append(("naive per-draw numpy loop (10^3, extrap.)", naive))
    rows.append(("model.score per draw (200, extrap.)", rescoring))

    print(f"SMAA, {n:,} draws, {len(data)} units x 8 pillars (ASEM, pillars under the index); "
          f"{os.cpu_count()} CPUs, BLAS threads = {os.environ.get('OPENBLAS_NUM_THREADS')}")
    print(f"{'method':<44}{'seconds':>10}{'draws/s':>13}{'x naive':>10}")
    for name, seconds in rows:
        print(f"{name:<44}{seconds:>10.2f}{n / seconds:>13,.0f}{naive / seconds:>10.1f}")
    best = min(t_one, t_threads, t_procs)
    print(f"\nbest smaa time {best:.2f} s: {'within' if best < 10 else 'ABOVE'} the 10 s target; "
          "all runs gave bit-identical rank acceptability.")
    top = ref.summary().head(3)
    print("\ntop units by holistic acceptability:")
    print(top.to_string(float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
