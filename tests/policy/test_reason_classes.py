"""Escalation reasons for whole classes of phrasing, in English and in Croatian, Bosnian and
Serbian (Latin and Cyrillic, with and without diacritics): each row names the reason that must
fire, or the look-alike that must not (docs/categories.md, "Escalation reasons").

* money: indirect demands ("put it back on my card", "vratite mi 60 KM", "gdje su moje pare?",
  "vratite mi to" beside a charge, a refund that must come "ili ...") - not a refund that has
  arrived, goods returned, or a price named;
* legal: authorities and regulators (data protection, food hygiene), not trust ("povjerenje");
* anger: "what the hell", "dosta mi je vas", "ovo nema nigdje" - not an insult the customer
  reports being called;
* repeat: a past contact counted or dated ("emailed you on Monday", "zvao sam vas dvaput",
  "pisala sam vam prije tjedan dana"); a bare "again" about a shortage or about unwanted
  messages that keep coming is none, and neither is a fault counted ("treći put mi se sruši");
* human_request: "am I talking to a real person or a bot?" asks what the bot is; a promise that
  someone would call is a complaint, not a request.
"""

from __future__ import annotations

import pytest

from bot.policy import ConversationContext, MessageSignals, assess, classify_resolution
from bot.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


def _reasons(text: str, settings: Settings) -> dict[str, str]:
    return assess(MessageSignals(text=text), ConversationContext(), settings).explanations


FIRES = [
    # money, en
    ("You billed me for a warranty I declined. I want it back on my credit card.", "money"),
    ("Cancelled the gym add-on in May, pay it back into my account please", "money"),
    ("You owe me 35 pounds for the missing lamp.", "money"),
    ("I'm still waiting for my money for the cancelled sofa", "money"),
    ("You took a delivery fee for a click-and-collect order. Put that back.", "money"),
    ("If the money is not returned this week I'm going to my bank.", "money"),
    # money, bcs
    ("Naplatili ste mi dostavu dvaput, vratite mi 6 KM.", "money"),
    ("ako mi ne vratite 120 eura do ponedjeljka, idem dalje", "money"),
    ("Где су моје паре за отказану поруџбину?", "money"),
    ("gdje su moji novci vec mjesec dana", "money"),
    ("Gde je moj povraćaj za vraćen telefon?", "money"),
    ("Povraćaj od 3.100 dinara nikako da legne.", "money"),
    ("Razliku od 20 kuna mi vratite, na polici je pisala druga cijena.", "money"),
    ("Skidate mi članarinu iako sam je otkazala, vratite mi to.", "money"),
    ("Vratite mi sve tri rate za pretplatu koju nisam htjela.", "money"),
    ("Ако новац не буде враћен до среде, обраћам се даље.", "money"),
    ("hocu svoj novac, ne zanima me vaucer", "money"),
    # money, session 11: "where is my money" with the dative, "I expect it returned to me",
    # "vraćajte", a cost to be covered
    ("Mjesec dana čekam, gdje su mi pare za vraćenu jaknu?", "money"),
    ("di su mi novci od otkazane narudžbe", "money"),
    ("Očekujem da mi se naplaćena dostava vrati.", "money"),
    ("Vraćajte višak odmah, naplatili ste dvaput.", "money"),
    ("The taxi home cost me 30 pounds, reimbursing that seems fair.", "money"),
    # legal, en
    ("Ignore my data request again and I'll complain to the ICO.", "legal"),
    ("The chicken was raw in the middle, environmental health will hear about this.", "legal"),
    ("I'm writing to the data protection authority about your cookies.", "legal"),
    # legal, bcs
    ("Ako ne obrišete moje podatke, prijavljujem vas AZOP-u.", "legal"),
    ("Obratiću se Povereniku ako mi ne odgovorite.", "legal"),
    ("Povjereniku za informiranje šaljem pritužbu.", "legal"),
    ("Javit ću to sanitarnoj, meso je bilo zeleno.", "legal"),
    ("Žalim se agenciji za zaštitu osobnih podataka.", "legal"),
    # anger
    ("What the hell is going on with my order??", "anger"),
    ("Why the heck does nobody answer the phone!!!", "anger"),
    ("gdje je dovraga moj paket, pet dana kasni!!", "anger"),
    ("Dosta mi je vas i vaših kurira.", "anger"),
    ("Доста ми је вас, трећа недеља без фрижидера!!!", "anger"),
    ("Prodavač mi je bacio kusur na pult. Ovo nema nigdje!", "anger"),
    # repeat, en
    ("I reported the broken hinge last week and heard nothing.", "repeat"),
    ("We emailed you on Tuesday about the wrong invoice.", "repeat"),
    ("Phoned up about the leaking freezer three times since March.", "repeat"),
    ("called you twice about the missing refund", "repeat"),
    ("Second phone call this week about the same washer.", "repeat"),
    # repeat, bcs
    ("Već sam vas zbog ovog računa zvala triput.", "repeat"),
    ("Pisao sam vam prije deset dana zbog oštećenog stola.", "repeat"),
    ("prosle sedmice sam vam pisala za ovaj isti usisivac", "repeat"),
    ("Јуче сам вас звао због истог пакета.", "repeat"),
    ("Treći put mi šaljete pogrešan model.", "repeat"),
    ("Opet ste mi poslali krive čarape.", "repeat"),
    ("Ovo je treći put da mi se isti toster pokvari.", "repeat"),
    ("To je već drugi put da mi dođe razbijena vaza.", "repeat"),
    ("Ovo mi je četvrti razgovor s vama zbog iste narudžbe.", "repeat"),
    ("Ово ми је трећи пут да добијем погрешан пуњач.", "repeat"),
    ("Second time this year the same dishwasher has flooded my kitchen.", "repeat"),
    # human request
    ("I need a real person, not a chatbot.", "human_request"),
    ("Is this a bot? I'd rather talk to someone.", "human_request"),
    ("Charged twice for one lamp. I'd rather settle this with a person.", "human_request"),
]

