"""Interactive explorers of the course: the E-step, EM step by step, and simulated tosses.

Each explorer is a few sliders (plain :mod:`ipywidgets`) above a view that
draws what the maths says: :func:`estep_explorer`, :func:`em_stepper` and
:func:`toss_simulator`.  Every number comes from the tested helpers of
:mod:`coinem_helpers` (:func:`~coinem_helpers.e_step`,
:func:`~coinem_helpers.expected_counts`, :func:`~coinem_helpers.em`, ...):
moving a control calls them in Python and the explorer object holds the
result (``explorer.resp``, ...), so a test or a notebook can read what is on
screen without a browser.

They keep working without a kernel, on the course website: the view is an
`anywidget <https://anywidget.dev>`_ whose small JavaScript module
(``static/explorers.js``) draws its own sliders (native range inputs, named
and announced for screen readers) and the numbers Python sent and, when a
control moves and no kernel answers, recomputes them in the browser with a
line-by-line copy of the helpers (checked against them on shared test
vectors).  In Python each slider is a :class:`Control` whose ``value`` is
linked to the view's trait of the same name, so ``explorer.theta_a.value =
0.8`` moves the slider on screen and moving it on screen runs the helpers.
The whole explorer is that one widget, so the static website renders it from
the saved widget state with a small loader of its own
(``tools/book_static/coinem-explorers.js``), not the whole ipywidgets manager.  The toss simulator cannot re-run
NumPy's random generator in a browser, so it ships the uniform draws of each
seed, reduced to where they fall on the slider's grid of theta values: exactly
what :func:`~coinem_helpers.simulate` compares them with.

Examples
--------
>>> explorer = estep_explorer(display=False)
>>> explorer.resp[:, 0].round(2)            # the paper's first E-step
array([0.45, 0.8 , 0.73, 0.35, 0.65])
>>> explorer.theta_a.value = 0.8            # what moving the slider does
>>> round(float(explorer.resp[1, 0]), 2)
0.96
"""

import itertools
import uuid
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from ._validation import as_numeric_array, check_positive_int, check_sets
from .core import e_step, em, expected_counts, m_step, mle_known
from .data import count_heads, paper_data, simulate

__all__ = ["Control", "EMStepper", "EStepExplorer", "TossSimulator", "em_stepper", "estep_explorer", "toss_simulator"]

_STATIC = Path(__file__).parent / "static"

#: Sliders of theta and of the prior stay inside (0, 1), where every set is possible.
THETA_MIN, THETA_MAX, THETA_STEP = 0.01, 0.99, 0.01
#: The explorers draw one bar per set; more would not fit on screen.
MAX_SETS_SHOWN = 100
#: The EM stepper's history table holds at most this many iterations.
MAX_ITER_SHOWN = 100
#: The toss simulator's true thetas: 0.05, 0.10, ..., 0.95 (the exact decimals).
SIM_GRID = tuple(round(0.05 * j, 2) for j in range(1, 20))
#: The toss simulator's ranges (its stored draws cover them all).
SIM_MAX_SETS, SIM_MAX_TOSSES, SIM_SEEDS = 50, 100, 10


# ---------------------------------------------------------------------------
# What each explorer shows, as plain numbers (the view draws exactly these)
# ---------------------------------------------------------------------------


def _estep_summary(heads, n_tosses, theta_a, theta_b, prior):
    """The E-step explorer's numbers at one setting of its sliders.

    Returns a JSON-able dict: ``params``; per set ``resp`` (P(A | set),
    P(B | set)), ``expected_heads`` and ``expected_tails`` (each coin's share
    of the set's heads and tails); ``total_heads``/``total_tails`` of each
    coin (:func:`~coinem_helpers.expected_counts`) and the M-step's
    ``new_thetas`` (:func:`~coinem_helpers.m_step`).
    """
    thetas = [theta_a, theta_b]
    resp = e_step(heads, n_tosses, thetas, [prior, 1 - prior])
    total_heads, total_tails = expected_counts(resp, heads, n_tosses)
    new_thetas, _ = m_step(resp, heads, n_tosses, current_thetas=thetas)
    tails = np.asarray(n_tosses) - heads
    return {
        "params": [theta_a, theta_b, prior],
        "resp": resp.tolist(),
        "expected_heads": (resp * heads[:, None]).tolist(),
        "expected_tails": (resp * tails[:, None]).tolist(),
        "total_heads": total_heads.tolist(),
        "total_tails": total_tails.tolist(),
        "new_thetas": new_thetas.tolist(),
    }


