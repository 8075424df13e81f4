"""Analytic accounting from a fresh database: denied, enabled, plans, accounts, lines, projects.

The one topic whose calls depend on the server: which plan columns exist and how a project
names its account are read from the server's answers (`Capabilities`), never its version number.
"""

from __future__ import annotations

from harness.parity.client import V1_OBJECT
from harness.parity.corpus import DB, PASSWORD
from harness.parity.recorder import Recorder
from harness.parity.script.capabilities import Capabilities, installed_project_plan
from harness.parity.script.names import PARTNER

PROJECT = "project.project"
PLAN = "account.analytic.plan"
ACCOUNT = "account.analytic.account"
LINE = "account.analytic.line"
ANALYTIC_ATTRIBUTES = ["type", "required", "relation", "string", "store"]
LINE_DATE = "2024-03-01"
PLAN_FIELDS = ["name", "parent_id", "company_id", "root_id", "sequence", "complete_name", "default_applicability"]
ACCOUNT_FIELDS = ["name", "code", "plan_id", "root_plan_id", "active", "company_id", "partner_id", "line_ids"]


def accounting(s: Recorder) -> None:
    """The whole topic, in the order the corpus recorded it (later calls use earlier records)."""
    _while_disabled(s)
    _enable(s)
    project_plan = _project_plan(s)
    departments = s.kw("analytic.plan.create.departments", PLAN, "create", [{"name": "Departments"}], required=True)
    capabilities = _plan_columns(s, project_plan, departments)
    _schema(s)
    accounts = _accounts(s, project_plan, departments)
    lines = _lines(s, capabilities, accounts)
    _archive(s, accounts, departments)
    _projects(s, capabilities, accounts)
    s.kw(
        "analytic.account.write.plan_change",
        ACCOUNT,
        "write",
        [[accounts["pa"]], {"plan_id": departments}],
    )
    s.kw("analytic.line.read.after_plan_change", LINE, "read", [[lines[0]], ["account_id", "amount"]])
    _registry(s, departments)


def _while_disabled(s: Recorder) -> None:
    """Before Analytic Accounting is on: what the models answer, and whether access is granted."""
    s.kw("analytic.plan.search_count.fresh", PLAN, "search_count", [[]])
    s.xmlrpc(
        "v1.object.acl_error",
        V1_OBJECT,
        "execute_kw",
        DB,
        s.uid,
        PASSWORD,
        PLAN,
        "search_count",
        [[]],
    )
    s.kw("analytic.account.search_count.fresh", ACCOUNT, "search_count", [[]])
    s.kw("analytic.line.search_count.fresh", LINE, "search_count", [[]])
    s.kw(
        "analytic.plan.check_access_rights.no_raise", PLAN, "check_access_rights", ["read"], {"raise_exception": False}
    )
    s.kw("analytic.plan.check_access_rights.raise", PLAN, "check_access_rights", ["read"])
    s.kw("analytic.plan.has_access", PLAN, "has_access", [[], "read"])


def _enable(s: Recorder) -> None:
    """Analytic Accounting switched on the way the settings screen does it."""
    settings = s.kw(
        "settings.create",
        "res.config.settings",
        "create",
        [{"group_analytic_accounting": True}],
        required=True,
    )
    s.kw("settings.execute", "res.config.settings", "execute", [[settings]])
    s.kw("analytic.plan.search_count.enabled", PLAN, "search_count", [[]])
    s.kw(
        "analytic.plan.search_read.enabled",
        PLAN,
        "search_read",
        [[]],
        {"fields": ["id", "name", "parent_id"]},
    )


def _project_plan(s: Recorder) -> int:
    """The plan projects' accounts go in: the one the server installed, else one the conversation makes."""
    parameters = s.kw(
        "config_parameter.search_read.analytic",
        "ir.config_parameter",
        "search_read",
        [[["key", "like", "analytic"]]],
        {"fields": ["key", "value"]},
        required=True,
    )
    installed = installed_project_plan(parameters)
    if installed is not None:
        return installed
    return s.kw("analytic.plan.create.projects", PLAN, "create", [{"name": "Projects"}], required=True)


def _line_fields(departments: int) -> list[str]:
    """The line's account fields across versions, the Departments plan's column included."""
    return [
        "account_id",
        "plan_id",
        "auto_account_id",
        f"x_plan{departments}_id",
        "x_account_id_1",
        "analytic_account_id",
        "amount",
    ]


def _project_fields(departments: int) -> list[str]:
    """project.project's account fields across versions, the Departments plan's column included."""
    return [
        "analytic_account_id",
        "account_id",
        "auto_account_id",
        f"x_plan{departments}_id",
        "x_account_id_1",
        "analytic_account_balance",
    ]


