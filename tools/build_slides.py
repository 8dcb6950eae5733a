"""Turn each lesson into a reveal.js slide deck in ``_build/slides/`` (what ``make slides`` runs).

For each lesson and appendix in ``_toc.yml`` (``notebooks/NN_name.md``, the MyST source):

1. execute it (so outputs and widget state are fresh);
2. give each cell a slide type where the lesson has none: a new slide at each ``#``/``##``
   heading, a sub-slide (reveal.js's vertical direction) at ``###``, for each exercise and for
   each solution, and wherever the slide would overflow; a markdown cell too long for one slide
   (a long derivation) is split between paragraphs, never inside an equation;
3. rewrite the MyST the website understands and nbconvert does not (exercise and solution
   directives, admonitions, labelled equations and ``{eq}`` references, citations, roles) as
   plain Markdown;
4. export it with nbconvert's reveal template, pointed at local copies of reveal.js, MathJax 3,
   RequireJS and the widget manager fetched from the npm registry, so the decks work
   offline. Without npm they fall back to CDNs, and say so.

Cells that already carry ``slideshow`` metadata keep it. Open ``_build/slides/index.html``.
"""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbconvert import SlidesExporter
from PIL import Image
from pybtex.database import parse_file
from traitlets.config import Config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import fetch_offline_assets  # noqa: E402  (a sibling script, not an installed package)
from exercise_numbers import lesson_number  # noqa: E402  (the website's per-lesson numbers)

BOOK = HERE.parent
OUT = BOOK / "_build" / "slides"
OFFLINE = "offline"  # folder of the fetched assets, relative to the decks
SLIDE_HEIGHT = 560  # px of content a reveal.js slide (960 x 700) holds, with a margin for error
IMAGE_HEIGHT = 340  # px: the deck's CSS caps a figure at this height (slides_template)
# px: an explorer at the 80 % the deck's CSS draws it at is 430-570 px tall; planned as a
# whole slide, so that it never shares one with more than its own short code cell.
EXPLORER_HEIGHT = SLIDE_HEIGHT


# --------------------------------------------------------------------------- MyST -> Markdown

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
               "error", "seealso"}


class Context:
    """What the rewriting of one lesson needs to know: equation and exercise numbers, the bib."""

    def __init__(self, markdown_sources: list[str], bibliography, lesson: int | str = 1):
        text = "\n".join(markdown_sources)
        # Labelled equations, numbered in order as on the website: $$ ... $$ (label), {math} :label:.
        labelled = re.compile(r"\$\$[ \t]*\(([\w.:-]+)\)"
                              r"|^[`:]{3,}\{math\}.*\n(?::[\w-]+:.*\n)*?:label:[ \t]*([\w.:-]+)", flags=re.M)
        labels = [m[1] or m[2] for m in labelled.finditer(text)]
        self.equations = {label: n for n, label in enumerate(dict.fromkeys(labels), start=1)}
        exercises = re.findall(r"^[`:]{3,}\{exercise\}.*\n:label:[ \t]*([\w.:-]+)", text, flags=re.M)
        # Numbered per lesson, as on the website (tools/exercise_numbers.py): 2.1, 2.2, ..., A1.1.
        self.lesson = lesson
        self.exercises = {label: f"{lesson}.{k}" for k, label in enumerate(exercises, start=1)}
        self.bibliography = bibliography
        self.exercise_count = 0


def split_options(lines: list[str]) -> tuple[dict, list[str]]:
    """Split a directive's body into its ``:key: value`` options and the rest.

    Examples
    --------
    >>> split_options([":label: ex-1", ":class: tip", "", "Body"])
    ({'label': 'ex-1', 'class': 'tip'}, ['', 'Body'])
    """
    options = {}
    while lines and (m := re.match(r"^\s*:([\w-]+):\s*(.*)$", lines[0])):
        options[m[1]] = m[2]
        lines = lines[1:]
    return options, lines


def blockquote(title: str, body: str) -> str:
    lines = [f"**{title}**", ""] + body.strip("\n").split("\n")
    return "\n".join("> " + line if line else ">" for line in lines)


