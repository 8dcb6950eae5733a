"""Grade a folder of submitted course workbooks with ``otter run`` (no Docker).

    python grade.py SUBMISSIONS_DIR

``make workbooks`` copies this script into ``_build/workbooks/autograder/`` next to one otter
configuration zip per lesson. Each submitted ``.ipynb`` is matched to its lesson by the checks
its cells run, executed and graded by ``otter run`` in the current Python environment (which
must have the course installed: ``coinem_helpers``, otter-grader), and summarised in
``SUBMISSIONS_DIR/scores.csv``; otter's report for each submission goes to
``<name>.results.json`` beside it.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECK_CALL = re.compile(r"""grader\.check\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)""")


def zip_questions(zip_path):
    """The questions an autograder zip grades (its test files' names)."""
    with zipfile.ZipFile(zip_path) as zf:
        return {Path(n).stem for n in zf.namelist() if n.startswith("tests/") and n.endswith(".py")}


def submission_questions(path):
    """The questions a submitted notebook's cells check."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"
            for name in CHECK_CALL.findall("".join(cell.get("source", "")))}


def grade(submission, autograder_zip):
    """Run ``otter run`` on one submission; return otter's results dictionary."""
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(
            [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(autograder_zip), "-o", out,
             str(submission)],
            capture_output=True, text=True,
        )
        results = Path(out) / "results.json"
        if not results.exists():
            raise RuntimeError(f"otter run failed on {submission}:\n{run.stdout}\n{run.stderr}")
        return json.loads(results.read_text())


def main(folder):
    folder = Path(folder)
    zips = {z: zip_questions(z) for z in sorted(HERE.glob("*.zip"))}
    rows = []
    for submission in sorted(folder.glob("*.ipynb")):
        asked = submission_questions(submission)
        matches = [z for z, qs in zips.items() if qs & asked]
        if len(matches) != 1:
            print(f"{submission.name}: skipped, it matches {len(matches)} lessons (checks {sorted(asked)})")
            continue
        results = grade(submission, matches[0])
        submission.with_suffix(".results.json").write_text(json.dumps(results, indent=2))
        tests = [t for t in results.get("tests", []) if "max_score" in t]
        possible = sum(t["max_score"] for t in tests)
        rows.append({
            "submission": submission.name,
            "lesson": matches[0].stem,
            # Without a "score" key the total is the sum of the questions' scores.
            "score": results.get("score", sum(t["score"] for t in tests)),
            "possible": possible,
            "feedback": " | ".join(f"{t['name']}: {t.get('output', '').strip()}" for t in tests),
        })
        print(f"{submission.name}: {rows[-1]['score']} / {possible}")
    with open(folder / "scores.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["submission", "lesson", "score", "possible", "feedback"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"scores of {len(rows)} submissions in {folder / 'scores.csv'}")
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
