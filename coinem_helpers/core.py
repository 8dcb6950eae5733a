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

Everything is computed in log space (:func:`scipy.special.xlogy` and
``numpy.logaddexp``), so sets of a million tosses neither underflow nor give
NaN.  EM depends on the data only through the distinct ``(heads, n_tosses)``
pairs and how often each occurs (:func:`sufficient_stats`); every function
here accepts such a summary in place of per-set data, and :func:`em` reduces
the data to it once, so an iteration costs O(distinct pairs x coins).
"""

import warnings
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from scipy.special import xlog1py, xlogy

from ._validation import (
    as_int_array,
    check_positive_int,
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
        counts = np.bincount(heads, minlength=n + 1)
        if counts.all():
            return SufficientStats(np.arange(n + 1), np.full(n + 1, n), counts), heads
        key = np.flatnonzero(counts)
        stats = SufficientStats(key, np.full(key.size, n), counts[key])
        return stats, _pair_index(key, counts.size, heads) if inverse else None
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
    if hasattr(type(heads), "columns"):  # a pandas or Dask DataFrame: columns heads and n_tosses
        from .scale import sufficient_stats_frame

        return sufficient_stats_frame(heads, n_tosses)
    if _is_dask(heads) or _is_dask(n_tosses):
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


def _log_joint(h, n, thetas, weights):
    """log w_k + log p(x_i | coin k), shape (n_rows, n_coins).

    xlogy/xlog1py make 0 * log 0 = 0, so theta = 0 or 1 is safe for a set
    that coin could produce (no heads, or no tails) and -inf otherwise.
    """
    h = h[:, None]
    tails = n[:, None] - h if isinstance(n, np.ndarray) else n - h
    with np.errstate(divide="ignore"):  # a coin with weight 0 has log weight -inf
        log_w = np.log(weights)
    return xlogy(h, thetas) + xlog1py(tails, -thetas) + log_w


def _log_evidence(log_joint):
    """log p(x_i) = log sum_k exp(log_joint[i, k]) without underflow."""
    return np.logaddexp.reduce(log_joint, axis=1)


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
    log_joint = _log_joint(h, n, thetas, weights)
    log_px = _log_evidence(log_joint)
    impossible = np.isneginf(log_px)
    if impossible.any():
        i = int(np.flatnonzero(impossible)[0])
        n_i = n[i] if isinstance(n, np.ndarray) else n
        raise _ImpossibleSetError(i, h[i], n_i, thetas, weights)
    log_joint -= log_px[:, None]
    return np.exp(log_joint, out=log_joint), log_px


def log_likelihood(heads, n_tosses=None, thetas=None, weights=None):
    r"""Observed-data log-likelihood of the toss sequences.

    .. math:: \ell(\theta, w) = \sum_i \log \sum_k w_k\, \theta_k^{h_i} (1-\theta_k)^{n_i-h_i}

    There is no binomial coefficient: we observe the ordered tosses, as in
    the paper (adding :math:`\sum_i \log\binom{n_i}{h_i}` would shift every
    value by the same constant and change no estimate).

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
    """
    h, n, counts = _data(heads, n_tosses)
    thetas, weights = _params(thetas, weights)
    log_px = _log_evidence(_log_joint(h, n, thetas, weights))
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
    if n_coins is None:
        n_coins = int(z.max()) + 1 if z.min() >= 0 else 1
    n_coins = check_positive_int(n_coins, "n_coins")
    bad = (z < 0) | (z >= n_coins)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"coins must be in 0..{n_coins - 1}, but got coins[{i}] = {z[i]}.")
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
    log_joint = _log_joint(h, n, thetas, weights)
    # 0 * log 0 = 0: a coin with no responsibility contributes nothing.
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(resp > 0, resp * (log_joint - np.log(np.where(resp > 0, resp, 1.0))), 0.0)
    return float(_total(terms.sum(axis=1), counts))


def bic(log_likelihood, n_params, n_sets):
    r"""Bayesian information criterion, :math:`-2\ell + p \log N` (lower is better).

    For :math:`K` coins, :math:`p = K` thetas, plus :math:`K - 1` weights when
    they are learned.

    Examples
    --------
    >>> round(bic(-30.0, 2, 5), 3)
    63.219
    """
    n_params = check_positive_int(n_params, "n_params", minimum=0)
    n_sets = check_positive_int(n_sets, "n_sets")
    return -2.0 * float(log_likelihood) + n_params * float(np.log(n_sets))


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
        The log-likelihood at the final estimates.
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
    learn_weights : bool
        Whether the weights were estimated (True) or held fixed at their
        starting values (False); it decides which parameters count as fitted.
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

    @cached_property
    def responsibilities(self):
        """The E-step at the final estimates, shape (n_sets, n_coins)."""
        if self._set_index is None:
            return self._pair_responsibilities
        # np.take copies whole rows; fancy indexing a 2-D array is ~10x slower.
        return np.take(self._pair_responsibilities, self._set_index, axis=0)

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
    h, n = check_sets(heads, n_tosses)
    stats, inverse = _reduce(h, n)
    return stats.heads, stats.n_tosses, stats.counts, inverse


def _run_em(h, n, counts, thetas, weights, learn_weights, tol, max_iter):
    """The EM loop on distinct pairs; returns (EMResult with per-pair responsibilities, last change).

    The data enter an iteration only through two fixed matrices, so that an
    iteration is a dozen NumPy calls on (n_coins, n_pairs) arrays, whatever
    the number of sets: ``resp_t @ moments`` gives each coin's expected
    heads, tails and sets (the M-step) and ``log_terms @ design`` each pair's
    ``log w_k + log p(pair | coin k)`` (the E-step).  When some coin has no
    expected heads or tails, the M-step goes through :func:`_m_step`; when
    some theta is 0 or 1, the E-step goes through :func:`_responsibilities`:
    they handle those cases.
    """
    resp, log_px = _responsibilities(h, n, thetas, weights)
    ll = float(counts @ log_px)
    n_coins = thetas.size
    heads_f = h.astype(float)
    tails_f = (n - h).astype(float)
    counts_f = counts.astype(float)
    design = np.stack([heads_f, tails_f, np.ones_like(heads_f)])  # (3, n_pairs)
    moments = np.stack([counts_f * heads_f, counts_f * tails_f, counts_f], axis=1)  # (n_pairs, 3)
    n_sets = counts.sum()
    log_terms = np.empty((n_coins, 3))  # columns: log theta, log(1 - theta), log w
    with np.errstate(divide="ignore"):  # a coin with weight 0 has log weight -inf
        np.log(weights, out=log_terms[:, 2])
    resp_t = resp.T
    thetas_hist, weights_hist, ll_hist = [thetas], [weights], [ll]
    converged, change = False, np.inf
    for _ in range(max_iter):
        expected = resp_t @ moments  # columns: expected heads, tails, sets of each coin
        if np.count_nonzero(expected[:, :2]) == 2 * n_coins:  # no coin without data: no 0/0
            exp_heads = expected[:, 0]
            thetas = exp_heads / (exp_heads + expected[:, 1])
            if learn_weights:
                weights = expected[:, 2] / n_sets
        else:
            thetas, new_weights = _m_step(resp_t.T, h, n, counts, thetas)
            if learn_weights:
                weights = new_weights
        if learn_weights:
            with np.errstate(divide="ignore"):
                np.log(weights, out=log_terms[:, 2])
        # theta * (1 - theta) is 0 only for theta = 0 or 1 (also after rounding,
        # e.g. when a coin's expected tails are tiny); otherwise every log is finite.
        minus_thetas = -thetas
        if np.count_nonzero(thetas * (1.0 + minus_thetas)) == n_coins:
            np.log(thetas, out=log_terms[:, 0])
            np.log1p(minus_thetas, out=log_terms[:, 1])
            log_joint = log_terms @ design
            log_px = np.logaddexp.reduce(log_joint, axis=0)
            log_joint -= log_px
            resp_t = np.exp(log_joint, out=log_joint)
        else:
            resp, log_px = _responsibilities(h, n, thetas, weights)
            resp_t = resp.T
        new_ll = float(counts_f @ log_px)
        thetas_hist.append(thetas)
        weights_hist.append(weights)
        ll_hist.append(new_ll)
        change, ll = new_ll - ll, new_ll
        # A change below tol, including a rounding-sized negative one, means
        # the climb is over.
        if tol > 0 and change < tol:
            converged = True
            break
    result = EMResult(
        thetas=thetas,
        weights=weights,
        log_likelihood=ll,
        n_iter=len(ll_hist) - 1,
        converged=converged,
        thetas_history=np.array(thetas_hist),
        weights_history=np.array(weights_hist),
        log_likelihood_history=np.array(ll_hist),
        learn_weights=bool(learn_weights),
        _pair_responsibilities=np.ascontiguousarray(resp_t.T),
    )
    return result, change


def _per_set(result, inverse):
    """Give each set the responsibilities of its pair (looked up when first read)."""
    return result if inverse is None else replace(result, _set_index=inverse)


def em(
    heads,
    n_tosses=None,
    thetas=None,
    weights=None,
    *,
    learn_weights=False,
    tol=1e-8,
    max_iter=1000,
):
    """Run EM from a starting point until the log-likelihood stops rising.

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
        Tosses in each set.
    thetas : array-like of shape (n_coins,)
        Starting heads probabilities.
    weights : array-like of shape (n_coins,), default=None
        Starting mixing weights; uniform when None.
    learn_weights : bool, default=False
        Re-estimate the weights in each M-step.  False keeps them fixed, as
        in the paper.
    tol : float, default=1e-8
        Stop when an iteration raises the log-likelihood by less than this.
        ``tol=0`` turns the rule off: exactly ``max_iter`` iterations run,
        ``converged`` is False and no warning is issued.
    max_iter : int, default=1000
        The most iterations to run.

    Returns
    -------
    EMResult

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` iterations ran and the rule had not yet fired.

    Notes
    -----
    A coin whose responsibilities all drop to zero has no expected tosses
    and so no data to move it: it keeps its theta (and, with
    ``learn_weights``, gets weight 0).

    Examples
    --------
    The paper's Figure 1b, ten iterations from (0.6, 0.5):

    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=10)
    >>> result.thetas.round(2), result.n_iter
    (array([0.8 , 0.52]), 10)
    >>> em(heads, n_tosses, [0.6, 0.5])
    EMResult(thetas=[0.7968, 0.5196], weights=[0.5, 0.5], log_likelihood=-31.5702, n_iter=..., converged=True)
    """
    h, n, counts, inverse = _prepare(heads, n_tosses)
    thetas, weights = _params(thetas, weights)
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    try:
        result, change = _run_em(h, n, counts, thetas, weights, bool(learn_weights), tol, max_iter)
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
                f"the log-likelihood by {change:.3g} (tol = {tol:g}). Increase max_iter, loosen tol, "
                "or try another start."
            ),
            stacklevel=2,
        )
    return _per_set(result, inverse)


def em_restarts(heads, n_tosses=None, n_coins=2, n_starts=10, seed=None, **em_kwargs):
    """Run EM from several random starts and keep the best.

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
    n_tosses : int or array-like of shape (n_sets,)
    n_coins : int, default=2
    n_starts : int, default=10
        Number of random starts; each coin's starting theta is drawn
        uniformly from (0.05, 0.95).
    seed : int, numpy.random.Generator or None, default=None
        For the starting points; the same seed gives the same runs.
    **em_kwargs
        Passed to :func:`em`: ``weights``, ``learn_weights``, ``tol``, ``max_iter``.

    Returns
    -------
    best : EMResult
        The run with the highest final log-likelihood, with its own
        ``converged`` flag.
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
    unknown = set(em_kwargs) - {"weights", "learn_weights", "tol", "max_iter"}
    if unknown:
        raise TypeError(
            f"em_restarts got unexpected keyword arguments {sorted(unknown)}; it draws its own "
            "starting thetas and passes only weights, learn_weights, tol and max_iter to em."
        )
    h, n, counts, inverse = _prepare(heads, n_tosses)  # reduce once for all starts
    n_coins = check_positive_int(n_coins, "n_coins")
    n_starts = check_positive_int(n_starts, "n_starts")
    weights = check_weights(em_kwargs.get("weights"), n_coins)
    tol = check_tol(em_kwargs.get("tol", 1e-8))
    max_iter = check_positive_int(em_kwargs.get("max_iter", 1000), "max_iter")
    learn_weights = bool(em_kwargs.get("learn_weights", False))
    rng = np.random.default_rng(seed)
    starts = rng.uniform(0.05, 0.95, size=(n_starts, n_coins))
    runs = [_run_em(h, n, counts, start, weights, learn_weights, tol, max_iter)[0] for start in starts]
    best = runs[int(np.argmax([r.log_likelihood for r in runs]))]
    if not best.converged and tol > 0:
        warnings.warn(
            ConvergenceWarning(
                f"the best of {n_starts} EM runs did not converge in max_iter = {max_iter} "
                "iterations; increase max_iter or loosen tol."
            ),
            stacklevel=2,
        )
    runs = [_per_set(r, inverse) for r in runs]
    return runs[int(np.argmax([r.log_likelihood for r in runs]))], runs
