"""The RSS sampler counts a process together with its children and grandchildren."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from tools.bench.rss import RssSampler, tree_rss

MB = 1024 * 1024

# A child that starts a grandchild; each holds 60 MB and sleeps.
_CHILD = """
import subprocess, sys, time
hold = bytearray(60 * 1024 * 1024)
grandchild = subprocess.Popen([sys.executable, "-c",
    "import time; hold = bytearray(60 * 1024 * 1024); print('ready', flush=True); time.sleep(60)"],
    stdout=subprocess.PIPE)
grandchild.stdout.readline()
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture()
def family() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"ready"
    yield process
    for child in psutil.Process(process.pid).children(recursive=True):
        child.kill()
    process.kill()
    process.wait()


def test_tree_rss_adds_children(family: subprocess.Popen[bytes]) -> None:
    root = psutil.Process(family.pid)
    [grandchild] = root.children(recursive=True)
    own = root.memory_info().rss
    total = tree_rss(family.pid)
    assert own >= 60 * MB
    assert total >= own + 60 * MB
    assert total == pytest.approx(own + grandchild.memory_info().rss, rel=0.05)


def test_sampler_keeps_the_peak_per_name(family: subprocess.Popen[bytes]) -> None:
    with RssSampler({"family": family.pid, "gone": 2**22 + 12345}, interval=0.05) as sampler:
        time.sleep(0.3)
    assert sampler.samples >= 3
    assert sampler.peak_mb("family") >= 120
    assert sampler.peaks["gone"] == 0


def test_pss_counts_a_forked_childs_shared_pages_once() -> None:
    import os
    import signal

    from tools.bench.rss import tree_pss, tree_size

    ballast = bytearray(64 * 2**20)  # touched pages the child shares until it writes them
    ballast[::4096] = b"x" * len(ballast[::4096])
    child = os.fork()
    if child == 0:  # the child only waits to be counted
        signal.pause()
        os._exit(0)
    try:
        time.sleep(0.3)
        me = os.getpid()
        assert tree_size(me) >= 2
        rss, pss = tree_rss(me), tree_pss(me)
        assert 0 < pss < rss - 32 * 2**20  # the 64 MB is in both RSS figures, once in PSS
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
