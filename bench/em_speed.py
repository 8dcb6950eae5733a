"""Benchmark: the original notebook's EM loop, a plain NumPy EM, and ``coinem_helpers.em``.

Run with ``make bench`` (or ``python bench/em_speed.py``).  In one process
and one run it measures, side by side, for each data size and number of
coins:

original
    The original notebook's loop (``bench/original_notebook.py``, copied
    faithfully; generalised minimally to K = 4).  It receives the 0/1 toss
    array ``x`` of shape (sets, tosses), which is what it works on.
vectorised
    A plain per-set NumPy EM: (sets x K) arrays at every iteration, in log
    space (so it is correct), but without the reduction to distinct pairs.
    It receives the heads per set.
em
    ``coinem_helpers.em(heads, n_tosses, thetas, tol=0, max_iter=100)``: it
    receives the heads per set, checks them, reduces them once to
    sufficient statistics and iterates on those.  Each set's
    responsibilities are looked up only when ``result.responsibilities`` is
    first read, so they are not in this row.
em + resp
    The same, then reading ``result.responsibilities`` (an (sets x K) array):
    the cost for a caller who wants every set's row.
one pass
    ``np.bincount(heads)``: a single pass over the heads, the floor that no
    method that reads the data can beat.
count heads
    ``count_heads(x)``: turning the toss array into heads (checked 0/1,
    summed).  Not included in any other row's time: add it to the rows that
    receive heads for a toss-to-estimate comparison.

Every method runs 100 iterations (the original's setting) from the same
start: thetas (0.4, 0.6) for K = 2, (0.2, 0.4, 0.6, 0.8) for K = 4, with
equal fixed coin weights.  The data are the notebook's experiment (two
coins, theta 0.3 and 0.7, picked with equal probability), simulated with a
fixed seed.

Times: the original and the vectorised EM run once; the fast rows are the
best of several runs (the count is shown).  Peak memory is measured
separately with :mod:`tracemalloc` (NumPy reports its buffers to it): the
highest memory allocated while the method runs, including its result,
over and above the inputs.  For the original and vectorised methods it is
measured over 2 iterations (every iteration allocates the same).  It is
shown in MiB and as a multiple of the toss array ``x`` (int64, the input of
the original) and of the heads array (int64, the input of the others).

"agrees" compares each method's thetas with those of ``em`` (for ``em``:
with the vectorised EM): the largest absolute difference.
"""

import argparse
import gc
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coinem_helpers  # noqa: E402
from coinem_helpers import count_heads, em, simulate, sufficient_stats  # noqa: E402
from original_notebook import original_em, original_em_k  # noqa: E402

SIZES = [(1_000, 20), (100_000, 20), (1_000_000, 20), (10_000, 1_000), (10, 1_000_000)]
QUICK_SIZES = [(1_000, 20), (10_000, 20), (100, 1_000), (10, 100_000)]
STARTS = {2: (0.4, 0.6), 4: (0.2, 0.4, 0.6, 0.8)}
TRUE_THETAS = (0.3, 0.7)
N_ITER = 100
AGREE_TOL = 1e-8  # largest |theta difference| still called "agrees"
MIB = 2**20


# ---------------------------------------------------------------------------
# The methods
# ---------------------------------------------------------------------------


def vectorised_em(heads, n_tosses, thetas, n_iter=N_ITER):
    """EM on per-set arrays, as one writes it without the reduction (log space, so it is correct)."""
    heads = np.asarray(heads, dtype=float)
    tails = n_tosses - heads
    thetas = np.asarray(thetas, dtype=float)
    log_w = np.log(np.full(thetas.size, 1 / thetas.size))
    for _ in range(n_iter):
        log_joint = heads[:, None] * np.log(thetas) + tails[:, None] * np.log1p(-thetas) + log_w
        log_px = np.logaddexp.reduce(log_joint, axis=1)
        resp = np.exp(log_joint - log_px[:, None])
        exp_heads = heads @ resp
        total = exp_heads + tails @ resp
        # A coin no set belongs to (all its responsibilities underflow to 0) keeps its theta.
        thetas = np.where(total > 0, exp_heads / np.where(total > 0, total, 1.0), thetas)
    return thetas


