"""How heavy and how fast are the lesson pages with explorers? (issue 12, item 10)

Serves a built site (default ``_build/html``) on localhost and opens each lesson page in Debian's
Chromium (Playwright, ``/usr/bin/chromium``; every non-localhost request is blocked), cold (a new
browser context each time), and measures:

* **transfer**: the sum over every request of the page of its body's gzip size (level 6, what a
  web server would send) and its raw size;
* **ready**: milliseconds from navigation start until every explorer on the page is in the DOM
  with its sliders and their handlers (as many explorer roots as the page has widget views, each
  with three sliders or more), seen by a MutationObserver installed before the page's first byte;
  also DOMContentLoaded and load, for context (a main thread busy with MathJax delays input too);
* **CLS**: the page's cumulative layout shift over the load (Chromium's ``layout-shift`` entries);
* **heights**: each explorer's drawn height at 1366, 800 and 390 px wide (the loader reserves
  these, see ``RESERVE`` in tools/book_static/coinem-explorers.js).

Usage::

    python bench/explorer_load.py                      # the site in _build/html
    python bench/explorer_load.py --site OTHER/_build/html --runs 5

The figures go into bench/RESULTS.md by hand; no test depends on them (targets: each lesson page
at most 1.0 MB gzipped in total, explorers interactive within 1.5 s on localhost).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ["notebooks/01_known_coins", "notebooks/02_e_step", "notebooks/03_m_step", "notebooks/04_iterating_em",
           "notebooks/05_why_em_works", "notebooks/06_beyond_two_coins"]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

CLS_INIT = """
window.__cls = 0;
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({type: "layout-shift", buffered: true});
"""
# Explorers drawn: the old site (ipywidgets manager) shows noUi slider handles beside the view; ours
# shows native range inputs inside it.
# Checked by a MutationObserver in the page from its first byte, so the time is when the DOM got
# there, not when a (busy) main thread next let Playwright poll.
READY_INIT = """
window.__ready = null;
const __check = () => {
  if (window.__ready !== null) return;
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const roots = document.querySelectorAll('.coinem').length;
  const sliders = document.querySelectorAll('.coinem input[type=range], .widget-slider .noUi-handle').length;
  if (views > 0 && roots >= views && sliders >= 3 * views) window.__ready = performance.now();
};
new MutationObserver(__check).observe(document, {childList: true, subtree: true});
"""
READY = """() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const roots = document.querySelectorAll('.coinem').length;
  const sliders = document.querySelectorAll('.coinem input[type=range], .widget-slider .noUi-handle').length;
  return views === 0 || (roots >= views && sliders >= 3 * views) ? performance.now() : false;
}"""


def serve(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def load_once(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                  else r.abort())
    context.add_init_script(CLS_INIT)
    context.add_init_script(READY_INIT)
    page = context.new_page()
    responses = []
    page.on("response", lambda r: r.url.startswith("http://127.0.0.1") and responses.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_function(READY, timeout=30_000)
    page.wait_for_timeout(1500)  # late requests (fonts, MathJax extensions) and shifts
    ready = page.evaluate("() => window.__ready")
    timing = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                           " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }")
    sizes = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect or aborted request has no body
            continue
        sizes.append((len(body), len(gzip.compress(body, 6))))
    cls = page.evaluate("() => window.__cls")
    views = page.evaluate("() => document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length")
    context.close()
    return {"raw": sum(r for r, _ in sizes), "gzip": sum(g for _, g in sizes), "requests": len(sizes),
            "ready_ms": ready or 0, "dcl_ms": timing[0], "load_ms": timing[1], "cls": cls, "explorers": views}


def heights(browser, url: str) -> dict:
    out = {}
    for width in (1366, 800, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function(READY, timeout=30_000)
        page.wait_for_timeout(200)
        out[width] = page.evaluate("() => Array.from(document.querySelectorAll('.coinem')).map("
                                   "r => Math.round((r.closest('.cell_output') || r).getBoundingClientRect().height))")
        context.close()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    server = serve(args.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"site: {args.site}  (median of {args.runs} cold loads, 1366x900)")
    print(f"{'page':28s} {'explorers':>9s} {'requests':>8s} {'raw kB':>8s} {'gzip kB':>8s} {'ready ms':>9s} "
          f"{'DCL ms':>7s} {'load ms':>7s} {'CLS':>6s}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for lesson in LESSONS:
            runs = [load_once(browser, base + lesson + ".html") for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            ready = f"{med['ready_ms']:.0f}" if med["explorers"] else "–"
            print(f"{lesson:28s} {med['explorers']:9.0f} {med['requests']:8.0f} {med['raw'] / 1e3:8.0f} "
                  f"{med['gzip'] / 1e3:8.0f} {ready:>9s} {med['dcl_ms']:7.0f} {med['load_ms']:7.0f} {med['cls']:6.3f}")
        for lesson in LESSONS:
            if "01_" in lesson or "02_" in lesson or "04_" in lesson:
                print(f"explorer heights (px) on {lesson} at 1366/800/390 wide: {heights(browser, base + lesson + '.html')}")
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
