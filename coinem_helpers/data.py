"""Data for the two-coin experiment: the paper's five sets, simulation and counting.

The experiment: pick a coin (coin ``k`` with probability ``weights[k]``), toss
it ``n_tosses`` times, write the tosses down, repeat.  A *set* is one such
sequence of tosses.  Coins are numbered ``0, 1, ...``; in the paper's example
coin 0 is A and coin 1 is B.
"""

import numbers

import numpy as np

from ._validation import as_int_array, check_positive_int, check_thetas, check_weights

#: The five sets of ten tosses of Figure 1 in Do & Batzoglou (2008).
PAPER_TOSSES = (
    "HTTTHHTHTH",
    "HHHHTHHHHH",
    "HTHHHHHTHH",
    "HTHTTTHHTT",
    "THHHTHHHTH",
)

#: The coin used for each of the paper's sets, as letters.
PAPER_COINS = "BAABA"


def coin_name(k):
    """The letter of coin ``k``: 0 -> 'A', 1 -> 'B', ...

    >>> coin_name(0), coin_name(3)
    ('A', 'D')
    """
    return chr(ord("A") + int(k))


def paper_data():
    """The data of the paper's Figure 1.

    Returns
    -------
    heads : ndarray of shape (5,)
        Heads in each set: ``[5, 9, 8, 4, 7]``.
    n_tosses : int
        Tosses per set: 10.
    coins : ndarray of shape (5,)
        The coin of each set, 0 for A and 1 for B: ``[1, 0, 0, 1, 0]``.

    Examples
    --------
    >>> heads, n_tosses, coins = paper_data()
    >>> heads, n_tosses, coins
    (array([5, 9, 8, 4, 7]), 10, array([1, 0, 0, 1, 0]))
    """
    heads = count_heads(PAPER_TOSSES)
    coins = np.array([ord(c) - ord("A") for c in PAPER_COINS])
    return heads, len(PAPER_TOSSES[0]), coins


def count_heads(tosses):
    """Count the heads in each set.

    Parameters
    ----------
    tosses : str, sequence of str, or array-like of 0/1
        One set as a string of ``H``/``T`` (either case), several sets as a
        sequence of such strings (they may differ in length), or an array of
        0/1 tosses: 1-D for one set, 2-D of shape ``(n_sets, n_tosses)``
        for several.

    Returns
    -------
    int or ndarray of shape (n_sets,)
        Heads per set (an int for a single set).

    Examples
    --------
    >>> count_heads("HTTH")
    2
    >>> count_heads(["HHH", "TTHT"])
    array([3, 1])
    >>> count_heads([[1, 0, 1], [0, 0, 0]])
    array([2, 0])
    """
    if isinstance(tosses, str):
        return _count_string(tosses, "tosses")
    if isinstance(tosses, (list, tuple)) and tosses and all(isinstance(t, str) for t in tosses):
        return np.array([_count_string(t, f"tosses[{i}]") for i, t in enumerate(tosses)])
    arr = as_int_array(tosses, "tosses")
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(
            f"tosses must be a non-empty 1-D (one set) or 2-D (n_sets, n_tosses) array of 0/1, "
            f"but got shape {arr.shape}."
        )
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"tosses must be 0 (tails) or 1 (heads), but got tosses{list(idx)} = {arr[idx]}.")
    counts = arr.sum(axis=-1)
    return int(counts) if arr.ndim == 1 else counts


def _count_string(s, name):
    if not s:
        raise ValueError(f"{name} must hold at least one toss, but got an empty string.")
    upper = s.upper()
    for i, c in enumerate(upper):
        if c not in "HT":
            raise ValueError(f"{name} must contain only 'H' and 'T', but got {s[i]!r} at position {i} of {s!r}.")
    return upper.count("H")


def simulate(n_sets, n_tosses, thetas, weights=None, seed=None):
    """Simulate the experiment: pick a coin, toss it ``n_tosses`` times, repeat.

    Parameters
    ----------
    n_sets : int
        Number of sets.
    n_tosses : int
        Tosses per set.
    thetas : array-like of shape (n_coins,)
        Heads probability of each coin.
    weights : array-like of shape (n_coins,), default=None
        Probability of picking each coin; uniform when None.
    seed : int, numpy.random.Generator or None, default=None
        Seed or generator, passed to :func:`numpy.random.default_rng`; the
        same seed always gives the same data.

    Returns
    -------
    tosses : ndarray of shape (n_sets, n_tosses)
        1 for heads, 0 for tails.
    coins : ndarray of shape (n_sets,)
        The coin used for each set.

    Examples
    --------
    >>> tosses, coins = simulate(3, 5, [0.3, 0.7], seed=0)
    >>> tosses.shape, coins.shape
    ((3, 5), (3,))
    >>> bool(np.all(simulate(3, 5, [0.3, 0.7], seed=0)[0] == tosses))
    True
    """
    n_sets = check_positive_int(n_sets, "n_sets")
    n_tosses = check_positive_int(n_tosses, "n_tosses")
    thetas = check_thetas(thetas)
    weights = check_weights(weights, thetas.size)
    if not (seed is None or isinstance(seed, (numbers.Integral, np.random.Generator))):
        raise TypeError(f"seed must be None, an int or a numpy.random.Generator, but got {seed!r}.")
    rng = np.random.default_rng(seed)
    coins = rng.choice(thetas.size, size=n_sets, p=weights)
    tosses = (rng.random((n_sets, n_tosses)) < thetas[coins, None]).astype(np.int64)
    return tosses, coins
