"""What goes over the wire: the HTTP status and Content-Type of XML-RPC answers, /jsonrpc (the
JSON twin of the XML-RPC services), and /web/dataset/call_kw without a session."""

from __future__ import annotations

from harness.parity.client import COMMON, OBJECT
from harness.parity.corpus import DB, PASSWORD
from harness.parity.recorder import Recorder
from harness.parity.script.names import PARTNER, SCOPE, WRONG_PASSWORD
from harness.parity.script.orm import Partners


def xmlrpc_over_http(s: Recorder) -> None:
    """HTTP status and Content-Type of XML-RPC answers, successes and faults alike."""
    count_all = [[]]
    s.http("http.get.xmlrpc2_common", "GET", COMMON)
    s.http(
        "http.post.xmlrpc2_common.version",
        "POST",
        COMMON,
        xmlrpc={"method": "version", "params": []},
    )
    s.http(
        "http.post.xmlrpc2_common.unknown_method",
        "POST",
        COMMON,
        xmlrpc={"method": "nope", "params": []},
    )
    for label, password, model, method in (
        ("wrong_password", WRONG_PASSWORD, PARTNER, "search_count"),
        ("unknown_model", PASSWORD, "foo.bar", "search_count"),
        ("private_method", PASSWORD, PARTNER, "_search"),
    ):
        s.http(
            f"http.post.xmlrpc2_object.{label}",
            "POST",
            OBJECT,
            xmlrpc={
                "method": "execute_kw",
                "params": [DB, s.uid, password, model, method, count_all],
            },
        )
    s.http(
        "http.post.xmlrpc2_unknown_service",
        "POST",
        "/xmlrpc/2/foo",
        xmlrpc={"method": "nope", "params": []},
    )


def jsonrpc(s: Recorder, p: Partners) -> None:
    """/jsonrpc, and /web/dataset/call_kw without a session (status and type only)."""
    s.jsonrpc("jsonrpc.common.version", "common", "version", [])
    s.jsonrpc(
        "jsonrpc.object.search_count",
        "object",
        "execute_kw",
        [DB, s.uid, PASSWORD, PARTNER, "search_count", [[SCOPE]]],
    )
    s.jsonrpc(
        "jsonrpc.object.unknown_model",
        "object",
        "execute_kw",
        [DB, s.uid, PASSWORD, "foo.bar", "search", [[]]],
    )
    s.jsonrpc(
        "jsonrpc.object.wrong_password",
        "object",
        "execute_kw",
        [DB, s.uid, WRONG_PASSWORD, PARTNER, "search_count", [[]]],
    )
    s.jsonrpc(
        "jsonrpc.object.returns_none",
        "object",
        "execute_kw",
        [DB, s.uid, PASSWORD, PARTNER, "check_access_rule", [[p.a], "read"]],
    )
    s.jsonrpc("jsonrpc.unknown_service", "foo", "nope", [])
    call_kw = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"model": PARTNER, "method": "search_count", "args": [[]], "kwargs": {}},
    }
    s.http("http.call_kw.no_session", "POST", "/web/dataset/call_kw", json=call_kw)
    s.http("http.call_kw.no_session_db", "POST", f"/web/dataset/call_kw?db={DB}", json=call_kw)
