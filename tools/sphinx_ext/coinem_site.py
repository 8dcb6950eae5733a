"""Sphinx extension: the course website's accessibility, phone, print and page-weight fixes.

What the themes (sphinx-book-theme 1.2, pydata-sphinx-theme 0.16) and sphinxcontrib-bibtex do not
get right, fixed in one place so that a theme upgrade shows up as a failing test, not a silent
regression (tests/test_a11y*.py, tests/test_print.py):

* the site's own stylesheet and script (``tools/book_static/coinem-site.css`` and ``.js``):
  display equations scroll sideways on phones without running under their number, wide figures
  stay readable, print styles, and scroll boxes reachable by keyboard;
* FontAwesome: the theme loads a 1.5 MB script on every page to draw 17 icons. When the build
  generated a subset stylesheet of exactly those icons (``offline/icons.css``, see
  ``tools/build_book.py``), pages load that instead of the script;
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


def postprocess(page: str, icons: bool) -> str:
    """Every fix to a rendered page, in order."""
    if icons:
        page = drop_fontawesome_script(page)
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
    """``doctree-read``: put each term of ``coinem_index_terms`` where the course defines it.

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


def setup(app: Sphinx) -> dict:
    app.add_config_value("coinem_index_terms", {}, "env", types=[dict])
    app.add_css_file("coinem-site.css")
    app.add_js_file("coinem-site.js", loading_method="defer")
    app.connect("builder-inited", wrap_renderer)
    app.connect("doctree-read", add_index_entries)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
