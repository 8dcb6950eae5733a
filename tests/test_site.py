"""The built website (``make book``) as a reader sees it, with no network.

Static checks read ``_build/html`` as files: no page loads a script, stylesheet, font or image
from another site, and figures have opaque backgrounds (readable in dark mode).

Browser checks open every page from disk in Chromium, driven by Playwright (Debian's
``chromium``, never a downloaded browser), with every non-local request blocked, and assert what a
reader would notice: no console error, no failed request, math typeset, every image loaded,
widgets rendered, exercises numbered, solutions hidden until their toggle is clicked. With
``COINEM_SCREENSHOTS=1`` in the environment each page is also saved as a full-page screenshot, light
and dark, in ``_build/screenshots/`` for a human to look at (they take about two minutes, so they
are not taken by default; the dark scheme itself is checked by ``test_a11y.py``).

Without Chromium the browser checks are skipped with a loud warning, except under ``CI=true``,
where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from playwright.sync_api import expect
from sitekit import DOCNAMES, HTML, ROOT, built_pages
# Content delivery networks a default Jupyter Book build would load MathJax, RequireJS, the
# widget manager, thebe or fonts from.
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com",
             "fonts.gstatic.com", "code.jquery.com", "cdn.plot.ly", "mathjax.org")
# Attributes through which a page *loads* something (a plain <a href> is only a link).
LOADING_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src",
                      "source": "src", "audio": "src", "video": "src", "embed": "src",
                      "object": "data", "track": "src", "input": "src"}


def is_remote(url: str) -> bool:
    """True for a URL that points off-site.

    Examples
    --------
    >>> [is_remote(u) for u in ["https://x.org/a.js", "//x.org/a.js", "../_static/a.js", "#top"]]
    [True, True, False, False]
    """
    return bool(urlparse(url).netloc)


# --------------------------------------------------------------------------- static checks

def test_site_was_built_with_its_offline_assets():
    built_pages()
    assert (HTML / "_static" / "offline" / "mathjax" / "tex-chtml.js").is_file(), (
        "the site was built without its offline assets (npm missing? `make book` said so): "
        "install npm and run `make book` again")


def test_no_page_loads_anything_from_another_site():
    offenders = []
    for path in built_pages():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in LOADING_ATTRIBUTES.items():
            for element in soup.find_all(tag, attrs={attribute: True}):
                if is_remote(element[attribute]):
                    offenders.append(f"{path.relative_to(HTML)}: <{tag} {attribute}={element[attribute]}>")
        for element in soup.find_all(attrs={"src": True}) + soup.find_all(attrs={"href": True}):
            for attribute in ("src", "href"):
                if any(host in element.get(attribute, "") for host in CDN_HOSTS):
                    offenders.append(f"{path.relative_to(HTML)}: CDN URL {element[attribute]}")
        for style in soup.find_all("style"):
            offenders += [f"{path.relative_to(HTML)}: <style> loads {u}" for u in remote_css_urls(style.text)]
    assert not offenders, "\n".join(offenders)


def remote_css_urls(css: str) -> list[str]:
    """URLs off-site that a stylesheet would load (``url(...)``, ``@import``).

    Examples
    --------
    >>> remote_css_urls("@import url('https://f.org/a.css'); b { src: url(fonts/x.woff2) }")
    ['https://f.org/a.css']
    """
    found = re.findall(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", css)
    return [u for pair in found for u in pair if u and is_remote(u)]


def test_no_stylesheet_loads_anything_from_another_site():
    offenders = {str(p.relative_to(HTML)): remote_css_urls(p.read_text(encoding="utf-8", errors="replace"))
                 for p in (HTML / "_static").rglob("*.css")}
    assert not {k: v for k, v in offenders.items() if v}


def test_figures_have_opaque_backgrounds():
    """A transparent figure shows black axes on a black page in dark mode."""
    images = sorted((HTML / "_images").glob("*.png")) if (HTML / "_images").is_dir() else []
    transparent = []
    for path in images:
        with Image.open(path) as image:
            if "A" in image.getbands() and image.getchannel("A").getextrema()[0] < 255:
                transparent.append(path.name)
            elif image.mode == "P" and "transparency" in image.info:
                transparent.append(path.name)
    assert not transparent, f"figures with transparent pixels: {transparent}"


# --------------------------------------------------------------------------- what the source says

def prose(markdown: str) -> str:
    """The MyST text without front matter, code cells, fenced code and inline code.

    Examples
    --------
    >>> prose("---\\nkernelspec: {}\\n---\\nA $x$.\\n```{code-cell} ipython3\\ny = '$'\\n```\\nB `$`.")
    'A $x$.\\n\\nB .'
    """
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"^(`{3,})(?:\{code-cell\}|[\w-]*\s*$).*?^\1[ \t]*$", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def expected_on_page(docname: str) -> dict:
    """What the page of ``docname`` must show, read from its sources (not from the build)."""
    source = ROOT / f"{docname}.md"
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    body = prose(text)
    directive = r"^[`:]{{3,}}\{{{}\}}"
    notebook = ROOT / f"{docname}.ipynb"
    widget_views = 0
    if notebook.is_file():
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        widget_views = sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                           for cell in cells for output in cell.get("outputs", []))
    return {
        "math": bool(re.search(r"\$[^$\n]+\$|\$\$|\\begin\{|\{math\}", body)),
        "exercises": len(re.findall(directive.format("exercise(?:-start)?"), text, flags=re.M)),
        "solutions": len(re.findall(directive.format("solution(?:-start)?"), text, flags=re.M)),
        "widgets": widget_views,
    }


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_works_offline_as_a_reader_sees_it(visit, docname):
    expected = expected_on_page(docname)
    page_visit = visit(docname)
    page = page_visit.page

    # Math: typeset wherever the source has some, and no TeX error.
    if expected["math"]:
        assert page.locator("mjx-container").count() > 0, "the source has math but none was typeset"
    untypeset = page.evaluate("() => Array.from(document.querySelectorAll('span.math, div.math'))"
                              ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent)")
    assert not untypeset, f"math left as TeX: {untypeset[:3]}"
    assert page.locator("mjx-merror").count() == 0, "MathJax reports a TeX error"

    # Figures: every image loaded; figures in the text have a description for screen readers.
    images = page.evaluate("() => Array.from(document.images).map(i => ({src: i.getAttribute('src'), "
                           "width: i.naturalWidth, alt: i.getAttribute('alt') || '', "
                           "content: Boolean(i.closest('article'))}))")
    assert not [i["src"] for i in images if i["width"] == 0], "images that did not load"
    no_alt = [i["src"] for i in images if i["content"] and
              (not i["alt"].strip() or i["alt"] == i["src"] or re.search(r"\.(png|svg|jpe?g)$", i["alt"]))]
    assert not no_alt, f"figures without alt text (use the cell metadata mystnb: image: alt:): {no_alt}"

    # Widgets: each widget output of the notebook is rendered from its saved state.
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]')
    assert views.count() == expected["widgets"], "widget outputs on the page differ from the notebook's"
    if expected["widgets"]:
        page.wait_for_function(
            "n => document.querySelectorAll('.widget-subarea > .jupyter-widgets').length >= n",
            arg=expected["widgets"])
        # Rendered means drawn: each widget area takes room on the page (an empty one is 0 px).
        heights = page.evaluate("() => Array.from(document.querySelectorAll('.widget-subarea'))"
                                ".map(e => e.getBoundingClientRect().height)")
        assert len(heights) == expected["widgets"] and min(heights) > 50, f"widget heights {heights}"

    # Exercises: as many as in the source, numbered per lesson (Exercise 2.1, 2.2, ...; appendix A1.1, ...).
    titles = page.locator("div.exercise > .admonition-title").all_inner_texts()
    assert len(titles) == expected["exercises"]
    lesson = docname.split("/")[-1].split("_")[0].lstrip("0")
    assert [re.match(r"Exercise (\w+)\.(\d+)", t).groups() if re.match(r"Exercise (\w+)\.(\d+)", t) else t
            for t in titles] == [(lesson, str(k)) for k in range(1, len(titles) + 1)], titles

    # Solutions: as many as in the source, hidden until their toggle is clicked, then shown.
    solutions = page.locator("div.solution")
    assert solutions.count() == expected["solutions"]
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > :not(.admonition-title)")
        assert body.count() > 0
        assert not any(body.nth(j).is_visible() for j in range(body.count())), "solution shown before the click"
        solution.locator("button.toggle-button").click()
        expect(body.first).to_be_visible()

    if os.environ.get("COINEM_SCREENSHOTS"):
        page_visit.screenshot("")
        page.emulate_media(color_scheme="dark")
        page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
        page_visit.screenshot("-dark")
    assert not page_visit.problems, "\n".join(page_visit.problems)


@pytest.mark.parametrize("docname", [d for d in DOCNAMES if d.startswith("notebooks/")])
def test_the_website_shows_no_check_result_under_an_empty_exercise(docname):
    """On the website the reference solutions run, so a check cell's result would read "All test
    cases passed" right under the empty function a student is asked to write: the site shows the
    check's code, not its result (``remove-output``); in Jupyter the check runs on the student's code."""
    soup = BeautifulSoup((HTML / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text()
    assert "test cases passed" not in text.lower() and "Test case failed" not in text
    calls = [c for c in soup.select("div.cell") if "grader.check(" in c.get_text()]
    assert all(not c.select(".cell_output") for c in calls), f"{docname}: a check cell shows its output"


@pytest.mark.parametrize("docname", DOCNAMES)
def test_no_formula_is_left_as_raw_tex_in_the_text(docname):
    """A formula the Markdown parser broke (e.g. a line of it starting with "- ", read as a list
    item) is printed as raw TeX, outside any math element MathJax would typeset."""
    soup = BeautifulSoup((HTML / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    for element in soup.select("script, style, pre, code, .math, .highlight, .cell_output, mjx-container"):
        element.decompose()
    text = soup.get_text(" ")
    raw = re.findall(r".{0,40}(?:\$\\[A-Za-z]|\\left|\\frac|\\sum_).{0,40}", text)
    assert not raw, f"{docname}: raw TeX in the text: {raw[:3]}"


def test_the_lessons_have_what_the_browser_checks_look_for():
    """Guard against a vacuous pass: the lessons do have math, exercises, solutions and figures."""
    lessons = [d for d in DOCNAMES if d.startswith("notebooks/")]
    expected = [expected_on_page(d) for d in lessons]
    assert all(e["math"] and e["exercises"] and e["solutions"] for e in expected), dict(zip(lessons, expected))
    assert list((HTML / "_images").glob("*.png")), "the site has no figure"
