"""The explorers on the built website, with no kernel and no network, used as a person would.

For each explorer: open its lesson page from ``_build/html`` in Chromium (the fixtures of
test_site.py: every non-local request is blocked and recorded), check that it first shows the
notebook's saved state (the paper's numbers), drawn by the site's own loader
(tools/book_static/coinem-explorers.js), then move each control with the keyboard or click
its buttons and check that what it shows changed and is what the Python helpers give for the new
values.  The explorer is saved as a screenshot before and after, in ``_build/screenshots/``.

A last test runs the page's JavaScript maths (coinem_helpers/static/explorers.js) on the shared
test vectors that test_widgets.py keeps equal to the Python explorers.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect
from sitekit import SCREENSHOTS
from test_widgets import VECTORS, assert_close

from coinem_helpers import (
    e_step,
    em,
    expected_counts,
    log_likelihood,
    m_step,
    mle_known,
    paper_data,
    simulate,
)
from coinem_helpers import widgets as W

HEADS, N_TOSSES, _ = paper_data()
PAGES = {"estep": "notebooks/02_e_step", "em": "notebooks/04_iterating_em", "simulator": "notebooks/01_known_coins"}
EXPLORER_JS = Path(W.__file__).parent / "static" / "explorers.js"


def fmt(x, digits):
    """How the page writes a number: Python's rounding, with a true minus sign."""
    return f"{x:.{digits}f}".replace("-", "\u2212")


class Explorer:
    """One explorer on a page: its controls (by their labels), what it shows, screenshots."""

    def __init__(self, page_visit, kind):
        self.visit, self.page, self.kind = page_visit, page_visit.page, kind
        css = {"estep": "coinem-estep", "em": "coinem-em", "simulator": "coinem-sim"}[kind]
        self.root = self.page.locator(f".{css}").first
        expect(self.root).to_be_visible()
        # The view draws its own sliders, so the explorer's box is the view's root.
        self.box = self.root

    @property
    def source(self):
        """"python" while showing the numbers saved from the kernel, "browser" once recomputed here."""
        return self.root.get_attribute("data-source")

    def slider(self, label):
        """A slider by its accessible name, as a screen reader would find it."""
        return self.root.get_by_role("slider", name=label, exact=True)

    def readout(self, label):
        return self.root.locator(".coinem-control").filter(
            has=self.page.get_by_role("slider", name=label, exact=True)).locator(".coinem-readout")

    def readouts(self):
        return self.root.locator(".coinem-readout").all_inner_texts()

    def move(self, label, key, times, readout):
        """Focus a slider and press an arrow key, as a keyboard user would."""
        slider = self.slider(label)
        expect(slider).to_have_count(1)
        slider.focus()
        for _ in range(times):
            self.page.keyboard.press(key)
        expect(self.readout(label)).to_have_text(readout)
        expect(slider).to_have_attribute("aria-valuetext", readout)

    def cells(self):
        """Every number the view shows in a table, by its data-cell key."""
        return self.root.evaluate(
            "root => Object.fromEntries(Array.from(root.querySelectorAll('[data-cell]'))"
            ".filter(c => !c.closest('tr').hidden && c.dataset.cell).map(c => [c.dataset.cell, c.textContent]))")

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.box.screenshot(path=SCREENSHOTS / f"explorer-{self.kind}-{name}.png")


@pytest.fixture
def open_explorer(visit):  # noqa: F811  (the fixture of test_site.py)
    opened = []

    def open_(kind):
        opened.append(Explorer(visit(PAGES[kind]), kind))
        return opened[-1]

    yield open_
    for explorer in opened:
        assert not explorer.visit.problems, "\n".join(explorer.visit.problems)


# --------------------------------------------------------------------------- E-step explorer


