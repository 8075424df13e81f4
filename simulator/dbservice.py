"""Odoo's ``db`` service (``odoo/service/db.py``): databases listed, created, copied, dumped,
restored, renamed and dropped, behind the server's master password.

``dispatch`` is Odoo's: the public methods take their parameters as they are; every other
``exp_*`` takes the master password first (``check_super``: a wrong one is ``AccessDenied``),
and an unknown method is ``KeyError('Method not found: ...')``. Which methods a version has
is its profile's ``db_service`` (20.0 removed the service). Failures are the real ones:
PostgreSQL's errors where Odoo lets them through (a name already taken, an unknown template),
Odoo's own where it raises (``DatabaseExists``, "Couldn't rename database ...").

A dump is a zip as Odoo's: ``dump.sql`` then ``manifest.json``, but the SQL is the
simulator's SQLite (``iterdump``), so it restores into the simulator, not into PostgreSQL.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import inspect
import io
import json
import sqlite3
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

from simulator.database import Database
from simulator.errors import AccessDenied, ServerError
from simulator.orm import SUPERUSER_ID, Env
from simulator.profile import has_demo
from simulator.registry import Registry

#: The PostgreSQL version a manifest names: the one the recorded real servers run (the dump is SQLite).
PG_VERSION = "15.0"
#: ``exp_restore`` decodes its base64 in chunks of this many characters.
RESTORE_CHUNK = 8192


def managed(function: Callable) -> Callable:
    """Odoo's ``@check_db_management_enabled``: the methods it wraps bind their arguments
    through the wrapper, whose errors some versions word differently (profile ``arguments``)."""
    function.managed = True  # type: ignore[attr-defined]
    return function


def connect(registry: Registry, name: Any) -> Database:
    """``db_connect(name)`` then a registry, as a call on ``name`` meets them: PostgreSQL's refusal
    for a database that does not exist, an empty registry (no ``res.users``) for a shell."""
    db = registry.get(str(name))
    if db is not None:
        return db
    if registry.exists(str(name)):
        raise ServerError("KeyError", "'res.users'", text="res.users")
    raise ServerError(
        "psycopg2.OperationalError",
        f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "{name}" does not exist\n',
    )


class DbService:
    """The ``db`` service of one simulated server."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.profile = registry.profile
        self.quirks = registry.profile.quirks.db_service

    @property
    def served(self) -> bool:
        return bool(self.quirks.public or self.quirks.master)

    def dispatch(self, method: str, params: list) -> Any:
        if method in self.quirks.public:
            return self._call(method, params)
        if method not in self.quirks.master:
            raise ServerError("KeyError", repr(f"Method not found: {method}"), text=f"Method not found: {method}")
        if not params:
            raise ServerError("IndexError", "tuple index out of range")
        if not self.registry.verify_master(params[0]):
            raise AccessDenied()
        return self._call(method, params[1:])

    def _call(self, method: str, params: list) -> Any:
        function = getattr(self, f"exp_{method}")
        signature = inspect.signature(function)
        try:
            signature.bind(*params)
        except TypeError as exc:
            bind = getattr(function, "managed", False) and self.quirks.arguments == "bind"
            message = str(exc) if bind else _call_error(function.__name__, signature, len(params))
            raise ServerError("TypeError", message) from None
        return function(*params)

    # -- no master password ------------------------------------------------------------------

    def exp_db_exist(self, db_name: Any) -> bool:
        return self.registry.exists(str(db_name))

    def exp_list(self, document: Any = False) -> list[str]:
        return self.registry.names()

    def exp_list_lang(self) -> list[list[str]]:
        return [["en_US", "English (US)"]]

    def exp_server_version(self) -> str:
        return self.profile.version_info["server_version"]

    # -- master password ---------------------------------------------------------------------

    def exp_list_countries(self) -> list[list[str]]:
        """``res_country_data.xml``'s [code, name] pairs by name: the recorded countries, whose
        codes the data file writes in lower case."""
        countries = [[row["code"].lower(), row["name"]] for row in self.profile.seed.get("res.country", [])]
        return sorted(countries, key=lambda country: country[1])

    @managed
    def exp_create_database(
        self,
        db_name: Any,
        demo: Any,
        lang: Any,
        user_password: Any = "admin",
        login: Any = "admin",
        country_code: Any = None,
        phone: Any = None,
    ) -> bool:
        """A new database as after install, with the recorded demo data if asked and recorded
        (``capture --demo``; a version without it creates it without), its admin given the
        login and password asked for. Odoo logs and swallows any failure of that last step
        (``_initialize_db``), so the call answers True and the admin keeps admin / admin."""
        self._create_empty_database(db_name)
        db = self.registry.create(db_name, fresh=True, demo=bool(demo) and has_demo(self.profile.version))
        # Odoo's _logger.exception('CREATE DATABASE failed:'): the call still answers True
        with contextlib.suppress(Exception), db.lock, db.store.transaction():
            _initialize_db(Env(db, SUPERUSER_ID, {}, su=True), user_password, login, country_code, phone)
        return True

    @managed
    def exp_duplicate_database(self, db_original_name: Any, db_name: Any, neutralize_database: Any = False) -> bool:
        source = self.registry.get(str(db_original_name))
        if source is None:
            raise ServerError(
                "psycopg2.errors.InvalidCatalogName", f'template database "{db_original_name}" does not exist\n'
            )
        _check_identifier(db_name, f'CREATE DATABASE "{db_name}" ENCODING \'unicode\' TEMPLATE "{db_original_name}"')
        if self.registry.exists(db_name):
            raise ServerError("psycopg2.errors.DuplicateDatabase", f'database "{db_name}" already exists\n')
        copy = self.registry.copy(source, db_name)
        _renew_identity(copy)
        if neutralize_database:
            _neutralize(copy)
        return True

    @managed
    def exp_drop(self, db_name: Any) -> bool:
        if not isinstance(db_name, str) or not self.registry.exists(db_name):
            return False
        self.registry.drop(db_name)
        return True

    @managed
    def exp_dump(self, db_name: Any, format: Any) -> str:
        """A zip (``dump.sql`` first, then ``manifest.json``) for ``zip``; any other format is
        pg_dump's custom one in Odoo, here the bare SQL script."""
        db = connect(self.registry, db_name)
        with db.lock:
            script = db.store.script()
        if format != "zip":
            return base64.b64encode(script.encode()).decode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("dump.sql", script)
            archive.writestr("manifest.json", json.dumps(self._manifest(db), indent=4))
        return base64.b64encode(buffer.getvalue()).decode()

    @managed
    def exp_restore(self, db_name: Any, data: Any, copy: Any = False) -> bool:
        """Decode, then create the database, then load the dump: a dump that does not load
        leaves the created (empty) database behind, as PostgreSQL does."""
        raw = _b64decode(data)
        if self.registry.exists(db_name):
            raise ServerError("Exception", "Database already exists")
        self._create_empty_database(db_name)
        script = _script(raw)
        store = self.registry.new_store(db_name)
        try:
            store.run_script(script)
        except sqlite3.Error:
            store.close()
            raise ServerError("Exception", "Couldn't restore database") from None
        if store.is_empty():
            store.close()
            return True
        restored = self.registry.adopt(db_name, store)
        if copy:
            _renew_identity(restored)
        return True

    @managed
    def exp_rename(self, old_name: Any, new_name: Any) -> bool:
        if not self.registry.get(str(old_name)):
            raise ServerError(
                "Exception",
                f'Couldn\'t rename database {old_name} to {new_name}: database "{old_name}" does not exist\n',
            )
        _check_identifier(new_name, f'ALTER DATABASE "{old_name}" RENAME TO "{new_name}"')
        if self.registry.exists(new_name):
            raise ServerError(
                "Exception",
                f'Couldn\'t rename database {old_name} to {new_name}: database "{new_name}" already exists\n',
            )
        self.registry.rename(old_name, new_name)
        return True

    @managed
    def exp_change_admin_password(self, new_password: Any) -> bool:
        self.registry.set_master(str(new_password))
        return True

    @managed
    def exp_migrate_databases(self, databases: Any) -> bool:
        """Updating ``base`` changes nothing in a simulated database; each must still open."""
        for name in databases:
            connect(self.registry, name)
        return True

    # -- helpers -----------------------------------------------------------------------------

    def _create_empty_database(self, name: Any) -> None:
        """``_create_empty_database``: Odoo's own check of the name, then PostgreSQL's."""
        if self.registry.exists(name):
            raise ServerError("odoo.service.db.DatabaseExists", f"database {name!r} already exists!")
        _check_identifier(name, f"CREATE DATABASE \"{name}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE \"template0\"")
        self.registry.shells.add(name)

    def _manifest(self, db: Database) -> dict:
        """``dump_db_manifest``: the server's version and the database's installed modules."""
        version = self.profile.version_info
        return {
            "odoo_dump": "1",
            "db_name": db.name,
            "version": version["server_version"],
            "version_info": version["server_version_info"],
            "major_version": self.profile.version,
            "pg_version": PG_VERSION,
            "modules": dict(self.quirks.modules),
        }


