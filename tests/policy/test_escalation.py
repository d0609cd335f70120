"""Escalation policy: which messages go to a person, and why.

The expectations are written as a customer-service lead would judge each message, following the
product's "when a person must take over" rules: health or safety, legal threats, anger, asking
for a person, a repeated complaint, money, and two misunderstandings in a row send the chat to a
person; a calm customer with an ordinary problem (late parcel, wrong size, a repair or
replacement) does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.policy import REASONS, ConversationContext, EscalationDecision, MessageSignals, assess
from bot.settings import EscalationSettings, Settings, load_settings


@dataclass(frozen=True)
class Case:
    """One message, what is known before it, and the exact reasons expected."""

    name: str
    text: str
    expected: frozenset[str]
    intent: str | None = None
    confidence: float = 1.0
    category: str | None = None
    context: ConversationContext = field(default_factory=ConversationContext)


def case(
    name: str,
    text: str,
    *reasons: str,
    intent: str | None = None,
    confidence: float = 1.0,
    category: str | None = None,
    context: ConversationContext | None = None,
) -> Case:
    """A table row: a name, the message and the reasons a person would expect."""
    assert set(reasons) <= set(REASONS), reasons
    return Case(
        name=name,
        text=text,
        expected=frozenset(reasons),
        intent=intent,
        confidence=confidence,
        category=category,
        context=context or ConversationContext(),
    )


def _name(item: Case) -> str:
    return item.name


AFTER_ONE_FAILURE = ConversationContext(failed_understandings=1)
COMPLAINED_BEFORE = ConversationContext(prior_complaints_same_matter=1)
WANTS_REFUND = ConversationContext(desired_resolution="refund")
WANTS_COMPENSATION = ConversationContext(desired_resolution="compensation")
WANTS_REPLACEMENT = ConversationContext(desired_resolution="replacement")

ENGLISH = [
    # calm complaints: thank, ticket, deadline, no person needed
    case("en-late-parcel", "My package was supposed to arrive on Monday and it's still not here."),
    case("en-wrong-size", "I ordered a size M but received an L."),
    case("en-repair-wish", "The washing machine stopped spinning, could you repair it?"),
    case("en-replacement-wish", "The kettle lid is cracked, I'd like a replacement please."),
    case("en-invoice-typo", "There's a typo in my invoice, my street name is misspelled."),
    case("en-just-telling", "Just wanted to let you know the app crashes when I open my orders."),
    case("en-polite-disappointed", "The package is late and I am disappointed."),
    case("en-praise", "Great job on the quick delivery, thank you!"),
    case("en-resend-invoice", "Could you send the invoice again? I deleted the email."),
    case("en-double-charge", "I was charged twice for the same order, please check."),
    # exasperation is anger (bot.policy.anger), but "sick" in it is no health problem
    case("en-fed-up-not-sick", "I'm sick and tired of waiting for the courier.", "anger"),
    case("en-nobody-sick", "Luckily nobody got sick, the juice was just flat."),
    case("en-replacement-answer", "A new one would be great.", context=WANTS_REPLACEMENT),
    # safety
    case("en-fire-no-injury", "Nobody was hurt, but the charger caught fire on my desk.", "safety"),
    case("en-but-no-comma", "nobody was hurt but the kettle exploded", "safety"),
    case("en-not-injured-but-burned", "Not injured but burned, it spat boiling water.", "safety"),
    case("en-got-sick", "My son got sick after drinking your orange juice.", "safety"),
    case("en-glass", "There was a piece of glass in my yoghurt!", "safety"),
    case("en-shock", "The heater gave my wife an electric shock.", "safety"),
    # mould with nobody harmed is spoiled food, a product-quality complaint (docs/categories.md)
    case("en-mould", "Found mould on the bread I bought yesterday."),
    case("en-typo-poisoning", "my kid got food poisonning from your chicken", "safety"),
    case("en-typo-allergic", "I had an alergic reaction to the cream", "safety"),
    case("en-category", "The battery cover of the toy falls off.", "safety", category="safety"),
    # legal
    case("en-lawyer", "If this is not sorted by Friday I will contact my lawyer.", "legal"),
    case("en-consumer", "I'm going to report you to consumer protection.", "legal"),
    case("en-court", "See you in court.", "legal"),
    case("en-call-police", "The courier threatened me, I will call the police.", "legal"),
    case("en-police-report", "I have filed a police report about the stolen parcel.", "legal"),
    case("en-typo-attorney", "I will call my atorney tomorrow.", "legal"),
    # anger
    case("en-insult", "You idiots lost my parcel.", "anger"),
    case("en-profanity", "This is fucking ridiculous, where is my order?", "anger"),
    case("en-shouting", "WHERE IS MY ORDER??? I HAVE BEEN WAITING FOR TWO WEEKS!!!", "anger"),
    case("en-sarcasm", "Great job, the parcel is late again. Well done!!", "anger", "repeat"),
    case("en-insult-intent", "you lot are a bunch of muppets", "anger", intent="insult"),
    case("en-useless-aimed", "You are useless and incompetent, fix my account!", "anger"),
    # human request
    case("en-real-person", "I want to talk to a real person.", "human_request"),
    case("en-manager", "Can I speak with your manager?", "human_request"),
    case("en-asked-manager-past", "I asked for the manager in the shop, but he wasn't there."),
    # no request for a person now; but talking to the company before about it is a repeat
    case(
        "en-spoke-manager-past",
        "I spoke to your manager yesterday, the lamp still flickers.",
        "repeat",
    ),
    case(
        "en-human-intent",
        "can someone from your team take over",
        "human_request",
        intent="request_human",
    ),
    # repeat
    case(
        "en-third-time",
        "This is the third time I'm complaining about the same broken zipper.",
        "repeat",
    ),
    case(
        "en-prior-in-store",
        "The replacement you sent also has a broken zipper.",
        "repeat",
        context=COMPLAINED_BEFORE,
    ),
    case("en-already-complained", "I already complained about this last week.", "repeat"),
    case("en-order-again-not-repeat", "Once this is sorted I would happily order again."),
    case("en-freezes-every-time", "It freezes every single time I try to log in."),
    case("en-crashes-every-time", "The app crashes every time I open my basket."),
    case("en-every-time-i-call", "Every time I call you, I get a different excuse.", "repeat"),
    case("en-double-charge-card", "You charged my card for the same order twice."),
    case("en-spelled-not-swelled", "My name is spelled wrong on the invoice."),
    case("en-meeting-not-melting", "I missed a meeting because the courier was late."),
    # money
    case("en-refund", "I would like a refund, please.", "money"),
    case("en-money-back", "I'd like my money back for the damaged lamp.", "money"),
    case("en-no-refund", "I don't want a refund, just send the right size."),
    case("en-resolution-refund", "My order number is ORD-48213.", "money", context=WANTS_REFUND),
    # not understood
    case("en-first-fallback", "asdf qwer", intent="nlu_fallback"),
    case(
        "en-second-fallback",
        "blorp the thingy",
        "not_understood",
        intent="nlu_fallback",
        context=AFTER_ONE_FAILURE,
    ),
    case(
        "en-second-low-confidence",
        "hmm the stuff with the thing",
        "not_understood",
        intent="complain",
        confidence=0.2,
        context=AFTER_ONE_FAILURE,
    ),
    # several at once
    case(
        "en-lawyer-burn-compensation",
        "My lawyer will hear about this. I want compensation for the burned carpet.",
        "safety",
        "legal",
        "money",
    ),
    case(
        "en-angry-repeat-human",
        "Again?! You morons sent the wrong phone AGAIN. Get me a manager.",
        "anger",
        "repeat",
        "human_request",
    ),
    # repeat without a count of complaints: promises counted, a chase, what staff said before,
    # and a refused complaint; attempts of the customer's own and a police report are no repeat
    case(
        "en-promised-twice",
        "I've been promised a refund twice now and nothing has arrived.",
        "repeat",
        "money",
    ),
    case(
        "en-separate-calls", "On two separate calls I was told it would ship on Friday.", "repeat"
    ),
    case("en-chasing", "I'm still chasing the refund for the returned boots.", "repeat", "money"),
    case("en-following-up", "Following up on my complaint about the cracked sink.", "repeat"),
    case("en-no-reply", "No reply to my email from last Tuesday about the broken chair.", "repeat"),
    case(
        "en-colleague-said",
        "Your colleague told me the technician would come on Monday; nobody came.",
        "repeat",
    ),
    case("en-claim-refused", "They turned down my claim without looking at the photos.", "repeat"),
    case("en-tried-reset", "I tried three times to reset my password, the link is broken."),
    case("en-tried-again", "Tried again to log in, wrong password again."),
    case(
        "en-police-already",
        "I already reported it to the police, please block my account.",
        "legal",
    ),
]

CROATIAN = [
    # calm
    case("hr-late-parcel", "Paket je trebao stići u ponedjeljak, a još ga nema."),
    case("hr-wrong-size", "Naručila sam veličinu M, a stigla je L."),
    case("hr-repair-wish", "Perilica ne centrifugira, molim vas da je popravite."),
    case("hr-invoice-typo", "Na računu mi je krivo napisano ime ulice."),
    case("hr-just-telling", "Hvala, samo sam htjela da znate da aplikacija ponekad zablokira."),
    case("hr-polite-disappointed", "Pošiljka kasni tjedan dana i razočarana sam."),
    case("hr-replacement", "Patentni zatvarač se odmah pokvario, voljela bih zamjenu."),
    case("hr-resend", "Molim vas, pošaljite ponovno račun, nisam ga dobila."),
    case("hr-double-charge", "Naplatili ste mi dva puta istu narudžbu, molim provjeru."),
    case("hr-double-charge-dvaput", "Naplatili ste mi dvaput istu narudžbu."),
    case("hr-double-charge-duplo", "Naplatili ste mi duplo."),
    case("hr-freezes-every-time", "Aplikacija se zamrzne svaki put kad se pokušam prijaviti."),
    case("hr-shelf-part", "Nedostaje jedan dio police, molim vas da ga pošaljete."),
    case("hr-bunk-bed-not-lawyer", "Dvokatni krevet se klima."),
    case("hr-position-not-police", "Stavka na poziciji 3 na računu je pogrešna."),
    case("hr-pot-not-court", "Posuda za kuhanje je napukla."),
    case("hr-tax-not-cut", "Iznos poreza na računu je pogrešan."),
    case("hr-wasted-not-vomited", "Potratila sam cijeli dan čekajući kurira."),
    case(
        "hr-no-diacritics-calm", "postovani, narudzba kasni vec tjedan dana, mozete li provjeriti"
    ),
    # safety
    case("hr-vomit", "Dijete je povraćalo cijelu noć nakon vašeg soka.", "safety"),
    case("hr-fire", "Punjač se zapalio dok je bio uključen.", "safety"),
    case("hr-glass", "U jogurtu sam našla komadić stakla!", "safety"),
    case("hr-mould", "Na kruhu je bila plijesan."),
    case(
        "hr-negation-then-explosion", "Nitko nije ozlijeđen, ali kuhalo je eksplodiralo.", "safety"
    ),
    case("hr-negation-only", "Srećom nije nikoga ozlijedilo, samo je stalak pao."),
    case("hr-shock", "Udarila me struja kad sam uključio sušilo.", "safety"),
    case("hr-no-diacritics-er", "sin je zavrsio na hitnoj zbog alergijske reakcije", "safety"),
    case("hr-typo-poison", "otrovali smo se vasom salatom", "safety"),
    # legal
    case("hr-lawyer", "Ako se ovo ne riješi, javljam se odvjetniku.", "legal"),
    case("hr-inspection", "Podnijet ću prijavu tržišnoj inspekciji.", "legal"),
    case("hr-court", "Vidimo se na sudu.", "legal"),
    case("hr-police", "Zvat ću policiju.", "legal"),
    case("hr-consumer-assoc", "Obratit ću se udruzi za zaštitu potrošača.", "legal"),
    case("hr-sue-no-diacritics", "tuzit cu vas", "legal"),
    case("hr-typo-lawyer", "zvat cu advoakta", "legal"),
    # anger
    case("hr-insult", "Idioti, izgubili ste mi paket.", "anger"),
    case("hr-profanity", "Jebote, koliko još trebam čekati?!", "anger"),
    case("hr-shouting", "SVAKI PUT ISTA PRIČA, GDJE JE MOJA NARUDŽBA???", "anger", "repeat"),
    case("hr-sarcasm", "Svaka čast, treći tjedan čekam paket. Bravo!!", "anger"),
    case("hr-disgrace-aimed", "Ovo je sramota!!! Nesposobni ste!", "anger"),
    # human request
    case("hr-live-person", "Želim razgovarati sa živom osobom, ne s robotom.", "human_request"),
    case("hr-supervisor", "Možete li me spojiti s vašim nadređenim?", "human_request"),
    # repeat
    case("hr-already", "Već sam se žalila zbog istog problema prošli mjesec.", "repeat"),
    case("hr-again", "Opet ste mi poslali krivu boju.", "repeat"),
    case("hr-after-claim", "Ni nakon reklamacije perilica ne radi.", "repeat"),
    case("hr-every-time-i-call", "Svaki put kad vas zovem, nitko se ne javlja.", "repeat"),
    case(
        "hr-store-repeat", "Kutija je opet stigla zgnječena.", "repeat", context=COMPLAINED_BEFORE
    ),
    # money
    case("hr-refund", "Tražim povrat novca za oštećenu lampu.", "money"),
    case("hr-give-back", "Vratite mi novac.", "money"),
    case("hr-money-natrag", "Hoću svoje novce natrag.", "money"),
    case("hr-give-back-natrag", "Vratite mi novce natrag.", "money"),
    case("hr-want-money-natrag", "Želim novac natrag.", "money"),
    case("hr-no-money-natrag", "Ne želim novac natrag, samo ispravan proizvod."),
    case("hr-no-refund", "Ne trebam povrat novca, samo zamjenu."),
    case("hr-resolution-refund", "To je sve, hvala.", "money", context=WANTS_REFUND),
    # not understood
    case("hr-first-fallback", "hmmm aaa", intent="nlu_fallback"),
    case(
        "hr-second-fallback",
        "ššš kkk",
        "not_understood",
        intent="nlu_fallback",
        context=AFTER_ONE_FAILURE,
    ),
    # several at once
    case(
        "hr-repeat-human",
        "Ovo je treći put da se žalim na isti kvar. Želim razgovarati sa šefom!",
        "repeat",
        "human_request",
    ),
    case(
        "hr-promised-twice", "Dvaput su mi obećali da će serviser doći, nitko nije došao.", "repeat"
    ),
    case("hr-second-week", "Drugi tjedan zovem vaš call centar zbog istog računa.", "repeat"),
    case("hr-no-answer", "Još čekam odgovor na moju reklamaciju od prošlog mjeseca.", "repeat"),
    case("hr-clerk-chatting", "Prodavačica je cijelo vrijeme pričala s kolegicom."),
    case("hr-paying-attempts", "Treći put pokušavam platiti karticom i ne prolazi."),
]

SERBIAN_LATIN = [
    # calm
    case("sr-late-parcel", "Paket je trebalo da stigne u ponedeljak, a još uvek ga nema."),
    case("sr-wrong-size", "Poručila sam patike broj 38, a stigle su 40."),
    case("sr-repair-wish", "Frižider ne hladi kako treba, da li možete da pošaljete servisera?"),
    case("sr-invoice-typo", "Na računu je pogrešno upisan PIB firme."),
    case("sr-just-telling", "Ništa, samo sam hteo da znate da vam sajt sporo radi."),
    case("sr-polite-disappointed", "Isporuka kasni već nedelju dana, nisam zadovoljan."),
    case("sr-replacement", "Stigla mi je pogrešna boja, voleo bih zamenu."),
    case("sr-no-diacritics-calm", "postovani, porudzbina kasni, da li mozete da proverite"),
    # safety
    case("sr-poisoned", "Dete se otrovalo vašom pašteticom, bili smo kod lekara.", "safety"),
    case("sr-sparks-shock", "Fen je počeo da varniči i udarila me struja.", "safety"),
    case("sr-mould-budj", "U hlebu sam našao buđ."),
    case("sr-mould-plesan", "Našla sam plesan na siru."),
    case("sr-negation-then-explosion", "Niko nije povređen, ali je bojler eksplodirao.", "safety"),
    case("sr-negation-only", "Srećom niko nije povređen, samo se polica iskrivila."),
    case("sr-ovenproof-dish", "Vatrostalni sud je pukao u rerni."),
    case("sr-dishwasher", "Mašina za sudove ne pere dobro."),
    case("sr-connected-not-cut", "Povezala sam uređaj na wifi i ne radi."),
    case("sr-double-charge-card", "Skinuli su mi dva puta sa kartice."),
    case("sr-asked-floor-manager", "Pitala sam za poslovođu, nije ga bilo."),
    case("sr-looked-for-boss", "Tražila sam šefa u radnji, rekli su da je na pauzi."),
    case("sr-floor-manager-said", "Poslovođa mi je rekao da dođem sutra."),
    case("sr-cut", "Posekao sam se na oštru ivicu kutije.", "safety"),
    case("sr-typo-exploded", "ekspoldirao je bojler u kupatilu", "safety"),
    case(
        "sr-no-diacritics-allergy",
        "cerka je dobila alergijsku reakciju posle vase kreme",
        "safety",
    ),
    case("sr-typo-vomit", "otrovala sam se vasom salatom, povracala sam celu noc", "safety"),
    # legal
    case("sr-sue", "Ako ovo ne rešite, tužiću vas.", "legal"),
    case("sr-lawyer", "Moj advokat će vas kontaktirati.", "legal"),
    case("sr-inspection", "Prijaviću vas tržišnoj inspekciji.", "legal"),
    case("sr-consumers", "Obratiću se Udruženju potrošača.", "legal"),
    # anger
    case("sr-thieves", "Vi ste obični lopovi i prevaranti!", "anger"),
    case("sr-insult-repeat", "Kreteni, opet ste zeznuli porudžbinu!!!", "anger", "repeat"),
    case(
        "sr-sarcasm",
        "Bravo, svaka vam čast, treći put mi šaljete pogrešnu veličinu!!!",
        "anger",
        "repeat",
    ),
    case("sr-insult-intent", "ajde bre marš", "anger", intent="insult"),
    # human request
    case("sr-live-person", "Hoću da razgovaram sa nekim živim, a ne sa botom.", "human_request"),
    case("sr-manager", "Dajte mi vašeg menadžera.", "human_request"),
    case("sr-give-me-floor-manager", "Dajte mi poslovođu.", "human_request"),
    case("sr-talk-to-boss", "Hoću da pričam sa šefom.", "human_request"),
    case(
        "sr-asked-then-asks",
        "Pitala sam za poslovođu. Sada hoću da razgovaram sa šefom.",
        "human_request",
    ),
    # repeat
    case("sr-already", "Već sam se žalio zbog ovoga pre dve nedelje.", "repeat"),
    case("sr-again", "Ponovo mi je stigao oštećen paket.", "repeat"),
    # money
    case("sr-refund", "Hoću povrat novca.", "money"),
    case("sr-refund-povracaj", "Tražim povraćaj novca za neispravan telefon.", "money"),
    case("sr-give-back", "Vratite mi pare za neispravan telefon.", "money"),
    case("sr-money-nazad", "Hoću pare nazad.", "money"),
    case("sr-no-refund", "Ne tražim povrat novca, samo da mi pošaljete drugi."),
    case("sr-resolution-comp", "Eto, to je to.", "money", context=WANTS_COMPENSATION),
    # not understood
    case("sr-first-low-confidence", "pa ono kao znaš", intent="complain", confidence=0.4),
    case(
        "sr-second-fallback",
        "šta bre ovo",
        "not_understood",
        intent="nlu_fallback",
        context=AFTER_ONE_FAILURE,
    ),
    # several at once
    case(
        "sr-disgrace-compensation-lawyer",
        "Ovo je sramota, nesposobni ste, tražim odštetu i idem kod advokata!",
        "legal",
        "anger",
        "money",
    ),
    case(
        "sr-talked-to-service",
        "Razgovarala sam sa vašom službom u ponedeljak, obećali su povraćaj.",
        "repeat",
    ),
    case("sr-password-attempts", "Peti put upisujem lozinku i opet greška."),
    case(
        "sr-colleague-said-too",
        "Isto mi je rekao i vaš operater prošlog meseca, i opet ništa.",
        "repeat",
    ),
    case("sr-new-password-asked", "Tražim novu šifru već treći put, link ne stiže."),
    case("sr-police-already", "Već sam prijavila krađu policiji, blokirajte karticu.", "legal"),
]

SERBIAN_CYRILLIC = [
    # calm
    case("sr-cyr-late", "Пакет касни три дана, молим вас да проверите."),
    case("sr-cyr-wrong-size", "Добио сам погрешну величину мајице."),
    case("sr-cyr-repair", "Штампач не ради, треба ми поправка."),
    case("sr-cyr-invoice-typo", "На рачуну је погрешно написано моје презиме."),
    case("sr-cyr-just-telling", "Ништа, само да знате."),
    case("sr-cyr-disappointed", "Разочаран сам, достава је каснила."),
    case("sr-cyr-replacement", "Молим вас да ми пошаљете нови, овај је неисправан."),
    case("sr-cyr-shelf-part", "Фали један део полице."),
    case("sr-cyr-charged-twice", "Скинули сте ми исти износ са картице два пута."),
    case("sr-cyr-charged-double", "Наплатили сте ми дупло."),
    case("sr-cyr-preheating", "Предгревање рерне траје сат времена."),
    case("sr-cyr-asked-boss-past", "Јуче сам тражила шефа, није га било."),
    # safety
    case("sr-cyr-sick", "Мој син се разболео после вашег сока.", "safety"),
    case("sr-cyr-fire", "Пуњач се запалио у току ноћи.", "safety"),
    case("sr-cyr-glass", "У јогурту сам нашла комад стакла.", "safety"),
    case("sr-cyr-mould", "Хлеб је пун буђи."),
    case(
        "sr-cyr-negation-then-explosion",
        "Нико није повређен, али је грејалица експлодирала.",
        "safety",
    ),
    case("sr-cyr-negation-only", "Срећом нико није повређен."),
    case("sr-cyr-er", "Завршили смо у Ургентном центру због алергијске реакције.", "safety"),
    case("sr-cyr-poison-mixed", "Отровао сам се, povraćao sam celu noć.", "safety"),
    case("sr-cyr-category", "Поклопац се сам отвара.", "safety", category="safety"),
    # legal
    case("sr-cyr-sue", "Тужићу вас суду.", "legal"),
    case("sr-cyr-lawyer", "Мој адвокат ће вам се јавити.", "legal"),
    case("sr-cyr-inspection", "Пријавићу вас тржишној инспекцији.", "legal"),
    case("sr-cyr-consumers", "Обратићу се заштити потрошача.", "legal"),
    case("sr-cyr-police", "Позваћу полицију.", "legal"),
    # anger
    case("sr-cyr-idiots", "Идиоти, где ми је пакет?", "anger"),
    case("sr-cyr-profanity", "Јебем вам све, три недеље чекам!", "anger"),
    case("sr-cyr-shouting", "ОВО ЈЕ НЕЧУВЕНО, ГДЕ ЈЕ МОЈА ПОРУЏБИНА???", "anger"),
    case("sr-cyr-sarcasm", "Свака част, опет касните. Браво!!!", "anger", "repeat"),
    case("sr-cyr-insult-intent", "иди бре", "anger", intent="insult"),
    # human request
    case("sr-cyr-live-person", "Желим да разговарам са живом особом.", "human_request"),
    case("sr-cyr-operator", "Дајте ми оператера.", "human_request"),
    # repeat
    case("sr-cyr-already", "Већ сам се жалила због истог квара.", "repeat"),
    case("sr-cyr-third-time", "Ово је трећи пут да вам пишем.", "repeat"),
    case(
        "sr-cyr-overheat-repeat",
        "Кабл се поново прегрејао.",
        "safety",
        "repeat",
        context=COMPLAINED_BEFORE,
    ),
    # money
    case("sr-cyr-refund", "Хоћу повраћај новца.", "money"),
    case("sr-cyr-give-back", "Вратите ми паре!", "money"),
    case("sr-cyr-money-nazad", "Хоћу свој новац назад.", "money"),
    case("sr-cyr-typo-refund", "Тражим рефудацију.", "money"),
    case("sr-cyr-no-refund", "Не треба ми повраћај новца, само нови телефон."),
    # not understood
    case(
        "sr-cyr-second-fallback",
        "ааа ввв",
        "not_understood",
        intent="nlu_fallback",
        context=AFTER_ONE_FAILURE,
    ),
    # several at once
    case(
        "sr-cyr-repeat-human",
        "Поново ми шаљете покварен производ, тражим да разговарам са шефом!",
        "repeat",
        "human_request",
    ),
    case("sr-cyr-third-time-told", "Трећи пут ми кажете да ће стићи сутра.", "repeat"),
    case("sr-cyr-called-friday", "Звао сам и вашу подршку у четвртак, и ништа.", "repeat"),
    case("sr-cyr-claim-refused", "Продавац ми је одбио рекламацију због кутије.", "repeat"),
]

BOSNIAN = [
    # calm
    case("bs-late", "Paket kasni već sedmicu dana."),
    case("bs-wrong-size", "Dobila sam pogrešan broj patika."),
    case("bs-repair", "Mašina za veš ne radi, trebam popravku."),
    case("bs-invoice-typo", "Na fakturi je pogrešno napisan moj broj telefona."),
    case("bs-just-telling", "Ništa, samo sam htio da znate."),
    case("bs-not-satisfied", "Nisam zadovoljna, dostava je kasnila tri dana."),
    case("bs-replacement", "Pošaljite mi novi, ovaj ne radi."),
    case("bs-come-another-time", "Rekao mi je da dođem drugi put."),
    case("bs-drop-by-another-time", "Rekli su mi da navratim neki drugi put."),
    case("bs-charged-twice", "Naplatili ste mi dva puta."),
    case("bs-taken-twice", "Skinuli su mi dva puta."),
    case("bs-asked-boss-past", "Pitao sam za šefa, nije bio tu."),
    case("bs-shelf-part", "Polica je stigla bez šarafa, fali dio police."),
    case("bs-branch-office", "U vašoj ekspozituri niko ne zna ništa."),
    case("bs-frustrated-no-answer", "uzas ljudi, zasto mi niko ne odgovara na mail"),
    # safety
    case(
        "bs-vomit-doctor", "Nakon vašeg soka dijete je povraćalo i bili smo kod ljekara.", "safety"
    ),
    case("bs-fire", "Grijalica se zapalila.", "safety"),
    case("bs-mould-budj", "U hljebu je bila buđ."),
    case("bs-mould-plijesan", "Našao sam plijesan na siru."),
    case("bs-mould-d-for-dj", "hljeb je budav"),
    case(
        "bs-negation-then-explosion", "Niko nije povrijeđen, ali je bojler eksplodirao.", "safety"
    ),
    case("bs-ali-no-comma", "niko nije povrijeđen ali se grijalica zapalila", "safety"),
    case("bs-negation-only", "Hvala Bogu niko nije povrijeđen."),
    case("bs-injured", "Povrijedio sam se o oštar rub kutije.", "safety"),
    case("bs-no-diacritics-hospital", "kcerka je zavrsila u bolnici zbog trovanja", "safety"),
    # legal
    case("bs-lawyer", "Angažovaću advokata.", "legal"),
    case("bs-lawsuit", "Podnijet ću tužbu.", "legal"),
    case("bs-inspection", "Prijavit ću vas inspekciji.", "legal"),
    case("bs-consumers", "Obratit ću se udruženju za zaštitu potrošača.", "legal"),
    # anger
    case("bs-fools", "Budale jedne, gdje mi je paket?", "anger"),
    case("bs-profanity", "Pas vam mater, tri sedmice čekam!!!", "anger"),
    case("bs-sarcasm", "Svaka čast, opet kasnite. Bravo majstori!", "anger", "repeat"),
    # human request
    case("bs-live-person", "Hoću da pričam sa živim čovjekom.", "human_request"),
    case("bs-boss", "Dajte mi nekog šefa.", "human_request"),
    case("bs-d-for-dj", "mozete li me spojiti sa nadredenim", "human_request"),
    case("bs-human-intent", "moze li neko drugi", "human_request", intent="request_human"),
    # repeat
    case("bs-already", "Već sam se žalio zbog toga.", "repeat"),
    case("bs-same-again", "Ponovo isti problem.", "repeat"),
    case("bs-second-time", "Ovo je drugi put da vam pišem.", "repeat"),
    case("bs-store-repeat", "Ekran treperi.", "repeat", context=COMPLAINED_BEFORE),
    # money
    case("bs-refund", "Hoću povrat novca.", "money"),
    case("bs-give-back", "Vratite mi lovu.", "money"),
    case("bs-money-nazad", "Hoću pare nazad.", "money"),
    case("bs-typo-compensation", "trazim kompezaciju za izgubljeno vrijeme", "money"),
    case("bs-no-refund", "Ne trebam povrat novca, samo zamjenu."),
    # not understood
    case("bs-first-fallback", "ma ono", intent="nlu_fallback"),
    case(
        "bs-second-fallback",
        "aj bujrum",
        "not_understood",
        intent="nlu_fallback",
        context=AFTER_ONE_FAILURE,
    ),
    # several at once
    case("bs-court-compensation", "Tražim odštetu, inače idem na sud.", "legal", "money"),
    case(
        "bs-calls-counted",
        "Tri puta zvala vaš call centar, svaki put drugi odgovor.",
        "repeat",
    ),
    case("bs-password-link", "Šesti put tražim novu šifru, link ne radi."),
]

#: Stories of calls and transfers, questions about the bot, and the difference back.
CALLS_AND_DIFFERENCES = [
    case("en-promised-callback", "They promised a call back on Monday and no one rang."),
    case("en-real-person-or-bot", "Are you a real person or a bot?", intent="bot_challenge"),
    case(
        "en-difference-back",
        "The till charged more than the label, refund the difference.",
        "money",
    ),
    case("hr-obecala-nazvati", "Rekla je da će me nazvati do petka, ništa od toga."),
    case("hr-prebacio-operatera", "Chat me prebacio na operatera koji se nije javio."),
    case("hr-vratite-razliku", "Naplatili ste više nego na polici, vratite mi razliku.", "money"),
    case("sr-covek-ili-masina", "Da li si ti živ čovek ili mašina?", intent="bot_challenge"),
    case("sr-nadoknada", "Očekujem nadoknadu za put do servisa.", "money"),
    case("bs-pravi-covjek", "Dajte mi pravog čovjeka, molim vas.", "human_request"),
]

ALL_LANGUAGES = (
    ENGLISH + CROATIAN + SERBIAN_LATIN + SERBIAN_CYRILLIC + BOSNIAN + CALLS_AND_DIFFERENCES
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The built-in defaults (no bot.yml, no environment)."""
    missing = tmp_path_factory.mktemp("settings") / "bot.yml"
    return load_settings(environ={}, settings_file=missing)


