"""The soak test: many conversations against the multi-instance production stack, with restarts.

``python -m tools.soak --messages 10000`` (or ``make soak``) starts the stack of
:mod:`tools.stack.cluster` (2 Rasa servers, 2 action servers, nginx) on PostgreSQL (a database
of its own on ``--postgres``), a private Redis and RabbitMQ (a queue of its own), then lets
simulated customers hold conversations through nginx's REST webhook. While they talk, an action
server is killed and restarted, then one Rasa instance is restarted, then an action server again,
at random points. It ends by counting the complaints in the database, per conversation, and
the conversation events: the product's event consumer (:mod:`bot.ops.events`) runs alongside
and writes every event RabbitMQ delivers to the audit table; after the stack has stopped (Rasa
flushes its broker on the way down) the rest of the queue is drained, and the events the audit
table holds for the soak's senders must equal those of Rasa's tracker store.

A customer whose message fails (5xx, connection reset) sends it again, as a person would. A 5xx
counts as caused by a restart when it came while that restart was under way (from the stop
until the server answered again, plus a few seconds for nginx to notice); any other is a
failure. The run passes when every complaint conversation has exactly one complaint, no other
conversation has one, every 5xx is explained by a restart, and the event counts are equal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.ops.events import ConsumerConfig, consume
from bot.runner import latest_model
from bot.store import dispose_engines, session_scope
from bot.store.tables import Complaint, ConversationEvent
from tools.stack.cluster import Layout, ProductionStack
from tools.stack.services import PrivateRedis, delete_exchange, queue_depth

#: Seconds after a restarted server answers again during which a 5xx still counts as its doing.
RESTART_GRACE_SECONDS = 5.0
RETRIES = 6

_COMPLAINTS = {
    "en": [
        "I ordered a desk lamp eleven days ago and the tracking page still says awaiting "
        "dispatch",
        "my parcel was supposed to arrive last week and it still has not come",
        "the delivery is two weeks late and nobody tells me where my package is",
    ],
    "hr": [
        "Naručila sam knjige 4. studenog, danas je 19. a paket je još uvijek u pripremi",
        "paket je trebao stići prošli tjedan i još ga nema",
    ],
}
_WISHES = {
    "en": ["just tell me when it will actually ship", "please send it as soon as possible"],
    "hr": ["samo mi javite kad će krenuti", "pošaljite ga što prije molim vas"],
}
_GREETINGS = {"en": ["hi there", "hello"], "hr": ["Dobro jutro", "bok"]}
_THANKS = {"en": ["thank you", "thanks a lot"], "hr": ["hvala vam lijepo", "hvala"]}


@dataclass(frozen=True)
class Conversation:
    """One simulated customer: what they write, and whether it must leave one complaint."""

    sender: str
    messages: tuple[str, ...]
    expects_complaint: bool


def plan(total_messages: int, run_id: str, seed: int = 6) -> list[Conversation]:
    """Conversations with ``total_messages`` messages in all: mostly complaints (greeting,
    complaint, wish, order number, email, thanks), some small talk with no complaint."""
    rng = random.Random(seed)
    conversations: list[Conversation] = []
    remaining = total_messages
    index = 0
    while remaining > 0:
        language = rng.choice(("en", "hr"))
        sender = f"soak-{run_id}-{index:05d}"
        if index % 10 == 9:
            messages: tuple[str, ...] = (
                rng.choice(_GREETINGS[language]),
                rng.choice(_THANKS[language]),
            )
            expects = False
        else:
            messages = (
                rng.choice(_GREETINGS[language]),
                rng.choice(_COMPLAINTS[language]),
                rng.choice(_WISHES[language]),
                f"ORD-{10000 + index}",
                f"customer{index}@example.com",
                rng.choice(_THANKS[language]),
            )
            expects = True
        messages = messages[:remaining]
        if expects and len(messages) < 2:  # too short to complain: make it small talk
            expects = False
        conversations.append(Conversation(sender, messages, expects))
        remaining -= len(messages)
        index += 1
    return conversations


@dataclass
class Window:
    """A restart: what, from when it was stopped until it answered again (monotonic s)."""

    what: str
    start: float
    end: float


@dataclass
class ServerError:
    at: float
    status: int  # 0: the connection failed


@dataclass(frozen=True)
class Accounting:
    """Complaints expected and found, per conversation."""

    expected: int
    found: int
    missing: tuple[str, ...]
    duplicates: int
    unexpected: int


def account(conversations: Iterable[Conversation], counts: dict[str, int]) -> Accounting:
    """Compare the complaint rows per sender (``counts``) with what each conversation needs."""
    planned = list(conversations)
    expected = [c.sender for c in planned if c.expects_complaint]
    others = [c.sender for c in planned if not c.expects_complaint]
    return Accounting(
        expected=len(expected),
        found=sum(1 for sender in expected if counts.get(sender, 0) >= 1),
        missing=tuple(sender for sender in expected if counts.get(sender, 0) == 0),
        duplicates=sum(max(0, counts.get(sender, 0) - 1) for sender in expected),
        unexpected=sum(counts.get(sender, 0) for sender in others),
    )


def explained(errors: Iterable[ServerError], windows: Iterable[Window]) -> tuple[int, int]:
    """(5xx during a restart, 5xx at any other time)."""
    spans = [(w.start - 1.0, w.end + RESTART_GRACE_SECONDS) for w in windows]
    inside = outside = 0
    for error in errors:
        if any(start <= error.at <= end for start, end in spans):
            inside += 1
        else:
            outside += 1
    return inside, outside


def percentile(values: list[float], share: float) -> float:
    """The ``share`` (0..1) percentile by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered) - 1e-9)))
    return ordered[rank - 1]


