"""Rule-based entities: ``order_ref``, ``ticket``, ``email``, ``phone``, ``amount``.

Spans are on the original text; values are normalised:

* ``order_ref`` - the reference as the shop writes it: bare digits for ``order #48213``,
  ``narudžbe br. 48213``, ``поруџбина 48213`` or ``#48213`` (value ``48213``); an upper-case
  ``PREFIX-digits`` code when the customer wrote one (``ORD-48213``, ``ord48213`` ->
  ``ORD-48213``). Order phrases are found by a spaCy ``Matcher`` over the tokens of a blank
  pipeline, matched on folded token text so ``narudžba``, ``narudzba`` and ``наруџба`` agree.
  The words are data (``bot/text/data/order_references.yml``): an order, a receipt, an
  invoice, a booking, an older complaint's number (``receipt no. 2231-0098-77`` keeps its
  dashes), or a number word alone before 4 to 6 digits (``Broj je 77120.``), never a phone
  number or a year. The span covers the reference only.
* ``ticket`` - ``C-4KX9TR``: 1-3 prefix letters, a dash, exactly 6 characters of
  :data:`TICKET_ALPHABET`; case-insensitive. Codes typed on a Serbian Cyrillic keyboard
  (``Ц-4КХ9ТР``) are read key by key: ``ц`` -> C, ``х`` -> H, ``љ`` -> Q, ``њ`` -> W,
  ``џ`` -> X. Value: upper-case Latin. Prefixes used by order codes (``ORD``...) are no tickets.
* ``email`` - value lower-cased.
* ``phone`` - 6 to 15 digits written as a phone number: international (``+385 91 234 5678``,
  ``00385...``), national with a leading 0 (``091/234-5678``, ``060 123 4567``), US style
  (``(555) 123-4567``, ``555-123-4567``), or any digit run right after a phone word (``tel``,
  ``mob``, ``phone``, ``телефон``...). Dates, amounts and order numbers are not phones.
  Value: ``+`` and digits for international numbers (``00`` becomes ``+``), else digits.
* ``amount`` - a number with a currency before or after it (``49,99 €``, ``120 kn``,
  ``1.500 dinara``, ``30 KM``, ``$25``, ``25 EUR``, ``25 eura``). Value: ``"<number> <ISO>"``
  with a decimal point and no thousands separator (``"1500 RSD"``, ``"49.99 EUR"``).
  Lower-case ``km`` is read as kilometres, upper-case ``KM`` as convertible marks.

Where candidates overlap, the higher entity in :data:`PRIORITY` wins, then the longer span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML

from bot.text.fold import fold, to_latin

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher

ENTITY_TYPES: tuple[str, ...] = ("order_ref", "ticket", "email", "phone", "amount")
#: The entities that are a way to reach the customer (a complaint's ``contact``).
CONTACT_ENTITIES: frozenset[str] = frozenset({"email", "phone"})
#: Overlap resolution, most trusted first.
PRIORITY: tuple[str, ...] = ("email", "ticket", "amount", "order_ref", "phone")
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Prefixes of order codes: ``ORD-482345`` is an order, not a ticket.
ORDER_CODE_PREFIXES = frozenset({"ORD", "NAR", "POR", "BR", "NO", "NR"})


@dataclass(frozen=True)
class EntitySpan:
    """One entity: type, normalised value and character offsets on the original text."""

    entity: str
    value: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        """The entity in Rasa's format (without the extractor name)."""
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}


# --- tickets -------------------------------------------------------------------------------

_CYRILLIC_KEYS = {"љ": "q", "Љ": "Q", "њ": "w", "Њ": "W", "џ": "x", "Џ": "X"}
_TICKET = re.compile(
    r"(?<![\w-])([^\W\d_]{1,3})[ ]?[-‐‑–—][ ]?(\w{6})(?![\w-])",
)


def _ticket_chars(text: str) -> str:
    return to_latin("".join(_CYRILLIC_KEYS.get(char, char) for char in text)).upper()


def _tickets(text: str) -> list[EntitySpan]:
    spans = []
    for match in _TICKET.finditer(text):
        prefix, body = _ticket_chars(match.group(1)), _ticket_chars(match.group(2))
        if not (prefix.isascii() and prefix.isalpha()) or prefix in ORDER_CODE_PREFIXES:
            continue
        if len(body) != 6 or any(char not in TICKET_ALPHABET for char in body):
            continue
        spans.append(EntitySpan("ticket", f"{prefix}-{body}", match.start(), match.end()))
    return spans


