"""Weight samplers: which weights vary, their ranges, and bad specifications."""

from __future__ import annotations

import numpy as np
import pytest

import spindex as sp
from spindex.analysis.sampling import (
    DirichletWeights,
    UniformSimplex,
    WeightBounds,
    WeightNoise,
    as_sampler,
)
from spindex.errors import ParameterError, SpindexTypeError

FW = sp.Framework.from_dict({
    "code": "I",
    "children": [
        {"code": "P", "weight": 3, "children": [{"code": "a"}, {"code": "b", "weight": 2}]},
        {"code": "Q", "children": [{"code": "c"}, {"code": "d"}, {"code": "e"}]},
    ],
})


def test_noise_within_bounds_and_only_selected() -> None:
    W = WeightNoise(0.25, levels=2).draw(FW, np.random.default_rng(0), 10_000)
    codes = list(FW.codes)
    nominal = FW.weights.reindex(codes).to_numpy()
    moved = ~np.all(nominal == W, axis=0)
    assert [c for c, m in zip(codes, moved, strict=True) if m] == ["P", "Q"]
    ratio = W[:, codes.index("P")] / 3
    assert ratio.min() >= 0.75 and ratio.max() <= 1.25
    assert abs(ratio.mean() - 1) < 0.01


def test_dirichlet_mean_and_simplex() -> None:
    W = DirichletWeights(50.0, nodes=["c", "d", "e"]).draw(FW, np.random.default_rng(1), 20_000)
    block = W[:, [FW.codes.index(c) for c in "cde"]]
    np.testing.assert_allclose(block.sum(axis=1), 1.0)
    np.testing.assert_allclose(block.mean(axis=0), [1 / 3] * 3, atol=0.005)
    U = UniformSimplex(levels=2).draw(FW, np.random.default_rng(2), 20_000)
    p = U[:, FW.codes.index("P")]
    assert abs(p.mean() - 0.5) < 0.01 and abs(p.var() - 1 / 12) < 0.003


def test_bounds() -> None:
    W = WeightBounds({"a": (1, 2), "Q": (0, 5)}).draw(FW, np.random.default_rng(3), 1000)
    a = W[:, FW.codes.index("a")]
    assert a.min() >= 1 and a.max() <= 2


def test_bad_specs() -> None:
    with pytest.raises(ParameterError, match=r"\[0, 1\)"):
        WeightNoise(1.0)
    with pytest.raises(ParameterError, match="whole groups"):
        UniformSimplex(nodes=["c", "d"]).draw(FW, np.random.default_rng(0), 2)
    with pytest.raises(ParameterError, match="low <= high"):
        WeightBounds({"a": (2, 1)})
    with pytest.raises(ParameterError, match="only the root"):
        WeightNoise(0.1, nodes=["I"]).varying(FW)
    with pytest.raises(sp.FrameworkError, match="'Z'"):
        WeightNoise(0.1, nodes=["Z"]).varying(FW)
    with pytest.raises(SpindexTypeError):
        as_sampler("lots")
    assert as_sampler(0.2) == WeightNoise(0.2)
