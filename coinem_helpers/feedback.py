r"""Automatic feedback on the course's implement-it exercises.

Each ``check_*`` function calls a student's implementation on small data sets, compares it
with what the course's own helpers compute (never with numbers typed by hand) and, when the
two differ, raises :class:`Mistake` with a message that names the likely mistake: the
answers of the usual wrong implementations (heads and tails swapped, the prior ignored, hard
assignments, ...) are computed too, and the first one the student's answer matches is named.
When everything agrees, the function returns a short success message.

The otter-grader check files in ``coinem_helpers/checks/`` are thin wrappers around these
functions, so that the same feedback appears in the notebook (``grader.check``), in the
instructor's grading run (``otter run``) and in the tests.

Examples
--------
>>> from coinem_helpers import e_step
>>> def my_e_step(heads, n_tosses, thetas, weights):
...     return e_step(heads, n_tosses, thetas, weights)
>>> print(check_e_step(my_e_step))
my_e_step agrees with the course's e_step, including on sets of 2,000 tosses.
>>> def not_yet(heads, n_tosses, thetas, weights):
...     return ...
>>> check_e_step(not_yet)
Traceback (most recent call last):
...
coinem_helpers.feedback.Mistake: my_e_step is not implemented yet: ...
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import gammaln, logsumexp
from scipy.stats import poisson

from .core import e_step, em, hard_e_step, log_likelihood, lower_bound, m_step
from .data import paper_data

__all__ = [
    "Mistake",
    "check_e_step",
    "check_em",
    "check_lower_bound",
    "check_m_step",
    "check_poisson_e_step",
    "check_poisson_em",
    "check_poisson_m_step",
    "poisson_e_step",
    "poisson_em",
    "poisson_log_likelihood",
    "poisson_m_step",
]


class Mistake(AssertionError):
    """A student's implementation disagrees with the course's; the message says how."""


# ---------------------------------------------------------------------------
# Shared machinery
# ---------------------------------------------------------------------------


def _call(func, name, *args):
    """Call the student's function quietly; turn "not there yet" and crashes into a Mistake."""
    if func is None or func is Ellipsis:
        raise Mistake(f"{name} is not defined: run the cell that defines it, then this check again.")
    if not callable(func):
        raise Mistake(f"{name} should be a function, but it is a {type(func).__name__}.")
    # Overflow, 0/0 and log(0) warnings would interrupt the call (the tests turn warnings into
    # errors); the NaN or inf they leave behind is diagnosed from the result instead.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            out = func(*args)
        except Exception as exc:  # the student's code may raise anything; report it by name
            if type(exc).__name__ == "TypeError" and "Ellipsis" in str(exc):
                out = ...
            else:
                raise Mistake(f"{name} raised {type(exc).__name__}: {exc}") from None
    if out is None:
        raise Mistake(f"{name} returned None: did you forget the `return` line?")
    parts = out if isinstance(out, tuple) else (out,)
    if any(part is Ellipsis for part in parts):
        raise Mistake(
            f"{name} is not implemented yet: replace each `...` in its body with your code, run that "
            "cell, then run this check again."
        )
    return out


def _array(value, name, what):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Mistake(f"{name} should return {what} as an array of numbers, got {value!r}.") from None


