"""The built-in soft-power index: five pillars, a documented indicator catalogue, default weights.

Soft power is exerted by a *source* country on a *target* (China on Indonesia, Japan
on ASEAN). The framework scores sources toward one target region; its indicators are
the resources and results the soft-power literature names most often, grouped in
five pillars:

``aid``
    official development finance and contributions to the region's own funds;
``economic``
    economic networking: trade and direct investment;
``tourism``
    visitors from the source in the target;
``culture``
    language and cultural institutes, students hosted, volunteers and teachers
    sent, scholarships;
``opinion``
    how the target's public sees the source: trust, favourability, reliability,
    importance as a partner.

Each indicator has a rule telling :func:`spindex.dyadic.aggregate_dyadic` how
values for single targets (China -> Thailand, China -> Viet Nam, ...) add up to
the region: ``"sum"`` for flows and counts, ``"mean"`` (weighted by target
population when weights are given) for poll shares.

Default weights are equal at both levels: each pillar counts 1/5 of the index and
each indicator an equal share of its pillar. No pillar has a better claim than the
others in the literature the catalogue draws on, and equal weights are the neutral
starting point that :func:`spindex.uncertainty` and :func:`spindex.dominance` then
stress-test. The framework also stores a named weight set ``"opinion_half"`` for
users who read public opinion as the *outcome* of the other four pillars (the
resources): opinion weighs as much as the four resource pillars together.

See ``docs/soft-power.md`` for the reasoning and how the framework relates to the
Lowy Institute Asia Power Index, the Soft Power 30 and Brand Finance's Global Soft
Power Index.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from spindex.framework import Framework
from spindex.methods import FractionOfMax
from spindex.model import CompositeIndex

__all__ = ["PILLARS", "soft_power_catalogue", "soft_power_framework", "soft_power_model"]

ROOT = "soft_power"

#: Pillar codes in framework order, with their names.
PILLARS: dict[str, str] = {
    "aid": "Aid",
    "economic": "Economic networking (trade and investment)",
    "tourism": "Tourism",
    "culture": "Culture (institutes, students, volunteers, scholarships)",
    "opinion": "Public opinion",
}

# code, pillar, name, unit, aggregation rule, signed (may be negative), measures, typical sources
_CATALOGUE: tuple[tuple[str, str, str, str, str, bool, str, str], ...] = (
    ("aid_oda", "aid", "Official development finance", "USD million", "sum", False,
     "Grants and concessional loans disbursed by the source's official agencies to the "
     "target in the year.",
     "OECD DAC Table 2a / CRS; Lowy Institute Southeast Asia Aid Map; AidData (China)"),
    ("aid_regional", "aid", "Contributions to regional funds", "USD million", "sum", False,
     "Money the source puts into the target region's own institutions and funds (for ASEAN: "
     "ASEAN Development Fund, Japan-ASEAN Integration Fund, ...) in the year.",
     "ASEAN Secretariat; donor foreign-ministry releases"),
    ("eco_trade", "economic", "Merchandise trade", "USD billion", "sum", False,
     "Exports plus imports of goods between source and target in the year.",
     "ASEANstats trade database; UN Comtrade; national customs"),
    ("eco_fdi", "economic", "Net FDI inflows", "USD million", "sum", True,
     "Net direct investment flowing from the source into the target in the year (equity, "
     "reinvested earnings and intra-company loans net of disinvestment; may be negative).",
     "ASEANstats FDI database; ASEAN Investment Report; UNCTAD bilateral FDI statistics"),
    ("tour_arrivals", "tourism", "Visitor arrivals", "persons", "sum", False,
     "International visitor arrivals in the target by nationality (or residence) of the "
     "source in the year.",
     "National tourism authorities; ASEANstats tourism; UN Tourism (UNWTO)"),
    ("cult_institutes", "culture", "Cultural and language institutes", "count", "sum", False,
     "Institutes the source's government runs or funds in the target (Confucius Institutes, "
     "Japan Foundation, King Sejong Institutes, American Centers, ...) at the end of the year.",
     "Operators' reports (CLEC/Hanban, Japan Foundation, King Sejong Institute Foundation); "
     "AidData China Public Diplomacy dataset"),
    ("cult_students", "culture", "Students hosted", "persons", "sum", False,
     "Students from the target enrolled in the source's higher education (and language "
     "schools, where the host counts them) in the year.",
     "UNESCO UIS; JASSO (Japan); IIE Open Doors (USA); China MoE via AidData"),
    ("cult_volunteers", "culture", "Volunteers and teachers sent", "persons", "sum", False,
     "Volunteers and language teachers the source sends to the target (Peace Corps, JOCV, "
     "Chinese volunteer teachers, ...) in the year.",
     "Peace Corps; JICA; CLEC/Hanban"),
    ("cult_scholarships", "culture", "Government scholarships", "persons", "sum", False,
     "Government scholarships the source awards to nationals of the target in the year.",
     "MEXT; Fulbright; Chinese Government Scholarship; Australia Awards"),
    ("op_trust", "opinion", "Trust in the source", "percent", "mean", False,
     "Share of respondents who trust the source or are confident it will 'do the right "
     "thing' (ISEAS: for global peace, security, prosperity and governance).",
     "ISEAS-Yusof Ishak Institute, State of Southeast Asia survey; national polls"),
    ("op_favourable", "opinion", "Favourable view of the source", "percent", "mean", False,
     "Share of respondents with a very or somewhat favourable opinion of the source.",
     "Pew Research Center Global Attitudes survey; Asian Barometer"),
    ("op_reliable", "opinion", "Most reliable partner", "percent", "mean", False,
     "Share of respondents naming the source the single most reliable country of a fixed "
     "list (one answer, so the shares of the listed countries sum to 100).",
     "MOFA Japan opinion polls in ASEAN countries"),
    ("op_partner", "opinion", "Important partner", "percent", "mean", False,
     "Share of respondents naming the source an important current partner of the target "
     "(several answers allowed).",
     "MOFA Japan opinion polls in ASEAN countries; ISEAS survey"),
)


def soft_power_catalogue() -> pd.DataFrame:
    """The indicator catalogue of the soft-power framework.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, indexed by ``code``, with columns ``pillar``,
        ``name``, ``unit``, ``direction`` (+1: more is better, for every
        indicator), ``aggregation`` (``"sum"`` for flows and counts, ``"mean"``
        for poll shares: how single-target values add up to a region, see
        :func:`spindex.dyadic.aggregate_dyadic`), ``signed`` (whether a value
        may be negative: net flows), ``measures`` and ``typical_sources``.

    Examples
    --------
    >>> from spindex.softpower import soft_power_catalogue
    >>> cat = soft_power_catalogue()
    >>> cat.groupby("pillar", sort=False).size().to_dict()
    {'aid': 2, 'economic': 2, 'tourism': 1, 'culture': 4, 'opinion': 4}
    >>> cat.loc["op_trust", ["unit", "aggregation"]].tolist()
    ['percent', 'mean']
    """
    columns = ["code", "pillar", "name", "unit", "aggregation", "signed", "measures",
               "typical_sources"]
    table = pd.DataFrame.from_records(list(_CATALOGUE), columns=columns).set_index("code")
    table.insert(3, "direction", 1)
    return table


def soft_power_framework() -> Framework:
    """The built-in soft-power framework: five pillars, thirteen indicators, equal weights.

    The root is ``"soft_power"``; the pillars are :data:`PILLARS`; the indicators
    and their metadata (``unit``, ``aggregation``, ``signed``, ``measures``,
    ``typical_sources``, available through :meth:`Framework.attribute`) are those
    of :func:`soft_power_catalogue`. Every weight is 1, so each pillar counts 1/5
    and each indicator an equal share of its pillar. A second weight set,
    ``"opinion_half"``, gives the opinion pillar weight 4 against 1 for each other
    pillar (half of the index), for readers who treat opinion as the outcome of
    the four resource pillars.

    Returns
    -------
    Framework
        Take it as it is, or change it: :meth:`Framework.with_weights`,
        :meth:`Framework.drop`, :meth:`Framework.add`,
        :meth:`Framework.use_weight_set`.

    Examples
    --------
    >>> from spindex.softpower import soft_power_framework
    >>> fw = soft_power_framework()
    >>> fw.children("soft_power")
    ('aid', 'economic', 'tourism', 'culture', 'opinion')
    >>> fw.effective_weights(2).round(3).to_dict()
    {'aid': 0.2, 'economic': 0.2, 'tourism': 0.2, 'culture': 0.2, 'opinion': 0.2}
    >>> fw.use_weight_set("opinion_half").effective_weights(2)["opinion"]
    np.float64(0.5)

    Changing weights and indicators:

    >>> fw2 = fw.with_weights({"opinion": 2}).drop("aid")
    >>> round(float(fw2.effective_weights(2)["opinion"]), 3)
    0.4
    >>> fw3 = fw.add("cult_media", "culture", name="Media reach", unit="audience")
    >>> len(fw3.children("culture"))
    5
    """
    indicators = soft_power_catalogue().rename(columns={"pillar": "parent"}).reset_index()
    pillars = pd.DataFrame({"code": list(PILLARS), "parent": ROOT, "name": list(PILLARS.values())})
    root = pd.DataFrame({"code": [ROOT], "parent": [None], "name": ["Soft power index"]})
    table = pd.concat([root, pillars, indicators], ignore_index=True)
    table["weight"] = 1.0
    fw = Framework.from_table(table)
    return fw.with_weight_set("opinion_half", {"opinion": 4.0}, level=2)


def soft_power_model(framework: Framework | None = None, **options: Any) -> CompositeIndex:
    """The default model for soft-power data: fraction of the best source, arithmetic means.

    Every catalogue indicator is a ratio-scale quantity with a natural zero
    (dollars, persons, counts, shares of respondents), so each value is divided
    by the best source's value: a source with half the leader's trade scores 0.5.
    Min-max would stretch small gaps between the few observed sources to the
    whole [0, 100] range (with three sources observed, the third scores 0
    however close it is), and its zero would depend on which sources happen to
    have data.

    Parameters
    ----------
    framework : Framework, optional
        Default :func:`soft_power_framework`; pass a modified one (for the
        bundled ASEAN data: ``Framework.from_table(datasets.load_framework("asean"))``).
    **options
        Any other :class:`~spindex.model.CompositeIndex` parameter
        (``min_coverage``, ``impute``, ``normalize`` to override, ...).

    Returns
    -------
    CompositeIndex

    Examples
    --------
    >>> import spindex as sp
    >>> from spindex.softpower import soft_power_model
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    >>> res = soft_power_model(fw).score(sp.datasets.load("asean"))
    >>> res.ranks["soft_power"].sort_values().index[:2].tolist()
    ['JPN', 'CHN']
    """
    options.setdefault("normalize", FractionOfMax())
    options.setdefault("aggregate", "arithmetic")
    return CompositeIndex(framework if framework is not None else soft_power_framework(),
                          **options)
