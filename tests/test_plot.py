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


# ------------------------------------------------------------- ready for print (issue 15)
@pytest.fixture
def fresh_registry() -> Iterator[None]:
    """Colours and names registered by one test do not leak into the next."""
    plot.palette(reset=True)
    plot.naming(reset=True)
    yield
    plot.palette(reset=True)
    plot.naming(reset=True)


@pytest.fixture(scope="module")
def panels() -> tuple[sp.PanelResult, sp.PanelResult]:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    model, data = sp.CompositeIndex(fw), sp.datasets.load_panel("asem")
    return (sp.score_panel(model, data),
            sp.score_panel(model, data, normalize_across="pooled"))


TITLED: dict[str, Callable[..., Any]] = {
    "ranking": lambda f, **k: plot.ranking(f.result, **k),
    "radar": lambda f, **k: plot.radar(f.result, list(f.units), **k),
    "framework": lambda f, **k: plot.framework(f.result, **k),
    "sunburst": lambda f, **k: plot.framework(f.result, kind="sunburst", **k),
    "distributions": lambda f, **k: plot.distributions(f.result, **k),
    "coverage": lambda f, **k: plot.coverage(f.result, **k),
    "correlations": lambda f, **k: plot.correlations(f.result, **k),
    "rank_uncertainty": lambda f, **k: plot.rank_uncertainty(f.uncertainty, **k),
    "sobol": lambda f, **k: plot.sobol(f.sobol, framework=f.model, **k),
    "importance": lambda f, **k: plot.importance(f.importance, framework=f.model, **k),
    "removal": lambda f, **k: plot.removal(f.removal, framework=f.model, **k),
    "smaa": lambda f, **k: plot.smaa(f.smaa, framework=f.model, **k),
    "dominance": lambda f, **k: plot.dominance(f.dominance, framework=f.model, **k),
}


# Figures of units (their nodes are too many to list, or absent).
UNITS_ONLY = {"rank_uncertainty", "smaa"}


def _texts(drawn: Any) -> list[str]:
    """Every piece of text drawn in the figure (titles, ticks, labels, legends)."""
    from matplotlib.text import Text

    fig = _figure(drawn)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _title(drawn: Any) -> str:
    from matplotlib.figure import Figure

    if isinstance(drawn, Figure):
        return drawn.get_suptitle()
    return str(drawn.get_title())


@pytest.mark.parametrize("case", sorted(TITLED))
def test_every_figure_takes_a_title(mpl: Any, case: str) -> None:
    drawn = TITLED[case](faces("asem"), title="A title for print")
    assert _title(drawn) == "A title for print"
    mpl.close(_figure(drawn))
    drawn = TITLED[case](faces("asem"), title="")
    assert _title(drawn) == ""
    mpl.close(_figure(drawn))


@pytest.mark.parametrize("case", sorted(TITLED))
def test_labels_are_full_names_never_cut(mpl: Any, case: str, fresh_registry: None) -> None:
    f = faces("asem")
    drawn = TITLED[case](f)
    texts = _texts(drawn)
    mpl.close(_figure(drawn))
    assert not [t for t in texts if t.rstrip().endswith("...")], texts
    fw = f.model.framework
    # The figure speaks of the nodes by name: some name (unwrapped) appears, and with
    # labels="codes" the codes come back.
    flat = {" ".join(t.split()) for t in texts}
    named = [c for c in fw.codes if fw.node(c).name != c]
    if case in UNITS_ONLY:
        # These figures name units, not nodes: with unit names set, the names show.
        plot.naming(units=sp.datasets.load("asem")["uName"])
        drawn = TITLED[case](f)
        assert "Germany" in _texts(drawn)
        mpl.close(_figure(drawn))
        drawn = TITLED[case](f, labels="codes")
        assert "DEU" in _texts(drawn) and "Germany" not in _texts(drawn)
        mpl.close(_figure(drawn))
        return
    assert any(fw.node(c).name in t for c in named for t in flat), sorted(flat)[:20]
    drawn = TITLED[case](f, labels="codes")
    codes = set(_texts(drawn))
    mpl.close(_figure(drawn))
    assert any(c in t for c in named for t in codes)