def _initialize_db(env: Env, user_password: Any, login: Any, country_code: Any, phone: Any) -> None:
    """What ``_initialize_db`` writes once the modules are installed (the language asked for is
    not loaded: a simulated database speaks en_US only)."""
    company = env["res.company"]
    if country_code:
        [country] = env["res.country"].search_read([("code", "ilike", country_code)], ["currency_id"], limit=1)
        company.write([1], {"country_id": country["id"], "currency_id": country["currency_id"][0]})
    if phone:
        company.write([1], {"phone": phone})
    if "@" in str(login):
        company.write([1], {"email": login})
    values = {"password": user_password}
    if login:
        values["login"] = login
        if "@" in str(login):
            values["email"] = login
    env["res.users"].write([env.db.xmlid("base", "user_admin")], values)


def _renew_identity(db: Database) -> None:
    """``ir.config_parameter.init(force=True)`` on a copy: its own uuid, secret and creation date."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    with db.lock, db.store.transaction():
        for key, value in (
            ("database.uuid", str(uuid.uuid1())),
            ("database.secret", str(uuid.uuid4())),
            ("database.create_date", now),
        ):
            db.store.execute("UPDATE ir_config_parameter SET value = ? WHERE key = ?", (value, key))


def _neutralize(db: Database) -> None:
    """``neutralize_database``: of base's ``neutralize.sql``, the flag is what the served models hold."""
    with db.lock, db.store.transaction():
        params = Env(db, SUPERUSER_ID, {}, su=True)["ir.config_parameter"]
        found = params.search([("key", "=", "database.is_neutralized")])
        if found:
            params.write(found, {"value": "true"})
        else:
            params.create({"key": "database.is_neutralized", "value": "true"})


