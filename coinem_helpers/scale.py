"""Sufficient statistics of data larger than memory, computed with Dask.

EM sees the data only through the distinct ``(heads, n_tosses)`` pairs and
how often each occurs (:class:`~coinem_helpers.SufficientStats`), and that
summary is tiny.  So data too big for one machine's memory need only be
*summarised* out of core: each chunk of sets is reduced to its own
summary, the summaries are added up, and EM then runs on the total, at the
cost of a few distinct pairs per iteration, however many sets there were.

This module needs the optional extra ``pip install "coinem_helpers[scale]"``
(which installs ``dask[array,dataframe]``, ``distributed``, ``pandas`` and
``pyarrow``).  You rarely call it directly: :func:`coinem_helpers.sufficient_stats`
sends Dask arrays and data frames here.  The computation runs on whatever
scheduler Dask would use for ``.compute()``: threads by default, a
`dask.distributed` cluster when a ``Client`` is active, or the synchronous
scheduler (handy for debugging) with ``dask.config.set(scheduler="synchronous")``.

A billion sets of twenty tosses, simulated chunk by chunk (this is not run
here; each chunk is summarised and dropped, so memory stays at a few chunks)::

    import dask.array as da
    from coinem_helpers import em, sufficient_stats

    rng = da.random.default_rng(0)
    coin = rng.random(10**9, chunks=10**7) < 0.5
    heads = rng.binomial(20, da.where(coin, 0.3, 0.7))
    stats = sufficient_stats(heads, 20)          # one pass over the data
    result = em(stats, thetas=[0.4, 0.6])        # iterations on 21 pairs

Files on disk, summarised on a cluster (here a local one, two worker
processes; a real cluster's ``Client("scheduler-address:8786")`` works the
same way, if every worker can read the files)::

    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        sets = dd.read_parquet("sets/*.parquet", columns=["heads", "n_tosses"])
        stats = sufficient_stats(sets)           # each worker reads and summarises its files
    result = em(stats, thetas=[0.4, 0.6])
"""

import numbers

import numpy as np

from ._validation import as_int_array, check_sets
from .core import SufficientStats, _reduce

__all__ = ["sufficient_stats_dask", "sufficient_stats_frame"]

# How many chunk summaries are merged at once on the way to the total.
SPLIT_EVERY = 8


def _import_dask():
    try:
        import dask
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - exercised with dask hidden
        raise ImportError(
            "Dask arrays need the optional extra: pip install 'coinem_helpers[scale]' "
            f"(which installs dask[array]); importing dask failed with: {exc}"
        ) from exc
    return dask, da


