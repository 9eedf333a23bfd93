"""The reader of Elcano's calculation workbook: on synthetic workbooks of the same layout
(other years, units, variables) and on the shipped 2021 edition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.errors import DataError, MissingDependencyError, SpindexTypeError

openpyxl = pytest.importorskip("openpyxl")

from elcano_fixtures import INDEX_WEIGHTS, TREE, write_workbook  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("elcano") / "calculus2031.xlsx"
    truth = write_workbook(path)
    return path, truth


def test_synthetic_layout_is_discovered(synthetic):
    path, (data, dims, index) = synthetic
    book = sp.read_elcano(path)
    assert list(book) == ["IXX", "IXXE"]
    assert book.ignored_sheets == ("Notes",)
    ix = book["IXX"]
    assert ix.framework.root == "IXX"
    assert ix.framework.children("IXX") == ("Alpha", "Beta")
    assert ix.framework.children("Alpha") == tuple(TREE["Alpha"])
    assert ix.framework.children("Beta") == tuple(TREE["Beta"])
    assert ix.empty_sheets == ("Ghost Variable IXX",)
    assert ix.data.index.names == ["unit", "year"]
    assert sorted(ix.data.index.get_level_values("year").unique()) == [1987, 1999, 2003, 2024]
    expected = data.copy()
    expected.iloc[0, 0] = np.nan
    pd.testing.assert_frame_equal(ix.data, expected, check_names=False, check_index_type=False)
    pd.testing.assert_frame_equal(ix.dimensions, dims, check_names=False, check_index_type=False)
    np.testing.assert_allclose(ix.index.to_numpy(), index.to_numpy(), rtol=1e-15)
    # Abbreviated contribution sheets are matched to their variables.
    assert {"Steel Output", "Novel Prizes", "Alpha", "Beta"} <= set(ix.contributions)
    assert list(ix.shares) == ["Alpha", "Beta", "IXX"]
    np.testing.assert_allclose(ix.shares.groupby(level="year").sum().to_numpy(), 100.0)
    assert ix.published.columns.tolist() == ["Alpha", "Beta", "IXX"]
    assert "IXX" in repr(ix) and "8 units x 4 years 1987-2024" in repr(ix)


def test_second_index_has_its_own_units_and_years(synthetic):
    path, _ = synthetic
    ie = sp.read_elcano(path)["IXXE"]
    assert ie.data.index.get_level_values("unit").nunique() == 5
    assert sorted(ie.data.index.get_level_values("year").unique()) == [1999, 2003, 2024]
    assert ie.framework.indicators == tuple(v for vs in TREE.values() for v in vs)


def test_tree_from_values_without_contribution_sheets(tmp_path):
    path = tmp_path / "book.xlsx"
    write_workbook(path, extra_index=False)
    wb = openpyxl.load_workbook(path)
    for name in [n for n in wb.sheetnames if n.endswith("CONTRIBUTION")]:
        del wb[name]
    wb.save(path)
    ix = sp.read_elcano(path)["IXX"]
    assert ix.framework.children("Alpha") == tuple(TREE["Alpha"])
    assert ix.contributions.shape[1] == 0


def test_dimensions_from_values_when_every_name_is_quoted(tmp_path):
    path = tmp_path / "quoted.xlsx"
    write_workbook(path, extra_index=False, quote_variables=True)
    ix = sp.read_elcano(path)["IXX"]
    assert ix.framework.children("IXX") == ("Alpha", "Beta")
    assert ix.framework.children("Beta") == tuple(TREE["Beta"])
    assert {"Grain", "Steel Output", "Alpha", "IXX"} <= set(ix.shares)


def test_explicit_tree(synthetic):
    path, _ = synthetic
    tree = {"IXX": {"Alpha": ["Grain", "Fish"], "Beta": ["Films"]}}
    ix = sp.read_elcano(path, tree=tree)["IXX"]
    assert ix.framework.indicators == ("Grain", "Fish", "Films")
    with pytest.raises(DataError, match="Nope"):
        sp.read_elcano(path, tree={"IXX": {"Alpha": ["Nope"]}})


def _edit(path, tmp_path, sheet, cell, value):
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def test_bad_cell_is_named(synthetic, tmp_path):
    path, _ = synthetic
    bad = _edit(path, tmp_path, "Fish IXX", "C3", "n.a.")
    with pytest.raises(DataError, match=r"'Fish IXX'!C3 should be a number"):
        sp.read_elcano(bad)


def test_bad_year_header_is_named(synthetic, tmp_path):
    path, _ = synthetic
    bad = _edit(path, tmp_path, "Grain IXX", "C1", "Year two")
    with pytest.raises(DataError, match=r"'Grain IXX'!C1 should hold a year"):
        sp.read_elcano(bad)


def test_unlabelled_row_with_values(synthetic, tmp_path):
    path, _ = synthetic
    # A stray row below or inside the table (editions have totals and notes there) is left
    # out and listed, not read as a unit.
    bad = _edit(path, tmp_path, "Grain IXX", "A3", None)
    ix = sp.read_elcano(bad)["IXX"]
    assert ix.skipped_rows == ("'Grain IXX'!A3",)
    assert np.isnan(ix.data.loc["Borduria", "Grain"]).all()


def test_unmatched_abbreviation(synthetic, tmp_path):
    path, _ = synthetic
    wb = openpyxl.load_workbook(path)
    wb["Steel O. IXX CONTRIBUTION"].title = "Zinc IXX CONTRIBUTION"
    out = tmp_path / "renamed.xlsx"
    wb.save(out)
    ix = sp.read_elcano(out)["IXX"]
    assert ix.unmatched_sheets == ("Zinc IXX CONTRIBUTION",)
    assert "Steel Output" not in ix.contributions
    # The tree then comes from the values, and is the same.
    assert ix.framework.children("Alpha") == tuple(TREE["Alpha"])


def test_ambiguous_abbreviation(synthetic, tmp_path):
    path, _ = synthetic
    wb = openpyxl.load_workbook(path)
    wb["Steel O. IXX CONTRIBUTION"].title = "F. IXX CONTRIBUTION"  # Fish or Films?
    out = tmp_path / "ambiguous.xlsx"
    wb.save(out)
    with pytest.raises(DataError, match=r"'F\.' should name exactly one"):
        sp.read_elcano(out)


def test_not_a_workbook(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a zip")
    with pytest.raises(DataError, match="Cannot open"):
        sp.read_elcano(junk)
    with pytest.raises(SpindexTypeError, match="'source' parameter of read_elcano"):
        sp.read_elcano(3)  # type: ignore[arg-type]


def test_no_index_in_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet A"
    out = tmp_path / "plain.xlsx"
    wb.save(out)
    with pytest.raises(DataError, match="holds no Elcano index"):
        sp.read_elcano(out)


def test_missing_openpyxl(monkeypatch, synthetic):
    import builtins

    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "openpyxl":
            raise ImportError("no openpyxl")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(MissingDependencyError, match="spindex\\[excel\\]"):
        sp.read_elcano(synthetic[0])


def test_index_weights_constant():
    # Guard the fixture itself: the index is the weighted sum it claims to be.
    assert sum(INDEX_WEIGHTS.values()) == pytest.approx(1.0)


# ------------------------------------------------------------------- the 2021 edition
@pytest.fixture(scope="module")
def book():
    return sp.read_elcano(sp.datasets.path("elcano"))


def test_2021_edition_layout(book):
    assert list(book) == ["IEPG", "IEPE"]
    g = book["IEPG"]
    assert g.framework.children("IEPG") == ("Economic", "Military", "Soft")
    assert g.framework.children("Economic") == (
        "Energy", "Primary Goods", "Manufactures", "Services", "Investments")
    assert g.framework.children("Military") == ("Troops", "Military Equipment")
    assert len(g.framework.children("Soft")) == 9
    assert g.data.index.get_level_values("unit").nunique() == 151
    assert g.data.index.get_level_values("year").unique().tolist() == [
        1990, 1995, 2000, 2005, *range(2010, 2022)]
    assert len(g.data) == 2386  # unit-years with values (no ex-Soviet states in 1990, ...)
    assert {"Military Equipment", "Development Coop."} <= set(g.contributions)
    e = book["IEPE"]
    assert e.framework.children("IEPE") == ("Economic", "Soft")
    assert "Development Coop." not in e.framework.indicators
    assert "Troops IEPE" in e.empty_sheets
    assert e.data.index.get_level_values("unit").nunique() == 28


def test_dataset_loader(book):
    panel = sp.datasets.load("elcano")
    pd.testing.assert_frame_equal(panel, book["IEPG"].data)
    assert sp.datasets.load_panel("elcano").shape == (2386, 16)
    fw = sp.Framework.from_table(sp.datasets.load_framework("elcano"))
    assert fw.indicators == book["IEPG"].framework.indicators
    assert "Real Instituto Elcano" in sp.datasets.describe("elcano")
    assert "elcano" in sp.datasets.available()


def test_2021_tree_from_values_agrees(book):
    # Without the contribution sheets the values alone give the same tree (a robust fit,
    # so Soft's 296 deviating rows do not blur it).
    from spindex.elcano import _membership

    for code in ("IEPG", "IEPE"):
        ix = book[code]
        dims = list(ix.framework.children(code))
        tree = _membership(code, list(ix.data.columns), dims, ix.data, ix.dimensions, "values")
        assert tree == {d: list(ix.framework.children(d)) for d in dims}
