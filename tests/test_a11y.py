"""Accessibility of the built website (WCAG 2.1 A and AA), checked with axe-core in Chromium.

Every page (the book's, the general index and the search page) on a laptop (1366x900) and a phone
(390x844), light and dark: no serious or critical axe violation. axe-core comes from npm at build
time (``make book``), never from a CDN; every non-local request is blocked and fails the test.
Besides the WCAG rules, axe's rule that a control's name contains its visible text (WCAG 2.5.3,
"experimental" in axe) is switched on.

Then what axe cannot see: formulas are not Tab stops but keep their MathML for screen readers, a
keyboard reader reaches the first explorer quickly, and searching a key term finds its definition.
"""

from __future__ import annotations

import re

import pytest
from sitekit import DOCNAMES, HTML, VIEWPORTS, run_axe

PAGES = DOCNAMES + ["genindex", "search"]
LESSONS = [d for d in DOCNAMES if d.startswith("notebooks/")]
EXPLORER_PAGES = [d for d in LESSONS
                  if 'application/vnd.jupyter.widget-view+json' in (HTML / f"{d}.html").read_text(encoding="utf-8")] \
    if HTML.is_dir() else []
SERIOUS = {"serious", "critical"}
TAB_BUDGET = 25


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_no_serious_axe_violation_on_any_page(visit, screen, color_scheme):
    found = {}
    for docname in PAGES:
        page_visit = visit(docname, color_scheme=color_scheme, viewport=VIEWPORTS[screen])
        page = page_visit.page
        if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
            page.wait_for_function("() => document.querySelector('.widget-subarea .jupyter-widgets')")
        violations = run_axe(page, rules={"label-content-name-mismatch": {"enabled": True}})
        serious = [v for v in violations if v["impact"] in SERIOUS]
        if serious:
            found[docname] = serious
        assert not page_visit.problems, "\n".join(page_visit.problems)
        page_visit.close()
    report = "\n".join(f"{d}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes: {v['help']})\n    "
                       + "\n    ".join(v["nodes"][:4])
                       for d, vs in found.items() for v in vs)
    assert not found, f"axe, {screen} {color_scheme}:\n{report}"


def test_the_references_list_is_a_list_of_list_items():
    """axe's critical finding on the references page: role=list holding doc-biblioentry children."""
    text = (HTML / "references.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation" id="[^"]+" role="([^"]+)"', text)
    assert entries and set(entries) == {"listitem"}, entries
    assert 'role="list" class="citation-list"' in text


@pytest.mark.parametrize("docname", LESSONS)
def test_formulas_are_not_tab_stops_and_keep_their_mathml(visit, docname):
    page = visit(docname, viewport=VIEWPORTS["desktop"]).page
    formulas = page.locator("mjx-container").count()
    assert formulas > 0
    in_tab_order = page.evaluate("() => Array.from(document.querySelectorAll('mjx-container'))"
                                 ".filter(m => m.tabIndex >= 0 && !m.hasAttribute('data-coinem-scroll')).length")
    assert in_tab_order == 0, f"{in_tab_order} of {formulas} formulas are Tab stops"
    # Screen readers read the hidden MathML copy of each formula.
    assert page.locator("mjx-container > mjx-assistive-mml > math").count() == formulas


def tab_until(page, predicate: str, budget: int) -> int | None:
    """Press Tab until ``predicate(document.activeElement)`` holds; how many presses, or None."""
    for presses in range(1, budget + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return presses
    return None


IN_EXPLORER = "e => Boolean(e && e.closest('.widget-subarea, .jupyter-widgets'))"


@pytest.mark.parametrize("docname", EXPLORER_PAGES)
def test_a_keyboard_reader_reaches_the_first_explorer_within_25_tab_presses(visit, docname):
    """From page load, with the bypass link the page offers (WCAG 2.4.1): Tab to "Skip to the
    explorer", Enter, Tab into the explorer's first control."""
    page = visit(docname, viewport=VIEWPORTS["desktop"]).page
    page.wait_for_function("() => document.querySelector('.widget-subarea .jupyter-widgets')")
    to_link = tab_until(page, "e => e && e.getAttribute('href') === '#coinem-explorer'", TAB_BUDGET)
    assert to_link is not None, "no 'Skip to the explorer' link within reach"
    assert page.locator("#coinem-skip-explorer").evaluate("e => e.getBoundingClientRect().bottom > 0"), \
        "the skip link is not shown when focused"
    page.keyboard.press("Enter")
    into = tab_until(page, IN_EXPLORER, TAB_BUDGET - to_link)
    assert into is not None, f"the explorer's first control is more than {TAB_BUDGET} Tab presses away"
    # Without the bypass, a reader tabbing straight down still gets there: no trap, no hidden stop.
    page.reload()
    page.wait_for_function("() => document.querySelector('.widget-subarea .jupyter-widgets')")
    assert tab_until(page, IN_EXPLORER, 60) is not None


def test_searching_a_key_term_finds_where_it_is_defined(visit):
    page = visit("search", viewport=VIEWPORTS["desktop"]).page
    page.goto((HTML / "search.html").as_uri() + "?q=E-step")
    first = page.locator("#search-results ul.search li a").first
    first.wait_for()
    assert first.get_attribute("href").endswith("notebooks/02_e_step.html#index-e-step"), first.get_attribute("href")
    assert (HTML / "genindex.html").read_text(encoding="utf-8").count("02_e_step.html#index-e-step") == 1
