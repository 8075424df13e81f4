"""The admin pages tell the truth at a glance: sync runs, recovered calls, the health timeline,
the sorted tenants list and the access token, in a real browser (Debian's chromium).

Seeded the honest way: real syncs into a simulator (a lost create answer the engine reads back,
a wrong password), real health rounds through an outage of the password and its recovery.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from markupsafe import escape
from werkzeug.test import Client

from harness.dashboard.app import SECURITY_HEADERS, DashboardApp
from harness.dashboard.data import Dashboard
from harness.engine.client import OdooClient, RetryPolicy
from harness.engine.ledger import Ledger
from harness.engine.sync import SyncEngine
from harness.health.tenants import parse_tenants
from simulator.server import LoopbackServer
from tests.support.browser import chromium, screenshot
from tests.support.engine import grants
from tests.support.health import at, free_port, make_monitor, set_faults, simulator, tenant, tenants_yaml

SECRET = "Runs-Secret-pw-5512"
TOKEN = "dash-token-7f3c9a1e5b"
NOW = at(10)
REFUSED = "authentication refused for login 'admin' on database 'odoo'"


@dataclass
class Seeded:
    tenants_text: str
    ledger: str
    server_calls: int

    def app(self, token: str | None = None) -> DashboardApp:
        return DashboardApp(Dashboard(parse_tenants(self.tenants_text), self.ledger), now=lambda: NOW, token=token)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    ledger_url = f"sqlite:///{tmp_path_factory.mktemp('runs') / 'ledger.sqlite'}"
    with simulator() as sim:
        sim.app.registry.get("odoo").passwords[2] = SECRET
        ledger = Ledger(ledger_url)

        def engine(tenant_id: str, password: str) -> SyncEngine:
            client = OdooClient(
                sim.url,
                "odoo",
                "admin",
                password,
                tenant=tenant_id,
                ledger=ledger,
                retry=RetryPolicy(sleep=lambda s: 0),
            )
            return SyncEngine(client, ledger)

        rule = {"model": "account.analytic.account", "method": "create", "action": "drop_response_after_commit"}
        set_faults(sim, [{**rule, "times": 1}])
        assert engine("acme", SECRET).sync(grants()).ok  # a lost answer, read back
        assert not engine("acme", "wrong-password").sync(grants()).ok  # refused: exit 1 on the command line
        assert engine("beta", SECRET).sync(grants().model_copy(update={"tenant": "beta"})).ok
        server_calls = sim.app.stats()["calls"]
        text = tenants_yaml(
            [
                tenant("acme", sim.url, password_env="RUNS_PW"),
                tenant("beta", sim.url, password_env="RUNS_PW"),
                tenant("down", f"http://127.0.0.1:{free_port()}", password_env="RUNS_PW"),
            ]
        )
        environ = {"RUNS_PW": SECRET}
        monitor = make_monitor(text, ledger_url, [], environ)
        for number in range(10):  # green, then 25 minutes refused (an incident, an alert), then green again
            environ["RUNS_PW"] = "rotated-elsewhere" if 2 <= number <= 6 else SECRET
            monitor.tick(at(number))
        yield Seeded(text, ledger_url, server_calls)


def get(app: DashboardApp, path: str) -> tuple[int, str]:
    response = Client(app).get(path)
    return response.status_code, response.get_data(as_text=True)


def page_json(seeded: Seeded, tenant_id: str, query: str = "") -> dict:
    status, body = get(seeded.app(), f"/admin/tenants/{tenant_id}/odoo.json{query}")
    assert status == 200, body
    return json.loads(body)


def test_a_sync_refused_for_a_wrong_password_is_a_failed_run(seeded: Seeded) -> None:
    runs = page_json(seeded, "acme")["runs"]
    assert [run["outcome"] for run in runs] == ["failed", "ok"]  # newest first
    assert REFUSED in runs[0]["error"] and runs[0]["calls"] >= 1 and runs[0]["ended_at"]
    assert runs[1]["writes"] >= 1 and runs[1]["error"] is None
    problems = page_json(seeded, "acme", "?problems=1")["runs"]
    assert [run["id"] for run in problems] == [runs[0]["id"]]
    _status, html = get(seeded.app(), "/admin/tenants")
    assert 'data-failed-runs="1"' in html.split('data-tenant="acme"')[1].split("</tr>")[0]


def test_every_call_row_belongs_to_its_run_and_the_run_page_lists_them(seeded: Seeded) -> None:
    rows = Ledger(seeded.ledger).log_rows()
    assert rows and all(row["run_id"] for row in rows)
    runs = page_json(seeded, "acme")["runs"]
    status, html = get(seeded.app(), f"/admin/tenants/acme/runs/{runs[0]['id']}")
    assert status == 200 and str(escape(REFUSED)) in html and "common.authenticate" in html
    assert get(seeded.app(), f"/admin/tenants/beta/runs/{runs[0]['id']}")[0] == 404  # another tenant's run


def test_the_refused_login_call_is_failed_on_its_own_row(seeded: Seeded) -> None:
    """Odoo answered the wrong password with HTTP 200 and ``False``: the call is not ``ok``."""
    failed_run = page_json(seeded, "acme")["runs"][0]
    status, html = get(seeded.app(), f"/admin/tenants/acme/runs/{failed_run['id']}")
    [login] = [row for row in html.split('<tr class="status-')[1:] if "common.authenticate" in row]
    assert status == 200 and login.startswith('failed"') and str(escape(REFUSED)) in login
    logins = [row for row in page_json(seeded, "acme", "?problems=1")["sync_log"] if row["method"] is None]
    assert [(row["entity"], row["status"], row["run_id"]) for row in logins if row["error"]] == [
        ("common.authenticate", "failed", failed_run["id"])
    ]


def test_a_lost_answer_read_back_is_recovered_and_still_one_row_per_call(seeded: Seeded) -> None:
    problems = page_json(seeded, "acme", "?problems=1")["sync_log"]
    [recovered] = [row for row in problems if row["status"] == "recovered"]
    assert "RemoteDisconnected" in recovered["error"] and recovered["method"] == "create"
    first_run = page_json(seeded, "acme")["runs"][-1]
    assert [row["status"] for row in problems if row["run_id"] == first_run["id"]] == ["recovered"]
    sent = [row for row in Ledger(seeded.ledger).log_rows() if row["outcome"] == "sent"]
    assert len(sent) == seeded.server_calls  # invariant 4


def test_the_health_timeline_and_its_latency_chart(seeded: Seeded) -> None:
    timeline = page_json(seeded, "acme")["timeline"]
    states = [check["state"] for check in timeline["checks"]]
    assert states == ["green"] * 2 + ["red"] * 5 + ["green"] * 3  # a refused login is red at once
    [incident] = timeline["incidents"]
    assert incident["opened_at"] and incident["closed_at"]
    assert [notice["kind"] for notice in timeline["notices"]] == ["alert", "recovery"]
    status, html = get(seeded.app(), "/admin/tenants/acme/odoo")
    assert status == 200 and '<svg id="latency-chart"' in html and "<polyline" in html and "ms" in html
    assert "<script" not in html and " style=" not in html  # the strict CSP stays as it was
    assert SECURITY_HEADERS["Content-Security-Policy"].startswith("default-src 'none'; style-src 'self';")


def test_the_health_events_are_one_list_newest_first(seeded: Seeded) -> None:
    """State changes, incidents (opened and closed), alerts and recoveries, in time order."""
    events = page_json(seeded, "acme")["timeline"]["events"]
    assert [(event["at"][11:16], event["kind"]) for event in events] == [
        ("00:35", "recovery"),
        ("00:35", "incident closed"),
        ("00:35", "state"),
        ("00:30", "alert"),
        ("00:10", "incident opened"),
        ("00:10", "state"),
        ("00:00", "state"),
    ]
    _status, html = get(seeded.app(), "/admin/tenants/acme/odoo")
    table = html.split('<table id="events">')[1].split("</table>")[0]
    rows = [row for row in table.split("<tr class=")[1:] if not row.startswith('"day"')]
    shown = [row.split("<td")[1].split('title="')[1].split('"')[0] for row in rows]
    assert shown == sorted(shown, reverse=True) and len(shown) == len(events)


def test_the_tenants_list_shows_health_errors_and_sorts(seeded: Seeded) -> None:
    _status, html = get(seeded.app(), "/admin/tenants")
    down = html.split('data-tenant="down"')[1].split("</tr>")[0]
    assert "Connection refused" in down and "since 2024-05-01 00:05" in down  # amber at 00:00, red from 00:05

    def order(query: str) -> list[str]:
        status, page = get(seeded.app(), f"/admin/tenants{query}")
        assert status == 200, page
        return [part.split('"')[0] for part in page.split('<tr data-tenant="')[1:]]

    assert order("?sort=name") == ["acme", "beta", "down"]
    assert order("?sort=state") == ["down", "acme", "beta"]  # red first; then green by name
    assert order("?sort=failed")[0] == "acme"
    assert order("?sort=since")[0] == "down"  # the longest in its state first
    assert get(seeded.app(), "/admin/tenants?sort=colour")[0] == 400


def test_the_token_gate(seeded: Seeded) -> None:
    client = Client(seeded.app(token=TOKEN))
    refused = client.get("/admin/tenants/acme/odoo")
    assert refused.status_code == 401 and TOKEN not in refused.get_data(as_text=True)
    assert '<form method="post" action="/login"' in refused.get_data(as_text=True)
    assert client.get("/admin/tenants.json").status_code in (401, 404)
    wrong = client.post("/login", data={"token": "guess", "next": "/admin/tenants"})
    assert wrong.status_code == 403 and "guess" not in wrong.get_data(as_text=True)
    right = client.post("/login", data={"token": TOKEN, "next": "/admin/tenants/acme/odoo"})
    assert right.status_code == 303 and right.headers["Location"] == "/admin/tenants/acme/odoo"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert client.get("/admin/tenants/acme/odoo").status_code == 200
    bearer = Client(seeded.app(token=TOKEN)).get("/admin/tenants", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200
    away = client.post("/login", data={"token": TOKEN, "next": "https://elsewhere.example/"})
    assert away.headers["Location"] == "/admin/tenants"  # never sent off the dashboard


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_the_dashboard_command_reads_the_token_from_the_environment_only(tmp_path) -> None:
    unset = run_cli("dashboard", "--ledger", f"sqlite:///{tmp_path / 'l.sqlite'}", "--token-env", "NO_SUCH_TOKEN_VAR")
    assert unset.returncode == 2 and "NO_SUCH_TOKEN_VAR" in unset.stderr and len(unset.stderr.splitlines()) == 1
    helped = run_cli("dashboard", "--help")
    assert "--token-env" in helped.stdout
    for option in ("--tenants", "--ledger", "--port", "--token-env"):
        described = " ".join(helped.stdout.split(option, 2)[-1].split("--")[0].split())
        assert "default" in described, (option, described)


@pytest.mark.parametrize("command", [["dashboard"], ["health", "tick", "--tenants", "TENANTS"]])
def test_a_ledger_that_is_not_a_url_is_one_line_and_no_file(tmp_path, command: list[str]) -> None:
    tenants_file = tmp_path / "tenants.yaml"
    tenants_file.write_text(tenants_yaml([tenant("acme", "http://127.0.0.1:9")]))
    args = [str(tenants_file) if part == "TENANTS" else part for part in command]
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", *args, "--ledger", "notaurl"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "'notaurl'" in done.stderr and "not a ledger URL" in done.stderr
    assert not (tmp_path / "notaurl").exists()


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator:
    yield from chromium()


@pytest.fixture(scope="module")
def pages(seeded: Seeded) -> Iterator[str]:
    with LoopbackServer(seeded.app(), "dashboard-runs-test") as server:
        yield server.url


def no_console_errors(browser, expected: str = "") -> None:
    """No CSP violation nor any other error (but ``expected``, the token gate's own 401)."""
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert [entry for entry in severe if not (expected and expected in entry["message"])] == []


def test_in_a_browser_the_failed_sync_and_the_recovered_call(browser, pages: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(pages + "/admin/tenants/acme/odoo?problems=1")
    [failed] = browser.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
    assert "failed" in failed.text and REFUSED in failed.text
    assert "248, 215, 218" in failed.find_element(By.CSS_SELECTOR, ".outcome").value_of_css_property("background-color")
    recovered = browser.find_element(By.CSS_SELECTOR, "#log tr.status-recovered")
    assert "recovered" in recovered.text and "RemoteDisconnected" in recovered.text
    screenshot(browser, "dashboard-failed-run-and-recovered-call")
    failed.find_element(By.TAG_NAME, "a").click()
    assert "common.authenticate" in browser.find_element(By.ID, "log").text
    screenshot(browser, "dashboard-run-page")
    no_console_errors(browser)


def test_in_a_browser_the_timeline_and_chart(browser, pages: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(pages + "/admin/tenants/acme/odoo")
    chart = browser.find_element(By.ID, "latency-chart")
    assert chart.size["width"] > 300 and chart.size["height"] > 100
    bands = browser.find_elements(By.CSS_SELECTOR, "#latency-chart rect.band-red")
    assert bands and bands[0].value_of_css_property("fill") != bands[0].value_of_css_property("stroke")
    events = browser.find_element(By.ID, "timeline").text
    assert "alert" in events and "recovery" in events and "incident" in events
    browser.execute_script("document.getElementById('timeline').scrollIntoView()")
    screenshot(browser, "dashboard-health-timeline")
    no_console_errors(browser)


PAGE_FITS = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_in_a_browser_the_sync_log_fits_the_page_with_long_errors(browser, pages: str) -> None:
    """At 1280 px no column is cut: no horizontal scrollbar, the long errors wrap inside the page."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    runs = page_json_in(browser, pages)["runs"]
    for path in ("/admin/tenants/acme/odoo", f"/admin/tenants/acme/runs/{runs[-1]['id']}", "/admin/tenants"):
        browser.get(pages + path)
        assert browser.execute_script(PAGE_FITS), path
    browser.get(pages + "/admin/tenants/acme/odoo")
    recovered = browser.find_element(By.CSS_SELECTOR, "#log tr.status-recovered td.error")
    assert "RemoteDisconnected: Remote end closed connection without response" in recovered.text
    right = browser.execute_script("return arguments[0].getBoundingClientRect().right", recovered)
    assert right <= browser.execute_script("return document.documentElement.clientWidth")
    assert browser.find_element(By.CSS_SELECTOR, "#log tr.day").text  # the date, once per day of rows
    browser.execute_script("document.getElementById('sync-log').scrollIntoView()")
    screenshot(browser, "dashboard-sync-log-fits")
    assert browser.execute_script(PAGE_FITS)
    no_console_errors(browser)


def page_json_in(browser, pages: str) -> dict:
    from selenium.webdriver.common.by import By

    browser.get(pages + "/admin/tenants/acme/odoo.json")
    return json.loads(browser.find_element(By.TAG_NAME, "body").text)


def test_in_a_browser_the_tenants_list_sorts(browser, pages: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(pages + "/admin/tenants")
    browser.find_element(By.LINK_TEXT, "failed runs (24 h)").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#tenants tbody tr")
    assert "sort=failed" in browser.current_url and rows[0].get_attribute("data-tenant") == "acme"
    assert "Connection refused" in browser.find_element(By.CSS_SELECTOR, 'tr[data-tenant="down"]').text
    screenshot(browser, "dashboard-tenants-sorted")
    no_console_errors(browser)


def test_in_a_browser_the_token_gate(browser, seeded: Seeded) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    with LoopbackServer(seeded.app(token=TOKEN), "dashboard-token-test") as server:
        browser.get(server.url + "/admin/tenants/acme/odoo")
        assert "401" in browser.title
        screenshot(browser, "dashboard-token-gate")
        browser.find_element(By.NAME, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "form button").click()
        # the login posts, then comes back to the page; while the documents change, chromedriver may
        # answer "Node with given id does not belong to the document" instead of a stale element
        WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
            lambda b: (
                b.execute_script("return document.readyState") == "complete" and not b.find_elements(By.NAME, "token")
            )
        )
        assert browser.current_url == server.url + "/admin/tenants/acme/odoo"
        assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("acme")
        assert TOKEN not in browser.page_source
        no_console_errors(browser, expected="status of 401")
