"""Recorded layers (a module, demo data): what the capture writes over a version's recording
rebuilds, read back and applied, exactly the database it recorded; one that would not is refused."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from simulator.profile import PROFILES_DIR, REMOVED, module_recording, recorded, with_layer
from simulator.profiles.capture import check_layer, write_delta


@pytest.fixture(scope="module")
def base() -> dict:
    return recorded(PROFILES_DIR / "17.0")


def _renumbered(base: dict) -> dict:
    """A database like a demo one: a partner gone, another's values changed, a new one whose id
    was a fresh database's (demo data numbers records its own way), a new field."""
    full = copy.deepcopy(base)
    partners = full["seed"]["res.partner"]
    gone, changed = partners[-1], partners[0]
    partners.remove(gone)
    changed["name"] = "Changed by the layer"
    partners.append({**changed, "id": 999, "name": "Added by the layer"})
    full["fields"]["res.partner"]["x_layer"] = {"type": "char", "string": "Layer"}
    return full


def test_a_layer_read_back_rebuilds_what_it_recorded(base: dict, tmp_path: Path) -> None:
    full = _renumbered(base)
    write_delta(base, full, tmp_path)
    layer = recorded(tmp_path)
    rebuilt = with_layer(base, layer)
    assert layer["seed"][REMOVED] == {"res.partner": [base["seed"]["res.partner"][-1]["id"]]}
    assert {row["id"] for row in layer["seed"]["res.partner"]} == {base["seed"]["res.partner"][0]["id"], 999}
    assert layer["fields"] == {"res.partner": {"x_layer": {"string": "Layer", "type": "char"}}}
    assert sorted(rebuilt["seed"]["res.partner"], key=lambda r: r["id"]) == sorted(
        full["seed"]["res.partner"], key=lambda r: r["id"]
    )
    assert list(rebuilt["fields"]["res.partner"])[-1] == "x_layer"
    check_layer(base, layer, full)  # no SystemExit


def test_a_layer_that_does_not_rebuild_the_recording_is_refused(base: dict, tmp_path: Path) -> None:
    full = _renumbered(base)
    write_delta(base, full, tmp_path)
    layer = recorded(tmp_path)
    layer["seed"][REMOVED] = {}
    with pytest.raises(SystemExit, match=r"does not rebuild res\.partner's records"):
        check_layer(base, layer, full)


def test_a_record_a_module_layer_removes_goes_with_its_many2many_links() -> None:
    """16.0's sale over demo data removes a demo message: its row and the links a client gave it."""
    from simulator.orm import Env
    from simulator.registry import Registry

    db = Registry("16.0").create("demo", fresh=True, demo=True)
    [message] = module_recording("16.0", "sale", demo=True)["seed"][REMOVED]["mail.message"]
    rel, own, _other = db.schema("mail.message").relations["partner_ids"]
    with db.lock, db.store.transaction():
        Env(db, 1, {}, su=True)["mail.message"].write([message], {"partner_ids": [(4, 3)]})
    assert db.store.query(f'SELECT count(*) FROM "{rel}" WHERE "{own}" = ?', (message,)) == [(1,)]
    db.install_modules(["sale"])
    assert db.store.query(f'SELECT count(*) FROM "{rel}" WHERE "{own}" = ?', (message,)) == [(0,)]
    assert db.store.query("SELECT count(*) FROM mail_message WHERE id = ?", (message,)) == [(0,)]
