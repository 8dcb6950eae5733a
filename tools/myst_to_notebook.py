"""Turn a lesson's MyST notebook into the student notebook: plain Markdown, solutions folded away.

The MyST ``.md`` lessons are the source of the website, where Sphinx understands directives
(``{exercise}``, ``{admonition}``, ...), roles (``{eq}``, ``{ref}``, ...) and labelled equations.
JupyterLab, Notebook 7, VS Code and Colab render only CommonMark with ``$`` maths and HTML, so the
notebook a student opens gets the same content written in that language:

* an exercise becomes a ``###`` heading "Exercise L.N: title" (numbered per lesson, as on
  the website) followed by its statement;
* an admonition becomes a block quote with a bold title; a dropdown (or an admonition of class
  ``dropdown``) becomes a closed ``<details>`` block, and a code cell tagged ``hide-cell`` (the working
  behind such an answer) a closed ``<details>`` cell tagged ``answer`` with its code and text output;
* a labelled equation gets ``\\tag{n}`` and ``{eq}`` references become "(n)", numbered in order on
  each lesson as on the website; ``{ref}``/``{numref}`` become the text of their target;
* links to another lesson's ``.md`` (and ``{doc}`` roles) point at its ``.ipynb``;
* every solution (``{solution-start}`` ... ``{solution-end}`` with all the cells between them, or a
  ``{solution}`` directive) becomes ONE closed ``<details>`` Markdown cell tagged ``solution``:
  its text, its code as a fenced block and the code's text output as a fenced block. It is never
  executed, so running the notebook cannot reveal it.

The Markdown is parsed with markdown-it-py and the MyST plugins of mdit-py-plugins (what
myst-parser itself uses); the source text of ordinary blocks is kept as the author wrote it and
only the MyST constructs are rewritten. A directive or role this module does not know is an
error, not silently shown to students.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from exercise_numbers import lesson_number  # the website's per-lesson numbering (a sibling module)

__all__ = ["Course", "Lesson", "convert_markdown", "convert_notebook", "SOLUTION_TAG"]

SOLUTION_TAG = "solution"
PARSER = (
    MarkdownIt("commonmark")
    .use(myst_block_plugin)
    .use(myst_role_plugin)
    .use(dollarmath_plugin, allow_labels=True, double_inline=True)
    .use(amsmath_plugin)
    .use(colon_fence_plugin)
    .enable("table")
)
ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also", "margin": "", "sidebar": "", "topic": "", "epigraph": "",
}
# The directive names jupytext leaves in Markdown cells to open and close a multi-cell solution.
_START, _END = "solution-start", "solution-end"
HIDDEN_CODE_TAG, ANSWER_TAG = "hide-cell", "answer"
_MARK = re.compile(r"^\x00(?P<kind>start|end) (?P<label>.*)\x00$", re.MULTILINE)
_LESSON_LINK = re.compile(r"^(?P<path>(?:[\w.-]+/)*(?:\d\d|A\d+)_[\w-]+)\.md(?P<anchor>#.*)?$")


@dataclass
class Lesson:
    """What rewriting one lesson needs: its equation numbers, the course's exercise numbers, titles.

    Parameters
    ----------
    path : str
        The lesson's file name, for error messages.
    equations : dict
        Label of each labelled equation -> its number on the lesson's page.
    exercises : dict
        Label of each exercise of the course -> ``(number, title)``.
    targets : dict
        Label of each ``(label)=`` target -> the text of the heading it names.
    bibliography : object, optional
        A pybtex ``BibliographyData`` for ``{cite}`` roles.
    elsewhere : dict, optional
        Label of each labelled equation of the other lessons -> ``(lesson file name, number)``.
    """

    path: str
    equations: dict = field(default_factory=dict)
    exercises: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    bibliography: object = None
    elsewhere: dict = field(default_factory=dict)

    def tag(self, label: str) -> int:
        """The number of one of this lesson's own labelled equations."""
        if label not in self.equations:
            raise ValueError(f"{self.path}: equation label {label!r} is not numbered in this lesson")
        return self.equations[label]

    def equation(self, label: str) -> str:
        """"(n)" for an equation of this lesson; "(n)" linked to its notebook for another lesson's."""
        if label in self.equations:
            return f"({self.equations[label]})"
        if label in self.elsewhere:
            name, number = self.elsewhere[label]
            return f"[({number})]({Path(name).stem}.ipynb)"
        raise ValueError(f"{self.path}: {{eq}}`{label}` names no labelled equation of the course "
                         f"(known here: {sorted(self.equations)})")

    def exercise(self, label: str) -> tuple[int, str]:
        if label not in self.exercises:
            raise ValueError(f"{self.path}: {label!r} is not the label of an exercise of the course")
        return self.exercises[label]


