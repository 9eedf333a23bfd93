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
import dataclasses
import io
import os
import struct
import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from spindex import _html, plot
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
_ACCEPTED = ("IndexResult, " + ", ".join(t.__name__ for t, _, _ in _ANALYSES)
             + ", DataChecks, the table of dominance_matrix")

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
.box { overflow: auto; max-width: 100%; display: inline-block; vertical-align: top; }
.box + p.dash { margin-top: .2em; }
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
    return _html.escape(value)


_number = _html.number
_cell = _html.cell


def _table(frame: pd.DataFrame, *, index: bool = True, index_label: str | None = None,
           dash: str = "no value") -> str:
    """An escaped HTML table with readable headers; long ones scroll inside a box.

    When a cell is empty it shows a dash, and a line under the table says what the dash
    means (``dash``) so that no reader is left guessing.
    """
    table, dashes = _html.rows_html(frame, index=index, index_label=index_label)
    long = " long" if len(frame) > _LONG_TABLE else ""
    note = f'<p class="small dash">– = {_e(dash)}.</p>' if dashes else ""
    return f'<div class="box{long}">{table}</div>{note}'


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
            f"report cannot mix a {type(obj).__name__} of {len(periods)} periods with other "
            "results. Report a PanelResult on its own (report(panel, 'panel.html')), or one "
            f"period with its analyses (report([panel[{periods[-1]!r}], ...], ...))."
        )


def _collect(results: Any) -> tuple[IndexResult, list[_Item], list[DataChecks]]:
    _refuse_panel(results)
    if isinstance(results, (IndexResult, *(t for t, _, _ in _ANALYSES), DataChecks)
                  ) or _is_dominance_matrix(results):
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
        if not isinstance(obj, (IndexResult, DataChecks, *(t for t, _, _ in _ANALYSES))
                          ) and not _is_dominance_matrix(obj):
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


#: Plain-language names of the methods, by class name or by the string a model accepts.
_METHODS: dict[str, str] = {
    "FractionOfMax": "fraction of the maximum (each value divided by the best unit's)",
    "fraction_of_max": "fraction of the maximum (each value divided by the best unit's)",
    "MinMax": "min-max rescaling", "minmax": "min-max rescaling to 0-100",
    "ZScore": "z-scores", "zscore": "z-scores",
    "Scaled": "rescaling", "Rank": "ranks", "rank": "ranks", "Borda": "Borda scores",
    "PercentileRank": "percentile ranks", "percentile_rank": "percentile ranks",
    "DistanceToMax": "distance to the maximum", "DistanceToReference": "distance to a reference",
    "DistanceToTarget": "distance to a target", "Goalposts": "goalposts",
    "Identity": "none (values used as given)", "none": "none (values used as given)",
    "Arithmetic": "weighted arithmetic mean", "arithmetic": "weighted arithmetic mean",
    "Geometric": "weighted geometric mean", "geometric": "weighted geometric mean",
    "Harmonic": "weighted harmonic mean", "harmonic": "weighted harmonic mean",
    "GeneralizedMean": "generalised mean", "WeightedMedian": "weighted median",
    "median": "weighted median", "MazziottaPareto": "Mazziotta-Pareto index",
    "Copeland": "Copeland outranking",
    "MeanImputer": "the mean of the other units", "mean": "the mean of the other units",
    "MedianImputer": "the median of the other units",
    "GroupMean": "the mean of the unit's group", "GroupMedian": "the median of the unit's group",
    "Winsorize": "Winsorisation of outliers (then a log transform if needed)",
    "default": "Winsorisation of outliers (then a log transform if needed)",
    "LogTransform": "log transform", "BoxCox": "Box-Cox transform", "NoTreatment": "none",
    "Denominate": "division by a denominator",
    "reweight": "a missing value is skipped: the weights of the values present are "
                "renormalised",
    "error": "missing values are refused",
    "UniformSimplex": "uniform on the simplex", "DirichletWeights": "Dirichlet around the "
    "nominal weights", "WeightNoise": "random noise around the nominal weights",
    "WeightBounds": "uniform within bounds", "BoundedSimplex": "uniform on the simplex "
    "within bounds",
}
_PARAMETER_NAMES = {"normalize": "normalisation", "aggregate": "aggregation",
                    "min_coverage": "minimum data coverage", "denominate": "denomination",
                    "impute": "imputation", "screen": "screening of units",
                    "treat": "outlier treatment", "missing": "missing values"}


