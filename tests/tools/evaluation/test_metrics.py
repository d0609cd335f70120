"""The end-to-end evaluation's figures on small hand-made outcomes."""

from __future__ import annotations

import pytest

from tools.evaluation.metrics import (
    Outcome,
    Row,
    category_accuracy,
    complaint_logged,
    contact_captured,
    escalation_prf,
    group_score,
    handoff_rows,
    non_complaints_logged,
    order_ref_captured,
    rate,
    reason_prf,
    same_contact,
    same_order_ref,
    script_followed,
    wish_accuracy,
)
from tools.evaluation.responses import Catalogue, Step, variants_of
from tools.evaluation.sets import CONVERSATION, MESSAGE, Item


def item(
    ident: str,
    complaint: bool,
    category: str | None = None,
    reasons: tuple[str, ...] = (),
    kind: str = MESSAGE,
    **labels: str,
) -> Item:
    return Item(
        id=ident,
        group="hr",
        kind=kind,
        turns=("tekst",),
        complaint=complaint,
        category=category,
        reasons=frozenset(reasons),
        **labels,  # type: ignore[arg-type]
    )


def row(category: str = "delivery", reasons: tuple[str, ...] = (), **fields: str) -> Row:
    return Row(category, bool(reasons), frozenset(reasons), **fields)  # type: ignore[arg-type]


OUTCOMES = [
    # complaints: logged right, logged wrong, lost
    Outcome(item("a", True, "delivery", ("money",)), (), row("delivery", ("money",))),
    Outcome(item("b", True, "billing", ("money", "legal")), (), row("delivery", ("legal",))),
    Outcome(item("c", True, "safety", ("safety",)), (), None),
    # non-complaints: one wrongly logged and escalated, one left alone
    Outcome(item("d", False), (), row("other", ("anger",))),
    Outcome(item("e", False), (), None),
    # a person asked for, no problem named: a hand-off row is expected, not counted as logged
    Outcome(item("f", False, reasons=("human_request",)), (), row("other", ("human_request",))),
]


def test_logged_shares_keep_hand_offs_apart() -> None:
    assert complaint_logged(OUTCOMES) == pytest.approx(2 / 3)
    assert non_complaints_logged(OUTCOMES) == pytest.approx(1 / 2)
    assert handoff_rows(OUTCOMES) == (1, 1)


def test_category_accuracy_counts_a_missing_row_as_wrong() -> None:
    assert category_accuracy(OUTCOMES) == pytest.approx(1 / 3)
    assert category_accuracy(OUTCOMES[3:]) is None


def test_escalation_counts_customers_and_a_missing_row_escalates_nothing() -> None:
    decision = escalation_prf(OUTCOMES)
    # a, b, f escalated as they should; c lost (a miss); d escalated for nothing.
    assert (decision.true_positives, decision.false_positives, decision.false_negatives) == (
        3,
        1,
        1,
    )
    assert decision.precision == pytest.approx(3 / 4)
    assert decision.recall == pytest.approx(3 / 4)


def test_reason_figures_count_customer_reason_pairs() -> None:
    money = reason_prf(OUTCOMES, "money")
    assert (money.true_positives, money.false_positives, money.false_negatives) == (1, 0, 1)
    legal = reason_prf(OUTCOMES, "legal")
    assert (legal.precision, legal.recall) == (1.0, 1.0)
    anger = reason_prf(OUTCOMES, "anger")
    assert anger.precision == 0.0 and anger.recall is None
    assert reason_prf(OUTCOMES, "repeat").precision is None


def test_wish_contact_and_order_number_only_where_labelled() -> None:
    outcomes = [
        Outcome(
            item("g", True, "billing", kind=CONVERSATION, wish="refund", contact="Ana.K@gmail.com"),
            (),
            row("billing", desired_resolution="refund", contact="ana.k@gmail.com"),
        ),
        Outcome(
            item("h", True, "delivery", kind=CONVERSATION, wish="repair", order_ref="48213"),
            (),
            row("delivery", desired_resolution="other", order_ref="ORD-48213"),
        ),
        Outcome(item("i", True, "delivery", kind=CONVERSATION, contact="091 555 1234"), (), None),
    ]
    assert wish_accuracy(outcomes) == pytest.approx(1 / 2)
    assert contact_captured(outcomes) == pytest.approx(1 / 2)
    assert order_ref_captured(outcomes) == 1.0
    assert wish_accuracy(OUTCOMES) is None


@pytest.mark.parametrize(
    ("label", "stored", "same"),
    [
        ("091 555 1234", "0915551234", True),
        ("091-555-1234", "091 555 1234", True),
        ("ana@x.hr", "ana@y.hr", False),
        ("ana@x.hr", None, False),
    ],
)
def test_contacts_compare_without_spacing(label: str, stored: str | None, same: bool) -> None:
    assert same_contact(label, stored) is same


@pytest.mark.parametrize(
    ("label", "stored", "same"),
    [
        ("48213", "ORD-48213", True),
        ("ORD-48213", "48213", True),
        ("#48213", "48213", True),
        ("48213", "48214", False),
        ("48213", "13", False),
        ("48213", None, False),
    ],
)
def test_order_numbers_compare_by_letters_and_digits(
    label: str, stored: str | None, same: bool
) -> None:
    assert same_order_ref(label, stored) is same


def test_rate_of_nothing_is_none() -> None:
    assert rate([]) is None
    assert rate([True, False, True, True]) == pytest.approx(0.75)


def test_group_score_gathers_every_figure() -> None:
    catalogue = Catalogue([], [])
    score = group_score("project", "hr", OUTCOMES, catalogue, ["money", "legal"])
    assert (score.messages, score.conversations) == (6, 0)
    assert score.complaint_logged == pytest.approx(2 / 3)
    assert [r.reason for r in score.reasons] == ["money", "legal"]
    assert score.reasons[0].support == 2
    # No replies at all: nobody was answered in their language.
    assert score.in_language == 0.0


def test_a_money_demand_may_be_confirmed_instead_of_asked() -> None:
    """Asking for money back is a demand (docs/categories.md), labelled wish or not: the bot
    confirms it instead of asking "what can we do for you?", and that follows the script."""
    ask = ("utter_ask_desired_resolution",)
    catalogue = Catalogue(
        variants_of(
            {
                "utter_thank_for_complaint": [{"text": "Thanks."}],
                "utter_acknowledge": [{"text": "Sorry."}],
                "utter_ask_desired_resolution": [{"text": "What can we do?"}],
                "utter_confirm_desired_resolution": [{"text": "A {desired_resolution} it is."}],
            }
        ),
        (
            Step("thank", ("utter_thank_for_complaint",)),
            Step("acknowledge", ("utter_acknowledge*",)),
            Step("ask", ask, ("utter_confirm_desired_resolution*",)),
        ),
    )
    confirmed = ("Thanks.", "Sorry.", "A refund it is.")

    def told(reasons: tuple[str, ...], **labels: str) -> Outcome:
        labelled = Item("x", "en", MESSAGE, ("t",), True, "billing", None, frozenset(reasons))
        if labels:
            labelled = Item("x", "en", MESSAGE, ("t",), True, "billing", wish=labels["wish"])
        return Outcome(labelled, (confirmed,), row("billing"))

    assert script_followed([told(("money",))], catalogue) == 1.0
    assert script_followed([told((), wish="refund")], catalogue) == 1.0
    assert script_followed([told(("legal",))], catalogue) == 0.0
