r"""How sure are the EM estimates, and how fast does EM get there?

Two questions that come after a fit.

**Standard errors.**  Near a maximum :math:`\hat\phi` the log-likelihood
:math:`\ell` is close to a parabola, and its curvature, the *observed
information* :math:`I(\hat\phi) = -\nabla^2 \ell(\hat\phi)`, says how
sharply the data pin the parameters down: the standard error of parameter
:math:`j` is :math:`\sqrt{(I^{-1})_{jj}}`.  :func:`standard_errors`
computes :math:`I` exactly, through Louis' (1982) identity

.. math:: I_{\text{obs}} = I_{\text{complete}} - I_{\text{missing}},

where :math:`I_{\text{complete}}` is the information we would have if the
coin of every set were seen (weighted by the responsibilities) and
:math:`I_{\text{missing}} = \sum_i \operatorname{Cov}_{z_i \sim r_i}
\left[\nabla \log p(x_i, z_i)\right]` the information lost by not seeing it.

**Rate of convergence.**  Near a fixed point EM shrinks the distance to it
by a constant factor :math:`\lambda` per iteration (linear convergence).
:math:`\lambda` is the largest eigenvalue of the EM map's Jacobian, which at
the fixed point equals :math:`I_{\text{complete}}^{-1} I_{\text{missing}}`
(Dempster, Laird & Rubin 1977): the *fraction of missing information*.
:func:`em_jacobian_rate` computes it from the data;
:func:`convergence_rate` measures it from a run's history.

Parameters are the thetas and, when the weights were learned, the first
:math:`K - 1` weights (the last is :math:`1 - \sum` of the others, so only
:math:`K - 1` are free).

>>> from coinem_helpers import em, paper_data
>>> heads, n_tosses, _ = paper_data()
>>> result = em(heads, n_tosses, [0.6, 0.5])
>>> se_thetas, se_weights = standard_errors(result, heads, n_tosses)
>>> se_thetas.round(3), se_weights
(array([0.101, 0.131]), None)
>>> round(em_jacobian_rate(heads, n_tosses, result.thetas), 2)
0.41
"""

import numpy as np

from ._validation import check_thetas, check_weights
from .core import SufficientStats, e_step, sufficient_stats

__all__ = ["convergence_rate", "em_jacobian_rate", "standard_errors"]

# A coin whose expected share of the sets is below this carries no information
# about its theta ("dead"): below it the information is rounding noise.
DEAD_SHARE = 1e-8
# standard_errors refuses a result farther than this many standard errors
# (one Newton step) from the maximum: its curvature is not the maximum's.
MAX_NEWTON_SE = 0.1
# em_jacobian_rate refuses a point that one EM iteration moves by more than this.
FIXED_POINT_TOL = 1e-4
# A step of the history shorter than this (relative to the parameters' size)
# is at rounding level, and its ratio to the next says nothing about the rate.
ROUNDING_STEP = 1e5 * np.finfo(float).eps
# convergence_rate averages this many of the last step ratios.
TAIL_RATIOS = 5


# ---------------------------------------------------------------------------
# The pieces: per-pair gradients of log(w_k p(x | k)) and the two informations
# ---------------------------------------------------------------------------


def _stats_of(heads, n_tosses):
    if isinstance(heads, SufficientStats):
        if n_tosses is not None:
            raise TypeError(
                "n_tosses must be left out when heads is a SufficientStats (it already holds the "
                f"set lengths), but got n_tosses = {n_tosses!r}."
            )
        return heads
    return sufficient_stats(heads, n_tosses)


