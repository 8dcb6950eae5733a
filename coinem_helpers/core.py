r"""The maths of EM for a mixture of biased coins.

Model
-----
There are :math:`K` coins; coin :math:`k` shows heads with probability
:math:`\theta_k` and is picked with probability :math:`w_k` (its *mixing
weight*, :math:`\sum_k w_k = 1`).  Set :math:`i` is a sequence of
:math:`n_i` tosses of one coin with :math:`h_i` heads.  We observe the
ordered tosses, so the probability of set :math:`i` under coin :math:`k` is

.. math:: p(x_i \mid z_i = k) = \theta_k^{h_i} (1 - \theta_k)^{n_i - h_i}

with no binomial coefficient, exactly as in Do & Batzoglou (2008).

* E-step: the responsibilities
  :math:`r_{ik} = P(z_i = k \mid x_i) \propto w_k\, p(x_i \mid z_i = k)`.
* M-step: expected heads :math:`H_k = \sum_i r_{ik} h_i` and tails
  :math:`T_k = \sum_i r_{ik} (n_i - h_i)`, then
  :math:`\theta_k = H_k / (H_k + T_k)` and :math:`w_k = \frac1N \sum_i r_{ik}`.

Everything is computed in log space, in one kernel that compares the coins
by log-ratios before anything large is formed, so responsibilities, weights,
lower bound and log-likelihood stay exact to rounding for sets of up to
2**53 tosses (longer sets are refused: float64 cannot count them exactly).
EM depends on the data only through the distinct ``(heads, n_tosses)`` pairs
and how often each occurs (:func:`sufficient_stats`); every function here
accepts such a summary in place of per-set data, and :func:`em` reduces the
data to it once, so an iteration costs O(distinct pairs x coins).
"""

import math
import warnings
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from scipy.special import betaln, xlog1py, xlogy

from ._validation import (
    MAX_TOSSES,
    as_int_array,
    as_numeric_array,
    check_bool,
    check_finite_number,
    check_positive_int,
    check_seed,
    check_theta_prior,
    check_weight_prior,
    check_whole_number,
    check_resp,
    check_sets,
    check_thetas,
    check_tol,
    check_weights,
)

