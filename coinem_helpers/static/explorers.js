// Front end of the explorers in coinem_helpers.widgets (an anywidget ES module).
//
// The same module draws an explorer in JupyterLab, VS Code, Colab and on the
// static website.  With a kernel, Python computes every number with the tested
// helpers of coinem_helpers and sends them in the model's `result`, stamped with
// the control values they belong to; this module draws them.  Without a kernel
// (the website), nothing answers when a control moves, so the module recomputes
// the same numbers itself with the functions below, which mirror
// coinem_helpers.core term by term and are checked against it on shared test
// vectors (tests/data/explorer_vectors.json).  The root element's
// data-source attribute says which one is on screen: "python" or "browser".
//
// The view draws its own sliders (native range inputs, each named by its
// <label>, with an exact aria-valuetext), so it is one self-contained widget:
// JupyterLab renders it through anywidget, and the static website through a
// small loader of ours (tools/book_static/coinem-explorers.js) that reads the
// saved widget state.  A polite live region announces what each change shows.

// ---------------------------------------------------------------------------
// Maths: mirrors coinem_helpers.core (log space, two or more coins)
// ---------------------------------------------------------------------------

/** scipy.special.xlogy: x * log(y), with 0 * log(0) = 0. */
function xlogy(x, y) {
  return x === 0 && !Number.isNaN(y) ? 0 : x * Math.log(y);
}

/** scipy.special.xlog1py: x * log1p(y), with 0 * log1p(-1) = 0. */
function xlog1py(x, y) {
  return x === 0 && !Number.isNaN(y) ? 0 : x * Math.log1p(y);
}

/** numpy.logaddexp: log(exp(x) + exp(y)) without overflow. */
export function logaddexp(x, y) {
  if (x === y) return x + Math.LN2; // also -inf and -inf
  const tmp = x - y;
  if (tmp > 0) return x + Math.log1p(Math.exp(-tmp));
  if (tmp <= 0) return y + Math.log1p(Math.exp(tmp));
  return tmp; // NaN
}

/** log w_k + log p(set | coin k) for one set: core._log_joint. */
function logJoint(h, n, thetas, weights) {
  return thetas.map((t, k) => xlogy(h, t) + xlog1py(n - h, -t) + Math.log(weights[k]));
}

/** Responsibilities and log p(set) of every set: core._responsibilities. */
function responsibilities(heads, nTosses, thetas, weights) {
  const resp = [];
  const logPx = [];
  heads.forEach((h, i) => {
    const lj = logJoint(h, nTosses[i], thetas, weights);
    const lp = lj.reduce((a, b) => logaddexp(a, b));
    if (lp === -Infinity) {
      throw new Error(`set ${i} (heads = ${h} of n_tosses = ${nTosses[i]}) has probability 0 under every coin`);
    }
    resp.push(lj.map((v) => Math.exp(v - lp)));
    logPx.push(lp);
  });
  return { resp, logPx };
}

/** coinem_helpers.e_step: rows of P(coin k | set i). */
export function eStep(heads, nTosses, thetas, weights) {
  return responsibilities(heads, nTosses, thetas, weights).resp;
}

/** coinem_helpers.log_likelihood. */
export function logLikelihood(heads, nTosses, thetas, weights) {
  return sum(responsibilities(heads, nTosses, thetas, weights).logPx);
}

/** coinem_helpers.expected_counts: expected heads and tails of each coin. */
export function expectedCounts(resp, heads, nTosses) {
  const k = resp[0].length;
  const H = new Array(k).fill(0);
  const T = new Array(k).fill(0);
  resp.forEach((row, i) => {
    row.forEach((r, c) => {
      H[c] += r * heads[i];
      T[c] += r * (nTosses[i] - heads[i]);
    });
  });
  return { heads: H, tails: T };
}

/** coinem_helpers.m_step (thetas only): H / (H + T); a coin with no expected tosses keeps its theta. */
export function mStep(resp, heads, nTosses, currentThetas) {
  const { heads: H, tails: T } = expectedCounts(resp, heads, nTosses);
  return H.map((h, c) => (h + T[c] > 0 ? h / (h + T[c]) : currentThetas[c]));
}

function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}

