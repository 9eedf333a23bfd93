"""Shared fixtures (the hypothesis profiles are in the repository's top-level conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import spindex as sp


@pytest.fixture(scope="session")
def asem_data() -> pd.DataFrame:
    """COINr's ASEM iData, indexed by uCode."""
    return sp.datasets.load("asem")


@pytest.fixture(scope="session")
def asem_framework() -> sp.Framework:
    """The ASEM framework built from COINr's iMeta table as it is."""
    return sp.Framework.from_table(sp.datasets.load_framework("asem"))
