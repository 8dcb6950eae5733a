r"""Plots of the course: likelihood curves, responsibilities, EM paths and convergence.

Every function draws on ``ax`` when given one and otherwise on a new figure
from :func:`matplotlib.pyplot.subplots`; it returns what it drew so that a
notebook (or a test) can inspect or restyle it, and it never calls
``plt.show()`` or saves a file.

Colours come from the Okabe--Ito palette (:data:`PALETTE`), which stays
distinguishable under the common forms of colour blindness: coin A is
blue, coin B orange.  Figures and axes created here get an opaque white
background so that they stay readable in a dark-mode notebook.

The maths lives in :mod:`coinem_helpers.core`; this module only draws it.
"""

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import BoundaryNorm, is_color_like
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from scipy.special import xlog1py, xlogy

from ._validation import (
    as_numeric_array,
    check_bool,
    check_positive_int,
    check_resp,
    check_sets,
    check_weights,
)
from .core import EMResult, SufficientStats, _log_joint, sufficient_stats
from .data import coin_name

__all__ = [
    "BACKGROUND",
    "PALETTE",
    "EMPathArtists",
    "LikelihoodArtists",
    "coin_color",
    "plot_convergence",
    "plot_em_path",
    "plot_likelihood",
    "plot_responsibilities",
]

#: Okabe--Ito colours, in the order coins use them: A blue, B orange, then
#: green, pink, sky blue, vermillion, yellow, black.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)

#: Background of the figures and axes created here (opaque, for dark mode).
BACKGROUND = "white"

# The EM path is drawn over a viridis landscape: vermillion is not in
# viridis, and black-edged white markers stand out on both its ends.
_PATH_COLOR = PALETTE[5]


def coin_color(k):
    """The colour of coin ``k`` (``PALETTE`` repeats after eight coins).

    Examples
    --------
    >>> coin_color(0), coin_color(1)
    ('#0072B2', '#E69F00')
    """
    return PALETTE[int(k) % len(PALETTE)]


def _axes(ax):
    """The axes to draw on: ``ax``, or a new figure's with an opaque background.

    Axes we create cycle through :data:`PALETTE`; an ``ax`` passed in keeps
    its own style.
    """
    if ax is not None:
        if not hasattr(ax, "plot") or not hasattr(ax, "figure"):
            raise TypeError(f"ax must be a matplotlib Axes, but got {ax!r} ({type(ax).__name__}).")
        return ax
    fig, ax = plt.subplots(layout="constrained")
    fig.set_facecolor(BACKGROUND)
    ax.set_facecolor(BACKGROUND)
    ax.set_prop_cycle(color=PALETTE)
    return ax


def _check_label(label, name="label"):
    """A legend label: None or a string (matplotlib would print any object's repr)."""
    if label is not None and not isinstance(label, str):
        raise TypeError(f"{name} must be a string or None, but got {label!r} ({type(label).__name__}).")
    return label


def _check_color(color):
    """None or anything matplotlib reads as a colour, checked here rather than deep in matplotlib."""
    if color is not None and (isinstance(color, (bool, np.bool_)) or not is_color_like(color)):
        raise ValueError(
            f"color must be a matplotlib colour such as 'C0', '#0072B2' or (0, 0.45, 0.7), "
            f"but got color = {color!r}."
        )
    return color


def _check_labels(labels, n, name, default):
    """``labels`` as a list of n strings, or ``default(i)`` for each i when None."""
    if labels is None:
        return [default(i) for i in range(n)]
    if isinstance(labels, str):
        raise TypeError(f"{name} must be a sequence of {n} labels, but got the single string {labels!r}.")
    try:
        labels = [str(lab) for lab in labels]
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of {n} labels, but got {labels!r} ({type(labels).__name__})."
        ) from None
    if len(labels) != n:
        what = name.split("_")[0]
        raise ValueError(f"{name} must have {n} entries, one per {what}, but got {len(labels)}.")
    return labels


# ---------------------------------------------------------------------------
# Likelihood of one coin
# ---------------------------------------------------------------------------


