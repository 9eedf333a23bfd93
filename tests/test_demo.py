"""The demo (`make demo`, `spindex demo`) runs on the bundled ASEAN data and writes its tables."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spindex as sp
from spindex.cli import main
from spindex.errors import ParameterError
from spindex.result import IndexResult
from spindex.softpower.demo import SECTIONS, DemoContext, build_context, run_demo


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory) -> tuple[int, IndexResult, str, Path]:
    """One ``spindex demo`` run through main(), shared by every test of the demo's output.

    A full demo takes seconds, so the command and the function it calls run once together:
    the exit code, what run_demo returned (recorded on its way through main), the printed
    text and the output folder.
    """
    folder = tmp_path_factory.mktemp("demo")
    returned: list[IndexResult] = []

    def recorded(*args, **kwargs):
        returned.append(run_demo(*args, **kwargs))
        return returned[-1]

    buf = io.StringIO()
    # No timing assert: it would pass or fail with the machine's load. The demo's time is
    # measured by benchmarks/bench_demo.py.
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(buf):
        mp.setattr("spindex.softpower.demo.run_demo", recorded)
        code = main(["demo", "--output", str(folder)])
    assert len(returned) == 1
    return code, returned[0], buf.getvalue(), folder


@pytest.fixture(scope="module")
def demo_run(demo_cli) -> tuple[IndexResult, str, Path]:
    _, res, text, folder = demo_cli
    return res, text, folder


def part(text: str, which: str) -> str:
    """The printed part of one period: "founding" or "recent"."""
    founding, recent = text.split("PART: the recent years")
    assert "PART: the founding period 2009-2011" in founding
    return founding if which == "founding" else recent


def ranking_lines(text: str) -> list[tuple[str, int]]:
    """(source, rank) pairs from the printed ranking table of the recent years."""
    block = part(text, "recent").split("ranking of the sources")[1].split(
        "Pillar contributions")[0]
    return [(m.group(1), int(m.group(2)))
            for m in re.finditer(r"^([A-Z]{3})\s+(\d+)\s", block, flags=re.MULTILINE)]


def test_demo_prints_the_ranking(demo_run):
    res, text, _ = demo_run
    lines = ranking_lines(text)
    assert [s for s, _ in lines] == res.table().index.tolist()
    assert [r for _, r in lines] == [1, 2, 3, 4, 5, 6]
    assert {s for s, _ in lines} == {"CHN", "JPN", "KOR", "USA", "AUS", "IND"}
    assert {s for s, _ in lines[:2]} == {"CHN", "JPN"}
    header = part(text, "recent").split("ranking of the sources")[1].splitlines()
    assert any(all(p in line for p in ("economic", "tourism", "culture", "opinion"))
               for line in header)


def test_demo_answers_first_for_the_founding_period(demo_run):
    _, text, folder = demo_run
    founding = part(text, "founding")
    assert text.index("PART: the founding period") < text.index("PART: the recent years")
    block = founding.split("ranking of the sources")[1].split("Pillar contributions")[0]
    ranks = [(m.group(1), int(m.group(2)))
             for m in re.finditer(r"^([A-Z]{3})\s+(\d+)\s", block, flags=re.MULTILINE)]
    assert {s for s, _ in ranks} == {"CHN", "JPN", "KOR", "USA", "AUS", "IND", "DEU", "FRA",
                                     "GBR"}
    assert "all five" in block
    assert any(all(p in line for p in ("aid", "economic", "tourism", "culture", "opinion"))
               for line in block.splitlines())
    ranking = pd.read_csv(folder / "founding_ranking.csv", index_col=0)
    assert ranking.index.tolist() == [s for s, _ in ranks]
    # Every value's year is shown.
    assert "The year(s) of each value" in founding and "2009-2010" in founding
    share = float(re.search(r"CHN scores at least as high as JPN on ([0-9.]+) of the weights "
                            r"\(exact\)", founding).group(1))
    assert 0 < share < 1
    assert "The order flips on the hyperplane" in founding
    assert "Plainly:" in founding and "Plainly:" in part(text, "recent")
    assert "How fragile is the ranking?" in founding


def test_demo_answers_per_member(demo_run):
    _, text, folder = demo_run
    assert "China vs Japan in each member" in part(text, "founding")
    table = pd.read_csv(folder / "founding_china_japan_by_member.csv", index_col=0)
    assert {"VNM", "IDN", "THA"} <= set(table.index)
    assert table["share CHN >= JPN"].between(0, 1).all()
    assert set(table["leader"]) <= {"CHN", "JPN"}
    assert (table["leader"] == "CHN").equals(table["CHN"] > table["JPN"])


def test_demo_shows_the_data_source_choice(demo_run):
    _, text, folder = demo_run
    # China's aid: AidData and Lowy disagree, visibly, member by member.
    recent = part(text, "recent")
    assert "Lowy committed" in recent and "AidData all flows" in recent
    aid = pd.read_csv(folder / "china_aid_sources.csv", index_col=0)
    assert aid.loc["THA", "Lowy committed"] == pytest.approx(21.6)
    assert aid.loc["THA", "AidData all flows"] == pytest.approx(1.43, abs=0.005)
    assert aid["Lowy/AidData (committed)"].max() > 10
    # The founding-period answer under each source choice.
    choice = pd.read_csv(folder / "founding_china_japan_by_source_choice.csv")
    assert len(choice) == 4
    assert choice["share CHN >= JPN"].between(0, 1).all()
    assert choice["share CHN >= JPN"].nunique() == 4  # each choice moves the answer
    assert "Share range" in part(text, "founding")


def test_demo_prints_contributions_and_coverage(demo_run):
    _, text, _ = demo_run
    assert "Pillar contributions" in text
    assert "Data coverage" in text and "How missing cells are treated" in text
    assert "min_coverage" in text and "impute='median'" in text
    assert "Who leads where" in text


def test_demo_writes_the_tables(demo_run):
    res, text, folder = demo_run
    for stem in ("ranking", "contributions", "scores", "coverage", "data", "provenance",
                 "tourism_by_destination"):
        assert (folder / f"{stem}.csv").exists(), stem
    ranking = pd.read_csv(folder / "ranking.csv", index_col=0)
    assert ranking.index.tolist() == res.table().index.tolist()
    contrib = pd.read_csv(folder / "contributions.csv", index_col=0)
    # Contributions add up to the index score.
    pd.testing.assert_series_equal(contrib.sum(axis=1), ranking["soft_power"].loc[contrib.index],
                                   check_names=False, atol=1e-12)
    assert str(folder.resolve()) in text


def test_sections_can_be_chosen_and_added(tmp_path, monkeypatch):
    # The figures and the report depend on the period only, not on the sections, and the
    # full demo run above (demo_cli) draws them for both periods: here they would cost four
    # fifths of the test's time for nothing it checks.
    monkeypatch.setattr("spindex.softpower.demo._write_figures", lambda ctx, folder, out: None)

    def extra(ctx: DemoContext, out) -> dict[str, pd.DataFrame]:
        out.write("EXTRA SECTION\n")
        return {"extra": ctx.result.ranks}

    buf = io.StringIO()
    run_demo(tmp_path, out=buf, sections=(SECTIONS[0], extra))
    assert buf.getvalue().count("EXTRA SECTION") == 2  # once per period
    assert (tmp_path / "extra.csv").exists() and not (tmp_path / "coverage.csv").exists()
    assert (tmp_path / "founding_extra.csv").exists()
    buf = io.StringIO()
    run_demo(tmp_path / "recent", out=buf, sections=(extra,), periods=(None,))
    assert buf.getvalue().count("EXTRA SECTION") == 1
    with pytest.raises(ParameterError, match="'periods' parameter of run_demo"):
        run_demo(tmp_path, out=io.StringIO(), periods=())


def test_context():
    ctx = build_context()
    assert ctx.framework.root == "soft_power"
    assert ctx.result.scores.shape[0] == len(ctx.data) == 6
    assert ctx.period is None and ctx.label == "recent years"
    founding = build_context("2009-2011")
    assert len(founding.data) == 9 and founding.years.loc["JPN", "aid_oda"] == "2009-2010"
    assert founding.framework.children("soft_power")[0] == "aid"


def test_cli_demo(demo_cli):
    code, _, text, folder = demo_cli
    assert code == 0
    assert "ranking of the sources" in text
    assert (folder / "ranking.csv").exists()


def test_demo_answers_china_or_japan(demo_run):
    _, full, folder = demo_run
    text = part(full, "recent")
    block = text.split("How fragile is the ranking?")[1]
    assert re.search(r"^JPN\s+1\s+1\s+1-2\s", block, flags=re.MULTILINE)
    assert "China or Japan, recent years?" in text
    share = float(re.search(r"CHN scores at least as high as JPN on ([0-9.]+) of the weights "
                            r"\(exact\)", text).group(1))
    assert 0 < share < 1
    assert "The order flips on the hyperplane" in text
    smaa_share = float(re.search(r"China in ([0-9.]+)%", text).group(1)) / 100
    # The exact share and the SMAA estimate (100,000 draws) agree within 4 standard errors.
    assert abs(smaa_share - share) < 4 * (share * (1 - share) / 100_000) ** 0.5 + 1e-3
    for stem in ("uncertainty", "uncertainty_inputs", "china_japan_thresholds",
                 "smaa_rank_acceptability", "smaa_central_weights"):
        assert (folder / f"{stem}.csv").exists(), stem


def test_demo_writes_figures_and_report_when_matplotlib_is_there(demo_run):
    pytest.importorskip("matplotlib")
    _, text, folder = demo_run
    for name in ("ranking.png", "china_japan_radar.png", "china_japan_flip.png",
                 "rank_uncertainty.png", "report.html"):
        path = folder / name
        assert path.exists() and path.stat().st_size > 5_000, name
    assert "Figures and report written" in text


def test_demo_writes_the_china_japan_explorer_next_to_the_report(demo_run):
    _, text, folder = demo_run
    page = (folder / "explorer.html").read_text(encoding="utf-8")
    model = json.loads(page.split('id="spindex-model">', 1)[1].split("</script>", 1)[0])
    names = [model["unitNames"][i] for i in model["pair"]]
    assert names == ["China", "Japan"]
    assert "Live re-weighting explorer" in text and "explorer.html" in text
    # The founding period is the main answer (explorer.html); the recent years have their own.
    assert "2009-2011" in page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert (folder / "explorer_recent.html").stat().st_size > 5_000
    # Every source is named, the European donors of the founding period too.
    assert {"Germany", "France", "United Kingdom"} <= set(model["unitNames"])


def test_demo_writes_a_report_and_figures_per_period(demo_run):
    _, _, folder = demo_run
    founding = (folder / "founding_report.html").read_text(encoding="utf-8")
    recent = (folder / "report.html").read_text(encoding="utf-8")
    assert "2009-2011" in founding and "DEU" in founding
    assert "recent years" in recent
    for name in ("ranking.png", "china_japan_radar.png", "china_japan_flip.png",
                 "rank_uncertainty.png"):
        assert (folder / f"founding_{name}").stat().st_size > 5_000, name


# ------------------------------------------------------ rank bounds and the nearest flip
def _pillar_scores(ctx: DemoContext) -> pd.DataFrame:
    pillars = list(ctx.framework.children(ctx.framework.root))
    scores = ctx.result.scores[pillars]
    return scores[scores.notna().all(axis=1)]


@pytest.mark.parametrize("period", ["2009-2011", None])
def test_the_pillar_model_is_the_demo_model_for_complete_sources(period):
    # The exact bounds and flips use the index as a mean of fixed pillar scores: it must be
    # the demo's own index wherever a source has every pillar, at any pillar weights.
    from spindex.softpower.demo import _pillar_model

    ctx = build_context(period)
    model, complete, units = _pillar_model(ctx)
    assert {"CHN", "JPN"} <= set(units)
    pillars = list(complete.columns)
    rng = np.random.default_rng(7)
    for w in rng.dirichlet(np.ones(len(pillars)), size=5):
        weights = dict(zip(pillars, w, strict=True))
        full = ctx.model.with_weights(weights).score(ctx.data).index.loc[units]
        fixed = model.with_weights(weights).score(complete).index.loc[units]
        np.testing.assert_allclose(fixed.to_numpy(), full.to_numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("period", ["2009-2011", None])
def test_exact_rank_bounds_equal_brute_force_over_the_pillar_simplex(period):
    from spindex.softpower.demo import _pillar_model

    ctx = build_context(period)
    model, complete, _ = _pillar_model(ctx)
    exact = sp.rank_bounds(model, complete, method="exact")
    assert exact.exact
    k = complete.shape[1]
    # Every vertex and a dense Dirichlet cloud: the bounds can never be beaten, and the
    # vertices (where the extremes of a linear ranking sit, up to ties) reach them.
    rng = np.random.default_rng(2026)
    grid = np.vstack([np.eye(k), rng.dirichlet(np.ones(k), size=20_000)])
    s = complete.to_numpy() @ grid.T  # units x weightings
    ranks = 1 + (s[None, :, :] > s[:, None, :] + 1e-12).sum(axis=1)  # min rank, ties shared
    best = pd.Series(ranks.min(axis=1), index=complete.index)
    worst = pd.Series(ranks.max(axis=1), index=complete.index)
    assert (exact.table["best"].loc[best.index] <= best).all()
    assert (exact.table["worst"].loc[worst.index] >= worst).all()
    assert (exact.table["best"].loc[best.index] == best).all()


def test_demo_prints_rank_bounds_and_the_nearest_flip(demo_run):
    _, text, folder = demo_run
    for which, prefix in (("founding", "founding_"), ("recent", "")):
        block = part(text, which).split("Rank bounds and the nearest flip")[1]
        assert "exact (mixed-integer programmes" in block
        assert "L1 (sum of |changes|)" in block and "max (largest change)" in block
        assert "Plainly:" in block
        bounds = pd.read_csv(folder / f"{prefix}rank_bounds.csv", header=[0, 1], index_col=0)
        assert {"CHN", "JPN"} <= set(bounds.index)
        flips = pd.read_csv(folder / f"{prefix}nearest_flip.csv", index_col=0)
        d = flips["distance"].to_numpy()
        # ||x||_inf <= ||x||_2 <= ||x||_1 for the same change; each norm's own optimum
        # keeps the order.
        assert 0 < d[2] <= d[1] <= d[0]
        ctx = build_context("2009-2011" if which == "founding" else None)
        lead = ctx.result.index[["CHN", "JPN"]]
        leader, other = lead.idxmax(), lead.idxmin()
        assert f"{leader} leads {other}" in block
        for row, w in flips.drop(columns="distance").iterrows():
            # At the nearest weights the demo's own model ties the two (up to the solver).
            res = ctx.model.with_weights(w.to_dict()).score(ctx.data).index
            assert res[other] == pytest.approx(res[leader], abs=1e-6), row


def test_demo_prints_the_sobol_share_of_the_data_source(demo_run):
    _, text, folder = demo_run
    block = part(text, "founding").split("The data source as an uncertain input")[1]
    total = pd.read_csv(folder / "founding_source_sobol_total_order.csv", index_col=0)
    share = total.loc["data source", "difference"]
    assert f"The choice of data source accounts for {share:.0%}" in block
    assert {"source:aid_oda", "weights", "method"} <= set(total.index)
    # The China aid disagreement between the sources is in the output, with its ratio.
    assert "aiddata_all_flows" in block and "CHN / JPN" in block
    assert "The data source as an uncertain input" not in part(text, "recent")
    assert "Lowy" in part(text, "recent")


# ---------------------------------------------------------------------------- over time
def test_demo_shows_the_series_over_time(demo_run):
    _, text, folder = demo_run
    assert "Over time" not in part(text, "founding")
    block = part(text, "recent").split("Over time: the series that have years")[1]
    assert "two instruments, never one line" in block
    assert "China does not report to UIS" in block
    aid = pd.read_csv(folder / "over_time_china_aid.csv", index_col=0)
    assert aid.columns.tolist() == ["ODA-like", "all official flows"]
    yearly = sp.datasets.load_panel("asean").loc["CHN"]
    assert aid.loc["2008-2011", "ODA-like"] == pytest.approx(
        yearly.loc[2008:2011, "china_aid_oda_like"].sum())
    assert (aid["all official flows"] >= aid["ODA-like"]).all()
    trends = pd.read_csv(folder / "over_time_trends.csv", index_col=[0, 1])
    assert trends["instrument"].groupby(level=0).nunique().max() == 1
    students = pd.read_csv(folder / "over_time_students.csv", index_col=0)
    assert students.filter(like="rank").loc["AUS"].eq(1).all()
    for name in ("over_time_china_aid.png", "over_time_students.png",
                 "over_time_students_bump.png"):
        assert (folder / name).stat().st_size > 5_000, name
