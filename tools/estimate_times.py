"""Estimate how long each lesson takes a careful student: reading, running the code, exercises.

    python tools/estimate_times.py            # every lesson in notebooks/
    python tools/estimate_times.py --check    # also compare with each lesson's "Estimated time" line
    python tools/estimate_times.py --write    # rewrite each lesson's "Estimated time" line

The method, printed in each lesson's "Estimated time" line:

* reading: the words of the Markdown cells outside the solutions, at 200 words per minute (a common figure
  for careful reading of technical prose; maths slows it down, which the other two parts absorb);
* running: one minute per code cell outside the solutions (read it, run it, look at its output), plus one
  minute per 8 lines beyond the first 8;
* exercises: 8 minutes to attempt each exercise (20 for an implement-it exercise, one with a cell for the
  student's code), plus its statement and solution read at 200 words per minute (solution code counted as
  in "running"); 5 minutes for a self-check quiz.

A student who first read all six lessons took about six hours; this rule gives a similar total.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import jupytext

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WPM = 200
ATTEMPT_MINUTES = 8
IMPLEMENT_MINUTES = 20
QUIZ_MINUTES = 5
TIME_LINE = re.compile(r"\*\*Estimated time:\*\* about (\d+) minutes")
# The whole line, as --write prints it (a line in another form is replaced, up to the blank line after it).
WHOLE_LINE = re.compile(r"^\*\*Estimated time:\*\*.*?(?=\n\n)", flags=re.M | re.S)


def _words(text: str) -> int:
    text = re.sub(r"^(```|:::).*$", " ", text, flags=re.M)  # directive fences are not prose
    text = re.sub(r"\$\$.*?\$\$", " formula ", text, flags=re.S)  # a displayed formula: one "word" ...
    return len(re.findall(r"[A-Za-z0-9$\\]+", text))  # ... inline maths counts per token


def _code_minutes(source: str) -> float:
    lines = [line for line in source.splitlines() if line.strip() and not line.startswith(("%", "#"))]
    return 1 + max(0, len(lines) - 8) / 8


def estimate(path: Path) -> dict[str, float]:
    """Minutes of reading, running and exercises for one lesson (.md source)."""
    nb = jupytext.read(path)
    reading = running = exercises = 0.0
    in_solution = False
    for cell in nb.cells:
        source = cell.source
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if "{solution-start}" in source:
            in_solution = True
        tags = cell.metadata.get("tags", [])
        if "```{exercise}" in source:
            exercises += ATTEMPT_MINUTES + _words(source) / WPM
        elif "skeleton" in tags:  # the student writes this function: more than a pencil-and-paper exercise
            exercises += IMPLEMENT_MINUTES - ATTEMPT_MINUTES + _code_minutes(source)
        elif "quiz" in tags:
            exercises += QUIZ_MINUTES
        elif "check" in tags:
            exercises += 1
            # the statement may share a cell with prose before it: count that prose too
        elif in_solution:
            exercises += _words(source) / WPM if cell.cell_type == "markdown" else _code_minutes(source)
        elif cell.cell_type == "markdown":
            reading += _words(source) / WPM
        else:
            running += _code_minutes(source)
        if "{solution-end}" in source:
            in_solution = False
    total = reading + running + exercises
    return {"reading": reading, "running": running, "exercises": exercises, "total": total}


def rounded(minutes: float) -> int:
    """To the nearest 5 minutes, as printed."""
    return int(5 * math.floor(minutes / 5 + 0.5))


def total(t: dict[str, float]) -> int:
    """The printed total: the sum of the printed parts, so that the line adds up."""
    return rounded(t["reading"]) + rounded(t["running"]) + rounded(t["exercises"])


def time_line(t: dict[str, float]) -> str:
    return (f"**Estimated time:** about {total(t)} minutes: about {rounded(t['reading'])} to read, "
            f"{rounded(t['running'])} to run and read the code, {rounded(t['exercises'])} for the exercises "
            "(how we estimate it: see the {doc}`introduction <../intro>`).")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    if "--write" in argv:
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md")) + sorted(NOTEBOOKS.glob("A[0-9]_*.md")):
            text = path.read_text()
            path.write_text(WHOLE_LINE.sub(lambda _: time_line(estimate(path)), text, count=1))
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md")) + sorted(NOTEBOOKS.glob("A[0-9]_*.md"))
    status = 0
    grand = 0
    for path in paths:
        t = estimate(path)
        grand += total(t)
        line = (f"{path.stem:32s} reading {rounded(t['reading']):3d}  running {rounded(t['running']):3d}  "
                f"exercises {rounded(t['exercises']):3d}  total {total(t):3d} min")
        if check:
            printed = TIME_LINE.search(path.read_text())
            ok = printed is not None and int(printed.group(1)) == total(t)
            line += "" if ok else "   <- the lesson prints something else"
            status |= not ok
        print(line)
    print(f"{'all lessons':32s} {grand} min")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
