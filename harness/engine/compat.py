"""Which Odoo this is, and what the integration can do there.

The three-plan structure needs Odoo 17 or newer (one analytic column per plan on the
analytic line). On 16 the engine still creates the plans and accounts, and says plainly
what degrades instead of mis-tagging silently. An unknown version is refused unless
forced.
"""

from __future__ import annotations

from dataclasses import dataclass

KNOWN_MAJORS = (16, 17, 18)


class UnsupportedVersion(RuntimeError):
    """An Odoo version the engine was not validated against."""


@dataclass(frozen=True)
class Capabilities:
    server_version: str
    major: int
    #: One analytic column per plan on account.analytic.line (17+).
    multi_plan: bool
    #: project.project's many2one to its analytic account (16/17 ``analytic_account_id``, 18 ``account_id``).
    project_account_field: str
    verdict: tuple[str, ...]

    @property
    def degraded(self) -> bool:
        return not self.multi_plan


def detect(version: dict, project_fields: dict, force: bool = False) -> Capabilities:
    """Capabilities from ``common.version()`` and ``project.project``'s fields_get."""
    server_version = str(version.get("server_version", "?"))
    info = version.get("server_version_info") or [0]
    major = int(info[0]) if str(info[0]).isdigit() else 0
    if major not in KNOWN_MAJORS and not force:
        raise UnsupportedVersion(
            f"Odoo {server_version} is not a validated version (validated: "
            f"{', '.join(f'{m}.0' for m in KNOWN_MAJORS)}); refusing to sync. Pass --force to try anyway.")
    link = next((name for name in ("account_id", "analytic_account_id")
                 if project_fields.get(name, {}).get("relation") == "account.analytic.account"), None)
    if link is None:
        raise UnsupportedVersion(f"Odoo {server_version}: project.project has no link to an analytic account")
    multi_plan = major >= 17
    verdict = [f"Odoo {server_version}: projects link to their analytic account through project.project.{link}."]
    if multi_plan:
        verdict.append("Three analytic plans, one column each on analytic lines: a bill line can carry a "
                       "project, a donor budget line and a budget detail account at once; actuals work "
                       "along every plan.")
    else:
        verdict += [
            "Works: the three plans, their accounts and the projects are created and kept in sync.",
            "Degrades: analytic lines have a single account column (account_id), so a bill line can be "
            "tagged with one plan only; actuals per donor category and per budget detail line are not "
            "available, only along the axis finance tags (the project by default).",
        ]
    if major not in KNOWN_MAJORS:
        verdict.append(f"Forced: Odoo {server_version} is not a validated version.")
    return Capabilities(server_version, major, multi_plan, link, tuple(verdict))
