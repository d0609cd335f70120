"""The review inbox: real customer messages the bot did not understand well enough.

Read from Rasa's SQL tracker store (table ``events``, in the same database as the complaints):
a customer message is listed when

* its intent confidence was below ``escalation.nlu_confidence_threshold`` (``low_confidence``);
* the FallbackClassifier answered ``nlu_fallback`` (``fallback``);
* the bot answered it with ``action_not_understood``, or the complaint was escalated for
  ``not_understood`` right after it (``not_understood``);
* an agent marked its right intent (``corrected``): an ``intent_corrected`` event of the
  customer's complaint, written by :func:`record_correction`;
* the customer asked for a person (the intent, or the escalation word lists) and the bot
  neither escalated nor handed over before the next message (``person_missed``);
* its detected language looks wrong (``language``): Cyrillic letters not read as Cyrillic,
  Croatian/Serbian/Bosnian letters read as English, or another language than the rest of the
  conversation; the item then suggests the language its example belongs to.

A trainer turns an item into an example of the right intent (:func:`add_as_example`), or the
whole conversation into a test story (:func:`conversation_as_story`), and marks items done.
Done marks live in ``<project>/var/studio/review.json``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from bot import store
from bot.policy.escalation import asks_for_person
from bot.store.tables import Complaint, ComplaintEvent
from bot.studio.errors import StudioError
from bot.studio.jobs import locked_file, now_iso, read_json, studio_var, write_json
from bot.studio.stories import add_test_story
from bot.studio.training_examples import add_example
from bot.text.entities import extract_entities
from bot.text.languages import languages

REASONS: tuple[str, ...] = (
    "low_confidence",
    "fallback",
    "not_understood",
    "corrected",
    "person_missed",
    "language",
)
#: What the bot does when a customer rightly asks for a person: an action, or a response said
#: by one (a bot message whose ``utter_action`` is the response; bot/dialogue/data/script.yml).
PERSON_ACTIONS = frozenset(
    {
        "action_escalate",
        "action_hand_off",
        "utter_bring_colleague",
        "utter_handoff_queued",
        "utter_handoff_live",
        "utter_handoff_queued_no_contact",
    }
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_BCS_LETTERS = re.compile(r"[čćžšđČĆŽŠĐ]")
CORRECTION_KIND = "intent_corrected"
FALLBACK_INTENT = "nlu_fallback"
NOT_UNDERSTOOD_ACTION = "action_not_understood"
#: How many of the newest tracker events the inbox looks at.
SCAN_EVENTS = 20_000
MAX_ITEMS = 500
#: Actions that say nothing about the conversation and stay out of test stories.
_QUIET_ACTIONS = frozenset(
    {"action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent"}
)
_INTENT = re.compile(r"[a-z][a-z0-9_]{0,63}")
_STORY_NAME = re.compile(r"[\w .,'()-]{1,120}")


def _scan(database_url: str, sender_id: str | None = None) -> list[dict[str, Any]]:
    """User, action, bot and active-loop events of the tracker store, oldest first (the bot's
    messages for what the actions say, e.g. that a colleague is coming)."""
    engine = store.get_engine(database_url)
    try:
        if not inspect(engine).has_table("events"):
            return []
        query = (
            "SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events WHERE type_name IN ('user', 'action', 'bot', 'active_loop')"
        )
        params: dict[str, Any] = {"limit": SCAN_EVENTS}
        if sender_id is not None:
            query += " AND sender_id = :sender"
            params["sender"] = sender_id
        query += " ORDER BY id DESC LIMIT :limit"
        with engine.connect() as connection:
            rows = connection.execute(text(query), params).mappings().all()
    except SQLAlchemyError as problem:
        raise StudioError(f"The conversation store could not be read: {problem}", 503) from None
    events = []
    for row in reversed(rows):
        try:
            data = json.loads(row["data"] or "{}")
        except ValueError:
            data = {}
        events.append({**dict(row), "data": data if isinstance(data, dict) else {}})
    return events


def _language(parse_data: dict[str, Any]) -> tuple[str | None, str | None]:
    language = parse_data.get("language")
    if isinstance(language, dict):
        return language.get("code"), language.get("script")
    return None, None


def data_language(code: str | None, script: str | None) -> str:
    """The NLU file a message of this language and script belongs to (``data/nlu/<x>.yml``)."""
    return languages().for_slots(code, script).code


def suspect_language(
    text_: str, code: str | None, script: str | None, usual: str | None
) -> str | None:
    """The data language (``data/nlu/<x>.yml``) a message probably is in, when the detected
    one (``code``, ``script``) looks wrong; ``usual`` is the conversation's usual one."""
    detected = data_language(code, script)
    registry = languages()
    if _CYRILLIC.search(text_) and script != "cyrillic":
        cyrillic = [entry.code for entry in registry.languages if entry.script == "cyrillic"]
        return cyrillic[0] if cyrillic else None
    if _BCS_LETTERS.search(text_) and not registry.get(detected).bcs:
        if usual and registry.get(usual).bcs:
            return usual
        return next((entry.code for entry in registry.languages if entry.bcs), None)
    if usual and usual != detected:
        return usual
    return None