def _words(name: str) -> str:
    """``"FractionOfMax"`` -> ``"fraction of max"``, ``"min_coverage"`` -> ``"min coverage"``."""
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return spaced.replace("_", " ")


def _describe(value: Any) -> str:
    """A method or setting in words, never a Python repr."""
    if isinstance(value, str):
        return _METHODS.get(value, _words(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _number(float(value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_describe(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_describe(v) for v in value)
    name = type(value).__name__
    text = _METHODS.get(name, _words(name))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Only the settings that differ from the defaults: the defaults are in the docs.
        changed = []
        for f in dataclasses.fields(value):
            if not f.init or f.name.startswith("_"):
                continue
            current = getattr(value, f.name)
            default = (f.default if f.default is not dataclasses.MISSING else
                       f.default_factory() if f.default_factory is not dataclasses.MISSING
                       else dataclasses.MISSING)
            try:
                same = bool(current == default)
            except (TypeError, ValueError):
                same = False
            if not same:
                changed.append(f"{_words(f.name)} {_describe(current)}")
        if changed:
            text += f" ({', '.join(changed)})"
    return text


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
    table = pd.DataFrame({"method": [_describe(v) for v in params.values()]},
                         index=pd.Index([_PARAMETER_NAMES.get(k, k) for k in params],
                                        name="step"))
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
        "direction": table["direction"].where(table["type"] == "indicator").map(
            {1: "more is better", -1: "less is better"}),
    }).loc[order]
    out.index.name = "code"
    figure = figures(plot.framework, fw, alt="The framework as a tree",
                     caption="Each node with its weight as a share of its parent's; "
                             "(-) marks indicators where less is better.")
    return (figure + "<h3>Nodes and weights</h3>"
            + _p("Weights are relative among siblings; 'share of index' is the product of the "
                 "shares up to the root (the effective weight).", "small")
            + _table(out, dash="does not apply (the index has no parent; only indicators "
                               "have a direction)"))


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
    log["method"] = [_describe(m) if isinstance(m, str) else m for m in log["method"]]
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
    parts += ["<h3>Scores and ranks</h3>",
              _table(scores, index_label="unit",
                     dash="no score: the unit has no value for any indicator of this node")]
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
    # The result names its inputs whether or not it kept every run's draws. A method switch's
    # alternatives are methods, told in words; those of a discrete input (weight sets,
    # experts, dropped nodes, sources) are the user's own labels and codes, shown as given.
    weights = list(ua.varied_weights)
    switches = [
        f"{_PARAMETER_NAMES[name]} ({', '.join(_describe(v) for v in labels)})"
        if name in _PARAMETER_NAMES else f"{name} ({', '.join(labels)})"
        for name, labels in ua.alternatives.items()
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
               f"({_describe(sm.sampler)}), seed {sm.seed}.")
            + figures(plot.smaa, sm, alt="SMAA rank acceptability",
                      caption="For each unit, the share of weightings that give it each rank "
                              "(rank 1 at the bottom).")
            + "<h3>Summary</h3>" + _table(sm.summary(), index_label="unit",
                                          dash="the unit never ranks first, so it has no "
                                               "central weights to test")
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
            + "<h3>One weight at a time</h3>"
            + _p("Each row moves one node's share of its group from 0 to 1, its siblings "
                 "keeping their nominal proportions and every other weight nominal.", "small")
            + _table(_thresholds_table(dom), index_label="node",
                     dash="the order does not flip along this path"))


def _thresholds_table(dom: DominanceResult) -> pd.DataFrame:
    t = dom.thresholds
    leads = []
    for lead, at in zip(t["a_leads"], t["flip_at"], strict=True):
        if lead in ("above", "below"):
            word = "more" if lead == "above" else "less"
            leads.append(f"when the share is {word} than {_number(float(at))}")
        else:
            leads.append({"always": "for every share", "never": "for no share",
                          "several": "changes several times along the path"}.get(
                              str(lead), str(lead)))
    return pd.DataFrame({
        "nominal share": t["nominal"],
        f"score gap {dom.a} − {dom.b} with all the group's weight on the node": t["vertex_gap"],
        "order flips at share": t["flip_at"],
        f"{dom.a} leads {dom.b}": leads,
    }, index=t.index)


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


def _is_dominance_matrix(obj: Any) -> bool:
    # What dominance_matrix returns: units x units, index "a", columns "b", attrs["method"].
    return (isinstance(obj, pd.DataFrame) and obj.index.name == "a"
            and obj.columns.name == "b" and "method" in obj.attrs
            and list(obj.index) == list(obj.columns))


def _dominance_matrix_section(matrix: pd.DataFrame, figures: _Figures) -> str:
    how = ("exactly (the share of the weight simplex)" if matrix.attrs.get("method") == "exact"
           else f"from {matrix.attrs.get('n', 0):,} random weightings")
    order = matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index
    shown = matrix.loc[order, order].copy()
    shown.index.name = "row unit"
    return (_p(f"Each cell is the share of the weightings in which the row unit scores at "
               f"least as high as the column unit, computed {how}. Rows are sorted by their "
               "sum: a unit high on the list beats the others for most weightings.")
            + _table(shown.round(4), index_label="row unit ≥ column unit"))


def _citation_column(frame: pd.DataFrame) -> str | None:
    # The short key first: it is what the table of each value's source shows.
    for name in ("source_ref", "reference", "ref", "citation"):
        if name in frame.columns:
            return name
    # A "source" column is a citation unless the table is dyadic (source -> target).
    if "source" in frame.columns and "target" not in frame.columns:
        return "source"
    return None


def _check_sources(sources: Any) -> list[pd.DataFrame]:
    if sources is None:
        return []
    tables = [sources] if isinstance(sources, pd.DataFrame) else sources
    if not isinstance(tables, (list, tuple)) or not all(
            isinstance(t, pd.DataFrame) for t in tables):
        raise SpindexTypeError(
            "The 'sources' parameter of report must be a table (pandas.DataFrame) with a "
            "citation or source column, or a list of such tables, for example "
            f"sp.datasets.load_provenance('asean'). Got {type(sources).__name__} instead.")
    for t in tables:
        if _citation_column(t) is None:
            raise ParameterError(
                "The 'sources' parameter of report needs a column that names where each "
                "value comes from: 'citation', 'source_ref', 'reference' or 'source'. Got a "
                f"table with the columns {list(t.columns)}. Rename the column of citations.")
    return list(tables)


def _join(values: pd.Series, limit: int = 6) -> str:
    seen = [str(v) for v in pd.unique(values.dropna()) if str(v) != ""]
    return _listing(sorted(seen), limit)


def _sources_section(res: IndexResult, tables: list[pd.DataFrame]) -> str:
    """Where the values come from: references, each value's citation, dyadic coverage."""
    fw = res.framework
    parts: list[str] = []
    # Reference key -> full citation, from every table that has both.
    cited: dict[str, str] = {}
    urls: dict[str, str] = {}
    for t in tables:
        if {"source_ref", "citation"} <= set(t.columns):
            for key, text in t[["source_ref", "citation"]].dropna().itertuples(index=False):
                cited.setdefault(str(key), str(text))
        if "url" in t.columns and _citation_column(t) is not None:
            col = _citation_column(t)
            for key, url in t[[col, "url"]].dropna().itertuples(index=False):
                urls.setdefault(str(key), str(url))
    units = set(res.scores.index)
    for t in tables:
        col = _citation_column(t)
        assert col is not None
        rows = t
        if "alternative" in t.columns:
            # The values the index uses, not the alternatives offered for a robustness check.
            rows = t[t["alternative"].fillna("").astype(str) == ""]
        # One value per unit and indicator (a cells table): the grid of references. A
        # dyadic table has many values per cell; its coverage is counted below instead.
        if "target" not in rows.columns and {"source", "indicator"} <= set(
                rows.columns) and rows["indicator"].isin(
                fw.indicators).any() and rows["source"].isin(units).any():
            used = rows[rows["indicator"].isin(fw.indicators) & rows["source"].isin(units)]
            grid = used.pivot_table(index="source", columns="indicator", values=col,
                                    aggfunc=lambda v: "; ".join(sorted(set(map(str, v)))))
            grid = grid.reindex(index=[u for u in res.scores.index if u in grid.index],
                                columns=[c for c in fw.indicators if c in grid.columns])
            grid.index.name = "unit"
            parts += ["<h3>The source of each value of the index</h3>",
                      _p("For each unit and indicator, the reference of the value the index "
                         "uses; the references are listed in full below.", "small"),
                      _table(grid, index_label="unit",
                             dash="no value of this indicator for this unit")]
            for extra, heading, text in (
                    ("years", "The year(s) of each value",
                     "The year, or the years averaged or summed, of each value of the index."),
                    ("targets", "Targets behind each value",
                     "The targets (partners) each value covers; a region name means one value "
                     "for the whole region.")):
                if extra not in used.columns:
                    continue
                reach = used.pivot_table(
                    index="source", columns="indicator", values=extra,
                    aggfunc=lambda v: "; ".join(sorted(set(map(str, v)))))
                reach = reach.reindex(index=grid.index, columns=grid.columns)
                parts += [f"<h3>{_e(heading)}</h3>", _p(text, "small"),
                          _table(reach, index_label="unit",
                                 dash="no value of this indicator for this unit")]
        if {"source", "target", "indicator"} <= set(t.columns):
            have = t if "value" not in t.columns else t[t["value"].notna()]
            counts = have.groupby(["indicator", "source"])["target"].nunique().unstack()
            # The units of the index, not every source of the table (a dyadic table may hold
            # dozens of other donors or origins, which would make the table unreadable).
            ours = [u for u in res.scores.index if u in counts.columns]
            others = [u for u in counts.columns if u not in units]
            if ours:
                counts = counts[ours].dropna(how="all")
            parts += ["<h3>Dyadic coverage: targets covered per source and indicator</h3>",
                      _p(f"The number of distinct targets with at least one value, for each "
                         f"indicator (row) and source (column): {len(have):,} values on "
                         f"{have['indicator'].nunique()} indicators and "
                         f"{have['target'].nunique()} targets "
                         f"({_join(have['target'], 12)}). A region-wide value counts as one "
                         "target."
                         + (f" Only the units of the index are shown; the table also has "
                            f"{len(others)} other sources ({_listing(others)})."
                            if ours and others else ""), "small"),
                      _table(counts.astype("Float64"), index_label="indicator",
                             dash="no value from this source on this indicator")]
        if col in ("citation", "source_ref", "reference", "ref", "source") and (
                col != "source_ref" or not cited or "citation" in t.columns):
            key = t[col].astype("string")
            info = pd.DataFrame({"key": key})
            for extra in ("indicator", "source", "year", "target"):
                if extra in t.columns and extra != col:
                    info[extra] = t[extra]
            grouped = info.groupby("key", sort=True)
            refs = pd.DataFrame({"values": grouped.size()})
            if col == "source_ref" and cited:
                refs["citation"] = [cited.get(str(k), "") for k in refs.index]
            elif "citation" in t.columns and col != "citation":
                first_citation = t.groupby(key)["citation"].first()
                refs["citation"] = first_citation.reindex(refs.index).to_numpy()
            for extra, label in (("indicator", "indicators"), ("source", "sources"),
                                 ("target", "targets")):
                if extra in info.columns:
                    refs[label] = grouped[extra].apply(_join)
            if "year" in info.columns:
                years = grouped["year"].agg(["min", "max"])
                refs["years"] = [
                    "" if pd.isna(a) else (f"{int(a)}" if a == b else f"{int(a)}-{int(b)}")
                    for a, b in years.itertuples(index=False)]
            if urls:
                refs["url"] = [urls.get(str(k), "") for k in refs.index]
            refs = refs.replace("", pd.NA)
            parts += [f"<h3>References ({len(refs)})</h3>",
                      _p("Every reference of the table of sources, with the number of values "
                         "it gives.", "small"),
                      _table(refs, index_label="reference",
                             dash="not recorded in the table of sources")]
    if not parts:
        parts.append(_p("The table of sources names no indicator of the index."))
    return "".join(parts)


def _extra_section(tables: dict[str, tuple[pd.DataFrame, str]]) -> str:
    parts = []
    for name, (frame, dash) in tables.items():
        keep_index = not isinstance(frame.index, pd.RangeIndex)
        parts += [f"<h3>{_e(name)}</h3>", _table(frame, index=keep_index, dash=dash)]
    return "".join(parts)


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
#: Panel figures of :mod:`spindex.plot`, drawn when the installed version has them.
_PANEL_FIGURES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("trends", "score_trends", "panel_trends"), "Index scores over the periods",
     "Each line is a unit's index score in each period."),
    (("bump", "bump_chart", "rank_bump"), "Ranks over the periods (bump chart)",
     "Each line is a unit's rank in each period (1 at the top)."),
)


