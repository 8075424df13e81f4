"""The engine on Odoo 19.0 and after: versions as data, capabilities from the server's answers,
the API lifecycle in the verdict, and deprecated calls counted.

19.0 is faked at the protocol seam: an 18.0 simulator whose ``common.version`` answers what a
real 19.0 answers (its fields_get answers are 19.0's too: project.project has ``account_id``
and ``auto_account_id``). Validated versions are monkeypatched, so nothing here depends on
which parity corpora exist.
"""

from __future__ import annotations

import io
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import versions
from harness.engine.api_lifecycle import (
    API_LIFECYCLE,
    ApiChange,
    deprecated_calls_note,
    deprecated_endpoints,
    lifecycle_verdict,
)
from harness.engine.client import COMMON, OBJECT, PROTOCOL
from harness.engine.compat import UnsupportedVersion
from harness.engine.ledger import Ledger
from simulator.app import SimulatorApp
from simulator.server import LoopbackServer, SimServer, SocketGateway
from tests.support.engine import engine_on, grants, sync_command

VERSION_19 = {
    "server_version": "19.0",
    "server_version_info": [19, 0, 0, "final", 0, ""],
    "server_serie": "19.0",
    "protocol_version": 1,
}


def answering_version(app: Callable, answer: dict) -> Callable:
    """``app`` with ``common.version`` answered by ``answer``; every other request passes through."""

    def wrapped(environ: dict, start_response: Any) -> Any:
        if environ.get("PATH_INFO") == COMMON:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            if xmlrpc.client.loads(body)[1] == "version":
                data = xmlrpc.client.dumps((answer,), methodresponse=True, allow_none=True).encode()
                start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))])
                return [data]
            environ["wsgi.input"] = io.BytesIO(body)
        return app(environ, start_response)

    return wrapped


def validate(monkeypatch: pytest.MonkeyPatch, *known: str) -> None:
    monkeypatch.setattr(versions, "validated_versions", lambda: list(known))


def probes(ledger: Ledger) -> list[str]:
    return [row["model"] for row in ledger.log_rows("acme") if row["method"] == "fields_get"]


# -- the lifecycle records --------------------------------------------------------------------


def test_the_lifecycle_on_19_names_deprecation_db_removal_and_the_2028_removal() -> None:
    text = "\n".join(lifecycle_verdict("19.0"))
    assert "XML-RPC and JSON-RPC (/xmlrpc, /xmlrpc/2, /jsonrpc): deprecated since Odoo 19.0; JSON-2 replaces" in text
    assert "the db service" in text and "scheduled for removal in Odoo 20.0 (fall 2026)" in text
    assert "common and object services" in text and "scheduled for removal in Odoo 22.0 (fall 2028)" in text
    assert {COMMON, OBJECT} <= deprecated_endpoints("19.0")


@pytest.mark.parametrize("series", ["16.0", "17.0", "18.0", "saas~18.4", "not a version"])
def test_nothing_is_deprecated_before_19(series: str) -> None:
    assert lifecycle_verdict(series) == [] and deprecated_endpoints(series) == frozenset()


def test_later_versions_see_what_has_happened_since() -> None:
    on_20 = "\n".join(lifecycle_verdict("20.0"))
    assert "the db service (/xmlrpc/2/db: create, duplicate, drop, list databases): removed since Odoo 20.0" in on_20
    assert "scheduled for removal in Odoo 22.0" in on_20
    assert (
        "common and object services (/xmlrpc/2/common, /xmlrpc/2/object, /jsonrpc): removed since Odoo 22.0"
        in "\n".join(lifecycle_verdict("22.0"))
    )


def test_a_record_is_validated_when_it_is_made() -> None:
    with pytest.raises(ValueError, match="'nineteen' is not an Odoo version"):
        ApiChange("nineteen", "19.0", "deprecated", "x", ("/xmlrpc/2/object",))
    with pytest.raises(ValueError, match="endpoints must be URL paths"):
        ApiChange("19.0", "19.0", "deprecated", "x", ("xmlrpc",))
    assert [c.version for c in API_LIFECYCLE] == ["19.0", "20.0", "22.0"]


def test_the_deprecated_calls_note() -> None:
    assert deprecated_calls_note(12, "19.0", PROTOCOL) == (
        "12 deprecated XML-RPC calls (deprecated since Odoo 19.0; JSON-2 replaces them)"
    )
    assert deprecated_calls_note(1, "20.0", PROTOCOL).startswith("1 deprecated XML-RPC call (")


# -- the engine: probes, call counts, deprecated calls ----------------------------------------


@pytest.fixture
def sim18() -> Iterator[SimulatorApp]:
    yield SimulatorApp("18.0")


