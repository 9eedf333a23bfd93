"""Every figure of spindex.plot, rendered to PNG on synthetic and ASEM data (Agg backend)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import spindex as sp
from faces_fixtures import Faces, faces, png_size
from spindex import plot
from spindex.errors import MethodError, ParameterError, SpindexError, SpindexTypeError

DATASETS = ("synthetic", "asem")

# Each case draws one figure of a Faces bundle; the name says what it shows.
CASES: dict[str, Callable[[Faces], Any]] = {
    "ranking": lambda f: plot.ranking(f.result),
    "ranking_indicators": lambda f: plot.ranking(f.result, level=1, top=10),
    "radar": lambda f: plot.radar(f.result, list(f.units)),
    "radar_default": lambda f: plot.radar(f.result),
    "tree": lambda f: plot.framework(f.model),
    "sunburst": lambda f: plot.framework(f.result, kind="sunburst"),
    "distributions": lambda f: plot.distributions(f.result),
    "distributions_stages": lambda f: plot.distributions(
        f.result, before="raw", after="normalized", max_panels=4),
    "coverage": lambda f: plot.coverage(f.result),
    "rank_uncertainty": lambda f: plot.rank_uncertainty(f.uncertainty),
    "rank_uncertainty_median": lambda f: plot.rank_uncertainty(f.uncertainty, top=8,
                                                               sort="median"),
    "sobol": lambda f: plot.sobol(f.sobol),
    "sobol_unit": lambda f: plot.sobol(f.sobol, f.units[1], kind="score"),
    "sobol_mean": lambda f: plot.sobol(f.sobol, "mean"),
    "correlations": lambda f: plot.correlations(f.correlations),
    "correlations_result": lambda f: plot.correlations(f.result, method="spearman"),
    "smaa": lambda f: plot.smaa(f.smaa),
    "smaa_holistic": lambda f: plot.smaa(f.smaa, top=5, sort="holistic"),
    "dominance": lambda f: plot.dominance(f.dominance),
    "dominance_pair": lambda f: plot.dominance(f.dominance_pair),
    "dominance_nonlinear": lambda f: plot.dominance(f.dominance_nonlinear),
    "importance": lambda f: plot.importance(f.importance),
    "removal": lambda f: plot.removal(f.removal),
}


@pytest.fixture(scope="module")
def mpl() -> Iterator[Any]:
    """matplotlib with the Agg backend; every figure is closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def _figure(drawn: Any) -> Any:
    from matplotlib.figure import Figure

    return drawn if isinstance(drawn, Figure) else drawn.get_figure()


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_plot_renders_a_png(mpl: Any, tmp_path: Path, dataset: str, case: str) -> None:
    drawn = CASES[case](faces(dataset))
    fig = _figure(drawn)
    target = tmp_path / f"{dataset}-{case}.png"
    fig.savefig(target, dpi=80)
    mpl.close(fig)
    data = target.read_bytes()
    width, height = png_size(data)
    assert len(data) > 4_000, f"{case}: suspiciously small file ({len(data)} bytes)"
    assert 250 <= width <= 4_000 and 200 <= height <= 4_000, (case, width, height)


@pytest.mark.parametrize("case", ["ranking", "tree", "rank_uncertainty", "sobol", "smaa",
                                  "dominance", "importance", "removal", "correlations"])
def test_figures_are_titled_and_labelled(mpl: Any, case: str) -> None:
    ax = CASES[case](faces("asem"))
    assert ax.get_title()
    labels = ax.get_xticklabels() + ax.get_yticklabels()
    assert ax.get_xlabel() or ax.get_ylabel() or any(t.get_text() for t in labels) \
        or case == "tree"
    mpl.close(ax.get_figure())


def test_plots_draw_into_given_axes(mpl: Any) -> None:
    f = faces("synthetic")
    fig, axes = mpl.subplots(2, 2)
    assert plot.ranking(f.result, ax=axes[0, 0]) is axes[0, 0]
    assert plot.smaa(f.smaa, ax=axes[0, 1]) is axes[0, 1]
    assert plot.framework(f.model, ax=axes[1, 0]) is axes[1, 0]
    assert plot.distributions(f.result, "Tourists", ax=axes[1, 1]) is fig
    polar = fig.add_subplot(3, 3, 5, projection="polar")
    assert plot.radar(f.result, ax=polar) is polar
    assert fig.get_size_inches().tolist() == pytest.approx([6.4, 4.8])
    mpl.close(fig)


