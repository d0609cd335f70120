"""``python -m tools.capacity``: what one customer message costs PostgreSQL, Redis and RabbitMQ.

    python -m tools.capacity --model models/X.tar.gz [--conversations 15] [--repeats 3]
    python -m tools.capacity --events var/capacity_events.json   # no model: replay saved turns
    python -m tools.capacity --events FILE --prefill-events 2000000 --compare-index

Plays the benchmark's complaint conversations once through Rasa (actions in process, the
complaint store on a fresh PostgreSQL database) to record the events each message adds, then
replays them with the tracker stores (Rasa 3.6's own ``SQLTrackerStore`` as the reference, and
the product's ``CachingSQLTrackerStore`` built as the server builds it), the product's
``AtomicRedisLockStore`` (:mod:`bot.ops.locks`) and ``ConfirmingPikaEventBroker``, and prints per
message:
latency p50/p95, this process's CPU and the server's CPU (median of the repeats with the lowest
and highest). The database is dropped, the lock keys released, the RabbitMQ exchange and queue
deleted afterwards. A service that does not answer is skipped with the reason.
``--compare-index`` adds the product's store without and with an ``events (sender_id, id)``
index, and the plans of both stores' reads (:mod:`tools.capacity.index`).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from tools.capacity import index
from tools.capacity.conversations import Recording, Turns, database_env, record
from tools.capacity.figures import Repeat, Summary, summarise
from tools.capacity.phases import (
    DroppingBroker,
    Reading,
    Work,
    broker_work,
    lock_work,
    run_repeat,
    tracker_work,
)
from tools.capacity.report import table
from tools.capacity.servers import counter_for, pids_named
from tools.capacity.stores import STORE_KINDS, build_store

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TRACKER_APP = "cb_capacity_tracker"
STORE_APP = "cb_capacity_store"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.capacity",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--model", type=Path, help="a trained model; default: the newest in models/"
    )
    parser.add_argument(
        "--events", type=Path, help="replay turns saved by --save-events (no model)"
    )
    parser.add_argument("--save-events", type=Path, help="save the recorded turns to this file")
    parser.add_argument("--conversations", type=int, default=15, help="per repeat (15)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of every phase (3)")
    parser.add_argument(
        "--prefill-events",
        type=int,
        default=200_000,
        help="rows of other conversations put in the events table first (200000)",
    )
    parser.add_argument(
        "--compare-index",
        action="store_true",
        help="also measure the product's store without and with an (sender_id, id) index",
    )
    parser.add_argument(
        "--history-rows",
        type=int,
        default=20_000,
        help="earlier rows of the long-history customer whose reads --compare-index explains",
    )
    parser.add_argument(
        "--postgres", default=POSTGRES_ADMIN_URL, help="admin URL (a database is made)"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--rabbitmq", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    parser.add_argument(
        "--skip", choices=("postgres", "redis", "rabbitmq"), action="append", default=[]
    )
    return parser


def newest_model() -> Path:
    from bot.settings import PROJECT_ROOT

    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"))
    if not models:
        raise SystemExit("no model in models/: train one (make run) or pass --model/--events")
    return models[-1]


# --------------------------------------------------------------------------- PostgreSQL


def _admin(admin_url: str) -> Any:
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    connection = psycopg2.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database or "postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def backend_reading(admin: Any, database: str, application: str) -> Reading:
    """CPU of the PostgreSQL backends serving ``application`` on ``database`` (ours only)."""

    def pids() -> list[int]:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                (database, application),
            )
            return [row[0] for row in cursor.fetchall()]

    return counter_for(pids)


def prefill(admin_url: str, database: str, rows: int) -> None:
    """Other customers' events (40 per conversation, 300 bytes each, about the recorded events'
    mean), so that the table and its indexes are not those of an empty database."""
    from sqlalchemy.engine import make_url

    connection = _admin(str(make_url(admin_url).set(database=database)))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name,"
                " data) SELECT 'other-' || (i / 40), CASE WHEN i %% 40 = 0 THEN 'session_started'"
                " ELSE 'action' END, extract(epoch from now()) + i / 1000.0, NULL, 'utter_x',"
                " repeat('x', 300) FROM generate_series(1, %s) AS i",
                (rows,),
            )
            cursor.execute("ANALYZE events")
    finally:
        connection.close()


def _count_statements() -> Any:
    import sqlalchemy

    class Counter:
        count = 0

        def __call__(self, *_: Any) -> None:
            self.count += 1

    counter = Counter()
    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "after_cursor_execute", counter)
    return counter


def _stop_counting(counter: Any) -> None:
    import sqlalchemy

    sqlalchemy.event.remove(sqlalchemy.engine.Engine, "after_cursor_execute", counter)


async def _phase(
    name: str,
    conversations: list[Turns],
    work: Work,
    reading: Reading | None,
    repeats: int,
    note: str,
) -> Summary:
    done: list[Repeat] = []
    for number in range(repeats):
        done.append(await run_repeat(conversations, work, reading, f"{name[:3]}{number}"))
    return summarise(name, done, note)


async def postgres_phases(
    args: argparse.Namespace, admin: Any, database: str, conversations: list[Turns]
) -> list[Summary]:
    """Each tracker store (Rasa's first), without and with a broker, on one prefilled table."""
    from rasa.shared.core.domain import Domain

    from bot.settings import PROJECT_ROOT

    database_url = _database_url(args.postgres, database)
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    reading = backend_reading(admin, database, TRACKER_APP)
    note = "backend processes of these connections (/proc/<pid>/stat)"
    rows: list[Summary] = []
    for kind in STORE_KINDS:
        for label, broker in (("no broker", None), ("broker attached", DroppingBroker())):
            store = build_store(kind, database_url, domain, broker, TRACKER_APP)
            if not rows and args.prefill_events:
                prefill(args.postgres, database, args.prefill_events)
            counter = _count_statements()
            summary = await _phase(
                f"PostgreSQL {kind} retrieve+save, {label}",
                conversations,
                tracker_work(store),
                reading,
                args.repeats,
                note,
            )
            _stop_counting(counter)
            statements = counter.count / summary.messages
            rows.append(replace(summary, server_note=f"{note}; {statements:.1f} statements/msg"))
            store.engine.dispose()
    return rows


async def index_phases(
    args: argparse.Namespace, admin: Any, database: str, conversations: list[Turns]
) -> tuple[list[Summary], str]:
    """The product's store without and with an ``events (sender_id, id)`` index, and the
    plans of both stores' reads (:mod:`tools.capacity.index`)."""
    from rasa.shared.core.domain import Domain

    from bot.settings import PROJECT_ROOT

    database_url = _database_url(args.postgres, database)
    connection = _admin(database_url)
    try:
        summaries, explained = await index.compare(
            database_url,
            connection,
            Domain.load(str(PROJECT_ROOT / "domain.yml")),
            conversations,
            backend_reading(admin, database, TRACKER_APP),
            args.repeats,
            args.history_rows,
            TRACKER_APP,
        )
    finally:
        connection.close()
    return summaries, index.explain_table(explained)


def _database_url(admin_url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def fresh_database(admin: Any) -> Iterator[str]:
    """A new database ``cb_capacity_<random>``, dropped afterwards."""
    name = f"cb_capacity_{secrets.token_hex(4)}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        from bot import store

        store.dispose_engines()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- Redis, RabbitMQ


async def redis_phase(args: argparse.Namespace, conversations: list[Turns]) -> Summary:
    import redis

    from bot.ops.endpoints import redis_lock_store
    from bot.ops.locks import AtomicRedisLockStore

    client = redis.Redis.from_url(args.redis, socket_connect_timeout=3)
    client.ping()
    pid = int(client.info("server")["process_id"])

    def reading() -> dict[int, float]:
        cpu = client.info("cpu")
        return {pid: float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])}

    config = redis_lock_store(args.redis)
    lock_store = AtomicRedisLockStore(
        host=config["url"],
        port=config["port"],
        db=config["db"],
        password=config.get("password"),
        use_ssl=config["use_ssl"],
        key_prefix=f"cbcapacity{secrets.token_hex(3)}",
    )
    before = int(client.info("stats")["total_commands_processed"])
    summary = await _phase(
        "Redis AtomicRedisLockStore lock acquire+release",
        conversations,
        lock_work(lock_store),
        reading,
        args.repeats,
        "",
    )
    commands = int(client.info("stats")["total_commands_processed"]) - before
    calls = 4 * args.repeats + 1  # our own INFO calls for the readings
    per_message = (commands - calls) / summary.messages
    return replace(
        summary,
        server_note=f"INFO cpu, server-wide minus idle; {per_message:.1f} commands/msg "
        "(server-wide)",
    )