def _em_summary(heads, n_tosses, start_a, start_b, max_iter):
    """The EM stepper's numbers for one start: every iteration, computed once.

    Row ``t`` of ``thetas``, ``resp`` and ``loglik`` is the estimate after
    ``t`` iterations of :func:`~coinem_helpers.em` (``tol=0``: exactly
    ``max_iter`` of them), the E-step there and the log-likelihood there.
    Returns ``(summary dict, EMResult, responsibilities of shape (max_iter + 1, n_sets, 2))``.
    """
    result = em(heads, n_tosses, [start_a, start_b], tol=0, max_iter=max_iter)
    resp = np.array([e_step(heads, n_tosses, th) for th in result.thetas_history])
    summary = {
        "params": [start_a, start_b, max_iter],
        "thetas": result.thetas_history.tolist(),
        "resp": resp.tolist(),
        "loglik": result.log_likelihood_history.tolist(),
    }
    return summary, result, resp


def _known_coin_mle(heads, n_tosses, coins):
    """The known-coin MLE of coins A and B, with None for a coin that got no set."""
    used = [bool(np.any(coins == k)) for k in (0, 1)]
    if all(used):
        return mle_known(heads, n_tosses, coins, n_coins=2).tolist()
    # mle_known rightly refuses a coin without sets; estimate the other alone.
    return [
        float(mle_known(heads[coins == k], n_tosses, np.zeros(int(np.sum(coins == k)), dtype=int))[0])
        if used[k]
        else None
        for k in (0, 1)
    ]


def _simulation_summary(theta_a, theta_b, n_sets, n_tosses, seed):
    """The toss simulator's numbers: :func:`~coinem_helpers.simulate`, its heads and the known-coin MLE."""
    thetas = [SIM_GRID[_grid_index(theta_a)], SIM_GRID[_grid_index(theta_b)]]
    tosses, coins = simulate(n_sets, n_tosses, thetas, seed=seed)
    heads = np.atleast_1d(count_heads(tosses))
    return {
        "params": [theta_a, theta_b, n_sets, n_tosses, seed],
        "thetas": thetas,
        "coins": coins.tolist(),
        "tosses": ["".join("H" if t else "T" for t in row) for row in tosses],
        "heads": heads.tolist(),
        "mle": _known_coin_mle(heads, n_tosses, coins),
    }


def _grid_index(theta):
    """Index of the simulator's grid value nearest to ``theta`` (slider values may be off by rounding)."""
    return int(np.argmin(np.abs(np.asarray(SIM_GRID) - theta)))


def _draw_bins(seed):
    """The uniform draws :func:`~coinem_helpers.simulate` makes with ``seed``, as grid positions.

    ``simulate(n_sets, n_tosses, thetas, seed=seed)`` takes ``n_sets`` draws
    from ``numpy.random.default_rng(seed)`` to pick the coins (coin A when the
    draw is below 0.5, a grid value), then ``n_sets * n_tosses`` for the
    tosses (heads when the draw is below the coin's theta).  So the
    comparisons, for every size and every grid theta, need only how many grid
    values are <= each draw: one base-36 digit per draw.  The browser
    rebuilds any simulation from these (tests check it against ``simulate``).
    """
    draws = np.random.default_rng(seed).random(SIM_MAX_SETS + SIM_MAX_SETS * SIM_MAX_TOSSES)
    bins = np.searchsorted(np.asarray(SIM_GRID), draws, side="right")
    return "".join(np.base_repr(int(b), 36).lower() for b in bins)


