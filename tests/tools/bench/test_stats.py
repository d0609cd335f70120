"""Percentiles, throughput and the phase summary of tools.bench.stats."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from tools.bench.stats import PhaseStats, percentile, throughput


def test_percentiles_of_one_to_hundred() -> None:
    values = list(range(1, 101))
    random.Random(3).shuffle(values)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)


@pytest.mark.parametrize("q", [1, 25, 50, 90, 95, 99, 99.9])
def test_percentiles_match_numpy(q: float) -> None:
    rng = random.Random(11)
    values = [rng.lognormvariate(-2, 0.8) for _ in range(537)]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_single_value_and_no_values() -> None:
    assert percentile([0.2], 99) == 0.2
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_throughput() -> None:
    assert throughput(300, 20.0) == 15.0
    assert throughput(5, 0.0) == 0.0


def test_phase_counts_only_answers_within_its_time() -> None:
    stats = PhaseStats(seconds=10.0)
    for second in range(12):  # one answer per second; the last two come after the end
        stats.record(0.1 * (second + 1), second + 0.5)
    stats.add_error("timeout")
    stats.add_error("timeout")
    stats.add_error("http_500")
    assert stats.messages == 12
    assert stats.messages_per_second == pytest.approx(1.0)
    assert stats.error_count == 3
    summary = stats.summary()
    assert summary["error_kinds"] == {"timeout": 2, "http_500": 1}
    assert summary["p50_ms"] == pytest.approx(650.0)
    assert summary["p99_ms"] == pytest.approx(1189.0)
