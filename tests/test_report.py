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
