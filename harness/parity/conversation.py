"""The parity conversation: one scripted talk with an Odoo server over its external API.

Why this exists: the simulator claims to answer like real Odoo 16.0, 17.0 and 18.0. The only
honest proof is to send the very same calls to a real server and to the simulator and count
identical answers. This module holds that script (`run_conversation`), the replayable
description of every call (`perform` sends any description again) and the normalisation
(`normalise`) that removes what legitimately differs between two runs: the middle of
tracebacks, timestamps the server sets itself, and the database name.

A call description is JSON. Credentials never appear in it: the placeholders `<db>`,
`<login>` and `<password>` stand for them and `materialise` puts the real values back at send
time, so one corpus replays against any server whatever its credentials.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
import xmlrpc.client
from dataclasses import dataclass
from typing import Any

DB = "<db>"
LOGIN = "<login>"
PASSWORD = "<password>"
SERVER_DATETIME = "<datetime>"
DATETIME_TAG = "$datetime"
TRACEBACK_HEAD = "Traceback (most recent call last):"

BOGUS_DB = "no_such_db_xyz"
WRONG_PASSWORD = "not-the-password"

# Datetimes the conversation writes itself. Every other "YYYY-MM-DD HH:MM:SS" string in an
# answer was set by the server at run time, so it is replaced by SERVER_DATETIME.
ASSIGNED_AT = "2024-01-02 03:04:05"
FORGED_CREATE_DATE = "2000-01-01 00:00:00"
PAST = "2020-01-01 00:00:00"
WRITTEN_DATETIMES = frozenset({ASSIGNED_AT, FORGED_CREATE_DATE, PAST})
LINE_DATE = "2024-03-01"

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_PG_PORT = re.compile(r'(connection to server at "[^"]*", port )\d+')
_PG_DETAIL = ("LINE ", "HINT:", "DETAIL:", "CONTEXT:")

COMMON = "/xmlrpc/2/common"
OBJECT = "/xmlrpc/2/object"
DB_SERVICE = "/xmlrpc/2/db"
V1_COMMON = "/xmlrpc/common"
V1_OBJECT = "/xmlrpc/object"

PARTNER = "res.partner"
TAG = "res.partner.category"
TASK = "project.task"
PROJECT = "project.project"
PLAN = "account.analytic.plan"
ACCOUNT = "account.analytic.account"
LINE = "account.analytic.line"

# Every partner the conversation means to look at carries this ref, so domain answers do not
# depend on the partners a fresh database already holds.
SCOPE = ["ref", "=", "PARITY"]
FIELD_ATTRIBUTES = ["string", "type", "required", "relation"]
ANALYTIC_ATTRIBUTES = ["type", "required", "relation", "string", "store"]


class ConversationError(RuntimeError):
    """A call the rest of the conversation depends on did not succeed."""


@dataclass(frozen=True)
class Credentials:
    """Where and as whom to talk; kept out of every recorded call (see `materialise`)."""

    db: str
    login: str
    password: str


def normalise(value: Any, db: str | None = None) -> Any:
    """Return `value` as JSON data that is identical for two runs of the same conversation.

    Tracebacks keep their first and last line only (the frames name files and line numbers
    of one particular build); server-set datetimes become "<datetime>"; the database name
    becomes "<db>" inside every string where it stands as a token of its own (not within a
    longer identifier or dotted name, so a db called "odoo" leaves "odoo.exceptions" alone);
    XML-RPC DateTime objects become {"$datetime": ...}; tuples become lists.
    """
    if isinstance(value, dict):
        return {str(key): normalise(item, db) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item, db) for item in value]
    if isinstance(value, xmlrpc.client.DateTime):
        return {DATETIME_TAG: value.value}
    if isinstance(value, str):
        return _normalise_text(value, db)
    return value


def _normalise_text(text: str, db: str | None) -> str:
    """Shorten a traceback, hide the db name and a server-set datetime in one string."""
    if text.startswith(TRACEBACK_HEAD):
        lines = [line for line in text.splitlines() if line.strip()]
        text = f"{lines[0]}\n…\n{_exception_line(lines)}"
    if db:
        text = re.sub(rf"(?<![\w.]){re.escape(db)}(?![\w.])", DB, text)
    text = _PG_PORT.sub(r"\g<1><port>", text)  # the server's PostgreSQL port is its host's choice
    if _DATETIME.fullmatch(text) and text not in WRITTEN_DATETIMES:
        return SERVER_DATETIME
    return text


def _exception_line(lines: list[str]) -> str:
    """The exception's own line: the last one, unless PostgreSQL's error follows it with the
    statement and a caret (``LINE 1: ...``, ``^``, ``HINT: ...``), which name no behaviour."""
    for line in reversed(lines):
        if not line[0].isspace() and not line.startswith(_PG_DETAIL):
            return line
    return lines[-1]


def materialise(value: Any, credentials: Credentials) -> Any:
    """Turn a recorded call description back into the values to send.

    `<password>` and `<login>` are whole values; `<db>` is replaced inside strings too (for
    example in a query string); {"$datetime": ...} becomes an XML-RPC DateTime again.
    """
    if isinstance(value, dict):
        if set(value) == {DATETIME_TAG}:
            return xmlrpc.client.DateTime(value[DATETIME_TAG])
        return {key: materialise(item, credentials) for key, item in value.items()}
    if isinstance(value, list):
        return [materialise(item, credentials) for item in value]
    if value == PASSWORD:
        return credentials.password
    if value == LOGIN:
        return credentials.login
    if isinstance(value, str):
        return value.replace(DB, credentials.db)
    return value


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
        body = xmlrpc.client.dumps(
            tuple(request["params"]), request["method"], allow_none=True
        ).encode()
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


class Session:
    """Sends the conversation's calls and keeps one normalised exchange per call."""

    def __init__(self, url: str, credentials: Credentials) -> None:
        self.url = url
        self.credentials = credentials
        self.uid: int = 0
        self.exchanges: list[dict[str, Any]] = []
        self._labels: set[str] = set()

    def send(self, label: str, call: dict[str, Any], required: bool = False) -> Any:
        """Record one exchange; return the bare result of a successful call, else None.

        `required` marks a call the rest of the conversation builds on: if it fails the
        recording stops rather than produce a corpus of cascading, meaningless faults.
        """
        if label in self._labels:
            raise ValueError(f"duplicate exchange label {label!r}")
        self._labels.add(label)
        call = normalise(call)
        answer = perform(self.url, call, self.credentials)
        self.exchanges.append(
            {"label": label, "call": call, "answer": normalise(answer, self.credentials.db)}
        )
        if required and "ok" not in answer:
            raise ConversationError(f"{label}: {normalise(answer, self.credentials.db)}")
        return answer.get("ok")

    def xmlrpc(
        self, label: str, path: str, method: str, *params: Any, required: bool = False
    ) -> Any:
        """An XML-RPC call through xmlrpc.client.ServerProxy."""
        call = {"transport": "xmlrpc", "path": path, "method": method, "params": list(params)}
        return self.send(label, call, required)

    def kw(
        self,
        label: str,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
        required: bool = False,
    ) -> Any:
        """execute_kw as the authenticated user; kwargs are left out when there are none."""
        params: list[Any] = [DB, self.uid, PASSWORD, model, method, args]
        if kwargs is not None:
            params.append(kwargs)
        return self.xmlrpc(label, OBJECT, "execute_kw", *params, required=required)

    def http(self, label: str, method: str, path: str, **payload: Any) -> None:
        """A raw HTTP request; payload is `xmlrpc={"method", "params"}` or `json=...`."""
        self.send(label, {"transport": "http", "method": method, "path": path, **payload})

    def jsonrpc(self, label: str, service: str, method: str, args: list[Any]) -> None:
        """A call on /jsonrpc, the JSON twin of the XML-RPC services."""
        call = {"transport": "jsonrpc", "service": service, "method": method, "args": args}
        self.send(label, call)