def _landscape(heads, n_tosses):
    """The log-likelihood landscape as a PNG, and where its axes are in it (pixels).

    Drawn once per explorer by :func:`coinem_helpers.plotting.plot_em_path`;
    the view draws the path on top, so moving along it needs no new image.
    A bare :class:`~matplotlib.figure.Figure` is not registered with pyplot,
    so the notebook shows no stray copy of it.  The filled contours have few
    colours, so a 128-colour palette PNG looks the same at a quarter of the
    size (about 25 kB in the page).
    """
    import base64
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    from .plotting import BACKGROUND, plot_em_path

    fig = Figure(figsize=(4.2, 4.2), dpi=110, facecolor=BACKGROUND)
    canvas = FigureCanvasAgg(fig)  # draws to memory, whatever the notebook's backend
    ax = fig.add_axes((0.16, 0.13, 0.8, 0.8), facecolor=BACKGROUND)
    plot_em_path(heads, n_tosses, ax=ax, colorbar=False)
    canvas.draw()
    box = ax.get_window_extent()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba()).convert("RGB")
    image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return {
        "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
        "width": width,
        "height": height,
        # x of the left and right edges, y of the top and bottom edges, from the top-left corner.
        "axes": [float(box.x0), float(height - box.y1), float(box.x1), float(height - box.y0)],
    }


# ---------------------------------------------------------------------------
# Views (drawn by static/explorers.js) and the explorer objects
# ---------------------------------------------------------------------------


class Control(traitlets.HasTraits):
    """One slider of an explorer: its ``value`` and what the view needs to draw it.

    Not a widget of its own: the explorer's view draws it (a native range
    input named by ``description``), and a :func:`traitlets.link` keeps
    ``value`` equal to the view's trait of the same name.  Setting ``value``
    clamps it to ``[min, max]``, as an ipywidgets slider does.

    Examples
    --------
    >>> c = Control(name="prior", label="prior w", sub="A", value=0.5, min=0.01, max=0.99, step=0.01)
    >>> c.value = 1.5
    >>> c.value, c.description
    (0.99, 'prior wA')
    """

    value = traitlets.Float()

    def __init__(self, *, name, label, value, min, max, step, sub="", digits=2):
        self.name, self.label, self.sub = name, label, sub
        self.min, self.max, self.step, self.digits = min, max, step, digits
        super().__init__(value=value)

    @traitlets.validate("value")
    def _clamp(self, proposal):
        return type(self.min)(min(max(proposal["value"], self.min), self.max))

    @property
    def description(self):
        """The slider's name as a screen reader says it, e.g. ``"start θA"``."""
        return self.label + self.sub

    def spec(self):
        """What the view needs to draw this slider (JSON-able)."""
        return {"name": self.name, "label": self.label, "sub": self.sub, "min": self.min, "max": self.max,
                "step": self.step, "digits": self.digits}

    def __repr__(self):
        return f"Control({self.name}={self.value!r}, min={self.min!r}, max={self.max!r}, step={self.step!r})"


class _IntControl(Control):
    value = traitlets.Int()

    def __init__(self, **kwargs):
        super().__init__(digits=0, **kwargs)


# Each explorer's model id is derived from its place in the kernel's run, not drawn at random:
# a notebook stores the id with the explorer's output, so after Restart-and-Run-All a student who
# saves gets the very file that is in git (tools/sync_notebooks.py runs the lesson the same way).
_EXPLORER_IDS = uuid.UUID("6d6f6e65-636f-696e-656d-6578706c6f72")
_explorers_made = itertools.count(1)


