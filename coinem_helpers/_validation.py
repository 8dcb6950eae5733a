"""Input checks shared by the public functions.

Every check raises ``ValueError`` (or ``TypeError`` for a wrong type) with a
message that names the argument, the offending value and what was expected,
so that a student sees *their* mistake rather than a traceback from deep
inside NumPy.  The checks return clean arrays that the maths can trust.
"""

import numbers

import numpy as np

# Rows of responsibilities and mixing weights are sums of floats: allow this
# much rounding before calling them "not normalised".
SUM_TOL = 1e-6


def _first(mask):
    """Index of the first True entry of a boolean array (an int for 1-D, a tuple otherwise)."""
    idx = np.argwhere(mask)[0]
    return int(idx[0]) if idx.size == 1 else tuple(int(i) for i in idx)


def _fmt_index(name, idx):
    """'x[3]' for 1-D, 'x[1, 2]' for 2-D, plain 'x' for a scalar."""
    if idx == ():
        return name
    return f"{name}[{idx}]" if not isinstance(idx, tuple) else f"{name}[{', '.join(map(str, idx))}]"


def as_numeric_array(x, name):
    """``np.asarray(x)`` for real numbers, with a TypeError naming ``name`` otherwise."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers, but got {x!r} ({exc}).") from None
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be an array of numbers, but got {x!r} (dtype {arr.dtype}).")
    return arr


def as_int_array(x, name, offset=0):
    """Check that ``x`` holds finite whole numbers and return it as int64.

    ``offset`` is added to a 1-D index in messages, for a chunk of a larger array.
    """
    arr = as_numeric_array(x, name)
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            i = _first(bad)
            shown = _fmt_index(name, i + offset if isinstance(i, int) else i)
            raise ValueError(f"{name} must be finite whole numbers, but got {shown} = {arr[i]}.")
        frac = arr != np.round(arr)
        if frac.any():
            i = _first(frac)
            shown = _fmt_index(name, i + offset if isinstance(i, int) else i)
            raise ValueError(f"{name} must be whole numbers, but got {shown} = {arr[i]}.")
    return arr.astype(np.int64, copy=False)


def check_sets(heads, n_tosses, offset=0):
    """Validate per-set data.

    Returns ``(heads, n_tosses)`` with ``heads`` a 1-D int64 array and
    ``n_tosses`` either a Python int (all sets equally long) or a 1-D int64
    array of the same length as ``heads``.  ``offset`` is the index of the
    first set, when these are a chunk of a larger data set: messages then
    name the set's index in the whole.
    """
    if n_tosses is None:
        raise TypeError("n_tosses is required: pass an int (all sets equally long) or one length per set.")
    h = as_int_array(heads, "heads", offset)
    if h.ndim != 1:
        raise ValueError(f"heads must be 1-D (one heads count per set), but got an array of shape {h.shape}.")
    if h.size == 0:
        raise ValueError("heads must hold at least one set, but got an empty array.")
    n = as_int_array(n_tosses, "n_tosses", offset)
    if n.ndim == 0:
        n = int(n)
        if n <= 0:
            raise ValueError(f"n_tosses must be a positive int, but got n_tosses = {n}.")
        # min/max are single cheap passes; the index is looked up only on failure.
        if h.min() < 0:
            i = _first(h < 0)
            raise ValueError(f"heads must be non-negative, but got heads[{offset + i}] = {h[i]}.")
        if h.max() > n:
            i = _first(h > n)
            raise ValueError(
                f"heads cannot exceed n_tosses, but got heads[{offset + i}] = {h[i]} > n_tosses = {n}."
            )
        return h, n
    if n.shape != h.shape:
        raise ValueError(
            f"n_tosses must be an int or have one entry per set ({h.size}), but got shape {n.shape}."
        )
    if n.min() <= 0:
        i = _first(n <= 0)
        raise ValueError(f"n_tosses must be positive, but got n_tosses[{offset + i}] = {n[i]}.")
    if h.min() < 0:
        i = _first(h < 0)
        raise ValueError(f"heads must be non-negative, but got heads[{offset + i}] = {h[i]}.")
    over = h > n
    if over.any():
        i = _first(over)
        raise ValueError(
            f"heads cannot exceed n_tosses, but got heads[{offset + i}] = {h[i]} > "
            f"n_tosses[{offset + i}] = {n[i]}."
        )
    return h, n


def check_thetas(thetas):
    """Heads probabilities: a non-empty 1-D float array with entries in [0, 1]."""
    arr = as_numeric_array(thetas, "thetas").astype(float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"thetas must be a non-empty 1-D array (one heads probability per coin), but got {thetas!r}."
        )
    bad = ~((arr >= 0) & (arr <= 1))  # also catches NaN
    if bad.any():
        i = _first(bad)
        raise ValueError(f"thetas must lie in [0, 1], but got thetas[{i}] = {arr[i]}.")
    return arr


def check_weights(weights, n_coins):
    """Mixing weights: ``None`` means uniform; otherwise non-negative, one per coin, summing to 1."""
    if weights is None:
        return np.full(n_coins, 1.0 / n_coins)
    arr = as_numeric_array(weights, "weights").astype(float)
    if arr.ndim != 1 or arr.size != n_coins:
        raise ValueError(
            f"weights must have one entry per coin ({n_coins}, the length of thetas), "
            f"but got {weights!r} of shape {arr.shape}."
        )
    bad = ~((arr >= 0) & np.isfinite(arr))
    if bad.any():
        i = _first(bad)
        raise ValueError(f"weights must be non-negative and finite, but got weights[{i}] = {arr[i]}.")
    total = arr.sum()
    if abs(total - 1.0) > SUM_TOL:
        raise ValueError(f"weights must sum to 1, but got sum(weights) = {total:.5f}.")
    return arr


def check_resp(resp, n_rows, name="resp"):
    """Responsibilities: shape ``(n_rows, n_coins)``, entries in [0, 1], rows summing to 1."""
    arr = as_numeric_array(resp, name).astype(float)
    if arr.ndim != 2 or arr.shape[0] != n_rows or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must have shape (n_sets, n_coins) with one row per set ({n_rows}), "
            f"but got shape {arr.shape}."
        )
    bad = ~((arr >= -SUM_TOL) & (arr <= 1 + SUM_TOL))
    if bad.any():
        i = _first(bad)
        raise ValueError(f"{name} must lie in [0, 1], but got {_fmt_index(name, i)} = {arr[i]}.")
    sums = arr.sum(axis=1)
    off = np.abs(sums - 1.0) > SUM_TOL
    if off.any():
        i = _first(off)
        raise ValueError(f"each row of {name} must sum to 1, but row {i} sums to {sums[i]:.6g}.")
    return arr


def check_positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, but got {value!r} ({type(value).__name__}).")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, but got {name} = {value}.")
    return int(value)


def check_tol(tol):
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):
        raise TypeError(f"tol must be a number, but got {tol!r} ({type(tol).__name__}).")
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, but got tol = {tol}.")
    return float(tol)
