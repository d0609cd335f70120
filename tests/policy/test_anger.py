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


# --- the signals of issue 11, each with the look-alikes that must stay calm ------------------

SIGNALS = [
    # verdicts of disgrace
    case("disgrace-en", "Shameful, the way you treated my father.", "angry", "disgrace"),
    case("disgrace-hr", "Bruka, tri tjedna bez odgovora.", "angry", "disgrace 'bruka'"),
    case("disgrace-sr-cyr", "Срамотно, нико се не јавља.", "angry", "disgrace 'sramotno'"),
    case("disgrace-bs", "Sram vas bilo, penzioneru ste prodali pokvarenu robu.", "angry"),
    case("disgrace-negated", "It's no disgrace to ask twice, is it?", "polite"),
    case("disgrace-negated-hr", "Nije sramota pitati, zar ne?", "polite"),
    # exasperation
    case("fed-up-en", "I'm fed up with chasing your couriers.", "angry", "exasperation"),
    case("fed-up-sr", "Sit sam vaših obećanja.", "angry", "exasperation 'sit sam"),
    case("fed-up-bs", "Preko glave mi je ovoga.", "angry", "exasperation"),
    case("care-en", "Do you even care about your customers?", "angry", "exasperation"),
    # threats to leave or to go public, and the calm look-alikes
    case("review-threat-en", "I'll leave a review warning people off this shop.", "angry"),
    case("review-asked-en", "I'd like to leave a review for the kettle, where?", "polite"),
    case("press-en", "I'm going to the local newspaper with this.", "angry", "threat"),
    case("press-news-en", "I read in the news that you have a sale, is that right?", "polite"),
    case("tv-repair-en", "Can I take my TV to the repair centre on Monday?", "polite"),
    case("never-worked-en", "After the repair it never worked again.", "polite"),
    case("tell-all-hr", "Reći ću svima da vas izbjegavaju.", "angry", "threat"),
    case("facebook-hr", "Objavit ću na Facebooku kako ste me tretirali.", "angry", "threat"),
    case("facebook-past-hr", "Pisao sam vam na Facebooku prošli tjedan.", "polite"),
    case("facebook-page-bs", "Imate li Facebook stranicu?", "polite"),
    case("press-sr", "Idem u medije sa ovim.", "angry", "threat"),
    case("stars-sr-cyr", "Добићете нула звездица од мене.", "angry", "threat"),
    case("never-worked-sr", "Posle servisa nikad više nije radio kako treba.", "polite"),
    case("cancel-hr", "Molim vas otkažite narudžbu, kupio sam drugdje.", "polite"),
    # sarcasm
    case("bare-praise-en", "Wonderful. The parcel is lost again.", "angry", "sarcasm"),
    case("praise-thanks-en", "Great, thanks. The box was damaged though.", "polite"),
    case("praise-but-en", "Brilliant, but the lid is cracked.", "polite"),
    case("praise-days-en", "Perfect, see you in two days.", "polite"),
    case("thanks-harm-en", "Thank you so much for wasting my whole morning.", "angry", "sarcasm"),
    case("bare-praise-hr", "Sjajno, opet pogrešna boja.", "angry", "sarcasm"),
    case("praise-not-needed-hr", "Super, ne treba mi ništa više.", "polite"),
    case("thanks-harm-sr", "Hvala vam što ste mi izgubili paket.", "angry", "sarcasm"),
    case("thanks-repair-sr", "Hvala vam što ste mi popravili frižider.", "polite"),
    case("bare-praise-sr-cyr", "Дивно, покварено после два дана.", "angry", "sarcasm"),
    # shouting and impatient calls
    case("caps-problem-en", "MY PARCEL STILL HAS NOT ARRIVED", "angry", "shouting about a problem"),
    case("caps-question-en", "HELLO I WOULD LIKE TO KNOW YOUR OPENING HOURS", "annoyed"),
    case("caps-problem-bs", "NIKO MI NE ODGOVARA NA MAIL", "angry", "shouting about a problem"),
    case("hello-en", "Still no refund??? Hello???", "angry", "impatient call"),
    case("hello-once-en", "Hello? Is this the right chat for returns?", "polite"),
    case("halo-hr", "Ima li koga??? Čekam od jutra!!", "angry", "impatient call"),
    case("alo-sr-cyr", "Ало??? Где је пошиљка???", "angry", "impatient call"),
    # emphasis of a strong feeling
    case("exclaimed-en", "Unacceptable!!! Two weeks and no parcel.", "angry", "exclaimed"),
    case("repeated-bs", "Užas, pravi užas, sedmicu čekam.", "annoyed", "repeated"),
    case("plain-unacceptable-en", "I'm afraid this is unacceptable, please replace it.", "annoyed"),
    # insults and word families
    case("dismissal-sr", "Ma idite bre, dosta je bilo.", "angry", "insult"),
    case("worst-company-en", "Worst company I've ever dealt with.", "angry", "insult"),
    case("superlative-hr", "Najnesposobnija firma u gradu!", "angry"),
    case("scammer-en", "Scammer! Where is my money?", "angry", "scammer"),
    case("ripped-off-en", "You ripped me off with that warranty.", "angry", "ripped me off"),
    case("lied-hr", "Lagali ste mi za rok dostave.", "angry", "lagali"),
    case("curse-sr", "Dabogda propali sa takvom uslugom.", "angry", "dabogda"),
    case("mild-swear-en", "Where is my freaking refund", "angry", "freaking"),
    case("joke-asked-en", "Can you tell me a joke? Long day.", "polite"),
    case("joke-asked-bs", "Ispričaj mi neki vic, dosadno mi je.", "polite"),
    # look-alikes found by reading the training data through the new signals
    case("pacifier-hr", "Duda varalica je pukla nakon tjedan dana.", "polite"),
    case("never-happens-en", "Please make sure this never happens again.", "polite"),
    case("competition-sr", "Vaša dostava je brža od konkurencije, svaka čast.", "polite"),
    case("to-competition-sr", "Prelazim kod konkurencije, dosta je bilo.", "angry", "threat"),
    case("thanks-en", "Thank you ever so much for your patience today.", "polite"),
    case("praise-hr", "Vi ste stvarno najbolji, hvala na svemu.", "polite"),
    # swearing emoji, starred swearing, hate, "you are" before contempt
    case("emoji-swear", "🤬 gdje je dostava", "angry", "swearing emoji"),
    case("emoji-angry", "Order 5512 still not here 😡", "annoyed", "angry emoji"),
    case("emoji-angry-twice", "The courier threw my parcel over the fence 😡😡", "angry", "angry"),
    case("emoji-angry-two-kinds-sr", "Пакет опет касни 😠😡", "angry", "angry emoji"),
    case("starred-en", "F*** this, where is my order", "angry", "profanity"),
    case("hate-en", "I hate dealing with your company.", "angry", "exasperation"),
    case("hate-weather-en", "I hate this weather, is my parcel delayed by the storm?", "polite"),
    case("circles-en", "I keep going round in circles with your chat.", "angry", "circles"),
    case("not-normal-sr-cyr", "Ви нисте нормални, трећи пут исто.", "angry", "niste normalni"),
    case("you-are-stupid-bs", "Koliko ste glupi, ne mogu vjerovati.", "angry", "aimed"),
    case("no-good-hr", "Svi ste isti, ništa ne valjate.", "angry", "ne valjate"),
]

