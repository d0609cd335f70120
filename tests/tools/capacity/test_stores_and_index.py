"""The tracker stores ``python -m tools.capacity`` measures, and its index comparison.

The pure parts run anywhere; the rest needs the machine's PostgreSQL (skipped without it,
failed in CI, as the other service tests).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from bot.ops.stores import CachingSQLTrackerStore
from bot.settings import PROJECT_ROOT
from tests.conftest import postgres_database
from tools.capacity import index
from tools.capacity.conversations import Turns
from tools.capacity.stores import PRODUCT_STORE, RASA_STORE, build_store, store_endpoint

APPLICATION = "cb_capacity_test"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def database() -> Iterator[str]:
    with postgres_database("cb_capacity_test") as url:
        yield url


@pytest.fixture()
def connection(database: str) -> Iterator[Any]:
    """Autocommit, as the tool's; and, on these tiny tables, the planner told to prefer an index
    to reading the whole table, so that whether a read can use the index is what is tested."""
    connected = psycopg2.connect(database)
    connected.autocommit = True
    with connected.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    yield connected
    connected.close()


def conversation(stamp: float) -> Turns:
    """Three customer messages' events, as a recording holds them."""
    first = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=stamp),
        SessionStarted(timestamp=stamp),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp),
        UserUttered("my parcel is late", {"name": "complain"}, timestamp=stamp + 1),
        ActionExecuted("utter_ask_order", timestamp=stamp + 1),
        BotUttered("Which order?", timestamp=stamp + 1),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp + 1),
    ]
    second = [
        UserUttered("order 42", {"name": "inform"}, timestamp=stamp + 2),
        ActionExecuted("utter_thanks", timestamp=stamp + 2),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp + 2),
    ]
    third = [
        UserUttered("thanks", {"name": "thank"}, timestamp=stamp + 3),
        ActionExecuted("utter_goodbye", timestamp=stamp + 3),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp + 3),
    ]
    return [[event.as_dict() for event in turn] for turn in (first, second, third)]


def index_names(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")
        return {row[0] for row in cursor.fetchall()}


# --------------------------------------------------------------------------- no services


def test_the_product_endpoint_is_the_one_the_server_writes() -> None:
    url = "postgresql://bot:pw@db.internal:5433/complaints"
    rasa = store_endpoint(RASA_STORE, url, APPLICATION)
    product = store_endpoint(PRODUCT_STORE, url, APPLICATION)
    assert rasa["type"] == "SQL"
    assert product["type"] == "bot.ops.stores.CachingSQLTrackerStore"
    assert {"retry_seconds", "cache_size"} <= product.keys()
    for endpoint in (rasa, product):
        assert endpoint["query"] == {"application_name": APPLICATION}
        assert (endpoint["url"], endpoint["port"], endpoint["db"]) == (
            "db.internal", 5433, "complaints"
        )  # fmt: skip
    with pytest.raises(ValueError, match="unknown tracker store"):
        store_endpoint("MongoTrackerStore", url, APPLICATION)


def test_the_plan_outline_names_nodes_and_indexes() -> None:
    plan = {
        "Node Type": "Sort",
        "Plans": [
            {
                "Node Type": "Bitmap Heap Scan",
                "Plans": [
                    {
                        "Node Type": "BitmapOr",
                        "Plans": [
                            {"Node Type": "Bitmap Index Scan", "Index Name": "ix_a"},
                            {"Node Type": "Bitmap Index Scan", "Index Name": "events_pkey"},
                        ],
                    }
                ],
            }
        ],
    }
    assert index.plan_outline(plan) == (
        "Sort > Bitmap Heap Scan > BitmapOr > "
        "[Bitmap Index Scan (ix_a) + Bitmap Index Scan (events_pkey)]"
    )


def test_the_where_clause_tells_statements_apart() -> None:
    statement = "SELECT events.id, events.data FROM events WHERE events.sender_id = %(s)s"
    assert index.where_clause(statement) == "WHERE events.sender_id = %(s)s"
    assert index.where_clause("SELECT 1") == "SELECT 1"
    assert index.where_clause("SELECT x WHERE " + "a" * 200, width=20) == "WHERE aaaaaaaaaaa..."


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.services
def test_both_stores_are_built_by_rasas_factory_and_named_in_pg_stat_activity(
    database: str, connection: Any, domain: Domain
) -> None:
    for kind, expected in ((RASA_STORE, SQLTrackerStore), (PRODUCT_STORE, CachingSQLTrackerStore)):
        store = build_store(kind, database, domain, None, APPLICATION)
        assert type(store) is expected
        with store.engine.connect() as held, connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                (APPLICATION,),
            )
            assert cursor.fetchone()[0] >= 1
            assert held is not None
        store.engine.dispose()