def _plan_fields_get(s: Recorder, moment: str, departments: int) -> list[dict]:
    """The plan-column fields of the line and the project, as they stand now."""
    return [
        s.kw(
            f"{label}.fields_get.{moment}",
            model,
            "fields_get",
            [],
            {"allfields": names, "attributes": ANALYTIC_ATTRIBUTES},
            required=True,
        )
        for label, model, names in (
            ("analytic.line", LINE, _line_fields(departments)),
            ("project.project", PROJECT, _project_fields(departments)),
        )
    ]


def _plan_columns(s: Recorder, project_plan: int, departments: int) -> Capabilities:
    """The plan columns after a second root plan, then after a child plan (which adds none).

    The first answer decides the capabilities: the fields the server just showed are the ones
    the rest of the topic must name.
    """
    line_answer, project_answer = _plan_fields_get(s, "after_departments", departments)
    capabilities = Capabilities.from_fields(line_answer, project_answer, departments)
    s.kw(
        "analytic.plan.create.child",
        PLAN,
        "create",
        [{"name": "Sub of first", "parent_id": project_plan}],
        required=True,
    )
    _plan_fields_get(s, "after_child", departments)
    return capabilities


def _schema(s: Recorder) -> None:
    """The plans as they stand, and the fields of plans and accounts."""
    s.kw(
        "analytic.plan.search_read.all",
        PLAN,
        "search_read",
        [[]],
        {"fields": ["name", "parent_id", "complete_name"], "order": "id"},
    )
    s.kw(
        "analytic.plan.fields_get",
        PLAN,
        "fields_get",
        [],
        {"allfields": PLAN_FIELDS, "attributes": ANALYTIC_ATTRIBUTES},
    )
    s.kw(
        "analytic.account.fields_get",
        ACCOUNT,
        "fields_get",
        [],
        {"allfields": ACCOUNT_FIELDS, "attributes": ANALYTIC_ATTRIBUTES},
    )


def _accounts(s: Recorder, project_plan: int, departments: int) -> dict[str, int]:
    """Accounts [PA] Proj A and [PB] Proj B in the project plan, [DX] Dept X in Departments."""
    accounts = {
        key: s.kw(
            f"analytic.account.create.{key}",
            ACCOUNT,
            "create",
            [{"name": name, "code": code, "plan_id": plan}],
            required=True,
        )
        for key, name, code, plan in [
            ("pa", "Proj A", "PA", project_plan),
            ("pb", "Proj B", "PB", project_plan),
            ("dx", "Dept X", "DX", departments),
        ]
    }
    s.kw("analytic.account.create.no_plan", ACCOUNT, "create", [{"name": "Planless", "code": "NP"}])
    s.kw(
        "analytic.account.create.duplicate_code",
        ACCOUNT,
        "create",
        [{"name": "Proj A bis", "code": "PA", "plan_id": project_plan}],
    )
    s.kw(
        "analytic.account.read",
        ACCOUNT,
        "read",
        [
            list(accounts.values()),
            ["name", "code", "plan_id", "root_plan_id", "active", "display_name"],
        ],
    )
    s.kw("analytic.account.name_search.code", ACCOUNT, "name_search", ["PA"])
    s.kw(
        "analytic.account.search.plan_child_of",
        ACCOUNT,
        "search",
        [[["plan_id", "child_of", project_plan]]],
        {"order": "id"},
    )
    return accounts