class _View(anywidget.AnyWidget):
    def __init__(self, **kwargs):
        kwargs.setdefault("model_id", uuid.uuid5(_EXPLORER_IDS, str(next(_explorers_made))).hex)
        super().__init__(**kwargs)

    _esm = _STATIC / "explorers.js"
    _css = _STATIC / "explorers.css"
    kind = traitlets.Unicode().tag(sync=True)
    #: The sliders the view draws above itself (Control.spec of each).
    controls = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: What Python computed, stamped with the control values ("params") it belongs to.
    result = traitlets.Dict().tag(sync=True)


class _EStepView(_View):
    theta_a = traitlets.Float().tag(sync=True)
    theta_b = traitlets.Float().tag(sync=True)
    prior = traitlets.Float().tag(sync=True)
    heads = traitlets.List(traitlets.Int()).tag(sync=True)
    n_tosses = traitlets.List(traitlets.Int()).tag(sync=True)


class _EMView(_View):
    start_a = traitlets.Float().tag(sync=True)
    start_b = traitlets.Float().tag(sync=True)
    iteration = traitlets.Int().tag(sync=True)
    max_iter = traitlets.Int().tag(sync=True)
    heads = traitlets.List(traitlets.Int()).tag(sync=True)
    n_tosses = traitlets.List(traitlets.Int()).tag(sync=True)
    landscape = traitlets.Dict().tag(sync=True)


class _SimView(_View):
    theta_a = traitlets.Float().tag(sync=True)
    theta_b = traitlets.Float().tag(sync=True)
    n_sets = traitlets.Int().tag(sync=True)
    n_tosses = traitlets.Int().tag(sync=True)
    seed = traitlets.Int().tag(sync=True)
    grid = traitlets.List(traitlets.Float()).tag(sync=True)
    stream = traitlets.List(traitlets.Unicode()).tag(sync=True)


def _slider(cls, name, label, value, lo, hi, step, sub=""):
    return cls(name=name, label=label, sub=sub, value=value, min=lo, max=hi, step=step)


def _current_cell():
    """(shell, execution count) of the running IPython cell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    shell = get_ipython()
    return None if shell is None else (id(shell), shell.execution_count)


class _Explorer:
    """Controls, a view that draws them, and display that shows the explorer once per cell."""

    _controls = ()

    def __init__(self, view, controls):
        view.controls = [c.spec() for c in controls]
        self.view = view
        #: What a notebook displays: the view, which draws the controls too.
        self.widget = view
        self._shown_in = None
        # Both ways: Python moves the slider on screen, the slider on screen runs Python.
        self._links = [traitlets.link((getattr(self, name), "value"), (view, name)) for name in self._controls]

    def __repr__(self):
        values = ", ".join(f"{name}={getattr(self, name).value!r}" for name in self._controls)
        return f"{type(self).__name__}({values})"

    #: What the explorer is called in its text fallback.
    _title = "explorer"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        if isinstance(bundle, tuple):  # anywidget answers (data, metadata)
            bundle = dict(bundle[0])
        # What a notebook shows when no kernel has drawn the widget (a stored notebook opened
        # in JupyterLab, say): say in plain words what to do, and what it is set to.
        values = ", ".join(f"{getattr(self, n).description} = {getattr(self, n).value:.{getattr(self, n).digits}f}"
                           for n in self._controls)
        bundle["text/plain"] = f"{self._title} ({values}): Run this cell to start the explorer."
        return bundle

    def _ipython_display_(self):
        from IPython.display import display

        cell = _current_cell()
        if cell is not None and cell == self._shown_in:
            return  # display=True already showed it in this cell: no second copy
        self._shown_in = cell
        display(self._repr_mimebundle_(), raw=True)

    def _show_if(self, display):
        if display and _current_cell() is not None:
            self._ipython_display_()


def _check_data(heads, n_tosses):
    """Per-set data, the paper's when both are None; at most MAX_SETS_SHOWN sets."""
    if heads is None and n_tosses is None:
        heads, n_tosses, _ = paper_data()
    elif heads is None or n_tosses is None:
        raise TypeError(
            "give both heads and n_tosses (or neither, for the paper's data), but got "
            f"heads = {heads!r} and n_tosses = {n_tosses!r}."
        )
    h, n = check_sets(heads, n_tosses)
    if h.size > MAX_SETS_SHOWN:
        raise ValueError(
            f"the explorer draws one bar per set, so it takes at most {MAX_SETS_SHOWN} sets, "
            f"but got {h.size}; pass a sample of them."
        )
    return h, np.broadcast_to(n, h.shape).astype(int)


