"""Weigh and time each page of the built website, as a reader's browser loads it from a server.

Usage (from the repository root, after ``make book``)::

    .venv/bin/python bench/page_weight.py                  # print the table
    .venv/bin/python bench/page_weight.py --results bench/RESULTS.md   # and record it there

The site in ``_build/html`` is served on localhost by Python's HTTP server; Debian's Chromium
(driven by Playwright) loads each page cold (a new browser context: empty cache), with every
request to another host blocked. For each page:

* requests, and bytes transferred: raw, and gzipped (what a server with compression, which every
  static host has, sends; images and fonts, already compressed, count as they are);
* load: time from navigation start to the ``load`` event;
* interactive: time from navigation start until the page is usable: MathJax has typeset every
  formula and every explorer is drawn and takes room on the page (ms; the explorers are
  interactive once drawn, being plain DOM event handlers);
* blocking: the main thread's total blocking time (the part of each long task beyond 50 ms) until
  then, from Chromium's long-task entries;
* layout shift: the cumulative layout shift score until then.

Each page is loaded ``--runs`` times (default 3); the table shows the median. The target of issue
12: every lesson at most 1.0 MB gzipped, explorers interactive at most 1.5 s after load.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from sitekit import CHROMIUM_FLAGS, DOCNAMES, HTML, find_chromium  # noqa: E402

ALREADY_COMPRESSED = re.compile(r"\.(png|jpe?g|gif|webp|woff2?|gz|br)(\?|$)")
MARK_START, MARK_END = "<!-- page_weight.py: start -->", "<!-- page_weight.py: end -->"

OBSERVE = """() => {
  window.__coinem = {blocking: 0, shift: 0};
  new PerformanceObserver(list => list.getEntries().forEach(e => {
    window.__coinem.blocking += Math.max(0, e.duration - 50); })).observe({type: 'longtask', buffered: true});
  new PerformanceObserver(list => list.getEntries().forEach(e => {
    if (!e.hadRecentInput) window.__coinem.shift += e.value; })).observe({type: 'layout-shift', buffered: true});
}"""

READY = """n => {
  const math = !window.MathJax || !MathJax.startup || !MathJax.startup.promise ||
               document.querySelectorAll('mjx-container').length > 0 || !document.querySelector('.math');
  const boxes = document.querySelectorAll('.widget-subarea');
  const drawn = Array.from(boxes).filter(b => b.getBoundingClientRect().height > 50).length;
  return math && drawn >= n;
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(browser, url: str, widgets: int) -> dict:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    sizes = {}

    def route(r):
        if r.request.url.startswith("http://127.0.0.1"):
            r.continue_()
        else:
            sizes["blocked"] = sizes.get("blocked", 0) + 1
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.add_init_script("(" + OBSERVE + ")()")

    def on_response(response):
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            return
        packed = len(body) if ALREADY_COMPRESSED.search(response.url) else len(gzip.compress(body, 6))
        sizes[response.url] = (len(body), packed)

    page.on("response", on_response)
    page.goto(url, wait_until="load")
    page.wait_for_function(READY, arg=widgets, timeout=60_000)
    timing = page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {load: nav.loadEventEnd, interactive: performance.now(),
              blocking: window.__coinem.blocking, shift: window.__coinem.shift};
    }""")
    page.wait_for_timeout(300)  # late requests (fonts) still count towards the weight
    context.close()
    files = {k: v for k, v in sizes.items() if k != "blocked"}
    return {"requests": len(files), "raw": sum(v[0] for v in files.values()),
            "gzip": sum(v[1] for v in files.values()), "blocked": sizes.get("blocked", 0), **timing,
            "files": files}


def widget_count(docname: str) -> int:
    return (HTML / f"{docname}.html").read_text(encoding="utf-8").count(
        'type="application/vnd.jupyter.widget-view+json"')


def table(rows: list[tuple[str, dict]]) -> str:
    lines = ["| page | requests | transferred (raw) | transferred (gzip) | load (ms) | interactive (ms) "
             "| blocking (ms) | layout shift |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['requests']:.0f} | {r['raw'] / 1e6:.2f} MB | {r['gzip'] / 1e6:.2f} MB "
                     f"| {r['load']:.0f} | {r['interactive']:.0f} | {r['blocking']:.0f} | {r['shift']:.3f} |")
    return "\n".join(lines)


def record(results: Path, text: str) -> None:
    """Put ``text`` between this script's markers in ``results`` (appended the first time)."""
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    block = f"{MARK_START}\n{text}\n{MARK_END}"
    if MARK_START in old and MARK_END in old:
        new = old[:old.index(MARK_START)] + block + old[old.index(MARK_END) + len(MARK_END):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    results.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path, help="write the table into this Markdown file")
    args = parser.parse_args(argv)
    if not HTML.is_dir():
        sys.exit("_build/html does not exist: run `make book` first")
    chromium = find_chromium()
    if chromium is None:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    server, base = serve(HTML)
    rows = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            for docname in DOCNAMES:
                runs = [measure(browser, f"{base}/{docname}.html", widget_count(docname)) for _ in range(args.runs)]
                median = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "files"}
                median["files"] = runs[0]["files"]
                if median["blocked"]:
                    sys.exit(f"{docname} asked for {median['blocked']} off-site resources")
                rows.append((docname, median))
                print(f"{docname}: {median['gzip'] / 1e6:.2f} MB gzipped, interactive {median['interactive']:.0f} ms",
                      flush=True)
            browser.close()
    finally:
        server.shutdown()
    lessons = [r for n, r in rows if n.startswith("notebooks/")]
    heaviest = max(r["gzip"] for r in lessons)
    name, worst = max(((n, r) for n, r in rows if n.startswith("notebooks/")), key=lambda nr: nr[1]["gzip"])
    biggest = sorted(worst["files"].items(), key=lambda kv: -kv[1][1])[:6]
    breakdown = "\n".join(f"| `{url.split('/', 3)[-1].split('?')[0]}` | {raw / 1e3:.0f} kB | {packed / 1e3:.0f} kB |"
                          for url, (raw, packed) in biggest)
    slowest = max(r["interactive"] - r["load"] for r in lessons)
    text = (f"## Page weight and time to interactive (`bench/page_weight.py`)\n\n"
            f"Each page of `_build/html` served on localhost, loaded cold by Chromium at 1366x900; median of "
            f"{args.runs} loads, {started} (load average {load_before[0]:.2f} when it started: 2 CPUs). "
            f"Target (issue 12): every lesson at most 1.0 MB gzipped, explorers interactive at most 1.5 s "
            f"after load.\n\n{table(rows)}\n\n"
            f"Heaviest lesson: {heaviest / 1e6:.2f} MB gzipped "
            f"({'meets' if heaviest <= 1e6 else 'misses'} the 1.0 MB target); longest wait from `load` to "
            f"interactive: {slowest:.0f} ms.\n\nThe largest files of {name}:\n\n"
            f"| file | raw | gzip |\n|---|---:|---:|\n{breakdown}")
    print("\n" + text)
    if args.results:
        record(args.results, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
