"""EM at scale: sufficient statistics computed with Dask (arrays, data frames, Parquet, a real cluster),
and exactness on sets of a million tosses."""

import math
import os
import subprocess
import sys
from contextlib import contextmanager
from decimal import Decimal, localcontext

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from coinem_helpers import (
    SufficientStats,
    count_heads,
    e_step,
    em,
    log_likelihood,
    simulate,
    sufficient_stats,
)
from coinem_helpers.scale import _import_dask


@pytest.fixture(autouse=True)
def _synchronous_dask():
    # One thread, in order: reproducible, and errors surface as themselves.
    with dask.config.set(scheduler="synchronous"):
        yield


def assert_same_stats(got, expected):
    assert isinstance(got, SufficientStats)
    for field in ("heads", "n_tosses", "counts"):
        a, b = getattr(got, field), getattr(expected, field)
        assert a.dtype == b.dtype, field
        np.testing.assert_array_equal(a, b, err_msg=field)


# ---------------------------------------------------------------------------
# Dask gives the in-memory summary
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("chunks", [1, 7, 250, 1000, (100, 400, 1, 499)])
@pytest.mark.parametrize("n_tosses", [20, 3000])  # every heads count present / sparse
def test_dask_heads_give_the_in_memory_stats(chunks, n_tosses):
    tosses_heads = np.random.default_rng(5).binomial(n_tosses, [0.3, 0.7] * 500)
    expected = sufficient_stats(tosses_heads, n_tosses)
    got = sufficient_stats(da.from_array(tosses_heads, chunks=chunks), n_tosses)
    assert_same_stats(got, expected)
    assert got.n_sets == 1000


@pytest.mark.parametrize("n_chunks", [(250, 20), (100, 7), (1000, 20)])
def test_dask_tosses_chunked_by_sets_give_the_in_memory_stats(n_chunks):
    tosses, _ = simulate(1000, 20, [0.3, 0.7], seed=1)
    expected = sufficient_stats(count_heads(tosses), 20)
    chunked = da.from_array(tosses, chunks=n_chunks)
    assert_same_stats(sufficient_stats(chunked), expected)
    assert_same_stats(sufficient_stats(chunked, 20), expected)
    assert_same_stats(sufficient_stats(chunked.astype(bool)), expected)


@pytest.mark.parametrize("lengths_in_dask", [False, True])
def test_dask_unequal_lengths_give_the_in_memory_stats(lengths_in_dask):
    rng = np.random.default_rng(2)
    n = rng.choice([5, 10, 40], size=2000)
    heads = rng.binomial(n, 0.4)
    expected = sufficient_stats(heads, n)
    lengths = da.from_array(n, chunks=300) if lengths_in_dask else n
    got = sufficient_stats(da.from_array(heads, chunks=128), lengths)
    assert_same_stats(got, expected)
    # Heads in memory, lengths in Dask works too.
    assert_same_stats(sufficient_stats(heads, da.from_array(n, chunks=300)), expected)


def test_dask_float_whole_numbers_are_accepted_like_in_memory():
    heads = np.array([3.0, 5.0, 3.0, 0.0])
    assert_same_stats(sufficient_stats(da.from_array(heads, chunks=2), 5), sufficient_stats(heads, 5))


def test_em_on_dask_stats_equals_em_on_the_data_in_memory():
    tosses, _ = simulate(3000, 25, [0.25, 0.5, 0.8], seed=4)
    heads = count_heads(tosses)
    stats = sufficient_stats(da.from_array(tosses, chunks=(400, 25)))
    for kwargs in ({}, {"learn_weights": True}):
        a = em(heads, 25, [0.2, 0.4, 0.9], **kwargs)
        b = em(stats, thetas=[0.2, 0.4, 0.9], **kwargs)
        # Same summary -> the very same iterations.
        np.testing.assert_array_equal(a.thetas_history, b.thetas_history)
        np.testing.assert_array_equal(a.weights_history, b.weights_history)
        assert a.log_likelihood == b.log_likelihood
    assert log_likelihood(stats, thetas=[0.3, 0.7]) == pytest.approx(
        log_likelihood(heads, 25, [0.3, 0.7]), rel=1e-12
    )


