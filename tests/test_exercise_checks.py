"""The implement-it exercises' automatic checks: right answers pass, each usual mistake is named.

Every check file in ``coinem_helpers/checks/`` is loaded by otter-grader itself and run against the
reference solution (it must pass every test case) and against planted wrong implementations,
each with one classic mistake: the failure message must name that mistake.
"""

from pathlib import Path

import numpy as np
import pytest
from otter.test_files import ExceptionTestFile
from scipy.special import factorial, gammaln, logsumexp
from scipy.stats import poisson

from coinem_helpers import e_step, hard_e_step, log_likelihood, m_step

CHECKS = Path(__file__).resolve().parent.parent / "coinem_helpers" / "checks"


def run_check(question, func):
    """Run ``coinem_helpers/checks/<question>.py`` with otter on ``{question: func}``; return the results."""
    test_file = ExceptionTestFile.from_file(str(CHECKS / f"{question}.py"))
    test_file.run({question: func})
    return test_file


# ---------------------------------------------------------------------------
# Reference solutions (the ones the lessons' solution blocks show)
# ---------------------------------------------------------------------------


def ref_e_step(heads, n_tosses, thetas, weights):
    heads, n_tosses = np.asarray(heads)[:, None], np.asarray(n_tosses)[:, None]
    log_joint = np.log(weights) + heads * np.log(thetas) + (n_tosses - heads) * np.log1p(-np.asarray(thetas))
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def ref_m_step(resp, heads, n_tosses):
    exp_heads = resp.T @ heads
    exp_tosses = resp.T @ (np.ones_like(heads) * n_tosses)
    return exp_heads / exp_tosses, resp.mean(axis=0)


def ref_log_likelihood(heads, n_tosses, thetas, weights):
    heads, n_tosses = np.asarray(heads)[:, None], np.asarray(n_tosses)[:, None]
    log_joint = np.log(weights) + heads * np.log(thetas) + (n_tosses - heads) * np.log1p(-np.asarray(thetas))
    return float(logsumexp(log_joint, axis=1).sum())


def make_em(e=ref_e_step, m=ref_m_step, ll=ref_log_likelihood, extra=0, early=False, ignore_tol=False,
            ignore_max_iter=False, no_start=False, fixed_weights=False):
    """An EM loop built from parts, with optional planted loop mistakes."""

    def my_em(heads, n_tosses, thetas, tol, max_iter):
        n_tosses = np.ones_like(heads) * n_tosses
        thetas = np.asarray(thetas, float)
        weights = np.full(thetas.size, 1 / thetas.size)
        history = [ll(heads, n_tosses, thetas, weights)]
        extra_left = extra
        limit = 10 * max_iter if ignore_max_iter else max_iter
        for _ in range(limit):
            resp = e(heads, n_tosses, thetas, weights)
            thetas, new_weights = m(resp, heads, n_tosses)
            if not fixed_weights:
                weights = new_weights
            history.append(ll(heads, n_tosses, thetas, weights))
            gain = history[-1] - history[-2]
            if early and len(history) > 2 and history[-2] - history[-3] < 10 * tol and gain < tol:
                history.pop()
                break
            if gain < tol and not ignore_tol:
                if extra_left:
                    extra_left -= 1
                    continue
                break
        return thetas, weights, np.array(history[1:] if no_start else history)

    return my_em


def ref_lower_bound(resp, heads, n_tosses, thetas, weights):
    from scipy.special import xlogy

    heads, n_tosses = np.asarray(heads)[:, None], np.asarray(n_tosses)[:, None]
    log_joint = np.log(weights) + heads * np.log(thetas) + (n_tosses - heads) * np.log1p(-np.asarray(thetas))
    return float(np.sum(resp * log_joint) - np.sum(xlogy(resp, resp)))


def ref_poisson_e_step(counts, rates, weights):
    log_joint = poisson.logpmf(np.asarray(counts)[:, None], rates) + np.log(weights)
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def ref_poisson_m_step(resp, counts):
    return resp.T @ counts / resp.sum(axis=0), resp.mean(axis=0)


