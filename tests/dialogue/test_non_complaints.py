"""Messages that sound like a complaint but name no problem that is still there: how-to and
safe-use questions, all-clears and idioms log nothing; their look-alikes stay complaints
(bot/text/data/non_complaints.yml, :func:`bot.dialogue.decision.no_complaint_reading`)."""

from __future__ import annotations

import pytest

from bot.dialogue.decision import bot_question_only, decide, no_complaint_reading

CATEGORIES = ("delivery", "product_quality", "billing", "service_quality", "technical", "other")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # how-to questions that open the message
        ("how can I update the phone number on my account?", "out_of_scope"),
        ("hello, where do I pick up a click and collect order?", "out_of_scope"),
        ("is there a way to split the payment between two cards", "out_of_scope"),
        ("kako se mijenja lozinka u aplikaciji", "out_of_scope"),
        ("pozdrav, gdje mogu preuzeti račun za kupnju?", "out_of_scope"),
        ("kako da otkažem pretplatu na newsletter", "out_of_scope"),
        ("како могу да додам другу адресу за испоруку", "out_of_scope"),
        # yes/no questions about safe or normal use
        ("is it ok to put the frying pan in the dishwasher?", "out_of_scope"),
        ("is this heater safe for a small bedroom", "out_of_scope"),
        ("smije li se jakna prati na 40 stupnjeva", "out_of_scope"),
        ("da li je bezbedno da dete koristi ovaj sprej za nos", "out_of_scope"),
        ("je li normalno da novi hladnjak malo bruji prvih dana?", None),
        ("je li normalno da novi hladnjak tiho bruji?", "out_of_scope"),
        ("да ли сме тигањ у рерну", "out_of_scope"),
        # all-clears: a problem mentioned, then over
        ("the app kept freezing but after the update it works fine, thanks", "thank_you"),
        ("thought the voucher was lost, found it in my inbox, never mind", "thank_you"),
        ("my money finally came through this morning, cheers", "thank_you"),
        ("the credit for the returned lamp arrived today, thank you", "thank_you"),
        ("paket je kasnio, ali na kraju je stigao, sve ok hvala", "thank_you"),
        ("uplata je ipak prošla, nema potrebe, hvala", "thank_you"),
        ("пунио сам га целу ноћ и сад ради, све у реду", "thank_you"),
        ("printer je opet proradio kad sam ga resetirala", "thank_you"),
        # idioms with alarming words, no problem
        ("umrla sam od smijeha kad sam vidjela vašu novu reklamu", "praise"),
        ("the chocolate cake in your café is to die for", "praise"),
        ("this weekend sale is a killer deal", "praise"),
        ("cijene na akciji su ubitačne, svaka čast", "praise"),
        # commands to a personal assistant: the task's words name no problem
        ("remind me to pick up a refund form at the post office", "out_of_scope"),
        ("please switch the robot vacuum off", "out_of_scope"),
        ("give the film I watched 4 out of 5 stars", "out_of_scope"),
        ("order toilet paper and milk", "out_of_scope"),
        ("book a table for four on Friday", "out_of_scope"),
        ("play the new album by Dua Lipa", "out_of_scope"),
        ("podsjeti me da sutra nazovem servis za auto", "out_of_scope"),
        ("upali svjetlo u dnevnoj sobi", "out_of_scope"),
        ("naruči mi picu s gljivama", "out_of_scope"),
        ("оцени овај филм са 3 од 5", "out_of_scope"),
        ("pusti neku pjesmu od Dine Merlina", "out_of_scope"),
        ("translate 'I want my money back' into French", "out_of_scope"),
        ("prevedi mi 'tražim zamjenu' na talijanski", "out_of_scope"),
        ("преведите ми 'хоћу замену' на енглески", "out_of_scope"),
        # a problem in a sentence of its own after the command is still a complaint
        ("Translate hello into Dutch. By the way my parcel never arrived.", None),
    ],
)
def test_non_complaints(text: str, intent: str | None) -> None:
    reading = no_complaint_reading(text)
    assert (reading.intent if reading else None) == intent
    if intent is not None:
        decision = decide(text, intent, [(intent, 0.6)], CATEGORIES)
        assert not decision.is_complaint