/** What the E-step explorer shows (widgets._estep_summary in Python). */
export function estepSummary(heads, nTosses, thetaA, thetaB, prior) {
  const thetas = [thetaA, thetaB];
  const resp = eStep(heads, nTosses, thetas, [prior, 1 - prior]);
  const counts = expectedCounts(resp, heads, nTosses);
  return {
    params: [thetaA, thetaB, prior],
    resp,
    expected_heads: resp.map((row, i) => row.map((r) => r * heads[i])),
    expected_tails: resp.map((row, i) => row.map((r) => r * (nTosses[i] - heads[i]))),
    total_heads: counts.heads,
    total_tails: counts.tails,
    new_thetas: mStep(resp, heads, nTosses, thetas),
  };
}

/** What the EM stepper shows for one start (widgets._em_summary in Python):
 * row t of thetas / resp / loglik is the estimate after t iterations, the
 * E-step there and the log-likelihood there (coinem_helpers.em with tol=0). */
export function emSummary(heads, nTosses, startA, startB, maxIter) {
  const weights = [0.5, 0.5];
  let thetas = [startA, startB];
  let e = responsibilities(heads, nTosses, thetas, weights);
  const out = { params: [startA, startB, maxIter], thetas: [thetas], resp: [e.resp], loglik: [sum(e.logPx)] };
  for (let t = 0; t < maxIter; t += 1) {
    thetas = mStep(e.resp, heads, nTosses, thetas);
    e = responsibilities(heads, nTosses, thetas, weights);
    out.thetas.push(thetas);
    out.resp.push(e.resp);
    out.loglik.push(sum(e.logPx));
  }
  return out;
}

/** What the toss simulator shows (widgets._simulation_summary in Python).
 *
 * coinem_helpers.simulate(n_sets, n_tosses, thetas, seed=seed) draws
 * uniforms D_0, D_1, ... from numpy.random.default_rng(seed): the first
 * n_sets pick the coins (coin A when D < 0.5), the next n_sets * n_tosses are
 * the tosses (heads when D < theta of the set's coin).  `bins` holds, for each
 * draw of that seed, how many values of the theta grid are <= D, as one
 * base-36 digit; so "D < grid[j]" is "bin <= j", exactly, for every grid value.
 */
export function simulationSummary(bins, grid, thetaA, thetaB, nSets, nTosses, seed) {
  const jA = gridIndex(grid, thetaA);
  const jB = gridIndex(grid, thetaB);
  const jHalf = gridIndex(grid, 0.5);
  const bin = (i) => parseInt(bins[i], 36);
  if (nSets + nSets * nTosses > bins.length) throw new Error("not enough stored draws for this size");
  const coins = [];
  const tosses = [];
  const heads = [];
  for (let i = 0; i < nSets; i += 1) {
    const coin = bin(i) <= jHalf ? 0 : 1;
    const j = coin === 0 ? jA : jB;
    let s = "";
    let hi = 0;
    for (let t = 0; t < nTosses; t += 1) {
      const head = bin(nSets + i * nTosses + t) <= j;
      s += head ? "H" : "T";
      hi += head ? 1 : 0;
    }
    coins.push(coin);
    tosses.push(s);
    heads.push(hi);
  }
  const mle = [0, 1].map((k) => {
    const mine = heads.filter((_, i) => coins[i] === k);
    return mine.length ? sum(mine) / (mine.length * nTosses) : null;
  });
  return { params: [thetaA, thetaB, nSets, nTosses, seed], thetas: [grid[jA], grid[jB]], coins, tosses, heads, mle };
}

function gridIndex(grid, value) {
  let best = 0;
  grid.forEach((g, j) => {
    if (Math.abs(g - value) < Math.abs(grid[best] - value)) best = j;
  });
  return best;
}

// ---------------------------------------------------------------------------
// Drawing helpers
// ---------------------------------------------------------------------------

const COINS = ["A", "B"];

/** Python's f"{x:.{digits}f}", with a true minus sign.
 *
 * Both round the exact binary value of x, as toFixed does, except on an exact
 * tie (x = 0.125 to two digits), which Python rounds to even and toFixed away
 * from zero.  (Intl.NumberFormat's "halfEven" would round the shortest decimal
 * instead, so that 0.005, a hair above the tie, would become 0.00.)
 */
