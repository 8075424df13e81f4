"""The engine's transport while a cassette runs: connection failures become interactions too.

vcrpy records answers only; a request that got no answer (reset, timeout, a connection
closed after Odoo committed) raises before vcrpy can store it. Those are exactly the
exchanges a customer's incident is made of, so on record these transports append them to
the cassette as a status-0 interaction naming the exception, and on replay raise the same
exception again when vcrpy plays one back. The engine sees what it saw the first time.
``CassetteTransport`` is XML-RPC's, ``CassetteHttp`` JSON-2's (``cassette_transport`` picks).
"""

from __future__ import annotations

import http.client
import time
from typing import Any

from vcr.cassette import Cassette
from vcr.request import Request

from harness.engine.transport import Exchange, MeasuringHttp, MeasuringTransport, Reply

NO_ANSWER = 0
ERROR_HEADER = "X-Odoo-Harness-No-Answer"
#: The exceptions a lost answer is replayed as; anything else replays as a ConnectionError.
REPLAYABLE: dict[str, type[BaseException]] = {
    cls.__name__: cls
    for cls in (
        TimeoutError,
        ConnectionResetError,
        ConnectionRefusedError,
        ConnectionAbortedError,
        BrokenPipeError,
        ConnectionError,
        http.client.RemoteDisconnected,
        http.client.IncompleteRead,
        http.client.BadStatusLine,
    )
}


class CassetteTransport(MeasuringTransport):
    """``MeasuringTransport`` that keeps lost answers in, and replays them from, ``cassette``."""

    def __init__(self, cassette: Cassette, timeout: float = 30.0) -> None:
        super().__init__(timeout)
        self.cassette = cassette

    def single_request(self, host: Any, handler: str, request_body: bytes, verbose: bool = False) -> Any:
        try:
            return super().single_request(host, handler, request_body, verbose)
        except (OSError, http.client.HTTPException) as exc:
            if not self.cassette.write_protected:  # recording
                self.cassette.append(Request("POST", f"http://{host}{handler}", request_body, {}), no_answer(exc))
            raise

    def _parse(
        self, status: int, reason: str, body: bytes, host: str, handler: str, headers: dict, started: float
    ) -> Any:
        lost = next((value for name, value in headers.items() if name.lower() == ERROR_HEADER.lower()), None)
        if status == NO_ANSWER and lost is not None:
            self.last = Exchange(None, None, (time.perf_counter() - started) * 1000)
            raise replayed_exception(lost)
        return super()._parse(status, reason, body, host, handler, headers, started)


class CassetteHttp(MeasuringHttp):
    """``MeasuringHttp`` (JSON-2's) that keeps lost answers in, and replays them from, ``cassette``.
    Its replies carry no headers: a replayed lost answer names its exception in the body too."""

    def __init__(self, url: str, cassette: Cassette, timeout: float = 30.0) -> None:
        super().__init__(url, timeout)
        self.url = url.rstrip("/")
        self.cassette = cassette

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        try:
            reply = super().request(method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            if not self.cassette.write_protected:  # recording; vcrpy scrubs the headers as it appends
                self.cassette.append(Request(method, f"{self.url}{path}", body, dict(headers)), no_answer(exc))
            raise
        if reply.status == NO_ANSWER:  # only a cassette answers so
            self.last = Exchange(None, None, self.last.latency_ms if self.last else 0.0)
            raise replayed_exception(reply.body.decode("utf-8", errors="replace"))
        return reply


def cassette_transport(api: str, url: str, cassette: Cassette, timeout: float = 30.0) -> Any:
    """The engine's transport for its wire ``api`` (``xmlrpc``, ``json2``) while ``cassette`` runs."""
    return CassetteHttp(url, cassette, timeout) if api == "json2" else CassetteTransport(cassette, timeout)


def no_answer(exc: BaseException) -> dict:
    """The interaction vcrpy stores for a request that got no answer: the exception named in a
    header (XML-RPC's transport reads it) and in the body (JSON-2's sees no headers)."""
    lost = f"{type(exc).__name__}: {exc}"
    return {
        "status": {"code": NO_ANSWER, "message": "no answer"},
        "headers": {ERROR_HEADER: [lost]},
        "body": {"string": lost},
    }


def replayed_exception(recorded: str | list[str]) -> BaseException:
    text = recorded[0] if isinstance(recorded, list) else recorded
    name, _sep, message = text.partition(": ")
    cls = REPLAYABLE.get(name, ConnectionError)
    if cls is http.client.IncompleteRead:
        return cls(b"")
    return cls(message)
