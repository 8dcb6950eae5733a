"""otter-grader check for the implement-it exercise `my_em` (run by `grader.check("my_em")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "my_em"
points = 1


@test_case(
    name="my_em",
    points=1,
    success_message="my_em agrees with the course's em: same estimates, same history, same stopping iteration.",
)
def my_em_agrees_with_the_course(my_em):
    feedback.check_em(my_em)
