"""The explorers of coinem_helpers.widgets, driven as a student would: set a control, read what it shows.

No kernel and no browser: setting ``control.value`` runs the same Python callbacks as moving the
slider in JupyterLab, and the explorer's state (``resp``, ``thetas``, ``summary``, the view's
synced traits) is what the view draws.  The browser side (the same numbers recomputed without a
kernel, on the website) is checked in test_explorers_site.py, against the vectors this file keeps
in tests/data/explorer_vectors.json.

Run ``python tests/test_widgets.py`` to rewrite the vectors after a deliberate change to the maths.
"""

import io
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from coinem_helpers import (
    e_step,
    em,
    expected_counts,
    log_likelihood,
    mle_known,
    paper_data,
    simulate,
)
from coinem_helpers import widgets as W

VECTORS = Path(__file__).parent / "data" / "explorer_vectors.json"
HEADS, N_TOSSES, COINS = paper_data()


# --------------------------------------------------------------------------- E-step explorer


def test_estep_explorer_shows_the_papers_first_e_step():
    explorer = W.estep_explorer(display=False)
    assert (explorer.theta_a.value, explorer.theta_b.value, explorer.prior.value) == (0.6, 0.5, 0.5)
    # Do & Batzoglou (2008), Figure 1b: P(A | set) and the expected counts table.
    np.testing.assert_allclose(explorer.resp[:, 0], [0.45, 0.80, 0.73, 0.35, 0.65], atol=0.005)
    np.testing.assert_allclose(explorer.expected_heads, [21.3, 11.7], atol=0.05)
    np.testing.assert_allclose(explorer.expected_tails, [8.6, 8.4], atol=0.05)
    np.testing.assert_allclose(explorer.new_thetas, [0.71, 0.58], atol=0.005)


@pytest.mark.parametrize(
    ("control", "value", "thetas", "prior"),
    [("theta_a", 0.7, (0.7, 0.5), 0.5), ("theta_b", 0.35, (0.6, 0.35), 0.5), ("prior", 0.8, (0.6, 0.5), 0.8)],
)
def test_moving_an_estep_control_updates_what_is_shown(control, value, thetas, prior):
    explorer = W.estep_explorer(display=False)
    before = explorer.resp.copy()
    getattr(explorer, control).value = value

    expected = e_step(HEADS, N_TOSSES, thetas, [prior, 1 - prior])
    assert not np.allclose(before, explorer.resp)
    np.testing.assert_allclose(explorer.resp, expected, rtol=1e-12)
    H, T = expected_counts(expected, HEADS, N_TOSSES)
    np.testing.assert_allclose(explorer.expected_heads, H, rtol=1e-12)
    np.testing.assert_allclose(explorer.expected_tails, T, rtol=1e-12)
    np.testing.assert_allclose(explorer.new_thetas, H / (H + T), rtol=1e-12)
    # The view (what the page draws) got the same control values and numbers.
    view = explorer.view
    assert (view.theta_a, view.theta_b, view.prior) == (*thetas, prior)
    assert view.result["params"] == [*thetas, prior]
    np.testing.assert_allclose(view.result["resp"], expected, rtol=1e-12)


def test_estep_table_rows_add_up_to_each_sets_tosses_and_to_the_totals():
    explorer = W.estep_explorer(display=False, thetas=(0.3, 0.8), prior=0.25)
    s = explorer.summary
    exp_h, exp_t = np.array(s["expected_heads"]), np.array(s["expected_tails"])
    np.testing.assert_allclose(exp_h.sum(axis=1), HEADS)  # each set's heads are shared out in full
    np.testing.assert_allclose(exp_t.sum(axis=1), N_TOSSES - HEADS)
    np.testing.assert_allclose(exp_h.sum(axis=0), s["total_heads"])
    np.testing.assert_allclose(exp_t.sum(axis=0), s["total_tails"])
    np.testing.assert_allclose(np.sum(s["resp"], axis=1), 1.0)