class LikelihoodArtists(NamedTuple):
    """What :func:`plot_likelihood` drew.

    Attributes
    ----------
    curve : matplotlib.lines.Line2D
        The likelihood against theta (x-data theta, y-data the likelihood).
    mle_line : matplotlib.lines.Line2D
        Dashed vertical line at the MLE ``H / N``.
    mle_marker : matplotlib.lines.Line2D
        One marker at ``(H / N, peak)``.
    mle_text : matplotlib.text.Annotation
        The label of the MLE, e.g. ":math:`\\hat\\theta = 0.8`".
    ax : matplotlib.axes.Axes
        The axes drawn on.
    """

    curve: object
    mle_line: object
    mle_marker: object
    mle_text: object
    ax: object


def _theta_grid(mle, n_total):
    """Theta values for a likelihood curve: a uniform grid plus a fine one around the MLE.

    The likelihood of N tosses is about sqrt(theta (1 - theta) / N) wide, so
    for a million tosses a uniform grid would miss the peak; the fine grid
    spans eight widths either side, and the MLE itself is always included.
    """
    width = max(np.sqrt(mle * (1 - mle) / n_total), 1.0 / n_total)
    fine = np.clip(mle + width * np.linspace(-8, 8, 401), 0.0, 1.0)
    return np.unique(np.concatenate([np.linspace(0.0, 1.0, 501), fine, [mle]]))


def plot_likelihood(heads, n_tosses, *, ax=None, label=None, relative=True, color=None):
    r"""Plot the likelihood of one coin's heads probability when its sets are known.

    With :math:`H` heads in :math:`N` tosses in total,

    .. math:: L(\theta) = \theta^H (1 - \theta)^{N - H},

    maximised at :math:`\hat\theta = H / N`, which is marked with a dashed
    vertical line, a marker and its value.  The log-likelihood is computed
    with :func:`scipy.special.xlogy` / :func:`~scipy.special.xlog1py`, so
    :math:`\theta = 0` or :math:`1` is exact and nothing underflows before
    the last step.

    Parameters
    ----------
    heads : int or array-like of shape (n_sets,)
        Heads in each of this coin's sets (they are summed).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when None.
    label : str, default=None
        Legend label of the curve; ``"H/N heads"`` when None.
    relative : bool, default=True
        Draw :math:`L(\theta) / L(\hat\theta)`, which peaks at exactly 1 and
        never underflows, even for a million tosses.  False draws the raw
        :math:`L(\theta)`, which underflows to 0 beyond about a thousand
        tosses.
    color : color, default=None
        Colour of the curve and its MLE marks; the next colour of the axes'
        cycle (:data:`PALETTE` on new axes) when None.

    Returns
    -------
    LikelihoodArtists
        Named tuple ``(curve, mle_line, mle_marker, mle_text, ax)``.

    Examples
    --------
    Coin A of the paper's Figure 1a: 24 heads in three sets of ten.

    >>> heads, n_tosses, coins = paper_data()
    >>> fig, ax = plt.subplots()
    >>> artists = plot_likelihood(heads[coins == 0], n_tosses, ax=ax, label="coin A")
    >>> float(artists.mle_line.get_xdata()[0])
    0.8
    >>> theta, lik = artists.curve.get_data()
    >>> float(theta[np.argmax(lik)]), float(lik.max())
    (0.8, 1.0)
    >>> plt.close(fig)
    """
    label = _check_label(label)
    color = _check_color(color)
    relative = check_bool(relative, "relative")
    h = np.atleast_1d(as_numeric_array(heads, "heads"))
    h, n = check_sets(h, n_tosses)
    total_heads = int(h.sum())
    total_tosses = n * h.size if isinstance(n, int) else int(n.sum())
    mle = total_heads / total_tosses

    theta = _theta_grid(mle, total_tosses)
    log_lik = xlogy(total_heads, theta) + xlog1py(total_tosses - total_heads, -theta)
    log_peak = float(xlogy(total_heads, mle) + xlog1py(total_tosses - total_heads, -mle))
    if relative:
        lik, peak = np.exp(log_lik - log_peak), 1.0
        ylabel = r"relative likelihood $L(\theta)\,/\,L(\hat\theta)$"
    else:
        lik, peak = np.exp(log_lik), float(np.exp(log_peak))
        ylabel = r"likelihood $L(\theta)$"

    ax = _axes(ax)
    if label is None:
        label = f"{total_heads}/{total_tosses} heads"
    (curve,) = ax.plot(theta, lik, color=color, label=label)
    color = curve.get_color()
    mle_line = ax.axvline(mle, color=color, linestyle="--", linewidth=1)
    (mle_marker,) = ax.plot([mle], [peak], "o", color=color, markersize=7)
    mle_text = ax.annotate(
        rf"$\hat\theta = {mle:.3g}$",
        xy=(mle, peak),
        xytext=(6, 4),
        textcoords="offset points",
        color=color,
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.12 * peak if peak > 0 else 1)
    ax.set_xlabel(r"heads probability $\theta$")
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left")
    return LikelihoodArtists(curve, mle_line, mle_marker, mle_text, ax)


