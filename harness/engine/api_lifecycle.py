"""Odoo's external API lifecycle as data: what is deprecated or removed, from which version.

Each ``ApiChange`` is one announced change to the RPC endpoints the engine talks through.
Nothing here branches on a version number: the verdict and the set of deprecated endpoints
come from comparing the server's version with each record (``harness.versions.version_key``),
so the next announcement is one more record, not a new ``if``. The records are checked when
this module loads: a malformed version or endpoint fails at import, never mid-sync.

Sources: Odoo 19.0's external API documentation ("Migrating from XML-RPC / JSON-RPC") and
the warning Odoo 19 logs on every such call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.versions import version_key

#: Every path the XML-RPC and JSON-RPC APIs are served on (the three services on each).
RPC_ENDPOINTS = (
    "/xmlrpc/common",
    "/xmlrpc/object",
    "/xmlrpc/db",
    "/xmlrpc/2/common",
    "/xmlrpc/2/object",
    "/xmlrpc/2/db",
    "/jsonrpc",
)


@dataclass(frozen=True)
class ApiChange:
    """One change to the external API.

    ``version`` is the Odoo version it takes effect in; ``announced`` the first version
    that says so (from there on a verdict names it, before it happens too). ``endpoints``
    are the paths it concerns: a call the engine sends to one of them on a server where
    the change is in effect is counted as a deprecated call.
    """

    version: str
    announced: str
    change: Literal["deprecated", "removed"]
    subject: str
    endpoints: tuple[str, ...]
    when: str = ""  # the calendar, as announced ("fall 2028")
    replaced_by: str = ""  # what to use instead ("JSON-2")
    note: str = ""

    def __post_init__(self) -> None:
        version_key(self.version)  # ValueError names the bad spelling
        version_key(self.announced)
        if self.change not in ("deprecated", "removed"):
            raise ValueError(f"{self.subject}: change must be 'deprecated' or 'removed', not {self.change!r}")
        if not self.endpoints or any(not path.startswith("/") for path in self.endpoints):
            raise ValueError(f"{self.subject}: endpoints must be URL paths, got {self.endpoints!r}")

    def in_effect(self, server: tuple[int, int]) -> bool:
        return server >= version_key(self.version)

    def announced_on(self, server: tuple[int, int]) -> bool:
        return server >= version_key(self.announced)

    def sentence(self, server: tuple[int, int]) -> str:
        """The change as seen from a server of version ``server``: done, or scheduled."""
        when = f" ({self.when})" if self.when else ""
        if self.in_effect(server):
            state = f"{self.change} since Odoo {self.version}"
        else:
            state = (
                f"{'scheduled for removal' if self.change == 'removed' else 'to be deprecated'} in Odoo "
                f"{self.version}{when}"
            )
        instead = f"; {self.replaced_by} replaces them" if self.replaced_by else ""
        note = f" ({self.note})" if self.note else ""
        return f"API: {self.subject}: {state}{instead}{note}."


#: What Odoo has announced, oldest first.
API_LIFECYCLE: tuple[ApiChange, ...] = (
    ApiChange(
        "19.0",
        "19.0",
        "deprecated",
        "XML-RPC and JSON-RPC (/xmlrpc, /xmlrpc/2, /jsonrpc)",
        RPC_ENDPOINTS,
        replaced_by="JSON-2",
        note="POST /json/2/<model>/<method>, an API key as bearer token",
    ),
    ApiChange(
        "20.0",
        "19.0",
        "removed",
        "the db service (/xmlrpc/2/db: create, duplicate, drop, list databases)",
        ("/xmlrpc/db", "/xmlrpc/2/db"),
        when="fall 2026",
    ),
    ApiChange(
        "22.0",
        "19.0",
        "removed",
        "the common and object services (/xmlrpc/2/common, /xmlrpc/2/object, /jsonrpc)",
        ("/xmlrpc/common", "/xmlrpc/object", "/xmlrpc/2/common", "/xmlrpc/2/object", "/jsonrpc"),
        when="fall 2028",
        replaced_by="JSON-2",
    ),
)


def server_key(series: str) -> tuple[int, int] | None:
    """``(major, minor)`` of the server's series, or None when it cannot be read (then
    no lifecycle fact is claimed about it)."""
    try:
        return version_key(series)
    except ValueError:
        return None


def lifecycle_verdict(series: str, changes: tuple[ApiChange, ...] = API_LIFECYCLE) -> list[str]:
    """One line per change this server's version has announced, past or scheduled."""
    server = server_key(series)
    return [] if server is None else [c.sentence(server) for c in changes if c.announced_on(server)]


def deprecated_endpoints(series: str, changes: tuple[ApiChange, ...] = API_LIFECYCLE) -> frozenset[str]:
    """The paths a server of this version deprecates (or has removed)."""
    server = server_key(series)
    return (
        frozenset()
        if server is None
        else frozenset(path for c in changes if c.in_effect(server) for path in c.endpoints)
    )


def deprecated_calls_note(
    count: int, series: str, protocol: str, changes: tuple[ApiChange, ...] = API_LIFECYCLE
) -> str:
    """``12 deprecated XML-RPC calls (deprecated since Odoo 19.0; JSON-2 replaces them)``."""
    server = server_key(series)
    first = next((c for c in changes if server is not None and c.in_effect(server) and c.change == "deprecated"), None)
    since = f"deprecated since Odoo {first.version}" if first else "deprecated on this version"
    instead = f"; {first.replaced_by} replaces them" if first and first.replaced_by else ""
    return f"{count} deprecated {protocol} call{'s' if count != 1 else ''} ({since}{instead})"