def test_a_larger_prior_of_coin_a_raises_every_p_a_given_the_set():
    explorer = W.estep_explorer(display=False)
    low = explorer.resp[:, 0].copy()
    explorer.prior.value = 0.9
    assert np.all(explorer.resp[:, 0] > low)


def test_estep_explorer_takes_other_data_with_unequal_set_lengths():
    explorer = W.estep_explorer([0, 12, 3], [10, 12, 5], thetas=(0.2, 0.9), display=False)
    assert explorer.view.heads == [0, 12, 3] and explorer.view.n_tosses == [10, 12, 5]
    np.testing.assert_allclose(explorer.resp, e_step([0, 12, 3], [10, 12, 5], [0.2, 0.9]), rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"thetas": (0.0, 0.5)}, ValueError, r"thetas\[0\] must be a number between 0.01 and 0.99"),
        ({"thetas": (0.6,)}, ValueError, "thetas must be two numbers"),
        ({"thetas": (0.6, float("nan"))}, ValueError, r"thetas\[1\]"),
        ({"prior": 1.0}, ValueError, "prior must be a number between"),
        ({"prior": "half"}, TypeError, "prior must be an array of numbers"),
        ({"heads": [1, 2]}, TypeError, "give both heads and n_tosses"),
        ({"heads": [11], "n_tosses": 10}, ValueError, "heads"),
        ({"heads": np.ones(101, int), "n_tosses": 10}, ValueError, "at most 100 sets"),
    ],
)
def test_estep_explorer_rejects_bad_input_clearly(kwargs, error, match):
    with pytest.raises(error, match=match):
        W.estep_explorer(display=False, **kwargs)


# --------------------------------------------------------------------------- EM stepper


def test_em_stepper_reproduces_the_papers_iterations():
    stepper = W.em_stepper(display=False)
    assert stepper.iteration.value == 0
    np.testing.assert_allclose(stepper.thetas, [0.6, 0.5])
    np.testing.assert_allclose(stepper.resp[:, 0], [0.45, 0.80, 0.73, 0.35, 0.65], atol=0.005)
    stepper.step()
    np.testing.assert_allclose(stepper.thetas, [0.71, 0.58], atol=0.005)  # Figure 1b, one iteration
    stepper.iteration.value = 10
    np.testing.assert_allclose(stepper.thetas, [0.80, 0.52], atol=0.005)  # ... and ten


def test_em_stepper_shows_each_iteration_of_em():
    stepper = W.em_stepper(display=False, start=(0.3, 0.8), max_iter=12)
    reference = em(HEADS, N_TOSSES, [0.3, 0.8], tol=0, max_iter=12)
    for t in range(13):
        stepper.iteration.value = t
        np.testing.assert_allclose(stepper.thetas, reference.thetas_history[t], rtol=1e-12)
        np.testing.assert_allclose(stepper.resp, e_step(HEADS, N_TOSSES, reference.thetas_history[t]), rtol=1e-12)
        assert stepper.log_likelihood == pytest.approx(log_likelihood(HEADS, N_TOSSES, stepper.thetas), rel=1e-12)
        assert stepper.view.iteration == t
    assert np.all(np.diff(stepper.summary["loglik"]) >= -1e-12)  # EM never lowers the likelihood


def test_step_run_and_reset():
    stepper = W.em_stepper(display=False, max_iter=5)
    stepper.step()
    stepper.step()
    assert stepper.iteration.value == 2 and stepper.view.iteration == 2
    stepper.run()
    assert stepper.iteration.value == 5
    stepper.step()  # nothing after the last iteration
    assert stepper.iteration.value == 5
    np.testing.assert_allclose(stepper.thetas, em(HEADS, N_TOSSES, [0.6, 0.5], tol=0, max_iter=5).thetas, rtol=1e-12)
    stepper.reset()
    assert stepper.iteration.value == 0
    np.testing.assert_allclose(stepper.thetas, [0.6, 0.5])
    assert stepper.iteration.max == 5


