// The live re-weighting explorer of spindex: plain JavaScript, no framework, no network.
// The page embeds, for every unit, the scores of the nodes just below the aggregates that the
// sliders change, and recomputes those aggregates exactly as spindex does: power means with
// the weights renormalised over the children each unit has, the coverage threshold, the
// top-down contributions of IndexResult.contributions and the de Boor-Cox recurrence of
// spindex.simplex_share for the pair comparison.
"use strict";
(function () {
  const M = JSON.parse(document.getElementById("spindex-model").textContent);
  const nUnits = M.units.length;
  const NaN_ = Number.NaN;
  const values = {};
  for (const code of Object.keys(M.fixed)) {
    values[code] = M.fixed[code].map((v) => (v === null ? NaN_ : v));
  }
  const varIndex = {};
  M.varying.forEach((v, i) => { varIndex[v.code] = i; });
  const nodeIndex = {};
  M.nodes.forEach((n, i) => { nodeIndex[n.code] = i; });

  // ------------------------------------------------------------------ the aggregation
  // One unit's aggregate: the power mean of order p over the observed children, weights
  // renormalised over them (spindex.methods.aggregate); NaN when they weigh nothing.
  function powerMean(p, xs, ws) {
    let total = 0;
    let observed = 0;
    for (let j = 0; j < xs.length; j++) {
      if (!Number.isNaN(xs[j])) { total += ws[j]; observed++; }
    }
    if (!(total > 0)) return NaN_;
    let s = 0;
    if (p === 0) {
      for (let j = 0; j < xs.length; j++) if (!Number.isNaN(xs[j])) s += ws[j] * Math.log(xs[j]);
      return Math.exp(s / total);
    }
    if (p === -1) {
      for (let j = 0; j < xs.length; j++) if (!Number.isNaN(xs[j])) s += ws[j] / xs[j];
      return total / s;
    }
    if (p === 1) {
      for (let j = 0; j < xs.length; j++) if (!Number.isNaN(xs[j])) s += (ws[j] / total) * xs[j];
      return s;
    }
    for (let j = 0; j < xs.length; j++) {
      if (!Number.isNaN(xs[j])) s += (ws[j] / total) * Math.pow(xs[j], p);
    }
    return Math.pow(s, 1 / p);
  }

  function childWeights(node, w) {
    return node.children.map((c) => (c.code in varIndex ? w[varIndex[c.code]] : c.weight));
  }

  // Scores of every recomputed node for the units listed, with raw weights w of the varying
  // nodes (one per slider).
  function evaluate(w, units) {
    const out = {};
    for (const node of M.nodes) {
      const ws = childWeights(node, w);
      const col = new Float64Array(units.length);
      const xs = new Array(node.children.length);
      for (let k = 0; k < units.length; k++) {
        const u = units[k];
        let observed = 0;
        for (let j = 0; j < node.children.length; j++) {
          const c = node.children[j].code;
          xs[j] = c in out ? out[c][k] : values[c][u];
          if (!Number.isNaN(xs[j])) observed++;
        }
        let y = powerMean(node.p, xs, ws);
        if (node.coverage !== null && observed / xs.length < node.coverage) y = NaN_;
        col[k] = y;
      }
      out[node.code] = col;
    }
    return out;
  }

  const allUnits = Array.from({ length: nUnits }, (_, i) => i);

  // Each frontier node's part of the index score, as IndexResult.contributions: top-down,
  // an aggregate's part is split among its children in proportion to w_c y_c, scaled by
  // y / mean for a mean other than the arithmetic one.
  function contributions(w, scores) {
    const mult = {};
    const part = {};
    const root = M.root;
    mult[root] = new Float64Array(nUnits).fill(1);
    for (let i = M.nodes.length - 1; i >= 0; i--) {
      const node = M.nodes[i];
      const ws = childWeights(node, w);
      const m = mult[node.code] || new Float64Array(nUnits);
      const kids = node.children.map((c) => (c.code in scores ? scores[c.code] : values[c.code]));
      const childMult = kids.map(() => new Float64Array(nUnits));
      for (let u = 0; u < nUnits; u++) {
        let total = 0;
        for (let j = 0; j < kids.length; j++) if (!Number.isNaN(kids[j][u])) total += ws[j];
        let factor = m[u];
        const y = scores[node.code][u];
        if (node.p !== 1) {
          let mean = 0;
          for (let j = 0; j < kids.length; j++) {
            if (!Number.isNaN(kids[j][u])) mean += (ws[j] / total) * kids[j][u];
          }
          factor = m[u] * y / mean;
        }
        for (let j = 0; j < kids.length; j++) {
          const observed = !Number.isNaN(kids[j][u]);
          childMult[j][u] = Number.isNaN(y) ? 0 : (observed ? factor * ws[j] / total : 0);
        }
      }
      node.children.forEach((c, j) => {
        mult[c.code] = childMult[j];
        const p = new Float64Array(nUnits);
        for (let u = 0; u < nUnits; u++) {
          p[u] = Number.isNaN(kids[j][u]) ? 0 : childMult[j][u] * kids[j][u];
        }
        part[c.code] = p;
      });
    }
    const out = {};
    for (const code of M.frontier) {
      out[code] = Array.from(part[code], (v, u) => (Number.isNaN(scores[root][u]) ? NaN_ : v));
    }
    return out;
  }

  // Competition ranks, 1 = best; scores within a relative 1e-12 tie (spindex._ranking).
  function ranks(y) {
    return Array.from(y, (s) => {
      if (Number.isNaN(s)) return null;
      let r = 1;
      for (let v = 0; v < y.length; v++) {
        const t = y[v];
        if (!Number.isNaN(t) && t > s && t - s > 1e-12 * Math.max(Math.abs(s), Math.abs(t))) r++;
      }
      return r;
    });
  }

  // ------------------------------------------------------------------ the pair comparison
  // P(sum w_j d_j >= 0) for w uniform on the simplex, by the de Boor-Cox recurrence of
  // spindex.analysis.dominance (convex combinations only: no cancellation, ties allowed).
  function simplexShare(d) {
    if (d.every((v) => v === 0)) return 1;
    const x = d.slice().sort((a, b) => a - b);
    const k = x.length;
    let p = x.map((v) => (v > 0 ? 1 : 0));
    for (let length = 2; length <= k; length++) {
      const next = new Array(k - length + 1);
      for (let i = 0; i + length - 1 < k; i++) {
        const lo = x[i];
        const hi = x[i + length - 1];
        next[i] = (lo < 0 && hi > 0) ? (hi * p[i + 1] - lo * p[i]) / (hi - lo) : (hi > 0 ? 1 : 0);
      }
      p = next;
    }
    return Math.min(1, Math.max(0, p[0]));
  }

  function gap(w, a, b) {
    const s = evaluate(w, [a, b])[M.root];
    return s[0] - s[1];
  }

  const freeGroups = M.groups.filter((g) => g.members.length > 1);

  // The index is affine in the weights of a single group when every aggregate from the
  // group's parent to the root is arithmetic and both units have every node of the group.
  function affine(a, b) {
    if (freeGroups.length !== 1) return false;
    const g = freeGroups[0];
    let code = g.parent;
    while (code !== null) {
      const node = M.nodes[nodeIndex[code]];
      if (node.p !== 1) return false;
      code = node.parent;
    }
    return g.members.every((i) => {
      const v = values[M.varying[i].code];
      return !Number.isNaN(v[a]) && !Number.isNaN(v[b]);
    });
  }

  function primes(n) {
    const out = [];
    for (let c = 2; out.length < n; c++) if (out.every((p) => c % p !== 0)) out.push(c);
    return out;
  }

  function halton(i, base) {
    let f = 1;
    let r = 0;
    while (i > 0) { f /= base; r += f * (i % base); i = Math.floor(i / base); }
    return r;
  }

  const QMC_POINTS = 16384;

  function pairShare(w, a, b) {
    if (affine(a, b)) {
      const g = freeGroups[0];
      const d = g.members.map((i) => {
        const v = w.slice();
        for (const j of g.members) v[j] = j === i ? 1 : 0;
        return gap(v, a, b);
      });
      return { share: simplexShare(d), exact: true };
    }
    if (freeGroups.length === 0) return { share: gap(w, a, b) >= 0 ? 1 : 0, exact: true };
    // Uniform weights on each group's simplex from a Halton sequence: the spacings of k - 1
    // sorted coordinates are uniform on the simplex of k weights.
    const dims = freeGroups.reduce((s, g) => s + g.members.length - 1, 0);
    const bases = primes(dims);
    let wins = 0;
    let counted = 0;
    for (let i = 1; i <= QMC_POINTS; i++) {
      const v = w.slice();
      let dim = 0;
      for (const g of freeGroups) {
        const u = [];
        for (let j = 0; j < g.members.length - 1; j++) u.push(halton(i, bases[dim++]));
        u.sort((x, y) => x - y);
        const cuts = [0, ...u, 1];
        g.members.forEach((m, j) => { v[m] = cuts[j + 1] - cuts[j]; });
      }
      const gp = gap(v, a, b);
      if (!Number.isNaN(gp)) { counted++; if (gp >= 0) wins++; }
    }
    return { share: wins / counted, exact: false };
  }

  // Along the path that gives node i the share t of its group and its siblings 1 - t in their
  // current proportions, the shares t where the order of a and b flips (grid, then bisection).
  function flips(w, i, a, b) {
    const g = M.groups[M.varying[i].group];
    const others = g.members.filter((j) => j !== i);
    const rest = others.reduce((s, j) => s + w[j], 0);
    const at = (t) => {
      const v = w.slice();
      v[i] = t;
      for (const j of others) v[j] = (1 - t) * (rest > 0 ? w[j] / rest : 1 / others.length);
      return gap(v, a, b);
    };
    const grid = 256;
    const end = 1 - 1e-9;
    const found = [];
    let t0 = 0;
    let g0 = at(0);
    for (let k = 1; k <= grid; k++) {
      const t1 = (k / grid) * end;
      const g1 = at(t1);
      if (!Number.isNaN(g0) && !Number.isNaN(g1) && (g0 >= 0) !== (g1 >= 0)) {
        let lo = t0;
        let hi = t1;
        const sLo = g0 >= 0;
        for (let it = 0; it < 60; it++) {
          const mid = (lo + hi) / 2;
          if ((at(mid) >= 0) === sLo) lo = mid; else hi = mid;
        }
        found.push({ t: (lo + hi) / 2, aAbove: !sLo });
      }
      t0 = t1;
      g0 = g1;
    }
    return { flips: found, start: at(0), end: at(end) };
  }

  // ------------------------------------------------------------------ the page
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fmt = (x, digits) => (Number.isNaN(x) ? "–" : x.toPrecision(digits || 4));
  const pct = (x) => (Number.isNaN(x) ? "–" : (100 * x).toFixed(1) + "%");
  const unitLabel = (u) => M.unitNames[u];

  const sliders = [];
  const shareLabels = [];
  const flipLabels = [];

  function buildSliders() {
    const box = $("sliders");
    M.groups.forEach((g) => {
      const fs = el("fieldset", "group");
      fs.appendChild(el("legend", null, M.groups.length > 1 ? g.parentName : M.levelName));
      g.members.forEach((i) => {
        const v = M.varying[i];
        const row = el("div", "slider");
        const label = el("label", null);
        label.htmlFor = "w-" + i;
        const swatch = el("span", "swatch");
        swatch.style.background = v.color;
        label.appendChild(swatch);
        label.appendChild(document.createTextNode(v.name));
        const input = el("input");
        input.type = "range";
        input.id = "w-" + i;
        input.min = "0";
        input.max = "1";
        input.step = "0.01";
        input.value = String(v.start);
        input.dataset.code = v.code;
        input.setAttribute("aria-label", "weight of " + v.name);
        input.addEventListener("input", update);
        const share = el("span", "share");
        const flip = el("div", "flip");
        flip.id = "flip-" + i;
        row.append(label, input, share, flip);
        fs.appendChild(row);
        sliders[i] = input;
        shareLabels[i] = share;
        flipLabels[i] = flip;
      });
      box.appendChild(fs);
    });
  }

  function currentWeights() {
    return sliders.map((s) => Number(s.value));
  }

  function buildPair() {
    for (const id of ["pair-a", "pair-b"]) {
      const sel = $(id);
      M.units.forEach((_, u) => {
        const o = el("option", null, unitLabel(u));
        o.value = String(u);
        sel.appendChild(o);
      });
      sel.addEventListener("change", update);
    }
    $("pair-a").value = String(M.pair[0]);
    $("pair-b").value = String(M.pair[1]);
  }

  function renderRanking(y, rk, parts) {
    const list = $("ranking");
    list.textContent = "";
    const order = allUnits.slice().sort((u, v) => {
      const a = Number.isNaN(y[u]) ? -Infinity : y[u];
      const b = Number.isNaN(y[v]) ? -Infinity : y[v];
      return b - a || u - v;
    });
    const finite = Array.from(y).filter((s) => !Number.isNaN(s));
    const stacked = M.frontier.every((c) => parts[c].every((p) => Number.isNaN(p) || p >= 0));
    const top = Math.max(...finite, 0);
    const bottom = stacked ? 0 : Math.min(...finite);
    const span = top - bottom || 1;
    for (const u of order) {
      const row = el("li", "unit");
      row.dataset.unit = String(M.units[u]);
      row.dataset.score = String(y[u]);
      row.dataset.rank = rk[u] === null ? "" : String(rk[u]);
      row.appendChild(el("span", "rank", rk[u] === null ? "–" : String(rk[u])));
      row.appendChild(el("span", "name", unitLabel(u)));
      const bar = el("span", "bar");
      if (stacked && !Number.isNaN(y[u])) {
        for (const c of M.frontier) {
          const seg = el("span", "seg");
          seg.style.width = (100 * parts[c][u] / span) + "%";
          seg.style.background = M.colors[c];
          seg.title = M.names[c] + ": " + fmt(parts[c][u]);
          seg.dataset.code = c;
          seg.dataset.value = String(parts[c][u]);
          bar.appendChild(seg);
        }
      } else if (!Number.isNaN(y[u])) {
        const seg = el("span", "seg plain");
        seg.style.width = (100 * (y[u] - bottom) / span) + "%";
        bar.appendChild(seg);
      }
      row.appendChild(bar);
      row.appendChild(el("span", "score", fmt(y[u], 4)));
      list.appendChild(row);
    }
  }

  function renderPair(w, y) {
    const a = Number($("pair-a").value);
    const b = Number($("pair-b").value);
    const out = $("pair-result");
    out.textContent = "";
    const A = unitLabel(a);
    const B = unitLabel(b);
    if (a === b) {
      out.appendChild(el("p", null, "Choose two different units."));
      for (const f of flipLabels) f.textContent = "";
      return;
    }
    const g = y[a] - y[b];
    const now = el("p", "now");
    now.id = "pair-gap";
    now.dataset.gap = String(g);
    now.textContent = Number.isNaN(g) ? "One of them has no score."
      : (g >= 0 ? A : B) + " leads at these weights by " + fmt(Math.abs(g)) + " points.";
    out.appendChild(now);
    const res = pairShare(w, a, b);
    const share = el("p", "share-line");
    share.id = "pair-share";
    share.dataset.share = String(res.share);
    share.dataset.exact = String(res.exact);
    share.textContent = A + " scores at least as high as " + B + " on " + pct(res.share) +
      " of all weightings of " + M.levelName.toLowerCase() + ", " + B + " on " +
      pct(1 - res.share) + (res.exact ? " (exact share of the weight simplex)."
        : " (estimate from " + QMC_POINTS.toLocaleString("en") +
          " quasi-random Halton weightings: the index is not affine in these weights).");
    out.appendChild(share);
    M.varying.forEach((v, i) => {
      const target = flipLabels[i];
      target.textContent = "";
      if (M.groups[v.group].members.length < 2) return;
      const f = flips(w, i, a, b);
      target.dataset.flips = JSON.stringify(f.flips.map((x) => x.t));
      if (f.flips.length === 0) {
        const lead = f.start >= 0 ? A : B;
        target.textContent = lead + " leads whatever the share of " + v.name;
      } else {
        target.textContent = "order flips at " + f.flips.map((x) => pct(x.t) + " (" +
          (x.aAbove ? A : B) + " ahead above it)").join(", ");
      }
    });
  }

  function update() {
    const w = currentWeights();
    M.groups.forEach((g) => {
      const total = g.members.reduce((s, i) => s + w[i], 0);
      g.members.forEach((i) => {
        shareLabels[i].textContent = total > 0 ? pct(w[i] / total) : "–";
      });
    });
    const bad = M.groups.find((g) => g.members.reduce((s, i) => s + w[i], 0) <= 0);
    $("warning").textContent = bad ? "All the weights of " + bad.parentName +
      " are zero: give one of them a weight." : "";
    const scores = evaluate(w, allUnits);
    const y = scores[M.root];
    const rk = ranks(y);
    const parts = contributions(w, scores);
    renderRanking(y, rk, parts);
    renderPair(w, y);
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
  }

  function reset() {
    M.varying.forEach((v, i) => { sliders[i].value = String(v.start); });
    update();
  }

  function equal() {
    for (const s of sliders) s.value = "1";
    update();
  }

  function legend() {
    const box = $("legend");
    for (const c of M.frontier) {
      const item = el("span", "key");
      const sw = el("span", "swatch");
      sw.style.background = M.colors[c];
      item.append(sw, document.createTextNode(M.names[c]));
      box.appendChild(item);
    }
  }

  buildSliders();
  buildPair();
  legend();
  $("reset").addEventListener("click", reset);
  $("equal").addEventListener("click", equal);
  update();
  window.spindexExplorer = { evaluate, simplexShare, pairShare, flips, update };
})();
