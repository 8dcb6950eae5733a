"""The explorers on the built website, for every reader: phones, keyboards, screen readers, contrast.

Each test opens a lesson page from ``_build/html`` in Debian's Chromium (the ``visit`` fixture of
conftest.py: every non-local request is blocked and recorded as a problem) and checks, on the
explorers only (the rest of the page is the book's), what issue 12 asks of them:

* at 1366, 390 and 320 px nothing of an explorer sticks out of its box or makes the page scroll
  sideways; what is wider than a phone scrolls inside a focusable, named region;
* every slider has a name and exact ARIA values; after Reset, Step at the last iteration and the
  end of Run the focus is on a control, never on ``<body>``; a live region says what changed;
* axe-core (fetched from npm at build time, like the site's other offline assets) finds no
  serious or critical WCAG 2.1 A/AA violation inside an explorer, in light and dark mode;
* the pages draw the explorers with the site's small loader, not the ipywidgets manager.
"""

import re

import pytest
from playwright.sync_api import expect
from sitekit import HTML, ROOT

PAGES = {"estep": "notebooks/02_e_step", "em": "notebooks/04_iterating_em", "simulator": "notebooks/01_known_coins"}
ROOTS = {"estep": "coinem-estep", "em": "coinem-em", "simulator": "coinem-sim"}
SLIDERS = {
    "estep": {"θA": ("0.01", "0.99", "0.60"), "θB": ("0.01", "0.99", "0.50"), "prior wA": ("0.01", "0.99", "0.50")},
    "em": {"start θA": ("0.01", "0.99", "0.60"), "start θB": ("0.01", "0.99", "0.50"), "iteration": ("0", "20", "0")},
    "simulator": {"true θA": ("0.05", "0.95", "0.30"), "true θB": ("0.05", "0.95", "0.70"), "sets": ("1", "50", "10"),
                  "tosses per set": ("1", "100", "20"), "seed": ("0", "9", "0")},
}
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844), "small phone": (320, 640)}


def open_explorer(visit, kind, size="desktop", color_scheme="light"):
    page_visit = visit(PAGES[kind], color_scheme=color_scheme)
    width, height = WIDTHS[size]
    page_visit.page.set_viewport_size({"width": width, "height": height})
    root = page_visit.page.locator(f".{ROOTS[kind]}").first
    expect(root).to_be_visible()
    # The explorer re-measures its boxes after the resize (a ResizeObserver): let it.
    page_visit.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page_visit, root


def no_problems(page_visit):
    assert not page_visit.problems, "\n".join(page_visit.problems)


# --------------------------------------------------------------------------- fluid layout

OVERFLOW_JS = """root => {
  const box = root.getBoundingClientRect();
  const inScroller = el => { for (let p = el.parentElement; p && p !== root; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll") return p; } return null; };
  const out = [];
  for (const el of root.querySelectorAll("*")) {
    if (el.closest("[hidden]") || el.closest(".coinem-live")) continue;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const scroller = inScroller(el);
    if (scroller) continue;  // checked below: the scroller itself must fit and be reachable
    if (r.left < box.left - 1 || r.right > box.right + 1)
      out.push(`${el.tagName}.${el.className.baseVal ?? el.className} [${r.left|0}, ${r.right|0}] outside [${box.left|0}, ${box.right|0}]`);
    const cs = getComputedStyle(el);
    if (el.children.length === 0 && el.textContent.trim() && cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.tagName}.${el.className} cuts its text "${el.textContent.slice(0, 30)}"`);
  }
  const scrollers = Array.from(root.querySelectorAll(".coinem-scroll")).filter(s => !s.closest("[hidden]")).map(s => ({
    label: s.getAttribute("aria-label"), role: s.getAttribute("role"), tabindex: s.tabIndex,
    wide: s.scrollWidth > s.clientWidth + 1,
    scrolls: s.scrollWidth > s.clientWidth + 1 || s.scrollHeight > s.clientHeight + 1}));
  return {out, scrollers, page: document.documentElement.scrollWidth, viewport: window.innerWidth,
          right: box.right};
}"""


