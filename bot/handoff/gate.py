"""One read before Rasa: whether a customer's message may be for a person or for the
satisfaction question, and not for the bot.

Every customer message is checked twice before Rasa sees it: the satisfaction question
(:func:`bot.handoff.csat.take_widget_message`) and the hand-off
(:func:`bot.handoff.take_customer_message`), each in a read-only transaction of its own on a
worker thread. Nearly every message is for neither, so :func:`may_skip_bot` asks both
questions in one read-only transaction, on one trip to a worker thread; only when it answers
yes do the two checks run, as before, and take the message.
"""

from __future__ import annotations

from datetime import datetime, timezone

from bot import handoff, store
from bot.handoff import csat


def may_skip_bot(sender_id: str, text: str, url: str, now: datetime | None = None) -> bool:
    """Whether ``text`` may be taken by the satisfaction question or by a person holding the
    conversation (then :func:`csat.take_widget_message` and
    :func:`handoff.take_customer_message` decide); no means Rasa answers it."""
    moment = now or datetime.now(timezone.utc)
    with store.read_scope(url) as session:
        return csat.may_take_widget_message(session, sender_id, text, moment) or handoff.held_in(
            session, sender_id
        )
