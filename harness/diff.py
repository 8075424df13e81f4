"""Differential mode: the same conversation sent to two targets, every difference reported.

This measures the simulator against a real Odoo of the same version (nothing may differ
outside the committed, explained allow-list) and shows QA what a new Odoo version
changes (sim:17.0 against sim:18.0, or a real server against the next). The
conversation is the targets' wire's. Over XML-RPC, the parity script
(``harness/parity/conversation.py``): every endpoint, fault, ORM method, domain operator and
analytic behaviour, on records it creates, so both targets need a fresh database. Over
JSON-2, the JSON-2 script (``harness/parity/json2_script.py``, the requests recorded from a
real 19.0): keys, databases, routing, dispatch, the ORM and the analytic models; it names
ids, so both need a fresh database too. Its exchanges that need what no target offers
(other users' keys, made in Odoo's shell; a web session) are not sent, and are listed as such.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.parity import json2_script
from harness.parity.conversation import run_conversation, used_database
from harness.parity.corpus import load_corpus
from harness.targets import Target
from harness.versions import corpus_path, validated_versions
from harness.yamlfile import LOADER, YamlFileError, line_numbers, read_yaml


@dataclass(frozen=True)
class Difference:
    label: str
    kind: str  # only in A | only in B | fault vs answer | fault | shape | value
    a: Any
    b: Any

    def describe(self) -> str:
        return f"{self.label} [{self.kind}]\n    A: {_short(self.a)}\n    B: {_short(self.b)}"


@dataclass
class DiffReport:
    a: str
    b: str
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    allowed: dict[str, str] = field(default_factory=dict)  # label -> reason, for differences allowed
    not_sent: dict[str, str] = field(default_factory=dict)  # label -> what it needs that no target has
    hints: list[str] = field(default_factory=list)  # why differences may not be the servers' own

    @property
    def unexplained(self) -> list[Difference]:
        return [d for d in self.differences if d.label not in self.allowed]

    def text(self) -> str:
        lines = [
            f"{self.a} against {self.b}: {self.compared} exchanges, {len(self.differences)} different, "
            f"{len(self.unexplained)} outside the allow-list"
            + (f", {len(self.not_sent)} not sent" if self.not_sent else "")
        ]
        lines += [f"hint: {hint}" for hint in self.hints]
        if self.not_sent:
            lines.append(
                "not sent (they need other users' keys, made in Odoo's shell, or a web session): "
                + ", ".join(f"{label} (needs {needs})" for label, needs in self.not_sent.items())
            )
        for difference in self.differences:
            reason = self.allowed.get(difference.label)
            lines.append(("allowed: " + reason + "\n  " if reason else "") + difference.describe())
        return "\n".join(lines)


def converse(target: Target) -> list[dict]:
    """The target's answers to its wire's conversation: ``{label, answer}`` per exchange, or
    ``{label, not_sent}`` for one the target could not be sent."""
    with target.start() as endpoint:
        if endpoint.api == "json2":
            return json2_script.converse(endpoint.url, {"db": endpoint.db, "key": endpoint.secret})
        return run_conversation(endpoint.url, endpoint.db, endpoint.login, endpoint.password)


def compare(a_name: str, a: list[dict], b_name: str, b: list[dict], allow: dict[str, str]) -> DiffReport:
    report = DiffReport(a_name, b_name)
    report.not_sent = {e["label"]: e["not_sent"] for e in (*a, *b) if "not_sent" in e}
    answers_a = {e["label"]: e["answer"] for e in a if "answer" in e}
    answers_b = {e["label"]: e["answer"] for e in b if "answer" in e}
    labels = list(dict.fromkeys([*answers_a, *answers_b]))
    report.compared = len(labels)
    for label in labels:
        kind = classify(answers_a.get(label, _MISSING), answers_b.get(label, _MISSING))
        if kind:
            report.differences.append(Difference(label, kind, answers_a.get(label), answers_b.get(label)))
    report.allowed = {d.label: allow[d.label] for d in report.differences if d.label in allow}
    if report.differences:
        report.hints = [
            f"{name}: {hint}"
            for name, answers in ((a_name, answers_a), (b_name, answers_b))
            if (hint := _used(answers))
        ]
    return report


def _used(answers: dict[str, Any]) -> str | None:
    """Whether a target's database was used before, judged against the corpus of the version it
    answers as (none: no hint)."""
    answer = answers.get("common.version")
    info = answer.get("ok") if isinstance(answer, dict) else None
    version = info.get("server_serie") if isinstance(info, dict) else None
    if not isinstance(version, str) or corpus_path(version) is None:
        return None
    return used_database(answers, {e["label"]: e["answer"] for e in load_corpus(version)["exchanges"]})


_MISSING = object()
#: The keys of an answer of the JSON-2 script (``json2_script.normalise``).
JSON2_ANSWER = {"status", "headers", "body"}


def classify(a: Any, b: Any) -> str | None:
    """What kind of difference two normalised answers show, or None when identical."""
    if a == b:
        return None
    if a is _MISSING:
        return "only in B"
    if b is _MISSING:
        return "only in A"
    fault_a, fault_b = _is_fault(a), _is_fault(b)
    if fault_a != fault_b:
        return "fault vs answer"
    if fault_a:
        return "fault"
    return "shape" if _shape(a) != _shape(b) else "value"


def load_allow_list(path: Path | None) -> dict[str, str]:
    """``label: reason`` pairs (YAML); every allowed difference must say why."""
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlFileError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    data = read_yaml(text, str(path)) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise YamlFileError([f"{path}: the allow-list maps exchange labels to a non-empty reason each"])
    return data


def check_labels(allow: dict[str, str], valid: Collection[str], path: Path) -> None:
    """Refuse an allow-list naming a label nothing is compared under: a typo would explain nothing
    and hide that the difference it meant is still reported."""
    unknown = [label for label in allow if label not in valid]
    if not unknown:
        return
    line = line_numbers(yaml.compose(path.read_text(encoding="utf-8"), Loader=LOADER)).get((unknown[0],), 1)
    raise YamlFileError([f"{path}:{line}: unknown label {unknown[0]!r}; {_labels_text(unknown[0], valid)}"])


def _labels_text(label: str, valid: Collection[str]) -> str:
    """The valid labels: all of them when few, else the closest ones and how many there are."""
    if len(valid) <= 20:
        return f"the labels: {', '.join(sorted(valid))}"
    close = difflib.get_close_matches(label, valid, n=3, cutoff=0.5)
    return (f"did you mean {' or '.join(close)}? " if close else "") + (
        f"{len(valid)} labels in all, as `diff --json` names them"
    )


def conversation_labels(api: str) -> set[str]:
    """Every exchange label of the wire's conversation: the recorded corpora's (16.0 has a few of
    its own), or the JSON-2 script's."""
    if api == "json2":
        return {e["label"] for e in json2_script.load(json2_script.newest())["exchanges"]}
    return {e["label"] for version in validated_versions() for e in load_corpus(version)["exchanges"]}


