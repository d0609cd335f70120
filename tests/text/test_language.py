"""Language, variant and script detection on realistic one-line messages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from bot.text import language
from bot.text.language import KEEP_PREVIOUS_BELOW, Detection, acceptance, detect, reply_variant

CASES: list[tuple[str, str, str]] = [
    # English
    ("en", "latin", "My order still hasn't arrived and nobody answers my emails."),
    ("en", "latin", "I was charged twice for the same order, I want a refund"),
    ("en", "latin", "The delivery guy was really rude to me"),
    ("en", "latin", "The blender I bought last week is broken, it doesn't turn on"),
    ("en", "latin", "I want to speak to a human, this is ridiculous"),
    ("en", "latin", "where is my pakage?? been waiting for 2 weeks"),
    ("en", "latin", "Can you tell me the status of C-4KX9TR please"),
    # Croatian, with and without diacritics, typos
    ("hr", "latin", "Već tjedan dana čekam narudžbu, što se događa?"),
    ("hr", "latin", "Vec tjedan dana cekam narudzbu, sto se dogada?"),
    ("hr", "latin", "Tko će mi vratiti novac? Platio sam 120 kn i ništa nije stiglo."),
    ("hr", "latin", "Trebam razgovarati s nekim, ovo je katastrofa"),
    ("hr", "latin", "Javit ću se ponovno sutra ako ne riješite reklamaciju"),
    ("hr", "latin", "kaj je s mojim paketom"),
    ("hr", "latin", "Poštovani, proizvod koji sam kupio je neispravan, tražim povrat novca."),
    ("hr", "latin", "Uvijek isto, dostavljač nikad ne dođe na vrijeme"),
    ("hr", "latin", "Naručila sam 3. ožujka, a paket još nije stigao, koji je točno problem?"),
    ("hr", "latin", "jamstvo vrijedi jos godinu dana a vi mi ne zelite zamijeniti usisavac"),
    ("hr", "latin", "zasto mi niko ne odgovara vec tjedan dana"),
    # Serbian, Latin and Cyrillic
    ("sr", "latin", "Čekam porudžbinu već dve nedelje, šta se dešava?"),
    ("sr", "latin", "Cekam porudzbinu vec dve nedelje, sta se desava?"),
    ("sr", "latin", "Da li neko može da mi kaže gde je moj paket?"),
    ("sr", "latin", "Zašto uvek kasnite? Hoću da razgovaram sa čovekom."),
    ("sr", "latin", "Platio sam 1.500 dinara i proizvod je pokvaren"),
    ("sr", "latin", "Izvinite, ali ovo je neprihvatljivo, vratiću robu"),
    ("sr", "latin", "porucio sam telefon pre mesec dana i jos nista"),
    ("sr", "cyrillic", "Чекам поруџбину већ две недеље, шта се дешава?"),
    ("sr", "cyrillic", "Да ли неко може да ми каже где је мој пакет?"),
    ("sr", "cyrillic", "Наплатили сте ми двапут, хоћу да ми вратите новац"),
    ("sr", "cyrillic", "Достављач је био безобразан према мени"),
    # Bosnian
    ("bs", "latin", "Šta se dešava, čekam narudžbu već dvije sedmice!"),
    ("bs", "latin", "Sta se desava, cekam narudzbu vec dvije sedmice!"),
    ("bs", "latin", "Platio sam 30 KM a paket nije stigao, gdje je?"),
    ("bs", "latin", "Uposlenik u prodavnici je bio bezobrazan, hoću razgovarati s nekim ovdje"),
    ("bs", "latin", "Vjerovatno je izgubljeno, tačno prije sedmicu sam naručio"),
    ("bs", "latin", "Hiljadu puta sam zvao, niko se ne javlja, gdje je moj novac?"),
    ("bs", "latin", "Kahva aparat mi je stigao razbijen, ovo nije u redu"),
    # towns in the address, loan verbs, everyday words
    ("sr", "latin", "Paket za Novi Sad kasni pet dana"),
    ("bs", "latin", "Paket za Sarajevo kasni pet dana"),
    ("hr", "latin", "Paket za Zagreb kasni pet dana"),
    ("sr", "latin", "pegla ne greje, a kupio sam je juce"),
    # "-isati" and "da" + present: Serbian or Bosnian, no jat; Serbian is the more likely.
    ("sr", "latin", "Molim vas da rezervišete termin za servis"),
    ("hr", "latin", "Molim vas rezervirajte mi termin za servis"),
    ("hr", "latin", "hladnjak ne hladi, a na četvrtom sam katu"),
    ("bs", "latin", "frižider ne hladi, a ovdje je 35 stepeni"),
]


@pytest.mark.parametrize(("code", "script", "text"), CASES)
def test_detects_language_variant_and_script(code: str, script: str, text: str) -> None:
    detection = detect(text)
    assert (detection.code, detection.script) == (code, script), detection.markers
    assert detection.confidence >= KEEP_PREVIOUS_BELOW


@pytest.mark.parametrize("text", ["ok", "da", "hvala", "C-4KX9TR", "👍", "???", "", "48213"])
def test_short_or_ambiguous_messages_have_low_confidence(text: str) -> None:
    assert detect(text).confidence < KEEP_PREVIOUS_BELOW


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("ok", Detection("sr", "cyrillic", 0.9), ("sr", "cyrillic")),
        ("da", Detection("bs", "latin", 0.8), ("bs", "latin")),
        ("hvala", Detection("en", "latin", 0.8), ("en", "latin")),
        ("C-4KX9TR", Detection("hr", "latin", 0.8), ("hr", "latin")),
        # Written in Cyrillic: the script is read from the text, the code is kept.
        ("да", Detection("sr", "latin", 0.8), ("sr", "cyrillic")),
        # A clear message is not overruled by the previous one.
        ("My package never arrived", Detection("sr", "cyrillic", 0.9), ("en", "latin")),
        ("Čekam porudžbinu već dve nedelje", Detection("hr", "latin", 0.9), ("sr", "latin")),
    ],
)
def test_previous_detection_is_kept_for_short_messages(
    text: str, previous: Detection, expected: tuple[str, str]
) -> None:
    detection = detect(text, previous)
    assert (detection.code, detection.script) == expected


def test_previous_variant_breaks_a_tie_between_ijekavian_variants() -> None:
    text = "Paket nije stigao, gdje je?"
    assert detect(text).code == "hr"
    assert detect(text, Detection("bs", "latin", 0.8)).code == "bs"


@pytest.mark.parametrize(
    "text",
    [
        "Poštovani, proizvod koji sam kupio je neispravan, tražim povrat novca.",
        "vi ste gomila nesposobnih budala",
        "Da, tako je.",
    ],
)
def test_no_variant_evidence_keeps_the_default_variant(text: str) -> None:
    """Without a marker the detector knows nothing about the variant: the priors decide."""
    detection = detect(text)
    assert detection.markers == ()
    assert detection.code == "hr"


@pytest.mark.parametrize("text", ["vratite mi pare", "niko mi se ne javlja"])
def test_one_serbian_bosnian_word_is_answered_in_serbian(text: str) -> None:
    """A word Croatian does not use rules Croatian out; it does not make the customer Bosnian."""
    assert detect(text).code == "sr", detect(text).markers


@pytest.mark.parametrize(
    "text", ["gdje mi je paket, šta se dešava", "šta se dešava sa mojom narudžbom"]
)
def test_mixed_evidence_is_answered_in_the_middle_variant(text: str) -> None:
    """Ijekavian or Croatian-Bosnian words next to Serbian-Bosnian words: Bosnian."""
    assert detect(text).code == "bs", detect(text).markers


ALWAYS_MIDDLE = replace(language.variant_policy(), margin=1.0)
NEVER_MIDDLE = replace(language.variant_policy(), margin=1e-9)


@pytest.mark.parametrize(
    ("probabilities", "expected"),
    [
        ({"hr": 0.34, "bs": 0.33, "sr": 0.33}, "bs"),
        ({"hr": 0.4, "bs": 0.2, "sr": 0.4}, "bs"),
        ({"hr": 0.3, "bs": 0.35, "sr": 0.35}, "bs"),
        ({"hr": 0.8, "bs": 0.1, "sr": 0.1}, "hr"),
        ({"hr": 0.1, "bs": 0.2, "sr": 0.7}, "sr"),
        ({"hr": 0.0, "bs": 1.0, "sr": 0.0}, "bs"),
    ],
)
def test_reply_variant_maximises_expected_acceptance_when_unsure(
    probabilities: dict[str, float], expected: str
) -> None:
    assert reply_variant(probabilities, policy=ALWAYS_MIDDLE) == expected


@pytest.mark.parametrize(
    ("probabilities", "expected"),
    [
        ({"hr": 0.34, "bs": 0.33, "sr": 0.33}, "hr"),
        ({"hr": 0.2, "bs": 0.35, "sr": 0.45}, "sr"),
        ({"hr": 0.45, "bs": 0.35, "sr": 0.2}, "hr"),
    ],
)
def test_reply_variant_is_the_most_likely_outside_the_margin(
    probabilities: dict[str, float], expected: str
) -> None:
    assert reply_variant(probabilities, policy=NEVER_MIDDLE) == expected


def test_margin_decides_when_the_middle_variant_is_considered() -> None:
    # hr and sr close, bs a good second: expected acceptance favours the middle variant.
    unsure = {"hr": 0.36, "bs": 0.34, "sr": 0.30}
    assert reply_variant(unsure, policy=replace(ALWAYS_MIDDLE, margin=0.05)) == "bs"
    assert reply_variant(unsure, policy=replace(ALWAYS_MIDDLE, margin=0.01)) == "hr"


def test_without_evidence_the_most_likely_variant_answers() -> None:
    flat = {"hr": 0.34, "bs": 0.33, "sr": 0.33}
    assert reply_variant(flat, evidence=True, policy=ALWAYS_MIDDLE) == "bs"
    assert reply_variant(flat, evidence=False, policy=ALWAYS_MIDDLE) == "hr"


def test_temperature_sharpens_the_variant_probabilities() -> None:
    scores = {"hr": 0.3, "sr": 1.2, "bs": 1.0}
    plain = language.softmax(scores)
    sharp = language.softmax(scores, 0.5)
    assert sum(sharp.values()) == pytest.approx(1.0)
    assert sharp["sr"] > plain["sr"] and sharp["hr"] < plain["hr"]


def test_variant_policy_is_read_from_data_and_checked() -> None:
    policy = language.variant_policy()
    table = acceptance()
    assert set(table) == {"hr", "bs", "sr"}
    assert all(table[code][code] == 1.0 for code in table)
    # Bosnian is the middle: each neighbour accepts it at least as well as the other one.
    assert table["bs"]["hr"] >= table["sr"]["hr"]
    assert table["bs"]["sr"] >= table["hr"]["sr"]
    assert 0.0 < policy.temperature <= 10.0 and 0.0 < policy.margin <= 1.0


@pytest.mark.parametrize(
    "broken",
    [
        {"temperature": 0, "margin": 0.2},
        {"temperature": 0.5, "margin": 1.5},
        {"temperature": "warm", "margin": 0.2},
        {"margin": 0.2},
    ],
)
def test_a_broken_variant_policy_is_refused(
    broken: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "variants.yml"
    acceptance_table = {code: dict(row) for code, row in acceptance().items()}
    path.write_text(json.dumps({"acceptance": acceptance_table, **broken}), encoding="utf-8")
    monkeypatch.setattr(language, "VARIANTS_FILE", path)
    language.variant_policy.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"variants\.yml"):
            language.variant_policy()
    finally:
        language.variant_policy.cache_clear()


def test_diminutive_and_surname_datives_are_no_fused_future() -> None:
    markers = detect("letci mi završavaju u sandučiću, pitajte gospođu Perić o Kvatriću").markers
    assert not any(m.startswith("future") for m in markers)
    assert "future:prijaviću" in detect("prijaviću vas inspekciji").markers


def test_sa_before_other_sounds_is_serbian_or_bosnian() -> None:
    assert "preposition:sa novim" in detect("bila bih zadovoljna sa novim").markers
    assert not any(m.startswith("preposition") for m in detect("razgovarao sam sa sinom").markers)


def test_markers_explain_the_variant() -> None:
    markers = detect("Već tjedan dana čekam, uvijek isto, da li je to normalno?").markers
    assert "hr-word:tjedan" in markers
    assert "ijekavian:uvijek" in markers
    assert "bigram:da li" in markers
    assert "future:vratiću" in detect("Vratiću robu sutra").markers
    assert "future:javit cu" in detect("Javit ću vam se").markers
    assert not any(m.startswith("future") for m in detect("Paket će biti isporučen").markers)


def test_relative_and_numeral_sto_are_no_croatian_markers() -> None:
    assert "hr-word:sto" in detect("Što se događa s paketom?").markers
    assert "hr-word:sto" not in detect("ovo nije ono što piše u opisu").markers
    assert "hr-word:sto" not in detect("zvao sam sto puta").markers


def test_names_and_places_are_no_evidence_for_the_family() -> None:
    detection = detect("Split Ivan")
    assert detection.confidence < KEEP_PREVIOUS_BELOW


def test_cyrillic_defaults_to_serbian_even_when_ijekavian() -> None:
    assert detect("Чекам пакет већ двије седмице, гдје је?").code in ("sr", "bs")
    assert detect("Чекам пакет, гдје је?").code == "sr"


def test_scores_are_a_distribution_and_as_dict_is_json() -> None:
    detection = detect("Čekam porudžbinu već dve nedelje")
    assert set(detection.scores) == {"en", "hr", "sr", "bs"}
    assert sum(detection.scores.values()) == pytest.approx(1.0)
    data = json.loads(json.dumps(detection.as_dict()))
    assert data["code"] == "sr"
    assert data["script"] == "latin"
    assert 0.0 <= data["confidence"] <= 1.0
    assert "ekavian:dve" in data["markers"]


def test_detection_is_frozen_and_hashable() -> None:
    detection = detect("hello there")
    with pytest.raises(AttributeError):
        detection.code = "hr"  # type: ignore[misc]
    assert hash(detection) == hash(Detection("en", "latin", detection.confidence))


def test_emails_and_urls_are_not_language_evidence() -> None:
    assert detect("ivan.horvat@gmail.com").confidence < KEEP_PREVIOUS_BELOW
    assert detect("https://www.example.com/the/order/status").confidence < KEEP_PREVIOUS_BELOW


def test_each_marker_word_belongs_to_one_group() -> None:
    counts = Counter(
        word for _label, _weights, spec in language.MARKER_GROUPS for word in language._expand(spec)
    )
    assert [word for word, count in counts.items() if count > 1] == []


def test_expand_spec() -> None:
    expanded = language._expand("tjed(an|na) kaj cijen(|a)")
    assert expanded == ["tjedan", "tjedna", "kaj", "cijen", "cijena"]


@pytest.mark.parametrize("lang", ["en", "hr", "sr"])
def test_stop_words_read_from_source_match_spacy(lang: str) -> None:
    import importlib

    from bot.text.fold import fold

    spacy_words = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
    from_source = language._stop_words_from_source(lang)
    assert from_source is not None
    # English adds contractions ("'ll", "n't") after the main list; only the list is read.
    assert from_source == {word for word in spacy_words if not set("'‘’") & set(word)}
    assert language.spacy_stop_words(lang) == {fold(word) for word in from_source}
    assert "cemo" in language.spacy_stop_words("sr")  # Cyrillic "ћемо", folded


def test_importing_language_does_not_import_spacy() -> None:
    code = "import sys, bot.text.language; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "text",
    [
        "Zdravo, aplikacija me stalno odjavljuje",
        "račun mi je naplaćen dva puta",
        "dobro jutro",
        "laku noć",
    ],
)
def test_clear_bcs_without_variant_markers_is_confident_enough_for_the_slot(text: str) -> None:
    """The action server sets the language slot from 0.4: below it the customer gets English."""
    detection = detect(text, Detection("en", "latin", 1.0))
    assert detection.is_bcs, detection
    assert detection.confidence >= 0.4, detection


def test_participles_without_jat_are_no_serbian_markers() -> None:
    """The participles "počeo", "uzeo", "doveo" are written alike in all three variants."""
    for text in ("perilica je počela curiti", "kurir je uzeo paket", "poslovođa je doveo kolegu"):
        assert not any(m.startswith("ekavian") for m in detect(text).markers), text
    assert "ekavian-form:poceo" not in detect("aparat je počeo da varniči").markers


def test_ijekavian_participles_of_nijeti_verbs() -> None:
    """Ijekavian "donio" (hr, bs) against "doneo" (sr): with "niko" it is Bosnian."""
    assert detect("niko mi nije donio račun").code == "bs"
    assert detect("niko mi nije doneo račun").code == "sr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paket kasni", "bcs"),
        ("dupla naplata", "bcs"),
        ("пакет касни", "bcs"),
        ("podsjeti me da nazovem mamu", "bcs"),
        ("the kettle leaks", "en"),
        ("set an alarm for 7", "en"),
    ],
)
def test_short_messages_without_stop_words_set_their_language(text: str, expected: str) -> None:
    """Two content words of one family and none of the other are enough to answer in it
    (the action server sets the language slot from confidence 0.4)."""
    detection = detect(text)
    assert ("bcs" if detection.is_bcs else "en") == expected
    assert detection.confidence >= 0.4


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"weights": {"hr": 1.0, "xx": 1.0}}, "weights"),
        ({"weights": {"hr": "strong"}}, "weight of hr"),
        ({"words": "šta tko"}, "folded"),
        ({"words": "stem(a|"}, "folded"),
        ({"label": ""}, "label"),
    ],
)
def test_a_broken_marker_file_is_refused(change: dict[str, Any], problem: str) -> None:
    data = {
        "groups": [{"label": "hr-word", "weights": {"hr": 1.5}, "words": "tjed(an|na) tko"}],
        "prefixes": [{"label": "hr-verb", "weights": {"hr": 1.0}, "words": "rezervir"}],
        "bigrams": [{"words": "da li", "label": "bigram:da li", "weights": {"sr": 1.0}}],
        "variant_only": "video",
    }
    assert language.parse_markers(data).groups[0][2] == "tjed(an|na) tko"
    data["groups"][0].update(change)
    with pytest.raises(ValueError, match=problem):
        language.parse_markers(data)


def test_marker_file_loads_every_group() -> None:
    markers = language.load_markers()
    labels = {label for label, _weights, _spec in markers.groups}
    assert {"ijekavian", "ekavian", "hr-word", "sr-bs-word", "bs-word"} <= labels
    assert ("da", "li") in markers.bigrams


def test_croatian_constructions_are_markers() -> None:
    """The preposition "s" before a non-sibilant, a modal before an infinitive: Croatian."""
    assert "preposition:s novim" in detect("bila bih zadovoljna s novim").markers
    assert not any(m.startswith("preposition:s ") for m in detect("razgovarao s sinom").markers)
    assert "infinitive:zelim razgovarati" in detect("želim razgovarati s nekim").markers
    assert not any(m.startswith("infinitive") for m in detect("mogu li dobiti račun").markers)


def test_sto_inside_a_sentence_is_no_croatian_marker() -> None:
    for text in ("ne mogu se prijaviti nakon što sam promijenio broj", "kupila sam sto"):
        assert "hr-word:sto" not in detect(text).markers, text
    assert "hr-word:sto" in detect("a što je s mojim paketom").markers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("proverite molim vas gde je paket", "sr"),
        ("nameštaj je stigao oštećen, umesto stola stigla stolica", "sr"),
        ("kasirka u radnji je bila bezobrazna, gdje je poslovođa", "bs"),
        ("totalni haos, sijalica pregorjela nakon dvije sedmice", "bs"),
        ("pritužba: žarulja je pregorjela nakon dva dana", "hr"),
    ],
)
def test_everyday_variant_words(text: str, expected: str) -> None:
    detection = detect(text)
    assert detection.code == expected, detection.markers