def _check_interior(thetas, weights, learn_weights):
    """Curvature needs a smooth peak: no theta at 0 or 1, no learned weight at 0."""
    on_edge = (thetas <= 0) | (thetas >= 1)
    if on_edge.any():
        k = int(np.flatnonzero(on_edge)[0])
        raise ValueError(
            f"thetas[{k}] = {thetas[k]:g} lies on the boundary of [0, 1]: the log-likelihood has no "
            "smooth peak there, so its curvature says nothing about the uncertainty (a prior, "
            "e.g. Beta(2, 2), keeps the estimate inside)."
        )
    if learn_weights and (weights <= 0).any():
        k = int(np.flatnonzero(weights <= 0)[0])
        raise ValueError(
            f"weights[{k}] = {weights[k]:g}: coin {k} is dead (no set is expected to come from it), "
            "so its theta is not determined by the data; refit without it."
        )


class _Pieces:
    """Everything the information and the EM map's Jacobian are built from.

    Parameter vector: thetas (K), then the first K - 1 weights if learned (D in all).
    ``grad[p, k]`` is the gradient of u_k = log w_k + log p(pair p | coin k);
    ``centred[p, k]`` is grad minus its mean under the responsibilities.
    """

    def __init__(self, stats, thetas, weights, learn_weights):
        n_coins = thetas.size
        self.thetas, self.weights, self.learn_weights = thetas, weights, learn_weights
        self.h = stats.heads.astype(float)
        self.n = stats.n_tosses.astype(float)
        self.c = stats.counts.astype(float)
        self.resp = e_step(stats, thetas=thetas, weights=weights)
        self.exp_sets = self.c @ self.resp  # N_k: expected sets of each coin
        share = self.exp_sets / self.c.sum()
        dead = share < DEAD_SHARE
        if dead.any():
            k = int(np.flatnonzero(dead)[0])
            raise ValueError(
                f"coin {k} is dead: its expected share of the sets is {share[k]:.3g} (thetas[{k}] = "
                f"{thetas[k]:g}), so the data say nothing about its theta; refit without it."
            )
        spread = thetas * (1 - thetas)
        # d/dtheta_k of h log theta_k + (n - h) log(1 - theta_k), written so that
        # h - n theta (small near the estimate) is formed before dividing.
        score = (self.h[:, None] - self.n[:, None] * thetas) / spread
        n_free = n_coins - 1 if learn_weights else 0
        self.dim = n_coins + n_free
        grad = np.zeros((self.h.size, n_coins, self.dim))
        coins = np.arange(n_coins)
        grad[:, coins, coins] = score
        if learn_weights:
            # w_K = 1 - (w_1 + ... + w_{K-1}): log w_K falls with every free weight.
            grad[:, coins[:-1], n_coins + coins[:-1]] = 1 / weights[:-1]
            grad[:, -1, n_coins:] = -1 / weights[-1]
        mean = np.einsum("pk,pkd->pd", self.resp, grad)
        self.score = self.c @ mean
        self.centred = grad - mean[:, None, :]

    def complete_information(self):
        """Minus the expected Hessian of the complete-data log-likelihood (block diagonal)."""
        h, n, thetas, weights = self.h, self.n, self.thetas, self.weights
        n_coins = thetas.size
        curvature = h[:, None] / thetas**2 + (n - h)[:, None] / (1 - thetas) ** 2
        info = np.zeros((self.dim, self.dim))
        info[:n_coins, :n_coins] = np.diag(self.c @ (self.resp * curvature))
        if self.learn_weights:
            block = self.exp_sets[-1] / weights[-1] ** 2 * np.ones((n_coins - 1, n_coins - 1))
            block += np.diag(self.exp_sets[:-1] / weights[:-1] ** 2)
            info[n_coins:, n_coins:] = block
        return info

    def missing_information(self):
        """sum over sets of the covariance, under the responsibilities, of the complete-data score."""
        return np.einsum("p,pk,pkd,pke->de", self.c, self.resp, self.centred, self.centred)

    def em_map_jacobian(self):
        """d(one EM iteration)/d(parameters), exact, at the current parameters.

        theta_k' = H_k / S_k and w_k' = N_k / N, with dr_pk = r_pk * centred[p, k].
        """
        n_coins = self.thetas.size
        weighted = self.c[:, None] * self.resp  # (pairs, K)
        exp_tosses = weighted.T @ self.n  # S_k
        new_thetas = (weighted.T @ self.h) / exp_tosses
        jac = np.empty((self.dim, self.dim))
        lever = weighted * (self.h[:, None] - self.n[:, None] * new_thetas)
        jac[:n_coins] = np.einsum("pk,pkd->kd", lever, self.centred) / exp_tosses[:, None]
        if self.learn_weights:
            jac[n_coins:] = np.einsum("pk,pkd->kd", weighted[:, :-1], self.centred[:, :-1]) / self.c.sum()
        new_weights = self.exp_sets / self.c.sum() if self.learn_weights else self.weights
        return jac, new_thetas, new_weights