@pytest.mark.parametrize("control", ["start_a", "start_b"])
def test_moving_the_start_starts_over(control):
    stepper = W.em_stepper(display=False)
    stepper.run()
    getattr(stepper, control).value = 0.25
    start = [0.25, 0.5] if control == "start_a" else [0.6, 0.25]
    assert stepper.iteration.value == 0 and stepper.view.iteration == 0
    np.testing.assert_allclose(stepper.thetas, start)
    assert (stepper.view.start_a, stepper.view.start_b) == tuple(start)
    assert stepper.view.result["params"] == [*start, 20]
    stepper.step()
    np.testing.assert_allclose(stepper.thetas, em(HEADS, N_TOSSES, start, tol=0, max_iter=1).thetas, rtol=1e-12)


def test_a_start_on_the_diagonal_stays_on_it():
    stepper = W.em_stepper(display=False, start=(0.5, 0.5))
    stepper.run()
    assert stepper.thetas[0] == pytest.approx(stepper.thetas[1])


def test_the_landscape_overlay_lines_up_with_the_png():
    """The page draws the path in the PNG's pixels: the axes box it is told must be where the axes are."""
    land = W.em_stepper(display=False).view.landscape
    import base64

    png = base64.b64decode(land["png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = mpimg.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (land["height"], land["width"])
    assert pixels.shape[2] == 3 or pixels[..., 3].min() == 1.0  # opaque: readable in dark mode
    x0, y0, x1, y1 = land["axes"]
    assert 0 < x0 < x1 < land["width"] and 0 < y0 < y1 < land["height"]
    gray = pixels[..., :3].mean(axis=2)
    mid_row, mid_col = int((y0 + y1) / 2), int((x0 + x1) / 2)
    # Just outside each edge of the axes: the white figure background; just inside: the coloured landscape.
    for outside, inside in [
        (gray[mid_row, int(x0) - 4], gray[mid_row, int(x0) + 4]),
        (gray[mid_row, int(x1) + 4], gray[mid_row, int(x1) - 4]),
        (gray[int(y0) - 4, mid_col], gray[int(y0) + 4, mid_col]),
        (gray[int(y1) + 4, mid_col], gray[int(y1) - 4, mid_col]),
    ]:
        assert outside > 0.97 and inside < 0.9


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 101}, ValueError, "max_iter must be at most 100"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be an int"),
        ({"start": (0.6, 1.2)}, ValueError, r"start\[1\] must be a number between"),
    ],
)
def test_em_stepper_rejects_bad_input_clearly(kwargs, error, match):
    with pytest.raises(error, match=match):
        W.em_stepper(display=False, **kwargs)


# --------------------------------------------------------------------------- toss simulator


def known_coin_truth(thetas, n_sets, n_tosses, seed):
    """What the simulator must show, straight from the helpers."""
    tosses, coins = simulate(n_sets, n_tosses, thetas, seed=seed)
    return tosses, coins, tosses.sum(axis=1)


def test_toss_simulator_shows_simulate_and_the_known_coin_mle():
    sim = W.toss_simulator(display=False)
    tosses, coins, heads = known_coin_truth([0.3, 0.7], 10, 20, 0)
    np.testing.assert_array_equal(sim.tosses, tosses)
    np.testing.assert_array_equal(sim.coins, coins)
    np.testing.assert_array_equal(sim.heads, heads)
    np.testing.assert_allclose(sim.mle, mle_known(heads, 20, coins, n_coins=2), rtol=1e-15)
    assert sim.summary["tosses"][0] == "".join("HT"[1 - t] for t in tosses[0])