def _check_unit(value, name, lo=THETA_MIN, hi=THETA_MAX):
    arr = as_numeric_array(value, name)
    if arr.ndim != 0 or not (lo <= float(arr) <= hi):
        raise ValueError(f"{name} must be a number between {lo} and {hi} (the slider's range), but got {value!r}.")
    return float(arr)


def _check_pair(pair, name, lo=THETA_MIN, hi=THETA_MAX):
    arr = as_numeric_array(pair, name)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be two numbers, for coins A and B, but got {pair!r}.")
    return tuple(_check_unit(v, f"{name}[{k}]", lo, hi) for k, v in enumerate(arr.tolist()))


class EStepExplorer(_Explorer):
    """The E-step explorer; make one with :func:`estep_explorer`.

    Attributes
    ----------
    theta_a, theta_b, prior : Control
        The controls: each coin's heads probability, and the prior
        w_A = P(coin A) (coin B's is 1 - w_A).
    heads, n_tosses : ndarray of shape (n_sets,)
        The data.
    resp : ndarray of shape (n_sets, 2)
        The E-step at the current controls: P(A | set), P(B | set).
    expected_heads, expected_tails : ndarray of shape (2,)
        Each coin's expected heads and tails (the table's total row).
    new_thetas : ndarray of shape (2,)
        The M-step's estimates from these counts (the table's last row).
    summary : dict
        Everything the view draws, as sent to it.
    """

    _controls = ("theta_a", "theta_b", "prior")
    _title = "E-step explorer"

    def __init__(self, heads, n_tosses, thetas, prior):
        self.heads, self.n_tosses = heads, n_tosses
        self.theta_a = _slider(Control, "theta_a", "θ", thetas[0], THETA_MIN, THETA_MAX, THETA_STEP, "A")
        self.theta_b = _slider(Control, "theta_b", "θ", thetas[1], THETA_MIN, THETA_MAX, THETA_STEP, "B")
        self.prior = _slider(Control, "prior", "prior w", prior, THETA_MIN, THETA_MAX, THETA_STEP, "A")
        view = _EStepView(kind="estep", heads=heads.tolist(), n_tosses=n_tosses.tolist())
        super().__init__(view, [self.theta_a, self.theta_b, self.prior])
        for name in self._controls:
            getattr(self, name).observe(self._update, names="value")
        self._update()

    def _update(self, change=None):
        params = (self.theta_a.value, self.theta_b.value, self.prior.value)
        self.summary = _estep_summary(self.heads, self.n_tosses, *params)
        self.resp = np.array(self.summary["resp"])
        self.expected_heads = np.array(self.summary["total_heads"])
        self.expected_tails = np.array(self.summary["total_tails"])
        self.new_thetas = np.array(self.summary["new_thetas"])
        with self.view.hold_sync():
            self.view.theta_a, self.view.theta_b, self.view.prior = params
            self.view.result = self.summary


