"""tools/myst_to_notebook.py: MyST lessons become plain-Markdown student notebooks."""

import doctest
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import myst_to_notebook  # noqa: E402
from myst_to_notebook import Course, Lesson, convert_markdown, convert_notebook  # noqa: E402

LESSON = Lesson("01_a.md", equations={"eq-a": 1, "eq-b": 2},
                exercises={"ex-1": (7, "Warm up"), "ex-2": (8, "")},
                targets={"sec-x": "A section"})
# What no student may see: MyST syntax that only the website understands.
MYST = re.compile(r":::|```\{|\{[\w:-]+\}`|^:label:|^\+\+\+|^\([\w-]+\)=$", re.M)


def test_docstring_examples():
    assert doctest.testmod(myst_to_notebook, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def test_plain_markdown_is_kept_as_written():
    text = "# Title\n\nSome *text* with $x^2$ and `code {eq}` and a [link](https://example.org/a.md).\n\n* a\n* b"
    assert convert_markdown(text, LESSON) == text


def test_admonitions_become_block_quotes_with_a_title():
    text = ":::{admonition} Learning objectives\n:class: tip\n\n1. one\n2. two\n:::"
    assert convert_markdown(text, LESSON) == "> **Learning objectives**\n>\n> 1. one\n> 2. two"
    assert convert_markdown("```{note}\nCareful.\n```", LESSON) == "> **Note**\n>\n> Careful."


def test_exercise_becomes_a_numbered_heading_without_its_label():
    text = "## Exercises\n\n```{exercise} Warm up\n:label: ex-1\n\nShow that $a$\nholds.\n```\n\nAfter."
    expected = "## Exercises\n\n### Exercise 7: Warm up\n\nShow that $a$\nholds.\n\nAfter."
    assert convert_markdown(text, LESSON) == expected
    assert convert_markdown("```{exercise}\n:label: ex-2\n\nGo.\n```", LESSON) == "### Exercise 8\n\nGo."


def test_labelled_equations_are_tagged_and_references_numbered():
    text = "$$\na = b\n$$ (eq-b)\n\nBy {eq}`eq-b` and {eq}`eq-a`, done.\n\n$$\nc\n$$"
    assert convert_markdown(text, LESSON) == "$$\na = b \\tag{2}\n$$\n\nBy (2) and (1), done.\n\n$$\nc\n$$"


def test_roles_inside_code_or_maths_are_left_alone():
    text = "Write `` {eq}`eq-a` `` to get {eq}`eq-a`; $\\{eq\\}$ {eq}`eq-b`."
    assert convert_markdown(text, LESSON) == "Write `` {eq}`eq-a` `` to get (1); $\\{eq\\}$ (2)."


def test_references_become_readable_text():
    assert convert_markdown("See {ref}`ex-1`, {numref}`ex-1`, {ref}`sec-x`.", LESSON) == (
        "See Warm up, Exercise 7, A section.")
    assert convert_markdown("{ref}`this one <ex-2>` and {math}`x^2`", LESSON) == "this one and $x^2$"


def test_links_to_lessons_open_their_notebooks():
    text = "[Lesson 2](02_b.md), [part](02_b.md#sec), {doc}`the next one <03_c>`, [site](https://x.org/04_d.md)"
    assert convert_markdown(text, LESSON) == (
        "[Lesson 2](02_b.ipynb), [part](02_b.ipynb#sec), [the next one](03_c.ipynb), [site](https://x.org/04_d.md)")


def test_roles_in_tables_and_lists_and_nested_directives():
    text = "| a | b |\n|---|---|\n| {eq}`eq-a` | x |\n\n- item\n\n  $$\n  z\n  $$ (eq-a)"
    assert convert_markdown(text, LESSON) == "| a | b |\n|---|---|\n| (1) | x |\n\n- item\n\n  $$\n  z \\tag{1}\n  $$"
    nested = "::::{tip}\nOuter\n\n:::{dropdown} More\nInner {eq}`eq-a`\n:::\n::::"
    assert convert_markdown(nested, LESSON) == (
        "> **Tip**\n>\n> Outer\n>\n> <details>\n> <summary>More</summary>\n>\n> Inner (1)\n>\n> </details>")


def test_targets_and_comments_disappear():
    assert convert_markdown("(sec-x)=\n## A section\n\n% a note to authors\nText", LESSON) == "## A section\n\nText"


@pytest.mark.parametrize("text, named", [
    ("```{tab-set}\nx\n```", "{tab-set}"),
    ("{unknownrole}`x`", "{unknownrole}"),
    ("{eq}`eq-nowhere`", "eq-nowhere"),
])
def test_what_has_no_plain_form_is_an_error_not_shown_to_students(text, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        convert_markdown(text, LESSON)


def _lesson_notebook():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md("```{exercise} Warm up\n:label: ex-1\n\nCompute it.\n```"),
        code("def f(x):\n    ...", metadata={"tags": ["skeleton"]}),
        md("```{solution-start} ex-1\n:class: dropdown\n```\n\nThe answer\nfollows.",
           metadata={"jupyter": {"source_hidden": True}, "tags": ["solution"]}),
        code("print('secret 42')", metadata={"tags": ["solution"]}),
        code("plot()", metadata={"tags": ["solution"]}),
        md("So it is 42.\n\n```{solution-end}\n```", metadata={"tags": ["solution"]}),
        code("grader.check('f')", metadata={"tags": ["check"]}),
    ]
    cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="secret 42\n")]
    cells[4].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"})]
    kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec})


