"""Sphinx extension: number exercises per lesson, "Exercise 2.1, 2.2, ...", not through the book.

sphinx-exercise numbers its exercises with Sphinx's figure numbering (``numfig``). Without a
numbered table of contents, Sphinx counts every exercise of the book in one sequence, so Lesson 2
starts at "Exercise 4". Numbering the table of contents would fix that but also put section
numbers on every heading. Instead, once Sphinx has assigned its numbers (the ``env-get-updated``
event, after Sphinx's own handler), this extension renumbers each page's exercises as
(lesson, position on the page): ``notebooks/02_e_step`` gives 2.1, 2.2, ...; the appendix
``notebooks/A1_...`` gives A1.1, A1.2, .... Titles and cross-references (``{ref}``, ``{numref}``)
both read these numbers, so they stay consistent.

Enabled in ``_config.yml`` (``sphinx.local_extensions``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the notebook converter imports lesson_number without Sphinx
    from sphinx.application import Sphinx

# A lesson's number: the digits (01 -> 1) or the appendix code (A1) that starts its file name.
LESSON = re.compile(r"(?:^|/)(?:(?P<digits>\d+)|(?P<appendix>[A-Z]\d+))_[^/]*$")


def lesson_number(docname: str) -> int | str | None:
    """``"notebooks/02_e_step"`` -> 2, ``"notebooks/A1_scale"`` -> ``"A1"``, other pages -> None."""
    match = LESSON.search(docname)
    if match is None:
        return None
    return int(match["digits"]) if match["digits"] else match["appendix"]


def renumber_exercises(app: Sphinx, env) -> list[str]:
    """``env-get-updated`` handler: rewrite each lesson's exercise numbers to (lesson, 1), (lesson, 2), ..."""
    for docname, numbers in env.toc_fignumbers.items():
        lesson = lesson_number(docname)
        exercises = numbers.get("exercise")
        if lesson is None or not exercises:
            continue
        in_page_order = sorted(exercises, key=exercises.__getitem__)  # Sphinx numbered them in page order
        numbers["exercise"] = {label: (lesson, k) for k, label in enumerate(in_page_order, start=1)}
    return []


def setup(app: Sphinx) -> dict:
    # Priority above the default 500 of Sphinx's TocTreeCollector, which assigns the numbers.
    app.connect("env-get-updated", renumber_exercises, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
