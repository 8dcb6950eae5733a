"""Write each lesson's student notebook, ``notebooks/NN_name.ipynb``, from its MyST source.

    python tools/sync_notebooks.py                 # every lesson of _toc.yml
    python tools/sync_notebooks.py notebooks/02_e_step.md

The ``.md`` file is the source of truth (it is the website's page); the ``.ipynb`` is generated
and never edited by hand. For each lesson:

1. the ``.md`` is executed top to bottom, solutions included, to get the solutions' outputs;
2. ``tools/myst_to_notebook.py`` turns it into plain Markdown, with every solution (text, code and
   text output) folded into one closed ``<details>`` cell tagged ``solution`` that never runs;
3. that notebook is executed in a fresh kernel from the notebook's own folder, and its outputs
   are stored.

The file is written exactly as JupyterLab 4 saves it (nbformat 4.5, sorted keys, one-space
indent, the kernelspec and language_info the kernel reports), with cell ids derived from the
file name and position, and no timing or widget-state metadata, so that opening a lesson and
saving it, or re-running this script, changes nothing. The ``.md`` is not touched, and the two
files are not a jupytext pair: saving one never rewrites the other.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
import nbformat
import yaml
from nbclient import NotebookClient
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from myst_to_notebook import Course, convert_notebook  # noqa: E402  (a sibling module)

# What JupyterLab 4 writes for the kernel `make lab` offers (ipykernel's "python3" kernelspec).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def lessons() -> list[Path]:
    """The lessons in reading order (the website's table of contents): exercises are numbered so."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc.get("parts", []) for entry in part.get("chapters", [])
             if "file" in entry]
    return [ROOT / f"{f}.md" for f in files if (ROOT / f"{f}.md").parent == ROOT / "notebooks"]


def course() -> Course:
    return Course.from_files(lessons(), bibliography=parse_file(str(ROOT / "references.bib")))


def _merge_streams(outputs):
    """Join consecutive prints to the same stream: the kernel splits them by timing, not content."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (output.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == output.name):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def _tidy(cell):
    """Make a cell's stored form independent of the run that produced it."""
    cell.metadata.pop("execution", None)
    if cell.cell_type != "code":
        return
    cell.outputs = _merge_streams(cell.outputs)
    if cell.metadata.get("jupyter", {}).get("outputs_hidden"):
        cell.metadata["collapsed"] = True  # JupyterLab writes both forms of "outputs folded"
    # Explorer outputs keep the kernel's model id: coinem_helpers.widgets derives it from the
    # explorer's place in the run, so a Restart-and-Run-All in JupyterLab stores the same id.


def execute(nb, folder: Path) -> float:
    """Run ``nb`` in place in a fresh kernel from ``folder``; return the seconds it took."""
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def student_notebook(md_path: Path, the_course: Course, solutions_run=True):
    """The student notebook of one lesson, executed (see the module docstring), and its run time."""
    source = jupytext.read(md_path)
    if solutions_run:
        execute(source, md_path.parent)  # only for the outputs shown inside the solutions
    nb = convert_notebook(source, the_course.lesson(md_path.name))
    nb.metadata = {"kernelspec": dict(KERNELSPEC)}
    elapsed = execute(nb, md_path.parent)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{md_path.stem}-{i:03d}"
        _tidy(cell)
    # Widget state holds random model ids, and JupyterLab does not save it by default.
    nb.metadata.pop("widgets", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb, elapsed


def sync(md_path, the_course: Course | None = None) -> float:
    md_path = Path(md_path).resolve()
    nb, elapsed = student_notebook(md_path, the_course or course())
    # nbformat.write is what jupyter_server's contents manager uses to save a notebook.
    nbformat.write(nb, md_path.with_suffix(".ipynb"))
    return elapsed


def main(paths):
    the_course = course()
    for path in paths or lessons():
        print(f"{Path(path).name}: student notebook executed in {sync(path, the_course):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
