"""Speed of the compiled engine against a full bare-numpy floor of the same work, on ASEM.

Case (issue 17, goal 5): the weights of the eight pillars and two sub-indices within +-25%
of nominal, and a switch between the arithmetic and the geometric mean (half the runs each),
min-max [1, 100] normalisation; every run scores and ranks all 51 units.

- ``engine``: per block of 16,384 runs, ``CompiledModel.evaluate_mixed`` (scores) and
  ``rank_rows`` with the variants' tie scales (ranks), as ``sp.uncertainty`` runs them.
- ``floor``: the same arithmetic with no checks and no bookkeeping: the pillars' effective
  weights (normalised pillar weights times their sub-index's normalised weight), one product
  with the pillar scores (the logarithms of them for the geometric half, then ``exp``), and
  one argsort per run.

Run: ``python benchmarks/bench_engine.py [--full]``; the default is 2 x 10^5 runs, ``--full``
runs 10^6.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import spindex as sp
from spindex._ranking import rank_rows
from spindex.analysis._engine import CompiledModel

BLOCK = 16_384


def setup() -> tuple[CompiledModel, np.ndarray, np.ndarray, list[np.ndarray]]:
    data = sp.datasets.load("asem")
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    arith = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    geo = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate="geometric")
    subs = [c for c in fw.level(3) if c != fw.root]
    varied = [*fw.level(2), *subs]
    compiled = CompiledModel([arith, geo], data, varied)
    cols = np.array([compiled.position(c) for c in varied])
    pillars = list(fw.level(2))
    groups = [np.array([pillars.index(k) for k in fw.children(s)]) for s in subs]
    return compiled, cols, arith.score(data).scores[pillars].to_numpy(), groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="10^6 runs instead of 2 x 10^5")
    args = parser.parse_args()
    n = 10**6 if args.full else 200_000
    compiled, cols, P, groups = setup()
    rng = np.random.default_rng(0)
    blocks = []
    for _ in range(-(-n // BLOCK)):
        W = np.tile(compiled.nominal_weights, (BLOCK, 1))
        W[:, cols] *= rng.uniform(0.75, 1.25, size=(BLOCK, len(cols)))
        blocks.append((W, rng.integers(0, 2, size=BLOCK)))
    n_pillars = P.shape[1]
    logP = np.log(P)

    def engine() -> None:
        for W, v in blocks:
            scores = compiled.evaluate_mixed(W, v)
            rank_rows(scores, compiled.tie_scales[v])

    def floor() -> None:
        for W, v in blocks:
            w = W[:, cols]
            pw, sw = w[:, :n_pillars], w[:, n_pillars:]
            eff = np.empty_like(pw)
            sw = sw / sw.sum(axis=1, keepdims=True)
            for j, g in enumerate(groups):
                eff[:, g] = pw[:, g] / pw[:, g].sum(axis=1, keepdims=True) * sw[:, j, None]
            geo = v == 1
            scores = np.empty((len(v), P.shape[0]))
            scores[~geo] = eff[~geo] @ P.T
            scores[geo] = np.exp(eff[geo] @ logP.T)
            np.argsort(-scores, axis=1)

    engine()  # warm-up: first touches of the memory
    times = {}
    for name, fn in (("engine", engine), ("floor", floor), ("engine ", engine),
                     ("floor ", floor)):
        # CPU time of the process: on shared cores wall time measures the neighbours too.
        t0 = time.process_time()
        fn()
        times.setdefault(name.strip(), []).append(time.process_time() - t0)
    runs = len(blocks) * BLOCK
    t_engine, t_floor = min(times["engine"]), min(times["floor"])
    print(f"ASEM, {runs:,} runs (pillar and sub-index weights +-25%, arithmetic/geometric)")
    print(f"{'':8}{'CPU s':>10}{'runs/s':>14}")
    print(f"{'engine':8}{t_engine:>10.3f}{runs / t_engine:>14,.0f}")
    print(f"{'floor':8}{t_floor:>10.3f}{runs / t_floor:>14,.0f}")
    print(f"engine / floor: {t_engine / t_floor:.2f}")


if __name__ == "__main__":
    main()
