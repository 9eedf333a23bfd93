"""The live re-weighting explorer: the page's numbers are the library's, checked in a browser.

The browser tests drive Debian's headless Chromium with selenium (``apt-get install chromium
chromium-driver``; ``.ci/run`` installs both) and skip only when Chromium is absent.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import spindex as sp
from faces_fixtures import ODD_UNITS, faces

# ------------------------------------------------------------------ without a browser


@pytest.fixture(scope="module")
def asean() -> tuple[sp.CompositeIndex, object]:
    fw = sp.Framework.from_table(sp.datasets.load_framework("asean"))
    return sp.soft_power_model(fw), sp.datasets.load("asean")


def _embedded(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="spindex-model">(.*?)</script>',
                      page, re.S)
    assert found
    return json.loads(found.group(1))


def test_page_is_self_contained_and_embeds_exact_scores(asean):
    model, data = asean
    res = model.score(data)
    page = sp.explore_html(res, pair=("CHN", "JPN"))
    # Nothing fetched from anywhere: no URL in a src, href or CSS import.
    assert not re.search(r"(src|href)\s*=|@import|https?://", page)
    embedded = _embedded(page)
    pillars = list(res.framework.children(res.framework.root))
    assert [v["code"] for v in embedded["varying"]] == pillars
    for code in pillars:
        got = np.array([np.nan if v is None else v for v in embedded["fixed"][code]])
        assert np.array_equal(got, res.scores[code].to_numpy(), equal_nan=True)  # exact
    assert embedded["pair"] == [list(res.scores.index).index("CHN"),
                                list(res.scores.index).index("JPN")]


def test_labels_cannot_break_out_of_the_page():
    f = faces("synthetic")
    page = sp.explore_html(f.result, level=1, title="<script>x</script>")
    assert "<script>x</script>" not in page
    assert '<b>Bold</b>' not in page.split('id="spindex-model">')[0]
    assert _embedded(page)["unitNames"][-3:] == list(ODD_UNITS)


def test_bad_arguments_are_refused(tmp_path, asean):
    model, data = asean
    res = model.score(data)
    with pytest.raises(sp.SpindexTypeError, match="IndexResult"):
        sp.explore(data, tmp_path / "x.html")
    with pytest.raises(sp.DataError, match="'FRA' of the 'pair'"):
        sp.explore_html(res, pair=("CHN", "FRA"))
    with pytest.raises(sp.ParameterError, match="two different units"):
        sp.explore_html(res, pair=("CHN", "CHN"))
    with pytest.raises(sp.SpindexTypeError, match="two unit labels"):
        sp.explore_html(res, pair="CHN")
    with pytest.raises(sp.ParameterError, match="holds only the index"):
        sp.explore_html(res, level=-1)
    with pytest.raises(sp.SpindexTypeError, match="'unit_names' of explore"):
        sp.explore_html(res, unit_names=["China"])
    with pytest.raises(sp.ParameterError, match=r"must end in \.html"):
        sp.explore(res, tmp_path / "x.pdf")
    median = sp.CompositeIndex(model.framework, normalize="fraction_of_max",
                               aggregate="median").score(data)
    with pytest.raises(sp.MethodError, match=r"power means only.*'median'"):
        sp.explore_html(median)
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ in a browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1300,1000")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("headless Chromium (Debian: chromium, chromium-driver) is not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="spindex-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _open(driver, result, tmp_path: Path, **kwargs) -> dict:
    path = sp.explore(result, tmp_path / "explorer.html", **kwargs)
    driver.get(path.resolve().as_uri())
    return _embedded(path.read_text(encoding="utf-8"))


def _move(driver, weights: dict[str, float]) -> None:
    """Set sliders as a reader's drag would, firing the input event the page listens to."""
    driver.execute_script(
        """for (const [code, value] of Object.entries(arguments[0])) {
             const s = document.querySelector(`input[data-code="${CSS.escape(code)}"]`);
             s.value = String(value);
             s.dispatchEvent(new Event("input", {bubbles: true}));
           }""", weights)


def _shown(driver) -> dict[str, float]:
    rows = driver.find_elements("css selector", "li.unit")
    return {r.get_attribute("data-unit"): float(r.get_attribute("data-score")) for r in rows}