def estep_cells(theta_a, theta_b, prior):
    """The E-step explorer's table at these values, from the helpers."""
    resp = e_step(HEADS, N_TOSSES, [theta_a, theta_b], [prior, 1 - prior])
    H, T = expected_counts(resp, HEADS, N_TOSSES)
    new, _ = m_step(resp, HEADS, N_TOSSES)
    cells = {"HA": fmt(H[0], 1), "TA": fmt(T[0], 1), "HB": fmt(H[1], 1), "TB": fmt(T[1], 1),
             "newA": f"θA = {fmt(new[0], 2)}", "newB": f"θB = {fmt(new[1], 2)}"}
    for i, (r, h) in enumerate(zip(resp, HEADS), start=1):
        cells |= {f"pA-{i}": fmt(r[0], 2), f"pB-{i}": fmt(r[1], 2),
                  f"hA-{i}": fmt(r[0] * h, 1), f"tA-{i}": fmt(r[0] * (N_TOSSES - h), 1),
                  f"hB-{i}": fmt(r[1] * h, 1), f"tB-{i}": fmt(r[1] * (N_TOSSES - h), 1)}
    return cells


def test_estep_explorer_works_on_the_website(open_explorer):
    explorer = open_explorer("estep")
    # As saved by the notebook: the paper's first E-step (Do & Batzoglou 2008, Figure 1b).
    assert explorer.source == "python"
    assert explorer.readouts() == ["0.60", "0.50", "0.50"]
    shown = explorer.cells()
    assert [shown[f"pA-{i}"] for i in range(1, 6)] == ["0.45", "0.80", "0.73", "0.35", "0.65"]
    assert [shown[k] for k in ("HA", "TA", "HB", "TB")] == ["21.3", "8.6", "11.7", "8.4"]
    assert shown == estep_cells(0.6, 0.5, 0.5)
    explorer.screenshot("before")

    for label, key, times, readout, values in [
        ("θA", "ArrowRight", 10, "0.70", (0.7, 0.5, 0.5)),
        ("θB", "ArrowLeft", 15, "0.35", (0.7, 0.35, 0.5)),
        ("prior wA", "ArrowRight", 20, "0.70", (0.7, 0.35, 0.7)),
    ]:
        before = explorer.cells()
        explorer.move(label, key, times, readout)
        expected = estep_cells(*values)
        expect(explorer.root.locator('[data-cell="pA-1"]')).to_have_text(expected["pA-1"])
        assert explorer.source == "browser"
        assert explorer.cells() == expected != before, label
    bars = explorer.root.locator(".coinem-bar").evaluate_all("bars => bars.map(b => b.getAttribute('aria-label'))")
    assert bars[1] == f"set 2: P(A) = {estep_cells(0.7, 0.35, 0.7)['pA-2']}, P(B) = {estep_cells(0.7, 0.35, 0.7)['pB-2']}"
    explorer.screenshot("after")


# --------------------------------------------------------------------------- EM stepper


def em_rows(start, iteration):
    """The EM stepper's history table up to ``iteration``, from the helpers."""
    run = em(HEADS, N_TOSSES, list(start), tol=0, max_iter=max(iteration, 1))
    cells = {}
    for t in range(iteration + 1):
        a, b = run.thetas_history[t]
        cells |= {f"a-{t}": fmt(a, 4), f"b-{t}": fmt(b, 4), f"ll-{t}": fmt(run.log_likelihood_history[t], 4)}
    return cells


def em_shown(explorer):
    cells = explorer.cells()
    return {k: v for k, v in cells.items() if not k.startswith("d-")}


