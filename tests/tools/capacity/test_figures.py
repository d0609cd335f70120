"""The arithmetic of ``python -m tools.capacity`` (no services)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from tools.capacity.figures import Repeat, Spread, spread, summarise, ticks_to_seconds
from tools.capacity.servers import cpu_used, process_cpu_seconds


def repeat(
    walls: list[float],
    cpus: list[float],
    server: float | None = None,
    idle: float = 0.0,
    elapsed: float = 0.0,
) -> Repeat:
    done = Repeat(server_cpu_s=server, server_idle_rate=idle, elapsed_s=elapsed)
    for wall, cpu in zip(walls, cpus, strict=True):
        done.add(wall, cpu)
    return done


def test_client_cpu_is_the_mean_per_message_in_milliseconds() -> None:
    assert repeat([0.01, 0.03], [0.002, 0.004]).client_cpu_per_message() == pytest.approx(3.0)


def test_server_cpu_is_net_of_the_idle_rate_over_the_elapsed_time() -> None:
    # 0.5 s used in 10 s, 0.01 s/s of it idle work: 0.4 s for 100 messages = 4 ms each
    done = repeat([0.001] * 100, [0.0] * 100, server=0.5, idle=0.01, elapsed=10)
    assert done.server_cpu_per_message() == pytest.approx(4.0)


def test_server_cpu_never_goes_below_zero_and_is_none_when_unread() -> None:
    assert repeat([0.001], [0.0], server=0.1, idle=1.0, elapsed=1).server_cpu_per_message() == 0
    assert repeat([0.001], [0.0]).server_cpu_per_message() is None
    assert repeat([], [], server=1.0).server_cpu_per_message() is None


def test_summary_pools_latencies_and_spreads_cpu_over_repeats() -> None:
    runs = [
        repeat([0.010, 0.020], [0.001, 0.001], server=0.004, elapsed=1),
        repeat([0.030, 0.040], [0.003, 0.003], server=0.002, elapsed=1),
        repeat([0.050, 0.060], [0.002, 0.002], server=0.006, elapsed=1),
    ]
    row = summarise("phase", runs, "note")
    assert row.messages == 6
    assert row.p50_ms == pytest.approx(35.0)
    assert row.p95_ms == pytest.approx(57.5)
    assert row.client_cpu == Spread(2.0, 1.0, 3.0)
    assert row.server_cpu == Spread(2.0, 1.0, 3.0)
    assert str(row.client_cpu) == "2.00 [1.00–3.00]"


def test_summary_without_server_readings_has_no_server_figure() -> None:
    row = summarise("phase", [repeat([0.01], [0.001])])
    assert row.server_cpu is None
    assert spread([]) is None


def test_cpu_used_counts_new_processes_from_zero() -> None:
    assert cpu_used({1: 2.0, 2: 1.0}, {1: 2.5, 2: 1.25, 3: 0.5}) == pytest.approx(1.25)


def test_ticks_to_seconds() -> None:
    assert ticks_to_seconds(250, 100) == 2.5
    with pytest.raises(ValueError):
        ticks_to_seconds(1, 0)


def test_proc_stat_with_spaces_in_the_command_name(tmp_path: Path) -> None:
    (tmp_path / "42").mkdir()
    fields = ["S"] + ["0"] * 10 + ["300", "200"] + ["0"] * 30
    (tmp_path / "42" / "stat").write_text("42 (postgres: a b) " + " ".join(fields))
    seconds = process_cpu_seconds(42, proc=tmp_path)
    assert seconds is not None
    assert math.isclose(seconds, 500 / os.sysconf("SC_CLK_TCK"))
    assert process_cpu_seconds(43, proc=tmp_path) is None
