"""The website on phones and laptops: navigation buttons work, nothing runs off the screen.

Chromium opens the built pages from disk (every non-local request blocked). At 390 px and 320 px
the ☰ button opens the navigation drawer with the lesson links, and the contents button opens the
page's table of contents; at 1366 px ☰ collapses the sidebar and brings it back. No page scrolls
sideways on a phone; a display equation scrolls in its own box, never under its number; wide
multi-panel figures keep readable labels. No page loads the theme's 1.5 MB FontAwesome script or
its 156 kB icon font (a subset stylesheet draws the icons as SVG masks), and MathJax loads only
where there is math.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sitekit import DOCNAMES, HTML, VIEWPORTS, built_pages

LESSON_TITLES = ["Lesson 1", "Lesson 2", "Lesson 3", "Lesson 4", "Lesson 5", "Lesson 6"]
PHONES = ["phone", "small"]


def settled(page) -> None:
    """Wait for running CSS transitions and animations (the drawer's slide-in) to finish."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def after_layout(page) -> None:
    """Two animation frames: coinem-site.js re-measures in the frame after MathJax finishes."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def visible_links(page, scope: str) -> list[str]:
    return page.evaluate(
        "scope => Array.from(document.querySelectorAll(scope + ' a')).filter(a => {"
        " const r = a.getBoundingClientRect(); const s = getComputedStyle(a);"
        " return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > 0 && r.left < innerWidth;"
        "}).map(a => a.textContent.trim())", scope)


@pytest.mark.parametrize("screen", PHONES)
def test_the_menu_button_opens_the_navigation_drawer_on_a_phone(visit, screen):
    page = visit("notebooks/02_e_step", viewport=VIEWPORTS[screen]).page
    assert not [t for t in visible_links(page, "body") if t.startswith("Lesson 4")], "navigation shown before ☰"
    toggle = page.get_by_role("button", name="Toggle primary sidebar")
    toggle.click()
    page.locator("dialog[open]").wait_for()
    settled(page)  # the drawer's slide-in
    shown = visible_links(page, "dialog[open]")
    assert all(any(t.startswith(title) for t in shown) for title in LESSON_TITLES), shown
    page.keyboard.press("Escape")
    page.locator("dialog[open]").wait_for(state="detached")
    settled(page)


@pytest.mark.parametrize("screen", PHONES)
def test_the_contents_button_opens_the_page_contents_on_a_phone(visit, screen):
    page = visit("notebooks/02_e_step", viewport=VIEWPORTS[screen]).page
    page.get_by_role("button", name=re.compile("secondary sidebar", re.I)).click()
    page.locator("dialog[open]").wait_for()
    settled(page)
    shown = visible_links(page, "dialog[open]")
    assert "Why we compute in log space" in shown, shown


def test_a_section_picked_in_the_contents_drawer_closes_the_drawer_on_a_phone(visit):
    """Tapping a section in the page's contents scrolls to it and closes the drawer, which would
    otherwise cover three quarters of the screen and catch the next tap."""
    page = visit("notebooks/02_e_step", viewport=VIEWPORTS["phone"]).page
    page.get_by_role("button", name=re.compile("secondary sidebar", re.I)).click()
    page.locator("dialog[open]").wait_for()
    settled(page)
    page.locator("dialog[open] a", has_text="Why we compute in log space").click()
    page.locator("dialog[open]").wait_for(state="detached")
    settled(page)
    # The theme scrolls smoothly: wait for the section to arrive at the top of the screen.
    page.wait_for_function("() => { const h = document.getElementById('why-we-compute-in-log-space');"
                           " const top = h.getBoundingClientRect().top; return top >= 0 && top < 300; }",
                           timeout=5_000)
    # The next tap reaches the page: the next-lesson link.
    page.locator(".prev-next-area a.right-next").click()
    page.wait_for_url("**/03_m_step.html")


def test_the_menu_button_collapses_and_restores_the_sidebar_on_a_laptop(visit):
    page = visit("notebooks/02_e_step", viewport=VIEWPORTS["desktop"]).page
    assert any(t.startswith("Lesson 4") for t in visible_links(page, ".bd-sidebar-primary"))
    article = page.locator("article").evaluate("a => a.getBoundingClientRect().width")
    toggle = page.get_by_role("button", name="Toggle primary sidebar")
    toggle.click()
    settled(page)
    assert not any(t.startswith("Lesson 4") for t in visible_links(page, "body")), "sidebar still shown"
    assert not page.locator("dialog[open]").count(), "☰ opened a drawer instead of collapsing the sidebar"
    assert page.locator("article").evaluate("a => a.getBoundingClientRect().width") > article, \
        "the lesson did not get the room"
    toggle.click()
    settled(page)
    assert any(t.startswith("Lesson 4") for t in visible_links(page, ".bd-sidebar-primary"))


PHONE_LAYOUT = """() => {
  const math = Array.from(document.querySelectorAll('div.math')).map(d => {
    const number = d.querySelector('span.eqno'), formula = d.querySelector('mjx-container');
    if (!number || !formula) return null;
    const a = number.getBoundingClientRect(), b = formula.getBoundingClientRect();
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom ? d.id : null;
  }).filter(Boolean);
  const figures = Array.from(document.querySelectorAll('.cell_output img'))
    .filter(i => i.naturalWidth > 900 && i.naturalWidth > 2 * i.naturalHeight)
    .map(i => ({src: i.getAttribute('src'), scale: i.getBoundingClientRect().width / i.naturalWidth,
                scrolls: i.parentElement.scrollWidth > i.parentElement.clientWidth,
                focusable: i.parentElement.tabIndex >= 0}));
  const clipped = Array.from(document.querySelectorAll('span.math')).filter(s => {
    const f = s.querySelector('mjx-container'); if (!f) return false;
    return f.getBoundingClientRect().width > s.getBoundingClientRect().width + 1 && s.scrollWidth <= s.clientWidth + 1;
  }).length;
  return {page: document.documentElement.scrollWidth, screen: innerWidth, underNumber: math,
          figures: figures, clippedInline: clipped};
}"""


@pytest.mark.parametrize("screen", PHONES)
def test_no_page_scrolls_sideways_on_a_phone_and_wide_content_stays_readable(visit, screen):
    problems = []
    page_visit = visit(DOCNAMES[0], viewport=VIEWPORTS[screen])
    page = page_visit.page
    for docname in DOCNAMES:
        page_visit.go(docname)  # one tab from page to page
        after_layout(page)
        layout = page.evaluate(PHONE_LAYOUT)
        if layout["page"] > layout["screen"]:
            problems.append(f"{docname}: the page is {layout['page']} px wide on a {layout['screen']} px screen")
        if layout["underNumber"]:
            problems.append(f"{docname}: equations under their number: {layout['underNumber']}")
        if layout["clippedInline"]:
            problems.append(f"{docname}: {layout['clippedInline']} inline formulas cut off")
        for figure in layout["figures"]:
            # At least 600 px of a figure of 900-1200 px: labels at half size or more, not a third.
            if figure["scale"] < 0.49 or not (figure["scrolls"] and figure["focusable"]):
                problems.append(f"{docname}: wide figure {figure}")
        problems += [f"{docname}: {p}" for p in page_visit.problems]
    assert not problems, "\n".join(problems)


def test_the_wide_figures_exist_for_the_phone_check_to_look_at():
    """Guard against a vacuous pass of the figure check above."""
    from PIL import Image
    wide = []
    for path in (HTML / "_images").glob("*.png"):
        with Image.open(path) as image:
            if image.width > 900 and image.width > 2 * image.height:
                wide.append(path.name)
    assert wide


def test_no_page_loads_the_fontawesome_script_and_every_icon_is_drawn():
    css = (HTML / "_static" / "offline" / "icons.css").read_text(encoding="utf-8")
    drawn = set(re.findall(r"^\.(fa-[\w-]+) \{ --coinem-icon", css, flags=re.M))
    for path in built_pages():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts = [s["src"] for s in soup.find_all("script", src=True)]
        assert not [s for s in scripts if "fontawesome" in s], f"{path.name} loads FontAwesome"
        used = {c for e in soup.select("[class*='fa-']") for c in e["class"]
                if c.startswith("fa-") and c not in {"fa-lg", "fa-solid", "fa-brands", "fa-regular"}}
        assert used <= drawn, f"{path.name} uses icons the subset lacks: {used - drawn}"


def test_icons_are_drawn_in_the_browser(visit):
    page = visit("intro", viewport=VIEWPORTS["phone"]).page
    icon = page.locator(".primary-toggle .fa-bars, .primary-toggle [class*='fa-bars']").first
    box = icon.bounding_box()
    assert box and box["width"] > 8 and box["height"] > 8
    assert "svg" in icon.evaluate("i => getComputedStyle(i).maskImage || getComputedStyle(i).webkitMaskImage")


# Every ::before/::after the page draws in FontAwesome's web font (the theme's admonition, link and
# breadcrumb icons use it unless offline/icons.css draws them as SVG masks).
FONT_ICONS = """() => Array.from(document.querySelectorAll('body *:not(.highlight *)')).flatMap(e => ['::before', '::after'].map(p => {
  const s = getComputedStyle(e, p);
  return s.content !== 'none' && s.content !== 'normal' && /Font Awesome/i.test(s.fontFamily)
    ? e.tagName.toLowerCase() + '.' + Array.from(e.classList).join('.') + p : null;
})).filter(Boolean)"""

# The icon of each visible admonition title that has one (sphinx-exercise's solutions have none).
ADMONITION_ICONS = """() => Array.from(document.querySelectorAll('.admonition > .admonition-title'))
  .filter(t => t.getClientRects().length).map(t => getComputedStyle(t, '::after'))
  .filter(s => s.content !== 'none').map(s => ({mask: s.maskImage || s.webkitMaskImage, w: s.width, h: s.height}))"""


def test_no_page_downloads_the_icon_font_and_admonition_icons_are_drawn(browser):
    """The theme draws admonition icons with FontAwesome's 156 kB web font; the site draws them as
    SVG masks, so no page downloads the font (issue 12: a lesson page is at most 1.0 MB)."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    fonts = []
    context.on("request", lambda r: "fontawesome" in r.url and fonts.append(r.url))
    # MathJax and the figures draw no theme icon: not loading them halves the time of this test.
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                  and "/mathjax/" not in r.request.url and "/_images/" not in r.request.url else r.abort())
    page = context.new_page()
    problems, icons = [], 0
    try:
        for docname in DOCNAMES + ["genindex", "search"]:
            page.goto((HTML / f"{docname}.html").as_uri(), wait_until="load")
            problems += [f"{docname}: {p} uses the icon font" for p in page.evaluate(FONT_ICONS)]
            styles = page.evaluate(ADMONITION_ICONS)
            icons += len(styles)
            problems += [f"{docname}: an admonition icon is not drawn: {s}" for s in styles
                         if "svg" not in s["mask"] or s["w"] == "0px" or s["h"] == "0px"]
        problems += [f"downloaded {url}" for url in fonts]
    finally:
        context.close()
    assert icons > 20, f"only {icons} admonition titles checked"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("docname", DOCNAMES + ["genindex", "search"])