# --- emails --------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])"
)


def _emails(text: str) -> list[EntitySpan]:
    return [
        EntitySpan("email", match.group(0).lower(), match.start(), match.end())
        for match in _EMAIL.finditer(text)
    ]


# --- amounts -------------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCIES: tuple[tuple[str, str], ...] = (
    ("EUR", r"€|eur(?:a|o|e|i|ima|os)?|evr(?:a|o|e|ima)?|евр(?:а|о|е|има)?"),
    ("HRK", r"kn|kun(?:a|e|i|ama)?|hrk|кун(?:а|е|и)?"),
    ("RSD", r"din(?:ara|ari|ar|\.)?|rsd|дин(?:ара|ари|ар|\.)?"),
    ("BAM", r"km|bam|marak(?:a|e)|конвертибилних марака|км|марак(?:а|е)"),
    ("USD", r"\$|usd|dolar(?:a|i|e)?|dollars?|долар(?:а|и|е)?"),
    ("GBP", r"£|gbp|pounds?|funt(?:a|i|e)?"),
)
_CURRENCY = "|".join(f"(?P<{code}>{pattern})" for code, pattern in _CURRENCIES)
_AMOUNT_AFTER = re.compile(
    rf"(?<![\w.,])(?P<number>{_NUMBER})[\u00a0 ]?(?:{_CURRENCY})(?![^\W\d_])", re.IGNORECASE
)
_AMOUNT_BEFORE = re.compile(
    rf"(?<![\w.,])(?:{_CURRENCY})[\u00a0 ]?(?P<number>{_NUMBER})(?![\w]|[.,]\d)",
    re.IGNORECASE,
)


def parse_number(text: str) -> Decimal | None:
    """``1.500`` -> 1500, ``49,99`` -> 49.99, ``1.500,50`` and ``1,500.50`` -> 1500.50."""
    text = text.replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        decimal_mark = ""
    else:
        decimal_mark = "," if "," in text else "."
    thousands = {",": ".", ".": ",", "": ".,"}[decimal_mark]
    for separator in thousands:
        text = text.replace(separator, "")
    if decimal_mark:
        text = text.replace(decimal_mark, ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _amounts(text: str) -> list[EntitySpan]:
    spans = []
    for pattern in (_AMOUNT_AFTER, _AMOUNT_BEFORE):
        for match in pattern.finditer(text):
            code = next(code for code, _ in _CURRENCIES if match.group(code))
            if code == "BAM" and match.group(code) in ("km", "км"):
                continue
            number = parse_number(match.group("number"))
            if number is None:
                continue
            spans.append(EntitySpan("amount", f"{number} {code}", match.start(), match.end()))
    return spans


# --- phones --------------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w#+.,/-])(?:"
    r"(?:\+|00)\d{1,3}(?:[ \-./]?\(?\d{1,4}\)?){2,6}"
    r"|\(?0\d{1,4}\)?(?:[ \-./]{1,2}\d{2,6}){1,4}"
    r"|\(?0\d{5,14}\b"
    r"|\(\d{3}\)[ ]?\d{3}[ \-.]\d{4}"
    r"|\d{3}[\-.]\d{3}[\-.]\d{4}"
    r"|\d{6,15}"
    r")(?![\w]|[.,]\d)"
)
_PHONE_WORDS = re.compile(
    r"(?:tel|telefon\w*|mob|mobitel\w*|mobilni\w*|phone|cell|call me|nazovite|pozovite|"
    r"телефон\w*|моб\w*|позовите)\W{0,20}(?:\w+\W{1,3}){0,2}$",
    re.IGNORECASE,
)
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})")


def _phones(text: str) -> list[EntitySpan]:
    spans = []
    for match in _PHONE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 6 <= len(digits) <= 15 or _DATE.fullmatch(raw):
            continue
        if raw.startswith("+") or raw.startswith("00"):
            value = "+" + (digits[2:] if raw.startswith("00") else digits)
        elif raw.lstrip("(").startswith("0"):
            if len(digits) < 8:
                continue
            value = digits
        elif re.search(r"[\-.() ]", raw) or _PHONE_WORDS.search(
            text[max(0, match.start() - 40) : match.start()]
        ):
            value = digits
        else:
            continue
        spans.append(EntitySpan("phone", value, match.start(), match.end()))
    return spans


