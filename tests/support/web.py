"""The web client's side of a session, for the simulator's JSON routes."""

from __future__ import annotations

import http.client
import json


class WebClient:
    """One browser: a kept connection and its session cookie, posting JSON-RPC as the web client does."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))
        self.cookie = ""

    def post(self, path: str, params: dict) -> dict:
        headers = {"Content-Type": "application/json", **({"Cookie": self.cookie} if self.cookie else {})}
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 3}
        self.connection.request("POST", path, json.dumps(payload), headers)
        response = self.connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/json; charset=utf-8"
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return json.loads(response.read())
