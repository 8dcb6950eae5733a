"""Every lesson, opened in the JupyterLab that `make lab` installs, reads as a student should see it.

One JupyterLab server (started here on a free loopback port, with a token, in a temporary git
repository holding a copy of ``notebooks/`` and the settings ``make lab`` installs) and one
Debian Chromium (Playwright, every non-local request blocked). For each lesson, in sequence:

1. open the .ipynb, let the kernel start, save (Ctrl+S): ``git status`` stays clean;
2. Kernel > Restart Kernel and Run All Cells: the rendered Markdown shows no MyST syntax and no raw
   LaTeX; no solution is open, and no solution's text, code or output is on the page;
3. open the .md: it opens as a notebook (jupytext, the default viewer), and saving it leaves it
   byte-identical.

And a student practising in Lesson 2 (``02_e_step.ipynb``): after Run All the check cell says
``my_e_step`` is not implemented yet; a wrong ``my_e_step`` (the prior ignored) typed over the
skeleton is named by the check, the mistake corrected passes it, and the self-check quiz gives
the right and the wrong answer their feedback, without a JavaScript error.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from sitekit import answer_first_question_right, answer_numeric_question_wrong

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.stem for pattern in ("[0-9][0-9]_*.md", "A[0-9]_*.md") for p in (ROOT / "notebooks").glob(pattern))
OVERRIDES = ROOT / "tools" / "jupyterlab-overrides.json"
RAW_MYST = (":::", "{exercise}", ":label:", "{eq}", "+++", "solution-start", "solution-end", "{solution}")
# The visible text of the rendered Markdown cells: what is inside a closed <details> (except its
# summary) is not visible, and typeset maths is replaced by MathJax's output.
VISIBLE_MARKDOWN = """() => {
  const visible = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE || node.tagName.startsWith('MJX-')) return '';
    let parts = [...node.childNodes];
    if (node.tagName === 'DETAILS' && !node.open) parts = parts.filter((c) => c.tagName === 'SUMMARY');
    return parts.map(visible).join(node.tagName === 'P' || node.tagName === 'LI' ? '' : '\\n');
  };
  return [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell')]
    .map((cell) => cell.querySelector('.jp-RenderedMarkdown'))
    .map((rendered) => rendered ? visible(rendered) : null);
}"""
CURRENT = "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _git(folder: Path, *args: str) -> str:
    identity = ["-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *identity, *args],
                          cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of notebooks/ in a fresh git repository: (url, token, folder)."""
    tmp = tmp_path_factory.mktemp("lab")
    folder = tmp / "repo" / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    shutil.copy(ROOT / ".gitignore", folder.parent)  # as in a clone of the course
    _git(folder.parent, "init", "-q")
    _git(folder.parent, "add", ".")
    _git(folder.parent, "commit", "-q", "-m", "lessons")
    settings = tmp / "app-settings"
    settings.mkdir()
    shutil.copy(OVERRIDES, settings / "overrides.json")  # what `make lab` installs in the venv
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"))
    port, token = _free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={folder}", f"--LabApp.app_settings_dir={settings}",
               "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # as `make lab` does
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(tmp / 'server.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, token, folder
    finally:
        server.terminate()  # a clean shutdown also stops the kernels
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def page(lab, browser):
    # The session's one Chromium (tests/conftest.py): Playwright's sync API runs one driver per thread.
    url, token, _ = lab
    blocked = []

    def only_local(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", only_local)
    p = context.new_page()
    p.set_default_timeout(60_000)
    p.goto(f"{url}/lab?token={token}")
    p.wait_for_function("window.jupyterapp && document.querySelector('#jp-main-dock-panel')")
    p.blocked = blocked
    yield p
    context.close()


def _widget(path: str) -> str:
    """JavaScript for JupyterLab's main-area widget of the document at ``path``."""
    return (f"[...window.jupyterapp.shell.widgets('main')]"
            f".find((w) => w.context && w.context.path === {json.dumps(path)})")


def _open(page, path: str, kernel: bool = True) -> None:
    """Open ``path`` with its default viewer, and wait until it is loaded (and its kernel idle)."""
    page.evaluate("async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }", path)
    page.wait_for_function(f"""(() => {{
        const w = {_widget(path)};
        if (!w || !w.context.isReady || !w.sessionContext) return false;
        window.jupyterapp.shell.activateById(w.id);
        if (!{json.dumps(kernel)}) return true;
        const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
        return kernel && kernel.status === 'idle';
    }})()""")


def _save(page, lab, path: str) -> None:
    """Ctrl+S in the open document, and wait until the server has written it."""
    url, token, folder = lab
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    with page.expect_response(lambda r: r.request.method == "PUT" and "/api/contents/" in r.url) as saved:
        page.keyboard.press("Control+s")
    assert saved.value.ok, f"saving {path} failed: {saved.value.status}"


def _close_all(page) -> None:
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        const sessions = [...app.serviceManager.sessions.running()];
        // Closing asks whether to save a changed document: the test has saved what it checks.
        for (const w of app.shell.widgets('main')) { if (w.context) w.context.model.dirty = false; }
        await app.commands.execute('application:close-all');
        for (const s of sessions) { await app.serviceManager.sessions.shutdown(s.id); }
    }""")


def _restart_and_run_all(page) -> None:
    page.locator(".lm-MenuBar-item", has_text="Kernel").click()
    page.locator(".lm-Menu-item", has_text="Restart Kernel and Run All Cells").click()
    page.locator(".jp-Dialog button", has_text="Restart").click()
    # Done when every code cell has its number and the kernel is idle again.
    page.wait_for_function(f"""(() => {{
        const panel = {CURRENT};
        const widget = [...window.jupyterapp.shell.widgets('main')].find((w) => w.id === panel.id);
        // The model, not the prompts on screen: a folded cell's prompt is not drawn.
        const code = [...widget.content.model.cells].filter((cell) => cell.type === 'code');
        const kernel = widget.sessionContext.session.kernel;
        return code.length && code.every((cell) => cell.executionCount) && kernel.status === 'idle';
    }})()""", timeout=120_000)


def _solution_fragments(notebook) -> list[str]:
    """Distinctive lines of every solution (text, code, output) that appear nowhere else in the lesson."""
    solutions = [c.source for c in notebook.cells if "solution" in c.metadata.get("tags", [])]
    elsewhere = "\n".join(c.source for c in notebook.cells if "solution" not in c.metadata.get("tags", []))
    elsewhere += "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                           for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    fragments = []
    for source in solutions:
        for line in source.split("\n")[2:]:  # after <details> and its summary
            line = line.strip()
            if len(line) >= 25 and "$" not in line and line not in elsewhere and not line.startswith("`"):
                fragments.append(line)
    return fragments


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_in_jupyterlab(page, lab, lesson):
    url, token, folder = lab
    notebook = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
    markdown_cells = sum(c.cell_type == "markdown" for c in notebook.cells)

    # 1. Open and save: the file on disk is exactly what JupyterLab writes.
    _open(page, f"{lesson}.ipynb")
    _save(page, lab, f"{lesson}.ipynb")
    assert _git(folder.parent, "status", "--porcelain") == "", (
        f"opening and saving {lesson}.ipynb changed it:\n{_git(folder.parent, 'diff')[:3000]}")

    # 2. Run everything, as a student would.
    _restart_and_run_all(page)
    try:  # MathJax typesets after the cells render
        page.wait_for_function(f"(({VISIBLE_MARKDOWN})().join('\\n').indexOf('$\\\\') < 0)", timeout=20_000)
    except Exception:
        pass
    rendered = page.evaluate(VISIBLE_MARKDOWN)
    assert len(rendered) == markdown_cells and all(text is not None for text in rendered), (
        "every Markdown cell must be rendered")
    text = "\n".join(rendered)
    for syntax in RAW_MYST:
        assert syntax not in text, f"raw MyST {syntax!r} in {lesson}: ...{text[text.index(syntax) - 80:][:200]}..."
    assert "$\\" not in text, f"unrendered LaTeX in {lesson}: ...{text[text.index('$' + chr(92)) - 80:][:200]}..."
    open_details = page.evaluate(f"{CURRENT}.querySelectorAll('details[open]').length")
    assert open_details == 0, f"{open_details} solution(s) open after Run All in {lesson}"
    folded = page.evaluate(f"{CURRENT}.querySelectorAll('.jp-MarkdownCell details').length")
    assert folded == sum(c.source.count("<details>") for c in notebook.cells if c.cell_type == "markdown")
    assert folded >= sum("solution" in c.metadata.get("tags", []) for c in notebook.cells)
    outputs = page.evaluate(f"[...{CURRENT}.querySelectorAll('.jp-OutputArea')].map((o) => o.textContent).join('\\n')")
    shown = text + "\n" + outputs
    fragments = _solution_fragments(notebook)
    assert fragments, "the check needs distinctive solution lines to look for"
    visible = [f for f in fragments if f in shown]
    assert not visible, f"solution text visible in {lesson} after Run All: {visible[:3]}"
    # Running and saving changes nothing (explorer model ids are derived from the run, not random).
    _save(page, lab, f"{lesson}.ipynb")
    assert _git(folder.parent, "status", "--porcelain") == "", (
        f"running and saving {lesson}.ipynb changed it:\n{_git(folder.parent, 'diff')[:3000]}")
    _git(folder.parent, "checkout", "--", ".")
    _close_all(page)

    # 3. The .md, the source of the lesson, opens as a notebook and saves unchanged.
    _open(page, f"{lesson}.md", kernel=False)  # jupytext keeps no kernel information but its name
    assert page.evaluate(f"{_widget(lesson + '.md')}.node.classList.contains('jp-NotebookPanel')"), (
        f"{lesson}.md did not open as a notebook")
    _save(page, lab, f"{lesson}.md")
    assert _git(folder.parent, "status", "--porcelain") == "", (
        f"opening and saving {lesson}.md changed it:\n{_git(folder.parent, 'diff')[:3000]}")
    _close_all(page)
    assert not page.blocked, f"JupyterLab tried to reach the internet: {page.blocked[:5]}"


# ---------------------------------------------------------------------------
# A student practising: the implement-it exercise and the self-check quiz of Lesson 2
# ---------------------------------------------------------------------------

PRACTICE = "02_e_step"
WIDGET = f"[...window.jupyterapp.shell.widgets('main')].find((w) => w.id === {CURRENT}.id)"


def _reference_solution(lesson: str, function: str) -> str:
    """The code cell of the lesson's solution block that defines ``function`` (what the website shows)."""
    import jupytext

    cells = [c.source for c in jupytext.read(ROOT / "notebooks" / f"{lesson}.md").cells
             if c.cell_type == "code" and "solution" in c.metadata.get("tags", []) and f"def {function}(" in c.source]
    assert len(cells) == 1, f"{lesson}.md should have one solution cell defining {function}, found {len(cells)}"
    return cells[0]


def _mark(page, tag: str) -> str:
    """A locator for the one cell tagged ``tag`` in the open notebook (its node gets ``data-practice``)."""
    found = page.evaluate(f"""(tag) => {{
        const widget = {WIDGET};
        const found = [...widget.content.model.cells].map((cell, i) => [cell, i])
            .filter(([cell]) => (cell.getMetadata('tags') || []).includes(tag)).map(([, i]) => i);
        if (found.length === 1) widget.content.widgets[found[0]].node.dataset.practice = tag;
        return found;
    }}""", tag)
    assert len(found) == 1, f"{PRACTICE}.ipynb should have one cell tagged {tag!r}, found {found}"
    return f".jp-NotebookPanel:not(.lm-mod-hidden) [data-practice='{tag}']"


def _cell_model(tag: str) -> str:
    """JavaScript for the model of the (marked) cell tagged ``tag``."""
    return (f"{WIDGET}.content.widgets.find((c) => c.node.dataset.practice === {json.dumps(tag)}).model")


def _run(page, tag: str) -> str:
    """Select the cell, press Shift+Enter as a student does, wait for its reply; its visible output text."""
    cell = page.locator(_mark(page, tag))
    before = page.evaluate(f"{_cell_model(tag)}.executionCount")
    assert before, f"the {tag} cell should have run before"
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(f"""(() => {{
        const count = {_cell_model(tag)}.executionCount;
        return count && count > {before} && {WIDGET}.sessionContext.session.kernel.status === 'idle';
    }})()""", timeout=60_000)
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


def _source(page, tag: str) -> str:
    _mark(page, tag)
    return page.evaluate(f"{_cell_model(tag)}.sharedModel.getSource()")


def _type_over(page, tag: str, code: str) -> None:
    """Select everything in the cell's editor and type ``code`` over it, key by key, as a student does."""
    page.locator(_mark(page, tag)).locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for number, line in enumerate(code.split("\n")):
        if number:
            page.keyboard.press("Enter")  # the editor indents the new line as Python needs it
        page.keyboard.type(line.lstrip())  # brackets and quotes it closed itself are typed over
    assert _source(page, tag) == code, f"the editor did not take the code:\n{_source(page, tag)}"


def _type_insertion(page, tag: str, new: str) -> None:
    """Move the cursor with the arrow keys to where ``new`` differs from the cell's code, and type the difference."""
    old = _source(page, tag)
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), len(old))
    inserted = new[start:len(new) - (len(old) - start)]
    assert new == old[:start] + inserted + old[start:], "only an insertion can be typed"
    page.locator(_mark(page, tag)).locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Control+Home")
    for _ in range(old[:start].count("\n")):
        page.keyboard.press("ArrowDown")
    for _ in range(start - (old.rfind("\n", 0, start) + 1)):
        page.keyboard.press("ArrowRight")
    page.keyboard.type(inserted)
    assert _source(page, tag) == new, f"the editor did not take the change:\n{_source(page, tag)}"


