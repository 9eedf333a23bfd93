"""Render the figures of docs/elcano-china-japan.md (python docs/figures/elcano_china_japan.py).

Needs the plot extra (matplotlib). Writes elcano_soft_trends.png and elcano_china_japan.png
beside this script: the same figures as ``spindex demo --elcano``, drawn by the same code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spindex.softpower.elcano_demo import _write_figures, elcano_answer

HERE = Path(__file__).resolve().parent


def main() -> None:
    answer = elcano_answer()
    _write_figures(answer, HERE, sys.stdout)
    print(answer.china_japan.round(4).to_string())


if __name__ == "__main__":
    main()
