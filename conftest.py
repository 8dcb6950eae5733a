"""Doctest namespace: examples in docstrings may use ``np`` and the package's public names."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # tests and doctests never open windows


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import coinem_helpers

    doctest_namespace["np"] = np
    for name in coinem_helpers.__all__:
        doctest_namespace[name] = getattr(coinem_helpers, name)
