"""Property-based: whatever a client sends to the RPC surfaces (``/xmlrpc/2/common``,
``/xmlrpc/2/object``, ``/jsonrpc``), the simulator answers well-formed, never with a 5xx, and stays up.

Real Odoo answers every XML-RPC error as HTTP 200 with a fault (``rpc.py``: the route catches
everything) and every JSON-RPC error as 200 with an error object, but for a body that is no JSON
object: a plain 400 (``http.py``: ``JsonRPCDispatcher.dispatch``; the simulator answers that one with
an error object, taken too). So no 5xx anywhere, and after each example a normal call still answers.
The budget is fixed and the examples derandomized, so CI sees the same inputs on every run.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import xml.etree.ElementTree as ET
import xmlrpc.client
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.app import SimulatorApp
from simulator.server import SimServer

TIMEOUT = 10.0
FUZZ = settings(
    max_examples=200,
    deadline=dt.timedelta(seconds=TIMEOUT),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: Real models and methods, so that examples reach the ORM, not only the "no such model" fault.
#: ``res.users`` is left out: archiving admin would end the normal call the health check makes.
MODELS = [
    "res.partner",
    "res.company",
    "res.currency",
    "res.country",
    "project.project",
    "project.task",
    "account.analytic.account",
    "account.analytic.plan",
    "ir.model",
    "ir.model.fields",
]
METHODS = [
    "search",
    "search_read",
    "search_count",
    "read",
    "read_group",
    "fields_get",
    "name_search",
    "name_create",
    "default_get",
    "create",
    "write",
    "unlink",
    "copy",
    "exists",
    "check_access_rights",
    "web_search_read",
    "onchange",
]
FIELDS = ["id", "name", "active", "email", "company_id", "parent_id", "child_ids", "create_date", "display_name"]
OPERATORS = ["=", "!=", "in", "not in", "like", "ilike", "=?", "<", ">=", "child_of", "any", "not any"]
KWARGS = ["fields", "limit", "offset", "order", "context", "domain", "groupby", "lazy", "attributes", "load"]
COMMON_METHODS = ["version", "login", "authenticate", "about"]
#: Real Odoo's answers to a JSON-RPC body it cannot read (``JsonRPCDispatcher.dispatch``).
JSONRPC_400 = {b"Invalid JSON data", b"Invalid JSON-RPC data"}

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
#: Text XML 1.0 can carry; the control characters it forbids make the request itself unreadable.
xml_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | text


def mostly(right: st.SearchStrategy, wrong: st.SearchStrategy) -> st.SearchStrategy:
    """``right`` seven times in eight: examples get past the first check to the code behind it."""
    return st.integers(0, 7).flatmap(lambda draw: right if draw else wrong)


def nested(scalars: st.SearchStrategy, keys: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=8
    )


def domains(values: st.SearchStrategy) -> st.SearchStrategy:
    leaf = st.tuples(mostly(st.sampled_from(FIELDS), text), mostly(st.sampled_from(OPERATORS), text), values)
    return st.lists(leaf.map(list) | st.sampled_from(["|", "&", "!"]), max_size=4)


def orm_call(values: st.SearchStrategy) -> st.SearchStrategy:
    """``execute_kw``'s parameters, mostly right (admin, a real model and method), some not."""
    ids = st.lists(st.integers(-3, 60), max_size=4)
    args = st.lists(
        mostly(domains(values) | ids | st.dictionaries(st.sampled_from(FIELDS), values), values), max_size=3
    )
    kwargs = st.dictionaries(mostly(st.sampled_from(KWARGS), text), values, max_size=3)
    return st.tuples(
        mostly(st.just("odoo"), text),
        mostly(st.just(2), values),
        mostly(st.just("admin"), values),
        mostly(st.sampled_from(MODELS), text),
        mostly(st.sampled_from(METHODS), text),
        args,
        kwargs,
    ).flatmap(lambda params: mostly(st.just(params), st.integers(0, 6).map(lambda count: params[:count])))


def xml_body(method: st.SearchStrategy, params: st.SearchStrategy) -> st.SearchStrategy:
    """A request ``xmlrpc.client`` would send; sometimes one cut short, or bytes that are no request."""
    dumped = st.tuples(method, params).map(
        lambda call: xmlrpc.client.dumps(tuple(call[1]), call[0], allow_none=True).encode()
    )
    cut = st.tuples(dumped, st.integers(1, 400)).map(lambda pair: pair[0][: pair[1]])
    return mostly(dumped, cut | st.binary(max_size=64))


