"""The self-check quizzes on the built website, in Chromium with every non-local request blocked.

A reader answers one question right and one wrong and gets the feedback each deserves.
"""

import re

import pytest
from playwright.sync_api import expect

from coinem_helpers.quiz import lesson_quiz
from sitekit import DOCNAMES, answer_first_question_right, answer_numeric_question_wrong

QUIZ_PAGES = {int(name[10:12]): name for name in DOCNAMES
              if re.match(r"notebooks/\d\d_", name) and int(name[10:12]) >= 2}


def _quiz(page):
    quiz = page.locator("div[id^='quiz']").first
    expect(quiz.locator(".Quiz").first).to_be_visible()
    return quiz.locator(".Quiz")  # one per question: its text, answers and feedback


@pytest.mark.parametrize("lesson", sorted(QUIZ_PAGES))
def test_quiz_is_shown_with_all_its_questions(visit, lesson):
    page_visit = visit(QUIZ_PAGES[lesson])
    assert _quiz(page_visit.page).count() == len(lesson_quiz(lesson))
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_right_and_wrong_answers_get_their_feedback(visit):
    questions = lesson_quiz(2)
    page_visit = visit(QUIZ_PAGES[2])
    shown = _quiz(page_visit.page)

    # A multiple-choice question answered right, a numeric one wrong (the feedback gives the
    # helpers' number).
    answer_first_question_right(shown, questions)
    box, feedback, value = answer_numeric_question_wrong(shown, questions)

    # And then right.
    box.click()
    box.type(f"{value:.2f}")
    box.press("Enter")
    expect(feedback).to_have_class(re.compile(r"(^|\s)correct\b"))
    assert not page_visit.problems, "\n".join(page_visit.problems)


def test_a_keyboard_reader_answers_a_multiple_choice_question(visit):
    """Every answer is a Tab stop with a visible focus ring; Enter picks one, Space another, and the
    feedback is a live region that a screen reader reads out (WCAG 2.1.1, 2.4.7, 4.1.3)."""
    questions = lesson_quiz(2)
    page = visit(QUIZ_PAGES[2]).page
    mc = _quiz(page).nth(0)
    answers = mc.locator("label.MCButton")
    assert answers.count() == len(questions[0]["answers"])
    assert answers.evaluate_all("bs => bs.every(b => b.tabIndex === 0 && b.getAttribute('role') === 'button')")
    feedback = mc.locator(".Feedback")
    assert feedback.get_attribute("aria-live") == "polite"

    # From the element just before the quiz, Tab reaches the first answer, then the next.
    page.evaluate("el => { const b = document.createElement('button'); b.id = 'before-quiz'; el.before(b); b.focus(); }",
                  mc.element_handle())
    page.keyboard.press("Tab")
    assert answers.nth(0).evaluate("b => b === document.activeElement"), "Tab does not reach the first answer"
    ring = answers.nth(0).evaluate("b => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth]; }")
    assert ring[0] != "none" and ring[1] != "0px", f"no focus ring: {ring}"
    wrong = next(i for i, a in enumerate(questions[0]["answers"]) if not a["correct"])
    right = next(i for i, a in enumerate(questions[0]["answers"]) if a["correct"])
    for _ in range(wrong):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(feedback).to_have_class(re.compile(r"\bincorrect\b"))
    answers.nth(right).focus()
    page.keyboard.press(" ")
    expect(feedback).to_have_class(re.compile(r"(^|\s)correct\b"))
    expect(feedback).to_contain_text(questions[0]["answers"][right]["feedback"][:40])
