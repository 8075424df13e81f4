"""The simulator's JSON-2 API (Odoo 19.0's ``/json/2/<model>/<method>``), measured against a real 19.0.

``harness/parity/recorded/json2/<version>.json`` holds what real servers answered to a scripted list of requests
(recorded out of the repository on a fresh 19.0 database with Analytic Accounting on and a few users
and API keys made in Odoo's shell; 16.0 to 18.0 read-only): every answer of the simulator, once
normalised the same way, must be identical. Keys never appear in the recording: ``<key>`` and the
other ``<..._key>`` placeholders are put back at send time, as ``<db>`` is. The format, its loader and
its normalisation are ``harness.parity.json2_script``'s (the differential mode sends the same script).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import odooly
import pytest

from harness.parity.json2_script import SCRIPT_DIR, load, normalise, send
from simulator.app import SimulatorApp
from simulator.faults import parse_rules
from simulator.models.apikeys import generate
from simulator.orm import SUPERUSER_ID, Env
from simulator.server import SimServer
from simulator.sessions import Session

# -- the simulator, prepared as the real database was -------------------------------------------

#: The users and keys the recording's database held (made in Odoo's shell: ``_generate(scope, name,
#: expiration_date)``): placeholder -> (login, scope, expiration date).
KEYS = {
    "key": ("admin", "rpc", None),
    "null_scope_key": ("admin", None, None),
    "expired_key": ("admin", "rpc", "2020-01-01 00:00:00"),
    "other_scope_key": ("admin", "totp", None),
    "user_key": ("jsontwo", "rpc", None),
    "inactive_key": ("goneuser", "rpc", None),
}
#: Internal users besides the admin: one whose key works, one archived after its key was made.
USERS = (("Json Two", "jsontwo"), ("Gone User", "goneuser"))
DB = "simj2"


def prepared(app: SimulatorApp) -> dict[str, str]:
    """The recording's users and keys in the simulator's database (as Odoo's shell made them: as the
    superuser, each key as its user), the archived user archived last, and admin's web session (as
    ``/web/session/authenticate`` opened it); the placeholders' values."""
    db = app.registry.get(DB)
    env = Env(db, SUPERUSER_ID, {}, su=True)
    internal = db.xmlid("base", "group_user")
    with db.lock, db.store.transaction():
        uids = {
            login: env["res.users"].create({"name": name, "login": login, "group_ids": [(6, 0, [internal])]})
            for name, login in USERS
        }
        uids["admin"] = db.xmlid("base", "user_admin")
        secrets = {
            name: generate(Env(db, uids[login], {}, su=True), f"harness-{name}", scope, expiration)
            for name, (login, scope, expiration) in KEYS.items()
        }
        env["res.users"].write([uids["goneuser"]], {"active": False})
    session = app.sessions.open(Session(DB, uids["admin"], "admin"))
    return {**secrets, "session_key": session, "db": DB}


# -- the recorded answers, replayed -----------------------------------------------------------------

#: Exchanges the simulator answers otherwise, and why (each must still differ: a fix shows here).
KNOWN_DIFFERENT: dict[str, str] = {}


@pytest.fixture(scope="module")
def replayed() -> dict[str, tuple[dict, dict]]:
    """Every recorded 19.0 exchange replayed, in order, on a simulator prepared as the recording's
    database was, beside a second database (so that no header selects none): label -> (real, sim)."""
    app = SimulatorApp("19.0", db=DB)
    app.registry.create("other")
    secrets = prepared(app)
    with SimServer(app) as server:
        host, port = server.httpd.bind_addr[:2]
        return {
            exchange["label"]: (exchange["answer"], normalise(*send(host, port, exchange["request"], secrets), DB))
            for exchange in load("19.0")["exchanges"]
        }


