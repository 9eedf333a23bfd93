"""Rebuild the shipped ASEAN soft-power tables from the raw files in ``data-raw/softpower/``.

Run from a source checkout::

    python -m spindex.softpower.build            # rewrite the shipped tables
    python -m spindex.softpower.build --check    # exit 1 if a shipped table differs

Inputs (``data-raw/softpower/``, not part of the wheel; see its README):

``curated_values.csv``, ``curated_sources.csv``
    The values read one by one from published pages and reports (137 rows), with
    their sources.
``extracts/*.csv``
    Long extracts of public data sets (AidData GCDF 3.0, WDI/OECD DAC, WITS, UNESCO
    UIS, Singapore Tourism Board, the CSIS 2023 white paper, poll results on news
    pages), each row with its citation; ``extracts/SHA256SUMS`` pins their content.

Outputs (``spindex/softpower/data/``):

``asean_provenance.csv``
    One tidy row per value: ``source, target, year, indicator, value, unit,
    currency, instrument, source_ref, note``. ``instrument`` says what kind of
    quantity the value is (a commitment or a net disbursement, reported by the
    source or by the target, ...), so two values of one indicator that are not
    the same quantity can never be mistaken for each other.
``asean_sources.csv``
    One row per ``source_ref``: citation, address, licence and the raw file the
    values came from.

The build only selects, renames and labels: no value is computed, rounded or
converted, so every number in the shipped tables is a number of a raw file.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from spindex.softpower.asean import read_table

__all__ = ["EXTRACTS", "build", "default_raw_dir", "main"]

#: The ten ASEAN members of the periods the dataset covers (Timor-Leste joined in
#: October 2025, after every value here; its rows in the extracts are left out).
MEMBERS = ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM")
REGION = "ASEAN"

#: file -> (source_ref prefix, licence or terms).
EXTRACTS: dict[str, tuple[str, str]] = {
    "gcdf3_china_asean_commitments_long.csv": (
        "aiddata_gcdf3", "ODC-By 1.0 (cite AidData at William & Mary)"),
    "wdi_dac_net_bilateral_asean_2009_2010_long.csv": ("wdi_dac", "CC BY 4.0 (World Bank WDI)"),
    "wits_trade2009_asean_long.csv": (
        "wits_2009", "WITS / UN Comtrade terms: facts reused with citation"),
    "uis_students_from_asean_by_host_long.csv": ("uis_students", "CC BY 4.0 (UNESCO UIS)"),
    "stb_singapore_arrivals_2011_2014_long.csv": (
        "stb_iva", "Singapore Tourism Board: reproduction in part with acknowledgement"),
    "csis2023_us_china_sea_long.csv": (
        "csis_2023", "text (c) CSIS; figures reused as facts with citation of the primary source"),
    "pages_opinion_secondary_long.csv": ("pages_opinion", "facts with citation"),
}

# Instrument of the curated values, per indicator: what kind of quantity the number is.
_CURATED_INSTRUMENT: dict[str, str] = {
    "aid_oda_bilateral": "net disbursement, reported by source",
    "aid_commit_selected": "commitment, selected projects (not a total)",
    "aid_regional_fund": "contribution, reported by source",
    "aid_cumulative": "cumulative disbursement, lower bound",
    "aid_emergency": "pledge",
    "eco_fdi_inflow": "net inflow, reported by target",
    "eco_trade_total": "exports plus imports, reported by target",
    "tour_arrivals": "arrivals, reported by target",
    "cult_confucius_inst": "stock, reported by operator",
    "cult_ci_established_cum": "cumulative count, reported by operator",
    "cult_students_in_source": "enrolled, reported by host",
    "cult_lang_teachers_sent": "cumulative count, reported by source",
    "cult_scholarships": "awards, reported by source",
}
_POLL = "poll share"
_SEE_SOURCE = "see the note of the source"

#: Instrument of the extracts' indicators (GCDF 3.0 and polls by rule, see below).
_EXTRACT_INSTRUMENT: dict[str, str] = {
    "aid_oda_net_bilateral_wdi": "net disbursement, reported by source",
    "aid_odf_committed_2015_2021_lowy": "commitment, cumulative 2015-2021",
    "aid_odf_spent_2015_2021_lowy": "disbursement (spent), cumulative 2015-2021",
    "aid_odf_spent_and_committed_2015_2021_lowy": "spent plus committed, cumulative 2015-2021",
    "eco_source_exports_to_target": "exports, reported by source",
    "eco_source_imports_from_target": "imports, reported by source",
    "eco_exports_to_source": "exports, reported by target",
    "eco_imports_from_source": "imports, reported by target",
    "eco_goods_trade_comtrade": "exports plus imports, as cited",
    "eco_fdi_share_2012_2021_lowy_api": "share of inbound stock, cumulative 2012-2021",
    "cult_students_hosted_uis": "enrolled, reported by host (top-10 hosts only)",
    "tour_arrivals_stb": "arrivals by residence, reported by target",
}

#: AidData GCDF 3.0 indicators used: all official flows and the ODA-like part (the
#: OOF-like and vague parts are in the all-flows sum and are not used on their own).
_GCDF_USED = ("aid_gcdf3_commit_all_amount", "aid_gcdf3_commit_oda_amount",
              "aid_gcdf3_commit_oda_adjusted_amount")


def _extract_instrument(indicator: str) -> str:
    """What kind of quantity an extract's indicator is (see the extracts' README)."""
    if indicator.startswith("aid_gcdf3_commit_"):
        flow = "all official flows" if "_all_" in indicator else "ODA-like"
        adjusted = ", adjusted" if "_adjusted_" in indicator else ""
        return f"commitment, {flow}{adjusted}"
    return _EXTRACT_INSTRUMENT.get(indicator, _POLL)


_GITHUB = re.compile(r"GitHub ([\w.-]+/[\w.-]+) (?:path )?(\S+) @([0-9a-f]{7,40})")
_URL = re.compile(r"https?://[^\s)\"']+")


def _address(citation: str) -> str:
    """The address a citation names: a page, or the committed file on GitHub."""
    page = _URL.search(citation)
    if page:
        return page.group(0).rstrip(".,;")
    repo = _GITHUB.search(citation)
    if repo is None:
        raise ValueError(f"The citation names neither a page nor a GitHub file: {citation!r}")
    name, path, commit = repo.groups()
    return f"https://github.com/{name}/blob/{commit}/{path}"


def default_raw_dir() -> Path:
    """``data-raw/softpower`` of the source checkout this module runs from."""
    return Path(__file__).resolve().parents[3] / "data-raw" / "softpower"


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(
            f"The raw file {path} is missing. The build runs from a source checkout of "
            "spindex (data-raw/ is not part of the installed package).")
    return read_table(path, keep_default_na=False, na_values=[""])


def _curated(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    values = _read(raw / "curated_values.csv")
    unknown = sorted(set(values["indicator"]) - set(_CURATED_INSTRUMENT)
                     - {i for i in values["indicator"] if i.startswith("op_")})
    if unknown:
        raise ValueError(f"Curated indicators without an instrument: {unknown}")
    values = values.assign(
        instrument=values["indicator"].map(_CURATED_INSTRUMENT).fillna(_POLL))
    sources = _read(raw / "curated_sources.csv").assign(
        raw_file="data-raw/softpower/curated_values.csv", note="")
    return values, sources


def _extract(raw: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    prefix, licence = EXTRACTS[name]
    table = _read(raw / "extracts" / name)
    # Values of a source toward one member (or the region); not respondent counts
    # ("ALL" -> member, meta_*) nor Timor-Leste (see MEMBERS).
    keep = table["target_iso3"].isin((*MEMBERS, REGION)) & ~table["indicator"].str.startswith(
        "meta_")
    table = table[keep & (~table["indicator"].str.startswith("aid_gcdf3_")
                          | table["indicator"].isin(_GCDF_USED))]
    citations = list(dict.fromkeys(table["source_citation"]))
    refs = {c: prefix if len(citations) == 1 else f"{prefix}_{k + 1:02d}"
            for k, c in enumerate(citations)}
    unit = table["unit"].astype(str)
    values = pd.DataFrame({
        "source": table["source_iso3"], "target": table["target_iso3"],
        "indicator": table["indicator"], "year": table["year"].astype(int),
        "value": table["value"].astype(float), "unit": unit,
        "currency": unit.where(unit.str.contains("USD")).map(
            lambda u: "USD" if isinstance(u, str) else None),
        "instrument": table["indicator"].map(_extract_instrument),
        "source_ref": table["source_citation"].map(refs),
        "note": table["note"].fillna("").astype(str),
    })
    # A note shared by most rows of an indicator (the extract's boilerplate) is said once,
    # in the sources table; a row keeps only a note of its own.
    common = values.groupby(["source_ref", "indicator"])["note"].agg(lambda s: s.mode().iloc[0])
    shared = values.merge(common.rename("_shared").reset_index(), how="left",
                          on=["source_ref", "indicator"])["_shared"].to_numpy()
    values["note"] = values["note"].where(values["note"].to_numpy() != shared, _SEE_SOURCE)
    said: dict[str, str] = {}
    for key, note in common.items():
        ref, indicator = str(key[0]), str(key[1])  # type: ignore[index]
        if note:
            said[ref] = (f"{said[ref]} | " if ref in said else "") + f"{indicator}: {note}"
    sources = pd.DataFrame({
        "source_ref": list(refs.values()), "citation": citations,
        "url": [_address(c) for c in citations], "licence_or_terms": licence,
        "accessed": "2026-12-01", "raw_file": f"data-raw/softpower/extracts/{name}",
    })
    sources["note"] = sources["source_ref"].map(said).fillna("")
    return values, sources


PROVENANCE_COLUMNS = ["source", "target", "year", "indicator", "value", "unit", "currency",
                      "instrument", "source_ref", "note"]
SOURCES_COLUMNS = ["source_ref", "citation", "url", "licence_or_terms", "accessed", "raw_file",
                   "note"]


def build(raw: Path | None = None) -> dict[str, pd.DataFrame]:
    """The shipped tables, rebuilt from the raw files.

    Parameters
    ----------
    raw : pathlib.Path, optional
        The ``data-raw/softpower`` directory; default :func:`default_raw_dir`.

    Returns
    -------
    dict of str to pandas.DataFrame
        File name -> table: ``"asean_provenance.csv"`` and ``"asean_sources.csv"``.
    """
    raw = default_raw_dir() if raw is None else Path(raw)
    parts = [_curated(raw), *(_extract(raw, name) for name in EXTRACTS)]
    values = pd.concat([p[0] for p in parts], ignore_index=True)[PROVENANCE_COLUMNS]
    sources = pd.concat([p[1] for p in parts], ignore_index=True)[SOURCES_COLUMNS]
    values["year"] = values["year"].astype(int)
    key = ["source", "target", "indicator", "year"]
    # An extract may repeat a curated value read from the same page (Pew 2015, Japan):
    # the same number is kept once, the first (curated) row; a different number is an error.
    same = values.duplicated([*key, "value"])
    values = values[~same].reset_index(drop=True)
    if values.duplicated(key).any():
        raise ValueError(f"Conflicting provenance rows:\n{values[values.duplicated(key)]}")
    if not sources["source_ref"].is_unique:
        raise ValueError("Two sources share a source_ref.")
    return {"asean_provenance.csv": values, "asean_sources.csv": sources}


def _out_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


def _text(table: pd.DataFrame) -> str:
    return str(table.to_csv(index=False, lineterminator="\n"))


def main(argv: list[str] | None = None) -> int:
    """Command line: rebuild (or with ``--check`` compare) the shipped tables."""
    parser = argparse.ArgumentParser(prog="python -m spindex.softpower.build",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=None, help="data-raw/softpower directory")
    parser.add_argument("--check", action="store_true",
                        help="compare with the shipped tables instead of writing them")
    args = parser.parse_args(argv)
    differ = []
    for name, table in build(args.raw).items():
        path = _out_dir() / name
        text = _text(table)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differ.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({len(table)} rows)")
    if differ:
        print(f"differs from the build: {', '.join(differ)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
