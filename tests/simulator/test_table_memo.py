"""Answers kept until their tables are written (``simulator.memo``): access rules, groups, xml ids and a
user's partner are read once per database, and every way of changing them is seen by the next call."""

from __future__ import annotations

import pytest

from simulator.app import SimulatorApp
from simulator.database import Database
from simulator.errors import AccessError
from simulator.memo import TableMemo
from simulator.services import Services
from simulator.store import Store

ADMIN = ["odoo", 2, "admin"]


def _clerk(services: Services, db: Database, groups: list[int]) -> int:
    """A user with ``groups`` only, password ``clerk``."""
    return services.dispatch(
        "object",
        "execute_kw",
        [
            *ADMIN,
            "res.users",
            "create",
            [{"name": "Clerk", "login": "clerk", "password": "clerk", "groups_id": [(6, 0, groups)]}],
        ],
    )


def _count_moves(services: Services, uid: int) -> int:
    return services.dispatch("object", "execute_kw", ["odoo", uid, "clerk", "account.move", "search_count", [[]]])


@pytest.fixture
def setting() -> tuple[Services, Database]:
    app = SimulatorApp("17.0")
    return app.services, app.registry.get("odoo")


def test_a_group_taken_away_by_raw_sql_is_seen_by_the_next_call(setting: tuple[Services, Database]) -> None:
    services, db = setting
    uid = _clerk(services, db, [db.xmlid("account", "group_account_readonly")])
    assert _count_moves(services, uid) == 0
    db.store.execute("DELETE FROM res_groups_users_rel WHERE uid = ?", (uid,))
    with pytest.raises(AccessError, match=r"You are not allowed to access 'Journal Entry' \(account.move\)"):
        _count_moves(services, uid)


def test_a_group_given_through_the_orm_is_seen_by_the_next_call(setting: tuple[Services, Database]) -> None:
    services, db = setting
    uid = _clerk(services, db, [db.xmlid("base", "group_user")])
    with pytest.raises(AccessError):
        _count_moves(services, uid)
    readonly = db.xmlid("account", "group_account_readonly")
    services.dispatch("object", "execute_kw", [*ADMIN, "res.users", "write", [[uid], {"groups_id": [(4, readonly)]}]])
    assert _count_moves(services, uid) == 0
    assert db.access.has_group(uid, readonly)


def test_an_access_rule_switched_off_is_seen_by_the_next_call(setting: tuple[Services, Database]) -> None:
    services, db = setting
    uid = _clerk(services, db, [db.xmlid("account", "group_account_readonly")])
    assert _count_moves(services, uid) == 0
    db.store.execute(
        "UPDATE ir_model_access SET perm_read = 0 WHERE model_id = (SELECT id FROM ir_model WHERE model = ?)",
        ("account.move",),
    )
    with pytest.raises(AccessError):
        _count_moves(services, uid)


def test_what_a_rolled_back_call_read_of_its_own_writes_is_forgotten(setting: tuple[Services, Database]) -> None:
    services, db = setting
    uid = _clerk(services, db, [db.xmlid("base", "group_user")])
    readonly = db.xmlid("account", "group_account_readonly")

    def grant_read_then_fail(env: object) -> None:
        db.store.execute("INSERT INTO res_groups_users_rel (gid, uid) VALUES (?, ?)", (readonly, uid))
        assert db.access.allowed(uid, "account.move", "read")
        raise RuntimeError("the call fails")

    with pytest.raises(RuntimeError):
        services.transaction(db, uid, {}, grant_read_then_fail)
    assert not db.access.allowed(uid, "account.move", "read")
    assert not db.access.has_group(uid, readonly)


def test_an_xml_id_and_a_users_partner_follow_their_rows(setting: tuple[Services, Database]) -> None:
    services, db = setting
    note = db.xmlid("mail", "mt_note")
    db.store.execute("UPDATE ir_model_data SET res_id = 999 WHERE module = 'mail' AND name = 'mt_note'")
    assert (note, db.xmlid("mail", "mt_note")) == (note, 999)
    partner = services.dispatch("object", "execute_kw", [*ADMIN, "res.partner", "create", [{"name": "Author"}]])
    db.store.execute("UPDATE res_users SET partner_id = ? WHERE id = 2", (partner,))
    services.dispatch("object", "execute_kw", [*ADMIN, "res.partner", "create", [{"name": "Logged"}]])
    [(author,)] = db.store.query("SELECT author_id FROM mail_message ORDER BY id DESC LIMIT 1")
    assert author == partner