@dataclass(frozen=True)
class _Partners:
    """Ids of the partners the conversation creates, used by the later sections."""

    a: int
    b: int
    c: int
    d: int
    e: int
    doomed: int
    tag1: int
    tag2: int


def run_conversation(url: str, db: str, login: str, password: str) -> list[dict[str, Any]]:
    """Run the whole conversation against the server at `url`; return its exchanges.

    The database must be fresh (base, analytic, account, project, no demo data, Analytic
    Accounting off): the conversation creates every record it looks at, so ids and answers
    are the same on every run.
    """
    session = Session(url, Credentials(db, login, password))
    _common(session)
    _transport(session)
    _object_basics(session)
    partners = _partners(session)
    _categories(session, partners)
    _archive(session, partners)
    _domains(session, partners)
    _legacy(session, partners)
    _marshalling(session)
    _analytic(session)
    _jsonrpc(session, partners)
    return session.exchanges


def _common(s: Session) -> None:
    """The common and db services; authenticates."""
    s.xmlrpc("common.version", COMMON, "version", required=True)
    s.uid = s.xmlrpc(
        "common.authenticate.ok", COMMON, "authenticate", DB, LOGIN, PASSWORD, {}, required=True
    )
    s.xmlrpc(
        "common.authenticate.wrong_password", COMMON, "authenticate", DB, LOGIN, WRONG_PASSWORD, {}
    )
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


def _transport(s: Session) -> None:
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


def _object_basics(s: Session) -> None:
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


