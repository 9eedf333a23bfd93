"""Shared fixtures and the hypothesis profiles (``ci`` is used when the CI variable is set)."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

import spindex as sp

settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def asem_data() -> pd.DataFrame:
    """COINr's ASEM iData, indexed by uCode."""
    return sp.datasets.load("asem")


@pytest.fixture(scope="session")
def asem_framework() -> sp.Framework:
    """The ASEM framework built from COINr's iMeta table as it is."""
    return sp.Framework.from_table(sp.datasets.load_framework("asem"))