LOOK_ALIKES = [
    # money: a refund that arrived, goods returned, a price named
    ("The refund for the boots I returned came through this morning, thanks!", "money"),
    ("Got my refund yesterday, all sorted, thank you.", "money"),
    ("Povrat novca za jaknu je legao, hvala vam.", "money"),
    ("Сео ми је повраћај за враћене патике, хвала на брзини.", "money"),
    ("Vratila sam robu u ponedjeljak, pakiranje je bilo oštećeno.", "money"),
    ("Vratio sam kabel jer nije odgovarao, cijena je bila 15 KM.", "money"),
    ("The kettle was 40 pounds and the lid is already loose.", "money"),
    ("Kupila sam torbu za 60 KM i ručka je pukla.", "money"),
    ("Do you pay the postage when I send a return?", "money"),
    ("gdje su mi papiri od garancije, ne mogu ih naći", "money"),
    ("Očekujem da mi se netko javi do petka.", "money"),
    ("Ponesite mi to sutra na kasu, molim vas.", "money"),
    # legal: trust is no authority
    ("Izgubila sam povjerenje u vašu dostavu.", "legal"),
    ("Nemam više poverenja u vaše kurire.", "legal"),
    # anger: an insult the customer was called
    ("The security guard called me a thief in front of everyone.", "anger"),
    ("Blagajnica me je nazvala lopovom jer se alarm oglasio.", "anger"),
    ("Čuvar je rekao da sam lopov, a račun imam.", "anger"),
    ("Ovaj model nema nigdje kupiti osim kod vas.", "anger"),
    # repeat: a shortage or unwanted messages, again; a fault counted; a story
    ("The third phone I bought from you has the same scratch.", "repeat"),
    ("The second support agent I spoke to today was lovely.", "repeat"),
    ("no gluten-free pasta. again.", "repeat"),
    ("Sold out of the baby formula again.", "repeat"),
    ("Unsubscribed in March and I'm getting your offers again.", "repeat"),
    ("Opet nemate mlijeka bez laktoze.", "repeat"),
    ("opet nestalo kruha u 10 ujutro", "repeat"),
    ("Одјавила сам се, а опет ми стижу ваше поруке.", "repeat"),
    ("Odjavio sam se s liste, a opet dobivam vaše mailove.", "repeat"),
    ("Treći put mi se aplikacija sruši kod plaćanja.", "repeat"),
    ("Pokušala sam treći put da platim karticom, ne ide.", "repeat"),
    ("Jučer sam tražio poslovođu, nije ga bilo.", "repeat"),
    ("Poslala sam paket natrag prije tjedan dana.", "repeat"),
    ("I'm calling because yesterday the parcel came open.", "repeat"),
    # human request: what the bot is; a promised call
    ("am I chatting with a real human or a robot?", "human_request"),
    ("The branch manager promised to phone me, that was ten days ago.", "human_request"),
    ("Rekli ste da će me nazvati poslovođa, niko se nije javio.", "human_request"),
]


@pytest.mark.parametrize(("text", "reason"), FIRES)
def test_reason_fires(text: str, reason: str, settings: Settings) -> None:
    found = _reasons(text, settings)
    assert reason in found, found


@pytest.mark.parametrize(("text", "reason"), LOOK_ALIKES)
def test_look_alike_does_not_fire(text: str, reason: str, settings: Settings) -> None:
    found = _reasons(text, settings)
    assert reason not in found, found


def test_a_refund_still_awaited_is_money(settings: Settings) -> None:
    """A refund that "should have landed" or "hasn't landed" is still asked for."""
    for text in (
        "The refund should have landed last week.",
        "My refund still hasn't landed.",
        "Povrat novca još nije sjeo.",
        "Rekli ste da će povrat novca sjesti za tri dana, gdje je?",
    ):
        assert "money" in _reasons(text, settings), text


def test_a_bare_again_about_a_fault_is_still_a_repeat(settings: Settings) -> None:
    """Only a shortage or unwanted messages keep "again" from counting."""
    for text in ("The parcel is late again.", "Ponovo mi je stigla razbijena šalica."):
        assert "repeat" in _reasons(text, settings), text


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, the refund for the coat arrived today.",
        "Legao mi je povrat novca za vraćenu haljinu, hvala.",
    ],
)
def test_a_refund_that_arrived_is_no_wish_for_one(text: str) -> None:
    assert classify_resolution(text) != "refund"
