"""Does an index on ``events (sender_id, id)`` help the tracker stores' reads on PostgreSQL?

Rasa creates ``events`` with one index, on ``sender_id``. The product's store reads a known
conversation back with ``sender_id = ? AND (id >= ? OR id = ?)``: with the ``sender_id`` index
alone PostgreSQL fetches every row of the sender and filters on ``id``; with ``(sender_id, id)``
it can go straight to the new rows. Two measurements, each without and with the index:

* the store's whole retrieve+save per message (:func:`tools.capacity.phases.run_repeat`), the
  repeats of the two states interleaved so that the shared machine's load falls on both;
* ``EXPLAIN (ANALYZE, BUFFERS)`` of the very statements each store sends while handling the
  last message of a recorded conversation (caught from SQLAlchemy), for a new customer and for
  one with a long history of earlier sessions (``history_rows`` older rows of the same sender).
"""

from __future__ import annotations

import secrets
import statistics
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tools.capacity.conversations import Turns
from tools.capacity.figures import Repeat, Summary, summarise
from tools.capacity.phases import DroppingBroker, Reading, run_repeat, tracker_work

#: The index measured (not created by Rasa).
COMPOSITE_INDEX = "ix_events_sender_id_id"
#: Times each statement is explained; the median execution time is kept.
EXPLAIN_RUNS = 5


def set_composite_index(connection: Any, present: bool) -> None:
    """Create or drop the ``(sender_id, id)`` index, then refresh the planner's statistics."""
    with connection.cursor() as cursor:
        if present:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {COMPOSITE_INDEX} ON events (sender_id, id)"
            )
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {COMPOSITE_INDEX}")
        cursor.execute("ANALYZE events")


def add_history(connection: Any, sender: str, rows: int, rows_per_session: int = 40) -> None:
    """``rows`` earlier events of ``sender`` (a session start every ``rows_per_session``, the
    others ``action_listen`` with a 250-byte policy name, about the recorded events' size),
    stamped long before any recorded event, so they belong to earlier sessions. The first read
    of the customer's new conversation reads the last of them, as Rasa does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)"
            " SELECT %(sender)s, kind, stamp, NULL, name, CASE WHEN name IS NULL"
            " THEN json_build_object('event', kind, 'timestamp', stamp)::text"
            " ELSE json_build_object('event', kind, 'timestamp', stamp, 'name', name,"
            " 'policy', repeat('x', 250))::text END"
            " FROM (SELECT 1000000000.0 + i AS stamp,"
            " CASE WHEN i %% %(every)s = 0 THEN 'session_started' ELSE 'action' END AS kind,"
            " CASE WHEN i %% %(every)s = 0 THEN NULL ELSE 'action_listen' END AS name"
            " FROM generate_series(0, %(last)s) AS i) AS history",
            {"sender": sender, "every": rows_per_session, "last": rows - 1},
        )


@dataclass(frozen=True)
class Explained:
    """One statement's plan, as PostgreSQL ran it."""

    statement: str
    plan: str
    rows: int
    #: Shared buffers hit or read (8 kB pages).
    buffers: int
    #: Median of :data:`EXPLAIN_RUNS` executions.
    execution_ms: float


def plan_outline(node: Mapping[str, Any]) -> str:
    """The plan's nodes, outermost first, with the index each scan uses."""
    label = str(node["Node Type"])
    if "Index Name" in node:
        label += f" ({node['Index Name']})"
    children = [plan_outline(child) for child in node.get("Plans", [])]
    if not children:
        return label
    inner = children[0] if len(children) == 1 else "[" + " + ".join(children) + "]"
    return f"{label} > {inner}"


