"""The caching tracker store (:class:`bot.ops.stores.CachingSQLTrackerStore`) reads what Rasa's
own SQL store reads, writes each event once, and is never stale after another instance wrote.

Each test runs on SQLite and on a throwaway database of the machine's PostgreSQL (skipped
without it, failed in CI). The stores are built from the ``tracker_store`` endpoint the server
writes (:func:`bot.ops.endpoints.tracker_store`) by Rasa's own factory, and compared with
Rasa's ``SQLTrackerStore`` on the same database.
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import secrets
import sqlite3
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extensions
import pytest
import sqlalchemy as sa
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url

from bot.ops.endpoints import TRACKER_STORE, redis_lock_store, tracker_store
from bot.ops.stores import CachingSQLTrackerStore
from bot.runner import tracker_store_config
from bot.settings import PROJECT_ROOT, Settings, load_settings
from tests.conftest import postgres_database, require_service

STORY_FILES = sorted((PROJECT_ROOT / "tests" / "stories").glob("*.yml"))


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    with postgres_database("cb_stores") as url:
        yield url


def caching_store(
    database_url: str, domain: Domain, tmp_path: Path, **settings: Any
) -> CachingSQLTrackerStore:
    """The tracker store as the Rasa server builds it from the endpoints we write."""
    base = load_settings({}, settings_file=tmp_path / "absent.yml")
    endpoint = tracker_store(replace(base, **settings), tracker_store_config(database_url))
    assert endpoint["type"] == TRACKER_STORE
    store = TrackerStore.create(EndpointConfig.from_dict(endpoint), domain)
    # Rasa falls back to an in-memory store, with a warning only, if the class cannot be made
    assert isinstance(store, CachingSQLTrackerStore)
    return store


def rasa_store(database_url: str, domain: Domain) -> SQLTrackerStore:
    """Rasa's own SQL tracker store on the same database."""
    store = TrackerStore.create(
        EndpointConfig.from_dict(tracker_store_config(database_url)), domain
    )
    assert type(store) is SQLTrackerStore
    return store


def dicts(tracker: DialogueStateTracker | None) -> list[dict[str, Any]] | None:
    """The events as stored (JSON: a tracker kept in memory holds tuples where one read from
    the rows holds lists)."""
    if tracker is None:
        return None
    return [json.loads(json.dumps(event.as_dict())) for event in tracker.events]


async def assert_same_as_rasa(
    sender: str, rasa: SQLTrackerStore, *stores: CachingSQLTrackerStore
) -> DialogueStateTracker | None:
    expected = await rasa.retrieve(sender)
    for store in stores:
        found = await store.retrieve(sender)
        assert dicts(found) == dicts(expected)
        if found is not None and expected is not None:
            assert json.dumps(found.current_state()) == json.dumps(expected.current_state())
    return expected


def fresh(event: Event) -> Event:
    """``event`` stamped now, as if it had just happened."""
    event = copy.copy(event)
    event.timestamp = time.time()
    return event


