"""SQLAlchemy models: ``complaints`` and the append-only ``complaint_events``.

No table is called ``events``: Rasa's SQL tracker store owns that name in the same database.
Every timestamp is stored as UTC and comes back as an aware UTC datetime on every backend.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.store.db import StoreError
from bot.text.languages import languages

#: Complaint statuses, in workflow order.
STATUSES: tuple[str, ...] = ("open", "escalated", "in_progress", "resolved", "closed")
#: Statuses of a complaint someone still has to act on.
ACTIVE_STATUSES: tuple[str, ...] = ("open", "escalated", "in_progress")
#: Values of the ``language`` column: the registry's slot values (``bot/languages.yml``).
LANGUAGES: tuple[str, ...] = languages().slots
SCRIPTS: tuple[str, ...] = ("latin", "cyrillic")
DESIRED_RESOLUTIONS: tuple[str, ...] = (
    "refund",
    "replacement",
    "repair",
    "apology",
    "compensation",
    "nothing",
    "other",
)
#: Event kinds the framework writes; other lower_snake_case kinds are accepted too.
EVENT_KINDS: tuple[str, ...] = (
    "created",
    "described",
    "escalated",
    "resolution_stated",
    "details_added",
    "status_changed",
    "message_customer",
    "message_bot",
    "message_agent",
    "note",
)
#: How a complaint was answered, for the register (validated in Python only).
OUTCOMES: tuple[str, ...] = ("accepted", "partially_accepted", "refused", "withdrawn")
MIN_SEVERITY = 1
MAX_SEVERITY = 4

# Column sizes (characters). Free text is truncated to its cap; identifiers longer than theirs
# are rejected (see bot.store.complaints).
TICKET_LENGTH = 32
SENDER_ID_LENGTH = 255
ORIGIN_KEY_LENGTH = 320
CHANNEL_LENGTH = 64
SLUG_LENGTH = 64
ORDER_REF_LENGTH = 128
CONTACT_LENGTH = 255
ACTOR_LENGTH = 255
REGISTER_NUMBER_LENGTH = 32
MAX_DESCRIPTION_CHARS = 10_000
MAX_RESOLUTION_TEXT_CHARS = 2_000

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp stored as UTC.

    SQLite has no time zones: values are stored as naive UTC there and made aware again on
    load. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise StoreError(f"timestamps must be timezone-aware datetimes, got {value!r}")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Complaint(Base):
    """One complaint, from registration to closing."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("script", SCRIPTS), name="script"),
        CheckConstraint(f"severity BETWEEN {MIN_SEVERITY} AND {MAX_SEVERITY}", name="severity"),
        CheckConstraint("anger_score >= 0 AND anger_score <= 1", name="anger_score"),
    )

    id = Column(Integer, primary_key=True)
    ticket = Column(String(TICKET_LENGTH), nullable=False, unique=True, index=True)
    sender_id = Column(String(SENDER_ID_LENGTH), nullable=False, index=True)
    channel = Column(String(CHANNEL_LENGTH), nullable=False)
    # Validated in Python only (against the language registry), so that adding a language
    # needs no migration. ``script`` has a CHECK: a new script needs one.
    language = Column(String(8), nullable=False)
    script = Column(String(16), nullable=False)
    category = Column(String(SLUG_LENGTH), nullable=False)
    severity = Column(Integer, nullable=False)
    anger_score = Column(Float, nullable=False)
    description = Column(Text, nullable=False)
    order_ref = Column(String(ORDER_REF_LENGTH), nullable=True)
    contact = Column(String(CONTACT_LENGTH), nullable=True)
    desired_resolution = Column(String(32), nullable=True)
    desired_resolution_text = Column(Text, nullable=True)
    status = Column(String(16), nullable=False, default="open", index=True)
    escalated = Column(Boolean, nullable=False, default=False)
    escalation_reasons = Column(JSON, nullable=False, default=list)
    assigned_agent = Column(String(ACTOR_LENGTH), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    due_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    first_response_at = Column(UTCDateTime, nullable=True)
    resolved_at = Column(UTCDateTime, nullable=True)
    closed_at = Column(UTCDateTime, nullable=True)
    #: The customer message that created the complaint (sender id and Rasa message id), so an
    #: action run twice (action server restarted, fallback, outbox replay) writes it once.
    origin_key = Column(String(ORIGIN_KEY_LENGTH), nullable=True, unique=True, index=True)
    # The complaint register (see bot.store.register and docs/jurisdictions.md). ``due_at`` above
    # stays the company's own SLA; these are the law's clocks.
    jurisdiction = Column(String(8), nullable=True)
    #: Sequential per year (``2026-000123``) where the law asks for a register number.
    register_number = Column(String(REGISTER_NUMBER_LENGTH), nullable=True, unique=True, index=True)
    statutory_answer_due_at = Column(UTCDateTime, nullable=True)
    statutory_resolution_due_at = Column(UTCDateTime, nullable=True)
    extended_at = Column(UTCDateTime, nullable=True)
    extension_consent = Column(Boolean, nullable=True)
    extension_due_at = Column(UTCDateTime, nullable=True)
    answered_at = Column(UTCDateTime, nullable=True)
    answer_text = Column(Text, nullable=True)
    outcome = Column(String(32), nullable=True)
    #: The customer this complaint belongs to, recognised by contact or order reference
    #: across conversations (:mod:`bot.store.customers`); ``None`` until a key is known.
    customer_id = Column(
        Integer, ForeignKey("customers.id", ondelete="SET NULL"), nullable=True, index=True
    )

    events = relationship(
        "ComplaintEvent",
        back_populates="complaint",
        order_by="[ComplaintEvent.created_at, ComplaintEvent.id]",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Complaint {self.ticket} {self.status}>"


class ComplaintEvent(Base):
    """One entry of a complaint's history. Rows are only ever inserted."""

    __tablename__ = "complaint_events"

    id = Column(Integer, primary_key=True)
    complaint_id = Column(
        Integer, ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(SLUG_LENGTH), nullable=False)
    actor = Column(String(ACTOR_LENGTH), nullable=False)
    data = Column(JSON, nullable=False, default=dict)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    complaint = relationship("Complaint", back_populates="events")

    def __repr__(self) -> str:
        return f"<ComplaintEvent {self.kind} by {self.actor}>"


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic filter: compare only our own tables, never Rasa's (``events``) or others'."""
    return type_ != "table" or name in Base.metadata.tables


@event.listens_for(ComplaintEvent, "before_update")
def _refuse_event_update(_mapper: Any, _connection: Any, target: ComplaintEvent) -> None:
    raise StoreError(f"complaint events are append-only; refusing to update {target!r}")


#: Roles of staff accounts: agents take over conversations, trainers teach the bot.
ROLES: tuple[str, ...] = ("agent", "trainer", "admin")
USERNAME_LENGTH = 64


class Agent(Base):
    """A staff account: an agent, a trainer or an admin. Created from the command line."""

    __tablename__ = "agents"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(USERNAME_LENGTH), nullable=False, unique=True, index=True)
    display_name = Column(String(ACTOR_LENGTH), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    on_duty = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    last_seen_at = Column(UTCDateTime, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return f"<Agent {self.username} {self.role}>"


#: Kinds of staff credentials: a console sign-in (cookie) or an API token (bearer).
STAFF_TOKEN_KINDS: tuple[str, ...] = ("session", "api")


class StaffToken(Base):
    """A console session or API token of a staff account. Only the SHA-256 of the secret is
    stored; ``csrf_token`` is the per-session token the console's forms and API calls echo."""

    __tablename__ = "staff_tokens"
    __table_args__ = (CheckConstraint(_in("kind", STAFF_TOKEN_KINDS), name="kind"),)

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True, index=True)
    agent_id = Column(
        Integer, ForeignKey("agents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(16), nullable=False)
    csrf_token = Column(String(64), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)

    agent = relationship("Agent")

    def __repr__(self) -> str:
        return f"<StaffToken {self.kind} of agent {self.agent_id}>"


class ConversationEvent(Base):
    """One Rasa conversation event as the broker delivered it: the audit trail written by the
    event consumer (:mod:`bot.ops.events`), kept ``event_retention_days`` days.

    ``digest`` (SHA-256 of the message body) makes a redelivered event one row.
    """

    __tablename__ = "conversation_events"
    __table_args__ = (UniqueConstraint("sender_id", "digest"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(SENDER_ID_LENGTH), nullable=False, index=True)
    event_type = Column(String(SLUG_LENGTH), nullable=False)
    #: Rasa's event timestamp (seconds since the epoch), as published.
    event_time = Column(Float, nullable=True)
    body = Column(Text, nullable=False)
    digest = Column(String(64), nullable=False)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<ConversationEvent {self.event_type}>"


#: Kinds of keys that recognise a customer (:mod:`bot.text.contacts`).
CUSTOMER_KEY_KINDS: tuple[str, ...] = ("email", "phone", "order")
CUSTOMER_KEY_LENGTH = 320


class Customer(Base):
    """One person behind several conversations: the keys below point at it, complaints
    carry its id. Holds no personal data itself; a customer left with no key and no
    complaint (after an erasure) is deleted."""

    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return f"<Customer {self.id}>"


class CustomerKey(Base):
    """A normalised e-mail address, E.164 phone number or order reference of a customer, as
    one conversation (``sender_id``) gave it: erasing that conversation erases the key."""

    __tablename__ = "customer_keys"
    __table_args__ = (
        CheckConstraint(_in("kind", CUSTOMER_KEY_KINDS), name="kind"),
        UniqueConstraint("kind", "value", "sender_id", name="uq_customer_keys_kind_value_sender"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(
        Integer, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(16), nullable=False)
    value = Column(String(CUSTOMER_KEY_LENGTH), nullable=False, index=True)
    sender_id = Column(String(SENDER_ID_LENGTH), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return f"<CustomerKey {self.kind} of customer {self.customer_id}>"


class ContactVerification(Base):
    """A one-time code sent to a complaint's e-mail address so that a customer writing from
    another conversation (``sender_id``) may be told the complaint's status.

    Only a keyed hash of the code is stored; it expires, allows a few attempts, and counts
    once (``verified_at``).
    """

    __tablename__ = "contact_verifications"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(SENDER_ID_LENGTH), nullable=False, index=True)
    complaint_id = Column(
        Integer, ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash = Column(String(64), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    max_attempts = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)
    verified_at = Column(UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<ContactVerification {self.id} for complaint {self.complaint_id}>"


#: What an agent (or the bot) promised a customer (:mod:`bot.store.commitments`).
COMMITMENT_KINDS: tuple[str, ...] = (
    "answer",
    "refund",
    "replacement",
    "repair",
    "call_back",
    "visit",
    "other",
)
#: ``open`` until done or, past its due time, ``missed`` (a missed one may still be done).
COMMITMENT_STATUSES: tuple[str, ...] = ("open", "done", "missed")
MAX_COMMITMENT_NOTE_CHARS = 1_000


class Commitment(Base):
    """A promise made to the customer of a complaint: what, by when, who keeps it.

    ``owner`` is an agent's username, or ``None`` for the team (the bot's own "we will answer
    by ..."). ``done_at`` is when it was kept (also for one kept late, after it was missed).
    """

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(_in("kind", COMMITMENT_KINDS), name="kind"),
        CheckConstraint(_in("status", COMMITMENT_STATUSES), name="status"),
    )

    id = Column(Integer, primary_key=True)
    complaint_id = Column(
        Integer, ForeignKey("complaints.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(16), nullable=False)
    note = Column(Text, nullable=True)
    due_at = Column(UTCDateTime, nullable=False, index=True)
    owner = Column(String(USERNAME_LENGTH), nullable=True, index=True)
    status = Column(String(16), nullable=False, default="open", index=True)
    created_by = Column(String(ACTOR_LENGTH), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    reminded_at = Column(UTCDateTime, nullable=True)
    missed_at = Column(UTCDateTime, nullable=True)
    done_at = Column(UTCDateTime, nullable=True)
    done_by = Column(String(ACTOR_LENGTH), nullable=True)
    customer_told_at = Column(UTCDateTime, nullable=True)

    complaint = relationship("Complaint")

    def __repr__(self) -> str:
        return f"<Commitment {self.id} {self.kind} {self.status}>"


#: States of an outgoing mail: waiting (first try or a retry), handed to the SMTP server,
#: given up (refused for good, or out of attempts).
MAIL_STATES: tuple[str, ...] = ("pending", "sending", "sent", "failed")
SUBJECT_LENGTH = 998  # RFC 5322's line limit


class OutgoingMail(Base):
    """One e-mail in the persistent outbox (:mod:`bot.store.mail`), sent by the background
    sender (:mod:`bot.ops.mailer`), retried until it is sent or given up.

    ``complaint_id``/``sender_id`` tie it to a customer, so erasure and export find it;
    ``event_id`` is the complaint event (an agent's reply) the mail delivers.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (CheckConstraint(_in("status", MAIL_STATES), name="status"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(SLUG_LENGTH), nullable=False)
    complaint_id = Column(
        Integer, ForeignKey("complaints.id", ondelete="CASCADE"), nullable=True, index=True
    )
    sender_id = Column(String(SENDER_ID_LENGTH), nullable=True, index=True)
    event_id = Column(Integer, nullable=True, index=True)
    recipient = Column(String(CONTACT_LENGTH), nullable=False)
    subject = Column(String(SUBJECT_LENGTH), nullable=False)
    body = Column(Text, nullable=False)
    reply_to = Column(String(CONTACT_LENGTH), nullable=True)
    language = Column(String(8), nullable=True)
    status = Column(String(16), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    claimed_at = Column(UTCDateTime, nullable=True)
    last_error = Column(Text, nullable=True)
    message_id = Column(String(CONTACT_LENGTH), nullable=True, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.kind} {self.status}>"


#: The satisfaction scale (CSAT) asked after a resolution.
MIN_RATING = 1
MAX_RATING = 5
MAX_FEEDBACK_CHARS = 2_000


class CsatRating(Base):
    """The customer's 1-5 rating of how a resolved complaint was handled (one per complaint),
    and what could have been done better (asked for a rating of 3 or less).

    ``agent`` is the complaint's assigned agent when it was rated, so a later reassignment does
    not move the rating to someone else.
    """

    __tablename__ = "csat_ratings"
    __table_args__ = (
        CheckConstraint(f"rating >= {MIN_RATING} AND rating <= {MAX_RATING}", name="rating"),
    )

    id = Column(Integer, primary_key=True)
    complaint_id = Column(
        Integer,
        ForeignKey("complaints.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
        index=True,
    )
    rating = Column(Integer, nullable=False)
    #: ``widget`` (quick replies) or ``link`` (the signed link in the e-mail)
    via = Column(String(16), nullable=False)
    agent = Column(String(ACTOR_LENGTH), nullable=True)
    feedback = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    feedback_at = Column(UTCDateTime, nullable=True)

    complaint = relationship("Complaint")

    def __repr__(self) -> str:
        return f"<CsatRating {self.rating} of complaint {self.complaint_id}>"
#: Longest canned reply title and text (characters).
CANNED_TITLE_LENGTH = 120
CANNED_TEXT_LENGTH = 2000


class CannedReply(Base):
    """A ready-made agent reply in one language, kept by admins in the console. ``text`` may
    hold the placeholders ``{ticket}``, ``{name}`` and ``{deadline}``."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True)
    language = Column(String(8), nullable=False, index=True)
    title = Column(String(CANNED_TITLE_LENGTH), nullable=False)
    text = Column(Text, nullable=False)
    updated_by = Column(String(ACTOR_LENGTH), nullable=True)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)

    def __repr__(self) -> str:
        return f"<CannedReply {self.id} {self.language}>"