def _ranks(driver) -> dict[str, int]:
    rows = driver.find_elements("css selector", "li.unit")
    return {r.get_attribute("data-unit"): int(r.get_attribute("data-rank")) for r in rows}


def _sliders(driver) -> dict[str, float]:
    return {s.get_attribute("data-code"): float(s.get_attribute("value"))
            for s in driver.find_elements("css selector", "input[type=range]")}


def _check(driver, model, data, weights: dict[str, float]) -> None:
    """Back to the nominal weights, move the sliders given, and compare the page with the
    library scoring the model with every slider's weight."""
    driver.find_element("id", "reset").click()
    _move(driver, weights)
    sliders = _sliders(driver)
    assert all(sliders[c] == pytest.approx(v) for c, v in weights.items())
    expected = model.with_weights(sliders).score(data)
    shown = _shown(driver)
    want = expected.index
    assert set(shown) == {str(u) for u in want.index}
    for unit, score in want.items():
        assert shown[str(unit)] == pytest.approx(score, abs=1e-9, rel=1e-12), (weights, unit)
    ranks = _ranks(driver)
    for unit, rank in expected.ranks[expected.framework.root].items():
        assert ranks[str(unit)] == rank
    # The ranking is in score order.
    order = [r.get_attribute("data-unit") for r in driver.find_elements("css selector", "li.unit")]
    assert order == [str(u) for u in want.sort_values(ascending=False, kind="stable").index]


SOFT_POWER_WEIGHTS = [
    {},
    {"economic": 1.0, "tourism": 0.2, "culture": 0.5, "opinion": 0.0},
    {"economic": 0.05, "tourism": 1.0, "culture": 0.0, "opinion": 0.73},
    {"economic": 0.31, "tourism": 0.31, "culture": 1.0, "opinion": 0.99},
]


def test_soft_power_scores_ranks_and_contributions_match(browser, tmp_path, asean):
    model, data = asean
    res = model.score(data)
    embedded = _open(browser, res, tmp_path, pair=("CHN", "JPN"))
    pillars = [v["code"] for v in embedded["varying"]]
    for weights in SOFT_POWER_WEIGHTS:
        assert set(weights) <= set(pillars)
        _check(browser, model, data, weights)
    # The bars' segments are the library's contributions at the last weighting.
    weights = SOFT_POWER_WEIGHTS[-1]
    expected = model.with_weights(weights).score(data).contributions(2)
    for seg in browser.find_elements("css selector", "li.unit .seg"):
        unit = seg.find_element("xpath", "..").find_element("xpath", "..")
        got = float(seg.get_attribute("data-value"))
        want = expected.loc[unit.get_attribute("data-unit"), seg.get_attribute("data-code")]
        assert got == pytest.approx(want, abs=1e-12)


def test_china_japan_share_and_flips_are_the_dominance_results(browser, tmp_path, asean):
    model, data = asean
    _open(browser, model.score(data), tmp_path, pair=("CHN", "JPN"))
    dom = sp.dominance(model, data, "CHN", "JPN")
    share = browser.find_element("id", "pair-share")
    assert share.get_attribute("data-exact") == "true"
    assert float(share.get_attribute("data-share")) == pytest.approx(dom.share, abs=1e-12)
    assert "exact share" in share.text and "CHN" in share.text
    # At the nominal weights, each slider's flip is dominance's flip along the same path.
    for i, (node, row) in enumerate(dom.thresholds.iterrows()):
        flips = json.loads(browser.find_element("id", f"flip-{i}").get_attribute("data-flips"))
        if np.isnan(row["flip_at"]):
            assert flips == [], node
        else:
            assert flips == [pytest.approx(row["flip_at"], abs=1e-9)], node
    # Moving a slider moves the flips of the others, as dominance at those weights says.
    weights = {"economic": 1.0, "tourism": 0.4, "culture": 0.7, "opinion": 0.2}
    _move(browser, weights)
    moved = sp.dominance(model.with_weights(weights), data, "CHN", "JPN")
    for i, (_, row) in enumerate(moved.thresholds.iterrows()):
        flips = json.loads(browser.find_element("id", f"flip-{i}").get_attribute("data-flips"))
        assert flips == ([] if np.isnan(row["flip_at"]) else
                         [pytest.approx(row["flip_at"], abs=1e-9)])
    gap = float(browser.find_element("id", "pair-gap").get_attribute("data-gap"))
    assert gap == pytest.approx(moved.nominal_gap, abs=1e-12)