def render_directive(name: str, arg: str, options: dict, body: str, ctx: Context) -> str:
    if name == "exercise":
        ctx.exercise_count += 1
        number = ctx.exercises.get(options.get("label"), f"{ctx.lesson}.{ctx.exercise_count}")
        title = f"Exercise {number}" + (f": {arg}" if arg else "")
        return f"**{title}**\n\n{body.strip()}"
    if name in ("solution-start", "solution"):
        number = ctx.exercises.get(arg)
        head = f"**Solution to Exercise {number}**" if number else "**Solution**"
        return f"{head}\n\n{body.strip()}".strip()
    if name == "solution-end":
        return ""
    if name == "math":
        tag = ctx.equations.get(options.get("label"))
        return "$$\n" + body.strip() + (f" \\tag{{{tag}}}" if tag else "") + "\n$$"
    if name == "admonition":
        return blockquote(arg or "Note", body)
    if name in ADMONITIONS:
        return blockquote(name.capitalize() if name != "seealso" else "See also", body)
    return f"**{arg or name.capitalize()}**\n\n{body.strip()}"


def convert_directives(text: str, ctx: Context) -> str:
    """Rewrite every MyST directive of ``text`` (nested ones too) as plain Markdown."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or m["name"] == "code-cell":
            out.append(lines[i])
            i += 1
            continue
        close = re.compile(rf"^{re.escape(m['indent'])}{re.escape(m['fence'][0])}{{{len(m['fence'])},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        options, body = split_options(lines[i + 1:j])
        body_text = convert_directives("\n".join(line[len(m["indent"]):] for line in body), ctx)
        rendered = render_directive(m["name"], m["arg"].strip(), options, body_text, ctx)
        out.extend(m["indent"] + line if line else line for line in rendered.split("\n"))
        i = j + 1
    return "\n".join(out)


def cite(keys: str, textual: bool, bibliography) -> str:
    """``{cite:t}`` -> "Do and Batzoglou (2008)", ``{cite:p}`` -> "(Do and Batzoglou, 2008)"."""
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in bibliography.entries:
            parts.append((key, ""))
            continue
        entry = bibliography.entries[key]
        names = [" ".join(p.last_names) for p in entry.persons.get("author", [])]
        who = names[0] + " et al." if len(names) > 2 else " and ".join(names)
        parts.append((who, entry.fields.get("year", "")))
    if textual:
        return "; ".join(f"{who} ({year})" for who, year in parts)
    return "(" + "; ".join(f"{who}, {year}" for who, year in parts) + ")"


def convert_roles(text: str, ctx: Context) -> str:
    """Rewrite MyST roles ({eq}, {cite:t}, {ref}, {doc}, ...) and labelled ``$$`` equations.

    Examples
    --------
    >>> ctx = Context(["$$ x $$ (eq-a)"], bibliography=None)
    >>> convert_roles("$$ x $$ (eq-a) and {eq}`eq-a`, {ref}`the text <x>`, {math}`y`", ctx)
    '$$ x \\\\tag{1}$$ and (1), the text, $y$'
    """
    def label_tag(m):
        tag = ctx.equations.get(m[2])
        return f"$${m[1]}\\tag{{{tag}}}$$" if tag else f"$${m[1]}$$"

    text = re.sub(r"\$\$(.*?)\$\$[ \t]*\(([\w.:-]+)\)", label_tag, text, flags=re.S)

    def role(m):
        name, content = m[1], m[2]
        explicit = re.match(r"^(.*?)\s*<([^<>]+)>$", content, flags=re.S)
        if name == "eq":
            return f"({ctx.equations.get(content, content)})"
        if name.startswith("cite"):
            return cite(content, textual=name in ("cite:t", "cite:ts"), bibliography=ctx.bibliography)
        if name == "math":
            return f"${content}$"
        if explicit:
            return explicit[1]
        if name in ("ref", "numref") and content in ctx.exercises:
            return f"Exercise {ctx.exercises[content]}"
        return content

    text = re.sub(r"\{([\w:-]+)\}`([^`]+)`", role, text)
    # Links between lessons go to the other decks.
    return re.sub(r"\]\((\d\d_\w+)\.(?:md|ipynb)\)", r"](\1.slides.html)", text)


# --------------------------------------------------------------------------- slide structure

def blocks(markdown: str) -> list[str]:
    """Paragraph-level pieces of ``markdown``, never splitting a $$ equation or a fenced block.

    Examples
    --------
    >>> blocks("One.\\n\\n$$\\na\\n\\nb\\n$$\\n\\n```{note}\\nc\\n\\nd\\n```\\nTwo.")
    ['One.', '$$\\na\\n\\nb\\n$$', '```{note}\\nc\\n\\nd\\n```\\nTwo.']
    """
    pieces, current, fence, in_math = [], [], None, False
    for line in markdown.split("\n"):
        stripped = line.strip()
        if not stripped and fence is None and not in_math:
            if current:
                pieces.append("\n".join(current))
                current = []
            continue
        current.append(line)
        if fence is None and not in_math:
            opening = re.match(r"^(`{3,}|~{3,}|:{3,})", stripped)
            if opening:
                fence = opening[1]
                continue
        elif fence is not None:
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = None
            continue
        if stripped.count("$$") % 2 == 1:
            in_math = not in_math
    if current:
        pieces.append("\n".join(current))
    return pieces


def markdown_height(markdown: str) -> int:
    """A rough height in px of rendered Markdown on a slide: enough to decide where to split.

    Calibrated on the decks of the lessons (reveal.js 960 x 700 slide, nbconvert's font sizes).
    """
    height = 0
    for piece in blocks(markdown):
        if piece.startswith("$$") or piece.startswith("\\begin"):
            height += 30 + 40 * (piece.count("\\\\") + 1)
        elif re.match(r"^[`:]{3,}\{", piece):
            # A directive (admonition, exercise): its box's title bar and padding, then its text.
            height += 60 + markdown_height(piece.split("\n", 1)[1] if "\n" in piece else "")
        elif piece.startswith("# "):
            height += 110
        elif piece.startswith("#"):
            height += 60
        else:
            height += 16 + sum(26 * (1 + len(line) // 90) for line in piece.split("\n"))
    return height


def image_height(data: dict) -> int:
    """Displayed height of a PNG output: scaled to the slide's width, at most IMAGE_HEIGHT."""
    png = data.get("image/png")
    if not png:
        return 300
    with Image.open(io.BytesIO(base64.b64decode(png))) as image:
        width, height = image.size
    return min(IMAGE_HEIGHT, int(height * min(1.0, 900 / width)))


def cell_height(cell) -> int:
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    height = 30 + 19 * (cell.source.count("\n") + 1)
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if any(key.startswith("image/") for key in data):
            height += image_height(data)
        elif "application/vnd.jupyter.widget-view+json" in data:
            height += EXPLORER_HEIGHT
        else:
            text = output.get("text", "") or data.get("text/plain", "")
            height += 16 + 19 * min(text.count("\n") + 1, 25)
    return height


def heading_slide_type(source: str) -> str | None:
    first = source.lstrip().split("\n", 1)[0]
    if re.match(r"^#{1,2} ", first):
        return "slide"
    if re.match(r"^#{3,} ", first) or re.match(r"^[`:]{3,}\{(exercise|solution-start|solution)\}", first):
        return "subslide"
    return None


def split_long_markdown(nb) -> None:
    """Split markdown cells taller than a slide into several cells, between paragraphs."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "slideshow" in cell.metadata \
                or markdown_height(cell.source) <= SLIDE_HEIGHT:
            cells.append(cell)
            continue
        chunk, chunk_height = [], 0
        for piece in blocks(cell.source):
            height = markdown_height(piece)
            if chunk and chunk_height + height > SLIDE_HEIGHT:
                cells.append(nbformat.v4.new_markdown_cell("\n\n".join(chunk), metadata=dict(cell.metadata)))
                chunk, chunk_height = [], 0
            chunk.append(piece)
            chunk_height += height
        cells.append(nbformat.v4.new_markdown_cell("\n\n".join(chunk), metadata=dict(cell.metadata)))
    nb.cells = cells


def split_tall_code_cells(nb) -> None:
    """A code cell whose code and outputs together are taller than a slide (a long plotting cell
    and its figure) becomes two: the code, then its outputs alone on the next slide.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\\n" * 30, outputs=[
    ...     nbformat.v4.new_output("display_data", data={"image/png": ""})])])
    >>> split_tall_code_cells(nb)
    >>> [(len(c.outputs), c.metadata.get("tags", []), c.metadata.get("slideshow")) for c in nb.cells]
    [(0, [], None), (1, ['remove-input'], {'slide_type': 'subslide'})]
    """
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "slideshow" in cell.metadata or not cell.get("outputs") \
                or cell_height(cell) <= SLIDE_HEIGHT:
            cells.append(cell)
            continue
        code = nbformat.from_dict(dict(cell))
        code.outputs = []
        outputs = nbformat.from_dict(dict(cell))
        outputs.metadata = dict(cell.metadata, tags=[*cell.metadata.get("tags", []), "remove-input"],
                                slideshow={"slide_type": "subslide"})
        if "id" in cell:
            outputs.id = f"{cell.id}-outputs"  # cell ids are unique in a notebook
        cells += [code, outputs]
    nb.cells = cells


def assign_slide_types(nb) -> None:
    """Give every cell without ``slideshow`` metadata a slide type (see the module docstring)."""
    used = 0
    for index, cell in enumerate(nb.cells):
        height = cell_height(cell)
        if "slideshow" in cell.metadata:
            slide_type = cell.metadata["slideshow"].get("slide_type", "-")
        else:
            slide_type = heading_slide_type(cell.source) if cell.cell_type == "markdown" else None
            if slide_type is None:
                slide_type = "subslide" if used and used + height > SLIDE_HEIGHT else "-"
            if index == 0:
                slide_type = "slide"
            cell.metadata["slideshow"] = {"slide_type": slide_type}
        if slide_type in ("slide", "subslide"):
            used = height
        elif slide_type in ("-", "fragment"):
            used += height


def to_slides(nb, bibliography, lesson: int | str = 1) -> int:
    """Prepare an executed lesson for nbconvert's reveal.js exporter, in place.

    ``lesson`` is the lesson's number (``2``, or ``"A1"`` for the appendix): its exercises are
    Exercise 2.1, 2.2, ... as on the website. Returns the number of exercises in the lesson.
    """
    nb.cells = [c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])]
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    ctx = Context(markdown, bibliography, lesson)
    # Slide types first: they look at the MyST (headings, exercise and solution directives).
    split_long_markdown(nb)
    split_tall_code_cells(nb)
    assign_slide_types(nb)
    starts = None  # a new (sub)slide that a cell left empty by the conversion would have begun
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = convert_roles(convert_directives(cell.source, ctx), ctx)
            if not cell.source.strip():
                # e.g. a lone solution-end: skipped, so the slide it began goes to the next cell.
                if cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide"):
                    starts = starts or cell.metadata["slideshow"]["slide_type"]
                cell.metadata["slideshow"] = {"slide_type": "skip"}
                continue
        if starts and cell.metadata.get("slideshow", {}).get("slide_type") in ("-", "fragment", None):
            cell.metadata["slideshow"] = {"slide_type": starts}
        if cell.metadata.get("slideshow", {}).get("slide_type") != "skip":
            starts = None
    return ctx.exercise_count


# --------------------------------------------------------------------------- export

def exporter(offline: bool) -> SlidesExporter:
    config = Config()
    config.SlidesExporter.reveal_scroll = True  # a slide that still overflows scrolls
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_transition = "none"
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    if offline:
        config.SlidesExporter.reveal_url_prefix = f"{OFFLINE}/reveal.js"
        config.SlidesExporter.require_js_url = f"{OFFLINE}/requirejs/require.js"
        config.SlidesExporter.mathjax_url = f"{OFFLINE}/mathjax/tex-chtml.js"
        config.SlidesExporter.widget_renderer_url = f"{OFFLINE}/html-manager/embed-amd.js"
    else:
        config.SlidesExporter.reveal_url_prefix = "https://cdn.jsdelivr.net/npm/reveal.js@4"
        config.SlidesExporter.mathjax_url = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"
    return SlidesExporter(config=config, template_name="coinem_reveal",
                          extra_template_basedirs=[str(HERE / "slides_template")])


def cached_execution(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The website build's run of this lesson (its jupyter-cache in ``_build``), if still current.

    ``make book`` executes every lesson and stores the result; executing it again for the slides
    doubled the time of ``make test``. Used only when the cached run has the same code cells (the
    cache's own match) and was made with the helper package as it is now (the stamp build_book.py
    writes); otherwise None, and the lesson is executed.
    """
    import build_book  # a sibling script: its stamp of the helper package's source

    cache_dir = build_book.BUILD / ".jupyter_cache"
    stamp = build_book.HELPERS_STAMP
    if not cache_dir.is_dir() or not stamp.is_file() or stamp.read_text().strip() != build_book.helpers_hash():
        return None
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(nb)
    except KeyError:  # no run of this version of the lesson
        return None
    return merged