@dataclass
class Figures:
    messages: int = 0
    answered: int = 0
    silent: int = 0
    conversations: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[ServerError] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0



@dataclass(frozen=True)
class Report:
    messages: int
    answered: int
    silent_answers: int
    conversations: int
    complaints_expected: int
    complaints_found: int
    complaints_missing: int
    complaint_duplicates: int
    complaints_unexpected: int
    errors_5xx_during_restarts: int
    errors_5xx_other: int
    error_times_s: list[float]
    restarts: list[dict[str, Any]]
    latency_p50_ms: float
    latency_p95_ms: float
    duration_s: float
    events_in_tracker_store: int | None
    events_consumed: int | None
    passed: bool

    def lines(self) -> list[str]:
        data = asdict(self)
        return [f"{key:28} {value}" for key, value in data.items()]


def report(
    figures: Figures,
    accounting: Accounting,
    events: tuple[int, int] | None = None,
) -> Report:
    """The figures; ``events`` is (events in the tracker store, events consumed)."""
    inside, outside = explained(figures.errors, figures.windows)
    return Report(
        messages=figures.messages,
        answered=figures.answered,
        silent_answers=figures.silent,
        conversations=figures.conversations,
        complaints_expected=accounting.expected,
        complaints_found=accounting.found,
        complaints_missing=len(accounting.missing),
        complaint_duplicates=accounting.duplicates,
        complaints_unexpected=accounting.unexpected,
        errors_5xx_during_restarts=inside,
        errors_5xx_other=outside,
        error_times_s=[round(e.at - figures.started, 1) for e in figures.errors],
        restarts=[
            {"what": w.what, "from_s": round(w.start - figures.started, 1),
             "to_s": round(w.end - figures.started, 1)}
            for w in figures.windows
        ],
        latency_p50_ms=round(percentile(figures.latencies, 0.5) * 1000, 1),
        latency_p95_ms=round(percentile(figures.latencies, 0.95) * 1000, 1),
        duration_s=round(figures.finished - figures.started, 1),
        events_in_tracker_store=events[0] if events else None,
        events_consumed=events[1] if events else None,
        passed=(
            not accounting.missing
            and (events is None or events[0] == events[1])
            and accounting.duplicates == 0
            and accounting.unexpected == 0
            and outside == 0
            and figures.messages == figures.answered
        ),
    )


# --------------------------------------------------------------------------- the run


async def _send(
    session: Any, url: str, sender: str, text: str, figures: Figures
) -> None:
    import aiohttp

    for attempt in range(RETRIES):
        began = time.monotonic()
        status = 0
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as answer:
                status = answer.status
                body = await answer.json(content_type=None) if status < 500 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            body = None
        if 200 <= status < 300:
            figures.latencies.append(time.monotonic() - began)
            figures.answered += 1
            if not body:
                figures.silent += 1
            return
        if status == 0 or status >= 500:
            figures.errors.append(ServerError(time.monotonic(), status))
        await asyncio.sleep(min(8.0, 0.5 * 2**attempt))
    # given up: counted as sent but not answered


async def _talk(
    conversations: list[Conversation], url: str, concurrency: int, figures: Figures
) -> None:
    import aiohttp

    queue: asyncio.Queue[Conversation] = asyncio.Queue()
    for conversation in conversations:
        queue.put_nowait(conversation)
    timeout = aiohttp.ClientTimeout(total=150)

    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def customer() -> None:
            while not queue.empty():
                conversation = queue.get_nowait()
                figures.conversations += 1
                for text in conversation.messages:
                    figures.messages += 1
                    await _send(session, url, conversation.sender, text, figures)

        await asyncio.gather(*(customer() for _ in range(concurrency)))


async def _chaos(stack: Any, figures: Figures, total: int, rng: random.Random) -> None:
    """Restart an action server, a Rasa instance, then an action server, at random points."""
    plan_ = [
        ("actions", rng.uniform(0.10, 0.25)),
        ("rasa", rng.uniform(0.35, 0.55)),
        ("actions", rng.uniform(0.65, 0.80)),
    ]
    loop = asyncio.get_running_loop()
    for kind, share in plan_:
        while figures.messages < share * total:
            await asyncio.sleep(0.5)
        if kind == "actions":
            index = rng.randrange(stack.layout.action_servers)
            what, restart = f"action server {index} (killed)", stack.restart_actions
        else:
            index = rng.randrange(stack.layout.instances)
            what, restart = f"rasa instance {index} (restarted)", stack.restart_rasa
        window = Window(what, time.monotonic(), 0.0)
        figures.windows.append(window)
        await loop.run_in_executor(None, restart, index)
        window.end = time.monotonic()