class Course:
    """Exercise numbers (per lesson, "2.1, 2.2, ...", as on the website) and titles.

    Parameters
    ----------
    lessons : list of (str, list of str)
        Each lesson's name and the sources of its Markdown cells, in reading order.
    bibliography : object, optional
        A pybtex ``BibliographyData`` for ``{cite}`` roles.

    Examples
    --------
    >>> course = Course([("01_a.md", ["```{exercise} Warm up\\n:label: ex-1\\n\\nDo it.\\n```"]),
    ...                  ("02_b.md", ["$$ x $$ (eq-b)", "```{exercise}\\n:label: ex-2\\n```"])])
    >>> course.exercises
    {'ex-1': ('1.1', 'Warm up'), 'ex-2': ('2.1', '')}
    >>> course.lesson("02_b.md").equations
    {'eq-b': 1}
    """

    def __init__(self, lessons, bibliography=None):
        self.bibliography = bibliography
        self.exercises: dict = {}
        self._equations: dict = {}
        self._targets: dict = {}
        for name, sources in lessons:
            equations, targets, n_exercises = {}, {}, 0
            for source in sources:
                for token, title in _walk_labels(PARSER.parse(source)):
                    if token.type == "math_block_label":
                        equations.setdefault(token.info.strip(), len(equations) + 1)
                    elif token.type in ("fence", "colon_fence") and _directive(token)[0] == "math":
                        label = _split_options(token.content)[0].get("label")
                        if label:
                            equations.setdefault(label, len(equations) + 1)
                    elif token.type in ("fence", "colon_fence") and _directive(token)[0] in (
                            "exercise", "exercise-start"):
                        _, argument = _directive(token)
                        label = _split_options(token.content)[0].get("label")
                        if label:
                            n_exercises += 1
                            self.exercises[label] = (f"{lesson_number(name)}.{n_exercises}", argument)
                    elif token.type == "myst_target":
                        targets[token.content] = title
            self._equations[name] = equations
            self._targets[name] = targets

    @classmethod
    def from_files(cls, paths, bibliography=None) -> "Course":
        """Read the Markdown cells of each MyST notebook in ``paths`` (in reading order)."""
        import jupytext

        lessons = []
        for path in paths:
            notebook = jupytext.read(path)
            lessons.append((Path(path).name, [c.source for c in notebook.cells if c.cell_type == "markdown"]))
        return cls(lessons, bibliography)

    def lesson(self, name: str) -> Lesson:
        if name not in self._equations:
            raise ValueError(f"lesson {name!r} is not part of the course (known: {sorted(self._equations)})")
        targets = {label: title for targets in self._targets.values() for label, title in targets.items()}
        elsewhere = {label: (other, number) for other, equations in self._equations.items() if other != name
                     for label, number in equations.items()}
        return Lesson(name, dict(self._equations[name]), dict(self.exercises), targets, self.bibliography,
                      elsewhere)


def _walk_labels(tokens):
    """Every block token, with the text of the heading that follows it (for ``(label)=`` targets)."""
    for i, token in enumerate(tokens):
        title = ""
        if token.type == "myst_target" and i + 2 < len(tokens) and tokens[i + 1].type == "heading_open":
            title = tokens[i + 2].content
        yield token, title


def _directive(token) -> tuple[str, str]:
    """``(name, argument)`` of a fence like ```` ```{name} argument ````, or ``("", "")``."""
    match = re.match(r"^\{([\w:-]+)\}\s*(.*)$", token.info.strip())
    return (match[1], match[2].strip()) if match else ("", "")


def _split_options(content: str) -> tuple[dict, str]:
    """A directive's ``:key: value`` (or ``---`` YAML) options and its body.

    Examples
    --------
    >>> _split_options(":label: ex-1\\n:class: tip\\n\\nBody\\n")
    ({'label': 'ex-1', 'class': 'tip'}, 'Body\\n')
    >>> _split_options("---\\nclass: dropdown\\n---\\nBody")
    ({'class': 'dropdown'}, 'Body')
    """
    lines = content.split("\n")
    options = {}
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        for line in lines[1:end]:
            key, _, value = line.partition(":")
            options[key.strip()] = value.strip()
        lines = lines[end + 1:]
    else:
        while lines and (match := re.match(r"^\s*:([\w-]+):\s*(.*)$", lines[0])):
            options[match[1]] = match[2].strip()
            lines = lines[1:]
    return options, "\n".join(lines).lstrip("\n")


