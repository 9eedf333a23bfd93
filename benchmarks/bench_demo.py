"""Wall time of the soft-power demo (`make demo` after set-up), best and median of a few runs.

Run: ``python benchmarks/bench_demo.py [repeats]``. The issue's bound is 60 s; a timing is a
measurement to print, not a test (tests never assert on time).
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time

from spindex.softpower.demo import run_demo


def main(repeats: int = 3) -> None:
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            run_demo(folder, out=io.StringIO())
            times.append(time.perf_counter() - start)
    print(f"demo: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
          f"over {repeats} runs (bound: 60 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
