"""The recorder: sends the conversation's calls and keeps one normalised exchange per call.

Why apart from the script: the scripted conversation and the generated corpus both record
through it, and its guarantees (labels unique, a failed call the rest builds on stops the
recording) hold for both.
"""

from __future__ import annotations

from typing import Any

from harness.errors import HarnessError
from harness.parity.client import OBJECT, perform
from harness.parity.corpus import DB, PASSWORD, Credentials, exchange, normalise


class ConversationError(HarnessError, RuntimeError):
    """A call the rest of the conversation depends on did not succeed."""


class Recorder:
    """Sends calls through `perform` and keeps what they answered as corpus exchanges."""

    def __init__(self, url: str, credentials: Credentials) -> None:
        self.url = url
        self.credentials = credentials
        self.uid: int = 0
        self.exchanges: list[dict[str, Any]] = []
        self._labels: set[str] = set()

    def send(self, label: str, call: dict[str, Any], required: bool = False) -> Any:
        """Record one exchange; return the bare result of a successful call, else None.

        `required` marks a call the rest of the conversation builds on: if it fails the
        recording stops rather than produce a corpus of cascading, meaningless faults.
        """
        if label in self._labels:
            raise ValueError(f"duplicate exchange label {label!r}")
        self._labels.add(label)
        call = normalise(call)
        answer = perform(self.url, call, self.credentials)
        record = exchange(label, call, answer, self.credentials.db)
        self.exchanges.append(record)
        if required and "ok" not in answer:
            raise ConversationError(f"{label}: {record['answer']}")
        return answer.get("ok")

    def xmlrpc(self, label: str, path: str, method: str, *params: Any, required: bool = False) -> Any:
        """An XML-RPC call through xmlrpc.client.ServerProxy."""
        call = {"transport": "xmlrpc", "path": path, "method": method, "params": list(params)}
        return self.send(label, call, required)

    def kw(
        self,
        label: str,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
        required: bool = False,
    ) -> Any:
        """execute_kw as the authenticated user; kwargs are left out when there are none."""
        params: list[Any] = [DB, self.uid, PASSWORD, model, method, args]
        if kwargs is not None:
            params.append(kwargs)
        return self.xmlrpc(label, OBJECT, "execute_kw", *params, required=required)

    def http(self, label: str, method: str, path: str, **payload: Any) -> None:
        """A raw HTTP request; payload is `xmlrpc={"method", "params"}` or `json=...`."""
        self.send(label, {"transport": "http", "method": method, "path": path, **payload})

    def jsonrpc(self, label: str, service: str, method: str, args: list[Any]) -> None:
        """A call on /jsonrpc, the JSON twin of the XML-RPC services."""
        call = {"transport": "jsonrpc", "service": service, "method": method, "args": args}
        self.send(label, call)
