"""SciPy is imported only when a function that needs it runs (issue 17 item 8).

Importing spindex used to import scipy.stats (about 0.7 s of the 1.2 s), which every CLI
process, every pytest-xdist worker and every Sphinx build paid. These run in a fresh
interpreter: in this one the other tests have already imported SciPy.
"""

from __future__ import annotations

import subprocess
import sys

# What `python -m spindex <subcommand>` imports before it parses its arguments.
_ENTRY_POINTS = "spindex, spindex.cli, spindex.analysis, spindex.methods, spindex.elcano"


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_importing_spindex_and_its_cli_does_not_import_scipy() -> None:
    modules = _modules_after(f"import {_ENTRY_POINTS}")
    assert "spindex.cli" in modules  # the statement ran
    assert sorted(m for m in modules if m == "scipy" or m.startswith("scipy.")) == []

