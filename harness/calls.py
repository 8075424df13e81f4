"""What an XML-RPC request asks of Odoo: the service, the method (``model.method`` for the
ORM) and the arguments, without the password. Cassette reports and load-test statistics
name calls this way."""

from __future__ import annotations

import xmlrpc.client
from typing import Any


def service_of(path: str) -> str:
    """``/xmlrpc/2/object`` and ``/xmlrpc/object`` are both the ``object`` service."""
    return path.removeprefix("/xmlrpc/").removeprefix("2/").strip("/")


def decode_request(path: str, body: str | bytes) -> tuple[str, str, list[Any]]:
    """(service, method, args) of one request; execute_kw is shown as model.method."""
    service = service_of(path)
    params, method = xmlrpc.client.loads(body)
    if service == "object" and method in ("execute_kw", "execute") and len(params) >= 5:
        model, orm_method, *rest = params[3:]
        return service, f"{model}.{orm_method}", list(rest)
    secret_free = list(params[:2]) if service == "common" and method in ("authenticate", "login") else list(params)
    return service, method, secret_free