def test_19_syncs_counts_every_call_as_deprecated_and_probes_once(
    sim18: SimulatorApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate(monkeypatch, "16.0", "17.0", "18.0", "19.0")
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    first = engine_on(answering_version(sim18, VERSION_19), ledger).sync(grants())
    assert first.ok and first.created == 14, first.failed
    # version, authenticate, 1 fields_get (project.project carries the plan mixin), 1 plan read, 3 creates
    assert first.calls == 7 and probes(ledger) == ["project.project"]
    assert first.deprecated_calls == first.calls  # every call went over /xmlrpc/2/common or /object
    caps = first.capabilities
    assert caps.validated and caps.multi_plan and caps.project_account_field == "account_id"
    assert any("deprecated since Odoo 19.0" in line for line in caps.verdict)

    again = engine_on(answering_version(sim18, VERSION_19), ledger).sync(grants())  # a new engine, same ledger
    assert again.ok and (again.calls, again.mutations, again.deprecated_calls) == (3, 0, 3)
    assert probes(ledger) == ["project.project"]  # not asked again


def test_what_a_server_answered_is_kept_in_the_ledger_for_the_next_process(tmp_path: Path) -> None:
    """A CLI re-sync is a new process with a new Ledger object on the same database: the
    answers are in the ledger, so it asks no fields_get either."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    app = SimulatorApp("17.0")
    assert engine_on(app, Ledger(url)).sync(grants()).calls == 8
    fresh_process = Ledger(url)
    resync = engine_on(app, fresh_process).sync(grants())
    assert (resync.calls, resync.mutations) == (3, 0)  # nor a login
    assert probes(fresh_process) == ["project.project", "account.analytic.line"]  # the first process's only


def test_a_changed_version_answer_is_probed_again(
    sim18: SimulatorApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate(monkeypatch, "18.0", "19.0")
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    before = engine_on(sim18, ledger).sync(grants())
    assert before.ok and before.deprecated_calls == 0 and before.capabilities.series == "18.0"
    after = engine_on(answering_version(sim18, VERSION_19), ledger).sync(grants())  # "upgraded"
    # the version, a new login (the kept one was got against 18.0's answer), 19.0's fields, then the
    # reads of a first sync: plans, accounts, projects
    assert after.ok and after.calls == 6 and after.deprecated_calls == 6
    assert probes(ledger) == ["project.project", "project.project"]


@pytest.mark.parametrize(
    ("version", "asked"),
    [
        ("16.0", ["project.project", "account.analytic.line"]),
        ("17.0", ["project.project", "account.analytic.line"]),
        ("18.0", ["project.project"]),
    ],
)
def test_what_is_asked_and_what_it_costs_per_version(
    version: str, asked: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate(monkeypatch, "16.0", "17.0", "18.0")
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    app = SimulatorApp(version)
    first = engine_on(app, ledger).sync(grants())
    assert first.ok and probes(ledger) == asked
    assert first.calls == 6 + len(asked) and first.deprecated_calls == 0
    assert first.capabilities.multi_plan == (asked == ["project.project"] or version == "17.0")
    resync = engine_on(app, ledger).sync(grants())
    assert (resync.calls, resync.mutations, resync.deprecated_calls) == (3, 0, 0)


def test_an_unvalidated_version_is_refused_before_anything_is_asked(
    sim18: SimulatorApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate(monkeypatch, "16.0", "17.0", "18.0")
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    engine = engine_on(answering_version(sim18, VERSION_19), ledger)
    with pytest.raises(UnsupportedVersion, match=r"\(validated: 16.0, 17.0, 18.0\)"):
        engine.sync(grants())
    assert engine.client.counters.calls == 1 and probes(ledger) == []  # the version only: not even a login
    forced = engine_on(answering_version(sim18, VERSION_19), ledger, force=True).sync(grants())
    assert forced.ok and not forced.capabilities.validated and forced.deprecated_calls == forced.calls


# -- odoo-harness sync -------------------------------------------------------------------------


@pytest.fixture
def odoo19(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An 18.0 simulator answering as 19.0, over HTTP."""
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    with LoopbackServer(
        answering_version(SimulatorApp("18.0"), VERSION_19), "odoo-sim-19", gateway=SocketGateway
    ) as server:
        yield server.url


def sync_cli(url: str, tmp_path: Path, *extra: str) -> int:
    return sync_command(url, tmp_path, "--password-env", "ACME_ODOO_PASSWORD", *extra)


def test_sync_on_19_without_force_prints_the_verdict_and_the_count(
    odoo19: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    validate(monkeypatch, "16.0", "17.0", "18.0", "19.0")
    assert sync_cli(odoo19, tmp_path) == 0
    out = capsys.readouterr().out
    assert "acme: 14 created" in out and "Forced" not in out
    assert "deprecated since Odoo 19.0; JSON-2 replaces them" in out
    assert "scheduled for removal in Odoo 20.0" in out and "scheduled for removal in Odoo 22.0 (fall 2028)" in out
    assert "7 deprecated XML-RPC calls (deprecated since Odoo 19.0; JSON-2 replaces them)" in out
    assert sync_cli(odoo19, tmp_path) == 0  # a new process: the probe's answer and the login are in the ledger
    assert "3 deprecated XML-RPC calls" in capsys.readouterr().out


def test_sync_refuses_an_unvalidated_version_naming_the_validated_ones(
    odoo19: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    validate(monkeypatch, "16.0", "17.0", "18.0")
    assert sync_cli(odoo19, tmp_path) == 2
    err = capsys.readouterr().err
    assert "Odoo 19.0 is not a validated version (validated: 16.0, 17.0, 18.0)" in err and "--force" in err
    assert sync_cli(odoo19, tmp_path, "--force") == 0
    out = capsys.readouterr().out
    assert "Forced: Odoo 19.0 is not a validated version." in out and "deprecated XML-RPC calls" in out


def test_sync_on_18_prints_no_deprecation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ACME_ODOO_PASSWORD", "admin")
    validate(monkeypatch, "16.0", "17.0", "18.0")
    with SimServer(SimulatorApp("18.0")) as server:
        assert sync_cli(server.url, tmp_path) == 0
    out = capsys.readouterr().out
    assert "acme: 14 created" in out and "deprecated" not in out and "API:" not in out