@pytest.mark.services
def test_the_composite_index_is_created_and_dropped(
    database: str, connection: Any, domain: Domain
) -> None:
    build_store(RASA_STORE, database, domain, None, APPLICATION).engine.dispose()
    index.set_composite_index(connection, True)
    index.set_composite_index(connection, True)  # again: IF NOT EXISTS
    assert index.COMPOSITE_INDEX in index_names(connection)
    index.set_composite_index(connection, False)
    assert index.COMPOSITE_INDEX not in index_names(connection)
    assert "ix_events_sender_id" in index_names(connection)


@pytest.mark.services
async def test_history_is_earlier_sessions_and_the_last_one_is_read_first(
    database: str, connection: Any, domain: Domain
) -> None:
    store = build_store(RASA_STORE, database, domain, None, APPLICATION)
    index.add_history(connection, "returning", 100, rows_per_session=40)
    tracker = await store.retrieve("returning")
    assert tracker is not None
    # rows 80..99: the last session (a session start and 19 action_listen)
    names = [event.as_dict().get("name") for event in tracker.events]
    assert len(names) == 20 and names[1:] == [ACTION_LISTEN_NAME] * 19
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = 'returning' ORDER BY id")
        stored = [json.loads(row[0]) for row in cursor.fetchall()]
    assert len(stored) == 100
    assert [row["event"] for row in stored].count("session_started") == 3
    store.engine.dispose()


@pytest.mark.services
async def test_the_reads_of_the_last_turn_are_explained(
    database: str, connection: Any, domain: Domain
) -> None:
    turns = conversation(1.9e9)
    product = build_store(PRODUCT_STORE, database, domain, None, APPLICATION)
    index.set_composite_index(connection, True)
    explained = await index.explain_last_turn(product, turns, "explained", connection)
    # the known conversation is read back, as it was before the last message was saved: its
    # first row, the last row read at the second message, and the rows inserted since
    assert len(explained) == 1
    read_back = explained[0]
    assert "events.id >=" in read_back.statement
    assert index.COMPOSITE_INDEX in read_back.plan
    assert read_back.rows == 1 + 1 + len(turns[1])
    assert read_back.buffers > 0 and read_back.execution_ms >= 0
    rasa = build_store(RASA_STORE, database, domain, None, APPLICATION)
    rasa_reads = await index.explain_last_turn(rasa, turns, "rasa", connection)
    # Rasa's: the whole session, then the count before the insert
    assert [found.rows for found in rasa_reads] == [len(turns[0]) + len(turns[1]), 1]
    for store in (product, rasa):
        store.engine.dispose()


@pytest.mark.services
async def test_the_comparison_gives_both_states_and_leaves_no_index(
    database: str, connection: Any, domain: Domain
) -> None:
    conversations = [conversation(1.9e9), conversation(1.9e9 + 100)]
    build_store(RASA_STORE, database, domain, None, APPLICATION).engine.dispose()
    summaries, explained = await index.compare(
        database, connection, domain, conversations, None, 2, 50, APPLICATION
    )
    assert [summary.messages for summary in summaries] == [12, 12]  # 2 repeats x 6 messages
    assert "(sender_id, id)" in summaries[1].name and "(sender_id, id)" not in summaries[0].name
    states = {(row.store, row.customer, row.index) for row in explained}
    assert len(states) == 2 * 2 * 2  # stores x customers x index states
    # which index the planner takes on a table this small is its choice; that it can take the
    # new one is tested above. Without the index, no plan can name it.
    assert all(index.COMPOSITE_INDEX not in row.explained.plan for row in explained
               if row.index == index.INDEX_STATES[False])  # fmt: skip
    assert all(row.explained.rows > 0 for row in explained)
    assert index.COMPOSITE_INDEX not in index_names(connection)
    assert "| CachingSQLTrackerStore | 50 earlier rows |" in index.explain_table(explained)


@pytest.mark.services
def test_the_capacity_run_measures_both_stores_on_postgresql(tmp_path: Path) -> None:
    import asyncio

    from tests.conftest import require_service
    from tools.capacity.__main__ import build_parser, run

    require_service("PostgreSQL", "127.0.0.1", 5432)
    events = tmp_path / "events.json"
    events.write_text(json.dumps({"conversations": [conversation(1.9e9)]}))
    arguments = ["--events", str(events), "--repeats", "1", "--prefill-events", "400",
                 "--skip", "redis", "--skip", "rabbitmq"]  # fmt: skip
    rows, tables = asyncio.run(run(build_parser().parse_args(arguments)))
    assert [row.name for row in rows] == [
        f"PostgreSQL {kind} retrieve+save, {label}"
        for kind in (RASA_STORE, PRODUCT_STORE)
        for label in ("no broker", "broker attached")
    ]
    assert all(row.messages == 3 for row in rows)
    statements = [row.server_note.rsplit("; ", 1)[1] for row in rows]
    # Rasa's: the session, the count, the insert; with a broker the session again.
    # Ours: the session (Rasa's query) at the first message, then the rows read back; the insert
    assert statements == [
        "3.0 statements/msg", "4.0 statements/msg", "2.0 statements/msg", "2.0 statements/msg"
    ]  # fmt: skip
    assert tables == []
