"""otter-grader check for the implement-it exercise `my_lower_bound` (run by `grader.check("my_lower_bound")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and the
tests give the same feedback; its expected values come from the course's helpers.
"""

from otter.test_files import test_case

from coinem_helpers import feedback

OK_FORMAT = False

name = "my_lower_bound"
points = 2


@test_case(
    name="my_lower_bound",
    points=1,
    success_message="my_lower_bound agrees with the course's lower_bound, also when some q[i, k] are 0.",
)
def my_lower_bound_agrees_with_the_course(my_lower_bound):
    feedback.check_lower_bound(my_lower_bound)


@test_case(
    name="gap is the KL sum",
    points=1,
    success_message="log-likelihood minus your bound is the sum of the KL divergences, and 0 at the E-step's q.",
)
def gap_is_the_kl_sum(my_lower_bound):
    feedback.check_kl_gap(my_lower_bound)
