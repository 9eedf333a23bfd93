"""The examples of docs/elcano.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("openpyxl")

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("page", ["elcano.md", "elcano-china-japan.md"])
def test_docs_examples_run(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOCS / page), "exec"), namespace)
