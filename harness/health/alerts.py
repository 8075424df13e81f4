"""Alert sinks and the outbox that feeds them.

A notice (``alert`` or ``recovery``) is raised into the ledger in the same transaction as the
check that caused it, with one delivery row per configured sink. ``Outbox.deliver`` then hands
each undelivered notice to its sink and records the outcome. A sink that fails (a webhook down,
an SMTP relay refusing) keeps its rows undelivered and gets them again on the next round, in
order, without touching the sinks that already took them. Delivery is at least once: only a
crash between a sink taking a notice and the ledger recording it can repeat one, and every
notice carries its ``id`` so that a receiver can drop the repeat.

The wire format (JSONL line, webhook body, stdout/stderr line; the e-mail says the same in prose)::

    {"id": 7, "tenant": "acme", "kind": "alert", "at": "2024-05-01T10:20:00+00:00",
     "state": "red", "since": "2024-05-01T10:00:00+00:00", "last_ok": "...", "error": "...",
     "incident": 3, "incident_since": "2024-05-01T10:00:00+00:00"}

Sinks: ``{jsonl: PATH}`` appends one JSON object per line (PATH relative to the tenants file);
``{webhook: URL}`` POSTs the JSON, retrying timeouts, connection errors, 429 and 5xx with
exponential backoff; ``{smtp: {...}}`` sends one e-mail per notice with ``smtplib``;
``{stdout: true}`` and ``{stderr: true}`` print the JSON line; an alert line always has ``kind``,
a tenant line of ``health`` never does, and ``stderr`` keeps them apart for a pipe reading stdout.
"""

from __future__ import annotations

import datetime as dt
import email.message
import http.client
import json
import logging
import os
import smtplib
import ssl
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.errors import HarnessError, transient_status
from harness.health.states import Notice
from harness.health.store import HealthStore, NoticeRecord
from harness.health.tenants import SinkSpec, SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(HarnessError, RuntimeError):
    """A sink did not take a notice; it stays in the outbox."""


class Sink(Protocol):
    #: Stable name of the destination: delivery rows in the ledger are keyed by it.
    key: str

    def send(self, notice: NoticeRecord) -> None:
        """Deliver or raise ``DeliveryError`` (or ``OSError``)."""


def payload(notice: NoticeRecord) -> dict:
    return {
        "id": notice.id,
        "tenant": notice.tenant,
        "kind": notice.kind.value,
        "at": notice.at.isoformat(),
        "state": notice.state.value,
        "since": notice.since.isoformat(),
        "last_ok": notice.last_ok.isoformat() if notice.last_ok else None,
        "error": notice.error,
        "incident": notice.incident_id,
        "incident_since": notice.incident_since.isoformat(),
    }


@dataclass
class JsonlSink:
    path: Path

    @property
    def key(self) -> str:
        return f"jsonl:{self.path}"

    def send(self, notice: NoticeRecord) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(payload(notice)) + "\n")


@dataclass
class StreamSink:
    """``stdout`` or ``stderr``: one JSON line per notice on that stream of the process."""

    key: str = "stdout"

    def send(self, notice: NoticeRecord) -> None:
        print(json.dumps(payload(notice)), file=getattr(sys, self.key), flush=True)


@dataclass
class WebhookSink:
    url: str
    attempts: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep

    @property
    def key(self) -> str:
        return f"webhook:{self.url}"

    def send(self, notice: NoticeRecord) -> None:
        body = json.dumps(payload(notice)).encode()
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(
                self.url, data=body, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code} {exc.reason}"
                if not transient_status(exc.code):
                    raise DeliveryError(f"webhook refused the notice: {error}") from None
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
                error = f"{type(exc).__name__}: {exc}"
        raise DeliveryError(f"webhook failed {self.attempts} times; last: {error}")


@dataclass
class SmtpSink:
    settings: SmtpSettings
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    timeout: float = 10.0

    @property
    def key(self) -> str:
        return f"smtp:{self.settings.host}:{self.settings.port}:{','.join(self.settings.to)}"

    def send(self, notice: NoticeRecord) -> None:
        settings = self.settings
        message = email.message.EmailMessage()
        message["From"], message["To"] = settings.sender, ", ".join(settings.to)
        message["Subject"] = _subject(notice)
        message.set_content(_prose(notice) + "\n\n" + json.dumps(payload(notice), indent=2) + "\n")
        password = self.environ.get(settings.password_env) if settings.password_env else None
        if settings.password_env and not password:
            raise DeliveryError(f"smtp: environment variable {settings.password_env} is not set")
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=self.timeout) as smtp:
                if settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())  # verifies the certificate
                if settings.username and password:
                    smtp.login(settings.username, password)
                smtp.send_message(message)
        except OSError as exc:  # refused, timed out, TLS not trusted, any SMTPException
            raise DeliveryError(f"smtp: {type(exc).__name__}: {exc}") from None


def _subject(notice: NoticeRecord) -> str:
    if notice.kind is Notice.ALERT:
        return f"[odoo-harness] {notice.tenant}: Odoo connection RED since {notice.since:%Y-%m-%d %H:%M} UTC"
    return f"[odoo-harness] {notice.tenant}: Odoo connection recovered"


def _prose(notice: NoticeRecord) -> str:
    if notice.kind is Notice.ALERT:
        minutes = (notice.at - notice.since).total_seconds() / 60
        return (
            f"Tenant {notice.tenant}: the Odoo connection has been red for {minutes:.0f} minutes "
            f"(since {notice.since.isoformat()}). Last error: {notice.error}."
        )
    minutes = (notice.at - notice.incident_since).total_seconds() / 60
    return (
        f"Tenant {notice.tenant}: the Odoo connection is green again at {notice.at.isoformat()}, "
        f"after an incident of {minutes:.0f} minutes."
    )


def build_sinks(
    specs: Sequence[SinkSpec],
    base: Path,
    *,
    environ: Mapping[str, str] = os.environ,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Sink]:
    """The sinks a tenants file names; a relative JSONL path is taken from ``base`` (the file's folder)."""
    sinks: list[Sink] = []
    for spec in specs:
        if spec.jsonl:
            sinks.append(JsonlSink((base / spec.jsonl).resolve()))
        elif spec.webhook:
            sinks.append(WebhookSink(spec.webhook, sleep=sleep))
        elif spec.smtp:
            sinks.append(SmtpSink(spec.smtp, environ))
        else:
            sinks.append(StreamSink("stdout" if spec.stdout else "stderr"))
    return sinks


class Outbox:
    """Hands the ledger's undelivered notices to their sinks."""

    def __init__(self, store: HealthStore, sinks: Sequence[Sink]) -> None:
        self.store = store
        self.sinks = {sink.key: sink for sink in sinks}

    def deliver(self, at: dt.datetime) -> None:
        """Try every pending notice once, oldest first. After a sink fails, its later notices
        wait for the next round, so that nobody gets a recovery before its alert."""
        failed: set[str] = set()
        for pending in self.store.pending(list(self.sinks)):
            if pending.sink in failed:
                continue
            try:
                self.sinks[pending.sink].send(pending.notice)
            except (DeliveryError, OSError) as exc:
                failed.add(pending.sink)
                self.store.attempted(pending, at, str(exc))
                log.warning(
                    "%s notice %s for %s not delivered to %s: %s",
                    pending.notice.kind,
                    pending.notice.id,
                    pending.notice.tenant,
                    pending.sink,
                    exc,
                )
            else:
                self.store.attempted(pending, at, None)
