"""The wish stored on the complaint over a whole conversation (``service.record_answers``): the
answer to "what can we do for you?", and a concrete remedy stated later that makes a vague
answer clear or changes the wish; on a real SQLite store."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot import store
from bot.dialogue import service
from bot.dialogue.service import NOT_GIVEN
from bot.dialogue.turn import Turn
from bot.settings import Settings


@pytest.fixture
def settings(sqlite_settings: Settings) -> Settings:
    return sqlite_settings


@dataclass(frozen=True)
class Step:
    """One customer message after the complaint: its intent and the wish slot's value then
    (the answer the resolution form took, kept by the tracker on later turns)."""

    text: str
    intent: str
    answer: str | None


@dataclass(frozen=True)
class Case:
    name: str
    opening: str
    category: str
    steps: tuple[Step, ...]
    expected: str | None
    expected_text: str | None


def _name(case: Case) -> str:
    return case.name


def answered(text: str, intent: str = "state_resolution") -> Step:
    """The answer to "what can we do for you?"."""
    return Step(text, intent, text)


def later(text: str, first_answer: str, intent: str = "inform") -> Step:
    """A later message, answering another question; the wish slot still holds the first
    answer."""
    return Step(text, intent, first_answer)


VAGUE_EN = "I'd like to know where it is, to start with."
VAGUE_HR = "Ne znam kojeg susjeda, u aplikaciji samo piše 'predano susjedu'."
REPLACE_HR = "Htio bih da ga zamijenite."
REPAIR_EN = "A repair would be fine I suppose."
REPLACE_BS = "Zamjena bi bila dobra."
REPLACE_SR = "Замену, молим."
PERSON_EN = "An apology would be nice. But I'd prefer to talk this through with a person."
PERSON_SR = "Htela bih izvinjenje. I radije bih to rešila sa osobom, ne sa programom."

CASES = [
    # a vague first answer made clear later
    Case(
        "en-vague-then-money-back",
        "My order was supposed to arrive on Monday, it's Thursday now.",
        "delivery",
        (
            answered(VAGUE_EN),
            later("Tracking hasn't moved since Sunday.", VAGUE_EN, "complain_delivery"),
            later("Forget it. Cancel it and give me my money back.", VAGUE_EN),
        ),
        "refund",
        "Forget it. Cancel it and give me my money back.",
    ),
    Case(
        "hr-dont-know-which-neighbour-then-money",
        "Paket je ostavljen kod susjeda, a ja nemam susjeda.",
        "delivery",
        (
            answered(VAGUE_HR, "complain_delivery"),
            later("Narudžba 72650.", VAGUE_HR),
            later("Vratite novce i zbogom.", VAGUE_HR),
        ),
        "refund",
        "Vratite novce i zbogom.",
    ),
    # the wish changed
    Case(
        "hr-replacement-then-money-back",
        "Stigao mi je kauč sa slomljenom nogom.",
        "delivery",
        (
            answered(REPLACE_HR),
            later("Ako ne može brže, vratite mi lovu pa kupujem drugdje.", REPLACE_HR),
        ),
        "refund",
        "Ako ne može brže, vratite mi lovu pa kupujem drugdje.",
    ),
    # look-alikes: more of the story, an order number, thanks keep the wish
    Case(
        "en-repair-kept-through-the-story",
        "The hoover I bought 5 weeks ago has stopped working.",
        "product_quality",
        (
            answered(REPAIR_EN),
            later("Hang on, I have to pay the postage myself?", REPAIR_EN, "complain_other"),
            later("Order 88410.", REPAIR_EN),
            later("Thanks, that's all.", REPAIR_EN, "thank_you"),
        ),
        "repair",
        REPAIR_EN,
    ),
    Case(
        "bs-replacement-kept-through-anger",
        "Kupila sam kožnu torbu prije mjesec dana, koža se već guli.",
        "product_quality",
        (
            answered(REPLACE_BS),
            later("Kako mislite da je to normalno habanje? Ovo je prevara.", REPLACE_BS),
            later("Ništa više, hvala.", REPLACE_BS, "thank_you"),
        ),
        "replacement",
        REPLACE_BS,
    ),
    Case(
        "sr-cyrl-replacement-kept-after-thanks",
        "Шерпа је стигла са напрслим поклопцем.",
        "delivery",
        (answered(REPLACE_SR), later("Хвала, то је све.", REPLACE_SR, "thank_you")),
        "replacement",
        REPLACE_SR,
    ),
    Case(
        "en-refund-arrived-is-no-new-wish",
        "The kettle leaks from the bottom.",
        "product_quality",
        (
            answered(REPAIR_EN),
            later("Oh and the refund for the old one landed today, thanks.", REPAIR_EN),
        ),
        "repair",
        REPAIR_EN,
    ),
    # the answer asked for a person: no wish taken from the form, but the one it names is kept
    Case(
        "en-apology-beside-a-request-for-a-person",
        "The security guard searched my bag in front of everyone.",
        "service_quality",
        (Step(PERSON_EN, "request_human", NOT_GIVEN),),
        "apology",
        PERSON_EN,
    ),
    Case(
        "sr-apology-beside-a-request-for-a-person",
        "Kasirka je vikala na moju majku pred svima.",
        "service_quality",
        (Step(PERSON_SR, "request_human", NOT_GIVEN),),
        "apology",
        PERSON_SR,
    ),
    Case(
        "hr-person-only-no-wish",
        "Kasirka je vikala na moju majku pred svima.",
        "service_quality",
        (Step("Dajte mi čovjeka.", "request_human", NOT_GIVEN),),
        None,
        None,
    ),
]


def _complaint(settings: Settings, ticket: str) -> store.Complaint:
    with store.read_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        session.expunge(complaint)
        return complaint


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_the_wish_over_a_conversation(settings: Settings, case: Case) -> None:
    sender = f"wish-{case.name}"
    view = service.register_complaint(
        Turn(sender_id=sender, text=case.opening, intent=f"complain_{case.category}"),
        settings,
    )
    for step in case.steps:
        service.record_answers(
            Turn(sender_id=sender, text=step.text, intent=step.intent, ticket=view.ticket),
            settings,
            desired_resolution_text=step.answer,
        )
    complaint = _complaint(settings, view.ticket)
    assert complaint.desired_resolution == case.expected
    assert complaint.desired_resolution_text == case.expected_text


def test_money_back_stated_later_escalates_for_money(settings: Settings) -> None:
    sender = "wish-money-later"
    view = service.register_complaint(
        Turn(sender_id=sender, text="The box came crushed.", intent="complain_delivery"),
        settings,
    )
    for text, answer in ((VAGUE_EN, VAGUE_EN), ("Just refund it, I'm done.", VAGUE_EN)):
        service.record_answers(
            Turn(sender_id=sender, text=text, intent="inform", ticket=view.ticket),
            settings,
            desired_resolution_text=answer,
        )
    complaint = _complaint(settings, view.ticket)
    assert complaint.desired_resolution == "refund"
    assert "money" in complaint.escalation_reasons
