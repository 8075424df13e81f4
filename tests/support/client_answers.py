"""What real Odoo answered each client library in ``tests/simulator/test_client_libraries.py``'s scenarios.

Recorded on real 16.0, 17.0, 18.0 and 19.0 on 2026-12-02, fresh database (each made from the
install template: Analytic Accounting off, as the simulator's ``fresh`` database), as admin, by
``python -m tests.test_client_libraries URL DB "REFRESH COMMAND"`` (the database made fresh again
around each writing scenario). The data is as recorded: nothing here was copied from the simulator.

``COMMON`` is the answer most libraries got; ``OWN`` a library's own where it differs (its shaping
of records, its error type, its own bugs); ``LEFT_OUT`` the steps a library has no documented API
for. A ``PerVersion`` holds the versions whose answer differs, ``"*"`` the others.
"""

from __future__ import annotations

from typing import Any


class PerVersion(dict):
    """An answer that differs by Odoo version: ``{"18.0": ..., "*": ...}``."""


def resolve(value: Any, version: str) -> Any:
    """The answer for one version."""
    return value.get(version, value["*"]) if isinstance(value, PerVersion) else value


def expected(client: str, topic: str, version: str) -> dict[str, Any]:
    """Every step of one scenario as the real server of ``version`` answered ``client``."""
    left_out = set(LEFT_OUT.get(client, {}).get(topic, ()))
    answers = {key: value for key, value in COMMON.get(topic, {}).items() if key not in left_out}
    answers.update(OWN.get(client, {}).get(topic, {}))
    return {key: resolve(value, version) for key, value in answers.items()}


