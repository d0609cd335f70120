"""The simulated customers' conversations.

A complaint conversation is adaptive, as a person would be: after the opening messages the
customer answers whatever the bot asked (what we can do, the order number, a contact) until the
bot names a ticket, then says the closing words. Order numbers, e-mail addresses and phone
numbers are drawn at random per conversation, so no two customers look like one repeated
complaint. The starter bot's conversations are its own mood flow, fixed sequences.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from bot.store import TICKET_ALPHABET

#: The questions a customer answers, by the response that asks them.
QUESTIONS: dict[str, str] = {
    "utter_ask_desired_resolution": "resolution",
    "utter_ask_order_ref": "order",
    "utter_ask_contact": "contact",
}

#: More turns than any scripted complaint needs: beyond this the conversation is stuck.
MAX_TURNS = 10


def ticket_pattern(prefix: str = "C") -> re.Pattern[str]:
    alphabet = re.escape(TICKET_ALPHABET)
    return re.compile(rf"\b{re.escape(prefix)}-[{alphabet}]{{6}}\b")


@dataclass(frozen=True)
class Script:
    """One kind of conversation.

    ``answers`` maps a question (``resolution``, ``order``, ``contact``) to the customer's
    answer; ``{order}``, ``{email}`` and ``{phone}`` are filled in per conversation.
    """

    name: str
    language: str  # en, hr, sr, bs
    script: str  # latin, cyrillic
    opening: tuple[str, ...]
    answers: dict[str, str] = field(default_factory=dict)
    closing: tuple[str, ...] = ()
    #: Whether the conversation must end with a logged complaint (a ticket).
    complaint: bool = True

    def messages(self) -> list[str]:
        """Every message the script can send, with example values filled in."""
        phone = mobile_number(self.language, 1, 234, 5678)
        values = {"order": "ORD-12345", "email": "ana.horvat@example.com", "phone": phone}
        texts = [*self.opening, *self.answers.values(), *self.closing]
        return [text.format(**values) for text in texts]


def _complaint(
    name: str,
    language: str,
    opening: Sequence[str],
    resolution: str,
    order: str,
    contact: str,
    closing: Sequence[str] = (),
    script: str = "latin",
) -> Script:
    return Script(
        name=name,
        language=language,
        script=script,
        opening=tuple(opening),
        answers={"resolution": resolution, "order": order, "contact": contact},
        closing=tuple(closing),
    )


COMPLAINT_SCRIPTS: tuple[Script, ...] = (
    # English
    _complaint(
        "en-delivery",
        "en",
        ["hello", "I ordered a coffee grinder two weeks ago and the parcel still has not arrived"],
        "please just tell me when it will be delivered",
        "the order number is {order}",
        "{email}",
        ["thanks a lot", "bye"],
    ),
    _complaint(
        "en-quality",
        "en",
        ["the kettle I bought from you leaks from the bottom after only four days"],
        "I would like a replacement",
        "it's {order}",
        "you can call me on {phone}",
    ),
    _complaint(
        "en-billing",
        "en",
        ["you charged my card twice for the same order yesterday"],
        "please correct the invoice",
        "{order}",
        "write to me at {email}",
        ["thank you"],
    ),
    # Croatian
    _complaint(
        "hr-delivery",
        "hr",
        [
            "dobar dan, trebam pomoć",
            "naručio sam kosilicu prije dva tjedna i paket još nije stigao",
        ],
        "samo mi javite kada će stići",
        "broj narudžbe je {order}",
        "{email}",
        ["hvala lijepa", "doviđenja"],
    ),
    _complaint(
        "hr-quality",
        "hr",
        ["sušilo za kosu koje sam kupila kod vas prestalo je raditi nakon tjedan dana"],
        "pošaljite mi novo molim vas",
        "{order}",
        "moj broj je {phone}",
    ),
    _complaint(
        "hr-service",
        "hr",
        ["prodavačica u vašoj trgovini bila je jako neljubazna i nije me htjela poslužiti"],
        "htjela bih ispriku",
        "{order}",
        "{email}",
        ["hvala"],
    ),
    # Serbian, Latin script
    _complaint(
        "sr-latn-delivery",
        "sr",
        [
            "dobro veče, da li mi možete pomoći",
            "poručio sam telefon pre deset dana i pošiljka još uvek nije stigla",
        ],
        "javite mi samo kad će stići",
        "broj porudžbine je {order}",
        "{email}",
        ["hvala puno", "prijatno"],
    ),
    _complaint(
        "sr-latn-quality",
        "sr",
        ["blender iz porudžbine koji sam dobila pre nedelju dana je prestao da radi"],
        "pošaljite mi drugi",
        "{order}",
        "moj broj telefona je {phone}",
    ),
    _complaint(
        "sr-latn-technical",
        "sr",
        ["aplikacija mi uvek javlja grešku kad pokušam da platim karticom"],
        "da proradi, šta drugo",
        "{order}",
        "pišite mi na {email}",
    ),
    # Serbian, Cyrillic script
    _complaint(
        "sr-cyrl-delivery",
        "sr",
        ["добар дан", "поручила сам књиге пре две недеље и пакет још није стигао"],
        "само ми јавите кад стиже",
        "број поруџбине је {order}",
        "{email}",
        ["хвала вам", "поздрав"],
        script="cyrillic",
    ),
    _complaint(
        "sr-cyrl-quality",
        "sr",
        ["тостер који сам купио код вас престао је да ради после три дана"],
        "пошаљите ми нови",
        "{order}",
        "мој број је {phone}",
        script="cyrillic",
    ),
    _complaint(
        "sr-cyrl-billing",
        "sr",
        ["наплатили сте ми доставу два пута за исту поруџбину"],
        "исправите рачун, молим вас",
        "{order}",
        "пишите ми на {email}",
        script="cyrillic",
    ),
    # Bosnian
    _complaint(
        "bs-delivery",
        "bs",
        ["selam", "naručila sam posteljinu prije dvije sedmice i paket još uvijek nije stigao"],
        "samo mi javite kad će doći",
        "broj narudžbe je {order}",
        "{email}",
        ["fala lijepo", "ugodan dan"],
    ),
    _complaint(
        "bs-quality",
        "bs",
        ["pegla koju sam kupio kod vas ne grije nakon sedmicu dana"],
        "hoću zamjenu",
        "{order}",
        "moj broj je {phone}",
    ),
    _complaint(
        "bs-technical",
        "bs",
        ["već sedmicu se ne mogu prijaviti na vašu stranicu, stalno izbacuje grešku"],
        "ne znam, da proradi",
        "{order}",
        "pišite mi na {email}",
    ),
)

#: Conversations that must not end in a complaint: praise, a question about the bot, goodbye.
OTHER_SCRIPTS: tuple[Script, ...] = (
    Script(
        "en-praise",
        "en",
        "latin",
        ("the lady at your checkout was really kind to my mother", "are you a bot?", "bye"),
        complaint=False,
    ),
    Script(
        "hr-praise",
        "hr",
        "latin",
        ("pohvala za djelatnika na blagajni, bio je jako strpljiv", "hvala", "doviđenja"),
        complaint=False,
    ),
    Script(
        "sr-cyrl-praise",
        "sr",
        "cyrillic",
        ("продавачица у вашој радњи је била баш љубазна, свака част", "поздрав"),
        complaint=False,
    ),
)

OUR_SCRIPTS: tuple[Script, ...] = COMPLAINT_SCRIPTS + OTHER_SCRIPTS

#: Rasa's starter bot (``rasa init``): the mood conversations it was built for.
STARTER_SCRIPTS: tuple[Script, ...] = (
    Script("mood-happy", "en", "latin", ("hello", "I am feeling great", "bye"), complaint=False),
    Script("mood-sad-helped", "en", "latin", ("hi", "I am sad", "yes", "goodbye"), complaint=False),
    Script(
        "mood-sad-not", "en", "latin", ("hey there", "my day was horrible", "no"), complaint=False
    ),
    Script(
        "mood-bot", "en", "latin", ("good morning", "are you a bot?", "see you"), complaint=False
    ),
)


@lru_cache(maxsize=1)
def question_texts() -> dict[str, str]:
    """Every language's text of the questions in :data:`QUESTIONS`, mapped to the question."""
    domain = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for response, question in QUESTIONS.items():
        for variation in domain["responses"][response]:
            texts[variation["text"].strip()] = question
    return texts


