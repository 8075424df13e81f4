"""A cassette's interactions as calls: what was asked of which model, and what came back.

Replay reports speak in these terms ("account.analytic.account.create"), not in XML or in
JSON-2's paths (``POST /json/2/<model>/<method>``, whose named arguments are the call's one
argument), and comparing two conversations (a customer's Odoo against a simulator) needs
answers that do not depend on one database's ids: ``IdSymbols`` names every record id per
model, by order of first appearance (``account.analytic.account#1``, ...), wherever an id
stands, on both sides alike.
"""

from __future__ import annotations

import difflib
import json
import xmlrpc.client
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.calls import decode_request
from harness.cassettes.cassette import load_document
from harness.cassettes.transport import ERROR_HEADER, NO_ANSWER
from harness.diff import Difference, classify
from harness.parity.corpus import normalise

#: The kind of a difference that is only the order of the same records: listed, not a failure.
ORDER_ONLY = "order only"
#: Methods whose whole answer is ids of the model called.
ID_ANSWERS = frozenset({"create", "search", "copy"})
#: Which model an id field points to, for the fields a sync touches; any other ``*_id`` field
#: is its own namespace (consistent on both sides, only never linked to a model's ids).
RELATIONS = {
    "plan_id": "account.analytic.plan",
    "root_plan_id": "account.analytic.plan",
    "analytic_account_id": "account.analytic.account",
    "account_id": "account.analytic.account",
    "auto_account_id": "account.analytic.account",
    "partner_id": "res.partner",
    "company_id": "res.company",
    "user_id": "res.users",
    "uid": "res.users",
    "create_uid": "res.users",
    "write_uid": "res.users",
    "project_id": "project.project",
    "currency_id": "res.currency",
}


#: Where JSON-2 calls a model's method (``/json/2/<model>/<method>``), and where it gives its version.
JSON2_CALL, JSON2_VERSION = "/json/2/", "/json/version"


@dataclass(frozen=True)
class Call:
    number: int
    service: str  # an XML-RPC service, ``json2`` for a JSON-2 call, ``json`` for its version
    method: str  # the XML-RPC method, or model.method for execute_kw and JSON-2
    args: Any  # XML-RPC's positional arguments, or JSON-2's named ones
    answer: Any

    @property
    def label(self) -> str:
        return f"#{self.number:03} {self.service} {self.method}"

    def describe(self) -> str:
        text = json.dumps(self.args, default=str)
        return f"{self.service} {self.method} {text if len(text) <= 160 else text[:157] + '...'}"


