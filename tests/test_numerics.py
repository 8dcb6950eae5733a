"""Numerics at every set length: exact responsibilities, weights, bounds and likelihoods up to 2**53 tosses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.special import gammaln, logsumexp

from coinem_helpers import (
    SufficientStats,
    bic,
    e_step,
    em,
    em_restarts,
    log_binomial_coefficients,
    log_likelihood,
    lower_bound,
    m_step,
    paper_data,
)

HEADS, N, _ = paper_data()

long_sets = st.integers(min_value=9, max_value=15).map(lambda e: 10**e)
probs = st.floats(min_value=1e-6, max_value=1 - 1e-6)


@st.composite
def long_problems(draw):
    """Sets of 10^9 - 10^15 tosses, two or three coins, heads near (or not) each coin's theta."""
    n = draw(long_sets)
    k = draw(st.integers(2, 3))
    thetas = np.array([draw(probs) for _ in range(k)])
    if draw(st.booleans()):  # close coins: the hard case for cancellation
        thetas = np.clip(thetas[0] + np.array([draw(st.floats(-1e-7, 1e-7)) for _ in range(k)]), 1e-6, 1 - 1e-6)
    raw = np.array([draw(st.floats(0.01, 100)) for _ in range(k)])
    weights = raw / raw.sum()
    n_sets = draw(st.integers(1, 6))
    centre = draw(probs)
    spread = draw(st.sampled_from([0.0, 1e-9, 1e-6, 1e-3]))
    fracs = np.clip(centre + spread * np.array([draw(st.floats(-1, 1)) for _ in range(n_sets)]), 0, 1)
    heads = np.round(fracs * n).astype(np.int64)
    return heads, n, thetas, weights


@settings(max_examples=150, deadline=None)
@given(long_problems())
def test_rows_sum_to_one_and_the_bound_is_tight_at_any_length(problem):
    heads, n, thetas, weights = problem
    resp = e_step(heads, n, thetas, weights)
    assert np.all(np.isfinite(resp)) and np.all((resp >= 0) & (resp <= 1))
    assert np.abs(resp.sum(axis=1) - 1).max() <= 1e-12
    ll = log_likelihood(heads, n, thetas, weights)
    assert np.isfinite(ll) and ll <= 0
    lb = lower_bound(resp, heads, n, thetas, weights)
    assert abs(lb - ll) <= 1e-9 * abs(ll) + 1e-9


@settings(max_examples=60, deadline=None)
@given(long_problems())
def test_learned_weights_sum_to_one_and_thetas_stay_in_range(problem):
    heads, n, thetas, _ = problem
    result = em(heads, n, thetas, learn_weights=True, tol=0, max_iter=5)
    assert abs(result.weights.sum() - 1) <= 1e-12
    assert np.all((result.thetas >= 0) & (result.thetas <= 1))
    assert np.all(result.log_likelihood_history <= 0)
    # EM never lowers the likelihood (beyond rounding of numbers near -10^15).
    scale = np.abs(result.log_likelihood_history).max()
    assert np.all(np.diff(result.log_likelihood_history) >= -1e-12 * scale - 1e-9)


def test_equal_coins_split_by_their_weights_exactly_at_1e15_tosses():
    assert e_step([0], 10**15, [0.5, 0.5], [0.3, 0.7])[0] == pytest.approx([0.3, 0.7], rel=1e-15, abs=0)
    r = em([0, 10**15], 10**15, [0.3, 0.3], learn_weights=True)
    assert abs(r.weights.sum() - 1) <= 1e-15


def test_close_coins_at_1e12_tosses_match_an_exact_rational_computation():
    # Two coins 1e-7 apart, 10^12 tosses: the log-ratio is h*log(t1/t0) + t*log((1-t1)/(1-t0)),
    # which float math gets right only if the small differences are formed first.
    n, h = 10**12, 5 * 10**11 + 123_456
    t0, t1 = 0.5, 0.5 + 1e-7
    d = h * np.log1p((t1 - t0) / t0) + (n - h) * np.log1p((t0 - t1) / (1 - t0))
    expected = 1 / (1 + np.exp(d))  # P(coin 0), equal weights
    assert e_step([h], n, [t0, t1])[0, 0] == pytest.approx(expected, rel=1e-9)


def test_counts_beyond_2_to_the_53_are_refused_by_name():
    em([1], 2**53, [0.5])  # the largest exact count is fine
    with pytest.raises(ValueError, match=r"n_tosses must be at most 2\*\*53.*n_tosses = 9007199254740993"):
        em([1], 2**53 + 1, [0.5])
    with pytest.raises(ValueError, match=r"n_tosses is too large: n_tosses = 1e\+19"):
        em(HEADS, 1e19, [0.6, 0.5])
    with pytest.raises(ValueError, match=r"n_tosses\[1\]"):
        log_likelihood([1, 1], [2, 10**17], [0.5])