def test_unit_labels_are_plain_text(mpl: Any, tmp_path: Path) -> None:
    # '$' pairs would be parsed as mathtext; '<' and '&' must reach the figure unchanged.
    f = faces("synthetic")
    ax = plot.rank_uncertainty(f.uncertainty)
    ax.get_figure().savefig(tmp_path / "odd.png")
    shown = [t.get_text() for t in ax.get_xticklabels()]
    assert r"Dollar\$ign\$" in shown and '<b>Bold</b> & "Co"' in shown
    mpl.close(ax.get_figure())


def test_ranking_stacks_negative_contributions_left_of_zero(mpl: Any) -> None:
    f = faces("synthetic")
    res = sp.CompositeIndex(f.model.framework, normalize="zscore").score(f.data.fillna(50.0))
    ax = plot.ranking(res)
    lefts = [p.get_x() + min(p.get_width(), 0) for p in ax.patches]
    assert min(lefts) < 0 < max(p.get_x() + p.get_width() for p in ax.patches)
    mpl.close(ax.get_figure())


def test_ranking_reports_undefined_contributions(mpl: Any) -> None:
    f = faces("synthetic")
    res = sp.CompositeIndex(f.model.framework, aggregate={"default": "arithmetic",
                                                          "SoftPower": "copeland"}
                            ).score(f.data)
    with pytest.raises(MethodError, match="Copeland"):
        plot.ranking(res)


def test_distributions_needs_a_treatment_or_named_stages(mpl: Any) -> None:
    f = faces("synthetic")
    plain = sp.CompositeIndex(f.model.framework).score(f.data)
    with pytest.raises(ParameterError, match="no 'treat' step"):
        plot.distributions(plain)
    with pytest.raises(ParameterError, match="stage must be one of"):
        plot.distributions(plain, before="raw", after="treated_twice")
    with pytest.raises(ParameterError, match="not indicators"):
        plot.distributions(f.result, ["Tourists", "Nope"])
    _, ax = mpl.subplots()
    with pytest.raises(ParameterError, match="draws one indicator"):
        plot.distributions(f.result, ["Tourists", "Films"], ax=ax)
    fig = plot.distributions(plain, before="raw", after="normalized")
    assert "own scales" in fig.axes[0].get_title(loc="left")
    mpl.close("all")


def test_radar_checks_its_input(mpl: Any) -> None:
    f = faces("asem")
    with pytest.raises(ParameterError, match="not units"):
        plot.radar(f.result, ["DEU", "Atlantis"])
    with pytest.raises(ParameterError, match="at least three axes"):
        plot.radar(f.result, level=3)
    _, ax = mpl.subplots()
    with pytest.raises(ParameterError, match="polar"):
        plot.radar(f.result, ax=ax)
    assert plot.radar(f.result, "DEU").get_lines()[0].get_label() == "DEU"
    mpl.close("all")


def test_parameters_are_checked(mpl: Any) -> None:
    f = faces("synthetic")
    with pytest.raises(ParameterError, match="'output' parameter"):
        plot.sobol(f.sobol, "Nowhere")
    with pytest.raises(ParameterError, match="'kind' parameter"):
        plot.framework(f.model, kind="pie")
    with pytest.raises(ParameterError, match="'top' parameter"):
        plot.smaa(f.smaa, top=0)
    with pytest.raises(ParameterError, match="'sort' parameter"):
        plot.rank_uncertainty(f.uncertainty, sort="alphabetical")
    with pytest.raises(SpindexTypeError, match="draws an IndexResult"):
        plot.ranking(f.uncertainty)  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="draws a Correlations"):
        plot.correlations([[1.0]])  # type: ignore[arg-type]
    with pytest.raises(SpindexTypeError, match="matplotlib Axes"):
        plot.ranking(f.result, ax="left")  # type: ignore[arg-type]


def test_sunburst_leaves_out_zero_weights(mpl: Any) -> None:
    fw = faces("synthetic").model.framework.with_weights({"Films": 0.0})
    ax = plot.framework(fw, kind="sunburst")
    assert "1 zero-weight node(s) not shown" in ax.get_title()
    mpl.close(ax.get_figure())


def test_importing_spindex_does_not_import_matplotlib() -> None:
    code = ("import sys, spindex, spindex.plot, spindex.report; "
            "sys.exit(1 if 'matplotlib' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_without_matplotlib_plots_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.figure", "matplotlib.axes"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(plot.MissingDependencyError, match=r"pip install 'spindex\[plot\]'") as err:
        plot.ranking(faces("synthetic").result)
    assert isinstance(err.value, ImportError) and isinstance(err.value, SpindexError)
