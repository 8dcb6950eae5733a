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
from sitekit import DOCNAMES, HTML, VIEWPORTS, WIDGETS_DRAWN, Visit, axe_violations, start_axe

PAGES = DOCNAMES + ["genindex", "search"]
LESSONS = [d for d in DOCNAMES if d.startswith("notebooks/")]
EXPLORER_PAGES = [d for d in LESSONS
                  if 'application/vnd.jupyter.widget-view+json' in (HTML / f"{d}.html").read_text(encoding="utf-8")] \
    if HTML.is_dir() else []
SERIOUS = {"serious", "critical"}
TAB_BUDGET = 25


SCREENS = ["desktop", "phone"]
AXE_RULES = {"label-content-name-mismatch": {"enabled": True}}
# What the dark scheme changes: colours, and which of the theme's light/dark images are shown. The
# pages' elements, names, roles and order are the same (the theme only swaps CSS variables), so in
# dark axe re-runs the rules that read colours or images; the light run has every rule.
DARK_RULES = ["color-contrast", "link-in-text-block", "image-alt", "role-img-alt", "svg-img-alt",
              "object-alt", "input-image-alt"]


def test_no_serious_axe_violation_on_any_page(browser):
    """Every page at each screen size, light then dark: no serious or critical axe violation.

    One tab per screen size goes from page to page (as a reader does); on each page axe runs in
    both tabs at once (each tab has its own renderer process), then again after the colour scheme
    switches to dark, which the theme follows live (``prefers-color-scheme``), as when a reader's
    system switches.
    """
    tabs = {screen: Visit(browser, "search", "light", VIEWPORTS[screen]) for screen in SCREENS}
    found = {}
    try:
        for docname in PAGES:
            for tab in tabs.values():
                tab.page.emulate_media(color_scheme="light")
                tab.start_going(docname)
            for tab in tabs.values():
                tab.arrive()
            for scheme in ("light", "dark"):
                for tab in tabs.values():
                    tab.page.emulate_media(color_scheme=scheme)
                    tab.page.wait_for_function("s => document.documentElement.dataset.theme === s", arg=scheme)
                    # The theme fades colours from one scheme to the other: check where they end.
                    tab.page.wait_for_function("() => document.getAnimations().every("
                                               "a => !(a instanceof CSSTransition) || a.playState !== 'running')")
                    if scheme == "light":
                        start_axe(tab.page, rules=AXE_RULES)
                    else:
                        start_axe(tab.page, rules=None, only=DARK_RULES)
                for screen, tab in tabs.items():
                    serious = [v for v in axe_violations(tab.page) if v["impact"] in SERIOUS]
                    if serious:
                        found[f"{docname}, {screen} {scheme}"] = serious
            for screen, tab in tabs.items():
                assert not tab.problems, f"{docname}, {screen}:\n" + "\n".join(tab.problems)
    finally:
        for tab in tabs.values():
            tab.close()
    report = "\n".join(f"{d}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes: {v['help']})\n    "
                       + "\n    ".join(v["nodes"][:4])
                       for d, vs in found.items() for v in vs)
    assert not found, f"axe:\n{report}"


def test_the_references_list_is_a_list_of_list_items():
    """axe's critical finding on the references page: role=list holding doc-biblioentry children."""
    text = (HTML / "references.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation" id="[^"]+" role="([^"]+)"', text)
    assert entries and set(entries) == {"listitem"}, entries
    assert 'role="list" class="citation-list"' in text


@pytest.fixture(scope="module")
def desktop_tab(browser):
    """One laptop-sized tab for the tests below, each opening its page in it (no new context each)."""
    tab = Visit(browser, "intro", "light", VIEWPORTS["desktop"])
    yield tab
    tab.close()


@pytest.mark.parametrize("docname", LESSONS)
def test_formulas_are_not_tab_stops_and_keep_their_mathml(desktop_tab, docname):
    desktop_tab.go(docname)
    page = desktop_tab.page
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
    page_visit = visit(docname, viewport=VIEWPORTS["desktop"])  # opened once the explorer is drawn
    page = page_visit.page
    to_link = tab_until(page, "e => e && e.getAttribute('href') === '#coinem-explorer'", TAB_BUDGET)
    assert to_link is not None, "no 'Skip to the explorer' link within reach"
    # The theme slides a focused skip link in (a CSS transition): measure where it comes to rest.
    page.wait_for_function("() => document.querySelector('#coinem-skip-explorer')"
                           ".getAnimations({subtree: true}).every(a => a.playState !== 'running')")
    assert page.locator("#coinem-skip-explorer").evaluate("e => e.getBoundingClientRect().bottom > 0"), \
        "the skip link is not shown when focused"
    page.keyboard.press("Enter")
    into = tab_until(page, IN_EXPLORER, TAB_BUDGET - to_link)
    assert into is not None, f"the explorer's first control is more than {TAB_BUDGET} Tab presses away"
    # Without the bypass, a reader tabbing straight down still gets there: no trap, no hidden stop.
    page.reload()
    page.wait_for_function(WIDGETS_DRAWN)
    assert tab_until(page, IN_EXPLORER, 60) is not None


def test_searching_a_key_term_finds_where_it_is_defined(desktop_tab):
    """The first hit for "E-step" is a definition: the glossary's entry or Lesson 2, which defines it."""
    definitions = ("glossary.html#term-E-step", "notebooks/02_e_step.html#index-e-step")
    page = desktop_tab.page
    page.goto((HTML / "search.html").as_uri() + "?q=E-step")
    first = page.locator("#search-results ul.search li a").first
    first.wait_for()
    assert first.get_attribute("href").endswith(definitions), first.get_attribute("href")
    # The index sends a reader to both, each once.
    index = (HTML / "genindex.html").read_text(encoding="utf-8")
    assert [index.count(f'href="{d}"') for d in definitions] == [1, 1]
