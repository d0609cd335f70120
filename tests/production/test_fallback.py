"""The action-server fallback with real parts: Rasa's RemoteAction against a port where no
action server listens, the project's domain and actions run by rasa_sdk in this process, a real
SQLite database, a real action server for the outbox replay, and a PostgreSQL address where
nothing listens for the database outage."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import store
from bot.ops import fallback, replay
from bot.rasa_patches import RASA_REMOTE_ACTION_RUN
from bot.runner import PROJECT_ROOT, actions_server_command, child_env
from bot.settings import get_settings
from bot.store.outbox import Outbox

NOBODY = "http://127.0.0.1:6291/webhook"  # no action server here
ACTIONS_TOKEN = "fallback-test-" + "t" * 32  # what Rasa sends the action server
ACTIONS_PORT = 6292
COMPLAINT = "Naručila sam knjige 4. studenog, danas je 19. a paket je još uvijek u pripremi"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def tracker_with_complaint(
    sender: str, message_id: str, domain: Domain | None = None
) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                COMPLAINT,
                intent={"name": "complain_delivery", "confidence": 0.93},
                message_id=message_id,
            ),
            SlotSet("language", "hr"),
            SlotSet("script", "latin"),
        ],
        slots=domain.slots if domain is not None else None,
    )


async def run(
    domain: Domain, tracker: DialogueStateTracker, url: str, outbox: Path
) -> list[object]:
    endpoint = EndpointConfig(url, headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"})
    action = RemoteAction("action_register_complaint", endpoint)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    runner = fallback.Fallback(
        RASA_REMOTE_ACTION_RUN, actions_in_process=False, outbox=Outbox(outbox)
    )
    return list(await runner.run(action, CollectingOutputChannel(), nlg, tracker, domain))


def complaints(url: str, sender: str) -> int:
    with store.session_scope(url) as session:
        return len(store.list_complaints(session, sender_id=sender))


async def test_fallback_writes_the_complaint_in_process_once(
    domain: Domain, database: str, outbox: Path
) -> None:
    tracker = tracker_with_complaint("fallback-ana", "m-1")
    events = await run(domain, tracker, NOBODY, outbox)
    tickets = [e.value for e in events if isinstance(e, SlotSet) and e.key == "complaint_ticket"]
    assert tickets and tickets[0]
    again = await run(domain, tracker, NOBODY, outbox)  # the same message, run a second time
    assert [e.value for e in again if isinstance(e, SlotSet) and e.key == "complaint_ticket"] \
        == tickets
    assert complaints(database, "fallback-ana") == 1
    assert not outbox.exists()


@pytest.fixture()
def action_server(database: str) -> Iterator[str]:
    env = dict(child_env(), DATABASE_URL=database, BOT_ACTIONS_TOKEN=ACTIONS_TOKEN)
    process = subprocess.Popen(
        actions_server_command(ACTIONS_PORT),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ACTIONS_PORT}/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.5)
        yield f"http://127.0.0.1:{ACTIONS_PORT}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=20)


async def test_nothing_works_the_customer_gets_an_apology_and_the_outbox_replays_once(
    domain: Domain,
    database: str,
    outbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    action_server: str,
) -> None:
    # The database is away too (nothing listens there): the fallback cannot write either.
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:6293/none")
    monkeypatch.setenv("BOT_DB_RETRY_SECONDS", "1")
    get_settings.cache_clear()
    tracker = tracker_with_complaint("fallback-marko", "m-2")
    events = await run(domain, tracker, NOBODY, outbox)
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text == fallback.APOLOGIES["hr"]  # in the customer's language
    kept = list(outbox.glob("*.json"))
    assert len(kept) == 1
    assert complaints(database, "fallback-marko") == 0

    # Database and action server are back: the outbox goes to the action server, once.
    monkeypatch.setenv("DATABASE_URL", database)
    get_settings.cache_clear()
    (outbox / kept[0].name.replace(".json", "-copy.json")).write_text(
        kept[0].read_text("utf-8"), "utf-8"
    )  # replayed twice
    delivered: list[dict[str, object]] = []

    async def deliver(_sender: str, _action: str, answer: dict[str, object]) -> None:
        delivered.append(answer)

    endpoint = EndpointConfig(action_server, headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"})
    replayer = replay.Replayer(
        Outbox(outbox),
        lambda call: replay.run_call(call, endpoint, actions_in_process=False),
        deliver,
    )
    assert await replayer.scan(time.time() + 60) == replay.Round(replayed=2)
    assert list(outbox.glob("*.json")) == []
    assert complaints(database, "fallback-marko") == 1
    assert len(delivered) == 2 and all(answer["events"] for answer in delivered)


def suitable_texts(domain: Domain, response: str, slots: dict[str, object]) -> set[str]:
    """The texts of ``response`` Rasa may choose for a customer with these ``slots``."""
    variations = ResponseVariationFilter(domain.responses).responses_for_utter_action(
        response, CollectingOutputChannel.name(), slots
    )
    return {variation["text"] for variation in variations}


@pytest.mark.parametrize("where", ["action server", "this process"])
async def test_the_script_is_said_with_the_slots_the_action_sets(
    domain: Domain,
    database: str,
    outbox: Path,
    action_server: str,
    where: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The registering action thanks, acknowledges and asks; the acknowledgement varies with
    the category and problem the same action decides, which Rasa alone would render from the
    slots before the action (none: the generic acknowledgement)."""
    tracker = tracker_with_complaint(f"script-{where.replace(' ', '-')}", "m-3", domain)
    before = tracker.current_slot_values()
    events = await run(domain, tracker, action_server if where == "action server" else NOBODY,
                       outbox)  # fmt: skip
    said = [event for event in events if isinstance(event, BotUttered)]
    after = {**before, **{e.key: e.value for e in events if isinstance(e, SlotSet)}}
    assert after["category"] == "delivery" and before["category"] is None
    assert [message.metadata["utter_action"] for message in said] == [
        "utter_thank_for_complaint",
        "utter_acknowledge",
        "utter_ask_desired_resolution",
    ]
    for message in said:
        assert message.text in suitable_texts(domain, message.metadata["utter_action"], after)
    acknowledged = said[1].text
    assert acknowledged not in suitable_texts(domain, "utter_acknowledge", before)
    assert not outbox.exists()
    ran_here = [r for r in caplog.records if r.name == fallback.__name__]
    assert bool(ran_here) == (where == "this process"), [r.getMessage() for r in ran_here]


def test_apology_languages_and_scripts() -> None:
    assert fallback.apology("sr", "cyrillic") != fallback.apology("sr", "latin")
    assert fallback.apology("xx") == fallback.apology(None) == fallback.APOLOGIES["en"]