def _panel_figures(panel: PanelResult, figures: _Figures) -> str:
    out = []
    for names, alt, caption in _PANEL_FIGURES:
        draw = next((getattr(plot, n) for n in names if callable(getattr(plot, n, None))), None)
        if draw is not None:
            out.append(figures(draw, panel, alt=alt, caption=caption))
    return "".join(out)


def _panel_sections(panel: PanelResult, level: int | str | None,
                    figures: _Figures) -> tuple[str, list[_Section]]:
    fw = panel.framework
    root = fw.root
    periods = list(panel.periods)
    first, last = periods[0], periods[-1]
    scores = panel.period_scores()
    ranks = panel.period_ranks()
    order = scores[last].sort_values(ascending=False, kind="stable").index
    across = ("each period normalised on its own" if panel.normalize_across == "period" else
              "one normalisation fitted on all periods pooled (scores comparable over time)")
    header = (_p(f"{len(order)} units scored in {len(periods)} periods ({first} to {last}) on "
                 f"{len(fw.indicators)} indicators; index '{root}' "
                 f"({fw.node(root).name}); {across}.")
              + _table(pd.DataFrame(
                  {"method": [_describe(panel.model.normalize), _describe(panel.model.aggregate),
                              _describe(panel.model.missing)]},
                  index=pd.Index(["normalisation", "aggregation", "missing values"],
                                 name="step"))))
    if len(panel.time_imputation):
        header += _p(f"{len(panel.time_imputation)} values were filled over time (see the "
                     "section 'Filled over time').")
    absent = "the unit has no index score in this period"
    sections = [
        _Section("scores", "Scores per period",
                 _panel_figures(panel, figures)
                 + _p(f"The index score of each unit in each period, sorted by {last}.",
                      "small")
                 + _table(scores.loc[order], index_label="unit", dash=absent)),
        _Section("ranks", "Ranks per period",
                 _p("1 = best in that period.", "small")
                 + _table(ranks.loc[order].astype("Float64"), index_label="unit", dash=absent)),
    ]
    if len(periods) > 1:
        change = panel.rank_changes().loc[order].iloc[:, 1:]
        compare = panel.compare(first, last)
        compare.columns = [f"score {first}", f"score {last}", "score change",
                           f"rank {first}", f"rank {last}", "places gained"]
        sections.append(_Section(
            "rank-changes", "Rank changes",
            _p("Places gained since the period before (positive: the unit climbed).", "small")
            + _table(change.astype("Float64"), index_label="unit",
                     dash="no rank in this period or the one before")
            + f"<h3>From {_e(first)} to {_e(last)}</h3>"
            + _table(compare, index_label="unit", dash=f"no score in {first} or {last}")))
        lv = plot._default_level(fw) if level is None else level
        nodes = [root] + [c for c in fw.level(lv) if c != root]
        trend = panel.trends("slope", nodes=nodes)
        slope = trend["slope"].unstack("node").reindex(index=order, columns=nodes)
        slope.columns = [fw.node(c).name if c != root else f"{fw.node(c).name} (index)"
                         for c in nodes]
        notes = trend["note"].replace("", pd.NA).dropna() if "note" in trend else None
        if notes is not None:
            notes.index = [f"{u} · {fw.node(c).name}" for u, c in notes.index]
        body = (_p("Ordinary least-squares slope of each score over the periods: score points "
                   "per unit of time (per period when the periods are not numbers); a gap is "
                   "skipped.", "small")
                + _table(slope, index_label="unit",
                         dash="fewer than two periods with a score"))
        if notes is not None and len(notes):
            body += "<h3>Notes on the trends</h3>" + _table(notes.to_frame("note"))
        sections.append(_Section("trends", "Trends", body))
    if len(panel.time_imputation):
        sections.append(_Section("filled", "Filled over time",
                                 _table(panel.time_imputation, index=False,
                                        dash="not used")))
    return header, sections


