"""The HTML report: self-contained, escaped, complete, and loading in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import spindex as sp
from faces_fixtures import ODD_UNITS, faces
from spindex.errors import ParameterError, SpindexTypeError, SpindexWarning
from spindex.report import report, report_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = (
    "Debian's chromium is not installed (apt-get install -y chromium); the browser check of "
    "the HTML report needs it"
)
IMG = re.compile(r"<img\b[^>]*>")
SECTIONS = ("framework", "coverage", "preparation", "results", "uncertainty-1", "sobol-1",
            "smaa-1", "dominance-1", "dominance-2", "dominance-3", "importance-1", "removal-1",
            "correlations-1")


@pytest.fixture(scope="module")
def mpl() -> Any:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    return matplotlib


@pytest.fixture(scope="module")
def asem_report(mpl: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the ASEM index with every analysis."""
    path = tmp_path_factory.mktemp("report") / "asem.html"
    assert report(faces("asem").analyses(), path) == path
    return path


def _urls(text: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text)


def test_report_is_self_contained(asem_report: Path) -> None:
    text = asem_report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "<script" not in text.lower() and "<link" not in text.lower()
    assert "Content-Security-Policy" in text
    for url in _urls(text):
        assert url.startswith(("data:image/png;base64,", "#")), url[:60]
    assert "http://" not in text and "https://" not in text


def test_report_has_every_section_and_figure(asem_report: Path) -> None:
    text = asem_report.read_text(encoding="utf-8")
    for anchor in SECTIONS:
        assert f'<section id="{anchor}">' in text and f'href="#{anchor}"' in text, anchor
    images = IMG.findall(text)
    # tree, coverage, distributions, ranking, radar, and one figure per analysis but the
    # data checks (nine: three of them dominance results)
    assert len(images) == 5 + 9
    for tag in images:
        assert re.search(r'width="\d+" height="\d+"', tag) and 'alt="' in tag
    for phrase in ("Pipeline log", "Outlier treatment", "Treated points", "Imputation",
                   "Contributions to the index", "Mean absolute rank shift", "Central weights",
                   "Data checks", "Indicators with missing values", "CHN vs JPN"):
        assert phrase in text, phrase
    assert "Figure not drawn" not in text


def test_text_from_the_data_is_escaped(mpl: Any) -> None:
    f = faces("synthetic")
    text = report_html([f.result, ("<i>Mine</i>", f.uncertainty), f.dominance],
                       title="<script>alert('x')</script> & co")
    assert "<script" not in text and "<i>Mine</i>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in text
    assert "&lt;i&gt;Mine&lt;/i&gt;" in text
    assert ODD_UNITS[0] not in text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;" in text
    assert "Dollar$ign$" in text and "Ünïcødé" in text


def test_report_without_figures(mpl: Any) -> None:
    f = faces("synthetic")
    text = report_html(f.analyses(), figures=False)
    assert not IMG.search(text)
    assert "figures=False" in text and "Sensitivity analysis" in text


def test_report_without_matplotlib_has_tables_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)
    f = faces("synthetic")
    with pytest.warns(SpindexWarning, match="need matplotlib"):
        path = report([f.result, f.uncertainty, f.smaa], tmp_path / "plain.html")
    text = path.read_text(encoding="utf-8")
    assert not IMG.search(text)
    assert "pip install &#x27;spindex[plot]&#x27;" in text
    assert "<table>" in text and 'id="smaa-1"' in text


def test_figures_that_cannot_be_drawn_leave_a_note(mpl: Any) -> None:
    f = faces("synthetic")
    res = sp.CompositeIndex(f.model.framework, aggregate={"default": "arithmetic",
                                                          "SoftPower": "copeland"}
                            ).score(f.data)
    with pytest.warns(SpindexWarning, match="Ranking with contributions"):
        text = report_html(res)
    assert "Figure not drawn (Ranking with contributions)" in text
    assert "Contributions are not available" in text
    assert "could not be drawn" in text


def test_several_analyses_of_a_kind_and_captions(mpl: Any) -> None:
    f = faces("synthetic")
    text = report_html([f.uncertainty, f.result, ("Weights only", f.uncertainty)],
                       figures=False, level=1, units=["U01"])
    assert 'id="uncertainty-1"' in text and 'id="uncertainty-2"' in text
    assert "<h2>Uncertainty analysis (1)</h2>" in text and "<h2>Weights only</h2>" in text


