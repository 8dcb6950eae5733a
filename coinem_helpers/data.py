"""Data for the two-coin experiment: the paper's five sets, simulation and counting.

The experiment: pick a coin (coin ``k`` with probability ``weights[k]``), toss
it ``n_tosses`` times, write the tosses down, repeat.  A *set* is one such
sequence of tosses.  Coins are numbered ``0, 1, ...``; in the paper's example
coin 0 is A and coin 1 is B.
"""

import numpy as np

from ._validation import as_int_array, check_positive_int, check_seed, check_thetas, check_weights

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
    """The letter of coin ``k``: 0 -> 'A', 1 -> 'B', ..., 25 -> 'Z', 26 -> 'AA', ...

    >>> coin_name(0), coin_name(3), coin_name(26)
    ('A', 'D', 'AA')
    """
    k = check_positive_int(k, "k", minimum=0)
    name = ""
    k += 1
    while k:  # spreadsheet column letters: bijective base 26
        k, r = divmod(k - 1, 26)
        name = chr(ord("A") + r) + name
    return name


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
    arr = np.asarray(tosses) if isinstance(tosses, np.ndarray) else None
    if arr is None or arr.dtype.kind not in "iub":
        arr = as_int_array(tosses, "tosses")
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(
            f"tosses must be a non-empty 1-D (one set) or 2-D (n_sets, n_tosses) array of 0/1, "
            f"but got shape {arr.shape}."
        )
    counts = _checked_row_sums(arr)
    return int(counts) if arr.ndim == 1 else counts


# Rows per block of the counting pass: a block of int64 tosses stays within
# the CPU cache, so checking it and summing it cost one trip through memory.
_BLOCK_BYTES = 1 << 20


def _checked_row_sums(arr):
    """Heads per row of 0/1 tosses, checked 0/1 in the same pass over memory.

    The array is walked in cache-sized blocks of rows; each block is
    checked (as unsigned integers, a negative entry is huge, so one ``max``
    finds any entry other than 0 and 1) and summed while it is in cache.
    """
    if arr.dtype == bool:
        return arr.sum(axis=-1)
    unsigned = arr.view(np.dtype(f"u{arr.dtype.itemsize}"))
    rows = arr.reshape(1, -1) if arr.ndim == 1 else arr
    rows_u = unsigned.reshape(rows.shape)
    step = max(1, _BLOCK_BYTES // max(1, rows.strides[0] if rows.strides[0] > 0 else rows.itemsize))
    out = np.empty(rows.shape[0], dtype=np.int64)
    for start in range(0, rows.shape[0], step):
        block = rows_u[start : start + step]
        if block.max() > 1:
            bad = (block > 1).nonzero()
            i, j = int(bad[0][0]) + start, int(bad[1][0])
            idx = [j] if arr.ndim == 1 else [i, j]
            raise ValueError(
                f"tosses must be 0 (tails) or 1 (heads), but got tosses{idx} = {arr[tuple(idx)]}."
            )
        np.sum(block, axis=1, out=out[start : start + step], dtype=np.int64)
    return out[0] if arr.ndim == 1 else out


def _count_string(s, name):
    if not s:
        raise ValueError(f"{name} must hold at least one toss, but got an empty string.")
    heads = 0
    for i, c in enumerate(s):  # character by character: str.upper() may change the length
        if c in "Hh":
            heads += 1
        elif c not in "Tt":
            raise ValueError(f"{name} must contain only 'H' and 'T', but got {c!r} at position {i} of {s!r}.")
    return heads


#: The most tosses simulate draws at once (n_sets * n_tosses): 8 bytes each.
MAX_SIMULATED = 10**9


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
    if n_sets * n_tosses > MAX_SIMULATED:
        raise ValueError(
            f"n_sets * n_tosses must be at most {MAX_SIMULATED:.0e} tosses (8 bytes each, in memory "
            f"at once), but got n_sets = {n_sets}, n_tosses = {n_tosses}; simulate in batches, or "
            "draw the heads directly with numpy.random.Generator.binomial."
        )
    thetas = check_thetas(thetas)
    weights = check_weights(weights, thetas.size)
    rng = np.random.default_rng(check_seed(seed))
    coins = rng.choice(thetas.size, size=n_sets, p=weights)
    tosses = (rng.random((n_sets, n_tosses)) < thetas[coins, None]).astype(np.int64)
    return tosses, coins
