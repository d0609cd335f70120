"""The figures of the end-to-end evaluation, as plain functions of labelled items and outcomes.

No Rasa and no servers here: :mod:`tools.evaluation.run` turns a running bot into
:class:`Outcome` values, and the unit tests feed hand-made ones.

Rules (also in the report):

* **logged**: the customer's sender id has at least one complaint row. With several rows, the
  first one gives the category, the wish, the contact and the order number; escalation
  reasons are the union over the rows.
* **escalated**: a row exists and is escalated or carries reasons. No row: nothing escalated.
* **escalation precision/recall** count customers (escalated or not, against whether the label
  has reasons); **per reason** they count (customer, reason) pairs.
* **non-complaints logged** counts ``complaint: false`` items whose label has no reasons. A
  non-complaint that asks for a person (``reasons: [human_request]``) may get a hand-off row:
  those are counted on their own, not as wrongly logged.
* **contact / order number captured**: compared without case, spaces and ``-()./``; an order
  number also counts when one contains the other (``48213`` in ``ORD-48213``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tools.evaluation.responses import Catalogue
from tools.evaluation.sets import CONVERSATION, MESSAGE, Item


@dataclass(frozen=True)
class Row:
    """What the store holds for one customer (see the module's rules for several rows)."""

    category: str
    escalated: bool
    escalation_reasons: frozenset[str]
    desired_resolution: str | None = None
    contact: str | None = None
    order_ref: str | None = None
    rows: int = 1


@dataclass(frozen=True)
class Outcome:
    """One item replayed against one model: the replies to each turn, and the row."""

    item: Item
    replies: tuple[tuple[str, ...], ...]
    row: Row | None
    errors: tuple[str, ...] = ()

    @property
    def all_replies(self) -> list[str]:
        return [text for turn in self.replies for text in turn]

    @property
    def escalated(self) -> bool:
        return self.row is not None and (self.row.escalated or bool(self.row.escalation_reasons))

    @property
    def reasons(self) -> frozenset[str]:
        return self.row.escalation_reasons if self.row else frozenset()


@dataclass(frozen=True)
class PRF:
    """Precision and recall with the counts behind them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else None

    @property
    def recall(self) -> float | None:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else None


def rate(hits: Iterable[bool]) -> float | None:
    """Share of true values; None when there is nothing to count."""
    values = list(hits)
    return sum(values) / len(values) if values else None


def escalation_prf(outcomes: Iterable[Outcome]) -> PRF:
    """Customers who should reach a person (label has reasons) against those who did."""
    tp = fp = fn = 0
    for outcome in outcomes:
        wanted, got = bool(outcome.item.reasons), outcome.escalated
        tp += wanted and got
        fp += got and not wanted
        fn += wanted and not got
    return PRF(tp, fp, fn)


def reason_prf(outcomes: Iterable[Outcome], reason: str) -> PRF:
    """One escalation reason: expected in the label against present on the row."""
    tp = fp = fn = 0
    for outcome in outcomes:
        wanted, got = reason in outcome.item.reasons, reason in outcome.reasons
        tp += wanted and got
        fp += got and not wanted
        fn += wanted and not got
    return PRF(tp, fp, fn)


_CONTACT_NOISE = re.compile(r"[\s\-().\/]")
_NOT_ALNUM = re.compile(r"[\W_]")


def same_contact(label: str, stored: str | None) -> bool:
    if not stored:
        return False
    return _CONTACT_NOISE.sub("", label.lower()) == _CONTACT_NOISE.sub("", stored.lower())


def same_order_ref(label: str, stored: str | None) -> bool:
    if not stored:
        return False
    want, got = _NOT_ALNUM.sub("", label.lower()), _NOT_ALNUM.sub("", stored.lower())
    return bool(want) and (want == got or want in got or (len(got) >= 4 and got in want))


def complaint_logged(outcomes: Sequence[Outcome]) -> float | None:
    return rate(o.row is not None for o in outcomes if o.item.complaint)


def non_complaints_logged(outcomes: Sequence[Outcome]) -> float | None:
    return rate(o.row is not None for o in outcomes if not o.item.complaint and not o.item.reasons)


def handoff_rows(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(rows, items) among non-complaints whose label asks for a person."""
    asking = [o for o in outcomes if not o.item.complaint and o.item.reasons]
    return sum(o.row is not None for o in asking), len(asking)


def category_accuracy(outcomes: Sequence[Outcome]) -> float | None:
    """Complaints whose (first) row has the labelled category; no row is wrong. Complaints
    labelled without a category (dev-set demands and chases) are not counted."""
    return rate(
        o.row is not None and o.row.category == o.item.category
        for o in outcomes
        if o.item.complaint and o.item.category is not None
    )


def script_followed(
    outcomes: Sequence[Outcome], catalogue: Catalogue, family: bool = False
) -> float | None:
    """Complaint first messages whose replies follow the script in the customer's language
    (with ``family``: a language of its family) and script."""
    return rate(
        catalogue.script_followed(
            o.all_replies,
            o.item.language,
            o.item.script,
            wish_given=o.item.demands_remedy,
            family=family,
        )
        for o in outcomes
        if o.item.complaint and o.item.kind == MESSAGE
    )


def in_language(
    outcomes: Sequence[Outcome], catalogue: Catalogue, family: bool = False
) -> float | None:
    """Items whose every reply is a response variant of the customer's language (with
    ``family``: of its language family) and script."""
    return rate(
        catalogue.in_language(o.all_replies, o.item.language, o.item.script, family)
        for o in outcomes
    )


def wish_accuracy(outcomes: Sequence[Outcome]) -> float | None:
    return rate(
        o.row is not None and o.row.desired_resolution == o.item.wish
        for o in outcomes
        if o.item.wish is not None
    )


def contact_captured(outcomes: Sequence[Outcome]) -> float | None:
    return rate(
        o.row is not None and same_contact(o.item.contact, o.row.contact)
        for o in outcomes
        if o.item.contact is not None
    )


def order_ref_captured(outcomes: Sequence[Outcome]) -> float | None:
    return rate(
        o.row is not None and same_order_ref(o.item.order_ref, o.row.order_ref)
        for o in outcomes
        if o.item.order_ref is not None
    )


@dataclass(frozen=True)
class ReasonScore:
    reason: str
    precision: float | None
    recall: float | None
    support: int


@dataclass(frozen=True)
class GroupScore:
    """Every figure of one model on one language group (or ``all``)."""

    model: str
    group: str
    messages: int
    conversations: int
    complaint_logged: float | None
    non_complaints_logged: float | None
    handoff_rows: int
    handoff_asked: int
    category_accuracy: float | None
    escalation_precision: float | None
    escalation_recall: float | None
    reasons: list[ReasonScore] = field(default_factory=list)
    script_followed: float | None = None
    script_followed_family: float | None = None
    in_language: float | None = None
    in_language_family: float | None = None
    wish_accuracy: float | None = None
    contact_captured: float | None = None
    order_ref_captured: float | None = None
    transport_errors: int = 0


def group_score(
    model: str,
    group: str,
    outcomes: Sequence[Outcome],
    catalogue: Catalogue,
    reasons: Sequence[str],
) -> GroupScore:
    decision = escalation_prf(outcomes)
    handed_over, asked = handoff_rows(outcomes)
    per_reason = []
    for reason in reasons:
        prf = reason_prf(outcomes, reason)
        per_reason.append(
            ReasonScore(reason, prf.precision, prf.recall, prf.true_positives + prf.false_negatives)
        )
    return GroupScore(
        model=model,
        group=group,
        messages=sum(o.item.kind == MESSAGE for o in outcomes),
        conversations=sum(o.item.kind == CONVERSATION for o in outcomes),
        complaint_logged=complaint_logged(outcomes),
        non_complaints_logged=non_complaints_logged(outcomes),
        handoff_rows=handed_over,
        handoff_asked=asked,
        category_accuracy=category_accuracy(outcomes),
        escalation_precision=decision.precision,
        escalation_recall=decision.recall,
        reasons=per_reason,
        script_followed=script_followed(outcomes, catalogue),
        script_followed_family=script_followed(outcomes, catalogue, family=True),
        in_language=in_language(outcomes, catalogue),
        in_language_family=in_language(outcomes, catalogue, family=True),
        wish_accuracy=wish_accuracy(outcomes),
        contact_captured=contact_captured(outcomes),
        order_ref_captured=order_ref_captured(outcomes),
        transport_errors=sum(bool(o.errors) for o in outcomes),
    )