def _document(title: str, header: str, sections: list[_Section]) -> str:
    import spindex

    contents = "".join(f'<li><a href="#{_e(s.anchor)}">{_e(s.title)}</a></li>' for s in sections)
    return "".join([
        "<!DOCTYPE html>\n",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="spindex {_e(spindex.__version__)}">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>{header}</header>",
        f"<nav><h2>Contents</h2><ol>{contents}</ol></nav>",
        "<main>", "".join(s.html() for s in sections), "</main>",
        f"<footer>Written by spindex {_e(spindex.__version__)}. This file is self-contained: "
        "figures are embedded and nothing is loaded from the network. A dash (–) in a table "
        "means there is no value; the line under each table says why.</footer>",
        "</body></html>\n",
    ])


def _figure_notes(figures: bool, draw: _Figures) -> str:
    notes = ""
    if figures and not draw.available:
        notes = _note("Figures are left out: they need matplotlib. Install it with "
                      "pip install 'spindex[plot]' and write the report again.")
    elif not figures:
        notes = _note("Figures were turned off (figures=False): this report has tables only.")
    if draw.failures:
        notes += _note(f"{len(draw.failures)} figure(s) could not be drawn; see the notes in "
                       "their sections.")
    return notes


def _check_tables(tables: Any) -> dict[str, tuple[pd.DataFrame, str]]:
    def entry(value: Any) -> tuple[pd.DataFrame, str] | None:
        if isinstance(value, pd.DataFrame):
            return value, "no value"
        if (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], pd.DataFrame)
                and isinstance(value[1], str)):
            return value[0], value[1]
        return None

    if tables is None:
        return {}
    checked = ({k: entry(v) for k, v in tables.items()} if isinstance(tables, Mapping)
               else None)
    if checked is None or not all(isinstance(k, str) and v is not None
                                  for k, v in checked.items()):
        raise SpindexTypeError(
            "The 'tables' parameter of report must map titles (str) to tables "
            "(pandas.DataFrame) or to (table, what a dash means) pairs, for example "
            f"{{'Who leads where': frame}}. Got {type(tables).__name__} instead.")
    return {k: v for k, v in checked.items() if v is not None}


