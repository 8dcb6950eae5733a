"""Printing a lesson (A4, Chromium's "Save as PDF"): nothing is cut off, explorers stay whole.

Each lesson is laid out for print (CSS print media, an A4-wide page) and measured: no code block,
inline code or formula is wider than its box (a box that would scroll on screen loses its right
edge on paper), the navigation is not printed, and figures and explorers may not break across
pages. Then Chromium writes the actual PDF, which must be A4 and hold every page of the lesson.
"""

from __future__ import annotations

import pytest
from sitekit import DOCNAMES, SCREENSHOTS, Visit

LESSONS = [d for d in DOCNAMES if d.startswith("notebooks/")]
# A4 is 210 mm wide; with Chromium's default 1 cm margins the text is 190 mm = 718 CSS px.
A4_TEXT_WIDTH = round(190 / 25.4 * 96)

CLIPPED = """() => {
  const clipped = (selector) => Array.from(document.querySelectorAll(selector))
    .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
    .map(e => selector + ': ' + (e.textContent || '').trim().slice(0, 60));
  const pageWidth = document.documentElement.clientWidth;
  const past = Array.from(document.querySelectorAll('article pre, article mjx-container, article img, article table'))
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > pageWidth + 1)
    .map(e => e.tagName + ' past the page edge: ' + (e.textContent || e.getAttribute('src') || '').trim().slice(0, 60));
  return clipped('article pre').concat(clipped('article div.math'), clipped('article mjx-container[display="true"]'),
                                        clipped('.cell_output'), past);
}"""


@pytest.fixture(scope="module")
def a4_tab(browser):
    """One A4-wide tab; each test opens its lesson in it (a fresh page load, no new context)."""
    tab = Visit(browser, "intro", "light", {"width": A4_TEXT_WIDTH, "height": 1000})
    yield tab
    tab.close()


@pytest.mark.parametrize("docname", LESSONS)
def test_a_printed_lesson_loses_nothing(a4_tab, docname):
    page_visit, page = a4_tab, a4_tab.page
    page.emulate_media(media="screen")  # as a reader opens the page, before printing it
    page_visit.go(docname)  # also waits until the explorers are drawn
    page.emulate_media(media="print")
    # What a browser does before printing (Chromium's PDF export too): coinem-site.js then fits
    # equations wider than the paper.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    clipped = page.evaluate(CLIPPED)
    assert not clipped, "cut off when printed:\n" + "\n".join(clipped)
    assert not page.locator(".bd-sidebar-primary").is_visible(), "the navigation is printed"
    # Figures and explorers are not split across two sheets.
    unbreakable = page.evaluate(
        "() => Array.from(document.querySelectorAll('.cell_output img, .widget-subarea'))"
        ".map(e => getComputedStyle(e.closest('.cell_output') || e).breakInside)")
    assert unbreakable and set(unbreakable) == {"avoid"}, unbreakable
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", path=str(SCREENSHOTS / f"{docname.replace('/', '__')}.pdf"),
                   margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"})
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 3, f"a whole lesson on {pages} A4 pages?"
    assert b"/MediaBox [0 0 594.95996 841.91998]" in pdf or b"/MediaBox [0 0 595" in pdf, "not A4"
    assert not page_visit.problems, "\n".join(page_visit.problems)
