"""The soft-power application built on spindex: framework, ASEAN data, demo.

Soft power is exerted by a *source* country on a *target* (China on Indonesia, Japan on
ASEAN). This subpackage holds everything specific to that question, on top of the
generic library (which never imports it, except the lazy dispatch of
``spindex.datasets.load("asean")`` and the re-exports of ``spindex``):

:mod:`spindex.softpower.framework`
    the five pillars, the indicator catalogue, the default framework and model;
:mod:`spindex.softpower.coverage`
    what a long soft-power table holds, per pillar, source and year;
:mod:`spindex.softpower.asean`
    the ``"asean"`` dataset (recent years and the 2009-2011 founding period),
    read through :func:`spindex.datasets.load`;
:mod:`spindex.softpower.over_time`
    the values that have years as lines of one instrument each: panels, trends, figures
    (also ``datasets.load_panel("asean")``);
:mod:`spindex.softpower.build`
    the build that regenerates the shipped ASEAN tables from ``data-raw/softpower/``;
:mod:`spindex.softpower.demo`
    ``make demo`` / ``spindex demo``.

Dyadic aggregation (:func:`spindex.aggregate_dyadic`, :func:`spindex.per_target`) is
generic (any source -> target data) and stays in the library.
"""

from __future__ import annotations

from spindex.softpower import over_time
from spindex.softpower.coverage import coverage, pillar_of
from spindex.softpower.framework import (
    PILLARS,
    ROOT,
    soft_power_catalogue,
    soft_power_framework,
    soft_power_model,
)

__all__ = [
    "PILLARS",
    "ROOT",
    "coverage",
    "over_time",
    "pillar_of",
    "soft_power_catalogue",
    "soft_power_framework",
    "soft_power_model",
]
