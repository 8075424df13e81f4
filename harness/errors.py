"""The harness's exception root and its one rule for which HTTP failures are worth retrying.

Both live here so that the engine, the health probe and the alert sinks cannot drift apart on
what "transient" means, and so that any caller can tell the harness's own failures from bugs.
"""

from __future__ import annotations


class HarnessError(Exception):
    """Root of every exception the harness raises on purpose.

    The command line catches it to print a clear one-line message instead of a traceback (shown
    too under ``odoo-harness --debug``): a failure of this kind is about the input, the environment,
    the ledger database or a server, not about the code. Unhandled by a command, it means the
    command could not start (exit 2); ``sync`` exits 1 for one raised once the sync has started.
    Subclasses keep a second, built-in base (``ValueError``, ``RuntimeError``) so that callers
    that catch those still do.
    """


def transient_status(status: int) -> bool:
    """Whether an HTTP error status may go away if the same request is sent again later.

    5xx and 429: the server or a gateway in front of it may answer later; 409: Odoo's JSON-2
    answer to a LockError (a row another transaction holds); any other 4xx is the request's own
    fault and will be refused again.
    """
    return status >= 500 or status in (409, 429)