def test_em_stepper_works_on_the_website(open_explorer):
    explorer = open_explorer("em")
    root, status = explorer.root, explorer.root.locator(".coinem-status")
    button = {name: root.locator(f'button[data-action="{name}"]') for name in ("step", "run", "reset")}
    current = root.locator("circle.coinem-current")

    def at(iteration):
        # Run animates at four iterations a second: allow it the time of a whole run.
        expect(status).to_have_attribute("data-iteration", str(iteration), timeout=20_000)
        expect(explorer.readout("iteration")).to_have_text(str(iteration))

    # As saved: iteration 0 at the paper's start (0.6, 0.5).
    assert explorer.source == "python"
    assert explorer.readouts() == ["0.60", "0.50", "0"]
    at(0)
    assert em_shown(explorer) == em_rows((0.6, 0.5), 0)
    assert em_shown(explorer)["ll-0"] == fmt(log_likelihood(HEADS, N_TOSSES, [0.6, 0.5]), 4)
    expect(button["reset"]).to_be_disabled()
    explorer.screenshot("before")
    marker = current.get_attribute("cx"), current.get_attribute("cy")

    button["step"].click()  # one E-step and M-step: the paper's 0.71 / 0.58
    at(1)
    assert em_shown(explorer) == em_rows((0.6, 0.5), 1)
    assert em_shown(explorer)["a-1"].startswith("0.71") and em_shown(explorer)["b-1"].startswith("0.58")
    assert (current.get_attribute("cx"), current.get_attribute("cy")) != marker
    assert len(root.locator("polyline.coinem-path").get_attribute("points").split()) == 2
    bars = root.locator(".coinem-bar").evaluate_all("bars => bars.map(b => b.getAttribute('aria-label'))")
    resp = e_step(HEADS, N_TOSSES, em(HEADS, N_TOSSES, [0.6, 0.5], tol=0, max_iter=1).thetas)
    assert bars[0] == f"set 1: P(A) = {fmt(resp[0, 0], 2)}, P(B) = {fmt(resp[0, 1], 2)}"

    explorer.move("iteration", "ArrowRight", 2, "3")  # the iteration slider steps too
    at(3)
    assert em_shown(explorer) == em_rows((0.6, 0.5), 3)

    button["run"].click()  # runs to the last iteration by itself
    at(20)
    assert em_shown(explorer) == em_rows((0.6, 0.5), 20)
    expect(button["step"]).to_be_disabled()
    explorer.screenshot("after")

    button["reset"].click()
    at(0)
    assert em_shown(explorer) == em_rows((0.6, 0.5), 0)

    explorer.move("start θA", "ArrowLeft", 30, "0.30")  # a new start: a new run, from iteration 0
    at(0)
    assert explorer.source == "browser"
    assert em_shown(explorer) == em_rows((0.3, 0.5), 0)
    button["step"].click()
    at(1)
    assert em_shown(explorer) == em_rows((0.3, 0.5), 1)

    explorer.move("start θB", "ArrowRight", 30, "0.80")
    at(0)
    button["run"].click()
    at(20)
    assert em_shown(explorer) == em_rows((0.3, 0.8), 20)
    explorer.screenshot("after-new-start")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_em_path_is_drawn_on_the_landscape_not_beside_it(visit, color_scheme):  # noqa: F811
    """The path is SVG over the PNG, in the PNG's pixels: the two boxes must coincide, in both
    of the book's colour schemes (its dark mode pads images unless told not to)."""
    page_visit = visit(PAGES["em"], color_scheme=color_scheme)
    landscape = Explorer(page_visit, "em").root.locator(".coinem-landscape")
    boxes = landscape.evaluate(
        "fig => { const img = fig.querySelector('img'), svg = fig.querySelector('svg');"
        " const cs = getComputedStyle(img), r = img.getBoundingClientRect(), s = svg.getBoundingClientRect();"
        " return {padding: cs.padding, border: cs.borderWidth, img: [r.x, r.y, r.width, r.height],"
        " svg: [s.x, s.y, s.width, s.height], natural: [img.naturalWidth, img.naturalHeight]}; }")
    assert boxes["padding"] == "0px" and boxes["border"] == "0px"
    assert boxes["img"] == pytest.approx(boxes["svg"], abs=0.5)
    width, height = boxes["natural"]
    assert boxes["img"][3] / boxes["img"][2] == pytest.approx(height / width, rel=0.01)  # not stretched
    assert not page_visit.problems, "\n".join(page_visit.problems)


# --------------------------------------------------------------------------- toss simulator


def simulator_shown(explorer):
    rows = explorer.root.locator(".coinem-set:not([hidden])").evaluate_all(
        "rows => rows.map(r => Array.from(r.children).map(c => c.textContent))")
    return explorer.cells(), rows


