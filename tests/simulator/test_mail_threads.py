"""Mail threads, aliases and personal stages, each expectation recorded from the real servers.

Every expected value is what real Odoo 16.0, 17.0, 18.0 and 19.0 answered (and held in
``mail_message``, ``mail_followers``, ``mail_alias``, ``project_task_type`` and
``project_task_user_rel``) on a fresh database with Analytic Accounting switched on, on
2026-12-02, after the calls each test makes: a company "P1", an analytic account "A1", a
project "Pr1", a task "T1" in it and a task "T2" without project, created in that order.
"""

from __future__ import annotations

from typing import Any

from tests.support.odoo import Odoo, by_version

#: The first mail.message id a new record gets: a fresh database already holds some
#: (16: the #general welcome; 17: 2 more; 18: 5 more; 19: 69 more).
FIRST_MESSAGE = {"16.0": 2, "17.0": 4, "18.0": 7, "19.0": 71}
#: The first mail.followers id (19's welcome task has two followers).
FIRST_FOLLOWER = {"16.0": 1, "17.0": 1, "18.0": 1, "19.0": 3}
#: ir.model ids of project.task and project.project.
TASK_MODEL = {"16.0": [479, "Task"], "17.0": [466, "Task"], "18.0": [490, "Task"], "19.0": [507, "Task"]}
PROJECT_MODEL = {"16.0": [478, "Project"], "17.0": [469, "Project"], "18.0": [493, "Project"], "19.0": [510, "Project"]}


def _records(odoo: Odoo) -> dict[str, Any]:
    partner = odoo.call("res.partner", "create", {"name": "P1", "is_company": True})
    plan = odoo.call("account.analytic.plan", "create", {"name": "Pl"})
    account = odoo.call("account.analytic.account", "create", {"name": "A1", "plan_id": plan})
    project = odoo.call("project.project", "create", {"name": "Pr1"})
    task = odoo.call("project.task", "create", {"name": "T1", "project_id": project})
    lone = odoo.call("project.task", "create", {"name": "T2"})
    return {"partner": partner, "account": account, "project": project, "task": task, "lone": lone}


THREAD_FIELDS = ["message_ids", "message_follower_ids", "message_partner_ids", "has_message", "message_is_follower"]


def test_creating_a_thread_record_logs_it_and_subscribes_its_creator(odoo: Odoo) -> None:
    """mail.thread.create: a creation message each (ids from the global sequence); the creator
    follows, but not a project (``mail_create_nosubscribe``)."""
    made = _records(odoo)
    first, follower = FIRST_MESSAGE[odoo.version], FIRST_FOLLOWER[odoo.version]

    def thread(model: str, key: str) -> dict:
        [row] = odoo.call(model, "read", [made[key]], THREAD_FIELDS)
        return {k: v for k, v in row.items() if k != "id"}

    assert thread("res.partner", "partner") == {
        "message_ids": [first],
        "message_follower_ids": [follower],
        "message_partner_ids": [3],
        "has_message": True,
        "message_is_follower": True,
    }
    assert thread("account.analytic.account", "account")["message_ids"] == [first + 1]
    assert thread("account.analytic.account", "account")["message_follower_ids"] == [follower + 1]
    assert thread("project.project", "project") == {
        "message_ids": [first + 2],
        "message_follower_ids": [],
        "message_partner_ids": [],
        "has_message": True,
        "message_is_follower": False,
    }
    assert thread("project.task", "task") == {
        "message_ids": [first + 3],
        "message_follower_ids": [follower + 2],
        "message_partner_ids": [3],
        "has_message": True,
        "message_is_follower": True,
    }
    assert thread("project.task", "lone")["message_ids"] == [first + 4]
    followers = odoo.call(
        "mail.followers", "search_read", [["id", ">=", follower]], ["res_model", "res_id", "partner_id", "subtype_ids"]
    )
    assert [(f["res_model"], f["partner_id"][0], f["subtype_ids"]) for f in followers] == [
        ("res.partner", 3, [1]),
        ("account.analytic.account", 3, [1]),
        ("project.task", 3, [1]),
        ("project.task", 3, [1]),
    ]


def test_creation_messages_as_each_version_writes_them(odoo: Odoo) -> None:
    """A log ("<model> created", Note) or, for a task, a post with "Task Created" whose body is
    empty up to 17 and the task's ``_creation_message`` from 18."""
    made = _records(odoo)
    first = FIRST_MESSAGE[odoo.version]
    rows = odoo.call(
        "mail.message",
        "read",
        list(range(first, first + 5)),
        ["model", "res_id", "message_type", "subtype_id", "author_id", "body", "email_from"],
    )
    email = by_version(odoo, {"19.0": False, "*": '"Administrator" <admin@example.com>'})
    notice = odoo.major >= 18
    assert [
        (r["model"], r["res_id"], r["message_type"], r["subtype_id"], r["author_id"], r["body"], r["email_from"])
        for r in rows
    ] == [
        (
            "res.partner",
            made["partner"],
            "notification",
            [2, "Note"],
            [3, "Administrator"],
            "<p>Contact created</p>",
            email,
        ),
        (
            "account.analytic.account",
            made["account"],
            "notification",
            [2, "Note"],
            [3, "Administrator"],
            "<p>Analytic Account created</p>",
            email,
        ),
        (
            "project.project",
            made["project"],
            "notification",
            [2, "Note"],
            [3, "Administrator"],
            "<p>Project created</p>",
            email,
        ),
        (
            "project.task",
            made["task"],
            "notification",
            [7, "Task Created"],
            [3, "Administrator"],
            '<div summary="o_mail_notification"><p>A new task has been created in the "Pr1" project.</p></div>'
            if notice
            else "",
            email,
        ),
        (
            "project.task",
            made["lone"],
            "notification",
            [7, "Task Created"],
            [3, "Administrator"],
            '<div summary="o_mail_notification"><p>A new task has been created and is not part of any project.'
            "</p></div>"
            if notice
            else "",
            email,
        ),
    ]


