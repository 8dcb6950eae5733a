"""Build the student workbooks and the instructor's autograder (what ``make workbooks`` runs).

    python tools/build_workbooks.py

From each lesson notebook ``notebooks/NN_*.ipynb`` (generated from its ``.md`` by
``tools/sync_notebooks.py``) it writes

``_build/workbooks/student/NN_*.ipynb``
    The lesson without any solution: cells tagged ``solution`` are dropped, and so are the
    cells between a ``{solution-start}`` and a ``{solution-end}`` marker (the MyST form) and
    any ``<details>`` block whose summary says "Solution" (the plain-Markdown form). Every output
    is cleared (an executed check cell would report the reference solution's success), the
    ``skeleton`` cells keep their ``...`` placeholders, and the ``check`` cells stay (their
    check files ship with the helper package, ``coinem_helpers/checks/``, so ``grader.check``
    works wherever the workbook is opened).
``_build/workbooks/autograder/``
    One otter-grader configuration zip per lesson with an implement-it exercise
    (``NN_*.zip``, holding only that lesson's check files), ``grade.py``, which grades a
    folder of submissions with ``otter run`` (no Docker) into ``scores.csv``, and a README.

The builder refuses to write a workbook that still contains a solution.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHECKS = ROOT / "coinem_helpers" / "checks"
OUT = ROOT / "_build" / "workbooks"
GRADE_SCRIPT = Path(__file__).resolve().parent / "workbook_grade.py"

CHECK_CALL = re.compile(r"""grader\.check\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)""")
# A <details> block whose <summary> names a solution, with everything up to its </details>.
DETAILS_SOLUTION = re.compile(
    r"<details\b[^>]*>\s*<summary\b[^>]*>[^<]*solution.*?</details>", re.IGNORECASE | re.DOTALL
)
SOLUTION_MARKERS = ("{solution-start}", "{solution-end}", "```{solution}")


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def strip_solutions(nb):
    """Return a copy of ``nb`` without solutions and outputs, ready to hand out.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> nb = new_notebook(cells=[
    ...     new_markdown_cell("Exercise"),
    ...     new_code_cell("def f():\\n    ...", metadata={"tags": ["skeleton"]}),
    ...     new_markdown_cell("<details><summary>Solution</summary>\\n\\n42</details>",
    ...                       metadata={"tags": ["solution"]}),
    ...     new_markdown_cell("```{solution-start} ex-1\\n:class: dropdown\\n```"),
    ...     new_code_cell("def f():\\n    return 42"),
    ...     new_markdown_cell("```{solution-end}\\n```"),
    ...     new_code_cell('grader.check("f")', metadata={"tags": ["check"]}),
    ... ])
    >>> [c.source.splitlines()[0] for c in strip_solutions(nb).cells]
    ['Exercise', 'def f():', 'grader.check("f")']
    """
    out = nbformat.from_dict(nb)  # a deep copy
    kept, inside = [], False
    for cell in out.cells:
        source = cell.source
        if "{solution-start}" in source or (source.lstrip().startswith("```{solution}")):
            inside = "{solution-start}" in source
            continue
        if "{solution-end}" in source:
            inside = False
            continue
        if inside or "solution" in _tags(cell):
            continue
        if cell.cell_type == "markdown" and "<details" in source:
            source = DETAILS_SOLUTION.sub("", source).strip()
            if not source:
                continue
            cell.source = source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("jupyter", None)  # nothing left to hide
        kept.append(cell)
    out.cells = kept
    out.metadata.pop("widgets", None)
    return out


def solution_leaks(nb):
    """Every reason to think ``nb`` still shows a solution (empty when it is clean)."""
    leaks = []
    for i, cell in enumerate(nb.cells):
        if "solution" in _tags(cell):
            leaks.append(f"cell {i} is tagged solution")
        if any(marker in cell.source for marker in SOLUTION_MARKERS):
            leaks.append(f"cell {i} has a solution marker")
        if DETAILS_SOLUTION.search(cell.source):
            leaks.append(f"cell {i} has a <details> solution block")
        if cell.cell_type == "code" and cell.get("outputs"):
            leaks.append(f"cell {i} has outputs")
    return leaks


def questions(nb):
    """The otter questions the check cells of ``nb`` run, in order."""
    names = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "check" in _tags(cell):
            names += CHECK_CALL.findall(cell.source)
    return names


def build_autograder(lesson, names, out_dir):
    """Write ``out_dir/<lesson>.zip``, an otter configuration grading only ``names``."""
    from otter.generate import main as otter_generate

    with tempfile.TemporaryDirectory() as tmp:
        tests = Path(tmp) / "tests"
        tests.mkdir()
        for name in names:
            shutil.copy(CHECKS / f"{name}.py", tests / f"{name}.py")
        zip_path = out_dir / f"{lesson}.zip"
        # The instructor grades in the course's own environment (`otter run`, no Docker), so the
        # zip needs no requirements or environment files: coinem_helpers is already installed.
        otter_generate(
            tests_dir=str(tests),
            output_path=str(zip_path),
            no_config=True,
            no_requirements=True,
            no_environment=True,
        )
    return zip_path


AUTOGRADER_README = """# Grading the course's implement-it exercises

Built by `make workbooks`. One otter-grader configuration per lesson with implement-it exercises:

{zips}

Grade a folder of submitted workbooks (`.ipynb`, any file names; each is matched to its lesson by
the checks it runs), in the course's environment (`make workbooks` created it in `.venv`):

    .venv/bin/python _build/workbooks/autograder/grade.py path/to/submissions

Each notebook is executed from top to bottom by `otter run` (no Docker), then graded with the
checks the students saw. The scores go to `scores.csv` in the submissions folder (one row per
submission: lesson, score, possible, and each check's feedback), and otter's full report for
each submission to `<name>.results.json` next to it. A notebook that does not run to the end is
graded on what ran.
"""


def main():
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        sys.exit("no lesson notebooks in notebooks/: run tools/sync_notebooks.py first")
    student, autograder = OUT / "student", OUT / "autograder"
    shutil.rmtree(OUT, ignore_errors=True)
    student.mkdir(parents=True)
    autograder.mkdir(parents=True)
    zips = []
    for path in notebooks:
        nb = strip_solutions(nbformat.read(path, as_version=4))
        leaks = solution_leaks(nb)
        if leaks:
            sys.exit(f"{path.name}: the student workbook would still show a solution: {'; '.join(leaks)}")
        nbformat.write(nb, student / path.name)
        names = questions(nb)
        missing = [n for n in names if not (CHECKS / f"{n}.py").exists()]
        if missing:
            sys.exit(f"{path.name}: no check file for {missing} in coinem_helpers/checks/")
        if names:
            zips.append((build_autograder(path.stem, names, autograder), names))
        print(f"{path.name}: workbook written" + (f", autograder for {', '.join(names)}" if names else ""))
    shutil.copy(GRADE_SCRIPT, autograder / "grade.py")
    listing = "\n".join(f"- `{z.name}`: {', '.join(names)}" for z, names in zips)
    (autograder / "README.md").write_text(AUTOGRADER_README.format(zips=listing))
    print(f"student workbooks in {student.relative_to(ROOT)}, autograder in {autograder.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
