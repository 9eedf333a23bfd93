"""A self-contained HTML report of a scored index and of the analyses run on it.

:func:`report` writes one HTML file that needs nothing else to be read: the figures are
embedded as base64 PNG images, the style sheet is inline, there is no script and no link to
the network (a content security policy in the file forbids fetching anything). It holds, in
order:

1. an overview: units, indicators, levels and the model's methods;
2. the framework: a drawing of the tree and a table of every node's weights;
3. data coverage: missing values per indicator and per unit (and the flags of
   :func:`spindex.data_checks`, when its result is passed);
4. preparation: the pipeline log and the reports of denomination, imputation, screening
   and outlier treatment, with the indicators before and after treatment;
5. results: the ranking with each pillar's contribution, the scores and contributions
   tables, and a radar chart of the leading units;
6. one section per analysis passed: uncertainty, Sobol, SMAA, dominance, importance,
   indicator removal and correlations, each with its summary table and figure.

Figures need matplotlib (the ``plot`` extra); without it the report holds the tables and
says which figures are missing. All text from the data (unit labels, codes, names) is
escaped.

Examples
--------
>>> import spindex as sp
>>> from spindex.report import report_html
>>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
>>> res = sp.CompositeIndex(fw).score(sp.datasets.load("asem"))
>>> html = report_html(res, figures=False)
>>> html.startswith("<!DOCTYPE html>")
True
>>> report(res, "asem-report.html")  # doctest: +SKIP
PosixPath('asem-report.html')
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
import struct
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spindex import plot
from spindex.analysis.correlation import Correlations
from spindex.analysis.dominance import DominanceResult
from spindex.analysis.importance import ImportanceResult
from spindex.analysis.removal import RemovalResult
from spindex.analysis.smaa import SMAAResult
from spindex.analysis.sobol import SobolResult
from spindex.analysis.uncertainty import UncertaintyResult
from spindex.checks import DataChecks
from spindex.errors import ParameterError, SpindexError, SpindexTypeError, SpindexWarning
from spindex.framework import Framework
from spindex.panel import PanelAnalysis, PanelResult
from spindex.result import IndexResult

__all__ = ["report", "report_html"]

#: Resolution of the embedded figures (pixels per inch of the matplotlib figure size).
_DPI = 100
#: Tables longer than this scroll inside a box instead of stretching the page.
_LONG_TABLE = 25

_ANALYSES: tuple[tuple[type, str, str], ...] = (
    (UncertaintyResult, "uncertainty", "Uncertainty analysis"),
    (SobolResult, "sobol", "Sensitivity analysis (Sobol indices)"),
    (SMAAResult, "smaa", "SMAA rank acceptability"),
    (DominanceResult, "dominance", "Dominance"),
    (ImportanceResult, "importance", "Importance"),
    (RemovalResult, "removal", "Indicator removal"),
    (Correlations, "correlations", "Correlations"),
)
_ACCEPTED = "IndexResult, " + ", ".join(t.__name__ for t, _, _ in _ANALYSES) + ", DataChecks"

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       margin: 0; background: #fff; }
header, nav, main, footer { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 1.5em; }
h1 { font-size: 1.9em; margin: 0 0 .2em; }
h2 { font-size: 1.4em; border-bottom: 2px solid #332288; padding-bottom: .2em; margin-top: 2.2em; }
h3 { font-size: 1.1em; margin-top: 1.6em; }
.meta, figcaption, .small { color: #555; font-size: 13px; }
nav ol { columns: 2; margin: .5em 0 0; }
a { color: #0072B2; }
table { border-collapse: collapse; font-size: 13px; margin: .4em 0 1em; }
th, td { padding: 3px 9px; border-bottom: 1px solid #e3e3e3; text-align: left;
         vertical-align: top; }
thead th { background: #f1f2f7; position: sticky; top: 0; }
tbody th { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.na { color: #999; text-align: center; }
.box { overflow: auto; max-width: 100%; }
.box.long { max-height: 32em; border: 1px solid #e3e3e3; }
.box table { margin: 0; }
figure { margin: 1em 0 1.5em; }
figure img { max-width: 100%; height: auto; display: block; }
.note { background: #fff8e6; border-left: 4px solid #E69F00; padding: .5em 1em; margin: 1em 0; }
.statement { font-size: 1.05em; }
footer { margin-top: 3em; padding-bottom: 2em; color: #777; font-size: 13px; }
""".strip()

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


