"""The generated corpus's calibration: what two fresh databases of one version answer
differently is normalised away (``harness.parity.generated.normalise_generated``)."""

from __future__ import annotations

from harness.parity.generated import RANDOM_UUID, normalise_generated

READ_GROUP = {"params": ["<db>", 2, "<password>", "ir.config_parameter", "read_group", [[], ["value"], ["value"]]]}
SEARCH_READ = {"params": ["<db>", 2, "<password>", "ir.config_parameter", "search_read", [[]]]}
#: database.uuid (uuid1), as the real 19.0 server recorded in the corpus answered it
DATABASE_UUID = "797ad92c-ee24-11f1-8d29-02fc00000001"


def _group(value: str) -> dict:
    return {"value": value, "value_count": 1, "__domain": [["value", "=", value]]}


def test_database_secrets_are_placeholders_wherever_they_are() -> None:
    """``database.secret`` is a uuid4 each database makes for itself (the real 19.0 server's
    below); a read shows it as a value."""
    rows = [
        {"id": 1, "key": "database.secret", "value": "5b8665bc-1f83-45b9-8f2a-ffd589489e94"},
        {"id": 2, "key": "database.uuid", "value": DATABASE_UUID},
        {"id": 3, "key": "web.base.url", "value": "http://localhost:8069"},
    ]
    assert normalise_generated({"ok": rows}, SEARCH_READ) == {
        "ok": [
            {"id": 1, "key": "database.secret", "value": RANDOM_UUID},
            {"id": 2, "key": "database.uuid", "value": RANDOM_UUID},
            {"id": 3, "key": "web.base.url", "value": "http://localhost:8069"},
        ]
    }


def test_groups_of_random_values_go_last_whatever_they_were() -> None:
    """Real 19.0 sorted its secret between "4" and "60"; another database's secret sorts
    after "60": once normalised, both answers are the same, those groups last."""
    real = [
        _group("4"),
        _group("5b8665bc-1f83-45b9-8f2a-ffd589489e94"),
        _group("60"),
        _group(DATABASE_UUID),
        _group("True"),
    ]
    other = [
        _group("4"),
        _group("60"),
        _group(DATABASE_UUID),
        _group("7c53620f-887e-4d46-8f6f-1cbc340e0bbc"),
        _group("True"),
    ]
    expected = {"ok": [_group("4"), _group("60"), _group("True"), _group(RANDOM_UUID), _group(RANDOM_UUID)]}
    assert normalise_generated({"ok": real}, READ_GROUP) == expected
    assert normalise_generated({"ok": other}, READ_GROUP) == expected


def test_the_failed_mail_counter_the_crons_leave_is_a_placeholder_but_its_field_description_is_not() -> None:
    """Two fresh 19.0 copies answered ``fail_counter`` 0 and 1 (the digest cron had failed to
    mail on the second); ``fields_get`` describes the field the same on both."""
    read = {"params": ["<db>", 2, "<password>", "res.config.settings", "read", [[1]]]}
    assert (
        normalise_generated({"ok": [{"id": 1, "fail_counter": 1}]}, read)
        == normalise_generated({"ok": [{"id": 1, "fail_counter": 0}]}, read)
        != {"ok": [{"id": 1, "fail_counter": 0}]}
    )
    described = {"fail_counter": {"string": "Fail Mail", "type": "integer"}}
    assert normalise_generated({"ok": described}, read) == {"ok": described}
