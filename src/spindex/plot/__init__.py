"""Figures of indices and their analyses (matplotlib, the optional ``plot`` extra).

Every function draws one figure of one spindex object and returns what it drew on: the
:class:`~matplotlib.axes.Axes` (or, for the small multiples of :func:`distributions`, the
:class:`~matplotlib.figure.Figure`), so that it can be restyled, saved or placed in a larger
figure. Pass ``ax=`` to draw into existing axes; otherwise a new figure of a size that suits
the data is made with :mod:`matplotlib.pyplot`. Nothing is shown: call ``plt.show()`` or
``fig.savefig(...)`` yourself.

========================  ==============================================================
function                  draws
========================  ==============================================================
:func:`ranking`           units by index score, bars split into the nodes' contributions
:func:`radar`             chosen units across the pillars (a radar chart)
:func:`rank_uncertainty`  nominal and median rank with 5th-95th percentile bars
:func:`sobol`             first- and total-order Sobol indices with bootstrap intervals
:func:`correlations`      a correlation heatmap
:func:`framework`         the indicator tree with its weights (a tree or a sunburst)
:func:`distributions`     indicator values before and after outlier treatment
:func:`coverage`          a map of the missing values (units x indicators)
:func:`smaa`              SMAA rank acceptability as stacked bars
:func:`dominance`         the score gap of two units as one weight moves, and the flips
:func:`importance`        importance (correlation ratio) next to the nominal weights
:func:`removal`           rank shifts when each node is removed in turn
:func:`trends`            a panel's scores and ranks of chosen units over the periods
:func:`bump`              a panel's ranks by period, a bump chart
:func:`normalisation`     per-period vs pooled normalisation of a panel, side by side
========================  ==============================================================

Every function takes ``title=`` (``""`` for none) and ``labels="names"`` (the framework's
node names, wrapped and never cut, and the units' names) or ``labels="codes"``. Units are
named with :func:`naming` or ``unit_names=``; levels are called "indicators", "pillars",
"sub-indices" and "index" unless :func:`naming` says otherwise. Figures of analyses, which
keep only node codes, take ``framework=`` for the names.

Every unit keeps one colour in every figure of a session, taken in turn from Okabe and
Ito's colour-blind-safe scheme (:data:`OKABE_ITO`); every node keeps one from Paul Tol's
"muted" scheme (:data:`PALETTE`); :func:`palette` fixes or changes them. ``viridis`` colours
sequences (discrete SMAA ranks) and ``RdBu`` correlations. Importing this module does not
import matplotlib; calling a function without it raises :class:`MissingDependencyError`.

Examples
--------
>>> import spindex as sp
>>> from spindex import plot
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> ax = plot.ranking(res, top=10)
>>> ax.get_title()
'Sustainable Connectivity: ranking and contributions'
>>> ax.figure.savefig("ranking.png")  # doctest: +SKIP
"""

from __future__ import annotations

from spindex.errors import MissingDependencyError
from spindex.plot._common import (
    OKABE_ITO,
    PALETTE,
    _default_level,
    _detached_figures,
    _figure_of,
    _require_matplotlib,
    naming,
    palette,
)
from spindex.plot.decision import dominance, smaa
from spindex.plot.panel import bump, normalisation, trends
from spindex.plot.ranking import radar, ranking
from spindex.plot.structure import correlations, coverage, distributions, framework
from spindex.plot.uncertainty import importance, rank_uncertainty, removal, sobol

# The report draws through these private helpers; they stay reachable as spindex.plot._x.
_REPORT_HELPERS = (_default_level, _detached_figures, _figure_of, _require_matplotlib)

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "MissingDependencyError",
    "bump",
    "correlations",
    "coverage",
    "distributions",
    "dominance",
    "framework",
    "importance",
    "naming",
    "normalisation",
    "palette",
    "radar",
    "rank_uncertainty",
    "ranking",
    "removal",
    "smaa",
    "sobol",
    "trends",
]