def test_every_json2_answer_is_the_real_19_answer(replayed: dict[str, tuple[dict, dict]]) -> None:
    different = {label: pair for label, pair in replayed.items() if pair[0] != pair[1]}
    assert len(replayed) >= 100
    assert set(different) == set(KNOWN_DIFFERENT), "\n".join(
        f"{label}:\n  real {json.dumps(real)[:400]}\n  sim  {json.dumps(sim)[:400]}"
        for label, (real, sim) in different.items()
        if label not in KNOWN_DIFFERENT
    )


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0"])
def test_before_19_json2_urls_are_answered_as_real_servers(version: str) -> None:
    """No JSON-2: 16.0 and 17.0 route nothing there (404); 18.0's ``/json/<path>`` web route sends to
    the login page (303). The simulator's one database is selected, as the recording's session did."""
    with SimServer(SimulatorApp(version)) as server:
        host, port = server.httpd.bind_addr[:2]
        for exchange in load(version)["exchanges"]:
            answer = normalise(*send(host, port, exchange["request"], {"db": "odoo", "key": "0" * 40}), "odoo")
            location = {k: v for k, v in answer["headers"].items() if k == "Location"}
            assert {"status": answer["status"], "headers": location} == exchange["answer"], exchange["label"]


# -- a context language that is not installed, over XML-RPC and JSON-RPC, per version -----------------

#: What real servers answered admin's calls made with ``{"lang": "fr_FR"}`` (a language not installed) on a
#: fresh database, each call once without it first (Odoo's caches warm, as a running server's are), over
#: XML-RPC (``ok`` and the result, or the fault's code and last line) and JSON-RPC (the error's name and
#: last line), recorded on real 16.0-19.0 on 2026-12-02. 16.0 and 17.0 check no language; 18.0 and 19.0
#: refuse it wherever Odoo needs it: the record rules of res.partner (parent_of the companies, whose
#: translated fields are then read), res.users (the partners' rules, ``_inherits``), an order by a translated
#: field (res.country's ``name``), field labels, the text of an ACL refusal (analytic plans, Analytic
#: Accounting off); a count of countries, an order by code, field types and the languages need none.
REFUSED = {
    "xmlrpc": [2, "Invalid language code: fr_FR"],
    "jsonrpc": ["odoo.exceptions.UserError", "Invalid language code: fr_FR"],
}


def _ok(value: Any) -> dict[str, list]:
    return {"xmlrpc": ["ok", value], "jsonrpc": ["ok", value]}


PARTNER = [{"id": 3, "name": "Administrator"}]
LANGUAGE_CALLS: dict[str, tuple[tuple[str, str, list, dict], dict[tuple[str, ...], dict[str, list]]]] = {
    "partner_search_read": (
        ("res.partner", "search_read", [[["id", "=", 3]]], {"fields": ["name"]}),
        {("16.0", "17.0"): _ok(PARTNER), ("18.0", "19.0"): REFUSED},
    ),
    "partner_read": (
        ("res.partner", "read", [[3], ["name"]], {}),
        {("16.0", "17.0"): _ok(PARTNER), ("18.0", "19.0"): REFUSED},
    ),
    "users_count": (("res.users", "search_count", [[]], {}), {("16.0", "17.0"): _ok(1), ("18.0", "19.0"): REFUSED}),
    "country_count": (
        ("res.country", "search_count", [[]], {}),
        {("16.0", "17.0", "18.0"): _ok(250), ("19.0",): _ok(251)},
    ),
    "country_search": (
        ("res.country", "search", [[["code", "in", ["BE", "FR"]]]], {}),
        {("16.0", "17.0"): _ok([20, 75]), ("18.0", "19.0"): REFUSED},
    ),
    "country_search_by_code": (
        ("res.country", "search", [[["code", "in", ["BE", "FR"]]]], {"order": "code"}),
        {("16.0", "17.0", "18.0", "19.0"): _ok([20, 75])},
    ),
    "partner_labels": (
        ("res.partner", "fields_get", [["name"]], {"attributes": ["string"]}),
        {("16.0", "17.0"): _ok({"name": {"string": "Name"}}), ("18.0", "19.0"): REFUSED},
    ),
    "partner_types": (
        ("res.partner", "fields_get", [["name"]], {"attributes": ["type"]}),
        {("16.0", "17.0", "18.0", "19.0"): _ok({"name": {"type": "char"}})},
    ),
    "plans_count": (
        ("account.analytic.plan", "search_count", [[]], {}),
        {
            ("16.0", "17.0"): {
                "xmlrpc": [4, "Contact your administrator to request access if necessary."],
                "jsonrpc": [
                    "odoo.exceptions.AccessError",
                    "Contact your administrator to request access if necessary.",
                ],
            },
            ("18.0", "19.0"): REFUSED,
        },
    ),
    "languages": (
        ("res.lang", "search_read", [[]], {"fields": ["code"]}),
        {("16.0", "17.0", "18.0", "19.0"): _ok([{"id": 1, "code": "en_US"}])},
    ),
}


