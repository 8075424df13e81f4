"""The legacy /xmlrpc (v1) endpoints, which old integrations still call."""

from __future__ import annotations

from harness.parity.client import V1_COMMON, V1_OBJECT
from harness.parity.corpus import DB, LOGIN, PASSWORD
from harness.parity.recorder import Recorder
from harness.parity.script.names import PARTNER, SCOPE, WRONG_PASSWORD
from harness.parity.script.orm import Partners


def v1_endpoints(s: Recorder, p: Partners) -> None:
    """The legacy /xmlrpc (v1) endpoints, whose faultCodes are strings, not ints."""
    s.xmlrpc("v1.common.version", V1_COMMON, "version")
    s.xmlrpc("v1.common.authenticate", V1_COMMON, "authenticate", DB, LOGIN, PASSWORD, {})
    s.xmlrpc(
        "v1.object.ok",
        V1_OBJECT,
        "execute_kw",
        DB,
        s.uid,
        PASSWORD,
        PARTNER,
        "search_count",
        [[SCOPE]],
    )
    for label, password, model, method, args in (
        ("wrong_password", WRONG_PASSWORD, PARTNER, "search_count", [[]]),
        ("unknown_model", PASSWORD, "foo.bar", "search", [[]]),
        ("private_method", PASSWORD, PARTNER, "_search", [[]]),
        ("domain_unknown_field", PASSWORD, PARTNER, "search", [[["nope", "=", 1]]]),
        ("write_deleted", PASSWORD, PARTNER, "write", [[p.doomed], {"name": "Parity Ghost"}]),
    ):
        s.xmlrpc(f"v1.object.{label}", V1_OBJECT, "execute_kw", DB, s.uid, password, model, method, args)
    s.xmlrpc("v1.unknown_service", "/xmlrpc/foo", "nope")