class EMStepper(_Explorer):
    """The EM stepper; make one with :func:`em_stepper`.

    Attributes
    ----------
    start_a, start_b : Control
        The start of EM; moving either starts over at iteration 0.
    iteration : Control
        The iteration shown, 0 (the start) to ``max_iter``; :meth:`step`,
        :meth:`run` and :meth:`reset` move it, as do the view's buttons.
    result : EMResult
        :func:`~coinem_helpers.em` from the current start (``tol=0``).
    thetas, resp, log_likelihood
        The estimate, the E-step and the log-likelihood at the shown iteration.
    summary : dict
        Everything the view draws, as sent to it.
    """

    _controls = ("start_a", "start_b", "iteration")
    _title = "EM stepper"

    def __init__(self, heads, n_tosses, start, max_iter):
        self.heads, self.n_tosses, self.max_iter = heads, n_tosses, max_iter
        self.start_a = _slider(Control, "start_a", "start θ", start[0], THETA_MIN, THETA_MAX, THETA_STEP, "A")
        self.start_b = _slider(Control, "start_b", "start θ", start[1], THETA_MIN, THETA_MAX, THETA_STEP, "B")
        self.iteration = _slider(_IntControl, "iteration", "iteration", 0, 0, max_iter, 1)
        view = _EMView(
            kind="em",
            heads=heads.tolist(),
            n_tosses=n_tosses.tolist(),
            max_iter=max_iter,
            landscape=_landscape(heads, n_tosses),
        )
        super().__init__(view, [self.start_a, self.start_b, self.iteration])
        self.start_a.observe(self._restart, names="value")
        self.start_b.observe(self._restart, names="value")
        self.iteration.observe(self._show_iteration, names="value")
        self._restart()

    def _restart(self, change=None):
        params = (self.start_a.value, self.start_b.value)
        self.summary, self.result, self._resp = _em_summary(self.heads, self.n_tosses, *params, self.max_iter)
        with self.view.hold_sync():
            self.view.start_a, self.view.start_b = params
            self.view.result = self.summary
            self.iteration.value = 0  # a new start begins a new run
            self._show_iteration()

    def _show_iteration(self, change=None):
        t = self.iteration.value
        self.thetas = self.result.thetas_history[t]
        self.resp = self._resp[t]
        self.log_likelihood = float(self.result.log_likelihood_history[t])
        self.view.iteration = t

    def step(self):
        """Show one more iteration (up to ``max_iter``)."""
        self.iteration.value = min(self.iteration.value + 1, self.max_iter)

    def run(self):
        """Show the last iteration."""
        self.iteration.value = self.max_iter

    def reset(self):
        """Back to the start (iteration 0)."""
        self.iteration.value = 0


class TossSimulator(_Explorer):
    """The toss simulator; make one with :func:`toss_simulator`.

    Attributes
    ----------
    theta_a, theta_b : Control
        The true heads probabilities, 0.05 to 0.95 in steps of 0.05.
    n_sets, n_tosses, seed : Control
    tosses : ndarray of shape (n_sets, n_tosses)
        The simulated tosses (1 = heads), from :func:`~coinem_helpers.simulate`.
    coins, heads : ndarray of shape (n_sets,)
        The coin of each set (0 = A) and its heads.
    mle : list of 2 floats or None
        The known-coin MLE of each coin (None for a coin that got no set).
    summary : dict
        Everything the view draws, as sent to it.
    """

    _controls = ("theta_a", "theta_b", "n_sets", "n_tosses", "seed")
    _title = "Toss simulator"

    def __init__(self, thetas, n_sets, n_tosses, seed):
        lo, hi = SIM_GRID[0], SIM_GRID[-1]
        self.theta_a = _slider(Control, "theta_a", "true θ", thetas[0], lo, hi, 0.05, "A")
        self.theta_b = _slider(Control, "theta_b", "true θ", thetas[1], lo, hi, 0.05, "B")
        self.n_sets = _slider(_IntControl, "n_sets", "sets", n_sets, 1, SIM_MAX_SETS, 1)
        self.n_tosses = _slider(_IntControl, "n_tosses", "tosses per set", n_tosses, 1, SIM_MAX_TOSSES, 1)
        self.seed = _slider(_IntControl, "seed", "seed", seed, 0, SIM_SEEDS - 1, 1)
        view = _SimView(kind="simulator", grid=list(SIM_GRID), stream=[_draw_bins(s) for s in range(SIM_SEEDS)])
        super().__init__(view, [self.theta_a, self.theta_b, self.n_sets, self.n_tosses, self.seed])
        for name in self._controls:
            getattr(self, name).observe(self._update, names="value")
        self._update()

    def _update(self, change=None):
        params = tuple(getattr(self, name).value for name in self._controls)
        self.summary = _simulation_summary(*params)
        self.tosses = np.array([[c == "H" for c in row] for row in self.summary["tosses"]], dtype=int)
        self.coins = np.array(self.summary["coins"])
        self.heads = np.array(self.summary["heads"])
        self.mle = self.summary["mle"]
        with self.view.hold_sync():
            for name, value in zip(self._controls, params):
                setattr(self.view, name, value)
            self.view.result = self.summary