def _close(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _name_variant(got, variants):
    """The message of the first known wrong answer that ``got`` matches, else None."""
    for message, value in variants:
        if value is not None and _close(got, value):
            return message
    return None


def _fmt(x):
    return np.array2string(np.asarray(x, float), precision=4, separator=", ", suppress_small=True)


def _quietly(func, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def _check_resp(resp, expected, name, variants):
    """Diagnose a matrix of responsibilities against the expected one."""
    n_sets, n_coins = expected.shape
    resp = _array(resp, name, "the responsibilities")
    if resp.shape == (n_coins, n_sets) and n_coins != n_sets:
        raise Mistake(
            f"wrong shape: {name} returned shape {resp.shape}, but it should be {expected.shape}, one row per "
            "set and one column per component. Your rows and columns are swapped (transpose the result)."
        )
    if resp.shape != expected.shape:
        raise Mistake(
            f"wrong shape: {name} returned shape {resp.shape}, but it should be {expected.shape}, one row per "
            f"set ({n_sets}) and one column per component ({n_coins})."
        )
    if not np.isfinite(resp).all():
        raise Mistake(f"{name} returned NaN or inf on a small data set: {_fmt(resp)}.")
    if np.allclose(np.exp(resp).sum(axis=1), 1.0) and not np.allclose(resp.sum(axis=1), 1.0):
        raise Mistake(
            f"{name} returned the logarithms of the responsibilities: their exponentials sum to 1 in every "
            "row. Return np.exp(...) of them."
        )
    sums = resp.sum(axis=1)
    if not np.allclose(sums, 1.0):
        hint = (
            "You forgot to normalise: divide each row by its sum (in log space, subtract the row's logsumexp)."
            if np.all(sums > 0) and _close(resp / sums[:, None], expected)
            else "Each row is a probability distribution over the components."
        )
        raise Mistake(f"rows not summing to 1: the rows of {name}'s result sum to {_fmt(sums)}. {hint}")
    if not _close(resp, expected):
        known = _name_variant(resp, variants)
        if known:
            raise Mistake(known)
        row = int(np.argmax(np.abs(resp - expected).max(axis=1)))
        raise Mistake(
            f"{name}'s responsibilities differ from the course's: for set {row} you give {_fmt(resp[row])}, "
            f"the course's answer is {_fmt(expected[row])}."
        )


def _check_history(history, expected, name, max_iter, variants, offset_hint):
    """Diagnose a log-likelihood history (start included) against the expected one."""
    history = _array(history, name, "the log-likelihood history").ravel()
    if not np.isfinite(history).all():
        raise Mistake(
            f"{name}'s log-likelihood history contains NaN or inf: {_fmt(history)}. Compute it in log space."
        )
    drops = np.flatnonzero(np.diff(history) < -1e-8 * np.maximum(1.0, np.abs(history[1:])))
    if drops.size:
        t = int(drops[0]) + 1
        raise Mistake(
            f"the likelihood is decreasing: your log-likelihood went down at iteration {t}, from "
            f"{history[t - 1]:.4f} to {history[t]:.4f}. EM never lowers it, so your E-step or M-step is wrong "
            "(heads and tails swapped? hard assignments? an old parameter used by mistake?)."
        )
    n = expected.size
    if history.size == n + 1 and _close(history[:-1], expected):
        raise Mistake(
            f"one iteration too many: {name} ran {history.size - 1} iterations, the course's EM stops after "
            f"{n - 1}. Stop as soon as an iteration raises the log-likelihood by less than tol."
        )
    if history.size == n - 1 and _close(history, expected[1:]):
        raise Mistake(
            f"the history lacks its starting point: entry 0 must be the log-likelihood at the starting "
            f"values ({expected[0]:.4f}), before any iteration."
        )
    if history.size == n - 1 and _close(history, expected[:-1]):
        raise Mistake(
            f"one iteration too few: {name} ran {history.size - 1} iterations, the course's EM runs {n - 1}. "
            "Run the iteration, then compare its gain with tol (and count iterations up to max_iter)."
        )
    if history.size > max_iter + 1:
        raise Mistake(
            f"{name} ran {history.size - 1} iterations, more than max_iter = {max_iter}: stop at max_iter "
            "even when the rule has not fired."
        )
    if history.size == max_iter + 1 and n < max_iter + 1:
        raise Mistake(
            f"stopping rule ignored: {name} always ran max_iter = {max_iter} iterations, but the log-likelihood "
            f"stopped rising by tol or more after {n - 1}. Stop when an iteration gains less than tol."
        )
    if history.size == n:
        offset = history - expected
        if not _close(history, expected) and np.allclose(offset, offset[0], atol=1e-6) and abs(offset[0]) > 1e-6:
            raise Mistake(
                f"your log-likelihoods differ from the course's by the same constant ({offset[0]:.4f}) at every "
                f"iteration: {offset_hint}"
            )
    known = _name_variant(history, variants)
    if known:
        raise Mistake(known)
    if history.size != n:
        raise Mistake(
            f"{name} ran {history.size - 1} iterations; from this start the course's EM runs {n - 1} "
            f"(log-likelihoods: yours end at {history[-1]:.4f}, the course's at {expected[-1]:.4f})."
        )
    if not _close(history, expected):
        t = int(np.argmax(np.abs(history - expected)))
        raise Mistake(
            f"{name}'s log-likelihood history differs from the course's: at iteration {t} yours is "
            f"{history[t]:.4f}, the course's {expected[t]:.4f}."
        )


def _unpack(out, name, n_parts, what):
    if not isinstance(out, (tuple, list)) or len(out) != n_parts:
        raise Mistake(f"{name} should return {n_parts} things, `return {what}`; it returned {out!r}.")
    return out


def _one_hot(resp):
    hard = np.zeros_like(resp)
    hard[np.arange(resp.shape[0]), resp.argmax(axis=1)] = 1.0
    return hard


# ---------------------------------------------------------------------------
# Lesson 2: the E-step
# ---------------------------------------------------------------------------

# Data for the checks: three coins with an unequal prior, so that a forgotten prior shows.
_THETAS_3 = np.array([0.6, 0.5, 0.3])
_WEIGHTS_3 = np.array([0.5, 0.3, 0.2])
# Long sets: theta ** 1000 underflows to 0, so raw products give 0 / 0.
_LONG_HEADS = np.array([1000, 1300, 950])
_LONG_N = 2000


def check_e_step(my_e_step, name="my_e_step"):
    """Check an E-step ``my_e_step(heads, n_tosses, thetas, weights) -> resp`` for K coins.

    Raises
    ------
    Mistake
        Naming the mistake: wrong shape, rows not summing to 1, log responsibilities returned,
        the prior ignored, heads and tails swapped, hard assignments, raw probability products
        (NaN on sets of 2,000 tosses).
    """
    heads, n_tosses, _ = paper_data()
    n_tosses = np.full(heads.shape, n_tosses)
    expected = e_step(heads, n_tosses, _THETAS_3, _WEIGHTS_3)
    got = _call(my_e_step, name, heads.copy(), n_tosses.copy(), _THETAS_3.copy(), _WEIGHTS_3.copy())
    _check_resp(got, expected, name, [
        ("heads and tails swapped: your responsibilities are those of the tails counts. The likelihood of a set "
         "under coin k is theta_k ** heads * (1 - theta_k) ** (n_tosses - heads).",
         e_step(n_tosses - heads, n_tosses, _THETAS_3, _WEIGHTS_3)),
        ("the prior ignored: your answer is the E-step with equal weights. Multiply each coin's likelihood by its "
         "weight w_k (add log w_k in log space).", e_step(heads, n_tosses, _THETAS_3)),
        ("hard instead of soft assignments: you gave each set wholly to its most probable coin. The E-step "
         "returns the probabilities themselves.", hard_e_step(heads, n_tosses, _THETAS_3, _WEIGHTS_3)),
    ])
    long_expected = e_step(_LONG_HEADS, _LONG_N, _THETAS_3, _WEIGHTS_3)
    got = _call(my_e_step, name, _LONG_HEADS.copy(), np.full(3, _LONG_N), _THETAS_3.copy(), _WEIGHTS_3.copy())
    got = _array(got, name, "the responsibilities")
    if got.shape == long_expected.shape and not np.isfinite(got).all():
        raise Mistake(
            "raw probability products: on sets of 2,000 tosses your result has NaN or inf. theta ** 1000 "
            "underflows to 0, and 0 / 0 is NaN. Work with log-likelihoods and normalise with "
            "scipy.special.logsumexp."
        )
    _check_resp(got, long_expected, name, [])
    return f"{name} agrees with the course's e_step, including on sets of 2,000 tosses."


# ---------------------------------------------------------------------------
# Lesson 3: the M-step
# ---------------------------------------------------------------------------

# Sets of different lengths, so that averaging h / n per set differs from pooling the counts.
_M_HEADS = np.array([5, 9, 8, 4, 7, 13, 2, 1])
_M_N = np.array([10, 10, 10, 10, 10, 20, 5, 10])


def check_m_step(my_m_step, name="my_m_step"):
    """Check an M-step ``my_m_step(resp, heads, n_tosses) -> (thetas, weights)``.

    Raises
    ------
    Mistake
        Naming the mistake: not a pair, wrong shape, thetas and weights returned in the
        wrong order, heads and tails swapped, hard assignments, responsibilities ignored,
        per-set fractions averaged, weights as sums, weights not re-estimated.
    """
    resp = e_step(_M_HEADS, _M_N, _THETAS_3, _WEIGHTS_3)
    exp_thetas, exp_weights = m_step(resp, _M_HEADS, _M_N)
    out = _unpack(_call(my_m_step, name, resp.copy(), _M_HEADS.copy(), _M_N.copy()), name, 2, "thetas, weights")
    thetas = _array(out[0], name, "thetas")
    weights = _array(out[1], name, "weights")
    n_coins = resp.shape[1]
    for value, what in ((thetas, "thetas"), (weights, "weights")):
        if value.shape != (n_coins,):
            raise Mistake(
                f"wrong shape: {name} returned {what} of shape {value.shape}; it should have one entry per "
                f"coin, shape ({n_coins},). Sum over the sets (axis 0), not over the coins."
            )
    if _close(thetas, exp_weights) and _close(weights, exp_thetas):
        raise Mistake(f"{name} returned (weights, thetas): return them in the order `thetas, weights`.")
    if not _close(thetas, exp_thetas):
        pooled = _M_HEADS.sum() / _M_N.sum()
        known = _name_variant(thetas, [
            ("heads and tails swapped: your thetas are the expected share of tails. theta_k is expected heads "
             "divided by expected tosses of coin k.", 1 - exp_thetas),
            ("hard instead of soft assignments: you gave each set wholly to its most probable coin. Weight every "
             "set's heads and tosses by its responsibility.", m_step(_one_hot(resp), _M_HEADS, _M_N, current_thetas=_THETAS_3)[0]),
            ("the responsibilities are ignored: every coin got the overall fraction of heads. Weight each set by "
             "r_ik.", np.full(n_coins, pooled)),
            ("you averaged each set's fraction h_i / n_i; theta_k is the ratio of expected heads to expected "
             "tosses, sum_i r_ik h_i / sum_i r_ik n_i (long sets count more).",
             (resp * (_M_HEADS / _M_N)[:, None]).sum(axis=0) / resp.sum(axis=0)),
        ])
        raise Mistake(known or (
            f"{name}'s thetas differ from the course's: you give {_fmt(thetas)}, the course's are {_fmt(exp_thetas)}."
        ))
    if not _close(weights, exp_weights):
        known = _name_variant(weights, [
            ("weights not summing to 1: you returned each coin's total responsibility. Divide by the number of "
             "sets.", resp.sum(axis=0)),
            ("the weights are not re-estimated: you returned equal weights. w_k is the average responsibility of "
             "coin k.", np.full(n_coins, 1 / n_coins)),
            ("the prior ignored: your weights are the old ones. The M-step re-estimates them as the average "
             "responsibilities.", _WEIGHTS_3),
        ])
        raise Mistake(known or (
            f"{name}'s weights differ from the course's: you give {_fmt(weights)}, the course's are "
            f"{_fmt(exp_weights)}."
        ))
    return f"{name} agrees with the course's m_step: thetas {_fmt(thetas)}, weights {_fmt(weights)}."


# ---------------------------------------------------------------------------
# Lesson 4: the loop
# ---------------------------------------------------------------------------


def _reference_em(heads, n_tosses, thetas, tol, max_iter, *, learn_weights=True, hard=False):
    """Histories of the EM variants the checks compare with (EM itself is the course's ``em``)."""
    if not hard:
        result = _quietly(em, heads, n_tosses, thetas, learn_weights=learn_weights, tol=tol, max_iter=max_iter)
        return result.thetas, result.weights, result.log_likelihood_history
    thetas = np.asarray(thetas, float)
    weights = np.full(thetas.size, 1 / thetas.size)
    history = [log_likelihood(heads, n_tosses, thetas, weights)]
    for _ in range(max_iter):
        resp = hard_e_step(heads, n_tosses, thetas, weights)
        thetas, weights = m_step(resp, heads, n_tosses, current_thetas=thetas)
        ll = _quietly(log_likelihood, heads, n_tosses, thetas, weights)
        history.append(ll)
        if not np.isfinite(ll) or history[-1] - history[-2] < tol:
            break
    return thetas, weights, np.array(history)


_EM_CASES = ((1e-6, 500), (1e-6, 3))  # (tol, max_iter): one run that converges, one that max_iter stops


def _log_binomials(heads, n_tosses):
    return float(np.sum(gammaln(n_tosses + 1) - gammaln(heads + 1) - gammaln(n_tosses - heads + 1)))


def check_em(my_em, name="my_em"):
    """Check an EM loop ``my_em(heads, n_tosses, thetas, tol, max_iter) -> (thetas, weights, history)``.

    The weights start equal and are re-estimated; ``history`` holds the log-likelihood at the
    start and after each iteration; the loop stops when an iteration raises the
    log-likelihood by less than ``tol``, or after ``max_iter`` iterations.

    Raises
    ------
    Mistake
        Naming the mistake: the likelihood decreasing, one iteration too many or too few, the
        starting value missing, the stopping rule or max_iter ignored, the binomial
        coefficient included, hard assignments, weights not re-estimated, wrong estimates.
    """
    heads, n_tosses, _ = paper_data()
    start = np.array([0.6, 0.5])
    for tol, max_iter in _EM_CASES:
        exp_thetas, exp_weights, expected = _reference_em(heads, n_tosses, start, tol, max_iter)
        out = _unpack(_call(my_em, name, heads.copy(), n_tosses, start.copy(), tol, max_iter), name, 3,
                      "thetas, weights, log_likelihoods")
        _check_history(out[2], expected, name, max_iter, [
            ("hard instead of soft assignments: your history is that of hard EM, which gives each set wholly to "
             "one coin. Use the responsibilities themselves.",
             _reference_em(heads, n_tosses, start, tol, max_iter, hard=True)[2]),
            ("the weights are not re-estimated: your history is that of EM with the weights held at 1/2. Use the "
             "weights your M-step returns.", _reference_em(heads, n_tosses, start, tol, max_iter,
                                                           learn_weights=False)[2]),
        ], "you included the binomial coefficients log C(n, h); the course's log_likelihood leaves them out "
           f"(they add {_log_binomials(heads, np.full(heads.shape, n_tosses)):.4f} and change no estimate).")
        thetas, weights = _array(out[0], name, "thetas"), _array(out[1], name, "weights")
        if _close(thetas, exp_weights) and _close(weights, exp_thetas):
            raise Mistake(f"{name} returned (weights, thetas, ...): return `thetas, weights, log_likelihoods`.")
        if not (_close(thetas, exp_thetas) and _close(weights, exp_weights)):
            raise Mistake(
                f"{name}'s history is right but its final estimates are not: you return thetas {_fmt(thetas)} and "
                f"weights {_fmt(weights)}, the course's are {_fmt(exp_thetas)} and {_fmt(exp_weights)}. Return "
                "the estimates of the last iteration."
            )
    return f"{name} agrees with the course's em: same estimates, same history, same stopping iteration."


# ---------------------------------------------------------------------------
# Lesson 5: the lower bound
# ---------------------------------------------------------------------------


def _kl_gap(resp, heads, n_tosses, thetas, weights):
    """sum_i KL(resp_i || posterior_i), the gap between the log-likelihood and the bound."""
    posterior = e_step(heads, n_tosses, thetas, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(resp > 0, resp * np.log(np.where(resp > 0, resp, 1.0) / posterior), 0.0)
    return float(terms.sum())


def check_lower_bound(my_lower_bound, name="my_lower_bound"):
    """Check ``my_lower_bound(resp, heads, n_tosses, thetas, weights) -> float``.

    Raises
    ------
    Mistake
        Naming the mistake: an array instead of a number, the entropy term missing or with
        the wrong sign, the prior ignored, heads and tails swapped, the binomial coefficient
        included, NaN from 0 * log 0, a "bound" above the log-likelihood, or a gap to the
        log-likelihood that is not the sum of the KL divergences.
    """
    heads, n_tosses, _ = paper_data()
    n_tosses = np.full(heads.shape, n_tosses)
    thetas, weights = np.array([0.7, 0.4]), np.array([0.6, 0.4])
    soft = e_step(heads, n_tosses, [0.6, 0.5])  # responsibilities of other parameters: a gap > 0
    for resp in (soft, _one_hot(soft)):  # the second has zeros: 0 * log 0 must count as 0
        expected = lower_bound(resp, heads, n_tosses, thetas, weights)
        got = _call(my_lower_bound, name, resp.copy(), heads.copy(), n_tosses.copy(), thetas.copy(), weights.copy())
        got_array = _array(got, name, "the bound")
        if got_array.shape == resp.shape:
            raise Mistake(f"{name} returned an array of shape {got_array.shape}: sum it over sets and coins.")
        if got_array.shape == (resp.shape[0],):
            raise Mistake(f"{name} returned one number per set, shape {got_array.shape}: sum them over the sets.")
        if got_array.size != 1:
            raise Mistake(f"{name} should return a single number, got an array of shape {got_array.shape}.")
        got = float(got_array.ravel()[0])
        if np.isnan(got):
            raise Mistake(
                f"{name} returned NaN for responsibilities with zeros: 0 * log 0 must count as 0 (a coin "
                "with no responsibility adds nothing); scipy.special.xlogy(r, r) does that."
            )
        if np.isclose(got, expected, rtol=1e-8, atol=1e-8):
            continue
        log_joint = np.log(weights) + heads[:, None] * np.log(thetas) + (n_tosses - heads)[:, None] * np.log1p(-thetas)
        entropy = -float(np.sum(resp[resp > 0] * np.log(resp[resp > 0])))
        expected_complete = float(np.sum(resp * log_joint))
        known = _name_variant(got, [
            ("the entropy term is missing: you computed the expected complete-data log-likelihood Q. The bound "
             "also subtracts sum r log r.", expected_complete),
            ("the entropy term has the wrong sign: the bound is sum r (log w + log p - log r).",
             expected_complete - entropy),
            ("the prior ignored: log w_k is missing from your bound.",
             expected_complete - float(np.sum(resp * np.log(weights))) + entropy),
            ("heads and tails swapped: the likelihood of a set is theta ** heads * (1 - theta) ** tails.",
             lower_bound(resp, n_tosses - heads, n_tosses, thetas, weights)),
            ("you included the binomial coefficients log C(n, h); the course's likelihood leaves them out.",
             expected + _log_binomials(heads, n_tosses)),
        ])
        if known:
            raise Mistake(known)
        ll = log_likelihood(heads, n_tosses, thetas, weights)
        if got > ll + 1e-9:
            raise Mistake(
                f"your bound {got:.4f} is above the log-likelihood {ll:.4f}; a lower bound never is. "
                f"The course's bound here is {expected:.4f}."
            )
        raise Mistake(
            f"{name} gives {got:.4f}; the course's lower_bound gives {expected:.4f}. The gap to the log-likelihood "
            f"({ll:.4f}) should be the KL sum {_kl_gap(resp, heads, n_tosses, thetas, weights):.4f}, yours is "
            f"{ll - got:.4f}."
        )
    return f"{name} agrees with the course's lower_bound, also for responsibilities with zeros."


def check_kl_gap(my_lower_bound, name="my_lower_bound"):
    """Check that log-likelihood minus ``my_lower_bound`` is the sum of the KL divergences.

    Raises
    ------
    Mistake
        When the gap differs from :math:`\\sum_i KL(r_i \\| p(z_i \\mid x_i))`, or is not 0 at the
        E-step's own responsibilities.
    """
    heads, n_tosses, _ = paper_data()
    n_tosses = np.full(heads.shape, n_tosses)
    thetas, weights = np.array([0.8, 0.45]), np.array([0.3, 0.7])
    for start in ([0.6, 0.5], [0.8, 0.45]):  # other parameters (gap > 0), then the same ones (gap 0)
        resp = e_step(heads, n_tosses, start)
        got = _call(my_lower_bound, name, resp.copy(), heads.copy(), n_tosses.copy(), thetas.copy(), weights.copy())
        got = float(_array(got, name, "the bound").sum())
        gap = log_likelihood(heads, n_tosses, thetas, weights) - got
        kl = _kl_gap(resp, heads, n_tosses, thetas, weights)
        if not np.isclose(gap, kl, rtol=1e-6, atol=1e-8):
            raise Mistake(
                f"the gap is not the KL sum: log-likelihood minus your bound is {gap:.4f}, but "
                f"sum_i KL(r_i || p(z_i | x_i)) = {kl:.4f}."
            )
    return "log-likelihood - bound equals the sum of the KL divergences, and is 0 at the E-step's responsibilities."


# ---------------------------------------------------------------------------
# Lesson 7 (capstone): a mixture of Poisson counts
# ---------------------------------------------------------------------------


def _poisson_log_joint(counts, rates, weights):
    counts = np.asarray(counts, float)[:, None]
    with np.errstate(divide="ignore"):
        return poisson.logpmf(counts, np.asarray(rates, float)) + np.log(np.asarray(weights, float))


def poisson_e_step(counts, rates, weights):
    """Responsibilities of each Poisson component for each count, in log space.

    Examples
    --------
    >>> poisson_e_step([0, 10], [1.0, 10.0], [0.5, 0.5]).round(3)
    array([[1., 0.],
           [0., 1.]])
    """
    log_joint = _poisson_log_joint(counts, rates, weights)
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def poisson_m_step(resp, counts):
    """Rates (responsibility-weighted mean counts) and weights (mean responsibilities).

    Examples
    --------
    >>> rates, weights = poisson_m_step(np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]), [2, 4, 8])
    >>> rates, weights
    (array([2.66666667, 6.66666667]), array([0.5, 0.5]))
    """
    resp = np.asarray(resp, float)
    counts = np.asarray(counts, float)
    totals = resp.sum(axis=0)
    return resp.T @ counts / totals, totals / resp.shape[0]


def poisson_log_likelihood(counts, rates, weights):
    """Observed-data log-likelihood of the counts, log k! included.

    Examples
    --------
    >>> round(poisson_log_likelihood([3], [3.0], [1.0]), 4)
    -1.4959
    """
    return float(logsumexp(_poisson_log_joint(counts, rates, weights), axis=1).sum())


def poisson_em(counts, rates, tol=1e-8, max_iter=1000, *, learn_weights=True, hard=False):
    """EM for a mixture of Poisson counts, started from ``rates`` and equal weights.

    Returns ``(rates, weights, history)``, the history holding the log-likelihood at the
    start and after each iteration; stops when an iteration gains less than ``tol``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> counts = np.concatenate([rng.poisson(2.0, 300), rng.poisson(9.0, 200)])
    >>> rates, weights, history = poisson_em(counts, [1.0, 5.0])
    >>> rates.round(1), weights.round(2)
    (array([2.2, 8.5]), array([0.6, 0.4]))
    """
    rates = np.asarray(rates, float)
    weights = np.full(rates.size, 1 / rates.size)
    history = [poisson_log_likelihood(counts, rates, weights)]
    for _ in range(max_iter):
        resp = poisson_e_step(counts, rates, weights)
        new_rates, new_weights = poisson_m_step(_one_hot(resp) if hard else resp, counts)
        rates = new_rates
        if learn_weights:
            weights = new_weights
        history.append(poisson_log_likelihood(counts, rates, weights))
        if history[-1] - history[-2] < tol:
            break
    return rates, weights, np.array(history)


_P_COUNTS = np.array([0, 1, 3, 2, 7, 12, 9, 4, 15, 11])
_P_RATES = np.array([2.0, 10.0])
_P_WEIGHTS = np.array([0.7, 0.3])
# Large counts: exp(-800) underflows and 800 ** 900 overflows, so raw pmf products fail.
_P_LARGE = np.array([780, 905, 840, 1010])
_P_LARGE_RATES = np.array([800.0, 950.0])


def check_poisson_e_step(my_poisson_e_step, name="poisson_e_step"):
    """Check ``poisson_e_step(counts, rates, weights) -> resp``.

    Raises
    ------
    Mistake
        Naming the mistake: wrong shape, rows not summing to 1, the prior ignored, rates and
        weights swapped, hard assignments, raw pmf products (NaN for large counts).
    """
    expected = poisson_e_step(_P_COUNTS, _P_RATES, _P_WEIGHTS)
    got = _call(my_poisson_e_step, name, _P_COUNTS.copy(), _P_RATES.copy(), _P_WEIGHTS.copy())
    _check_resp(got, expected, name, [
        ("the prior ignored: your answer is the E-step with equal weights. Add log w_k to each component's "
         "log-likelihood.", poisson_e_step(_P_COUNTS, _P_RATES, [0.5, 0.5])),
        ("hard instead of soft assignments: the E-step returns the probabilities themselves.",
         _one_hot(expected)),
    ])
    got = _call(my_poisson_e_step, name, _P_LARGE.copy(), _P_LARGE_RATES.copy(), _P_WEIGHTS.copy())
    got = _array(got, name, "the responsibilities")
    expected = poisson_e_step(_P_LARGE, _P_LARGE_RATES, _P_WEIGHTS)
    if got.shape == expected.shape and not np.isfinite(got).all():
        raise Mistake(
            "raw probability products: for counts near 900 your result has NaN or inf (exp(-800) underflows, "
            "800 ** 900 overflows). Use log probabilities, e.g. scipy.stats.poisson.logpmf, and "
            "scipy.special.logsumexp."
        )
    _check_resp(got, expected, name, [])
    return f"{name} agrees with the reference E-step, including for counts near 1,000."


def check_poisson_m_step(my_poisson_m_step, name="poisson_m_step"):
    """Check ``poisson_m_step(resp, counts) -> (rates, weights)``.

    Raises
    ------
    Mistake
        Naming the mistake: wrong order or shape, responsibilities ignored, hard assignments,
        no division by the component's total responsibility, weights as sums, weights not
        re-estimated.
    """
    resp = poisson_e_step(_P_COUNTS, _P_RATES, _P_WEIGHTS)
    exp_rates, exp_weights = poisson_m_step(resp, _P_COUNTS)
    out = _unpack(_call(my_poisson_m_step, name, resp.copy(), _P_COUNTS.copy()), name, 2, "rates, weights")
    rates, weights = _array(out[0], name, "rates"), _array(out[1], name, "weights")
    for value, what in ((rates, "rates"), (weights, "weights")):
        if value.shape != exp_rates.shape:
            raise Mistake(
                f"wrong shape: {name} returned {what} of shape {value.shape}; it should have one entry per "
                f"component, shape {exp_rates.shape}."
            )
    if _close(rates, exp_weights) and _close(weights, exp_rates):
        raise Mistake(f"{name} returned (weights, rates): return them in the order `rates, weights`.")
    if not _close(rates, exp_rates):
        known = _name_variant(rates, [
            ("the responsibilities are ignored: every rate is the overall mean count. Weight each count by r_ik.",
             np.full(2, _P_COUNTS.mean())),
            ("hard instead of soft assignments: weight each count by its responsibility, not by 0 or 1.",
             poisson_m_step(_one_hot(resp), _P_COUNTS)[0]),
            ("you divided by the number of counts; a rate is sum_i r_ik k_i divided by the component's own total "
             "responsibility sum_i r_ik.", resp.T @ _P_COUNTS / resp.shape[0]),
        ])
        raise Mistake(known or f"{name}'s rates {_fmt(rates)} differ from the reference {_fmt(exp_rates)}.")
    if not _close(weights, exp_weights):
        known = _name_variant(weights, [
            ("weights not summing to 1: divide each component's total responsibility by the number of counts.",
             resp.sum(axis=0)),
            ("the weights are not re-estimated: w_k is the average responsibility of component k.",
             np.full(2, 0.5)),
        ])
        raise Mistake(known or f"{name}'s weights {_fmt(weights)} differ from the reference {_fmt(exp_weights)}.")
    return f"{name} agrees with the reference M-step: rates {_fmt(rates)}, weights {_fmt(weights)}."


def check_poisson_em(my_poisson_em, name="poisson_em"):
    """Check ``poisson_em(counts, rates, tol, max_iter) -> (rates, weights, history)``.

    Raises
    ------
    Mistake
        Naming the mistake: the likelihood decreasing, one iteration too many or too few, the
        stopping rule ignored, log k! left out, hard assignments, weights not re-estimated.
    """
    counts = np.concatenate([_P_COUNTS, _P_COUNTS + 3])
    start = np.array([1.0, 6.0])
    for tol, max_iter in _EM_CASES:
        exp_rates, exp_weights, expected = poisson_em(counts, start, tol, max_iter)
        out = _unpack(_call(my_poisson_em, name, counts.copy(), start.copy(), tol, max_iter), name, 3,
                      "rates, weights, log_likelihoods")
        _check_history(out[2], expected, name, max_iter, [
            ("hard instead of soft assignments: your history is that of hard EM.",
             poisson_em(counts, start, tol, max_iter, hard=True)[2]),
            ("the weights are not re-estimated: your history is that of EM with equal weights throughout.",
             poisson_em(counts, start, tol, max_iter, learn_weights=False)[2]),
        ], "you left out log k! from the Poisson log-probability (it changes no estimate, but the "
           "log-likelihood is sum_i log sum_k w_k lambda_k^k_i exp(-lambda_k) / k_i!).")
        rates, weights = _array(out[0], name, "rates"), _array(out[1], name, "weights")
        if not (_close(rates, exp_rates) and _close(weights, exp_weights)):
            raise Mistake(
                f"{name}'s history is right but its final estimates are not: rates {_fmt(rates)}, weights "
                f"{_fmt(weights)}; the reference gives {_fmt(exp_rates)} and {_fmt(exp_weights)}."
            )
    return f"{name} agrees with the reference EM: same estimates, same history, same stopping iteration."
