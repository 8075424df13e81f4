"""The engine over JSON-2: the same doors, guard, ledger, retries and sync log as over XML-RPC.

Against the simulator's 19.0 on a real socket (``tests/support/json2``), its fault rules making the
answers that are retried and those that are not: first sync, re-sync, rename; a lost answer resolved
by reading back; the guard; and the API key nowhere but in the Authorization header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.engine import json2
from harness.engine.client import READ_METHODS, ForbiddenModelError, OdooCallError, OdooClient, RetryPolicy
from harness.engine.json2 import UnnamedArguments, named
from harness.engine.ledger import Ledger
from harness.engine.plan import ACCOUNT, PLAN, PROJECT
from harness.engine.sync import SyncEngine
from tests.support.engine import GRANTS, grants
from tests.support.json2 import Json2Sim, json2_simulator


@pytest.fixture
def server() -> Iterator[Json2Sim]:
    with json2_simulator() as sim:
        yield sim


def client(
    server: Json2Sim, tmp_path: Path, key: str | None = None, db: str = "odoo", sleeps: list[float] | None = None
) -> OdooClient:
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    return OdooClient(
        server.url,
        db,
        "admin",
        key or server.key,
        tenant="acme",
        ledger=ledger,
        api="json2",
        retry=RetryPolicy(attempts=4, sleep=(sleeps if sleeps is not None else []).append),
    )


def sync(c: OdooClient, text: str = GRANTS):
    return SyncEngine(c, c.ledger).sync(grants(text))


# -- naming execute_kw's positional arguments ---------------------------------------------------


def test_positional_arguments_get_19s_parameter_names() -> None:
    assert named("search_read", [[("code", "=", "X")]], {"fields": ["name"], "context": {"active_test": False}}) == {
        "domain": [("code", "=", "X")],
        "fields": ["name"],
        "context": {"active_test": False},
    }
    assert named("create", [[{"name": "A"}]], {}) == {"vals_list": [{"name": "A"}]}
    assert named("write", [[4, 5], {"active": False}], {}) == {"ids": [4, 5], "vals": {"active": False}}
    assert named("read_group", [[], ["amount:sum"], ["account_id"]], {"lazy": True}) == {
        "domain": [],
        "fields": ["amount:sum"],
        "groupby": ["account_id"],
        "lazy": True,
    }
    assert named("anything", [], {"allfields": ["x"]}) == {"allfields": ["x"]}  # keywords go as they are


def test_every_method_the_client_may_send_can_be_named() -> None:
    assert READ_METHODS | {"create", "write"} <= set(json2.PARAMETERS)


def test_unnameable_arguments_raise_before_anything_is_sent(server: Json2Sim, tmp_path: Path) -> None:
    with pytest.raises(UnnamedArguments, match="'search_fetch' cannot be named"):
        named("search_fetch", [[]], {})
    with pytest.raises(UnnamedArguments, match="fields given both by position and by name"):
        named("search_read", [[], ["name"]], {"fields": ["id"]})
    c = client(server, tmp_path)
    c.authenticate()
    calls = c.counters.calls
    with pytest.raises(UnnamedArguments):
        c.read(ACCOUNT, "search_count", [[], 5, "extra"])
    assert c.counters.calls == calls and len(c.ledger.log_rows("acme")) == calls


# -- the engine over JSON-2 ---------------------------------------------------------------------


def test_first_sync_resync_and_rename(server: Json2Sim, tmp_path: Path) -> None:
    c = client(server, tmp_path)
    first = sync(c)
    assert (first.created, first.failed, first.deprecated_calls) == (14, [], 0)
    assert c.uid == 2 and first.capabilities.series == "19.0" and first.capabilities.multi_plan
    assert server.count(ACCOUNT) == 9 and server.count(PROJECT) == 2
    again = sync(c)
    assert (again.created, again.updated, again.mutations, again.failed) == (0, 0, 0, [])
    renamed = sync(c, GRANTS.replace("Civic Voices Uganda", "Civic Voices Uganda II"))
    assert (renamed.created, renamed.updated, renamed.mutations, renamed.failed) == (0, 2, 2, [])
    assert server.count(PROJECT, [["name", "=", "Civic Voices Uganda II"]]) == 1
    assert set(c.counters.by_endpoint) == {"/json/version", "/json/2"}


def test_the_sync_log_measures_every_call_and_the_key_goes_only_in_the_header(server: Json2Sim, tmp_path: Path) -> None:
    c = client(server, tmp_path)
    result = sync(c)
    rows = [row for row in c.ledger.log_rows("acme") if row["outcome"] == "sent"]
    assert len(rows) == result.calls == len(server.received)
    assert all(row["http_status"] == 200 and row["response_size"] > 0 and row["latency_ms"] > 0 for row in rows)
    assert [row["entity"] for row in rows[:2]] == ["json.version", "res.users.context_get"]
    creates = [row for row in rows if row["method"] == "create"]
    assert [row["idempotency_key"].split(" ")[0] for row in creates] == [
        "acme:plan:project:create",
        "acme:account:project/PRJ-001:create",
        "acme:project:PRJ-001:create",
    ]
    posts = [(path, headers, body) for path, headers, body in server.received if path != "/json/version"]
    assert all(
        headers["Authorization"] == f"bearer {server.key}" and headers["X-Odoo-Database"] == "odoo"
        for _path, headers, _body in posts
    )
    assert all(server.key.encode() not in body for _path, _headers, body in server.received)
    first_create = next(json.loads(body) for path, _h, body in posts if path.endswith("/create"))
    assert list(first_create) == ["vals_list"]
    states = c.ledger.states(row["idempotency_key"] for row in rows if row["idempotency_key"])
    assert server.key not in repr(c.ledger.log_rows()) + repr(c) + repr(c.wire) + repr(states)


def test_a_lost_answer_is_read_back_not_created_twice(server: Json2Sim, tmp_path: Path) -> None:
    server.set_faults([{"model": ACCOUNT, "method": "create", "action": "drop_response_after_commit", "times": 1}])
    sleeps: list[float] = []
    c = client(server, tmp_path, sleeps=sleeps)
    result = sync(c)
    assert result.ok, result.failed
    assert server.count(ACCOUNT) == 9 and server.count(ACCOUNT, [["code", "=", "PRJ-001"]]) == 1
    creates = [e for e in server.app.journal("odoo")["odoo"] if e["model"] == ACCOUNT and e["method"] == "create"]
    assert len(creates) == 1 and creates[0]["committed"]
    assert len(sleeps) == 1
    lost = [row for row in c.ledger.log_rows("acme") if row["error"] and "Disconnected" in row["error"]]
    assert len(lost) == 1 and lost[0]["http_status"] is None and lost[0]["method"] == "create"


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ({"action": "odoo_fault", "fault": "serialization_failure"}, 500),  # 19.0 gave up retrying it
        ({"action": "http_status", "status": 503}, 503),  # a gateway's page
        ({"action": "odoo_fault", "fault": "lock_error"}, 409),  # Odoo's LockError
    ],
)
def test_transient_answers_are_retried(server: Json2Sim, tmp_path: Path, fault: dict, status: int) -> None:
    server.set_faults([{"model": PROJECT, "method": "create", "times": 2, **fault}])
    sleeps: list[float] = []
    c = client(server, tmp_path, sleeps=sleeps)
    result = sync(c)
    assert result.ok, result.failed
    assert server.count(PROJECT) == 2 and len(sleeps) == 2
    assert [row["http_status"] for row in c.ledger.log_rows("acme") if row["error"]] == [status, status]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (
            {"fault": "access_error", "message": "You are not allowed to create 'Project' (project.project) records."},
            "HTTP 403 odoo.exceptions.AccessError: You are not allowed to create 'Project' (project.project) records.",
        ),
        (
            {"fault": "validation_error"},
            "HTTP 422 odoo.exceptions.ValidationError: The operation cannot be completed.",
        ),
        (  # an exception JSON-2 maps to no status of its own, not a transient one
            {"fault": "internal_error", "message": "BaseModel._read_format() got an unexpected keyword argument 'x'"},
            "HTTP 500 builtins.Exception: BaseModel._read_format() got an unexpected keyword argument 'x'",
        ),
        (
            {
                "fault": "access_error",
                "message": "Private methods (such as 'res.users.exists') cannot be called remotely.",
            },
            "HTTP 403 odoo.exceptions.AccessError: Private methods (such as 'res.users.exists') cannot be called",
        ),
    ],
)
def test_permanent_answers_are_not_retried(server: Json2Sim, tmp_path: Path, fault: dict, error: str) -> None:
    server.set_faults([{"model": PROJECT, "method": "create", "action": "odoo_fault", "times": 1, **fault}])
    sleeps: list[float] = []
    result = sync(client(server, tmp_path, sleeps=sleeps))
    assert sleeps == [] and [entity for entity, _e in result.failed] == ["project/PRJ-001", "project/PRJ-002"]
    assert result.failed[0][1].startswith(error)


def test_a_wrong_key_or_database_fails_the_sync_plainly(server: Json2Sim, tmp_path: Path) -> None:
    wrong = "0" * 40
    result = sync(client(server, tmp_path, key=wrong))
    assert result.failed == [("connection", "HTTP 401 werkzeug.exceptions.Unauthorized: Invalid apikey")]
    missing = sync(client(server, tmp_path, db="nope"))
    assert missing.failed == [("connection", "HTTP 404 database 'nope' does not exist")]


def test_the_guard_refuses_before_sending(server: Json2Sim, tmp_path: Path) -> None:
    c = client(server, tmp_path)
    sync(c)
    received = len(server.received)
    for model in ("res.partner", "account.move", "account.account"):
        with pytest.raises(ForbiddenModelError, match=f"refused: {model} is not in the allow-list"):
            c.mutate(model, "write", [[1], {"name": "x"}], entity="test", key=f"acme:test:{model}", retry=False)
    with pytest.raises(ForbiddenModelError, match="not a read method"):
        c.read("res.partner", "unlink", [[1]])
    assert len(server.received) == received and c.counters.refused == 3


def test_an_echoed_key_is_scrubbed_from_errors(server: Json2Sim, tmp_path: Path) -> None:
    echo = {"action": "odoo_fault", "fault": "user_error", "message": f"bad key {server.key}", "times": 1}
    server.set_faults([{"model": PLAN, "method": "search_read", **echo}])
    c = client(server, tmp_path)
    c.authenticate()
    with pytest.raises(OdooCallError) as info:
        c.read(PLAN, "search_read", [[]], {"fields": ["name"]})
    assert str(info.value) == "HTTP 422 odoo.exceptions.UserError: bad key ***"
    assert server.key not in repr(c.ledger.log_rows())
