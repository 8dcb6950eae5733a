"""Each lesson's student .ipynb is exactly the conversion of its MyST .md, stored as JupyterLab saves it.

``tools/sync_notebooks.py`` writes the .ipynb; these tests say when it must be re-run, and that the
two files stay independent (saving one in Jupyter must never rewrite the other).
"""

import json
import re
import sys
import uuid
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.md"))
sys.path.insert(0, str(ROOT / "tools"))
import sync_notebooks  # noqa: E402
from myst_to_notebook import SOLUTION_TAG, convert_notebook  # noqa: E402

COURSE = sync_notebooks.course()
# The solutions' outputs come from running them, which these tests do not do: compare without them.
OUTPUT_BLOCK = re.compile(r"\n\nOutput:\n\n(`{3,})text\n.*?\n\1(?=\n)", re.S)
FIGURE_NOTE = "\n\n*Run the code to see the figure.*"
STALE = "{name} is out of date with {source}: run `.venv/bin/python tools/sync_notebooks.py notebooks/{source}`"


def _without_solution_outputs(text):
    return OUTPUT_BLOCK.sub("", text).replace(FIGURE_NOTE, "")


def _shape(nb):
    return [(c.cell_type, _without_solution_outputs(c.source), sorted(c.metadata.get("tags", [])))
            for c in nb.cells]


def test_every_lesson_has_its_notebook():
    md = {p.stem for p in NOTEBOOKS.glob("*.md")}
    ipynb = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert md == ipynb, f"a lesson without its notebook or a notebook without its lesson: {sorted(md ^ ipynb)}"


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_ipynb_is_the_conversion_of_the_md(source):
    stored = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    expected = convert_notebook(jupytext.read(source), COURSE.lesson(source.name))
    message = STALE.format(name=source.with_suffix(".ipynb").name, source=source.name)
    assert _shape(stored) == _shape(expected), message
    code = [(c.source, c.metadata) for c in stored.cells if c.cell_type == "code"]
    for stored_cell, expected_cell in zip(code, (c for c in expected.cells if c.cell_type == "code")):
        assert stored_cell[0] == expected_cell.source, message
        # Tags, alt text, ...; "collapsed" is JupyterLab's second way of writing outputs_hidden.
        assert {k: v for k, v in stored_cell[1].items() if k != "collapsed"} == expected_cell.metadata, message


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_ipynb_is_stored_as_jupyterlab_saves_it(source):
    path = source.with_suffix(".ipynb")
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    # jupyter_server saves with nbformat.write: sorted keys, one-space indent, a final newline.
    assert text == nbformat.writes(nb) + "\n", f"{path.name} is not byte-for-byte what JupyterLab would save"
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata["kernelspec"] == sync_notebooks.KERNELSPEC
    assert set(nb.metadata) == {"kernelspec", "language_info"}, "JupyterLab would drop or add metadata"
    assert nb.metadata["language_info"]["name"] == "python"
    assert "jupytext" not in nb.metadata, "a paired .ipynb would rewrite the .md when saved in Jupyter"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "every code cell must carry its executed output"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "run top to bottom once"
    assert [c.id for c in nb.cells] == [f"{source.stem}-{i:03d}" for i in range(len(nb.cells))]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_md_is_unpaired_and_round_trips_through_jupytext(source):
    """Opening the .md as a notebook and saving it (jupytext) gives back the same bytes."""
    text = source.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="md:myst")
    assert "formats" not in nb.metadata["jupytext"], "a paired .md would overwrite the student .ipynb"
    assert nb.metadata["kernelspec"] == sync_notebooks.KERNELSPEC, "JupyterLab would rewrite the header"
    assert jupytext.writes(nb, fmt="md:myst") == text


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_solutions_are_closed_details_that_never_run(source):
    nb = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    md_solutions = source.read_text(encoding="utf-8").count("{solution-start}")
    solutions = [c for c in nb.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
    assert len(solutions) == md_solutions >= 3
    for cell in solutions:
        assert cell.cell_type == "markdown", "a solution must not be a code cell: Run All would reveal it"
        assert re.fullmatch(r"<details>\n<summary>Solution to Exercise [A-Z]?\d+\.\d+</summary>\n\n.*\n\n</details>",
                            cell.source, re.S), f"not one closed <details> block: {cell.source[:80]!r}"
        assert cell.source.count("<details") == cell.source.count("</details>")
        assert "<details open" not in cell.source
    outside = "\n".join(c.source for c in nb.cells if c not in solutions)
    for fragment in ("{solution", "solution-end", ":class: dropdown"):
        assert fragment not in outside


def test_widget_outputs_use_stable_ids():
    """Each explorer keeps the id coinem_helpers.widgets derives from its place in the run, so that
    Restart-and-Run-All in JupyterLab stores the same ids and saving leaves the file unchanged."""
    from coinem_helpers.widgets import _EXPLORER_IDS

    seen = 0
    for source in SOURCES:
        stored = json.dumps(nbformat.read(source.with_suffix(".ipynb"), as_version=4))
        ids = re.findall(r'"model_id": "([0-9a-f]{32})"', stored)
        expected = [uuid.uuid5(_EXPLORER_IDS, str(k)).hex for k in range(1, len(ids) + 1)]
        assert ids == expected, f"{source.stem}: widget ids are not the derived ones"
        seen += len(ids)
    assert seen >= 3, "the lessons show explorers"
