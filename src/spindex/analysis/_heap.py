"""The C heap while a block of runs is computed: freed chunk-sized memory stays for the next chunk.

A chunk of runs allocates and frees a few dozen arrays of runs x units doubles (3.3 MB each
for ASEM's 51 units and 8,192 runs). glibc's allocator adapts to that on its own: after the
first such array is freed it serves the next ones from the heap. Setting any of its thresholds
in the environment turns that adaptation off, and dask's nanny starts every worker with
``MALLOC_TRIM_THRESHOLD_=65536``. Each array is then mapped from the kernel and unmapped when
freed, and the next chunk faults the same pages in again: an ASEM analysis of 65,536 runs costs
1.67x the CPU and 3x the page faults of the same analysis with glibc's defaults
(``benchmarks/bench_worker_cpu.py``).

So while a block runs in a process whose allocator thresholds were fixed by its environment,
and whose environment does not choose a top pad itself, spindex asks glibc (``mallopt``) to
serve arrays of up to 32 MiB from the heap rather than map them (``M_MMAP_THRESHOLD``) and to
keep 32 MiB free at the top of the heap when it trims (``M_TOP_PAD``). When the last block
running in the process ends, both are set back: the threshold to the environment's value (or
glibc's 128 KiB), the pad to glibc's default (128 KiB), so that a later ``free`` reaching
the top of the heap trims it as its environment asked (memory freed below the top stays with
the process, as it would without the pad). The trim threshold is never touched, no result depends
on where memory comes from, and a process with glibc's adaptive defaults (or another C library)
is left alone, since a ``mallopt`` call would switch its adaptation off for good. To keep a
worker's allocator exactly as started, set ``MALLOC_TOP_PAD_`` in its environment (131072 is
glibc's default).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping

__all__ = ["HEAP_PAD", "heap_thresholds_fixed", "padded_heap"]

#: Bytes kept free at the top of the heap while a block runs, and the largest array served
#: from the heap: a few chunk-sized arrays (and glibc's largest mmap threshold on 64 bits).
HEAP_PAD = 32 * 1024**2
#: glibc's own M_TOP_PAD (DEFAULT_TOP_PAD in its malloc-machine.h) and M_MMAP_THRESHOLD
#: (DEFAULT_MMAP_THRESHOLD_MIN in malloc.c), set back afterwards.
_GLIBC_TOP_PAD = 128 * 1024
_GLIBC_MMAP_THRESHOLD = 128 * 1024
_M_TOP_PAD = -2  # mallopt's parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3

#: Environment settings that fix glibc's thresholds (its adaptation is then off), and those
#: that choose a top pad (left alone).
_FIXING_VARIABLES = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_")
_FIXING_TUNABLES = ("glibc.malloc.trim_threshold", "glibc.malloc.mmap_threshold",
                    "glibc.malloc.mmap_max")
_PAD_VARIABLE = "MALLOC_TOP_PAD_"
_PAD_TUNABLE = "glibc.malloc.top_pad"

_lock = threading.Lock()
_running = 0  # blocks running now in this process (threads of one worker share the heap)


def _forget_blocks_in_child() -> None:
    """A forked child runs none of its parent's blocks: a count (or a lock) taken over from a
    thread of the parent would keep its pad for good, or block its first block."""
    global _lock, _running
    _lock = threading.Lock()
    _running = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_blocks_in_child)


def _tunables(environ: Mapping[str, str]) -> dict[str, str]:
    """``GLIBC_TUNABLES`` (``name=value:name=value``) as a mapping."""
    pairs = (item.split("=", 1) for item in environ.get("GLIBC_TUNABLES", "").split(":")
             if "=" in item)
    return {name.strip(): value.strip() for name, value in pairs}


def heap_thresholds_fixed(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` fixes glibc's allocator thresholds without choosing a top pad.

    Parameters
    ----------
    environ : mapping of str to str
        A process's environment (``os.environ``).

    Returns
    -------
    bool
        True when a threshold is set (``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``,
        ``MALLOC_MMAP_MAX_`` or the matching ``GLIBC_TUNABLES``) and the top pad is not
        (``MALLOC_TOP_PAD_``, ``glibc.malloc.top_pad``).
    """
    tunables = _tunables(environ)
    if _PAD_VARIABLE in environ or _PAD_TUNABLE in tunables:
        return False
    return (any(name in environ for name in _FIXING_VARIABLES)
            or any(name in tunables for name in _FIXING_TUNABLES))


def _glibc_mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None on another platform or C library."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        version = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):  # not a glibc system
        return None
    if not version.startswith("glibc"):
        return None
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt


_MALLOPT = _glibc_mallopt()


def _started_environ() -> Mapping[str, str]:
    """The environment this process started with, which is what glibc read its settings from.

    ``os.environ`` is not that: a process may set variables after it started, and dask's nanny
    does (``os.environ.update(pre_spawn_env)`` in the process that spawns the workers, the
    client's own with a ``LocalCluster``), though its own allocator kept glibc's defaults.
    ``/proc/self/environ`` keeps the environment as started; without it, ``os.environ``.
    """
    try:
        with open("/proc/self/environ", "rb") as fh:
            raw = fh.read()
    except OSError:
        return os.environ
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {os.fsdecode(name): os.fsdecode(value) for name, value in pairs}


_STARTED_ENVIRON = _started_environ()


def _mmap_threshold(environ: Mapping[str, str]) -> int:
    """The mmap threshold the environment set (glibc's default when it set none)."""
    value = environ.get("MALLOC_MMAP_THRESHOLD_") or _tunables(environ).get(
        "glibc.malloc.mmap_threshold")
    try:
        return int(value) if value else _GLIBC_MMAP_THRESHOLD
    except ValueError:  # glibc ignores what it cannot read
        return _GLIBC_MMAP_THRESHOLD


@contextlib.contextmanager
def padded_heap(environ: Mapping[str, str] | None = None) -> Iterator[bool]:
    """Serve chunk-sized arrays from a padded heap while the block inside runs.

    Only where glibc's thresholds were fixed by the environment (:func:`heap_thresholds_fixed`);
    elsewhere this does nothing. Nested and concurrent uses (threads of one worker) share one
    setting: the pad is set by the first to enter and set back by the last to leave.

    Parameters
    ----------
    environ : mapping, optional
        The environment to judge by (default: the one this process started with, which glibc
        read, not ``os.environ`` as changed since).

    Yields
    ------
    bool
        Whether the heap is padded.
    """
    global _running
    env = _STARTED_ENVIRON if environ is None else environ
    mallopt = _MALLOPT
    if mallopt is None or not heap_thresholds_fixed(env):
        yield False
        return
    with _lock:
        if _running == 0:
            mallopt(_M_MMAP_THRESHOLD, HEAP_PAD)
            mallopt(_M_TOP_PAD, HEAP_PAD)
        _running += 1
    try:
        yield True
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                mallopt(_M_TOP_PAD, _GLIBC_TOP_PAD)
                mallopt(_M_MMAP_THRESHOLD, _mmap_threshold(env))
