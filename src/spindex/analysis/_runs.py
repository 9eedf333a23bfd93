"""Checks of the run parameters every sampling analysis shares: seeds, counts, memory, executors.

One module, so that ``uncertainty``, ``sobol``, ``smaa``, ``dominance``, the samplers and the
panel variants accept exactly the same seeds and counts and word their refusals the same way.

Seeds
-----
A seed is ``None``, a non-negative integer (Python or numpy, at most 256 bits) or a
:class:`numpy.random.SeedSequence`. A :class:`numpy.random.Generator` is refused by the
analyses: drawing from it would change the caller's generator (a mutated input) and the run
could not be repeated from what the result records. ``None`` draws fresh entropy from the
operating system, and the result records that entropy, so every run can be repeated. Only the
samplers' ``draw`` methods, whose contract is to consume a generator, take one.
"""

from __future__ import annotations

import math
import os
import pickle
import sys
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np
import pandas as pd

from spindex.errors import (
    ParameterError,
    ParameterTypeError,
    SpindexError,
    SpindexTypeError,
)
from spindex.model import CompositeIndex

__all__ = [
    "ParameterTypeError",
    "check_count",
    "check_executor",
    "check_flag",
    "check_memory",
    "check_model",
    "check_model_and_data",
    "check_picklable",
    "check_seed",
    "child_sequence",
    "executor_failure",
    "memory_limit",
    "seed_record",
    "user_stacklevel",
]


#: Largest accepted integer seed: 256 bits is twice the entropy numpy draws for ``None``.
_SEED_BITS = 256

#: Share of the available memory one analysis may take for its results.
_MEMORY_SHARE = 0.8
#: Requests this small are never refused.
_ALWAYS_FITS = 64 * 1024**2
#: Used when the available memory cannot be read at all.
_FALLBACK_LIMIT = 2 * 1024**3


def _shown(value: Any) -> str:
    """A value for a message: its repr, shortened (a huge object must not flood the message)."""
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real problem
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 80 else text[:60] + f"... ({type(value).__name__})"


def check_seed(seed: Any, owner: str) -> np.random.SeedSequence:
    """The seed sequence of a run, from what the user gave as ``seed``.

    Parameters
    ----------
    seed : None, int or numpy.random.SeedSequence
        ``None`` draws fresh entropy (recorded by :func:`seed_record`).
    owner : str
        The public function, for the message.

    Returns
    -------
    numpy.random.SeedSequence
        The user's own sequence (never spawned from, so never changed) or a new one.

    Raises
    ------
    ParameterTypeError
        For a bool, float, str, Generator or any other type.
    ParameterError
        For a negative integer or one of more than 256 bits.
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        hint = ""
        if isinstance(seed, (np.random.Generator, np.random.BitGenerator,
                             np.random.RandomState)):
            hint = (" A Generator is refused: drawing from it would change your generator and "
                    "the run could not be repeated from the seed the result records.")
        raise ParameterTypeError(
            f"The 'seed' parameter of {owner} must be None, a non-negative integer or a "
            f"numpy.random.SeedSequence. Got {_shown(seed)} ({type(seed).__name__}) instead."
            + hint
        )
    value = int(seed)
    if value < 0 or value.bit_length() > _SEED_BITS:
        raise ParameterError(
            f"The 'seed' parameter of {owner} must be a non-negative integer below 2**"
            f"{_SEED_BITS}. Got {_shown(seed)} instead."
        )
    return np.random.SeedSequence(value)


def seed_record(seed: Any, sequence: np.random.SeedSequence) -> int | np.random.SeedSequence:
    """What a result records as its seed: passing it back as ``seed`` repeats the run.

    An integer seed, or the entropy drawn for ``None``, is recorded as an int; a user's
    :class:`~numpy.random.SeedSequence` (whose spawn key an int cannot carry) as itself.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return int(sequence.entropy)  # type: ignore[arg-type]