def test_a_student_practises_the_e_step_in_jupyterlab(page, lab):
    """Lesson 2 as a student works through it: the check cell's verdicts and the quiz's feedback."""
    from playwright.sync_api import expect

    from coinem_helpers.quiz import lesson_quiz

    url, token, folder = lab
    blocked_before = len(page.blocked)
    correct = _reference_solution(PRACTICE, "my_e_step")
    # The classic mistake the check names: no log w_k, i.e. every coin equally likely a priori.
    wrong = correct.replace("np.log(weights) + ", "")
    assert wrong.count("weights") == correct.count("weights") - 1, "the solution no longer adds np.log(weights)"
    questions = lesson_quiz(2)
    errors = []  # uncaught JavaScript errors (the quiz's scripts run in JupyterLab's page)

    def on_error(error):
        errors.append(error)

    page.on("pageerror", on_error)
    try:
        _open(page, f"{PRACTICE}.ipynb")
        _restart_and_run_all(page)

        # Before any work: the skeleton is reported as not implemented yet.
        check = "\n".join(page.locator(_mark(page, "check")).locator(".jp-OutputArea-output").all_inner_texts())
        assert "my_e_step is not implemented yet" in check, check

        # A wrong answer, typed over the skeleton: the check names the mistake.
        _type_over(page, "skeleton", wrong)
        _run(page, "skeleton")
        check = _run(page, "check")
        assert "the prior ignored" in check and "Test case failed" in check, check

        # The mistake corrected (log w_k typed in): the reference solution, and the check passes.
        _type_insertion(page, "skeleton", correct)
        _run(page, "skeleton")
        check = _run(page, "check")
        assert "All test cases passed" in check and "agrees with the course's e_step" in check, check
        assert "prior ignored" not in check and "not implemented" not in check, check

        # The self-check quiz, drawn by its JavaScript output, answered by clicking and typing.
        quiz = page.locator(_mark(page, "quiz")).locator("div[id^='quiz']").first
        shown = quiz.locator(".Quiz")
        expect(shown.first).to_be_visible()
        assert shown.count() == len(questions)
        answer_first_question_right(shown, questions)
        answer_numeric_question_wrong(shown, questions)
        page.evaluate("1")  # a round trip, so that any error the answers raised has been reported
        assert not errors, f"JavaScript errors in JupyterLab: {errors}"
        assert page.blocked[blocked_before:] == [], f"JupyterLab tried to reach the internet: {page.blocked[-5:]}"
    finally:
        page.remove_listener("pageerror", on_error)
        try:
            _close_all(page)
        finally:
            # Whatever happened, the other tests find the lesson as committed.
            _git(folder.parent, "checkout", "--", ".")
    assert _git(folder.parent, "status", "--porcelain") == ""
