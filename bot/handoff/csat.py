"""Customer satisfaction after a resolution: asked once, rated 1-5, and for a rating of 3 or
less "what could we have done better?".

Two ways in:

* **The widget** (the customer is connected when the complaint is resolved): the question comes
  with quick replies (Rasa's ``buttons`` shape) whose payloads are ``/csat{"ticket": ...,
  "rating": n}``. The channel hands every customer message to :func:`take_widget_message`
  before Rasa sees it: a rating payload for one of this sender's resolved complaints is stored,
  and a low rating's next message is the answer to "what could we have done better?" (within
  :data:`FEEDBACK_WINDOW`). The NLU never sees these, so no intent or story is needed.
* **A signed link** (the customer has gone): :func:`rating_link` gives the link for a complaint,
  for the e-mail that tells a departed customer about the resolution (the e-mail itself is
  built elsewhere); ``/widget/rate/<token>`` (``bot.web.rating``) serves the page. The token is a
  JWT (HS256, PyJWT) with the ticket and an expiry, signed with a key derived from the
  settings' ``secret_key``: a forged, altered or expired link is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt

from bot import store
from bot.handoff import notices
from bot.store import csat as ratings
from bot.store.tables import MAX_RATING, MIN_RATING, Complaint, CsatRating

#: How long a rating link stays valid.
LINK_TTL = timedelta(days=30)
#: How long after a low rating the customer's next widget message is taken as the answer to
#: "what could we have done better?".
FEEDBACK_WINDOW = timedelta(minutes=30)
ASKED_EVENT = "csat_asked"
PAYLOAD_INTENT = "/csat"
_PAYLOAD = re.compile(r"/csat(\{.*\})", re.DOTALL)
_AUDIENCE = "complaint-bot/csat"
_ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 1_000


class BadLink(ValueError):
    """A rating link that is forged, altered, expired or malformed (``reason``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _key(secret_key: str) -> bytes:
    """A key for rating links only, derived from the settings' secret key."""
    return hmac.new(secret_key.encode(), b"complaint-bot/csat-link/v1", hashlib.sha256).digest()


def rating_token(ticket: str, secret_key: str, now: datetime | None = None) -> str:
    moment = now or datetime.now(timezone.utc)
    claims = {"sub": ticket, "aud": _AUDIENCE, "iat": moment, "exp": moment + LINK_TTL}
    return jwt.encode(claims, _key(secret_key), algorithm=_ALGORITHM)


def rating_link(base_url: str, ticket: str, secret_key: str, now: datetime | None = None) -> str:
    """The link the customer follows to rate complaint ``ticket`` (e.g. for the e-mail that
    tells a customer who has left about the resolution). ``base_url``: the public address of
    the widget's server, e.g. ``https://shop.example``."""
    return f"{base_url.rstrip('/')}/widget/rate/{rating_token(ticket, secret_key, now)}"


def ticket_of(token: str, secret_key: str, now: datetime | None = None) -> str:
    """The ticket a valid link names; :class:`BadLink` otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise BadLink("malformed")
    # The expiry is checked here against ``now`` (a test's clock), not PyJWT's own clock,
    # and the time of issue is not checked at all.
    try:
        claims = jwt.decode(
            token,
            _key(secret_key),
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            options={"require": ["exp", "sub", "aud"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        raise BadLink("forged") from None
    except jwt.PyJWTError:
        raise BadLink("malformed") from None
    expires = claims.get("exp")
    if isinstance(expires, bool) or not isinstance(expires, (int, float)):
        raise BadLink("malformed")
    if (now or datetime.now(timezone.utc)).timestamp() >= expires:
        raise BadLink("expired")
    ticket = claims.get("sub")
    if not isinstance(ticket, str) or not ticket:
        raise BadLink("malformed")
    return ticket


def rating_buttons(ticket: str) -> list[dict[str, str]]:
    """The 1-5 quick replies of the widget's question (Rasa's ``buttons``: title, payload)."""
    return [
        {
            "title": str(value),
            "payload": PAYLOAD_INTENT + json.dumps({"ticket": ticket, "rating": value}),
        }
        for value in range(MIN_RATING, MAX_RATING + 1)
    ]


def parse_payload(text: str) -> tuple[str, int] | None:
    """``(ticket, rating)`` of a quick reply's payload, else ``None`` (not a rating)."""
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    ticket, rating = (data.get("ticket"), data.get("rating")) if isinstance(data, dict) else ("", 0)
    if not isinstance(ticket, str) or isinstance(rating, bool) or not isinstance(rating, int):
        return None
    return ticket, rating