def _assess(item: Case, settings: Settings) -> EscalationDecision:
    message = MessageSignals(
        text=item.text,
        intent=item.intent,
        intent_confidence=item.confidence,
        category=item.category,
    )
    return assess(message, item.context, settings)


@pytest.mark.parametrize("item", ALL_LANGUAGES, ids=_name)
def test_reasons(item: Case, settings: Settings) -> None:
    decision = _assess(item, settings)
    assert set(decision.reasons) == item.expected, decision.explanations
    assert decision.escalate == bool(item.expected)


@pytest.mark.parametrize("item", ALL_LANGUAGES, ids=_name)
def test_every_reason_is_explained_in_order(item: Case, settings: Settings) -> None:
    decision = _assess(item, settings)
    assert list(decision.reasons) == [r for r in REASONS if r in decision.reasons]
    assert set(decision.explanations) == set(decision.reasons)
    assert all(why.strip() for why in decision.explanations.values())
    assert 0.0 <= decision.anger_score <= 1.0
    assert 1 <= decision.severity <= 4


def test_tables_cover_every_language_and_reason() -> None:
    for table in (ENGLISH, CROATIAN, SERBIAN_LATIN, SERBIAN_CYRILLIC, BOSNIAN):
        assert len(table) >= 30
        covered = set().union(*(item.expected for item in table))
        assert covered == set(REASONS)
        assert any(not item.expected for item in table)