def child_sequence(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The stream ``key`` below ``root``, like ``root.spawn`` but without changing ``root``
    (so the same SeedSequence passed twice gives the same run)."""
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *key),
                                  pool_size=root.pool_size)


def check_flag(value: Any, name: str, owner: str) -> bool:
    """A boolean option: ``True`` or ``False`` (numpy bools too), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterTypeError(
            f"The '{name}' parameter of {owner} must be True or False. Got {_shown(value)} "
            "instead."
        )
    return bool(value)


def check_count(
    value: Any, name: str, owner: str, *, minimum: int = 1, maximum: int | None = None,
    what: str = "integer",
) -> int:
    """An integer parameter (Python or numpy int; a bool is refused) within its range.

    Raises
    ------
    ParameterTypeError
        If ``value`` is not an integer (a float such as ``1e4`` included: say ``10_000``).
    ParameterError
        If it is out of range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ParameterTypeError(
            f"The '{name}' parameter of {owner} must be an {what} >= {minimum}. Got "
            f"{_shown(value)} ({type(value).__name__}) instead."
        )
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be an {what} {bound}. Got {number} instead."
        )
    return number


def memory_limit() -> int:
    """Bytes one analysis may allocate for its results: a share of the available memory.

    Read from ``/proc/meminfo`` (MemAvailable) where there is one, else from
    ``os.sysconf``; a fixed 2 GiB when neither can be read.
    """
    available: int | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        available = None
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            available = None
    if not available or available <= 0:
        return _FALLBACK_LIMIT
    return int(available * _MEMORY_SHARE)


def _size(nbytes: float) -> str:
    units = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")
    power = min(len(units) - 1, int(math.log(max(nbytes, 1), 1024)))
    return f"{nbytes / 1024**power:.3g} {units[power]}"


def check_memory(
    needed: float, owner: str, detail: str, hint: str, *, limit: int | None = None
) -> None:
    """Refuse, before allocating, a run whose results would not fit in memory.

    Parameters
    ----------
    needed : float
        Bytes the results (and their transient copies) would take.
    owner : str
        The public function.
    detail : str
        What the bytes are, e.g. ``"n = 10**9 runs x 64 bytes of sampled inputs"``.
    hint : str
        How to stream instead.
    limit : int, optional
        Default :func:`memory_limit`.
    """
    if needed <= _ALWAYS_FITS and limit is None:
        return  # not worth reading the system's memory figures (samplers call this per chunk)
    cap = memory_limit() if limit is None else limit
    if needed > cap:
        raise ParameterError(
            f"{owner} would need {_size(needed)} ({int(needed):,} bytes) for {detail}, more than "
            f"the {_size(cap)} this machine can give it. {hint}"
        )


def check_executor(executor: Any, owner: str) -> Executor | None:
    """``None`` or a :class:`concurrent.futures.Executor`, refused up front otherwise."""
    if executor is None or isinstance(executor, Executor):
        return executor
    raise ParameterTypeError(
        f"The 'executor' parameter of {owner} must be None or a concurrent.futures.Executor "
        "(a ThreadPoolExecutor, a ProcessPoolExecutor, or client.get_executor() of a dask "
        f"client). Got {_shown(executor)} ({type(executor).__name__}) instead."
    )


def check_picklable(task: Any, executor: Executor | None, owner: str) -> bytes | None:
    """A process pool sends the model to its workers with pickle: check it can, up front.

    Returns the pickled task for a process pool (so that it is pickled once, and sent once
    to each worker), None for any other executor.
    """
    if not isinstance(executor, ProcessPoolExecutor):
        return None
    try:
        return pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise ParameterError(
            f"{owner} cannot send the model to the worker processes of the executor: "
            f"{_pickle_reason(exc)}. A process pool pickles the model, so every callable in it "
            "(normaliser, aggregator, imputer, ...) must be a module-level function or a "
            "picklable object, not a lambda or a local function. Use a module-level function, "
            "or a ThreadPoolExecutor (no pickling)."
        ) from exc


def _pickle_reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _is_pickling(exc: BaseException) -> bool:
    if isinstance(exc, pickle.PicklingError):
        return True
    return isinstance(exc, (AttributeError, TypeError)) and "pickle" in str(exc).lower()


def executor_failure(exc: BaseException, owner: str, block: int, runs: str,
                     last: int | None = None) -> SpindexError:
    """The error to raise when the executor, not the analysis, failed on a block.

    Parameters
    ----------
    exc : BaseException
        What the executor raised (from ``submit`` or from a future's ``result``).
    owner : str
        The public function.
    block : int
        Index of the block (the first of the task's blocks).
    runs : str
        Which runs the block (or the task) holds, for the message.
    last : int, optional
        Index of the task's last block, when it holds more than one.
    """
    blocks = f"block {block}" if last is None or last == block else f"blocks {block} to {last}"
    where = f"{blocks} ({runs})"
    if isinstance(exc, BrokenProcessPool) or type(exc).__name__ in ("BrokenExecutor",
                                                                    "BrokenThreadPool"):
        return ParameterError(
            f"The executor of {owner} broke while running {where}: a worker process died "
            f"({exc}). That happens when a worker is killed or runs out of memory. Pass a live "
            "executor (a new pool), a smaller block_size, or run without executor."
        )
    if _is_pickling(exc):
        return ParameterError(
            f"{owner} could not send {where} to the executor's workers: {_pickle_reason(exc)}. "
            "Every callable in the model (normaliser, aggregator, imputer, ...) must be a "
            "module-level function or a picklable object, not a lambda or a local function: "
            "use a module-level function, or a ThreadPoolExecutor."
        )
    if isinstance(exc, RuntimeError) and "shutdown" in str(exc).replace(" ", "").lower():
        return ParameterError(
            f"The executor of {owner} is shut down: it refused {where} ({exc}). Pass a live "
            "executor (one not yet shut down, e.g. used inside its 'with' block)."
        )
    return ParameterError(
        f"The executor of {owner} failed on {where}: {type(exc).__name__}: {exc}. Pass a live "
        "executor, or run without executor to see the error where it happens."
    )


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside spindex.

    An analysis may be called by the user or by another part of spindex (the command line,
    the report); the warning belongs to the user's line either way.
    """
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def check_model(model: Any, owner: str) -> CompositeIndex:
    """The model an analysis runs: a CompositeIndex, nothing else."""
    if not isinstance(model, CompositeIndex):
        raise SpindexTypeError(
            f"The 'model' parameter of {owner} must be a CompositeIndex. Got "
            f"{type(model).__name__} instead."
        )
    return model


def check_model_and_data(model: Any, data: Any, owner: str) -> tuple[CompositeIndex, pd.DataFrame]:
    """The model and the table it scores (a DataFrame; its contents are checked by scoring)."""
    model = check_model(model, owner)
    if not isinstance(data, pd.DataFrame):
        raise SpindexTypeError(
            f"The 'data' parameter of {owner} must be a pandas DataFrame. Got "
            f"{type(data).__name__} instead."
        )
    return model, data
