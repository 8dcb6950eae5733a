"""What the browser tests share: where the built site is, and a page visit that records problems.

The fixtures that use these (``browser``, ``visit``) are in ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
# axe-core, fetched from npm by `make book` (tools/build_book.py) for the accessibility tests.
AXE_JS = ROOT / "_build" / "offline" / "tests" / "axe-core" / "axe.min.js"
# The screens the site is checked on: a laptop, a phone, and the narrowest phone in use.
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844},
             "small": {"width": 320, "height": 640}}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_URL = re.compile(r"^(file|data|blob|about):")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Every widget view of the page drawn: the widget manager puts each next to its <script> tag.
WIDGETS_DRAWN = (f"() => document.querySelectorAll('script[type=\"{WIDGET_VIEW}\"]').length"
                 " <= document.querySelectorAll('.widget-subarea > *').length")


def require_site() -> None:
    """Fail (not skip) when the site was not built: the tests exist to check it."""
    if not HTML.is_dir():
        pytest.fail(f"{HTML.relative_to(ROOT)} does not exist: run `make book` first")


def built_pages() -> list[Path]:
    require_site()
    return sorted(p for p in HTML.rglob("*.html")
                  if p.relative_to(HTML).parts[0] not in {"_static", "_sources", "_images"})


def toc_docnames(toc: dict) -> list[str]:
    """Every ``file`` of a jb-book ``_toc.yml`` (root first), in reading order, without suffix.

    Examples
    --------
    >>> toc_docnames({"root": "intro", "parts": [{"chapters": [
    ...     {"file": "a.md", "sections": [{"file": "b"}]}, {"url": "https://x.org"}]}]})
    ['intro', 'a', 'b']
    """
    names = [toc["root"]]

    def walk(node):
        for key in ("parts", "chapters", "sections"):
            for entry in node.get(key, []):
                if "file" in entry:
                    names.append(str(Path(entry["file"]).with_suffix("")))
                walk(entry)

    walk(toc)
    return names


DOCNAMES = toc_docnames(yaml.safe_load((ROOT / "_toc.yml").read_text()))


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Visit:
    """A page opened from disk in a fresh browser context, recording everything that went wrong."""

    def __init__(self, browser, docname: str, color_scheme: str, viewport: dict | None = None):
        self.docname = docname
        self.problems: list[str] = []
        self.context = browser.new_context(color_scheme=color_scheme,
                                           viewport=viewport or {"width": 1280, "height": 900})
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        self.go(docname)

    def go(self, docname: str) -> None:
        """Open another page in the same tab (cheaper than a new context), as a reader follows a link.

        ``problems`` then holds what went wrong on this page only.
        """
        self.docname = docname
        self.problems.clear()
        self.page.goto((HTML / f"{docname}.html").as_uri(), wait_until="load")
        self._settle()

    def start_going(self, docname: str) -> None:
        """Start opening another page and return at once: tabs then load their pages in parallel
        (each in its own renderer process). :meth:`arrive` waits for it. ``docname`` must differ
        from the page open now."""
        self.docname = docname
        self.problems.clear()
        self.page.evaluate("url => { setTimeout(() => { location.href = url; }); }",
                           (HTML / f"{docname}.html").as_uri())

    def arrive(self) -> None:
        """Wait until the page :meth:`start_going` opens has loaded and settled."""
        self.page.wait_for_url((HTML / f"{self.docname}.html").as_uri(), wait_until="load")
        self._settle()

    def _only_local(self, route):
        if LOCAL_URL.match(route.request.url):
            route.continue_()
        else:
            self.problems.append(f"asked the network for {route.request.url}")
            route.abort()

    def _settle(self):
        """Wait for MathJax's first typesetting pass, every image, and every widget view drawn."""
        if self.page.evaluate("() => Boolean(window.MathJax && MathJax.startup)"):
            self.page.evaluate("() => MathJax.startup.promise.then(() => true)")
        self.page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        if self.page.locator(f'script[type="{WIDGET_VIEW}"]').count():
            self.page.wait_for_function(WIDGETS_DRAWN)

    def screenshot(self, suffix: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{self.docname.replace('/', '__')}{suffix}.png", full_page=True)

    def close(self):
        self.context.close()


def run_axe(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"), rules: dict | None = None) -> list[dict]:
    """The axe-core violations of ``page`` for the WCAG ``tags``: ``[{id, impact, nodes: [...]}]``.

    axe is injected from the copy ``make book`` fetched (never a CDN); ``rules`` turns single
    rules on or off, e.g. ``{"label-content-name-mismatch": {"enabled": True}}``.
    """
    start_axe(page, tags, rules)
    return axe_violations(page)


def start_axe(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"), rules: dict | None = None,
              only: list[str] | None = None) -> None:
    """Start :func:`run_axe` on ``page`` without waiting: axe runs in that page's own renderer
    process, so pages checked at the same time are checked in parallel. :func:`axe_violations`
    collects the result. ``only`` runs just those rules (by id) instead of the ``tags``."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: `make book` fetches it from npm")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE_JS))
    # preload: axe would re-fetch the stylesheets with XHR, which file:// pages refuse (CORS).
    run_only = {"type": "rule", "values": list(only)} if only else {"type": "tag", "values": list(tags)}
    options = {"runOnly": run_only, "resultTypes": ["violations"], "preload": False}
    if rules:
        options["rules"] = rules
    page.evaluate("options => { window.__coinemAxe = axe.run(document, options); }", options)


def axe_violations(page) -> list[dict]:
    """The result of the :func:`start_axe` run on ``page``, as :func:`run_axe` returns it."""
    result = page.evaluate("() => window.__coinemAxe")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [" ".join(n["target"][0] if isinstance(n["target"][0], list) else n["target"])
                       + ": " + (n.get("failureSummary") or "").replace("\n", " ")[:200]
                       for n in v["nodes"]]}
            for v in result["violations"]]


def answer_first_question_right(shown, questions):
    """Click the right answer of the first (multiple-choice) question of a rendered jupyterquiz quiz
    (``shown``: one locator per question) and check its feedback; the feedback's locator."""
    from playwright.sync_api import expect

    right = next(a for a in questions[0]["answers"] if a["correct"])
    mc = shown.nth(0)
    mc.locator("label.MCButton", has_text=re.compile(rf"^\s*{re.escape(right['answer'])}\s*$")).click()
    feedback = mc.locator(".Feedback")
    expect(feedback).to_have_class(re.compile(r"(^|\s)correct\b"))
    expect(feedback).to_contain_text(right["feedback"][:40])
    expect(feedback).to_be_visible()
    return feedback


def answer_numeric_question_wrong(shown, questions):
    """Type a wrong number into the quiz's first numeric question and check that the feedback says
    so and gives the helpers' number; ``(box, feedback, value)`` for a second try."""
    from playwright.sync_api import expect

    index = next(i for i, q in enumerate(questions) if q["type"] == "numeric")
    value = questions[index]["answers"][0]["value"]
    numeric = shown.nth(index)
    box = numeric.locator("input.Input-text")
    box.click()
    box.type(f"{value + 0.37:.2f}")
    box.press("Enter")
    feedback = numeric.locator(".Feedback")
    expect(feedback).to_have_class(re.compile(r"\bincorrect\b"))
    expect(feedback).to_contain_text(f"{value:.2f}")
    expect(feedback).to_be_visible()
    return box, feedback, value
