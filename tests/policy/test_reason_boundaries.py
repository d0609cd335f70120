"""Escalation reasons at their boundaries: the phrasings that must fire, and the look-alikes that
must not (docs/categories.md, "Escalation reasons").

"Repeat" counts only the customer's own complaints, messages or calls, or the company failing the
same way again; a count of anything else ("charged twice", "tried three times to log in") is no
repeat. "Money" covers indirect demands. "Human request" covers every way of preferring a person.
Abuse aimed at the bot is abuse.
"""

from __future__ import annotations

import pytest

from bot.policy import ConversationContext, MessageSignals, assess
from bot.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def _reasons(text: str, settings: Settings) -> set[str]:
    return set(assess(MessageSignals(text=text), ConversationContext(), settings).reasons)


FIRES = [
    # repeat: the customer's own contacts counted
    ("This is my third message about the missing parcel.", "repeat"),
    ("How many more times must I report this?", "repeat"),
    ("I've written five times already, refund me now", "repeat"),
    ("I have called you twice this week about the fridge", "repeat"),
    ("second email about the same broken blender", "repeat"),
    ("Ovo vam je treća poruka zbog istog paketa.", "repeat"),
    ("Koliko puta još moram prijavljivati isti kvar?", "repeat"),
    ("zvala sam vas već dva puta zbog ovoga", "repeat"),
    ("Пишем вам трећи пут због истог рачуна.", "repeat"),
    # the company failing the same way again is still one
    ("You sent me the wrong size again.", "repeat"),
    ("opet ste mi poslali krivu boju", "repeat"),
    ("koliko puta jos da vam pisem", "repeat"),
    # money: indirect demands
    ("Return what you charged me for the broken kettle.", "money"),
    ("I expect the amount back on my card.", "money"),
    ("give me back what I paid for this junk", "money"),
    ("the freezer died, please cover the groceries we lost", "money"),
    ("i want my money return for this broken lamp", "money"),
    ("htjela bih da mi se novac vrati na karticu", "money"),
    ("Please reverse the charge.", "money"),
    ("da mi vratite šta ste naplatili", "money"),
    ("očekujem da mi se iznos vrati na karticu", "money"),
    ("vratite mi ono sto sam platio", "money"),
    ("поништите наплату, нисам ништа наручила", "money"),
    # human request: preferring a person
    ("Am I chatting with a machine? I'd prefer a real person", "human_request"),
    ("I'd rather deal with someone from your team", "human_request"),
    ("Is there a real person there?", "human_request"),
    ("jel ja pričam s mašinom? radije bih s čovjekom", "human_request"),
    ("radije bih razgovarala sa zaposlenim", "human_request"),
    ("да ли постоји неки прави човек тамо", "human_request"),
    # a call asked of someone responsible, in the present form that asks for it
    ("netko odgovoran neka ovo pogleda i nazove me", "human_request"),
    ("нека ме позове неко надлежан за рачуне", "human_request"),
    # abuse aimed at the bot
    ("this bot is rubbish, total junk", "anger"),
    ("your chatbot is a joke", "anger"),
    ("ovaj bot je smeće", "anger"),
    ("glupi bote, ništa ne razumiješ", "anger"),
]

LOOK_ALIKES = [
    # counts that are not complaints counted
    ("I tried three times to log in and the page froze.", "repeat"),
    ("the courier rang twice but I was at work", "repeat"),
    ("I pressed the pay button twice and it took the money twice", "repeat"),
    ("I was charged twice for one order", "repeat"),
    ("triput sam se pokušao prijaviti, stranica se smrzne", "repeat"),
    ("dostavljač je zvonio dvaput dok nisam bila kući", "repeat"),
    ("naplatili ste mi dva puta istu narudžbu", "repeat"),
    ("покушала сам три пута да платим картицом", "repeat"),
    # "again" of the customer's own purchase, or of money taken again (a double charge)
    ("I bought the same yoghurt again and this one is sour too", "repeat"),
    ("45 pounds came out on the 3rd and again on the 4th", "repeat"),
    ("you charged my card again for a cancelled plan", "repeat"),
    ("danas sam opet kupio isti sir i ovaj je pljesniv", "repeat"),
    ("stranica se srušila pa sam ponovo platila, sad imam dvije uplate", "repeat"),
    ("опет сте ми наплатили чланарину коју сам отказао", "repeat"),
    ("went there again on Saturday and the shelves were empty", "repeat"),
    # a charge complaint without a demand
    ("I was charged 20 euros more than the shelf price.", "money"),
    ("naplatili ste mi dostavu iako je trebala biti besplatna", "money"),
    # asking what the bot is, alone
    ("are you a bot?", "human_request"),
    ("jesi li ti robot?", "human_request"),
    ("jesi li ti živ insan ili program?", "human_request"),
    # requests a complaint bot cannot serve
    ("remind me to talk to my manager about the budget", "human_request"),
    ("I'll have to talk to my boss before I decide on a return", "human_request"),
    ("let me check with my husband first, he paid for it", "human_request"),
    ("list my reminders", "anger"),
    ("set an alarm for 7 am", "anger"),
    ("podsjeti me da nazovem mamu", "human_request"),
    # a call that was promised or never came is the matter, not a request now
    ("rekli ste da će me netko odgovoran nazvati, nitko nije", "human_request"),
    ("odgovorna osoba me nikad nije nazvala", "human_request"),
]


@pytest.mark.parametrize(("text", "reason"), FIRES)
def test_reason_fires(text: str, reason: str, settings: Settings) -> None:
    assert reason in _reasons(text, settings)


@pytest.mark.parametrize(("text", "reason"), LOOK_ALIKES)
def test_look_alike_does_not_fire(text: str, reason: str, settings: Settings) -> None:
    assert reason not in _reasons(text, settings)


EXASPERATED = [
    ("My parcel is late.", "Are you taking the mickey? Still nothing."),
    ("Paket kasni.", "pa vi se sprdate sa mnom"),
    ("Paket kasni.", "ovo je vrhunac bezobrazluka"),
    ("Porudžbina kasni.", "puna mi je kapa vaših izgovora"),
    ("Пакет касни.", "до кад ћете ме зафркавати"),
]


@pytest.mark.parametrize(("calm", "exasperated"), EXASPERATED)
def test_idiomatic_exasperation_after_a_calm_start_is_anger(
    calm: str, exasperated: str, settings: Settings
) -> None:
    first = assess(MessageSignals(text=calm), ConversationContext(), settings)
    assert first.reasons == ()
    later = assess(
        MessageSignals(text=exasperated),
        ConversationContext(previous_anger=first.anger_score),
        settings,
    )
    assert "anger" in later.reasons, later.explanations
    assert "exasperation" in later.explanations["anger"]
