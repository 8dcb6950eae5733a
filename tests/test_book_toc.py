"""The built website (``make book``) has a page for every entry of ``_toc.yml``, and nothing else.

These checks read ``_build/html`` as files: they need no browser. A build that silently builds
nothing, builds the lessons from the paired ``.ipynb`` instead of the MyST ``.md`` sources, or
loses its download and launch buttons fails here.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from sitekit import DOCNAMES, HTML, ROOT, require_site

# Pages Sphinx writes besides the book's own (index.html redirects to the root page).
SPHINX_PAGES = {"index", "genindex", "search"}


LESSONS = [name for name in DOCNAMES if name.startswith("notebooks/")]


def page(docname: str) -> BeautifulSoup:
    path = HTML / f"{docname}.html"
    require_site()
    assert path.is_file(), f"_toc.yml lists {docname!r} but the build has no {docname}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_toc_lists_the_introduction_every_lesson_an_appendix_and_the_back_matter():
    assert DOCNAMES[0] == "intro"
    # Six lessons and the capstone (Lesson 7), in order, then the appendix.
    assert LESSONS[:7] == [f"notebooks/{p.stem}" for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))]
    assert len(LESSONS) == 8 and LESSONS[7] == "notebooks/A1_scale_and_original"
    for back_matter in ("glossary", "api", "references"):
        assert back_matter in DOCNAMES
    for name in DOCNAMES:
        assert (ROOT / f"{name}.md").is_file(), f"_toc.yml entry {name!r} has no {name}.md source"


@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_toc_entry_has_a_page_with_content(docname):
    soup = page(docname)
    article = soup.find("article")
    assert article is not None, f"{docname}.html has no <article>"
    assert article.find("h1"), f"{docname}.html has no title"
    assert len(article.get_text(" ", strip=True)) > 300, f"{docname}.html is (almost) empty"


def test_no_page_outside_the_toc():
    """Only the toc's pages are built: a stray document (a README, a cache folder) is not."""
    built = {str(p.relative_to(HTML).with_suffix("")) for p in HTML.rglob("*.html")
             if p.relative_to(HTML).parts[0] not in {"_static", "_sources", "_images"}}
    assert built, "the build holds no page at all"
    assert built - SPHINX_PAGES == set(DOCNAMES)


def test_index_redirects_to_the_introduction():
    assert 'url=intro.html' in (HTML / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("docname", LESSONS)
def test_lessons_are_built_from_their_md_source(docname):
    """Sphinx keeps a copy of the source it built each page from in _sources/."""
    page(docname)
    assert (HTML / "_sources" / f"{docname}.md").is_file()


@pytest.mark.parametrize("docname", LESSONS)
def test_lesson_offers_the_student_notebook_for_download(docname):
    """The .ipynb download is the executed student notebook (plain Markdown, solutions folded in
    Markdown cells that never run), not the MyST source as a notebook, whose Run All would run
    every solution."""
    soup = page(docname)
    target = f"_sources/{docname}.ipynb"
    assert any(a.get("href", "").endswith(target) for a in soup.find_all("a")), \
        f"{docname}.html has no download link to the .ipynb"
    download = (HTML / "_sources" / f"{docname}.ipynb").read_bytes()
    assert download == (ROOT / f"{docname}.ipynb").read_bytes(), "the download is not the student notebook"
    notebook = json.loads(download)
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code and all(cell["execution_count"] for cell in code), "the download is not executed"
    assert any(cell["outputs"] for cell in code)
    assert not [c for c in notebook["cells"] if "solution" in c["metadata"].get("tags", []) and c["cell_type"] == "code"]
    assert "{solution-start}" not in download.decode("utf-8") and ":::{" not in download.decode("utf-8")


@pytest.mark.parametrize("docname", LESSONS)
def test_launch_buttons_open_the_ipynb_on_binder_and_colab(docname):
    soup = page(docname)
    links = [a["href"] for a in soup.find_all("a", href=True)]
    notebook = f"{docname}.ipynb"
    assert (ROOT / notebook).is_file(), "Binder and Colab open the committed .ipynb: it must exist"
    binder = [urlparse(h) for h in links if urlparse(h).netloc == "mybinder.org"]
    assert [parse_qs(u.query)["urlpath"] for u in binder] == [[f"lab/tree/{notebook}"]]
    colab = [h for h in links if urlparse(h).netloc == "colab.research.google.com"]
    assert len(colab) == 1 and colab[0].endswith(f"/blob/main/{notebook}")
    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert repository in links, "no link to the repository"