def sufficient_stats_dask(heads, n_tosses=None):
    """:func:`~coinem_helpers.sufficient_stats` of a Dask array, computed chunk by chunk.

    Parameters
    ----------
    heads : dask.array.Array
        Either the heads of each set (1-D), or the 0/1 tosses themselves
        (2-D, one row per set, chunked along the sets; the chunks of a row
        may also be split).  NumPy arrays are accepted too when
        ``n_tosses`` is a Dask array.
    n_tosses : int, array-like or dask.array.Array, default=None
        Tosses in each set: an int, or one length per set (NumPy or Dask,
        rechunked like ``heads``).  For 2-D tosses it may be left out (it is
        the row length) and, if given, must equal the row length.

    Returns
    -------
    SufficientStats
        Equal, array for array, to ``sufficient_stats`` of the same data in
        memory.

    Raises
    ------
    TypeError, ValueError
        For the same bad input as in memory, naming the argument and the
        (global) index of the first offending set.  Checks on the values run
        with the computation, so their errors come from ``compute``.

    Examples
    --------
    >>> import dask
    >>> import dask.array as da
    >>> tosses, _ = simulate(1000, 20, [0.3, 0.7], seed=0)
    >>> chunked = da.from_array(tosses, chunks=(300, 20))   # 4 chunks of sets
    >>> with dask.config.set(scheduler="synchronous"):
    ...     stats = sufficient_stats(chunked)
    >>> stats
    SufficientStats(n_sets=1000, n_pairs=20)
    >>> bool(np.all(stats.counts == sufficient_stats(count_heads(tosses), 20).counts))
    True
    >>> em(stats, thetas=[0.4, 0.6]).thetas.round(2)
    array([0.3, 0.7])
    """
    dask, da = _import_dask()
    if not hasattr(type(heads), "__dask_graph__") and isinstance(n_tosses, da.Array):
        # Heads in memory, lengths in Dask: chunk the heads like the lengths.
        heads = da.from_array(as_int_array(heads, "heads"), chunks=n_tosses.chunks)
    heads = _as_dask_array(heads, "heads", da)
    if heads.ndim == 2:
        heads, n_tosses = _heads_of_tosses(heads, n_tosses, da)
    elif heads.ndim != 1:
        raise ValueError(
            "heads must be a 1-D Dask array of heads per set or a 2-D one of 0/1 tosses "
            f"(n_sets, n_tosses), but got {heads.ndim} dimensions, shape {heads.shape}."
        )
    if any(np.isnan(c) for c in heads.chunks[0]):
        raise ValueError(
            "heads has unknown chunk sizes (nan), so sets cannot be located; "
            "call heads.compute_chunk_sizes() first."
        )
    if heads.shape[0] == 0:
        raise ValueError("heads must hold at least one set, but got an empty array.")
    n_blocks = _n_tosses_blocks(n_tosses, heads, da)

    offsets = np.concatenate([[0], np.cumsum(heads.chunks[0])[:-1]]).tolist()
    summarise = dask.delayed(_summarise, pure=True)
    parts = [
        summarise(h_block, n_block, offset)
        for h_block, n_block, offset in zip(heads.to_delayed().ravel(), n_blocks, offsets)
    ]
    return _add_up(parts, dask)


def _add_up(parts, dask):
    """Merge the chunk summaries in a tree and compute the total."""
    merge = dask.delayed(_merge, pure=True)
    while len(parts) > 1:  # a tree of merges, so no single task sees every summary
        parts = [merge(*parts[i : i + SPLIT_EVERY]) for i in range(0, len(parts), SPLIT_EVERY)]
    (pair_h, pair_n, counts), = dask.compute(parts[0])
    if counts.size == 0:
        raise ValueError("heads must hold at least one set, but every chunk of the data is empty.")
    return SufficientStats(pair_h, pair_n, counts)


