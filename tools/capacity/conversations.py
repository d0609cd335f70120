"""Real complaint conversations, played once through Rasa to get the events each turn adds.

The benchmark's complaint scripts (:mod:`tools.bench.scripts`, adaptive: the customer answers
whatever the bot asks until it names a ticket) are played through a Rasa ``Agent`` with the
project's patches and the actions in process, on an in-memory tracker store and the complaint
database ``database_url``. What the stores are then measured with is exactly what Rasa would
store: the events each message added to the tracker (``Event.as_dict()``).

While playing, the SQL statements our own code sends (the complaint store) are counted, and
Rasa's whole turn is timed, so the complaint store's share can be read beside it.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.capacity.figures import Repeat

#: One conversation: per customer message, the events that message added.
Turns = list[list[dict[str, Any]]]


@dataclass
class Recording:
    conversations: list[Turns] = field(default_factory=list)
    #: Rasa's whole turn (NLU, policies, actions, our store), per message.
    rasa: Repeat = field(default_factory=Repeat)
    #: SQL statements of our complaint store (the tracker store is in memory here).
    store_statements: int = 0
    #: Conversations whose script did not end in a ticket (should be 0).
    flow_errors: int = 0

    @property
    def messages(self) -> int:
        return sum(len(turns) for turns in self.conversations)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"conversations": self.conversations}))

    @classmethod
    def load(cls, path: Path) -> Recording:
        return cls(conversations=json.loads(path.read_text())["conversations"])


async def record(model: Path, conversations: int, seed: int = 16) -> Recording:
    """Play ``conversations`` complaint scripts (cycling through them, one warm-up first).

    ``DATABASE_URL`` must already name a migrated complaint database: the actions in process
    read it, as in the server.
    """
    # heavy: Rasa (seconds to import) only for the recording
    import sqlalchemy
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore

    from bot import rasa_patches
    from bot.settings import load_settings
    from tools.bench.scripts import COMPLAINT_SCRIPTS, Conversation

    rasa_patches.install(load_settings())
    agent = Agent(tracker_store=InMemoryTrackerStore(domain=None), lock_store=InMemoryLockStore())
    agent.load_model(str(model))
    assert agent.tracker_store is not None
    rng = random.Random(seed)
    recording = Recording()
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "after_cursor_execute", count)
    try:
        for number in range(conversations + 1):
            warm_up = number == 0
            script = COMPLAINT_SCRIPTS[number % len(COMPLAINT_SCRIPTS)]
            customer = Conversation(script, rng)
            sender = uuid.uuid4().hex
            turns: Turns = []
            stored = 0
            replies: list[str] | None = None
            counted_from = statements
            while (text := customer.next_message(replies)) is not None:
                wall, cpu = time.perf_counter(), time.process_time()
                answers = await agent.handle_text(text, sender_id=sender) or []
                if not warm_up:
                    recording.rasa.add(time.perf_counter() - wall, time.process_time() - cpu)
                replies = [answer.get("text") or "" for answer in answers]
                tracker = await agent.tracker_store.retrieve(sender)
                assert tracker is not None
                events = [event.as_dict() for event in tracker.events]
                turns.append(events[stored:])
                stored = len(events)
            if warm_up:
                statements = counted_from
                continue
            recording.flow_errors += customer.flow_error is not None
            recording.conversations.append(turns)
    finally:
        sqlalchemy.event.remove(sqlalchemy.engine.Engine, "after_cursor_execute", count)
    recording.store_statements = statements
    return recording


def database_env(url: str) -> None:
    """Point the actions in process at ``url`` (they read ``DATABASE_URL``, as the server)."""
    os.environ["DATABASE_URL"] = url
