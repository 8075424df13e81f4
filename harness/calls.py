"""What an XML-RPC request asks of Odoo: the service, the method (``model.method`` for the
ORM) and the arguments, without the password. Cassette reports and load-test statistics
name calls this way."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from simulator.faults import call_target
from simulator.xmlrpc import XMLRPC_PATH


def service_of(path: str) -> str:
    """``/xmlrpc/2/object`` and ``/xmlrpc/object`` are both the ``object`` service."""
    match = XMLRPC_PATH.match(path)
    return match["service"] if match else path


def decode_request(path: str, body: str | bytes) -> tuple[str, str, list[Any]]:
    """(service, method, args) of one request; execute_kw is shown as model.method."""
    service = service_of(path)
    params, method = xmlrpc.client.loads(body)
    model, operation = call_target(service, method, params)
    if model != service:  # an ORM call
        return service, f"{model}.{operation}", list(params[5:])
    secret_free = list(params[:2]) if service == "common" and method in ("authenticate", "login") else list(params)
    return service, method, secret_free