def _as_result(result):
    missing = [a for a in ("thetas", "weights", "learn_weights") if not hasattr(result, a)]
    if missing:
        raise TypeError(
            "result must be the EMResult returned by em or em_restarts, but got a "
            f"{type(result).__name__} without {', '.join(missing)}."
        )
    return result


def _prior_terms(result, thetas, weights, dim):
    """Gradient and minus Hessian of the log prior, when the result is a MAP estimate.

    A Beta(a, b) prior on every theta adds (a - 1) log theta + (b - 1) log(1 - theta);
    a symmetric Dirichlet(alpha) on the weights adds (alpha - 1) sum log w_k.
    """
    grad, info = np.zeros(dim), np.zeros((dim, dim))
    n_coins = thetas.size
    theta_prior = getattr(result, "theta_prior", None)
    if theta_prior is not None:
        a, b = (float(x) for x in theta_prior)
        grad[:n_coins] = (a - 1) / thetas - (b - 1) / (1 - thetas)
        info[:n_coins, :n_coins] = np.diag((a - 1) / thetas**2 + (b - 1) / (1 - thetas) ** 2)
    weight_prior = getattr(result, "weight_prior", None)
    if weight_prior is not None and dim > n_coins:
        alpha = float(weight_prior)
        grad[n_coins:] = (alpha - 1) * (1 / weights[:-1] - 1 / weights[-1])
        info[n_coins:, n_coins:] = (alpha - 1) * (
            np.diag(1 / weights[:-1] ** 2) + np.ones((dim - n_coins,) * 2) / weights[-1] ** 2
        )
    return grad, info


# ---------------------------------------------------------------------------
# Standard errors
# ---------------------------------------------------------------------------