def classify(reply: str) -> str | None:
    """The question ``reply`` asks (``resolution``, ``order``, ``contact``), if any."""
    return question_texts().get(reply.strip())


#: Mobile numbers of the country each language's customers live in, as (prefix, digits after
#: it): Croatia 09x and seven, Serbia 06x and seven, Bosnia and Herzegovina 06x and six; the
#: bench's English customers write from Croatia. The language detector reads a number's
#: country as evidence of the variant.
MOBILE_PLANS = {"en": ("09", 7), "hr": ("09", 7), "sr": ("06", 7), "bs": ("06", 6)}


def mobile_number(language: str, operator: int, middle: int, last: int) -> str:
    """``<prefix><operator> <middle> <last>``, ``last`` cut to the country's length."""
    prefix, digits = MOBILE_PLANS[language]
    tail = str(last)[: digits - 3]
    return f"{prefix}{operator} {middle} {tail}"
_NAMES = ("ana", "marko", "ivana", "nikola", "amra", "petar", "lejla", "jelena", "tomo", "sara")


def random_values(rng: random.Random, language: str = "hr") -> dict[str, str]:
    """An order number, e-mail address and mobile number (of the ``language``'s country: the
    language detector reads a phone number's country as evidence of the variant)."""
    name = rng.choice(_NAMES)
    return {
        "order": f"ORD-{rng.randint(10000, 99999)}",
        "email": f"{name}.{rng.randint(1000, 99999)}@example.com",
        "phone": mobile_number(
            language, rng.randint(1, 5), rng.randint(100, 999), rng.randint(1000, 9999)
        ),
    }