def test_explanation_shows_how_a_typo_was_read(settings: Settings) -> None:
    decision = assess(MessageSignals("zvat cu advoakta"), ConversationContext(), settings)
    assert "'advoakta' (read as 'advokat')" in decision.explanations["legal"]


def test_a_typo_must_keep_the_end_of_the_stem(settings: Settings) -> None:
    """Eksploatacija is one typo away from eksploz* only by changing its last letter."""
    text = "Pisala sam o eksploataciji resursa, paket kasni."
    assert assess(MessageSignals(text), ConversationContext(), settings).reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        # BCS words that are (one typo away from) a legal word
        "Fali jedan dio police.",
        "Na policama je prašina.",
        "Stavka na poziciji 3 je pogrešna.",
        "Zamijenite mi dvokatni krevet.",
        "Vatrostalni sud je pukao.",
        "Sud za pečenje je napukao.",
        "Mašina za sudove curi.",
        "Sudopera curi.",
        "Posuda je napukla.",
        "Dobili smo poticaj za kupnju.",
        # BCS and English words one typo away from a safety word
        "Povezao sam punjač.",
        "Porez na računu je kriv, iznos poreza je previsok.",
        "Porekao je da je paket stigao.",
        "Potratio sam cijeli dan.",
        "Predgrijavanje pećnice traje dugo.",
        "Preljev za salatu je kiseo.",
        "Čekam od proljeća.",
        "Narudžba od travnja, trgovanje dionicama.",
        "Iskrslo je nešto.",
        "Ozlojeđen sam.",
        "Posrijedi je greška.",
        "Nafilane paprike su hladne.",
        "Poklopac ne prekrije posudu.",
        "The cooking time on the box is wrong.",
        "It smelled of plastic.",
        "The sparkling water is flat.",
        "The blender stopped blending.",
    ],
)
def test_real_words_are_not_read_as_typos(text: str, settings: Settings) -> None:
    decision = assess(MessageSignals(text), ConversationContext(), settings)
    assert decision.reasons == (), decision.explanations


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("Zvat ću policajca.", "legal", id="policajac"),
        pytest.param("Pozvaću policiju.", "legal", id="policija"),
        pytest.param("I'm going to the police.", "legal", id="the-police"),
        pytest.param("Porezao sam se na rub.", "safety", id="porezao"),
        pytest.param("Ruka mi je porezana.", "safety", id="porezana"),
    ],
)
def test_the_real_words_still_count(text: str, reason: str, settings: Settings) -> None:
    assert reason in assess(MessageSignals(text), ConversationContext(), settings).reasons