def standard_errors(result, heads, n_tosses=None):
    r"""Standard errors of EM's estimates, from the observed information at the result.

    The observed information is minus the Hessian of the log-likelihood,
    computed exactly (no finite differences) with Louis' identity
    :math:`I_{\text{obs}} = I_{\text{complete}} - I_{\text{missing}}`;
    its inverse approximates the covariance of the estimates, and the
    standard errors are the square roots of its diagonal.  When the weights
    were learned, the free parameters are the thetas and the first
    :math:`K - 1` weights; the last weight's standard error follows by the
    delta method (it is one minus the others).  If ``result`` records a
    prior (``theta_prior``, ``weight_prior``), the curvature of the log
    posterior is used instead (a Laplace approximation).

    Parameters
    ----------
    result : EMResult
        A fit from :func:`~coinem_helpers.em` or
        :func:`~coinem_helpers.em_restarts`, run to convergence.
    heads : array-like of shape (n_sets,) or SufficientStats
        The data the fit was made on (or their summary; then leave
        ``n_tosses`` out).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set.

    Returns
    -------
    se_thetas : ndarray of shape (n_coins,)
    se_weights : ndarray of shape (n_coins,) or None
        None when the weights were held fixed (``result.learn_weights`` is
        False): they were not estimated, so they have no standard error.

    Raises
    ------
    TypeError
        If ``result`` is not an EM result.
    ValueError
        If the information is not positive definite, saying why: a theta at 0
        or 1, a dead coin, or a result that is not at a maximum (a saddle
        point, a run stopped early, or a fit to other data).

    Notes
    -----
    A standard error describes the estimate's spread over repeated
    experiments only when there are many sets; with the paper's five it is a
    rough guide.  It is conditional on the labelling of the coins: swapping
    two coins gives the same likelihood, and the standard error describes
    the neighbourhood of this one maximum.

    Examples
    --------
    The paper's data with the weights fixed at 1/2: the estimate 0.52 of
    coin B is about half a standard error from the known-coin answer 0.45.

    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5])
    >>> se_thetas, se_weights = standard_errors(result, heads, n_tosses)
    >>> result.thetas.round(2), se_thetas.round(3), se_weights
    (array([0.8 , 0.52]), array([0.101, 0.131]), None)

    With learned weights every weight gets a standard error too:

    >>> tosses, _ = simulate(400, 10, [0.3, 0.8], weights=[0.3, 0.7], seed=0)
    >>> fit = em(count_heads(tosses), 10, [0.4, 0.6], learn_weights=True)
    >>> se_thetas, se_weights = standard_errors(fit, count_heads(tosses), 10)
    >>> se_thetas.round(3), se_weights.round(3)
    (array([0.018, 0.009]), array([0.025, 0.025]))

    A saddle point is refused:

    >>> standard_errors(em(heads, n_tosses, [0.66, 0.66]), heads, n_tosses)
    Traceback (most recent call last):
    ...
    ValueError: the observed information at thetas = [0.66, 0.66] is not positive definite ...
    """
    result = _as_result(result)
    stats = _stats_of(heads, n_tosses)
    thetas = check_thetas(result.thetas)
    weights = check_weights(result.weights, thetas.size)
    learn_weights = bool(result.learn_weights)
    n_sets = getattr(result, "n_sets", None)
    if n_sets is not None and n_sets != stats.n_sets:
        raise ValueError(
            f"result was fitted to {n_sets} sets but heads holds {stats.n_sets}: pass the data the "
            "fit was made on."
        )
    _check_interior(thetas, weights, learn_weights)
    pieces = _Pieces(stats, thetas, weights, learn_weights)
    prior_grad, prior_info = _prior_terms(result, thetas, weights, pieces.dim)
    info = pieces.complete_information() - pieces.missing_information() + prior_info
    score = pieces.score + prior_grad
    where = f"thetas = {np.round(thetas, 4).tolist()}" + (
        f", weights = {np.round(weights, 4).tolist()}" if learn_weights else ""
    )
    cov = _inverse_information(info, where)
    se = np.sqrt(np.diag(cov))
    # The curvature is the maximum's only at the maximum: one Newton step from
    # here must be small next to the standard errors it would report.
    newton = cov @ score
    far = np.abs(newton) / se
    if far.max() > MAX_NEWTON_SE:
        j = int(np.argmax(far))
        raise ValueError(
            f"the result ({where}) is not at a maximum of the log-likelihood of these data: one Newton "
            f"step would move parameter {j} by {abs(newton[j]):.3g}, {far[j]:.2g} standard errors. "
            "Run em to convergence (smaller tol, larger max_iter), on the data passed here."
        )
    n_coins = thetas.size
    if not learn_weights:
        return se[:n_coins], None
    # w = (w_1, ..., w_{K-1}, 1 - sum): the delta method with d w / d(free weights) = [I; -1].
    lift = np.vstack([np.eye(n_coins - 1), -np.ones(n_coins - 1)])
    cov_weights = lift @ cov[n_coins:, n_coins:] @ lift.T
    return se[:n_coins], np.sqrt(np.clip(np.diag(cov_weights), 0, None))