export function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  let text = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(100); // every digit of a tie, which has only digits + 1
  const point = exact.indexOf(".");
  if (/^50*$/.test(exact.slice(point + 1 + digits))) {
    const kept = exact.slice(0, digits ? point + 1 + digits : point);
    if (Number(kept[kept.length - 1]) % 2 === 0) text = (x < 0 ? "-" : "") + kept;
  }
  return text.replace("-", "\u2212");
}

/** The rise of the log-likelihood in one iteration: 4 decimals, or 2 digits in e-notation when tiny. */
function rise(d) {
  if (d === 0) return "0";
  if (Math.abs(d) >= 1e-3) return (d > 0 ? "+" : "") + fmt(d, 4);
  return d.toExponential(1).replace("e-", "e\u2212").replace("-", "\u2212");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A slider may hand back 0.30000000000000004 for Python's 0.3: the same setting.
function sameParams(a, b) {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-9);
}

/** Python's numbers when they belong to the current controls, else our own. */
function pick(root, model, params, compute) {
  const py = model.get("result");
  if (py && sameParams(py.params, params)) {
    root.dataset.source = "python";
    return py;
  }
  root.dataset.source = "browser";
  return compute();
}

function listen(model, names, callback) {
  names.forEach((name) => model.on(`change:${name}`, callback));
  return () => names.forEach((name) => model.off(`change:${name}`, callback));
}

let uid = 0;

/** JupyterLab's notebook takes the arrows, Enter, Space... for its own commands (and cancels
 * the slider's step): keys pressed on our controls stay with them (Escape still leaves). */
function keepKeys(node) {
  node.dataset.lmSuppressShortcuts = "true"; // Lumino's opt-out of its keyboard shortcuts
  node.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" && event.key !== "Tab") event.stopPropagation();
  });
}

/** A box that scrolls when its content does not fit (a phone, a long history): a named region,
 * and a Tab stop only while it actually scrolls, so that a keyboard can scroll it (WCAG 2.1.1)
 * without a useless stop on a laptop. Its class says which way it overflows, for the shadow
 * that hints at hidden columns (explorers.css). */
function region(node, label) {
  node.setAttribute("role", "region");
  node.setAttribute("aria-label", label);
  const update = () => {
    const wide = node.scrollWidth > node.clientWidth + 1;
    const tall = node.scrollHeight > node.clientHeight + 1;
    node.classList.toggle("coinem-overflows-x", wide);
    if (wide || tall) node.tabIndex = 0;
    else if (document.activeElement !== node) node.removeAttribute("tabindex");
  };
  if (typeof ResizeObserver === "function") new ResizeObserver(update).observe(node);
  new MutationObserver(update).observe(node, { childList: true, subtree: true, characterData: true });
  requestAnimationFrame(update);
  return node;
}

/** Snap a slider's value to its grid and its decimals: 0.7, never 0.7000000000000001. */
function snap(c, v) {
  const k = Math.round((v - c.min) / c.step);
  const x = Math.min(c.max, Math.max(c.min, c.min + k * c.step));
  return Number(x.toFixed(c.digits));
}

/** The sliders of the model's `controls`, each a labelled native range input with a readout.
 * Moving one sets the model's trait of the same name (a kernel, if any, hears of it). */
function sliders(model, root) {
  const box = el("div", "coinem-controls");
  keepKeys(box);
  const id = `coinem-${(uid += 1)}`;
  const inputs = (model.get("controls") || []).map((c) => {
    const rowEl = el("div", "coinem-control");
    const label = el("label", "coinem-control-label", c.label);
    if (c.sub) label.appendChild(el("sub", "", c.sub));
    const input = el("input", "coinem-range");
    input.type = "range";
    input.id = label.htmlFor = `${id}-${c.name}`;
    input.min = String(c.min);
    input.max = String(c.max);
    input.step = String(c.step);
    input.dataset.control = c.name;
    const readout = el("span", "coinem-readout");
    readout.setAttribute("aria-hidden", "true"); // the slider's own value text says it
    rowEl.append(label, input, readout);
    box.appendChild(rowEl);
    function show() {
      const v = snap(c, model.get(c.name));
      if (Number(input.value) !== v) input.value = String(v);
      input.setAttribute("aria-valuetext", fmt(v, c.digits));
      readout.textContent = fmt(v, c.digits);
    }
    input.addEventListener("input", () => {
      const v = snap(c, Number(input.value));
      if (v !== model.get(c.name)) {
        model.set(c.name, v);
        model.save_changes();
      }
      show();
    });
    show();
    return { c, show, input };
  });
  root.appendChild(box);
  const off = listen(model, inputs.map((i) => i.c.name), () => inputs.forEach((i) => i.show()));
  return { box, inputs, off };
}

/** A visually hidden live region: says what a change shows, once the control stops moving. */
function liveRegion(root) {
  const live = el("div", "coinem-live");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  root.appendChild(live);
  let timer = null;
  return {
    node: live,
    say(text) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => { timer = null; live.textContent = text; }, 300);
    },
    stop() { if (timer) clearTimeout(timer); },
  };
}

/** One stacked bar per set: P(A | set) in blue, P(B | set) in orange. */
function barList(nSets, label) {
  const box = el("div", "coinem-bars");
  const rows = [];
  for (let i = 0; i < nSets; i += 1) {
    const row = el("div", "coinem-bar-row");
    const name = el("span", "coinem-bar-label", label(i));
    const bar = el("div", "coinem-bar");
    bar.setAttribute("role", "img");
    const segs = COINS.map((c, k) => {
      const seg = el("div", `coinem-seg coinem-coin-${k}`);
      bar.appendChild(seg);
      return seg;
    });
    row.append(name, bar);
    box.appendChild(row);
    rows.push({ bar, segs });
  }
  let last = null;
  // A segment shows its number only where the number fits (the aria-label always has both).
  function labels() {
    if (!last) return;
    last.forEach((r, i) => {
      const width = rows[i].bar.clientWidth || 200;
      rows[i].segs.forEach((seg, k) => {
        seg.textContent = r[k] * width >= 46 ? `${COINS[k]} ${fmt(r[k], 2)}` : "";
      });
    });
  }
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(labels).observe(box);
  return {
    box,
    update(resp) {
      last = resp;
      resp.forEach((r, i) => {
        const { bar, segs } = rows[i];
        segs.forEach((seg, k) => {
          seg.style.width = `${(100 * r[k]).toFixed(3)}%`;
        });
        bar.setAttribute("aria-label", `set ${i + 1}: P(A) = ${fmt(r[0], 2)}, P(B) = ${fmt(r[1], 2)}`);
      });
      labels();
    },
  };
}

function table(className, headRows) {
  const t = el("table", `coinem-table ${className}`);
  const thead = el("thead");
  headRows.forEach((cells) => {
    const tr = el("tr");
    cells.forEach(([text, span]) => {
      const th = el("th", "", text);
      if (span) th.colSpan = span;
      tr.appendChild(th);
    });
    thead.appendChild(tr);
  });
  const tbody = el("tbody");
  t.append(thead, tbody);
  return { t, tbody };
}

/** A table row whose cells carry data-cell="<key>" so that tests can find them. */
function row(tbody, keys, first) {
  const tr = el("tr");
  const cells = {};
  if (first !== undefined) tr.appendChild(el("th", "", first));
  keys.forEach((key) => {
    const td = el("td");
    td.dataset.cell = key;
    cells[key] = td;
    tr.appendChild(td);
  });
  tbody.appendChild(tr);
  return { tr, cells };
}

// ---------------------------------------------------------------------------
// 1. E-step explorer
// ---------------------------------------------------------------------------