def _partners(s: Session) -> _Partners:
    """ORM methods on res.partner, over partners the conversation creates itself.

    Hierarchy A > B > C (B and C are type "other", so Odoo does not copy A's address onto
    them); D and E stand alone. C has no city and no zip, for the NULL semantics later.
    """
    s.kw("partner.check_access_rights.read", PARTNER, "check_access_rights", ["read"])
    s.kw(
        "partner.check_access_rights.read_no_raise",
        PARTNER,
        "check_access_rights",
        ["read"],
        {"raise_exception": False},
    )
    s.kw(
        "partner.check_access_rights.unlink_no_raise",
        PARTNER,
        "check_access_rights",
        ["unlink"],
        {"raise_exception": False},
    )
    s.kw("partner.has_access.no_ids", PARTNER, "has_access", [[], "read"])
    s.kw("partner.check_access.no_ids", PARTNER, "check_access", [[], "read"])
    a = s.kw(
        "partner.create.one",
        PARTNER,
        "create",
        [
            {
                "name": "Parity Partner A",
                "ref": "PARITY",
                "city": "Paris",
                "zip": "75001",
                "color": 1,
                "is_company": True,
            }
        ],
        required=True,
    )
    b, d, e = s.kw(
        "partner.create.many",
        PARTNER,
        "create",
        [
            [
                {
                    "name": "Parity Partner B",
                    "ref": "PARITY",
                    "city": "Berlin",
                    "zip": "10115",
                    "color": 2,
                    "parent_id": a,
                    "type": "other",
                },
                {"name": "Parity Partner D", "ref": "PARITY", "city": "paris", "color": 4},
                {"name": "Parity Partner E", "ref": "PARITY", "city": "Lyon", "color": 5},
            ]
        ],
        required=True,
    )
    c = s.kw(
        "partner.create.child",
        PARTNER,
        "create",
        [
            {
                "name": "Parity Partner C",
                "ref": "PARITY",
                "color": 3,
                "parent_id": b,
                "type": "other",
            }
        ],
        required=True,
    )
    s.kw("partner.has_access.ids", PARTNER, "has_access", [[a], "read"])
    s.kw("partner.check_access.ids", PARTNER, "check_access", [[a], "read"])
    s.kw("partner.check_access_rule.ids", PARTNER, "check_access_rule", [[a], "read"])
    doomed = s.kw(
        "partner.create.doomed", PARTNER, "create", [{"name": "Parity Doomed"}], required=True
    )
    s.kw("partner.unlink.ok", PARTNER, "unlink", [[doomed]])

    fields = ["name", "ref", "city", "zip", "color", "is_company", "type", "parent_id", "active"]
    s.kw("partner.read.fields", PARTNER, "read", [[a, b, c, d, e], fields])
    s.kw("partner.read.display_name", PARTNER, "read", [[a, b, c], ["display_name"]])
    s.kw("partner.read.load_none", PARTNER, "read", [[b], ["parent_id"]], {"load": ""})
    s.kw("partner.read.unknown_field", PARTNER, "read", [[a], ["name", "nope"]])
    s.kw("partner.read.deleted", PARTNER, "read", [[doomed], ["name"]])
    s.kw("partner.read.deleted_and_existing", PARTNER, "read", [[doomed, a], ["name"]])

    s.kw("partner.write.ok", PARTNER, "write", [[d], {"zip": "69001"}])
    s.kw("partner.read.after_write", PARTNER, "read", [[d], ["zip"]])
    s.kw("partner.write.unknown_field", PARTNER, "write", [[d], {"nope": 1}])
    s.kw("partner.write.deleted", PARTNER, "write", [[doomed], {"name": "Parity Ghost"}])
    s.kw("partner.unlink.deleted", PARTNER, "unlink", [[doomed]])
    s.kw(
        "partner.write.log_access_fields",
        PARTNER,
        "write",
        [[d], {"create_date": FORGED_CREATE_DATE, "create_uid": 1, "write_uid": 1}],
    )
    s.kw(
        "partner.read.log_access_fields",
        PARTNER,
        "read",
        [[d], ["create_date", "write_date", "create_uid", "write_uid"]],
    )

    s.kw("partner.search.default_order", PARTNER, "search", [[SCOPE]])
    s.kw(
        "partner.search.offset_limit_order",
        PARTNER,
        "search",
        [[SCOPE]],
        {"offset": 1, "limit": 2, "order": "color desc"},
    )
    s.kw("partner.search.positional", PARTNER, "search", [[SCOPE], 1, 2, "color asc"])
    s.kw("partner.search.count_true", PARTNER, "search", [[SCOPE]], {"count": True})
    s.kw("partner.search.limit_none", PARTNER, "search", [[SCOPE]], {"limit": None, "order": "id"})
    s.kw("partner.search_count.scope", PARTNER, "search_count", [[SCOPE]])
    s.kw("partner.search_count.limit", PARTNER, "search_count", [[SCOPE]], {"limit": 2})
    s.kw(
        "partner.search_read.scope",
        PARTNER,
        "search_read",
        [[SCOPE]],
        {"fields": ["name", "city", "parent_id"], "offset": 1, "limit": 3, "order": "id"},
    )
    s.kw(
        "partner.search_read.positional",
        PARTNER,
        "search_read",
        [[SCOPE], ["name"]],
        {"order": "id"},
    )
    s.kw(
        "partner.search_read.fields_id",
        PARTNER,
        "search_read",
        [[SCOPE]],
        {"fields": ["id"], "order": "id"},
    )

    s.kw("partner.copy", PARTNER, "copy", [[a], {"ref": "PARITY-COPY"}])
    s.kw(
        "partner.search_read.copy",
        PARTNER,
        "search_read",
        [[["ref", "=", "PARITY-COPY"]]],
        {"fields": ["name", "ref", "city", "is_company", "child_ids"]},
    )
    s.kw("partner.exists", PARTNER, "exists", [[a, doomed]])
    s.kw(
        "partner.default_get",
        PARTNER,
        "default_get",
        [["name", "active", "type", "is_company", "color", "lang", "tz"]],
    )
    s.kw(
        "partner.fields_get",
        PARTNER,
        "fields_get",
        [],
        {
            "allfields": [
                "name",
                "active",
                "type",
                "parent_id",
                "child_ids",
                "category_id",
                "color",
                "city",
                "is_company",
                "create_date",
            ],
            "attributes": FIELD_ATTRIBUTES,
        },
    )
    s.kw(
        "partner.fields_get.positional_selection",
        PARTNER,
        "fields_get",
        [["type"], ["type", "selection"]],
    )
    s.kw("partner.name_get", PARTNER, "name_get", [[a, b, c]])
    s.kw(
        "partner.name_search.args",
        PARTNER,
        "name_search",
        ["Parity Partner"],
        {"args": [SCOPE], "limit": 10},
    )
    s.kw(
        "partner.name_search.domain",
        PARTNER,
        "name_search",
        ["Parity Partner"],
        {"domain": [SCOPE]},
    )
    s.kw(
        "partner.name_search.operator_eq",
        PARTNER,
        "name_search",
        ["Parity Partner D"],
        {"operator": "="},
    )
    s.kw("partner.name_create", PARTNER, "name_create", ["Parity Named"])
    s.kw("partner.read_group.lazy", PARTNER, "read_group", [[SCOPE], ["color:sum"], ["is_company"]])
    s.kw(
        "partner.read_group.not_lazy",
        PARTNER,
        "read_group",
        [[SCOPE], ["color:sum"], ["is_company", "type"]],
        {"lazy": False},
    )
    s.kw(
        "partner.read_group.unknown_groupby",
        PARTNER,
        "read_group",
        [[SCOPE], ["color:sum"], ["nope"]],
    )

    tag1, tag2 = s.kw(
        "tag.create",
        TAG,
        "create",
        [[{"name": "Parity Tag 1"}, {"name": "Parity Tag 2"}]],
        required=True,
    )
    return _Partners(a=a, b=b, c=c, d=d, e=e, doomed=doomed, tag1=tag1, tag2=tag2)