def _lines(s: Recorder, capabilities: Capabilities, accounts: dict[str, int]) -> list[int]:
    """Three lines worth 10, 20 and 5, then read_group along accounts and along the plan.

    With a column per root plan, L1 and L3 carry Dept X in the Departments column as well; on
    one axis, L3 goes to Dept X instead.
    """
    pa, pb, dx = accounts["pa"], accounts["pb"], accounts["dx"]
    plan_column = capabilities.plan_column
    if capabilities.one_analytic_axis:
        tags = [{"account_id": pa}, {"account_id": pa}, {"account_id": dx}]
    else:
        tags = [
            {"account_id": pa, plan_column: dx},
            {"account_id": pa},
            {"account_id": pb, plan_column: dx},
        ]
    lines = [
        s.kw(
            f"analytic.line.create.l{number}",
            LINE,
            "create",
            [{"name": f"L{number}", "date": LINE_DATE, "amount": amount, **tag}],
            required=True,
        )
        for number, amount, tag in zip((1, 2, 3), (10, 20, 5), tags, strict=True)
    ]
    s.kw("analytic.line.read", LINE, "read", [lines, ["name", "date", "amount", "account_id"]])
    domain = [["date", "=", LINE_DATE]]
    s.kw(
        "analytic.line.read_group.account",
        LINE,
        "read_group",
        [domain, ["amount:sum"], ["account_id"]],
    )
    s.kw(
        "analytic.line.read_group.plan_column",
        LINE,
        "read_group",
        [domain, ["amount:sum"], [plan_column]],
    )
    s.kw(
        "analytic.line.read_group.two_lazy",
        LINE,
        "read_group",
        [domain, ["amount:sum"], ["account_id", plan_column]],
    )
    s.kw(
        "analytic.line.read_group.two_not_lazy",
        LINE,
        "read_group",
        [domain, ["amount:sum"], ["account_id", plan_column]],
        {"lazy": False},
    )
    s.kw("analytic.line.read_group.total", LINE, "read_group", [domain, ["amount:sum"], []])
    s.kw(
        "analytic.line.create.no_plan_column",
        LINE,
        "create",
        [{"name": "L4", "date": LINE_DATE, "amount": 1}],
    )
    s.kw(
        "analytic.line.create.account_false",
        LINE,
        "create",
        [{"name": "L5", "date": LINE_DATE, "amount": 2, "account_id": False}],
    )
    s.kw("analytic.line.write.account_false", LINE, "write", [[lines[1]], {"account_id": False}])
    s.kw("analytic.line.read.after_account_false", LINE, "read", [[lines[1]], ["account_id"]])
    return lines


def _archive(s: Recorder, accounts: dict[str, int], departments: int) -> None:
    """Archiving Proj B, and reading/writing an account deleted a moment before."""
    pb = accounts["pb"]
    s.kw("analytic.account.archive", ACCOUNT, "write", [[pb], {"active": False}])
    s.kw("analytic.account.search.after_archive", ACCOUNT, "search", [[]], {"order": "id"})
    s.kw(
        "analytic.account.search.active_in",
        ACCOUNT,
        "search",
        [[["active", "in", [True, False]]]],
        {"order": "id"},
    )
    s.kw(
        "analytic.account.search.active_test_false",
        ACCOUNT,
        "search",
        [[]],
        {"order": "id", "context": {"active_test": False}},
    )
    s.kw("analytic.account.read.archived", ACCOUNT, "read", [[pb], ["name", "active"]])
    doomed = s.kw(
        "analytic.account.create.doomed",
        ACCOUNT,
        "create",
        [{"name": "Doomed Account", "plan_id": departments}],
        required=True,
    )
    s.kw("analytic.account.unlink", ACCOUNT, "unlink", [[doomed]])
    s.kw("analytic.account.read.deleted", ACCOUNT, "read", [[doomed], ["name"]])
    s.kw("analytic.account.write.deleted", ACCOUNT, "write", [[doomed], {"name": "Ghost"}])


def _projects(s: Recorder, capabilities: Capabilities, accounts: dict[str, int]) -> None:
    """A project linked to Proj A through the server's own field, then through each version's field."""
    project_field = capabilities.project_account_field
    project = s.kw(
        "project.project.create.linked",
        PROJECT,
        "create",
        [{"name": "Parity Analytic Project", project_field: accounts["pa"]}],
        required=True,
    )
    s.kw("project.project.read.linked", PROJECT, "read", [[project], ["name", project_field]])
    s.kw(
        "project.project.create.analytic_account_id",
        PROJECT,
        "create",
        [{"name": "Parity Legacy Field", "analytic_account_id": accounts["dx"]}],
    )
    s.kw(
        "project.project.create.account_id",
        PROJECT,
        "create",
        [{"name": "Parity New Field", "account_id": accounts["dx"]}],
    )


def _registry(s: Recorder, departments: int) -> None:
    """What ir.model and ir.model.fields say of the analytic models and the line's plan columns."""
    s.kw(
        "ir.model.search_read",
        "ir.model",
        "search_read",
        [[["model", "in", [PLAN, ACCOUNT, LINE, PROJECT, PARTNER]]]],
        {"fields": ["model", "name"], "order": "model"},
    )
    s.kw(
        "ir.model.fields.search_read.plan",
        "ir.model.fields",
        "search_read",
        [
            [
                ["model", "=", PLAN],
                ["name", "in", ["name", "parent_id", "company_id", "root_id", "sequence", "default_applicability"]],
            ]
        ],
        {"fields": ["name", "ttype", "relation", "required"], "order": "name"},
    )
    s.kw(
        "ir.model.fields.search_read.line",
        "ir.model.fields",
        "search_read",
        [[["model", "=", LINE], ["name", "in", _line_fields(departments)]]],
        {"fields": ["name", "ttype", "relation", "required", "state"], "order": "name"},
    )