def test_explanation_names_the_longest_phrase_once(settings: Settings) -> None:
    text = "Podnijet ću prijavu tržišnoj inspekciji."
    decision = assess(MessageSignals(text), ConversationContext(), settings)
    assert decision.explanations["legal"].count("inspekciji") == 1
    assert "trzisnoj inspekciji" in decision.explanations["legal"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Мој адвокат ће вам се јавити.", "advokat"),
        ("If this is not sorted I will contact my lawyer.", "lawyer"),
        ("U čokoladi je bio komad stakla.", "stakla"),
    ],
)
def test_explanation_names_the_word(text: str, word: str, settings: Settings) -> None:
    decision = assess(MessageSignals(text), ConversationContext(), settings)
    assert any(word in why for why in decision.explanations.values()), decision.explanations


# --- anger growing across two messages ------------------------------------------------------

GROWING_ANGER = [
    pytest.param("My order is late.", "Ridiculous, still nothing!!", id="en"),
    pytest.param("Paket kasni.", "Ovo je smiješno, još uvijek ništa!!", id="hr"),
    pytest.param("Porudžbina kasni.", "Ovo je katastrofa, još čekam!!", id="sr"),
    pytest.param("Поруџбина касни.", "Ово је ужас, и даље ништа!!", id="sr-cyr"),
    pytest.param("Paket kasni.", "Ovo je nevjerovatno, već sedmicu čekam!!!", id="bs"),
]