def ref_poisson_ll(counts, rates, weights):
    return float(logsumexp(poisson.logpmf(np.asarray(counts)[:, None], rates) + np.log(weights), axis=1).sum())


def make_poisson_em(e=ref_poisson_e_step, m=ref_poisson_m_step, ll=ref_poisson_ll, extra=0, ignore_tol=False):
    def poisson_em(counts, rates, tol, max_iter):
        rates = np.asarray(rates, float)
        weights = np.full(rates.size, 1 / rates.size)
        history = [ll(counts, rates, weights)]
        extra_left = extra
        for _ in range(max_iter):
            rates, weights = m(e(counts, rates, weights), counts)
            history.append(ll(counts, rates, weights))
            if history[-1] - history[-2] < tol and not ignore_tol:
                if extra_left:
                    extra_left -= 1
                    continue
                break
        return rates, weights, np.array(history)

    return poisson_em


REFERENCES = {
    "my_e_step": ref_e_step,
    "my_m_step": ref_m_step,
    "my_em": make_em(),
    "my_lower_bound": ref_lower_bound,
    "poisson_e_step": ref_poisson_e_step,
    "poisson_m_step": ref_poisson_m_step,
    "poisson_em": make_poisson_em(),
}


# ---------------------------------------------------------------------------
# Planted mistakes: (question, wrong implementation, words the message must contain)
# ---------------------------------------------------------------------------


def _raw_e_step(heads, n_tosses, thetas, weights):
    heads, n_tosses = np.asarray(heads)[:, None], np.asarray(n_tosses)[:, None]
    joint = weights * np.asarray(thetas) ** heads * (1 - np.asarray(thetas)) ** (n_tosses - heads)
    return joint / joint.sum(axis=1, keepdims=True)


def _unnormalised_e_step(heads, n_tosses, thetas, weights):
    heads, n_tosses = np.asarray(heads)[:, None], np.asarray(n_tosses)[:, None]
    log_joint = np.log(weights) + heads * np.log(thetas) + (n_tosses - heads) * np.log1p(-np.asarray(thetas))
    return np.exp(log_joint - logsumexp(log_joint))  # normalised over everything, not per row


def _hard(resp):
    hard = np.zeros_like(resp)
    hard[np.arange(len(resp)), resp.argmax(axis=1)] = 1.0
    return hard


def _swapped_m_step(resp, heads, n_tosses):
    thetas, weights = ref_m_step(resp, heads, n_tosses)
    return 1 - thetas, weights


def _binomial_ll(heads, n_tosses, thetas, weights):
    log_binom = gammaln(n_tosses + 1) - gammaln(heads + 1) - gammaln(n_tosses - heads + 1)
    return ref_log_likelihood(heads, n_tosses, thetas, weights) + float(np.sum(log_binom))


def _no_entropy_bound(resp, heads, n_tosses, thetas, weights):
    from scipy.special import xlogy

    return ref_lower_bound(resp, heads, n_tosses, thetas, weights) + float(np.sum(xlogy(resp, resp)))


def _naive_bound(resp, heads, n_tosses, thetas, weights):
    heads, n_tosses = np.asarray(heads)[:, None], np.asarray(n_tosses)[:, None]
    log_joint = np.log(weights) + heads * np.log(thetas) + (n_tosses - heads) * np.log1p(-np.asarray(thetas))
    return float(np.sum(resp * (log_joint - np.log(resp))))  # 0 * log 0 = 0 * -inf = NaN


def _poisson_raw_e_step(counts, rates, weights):
    counts, rates = np.asarray(counts)[:, None], np.asarray(rates, float)
    joint = weights * rates**counts * np.exp(-rates) / factorial(counts)  # inf / inf for large counts
    return joint / joint.sum(axis=1, keepdims=True)


