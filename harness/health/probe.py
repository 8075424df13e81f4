"""The no-op: one ``common.authenticate(db, login, password, {})``, classified.

Why this call: it is the cheapest request that proves the whole path. An answer at all proves
the server is reachable and speaks XML-RPC; Odoo opens the database to answer it (an unknown
database is fault 1, ``psycopg2.OperationalError ... database "x" does not exist``); and a
uid, rather than ``False``, proves the credentials. It reads one row and writes nothing, so
checking every tenant every 5 minutes costs Odoo nothing worth measuring.

Each call has a timeout (connect and every read) and its latency and HTTP status are measured
on the transport, as the sync engine measures its calls. The password is passed in by the
caller (from the environment) and never appears in what this returns.
"""

from __future__ import annotations

import http.client
import re
import xml.parsers.expat
import xmlrpc.client

from harness.engine.client import fault_text
from harness.engine.transport import MeasuringTransport, SafeMeasuringTransport
from harness.errors import transient_status
from harness.health.states import Check, Failure
from harness.health.tenants import Tenant

MISSING_DATABASE = re.compile(r'database "[^"]*" does not exist')


def probe(tenant: Tenant, password: str | None, timeout: float) -> Check:
    """Check one tenant once; never raises for anything Odoo or the network can do."""
    if not password:
        return Check(Failure.HARD, None, f"no password: environment variable {tenant.password_env} is not set")
    transport = (SafeMeasuringTransport if tenant.url.startswith("https://") else MeasuringTransport)(timeout)
    common = xmlrpc.client.ServerProxy(f"{tenant.url}/xmlrpc/2/common", transport=transport, allow_none=True)
    try:
        failure, error = _authenticate(common, tenant, password, timeout)
    finally:
        transport.close()
    measured = transport.last
    return Check(failure, round(measured.latency_ms, 3) if measured else None, error,
                 measured.http_status if measured else None)


def timeout_error(timeout: float) -> str:
    """The error of a call that did not finish in time (also what the round's deadline says)."""
    return f"timeout: no answer within {timeout:g} s"


def _authenticate(common: xmlrpc.client.ServerProxy, tenant: Tenant, password: str,
                  timeout: float) -> tuple[Failure | None, str | None]:
    """The call and what its outcome means. Texts that come from the server or the network are
    scrubbed of the password, in case one ever echoes it."""
    try:
        uid = common.authenticate(tenant.db, tenant.login, password, {})
    except xmlrpc.client.Fault as fault:
        failure, error = _classify_fault(fault, tenant.db)
    except xmlrpc.client.ProtocolError as exc:
        failure = Failure.TRANSIENT if transient_status(exc.errcode) else Failure.HARD
        error = f"HTTP {exc.errcode} {exc.errmsg}"
    except TimeoutError:
        failure, error = Failure.TRANSIENT, timeout_error(timeout)
    except (OSError, http.client.HTTPException) as exc:
        failure, error = Failure.TRANSIENT, f"connection: {type(exc).__name__}: {exc}"
    except xml.parsers.expat.ExpatError as exc:
        failure, error = Failure.HARD, f"not an XML-RPC answer: {exc}"
    else:
        if isinstance(uid, int) and not isinstance(uid, bool) and uid > 0:
            return None, None
        return Failure.HARD, f"authentication refused for login {tenant.login!r} on database {tenant.db!r}"
    return failure, error.replace(password, "***")


def _classify_fault(fault: xmlrpc.client.Fault, db: str) -> tuple[Failure, str]:
    text = str(fault.faultString)
    if MISSING_DATABASE.search(text):
        return Failure.HARD, f"database {db!r} does not exist"
    if fault.faultCode == 3 or "AccessDenied" in text:
        return Failure.HARD, f"access denied: {fault_text(fault)}"
    return Failure.TRANSIENT, fault_text(fault)
