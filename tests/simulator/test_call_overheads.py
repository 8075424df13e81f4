"""What the per-call shortcuts keep: an argument shape that bound once binds without ``Signature.bind``,
and one that does not is refused every time, worded as Odoo words it."""

from __future__ import annotations

import pytest

from simulator.app import SimulatorApp
from simulator.errors import ServerError

CALL = ["odoo", 2, "admin", "res.partner", "search_read", [[["id", "=", 1]]]]


def test_a_wrong_keyword_is_refused_after_a_right_one_and_again() -> None:
    services = SimulatorApp("17.0").services
    assert services.dispatch("object", "execute_kw", [*CALL, {"fields": ["name"]}]) == [{"id": 1, "name": "My Company"}]
    for _ in range(2):
        with pytest.raises(
            ServerError, match=r"BaseModel._read_format\(\) got an unexpected keyword argument 'feilds'"
        ):
            services.dispatch("object", "execute_kw", [*CALL, {"feilds": ["name"]}])
    assert services.dispatch("object", "execute_kw", [*CALL, {"fields": ["name"]}]) == [{"id": 1, "name": "My Company"}]


def test_too_many_arguments_are_refused_after_the_right_count() -> None:
    services = SimulatorApp("17.0").services
    call = ["odoo", 2, "admin", "res.partner", "search_count"]
    assert services.dispatch("object", "execute_kw", [*call, [[["id", "=", 1]]]]) == 1
    with pytest.raises(ServerError, match=r"BaseModel.search_count\(\) too many positional arguments"):
        services.dispatch("object", "execute_kw", [*call, [[["id", "=", 1]], 1, 2, 3]])