# ---------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------


def estep_explorer(heads=None, n_tosses=None, *, thetas=(0.6, 0.5), prior=0.5, display=True):
    """Sliders for θA, θB and the prior w_A = P(coin A), and the E-step they give on a data set.

    Shows, for each set, a bar of P(A | set) and P(B | set), and the table of
    expected heads and tails each coin gets from each set, with the totals and
    the M-step's new thetas; it updates in place as a slider moves.

    Parameters
    ----------
    heads : array-like of shape (n_sets,), default=None
        Heads in each set (at most 100 sets); the paper's data when both
        ``heads`` and ``n_tosses`` are None.
    n_tosses : int or array-like of shape (n_sets,), default=None
        Tosses in each set.
    thetas : pair of float, default=(0.6, 0.5)
        Starting θA and θB, in [0.01, 0.99].
    prior : float, default=0.5
        Starting prior w_A = P(coin A), in [0.01, 0.99].
    display : bool, default=True
        Show the explorer in the notebook now (a cell ending with the call
        still shows it once).  Outside IPython nothing is shown.

    Returns
    -------
    EStepExplorer
        Its controls ``theta_a``, ``theta_b``, ``prior`` (set ``.value`` to
        move them) and what it shows: ``resp``, ``expected_heads``,
        ``expected_tails``, ``new_thetas``, ``summary``.

    Examples
    --------
    >>> explorer = estep_explorer(display=False)
    >>> explorer.resp[:, 0].round(2)
    array([0.45, 0.8 , 0.73, 0.35, 0.65])
    >>> explorer.expected_heads.round(1), explorer.expected_tails.round(1)
    (array([21.3, 11.7]), array([8.6, 8.4]))
    >>> explorer.prior.value = 0.9          # coin A picked nine times in ten
    >>> bool(explorer.resp[0, 0] > 0.45)
    True
    """
    h, n = _check_data(heads, n_tosses)
    thetas = _check_pair(thetas, "thetas")
    prior = _check_unit(prior, "prior")
    explorer = EStepExplorer(h, n, thetas, prior)
    explorer._show_if(display)
    return explorer


