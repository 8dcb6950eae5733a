"""Tests of coinem_helpers.plotting: the artists must carry the right data."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from coinem_helpers import e_step, em, log_likelihood, paper_data, sufficient_stats  # noqa: E402
from coinem_helpers.plotting import (  # noqa: E402
    PALETTE,
    plot_convergence,
    plot_em_path,
    plot_likelihood,
    plot_responsibilities,
)

HEADS, N_TOSSES, COINS = paper_data()


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plotting helpers must never call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    yield
    plt.close("all")


@pytest.fixture
def paper_result():
    return em(HEADS, N_TOSSES, [0.6, 0.5])


# ---------------------------------------------------------------------------
# plot_likelihood
# ---------------------------------------------------------------------------


def test_likelihood_peaks_at_paper_coin_a_mle():
    artists = plot_likelihood(HEADS[COINS == 0], N_TOSSES)
    theta, lik = artists.curve.get_data()
    # Coin A of the paper: 24 heads in 30 tosses.
    assert theta[np.argmax(lik)] == pytest.approx(24 / 30)
    assert lik.max() == pytest.approx(1.0)
    np.testing.assert_allclose(artists.mle_line.get_xdata(), [0.8, 0.8])
    np.testing.assert_allclose(artists.mle_marker.get_xydata(), [[0.8, 1.0]])
    # The relative likelihood by direct arithmetic, for a size where it does not underflow.
    expected = theta**24 * (1 - theta) ** 6 / (0.8**24 * 0.2**6)
    np.testing.assert_allclose(lik, expected, rtol=1e-9, atol=1e-300)
    assert "0.8" in artists.mle_text.get_text()


def test_likelihood_raw_scale():
    artists = plot_likelihood([9, 20], [10, 30], relative=False)  # H = 29, N = 40
    theta, lik = artists.curve.get_data()
    np.testing.assert_allclose(lik, theta**29 * (1 - theta) ** 11, rtol=1e-9, atol=1e-300)
    peak = (29 / 40) ** 29 * (11 / 40) ** 11
    np.testing.assert_allclose(artists.mle_marker.get_xydata(), [[29 / 40, peak]])
    assert "relative" not in artists.ax.get_ylabel()


def test_likelihood_scalar_input_and_labels():
    artists = plot_likelihood(3, 4, label="my coin")
    assert artists.curve.get_label() == "my coin"
    assert [t.get_text() for t in artists.ax.get_legend().get_texts()] == ["my coin"]
    assert artists.ax.get_xlabel() and artists.ax.get_ylabel()
    assert artists.ax.get_xlim() == (0.0, 1.0)
    np.testing.assert_allclose(artists.mle_line.get_xdata()[0], 0.75)


def test_likelihood_edge_mle_all_heads():
    artists = plot_likelihood(10, 10)
    theta, lik = artists.curve.get_data()
    assert np.all(np.isfinite(lik))
    assert theta[np.argmax(lik)] == 1.0
    assert lik[theta == 0.0] == 0.0  # theta = 0 cannot give a head


def test_likelihood_huge_n_is_finite_and_resolved():
    artists = plot_likelihood(800_000, 1_000_000)
    theta, lik = artists.curve.get_data()
    assert np.all(np.isfinite(lik))
    assert theta[np.argmax(lik)] == pytest.approx(0.8)
    # The peak is about 4e-4 wide: the curve must have points on its flanks, not just a spike.
    flank = (lik > 0.05) & (lik < 0.95)
    assert flank.sum() >= 20
    assert np.all(np.abs(theta[flank] - 0.8) < 0.005)


def test_likelihood_color_is_shared_and_default_is_palette():
    artists = plot_likelihood(HEADS[COINS == 0], N_TOSSES, color="#123456")
    for artist in (artists.curve, artists.mle_line, artists.mle_marker):
        assert to_rgba(artist.get_color()) == to_rgba("#123456")
    first = plot_likelihood(HEADS[COINS == 0], N_TOSSES)
    second = plot_likelihood(HEADS[COINS == 1], N_TOSSES, ax=first.ax)
    assert to_rgba(first.curve.get_color()) == to_rgba(PALETTE[0])
    assert to_rgba(second.curve.get_color()) == to_rgba(PALETTE[1])


# ---------------------------------------------------------------------------
# plot_responsibilities
# ---------------------------------------------------------------------------


def test_responsibility_bars_match_resp_and_stack_to_one():
    resp = e_step(HEADS, N_TOSSES, [0.6, 0.5])
    bars = plot_responsibilities(resp)
    assert len(bars) == 2
    heights = np.array([[bar.get_height() for bar in container] for container in bars]).T
    bottoms = np.array([[bar.get_y() for bar in container] for container in bars]).T
    np.testing.assert_allclose(heights, resp)
    np.testing.assert_allclose(bottoms[:, 0], 0.0)
    np.testing.assert_allclose(bottoms[:, 1], resp[:, 0])
    np.testing.assert_allclose(bottoms[:, -1] + heights[:, -1], 1.0)
    for k, container in enumerate(bars):
        for bar in container:
            assert to_rgba(bar.get_facecolor()) == to_rgba(PALETTE[k])
    ax = bars[0].patches[0].axes
    assert ax.get_ylim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["coin A", "coin B"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"set {i}" for i in range(1, 6)]
    assert ax.get_xlabel() and ax.get_ylabel()


def test_responsibilities_three_coins_and_custom_labels():
    resp = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    bars = plot_responsibilities(resp, set_labels=["x", "y"], coin_labels=["p", "q", "r"])
    tops = sum(np.array([bar.get_height() for bar in container]) for container in bars)
    np.testing.assert_allclose(tops, 1.0)
    np.testing.assert_allclose([bar.get_y() for bar in bars[2]], [0.5, 1.0])
    ax = bars[0].patches[0].axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["p", "q", "r"]


def test_responsibilities_many_sets_get_numbered_ticks():
    rng = np.random.default_rng(1)
    a = rng.uniform(size=60)
    resp = np.column_stack([a, 1 - a])
    bars = plot_responsibilities(resp)
    np.testing.assert_allclose([bar.get_height() for bar in bars[0]], a)
    ax = bars[0].patches[0].axes
    assert ax.get_xlim() == (0.5, 60.5)
    shown = [t for t in ax.get_xticks() if 0.5 <= t <= 60.5]
    assert 3 <= len(shown) <= 15 and all(float(t).is_integer() for t in shown)


# ---------------------------------------------------------------------------
# plot_em_path
# ---------------------------------------------------------------------------


def test_em_path_draws_the_history(paper_result):
    artists = plot_em_path(HEADS, N_TOSSES, result=paper_result)
    history = paper_result.thetas_history
    np.testing.assert_array_equal(artists.path.get_xdata(), history[:, 0])
    np.testing.assert_array_equal(artists.path.get_ydata(), history[:, 1])
    np.testing.assert_array_equal(artists.start.get_xydata(), history[:1])
    np.testing.assert_array_equal(artists.end.get_xydata(), history[-1:])
    same = plot_em_path(HEADS, N_TOSSES, history)
    np.testing.assert_array_equal(same.path.get_xydata(), history)


def test_em_path_symmetry_line_and_labels():
    artists = plot_em_path(HEADS, N_TOSSES)
    x, y = artists.symmetry.get_data()
    np.testing.assert_array_equal(x, y)
    assert min(x) == 0 and max(x) == 1
    assert artists.symmetry.get_linestyle() == "--"
    assert artists.path is None and artists.start is None and artists.end is None
    assert r"$\theta_A$" in artists.ax.get_xlabel()
    assert r"$\theta_B$" in artists.ax.get_ylabel()
    assert artists.ax.get_xlim() == (0.0, 1.0) and artists.ax.get_ylim() == (0.0, 1.0)


def test_em_path_landscape_is_the_log_likelihood():
    artists = plot_em_path(HEADS, N_TOSSES, grid=21, weights=[0.3, 0.7])
    theta, grid = artists.theta, artists.loglik
    np.testing.assert_allclose(theta, np.linspace(0, 1, 21))
    for i, j in [(16, 10), (3, 17), (10, 10), (20, 5), (1, 19)]:
        expected = log_likelihood(HEADS, N_TOSSES, [theta[i], theta[j]], weights=[0.3, 0.7])
        assert grid[j, i] == pytest.approx(expected, rel=1e-12)


def test_em_path_landscape_is_mirror_symmetric_with_equal_weights():
    loglik = plot_em_path(HEADS, N_TOSSES, grid=31).loglik
    np.testing.assert_allclose(loglik, loglik.T, rtol=1e-12)


def test_em_path_masks_impossible_corners():
    artists = plot_em_path(HEADS, N_TOSSES, grid=11)
    loglik = artists.loglik
    # Every paper set has heads and tails, so a coin at theta = 0 or 1 cannot produce it;
    # the likelihood is 0 only where *both* coins are at 0 or 1: the four corners.
    at_edge = (artists.theta == 0) | (artists.theta == 1)
    np.testing.assert_array_equal(np.ma.getmaskarray(loglik), at_edge[:, None] & at_edge[None, :])
    assert np.all(np.isfinite(loglik.compressed()))


def test_em_path_accepts_sufficient_stats_and_no_colorbar():
    direct = plot_em_path(HEADS, N_TOSSES, grid=15)
    stats = plot_em_path(sufficient_stats(HEADS, N_TOSSES), grid=15, colorbar=False)
    np.testing.assert_allclose(stats.loglik, direct.loglik)
    assert stats.colorbar is None
    assert len(stats.ax.figure.axes) == 1
    assert direct.colorbar is not None


def test_em_path_levels():
    artists = plot_em_path(HEADS, N_TOSSES, levels=8)
    levels = artists.contour.levels
    assert np.all(np.diff(levels) > 0)
    assert levels[-1] == pytest.approx(artists.loglik.max())
    given = plot_em_path(HEADS, N_TOSSES, levels=[-60, -40, -35, -32, -31])
    np.testing.assert_array_equal(given.contour.levels, [-60, -40, -35, -32, -31])


# ---------------------------------------------------------------------------
# plot_convergence
# ---------------------------------------------------------------------------


def test_convergence_line_is_the_history(paper_result):
    line = plot_convergence(paper_result.log_likelihood_history, label="start (0.6, 0.5)")
    np.testing.assert_array_equal(line.get_ydata(), paper_result.log_likelihood_history)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(paper_result.n_iter + 1))
    assert line.get_marker() not in (None, "None", "")
    ax = line.axes
    assert ax.get_xlabel() and ax.get_ylabel()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert all(float(t).is_integer() for t in ticks)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["start (0.6, 0.5)"]


def test_convergence_accepts_emresult(paper_result):
    line = plot_convergence(paper_result)
    np.testing.assert_array_equal(line.get_ydata(), paper_result.log_likelihood_history)
    assert line.axes.get_legend() is None


# ---------------------------------------------------------------------------
# Shared behaviour: axes, background, input checks
# ---------------------------------------------------------------------------

CALLS = {
    "likelihood": lambda ax: plot_likelihood(HEADS, N_TOSSES, ax=ax).curve.axes,
    "responsibilities": lambda ax: plot_responsibilities(
        e_step(HEADS, N_TOSSES, [0.6, 0.5]), ax=ax
    )[0].patches[0].axes,
    "em_path": lambda ax: plot_em_path(HEADS, N_TOSSES, [[0.6, 0.5], [0.7, 0.6]], ax=ax, grid=11).ax,
    "convergence": lambda ax: plot_convergence([-33.0, -32.0, -31.9], ax=ax).axes,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_draws_on_given_axes_without_new_figure(name):
    fig, ax = plt.subplots()
    before = plt.get_fignums()
    drawn_on = CALLS[name](ax)
    assert drawn_on is ax
    assert plt.get_fignums() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_new_figure_has_opaque_background(name):
    before = set(plt.get_fignums())
    ax = CALLS[name](None)
    assert set(plt.get_fignums()) - before == {ax.figure.number}
    assert to_rgba(ax.figure.get_facecolor())[3] == 1.0
    assert to_rgba(ax.get_facecolor())[3] == 1.0


BAD_INPUTS = [
    (lambda: plot_likelihood([5, 11], 10), ValueError, "heads"),
    (lambda: plot_likelihood([5, -1], 10), ValueError, "heads"),
    (lambda: plot_likelihood([5, 4], [10, 0]), ValueError, "n_tosses"),
    (lambda: plot_likelihood(["a"], 10), TypeError, "heads"),
    (lambda: plot_likelihood(5, None), TypeError, "n_tosses"),
    (lambda: plot_likelihood(5, 10, ax="not axes"), TypeError, "ax"),
    (lambda: plot_responsibilities([[0.5, 0.6]]), ValueError, "sum to 1"),
    (lambda: plot_responsibilities([0.5, 0.5]), ValueError, "resp"),
    (lambda: plot_responsibilities(np.zeros((0, 2))), ValueError, "resp"),
    (lambda: plot_responsibilities([[1.2, -0.2]]), ValueError, "resp"),
    (lambda: plot_responsibilities([[1.0, 0.0]], coin_labels=["A"]), ValueError, "coin_labels"),
    (lambda: plot_responsibilities([[1.0, 0.0]], set_labels="ab"), TypeError, "set_labels"),
    (lambda: plot_em_path(HEADS, N_TOSSES, [0.6, 0.5]), ValueError, "thetas_history"),
    (lambda: plot_em_path(HEADS, N_TOSSES, [[0.6, 1.5]]), ValueError, "thetas_history"),
    (lambda: plot_em_path(HEADS, N_TOSSES, [[0.6, np.nan]]), ValueError, "thetas_history"),
    (lambda: plot_em_path(HEADS, N_TOSSES, [[0.6, 0.5, 0.4]]), ValueError, "thetas_history"),
    (lambda: plot_em_path(HEADS, N_TOSSES, weights=[0.5, 0.6]), ValueError, "weights"),
    (lambda: plot_em_path(HEADS, N_TOSSES, grid=1), ValueError, "grid"),
    (lambda: plot_em_path(HEADS, N_TOSSES, grid=10.5), TypeError, "grid"),
    (lambda: plot_em_path(HEADS, N_TOSSES, levels=[-30, -40]), ValueError, "levels"),
    (lambda: plot_em_path(HEADS, N_TOSSES, result="r"), TypeError, "result"),
    (lambda: plot_em_path(HEADS, 10, [[0.6, 0.5]], result=em(HEADS, 10, [0.6, 0.5])), TypeError, "either"),
    (lambda: plot_em_path(HEADS, N_TOSSES, result=em(HEADS, 10, [0.6, 0.5, 0.4])), ValueError, "two coins"),
    (lambda: plot_em_path(sufficient_stats(HEADS, N_TOSSES), 10), TypeError, "n_tosses"),
    (lambda: plot_em_path([3, 12], 10), ValueError, "heads"),
    (lambda: plot_convergence([]), ValueError, "log_likelihood_history"),
    (lambda: plot_convergence([[1.0, 2.0]]), ValueError, "log_likelihood_history"),
    (lambda: plot_convergence([-3.0, -np.inf]), ValueError, "log_likelihood_history"),
    (lambda: plot_convergence("abc"), TypeError, "log_likelihood_history"),
]


@pytest.mark.parametrize(("call", "error", "match"), BAD_INPUTS)
def test_bad_input_raises_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
