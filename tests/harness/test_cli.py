"""The command line as a whole: what every ``odoo-harness`` command does alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CASSETTE = Path(__file__).parent / "cassettes" / "17.0-first-sync.yaml"


def test_a_reader_that_goes_away_stops_the_command_quietly() -> None:
    """``odoo-harness replay ... | head -0``: no BrokenPipeError traceback, exit 1."""
    command = [sys.executable, "-m", "harness.cli", "replay", "--cassette", str(CASSETTE)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout and process.stderr
    process.stdout.close()  # the reader is gone before the first line
    err = process.stderr.read().decode()
    assert (process.wait(timeout=60), err) == (1, "")
