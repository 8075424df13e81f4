"""The transition table, alone: a pure function of the previous health, one check and the time."""

from __future__ import annotations

import datetime as dt

import pytest

from harness.health.states import Check, Failure, Health, Notice, State, Thresholds, Transition, advance
from tests.support.health import at

OK = Check(None, 12.0)
SLOW = Check(None, 2500.0)
BLIP = Check(Failure.TRANSIENT, 3.0, "HTTP 503 Service Unavailable", 503)
REFUSED = Check(Failure.HARD, 4.0, "authentication refused for login 'admin' on database 'odoo'", 200)
DEFAULTS = Thresholds()


def run(checks: list[Check], thresholds: Thresholds = DEFAULTS) -> list[Transition]:
    """Feed checks 5 minutes apart from round 0; every transition, in order."""
    transitions: list[Transition] = []
    health: Health | None = None
    for number, check in enumerate(checks):
        transitions.append(advance(health, check, at(number), thresholds))
        health = transitions[-1].health
    return transitions


def states(transitions: list[Transition]) -> str:
    return " ".join(t.health.state.value[0].upper() for t in transitions)


def notices(transitions: list[Transition]) -> list[tuple[int, Notice]]:
    return [(number, t.notice) for number, t in enumerate(transitions) if t.notice]


@pytest.mark.parametrize(
    ("before", "check", "after", "failures"),
    [
        ([], OK, "G", 0),
        ([], Check(None, 1999.9), "G", 0),
        ([], Check(None, 2000.0), "A", 0),  # slow_ms or more is slow
        ([], BLIP, "A", 1),  # one transient failure: amber
        ([BLIP], BLIP, "R", 2),  # two in a row: red
        ([BLIP, BLIP], BLIP, "R", 3),
        ([BLIP], OK, "G", 0),  # an answer resets the count
        ([BLIP], SLOW, "A", 0),
        ([], REFUSED, "R", 1),  # hard failures: red at once
        ([OK], Check(Failure.HARD, None, "database 'gone' does not exist"), "R", 1),
        ([BLIP, BLIP], OK, "G", 0),
        ([BLIP, BLIP], SLOW, "A", 0),
    ],
)
def test_transition_table(before: list[Check], check: Check, after: str, failures: int) -> None:
    last = run([*before, check])[-1].health
    assert (last.state.value[0].upper(), last.failures) == (after, failures)


def test_since_last_ok_latency_and_error() -> None:
    t = run([OK, OK, BLIP, BLIP, BLIP, SLOW, OK])
    assert [x.health.since for x in t] == [at(0), at(0), at(2), at(3), at(3), at(5), at(6)]
    assert [x.health.last_ok for x in t] == [at(0), at(1), at(1), at(1), at(1), at(5), at(6)]
    assert [x.health.latency_ms for x in t] == [12.0, 12.0, 3.0, 3.0, 3.0, 2500.0, 12.0]
    assert [x.health.error for x in t] == [
        None,
        None,
        *["HTTP 503 Service Unavailable"] * 3,
        "slow: answered in 2500 ms (threshold 2000 ms)",
        None,
    ]
    assert t[3].health.http_status == 503 and t[3].health.checked_at == at(3)
    assert run([BLIP])[0].health.last_ok is None  # never answered yet


def test_alert_only_after_more_than_15_minutes_red_then_recovery() -> None:
    # down from round 1: amber, then red from round 2. At round 5 red for 15 min (not more);
    # round 6 is 20 min: the alert. Back at round 10: the recovery.
    t = run([OK, *[BLIP] * 9, OK, OK])
    assert states(t) == "G A R R R R R R R R G G"
    assert notices(t) == [(6, Notice.ALERT), (10, Notice.RECOVERY)]
    assert [x.opened for x in t].index(True) == 2 and [x.closed for x in t].index(True) == 10
    assert t[6].health.incident_since == at(2) and t[10].health.incident_since is None


def test_red_for_exactly_15_minutes_closes_without_any_notice() -> None:
    t = run([OK, BLIP, BLIP, BLIP, BLIP, BLIP, OK])  # red at rounds 2..5: 15 minutes
    assert states(t) == "G A R R R R G"
    assert notices(t) == []
    assert t[2].opened and t[6].closed  # an incident nobody was told about closes silently


def test_flapping_never_alerts() -> None:
    t = run([OK, BLIP] * 50)
    assert set(states(t).split()) == {"G", "A"}
    assert notices(t) == [] and not any(x.opened for x in t)


def test_red_amber_red_is_one_incident_with_one_alert() -> None:
    # red long enough to alert, a slow answer (amber: not recovered), red again for an hour
    t = run([REFUSED] * 5 + [SLOW] + [BLIP] * 14 + [OK])
    assert notices(t) == [(4, Notice.ALERT), (20, Notice.RECOVERY)]
    assert sum(x.opened for x in t) == 1 and sum(x.closed for x in t) == 1
    assert t[5].health.state is State.AMBER and t[5].health.incident_since == at(0)


def test_a_new_incident_after_recovery_alerts_again() -> None:
    t = run([REFUSED] * 5 + [OK] + [REFUSED] * 5)
    assert notices(t) == [(4, Notice.ALERT), (5, Notice.RECOVERY), (10, Notice.ALERT)]


def test_hard_failure_first_check_opens_an_incident() -> None:
    first = run([REFUSED])[0]
    assert first.opened and first.health.state is State.RED and first.health.incident_since == at(0)


def test_thresholds_are_parameters() -> None:
    strict = Thresholds(slow_ms=10, failures_to_red=3, alert_after=dt.timedelta(minutes=4))
    t = run([OK, BLIP, BLIP, BLIP, BLIP, OK], strict)
    assert states(t) == "A A A R R A"  # 12 ms is slow here; three failures make red
    assert notices(t) == [(4, Notice.ALERT)]  # red 5 minutes > 4; a slow answer is no recovery
