"""The SciPy example of docs/scorer.md runs as written and gives what sp.sobol says."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

PAGE = Path(__file__).resolve().parents[1] / "docs" / "scorer.md"


def test_the_scipy_example_runs():
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(PAGE), "exec"), namespace)
    first = namespace["first"]
    scorer = namespace["scorer"]
    assert set(first) == set(scorer.units)
    values = np.array(list(first.values()))
    # The switch explains part of the variance of most units' scores, never more than all.
    assert np.nanmedian(values) > 0.05
    assert np.nanmax(values) < 1.1