def _xmlrpc_answer(url: str, call: tuple[str, str, list, dict]) -> list:
    model, method, args, kwargs = call
    try:
        result = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object").execute_kw(
            "odoo", 2, "admin", model, method, args, {**kwargs, "context": {"lang": "fr_FR"}}
        )
    except xmlrpc.client.Fault as fault:
        return [fault.faultCode, fault.faultString.strip().splitlines()[-1]]
    return ["ok", result]


def _jsonrpc_answer(url: str, call: tuple[str, str, list, dict]) -> list:
    model, method, args, kwargs = call
    params = {"service": "object", "method": "execute_kw", "args": ["odoo", 2, "admin", model, method, args]}
    params["args"].append({**kwargs, "context": {"lang": "fr_FR"}})
    _status, _headers, body = _http(
        url, "POST", "/jsonrpc", {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
    )
    answer = json.loads(body)
    if "error" in answer:
        return [answer["error"]["data"]["name"], answer["error"]["data"]["message"].splitlines()[-1]]
    return ["ok", answer["result"]]


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0", "19.0"])
def test_a_language_not_installed_is_refused_where_real_servers_refuse_it(version: str) -> None:
    """Over XML-RPC and JSON-RPC alike (JSON-2's answers are the recording's, above)."""
    with SimServer(SimulatorApp(version, fresh=True)) as server:
        for label, (call, by_versions) in LANGUAGE_CALLS.items():
            [real] = [answer for versions, answer in by_versions.items() if version in versions]
            seen = {"xmlrpc": _xmlrpc_answer(server.url, call), "jsonrpc": _jsonrpc_answer(server.url, call)}
            assert seen == real, label


def test_the_recordings_hold_no_key() -> None:
    for path in SCRIPT_DIR.glob("*.json"):
        text = path.read_text()
        assert "<key>" in text
        assert set(re.findall(r"[0-9a-f]{40}", text)) <= {"0123456789abcdef0123456789abcdef01234567"}, path.name


# -- keys, databases, transactions, faults: the simulator's own side --------------------------------


@pytest.fixture
def served() -> Iterator[tuple[SimulatorApp, str, str]]:
    """A 19.0 simulator on loopback, and a key for admin from the control API."""
    app = SimulatorApp("19.0")
    with SimServer(app) as server:
        status, _headers, body = _http(server.url, "POST", "/__sim__/apikeys", {"login": "admin"})
        assert status == 200
        yield app, server.url, json.loads(body)["key"]


def _http(url: str, method: str, path: str, body: Any = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            method,
            path,
            body=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def call(url: str, key: str, model: str, method: str, body: dict, **headers: str) -> tuple[int, Any]:
    """One JSON-2 call: its status and JSON answer."""
    status, _headers, answer = _http(
        url, "POST", f"/json/2/{model}/{method}", body, {"Authorization": f"bearer {key}", **headers}
    )
    return status, json.loads(answer)


def test_the_control_api_issues_keys_that_work_on_json2_and_xmlrpc(served: tuple) -> None:
    _app, url, key = served
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert call(url, key, "res.users", "context_get", {}) == (200, {"lang": "en_US", "tz": False, "uid": 2})
    assert xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate("odoo", "admin", key, {}) == 2
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    assert models.execute_kw("odoo", 2, key, "res.partner", "search_count", [[]]) == 2


SHAPE = (
    'give the user as {"login": LOGIN, "db": DB} (db: the primary database by default; POST may give '
    '"key": 40 hex digits)'
)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ("nope", 400, SHAPE),
        ({"login": 2}, 400, SHAPE),
        ({"login": "admin", "key": "not-a-key"}, 400, SHAPE),
        ({"login": "nobody"}, 404, "no active user with login 'nobody' in 'odoo'"),
        ({"login": "admin", "db": "nope"}, 404, "no database 'nope'"),
    ],
)
def test_the_control_api_refuses_what_it_cannot_issue(served: tuple, body: Any, status: int, error: str) -> None:
    _app, url, _key = served
    answer = _http(url, "POST", "/__sim__/apikeys", body)
    assert (answer[0], json.loads(answer[2])) == (status, {"error": error})


