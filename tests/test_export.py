"""Excel, Parquet and CSV export: every number read back by pandas is the double written."""

from __future__ import annotations

import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from faces_fixtures import ODD_UNITS, faces
from spindex.cli import main

pytest.importorskip("openpyxl")
pytest.importorskip("pyarrow")


def assert_same_numbers(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same headers, same labels, and every numeric column equal bit for bit."""
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for column in expected.columns:
        want = expected[column]
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            a = got[column].to_numpy(dtype=float)
            b = want.to_numpy(dtype=float, na_value=np.nan)
            assert np.array_equal(a, b, equal_nan=True), column
        else:
            a = got[column].astype(object).where(got[column].notna(), None).tolist()
            b = want.astype(object).where(want.notna(), None).tolist()
            assert [None if v is None else str(v) for v in a] == \
                [None if v is None else str(v) for v in b], column


@pytest.fixture(scope="module")
def synthetic():
    return faces("synthetic")


@pytest.fixture(scope="module")
def everything(synthetic):
    f = synthetic
    sources = pd.DataFrame({"indicator": ["ODA", "Trust"], "source": ["OECD CRS", "Poll"],
                            "value": [0.1 + 0.2, 1 / 3]})
    return [f.result, f.uncertainty, f.sobol, f.smaa, f.dominance, f.importance,
            ("Provenance", sources)]


def test_workbook_round_trip_is_exact(tmp_path, everything):
    tables = sp.export_tables(everything)
    path = sp.to_excel(everything, tmp_path / "all.xlsx")
    back = pd.read_excel(path, sheet_name=None)
    assert list(back) == list(tables)
    for sheet, table in tables.items():
        assert_same_numbers(back[sheet], table)


def test_workbook_holds_the_results_own_numbers(tmp_path, synthetic):
    f = synthetic
    path = sp.to_excel([f.result, f.uncertainty, f.smaa], tmp_path / "r.xlsx")
    scores = pd.read_excel(path, sheet_name="Scores", index_col=0)
    # The unit labels, odd characters included, come back as they were.
    assert list(scores.index) == list(f.result.scores.index)
    assert set(ODD_UNITS) <= set(scores.index)
    assert np.array_equal(scores.to_numpy(), f.result.scores.to_numpy(), equal_nan=True)
    ranks = pd.read_excel(path, sheet_name="Ranks", index_col=0)
    assert np.array_equal(ranks.to_numpy(float),
                          f.result.ranks.to_numpy(float, na_value=np.nan), equal_nan=True)
    parts = pd.read_excel(path, sheet_name="Contributions", index_col=0)
    assert np.array_equal(parts.to_numpy(), f.result.contributions(2).to_numpy(),
                          equal_nan=True)
    unc = pd.read_excel(path, sheet_name="Uncertainty", index_col=0)
    summary = f.uncertainty.summary()
    assert np.array_equal(unc["Mean score"].to_numpy(), summary["score_mean"].to_numpy())
    assert np.array_equal(unc["Median rank"].to_numpy(float),
                          summary["median_rank"].to_numpy(float))
    acc = pd.read_excel(path, sheet_name="SMAA acceptability", index_col=0)
    assert np.array_equal(acc.to_numpy(), f.smaa.rank_acceptability.to_numpy())


def test_about_sheet_describes_the_model(tmp_path, synthetic):
    f = synthetic
    path = sp.to_excel([f.result, f.uncertainty], tmp_path / "a.xlsx", title="Soft power 2026")
    about = pd.read_excel(path, sheet_name="About").set_index("Item")["Value"]
    assert about["Title"] == "Soft power 2026"
    assert about["Created"].endswith("UTC")
    assert about["spindex version"] == sp.__version__
    assert "minmax" in about["Normalisation"].lower()
    assert "Arithmetic" in about["Aggregation of SoftPower"]
    assert "seed 1" in about["Uncertainty"]
    shares = f.result.framework.normalized_weights()
    assert about["Weights in SoftPower"] == ", ".join(
        f"{c} {shares[c]:.4g}" for c in ("Aid", "Trade", "Culture", "Opinion"))
    assert about["Weights in SoftPower"].startswith("Aid 0.4,")
    assert "Sheet: Scores" in about.index and "Sheet: Framework" in about.index
    frame = pd.read_excel(path, sheet_name="Framework", index_col=0)
    assert frame.loc["Aid", "Weight"] == 2
    assert frame.loc["Tariffs", "Direction"] == -1
    assert frame["Effective weight"].dropna().pipe(lambda w: abs(w.sum() - 1) < 1e-12)


def test_headers_are_names_or_codes(synthetic):
    res = synthetic.result
    fw = res.framework
    named = sp.export_tables(res)["Scores"]
    coded = sp.export_tables(res, labels="codes")["Scores"]
    assert list(coded.columns[1:]) == list(fw.codes)
    assert list(named.columns[1:]) == [fw.node(c).name for c in fw.codes]
    assert named.columns[-1] == "Synthetic soft power"
    assert np.array_equal(named.iloc[:, 1:].to_numpy(), coded.iloc[:, 1:].to_numpy(),
                          equal_nan=True)
    with pytest.raises(sp.ParameterError, match="'labels' parameter of export_tables"):
        sp.export_tables(res, labels="titles")


def test_long_and_repeated_sheet_names_stay_valid(tmp_path, synthetic):
    res = synthetic.result
    tables = sp.export_tables({"A very long caption for the first": res, "Second": res,
                               "second ": res})
    assert all(len(name) <= 31 for name in tables)
    assert len(set(tables)) == len(tables)
    path = sp.to_excel({"A very long caption for the first": res, "Second": res},
                       tmp_path / "two.xlsx")
    assert len(pd.read_excel(path, sheet_name=None)) == len(sp.export_tables(
        {"A very long caption for the first": res, "Second": res}))


def test_panel_exports_one_row_per_unit_and_period(tmp_path):
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    panel = sp.score_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"))
    path = sp.to_excel(panel, tmp_path / "panel.xlsx", labels="codes")
    back = pd.read_excel(path, sheet_name="Panel scores")
    expected = panel.scores.reset_index()
    assert len(back) == len(expected)
    assert np.array_equal(back[fw.root].to_numpy(), expected[fw.root].to_numpy(),
                          equal_nan=True)
    assert list(back.columns[:2]) == list(expected.columns[:2])


def test_parquet_round_trip_is_exact(tmp_path, everything):
    tables = sp.export_tables(everything, labels="codes")
    files = sp.to_parquet(everything, tmp_path / "out")
    assert [f.name for f in files][:3] == ["about.parquet", "scores.parquet", "ranks.parquet"]
    for file, (_, table) in zip(files, tables.items(), strict=True):
        assert_same_numbers(pd.read_parquet(file), table)


def test_write_table_by_extension(tmp_path):
    table = pd.DataFrame({"score": [0.1 + 0.2, 1 / 3, np.nan], "rank": [1, 2, 3]},
                         index=pd.Index(["a", "b", "c"], name="unit"))
    for name in ("t.csv", "t.xlsx", "t.parquet"):
        path = sp.write_table(table, tmp_path / name)
        reader = {".csv": pd.read_csv, ".xlsx": pd.read_excel,
                  ".parquet": pd.read_parquet}[path.suffix]
        back = reader(path)
        back = back.set_index("unit")
        assert np.array_equal(back["score"].to_numpy(), table["score"].to_numpy(),
                              equal_nan=True), name
        assert back.index.tolist() == ["a", "b", "c"]
    with pytest.raises(sp.ParameterError, match=r"'\.txt' is not one of"):
        sp.write_table(table, tmp_path / "t.txt")
    assert not (tmp_path / "t.txt").exists()


def test_bad_inputs_are_refused(tmp_path, synthetic):
    with pytest.raises(sp.SpindexTypeError, match="Got int instead"):
        sp.export_tables([synthetic.result, 3])
    with pytest.raises(sp.ParameterError, match=r"must end in \.xlsx"):
        sp.to_excel(synthetic.result, tmp_path / "x.xls")
    with pytest.raises(sp.ParameterError, match="empty"):
        sp.export_tables([])
    with pytest.raises(sp.SpindexTypeError, match="'path' of to_excel"):
        sp.to_excel(synthetic.result, 3)


@pytest.mark.parametrize(("package", "call"), [
    ("openpyxl", lambda res, tmp: sp.to_excel(res, tmp / "x.xlsx")),
    ("pyarrow", lambda res, tmp: sp.to_parquet(res, tmp / "p")),
    ("pyarrow", lambda res, tmp: sp.write_table(res.scores, tmp / "x.parquet")),
])
def test_missing_engine_names_the_extra(tmp_path, monkeypatch, synthetic, package, call):
    monkeypatch.setitem(sys.modules, package, None)  # import now raises ImportError
    with pytest.raises(sp.MissingDependencyError, match=rf"spindex\[io\].*{package}"):
        call(synthetic.result, tmp_path)
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------------------- command line
ASEM = sp.datasets.__path__[0] + "/data/asem/"
INPUT = [ASEM + "ASEM_iData.csv", "-f", ASEM + "ASEM_iMeta.csv"]


def _asem_result() -> sp.IndexResult:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.CompositeIndex(fw).score(sp.datasets.load("asem"))


def test_cli_score_writes_a_real_workbook(tmp_path, capsys):
    out = tmp_path / "scores.xlsx"
    assert main(["score", *INPUT, "--output", str(out)]) == 0
    assert zipfile.is_zipfile(out)  # an Excel file, not CSV text under an .xlsx name
    res = _asem_result()
    book = pd.read_excel(out, sheet_name=None, index_col=0)
    assert {"About", "Scores", "Ranks", "Contributions", "Framework"} <= set(book)
    scores = book["Scores"]
    assert np.array_equal(scores.to_numpy(), res.scores.to_numpy(), equal_nan=True)
    assert not (tmp_path / "scores.ranks.csv").exists()
    assert f"wrote {out}" in capsys.readouterr().err


def test_cli_score_writes_parquet_and_csv(tmp_path):
    res = _asem_result()
    assert main(["score", *INPUT, "--output", str(tmp_path / "s.parquet")]) == 0
    back = pd.read_parquet(tmp_path / "s.parquet")
    assert back.columns[0] == (res.scores.index.name or "row")
    back = back.set_index(back.columns[0])
    assert np.array_equal(back.to_numpy(), res.scores.to_numpy(), equal_nan=True)
    ranks = pd.read_parquet(tmp_path / "s.ranks.parquet").set_index(back.index.name)
    assert np.array_equal(ranks.to_numpy(float), res.ranks.to_numpy(float, na_value=np.nan),
                          equal_nan=True)
    assert main(["score", *INPUT, "--output", str(tmp_path / "s.csv")]) == 0
    csv = pd.read_csv(tmp_path / "s.csv", index_col=0)
    assert np.array_equal(csv.to_numpy(), res.scores.to_numpy(), equal_nan=True)
    assert (tmp_path / "s.ranks.csv").exists()


@pytest.mark.parametrize("argv", [
    ["score", *INPUT, "--output", "{tmp}/scores.txt"],
    ["score", *INPUT, "--output", "{tmp}/scores"],
    ["score", *INPUT, "--output", "{tmp}/s.csv", "--ranks", "{tmp}/r.json"],
    ["uncertainty", *INPUT, "-n", "50", "--output", "{tmp}/u.xls"],
])
def test_cli_refuses_an_unknown_extension(tmp_path, capsys, argv):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("spindex: error: Cannot write --")
    assert ".xlsx" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_cli_without_openpyxl_names_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert main(["score", *INPUT, "--output", str(tmp_path / "s.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'spindex[io]'" in err
    assert not (tmp_path / "s.xlsx").exists()


def test_cli_uncertainty_and_dominance_workbooks(tmp_path):
    out = tmp_path / "u.xlsx"
    assert main(["uncertainty", *INPUT, "-n", "200", "--seed", "3", "--output", str(out)]) == 0
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    ua = sp.uncertainty(sp.CompositeIndex(fw), sp.datasets.load("asem"), n=200, seed=3)
    back = pd.read_excel(out, sheet_name="Uncertainty", index_col=0)
    assert np.array_equal(back["Mean score"].to_numpy(), ua.summary()["score_mean"].to_numpy())
    dom = tmp_path / "d.xlsx"
    assert main(["dominance", *INPUT, "CHN", "JPN", "--output", str(dom)]) == 0
    sheets = pd.read_excel(dom, sheet_name=None)
    assert "Dominance CHN vs JPN" in sheets
    share = sheets["Dominance CHN vs JPN"]["Share where the first scores at least as high"]
    assert share.iloc[0] == sp.dominance(sp.CompositeIndex(fw), sp.datasets.load("asem"),
                                         "CHN", "JPN").share


def test_the_docs_page_examples_run():
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "export.md"
    text = page.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) == 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