COMMON: dict[str, dict[str, Any]] = {
    "errors": {
        "bad_domain": PerVersion(
            {
                "19.0": [
                    "xmlrpc.client.Fault",
                    "[Invalid field res.partner.no_such_field in condition ('no_such_field', '=', 1)] "
                    "ValueError: Invalid field res.partner.no_such_field in condition ('no_such_field', '=', "
                    "1)",
                ],
                "*": [
                    "xmlrpc.client.Fault",
                    "[Invalid field res.partner.no_such_field in leaf ('no_such_field', '=', 1)] ValueError: "
                    "Invalid field res.partner.no_such_field in leaf ('no_such_field', '=', 1)",
                ],
            }
        ),
        "missing_field": PerVersion(
            {
                "19.0": [
                    "xmlrpc.client.Fault",
                    "[Invalid field 'no_such_field' on 'res.partner'] ValueError: Invalid field "
                    "'no_such_field' on 'res.partner'",
                ],
                "*": [
                    "xmlrpc.client.Fault",
                    "[Invalid field 'no_such_field' on model 'res.partner'] ValueError: Invalid field "
                    "'no_such_field' on model 'res.partner'",
                ],
            }
        ),
        "missing_model": ["xmlrpc.client.Fault", "[warning -- UserError] Object no.such.model doesn't exist"],
    },
    "models": {
        "action": [{"id": 1, "name": "Load demo data", "type": "ir.actions.act_window"}],
        "action_browsed": "Load demo data",
        "base_module": PerVersion({"16.0": [30], "19.0": [34], "*": [31]}),
        "countries": PerVersion({"19.0": 251, "*": 250}),
        "country": PerVersion(
            {
                "16.0": [{"currency_id": [1, "EUR"], "id": 20, "name": "Belgium", "phone_code": 32}],
                "18.0": [{"currency_id": [125, "EUR"], "id": 20, "name": "Belgium", "phone_code": 32}],
                "*": [{"currency_id": [126, "EUR"], "id": 20, "name": "Belgium", "phone_code": 32}],
            }
        ),
        "cron": [{"active": True, "id": 1, "interval_type": "days", "name": "Base: Auto-vacuum internal data"}],
        "crons": PerVersion({"17.0": 17, "18.0": 18, "19.0": 16, "*": 14}),
        "langs": [{"active": True, "code": "en_US", "id": 1, "name": "English (US)"}],
        "model_data": PerVersion(
            {
                "17.0": [{"complete_name": "base.lang_en", "id": 2447, "model": "res.lang", "res_id": 1}],
                "18.0": [{"complete_name": "base.lang_en", "id": 3201, "model": "res.lang", "res_id": 1}],
                "19.0": [{"complete_name": "base.lang_en", "id": 3349, "model": "res.lang", "res_id": 1}],
                "*": [{"complete_name": "base.lang_en", "id": 2336, "model": "res.lang", "res_id": 1}],
            }
        ),
        "modules": PerVersion({"17.0": 48, "18.0": 49, "19.0": 54, "*": 47}),
    },
    "reads": {
        "admin": [{"id": 2, "lang": "en_US", "login": "admin", "partner_id": [3, "Administrator"], "tz": False}],
        "browse": "Administrator",
        "browse_company": "My Company",
        "companies": [1],
        "count": 2,
        "fields": {
            "company_id": {"required": False, "string": "Company", "type": "many2one"},
            "name": {"required": False, "string": "Name", "type": "char"},
            "type": {"required": False, "string": "Address Type", "type": "selection"},
        },
        "in_french": PerVersion(
            {
                "18.0": ["odooly.ServerError", "odoo.exceptions.UserError: Invalid language code: fr_FR"],
                "19.0": ["odooly.ServerError", "odoo.exceptions.UserError: Invalid language code: fr_FR"],
                "*": ["Burkina Faso"],
            }
        ),
        "name_search": [[3, "Administrator"]],
        "partners": PerVersion(
            {
                "19.0": [
                    {"company_id": False, "email": False, "id": 1, "name": "My Company"},
                    {"company_id": [1, "My Company"], "email": False, "id": 3, "name": "Administrator"},
                ],
                "*": [
                    {"company_id": False, "email": False, "id": 1, "name": "My Company"},
                    {"company_id": [1, "My Company"], "email": "admin@example.com", "id": 3, "name": "Administrator"},
                ],
            }
        ),
        "read_group": [
            {"__domain": [["is_company", "=", False]], "is_company": False, "is_company_count": 1},
            {"__domain": [["is_company", "=", True]], "is_company": True, "is_company_count": 1},
        ],
        "users": [2],
        "users_all": PerVersion({"19.0": [1, 2, 3, 4], "*": [1, 2, 3, 4, 5]}),
    },
    "session": {
        "context": {"lang": "en_US", "tz": False, "uid": 2},
        "db_listed": True,
        "lang_en": ["res.lang", 1],
        "main_company": ["res.company", 1],
        "uid": 2,
        "version": PerVersion({"17.0": "17.0-20240709", "18.0": "18.0-20250702", "19.0": "19.0", "*": "16.0"}),
    },
    "writes": {
        "attachment": PerVersion({"17.0": 447, "18.0": 470, "19.0": 493, "*": 100}),
        "attachment_read": PerVersion(
            {
                "17.0": [
                    {
                        "checksum": "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
                        "datas": "aGVsbG8=",
                        "file_size": 5,
                        "id": 447,
                        "mimetype": "text/plain",
                        "res_id": 3,
                        "res_model": "res.partner",
                        "type": "binary",
                    }
                ],
                "18.0": [
                    {
                        "checksum": "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
                        "datas": "aGVsbG8=",
                        "file_size": 5,
                        "id": 470,
                        "mimetype": "text/plain",
                        "res_id": 3,
                        "res_model": "res.partner",
                        "type": "binary",
                    }
                ],
                "19.0": [
                    {
                        "checksum": "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
                        "datas": "aGVsbG8=",
                        "file_size": 5,
                        "id": 493,
                        "mimetype": "text/plain",
                        "res_id": 3,
                        "res_model": "res.partner",
                        "type": "binary",
                    }
                ],
                "*": [
                    {
                        "checksum": "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
                        "datas": "aGVsbG8=",
                        "file_size": 5,
                        "id": 100,
                        "mimetype": "text/plain",
                        "res_id": 3,
                        "res_model": "res.partner",
                        "type": "binary",
                    }
                ],
            }
        ),
        "copy": PerVersion({"18.0": [8], "19.0": [7], "*": 8}),
        "copy_name": PerVersion(
            {"19.0": [{"id": 7, "name": "Client Library (copy)"}], "*": [{"id": 8, "name": "Client Library (copy)"}]}
        ),
        "created": PerVersion({"19.0": 6, "*": 7}),
        "found": PerVersion({"19.0": [6], "*": [7]}),
        "gone": PerVersion({"19.0": [7], "*": [8]}),
        "read_back": PerVersion(
            {
                "19.0": [{"city": "Kampala", "display_name": "Client Library", "email": "lib@example.com", "id": 6}],
                "*": [{"city": "Kampala", "display_name": "Client Library", "email": "lib@example.com", "id": 7}],
            }
        ),
        "unlink": True,
        "write": True,
    },
}