def _inverse_information(info, where):
    """Inverse of a symmetric information matrix, or a ValueError saying why there is none."""
    info = (info + info.T) / 2
    diag = np.diag(info)
    if (diag > 0).all():
        # Scale to unit diagonal so that "singular" does not depend on units.
        scale = 1 / np.sqrt(diag)
        eigenvalues = np.linalg.eigvalsh(info * np.outer(scale, scale))
        if eigenvalues[0] > 1e-10:
            return np.linalg.inv(info)
        smallest = eigenvalues[0]
    else:
        smallest = float(diag.min())
    if smallest < -1e-8:
        why = (
            "the log-likelihood curves upward in some direction, so this is not a maximum (a saddle "
            "point such as equal thetas, or a minimum): try other starts (em_restarts)"
        )
    else:
        why = (
            "the log-likelihood is flat in some direction, so some parameter is not identified here "
            "(two coins with the same theta, or too little data per coin)"
        )
    raise ValueError(
        f"the observed information at {where} is not positive definite (smallest scaled eigenvalue "
        f"{smallest:.3g}): {why}."
    )


# ---------------------------------------------------------------------------
# Rate of convergence
# ---------------------------------------------------------------------------


def em_jacobian_rate(heads, n_tosses=None, thetas=None, weights=None, learn_weights=False):
    r"""EM's linear rate at a fixed point: the largest eigenvalue of the EM map's Jacobian.

    One EM iteration is a map :math:`\phi \mapsto M(\phi)` of the
    parameters.  Near a fixed point :math:`\hat\phi = M(\hat\phi)` the error
    shrinks like :math:`\phi_{t+1} - \hat\phi \approx J (\phi_t - \hat\phi)`
    with :math:`J = \partial M / \partial \phi`, so the distance falls by
    the factor :math:`\lambda` = the largest :math:`|\text{eigenvalue}|` of
    :math:`J` per iteration.  At a fixed point
    :math:`J = I_{\text{complete}}^{-1} I_{\text{missing}}`: :math:`\lambda`
    is the largest *fraction of missing information*.  :math:`\lambda` near
    0 means fast convergence (the coins are easy to tell apart), near 1 a
    crawl (e.g. a spare coin the data do not need).

    Parameters
    ----------
    heads : array-like of shape (n_sets,) or SufficientStats
        Heads in each set, or their summary (leave ``n_tosses`` out).
    n_tosses : int or array-like of shape (n_sets,)
        Tosses in each set.
    thetas : array-like of shape (n_coins,)
        A fixed point of EM, e.g. ``em(...).thetas`` of a converged run.
    weights : array-like of shape (n_coins,), default=None
        The weights at that point; uniform when None.
    learn_weights : bool, default=False
        Whether EM updates the weights (then they are parameters of the map).

    Returns
    -------
    float
        :math:`\lambda`, in [0, 1) at a local maximum of the likelihood
        (at a saddle point it can exceed 1: EM is pushed away from it).

    Raises
    ------
    ValueError
        If the point is not a fixed point (one EM iteration moves it by more
        than 1e-4), a theta is 0 or 1, or a coin is dead.

    Examples
    --------
    On the paper's data each iteration cuts the distance to the estimate
    by a factor of about 0.41, so one decade of accuracy takes about
    1 / log10(1 / 0.41) = 2.6 iterations:

    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=60)
    >>> rate = em_jacobian_rate(heads, n_tosses, result.thetas)
    >>> round(rate, 2), round(convergence_rate(result), 2)
    (0.41, 0.41)

    Equal thetas are a fixed point too (a saddle on these data); there the
    largest eigenvalue exceeds 1, so the smallest nudge grows:

    >>> round(em_jacobian_rate(heads, n_tosses, [0.66, 0.66]), 2)
    1.53
    """
    stats = _stats_of(heads, n_tosses)
    if thetas is None:
        raise TypeError("thetas is required: a fixed point of EM, e.g. thetas=em(...).thetas.")
    thetas = check_thetas(thetas)
    weights = check_weights(weights, thetas.size)
    if not isinstance(learn_weights, (bool, np.bool_)):
        raise TypeError(f"learn_weights must be True or False, but got {learn_weights!r}.")
    learn_weights = bool(learn_weights)
    _check_interior(thetas, weights, learn_weights)
    pieces = _Pieces(stats, thetas, weights, learn_weights)
    jac, new_thetas, new_weights = pieces.em_map_jacobian()
    moved = max(np.abs(new_thetas - thetas).max(), np.abs(new_weights - weights).max())
    if moved > FIXED_POINT_TOL:
        raise ValueError(
            f"thetas = {np.round(thetas, 6).tolist()} is not a fixed point of EM: one iteration moves "
            f"the parameters by {moved:.3g} (more than {FIXED_POINT_TOL:g}). Pass the estimates of a "
            "converged run, e.g. em(...).thetas (and .weights with learn_weights=True)."
        )
    return float(np.abs(np.linalg.eigvals(jac)).max())