PLANTED = [
    # Lesson 2: the E-step
    ("my_e_step", lambda h, n, t, w: ref_e_step(h, n, t, w).T, "wrong shape"),
    ("my_e_step", _unnormalised_e_step, "rows not summing to 1"),
    ("my_e_step", lambda h, n, t, w: ref_e_step(h, n, t, np.full(len(t), 1 / len(t))), "the prior ignored"),
    ("my_e_step", lambda h, n, t, w: ref_e_step(np.asarray(n) - h, n, t, w), "heads and tails swapped"),
    ("my_e_step", _raw_e_step, "raw probability products"),
    ("my_e_step", lambda h, n, t, w: _hard(ref_e_step(h, n, t, w)), "hard instead of soft"),
    ("my_e_step", lambda h, n, t, w: np.log(ref_e_step(h, n, t, w)), "logarithms of the responsibilities"),
    ("my_e_step", lambda h, n, t, w: ..., "not implemented yet"),
    # Lesson 3: the M-step
    ("my_m_step", _swapped_m_step, "heads and tails swapped"),
    ("my_m_step", lambda r, h, n: ref_m_step(_hard(r), h, n), "hard instead of soft"),
    ("my_m_step", lambda r, h, n: (ref_m_step(r, h, n)[0], r.sum(axis=0)), "weights not summing to 1"),
    ("my_m_step", lambda r, h, n: (ref_m_step(r, h, n)[0], np.full(r.shape[1], 1 / r.shape[1])),
     "not re-estimated"),
    ("my_m_step", lambda r, h, n: ((r * (h / n)[:, None]).sum(0) / r.sum(0), r.mean(0)), "averaged each set's"),
    ("my_m_step", lambda r, h, n: ref_m_step(r, h, n)[::-1], "return them in the order"),
    ("my_m_step", lambda r, h, n: (r.T @ h / (r.T @ n), r.mean(axis=1)), "wrong shape"),
    ("my_m_step", lambda r, h, n: (np.full(r.shape[1], h.sum() / n.sum()), r.mean(0)), "responsibilities are ignored"),
    # Lesson 4: the loop
    ("my_em", make_em(m=_swapped_m_step), "likelihood is decreasing"),
    ("my_em", make_em(extra=1), "one iteration too many"),
    ("my_em", make_em(early=True), "one iteration too few"),
    ("my_em", make_em(no_start=True), "lacks its starting point"),
    ("my_em", make_em(ignore_tol=True), "stopping rule ignored"),
    ("my_em", make_em(ignore_tol=True, ignore_max_iter=True), "more than max_iter"),
    ("my_em", make_em(e=lambda h, n, t, w: _hard(ref_e_step(h, n, t, w))), "hard instead of soft"),
    ("my_em", make_em(fixed_weights=True), "weights are not re-estimated"),
    ("my_em", make_em(ll=_binomial_ll), "binomial coefficients"),
    # Lesson 5: the lower bound
    ("my_lower_bound", _no_entropy_bound, "entropy term is missing"),
    ("my_lower_bound", lambda r, h, n, t, w: 2 * _no_entropy_bound(r, h, n, t, w) - ref_lower_bound(r, h, n, t, w),
     "wrong sign"),
    ("my_lower_bound", lambda r, h, n, t, w: ref_lower_bound(r, h, n, t, w) - float(np.sum(r * np.log(w))),
     "the prior ignored"),
    ("my_lower_bound", lambda r, h, n, t, w: ref_lower_bound(r, np.asarray(n) - h, n, t, w), "heads and tails swapped"),
    ("my_lower_bound", _naive_bound, "0 * log 0"),
    ("my_lower_bound", lambda r, h, n, t, w: ref_lower_bound(r, h, n, t, w) * np.ones(len(h)) / len(h),
     "one number per set"),
    ("my_lower_bound", lambda r, h, n, t, w: ref_lower_bound(r, h, n, t, w) + 1.0, "KL sum"),
    # Lesson 7: the Poisson mixture
    ("poisson_e_step", lambda k, lam, w: ref_poisson_e_step(k, lam, [0.5, 0.5]), "the prior ignored"),
    ("poisson_e_step", lambda k, lam, w: ref_poisson_e_step(k, lam, w).T, "wrong shape"),
    ("poisson_e_step", _poisson_raw_e_step, "raw probability products"),
    ("poisson_e_step", lambda k, lam, w: _hard(ref_poisson_e_step(k, lam, w)), "hard instead of soft"),
    ("poisson_e_step", lambda k, lam, w: ref_poisson_e_step(k, lam, w) * 2, "rows not summing to 1"),
    ("poisson_m_step", lambda r, k: (np.full(r.shape[1], np.mean(k)), r.mean(0)), "responsibilities are ignored"),
    ("poisson_m_step", lambda r, k: ref_poisson_m_step(_hard(r), k), "hard instead of soft"),
    ("poisson_m_step", lambda r, k: (r.T @ k / len(k), r.mean(0)), "divided by the number of counts"),
    ("poisson_m_step", lambda r, k: (ref_poisson_m_step(r, k)[0], r.sum(0)), "weights not summing to 1"),
    ("poisson_m_step", lambda r, k: ref_poisson_m_step(r, k)[::-1], "order `rates, weights`"),
    ("poisson_em", make_poisson_em(extra=1), "one iteration too many"),
    ("poisson_em", make_poisson_em(ignore_tol=True), "stopping rule ignored"),
    ("poisson_em", make_poisson_em(ll=lambda k, lam, w: ref_poisson_ll(k, lam, w) + float(np.sum(gammaln(
        np.asarray(k) + 1)))), "log k!"),
    ("poisson_em", make_poisson_em(e=lambda k, lam, w: _hard(ref_poisson_e_step(k, lam, w))), "hard instead of soft"),
    ("poisson_em", make_poisson_em(m=lambda r, k: (ref_poisson_m_step(r, k)[0], np.full(r.shape[1], 0.5))),
     "weights are not re-estimated"),
]