@pytest.mark.parametrize(("first", "second"), GROWING_ANGER)
def test_anger_growing_across_two_messages(first: str, second: str, settings: Settings) -> None:
    calm = assess(MessageSignals(first, intent="complain"), ConversationContext(), settings)
    assert calm.reasons == ()
    later = assess(
        MessageSignals(second, intent="complain"),
        ConversationContext(previous_anger=calm.anger_score),
        settings,
    )
    assert later.reasons == ("anger",), later.explanations
    assert later.anger_score < settings.escalation.anger_threshold
    assert "angrier" in later.explanations["anger"]


@pytest.mark.parametrize(("first", "second"), GROWING_ANGER)
def test_same_irritation_without_a_rise_is_not_anger(
    first: str, second: str, settings: Settings
) -> None:
    """Already irritated before: the same level again is not "getting angrier"."""
    del first
    earlier = assess(MessageSignals(second), ConversationContext(), settings)
    again = assess(
        MessageSignals(second), ConversationContext(previous_anger=earlier.anger_score), settings
    )
    assert "anger" not in again.reasons


# --- anger built up over a conversation -----------------------------------------------------

#: Three messages, each irritated but none angry alone, and none a rise over the one before.
BUILT_UP_ANGER = [
    pytest.param(
        ["Where is my parcel???", "Unbelievable, still nothing.", "Two weeks now. Unacceptable."],
        id="en",
    ),
    pytest.param(
        ["Gdje je moj paket???", "Užas, još ništa.", "Dva tjedna. Neprihvatljivo."], id="hr"
    ),
    pytest.param(
        ["Gde je moj paket???", "Užas, i dalje ništa.", "Dve nedelje. Neprihvatljivo."], id="sr"
    ),
    pytest.param(
        ["Где је мој пакет???", "Ужас, и даље ништа.", "Две недеље. Неприхватљиво."], id="sr-cyr"
    ),
    pytest.param(
        ["Gdje mi je paket???", "Užas, još ništa.", "Dvije sedmice. Neprihvatljivo."], id="bs"
    ),
]


