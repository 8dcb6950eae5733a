"""The otter-grader checks of the implement-it exercises, one file per exercise.

They ship with the helper package so that ``grader.check(...)`` works wherever a lesson runs: in the
course's folder, on Colab, or in a notebook downloaded from the website on its own. Each file is a
thin wrapper around :mod:`coinem_helpers.feedback`, which names the mistake it finds.

A lesson's check cell reads::

    import otter
    from coinem_helpers.checks import CHECKS_DIR

    grader = otter.Notebook(tests_dir=CHECKS_DIR)
    print(grader.check("my_e_step"))

Examples
--------
>>> from pathlib import Path
>>> sorted(p.stem for p in Path(CHECKS_DIR).glob("my_*.py"))
['my_e_step', 'my_em', 'my_lower_bound', 'my_m_step']
"""

from pathlib import Path

#: The folder that holds the check files (a string, as ``otter.Notebook(tests_dir=...)`` takes it).
CHECKS_DIR = str(Path(__file__).resolve().parent)
