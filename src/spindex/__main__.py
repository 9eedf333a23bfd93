"""``python -m spindex``: the command-line interface."""

import sys

from spindex.cli import main

sys.exit(main())