def ask_once(session: store.Session, complaint: Complaint) -> bool:
    """Whether to ask for the rating now (never asked and not rated); records the asking."""
    if ratings.rating_of(session, complaint) is not None:
        return False
    if any(entry.kind == ASKED_EVENT for entry in store.events_for(session, complaint)):
        return False
    store.append_event(session, complaint, ASKED_EVENT, "bot")
    return True


@dataclass(frozen=True)
class Rated:
    """What became of a rating: ``thanks``, ``ask_better`` or ``already`` (rated before)."""

    result: str
    language: str
    script: str

    def reply(self) -> str:
        key = {
            "thanks": "csat_thanks",
            "ask_better": "csat_ask_better",
            "already": "csat_page_already",
        }[self.result]
        return notices.notice(key, self.language, self.script)


def rate(
    url: str, ticket: str, rating: int, via: str, sender_id: str | None = None,
    now: datetime | None = None,
) -> Rated:  # fmt: skip
    """Store the rating of complaint ``ticket``. ``sender_id`` (the widget): the complaint must
    be that customer's. Raises :class:`LookupError` for an unknown (or someone else's)
    ticket and :class:`bot.store.StoreError` for a rating out of range or a complaint not
    resolved."""
    with store.session_scope(url) as session:
        complaint = store.get_by_ticket(session, ticket)
        if complaint is None or (sender_id is not None and complaint.sender_id != sender_id):
            raise LookupError(f"no complaint {ticket!r} to rate")
        language, script = complaint.language, complaint.script
        try:
            row = ratings.record_rating(session, complaint, rating, via, now)
        except ratings.AlreadyRated:
            return Rated("already", language, script)
        low = row.rating <= ratings.ASK_BETTER_AT_MOST
        return Rated("ask_better" if low else "thanks", language, script)


def add_feedback(url: str, ticket: str, text: str, now: datetime | None = None) -> Rated:
    """Store the answer to "what could we have done better?" (from the rating page)."""
    with store.session_scope(url) as session:
        complaint = store.get_by_ticket(session, ticket)
        if complaint is None:
            raise LookupError(f"no complaint {ticket!r}")
        row = ratings.rating_of(session, complaint)
        if row is None:
            raise LookupError(f"complaint {ticket!r} is not rated yet")
        ratings.record_feedback(session, complaint, row, text, now)
        return Rated("thanks", complaint.language, complaint.script)


def take_widget_message(
    sender_id: str, text: str, url: str, now: datetime | None = None
) -> str | None:
    """The reply to a widget message that belongs to the satisfaction question (a rating
    payload, or the answer after a low rating), else ``None`` (the message goes on to Rasa)."""
    moment = now or datetime.now(timezone.utc)
    payload = parse_payload(text)
    if payload is not None:
        ticket, rating = payload
        try:
            return rate(url, ticket, rating, "widget", sender_id, moment).reply()
        except (LookupError, store.StoreError):
            return None  # not a rating this customer can give: Rasa answers it
    if not ratings.clean_feedback(text):
        return None
    # Asked first without SQLite's write lock: nearly every message is no such answer, and the
    # tracker store and the other conversations' writes wait for that lock.
    with store.read_scope(url) as session:
        if _awaiting_answer(session, sender_id, moment) is None:
            return None
    with store.session_scope(url) as session:
        awaiting = _awaiting_answer(session, sender_id, moment)  # unless answered meanwhile
        if awaiting is None:
            return None
        complaint, row = awaiting
        ratings.record_feedback(session, complaint, row, text, moment)
        return notices.notice("csat_feedback_thanks", complaint.language, complaint.script)


def may_take_widget_message(
    session: store.Session, sender_id: str, text: str, now: datetime
) -> bool:
    """Whether :func:`take_widget_message` might take ``text``, read in ``session``: a
    rating's payload, or an answer the customer's low rating awaits."""
    if parse_payload(text) is not None:
        return True
    return bool(ratings.clean_feedback(text)) and (
        _awaiting_answer(session, sender_id, now) is not None
    )


def _awaiting_answer(
    session: store.Session, sender_id: str, now: datetime
) -> tuple[Complaint, CsatRating] | None:
    """The customer's newest complaint (whatever its status: a new one ends the question) and
    its low rating whose "what could we have done better?" waits for an answer."""
    complaint = store.latest_for_sender(session, sender_id, statuses=None)
    if complaint is None:
        return None
    row = ratings.awaiting_feedback(session, complaint, now, FEEDBACK_WINDOW)
    return None if row is None else (complaint, row)
