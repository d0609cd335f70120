"""Smoke test: the real model and servers, a chat over REST in two languages, the rows stored."""

from __future__ import annotations

import json
import re
import socket
import urllib.request
import uuid
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot import store
from bot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

TICKET = re.compile(r"\bC-[A-HJ-NP-Z2-9]{6}\b")
STACK_PORT = 5105  # the module's own stack (tests/conftest.py)


def response_texts(name: str, language: str, script: str = "latin", **slots: str) -> list[str]:
    """The domain's texts of response ``name`` for a customer with these slot values."""
    domain = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    values = {"language": language, "script": script, **slots}
    return [
        variation["text"]
        for variation in domain["responses"][name]
        if (variation.get("condition") or language == "en")
        and all(
            values.get(c["name"], c["value"]) == c["value"]
            for c in variation.get("condition") or []
        )
    ]


def matches(response: str, templates: list[str]) -> bool:
    """Whether ``response`` is one of ``templates`` with its {slots} filled in."""
    for template in templates:
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{[a-z_]+\\\}", ".+", pattern)
        if re.fullmatch(pattern, response, flags=re.S):
            return True
    return False


def say(settings: Settings, sender: str, text: str) -> list[str]:
    request = urllib.request.Request(
        f"http://{settings.host}:{settings.rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        messages: list[dict[str, Any]] = json.load(response)
    return [message.get("text", "") for message in messages]


def complaints_of(settings: Settings, sender: str) -> list[dict[str, Any]]:
    with store.session_scope(settings.database_url) as session:
        return [
            store.complaint_to_dict(c) for c in store.list_complaints(session, sender_id=sender)
        ]


def test_english_delivery_complaint_is_logged_with_a_ticket(stack: Settings) -> None:
    sender = f"smoke-en-{uuid.uuid4().hex[:8]}"
    replies = say(stack, sender, "My order ORD-48213 from last week still hasn't arrived")
    assert len(replies) == 3, replies
    assert matches(replies[0], response_texts("utter_thank_for_complaint", "en"))
    assert matches(replies[1], response_texts("utter_acknowledge", "en", category="delivery"))
    assert matches(replies[2], response_texts("utter_ask_desired_resolution", "en"))

    replies = say(stack, sender, "Just send it to me as soon as possible please")
    assert matches(replies[-1], response_texts("utter_ask_contact", "en")), replies

    replies = say(stack, sender, "ana.horvat@example.com")
    assert matches(replies[-1], response_texts("utter_complaint_logged", "en")), replies
    ticket = TICKET.search(replies[-1])
    assert ticket, replies

    [row] = complaints_of(stack, sender)
    assert row["ticket"] == ticket.group(0)
    assert row["language"] == "en" and row["script"] == "latin"
    assert row["category"] == "delivery"
    assert row["order_ref"] == "ORD-48213"
    assert row["contact"] == "ana.horvat@example.com"
    assert row["status"] == "open" and row["escalated"] is False
    assert row["escalation_reasons"] == []
    assert row["description"] == "My order ORD-48213 from last week still hasn't arrived"
    assert row["desired_resolution_text"] == "Just send it to me as soon as possible please"


def test_croatian_health_complaint_is_escalated(stack: Settings) -> None:
    sender = f"smoke-hr-{uuid.uuid4().hex[:8]}"
    replies = say(
        stack,
        sender,
        "Kupila sam vaš sok od jabuke i nakon što sam ga popila završila sam u bolnici",
    )
    assert len(replies) == 3, replies
    assert matches(replies[0], response_texts("utter_thank_for_complaint", "hr"))
    assert matches(replies[1], response_texts("utter_acknowledge", "hr", category="safety"))
    assert matches(replies[2], response_texts("utter_ask_desired_resolution", "hr"))

    replies = say(stack, sender, "Ne znam, želim samo da to netko ozbiljno provjeri")
    assert matches(replies[-1], response_texts("utter_ask_contact", "hr")), replies

    replies = say(stack, sender, "091 234 5678")
    assert matches(replies[-1], response_texts("utter_handoff_queued", "hr")), replies

    [row] = complaints_of(stack, sender)
    assert row["language"] == "hr"
    assert row["category"] == "safety"
    assert row["escalated"] is True and row["status"] == "escalated"
    assert "safety" in row["escalation_reasons"]
    assert row["contact"]


def test_the_default_stack_runs_the_actions_in_the_rasa_process(stack: Settings) -> None:
    """What ``make run`` starts: no action server beside Rasa, yet a complaint is stored."""
    assert stack.actions_in_process
    with socket.socket() as probe:
        probe.settimeout(1)
        assert probe.connect_ex(("127.0.0.1", stack.actions_port)) != 0
    sender = f"smoke-default-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "My order ORD-48213 from last week still hasn't arrived")
    say(stack, sender, "Just send it to me as soon as possible please")
    say(stack, sender, "ana.horvat@example.com")
    assert [row["contact"] for row in complaints_of(stack, sender)] == ["ana.horvat@example.com"]


def test_the_default_stack_serves_without_tensorflow(stack: Settings) -> None:
    """The project's model uses no TensorFlow component, so the Rasa server never loads it
    (bot/ops/tensorflow_free.py): no TensorFlow library is mapped into its processes, and it
    still answers a complaint."""
    import psutil

    ours = ("bot.ops.rasa_main", f"--port {stack.rasa_port}")
    servers = [
        process
        for process in psutil.process_iter(["cmdline"])
        if all(part in " ".join(process.info["cmdline"] or ()) for part in ours)
    ]
    assert servers, "the stack's Rasa process was not found"
    sender = f"smoke-tf-{uuid.uuid4().hex[:8]}"
    assert any("C-" in text or "?" in text for text in say(stack, sender, "my parcel never came"))
    for process in servers:
        libraries = {mapping.path for mapping in process.memory_maps(grouped=True)}
        assert not [path for path in libraries if "tensorflow" in path], process.pid