def _conversation(texts: list[str], settings: Settings) -> list[EscalationDecision]:
    """Each message assessed with the scores of the ones before, as the actions do."""
    decisions: list[EscalationDecision] = []
    for text in texts:
        earlier = tuple(decision.anger_score for decision in decisions)
        context = ConversationContext(
            previous_anger=max(earlier, default=None), earlier_anger=earlier
        )
        decisions.append(assess(MessageSignals(text), context, settings))
    return decisions


@pytest.mark.parametrize("texts", BUILT_UP_ANGER)
def test_anger_built_up_over_a_conversation(texts: list[str], settings: Settings) -> None:
    *before, last = _conversation(texts, settings)
    assert all(decision.reasons == () for decision in before)
    assert last.reasons == ("anger",), last.explanations
    assert last.anger_score < settings.escalation.anger_threshold
    assert "built up" in last.explanations["anger"]


@pytest.mark.parametrize(
    "texts",
    [
        # mild displeasure and "!!" do not add up, however many
        ["My parcel is late!!", "I'm a bit disappointed, to be honest.", "Still late!!"],
        ["Paket kasni!!", "Malo sam razočarana.", "I dalje kasni!!"],
        # irritation before, then a calm message: nothing builds up in a calm message
        ["Where is my parcel???", "Unbelievable, still nothing.", "My order number is 55120."],
    ],
)
def test_mild_or_calm_messages_build_up_no_anger(texts: list[str], settings: Settings) -> None:
    assert all("anger" not in decision.reasons for decision in _conversation(texts, settings))