#: Session 11 (issue 11): forms of anger the blind dev set eval/dev3 showed were missed, each
#: with a look-alike that must stay calm. Written here, not taken from the dev set.
FORMS = [
    # a contempt word as a verdict of its own; the same word describing a product is not
    case("verdict-en", "No refund after five weeks. Absolutely pathetic.", "angry", "verdict"),
    case("verdict-what-a-joke-en", "Parcel lost twice now. What a joke.", "angry", "verdict"),
    case("verdict-hr", "Treći tjedan bez odgovora. Totalno beskorisno.", "angry", "verdict"),
    case("described-en", "The app is useless on my older tablet.", "annoyed"),
    case("described-hr", "Filter je beskoristan za ovu vrstu kave.", "annoyed"),
    # contempt aimed at the bot
    case("at-bot-en", "this chat is useless, sorry is all it says", "angry", "the bot"),
    case("at-bot-sr", "ovaj čet je beskoristan, ništa ne razumeš", "angry", "the bot"),
    case("machine-product-bs", "veš mašina beskorisna nakon godinu dana", "annoyed"),
    # capital words and "!!!" together; either alone is emphasis
    case("emphatic-en", "You CHARGED me TWICE for one lamp!!!", "angry", "emphatic"),
    case("emphatic-sr", "DVA PUTA ste mi NAPLATILI istu porudžbinu!!!", "angry", "emphatic"),
    case("caps-only-en", "My order NUMBER is on the INVOICE", "annoyed"),
    case("caps-joy-en", "Thank you, it ARRIVED today, GREAT!!!", "annoyed"),
    # rhetorical questions aimed at the company or the bot
    case("who-made-en", "Who designed this checkout, honestly?", "angry", "who designed"),
    case("even-read-en", "Does anyone even read these messages?", "angry", "exasperation"),
    case("who-packs-hr", "Tko vam to pakira, sve razbijeno?", "angry", "exasperation"),
    case("who-made-sr", "Ko vam je pravio ovaj sajt, dete?", "angry", "exasperation"),
    case("even-want-bs", "Vi uopšte hoćete da vam neko plati?", "angry", "exasperation"),
    case("are-you-deaf-sr-cyr", "Јеси ли ти глув, питам за повраћај?", "angry", "exasperation"),
    case("how-dare-hr", "Kako to uopće smijete prodavati kao novo?", "angry", "exasperation"),
    case("not-ashamed-sr", "Kako vas nije sramota da tako radite?", "angry"),
    case("who-to-ask-en", "Who do I talk to about a damaged parcel?", "polite"),
    case("does-anyone-know-en", "Does anyone know if the shop is open on Sunday?", "polite"),
    case("who-sells-hr", "Tko vam prodaje rezervne dijelove za ovaj model?", "polite"),
    # threats to go public in the present tense, "one star", leaving from today
    case("one-star-hr", "Uživajte u jednoj zvjezdici na Googleu.", "angry", "threat"),
    case("writing-reviews-bs", "Pišem po svim grupama na Fejsu kakvi ste.", "angry", "threat"),
    case("from-today-sr", "Od danas više ni hleb ne kupujem kod vas.", "angry", "threat"),
    case("wrote-before-hr", "Pisala sam vam na Facebooku prošli tjedan.", "polite"),
    case("enjoy-en", "Enjoy your one star review, well earned.", "angry", "threat"),
    # insults: "tup si" is, a blunt knife is not
    case("blunt-you-bs", "Tup si ko panj, pitam te treći put.", "angry", "insult"),
    case("blunt-knife-hr", "Nož je tup već nakon tjedan dana.", "polite"),
    case("done-being-nice-en", "I'm done being nice about this order.", "angry", "exasperation"),
]


