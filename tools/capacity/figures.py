"""The arithmetic of a capacity measurement: per-message figures from timed repeats.

A phase is repeated; each repeat times every message (wall and process CPU) and, where the
server's CPU counter is readable, reads it before and after. The server figure is net of the
server's idle rate (measured just before, over a quiet window), because a shared server
(Redis, RabbitMQ) also serves other clients and burns some CPU on its own.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from tools.bench.stats import percentile


@dataclass
class Repeat:
    """One repeat of a phase: per-message wall and CPU milliseconds, and the server's CPU."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    #: Server CPU seconds used during the repeat (None: not readable).
    server_cpu_s: float | None = None
    #: The server's CPU seconds per second when idle, subtracted over ``elapsed_s``.
    server_idle_rate: float = 0.0
    elapsed_s: float = 0.0

    def add(self, wall_s: float, cpu_s: float) -> None:
        self.wall_ms.append(wall_s * 1000)
        self.cpu_ms.append(cpu_s * 1000)

    @property
    def messages(self) -> int:
        return len(self.wall_ms)

    def client_cpu_per_message(self) -> float:
        """Milliseconds of this process's CPU per message (NaN for no messages)."""
        return sum(self.cpu_ms) / self.messages if self.messages else float("nan")

    def server_cpu_per_message(self) -> float | None:
        """Milliseconds of server CPU per message, net of the idle rate (never below 0)."""
        if self.server_cpu_s is None or not self.messages:
            return None
        net = self.server_cpu_s - self.server_idle_rate * self.elapsed_s
        return max(net, 0.0) * 1000 / self.messages


@dataclass(frozen=True)
class Spread:
    """Median of the repeats' figures, with the lowest and the highest."""

    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:.2f} [{self.low:.2f}–{self.high:.2f}]"


def spread(values: list[float]) -> Spread | None:
    """The :class:`Spread` of ``values``; None for none."""
    if not values:
        return None
    return Spread(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class Summary:
    """One phase's row: latency over every message of every repeat, CPU per repeat."""

    name: str
    messages: int
    p50_ms: float
    p95_ms: float
    client_cpu: Spread | None
    server_cpu: Spread | None
    server_note: str


def summarise(name: str, repeats: list[Repeat], server_note: str = "") -> Summary:
    """Pool the latencies of every repeat; the CPU figures are one per repeat."""
    walls = [wall for repeat in repeats for wall in repeat.wall_ms]
    servers = [
        figure for repeat in repeats if (figure := repeat.server_cpu_per_message()) is not None
    ]
    return Summary(
        name=name,
        messages=len(walls),
        p50_ms=percentile(walls, 50),
        p95_ms=percentile(walls, 95),
        client_cpu=spread(
            [repeat.client_cpu_per_message() for repeat in repeats if repeat.messages]
        ),
        server_cpu=spread(servers),
        server_note=server_note,
    )


def ticks_to_seconds(ticks: int, hertz: int) -> float:
    """``/proc/<pid>/stat`` clock ticks (utime + stime) as seconds."""
    if hertz <= 0:
        raise ValueError(f"clock ticks per second must be positive, got {hertz}")
    return ticks / hertz
