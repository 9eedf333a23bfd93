"""Per-run records streamed to a file or an array the user gives, block by block in run order.

An analysis keeps memory flat in ``n`` (by default, ``keep_inputs=False``) and can still
hand every run's sampled inputs, and the scores and ranks of the units the user selects, to
a *sink*: one record per run, written as each chunk of runs is reduced, in run order, so
that the sink ends up holding exactly what ``keep_inputs=True`` (and ``keep_runs=True`` for
those units) would have held in memory, whatever the block size and the executor.

The records are a numpy structured array of one row per run, so that one file (or one
array-like) holds columns of different types under their names:

* ``"w:<node>"`` (float64): the raw sampled weight of each varying node, as ``ua.inputs``;
* ``"<switch>"`` (int64): the alternative chosen for each discrete input, as the position in
  its list of alternatives (the codes of the categorical column of ``ua.inputs``);
* ``"R_S"`` (float64): the run's mean absolute rank shift, as ``ua.rank_shift``;
* ``"score:<unit>"`` and ``"rank:<unit>"`` (float64) for each selected unit: its index score
  and rank in the run, NaN where the unit has none (as ``ua.runs_scores`` and
  ``ua.runs_ranks``, whose missing ranks are ``<NA>``).

Why ``.npy`` for paths: it is numpy's own format, written through
:func:`numpy.lib.format.open_memmap` without any dependency, read back with
:func:`numpy.load` (``mmap_mode="r"`` reads a 10^8-run file without loading it), and
``pandas.DataFrame(np.load(path))`` gives the table with its column names. Parquet would
need pyarrow, and npz cannot be written a block at a time.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from spindex.analysis._runs import _shown
from spindex.errors import ParameterError, ParameterTypeError

__all__ = ["RunSink"]


def _is_path(target: Any) -> bool:
    return isinstance(target, (str, os.PathLike))


def _is_array_like(target: Any) -> bool:
    return (hasattr(target, "__setitem__") and hasattr(target, "shape")
            and hasattr(target, "dtype"))


@dataclass(frozen=True, eq=False)  # its target may be an array: no element-wise ==
class RunSink:
    """Where an analysis streams its per-run records: a ``.npy`` file or an array-like.

    Pass it as ``sink=`` to :func:`~spindex.uncertainty` (a bare path or array-like is taken
    as ``RunSink(target)``). Every run's sampled inputs and R_S, and the score and rank of
    each unit in ``units``, are written as one record per run, in run order, chunk by chunk:
    memory stays flat in ``n`` and the sink holds the same bits as ``keep_inputs=True``
    (and ``keep_runs=True`` for those units) would in memory, for any ``block_size`` and
    executor. The record fields are described in :mod:`spindex.analysis.sinks`;
    :meth:`dtype` gives them for a given analysis.

    Parameters
    ----------
    target : str, os.PathLike or array-like
        A path ending in ``.npy``: the records are written to a structured ``.npy`` file
        (through a temporary file next to it, renamed when the run ends, so a failed run
        leaves no partial file). Or any object with ``shape``, ``dtype`` and array
        ``__setitem__`` (a numpy array or memmap, a zarr array, an h5py dataset) of shape
        ``(n,)`` and exactly the structured dtype of :meth:`dtype`. If the run fails, an
        array-like keeps the records written so far (runs ``0`` to the last chunk reduced).
    units : sequence of unit labels, optional
        Units whose per-run score and rank are written (default: none). Keep it short:
        each unit adds 16 bytes per run.
    overwrite : bool, default False
        Replace an existing file at ``target``; without it an existing file is refused.

    Raises
    ------
    ParameterTypeError
        If ``target`` is neither a path nor an array-like, ``units`` is not a sequence of
        labels or ``overwrite`` is not a bool.
    ParameterError
        If a path does not end in ``.npy`` or ``units`` names a unit twice. The path itself
        (its folder, an existing file) and the unit labels are checked by the analysis
        before any run, as they depend on its data.

    Examples
    --------
    >>> import numpy as np
    >>> import spindex as sp
    >>> data = sp.datasets.load("asem")
    >>> model = sp.CompositeIndex(sp.Framework.from_table(sp.datasets.load_framework("asem")),
    ...                           normalize=sp.MinMax(1, 100))
    >>> kwargs = {"weights": sp.WeightNoise(0.25, levels=[2]), "n": 1000, "seed": 1}
    >>> runs = np.empty(1000, dtype=sp.RunSink.dtype(model, data, units=["DEU"], **kwargs))
    >>> ua = sp.uncertainty(model, data, sink=sp.RunSink(runs, units=["DEU"]), **kwargs)
    >>> runs.dtype.names[-3:]
    ('R_S', 'score:DEU', 'rank:DEU')
    >>> bool(np.isclose(runs["R_S"].mean(), ua.mean_rank_shift))
    True
    """

    target: Any
    units: Sequence[Hashable] = ()
    overwrite: bool = False

    def __post_init__(self) -> None:
        if not (_is_path(self.target) or _is_array_like(self.target)):
            raise ParameterTypeError(
                "The 'sink' parameter must be a path ending in '.npy', an array-like with "
                "shape, dtype and __setitem__ (numpy array or memmap, zarr array, h5py "
                f"dataset) or a RunSink. Got {_shown(self.target)} "
                f"({type(self.target).__name__}) instead."
            )
        if _is_path(self.target) and not os.fspath(self.target).endswith(".npy"):
            raise ParameterError(
                f"The 'sink' parameter names the file {os.fspath(self.target)!r}, but a sink "
                "file is written in numpy's .npy format: give a path ending in '.npy'."
            )
        if isinstance(self.units, (str, bytes)) or not isinstance(self.units, Sequence):
            raise ParameterTypeError(
                "The 'units' of the sink must be a list of unit labels. Got "
                f"{_shown(self.units)} ({type(self.units).__name__}) instead; for one unit, "
                "write units=[label]."
            )
        labels = [str(u) for u in self.units]
        if len(set(labels)) != len(labels):
            twice = next(u for u in labels if labels.count(u) > 1)
            raise ParameterError(
                f"The 'units' of the sink name the unit {twice!r} twice: name each unit once."
            )
        if not isinstance(self.overwrite, (bool, np.bool_)):
            raise ParameterTypeError(
                f"The 'overwrite' parameter of the sink must be True or False. Got "
                f"{_shown(self.overwrite)} instead."
            )

    @staticmethod
    def dtype(model: Any, data: Any, *, units: Sequence[Hashable] = (),
              **analysis: Any) -> np.dtype:
        """The structured dtype of the records an uncertainty analysis writes to a sink.

        Parameters
        ----------
        model : CompositeIndex
            The analysed model.
        data : pandas.DataFrame
            Its data (data-source inputs of ``choices=`` read it).
        units : sequence of unit labels, optional
            The units of the sink.
        **analysis
            The keywords given to :func:`~spindex.uncertainty`: ``weights`` (default 0.25),
            ``choices`` and the switches; the others (``n``, ``seed``, ...) are ignored, so
            the same ``**kwargs`` can be passed to both.

        Returns
        -------
        numpy.dtype
            Fields ``"w:<node>"`` (float64) per varying node, one per switch (int64),
            ``"R_S"`` (float64), and ``"score:<unit>"``, ``"rank:<unit>"`` (float64) per
            unit, in that order.

        Examples
        --------
        >>> import spindex as sp
        >>> data = sp.datasets.load("asem")
        >>> model = sp.CompositeIndex(
        ...     sp.Framework.from_table(sp.datasets.load_framework("asem")))
        >>> sp.RunSink.dtype(model, data, weights=None,
        ...                  aggregate=["arithmetic", "geometric"]).names
        ('aggregate', 'R_S')
        """
        from spindex.analysis._variants import SwitchSet
        from spindex.analysis.sampling import as_sampler

        for ignored in _NOT_SWITCHES:
            analysis.pop(ignored, None)
        sampler = as_sampler(analysis.pop("weights", 0.25))
        choices = analysis.pop("choices", None)
        switch_set = SwitchSet.build(model, analysis, choices, data, "RunSink.dtype")
        varying = sampler.varying(model.framework) if sampler is not None else ()
        return record_dtype(varying, [s.parameter for s in switch_set.switches], units)


#: Keywords of the analyses that are not switches (ignored by RunSink.dtype).
_NOT_SWITCHES = ("n", "seed", "executor", "block_size", "progress", "keep_runs", "keep_inputs",
                 "rank_bin_width", "sink")


def record_dtype(varying: Sequence[str], switches: Sequence[str],
                 units: Sequence[Hashable]) -> np.dtype:
    """The structured dtype of one run's record (see the module docstring)."""
    fields: list[tuple[str, Any]] = [(f"w:{c}", np.float64) for c in varying]
    fields += [(str(s), np.int64) for s in switches]
    fields.append(("R_S", np.float64))
    for u in units:
        fields += [(f"score:{u}", np.float64), (f"rank:{u}", np.float64)]
    names = [name for name, _ in fields]
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise ParameterError(
            f"The records of the 'sink' would have two columns named {twice!r} (a switch and "
            "a sampled weight, or two units with the same label as text): rename one of them."
        )
    return np.dtype(fields)