__all__ = [
    "ConvergenceWarning",
    "EMResult",
    "SufficientStats",
    "bic",
    "e_step",
    "em",
    "em_restarts",
    "expected_counts",
    "hard_e_step",
    "log_likelihood",
    "log_binomial_coefficients",
    "lower_bound",
    "m_step",
    "mle_known",
    "sufficient_stats",
]


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the log-likelihood stopped rising."""


# ---------------------------------------------------------------------------
# Data: per-set arrays or their sufficient statistics
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class SufficientStats:
    """The distinct ``(heads, n_tosses)`` pairs of a data set and how often each occurs.

    EM sees the data only through these pairs, so a million sets of 20
    tosses reduce to at most 21 pairs.  Build one with :func:`sufficient_stats`
    and pass it as ``heads`` (leaving ``n_tosses`` out) to any function here.

    Attributes
    ----------
    heads : ndarray of shape (n_pairs,)
    n_tosses : ndarray of shape (n_pairs,)
    counts : ndarray of shape (n_pairs,)
        Number of sets with that pair; all positive.
    """

    heads: np.ndarray
    n_tosses: np.ndarray
    counts: np.ndarray

    def __post_init__(self):
        # Public, so checked like any input: negative or impossible counts would
        # otherwise give a log-likelihood above 0 or responsibilities above 1.
        h, n = check_sets(self.heads, np.atleast_1d(as_numeric_array(self.n_tosses, "n_tosses")))
        counts = as_int_array(self.counts, "counts", allow_bool=False)
        if counts.shape != h.shape:
            raise ValueError(
                f"counts must have one entry per pair ({h.size}, the length of heads), "
                f"but got shape {counts.shape}."
            )
        if counts.min() < 1:
            i = int(np.flatnonzero(counts < 1)[0])
            raise ValueError(f"counts must be positive (sets per pair), but got counts[{i}] = {counts[i]}.")
        object.__setattr__(self, "heads", h)
        object.__setattr__(self, "n_tosses", n)
        object.__setattr__(self, "counts", counts)

    @property
    def n_sets(self):
        """Total number of sets summarised."""
        return int(self.counts.sum())

    @property
    def n_pairs(self):
        """Number of distinct ``(heads, n_tosses)`` pairs."""
        return int(self.counts.size)

    def __repr__(self):
        return f"SufficientStats(n_sets={self.n_sets}, n_pairs={self.n_pairs})"


def _reduce(heads, n, inverse=True):
    """Checked per-set data -> (SufficientStats, index of each set's pair, or None).

    Pairs come out sorted by ``(n_tosses, heads)``.  ``np.bincount`` does
    the counting in one pass over the data; when every heads count
    ``0..n`` occurs (the usual case for many short sets) each set's pair
    index *is* its heads count, so no per-set index array is built.  Few
    long sets (a dense table would be mostly empty) are sorted instead.
    ``inverse=False`` skips the per-set index when only the summary is wanted.
    """
    if isinstance(n, int):
        if n >= 4 * heads.size:
            pair_h, index, counts = np.unique(heads, return_inverse=True, return_counts=True)
            return SufficientStats(pair_h, np.full(pair_h.size, n), counts), index
        return _from_table(np.bincount(heads, minlength=n + 1), heads, n, inverse)
    # One integer key per (n_tosses, heads) pair, ordered like the pairs.
    width = int(heads.max()) + 1
    n_max = int(n.max())
    if n_max >= 2**62 // width:  # the key would overflow int64: sort the pairs themselves
        uniq, index, counts = np.unique(
            np.stack([n, heads]), axis=1, return_inverse=True, return_counts=True
        )
        return SufficientStats(uniq[1], uniq[0], counts), index.ravel()
    key = n * width + heads
    table_size = (n_max + 1) * width
    if table_size > 4 * heads.size + 1024:  # lengths too spread out for a dense table
        uniq, index, counts = np.unique(key, return_inverse=True, return_counts=True)
        return SufficientStats(uniq % width, uniq // width, counts), index
    counts = np.bincount(key, minlength=table_size)
    used = np.flatnonzero(counts)
    stats = SufficientStats(used % width, used // width, counts[used])
    return stats, _pair_index(used, counts.size, key) if inverse else None


def _from_table(counts, heads, n, inverse=True):
    """Summary and per-set pair index from the heads counts ``0..n`` of sets of ``n`` tosses."""
    if counts.all():
        return SufficientStats(np.arange(n + 1), np.full(n + 1, n), counts), heads
    key = np.flatnonzero(counts)
    stats = SufficientStats(key, np.full(key.size, n), counts[key])
    return stats, _pair_index(key, counts.size, heads) if inverse else None


def _checked_table(heads, n_tosses):
    """The usual case checked and counted in one pass, or None to take the general route.

    Many equally long sets as an int64 array: ``np.bincount`` refuses a
    negative count and a count above ``n_tosses`` makes its table too long,
    so it does the range check of :func:`check_sets` while counting.  Any
    failure goes the general route, which names the culprit.
    """
    if not (
        type(heads) is np.ndarray
        and heads.dtype == np.int64
        and heads.ndim == 1
        and type(n_tosses) is int
        and 0 < n_tosses < 4 * heads.size
    ):
        return None
    try:
        counts = np.bincount(heads, minlength=n_tosses + 1)
    except ValueError:  # a negative count
        return None
    if counts.size != n_tosses + 1:  # a count above n_tosses
        return None
    return _from_table(counts, heads, n_tosses)


def _pair_index(used, table_size, key):
    """Position of each key among the sorted ``used`` keys (all of ``key`` are in ``used``)."""
    lookup = np.zeros(table_size, dtype=np.int64)
    lookup[used] = np.arange(used.size)
    return np.take(lookup, key)


def sufficient_stats(heads, n_tosses=None):
    """Reduce per-set data to its distinct ``(heads, n_tosses)`` pairs and their counts.

    Parameters
    ----------
    heads : array-like of shape (n_sets,), or a Dask array
        Heads in each set.  With the optional extra ``coinem_helpers[scale]``
        this may also be a Dask array, of heads (1-D) or of 0/1 tosses
        (2-D, chunked by sets), too large for memory: see
        :func:`coinem_helpers.scale.sufficient_stats_dask`.  A pandas or Dask
        DataFrame with columns ``heads`` and ``n_tosses`` (e.g. from
        ``dask.dataframe.read_parquet``) works too: see
        :func:`coinem_helpers.scale.sufficient_stats_frame`.
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set (may be left out for a 2-D Dask array of tosses).

    Returns
    -------
    SufficientStats
        Pairs sorted by ``(n_tosses, heads)``.

    Examples
    --------
    >>> stats = sufficient_stats([5, 9, 8, 4, 9], 10)
    >>> stats
    SufficientStats(n_sets=5, n_pairs=4)
    >>> stats.heads, stats.counts
    (array([4, 5, 8, 9]), array([1, 1, 1, 2]))
    >>> log_likelihood(stats, thetas=[0.6, 0.5]) == log_likelihood([5, 9, 8, 4, 9], 10, [0.6, 0.5])
    True
    """
    if isinstance(heads, SufficientStats) and n_tosses is None:
        return heads  # already a summary
    if _is_dask(heads) and n_tosses is not None and not _is_dask(n_tosses) and np.ndim(n_tosses) == 0:
        n_tosses = int(as_int_array(n_tosses, "n_tosses", allow_bool=False))  # 6.0 means 6
    if hasattr(type(heads), "columns"):  # a pandas or Dask DataFrame: columns heads and n_tosses
        from .scale import sufficient_stats_frame

        return sufficient_stats_frame(heads, n_tosses)
    if _is_dask(heads) or _is_dask(n_tosses):
        shape_h, shape_n = getattr(heads, "shape", None), getattr(n_tosses, "shape", ())
        one_d = isinstance(shape_h, tuple) and len(shape_h) == 1 and isinstance(shape_n, tuple)
        if one_d and shape_n not in ((), shape_h):
            raise ValueError(
                f"n_tosses must be an int or have one entry per set ({shape_h[0]}), "
                f"but got shape {shape_n}."
            )
        from .scale import (
            sufficient_stats_dask,  # imported here: Dask is an optional extra
        )

        return sufficient_stats_dask(heads, n_tosses)
    h, n = check_sets(heads, n_tosses)
    return _reduce(h, n, inverse=False)[0]


def _is_dask(x):
    """True for a Dask collection, by its protocol, without importing Dask."""
    return hasattr(type(x), "__dask_graph__")


def _data(heads, n_tosses):
    """(heads, n_tosses, counts) arrays from per-set data or a SufficientStats.

    ``counts`` is None for per-set data (every set counts once).
    """
    if isinstance(heads, SufficientStats):
        if n_tosses is not None:
            raise TypeError(
                "n_tosses must be left out when heads is a SufficientStats (it already holds the "
                f"set lengths), but got n_tosses = {n_tosses!r}."
            )
        return heads.heads, heads.n_tosses, heads.counts
    h, n = check_sets(heads, n_tosses)
    return h, n, None


def _params(thetas, weights):
    if thetas is None:
        raise TypeError("thetas is required: one heads probability per coin, e.g. thetas=[0.6, 0.5].")
    thetas = check_thetas(thetas)
    return thetas, check_weights(weights, thetas.size)


def _total(x, counts, axis=0):
    """Sum over sets, each pair counted as often as it occurs."""
    return x.sum(axis=axis) if counts is None else np.tensordot(counts, x, axes=(0, axis))


# ---------------------------------------------------------------------------
# E-step and likelihood
# ---------------------------------------------------------------------------


def _log_kernel(design, thetas, log_w, want_log=True, positive_weights=False):
    r"""The one log-space kernel: posteriors and log evidence, one column per row of data.

    ``design`` is the (2, n_rows) array of heads and tails (floats) and
    ``log_w`` the (n_coins,) log weights.  Returns ``(post, log_px)``: ``post``
    of shape (n_coins, n_rows) holds ``log r_ik`` when ``want_log`` (``-inf``
    for a coin that cannot produce the set; a whole column of ``-inf`` for a
    set no coin can produce), else ``r_ik`` itself; ``log_px[i] = log p(x_i)``.
    ``positive_weights=True`` promises that no weight is 0 (skips a check).

    Sets of 10^15 tosses have log-probabilities near -10^15, where one unit
    in the last place is 0.125: adding ``log w`` (about -0.7) to them, or
    subtracting two of them, loses most of the digits that decide the
    responsibilities.  So the coins are compared *before* anything large is
    formed: with coin 0 as reference,
    :math:`\log p(x_i \mid k) - \log p(x_i \mid 0) = h_i \log(\theta_k/\theta_0)
    + t_i \log((1-\theta_k)/(1-\theta_0))`, each log a ``log1p`` of a small
    relative difference, so coins with equal thetas compare as exactly equal
    and close coins keep their relative precision.  The column maximum is
    removed, then ``log w`` added to numbers of order 1, and only the
    evidence gets the large common part.  A theta of 0 or 1 (whose logs are
    infinite) takes the direct route through
    :func:`~scipy.special.xlogy`, where 0 * log 0 = 0.  The layout (coins
    by rows of data) lets :func:`_run_em` call this once per iteration as a
    handful of NumPy calls on small arrays.
    """
    t = thetas.tolist()  # a few coins: Python floats are quicker than NumPy calls here
    inner = all(0.0 < tk < 1.0 for tk in t)
    if inner:
        t0 = t[0]
        # Rows 0..K-1: log(theta_k/theta_0), log((1-theta_k)/(1-theta_0)); row K: coin 0's own logs.
        rows = [(_log_ratio(tk, t0, tk - t0), _log_ratio(1.0 - tk, 1.0 - t0, t0 - tk)) for tk in t]
        rows.append((math.log(t0), math.log1p(-t0)))
        full = np.array(rows) @ design
        rel = full[:-1]
        top = _over_coins(np.maximum, rel)
        base = full[-1]
        base += top
    else:
        rel = xlogy(design[0], thetas[:, None]) + xlog1py(design[1], -thetas[:, None])
        top = _over_coins(np.maximum, rel)
        # A set no coin can produce has a column of -inf: keep it -inf, not NaN.
        top[np.isneginf(top)] = 0.0
        base = top
    rel -= top
    rel += log_w[:, None]  # log w (-inf for a weight of 0) joins numbers of order 1
    post = np.exp(rel)
    total = _over_coins(np.add, post)
    # The coin of a column's maximum contributes exp(log w) = w, so the sum is
    # positive whenever all thetas are inside (0, 1) and no weight is 0; only a
    # zero weight (with underflow) or an impossible set can make it 0.
    if (inner and positive_weights) or np.count_nonzero(total) == total.size:
        log_total = np.log(total)
        log_px = base + log_total
        if not want_log:
            post /= total
            return post, log_px
        rel -= log_total
        return rel, log_px
    lse = np.logaddexp.reduce(rel, axis=0)  # the careful route, for the rare column above
    log_px = base + lse
    lse[np.isneginf(lse)] = 0.0
    rel -= lse
    if want_log:
        return rel, log_px
    return np.exp(rel, out=rel), log_px


def _over_coins(ufunc, a):
    """``ufunc.reduce(a, axis=0)``; for a few coins, chained binary calls, which are quicker."""
    k = a.shape[0]
    if k == 1:
        return a[0].copy()
    if k > 8:
        return ufunc.reduce(a, axis=0)
    out = ufunc(a[0], a[1])
    for row in a[2:]:
        ufunc(out, row, out=out)
    return out


def _log_ratio(x, x0, diff):
    """log(x / x0) for positive floats, given ``diff = x - x0`` formed as exactly as possible.

    Close to x0 it is a log1p of the relative difference, so a tiny change
    keeps its digits (for x = 1 - p the caller passes p0 - p: rounding
    1 - p would hide it); far from x0 the plain difference of logs is as
    accurate and cannot reach log1p(-1).
    """
    if abs(diff) < 0.5 * x0:
        return math.log1p(diff / x0)
    return math.log(x) - math.log(x0)


def _log_weights(weights):
    if np.count_nonzero(weights) == weights.size:
        return np.log(weights)
    with np.errstate(divide="ignore"):  # a coin with weight 0 has log weight -inf
        return np.log(weights)


def _design(h, n):
    """Heads and tails of each row as a (2, n_rows) float array (exact up to 2**53)."""
    design = np.empty((2, h.size))
    design[0] = h
    np.subtract(n, h, out=design[1], casting="unsafe")
    return design


def _log_posterior(h, n, thetas, weights):
    """``(log r, log p(x_i))`` of each row, from per-row heads and tosses; log r is (n_rows, n_coins)."""
    log_post, log_px = _log_kernel(_design(h, n), thetas, _log_weights(weights))
    return log_post.T, log_px


def _log_joint(h, n, thetas, weights):
    """log w_k + log p(x_i | coin k), shape (n_rows, n_coins), computed directly.

    For the likelihood landscape of :mod:`coinem_helpers.plotting`, where
    the "coins" are a grid of thetas; the E-step, likelihood and lower bound
    go through :func:`_log_kernel`, which keeps full precision for long sets.
    """
    h = h[:, None]
    tails = n[:, None] - h if isinstance(n, np.ndarray) else n - h
    return xlogy(h, thetas) + xlog1py(tails, -thetas) + _log_weights(weights)


class _ImpossibleSetError(ValueError):
    """A set has probability 0 under every coin; ``row`` is its row in the arrays EM was given."""

    def __init__(self, row, heads, n_tosses, thetas, weights):
        self.row, self.heads, self.n_tosses = row, heads, n_tosses
        self.thetas, self.weights = thetas, weights
        super().__init__(self.describe(row))

    def describe(self, set_index):
        return (
            f"set {set_index} (heads = {self.heads} of n_tosses = {self.n_tosses}) has probability 0 "
            f"under every coin (thetas = {np.round(self.thetas, 6).tolist()}, "
            f"weights = {np.round(self.weights, 6).tolist()}): no coin can produce it, so its "
            "responsibilities are undefined."
        )


def _responsibilities(h, n, thetas, weights):
    """Responsibilities and log p(x_i) of each row; raises if a set is impossible."""
    resp_t, log_px = _log_kernel(_design(h, n), thetas, _log_weights(weights), want_log=False)
    _raise_if_impossible(log_px, h, n, thetas, weights)
    return np.ascontiguousarray(resp_t.T), log_px


def _raise_if_impossible(log_px, h, n, thetas, weights):
    impossible = np.isneginf(log_px)
    if impossible.any():
        i = int(np.flatnonzero(impossible)[0])
        n_i = n[i] if isinstance(n, np.ndarray) else n
        raise _ImpossibleSetError(i, h[i], n_i, thetas, weights)


def log_likelihood(heads, n_tosses=None, thetas=None, weights=None, *, binomial_coefficient=False):
    r"""Observed-data log-likelihood of the toss sequences.

    .. math:: \ell(\theta, w) = \sum_i \log \sum_k w_k\, \theta_k^{h_i} (1-\theta_k)^{n_i-h_i}

    By default there is no binomial coefficient: we observe the ordered
    tosses, as in the paper.  Adding :math:`\sum_i \log\binom{n_i}{h_i}`
    (``binomial_coefficient=True``) shifts every value by the same constant
    and changes no estimate; it gives the values of software that models
    heads *counts*, such as R's ``logLik`` of a flexmix or mixtools fit.

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
        Heads in each set, or the summary from :func:`sufficient_stats`
        (then leave ``n_tosses`` out).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set.
    thetas : array-like of shape (n_coins,)
        Heads probability of each coin, in [0, 1].
    weights : array-like of shape (n_coins,), default=None
        Probability of picking each coin; uniform when None.
    binomial_coefficient : bool, default=False
        Add :math:`\sum_i \log\binom{n_i}{h_i}` (see
        :func:`log_binomial_coefficients`), to compare with R.

    Returns
    -------
    float
        Natural log; ``-inf`` when some set has probability 0 under every coin.

    Examples
    --------
    >>> round(log_likelihood([5, 9, 8, 4, 7], 10, [0.6, 0.5]), 4)
    -33.0939
    >>> log_likelihood([10_000], 10_000, [0.5])  # 0.5**10000 underflows; its log does not
    -6931.47...
    >>> round(log_likelihood([1], 2, [0.5], binomial_coefficient=True), 4)  # log(2 * 0.25)
    -0.6931
    """
    h, n, counts = _data(heads, n_tosses)
    thetas, weights = _params(thetas, weights)
    check_bool(binomial_coefficient, "binomial_coefficient")
    log_px = _log_posterior(h, n, thetas, weights)[1]
    if binomial_coefficient:
        log_px = log_px + _log_binomial_terms(_design(h, n))
    return float(_total(log_px, counts))


def e_step(heads, n_tosses=None, thetas=None, weights=None):
    r"""E-step: the posterior probability of each coin for each set.

    .. math:: r_{ik} = \frac{w_k\, \theta_k^{h_i} (1-\theta_k)^{n_i-h_i}}
                            {\sum_j w_j\, \theta_j^{h_i} (1-\theta_j)^{n_i-h_i}}

    computed in log space, so that sets of a million tosses neither
    underflow nor give NaN.

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
        Heads in each set, or a :class:`SufficientStats` (leave ``n_tosses``
        out; one row per distinct pair is returned).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set.
    thetas : array-like of shape (n_coins,)
        Heads probability of each coin, in [0, 1].
    weights : array-like of shape (n_coins,), default=None
        Prior probability of each coin; uniform when None.

    Returns
    -------
    resp : ndarray of shape (n_sets, n_coins)
        Responsibilities; each row sums to 1.  A coin that cannot produce a
        set (theta = 0 with heads, or theta = 1 with tails) gets 0.

    Raises
    ------
    ValueError
        If a set has probability 0 under every coin.

    Examples
    --------
    The paper's first E-step, P(coin A | set):

    >>> heads, n_tosses, _ = paper_data()
    >>> e_step(heads, n_tosses, [0.6, 0.5])[:, 0].round(2)
    array([0.45, 0.8 , 0.73, 0.35, 0.65])
    """
    h, n, _ = _data(heads, n_tosses)
    thetas, weights = _params(thetas, weights)
    return _responsibilities(h, n, thetas, weights)[0]


def hard_e_step(heads, n_tosses=None, thetas=None, weights=None):
    """"Hard" E-step: give each set wholly to its most probable coin.

    Returns one-hot rows (ties go to the lower-numbered coin).  Using these
    in :func:`m_step` gives "hard EM" (classification EM), which is not
    guaranteed to increase the likelihood.

    Examples
    --------
    >>> heads, n_tosses, _ = paper_data()
    >>> hard_e_step(heads, n_tosses, [0.6, 0.5])[:, 0]
    array([0., 1., 1., 0., 1.])
    """
    resp = e_step(heads, n_tosses, thetas, weights)
    hard = np.zeros_like(resp)
    hard[np.arange(resp.shape[0]), resp.argmax(axis=1)] = 1.0
    return hard


# ---------------------------------------------------------------------------
# M-step
# ---------------------------------------------------------------------------


def _expected_counts(resp, h, n, counts):
    exp_heads = _total(resp * h[:, None], counts)
    tails = (n - h) if isinstance(n, np.ndarray) else n - h
    exp_tails = _total(resp * tails[:, None], counts)
    return exp_heads, exp_tails


def expected_counts(resp, heads, n_tosses=None):
    r"""Expected heads and tails of each coin, weighting each set by its responsibility.

    .. math:: H_k = \sum_i r_{ik} h_i, \qquad T_k = \sum_i r_{ik} (n_i - h_i)

    Parameters
    ----------
    resp : array-like of shape (n_sets, n_coins)
        Responsibilities, e.g. from :func:`e_step`.
    heads : array-like of shape (n_sets,) or SufficientStats
    n_tosses : int or array-like of shape (n_sets,)

    Returns
    -------
    expected_heads, expected_tails : ndarray of shape (n_coins,)

    Examples
    --------
    The paper's table after the first E-step (21.3 H / 8.6 T for A,
    11.7 H / 8.4 T for B):

    >>> heads, n_tosses, _ = paper_data()
    >>> H, T = expected_counts(e_step(heads, n_tosses, [0.6, 0.5]), heads, n_tosses)
    >>> H.round(1), T.round(1)
    (array([21.3, 11.7]), array([8.6, 8.4]))
    """
    h, n, counts = _data(heads, n_tosses)
    resp = check_resp(resp, h.size)
    return _expected_counts(resp, h, n, counts)


def _m_step(resp, h, n, counts, current_thetas):
    exp_heads, exp_tails = _expected_counts(resp, h, n, counts)
    total = exp_heads + exp_tails
    empty = total <= 0
    if empty.any():
        if current_thetas is None:
            k = int(np.flatnonzero(empty)[0])
            raise ValueError(
                f"coin {k} has no expected tosses (its responsibilities are all 0), so its theta is "
                "undetermined; pass current_thetas to keep its current value."
            )
        # A coin no set belongs to has no data to move it: keep its theta.
        thetas = np.where(empty, current_thetas, exp_heads / np.where(empty, 1.0, total))
    else:
        thetas = exp_heads / total
    n_sets = h.size if counts is None else counts.sum()
    weights = _total(resp, counts) / n_sets
    return thetas, weights


def m_step(resp, heads, n_tosses=None, *, current_thetas=None):
    r"""M-step: the weighted maximum-likelihood estimates.

    .. math:: \theta_k = \frac{H_k}{H_k + T_k}, \qquad w_k = \frac{1}{N}\sum_i r_{ik}

    Parameters
    ----------
    resp : array-like of shape (n_sets, n_coins)
        Responsibilities, e.g. from :func:`e_step`.
    heads : array-like of shape (n_sets,) or SufficientStats
    n_tosses : int or array-like of shape (n_sets,)
    current_thetas : array-like of shape (n_coins,), default=None
        A coin whose responsibilities are all 0 has no expected tosses and so
        no data to estimate its theta from; it keeps its value from here.
        When None, such a coin is an error.

    Returns
    -------
    thetas : ndarray of shape (n_coins,)
    weights : ndarray of shape (n_coins,)

    Examples
    --------
    One EM iteration on the paper's data, from (0.6, 0.5):

    >>> heads, n_tosses, _ = paper_data()
    >>> thetas, weights = m_step(e_step(heads, n_tosses, [0.6, 0.5]), heads, n_tosses)
    >>> thetas.round(2)
    array([0.71, 0.58])
    """
    h, n, counts = _data(heads, n_tosses)
    resp = check_resp(resp, h.size)
    if current_thetas is not None:
        current_thetas = check_thetas(current_thetas)
        if current_thetas.size != resp.shape[1]:
            raise ValueError(
                f"current_thetas must have one entry per coin ({resp.shape[1]}), "
                f"but got {current_thetas.size}."
            )
    return _m_step(resp, h, n, counts, current_thetas)


def mle_known(heads, n_tosses, coins, n_coins=None):
    """Maximum-likelihood estimate of each coin's theta when the coins are seen.

    Each coin's estimate is its heads divided by its tosses.

    Parameters
    ----------
    heads : array-like of shape (n_sets,)
    n_tosses : int or array-like of shape (n_sets,)
    coins : array-like of shape (n_sets,)
        The coin used for each set, in ``0 .. n_coins - 1``.
    n_coins : int, default=None
        Number of coins; ``max(coins) + 1`` when None.

    Returns
    -------
    thetas : ndarray of shape (n_coins,)

    Examples
    --------
    The paper's Figure 1a: 24/30 and 9/20.

    >>> heads, n_tosses, coins = paper_data()
    >>> mle_known(heads, n_tosses, coins)
    array([0.8 , 0.45])
    """
    h, n = check_sets(heads, n_tosses)
    z = as_int_array(coins, "coins")
    if z.shape != h.shape:
        raise ValueError(f"coins must have one entry per set ({h.size}), but got shape {z.shape}.")
    if z.min() < 0:
        i = int(np.flatnonzero(z < 0)[0])
        raise ValueError(f"coins must be non-negative coin numbers, but got coins[{i}] = {z[i]}.")
    if n_coins is None:
        n_coins = int(z.max()) + 1
    n_coins = check_positive_int(n_coins, "n_coins")
    bad = z >= n_coins
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"coins must be in 0..{n_coins - 1}, but got coins[{i}] = {z[i]}.")
    if n_coins > h.size:  # checked before allocating (n_sets, n_coins): some coin has no sets
        used = np.unique(z)
        k = int(np.flatnonzero(used != np.arange(used.size))[0]) if used[-1] >= used.size else used.size
        raise ValueError(f"coin {k} has no sets (coins never equals {k}), so its theta cannot be estimated.")
    one_hot = np.zeros((h.size, n_coins))
    one_hot[np.arange(h.size), z] = 1.0
    exp_heads, exp_tails = _expected_counts(one_hot, h, n, None)
    unused = (exp_heads + exp_tails) == 0
    if unused.any():
        k = int(np.flatnonzero(unused)[0])
        raise ValueError(f"coin {k} has no sets (coins never equals {k}), so its theta cannot be estimated.")
    return exp_heads / (exp_heads + exp_tails)


# ---------------------------------------------------------------------------
# The lower bound and model choice
# ---------------------------------------------------------------------------


def lower_bound(resp, heads, n_tosses=None, thetas=None, weights=None):
    r"""The EM lower bound (ELBO) on the log-likelihood for a given ``resp``.

    .. math:: \mathcal{L}(q, \theta) = \sum_i \sum_k r_{ik}
              \left[\log w_k + \log p(x_i \mid k) - \log r_{ik}\right]
              \le \ell(\theta)

    by Jensen's inequality, with equality when ``resp`` is the E-step's
    posterior at ``thetas``.

    Examples
    --------
    >>> heads, n_tosses, _ = paper_data()
    >>> r = e_step(heads, n_tosses, [0.6, 0.5])
    >>> bool(np.isclose(lower_bound(r, heads, n_tosses, [0.6, 0.5]),
    ...                 log_likelihood(heads, n_tosses, [0.6, 0.5])))
    True
    >>> bool(lower_bound(r, heads, n_tosses, [0.8, 0.5]) < log_likelihood(heads, n_tosses, [0.8, 0.5]))
    True
    """
    h, n, counts = _data(heads, n_tosses)
    thetas, weights = _params(thetas, weights)
    resp = check_resp(resp, h.size)
    if resp.shape[1] != thetas.size:
        raise ValueError(f"resp must have one column per coin ({thetas.size}), but got {resp.shape[1]}.")
    log_post, log_px = _log_posterior(h, n, thetas, weights)
    # log w_k + log p(x_i | k) - log r_ik = log p(x_i) + (log r*_ik - log r_ik),
    # with r* the E-step's posterior: the large log p(x_i) is never mixed
    # with small terms, so the bound equals the log-likelihood to rounding
    # when resp = r*, even for sets of 10^15 tosses.  0 * log 0 = 0.
    positive = resp > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(positive, resp * (log_post - np.log(np.where(positive, resp, 1.0))), 0.0)
        row_mass = resp.sum(axis=1)
        terms = np.where(row_mass > 0, row_mass * log_px, 0.0) + gap.sum(axis=1)
    return float(_total(terms, counts))


def bic(log_likelihood, n_params, n_sets):
    r"""Bayesian information criterion, :math:`-2\ell + p \log N` (lower is better).

    For :math:`K` coins, :math:`p = K` thetas, plus :math:`K - 1` weights when
    they are learned (the convention of R's flexmix); :meth:`EMResult.bic`
    counts them for you.  ``n_params`` and ``n_sets`` may be whole floats
    such as ``5.0``.

    Examples
    --------
    >>> round(bic(-30.0, 2, 5), 3)
    63.219
    """
    log_likelihood = check_finite_number(log_likelihood, "log_likelihood")
    n_params = check_whole_number(n_params, "n_params", minimum=0)
    n_sets = check_whole_number(n_sets, "n_sets", minimum=1)
    return -2.0 * log_likelihood + n_params * float(np.log(n_sets))


def log_binomial_coefficients(heads, n_tosses=None):
    r""":math:`\sum_i \log\binom{n_i}{h_i}`, the constant that turns our log-likelihood into R's.

    :func:`log_likelihood` treats each set as an ordered sequence of tosses;
    software that models the heads *counts* (R's ``flexmix``, ``mixtools``,
    ``dbinom``) adds this constant.  It does not depend on the parameters.

    Examples
    --------
    >>> round(log_binomial_coefficients([1], 2), 6) == round(float(np.log(2)), 6)
    True
    """
    h, n, counts = _data(heads, n_tosses)
    return float(_total(_log_binomial_terms(_design(h, n)), counts))


def _log_binomial_terms(design):
    # log C(n, h) = -log(n + 1) - log B(h + 1, n - h + 1): betaln keeps its
    # precision for huge n, where a difference of gammaln values would cancel.
    return -np.log1p(design[0] + design[1]) - betaln(design[0] + 1.0, design[1] + 1.0)


# ---------------------------------------------------------------------------
# The EM loop
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class EMResult:
    """What :func:`em` found, and how it got there.

    Attributes
    ----------
    thetas, weights : ndarray of shape (n_coins,)
        The final estimates.
    log_likelihood : float
        The log-likelihood at the final estimates, without the binomial
        coefficients (see :func:`log_likelihood`).
    n_iter : int
        Iterations run (one iteration = one M-step and the E-step after it).
    converged : bool
        True when the stopping rule fired before ``max_iter``.
    responsibilities : ndarray of shape (n_sets, n_coins)
        The E-step at the final estimates (one row per distinct pair when
        :func:`em` was given a :class:`SufficientStats`).  EM itself works on
        the distinct pairs; the per-set rows are looked up the first time
        this attribute is read.
    thetas_history, weights_history : ndarray of shape (n_iter + 1, n_coins)
        Row 0 is the start, row ``t`` the estimate after iteration ``t``.
    log_likelihood_history : ndarray of shape (n_iter + 1,)
        Always the log-likelihood, with or without priors.
    learn_weights : bool
        Whether the weights were estimated (True) or held fixed at their
        starting values (False); it decides which parameters count as fitted.
    theta_prior : tuple of two floats or None
        The Beta(a, b) prior on each theta (MAP-EM), or None for plain EM.
    weight_prior : float or None
        The symmetric Dirichlet(alpha) prior on the weights, or None.
    log_posterior_history : ndarray of shape (n_iter + 1,) or None
        With a prior, the objective MAP-EM climbs: the log-likelihood plus
        the log prior densities (up to their normalising constants).  It
        never decreases; the log-likelihood may.  None without a prior.
    n_sets : int
        Number of sets fitted.
    n_params : int
        Number of fitted parameters: one theta per coin, plus ``n_coins - 1``
        weights when ``learn_weights`` (the convention of R's flexmix).
    """

    thetas: np.ndarray
    weights: np.ndarray
    log_likelihood: float
    n_iter: int
    converged: bool
    thetas_history: np.ndarray
    weights_history: np.ndarray
    log_likelihood_history: np.ndarray
    learn_weights: bool
    # EM runs on the distinct (heads, n_tosses) pairs; each set's row is looked
    # up only when `responsibilities` is first read, so a fit on millions of
    # sets spends no time or memory on rows nobody asked for.
    _pair_responsibilities: np.ndarray = field(repr=False, compare=False)
    _set_index: np.ndarray | None = field(default=None, repr=False, compare=False)
    theta_prior: tuple | None = None
    weight_prior: float | None = None
    log_posterior_history: np.ndarray | None = field(default=None, repr=False, compare=False)
    n_sets: int = 0
    # sum_i log C(n_i, h_i), kept so that bic/aic can match R without the data.
    _log_binomial: float = field(default=0.0, repr=False, compare=False)

    @cached_property
    def responsibilities(self):
        """The E-step at the final estimates, shape (n_sets, n_coins)."""
        if self._set_index is None:
            return self._pair_responsibilities
        # np.take copies whole rows; fancy indexing a 2-D array is ~10x slower.
        return np.take(self._pair_responsibilities, self._set_index, axis=0)

    @property
    def n_params(self):
        """Fitted parameters: ``n_coins`` thetas, plus ``n_coins - 1`` weights if learned."""
        k = int(self.thetas.size)
        return k + (k - 1 if self.learn_weights else 0)

    def _ll(self, binomial_coefficient):
        check_bool(binomial_coefficient, "binomial_coefficient")
        return self.log_likelihood + (self._log_binomial if binomial_coefficient else 0.0)

    def bic(self, *, binomial_coefficient=False):
        r"""Bayesian information criterion :math:`-2\ell + p \log N` of this fit (lower is better).

        ``binomial_coefficient=True`` uses R's log-likelihood (see
        :func:`log_likelihood`), so the value equals ``BIC()`` of a flexmix fit.

        Examples
        --------
        >>> heads, n_tosses, _ = paper_data()
        >>> r = em(heads, n_tosses, [0.6, 0.5])
        >>> r.n_params, r.n_sets, r.bic() == bic(r.log_likelihood, 2, 5)
        (2, 5, True)
        """
        return bic(self._ll(binomial_coefficient), self.n_params, self.n_sets)

    def aic(self, *, binomial_coefficient=False):
        r"""Akaike information criterion :math:`-2\ell + 2p` of this fit (lower is better).

        Examples
        --------
        >>> heads, n_tosses, _ = paper_data()
        >>> r = em(heads, n_tosses, [0.6, 0.5])
        >>> r.aic() == -2 * r.log_likelihood + 2 * 2
        True
        """
        return -2.0 * self._ll(binomial_coefficient) + 2.0 * self.n_params

    def __repr__(self):
        return (
            f"EMResult(thetas={np.round(self.thetas, 4).tolist()}, "
            f"weights={np.round(self.weights, 4).tolist()}, "
            f"log_likelihood={self.log_likelihood:.4f}, n_iter={self.n_iter}, "
            f"converged={self.converged})"
        )


def _prepare(heads, n_tosses):
    """Checked data as (heads, n_tosses, counts) of distinct pairs, plus each set's pair index."""
    if isinstance(heads, SufficientStats):
        return (*_data(heads, n_tosses), None)
    table = _checked_table(heads, n_tosses)
    if table is not None:
        stats, inverse = table
        return stats.heads, stats.n_tosses, stats.counts, inverse
    h, n = check_sets(heads, n_tosses)
    stats, inverse = _reduce(h, n)
    return stats.heads, stats.n_tosses, stats.counts, inverse


def _log_prior(thetas, weights, theta_prior, weight_prior):
    """Log prior density up to its constant: Beta(a, b) per theta, Dirichlet(alpha) on the weights."""
    total = 0.0
    if theta_prior is not None:
        a, b = theta_prior
        total += float(np.sum(xlogy(a - 1.0, thetas) + xlog1py(b - 1.0, -thetas)))
    if weight_prior is not None:
        total += float(np.sum(xlogy(weight_prior - 1.0, weights)))
    return total


def _run_em(h, n, counts, thetas, weights, learn_weights, tol, max_iter, theta_prior=None, weight_prior=None):
    """The EM loop on distinct pairs; returns (EMResult with per-pair responsibilities, last change).

    An iteration is a few dozen NumPy calls on (n_coins, n_pairs) arrays,
    whatever the number of sets: ``resp @ moments`` gives each coin's
    expected heads, tails and sets (the M-step) and :func:`_log_kernel` the
    E-step, the same kernel as :func:`e_step` and :func:`log_likelihood`.
    With priors the M-step gives the posterior mode (MAP-EM) and the
    stopping rule watches the log-posterior, which is what MAP-EM raises.
    """
    design = _design(h, n)
    counts_f = counts.astype(float)
    moments = np.stack([counts_f * design[0], counts_f * design[1], counts_f], axis=1)  # (n_pairs, 3)
    n_sets = float(counts_f.sum())
    a1, b1 = (0.0, 0.0) if theta_prior is None else (theta_prior[0] - 1.0, theta_prior[1] - 1.0)
    alpha1 = 0.0 if weight_prior is None else weight_prior - 1.0
    has_prior = theta_prior is not None or weight_prior is not None
    lo = np.nextafter(0.0, 1.0) if a1 > 0 else 0.0
    hi = np.nextafter(1.0, 0.0) if b1 > 0 else 1.0

    fixed_log_w = None if learn_weights else _log_weights(weights)
    fixed_positive = bool(weights.min() > 0)

    def e_step_pairs(thetas, weights):
        log_w = _log_weights(weights) if fixed_log_w is None else fixed_log_w
        positive = bool(weights.min() > 0) if fixed_log_w is None else fixed_positive
        resp_t, log_px = _log_kernel(design, thetas, log_w, want_log=False, positive_weights=positive)
        ll = float(counts_f @ log_px)
        if ll == -np.inf:  # only then can some set be impossible
            _raise_if_impossible(log_px, h, n, thetas, weights)
        return resp_t, ll

    resp, ll = e_step_pairs(thetas, weights)
    obj = ll + _log_prior(thetas, weights, theta_prior, weight_prior) if has_prior else ll
    n_coins = thetas.size
    thetas_hist, weights_hist, ll_hist, obj_hist = [thetas], [weights], [ll], [obj]
    converged, change = False, np.inf
    for _ in range(max_iter):
        expected = resp @ moments  # (n_coins, 3), columns: expected heads, tails, sets of each coin
        num = expected[:, 0] + a1 if theta_prior is not None else expected[:, 0]
        den = expected[:, 0] + expected[:, 1]
        if theta_prior is not None:
            den += a1 + b1
        if den.min() > 0:
            thetas = num / den
        else:
            # A coin no set belongs to (and no prior) has no data to move it: keep its theta.
            thetas = np.where(den > 0, num / np.where(den > 0, den, 1.0), thetas)
        if theta_prior is not None:
            # With a > 1 (b > 1) the mode lies strictly above 0 (below 1); keep it
            # there when rounding would put it on the edge, where the prior is 0.
            thetas = np.clip(thetas, lo, hi)
        if learn_weights:
            weights = (expected[:, 2] + alpha1) / (n_sets + n_coins * alpha1)
            weights = weights / weights.sum()  # sums to 1 to rounding, whatever the data size
        resp, new_ll = e_step_pairs(thetas, weights)
        new_obj = new_ll + _log_prior(thetas, weights, theta_prior, weight_prior) if has_prior else new_ll
        thetas_hist.append(thetas)
        weights_hist.append(weights)
        ll_hist.append(new_ll)
        obj_hist.append(new_obj)
        change, obj = new_obj - obj, new_obj
        # A change below tol, including a rounding-sized negative one, means
        # the climb is over.
        if tol > 0 and change < tol:
            converged = True
            break
    result = EMResult(
        thetas=thetas,
        weights=weights,
        log_likelihood=ll_hist[-1],
        n_iter=len(ll_hist) - 1,
        converged=converged,
        thetas_history=np.array(thetas_hist),
        weights_history=np.array(weights_hist),
        log_likelihood_history=np.array(ll_hist),
        learn_weights=bool(learn_weights),
        _pair_responsibilities=np.ascontiguousarray(resp.T),
        theta_prior=theta_prior,
        weight_prior=weight_prior,
        log_posterior_history=np.array(obj_hist) if has_prior else None,
        n_sets=int(counts.sum()),
        _log_binomial=float(counts_f @ _log_binomial_terms(design)),
    )
    return result, change


def _per_set(result, inverse):
    """Give each set the responsibilities of its pair (looked up when first read)."""
    return result if inverse is None else replace(result, _set_index=inverse)


def _check_priors(theta_prior, weight_prior, learn_weights):
    theta_prior = check_theta_prior(theta_prior)
    weight_prior = check_weight_prior(weight_prior)
    if weight_prior is not None and not learn_weights:
        raise ValueError(
            f"weight_prior = {weight_prior} is a prior on the weights, but learn_weights = False keeps "
            "them fixed; pass learn_weights=True to estimate them, or leave weight_prior out."
        )
    return theta_prior, weight_prior


def em(
    heads,
    n_tosses=None,
    thetas=None,
    weights=None,
    *,
    learn_weights=False,
    tol=1e-8,
    max_iter=1000,
    theta_prior=None,
    weight_prior=None,
):
    r"""Run EM from a starting point until the log-likelihood stops rising.

    Each iteration is one M-step followed by the E-step at the new
    estimates, so the log-likelihood of every row of the history is known.
    The data are reduced once to their distinct ``(heads, n_tosses)`` pairs
    (:func:`sufficient_stats`), so an iteration costs the same for ten sets
    as for ten million.

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
        Heads in each set, or a :class:`SufficientStats` (leave ``n_tosses`` out).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set (at most 2**53, the largest whole number float64 holds exactly).
    thetas : array-like of shape (n_coins,)
        Starting heads probabilities.
    weights : array-like of shape (n_coins,), default=None
        Starting mixing weights; uniform when None.
    learn_weights : bool, default=False
        Re-estimate the weights in each M-step.  False keeps them fixed at
        ``weights``, as in the paper, whose experiment picks each coin with
        known, equal probability.  **For your own data, pass True** unless
        you know how the coins were picked: with fixed weights the fit is the
        best one *given those weights*, which can be far below the maximum
        likelihood.
    tol : float, default=1e-8
        Stop when an iteration raises the objective (the total
        log-likelihood over all sets, or the log-posterior with a prior) by
        less than ``tol``: an *absolute* change of a sum, so with many sets
        it is a much smaller change per set (1e-8 over 10^7 sets is 1e-15
        per set; loosen it for big data).  ``tol=0`` turns the rule off:
        exactly ``max_iter`` iterations run, ``converged`` is False and no
        warning is issued.
    max_iter : int, default=1000
        The most iterations to run.
    theta_prior : (a, b) or None, default=None
        A Beta(a, b) prior on each theta, with a, b >= 1: MAP-EM, whose
        M-step is :math:`\theta_k = (H_k + a - 1) / (H_k + T_k + a + b - 2)`.
        Beta(2, 2) keeps estimates off 0 and 1.
    weight_prior : float or None, default=None
        A symmetric Dirichlet(alpha) prior on the weights, alpha >= 1 (needs
        ``learn_weights=True``): :math:`w_k = (N_k + \alpha - 1) / (N + K(\alpha - 1))`.

    Returns
    -------
    EMResult
        With a prior, ``log_posterior_history`` holds the objective and
        ``log_likelihood_history`` still the log-likelihood.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` iterations ran and the rule had not yet fired.

    Notes
    -----
    A coin whose responsibilities all drop to zero has no expected tosses
    and so no data to move it: it keeps its theta (and, with
    ``learn_weights``, gets weight 0); with a prior it moves to the prior's mode.

    Examples
    --------
    The paper's Figure 1b, ten iterations from (0.6, 0.5):

    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=10)
    >>> result.thetas.round(2), result.n_iter
    (array([0.8 , 0.52]), 10)
    >>> em(heads, n_tosses, [0.6, 0.5])
    EMResult(thetas=[0.7968, 0.5196], weights=[0.5, 0.5], log_likelihood=-31.5702, n_iter=..., converged=True)

    A Beta(2, 2) prior pulls both coins towards 1/2:

    >>> em(heads, n_tosses, [0.6, 0.5], theta_prior=(2, 2)).thetas.round(3)
    array([0.763, 0.52 ])
    """
    h, n, counts, inverse = _prepare(heads, n_tosses)
    thetas, weights = _params(thetas, weights)
    learn_weights = check_bool(learn_weights, "learn_weights")
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    theta_prior, weight_prior = _check_priors(theta_prior, weight_prior, learn_weights)
    try:
        result, change = _run_em(
            h, n, counts, thetas, weights, learn_weights, tol, max_iter, theta_prior, weight_prior
        )
    except _ImpossibleSetError as exc:
        if inverse is None:
            raise
        # EM ran on distinct pairs: name the first set with the impossible pair.
        first_set = int(np.flatnonzero(inverse == exc.row)[0])
        raise ValueError(exc.describe(first_set)) from None
    if not result.converged and tol > 0:
        warnings.warn(
            ConvergenceWarning(
                f"EM did not converge in max_iter = {max_iter} iterations: the last iteration raised "
                f"the {'log-posterior' if result.log_posterior_history is not None else 'log-likelihood'} "
                f"by {change:.3g} (tol = {tol:g}). Increase max_iter, loosen tol, or try another start."
            ),
            stacklevel=2,
        )
    return _per_set(result, inverse)


#: The most random starts em_restarts runs (each start costs a full EM run).
MAX_STARTS = 100_000
#: The most coins em_restarts draws starts for.
MAX_COINS = 1_000


def em_restarts(heads, n_tosses=None, n_coins=2, n_starts=10, seed=None, **em_kwargs):
    """Run EM from several random starts and keep the best.

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
    n_tosses : int or array-like of shape (n_sets,)
    n_coins : int, default=2
    n_starts : int, default=10
        Number of random starts (at most 100,000); each coin's starting
        theta is drawn uniformly from (0.05, 0.95).
    seed : int, numpy.random.Generator or None, default=None
        For the starting points; the same seed gives the same runs.
    **em_kwargs
        Passed to :func:`em`: ``weights``, ``learn_weights``, ``tol``,
        ``max_iter``, ``theta_prior``, ``weight_prior``.  As with :func:`em`,
        pass ``learn_weights=True`` for data whose coin probabilities are not
        known to be equal, and ``tol`` is an absolute change of the total
        log-likelihood (or log-posterior).

    Returns
    -------
    best : EMResult
        The run with the highest final objective (log-likelihood, or
        log-posterior with a prior), with its own ``converged`` flag.
    runs : list of EMResult
        All runs, in the order they were started.

    Warns
    -----
    ConvergenceWarning
        Only when the best run did not converge.

    Examples
    --------
    >>> heads, n_tosses, _ = paper_data()
    >>> best, runs = em_restarts(heads, n_tosses, n_coins=2, n_starts=5, seed=0)
    >>> len(runs), best.log_likelihood == max(r.log_likelihood for r in runs)
    (5, True)
    """
    allowed = {"weights", "learn_weights", "tol", "max_iter", "theta_prior", "weight_prior"}
    unknown = set(em_kwargs) - allowed
    if unknown:
        raise TypeError(
            f"em_restarts got unexpected keyword arguments {sorted(unknown)}; it draws its own "
            "starting thetas and passes only weights, learn_weights, tol, max_iter, theta_prior "
            "and weight_prior to em."
        )
    h, n, counts, inverse = _prepare(heads, n_tosses)  # reduce once for all starts
    n_coins = check_positive_int(n_coins, "n_coins", maximum=MAX_COINS)
    n_starts = check_positive_int(n_starts, "n_starts")
    if n_starts > MAX_STARTS:
        raise ValueError(
            f"n_starts must be at most {MAX_STARTS:,} (each start is a full EM run), but got "
            f"n_starts = {n_starts}."
        )
    weights = em_kwargs.get("weights")
    if weights is not None:
        arr = as_numeric_array(weights, "weights")
        if arr.ndim != 1 or arr.size != n_coins:
            raise ValueError(
                f"weights must have one entry per coin (n_coins = {n_coins}), but got {weights!r} "
                f"of shape {arr.shape}."
            )
    weights = check_weights(weights, n_coins)
    tol = check_tol(em_kwargs.get("tol", 1e-8))
    max_iter = check_positive_int(em_kwargs.get("max_iter", 1000), "max_iter")
    learn_weights = check_bool(em_kwargs.get("learn_weights", False), "learn_weights")
    theta_prior, weight_prior = _check_priors(
        em_kwargs.get("theta_prior"), em_kwargs.get("weight_prior"), learn_weights
    )
    rng = np.random.default_rng(check_seed(seed))
    starts = rng.uniform(0.05, 0.95, size=(n_starts, n_coins))
    runs = [
        _run_em(h, n, counts, start, weights, learn_weights, tol, max_iter, theta_prior, weight_prior)[0]
        for start in starts
    ]

    def objective(r):
        return r.log_likelihood if r.log_posterior_history is None else r.log_posterior_history[-1]

    best_index = int(np.argmax([objective(r) for r in runs]))
    best = runs[best_index]
    if not best.converged and tol > 0:
        warnings.warn(
            ConvergenceWarning(
                f"the best of {n_starts} EM runs did not converge in max_iter = {max_iter} "
                "iterations; increase max_iter or loosen tol."
            ),
            stacklevel=2,
        )
    runs = [_per_set(r, inverse) for r in runs]
    return runs[best_index], runs