def test_legend_names_are_wrapped_not_shortened(mpl: Any) -> None:
    f = faces("asem")
    ax = plot.ranking(f.result)
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    fw = f.result.framework
    names = {fw.node(c).name for c in fw.level(2)}
    assert {" ".join(e.split()) for e in entries} == names
    assert all(max(len(line) for line in e.split("\n")) <= 30 for e in entries)
    mpl.close(ax.get_figure())


def test_level_names_replace_level_numbers(mpl: Any, fresh_registry: None) -> None:
    f = faces("asem")
    ax = plot.ranking(f.result)
    assert "pillars" in ax.get_xlabel() and "level 2" not in ax.get_xlabel()
    assert "pillars" in ax.get_legend().get_title().get_text()
    mpl.close(ax.get_figure())
    plot.naming(levels={2: "dimensions"})
    ax = plot.ranking(f.result)
    assert "dimensions" in ax.get_xlabel()
    mpl.close(ax.get_figure())


def test_unit_names_label_units(mpl: Any, fresh_registry: None) -> None:
    f = faces("asem")
    names = sp.datasets.load("asem")["uName"]
    ax = plot.ranking(f.result, top=3, unit_names=names)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "1  Germany", "2  United Kingdom", "3  France"]
    mpl.close(ax.get_figure())
    plot.naming(units=names)
    ax = plot.rank_uncertainty(f.uncertainty, top=2)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Germany", "United Kingdom"]
    mpl.close(ax.get_figure())
    ax = plot.rank_uncertainty(f.uncertainty, top=2, labels="codes")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["DEU", "GBR"]
    mpl.close(ax.get_figure())


def test_rank_ticks_are_whole_ranks_from_one(mpl: Any, panels: Any) -> None:
    f = faces("asem")
    ax = plot.rank_uncertainty(f.uncertainty)
    ticks = ax.get_yticks()
    assert ticks[0] == 1 and all(float(t).is_integer() for t in ticks)
    mpl.close(ax.get_figure())
    # Ranks that do not move: still no 0.5 or 1.5.
    ax = plot.bump(panels[0], ["DEU", "GBR"])
    ticks = ax.get_yticks()
    assert len(ticks) and all(float(t).is_integer() and t >= 1 for t in ticks)
    mpl.close(ax.get_figure())


def test_same_unit_same_colour_in_every_figure(mpl: Any, fresh_registry: None) -> None:
    from matplotlib.colors import to_hex

    f = faces("asem")
    first = plot.radar(f.result, ["JPN", "CHN"])
    second = plot.radar(f.result, ["CHN", "DEU", "JPN"])
    colour = {ln.get_label(): to_hex(ln.get_color()) for ax in (first, second)
              for ln in ax.get_lines() if ln.get_label() in ("CHN", "JPN")}
    one = {ln.get_label(): to_hex(ln.get_color()) for ln in first.get_lines()}
    two = {ln.get_label(): to_hex(ln.get_color()) for ln in second.get_lines()}
    assert one["CHN"] == two["CHN"] == colour["CHN"]
    assert one["JPN"] == two["JPN"] != one["CHN"]
    mpl.close("all")
    plot.palette({"CHN": "#123456"})
    ax = plot.radar(f.result, ["CHN"])
    assert to_hex(ax.get_lines()[0].get_color()) == "#123456"
    mpl.close(ax.get_figure())
    assert plot.palette()["units"]["CHN"] == "#123456"