# ------------------------------------------------------------------------ formatting
def _number(value: float, digits: int = 4) -> str:
    if value == 0:
        return "0"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if float(value).is_integer() and abs(value) < 10**15:
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _cell(value: Any) -> tuple[str, str]:
    """(css class, escaped text) of one table cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "na", "–"
    if isinstance(value, (bool, np.bool_)):
        return "", "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return "num", f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        return "num", _e(_number(float(value)))
    if isinstance(value, (tuple, list)):
        return "", _e(", ".join(map(str, value)))
    return "", _e(value)


def _table(frame: pd.DataFrame, *, index: bool = True, index_label: str | None = None) -> str:
    """An escaped HTML table; long ones scroll inside a box."""
    head = []
    if index:
        label = index_label if index_label is not None else (frame.index.name or "")
        head.append(f"<th>{_e(label)}</th>")
    head += [f"<th>{_e(c)}</th>" for c in frame.columns]
    rows = []
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = [f'<th scope="row">{_e(key)}</th>'] if index else []
        for value in values:
            css, text = _cell(value)
            cells.append(f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    long = " long" if len(frame) > _LONG_TABLE else ""
    return (f'<div class="box{long}"><table><thead><tr>{"".join(head)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _p(text: str, css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return f"<p{attr}>{_e(text)}</p>"


def _note(text: str) -> str:
    return _p(text, "note")


def _listing(codes: Sequence[Any], limit: int = 8) -> str:
    shown = ", ".join(map(str, codes[:limit]))
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# --------------------------------------------------------------------------- figures
@dataclass
class _Figures:
    """Draws figures for the report, or explains why it cannot."""

    enabled: bool
    available: bool = True
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.enabled:
            return
        try:
            plot._require_matplotlib()
        except plot.MissingDependencyError:
            self.available = False
            warnings.warn(
                "The report has tables only: its figures need matplotlib. Install it with: "
                "pip install 'spindex[plot]'",
                SpindexWarning, stacklevel=4,
            )

    def __call__(self, draw: Callable[..., Any], *args: Any, alt: str, caption: str = "",
                 **kwargs: Any) -> str:
        if not (self.enabled and self.available):
            return ""
        with plot._detached_figures():
            try:
                drawn = draw(*args, **kwargs)
            except SpindexError as exc:
                self.failures.append(f"{alt}: {exc}")
                warnings.warn(f"The report leaves out the figure '{alt}': {exc}",
                              SpindexWarning, stacklevel=3)
                return _note(f"Figure not drawn ({alt}): {exc}")
        from matplotlib.figure import Figure

        fig = drawn if isinstance(drawn, Figure) else plot._figure_of(drawn)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight", facecolor="white")
        data = buffer.getvalue()
        width, height = _png_size(data)
        encoded = base64.b64encode(data).decode("ascii")
        cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
        return (f'<figure><img src="data:image/png;base64,{encoded}" width="{width}" '
                f'height="{height}" alt="{_e(alt)}">{cap}</figure>')


# ------------------------------------------------------------------------- the input
@dataclass
class _Item:
    obj: Any
    caption: str | None


def _refuse_panel(obj: Any) -> None:
    # A panel is iterable (over its periods): without this, the periods' numbers reached the
    # type check below and the message spoke of an int.
    if isinstance(obj, (PanelResult, PanelAnalysis)):
        periods = list(obj)
        raise SpindexTypeError(
            f"report describes one period; it cannot show a {type(obj).__name__} of "
            f"{len(periods)} periods yet. Report one period (for example "
            f"report(panel[{periods[-1]!r}], ...) for a PanelResult), or write every period "
            "to one workbook with spindex.to_excel(panel, 'panel.xlsx')."
        )


def _collect(results: Any) -> tuple[IndexResult, list[_Item], list[DataChecks]]:
    _refuse_panel(results)
    if isinstance(results, (IndexResult, *(t for t, _, _ in _ANALYSES), DataChecks)):
        raw: list[Any] = [results]
    elif isinstance(results, Iterable) and not isinstance(results, (str, bytes, dict)):
        raw = list(results)
    else:
        raise SpindexTypeError(
            "The first argument of report must be an IndexResult or a list of an IndexResult "
            f"and analysis results ({_ACCEPTED}). Got {type(results).__name__} instead."
        )
    items: list[_Item] = []
    for entry in raw:
        caption = None
        obj = entry
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str):
            caption, obj = entry
        _refuse_panel(obj)
        if not isinstance(obj, (IndexResult, DataChecks, *(t for t, _, _ in _ANALYSES))):
            raise SpindexTypeError(
                f"report cannot show a {type(obj).__name__}. It accepts {_ACCEPTED}, each "
                "optionally as a (caption, result) pair."
            )
        items.append(_Item(obj, caption))
    scored = [i.obj for i in items if isinstance(i.obj, IndexResult)]
    if len(scored) != 1:
        raise ParameterError(
            "report describes one scored model: pass exactly one IndexResult "
            f"(model.score(data)) with its analyses. Got {len(scored)}."
        )
    checks = [i.obj for i in items if isinstance(i.obj, DataChecks)]
    analyses = [i for i in items if not isinstance(i.obj, (IndexResult, DataChecks))]
    return scored[0], analyses, checks


# --------------------------------------------------------------------------- sections
@dataclass
class _Section:
    anchor: str
    title: str
    body: str

    def html(self) -> str:
        return f'<section id="{_e(self.anchor)}"><h2>{_e(self.title)}</h2>{self.body}</section>'


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _overview(res: IndexResult) -> str:
    fw = res.framework
    model = res.model
    raw = res.stage("raw")
    levels = ", ".join(f"{len(fw.level(lv))} at level {lv}" for lv in range(1, fw.n_levels + 1))
    lines = [
        _p(f"{len(res.scores)} units scored on {len(fw.indicators)} indicators; "
           f"{len(fw)} nodes in {fw.n_levels} levels ({levels}); index "
           f"'{fw.root}' ({fw.node(fw.root).name})."),
    ]
    if len(raw) != len(res.scores):
        lines.append(_p(f"{len(raw)} units were given; {len(raw) - len(res.scores)} were "
                        "screened out."))
    params = {"normalize": model.normalize, "aggregate": model.aggregate}
    for name in ("min_coverage", "denominate", "impute", "screen", "treat"):
        value = getattr(model, name)
        if value is not None:
            params[name] = value
    params["missing"] = model.missing
    table = pd.DataFrame({"setting": [_describe(v) for v in params.values()]},
                         index=pd.Index(list(params), name="model parameter"))
    return "".join(lines) + _table(table)


def _top_down(fw: Framework) -> list[str]:
    """Codes in reading order: the root, then each child followed by its subtree."""
    out: list[str] = []

    def walk(code: str) -> None:
        out.append(code)
        for child in fw.children(code):
            walk(child)

    walk(fw.root)
    return out


def _framework_section(res: IndexResult, figures: _Figures) -> str:
    fw: Framework = res.framework
    order = _top_down(fw)
    table = fw.to_table().set_index("code").loc[order]
    out = pd.DataFrame({
        "name": table["name"],
        "level": table["level"],
        "parent": table["parent"],
        "weight": table["weight"],
        "share of parent": fw.normalized_weights(),
        "share of index": fw.effective_weights("all"),
        "direction": table["direction"].where(table["type"] == "indicator"),
    }).loc[order]
    out.index.name = "code"
    figure = figures(plot.framework, fw, alt="The framework as a tree",
                     caption="Each node with its weight as a share of its parent's; "
                             "(-) marks indicators where less is better.")
    return (figure + "<h3>Nodes and weights</h3>"
            + _p("Weights are relative among siblings; 'share of index' is the product of the "
                 "shares up to the root (the effective weight).", "small")
            + _table(out))


def _coverage_section(res: IndexResult, checks: list[DataChecks], figures: _Figures) -> str:
    raw = res.stage("raw")
    missing = raw.isna()
    total = missing.size
    count = int(missing.to_numpy().sum())
    per_indicator = missing.sum(axis=0)
    per_unit = missing.sum(axis=1)
    gaps_i = per_indicator[per_indicator > 0]
    gaps_u = per_unit[per_unit > 0]
    share = count / total if total else 0.0
    parts = [_p(
        f"{count:,} of {total:,} values are missing ({share:.1%}) in the data as given: "
        f"{len(gaps_i)} of {raw.shape[1]} indicators and {len(gaps_u)} of {raw.shape[0]} "
        "units have gaps."
    )]
    if count:
        parts.append(figures(plot.coverage, res, alt="Map of the missing values"))
        fw = res.framework
        ind = pd.DataFrame({
            "name": [fw.node(c).name for c in gaps_i.index],
            "missing": gaps_i.to_numpy(),
            "available": (1 - gaps_i / len(raw)).map(lambda v: f"{v:.1%}").to_numpy(),
        }, index=pd.Index(gaps_i.index, name="indicator"))
        units = pd.DataFrame({
            "missing": gaps_u.to_numpy(),
            "available": (1 - gaps_u / raw.shape[1]).map(lambda v: f"{v:.1%}").to_numpy(),
        }, index=pd.Index(gaps_u.index, name="unit"))
        units = units.sort_values("missing", ascending=False, kind="stable")
        parts += ["<h3>Indicators with missing values</h3>", _table(ind),
                  "<h3>Units with missing values</h3>", _table(units)]
    for dc in checks:
        flagged = dc.indicators[dc.indicators["flagged"]]
        parts.append("<h3>Data checks</h3>")
        if flagged.empty:
            parts.append(_p("No indicator is flagged by the data checks."))
        else:
            cols = ["n", "missing_share", "skew", "kurtosis", "zero_share", "unique_share",
                    "flag_missing", "flag_outliers", "flag_zeros", "flag_unique"]
            thresholds = ", ".join(f"{k} {v:g}" for k, v in dc.thresholds.items())
            parts += [_p(f"{len(flagged)} indicators flagged (thresholds: {thresholds})."),
                      _table(flagged[[c for c in cols if c in flagged.columns]])]
    return "".join(parts)


_REPORTS = (
    ("denomination", "Denomination"),
    ("imputation", "Imputation"),
    ("screening", "Screening"),
    ("treatment", "Outlier treatment"),
    ("treated_points", "Treated points"),
)


def _preparation_section(res: IndexResult, figures: _Figures) -> str:
    log = pd.DataFrame([tuple(r) for r in res.log], columns=["stage", "method", "detail"])
    parts = [_p(f"Stages: {' → '.join(res.stage_names)}."), "<h3>Pipeline log</h3>",
             _table(log, index=False)]
    for key, title in _REPORTS:
        if key not in res.reports:
            continue
        frame = res.report(key)
        parts.append(f"<h3>{_e(title)}</h3>")
        if key == "treatment":
            counts = frame["status"].value_counts()
            parts.append(_p("Status of the indicators: " + ", ".join(
                f"{n} {s}" for s, n in counts.items()) + "."))
            if "treated" in res.stage_names:
                parts.append(figures(
                    plot.distributions, res, alt="Indicators before and after treatment",
                    caption="Each dot is a unit; changed values are vermillion, joined to "
                            "their new place."))
        if frame.empty:
            parts.append(_p("Nothing to report."))
        else:
            keep_index = not isinstance(frame.index, pd.RangeIndex)
            parts.append(_table(frame, index=keep_index))
    if len(parts) == 3:
        parts.append(_p("The model has no preparation step (denominate, impute, screen or "
                        "treat): the data were normalised as given."))
    return "".join(parts)


def _results_section(
    res: IndexResult, level: int | str | None, units: Sequence[Hashable] | None,
    figures: _Figures,
) -> str:
    fw = res.framework
    lv = plot._default_level(fw) if level is None else level
    root = fw.root
    parts = [figures(plot.ranking, res, level=lv, alt="Ranking with contributions",
                     caption="Each bar is a unit's index score, split into the parts its "
                             "nodes contribute.")]
    nodes = [c for c in fw.level(lv) if c != root]
    scores = res.table(level=lv)
    parts += ["<h3>Scores and ranks</h3>", _table(scores, index_label="unit")]
    if len(nodes) >= 3:
        parts.append(figures(plot.radar, res, units, level=lv, alt="Radar chart of the scores",
                             caption="Scores of the leading units (or those asked for) across "
                                     "the nodes, with the median of all units dashed."))
    try:
        contrib = res.contributions(lv)
    except SpindexError as exc:
        parts.append(_note(f"Contributions are not available: {exc}"))
    else:
        order = scores.index
        table = pd.concat([res.ranks[root].rename("rank"), contrib], axis=1).loc[order]
        parts += ["<h3>Contributions to the index</h3>",
                  _p(f"Each node's part of the unit's '{root}' score; a row sums to the score.",
                     "small"),
                  _table(table, index_label="unit")]
    return "".join(parts)


def _uncertainty_section(ua: UncertaintyResult, figures: _Figures) -> str:
    weights = [c[2:] for c in ua.inputs.columns if str(c).startswith("w:")]
    switches = [
        f"{c} ({', '.join(map(str, ua.inputs[c].cat.categories))})"
        for c in ua.inputs.columns if not str(c).startswith("w:")
    ]
    what = []
    if weights:
        what.append(f"the weights of {_listing(weights)}")
    if switches:
        what.append("the choice of " + "; ".join(switches))
    seed = "" if ua.seed is None else f", seed {ua.seed}"
    text = (f"{ua.n:,} Monte Carlo runs{seed}. Uncertain: {' and '.join(what) or 'nothing'}. "
            f"Mean absolute rank shift R_S = {ua.mean_rank_shift:.3f} places.")
    return (_p(text)
            + figures(plot.rank_uncertainty, ua, alt="Rank uncertainty",
                      caption="Nominal rank (diamond), median rank (dot) and the 5th-95th "
                              "percentile of the ranks over the runs (bar).")
            + _table(ua.summary(), index_label="unit"))


def _sobol_section(sa: SobolResult, figures: _Figures) -> str:
    units = [c for c in sa.total_order.columns if c != "R_S"]
    conf = "" if sa.confidence is None else " Error bars are bootstrap percentile intervals."
    return (_p(f"Inputs: {', '.join(sa.inputs)}. Base sample n = {sa.n:,} ({sa.runs:,} runs).")
            + figures(plot.sobol, sa, alt="Sobol indices of R_S",
                      caption="First-order (S_i) and total-order (S_Ti) indices of the mean "
                              f"rank shift.{conf}")
            + "<h3>Summary</h3>" + _table(sa.summary(), index_label="input")
            + "<h3>Total-order indices of each unit's rank</h3>"
            + _table(sa.total_order[units].T, index_label="unit"))


def _smaa_section(sm: SMAAResult, figures: _Figures) -> str:
    return (_p(f"{sm.n:,} draws of the weights of {_listing(list(sm.varying))} "
               f"({type(sm.sampler).__name__}), seed {sm.seed}.")
            + figures(plot.smaa, sm, alt="SMAA rank acceptability",
                      caption="For each unit, the share of weightings that give it each rank "
                              "(rank 1 at the bottom).")
            + "<h3>Summary</h3>" + _table(sm.summary(), index_label="unit")
            + "<h3>Central weights</h3>"
            + _p("The mean weights under which each unit ranks first.", "small")
            + _table(sm.central_weights.dropna(how="all"), index_label="unit"))


def _dominance_section(dom: DominanceResult, figures: _Figures) -> str:
    statement = "".join(_p(line, "statement") for line in dom.statement().splitlines())
    hyperplane = ""
    if dom.hyperplane is not None and "hyperplane" not in dom.statement():
        hyperplane = _p(f"The two units tie on the hyperplane {dom.hyperplane}.", "small")
    return (statement + hyperplane
            + figures(plot.dominance, dom, alt=f"Dominance of {dom.a} over {dom.b}")
            + "<h3>One weight at a time</h3>" + _table(dom.thresholds, index_label="node"))


def _importance_section(imp: ImportanceResult, figures: _Figures) -> str:
    return (_p(f"Main effects (correlation ratios, {imp.smoother} smoother) of the level "
               f"{imp.level} nodes on '{imp.index.name}', next to their nominal weights.")
            + figures(plot.importance, imp, alt="Importance and weights")
            + _table(imp.summary(), index_label="node"))


def _removal_section(rm: RemovalResult, figures: _Figures) -> str:
    what = f"level {rm.level}" if rm.level is not None else "the named nodes"
    return (_p(f"Each node of {what} removed in turn (its siblings' weights renormalised); "
               f"rank changes on '{rm.root}'.")
            + figures(plot.removal, rm, alt="Rank shifts on removal")
            + _table(rm.summary(), index_label="removed"))


def _correlations_section(corr: Correlations, figures: _Figures) -> str:
    return (_p(f"{corr.method.title()} correlations, {corr.r.shape[0]} x {corr.r.shape[1]}.")
            + figures(plot.correlations, corr, alt="Correlation heatmap")
            + "<h3>Correlation matrix</h3>" + _table(corr.r.round(3)))


_BUILDERS: dict[str, Callable[[Any, _Figures], str]] = {
    "uncertainty": _uncertainty_section,
    "sobol": _sobol_section,
    "smaa": _smaa_section,
    "dominance": _dominance_section,
    "importance": _importance_section,
    "removal": _removal_section,
    "correlations": _correlations_section,
}


def _analysis_title(obj: Any, base: str) -> str:
    if isinstance(obj, DominanceResult):
        return f"{base}: {obj.a} vs {obj.b}"
    if isinstance(obj, ImportanceResult):
        return f"{base} of level {obj.level}"
    return base


# ------------------------------------------------------------------------- public API
def report_html(
    results: Any,
    *,
    title: str | None = None,
    level: int | str | None = None,
    units: Sequence[Hashable] | None = None,
    figures: bool = True,
) -> str:
    """The HTML text of the report that :func:`report` writes.

    Parameters
    ----------
    results, title, level, units, figures
        As for :func:`report`.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    res, analyses, checks = _collect(results)
    fw = res.framework
    if title is None:
        title = f"{fw.node(fw.root).name}: composite index report"
    if not isinstance(title, str):
        raise SpindexTypeError(f"title must be a string; got {type(title).__name__}.")
    if level is not None:
        fw.level(level)
    if units is not None:
        unknown = [u for u in units if u not in res.scores.index]
        if unknown or isinstance(units, str):
            raise ParameterError(
                "The 'units' parameter of report must be a list of units of the result (for "
                f"the radar chart). Got {units!r}; unknown: {unknown}."
            )
    if not isinstance(figures, bool):
        raise SpindexTypeError(f"figures must be True or False; got {figures!r}.")
    draw = _Figures(enabled=figures)
    sections = [
        _Section("framework", "Framework", _framework_section(res, draw)),
        _Section("coverage", "Data coverage", _coverage_section(res, checks, draw)),
        _Section("preparation", "Preparation", _preparation_section(res, draw)),
        _Section("results", "Results", _results_section(res, level, units, draw)),
    ]
    for kind, key, base in _ANALYSES:
        chosen = [i for i in analyses if isinstance(i.obj, kind)]
        for n, item in enumerate(chosen, start=1):
            name = item.caption or _analysis_title(item.obj, base)
            if item.caption is None and len(chosen) > 1 and not isinstance(
                    item.obj, (DominanceResult, ImportanceResult)):
                name = f"{base} ({n})"
            sections.append(_Section(f"{key}-{n}", name, _BUILDERS[key](item.obj, draw)))
    import spindex

    notes = ""
    if figures and not draw.available:
        notes = _note("Figures are left out: they need matplotlib. Install it with "
                      "pip install 'spindex[plot]' and write the report again.")
    elif not figures:
        notes = _note("Figures were turned off (figures=False): this report has tables only.")
    if draw.failures:
        notes += _note(f"{len(draw.failures)} figure(s) could not be drawn; see the notes in "
                       "their sections.")
    contents = "".join(f'<li><a href="#{_e(s.anchor)}">{_e(s.title)}</a></li>' for s in sections)
    return "".join([
        "<!DOCTYPE html>\n",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="spindex {_e(spindex.__version__)}">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>{_overview(res)}{notes}</header>",
        f"<nav><h2>Contents</h2><ol>{contents}</ol></nav>",
        "<main>", "".join(s.html() for s in sections), "</main>",
        f"<footer>Written by spindex {_e(spindex.__version__)}. This file is self-contained: "
        "figures are embedded and nothing is loaded from the network.</footer>",
        "</body></html>\n",
    ])


