"""coinem_helpers: the maths, plots and explorers of "EM, one coin at a time".

The maths (:mod:`coinem_helpers.core`, :mod:`coinem_helpers.data`) needs only
NumPy and SciPy; plots live in :mod:`coinem_helpers.plotting` and interactive
explorers in :mod:`coinem_helpers.widgets`, imported on their own so that the
maths never pulls in matplotlib or ipywidgets.

>>> from coinem_helpers import paper_data, em
>>> heads, n_tosses, coins = paper_data()
>>> em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=1).thetas.round(2)
array([0.71, 0.58])
"""

from .core import (
    ConvergenceWarning,
    EMResult,
    SufficientStats,
    bic,
    e_step,
    em,
    em_restarts,
    expected_counts,
    hard_e_step,
    log_binomial_coefficients,
    log_likelihood,
    lower_bound,
    m_step,
    mle_known,
    sufficient_stats,
)
from .inference import convergence_rate, em_jacobian_rate, standard_errors
from .data import PAPER_COINS, PAPER_TOSSES, coin_name, count_heads, paper_data, simulate

__version__ = "0.1.0"

__all__ = [
    "PAPER_COINS",
    "PAPER_TOSSES",
    "ConvergenceWarning",
    "EMResult",
    "SufficientStats",
    "bic",
    "coin_name",
    "convergence_rate",
    "count_heads",
    "e_step",
    "em",
    "em_jacobian_rate",
    "em_restarts",
    "expected_counts",
    "hard_e_step",
    "log_binomial_coefficients",
    "log_likelihood",
    "lower_bound",
    "m_step",
    "mle_known",
    "paper_data",
    "simulate",
    "standard_errors",
    "sufficient_stats",
]