@pytest.mark.parametrize(
    ("control", "value", "args"),
    [
        ("theta_a", 0.45, ([0.45, 0.7], 10, 20, 0)),
        ("theta_b", 0.95, ([0.3, 0.95], 10, 20, 0)),
        ("n_sets", 37, ([0.3, 0.7], 37, 20, 0)),
        ("n_tosses", 100, ([0.3, 0.7], 10, 100, 0)),
        ("seed", 7, ([0.3, 0.7], 10, 20, 7)),
    ],
)
def test_moving_a_simulator_control_resimulates(control, value, args):
    sim = W.toss_simulator(display=False)
    before = sim.tosses.copy()
    getattr(sim, control).value = value
    tosses, coins, heads = known_coin_truth(*args)
    assert before.shape != tosses.shape or not np.array_equal(before, tosses)
    np.testing.assert_array_equal(sim.tosses, tosses)
    np.testing.assert_array_equal(sim.coins, coins)
    np.testing.assert_allclose(sim.mle, mle_known(heads, args[2], coins, n_coins=2), rtol=1e-15)
    assert getattr(sim.view, control) == value and sim.view.result["params"][W.TossSimulator._controls.index(control)] == value


def test_a_slider_value_a_hair_off_the_grid_simulates_the_grid_value():
    """A browser slider may send 0.30000000000000004 for 0.3: the same simulation."""
    sim = W.toss_simulator(display=False)
    tosses = sim.tosses.copy()
    sim.theta_a.value = 0.1 + 0.2  # 0.30000000000000004
    np.testing.assert_array_equal(sim.tosses, tosses)
    assert sim.summary["thetas"] == [0.3, 0.7]


def test_a_coin_that_got_no_set_has_no_estimate():
    sim = W.toss_simulator(display=False, n_sets=1)
    (coin,) = sim.coins
    assert sim.mle[1 - coin] is None
    assert sim.mle[coin] == pytest.approx(sim.heads[0] / 20)


def test_the_stored_draws_rebuild_every_simulation():
    """The page rebuilds simulate()'s output from each seed's draws (see widgets._draw_bins);
    this is the same rebuild in Python, for many sizes and thetas, so that a change in NumPy's
    generator fails here, plainly, rather than as a wrong picture on the website."""
    grid = np.array(W.SIM_GRID)
    half = int(np.flatnonzero(grid == 0.5)[0])
    for seed in range(W.SIM_SEEDS):
        bins = np.array([int(c, 36) for c in W._draw_bins(seed)])
        assert bins.size == W.SIM_MAX_SETS * (1 + W.SIM_MAX_TOSSES)
        for n_sets in (1, 2, 13, W.SIM_MAX_SETS):
            for n_tosses in (1, 7, W.SIM_MAX_TOSSES):
                for ja, jb in [(0, 18), (5, 13), (9, 9), (18, 0), (3, 4)]:
                    tosses, coins = simulate(n_sets, n_tosses, [grid[ja], grid[jb]], seed=seed)
                    rebuilt_coins = (bins[:n_sets] > half).astype(int)
                    j = np.where(rebuilt_coins == 0, ja, jb)
                    draws = bins[n_sets : n_sets + n_sets * n_tosses].reshape(n_sets, n_tosses)
                    np.testing.assert_array_equal(rebuilt_coins, coins)
                    np.testing.assert_array_equal((draws <= j[:, None]).astype(int), tosses)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"thetas": (0.33, 0.7)}, ValueError, r"thetas\[0\] must be a multiple of 0.05"),
        ({"thetas": (0.3, 1.0)}, ValueError, r"thetas\[1\] must be a number between 0.05 and 0.95"),
        ({"n_sets": 0}, ValueError, "n_sets must be >= 1"),
        ({"n_sets": 51}, ValueError, "n_sets must be at most 50"),
        ({"n_tosses": 101}, ValueError, "n_tosses must be at most 100"),
        ({"seed": 10}, ValueError, "seed must be at most 9"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"seed": None}, TypeError, "seed must be an int"),
    ],
)
def test_toss_simulator_rejects_bad_input_clearly(kwargs, error, match):
    with pytest.raises(error, match=match):
        W.toss_simulator(display=False, **kwargs)


# --------------------------------------------------------------------------- shared by all three


@pytest.fixture(params=["estep", "em", "simulator"])
def explorer(request):
    make = {"estep": W.estep_explorer, "em": W.em_stepper, "simulator": W.toss_simulator}[request.param]
    return make(display=False)


def test_every_control_is_linked_to_the_view_both_ways(explorer):
    """The view draws the sliders: each control's value and the view's trait move together."""
    for name in explorer._controls:
        control = getattr(explorer, name)
        spec = next(c for c in explorer.view.controls if c["name"] == name)
        assert (spec["min"], spec["max"], spec["step"]) == (control.min, control.max, control.step)
        other = control.max if control.value != control.max else control.min
        control.value = other  # Python moves the slider on screen ...
        assert getattr(explorer.view, name) == other
        setattr(explorer.view, name, control.min)  # ... and the slider on screen moves Python
        assert control.value == control.min


def test_the_sliders_are_named_and_exact(explorer):
    """What the view needs for a named slider with exact ARIA values: a label and exact decimals."""
    for spec in explorer.view.controls:
        assert spec["label"].strip() and spec["name"] in explorer._controls
        for key in ("min", "max", "step"):
            assert round(spec[key], spec["digits"]) == spec[key]  # 0.01, never 0.010000000000000002
    theta = [c for c in explorer.view.controls if c["digits"] == 2]
    assert theta and all(0 < c["min"] < c["max"] < 1 for c in theta)


def test_a_control_clamps_to_its_range_like_a_slider():
    explorer = W.estep_explorer(display=False)
    explorer.prior.value = 1.5
    assert explorer.prior.value == W.THETA_MAX == explorer.view.prior
    stepper = W.em_stepper(display=False, max_iter=5)
    stepper.iteration.value = 9
    assert stepper.iteration.value == 5 and isinstance(stepper.iteration.value, int)


def test_the_view_carries_its_front_end(explorer):
    assert "export default { render }" in explorer.view._esm
    assert ".coinem" in explorer.view._css
    assert explorer.view.kind in {"estep", "em", "simulator"}
    assert explorer.widget is explorer.view  # one widget: the static site's loader draws it alone
    assert [c["name"] for c in explorer.view.controls] == list(explorer._controls)


def test_the_repr_names_the_explorer_and_its_settings(explorer):
    text = repr(explorer)
    assert text.startswith(type(explorer).__name__ + "(")
    for name in explorer._controls:
        assert f"{name}={getattr(explorer, name).value!r}" in text


def test_the_text_fallback_tells_the_reader_to_run_the_cell(explorer):
    """A stored notebook opened with no kernel shows only text/plain: it must say what to do."""
    text = explorer._repr_mimebundle_()["text/plain"]
    assert text.endswith("Run this cell to start the explorer.")
    for name in explorer._controls:
        assert getattr(explorer, name).description in text


class FakeShell:
    """Just enough of IPython's shell for _current_cell: a cell counter."""

    execution_count = 1


@pytest.fixture
def notebook(monkeypatch):
    """Pretend to run in a notebook: record what the explorers display, cell by cell."""
    import IPython
    import IPython.display

    shell = FakeShell()
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((shell.execution_count, obj)))
    return shell, shown


def test_display_true_shows_the_explorer_once_per_cell(notebook):
    shell, shown = notebook
    explorer = W.estep_explorer()  # cell 1: `estep_explorer()` ...
    explorer._ipython_display_()  # ... as the cell's last expression: no second copy
    assert len(shown) == 1
    cell, bundle = shown[0]
    assert bundle["text/plain"] == ("E-step explorer (θA = 0.60, θB = 0.50, prior wA = 0.50): "
                                    "Run this cell to start the explorer.")
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id
    shell.execution_count = 2  # a later cell that shows it again does show it
    explorer._ipython_display_()
    assert [c for c, _ in shown] == [1, 2]


def test_display_false_shows_nothing_until_asked(notebook):
    _, shown = notebook
    explorer = W.toss_simulator(display=False)
    assert shown == []
    explorer._ipython_display_()
    assert len(shown) == 1