def _usual_languages(events: list[dict[str, Any]]) -> dict[str, str]:
    """Sender -> the data language most of their messages were detected in (ties: none)."""
    counts: dict[str, dict[str, int]] = {}
    for event in events:
        if event["type_name"] != "user" or not (event["data"].get("text") or "").strip():
            continue
        code, script = _language(event["data"].get("parse_data") or {})
        if code is None:
            continue
        per = counts.setdefault(event["sender_id"], {})
        language = data_language(code, script)
        per[language] = per.get(language, 0) + 1
    usual: dict[str, str] = {}
    for sender, per in counts.items():
        ranked = sorted(per.items(), key=lambda pair: -pair[1])
        if sum(per.values()) >= 3 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            usual[sender] = ranked[0][0]
    return usual


def _corrections(database_url: str) -> dict[int, dict[str, Any]]:
    with store.session_scope(database_url) as session:
        rows = session.query(ComplaintEvent).filter(ComplaintEvent.kind == CORRECTION_KIND)
        found: dict[int, dict[str, Any]] = {}
        for row in rows.order_by(ComplaintEvent.id):
            data = row.data or {}
            if isinstance(data.get("event_id"), int):
                found[data["event_id"]] = {"intent": data.get("intent"), "by": row.actor}
        return found


def _not_understood_escalations(database_url: str) -> list[tuple[str, float]]:
    """(sender, time) of escalations with the reason ``not_understood``."""
    with store.session_scope(database_url) as session:
        rows = (
            session.query(ComplaintEvent, Complaint.sender_id)
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .filter(ComplaintEvent.kind == "escalated")
        )
        found = []
        for entry, sender in rows:
            reasons = (entry.data or {}).get("reasons") or []
            if "not_understood" in reasons:
                found.append((sender, entry.created_at.timestamp()))
        return found


def _done(root: Path) -> dict[str, Any]:
    data = read_json(studio_var(root) / "review.json", {})
    return data if isinstance(data, dict) else {}


def inbox(
    root: Path,
    database_url: str,
    threshold: float,
    include_done: bool = False,
) -> list[dict[str, Any]]:
    """The messages to review, newest first: below ``threshold`` (the settings'
    ``nlu_confidence_threshold``), not understood, escalated as such, or corrected."""
    url = database_url
    limit = threshold
    events = _scan(url)
    corrections = _corrections(url)
    escalations = _not_understood_escalations(url)
    done = _done(root)
    last_user: dict[str, dict[str, Any]] = {}
    items: dict[int, dict[str, Any]] = {}

    def flag(event: dict[str, Any], reason: str) -> None:
        item = items.get(event["id"])
        if item is None:
            parse = event["data"].get("parse_data") or {}
            intent = parse.get("intent") or {}
            code, script = _language(parse)
            item = items[event["id"]] = {
                "id": event["id"],
                "sender_id": event["sender_id"],
                "text": event["data"].get("text") or "",
                "intent": intent.get("name") or event.get("intent_name"),
                "confidence": intent.get("confidence"),
                "language": code,
                "script": script,
                "data_language": data_language(code, script),
                "at": datetime.fromtimestamp(
                    float(event["timestamp"] or 0), timezone.utc
                ).isoformat(timespec="seconds"),
                "reasons": [],
                "corrected_intent": None,
                "suggested_language": None,
                "done": done.get(str(event["id"])),
            }
        if reason not in item["reasons"]:
            item["reasons"].append(reason)

    usual = _usual_languages(events)
    #: sender -> their message asking for a person, until the bot escalates or hands over
    asked: dict[str, dict[str, Any]] = {}
    for event in events:
        sender = event["sender_id"]
        if _acts_for_a_person(event):
            asked.pop(sender, None)
        if event["type_name"] == "user":
            message = event["data"].get("text") or ""
            if not message.strip():
                continue
            if sender in asked:  # the customer wrote again: the request went unanswered
                flag(asked.pop(sender), "person_missed")
            last_user[sender] = event
            parse_ = event["data"].get("parse_data") or {}
            if asks_for_person(message, (parse_.get("intent") or {}).get("name")):
                asked[sender] = event
            code_, script_ = _language(parse_)
            suggested = suspect_language(message, code_, script_, usual.get(sender))
            if suggested is not None:
                flag(event, "language")
                items[event["id"]]["suggested_language"] = suggested
            parse = event["data"].get("parse_data") or {}
            intent = parse.get("intent") or {}
            name = intent.get("name") or event.get("intent_name")
            confidence = intent.get("confidence")
            if name == FALLBACK_INTENT:
                flag(event, "fallback")
            if isinstance(confidence, (int, float)) and confidence < limit:
                flag(event, "low_confidence")
            if event["id"] in corrections:
                flag(event, "corrected")
                items[event["id"]]["corrected_intent"] = corrections[event["id"]]["intent"]
        elif (
            event["type_name"] == "action"
            and event.get("action_name") == NOT_UNDERSTOOD_ACTION
            and sender in last_user
        ):
            flag(last_user[sender], "not_understood")
    for waiting in asked.values():  # asked last, and the bot did nothing about it
        flag(waiting, "person_missed")
    for sender, moment in escalations:
        before = [
            e
            for e in events
            if e["sender_id"] == sender
            and e["type_name"] == "user"
            and float(e["timestamp"] or 0) <= moment
        ]
        if before:
            flag(before[-1], "not_understood")
    chosen = [item for item in items.values() if include_done or not item["done"]]
    chosen.sort(key=lambda item: item["id"], reverse=True)
    return chosen[:MAX_ITEMS]