def complaint_counts(database_url: str, run_id: str) -> dict[str, int]:
    with session_scope(database_url) as session:
        rows = session.execute(
            select(Complaint.sender_id, func.count(Complaint.id))
            .where(Complaint.sender_id.like(f"soak-{run_id}-%"))
            .group_by(Complaint.sender_id)
        ).all()
    return {str(sender): int(count) for sender, count in rows}


def event_counts(database_url: str, run_id: str) -> tuple[int, int]:
    """(events of the soak's senders in Rasa's tracker store, in the consumer's audit table)."""
    pattern = f"soak-{run_id}-%"
    with session_scope(database_url) as session:
        tracker = session.execute(
            text("SELECT count(*) FROM events WHERE sender_id LIKE :pattern"),
            {"pattern": pattern},
        ).scalar_one()
        consumed = session.execute(
            select(func.count(ConversationEvent.id)).where(
                ConversationEvent.sender_id.like(pattern)
            )
        ).scalar_one()
    return int(tracker), int(consumed)


async def _progress(figures: Figures, total: int, every: float = 60.0) -> None:
    while True:
        await asyncio.sleep(every)
        elapsed = time.monotonic() - figures.started
        print(
            f"[soak {elapsed:6.0f} s] {figures.messages}/{total} messages, "
            f"{figures.answered} answered, {len(figures.errors)} 5xx, "
            f"{len(figures.windows)} restart(s)",
            file=sys.stderr,
            flush=True,
        )


async def drive(stack: Any, conversations: list[Conversation], concurrency: int,
                seed: int, events: ConsumerConfig | None = None) -> Figures:
    """Talk through nginx while the chaos task restarts servers and the event consumer
    (``events``) stores what Rasa publishes; wait for all. A consumer that failed fails the
    run."""
    figures = Figures(started=time.monotonic())
    total = sum(len(c.messages) for c in conversations)
    url = f"{stack.layout.public_url}/webhooks/rest/webhook"
    stop = asyncio.Event()
    consumer = asyncio.create_task(consume(events, stop)) if events else None
    chaos = asyncio.create_task(_chaos(stack, figures, total, random.Random(seed)))
    progress = asyncio.create_task(_progress(figures, total))
    await _talk(conversations, url, concurrency, figures)
    progress.cancel()
    await chaos
    figures.finished = time.monotonic()
    if consumer is not None:
        stop.set()
        await consumer  # raises if the consumer failed
    return figures


def run_soak(
    *,
    messages: int,
    port: int,
    postgres_admin_url: str,
    rabbitmq_url: str,
    work_dir: Path,
    concurrency: int = 24,
    seed: int = 6,
) -> Report:
    """Start everything, run the soak, count, clean up; returns the figures."""
    model = latest_model()
    if model is None:
        raise RuntimeError("no trained model in models/: run `python -m bot train` first")
    run_id = uuid.uuid4().hex[:8]
    database = f"cb_prod_soak_{run_id}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    database_url = str(make_url(postgres_admin_url).set(database=database))
    queue = f"cb_prod_soak_{run_id}"
    exchange = f"cb_prod_soak_{run_id}"
    redis = PrivateRedis(port + 5, work_dir / "redis").start()
    env = {
        "BOT_ENV": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "RABBITMQ_URL": rabbitmq_url,
        "BOT_EVENT_QUEUE": queue,
        "BOT_EVENT_EXCHANGE": exchange,
        "BOT_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "BOT_RASA_AUTH_TOKEN": uuid.uuid4().hex + uuid.uuid4().hex,
        "BOT_ACTIONS_TOKEN": uuid.uuid4().hex + uuid.uuid4().hex,
        "BOT_REST_PUBLIC": "true",  # the soak plays public callers, not a trusted back end
        "BOT_RATE_LIMITS": "off",  # one client address plays thousands of customers
        "BOT_SETTINGS_FILE": str(work_dir / "none.yml"),
    }
    conversations = plan(messages, run_id, seed)
    consumer = ConsumerConfig(rabbitmq_url, queue, exchange, database_url, retention_days=30)
    try:
        stack = ProductionStack(Layout(port), model, work_dir / "stack", env)
        with stack:
            figures = asyncio.run(drive(stack, conversations, concurrency, seed, consumer))
        # Rasa has flushed its broker while stopping; store what is still queued.
        asyncio.run(consume(replace(consumer, idle_exit_seconds=5, max_failed_writes=3)))
        counts = complaint_counts(database_url, run_id)
        events = event_counts(database_url, run_id)
        with contextlib.suppress(Exception):
            queue_depth(rabbitmq_url, queue, delete=True)
            delete_exchange(rabbitmq_url, exchange)
    finally:
        redis.stop()
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    result = report(figures, account(conversations, counts), events)
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / f"soak-{run_id}.json").write_text(json.dumps(asdict(result), indent=2), "utf-8")
    return result

