"""Sphinx extension: the ``.ipynb`` a lesson page offers for download is the *executed* notebook.

myst-nb (1.4) writes each page's notebook to ``_build/jupyter_execute/``, from where
sphinx-book-theme copies it to ``_build/html/_sources/`` for the download button. When the
outputs come from the jupyter-cache (every rebuild after the first), myst-nb renders the page from
the cached outputs but writes the notebook *without* them, so readers would download an empty
notebook. Once the build has finished, this extension reads each lesson the way myst-nb does,
merges its outputs (and saved widget state) from the cache, and writes it in place of the download.

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
    """``build-finished`` handler: replace each ``_sources/<page>.ipynb`` by the executed one."""
    config = app.env.mystnb_config
    if exception is not None or app.builder.format != "html" or config.execution_mode != "cache":
        return
    cache = get_cache(config.execution_cache_path or ".jupyter_cache")
    for docname in sorted(app.env.found_docs):
        download = Path(app.outdir, "_sources", f"{docname}.ipynb")
        if not download.is_file():
            continue
        try:
            notebook = executed_notebook(Path(app.env.doc2path(docname)), app.env, cache)
        except KeyError:
            LOGGER.warning(f"{docname}: no executed notebook in the jupyter-cache to offer "
                           "for download", type="executed_downloads")
            continue
        if notebook is not None:
            download.write_text(nbformat.writes(notebook), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_executed_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
