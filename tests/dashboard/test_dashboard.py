"""The admin pages: a tenant's sync log and health pill, in a real browser (Debian's chromium).

The ledger is filled the honest way: real syncs into a simulator under faults (a lost
create, a proxy's 503), a mutation the guard refuses, and real health rounds against a
tenant that answers and one that does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.test import Client

from harness.dashboard.app import SECURITY_HEADERS, DashboardApp
from harness.dashboard.data import PAGE_SIZE, Dashboard
from harness.engine.client import ForbiddenModelError, OdooClient, RetryPolicy
from harness.engine.ledger import Ledger, LogRow
from harness.engine.sync import SyncEngine
from harness.health.tenants import parse_tenants
from simulator.server import LoopbackServer
from tests.support.browser import chromium
from tests.support.engine import GRANTS, grants
from tests.support.health import at, free_port, make_monitor, set_faults, simulator, tenant, tenants_yaml

SECRET = "Dashboard-Secret-pw-4410"
NOW = at(3)


@dataclass
class Seeded:
    tenants_text: str
    ledger: str

    def app(self) -> DashboardApp:
        return DashboardApp(Dashboard(parse_tenants(self.tenants_text), self.ledger), now=lambda: NOW)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("dashboard")
    ledger_url = f"sqlite:///{folder / 'ledger.sqlite'}"
    with simulator() as sim:
        sim.app.registry.get("odoo").passwords[2] = SECRET
        ledger = Ledger(ledger_url)
        client = OdooClient(
            sim.url, "odoo", "admin", SECRET, tenant="acme", ledger=ledger, retry=RetryPolicy(sleep=lambda s: None)
        )
        engine = SyncEngine(client, ledger)
        set_faults(
            sim,
            [
                {
                    "model": "account.analytic.account",
                    "method": "create",
                    "action": "drop_response_after_commit",
                    "times": 1,
                },
                {"model": "project.project", "method": "create", "action": "http_status", "status": 503, "times": 1},
            ],
        )
        assert engine.sync(grants()).ok
        for number in range(12):  # re-syncs, each renaming a line: enough rows for two pages
            assert engine.sync(grants(GRANTS.replace("name: Laptops", f"name: Laptops {number}"))).ok
        with pytest.raises(ForbiddenModelError):
            client.mutate(
                "res.partner", "write", [[1], {"name": "x"}], entity="partner", key="acme:partner:1:x", retry=False
            )
        text = tenants_yaml(
            [
                tenant("acme", sim.url, password_env="DASH_PW"),
                tenant("down", f"http://127.0.0.1:{free_port()}", password_env="DASH_PW"),
            ]
        )
        monitor = make_monitor(text, ledger_url, [], {"DASH_PW": SECRET})
        for number in range(3):
            monitor.tick(at(number))
        yield Seeded(text, ledger_url)


def get(seeded: Seeded, path: str) -> tuple[int, str, dict]:
    response = Client(seeded.app()).get(path)
    return response.status_code, response.get_data(as_text=True), dict(response.headers)


def log(seeded: Seeded, query: str = "") -> dict:
    status, body, _headers = get(seeded, f"/admin/tenants/acme/odoo.json{query}")
    assert status == 200, body
    return json.loads(body)


def test_the_overview_shows_each_tenant_with_its_pill_and_counts(seeded: Seeded) -> None:
    status, html, headers = get(seeded, "/admin/tenants")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert 'data-state="green">green</span>' in html and 'data-state="red">red</span>' in html
    assert 'href="/admin/tenants/acme/odoo"' in html and 'href="/admin/tenants/down/odoo"' in html


def test_the_sync_log_is_newest_first_a_page_at_a_time(seeded: Seeded) -> None:
    first = log(seeded)
    rows = Ledger(seeded.ledger).log_rows("acme")
    assert [r["id"] for r in first["sync_log"]] == [r["id"] for r in reversed(rows)][:PAGE_SIZE]
    assert first["older"] == first["sync_log"][-1]["id"] and len(rows) > PAGE_SIZE
    second = log(seeded, f"?before={first['older']}")
    assert [r["id"] for r in second["sync_log"]] == [r["id"] for r in reversed(rows)][PAGE_SIZE : 2 * PAGE_SIZE]
    assert first["health"]["state"] == "green" and first["login"] == "admin"
    assert {
        "ts",
        "entity",
        "operation",
        "idempotency_key",
        "http_status",
        "response_size",
        "latency_ms",
        "error",
        "status",
    } <= set(first["sync_log"][0])


def test_problems_and_key_filters(seeded: Seeded) -> None:
    problems = log(seeded, "?problems=1")["sync_log"]
    assert sorted({row["status"] for row in problems}) == ["failed", "recovered", "refused"]
    assert any(row["http_status"] == 503 and row["status"] == "failed" for row in problems)
    assert any(row["status"] == "recovered" and "RemoteDisconnected" in row["error"] for row in problems)
    assert any(row["status"] == "refused" and "res.partner" in row["error"] for row in problems)
    keyed = log(seeded, "?key=PRJ-002/3.2")["sync_log"]
    assert keyed and all("PRJ-002/3.2" in row["idempotency_key"] for row in keyed)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "/admin/tenants/nobody/odoo",
            404,
            "No tenant &#39;nobody&#39; in the tenants file or the ledger (known: acme, down).",
        ),
        ("/admin/tenants/acme/odoo?before=abc", 400, "before=&#39;abc&#39;: expected a sync_log row id"),
        ("/admin/tenants/acme/odoo?problems=yes", 400, "problems=&#39;yes&#39;: expected 1"),
        ("/admin/tenants/acme/odoo?key=" + "k" * 201, 400, "key: at most 200 characters."),
    ],
)
def test_bad_requests_say_what_is_wrong(seeded: Seeded, path: str, status: int, message: str) -> None:
    code, html, _headers = get(seeded, path)
    assert code == status and message in html


def test_no_page_holds_a_password(seeded: Seeded) -> None:
    pages = [
        get(seeded, path)[1]
        for path in (
            "/admin/tenants",
            "/admin/tenants/acme/odoo",
            "/admin/tenants/acme/odoo?problems=1",
            "/admin/tenants/down/odoo",
            "/admin/tenants/acme/odoo.json",
        )
    ]
    assert all(SECRET not in page for page in pages)


def test_what_odoo_said_is_escaped(tmp_path: Path) -> None:
    ledger_url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    Ledger(ledger_url).log(
        LogRow(
            "acme",
            "plan",
            "create",
            "acme:plan:x:create",
            "sent",
            http_status=200,
            error="fault 2: <script>alert(1)</script>",
        )
    )
    app = DashboardApp(Dashboard(parse_tenants(tenants_yaml([tenant("acme", "http://127.0.0.1:9")])), ledger_url))
    html = Client(app).get("/admin/tenants/acme/odoo").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator:
    yield from chromium()


@pytest.fixture(scope="module")
def pages(seeded: Seeded) -> Iterator[str]:
    with LoopbackServer(seeded.app(), "dashboard-test") as server:
        yield server.url


def follow(browser, element) -> None:
    """Click and wait for the next page (another URL) to be loaded: never read the old page's nodes."""
    from selenium.webdriver.support.wait import WebDriverWait

    before = browser.current_url
    element.click()
    WebDriverWait(browser, 10).until(
        lambda b: b.current_url != before and b.execute_script("return document.readyState") == "complete"
    )


