"""otter-grader check for the implement-it exercise `my_e_step` (run by `grader.check("my_e_step")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "my_e_step"
points = 1


@test_case(
    name="my_e_step",
    points=1,
    success_message="my_e_step agrees with the course's e_step on every check, including sets of 2,000 tosses.",
)
def my_e_step_agrees_with_the_course(my_e_step):
    feedback.check_e_step(my_e_step)
