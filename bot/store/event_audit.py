"""The audit trail of conversation events (``conversation_events``), kept for a while.

The event consumer (:mod:`bot.ops.events`) writes what Rasa published to RabbitMQ here;
:func:`purge_older_than` applies the retention. A redelivered event (the same body of the same
sender) is one row. The rows are keyed by ``sender_id``, so :mod:`bot.store.erasure` exports
and erases them with the rest of a customer's data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.tables import SENDER_ID_LENGTH, SLUG_LENGTH, ConversationEvent, utcnow

#: The type of a message that is not a Rasa event (not JSON, or no sender): kept as text.
UNREADABLE = "unreadable"


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_event(body: bytes) -> dict[str, Any]:
    """The row for one broker message: sender, type and time of a Rasa event, the body as
    published (without the NLU parse data, which the tracker store keeps)."""
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        event = None
    if not isinstance(event, dict) or not isinstance(event.get("sender_id"), str):
        return {
            "sender_id": "",
            "event_type": UNREADABLE,
            "event_time": None,
            "body": body.decode("utf-8", "replace"),
            "digest": digest(body),
        }
    kept = {key: value for key, value in event.items() if key != "parse_data"}
    timestamp = event.get("timestamp")
    return {
        "sender_id": event["sender_id"][:SENDER_ID_LENGTH],
        "event_type": str(event.get("event") or "unknown")[:SLUG_LENGTH],
        "event_time": float(timestamp) if isinstance(timestamp, (int, float)) else None,
        "body": json.dumps(kept, ensure_ascii=False, sort_keys=True),
        "digest": digest(body),
    }


def record_events(session: Session, bodies: Iterable[bytes]) -> int:
    """Store the broker messages ``bodies``; returns how many rows are new (redeliveries and
    repeats within the batch are skipped)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for body in bodies:
        row = parse_event(body)
        rows.setdefault((row["sender_id"], row["digest"]), row)
    if not rows:
        return 0
    digests = {key[1] for key in rows}
    found = session.execute(
        select(ConversationEvent.sender_id, ConversationEvent.digest).where(
            ConversationEvent.digest.in_(digests)
        )
    )
    existing = {(sender, digest_) for sender, digest_ in found}
    new = [row for key, row in rows.items() if key not in existing]
    session.add_all(ConversationEvent(**row) for row in new)
    session.flush()
    return len(new)


def purge_older_than(session: Session, days: int, now: datetime | None = None) -> int:
    """Delete the audit rows received more than ``days`` days ago; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = session.execute(
        delete(ConversationEvent).where(ConversationEvent.received_at < cutoff)
    )
    return int(result.rowcount or 0)


def count_events(session: Session, sender_prefix: str = "") -> int:
    """How many audit rows there are (of senders starting with ``sender_prefix``)."""
    query = select(func.count(ConversationEvent.id))
    if sender_prefix:
        query = query.where(ConversationEvent.sender_id.startswith(sender_prefix))
    return int(session.execute(query).scalar_one())