# --- order references ----------------------------------------------------------------------

_ORDER_CODE = re.compile(r"(?<![\w-])(ORD)[-_ ]?(\d{3,12})(?![\w-])", re.IGNORECASE)
#: The token after the order words, folded: a code with at least one digit, maybe in groups
#: joined by "-" or "/", maybe after "#", "no." or "br." written without a space.
_REFERENCE_TOKEN = (
    r"^(?:#|(?:no|nr|br)\.|(?:no|nr|br)(?=\d))?"
    r"(?=\S*\d)[a-z0-9]+(?:[-/][a-z0-9]+)*[.,;:!?)]*$"
)
#: What is stripped before the code itself: "#48213", "no.48213", "br.48213".
_REFERENCE_LEAD = re.compile(r"#|(?:no|nr|br)\.|(?:no|nr|br)(?=\d)", re.IGNORECASE)
#: The code on the original text: letters and digits, groups joined by "-" or "/" with no space.
_CODE = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")
#: A letter prefix and digits, written "AB-12345" whatever the customer typed ("ab12345").
_PREFIXED = re.compile(r"(?P<prefix>[^\W\d_]{1,4})-?(?P<digits>\d{3,12})")
#: A number and a unit or an ordinal suffix ("500g", "64gb", "100th"): no reference.
_MEASURE = re.compile(r"\d+[a-z]{1,3}")
_CODE_BEFORE = re.compile(r"[^\W_][-/]?$")
_ISO_DATE = re.compile(r"(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}")
MAX_REFERENCE_LENGTH = 30
ORDER_WORDS_FILE = Path(__file__).with_name("data") / "order_references.yml"
#: A reference after a number word alone ("broj je 77120"): short, so that it is no phone.
_BARE_REFERENCE = re.compile(r"^[1-9]\d{3,5}$")
#: Four-digit numbers read as years, never as a reference ("reklamacija 2024 još stoji").
_YEARS = range(1950, 2100)


def is_reference_code(code: str) -> bool:
    """Whether ``code`` (after an order word) looks like the reference a shop gives.

    Shops write references in many forms: digits ("48213", a tracking number of 20 digits),
    digit groups ("99-3301", "123/1/1", "123-4567890-1234567"), letters and digits ("AB12345",
    "RR123456789HR", "INV-2024-0012") or a booking code typed in capitals ("X7YK2Q"). Not
    references: a count or a short fraction ("2", "24/7"), a year, a date, a measure ("500g").
    """
    if not code or len(code) > MAX_REFERENCE_LENGTH:
        return False
    if _DATE.fullmatch(code) or _ISO_DATE.fullmatch(code):
        return False
    digits = sum(char.isdigit() for char in code)
    letters = sum(char.isalpha() for char in code)
    grouped = "-" in code or "/" in code
    if letters == 0:
        if grouped:
            return digits >= 4
        return digits >= 3 and not (digits == 4 and int(code) in _YEARS)
    if digits >= 3:
        return not _MEASURE.fullmatch(code)
    # a booking code ("X7YK2Q") is typed in capitals; in lower case it is more likely a word
    return digits >= 1 and letters >= 2 and 5 <= len(code) <= 10 and code == code.upper()


def is_distinct_code(code: str) -> bool:
    """Whether a reference code (:func:`is_reference_code`) is one no count or amount looks
    like: digit groups ("99-3301") or letters with digits ("4471BX"). Only such a code is taken
    a few words after the order word ("narudžba za tenisice 99-3301"), where a bare number may
    be anything ("order for 25000")."""
    if any(char.isalpha() for char in code):
        return True
    groups = re.split(r"[-/]", code)
    if len(groups) < 2 or sum(len(group) for group in groups) < 5:
        return False
    # a range of counts or days ("10-15", "100-150 units"), not a reference
    first, last = int(groups[0]), int(groups[-1])
    return not (len(groups) == 2 and len(groups[1]) <= 3 and first < last)


def _reference_value(code: str) -> str:
    prefixed = _PREFIXED.fullmatch(code)
    if prefixed:
        return f"{to_latin(prefixed.group('prefix')).upper()}-{prefixed.group('digits')}"
    return to_latin(code).upper()


@dataclass(frozen=True)
class OrderWords:
    """The word lists of :data:`ORDER_WORDS_FILE`, as spaCy ``Matcher`` token patterns."""

    reference: dict[str, Any]
    number: dict[str, Any]
    filler: dict[str, Any]