def test_report_checks_its_input(tmp_path: Path) -> None:
    f = faces("synthetic")
    with pytest.raises(ParameterError, match="exactly one IndexResult"):
        report_html([f.uncertainty])
    with pytest.raises(ParameterError, match="exactly one IndexResult"):
        report_html([f.result, f.result])
    with pytest.raises(SpindexTypeError, match="cannot show a DataFrame"):
        report_html([f.result, f.data])
    with pytest.raises(SpindexTypeError, match="first argument of report"):
        report_html("result.html")
    with pytest.raises(ParameterError, match="does not exist"):
        report(f.result, tmp_path / "missing" / "out.html")
    with pytest.raises(sp.FrameworkError, match="Level 7"):
        report_html(f.result, level=7)
    with pytest.raises(ParameterError, match="unknown: \\['Atlantis'\\]"):
        report_html(f.result, units=["U01", "Atlantis"])


_CHECK = """<script>
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = images.length + "/" + loaded.length;
  document.body.appendChild(out);
});
</script>"""
# A control: an image that cannot decode must be counted as not loaded.
_BROKEN = '<img src="data:image/png;base64,AAAA" alt="broken on purpose">'


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_report_images_load_in_headless_chromium(asem_report: Path, tmp_path: Path) -> None:
    text = asem_report.read_text(encoding="utf-8")
    n_images = len(IMG.findall(text))
    # The test copy lets one inline script run; images may still come from data: URLs only.
    probe = text.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
    probe = probe.replace("</body>", _BROKEN + _CHECK + "</body>")
    page = tmp_path / "probe.html"
    page.write_text(probe, encoding="utf-8")
    assert CHROMIUM is not None
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    found = re.search(r'<pre id="image-check">(\d+)/(\d+)</pre>', run.stdout)
    assert found, f"no result from chromium (exit {run.returncode}): {run.stderr[-2000:]}"
    total, loaded = int(found.group(1)), int(found.group(2))
    assert total == n_images + 1
    assert loaded == n_images > 0


# ------------------------------------------------------------------ issue 15: evidence
def _text(page: str) -> str:
    """The page without its embedded images (their base64 may contain any letters)."""
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)


@pytest.fixture(scope="module")
def asean_page() -> str:
    from spindex.softpower.demo import build_context

    ctx = build_context("2009-2011")
    dom = sp.dominance(ctx.model, ctx.data, "CHN", "JPN")
    sm = sp.smaa(ctx.model, ctx.data, n=2_000, seed=1)
    matrix = sp.dominance_matrix(ctx.model, ctx.data, method="monte_carlo", n=2_000, seed=1)
    cells = sp.datasets.load_cells("asean", period="2009-2011")
    gaps = ctx.data[["eco_trade"]].copy()
    gaps.loc["JPN", "eco_trade"] = float("nan")
    return _text(report_html([ctx.result, dom, sm, matrix], figures=False,
                             sources=[ctx.provenance, cells],
                             tables={"Who <leads> where": ctx.data[["name"]],
                                     "Gaps": (gaps, "not <reported>")}))


def test_the_report_carries_the_sources_with_their_citations(asean_page: str) -> None:
    prov = sp.datasets.load_provenance("asean", period="2009-2011")
    cells = sp.datasets.load_cells("asean", period="2009-2011")
    assert '<section id="sources">' in asean_page
    refs = prov[["source_ref", "citation"]].drop_duplicates()
    assert f"References ({prov['source_ref'].nunique()})" in asean_page
    for key, citation in refs.head(20).itertuples(index=False):
        assert f'<th scope="row">{key}</th>' in asean_page
        assert html_escape(citation) in asean_page
    # Each value of the index with its reference: every (unit, indicator) of the cells table.
    used = cells[cells["alternative"] == ""]
    assert "The source of each value of the index" in asean_page
    for ref in used["source_ref"].unique():
        assert f">{ref}<" in asean_page


def html_escape(text: str) -> str:
    import html

    return html.escape(str(text), quote=True)


def test_the_report_counts_the_targets_per_source_and_indicator(asean_page: str) -> None:
    prov = sp.datasets.load_provenance("asean", period="2009-2011")
    assert "Dyadic coverage: targets covered per source and indicator" in asean_page
    section = asean_page.split("Dyadic coverage")[1].split("</table>")[0]
    # An exact count: the distinct targets of one (indicator, source) pair, in its row.
    have = prov[prov["value"].notna()]
    counts = have.groupby(["indicator", "source"])["target"].nunique()
    indicator, _ = counts[counts.index.get_level_values(1) == "JPN"].idxmax()
    row = section.split(f'<th scope="row">{indicator}</th>')[1].split("</tr>")[0]
    header = section.split("</thead>")[0]
    columns = re.findall(r"<th>(.*?)</th>", header)[1:]
    values = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert values[columns.index("JPN")] == str(counts[(indicator, "JPN")])


