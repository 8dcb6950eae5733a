"""`make workbooks`: student workbooks without solutions, and an autograder that really grades.

The builder runs once per test session (a few seconds); the grading test runs `otter run` (through
the bundle's grade.py) on a planted correct and a planted wrong submission of Lesson 2.
"""

import csv
import doctest
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_workbooks  # noqa: E402  (a script in tools/, not an installed package)

WORKBOOKS = ROOT / "_build" / "workbooks"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CORRECT_E_STEP = '''from scipy.special import logsumexp


def my_e_step(heads, n_tosses, thetas, weights):
    heads = np.asarray(heads, dtype=float)[:, None]
    tails = np.asarray(n_tosses, dtype=float).reshape(-1, 1) - heads
    log_joint = np.log(weights) + heads * np.log(thetas) + tails * np.log1p(-np.asarray(thetas))
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
'''
# The classic slip: the prior left out of the E-step.
WRONG_E_STEP = CORRECT_E_STEP.replace("np.log(weights) + ", "")


@pytest.fixture(scope="module")
def built():
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_workbooks.py")], check=True, capture_output=True)
    return WORKBOOKS


def test_the_builder_examples_run():
    assert doctest.testmod(build_workbooks).failed == 0


def test_one_student_workbook_per_lesson(built):
    assert sorted(p.name for p in (built / "student").glob("*.ipynb")) == [p.name for p in LESSONS]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_workbook_has_no_solution_and_keeps_skeletons_and_checks(built, lesson):
    source = nbformat.read(lesson, as_version=4)
    workbook = nbformat.read(built / "student" / lesson.name, as_version=4)
    assert build_workbooks.solution_leaks(workbook) == []
    code = [c.source for c in workbook.cells if c.cell_type == "code"]
    inside = False
    for cell in source.cells:
        inside = (inside or "{solution-start}" in cell.source) and "{solution-end}" not in cell.source
        if cell.cell_type == "code" and (inside or "solution" in cell.metadata.get("tags", [])):
            assert cell.source.strip() not in "\n".join(code), f"solution left in the workbook: {cell.source[:60]!r}"
    for question in build_workbooks.questions(source):
        # The only definition of the student's function is the skeleton's.
        definitions = [c for c in code if f"def {question}(" in c]
        assert len(definitions) == 1 and "..." in definitions[0], question
    skeletons = [c for c in workbook.cells if "skeleton" in c.metadata.get("tags", [])]
    assert all("..." in c.source for c in skeletons)
    assert build_workbooks.questions(workbook) == build_workbooks.questions(source)
    assert len(skeletons) == len(build_workbooks.questions(source))


def test_plain_markdown_solutions_are_dropped_too():
    """The form the lesson notebooks are moving to: <details> solution cells tagged `solution`."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[
        new_markdown_cell("**Exercise 1.** Compute it."),
        new_markdown_cell("<details>\n<summary>Solution</summary>\n\nThe answer is 42.\n</details>",
                          metadata={"tags": ["solution"]}),
        new_markdown_cell("Before.\n\n<details><summary>Show the solution</summary>\n\n`x = 42`\n</details>"),
        new_code_cell("x = 42", metadata={"tags": ["solution"]}, outputs=[]),
        new_code_cell("print(1)", execution_count=1,
                      outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
    ])
    out = build_workbooks.strip_solutions(nb)
    assert [c.source for c in out.cells] == ["**Exercise 1.** Compute it.", "Before.", "print(1)"]
    assert out.cells[-1].outputs == [] and build_workbooks.solution_leaks(out) == []


def test_autograder_grades_a_folder_of_submissions(built, tmp_path):
    workbook = nbformat.read(built / "student" / "02_e_step.ipynb", as_version=4)
    for name, code in (("right.ipynb", CORRECT_E_STEP), ("prior_ignored.ipynb", WRONG_E_STEP)):
        submission = nbformat.from_dict(workbook)
        [skeleton] = [c for c in submission.cells if "skeleton" in c.metadata.get("tags", [])]
        skeleton.source = code
        nbformat.write(submission, tmp_path / name)
    run = subprocess.run([sys.executable, str(built / "autograder" / "grade.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "scores.csv", newline="") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    assert rows["right.ipynb"]["lesson"] == "02_e_step"
    assert (float(rows["right.ipynb"]["score"]), float(rows["right.ipynb"]["possible"])) == (1.0, 1.0)
    assert float(rows["prior_ignored.ipynb"]["score"]) == 0.0
    assert "the prior ignored" in rows["prior_ignored.ipynb"]["feedback"]
