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
# Entries of responsibilities may stray outside [0, 1] by this much only.
RESP_TOL = 1e-12


def _first(mask):
    """Index of the first True entry of a boolean array (an int for 1-D, a tuple otherwise)."""
    idx = np.argwhere(mask)[0]
    return int(idx[0]) if idx.size == 1 else tuple(int(i) for i in idx)


def _fmt_index(name, idx):
    """'x[3]' for 1-D, 'x[1, 2]' for 2-D, plain 'x' for a scalar."""
    if idx == ():
        return name
    return f"{name}[{idx}]" if not isinstance(idx, tuple) else f"{name}[{', '.join(map(str, idx))}]"


#: The longest set: float64 holds every whole number up to 2**53 exactly, and
#: the maths turns counts into floats, so longer sets would be silently rounded.
MAX_TOSSES = 2**53


def as_numeric_array(x, name, allow_bool=True):
    """``np.asarray(x)`` for real numbers, with a TypeError naming ``name`` otherwise.

    Masked arrays are refused rather than silently unmasked (``np.asarray``
    would keep the masked values); whole numbers too large for int64 get a
    ValueError, not an object array.
    """
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must be a plain array, but got a masked array; drop the masked entries first "
            f"(e.g. {name}.compressed(), with the matching entries of the other arguments)."
        )
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError, OverflowError) as exc:  # ragged lists, ints beyond int64
        raise TypeError(f"{name} must be an array of numbers, but got {_short(x)} ({exc}).") from None
    if arr.dtype == bool:
        if not allow_bool:
            raise TypeError(f"{name} must hold numbers, not booleans, but got {_short(x)}.")
        return arr.astype(np.int64)
    if arr.dtype == object and arr.size and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in arr.flat
    ):
        # Python ints too large for int64 (np.asarray keeps them as objects).
        i = _first(np.vectorize(lambda v: abs(v) >= 2**63, otypes=[bool])(arr))
        raise ValueError(f"{name} is too large: {_fmt_index(name, i)} = {arr[i]} does not fit in 64 bits.")
    if arr.dtype.kind not in "iuf":  # timedelta64 passes issubdtype(..., integer): check the kind
        raise TypeError(f"{name} must be an array of numbers, but got {_short(x)} (dtype {arr.dtype}).")
    return arr


def _short(x, limit=120):
    """repr(x), cut short so that a huge argument does not flood the message."""
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 5] + " ...>"


def as_int_array(x, name, offset=0, allow_bool=True):
    """Check that ``x`` holds finite whole numbers and return it as int64.

    ``offset`` is added to a 1-D index in messages, for a chunk of a larger array.
    """
    arr = as_numeric_array(x, name, allow_bool=allow_bool)
    if np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64, copy=False)  # float16 cannot even hold the 2**63 bound
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
        huge = np.abs(arr) >= 2.0**63
        if huge.any():
            i = _first(huge)
            shown = _fmt_index(name, i + offset if isinstance(i, int) else i)
            raise ValueError(f"{name} is too large: {shown} = {arr[i]:g} does not fit in 64 bits.")
    elif arr.dtype == np.uint64 and arr.size and arr.max() >= 2**63:
        i = _first(arr >= 2**63)
        shown = _fmt_index(name, i + offset if isinstance(i, int) else i)
        raise ValueError(f"{name} is too large: {shown} = {arr[i]} does not fit in 64 bits.")
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
    h = as_int_array(heads, "heads", offset, allow_bool=False)
    if h.ndim != 1:
        raise ValueError(f"heads must be 1-D (one heads count per set), but got an array of shape {h.shape}.")
    if h.size == 0:
        raise ValueError("heads must hold at least one set, but got an empty array.")
    n = as_int_array(n_tosses, "n_tosses", offset, allow_bool=False)
    if n.ndim == 0:
        n = int(n)
        if n <= 0:
            raise ValueError(f"n_tosses must be a positive int, but got n_tosses = {n}.")
        if n > MAX_TOSSES:
            raise ValueError(_too_long(f"n_tosses = {n}"))
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
    if n.max() > MAX_TOSSES:
        i = _first(n > MAX_TOSSES)
        raise ValueError(_too_long(f"n_tosses[{offset + i}] = {n[i]}"))
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


def _too_long(shown):
    return (
        f"n_tosses must be at most 2**53 = {MAX_TOSSES} (the largest count float64 holds exactly), "
        f"but got {shown}."
    )


def check_thetas(thetas):
    """Heads probabilities: a non-empty 1-D float array with entries in [0, 1]."""
    arr = as_numeric_array(thetas, "thetas").astype(float) + 0.0  # + 0.0 turns -0.0 into 0.0
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
    # Rescale the rounding away: over millions of sets even 1e-7 too much weight
    # would shift the log-likelihood by a visible amount.
    return arr / total


