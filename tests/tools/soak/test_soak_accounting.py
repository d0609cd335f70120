"""The soak test's bookkeeping on small, hand-checked inputs."""

from __future__ import annotations

from tools.soak.run import (
    Accounting,
    Conversation,
    Figures,
    ServerError,
    Window,
    account,
    explained,
    percentile,
    plan,
    report,
)


def test_plan_has_exactly_the_messages_asked_for() -> None:
    conversations = plan(1003, "t1")
    assert sum(len(c.messages) for c in conversations) == 1003
    assert len({c.sender for c in conversations}) == len(conversations)
    assert all(c.sender.startswith("soak-t1-") for c in conversations)
    complaints = [c for c in conversations if c.expects_complaint]
    assert 0 < len(complaints) < len(conversations)
    assert all(len(c.messages) >= 2 for c in complaints)
    assert plan(1003, "t1") == conversations  # the same seed, the same run


def test_account_counts_missing_duplicates_and_unexpected() -> None:
    conversations = [
        Conversation("a", ("x", "y"), True),
        Conversation("b", ("x", "y"), True),
        Conversation("c", ("x", "y"), True),
        Conversation("d", ("hi",), False),
    ]
    result = account(conversations, {"a": 1, "b": 3, "d": 1, "stranger": 5})
    assert result == Accounting(
        expected=3, found=2, missing=("c",), duplicates=2, unexpected=1
    )


def test_5xx_are_explained_only_inside_a_restart_window() -> None:
    windows = [Window("rasa 0", 100.0, 130.0)]
    errors = [
        ServerError(99.5, 502),  # just before the stop: counted
        ServerError(120.0, 502),
        ServerError(134.0, 0),  # within 5 s after it answered again
        ServerError(136.0, 500),  # later: unexplained
        ServerError(10.0, 503),
    ]
    assert explained(errors, windows) == (3, 2)
    assert explained([], windows) == (0, 0)


def test_percentile_nearest_rank() -> None:
    values = [0.1 * n for n in range(1, 21)]  # 0.1 .. 2.0
    assert percentile(values, 0.5) == values[9]
    assert percentile(values, 0.95) == values[18]
    assert percentile([], 0.5) == 0.0
    assert percentile([3.0], 0.95) == 3.0


def test_report_passes_only_when_everything_adds_up() -> None:
    figures = Figures(messages=4, answered=4, started=0.0, finished=10.0)
    figures.latencies = [0.1, 0.2, 0.3, 0.4]
    figures.windows = [Window("actions 0", 2.0, 4.0)]
    figures.errors = [ServerError(3.0, 502)]
    good = Accounting(expected=2, found=2, missing=(), duplicates=0, unexpected=0)
    result = report(figures, good, (40, 40))
    assert result.passed
    assert (result.events_in_tracker_store, result.events_consumed) == (40, 40)
    assert not report(figures, good, (40, 39)).passed  # an event lost on the way
    assert (result.errors_5xx_during_restarts, result.errors_5xx_other) == (1, 0)
    assert result.latency_p50_ms == 200.0 and result.duration_s == 10.0
    assert result.restarts == [{"what": "actions 0", "from_s": 2.0, "to_s": 4.0}]
    duplicated = Accounting(expected=2, found=2, missing=(), duplicates=1, unexpected=0)
    assert not report(figures, duplicated).passed
    figures.errors.append(ServerError(9.5, 500))
    assert not report(figures, good).passed
    figures.errors.pop()
    figures.answered = 3
    assert not report(figures, good).passed
