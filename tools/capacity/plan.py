"""From complaints a day to cores, processes, connections and rates at the peak hour.

``python -m tools.capacity.plan [--complaints 1000 10000 100000] [--messages-per-complaint 5]
[--peak-share 0.15] ...`` prints the sizing table of docs/capacity.md. The per-message costs
default to the figures measured there (``python -m tools.capacity`` and docs/benchmarks.md);
pass your own to redo the plan with your measurements.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Costs:
    """What one customer message costs, measured (milliseconds, counts, bytes)."""

    rasa_cpu_ms: float = 30.0  # Rasa worker: the turn plus the store clients' CPU
    #: Rasa worker's event loop blocked waiting (the tracker store and Rasa's Redis lock store
    #: call their servers synchronously): nothing else runs on that worker meanwhile.
    rasa_blocked_ms: float = 9.0
    postgres_cpu_ms: float = 3.5  # server backends: tracker store + complaint store
    postgres_wall_ms: float = 60.0  # a connection is held: tracker retrieve+save + store
    postgres_statements: float = 9.1
    redis_cpu_ms: float = 0.1
    redis_commands: float = 7.0
    rabbitmq_cpu_ms: float = 3.4
    events: float = 19.6  # events per message: AMQP messages, tracker rows, audit rows
    event_bytes: float = 304.0  # mean JSON size of one event


@dataclass(frozen=True)
class Sizing:
    complaints_per_day: int
    messages_per_day: float
    peak_messages_per_s: float
    rasa_cores: float
    rasa_workers: int
    postgres_cores: float
    postgres_statements_per_s: float
    postgres_busy_connections: float
    redis_commands_per_s: float
    redis_cores: float
    rabbitmq_publishes_per_s: float
    rabbitmq_cores: float
    event_rows_per_day: float
    event_gb_per_day: float


def size(
    complaints_per_day: int,
    messages_per_complaint: float,
    peak_share: float,
    costs: Costs,
    utilisation: float = 0.5,
) -> Sizing:
    """Sizing at the peak hour, which carries ``peak_share`` of the day's messages.

    Cores are busy cores at the peak hour. Rasa workers are single-threaded processes, each
    busy for its CPU time plus the time its event loop is blocked on the stores, and run at
    most at ``utilisation`` so that bursts within the hour queue briefly (at least one).
    Busy connections follow Little's law: arrival rate times the time a message holds one.
    """
    if not 0 < peak_share <= 1:
        raise ValueError(f"the peak hour's share of the day must be in (0, 1], got {peak_share}")
    if not 0 < utilisation <= 1:
        raise ValueError(f"utilisation must be in (0, 1], got {utilisation}")
    per_day = complaints_per_day * messages_per_complaint
    rate = per_day * peak_share / 3600
    rasa_cores = rate * costs.rasa_cpu_ms / 1000
    busy_ms = costs.rasa_cpu_ms + costs.rasa_blocked_ms
    return Sizing(
        complaints_per_day=complaints_per_day,
        messages_per_day=per_day,
        peak_messages_per_s=rate,
        rasa_cores=rasa_cores,
        rasa_workers=max(1, math.ceil(rate * busy_ms / 1000 / utilisation)),
        postgres_cores=rate * costs.postgres_cpu_ms / 1000,
        postgres_statements_per_s=rate * costs.postgres_statements,
        postgres_busy_connections=rate * costs.postgres_wall_ms / 1000,
        redis_commands_per_s=rate * costs.redis_commands,
        redis_cores=rate * costs.redis_cpu_ms / 1000,
        rabbitmq_publishes_per_s=rate * costs.events,
        rabbitmq_cores=rate * costs.rabbitmq_cpu_ms / 1000,
        event_rows_per_day=per_day * costs.events,
        event_gb_per_day=per_day * costs.events * costs.event_bytes / 1e9,
    )


def _small(value: float) -> str:
    return f"{value:.4f}" if value >= 0.0001 else "<0.0001"


def table(rows: list[Sizing]) -> str:
    header = [
        "complaints/day", "messages/day", "peak msg/s", "Rasa cores", "Rasa workers",
        "PG cores", "PG statements/s", "PG busy connections", "Redis commands/s",
        "Redis cores", "AMQP publishes/s", "RabbitMQ cores", "event rows/day",
        "event JSON GB/day",
    ]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [
            f"{row.complaints_per_day:,}", f"{row.messages_per_day:,.0f}",
            f"{row.peak_messages_per_s:.2f}", f"{row.rasa_cores:.2f}", str(row.rasa_workers),
            f"{row.postgres_cores:.3f}", f"{row.postgres_statements_per_s:.0f}",
            f"{row.postgres_busy_connections:.2f}", f"{row.redis_commands_per_s:.0f}",
            _small(row.redis_cores), f"{row.rabbitmq_publishes_per_s:.0f}",
            f"{row.rabbitmq_cores:.3f}", f"{row.event_rows_per_day:,.0f}",
            f"{row.event_gb_per_day:.2f}",
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.capacity.plan", description=__doc__)
    parser.add_argument("--complaints", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--messages-per-complaint", type=float, default=5.0)
    parser.add_argument("--peak-share", type=float, default=0.15)
    parser.add_argument("--utilisation", type=float, default=0.5)
    defaults = Costs()
    for name, value in defaults.__dict__.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=value)
    args = parser.parse_args(argv)
    costs = Costs(**{name: getattr(args, name) for name in defaults.__dict__})
    rows = [
        size(n, args.messages_per_complaint, args.peak_share, costs, args.utilisation)
        for n in args.complaints
    ]
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
