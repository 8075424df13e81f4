"""The services' own answers: common and db (authentication, versions, unknown methods), and the
object service's checks on credentials, models, methods and argument shapes."""

from __future__ import annotations

from harness.parity.client import COMMON, DB_SERVICE, OBJECT
from harness.parity.corpus import DB, LOGIN, PASSWORD
from harness.parity.recorder import Recorder
from harness.parity.script.names import PARTNER, WRONG_PASSWORD

BOGUS_DB = "no_such_db_xyz"


def common_and_db(s: Recorder) -> None:
    """The common and db services; authenticates."""
    s.xmlrpc("common.version", COMMON, "version", required=True)
    s.uid = s.xmlrpc("common.authenticate.ok", COMMON, "authenticate", DB, LOGIN, PASSWORD, {}, required=True)
    s.xmlrpc("common.authenticate.wrong_password", COMMON, "authenticate", DB, LOGIN, WRONG_PASSWORD, {})
    s.xmlrpc(
        "common.authenticate.unknown_login",
        COMMON,
        "authenticate",
        DB,
        "nobody-parity",
        PASSWORD,
        {},
    )
    s.xmlrpc("common.authenticate.wrong_db", COMMON, "authenticate", BOGUS_DB, LOGIN, PASSWORD, {})
    s.xmlrpc("common.login.ok", COMMON, "login", DB, LOGIN, PASSWORD)
    s.xmlrpc("common.login.wrong_password", COMMON, "login", DB, LOGIN, WRONG_PASSWORD)
    s.xmlrpc("common.about", COMMON, "about")
    s.xmlrpc("common.about.extended", COMMON, "about", True)
    s.xmlrpc("common.unknown_method", COMMON, "nope")
    s.xmlrpc("db.server_version", DB_SERVICE, "server_version")
    s.xmlrpc("db.list", DB_SERVICE, "list")
    s.xmlrpc("db.db_exist.ok", DB_SERVICE, "db_exist", DB)
    s.xmlrpc("db.db_exist.missing", DB_SERVICE, "db_exist", BOGUS_DB)
    s.xmlrpc("db.unknown_method", DB_SERVICE, "nope")
    s.xmlrpc("service.unknown", "/xmlrpc/2/foo", "nope")


def object_service(s: Recorder) -> None:
    """The object service's own checks: credentials, models, methods, argument shapes."""
    s.xmlrpc(
        "object.execute.search_count",
        OBJECT,
        "execute",
        DB,
        s.uid,
        PASSWORD,
        PARTNER,
        "search_count",
        [],
    )
    s.xmlrpc(
        "object.execute_kw.wrong_password",
        OBJECT,
        "execute_kw",
        DB,
        s.uid,
        WRONG_PASSWORD,
        PARTNER,
        "search_count",
        [[]],
    )
    s.xmlrpc(
        "object.execute_kw.uid_false",
        OBJECT,
        "execute_kw",
        DB,
        False,
        PASSWORD,
        PARTNER,
        "search_count",
        [[]],
    )
    s.xmlrpc("object.unknown_method", OBJECT, "nope", DB, s.uid, PASSWORD)
    s.xmlrpc("object.unknown_method.no_args", OBJECT, "nope")
    s.kw("object.unknown_model", "foo.bar", "search", [[]])
    s.kw("object.unknown_public_method", PARTNER, "nope", [[]])
    s.kw("object.private_existing", PARTNER, "_search", [[]])
    s.kw("object.private_missing", PARTNER, "_nope", [[]])
    s.kw(
        "object.create.kwargs_vals_list",
        PARTNER,
        "create",
        [],
        {"vals_list": [{"name": "Parity Kwargs"}]},
    )
    s.kw("object.create.unknown_field", PARTNER, "create", [{"name": "Parity Bad", "nope": 1}])