class IdSymbols:
    """Record ids named ``model#n`` by order of first appearance per model: the same record
    keeps its name, and two models' ids never share one."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, int], str] = {}
        self.counts: Counter[str] = Counter()

    def name(self, model: str, record_id: int) -> str:
        if (model, record_id) not in self.names:
            self.counts[model] += 1
            self.names[model, record_id] = f"{model}#{self.counts[model]}"
        return self.names[model, record_id]

    def __call__(self, value: Any, model: str, ids_of: str | None = None) -> Any:
        """``value`` with its ids named; ``model`` is the model called, ``ids_of`` the model
        the ints here are ids of (None: they are not ids)."""
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return self.name(ids_of, value) if ids_of else value
        if isinstance(value, dict):
            return {key: self(item, model, _relation(key, model) or ids_of) for key, item in value.items()}
        if isinstance(value, list):
            if len(value) == 3 and isinstance(value[0], str) and _relation(value[0], model):  # a domain leaf
                return [value[0], value[1], self(value[2], model, _relation(value[0], model))]
            self._name_records_by_content(value, model)
            return [self(item, model, ids_of) for item in value]
        return value

    def _name_records_by_content(self, records: list, model: str) -> None:
        """Name a list's records in the order of their contents, not of the list: Odoo
        leaves ties in ``_order`` to PostgreSQL, whose sort is not stable, so two servers
        may list the same records in another order."""
        if records and all(isinstance(r, dict) and isinstance(r.get("id"), int) for r in records):
            for record in sorted(records, key=lambda r: json.dumps({**r, "id": None}, sort_keys=True, default=str)):
                self.name(model, record["id"])


def load_calls(path: Path, db: str | None = None) -> list[Call]:
    """Every interaction of the cassette at ``path``, decoded and normalised."""
    document = load_document(path.read_text(encoding="utf-8"))
    symbols = IdSymbols()
    return [
        _call(number, interaction, symbols, db) for number, interaction in enumerate(document["interactions"], start=1)
    ]


def compare_calls(a: list[Call], b: list[Call]) -> list[Difference]:
    """Differences between two conversations, aligned on the calls made (an extra or a
    missing call does not shift every later comparison)."""
    differences: list[Difference] = []
    matcher = difflib.SequenceMatcher(None, [c.method for c in a], [c.method for c in b], autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            for left, right in zip(a[a_start:a_end], b[b_start:b_end], strict=True):
                if left.args != right.args:
                    differences.append(Difference(left.label, "request", left.args, right.args))
                kind = classify(left.answer, right.answer)
                if kind and _same_records(left.answer, right.answer):
                    kind = ORDER_ONLY
                if kind:
                    differences.append(Difference(left.label, kind, left.answer, right.answer))
            continue
        differences += [Difference(c.label, "only in A", c.describe(), None) for c in a[a_start:a_end]]
        differences += [Difference(c.label, "only in B", None, c.describe()) for c in b[b_start:b_end]]
    return differences


def decode_call(path: str, body: str | bytes | None) -> tuple[str, str, Any]:
    """(service, method, arguments) of one request of either wire, without its secret: JSON-2's
    key is in a header, never in the body."""
    if path.startswith(JSON2_CALL):
        model, _slash, method = path.removeprefix(JSON2_CALL).partition("/")
        return "json2", f"{model}.{method}", json.loads(body) if body else {}
    if path == JSON2_VERSION:
        return "json", "version", {}
    return decode_request(path, body)


def _call(number: int, interaction: dict, symbols: IdSymbols, db: str | None) -> Call:
    request, response = interaction["request"], interaction["response"]
    path = urlsplit(request["uri"]).path
    service, method, args = decode_call(path, request["body"])
    answer = _answer(response, db, json2=path.startswith((JSON2_CALL, JSON2_VERSION)))
    model, _dot, orm_method = method.rpartition(".")
    model = model or service
    if isinstance(args, dict):  # JSON-2's named arguments: their names say which hold ids
        args = symbols(normalise(args, db), model)
    else:
        args = [symbols(arg, model, model if _is_id_list(arg) else None) for arg in normalise(args, db)]
    answer_ids = "res.users" if method in ("authenticate", "login") else model if orm_method in ID_ANSWERS else None
    return Call(number, service, method, args, symbols(answer, model, answer_ids))


def _answer(response: dict, db: str | None, json2: bool) -> Any:
    status = response["status"]["code"]
    if status == NO_ANSWER:
        lost = {name.lower(): value for name, value in response["headers"].items()}.get(ERROR_HEADER.lower())
        return {"error": f"no answer: {(lost or ['?'])[0]}"}
    if json2:
        return _json2_answer(status, response["status"]["message"], response["body"]["string"], db)
    if status != 200:
        return {"error": f"HTTP {status} {response['status']['message']}"}
    try:
        (answer,), _method = xmlrpc.client.loads(response["body"]["string"], use_datetime=False)
    except xmlrpc.client.Fault as fault:
        return {"fault": fault.faultCode, "string": normalise(fault.faultString, db)}
    return normalise(answer, db)


def _json2_answer(status: int, reason: str, body: str | bytes, db: str | None) -> Any:
    """The result of a 200; Odoo's error object as a fault (its exception's name, its message);
    anything else (a gateway's page) as an HTTP error, as XML-RPC's are."""
    try:
        answer = json.loads(body)
    except ValueError:
        return {"error": f"HTTP {status} {reason}"}
    if status == 200:
        return normalise(answer, db)
    if isinstance(answer, dict) and "name" in answer:
        return {"fault": answer["name"], "status": status, "string": normalise(str(answer.get("message", "")), db)}
    return {"error": f"HTTP {status} {reason}"}


def _same_records(a: Any, b: Any) -> bool:
    """Two lists holding the same items, in another order."""
    if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
        return False
    canonical = lambda items: sorted(json.dumps(i, sort_keys=True, default=str) for i in items)  # noqa: E731
    return canonical(a) == canonical(b)


def _relation(name: Any, model: str) -> str | None:
    """The model an id field points to; None for a field that holds no ids."""
    if not isinstance(name, str):
        return None
    if name in ("id", "ids", "parent_id", "child_ids"):
        return model
    return RELATIONS.get(name) or (name if name.endswith(("_id", "_ids")) else None)


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
