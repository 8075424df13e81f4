"""``odoo-harness sync``: secrets from the environment, clear errors, summary, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine.client import RetryPolicy
from harness.targets import TargetError, parse_target
from tests.support.engine import GRANTS, sync_command
from tests.support.health import free_port, set_faults
from tests.support.json2 import json2_simulator
from tests.support.odoo import Odoo


def run(odoo: Odoo, tmp_path: Path, *extra: str, grants_text: str = GRANTS) -> int:
    return sync_command(odoo.url, tmp_path, "--password-env", "ACME_ODOO_PASSWORD", *extra, grants_text=grants_text)


def test_sync_then_resync(
    odoo17: Odoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    assert run(odoo17, tmp_path, "--actuals") == 0
    out = capsys.readouterr().out
    assert "acme: 14 created, 0 updated, 0 archived, 0 skipped, 0 refused, 0 failed" in out
    assert "project PRJ-001" in out and "60500.00" in out
    assert run(odoo17, tmp_path) == 0
    assert "acme: 0 created" in capsys.readouterr().out


def test_missing_password_variable(
    odoo17: Odoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("ACME_ODOO_PASSWORD", raising=False)
    assert run(odoo17, tmp_path) == 2
    assert "ACME_ODOO_PASSWORD is not set" in capsys.readouterr().err


def test_invalid_grants_and_wrong_tenant(
    odoo17: Odoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    assert run(odoo17, tmp_path, grants_text=GRANTS.replace("amount: 4000", "amount: many")) == 2
    assert "grants.yaml:15: projects[1].budget_lines[1].amount" in capsys.readouterr().err
    assert run(odoo17, tmp_path, grants_text=GRANTS.replace("tenant: acme", "tenant: beta")) == 2
    assert "is for tenant 'beta', not 'acme'" in capsys.readouterr().err


def test_wrong_password_fails_with_exit_1(
    odoo17: Odoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "not-it")
    assert run(odoo17, tmp_path) == 1
    out = capsys.readouterr().out
    assert "failed connection: authentication refused for login 'admin'" in out
    assert "not-it" not in out


def run_json2(url: str, tmp_path: Path, *extra: str) -> int:
    return sync_command(url, tmp_path, "--api", "json2", *extra)


def test_sync_over_json2_with_an_api_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    with json2_simulator() as odoo:
        monkeypatch.setenv("ACME_ODOO_KEY", odoo.key)
        assert run_json2(odoo.url, tmp_path, "--api-key-env", "ACME_ODOO_KEY", "--actuals") == 0
        first = capsys.readouterr()
        assert "acme: 14 created, 0 updated" in first.out and "deprecated XML-RPC call" not in first.out
        assert "project PRJ-001" in first.out and "60500.00" in first.out
        assert run_json2(odoo.url, tmp_path, "--api-key-env", "ACME_ODOO_KEY") == 0
        again = capsys.readouterr()
        assert "acme: 0 created, 0 updated" in again.out
        monkeypatch.setenv("ACME_ODOO_KEY", "0" * 40)
        assert run_json2(odoo.url, tmp_path, "--api-key-env", "ACME_ODOO_KEY") == 1
        refused = capsys.readouterr()
        assert "failed connection: HTTP 401 werkzeug.exceptions.Unauthorized: Invalid apikey" in refused.out
    assert odoo.key not in first.out + first.err + again.out + again.err + refused.out + refused.err
    assert odoo.key.encode() not in (tmp_path / "ledger.sqlite").read_bytes()


def test_json2_needs_its_key_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert run_json2("http://127.0.0.1:9", tmp_path, "--password-env", "ACME_ODOO_PASSWORD") == 2
    assert "--api json2 needs --api-key-env VAR" in capsys.readouterr().err
    monkeypatch.delenv("ACME_ODOO_KEY", raising=False)
    assert run_json2("http://127.0.0.1:9", tmp_path, "--api-key-env", "ACME_ODOO_KEY") == 2
    assert "ACME_ODOO_KEY is not set" in capsys.readouterr().err


def test_version_and_authenticate_are_retried_like_reads(
    odoo17: Odoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A restarting Odoo (a proxy's 503, a reset) fails the first calls of a sync too."""
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    monkeypatch.setattr(RetryPolicy, "delay", lambda _self, _attempt: 0.0)
    set_faults(
        odoo17.server,
        [
            {"model": "common", "method": "version", "action": "http_status", "status": 503, "times": 2},
            {"model": "common", "method": "authenticate", "action": "reset_connection", "times": 1},
        ],
    )
    assert run(odoo17, tmp_path) == 0
    assert "acme: 14 created" in capsys.readouterr().out


def test_an_unreachable_odoo_fails_the_sync_naming_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    monkeypatch.setattr(RetryPolicy, "delay", lambda _self, _attempt: 0.0)
    url = f"http://127.0.0.1:{free_port()}"
    assert sync_command(url, tmp_path, "--password-env", "ACME_ODOO_PASSWORD") == 1
    out = capsys.readouterr().out
    assert f"failed connection: ConnectionRefusedError: [Errno 111] Connection refused ({url}, database 'odoo')" in out


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://admin:S3cret-in-argv@127.0.0.1:9", "a user or password in the URL"),
        ("127.0.0.1:8069", "must start with http:// or https://"),
    ],
    ids=["credentials", "no-scheme"],
)
def test_a_bad_url_cannot_start_the_sync(
    url: str, says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    assert sync_command(url, tmp_path, "--password-env", "ACME_ODOO_PASSWORD") == 2
    captured = capsys.readouterr()
    assert says in captured.err and "Traceback" not in captured.err and captured.err.count("\n") == 1
    assert "S3cret" not in captured.out + captured.err


def test_url_targets_refuse_credentials_in_the_url() -> None:
    with pytest.raises(TargetError, match="ODOO_PASSWORD") as refused:
        parse_target("url:https://admin:S3cret-in-argv@odoo.example.org")
    assert "S3cret" not in str(refused.value) and "https://odoo.example.org" in str(refused.value)
