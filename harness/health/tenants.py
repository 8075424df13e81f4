"""The tenants file: which Odoo databases to watch, and where alerts go.

```yaml
tenants:
  - {id: acme, url: "http://127.0.0.1:8069", db: odoo, login: admin, password_env: ACME_ODOO_PASSWORD}
  - {id: beta, url: "https://beta.example.org", db: beta, login: bot, api: json2, api_key_env: BETA_ODOO_KEY}
alerts:
  - {jsonl: alerts.jsonl}                   # relative to the tenants file's folder
  - {webhook: "https://hooks.example.org/odoo-health"}
  - {smtp: {host: 127.0.0.1, port: 25, from: harness@example.org, to: [support@example.org]}}
  - {stderr: true}                         # or {stdout: true}: one JSON line per notice
thresholds: {slow_ms: 2000, failures_to_red: 2, alert_after_minutes: 15}   # optional
```

Secrets are never in the file: each tenant names the environment variable that holds its
password (``api: xmlrpc``, the default) or its API key (``api: json2``, Odoo 19.0's JSON-2; the
login is then only shown, the key names the user). The variable is read at every check, so a
rotated secret is picked up without a restart. A bad file
raises ``TenantsError`` naming the file, the line, the path and the field, for example
``tenants.yaml:3: tenants[1].password_env: String should match pattern ...``.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from harness.engine.client import SECRET_ENV, Api
from harness.health.states import Thresholds
from harness.yamlfile import StrictModel, YamlFileError, load_model, parse_model

TenantId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+$")]


def _http_url(value: str) -> str:
    """An http(s) URL with a host and no credentials in it: URLs are printed and stored."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials (they would end up in logs); use password_env")
    return value.rstrip("/")


HttpUrl = Annotated[str, AfterValidator(_http_url)]
TENANTS_SHAPE = "the tenants file must be a mapping with 'tenants' and 'alerts'"


class Tenant(StrictModel):
    id: TenantId
    url: HttpUrl
    db: Text
    login: Text
    api: Api = "xmlrpc"
    password_env: EnvName | None = Field(None, validate_default=True)
    api_key_env: EnvName | None = Field(None, validate_default=True)

    @field_validator("password_env", "api_key_env")
    @classmethod
    def _the_secret_of_its_api(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Each API's own secret is required, and only it: the other would be ignored (validated
        after ``api``, so a bad ``api`` is the one error reported)."""
        api = info.data.get("api")
        if api is None:
            return value
        if SECRET_ENV[api] == info.field_name and value is None:
            raise ValueError("Field required")
        if SECRET_ENV[api] != info.field_name and value is not None:
            raise ValueError(f"not used with api: {api} (give {SECRET_ENV[api]})")
        return value

    @property
    def secret_env(self) -> str:
        """The environment variable holding this tenant's password or API key."""
        return getattr(self, SECRET_ENV[self.api])


class SmtpSettings(StrictModel):
    host: Text
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    sender: Email = Field(alias="from")
    to: Annotated[
        list[Email], Field(min_length=1), BeforeValidator(lambda value: [value] if isinstance(value, str) else value)
    ]
    starttls: bool = False
    username: Text | None = None
    password_env: EnvName | None = None  # the SMTP password, read from the environment when sending

    @model_validator(mode="after")
    def _login_needs_both(self) -> SmtpSettings:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("to log in, give both 'username' and 'password_env' (or neither)")
        return self


class SinkSpec(StrictModel):
    """One alert destination: a mapping with exactly one of these keys."""

    jsonl: Text | None = None
    webhook: HttpUrl | None = None
    smtp: SmtpSettings | None = None
    stdout: Literal[True] | None = None
    stderr: Literal[True] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SinkSpec:
        if len(self.model_fields_set) != 1:
            raise ValueError(
                "an alert sink is one of {jsonl: PATH}, {webhook: URL}, {smtp: {host, port, from, to}}, "
                "{stdout: true}, {stderr: true}"
            )
        return self


class ThresholdSettings(StrictModel):
    slow_ms: Annotated[float, Field(gt=0)] = Thresholds.slow_ms
    failures_to_red: Annotated[int, Field(ge=1)] = Thresholds.failures_to_red
    alert_after_minutes: Annotated[float, Field(ge=0)] = Thresholds.alert_after.total_seconds() / 60

    def thresholds(self) -> Thresholds:
        return Thresholds(self.slow_ms, self.failures_to_red, dt.timedelta(minutes=self.alert_after_minutes))


class TenantsFile(StrictModel):
    tenants: Annotated[list[Tenant], Field(min_length=1)]
    alerts: list[SinkSpec] = Field(default_factory=list)
    thresholds: ThresholdSettings = Field(default_factory=ThresholdSettings)

    @field_validator("tenants")
    @classmethod
    def _unique_ids(cls, tenants: list[Tenant]) -> list[Tenant]:
        repeated = [tenant_id for tenant_id, count in Counter(t.id for t in tenants).items() if count > 1]
        if repeated:
            raise ValueError(f"duplicate tenant id {', '.join(map(repr, repeated))}: each tenant is listed once")
        return tenants


class TenantsError(YamlFileError):
    """A tenants file that cannot be used; ``errors`` holds one line per problem."""


def load_tenants(path: Path | str) -> TenantsFile:
    return load_model(path, TenantsFile, TENANTS_SHAPE, TenantsError)


def parse_tenants(text: str, source: str = "<tenants>") -> TenantsFile:
    return parse_model(text, source, TenantsFile, TENANTS_SHAPE, TenantsError)