class Conversation:
    """One customer's walk through a :class:`Script`.

    Call :meth:`next_message` with the bot's replies to the previous message (``None`` at the
    start); it returns the customer's next message, or ``None`` when the conversation is over.
    ``ticket`` is the ticket the bot named; ``flow_error`` says what went wrong, if anything.
    """

    def __init__(self, script: Script, rng: random.Random, ticket_prefix: str = "C") -> None:
        self.script = script
        self.values = random_values(rng, script.language)
        self.pending = list(script.opening)
        self.ticket: str | None = None
        self.flow_error: str | None = None
        self.turns = 0
        self._closing_queued = False
        self._ticket_re = ticket_pattern(ticket_prefix)

    def next_message(self, replies: Sequence[str] | None) -> str | None:
        if replies is not None:
            self._read(replies)
        if self.flow_error is not None:
            return None
        if self.turns >= MAX_TURNS:
            self.flow_error = "too_many_turns"
            return None
        text = self._choose(replies)
        if text is not None:
            self.turns += 1
        return text

    def _read(self, replies: Sequence[str]) -> None:
        if not self.script.complaint and any(classify(reply) for reply in replies):
            self.flow_error = "taken_for_complaint"  # the bot asked a complaint's questions
            return
        for reply in replies:
            found = self._ticket_re.search(reply)
            if found and self.ticket is None:
                self.ticket = found.group(0)
        if self.ticket is not None and not self._closing_queued:
            self._closing_queued = True
            if not self.script.complaint:
                self.flow_error = "unexpected_ticket"
            self.pending = list(self.script.closing)

    def _choose(self, replies: Sequence[str] | None) -> str | None:
        if self.pending:
            return self.pending.pop(0).format(**self.values)
        if not self.script.complaint or self.ticket is not None:
            return None
        question = classify(replies[-1]) if replies else None
        if question is None or question not in self.script.answers:
            last = replies[-1][:60] if replies else "no reply"
            self.flow_error = f"no_ticket: bot said {last!r}"
            return None
        return self.script.answers[question].format(**self.values)

    @property
    def ended_in_complaint(self) -> bool:
        return self.ticket is not None