xml_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**31), 2**31 - 1)
    | st.floats()
    | mostly(xml_text, text)
    | st.binary(max_size=8).map(xmlrpc.client.Binary)
    | st.datetimes(min_value=dt.datetime(1, 1, 1)).map(xmlrpc.client.DateTime)
)
xml_values = nested(xml_scalars, mostly(xml_text, text))
object_bodies = xml_body(mostly(st.just("execute_kw"), st.just("execute") | text), orm_call(xml_values))
common_bodies = xml_body(mostly(st.sampled_from(COMMON_METHODS), text), st.lists(xml_values, max_size=4))
json_values = nested(json_scalars, text)
json_calls = st.fixed_dictionaries(
    {
        "service": mostly(st.sampled_from(["common", "object"]), text.filter(lambda name: name != "db")),
        "method": mostly(st.sampled_from(["execute_kw", *COMMON_METHODS]), text),
        "args": mostly(orm_call(json_values).map(list), json_values),
    }
)
jsonrpc_bodies = mostly(
    st.fixed_dictionaries(
        {"jsonrpc": st.just("2.0"), "method": st.just("call"), "params": mostly(json_calls, json_values)},
        optional={"id": st.integers() | text | st.none()},
    ).map(lambda payload: json.dumps(payload).encode()),
    json_values.map(lambda value: json.dumps(value).encode()) | st.binary(max_size=64),
)


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    with SimServer(SimulatorApp("17.0")) as served:
        yield served


def post(server: SimServer, path: str, body: bytes, content_type: str) -> tuple[int, str, bytes]:
    host, port = server.httpd.bind_addr[:2]
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def assert_healthy(server: SimServer) -> None:
    """A normal call still answers: the server neither died nor wedged nor lost admin."""
    assert xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").version()["server_serie"] == "17.0"
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    assert isinstance(models.execute_kw("odoo", 2, "admin", "res.partner", "search_count", [[]]), int)


def assert_method_response(status: int, content_type: str, body: bytes) -> None:
    """HTTP 200, and XML 1.0 that is a methodResponse holding one param or a fault struct."""
    assert status == 200, body[:300]
    assert content_type.startswith("text/xml")
    root = ET.fromstring(body)  # expat: any character XML 1.0 forbids fails here
    assert root.tag == "methodResponse" and len(root) == 1, body[:300]
    if root[0].tag == "params":
        assert [child.tag for child in root[0]] == ["param"]
    else:
        assert root[0].tag == "fault"
        with pytest.raises(xmlrpc.client.Fault) as fault:
            xmlrpc.client.loads(body)
        assert isinstance(fault.value.faultCode, int) and isinstance(fault.value.faultString, str)


def assert_jsonrpc_response(status: int, body: bytes, sent: bytes) -> None:
    """A JSON-RPC answer with the request's id, and not both a result and an error (Odoo leaves
    ``result`` out when the method returned None); or real Odoo's 400 for a body it cannot read."""
    if status == 400:
        assert body in JSONRPC_400
        return
    assert status == 200, body[:300]
    answer = json.loads(body)
    assert answer["jsonrpc"] == "2.0" and "id" in answer
    assert not ("result" in answer and "error" in answer)
    request = _json_object(sent)
    if request is not None:  # compared as JSON: a NaN id is its own
        assert json.dumps(answer["id"]) == json.dumps(request.get("id"))


def _json_object(body: bytes) -> dict | None:
    try:
        request = json.loads(body)
    except ValueError:
        return None
    return request if isinstance(request, dict) else None


@FUZZ
@given(body=object_bodies)
def test_xmlrpc_object_answers_every_request_well_formed(server: SimServer, body: bytes) -> None:
    assert_method_response(*post(server, "/xmlrpc/2/object", body, "text/xml"))
    assert_healthy(server)


@FUZZ
@given(body=common_bodies)
def test_xmlrpc_common_answers_every_request_well_formed(server: SimServer, body: bytes) -> None:
    assert_method_response(*post(server, "/xmlrpc/2/common", body, "text/xml"))
    assert_healthy(server)


@FUZZ
@given(body=jsonrpc_bodies)
def test_jsonrpc_answers_every_request_well_formed(server: SimServer, body: bytes) -> None:
    status, _content_type, answer = post(server, "/jsonrpc", body, "application/json")
    assert_jsonrpc_response(status, answer, body)
    assert_healthy(server)
