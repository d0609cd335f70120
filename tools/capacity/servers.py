"""CPU counters of the servers on this machine: PostgreSQL backends, Redis, RabbitMQ.

Each counter returns CPU seconds, or None when it cannot be read (another machine, no
permission); the caller says so in the table rather than guess.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from tools.capacity.figures import ticks_to_seconds

PROC = Path("/proc")


def process_cpu_seconds(pid: int, proc: Path = PROC) -> float | None:
    """utime + stime of ``pid`` from ``/proc/<pid>/stat``; None when unreadable."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return ticks_to_seconds(utime + stime, os.sysconf("SC_CLK_TCK"))


def processes_cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds of each readable pid."""
    found: dict[int, float] = {}
    for pid in pids:
        seconds = process_cpu_seconds(pid)
        if seconds is not None:
            found[pid] = seconds
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds the processes used between two readings; a process that appeared in
    between counts from zero, one that ended is lost (its last reading is unknown)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def pids_named(command: str, proc: Path = PROC) -> list[int]:
    """Pids whose ``/proc/<pid>/comm`` is ``command`` (e.g. ``beam.smp``)."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == command:
                found.append(int(entry.name))
        except OSError:
            continue
    return sorted(found)


def counter_for(pids: Callable[[], Iterable[int]]) -> Callable[[], dict[int, float]]:
    """A reading function for the processes ``pids()`` names at the time of each reading."""
    return lambda: processes_cpu_seconds(pids())
