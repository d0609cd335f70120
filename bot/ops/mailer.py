"""The mail sender: a background task of every Rasa server that empties the persistent mail
outbox (:mod:`bot.store.mail`) through the SMTP server of ``SMTP_URL`` with ``aiosmtplib``.

Started with the server like the outbox replay (a Sanic ``after_server_start`` listener added
by :func:`bot.rasa_patches.install`). Every few seconds it claims the due mails (a conditional
UPDATE, so one instance sends each), builds each with :class:`email.message.EmailMessage`
(headers set through the library, the values checked again: no line break reaches a header)
and sends it:

* accepted: ``sent`` (and a ``mail_sent`` event on the complaint);
* the server is away, times out, or answers 4xx: tried again later, each pause twice as long
  (``mail_first_retry_seconds``, at most an hour), up to ``mail_max_attempts``;
* refused for good (5xx for the recipient or the message: a bounce at the door), or out of
  attempts: ``failed``, recorded on the complaint as ``mail_failed`` for the agents.

Database work runs in worker threads (:func:`bot.store.blocking.run_db`); the SMTP dialogue is
asynchronous, so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib

from bot.settings import Settings
from bot.store import mail as outbox
from bot.store import session_scope
from bot.store.blocking import run_db
from bot.store.tables import utcnow

logger = logging.getLogger(__name__)

#: The longest pause between two looks at the outbox.
SCAN_EVERY_SECONDS = 3.0
MAX_RETRY_SECONDS = 3600.0
SMTP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send, from ``SMTP_URL``."""

    hostname: str
    port: int
    use_tls: bool = False
    start_tls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """``smtp://host:25``, ``smtp+starttls://user:pass@host:587``, ``smtps://host:465``."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtp+starttls", "starttls", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must be smtp://, smtp+starttls:// or smtps:// with a host")
        use_tls = scheme == "smtps"
        start_tls = scheme in ("smtp+starttls", "starttls")
        default_port = 465 if use_tls else 587 if start_tls else 25
        return cls(
            hostname=parts.hostname,
            port=parts.port or default_port,
            use_tls=use_tls,
            start_tls=start_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class PermanentFailure(Exception):
    """The server refused the mail for good (a 5xx for the recipient or the message)."""


def build_message(mail: dict[str, Any], mail_from: str) -> EmailMessage:
    """The mail as :class:`EmailMessage`: the subject and addresses go through
    :mod:`bot.store.mail`'s checks again, so no header can be injected whatever the row says."""
    name, address = parseaddr(mail_from)
    sender = outbox.normalize_address(address)
    message = EmailMessage()
    message["From"] = (
        formataddr((outbox.header_text(name, "sender name"), sender)) if name else sender
    )
    message["To"] = outbox.normalize_address(mail["recipient"])
    message["Subject"] = outbox.header_text(mail["subject"])
    if mail.get("reply_to"):
        message["Reply-To"] = outbox.normalize_address(mail["reply_to"])
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[1])
    message.set_content(mail["body"])  # before Content-Language: it resets Content-* headers
    if mail.get("language"):
        message["Content-Language"] = outbox.header_text(str(mail["language"]), "language", 35)
    return message


def _permanent(error: Exception) -> bool:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refused.code < 600 for refused in error.recipients)
    if isinstance(error, (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError)):
        return 500 <= error.code < 600
    return False


def _short(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:500]


class Mailer:
    """Sends the due mails of the outbox in database ``url`` through ``server``."""

    def __init__(
        self,
        url: str,
        server: SmtpServer,
        mail_from: str,
        max_attempts: int = 10,
        first_retry_seconds: float = 30.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.url = url
        self.server = server
        self.mail_from = mail_from
        self.max_attempts = max_attempts
        self.first_retry_seconds = first_retry_seconds
        self.clock = clock
        #: Set to send at once (a reply was queued) instead of at the next scan.
        self.wake = asyncio.Event()

    def _claim(self, now: datetime) -> list[dict[str, Any]]:
        with session_scope(self.url) as session:
            return outbox.claim_due(session, now=now)

    def _settle(self, mail_id: int, change: Callable[..., None], *args: Any) -> None:
        with session_scope(self.url) as session:
            change(session, mail_id, *args)

    async def send_one(self, mail: dict[str, Any]) -> str:
        """Send one claimed mail; its outcome: ``sent``, ``retry`` or ``failed``."""
        try:
            message = build_message(mail, self.mail_from)
        except (outbox.MailError, ValueError) as error:
            await run_db(self._settle, mail["id"], outbox.mark_failed, _short(error))
            return "failed"
        try:
            await aiosmtplib.send(
                message,
                hostname=self.server.hostname,
                port=self.server.port,
                username=self.server.username,
                password=self.server.password,
                use_tls=self.server.use_tls,
                start_tls=self.server.start_tls,
                timeout=SMTP_TIMEOUT_SECONDS,
            )
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as error:
            reason = _short(error)
            if _permanent(error) or mail["attempts"] >= self.max_attempts:
                logger.warning("mail %s given up: %s", mail["id"], reason)
                await run_db(self._settle, mail["id"], outbox.mark_failed, reason)
                return "failed"
            pause = min(MAX_RETRY_SECONDS, self.first_retry_seconds * 2 ** (mail["attempts"] - 1))
            next_at = self.clock() + timedelta(seconds=pause)
            logger.info("mail %s not sent (%s); again in %.0f s", mail["id"], reason, pause)
            await run_db(self._settle, mail["id"], outbox.schedule_retry, reason, next_at)
            return "retry"
        await run_db(self._settle, mail["id"], outbox.mark_sent, str(message["Message-ID"]))
        return "sent"

    async def send_due(self) -> dict[str, int]:
        """Send every mail that is due now; counts of the outcomes."""
        counts = {"sent": 0, "retry": 0, "failed": 0}
        for mail in await run_db(self._claim, self.clock()):
            counts[await self.send_one(mail)] += 1
        return counts

    async def run_forever(self, interval: float = SCAN_EVERY_SECONDS) -> None:
        while True:
            try:
                await self.send_due()
            except Exception:  # the database is away, say: log and keep going
                logger.exception("mail: the scan failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wake.wait(), interval)
            self.wake.clear()


def mailer_of(settings: Settings) -> Mailer | None:
    """The mailer of these settings, or ``None`` when no ``SMTP_URL`` is set (mail waits)."""
    if not settings.smtp_url:
        return None
    return Mailer(
        settings.database_url,
        SmtpServer.from_url(settings.smtp_url),
        settings.mail_from,
        max_attempts=settings.mail_max_attempts,
        first_retry_seconds=settings.mail_first_retry_seconds,
    )


def listeners(settings: Settings) -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """Sanic listeners that start and stop the sender with the Rasa server."""

    async def start(app: Any, _loop: Any = None) -> None:
        mailer = mailer_of(settings)
        if mailer is None:
            logger.warning("SMTP_URL is not set: replies by e-mail are queued, not sent")
            return
        app.ctx.mailer = mailer
        app.ctx.mail_sender = asyncio.get_running_loop().create_task(mailer.run_forever())

    async def stop(app: Any, _loop: Any = None) -> None:
        task = getattr(app.ctx, "mail_sender", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return [(start, "after_server_start"), (stop, "before_server_stop")]
