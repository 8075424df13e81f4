"""The wire's one exception to "sent once": a request the server could not have read."""

from __future__ import annotations

import pytest

from harness.engine.transport import _written_once


class Writes:
    """A connection whose first ``failures`` writes fail as a socket closed by the server does."""

    def __init__(self, failures: int, error: type[OSError]) -> None:
        self.failures, self.error, self.writes, self.reopened = failures, error, 0, 0

    def send(self) -> str:
        self.writes += 1
        if self.writes <= self.failures:
            raise self.error
        return "written"

    def reopen(self) -> None:
        self.reopened += 1


@pytest.mark.parametrize("error", [BrokenPipeError, ConnectionResetError])
def test_a_kept_alive_socket_closed_under_the_write_is_written_once_more_on_a_new_one(error: type[OSError]) -> None:
    connection = Writes(1, error)
    assert _written_once(connection.send, reused=True, reopen=connection.reopen) == "written"
    assert (connection.writes, connection.reopened) == (2, 1)


def test_a_new_connection_failing_is_not_retried() -> None:
    connection = Writes(1, BrokenPipeError)
    with pytest.raises(BrokenPipeError):
        _written_once(connection.send, reused=False, reopen=connection.reopen)
    assert (connection.writes, connection.reopened) == (1, 0)


def test_at_most_one_more_write_and_never_for_other_failures() -> None:
    twice = Writes(2, BrokenPipeError)
    with pytest.raises(BrokenPipeError):
        _written_once(twice.send, reused=True, reopen=twice.reopen)
    assert twice.writes == 2
    timeout = Writes(1, TimeoutError)
    with pytest.raises(TimeoutError):
        _written_once(timeout.send, reused=True, reopen=timeout.reopen)
    assert (timeout.writes, timeout.reopened) == (1, 0)
