"""Models, results and small, fast analyses shared by the plot and report tests.

Built once per test session (the builders are cached) on two data sets: a synthetic
soft-power index whose unit labels hold characters that HTML and matplotlib treat specially,
and COINr's ASEM data.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

import spindex as sp

#: Unit labels that must come out escaped in HTML and as plain text in matplotlib.
ODD_UNITS = ('<b>Bold</b> & "Co"', "Dollar$ign$", "Ünïcødé")


@dataclass(frozen=True)
class Faces:
    """Everything a figure or the report can show, for one data set."""

    name: str
    model: sp.CompositeIndex
    data: pd.DataFrame
    result: sp.IndexResult
    uncertainty: sp.UncertaintyResult
    sobol: sp.SobolResult
    smaa: sp.SMAAResult
    dominance: sp.DominanceResult
    dominance_pair: sp.DominanceResult
    dominance_nonlinear: sp.DominanceResult
    importance: sp.ImportanceResult
    removal: sp.RemovalResult
    correlations: sp.Correlations
    checks: sp.DataChecks
    units: tuple[Any, Any]

    def analyses(self) -> list[Any]:
        """The result and every analysis, as a list for the report."""
        return [self.result, self.uncertainty, self.sobol, self.smaa, self.dominance,
                self.dominance_pair, self.dominance_nonlinear, self.importance, self.removal,
                self.correlations, self.checks]


def synthetic_framework() -> sp.Framework:
    """A small soft-power framework: four pillars of one to three indicators."""
    return sp.Framework.from_dict({
        "code": "SoftPower", "name": "Synthetic soft power",
        "children": [
            {"code": "Aid", "weight": 2, "children": [{"code": "ODA"}, {"code": "Loans"}]},
            {"code": "Trade", "children": [{"code": "Exports"},
                                           {"code": "Tariffs", "direction": -1}]},
            {"code": "Culture", "children": [{"code": "Tourists"}, {"code": "Students"},
                                             {"code": "Films"}]},
            {"code": "Opinion", "children": [{"code": "Trust"}]},
        ],
    })


def synthetic_data() -> pd.DataFrame:
    """Sixteen units with a few gaps and one outlier that outlier treatment winsorises."""
    rng = np.random.default_rng(8)
    units = [f"U{i:02d}" for i in range(13)] + list(ODD_UNITS)
    codes = synthetic_framework().indicators
    data = pd.DataFrame(rng.uniform(10, 100, size=(len(units), len(codes))),
                        index=pd.Index(units, name="unit"), columns=list(codes))
    data.loc["U03", "Tourists"] = 4_000.0
    data.loc["U05", "Films"] = np.nan
    data.loc["Ünïcødé", "Loans"] = np.nan
    return data


def _sobol(*args: Any, **kwargs: Any) -> sp.SobolResult:
    # Side effects of these small fixtures, which each analysis says and its own tests check:
    # a unit whose rank never moves, pillar weights pooled into one input by groups="parent".
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"The rank of .* never varies", sp.SpindexWarning)
        warnings.filterwarnings("ignore", r"groups='parent' makes", sp.SpindexWarning)
        return sp.sobol(*args, **kwargs)


@cache
def faces(name: str) -> Faces:
    """The model, result and analyses of ``"synthetic"`` or ``"asem"`` data."""
    if name == "synthetic":
        fw = synthetic_framework()
        data = synthetic_data()
        weights: Any = sp.WeightNoise(0.25, levels=[2])
        units = ("U01", ODD_UNITS[0])
        level = 1
        node, pair_node = fw.root, "Aid"
    else:
        fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
        data = sp.datasets.load("asem")
        weights = sp.WeightNoise(0.25, levels=[2, 3])
        units = ("CHN", "JPN")
        level = 2
        node, pair_node = "Conn", fw.root
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), impute="mean", treat="default")
    res = model.score(data)
    switches = {"aggregate": ["arithmetic", "geometric"]}
    geometric = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100), aggregate="geometric",
                                  impute="mean", treat="default")
    a, b = units
    return Faces(
        name=name, model=model, data=data, result=res,
        uncertainty=sp.uncertainty(model, data, weights=weights, n=2000, seed=1, **switches),
        sobol=_sobol(model, data, weights=weights, n=128, seed=1, bootstrap=20, **switches),
        smaa=sp.smaa(model, data, n=2000, seed=1, level=2),
        dominance=sp.dominance(model, data, a, b, node=node),
        dominance_pair=sp.dominance(model, data, a, b, node=pair_node),
        dominance_nonlinear=sp.dominance(geometric, data, a, b, method="monte_carlo", n=2000,
                                         seed=1),
        importance=sp.importance(model, data, level=2),
        removal=sp.remove_indicators(model, data, level=2),
        correlations=sp.correlations(fw, res, level=level),
        checks=sp.data_checks(data, fw),
        units=units,
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header; fails on anything else."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