# ---------------------------------------------------------------------------
# Responsibilities
# ---------------------------------------------------------------------------


#: The most sets plot_responsibilities draws (one bar each).
MAX_BARS = 2_000

#: The largest grid of plot_em_path (grid x grid log-likelihoods).
MAX_GRID = 2_001


def plot_responsibilities(resp, *, ax=None, set_labels=None, coin_labels=None):
    r"""Stacked bars of the responsibilities: for each set, how much each coin is to blame.

    Bar ``i`` is split into one segment per coin, of height
    :math:`r_{ik} = P(\text{coin } k \mid \text{set } i)`, so every bar
    reaches exactly 1.  With at most 12 sets, segments taller than 0.08 are
    labelled with their value.

    Parameters
    ----------
    resp : array-like of shape (n_sets, n_coins)
        Responsibilities, e.g. from :func:`~coinem_helpers.e_step`; each row
        must sum to 1.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when None.
    set_labels : sequence of str, default=None
        One tick label per set; ``"set 1"``, ``"set 2"``, ... when None (with
        more than 20 sets, a few ticks numbered from 1 instead).
    coin_labels : sequence of str, default=None
        One legend label per coin; ``"coin A"``, ``"coin B"``, ... when None.

    Returns
    -------
    list of matplotlib.container.BarContainer
        One container per coin, in coin order; bar ``i`` of container ``k``
        has height ``resp[i, k]`` and starts at ``resp[i, :k].sum()``.
        Bar ``i`` is centred at ``x = i + 1`` (the set's number); coin ``k``
        is coloured :func:`coin_color` ``(k)``.

    Examples
    --------
    The paper's first E-step, from (0.6, 0.5):

    >>> heads, n_tosses, _ = paper_data()
    >>> resp = e_step(heads, n_tosses, [0.6, 0.5])
    >>> fig, ax = plt.subplots()
    >>> bars = plot_responsibilities(resp, ax=ax)
    >>> np.round([bar.get_height() for bar in bars[0]], 2)
    array([0.45, 0.8 , 0.73, 0.35, 0.65])
    >>> plt.close(fig)
    """
    arr = as_numeric_array(resp, "resp")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"resp must have shape (n_sets, n_coins) with at least one set, but got shape {arr.shape}."
        )
    if arr.shape[0] > MAX_BARS:  # checked first: drawing 10^5 bars takes minutes
        raise ValueError(
            f"resp has {arr.shape[0]:,} sets, but plot_responsibilities draws one bar per set and "
            f"at most {MAX_BARS:,}; plot a slice (e.g. resp[:100]) or a histogram of resp[:, 0]."
        )
    resp = check_resp(arr, arr.shape[0])
    n_sets, n_coins = resp.shape
    many = n_sets > 20 and set_labels is None  # too many sets to name each one
    set_labels = _check_labels(set_labels, n_sets, "set_labels", lambda i: f"set {i + 1}")
    coin_labels = _check_labels(coin_labels, n_coins, "coin_labels", lambda k: f"coin {coin_name(k)}")

    ax = _axes(ax)
    x = np.arange(1, n_sets + 1)  # bar i sits at set number i + 1
    # Bottoms are cumulative sums of the earlier coins, so each bar tops out at 1.
    bottoms = np.hstack([np.zeros((n_sets, 1)), np.cumsum(resp, axis=1)[:, :-1]])
    bars = []
    for k in range(n_coins):
        container = ax.bar(
            x,
            resp[:, k],
            bottom=bottoms[:, k],
            color=coin_color(k),
            edgecolor=BACKGROUND,
            linewidth=0 if many else 0.8,  # white edges would hide thin bars
            label=coin_labels[k],
        )
        if n_sets <= 12:
            text = [f"{v:.2f}" if v > 0.08 else "" for v in resp[:, k]]
            # Black on orange/yellow/sky blue, white on the darker colours.
            dark = coin_color(k) in {"#0072B2", "#009E73", "#D55E00", "#000000", "#CC79A7"}
            ax.bar_label(container, labels=text, label_type="center", color="white" if dark else "black")
        bars.append(container)
    if many:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # a few set numbers
        ax.set_xlim(0.5, n_sets + 0.5)
    else:
        ax.set_xticks(x, set_labels)
    ax.set_ylim(0, 1)
    ax.set_xlabel("set")
    ax.set_ylabel(r"responsibility $P(\mathrm{coin} \mid \mathrm{set})$")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    return bars


