"""The BCS variant (hr, bs, sr) from linguistic evidence, within a message and over a
conversation: the jat reflex, vocabulary, truncated infinitives, spoken Bosnian participles,
contacts, and the evidence of earlier messages. The sentences are written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from bot.text import language
from bot.text.language import Detection, conversation_evidence, detect, variant_scores


def _markers(text: str) -> tuple[str, ...]:
    return variant_scores(text)[1]


# --- evidence over the conversation -------------------------------------------------------


def test_earlier_ijekavian_and_later_serbian_bosnian_words_make_bosnian() -> None:
    """Ijekavian alone is Croatian or Bosnian, "niko"/"šta" alone Serbian or Bosnian; the
    conversation shows both, so the customer is Bosnian."""
    first = "Prije pet dana sam poslala zahtjev za povrat."
    assert detect(first).code == "hr"
    later = "Niko se ne javlja, šta da radim?"
    assert detect(later).code == "sr"
    previous = Detection("hr", "latin", 1.0)
    assert detect(later, previous, conversation_evidence([first])).code == "bs"


def test_a_later_ekavian_message_turns_a_neutral_start_serbian() -> None:
    earlier = conversation_evidence(["Dobar dan, imam problem s narudžbom."])
    detection = detect("Stigla je pre nedelju dana, ali je kutija bila prazna.", None, earlier)
    assert detection.code == "sr"


def test_the_conversation_variant_breaks_ties_but_not_evidence() -> None:
    bosnian = Detection("bs", "latin", 1.0)
    neutral = conversation_evidence(["Kupio sam usisivač kod vas."])
    # Ijekavian fits hr and bs alike: the conversation stays Bosnian.
    assert detect("Ovo je treći put da ne radi, gdje je garancija?", bosnian, neutral).code == "bs"
    # Clear Croatian words outweigh it.
    assert detect("Tko će mi to platiti, već tjedan dana čekam?", bosnian, neutral).code == "hr"


def test_conversation_evidence_sums_the_markers_of_every_message() -> None:
    evidence = conversation_evidence(["Čekam već dvije sedmice", "Šta se dešava?"])
    assert "bs-word:sedmice" in evidence.markers
    assert "sr-bs-word:sta" in evidence.markers
    assert evidence.weights["bs"] > evidence.weights["hr"]
    assert evidence.weights["bs"] > evidence.weights["sr"]
    assert conversation_evidence([]).markers == ()


def test_without_any_evidence_the_default_variant_answers() -> None:
    earlier = conversation_evidence(["dobar dan", "imam pitanje"])
    assert detect("paket još nije stigao", None, earlier).code == "hr"


# --- markers within one message ------------------------------------------------------------


def test_genitive_vremena_is_no_ekavian_form() -> None:
    """The ijekavian "vrijeme" has the genitive "vremena" in ijekavian too ("sat vremena")."""
    assert not any(m.startswith("ekavian") for m in _markers("Pola sata vremena na liniji"))
    assert detect("Uvijek isto, sat vremena čekam operatera").code != "sr"


def test_words_croatian_and_bosnian_share_weigh_for_both() -> None:
    scores, markers = variant_scores("U limenci graha je bio komad plastike")
    assert "hr-bs-word:graha" in markers
    assert scores["bs"] > 0.0


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("moram platit dostavu dvaput", "truncated-infinitive:moram platit"),
        ("ne da mi se čekat na telefonu", "truncated-infinitive:da cekat"),
        ("morali smo mu kupovat novi punjač", "truncated-infinitive:morali kupovat"),
        ("hoćete li mi ikad vratit novac", "truncated-infinitive:hocete vratit"),
    ],
)
def test_truncated_infinitives_are_croatian_or_bosnian(text: str, marker: str) -> None:
    assert marker in _markers(text)
    assert detect(text).code != "sr"


@pytest.mark.parametrize(
    "text",
    ["treba mi sat vremena do vas", "hoću povrat za ovu jaknu", "mogu pet dana čekati"],
)
def test_nouns_and_numbers_in_t_are_no_truncated_infinitives(text: str) -> None:
    assert not any(m.startswith("truncated") for m in _markers(text))


def test_spoken_bosnian_participles_with_serbian_bosnian_words_make_bosnian() -> None:
    text = "Majstor doso, pogledo i otiso, šta sad?"
    assert "bs-colloquial:doso" in _markers(text)
    assert detect(text).code == "bs"


def test_bosnian_turkish_loanwords() -> None:
    assert detect("Kakav belaj, stigla mi razbijena džezva").code == "bs"
    assert detect("Ovaj insan na kasi me nije htio ni pogledat").code == "bs"


def test_ko_before_da_means_like_not_who() -> None:
    assert not any(m.startswith("sr-bs-word-weak:ko") for m in _markers("izgleda ko da je nošeno"))
    assert "sr-bs-word-weak:ko" in _markers("ko mi je ovo poslao")


@pytest.mark.parametrize(
    ("croatian", "serbian_or_bosnian"),
    [
        ("Imate obvezu odgovoriti u roku", "Imate obavezu da odgovorite u roku"),
        ("Dobio sam ozljedu ruke od tog noža", "Dobio sam povredu ruke od tog noža"),
        ("Naplatili ste mi milijun puta", "Naplatili ste mi milion puta"),
        ("Popust od 20 posto, a postotak na računu drukčiji", "Procenat na računu je drugačiji"),
    ],
)
def test_everyday_word_pairs(croatian: str, serbian_or_bosnian: str) -> None:
    assert detect(croatian).code == "hr", _markers(croatian)
    assert detect(serbian_or_bosnian).code in ("sr", "bs"), _markers(serbian_or_bosnian)


# --- contacts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marker", "code"),
    [
        ("javite se na 091 234 5678", "phone:HR", "hr"),
        ("moj broj je +387 61 234 567", "phone:BA", "bs"),
        ("zovite 064 123 4567", "phone:RS", "sr"),
        ("pišite na ana@primjer.hr", "domain:.hr", "hr"),
        ("mail je petar@primer.rs", "domain:.rs", "sr"),
    ],
)
def test_contacts_point_to_a_country(text: str, marker: str, code: str) -> None:
    scores, markers = variant_scores(text)
    assert marker in markers
    assert max(scores, key=lambda c: scores[c]) == code


def test_first_names_in_addresses_count_like_signatures() -> None:
    assert "address-name-bs:mirsad" in _markers("mirsad.k77@gmail.com")
    # The address is no evidence that the message is BCS at all.
    assert detect("mirsad.k77@gmail.com").confidence < language.KEEP_PREVIOUS_BELOW


def test_a_number_two_countries_share_splits_their_weights() -> None:
    scores, markers = variant_scores("062 345 678")
    assert "phone:BA/RS" in markers
    assert scores["bs"] - language._VARIANT_PRIOR["bs"] == pytest.approx(
        scores["sr"] - language._VARIANT_PRIOR["sr"]
    )


# --- the marker file ---------------------------------------------------------------------


def _minimal() -> dict[str, Any]:
    return {
        "groups": [{"label": "hr-word", "weights": {"hr": 1.5}, "words": "tko"}],
        "prefixes": [{"label": "hr-verb", "weights": {"hr": 1.0}, "words": "rezervir"}],
        "bigrams": [{"words": "da li", "label": "bigram:da li", "weights": {"sr": 1.0}}],
        "variant_only": "video",
    }


def test_optional_sections_are_parsed() -> None:
    data = _minimal()
    assert language.parse_markers(data).truncated is None
    data["countries"] = {"HR": {"hr": 1.5}}
    data["truncated_infinitives"] = {
        "label": "truncated",
        "weights": {"hr": 0.5},
        "after": "mor(am|a)",
        "skip": "mu",
        "not_infinitives": "povrat",
    }
    markers = language.parse_markers(data)
    assert markers.countries == {"HR": {"hr": 1.5}}
    assert markers.truncated is not None
    assert markers.truncated.after == frozenset({"moram", "mora"})


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"countries": {"Croatia": {"hr": 1.0}}}, "country codes"),
        ({"countries": {"HR": {"xx": 1.0}}}, "weights"),
        ({"truncated_infinitives": ["moram"]}, "mapping"),
        ({"truncated_infinitives": {"label": "t", "weights": {"hr": 1}, "after": "č"}}, "folded"),
    ],
)
def test_broken_optional_sections_are_refused(change: dict[str, Any], problem: str) -> None:
    data = {**_minimal(), **change}
    with pytest.raises(ValueError, match=problem):
        language.parse_markers(data)


@pytest.mark.parametrize("text", ["Nisam dobio nikakvo objašnjenje", "Boca je stigla razbijena"])
def test_words_every_variant_uses_are_no_markers(text: str) -> None:
    assert _markers(text) == ()


def test_more_ekavian_words() -> None:
    assert "ekavian:verovatno" in _markers("Verovatno ste zaboravili na mene")
    assert detect("Hvala unapred, čekam odgovor").code == "sr"