def _check_identifier(name: Any, statement: str) -> None:
    """PostgreSQL quotes any name but the empty one (``CREATE DATABASE ""``)."""
    if name == "":
        line = statement if len(statement) <= 60 else f"{statement[:60]}..."  # PostgreSQL shows 60 characters
        raise ServerError(
            "psycopg2.errors.SyntaxError",
            f'zero-length delimited identifier at or near """"\nLINE 1: {line}\n{" " * 24}^\n',
        )


def _b64decode(data: Any) -> bytes:
    """``exp_restore``'s decoding, chunk by chunk, with binascii's errors."""
    try:
        return b"".join(base64.b64decode(data[i : i + RESTORE_CHUNK]) for i in range(0, len(data), RESTORE_CHUNK))
    except binascii.Error as exc:
        raise ServerError("binascii.Error", str(exc)) from None
    except TypeError as exc:
        raise ServerError("TypeError", str(exc)) from None


def _script(raw: bytes) -> str:
    """The SQL of a dump: ``dump.sql`` of a zip (a zip without it is zipfile's KeyError, as Odoo's
    ``extractall`` meets it), else the bare script."""
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            try:
                raw = archive.read("dump.sql")
            except KeyError as exc:
                raise ServerError("KeyError", repr(exc.args[0]), text=exc.args[0]) from None
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise ServerError("Exception", "Couldn't restore database") from None


def _call_error(name: str, signature: inspect.Signature, count: int) -> str:
    """CPython's wording of a call with the wrong number of positional arguments."""
    params = list(signature.parameters.values())
    required = [p.name for p in params if p.default is p.empty]
    if count < len(required):
        return missing_arguments(f"{name}()", required[count:])
    accepted = str(len(params)) if len(required) == len(params) else f"from {len(required)} to {len(params)}"
    given = f"{count} {'was' if count == 1 else 'were'} given"
    return f"{name}() takes {accepted} positional argument{'' if accepted == '1' else 's'} but {given}"


def missing_arguments(call: str, names: list[str]) -> str:
    """CPython's ``f() missing 2 required positional arguments: 'a' and 'b'``."""
    listed = " and ".join(", ".join(repr(n) for n in names).rsplit(", ", 1))
    return f"{call} missing {len(names)} required positional argument{'s' * (len(names) > 1)}: {listed}"
