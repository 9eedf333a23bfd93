"""Hypothesis profiles for every test and doctest of the repository, and the order in which
pytest runs (and pytest-xdist hands out) the tests: long ones first.

``ci`` is used when the CI variable is set, ``dev`` otherwise; ``HYPOTHESIS_PROFILE`` names one
explicitly (``make test-deep`` uses ``deep``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# ci: the same examples on every machine, whatever runs beside a test and in whatever order
# (derandomize, no example database), so a landing cannot pass or fail by chance; every
# counterexample found is pinned in its test with @example.
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# deep (`make test-deep`): fresh random examples every run, many more of them, to find new
# counterexamples; whatever it finds is pinned before it lands.
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    derandomize=False,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile("dev", max_examples=60, deadline=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def _runs_long(item: pytest.Item) -> bool:
    """A hypothesis property (hundreds of examples under ``ci``) or a test marked slow."""
    if item.get_closest_marker("slow") is not None:
        return True
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first, then the rest in their usual order (a stable sort).

    ``make pytest`` runs pytest-xdist with ``--dist worksteal``: each worker starts on its half
    of this order, and a worker that runs out steals the second half of the other's queue.
    Long tests first means they run early, while hundreds of short ones remain to even out
    the load, instead of one worker ending the run alone on a 300-example property. (Under
    xdist's default ``--dist load`` the first worker's first batch, a quarter of its share,
    would hold every long test, and no other worker could take them.) The order does not
    change any outcome (the ``ci`` profile is derandomised and keeps no example database).
    """
    items.sort(key=lambda item: not _runs_long(item))