def simulator_expected(theta_a, theta_b, n_sets, n_tosses, seed):
    """The simulator's table and list of sets at these values, from simulate and mle_known."""
    tosses, coins = simulate(n_sets, n_tosses, [theta_a, theta_b], seed=seed)
    heads = tosses.sum(axis=1)
    cells = {}
    for k, (name, truth) in enumerate(zip("AB", (theta_a, theta_b))):
        mine = coins == k
        cells |= {f"true-{name}": fmt(truth, 2), f"sets-{name}": str(mine.sum()),
                  f"ht-{name}": f"{heads[mine].sum()} / {mine.sum() * n_tosses}"}
        if mine.any():
            mle = mle_known(heads[mine], n_tosses, np.zeros(mine.sum(), int))[0]
            cells |= {f"mle-{name}": fmt(mle, 3), f"err-{name}": fmt(mle - truth, 3)}
        else:
            cells |= {f"mle-{name}": "no sets", f"err-{name}": "–"}
    rows = [[f"set {i + 1} · coin {'AB'[z]}", "".join("TH"[t] for t in row), f"{h} H"]
            for i, (z, row, h) in enumerate(zip(coins, tosses, heads))]
    return cells, rows


def test_toss_simulator_works_on_the_website(open_explorer):
    explorer = open_explorer("simulator")
    assert explorer.source == "python"
    assert explorer.readouts() == ["0.30", "0.70", "10", "20", "0"]
    assert simulator_shown(explorer) == simulator_expected(0.3, 0.7, 10, 20, 0)
    explorer.screenshot("before")

    for label, key, times, readout, values in [
        ("true θA", "ArrowRight", 1, "0.35", (0.35, 0.7, 10, 20, 0)),
        ("true θB", "ArrowLeft", 1, "0.65", (0.35, 0.65, 10, 20, 0)),
        ("sets", "ArrowRight", 5, "15", (0.35, 0.65, 15, 20, 0)),
        ("tosses per set", "ArrowRight", 10, "30", (0.35, 0.65, 15, 30, 0)),
        ("seed", "ArrowRight", 1, "1", (0.35, 0.65, 15, 30, 1)),
    ]:
        before = simulator_shown(explorer)
        explorer.move(label, key, times, readout)
        expected = simulator_expected(*values)
        expect(explorer.root.locator('[data-cell="ht-A"]')).to_have_text(expected[0]["ht-A"])
        assert explorer.source == "browser"
        assert simulator_shown(explorer) == expected != before, label
    explorer.screenshot("after")


# --------------------------------------------------------------------------- the page's maths


# Exact binary ties (0.125, 2.5, ...) round to even in Python; 0.005 and 0.015 sit a hair off theirs.
FMT_CASES = [(0.125, 2), (0.375, 2), (0.625, 2), (-0.125, 2), (2.5, 0), (1.5, 0), (0.5, 0), (-2.5, 0),
             (0.005, 2), (0.015, 2), (0.8, 2), (0.45, 2), (-31.57024, 4), (21.2975, 1), (1 / 3, 4),
             (-1e-17, 3), (0.0, 3), (123456.789, 1), (0.7968, 2), (-33.09392, 3)]


def test_the_pages_maths_agrees_with_python_on_the_shared_vectors(browser):  # noqa: F811
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    bins = [W._draw_bins(seed) for seed in range(W.SIM_SEEDS)]
    page = browser.new_page()
    try:
        page.goto("about:blank")
        got = page.evaluate(
            """async ([src, v, bins, grid, fmtCases]) => {
                const url = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
                const m = await import(url);
                return {
                    estep: v.estep.map(c => m.estepSummary(c.heads, c.n_tosses, c.theta_a, c.theta_b, c.prior)),
                    em: v.em.map(c => m.emSummary(c.heads, c.n_tosses, c.start_a, c.start_b, c.max_iter)),
                    simulator: v.simulator.map(c => m.simulationSummary(
                        bins[c.seed], grid, c.theta_a, c.theta_b, c.n_sets, c.n_tosses, c.seed)),
                    fmt: fmtCases.map(([x, d]) => m.fmt(x, d)),
                };
            }""",
            [EXPLORER_JS.read_text(encoding="utf-8"), vectors, bins, list(W.SIM_GRID), FMT_CASES],
        )
    finally:
        page.close()
    for kind in ("estep", "em", "simulator"):
        assert len(got[kind]) == len(vectors[kind]) > 0
        for i, (js, case) in enumerate(zip(got[kind], vectors[kind])):
            assert_close(js, case["expected"], f"{kind}[{i}]")
    assert got["fmt"] == [fmt(x, d) for x, d in FMT_CASES]
