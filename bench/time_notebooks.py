"""Time each lesson notebook, top to bottom in a fresh kernel, and the whole website build.

Usage (from the repository root, with the project's environment)::

    .venv/bin/python bench/time_notebooks.py               # notebooks and book
    .venv/bin/python bench/time_notebooks.py --no-book     # notebooks only
    .venv/bin/python bench/time_notebooks.py --markdown bench/notebook_times.md

Notebooks: each ``notebooks/NN_*.ipynb`` is executed with nbclient in a new
kernel (as nbval and Jupyter Book do), from the ``notebooks`` folder; the
time is wall-clock from kernel start to kernel shutdown.  An empty notebook
is timed the same way first: that is the kernel's own start-up and
shutdown, included in every notebook's time.

Book: ``tools/build_book.py`` (what ``make book`` runs) in a temporary copy
of the sources, so that the timing neither uses nor disturbs the working
tree's ``_build``: once from clean (every lesson executed; the build also
fetches the offline JavaScript from the npm registry) and once more with
the jupyter-cache that the first build left (nothing re-executed).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# What the book build needs from the working tree (everything else is left out of the copy).
SKIP = {".git", ".venv", "_build", ".pytest_cache", ".hypothesis", "__pycache__", ".jupyter_cache", "bench"}


def run_notebook(nb, cwd, timeout=600):
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return time.perf_counter() - start


def time_notebooks(paths):
    rows = []
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    rows.append(("(empty notebook: kernel start-up and shutdown)", run_notebook(empty, NOTEBOOKS), 1))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        n_code = sum(cell.cell_type == "code" for cell in nb.cells)
        seconds = run_notebook(nb, path.parent)
        rows.append((path.name, seconds, n_code))
        print(f"  {path.name}: {seconds:.1f} s", flush=True)
    return rows


def copy_sources(dest):
    def ignore(directory, names):
        return [n for n in names if n in SKIP or n.endswith(".egg-info")]

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)


def time_book():
    rows = []
    with tempfile.TemporaryDirectory(prefix="coinem-book-") as tmp:
        book = Path(tmp) / "book"
        copy_sources(book)
        for label in ("clean build (executes every lesson)", "rebuild (lessons from the jupyter-cache)"):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, str(book / "tools" / "build_book.py")],
                cwd=book,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - start
            status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
            if "npm is not available" in done.stderr:
                status += " (npm missing: built against CDNs, without fetching the offline assets)"
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
            rows.append((label, seconds, status))
            print(f"  book, {label}: {seconds:.1f} s, {status}", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-book", action="store_true", help="time the notebooks only")
    parser.add_argument("--no-notebooks", action="store_true", help="time the book build only")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this Markdown file")
    args = parser.parse_args(argv)

    lines = [
        f"Started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + ".",
        "",
    ]
    if not args.no_notebooks:
        paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        if not paths:
            sys.exit(f"no notebooks found in {NOTEBOOKS}")
        rows = time_notebooks(paths)
        total = sum(seconds for name, seconds, _ in rows[1:])
        lines += ["| notebook | code cells | time (fresh kernel, wall clock) |", "|---|---|---|"]
        lines += [f"| {name} | {cells} | {seconds:.1f} s |" for name, seconds, cells in rows]
        lines += [f"| **all {len(rows) - 1} lessons** | | **{total:.1f} s** |", ""]
    if not args.no_book:
        rows = time_book()
        lines += ["| book build (`make book`) | time | result |", "|---|---|---|"]
        lines += [f"| {label} | {seconds:.0f} s | {status} |" for label, seconds, status in rows]
        lines.append("")
    lines.append(
        f"Finished {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + "."
    )
    report = "\n".join(lines)
    print()
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
