"""The examples of docs/own-data.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("openpyxl")
pytest.importorskip("matplotlib")

PAGE = Path(__file__).resolve().parents[1] / "docs" / "own-data.md"


def test_the_own_data_page_examples_run():
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 5
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)
    # The page's own claims, checked once more from the outside.
    data = namespace["data"]
    assert list(data.columns) == ["aid", "trade", "trust"]
    folder = namespace["folder"]
    assert {p.name for p in folder.iterdir()} >= {"dyadic.csv", "report.html",
                                                 "influence.xlsx", "explorer.html"}