def test_dask_stats_of_a_lazily_generated_array():
    # A lazily generated array that is never materialised as a whole.
    rng = da.random.default_rng(0)
    heads = rng.binomial(20, 0.3, size=200_000, chunks=10_000)
    stats = sufficient_stats(heads, 20)
    assert stats.n_sets == 200_000
    assert stats.counts.sum() == 200_000
    # The pairs are those of the same array computed in memory.
    assert_same_stats(stats, sufficient_stats(heads.compute(), 20))


# ---------------------------------------------------------------------------
# Bad input: the same clear errors as in memory, with global set indices
# ---------------------------------------------------------------------------


def test_bad_values_in_a_later_chunk_are_named_with_their_global_index():
    heads = np.full(100, 3)
    heads[57] = -1
    with pytest.raises(ValueError, match=r"heads must be non-negative, but got heads\[57\] = -1"):
        sufficient_stats(da.from_array(heads, chunks=10), 5)
    heads[57] = 6
    with pytest.raises(ValueError, match=r"heads cannot exceed n_tosses, but got heads\[57\] = 6 > n_tosses = 5"):
        sufficient_stats(da.from_array(heads, chunks=10), 5)
    n = np.full(100, 5)
    n[83] = 0
    with pytest.raises(ValueError, match=r"n_tosses must be positive, but got n_tosses\[83\] = 0"):
        sufficient_stats(da.from_array(np.zeros(100, int), chunks=10), da.from_array(n, chunks=30))
    with pytest.raises(ValueError, match=r"whole numbers, but got heads\[42\] = 2.5"):
        sufficient_stats(da.from_array(np.where(np.arange(100) == 42, 2.5, 1.0), chunks=10), 5)


def test_tosses_that_are_not_zero_or_one_are_named():
    tosses = np.zeros((50, 8), dtype=int)
    tosses[31, 6] = 2
    with pytest.raises(ValueError, match=r"tosses must be 0 \(tails\) or 1 \(heads\), but got tosses\[31, 6\] = 2"):
        sufficient_stats(da.from_array(tosses, chunks=(10, 4)))


@pytest.mark.parametrize(
    "heads, n_tosses, error, message",
    [
        (da.zeros(10, dtype=int, chunks=5), None, TypeError, "n_tosses is required"),
        (da.zeros(10, dtype=int, chunks=5), 0, ValueError, "n_tosses must be a positive int"),
        (da.zeros(10, dtype=int, chunks=5), np.ones(9, dtype=int), ValueError, r"one entry per set \(10\)"),
        (da.zeros(10, dtype=int, chunks=5), da.ones(11, dtype=int, chunks=5), ValueError, "one entry per set"),
        (da.zeros((4, 3), dtype=int, chunks=2), 5, ValueError, r"equal the row length \(3\)"),
        (da.zeros((2, 2, 2), dtype=int, chunks=1), 5, ValueError, "3 dimensions"),
        (da.zeros(0, dtype=int, chunks=5), 5, ValueError, "at least one set"),
        (da.from_array(np.array(["a", "b"]), chunks=1), 5, TypeError, "must be an array of numbers"),
        (da.zeros((3, 0), dtype=int, chunks=1), None, ValueError, "at least one toss per set"),
    ],
)
def test_bad_shapes_and_types_are_clear_errors(heads, n_tosses, error, message):
    with pytest.raises(error, match=message):
        sufficient_stats(heads, n_tosses)


def test_other_dask_collections_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="must be a Dask array"):
        sufficient_stats(dask.delayed(np.arange)(5), 5)