@pytest.mark.parametrize(
    "text",
    [
        # questions that complain, or name a problem or harm
        "how do I send this back, it came broken",
        "how come my parcel still hasn't arrived?",
        "how can I get my money back for the faulty kettle?",
        "why was I charged twice, how do I get it fixed",
        "kako to da mi paket još nije stigao",
        "kako da vam vjerujem kad mi tri puta kasni dostava",
        "kako se usuđujete tako razgovarati s kupcem",
        "može li serviser doći sutra pogledati bojler",
        "is it normal that the kettle burned my hand?",
        "the toaster caught fire, is it safe to keep using it?",
        "is it safe to eat? my son already got sick from it",
        "da li je normalno da mi se punjač istopio",
        "smije li dijete jesti ovo, jučer je povraćalo nakon jogurta",
        # a command's look-alikes: a problem in its sentence or after it, or a wish of a shop
        "turn it on and the plug sparks",
        "play button on the remote does not work",
        "order 4411 never arrived",
        "call me back, the fridge is broken",
        "order me a new one, this one leaks",
        "set up took an hour and the app still crashes",
        "play some music. The speaker I bought from you crackles and hisses.",
        "book arrived with pages missing",
        "naruči mi novi, ovaj ne radi",
        "upalio sam ga i iskočio je osigurač",
        # all-clears that are not over, negated, sarcastic or contrasted
        "all good, thanks for nothing",
        "works now but the screen is cracked",
        "it's not working now either",
        "my refund still has not landed",
        "nothing is sorted, still waiting",
        "sve ok osim što fali jedan dio",
        "nije sve u redu, paket je oštećen",
        "povrat novca mi još nije sjeo",
        "ne radi, nema veze što ste rekli",
        "sve je stiglo, ali je kutija razbijena",
        "the shop says everything is fine on their end and nothing was refunded",
        "u banci tvrde da je sve u redu, a novca nema",
        "sve ok i dalje ništa od paketa",
        # a chase: the customer writes again about a refund for goods sent back
        "treći put pišem zbog povrata za vraćenu jaknu",
        "I'm calling again about the refund for the returned chair",
        # a wish that it works, the answer to "what can we do for you?", is no all-clear
        "ne znam, samo neka proradi",
        "ništa posebno, da mi perilica radi kako treba",
        "не знам, да проради некако",
        "I just want it to work properly again",
        # a courtesy is no news that all is fine
        "Charged twice for the lamp. I'd like to settle this with a person, if that's OK.",
        "Could you send a new one, if it is alright?",
        # idioms next to a real problem or anger
        "the smell of the cheese nearly killed me, it was mouldy",
        "prodavač me ubio pogledom i bio je bezobrazan",
        "umirem od smijeha, treći put mi šaljete pogrešan artikl",
    ],
)
def test_look_alikes_stay_complaints(text: str) -> None:
    assert no_complaint_reading(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am I chatting with a bot?", True),
        ("are you a real person?", True),
        ("is this an actual human or a bot", True),
        ("jesi li ti pravi čovjek ili bot", True),
        ("da li se dopisujem sa robotom?", True),
        ("јел ово бот", True),
        ("am I talking to a bot? I want a real person", False),
        ("are you human? put me through to someone please", False),
        ("da li pričam sa botom, hoću čovjeka", False),
        ("jesi li ti bot? dajte mi nekog živog", False),
        ("I'd like to talk to a real person", False),
    ],
)
def test_bot_questions(text: str, expected: bool) -> None:
    assert bot_question_only(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        # a question that describes spoiled or damaged goods the customer already has
        "is it normal that the juice I opened this morning already tastes like vinegar?",
        "is it normal for ham bought on Saturday to have a slimy film on it",
        "is this ok? the bread I got today already has white fuzzy patches",
        "je li normalno da kobasica kupljena jučer već smrdi",
        "je li normalno da jogurt ima zelene mrlje na vrhu?",
        "da li je normalno da sir od juče već ima budj",
        "да ли је нормално да кајмак купљен јутрос већ има кисео укус",
        "jel normalno da mlijeko ima ukus na kiselo a rok je tek za sedmicu",
    ],
)
def test_a_question_about_spoiled_goods_is_a_complaint(text: str) -> None:
    assert no_complaint_reading(text) is None
    decision = decide(text, "out_of_scope", [("out_of_scope", 0.7)], CATEGORIES)
    assert (decision.is_complaint, decision.category) == (True, "product_quality")


