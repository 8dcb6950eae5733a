"""Execute each lesson's MyST source and write its paired .ipynb with outputs.

    python tools/sync_notebooks.py                 # every notebooks/*.md
    python tools/sync_notebooks.py notebooks/02_e_step.md

The .md file is the source of truth; the .ipynb is generated from it, executed
top to bottom in a fresh kernel from the notebook's own folder.  Cell ids are
derived from the file name and position, and timing and widget-state metadata
are dropped, so that re-running changes nothing unless a cell changed.
"""

import hashlib
import sys
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FORMATS = "ipynb,md:myst"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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
    jupyter = cell.metadata.get("jupyter", {})
    if cell.cell_type == "code" and jupyter.get("source_hidden"):
        # A hidden solution hides its answer too, until the student expands it.
        jupyter["outputs_hidden"] = True
    if cell.cell_type == "code":
        cell.outputs = _merge_streams(cell.outputs)
    for k, output in enumerate(cell.get("outputs", [])):
        view = output.get("data", {}).get(WIDGET_VIEW)
        if view:
            # Kernel-made ids are random; the stored ones are derived from the cell.
            view["model_id"] = hashlib.md5(f"{cell['id']}/{k}".encode()).hexdigest()


def sync(md_path):
    md_path = Path(md_path).resolve()
    nb = jupytext.read(md_path)
    nb.metadata.setdefault("jupytext", {})["formats"] = FORMATS
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(md_path.parent)}},
    ).execute()
    elapsed = time.perf_counter() - start
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{md_path.stem}-{i:03d}"
        _tidy(cell)
    # Widget state holds random model ids; the website re-executes and stores its own.
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)  # differs from machine to machine
    jupytext.write(nb, md_path.with_suffix(".ipynb"))
    # Rewrite the source too, so both files carry the same pairing metadata.
    jupytext.write(nb, md_path, fmt="md:myst")
    return elapsed


def main(paths):
    paths = paths or sorted(str(p) for p in (ROOT / "notebooks").glob("*.md"))
    for path in paths:
        print(f"{Path(path).name}: executed in {sync(path):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
