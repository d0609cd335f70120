"""Customers recognised across conversations, and the one-time codes that prove a contact.

A complaint is linked to a :class:`Customer` by its keys: the contact (e-mail normalised, phone
in E.164, :mod:`bot.text.contacts`) and the order reference. Every key is stored per
conversation (``sender_id``), so erasing one conversation erases the keys it gave. When a
complaint's keys point at two customers, they are the same person: the younger customer is
merged into the older one.

The same conventions as :mod:`bot.store.complaints`: an explicit session, no commit.

A contact is proved with a six-digit code sent to the complaint's e-mail address. Only an
HMAC of the code (keyed with the secret key and bound to the verification row) is stored; a
code expires, allows ``max_attempts`` tries, and proves the contact once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from bot.store.complaints import _moment, get_by_ticket
from bot.store.db import StoreError
from bot.store.tables import (
    ACTIVE_STATUSES,
    SENDER_ID_LENGTH,
    Complaint,
    ContactVerification,
    Customer,
    CustomerKey,
)
from bot.text.contacts import contact_key, normalize_email, normalize_order

CODE_DIGITS = 6
#: At most this many complaints are listed in a customer's history.
HISTORY_LIMIT = 50


def complaint_keys(complaint: Complaint, region: str | None) -> list[tuple[str, str]]:
    """The normalised keys of ``complaint``: its contact and its order reference."""
    keys: list[tuple[str, str]] = []
    contact = contact_key(complaint.contact, region) if complaint.contact else None
    if contact is not None:
        keys.append(contact)
    order = normalize_order(complaint.order_ref) if complaint.order_ref else None
    if order is not None:
        keys.append(("order", order))
    return keys


# The statements of every complaint turn are built once per shape (the number of keys), with
# the values as bound parameters, as in bot.store.complaints.


def _any_key(count: int) -> ColumnElement[Any]:
    """``(kind = :kind0 AND value = :value0) OR ...`` for ``count`` keys."""
    return or_(
        *(
            and_(
                CustomerKey.kind == bindparam(f"kind{i}"),
                CustomerKey.value == bindparam(f"value{i}"),
            )
            for i in range(count)
        )
    )


def _key_values(keys: list[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for i, (kind, value) in enumerate(keys):
        values[f"kind{i}"], values[f"value{i}"] = kind, value
    return values


@lru_cache(maxsize=16)
def _customers_query(count: int) -> Select:
    return select(CustomerKey.customer_id).where(_any_key(count)).distinct()


@lru_cache(maxsize=16)
def _recorded_keys_query(count: int) -> Select:
    return select(CustomerKey.kind, CustomerKey.value).where(
        CustomerKey.sender_id == bindparam("sender"), _any_key(count)
    )


def _customers_with(session: Session, keys: Iterable[tuple[str, str]]) -> list[int]:
    pairs = list(keys)
    if not pairs:
        return []
    rows = session.execute(_customers_query(len(pairs)), _key_values(pairs))
    return sorted(int(row[0]) for row in rows)


def _merge(session: Session, keep: int, others: list[int]) -> None:
    """Move the complaints and keys of ``others`` to customer ``keep`` and delete them."""
    if not others:
        return
    session.flush()
    session.execute(
        update(Complaint)
        .where(Complaint.customer_id.in_(others))
        .values(customer_id=keep)
        .execution_options(synchronize_session="fetch")
    )
    for key in session.execute(select(CustomerKey).where(CustomerKey.customer_id.in_(others))):
        row = key[0]
        twin = session.execute(
            select(CustomerKey.id).where(
                CustomerKey.customer_id == keep,
                CustomerKey.kind == row.kind,
                CustomerKey.value == row.value,
                CustomerKey.sender_id == row.sender_id,
            )
        ).first()
        if twin is None:
            row.customer_id = keep
        else:
            session.delete(row)
    session.flush()
    session.execute(delete(Customer).where(Customer.id.in_(others)))


def link_complaint(
    session: Session, complaint: Complaint, region: str | None, *, now: datetime | None = None
) -> int | None:
    """Link ``complaint`` to the customer its keys point at (creating or merging customers),
    and record its keys for its conversation. Returns the customer's id, ``None`` when the
    complaint has no key yet."""
    keys = complaint_keys(complaint, region)
    if not keys:
        return None
    moment = _moment(now)
    session.flush()
    found = _customers_with(session, keys)
    if complaint.customer_id is not None and complaint.customer_id not in found:
        found = sorted({*found, int(complaint.customer_id)})
    if found:
        customer_id = found[0]
        _merge(session, customer_id, found[1:])
    else:
        customer = Customer(created_at=moment)
        session.add(customer)
        session.flush()
        customer_id = int(customer.id)
    complaint.customer_id = customer_id
    sender = complaint.sender_id[:SENDER_ID_LENGTH]
    recorded = {
        (str(kind), str(value))
        for kind, value in session.execute(
            _recorded_keys_query(len(keys)), {"sender": sender, **_key_values(keys)}
        )
    }
    for kind, value in keys:
        if (kind, value) not in recorded:
            session.add(
                CustomerKey(
                    customer_id=customer_id,
                    kind=kind,
                    value=value,
                    sender_id=sender,
                    created_at=moment,
                )
            )
    session.flush()
    return customer_id


def customer_complaints(
    session: Session, complaint: Complaint, limit: int = HISTORY_LIMIT
) -> list[Complaint]:
    """The customer's other complaints (other conversations included), newest first.

    Without a customer, the other complaints of the same conversation.
    """
    query = select(Complaint).where(Complaint.id != complaint.id)
    if complaint.customer_id is not None:
        query = query.where(
            or_(
                Complaint.customer_id == complaint.customer_id,
                Complaint.sender_id == complaint.sender_id,
            )
        )
    else:
        query = query.where(Complaint.sender_id == complaint.sender_id)
    query = query.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(limit)
    return list(session.execute(query).scalars())


def count_same_matter(
    session: Session,
    *,
    sender_id: str,
    keys: Iterable[tuple[str, str]],
    category: str,
    since: datetime,
    exclude_id: int | None = None,
    other_conversations_only: bool = False,
) -> int:
    """Complaints on the same matter (``category``) by this conversation or by the customer
    ``keys`` point at, that are still open or were made since ``since``.

    With ``other_conversations_only``, only the customer's complaints made in other
    conversations count (the conversation's own are counted by the caller).
    """
    customers = _customers_with(session, keys)
    if other_conversations_only and not customers:
        return 0
    query = _same_matter_count(other_conversations_only, bool(customers), exclude_id is not None)
    values = {
        "sender_id": sender_id,
        "customers": customers,
        "category": category,
        "since": _moment(since),
        "exclude_id": exclude_id,
    }
    return int(session.execute(query, values).scalar_one())


@cache
def _same_matter_count(other_conversations_only: bool, customers: bool, exclude: bool) -> Select:
    """The statement of :func:`count_same_matter`, built once per shape."""
    who = [] if other_conversations_only else [Complaint.sender_id == bindparam("sender_id")]
    if customers:
        who.append(Complaint.customer_id.in_(bindparam("customers", expanding=True)))
    query = select(func.count(Complaint.id)).where(
        or_(*who),
        Complaint.category == bindparam("category"),
        or_(Complaint.created_at >= bindparam("since"), Complaint.status.in_(ACTIVE_STATUSES)),
    )
    if other_conversations_only:
        query = query.where(Complaint.sender_id != bindparam("sender_id"))
    if exclude:
        query = query.where(Complaint.id != bindparam("exclude_id"))
    return query


def complaints_by_reference(
    session: Session,
    *,
    ticket: str | None = None,
    order_ref: str | None = None,
    contact: str | None = None,
    region: str | None = None,
    limit: int = 5,
) -> list[Complaint]:
    """Complaints of any conversation that carry the reference, newest first: the ticket, or
    the customers that the order reference or the contact is a key of."""
    if ticket:
        found = get_by_ticket(session, ticket)
        return [found] if found is not None else []
    keys: list[tuple[str, str]] = []
    if order_ref and normalize_order(order_ref):
        keys.append(("order", str(normalize_order(order_ref))))
    if contact and contact_key(contact, region):
        keys.append(contact_key(contact, region))  # type: ignore[arg-type]
    customers = _customers_with(session, keys)
    if not customers:
        return []
    query = (
        select(Complaint)
        .where(Complaint.customer_id.in_(customers))
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


# --- one-time codes --------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code typed by the customer."""

    result: str  # verified | wrong | expired | too_many | none
    complaint_id: int | None = None
    attempts_left: int = 0


def _code_hash(secret_key: str, verification_id: int, code: str) -> str:
    message = f"contact-verification:{verification_id}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def email_of(complaint: Complaint) -> str | None:
    """The complaint's contact when it is an e-mail address (normalised), else ``None``."""
    return normalize_email(complaint.contact) if complaint.contact else None


def start_verification(
    session: Session,
    *,
    sender_id: str,
    complaint: Complaint,
    secret_key: str,
    minutes: int,
    max_attempts: int,
    now: datetime | None = None,
) -> tuple[ContactVerification, str]:
    """A new code for ``sender_id`` to prove the e-mail address of ``complaint``.

    Earlier unused codes of the same conversation stop counting (one live code at a time).
    Returns the row and the code in clear, which is only ever sent, never stored.
    """
    if email_of(complaint) is None:
        raise StoreError(f"complaint {complaint.ticket} has no e-mail address to send a code to")
    if minutes < 1 or max_attempts < 1:
        raise StoreError("a code needs a positive lifetime and at least one attempt")
    moment = _moment(now)
    for old in session.execute(
        select(ContactVerification).where(
            ContactVerification.sender_id == sender_id,
            ContactVerification.verified_at.is_(None),
            ContactVerification.expires_at > moment,
        )
    ).scalars():
        old.expires_at = moment
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    verification = ContactVerification(
        sender_id=sender_id[:SENDER_ID_LENGTH],
        complaint_id=complaint.id,
        code_hash="pending",
        attempts=0,
        max_attempts=max_attempts,
        created_at=moment,
        expires_at=moment + timedelta(minutes=minutes),
    )
    session.add(verification)
    session.flush()
    verification.code_hash = _code_hash(secret_key, verification.id, code)
    return verification, code


def _typed_code(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    digits = "".join(ch for ch in value if ch.isdigit() and ch.isascii())
    rest = "".join(ch for ch in value if not ch.isdigit() and not ch.isspace() and ch not in "-.")
    return digits if len(digits) == CODE_DIGITS and not rest else None


def check_code(
    session: Session,
    *,
    sender_id: str,
    typed: object,
    secret_key: str,
    now: datetime | None = None,
) -> CodeCheck:
    """Check a code typed in conversation ``sender_id`` against its newest code."""
    moment = _moment(now)
    verification = (
        session.execute(
            select(ContactVerification)
            .where(ContactVerification.sender_id == sender_id)
            .order_by(ContactVerification.created_at.desc(), ContactVerification.id.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )
    if verification is None:
        return CodeCheck("none")
    if verification.verified_at is not None:
        # A code proves the contact once; asking again needs a new code.
        return CodeCheck("expired", verification.complaint_id)
    if verification.attempts >= verification.max_attempts:
        return CodeCheck("too_many", verification.complaint_id)
    if moment >= verification.expires_at:
        return CodeCheck("expired", verification.complaint_id)
    verification.attempts += 1
    code = _typed_code(typed)
    expected = verification.code_hash
    if code is not None and hmac.compare_digest(
        _code_hash(secret_key, verification.id, code), expected
    ):
        verification.verified_at = moment
        return CodeCheck("verified", verification.complaint_id)
    left = verification.max_attempts - verification.attempts
    return CodeCheck("wrong" if left > 0 else "too_many", verification.complaint_id, left)