# Every width, and both colour schemes, each width in one of them (a page load costs seconds).
SCREENS = [("desktop", "light"), ("desktop", "dark"), ("phone", "dark"), ("small phone", "light")]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source():
    found = sorted((ROOT / "_build" / "offline").glob("**/axe.min.js"))
    if not found:
        pytest.fail("axe-core is not in _build/offline: `make book` fetches it from npm (tools/fetch_offline_assets.py)")
    return found[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(("size", "color_scheme"), SCREENS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_the_explorer_fits_the_screen_and_passes_axe(visit, kind, size, color_scheme):
    page_visit, root = open_explorer(visit, kind, size, color_scheme)
    page = page_visit.page
    got = root.evaluate(OVERFLOW_JS)
    assert got["out"] == []
    assert got["right"] <= got["viewport"], "the explorer is wider than the screen"
    for scroller in got["scrollers"]:  # a box that scrolls is one a keyboard can reach and name
        assert scroller["role"] == "region" and scroller["label"], scroller
        assert scroller["tabindex"] == (0 if scroller["scrolls"] else -1), scroller

    # axe-core on the explorer only (the page around it is the book's), WCAG 2.1 A and AA.
    page.wait_for_function(f"() => document.documentElement.dataset.theme === '{color_scheme}'")
    page.add_script_tag(content=axe_source())
    results = page.evaluate(
        """tags => axe.run({include: [[".coinem"]]}, {runOnly: {type: "tag", values: tags}, preload: false})
             .then(r => ({checked: r.passes.length,
                          bad: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
             .map(v => ({id: v.id, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)}))}))""",
        AXE_TAGS)
    assert results["bad"] == []
    assert results["checked"] > 5  # axe did look at the explorer
    no_problems(page_visit)


# --------------------------------------------------------------------------- keyboard and screen readers


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_slider_has_a_name_and_exact_values(visit, kind):
    page_visit, root = open_explorer(visit, kind)
    sliders = root.get_by_role("slider")
    expect(sliders).to_have_count(len(SLIDERS[kind]))
    for name, (lo, hi, text) in SLIDERS[kind].items():
        slider = root.get_by_role("slider", name=name, exact=True)
        expect(slider).to_have_count(1)
        assert (slider.get_attribute("min"), slider.get_attribute("max")) == (lo, hi)
        expect(slider).to_have_attribute("aria-valuetext", text)
        assert float(slider.input_value()) == float(text)
    # After many keyboard steps the values are still the grid's decimals, not 0.7000000000000001.
    first = root.get_by_role("slider").first
    first.focus()
    for _ in range(7):
        page_visit.page.keyboard.press("ArrowRight")
    value = first.input_value()
    assert re.fullmatch(r"\d+(\.\d{1,2})?", value), value
    assert re.fullmatch(r"\d+(\.\d\d)?", first.get_attribute("aria-valuetext"))
    no_problems(page_visit)


def live_text(root):
    return root.locator(".coinem-live").text_content()


@pytest.mark.parametrize("kind", ["estep", "simulator"])
def test_a_slider_move_is_announced(visit, kind):
    page_visit, root = open_explorer(visit, kind)
    live = root.locator(".coinem-live")
    assert live.get_attribute("aria-live") == "polite"
    expect(live).not_to_have_text("")
    before = live_text(root)
    slider = root.get_by_role("slider").first
    slider.focus()
    page_visit.page.keyboard.press("ArrowRight")
    expect(live).not_to_have_text(before)
    assert slider.get_attribute("aria-valuetext") in live_text(root)
    no_problems(page_visit)


def focused(page):
    return page.evaluate("() => { const a = document.activeElement;"
                         " return {tag: a.tagName, action: a.dataset.action || null, disabled: Boolean(a.disabled),"
                         " inside: Boolean(a.closest('.coinem'))}; }")


def test_focus_stays_on_a_control_after_reset_step_and_run(visit):
    page_visit, root = open_explorer(visit, "em")
    page = page_visit.page
    status, live = root.locator(".coinem-status"), root.locator(".coinem-live")
    step = root.locator('button[data-action="step"]')

    step.focus()
    page.keyboard.press("Enter")
    expect(status).to_have_attribute("data-iteration", "1")
    expect(live).to_contain_text("iteration 1 of 20")  # the step is announced
    root.locator('button[data-action="reset"]').focus()
    page.keyboard.press("Enter")  # Reset disables itself at iteration 0
    expect(status).to_have_attribute("data-iteration", "0")
    assert focused(page) == {"tag": "BUTTON", "action": "step", "disabled": False, "inside": True}

    iteration = root.get_by_role("slider", name="iteration", exact=True)
    iteration.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # iteration 19 of 20
    expect(status).to_have_attribute("data-iteration", "19")
    step.focus()
    page.keyboard.press("Enter")  # Step at the last iteration disables itself
    expect(status).to_have_attribute("data-iteration", "20")
    assert focused(page) == {"tag": "BUTTON", "action": "reset", "disabled": False, "inside": True}

    page.keyboard.press("Enter")  # Reset, with the keyboard
    expect(status).to_have_attribute("data-iteration", "0")
    root.locator('button[data-action="run"]').focus()
    page.keyboard.press("Enter")  # Run to the end: Run and Step end disabled
    expect(status).to_have_attribute("data-iteration", "20", timeout=20_000)
    expect(live).to_contain_text("iteration 20 of 20")
    state = focused(page)
    assert state["tag"] == "BUTTON" and state["inside"] and not state["disabled"], state
    no_problems(page_visit)


@pytest.mark.parametrize("kind", list(PAGES))
def test_scrolling_boxes_are_reached_with_tab(visit, kind):
    page_visit, root = open_explorer(visit, kind, "phone")
    boxes = root.locator(".coinem-scroll")
    assert boxes.count() >= 1
    # Tab from the last slider through the explorer: every scrolling box is a stop on the way.
    root.get_by_role("slider").last.focus()
    reached = set()
    for _ in range(12):
        page_visit.page.keyboard.press("Tab")
        label = page_visit.page.evaluate("() => document.activeElement.closest('.coinem') ?"
                                         " document.activeElement.getAttribute('aria-label') : null")
        if label:
            reached.add(label)
    wanted = set(boxes.evaluate_all("bs => bs.filter(b => b.scrollWidth > b.clientWidth + 1"
                                    " || b.scrollHeight > b.clientHeight + 1).map(b => b.getAttribute('aria-label'))"))
    assert wanted, "no box scrolls on a phone: the check would be vacuous"
    assert wanted <= reached
    no_problems(page_visit)


@pytest.mark.parametrize("kind", list(PAGES))
def test_a_box_that_does_not_scroll_is_no_tab_stop(visit, kind):
    """On a laptop a box whose content fits is not a stop (a useless one, with a focus ring); one
    that scrolls is, and shows a shadow on the side of its hidden columns."""
    page_visit, root = open_explorer(visit, kind, "desktop")
    boxes = root.locator(".coinem-scroll").evaluate_all(
        "bs => bs.map(b => ({label: b.getAttribute('aria-label'), stop: b.tabIndex >= 0 && b.hasAttribute('tabindex'),"
        " scrolls: b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1,"
        " wide: b.scrollWidth > b.clientWidth + 1, shadow: getComputedStyle(b).backgroundImage}))")
    assert boxes
    for box in boxes:
        assert box["stop"] == box["scrolls"], box
        assert ("gradient" in box["shadow"]) == box["wide"], box
    no_problems(page_visit)


# --------------------------------------------------------------------------- the loader


@pytest.mark.parametrize("kind", list(PAGES))
def test_the_page_draws_its_explorers_with_the_small_loader(visit, kind):
    page_visit, root = open_explorer(visit, kind)
    scripts = page_visit.page.evaluate("() => Array.from(document.scripts).map(s => s.src).filter(Boolean)")
    assert any("coinem-explorers.js" in s for s in scripts)
    assert not any("embed-amd" in s or "require.js" in s for s in scripts)
    # The explorer took the box the loader reserved for it, and was drawn into it.
    expect(root.locator("xpath=ancestor::*[@data-coinem-ready='true']")).to_have_count(1)
    no_problems(page_visit)


def test_pages_without_explorers_do_not_load_the_loader():
    html = (HTML / "notebooks" / "03_m_step.html").read_text(encoding="utf-8")
    assert "widget-view+json" not in html and "coinem-explorers.js" not in html


def test_a_page_with_another_widget_gets_the_full_manager(visit):
    """The loader draws only our explorers; a page holding any other widget is left to ipywidgets."""
    import json

    source = (HTML / "notebooks" / "02_e_step.html").read_text(encoding="utf-8")
    match = re.search(r'(<script type="application/vnd.jupyter.widget-state\+json">)(.*?)(</script>)', source, re.S)
    state = json.loads(match.group(2))
    state["state"]["0123456789abcdef0123456789abcdef"] = {
        "model_name": "FloatSliderModel", "model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
        "state": {"value": 0.5, "min": 0, "max": 1, "step": 0.1, "description": "other"}}
    page = source.replace(match.group(0), match.group(1) + json.dumps(state) + match.group(3))
    other = HTML / "notebooks" / "_other_widget_test.html"
    other.write_text(page, encoding="utf-8")
    try:
        page_visit = visit("notebooks/_other_widget_test")
        page_visit.page.wait_for_function("() => Array.from(document.scripts).some(s => /embed-amd/.test(s.src))")
        # The manager, not our loader, draws the explorer (inside its own widget area).
        expect(page_visit.page.locator(".coinem-estep")).to_have_count(1, timeout=30_000)
        assert page_visit.page.locator(".coinem-subarea").count() == 0
        assert not [p for p in page_visit.problems if "coinem" in p]
    finally:
        other.unlink()