def as_sink(sink: Any) -> RunSink | None:
    """``None``, or the user's sink as a :class:`RunSink`."""
    if sink is None or isinstance(sink, RunSink):
        return sink
    return RunSink(sink)


def sink_unit_positions(sink: RunSink, units: Iterable[Hashable], owner: str) -> np.ndarray:
    """Positions in ``units`` of the sink's units, matched by label (1 is not "1").

    Raises
    ------
    ParameterError
        If a sink unit is not among ``units``; the message says when only its text matches
        (a number given as text, or the other way round).
    """
    index = pd.Index(list(units))
    positions = []
    for u in sink.units:
        try:
            at = index.get_loc(u)
        except (KeyError, TypeError):
            at = None
        if not isinstance(at, (int, np.integer)):
            alike = [v for v in index if str(v) == str(u)]
            hint = (f" The data have {alike[0]!r} ({type(alike[0]).__name__}), the sink names "
                    f"{u!r} ({type(u).__name__}): write the label as the data's index has it."
                    if alike else " Give labels of the data's index.")
            raise ParameterError(
                f"The 'units' of the sink of {owner} name {u!r}, which is not a unit of the "
                f"data (after screening).{hint}"
            )
        positions.append(int(at))
    return np.array(positions, dtype=np.int64)


def check_sink(sink: RunSink, n: int, dtype: np.dtype, units: Iterable[Hashable],
               owner: str) -> None:
    """Refuse, before any run, a sink that cannot take the records of ``n`` runs."""
    sink_unit_positions(sink, units, owner)
    target = sink.target
    if _is_path(target):
        path = os.path.abspath(os.fspath(target))
        folder = os.path.dirname(path)
        if os.path.isdir(path):
            raise ParameterError(
                f"The 'sink' of {owner} is the folder {path!r}: give the path of a .npy file "
                "inside it."
            )
        if not os.path.isdir(folder):
            raise ParameterError(
                f"The 'sink' of {owner} is {path!r}, but its folder does not exist: create "
                f"{folder!r} first or choose another path."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ParameterError(
                f"The 'sink' of {owner} is {path!r}, but its folder cannot be written to: "
                "choose a path in a folder you can write."
            )
        if os.path.exists(path) and not sink.overwrite:
            raise ParameterError(
                f"The 'sink' of {owner} is {path!r}, which already exists: pass "
                f"sink=sp.RunSink({os.fspath(target)!r}, overwrite=True) to replace it, or "
                "choose another path."
            )
        return
    shape = tuple(getattr(target, "shape", ()))
    if shape != (n,):
        raise ParameterError(
            f"The 'sink' of {owner} must have shape ({n},), one record per run; it has shape "
            f"{shape}. Create it with shape ({n},) and dtype sp.RunSink.dtype(...)."
        )
    got = target.dtype
    try:
        same = np.dtype(got) == dtype
    except TypeError:
        same = False
    if not same:
        raise ParameterError(
            f"The 'sink' of {owner} must have the structured dtype of the records, {dtype!r}; "
            f"it has dtype {got!r}. Create it with dtype=sp.RunSink.dtype(model, data, ...) called "
            "with the analysis's own weights, switches and sink units."
        )
    flags = getattr(target, "flags", None)
    if flags is not None and not getattr(flags, "writeable", True):
        raise ParameterError(
            f"The 'sink' of {owner} is a read-only array: pass a writeable one (an np.memmap "
            "opened with mode 'w+' or 'r+', for example)."
        )


class SinkWriter:
    """Writes records to a checked sink, then finishes (renames the file) or aborts."""

    def __init__(self, sink: RunSink, n: int, dtype: np.dtype, owner: str) -> None:
        self._final: str | None = None
        self._temp: str | None = None
        self._overwrite = bool(sink.overwrite)
        self._owner = owner
        if _is_path(sink.target):
            final = os.path.abspath(os.fspath(sink.target))
            # Written beside the final file and renamed at the end: a failed run never
            # leaves a file that looks complete.
            temp = f"{final}.{uuid.uuid4().hex[:12]}.partial.npy"
            try:
                self._array: Any = np.lib.format.open_memmap(temp, mode="w+", dtype=dtype,
                                                             shape=(n,))
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise ParameterError(
                    f"The 'sink' of {owner} could not be created at {final!r}: {exc}. Choose "
                    "a path on a disk with room for "
                    f"{n * dtype.itemsize:,} bytes that you can write."
                ) from exc
            self._final, self._temp = final, temp
        else:
            self._array = sink.target
        self.dtype = dtype

    def write(self, start: int, record: np.ndarray) -> None:
        """Records of runs ``start`` to ``start + len(record) - 1``."""
        self._array[start:start + len(record)] = record

    def finish(self) -> None:
        """Flush; a file is renamed to its final path."""
        if self._temp is None or self._final is None:
            return
        self._array.flush()
        del self._array
        temp, final = self._temp, self._final
        if self._overwrite:
            os.replace(temp, final)
            self._temp = None
            return
        # Checked before the run, but a file may have appeared there since: a hard link
        # refuses to replace it (where links are not supported, an existence check does).
        try:
            os.link(temp, final)
        except FileExistsError:
            clash = True
        except OSError:
            clash = os.path.exists(final)
            if not clash:
                os.replace(temp, final)
        else:
            clash = False
            os.unlink(temp)
        self._temp = None
        if clash:
            raise ParameterError(
                f"The 'sink' of {self._owner} is {final!r}, a file created while the analysis "
                f"ran: it was left as it is, and the records of this run are in {temp!r}. "
                "Rename that file, or pass overwrite=True to replace the other one."
            )

    def abort(self) -> None:
        """Remove the temporary file of a run that did not finish."""
        if self._temp is None:
            return
        with contextlib.suppress(AttributeError):
            del self._array
        with contextlib.suppress(OSError):
            os.unlink(self._temp)
        self._temp = None
