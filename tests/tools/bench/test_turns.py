"""``python -m tools.bench.turns`` on the trained model: the CPU per message, the full garbage
collections of the measurement, and an A/B pair of the tracker bookkeeping in one process."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.bench import turns

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """The command freezes the heap as the server does; the test session goes on without."""
    yield
    gc.unfreeze()


def test_turns_prints_the_cpu_per_message_and_the_full_collections(
    trained_model: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "turns.prof"
    assert turns.main(["--model", str(trained_model), "--conversations", "2",
                       "--profile", str(profile)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    per_message = re.search(r"all patches: ([\d.]+) ms CPU per message over 8 messages", out)
    assert per_message and float(per_message.group(1)) > 0, out
    frozen = re.search(r"full garbage collections: \d+, \d+ ms CPU in all .*?(\d+) frozen", out)
    assert frozen and int(frozen.group(1)) > 0, out  # the heap is frozen, as in the server
    assert profile.stat().st_size > 0


def test_turns_compares_the_bookkeeping_in_one_process(
    trained_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert turns.main(["--model", str(trained_model), "--conversations", "2",
                       "--compare", "bookkeeping"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert re.search(r"bookkeeping: with [\d.]+, without [\d.]+ ms CPU per message", out), out