def test_palette_and_naming_check_their_input() -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(ParameterError, match="not matplotlib colours"):
        plot.palette({"CHN": "not-a-colour"})
    with pytest.raises(ParameterError, match="unit_scheme"):
        plot.palette(unit_scheme="rainbow")
    with pytest.raises(ParameterError, match="level numbers"):
        plot.naming(levels={"two": "pillars"})
    with pytest.raises(ParameterError, match="labels"):
        plot.ranking(faces("synthetic").result, labels="both")


def test_smaa_colours_are_discrete_ranks(mpl: Any) -> None:
    f = faces("asem")
    ax = plot.smaa(f.smaa)
    bar = ax.figure.axes[-1]
    ticks = bar.get_yticks()
    assert ticks[0] == 1 and all(float(t).is_integer() for t in ticks)
    mapping = ax.collections[0]
    colours = {tuple(c) for c in mapping.get_facecolors().round(6)}
    assert len(colours) <= f.smaa.rank_acceptability.shape[1]
    mpl.close(ax.get_figure())


def test_dominance_legend_shows_the_flips(mpl: Any) -> None:
    f = faces("asem")
    for dom in (f.dominance, f.dominance_pair):
        if dom.thresholds["flip_at"].notna().any():
            ax = plot.dominance(dom)
            assert any("flip" in t.get_text() for t in ax.get_legend().get_texts())
            mpl.close(ax.get_figure())


def test_distributions_have_no_offset_text(mpl: Any) -> None:
    f = faces("asem")
    fig = plot.distributions(f.result, before="raw", after="normalized", max_panels=6)
    fig.canvas.draw()
    offsets = [a.xaxis.get_offset_text().get_text() for a in fig.axes]
    assert not any(offsets), offsets
    mpl.close(fig)


def test_sobol_of_all_nan_indices_raises(mpl: Any) -> None:
    import dataclasses

    f = faces("synthetic")
    nan = f.sobol.first_order * float("nan")
    broken = dataclasses.replace(f.sobol, first_order=nan, total_order=nan)
    with pytest.raises(SpindexError, match="NaN"):
        plot.sobol(broken)


def test_panel_figures_draw(mpl: Any, tmp_path: Path, panels: Any, fresh_registry: None) -> None:
    per_period, pooled = panels
    units = ["CHN", "JPN", "DEU"]
    figures = [plot.trends(per_period, units), plot.bump(per_period, units).get_figure(),
               plot.normalisation(per_period, pooled, units)]
    for i, fig in enumerate(figures):
        target = tmp_path / f"panel{i}.png"
        fig.savefig(target, dpi=60)
        assert png_size(target.read_bytes())[0] > 250
    trend = figures[0]
    labels = [t.get_text() for t in trend.axes[1].get_legend().get_texts()]
    assert labels == units
    # Left panel: the scores; they are the panel's own.
    line = trend.axes[0].get_lines()[0]
    assert line.get_ydata() == pytest.approx(per_period.period_scores().loc["CHN"].to_numpy())
    same = plot.normalisation(per_period, pooled, units)
    assert same.axes[1].get_lines()[0].get_ydata() == pytest.approx(
        pooled.period_scores().loc["CHN"].to_numpy())
    mpl.close("all")
    with pytest.raises(ParameterError, match="pooled"):
        plot.normalisation(pooled, per_period)
    with pytest.raises(ParameterError, match="units of the panel"):
        plot.trends(per_period, ["XXX"])
    with pytest.raises(SpindexTypeError):
        plot.bump(faces("asem").result)


@pytest.mark.parametrize("which", ["asem", "softpower"])
def test_framework_tree_labels_end_inside_the_figure(mpl: Any, which: str) -> None:
    # The longest indicator names used to run past the right edge ("... 0.333" cut off).
    fw = (sp.Framework.from_table(sp.datasets.load_framework("asem")) if which == "asem"
          else sp.soft_power_framework())
    ax = plot.framework(fw)
    right = ax.figure.bbox.x1
    ends = [t.get_window_extent().x1 for t in ax.texts]
    assert max(ends) <= right, (max(ends), right)
