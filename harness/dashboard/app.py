"""The admin pages over WSGI: werkzeug routing, Jinja2 templates (autoescaped), JSON too.

    /admin/tenants                      every tenant: health pill, error and since when, runs in 24 h
                                        ?sort=name|state|since|failed
    /admin/tenants/<tenant>/odoo        one tenant: health, its timeline and latency chart, its sync
                                        runs, and its sync log a page at a time
    /admin/tenants/<tenant>/odoo.json   the same as JSON
    /admin/tenants/<tenant>/runs/<id>   one sync run and every call it sent
    ?before=<id>  older rows   ?problems=1  failed runs, failed calls and refusals only
    ?key=<text>  keys containing it

Responses forbid scripts, frames and third-party content (Content-Security-Policy). With an access
token (``dashboard --token-env VAR``) every page but the stylesheet asks for it: an
``Authorization: Bearer`` header, or the cookie the login form sets (``access.py``).
"""

from __future__ import annotations

import datetime as dt
import enum
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

from harness.dashboard.access import Access
from harness.dashboard.data import PAGE_SIZE, SORTS, Dashboard

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
    def __init__(
        self, dashboard: Dashboard, now: Callable[[], dt.datetime] | None = None, token: str | None = None
    ) -> None:
        self.dashboard = dashboard
        self.access = Access(token) if token else None
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
                Rule("/admin/tenants/<tenant>/runs/<int(max=9223372036854775807):run_id>", endpoint="run"),
                Rule("/login", endpoint="login", methods=["POST"]),
                Rule("/static/dashboard.css", endpoint="css"),
                Rule("/favicon.ico", endpoint="favicon"),
            ]
        )

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        try:
            endpoint, values = self.urls.bind_to_environ(environ).match()
            if self.access and endpoint not in ("css", "favicon", "login"):
                self.access.check(request)
            response = getattr(self, f"on_{endpoint}")(request, **values)
        except HTTPException as exc:
            asked = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
            response = self._page(
                "error.html", exc.code or 500, code=exc.code, name=exc.name, message=exc.description, asked=asked
            )
        response.headers.update(SECURITY_HEADERS)
        return response(environ, start_response)

    # -- pages ----------------------------------------------------------------------------

    def on_home(self, request: Request) -> Response:
        return redirect("/admin/tenants")

    def on_tenants(self, request: Request) -> Response:
        sort = request.args.get("sort", "name")
        if sort not in SORTS:
            raise BadRequest(f"sort={sort!r}: expected one of {', '.join(SORTS)}.")
        return self._page("tenants.html", 200, summaries=self.dashboard.overview(self.now(), sort), sort=sort)

    def on_run(self, request: Request, tenant: str, run_id: int) -> Response:
        found, calls = self.dashboard.run(tenant, run_id)
        if found is None:
            raise NotFound(f"No sync run {run_id} of tenant {tenant!r}.")
        return self._page("run.html", 200, tenant=tenant, run=found, rows=calls)

    def on_login(self, request: Request) -> Response:
        """The token form's answer: the cookie and back to the page asked for, or 403."""
        if self.access is None:
            raise NotFound("This dashboard has no access token.")
        return self.access.log_in(request)

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
            "runs": context["runs"],
            "timeline": {
                "checks": [vars(check) for check in context["timeline"].checks],
                "incidents": [vars(incident) for incident in context["timeline"].incidents],
                "notices": [vars(notice) for notice in context["timeline"].notices],
                "events": [vars(event) for event in context["timeline"].events],
            },
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
            "runs": self.dashboard.runs(tenant, problems),
            "timeline": self.dashboard.timeline(tenant),
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
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"not JSON: {type(value).__name__}")