def test_the_package_imports_and_works_without_dask():
    code = (
        "import sys; sys.modules['dask'] = None\n"  # makes `import dask` fail
        "import coinem_helpers, coinem_helpers.scale\n"
        "assert coinem_helpers.sufficient_stats([1, 2, 2], 3).counts.tolist() == [1, 2]\n"
        "try:\n"
        "    coinem_helpers.scale._import_dask()\n"
        "except ImportError as e:\n"
        "    assert 'coinem_helpers[scale]' in str(e), e\n"
        "else:\n"
        "    raise AssertionError('dask should look missing')\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert _import_dask()[0] is dask  # and with dask installed, it is found


# ---------------------------------------------------------------------------
# Exact at any length: a million tosses per set, against arithmetic that does not round
# ---------------------------------------------------------------------------

N_LONG = 10**6


def exact_responsibility_of_a(h, n, a, b, d, w_a, w_b):
    """P(coin A | set) with theta_A = a/d, theta_B = b/d, in exact integer arithmetic.

    w_A a^h (d-a)^(n-h) / (w_A a^h (d-a)^(n-h) + w_B b^h (d-b)^(n-h)): the common
    factor d^-n cancels; Python divides the (million-digit) integers with a
    single, correct rounding.
    """
    p_a = w_a * a**h * (d - a) ** (n - h)
    p_b = w_b * b**h * (d - b) ** (n - h)
    return p_a / (p_a + p_b)


def test_e_step_on_a_million_tosses_equals_exact_integer_arithmetic():
    # thetas and weights that binary floats hold exactly: 4/8 and 5/8, weights 1/4 and 3/4.
    a, b, d = 4, 5, 8
    # Around h0 the two coins are about equally likely; each head more moves the log-odds by log(3/5).
    h0 = round(N_LONG * math.log(4 / 3) / (math.log(5 / 4) + math.log(4 / 3)))
    heads = np.array([h0 - 6, h0 - 2, h0, h0 + 3, h0 + 40])
    with np.errstate(under="ignore"):  # the naive product underflows: 0 / 0
        assert 0.5**h0 * 0.5 ** (N_LONG - h0) == 0.0
    resp = e_step(heads, N_LONG, [a / d, b / d], [0.25, 0.75])
    exact = [exact_responsibility_of_a(int(h), N_LONG, a, b, d, 1, 3) for h in heads]
    assert 0.01 < min(exact[:-1]) and max(exact[:-1]) < 0.99  # a non-trivial test
    np.testing.assert_allclose(resp[:, 0], exact, rtol=0, atol=1e-9)
    np.testing.assert_allclose(resp[:, 1], 1 - np.array(exact), rtol=0, atol=1e-9)


def decimal_em(heads, n, thetas, n_iter, digits=60):
    """EM with 60 significant digits (``decimal``), in the log form, independently of NumPy/SciPy."""
    with localcontext() as ctx:
        ctx.prec = digits
        thetas = [Decimal(t) for t in thetas]  # the floats' exact binary values
        lls = []
        for _ in range(n_iter + 1):
            log_thetas = [(t.ln(), (1 - t).ln()) for t in thetas]
            resps, ll = [], Decimal(0)
            for h in heads:
                logs = [Decimal(h) * lt + Decimal(n - h) * l1t for lt, l1t in log_thetas]
                top = max(logs)
                terms = [(x - top).exp() for x in logs]
                total = sum(terms)
                resps.append([t / total for t in terms])
                ll += top + (total / len(thetas)).ln()  # equal weights 1/K
            lls.append(ll)
            if len(lls) == n_iter + 1:
                break
            thetas = [
                sum(r[k] * h for r, h in zip(resps, heads)) / sum(r[k] * n for r in resps)
                for k in range(len(thetas))
            ]
        return [float(t) for t in thetas], [float(x) for x in lls]


def test_em_on_a_million_tosses_equals_high_precision_em():
    # Sets from coins 0.499 and 0.501: close enough that responsibilities stay uncertain for a while.
    heads = [499_000, 499_350, 500_400, 500_900, 501_200, 499_800]
    start = [0.4990234375, 0.5009765625]  # 511/1024 and 513/1024: exact binary floats
    result = em(heads, N_LONG, start, tol=0, max_iter=15)
    thetas, lls = decimal_em(heads, N_LONG, start, n_iter=15)
    np.testing.assert_allclose(result.thetas, thetas, rtol=0, atol=1e-9)
    # The whole path agrees, not only the end point.
    np.testing.assert_allclose(result.log_likelihood_history, lls, rtol=1e-13)
    # Non-trivial: the estimates moved, and the two coins are told apart.
    assert abs(result.thetas[0] - start[0]) > 1e-4 and result.thetas[1] - result.thetas[0] > 1e-3


# ---------------------------------------------------------------------------
# Data frames: pandas in memory, Dask partition by partition, Parquet on disk
# ---------------------------------------------------------------------------


def unequal_sets(n_sets, seed):
    rng = np.random.default_rng(seed)
    n = rng.choice(np.array([5, 10, 40], dtype=np.int16), size=n_sets)
    heads = rng.binomial(n, np.where(rng.random(n_sets) < 0.4, 0.3, 0.7)).astype(np.int16)
    return heads, n


def test_a_pandas_frame_gives_the_in_memory_stats():
    heads, n = unequal_sets(5000, seed=3)
    expected = sufficient_stats(heads, n)
    frame = pd.DataFrame({"label": "x", "n_tosses": n, "heads": heads})  # other columns are ignored
    assert_same_stats(sufficient_stats(frame), expected)
    # Nullable integers without missing values, and whole-number floats, as in memory.
    assert_same_stats(sufficient_stats(frame.astype({"heads": "Int64", "n_tosses": "Int32"})), expected)
    assert_same_stats(sufficient_stats(frame.astype({"heads": float})), expected)
    # Equally long sets: the length may be given instead of a column.
    equal = pd.DataFrame({"heads": heads[n == 10]})
    assert_same_stats(sufficient_stats(equal, 10), sufficient_stats(heads[n == 10], 10))


@pytest.mark.parametrize(
    "frame, n_tosses, error, message",
    [
        (pd.DataFrame({"head": [1], "n_tosses": [5]}), None, ValueError,
         r"must have a column 'heads' .* but its columns are \['head', 'n_tosses'\]"),
        (pd.DataFrame({"heads": [1], "n": [5]}), None, ValueError,
         r"has no column 'n_tosses' \(its columns: \['heads', 'n'\]\)"),
        (pd.DataFrame({"heads": [1], "n_tosses": [5]}), 5, TypeError, "n_tosses must be left out"),
        (pd.DataFrame({"heads": [1]}), [5], TypeError, "n_tosses must be an int"),
        (pd.DataFrame({"heads": ["1"], "n_tosses": [5]}), None, TypeError, "column 'heads' must hold numbers"),
        (pd.DataFrame({"heads": [1.0, np.nan], "n_tosses": [5, 5]}, index=[10, 11]), None, ValueError,
         r"column 'heads' has a missing value in row 1 \(index label 11\)"),
        (pd.DataFrame({"heads": [1, 6], "n_tosses": [5, 5]}), None, ValueError,
         r"heads cannot exceed n_tosses, but got heads\[1\] = 6"),
        (pd.DataFrame({"heads": [], "n_tosses": []}), None, ValueError, "at least one set"),
    ],
)
def test_bad_frames_are_clear_errors(frame, n_tosses, error, message):
    with pytest.raises(error, match=message):
        sufficient_stats(frame, n_tosses)
    with pytest.raises(error, match=message):  # the same from a Dask DataFrame
        sufficient_stats(dd.from_pandas(frame, npartitions=1), n_tosses)


def test_a_dask_frame_is_summarised_partition_by_partition():
    heads, n = unequal_sets(20_000, seed=4)
    frame = pd.DataFrame({"heads": heads, "n_tosses": n})
    expected = sufficient_stats(heads, n)
    assert_same_stats(sufficient_stats(dd.from_pandas(frame, npartitions=13)), expected)
    # An error names the partition and the row's position in it.
    frame.loc[15_000, "heads"] = 41
    with pytest.raises(ValueError, match=r"heads cannot exceed n_tosses, .* \(in partition \d+ of the data frame"):
        sufficient_stats(dd.from_pandas(frame, npartitions=13))


def write_parquet(directory, heads, n, n_files):
    directory.mkdir()
    for i, (h, m) in enumerate(zip(np.array_split(heads, n_files), np.array_split(n, n_files))):
        # Small row groups: several partitions per file when split_row_groups is on.
        pd.DataFrame({"heads": h, "n_tosses": m}).to_parquet(directory / f"part-{i:03d}.parquet", row_group_size=50_000)
    return directory


def test_parquet_files_read_with_dask_give_the_in_memory_stats(tmp_path):
    heads, n = unequal_sets(200_000, seed=5)
    path = write_parquet(tmp_path / "sets", heads, n, n_files=4)
    frame = dd.read_parquet(path, columns=["heads", "n_tosses"])
    assert frame.npartitions >= 4
    assert_same_stats(sufficient_stats(frame), sufficient_stats(heads, n))


# ---------------------------------------------------------------------------
# A real cluster: dask.distributed, worker processes, on loopback
# ---------------------------------------------------------------------------

N_CLUSTER = 2_000_000


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes of one thread each, started and closed here."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as local, Client(local) as client:
        yield client


@contextmanager
def on_the_cluster(client):
    """Run Dask on the cluster and check that both worker processes did work."""
    from dask.distributed import get_task_stream

    with dask.config.set(scheduler="distributed"), get_task_stream(client) as tasks:
        yield
    workers = {task["worker"] for task in tasks.data}
    assert workers == set(client.scheduler_info()["workers"]), workers
    assert os.getpid() not in client.run(os.getpid).values()  # processes, not threads of ours


def test_cluster_heads_give_the_in_memory_stats_and_em(cluster):
    rng = np.random.default_rng(6)
    heads = rng.binomial(20, np.where(rng.random(N_CLUSTER) < 0.5, 0.3, 0.7)).astype(np.uint8)
    with on_the_cluster(cluster):
        stats = sufficient_stats(da.from_array(heads, chunks=50_000), 20)  # 40 chunks
    assert_same_stats(stats, sufficient_stats(heads, 20))
    a = em(heads, 20, [0.4, 0.6], learn_weights=True)
    b = em(stats, thetas=[0.4, 0.6], learn_weights=True)
    np.testing.assert_array_equal(a.thetas_history, b.thetas_history)
    np.testing.assert_array_equal(a.weights_history, b.weights_history)
    assert a.log_likelihood == b.log_likelihood


def test_cluster_tosses_chunked_by_sets_give_the_in_memory_stats(cluster):
    # Generated on the workers, chunk by chunk; rows also split in two chunks.
    rng = da.random.default_rng(7)
    coin = rng.random((N_CLUSTER, 1), chunks=(100_000, 1)) < 0.5
    tosses = rng.random((N_CLUSTER, 4), chunks=(100_000, 2)) < da.where(coin, 0.3, 0.7)
    with on_the_cluster(cluster):
        stats = sufficient_stats(tosses)
    in_memory = tosses.compute()  # the same seeded chunks, here with the synchronous scheduler
    assert_same_stats(stats, sufficient_stats(count_heads(in_memory), 4))
    assert stats.n_sets == N_CLUSTER


def test_cluster_reads_parquet_and_gives_the_in_memory_stats(cluster, tmp_path):
    heads, n = unequal_sets(N_CLUSTER // 4, seed=8)
    path = write_parquet(tmp_path / "sets", heads, n, n_files=5)
    with on_the_cluster(cluster):
        stats = sufficient_stats(dd.read_parquet(path))
    assert_same_stats(stats, sufficient_stats(heads, n))
    np.testing.assert_array_equal(em(stats, thetas=[0.4, 0.6]).thetas, em(heads, n, [0.4, 0.6]).thetas)
