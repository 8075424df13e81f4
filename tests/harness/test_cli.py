"""The command line as a whole: what every ``odoo-harness`` command does alike."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main

CASSETTE = Path(__file__).parent / "cassettes" / "17.0-first-sync.yaml"


def test_a_reader_that_goes_away_stops_the_command_quietly() -> None:
    """``odoo-harness replay ... | head -0``: no BrokenPipeError traceback, exit 1."""
    command = [sys.executable, "-m", "harness.cli", "replay", "--cassette", str(CASSETTE)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout and process.stderr
    process.stdout.close()  # the reader is gone before the first line
    err = process.stderr.read().decode()
    assert (process.wait(timeout=60), err) == (1, "")


@pytest.mark.parametrize(
    "command", [["simulate", "--odoo-version", "17.0"], ["proxy", "--upstream", "x"], ["dashboard"]]
)
@pytest.mark.parametrize("value", ["99999", "-1", "x"])
def test_a_port_out_of_range_is_one_argparse_error(
    command: list[str], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--port", value])
    err = capsys.readouterr().err
    assert info.value.code == 2 and f"expected a TCP port from 0 to 65535, not '{value}'" in err
    assert "Traceback" not in err


def test_version_names_the_installed_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert (info.value.code, capsys.readouterr().out) == (
        0,
        f"odoo-harness {importlib.metadata.version('odoo-harness')}\n",
    )


def test_a_data_file_in_a_missing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15, item 3: ``simulate --data /no/such/dir/s.sqlite``."""
    data = tmp_path / "no" / "such" / "s.sqlite"
    assert main(["simulate", "--odoo-version", "17.0", "--port", "0", "--data", str(data)]) == 2
    assert capsys.readouterr().err == f"odoo-harness simulate: --data {data}: unable to open database file\n"


def test_diff_into_a_closed_pipe_stops_quietly() -> None:
    """Issue 15, item 3: ``odoo-harness diff ... | head`` (the reader gone before the report)."""
    command = [sys.executable, "-m", "harness.cli", "diff", "--targets", "sim:17.0", "sim:18.0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout and process.stderr
    process.stdout.close()
    err = process.stderr.read().decode()
    assert (process.wait(timeout=120), err) == (1, "")
