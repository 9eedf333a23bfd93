"""The demo (`make demo`, `spindex demo`) runs on the bundled ASEAN data and writes its tables."""

from __future__ import annotations

import io
import json
import re
import time

import pandas as pd
import pytest

from spindex.cli import main
from spindex.demo import SECTIONS, DemoContext, build_context, run_demo
from spindex.result import IndexResult


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[IndexResult, str, object]:
    folder = tmp_path_factory.mktemp("demo")
    buf = io.StringIO()
    start = time.perf_counter()
    res = run_demo(folder, out=buf)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"the demo took {elapsed:.1f} s"
    return res, buf.getvalue(), folder


def ranking_lines(text: str) -> list[tuple[str, int]]:
    """(source, rank) pairs from the printed ranking table."""
    block = text.split("ranking of the sources")[1].split("Pillar contributions")[0]
    return [(m.group(1), int(m.group(2)))
            for m in re.finditer(r"^([A-Z]{3})\s+(\d+)\s", block, flags=re.MULTILINE)]


def test_demo_prints_the_ranking(demo_run):
    res, text, _ = demo_run
    lines = ranking_lines(text)
    assert [s for s, _ in lines] == res.table().index.tolist()
    assert [r for _, r in lines] == [1, 2, 3, 4, 5, 6]
    assert {s for s, _ in lines} == {"CHN", "JPN", "KOR", "USA", "AUS", "IND"}
    assert {s for s, _ in lines[:2]} == {"CHN", "JPN"}
    header = text.split("ranking of the sources")[1].splitlines()
    assert any(all(p in line for p in ("economic", "tourism", "culture", "opinion"))
               for line in header)


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


def test_sections_can_be_chosen_and_added(tmp_path):
    def extra(ctx: DemoContext, out) -> dict[str, pd.DataFrame]:
        out.write("EXTRA SECTION\n")
        return {"extra": ctx.result.ranks}

    buf = io.StringIO()
    run_demo(tmp_path, out=buf, sections=(SECTIONS[0], extra))
    assert "EXTRA SECTION" in buf.getvalue()
    assert (tmp_path / "extra.csv").exists() and not (tmp_path / "coverage.csv").exists()


def test_context():
    ctx = build_context()
    assert ctx.framework.root == "soft_power"
    assert ctx.result.scores.shape[0] == len(ctx.data) == 6


def test_cli_demo(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path / "out")]) == 0
    assert "ranking of the sources" in capsys.readouterr().out
    assert (tmp_path / "out" / "ranking.csv").exists()


def test_demo_answers_china_or_japan(demo_run):
    _, text, folder = demo_run
    block = text.split("How fragile is the ranking?")[1]
    assert re.search(r"^JPN\s+1\s+1\s+1-2\s", block, flags=re.MULTILINE)
    assert "China or Japan?" in text
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