def test_map_em_matches_a_direct_maximisation_of_the_log_posterior():
    heads, n, _ = paper_data()
    result = em(heads, n, [0.6, 0.5], theta_prior=(2, 2), tol=1e-13, max_iter=10_000)

    def minus_log_posterior(t):
        comp = heads[:, None] * np.log(t) + (n - heads[:, None]) * np.log1p(-t)
        return -(logsumexp(comp + np.log(0.5), axis=1).sum() + np.sum(np.log(t) + np.log1p(-t)))

    direct = optimize.minimize(minus_log_posterior, [0.6, 0.5], method="L-BFGS-B", bounds=[(1e-9, 1 - 1e-9)] * 2,
                               options={"ftol": 1e-15, "gtol": 1e-12})
    assert result.thetas == pytest.approx(direct.x, abs=1e-5)
    assert result.theta_prior == (2.0, 2.0) and result.weight_prior is None
    assert result.log_posterior_history[-1] == pytest.approx(-direct.fun, abs=1e-9)
    # The prior pulls both coins towards 1/2, compared with plain EM.
    plain = em(heads, n, [0.6, 0.5])
    assert abs(result.thetas[0] - 0.5) < abs(plain.thetas[0] - 0.5)


def test_map_em_weight_prior_matches_its_closed_form_m_step():
    r = em(HEADS, N, [0.6, 0.5], learn_weights=True, theta_prior=(3, 2), weight_prior=4, tol=0, max_iter=1)
    resp = e_step(HEADS, N, [0.6, 0.5])
    h_k, t_k = resp.T @ HEADS, resp.T @ (N - HEADS)
    assert r.thetas == pytest.approx((h_k + 2) / (h_k + t_k + 3), rel=1e-13)
    assert r.weights == pytest.approx((resp.sum(axis=0) + 3) / (5 + 2 * 3), rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(
    heads=st.lists(st.integers(0, 30), min_size=1, max_size=12),
    start=st.lists(st.floats(0.02, 0.98), min_size=2, max_size=3),
    a=st.floats(1, 20),
    b=st.floats(1, 20),
    alpha=st.one_of(st.none(), st.floats(1, 20)),
)
def test_the_log_posterior_never_decreases(heads, start, a, b, alpha):
    result = em(heads, 30, start, learn_weights=alpha is not None, theta_prior=(a, b),
                weight_prior=alpha, tol=0, max_iter=40)
    post = result.log_posterior_history
    assert np.all(np.isfinite(post))
    assert np.all(np.diff(post) >= -1e-10 * np.abs(post).max())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(theta_prior=(0.5, 2)), r"theta_prior\[0\] \(a\) must be >= 1.*no mode inside"),
        (dict(theta_prior=(2, 0.9)), r"theta_prior\[1\] \(b\) must be >= 1"),
        (dict(weight_prior=0.5, learn_weights=True), r"weight_prior must be >= 1.*no mode"),
        (dict(weight_prior=2), r"learn_weights = False keeps them fixed"),
    ],
)
def test_priors_without_an_inner_mode_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        em(HEADS, N, [0.6, 0.5], **kwargs)
    with pytest.raises(ValueError, match=match):
        em_restarts(HEADS, N, n_starts=2, seed=0, **kwargs)


def test_binomial_coefficient_gives_r_loglik():
    thetas, weights = [0.7, 0.4], [0.3, 0.7]
    direct = sum(
        np.log(sum(w * np.exp(gammaln(N + 1) - gammaln(h + 1) - gammaln(N - h + 1)) * t**h * (1 - t) ** (N - h)
                   for t, w in zip(thetas, weights)))
        for h in HEADS
    )
    with_c = log_likelihood(HEADS, N, thetas, weights, binomial_coefficient=True)
    assert with_c == pytest.approx(direct, rel=1e-13)
    assert with_c - log_likelihood(HEADS, N, thetas, weights) == pytest.approx(log_binomial_coefficients(HEADS, N))


def test_emresult_counts_parameters_like_flexmix():
    fixed = em(HEADS, N, [0.6, 0.5])
    learned = em(HEADS, N, [0.6, 0.5, 0.4], learn_weights=True)
    assert (fixed.n_params, fixed.n_sets) == (2, 5)
    assert (learned.n_params, learned.n_sets) == (5, 5)
    assert fixed.bic() == bic(fixed.log_likelihood, 2, 5.0)
    assert learned.aic() == pytest.approx(-2 * learned.log_likelihood + 10)
    shift = -2 * log_binomial_coefficients(HEADS, N)
    assert fixed.bic(binomial_coefficient=True) == pytest.approx(fixed.bic() + shift)
    stats_fit = em(SufficientStats([4, 5, 9], [10, 10, 10], [1, 2, 3]), thetas=[0.6, 0.5])
    assert stats_fit.n_sets == 6
    with pytest.raises(ValueError, match="n_sets must be a whole number"):
        bic(-3.0, 2, 5.5)


def test_m_step_refuses_responsibilities_outside_0_1():
    with pytest.raises(ValueError, match=r"resp\[0, 0\] = 1.0000001"):
        m_step([[1 + 1e-7, -1e-7], [1e-7, 1 - 1e-7]], [0, 1], 1)


@pytest.mark.parametrize(
    "args, match",
    [
        (([5], [10], [-3]), r"counts\[0\] = -3"),
        (([15], [10], [1]), r"heads\[0\] = 15 > n_tosses\[0\] = 10"),
        (([5.0], [np.nan], [1]), r"n_tosses\[0\] = nan"),
        (([5, 6], [10], [1]), r"n_tosses must be an int or have one entry per set"),
    ],
)
def test_sufficient_stats_are_checked_on_construction(args, match):
    with pytest.raises(ValueError, match=match):
        SufficientStats(*args)