def new_session() -> list[Event]:
    """What Rasa appends when a new session starts (``action_session_start``)."""
    return [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(),
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


def story_events(domain: Domain, path: Path) -> list[tuple[str, list[Event]]]:
    steps = YAMLStoryReader(domain).read_from_file(str(path))
    return [(step.block_name, step.explicit_events(domain)) for step in steps]


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
async def test_every_story_reads_as_rasas_store_after_every_event(
    domain: Domain, database: str, tmp_path: Path, path: Path
) -> None:
    ours = caching_store(database, domain, tmp_path)
    rasa = rasa_store(database, domain)
    for number, (name, events) in enumerate(story_events(domain, path)):
        sender = f"{path.stem}-{number}"
        tracker = await ours.get_or_create_tracker(sender)
        await assert_same_as_rasa(sender, rasa, ours)
        # a new session half-way, as Rasa starts one after a pause
        middle = len(events) // 2
        script = [*new_session(), *events[:middle], *new_session(), *events[middle:]]
        for index, event in enumerate(script):
            tracker.update(fresh(event), domain)
            if index % 3 == 2 or index == len(script) - 1:  # saved every few events
                await ours.save(tracker)
                loaded = await ours.retrieve(sender)
                assert loaded is not None, name
                assert dicts(loaded) == dicts(await assert_same_as_rasa(sender, rasa, ours))
                tracker = loaded
        assert sender in await ours.keys()


async def test_a_message_from_the_trained_model_reads_as_rasas_store(
    domain: Domain, database: str, tmp_path: Path, trained_model: Path
) -> None:
    """The model's own conversation (parse data, forms, slots), compared after each message."""
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore

    from bot import rasa_patches

    rasa_patches.install(Settings())  # as the server starts: the actions run in this process

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("DATABASE_URL", database)  # the actions in process store complaints
    try:
        from bot import store

        store.migrate(database)
        ours = caching_store(database, domain, tmp_path)
        agent = Agent(tracker_store=ours, lock_store=InMemoryLockStore())
        agent.load_model(str(trained_model))
        rasa = rasa_store(database, agent.domain)
        sender = f"model-{secrets.token_hex(4)}"
        for text in (
            "My order ORD-48213 from last week still hasn't arrived",
            "Just send it to me as soon as possible please",
            "ana.horvat@example.com",
            "thanks, bye",
        ):
            assert await agent.handle_text(text, sender_id=sender)
            await assert_same_as_rasa(sender, rasa, ours)
        assert sender in ours.known._entries
    finally:
        monkeypatch.undo()
        store.dispose_engines()


def turn(text: str) -> list[Event]:
    return [
        UserUttered(text, {"name": "complain", "confidence": 1.0}),
        ActionExecuted("utter_thanks"),
        BotUttered(f"thanks for {text}"),
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


async def handle(store: TrackerStore, domain: Domain, sender: str, text: str) -> None:
    """What Rasa does with a message: read, add events, save."""
    tracker = await store.get_or_create_tracker(sender)
    for event in turn(text):
        tracker.update(event, domain)
    await store.save(tracker)


def user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [str(e.text) for e in tracker.events if isinstance(e, UserUttered)]


async def test_never_stale_after_another_instance_wrote(
    domain: Domain, database: str, tmp_path: Path
) -> None:
    one = caching_store(database, domain, tmp_path)
    two = caching_store(database, domain, tmp_path)
    rasa = rasa_store(database, domain)
    sender = "alternating"
    for index in range(6):
        await handle(one if index % 2 == 0 else two, domain, sender, f"message {index}")
        await assert_same_as_rasa(sender, rasa, one, two)
    assert user_texts(await one.retrieve(sender)) == [f"message {i}" for i in range(6)]
    # a new session started on the other instance
    tracker = await two.retrieve(sender)
    assert tracker is not None
    for event in new_session():
        tracker.update(event, domain)
    await two.save(tracker)
    await handle(two, domain, sender, "after the pause")
    assert user_texts(await assert_same_as_rasa(sender, rasa, one, two)) == ["after the pause"]
    await handle(one, domain, sender, "and again")
    assert user_texts(await assert_same_as_rasa(sender, rasa, one, two)) == [
        "after the pause",
        "and again",
    ]


async def test_the_saved_tracker_is_handed_out_once_while_it_is_the_session(
    domain: Domain, database: str, tmp_path: Path
) -> None:
    """The tracker saved last comes back instead of a parse of the rows, once, and only while
    Rasa would build the same one."""
    ours = caching_store(database, domain, tmp_path)
    other = caching_store(database, domain, tmp_path)
    rasa = rasa_store(database, domain)
    sender = "kept"
    await handle(ours, domain, sender, "first")
    tracker = await ours.retrieve(sender)
    assert tracker is not None
    tracker.update(fresh(UserUttered("second", {"name": "complain", "confidence": 1.0})))
    await ours.save(tracker)
    assert await ours.retrieve(sender) is tracker
    again = await ours.retrieve(sender)  # handed out once: a second reader gets its own
    assert again is not None and again is not tracker
    assert dicts(again) == dicts(tracker)
    # changed after its save: the stored session, not the changed tracker
    await ours.save(again)
    again.update(fresh(ActionExecuted("utter_unsaved")))
    unsaved = await ours.retrieve(sender)
    assert unsaved is not again and dicts(unsaved) == dicts(await rasa.retrieve(sender))
    # another instance wrote meanwhile: its rows are read
    await ours.save(unsaved)
    await handle(other, domain, sender, "from the other instance")
    assert "from the other instance" in user_texts(await assert_same_as_rasa(sender, rasa, ours))
    # a new session: Rasa reads only its events, so the tracker holding both is not kept
    current = await ours.retrieve(sender)
    assert current is not None
    for event in new_session():
        current.update(event, domain)
    await ours.save(current)
    after = await ours.retrieve(sender)
    assert after is not current and user_texts(after) == []
    assert dicts(after) == dicts(await rasa.retrieve(sender))
    # a new model's domain: nothing read with the old one is used
    await ours.save(after)
    ours.domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    assert len(ours.known) == 0
    assert await ours.retrieve(sender) is not after


async def test_an_erased_conversation_is_not_served_from_memory(
    domain: Domain, database: str, tmp_path: Path
) -> None:
    ours = caching_store(database, domain, tmp_path)
    rasa = rasa_store(database, domain)
    await handle(ours, domain, "erased", "my phone number is 091 555 1234")
    assert await ours.retrieve("erased") is not None
    with sa.create_engine(ours.engine.url).begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'erased'"))
    assert await ours.retrieve("erased") is None
    await handle(ours, domain, "erased", "a new start")
    assert user_texts(await assert_same_as_rasa("erased", rasa, ours)) == ["a new start"]


async def test_the_cache_holds_at_most_its_size(
    domain: Domain, database: str, tmp_path: Path
) -> None:
    ours = caching_store(database, domain, tmp_path, tracker_cache_size=2)
    rasa = rasa_store(database, domain)
    for sender in ("a", "b", "c", "a", "d"):
        await handle(ours, domain, sender, f"hello from {sender}")
    assert len(ours.known) == 2
    for sender in ("a", "b", "c", "d"):
        await assert_same_as_rasa(sender, rasa, ours)
    off = caching_store(database, domain, tmp_path, tracker_cache_size=0)
    await handle(off, domain, "e", "no cache")
    assert len(off.known) == 0
    await assert_same_as_rasa("e", rasa, ours, off)


async def test_two_instances_under_one_redis_lock_lose_and_repeat_nothing(
    domain: Domain, tmp_path: Path
) -> None:
    """Two instances (each its own thread and event loop) handle messages of the same
    conversations at the same time, serialised by the lock store the server uses with Redis
    (:mod:`bot.ops.locks`; with Rasa's own ``RedisLockStore`` both instances sometimes held the
    lock at once and the session's first ``action_listen`` was stored twice)."""
    require_service("Redis", "127.0.0.1", 6379)
    with postgres_database("cb_stores_locks") as database:
        rasa = rasa_store(database, domain)
        # alphanumeric: Rasa ignores any other prefix (and uses "lock:", shared with every
        # other user of this Redis database)
        prefix = f"cbstores{secrets.token_hex(4)}"
        senders = ["ana", "ivo", "eva"]
        rounds = 8
        stores = [caching_store(database, domain, tmp_path) for _ in range(2)]

        def instance(index: int) -> None:
            config = {**redis_lock_store("redis://127.0.0.1:6379/5"), "key_prefix": prefix}
            locks = LockStore.create(EndpointConfig.from_dict(config))
            store = stores[index]

            async def run() -> None:
                order = senders if index == 0 else senders[::-1]
                for number in range(rounds):
                    for sender in order:
                        await asyncio.sleep(random.uniform(0, 0.02))
                        message = handle(store, domain, sender, f"{index}:{number}")
                        await locked(locks, sender, message)

            asyncio.run(run())

        threads = [threading.Thread(target=instance, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        for sender in senders:
            found = user_texts(await assert_same_as_rasa(sender, rasa, *stores))
            assert sorted(found) == sorted(f"{i}:{n}" for i in range(2) for n in range(rounds))
            # each instance's own messages in its order
            for index in range(2):
                mine = [text for text in found if text.startswith(f"{index}:")]
                assert mine == [f"{index}:{n}" for n in range(rounds)]
            tracker = await rasa.retrieve(sender)
            assert tracker is not None
            assert len(tracker.events) == 1 + 4 * 2 * rounds  # action_listen + the turns


async def locked(locks: LockStore, sender: str, work: Coroutine[Any, Any, None]) -> None:
    """``work`` under the lock for ``sender``, as Rasa's processor runs a message."""
    async with locks.lock(sender, lock_lifetime=30, wait_time_in_seconds=0.01):
        await work


class _LostAnswer:
    """Commits of a database connection that succeed but report a lost connection, once."""

    def __init__(self) -> None:
        self.armed = False

    def fire(self) -> bool:
        fired, self.armed = self.armed, False
        return fired


def losing_engine(url: sa.engine.URL, lost: _LostAnswer) -> sa.engine.Engine:
    """An engine whose connections commit, then may say the connection broke."""
    if url.get_backend_name() == "sqlite":

        class SQLite(sqlite3.Connection):
            def commit(self) -> None:
                super().commit()
                if lost.fire():
                    raise sqlite3.OperationalError("disk I/O error (after the commit)")

        path = str(url.database)
        return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(path, factory=SQLite))

    class Postgres(psycopg2.extensions.connection):
        def commit(self) -> None:
            super().commit()
            if lost.fire():
                raise psycopg2.OperationalError("server closed the connection unexpectedly")

    return sa.create_engine(url, connect_args={"connection_factory": Postgres})


def use_engine(store: CachingSQLTrackerStore, engine: sa.engine.Engine) -> None:
    store.engine = engine
    store.sessionmaker = sa.orm.sessionmaker(bind=engine)


async def test_a_commit_whose_answer_is_lost_is_retried_without_a_second_insert(
    domain: Domain, database: str, tmp_path: Path
) -> None:
    ours = caching_store(database, domain, tmp_path)
    rasa = rasa_store(database, domain)
    lost = _LostAnswer()
    use_engine(ours, losing_engine(make_url(str(ours.engine.url)), lost))
    await handle(ours, domain, "lost", "first")
    lost.armed = True
    await handle(ours, domain, "lost", "second")  # the store retries on its own
    assert not lost.armed
    await handle(ours, domain, "lost", "third")
    tracker = await assert_same_as_rasa("lost", rasa, ours)
    assert user_texts(tracker) == ["first", "second", "third"]


FAIL_AT_COMMIT = """
CREATE SEQUENCE {name}_calls;
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF nextval('{name}_calls') = {failing_call} THEN
    RAISE EXCEPTION 'refused at commit' USING ERRCODE = '{code}';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {name}();
"""


@pytest.mark.parametrize(
    ("code", "retried"),
    [("08006", True), ("P0001", False)],
    ids=["connection-failure-retried-here", "refused-saved-again-by-the-caller"],
)
async def test_a_failed_commit_is_not_inserted_twice(
    domain: Domain, tmp_path: Path, code: str, retried: bool
) -> None:
    """PostgreSQL refuses the commit of the second message's events (a deferred trigger,
    checked at commit); nothing of that transaction is stored, and the save that follows
    stores the events once."""
    with postgres_database("cb_stores_commit") as database:
        ours = caching_store(database, domain, tmp_path, db_retry_seconds=5)
        rasa = rasa_store(database, domain)
        await handle(ours, domain, "refused", "first")
        with ours.engine.begin() as connection:
            connection.execute(sa.text(FAIL_AT_COMMIT.format(
                name="fail_once", failing_call=1, code=code
            )))  # fmt: skip
        tracker = await ours.retrieve("refused")
        assert tracker is not None
        for event in turn("second"):
            tracker.update(event, domain)
        if retried:
            await ours.save(tracker)
        else:
            with pytest.raises(sa.exc.DBAPIError, match="refused at commit"):
                await ours.save(tracker)
            assert "refused" not in ours.known._entries
            await ours.save(tracker)
        found = await assert_same_as_rasa("refused", rasa, ours)
        assert user_texts(found) == ["first", "second"]


def test_the_server_and_the_stack_use_the_caching_store(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    from bot.runner import write_endpoints

    for url in (f"sqlite:///{tmp_path / 'bot.db'}", "postgresql://bot:pw@db.internal/c"):
        settings = load_settings(
            {"DATABASE_URL": url, "BOT_TRACKER_CACHE_SIZE": "250"},
            settings_file=tmp_path / "absent.yml",
        )
        target = write_endpoints(settings, tmp_path / "endpoints.yml")
        endpoint = YAML(typ="safe").load(target.read_text(encoding="utf-8"))["tracker_store"]
        assert endpoint["type"] == "bot.ops.stores.CachingSQLTrackerStore"
        assert (endpoint["cache_size"], endpoint["retry_seconds"]) == (250, 20)