# --- two failures in a row --------------------------------------------------------------------

FAILURES = [
    pytest.param("qwe rty", "zxc vbn", "My parcel is late.", id="en"),
    pytest.param("ovaj ono", "ma znaš već", "Paket kasni tjedan dana.", id="hr"),
    pytest.param("pa ono", "kao bre", "Paket kasni nedelju dana.", id="sr"),
    pytest.param("па оно", "као бре", "Пакет касни недељу дана.", id="sr-cyr"),
    pytest.param("ma haj", "ono kao", "Paket kasni sedmicu dana.", id="bs"),
]


@pytest.mark.parametrize(("first", "second", "understood"), FAILURES)
def test_two_failures_in_a_row(
    first: str, second: str, understood: str, settings: Settings
) -> None:
    one = assess(MessageSignals(first, intent="nlu_fallback"), ConversationContext(), settings)
    assert one.reasons == ()
    assert one.failed_understandings == 1
    two = assess(
        MessageSignals(second, intent="greet", intent_confidence=0.2),
        ConversationContext(failed_understandings=one.failed_understandings),
        settings,
    )
    assert two.reasons == ("not_understood",)
    assert two.failed_understandings == 2
    reset = assess(
        MessageSignals(understood, intent="complain", intent_confidence=0.9),
        ConversationContext(failed_understandings=1),
        settings,
    )
    assert reset.reasons == ()
    assert reset.failed_understandings == 0