def sufficient_stats_frame(frame, n_tosses=None):
    """:func:`~coinem_helpers.sufficient_stats` of a pandas or Dask DataFrame of sets.

    One row per set, with columns ``heads`` and ``n_tosses`` (other
    columns are ignored).  A Dask DataFrame, e.g. from
    ``dask.dataframe.read_parquet``, is summarised partition by partition,
    on whatever scheduler or cluster is active, without ever being held in
    memory as a whole.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        The sets, with integer (or whole-number float) columns ``heads`` and
        ``n_tosses``.
    n_tosses : int, default=None
        Only for a frame without an ``n_tosses`` column: the length of
        every set.

    Returns
    -------
    SufficientStats
        Equal, array for array, to ``sufficient_stats(frame["heads"],
        frame["n_tosses"])`` computed in memory.

    Raises
    ------
    ValueError
        If a column is missing (naming it and the columns there are), holds a
        missing value, or holds a bad count (as in memory; for a Dask
        DataFrame the message names the partition and the row's position in
        it, and comes from ``compute``).
    TypeError
        If a column does not hold numbers, or ``n_tosses`` is given as well
        as an ``n_tosses`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> sets = pd.DataFrame({"heads": [5, 9, 8, 4, 9], "n_tosses": 10})
    >>> stats = sufficient_stats(sets)
    >>> stats, stats.counts
    (SufficientStats(n_sets=5, n_pairs=4), array([1, 1, 1, 2]))
    >>> sufficient_stats(sets[["heads"]], 10).counts
    array([1, 1, 1, 2])
    >>> sufficient_stats(sets.rename(columns={"n_tosses": "n"}))
    Traceback (most recent call last):
    ...
    ValueError: the data frame has no column 'n_tosses' (its columns: ['heads', 'n']); ...

    A Dask DataFrame (here from pandas; ``dd.read_parquet`` gives one from files):

    >>> import dask
    >>> import dask.dataframe as dd
    >>> with dask.config.set(scheduler="synchronous"):
    ...     stats = sufficient_stats(dd.from_pandas(sets, npartitions=2))
    >>> stats.counts
    array([1, 1, 1, 2])
    """
    import pandas as pd  # a DataFrame was passed, so pandas is installed

    columns = [str(c) for c in frame.columns]
    if "heads" not in columns:
        raise ValueError(
            f"the data frame must have a column 'heads' (one heads count per set), but its columns "
            f"are {columns}."
        )
    has_lengths = "n_tosses" in columns
    if has_lengths and n_tosses is not None:
        raise TypeError(
            "n_tosses must be left out when the data frame has an n_tosses column (it holds the set "
            f"lengths), but got n_tosses = {n_tosses!r}."
        )
    if not has_lengths:
        if n_tosses is None:
            raise ValueError(
                f"the data frame has no column 'n_tosses' (its columns: {columns}); add one with each "
                "set's length, or pass n_tosses=<int> when all sets are equally long."
            )
        if isinstance(n_tosses, bool) or not isinstance(n_tosses, numbers.Integral):
            raise TypeError(
                "n_tosses must be an int (the length of every set) for a data frame without an "
                f"n_tosses column, but got {n_tosses!r} ({type(n_tosses).__name__})."
            )
    used = ["heads", "n_tosses"] if has_lengths else ["heads"]
    for name in used:
        dtype = frame.dtypes[name]
        if not pd.api.types.is_numeric_dtype(dtype):
            raise TypeError(f"the data frame's column {name!r} must hold numbers, but has dtype {dtype}.")
    if not hasattr(type(frame), "__dask_graph__"):  # pandas: in memory
        heads = _column_values(frame, "heads", pd)
        lengths = _column_values(frame, "n_tosses", pd) if has_lengths else n_tosses
        return _reduce(*check_sets(heads, lengths), inverse=False)[0]
    dask, _ = _import_dask()
    summarise = dask.delayed(_summarise_partition, pure=True)
    # Selecting the columns first lets read_parquet read only them.
    partitions = frame[used].to_delayed()
    parts = [summarise(part, None if has_lengths else n_tosses, p) for p, part in enumerate(partitions)]
    return _add_up(parts, dask)


# ---------------------------------------------------------------------------
# Building the graph (checks on types and shapes: no data is read)
# ---------------------------------------------------------------------------


def _as_dask_array(x, name, da):
    if isinstance(x, da.Array):
        array = x
    elif hasattr(type(x), "__dask_graph__"):
        raise TypeError(
            f"{name} must be a Dask array, but got a {type(x).__module__}.{type(x).__name__}; "
            "convert it first, e.g. with .to_dask_array(lengths=True) for a Dask DataFrame column."
        )
    else:
        array = da.asarray(as_int_array(x, name))
    kind = array.dtype.kind
    if kind not in "biuf":
        raise TypeError(f"{name} must be an array of numbers, but got a Dask array of dtype {array.dtype}.")
    return array


def _heads_of_tosses(tosses, n_tosses, da):
    """2-D 0/1 tosses -> (1-D Dask array of heads, row length), checking 0/1 chunk by chunk."""
    row_length = tosses.shape[1]
    if np.isnan(row_length):
        raise ValueError("the toss array has an unknown row length; call tosses.compute_chunk_sizes() first.")
    if row_length == 0:
        raise ValueError("the toss array must have at least one toss per set, but its rows are empty.")
    if n_tosses is not None and not _is_int(n_tosses, row_length):
        raise ValueError(
            f"n_tosses must be left out or equal the row length ({row_length}) when heads is a "
            f"2-D array of tosses, but got n_tosses = {n_tosses!r}."
        )
    checked = tosses.map_blocks(_check_tosses_block, dtype=tosses.dtype)
    return checked.sum(axis=1, dtype=np.int64), int(row_length)


