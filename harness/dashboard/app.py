"""The admin pages over WSGI: werkzeug routing, Jinja2 templates (autoescaped), JSON too.

    /admin/tenants                      every tenant: health pill, calls and failures in 24 h
    /admin/tenants/<tenant>/odoo        one tenant: health, and its sync log a page at a time
    /admin/tenants/<tenant>/odoo.json   the same as JSON
    ?before=<id>  older rows   ?problems=1  failed calls and refusals only   ?key=<text>  keys containing it

Responses forbid scripts, frames and third-party content (Content-Security-Policy).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from harness.dashboard.data import PAGE_SIZE, Dashboard

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
MAX_KEY = 200
#: The largest row id a ledger holds (SQL BIGINT, SQLite's INTEGER): a larger ``before`` is no row's.
MAX_ROW_ID = 2**63 - 1
#: A row id as a URL writes it: ASCII digits, no sign or blank (``str.isdigit`` takes "²" too).
ROW_ID = re.compile(r"[1-9][0-9]{0,18}")


class DashboardApp:
    def __init__(self, dashboard: Dashboard, now: Callable[[], dt.datetime] | None = None) -> None:
        self.dashboard = dashboard
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.urls = Map(
            [
                Rule("/", endpoint="home"),
                Rule("/admin/tenants", endpoint="tenants"),
                Rule("/admin/tenants/<tenant>/odoo", endpoint="tenant"),
                Rule("/admin/tenants/<tenant>/odoo.json", endpoint="tenant_json"),
                Rule("/static/dashboard.css", endpoint="css"),
                Rule("/favicon.ico", endpoint="favicon"),
            ]
        )

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        try:
            endpoint, values = self.urls.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request, **values)
        except HTTPException as exc:
            response = self._page("error.html", exc.code or 500, code=exc.code, name=exc.name, message=exc.description)
        response.headers.update(SECURITY_HEADERS)
        return response(environ, start_response)

    # -- pages ----------------------------------------------------------------------------

    def on_home(self, request: Request) -> Response:
        return redirect("/admin/tenants")

    def on_tenants(self, request: Request) -> Response:
        return self._page("tenants.html", 200, summaries=self.dashboard.overview(self.now()))

    def on_tenant(self, request: Request, tenant: str) -> Response:
        context = self._tenant_context(request, tenant)
        return self._page("tenant.html", 200, **context)

    def on_tenant_json(self, request: Request, tenant: str) -> Response:
        context = self._tenant_context(request, tenant)
        found, health = context["tenant"], context["health"]
        checked = {
            name: getattr(health, name) if health else None
            for name in ("since", "last_ok", "checked_at", "latency_ms", "error")
        }
        body = {
            "tenant": tenant,
            "url": found.url,
            "db": found.db,
            "login": found.login,
            "health": {"state": context["pill"].state, **checked},
            "sync_log": context["page"].rows,
            "older": context["page"].older,
        }
        return Response(json.dumps(body, default=_json_value, indent=1), mimetype="application/json")

    def on_favicon(self, request: Request) -> Response:
        """No icon, and no 404 for the browser to log."""
        return Response(status=204)

    def on_css(self, request: Request) -> Response:
        return Response((HERE / "static" / "dashboard.css").read_bytes(), mimetype="text/css")

    # -- helpers ----------------------------------------------------------------------------

    def _tenant_context(self, request: Request, tenant: str) -> dict[str, Any]:
        known = self.dashboard.tenants()
        found = known.get(tenant)
        if found is None:
            raise NotFound(
                f"No tenant {tenant!r} in the tenants file or the ledger (known: {', '.join(known) or 'none'})."
            )
        before, problems, key = _filters(request)
        pill, health = self.dashboard.tenant_health(tenant)
        page = self.dashboard.log(tenant, before, problems, key)
        return {
            "tenant": found,
            "pill": pill,
            "health": health,
            "page": page,
            "before": before,
            "problems": problems,
            "key": key or "",
            "page_size": PAGE_SIZE,
        }

    def _page(self, template: str, status: int, **context: Any) -> Response:
        html = self.templates.get_template(template).render(now=self.now(), **context)
        return Response(html, status=status, mimetype="text/html")


def _filters(request: Request) -> tuple[int | None, bool, str | None]:
    before_text = request.args.get("before", "")
    if before_text and not (ROW_ID.fullmatch(before_text) and int(before_text) <= MAX_ROW_ID):
        raise BadRequest(f"before={before_text!r}: expected a sync_log row id (a whole number from 1 to {MAX_ROW_ID}).")
    key = request.args.get("key", "").strip()
    if len(key) > MAX_KEY:
        raise BadRequest(f"key: at most {MAX_KEY} characters.")
    problems = request.args.get("problems", "")
    if problems not in ("", "0", "1"):
        raise BadRequest(f"problems={problems!r}: expected 1 (failed calls and refusals only) or 0.")
    return int(before_text) if before_text else None, problems == "1", key or None


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
