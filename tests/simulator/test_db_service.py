"""The db service (``/xmlrpc/2/db``) as real Odoo 16.0 to 19.0 answer it.

Every expected value here was recorded on the real Community servers (16.0, 17.0-20240709,
18.0-20250702, 19.0; master password ``admin``, no config file) on 2026-12-02, with databases
of our own (``hx_*``) created, copied, dumped, restored, renamed and dropped.
"""

from __future__ import annotations

import base64
import io
import json
import xmlrpc.client
import zipfile

import pytest

from simulator.app import SimulatorApp
from simulator.server import SimServer
from tests.support.odoo import Odoo, db_proxy


def fault(call, *args) -> tuple[object, str]:
    """The fault's code and the last line of its text (the exception, as Odoo's traceback ends)."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(*args)
    return info.value.faultCode, info.value.faultString.strip().splitlines()[-1]


def test_wrong_or_missing_master_password_is_access_denied(odoo: Odoo) -> None:
    db = db_proxy(odoo)
    for method, args in [
        ("drop", ("nope", "odoo")),
        ("list_countries", ("",)),
        ("change_admin_password", ("x", "y")),
        ("create_database", ("x", "a", False, "en_US")),
        ("dump", ("x", "odoo", "zip")),
    ]:
        assert fault(getattr(db, method), *args) == (3, "Access Denied"), method
    assert fault(db_proxy(odoo, legacy=True).drop, "nope", "odoo") == ("AccessDenied", "Access Denied")
    assert fault(db.drop) == (1, "IndexError: tuple index out of range")
    assert fault(db.frobnicate, "admin") == (1, "KeyError: 'Method not found: frobnicate'")
    assert "odoo" in db.list()  # nothing happened


def test_create_a_database_then_log_in_with_the_admin_given(odoo: Odoo) -> None:
    db, common = db_proxy(odoo), odoo.common()
    assert db.create_database("admin", "hx_src", False, "en_US", "pw1", "boss") is True
    assert common.authenticate("hx_src", "boss", "pw1", {}) == 2  # the admin is renamed, not added
    assert common.authenticate("hx_src", "admin", "admin", {}) is False
    assert db.db_exist("hx_src") is True and db.list() == ["hx_src", "odoo"]
    assert fault(db.create_database, "admin", "hx_src", False, "en_US") == (
        1,
        "odoo.service.db.DatabaseExists: database 'hx_src' already exists!",
    )


def test_names_are_postgresql_s_not_the_web_form_s(odoo: Odoo) -> None:
    """The service does not apply the database manager's DBNAME_PATTERN: any name PostgreSQL
    quotes is taken; only the empty one fails, in PostgreSQL."""
    db, common = db_proxy(odoo), odoo.common()
    assert db.duplicate_database("admin", "odoo", "hx_bad name/!") is True
    assert common.authenticate("hx_bad name/!", "admin", "admin", {}) == 2
    with pytest.raises(xmlrpc.client.Fault) as info:
        db.create_database("admin", "", False, "en_US")
    assert info.value.faultString.endswith(
        'psycopg2.errors.SyntaxError: zero-length delimited identifier at or near """"\n'
        "LINE 1: CREATE DATABASE \"\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLAT...\n"
        "                        ^\n\n"
    )


def test_duplicate_rename_and_drop(odoo: Odoo) -> None:
    db, common = db_proxy(odoo), odoo.common()
    uid = common.authenticate("odoo", "admin", "admin", {})
    odoo.call("res.partner", "create", {"name": "Copied along"})
    assert db.duplicate_database("admin", "odoo", "hx_dup") is True
    assert db.duplicate_database("admin", "odoo", "hx_neu", True) is True
    assert fault(db.duplicate_database, "admin", "odoo", "hx_dup") == (
        1,
        'psycopg2.errors.DuplicateDatabase: database "hx_dup" already exists',
    )
    assert fault(db.duplicate_database, "admin", "hx_nope", "hx_x") == (
        1,
        'psycopg2.errors.InvalidCatalogName: template database "hx_nope" does not exist',
    )
    assert db.rename("admin", "hx_dup", "hx_ren") is True
    assert fault(db.rename, "admin", "hx_ren", "odoo") == (
        1,
        'Exception: Couldn\'t rename database hx_ren to odoo: database "odoo" already exists',
    )
    assert fault(db.rename, "admin", "hx_nope", "hx_x") == (
        1,
        'Exception: Couldn\'t rename database hx_nope to hx_x: database "hx_nope" does not exist',
    )
    models = odoo.models()
    copied = [[("name", "=", "Copied along")]]
    assert models.execute_kw("hx_ren", uid, "admin", "res.partner", "search_count", copied) == 1
    neutralized = models.execute_kw(
        "hx_neu",
        uid,
        "admin",
        "ir.config_parameter",
        "search_read",
        [[("key", "=", "database.is_neutralized")]],
        {"fields": ["value"]},
    )
    assert [p["value"] for p in neutralized] == ["true"]
    assert db.drop("admin", "hx_ren") is True
    assert db.drop("admin", "hx_ren") is False  # an unknown database: False, no fault
    assert db.drop("admin", "") is False
    assert db.db_exist("hx_ren") is False and "hx_ren" not in db.list()
    assert fault(common.authenticate, "hx_ren", "admin", "admin", {}) == (
        1,
        'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: '
        'FATAL:  database "hx_ren" does not exist',
    )


def test_dump_is_a_zip_with_odoo_s_manifest_and_restores(odoo: Odoo) -> None:
    db, common = db_proxy(odoo), odoo.common()
    odoo.call("res.users", "write", [2], {"password": "changed"})
    odoo.password = "changed"
    odoo.call("res.partner", "create", {"name": "In the dump"})
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(db.dump("admin", "odoo", "zip"))))
    assert archive.namelist() == ["dump.sql", "manifest.json"]  # Odoo writes dump.sql first
    manifest = json.loads(archive.read("manifest.json"))
    version = odoo.common().version()
    assert list(manifest) == [
        "odoo_dump",
        "db_name",
        "version",
        "version_info",
        "major_version",
        "pg_version",
        "modules",
    ]
    assert (manifest["odoo_dump"], manifest["db_name"], manifest["version"], manifest["major_version"]) == (
        "1",
        "odoo",
        version["server_version"],
        odoo.version,
    )
    assert manifest["version_info"] == version["server_version_info"]
    assert manifest["modules"]["base"] == f"{odoo.version}.1.3" and "project" in manifest["modules"]
    assert db.restore("admin", "hx_rest", db.dump("admin", "odoo", "zip")) is True
    assert common.authenticate("hx_rest", "admin", "changed", {}) == 2  # passwords travel with the data
    found = [[("name", "=", "In the dump")]]
    assert odoo.models().execute_kw("hx_rest", 2, "changed", "res.partner", "search_count", found) == 1
    assert db.restore("admin", "hx_copy", db.dump("admin", "odoo", "dump"), True) is True  # not zip: the bare SQL
    assert fault(db.restore, "admin", "hx_rest", "") == (1, "Exception: Database already exists")
    assert fault(db.dump, "admin", "hx_nope", "zip")[1].endswith('database "hx_nope" does not exist')


def test_a_dump_that_does_not_load_leaves_an_empty_database(odoo: Odoo) -> None:
    """Odoo creates the database, then the restore fails: the name stays taken (listed,
    droppable) and nothing can log in (an empty registry: no res.users)."""
    db, common = db_proxy(odoo), odoo.common()
    assert fault(db.restore, "admin", "hx_garbage", base64.b64encode(b"not a dump").decode()) == (
        1,
        "Exception: Couldn't restore database",
    )
    assert db.db_exist("hx_garbage") is True and "hx_garbage" in db.list()
    assert fault(common.authenticate, "hx_garbage", "admin", "admin", {}) == (1, "KeyError: 'res.users'")
    assert db.drop("admin", "hx_garbage") is True and db.db_exist("hx_garbage") is False
    assert fault(db.restore, "admin", "hx_badpad", "abc") == (1, "binascii.Error: Incorrect padding")
    assert db.db_exist("hx_badpad") is False  # decoding fails before anything is created


def test_wrong_argument_counts_are_python_s_or_18_s_decorator_s(odoo: Odoo) -> None:
    db = db_proxy(odoo)
    managed = {  # @check_db_management_enabled; 18's decorator 5.1.1 binds with inspect
        (db.create_database, ("admin", "hx_x")): (
            "exp_create_database() missing 2 required positional arguments: 'demo' and 'lang'",
            "missing a required argument: 'demo'",
        ),
        (db.drop, ("admin",)): (
            "exp_drop() missing 1 required positional argument: 'db_name'",
            "missing a required argument: 'db_name'",
        ),
        (db.dump, ("admin", "odoo")): (
            "exp_dump() missing 1 required positional argument: 'format'",
            "missing a required argument: 'format'",
        ),
        (db.drop, ("admin", "a", "b")): (
            "exp_drop() takes 1 positional argument but 2 were given",
            "too many positional arguments",
        ),
        (db.duplicate_database, ("admin", "x", "y", False, 1)): (
            "exp_duplicate_database() takes from 2 to 3 positional arguments but 4 were given",
            "too many positional arguments",
        ),
    }
    for (call, args), (python, bind) in managed.items():
        assert fault(call, *args) == (1, f"TypeError: {bind if odoo.version == '18.0' else python}")
    assert fault(db.db_exist) == (1, "TypeError: exp_db_exist() missing 1 required positional argument: 'db_name'")
    assert fault(db.list, 1, 2) == (1, "TypeError: exp_list() takes from 0 to 1 positional arguments but 2 were given")
    assert fault(db.list_countries, "admin", "x") == (
        1,
        "TypeError: exp_list_countries() takes 0 positional arguments but 1 was given",
    )


def test_list_countries_and_migrate(odoo: Odoo) -> None:
    db = db_proxy(odoo)
    countries = db.list_countries("admin")  # res_country_data.xml: lower-case codes, by name
    assert len(countries) == (251 if odoo.major >= 19 else 250)
    assert countries[:3] == [["af", "Afghanistan"], ["al", "Albania"], ["dz", "Algeria"]]
    assert countries[-1] == ["ax", "Åland Islands"]
    assert db.migrate_databases("admin", []) is True and db.migrate_databases("admin", ["odoo"]) is True
    assert fault(db.migrate_databases, "admin", ["hx_nope"])[1].endswith('database "hx_nope" does not exist')


def test_change_admin_password_then_the_new_one_applies(odoo: Odoo) -> None:
    db = db_proxy(odoo)
    assert db.change_admin_password("admin", "s3cret") is True
    assert fault(db.list_countries, "admin") == (3, "Access Denied")
    assert len(db.list_countries("s3cret")) >= 250


def test_the_master_password_is_a_constructor_parameter() -> None:
    with SimServer(SimulatorApp("17.0", master_password="from-env")) as server:
        db = db_proxy(Odoo(server))
        assert fault(db.drop, "admin", "odoo") == (3, "Access Denied")
        assert db.drop("from-env", "odoo") is True and db.list() == []