def _is_int(value, expected):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value == expected


def _n_tosses_blocks(n_tosses, heads, da):
    """One entry per chunk of ``heads``: the int, or the matching chunk of lengths."""
    n_chunks = len(heads.chunks[0])
    if n_tosses is None:
        raise TypeError("n_tosses is required: pass an int (all sets equally long) or one length per set.")
    if not hasattr(type(n_tosses), "__dask_graph__"):
        n = as_int_array(n_tosses, "n_tosses")
        if n.ndim == 0:
            n = int(n)
            if n <= 0:
                raise ValueError(f"n_tosses must be a positive int, but got n_tosses = {n}.")
            return [n] * n_chunks
    n = _as_dask_array(n_tosses, "n_tosses", da)
    if n.ndim != 1 or n.shape[0] != heads.shape[0]:
        raise ValueError(
            f"n_tosses must be an int or have one entry per set ({heads.shape[0]}), but got shape {n.shape}."
        )
    return list(n.rechunk(heads.chunks).to_delayed().ravel())


# ---------------------------------------------------------------------------
# The tasks (run by the scheduler, on one chunk of data at a time)
# ---------------------------------------------------------------------------


def _check_tosses_block(block, block_info=None):
    bad = (block != 0) & (block != 1)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        row0, col0 = (loc[0] for loc in block_info[0]["array-location"])
        raise ValueError(
            f"tosses must be 0 (tails) or 1 (heads), but got tosses[{row0 + i}, {col0 + j}] = {block[i, j]}."
        )
    return block


def _summarise(heads, n_tosses, offset):
    """One chunk of sets -> its (pair heads, pair lengths, counts), checked as in memory.

    ``offset`` is the index of the chunk's first set, so that an error names
    the set's index in the whole array.
    """
    if np.size(heads) == 0:  # Dask may hand a task an empty chunk
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    h, n = check_sets(heads, n_tosses, offset=offset)
    stats = _reduce(h, n, inverse=False)[0]
    return stats.heads, np.asarray(stats.n_tosses, dtype=np.int64), stats.counts.astype(np.int64, copy=False)


def _column_values(frame, name, pd):
    """A numeric column of a pandas frame as a NumPy array; a missing value is an error."""
    column = frame[name]
    missing = column.isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        label = column.index[i]
        label = label.item() if isinstance(label, np.generic) else label
        raise ValueError(
            f"the data frame's column {name!r} has a missing value in row {i} (index label "
            f"{label!r}); drop or fill such rows first."
        )
    values = column.to_numpy()
    if values.dtype == object:  # a nullable extension type (Int64, Float64, boolean) with no NA
        values = column.to_numpy(dtype=column.dtype.numpy_dtype)
    return values


def _summarise_partition(part, n_tosses, index):
    """One partition of a Dask DataFrame -> its summary; errors name the partition."""
    import pandas as pd

    try:
        heads = _column_values(part, "heads", pd)
        lengths = _column_values(part, "n_tosses", pd) if n_tosses is None else n_tosses
        return _summarise(heads, lengths, 0)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{exc} (in partition {index} of the data frame; rows count from its start)") from None


def _merge(*summaries):
    """Add chunk summaries: the same pair in two chunks counts the sets of both."""
    heads = np.concatenate([s[0] for s in summaries])
    n_tosses = np.concatenate([s[1] for s in summaries])
    counts = np.concatenate([s[2] for s in summaries])
    if heads.size == 0:
        return heads, n_tosses, counts
    order = np.lexsort((heads, n_tosses))  # by n_tosses, then heads: the order of the pairs in memory
    heads, n_tosses, counts = heads[order], n_tosses[order], counts[order]
    first = np.ones(heads.size, dtype=bool)
    first[1:] = (heads[1:] != heads[:-1]) | (n_tosses[1:] != n_tosses[:-1])
    starts = np.flatnonzero(first)
    return heads[starts], n_tosses[starts], np.add.reduceat(counts, starts)

