"""Every lesson has the form the course promises its students and instructors.

A title, learning objectives, prerequisites and an estimated time at the top; at least one
figure, each with alt text; a summary; at least three exercises, each with a worked solution
that is hidden (a closed <details> block in the student notebook, a dropdown on the website);
references.
"""

import re
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# The numbered lessons, then the appendix lessons (A1_..., same form, titled "Appendix A1: ...").
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md")) + sorted(NOTEBOOKS.glob("A[0-9]_*.md"))
EXERCISE = re.compile(r"^```\{exercise\}.*\n:label: (?P<label>\S+)", re.MULTILINE)
SOLUTION = re.compile(r"^```\{solution(?:-start)?\} (?P<label>\S+)\n:class: dropdown", re.MULTILINE)


def _markdown(nb):
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_opens_with_title_objectives_prerequisites_and_time(source):
    nb = jupytext.read(source)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    if source.stem[0] == "A":
        assert first.source.startswith(f"# Appendix {source.stem.split('_')[0]}: ")
    else:
        assert first.source.startswith(f"# Lesson {int(source.stem[:2])}: ")
    opening = _markdown(nb)[:4000]
    for promise in ("Learning objectives", "**Prerequisites:**", "**Estimated time:**"):
        assert promise in opening, f"{source.name} lacks {promise!r} near the top"


@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_ends_with_summary_exercises_and_references(source):
    headings = re.findall(r"^## (.+)$", _markdown(jupytext.read(source)), re.MULTILINE)
    assert headings[-3:] == ["Summary", "Exercises", "References"]


@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_at_least_three_exercises_each_with_a_dropdown_solution(source):
    text = source.read_text()
    exercises = [m["label"] for m in EXERCISE.finditer(text)]
    solutions = [m["label"] for m in SOLUTION.finditer(text)]
    assert len(exercises) >= 3, f"{source.name} has {len(exercises)} exercises"
    assert len(set(exercises)) == len(exercises)
    assert all(label.startswith(f"ex-{source.stem.split('_')[0]}-") for label in exercises)
    assert sorted(solutions) == sorted(exercises), "every exercise needs exactly one solution"


@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_solution_cells_are_tagged_and_collapsed(source):
    """Every cell of a solution carries the tag ``solution`` (the student notebooks and workbooks are
    built from it) and is collapsed when the .md is opened as a notebook; no other cell has the tag."""
    nb = jupytext.read(source)
    inside, solution_cells = False, 0
    for cell in nb.cells:
        inside = inside or "{solution-start}" in cell.source
        tagged = "solution" in cell.metadata.get("tags", [])
        assert tagged == inside, f"{'untagged solution' if inside else 'tagged'} cell: {cell.source[:60]!r}"
        if inside:
            jupyter = cell.metadata.get("jupyter", {})
            assert jupyter.get("source_hidden"), f"solution cell not collapsed: {cell.source[:60]!r}"
            if cell.cell_type == "code":
                assert jupyter.get("outputs_hidden"), f"solution output shown: {cell.source[:60]!r}"
            solution_cells += 1
        inside = inside and "{solution-end}" not in cell.source
    assert solution_cells >= 3


@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_figure_has_alt_text(source):
    nb = jupytext.read(source.with_suffix(".ipynb"))
    figures = [
        c for c in nb.cells if c.cell_type == "code" and any("image/png" in o.get("data", {}) for o in c.outputs)
    ]
    assert figures, f"{source.name} draws no figure"
    for cell in figures:
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        assert len(alt) > 20, f"figure without alt text: {cell.source[:60]!r}"


@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_printed_time_is_what_the_estimate_computes_and_adds_up(source):
    """The time line is ``tools/estimate_times.py``'s, and its total is the sum of its parts."""
    import sys

    sys.path.insert(0, str(NOTEBOOKS.parent / "tools"))
    import estimate_times

    line = estimate_times.time_line(estimate_times.estimate(source))
    assert line in source.read_text(), f"{source.name}: run tools/estimate_times.py --write"
    total, *parts = map(int, re.findall(r"\d+", line))
    assert total == sum(parts), line


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven"]


@pytest.mark.parametrize("source", [s for s in LESSONS if re.search(r"tags: \[quiz\b", s.read_text())],
                         ids=lambda s: s.stem)
def test_the_self_check_says_how_many_questions_it_has(source):
    from coinem_helpers.quiz import lesson_quiz

    said = re.search(r"(\w+) quick questions", source.read_text())
    assert said, f"{source.name}: the self-check does not say how many questions it has"
    count = len(lesson_quiz(int(source.stem[:2])))
    assert said.group(1).lower() == NUMBER_WORDS[count], f"{source.name} says {said.group(1)}, the quiz has {count}"