def _blockquote(title: str, body: str) -> str:
    lines = ([f"**{title}**", ""] if title else []) + body.strip("\n").split("\n")
    return "\n".join("> " + line if line.strip() else ">" for line in lines)


def _fenced(text: str, info: str = "") -> str:
    """``text`` in a code fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def _details(summary: str, body: str) -> str:
    # The blank lines let every front end parse the Markdown between the HTML tags.
    return f"<details>\n<summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


def _render_directive(name: str, argument: str, content: str, lesson: Lesson) -> str:
    options, body = _split_options(content)
    if name in ("exercise", "exercise-start"):
        number, _ = lesson.exercise(options["label"]) if "label" in options else (None, "")
        title = f"Exercise {number}" if number else "Exercise"
        title += f": {argument}" if argument else ""
        return f"### {title}\n\n{convert_markdown(body, lesson).strip()}".strip()
    if name == "exercise-end":
        return ""
    if name in (_START, _END):
        # Markers, resolved by convert_notebook, which gathers the cells in between.
        return f"\x00{'start' if name == _START else 'end'} {argument}\x00"
    if name == "solution":
        return _details(_solution_summary(argument, lesson), convert_markdown(body, lesson))
    if name == "dropdown":
        return _details(argument or "Details", convert_markdown(body, lesson))
    if name == "admonition" or name in ADMONITIONS:
        title = argument or ADMONITIONS.get(name, "")
        if "dropdown" in options.get("class", "").split():
            # Folded on the website (answers, say): folded in the notebook too, until clicked.
            return _details(title or "Details", convert_markdown(body, lesson))
        return _blockquote(title, convert_markdown(body, lesson))
    if name == "math":
        label = options.get("label")
        tag = f" \\tag{{{lesson.tag(label)}}}" if label else ""
        return f"$$\n{body.strip()}{tag}\n$$"
    if name in ("code-block", "code", "sourcecode"):
        return _fenced(body, argument)
    if name in ("figure", "image"):
        alt = options.get("alt", "")
        caption = convert_markdown(body, lesson).strip() if name == "figure" else ""
        return f"![{alt}]({argument})" + (f"\n\n*{caption}*" if caption else "")
    raise ValueError(f"{lesson.path}: the MyST directive {{{name}}} has no plain-Markdown form yet; "
                     "add one to tools/myst_to_notebook.py")


def _solution_summary(label: str, lesson: Lesson) -> str:
    if label in lesson.exercises:
        return f"Solution to Exercise {lesson.exercises[label][0]}"
    return "Solution"


def _cite(keys: str, textual: bool, lesson: Lesson) -> str:
    """``{cite:t}`` -> "Do and Batzoglou (2008)", ``{cite:p}`` -> "(Do and Batzoglou, 2008)"."""
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        entries = getattr(lesson.bibliography, "entries", {})
        if key not in entries:
            raise ValueError(f"{lesson.path}: {{cite}}`{key}` is not in the bibliography")
        names = [" ".join(p.last_names) for p in entries[key].persons.get("author", [])]
        who = names[0] + " et al." if len(names) > 2 else " and ".join(names)
        parts.append((who, entries[key].fields.get("year", "")))
    if textual:
        return "; ".join(f"{who} ({year})" for who, year in parts)
    return "(" + "; ".join(f"{who}, {year}" for who, year in parts) + ")"


def _lesson_href(href: str) -> str:
    """A link to another lesson's ``.md`` points at its ``.ipynb``; other links are kept."""
    match = _LESSON_LINK.match(href)
    return f"{match['path']}.ipynb{match['anchor'] or ''}" if match else href


