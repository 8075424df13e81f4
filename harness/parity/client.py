"""The small client that sends one described call to an Odoo server.

Why its own: the recording and every replay must send byte-for-byte the same request for a
call description, so both go through `perform`. It speaks XML-RPC through xmlrpc.client (as
an integration does), /jsonrpc, and raw HTTP for the exchanges that check status and
Content-Type; answers come back as JSON data, not yet normalised.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
import xmlrpc.client
from typing import Any

from harness.parity.corpus import Credentials, materialise

COMMON = "/xmlrpc/2/common"
OBJECT = "/xmlrpc/2/object"
DB_SERVICE = "/xmlrpc/2/db"
V1_COMMON = "/xmlrpc/common"
V1_OBJECT = "/xmlrpc/object"


def perform(url: str, call: dict[str, Any], credentials: Credentials) -> dict[str, Any]:
    """Send one described call to the server at `url`; return its answer, not yet normalised.

    Shared by the recording and by any replay, so both send byte-for-byte the same request.
    """
    transport = call["transport"]
    if transport == "xmlrpc":
        return _perform_xmlrpc(url, call, credentials)
    if transport == "jsonrpc":
        request = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": call["service"], "method": call["method"], "args": call["args"]},
            "id": 1,
        }
        _, _, body = _http_request(
            url,
            "POST",
            "/jsonrpc",
            json.dumps(materialise(request, credentials)).encode(),
            "application/json",
        )
        return _decode_json(body)
    if transport == "http":
        return {"http": _perform_http(url, call, credentials)}
    raise ValueError(f"unknown transport {transport!r}")


def _perform_xmlrpc(url: str, call: dict[str, Any], credentials: Credentials) -> dict[str, Any]:
    """Call through xmlrpc.client exactly as an integration would (allow_none for <nil/>)."""
    path = materialise(call["path"], credentials)
    proxy = xmlrpc.client.ServerProxy(url.rstrip("/") + path, allow_none=True)
    params = materialise(call["params"], credentials)
    try:
        with proxy:
            return {"ok": getattr(proxy, call["method"])(*params)}
    except xmlrpc.client.Fault as fault:
        return {"fault": {"code": fault.faultCode, "string": fault.faultString}}
    except xmlrpc.client.ProtocolError as error:
        return {
            "http": {
                "status": error.errcode,
                "content_type": error.headers.get("Content-Type"),
                "body": None,
            }
        }


def _perform_http(url: str, call: dict[str, Any], credentials: Credentials) -> dict[str, Any]:
    """Send a raw HTTP request (status and Content-Type are what these exchanges check)."""
    body: bytes | None = None
    content_type = None
    if "xmlrpc" in call:
        request = materialise(call["xmlrpc"], credentials)
        body = xmlrpc.client.dumps(tuple(request["params"]), request["method"], allow_none=True).encode()
        content_type = "text/xml"
    elif "json" in call:
        body = json.dumps(materialise(call["json"], credentials)).encode()
        content_type = "application/json"
    path = materialise(call["path"], credentials)
    status, answer_type, answer = _http_request(url, call["method"], path, body, content_type)
    return {
        "status": status,
        "content_type": answer_type,
        "body": _decode_body(answer_type, answer),
    }


def _http_request(
    url: str, method: str, path: str, body: bytes | None, content_type: str | None
) -> tuple[int, str, bytes]:
    """One request on a fresh connection; returns status, Content-Type and body."""
    split = urllib.parse.urlsplit(url)
    if split.scheme != "http":
        raise ValueError(f"only http:// servers are supported, not {url!r}")
    connection = http.client.HTTPConnection(split.hostname or "", split.port or 80, timeout=300)
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def _decode_body(content_type: str, body: bytes) -> Any:
    """Decode an XML-RPC or JSON body; HTML pages are not API answers and are dropped."""
    if content_type.startswith("text/xml"):
        try:
            (result,), _ = xmlrpc.client.loads(body)
        except xmlrpc.client.Fault as fault:
            return {"fault": {"code": fault.faultCode, "string": fault.faultString}}
        return {"ok": result}
    if content_type.startswith("application/json"):
        return _decode_json(body)
    return None


def _decode_json(body: bytes) -> dict[str, Any]:
    """Parse a JSON-RPC answer without its `id`, an echo of the request."""
    answer = json.loads(body)
    answer.pop("id", None)
    return answer