def report(
    results: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    level: int | str | None = None,
    units: Sequence[Hashable] | None = None,
    figures: bool = True,
) -> Path:
    """Write a self-contained HTML report of a scored index and its analyses.

    Parameters
    ----------
    results : IndexResult or iterable
        The scored model (``model.score(data)``), alone or in a list with any of the
        analyses run on it: :class:`~spindex.UncertaintyResult`,
        :class:`~spindex.SobolResult`, :class:`~spindex.SMAAResult`,
        :class:`~spindex.DominanceResult`, :class:`~spindex.ImportanceResult`,
        :class:`~spindex.RemovalResult`, :class:`~spindex.Correlations` and
        :class:`~spindex.DataChecks` (shown with the data coverage). Each gets its own
        section, in that order whatever the order of the list; several of a kind are all
        shown. An entry may be a ``(caption, result)`` pair to title its section.
    path : str or path-like
        The HTML file to write (its folder must exist); an existing file is replaced.
    title : str, optional
        Title of the report. Default: the index's name followed by "composite index
        report".
    level : int or str, optional
        Level of the nodes in the ranking figure, the scores and contributions tables and
        the radar chart. Default: the pillars (level 2 in a framework of three levels or
        more, else the indicators).
    units : sequence of hashable, optional
        Units of the radar chart. Default: the best three.
    figures : bool, default True
        Draw the figures (needs matplotlib, the ``plot`` extra). Without matplotlib the
        report holds the tables and says that figures need ``pip install
        'spindex[plot]'``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    SpindexTypeError
        For an object the report cannot show.
    ParameterError
        If not exactly one IndexResult is given, the level is unknown, or the folder of
        ``path`` does not exist.

    Warns
    -----
    SpindexWarning
        When figures are asked for but matplotlib is missing, or a figure cannot be drawn
        (a note in the report says why).

    Examples
    --------
    >>> import spindex as sp
    >>> fw = sp.Framework.from_table(sp.datasets.load_framework("asem"))
    >>> data = sp.datasets.load("asem")
    >>> model = sp.CompositeIndex(fw, treat="default")
    >>> res = model.score(data)
    >>> ua = sp.uncertainty(model, data, n=1000, seed=0)
    >>> dom = sp.dominance(model, data, "CHN", "JPN")
    >>> sp.report([res, ua, ("China and Japan", dom)], "asem.html")  # doctest: +SKIP
    PosixPath('asem.html')
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise ParameterError(
            f"Cannot write the report to {str(target)!r}: the folder {str(target.parent)!r} "
            "does not exist."
        )
    text = report_html(results, title=title, level=level, units=units, figures=figures)
    target.write_text(text, encoding="utf-8")
    return target