def convergence_rate(result):
    r"""The linear rate :math:`\lambda` of a run, measured from its history.

    Near a fixed point each EM step is :math:`\lambda` times the one before,
    so :math:`\lambda` is estimated as the geometric mean of the ratios of
    successive step lengths :math:`\|\phi_{t+1} - \phi_t\|` over the last
    half of the run's steps (the parameters are the thetas, and the weights
    when they were learned).  Steps at rounding level (relative size below
    about 2e-11, where EM has in effect arrived) are left out: their ratios
    are noise.

    The ratios approach :math:`\lambda` from one side, and slowly when the
    Jacobian has a second eigenvalue close to the largest (0.38 next to 0.41
    on the paper's data: the 13 iterations of ``em``'s default stopping rule
    give 0.39, a run to rounding level 0.41).

    Parameters
    ----------
    result : EMResult
        A run of :func:`~coinem_helpers.em` with a few iterations
        (``thetas_history``, and ``weights_history`` if weights were learned).

    Returns
    -------
    float
        The estimated :math:`\lambda`; 0.0 when EM reached its fixed point
        in a single step (nothing was missing, e.g. one coin).

    Raises
    ------
    ValueError
        If the history has fewer than two steps above rounding level.

    Examples
    --------
    >>> heads, n_tosses, _ = paper_data()
    >>> result = em(heads, n_tosses, [0.6, 0.5], tol=0, max_iter=60)
    >>> round(convergence_rate(result), 3)
    0.41
    >>> convergence_rate(em(heads, n_tosses, [0.5]))  # one coin: exact in one step
    0.0
    """
    result = _as_result(result)
    if not hasattr(result, "thetas_history"):
        raise TypeError(f"result must have a thetas_history (an EMResult), but got a {type(result).__name__}.")
    path = np.asarray(result.thetas_history, dtype=float)
    if bool(result.learn_weights):
        path = np.hstack([path, np.asarray(result.weights_history, dtype=float)])
    if path.ndim != 2 or path.shape[0] < 3:
        raise ValueError(
            f"convergence_rate needs at least 2 iterations in the history, but the run has "
            f"{max(path.shape[0] - 1, 0)}; run em with more iterations (e.g. tol=0, max_iter=50)."
        )
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    floor = ROUNDING_STEP * max(1.0, float(np.abs(path).max()))
    big = steps > floor
    if not big.any():
        raise ValueError("every step of the run is at rounding level: it started at its fixed point.")
    last = int(np.flatnonzero(big)[-1])  # later steps are rounding noise
    first = last
    while first > 0 and big[first - 1]:
        first -= 1
    run = steps[first : last + 1]  # the final stretch of meaningful steps
    if run.size < 2:
        if last + 1 < steps.size and steps[last + 1 :].max() == 0 and first == 0:
            return 0.0  # one step landed exactly on the fixed point
        raise ValueError(
            f"convergence_rate needs at least 2 successive steps above rounding level ({floor:.1e}), "
            f"but the run has {run.size}; run em with tol=0 and more iterations, from farther away."
        )
    ratios = run[1:] / run[:-1]
    # The last ratios are the most nearly linear; a few of them average out rounding.
    tail = ratios[-min(TAIL_RATIOS, ratios.size) :]
    return float(np.exp(np.mean(np.log(tail))))
