"""Every alert sink against a real local receiver, and the outbox's order, retries and no-repeat rule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from harness.health.alerts import (
    DeliveryError,
    JsonlSink,
    Outbox,
    SmtpSink,
    StreamSink,
    WebhookSink,
    payload,
)
from harness.health.states import Check, Failure, Health, Notice, State, Thresholds, advance
from harness.health.store import HealthStore, NoticeRecord
from harness.health.tenants import SmtpSettings
from tests.support.health import (
    SECRET,
    at,
    free_port,
    read_jsonl,
    self_signed_certificate,
    tls_context,
    webhook_server,
)

ALERT = NoticeRecord(
    id=7,
    incident_id=3,
    tenant="acme",
    kind=Notice.ALERT,
    at=at(6),
    state=State.RED,
    since=at(2),
    last_ok=at(0),
    error="HTTP 503 Service Unavailable",
    incident_since=at(2),
)
WIRE = {
    "id": 7,
    "tenant": "acme",
    "kind": "alert",
    "at": "2024-05-01T00:30:00+00:00",
    "state": "red",
    "since": "2024-05-01T00:10:00+00:00",
    "last_ok": "2024-05-01T00:00:00+00:00",
    "error": "HTTP 503 Service Unavailable",
    "incident": 3,
    "incident_since": "2024-05-01T00:10:00+00:00",
}


def test_payload_is_the_documented_wire_format() -> None:
    assert payload(ALERT) == WIRE


def test_jsonl_appends_one_object_per_line(tmp_path: Path) -> None:
    sink = JsonlSink(tmp_path / "alerts.jsonl")
    sink.send(ALERT)
    sink.send(ALERT)
    assert read_jsonl(sink) == [WIRE, WIRE]


def test_stdout_prints_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    StreamSink("stdout").send(ALERT)
    out, err = capsys.readouterr()
    assert ([json.loads(line) for line in out.splitlines()], err) == ([WIRE], "")


def test_stderr_prints_one_json_line_and_nothing_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    StreamSink("stderr").send(ALERT)
    out, err = capsys.readouterr()
    assert (out, [json.loads(line) for line in err.splitlines()]) == ("", [WIRE])


def test_webhook_retries_with_backoff_until_it_succeeds() -> None:
    sleeps: list[float] = []
    with webhook_server() as hook:
        hook.failures = 2
        WebhookSink(hook.url, sleep=sleeps.append).send(ALERT)
    assert (hook.attempts, hook.received, sleeps) == (3, [WIRE], [0.5, 1.0])


def test_webhook_gives_up_after_its_attempts_and_never_retries_a_refusal() -> None:
    sleeps: list[float] = []
    with webhook_server() as hook:
        hook.failures = 10
        with pytest.raises(DeliveryError, match="webhook failed 4 times; last: HTTP 503"):
            WebhookSink(hook.url, sleep=sleeps.append).send(ALERT)
        assert hook.attempts == 4 and sleeps == [0.5, 1.0, 2.0]
        hook.status, hook.attempts = 400, 0
        with pytest.raises(DeliveryError, match="webhook refused the notice: HTTP 400"):
            WebhookSink(hook.url, sleep=sleeps.append).send(ALERT)
        assert hook.attempts == 1
    with pytest.raises(DeliveryError, match="last: URLError"):
        WebhookSink(f"http://127.0.0.1:{free_port()}/hook", attempts=2, sleep=sleeps.append).send(ALERT)


class _Mailbox:
    """An aiosmtpd handler that keeps what it receives (and who logged in)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism: str, auth_data: LoginPassword) -> AuthResult:
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password.decode() == SECRET)


@pytest.fixture
def mailbox() -> Iterator[tuple[_Mailbox, int]]:
    box, port = _Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def _smtp(port: int, **extra: object) -> SmtpSettings:
    return SmtpSettings.model_validate(
        {
            "host": "127.0.0.1",
            "port": port,
            "from": "harness@example.org",
            "to": ["support@example.org", "oncall@example.org"],
            **extra,
        }
    )