@pytest.mark.parametrize("item", FORMS, ids=_name)
def test_forms_of_anger_found_in_session_11(item: Case) -> None:
    test_anger_level(item)


@pytest.mark.parametrize("item", SIGNALS, ids=_name)
def test_signals_of_issue_11(item: Case) -> None:
    test_anger_level(item)


#: Issue 11, the anger helper: sarcasm and idioms of exasperation the dev sets showed were
#: missed, each family with look-alikes that must stay calm. Written here, not taken from a set.
IDIOMS = [
    # praise standing alone beside a wait counted in days or a thing giving way, anywhere in
    # the message; praise with thanks, or beside no failure, is sincere
    case("sixth-day-en", "The sixth day the courier 'is on the way'. Bravo.", "angry", "sarcasm"),
    case(
        "planning-en",
        "Fourth week waiting for the sofa. Excellent planning, really.",
        "angry",
        "sarcasm",
    ),
    case("third-week-hr", "Treći tjedan čekam ormar. Ma krasno.", "angry", "sarcasm"),
    case("torn-bs", "Cipele pukle nakon tjedan dana. Baš lijepo.", "angry", "sarcasm"),
    case(
        "system-sr",
        "Kurir nije došao, niko se nije javio. Odličan sistem, svaka čast, stvarno.",
        "angry",
        "sarcasm",
    ),
    case("on-time-hr", "Paket je stigao na vrijeme. Odlična usluga!", "polite"),
    case("kind-thanks-bs", "Baš lijepo od vas, hvala na brzoj zamjeni.", "polite"),
    case("works-en", "Great, the new one works perfectly.", "polite"),
    # idioms of exasperation, abuse of the bot, threats to leave, mild curses
    case("mockery-hr", "Ovo je čista zafrkancija, treći put isto.", "angry", "zafrkancija"),
    case("circles-sr", "Vrtite me u krug već mesec dana.", "angry", "u krug"),
    case("wall-hr", "Pričam sa zidom, nitko ne odgovara.", "angry", "zidom"),
    case("wall-en", "It's like talking to a brick wall with you people.", "angry", "wall"),
    case("disorganised-sr-cyr", "Колико сте неорганизовани, не могу да верујем.", "angry"),
    case("disorganised-en", "You are so disorganised, unbelievable.", "angry", "disorganised"),
    case(
        "disorganised-delivery-hr",
        "Dostava je bila malo neorganizirana, ali sve je stiglo.",
        "annoyed",
    ),
    case("heap-of-code-en", "Your chat is a useless heap of code.", "angry", "heap of code"),
    case("done-hr", "Ako ni sutra ne stigne, gotovi smo.", "angry", "threat"),
    case("set-foot-bs", "Noga mi više neće kročiti u vašu radnju.", "angry", "threat"),
    case("damned-hr", "Zamrznite taj prokleti račun!", "angry", "profanity"),
    case("feckin-en", "Feckin parcel still not here.", "angry", "profanity"),
    case("who-does-this-hr", "Tko vam radi to, pripravnici?", "angry", "exasperation"),
    case("who-sells-bs", "Ko vam prodaje dijelove za ovaj šporet?", "polite"),
]


