"""Version detection: verdicts from what the server answers, unvalidated versions refused unless forced."""

from __future__ import annotations

import pytest

from harness import versions
from harness.engine.compat import ServerFields, UnsupportedVersion, detect

ANALYTIC = {"type": "many2one", "relation": "account.analytic.account"}
# fields_get answers as real Odoo gives them (harness/parity/recorded/corpus, project and analytic line)
ON_16 = ServerFields({"analytic_account_id": ANALYTIC}, {})
ON_17 = ServerFields({"analytic_account_id": ANALYTIC}, {"auto_account_id": ANALYTIC})
ON_18 = ServerFields({"account_id": ANALYTIC, "auto_account_id": ANALYTIC})


def version(major: int, text: str) -> dict:
    return {"server_version": text, "server_version_info": [major, 0, 0, "final", 0, ""]}


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Validated versions as data, independent of which corpus files exist today."""
    known = ["16.0", "17.0", "18.0"]
    monkeypatch.setattr(versions, "validated_versions", lambda: list(known))
    return known


def test_16_degrades_explicitly(validated: list[str]) -> None:
    caps = detect(version(16, "16.0"), ON_16)
    assert caps.degraded and caps.project_account_field == "analytic_account_id"
    assert any("Degrades" in line for line in caps.verdict)


def test_17_is_multi_plan_with_the_old_link(validated: list[str]) -> None:
    caps = detect(version(17, "17.0-20240709"), ON_17)
    assert caps.multi_plan and caps.project_account_field == "analytic_account_id"


def test_18_is_multi_plan(validated: list[str]) -> None:
    caps = detect(version(18, "18.0-20250702"), ON_18)
    assert caps.multi_plan and caps.project_account_field == "account_id"
    assert not caps.deprecated_endpoints and not any(line.startswith("API:") for line in caps.verdict)


def test_the_signals_are_the_servers_not_the_version_number(validated: list[str]) -> None:
    """A 16.0 answer with 17.0's fields is multi-plan: the number decides nothing."""
    assert detect(version(16, "16.0"), ON_17).multi_plan
    assert not detect(version(18, "18.0"), ServerFields({"account_id": ANALYTIC}, {})).multi_plan


def test_unvalidated_version_refused_unless_forced(validated: list[str]) -> None:
    with pytest.raises(
        UnsupportedVersion, match=r"Odoo 19.0\+e is not a validated version \(validated: 16.0, 17.0, 18.0\).*--force"
    ):
        detect(version(19, "19.0+e"), ON_18)
    caps = detect(version(19, "19.0+e"), ON_18, force=True)
    assert caps.multi_plan and not caps.validated and "Forced" in caps.verdict[-1]


def test_a_version_with_a_corpus_is_validated(validated: list[str]) -> None:
    validated.append("19.0")
    caps = detect({**version(19, "19.0"), "server_serie": "19.0"}, ON_18)
    assert caps.validated and caps.series == "19.0" and not any("Forced" in line for line in caps.verdict)


def test_a_project_without_analytic_link_is_refused(validated: list[str]) -> None:
    with pytest.raises(UnsupportedVersion, match="no link to an analytic account"):
        detect(version(17, "17.0"), ServerFields({}, {}))