def test_smtp_sends_one_mail_per_notice(mailbox: tuple[_Mailbox, int]) -> None:
    box, port = mailbox
    SmtpSink(_smtp(port)).send(ALERT)
    [(sender, recipients, text)] = box.messages
    assert (sender, recipients) == ("harness@example.org", ["support@example.org", "oncall@example.org"])
    assert "Subject: [odoo-harness] acme: Odoo connection RED since 2024-05-01 00:10 UTC" in text
    assert "has been red for 20 minutes" in text and '"incident": 3' in text


def test_smtp_starttls_verifies_the_certificate_and_logs_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed_certificate(tmp_path)
    box, port = _Mailbox(), free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls_context(cert, key),
        require_starttls=True,
        authenticator=box.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        settings = _smtp(port, starttls=True, username="harness", password_env="SMTP_PASSWORD")
        with pytest.raises(DeliveryError, match=r"CERTIFICATE_VERIFY_FAILED"):
            SmtpSink(settings, {"SMTP_PASSWORD": SECRET}).send(ALERT)  # not trusted yet: refused
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now the relay's certificate is trusted
        with pytest.raises(DeliveryError, match="environment variable SMTP_PASSWORD is not set"):
            SmtpSink(settings, {}).send(ALERT)
        SmtpSink(settings, {"SMTP_PASSWORD": SECRET}).send(ALERT)
    finally:
        controller.stop()
    assert box.logins == [("harness", SECRET)]
    [(_sender, _recipients, text)] = box.messages
    assert SECRET not in text


# -- the outbox -------------------------------------------------------------------------------


class _Flaky:
    """A sink that fails its first ``failures`` sends."""

    def __init__(self, failures: int) -> None:
        self.key, self.failures, self.received = "flaky", failures, []

    def send(self, notice: NoticeRecord) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("receiver down")
        self.received.append(notice.kind.value)


def _record(store: HealthStore, checks: list[Check], sinks: list[str], start: int = 0) -> None:
    """Record rounds for tenant acme as the monitor would (the pure transitions, then the store)."""
    health: Health | None = store.load().get("acme")
    for number, check in enumerate(checks, start):
        transition = advance(health, check, at(number), Thresholds())
        store.record(at(number), {"acme": transition}, sinks)
        health = transition.health


def test_outbox_keeps_order_per_sink_and_never_repeats_a_delivery(tmp_path: Path) -> None:
    store = HealthStore(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    jsonl, flaky = JsonlSink(tmp_path / "alerts.jsonl"), _Flaky(failures=1)
    outbox = Outbox(store, [jsonl, flaky])
    refused, ok = Check(Failure.HARD, 3.0, "authentication refused"), Check(None, 3.0)
    _record(store, [refused] * 5 + [ok], [jsonl.key, flaky.key])  # alert at round 4, recovery at 5
    outbox.deliver(at(5))
    assert [n["kind"] for n in read_jsonl(jsonl)] == ["alert", "recovery"]
    assert flaky.received == []  # its alert failed, so its recovery waits behind it
    outbox.deliver(at(6))
    assert flaky.received == ["alert", "recovery"]
    outbox.deliver(at(7))
    assert [n["kind"] for n in read_jsonl(jsonl)] == ["alert", "recovery"] and flaky.received == ["alert", "recovery"]
    assert store.pending([jsonl.key, flaky.key]) == []


def test_a_sink_added_later_does_not_get_old_notices(tmp_path: Path) -> None:
    store = HealthStore(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    refused = Check(Failure.HARD, 3.0, "authentication refused")
    _record(store, [refused] * 5, ["jsonl:old"])
    late = _Flaky(failures=0)
    Outbox(store, [late]).deliver(at(5))
    assert late.received == [] and [n.kind for n in store.notices()] == [Notice.ALERT]
    assert [p.sink for p in store.pending(["jsonl:old", "flaky"])] == ["jsonl:old"]  # still owed to the old sink