def _categories(s: Session, p: _Partners) -> None:
    """The x2many commands 0..6 on res.partner.category_id, each followed by a read-back."""

    def command(name: str, commands: list[Any]) -> None:
        s.kw(
            f"partner.category_id.{name}.write",
            PARTNER,
            "write",
            [[p.d], {"category_id": commands}],
        )
        s.kw(f"partner.category_id.{name}.read", PARTNER, "read", [[p.d], ["category_id"]])

    command("cmd0_create", [[0, 0, {"name": "Parity Tag New"}]])
    (new,) = s.kw(
        "tag.search.created_by_cmd0",
        TAG,
        "search",
        [[["name", "=", "Parity Tag New"]]],
        required=True,
    )
    command("cmd1_update", [[1, new, {"name": "Parity Tag Renamed"}]])
    s.kw("tag.read.after_cmd1", TAG, "read", [[new], ["name"]])
    command("cmd4_link", [[4, p.tag1, 0]])
    command("cmd3_unlink", [[3, p.tag1, 0]])
    s.kw("tag.exists.after_cmd3", TAG, "exists", [[p.tag1]])
    command("cmd6_set", [[6, 0, [p.tag1, p.tag2, new]]])
    command("cmd5_clear", [[5, 0, 0]])
    command("cmd4_relink", [[4, new, 0]])
    command("cmd2_delete", [[2, new, 0]])
    s.kw("tag.exists.after_cmd2", TAG, "exists", [[new]])
    command("cmd6_final", [[6, 0, [p.tag1]]])


