"""The self-check quizzes: well-formed, built from the helpers, and nothing fetched from the network."""

import re

import pytest

from coinem_helpers import quiz
from coinem_helpers.quiz import lesson_quiz, multiple_choice, numeric, quiz_outputs

LESSONS = [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_has_three_to_five_questions_with_feedback(lesson):
    questions = lesson_quiz(lesson)
    assert 3 <= len(questions) <= 5
    for q in questions:
        assert q["question"].strip()
        if q["type"] == "numeric":
            right = [a for a in q["answers"] if a.get("correct")]
            assert len(right) == 1 and isinstance(right[0]["value"], float)
        else:
            assert q["type"] == "multiple_choice"
            assert sum(a["correct"] for a in q["answers"]) == 1
        # Every answer explains itself: right ones say why, wrong ones say what is right.
        assert all(len(a["feedback"]) > 15 for a in q["answers"])


@pytest.mark.parametrize("lesson", LESSONS)
def test_quiz_script_loads_nothing_from_the_network(lesson):
    html, script = quiz_outputs(lesson_quiz(lesson))
    # Links a student might click are fine; anything the page would fetch is not.
    assert not re.search(r"""(src|href)\s*=\s*['"]?(https?:)?//""", html + script)
    assert "cdn." not in script and "fetch(" not in script and "@import" not in html
    assert "MathJax.startup.promise" in script  # the CDN fallback was replaced


def test_quiz_output_is_the_same_on_every_run():
    """Strict nbval compares the stored outputs: the container id must not be random."""
    assert quiz_outputs(lesson_quiz(2)) == quiz_outputs(lesson_quiz(2))
    assert quiz_outputs(lesson_quiz(2))[0] != quiz_outputs(lesson_quiz(3))[0]


def test_a_new_jupyterquiz_script_is_refused(monkeypatch):
    import jupyterquiz.dynamic.renderer as renderer

    monkeypatch.setattr(renderer, "build_script", lambda *args: "script.src = 'https://cdn.example/x.js';")
    with pytest.raises(RuntimeError, match="Check the new version for network use"):
        quiz_outputs(lesson_quiz(2))


def test_question_builders_check_their_arguments():
    with pytest.raises(ValueError, match=r"correct answer\(s\) \['c'\]"):
        multiple_choice("?", {"a": "x", "b": "y"}, "c")
    with pytest.raises(ValueError, match="digits must be between 1 and 15"):
        numeric("?", 0.5, digits=0, right="r", wrong="w")
    with pytest.raises(TypeError, match="non-empty list"):
        quiz_outputs([])
    with pytest.raises(ValueError, match="lesson must be one of"):
        lesson_quiz(8)


def test_numbers_are_rounded_as_the_student_is_asked():
    q = numeric("?", 0.123456, digits=2, right="r", wrong="w")
    assert q["answers"][0]["value"] == 0.12 and q["precision"] == 2


def test_the_colours_keep_white_text_readable():
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for key in ("--jq-multiple-choice-bg", "--jq-numeric-bg", "--jq-many-choice-bg", "--jq-numeric-input-bg"):
        ratio = (1.0 + 0.05) / (luminance(quiz.COLORS[key][:7]) + 0.05)
        assert ratio >= 4.5, (key, ratio)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_text_box_is_named_by_its_label(lesson):
    """jupyterquiz's label before a numeric answer box has no ``for``: axe's critical `label` rule."""
    _, script = quiz_outputs(lesson_quiz(lesson))
    assert script.count('inp.id = id + "-0"; lab.htmlFor = inp.id;') == 2


@pytest.mark.parametrize("lesson", LESSONS)
def test_mathjax_is_asked_to_typeset_only_if_it_can(lesson):
    """JupyterLab 4 has a global MathJax (version 3) without ``typeset``: an unguarded call threw
    "MathJax.typeset is not a function" on every answer a student clicked in JupyterLab."""
    _, script = quiz_outputs(lesson_quiz(lesson))
    calls = re.findall(r"(.{0,48})MathJax\.typeset\(", script)
    assert len(calls) == 9
    assert all(before.endswith("if (typeof MathJax.typeset === 'function') ") for before in calls), calls