def test_a_solution_becomes_one_closed_details_cell_that_never_runs():
    student = convert_notebook(_lesson_notebook(), LESSON)
    kinds = [(c.cell_type, c.metadata.get("tags", [])) for c in student.cells]
    assert kinds == [("markdown", []), ("code", ["skeleton"]), ("markdown", ["solution"]), ("code", ["check"])]
    assert student.cells[2].source == (
        "<details>\n<summary>Solution to Exercise 7</summary>\n\n"
        "The answer\nfollows.\n\n"
        "```python\nprint('secret 42')\n```\n\nOutput:\n\n```text\nsecret 42\n```\n\n"
        "```python\nplot()\n```\n\n*Run the code to see the figure.*\n\n"
        "So it is 42.\n\n</details>")
    assert "secret" not in "".join(c.source for c in student.cells if c.cell_type == "code")
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


def test_a_single_solution_directive_and_backticks_in_outputs():
    cell = nbformat.v4.new_markdown_cell("```{solution} ex-2\n:class: dropdown\n\nBecause.\n```")
    student = convert_notebook(nbformat.v4.new_notebook(cells=[cell]), LESSON)
    assert student.cells[0].source == "<details>\n<summary>Solution to Exercise 8</summary>\n\nBecause.\n\n</details>"
    assert myst_to_notebook._fenced("a ``` b", "text") == "````text\na ``` b\n````"


@pytest.mark.parametrize("sources, message", [
    (["```{solution-start} ex-1\n```"], "without its"),
    (["```{solution-end}\n```"], "without a"),
    (["```{solution-start} ex-1\n```", "```{solution-start} ex-2\n```"], "inside another"),
])
def test_unbalanced_solutions_are_errors(sources, message):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in sources])
    with pytest.raises(ValueError, match=message):
        convert_notebook(nb, LESSON)


def test_a_solution_tagged_code_cell_outside_a_solution_is_an_error():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", metadata={"tags": ["solution"]})])
    with pytest.raises(ValueError, match="outside a solution"):
        convert_notebook(nb, LESSON)


def test_course_numbers_exercises_and_equations_per_lesson():
    course = Course([
        ("01_a.md", ["$$ a $$ (eq-1)", "```{exercise} One\n:label: ex-a\n```"]),
        ("02_b.md", ["$$ b $$ (eq-2)\n\n$$ c $$ (eq-3)", ":::{exercise} Two\n:label: ex-b\n:::"]),
    ])
    assert course.exercises == {"ex-a": ("1.1", "One"), "ex-b": ("2.1", "Two")}
    assert course.lesson("02_b.md").equations == {"eq-2": 1, "eq-3": 2}
    with pytest.raises(ValueError, match="03_c.md"):
        course.lesson("03_c.md")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9A]*_*.ipynb")), ids=lambda p: p.stem)
def test_student_notebooks_hold_no_myst(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            assert not MYST.search(cell.source), f"MyST left in {path.name}: {MYST.search(cell.source)[0]!r}"
            assert ".md)" not in cell.source and ".md#" not in cell.source, "a link to a lesson's source"


LESSON_SOURCES = sorted((ROOT / "notebooks").glob("[0-9A]*_*.md"))


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=lambda p: p.stem)
def test_equation_and_exercise_numbers_are_the_websites(source):
    """The student notebook says "(3)" and "Exercise 2.4" where the lesson's web page does."""
    from sitekit import HTML, require_site

    import sync_notebooks

    require_site()
    html = (HTML / "notebooks" / f"{source.stem}.html").read_text(encoding="utf-8")
    site_equations = {m[1]: int(m[2]) for m in re.finditer(
        r'id="equation-([\w-]+)".{0,2000}?class="eqno">\((\d+)\)', html, re.S)}
    site_exercises = {m[1]: m[2] for m in re.finditer(
        r'<div class="exercise admonition" id="([\w-]+)">\s*<p class="admonition-title">'
        r'<span class="caption-number">Exercise ([\w.]+) </span>', html)}
    lesson = sync_notebooks.course().lesson(source.name)
    assert lesson.equations == site_equations
    assert site_equations or source.stem.startswith("A"), "the lessons number their equations (the appendix none)"
    ours = {label: number for label, (number, _) in lesson.exercises.items() if label in site_exercises}
    assert len(site_exercises) >= 3 and ours == site_exercises