def test_smaa_and_the_dominance_matrix_have_sections(asean_page: str) -> None:
    assert '<section id="smaa-1">' in asean_page
    assert '<section id="dominance-1">' in asean_page
    assert '<section id="dominance-matrix-1">' in asean_page
    assert "row unit ≥ column unit" in asean_page
    assert "Who &lt;leads&gt; where" in asean_page and "Who <leads>" not in asean_page
    assert "– = not &lt;reported&gt;." in asean_page


def test_no_python_reprs_and_every_dash_explained(asean_page: str) -> None:
    for repr_text in ("()", "S_R_S", "a_leads", "FractionOfMax", "UniformSimplex",
                      "'arithmetic'", "vertex_gap", "nominal_rank"):
        assert repr_text not in asean_page, repr_text
    assert "fraction of the maximum" in asean_page
    # Every table that shows a dash is followed by a line saying what the dash means.
    boxes = re.findall(r'<div class="box[^"]*">(.*?)</div>(<p class="small dash">)?',
                       asean_page, flags=re.S)
    with_dashes = [(table, note) for table, note in boxes if 'class="na"' in table]
    assert len(with_dashes) >= 5
    for table, note in with_dashes:
        assert note, table[:200]


def test_sobol_headers_are_readable(mpl: Any) -> None:
    page = _text(report_html(faces("asem").analyses(), figures=False))
    assert "S_R_S" not in page and "ST_R_S" not in page
    assert "first-order index of R_S" in page


def test_sources_must_name_where_values_come_from() -> None:
    res = faces("asem").result
    with pytest.raises(ParameterError, match=r"'sources' parameter.*citation"):
        report_html(res, figures=False, sources=sp.datasets.load("asem"))
    with pytest.raises(SpindexTypeError, match="'sources' parameter"):
        report_html(res, figures=False, sources="provenance.csv")
    with pytest.raises(SpindexTypeError, match="'tables' parameter"):
        report_html(res, figures=False, tables=[sp.datasets.load("asem")])
    # A plain table with a "source" column of citations is enough.
    data = sp.datasets.load("asem")
    plain = sp.datasets.load("asem").reset_index()[[data.index.name or "index"]]
    plain["source"] = "World Bank <WDI>"
    page = report_html(res, figures=False, sources=plain)
    assert "World Bank &lt;WDI&gt;" in page and "References (1)" in page


# ---------------------------------------------------------------------- panel report
@pytest.fixture(scope="module")
def asem_panel_result() -> sp.PanelResult:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    return sp.score_panel(sp.CompositeIndex(fw), sp.datasets.load_panel("asem"))


def test_a_panel_gets_a_panel_report(asem_panel_result: sp.PanelResult, tmp_path: Path) -> None:
    panel = asem_panel_result
    path = report(panel, tmp_path / "panel.html", figures=False)
    page = path.read_text(encoding="utf-8")
    for anchor in ("scores", "ranks", "rank-changes", "trends"):
        assert f'<section id="{anchor}">' in page
    last = panel.periods[-1]
    leader = panel.index[last].idxmax()
    assert f'<th scope="row">{leader}</th>' in page
    # The rank change of one unit, exactly as PanelResult.rank_changes gives it.
    change = panel.rank_changes()
    unit = change[last].abs().idxmax()
    assert int(change.loc[unit, last]) != 0
    section = page.split('<section id="rank-changes">')[1].split("</table>")[0]
    row = section.split(f'<th scope="row">{unit}</th>')[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[-1] == str(int(change.loc[unit, last]))
    slope = panel.trends("slope", nodes=[panel.framework.root])["slope"]
    assert _html_number(slope.loc[(leader, panel.framework.root)]) in page


def _html_number(value: float) -> str:
    from spindex._html import number

    return number(float(value))


def test_unsupported_objects_get_a_clear_error(asem_panel_result: sp.PanelResult) -> None:
    with pytest.raises(SpindexTypeError, match=r"cannot show a.*int"):
        report_html([faces("asem").result, 3], figures=False)
    with pytest.raises(SpindexTypeError, match="IndexResult"):
        report_html(3, figures=False)
    ua = sp.uncertainty_panel(asem_panel_result.model, sp.datasets.load_panel("asem"), n=20,
                              seed=0)
    with pytest.raises(SpindexTypeError, match="PanelAnalysis"):
        report_html(ua, figures=False)


def test_the_docs_page_runs() -> None:
    page = Path(__file__).resolve().parents[1] / "docs" / "report.md"
    text = page.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) == 2
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
