"""Answers with their why (issue 15, item 4): a database used before is named as the likely cause of
parity differences, a url: target's refused login fails the target once, and a replay on the next
version passes with the allow-list of its documented renames."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main
from simulator.app import SimulatorApp
from simulator.server import SimServer

CASSETTES = Path(__file__).parent / "cassettes"


@pytest.fixture
def used_odoo(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A 17.0 that a customer already used: a second database, and partners made before the run."""
    app = SimulatorApp("17.0", fresh=True)
    with SimServer(app) as server:
        xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object").execute_kw(
            "odoo", 2, "admin", "res.partner", "create", [[{"name": f"Customer {n}"} for n in range(3)]]
        )
        app.registry.create("other")
        monkeypatch.setenv("ODOO_DB", "odoo")
        monkeypatch.setenv("ODOO_PASSWORD", "admin")
        yield f"url:{server.url}"


def test_diff_names_a_used_database_as_the_likely_cause(used_odoo: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["diff", "--targets", "sim:17.0", used_odoo]) == 1
    lines = capsys.readouterr().out.splitlines()
    hints = [line for line in lines if line.startswith("hint: ")]
    assert hints == [
        f"hint: {used_odoo}: the database is not fresh (databases on the server 2, fresh 1; res.partner records 5, "
        "fresh 2; a new res.partner's id 11, fresh 8): the conversation expects a new database (base, analytic, "
        "account, project, no demo data) alone on its server, so differences may be the database's"
    ]
    assert lines.index(hints[0]) == 1  # right under the count, before the differences


def test_diff_of_fresh_databases_gives_no_hint(capsys: pytest.CaptureFixture) -> None:
    assert main(["diff", "--targets", "sim:16.0", "sim:17.0"]) == 1
    assert "hint:" not in capsys.readouterr().out


def test_the_parity_suite_names_a_used_database(used_odoo: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--suite", "parity", "--target", used_odoo, "--api", "xmlrpc"]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith(f"- {used_odoo} parity")]
    assert failures and all(
        "hint: the database is not fresh (databases on the server 2, fresh 1;" in f for f in failures
    )


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"ODOO_PASSWORD": "wrong"}, "login 'admin' refused; check ODOO_LOGIN / ODOO_PASSWORD"),
        ({"ODOO_DB": "nodb"}, 'the login failed: psycopg2.OperationalError: connection to server at "127.0.0.1"'),
    ],
    ids=["password", "database"],
)
def test_a_refused_url_login_fails_the_target_once(
    used_odoo: str, environ: dict[str, str], says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """One line for the target before any scenario, not an error per scenario."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(["run", "--suite", "parity", "--suite", "plan-tagging", "--target", used_odoo, "--api", "xmlrpc"]) == 1
    out = capsys.readouterr().out
    failures = [line for line in out.splitlines() if line.startswith("- url:")]
    db = environ.get("ODOO_DB", "odoo")
    assert len(failures) == 1
    assert failures[0].startswith(
        f"- {used_odoo} (target) / start: target {used_odoo!r}, database {db!r} (ODOO_DB): {says}"
    )


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        (
            {"ODOO_PASSWORD": "wrong"},
            "database 'odoo' (ODOO_DB): login 'admin' refused; check ODOO_LOGIN / ODOO_PASSWORD",
        ),
        ({"ODOO_DB": "nodb"}, "database 'nodb' (ODOO_DB): the login failed: psycopg2.OperationalError:"),
    ],
    ids=["password", "database"],
)
def test_diff_with_a_refused_login_is_one_line(
    used_odoo: str, environ: dict[str, str], says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Issue 15 item 3: a wrong password or database was a ConversationError about the first call
    that failed (``partner.create.one: {'fault': ...}``), or a traceback's text."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(["diff", "--targets", used_odoo, "sim:17.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"odoo-harness diff: target {used_odoo!r}, {says}") and len(err.splitlines()) == 1
    assert "Traceback" not in err


HISTORY_17 = [str(CASSETTES / "17.0-first-sync.yaml"), str(CASSETTES / "17.0-re-sync.yaml")]
ALLOW_17_18 = CASSETTES / "allow-17.0-18.0.yaml"


def test_a_17_history_on_18_passes_with_the_documented_renames(capsys: pytest.CaptureFixture) -> None:
    """README's example: exit 0 with its allow-list, each allowed difference shown with its reason."""
    command = ["replay", "--cassette", HISTORY_17[0], "--cassette", HISTORY_17[1], "--target", "sim:18.0"]
    assert main([*command, "--allow", str(ALLOW_17_18)]) == 0
    out = capsys.readouterr().out
    assert out.count("against sim:18.0: same") == 2
    assert "allowed: #008 object project.project.create [request]: the project's analytic account is written" in out
    assert main(command) == 1  # without it, the renames are differences
    assert "against sim:18.0: DIFFERENT" in capsys.readouterr().out


def test_a_refused_api_key_fails_a_json2_target_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    with SimServer(SimulatorApp("19.0")) as server:
        for name, value in (("ODOO_DB", "odoo"), ("ODOO_PASSWORD", "admin"), ("ODOO_API_KEY", "not-a-key")):
            monkeypatch.setenv(name, value)
        assert main(["diff", "--api", "json2", "--targets", f"url:{server.url}", "sim:19.0"]) == 2
    assert capsys.readouterr().err == (
        f"odoo-harness diff: target 'url:{server.url}+json2', database 'odoo' (ODOO_DB): the API key was refused "
        "(HTTP 401 werkzeug.exceptions.Unauthorized: Invalid apikey); check ODOO_API_KEY\n"
    )