def explain(connection: Any, statement: str, parameters: Any) -> Explained:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of one statement, :data:`EXPLAIN_RUNS` times."""
    times: list[float] = []
    plan: Mapping[str, Any] = {}
    for _ in range(EXPLAIN_RUNS):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
            result = cursor.fetchone()[0][0]
        times.append(float(result["Execution Time"]))
        plan = result["Plan"]
    return Explained(
        statement=" ".join(statement.split()),
        plan=plan_outline(plan),
        rows=int(plan["Actual Rows"]),
        buffers=int(plan.get("Shared Hit Blocks", 0)) + int(plan.get("Shared Read Blocks", 0)),
        execution_ms=statistics.median(times),
    )


@contextmanager
def selects_explained(engine: Any, connection: Any) -> Iterator[list[Explained]]:
    """Each SELECT sent through ``engine`` meanwhile, explained on ``connection`` just before it
    is sent: on the rows the store's own statement is about to see."""
    import sqlalchemy

    explained: list[Explained] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            explained.append(explain(connection, statement, parameters))

    sqlalchemy.event.listen(engine, "before_cursor_execute", before)
    try:
        yield explained
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", before)


async def explain_last_turn(
    store: Any, turns: Turns, sender: str, connection: Any
) -> list[Explained]:
    """Play ``turns`` through ``store`` as ``sender`` and explain the reads of the last one."""
    work = tracker_work(store)
    for index in range(len(turns) - 1):
        await work(sender, index, turns)
    with selects_explained(store.engine, connection) as explained:
        await work(sender, len(turns) - 1, turns)
    return explained


@dataclass(frozen=True)
class ExplainRow:
    store: str
    customer: str
    index: str
    explained: Explained


def where_clause(statement: str, width: int = 90) -> str:
    """What tells the statements apart: from the first ``WHERE`` on (shortened)."""
    start = statement.find(" WHERE ")
    clause = statement[start + 1 :] if start >= 0 else statement
    return clause if len(clause) <= width else clause[: width - 3] + "..."


def explain_table(rows: list[ExplainRow]) -> str:
    """Markdown: one line per statement explained."""
    lines = [
        "| store | customer | indexes | statement | plan | rows | buffers | execution ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        found = row.explained
        statement = where_clause(found.statement)
        lines.append(
            f"| {row.store} | {row.customer} | {row.index} | `{statement}` | {found.plan} "
            f"| {found.rows} | {found.buffers} | {found.execution_ms:.3f} |"
        )
    return "\n".join(lines)


#: How the two states are named in the rows.
INDEX_STATES = {False: "sender_id index (Rasa's)", True: "+ (sender_id, id) index"}


async def compare(
    database_url: str,
    connection: Any,
    domain: Any,
    conversations: list[Turns],
    reading: Reading | None,
    repeats: int,
    history_rows: int,
    application: str,
) -> tuple[list[Summary], list[ExplainRow]]:
    """Both measurements, without and with the index, with a broker attached (the production
    layout; it drops the events). Leaves the table without the index."""
    from tools.capacity.stores import PRODUCT_STORE, STORE_KINDS, build_store

    broker = DroppingBroker()
    store = build_store(PRODUCT_STORE, database_url, domain, broker, application)
    done: dict[bool, list[Repeat]] = {False: [], True: []}
    try:
        for number in range(repeats):
            for present in (False, True):
                set_composite_index(connection, present)
                tag = f"ix{int(present)}{number}"
                work = tracker_work(store)
                done[present].append(await run_repeat(conversations, work, reading, tag))
    finally:
        store.engine.dispose()
    summaries = [
        summarise(
            f"PostgreSQL {PRODUCT_STORE} retrieve+save, broker attached, {INDEX_STATES[present]}",
            done[present],
            "backend processes of these connections (/proc/<pid>/stat); repeats interleaved",
        )
        for present in (False, True)
    ]
    longest = max(conversations, key=len)
    customers = (("new", 0), (f"{history_rows:,} earlier rows", history_rows))
    explained: list[ExplainRow] = []
    for present in (False, True):
        set_composite_index(connection, present)
        for kind in STORE_KINDS:
            for customer, history in customers:
                store = build_store(kind, database_url, domain, broker, application)
                sender = f"cap-explain-{secrets.token_hex(4)}"
                if history:
                    add_history(connection, sender, history)
                try:
                    for found in await explain_last_turn(store, longest, sender, connection):
                        explained.append(ExplainRow(kind, customer, INDEX_STATES[present], found))
                finally:
                    store.engine.dispose()
    set_composite_index(connection, False)
    return summaries, explained
