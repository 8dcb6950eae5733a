"""otter-grader check for the implement-it exercise `poisson_e_step` (run by `grader.check("poisson_e_step")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "poisson_e_step"
points = 1


@test_case(
    name="poisson_e_step",
    points=1,
    success_message='poisson_e_step agrees with the reference E-step, including for counts near 1,000.',
)
def poisson_e_step_agrees_with_the_course(poisson_e_step):
    feedback.check_poisson_e_step(poisson_e_step)
