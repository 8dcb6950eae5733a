"""Tests of the EM maths: the paper's numbers, properties on random data, stability, boundaries."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coinem_helpers import (
    PAPER_TOSSES,
    ConvergenceWarning,
    EMResult,
    SufficientStats,
    bic,
    count_heads,
    e_step,
    em,
    em_restarts,
    expected_counts,
    hard_e_step,
    log_likelihood,
    lower_bound,
    m_step,
    mle_known,
    paper_data,
    simulate,
    sufficient_stats,
)

HEADS, N, COINS = paper_data()


# ---------------------------------------------------------------------------
# The paper's Figure 1
# ---------------------------------------------------------------------------


def test_paper_data_matches_the_figure():
    assert PAPER_TOSSES[0] == "HTTTHHTHTH"
    assert HEADS.tolist() == [5, 9, 8, 4, 7]
    assert N == 10
    assert COINS.tolist() == [1, 0, 0, 1, 0]


def test_figure_1a_known_coins():
    thetas = mle_known(HEADS, N, COINS)
    assert thetas == pytest.approx([24 / 30, 9 / 20])
    assert np.round(thetas, 2).tolist() == [0.80, 0.45]


def test_figure_1b_first_e_step():
    resp = e_step(HEADS, N, [0.6, 0.5])
    assert np.round(resp[:, 0], 2).tolist() == [0.45, 0.80, 0.73, 0.35, 0.65]
    assert resp[:, 1] == pytest.approx(1 - resp[:, 0])


def test_figure_1b_expected_counts():
    exp_heads, exp_tails = expected_counts(e_step(HEADS, N, [0.6, 0.5]), HEADS, N)
    assert np.round(exp_heads, 1).tolist() == [21.3, 11.7]
    assert np.round(exp_tails, 1).tolist() == [8.6, 8.4]


def test_figure_1b_one_and_ten_iterations():
    one = em(HEADS, N, [0.6, 0.5], tol=0, max_iter=1)
    assert np.round(one.thetas, 2).tolist() == [0.71, 0.58]
    ten = em(HEADS, N, [0.6, 0.5], tol=0, max_iter=10)
    assert np.round(ten.thetas, 2).tolist() == [0.80, 0.52]
    assert ten.n_iter == 10 and not ten.converged


def _naive_em_step(theta_a, theta_b, heads, n):
    """The textbook two-coin step in plain Python floats, independent of the package."""
    ra = [
        theta_a**h * (1 - theta_a) ** (n - h)
        / (theta_a**h * (1 - theta_a) ** (n - h) + theta_b**h * (1 - theta_b) ** (n - h))
        for h in heads
    ]
    new_a = sum(r * h for r, h in zip(ra, heads)) / sum(r * n for r in ra)
    new_b = sum((1 - r) * h for r, h in zip(ra, heads)) / sum((1 - r) * n for r in ra)
    return new_a, new_b


def test_em_history_matches_plain_python():
    result = em(HEADS, N, [0.6, 0.5], tol=0, max_iter=10)
    a, b = 0.6, 0.5
    for t in range(1, 11):
        a, b = _naive_em_step(a, b, HEADS.tolist(), N)
        assert result.thetas_history[t] == pytest.approx([a, b], rel=1e-12)


def test_log_likelihood_matches_plain_python():
    expected = sum(math.log(0.5 * 0.6**h * 0.4 ** (10 - h) + 0.5 * 0.5**10) for h in HEADS.tolist())
    assert log_likelihood(HEADS, N, [0.6, 0.5]) == pytest.approx(expected, rel=1e-13)


# ---------------------------------------------------------------------------
# The EM loop
# ---------------------------------------------------------------------------


def test_em_result_shapes_and_history():
    result = em(HEADS, N, [0.6, 0.5])
    assert isinstance(result, EMResult)
    assert result.converged
    k = 2
    assert result.thetas_history.shape == (result.n_iter + 1, k)
    assert result.weights_history.shape == (result.n_iter + 1, k)
    assert result.log_likelihood_history.shape == (result.n_iter + 1,)
    assert result.thetas_history[0].tolist() == [0.6, 0.5]
    assert result.thetas_history[-1] == pytest.approx(result.thetas)
    assert result.log_likelihood == result.log_likelihood_history[-1]
    assert result.log_likelihood == pytest.approx(log_likelihood(HEADS, N, result.thetas))
    assert result.responsibilities == pytest.approx(e_step(HEADS, N, result.thetas))
    assert np.diff(result.log_likelihood_history)[-1] < 1e-8
    with pytest.raises(AttributeError):
        result.thetas = np.array([0.1, 0.2])  # frozen


def test_em_tol_zero_runs_exactly_max_iter_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = em(HEADS, N, [0.6, 0.5], tol=0, max_iter=37)
    assert result.n_iter == 37 and not result.converged


def test_em_warns_when_it_does_not_converge():
    with pytest.warns(ConvergenceWarning, match="max_iter = 2"):
        result = em(HEADS, N, [0.6, 0.5], max_iter=2)
    assert not result.converged and result.n_iter == 2
    assert issubclass(ConvergenceWarning, UserWarning)


def test_em_fixed_weights_stay_fixed_and_learned_ones_move():
    fixed = em(HEADS, N, [0.6, 0.5], weights=[0.3, 0.7])
    assert np.all(fixed.weights_history == [0.3, 0.7])
    learned = em(HEADS, N, [0.6, 0.5], weights=[0.3, 0.7], learn_weights=True)
    assert not np.allclose(learned.weights, [0.3, 0.7])
    assert learned.weights.sum() == pytest.approx(1)
    assert learned.log_likelihood >= fixed.log_likelihood - 1e-9


def test_symmetric_start_never_moves():
    result = em(HEADS, N, [0.5, 0.5], tol=0, max_iter=5)
    overall = HEADS.sum() / (N * HEADS.size)
    assert result.thetas_history[1:] == pytest.approx(np.full((5, 2), overall))


def test_label_switching_start_gives_swapped_answer():
    ab = em(HEADS, N, [0.6, 0.5])
    ba = em(HEADS, N, [0.5, 0.6])
    assert ba.thetas == pytest.approx(ab.thetas[::-1], abs=1e-6)
    assert ba.log_likelihood == pytest.approx(ab.log_likelihood)


def test_em_on_sufficient_stats_equals_em_on_sets():
    tosses, _ = simulate(500, 12, [0.2, 0.75], seed=3)
    heads = tosses.sum(axis=1)
    stats = sufficient_stats(heads, 12)
    assert isinstance(stats, SufficientStats)
    assert stats.n_sets == 500 and stats.n_pairs <= 13
    a = em(heads, 12, [0.4, 0.6], learn_weights=True)
    b = em(stats, thetas=[0.4, 0.6], learn_weights=True)
    assert a.thetas == pytest.approx(b.thetas, rel=1e-12)
    assert a.log_likelihood == pytest.approx(b.log_likelihood, rel=1e-12)
    assert b.responsibilities.shape == (stats.n_pairs, 2)
    assert a.responsibilities.shape == (500, 2)


def test_sufficient_stats_with_unequal_lengths_keeps_set_order():
    heads = np.array([3, 0, 7, 3, 12, 0])
    n = np.array([5, 5, 10, 5, 20, 1])
    stats = sufficient_stats(heads, n)
    assert stats.n_pairs == 5 and stats.n_sets == 6
    pairs = {(h, m): c for h, m, c in zip(stats.heads, stats.n_tosses, stats.counts)}
    assert pairs == {(3, 5): 2, (0, 5): 1, (7, 10): 1, (12, 20): 1, (0, 1): 1}
    result = em(heads, n, [0.3, 0.6], tol=0, max_iter=3)
    assert result.responsibilities == pytest.approx(e_step(heads, n, result.thetas))
    assert log_likelihood(stats, thetas=[0.3, 0.6]) == pytest.approx(log_likelihood(heads, n, [0.3, 0.6]))


def test_em_restarts_keeps_best_run_and_its_own_flag():
    tosses, _ = simulate(40, 15, [0.15, 0.5, 0.9], seed=11)
    heads = tosses.sum(axis=1)
    best, runs = em_restarts(heads, 15, n_coins=3, n_starts=6, seed=4, max_iter=500)
    assert len(runs) == 6
    assert best.log_likelihood == max(r.log_likelihood for r in runs)
    assert any(best is r for r in runs)
    assert best.responsibilities.shape == (40, 3)
    again, _ = em_restarts(heads, 15, n_coins=3, n_starts=6, seed=4, max_iter=500)
    assert again.thetas == pytest.approx(best.thetas)
    starts = {tuple(r.thetas_history[0]) for r in runs}
    assert len(starts) == 6


def test_em_restarts_reports_the_best_runs_own_convergence():
    with pytest.warns(ConvergenceWarning, match="best of 3"):
        best, runs = em_restarts(HEADS, N, n_coins=2, n_starts=3, seed=0, max_iter=1)
    assert not best.converged
    best, runs = em_restarts(HEADS, N, n_coins=2, n_starts=3, seed=0)
    assert best.converged


def test_hard_e_step_is_one_hot_argmax():
    hard = hard_e_step(HEADS, N, [0.6, 0.5])
    soft = e_step(HEADS, N, [0.6, 0.5])
    assert set(np.unique(hard)) <= {0.0, 1.0}
    assert hard.sum(axis=1).tolist() == [1.0] * 5
    assert hard.argmax(axis=1).tolist() == soft.argmax(axis=1).tolist()


def test_lower_bound_touches_at_posterior_and_is_below_elsewhere():
    resp = e_step(HEADS, N, [0.6, 0.5])
    assert lower_bound(resp, HEADS, N, [0.6, 0.5]) == pytest.approx(log_likelihood(HEADS, N, [0.6, 0.5]))
    for thetas in ([0.7, 0.5], [0.2, 0.9], [0.71, 0.58]):
        assert lower_bound(resp, HEADS, N, thetas) < log_likelihood(HEADS, N, thetas)
    # The M-step maximises the bound: the new thetas beat the old ones on it.
    new, _ = m_step(resp, HEADS, N)
    assert lower_bound(resp, HEADS, N, new) > lower_bound(resp, HEADS, N, [0.6, 0.5])


def test_bic_formula():
    assert bic(-10.0, 3, 100) == pytest.approx(20 + 3 * math.log(100))


# ---------------------------------------------------------------------------
# Properties on random data (hypothesis)
# ---------------------------------------------------------------------------


@st.composite
def mixture_problem(draw, max_coins=4):
    k = draw(st.integers(1, max_coins))
    n_sets = draw(st.integers(1, 12))
    equal = draw(st.booleans())
    if equal:
        n = draw(st.integers(1, 30))
        heads = np.array(draw(st.lists(st.integers(0, n), min_size=n_sets, max_size=n_sets)))
    else:
        n = np.array(draw(st.lists(st.integers(1, 30), min_size=n_sets, max_size=n_sets)))
        heads = np.array([draw(st.integers(0, int(m))) for m in n])
    # Starting thetas strictly inside (0, 1) so that every set is possible.
    thetas = np.array(draw(st.lists(st.floats(0.02, 0.98), min_size=k, max_size=k)))
    raw = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)))
    weights = raw / raw.sum()
    return heads, n, thetas, weights


@settings(max_examples=60, deadline=None)
@given(mixture_problem(), st.booleans())
def test_log_likelihood_never_decreases(problem, learn_weights):
    heads, n, thetas, weights = problem
    result = em(heads, n, thetas, weights, learn_weights=learn_weights, tol=0, max_iter=25)
    history = result.log_likelihood_history
    assert np.all(np.isfinite(history))
    assert np.all(np.diff(history) >= -1e-9 * np.maximum(1.0, np.abs(history[1:])))
    # One iteration at a time gives the same climb (sklearn's test_monotonic_likelihood).
    current_t, current_w = thetas, weights
    previous = log_likelihood(heads, n, current_t, current_w)
    for _ in range(5):
        step = em(heads, n, current_t, current_w, learn_weights=learn_weights, tol=0, max_iter=1)
        assert step.log_likelihood >= previous - 1e-9 * max(1.0, abs(previous))
        current_t, current_w, previous = step.thetas, step.weights, step.log_likelihood


@settings(max_examples=60, deadline=None)
@given(mixture_problem())
def test_responsibilities_are_probabilities(problem):
    heads, n, thetas, weights = problem
    resp = e_step(heads, n, thetas, weights)
    assert resp.shape == (heads.size, thetas.size)
    assert np.all((resp >= 0) & (resp <= 1))
    assert resp.sum(axis=1) == pytest.approx(np.ones(heads.size), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(mixture_problem(), st.data())
def test_m_step_with_one_hot_responsibilities_is_mle_known(problem, data):
    heads, n, thetas, _ = problem
    k = thetas.size
    assume(heads.size >= k)  # every coin needs a set for mle_known
    extra = data.draw(st.lists(st.integers(0, k - 1), min_size=heads.size - k, max_size=heads.size - k))
    coins = np.array(data.draw(st.permutations(list(range(k)) + extra)))
    one_hot = np.eye(k)[coins]
    new_thetas, new_weights = m_step(one_hot, heads, n)
    assert new_thetas == pytest.approx(mle_known(heads, n, coins, n_coins=k), rel=1e-12)
    assert new_weights == pytest.approx(np.bincount(coins, minlength=k) / heads.size)


@settings(max_examples=60, deadline=None)
@given(mixture_problem(), st.randoms(use_true_random=False), st.booleans())
def test_relabelling_the_coins_permutes_the_results(problem, random, learn_weights):
    heads, n, thetas, weights = problem
    perm = np.arange(thetas.size)
    random.shuffle(perm)
    a = em(heads, n, thetas, weights, learn_weights=learn_weights, tol=0, max_iter=10)
    b = em(heads, n, thetas[perm], weights[perm], learn_weights=learn_weights, tol=0, max_iter=10)
    assert b.thetas == pytest.approx(a.thetas[perm], rel=1e-9, abs=1e-12)
    assert b.weights == pytest.approx(a.weights[perm], rel=1e-9, abs=1e-12)
    assert b.responsibilities == pytest.approx(a.responsibilities[:, perm], rel=1e-9, abs=1e-12)
    assert b.log_likelihood == pytest.approx(a.log_likelihood, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(mixture_problem())
def test_e_step_agrees_with_the_naive_product_formula(problem):
    heads, n, thetas, weights = problem
    n_arr = np.broadcast_to(n, heads.shape)
    # The formula of the original notebook: raw products of probabilities.
    joint = weights * thetas ** heads[:, None] * (1 - thetas) ** (n_arr - heads)[:, None]
    total = joint.sum(axis=1, keepdims=True)
    assert np.all(total > 1e-280)  # sets of <= 30 tosses with theta in [0.02, 0.98] never underflow
    assert e_step(heads, n, thetas, weights) == pytest.approx(joint / total, rel=1e-9, abs=1e-300)
    assert log_likelihood(heads, n, thetas, weights) == pytest.approx(np.log(total).sum(), rel=1e-12)


# ---------------------------------------------------------------------------
# Stability on long sets
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_tosses", [10**5, 10**6])
def test_long_sets_give_finite_correct_answers(n_tosses):
    rng = np.random.default_rng(1)
    truth = np.array([0.48, 0.52])
    coins = rng.integers(0, 2, size=40)
    heads = rng.binomial(n_tosses, truth[coins])
    # The naive product underflows to 0/0 here.
    with np.errstate(invalid="ignore", under="ignore"):
        naive = 0.48 ** heads[0] * 0.52 ** (n_tosses - heads[0])
    assert naive == 0.0
    resp = e_step(heads, n_tosses, [0.45, 0.55])
    assert np.all(np.isfinite(resp))
    # With this many tosses each set is assigned with near certainty, to the right coin.
    assert resp.argmax(axis=1).tolist() == coins.tolist()
    result = em(heads, n_tosses, [0.45, 0.55])
    assert result.converged and np.all(np.isfinite(result.thetas))
    assert result.thetas == pytest.approx(mle_known(heads, n_tosses, coins), abs=1e-9)
    assert np.isfinite(result.log_likelihood)


def test_e_step_in_log_space_matches_exact_odds_on_a_long_set():
    # Posterior odds of A for one set: (w_a/w_b) (ta/tb)^h ((1-ta)/(1-tb))^(n-h), exactly in log form.
    h, n = 500_300, 10**6
    ta, tb = 0.5, 0.5003
    log_odds = h * math.log(ta / tb) + (n - h) * math.log((1 - ta) / (1 - tb))
    expected = 1 / (1 + math.exp(-log_odds))
    assert e_step([h], n, [ta, tb])[0, 0] == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------------------
# Boundary values are legal
# ---------------------------------------------------------------------------


def test_coin_that_cannot_produce_a_set_gets_zero_responsibility():
    resp = e_step([0, 3, 10], 10, [0.0, 0.5, 1.0])
    assert resp[0].tolist()[2] == 0.0 and resp[0, 0] > 0  # no heads: coin theta=1 impossible
    assert resp[1, 0] == 0.0 and resp[1, 2] == 0.0  # mixed set: only the fair coin
    assert resp[2, 0] == 0.0 and resp[2, 2] > 0
    assert np.all(np.isfinite(resp))
    assert np.isfinite(log_likelihood([0, 3, 10], 10, [0.0, 0.5, 1.0]))


def test_set_no_coin_can_produce_is_a_clear_error():
    with pytest.raises(ValueError, match=r"set 1 \(heads = 3 of n_tosses = 10\) has probability 0"):
        e_step([10, 3], 10, [1.0, 1.0])
    assert log_likelihood([10, 3], 10, [1.0, 1.0]) == -np.inf
    # em works on distinct pairs, but the message still names the set.
    with pytest.raises(ValueError, match=r"set 1 \(heads = 3 of n_tosses = 10\) has probability 0"):
        em([10, 3], 10, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"set 2 \(heads = 4 of n_tosses = 5\) has probability 0"):
        em([3, 3, 4], [3, 3, 5], [1.0])


def test_zero_weight_coin_is_legal():
    resp = e_step(HEADS, N, [0.6, 0.5], [1.0, 0.0])
    assert resp[:, 1].tolist() == [0.0] * 5
    result = em(HEADS, N, [0.6, 0.5], [1.0, 0.0], learn_weights=True)
    assert result.thetas[1] == 0.5  # no expected tosses: keeps its theta
    assert result.thetas[0] == pytest.approx(HEADS.sum() / 50)


def test_coin_whose_expected_count_drops_to_zero_keeps_its_theta():
    # Coin B at theta = 1 can only produce all-heads sets; there are none, so it
    # gets no responsibility and keeps theta = 1.
    result = em([2, 3, 4], 10, [0.5, 1.0], tol=0, max_iter=5)
    assert result.thetas_history[:, 1].tolist() == [1.0] * 6
    assert np.all(np.isfinite(result.thetas))
    with pytest.raises(ValueError, match="coin 1 has no expected tosses"):
        m_step(np.array([[1.0, 0.0]] * 3), [2, 3, 4], 10)
    thetas, _ = m_step(np.array([[1.0, 0.0]] * 3), [2, 3, 4], 10, current_thetas=[0.5, 0.9])
    assert thetas.tolist() == [0.3, 0.9]


# ---------------------------------------------------------------------------
# Data helpers
# ---------------------------------------------------------------------------


def test_simulate_is_reproducible_and_follows_the_model():
    t1, c1 = simulate(2000, 30, [0.2, 0.9], weights=[0.25, 0.75], seed=42)
    t2, c2 = simulate(2000, 30, [0.2, 0.9], weights=[0.25, 0.75], seed=np.random.default_rng(42))
    assert np.array_equal(t1, t2) and np.array_equal(c1, c2)
    assert t1.shape == (2000, 30) and set(np.unique(t1)) <= {0, 1}
    assert np.mean(c1 == 1) == pytest.approx(0.75, abs=0.03)
    assert mle_known(t1.sum(axis=1), 30, c1) == pytest.approx([0.2, 0.9], abs=0.01)
    t3, _ = simulate(2000, 30, [0.2, 0.9], seed=43)
    assert not np.array_equal(t1, t3)


def test_count_heads_accepts_strings_and_arrays():
    assert count_heads("HTTH") == 2
    assert count_heads("hhT") == 2
    assert count_heads(list(PAPER_TOSSES)).tolist() == [5, 9, 8, 4, 7]
    assert count_heads(["H", "TTTTH"]).tolist() == [1, 1]
    assert count_heads(np.array([[1, 1, 0], [0, 0, 0]])).tolist() == [2, 0]
    assert count_heads([1, 0, 1, 1]) == 3


# ---------------------------------------------------------------------------
# Bad input: a clear error that names the argument
# ---------------------------------------------------------------------------

BAD_CALLS = [
    # heads
    ("negative heads", ValueError, r"heads\[1\] = -1", lambda: e_step([5, -1], 10, [0.6, 0.5])),
    ("non-integer heads", ValueError, r"heads\[0\] = 2.5", lambda: e_step([2.5, 3], 10, [0.6, 0.5])),
    ("NaN heads", ValueError, r"heads\[1\] = nan", lambda: e_step([2, np.nan], 10, [0.6, 0.5])),
    ("infinite heads", ValueError, r"heads\[0\] = inf", lambda: log_likelihood([np.inf], 10, [0.5])),
    ("string heads", TypeError, "heads must be an array of numbers", lambda: e_step(["5"], 10, [0.5])),
    ("2-D heads", ValueError, "heads must be 1-D", lambda: e_step([[1, 2]], 10, [0.5])),
    ("heads > n_tosses", ValueError, r"heads\[2\] = 11 > n_tosses = 10", lambda: em([1, 2, 11], 10, [0.5, 0.6])),
    (
        "heads > per-set n_tosses",
        ValueError,
        r"heads\[1\] = 6 > n_tosses\[1\] = 5",
        lambda: e_step([1, 6], [10, 5], [0.5]),
    ),
    ("empty data", ValueError, "heads must hold at least one set", lambda: em([], 10, [0.5, 0.6])),
    # n_tosses
    ("zero n_tosses", ValueError, "n_tosses = 0", lambda: e_step([0], 0, [0.5])),
    ("negative n_tosses", ValueError, r"n_tosses\[1\] = -3", lambda: e_step([0, 0], [4, -3], [0.5])),
    ("n_tosses wrong length", ValueError, r"n_tosses must be an int or have one entry per set \(2\)",
     lambda: e_step([1, 2], [10, 10, 10], [0.5])),
    ("missing n_tosses", TypeError, "n_tosses is required", lambda: e_step([1, 2], thetas=[0.5])),
    ("non-integer n_tosses", ValueError, "n_tosses = 10.5", lambda: e_step([1], 10.5, [0.5])),
    # thetas
    ("theta above 1", ValueError, r"thetas\[1\] = 1.2", lambda: e_step(HEADS, N, [0.6, 1.2])),
    ("theta below 0", ValueError, r"thetas\[0\] = -0.1", lambda: em(HEADS, N, [-0.1, 0.5])),
    ("NaN theta", ValueError, r"thetas\[0\] = nan", lambda: log_likelihood(HEADS, N, [np.nan, 0.5])),
    ("empty thetas", ValueError, "thetas must be a non-empty 1-D", lambda: e_step(HEADS, N, [])),
    ("missing thetas", TypeError, "thetas is required", lambda: e_step(HEADS, N)),
    ("string thetas", TypeError, "thetas must be an array of numbers", lambda: e_step(HEADS, N, "0.5")),
    # weights
    ("negative weight", ValueError, r"weights\[0\] = -0.2", lambda: e_step(HEADS, N, [0.6, 0.5], [-0.2, 1.2])),
    ("weights not summing to 1", ValueError, r"sum\(weights\) = 0.90000",
     lambda: em(HEADS, N, [0.6, 0.5], [0.4, 0.5])),
    ("weights wrong length", ValueError, r"weights must have one entry per coin \(2",
     lambda: e_step(HEADS, N, [0.6, 0.5], [0.2, 0.3, 0.5])),
    ("NaN weight", ValueError, r"weights\[1\] = nan", lambda: e_step(HEADS, N, [0.6, 0.5], [1.0, np.nan])),
    # responsibilities
    ("resp wrong shape", ValueError, r"resp must have shape \(n_sets, n_coins\) with one row per set \(5\)",
     lambda: m_step(np.full((4, 2), 0.5), HEADS, N)),
    ("resp 1-D", ValueError, "resp must have shape", lambda: expected_counts(np.full(5, 0.5), HEADS, N)),
    ("resp rows not summing to 1", ValueError, "row 2 sums to 0.9",
     lambda: m_step(np.array([[0.5, 0.5]] * 2 + [[0.5, 0.4]] + [[0.5, 0.5]] * 2), HEADS, N)),
    ("resp outside [0, 1]", ValueError, r"resp\[0, 0\] = -0.5",
     lambda: m_step(np.array([[-0.5, 1.5]] + [[0.5, 0.5]] * 4), HEADS, N)),
    # coin labels
    ("coin label out of range", ValueError, r"coins\[2\] = 2", lambda: mle_known(HEADS, N, [0, 1, 2, 0, 1], n_coins=2)),
    ("negative coin label", ValueError, r"coins\[0\] = -1", lambda: mle_known(HEADS, N, [-1, 1, 0, 0, 1])),
    ("coin with no sets", ValueError, "coin 1 has no sets", lambda: mle_known(HEADS, N, [0, 0, 2, 0, 2])),
    ("coins wrong length", ValueError, r"coins must have one entry per set \(5\)", lambda: mle_known(HEADS, N, [0, 1])),
    # loop controls
    ("negative tol", ValueError, "tol = -1e-06", lambda: em(HEADS, N, [0.6, 0.5], tol=-1e-6)),
    ("NaN tol", ValueError, "tol = nan", lambda: em(HEADS, N, [0.6, 0.5], tol=float("nan"))),
    ("string tol", TypeError, "tol must be a number", lambda: em(HEADS, N, [0.6, 0.5], tol="1e-8")),
    ("max_iter 0", ValueError, "max_iter = 0", lambda: em(HEADS, N, [0.6, 0.5], max_iter=0)),
    ("float max_iter", TypeError, "max_iter must be an int", lambda: em(HEADS, N, [0.6, 0.5], max_iter=10.0)),
    ("n_starts 0", ValueError, "n_starts = 0", lambda: em_restarts(HEADS, N, 2, n_starts=0)),
    ("n_coins 0", ValueError, "n_coins = 0", lambda: em_restarts(HEADS, N, 0)),
    ("thetas to em_restarts", TypeError, "em_restarts got unexpected keyword", lambda: em_restarts(HEADS, N, 2, thetas=[0.5, 0.6])),
    # data helpers
    ("bad toss letter", ValueError, r"'X' at position 2", lambda: count_heads("HTXH")),
    ("empty toss string", ValueError, "empty string", lambda: count_heads("")),
    ("toss not 0/1", ValueError, r"tosses\[0, 1\] = 2", lambda: count_heads([[1, 2, 0]])),
    ("simulate n_sets 0", ValueError, "n_sets = 0", lambda: simulate(0, 10, [0.5])),
    ("simulate bad seed", TypeError, "seed must be None, an int or a numpy.random.Generator",
     lambda: simulate(3, 10, [0.5], seed="abc")),
    ("stats with n_tosses", TypeError, "n_tosses must be left out",
     lambda: em(sufficient_stats(HEADS, N), N, [0.6, 0.5])),
    ("current_thetas wrong length", ValueError, r"current_thetas must have one entry per coin \(2\)",
     lambda: m_step(np.full((5, 2), 0.5), HEADS, N, current_thetas=[0.5])),
    ("lower_bound resp columns", ValueError, r"resp must have one column per coin \(3\)",
     lambda: lower_bound(np.full((5, 2), 0.5), HEADS, N, [0.2, 0.5, 0.7])),
]


@pytest.mark.parametrize("case", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_input_raises_a_clear_error(case):
    _, error, message, call = case
    with pytest.raises(error, match=message):
        call()