def executed(source: Path) -> nbformat.NotebookNode:
    nb = jupytext.read(source)
    cached = cached_execution(nb)
    if cached is not None:
        print(f"  {source.name}: outputs of the website build (_build/.jupyter_cache)")
        return cached
    print(f"  {source.name}: executing")
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    return nb


def lesson_sources(toc: Path = BOOK / "_toc.yml") -> list[Path]:
    """The lessons and appendices in the website's order: every ``notebooks/`` entry of ``_toc.yml``."""
    names = re.findall(r"^\s*-?\s*file:\s*(notebooks/\S+?)(?:\.md)?\s*$", toc.read_text(encoding="utf-8"), flags=re.M)
    return [BOOK / f"{name}.md" for name in names if lesson_number(name) is not None]


def index_page(decks: list[tuple[str, str]]) -> str:
    items = "\n".join(f'  <li><a href="{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in decks)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
            "<title>EM, one coin at a time: slides</title></head>\n<body>\n"
            "<h1>EM, one coin at a time: slides</h1>\n<p>One reveal.js deck per lesson. Arrow keys move "
            "between slides (down for the details of a slide), <kbd>S</kbd> opens the speaker view, "
            "<kbd>Esc</kbd> the overview.</p>\n<ol>\n" + items + "\n</ol>\n</body>\n</html>\n")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    print("Fetching offline assets (reveal.js, MathJax, RequireJS, widgets) from the npm registry...")
    status = fetch_offline_assets.main(["slides", str(OUT / OFFLINE)])
    if status not in (0, fetch_offline_assets.NPM_UNAVAILABLE):
        return status
    offline = status == 0
    if not offline:
        print("*" * 78 + "\n*** npm is not available: the slides load reveal.js and MathJax from CDNs and\n"
              "*** need a network. Install Node.js/npm and run `make slides` again.\n" + "*" * 78,
              file=sys.stderr)
    else:
        shutil.copy(HERE / "book_static" / "offline-widgets.js", OUT / "offline-widgets.js")
    bibliography = parse_file(str(BOOK / "references.bib"))
    slides = exporter(offline)
    decks = []
    for source in lesson_sources():
        nb = executed(source)
        title = next((line[2:].strip() for c in nb.cells if c.cell_type == "markdown"
                      for line in c.source.split("\n") if line.startswith("# ")), source.stem)
        to_slides(nb, bibliography, lesson_number(source.stem))
        nb.metadata["title"] = title
        body, _ = slides.from_notebook_node(nb, resources={"coinem_offline": offline})
        target = OUT / f"{source.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        decks.append((target.name, title))
    (OUT / "index.html").write_text(index_page(decks), encoding="utf-8")
    print(f"\nThe slides are in {OUT.relative_to(BOOK)}/: open {(OUT / 'index.html').relative_to(BOOK)} "
          "in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