@pytest.mark.parametrize("question", sorted(REFERENCES))
def test_reference_solution_passes_every_check(question):
    result = run_check(question, REFERENCES[question])
    failures = [r.message for r in result.test_case_results if not r.passed]
    assert result.passed_all, "\n".join(failures)
    assert result.grade == 1.0


@pytest.mark.parametrize(
    ("question", "wrong", "named"), PLANTED, ids=[f"{q}-{named[:28]}" for q, _, named in PLANTED]
)
def test_planted_mistake_fails_and_is_named(question, wrong, named):
    result = run_check(question, wrong)
    assert not result.passed_all
    messages = "\n".join(r.message for r in result.test_case_results if not r.passed)
    assert named in messages, messages


def test_every_exercise_has_at_least_five_planted_mistakes():
    for question in REFERENCES:
        assert sum(q == question for q, _, _ in PLANTED) >= 5, question


def test_a_missing_function_is_reported_as_not_defined():
    result = run_check("my_e_step", None)
    assert "is not defined" in result.test_case_results[0].message


def test_the_checks_use_the_helpers_answers():
    """The references above agree with the helpers on the data the checks use (no drift between them)."""
    heads, n_tosses = np.array([5, 9, 8, 4, 7]), np.full(5, 10)
    np.testing.assert_allclose(ref_e_step(heads, n_tosses, [0.6, 0.5], [0.5, 0.5]), e_step(heads, n_tosses, [0.6, 0.5]))
    resp = e_step(heads, n_tosses, [0.6, 0.5])
    np.testing.assert_allclose(ref_m_step(resp, heads, n_tosses)[0], m_step(resp, heads, n_tosses)[0])
    assert np.isclose(ref_log_likelihood(heads, n_tosses, [0.6, 0.5], [0.5, 0.5]),
                      log_likelihood(heads, n_tosses, [0.6, 0.5]))
    assert hard_e_step(heads, n_tosses, [0.6, 0.5]).sum() == 5


# ---------------------------------------------------------------------------
# The lessons' own cells: what students start from, and the solutions the website shows
# ---------------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSON_SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))


def _exercise_cells(source, tag):
    import jupytext

    return [c.source for c in jupytext.read(source).cells if c.cell_type == "code" and tag in c.metadata.get("tags", [])]


def _lesson_namespace():
    """What a lesson has defined by its Exercises section that the solutions use."""
    import coinem_helpers
    from scipy.special import rel_entr

    namespace = {name: getattr(coinem_helpers, name) for name in coinem_helpers.__all__}
    heads, n_tosses, _ = coinem_helpers.paper_data()
    namespace.update(np=np, rel_entr=rel_entr, heads=heads, n_tosses=n_tosses)
    return namespace


