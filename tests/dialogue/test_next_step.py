"""choose_next_step: which question comes next, or how the complaint ends."""

from datetime import datetime, timezone

import pytest

from bot.dialogue.service import (
    NOT_GIVEN,
    STEP_ASK_CONTACT,
    STEP_ASK_ORDER_REF,
    STEP_HAND_OFF,
    STEP_LOGGED,
    STEP_LOGGED_NO_CONTACT,
    STEP_QUEUED,
    STEP_QUEUED_NO_CONTACT,
    ComplaintView,
    choose_next_step,
)
from bot.settings import load_settings

SETTINGS = load_settings(environ={})


def view(
    category: str = "delivery",
    escalated: bool = False,
    order_ref: str | None = None,
    contact: str | None = None,
) -> ComplaintView:
    return ComplaintView(
        ticket="C-4KX9TR",
        category=category,
        escalated=escalated,
        reasons=("safety",) if escalated else (),
        due_at=datetime(2026, 11, 23, tzinfo=timezone.utc),
        order_ref=order_ref,
        contact=contact,
        desired_resolution="replacement",
        status="escalated" if escalated else "open",
    )


@pytest.mark.parametrize(
    ("complaint", "order_slot", "contact_slot", "live_agent", "expected"),
    [
        # calm complaints: order number where the category needs one, then a contact
        (view("delivery"), None, None, False, STEP_ASK_ORDER_REF),
        (view("delivery"), "ORD-48213", None, False, STEP_ASK_CONTACT),
        (view("delivery"), NOT_GIVEN, None, False, STEP_ASK_CONTACT),
        (view("delivery", order_ref="ORD-1"), None, None, False, STEP_ASK_CONTACT),
        (view("service_quality"), None, None, False, STEP_ASK_CONTACT),
        (view("delivery"), "ORD-48213", "ana@example.hr", False, STEP_LOGGED),
        (view("delivery"), "ORD-48213", NOT_GIVEN, False, STEP_LOGGED_NO_CONTACT),
        (view("technical", contact="+385911234567"), None, None, False, STEP_LOGGED),
        # escalated: live agent takes over at once; otherwise a contact, then the queue
        (view("safety", escalated=True), None, None, True, STEP_HAND_OFF),
        (view("safety", escalated=True), None, None, False, STEP_ASK_CONTACT),
        (view("safety", escalated=True), None, "ana@example.hr", False, STEP_QUEUED),
        (view("safety", escalated=True), None, NOT_GIVEN, False, STEP_QUEUED_NO_CONTACT),
        (view("billing", escalated=True, contact="a@b.hr"), None, None, False, STEP_QUEUED),
    ],
)
def test_next_step(
    complaint: ComplaintView,
    order_slot: str | None,
    contact_slot: str | None,
    live_agent: bool,
    expected: str,
) -> None:
    step = choose_next_step(
        complaint, SETTINGS, order_ref=order_slot, contact=contact_slot, live_agent=live_agent
    )
    assert step == expected