# ---------------------------------------------------------------------------
# The EM path on the log-likelihood landscape
# ---------------------------------------------------------------------------


class EMPathArtists(NamedTuple):
    """What :func:`plot_em_path` drew.

    Attributes
    ----------
    contour : matplotlib.contour.QuadContourSet
        The filled contours of the log-likelihood.
    contour_lines : matplotlib.contour.QuadContourSet
        Thin lines at the same levels.
    symmetry : matplotlib.lines.Line2D
        The dashed line :math:`\\theta_A = \\theta_B`.
    path : matplotlib.lines.Line2D or None
        The EM path: x-data ``history[:, 0]`` (theta_A), y-data ``history[:, 1]``.
    start, end : matplotlib.lines.Line2D or None
        Markers at the first and last rows of the history.
    colorbar : matplotlib.colorbar.Colorbar or None
    theta : ndarray of shape (grid,)
        The grid of theta values along each axis.
    loglik : numpy.ma.MaskedArray of shape (grid, grid)
        The log-likelihood on the grid, ``loglik[j, i]`` at
        ``(theta_A, theta_B) = (theta[i], theta[j])``; ``-inf`` is masked.
    ax : matplotlib.axes.Axes
    """

    contour: object
    contour_lines: object
    symmetry: object
    path: object
    start: object
    end: object
    colorbar: object
    theta: np.ndarray
    loglik: np.ma.MaskedArray
    ax: object


def _loglik_grid(stats, theta, weights):
    """Observed-data log-likelihood at every (theta_A, theta_B) on ``theta x theta``.

    Uses the same per-coin term as :func:`coinem_helpers.log_likelihood`
    (``core._log_joint``) on the distinct (heads, n_tosses) pairs: one
    (pairs x grid) table per coin, combined with ``logaddexp`` over the
    grid x grid plane in chunks of pairs to bound memory.
    """
    h, n, counts = stats.heads, stats.n_tosses, stats.counts
    log_a = _log_joint(h, n, theta, np.full(theta.size, weights[0]))  # (pairs, grid)
    log_b = _log_joint(h, n, theta, np.full(theta.size, weights[1]))
    total = np.zeros((theta.size, theta.size))  # [theta_B index, theta_A index]
    chunk = max(1, 2_000_000 // theta.size**2)
    for s in range(0, h.size, chunk):
        log_px = np.logaddexp(log_b[s : s + chunk, :, None], log_a[s : s + chunk, None, :])
        total += np.tensordot(counts[s : s + chunk], log_px, axes=(0, 0))
    return np.ma.masked_invalid(total)


def _check_history(history, name):
    arr = as_numeric_array(history, name).astype(float)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must have shape (n_steps, 2): one (theta_A, theta_B) row per step for two coins, "
            f"but got shape {arr.shape}."
        )
    bad = ~((arr >= 0) & (arr <= 1))  # also catches NaN
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{name} must lie in [0, 1], but got {name}[{i}, {j}] = {arr[i, j]}.")
    return arr


def _contour_levels(loglik, levels):
    """Contour levels: log-spaced drops below the best grid value for an int.

    The log-likelihood falls off steeply towards the edges of the square, so
    evenly spaced levels would put every line at the edges; drops of
    0.1 ... (max - min) below the maximum show the landscape near the top.
    """
    finite = loglik.compressed()
    if finite.size == 0:
        raise ValueError(
            "the log-likelihood is -inf at every grid point (only thetas of 0 and 1 are on the grid, "
            "and no coin with those can produce the data); use a finer grid."
        )
    if np.ndim(levels) == 0:
        # One colour per band, from a 256-colour map.
        n_levels = check_positive_int(levels, "levels", minimum=2, maximum=256)
        top, span = float(finite.max()), float(np.ptp(finite))
        if span == 0:
            return np.array([top - 1.0, top])
        drops = np.geomspace(span, min(0.1, span / 2), n_levels)
        # Near -10^15 a drop of 0.1 is below the spacing of floats: merge levels that coincide.
        out = np.unique(np.append(top - drops, top))
        return out if out.size >= 2 else np.array([top - span, top])
    arr = as_numeric_array(levels, "levels").astype(float)
    if (
        arr.ndim != 1
        or not 2 <= arr.size <= 257
        or not np.all(np.isfinite(arr))
        or np.any(np.diff(arr) <= 0)
    ):
        raise ValueError(
            f"levels must be an int from 2 to 256 or an increasing 1-D array of 2 to 257 finite "
            f"numbers, but got {levels!r}."
        )
    return arr


