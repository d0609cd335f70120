"""The load shapes: paced customers who pause between messages, and closed-loop customers
who send the next message as soon as the last one is answered.

A customer starts conversation after conversation until the phase's time is up, then
finishes the one in progress (so no complaint is left half-told), within a grace period.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tools.bench.clients import Client, TransportError
from tools.bench.scripts import Conversation, Script
from tools.bench.stats import PhaseStats

#: (script name, turn number) -> how many replies that turn gets; learnt over REST.
Calibration = dict[tuple[str, int], int]

#: How long customers may take to finish their conversations after the phase's time is up.
GRACE_SECONDS = 20.0


@dataclass(frozen=True)
class Shape:
    """A load shape: ``customers`` at once for ``seconds``, pausing ``pause`` (min, max)
    seconds between messages, or not at all (closed loop) when ``pause`` is ``None``;
    ``consoles`` agents' consoles open meanwhile (``console_mode``: pushed to, as shipped, or
    polling), compared with the shape ``baseline`` (the same customers without them) over
    ``rounds`` alternated runs of both."""

    name: str
    customers: int
    seconds: float
    pause: tuple[float, float] | None = None
    consoles: int = 0
    baseline: str | None = None
    #: Every customer's first message at the same instant (a burst), instead of spread over
    #: the first pause.
    burst: bool = False
    #: How the consoles hear of changes (:data:`tools.bench.consoles.MODES`).
    console_mode: str = "push"
    #: Runs of this shape, each right after a run of ``baseline`` with the same customers.
    rounds: int = 1

    @property
    def closed_loop(self) -> bool:
        return self.pause is None


@dataclass(frozen=True)
class ConversationRecord:
    """How one conversation ended, for the lost-complaint check."""

    sender_id: str
    script: str
    ticket: str | None
    expected_complaint: bool
    error: str | None = None


@dataclass
class PhaseResult:
    shape: Shape
    transport: str
    stats: PhaseStats = field(default_factory=PhaseStats)
    records: list[ConversationRecord] = field(default_factory=list)


async def play(
    client: Client,
    conversation: Conversation,
    stats: PhaseStats,
    calibration: Calibration,
    *,
    started: float,
    rng: random.Random,
    pause: tuple[float, float] | None = None,
    learn: bool = False,
) -> ConversationRecord:
    """One conversation from first message to last; ``learn`` records the reply counts."""
    name = conversation.script.name
    error: str | None = None
    try:
        sender_id = await client.new_conversation()
    except TransportError as failure:
        stats.add_error(failure.kind)
        return ConversationRecord("", name, None, conversation.script.complaint, failure.kind)
    replies: list[str] | None = None
    turn = 0
    try:
        while (text := conversation.next_message(replies)) is not None:
            sent = time.perf_counter()
            try:
                replies = await client.say(text, calibration.get((name, turn)))
            except TransportError as failure:
                stats.add_error(failure.kind)
                error = failure.kind
                break
            now = time.perf_counter()
            stats.record(now - sent, now - started)
            if learn:
                calibration[(name, turn)] = len(replies)
            turn += 1
            if pause is not None:
                await asyncio.sleep(rng.uniform(*pause))
    except asyncio.CancelledError:
        stats.add_error("cut_short")
        error = "cut_short"
    if error is None and conversation.flow_error is not None:
        error = conversation.flow_error
        stats.add_deviation(error.split(":")[0])
    stats.conversations += 1
    if conversation.ended_in_complaint:
        stats.completed_complaints += 1
    return ConversationRecord(
        sender_id, name, conversation.ticket, conversation.script.complaint, error
    )


async def run_phase(
    shape: Shape,
    transport: str,
    make_client: Callable[[], Client],
    scripts: Sequence[Script],
    calibration: Calibration,
    seed: int = 0,
    ticket_prefix: str = "C",
) -> PhaseResult:
    """Drive ``shape.customers`` customers over ``make_client`` connections."""
    result = PhaseResult(shape, transport)
    stats = result.stats
    stats.seconds = shape.seconds
    clients = [make_client() for _ in range(shape.customers)]
    # Connections are opened before the clock starts: the phase measures messages.
    connected = await asyncio.gather(
        *(client.connect() for client in clients), return_exceptions=True
    )
    for outcome in connected:
        if isinstance(outcome, TransportError):
            stats.add_error(outcome.kind)
        elif isinstance(outcome, BaseException):
            raise outcome
    started = time.perf_counter()
    deadline = started + shape.seconds

    async def customer(number: int, client: Client) -> None:
        rng = random.Random(seed * 100_003 + number)
        try:
            if shape.pause is not None and not shape.burst:
                # people do not all start typing at the same instant (unless in a burst)
                await asyncio.sleep(rng.uniform(0, shape.pause[1]))
            while time.perf_counter() < deadline:
                conversation = Conversation(rng.choice(list(scripts)), rng, ticket_prefix)
                record = await play(client, conversation, stats, calibration, started=started,
                                    rng=rng, pause=shape.pause)  # fmt: skip
                result.records.append(record)
                if record.error is not None:  # do not hammer a server that is refusing
                    await asyncio.sleep(rng.uniform(*shape.pause) if shape.pause else 0.1)
        finally:
            await client.close()

    tasks = [
        asyncio.create_task(customer(number, client))
        for number, (client, outcome) in enumerate(zip(clients, connected, strict=True))
        if outcome is None
    ]
    if not tasks:
        return result
    _, late = await asyncio.wait(tasks, timeout=shape.seconds + GRACE_SECONDS)
    for task in late:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return result


async def warm_up(
    make_client: Callable[[], Client],
    scripts: Sequence[Script],
    calibration: Calibration,
    seed: int = 0,
    ticket_prefix: str = "C",
) -> PhaseResult:
    """Every script once, one after another, learning each turn's number of replies."""
    result = PhaseResult(Shape("warm-up", 1, 0.0), "rest")
    rng = random.Random(seed)
    client = make_client()
    await client.connect()
    started = time.perf_counter()
    try:
        for script in scripts:
            conversation = Conversation(script, rng, ticket_prefix)
            record = await play(client, conversation, result.stats, calibration, started=started,
                                rng=rng, learn=True)  # fmt: skip
            result.records.append(record)
    finally:
        await client.close()
    result.stats.seconds = time.perf_counter() - started
    return result
