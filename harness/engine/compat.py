"""Which Odoo this is, and what the integration can do there.

Nothing here knows a version number. The server says what it is (``common.version()``)
and what its models look like (``fields_get``, see ``ServerFields``); which versions are
validated is data (``harness.versions.validated_versions``: the versions with a recorded
real-Odoo parity corpus), and so is the external API's lifecycle (``api_lifecycle``).

The three-plan structure needs one analytic column per plan on the analytic line. Where
the line has a single column the engine still creates the plans and accounts, and says
plainly what degrades instead of mis-tagging silently. A version that is not validated
is refused unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness import versions
from harness.engine.api_lifecycle import deprecated_endpoints, lifecycle_verdict
from harness.errors import HarnessError

ANALYTIC_ACCOUNT = "account.analytic.account"
#: project.project's many2one to its analytic account: the first of these the server has.
LINK_FIELDS = ("account_id", "analytic_account_id")
#: The field ``analytic.plan.fields.mixin`` adds to every model it gives one column per
#: plan (the analytic line since 17.0, project.project too since 18.0).
PLAN_MIXIN_FIELD = "auto_account_id"
#: What to ask project.project's fields_get for: its link, and whether it carries the mixin.
PROJECT_PROBE = (*LINK_FIELDS, PLAN_MIXIN_FIELD)
#: What to ask the analytic line's fields_get for, when project.project did not answer it.
LINE_PROBE = (PLAN_MIXIN_FIELD,)


class UnsupportedVersion(HarnessError, RuntimeError):
    """An Odoo version the engine was not validated against."""


@dataclass(frozen=True)
class ServerFields:
    """What the server answered about its own fields.

    Two questions decide the engine's behaviour: project.project's link field, and whether
    analytic lines have one column per plan. Why these signals:

    - The link is whichever of ``account_id``/``analytic_account_id`` project.project has as
      a many2one to ``account.analytic.account`` (the name changed in 18.0).
    - One column per plan is the ``analytic.plan.fields.mixin`` machinery; its own field
      ``auto_account_id`` is on every model that inherits it. The analytic line having it is
      the direct evidence. A required single ``account_id`` (16.0) or the plan model's
      ``root_id`` are weaker: ``required`` can be customised, and ``root_id`` describes the
      plan tree, not the line's columns.
    - Where project.project itself has ``auto_account_id`` it inherits the mixin, so the
      mixin (and the line's per-plan columns, which it exists for) is there: one fields_get
      answers both questions and the line is not asked (``line`` stays None).

    So a probe is one ``fields_get`` where project.project carries the mixin (18.0 on) and
    two where it does not (16.0, 17.0). No single robust call answers both everywhere:
    project.project's fields look the same on 16.0 and 17.0, and ``ir.model.fields`` (which
    could list both models at once) is readable only by Administration: Access Rights.
    """

    project: dict[str, dict]
    line: dict[str, dict] | None = None

    def link(self) -> str | None:
        return next((name for name in LINK_FIELDS if _is_analytic_link(self.project.get(name))), None)

    def answered_plan_columns(self) -> bool:
        """Whether the project answer alone settles the per-plan question."""
        return _is_analytic_link(self.project.get(PLAN_MIXIN_FIELD))

    def plan_columns(self) -> bool:
        return self.answered_plan_columns() or _is_analytic_link((self.line or {}).get(PLAN_MIXIN_FIELD))


@dataclass(frozen=True)
class Capabilities:
    server_version: str
    #: The release series the server names ("19.0", "saas~18.2"), compared as a version.
    series: str
    #: One analytic column per plan on account.analytic.line.
    multi_plan: bool
    #: project.project's many2one to its analytic account, as the server answered.
    project_account_field: str
    verdict: tuple[str, ...]
    #: Endpoint paths this server's version deprecates: calls sent there are counted.
    deprecated_endpoints: frozenset[str] = field(default_factory=frozenset)
    validated: bool = True

    @property
    def degraded(self) -> bool:
        return not self.multi_plan


def series_of(version: dict) -> str:
    """The series a ``common.version()`` answer names: ``server_serie`` where the server
    gives it, else the first two parts of ``server_version_info``."""
    serie = version.get("server_serie")
    if serie:
        return str(serie)
    info = version.get("server_version_info") or []
    return ".".join(str(part) for part in info[:2]) or str(version.get("server_version", "?"))


def refuse_unvalidated(version: dict, force: bool) -> bool:
    """Whether the version is validated; an unvalidated one raises unless ``force``."""
    series = series_of(version)
    validated = versions.is_validated(series)
    if not validated and not force:
        known = ", ".join(versions.validated_versions()) or "none"
        raise UnsupportedVersion(
            f"Odoo {version.get('server_version', series)} is not a validated version (validated: {known}); "
            "refusing to sync. Pass --force to try anyway."
        )
    return validated


def detect(version: dict, fields: ServerFields, force: bool = False) -> Capabilities:
    """Capabilities from ``common.version()`` and the server's ``fields_get`` answers."""
    server_version = str(version.get("server_version", "?"))
    validated = refuse_unvalidated(version, force)
    link = fields.link()
    if link is None:
        raise UnsupportedVersion(f"Odoo {server_version}: project.project has no link to an analytic account")
    multi_plan = fields.plan_columns()
    series = series_of(version)
    verdict = [f"Odoo {server_version}: projects link to their analytic account through project.project.{link}."]
    if multi_plan:
        verdict.append(
            "Three analytic plans, one column each on analytic lines: a bill line can carry a "
            "project, a donor budget line and a budget detail account at once; actuals work "
            "along every plan."
        )
    else:
        verdict += [
            "Works: the three plans, their accounts and the projects are created and kept in sync.",
            "Degrades: analytic lines have a single account column (account_id), so a bill line can be "
            "tagged with one plan only; actuals per donor category and per budget detail line are not "
            "available, only along the axis finance tags (the project by default).",
        ]
    verdict += lifecycle_verdict(series)
    if not validated:
        verdict.append(f"Forced: Odoo {server_version} is not a validated version.")
    return Capabilities(
        server_version, series, multi_plan, link, tuple(verdict), deprecated_endpoints(series), validated
    )


def _is_analytic_link(attributes: dict | None) -> bool:
    return bool(attributes) and attributes.get("relation") == ANALYTIC_ACCOUNT
