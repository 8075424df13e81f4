"""The tenants file: docs/formats.md's shape, optional sinks and thresholds, errors naming file, line, path, field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from harness.health.alerts import JsonlSink, SmtpSink, StreamSink, WebhookSink, build_sinks
from harness.health.states import Thresholds
from harness.health.tenants import TenantsError, load_tenants, parse_tenants

DESIGN_EXAMPLE = """\
tenants:
  - {id: acme, url: "http://127.0.0.1:8069", db: odoo, login: admin, password_env: ACME_ODOO_PASSWORD}
alerts:
  - {jsonl: alerts.jsonl}
"""

FULL = """\
tenants:
  - {id: acme, url: "http://127.0.0.1:8069/", db: odoo, login: admin, password_env: ACME_ODOO_PASSWORD}
  - id: beta
    url: https://beta.example.org
    db: beta-prod
    login: integration@beta.example.org
    password_env: BETA_ODOO_PASSWORD
alerts:
  - {jsonl: out/alerts.jsonl}
  - {webhook: "http://127.0.0.1:9/hook"}
  - smtp:
      host: 127.0.0.1
      port: 2525
      from: harness@example.org
      to: support@example.org
  - {stdout: true}
  - {stderr: true}
thresholds: {slow_ms: 500, failures_to_red: 3, alert_after_minutes: 30}
"""


def test_the_design_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text(DESIGN_EXAMPLE)
    config = load_tenants(path)
    [acme] = config.tenants
    assert (acme.id, acme.url, acme.db, acme.login, acme.password_env) == (
        "acme",
        "http://127.0.0.1:8069",
        "odoo",
        "admin",
        "ACME_ODOO_PASSWORD",
    )
    assert config.thresholds.thresholds() == Thresholds()  # the documented defaults
    [sink] = build_sinks(config.alerts, path.parent)
    assert sink == JsonlSink(tmp_path / "alerts.jsonl")  # relative to the tenants file, not the cwd


def test_every_sink_and_thresholds(tmp_path: Path) -> None:
    config = parse_tenants(FULL)
    assert [t.id for t in config.tenants] == ["acme", "beta"]
    assert config.tenants[0].url == "http://127.0.0.1:8069"  # trailing slash dropped
    assert config.thresholds.thresholds() == Thresholds(500, 3, dt.timedelta(minutes=30))
    sinks = build_sinks(config.alerts, tmp_path)
    assert [type(s) for s in sinks] == [JsonlSink, WebhookSink, SmtpSink, StreamSink, StreamSink]
    assert [s.key for s in sinks] == [
        f"jsonl:{tmp_path}/out/alerts.jsonl",
        "webhook:http://127.0.0.1:9/hook",
        "smtp:127.0.0.1:2525:support@example.org",
        "stdout",
        "stderr",
    ]
    assert sinks[2].settings.to == ["support@example.org"] and sinks[2].settings.sender == "harness@example.org"


def _error(text: str) -> str:
    with pytest.raises(TenantsError) as info:
        parse_tenants(text, "tenants.yaml")
    return str(info.value)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("password_env: ACME_ODOO_PASSWORD", "password: hunter2"),
            [
                "tenants.yaml:2: tenants[0].password_env: Field required",
                "tenants.yaml:2: tenants[0].password: Extra inputs are not permitted",
            ],
        ),
        (
            ("password_env: BETA_ODOO_PASSWORD", "password_env: BETA-PASSWORD"),
            ["tenants.yaml:7: tenants[1].password_env: String should match pattern"],
        ),
        (
            ("url: https://beta.example.org", "url: https://user:pw@beta.example.org"),
            ["tenants.yaml:4: tenants[1].url: must not carry credentials"],
        ),
        (
            ("url: https://beta.example.org", "url: ftp://beta.example.org"),
            ["tenants.yaml:4: tenants[1].url: must be an http:// or https:// URL with a host"],
        ),
        (("id: beta", "id: acme"), ["tenants.yaml:1: tenants: duplicate tenant id 'acme'"]),
        (("id: beta", "id: Beta Corp"), ["tenants.yaml:3: tenants[1].id: String should match pattern"]),
        (("port: 2525", "port: smtp"), ["tenants.yaml:13: alerts[2].smtp.port: Input should be a valid integer"]),
        (
            ("from: harness@example.org", "sender: harness@example.org"),
            [
                "tenants.yaml:11: alerts[2].smtp.from: Field required",
                "tenants.yaml:14: alerts[2].smtp.sender: Extra inputs are not permitted",
            ],
        ),
        (("to: support@example.org", "to: support"), ["tenants.yaml:15: alerts[2].smtp.to[0]: String should match"]),
        (
            ("to: support@example.org", "to: support@example.org\n      username: bot"),
            ["tenants.yaml:11: alerts[2].smtp: to log in, give both 'username' and 'password_env'"],
        ),
        (("{stdout: true}", "{pager: 555-0100}"), ["tenants.yaml:16: alerts[3].pager: Extra inputs are not permitted"]),
        (("{stdout: true}", "{stdout: false}"), ["tenants.yaml:16: alerts[3].stdout: Input should be True"]),
        (("{stderr: true}", "{stderr: false}"), ["tenants.yaml:17: alerts[4].stderr: Input should be True"]),
        (
            ("{stdout: true}", "{stdout: true, jsonl: x.jsonl}"),
            ["tenants.yaml:16: alerts[3]: an alert sink is one of {jsonl: PATH}, {webhook: URL}"],
        ),
        (
            ('{webhook: "http://127.0.0.1:9/hook"}', "{webhook: not a url}"),
            ["tenants.yaml:10: alerts[1].webhook: must be an http:// or https:// URL"],
        ),
        (
            ("failures_to_red: 3", "failures_to_red: 0"),
            ["tenants.yaml:18: thresholds.failures_to_red: Input should be greater than or equal to 1"],
        ),
    ],
)
def test_errors_name_file_line_path_and_field(edit: tuple[str, str], expected: list[str]) -> None:
    assert edit[0] in FULL
    errors = _error(FULL.replace(*edit)).splitlines()
    assert len(errors) == len(expected), errors
    for line, start in zip(errors, expected, strict=True):
        assert line.startswith(start), errors


def test_wrong_shapes_and_unreadable_files(tmp_path: Path) -> None:
    assert _error("tenants: []\n").startswith("tenants.yaml:1: tenants: List should have at least 1 item")
    assert _error("- acme\n") == "tenants.yaml:1: the tenants file must be a mapping with 'tenants' and 'alerts'"
    assert _error("tenants:\n  - {id: [\n").startswith("tenants.yaml:3: not valid YAML")
    with pytest.raises(TenantsError, match=r"missing.yaml: cannot read"):
        load_tenants(tmp_path / "missing.yaml")


JSON2 = FULL.replace("    password_env: BETA_ODOO_PASSWORD", "    api: json2\n    api_key_env: BETA_ODOO_KEY")


def test_a_json2_tenant_names_its_api_key_variable() -> None:
    acme, beta = parse_tenants(JSON2).tenants
    assert (acme.api, acme.secret_env, acme.api_key_env) == ("xmlrpc", "ACME_ODOO_PASSWORD", None)
    assert (beta.api, beta.secret_env, beta.password_env) == ("json2", "BETA_ODOO_KEY", None)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("api_key_env: BETA_ODOO_KEY", "password_env: BETA_ODOO_PASSWORD"),
            [
                "tenants.yaml:8: tenants[1].password_env: not used with api: json2 (give api_key_env)",
                "tenants.yaml:3: tenants[1].api_key_env: Field required",
            ],
        ),
        (
            ("password_env: ACME_ODOO_PASSWORD", "password_env: ACME_ODOO_PASSWORD, api_key_env: ACME_KEY"),
            ["tenants.yaml:2: tenants[0].api_key_env: not used with api: xmlrpc (give password_env)"],
        ),
        (("api: json2", "api: jsonrpc"), ["tenants.yaml:7: tenants[1].api: Input should be 'xmlrpc' or 'json2'"]),
    ],
)
def test_each_api_takes_its_own_secret_only(edit: tuple[str, str], expected: list[str]) -> None:
    assert edit[0] in JSON2
    errors = _error(JSON2.replace(*edit)).splitlines()
    assert len(errors) == len(expected), errors
    for line, start in zip(errors, expected, strict=True):
        assert line.startswith(start), errors