def test_keyboard_moves_a_slider_and_the_scores_follow(browser, tmp_path, asean):
    from selenium.webdriver.common.keys import Keys

    model, data = asean
    _open(browser, model.score(data), tmp_path)
    slider = browser.find_element("css selector", 'input[data-code="culture"]')
    before = browser.find_element("tag name", "body").get_attribute("data-updates")
    for _ in range(30):
        slider.send_keys(Keys.ARROW_LEFT)
    assert browser.find_element("tag name", "body").get_attribute("data-updates") != before
    value = float(slider.get_attribute("value"))
    assert value == pytest.approx(0.7)
    expected = model.with_weights({"culture": value}).score(data).index
    shown = _shown(browser)
    for unit, score in expected.items():
        assert shown[unit] == pytest.approx(score, abs=1e-9)
    browser.find_element("id", "reset").click()
    assert float(slider.get_attribute("value")) == 1.0


def test_asem_both_levels_match(browser, tmp_path):
    fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    data = sp.datasets.load("asem")
    model = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100))
    _open(browser, model.score(data), tmp_path, pair=("CHN", "JPN"), unit_names=data["uName"])
    for weights in ({"Conn": 0.25, "Sust": 1.0}, {"Conn": 1.0, "Sust": 0.0}):
        _check(browser, model, data, weights)
    names = [e.text for e in browser.find_elements("css selector", "li.unit .name")]
    assert "China" in names and "Japan" in names
    assert "China scores at least as high as Japan" in browser.find_element(
        "id", "pair-share").text
    # Eight pillar sliders in two groups, geometric means above them.
    geometric = sp.CompositeIndex(fw, normalize=sp.MinMax(1, 100),
                                  aggregate={"default": "arithmetic", 3: "geometric",
                                             4: "geometric"})
    embedded = _open(browser, geometric.score(data), tmp_path, level=2, pair=("CHN", "JPN"))
    assert len(embedded["groups"]) == 2 and len(embedded["varying"]) == 8
    for weights in ({}, {"Physical": 0.1, "ConEcFin": 1.0, "Instit": 0.0, "Social": 0.45},
                    {"P2P": 1.0, "Political": 0.02, "Environ": 0.9, "SusEcFin": 0.3}):
        _check(browser, geometric, data, weights)
    share = browser.find_element("id", "pair-share")
    assert share.get_attribute("data-exact") == "false" and "estimate" in share.text
    mc = sp.dominance(geometric, data, "CHN", "JPN", level=2, method="monte_carlo",
                      n=20_000, seed=0)
    assert float(share.get_attribute("data-share")) == pytest.approx(mc.share, abs=0.02)


def test_missing_children_are_renormalised_in_the_page(browser, tmp_path):
    f = faces("synthetic")  # Ünïcødé lacks Loans; odd labels must show as text
    _open(browser, f.result, tmp_path, level=1, pair=(ODD_UNITS[0], "U01"))
    for weights in ({}, {"ODA": 0.0, "Loans": 1.0, "Tourists": 0.2},
                    {"Exports": 0.9, "Tariffs": 0.1, "Trust": 0.5, "Films": 0.0}):
        _check(browser, f.model, f.data, weights)
    names = [e.text for e in browser.find_elements("css selector", "li.unit .name")]
    assert set(ODD_UNITS) <= set(names)


def test_screenshot(browser, tmp_path, asean):
    model, data = asean
    _open(browser, model.score(data), tmp_path, pair=("CHN", "JPN"))
    png = tmp_path / "explorer.png"
    assert browser.save_screenshot(str(png))
    assert png.stat().st_size > 10_000


def test_the_docs_page_example_runs():
    page = Path(__file__).resolve().parents[1] / "docs" / "explore.md"
    text = page.read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) == 1
    exec(compile(blocks[0], str(page), "exec"), {})
