"""The second demo (`make demo-elcano`, `spindex demo --elcano`): China vs Japan on Elcano's soft
dimension, 1990-2021. Its printed answer and tables equal what the public API computes and what
docs/elcano-china-japan.md states."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

import spindex as sp
from spindex.cli import main
from spindex.softpower.elcano_demo import _ranges, soft_model

pytest.importorskip("openpyxl")

DOCS = Path(__file__).resolve().parents[1] / "docs" / "elcano-china-japan.md"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[int, str, Path]:
    folder = tmp_path_factory.mktemp("elcano-demo")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["demo", "--elcano", "--output", str(folder)])
    return rc, buf.getvalue(), folder


@pytest.fixture(scope="module")
def api() -> dict[str, object]:
    """The answer recomputed here with the public API, independently of the demo module."""
    model = soft_model()
    data = sp.datasets.load("elcano")[list(model.framework.indicators)]
    cj = data[data.index.get_level_values("unit").isin(["China", "Japan"])]
    scores = sp.score_panel(model, cj).period_scores()
    ua = sp.uncertainty_panel(model, cj, weights=0.25, n=20_000, seed=0)
    years = list(scores.columns)
    return {
        "scores": scores,
        "share": {t: sp.dominance(model, cj.xs(t, level="year"), "China", "Japan").share
                  for t in years},
        "pm25": {t: ua[t].rank_counts.loc["China", 1] / 20_000 for t in years},
    }


def test_cli_exit_zero_and_files(demo_run):
    rc, _, folder = demo_run
    assert rc == 0
    for name in ["elcano_soft_scores.csv", "elcano_china_japan.csv"]:
        assert (folder / name).is_file()
    scores = pd.read_csv(folder / "elcano_soft_scores.csv", index_col="year")
    assert list(scores.columns) == ["China", "Japan", "US", "Korea", "India", "Australia"]
    assert scores.index[0] == 1990 and scores.index[-1] == 2021
    pytest.importorskip("matplotlib")
    for name in ["elcano_soft_trends.png", "elcano_china_japan.png"]:
        assert (folder / name).stat().st_size > 10_000


def test_printed_overtaking_year_and_band_match_the_api(demo_run, api):
    _, text, _ = demo_run
    scores = api["scores"]
    leads = [t for t in scores.columns if scores.loc["China", t] >= scores.loc["Japan", t]]
    first = int(re.search(r"China overtakes Japan in (\d{4})", text).group(1))
    since = int(re.search(r"leads in every year since (\d{4})", text).group(1))
    assert first == leads[0] == 2016
    assert since == 2018 and all(t in leads for t in scores.columns if t >= since)
    assert scores.loc["China", since - 1] < scores.loc["Japan", since - 1]
    undecided = [int(t) for t, p in api["pm25"].items() if 0 < p < 1]
    assert undecided == [2012, 2013, 2014, 2015, 2016, 2017, 2018, 2021]
    assert f"The data cannot decide (the order depends on the weights within +-25 %) in " \
           f"{_ranges(undecided)}:" in text


def test_printed_shares_match_the_api(demo_run, api):
    _, text, folder = demo_run
    table = pd.read_csv(folder / "elcano_china_japan.csv", index_col="year")
    for t, share in api["share"].items():
        assert table.loc[t, "simplex_share"] == pytest.approx(share, abs=1e-12)
        assert table.loc[t, "share_pm25"] == api["pm25"][t]
        line = re.search(rf"^{t}\s.*$", text, flags=re.M).group(0)
        assert f"{share:.4f}" in line.split() and f"{api['pm25'][t]:.4f}" in line.split()
    gap = api["scores"].loc["China"] - api["scores"].loc["Japan"]
    assert table["gap"].to_numpy() == pytest.approx(gap.to_numpy(), abs=1e-9)


def test_numbers_match_the_docs_page(demo_run):
    """Every row of the docs page's answer table is what the demo writes."""
    _, _, folder = demo_run
    table = pd.read_csv(folder / "elcano_china_japan.csv", index_col="year")
    rows = re.findall(r"^\| (\d{4}) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$",
                      DOCS.read_text(encoding="utf-8"), flags=re.M)
    assert len(rows) >= 15
    for year, china, japan, share, pm25 in rows:
        row = table.loc[int(year)]
        assert round(row["China"], 1) == float(china)
        assert round(row["Japan"], 1) == float(japan)
        assert round(row["simplex_share"], 4) == float(share)
        if "." in pm25:   # rounded as printed on the page
            assert abs(row["share_pm25"] - float(pm25)) <= 0.5 * 10.0 ** -len(pm25.split(".")[1])
        else:             # "0" and "1" are exact: no draw, or every draw
            assert row["share_pm25"] == float(pm25)


def test_plain_demo_keeps_its_default_folder(monkeypatch, tmp_path):
    """Without --elcano, `spindex demo` still runs the ASEAN demo into spindex-demo/."""
    calls: list[object] = []
    monkeypatch.setattr("spindex.softpower.demo.run_demo", lambda folder: calls.append(folder))
    assert main(["demo"]) == 0
    assert calls == ["spindex-demo"]