def plot_em_path(
    heads,
    n_tosses=None,
    thetas_history=None,
    *,
    weights=None,
    ax=None,
    grid=101,
    levels=20,
    result=None,
    colorbar=True,
):
    r"""Draw EM's path over the log-likelihood landscape of two coins.

    The filled contours show the observed-data log-likelihood
    :math:`\ell(\theta_A, \theta_B)` (:func:`~coinem_helpers.log_likelihood`)
    on a ``grid x grid`` square over :math:`[0, 1]^2`, with the mixing
    weights held fixed; points where it is :math:`-\infty` are left blank.
    EM's estimates are joined in order, with the start marked by a square
    and the end by a star.  The dashed diagonal :math:`\theta_A = \theta_B`
    is the mirror of the landscape: swapping the coins' names (with equal
    weights) gives the same likelihood, so every peak has a twin across it.

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
        Heads in each set, or a :class:`~coinem_helpers.SufficientStats`
        (then leave ``n_tosses`` out).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set.
    thetas_history : array-like of shape (n_steps, 2), default=None
        EM's estimates, row ``t`` after iteration ``t`` (as
        ``EMResult.thetas_history``).  Leave out, with ``result``, to draw
        the landscape alone.
    weights : array-like of shape (2,), default=None
        Mixing weights of the landscape; ``result.weights`` when ``result``
        is given, else uniform.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when None.
    grid : int, default=101
        Grid points per axis, from 3 to 2001.
    levels : int or array-like, default=20
        Number of contour levels, spaced by log-spaced drops below the best
        grid value so that the peaks get most of them; or the increasing
        levels themselves.
    result : EMResult, default=None
        A run of :func:`~coinem_helpers.em`; its ``thetas_history`` is drawn.
        Give either this or ``thetas_history``, not both.
    colorbar : bool, default=True
        Add a colour bar.  Pass False when redrawing on the same axes (a
        widget), since each colour bar takes space from the axes.

    Returns
    -------
    EMPathArtists
        Named tuple ``(contour, contour_lines, symmetry, path, start, end,
        colorbar, theta, loglik, ax)``; ``path``, ``start`` and ``end`` are
        None without a history, ``colorbar`` is None when not drawn.

    Examples
    --------
    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5])
    >>> fig, ax = plt.subplots()
    >>> artists = plot_em_path(heads, n_tosses, result=result, ax=ax)
    >>> np.array_equal(artists.path.get_xdata(), result.thetas_history[:, 0])
    True
    >>> artists.end.get_xdata().round(2), artists.end.get_ydata().round(2)
    (array([0.8]), array([0.52]))
    >>> plt.close(fig)
    """
    if isinstance(heads, SufficientStats):
        if n_tosses is not None:
            raise TypeError(
                "n_tosses must be left out when heads is a SufficientStats (it already holds the "
                f"set lengths), but got n_tosses = {n_tosses!r}."
            )
        stats = heads
    else:
        stats = sufficient_stats(heads, n_tosses)
    if result is not None:
        if not isinstance(result, EMResult):
            raise TypeError(f"result must be an EMResult from em(), but got {type(result).__name__}.")
        if thetas_history is not None:
            raise TypeError("give either thetas_history or result, not both.")
        history = _check_history(result.thetas_history, "result.thetas_history")
        if weights is None:
            weights = result.weights
    elif thetas_history is not None:
        history = _check_history(thetas_history, "thetas_history")
    else:
        history = None
    weights = check_weights(weights, 2)
    colorbar = check_bool(colorbar, "colorbar")
    grid = check_positive_int(grid, "grid", minimum=3, maximum=MAX_GRID)  # 2 holds only 0 and 1

    theta = np.linspace(0.0, 1.0, grid)
    loglik = _loglik_grid(stats, theta, weights)
    levels = _contour_levels(loglik, levels)

    ax = _axes(ax)
    norm = BoundaryNorm(levels, ncolors=256)  # one distinct colour per band
    contour = ax.contourf(theta, theta, loglik, levels=levels, cmap="viridis", norm=norm)
    contour_lines = ax.contour(theta, theta, loglik, levels=levels, colors="white", linewidths=0.3, alpha=0.6)
    # White with a dark outline: visible on every viridis band.
    (symmetry,) = ax.plot(
        [0, 1],
        [0, 1],
        linestyle="--",
        color="white",
        linewidth=1.2,
        label=r"$\theta_A = \theta_B$",
        path_effects=[patheffects.withStroke(linewidth=2.4, foreground="0.25")],
    )
    path = start = end = None
    if history is not None:
        (path,) = ax.plot(
            history[:, 0],
            history[:, 1],
            "-o",
            color=_PATH_COLOR,
            markersize=3.5,
            linewidth=1.5,
            label="EM path",
        )
        marker_style = dict(color="white", markeredgecolor="black", linestyle="none", zorder=3)
        (start,) = ax.plot(history[:1, 0], history[:1, 1], "s", markersize=8, label="start", **marker_style)
        (end,) = ax.plot(history[-1:, 0], history[-1:, 1], "*", markersize=15, label="end", **marker_style)
    bar = None
    if colorbar:
        bar = ax.figure.colorbar(contour, ax=ax, format="%.4g")
        bar.set_label(r"log-likelihood $\ell(\theta_A, \theta_B)$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\theta_A$ (heads probability of coin A)")
    ax.set_ylabel(r"$\theta_B$ (heads probability of coin B)")
    # The outline's path effect smears into "===" in a small legend box: show a
    # plain dark dashed line there instead.
    handles, labels = ax.get_legend_handles_labels()
    plain = Line2D([], [], linestyle="--", color="0.25", linewidth=1.2)
    ax.legend([plain if h is symmetry else h for h in handles], labels, loc="lower right", framealpha=0.9)
    return EMPathArtists(contour, contour_lines, symmetry, path, start, end, bar, theta, loglik, ax)