def _archive(s: Session, p: _Partners) -> None:
    """Archiving E and the three ways to see archived records again."""
    s.kw("partner.archive", PARTNER, "write", [[p.e], {"active": False}])
    s.kw("partner.search.after_archive", PARTNER, "search", [[SCOPE]], {"order": "id"})
    s.kw(
        "partner.search.active_in",
        PARTNER,
        "search",
        [[SCOPE, ["active", "in", [True, False]]]],
        {"order": "id"},
    )
    s.kw(
        "partner.search.active_test_false",
        PARTNER,
        "search",
        [[SCOPE]],
        {"order": "id", "context": {"active_test": False}},
    )
    s.kw(
        "partner.search.active_false",
        PARTNER,
        "search",
        [[SCOPE, ["active", "=", False]]],
        {"order": "id"},
    )
    s.kw("partner.read.archived", PARTNER, "read", [[p.e], ["name", "active"]])
    s.kw("partner.name_search.archived", PARTNER, "name_search", ["Parity Partner E"])


def _domains(s: Session, p: _Partners) -> None:
    """Domain semantics over the active PARITY partners A, B, C and D.

    A Paris/75001/color 1/company; B Berlin/10115/2/child of A; C no city, no zip/3/child
    of B; D "paris"/69001/4/tag 1. Each search is ANDed with SCOPE and ordered by id.
    """

    def search(name: str, *terms: Any, order: str = "id") -> None:
        s.kw(f"domain.{name}", PARTNER, "search", [[SCOPE, *terms]], {"order": order})

    search("eq", ["city", "=", "Paris"])
    search("ne", ["city", "!=", "Paris"])
    search("lt", ["color", "<", 3])
    search("le", ["color", "<=", 3])
    search("gt", ["color", ">", 2])
    search("ge", ["color", ">=", 2])
    search("in", ["city", "in", ["Paris", "Berlin"]])
    search("not_in", ["city", "not in", ["Paris"]])
    search("in_with_false", ["city", "in", ["Paris", False]])
    search("not_in_with_false", ["city", "not in", ["Paris", False]])
    search("in_empty", ["id", "in", []])
    search("not_in_empty", ["id", "not in", []])
    search("eq_list", ["city", "=", ["Paris", "Berlin"]])
    search("like", ["city", "like", "aris"])
    search("ilike", ["city", "ilike", "ARIS"])
    search("eq_like", ["city", "=like", "P%"])
    search("eq_ilike", ["city", "=ilike", "p%"])
    search("not_like", ["city", "not like", "aris"])
    search("not_ilike", ["city", "not ilike", "ARIS"])
    search("ilike_empty", ["city", "ilike", ""])
    search("eq_optional_false", ["city", "=?", False])
    search("eq_optional_value", ["city", "=?", "Paris"])
    search("eq_false", ["city", "=", False])
    search("ne_false", ["city", "!=", False])
    search("child_of", ["id", "child_of", [p.a]])
    search("child_of_int", ["id", "child_of", p.b])
    search("parent_of", ["id", "parent_of", [p.c]])
    search("parent_id_child_of", ["parent_id", "child_of", p.a])
    search("or", "|", ["city", "=", "Paris"], ["city", "=", "Berlin"])
    search("and", "&", ["color", ">", 1], ["color", "<", 4])
    search("not", "!", ["city", "=", "Paris"])
    search("not_or", "!", "|", ["color", "=", 1], ["color", "=", 2])
    search("nested", "|", "&", ["color", ">", 1], ["city", "=", "Berlin"], ["zip", "=", "75001"])
    search("implicit_and", ["color", ">", 1], ["color", "<", 4])
    search("true_leaf", [1, "=", 1])
    search("false_leaf", [0, "=", 1])
    search("dotted_many2one", ["parent_id.name", "=", "Parity Partner A"])
    search("dotted_ilike", ["parent_id.city", "ilike", "par"])
    search("dotted_two_hops", ["parent_id.parent_id.name", "=", "Parity Partner A"])
    search("many2one_name", ["parent_id", "ilike", "Partner A"])
    search("many2one_false", ["parent_id", "=", False])
    search("boolean_false", ["is_company", "=", False])
    search("boolean_true", ["is_company", "=", True])
    search("many2many_in", ["category_id", "in", [p.tag1]])
    search("many2many_false", ["category_id", "=", False])
    search("many2many_dotted", ["category_id.name", "=", "Parity Tag 1"])
    search("any", ["parent_id", "any", [["name", "=", "Parity Partner A"]]])
    search("datetime_object", ["write_date", ">", xmlrpc.client.DateTime("20200101T00:00:00")])
    search("datetime_string", ["write_date", ">", PAST])
    search("datetime_date_only", ["write_date", ">", "2020-01-01"])
    search("order_nulls", order="zip desc, id")
    search("order_many2one", order="parent_id desc, id")
    search("order_two_keys", order="is_company desc, color")
    search("order_injection", order="name; DROP TABLE x")
    search("order_unknown_field", order="nope asc")
    s.kw("domain.bad.unbalanced", PARTNER, "search", [["|", ["name", "=", "x"]]])
    s.kw("domain.bad.operator", PARTNER, "search", [[["name", "bad", "x"]]])
    s.kw("domain.bad.unknown_field", PARTNER, "search", [[["nope", "=", 1]]])
    s.kw("domain.bad.short_leaf", PARTNER, "search", [[["name", "="]]])
    s.kw(
        "domain.search_count.datetime_object",
        PARTNER,
        "search_count",
        [[SCOPE, ["write_date", ">", xmlrpc.client.DateTime("20200101T00:00:00")]]],
    )


