"""Bot messages tell the widget their language: the tag of the domain response variation Rasa
chose, so the widget's labels follow the chat's language (issue 15, item 8)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain

from bot.settings import PROJECT_ROOT
from bot.web.channel import ComplaintSocketIOOutput, response_language


class Server:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, Any]] = []

    async def emit(self, event: str, data: Any = None, room: Any = None, **_: Any) -> None:
        self.emitted.append((event, data, room))

    async def enter_room(self, sid: str, room: str, namespace: Any = None) -> None:
        pass

    async def leave_room(self, sid: str, room: str, namespace: Any = None) -> None:
        pass


@pytest.fixture(scope="module")
def nlg() -> TemplatedNaturalLanguageGenerator:
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    return TemplatedNaturalLanguageGenerator(domain.responses)


SLOTS = [
    ({"language": "en", "script": "latin"}, "en"),
    ({"language": "hr", "script": "latin"}, "hr"),
    ({"language": "bs", "script": "latin"}, "bs"),
    ({"language": "sr", "script": "latin"}, "sr-Latn"),
    ({"language": "sr", "script": "cyrillic"}, "sr-Cyrl"),
]


@pytest.mark.parametrize(("slots", "tag"), SLOTS)
async def test_a_domain_response_carries_its_language(
    nlg: TemplatedNaturalLanguageGenerator, slots: dict[str, str], tag: str
) -> None:
    message = nlg.generate_from_slots("utter_ask_desired_resolution", slots, "socketio")
    assert message is not None
    message["utter_action"] = "utter_ask_desired_resolution"  # as Rasa's actions add it
    assert response_language(dict(message)) == tag
    server = Server()
    output = ComplaintSocketIOOutput(server, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("room-1", dict(message))
    [(event, payload, room)] = server.emitted
    assert (event, room) == ("bot_uttered", "room-1")
    assert payload["text"] == message["text"]
    assert payload["metadata"] == {"language": tag}


async def test_text_that_is_no_domain_response_has_no_language() -> None:
    server = Server()
    output = ComplaintSocketIOOutput(server, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("room-1", {"text": "Hvala!"})
    assert server.emitted == [("bot_uttered", {"text": "Hvala!"}, "room-1")]
    # and the next message does not inherit an earlier one's language
    await output.send_response(
        "room-1",
        {
            "text": "Hvala",
            "utter_action": "utter_x",
            "condition": [{"type": "slot", "name": "language", "value": "hr"}],
        },
    )
    await output.send_response("room-1", {"text": "plain"})
    assert [payload.get("metadata") for _, payload, _ in server.emitted] == [
        None,
        {"language": "hr"},
        None,
    ]


@pytest.mark.parametrize(
    "condition",
    [None, "hr", [], [{"type": "slot", "name": "language", "value": "xx"}], [1, "a", None]],
)
def test_odd_conditions_give_no_language(condition: object) -> None:
    assert response_language({"text": "t", "condition": condition}) is None


async def test_a_message_held_for_a_person_tells_the_widget_no_reply_is_coming() -> None:
    """The widget shows typing dots only while someone composes: a message kept for the
    person holding the conversation gets a ``held`` event instead of a bot answer."""
    from bot.settings import get_settings
    from bot.web.channel import HELD_EVENT, ComplaintSocketIOInput

    class HeldChannel(ComplaintSocketIOInput):
        async def _answer_without_bot(self, sender_id: str, text: str) -> list[str] | None:
            return []  # an agent holds it and answers (tested in tests/handoff)

    channel = HeldChannel(settings=get_settings(), session_persistence=True, secret_key="k" * 32)
    server = Server()
    channel.sio = server  # type: ignore[assignment]
    await channel.on_session_request("sid1", {})
    server.emitted.clear()
    handed: list[object] = []

    async def to_rasa(message: object) -> None:
        handed.append(message)

    await channel.on_user_message("sid1", {"message": "hello?"}, to_rasa)
    assert handed == []
    assert server.emitted == [(HELD_EVENT, {"held": True}, "sid1")]