def test_triggers_stay_out_of_dumps_and_copies(setting: tuple[Services, Database]) -> None:
    _services, db = setting
    assert db.access.allowed(2, "res.partner", "read")
    assert db.store.query("SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger'")[0][0] > 0
    assert "_sim_memo" not in db.store.script()
    copy = Store()
    copy.copy_from(db.store)
    assert copy.query("SELECT count(*) FROM sqlite_temp_master")[0][0] == 0


def test_a_store_replaced_whole_or_a_table_made_again_is_read_again() -> None:
    store = Store()
    store.create_table("t", {"id": "INTEGER", "x": "INTEGER"})
    store.execute("INSERT INTO t (x) VALUES (1)")
    memo = TableMemo(store, ["t"])

    def total() -> int:
        return memo.get("sum", lambda: store.query("SELECT sum(x) FROM t")[0][0])

    assert total() == 1
    other = Store()
    other.create_table("t", {"id": "INTEGER", "x": "INTEGER"})
    other.execute("INSERT INTO t (x) VALUES (5)")
    store.copy_from(other)  # no trigger fires for a backup
    assert total() == 5
    store.execute('DROP TABLE "t"')  # its triggers go with it
    store.create_table("t", {"id": "INTEGER", "x": "INTEGER"})
    assert total() is None
    store.execute("INSERT INTO t (x) VALUES (7)")
    assert total() == 7


def test_the_columns_odoo_indexes_have_an_index(setting: tuple[Services, Database]) -> None:
    """A search on ``res.partner.ref`` (``index=True`` in Odoo, so in ir.model.fields) reads the rows
    through an index, as PostgreSQL's would; ``email`` (no index in Odoo) has none."""
    _services, db = setting
    [(plan,)] = [
        row[3:] for row in db.store.query("EXPLAIN QUERY PLAN SELECT name FROM res_partner WHERE ref = ?", ("X",))
    ]
    assert plan == "SEARCH res_partner USING INDEX res_partner__ref (ref=?)"
    [(plan,)] = [
        row[3:] for row in db.store.query("EXPLAIN QUERY PLAN SELECT id FROM res_partner WHERE email = ?", ("X",))
    ]
    assert plan == "SCAN res_partner"


def test_a_table_made_again_inside_one_transaction_is_read_again() -> None:
    """The schema is read once per transaction (``Store.schema_version``), so what the store itself does to
    it there (``create_table`` after a drop) must still be seen: the dropped table's triggers went with it."""
    store = Store()
    store.create_table("t", {"id": "INTEGER", "x": "INTEGER"})
    memo = TableMemo(store, ["t"])

    def total() -> int | None:
        return memo.get("sum", lambda: store.query("SELECT sum(x) FROM t")[0][0])

    with store.transaction():
        store.execute("INSERT INTO t (x) VALUES (1)")
        assert total() == 1
        store.execute('DROP TABLE "t"')
        store.create_table("t", {"id": "INTEGER", "x": "INTEGER"})
        assert total() is None
        store.execute("INSERT INTO t (x) VALUES (7)")
        assert total() == 7


def test_a_call_reads_the_schema_version_once(setting: tuple[Services, Database]) -> None:
    """A create looks up several memos (access, xml ids, the user's partner): one ``PRAGMA schema_version``
    for all of them in its transaction, not one per lookup."""
    services, db = setting
    statements: list[str] = []
    db.store.conn.set_trace_callback(statements.append)
    try:
        services.dispatch("object", "execute_kw", [*ADMIN, "res.partner", "create", [{"name": "Once"}]])
    finally:
        db.store.conn.set_trace_callback(None)
    assert sum("schema_version" in sql for sql in statements) == 1