def em_stepper(heads=None, n_tosses=None, *, start=(0.6, 0.5), max_iter=20, display=True):
    """Step through EM from a start you choose, on the log-likelihood landscape.

    Shows EM's path so far over the contours of the log-likelihood, the
    responsibilities at the current estimate and the log-likelihood after
    each iteration.  The view's Step, Run and Reset buttons (and the
    ``iteration`` slider) move through the iterations; moving the start
    sliders starts over.

    Parameters
    ----------
    heads : array-like of shape (n_sets,), default=None
        Heads in each set (at most 100 sets); the paper's data when both
        ``heads`` and ``n_tosses`` are None.
    n_tosses : int or array-like of shape (n_sets,), default=None
        Tosses in each set.
    start : pair of float, default=(0.6, 0.5)
        Starting θA and θB, in [0.01, 0.99].
    max_iter : int, default=20
        Iterations available (1 to 100).  The mixing weights stay at 1/2,
        as in the paper.
    display : bool, default=True
        Show the explorer in the notebook now.

    Returns
    -------
    EMStepper
        Its controls ``start_a``, ``start_b``, ``iteration``, the methods
        :meth:`~EMStepper.step`, :meth:`~EMStepper.run`,
        :meth:`~EMStepper.reset`, and what it shows: ``thetas``, ``resp``,
        ``log_likelihood`` at the shown iteration, ``result`` (the whole run).

    Examples
    --------
    The paper's Figure 1b: 0.71/0.58 after one iteration, 0.80/0.52 after ten.

    >>> stepper = em_stepper(display=False)
    >>> stepper.step()
    >>> stepper.thetas.round(2)
    array([0.71, 0.58])
    >>> stepper.iteration.value = 10
    >>> stepper.thetas.round(2)
    array([0.8 , 0.52])
    >>> stepper.start_a.value = 0.3       # a new start: back to iteration 0
    >>> stepper.iteration.value, stepper.thetas.round(2)
    (0, array([0.3, 0.5]))
    """
    h, n = _check_data(heads, n_tosses)
    start = _check_pair(start, "start")
    max_iter = check_positive_int(max_iter, "max_iter")
    if max_iter > MAX_ITER_SHOWN:
        raise ValueError(f"max_iter must be at most {MAX_ITER_SHOWN} (one table row each), but got {max_iter}.")
    explorer = EMStepper(h, n, start, max_iter)
    explorer._show_if(display)
    return explorer


def toss_simulator(*, thetas=(0.3, 0.7), n_sets=10, n_tosses=20, seed=0, display=True):
    """Simulate the two-coin experiment and compare the known-coin MLE with the truth.

    Shows each simulated set (its coin and its tosses) and, for each coin,
    the true theta next to its estimate heads / tosses over that coin's sets
    (:func:`~coinem_helpers.mle_known`).  The same seed always gives the same
    data (:func:`~coinem_helpers.simulate`).

    Parameters
    ----------
    thetas : pair of float, default=(0.3, 0.7)
        True θA and θB: multiples of 0.05 from 0.05 to 0.95 (the slider's values).
    n_sets : int, default=10
        Number of sets, 1 to 50.
    n_tosses : int, default=20
        Tosses per set, 1 to 100.
    seed : int, default=0
        Seed of the random generator, 0 to 9.
    display : bool, default=True
        Show the explorer in the notebook now.

    Returns
    -------
    TossSimulator
        Its controls ``theta_a``, ``theta_b``, ``n_sets``, ``n_tosses``,
        ``seed`` and what it shows: ``tosses``, ``coins``, ``heads``, ``mle``.

    Examples
    --------
    >>> sim = toss_simulator(display=False)
    >>> sim.tosses.shape
    (10, 20)
    >>> sim.n_sets.value = 40
    >>> sim.tosses.shape, len(sim.mle)
    ((40, 20), 2)
    """
    lo, hi = SIM_GRID[0], SIM_GRID[-1]
    thetas = _check_pair(thetas, "thetas", lo, hi)
    for k, t in enumerate(thetas):
        if abs(t - SIM_GRID[_grid_index(t)]) > 1e-9:
            raise ValueError(f"thetas[{k}] must be a multiple of 0.05 (the slider's steps), but got {t!r}.")
    n_sets = check_positive_int(n_sets, "n_sets")
    n_tosses = check_positive_int(n_tosses, "n_tosses")
    seed = check_positive_int(seed, "seed", minimum=0)
    for name, value, top in (("n_sets", n_sets, SIM_MAX_SETS), ("n_tosses", n_tosses, SIM_MAX_TOSSES),
                             ("seed", seed, SIM_SEEDS - 1)):
        if value > top:
            raise ValueError(f"{name} must be at most {top} (the slider's range), but got {value}.")
    explorer = TossSimulator(thetas, n_sets, n_tosses, seed)
    explorer._show_if(display)
    return explorer
