"""CPU time per customer message of the checks the channel makes before Rasa.

``python -m tools.bench.checks [--rounds 8] [--messages 300]`` fills a fresh SQLite store with
300 open complaints, then times, alternately in blocks, the two checks as the channel made them
until session 16 (the satisfaction question's answer, then who holds the conversation, each on
a worker thread of its own) and the channel's path now (one read by
:func:`bot.handoff.gate.may_skip_bot`, the two checks only when it says yes), for customers whose
messages go to Rasa. Prints the process CPU per message of each block and the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEXTS = ("Just send it to me as soon as possible please", "ana.horvat@example.com", "thanks, bye")
COMPLAINTS = 300

Check = Callable[[str, str, str], Awaitable[bool]]


async def _two_checks(sender: str, text: str, url: str) -> bool:
    # heavy: the store and the hand-off import SQLAlchemy and Rasa's events
    from bot import handoff
    from bot.handoff import csat
    from bot.store.blocking import run_db

    if await run_db(csat.take_widget_message, sender, text, url) is not None:
        return True
    return await run_db(handoff.take_customer_message, sender, text, url) is not None


async def _gate_first(sender: str, text: str, url: str) -> bool:
    from bot.handoff import gate
    from bot.store.blocking import run_db

    if not await run_db(gate.may_skip_bot, sender, text, url):
        return False
    return await _two_checks(sender, text, url)


async def _block(check: Check, url: str, messages: int) -> float:
    """CPU ms per message of ``messages`` checks."""
    start = time.process_time()
    for index in range(messages):
        if await check(f"s{index % COMPLAINTS}", TEXTS[index % len(TEXTS)], url):
            raise AssertionError("a message meant for Rasa was taken")
    return (time.process_time() - start) / messages * 1000


async def _measure(url: str, rounds: int, messages: int) -> tuple[list[float], list[float]]:
    for check in (_two_checks, _gate_first):
        await _block(check, url, 50)  # warm-up
    before: list[float] = []
    after: list[float] = []
    for _ in range(rounds):
        before.append(await _block(_two_checks, url, messages))
        after.append(await _block(_gate_first, url, messages))
    return before, after


def _fill(url: str) -> None:
    from bot import store

    store.migrate(url)
    with store.session_scope(url) as session:
        for index in range(COMPLAINTS):
            store.create_complaint(
                session, sender_id=f"s{index}", channel="rest", language="en", script="latin",
                category="delivery", severity=2, anger_score=0.0, description="late parcel",
                deadline_hours=24, prefix="C",
            )  # fmt: skip


@contextmanager
def fresh_sqlite(prefix: str) -> Iterator[str]:
    """The URL of a new SQLite database in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield f"sqlite:///{Path(folder) / 'bot.db'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.checks", description=__doc__)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args(argv)
    with fresh_sqlite("cb_checks_") as url:
        _fill(url)
        before, after = asyncio.run(_measure(url, args.rounds, args.messages))
    for label, figures in (("two checks", before), ("gate first", after)):
        blocks = ", ".join(f"{figure:.2f}" for figure in figures)
        print(f"{label}: {statistics.median(figures):.2f} ms CPU per message (blocks: {blocks})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