def log_rows(browser) -> list:
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, "#log tbody tr[data-id]")  # not the date rows


def test_in_a_browser_the_pills_are_coloured_and_the_log_pages_and_filters_work(browser, pages: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(pages + "/")  # redirected to the overview
    assert browser.current_url == pages + "/admin/tenants" and browser.title == "Tenants · odoo-harness"
    colour = {
        pill.text: pill.value_of_css_property("background-color")
        for pill in browser.find_elements(By.CSS_SELECTOR, "#tenants .pill")
    }
    assert set(colour) == {"green", "red"} and colour["green"] != colour["red"]  # the stylesheet applies

    follow(browser, browser.find_element(By.LINK_TEXT, "acme"))
    assert browser.find_element(By.CSS_SELECTOR, "h1 .pill").text == "green"
    first = [int(row.get_attribute("data-id")) for row in log_rows(browser)]
    assert len(first) == PAGE_SIZE and first == sorted(first, reverse=True)
    follow(browser, browser.find_element(By.ID, "older"))
    older = [int(row.get_attribute("data-id")) for row in log_rows(browser)]
    assert older and max(older) < min(first)

    follow(browser, browser.find_element(By.ID, "newest"))
    browser.find_element(By.NAME, "problems").click()
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form button"))
    statuses = {row.find_elements(By.TAG_NAME, "td")[2].text for row in log_rows(browser)}
    assert statuses == {"failed", "recovered", "refused"} and "problems=1" in browser.current_url
    failed = browser.find_element(By.CSS_SELECTOR, "tr.status-failed")
    assert "255, 245, 245" in failed.value_of_css_property("background-color")

    browser.find_element(By.NAME, "problems").click()  # the form kept it ticked: untick
    browser.find_element(By.NAME, "key").send_keys("PRJ-002/3.2")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form button"))
    keys = [row.find_element(By.CSS_SELECTOR, "td.key").text for row in log_rows(browser)]
    assert keys and all("PRJ-002/3.2" in key for key in keys)
    assert SECRET not in browser.page_source
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []  # no CSP violation


def test_in_a_browser_a_tenant_that_never_answered(browser, pages: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(pages + "/admin/tenants/down/odoo")
    assert browser.find_element(By.CSS_SELECTOR, "h1 .pill").text == "red"
    assert "Connection refused" in browser.find_element(By.ID, "health-detail").text
    assert browser.find_element(By.ID, "empty").text == "No sync log rows."


def test_the_dashboard_command_serves_until_terminated(seeded: Seeded, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import urllib.request

    tenants_file = tmp_path / "tenants.yaml"
    tenants_file.write_text(seeded.tenants_text)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "harness.cli",
        "dashboard",
        "--tenants",
        str(tenants_file),
        "--ledger",
        seeded.ledger,
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith(f"admin pages on http://127.0.0.1:{port}/admin/tenants")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/tenants/acme/odoo", timeout=10) as page:
            assert page.status == 200 and b'data-state="green"' in page.read()
        busy = subprocess.run(command, capture_output=True, text=True, timeout=30)
        assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_the_dashboard_command_names_a_bad_tenants_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from harness.cli import main

    bad = tmp_path / "tenants.yaml"
    bad.write_text("tenants:\n  - {id: Acme!, url: x}\n")
    assert main(["dashboard", "--tenants", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "invalid tenants file" in err and f"{bad}:2" in err


def test_without_a_tenants_file_the_ledgers_tenants_are_shown(seeded: Seeded) -> None:
    app = DashboardApp(Dashboard(None, seeded.ledger), now=lambda: NOW)
    html = Client(app).get("/admin/tenants").get_data(as_text=True)
    assert html.count("not in the tenants file") == 2 and 'data-state="red"' in html  # acme synced; down checked
    page = json.loads(Client(app).get("/admin/tenants/acme/odoo.json").get_data(as_text=True))
    assert page["url"] is None and len(page["sync_log"]) == PAGE_SIZE


def test_a_browser_asking_for_an_icon_gets_no_error(seeded: Seeded) -> None:
    status, body, _headers = get(seeded, "/favicon.ico")
    assert (status, body) == (204, "")


def test_a_tenant_synced_after_start_shows_without_a_restart(tmp_path: Path) -> None:
    ledger_url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    client = Client(DashboardApp(Dashboard(None, ledger_url)))
    assert client.get("/admin/tenants/late/odoo").status_code == 404
    Ledger(ledger_url).log(LogRow("late", "plan", "create", "late:plan:x:create", "sent", http_status=200))
    assert client.get("/admin/tenants/late/odoo").status_code == 200


@pytest.mark.parametrize("before", ["99999999999999999999", "9223372036854775808", "\u00b2", "0", "-1", " 7"])
def test_a_before_past_any_row_id_is_a_400_with_the_pages_headers(seeded: Seeded, before: str) -> None:
    """A row id is a positive SQL BIGINT: anything else (a number SQLite cannot hold, a digit that is
    not ASCII) is the client's mistake, said on a page with the same security headers as every page."""
    status, html, headers = get(seeded, f"/admin/tenants/acme/odoo?before={quote(before)}")
    assert (status, headers["Content-Security-Policy"]) == (400, SECURITY_HEADERS["Content-Security-Policy"])
    assert "expected a sync_log row id (a whole number from 1 to 9223372036854775807)" in html
    assert get(seeded, "/admin/tenants/acme/odoo?before=9223372036854775807")[0] == 200
