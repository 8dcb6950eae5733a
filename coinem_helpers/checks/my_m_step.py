"""otter-grader check for the implement-it exercise `my_m_step` (run by `grader.check("my_m_step")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "my_m_step"
points = 1


@test_case(
    name="my_m_step",
    points=1,
    success_message="my_m_step agrees with the course's m_step on every check.",
)
def my_m_step_agrees_with_the_course(my_m_step):
    feedback.check_m_step(my_m_step)
