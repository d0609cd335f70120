"""Actions of the complaint flow: register, decide the next step, escalate, hand off."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    DomainDict,
    TurnAction,
    customer_transcript,
    in_thread,
    message_time,
    origin_key,
    say,
    settings,
)
from bot import handoff, policy
from bot.dialogue import script, service
from bot.dialogue.deadlines import format_deadline
from bot.dialogue.decision import decide, wish_opens_complaint
from bot.dialogue.matter import UNNAMED_MATTER
from bot.dialogue.service import ComplaintView
from bot.dialogue.turn import Turn
from bot.settings import Settings
from bot.text.problems import detect_problem
from bot.text.vague import says_nothing_yet

#: note_outcome values (domain.yml, data/rules.yml): what action_note_details did.
NOTE_OPENED = "opened"
#: A complaint registered without a wish: the bot asks "what can we do for you?".
NOTE_REGISTERED = "registered"
NOTE_ADDED = "added"
NOTE_NO_COMPLAINT = "no_complaint"
#: A request for a person or abuse that also said what went wrong, as the first complaint of
#: the conversation: thanked for and acknowledged, the colleague announced, then "what can we
#: do for you?" (the resolution form follows, then the hand-over).
NOTE_MATTER_NAMED = "matter_named"
#: The same, when the message also demanded a remedy: the wish is confirmed instead.
NOTE_MATTER_NAMED_WISH = "matter_named_wish"


def complaint_slots(view: ComplaintView, turn: Turn) -> list[EventType]:
    """The slots every response about a complaint may use."""
    return [
        SlotSet("complaint_ticket", view.ticket),
        SlotSet("category", view.category),
        SlotSet("resolution_kind", view.desired_resolution),
        SlotSet("escalation_reasons", list(view.reasons)),
        SlotSet(
            "due_text",
            format_deadline(view.due_at, turn.language, turn.script, settings().timezone),
        ),
    ]


async def escalate(
    turn: Turn, config: Settings, reasons: tuple[str, ...], tracker: Tracker
) -> ComplaintView:
    """The conversation's complaint (opened if need be) escalated for ``reasons``."""
    return await in_thread(
        service.escalate, turn, config, reasons, customer_transcript(tracker), origin_key(tracker)
    )


async def record_demanded_wish(
    turn: Turn, view: ComplaintView, config: Settings
) -> ComplaintView | None:
    """The complaint with the remedy the message frames as a wish ("refund me, it leaks")
    recorded; ``None`` when the message demands none (a remedy its story names, "the repair
    didn't help", is no wish)."""
    if policy.demanded_resolution(turn.text) is None:
        return None
    current = Turn(**{**turn.__dict__, "ticket": view.ticket})
    recorded = await in_thread(
        service.record_answers, current, config, desired_resolution_text=turn.text
    )
    return recorded or view


class ActionRegisterComplaint(TurnAction):
    """Logs the complaint the customer just described, then thanks, acknowledges and asks
    "what can we do for you?" (or confirms the wish the message already demanded).

    A new complaint resets the answers of an earlier one in the same conversation, so the
    bot asks "what can we do for you?" again.
    """

    action_name = "action_register_complaint"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        continuing = tracker.get_slot("complaint_step") in (None, "ask_order_ref", "ask_contact")
        if not continuing:
            turn = Turn(**{**turn.__dict__, "ticket": None})
        # a remedy the message demands is the wish of a new complaint, or of one without a
        # wish yet: stored in the same transaction
        demanded = policy.demanded_resolution(turn.text) is not None
        view, wished = await in_thread(
            service.register_with_wish,
            turn,
            config,
            origin_key(tracker),
            turn.text if demanded else None,
            always=not continuing,
        )
        outcome = NOTE_OPENED if wished else NOTE_REGISTERED
        say(dispatcher, script.opening(outcome))
        return [
            *complaint_slots(view, turn),
            problem_slot(view.category, turn.text, customer_transcript(tracker)),
            SlotSet("desired_resolution", None),
            SlotSet("complaint_step", None),
            SlotSet("note_outcome", outcome),
        ]


def problem_slot(category: str, text: str, transcript: str) -> EventType:
    """``problem``: what went wrong within the category, from this message, else from the
    whole conversation; ``general`` when no cue names one (see bot/text/data/problems.yml)."""
    problem = detect_problem(text, category)
    if problem == "general":
        problem = detect_problem(transcript, category)
    return SlotSet("problem", problem)


class ActionComplaintNextStep(TurnAction):
    """Stores the answers so far, re-assesses escalation, sets ``complaint_step`` and says it:
    the next question, the ticket confirmation, or the hand-over.

    The rules in data/rules.yml then start the question's form or the hand-over.
    """

    action_name = "action_complaint_next_step"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        answers = service.Answers(
            desired_resolution_text=tracker.get_slot("desired_resolution"),
            order_ref=tracker.get_slot("order_ref"),
            contact=tracker.get_slot("contact"),
        )
        decided = await in_thread(
            service.next_step,
            turn,
            config,
            answers,
            customer_transcript(tracker),
            origin_key(tracker),
        )
        if decided.receipt is not None:
            # Where the law asks for it (rs), the register number and the law's deadlines come
            # with the ticket, once per complaint.
            dispatcher.utter_message(text=decided.receipt)
        say(dispatcher, script.next_step(decided.step))
        return [*complaint_slots(decided.view, turn), SlotSet("complaint_step", decided.step)]