def run_original(x, start, n_iter):
    # The original divides 0 by 0 on long sets: let it, quietly, and report the NaN.
    with np.errstate(all="ignore"):
        if len(start) == 2:
            return np.array(original_em(x, *start, n_iter=n_iter), dtype=float)
        return np.array(original_em_k(x, start, n_iter=n_iter), dtype=float)


def run_em(heads, n_tosses, start, n_iter=N_ITER):
    return em(heads, n_tosses, start, tol=0, max_iter=n_iter)


def run_em_resp(heads, n_tosses, start, n_iter=N_ITER):
    result = em(heads, n_tosses, start, tol=0, max_iter=n_iter)
    result.responsibilities  # noqa: B018  (reading it builds the per-set rows)
    return result


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def best_time(fn, min_total=0.5, min_runs=5, max_runs=50, timer=time.perf_counter):
    """Best time of several runs of ``fn`` (seconds, wall time unless ``timer`` says otherwise) and the number of runs."""
    times = []
    while len(times) < max_runs and (len(times) < min_runs or sum(times) < min_total):
        start = timer()
        fn()
        times.append(timer() - start)
    return min(times), len(times)


def once(fn, timer=time.perf_counter):
    start = timer()
    result = fn()
    return timer() - start, result


def peak_memory(fn):
    """Peak bytes allocated by ``fn`` (including what it returns), above what existed before."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - base


def max_abs_diff(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("nan")
    return float(np.max(np.abs(a - b)))


def measure(n_sets, n_tosses, n_coins, x, heads, original_iters):
    """All rows for one configuration, as dicts."""
    start = STARTS[n_coins]
    rows = []

    def row(method, seconds, runs, mem, thetas, reference, note=""):
        rows.append(
            dict(
                method=method,
                seconds=seconds,
                runs=runs,
                mem=mem,
                thetas=None if thetas is None else np.asarray(thetas, dtype=float),
                diff=None if reference is None else max_abs_diff(thetas, reference),
                note=note,
            )
        )

    em_result = run_em(heads, n_tosses, start)
    em_thetas = em_result.thetas

    # The original: once, for original_iters iterations (100 unless asked otherwise).
    n_orig = min(original_iters, N_ITER)
    t_orig, orig_thetas = once(lambda: run_original(x, start, n_orig))
    reference = em_thetas if n_orig == N_ITER else run_em(heads, n_tosses, start, n_orig).thetas
    note = "" if n_orig == N_ITER else f"time x{N_ITER / n_orig:g} from {n_orig} iterations"
    if n_coins != 2:
        note = "; ".join(filter(None, ["generalised to K coins", note]))
    mem = peak_memory(lambda: run_original(x, start, 2))
    row("original", t_orig * N_ITER / n_orig, 1, mem, orig_thetas, reference, note)

    t_vec, vec_thetas = once(lambda: vectorised_em(heads, n_tosses, start))
    mem = peak_memory(lambda: vectorised_em(heads, n_tosses, start, n_iter=2))
    row("vectorised", t_vec, 1, mem, vec_thetas, em_thetas)

    t_em, runs = best_time(lambda: run_em(heads, n_tosses, start))
    mem = peak_memory(lambda: run_em(heads, n_tosses, start))
    row("em", t_em, runs, mem, em_thetas, vec_thetas)

    resp_thetas = run_em_resp(heads, n_tosses, start).thetas
    t_resp, runs = best_time(lambda: run_em_resp(heads, n_tosses, start))
    mem = peak_memory(lambda: run_em_resp(heads, n_tosses, start))
    row("em + resp", t_resp, runs, mem, resp_thetas, em_thetas)

    t_pass, runs = best_time(lambda: np.bincount(heads))
    mem = peak_memory(lambda: np.bincount(heads))
    row("one pass", t_pass, runs, mem, None, None)

    t_count, runs = best_time(lambda: count_heads(x))
    mem = peak_memory(lambda: count_heads(x))
    row("count heads", t_count, runs, mem, None, None)
    return rows


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def fmt_count(n):
    """1000 -> '10³', 20 -> '20'."""
    exponent = len(str(n)) - 1
    if n >= 1000 and n == 10**exponent:
        return "10" + str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{n:,}"


def fmt_size(n_sets, n_tosses):
    return f"{fmt_count(n_sets)} × {fmt_count(n_tosses)}"


def fmt_ratio(r):
    if not np.isfinite(r):
        return "–"
    if r >= 100:
        return f"{r:,.0f}"
    return f"{r:.3g}"


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 2**20:.0f} GiB RAM"
    except OSError:
        pass
    import scipy

    return (
        f"{cpu}, {os.cpu_count()} logical CPUs{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"coinem_helpers {coinem_helpers.__version__}"
    )


def load_average():
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def table(results):
    lines = [
        "| sets × tosses | K | method | time | runs | × faster than original | × one pass "
        "| peak MiB | × tosses array | × heads array | finite | agrees (max abs Δθ) | note |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (n_sets, n_tosses, n_coins, x_bytes, h_bytes), rows in results:
        by = {r["method"]: r for r in rows}
        t_orig, t_pass = by["original"]["seconds"], by["one pass"]["seconds"]
        for r in rows:
            finite = "" if r["thetas"] is None else ("yes" if np.all(np.isfinite(r["thetas"])) else "**NaN**")
            if r["diff"] is None:
                agrees = ""
            elif not np.isfinite(r["diff"]):
                agrees = "no (NaN)"
            else:
                agrees = f"{'yes' if r['diff'] <= AGREE_TOL else '**no**'} ({r['diff']:.1e})"
            lines.append(
                f"| {fmt_size(n_sets, n_tosses)} | {n_coins} | {r['method']} | {fmt_time(r['seconds'])} "
                f"| {r['runs']} | {fmt_ratio(t_orig / r['seconds'])} | {fmt_ratio(r['seconds'] / t_pass)} "
                f"| {r['mem'] / MIB:.3g} | {r['mem'] / x_bytes:.2g} | {r['mem'] / h_bytes:.3g} "
                f"| {finite} | {agrees} | {r['note']} |"
            )
    return "\n".join(lines)


def targets(results):
    """The issue's targets, checked on this run's numbers."""
    lines = ["| target | configuration | measured | met |", "|---|---|---|---|"]

    def line(target, cfg, measured, met):
        lines.append(f"| {target} | {cfg} | {measured} | {met} |")

    def yes(ok):
        return "yes" if ok else "**NO**"

    for (n_sets, n_tosses, n_coins, x_bytes, h_bytes), rows in results:
        by = {r["method"]: r for r in rows}
        cfg = f"{fmt_size(n_sets, n_tosses)}, K = {n_coins}"
        e, o, p = by["em"], by["original"], by["one pass"]
        if (n_sets, n_tosses) == (1_000_000, 20):
            speedup = o["seconds"] / e["seconds"]
            line("em ≥ 500× faster than the original", cfg, f"{speedup:,.0f}×", yes(speedup >= 500))
            ratio = e["seconds"] / p["seconds"]
            line("em within 3× of one pass", cfg, f"{ratio:.2f}×", yes(ratio <= 3))
            ratio = by["em + resp"]["seconds"] / p["seconds"]
            line("(em + reading every set's responsibilities, for reference)", cfg, f"{ratio:.2f}×", "-")
            mem_x, mem_h = e["mem"] / x_bytes, e["mem"] / h_bytes
            line(
                "em peak memory ≤ 2× input",
                cfg,
                f"{mem_x:.2f}× the tosses array, {mem_h:.2f}× the heads array",
                f"{yes(mem_x <= 2)} (tosses), {yes(mem_h <= 2)} (heads)",
            )
        if not np.all(np.isfinite(o["thetas"])):
            ok = np.all(np.isfinite(e["thetas"])) and e["diff"] is not None and e["diff"] <= AGREE_TOL
            measured = f"em thetas {np.round(e['thetas'], 6).tolist()}, Δ vs vectorised {e['diff']:.1e}"
            line("em finite and correct where the original gives NaN", cfg, measured, yes(ok))
    return "\n".join(lines)


def dask_scale(n_sets, chunk=5_000_000):
    """Dask: summarise ``n_sets`` sets of 20 tosses generated chunk by chunk, then run EM."""
    import resource

    import dask
    import dask.array as da

    rng = da.random.default_rng(2008)
    chunk = min(chunk, n_sets)
    coin = rng.random(n_sets, chunks=chunk) < 0.5
    theta = da.where(coin, TRUE_THETAS[0], TRUE_THETAS[1])
    heads = rng.binomial(20, theta, size=n_sets, chunks=chunk)  # never all in memory
    with dask.config.set(scheduler="threads"):
        t_pass, total = once(lambda: int(heads.sum().compute()))
        t_stats, stats = once(lambda: sufficient_stats(heads, 20))
    result = em(stats, thetas=STARTS[2], tol=0, max_iter=N_ITER)
    t_em, _ = best_time(lambda: em(stats, thetas=STARTS[2], tol=0, max_iter=N_ITER))
    assert stats.n_sets == n_sets and int(stats.counts @ stats.heads) == total  # same data, twice
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return "\n".join(
        [
            f"Dask, threaded scheduler ({os.cpu_count()} CPUs): {n_sets:,} sets of 20 tosses, "
            f"{heads.numblocks[0]} chunks of up to {heads.chunks[0][0]:,} sets, generated chunk by chunk.",
            "",
            "| step | time |",
            "|---|---|",
            f"| generate the heads and sum them (one pass, the floor) | {fmt_time(t_pass)} |",
            f"| generate the heads and `sufficient_stats(heads, 20)` | {fmt_time(t_stats)} |",
            f"| `em(stats, ...)`, 100 iterations on {stats.n_pairs} pairs | {fmt_time(t_em)} |",
            "",
            f"Estimates {np.round(result.thetas, 4).tolist()} (truth {list(TRUE_THETAS)}); the heads array "
            f"would take {n_sets * 8 / 2**30:.1f} GiB; peak resident memory of this process "
            f"{rss / 2**30:.2f} GiB.",
        ]
    )


def toss_pipeline(n_sets=300_000, n_tosses=20, original_iters=10):
    """From 0/1 tosses to estimates: ``count_heads(x) + em(...)`` against the original and one pass over ``x``.

    The original notebook's loop works on the toss array itself, so this is
    the like-for-like comparison: both start from ``x``.  The floor is one
    pass over ``x`` that sums each row (``x.sum(axis=1)``, unchecked), the
    least any method that reads the tosses must do; a flat ``x.sum()`` is
    shown for reference.  The original runs ``original_iters`` iterations,
    its time scaled linearly to 100.

    Times are CPU time of this process (:func:`time.process_time`), best of
    several runs: on a machine shared with other jobs, wall time measures
    the other jobs as much as this code (everything here is single-threaded).
    """
    clock = time.process_time
    x, _ = simulate(n_sets, n_tosses, TRUE_THETAS, seed=2008)
    start = STARTS[2]

    def pipeline():
        return em(count_heads(x), n_tosses, start, tol=0, max_iter=N_ITER)

    t_orig, thetas_orig = once(lambda: run_original(x, start, original_iters), clock)
    t_orig *= N_ITER / original_iters
    t_pipe, runs_pipe = best_time(pipeline, min_runs=9, timer=clock)
    t_count, runs_count = best_time(lambda: count_heads(x), min_runs=9, timer=clock)
    t_rows, runs_rows = best_time(lambda: x.sum(axis=1), min_runs=9, timer=clock)
    t_flat, runs_flat = best_time(lambda: x.sum(), min_runs=9, timer=clock)
    thetas = pipeline().thetas
    assert np.array_equal(count_heads(x), x.sum(axis=1))
    rows = [
        ("original (scaled to 100 iterations)" if original_iters != N_ITER else "original", t_orig, 1),
        ("`count_heads(x)` + `em(...)`, 100 iterations", t_pipe, runs_pipe),
        ("`count_heads(x)` alone (checked 0/1, summed per row)", t_count, runs_count),
        ("one pass: `x.sum(axis=1)` (unchecked)", t_rows, runs_rows),
        ("`x.sum()` (flat, for reference)", t_flat, runs_flat),
    ]
    lines = [
        f"From tosses to estimates: {n_sets:,} sets × {n_tosses} tosses (int64, "
        f"{x.nbytes / MIB:.0f} MiB), K = 2, start {start}; load: {load_average()}.",
        "",
        "| step | CPU time | runs | × one pass |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {fmt_time(t)} | {runs} | {t / t_rows:.2f} |" for name, t, runs in rows]
    speedup, ratio = t_orig / t_pipe, t_pipe / t_rows
    lines += [
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| `count_heads(x) + em` ≥ 500× faster than the original | {speedup:,.0f}× | "
        f"{'yes' if speedup >= 500 else '**NO**'} |",
        f"| `count_heads(x) + em` within 3× of one pass over `x` | {ratio:.2f}× | "
        f"{'yes' if ratio <= 3 else '**NO**'} |",
        "",
        f"Estimates: em {np.round(thetas, 6).tolist()}, original {np.round(thetas_orig, 6).tolist()} "
        f"(after {original_iters} iterations).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke test of this script)")
    parser.add_argument(
        "--original-iters",
        type=int,
        default=N_ITER,
        help="iterations of the original loop to run; its time is extrapolated linearly to 100 (default 100)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the report to this Markdown file")
    parser.add_argument(
        "--dask",
        type=int,
        metavar="N_SETS",
        help="instead: summarise N_SETS simulated sets with Dask (generated chunk by chunk) and run EM",
    )
    parser.add_argument(
        "--tosses",
        action="store_true",
        help="instead: count_heads(x) + em on a 300,000 x 20 toss array against the original and one pass",
    )
    args = parser.parse_args(argv)
    if args.tosses:
        report = toss_pipeline(original_iters=args.original_iters)
        print(report)
        if args.markdown:
            args.markdown.write_text(report + "\n", encoding="utf-8")
        return
    if args.dask:
        report = dask_scale(args.dask)
        print(report)
        if args.markdown:
            args.markdown.write_text(report + "\n", encoding="utf-8")
        return
    if not 1 <= args.original_iters <= N_ITER:
        parser.error(f"--original-iters must be in 1..{N_ITER}, got {args.original_iters}")

    header = [
        "# em_speed",
        "",
        f"Machine: {machine_description()}.",
        f"Started: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load_average()}.",
        "",
    ]
    print("\n".join(header), flush=True)
    t_start = time.perf_counter()
    results = []
    for n_sets, n_tosses in QUICK_SIZES if args.quick else SIZES:
        x, _ = simulate(n_sets, n_tosses, TRUE_THETAS, seed=2008)
        heads = count_heads(x)
        for n_coins in STARTS:
            rows = measure(n_sets, n_tosses, n_coins, x, heads, args.original_iters)
            results.append(((n_sets, n_tosses, n_coins, x.nbytes, heads.nbytes), rows))
            by = {r["method"]: r for r in rows}
            print(
                f"  {n_sets:>9,} × {n_tosses:<9,} K = {n_coins}: original {fmt_time(by['original']['seconds'])}, "
                f"em {fmt_time(by['em']['seconds'])}, one pass {fmt_time(by['one pass']['seconds'])}",
                flush=True,
            )
        del x, heads
    elapsed = time.perf_counter() - t_start
    report = "\n".join(
        header
        + [
            table(results),
            "",
            "Targets (from the numbers above):",
            "",
            targets(results),
            "",
            f"Finished: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load_average()}; "
            f"the whole benchmark took {elapsed:.0f} s.",
        ]
    )
    print()
    print(report[len("\n".join(header)) :].lstrip("\n"))
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