#: What a trainer sees in place of a customer's contact details.
_CONTACT_MASKS = {"email": "[e-mail]", "phone": "[phone]"}


def for_trainers(item: dict[str, Any], secret_key: str) -> dict[str, Any]:
    """``item`` as a trainer sees it: the customer's e-mail addresses and phone numbers masked,
    the sender id replaced by a keyed pseudonym. Trainers need the words to teach the bot, not
    who wrote them; admins, who handle customer data, see the item as it is."""
    text = str(item.get("text") or "")
    spans = [s for s in extract_entities(text) if s.entity in _CONTACT_MASKS]
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + _CONTACT_MASKS[span.entity] + text[span.end :]
    digest = hmac.new(
        secret_key.encode(), b"review:" + str(item.get("sender_id")).encode(), hashlib.sha256
    ).hexdigest()[:12]
    return {**item, "text": text, "sender_id": f"conversation-{digest}"}


def get_item(root: Path, item_id: object, database_url: str, threshold: float) -> dict[str, Any]:
    if isinstance(item_id, str) and item_id.isdigit():
        item_id = int(item_id)
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        raise StudioError("A review item id is a whole number.", status=422)
    for item in inbox(root, database_url, threshold, include_done=True):
        if item["id"] == item_id:
            return item
    raise StudioError(f"There is no review item {item_id}.", status=404)


def mark_done(root: Path, item_id: int, by: str, action: str, **details: Any) -> dict[str, Any]:
    path = studio_var(root) / "review.json"
    entry = {"done_at": now_iso(), "by": by, "action": action, **details}
    with locked_file(path.with_suffix(".lock")):
        data = _done(root)
        data[str(item_id)] = entry
        write_json(path, data)
    return entry


def known_intents(root: Path) -> list[str]:
    """The intents of the project's domain."""
    try:
        domain = YAML(typ="safe").load((root / "domain.yml").read_text(encoding="utf-8")) or {}
    except (OSError, ValueError) as problem:
        raise StudioError(f"domain.yml could not be read: {problem}", status=500) from None
    intents: list[str] = []
    for entry in domain.get("intents") or []:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        if isinstance(name, str):
            intents.append(name)
    return intents


def check_intent(root: Path, intent: object) -> str:
    if not isinstance(intent, str) or not _INTENT.fullmatch(intent.strip()):
        raise StudioError("Choose the right intent (field 'intent').", status=422)
    intent = intent.strip()
    if intent not in known_intents(root) or intent == FALLBACK_INTENT:
        raise StudioError(f"There is no intent {intent!r} in the domain.", status=422)
    return intent