@pytest.mark.parametrize(
    "text",
    [
        # how goods should be used or behave when new: no complaint
        "is it normal for a new frying pan to smell a little the first time?",
        "is it normal that a new mattress has a slight odour at first",
        "je li normalno da se nova perilica malo trese pri centrifugi?",
        "da li je normalno da nove cipele malo stežu na početku",
        "да ли је нормално да се тесто мало лепи за руке",
    ],
)
def test_a_question_about_normal_behaviour_stays_a_question(text: str) -> None:
    reading = no_complaint_reading(text)
    assert reading is not None and reading.why == "use-question"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        # how refunds, returns and exchanges work: a question, though it names a remedy
        ("how many days until a refund shows up on my statement?", "policy-question"),
        ("can we exchange a birthday present if we have no receipt", "policy-question"),
        ("what's your returns period for sale items?", "policy-question"),
        ("is the refund paid back to the original card or as a voucher", "policy-question"),
        ("koliko dugo traje povrat novca na karticu?", "policy-question"),
        ("može li se zamijeniti poklon bez računa", "policy-question"),
        ("kakav je rok za povrat robe kupljene na akciji?", "policy-question"),
        ("враћа ли се новац на картицу или добијем ваучер", "policy-question"),
        ("Koliko traje povrat novca?", "policy-question"),
        ("Do you refund the shipping costs if I send it back?", "policy-question"),
        ("Plaćate li vi poštarinu za povrat?", "policy-question"),
        ("My friend says you charge a fee for returns, is that true?", "policy-question"),
        ("Kolega mi je rekao da naplaćujete povrat, je li to istina?", "policy-question"),
        ("Да ли је тачно да враћате новац за поштарину?", "policy-question"),
        ("Can I exchange it for a bigger size?", "policy-question"),
        ("Jel moguće zamijeniti veličinu?", "policy-question"),
        # a question someone else asked the customer to put
        ("my manager asked me to check whether you invoice companies", "reported-question"),
        ("my husband told me to ask if you open on Easter Monday", "reported-question"),
        ("sestra mi je rekla da pitam radite li nedjeljom", "reported-question"),
        ("šef me zamolio da provjerim imate li dostavu na otoke", "reported-question"),
        ("мама ми је рекла да питам докле радите суботом", "reported-question"),
    ],
)
def test_questions_about_the_rules_or_for_someone_else_log_nothing(text: str, why: str) -> None:
    reading = no_complaint_reading(text)
    assert reading is not None and reading.why == why
    decision = decide(text, "out_of_scope", [("out_of_scope", 0.6)], CATEGORIES)
    assert not decision.is_complaint


@pytest.mark.parametrize(
    "text",
    [
        # the same questions beside a problem of the customer's own stay complaints
        "how long does a refund take? I sent the lamp back a month ago and nothing",
        "can I return it without the box? it stopped working after two days",
        "koliko traje povrat novca, vratila sam jaknu prije tri tjedna i ništa",
        "You charged me twice, is that right?",
        "Je li istina da ste mi naplatili dvaput?",
        "Is it true you lost my parcel?",
        "my boss asked me to complain, your courier broke our printer",
        "šef mi je rekao da pitam zašto nam je račun dvostruko naplaćen",
    ],
)
def test_a_question_that_also_reports_a_problem_stays_a_complaint(text: str) -> None:
    assert no_complaint_reading(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "prevedi na engleski 'hoću povrat novca'",
        "преведи ми на италијански 'пошаљите ми нови'",
        "translate 'I would like a replacement' into Spanish",
    ],
)
def test_a_command_read_as_a_wish_is_still_a_command(text: str) -> None:
    reading = no_complaint_reading(text, wish=True)
    assert reading is not None and reading.why == "assistant-command"
    assert no_complaint_reading("pošaljite mi novi, ovaj ne radi", wish=True) is None