class ActionEscalate(TurnAction):
    """The customer asked for a person or became abusive: record why, from the message.

    When the message also says what went wrong and opens the conversation's complaint, the
    script still runs around the announcement: thanked for and acknowledged, then asked "what
    can we do for you?" (or the wish the message demanded is recorded and confirmed), so the
    colleague knows what is wanted.
    """

    action_name = "action_escalate"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        asked = turn.intent == "request_human"
        reason = "human_request" if asked else "anger"
        # the agent also learns what else the message shows: a complaint made before, a
        # demand for money, a legal step
        reasons = tuple(dict.fromkeys((reason, *service.urgent_reasons(turn, config))))
        view = await escalate(turn, config, reasons, tracker)
        first_words = tracker.get_slot("complaint_ticket") is None
        # the complaint just opened took the category of the matter the customer named
        # (bot.dialogue.matter); "other" means they named none
        matter_named = first_words and view.category != UNNAMED_MATTER
        with_wish = await record_demanded_wish(turn, view, config) if matter_named else None
        wish_given = with_wish is not None
        view = with_wish or view
        intent = "request_human" if asked else "insult"
        say(dispatcher, script.escalation(intent, matter_named, wish_given))
        if matter_named:
            return [
                *complaint_slots(view, turn),
                problem_slot(view.category, turn.text, customer_transcript(tracker)),
                SlotSet("desired_resolution", None),
                SlotSet(
                    "note_outcome", NOTE_MATTER_NAMED_WISH if wish_given else NOTE_MATTER_NAMED
                ),
            ]
        return [*complaint_slots(view, turn), SlotSet("note_outcome", None)]


class ActionNotUnderstood(TurnAction):
    """Counts misunderstandings in a row; the configured number of them escalates.

    A misunderstood message that still shows a reason for a person (a legal threat, a health
    hazard, anger) escalates at once.
    """

    action_name = "action_not_understood"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        failed = int(tracker.get_slot("failed_understandings") or 0) + 1
        reasons = service.urgent_reasons(turn, config)
        if failed >= config.escalation.max_failed_understandings:
            reasons = (*reasons, "not_understood")
        announced = says_nothing_yet(turn.text)
        say(dispatcher, script.not_understood(escalate=bool(reasons), announced=announced))
        if not reasons:
            return [SlotSet("failed_understandings", failed), SlotSet("complaint_step", None)]
        view = await escalate(turn, config, reasons, tracker)
        return [
            *complaint_slots(view, turn),
            SlotSet("failed_understandings", 0),
            SlotSet("complaint_step", "escalate"),
        ]


class ActionHandOff(Action):
    """Hands the conversation to the agents: recorded in the database, the bot paused.

    From here on the socket.io channel routes the customer's messages to the agent console
    (see bot.handoff), so the bot cannot talk over an agent even if Rasa un-pauses.
    """

    def name(self) -> str:
        return "action_hand_off"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        await in_thread(
            handoff.record_handoff_request,
            tracker.sender_id,
            settings().database_url,
            origin=origin_key(tracker),
            asked_at=message_time(tracker),
        )
        return [ConversationPaused()]


class ActionNoteDetails(TurnAction):
    """Adds an order number, contact or wish given outside a question to the complaint.

    Without a complaint in this conversation, a wish ("refund me now", "pošaljite mi novi")
    or details that name a problem open one (bot/dialogue/decision.py) and the wish is
    recorded; ``note_outcome`` tells the rules what happened, so the bot never says it added
    something to a complaint that does not exist.
    """

    action_name = "action_note_details"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        resolution = turn.text if turn.intent == "state_resolution" else None
        answers = {
            "desired_resolution_text": resolution,
            "order_ref": turn.entities.get("order_ref"),
            "contact": turn.entities.get("email") or turn.entities.get("phone"),
        }
        view = await in_thread(service.record_answers, turn, config, **answers)
        if view is not None:
            say(dispatcher, script.opening(NOTE_ADDED))
            return [*complaint_slots(view, turn), SlotSet("note_outcome", NOTE_ADDED)]
        decision = decide(
            turn.text,
            turn.intent,
            turn.intent_ranking,
            config.category_slugs,
            demand_is_complaint=wish_opens_complaint(
                turn.text, turn.intent, turn.intent_confidence
            ),
        )
        if not decision.is_complaint:
            say(dispatcher, script.opening(NOTE_NO_COMPLAINT))
            return [SlotSet("note_outcome", NOTE_NO_COMPLAINT)]
        opening = Turn(**{**turn.__dict__, "ticket": None, "category": decision.category})
        view = await in_thread(service.register_complaint, opening, config, origin_key(tracker))
        opened = Turn(**{**opening.__dict__, "ticket": view.ticket})
        view = await in_thread(service.record_answers, opened, config, **answers) or view
        # a wish stated ("refund me now") is confirmed; details alone get "what can we do?"
        outcome = NOTE_OPENED if resolution is not None else NOTE_REGISTERED
        say(dispatcher, script.opening(outcome))
        return [
            *complaint_slots(view, opened),
            problem_slot(view.category, turn.text, customer_transcript(tracker)),
            SlotSet("desired_resolution", None),
            SlotSet("complaint_step", None),
            SlotSet("note_outcome", outcome),
        ]