function renderEStep(model, root) {
  const heads = model.get("heads");
  const nTosses = model.get("n_tosses");
  root.classList.add("coinem-estep");
  const caption = el("div", "coinem-caption");
  const bars = barList(heads.length, (i) => `set ${i + 1}: ${heads[i]} H, ${nTosses[i] - heads[i]} T`);
  const { t, tbody } = table("coinem-counts", [
    [["set"], ["P(A | set)"], ["P(B | set)"], ["coin A: heads"], ["tails"], ["coin B: heads"], ["tails"]],
  ]);
  const rows = heads.map((_, i) => row(tbody, [`pA-${i + 1}`, `pB-${i + 1}`, `hA-${i + 1}`, `tA-${i + 1}`, `hB-${i + 1}`, `tB-${i + 1}`], `${i + 1}`));
  const total = row(tbody, ["", "", "HA", "TA", "HB", "TB"], "total");
  total.tr.className = "coinem-total";
  const next = row(tbody, ["", "", "newA", "", "newB", ""], "next θ");
  next.tr.className = "coinem-total";
  const right = region(el("div", "coinem-scroll coinem-table-box"), "E-step table: expected heads and tails of each coin");
  right.appendChild(t);
  const body = el("div", "coinem-row");
  const left = region(el("div", "coinem-scroll coinem-bars-box"), "P(coin | set) of each set");
  left.appendChild(bars.box);
  body.append(left, right);
  root.append(caption, body);
  const live = liveRegion(root);

  function update() {
    const p = [model.get("theta_a"), model.get("theta_b"), model.get("prior")];
    const s = pick(root, model, p, () => estepSummary(heads, nTosses, ...p));
    caption.textContent = `E-step at θA = ${fmt(p[0], 2)}, θB = ${fmt(p[1], 2)}, wA = ${fmt(p[2], 2)}: ` +
      "how likely each set came from each coin, and the expected heads and tails that gives each coin.";
    bars.update(s.resp);
    s.resp.forEach((r, i) => {
      const c = rows[i].cells;
      c[`pA-${i + 1}`].textContent = fmt(r[0], 2);
      c[`pB-${i + 1}`].textContent = fmt(r[1], 2);
      c[`hA-${i + 1}`].textContent = fmt(s.expected_heads[i][0], 1);
      c[`tA-${i + 1}`].textContent = fmt(s.expected_tails[i][0], 1);
      c[`hB-${i + 1}`].textContent = fmt(s.expected_heads[i][1], 1);
      c[`tB-${i + 1}`].textContent = fmt(s.expected_tails[i][1], 1);
    });
    total.cells.HA.textContent = fmt(s.total_heads[0], 1);
    total.cells.TA.textContent = fmt(s.total_tails[0], 1);
    total.cells.HB.textContent = fmt(s.total_heads[1], 1);
    total.cells.TB.textContent = fmt(s.total_tails[1], 1);
    next.cells.newA.textContent = `θA = ${fmt(s.new_thetas[0], 2)}`;
    next.cells.newB.textContent = `θB = ${fmt(s.new_thetas[1], 2)}`;
    live.say(`At θA ${fmt(p[0], 2)}, θB ${fmt(p[1], 2)}, prior ${fmt(p[2], 2)}: P(A | set) is ` +
      `${s.resp.map((r) => fmt(r[0], 2)).join(", ")}; next θA ${fmt(s.new_thetas[0], 2)}, θB ${fmt(s.new_thetas[1], 2)}.`);
  }
  update();
  const off = listen(model, ["theta_a", "theta_b", "prior", "result"], update);
  return () => { off(); live.stop(); };
}

// ---------------------------------------------------------------------------
// 2. EM stepper
// ---------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}