# ---------------------------------------------------------------------------
# Convergence
# ---------------------------------------------------------------------------


def plot_convergence(log_likelihood_history, *, ax=None, label=None):
    r"""Plot the log-likelihood after each EM iteration.

    EM never lowers the log-likelihood, so the line climbs and flattens.

    Parameters
    ----------
    log_likelihood_history : array-like of shape (n_iter + 1,) or EMResult
        Log-likelihood at the start (iteration 0) and after each iteration,
        as ``EMResult.log_likelihood_history``; an ``EMResult`` is read for it.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when None.
    label : str, default=None
        Legend label (a legend is drawn only when given), e.g. to compare
        several starts on one axes.

    Returns
    -------
    matplotlib.lines.Line2D
        The line: x-data the iterations ``0, 1, ..., n_iter``, y-data the
        history.

    Examples
    --------
    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=10)
    >>> fig, ax = plt.subplots()
    >>> line = plot_convergence(result, ax=ax)
    >>> line.get_xdata()
    array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10])
    >>> np.array_equal(line.get_ydata(), result.log_likelihood_history)
    True
    >>> plt.close(fig)
    """
    if isinstance(log_likelihood_history, EMResult):
        log_likelihood_history = log_likelihood_history.log_likelihood_history
    label = _check_label(label)
    history = as_numeric_array(log_likelihood_history, "log_likelihood_history").astype(float)
    if history.ndim != 1 or history.size == 0:
        raise ValueError(
            "log_likelihood_history must be a non-empty 1-D array (one value per iteration), "
            f"but got shape {history.shape}."
        )
    bad = ~np.isfinite(history)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"log_likelihood_history must be finite, but got log_likelihood_history[{i}] = {history[i]}."
        )

    ax = _axes(ax)
    (line,) = ax.plot(np.arange(history.size), history, "-o", markersize=4, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("iteration")
    ax.set_ylabel(r"log-likelihood $\ell(\theta)$")
    if label is not None:
        ax.legend(loc="lower right")
    return line