def report_html(
    results: Any,
    *,
    title: str | None = None,
    level: int | str | None = None,
    units: Sequence[Hashable] | None = None,
    figures: bool = True,
    sources: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    tables: Mapping[str, pd.DataFrame | tuple[pd.DataFrame, str]] | None = None,
) -> str:
    """The HTML text of the report that :func:`report` writes.

    Parameters
    ----------
    results, title, level, units, figures, sources, tables
        As for :func:`report`.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    if title is not None and not isinstance(title, str):
        raise SpindexTypeError(f"title must be a string; got {type(title).__name__}.")
    if not isinstance(figures, bool):
        raise SpindexTypeError(f"figures must be True or False; got {figures!r}.")
    source_tables = _check_sources(sources)
    extra = _check_tables(tables)
    if isinstance(results, PanelResult):
        draw = _Figures(enabled=figures)
        fw = results.framework
        if level is not None:
            fw.level(level)
        title = title or f"{fw.node(fw.root).name}: panel report"
        header, sections = _panel_sections(results, level, draw)
        if extra:
            sections.append(_Section("tables", "Further tables", _extra_section(extra)))
        return _document(title, header + _figure_notes(figures, draw), sections)
    if isinstance(results, PanelAnalysis):
        periods = list(results)
        raise SpindexTypeError(
            f"report cannot show a PanelAnalysis (an analysis per period, {len(periods)} "
            f"periods) on its own. Report the PanelResult (report(panel, ...)), or one period "
            f"with its analysis: report([panel[{periods[-1]!r}], analysis[{periods[-1]!r}]], "
            "...).")
    res, analyses, checks = _collect(results)
    fw = res.framework
    if title is None:
        title = f"{fw.node(fw.root).name}: composite index report"
    if level is not None:
        fw.level(level)
    if units is not None:
        unknown = [u for u in units if u not in res.scores.index]
        if unknown or isinstance(units, str):
            raise ParameterError(
                "The 'units' parameter of report must be a list of units of the result (for "
                f"the radar chart). Got {units!r}; unknown: {unknown}."
            )
    draw = _Figures(enabled=figures)
    sections = [
        _Section("framework", "Framework", _framework_section(res, draw)),
        _Section("coverage", "Data coverage", _coverage_section(res, checks, draw)),
    ]
    if source_tables:
        sections.append(_Section("sources", "Sources", _sources_section(res, source_tables)))
    sections += [
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
    matrices = [i for i in analyses if _is_dominance_matrix(i.obj)]
    for n, item in enumerate(matrices, start=1):
        name = item.caption or ("Dominance matrix" + (f" ({n})" if len(matrices) > 1 else ""))
        sections.append(_Section(f"dominance-matrix-{n}", name,
                                 _dominance_matrix_section(item.obj, draw)))
    if extra:
        sections.append(_Section("tables", "Further tables", _extra_section(extra)))
    return _document(title, _overview(res) + _figure_notes(figures, draw), sections)


def report(
    results: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    level: int | str | None = None,
    units: Sequence[Hashable] | None = None,
    figures: bool = True,
    sources: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    tables: Mapping[str, pd.DataFrame | tuple[pd.DataFrame, str]] | None = None,
) -> Path:
    """Write a self-contained HTML report of a scored index and its analyses.

    Parameters
    ----------
    results : IndexResult, PanelResult or iterable
        A :class:`~spindex.PanelResult` (``score_panel(model, panel)``) gets a panel
        report: scores and ranks per period, rank changes, trends (and the panel figures
        when :mod:`spindex.plot` has them). Otherwise the
        scored model (``model.score(data)``), alone or in a list with any of the
        analyses run on it: :class:`~spindex.UncertaintyResult`,
        :class:`~spindex.SobolResult`, :class:`~spindex.SMAAResult`,
        :class:`~spindex.DominanceResult`, :class:`~spindex.ImportanceResult`,
        :class:`~spindex.RemovalResult`, :class:`~spindex.Correlations` and
        :class:`~spindex.DataChecks` (shown with the data coverage), and the table of
        :func:`~spindex.dominance_matrix`. Each gets its own
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
    sources : pandas.DataFrame or list of DataFrame, optional
        Where the values come from: a table with a ``citation``, ``source_ref``,
        ``reference`` or ``source`` column (the provenance of a dataset,
        ``sp.datasets.load_provenance("asean")``, or its cells table
        ``sp.datasets.load_cells("asean")``). The report gets a "Sources" section: every
        reference with the number of values it gives; the reference of each value of the
        index when the table has ``source`` (unit) and ``indicator`` columns; and, for a
        dyadic table (``source``, ``target``, ``indicator``), the number of targets covered
        per source and indicator.
    tables : mapping of str to pandas.DataFrame or (DataFrame, str), optional
        Further tables to show, each under its title, in a last section; with a pair, the
        string says what a dash (a missing value) means in that table.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    SpindexTypeError
        For an object the report cannot show (a :class:`~spindex.PanelAnalysis` alone, a
        number, ...), or ``sources``/``tables`` that are not tables.
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
    text = report_html(results, title=title, level=level, units=units, figures=figures,
                       sources=sources, tables=tables)
    target.write_text(text, encoding="utf-8")
    return target
