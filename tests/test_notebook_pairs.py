"""Each lesson is a jupytext pair: the .md source and the executed .ipynb hold the same cells."""

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.md"))


def _cells(path):
    nb = jupytext.read(path)
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_lesson_is_a_pair():
    md = {p.stem for p in NOTEBOOKS.glob("*.md")}
    ipynb = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert md == ipynb, f"unpaired: {sorted(md ^ ipynb)}"


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_pair_cells_match(source):
    paired = source.with_suffix(".ipynb")
    assert _cells(source) == _cells(paired), (
        f"{paired.name} is out of date with {source.name}: run `python tools/sync_notebooks.py {source}`"
    )


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_ipynb_is_executed_and_clean(source):
    nb = jupytext.read(source.with_suffix(".ipynb"))
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "every code cell must carry its executed output"
    assert all(c.get("id", "").startswith(source.stem) for c in nb.cells), "cell ids must be the stable ones"
    assert "widgets" not in nb.metadata, "widget state churns: tools/sync_notebooks.py strips it"
