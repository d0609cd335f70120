"""Anger score: polite complaints stay low, abuse and shouting pass the threshold.

Labels are a customer-service lead's reading of each message:

* ``polite``  - a calm customer, even with a negative word: below half the threshold, so it
  cannot count as "getting angrier" either;
* ``annoyed`` - irritated but not abusive: below the threshold;
* ``angry``   - abusive, shouting, sarcastic or threatening: at or above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.policy import anger_explanation, anger_score
from bot.settings import EscalationSettings

THRESHOLD = EscalationSettings().anger_threshold


@dataclass(frozen=True)
class Case:
    """A message, how a person reads it, and a word the explanation must name."""

    name: str
    text: str
    label: str
    mentions: str = ""


def case(name: str, text: str, label: str, mentions: str = "") -> Case:
    """A table row."""
    assert label in ("polite", "annoyed", "angry")
    return Case(name, text, label, mentions)


def _name(item: Case) -> str:
    return item.name


ENGLISH = [
    case("en-disappointed", "The package is late and I am disappointed.", "polite"),
    case("en-hello-check", "Hello, my order hasn't arrived yet, could you check?", "polite"),
    case("en-unhappy-colour", "Not what I expected, quite unhappy with the colour.", "polite"),
    case("en-sorry-typo", "I'm really sorry to bother you, but the invoice has a typo.", "polite"),
    case("en-not-angry", "I'm not angry, just disappointed.", "polite"),
    case("en-praise", "Great job on the fast delivery!", "polite"),
    case("en-short-caps", "OK", "polite"),
    case("en-unacceptable", "This is unacceptable, the parcel is two weeks late.", "annoyed"),
    case("en-useless-app", "The app is useless on my phone.", "annoyed"),
    case("en-idiots", "You idiots lost my parcel.", "angry", "idiots"),
    case("en-profanity", "What the fuck is wrong with you people", "angry", "fuck"),
    case(
        "en-shouting",
        "WHERE IS MY ORDER??? I HAVE BEEN WAITING FOR TWO WEEKS!!!",
        "angry",
        "capitals",
    ),
    case(
        "en-worst-never", "Worst service ever!!! Never ordering from you again.", "angry", "never"
    ),
    case("en-thieves", "You are a bunch of thieves and liars.", "angry", "thieves"),
    case("en-sarcasm", "Great job, the parcel is late again. Well done!!", "angry", "sarcasm"),
    case("en-thanks-for-nothing", "Thanks for nothing, still no refund!!!", "angry", "sarcasm"),
    case("en-you-useless", "You are useless.", "angry", "useless"),
    case("en-pathetic-aimed", "You're pathetic and incompetent.", "angry", "pathetic"),
    case("en-scam-disgrace", "This company is a scam and a disgrace!!!", "angry", "scam"),
]

CROATIAN = [
    case("hr-disappointed", "Pošiljka kasni tjedan dana i razočarana sam.", "polite"),
    case("hr-please-check", "Poštovani, paket još nije stigao, možete li provjeriti?", "polite"),
    case("hr-not-satisfied", "Nisam zadovoljan kvalitetom, ali hvala na brzom odgovoru.", "polite"),
    case("hr-not-angry", "Nisam ljut, samo želim da se to riješi.", "polite"),
    case("hr-praise", "Bravo, paket je stigao dan ranije!", "polite"),
    case("hr-catastrophe", "Ovo je katastrofa, paket kasni deset dana.", "annoyed"),
    case("hr-one-word", "Sramota.", "angry", "sramota"),
    case("hr-incompetent-aimed", "Nesposobni ste.", "angry", "nesposobni"),
    case("hr-idiots", "Idioti, izgubili ste mi paket.", "angry", "idioti"),
    case("hr-profanity", "Jebem vam firmu, tri tjedna čekam!", "angry", "jebem"),
    case("hr-crooks", "Vi ste obični prevaranti i lopovi!", "angry", "lopovi"),
    case("hr-shouting", "OVO JE SRAMOTA, GDJE JE MOJ NOVAC???", "angry", "capitals"),
    case("hr-sarcasm", "Svaka čast, treći tjedan čekam. Bravo!!", "angry", "svaka cast"),
    case("hr-never-again", "Nesposobni ste, nikad više ne naručujem od vas!!!", "angry", "nikad"),
    case("hr-thanks-for-nothing", "Hvala na ničemu!!!", "angry", "hvala na nicemu"),
    case("hr-no-diacritics", "kreteni jedni, tri tjedna cekam paket", "angry", "kreteni"),
]

SERBIAN_LATIN = [
    case("sr-not-satisfied", "Isporuka kasni već nedelju dana, nisam zadovoljan.", "polite"),
    case("sr-when", "Izvinite, da li znate kada stiže moj paket?", "polite"),
    case("sr-disappointed", "Razočarana sam, boja nije kao na slici.", "polite"),
    case("sr-not-angry", "Nisam besan, samo bih voleo da mi javite.", "polite"),
    case("sr-ridiculous", "Ovo je smešno, čekam već dve nedelje.", "annoyed"),
    case("sr-cretins", "Kreteni, opet ste zeznuli porudžbinu!!!", "angry", "kreteni"),
    case("sr-thieves", "Vi ste obični lopovi i prevaranti!", "angry", "lopovi"),
    case(
        "sr-sarcasm",
        "Bravo, svaka vam čast, treći put mi šaljete pogrešnu veličinu!!!",
        "angry",
        "sarcasm",
    ),
    case("sr-profanity", "Boli me kurac za vaša izvinjenja, hoću pare nazad!", "angry", "kurac"),
    case("sr-shouting", "ŠTA JE OVO, NEČUVENO, NIKO NE ODGOVARA!!!", "angry", "capitals"),
    case("sr-trash-aimed", "Smeće od firme, nesposobni ste.", "angry", "nesposobni"),
    case("sr-no-diacritics", "lopovi jedni vratite mi pare", "angry", "lopovi"),
]

SERBIAN_CYRILLIC = [
    case("sr-cyr-disappointed", "Разочаран сам, достава је каснила.", "polite"),
    case("sr-cyr-please-check", "Пакет још није стигао, молим вас проверите.", "polite"),
    case("sr-cyr-not-satisfied", "Нисам задовољна квалитетом.", "polite"),
    case("sr-cyr-short-caps", "ОК", "polite"),
    case("sr-cyr-catastrophe", "Ово је катастрофа.", "annoyed"),
    case("sr-cyr-incompetent-aimed", "Ви сте неспособни.", "angry", "nesposobni"),
    case("sr-cyr-idiots", "Идиоти, где ми је пакет?", "angry", "idioti"),
    case("sr-cyr-profanity", "Јебем вам све, три недеље чекам!", "angry", "jebem"),
    case("sr-cyr-shouting", "ОВО ЈЕ НЕЧУВЕНО, ГДЕ ЈЕ МОЈА ПОРУЏБИНА???", "angry", "capitals"),
    case("sr-cyr-sarcasm", "Свака част, опет касните. Браво!!!", "angry", "sarcasm"),
    case("sr-cyr-thieves", "Лопови сте обични!", "angry", "lopovi"),
    case(
        "sr-cyr-nothing-never",
        "Хвала на ничему, никад више од вас не купујем!!!",
        "angry",
        "hvala na nicemu",
    ),
]

BOSNIAN = [
    case("bs-not-satisfied", "Nisam zadovoljna, dostava je kasnila tri dana.", "polite"),
    case("bs-selam", "Selam, paket još nije stigao, možete li provjeriti?", "polite"),
    case("bs-bit-disappointed", "Malo sam razočaran kvalitetom.", "polite"),
    case("bs-not-angry", "Nisam ljut, samo me zanima kad stiže.", "polite"),
    case("bs-unbelievable", "Ovo je nevjerovatno, sedmicu čekam.", "annoyed"),
    case("bs-fools", "Budale jedne, gdje mi je paket?", "angry", "budale"),
    case("bs-profanity", "Pas vam mater, tri sedmice čekam!!!", "angry", "mater"),
    case("bs-sarcasm", "Svaka čast, opet kasnite. Bravo majstori!", "angry", "bravo majstori"),
    case("bs-cattle", "Vi ste obična stoka i lopovi.", "angry", "stoka"),
    case("bs-shouting", "OVO JE UŽAS, NIKO SE NE JAVLJA!!!", "angry", "capitals"),
    case("bs-competitor", "Nesposobni ste, idem kod konkurencije.", "angry", "konkurencij"),
]

ALL_LANGUAGES = ENGLISH + CROATIAN + SERBIAN_LATIN + SERBIAN_CYRILLIC + BOSNIAN


@pytest.mark.parametrize("item", ALL_LANGUAGES, ids=_name)
def test_anger_level(item: Case) -> None:
    score = anger_score(item.text)
    why = anger_explanation(item.text)
    assert 0.0 <= score <= 1.0
    if item.label == "polite":
        assert score < THRESHOLD / 2, why
    elif item.label == "annoyed":
        assert score < THRESHOLD, why
    else:
        assert score >= THRESHOLD, why
    if item.mentions:
        assert any(item.mentions in reason for reason in why), why


@pytest.mark.parametrize("item", ALL_LANGUAGES, ids=_name)
def test_explanation_matches_score(item: Case) -> None:
    assert (anger_score(item.text) == 0.0) == (anger_explanation(item.text) == [])


def test_every_language_has_all_three_levels() -> None:
    for table in (ENGLISH, CROATIAN, SERBIAN_LATIN, SERBIAN_CYRILLIC, BOSNIAN):
        assert {item.label for item in table} == {"polite", "annoyed", "angry"}


@pytest.mark.parametrize(
    ("calm", "louder"),
    [
        ("My parcel is late, this is ridiculous.", "My parcel is late, this is ridiculous!!!"),
        ("Paket kasni, ovo je smiješno.", "PAKET KASNI, OVO JE SMIJEŠNO."),
        ("Ово је катастрофа.", "Ово је катастрофа, идиоти."),
    ],
)
def test_louder_is_angrier(calm: str, louder: str) -> None:
    assert anger_score(louder) > anger_score(calm)


def test_same_words_in_every_script_score_the_same() -> None:
    assert (
        anger_score("Lopovi jedni!") == anger_score("Лопови једни!") == anger_score("lopovi jedni!")
    )


def test_mostly_capitals_is_shouting() -> None:
    text = "WHY DOES NOBODY ANSWER MY EMAILS? order 4821 is late"
    assert any("of letters in capitals" in why for why in anger_explanation(text))
    assert not any("capitals" in why for why in anger_explanation(text.capitalize()))


def test_a_few_words_in_capitals_are_emphasis() -> None:
    text = "I want my parcel delivered TODAY, not NEXT WEEK."
    assert any("words in capitals" in why for why in anger_explanation(text))
    assert anger_score(text) < THRESHOLD / 2


def test_capitals_in_short_messages_and_codes_are_not_shouting() -> None:
    assert anger_score("HITNO") == 0.0
    assert anger_score("ORD-48213 C-4KX9TR") == 0.0
    assert not any("capitals" in why for why in anger_explanation("Moj broj je ORD-48213, DHL."))


def test_intensifier_alone_is_not_anger() -> None:
    assert anger_score("The delivery was absolutely on time, totally fine.") == 0.0
    assert anger_score("Absolutely furious.") > anger_score("Furious.")


@pytest.mark.parametrize(
    "text",
    [
        "what a sorry excuse for a company",
        "joke of a store, honestly",
        "useless company",
        "you lot are a bunch of amateurs",
        "jadna firma",
        "ovo je sramota od trgovine",
        "бедна продавница",
        "bijedna radnja, nikad više",
    ],
)
def test_contemptuous_phrases_about_the_company_are_abusive(text: str) -> None:
    assert anger_score(text) >= THRESHOLD, anger_explanation(text)


@pytest.mark.parametrize(
    "text",
    [
        "the store is useless on Sundays",
        "sorry, my excuse for the late reply: I was away",
        "the shop was closed when I came",
        "jadna ja, čekam već tri tjedna",
    ],
)
def test_contempt_without_a_phrase_about_the_company_stays_below_the_threshold(
    text: str,
) -> None:
    assert anger_score(text) < THRESHOLD, anger_explanation(text)
