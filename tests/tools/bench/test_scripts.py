"""The simulated customers' scripts: each message is in its script's language and alphabet,
and the adaptive conversation answers the bot's questions until it names a ticket."""

from __future__ import annotations

import random

import pytest
from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from bot.text.language import Detection, detect
from tools.bench.scripts import (
    COMPLAINT_SCRIPTS,
    OUR_SCRIPTS,
    QUESTIONS,
    STARTER_SCRIPTS,
    Conversation,
    Script,
    classify,
    random_values,
)


def _detections(script: Script) -> list[tuple[str, Detection]]:
    """Each message's detection, carrying the previous one as the bot does."""
    previous: Detection | None = None
    found = []
    for text in script.messages():
        previous = detect(text, previous)
        found.append((text, previous))
    return found


@pytest.mark.parametrize("script", OUR_SCRIPTS, ids=lambda script: script.name)
def test_every_message_is_read_in_the_scripts_language(script: Script) -> None:
    for text, detection in _detections(script):
        assert (detection.code, detection.script) == (script.language, script.script), text


def test_the_scripts_cover_every_language_and_alphabet() -> None:
    covered = {(script.language, script.script) for script in COMPLAINT_SCRIPTS}
    assert covered == {
        ("en", "latin"),
        ("hr", "latin"),
        ("sr", "latin"),
        ("sr", "cyrillic"),
        ("bs", "latin"),
    }
    assert all(not script.complaint for script in STARTER_SCRIPTS)


def _question(name: str, language: str, script: str) -> str:
    domain = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    for variation in domain["responses"][name]:
        conditions = {c["name"]: c["value"] for c in variation.get("condition") or []}
        if (
            conditions.get("language", "en") == language
            and conditions.get("script", script) == script
        ):
            return str(variation["text"])
    raise AssertionError(f"no {name} for {language}/{script}")


@pytest.mark.parametrize("script", COMPLAINT_SCRIPTS, ids=lambda script: script.name)
def test_a_complaint_conversation_answers_each_question(script: Script) -> None:
    conversation = Conversation(script, random.Random(5))
    sent = [conversation.next_message(None)]
    for _ in script.opening[1:]:
        sent.append(conversation.next_message(["Hello!"]))
    for response in QUESTIONS:
        question = _question(response, script.language, script.script)
        assert classify(question) == QUESTIONS[response]
        sent.append(conversation.next_message(["Thank you.", question]))
    assert sent[-3:] == [
        script.answers["resolution"].format(**conversation.values),
        script.answers["order"].format(**conversation.values),
        script.answers["contact"].format(**conversation.values),
    ]
    closing = conversation.next_message(["Your ticket is C-ABC234."])
    assert conversation.ticket == "C-ABC234"
    assert conversation.ended_in_complaint
    assert closing == (script.closing[0] if script.closing else None)
    while closing is not None:
        closing = conversation.next_message(["You're welcome."])
    assert conversation.flow_error is None


def test_an_unexpected_reply_is_a_flow_error() -> None:
    conversation = Conversation(COMPLAINT_SCRIPTS[1], random.Random(1))
    conversation.next_message(None)
    assert conversation.next_message(["Sorry, I did not get that."]) is None
    assert conversation.flow_error is not None
    assert conversation.flow_error.startswith("no_ticket")
    assert not conversation.ended_in_complaint


def test_a_ticket_where_none_was_expected_is_a_flow_error() -> None:
    praise = next(script for script in OUR_SCRIPTS if not script.complaint)
    conversation = Conversation(praise, random.Random(1))
    conversation.next_message(None)
    conversation.next_message(["Logged as C-ABC234."])
    assert conversation.flow_error == "unexpected_ticket"


def test_random_values_differ_between_customers() -> None:
    rng = random.Random(9)
    values = [random_values(rng) for _ in range(50)]
    assert len({v["order"] for v in values}) > 45
    assert len({v["email"] for v in values}) == 50


def test_praise_answered_with_a_complaints_question_is_a_flow_error() -> None:
    praise = next(script for script in OUR_SCRIPTS if not script.complaint)
    conversation = Conversation(praise, random.Random(1))
    conversation.next_message(None)
    question = _question("utter_ask_desired_resolution", praise.language, praise.script)
    assert conversation.next_message(["Thank you for telling us.", question]) is None
    assert conversation.flow_error == "taken_for_complaint"