async def rabbitmq_phase(
    args: argparse.Namespace, conversations: list[Turns], queue_type: str = "classic"
) -> Summary:
    """Publish through the broker to a durable ``classic`` queue (what the broker declares) or
    a ``quorum`` queue (Raft log; on one node, so without replication to other nodes)."""
    import aio_pika

    from bot.ops.broker import ConfirmingPikaEventBroker
    from bot.ops.endpoints import pika_event_broker

    name = f"cb_capacity_{secrets.token_hex(3)}"
    config = pika_event_broker(args.rabbitmq, queue=name, exchange=name)
    config.pop("type")
    host = config.pop("url")
    broker = ConfirmingPikaEventBroker(host, **{**config, "connection_attempts": 1})
    await broker.connect()
    admin = await aio_pika.connect(args.rabbitmq)
    if queue_type == "quorum":
        channel = await admin.channel()
        await channel.queue_delete(name)
        queue = await channel.declare_queue(
            f"{name}_quorum", durable=True, arguments={"x-queue-type": "quorum"}
        )
        await queue.bind(name, "")
    local = host in ("127.0.0.1", "localhost")
    reading = counter_for(lambda: pids_named("beam.smp")) if local else None
    note = "beam.smp (/proc), server-wide minus idle" if local else "not readable (remote)"
    events = sum(len(turn) for turns in conversations for turn in turns)
    messages = sum(len(turns) for turns in conversations)
    try:
        summary = await _phase(
            f"RabbitMQ publish the turn's events, confirmed, {queue_type} queue",
            conversations,
            broker_work(broker),
            reading,
            args.repeats,
            note,
        )
    finally:
        async with admin:
            channel = await admin.channel()
            for queue_name in (name, f"{name}_quorum"):
                await channel.queue_delete(queue_name)
            await channel.exchange_delete(name)
        await broker.close()
    return replace(summary, server_note=f"{note}; {events / messages:.1f} events/msg")


