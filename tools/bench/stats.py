"""Latency percentiles, throughput and the summary of one load phase."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation between the closest ranks
    (numpy's default); NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def throughput(count: int, seconds: float) -> float:
    """``count`` events per second over ``seconds`` (0 when no time passed)."""
    return count / seconds if seconds > 0 else 0.0


@dataclass
class PhaseStats:
    """What one load phase measured; latencies in seconds."""

    latencies: list[float] = field(default_factory=list)
    #: When each answered message was answered, in seconds from the start of the phase.
    finished_at: list[float] = field(default_factory=list)
    #: Messages that got no answer (HTTP errors, timeouts...), by kind.
    errors: dict[str, int] = field(default_factory=dict)
    #: Conversations answered, but not as the script expected (the bot misunderstood), by kind.
    deviations: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    conversations: int = 0
    completed_complaints: int = 0

    def record(self, latency: float, finished_at: float) -> None:
        self.latencies.append(latency)
        self.finished_at.append(finished_at)

    def add_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def add_deviation(self, kind: str) -> None:
        self.deviations[kind] = self.deviations.get(kind, 0) + 1

    @property
    def messages(self) -> int:
        """Messages answered (errors not included)."""
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def messages_per_second(self) -> float:
        """Messages answered within the phase's ``seconds`` per second (customers still in a
        conversation at the end finish it, but those answers do not count here)."""
        in_window = sum(1 for moment in self.finished_at if moment <= self.seconds)
        return throughput(in_window, self.seconds)

    def latency_ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def summary(self) -> dict[str, float | int | dict[str, int]]:
        return {
            "messages": self.messages,
            "conversations": self.conversations,
            "seconds": round(self.seconds, 2),
            "messages_per_second": round(self.messages_per_second, 2),
            "p50_ms": round(self.latency_ms(50), 1),
            "p95_ms": round(self.latency_ms(95), 1),
            "p99_ms": round(self.latency_ms(99), 1),
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
            "deviations": dict(self.deviations),
        }
