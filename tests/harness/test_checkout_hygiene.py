"""What the tests and the README's commands leave in a checkout is ignored by git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: files SQLite, the load tests, the browser tests and the reports leave beside a ledger or in the checkout
LEFT_BEHIND = [
    "odoo-harness.sqlite",
    "odoo-harness.sqlite-wal",
    "odoo-harness.sqlite-shm",
    "odoo-harness.sqlite-journal",
    "loadtests/load-ledger.sqlite-wal",
    "artifacts/screenshots/dashboard-tenants-sorted.png",
    "reports/run.html",
    ".hypothesis/examples/x",
]


@pytest.mark.parametrize("path", LEFT_BEHIND)
def test_what_runs_leave_behind_is_ignored(path: str) -> None:
    if not (shutil.which("git") and (ROOT / ".git").exists()):
        pytest.skip("not a git checkout (an installed wheel): nothing to ignore")
    ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{path} would show up in git status: add it to .gitignore"
