"""Benchmark: a billion sets summarised on a dask.distributed cluster of worker processes.

Run from the repository root::

    .venv/bin/python bench/cluster.py                      # 10^9 sets of 20 tosses (minutes)
    .venv/bin/python bench/cluster.py --sets 100000000     # a tenth
    .venv/bin/python bench/cluster.py --parquet 100000000  # also: write 10^8 sets to Parquet, read them back

It starts a ``LocalCluster`` of worker *processes* on loopback (as many as
``--workers``, one thread each), so the work crosses process boundaries as it
would on a real cluster.  The data are the notebook's experiment (coins with
theta 0.3 and 0.7, picked with equal probability, 20 tosses a set), generated
on the workers chunk by chunk, each chunk from its own seeded generator
(``numpy.random.default_rng([seed, chunk])``): the same seed gives the same
billion sets, and no process ever holds more than a few chunks.  Steps timed:

floor
    Generate every chunk and sum its heads: one pass over data that exist
    only chunk by chunk; no summary can be cheaper.
sufficient_stats
    Generate every chunk and ``sufficient_stats(heads, 20)``: each worker
    checks and reduces its chunks, the summaries are merged in a tree.
em
    ``em(stats, ...)``, 100 iterations on the 21 distinct pairs, in this
    process.

The two passes see the same data (checked: their total heads agree).  With
``--parquet N`` the script also writes N sets to Parquet files in a temporary
directory (on the workers) and times ``sufficient_stats(dd.read_parquet(...))``.
Besides wall-clock times it records the CPU seconds the workers spent on
each step, which other jobs on a shared machine do not inflate.
The report, in Markdown, goes to stdout (and ``--markdown FILE``).
"""

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

TRUE_THETAS = (0.3, 0.7)
N_TOSSES = 20
START = (0.4, 0.6)
N_ITER = 100


def chunk_heads(seed, index, size):
    """The heads of chunk ``index``: its own generator, so any worker makes the same chunk."""
    rng = np.random.default_rng([seed, index])
    coin = rng.random(size) < 0.5
    return rng.binomial(N_TOSSES, np.where(coin, TRUE_THETAS[0], TRUE_THETAS[1]))


def chunk_frame(seed, index, size):
    """Chunk ``index`` as a data frame of small integers, as one would store it."""
    import pandas as pd

    heads = chunk_heads(seed, index, size).astype(np.int8)
    return pd.DataFrame({"heads": heads, "n_tosses": np.full(size, N_TOSSES, dtype=np.int8)})


def chunk_sizes(n_sets, chunk):
    return [min(chunk, n_sets - start) for start in range(0, n_sets, chunk)]


def lazy_heads(n_sets, chunk, seed):
    """A Dask array of heads whose chunks are generated on the workers, never all at once."""
    import dask
    import dask.array as da

    make = dask.delayed(chunk_heads, pure=True)
    blocks = [
        da.from_delayed(make(seed, i, size), shape=(size,), dtype=np.int64)
        for i, size in enumerate(chunk_sizes(n_sets, chunk))
    ]
    return da.concatenate(blocks)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def fmt_time(seconds):
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.1f} s"


def load_average():
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds():
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def workers_cpu(client):
    """Total CPU seconds the worker processes have used (load on the machine does not inflate it)."""
    return sum(client.run(cpu_seconds).values())


def peak_rss_gib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB


def run(args):
    import dask
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    from coinem_helpers import em, sufficient_stats

    lines = [
        f"Started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load_average()}; "
        f"{os.cpu_count()} CPUs, dask {dask.__version__}.",
        "",
    ]
    t_cluster, (cluster, client) = timed(
        lambda: _start(LocalCluster, Client, args.workers)
    )
    try:
        with dask.config.set(scheduler="distributed"):
            heads = lazy_heads(args.sets, args.chunk, args.seed)
            cpu0 = workers_cpu(client)
            t_floor, total = timed(lambda: int(heads.sum().compute()))
            cpu1 = workers_cpu(client)
            t_stats, stats = timed(lambda: sufficient_stats(heads, N_TOSSES))
            cpu2 = workers_cpu(client)
        assert stats.n_sets == args.sets and int(stats.counts @ stats.heads) == total, "the passes differ"
        result = em(stats, thetas=START, tol=0, max_iter=N_ITER)
        t_em = min(timed(lambda: em(stats, thetas=START, tol=0, max_iter=N_ITER))[0] for _ in range(5))
        worker_rss = sorted(client.run(peak_rss_gib).values())
        lines += [
            f"`LocalCluster`: {args.workers} worker processes of 1 thread on 127.0.0.1 (started in "
            f"{fmt_time(t_cluster)}); {args.sets:,} sets of {N_TOSSES} tosses in {len(heads.chunks[0])} "
            f"chunks of up to {args.chunk:,} sets, each generated on a worker from its own seeded generator.",
            "",
            "| step | wall time | throughput | CPU time of the workers |",
            "|---|---|---|---|",
            f"| generate the heads and sum them (one pass, the floor) | {fmt_time(t_floor)} | "
            f"{args.sets / t_floor / 1e6:.1f} M sets/s | {cpu1 - cpu0:.1f} s |",
            f"| generate the heads and `sufficient_stats(heads, 20)` | {fmt_time(t_stats)} | "
            f"{args.sets / t_stats / 1e6:.1f} M sets/s | {cpu2 - cpu1:.1f} s |",
            f"| `em(stats, ...)`, {N_ITER} iterations on {stats.n_pairs} pairs | {fmt_time(t_em)} | | |",
            "",
            f"Estimates {np.round(result.thetas, 5).tolist()} (truth {list(TRUE_THETAS)}). The heads "
            f"alone would take {args.sets * 8 / 2**30:.1f} GiB as int64; peak resident memory: "
            f"workers {', '.join(f'{x:.2f}' for x in worker_rss)} GiB, this process {peak_rss_gib():.2f} GiB.",
        ]
        if args.parquet:
            lines += ["", *parquet_run(args, client, dd, sufficient_stats, em)]
    finally:
        client.close()
        cluster.close()
    lines += ["", f"Finished {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load_average()}."]
    return "\n".join(lines)


def _start(local_cluster, client_cls, n_workers):
    cluster = local_cluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    return cluster, client_cls(cluster)


def parquet_run(args, client, dd, sufficient_stats, em):
    """Write ``args.parquet`` sets to Parquet on the workers, then summarise the files."""
    import dask

    directory = Path(tempfile.mkdtemp(prefix="coinem-parquet-"))
    try:
        make = dask.delayed(chunk_frame, pure=True)
        sizes = chunk_sizes(args.parquet, args.chunk)
        meta = chunk_frame(0, 0, 1).iloc[:0]
        frame = dd.from_delayed([make(args.seed, i, size) for i, size in enumerate(sizes)], meta=meta)
        with dask.config.set(scheduler="distributed"):
            t_write, _ = timed(lambda: frame.to_parquet(directory, write_index=False))
            files = sorted(directory.glob("*.parquet"))
            on_disk = sum(f.stat().st_size for f in files)
            cpu0 = workers_cpu(client)
            t_read, stats = timed(lambda: sufficient_stats(dd.read_parquet(directory)))
            cpu_read = workers_cpu(client) - cpu0
        assert stats.n_sets == args.parquet
        result = em(stats, thetas=START)
        return [
            f"Parquet: {args.parquet:,} sets (columns `heads`, `n_tosses`, int8) written by the workers "
            f"to {len(files)} files, {on_disk / 2**20:.0f} MiB on disk, in {fmt_time(t_write)}.",
            "",
            "| step | wall time | throughput | CPU time of the workers |",
            "|---|---|---|---|",
            f"| `sufficient_stats(dd.read_parquet(directory))` | {fmt_time(t_read)} | "
            f"{args.parquet / t_read / 1e6:.1f} M sets/s | {cpu_read:.1f} s |",
            "",
            f"`em` on the summary: thetas {np.round(result.thetas, 5).tolist()} in {result.n_iter} iterations.",
        ]
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", type=int, default=10**9, help="sets to generate and summarise (default 10^9)")
    parser.add_argument("--chunk", type=int, default=10**7, help="sets per chunk (default 10^7)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--parquet", type=int, default=0, metavar="N_SETS", help="also a Parquet round trip")
    parser.add_argument("--markdown", type=Path, help="also write the report to this Markdown file")
    args = parser.parse_args(argv)
    for name in ("sets", "chunk", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1, got {getattr(args, name)}")
    report = run(args)
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":  # worker processes are spawned: they must not rerun this
    main()
