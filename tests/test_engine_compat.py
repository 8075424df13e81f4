"""Version detection: verdicts per version, unknown versions refused unless forced."""

from __future__ import annotations

import pytest

from harness.engine.compat import UnsupportedVersion, detect

LINK = {"account_id": {"relation": "account.analytic.account"}}


def version(major: int, text: str) -> dict:
    return {"server_version": text, "server_version_info": [major, 0, 0, "final", 0, ""]}


def test_16_degrades_explicitly() -> None:
    caps = detect(version(16, "16.0"), {"analytic_account_id": {"relation": "account.analytic.account"}})
    assert caps.degraded and caps.project_account_field == "analytic_account_id"
    assert any("Degrades" in line for line in caps.verdict)


def test_18_is_multi_plan() -> None:
    caps = detect(version(18, "18.0-20250702"), LINK)
    assert caps.multi_plan and caps.project_account_field == "account_id"


def test_unknown_version_refused_unless_forced() -> None:
    with pytest.raises(UnsupportedVersion, match=r"Odoo 19.0\+e is not a validated version .*--force"):
        detect(version(19, "19.0+e"), LINK)
    caps = detect(version(19, "19.0+e"), LINK, force=True)
    assert caps.multi_plan and "Forced" in caps.verdict[-1]


def test_a_project_without_analytic_link_is_refused() -> None:
    with pytest.raises(UnsupportedVersion, match="no link to an analytic account"):
        detect(version(17, "17.0"), {})
