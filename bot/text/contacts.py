"""Contacts and order references as keys that recognise a customer across conversations.

* e-mail: trimmed, NFKC, the whole address lower-cased (``Ana.K@Example.COM`` ->
  ``ana.k@example.com``); the address must have one ``@``, a non-empty local part and a
  domain with a dot, and no blanks or control characters. Local parts are not rewritten
  further (dots and ``+tags`` are the mail provider's business, not ours).
* phone: E.164 (``+385912345678``) through the ``phonenumbers`` library; a national number
  (``091 234 5678``) is read in ``region`` (the company's country, ``BOT_PHONE_REGION``). A
  number ``phonenumbers`` does not consider possible is no key.
* order reference: trimmed and upper-cased (``ord-48213`` -> ``ORD-48213``).

:func:`contact_key` decides whether a free-text contact is an e-mail address or a phone number.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from bot.text.clean import CONTROL_CHARS

#: Kinds of customer keys, in the order they are trusted.
KEY_KINDS: tuple[str, ...] = ("email", "phone", "order")
#: Longest input considered (RFC 5321 caps a path at 256 octets).
MAX_KEY_INPUT = 320

_EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")


def _prepared(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > MAX_KEY_INPUT:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or CONTROL_CHARS.search(text) or "\n" in text or "\r" in text:
        return None
    return text


def normalize_email(value: object) -> str | None:
    """The address as a key, or ``None`` when ``value`` is not an e-mail address."""
    text = _prepared(value)
    if text is None:
        return None
    text = text.strip("<>").lower()
    if not _EMAIL_RE.fullmatch(text) or ".." in text.split("@")[1]:
        return None
    return text


def normalize_phone(value: object, region: str | None) -> str | None:
    """The number in E.164, or ``None`` when ``value`` is no possible phone number.

    ``region`` (ISO 3166 alpha-2, e.g. ``HR``) reads national numbers; without one only
    international numbers (``+385...``, ``00385...``) are understood.
    """
    text = _prepared(value)
    if text is None or not any(ch.isdigit() for ch in text):
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_order(value: object) -> str | None:
    """The order reference as a key (upper case), or ``None`` when empty or unusable."""
    text = _prepared(value)
    if text is None or len(text) > 128:
        return None
    return re.sub(r"\s+", " ", text).upper()


def contact_key(value: object, region: str | None) -> tuple[str, str] | None:
    """``("email", address)`` or ``("phone", e164)`` for a contact, else ``None``."""
    email = normalize_email(value)
    if email is not None:
        return "email", email
    phone = normalize_phone(value, region)
    if phone is not None:
        return "phone", phone
    return None
