"""Fuzzing: junk at every public argument gives a result without NaN, or a ValueError/TypeError raised by us.

"Raised by us" means the frame that raised it is inside ``coinem_helpers``:
an error from deep inside NumPy, SciPy or matplotlib would show a student
a traceback that does not name their mistake.
"""

import datetime
import math
import warnings
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import coinem_helpers as ch  # noqa: E402
from coinem_helpers import plotting  # noqa: E402

PACKAGE = Path(ch.__file__).resolve().parent
H, N = [5, 9, 8, 4, 7], 10

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([-1, 0, 1, 2, 3, 7, 10, 2**53 + 1, 2**63, 10**20, -(10**20)]),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.5, 1.0, 5.0, 1e-300, 5e-324, 1e300, -0.0]),
    st.text(max_size=4),
    st.sampled_from([Fraction(1, 3), Fraction(5), 1j, b"HT", datetime.timedelta(seconds=3), object(), {}]),
    st.sampled_from([np.float16(1e-8), np.int8(-3), np.uint64(2**64 - 1), np.bool_(True), np.datetime64("2020")]),
)
arrays = st.one_of(
    st.lists(scalars, max_size=4),
    st.sampled_from(
        [
            [],
            [[]],
            [[0.5, 0.5], [0.2]],
            np.array([5, 9, 8, 4, 7], dtype="timedelta64[s]"),
            np.ma.array([5, 9, 8, 4, 7], mask=[0, 0, 0, 0, 1]),
            np.array([[0.6, 0.4], [0.5, 0.5]]),
            np.array([0.6, 0.5]),
            np.array([0.5, 0.5 + 1e-7]),
            np.array([1.0, 0.0]),
            np.array([[1, 0, 1], [0, 2, 1]]),
            np.array([True, False]),
            np.array([2**63 - 1, 1]),
            np.full(3, np.nan),
            np.zeros((2, 0)),
            np.array(["a", "b"]),
        ]
    ),
)
junk = st.one_of(scalars, arrays)

# Every public callable with a valid call; the fuzz replaces one argument by junk.
CALLS = {
    "e_step": (ch.e_step, dict(heads=H, n_tosses=N, thetas=[0.6, 0.5], weights=None)),
    "hard_e_step": (ch.hard_e_step, dict(heads=H, n_tosses=N, thetas=[0.6, 0.5], weights=None)),
    "log_likelihood": (
        ch.log_likelihood,
        dict(heads=H, n_tosses=N, thetas=[0.6, 0.5], weights=None, binomial_coefficient=False),
    ),
    "lower_bound": (ch.lower_bound, dict(resp=[[0.5, 0.5]] * 5, heads=H, n_tosses=N, thetas=[0.6, 0.5], weights=None)),
    "m_step": (ch.m_step, dict(resp=[[0.5, 0.5]] * 5, heads=H, n_tosses=N, current_thetas=None)),
    "expected_counts": (ch.expected_counts, dict(resp=[[0.5, 0.5]] * 5, heads=H, n_tosses=N)),
    "mle_known": (ch.mle_known, dict(heads=H, n_tosses=N, coins=[1, 0, 0, 1, 0], n_coins=None)),
    "em": (
        ch.em,
        dict(
            heads=H,
            n_tosses=N,
            thetas=[0.6, 0.5],
            weights=None,
            learn_weights=False,
            tol=1e-8,
            max_iter=50,
            theta_prior=None,
            weight_prior=None,
        ),
    ),
    "em_restarts": (
        ch.em_restarts,
        dict(heads=H, n_tosses=N, n_coins=2, n_starts=2, seed=0, tol=1e-8, max_iter=50, learn_weights=False),
    ),
    "sufficient_stats": (ch.sufficient_stats, dict(heads=H, n_tosses=N)),
    "SufficientStats": (ch.SufficientStats, dict(heads=[4, 5], n_tosses=[10, 10], counts=[1, 2])),
    "log_binomial_coefficients": (ch.log_binomial_coefficients, dict(heads=H, n_tosses=N)),
    "bic": (ch.bic, dict(log_likelihood=-30.0, n_params=2, n_sets=5)),
    "count_heads": (ch.count_heads, dict(tosses="HTH")),
    "coin_name": (ch.coin_name, dict(k=1)),
    "simulate": (ch.simulate, dict(n_sets=3, n_tosses=5, thetas=[0.3, 0.7], weights=None, seed=0)),
    "plot_likelihood": (
        plotting.plot_likelihood,
        dict(heads=[5, 7], n_tosses=N, ax=None, label=None, relative=True, color=None),
    ),
    "plot_responsibilities": (
        plotting.plot_responsibilities,
        dict(resp=[[0.5, 0.5]] * 3, ax=None, set_labels=None, coin_labels=None),
    ),
    "plot_em_path": (
        plotting.plot_em_path,
        dict(
            heads=H,
            n_tosses=N,
            thetas_history=[[0.6, 0.5]],
            weights=None,
            ax=None,
            grid=11,
            levels=5,
            result=None,
            colorbar=True,
        ),
    ),
    "plot_convergence": (
        plotting.plot_convergence,
        dict(log_likelihood_history=[-3.0, -2.0, -1.9], ax=None, label=None),
    ),
}
POSITIONAL = {"heads", "n_tosses", "thetas", "weights", "resp", "coins", "tosses", "k", "n_sets",
              "log_likelihood", "n_params", "counts", "log_likelihood_history"}


def _finite(value):
    """No NaN anywhere in a result (inf is allowed: a log-likelihood may be -inf)."""
    if isinstance(value, ch.EMResult):
        return all(_finite(getattr(value, a)) for a in ("thetas", "weights", "log_likelihood", "responsibilities"))
    if isinstance(value, tuple):
        return all(_finite(v) for v in value)
    if isinstance(value, list):
        return all(_finite(v) for v in value if isinstance(v, (float, np.ndarray, ch.EMResult)))
    if isinstance(value, (float, np.floating)):
        return not math.isnan(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return not np.isnan(value).any()
    return True


def _raised_by_us(exc):
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    return Path(frames[-1].filename).resolve().is_relative_to(PACKAGE)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=st.sampled_from(sorted(CALLS)), data=st.data())
def test_junk_gives_a_clear_error_or_a_finite_result(call, data):
    fn, base = CALLS[call]
    arg = data.draw(st.sampled_from(sorted(base)), label="argument")
    value = data.draw(junk, label="value")
    kwargs = dict(base, **{arg: value})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # NumPy's "invalid value" is a silent NaN
            warnings.simplefilter("ignore", ch.ConvergenceWarning)
            out = fn(**kwargs)
    except (ValueError, TypeError) as exc:
        assert _raised_by_us(exc), f"{call}({arg}={value!r}) raised {exc!r} from outside coinem_helpers"
        assert str(exc), f"{call}({arg}={value!r}) raised an empty {type(exc).__name__}"
    else:
        assert _finite(out), f"{call}({arg}={value!r}) returned NaN: {out!r}"
    finally:
        plt.close("all")
