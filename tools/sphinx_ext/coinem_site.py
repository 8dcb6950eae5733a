"""Sphinx extension: the course website's accessibility, phone, print and page-weight fixes.

What the themes (sphinx-book-theme 1.2, pydata-sphinx-theme 0.16) and sphinxcontrib-bibtex do not
get right, fixed in one place so that a theme upgrade shows up as a failing test, not a silent
regression (tests/test_a11y*.py, tests/test_print.py):

* the site's own stylesheet and script (``tools/book_static/coinem-site.css`` and ``.js``):
  display equations scroll sideways on phones without running under their number, wide figures
  stay readable, print styles, and scroll boxes reachable by keyboard;
* FontAwesome: the theme loads a 1.5 MB script on every page to draw 17 icons, and its
  stylesheets draw admonition and link icons with a 156 kB web font. When the build generated a
  subset stylesheet of exactly those icons as SVG masks (``offline/icons.css``, see
  ``tools/build_book.py``), pages load that instead of the script, and never need the font;
* the references page: docutils marks the citation list ``role="list"`` and each entry
  ``role="doc-biblioentry"``, which is invalid ARIA (a list holds list items; axe: critical);
* the header buttons: a link's accessible name must contain its visible text (WCAG 2.5.3), so the
  download and launch items get a name like "Download notebook file (.ipynb)" and the logos next
  to "Binder" and "Colab" are marked decorative;
* index entries for the course's key terms (``coinem_index_terms``), so that searching "E-step"
  first offers the place where it is defined, and the general index lists them.

Enabled in ``_config.yml`` (``sphinx.local_extensions`` and ``sphinx.config.extensions``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

# The FontAwesome script the theme puts in every page's <head>.
FONTAWESOME_SCRIPT = re.compile(r'[ \t]*<script src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
# What the build writes next to the other offline assets (tools/build_book.py).
ICONS_CSS = "offline/icons.css"


def drop_fontawesome_script(page: str) -> str:
    """Remove the theme's FontAwesome script tag.

    Examples
    --------
    >>> drop_fontawesome_script('<head>\\n  <script src="../_static/scripts/fontawesome.js?digest=1"></script>\\n</head>')
    '<head>\\n</head>'
    """
    return FONTAWESOME_SCRIPT.sub("", page)


def fix_bibliography_roles(page: str) -> str:
    """Make the entries of a ``role="list"`` citation list list items.

    ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1 precisely because it may not sit in a list.

    Examples
    --------
    >>> fix_bibliography_roles('<div role="list" class="citation-list">\\n'
    ...                        '<div class="citation" id="x" role="doc-biblioentry">')
    '<div role="list" class="citation-list">\\n<div class="citation" id="x" role="listitem">'
    """
    return page.replace('role="doc-biblioentry"', 'role="listitem"')


BUTTON = re.compile(r'<(?P<tag>a|button)\b(?P<attrs>[^>]*?\btitle="(?P<title>[^"]+)"[^>]*)>(?P<body>.*?)</(?P=tag)>',
                    flags=re.S)
TEXT = re.compile(r'<span class="btn__text-container">(?P<text>[^<]+)</span>')
LOGO_ALT = re.compile(r'(<span class="btn__icon-container">\s*<img) alt="[^"]*"')


def name_buttons_by_their_text(page: str) -> str:
    """Give each theme button with a visible text a name that contains that text (WCAG 2.5.3).

    Examples
    --------
    >>> name_buttons_by_their_text('<a href="x.md" title="Download source file" data-bs-toggle="tooltip">'
    ...     '<span class="btn__text-container">.md</span></a>')
    '<a href="x.md" title="Download source file" data-bs-toggle="tooltip" aria-label="Download source file (.md)"><span class="btn__text-container">.md</span></a>'
    >>> name_buttons_by_their_text('<a title="Launch on Binder"><span class="btn__icon-container">\\n'
    ...     '<img alt="Binder logo" src="b.svg"></span><span class="btn__text-container">Binder</span></a>')
    '<a title="Launch on Binder"><span class="btn__icon-container">\\n<img alt="" src="b.svg"></span><span class="btn__text-container">Binder</span></a>'
    """
    def rename(m: re.Match) -> str:
        text = TEXT.search(m["body"])
        if text is None or "aria-label=" in m["attrs"]:
            return m[0]
        body = LOGO_ALT.sub(r'\1 alt=""', m["body"])  # the text next to the logo names the link
        visible, title = html.unescape(text["text"].strip()), html.unescape(m["title"])
        attrs = m["attrs"]
        if visible.lower() not in title.lower():
            attrs += f' aria-label="{html.escape(f"{title} ({visible})")}"'
        return f"<{m['tag']}{attrs}>{body}</{m['tag']}>"

    return BUTTON.sub(rename, page)


SEARCH_BUTTON = re.compile(r'(<button class="[^"]*search-button-field[^"]*"[^>]*?) aria-label="[^"]*"')


def name_search_button_by_its_text(page: str) -> str:
    """The search button shows "Search Ctrl+K" but is named "Search": let its text name it.

    Examples
    --------
    >>> name_search_button_by_its_text('<button class="btn search-button-field" title="Search" aria-label="Search">')
    '<button class="btn search-button-field" title="Search">'
    """
    return SEARCH_BUTTON.sub(r"\1", page)


HIDDEN_CELL_SUMMARY = '<summary aria-label="Toggle hidden content">'


def name_hidden_cell_toggles_by_their_text(page: str) -> str:
    """myst-nb names a hidden cell's toggle "Toggle hidden content" while it shows "Show code cell
    content": a speech-input user saying what they see would not reach it (WCAG 2.5.3). Without the
    aria-label its name is its visible text (the other prompt is display: none).

    Examples
    --------
    >>> name_hidden_cell_toggles_by_their_text(HIDDEN_CELL_SUMMARY + '<p>Show code cell content</p>')
    '<summary><p>Show code cell content</p>'
    """
    return page.replace(HIDDEN_CELL_SUMMARY, "<summary>")


WIDGET_VIEW = '<script type="application/vnd.jupyter.widget-view+json">'
SKIP_LINK = '<div id="pst-skip-link" class="skip-link d-print-none"><a href="#main-content">'
EXPLORER_ID = "coinem-explorer"


def add_skip_link_to_the_explorer(page: str) -> str:
    """On a page with an explorer, a second skip link jumps over the lesson to its first explorer.

    A keyboard reader otherwise tabs through the navigation, the header buttons, and every copy
    button and equation link of the lesson before it (WCAG 2.4.1, bypass blocks).

    Examples
    --------
    >>> page = SKIP_LINK + 'Skip</a></div> <div class="cell_output x">' + WIDGET_VIEW + '{}</script></div>'
    >>> fixed = add_skip_link_to_the_explorer(page)
    >>> fixed.count('href="#coinem-explorer">Skip to the explorer</a>'), fixed.count('<div id="coinem-explorer" tabindex="-1" class="cell_output x">')
    (1, 1)
    """
    view = page.find(WIDGET_VIEW)
    output = page.rfind('<div class="cell_output', 0, view)
    skip = page.find(SKIP_LINK)
    if view < 0 or output < 0 or skip < 0:
        return page
    page = (page[:output] + f'<div id="{EXPLORER_ID}" tabindex="-1" class="cell_output'
            + page[output + len('<div class="cell_output'):])
    end = page.find("</div>", skip) + len("</div>")
    link = (f'<div id="coinem-skip-explorer" class="skip-link d-print-none">'
            f'<a href="#{EXPLORER_ID}">Skip to the explorer</a></div>')
    return page[:end] + link + page[end:]


def postprocess(page: str, icons: bool) -> str:
    """Every fix to a rendered page, in order."""
    if icons:
        page = drop_fontawesome_script(page)
    page = add_skip_link_to_the_explorer(name_hidden_cell_toggles_by_their_text(page))
    return name_search_button_by_its_text(name_buttons_by_their_text(fix_bibliography_roles(page)))


def wrap_renderer(app: Sphinx) -> None:
    """``builder-inited``: post-process every page the HTML builder renders.

    The theme's templates write the script tag and the header buttons; Sphinx has no event after a
    page is rendered, so the fixes wrap the builder's template renderer.
    """
    if app.builder.format != "html" or not hasattr(app.builder, "templates"):
        return
    templates = app.builder.templates
    render = templates.render
    icons = any((Path(app.confdir, p) / ICONS_CSS).is_file() for p in app.config.html_static_path)
    if icons:
        app.add_css_file(ICONS_CSS)

    def render_and_fix(template: str, context: dict) -> str:
        return postprocess(render(template, context), icons)

    templates.render = render_and_fix


def plain(title: str) -> str:
    """A title as typed: lower case, straight quotes (the parser makes them curly).

    Examples
    --------
    >>> plain("Bayes\u2019 Rule")
    "bayes' rule"
    """
    return title.replace("\u2019", "'").replace("\u2018", "'").lower()


def add_index_entries(app: Sphinx, doctree: nodes.document) -> None:
    """Put each term of ``coinem_index_terms`` where the course defines it.

    ``coinem_index_terms`` maps a term to ``[docname, words of the section title]`` (an empty
    title means the top of the page).
    """
    docname = app.env.docname
    for term, (where, title) in app.config.coinem_index_terms.items():
        if where != docname:
            continue
        sections = list(doctree.findall(nodes.section))
        section = next((s for s in sections if title and plain(title) in plain(s[0].astext())),
                       sections[0] if sections and not title else None)
        if section is None:
            raise ValueError(f"coinem_index_terms: no section titled {title!r} in {docname} for {term!r}")
        target_id = "index-" + nodes.make_id(term)
        target = nodes.target("", "", ids=[target_id])
        entry = addnodes.index(entries=[("single", term, target_id, "main", None)])
        # Right after the section title, so the search result lands on the heading.
        section.insert(1, entry)
        section.insert(1, target)
        doctree.note_explicit_target(target)


def mathjax_only_where_needed(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, after Sphinx's MathJax handler: no MathJax (1.2 MB) on a page
    without formulas. Sphinx counts a page's toctree children, so the introduction, whose
    toctree lists the lessons, would load it for nothing. Explorers may typeset their labels,
    so a page with widgets keeps it."""
    body = context.get("body", "")
    if 'class="math' in body or "application/vnd.jupyter.widget-view+json" in body:
        return
    mathjax = app.config.mathjax_path
    scripts = context.get("script_files") or []
    scripts[:] = [s for s in scripts
                  if not (str(getattr(s, "filename", s) or "").endswith(mathjax)
                          or str(getattr(s, "attributes", {}).get("body", "")).startswith("window.MathJax"))]


class IndexTerms(SphinxTransform):
    """Runs ``add_index_entries`` before Sphinx collects the index (``SphinxDomains``, 850)."""

    default_priority = 840

    def apply(self, **kwargs) -> None:
        add_index_entries(self.app, self.document)


def drop_fullscreen_button(app: Sphinx, config) -> None:
    """``config-inited``: no full-screen button. Browsers have one (F11), it means nothing on a
    phone, and it is one more Tab stop before the lesson on every page. Jupyter Book writes
    ``html_theme_options`` itself, so the option is set here rather than in ``_config.yml``."""
    config.html_theme_options = {**(config.html_theme_options or {}), "use_fullscreen_button": False}


def setup(app: Sphinx) -> dict:
    app.add_config_value("coinem_index_terms", {}, "env", types=[dict])
    app.add_css_file("coinem-site.css")
    app.add_js_file("coinem-site.js", loading_method="defer")
    app.connect("config-inited", drop_fullscreen_button)
    app.connect("builder-inited", wrap_renderer)
    app.add_transform(IndexTerms)
    app.connect("html-page-context", mathjax_only_where_needed, priority=900)
    # env_version: bump it when the doctree changes made here change, so Sphinx re-reads pages.
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