def _legacy(s: Session, p: _Partners) -> None:
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
        s.xmlrpc(f"v1.object.{label}", V1_OBJECT, "execute_kw", DB, s.uid, password, model,
                 method, args)
    s.xmlrpc("v1.unknown_service", "/xmlrpc/foo", "nope")


def _marshalling(s: Session) -> None:
    """Datetime values on the wire: an XML-RPC DateTime, a 'T' string, a space string."""
    assigned = xmlrpc.client.DateTime("20240102T03:04:05")
    s.kw(
        "task.create.datetime_object",
        TASK,
        "create",
        [{"name": "Parity Task DateTime", "date_assign": assigned}],
    )
    s.kw(
        "task.create.datetime_iso_t",
        TASK,
        "create",
        [{"name": "Parity Task T", "date_assign": "2024-01-02T03:04:05"}],
    )
    task = s.kw(
        "task.create.datetime_space",
        TASK,
        "create",
        [{"name": "Parity Task Space", "date_assign": ASSIGNED_AT}],
        required=True,
    )
    s.kw("task.read.date_assign", TASK, "read", [[task], ["name", "date_assign"]])
    s.kw(
        "task.search.date_assign_object",
        TASK,
        "search",
        [[["date_assign", "=", assigned]]],
        {"order": "id"},
    )