@pytest.mark.parametrize("item", IDIOMS, ids=_name)
def test_idioms_and_sarcasm_of_the_anger_helper(item: Case) -> None:
    test_anger_level(item)


EMPHASIS_AND_PRESSURE = [
    # a short sentence that only repeats earlier words: emphasis
    case("echo-en", "The lamp lasted three days. Three.", "angry", "echo"),
    case("echo-sr", "Dve nedelje čekam frižider. DVE NEDELJE.", "angry", "echo"),
    case("echo-sr-cyr", "Мајстор је дошао без алата. Без алата.", "angry", "echo"),
    case("no-echo-ref-en", "Order 5512 is late. Order 5512.", "polite"),
    case("no-echo-new-words-hr", "Paket kasni. Molim provjeru.", "polite"),
    # two clauses opening with the same two words: emphasis, anger only with another sign
    case("anaphora-bs", "Četvrti put pišem, četvrti put niko ne odgovara!!", "angry", "repetition"),
    case(
        "anaphora-alone-en",
        "Every morning the van blocks the drive, every morning the same",
        "annoyed",
    ),
    case("name-and-mail-sr", "Jelena, jelena.pavlovic@example.rs", "polite"),
    # thanks closing a failure when nothing is asked: wry, anger only with another sign
    case("wry-thanks-en", "Nobody came. Not even a text. Cheers for that.", "annoyed", "thanks"),
    case(
        "wry-thanks-exclaimed-hr",
        "Serviser nije došao, ni poruke!!! Hvala vam lijepa.",
        "angry",
        "thanks",
    ),
    case("asked-thanks-en", "The parcel is late, could you check? Thanks.", "polite"),
    case("wish-thanks-sr", "Stigla je pogrešna boja, molim zamenu. Hvala.", "polite"),
    # a legal step or a complaint made before: pressure beside another sign, never alone
    case(
        "pressure-legal-en",
        "Unbelievable. If it isn't collected I'm going to trading standards.",
        "angry",
        "pressure",
    ),
    case("pressure-legal-hr", "Dosta mi je, idem odvjetniku.", "angry", "pressure"),
    case(
        "calm-legal-en", "If it isn't collected by Friday I'll contact trading standards.", "polite"
    ),
    case("calm-legal-sr-cyr", "Ако се не реши, обратићу се тржишној инспекцији.", "polite"),
    case("acronyms-legal-hr", "Tražim brisanje podataka po GDPR-u, inače AZOP.", "annoyed"),
]


@pytest.mark.parametrize("item", EMPHASIS_AND_PRESSURE, ids=_name)
def test_emphasis_wry_thanks_and_pressure(item: Case) -> None:
    test_anger_level(item)


STRUCTURE = [
    # a question to "you" with a word that makes it a reproach; a polite word makes a request
    case("rhetorical-en", "Do you ever test these kettles before selling them?", "angry", "rhet"),
    case("rhetorical-hr", "Jeste li vi uopće pogledali slike koje sam poslala?", "angry", "rhet"),
    case("request-even-en", "Could you even check whether it shipped, please?", "polite"),
    case("real-question-sr", "Da li vi šaljete i u Suboticu?", "polite"),
    # exasperation as a clause of its own; the same words inside a request are none
    case("interjection-hr", "Ma dajte, opet pogrešan broj cipela!", "angry", "interjection"),
    case("interjection-in-request-hr", "Ma dajte mi samo broj za praćenje.", "polite"),
    case("particle-alone-bs", "Joj, zaboravila sam broj narudžbe.", "polite"),
    # the customer's own anger, not anger at someone else
    case("own-anger-en", "I'm seething, the fridge is warm again.", "angry", "own"),
    case("own-anger-sr-cyr", "Бесан сам, машина опет цури.", "angry", "own"),
    case("anger-at-myself-en", "I'm angry at myself for ordering the wrong size.", "polite"),
    # a strong feeling said of "you", unless it is thanks
    case("aimed-feeling-en", "You lot are ridiculous.", "angry", "aimed"),
    case("aimed-thanks-hr", "Vi ste nevjerojatni, hvala vam na brzoj dostavi!", "polite"),
    # praise closing a message about a problem
    case("closing-praise-bs", "Frižider stigao i ne hladi. Baš lijepo.", "angry", "sarcasm"),
    # oaths and losing one's temper
    case("oath-en", "How on earth does a sofa go missing?", "angry", "exasperation"),
    case(
        "lose-it-hr",
        "Ako me još jednom prebacite na čekanje, poludit ću.",
        "angry",
        "exasperation",
    ),
]


@pytest.mark.parametrize("item", STRUCTURE, ids=_name)
def test_structural_signals_of_session_15(item: Case) -> None:
    test_anger_level(item)