def test_the_control_api_installs_a_known_key_and_removes_a_users_keys(served: tuple) -> None:
    """A key made elsewhere (a database restored from a backup holds its keys), then every key of the user
    removed: JSON-2 refuses both from then on."""
    app, url, key = served
    app.registry.create("restored")
    status, _headers, body = _http(url, "POST", "/__sim__/apikeys", {"login": "admin", "db": "restored", "key": key})
    assert (status, json.loads(body)) == (200, {"key": key})
    assert call(url, key, "res.users", "context_get", {}, **{"X-Odoo-Database": "restored"})[0] == 200
    status, _headers, body = _http(url, "DELETE", "/__sim__/apikeys?login=admin&db=restored")
    assert (status, json.loads(body)) == (200, {"removed": 1})
    assert call(url, key, "res.users", "context_get", {}, **{"X-Odoo-Database": "restored"})[0] == 401
    assert call(url, key, "res.users", "context_get", {}, **{"X-Odoo-Database": "odoo"})[0] == 200


def test_keys_are_checked_as_odoo_checks_them_over_json2_and_xmlrpc() -> None:
    """``_check_credentials``: a global or ``rpc`` key, not expired, of an active user."""
    app = SimulatorApp("19.0", db=DB)
    secrets = prepared(app)
    with SimServer(app) as server:
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        for name, (login, _scope, _expiry) in KEYS.items():
            works = name in ("key", "null_scope_key", "user_key")
            status, _answer = call(server.url, secrets[name], "res.users", "context_get", {}, **{"X-Odoo-Database": DB})
            assert (status == 200, bool(common.authenticate(DB, login, secrets[name], {}))) == (works, works), name


def test_keys_work_over_xmlrpc_before_19_too() -> None:
    """16.0 has no expiring keys (no ``expiration_date``), and no JSON-2: the key is a password."""
    app = SimulatorApp("16.0")
    key = app.issue_api_key("admin")
    with SimServer(app) as server:
        assert xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").authenticate("odoo", "admin", key, {}) == 2
        assert not app.serves_json2
        assert _http(server.url, "POST", "/json/2/res.partner/search", {"domain": []})[0] == 404


def test_the_only_database_needs_no_header(served: tuple) -> None:
    app, url, key = served
    assert call(url, key, "res.partner", "search_count", {"domain": []}) == (200, 2)
    app.registry.create("second")
    status, headers, page = _http(
        url, "POST", "/json/2/res.partner/search_count", {"domain": []}, {"Authorization": f"bearer {key}"}
    )
    assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8")
    assert b"No database is selected" in page
    assert call(url, key, "res.partner", "search_count", {"domain": []}, **{"X-Odoo-Database": "odoo"}) == (200, 2)