def test_mathjax_loads_only_on_pages_with_math(docname):
    text = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    has_math = bool(re.search(r'class="math[ "]', text))
    loads = "mathjax/tex-chtml.js" in text
    assert loads == has_math, f"{docname}: math on the page: {has_math}, MathJax loaded: {loads}"


FOCUS_RING = """() => { const e = document.activeElement, s = getComputedStyle(e);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = /rgb\\(/.test(s.boxShadow) && !/^rgba\\(0, 0, 0, 0\\)/.test(s.boxShadow)
                 && s.boxShadow.split(' ').some(w => parseFloat(w) >= 2);
  return {ring: ring || shadow, name: e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_control_of_the_page_header_shows_the_keyboard_focus(visit, scheme):
    """Tab from the top of a lesson through the header, sidebar and header buttons into the text:
    each control shows a focus ring (an outline, or the theme's box-shadow ring) when it has focus."""
    page = visit("notebooks/02_e_step", color_scheme=scheme, viewport=VIEWPORTS["desktop"]).page
    unseen = []
    for _ in range(24):
        page.keyboard.press("Tab")
        settled(page)  # the theme fades its rings in
        focus = page.evaluate(FOCUS_RING)
        if not focus["ring"]:
            unseen.append(focus["name"])
    assert not unseen, f"no visible focus on: {unseen}"
