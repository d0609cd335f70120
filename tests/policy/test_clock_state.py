"""How a running or stopped clock stands: ok, soon (its last fifth, at least two hours) or
overdue."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.policy.clocks import clock_state

START = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("span", "elapsed", "stopped_after", "state"),
    [
        (24 * H, 1 * H, None, "ok"),
        (24 * H, 19 * H, None, "ok"),  # 5 h left of 24: not yet the last fifth (4.8 h)
        (24 * H, 20 * H, None, "soon"),  # 4 h left
        (24 * H, 24 * H, None, "soon"),  # due this very moment
        (24 * H, 24 * H + timedelta(seconds=1), None, "overdue"),
        (1 * H, 0 * H, None, "soon"),  # a one-hour clock is "soon" from the start (2 h floor)
        (15 * D, 11 * D, None, "ok"),  # 4 days left of 15
        (15 * D, 12 * D + H, None, "soon"),  # under 3 days left
        (15 * D, 20 * D, 2 * D, "ok"),  # stopped in time: ok for good
        (15 * D, 20 * D, 16 * D, "overdue"),  # stopped late
        (24 * H, 2 * H, 30 * H, "overdue"),  # stopped late (the stop is what counts)
    ],
)
def test_clock_state(
    span: timedelta, elapsed: timedelta, stopped_after: timedelta | None, state: str
) -> None:
    stopped = START + stopped_after if stopped_after is not None else None
    assert clock_state(START, START + span, START + elapsed, stopped) == state