def test_a_call_is_one_transaction(served: tuple) -> None:
    """A create of two records whose second fails leaves neither; the journal says it was rolled back."""
    app, url, key = served
    status, answer = call(url, key, "res.partner", "create", {"vals_list": [{"name": "A"}, {"nope": 1}]})
    assert (status, answer["name"]) == (500, "builtins.ValueError")
    assert call(url, key, "res.partner", "search_count", {"domain": [["name", "=", "A"]]}) == (200, 0)
    [entry] = app.journal()["odoo"]
    assert (entry["model"], entry["method"], entry["committed"]) == ("res.partner", "create", False)


def test_context_replaces_the_users(served: tuple) -> None:
    _app, url, key = served
    assert call(url, key, "res.partner", "action_archive", {"ids": [3]}) == (200, None)
    assert call(url, key, "res.partner", "search", {"domain": [["id", "=", 3]]}) == (200, [])
    assert call(url, key, "res.partner", "search", {"domain": [["id", "=", 3]], "context": {"active_test": False}}) == (
        200,
        [3],
    )


def test_the_documentation_answers_304_to_its_etag(served: tuple) -> None:
    _app, url, key = served
    status, headers, body = _http(
        url, "GET", "/doc-bearer/res.partner.json", headers={"Authorization": f"bearer {key}"}
    )
    doc = json.loads(body)
    assert status == 200 and doc["methods"]["create"]["api"] == ["model"]
    assert list(doc["methods"]["name_search"]["parameters"]) == ["name", "domain", "operator", "limit"]
    assert list(doc["fields"])[:2] == ["id", "display_name"] and doc["fields"]["name"]["module"] == "base"
    again = _http(
        url,
        "GET",
        "/doc-bearer/res.partner.json",
        headers={"Authorization": f"bearer {key}", "If-None-Match": headers["ETag"]},
    )
    assert (again[0], again[2]) == (304, b"")


@pytest.mark.parametrize(
    ("rule", "status", "name"),
    [
        ({"action": "odoo_fault", "fault": "access_error"}, 403, "odoo.exceptions.AccessError"),
        ({"action": "odoo_fault", "fault": "access_denied"}, 403, "odoo.exceptions.AccessDenied"),
        ({"action": "odoo_fault", "fault": "missing_error"}, 404, "odoo.exceptions.MissingError"),
        ({"action": "odoo_fault", "fault": "lock_error"}, 409, "odoo.exceptions.LockError"),
        ({"action": "odoo_fault", "fault": "user_error"}, 422, "odoo.exceptions.UserError"),
        ({"action": "odoo_fault", "fault": "validation_error"}, 422, "odoo.exceptions.ValidationError"),
        ({"action": "odoo_fault", "fault": "serialization_failure"}, 500, "psycopg2.errors.SerializationFailure"),
        ({"action": "error_before_commit"}, 500, "psycopg2.OperationalError"),
    ],
)
def test_injected_odoo_faults_are_json2_errors_and_commit_nothing(
    served: tuple, rule: dict, status: int, name: str
) -> None:
    app, url, key = served
    app.faults.replace(parse_rules([{"model": "res.partner", "method": "create", "times": 1, **rule}]))
    answer = call(url, key, "res.partner", "create", {"vals_list": [{"name": "Faulty"}]})
    assert (answer[0], answer[1]["name"], list(answer[1])) == (
        status,
        name,
        ["name", "message", "arguments", "context", "debug"],
    )
    assert call(url, key, "res.partner", "search_count", {"domain": [["name", "=", "Faulty"]]}) == (200, 0)
    assert app.journal()["odoo"] == []
    stats = app.stats()
    assert stats["by_method"]["res.partner.create"] == 1
    assert stats["faults"] == {f"res.partner:create:{rule['action']}": 1}


