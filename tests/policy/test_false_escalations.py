"""Escalation precision: the look-alikes that must not reach a person, beside the real cases.

Each table pairs the systematic cause of a false escalation with messages that must still
escalate, in English and in the BCS family (Latin and Cyrillic), written for this test from
invented customers:

* a wish refused after its noun ("povrat novca ne treba") is no demand for money;
* a call that was promised or a call that does not come ("rekli su da će me netko nazvati",
  "ako se nitko ne javi ...") is no request for a person now, nor is a member of staff the
  customer reports ("želim prijaviti prodavača");
* a safety category the NLU is unsure of is no hazard on its own; burnt food in a cooking
  question, "opasno" as slang for "very" and a fire-engine likeness are no hazards either;
* the name of a shop's legal page is no legal step.
"""

from __future__ import annotations

import pytest

from bot.policy import ConversationContext, MessageSignals, assess
from bot.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings({}, None)


def _reasons(
    settings: Settings,
    text: str,
    intent: str | None = None,
    confidence: float = 1.0,
    category: str | None = None,
) -> set[str]:
    message = MessageSignals(
        text=text, intent=intent, intent_confidence=confidence, category=category
    )
    return set(assess(message, ConversationContext(), settings).reasons)


#: (message, whether the reason must fire)
MONEY = [
    ("Samo mi pošaljite novi poklopac, povrat novca ne treba.", False),
    ("Zamjena je dovoljna, pare mi ne trebaju.", False),
    ("Новац ми не треба, само пошаљите исправан пуњач.", False),
    ("Just send a working charger, I don't need my money back.", False),
    ("Hoću povrat novca za pokvareni mikser.", True),
    ("Vratite mi novac, proizvod ne radi.", True),
    ("Хоћу повраћај новца за неисправан пуњач.", True),
    ("I want a refund for the broken mixer.", True),
]

HUMAN_REQUEST = [
    ("Rekli su mi da će me netko nazvati u srijedu, ali nitko se nije javio.", False),
    ("Obećali ste da će mi se javiti poslovođa, prošao je tjedan.", False),
    ("Казали су ми да ће ме неко позвати због монтаже, нико се није јавио.", False),
    ("Ako se nitko ne javi do petka, idem u inspekciju.", False),
    ("Ако ме нико не назове до сутра, пишем инспекцији.", False),
    ("Želim prijaviti prodavača koji je vikao na mene.", False),
    ("Hoću da se požalim na radnika na kasi.", False),
    ("The shop told me someone would phone me on Monday, nobody did.", False),
    ("I want to report one of your cashiers for being rude.", False),
    # a bare call-back asks for a call (the contact and the wish record it), not for a person
    # now: every blind set labels it so (14 such false alarms over dev, dev2, dev3 and dev4)
    ("Nazovite me, molim vas, danas.", False),
    ("Neka me netko nazove što prije.", False),
    ("Hoće li me netko nazvati danas?", False),
    ("Call me back today please.", False),
    # a call asked of the company's people, or beside a preference for a person, still is one
    ("Može li me nazvati netko od vaših zaposlenika?", True),
    ("Нека ме позове неко из службе за рекламације.", True),
    ("Could someone from your team call me? I'd rather not do this by chat.", True),
    ("Please ring me, I want a human, not a bot.", True),
    ("Дајте ми неког човека, не бота.", True),
    ("Želim razgovarati s poslovođom, ne s botom.", True),
    ("Please put me through to a real person.", True),
    # "insan" (bs) is a person as much as "čovjek"
    ("Radije bih ovo riješio sa insanom nego s mašinom.", True),
    ("Taj insan na kasi bio je bezobrazan.", False),
]

SAFETY = [
    ("Opasno ste spori, deset dana za jedan punjač.", False),
    ("Опасно сте скупи за такав квалитет.", False),
    ("Sat mi pišti ko vatrogasna svako jutro, kako to ugasiti?", False),
    ("How do I get burnt rice off the bottom of the pot?", False),
    ("I burnt the toast this morning, my own fault, the toaster is fine.", False),
    ("Punjač se pregrijao i počeo dimiti.", True),
    ("Ovo je opasno za djecu, oštar rub na igrački.", True),
    ("Грејалица је изгорела и било је пламена.", True),
    ("The kettle burnt my hand when the lid flew off.", True),
    ("There was smoke coming out of the heater in the kids' room.", True),
]

LEGAL = [
    ("The Legal notice link in your footer is broken.", False),
    ("Your legal page still shows last year's address.", False),
    ("I am taking legal action if this is not fixed.", True),
    ("My solicitor will hear about this.", True),
]


@pytest.mark.parametrize(("text", "fires"), MONEY)
def test_money_refused_after_the_noun(settings: Settings, text: str, fires: bool) -> None:
    assert ("money" in _reasons(settings, text)) is fires


@pytest.mark.parametrize(("text", "fires"), HUMAN_REQUEST)
def test_reported_or_conditional_calls(settings: Settings, text: str, fires: bool) -> None:
    assert ("human_request" in _reasons(settings, text)) is fires


@pytest.mark.parametrize(("text", "fires"), SAFETY)
def test_safety_words_that_are_no_hazard(settings: Settings, text: str, fires: bool) -> None:
    assert ("safety" in _reasons(settings, text)) is fires


@pytest.mark.parametrize(("text", "fires"), LEGAL)
def test_a_page_called_legal(settings: Settings, text: str, fires: bool) -> None:
    assert ("legal" in _reasons(settings, text)) is fires


#: (intent confidence of complain_safety, whether its category alone is a hazard)
SAFETY_CATEGORY = [(0.25, False), (0.41, False), (0.5, True), (0.97, True)]


@pytest.mark.parametrize(("confidence", "fires"), SAFETY_CATEGORY)
def test_an_unsure_safety_category_is_no_hazard(
    settings: Settings, confidence: float, fires: bool
) -> None:
    for text in ("probala sam i s laptopa, isto", "tried it on the laptop too, same thing"):
        reasons = _reasons(
            settings, text, intent="complain_safety", confidence=confidence, category="safety"
        )
        assert ("safety" in reasons) is fires
