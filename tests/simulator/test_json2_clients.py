"""odooly (PyPI, unmodified) over Odoo 19.0's JSON-2 API against the simulator, answered as real 19.0 answered it.

odooly 2.6 logs in with an API key alone (``Client(server, db, user, api_key=KEY)``: ``context_get`` over
``/json/2``), names positional arguments from ``/doc-bearer/<model>.json`` and calls every model method
through ``/json/2``. It goes through ``tests/simulator/test_client_libraries.py``'s scenarios (a session,
reads, a fresh database's models, writes, errors) plus what JSON-2 adds (a key made through the API), and
every step must give what it gave on a real 19.0: ``tests/support/client_answers.py`` holds those answers
(client ``odooly-json2``), recorded by ``python -m tests.simulator.test_json2_clients URL DB "REFRESH"``,
where REFRESH is a shell command that makes DB fresh and prints a new API key for admin, its only output
(the key stays out of the command line and of every file), e.g. ``real-odoo.sh fresh 19.0 DB >/dev/null &&
real-odoo.sh apikey 19.0 DB``.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import odooly
import pytest

from simulator.app import SimulatorApp
from simulator.server import SimServer
from tests.simulator.test_client_libraries import SCENARIOS, Adapter, Odooly, Plain, observe
from tests.support.client_answers import expected

CLIENT = "odooly-json2"
VERSION = "19.0"
PASSWORD = "admin"  #: admin's, on a fresh database (real and simulated)
KEY = re.compile(r"[0-9a-f]{40}")


class OdoolyJson2(Odooly):
    """Odooly given an API key instead of a password: JSON-2 for every call (19.0+)."""

    name = CLIENT

    def __init__(self, url: str, db: str, login: str, key: str) -> None:
        Adapter.__init__(self, url, db, login, key)
        # odooly keeps one environment per server, database and user for the whole process, with the key it
        # was made with: each scenario starts as a new process would (its database, and so its key, is new)
        odooly.Env._cache.clear()
        self.client = odooly.Client(url, db, login, api_key=key)
        self.env = self.client.env


def scenario_apikeys(c: OdoolyJson2) -> dict[str, Plain]:
    """A key made through the API as odooly makes one (``generate_api_key``: the description wizard's
    ``make_key``, which over JSON-2 answers the password check, whose ``run_check`` odooly calls with the
    password its user types at its prompt), then used: odooly calls on with the new key. (Outside its
    interactive shell odooly 2.6.7 fails once the key is set: ``connect`` is "Not available".)"""
    with mock.patch.object(odooly, "getpass", lambda _prompt: PASSWORD):  # the user types admin's password
        seen = observe(made=lambda: bool(KEY.fullmatch(c.env.generate_api_key())))
    seen.update(
        observe(
            keys=lambda: c.search_read("res.users.apikeys", [("name", "like", "Odooly")], ["name", "scope"]),
            context=lambda: c.call("res.users", "context_get"),
        )
    )
    return seen


#: The scenarios over JSON-2: test_client_libraries' and the one JSON-2 adds.
JSON2_SCENARIOS: dict[str, Callable[[Any], dict[str, Plain]]] = {**SCENARIOS, "apikeys": scenario_apikeys}


def run_scenario(topic: str, url: str, db: str, key: str) -> dict[str, Plain]:
    """odooly through one scenario over JSON-2, on any server: the simulator here, a real 19.0 when recording."""
    try:
        adapter = OdoolyJson2(url, db, "admin", key)
    except Exception as exc:  # a failed login is an answer too
        return {"connect": [f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc)]}
    return JSON2_SCENARIOS[topic](adapter)


def record(url: str, db: str, refresh: str) -> dict[str, dict[str, Plain]]:
    """Every scenario on a real server, each on a database ``refresh`` (a shell command) made fresh, with
    the key it printed (its whole output)."""
    answers = {}
    for topic in JSON2_SCENARIOS:
        key = subprocess.run(refresh, shell=True, check=True, capture_output=True, text=True).stdout.strip()
        answers[topic] = run_scenario(topic, url, db, key)
    return answers


# --- the tests: every step, against the simulator ---------------------------------------------------


class Simulator:
    """One fresh 19.0 simulator for the module, each scenario run once and its answers kept, each on a
    database reset first and with a new key, as the recording made the real one fresh for each."""

    def __init__(self) -> None:
        self.server = SimServer(SimulatorApp(VERSION, fresh=True)).__enter__()
        self.answers: dict[str, dict[str, Plain]] = {}

    def observe(self, topic: str) -> dict[str, Plain]:
        if topic not in self.answers:
            app = self.server.app
            app.reset()
            self.answers[topic] = run_scenario(topic, self.server.url, "odoo", app.issue_api_key("admin"))
        return self.answers[topic]


@pytest.fixture(scope="module")
def simulator() -> Iterator[Simulator]:
    sim = Simulator()
    yield sim
    sim.server.__exit__(None, None, None)


def steps() -> Iterator[Any]:
    for topic in JSON2_SCENARIOS:
        for step in expected(CLIENT, topic, VERSION):
            yield pytest.param(topic, step, id=f"{topic}-{step}")


@pytest.mark.parametrize(("topic", "step"), list(steps()))
def test_odooly_over_json2_gets_the_real_answer(simulator: Simulator, topic: str, step: str) -> None:
    answers = simulator.observe(topic)
    assert answers.get(step, "step not observed") == expected(CLIENT, topic, VERSION)[step]


@pytest.mark.parametrize("topic", list(JSON2_SCENARIOS))
def test_odooly_over_json2_takes_every_step(simulator: Simulator, topic: str) -> None:
    """No step appears or vanishes: a failed login (``connect``) or an adapter change shows here."""
    assert sorted(simulator.observe(topic)) == sorted(expected(CLIENT, topic, VERSION))


if __name__ == "__main__":  # python -m tests.simulator.test_json2_clients URL DB "REFRESH COMMAND"
    with contextlib.redirect_stdout(sys.stderr):
        recorded = record(*sys.argv[1:4])
    json.dump(recorded, sys.stdout, indent=1, sort_keys=True, default=repr)