function renderEM(model, root) {
  const heads = model.get("heads");
  const nTosses = model.get("n_tosses");
  const land = model.get("landscape");
  root.classList.add("coinem-em");

  // Buttons: they only move `iteration`, which a link in the page keeps in
  // step with the iteration slider, so they work with or without a kernel.
  const bar = el("div", "coinem-buttons");
  keepKeys(bar); // Enter and Space press the button, in JupyterLab too
  const buttons = {};
  [["step", "Step ▶"], ["run", "Run ▶▶"], ["reset", "Reset ⟲"]].forEach(([name, label]) => {
    const b = el("button", "coinem-button", label);
    b.type = "button";
    b.dataset.action = name;
    buttons[name] = b;
    bar.appendChild(b);
  });
  const status = el("span", "coinem-status");
  bar.appendChild(status);

  // The landscape: a PNG drawn by coinem_helpers.plotting.plot_em_path, and
  // the path on top of it in SVG, in the PNG's pixel coordinates.
  const fig = el("div", "coinem-landscape");
  const img = el("img");
  img.src = `data:image/png;base64,${land.png}`;
  img.alt = "Log-likelihood of the data over (θA, θB): brighter is more likely.";
  const svg = svgEl("svg", { viewBox: `0 0 ${land.width} ${land.height}`, class: "coinem-overlay" });
  const [x0, y0, x1, y1] = land.axes; // pixels; y0 is the top edge
  const px = (a) => x0 + a * (x1 - x0);
  const py = (b) => y1 - b * (y1 - y0);
  const line = svgEl("polyline", { class: "coinem-path" });
  const dots = svgEl("g", { class: "coinem-dots" });
  const start = svgEl("rect", { class: "coinem-start", width: 11, height: 11 });
  const current = svgEl("circle", { class: "coinem-current", r: 7 });
  svg.append(line, dots, start, current);
  fig.append(img, svg);
  const legend = el("div", "coinem-legend", "□ start   — EM path   ◉ current estimate");

  const respTitle = el("div", "coinem-subtitle");
  const bars = barList(heads.length, (i) => `set ${i + 1}: ${heads[i]} H, ${nTosses[i] - heads[i]} T`);
  const llTitle = el("div", "coinem-subtitle", "Log-likelihood after each iteration");
  const { t, tbody } = table("coinem-history", [[["iteration"], ["θA"], ["θB"], ["log-likelihood ℓ"], ["rise"]]]);
  const maxIter = model.get("max_iter");
  const hist = [];
  for (let i = 0; i <= maxIter; i += 1) hist.push(row(tbody, [`a-${i}`, `b-${i}`, `ll-${i}`, `d-${i}`], `${i}`));
  const histBox = region(el("div", "coinem-scroll coinem-history-box"), "Log-likelihood after each iteration");
  histBox.appendChild(t);

  const leftCol = el("div", "coinem-col");
  leftCol.append(fig, legend);
  const rightCol = el("div", "coinem-col");
  rightCol.append(respTitle, bars.box, llTitle, histBox);
  const body = el("div", "coinem-row");
  body.append(leftCol, rightCol);
  root.append(bar, body);
  const live = liveRegion(root);

  // The run for the current start: Python's when it matches, else computed here.
  let cache = {};
  function summary() {
    const p = [model.get("start_a"), model.get("start_b"), maxIter];
    const py = model.get("result");
    if (cache.value && sameParams(cache.p, p) && cache.py === py) {
      root.dataset.source = cache.source;
      return cache.value;
    }
    const value = pick(root, model, p, () => emSummary(heads, nTosses, ...p));
    cache = { p, py, value, source: root.dataset.source };
    return value;
  }

  function update() {
    const s = summary();
    const it = Math.max(0, Math.min(model.get("iteration"), maxIter));
    const th = s.thetas[it];
    status.textContent = `iteration ${it} of ${maxIter}: θA = ${fmt(th[0], 2)}, θB = ${fmt(th[1], 2)}, ℓ = ${fmt(s.loglik[it], 3)}`;
    status.dataset.iteration = String(it);
    const pts = s.thetas.slice(0, it + 1);
    line.setAttribute("points", pts.map(([a, b]) => `${px(a).toFixed(2)},${py(b).toFixed(2)}`).join(" "));
    dots.replaceChildren(...pts.map(([a, b]) => svgEl("circle", { cx: px(a).toFixed(2), cy: py(b).toFixed(2), r: 3 })));
    start.setAttribute("x", (px(s.thetas[0][0]) - 5.5).toFixed(2));
    start.setAttribute("y", (py(s.thetas[0][1]) - 5.5).toFixed(2));
    current.setAttribute("cx", px(th[0]).toFixed(2));
    current.setAttribute("cy", py(th[1]).toFixed(2));
    respTitle.textContent = `Responsibilities at iteration ${it}: P(coin | set) at θA = ${fmt(th[0], 2)}, θB = ${fmt(th[1], 2)}`;
    bars.update(s.resp[it]);
    hist.forEach((r, i) => {
      r.tr.hidden = i > it;
      r.tr.classList.toggle("coinem-current-row", i === it);
      r.cells[`a-${i}`].textContent = fmt(s.thetas[i][0], 4);
      r.cells[`b-${i}`].textContent = fmt(s.thetas[i][1], 4);
      r.cells[`ll-${i}`].textContent = fmt(s.loglik[i], 4);
      r.cells[`d-${i}`].textContent = i === 0 ? "" : rise(s.loglik[i] - s.loglik[i - 1]);
    });
    histBox.scrollTop = histBox.scrollHeight;
    // A button that disables itself under the keyboard (Reset at 0, Step or Run at the end)
    // would drop focus to <body>: hand it to the next button that can act.
    const focused = Object.values(buttons).find((b) => b === document.activeElement);
    buttons.step.disabled = it >= maxIter;
    buttons.reset.disabled = it === 0 && !timer;
    buttons.run.disabled = it >= maxIter && !timer;
    buttons.run.textContent = timer ? "Pause ❚❚" : "Run ▶▶";
    if (focused && focused.disabled) {
      const next = [buttons.step, buttons.run, buttons.reset].find((b) => !b.disabled);
      if (next) next.focus();
    }
    live.say(status.textContent + (it >= maxIter ? " (the last iteration)" : ""));
  }

  function setIteration(i) {
    model.set("iteration", Math.max(0, Math.min(i, maxIter)));
    model.save_changes();
  }
  let timer = null;
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  buttons.step.addEventListener("click", () => { stop(); setIteration(model.get("iteration") + 1); });
  buttons.reset.addEventListener("click", () => { stop(); setIteration(0); });
  buttons.run.addEventListener("click", () => {
    if (timer) { stop(); update(); return; }
    timer = setInterval(() => {
      if (model.get("iteration") >= maxIter) { stop(); update(); return; }
      setIteration(model.get("iteration") + 1);
    }, 250);
    update();
  });

  // A new start begins a new run: back to iteration 0 (Python does the same).
  let lastStart = [model.get("start_a"), model.get("start_b")];
  function onStart() {
    const now = [model.get("start_a"), model.get("start_b")];
    if (!sameParams(now, lastStart)) {
      lastStart = now;
      stop();
      if (model.get("iteration") !== 0) setIteration(0);
    }
    update();
  }
  update();
  const off = listen(model, ["iteration", "result"], update);
  const offStart = listen(model, ["start_a", "start_b"], onStart);
  return () => { stop(); off(); offStart(); live.stop(); };
}