def _questions(source):
    import re

    return [q for cell in _exercise_cells(source, "check") for q in re.findall(r'grader\.check\("(\w+)"\)', cell)]


WITH_EXERCISES = [s for s in LESSON_SOURCES if _questions(s)]


def test_lessons_2_to_5_and_the_capstone_have_implement_it_exercises():
    assert [s.stem[:2] for s in WITH_EXERCISES] == ["02", "03", "04", "05", "07"]


@pytest.mark.parametrize("source", WITH_EXERCISES, ids=[s.stem for s in WITH_EXERCISES])
def test_untouched_skeletons_are_reported_as_not_implemented(source):
    """What the student lesson notebook shows before any work: a clear "not implemented yet"."""
    namespace = _lesson_namespace()
    skeletons = _exercise_cells(source, "skeleton")
    questions = _questions(source)
    assert len(skeletons) == len(questions)
    for skeleton, question in zip(skeletons, questions):
        exec(compile(skeleton, f"{source.name}:skeleton", "exec"), namespace)
        result = run_check(question, namespace[question])
        assert not result.passed_all
        assert all("is not implemented yet" in r.message for r in result.test_case_results), question


@pytest.mark.parametrize("source", WITH_EXERCISES, ids=[s.stem for s in WITH_EXERCISES])
def test_the_lessons_solutions_pass_their_checks(source):
    namespace = _lesson_namespace()
    questions = _questions(source)
    for cell in _exercise_cells(source, "solution"):
        # The reference implementations of the checked functions, not other exercises' solutions
        # (which use the lesson's own variables).
        if any(f"def {question}(" in cell for question in questions):
            exec(compile(cell, f"{source.name}:solution", "exec"), namespace)
    for question in questions:
        result = run_check(question, namespace[question])
        assert result.passed_all, "\n".join(r.message for r in result.test_case_results)


# ---------------------------------------------------------------------------
# The checks and quizzes run wherever a lesson runs (the course folder, Colab, a download)
# ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _requirements(extra: str) -> dict[str, str]:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    return {req.split(">")[0].split("=")[0].split("<")[0]: req for req in extras[extra]}


def test_the_check_cells_find_their_checks_in_the_helper_package():
    """A check cell names the package's folder, not a folder next to the notebook: on Colab, or in a
    lesson downloaded from the website on its own, there is no such folder."""
    from coinem_helpers.checks import CHECKS_DIR

    cells = [c for s in LESSON_SOURCES for c in _exercise_cells(s, "check")]
    assert len(cells) >= 7
    for cell in cells:
        assert "otter.Notebook(tests_dir=CHECKS_DIR)" in cell and "from coinem_helpers.checks import CHECKS_DIR" in cell
    asked = {q for s in LESSON_SOURCES for q in _questions(s)}
    assert asked == {p.stem for p in Path(CHECKS_DIR).glob("*.py")} - {"__init__"}


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=[s.stem for s in LESSON_SOURCES])
def test_on_colab_a_lesson_installs_what_its_checks_and_quizzes_import(source):
    """The lesson's first cell installs ``coinem_helpers[exercises]`` on Colab, and that extra holds
    otter-grader and jupyterquiz with the same pins as the extras of `make lab`, `make book` and
    `make test` (a student on Colab meets the versions the course was tested with)."""
    text = source.read_text(encoding="utf-8")
    import re

    if re.search(r"tags: \[(check|quiz)\b", text):
        assert '%pip install --quiet "coinem_helpers[exercises] @ git+' in text
    exercises = _requirements("exercises")
    assert set(exercises) == {"otter-grader", "jupyterquiz"}
    for extra in ("course", "book", "test"):
        pinned = _requirements(extra)
        assert {name: pinned.get(name) for name in exercises} == exercises, extra


def test_the_conda_environment_installs_the_extras_that_hold_the_pins():
    """environment.yml installs the package with the extras of `make lab`, `make book` and `make
    test`, so that conda users get the same pinned versions (no second list to drift)."""
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e .[course,exercises,scale,book,test]"]
