"""A JSON-2 API key is a password: after a sync, a recording, its replay, a suite run and a visit of the
admin pages over JSON-2, it is in no file they wrote (cassette, ledger, reports), nothing they printed
and no page served. Each command runs as an operator runs it: its own process, the key in its
environment only."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.app import SimulatorApp
from simulator.server import SimServer
from tests.support.engine import GRANTS

#: Bounds every command: a hung one fails the test instead of hanging it.
TIMEOUT = 300
#: The admin pages a visit reads: the tenant list, the tenant's page and its JSON, a filter.
PAGES = (
    "/admin/tenants",
    "/admin/tenants/acme/odoo",
    "/admin/tenants/acme/odoo.json",
    "/admin/tenants/acme/odoo?problems=1",
)


@pytest.fixture
def customer() -> Iterator[tuple[str, dict[str, str]]]:
    """A customer's Odoo 19.0 reached by URL (Analytic Accounting on, admin's password random), and
    the environment the commands get: its API key in TEST_API_KEY (sync, tenants file) and in
    ODOO_API_KEY (url: targets), the password in ODOO_PASSWORD."""
    app = SimulatorApp("19.0")
    password = secrets.token_urlsafe(16)
    app.registry.get("odoo").passwords[2] = password
    key = app.issue_api_key("admin")
    with SimServer(app) as server:
        environ = {"ODOO_DB": "odoo", "ODOO_PASSWORD": password, "ODOO_API_KEY": key, "TEST_API_KEY": key}
        yield server.url, {**os.environ, **environ}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli", *args]


def cli(environ: dict[str, str], *args: str) -> tuple[int, str]:
    """One command in its own process: its exit code, and everything it printed (stdout, then stderr)."""
    done = subprocess.run(command(*args), env=environ, capture_output=True, text=True, timeout=TIMEOUT)
    return done.returncode, done.stdout + done.stderr


def visit(environ: dict[str, str], tenants: Path, ledger: str) -> tuple[list[str], str]:
    """The admin pages as served by ``odoo-harness dashboard``, and what the command printed."""
    process = subprocess.Popen(
        command("dashboard", "--tenants", str(tenants), "--ledger", ledger, "--port", "0"),
        env={**environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(TIMEOUT, process.kill)  # a banner that never comes ends the readline
    watchdog.start()
    try:
        banner = process.stdout.readline()
        url = banner.split(" on ")[1].split("/admin/")[0]
        pages = []
        for path in PAGES:
            with urllib.request.urlopen(url + path, timeout=30) as answer:
                pages.append(answer.read().decode())
    finally:
        watchdog.cancel()
        process.terminate()
        out, err = process.communicate(timeout=30)
    return pages, banner + out + err


def test_the_api_key_is_in_no_file_output_or_page(customer: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, environ = customer
    key, password = environ["ODOO_API_KEY"], environ["ODOO_PASSWORD"]
    grants, tenants, cassette = tmp_path / "grants.yaml", tmp_path / "tenants.yaml", tmp_path / "acme.yaml"
    grants.write_text(GRANTS)
    tenant = {"id": "acme", "url": url, "db": "odoo", "login": "admin", "api": "json2", "api_key_env": "TEST_API_KEY"}
    tenants.write_text(f"tenants:\n  - {json.dumps(tenant)}\n")
    ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    printed: dict[str, str] = {}

    code, printed["record"] = cli(
        environ, "record", "--api", "json2", "--target", f"url:{url}", "--grants", str(grants),
        "--cassette", str(cassette),
    )  # fmt: skip
    assert code == 0 and "acme: 14 created" in printed["record"], printed["record"]
    code, printed["replay"] = cli(environ, "replay", "--cassette", str(cassette))
    assert code == 0 and "against the cassette: same" in printed["replay"], printed["replay"]
    code, printed["sync"] = cli(
        environ, "sync", "--tenant", "acme", "--grants", str(grants), "--url", url, "--db", "odoo", "--login", "admin",
        "--api", "json2", "--api-key-env", "TEST_API_KEY", "--ledger", ledger,
    )  # fmt: skip
    assert code == 0 and "acme: 0 created" in printed["sync"], printed["sync"]  # the recorded sync made them
    code, printed["run"] = cli(
        environ, "run", "--api", "json2", "--target", f"url:{url}", "--suite", "idempotent-retries",
        "--suite", "health-transitions", "--html", str(tmp_path / "run.html"), "--junit", str(tmp_path / "run.xml"),
    )  # fmt: skip
    assert code == 0 and f"url:{url}+json2" in printed["run"], printed["run"]
    pages, printed["dashboard"] = visit(environ, tenants, ledger)
    assert "acme" in pages[0] and "res.users.context_get" in pages[1] and json.loads(pages[2])

    written = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    assert {"acme.yaml", "ledger.sqlite", "run.html", "run.xml"} <= {path.name for path in written}
    for secret in (key, password):
        assert [path.name for path in written if secret.encode() in path.read_bytes()] == []
        assert [command for command, text in printed.items() if secret in text] == []
        assert [path for path, page in zip(PAGES, pages, strict=True) if secret in page] == []