def _analytic(s: Session) -> None:
    """Analytic accounting from a fresh database: denied, enabled, plans, accounts, lines.

    Version-specific arguments, decided from what the server answered, never its version
    number: no project plan parameter (16: the conversation creates "Projects"), no column
    per root plan on the line (16: one axis, `plan_id`), and project.project's link field
    (`account_id` from 18).
    """
    s.kw("analytic.plan.search_count.fresh", PLAN, "search_count", [[]])
    s.xmlrpc(
        "v1.object.acl_error",
        V1_OBJECT,
        "execute_kw",
        DB,
        s.uid,
        PASSWORD,
        PLAN,
        "search_count",
        [[]],
    )
    s.kw("analytic.account.search_count.fresh", ACCOUNT, "search_count", [[]])
    s.kw("analytic.line.search_count.fresh", LINE, "search_count", [[]])
    s.kw(
        "analytic.plan.check_access_rights.no_raise",
        PLAN,
        "check_access_rights",
        ["read"],
        {"raise_exception": False},
    )
    s.kw("analytic.plan.check_access_rights.raise", PLAN, "check_access_rights", ["read"])
    s.kw("analytic.plan.has_access", PLAN, "has_access", [[], "read"])

    settings = s.kw(
        "settings.create",
        "res.config.settings",
        "create",
        [{"group_analytic_accounting": True}],
        required=True,
    )
    s.kw("settings.execute", "res.config.settings", "execute", [[settings]])
    s.kw("analytic.plan.search_count.enabled", PLAN, "search_count", [[]])
    s.kw(
        "analytic.plan.search_read.enabled",
        PLAN,
        "search_read",
        [[]],
        {"fields": ["id", "name", "parent_id"]},
    )
    parameters = s.kw(
        "config_parameter.search_read.analytic",
        "ir.config_parameter",
        "search_read",
        [[["key", "like", "analytic"]]],
        {"fields": ["key", "value"]},
        required=True,
    )
    values = [row["value"] for row in parameters if row["key"] == "analytic.project_plan"]
    if values:
        project_plan = int(values[0])
    else:  # 16.0 installs no project plan: the conversation makes one
        project_plan = s.kw(
            "analytic.plan.create.projects", PLAN, "create", [{"name": "Projects"}], required=True
        )

    departments = s.kw(
        "analytic.plan.create.departments", PLAN, "create", [{"name": "Departments"}], required=True
    )
    line_fields = [
        "account_id",
        "plan_id",
        "auto_account_id",
        f"x_plan{departments}_id",
        "x_account_id_1",
        "analytic_account_id",
        "amount",
    ]
    project_fields = [
        "analytic_account_id",
        "account_id",
        "auto_account_id",
        f"x_plan{departments}_id",
        "x_account_id_1",
        "analytic_account_balance",
    ]
    def plan_fields_get(moment: str) -> list[dict]:
        """The plan-column fields of the line and the project, as they stand now."""
        return [s.kw(f"{label}.fields_get.{moment}", model, "fields_get", [],
                     {"allfields": names, "attributes": ANALYTIC_ATTRIBUTES}, required=True)
                for label, model, names in (("analytic.line", LINE, line_fields),
                                            ("project.project", PROJECT, project_fields))]

    # what the server answered decides: a column per root plan (17+) or the single plan_id (16),
    # and project.project's link (analytic_account_id up to 17, account_id from 18)
    line_answer, project_answer = plan_fields_get("after_departments")
    plan_column = f"x_plan{departments}_id" if f"x_plan{departments}_id" in line_answer else "plan_id"
    project_field = "account_id" if "account_id" in project_answer else "analytic_account_id"
    s.kw(
        "analytic.plan.create.child",
        PLAN,
        "create",
        [{"name": "Sub of first", "parent_id": project_plan}],
        required=True,
    )
    plan_fields_get("after_child")
    s.kw(
        "analytic.plan.search_read.all",
        PLAN,
        "search_read",
        [[]],
        {"fields": ["name", "parent_id", "complete_name"], "order": "id"},
    )
    s.kw(
        "analytic.plan.fields_get",
        PLAN,
        "fields_get",
        [],
        {
            "allfields": [
                "name",
                "parent_id",
                "company_id",
                "root_id",
                "sequence",
                "complete_name",
                "default_applicability",
            ],
            "attributes": ANALYTIC_ATTRIBUTES,
        },
    )
    s.kw(
        "analytic.account.fields_get",
        ACCOUNT,
        "fields_get",
        [],
        {
            "allfields": [
                "name",
                "code",
                "plan_id",
                "root_plan_id",
                "active",
                "company_id",
                "partner_id",
                "line_ids",
            ],
            "attributes": ANALYTIC_ATTRIBUTES,
        },
    )

    accounts = _analytic_accounts(s, project_plan, departments)
    lines = _analytic_lines(s, plan_column, accounts)
    _analytic_archive(s, accounts, departments)

    project = s.kw(
        "project.project.create.linked",
        PROJECT,
        "create",
        [{"name": "Parity Analytic Project", project_field: accounts["pa"]}],
        required=True,
    )
    s.kw("project.project.read.linked", PROJECT, "read", [[project], ["name", project_field]])
    s.kw(
        "project.project.create.analytic_account_id",
        PROJECT,
        "create",
        [{"name": "Parity Legacy Field", "analytic_account_id": accounts["dx"]}],
    )
    s.kw(
        "project.project.create.account_id",
        PROJECT,
        "create",
        [{"name": "Parity New Field", "account_id": accounts["dx"]}],
    )

    s.kw(
        "analytic.account.write.plan_change",
        ACCOUNT,
        "write",
        [[accounts["pa"]], {"plan_id": departments}],
    )
    s.kw(
        "analytic.line.read.after_plan_change", LINE, "read", [[lines[0]], ["account_id", "amount"]]
    )

    s.kw(
        "ir.model.search_read",
        "ir.model",
        "search_read",
        [[["model", "in", [PLAN, ACCOUNT, LINE, PROJECT, PARTNER]]]],
        {"fields": ["model", "name"], "order": "model"},
    )
    s.kw(
        "ir.model.fields.search_read.plan",
        "ir.model.fields",
        "search_read",
        [
            [
                ["model", "=", PLAN],
                [
                    "name",
                    "in",
                    [
                        "name",
                        "parent_id",
                        "company_id",
                        "root_id",
                        "sequence",
                        "default_applicability",
                    ],
                ],
            ]
        ],
        {"fields": ["name", "ttype", "relation", "required"], "order": "name"},
    )
    s.kw(
        "ir.model.fields.search_read.line",
        "ir.model.fields",
        "search_read",
        [[["model", "=", LINE], ["name", "in", line_fields]]],
        {"fields": ["name", "ttype", "relation", "required", "state"], "order": "name"},
    )


