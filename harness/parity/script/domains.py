"""Domain semantics: every operator, NULLs, hierarchies, dotted paths, orders, malformed domains."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from harness.parity.corpus import PAST
from harness.parity.recorder import Recorder
from harness.parity.script.names import PARTNER, SCOPE
from harness.parity.script.orm import Partners


def semantics(s: Recorder, p: Partners) -> None:
    """Domain semantics over the active PARITY partners A, B, C and D.

    A Paris/75001/color 1/company; B Berlin/10115/2/child of A; C no city, no zip/3/child
    of B; D "paris"/69001/4/tag 1. Each search is ANDed with SCOPE and ordered by id.
    """

    def search(name: str, *terms: Any, order: str = "id") -> None:
        s.kw(f"domain.{name}", PARTNER, "search", [[SCOPE, *terms]], {"order": order})

    search("eq", ["city", "=", "Paris"])
    search("ne", ["city", "!=", "Paris"])
    search("lt", ["color", "<", 3])
    search("le", ["color", "<=", 3])
    search("gt", ["color", ">", 2])
    search("ge", ["color", ">=", 2])
    search("in", ["city", "in", ["Paris", "Berlin"]])
    search("not_in", ["city", "not in", ["Paris"]])
    search("in_with_false", ["city", "in", ["Paris", False]])
    search("not_in_with_false", ["city", "not in", ["Paris", False]])
    search("in_empty", ["id", "in", []])
    search("not_in_empty", ["id", "not in", []])
    search("eq_list", ["city", "=", ["Paris", "Berlin"]])
    search("like", ["city", "like", "aris"])
    search("ilike", ["city", "ilike", "ARIS"])
    search("eq_like", ["city", "=like", "P%"])
    search("eq_ilike", ["city", "=ilike", "p%"])
    search("not_like", ["city", "not like", "aris"])
    search("not_ilike", ["city", "not ilike", "ARIS"])
    search("ilike_empty", ["city", "ilike", ""])
    search("eq_optional_false", ["city", "=?", False])
    search("eq_optional_value", ["city", "=?", "Paris"])
    search("eq_false", ["city", "=", False])
    search("ne_false", ["city", "!=", False])
    search("child_of", ["id", "child_of", [p.a]])
    search("child_of_int", ["id", "child_of", p.b])
    search("parent_of", ["id", "parent_of", [p.c]])
    search("parent_id_child_of", ["parent_id", "child_of", p.a])
    search("or", "|", ["city", "=", "Paris"], ["city", "=", "Berlin"])
    search("and", "&", ["color", ">", 1], ["color", "<", 4])
    search("not", "!", ["city", "=", "Paris"])
    search("not_or", "!", "|", ["color", "=", 1], ["color", "=", 2])
    search("nested", "|", "&", ["color", ">", 1], ["city", "=", "Berlin"], ["zip", "=", "75001"])
    search("implicit_and", ["color", ">", 1], ["color", "<", 4])
    search("true_leaf", [1, "=", 1])
    search("false_leaf", [0, "=", 1])
    search("dotted_many2one", ["parent_id.name", "=", "Parity Partner A"])
    search("dotted_ilike", ["parent_id.city", "ilike", "par"])
    search("dotted_two_hops", ["parent_id.parent_id.name", "=", "Parity Partner A"])
    search("many2one_name", ["parent_id", "ilike", "Partner A"])
    search("many2one_false", ["parent_id", "=", False])
    search("boolean_false", ["is_company", "=", False])
    search("boolean_true", ["is_company", "=", True])
    search("many2many_in", ["category_id", "in", [p.tag1]])
    search("many2many_false", ["category_id", "=", False])
    search("many2many_dotted", ["category_id.name", "=", "Parity Tag 1"])
    search("any", ["parent_id", "any", [["name", "=", "Parity Partner A"]]])
    search("datetime_object", ["write_date", ">", xmlrpc.client.DateTime("20200101T00:00:00")])
    search("datetime_string", ["write_date", ">", PAST])
    search("datetime_date_only", ["write_date", ">", "2020-01-01"])
    search("order_nulls", order="zip desc, id")
    search("order_many2one", order="parent_id desc, id")
    search("order_two_keys", order="is_company desc, color")
    search("order_injection", order="name; DROP TABLE x")
    search("order_unknown_field", order="nope asc")
    s.kw("domain.bad.unbalanced", PARTNER, "search", [["|", ["name", "=", "x"]]])
    s.kw("domain.bad.operator", PARTNER, "search", [[["name", "bad", "x"]]])
    s.kw("domain.bad.unknown_field", PARTNER, "search", [[["nope", "=", 1]]])
    s.kw("domain.bad.short_leaf", PARTNER, "search", [[["name", "="]]])
    s.kw(
        "domain.search_count.datetime_object",
        PARTNER,
        "search_count",
        [[SCOPE, ["write_date", ">", xmlrpc.client.DateTime("20200101T00:00:00")]]],
    )
