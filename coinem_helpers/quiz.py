"""Self-check quizzes that work offline, in Jupyter and on the course website.

The quizzes are jupyterquiz's (pinned to 2.9.6 in pyproject.toml), shown with the same
HTML, styles and JavaScript as :func:`jupyterquiz.display_quiz`, with these changes:

- nothing is fetched from the network: jupyterquiz's fallback that loads MathJax 3 from a CDN
  (taken when a page's MathJax has not finished starting up) waits for the page's own
  MathJax instead, and a MathJax that is still only a configuration (no version yet) no
  longer makes the script throw;
- the container's id is derived from the questions, not drawn at random, so that a re-run
  notebook stores the same outputs (strict nbval compares them);
- colours with enough contrast for white text (WCAG AA);
- the text box of a numeric or string question is named by its "Type ... answer here:" label
  (jupyterquiz creates the label without ``for``, so a screen reader announced an unnamed box);
- MathJax is asked to typeset only if it can: JupyterLab 4 defines a global ``MathJax`` with a
  version 3 but no ``typeset`` (its own MathJax is not global), so every answer clicked in
  JupyterLab threw "MathJax.typeset is not a function" after showing its feedback;
- the answers of a multiple-choice question can be used with the keyboard (WCAG 2.1.1):
  jupyterquiz makes each a ``<label>`` for a hidden radio button, which Tab skips; each is now
  a button in the Tab order that Enter or Space picks, with a visible focus ring;
- the feedback is a polite live region, so a screen reader reads it when it appears.

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

import numpy as np

from .core import e_step, em, expected_counts, hard_e_step, log_likelihood, lower_bound, m_step, mle_known
from .data import count_heads, paper_data, simulate

__all__ = ["lesson_quiz", "multiple_choice", "numeric", "quiz_outputs", "show_quiz"]

# White text needs a dark background: each of these gives a contrast ratio of at least 4.5:1.
COLORS = {
    "--jq-multiple-choice-bg": "#3b4cc0",
    "--jq-mc-button-bg": "#fafafa",
    "--jq-mc-button-border": "#767676",
    "--jq-mc-button-inset-shadow": "#555555",
    "--jq-many-choice-bg": "#a33c08",
    "--jq-numeric-bg": "#392061",
    "--jq-numeric-input-bg": "#4a3a6a",
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


# A focus ring on the answer buttons (jupyterquiz styles none): light on the blue question box.
_FOCUS_STYLE = "<style>#QUIZ .MCButton:focus-visible { outline: 3px solid #fafafa; outline-offset: 2px; }</style>"


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
    html = (render_div(div_id, False, False, False, 1_000_000, 700, 10, "left") + build_styles(div_id, COLORS)
            + _FOCUS_STYLE.replace("QUIZ", div_id))
    script = build_script(prefix, static, url, div_id, True)
    script, n_fixed = _CDN_FALLBACK.subn(_WAIT_FOR_PAGE_MATHJAX, script)
    # Before MathJax has loaded, window.MathJax may be its configuration, without a version:
    # jupyterquiz would read version[0] of undefined and throw.
    script = script.replace("version[0]", '(version || "")[0]')
    # The label jupyterquiz puts before a text box does not point at it (WCAG 1.3.1, 4.1.2).
    script, n_labelled = re.subn(r'(inp\.id = id \+ "-0";)', r"\1 lab.htmlFor = inp.id;", script)
    # JupyterLab's global MathJax has a version but no typeset(): the call after each answer threw.
    script, n_guarded = re.subn(r"MathJax\.typeset\(", "if (typeof MathJax.typeset === 'function') MathJax.typeset(",
                                script)
    # An answer is a <label> for a hidden radio button: not reachable with Tab (WCAG 2.1.1). Make it
    # a button that Enter and Space pick (check_mc reads the global event, which click() sets).
    script, n_keyboard = re.subn(
        r"(lab\.onclick = check_mc;)",
        r"\1 lab.tabIndex = 0; lab.setAttribute('role', 'button');"
        r" lab.onkeydown = function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.click(); } };",
        script)
    # The feedback appears without a page change: a live region has a screen reader read it.
    script, n_live = re.subn(r"(this\.fbDiv\.className = 'Feedback';)", r"\1 this.fbDiv.setAttribute('aria-live', 'polite');",
                             script)
    if (n_fixed != 2 or n_labelled != 2 or n_guarded != 9 or n_keyboard != 1 or n_live != 1
            or "https://" in script.replace("<http", "")):
        raise RuntimeError(
            "jupyterquiz's script changed: its MathJax CDN fallback, its MathJax calls, its answer buttons, its "
            "feedback or its text-box labels are not where version 2.9.6 has them. "
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


# ---------------------------------------------------------------------------
# The lessons' quizzes. Each is built when it is shown, from the helpers' answers, so that the
# numbers in its questions and feedback cannot drift from what the lessons compute; the lesson
# cell is only `show_quiz(lesson_quiz(n))`, so the answers are not in the student's notebook.
# ---------------------------------------------------------------------------


def _lesson_1():
    """The known-coin estimate (Lesson 1)."""
    heads, n_tosses, coins = paper_data()
    known = mle_known(heads, n_tosses, coins)
    a_heads = int(heads[coins == 0].sum())
    a_tosses = int(np.broadcast_to(n_tosses, heads.shape)[coins == 0].sum())
    return [
        numeric(
            f"The paper's coin A made {a_tosses} of the tosses and {a_heads} of them were heads. What is the "
            "maximum-likelihood estimate of θ_A? Give two decimals.",
            known[0], digits=2,
            right="Right: with the coin known, the estimate is its heads divided by its tosses.",
            wrong=f"Not quite: divide coin A's heads by its tosses, {a_heads} / {a_tosses} = {known[0]:.2f}."),
        multiple_choice(
            "Where is the log-likelihood of one coin, h log θ + (n − h) log(1 − θ), highest?",
            {"At θ = h / n": "Right: its derivative h/θ − (n − h)/(1 − θ) is zero there, and it is a maximum.",
             "At θ = 0.5": "No: 0.5 is the top only when exactly half the tosses are heads.",
             "At θ = 1": "No: θ = 1 makes every tail impossible; the log-likelihood is −∞ if there is one tail.",
             "It has no maximum": "No: it rises while θ < h/n and falls after, so h/n is its maximum."},
            "At θ = h / n"),
        multiple_choice(
            "You toss the same coin 100 times instead of 10, with the same fraction of heads. What happens to "
            "the likelihood curve?",
            {"It gets narrower around the same peak": "Right: the peak stays at h/n and the standard error "
                                                      "√(θ(1 − θ)/n) shrinks like 1/√n: more tosses, a firmer estimate.",
             "Its peak moves towards 0.5": "No: the peak is at the fraction of heads, which did not change.",
             "It gets wider": "No: more data make the estimate more certain, so the curve narrows.",
             "Nothing changes": "No: the peak stays, but ten times the tosses make the curve much narrower."},
            "It gets narrower around the same peak"),
    ]


def _lesson_2():
    """The E-step (Lesson 2)."""
    heads, n_tosses, _ = paper_data()
    r_quiz = e_step(heads, n_tosses, [0.6, 0.5])
    r_prior_quiz = e_step(heads, n_tosses, [0.6, 0.5], weights=[0.9, 0.1])
    return [
        multiple_choice(
            "With three coins, what does each row of the responsibilities sum to?",
            {"1": "Right: a row is P(coin | set) over all the coins, a probability distribution.",
             "3": "No: that would be one per coin. A row is a distribution over the coins, so it sums to 1.",
             "The number of tosses in the set": "No: responsibilities are probabilities of coins, not counts.",
             "It depends on the prior": "No: the prior moves the shares between coins, but they still sum to 1."},
            "1"),
        numeric(
            f"With θ = (0.6, 0.5) and equal priors, what is P(coin A | set 2), the set with {heads[1]} heads? "
            "Give two decimals.",
            r_quiz[1, 0], digits=2,
            right=f"Right: {heads[1]} heads in {n_tosses} tosses favour the coin that shows more heads.",
            wrong=f"Not quite: run e_step(heads, n_tosses, [0.6, 0.5])[1, 0]; it is {r_quiz[1, 0]:.2f}."),
        multiple_choice(
            "Coin A's prior goes from 0.5 to 0.9. What happens to P(coin A | set) for set 4 "
            f"({heads[3]} heads)?",
            {"It rises": f"Right: the prior odds are multiplied by 0.9 / 0.1 = 9, so it rises from {r_quiz[3, 0]:.2f} to "
                         f"{r_prior_quiz[3, 0]:.2f}, although the set itself favours coin B.",
             "It falls": "No: a larger prior for A can only raise the posterior of A.",
             "It stays the same, because the data decide": "No: the posterior is prior times likelihood; both count."},
            "It rises"),
        multiple_choice(
            "Why does the E-step work with logarithms?",
            {"Products of many probabilities underflow to 0, and 0 / 0 is NaN":
                 f"Right: 0.5 to the power 2000 is {0.5 ** 2000} in floating point; its logarithm, "
             f"{2000 * np.log(0.5):.0f}, is an ordinary number.",
             "Logarithms are faster to compute": "No: speed is not the point; exp and log even cost a little.",
             "The responsibilities are logarithms": "No: they are probabilities; we exponentiate at the end."},
            "Products of many probabilities underflow to 0, and 0 / 0 is NaN"),
    ]


def _lesson_3():
    """The M-step (Lesson 3)."""
    heads, n_tosses, _ = paper_data()
    r_quiz = e_step(heads, n_tosses, [0.6, 0.5])
    heads_quiz, tails_quiz = expected_counts(r_quiz, heads, n_tosses)
    thetas_quiz, _ = m_step(r_quiz, heads, n_tosses)
    hard_quiz, _ = m_step(hard_e_step(heads, n_tosses, [0.6, 0.5]), heads, n_tosses)
    return [
        numeric(
            "After the first E-step from θ = (0.6, 0.5), how many heads does coin A have in expectation? "
            "Give one decimal.",
            heads_quiz[0], digits=3,
            right="Right: each set's heads, weighted by its responsibility for coin A, added up.",
            wrong=f"Not quite: it is the sum over sets of r_iA times h_i, {heads_quiz[0]:.1f}. "
                  "(expected_counts computes it.)"),
        multiple_choice(
            "The M-step's new θ_A is",
            {"coin A's expected heads divided by its expected tosses":
                 f"Right: {heads_quiz[0]:.1f} / ({heads_quiz[0]:.1f} + {tails_quiz[0]:.1f}) = {thetas_quiz[0]:.2f}.",
             "the average of the responsibilities r_iA":
                 "No: that is the new prior weight of coin A, not its heads probability.",
             "the fraction of heads in the sets coin A is most responsible for":
                 "No: that is hard EM, which throws away how sure we are about each set.",
             "the average of each set's fraction of heads h_i / n_i":
                 "No: that gives a short set as much say as a long one; pool the expected counts instead."},
            "coin A's expected heads divided by its expected tosses"),
        multiple_choice(
            "Giving each set wholly to its most probable coin (hard assignments) instead of using responsibilities",
            {"can lower the likelihood and can stop at a worse answer":
                 "Right: hard EM is not guaranteed to increase the likelihood; soft EM is (Lesson 5).",
             "gives the same estimates, faster":
                 f"No: from (0.6, 0.5), soft gives ({thetas_quiz[0]:.2f}, {thetas_quiz[1]:.2f}), hard "
                 f"({hard_quiz[0]:.2f}, {hard_quiz[1]:.2f}).",
             "is what the M-step does": "No: the M-step uses the fractional assignments."},
            "can lower the likelihood and can stop at a worse answer"),
    ]


def _lesson_4():
    """The EM loop (Lesson 4)."""
    heads, n_tosses, _ = paper_data()
    result_quiz = em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=10)
    return [
        multiple_choice(
            "Can the log-likelihood go down from one EM iteration to the next?",
            {"No, never (up to rounding)":
                 "Right: each iteration raises it or leaves it unchanged; Lesson 5 proves it. A drop means a bug.",
             "Yes, when the start is far from the answer": "No: a far start takes longer, but every step still climbs.",
             "Yes, near convergence": "No: near convergence the gains shrink towards 0, but they are never negative."},
            "No, never (up to rounding)"),
        numeric(
            "From the paper's start (0.6, 0.5), what is θ_A after 10 iterations? Give two decimals.",
            result_quiz.thetas[0], digits=2,
            right="Right: the paper's Figure 1b.",
            wrong=f"Not quite: em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=10).thetas[0] is "
                  f"{result_quiz.thetas[0]:.2f}."),
        multiple_choice(
            "EM stopped with converged = True. What do you know?",
            {"The last iteration raised the log-likelihood by less than tol":
                 "Right: that is all the rule says. The answer may still be a local maximum or a saddle point.",
             "EM found the maximum-likelihood estimate":
                 "No: a symmetric start converges to a saddle point; use several starts (em_restarts).",
             "The estimates are within tol of the true biases": "No: tol is about the log-likelihood, not the thetas."},
            "The last iteration raised the log-likelihood by less than tol"),
    ]


def _lesson_5():
    """The lower bound (Lesson 5)."""
    heads, n_tosses, _ = paper_data()
    q_quiz = e_step(heads, n_tosses, [0.6, 0.5])
    gap_quiz = log_likelihood(heads, n_tosses, [0.8, 0.45]) - lower_bound(q_quiz, heads, n_tosses, [0.8, 0.45])
    return [
        multiple_choice(
            "When does the lower bound L(q, θ) equal the log-likelihood ℓ(θ)?",
            {"When q is the posterior p(z | x, θ) at the same θ":
                 "Right: then every KL divergence in the gap is 0. That is what the E-step achieves.",
             "Never: a lower bound is always strictly below":
                 "No: right after the E-step the bound touches the log-likelihood.",
             "When θ is the maximum-likelihood estimate": "No: the bound can touch at any θ, if q is that θ's posterior."},
            "When q is the posterior p(z | x, θ) at the same θ"),
        numeric(
            "With q the E-step at (0.6, 0.5), what is the gap ℓ(θ) − L(q, θ) at θ = (0.8, 0.45), equal weights? "
            "Give two significant digits.",
            gap_quiz, digits=2,
            right="Right: that is the sum of the KL divergences between q and the posterior at (0.8, 0.45).",
            wrong=f"Not quite: log_likelihood(...) − lower_bound(q, ...) gives {gap_quiz:.3f}; it is also the sum of "
                  "the KL divergences."),
        multiple_choice(
            "Why can the log-likelihood never decrease in EM?",
            {"The M-step raises the bound, and the bound is below ℓ and touched it before the step":
                 "Right: ℓ(new) ≥ L(q, new) ≥ L(q, old) = ℓ(old).",
             "Because the M-step maximises ℓ directly": "No: it maximises the bound, which is easier; ℓ follows.",
             "Because the KL divergence can be negative": "No: a KL divergence is never negative; that is the point."},
            "The M-step raises the bound, and the bound is below ℓ and touched it before the step"),
    ]


def _lesson_6():
    """Beyond two coins (Lesson 6)."""
    heads_quiz = count_heads(simulate(200, 10, thetas=[0.3, 0.7], seed=6)[0])
    fit_quiz = em(heads_quiz, 10, [0.4, 0.6], learn_weights=True)
    swapped_quiz = log_likelihood(heads_quiz, 10, fit_quiz.thetas[::-1], fit_quiz.weights[::-1])
    return [
        numeric(
            "A model of K = 3 coins learns its thetas and its weights. How many free parameters does it have?",
            2 * 3 - 1, digits=1,
            right="Right: 3 thetas, and 3 weights that must sum to 1, so only 2 of them are free.",
            wrong="Not quite: count the thetas (one per coin) and the weights, remembering that the weights sum to 1."),
        multiple_choice(
            "You swap the labels of the two learned coins (θ and w in reverse order). The log-likelihood",
            {"stays exactly the same":
                 f"Right: {fit_quiz.log_likelihood:.3f} before, {swapped_quiz:.3f} after. The model cannot tell which "
                 "coin is called A (label switching).",
             "drops": "No: the mixture is a sum over the coins; reordering the terms changes nothing.",
             "rises": "No: the mixture is a sum over the coins; reordering the terms changes nothing."},
            "stays exactly the same"),
        multiple_choice(
            "More coins always fit the data at hand at least as well. How do you choose K?",
            {"With a criterion that pays for parameters (BIC) or with held-out data":
                 "Right: the training log-likelihood alone would always pick the largest K.",
             "With the largest log-likelihood": "No: a model with more coins contains the smaller one, so it never fits "
                                                "worse on the same data.",
             "With the smallest number of EM iterations": "No: speed says nothing about how well a model generalises."},
            "With a criterion that pays for parameters (BIC) or with held-out data"),
    ]


def _lesson_7():
    """The Poisson capstone (Lesson 7)."""
    from .feedback import poisson_e_step  # the capstone's reference

    true_rates, true_weights = np.array([1.2, 4.0]), np.array([0.6, 0.4])
    r_quiz = poisson_e_step([2], true_rates, true_weights)
    return [
        numeric(
            "With the true rates (1.2, 4.0) and weights (0.6, 0.4), what is the probability that a match with 2 goals "
            "came from source 1? Give two decimals.",
            r_quiz[0, 0], digits=2,
            right="Right: Bayes' rule, w_1 P(2 | 1.2) divided by the sum over both sources.",
            wrong=f"Not quite: compute w_j λ_j² e^(−λ_j) / 2! for both sources and normalise; it is {r_quiz[0, 0]:.2f}."),
        multiple_choice(
            "Do the responsibilities change if you leave out log k! from the log-probabilities?",
            {"No: it is the same for every source, so it cancels":
                 "Right: but the log-likelihood does change, by the constant sum of log k_i!.",
             "Yes: every term of the Poisson probability matters": "No: a factor common to all sources cancels in Bayes' rule.",
             "Only for large counts": "No: it cancels for every count."},
            "No: it is the same for every source, so it cancels"),
        multiple_choice(
            "The M-step's new rate of source 1 is",
            {"the counts' mean, weighting each count by its responsibility for source 1":
                 "Right: Σ r_i1 k_i / Σ r_i1, the known-source mean with fractional membership.",
             "the mean of all the counts": "No: that ignores which source each count probably came from.",
             "Σ r_i1 k_i divided by the number of counts N":
                 "No: divide by source 1's own total responsibility Σ r_i1, its expected number of counts."},
            "the counts' mean, weighting each count by its responsibility for source 1"),
    ]


_QUIZZES = {1: _lesson_1, 2: _lesson_2, 3: _lesson_3, 4: _lesson_4, 5: _lesson_5, 6: _lesson_6, 7: _lesson_7}


def lesson_quiz(lesson):
    """The self-check questions of a lesson, built from the helpers' answers.

    Parameters
    ----------
    lesson : int
        The lesson's number (1 to 7).

    Returns
    -------
    list of dict
        Questions for :func:`show_quiz`.

    Examples
    --------
    >>> [q["type"] for q in lesson_quiz(2)]
    ['multiple_choice', 'numeric', 'multiple_choice', 'multiple_choice']
    """
    if lesson not in _QUIZZES:
        raise ValueError(f"lesson must be one of {sorted(_QUIZZES)}, got {lesson!r}.")
    return _QUIZZES[lesson]()
