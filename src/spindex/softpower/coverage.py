"""What a long soft-power table holds: values per pillar, source and year."""

from __future__ import annotations

import pandas as pd

from spindex.errors import DataError, SpindexTypeError
from spindex.softpower.framework import PILLARS

__all__ = ["coverage", "pillar_of"]

#: Indicator-code prefix -> pillar: every code of the catalogue and of the provenance
#: tables starts with one of these.
_PREFIX: dict[str, str] = {"aid_": "aid", "eco_": "economic", "tour_": "tourism",
                           "cult_": "culture", "op_": "opinion"}


def pillar_of(indicator: str) -> str:
    """The pillar an indicator code belongs to, from its prefix.

    Parameters
    ----------
    indicator : str
        A catalogue code (``"eco_trade"``) or a provenance code
        (``"aid_gcdf3_commit_oda_amount"``).

    Returns
    -------
    str
        One of :data:`PILLARS`.

    Raises
    ------
    DataError
        If the code starts with none of ``aid_``, ``eco_``, ``tour_``, ``cult_``, ``op_``.

    Examples
    --------
    >>> from spindex.softpower import pillar_of
    >>> pillar_of("aid_gcdf3_commit_oda_amount"), pillar_of("op_fav_pew")
    ('aid', 'opinion')
    """
    for prefix, pillar in _PREFIX.items():
        if str(indicator).startswith(prefix):
            return pillar
    raise DataError(
        f"The indicator {indicator!r} has no pillar: a soft-power indicator code must start "
        f"with one of {list(_PREFIX)}. Rename it or leave it out."
    )


def coverage(provenance: pd.DataFrame, *, region: str = "ASEAN") -> pd.DataFrame:
    """What a provenance table holds, per pillar, source and year.

    Parameters
    ----------
    provenance : pandas.DataFrame
        A long table with ``source``, ``target``, ``year``, ``indicator`` and
        ``value`` (for example ``datasets.load_provenance("asean")``). Rows
        without a value count for nothing.
    region : str, default "ASEAN"
        The target label of values published for the whole region.

    Returns
    -------
    pandas.DataFrame
        One row per (pillar, source, year) that has a value, in pillar order
        then source and year: ``values`` (rows), ``indicators`` (distinct
        codes), ``targets`` (distinct single targets with a value, the region
        label not counted) and ``regional`` (whether a value for the whole
        region exists). Pivot it for a pillar x source x year grid.

    Raises
    ------
    SpindexTypeError
        If ``provenance`` is not a DataFrame.
    DataError
        If a column is missing or an indicator has no pillar.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.softpower import coverage
    >>> t = pd.DataFrame({"source": ["CHN", "CHN", "JPN"], "target": ["THA", "VNM", "ASEAN"],
    ...                   "year": [2009, 2009, 2014],
    ...                   "indicator": ["tour_arrivals", "tour_arrivals", "op_most_reliable_mofa"],
    ...                   "value": [1.0, 2.0, 33.0]})
    >>> coverage(t)  # doctest: +NORMALIZE_WHITESPACE
        pillar source  year  values  indicators  targets  regional
    0  tourism    CHN  2009       2           1        2     False
    1  opinion    JPN  2014       1           1        0      True
    """
    if not isinstance(provenance, pd.DataFrame):
        raise SpindexTypeError(
            "The 'provenance' parameter of coverage must be a pandas DataFrame. Got "
            f"{type(provenance).__name__} instead.")
    needed = ["source", "target", "year", "indicator", "value"]
    missing = [c for c in needed if c not in provenance.columns]
    if missing:
        raise DataError(
            f"The provenance table given to coverage lacks the column(s) {missing}; it needs "
            f"{needed}.")
    rows = provenance.loc[provenance["value"].notna(), needed]
    pillars = pd.Series({i: pillar_of(i) for i in rows["indicator"].unique()}, dtype=object)
    rows = rows.assign(pillar=rows["indicator"].map(pillars),
                       member=rows["target"].where(rows["target"] != region),
                       regional=rows["target"] == region)
    table = rows.groupby(["pillar", "source", "year"]).agg(
        values=("value", "size"), indicators=("indicator", "nunique"),
        targets=("member", "nunique"), regional=("regional", "any")).reset_index()
    order = {p: i for i, p in enumerate(PILLARS)}
    table = table.sort_values(["pillar", "source", "year"],
                              key=lambda c: c.map(order) if c.name == "pillar" else c)
    return table.reset_index(drop=True).astype({"year": int})