def _render_role(name: str, content: str, lesson: Lesson) -> str:
    explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", content, flags=re.S)
    text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
    if name == "eq":
        return lesson.equation(target)
    if name in ("ref", "numref"):
        if target in lesson.exercises:
            number, title = lesson.exercises[target]
            default = f"Exercise {number}" if name == "numref" or not title else title
        elif target in lesson.targets:
            default = lesson.targets[target]
        else:
            raise ValueError(f"{lesson.path}: {{{name}}}`{content}` names no exercise or heading")
        if text is None:
            return default
        number = lesson.exercises.get(target, ("", ""))[0]
        return text.replace("{number}", str(number)).replace("%s", str(number))
    if name in ("doc", "download"):
        href = target if target.endswith((".md", ".ipynb")) or name == "download" else f"{target}.md"
        if name == "doc" and _lesson_href(href) == href:
            # A page of the website that is not a lesson (the introduction, say) has no notebook to
            # open, and its MyST source would show raw in Jupyter: name it in words.
            return text or Path(target).name
        return f"[{text or Path(target).name}]({_lesson_href(href)})"
    if name.startswith("cite"):
        return _cite(target, textual=name in ("cite:t", "cite:ts"), lesson=lesson)
    if name == "math":
        return f"${content}$"
    if name in ("sub", "sup", "kbd"):
        return f"<{name}>{content}</{name}>"
    if name in ("abbr", "term", "code", "samp", "file", "guilabel", "menuselection"):
        shown = text if text is not None else re.sub(r"\s*\(.*\)$", "", content) if name == "abbr" else content
        return f"`{shown}`" if name in ("code", "samp", "file") else shown
    raise ValueError(f"{lesson.path}: the MyST role {{{name}}} has no plain-Markdown form yet; "
                     "add one to tools/myst_to_notebook.py")


def _rewrite_inline(text: str, inline, lesson: Lesson) -> str:
    """Rewrite the roles and lesson links of one inline token inside ``text``, its source lines.

    Each construct is looked up in order from where the previous one ended, so identical text
    elsewhere (in a code span, say) is left alone.
    """
    out, position = [], 0
    for child in inline.children or []:
        if child.type in ("code_inline", "math_inline", "math_inline_double"):
            # Step over code and maths: text in them that looks like a role is not one.
            markup = child.markup or "$"
            start = text.find(markup, position)
            if start >= 0:
                end = text.find(markup, start + len(markup))
                if end >= 0:
                    out.append(text[position:end + len(markup)])
                    position = end + len(markup)
            continue
        if child.type == "myst_role":
            name = child.meta["name"]
            # The parser folds a line break inside a role into a space; the source keeps it.
            body = r"\s+".join(re.escape(word) for word in child.content.split())
            pattern = re.compile(r"\{" + re.escape(name) + r"\}(`+)\s*" + body + r"\s*\1")
            replacement = _render_role(name, child.content, lesson)
        elif child.type == "link_open" and _lesson_href(child.attrs.get("href", "")) != child.attrs["href"]:
            href = child.attrs["href"]
            pattern = re.compile(r"\]\(\s*<?" + re.escape(href) + r">?")
            replacement = "](" + _lesson_href(href)
        else:
            continue
        match = pattern.search(text, position)
        if match is None:  # pragma: no cover - the parser found it, so the text holds it
            raise ValueError(f"{lesson.path}: cannot locate {child.content!r} in {text!r}")
        out.append(text[position:match.start()] + replacement)
        position = match.end()
    return "".join(out) + text[position:]


def _located(tokens):
    """The block tokens in order, with the inline tokens of a table row (which have no line map)
    merged into one inline token carrying the row's lines."""
    row = None
    for token in tokens:
        if token.type == "tr_open":
            row = token.copy(type="inline", children=[])
            continue
        if token.type == "tr_close":
            yield row
            row = None
            continue
        if row is not None:
            if token.type == "inline":
                row.children.extend(token.children or [])
            continue
        yield token


def convert_markdown(source: str, lesson: Lesson) -> str:
    """Rewrite the MyST in one Markdown cell as plain Markdown (solution markers left as ``\\x00``).

    Examples
    --------
    >>> lesson = Lesson("01_a.md", equations={"eq-a": 1}, exercises={"ex-1": (4, "Warm up")})
    >>> print(convert_markdown("$$\\nx = 1\\n$$ (eq-a)\\n\\nBy {eq}`eq-a`, see [Lesson 2](02_b.md).", lesson))
    $$
    x = 1 \\tag{1}
    $$
    <BLANKLINE>
    By (1), see [Lesson 2](02_b.ipynb).
    >>> print(convert_markdown("```{exercise} Warm up\\n:label: ex-1\\n\\nShow $x$.\\n```", lesson))
    ### Exercise 4: Warm up
    <BLANKLINE>
    Show $x$.
    """
    lines = source.split("\n")
    out, line, skip_until = [], 0, -1
    for token in _located(PARSER.parse(source)):
        if token.map is None or token.map[0] < skip_until:
            continue
        start, end = token.map
        replacement = None
        if token.type in ("fence", "colon_fence") and _directive(token)[0]:
            replacement = _render_directive(*_directive(token), token.content, lesson)
        elif token.type == "math_block_label":
            replacement = f"$$\n{token.content.strip()} \\tag{{{lesson.tag(token.info.strip())}}}\n$$"
        elif token.type in ("myst_target", "myst_line_comment"):
            replacement = ""  # labels and comments are for the website's cross-references
        elif token.type == "inline":
            segment = "\n".join(lines[start:end])
            rewritten = _rewrite_inline(segment, token, lesson)
            if rewritten != segment:
                out.extend(lines[line:start])
                out.extend(rewritten.split("\n"))
                line = end
            continue
        else:
            continue
        indent = re.match(r"^[ \t]*", lines[start])[0]
        out.extend(lines[line:start])
        if replacement:
            out.extend(indent + piece if piece else piece for piece in replacement.split("\n"))
        line = skip_until = end
    out.extend(lines[line:])
    text = "\n".join(out)
    # A removed block leaves its blank lines behind: never more than one in a row.
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") if text.strip() else ""


