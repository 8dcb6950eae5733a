"""Sphinx extension: the ``.ipynb`` a lesson page offers for download is the student notebook.

sphinx-book-theme's download button offers ``_build/html/_sources/<page>.ipynb``, which myst-nb
writes from the page's MyST source: its Markdown cells are raw MyST (directives, roles,
``{solution-start}`` markers) and the solutions are code cells that Run All executes. A lesson's
student notebook, ``notebooks/NN_name.ipynb`` (generated from the ``.md`` by
``tools/sync_notebooks.py``, executed, the notebook Binder and Colab open), is what a student
should get: once the build has finished, this extension copies it in place of the download.

A page with no such notebook next to its source gets the executed notebook of its source instead:
myst-nb writes the download *without* outputs when they come from the jupyter-cache (every rebuild
after the first), so this extension reads the page the way myst-nb does and merges its outputs
(and saved widget state) from the cache.

Enabled in ``_config.yml`` (``sphinx.local_extensions`` and ``sphinx.config.extensions``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from myst_nb.core.read import create_nb_reader
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def executed_notebook(source: Path, env, cache) -> nbformat.NotebookNode | None:
    """The notebook of ``source`` with its outputs from ``cache``; None if it is not a notebook."""
    text = source.read_text(encoding="utf-8")
    reader = create_nb_reader(str(source), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return None
    _, notebook = cache.merge_match_into_notebook(reader.read(text))
    notebook.metadata.pop("source_map", None)  # myst-nb's internal bookkeeping
    return notebook


def write_executed_downloads(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished`` handler: replace each ``_sources/<page>.ipynb`` by the student notebook
    next to the page's source, or else by the executed notebook of the source."""
    config = app.env.mystnb_config
    if exception is not None or app.builder.format != "html" or config.execution_mode != "cache":
        return
    cache = get_cache(config.execution_cache_path or ".jupyter_cache")
    for docname in sorted(app.env.found_docs):
        download = Path(app.outdir, "_sources", f"{docname}.ipynb")
        if not download.is_file():
            continue
        source = Path(app.env.doc2path(docname))
        student = source.with_suffix(".ipynb")
        if source.suffix == ".md" and student.is_file():
            download.write_bytes(student.read_bytes())
            continue
        try:
            notebook = executed_notebook(source, app.env, cache)
        except KeyError:
            LOGGER.warning(f"{docname}: no executed notebook in the jupyter-cache to offer "
                           "for download", type="executed_downloads")
            continue
        if notebook is not None:
            download.write_text(nbformat.writes(notebook), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_executed_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
