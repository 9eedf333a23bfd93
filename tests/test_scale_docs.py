"""The sink example of docs/scale.md runs as written and writes what the analysis says."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "scale.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_sink_example_runs(tmp_path, monkeypatch, capsys) -> None:
    (block,) = [b for b in _blocks() if "RunSink" in b]
    monkeypatch.chdir(tmp_path)  # the example writes asem-runs.npy where it runs
    namespace: dict[str, object] = {}
    exec(compile(block, str(PAGE), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "['R_S', 'score:DEU', 'rank:DEU', 'score:JPN', 'rank:JPN']" in printed
    runs = namespace["runs"]
    assert isinstance(runs, pd.DataFrame) and len(runs) == 20_000
    ua = namespace["ua"]
    np.testing.assert_allclose(runs["R_S"].mean(), ua.mean_rank_shift, rtol=1e-12)
    assert (tmp_path / "asem-runs.npy").exists()


def test_the_cluster_example_names_its_settings() -> None:
    (block,) = [b for b in _blocks() if "Client(" in b]
    for needed in ("tcp://", "wait_for_workers", "block_size=", "executor=client.get_executor()"):
        assert needed in block
    pytest.importorskip("distributed")
    compile(block, str(PAGE), "exec")  # valid Python, though it needs a real scheduler


def test_the_relaxed_monitors_are_dask_settings_that_exist(monkeypatch) -> None:
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    from dask.utils import parse_timedelta

    (block,) = [b for b in _blocks() if "profile.enabled" in b]
    asked: list[dict] = []
    monkeypatch.setattr(dask.config, "set", lambda settings: asked.append(settings))
    exec(compile(textwrap.dedent(block), str(PAGE), "exec"), {})  # it sits in a list item
    (settings,) = asked
    assert len(settings) == 4
    for key, value in settings.items():
        default = dask.config.get(key)  # a KeyError is a misspelt or retired setting
        if isinstance(value, str):
            # Intervals, each longer than dask's default.
            assert parse_timedelta(value) > parse_timedelta(default), key
        else:
            assert value is False and default is True, key