def _analytic_accounts(s: Session, project_plan: int, departments: int) -> dict[str, int]:
    """Accounts [PA] Proj A and [PB] Proj B in the project plan, [DX] Dept X in Departments."""
    accounts = {
        key: s.kw(
            f"analytic.account.create.{key}",
            ACCOUNT,
            "create",
            [{"name": name, "code": code, "plan_id": plan}],
            required=True,
        )
        for key, name, code, plan in [
            ("pa", "Proj A", "PA", project_plan),
            ("pb", "Proj B", "PB", project_plan),
            ("dx", "Dept X", "DX", departments),
        ]
    }
    s.kw("analytic.account.create.no_plan", ACCOUNT, "create", [{"name": "Planless", "code": "NP"}])
    s.kw(
        "analytic.account.create.duplicate_code",
        ACCOUNT,
        "create",
        [{"name": "Proj A bis", "code": "PA", "plan_id": project_plan}],
    )
    s.kw(
        "analytic.account.read",
        ACCOUNT,
        "read",
        [
            list(accounts.values()),
            ["name", "code", "plan_id", "root_plan_id", "active", "display_name"],
        ],
    )
    s.kw("analytic.account.name_search.code", ACCOUNT, "name_search", ["PA"])
    s.kw(
        "analytic.account.search.plan_child_of",
        ACCOUNT,
        "search",
        [[["plan_id", "child_of", project_plan]]],
        {"order": "id"},
    )
    return accounts


def _analytic_lines(s: Session, plan_column: str, accounts: dict[str, int]) -> list[int]:
    """Three lines worth 10, 20 and 5, then read_group along accounts and along the plan.

    17/18 tag L1 and L3 with Dept X in the Departments column as well; 16 has one axis, so
    its L3 goes to Dept X instead.
    """
    pa, pb, dx = accounts["pa"], accounts["pb"], accounts["dx"]
    if plan_column == "plan_id":  # one analytic axis
        tags = [{"account_id": pa}, {"account_id": pa}, {"account_id": dx}]
    else:
        tags = [
            {"account_id": pa, plan_column: dx},
            {"account_id": pa},
            {"account_id": pb, plan_column: dx},
        ]
    lines = [
        s.kw(
            f"analytic.line.create.l{number}",
            LINE,
            "create",
            [{"name": f"L{number}", "date": LINE_DATE, "amount": amount, **tag}],
            required=True,
        )
        for number, amount, tag in zip((1, 2, 3), (10, 20, 5), tags, strict=True)
    ]
    s.kw("analytic.line.read", LINE, "read", [lines, ["name", "date", "amount", "account_id"]])
    domain = [["date", "=", LINE_DATE]]
    s.kw(
        "analytic.line.read_group.account",
        LINE,
        "read_group",
        [domain, ["amount:sum"], ["account_id"]],
    )
    s.kw(
        "analytic.line.read_group.plan_column",
        LINE,
        "read_group",
        [domain, ["amount:sum"], [plan_column]],
    )
    s.kw(
        "analytic.line.read_group.two_lazy",
        LINE,
        "read_group",
        [domain, ["amount:sum"], ["account_id", plan_column]],
    )
    s.kw(
        "analytic.line.read_group.two_not_lazy",
        LINE,
        "read_group",
        [domain, ["amount:sum"], ["account_id", plan_column]],
        {"lazy": False},
    )
    s.kw("analytic.line.read_group.total", LINE, "read_group", [domain, ["amount:sum"], []])
    s.kw(
        "analytic.line.create.no_plan_column",
        LINE,
        "create",
        [{"name": "L4", "date": LINE_DATE, "amount": 1}],
    )
    s.kw(
        "analytic.line.create.account_false",
        LINE,
        "create",
        [{"name": "L5", "date": LINE_DATE, "amount": 2, "account_id": False}],
    )
    s.kw("analytic.line.write.account_false", LINE, "write", [[lines[1]], {"account_id": False}])
    s.kw("analytic.line.read.after_account_false", LINE, "read", [[lines[1]], ["account_id"]])
    return lines


def _analytic_archive(s: Session, accounts: dict[str, int], departments: int) -> None:
    """Archiving Proj B, and reading/writing an account deleted a moment before."""
    pb = accounts["pb"]
    s.kw("analytic.account.archive", ACCOUNT, "write", [[pb], {"active": False}])
    s.kw("analytic.account.search.after_archive", ACCOUNT, "search", [[]], {"order": "id"})
    s.kw(
        "analytic.account.search.active_in",
        ACCOUNT,
        "search",
        [[["active", "in", [True, False]]]],
        {"order": "id"},
    )
    s.kw(
        "analytic.account.search.active_test_false",
        ACCOUNT,
        "search",
        [[]],
        {"order": "id", "context": {"active_test": False}},
    )
    s.kw("analytic.account.read.archived", ACCOUNT, "read", [[pb], ["name", "active"]])
    doomed = s.kw(
        "analytic.account.create.doomed",
        ACCOUNT,
        "create",
        [{"name": "Doomed Account", "plan_id": departments}],
        required=True,
    )
    s.kw("analytic.account.unlink", ACCOUNT, "unlink", [[doomed]])
    s.kw("analytic.account.read.deleted", ACCOUNT, "read", [[doomed], ["name"]])
    s.kw("analytic.account.write.deleted", ACCOUNT, "write", [[doomed], {"name": "Ghost"}])


def _jsonrpc(s: Session, p: _Partners) -> None:
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