def _word_pattern(words: list[str]) -> dict[str, Any]:
    """A token pattern for folded words, ``stem*`` matching every word that starts with it."""
    alternatives = [
        re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word) for word in words
    ]
    return {"LOWER": {"REGEX": "^(?:" + "|".join(alternatives) + ")$"}}


@lru_cache(maxsize=1)
def order_words(path: Path = ORDER_WORDS_FILE) -> OrderWords:
    """The word lists, checked: each a non-empty list of texts."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    lists: dict[str, list[str]] = {}
    for key in ("reference_words", "number_words", "fillers"):
        words = data.get(key) if isinstance(data, dict) else None
        if not isinstance(words, list) or not words or not all(
            isinstance(word, str) and word.strip() for word in words
        ):
            raise ValueError(f"{path}: {key} must be a non-empty list of words")
        lists[key] = [fold(word.strip()) for word in words]
    return OrderWords(
        reference=_word_pattern(lists["reference_words"]),
        number=_word_pattern(lists["number_words"]),
        filler={**_word_pattern(lists["fillers"]), "OP": "?"},
    )


@lru_cache(maxsize=1)
def _order_matcher() -> tuple[Language, Matcher]:
    # heavy: importing spaCy takes seconds; processes that never parse order numbers skip it
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("xx")
    matcher = Matcher(nlp.vocab)
    words = order_words()
    reference = {"LOWER": {"REGEX": _REFERENCE_TOKEN}}
    filler = words.filler
    matcher.add(
        "ORDER_REF",
        [
            [words.reference, filler, filler, filler, reference],
            [words.number, words.reference, filler, filler, reference],
        ],
    )
    matcher.add("BARE_REF", [[words.number, filler, filler, reference]])
    any_word = {"OP": "?"}
    matcher.add("LOOSE_REF", [[words.reference, any_word, any_word, any_word, reference]])
    matcher.add("HASH_REF", [[{"ORTH": "#"}, {"TEXT": {"REGEX": r"^\d{4,12}$"}}]])
    return nlp, matcher


def _order_refs(text: str) -> list[EntitySpan]:
    # heavy: spaCy, as in _order_matcher
    from spacy.tokens import Doc

    nlp, matcher = _order_matcher()
    doc = nlp.make_doc(text)
    folded = Doc(
        nlp.vocab,
        words=[fold(token.text) for token in doc],
        spaces=[bool(token.whitespace_) for token in doc],
    )
    spans: dict[int, EntitySpan] = {}
    for match_id, _start, end in matcher(folded):
        token = doc[end - 1]
        kind = nlp.vocab.strings[match_id]
        if kind == "HASH_REF" and doc[end - 2].whitespace_:
            continue
        lead = _REFERENCE_LEAD.match(text, token.idx)
        code = _CODE.match(text, lead.end() if lead else token.idx)
        if code is None or code.start() in spans or not is_reference_code(code.group(0)):
            continue
        if _CODE_BEFORE.search(text, 0, code.start()):
            continue  # the tail of a longer code or date ("2025-05-12" seen from "05")
        if kind == "BARE_REF" and not _BARE_REFERENCE.match(code.group(0)):
            continue
        if kind == "LOOSE_REF" and not is_distinct_code(code.group(0)):
            continue
        value = _reference_value(code.group(0))
        spans[code.start()] = EntitySpan("order_ref", value, code.start(), code.end())
    for match in _ORDER_CODE.finditer(text):
        spans[match.start()] = EntitySpan(
            "order_ref", f"ORD-{match.group(2)}", match.start(), match.end()
        )
    return list(spans.values())


# --- all together --------------------------------------------------------------------------


def _resolve(candidates: list[EntitySpan]) -> list[EntitySpan]:
    """Drop overlapping spans: higher :data:`PRIORITY` first, then the longer span."""
    ranked = sorted(
        candidates,
        key=lambda span: (PRIORITY.index(span.entity), span.start - span.end, span.start),
    )
    chosen: list[EntitySpan] = []
    for span in ranked:
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda span: span.start)


def extract_entities(text: str) -> list[EntitySpan]:
    """All rule-based entities of ``text``, without overlaps, in text order."""
    if not text or not text.strip():
        return []
    candidates = [
        *_emails(text),
        *_tickets(text),
        *_amounts(text),
        *_order_refs(text),
        *_phones(text),
    ]
    return _resolve(candidates)