def readable_diff(a: Any, b: Any, limit: int = 40) -> list[str]:
    """A unified diff of two values pretty-printed, at most ``limit`` lines of at most 160
    characters: a whole request or answer on one line cannot be read."""
    pretty = lambda value: json.dumps(value, indent=1, sort_keys=True, default=str).splitlines()  # noqa: E731
    lines = [
        line[:157] + "..." if len(line) > 160 else line
        for line in difflib.unified_diff(pretty(a), pretty(b), "A", "B", lineterm="", n=2)
    ]
    return lines if len(lines) <= limit else [*lines[:limit], f"... ({len(lines) - limit} more lines)"]


def write_json(report: DiffReport, path: Path) -> None:
    path.write_text(
        json.dumps(
            {
                "a": report.a,
                "b": report.b,
                "compared": report.compared,
                "differences": [
                    {"label": d.label, "kind": d.kind, "a": d.a, "b": d.b, "allowed": report.allowed.get(d.label)}
                    for d in report.differences
                ],
                "not_sent": report.not_sent,
            },
            indent=1,
            default=str,
        )
    )


def _is_fault(answer: Any) -> bool:
    """An XML-RPC fault or error, or an HTTP answer of the JSON-2 script that is no result (any
    status but 2xx: Odoo's error object, a redirect to the login page, a 404 page)."""
    if not isinstance(answer, dict):
        return False
    if answer.keys() == JSON2_ANSWER:
        return not 200 <= answer["status"] < 300
    return "fault" in answer or "error" in answer


def _shape(value: Any) -> Any:
    """Types and keys, without the values."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return ["list", _shape(value[0]) if value else None]
    return type(value).__name__


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 240 else text[:237] + "..."
