"""otter-grader check for the implement-it exercise `poisson_em` (run by `grader.check("poisson_em")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "poisson_em"
points = 1


@test_case(
    name="poisson_em",
    points=1,
    success_message='poisson_em agrees with the reference EM: same estimates, same history, same stopping iteration.',
)
def poisson_em_agrees_with_the_course(poisson_em):
    feedback.check_poisson_em(poisson_em)
