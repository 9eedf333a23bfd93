"""Dyadic data: values of a source toward a target, added up to one row per source.

Soft-power data are *dyadic*: Chinese tourists in Thailand, Japanese aid to Viet
Nam, Indonesian trust in the United States. A dyadic table is long, one value per
row, with the columns

``source``, ``target``, ``indicator``, ``value``
    required;
``year``
    optional (whole numbers); needed to choose years and for yearly exchange rates;
``currency``
    optional ISO 4217 code of a money value (``"JPY"``); empty for counts and shares.

Other columns (``unit``, ``note``, ...) are carried along and ignored. A row whose
value is missing (NaN) is no value: it is dropped before anything else.

:func:`aggregate_dyadic` turns such a table into one row per source toward a target
region (the input of :class:`~spindex.model.CompositeIndex`), with a rule per
indicator:

``"sum"``
    flows and counts (aid, trade, tourists, institutes): the sum over the targets
    that have a value. A missing target adds nothing, so the sum is a lower bound;
    the result says how many of the region's targets it covers (``coverage`` is
    the share of targets with a value) and ``min_coverage`` turns a sum over too
    few targets into a missing value.
``"mean"``
    shares of respondents (trust, favourability): the mean over the targets that
    have a value, weighted by ``weights`` (typically target population; equal
    weights without them). A missing target drops out and the weights of the others
    are renormalised to sum to 1; ``coverage`` is the share of the region's total
    weight behind the mean.

Rows whose target is the ``region`` label itself (``"ASEAN"``) are values already
published for the whole region (a regional trade total, a pooled poll). They are
used as they are, with coverage 1, and take precedence over member rows of the same
source, indicator and year, which would otherwise be counted twice. They are used
only when an indicator is aggregated over the whole region, never over a subset of
targets.

Money values in several currencies are converted to US dollars first (see
:func:`convert_currency`): the currency changes, not the scale, so 5,420 JPY million
becomes 52.4 USD million at 103.36 yen per dollar.

:func:`per_target` gives the other view: one table per target, sources x
indicators (who leads in Thailand?).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from spindex._io import read_csv_exact
from spindex._values import real_column, suggest
from spindex.errors import DataError, ParameterError, SpindexTypeError

__all__ = [
    "DyadicAggregate",
    "aggregate_dyadic",
    "convert_currency",
    "exchange_rates",
    "per_target",
]

REQUIRED = ("source", "target", "indicator", "value")
RULES = ("sum", "mean")
_DEFAULT = "default"
_NO_YEAR = -1  # internal stand-in when the table has no year column


def _preview(items: Sequence[object], limit: int = 6) -> str:
    items = list(items)
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def _catalogue() -> pd.DataFrame:
    # Imported here: softpower imports the model layer, which this module does not need.
    from spindex.softpower import soft_power_catalogue

    return soft_power_catalogue()


# --------------------------------------------------------------------------- exchange rates
def exchange_rates() -> pd.DataFrame:
    """The bundled exchange-rate table: yearly averages, with their source.

    Returns
    -------
    pandas.DataFrame
        Columns ``currency``, ``year``, ``units_per_usd`` (as published: yen per
        US dollar), ``usd_per_unit`` (its inverse, the factor applied) and
        ``source_ref`` (see ``datasets.load_provenance("asean")`` sources). It
        holds what the bundled ASEAN data need: the yen, 2005-2021, from the World
        Bank's official exchange rate series (IMF International Financial
        Statistics). Any other currency or year must be given through ``rates``.

    Examples
    --------
    >>> from spindex.dyadic import exchange_rates
    >>> r = exchange_rates()
    >>> r.loc[(r.currency == "JPY") & (r.year == 2008), "units_per_usd"].item()
    103.36
    """
    path = resources.files("spindex.datasets") / "data" / "asean_exchange_rates.csv"
    with path.open("rb") as fh:
        table = read_csv_exact(fh)
    table.insert(3, "usd_per_unit", 1.0 / table["units_per_usd"])
    return table


def _rate_table(rates: Any) -> pd.DataFrame:
    """User rates as a table ``currency, year, usd_per_unit`` (year NaN: every year)."""
    if rates is None:
        return pd.DataFrame({"currency": pd.Series(dtype=object),
                             "year": pd.Series(dtype=float),
                             "usd_per_unit": pd.Series(dtype=float)})
    if isinstance(rates, pd.DataFrame):
        table = rates.copy()
        if "usd_per_unit" not in table.columns:
            if "units_per_usd" not in table.columns:
                raise ParameterError(
                    "A rates table needs a 'currency' column and 'usd_per_unit' (US dollars per "
                    f"unit) or 'units_per_usd'; got columns {list(rates.columns)}."
                )
            per_usd = real_column(table["units_per_usd"], "The 'units_per_usd' column of rates",
                                  ParameterError, allow_inf=True)
            with np.errstate(divide="ignore"):
                table["usd_per_unit"] = 1.0 / per_usd
        if "currency" not in table.columns:
            raise ParameterError(
                f"A rates table needs a 'currency' column; got columns {list(rates.columns)}."
            )
        if "year" not in table.columns:
            table["year"] = np.nan
        table = table[["currency", "year", "usd_per_unit"]]
    elif isinstance(rates, Mapping):
        records = []
        for currency, rate in rates.items():
            if isinstance(rate, Mapping):
                records += [(currency, float(y), r) for y, r in rate.items()]
            else:
                records.append((currency, np.nan, rate))
        table = pd.DataFrame(records, columns=["currency", "year", "usd_per_unit"])
    else:
        raise SpindexTypeError(
            "rates must be a mapping {currency: US dollars per unit} (or {currency: {year: "
            f"rate}}) or a DataFrame; got {type(rates).__name__}."
        )
    table = table.reset_index(drop=True)

    def where(i: int) -> str:
        return f"for currency {table['currency'].iloc[i]!r}"

    # A complex, boolean or text rate is refused by the shared check, not coerced.
    values = real_column(table["usd_per_unit"], "The 'rates' parameter", ParameterError,
                         allow_inf=True, where=where)
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ParameterError(
            f"The exchange rate for {table['currency'].iloc[i]!r} must be a positive number of "
            f"US dollars per unit; got {table['usd_per_unit'].iloc[i]}."
        )
    table = table.assign(currency=table["currency"].astype(str).str.strip().str.upper(),
                         usd_per_unit=values)
    if table.duplicated(["currency", "year"]).any():
        dup = table[table.duplicated(["currency", "year"], keep=False)].iloc[0]
        raise ParameterError(f"The rates give {dup['currency']!r} twice for the same year.")
    return table


def _convert(rows: pd.DataFrame, rates: Any, has_year: bool) -> pd.DataFrame:
    """Convert money values to US dollars (rows already validated; 'currency' present)."""
    currency = rows["currency"].astype("string").str.strip().str.upper()
    currency = currency.mask(currency == "")
    money = (currency.notna() & (currency != "USD")).to_numpy(dtype=bool)
    out = rows.assign(currency=currency)
    if not money.any():
        return out
    user = _rate_table(rates)
    bundled = exchange_rates()[["currency", "year", "usd_per_unit"]].astype({"year": float})
    need = pd.DataFrame({"currency": currency[money].astype(object).to_numpy(),
                         "year": rows.loc[money, "year"].astype(float).to_numpy()})

    def lookup(rate_table: pd.DataFrame) -> pd.Series:
        return need.merge(rate_table, on=["currency", "year"], how="left")["usd_per_unit"]

    # Per row: the user's rate for that year, else the user's rate for every year, else the
    # bundled rate for that year.
    any_year = user[user["year"].isna()].set_index("currency")["usd_per_unit"]
    factor = (lookup(user.dropna(subset=["year"]))
              .fillna(need["currency"].map(any_year))
              .fillna(lookup(bundled)))
    if factor.isna().any():
        row = rows[money].iloc[int(np.argmax(factor.isna().to_numpy()))]
        year_txt = f" in {int(row['year'])}" if has_year else ""
        known = exchange_rates().groupby("currency")["year"].agg(["min", "max"])
        covered = "; ".join(f"{c} {lo}-{hi}" for c, lo, hi in known.itertuples())
        code = str(currency[money].iloc[int(np.argmax(factor.isna().to_numpy()))])
        raise DataError(
            f"No exchange rate for currency {code!r}{year_txt} (indicator "
            f"{row['indicator']!r}, source {row['source']!r}, target {row['target']!r}). Pass "
            f"rates={{{code!r}: <US dollars per unit>}}, or per year "
            f"rates={{{code!r}: {{year: rate}}}}. Bundled rates cover: {covered}."
        )
    out.loc[money, "value"] = rows.loc[money, "value"].to_numpy() * factor.to_numpy()
    if "unit" in out.columns:
        units = out["unit"].astype("string")
        for code in currency[money].unique():
            these = money & (currency == code).fillna(False).to_numpy(dtype=bool)
            units[these] = units[these].str.replace(str(code), "USD", regex=False)
        out["unit"] = units
    out.loc[money, "currency"] = "USD"
    return out


def convert_currency(table: pd.DataFrame, rates: Any = None) -> pd.DataFrame:
    """Convert the money values of a dyadic table to US dollars.

    Parameters
    ----------
    table : pandas.DataFrame
        A dyadic table with a ``currency`` column (ISO 4217 codes; empty for
        values that are not money, ``"USD"`` for dollars) and, for yearly rates,
        a ``year`` column.
    rates : mapping or DataFrame, optional
        US dollars per unit of each currency: ``{"JPY": 0.0091}`` for every year,
        ``{"JPY": {2008: 0.00967, 2012: 0.01253}}`` per year, or a table with
        ``currency``, optional ``year`` and ``usd_per_unit`` (or
        ``units_per_usd``). Per row, a rate for the row's year wins over a rate
        for every year, which wins over the bundled :func:`exchange_rates`.

    Returns
    -------
    pandas.DataFrame
        A copy with converted values, ``currency`` set to ``"USD"`` and, if there
        is a ``unit`` column, the currency code in it replaced by ``USD``. The
        scale is unchanged: JPY million become USD million.

    Raises
    ------
    DataError
        If a currency has no rate for a row's year (the message names the row and
        how to pass one), or the table is invalid (see :func:`aggregate_dyadic`).
    ParameterError
        For a rate that is not a positive number.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.dyadic import convert_currency
    >>> t = pd.DataFrame({"source": ["JPN", "JPN"], "target": ["KHM", "IDN"],
    ...                   "indicator": ["aid_oda"] * 2, "year": [2008, 2008],
    ...                   "value": [5420.0, 100.0], "currency": ["JPY", "USD"],
    ...                   "unit": ["JPY million", "USD million"]})
    >>> out = convert_currency(t)
    >>> out["value"].round(2).tolist(), out["unit"].tolist()
    ([52.44, 100.0], ['USD million', 'USD million'])
    >>> convert_currency(t, rates={"JPY": 0.01})["value"].tolist()
    [54.2, 100.0]
    """
    rows, has_year = _validate(table, "convert_currency")
    if "currency" not in rows.columns:
        raise DataError(
            "convert_currency needs a 'currency' column (ISO codes such as 'JPY'; empty for "
            f"values that are not money); the table has {list(table.columns)}."
        )
    out = _convert(rows, rates, has_year)
    if not has_year:
        out = out.drop(columns="year")
    return out


# --------------------------------------------------------------------------- validation
def _validate(table: pd.DataFrame, caller: str) -> tuple[pd.DataFrame, bool]:
    """Check the columns, labels, values and duplicates; return a clean copy and has_year."""
    if not isinstance(table, pd.DataFrame):
        raise SpindexTypeError(
            f"{caller} expects a pandas DataFrame with columns {list(REQUIRED)} (and optionally "
            f"'year', 'currency'); got {type(table).__name__}."
        )
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise DataError(
            f"The dyadic table has no column(s) {_preview(missing)}. A dyadic table needs one row "
            f"per value with columns {list(REQUIRED)} (and optionally 'year', 'currency'); got "
            f"{list(table.columns)}."
        )
    rows = table.copy()
    for col in ("source", "target", "indicator"):
        labels = rows[col]
        blank = labels.isna() | (labels.astype("string").str.strip() == "")
        if blank.any():
            i = int(np.argmax(blank.to_numpy()))
            raise DataError(
                f"Row {rows.index[i]!r} of the dyadic table has no {col}; every row needs a "
                "source, a target and an indicator."
            )
        rows[col] = labels.astype(str).str.strip()

    def locate(i: int) -> str:
        row = rows.iloc[i]
        return (f"for source {row['source']!r}, target {row['target']!r}, indicator "
                f"{row['indicator']!r} (row {rows.index[i]!r})")

    # The checks every table of values gets: real, finite numbers; <NA> is missing.
    rows["value"] = real_column(rows["value"], "The 'value' column of the dyadic table",
                                where=locate)
    has_year = "year" in rows.columns
    if has_year:
        years = pd.to_numeric(rows["year"], errors="coerce")
        fractional = years.notna() & (years != years.round())
        if (years.isna() & rows["year"].notna()).any() or fractional.any() or years.isna().any():
            i = int(np.argmax((years.isna() | fractional).to_numpy()))
            raise DataError(
                f"Row {rows.index[i]!r} of the dyadic table has year {rows['year'].iloc[i]}; "
                "years must be whole numbers (drop the 'year' column if there is none)."
            )
        rows["year"] = years.astype("int64")
    else:
        rows["year"] = _NO_YEAR
    key = ["source", "target", "indicator", "year"]
    dup = rows.duplicated(key, keep=False)
    if dup.any():
        first = rows[dup].iloc[0]
        where = f", year {int(first['year'])}" if has_year else ""
        raise DataError(
            f"The dyadic table has {int(dup.sum())} rows that repeat a (source, target, "
            f"indicator{', year' if has_year else ''}) key, e.g. source {first['source']!r}, "
            f"target {first['target']!r}, indicator {first['indicator']!r}{where}. Keep one value "
            "per key: drop the duplicates, or add them up first if they are parts of one value."
        )
    return rows[rows["value"].notna()], has_year


def _check_signs(rows: pd.DataFrame, signed: Sequence[str] | None) -> None:
    if signed is None:
        cat = _catalogue()
        allowed = set(cat.index[cat["signed"].astype(bool)])
    elif isinstance(signed, str):
        allowed = {signed}
    else:
        allowed = set(signed)
    negative = (rows["value"] < 0) & ~rows["indicator"].isin(allowed)
    if negative.any():
        row = rows[negative.to_numpy()].iloc[0]
        year = f", year {int(row['year'])}" if row["year"] != _NO_YEAR else ""
        raise DataError(
            f"Indicator {row['indicator']!r} has the negative value {float(row['value'])} (source "
            f"{row['source']!r}, target {row['target']!r}{year}). Counts, gross flows and shares "
            "cannot be negative: fix the value, or, if the indicator is a net flow, list it in "
            f"signed=[{row['indicator']!r}, ...]."
        )


def _per_indicator(spec: Any, indicators: Sequence[str], what: str) -> tuple[dict[str, Any], Any]:
    """Split a scalar-or-mapping option into per-indicator entries and a default."""
    if isinstance(spec, Mapping):
        if _DEFAULT in spec and _DEFAULT in indicators:
            raise ParameterError(
                f"The {what!r} mapping has the key {_DEFAULT!r}, but the table also has an "
                f"indicator coded {_DEFAULT!r}, so the key is ambiguous. Give every indicator "
                "its own entry, or rename that indicator."
            )
        unknown = [k for k in spec if k != _DEFAULT and k not in indicators]
        if unknown:
            raise ParameterError(
                f"The {what!r} mapping names {_preview(unknown)}, which the table does not have "
                f"as indicators.{suggest(unknown[0], [*indicators, _DEFAULT])} Known: "
                f"{_preview(indicators)} (or {_DEFAULT!r})."
            )
        return {k: v for k, v in spec.items() if k != _DEFAULT}, spec.get(_DEFAULT)
    return {}, spec


def _select_years(rows: pd.DataFrame, year: Any, has_year: bool) -> pd.DataFrame:
    indicators = list(dict.fromkeys(rows["indicator"]))
    if year is None or (isinstance(year, Mapping) and not year):
        chosen: dict[str, Any] = {}
        default = None
    else:
        if not has_year:
            raise ParameterError(
                "year=... was given but the dyadic table has no 'year' column to select on."
            )
        chosen, default = _per_indicator(year, indicators, "year")
    selection = []
    for ind in indicators:
        spec = chosen.get(ind, default)
        if spec is None:
            continue
        years = [spec] if isinstance(spec, (int, np.integer)) else list(spec)
        if not years or not all(isinstance(y, (int, np.integer)) and not isinstance(y, bool)
                                for y in years):
            raise ParameterError(
                f"The year for indicator {ind!r} must be a whole number or a list of them; "
                f"got {spec!r}."
            )
        asked = [int(y) for y in years]
        present = sorted(int(y) for y in rows.loc[rows["indicator"] == ind, "year"].unique())
        if not set(asked) & set(present):
            # Otherwise the indicator would vanish from the result with no word.
            which = f"in {asked[0]}" if len(asked) == 1 else f"in any of {asked}"
            raise DataError(
                f"Indicator {ind!r} has no value {which} in the dyadic table; it has values in "
                f"{', '.join(map(str, present))}. Choose one of those, per indicator with "
                f"year={{{ind!r}: {present[-1]}}}."
            )
        selection += [(ind, y) for y in asked]
    picked = pd.DataFrame({"indicator": pd.Series([i for i, _ in selection], dtype=object),
                           "year": pd.Series([y for _, y in selection], dtype="int64")})
    free = ~rows["indicator"].isin(picked["indicator"])
    kept = pd.concat([rows[free], rows.merge(picked, on=["indicator", "year"])],
                     ignore_index=True)
    open_rows = kept[kept["indicator"].isin(rows.loc[free, "indicator"])]
    several = open_rows.groupby(["source", "target", "indicator"])["year"].nunique()
    if (several > 1).any():
        source, target, ind = several[several > 1].index[0]
        found = sorted(int(y) for y in open_rows.loc[(open_rows["source"] == source)
                                                     & (open_rows["target"] == target)
                                                     & (open_rows["indicator"] == ind), "year"])
        raise DataError(
            f"Indicator {ind!r} has values for several years for source {source!r} and target "
            f"{target!r} ({', '.join(str(y) for y in found)}). Choose with year={found[-1]} or "
            f"year={{{ind!r}: {found[-1]}}}; a list of years, year={{{ind!r}: {found}}}, "
            "averages the yearly aggregates."
        )
    return kept


def _prepare(table: pd.DataFrame, caller: str, year: Any, rates: Any,
             signed: Sequence[str] | None) -> tuple[pd.DataFrame, bool]:
    rows, has_year = _validate(table, caller)
    rows = _select_years(rows, year, has_year)
    if "currency" in rows.columns:
        rows = _convert(rows, rates, has_year)
    elif rates is not None:
        raise ParameterError(
            "rates=... was given but the dyadic table has no 'currency' column saying which "
            "values are money."
        )
    _check_signs(rows, signed)
    return rows, has_year


# --------------------------------------------------------------------------- aggregation
@dataclass(frozen=True, eq=False)
class DyadicAggregate:
    """Dyadic values added up to one row per source toward a target region.

    Attributes
    ----------
    data : pandas.DataFrame
        Sources x indicators: the aggregated values (with several years, the mean
        of the yearly aggregates that have a value). Pass it to
        :meth:`CompositeIndex.score <spindex.model.CompositeIndex.score>`.
    coverage : pandas.DataFrame
        Sources x indicators: the share of the region behind each value (for a
        sum, the share of targets with a value; for a weighted mean, the share
        of the total target weight; 1 for a published regional value; the mean
        over years with several years). NaN where there is no value.
    detail : pandas.DataFrame
        One row per source, indicator and year: ``rule``, ``value`` (NaN when
        below ``min_coverage``), ``n_targets`` (targets with a value),
        ``n_expected`` (targets of the region), ``coverage``, ``regional``
        (a published regional value was used) and ``targets`` (those used,
        ``;``-separated). Without a year column, ``year`` is -1.
    """

    data: pd.DataFrame
    coverage: pd.DataFrame
    detail: pd.DataFrame


def _resolve_rules(rules: Any, indicators: Sequence[str]) -> dict[str, str]:
    per, default = _per_indicator(rules, indicators, "rules")
    catalogue = _catalogue()["aggregation"]
    out: dict[str, str] = {}
    unknown: list[str] = []
    for ind in indicators:
        rule = per.get(ind, default)
        if rule is None:
            rule = catalogue.get(ind)
        if rule is None:
            unknown.append(ind)
            continue
        if rule not in RULES:
            raise ParameterError(
                f"The aggregation rule of indicator {ind!r} must be one of {set(RULES)}. "
                f"Got {rule!r} instead."
            )
        out[ind] = str(rule)
    if unknown:
        raise ParameterError(
            f"No aggregation rule for indicator(s) {_preview(unknown)}: they are not in the "
            "soft-power catalogue. Pass rules={code: 'sum'} for flows and counts or 'mean' for "
            "shares of respondents (rules='sum' sets every indicator)."
        )
    return out


def _weights_table(weights: Any) -> pd.DataFrame | None:
    if weights is None:
        return None
    if isinstance(weights, pd.Series):
        table = pd.DataFrame({"target": weights.index.astype(str), "w": weights.to_numpy()})
    elif isinstance(weights, pd.DataFrame):
        column = next((c for c in ("weight", "population") if c in weights.columns), None)
        if "target" not in weights.columns or column is None:
            raise ParameterError(
                "A weights table needs a 'target' column, a 'weight' (or 'population') column "
                f"and optionally 'year'; got columns {list(weights.columns)}."
            )
        table = weights.rename(columns={column: "w"})[
            ["target", "w", *(["year"] if "year" in weights.columns else [])]].copy()
        table["target"] = table["target"].astype(str)
    else:
        raise SpindexTypeError(
            "weights must be a Series (target -> weight) or a DataFrame with 'target', 'weight' "
            f"(or 'population') and optionally 'year'; got {type(weights).__name__}."
        )
    def where(i: int) -> str:
        return f"for target {table['target'].iloc[i]!r}"

    w = real_column(table["w"], "The 'weights' parameter of aggregate_dyadic", ParameterError,
                    where=where)
    bad = np.isnan(w) | (w < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ParameterError(
            f"The weight of target {table['target'].iloc[i]!r} must be a non-negative number; "
            f"got {table['w'].iloc[i]}."
        )
    table["w"] = w
    if not (table["w"] > 0).any():
        raise ParameterError(
            "The target weights are all zero, so no weighted mean is defined. Give the targets "
            "positive weights (populations), or leave weights=None for equal weights."
        )
    keys = ["target", "year"] if "year" in table.columns else ["target"]
    if table.duplicated(keys).any():
        row = table[table.duplicated(keys)].iloc[0]
        raise ParameterError(f"The weights give target {row['target']!r} twice for the same year.")
    return table


def _attach_weights(frame: pd.DataFrame, weights: pd.DataFrame | None,
                    has_year: bool) -> pd.DataFrame:
    """Add a weight column ``w`` to rows keyed by target (and year)."""
    if weights is None:
        return frame.assign(w=1.0)
    keys = ["target", "year"] if "year" in weights.columns else ["target"]
    if "year" in keys and not has_year:
        raise ParameterError(
            "The weights have a 'year' column but the dyadic table has none; pass weights for "
            "one year (a Series target -> weight)."
        )
    merged = frame.merge(weights.astype({"year": "int64"}) if "year" in keys else weights,
                         on=keys, how="left", validate="many_to_one")
    if merged["w"].isna().any():
        row = merged[merged["w"].isna()].iloc[0]
        year = f" in {int(row['year'])}" if "year" in keys else ""
        raise DataError(
            f"No weight for target {row['target']!r}{year} (needed for the mean of indicator "
            f"{row['indicator']!r}). Add it to the weights, or pass static weights as a Series "
            "target -> weight."
        )
    return merged


def _thresholds(min_coverage: Any, indicators: Sequence[str]) -> dict[str, float]:
    per, default = _per_indicator(min_coverage, indicators, "min_coverage")
    out: dict[str, float] = {}
    for ind in indicators:
        value = per.get(ind, 0.0 if default is None else default)
        try:
            share = float(value)
        except (TypeError, ValueError):
            share = float("nan")
        if not 0.0 <= share <= 1.0:
            raise ParameterError(
                f"min_coverage must be a share between 0 and 1; got {value!r} for {ind!r}."
            )
        out[ind] = share
    return out


_DETAIL = ["source", "indicator", "year", "rule", "value", "n_targets", "n_expected", "coverage",
           "regional", "targets"]


def _aggregate_members(members: pd.DataFrame, expected: pd.DataFrame, rule_of: dict[str, str],
                       weights: pd.DataFrame | None, has_year: bool) -> pd.DataFrame:
    """Sum or weighted mean over the member rows of each (source, indicator, year)."""
    def weighted(frame: pd.DataFrame) -> pd.DataFrame:
        means = frame["indicator"].map(rule_of) == "mean"
        return pd.concat([_attach_weights(frame[means], weights, has_year),
                          frame[~means].assign(w=1.0)], ignore_index=True)

    members = weighted(members)
    # The weight of the whole region (every expected target) in each indicator and year.
    region = weighted(members[["indicator", "year"]].drop_duplicates().merge(
        expected, on="indicator"))
    totals = region.groupby(["indicator", "year"]).agg(
        n_expected=("target", "size"), w_expected=("w", "sum"))
    means = totals.reset_index()
    means = means[(means["indicator"].map(rule_of) == "mean") & (means["w_expected"] <= 0)]
    if not means.empty:
        first = means.iloc[0]
        year = f" in {int(first['year'])}" if first["year"] != _NO_YEAR else ""
        raise DataError(
            f"The targets of indicator {first['indicator']!r}{year} all have weight zero, so "
            "its weighted mean is undefined. Give them positive weights (populations)."
        )
    members = members.assign(wv=members["w"] * members["value"]).sort_values("target")
    agg = members.groupby(["source", "indicator", "year"], sort=False).agg(
        total=("value", "sum"), wsum=("w", "sum"), wvsum=("wv", "sum"),
        n_targets=("target", "size"), targets=("target", ";".join))
    agg = agg.join(totals, on=["indicator", "year"]).reset_index()
    agg["rule"] = agg["indicator"].map(rule_of)
    is_sum = (agg["rule"] == "sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        agg["value"] = np.where(is_sum, agg["total"], agg["wvsum"] / agg["wsum"])
        agg["coverage"] = np.where(is_sum, agg["n_targets"] / agg["n_expected"],
                                   agg["wsum"] / agg["w_expected"])
    agg["regional"] = False
    return agg[_DETAIL]


def _regional_values(regional: pd.DataFrame, expected: pd.DataFrame,
                     rule_of: dict[str, str]) -> pd.DataFrame:
    """Published regional values as detail rows: used as they are, coverage 1."""
    out = regional[["source", "indicator", "year", "value", "target"]].rename(
        columns={"target": "targets"})
    out = out.assign(rule=out["indicator"].map(rule_of), n_targets=np.nan, coverage=1.0,
                     regional=True,
                     n_expected=out["indicator"].map(expected.groupby("indicator").size()))
    return out[_DETAIL]


def _check_targets(rows: pd.DataFrame, expected: pd.DataFrame, regional: pd.DataFrame) -> None:
    """Refuse an indicator none of whose targets has a row: a misspelt target list would
    otherwise leave nothing to aggregate, or a value that is silently missing."""
    seen = rows[["indicator", "target"]].drop_duplicates()
    hit = expected.merge(seen, on=["indicator", "target"])
    for ind, wanted in expected.groupby("indicator", sort=False)["target"]:
        if ind in set(hit["indicator"]) or ind in set(regional["indicator"]):
            continue
        known = sorted(seen.loc[seen["indicator"] == ind, "target"])
        listed = list(wanted)
        raise DataError(
            f"None of the targets {_preview(listed)} of indicator {ind!r} has a row in the "
            f"dyadic table.{suggest(listed[0], known)} The table has {ind!r} for targets "
            f"{_preview(known)}; fix the 'targets' list."
        )


def aggregate_dyadic(
    table: pd.DataFrame,
    rules: str | Mapping[str, str] | None = None,
    *,
    year: int | Sequence[int] | Mapping[str, int | Sequence[int]] | None = None,
    targets: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    region: str | None = None,
    weights: pd.Series | pd.DataFrame | None = None,
    rates: Mapping[str, Any] | pd.DataFrame | None = None,
    min_coverage: float | Mapping[str, float] = 0.0,
    signed: Sequence[str] | None = None,
) -> DyadicAggregate:
    """Add up dyadic values to one row per source toward a target region.

    Parameters
    ----------
    table : pandas.DataFrame
        Long table: ``source``, ``target``, ``indicator``, ``value``, optionally
        ``year`` and ``currency`` (see the module documentation).
    rules : {"sum", "mean"} or mapping, optional
        Rule per indicator (a mapping may have a ``"default"`` entry). Indicators
        of :func:`~spindex.softpower.soft_power_catalogue` default to their
        catalogue rule; any other indicator needs one.
    year : int, list of int or mapping, optional
        The year(s) to use, for every indicator or per indicator (mapping, with an
        optional ``"default"``). With several years, each year is aggregated
        over targets and the value is the mean of the yearly aggregates that
        have one. Without ``year``, an indicator must have one year per (source,
        target).
    targets : list of str or mapping, optional
        The targets that make up the region: the denominator of ``coverage``.
        Default: every target of the table except ``region``. A mapping gives a
        subset per indicator (for example the destinations observed for every
        source) and may set the ``"default"`` list; rows for other targets are
        not used.
    region : str, optional
        Label of rows that hold a value published for the whole region (e.g.
        ``"ASEAN"``). Such a value is used as it is (coverage 1) for an
        indicator aggregated over the default target list, and wins over member
        rows of the same source, indicator and year.
    weights : Series or DataFrame, optional
        Target weights for ``"mean"`` indicators: a Series target -> weight, or a
        table with ``target``, ``weight`` (or ``population``) and optionally
        ``year`` (matched to the row's year). Default: equal weights.
    rates : mapping or DataFrame, optional
        Exchange rates for money values, as in :func:`convert_currency`.
    min_coverage : float or mapping, default 0
        A value whose coverage is below this share (per indicator with a
        mapping) becomes missing. ``1`` requires every target.
    signed : list of str, optional
        Indicators that may be negative (net flows). Default: those marked
        ``signed`` in the catalogue (``eco_fdi``). Any other negative value is
        an error.

    Returns
    -------
    DyadicAggregate
        ``data`` (sources x indicators), ``coverage`` and ``detail``.

    Raises
    ------
    DataError
        For a missing column, a non-numeric value, repeated (source, target,
        indicator, year) rows, several years where one is expected, a negative
        count or gross flow, a currency without a rate, or a target without a
        weight.
    ParameterError
        For an unknown rule, an indicator without a rule, or a bad option.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.dyadic import aggregate_dyadic
    >>> t = pd.DataFrame({
    ...     "source": ["CHN", "CHN", "JPN", "CHN", "CHN", "JPN"],
    ...     "target": ["THA", "VNM", "THA", "THA", "VNM", "THA"],
    ...     "indicator": ["tour_arrivals"] * 3 + ["op_trust"] * 3,
    ...     "value": [9.8e6, 4.0e6, 1.54e6, 30.0, 60.0, 80.0]})
    >>> pop = pd.Series({"THA": 70.0, "VNM": 30.0})
    >>> agg = aggregate_dyadic(t, weights=pop)
    >>> agg.data
    indicator  tour_arrivals  op_trust
    source
    CHN           13800000.0      39.0
    JPN            1540000.0      80.0
    >>> agg.coverage
    indicator  tour_arrivals  op_trust
    source
    CHN                  1.0       1.0
    JPN                  0.5       0.7

    Japan's sum covers one of two targets; its mean rests on Thailand's 70% of the
    weight. With ``min_coverage=1`` both become missing:

    >>> aggregate_dyadic(t, weights=pop, min_coverage=1).data.loc["JPN"].isna().all()
    np.True_
    """
    rows, has_year = _prepare(table, "aggregate_dyadic", year, rates, signed)
    if rows.empty:
        raise DataError("The dyadic table has no value left to aggregate (after choosing years).")
    indicators = list(dict.fromkeys(rows["indicator"]))
    sources = list(dict.fromkeys(rows["source"]))
    rule_of = _resolve_rules(rules, indicators)
    w_table = _weights_table(weights)

    # The target set of each indicator; only indicators on the default set may use regional rows.
    per_targets, default_targets = _per_indicator(targets, indicators, "targets")
    if default_targets is None:
        default_targets = sorted(set(rows["target"]) - {region})
    for name, given in [*per_targets.items(), (_DEFAULT, default_targets)]:
        if isinstance(given, str) or not len(given):
            raise ParameterError(
                f"The targets for {name!r} must be a non-empty list of target labels; got "
                f"{given!r}."
            )
    expected = pd.DataFrame(
        [(ind, str(t)) for ind in indicators
         for t in dict.fromkeys(per_targets.get(ind, default_targets))],
        columns=["indicator", "target"])
    whole_region = [ind for ind in indicators if ind not in per_targets]

    thresholds = _thresholds(min_coverage, indicators)
    key = ["source", "indicator", "year"]
    regional = rows[(rows["target"] == region) & rows["indicator"].isin(whole_region)]
    _check_targets(rows, expected, regional)
    members = rows.merge(expected, on=["indicator", "target"])
    if not regional.empty:
        members = members.merge(regional[key].assign(_reg=True), on=key, how="left")
        members = members[members["_reg"].isna()].drop(columns="_reg")
    detail = pd.concat(
        [_aggregate_members(members, expected, rule_of, w_table, has_year),
         _regional_values(regional, expected, rule_of)], ignore_index=True,
    ).astype({"n_targets": float, "n_expected": float, "coverage": float, "regional": bool})
    below = detail["coverage"] < detail["indicator"].map(thresholds)
    detail.loc[below, "value"] = np.nan
    order = {"source": {s: i for i, s in enumerate(sources)},
             "indicator": {s: i for i, s in enumerate(indicators)}}
    detail = detail.sort_values(
        ["source", "indicator", "year"],
        key=lambda col: col.map(order[col.name]) if col.name in order else col,
    ).reset_index(drop=True)

    valued = detail[detail["value"].notna()]
    index = pd.Index(sources, name="source")
    cols = pd.Index(indicators, name="indicator")

    def wide(column: str) -> pd.DataFrame:
        means = valued.pivot_table(index="source", columns="indicator", values=column,
                                   aggfunc="mean")
        return means.reindex(index=index, columns=cols).astype(float)

    return DyadicAggregate(data=wide("value"), coverage=wide("coverage"), detail=detail)


def per_target(
    table: pd.DataFrame,
    *,
    year: int | Sequence[int] | Mapping[str, int | Sequence[int]] | None = None,
    rates: Mapping[str, Any] | pd.DataFrame | None = None,
    signed: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """One table per target: the sources' values toward it (who leads in Thailand?).

    Parameters
    ----------
    table : pandas.DataFrame
        A dyadic table (see :func:`aggregate_dyadic`).
    year, rates, signed
        As for :func:`aggregate_dyadic`; with several years, a value is the mean
        over the years that have one.

    Returns
    -------
    dict of str to pandas.DataFrame
        Target -> sources x indicators (sources without a value toward that
        target are left out). A regional label (``"ASEAN"``) is a target like
        any other here. Each table can be scored with a
        :class:`~spindex.model.CompositeIndex` on the indicators it has.

    Examples
    --------
    >>> import pandas as pd
    >>> from spindex.dyadic import per_target
    >>> t = pd.DataFrame({"source": ["CHN", "JPN", "KOR", "CHN"],
    ...                   "target": ["THA", "THA", "THA", "VNM"],
    ...                   "indicator": "tour_arrivals",
    ...                   "value": [9.8e6, 1.54e6, 1.7e6, 4.0e6]})
    >>> tables = per_target(t)
    >>> tables["THA"]["tour_arrivals"].idxmax(), sorted(tables)
    ('CHN', ['THA', 'VNM'])
    """
    rows, _ = _prepare(table, "per_target", year, rates, signed)
    if rows.empty:
        raise DataError("The dyadic table has no value left (after choosing years).")
    wide = rows.pivot_table(index=["target", "source"], columns="indicator", values="value",
                            aggfunc="mean", sort=False)
    wide.columns.name = "indicator"
    return {str(t): part.droplevel("target").rename_axis("source").dropna(axis=1, how="all")
            for t, part in wide.groupby(level="target", sort=True)}
