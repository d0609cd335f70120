"""Peak resident memory (RSS) and CPU time of process trees; RSS sampled in a background thread.

CPU time per message is the figure that holds up on a shared machine: latency and throughput
depend on what else runs, the CPU seconds our processes spend per answered message much less.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import TracebackType

import psutil


def _process_tree(pid: int) -> list[psutil.Process]:
    """Process ``pid`` and all its descendants; empty when it is gone."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_size(pid: int) -> int:
    """How many processes the tree of ``pid`` holds (a Rasa server with workers: 1 + workers)."""
    return len(_process_tree(pid))


def _tree_sum(pid: int, read: Callable[[psutil.Process], float]) -> float:
    """``read`` summed over process ``pid`` and its descendants (0 when it is gone); a child
    that exits between listing and reading is skipped."""
    total = 0.0
    for process in _process_tree(pid):
        try:
            total += read(process)
        except (psutil.Error, AttributeError):  # gone, or no such figure on this platform
            continue
    return total


def tree_rss(pid: int) -> int:
    """RSS in bytes of process ``pid`` plus all its descendants (0 when it is gone)."""
    return int(_tree_sum(pid, lambda process: process.memory_info().rss))


def tree_pss(pid: int) -> int:
    """Proportional set size in bytes of process ``pid`` plus its descendants: pages shared
    between them (a forked worker's copy of its parent's memory) are counted once in all, so
    for several workers this is the memory they really take, unlike the sum of their RSS."""
    return int(_tree_sum(pid, lambda process: process.memory_full_info().pss))


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its live descendants so far."""

    def cpu(process: psutil.Process) -> float:
        times = process.cpu_times()
        return float(times.user + times.system)

    return _tree_sum(pid, cpu)


class RssSampler:
    """Samples :func:`tree_rss` of named processes every ``interval`` seconds; keeps the peak.

    Use as a context manager around the part of the run to watch, or call :meth:`sample`.
    """

    def __init__(self, pids: Mapping[str, int], interval: float = 0.25) -> None:
        self.pids = dict(pids)
        self.interval = interval
        self.peaks: dict[str, int] = {name: 0 for name in self.pids}
        #: Peak PSS (:func:`tree_pss`) of each process tree.
        self.pss_peaks: dict[str, int] = {name: 0 for name in self.pids}
        self.samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        for name, pid in self.pids.items():
            self.peaks[name] = max(self.peaks[name], tree_rss(pid))
            self.pss_peaks[name] = max(self.pss_peaks[name], tree_pss(pid))
        self.samples += 1

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def peak_mb(self, name: str) -> float:
        return self.peaks.get(name, 0) / (1024 * 1024)
