"""Self-check quizzes that work offline, in Jupyter and on the course website.

The quizzes are jupyterquiz's (pinned to 2.9.6 in pyproject.toml), shown with the same
HTML, styles and JavaScript as :func:`jupyterquiz.display_quiz`, with three changes:

- nothing is fetched from the network: jupyterquiz's fallback that loads MathJax 3 from a CDN
  (taken when a page's MathJax has not finished starting up) waits for the page's own
  MathJax instead;
- the container's id is derived from the questions, not drawn at random, so that a re-run
  notebook stores the same outputs (strict nbval compares them);
- colours with enough contrast for white text (WCAG AA).

Questions are jupyterquiz's dictionaries; the lessons build them from the helpers' outputs at
run time, so the numbers in a quiz cannot drift from the course's.

Examples
--------
>>> html, script = quiz_outputs([multiple_choice("1 + 1?", {"2": "Yes.", "3": "No: 1 + 1 = 2."}, "2")])
>>> 'id="quiz' in html, "cdn" in script, "show_questions" in script
(True, False, True)
"""

from __future__ import annotations

import hashlib
import json
import re

__all__ = ["multiple_choice", "numeric", "quiz_outputs", "show_quiz"]

# White text needs a dark background: each of these gives a contrast ratio of at least 4.5:1.
COLORS = {
    "--jq-multiple-choice-bg": "#3b4cc0",
    "--jq-mc-button-bg": "#fafafa",
    "--jq-mc-button-border": "#767676",
    "--jq-mc-button-inset-shadow": "#555555",
    "--jq-many-choice-bg": "#a33c08",
    "--jq-numeric-bg": "#392061",
    "--jq-numeric-input-bg": "#fafafa",
    "--jq-numeric-input-label": "#101010",
    "--jq-numeric-input-shadow": "#999999",
    "--jq-incorrect-color": "#b00000",
    "--jq-correct-color": "#006b0e",
    "--jq-text-color": "#fafafa",
}

# jupyterquiz 2.9.6 (js/show_questions.js), twice: when MathJax 3 is present but not started,
# it replaces window.MathJax and appends <script src="https://cdn.jsdelivr.net/...">.
_CDN_FALLBACK = re.compile(
    r"console\.log\('WARNING: Trying to force load MathJax 3'\);.*?document\.head\.appendChild\(script\);\s*\}\)\(\);",
    re.DOTALL,
)
_WAIT_FOR_PAGE_MATHJAX = (
    "// coinem_helpers.quiz: no CDN; typeset once the page's own MathJax has started.\n"
    "if (MathJax.startup && MathJax.startup.promise) {"
    " MathJax.startup.promise.then(function () { MathJax.typeset([container]); }); }"
)


def multiple_choice(question, answers, correct):
    """One multiple-choice question.

    Parameters
    ----------
    question : str
    answers : dict of str to str
        Each answer and the feedback shown when it is picked (say why it is right or wrong).
    correct : str or collection of str
        The right answer(s); each must be a key of ``answers``.

    Returns
    -------
    dict
        The question in jupyterquiz's format.

    Examples
    --------
    >>> multiple_choice("Yes?", {"yes": "Right.", "no": "Wrong."}, "yes")["answers"][0]
    {'answer': 'yes', 'correct': True, 'feedback': 'Right.'}
    """
    right = {correct} if isinstance(correct, str) else set(correct)
    unknown = right - set(answers)
    if unknown:
        raise ValueError(f"correct answer(s) {sorted(unknown)} are not among the answers {list(answers)}.")
    return {
        "question": question,
        "type": "multiple_choice" if len(right) == 1 else "many_choice",
        "answers": [
            {"answer": text, "correct": text in right, "feedback": feedback} for text, feedback in answers.items()
        ],
    }


def numeric(question, value, *, digits, right, wrong):
    """One question answered with a number, checked to ``digits`` significant digits.

    Parameters
    ----------
    question : str
    value : float
        The right answer, computed by the helpers.
    digits : int
        Significant digits a student's answer is rounded to before comparing.
    right, wrong : str
        Feedback for the right answer and for any other number (explain how to get it).

    Examples
    --------
    >>> numeric("1/4?", 0.25, digits=2, right="Yes.", wrong="No.")["answers"][0]["value"]
    0.25
    """
    value = float(value)
    if not 1 <= int(digits) <= 15:
        raise ValueError(f"digits must be between 1 and 15, got {digits!r}.")
    # Stored rounded, as the student is asked to give it.
    rounded = float(f"{value:.{int(digits)}g}")
    return {
        "question": question,
        "type": "numeric",
        "precision": int(digits),
        "answers": [
            {"type": "value", "value": rounded, "correct": True, "feedback": right},
            {"type": "default", "feedback": wrong},
        ],
    }


def quiz_outputs(questions):
    """The HTML (container and styles) and JavaScript of a quiz, as :func:`show_quiz` displays them.

    Raises
    ------
    RuntimeError
        If jupyterquiz's script no longer has the CDN fallback this module removes (a new
        version): check it for network use before changing the pin.
    """
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

    if not isinstance(questions, list) or not questions:
        raise TypeError(f"questions must be a non-empty list of question dicts, got {questions!r}.")
    text = json.dumps(questions, sort_keys=True)
    # jupyterquiz also names a JavaScript variable after the id: letters and digits only.
    div_id = "quiz" + hashlib.sha256(text.encode()).hexdigest()[:12]
    prefix, static, url = load_questions_script(questions, div_id)
    html = render_div(div_id, False, False, False, 1_000_000, 700, 10, "left") + build_styles(div_id, COLORS)
    script = build_script(prefix, static, url, div_id, True)
    script, n_fixed = _CDN_FALLBACK.subn(_WAIT_FOR_PAGE_MATHJAX, script)
    if n_fixed != 2 or "https://" in script.replace("<http", ""):
        raise RuntimeError(
            "jupyterquiz's script changed: its MathJax CDN fallback was not found where version 2.9.6 has it. "
            "Check the new version for network use before changing the pin."
        )
    return html, script


def show_quiz(questions):
    """Display a self-check quiz (in Jupyter, and on the website once executed).

    Parameters
    ----------
    questions : list of dict
        Built with :func:`multiple_choice` and :func:`numeric`.
    """
    from IPython.display import HTML, Javascript, display

    html, script = quiz_outputs(questions)
    display(HTML(html))
    display(Javascript(script))
