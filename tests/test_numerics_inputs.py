"""Odd inputs found by outside fuzzing: each gives a correct result, or an error naming the argument,
the value and what was expected."""

from fractions import Fraction

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coinem_helpers import (  # noqa: E402
    bic,
    coin_name,
    count_heads,
    e_step,
    em,
    em_restarts,
    log_likelihood,
    mle_known,
    simulate,
    sufficient_stats,
)
from coinem_helpers.plotting import plot_em_path, plot_responsibilities  # noqa: E402

H = [5, 9, 8, 4, 7]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


REFUSED = [
    # (call, error type, pattern naming argument and value)
    (lambda: em(H, 1e19, [0.6, 0.5]), ValueError, r"n_tosses is too large: n_tosses = 1e\+19"),
    (lambda: em([2**63, 9], 10, [0.6, 0.5]), ValueError, r"heads is too large: heads\[0\]"),
    (lambda: em(H, 2**70, [0.6, 0.5]), ValueError, r"n_tosses is too large: n_tosses = 1180591620717411303424"),
    (lambda: em([Fraction(5), 9], 10, [0.6, 0.5]), TypeError, r"heads must be an array of numbers.*dtype object"),
    (
        lambda: em(np.array(H, dtype="timedelta64[s]"), 10, [0.6, 0.5]),
        TypeError,
        r"heads must be an array of numbers.*timedelta",
    ),
    (
        lambda: em(np.ma.array(H, mask=[0, 0, 0, 0, 1]), 10, [0.6, 0.5]),
        TypeError,
        r"heads must be a plain array.*compressed",
    ),
    (lambda: em(H, True, [0.6, 0.5]), TypeError, r"n_tosses must hold numbers, not booleans"),
    (lambda: em(H, 10, [0.6, 0.5], learn_weights="False"), TypeError, r"learn_weights must be True or False.*'False'"),
    (lambda: em(H, 10, [0.6, 0.5], learn_weights=np.array([True, False])), TypeError, r"learn_weights must be"),
    (lambda: em(H, 10, [0.6, 0.5], tol=np.float16(1e-8)), TypeError, r"tol must be a float.*np.float16\(0.0\)"),
    (lambda: simulate(3, 5, [0.3, 0.7], seed=-1), ValueError, r"seed must be a non-negative int.*seed = -1"),
    (lambda: em_restarts(H, 10, seed=-1), ValueError, r"seed must be a non-negative int.*seed = -1"),
    (lambda: em_restarts(H, 10, seed="abc"), TypeError, r"seed must be None, an int or a numpy.*'abc'"),
    (lambda: em_restarts(H, 10, n_starts=10**9), ValueError, r"n_starts must be at most 100,000.*= 1000000000"),
    (lambda: em_restarts(H, 10, n_coins=3, weights=[0.5, 0.5]), ValueError, r"one entry per coin \(n_coins = 3\)"),
    (lambda: simulate(10**20, 5, [0.3, 0.7]), ValueError, r"n_sets \* n_tosses must be at most.*n_sets = 10{20}"),
    (lambda: mle_known(H, 10, [1, 0, 0, 1, -1]), ValueError, r"coins\[4\] = -1"),
    (lambda: mle_known([5, 9], 10, [0, 10**9]), ValueError, r"coin 1 has no sets"),
    (lambda: count_heads("\u1e96"), ValueError, r"only 'H' and 'T'.*position 0"),
    (lambda: count_heads([[0, 1], [1, -1]]), ValueError, r"tosses\[1, 1\] = -1"),
    (lambda: count_heads(np.array([0, 3], dtype=np.uint8)), ValueError, r"tosses\[1\] = 3"),
    (lambda: coin_name(-1), ValueError, r"k must be >= 0, but got k = -1"),
    (lambda: coin_name("a"), TypeError, r"k must be an int, but got 'a'"),
    (lambda: bic(float("nan"), 2, 5), ValueError, r"log_likelihood must be finite.*nan"),
    (lambda: bic("1e3", 2, 5), TypeError, r"log_likelihood must be a number.*'1e3'"),
    (lambda: bic(-30.0, 2, 2**64), ValueError, r"n_sets must be between 1 and"),
    (lambda: sufficient_stats(np.array([5, 9, 8, 4]), np.full(5, 10)), ValueError, r"one entry per set \(4\)"),
    (lambda: plot_em_path(H, 10, grid=2), ValueError, r"grid must be >= 3, but got grid = 2"),
    (lambda: plot_em_path(H, 10, grid=10**5), ValueError, r"grid must be at most 2,001, but got grid = 100000"),
    (lambda: plot_em_path(H, 10, levels=257), ValueError, r"levels must be at most 256"),
    (lambda: plot_responsibilities(np.full((10**5, 2), 0.5)), ValueError, r"100,000 sets.*at most 2,000"),
    (
        lambda: plot_responsibilities(e_step(H, 10, [0.6, 0.5]), set_labels=5),
        TypeError,
        r"set_labels must be a sequence of 5 labels.*5 \(int\)",
    ),
]


@pytest.mark.parametrize("call, error, match", REFUSED, ids=[m for _, _, m in REFUSED])
def test_odd_inputs_are_refused_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dask_sufficient_stats_shape_mismatch_is_named():
    da = pytest.importorskip("dask.array")
    with pytest.raises(ValueError, match=r"one entry per set \(4\), but got shape \(5,\)"):
        sufficient_stats(np.array([5, 9, 8, 4]), da.from_array(np.full(5, 10), chunks=2))
    tosses = da.from_array(np.ones((2, 6), dtype=int), chunks=1)
    assert sufficient_stats(tosses, 6.0).heads.tolist() == [6]  # a whole float is the int


def test_odd_but_legal_inputs_give_correct_results():
    ref = em(H, 10, [0.6, 0.5])
    assert em(H, 10, [0.6, 0.5], tol=Fraction(1, 10**8)).thetas.tolist() == ref.thetas.tolist()
    assert str(em(H, 10, [-0.0, 0.5]).thetas[0]) == "0.0"  # no negative zero
    assert sufficient_stats(sufficient_stats(H, 10)).n_sets == 5
    assert [coin_name(k) for k in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    # Weights within rounding of 1 are rescaled, so a million sets do not see the excess.
    big = H * 200_000
    almost = log_likelihood(big, 10, [0.6, 0.5], [0.5, 0.5 + 1e-7])
    exact = log_likelihood(big, 10, [0.6, 0.5], [0.5 / (1 + 1e-7), (0.5 + 1e-7) / (1 + 1e-7)])
    assert almost == pytest.approx(exact, rel=1e-15)
    tosses, coins = simulate(3, 5, [0.3, 0.7], [0.5, 0.5 + 1e-7], seed=0)
    assert tosses.shape == (3, 5)
    # A contour plot of sets of 10^15 tosses: levels that coincide in float64 are merged.
    artists = plot_em_path([5 * 10**14] * 2, 10**15, grid=11)
    assert np.all(np.diff(artists.contour.levels) > 0)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(
    x=hnp.arrays(
        dtype=st.sampled_from([np.int64, np.int8, np.uint16, np.bool_]),
        shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
        elements=st.integers(0, 1),
    ),
    view=st.sampled_from(["c", "f", "reversed", "every_other_column"]),
)
def test_count_heads_in_one_pass_equals_a_row_sum_for_any_layout(x, view):
    x = {"c": x, "f": np.asfortranarray(x), "reversed": x[::-1], "every_other_column": x[:, ::2]}[view]
    assert count_heads(x).tolist() == x.sum(axis=1).astype(int).tolist()
