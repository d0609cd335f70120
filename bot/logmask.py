"""Personal data masked in logs: e-mail addresses, phone numbers, card numbers and IBANs.

:class:`MaskingFilter` rewrites a log record's message (with its arguments filled in) and its
traceback text. :func:`install` puts it in front of every record of the process through the
log-record factory, so it applies whatever handlers Rasa, Sanic or the action server set up
later, and structlog output too (Rasa's structlog renders through the standard library).
It is installed explicitly at each entry point: the Rasa server (:func:`bot.rasa_patches.install`),
the action server (:mod:`bot.ops.actions_main`) and the command line (:func:`bot.cli.main.main`).

E-mail and phone patterns are those of the entity rules (:mod:`bot.text.entities`), so what the
bot recognises as contact details is also what the logs hide.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.text.entities import _emails, _phones

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
CARD_MASK = "[card]"
IBAN_MASK = "[iban]"

#: 13-19 digits, optionally grouped by spaces or dashes (checked with Luhn).
_CARD = re.compile(r"(?<![\w+.,])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d)")
#: Two letters, two check digits, 11-30 letters or digits, optionally grouped by spaces.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
#: Long digit runs that may be phone numbers even without context (``0912345678``).
_DIGITS = re.compile(r"(?<![\w.,])\+?\d{9,15}(?![\w]|[.,]\d)")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return CARD_MASK if _luhn(digits) else match.group(0)


def _replace_spans(text: str, spans: list[tuple[int, int]], mask: str) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + mask + text[end:]
    return text


def mask(text: str) -> str:
    """``text`` with personal data replaced by ``[email]``, ``[card]``, ``[iban]``, ``[phone]``."""
    if not text or not any(char.isdigit() or char == "@" for char in text):
        return text
    text = _replace_spans(text, [(s.start, s.end) for s in _emails(text)], EMAIL_MASK)
    text = _IBAN.sub(IBAN_MASK, text)
    text = _CARD.sub(_card, text)
    text = _replace_spans(text, [(s.start, s.end) for s in _phones(text)], PHONE_MASK)
    return _DIGITS.sub(PHONE_MASK, text)


class MaskingFilter(logging.Filter):
    """Masks personal data in a record's message and traceback; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the record as the logging module would
            return True
        masked = mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
            record.exc_info = None  # the formatter would otherwise print the raw traceback
        return True


_FILTER = MaskingFilter()


def install() -> None:
    """Mask every log record this process creates from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    masked_record.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked_record)