def check_resp(resp, n_rows, name="resp"):
    """Responsibilities: shape ``(n_rows, n_coins)``, entries in [0, 1], rows summing to 1."""
    arr = as_numeric_array(resp, name).astype(float)
    if arr.ndim != 2 or arr.shape[0] != n_rows or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must have shape (n_sets, n_coins) with one row per set ({n_rows}), "
            f"but got shape {arr.shape}."
        )
    # Probabilities may be off by rounding, not by 1e-7: a negative responsibility
    # times a 10^15-toss set would give a theta far outside [0, 1].
    bad = ~((arr >= -RESP_TOL) & (arr <= 1 + RESP_TOL))
    if bad.any():
        i = _first(bad)
        raise ValueError(f"{name} must lie in [0, 1], but got {_fmt_index(name, i)} = {arr[i]}.")
    arr = np.clip(arr, 0.0, 1.0)
    sums = arr.sum(axis=1)
    off = np.abs(sums - 1.0) > SUM_TOL
    if off.any():
        i = _first(off)
        raise ValueError(f"each row of {name} must sum to 1, but row {i} sums to {sums[i]:.6g}.")
    return arr


def check_positive_int(value, name, minimum=1, maximum=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, but got {_short(value)} ({type(value).__name__}).")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, but got {name} = {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}, but got {name} = {value}.")
    return int(value)


def check_tol(tol):
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, numbers.Real):
        raise TypeError(f"tol must be a number, but got {_short(tol)} ({type(tol).__name__}).")
    if isinstance(tol, np.float16):
        raise TypeError(
            f"tol must be a float (float64), but got tol = np.float16({float(tol)!r}): float16 rounds "
            "tolerances below 6e-8 to 0 (np.float16(1e-8) is 0.0); pass a Python float, e.g. tol=1e-8."
        )
    value = float(tol)  # also a Fraction or a NumPy scalar
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"tol must be a finite number >= 0, but got tol = {tol}.")
    return value


def check_bool(value, name):
    """A real bool (or NumPy bool): a string such as 'False' is truthy, so it is refused."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, but got {_short(value)} ({type(value).__name__}).")


def check_seed(seed):
    """The one seed check: None, a non-negative int, or a numpy.random.Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be None, an int or a numpy.random.Generator, but got {_short(seed)} "
            f"({type(seed).__name__})."
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, but got seed = {seed}.")
    return int(seed)


def check_finite_number(value, name):
    """A finite real number (int or float, not a bool or a string), as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, but got {_short(value)} ({type(value).__name__}).")
    out = float(value)
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, but got {name} = {value}.")
    return out


def check_whole_number(value, name, minimum=0, maximum=MAX_TOSSES):
    """An int, or a float holding a whole number (``5.0``), within [minimum, maximum]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number, but got {_short(value)} ({type(value).__name__}).")
    if not isinstance(value, numbers.Integral):
        if not (np.isfinite(float(value)) and float(value) == round(float(value))):
            raise ValueError(f"{name} must be a whole number, but got {name} = {value}.")
        value = int(round(float(value)))
    value = int(value)
    if value < minimum or value > maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, but got {name} = {value}.")
    return value


def check_theta_prior(prior):
    """``None`` or Beta parameters ``(a, b)``, both finite and >= 1."""
    if prior is None:
        return None
    try:
        a, b = prior
    except (TypeError, ValueError):
        raise TypeError(
            f"theta_prior must be None or a pair (a, b) of Beta parameters, but got {_short(prior)}."
        ) from None
    a = check_finite_number(a, "theta_prior[0]")
    b = check_finite_number(b, "theta_prior[1]")
    for name, v in (("theta_prior[0] (a)", a), ("theta_prior[1] (b)", b)):
        if v < 1:
            raise ValueError(
                f"{name} must be >= 1, but got {v}: below 1 the Beta density is unbounded at 0 or 1, "
                "so it has no mode inside (0, 1) for MAP-EM to find."
            )
    return (a, b)


def check_weight_prior(alpha):
    """``None`` or a symmetric Dirichlet parameter alpha >= 1."""
    if alpha is None:
        return None
    alpha = check_finite_number(alpha, "weight_prior")
    if alpha < 1:
        raise ValueError(
            f"weight_prior must be >= 1, but got weight_prior = {alpha}: below 1 the Dirichlet density "
            "is unbounded where a weight is 0, so it has no mode inside for MAP-EM to find."
        )
    return alpha
