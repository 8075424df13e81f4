"""The control APIs a scenario drives besides Odoo's own, over HTTP.

``FaultsControl`` is the fault proxy's (the same API the simulator serves): the fault rules
and the calls received, which is where the engine's calls are counted. ``SimulatorControl``
is the simulator's, for what no Odoo lets a client do: create and drop databases, change a
password behind the engine's back, read the journal of mutations. A real Odoo has none, and
the steps that need it are skipped there.

A control API started with a token (``odoo-harness simulate --control-token-env VAR``, the same for
``proxy``) is sent it from the environment variable ``ODOO_CONTROL_TOKEN``, never from argv.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from harness.errors import HarnessError
from harness.targets import Endpoint

TIMEOUT = 30.0
#: The environment variable holding the control API's token, when the server was given one.
CONTROL_TOKEN_ENV = "ODOO_CONTROL_TOKEN"


class ControlError(HarnessError, RuntimeError):
    """A control API that refused a request or did not answer; the message says which."""


def control_headers() -> dict[str, str]:
    """What every control API request carries: its JSON type, and the token if the environment has one."""
    token = os.environ.get(CONTROL_TOKEN_ENV)
    return {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}


def _request(url: str, method: str = "GET", payload: Any = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=control_headers())
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise ControlError(f"{method} {url}: HTTP {exc.code}: {exc.read()[:300].decode(errors='replace')}") from None
    except OSError as exc:
        raise ControlError(f"{method} {url}: {exc}") from None


class FaultsControl:
    """``/__sim__/faults`` and ``/__sim__/stats`` of a fault proxy or a simulator."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def replace(self, rules: list[dict[str, Any]]) -> None:
        _request(f"{self.url}/__sim__/faults", "POST", rules)

    def clear(self) -> None:
        _request(f"{self.url}/__sim__/faults", "DELETE")

    def calls(self) -> dict[str, int]:
        """The calls received so far, by ``model.method`` (``common.authenticate`` for services)."""
        return _request(f"{self.url}/__sim__/stats")["by_method"]


class SimulatorControl(FaultsControl):
    """The simulator's own control API."""

    def create_database(self, name: str) -> None:
        _request(f"{self.url}/__sim__/databases", "POST", {"name": name})

    def drop_database(self, name: str) -> None:
        _request(f"{self.url}/__sim__/databases/{urllib.parse.quote(name, safe='')}", "DELETE")

    def set_password(self, db: str, login: str, password: str) -> None:
        _request(f"{self.url}/__sim__/passwords", "POST", {"db": db, "login": login, "password": password})

    def issue_api_key(self, db: str, login: str, key: str | None = None) -> str:
        """A new API key of ``login`` (``key``: that one, as a restored backup holds it)."""
        payload = {"db": db, "login": login, **({"key": key} if key else {})}
        return _request(f"{self.url}/__sim__/apikeys", "POST", payload)["key"]

    def revoke_api_keys(self, db: str, login: str) -> None:
        _request(f"{self.url}/__sim__/apikeys?{urllib.parse.urlencode({'db': db, 'login': login})}", "DELETE")

    def install_secret(self, db: str, endpoint: Endpoint, secret: str) -> None:
        """The engine's secret in a database made after the scenario began: its password, or on
        JSON-2 its API key."""
        if endpoint.api == "json2":
            self.issue_api_key(db, endpoint.login, secret)
        else:
            self.set_password(db, endpoint.login, secret)

    def journal(self, db: str) -> list[dict[str, Any]]:
        """Every mutating ORM call the database received: model, method, ids, uid, committed."""
        return _request(f"{self.url}/__sim__/journal?{urllib.parse.urlencode({'db': db})}")[db]
