"""Timing shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def least_cpu_time(fn: Callable[[], object], repeat: int) -> float:
    """The least CPU time of the process over ``repeat`` calls: on cores shared with other
    work, wall time measures the neighbours as much as the code."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)