def test_a_gateway_status_is_the_proxys_page(served: tuple) -> None:
    """On a call, and on the version a client asks first (``json.version``, as XML-RPC's ``common.version``)."""
    app, url, key = served
    app.faults.replace(
        parse_rules(
            [
                {"model": "*", "method": "search*", "action": "http_status", "status": 503},
                {"model": "json", "method": "version", "action": "http_status", "status": 502},
            ]
        )
    )
    status, headers, page = _http(
        url, "POST", "/json/2/res.partner/search", {"domain": []}, {"Authorization": f"bearer {key}"}
    )
    assert (status, headers["Content-Type"]) == (503, "text/html")
    assert b"<center>nginx</center>" in page
    assert _http(url, "GET", "/json/version")[0] == 502
    assert app.stats()["by_method"] == {"res.partner.search": 1, "json.version": 1}


def test_a_reset_commits_nothing_and_a_lost_answer_everything(served: tuple) -> None:
    app, url, key = served
    app.faults.replace(
        parse_rules(
            [
                {"model": "res.partner", "method": "create", "action": "reset_connection", "times": 1},
                {"model": "res.partner", "method": "write", "action": "drop_response_after_commit", "times": 1},
            ]
        )
    )
    with pytest.raises(ConnectionError):
        call(url, key, "res.partner", "create", {"vals_list": [{"name": "Reset"}]})
    assert call(url, key, "res.partner", "search_count", {"domain": [["name", "=", "Reset"]]}) == (200, 0)
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        call(url, key, "res.partner", "write", {"ids": [3], "vals": {"phone": "+32 2 555 01 02"}})
    assert call(url, key, "res.partner", "read", {"ids": [3], "fields": ["phone"]}) == (
        200,
        [{"id": 3, "phone": "+32 2 555 01 02"}],
    )
    assert [(e["method"], e["committed"]) for e in app.journal()["odoo"]] == [("write", True)]


@pytest.mark.parametrize("action", ["delay", "slow_down"])
def test_slow_answers(served: tuple, action: str) -> None:
    app, url, key = served
    app.faults.replace(parse_rules([{"method": "search_count", "action": action, "seconds": 0.3}]))
    started = time.monotonic()
    assert call(url, key, "res.partner", "search_count", {"domain": []}) == (200, 2)
    assert time.monotonic() - started >= 0.3


def test_a_body_that_is_no_json_is_odoos_400_and_no_call(served: tuple) -> None:
    app, url, key = served
    app.faults.replace(parse_rules([{"action": "http_status", "status": 502}]))
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(
        "POST",
        "/json/2/res.partner/search",
        body=b"{nope",
        headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"},
    )
    assert connection.getresponse().status == 400
    assert app.stats()["by_method"] == {}


def test_odooly_speaks_json2_to_the_simulator(served: tuple) -> None:
    """odooly 2.6.7 logs in with the key alone (``context_get``), names positional arguments from
    ``/doc-bearer/<model>.json`` and calls ``/json/2``."""
    app, url, key = served
    client = odooly.Client(url, db="odoo", user="admin", api_key=key)
    assert client.env.uid == 2
    partners = client.env["res.partner"]
    assert partners.search_read([("is_company", "=", True)], ["name"]) == [{"id": 1, "name": "My Company"}]
    new = partners.create({"name": "Odooly Partner"})  # JSON-2 answers [id]: a record list
    new.write({"phone": "+32 2 555 01 03"})
    [new_id] = new.id
    assert new.read(["name", "phone"]) == [{"id": new_id, "name": "Odooly Partner", "phone": "+32 2 555 01 03"}]
    assert partners.name_search("Odooly") == [[new_id, "Odooly Partner"]]  # positional: named from the doc
    assert client.env._json2.doc("res.partner")["model"] == "res.partner"
    assert {"res.partner.create", "res.partner.write", "res.partner.name_search"} <= set(app.stats()["by_method"])


def test_simulate_prints_a_key_for_admin_and_logs_none() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "simulate", "--odoo-version", "19.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = process.stdout.readline().split(" on ")[1].split()[0]
        key = re.search(r"JSON-2 API key for admin: ([0-9a-f]{40}) ", process.stdout.readline())[1]
        assert call(url, key, "res.users", "context_get", {}) == (200, {"lang": "en_US", "tz": False, "uid": 2})
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert key not in err
