"""otter-grader check for the implement-it exercise `poisson_m_step` (run by `grader.check("poisson_m_step")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "poisson_m_step"
points = 1


@test_case(
    name="poisson_m_step",
    points=1,
    success_message='poisson_m_step agrees with the reference M-step.',
)
def poisson_m_step_agrees_with_the_course(poisson_m_step):
    feedback.check_poisson_m_step(poisson_m_step)