def test_a_project_gets_an_alias_pointed_at_its_tasks(odoo: Odoo) -> None:
    """mail.alias.mixin: the alias is made before the project (ids after the journals' ones
    from 17), then given the project as parent thread and default."""
    made = _records(odoo)
    alias_id = by_version(odoo, {"16.0": 1, "*": 3})
    [project] = odoo.call(
        "project.project",
        "read",
        [made["project"]],
        [
            "alias_id",
            "alias_name",
            "alias_contact",
            "alias_defaults",
            "alias_model_id",
            "alias_parent_model_id",
            "alias_parent_thread_id",
        ],
    )
    assert project == {
        "id": made["project"],
        "alias_id": [alias_id, "Inactive Alias"],
        "alias_name": False,
        "alias_contact": "everyone",
        "alias_defaults": "{'project_id': 1}",
        "alias_model_id": TASK_MODEL[odoo.version],
        "alias_parent_model_id": PROJECT_MODEL[odoo.version],
        "alias_parent_thread_id": made["project"],
    }
    if odoo.major >= 17:
        assert odoo.call("mail.alias", "read", [alias_id], ["alias_status", "alias_domain_id"]) == [
            {"id": alias_id, "alias_status": "not_tested", "alias_domain_id": False}
        ]
    else:
        assert odoo.call("mail.alias", "read", [alias_id], ["alias_user_id"]) == [
            {"id": alias_id, "alias_user_id": [2, "Administrator"]}
        ]
    assert odoo.call("project.project", "search", [["alias_id.alias_defaults", "=", "{'project_id': 1}"]]) == [
        made["project"]
    ]


def test_a_first_task_gives_its_assignee_personal_stages(odoo: Odoo) -> None:
    """_populate_missing_personal_stages: the admin's seven stages (19's fresh database made
    them for its welcome task), each task in the first, "Inbox"."""
    if odoo.major < 19:
        assert odoo.call("project.task", "default_get", ["personal_stage_type_id"]) == {"personal_stage_type_id": False}
    made = _records(odoo)
    stages = odoo.call("project.task.type", "search_read", [["user_id", "=", 2]], ["name", "fold", "sequence"])
    cancelled = by_version(odoo, {"16.0": "Canceled", "17.0": "Canceled", "*": "Cancelled"})
    assert [(s["id"], s["name"], s["fold"], s["sequence"]) for s in stages] == [
        (1, "Inbox", False, 1),
        (2, "Today", False, 2),
        (3, "This Week", False, 3),
        (4, "This Month", False, 4),
        (5, "Later", False, 5),
        (6, "Done", True, 6),
        (7, cancelled, True, 7),
    ]
    first_personal = by_version(odoo, {"19.0": 2, "*": 1})
    rows = odoo.call(
        "project.task",
        "read",
        [made["task"], made["lone"]],
        [
            "user_ids",
            "personal_stage_id",
            "personal_stage_type_id",
            "personal_stage_type_ids",
            "portal_user_names",
            "access_url",
        ],
    )
    assert rows == [
        {
            "id": made["task"],
            "user_ids": [2],
            "personal_stage_id": [first_personal, "Inbox"],
            "personal_stage_type_id": [1, "Inbox"],
            "personal_stage_type_ids": [1],
            "portal_user_names": "Administrator",
            "access_url": f"/my/tasks/{made['task']}",
        },
        {
            "id": made["lone"],
            "user_ids": [2],
            "personal_stage_id": [first_personal + 1, "Inbox"],
            "personal_stage_type_id": [1, "Inbox"],
            "personal_stage_type_ids": [1],
            "portal_user_names": "Administrator",
            "access_url": f"/my/tasks/{made['lone']}",
        },
    ]
    if odoo.major < 19:
        assert odoo.call("project.task", "default_get", ["personal_stage_type_id"]) == {"personal_stage_type_id": 1}


def test_a_task_of_a_portal_project_gets_an_access_token(odoo: Odoo) -> None:
    """project.task.create: ``_portal_ensure_token`` when the project's visibility is portal."""
    made = _records(odoo)
    task, lone = odoo.call("project.task", "read", [made["task"], made["lone"]], ["access_token"])
    assert isinstance(task["access_token"], str) and len(task["access_token"]) == 36
    assert lone["access_token"] is False
    [project] = odoo.call("project.project", "read", [made["project"]], ["access_url", "task_count"])
    assert project == {"id": made["project"], "access_url": f"/my/projects/{made['project']}", "task_count": 1}