OWN: dict[str, dict[str, dict[str, Any]]] = {
    "odoo-connect": {
        "errors": {
            "bad_domain": PerVersion(
                {
                    "19.0": [
                        "odoo_connect.odoo_rpc.OdooServerError",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in condition "
                        "('no_such_field', '=', 1)",
                    ],
                    "*": [
                        "odoo_connect.odoo_rpc.OdooServerError",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in leaf ('no_such_field', "
                        "'=', 1)",
                    ],
                }
            ),
            "missing_field": PerVersion(
                {
                    "19.0": [
                        "odoo_connect.odoo_rpc.OdooServerError",
                        "builtins.ValueError: Invalid field 'no_such_field' on 'res.partner'",
                    ],
                    "*": [
                        "odoo_connect.odoo_rpc.OdooServerError",
                        "builtins.ValueError: Invalid field 'no_such_field' on model 'res.partner'",
                    ],
                }
            ),
            "missing_model": [
                "odoo_connect.odoo_rpc.OdooServerError",
                "odoo.exceptions.UserError: Object no.such.model doesn't exist",
            ],
        },
        "reads": {
            "in_french": PerVersion(
                {
                    "18.0": [
                        "odoo_connect.odoo_rpc.OdooServerError",
                        "odoo.exceptions.UserError: Invalid language code: fr_FR",
                    ],
                    "19.0": [
                        "odoo_connect.odoo_rpc.OdooServerError",
                        "odoo.exceptions.UserError: Invalid language code: fr_FR",
                    ],
                    "*": [{"id": 21, "name": "Burkina Faso"}],
                }
            ),
        },
        "session": {
            "lang_en": 1,
            "main_company": 1,
            "version": PerVersion(
                {"17.0": ["17.0-20240709", 17], "18.0": ["18.0-20250702", 18], "19.0": ["19.0", 19], "*": ["16.0", 16]}
            ),
        },
    },
    "odoolib-jsonrpc": {
        "errors": {
            "bad_domain": PerVersion(
                {
                    "19.0": [
                        "odoolib.tools.JsonRPCException",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in condition "
                        "('no_such_field', '=', 1)",
                    ],
                    "*": [
                        "odoolib.tools.JsonRPCException",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in leaf ('no_such_field', "
                        "'=', 1)",
                    ],
                }
            ),
            "missing_field": PerVersion(
                {
                    "19.0": [
                        "odoolib.tools.JsonRPCException",
                        "builtins.ValueError: Invalid field 'no_such_field' on 'res.partner'",
                    ],
                    "*": [
                        "odoolib.tools.JsonRPCException",
                        "builtins.ValueError: Invalid field 'no_such_field' on model 'res.partner'",
                    ],
                }
            ),
            "missing_model": [
                "odoolib.tools.JsonRPCException",
                "odoo.exceptions.UserError: Object no.such.model doesn't exist",
            ],
        },
        "reads": {
            "in_french": PerVersion(
                {
                    "18.0": [
                        "odoolib.tools.JsonRPCException",
                        "odoo.exceptions.UserError: Invalid language code: fr_FR",
                    ],
                    "19.0": [
                        "odoolib.tools.JsonRPCException",
                        "odoo.exceptions.UserError: Invalid language code: fr_FR",
                    ],
                    "*": [{"id": 21, "name": "Burkina Faso"}],
                }
            ),
        },
    },
    "odooly": {
        "errors": {
            "bad_domain": PerVersion(
                {
                    "19.0": [
                        "odooly.ServerError",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in condition "
                        "('no_such_field', '=', 1)",
                    ],
                    "*": [
                        "odooly.ServerError",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in leaf ('no_such_field', "
                        "'=', 1)",
                    ],
                }
            ),
            "missing_field": PerVersion(
                {
                    "19.0": [
                        "odooly.ServerError",
                        "builtins.ValueError: Invalid field 'no_such_field' on 'res.partner'",
                    ],
                    "*": [
                        "odooly.ServerError",
                        "builtins.ValueError: Invalid field 'no_such_field' on model 'res.partner'",
                    ],
                }
            ),
            "missing_model": ["odooly.Error", "Model not found: no.such.model"],
        },
        "session": {
            "version": PerVersion(
                {
                    "17.0": ["17.0-20240709", 17.0],
                    "18.0": ["18.0-20250702", 18.0],
                    "19.0": ["19.0", 19.0],
                    "*": ["16.0", 16.0],
                }
            ),
        },
        "writes": {
            "copy": PerVersion({"19.0": 7, "*": 8}),
        },
    },
    "odoorpc": {
        "errors": {
            "bad_domain": PerVersion(
                {
                    "19.0": [
                        "odoorpc.error.RPCError",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in condition "
                        "('no_such_field', '=', 1)",
                    ],
                    "*": [
                        "odoorpc.error.RPCError",
                        "builtins.ValueError: Invalid field res.partner.no_such_field in leaf ('no_such_field', "
                        "'=', 1)",
                    ],
                }
            ),
            "missing_field": PerVersion(
                {
                    "19.0": [
                        "odoorpc.error.RPCError",
                        "builtins.ValueError: Invalid field 'no_such_field' on 'res.partner'",
                    ],
                    "*": [
                        "odoorpc.error.RPCError",
                        "builtins.ValueError: Invalid field 'no_such_field' on model 'res.partner'",
                    ],
                }
            ),
            "missing_model": [
                "odoorpc.error.RPCError",
                "odoo.exceptions.UserError: Object no.such.model doesn't exist",
            ],
        },
        "reads": {
            "in_french": PerVersion(
                {
                    "18.0": ["odoorpc.error.RPCError", "odoo.exceptions.UserError: Invalid language code: fr_FR"],
                    "19.0": ["odoorpc.error.RPCError", "odoo.exceptions.UserError: Invalid language code: fr_FR"],
                    "*": ["Burkina Faso"],
                }
            ),
        },
    },
    "pyodoo-rpc-client": {
        "errors": {
            "bad_domain": PerVersion(
                {
                    "19.0": [
                        "xmlrpc.client.Fault",
                        "[1] ValueError: Invalid field res.partner.no_such_field in condition "
                        "('no_such_field', '=', 1)",
                    ],
                    "*": [
                        "xmlrpc.client.Fault",
                        "[1] ValueError: Invalid field res.partner.no_such_field in leaf ('no_such_field', '=', 1)",
                    ],
                }
            ),
            "missing_field": PerVersion(
                {
                    "19.0": ["xmlrpc.client.Fault", "[1] ValueError: Invalid field 'no_such_field' on 'res.partner'"],
                    "*": [
                        "xmlrpc.client.Fault",
                        "[1] ValueError: Invalid field 'no_such_field' on model 'res.partner'",
                    ],
                }
            ),
            "missing_model": ["xmlrpc.client.Fault", "[2] Object no.such.model doesn't exist"],
        },
        "reads": {
            "in_french": PerVersion(
                {
                    "18.0": ["xmlrpc.client.Fault", "[2] Invalid language code: fr_FR"],
                    "19.0": ["xmlrpc.client.Fault", "[2] Invalid language code: fr_FR"],
                    "*": [{"id": 21, "name": "Burkina Faso"}],
                }
            ),
        },
    },
    "erppeek": {
        "models": {
            "action_browsed": PerVersion(
                {
                    "16.0": "Load demo data",
                    "17.0": [
                        "xmlrpc.client.Fault",
                        "[The method 'fields_get_keys' does not exist on the model 'ir.actions.actions'] "
                        "AttributeError: The method 'fields_get_keys' does not exist on the model "
                        "'ir.actions.actions'",
                    ],
                    "*": [
                        "xmlrpc.client.Fault",
                        "[The method 'ir.actions.actions.fields_get_keys' does not exist] AttributeError: The "
                        "method 'ir.actions.actions.fields_get_keys' does not exist",
                    ],
                }
            ),
            "cron": PerVersion(
                {
                    "17.0": [
                        {
                            "active": True,
                            "id": 16,
                            "interval_type": "days",
                            "name": "Account: Post draft entries with auto_post enabled and accounting date up to "
                            "today",
                        },
                        {"active": True, "id": 1, "interval_type": "days", "name": "Base: Auto-vacuum internal data"},
                        {"active": True, "id": 2, "interval_type": "days", "name": "Base: Portal Users Deletion"},
                        {"active": True, "id": 14, "interval_type": "days", "name": "Digest Emails"},
                        {"active": True, "id": 9, "interval_type": "days", "name": "Discuss: channel member unmute"},
                        {"active": True, "id": 3, "interval_type": "hours", "name": "Mail: Email Queue Manager"},
                        {"active": True, "id": 8, "interval_type": "days", "name": "Mail: send web push notification"},
                        {
                            "active": True,
                            "id": 5,
                            "interval_type": "days",
                            "name": "Notification: Delete Notifications older than 6 Month",
                        },
                        {
                            "active": True,
                            "id": 7,
                            "interval_type": "hours",
                            "name": "Notification: Send scheduled message notifications",
                        },
                        {
                            "active": True,
                            "id": 11,
                            "interval_type": "minutes",
                            "name": "Partner Autocomplete: Sync with remote DB",
                        },
                        {"active": True, "id": 18, "interval_type": "days", "name": "Project: Send rating"},
                        {"active": True, "id": 4, "interval_type": "weeks", "name": "Publisher: Update Notification"},
                        {"active": True, "id": 12, "interval_type": "hours", "name": "SMS: SMS Queue Manager"},
                        {"active": True, "id": 17, "interval_type": "days", "name": "Send invoices automatically"},
                        {
                            "active": True,
                            "id": 13,
                            "interval_type": "hours",
                            "name": "Snailmail: process letters queue",
                        },
                        {
                            "active": True,
                            "id": 10,
                            "interval_type": "days",
                            "name": "Users: Notify About Unregistered Users",
                        },
                        {
                            "active": True,
                            "id": 15,
                            "interval_type": "minutes",
                            "name": "payment: post-process transactions",
                        },
                    ],
                    "18.0": [
                        {
                            "active": True,
                            "id": 18,
                            "interval_type": "days",
                            "name": "Account: Post draft entries with auto_post enabled and accounting date up to "
                            "today",
                        },
                        {"active": True, "id": 1, "interval_type": "days", "name": "Base: Auto-vacuum internal data"},
                        {"active": True, "id": 2, "interval_type": "days", "name": "Base: Portal Users Deletion"},
                        {"active": True, "id": 16, "interval_type": "days", "name": "Digest Emails"},
                        {"active": True, "id": 10, "interval_type": "days", "name": "Discuss: channel member unmute"},
                        {"active": True, "id": 11, "interval_type": "days", "name": "Discuss: users settings unmute"},
                        {"active": True, "id": 3, "interval_type": "hours", "name": "Mail: Email Queue Manager"},
                        {"active": True, "id": 7, "interval_type": "days", "name": "Mail: Post scheduled messages"},
                        {"active": True, "id": 9, "interval_type": "days", "name": "Mail: send web push notification"},
                        {
                            "active": True,
                            "id": 5,
                            "interval_type": "days",
                            "name": "Notification: Delete Notifications older than 6 Month",
                        },
                        {
                            "active": True,
                            "id": 8,
                            "interval_type": "hours",
                            "name": "Notification: Notify scheduled messages",
                        },
                        {
                            "active": True,
                            "id": 13,
                            "interval_type": "hours",
                            "name": "Partner Autocomplete: Sync with remote DB",
                        },
                        {"active": True, "id": 20, "interval_type": "days", "name": "Project: Send rating"},
                        {"active": True, "id": 4, "interval_type": "weeks", "name": "Publisher: Update Notification"},
                        {"active": True, "id": 14, "interval_type": "hours", "name": "SMS: SMS Queue Manager"},
                        {"active": True, "id": 19, "interval_type": "days", "name": "Send invoices automatically"},
                        {
                            "active": True,
                            "id": 15,
                            "interval_type": "hours",
                            "name": "Snailmail: process letters queue",
                        },
                        {
                            "active": True,
                            "id": 12,
                            "interval_type": "days",
                            "name": "Users: Notify About Unregistered Users",
                        },
                    ],
                    "19.0": [
                        {
                            "active": True,
                            "id": 16,
                            "interval_type": "days",
                            "name": "Account: Post draft entries with auto_post enabled and accounting date up to "
                            "today",
                        },
                        {"active": True, "id": 1, "interval_type": "days", "name": "Base: Auto-vacuum internal data"},
                        {"active": True, "id": 2, "interval_type": "days", "name": "Base: Portal Users Deletion"},
                        {"active": True, "id": 14, "interval_type": "days", "name": "Digest Emails"},
                        {"active": True, "id": 10, "interval_type": "days", "name": "Discuss: channel member unmute"},
                        {"active": True, "id": 3, "interval_type": "hours", "name": "Mail: Email Queue Manager"},
                        {"active": True, "id": 7, "interval_type": "days", "name": "Mail: Post scheduled messages"},
                        {"active": True, "id": 9, "interval_type": "days", "name": "Mail: send web push notification"},
                        {
                            "active": True,
                            "id": 5,
                            "interval_type": "months",
                            "name": "Notification: Delete Notifications older than 6 Months",
                        },
                        {
                            "active": True,
                            "id": 8,
                            "interval_type": "hours",
                            "name": "Notification: Notify scheduled messages",
                        },
                        {"active": True, "id": 18, "interval_type": "days", "name": "Project Stage: Send rating"},
                        {"active": True, "id": 4, "interval_type": "weeks", "name": "Publisher: Update Notification"},
                        {"active": True, "id": 12, "interval_type": "hours", "name": "SMS: SMS Queue Manager"},
                        {"active": True, "id": 17, "interval_type": "days", "name": "Send invoices automatically"},
                        {
                            "active": True,
                            "id": 13,
                            "interval_type": "hours",
                            "name": "Snailmail: process letters queue",
                        },
                        {
                            "active": True,
                            "id": 11,
                            "interval_type": "days",
                            "name": "Users: Notify About Unregistered Users",
                        },
                    ],
                    "*": [
                        {
                            "active": True,
                            "id": 13,
                            "interval_type": "days",
                            "name": "Account: Post draft entries with auto_post enabled and accounting date up to "
                            "today",
                        },
                        {"active": True, "id": 1, "interval_type": "days", "name": "Base: Auto-vacuum internal data"},
                        {"active": True, "id": 11, "interval_type": "days", "name": "Digest Emails"},
                        {"active": True, "id": 2, "interval_type": "hours", "name": "Mail: Email Queue Manager"},
                        {
                            "active": True,
                            "id": 4,
                            "interval_type": "days",
                            "name": "Notification: Delete Notifications older than 6 Month",
                        },
                        {
                            "active": True,
                            "id": 6,
                            "interval_type": "hours",
                            "name": "Notification: Send scheduled message notifications",
                        },
                        {
                            "active": True,
                            "id": 8,
                            "interval_type": "minutes",
                            "name": "Partner Autocomplete : Sync with remote DB",
                        },
                        {"active": True, "id": 15, "interval_type": "days", "name": "Project: Create Recurring Tasks"},
                        {"active": True, "id": 14, "interval_type": "days", "name": "Project: Send rating"},
                        {"active": True, "id": 3, "interval_type": "weeks", "name": "Publisher: Update Notification"},
                        {"active": True, "id": 9, "interval_type": "hours", "name": "SMS: SMS Queue Manager"},
                        {
                            "active": True,
                            "id": 10,
                            "interval_type": "hours",
                            "name": "Snailmail: process letters queue",
                        },
                        {
                            "active": True,
                            "id": 7,
                            "interval_type": "days",
                            "name": "Users: Notify About Unregistered Users",
                        },
                        {
                            "active": True,
                            "id": 12,
                            "interval_type": "minutes",
                            "name": "payment: post-process transactions",
                        },
                    ],
                }
            ),
        },
        "reads": {
            "browse": PerVersion(
                {
                    "16.0": "Administrator",
                    "17.0": [
                        "xmlrpc.client.Fault",
                        "[The method 'fields_get_keys' does not exist on the model 'res.partner'] "
                        "AttributeError: The method 'fields_get_keys' does not exist on the model "
                        "'res.partner'",
                    ],
                    "*": [
                        "xmlrpc.client.Fault",
                        "[The method 'res.partner.fields_get_keys' does not exist] AttributeError: The method "
                        "'res.partner.fields_get_keys' does not exist",
                    ],
                }
            ),
            "browse_company": PerVersion(
                {
                    "16.0": "My Company",
                    "17.0": [
                        "xmlrpc.client.Fault",
                        "[The method 'fields_get_keys' does not exist on the model 'res.users'] "
                        "AttributeError: The method 'fields_get_keys' does not exist on the model 'res.users'",
                    ],
                    "*": [
                        "xmlrpc.client.Fault",
                        "[The method 'res.users.fields_get_keys' does not exist] AttributeError: The method "
                        "'res.users.fields_get_keys' does not exist",
                    ],
                }
            ),
            "in_french": ["Burkina Faso"],
            "partners": PerVersion(
                {
                    "19.0": [
                        {"company_id": [1, "My Company"], "email": False, "id": 3, "name": "Administrator"},
                        {"company_id": False, "email": False, "id": 1, "name": "My Company"},
                    ],
                    "*": [
                        {
                            "company_id": [1, "My Company"],
                            "email": "admin@example.com",
                            "id": 3,
                            "name": "Administrator",
                        },
                        {"company_id": False, "email": False, "id": 1, "name": "My Company"},
                    ],
                }
            ),
        },
        "session": {
            "version": PerVersion(
                {
                    "17.0": ["17.0-20240709", "17.0"],
                    "18.0": ["18.0-20250702", "18.0"],
                    "19.0": ["19.0", "19.0"],
                    "*": ["16.0", "16.0"],
                }
            ),
        },
        "writes": {
            "copy": PerVersion(
                {
                    "18.0": ["builtins.ValueError", "not enough values to unpack (expected 2, got 1)"],
                    "19.0": ["builtins.ValueError", "not enough values to unpack (expected 2, got 1)"],
                    "*": 8,
                }
            ),
        },
    },
    "odoolib-xmlrpc": {
        "reads": {
            "in_french": PerVersion(
                {
                    "18.0": ["xmlrpc.client.Fault", "[warning -- UserError] Invalid language code: fr_FR"],
                    "19.0": ["xmlrpc.client.Fault", "[warning -- UserError] Invalid language code: fr_FR"],
                    "*": [{"id": 21, "name": "Burkina Faso"}],
                }
            ),
        },
    },
}

#: Odooly answers alike over web sessions and over ``/jsonrpc``.
OWN["odooly-jsonrpc"] = OWN["odooly"]

#: Odooly over JSON-2 (19.0 only: logged in with an API key), recorded on real 19.0 on 2026-12-02 by
#: ``python -m tests.simulator.test_json2_clients URL DB "REFRESH COMMAND"``, every scenario on a fresh
#: database; ``apikeys`` is JSON-2's own scenario (a key made through the API).
OWN["odooly-json2"] = {
    "apikeys": {
        "context": {"lang": "en_US", "tz": False, "uid": 2},
        "keys": [{"id": 2, "name": "Created by Odooly 2.6.7", "scope": False}],
        "made": ["builtins.AssertionError", "Not available"],
    },
    "errors": {
        "bad_domain": [
            "odooly.ServerError",
            "builtins.ValueError: Invalid field res.partner.no_such_field in condition ('no_such_field', '=', 1)",
        ],
        "missing_field": ["odooly.ServerError", "builtins.ValueError: Invalid field 'no_such_field' on 'res.partner'"],
        "missing_model": ["odooly.Error", "Model not found: no.such.model"],
    },
    "reads": {
        "read_group": [
            "odooly.ServerError",
            "werkzeug.exceptions.UnprocessableEntity: missing a required argument: 'domain'",
        ],
    },
    "session": {"version": ["19.0", 19.0]},
    "writes": {"attachment": [493], "copy": 7, "created": [6]},
}

LEFT_OUT: dict[str, dict[str, list[str]]] = {
    "odoolib-jsonrpc": {
        "models": ["action_browsed"],
        "reads": ["browse", "browse_company"],
    },
    "odoolib-xmlrpc": {
        "models": ["action_browsed"],
        "reads": ["browse", "browse_company"],
    },
    "pyodoo-rpc-client": {
        "reads": ["browse_company"],
        "session": ["db_listed", "lang_en", "main_company", "version"],
    },
}
