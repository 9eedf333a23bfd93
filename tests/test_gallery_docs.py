"""docs/gallery.md draws every figure of spindex.plot, each under its own image name."""

from __future__ import annotations

import re
from pathlib import Path

import spindex.plot

PAGE = Path(__file__).resolve().parents[1] / "docs" / "gallery.md"
NOT_FIGURES = {"OKABE_ITO", "PALETTE", "MissingDependencyError", "naming", "palette"}


def test_the_gallery_draws_every_figure_of_spindex_plot():
    text = PAGE.read_text(encoding="utf-8")
    drawn = set(re.findall(r"^\s+plot\.(\w+)\(", text, flags=re.M))
    assert drawn == set(spindex.plot.__all__) - NOT_FIGURES
    # matplotlib's plot directive numbers the figures of each MyST eval-rst block from 1,
    # so without a prefix of its own every figure would overwrite the first one.
    blocks = text.count(".. plot::")
    prefixes = re.findall(r":filename-prefix: (\S+)", text)
    assert blocks == len(drawn) == len(prefixes) == len(set(prefixes))