def add_as_example(
    root: Path,
    item_id: object,
    intent: object,
    by: str,
    database_url: str,
    threshold: float,
    language: object = None,
) -> dict[str, Any]:
    """Add the message of ``item_id`` as an example of ``intent`` (validated, then saved), in
    the data of ``language`` (a language code) if given, else of the detected language."""
    item = get_item(root, item_id, database_url, threshold)
    name = check_intent(root, intent)
    if not item["text"].strip():
        raise StudioError("The message has no text to learn from.", status=422)
    codes = [entry.code for entry in languages().languages]
    if language is not None and language not in codes:
        raise StudioError(f"The language is one of {', '.join(codes)}.", status=422)
    target = str(language) if language is not None else item["data_language"]
    add_example(root, name, item["text"], target)
    done = mark_done(root, item["id"], by, "example", intent=name, language=target)
    return {
        "item": item["id"],
        "intent": name,
        "language": target,
        "done": done,
        "retrain": True,  # the bot uses the example after the next training
    }


def _acts_for_a_person(event: dict[str, Any]) -> bool:
    """Whether the bot escalated, handed over or said a colleague is coming in ``event``."""
    if event["type_name"] == "action":
        return event.get("action_name") in PERSON_ACTIONS
    if event["type_name"] == "bot":
        metadata = (event.get("data") or {}).get("metadata") or {}
        return metadata.get("utter_action") in PERSON_ACTIONS
    return False


def story_steps(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa test-story steps (user text + intent, actions, forms) of a conversation."""
    steps: list[dict[str, Any]] = []
    for event in events:
        kind = event["type_name"]
        if kind == "user":
            parse = event["data"].get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name") or event.get("intent_name")
            text_ = (event["data"].get("text") or "").strip()
            if text_ and intent:
                steps.append({"user": text_, "intent": intent})
        elif kind == "action":
            name = event.get("action_name")
            if name and name not in _QUIET_ACTIONS:
                steps.append({"action": name})
        elif kind == "active_loop":
            steps.append({"active_loop": event["data"].get("name")})
    return steps


def conversation_as_story(
    root: Path,
    item_id: object,
    by: str,
    name: object,
    database_url: str,
    threshold: float,
) -> dict[str, Any]:
    """Turn the whole conversation of ``item_id`` into a test story."""
    item = get_item(root, item_id, database_url, threshold)
    url = database_url
    steps = story_steps(_scan(url, item["sender_id"]))
    if not any("user" in step for step in steps):
        raise StudioError("The conversation has no customer message to test.", status=422)
    title = name if isinstance(name, str) and name.strip() else f"review {item['id']}"
    title = title.strip()
    if not _STORY_NAME.fullmatch(title):
        raise StudioError("A story name is 1-120 letters, digits, spaces or .,'()-", 422)
    add_test_story(root, title, steps, item["data_language"])
    done = mark_done(root, item["id"], by, "story", story=title)
    return {"item": item["id"], "story": title, "steps": len(steps), "done": done}


def record_correction(
    sender_id: object,
    event_id: object,
    intent: object,
    actor: str,
    root: Path,
    database_url: str,
    text: object = None,
) -> dict[str, Any]:
    """An agent says which intent a customer's message really was (an ``intent_corrected``
    event on the customer's latest complaint); it then shows in the review inbox.

    The message is named by its tracker event id, or by its exact text (the newest such
    message of the conversation), which is what the console shows.
    """
    if not isinstance(sender_id, str) or not sender_id.strip() or len(sender_id) > 255:
        raise StudioError("Field 'sender_id' must name the conversation.", status=422)
    if event_id is None and not (isinstance(text, str) and text.strip()):
        raise StudioError("Name the message: field 'event_id' or 'text'.", status=422)
    if event_id is not None and (not isinstance(event_id, int) or isinstance(event_id, bool)):
        raise StudioError("Field 'event_id' must be the message's id (a whole number).", 422)
    name = check_intent(root, intent)
    url = database_url
    messages = [e for e in _scan(url, sender_id) if e["type_name"] == "user"]
    if event_id is not None:
        messages = [e for e in messages if e["id"] == event_id]
    else:
        wanted = str(text).strip()
        messages = [e for e in messages if (e["data"].get("text") or "").strip() == wanted]
    if not messages:
        raise StudioError("That conversation has no such customer message.", status=404)
    message = messages[-1]
    with store.session_scope(url) as session:
        complaint = store.latest_for_sender(session, sender_id)
        if complaint is None:
            raise StudioError(
                "Only messages of a conversation with a complaint can be corrected.", status=409
            )
        store.append_event(
            session,
            complaint,
            CORRECTION_KIND,
            actor,
            {"event_id": message["id"], "intent": name, "text": message["data"].get("text") or ""},
        )
        ticket = complaint.ticket
    return {"event_id": message["id"], "intent": name, "ticket": ticket}
