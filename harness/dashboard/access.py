"""The optional access token of the admin pages (``dashboard --token-env VAR``).

For teams that share the pages: every page asks for the token, given as ``Authorization: Bearer
TOKEN`` (scripts) or through the small form a refused page shows (browsers), which sets an
HttpOnly, SameSite=Strict cookie. The cookie holds an HMAC of the token, never the token. Every
comparison is of HMACs, in constant time (not even the token's length shows); no page, header or
log line ever shows what was typed.
"""

from __future__ import annotations

import hashlib
import hmac

from werkzeug.exceptions import Forbidden, Unauthorized
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

COOKIE = "odoo_harness_dashboard"
HOME = "/admin/tenants"


class Access:
    def __init__(self, token: str) -> None:
        self._key = token.encode()
        self._cookie = self._digest(token)

    def _digest(self, given: str) -> bytes:
        return hmac.new(self._key, b"odoo-harness dashboard " + given.encode(), hashlib.sha256).hexdigest().encode()

    def _matches(self, given: str) -> bool:
        return hmac.compare_digest(self._digest(given), self._cookie)

    def check(self, request: Request) -> None:
        """Pass a request that carries the token (header) or the login cookie; else 401."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and self._matches(header.removeprefix("Bearer ")):
            return
        if hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), self._cookie):
            return
        raise Unauthorized("This dashboard is shared with an access token: enter it to see the pages.")

    def log_in(self, request: Request) -> Response:
        """The form's POST: the cookie and back to the page first asked for, or 403."""
        if not self._matches(request.form.get("token", "")):
            raise Forbidden("That is not this dashboard's access token.")
        response = redirect(_local(request.form.get("next", "")), code=303)
        response.set_cookie(COOKIE, self._cookie.decode(), httponly=True, samesite="Strict", path="/")
        return response


def _local(target: str) -> str:
    """A page of this dashboard (a path), never another site (``//host``, ``https://...``)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME
