"""The command line: results identical to the library's, and one clean line for every user error."""

from __future__ import annotations

import re
import subprocess
import sys
import types
import zipfile
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex import cli
from spindex._io import read_csv_exact
from spindex.cli import main

ASEM = Path(sp.__file__).parent / "datasets" / "data" / "asem"
IDATA = str(ASEM / "ASEM_iData.csv")
IMETA = str(ASEM / "ASEM_iMeta.csv")
INPUT = [IDATA, "--framework", IMETA]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """The ASEM data as the command reads it: the CSV, indexed by uCode."""
    return read_csv_exact(IDATA).set_index("uCode")


@pytest.fixture(scope="module")
def fw() -> sp.Framework:
    return sp.Framework.from_table(read_csv_exact(IMETA))


def read_back(path: Path | str) -> pd.DataFrame:
    return read_csv_exact(path, index_col=0)


def assert_bits_equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same labels, same missing cells, same doubles to the last bit."""
    assert list(got.index) == list(expected.index)
    assert list(got.columns) == list(expected.columns)
    a = got.to_numpy(dtype=float)
    b = expected.to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    assert np.array_equal(a.view(np.int64)[~np.isnan(a)], b.view(np.int64)[~np.isnan(b)])


# ---------------------------------------------------------------------------------- score
def test_score_reproduces_the_library_bit_for_bit(tmp_path, data, fw, capsys):
    out = tmp_path / "scores.csv"
    assert main(["score", *INPUT, "--output", str(out)]) == 0
    expected = sp.CompositeIndex(fw).score(data)
    assert_bits_equal(read_back(out), expected.scores)
    assert_bits_equal(read_back(tmp_path / "scores.ranks.csv"), expected.ranks)
    err = capsys.readouterr().err
    assert "wrote" in err and "Traceback" not in err


def test_python_m_spindex_reproduces_the_library(data, fw):
    proc = subprocess.run(
        [sys.executable, "-m", "spindex", "score", *INPUT, "--output", "-"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    got = read_csv_exact(StringIO(proc.stdout), index_col=0)
    assert_bits_equal(got, sp.CompositeIndex(fw).score(data).scores)


def test_user_error_is_exactly_one_line(tmp_path, capsys):
    # In-process: the score subcommand's errors also run in a real process below
    # (test_python_m_spindex_user_errors), through the same main().
    assert main(["score", str(tmp_path / "none.csv"), "--framework", IMETA]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [f"spindex: error: Data file not found: "
                                                 f"{tmp_path / 'none.csv'}"]
    assert captured.out == ""


def test_score_prints_a_ranking_table(capsys, data, fw):
    assert main(["score", *INPUT, "--level", "2"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[2].split()
    expected = sp.CompositeIndex(fw).score(data).table(level=2)
    assert first[:2] == [expected.index[0], "1"]
    assert "Physical" in out.splitlines()[0]


def test_score_method_options(tmp_path, data, fw):
    out = tmp_path / "s.csv"
    args = ["score", *INPUT, "-o", str(out), "--normalize", "minmax:low=1,high=100",
            "--aggregate", "geometric", "--aggregate-level", "2=harmonic",
            "--aggregate-node", "Sust=generalized:p=0.5",
            "--normalize-node", "Physical=zscore:10,2", "--min-coverage", "0.5"]
    assert main(args) == 0
    model = sp.CompositeIndex(
        fw,
        normalize={"default": sp.MinMax(low=1, high=100), "Physical": sp.ZScore(10, 2)},
        aggregate={"default": "geometric", 2: "harmonic", "Sust": sp.GeneralizedMean(0.5)},
        min_coverage=0.5,
    )
    assert_bits_equal(read_back(out), model.score(data).scores)


def test_score_coinr_example_pipeline(tmp_path, data, fw):
    out = tmp_path / "s.csv"
    args = ["score", *INPUT, "-o", str(out), "--ranks", str(tmp_path / "r.csv"),
            "--normalize", "minmax:low=0,high=100", "--denominate", "framework:missing=propagate",
            "--impute", "group_mean:EurAsia_group", "--screen", "0.9", "--treat", "default"]
    assert main(args) == 0
    model = sp.CompositeIndex(
        fw, normalize=sp.MinMax(0, 100), denominate=sp.Denominate("framework", missing="propagate"),
        impute=sp.GroupMean("EurAsia_group"), screen=sp.Screen(min_coverage=0.9), treat="default",
    )
    res = model.score(data)
    assert_bits_equal(read_back(out), res.scores)
    assert_bits_equal(read_back(tmp_path / "r.csv"), res.ranks)
    assert read_back(out)["Index"].idxmax() == "CHE"


def test_framework_from_toml_and_unit_column(tmp_path, capsys):
    toml = tmp_path / "fw.toml"
    toml.write_text(
        '[nodes.Index]\n[nodes.Aid]\nparent = "Index"\n'
        '[nodes.Opinion]\nparent = "Index"\nweight = 3\n',
        encoding="utf-8",
    )
    table = tmp_path / "d.csv"
    table.write_text("name,country,Aid,Opinion\nChina,CHN,80,30\nJapan,JPN,40,60\n"
                     "Korea,KOR,10,50\n", encoding="utf-8")
    assert main(["score", str(table), "-f", str(toml), "--unit-column", "country",
                 "--normalize", "none", "-o", "-", "--ranks", str(tmp_path / "r.csv")]) == 0
    got = read_csv_exact(StringIO(capsys.readouterr().out), index_col=0)
    assert got.index.name == "country"
    assert got["Index"].to_dict() == {"CHN": 42.5, "JPN": 55.0, "KOR": 40.0}


def test_framework_in_spindex_lower_case_columns(tmp_path, capsys):
    meta = tmp_path / "meta.csv"
    meta.write_text("code,parent,weight,direction\nIndex,,,\nAid,Index,1,1\nDebt,Index,1,-1\n",
                    encoding="utf-8")
    table = tmp_path / "d.csv"
    table.write_text("unit,Aid,Debt\nA,1,10\nB,3,30\nC,2,0\n", encoding="utf-8")
    assert main(["score", str(table), "-f", str(meta), "-o", "-"]) == 0
    got = read_csv_exact(StringIO(capsys.readouterr().out), index_col=0)
    # Debt counts negatively: A's 10 is two thirds of the way from the worst (30) to the best.
    assert got["Index"].to_dict() == pytest.approx({"A": 100 / 3, "B": 50.0, "C": 75.0})


def test_excel_and_parquet_are_dispatched_to_pandas(tmp_path, monkeypatch, data, capsys):
    meta = read_csv_exact(IMETA)
    calls: list[str] = []

    def fake_excel(path, *args, **kwargs):
        calls.append(f"excel:{Path(path).name}")
        return meta.copy()

    def fake_parquet(path, *args, **kwargs):
        calls.append(f"parquet:{Path(path).name}")
        return data.copy()  # keeps its uCode index, as a Parquet file written by pandas does

    monkeypatch.setattr(pd, "read_excel", fake_excel)
    monkeypatch.setattr(pd, "read_parquet", fake_parquet)
    (tmp_path / "meta.xlsx").write_bytes(b"")
    (tmp_path / "data.parquet").write_bytes(b"")
    assert main(["score", str(tmp_path / "data.parquet"), "-f", str(tmp_path / "meta.xlsx"),
                 "-o", "-"]) == 0
    assert calls == ["excel:meta.xlsx", "parquet:data.parquet"]
    got = read_csv_exact(StringIO(capsys.readouterr().out), index_col=0)
    assert got.index.name == "uCode" and len(got) == 51


def test_excel_round_trip(tmp_path, data, fw):
    pytest.importorskip("openpyxl")
    xlsx = tmp_path / "data.xlsx"
    data.reset_index().to_excel(xlsx, index=False)
    out = tmp_path / "s.csv"
    assert main(["score", str(xlsx), "-f", IMETA, "-o", str(out)]) == 0
    expected = sp.CompositeIndex(fw).score(pd.read_excel(xlsx).set_index("uCode")).scores
    assert_bits_equal(read_back(out), expected)


def test_parquet_round_trip(tmp_path, data, fw):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    data.to_parquet(path)
    out = tmp_path / "s.csv"
    assert main(["score", str(path), "-f", IMETA, "-o", str(out)]) == 0
    assert_bits_equal(read_back(out), sp.CompositeIndex(fw).score(data).scores)


# ------------------------------------------------------------------------------- analyses
UA = ["--normalize", "minmax:low=1,high=100", "--levels", "2,3",
      "--aggregate-alternatives", "arithmetic,geometric", "--seed", "7"]


def test_uncertainty_summary_is_the_library_s(tmp_path, data, fw, capsys):
    out, inputs = tmp_path / "ua.csv", tmp_path / "inputs.csv"
    assert main(["uncertainty", *INPUT, *UA, "-n", "600", "-o", str(out), "--inputs",
                 str(inputs), "--rank-counts", str(tmp_path / "counts.csv"), "--progress"]) == 0
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    ua = sp.uncertainty(model, data, weights=sp.WeightNoise(0.25, levels=[2, 3]),
                        aggregate=["arithmetic", "geometric"], n=600, seed=7, keep_inputs=True)
    assert_bits_equal(read_back(out), ua.summary())
    got_inputs = read_back(inputs)
    assert list(got_inputs.columns) == list(ua.inputs.columns)
    assert (got_inputs["aggregate"] == ua.inputs["aggregate"].astype(str)).all()
    assert read_back(tmp_path / "counts.csv").to_numpy().sum() == 600 * 51
    assert "uncertainty: 600/600 runs" in capsys.readouterr().err


def test_uncertainty_workers_give_identical_results(tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    # Three chunks (the engine's chunks are 8192 runs), one per block, shared out by the pool.
    base = ["uncertainty", *INPUT, *UA, "-n", "20000", "--block-size", "8192"]
    assert main([*base, "-o", str(one)]) == 0
    assert main([*base, "-o", str(two), "--workers", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()


def test_uncertainty_weight_distributions_and_print(capsys):
    assert main(["uncertainty", *INPUT, "--weights", "dirichlet", "--levels", "2", "-n", "100",
                 "--seed", "1", "--concentration", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("100 runs; mean rank shift R_S = ")
    assert main(["uncertainty", *INPUT, "--weights", "fixed", "--normalize-alternatives",
                 "minmax,zscore", "-n", "50", "--seed", "1"]) == 0
    assert main(["uncertainty", *INPUT, "--weights", "uniform", "--levels", "3", "-n", "50",
                 "--impute-alternatives", "none,mean"]) == 0


@pytest.mark.filterwarnings("default::spindex.errors.SpindexWarning")  # as a shell runs it
def test_sobol_summary_is_the_library_s(tmp_path, data, fw, capsys):
    out = tmp_path / "sa.csv"
    assert main(["sobol", *INPUT, *UA, "-n", "256", "--bootstrap", "20", "-o", str(out),
                 "--first-order", str(tmp_path / "s1.csv"), "--total-order",
                 str(tmp_path / "st.csv"), "--confidence", str(tmp_path / "ci.csv")]) == 0
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    with pytest.warns(sp.SpindexWarning, match="never varies"):
        sa = sp.sobol(model, data, weights=sp.WeightNoise(0.25, levels=[2, 3]),
                      aggregate=["arithmetic", "geometric"], n=256, seed=7, bootstrap=20)
    expected = sa.summary()
    expected.index.name = "input"
    assert_bits_equal(read_back(out), expected)
    assert_bits_equal(read_back(tmp_path / "st.csv"), sa.total_order)
    assert list(read_back(tmp_path / "s1.csv").index) == ["Conn", "Sust", "Index", "aggregate"]
    assert len(pd.read_csv(tmp_path / "ci.csv")) > 0
    assert main(["sobol", *INPUT, "--groups", "none", "--levels", "3", "-n", "64",
                 "--bootstrap", "0"]) == 0
    assert "Sobol indices: 2 inputs" in capsys.readouterr().out


def test_dominance_pair(tmp_path, data, fw, capsys):
    out, thresholds = tmp_path / "d.csv", tmp_path / "t.csv"
    assert main(["dominance", *INPUT, "JPN", "CHN", "--node", "Conn", "-o", str(out),
                 "--thresholds", str(thresholds)]) == 0
    res = sp.dominance(sp.CompositeIndex(fw), data, "JPN", "CHN", node="Conn")
    assert capsys.readouterr().out.strip() == res.statement()
    row = pd.read_csv(out).iloc[0]
    assert (row["a"], row["b"], row["method"]) == ("JPN", "CHN", "exact")
    assert float(row["share"]) == res.share
    assert_bits_equal(read_back(thresholds)[["nominal", "vertex_gap", "flip_at"]],
                      res.thresholds[["nominal", "vertex_gap", "flip_at"]])


def test_dominance_monte_carlo_and_matrix(tmp_path, data, fw, capsys):
    assert main(["dominance", *INPUT, "JPN", "CHN", "--level", "2", "--method", "monte_carlo",
                 "-n", "2000", "--seed", "3"]) == 0
    res = sp.dominance(sp.CompositeIndex(fw), data, "JPN", "CHN", 2, method="monte_carlo",
                       n=2000, seed=3)
    assert capsys.readouterr().out.strip() == res.statement()
    out = tmp_path / "m.csv"
    assert main(["dominance-matrix", *INPUT, "--node", "Sust", "-o", str(out)]) == 0
    matrix = sp.dominance_matrix(sp.CompositeIndex(fw), data, node="Sust")
    assert_bits_equal(read_back(out), matrix)
    assert main(["dominance-matrix", *INPUT, "--node", "Sust"]) == 0
    assert "row unit scores at least as high" in capsys.readouterr().out


def test_numeric_unit_labels(tmp_path, capsys):
    table = tmp_path / "d.csv"
    table.write_text("id,Aid,Opinion\n1,80,30\n2,40,60\n3,10,50\n", encoding="utf-8")
    meta = tmp_path / "m.csv"
    meta.write_text("code,parent\nIndex,\nAid,Index\nOpinion,Index\n", encoding="utf-8")
    assert main(["dominance", str(table), "-f", str(meta), "2", "1", "--normalize", "none"]) == 0
    assert capsys.readouterr().out.startswith("2 scores at least as high as 1 on 0.4286")


# --------------------------------------------------------------------------------- report
@pytest.mark.filterwarnings("default::spindex.errors.SpindexWarning")  # as a shell runs it
def test_report_calls_spindex_report(tmp_path, monkeypatch, capsys):
    seen: dict[str, object] = {}
    fake = types.ModuleType("spindex.report")

    def report(obj, path, **options):
        seen.update(obj=obj, path=path, options=options)
        Path(path).write_text("<html></html>", encoding="utf-8")

    fake.report = report  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spindex.report", fake)
    out = tmp_path / "r.html"
    assert main(["report", *INPUT, "-o", str(out)]) == 0
    assert [type(x).__name__ for x in seen["obj"]] == ["IndexResult", "DataChecks"]
    assert seen["options"] == {"title": None, "level": None, "units": None, "figures": True}
    assert out.exists()
    assert main(["report", *INPUT, "-o", str(out), "--uncertainty-n", "64", "--sobol-n", "32",
                 "--smaa-n", "100", "--dominance", "JPN", "CHN", "--levels", "2", "--seed", "1",
                 "--title", "ASEM", "--level", "2", "--units", "DEU,JPN", "--no-figures"]) == 0
    kinds = [type(x).__name__ for x in seen["obj"]]  # type: ignore[attr-defined]
    assert kinds == ["IndexResult", "DataChecks", "UncertaintyResult", "SobolResult",
                     "SMAAResult", "DominanceResult"]
    assert seen["options"] == {"title": "ASEM", "level": 2, "units": ["DEU", "JPN"],
                               "figures": False}


def test_report_writes_html(tmp_path, capsys):
    pytest.importorskip("spindex.report")
    out = tmp_path / "r.html"
    assert main(["report", *INPUT, "-o", str(out), "--no-figures", "--uncertainty-n", "100",
                 "--seed", "1"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_without_the_module(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "spindex.report", None)  # import raises ModuleNotFoundError
    assert main(["report", *INPUT, "-o", "r.html"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spindex: error: ") and "spindex.report" in err


# ------------------------------------------------------------------------------ bad input
def _binary(tmp_path: Path) -> Path:
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(256)) * 4)
    return path


def _xlsx_without_engine(tmp_path: Path) -> Path:
    path = tmp_path / "meta.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return path


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


USER_ERRORS = {
    "missing data file": lambda t: ["score", str(t / "no.csv"), "-f", IMETA],
    "missing framework file": lambda t: ["score", IDATA, "-f", str(t / "no.csv")],
    "missing TOML framework": lambda t: ["score", IDATA, "-f", str(t / "no.toml")],
    "data file is a directory": lambda t: ["score", str(t), "-f", IMETA],
    "empty data file": lambda t: ["score", _write(t, "e.csv", ""), "-f", IMETA],
    "binary data file": lambda t: ["score", str(_binary(t)), "-f", IMETA],
    "framework is not a framework": lambda t: ["score", IDATA, "-f", IDATA],
    "invalid TOML": lambda t: ["score", IDATA, "-f", _write(t, "f.toml", "[nodes\n")],
    "framework with a cycle": lambda t: [
        "score", IDATA, "-f", _write(t, "c.csv", "code,parent\nA,B\nB,A\n")],
    "data without the indicators": lambda t: [
        "score", _write(t, "d.csv", "uCode,x\nA,1\nB,2\n"), "-f", IMETA],
    "non-numeric indicator": lambda t: [
        "score", _write(t, "d.csv", "u,a,b\nA,1,x\nB,2,y\n"), "-f",
        _write(t, "m.csv", "code,parent\nI,\na,I\nb,I\n")],
    "unknown unit column": lambda t: ["score", *INPUT, "--unit-column", "nope"],
    "unknown normalisation": lambda t: ["score", *INPUT, "--normalize", "minmaxx"],
    "unknown parameter": lambda t: ["score", *INPUT, "--normalize", "minmax:lo=1"],
    "bad parameter value": lambda t: ["score", *INPUT, "--normalize", "minmax:low=5,high=1"],
    "parameter needed": lambda t: ["score", *INPUT, "--aggregate", "generalized"],
    "unnamed after named": lambda t: ["score", *INPUT, "--normalize", "minmax:low=1,2"],
    "bad level mapping": lambda t: ["score", *INPUT, "--aggregate-level", "two=geometric"],
    "level mapping without =": lambda t: ["score", *INPUT, "--aggregate-level", "geometric"],
    "unknown node": lambda t: ["score", *INPUT, "--aggregate-node", "Nope=median"],
    "unknown imputer": lambda t: ["score", *INPUT, "--impute", "magic"],
    "group imputer without column": lambda t: ["score", *INPUT, "--impute", "group_mean"],
    "bad denominate": lambda t: ["score", *INPUT, "--denominate", "population"],
    "none with parameters": lambda t: ["score", *INPUT, "--impute", "none:x=1"],
    "geometric of zeros": lambda t: ["score", *INPUT, "--aggregate", "geometric"],
    "unwritable output": lambda t: ["score", *INPUT, "-o", str(t / "no" / "dir" / "s.csv")],
    "sobol n not a power of two": lambda t: ["sobol", *INPUT, "-n", "1000"],
    "sobol with a dirichlet": lambda t: ["report", *INPUT, "-o", str(t / "r.html"),
                                         "--sobol-n", "64", "--weights", "dirichlet"],
    "report folder missing": lambda t: ["report", *INPUT, "-o", str(t / "no" / "r.html"),
                                        "--no-figures"],
    "phi out of range": lambda t: ["uncertainty", *INPUT, "--phi", "1.5"],
    "nothing uncertain": lambda t: ["uncertainty", *INPUT, "--phi", "0"],
    "unknown level": lambda t: ["uncertainty", *INPUT, "--levels", "9"],
    "empty list item": lambda t: ["uncertainty", *INPUT, "--aggregate-alternatives",
                                  "arithmetic,,geometric"],
    "unknown alternative": lambda t: ["uncertainty", *INPUT, "--normalize-alternatives",
                                      "minmax,zz"],
    "unknown unit": lambda t: ["dominance", *INPUT, "JPN", "XXX"],
    "same unit twice": lambda t: ["dominance", *INPUT, "JPN", "JPN"],
    "level and node": lambda t: ["dominance", *INPUT, "JPN", "CHN", "--level", "2",
                                 "--node", "Conn"],
    "exact on several groups": lambda t: ["dominance-matrix", *INPUT, "--level", "2"],
}


@pytest.mark.parametrize("name", list(USER_ERRORS))
def test_user_errors_exit_2_with_one_line(name, tmp_path, capsys):
    assert main(USER_ERRORS[name](tmp_path)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("spindex: error: ")
    assert "Traceback" not in captured.err and captured.out == ""


def test_messages_name_the_problem(tmp_path, capsys):
    assert main(["score", *INPUT, "--normalize", "minmax:lo=1"]) == 2
    assert "The parameters of 'minmax' are: low, high, constant" in capsys.readouterr().err
    assert main(["score", str(tmp_path / "no.csv"), "-f", IMETA]) == 2
    assert "Data file not found" in capsys.readouterr().err
    assert main(["score", IDATA, "-f", IDATA]) == 2
    assert "no 'code' column" in capsys.readouterr().err


def test_missing_excel_engine_names_the_package(tmp_path, monkeypatch, capsys):
    def no_openpyxl(*args, **kwargs):
        raise ImportError("Missing optional dependency 'openpyxl'.")

    monkeypatch.setattr(pd, "read_excel", no_openpyxl)
    assert main(["score", IDATA, "-f", str(_xlsx_without_engine(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "needs the package 'openpyxl'" in err and "pip install openpyxl" in err


def test_missing_parquet_engine_names_the_package(tmp_path, monkeypatch, capsys):
    def no_pyarrow(*args, **kwargs):
        raise ImportError("Unable to find a usable engine")

    monkeypatch.setattr(pd, "read_parquet", no_pyarrow)
    path = tmp_path / "d.parquet"
    path.write_bytes(b"PAR1")
    assert main(["score", str(path), "-f", IMETA]) == 2
    assert "pip install pyarrow" in capsys.readouterr().err


def test_real_excel_file_without_openpyxl(tmp_path, capsys):
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        assert main(["score", IDATA, "-f", str(_xlsx_without_engine(tmp_path))]) == 2
        assert "pip install openpyxl" in capsys.readouterr().err
    else:
        pytest.skip("openpyxl is installed")


@pytest.mark.parametrize("argv", [
    [],
    ["nonsense"],
    ["score"],
    ["score", IDATA],
    ["score", *INPUT, "--bogus"],
    ["uncertainty", *INPUT, "-n", "many"],
    ["uncertainty", *INPUT, "--workers", "0"],
    ["uncertainty", *INPUT, "--weights", "gaussian"],
    ["score", *INPUT, "--min-coverage", "1.5"],
    ["dominance", *INPUT, "JPN"],
    ["dominance", *INPUT, "JPN", "CHN", "--method", "guess"],
    ["report", *INPUT],
])
def test_usage_errors_exit_2(argv, capsys):
    # Issue 12: a usage error is one line like every other user error (no usage dump), and
    # points to the subcommand's --help.
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("spindex: error: spindex")
    assert "--help')" in err and "Traceback" not in err


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    assert "score" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"spindex {sp.__version__}"
    for command in ("score", "uncertainty", "sobol", "dominance", "dominance-matrix", "report",
                    "demo"):
        assert main([command, "--help"]) == 0
        assert f"usage: spindex {command}" in capsys.readouterr().out


def test_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_score", interrupted)
    assert main(["score", *INPUT]) == 130
    assert capsys.readouterr().err.strip() == "spindex: interrupted"


@pytest.mark.filterwarnings("default::spindex.errors.SpindexWarning")  # as a shell runs it
def test_warnings_are_one_line(tmp_path, monkeypatch, capsys):
    def warn(args):
        import warnings

        warnings.warn("weights renormalised", sp.SpindexWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_cmd_score", warn)
    assert main(["score", *INPUT]) == 0
    assert capsys.readouterr().err == "spindex: warning: weights renormalised\n"


def test_a_warning_the_user_made_an_error_is_one_line(monkeypatch, capsys):
    # Under ``python -W error`` (this suite's filter too) a warning ends the command as an
    # error: one line and exit 2, never a traceback.
    def warn(args):
        import warnings

        warnings.warn("weights renormalised", sp.SpindexWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_cmd_score", warn)
    assert main(["score", *INPUT]) == 2
    assert capsys.readouterr().err == "spindex: error: weights renormalised\n"


def test_parse_helpers():
    assert cli.split_alternatives("minmax:low=1,high=100,zscore,goalposts:low=0,high=1") == [
        "minmax:low=1,high=100", "zscore", "goalposts:low=0,high=1"]
    assert cli.parse_method("aggregate", "generalised:p=2") == sp.GeneralizedMean(2)
    assert cli.parse_method("impute", "none") is None
    assert cli.parse_method("treat", "winsorize:winmax=3").winmax == 3
    assert cli.parse_method("normalize", "MinMax") == "minmax"


# ------------------------------------------------ issue 12: user errors of every subcommand
# Run as a user runs them (``python -m spindex ...``), each in its own process: exit status
# 2, exactly one line on standard error naming the culprit, no traceback, nothing on
# standard output. The processes are started together, so the batch costs about one start.
def _cli_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    folder_toml = tmp / "framework.toml"
    folder_toml.mkdir()
    binary_toml = tmp / "binary.toml"
    binary_toml.write_bytes(bytes(range(256)))
    corrupt_xlsx = tmp / "data.xlsx"
    with zipfile.ZipFile(corrupt_xlsx, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    header_only = tmp / "header.csv"
    header_only.write_text("uCode,GDP\n", encoding="utf-8")
    no_root = tmp / "noroot.csv"
    no_root.write_text("code,parent\nP,Index\na,P\n", encoding="utf-8")
    exists = tmp / "file"
    exists.write_text("x", encoding="utf-8")
    return {
        "score: framework TOML is a directory": (
            ["score", IDATA, "-f", str(folder_toml)], r"framework\.toml is a directory"),
        "score: binary TOML": (["score", IDATA, "-f", str(binary_toml)],
                               r"binary\.toml is not UTF-8"),
        "score: corrupt Excel data": (["score", str(corrupt_xlsx), "-f", IMETA],
                                      r"data\.xlsx.*Excel"),
        "score: header without rows": (["score", str(header_only), "-f", IMETA],
                                       r"header\.csv has a header .* but no rows"),
        "score: framework without its root row": (["score", IDATA, "-f", str(no_root)],
                                                   r"noroot\.csv: .*parent 'Index'"),
        "score: unknown method": (["score", *INPUT, "--normalize", "minmaxx"], r"'minmaxx'"),
        "score: missing framework option": (["score", IDATA], r"spindex score: .*--framework"),
        "uncertainty: negative seed": (["uncertainty", *INPUT, "--seed", "-1"],
                                       r"--seed: .*non-negative integer seed, got '-1'"),
        "uncertainty: n not a number": (["uncertainty", *INPUT, "-n", "abc"],
                                        r"-n/--n: expected a positive integer, got 'abc'"),
        "uncertainty: phi 2": (["uncertainty", *INPUT, "--phi", "2"], r"phi.*2"),
        "uncertainty: phi nan": (["uncertainty", *INPUT, "--phi", "nan"], r"--phi: .*'nan'"),
        "sobol: seed not a number": (["sobol", *INPUT, "-n", "64", "--seed", "1.5"],
                                     r"--seed: .*'1\.5'"),
        "sobol: negative bootstrap": (["sobol", *INPUT, "-n", "64", "--bootstrap", "-1"],
                                      r"--bootstrap: .*'-1'"),
        "sobol: confidence level 1": (["sobol", *INPUT, "-n", "64", "--confidence-level", "1"],
                                      r"--confidence-level: .*'1'"),
        "dominance: unknown unit": (["dominance", *INPUT, "JPN", "XXX"], r"'XXX' is not a unit"),
        "dominance: bad method": (["dominance", *INPUT, "JPN", "CHN", "--method", "guess"],
                                  r"--method: invalid choice: 'guess'"),
        "dominance-matrix: negative seed": (
            ["dominance-matrix", *INPUT, "--method", "monte_carlo", "--seed", "-3"],
            r"--seed: .*'-3'"),
        "report: negative seed": (["report", *INPUT, "-o", str(tmp / "r.html"), "--seed", "-1"],
                                  r"spindex report: argument --seed"),
        "report: output is a directory": (["report", *INPUT, "-o", str(tmp), "--no-figures"],
                                          re.escape(str(tmp))),
        "report: unknown unit in radar": (
            ["report", *INPUT, "-o", str(tmp / "r.html"), "--no-figures", "--units", "XXX"],
            r"'XXX'"),
        "demo: output is a file": (["demo", "--output", str(exists)], re.escape(str(exists))),
        "unknown subcommand": (["nonsense"], r"invalid choice: 'nonsense'"),
        "score: unknown option": (["score", *INPUT, "--bogus", "1"],
                                  r"spindex score: unrecognized arguments: --bogus 1"),
    }


_CLI_CASE_NAMES = [
    "score: framework TOML is a directory", "score: binary TOML", "score: corrupt Excel data",
    "score: header without rows", "score: framework without its root row",
    "score: unknown method", "score: missing framework option",
    "uncertainty: negative seed", "uncertainty: n not a number", "uncertainty: phi 2",
    "uncertainty: phi nan", "sobol: seed not a number", "sobol: negative bootstrap",
    "sobol: confidence level 1", "dominance: unknown unit", "dominance: bad method",
    "dominance-matrix: negative seed", "report: negative seed",
    "report: output is a directory", "report: unknown unit in radar",
    "demo: output is a file", "unknown subcommand", "score: unknown option",
]


# Each of these also runs in its own ``python -m spindex`` process: one per subcommand (for
# score and uncertainty, the two cases named in the issue) and an unknown subcommand.
# Starting a process costs about 1.4 CPU-seconds (importing spindex, pandas and scipy), so
# the others run in-process through main(), which is the same code path.
_IN_A_PROCESS = [
    "score: framework TOML is a directory",
    "uncertainty: negative seed", "sobol: negative bootstrap",
    "dominance: unknown unit", "dominance-matrix: negative seed", "report: negative seed",
    "demo: output is a file", "unknown subcommand",
]


def _check_one_line(name, code, out, err, culprit):
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("spindex: error: ") and "Traceback" not in err
    assert re.search(culprit, lines[0]), lines[0]
    assert out == "", out


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli_errors")
    cases = _cli_cases(tmp)
    assert sorted(cases) == sorted(_CLI_CASE_NAMES)
    # Started together, so the batch costs about one start.
    procs = {
        name: subprocess.Popen([sys.executable, "-m", "spindex", *cases[name][0]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in _IN_A_PROCESS
    }
    runs = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        runs[name] = (proc.returncode, out, err, cases[name][1])
    return runs


@pytest.mark.parametrize("name", _CLI_CASE_NAMES)
def test_user_errors_of_every_subcommand(name, tmp_path, capsys):
    argv, culprit = _cli_cases(tmp_path)[name]
    code = main(argv)
    captured = capsys.readouterr()
    _check_one_line(name, code, captured.out, captured.err, culprit)


@pytest.mark.parametrize("name", _IN_A_PROCESS)
def test_python_m_spindex_user_errors(name, cli_runs):
    _check_one_line(name, *cli_runs[name])