// ---------------------------------------------------------------------------
// 3. Toss simulator
// ---------------------------------------------------------------------------

function renderSimulator(model, root) {
  root.classList.add("coinem-sim");
  const grid = model.get("grid");
  const caption = el("div", "coinem-caption");
  const { t, tbody } = table("coinem-mle", [[["coin"], ["true θ"], ["sets"], ["heads / tosses"], ["MLE θ̂ (coins known)"], ["θ̂ − θ"]]]);
  const rows = COINS.map((c, k) => row(tbody, [`true-${c}`, `sets-${c}`, `ht-${c}`, `mle-${c}`, `err-${c}`], `coin ${c}`));
  rows.forEach((r, k) => r.tr.classList.add(`coinem-coin-row-${k}`));

  // Number line: for each coin, its true theta (triangle) and its estimate (dot).
  const W = 420;
  const line = svgEl("svg", { viewBox: `0 0 ${W} 78`, class: "coinem-numberline", role: "img" });
  const sx = (v) => 40 + v * (W - 60);
  const rowY = [14, 36];
  line.appendChild(svgEl("line", { x1: sx(0), x2: sx(1), y1: 54, y2: 54, class: "coinem-axis" }));
  [0, 0.25, 0.5, 0.75, 1].forEach((v) => {
    line.appendChild(svgEl("line", { x1: sx(v), x2: sx(v), y1: 50, y2: 58, class: "coinem-axis" }));
    const lab = svgEl("text", { x: sx(v), y: 72, class: "coinem-tick" });
    lab.textContent = String(v);
    line.appendChild(lab);
  });
  const marks = COINS.map((c, k) => {
    const name = svgEl("text", { x: 4, y: rowY[k] + 4, class: "coinem-marklabel" });
    name.textContent = `coin ${c}`;
    const guide = svgEl("line", { x1: sx(0), x2: sx(1), y1: rowY[k], y2: rowY[k], class: "coinem-guide" });
    const truth = svgEl("path", { class: `coinem-truth coinem-fill-${k}` });
    const est = svgEl("circle", { r: 8, cy: rowY[k], class: `coinem-est coinem-fill-${k}` });
    line.append(name, guide, truth, est);
    return { truth, est };
  });
  const legend = el("div", "coinem-legend", "▲ true θ   ○ estimate θ̂ = heads / tosses of that coin's sets");

  const setsTitle = el("div", "coinem-subtitle");
  const setsBox = region(el("div", "coinem-scroll coinem-sets-box"), "The simulated sets and their tosses");
  const setRows = [];

  const top = el("div", "coinem-col");
  const tableBox = region(el("div", "coinem-scroll coinem-mle-box"), "True θ and its estimate for each coin");
  tableBox.appendChild(t);
  top.append(tableBox, line, legend);
  const body = el("div", "coinem-row");
  const right = el("div", "coinem-col");
  right.append(setsTitle, setsBox);
  body.append(top, right);
  root.append(caption, body);
  const live = liveRegion(root);

  function setRow(i) {
    while (setRows.length <= i) {
      const r = el("div", "coinem-set");
      const name = el("span", "coinem-set-name");
      const seq = el("span", "coinem-seq");
      const count = el("span", "coinem-set-count");
      r.append(name, seq, count);
      setsBox.appendChild(r);
      setRows.push({ r, name, seq, count });
    }
    return setRows[i];
  }

  function update() {
    const p = [model.get("theta_a"), model.get("theta_b"), model.get("n_sets"), model.get("n_tosses"), model.get("seed")];
    const s = pick(root, model, p, () => simulationSummary(model.get("stream")[p[4]], grid, ...p));
    const [, , nSets, nT, seed] = p;
    caption.textContent = `${nSets} sets of ${nT} tosses, seed ${seed}: pick coin A or B at random for each set, then toss it.`;
    const truths = s.thetas;
    COINS.forEach((c, k) => {
      const idx = s.coins.map((z, i) => (z === k ? i : -1)).filter((i) => i >= 0);
      const h = idx.reduce((a, i) => a + s.heads[i], 0);
      const cells = rows[k].cells;
      cells[`true-${c}`].textContent = fmt(truths[k], 2);
      cells[`sets-${c}`].textContent = String(idx.length);
      cells[`ht-${c}`].textContent = `${h} / ${idx.length * nT}`;
      const m = s.mle[k];
      cells[`mle-${c}`].textContent = m === null ? "no sets" : fmt(m, 3);
      cells[`err-${c}`].textContent = m === null ? "–" : fmt(m - truths[k], 3);
      const x = sx(truths[k]);
      const y = rowY[k];
      marks[k].truth.setAttribute("d", `M${x.toFixed(1)},${y - 5} l5,9 h-10 z`);
      marks[k].est.setAttribute("cx", m === null ? -20 : sx(m).toFixed(1));
    });
    line.setAttribute("aria-label", `coin A: true ${fmt(truths[0], 2)}, estimate ${fmt(s.mle[0], 3)}; coin B: true ${fmt(truths[1], 2)}, estimate ${fmt(s.mle[1], 3)}`);
    setsTitle.textContent = `The simulated data (${nSets} sets)`;
    s.tosses.forEach((seq, i) => {
      const r = setRow(i);
      r.r.hidden = false;
      r.r.className = `coinem-set coinem-set-${s.coins[i]}`;
      r.name.textContent = `set ${i + 1} · coin ${COINS[s.coins[i]]}`;
      r.seq.textContent = seq;
      r.count.textContent = `${s.heads[i]} H`;
      r.r.dataset.set = String(i + 1);
    });
    for (let i = s.tosses.length; i < setRows.length; i += 1) setRows[i].r.hidden = true;
    live.say(`${nSets} sets of ${nT} tosses, seed ${seed}. ` + COINS.map((c, k) =>
      `Coin ${c}: true θ ${fmt(truths[k], 2)}, estimate ${s.mle[k] === null ? "none (no sets)" : fmt(s.mle[k], 3)}`).join("; ") + ".");
  }
  update();
  const off = listen(model, ["theta_a", "theta_b", "n_sets", "n_tosses", "seed", "result"], update);
  return () => { off(); live.stop(); };
}

// ---------------------------------------------------------------------------

const RENDERERS = { estep: renderEStep, em: renderEM, simulator: renderSimulator };

function render({ model, el: host }) {
  const root = el("div", "coinem");
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", { estep: "E-step explorer", em: "EM stepper", simulator: "Toss simulator" }[model.get("kind")]);
  host.appendChild(root);
  const controls = sliders(model, root);
  const cleanup = RENDERERS[model.get("kind")](model, root);
  return () => {
    cleanup();
    controls.off();
    root.remove();
  };
}

export default { render };