# --------------------------------------------------------------------------- the run


async def _recording(args: argparse.Namespace, store_url: str) -> Recording:
    if args.events:
        return Recording.load(args.events)
    database_env(store_url)
    from bot import store

    store.migrate(store_url)
    recording = await record(args.model or newest_model(), args.conversations)
    if args.save_events:
        recording.save(args.save_events)
    return recording


def _skip(service: str, error: BaseException) -> None:
    reason = " ".join(str(error).split())
    print(f"{service}: skipped, not reachable ({type(error).__name__}: {reason})", file=sys.stderr)


async def run(args: argparse.Namespace) -> tuple[list[Summary], list[str]]:
    """The phases' rows, and further tables (the plans of ``--compare-index``)."""
    import aio_pika
    import psycopg2
    import redis

    rows: list[Summary] = []
    tables: list[str] = []
    recording: Recording | None = None
    if "postgres" not in args.skip:
        try:
            admin = _admin(args.postgres)
        except psycopg2.Error as error:
            _skip("PostgreSQL", error)
        else:
            with fresh_database(admin) as name:
                from sqlalchemy.engine import make_url

                store_url = make_url(args.postgres).set(
                    database=name, query={"application_name": STORE_APP}
                )
                reading = backend_reading(admin, name, STORE_APP)
                before = reading()
                recording = await _recording(args, store_url.render_as_string(hide_password=False))
                rows.extend(_recording_rows(recording, before, reading()))
                rows.extend(await postgres_phases(args, admin, name, recording.conversations))
                if args.compare_index:
                    compared, plans = await index_phases(args, admin, name, recording.conversations)
                    rows.extend(compared)
                    tables.append(plans)
            admin.close()
    if recording is None:
        with tempfile.TemporaryDirectory(prefix="cb_capacity_") as folder:
            recording = await _recording(args, f"sqlite:///{Path(folder) / 'bot.db'}")
            rows.extend(_recording_rows(recording, None, None))
    turns = recording.conversations
    unreachable = (OSError, redis.exceptions.ConnectionError, aio_pika.exceptions.AMQPError)
    phases = [
        ("redis", functools.partial(redis_phase, args, turns)),
        ("rabbitmq", functools.partial(rabbitmq_phase, args, turns, "classic")),
        ("rabbitmq", functools.partial(rabbitmq_phase, args, turns, "quorum")),
    ]
    for service, phase in phases:
        if service in args.skip:
            continue
        try:
            rows.append(await phase())
        except unreachable as error:
            _skip(service, error)
    print(
        f"{recording.messages} messages in {len(turns)} complaint conversations "
        f"({recording.messages / max(len(turns), 1):.2f} per complaint, "
        f"{sum(len(t) for c in turns for t in c) / max(recording.messages, 1):.1f} events per "
        f"message), {recording.flow_errors} without a ticket"
    )
    return rows, tables


def _recording_rows(
    recording: Recording, before: dict[int, float] | None, after: dict[int, float] | None
) -> list[Summary]:
    """Rasa's whole turn while recording, and our complaint store's share on PostgreSQL."""
    if not recording.rasa.messages:
        return []
    from tools.capacity.servers import cpu_used

    repeat = recording.rasa
    if before is not None and after is not None:
        repeat.server_cpu_s = cpu_used(before, after)
    statements = recording.store_statements / repeat.messages
    note = (
        f"complaint store backends (/proc); {statements:.1f} statements/msg"
        if before is not None
        else "complaint store on SQLite (no server)"
    )
    return [
        summarise("Rasa turn in process (NLU, policies, actions, complaint store)", [repeat], note)
    ]


def quiet() -> None:
    """Rasa's debug output (every prediction) would drown the table and cost CPU."""
    import structlog

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quiet()
    rows, tables = asyncio.run(run(args))
    print(table(rows, args.repeats))
    for extra in tables:
        print()
        print(extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