def _output_text(output) -> str | None:
    """The text a reader would see of one output, or a note for a figure or widget."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        raise ValueError(f"a solution raised {output.ename}: {output.evalue}")
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return None
    if any(key.startswith("image/") for key in data):
        return None
    return data.get("text/plain")


def _solution_code(cell) -> str:
    parts = [_fenced(cell.source, "python")]
    texts, figures = [], False
    for output in cell.get("outputs", []):
        text = _output_text(output)
        if text is None:
            figures = True
        elif text.strip():
            texts.append(text)
    if texts:
        parts.append("Output:\n\n" + _fenced("".join(t if t.endswith("\n") else t + "\n" for t in texts), "text"))
    if figures:
        parts.append("*Run the code to see the figure.*")
    return "\n\n".join(parts)


def convert_notebook(notebook, lesson: Lesson):
    """The student notebook of a (possibly executed) MyST ``notebook``: see the module docstring.

    Code cells are copied with their metadata and tags (``skeleton``, ``check``, ``quiz``, ...)
    but without outputs; every solution becomes one ``<details>`` Markdown cell tagged
    ``solution``. The result has no outputs and no cell ids: the caller executes it.
    """
    cells, solution = [], None  # solution: [summary, [body parts]] while inside one

    def emit_markdown(text, metadata):
        if solution is not None:
            solution[1].append(text)
        elif text.strip():
            cells.append(nbformat.v4.new_markdown_cell(text, metadata=metadata))

    for cell in notebook.cells:
        metadata = copy.deepcopy(dict(cell.metadata))
        if cell.cell_type == "code":
            if solution is not None:
                solution[1].append(_solution_code(cell))
                continue
            if SOLUTION_TAG in metadata.get("tags", []):
                raise ValueError(f"{lesson.path}: a code cell tagged {SOLUTION_TAG!r} outside a solution: "
                                 f"{cell.source[:60]!r}")
            if HIDDEN_CODE_TAG in metadata.get("tags", []):
                # Code folded away on the website (the working behind an answer): Run All must not
                # show its output, so it is shown folded, with its output, like a solution's code.
                cells.append(nbformat.v4.new_markdown_cell(
                    _details("The code behind the answers", _solution_code(cell)), metadata={"tags": [ANSWER_TAG]}))
                continue
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=metadata))
            continue
        if cell.cell_type != "markdown":
            cells.append(copy.deepcopy(cell))
            continue
        metadata.pop("jupyter", None)  # a hidden solution paragraph is now inside <details>
        text = convert_markdown(cell.source, lesson)
        position = 0
        for mark in _MARK.finditer(text):
            emit_markdown(text[position:mark.start()].strip("\n"), metadata)
            if mark["kind"] == "start":
                if solution is not None:
                    raise ValueError(f"{lesson.path}: {{{_START}}} {mark['label']} inside another solution")
                solution = [_solution_summary(mark["label"], lesson), []]
            else:
                if solution is None:
                    raise ValueError(f"{lesson.path}: {{{_END}}} without a {{{_START}}}")
                body = "\n\n".join(part for part in solution[1] if part.strip())
                cells.append(nbformat.v4.new_markdown_cell(_details(solution[0], body),
                                                           metadata={"tags": [SOLUTION_TAG]}))
                solution = None
            position = mark.end()
        emit_markdown(text[position:].strip("\n"), {k: v for k, v in metadata.items() if k != "tags"}
                      if solution is not None else metadata)
    if solution is not None:
        raise ValueError(f"{lesson.path}: a {{{_START}}} without its {{{_END}}}")
    for cell in cells:
        if cell.cell_type == "markdown" and "\x00" in cell.source:  # pragma: no cover - defensive
            raise ValueError(f"{lesson.path}: a solution marker inside a nested block")
    student = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(dict(notebook.metadata)))
    return student
