"""The no-op: one call that proves the whole path, classified.

Over XML-RPC (``api: xmlrpc``) it is ``common.authenticate(db, login, password, {})``: an answer
at all proves the server is reachable and speaks XML-RPC; Odoo opens the database to answer it
(an unknown database is fault 1, ``psycopg2.OperationalError ... database "x" does not exist``);
and a uid, rather than ``False``, proves the credentials.

Over JSON-2 (``api: json2``, Odoo 19.0+) it is ``POST /json/2/res.users/context_get`` with the
API key: JSON-2 has no ``authenticate``, and this is the cheapest call that needs the key and the
database. Odoo checks the key against the database named by ``X-Odoo-Database`` before anything
else (a bad key is 401, an unknown database 404 "No database is selected"), and the answer names
the key's user (``uid``). It is ``@api.model``, reads the user's lang and tz only and is cached;
``GET /json/version`` would prove neither key nor database.

Either call reads a row or two and writes nothing, so checking every tenant every 5 minutes costs
Odoo nothing worth measuring. Each call has a timeout (connect and every read) and its latency and
HTTP status are measured on the transport, as the sync engine measures its calls. The secret is
passed in by the caller (from the environment) and never appears in what this returns.
"""

from __future__ import annotations

import http.client
import re
import xml.parsers.expat
import xmlrpc.client
from collections.abc import Callable
from typing import Any

from harness.engine.client import fault_text
from harness.engine.json2 import Json2Error, Json2Wire
from harness.engine.transport import MeasuringHttp, MeasuringTransport, SafeMeasuringTransport
from harness.errors import transient_status
from harness.health.states import Check, Failure
from harness.health.tenants import Tenant

MISSING_DATABASE = re.compile(r'database "[^"]*" does not exist')
#: What each API's secret is called in a message.
SECRET_NAMES = {"xmlrpc": "password", "json2": "API key"}
#: JSON-2 statuses that refuse the key itself (401) or its user's rights (403).
REFUSED = (401, 403)


def probe(tenant: Tenant, secret: str | None, timeout: float) -> Check:
    """Check one tenant once; never raises for anything Odoo or the network can do."""
    if not secret:
        return Check(
            Failure.HARD, None, f"no {SECRET_NAMES[tenant.api]}: environment variable {tenant.secret_env} is not set"
        )
    transport: MeasuringHttp | MeasuringTransport
    if tenant.api == "json2":
        transport = MeasuringHttp(tenant.url, timeout)
        ask = Json2Wire(tenant.url, tenant.db, secret, transport).authenticate
    else:
        transport = (SafeMeasuringTransport if tenant.url.startswith("https://") else MeasuringTransport)(timeout)
        common = xmlrpc.client.ServerProxy(f"{tenant.url}/xmlrpc/2/common", transport=transport, allow_none=True)
        ask = lambda: common.authenticate(tenant.db, tenant.login, secret, {})  # noqa: E731
    try:
        failure, error = _classify(ask, tenant, timeout)
    finally:
        transport.close()
    measured = transport.last
    return Check(
        failure,
        round(measured.latency_ms, 3) if measured else None,
        error.replace(secret, "***") if error else None,  # in case a server ever echoes it
        measured.http_status if measured else None,
    )


def timeout_error(timeout: float) -> str:
    """The error of a call that did not finish in time (also what the round's deadline says)."""
    return f"timeout: no answer within {timeout:g} s"


def _classify(ask: Callable[[], Any], tenant: Tenant, timeout: float) -> tuple[Failure | None, str | None]:
    """The call and what its outcome means: a positive uid is green material."""
    try:
        uid = ask()
    except xmlrpc.client.Fault as fault:
        return _classify_fault(fault, tenant.db)
    except xmlrpc.client.ProtocolError as exc:
        return Failure.TRANSIENT if transient_status(exc.errcode) else Failure.HARD, f"HTTP {exc.errcode} {exc.errmsg}"
    except Json2Error as exc:
        if exc.status in REFUSED:
            return Failure.HARD, f"access denied: {exc}"
        return Failure.TRANSIENT if transient_status(exc.status) else Failure.HARD, str(exc)
    except TimeoutError:
        return Failure.TRANSIENT, timeout_error(timeout)
    except (OSError, http.client.HTTPException) as exc:
        return Failure.TRANSIENT, f"connection: {type(exc).__name__}: {exc}"
    except xml.parsers.expat.ExpatError as exc:
        return Failure.HARD, f"not an XML-RPC answer: {exc}"
    if isinstance(uid, int) and not isinstance(uid, bool) and uid > 0:
        return None, None
    return Failure.HARD, f"authentication refused for login {tenant.login!r} on database {tenant.db!r}"


def _classify_fault(fault: xmlrpc.client.Fault, db: str) -> tuple[Failure, str]:
    text = str(fault.faultString)
    if MISSING_DATABASE.search(text):
        return Failure.HARD, f"database {db!r} does not exist"
    if fault.faultCode == 3 or "AccessDenied" in text:
        return Failure.HARD, f"access denied: {fault_text(fault)}"
    return Failure.TRANSIENT, fault_text(fault)
