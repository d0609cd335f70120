"""The sizing arithmetic of ``python -m tools.capacity.plan`` (no services)."""

from __future__ import annotations

import pytest

from tools.capacity.plan import Costs, size, table


def test_peak_rate_cores_workers_and_connections() -> None:
    costs = Costs(
        rasa_cpu_ms=40, rasa_blocked_ms=40, postgres_cpu_ms=5, postgres_wall_ms=50,
        postgres_statements=10, redis_cpu_ms=1, redis_commands=7, rabbitmq_cpu_ms=2, events=20,
        event_bytes=500,
    )  # fmt: skip
    # 72,000 complaints x 5 messages, 10 % in the peak hour: 36,000 messages/h = 10/s
    row = size(72_000, 5, 0.10, costs, utilisation=0.5)
    assert row.messages_per_day == 360_000
    assert row.peak_messages_per_s == pytest.approx(10)
    assert row.rasa_cores == pytest.approx(0.4)
    # a worker is busy 80 ms per message, 0.8 s per second at 10/s: at 50 %, 2 workers
    assert row.rasa_workers == 2
    assert row.postgres_cores == pytest.approx(0.05)
    assert row.postgres_statements_per_s == pytest.approx(100)
    assert row.postgres_busy_connections == pytest.approx(0.5)
    assert row.redis_commands_per_s == pytest.approx(70)
    assert row.rabbitmq_publishes_per_s == pytest.approx(200)
    assert row.event_rows_per_day == 7_200_000
    assert row.event_gb_per_day == pytest.approx(3.6)


def test_workers_round_up_and_never_drop_below_one() -> None:
    costs = Costs(rasa_cpu_ms=100, rasa_blocked_ms=0)
    assert size(0, 5, 0.1, costs).rasa_workers == 1
    # 10 msg/s x 0.1 s = 1 busy core; at 40 % utilisation that is 2.5, so 3 workers
    assert size(72_000, 5, 0.1, costs, utilisation=0.4).rasa_workers == 3


@pytest.mark.parametrize("share, utilisation", [(0, 0.5), (1.5, 0.5), (0.1, 0), (0.1, 2)])
def test_bad_shares_are_refused(share: float, utilisation: float) -> None:
    with pytest.raises(ValueError):
        size(1000, 5, share, Costs(), utilisation)


def test_table_has_one_row_per_size() -> None:
    text = table([size(n, 5, 0.15, Costs()) for n in (1_000, 10_000)])
    assert text.count("\n") == 3
    assert "| 10,000 | 50,000 |" in text
