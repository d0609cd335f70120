"""The custom actions, run as the action server runs them, against a real (SQLite) store."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions.complaint import (
    ActionComplaintNextStep,
    ActionEscalate,
    ActionHandOff,
    ActionNoteDetails,
    ActionNotUnderstood,
    ActionRegisterComplaint,
)
from actions.forms import (
    ActionAskContact,
    ValidateContactForm,
    ValidateOrderForm,
    ValidateResolutionForm,
)
from actions.slots import ValidateSlotMappings, first_message
from actions.status import ActionComplaintStatus
from bot import store
from bot.dialogue import script
from bot.store.tables import Complaint

TICKET = re.compile(r"^C-[A-HJ-NP-Z2-9]{6}$")
DOMAIN: dict[str, Any] = {"slots": {}, "responses": {}, "forms": {}}


pytestmark = pytest.mark.usefixtures("database")


def tracker(
    text: str,
    intent: str,
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    language: dict[str, Any] | None = None,
    sender_id: str | None = None,
    earlier: tuple[str, ...] = (),
    bot_events: list[dict[str, Any]] | None = None,
    ranking: list[tuple[str, float]] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text``, as the action server receives it."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [
            {"name": name, "confidence": value}
            for name, value in (ranking or [(intent, confidence)])
        ],
        "entities": entities or [],
        "language": language or {"code": "en", "script": "latin", "confidence": 0.9},
    }
    events: list[dict[str, Any]] = [
        {"event": "user", "text": line, "parse_data": {}} for line in earlier
    ]
    events += bot_events or []
    events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"})
    return Tracker.from_dict(
        {
            "sender_id": sender_id or f"test-{uuid.uuid4().hex[:8]}",
            "slots": {"language": "en", "script": "latin", **(slots or {})},
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def run(action: Any, current: Tracker) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, current, DOMAIN)
    slots = {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
    return slots, dispatcher


def stored(url: str, ticket: str) -> dict[str, Any]:
    with store.session_scope(url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        return store.complaint_to_dict(complaint)


async def test_register_logs_a_calm_complaint(database: str) -> None:
    text = "My order ORD-48213 still hasn't arrived"
    current = tracker(
        text,
        "complain_delivery",
        entities=[{"entity": "order_ref", "value": "ORD-48213", "start": 9, "end": 18}],
    )
    slots, dispatcher = await run(ActionRegisterComplaint(), current)
    assert TICKET.match(slots["complaint_ticket"])
    assert slots["category"] == "delivery"
    assert slots["escalation_reasons"] == []
    assert slots["desired_resolution"] is None and slots["complaint_step"] is None
    # the script: thanked for, acknowledged, "what can we do for you?"
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_thank_for_complaint",
        "utter_acknowledge",
        "utter_ask_desired_resolution",
    ]
    row = stored(database, slots["complaint_ticket"])
    assert (row["category"], row["status"], row["escalated"]) == ("delivery", "open", False)
    assert row["description"] == text and row["order_ref"] == "ORD-48213"
    assert row["sender_id"] == current.sender_id and row["channel"] == "rest"


async def test_register_escalates_a_health_hazard_in_croatian(database: str) -> None:
    current = tracker(
        "Nakon vašeg soka dijete je povraćalo cijelu noć i završilo u bolnici",
        "complain_safety",
        slots={"language": "hr"},
        language={"code": "hr", "script": "latin", "confidence": 0.8},
    )
    slots, _ = await run(ActionRegisterComplaint(), current)
    assert "safety" in slots["escalation_reasons"]
    row = stored(database, slots["complaint_ticket"])
    assert row["escalated"] is True and row["status"] == "escalated"
    assert row["severity"] == 4 and row["language"] == "hr"
    # the deadline is worded in Croatian
    assert re.search(r"\d{1,2}\. [a-zčćšž]+ 20\d\d\.", slots["due_text"]), slots["due_text"]


async def test_more_of_the_story_continues_the_same_complaint(database: str) -> None:
    first, _ = await run(
        ActionRegisterComplaint(), tracker("The parcel is late", "complain_delivery")
    )
    current = tracker(
        "And the box that did come was crushed",
        "complain_delivery",
        slots={"complaint_ticket": first["complaint_ticket"]},
        sender_id=stored(database, first["complaint_ticket"])["sender_id"],
    )
    again, _ = await run(ActionRegisterComplaint(), current)
    assert again["complaint_ticket"] == first["complaint_ticket"]
    row = stored(database, first["complaint_ticket"])
    assert "crushed" in row["description"] and "late" in row["description"]


async def test_next_step_asks_for_the_order_number_then_a_contact_then_logs(
    database: str,
) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(),
        tracker("The blender I bought stopped working", "complain_product_quality"),
    )
    sender = stored(database, registered["complaint_ticket"])["sender_id"]
    base = {"complaint_ticket": registered["complaint_ticket"]}

    answer = tracker(
        "A new one please",
        "state_resolution",
        sender_id=sender,
        slots={**base, "desired_resolution": "A new one please"},
    )
    slots, _ = await run(ActionComplaintNextStep(), answer)
    assert slots["complaint_step"] == "ask_order_ref"

    order = tracker(
        "it was 48213",
        "inform",
        sender_id=sender,
        slots={**base, "desired_resolution": "A new one please", "order_ref": "48213"},
    )
    slots, _ = await run(ActionComplaintNextStep(), order)
    assert slots["complaint_step"] == "ask_contact"

    contact = tracker(
        "ana@example.hr",
        "inform",
        sender_id=sender,
        slots={
            **base,
            "desired_resolution": "A new one please",
            "order_ref": "48213",
            "contact": "ana@example.hr",
        },
    )
    slots, _ = await run(ActionComplaintNextStep(), contact)
    assert slots["complaint_step"] == "logged"
    row = stored(database, registered["complaint_ticket"])
    assert row["desired_resolution"] == "replacement"
    assert row["desired_resolution_text"] == "A new one please"
    assert (row["order_ref"], row["contact"], row["escalated"]) == (
        "48213",
        "ana@example.hr",
        False,
    )


async def test_asking_for_money_back_escalates_for_money(database: str) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("You charged me twice", "complain_billing")
    )
    sender = stored(database, registered["complaint_ticket"])["sender_id"]
    answer = tracker(
        "I want my money back",
        "state_resolution",
        sender_id=sender,
        slots={
            "complaint_ticket": registered["complaint_ticket"],
            "desired_resolution": "I want my money back",
        },
    )
    slots, _ = await run(ActionComplaintNextStep(), answer)
    assert slots["complaint_step"] == "ask_contact"  # nobody on duty: contact, then queue
    assert "money" in slots["escalation_reasons"]
    row = stored(database, registered["complaint_ticket"])
    assert row["desired_resolution"] == "refund" and row["status"] == "escalated"


@pytest.mark.parametrize(
    ("story", "later", "language"),
    [
        ("The sink I bought is cracked", "I already emailed you about it on Monday", "en"),
        ("Sudoper koji sam kupila je napukao", "Već sam vam pisala o tome u ponedjeljak", "hr"),
    ],
)
async def test_a_later_message_that_shows_a_complaint_made_before_escalates_as_repeat(
    database: str, story: str, later: str, language: str
) -> None:
    slots = {"language": language}
    registered, _ = await run(
        ActionRegisterComplaint(),
        tracker(story, "complain_product_quality", slots=slots),
    )
    sender = stored(database, registered["complaint_ticket"])["sender_id"]
    answer = tracker(
        later,
        "inform",
        sender_id=sender,
        earlier=(story,),
        slots={
            **slots,
            "complaint_ticket": registered["complaint_ticket"],
            "desired_resolution": later,
        },
    )
    next_step, _ = await run(ActionComplaintNextStep(), answer)
    assert "repeat" in next_step["escalation_reasons"]
    assert next_step["complaint_step"] == "ask_contact"  # a person takes over: contact first
    assert stored(database, registered["complaint_ticket"])["status"] == "escalated"


async def test_anger_built_up_over_the_answers_escalates(database: str) -> None:
    story = "Where is my parcel???"
    registered, _ = await run(ActionRegisterComplaint(), tracker(story, "complain_delivery"))
    assert registered["escalation_reasons"] == []
    sender = stored(database, registered["complaint_ticket"])["sender_id"]
    answer = tracker(
        "Two weeks now. Unacceptable.",
        "inform",
        sender_id=sender,
        earlier=(story, "Unbelievable, still nothing."),
        slots={
            "complaint_ticket": registered["complaint_ticket"],
            "desired_resolution": "Unbelievable, still nothing.",
        },
    )
    next_step, _ = await run(ActionComplaintNextStep(), answer)
    assert "anger" in next_step["escalation_reasons"]


async def test_an_agent_on_duty_takes_over_live(database: str) -> None:
    with store.session_scope(database) as session:
        agent = store.create_agent(
            session, username="ana", password="correct horse battery", role="agent"
        )
        store.set_on_duty(session, agent, True)
    registered, _ = await run(
        ActionRegisterComplaint(),
        tracker("My lawyer will hear about this broken heater", "complain_product_quality"),
    )
    sender = stored(database, registered["complaint_ticket"])["sender_id"]
    answer = tracker(
        "fix it",
        "state_resolution",
        sender_id=sender,
        slots={"complaint_ticket": registered["complaint_ticket"], "desired_resolution": "fix it"},
    )
    slots, _ = await run(ActionComplaintNextStep(), answer)
    assert slots["complaint_step"] == "hand_off"
    events = await ActionHandOff().run(CollectingDispatcher(), answer, DOMAIN)
    assert events == [{"event": "pause", "timestamp": None}]


async def test_asking_for_a_person_creates_and_escalates_a_complaint(database: str) -> None:
    current = tracker(
        "Can I talk to a real person please",
        "request_human",
        earlier=["hello", "my internet has been down since Monday"],
    )
    slots, _ = await run(ActionEscalate(), current)
    row = stored(database, slots["complaint_ticket"])
    assert row["escalation_reasons"] == ["human_request"]
    assert "internet has been down" in row["description"]


@pytest.mark.parametrize(
    ("text", "also"),
    [
        ("Fourth time I'm calling about this fridge, put me through to a human", "repeat"),
        ("Dajte mi čovjeka, hoću da mi vratite novac za ovaj frižider", "money"),
        ("Get me a person, my solicitor will hear about this", "legal"),
    ],
)
async def test_a_request_for_a_person_also_records_what_else_the_message_shows(
    database: str, text: str, also: str
) -> None:
    """The agent learns the customer complained before, wants money back or threatens the law,
    not only that they asked for a person."""
    slots, _ = await run(ActionEscalate(), tracker(text, "request_human"))
    row = stored(database, slots["complaint_ticket"])
    assert row["escalation_reasons"][0] == "human_request"
    assert also in row["escalation_reasons"]


async def test_two_misunderstandings_in_a_row_escalate(database: str) -> None:
    first, _ = await run(ActionNotUnderstood(), tracker("asdf qwer", "nlu_fallback", 0.3))
    assert first == {"failed_understandings": 1, "complaint_step": None}
    second, _ = await run(
        ActionNotUnderstood(),
        tracker("zxcv bnm", "nlu_fallback", 0.2, slots={"failed_understandings": 1}),
    )
    assert second["complaint_step"] == "escalate"
    assert second["escalation_reasons"] == ["not_understood"]


async def test_a_problem_announced_without_saying_what_is_asked_what_happened(
    database: str,
) -> None:
    """"I have a problem" is asked what happened, not to say it "in other words"; a second
    message that still says nothing brings a person, as any second misunderstanding does."""
    first, said = await run(ActionNotUnderstood(), tracker("I have a problem", "nlu_fallback", 1.0))
    assert first == {"failed_understandings": 1, "complaint_step": None}
    assert [m["response"] for m in said.messages] == ["utter_ask_what_happened"]
    _, said = await run(ActionNotUnderstood(), tracker("asdf qwer", "nlu_fallback", 0.3))
    assert [m["response"] for m in said.messages] == ["utter_please_rephrase"]
    second, said = await run(
        ActionNotUnderstood(),
        tracker("ma ono, znate već", "nlu_fallback", 1.0, slots={"failed_understandings": 1}),
    )
    assert second["escalation_reasons"] == ["not_understood"]
    assert [m["response"] for m in said.messages] == ["utter_bring_colleague"]
    # nothing was named: the complaint the person takes over is filed under no guessed matter
    assert stored(database, second["complaint_ticket"])["category"] == "other"


async def test_a_misunderstood_legal_threat_escalates_at_once(database: str) -> None:
    slots, _ = await run(
        ActionNotUnderstood(), tracker("my lawyer will contact you", "nlu_fallback", 0.3)
    )
    assert slots["complaint_step"] == "escalate"
    assert "legal" in slots["escalation_reasons"]


async def test_status_is_shown_only_to_the_conversation_that_raised_it(database: str) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("The app crashes at checkout", "complain_technical")
    )
    ticket = registered["complaint_ticket"]
    owner = stored(database, ticket)["sender_id"]
    entity = [{"entity": "ticket", "value": ticket, "start": 14, "end": 22}]

    mine, _ = await run(
        ActionComplaintStatus(),
        tracker(f"any news about {ticket}?", "ask_status", entities=entity, sender_id=owner),
    )
    assert (mine["status_lookup"], mine["status_value"]) == ("found", "open")
    assert mine["status_ticket"] == ticket and mine["due_text"]

    other, _ = await run(
        ActionComplaintStatus(), tracker(f"any news about {ticket}?", "ask_status", entities=entity)
    )
    # someone who merely knows the ticket learns nothing of it: their chase is recorded on a
    # complaint of their own and goes to a person as a repeat
    assert other["status_lookup"] == "chase_opened"
    assert other["status_ticket"] != ticket and other["complaint_ticket"] == other["status_ticket"]
    chase = stored(database, other["status_ticket"])
    assert chase["sender_id"] != owner and chase["escalation_reasons"] == ["repeat"]
    assert chase["order_ref"] == ticket and stored(database, ticket)["escalation_reasons"] == []


@pytest.mark.parametrize(
    ("text", "entities", "field"),
    [
        ("any news on order ORD-55120?", [{"entity": "order_ref", "value": "ORD-55120"}], None),
        ("status for ana@example.com?", [{"entity": "email", "value": "ANA@example.com"}], None),
        ("where is my complaint about the fridge", [], "own"),
    ],
)
async def test_status_found_by_any_reference_of_the_conversation(
    database: str, text: str, entities: list[dict[str, str]], field: str | None
) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("The fridge stopped cooling", "complain_product_quality")
    )
    ticket = registered["complaint_ticket"]
    owner = stored(database, ticket)["sender_id"]
    await run(
        ActionNoteDetails(),
        tracker(
            "ORD-55120, ana@example.com",
            "inform",
            entities=[
                {"entity": "order_ref", "value": "ORD-55120"},
                {"entity": "email", "value": "ana@example.com"},
            ],
            sender_id=owner,
            slots={"complaint_ticket": ticket},
        ),
    )
    slots = {"complaint_ticket": ticket} if field == "own" else {}
    answer, _ = await run(
        ActionComplaintStatus(),
        tracker(text, "ask_status", entities=entities, sender_id=owner, slots=slots),
    )
    assert (answer["status_lookup"], answer["status_ticket"]) == ("found", ticket)


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("what about my complaint REK-2291?", [{"entity": "order_ref", "value": "REK-2291"}]),
        ("any news about my fridge complaint?", []),
        ("ima li šta novo za moju reklamaciju", []),
    ],
)
async def test_a_chase_that_finds_nothing_is_recorded_and_escalated(
    database: str, text: str, entities: list[dict[str, str]]
) -> None:
    answer, _ = await run(ActionComplaintStatus(), tracker(text, "ask_status", entities=entities))
    assert answer["status_lookup"] == "chase_opened" and answer["due_text"]
    assert answer["complaint_ticket"] == answer["status_ticket"]
    row = stored(database, answer["status_ticket"])
    assert row["escalation_reasons"] == ["repeat"] and text in row["description"]
    assert row["order_ref"] == (entities[0]["value"] if entities else None)


@pytest.mark.parametrize(
    ("text", "language", "category", "acknowledgement"),
    [
        # the matter named: acknowledged by it (the problem within the category)
        (
            "any news on my complaint from Monday about the kettle that arrived with a "
            "cracked lid? ref 5531",
            "en",
            "complain_product_quality",
            "utter_acknowledge",
        ),
        (
            "Ima li novosti o mojoj reklamaciji za razbijenu vazu od prošlog tjedna?",
            "hr",
            "complain_delivery",
            "utter_acknowledge",
        ),
        # no matter named: having to chase is what went wrong
        ("did anyone look at my complaint yet?", "en", None, "utter_acknowledge_chase"),
        ("Шта је било са мојом рекламацијом?", "sr", None, "utter_acknowledge_chase"),
    ],
)
async def test_a_chase_that_opens_the_complaint_follows_the_script(
    database: str, text: str, language: str, category: str | None, acknowledgement: str
) -> None:
    ranking = [("ask_status", 0.6), *([(category, 0.35)] if category else [])]
    current = tracker(
        text,
        "ask_status",
        0.6,
        slots={"language": language, "script": "cyrillic" if language == "sr" else "latin"},
        language={"code": language, "script": "latin", "confidence": 0.9},
        ranking=ranking,
    )
    answer, dispatcher = await run(ActionComplaintStatus(), current)
    # thanked for, acknowledged, told where the follow-up is, then "what can we do for you?";
    # the hand-over comes after the answer (data/rules.yml: the resolution form)
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_thank_for_complaint",
        acknowledgement,
        "utter_status_chase_noted",
        "utter_ask_desired_resolution",
    ]
    assert answer["status_lookup"] == "chase_opened"
    assert answer["complaint_step"] is None and answer["desired_resolution"] is None
    row = stored(database, answer["complaint_ticket"])
    assert row["escalation_reasons"] == ["repeat"]
    if category is not None:
        assert answer["category"] == row["category"] == category.removeprefix("complain_")
    else:
        assert answer["category"] == row["category"] == "other"


async def test_a_chase_inside_a_complaint_is_noted_on_it_without_a_second_opening(
    database: str,
) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(),
        tracker("The blender stopped working", "complain_product_quality"),
    )
    ticket = registered["complaint_ticket"]
    owner = stored(database, ticket)["sender_id"]
    answer, dispatcher = await run(
        ActionComplaintStatus(),
        tracker(
            "and what about my older complaint REK-7781?",
            "ask_status",
            entities=[{"entity": "order_ref", "value": "REK-7781"}],
            sender_id=owner,
            slots={"complaint_ticket": ticket},
        ),
    )
    assert (answer["status_lookup"], answer["status_ticket"]) == ("chase_recorded", ticket)
    assert dispatcher.messages == []
    assert stored(database, ticket)["escalation_reasons"] == ["repeat"]


async def test_details_given_outside_a_question_are_stored(database: str) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(),
        tracker("Nobody answers your hotline", "complain_service_quality"),
    )
    ticket = registered["complaint_ticket"]
    current = tracker(
        "you can reach me at marko@example.rs",
        "inform",
        sender_id=stored(database, ticket)["sender_id"],
        slots={"complaint_ticket": ticket, "complaint_step": "logged"},
        entities=[{"entity": "email", "value": "marko@example.rs", "start": 20, "end": 36}],
    )
    noted, _ = await run(ActionNoteDetails(), current)
    assert stored(database, ticket)["contact"] == "marko@example.rs"
    assert noted["note_outcome"] == "added"


@pytest.mark.parametrize(
    ("text", "ranking", "category", "resolution", "problem"),
    [
        (
            "Return my money for this kettle, it leaks",
            [("state_resolution", 0.53), ("complain_product_quality", 0.2)],
            "product_quality",
            "refund",
            "defective",
        ),
        (
            "pošaljite mi novi, ovaj ne radi",
            [("state_resolution", 0.97), ("complain_product_quality", 0.01)],
            "product_quality",
            "replacement",
            "defective",
        ),
        # nothing says what went wrong: logged as `other`, never dropped
        ("hoću nazad svoje pare", [("state_resolution", 0.9)], "other", "refund", "general"),
    ],
)
async def test_a_wish_as_the_first_message_opens_a_complaint_with_the_wish(
    database: str,
    text: str,
    ranking: list[tuple[str, float]],
    category: str,
    resolution: str,
    problem: str,
) -> None:
    noted, _ = await run(
        ActionNoteDetails(), tracker(text, "state_resolution", ranking[0][1], ranking=ranking)
    )
    assert noted["note_outcome"] == "opened"
    assert (noted["category"], noted["problem"]) == (category, problem)
    assert noted["resolution_kind"] == resolution
    row = stored(database, noted["complaint_ticket"])
    assert row["category"] == category
    assert row["desired_resolution"] == resolution


async def test_details_without_a_complaint_are_not_said_to_be_added(database: str) -> None:
    current = tracker(
        "my email is ana@example.hr",
        "inform",
        entities=[{"entity": "email", "value": "ana@example.hr", "start": 12, "end": 26}],
    )
    noted, _ = await run(ActionNoteDetails(), current)
    assert noted == {"note_outcome": "no_complaint"}
    with store.session_scope(database) as session:
        assert session.query(Complaint).filter_by(sender_id=current.sender_id).count() == 0


async def test_a_complaint_that_demands_a_remedy_records_the_wish(database: str) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(),
        tracker("hoću povrat novca, jakna se raspala nakon sedmice", "complain_product_quality"),
    )
    assert registered["note_outcome"] == "opened"
    assert registered["resolution_kind"] == "refund"
    assert stored(database, registered["complaint_ticket"])["desired_resolution"] == "refund"
    plain, _ = await run(
        ActionRegisterComplaint(),
        tracker("the repair didn't help, it still leaks", "complain_product_quality"),
    )
    assert plain["note_outcome"] == "registered"


@pytest.mark.parametrize(
    ("text", "intent", "problem"),
    [
        ("It arrived broken, the box was crushed", "complain_delivery", "damaged"),
        (
            "the technician never came, I took a day off for nothing",
            "complain_service_quality",
            "no_show",
        ),
        ("пакет касни већ две недеље", "complain_delivery", "late"),
        ("something about my delivery", "complain_delivery", "general"),
    ],
)
async def test_the_problem_within_the_category_is_set(
    database: str, text: str, intent: str, problem: str
) -> None:
    registered, _ = await run(ActionRegisterComplaint(), tracker(text, intent))
    assert registered["problem"] == problem


@pytest.mark.parametrize(
    ("detection", "slots", "expected"),
    [
        ({"code": "sr", "script": "cyrillic", "confidence": 0.9}, {}, ("sr", "cyrillic")),
        ({"code": "bs", "script": "latin", "confidence": 0.7}, {}, ("bs", "latin")),
        # a short first complaint ("paket nije stigao") is confident enough to leave English
        ({"code": "hr", "script": "latin", "confidence": 0.43}, {}, ("hr", "latin")),
        # too short to tell ("ok"): the conversation keeps its language
        ({"code": "en", "script": "latin", "confidence": 0.2}, {"language": "hr"}, ("hr", "latin")),
        # a short first message ("bok"): the initial English is no evidence, BCS is answered
        ({"code": "hr", "script": "latin", "confidence": 0.3}, {}, ("hr", "latin")),
        (None, {"language": "sr", "script": "cyrillic"}, ("sr", "cyrillic")),
        # a first "ej" that says nothing: the page's language, which the widget sent
        (
            {"code": "sr", "script": "cyrillic", "confidence": 0.0, "source": "page"},
            {},
            ("sr", "cyrillic"),
        ),
        # ... and the same "ej" without a page keeps the initial English
        ({"code": "hr", "script": "latin", "confidence": 0.0}, {}, ("en", "latin")),
    ],
)
async def test_language_and_script_follow_the_customer(
    detection: dict[str, Any] | None,
    slots: dict[str, Any],
    expected: tuple[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="rasa_sdk")
    current = tracker("x", "greet", slots=slots, language=detection)
    if detection is None:
        current.latest_message.pop("language")
    dispatcher = CollectingDispatcher()
    events = await ValidateSlotMappings().run(
        dispatcher,
        current,
        {
            "slots": {
                "language": {"type": "categorical", "mappings": [{"type": "custom"}]},
                "script": {"type": "categorical", "mappings": [{"type": "custom"}]},
            }
        },
    )
    values = {**current.slots, **{e["name"]: e["value"] for e in events}}
    assert (values["language"], values["script"]) == expected
    assert "Skipping validation" not in caplog.text  # no warning on every customer message


def test_slot_mappings_keep_the_global_slots_of_one_domain_only() -> None:
    """The kept list is rasa_sdk's own, for the domain object it was worked out for: a new
    domain (a new model, or a call over HTTP) is worked out afresh."""
    validator = ValidateSlotMappings()
    form_only = {"mappings": [{"type": "custom", "conditions": [{"active_loop": "f"}]}]}
    first = {"slots": {"language": {"mappings": [{"type": "custom"}]}, "order_ref": form_only}}
    second = {"slots": {"script": {"mappings": [{"type": "custom"}]}}}
    assert validator.global_slots(first) == ["language"]
    assert validator.global_slots(first) == ValidationAction.global_slots(validator, first)
    assert validator.global_slots(second) == ["script"]
    validator.global_slots(second).append("changed by a caller")
    assert validator.global_slots(second) == ["script"]


async def test_order_form_never_nags() -> None:
    domain = {"forms": {"order_form": {"required_slots": ["order_ref"]}}, "slots": {}}
    validator = ValidateOrderForm()
    for text, intent, expected in [
        ("ORD-48213", "inform", "ORD-48213"),
        ("I don't have it", "deny", "-"),
        ("no idea sorry", "deny", "-"),
        ("it's on the receipt: 4821 3", "inform", "it's on the receipt: 4821 3"),
    ]:
        entities = (
            [{"entity": "order_ref", "value": text, "start": 0, "end": len(text)}]
            if text.startswith("ORD")
            else []
        )
        current = tracker(text, intent, entities=entities)
        result = await validator.validate_order_ref(text, CollectingDispatcher(), current, domain)
        assert result == {"order_ref": expected}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "If those phones aren't cancelled today I'm going to the police and my bank.",
            "complain_technical",
        ),
        ("Ako to ne bude stornirano danas, idem na policiju i u banku.", "complain_technical"),
        ("the charger started smoking on the bedside table last night", "complain_safety"),
    ],
)
async def test_an_answer_that_shows_a_reason_for_a_person_ends_the_question(
    text: str, intent: str
) -> None:
    """Asked for the order number or a contact, the customer threatens the police or reports
    smoke: the question ends (instead of being asked again) so that the next step records the
    reason and escalates."""
    current = tracker(text, intent)
    assert await ValidateOrderForm().validate_order_ref(
        text, CollectingDispatcher(), current, {}
    ) == {"order_ref": "-"}
    assert await ValidateContactForm().validate_contact(
        text, CollectingDispatcher(), current, {}
    ) == {"contact": "-"}


async def test_a_calm_answer_without_the_number_is_asked_once_more() -> None:
    text = "hang on, let me look for the email with it"
    current = tracker(text, "inform")
    assert await ValidateContactForm().validate_contact(
        text, CollectingDispatcher(), current, {}
    ) == {"contact": None}


async def test_more_of_the_story_with_numbers_is_no_order_number(database: str) -> None:
    """Asked for the order number, the customer tells more ("3 to 4 weeks? I paid 900
    euros"): no order number is taken from it, the question is not asked again, and the
    words go to the complaint."""
    text = "What do you mean 3 to 4 weeks?? I paid 900 euros and now I sit on the floor"
    current = tracker(text, "complain_delivery", sender_id="order-story")
    result = await ValidateOrderForm().validate_order_ref(text, CollectingDispatcher(), current, {})
    assert result == {"order_ref": "-"}
    with store.session_scope(database) as session:
        rows = store.list_complaints(session, sender_id="order-story")
        assert [row.order_ref for row in rows] == [None]
        assert "900 euros" in str(rows[0].description)


async def test_a_no_that_tells_more_is_added_to_the_complaint_and_the_wish_asked_again(
    database: str,
) -> None:
    """ "What can we do for you?" answered with "No, not with the neighbours, I checked.":
    no wish of "nothing" is stored; the words go to the complaint and the question comes
    again, so the wish the customer states next is the one kept."""
    text = "No, not with the neighbours, I checked. No safe place either."
    current = tracker(text, "deny", sender_id="no-story")
    result = await ValidateResolutionForm().validate_desired_resolution(
        text, CollectingDispatcher(), current, {}
    )
    assert result == {"desired_resolution": None}
    with store.session_scope(database) as session:
        rows = store.list_complaints(session, sender_id="no-story")
        assert "neighbours" in str(rows[0].description)


async def test_contact_form_asks_once_more_then_lets_go() -> None:
    validator = ValidateContactForm()
    asked = {"event": "bot", "text": "?", "metadata": {"utter_action": "utter_ask_contact"}}
    first = tracker("tomorrow morning", "inform", bot_events=[asked])
    assert await validator.validate_contact("tomorrow", CollectingDispatcher(), first, {}) == {
        "contact": None
    }
    second = tracker("whenever", "inform", bot_events=[asked, asked])
    assert await validator.validate_contact("whenever", CollectingDispatcher(), second, {}) == {
        "contact": "-"
    }
    email = tracker(
        "ana@example.hr",
        "inform",
        entities=[{"entity": "email", "value": "ana@example.hr", "start": 0, "end": 14}],
    )
    assert await validator.validate_contact(
        "ana@example.hr", CollectingDispatcher(), email, {}
    ) == {"contact": "ana@example.hr"}


async def test_an_order_number_or_contact_given_to_another_question_is_kept_at_once(
    database: str,
) -> None:
    """Asked for a contact, the customer gives the order number ("porudžbina 88-1045"); asked
    what we can do, they give an e-mail: each goes on the complaint at once, while the question
    is asked again. Before, both waited for the form to end, and were lost when the customer
    left."""
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("stigle samo dve kutije od tri", "complain_delivery")
    )
    ticket = registered["complaint_ticket"]
    sender = stored(database, ticket)["sender_id"]
    asked = {"event": "bot", "text": "?", "metadata": {"utter_action": "utter_ask_contact"}}
    order = [{"entity": "order_ref", "value": "88-1045", "start": 11, "end": 18}]
    current = tracker(
        "porudzbina 88-1045",
        "inform",
        entities=order,
        sender_id=sender,
        slots={"complaint_ticket": ticket},
        bot_events=[asked],
    )
    result = await ValidateContactForm().validate_contact(
        "porudzbina 88-1045", CollectingDispatcher(), current, {}
    )
    assert result == {"contact": None}
    assert stored(database, ticket)["order_ref"] == "88-1045"
    email = [{"entity": "email", "value": "maria@example.com", "start": 0, "end": 17}]
    wish_asked = {
        "event": "bot",
        "text": "?",
        "metadata": {"utter_action": "utter_ask_desired_resolution"},
    }
    current = tracker(
        "maria@example.com",
        "inform",
        entities=email,
        sender_id=sender,
        slots={"complaint_ticket": ticket},
        bot_events=[wish_asked],
    )
    result = await ValidateResolutionForm().validate_desired_resolution(
        "maria@example.com", CollectingDispatcher(), current, {}
    )
    assert result == {"desired_resolution": None}
    assert stored(database, ticket)["contact"] == "maria@example.com"


@pytest.mark.parametrize(
    ("text", "intent", "response"),
    [
        ("get me a person, you're not even reading", "request_human", "utter_bring_colleague"),
        ("dajte mi čovjeka", "request_human", "utter_bring_colleague"),
        ("you useless pile of junk", "insult", "utter_escalate_anger"),
    ],
)
async def test_the_order_and_contact_questions_end_at_once_for_a_person(
    text: str, intent: str, response: str
) -> None:
    """Asked for an order number or a contact, the customer asks for a person (or abuses the
    bot): the form ends without nagging, the bot says a colleague is coming (or meets the
    abuse with respect), and the next step escalates. Before, the contact question was asked
    again and the request was lost."""
    current = tracker(text, intent)
    said_for_order, said_for_contact = CollectingDispatcher(), CollectingDispatcher()
    assert await ValidateOrderForm().validate_order_ref(text, said_for_order, current, {}) == {
        "order_ref": "-"
    }
    assert await ValidateContactForm().validate_contact(text, said_for_contact, current, {}) == {
        "contact": "-"
    }
    assert [m["response"] for m in said_for_order.messages] == [response]
    assert [m["response"] for m in said_for_contact.messages] == [response]


async def test_resolution_form_takes_the_customers_words() -> None:
    validator = ValidateResolutionForm()
    current = tracker("  a voucher would be nice\x00 ", "state_resolution")
    result = await validator.validate_desired_resolution(
        "  a voucher would be nice\x00 ", CollectingDispatcher(), current, {}
    )
    assert result == {"desired_resolution": "a voucher would be nice"}
    empty = await validator.validate_desired_resolution("   ", CollectingDispatcher(), current, {})
    assert empty == {"desired_resolution": None}


async def test_resolution_form_reads_each_answer_for_what_it_is(database: str) -> None:
    validator = ValidateResolutionForm()
    asked = {
        "event": "bot",
        "text": "?",
        "metadata": {"utter_action": "utter_ask_desired_resolution"},
    }

    async def answer(text: str, intent: str, **kwargs: Any) -> Any:
        current = tracker(text, intent, **kwargs)
        result = await validator.validate_desired_resolution(
            text, CollectingDispatcher(), current, {}
        )
        return result["desired_resolution"]

    # a person, at once: no wish is stored, a colleague is announced, the next step escalates
    assert await answer("I want to speak to a human", "request_human", bot_events=[asked]) == "-"
    dispatcher = CollectingDispatcher()
    await validator.validate_desired_resolution(
        "hoću čovjeka", dispatcher, tracker("hoću čovjeka", "request_human"), {}
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_bring_colleague"]
    assert await answer("hoću čovjeka", "request_human", bot_events=[asked]) == "-"
    # a contact or an order number is not the wish: asked again (the entity fills its own slot)
    email = [{"entity": "email", "value": "maria@example.com", "start": 0, "end": 17}]
    assert await answer("maria@example.com", "inform", entities=email, bot_events=[asked]) is None
    assert await answer("ORD-51207", "inform", bot_events=[asked]) is None
    # ...but a wish said with it is the wish
    assert await answer("a refund to maria@example.com", "inform", bot_events=[asked]) == (
        "a refund to maria@example.com"
    )
    # asked twice already: whatever comes is the answer
    assert await answer("ORD-51207", "inform", bot_events=[asked, asked]) == "ORD-51207"
    # more of the story is added to the complaint, and the question asked again
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("my parcel is late", "complain_delivery")
    )
    ticket = registered["complaint_ticket"]
    more = await answer(
        "and the courier was rude to my wife",
        "complain_service_quality",
        sender_id=stored(database, ticket)["sender_id"],
        slots={"complaint_ticket": ticket},
        bot_events=[asked],
    )
    assert more is None
    assert "rude to my wife" in stored(database, ticket)["description"]


async def test_form_question_is_not_repeated_right_after_the_rule_asked_it() -> None:
    asked = {"event": "bot", "text": "?", "metadata": {"utter_action": "utter_ask_contact"}}
    just_asked = tracker("ana@example.hr", "inform")
    just_asked.events.append(asked)
    dispatcher = CollectingDispatcher()
    await ActionAskContact().run(dispatcher, just_asked, DOMAIN)
    assert dispatcher.messages == []

    after_answer = tracker("hmm", "inform", bot_events=[asked])
    dispatcher = CollectingDispatcher()
    await ActionAskContact().run(dispatcher, after_answer, DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_contact"]


@pytest.mark.parametrize(
    ("action", "text", "intent", "ranking", "category"),
    [
        # a request for a person that names the matter: the classifier's complaint intent
        (
            ActionEscalate(),
            "put me through to a person, the heater has not warmed up once since Monday",
            "request_human",
            [("request_human", 0.6), ("complain_product_quality", 0.32)],
            "product_quality",
        ),
        # unsure classifier: the problem cues name it
        (
            ActionEscalate(),
            "dajte mi nekoga živog, paket još nije stigao",
            "request_human",
            [("request_human", 0.8), ("complain_delivery", 0.05)],
            "delivery",
        ),
        # abuse of the bot with no other matter: a complaint about the service
        (
            ActionEscalate(),
            "ти си најглупљи бот на свету",
            "insult",
            [("insult", 0.9), ("bot_challenge", 0.05)],
            "service_quality",
        ),
        # a chase that names the matter and finds nothing: recorded in the matter's category
        (
            ActionComplaintStatus(),
            "any news on my complaint about the dishwasher that leaks?",
            "ask_status",
            [("ask_status", 0.55), ("complain_product_quality", 0.3)],
            "product_quality",
        ),
        # a request for a person that names the bot names no matter
        (
            ActionEscalate(),
            "dajte mi čoveka da razgovaram, ne bota, ne znam to preko četa",
            "request_human",
            [("request_human", 0.95)],
            "other",
        ),
        # nothing named: other, never dropped
        (
            ActionEscalate(),
            "I want to talk to a human",
            "request_human",
            [("request_human", 0.97)],
            "other",
        ),
    ],
)
async def test_a_complaint_opened_by_an_escalation_or_a_chase_takes_the_named_matter(
    database: str,
    action: Any,
    text: str,
    intent: str,
    ranking: list[tuple[str, float]],
    category: str,
) -> None:
    slots, _ = await run(action, tracker(text, intent, confidence=ranking[0][1], ranking=ranking))
    ticket = slots.get("complaint_ticket") or slots.get("status_ticket")
    assert ticket, slots
    assert stored(database, ticket)["category"] == category


@pytest.mark.parametrize(
    ("text", "intent", "ranking", "note_outcome"),
    [
        # says what went wrong: thanked for and acknowledged before the colleague
        (
            "hoću da razgovaram sa osobom, veš mašina curi",
            "request_human",
            [("request_human", 0.9), ("complain_product_quality", 0.06)],
            "matter_named",
        ),
        ("this bot is useless, total junk", "insult", [("insult", 0.9)], "matter_named"),
        # ... and demands a remedy: the wish is recorded and confirmed, not asked for
        (
            "get me a real person, the kettle you sold me leaks, I want my money back",
            "request_human",
            [("request_human", 0.9), ("complain_product_quality", 0.06)],
            "matter_named_wish",
        ),
        # names nothing that went wrong: the colleague at once
        (
            "can I speak to an actual person please",
            "request_human",
            [("request_human", 0.97)],
            None,
        ),
        ("I don't want to talk to a machine", "request_human", [("request_human", 0.9)], None),
        ("you are all idiots", "insult", [("insult", 0.9)], None),
    ],
)
async def test_an_escalation_that_says_what_went_wrong_gets_the_whole_script(
    database: str,
    text: str,
    intent: str,
    ranking: list[tuple[str, float]],
    note_outcome: str | None,
) -> None:
    slots, dispatcher = await run(
        ActionEscalate(), tracker(text, intent, confidence=ranking[0][1], ranking=ranking)
    )
    said = [message["response"] for message in dispatcher.messages]
    assert slots["note_outcome"] == note_outcome
    assert ("problem" in slots) == (note_outcome is not None)
    wish = stored(database, slots["complaint_ticket"])["desired_resolution"]
    if note_outcome is None:
        assert said == list(script.escalation(intent, matter_named=False))
    else:
        assert said[:2] == ["utter_thank_for_complaint", "utter_acknowledge"]
        expected_last = {
            "matter_named": "utter_ask_desired_resolution",
            "matter_named_wish": "utter_confirm_desired_resolution",
        }[note_outcome]
        assert said[-1] == expected_last
        assert (wish == "refund") == (note_outcome == "matter_named_wish")
        assert slots["resolution_kind"] == wish


async def test_an_escalation_inside_a_complaint_is_not_thanked_for_again(database: str) -> None:
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("my parcel never came", "complain_delivery")
    )
    ticket = registered["complaint_ticket"]
    current = tracker(
        "I want a person, the parcel still has not come",
        "request_human",
        sender_id=stored(database, ticket)["sender_id"],
        slots={"complaint_ticket": ticket},
        ranking=[("request_human", 0.8), ("complain_delivery", 0.15)],
    )
    slots, _ = await run(ActionEscalate(), current)
    assert slots["note_outcome"] is None and slots["complaint_ticket"] == ticket


@pytest.mark.parametrize(
    ("earlier", "bot_events", "first"),
    [
        ((), [], True),
        (("Dobar dan",), [], False),
        ((), [{"event": "slot", "name": "language", "value": "hr"}], False),
        (("stara poruka",), [{"event": "session_started"}], True),
    ],
)
def test_first_message_of_the_session(
    earlier: tuple[str, ...], bot_events: list[dict[str, Any]], first: bool
) -> None:
    current = tracker("bok", "greet", earlier=earlier, bot_events=bot_events)
    assert first_message(current) is first


async def test_a_weak_detection_later_in_the_session_keeps_the_language() -> None:
    current = tracker(
        "jesi ti bot?",
        "bot_challenge",
        slots={"language": "sr"},
        earlier=("Čekam paket već dve nedelje",),
        language={"code": "hr", "script": "latin", "confidence": 0.3},
    )
    events = await ValidateSlotMappings().run(
        CollectingDispatcher(),
        current,
        {"slots": {"language": {"type": "categorical", "mappings": [{"type": "custom"}]}}},
    )
    assert not [e for e in events if e.get("name") == "language"]