def test_failures_separated_by_an_understood_message_do_not_add_up(settings: Settings) -> None:
    first = assess(MessageSignals("xx", intent="nlu_fallback"), ConversationContext(), settings)
    understood = assess(
        MessageSignals("I ordered a lamp.", intent="complain"),
        ConversationContext(failed_understandings=first.failed_understandings),
        settings,
    )
    third = assess(
        MessageSignals("yy", intent="nlu_fallback"),
        ConversationContext(failed_understandings=understood.failed_understandings),
        settings,
    )
    assert third.reasons == ()
    assert third.failed_understandings == 1


def test_low_confidence_intent_is_not_trusted(settings: Settings) -> None:
    """An "insult" the NLU is unsure of is not taken as an insult."""
    decision = assess(
        MessageSignals("the parcel is late", intent="insult", intent_confidence=0.2),
        ConversationContext(),
        settings,
    )
    assert decision.reasons == ()
    assert decision.failed_understandings == 1


# --- severity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "context", "severity"),
    [
        pytest.param("Paket kasni.", "delivery", ConversationContext(), 2, id="delivery-calm"),
        pytest.param("Hvala, samo da znate.", None, ConversationContext(), 1, id="no-category"),
        pytest.param("The app is slow.", "other", ConversationContext(), 1, id="other"),
        pytest.param("The app is slow.", "made_up", ConversationContext(), 1, id="unknown"),
        pytest.param("Idioti, paket kasni!", "delivery", ConversationContext(), 3, id="angry"),
        pytest.param("Tužit ću vas.", "billing", ConversationContext(), 3, id="legal"),
        pytest.param(
            "Again the wrong size.", "product_quality", ConversationContext(), 3, id="repeat"
        ),
        pytest.param(
            "Kreteni, opet kasni, zvat ću odvjetnika!",
            "delivery",
            ConversationContext(),
            3,
            id="anger-legal-repeat-once",
        ),
        pytest.param("Poklopac je labav.", "safety", ConversationContext(), 4, id="safety-cat"),
        pytest.param("Punjač se zapalio.", "technical", ConversationContext(), 4, id="fire"),
        pytest.param("Hoću povrat novca.", "billing", WANTS_REFUND, 2, id="money-no-bump"),
        pytest.param(
            "The zip broke.", "product_quality", COMPLAINED_BEFORE, 3, id="repeat-from-store"
        ),
    ],
)
def test_severity(
    text: str, category: str | None, context: ConversationContext, severity: int, settings: Settings
) -> None:
    decision = assess(MessageSignals(text, category=category), context, settings)
    assert decision.severity == severity, decision.explanations


# --- thresholds come from the settings --------------------------------------------------------


def _with(settings: Settings, **changes: float | int) -> Settings:
    values = {**settings.escalation.__dict__, **changes}
    return Settings(categories=settings.categories, escalation=EscalationSettings(**values))


def test_anger_threshold_is_read_from_settings(settings: Settings) -> None:
    message = MessageSignals("You idiots lost my parcel.")
    assert "anger" in assess(message, ConversationContext(), settings).reasons
    lenient = _with(settings, anger_threshold=0.9, anger_rise=0.9)
    assert "anger" not in assess(message, ConversationContext(), lenient).reasons


def test_a_rise_counts_only_from_half_the_threshold(settings: Settings) -> None:
    """With a small rise setting, mild irritation is still not "getting angrier"."""
    touchy = _with(settings, anger_rise=0.1)
    before = ConversationContext(previous_anger=0.1)
    mild = assess(MessageSignals("Ovo je katastrofa."), before, touchy)
    assert mild.anger_score < settings.escalation.anger_threshold / 2
    assert mild.reasons == ()
    louder = assess(MessageSignals("Ovo je katastrofa!!!"), before, touchy)
    assert louder.reasons == ("anger",)


def test_max_failed_understandings_is_read_from_settings(settings: Settings) -> None:
    patient = _with(settings, max_failed_understandings=3)
    message = MessageSignals("??", intent="nlu_fallback")
    assert assess(message, AFTER_ONE_FAILURE, patient).reasons == ()
    twice = ConversationContext(failed_understandings=2)
    assert assess(message, twice, patient).reasons == ("not_understood",)


def test_confidence_threshold_is_read_from_settings(settings: Settings) -> None:
    strict = _with(settings, nlu_confidence_threshold=0.95)
    message = MessageSignals("Paket kasni.", intent="complain", intent_confidence=0.9)
    assert assess(message, AFTER_ONE_FAILURE, settings).reasons == ()
    assert assess(message, AFTER_ONE_FAILURE, strict).reasons == ("not_understood",)


def test_settings_file_is_not_needed(tmp_path: Path) -> None:
    loaded = load_settings(environ={}, settings_file=tmp_path / "absent.yml")
    decision = assess(MessageSignals("Hoću povrat novca."), ConversationContext(), loaded)
    assert decision.reasons == ("money",)


def test_growing_anger_needs_an_earlier_message() -> None:
    """On a first message only the threshold counts; "getting angrier" needs a before."""
    from bot.policy import ConversationContext, MessageSignals, anger_score, assess
    from bot.settings import load_settings

    settings = load_settings(environ={})
    text = "The app is useless"
    score = anger_score(text)
    assert settings.escalation.anger_threshold / 2 <= score < settings.escalation.anger_threshold
    first = assess(MessageSignals(text=text, intent="complain"), ConversationContext(), settings)
    assert "anger" not in first.reasons
    later = assess(
        MessageSignals(text=text, intent="complain"),
        ConversationContext(previous_anger=0.0),
        settings,
    )
    assert "anger" in later.reasons