def test_outside_ipython_display_true_prints_nothing(capsys):
    W.estep_explorer()
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------- shared test vectors


def build_vectors():
    """Inputs and what the Python layer shows for them; the page's JavaScript must agree."""
    estep_cases = [
        (HEADS, N_TOSSES, 0.6, 0.5, 0.5),
        (HEADS, N_TOSSES, 0.7, 0.5, 0.5),
        (HEADS, N_TOSSES, 0.3, 0.8, 0.2),
        (HEADS, N_TOSSES, 0.01, 0.99, 0.99),
        (HEADS, N_TOSSES, 0.5, 0.5, 0.5),
        ([0, 12, 3, 50], [10, 12, 5, 100], 0.2, 0.9, 0.4),
        ([5000, 5100], [10000, 10000], 0.51, 0.49, 0.5),  # long sets: only log space survives
    ]
    em_cases = [
        (HEADS, N_TOSSES, 0.6, 0.5, 20),
        (HEADS, N_TOSSES, 0.3, 0.8, 10),
        (HEADS, N_TOSSES, 0.5, 0.5, 5),
        ([0, 12, 3, 50], [10, 12, 5, 100], 0.2, 0.9, 15),
    ]
    sim_cases = [
        (0.3, 0.7, 10, 20, 0),
        (0.35, 0.65, 15, 30, 1),
        (0.05, 0.95, 50, 100, 9),
        (0.5, 0.5, 1, 1, 3),
        (0.9, 0.1, 7, 13, 5),
    ]

    def estep(h, n, a, b, p):
        h, n = np.asarray(h), np.broadcast_to(n, np.shape(h))
        return {"heads": h.tolist(), "n_tosses": n.tolist(), "theta_a": a, "theta_b": b, "prior": p,
                "expected": W._estep_summary(h, n, a, b, p)}

    def em_case(h, n, a, b, m):
        h, n = np.asarray(h), np.broadcast_to(n, np.shape(h))
        return {"heads": h.tolist(), "n_tosses": n.tolist(), "start_a": a, "start_b": b, "max_iter": m,
                "expected": W._em_summary(h, n, a, b, m)[0]}

    def sim(a, b, s, t, seed):
        return {"theta_a": a, "theta_b": b, "n_sets": s, "n_tosses": t, "seed": seed,
                "expected": W._simulation_summary(a, b, s, t, seed)}

    return {
        "about": "Written by `python tests/test_widgets.py` from coinem_helpers.widgets; "
        "test_explorers_site.py checks static/explorers.js against it.",
        "estep": [estep(*c) for c in estep_cases],
        "em": [em_case(*c) for c in em_cases],
        "simulator": [sim(*c) for c in sim_cases],
    }


def assert_close(actual, expected, where="vectors"):
    """Equal structures; floats equal to 1e-12 (relative), everything else exactly."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), where
        for key in expected:
            assert_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(actual, bool):
        assert math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_the_shared_vectors_are_what_the_python_explorers_show():
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert_close(build_vectors(), stored)


def test_the_vectors_hold_the_papers_numbers():
    """Guard against vectors that agree with the code but not with the paper."""
    stored = json.loads(VECTORS.read_text(encoding="utf-8"))
    first = stored["estep"][0]["expected"]
    np.testing.assert_allclose([r[0] for r in first["resp"]], [0.45, 0.80, 0.73, 0.35, 0.65], atol=0.005)
    run = stored["em"][0]["expected"]
    np.testing.assert_allclose(run["thetas"][1], [0.71, 0.58], atol=0.005)
    np.testing.assert_allclose(run["thetas"][10], [0.80, 0.52], atol=0.005)


if __name__ == "__main__":
    VECTORS.parent.mkdir(exist_ok=True)
    VECTORS.write_text(json.dumps(build_vectors(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {VECTORS}", file=sys.stderr)
