"""otter-grader check for the implement-it exercise `my_lower_bound` (run by `grader.check("my_lower_bound")`).

The diagnosis lives in :mod:`coinem_helpers.feedback`, so that the notebook, `otter run` and
the tests give the same feedback; its expected values come from the course's helpers.
"""

from coinem_helpers import feedback
from otter.test_files import test_case

OK_FORMAT = False

name = "my_lower_bound"
points = 2


@test_case(points=1, hidden=False, success_message="agrees with the course's answer on every check.")
def my_lower_bound_agrees_with_the_course(my_lower_bound):
    feedback.check_lower_bound(my_lower_bound)


@test_case(points=1, hidden=False, success_message="agrees with the course's answer on every check.")
def gap_is_the_kl_sum(my_lower_bound):
    feedback.check_kl_gap(my_lower_bound)
