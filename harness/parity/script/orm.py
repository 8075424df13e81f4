"""ORM methods on res.partner over partners the conversation creates itself: create, read, write,
search and friends, the x2many commands, and archiving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.parity.corpus import FORGED_CREATE_DATE
from harness.parity.recorder import Recorder
from harness.parity.script.names import PARTNER, SCOPE

TAG = "res.partner.category"
FIELD_ATTRIBUTES = ["string", "type", "required", "relation"]


@dataclass(frozen=True)
class Partners:
    """Ids of the partners the conversation creates, used by the later sections."""

    a: int
    b: int
    c: int
    d: int
    e: int
    doomed: int
    tag1: int
    tag2: int


def partners(s: Recorder) -> Partners:
    """ORM methods on res.partner, over partners the conversation creates itself.

    Hierarchy A > B > C (B and C are type "other", so Odoo does not copy A's address onto
    them); D and E stand alone. C has no city and no zip, for the NULL semantics later.
    """
    s.kw("partner.check_access_rights.read", PARTNER, "check_access_rights", ["read"])
    s.kw(
        "partner.check_access_rights.read_no_raise",
        PARTNER,
        "check_access_rights",
        ["read"],
        {"raise_exception": False},
    )
    s.kw(
        "partner.check_access_rights.unlink_no_raise",
        PARTNER,
        "check_access_rights",
        ["unlink"],
        {"raise_exception": False},
    )
    s.kw("partner.has_access.no_ids", PARTNER, "has_access", [[], "read"])
    s.kw("partner.check_access.no_ids", PARTNER, "check_access", [[], "read"])
    a = s.kw(
        "partner.create.one",
        PARTNER,
        "create",
        [
            {
                "name": "Parity Partner A",
                "ref": "PARITY",
                "city": "Paris",
                "zip": "75001",
                "color": 1,
                "is_company": True,
            }
        ],
        required=True,
    )
    b, d, e = s.kw(
        "partner.create.many",
        PARTNER,
        "create",
        [
            [
                {
                    "name": "Parity Partner B",
                    "ref": "PARITY",
                    "city": "Berlin",
                    "zip": "10115",
                    "color": 2,
                    "parent_id": a,
                    "type": "other",
                },
                {"name": "Parity Partner D", "ref": "PARITY", "city": "paris", "color": 4},
                {"name": "Parity Partner E", "ref": "PARITY", "city": "Lyon", "color": 5},
            ]
        ],
        required=True,
    )
    c = s.kw(
        "partner.create.child",
        PARTNER,
        "create",
        [
            {
                "name": "Parity Partner C",
                "ref": "PARITY",
                "color": 3,
                "parent_id": b,
                "type": "other",
            }
        ],
        required=True,
    )
    s.kw("partner.has_access.ids", PARTNER, "has_access", [[a], "read"])
    s.kw("partner.check_access.ids", PARTNER, "check_access", [[a], "read"])
    s.kw("partner.check_access_rule.ids", PARTNER, "check_access_rule", [[a], "read"])
    doomed = s.kw("partner.create.doomed", PARTNER, "create", [{"name": "Parity Doomed"}], required=True)
    s.kw("partner.unlink.ok", PARTNER, "unlink", [[doomed]])

    fields = ["name", "ref", "city", "zip", "color", "is_company", "type", "parent_id", "active"]
    s.kw("partner.read.fields", PARTNER, "read", [[a, b, c, d, e], fields])
    s.kw("partner.read.display_name", PARTNER, "read", [[a, b, c], ["display_name"]])
    s.kw("partner.read.load_none", PARTNER, "read", [[b], ["parent_id"]], {"load": ""})
    s.kw("partner.read.unknown_field", PARTNER, "read", [[a], ["name", "nope"]])
    s.kw("partner.read.deleted", PARTNER, "read", [[doomed], ["name"]])
    s.kw("partner.read.deleted_and_existing", PARTNER, "read", [[doomed, a], ["name"]])

    s.kw("partner.write.ok", PARTNER, "write", [[d], {"zip": "69001"}])
    s.kw("partner.read.after_write", PARTNER, "read", [[d], ["zip"]])
    s.kw("partner.write.unknown_field", PARTNER, "write", [[d], {"nope": 1}])
    s.kw("partner.write.deleted", PARTNER, "write", [[doomed], {"name": "Parity Ghost"}])
    s.kw("partner.unlink.deleted", PARTNER, "unlink", [[doomed]])
    s.kw(
        "partner.write.log_access_fields",
        PARTNER,
        "write",
        [[d], {"create_date": FORGED_CREATE_DATE, "create_uid": 1, "write_uid": 1}],
    )
    s.kw(
        "partner.read.log_access_fields",
        PARTNER,
        "read",
        [[d], ["create_date", "write_date", "create_uid", "write_uid"]],
    )

    s.kw("partner.search.default_order", PARTNER, "search", [[SCOPE]])
    s.kw(
        "partner.search.offset_limit_order",
        PARTNER,
        "search",
        [[SCOPE]],
        {"offset": 1, "limit": 2, "order": "color desc"},
    )
    s.kw("partner.search.positional", PARTNER, "search", [[SCOPE], 1, 2, "color asc"])
    s.kw("partner.search.count_true", PARTNER, "search", [[SCOPE]], {"count": True})
    s.kw("partner.search.limit_none", PARTNER, "search", [[SCOPE]], {"limit": None, "order": "id"})
    s.kw("partner.search_count.scope", PARTNER, "search_count", [[SCOPE]])
    s.kw("partner.search_count.limit", PARTNER, "search_count", [[SCOPE]], {"limit": 2})
    s.kw(
        "partner.search_read.scope",
        PARTNER,
        "search_read",
        [[SCOPE]],
        {"fields": ["name", "city", "parent_id"], "offset": 1, "limit": 3, "order": "id"},
    )
    s.kw(
        "partner.search_read.positional",
        PARTNER,
        "search_read",
        [[SCOPE], ["name"]],
        {"order": "id"},
    )
    s.kw(
        "partner.search_read.fields_id",
        PARTNER,
        "search_read",
        [[SCOPE]],
        {"fields": ["id"], "order": "id"},
    )

    s.kw("partner.copy", PARTNER, "copy", [[a], {"ref": "PARITY-COPY"}])
    s.kw(
        "partner.search_read.copy",
        PARTNER,
        "search_read",
        [[["ref", "=", "PARITY-COPY"]]],
        {"fields": ["name", "ref", "city", "is_company", "child_ids"]},
    )
    s.kw("partner.exists", PARTNER, "exists", [[a, doomed]])
    s.kw(
        "partner.default_get",
        PARTNER,
        "default_get",
        [["name", "active", "type", "is_company", "color", "lang", "tz"]],
    )
    s.kw(
        "partner.fields_get",
        PARTNER,
        "fields_get",
        [],
        {
            "allfields": [
                "name",
                "active",
                "type",
                "parent_id",
                "child_ids",
                "category_id",
                "color",
                "city",
                "is_company",
                "create_date",
            ],
            "attributes": FIELD_ATTRIBUTES,
        },
    )
    s.kw(
        "partner.fields_get.positional_selection",
        PARTNER,
        "fields_get",
        [["type"], ["type", "selection"]],
    )
    s.kw("partner.name_get", PARTNER, "name_get", [[a, b, c]])
    s.kw(
        "partner.name_search.args",
        PARTNER,
        "name_search",
        ["Parity Partner"],
        {"args": [SCOPE], "limit": 10},
    )
    s.kw(
        "partner.name_search.domain",
        PARTNER,
        "name_search",
        ["Parity Partner"],
        {"domain": [SCOPE]},
    )
    s.kw(
        "partner.name_search.operator_eq",
        PARTNER,
        "name_search",
        ["Parity Partner D"],
        {"operator": "="},
    )
    s.kw("partner.name_create", PARTNER, "name_create", ["Parity Named"])
    s.kw("partner.read_group.lazy", PARTNER, "read_group", [[SCOPE], ["color:sum"], ["is_company"]])
    s.kw(
        "partner.read_group.not_lazy",
        PARTNER,
        "read_group",
        [[SCOPE], ["color:sum"], ["is_company", "type"]],
        {"lazy": False},
    )
    s.kw(
        "partner.read_group.unknown_groupby",
        PARTNER,
        "read_group",
        [[SCOPE], ["color:sum"], ["nope"]],
    )

    tag1, tag2 = s.kw(
        "tag.create",
        TAG,
        "create",
        [[{"name": "Parity Tag 1"}, {"name": "Parity Tag 2"}]],
        required=True,
    )
    return Partners(a=a, b=b, c=c, d=d, e=e, doomed=doomed, tag1=tag1, tag2=tag2)


def categories(s: Recorder, p: Partners) -> None:
    """The x2many commands 0..6 on res.partner.category_id, each followed by a read-back."""

    def command(name: str, commands: list[Any]) -> None:
        s.kw(
            f"partner.category_id.{name}.write",
            PARTNER,
            "write",
            [[p.d], {"category_id": commands}],
        )
        s.kw(f"partner.category_id.{name}.read", PARTNER, "read", [[p.d], ["category_id"]])

    command("cmd0_create", [[0, 0, {"name": "Parity Tag New"}]])
    (new,) = s.kw(
        "tag.search.created_by_cmd0",
        TAG,
        "search",
        [[["name", "=", "Parity Tag New"]]],
        required=True,
    )
    command("cmd1_update", [[1, new, {"name": "Parity Tag Renamed"}]])
    s.kw("tag.read.after_cmd1", TAG, "read", [[new], ["name"]])
    command("cmd4_link", [[4, p.tag1, 0]])
    command("cmd3_unlink", [[3, p.tag1, 0]])
    s.kw("tag.exists.after_cmd3", TAG, "exists", [[p.tag1]])
    command("cmd6_set", [[6, 0, [p.tag1, p.tag2, new]]])
    command("cmd5_clear", [[5, 0, 0]])
    command("cmd4_relink", [[4, new, 0]])
    command("cmd2_delete", [[2, new, 0]])
    s.kw("tag.exists.after_cmd2", TAG, "exists", [[new]])
    command("cmd6_final", [[6, 0, [p.tag1]]])


def archive(s: Recorder, p: Partners) -> None:
    """Archiving E and the three ways to see archived records again."""
    s.kw("partner.archive", PARTNER, "write", [[p.e], {"active": False}])
    s.kw("partner.search.after_archive", PARTNER, "search", [[SCOPE]], {"order": "id"})
    s.kw(
        "partner.search.active_in",
        PARTNER,
        "search",
        [[SCOPE, ["active", "in", [True, False]]]],
        {"order": "id"},
    )
    s.kw(
        "partner.search.active_test_false",
        PARTNER,
        "search",
        [[SCOPE]],
        {"order": "id", "context": {"active_test": False}},
    )
    s.kw(
        "partner.search.active_false",
        PARTNER,
        "search",
        [[SCOPE, ["active", "=", False]]],
        {"order": "id"},
    )
    s.kw("partner.read.archived", PARTNER, "read", [[p.e], ["name", "active"]])
    s.kw("partner.name_search.archived", PARTNER, "name_search", ["Parity Partner E"])
