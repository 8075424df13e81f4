"""The shapes of a read the reader builds field by field (``Reader.read``): records in the order of the ids
given, each existing id once, each field once where first named, whatever kind of field it is. These pin
the simulator's own answers (its reader was rebuilt for speed), beside the recorded ones in ``test_reads``."""

from __future__ import annotations

from tests.support.odoo import Odoo

FIELDS = ["name", "parent_id", "child_ids", "display_name", "email", "name", "is_company", "create_uid"]


def test_an_id_given_twice_reads_once_in_first_place(odoo: Odoo) -> None:
    records = odoo.call("res.partner", "read", [3, 1, 3, 999999, 1], FIELDS)
    assert [r["id"] for r in records] == [3, 1]
    assert [list(r) for r in records] == [["id", *dict.fromkeys(FIELDS)]] * 2


def test_every_kind_of_field_reads_as_alone(odoo: Odoo) -> None:
    together = odoo.call("res.partner", "read", [1, 3], FIELDS)
    alone = [
        {"id": i, **{name: odoo.call("res.partner", "read", [i], [name])[0][name] for name in FIELDS}} for i in (1, 3)
    ]
    assert together == alone
    assert together[0]["parent_id"] is False and together[1]["create_uid"][0] == 1
