"""The inbound e-mail webhook: a customer's reply to our mail comes back into their complaint.

``POST /api/mail/inbound`` takes the shape the common providers post for a received mail
(SendGrid's Inbound Parse and Mailgun's routes): ``multipart/form-data`` or
``application/x-www-form-urlencoded`` with ``from`` (Mailgun also ``sender``), ``to``
(``recipient``), ``subject`` and the text in ``text`` (SendGrid), ``stripped-text`` or
``body-plain`` (Mailgun); a JSON object with the same names is accepted too. Attachments and
HTML are ignored: the plain text is what the agent reads.

Authenticated by the shared secret ``MAIL_INBOUND_SECRET``: ``Authorization: Bearer <secret>``,
or HTTP Basic with the secret as the password (what SendGrid's "https://user:pass@host/..."
sends), compared in constant time. Without the setting the route is off (404).

The complaint is the one whose ticket is in the subject (our mails put ``[C-XXXXXX]`` there),
and the mail must come from that complaint's e-mail contact: someone who merely knows a ticket
cannot write into it. The text (quoted earlier mail cut off) is kept as the customer's message
(``message_customer``, ``via: email``), which the console shows in the conversation. A reply to
a resolved or closed complaint reopens it, or after ``reopen_within_days`` starts a new one
linked to it (:mod:`bot.handoff.reopening`); the answer's ``outcome`` says which (``added``,
``reopened``, ``follow_up``) and ``ticket`` names the complaint that got the message.

Both routes are rate-limited per client address (``mail_inbound_ip``, ``mail_bounce_ip``:
429 with ``Retry-After``, nothing read or stored).

Answers: 200 kept; 401 no or wrong secret; 400 a body that is not a form or JSON object;
413 too large; 422 no ticket in the subject, a sender that is not an address, no text;
403 not from the complaint's contact; 404 no such ticket (or the route is off). A provider
keeps and retries a mail its webhook did not take, so a refusal loses nothing.

``POST /api/mail/bounce`` (same secret) takes the provider's report of a mail that bounced
after the SMTP server accepted it: ``{"message_id": ..., "reason": ...}``, Mailgun's
``{"event-data": {"event": "failed", "severity": "permanent", ...}}`` or SendGrid's event list
(``[{"event": "bounce", "smtp-id": ...}, ...]``). The mail is marked failed and a
``mail_failed`` event shows on the complaint; other events (delivered, opened) are ignored.

Why a webhook rather than polling a mailbox over IMAP: it needs no mailbox password in the
bot, no poller with its own state (seen flags, UID validity) on every instance, and it arrives
at once; every mainstream provider (SendGrid, Mailgun, Postmark, Amazon SES via SNS) offers
it, and a self-hosted Postfix can pipe to it with a one-line script (see README).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.dialogue.deadlines import complaint_clocks
from bot.handoff import replies
from bot.handoff.reopening import LateReplyRules
from bot.settings import Settings
from bot.store import session_scope
from bot.store.blocking import run_staff_db
from bot.store.mail import MailError, mark_bounced, normalize_address
from bot.text.clean import remove_controls
from bot.web.auth import database_url, settings_of
from bot.web.errors import ApiError
from bot.web.ratelimit import client_ip, rate_limits_of, refuse_over_limit

mail_routes = Blueprint("mail_inbound")

#: A received mail's form, attachments included, may be at most this large.
MAX_INBOUND_BYTES = 1_000_000
#: The kept text of one mail (after cutting the quoted earlier mail), in characters.
MAX_INBOUND_TEXT_CHARS = 10_000
MAX_SUBJECT_CHARS = 998
FIELD_NAMES = {
    "sender": ("from", "sender"),
    "subject": ("subject",),
    "text": ("stripped-text", "text", "body-plain"),
}
#: "On Mon, 7 Dec 2026 at 10:00, Support <support@example.com> wrote:" and its translations.
_QUOTE_HEADER = re.compile(
    r"^\s*(on|dana|dne|у|u|le|am)\b.{0,200}(wrote|napisao|napisala|написао|написала|"
    r"escribió|schrieb|a écrit)\s*:\s*$",
    re.IGNORECASE,
)


def _authorised(request: Request, secret: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    given = ""
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
        given = decoded.partition(":")[2]
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


#: The refusal of a provider that posts too fast (it keeps the mail and retries).
TOO_MANY = "Too many requests from this address; retry after the time in Retry-After."


async def _admit(request: Request, limit: str) -> None:
    """The provider's call: enabled (404), within the address's ``limit`` (429, counted before
    the secret so guessing it is slow too), with the secret (401), not too large (413)."""
    await refuse_over_limit(rate_limits_of(request.app), TOO_MANY, (limit, client_ip(request)))
    secret = settings_of(request.app).mail_inbound_secret
    if not secret:
        raise ApiError(404, "The mail provider's webhooks are off (MAIL_INBOUND_SECRET).")
    if not _authorised(request, secret):
        raise ApiError(401, "The inbound mail secret is missing or wrong.")
    if len(request.body or b"") > MAX_INBOUND_BYTES:
        raise ApiError(413, f"The request is larger than {MAX_INBOUND_BYTES} bytes.")


def _fields(request: Request) -> dict[str, Any]:
    """The posted fields, one value each (the first), as text."""
    kind = (request.content_type or "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            value = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, "The request body is not valid JSON.") from None
        if not isinstance(value, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return value
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise ApiError(400, "Post the mail as a form (multipart/form-data) or a JSON object.")
    try:
        form = request.form
    except Exception:  # a malformed multipart body
        raise ApiError(400, "The form could not be read.") from None
    return {name: values[0] for name, values in (form or {}).items() if values}


def _first(fields: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def reply_text(text: str) -> str:
    """The customer's own words: the quoted earlier mail ("> ..." lines and the "On ... wrote:"
    line before them) and control characters removed."""
    kept: list[str] = []
    for line in remove_controls(text).replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    while kept and (not kept[-1].strip() or _QUOTE_HEADER.match(kept[-1])):
        kept.pop()
    return "\n".join(kept).strip()


def _late_reply_rules(settings: Settings, now: datetime) -> LateReplyRules:
    return LateReplyRules(
        reopen_within=timedelta(days=settings.reopen_within_days),
        deadline_hours=settings.response_deadline_hours,
        ticket_prefix=settings.ticket_prefix,
        phone_region=settings.phone_region,
        clocks=complaint_clocks(settings, now),
    )


def _keep(
    url: str, settings: Settings, ticket: str, sender: str, subject: str, text: str
) -> tuple[str, str | None]:
    now = datetime.now(timezone.utc)
    rules = _late_reply_rules(settings, now)
    with session_scope(url) as session:
        complaint, happened = replies.record_inbound(
            session, ticket, sender, subject, text, rules, now=now
        )
        return str(complaint.ticket), happened


@mail_routes.route("/api/mail/inbound", methods=["POST"])
async def inbound(request: Request) -> HTTPResponse:
    await _admit(request, "mail_inbound_ip")
    fields = _fields(request)
    subject = remove_controls(_first(fields, FIELD_NAMES["subject"]))[:MAX_SUBJECT_CHARS]
    ticket = replies.ticket_in(subject)
    if ticket is None:
        raise ApiError(422, "The subject names no ticket (e.g. [C-4KX9TR]).")
    try:
        sender = normalize_address(_sender_address(_first(fields, FIELD_NAMES["sender"])))
    except MailError:
        raise ApiError(422, "The sender ('from') is not an e-mail address.") from None
    text = reply_text(_first(fields, FIELD_NAMES["text"]))
    if not text:
        raise ApiError(422, "The mail has no text.")
    if len(text) > MAX_INBOUND_TEXT_CHARS:
        raise ApiError(413, f"The mail's text is longer than {MAX_INBOUND_TEXT_CHARS} characters.")
    try:
        kept, happened = await run_staff_db(
            _keep,
            database_url(request.app),
            settings_of(request.app),
            ticket,
            sender,
            subject,
            text,
        )
    except LookupError:
        raise ApiError(404, "No complaint with the ticket in the subject.") from None
    except PermissionError:
        raise ApiError(403, "The mail is not from the complaint's contact address.") from None
    # "ticket": the complaint the message went to (a new one after a follow-up)
    return response.json(
        {"ticket": kept, "kept": True, "replied_to": ticket, "outcome": happened or "added"}
    )


def _sender_address(value: str) -> str:
    """The address of a ``From`` value (``Ana <ana@example.com>`` or a bare address)."""
    if any(ch in value for ch in "\r\n"):
        return ""
    return parseaddr(value)[1]


#: Provider events that mean "will not be delivered".
BOUNCE_EVENTS = ("bounce", "bounced", "dropped", "failed")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _bounces(value: Any) -> list[tuple[str, str]]:
    """(Message-ID, reason) of each permanent bounce in a provider's report."""
    events = value if isinstance(value, list) else [value]
    found: list[tuple[str, str]] = []
    for item in events[:1000]:
        if not isinstance(item, dict):
            raise ApiError(422, "Each bounce report must be a JSON object.")
        nested = item.get("event-data")
        data: dict[str, Any] = nested if isinstance(nested, dict) else item
        event = str(data.get("event") or "bounce").lower()
        if event not in BOUNCE_EVENTS or str(data.get("severity") or "permanent") != "permanent":
            continue
        headers = _mapping(_mapping(data.get("message")).get("headers"))
        message_id = data.get("message_id") or data.get("smtp-id") or headers.get("message-id")
        status = _mapping(data.get("delivery-status"))
        reason = data.get("reason") or status.get("description") or status.get("message") or event
        if not isinstance(message_id, str) or not message_id.strip():
            raise ApiError(422, "A bounce report names no Message-ID.")
        found.append((message_id, remove_controls(str(reason))[:500] or event))
    return found


def _record_bounces(url: str, bounces: list[tuple[str, str]]) -> int:
    with session_scope(url) as session:
        for message_id, reason in bounces:
            mark_bounced(session, message_id, reason)
        return len(bounces)


@mail_routes.route("/api/mail/bounce", methods=["POST"])
async def bounce(request: Request) -> HTTPResponse:
    await _admit(request, "mail_bounce_ip")
    try:
        value = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    try:
        bounces = _bounces(value)
    except MailError:
        raise ApiError(422, "A Message-ID is not one line of text.") from None
    try:
        recorded = await run_staff_db(_record_bounces, database_url(request.app), bounces)
    except MailError:
        raise ApiError(422, "A Message-ID is not one line of text.") from None
    except LookupError:
        raise ApiError(404, "No mail we sent has that Message-ID.") from None
    return response.json({"recorded": recorded})
