"""Folded lemmas from the spacy-lookups-data tables, with and without diacritics."""

from __future__ import annotations

import gzip
import io
import random
from array import array
from pathlib import Path

import pytest

from bot.text import lemmas
from bot.text.fold import fold
from bot.text.lemmas import FoldedLemmaIndex, fast_fold, lemma_of, tokenize

SAME_LEMMA: list[tuple[str, list[str], str]] = [
    # language, spellings of one form, folded lemma
    ("hr", ["čekam", "cekam", "Čekam", "ČEKAM", "чекам"], "cekati"),
    ("sr", ["čekam", "cekam", "чекам"], "cekati"),
    ("bs", ["čekam", "cekam", "чекам"], "cekati"),
    ("hr", ["narudžbu", "narudzbu", "наруџбу"], "narudzba"),
    ("sr", ["porudžbinu", "porudzbinu", "поруџбину"], "porudzbina"),
    ("hr", ["pošiljku", "posiljku"], "posiljka"),
    ("hr", ["oštećena", "ostecena"], "ostetiti"),
    ("sr", ["računa", "racuna", "рачуна"], "racun"),
    ("bs", ["sedmice", "седмице"], "sedmica"),
    ("hr", ["reklamaciju", "рекламацију"], "reklamacija"),
]


@pytest.mark.parametrize(("language", "spellings", "lemma"), SAME_LEMMA)
def test_every_spelling_gives_the_same_folded_lemma(
    language: str, spellings: list[str], lemma: str
) -> None:
    assert {lemma_of(word, language) for word in spellings} == {lemma}


@pytest.mark.parametrize(
    ("language", "word", "lemma"),
    [
        ("hr", "stigao", "stici"),
        ("hr", "tjedna", "tjedan"),
        ("hr", "novca", "novac"),
        ("hr", "vratite", "vratiti"),
        ("hr", "dana", "dan"),  # rule: the table says "dno"
        ("hr", "kuca", "kuca"),  # "kuća" (house) wins over "kuca" (knocks)
        ("sr", "vremena", "vreme"),  # the sr table first for Serbian
        ("hr", "vremena", "vrijeme"),  # the hr table first for Croatian
        ("sr", "čoveka", "covek"),  # rule: missing from the sr table
        ("sr", "vratiću", "vratiti"),
        ("sr", "nisu", "biti"),
        ("en", "arrived", "arrive"),
        ("en", "orders", "order"),
        ("en", "charged", "charge"),
        ("en", "C-4KX9TR", "c-4kx9tr"),  # unknown words fold to themselves
        ("hr", "xyzzy", "xyzzy"),
    ],
)
def test_lemma_of(language: str, word: str, lemma: str) -> None:
    assert lemma_of(word, language) == lemma


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Čekam narudžbu već tjedan dana!",
            "hr",
            [
                ("Čekam", "cekati"),
                ("narudžbu", "narudzba"),
                ("već", "vec"),
                ("tjedan", "tjedan"),
                ("dana", "dan"),
                ("!", "!"),
            ],
        ),
        (
            "Чекам поруџбину, пакет није стигао.",
            "sr",
            [
                ("Чекам", "cekati"),
                ("поруџбину", "porudzbina"),
                (",", ","),
                ("пакет", "paket"),
                ("није", "biti"),
                ("стигао", "stici"),
                (".", "."),
            ],
        ),
        (
            "cekam narudzbu vec dvije sedmice",
            "bs",
            [
                ("cekam", "cekati"),
                ("narudzbu", "narudzba"),
                ("vec", "vec"),
                ("dvije", "dva"),
                ("sedmice", "sedmica"),
            ],
        ),
        (
            "My orders haven't arrived",
            "en",
            [
                ("My", "my"),
                ("orders", "order"),
                ("have", "have"),
                ("n't", "not"),
                ("arrived", "arrive"),
            ],
        ),
    ],
)
def test_tokenize(text: str, language: str, expected: list[tuple[str, str]]) -> None:
    tokens = tokenize(text, language)
    assert [(token.text, token.lemma) for token in tokens] == expected
    for token in tokens:
        assert text[token.start : token.end] == token.text


def test_offsets_stay_on_the_original_text_when_folding_changes_length() -> None:
    text = "Љубазни  Ђорђе, џем је  стигао"
    tokens = tokenize(text, "sr")
    assert [text[token.start : token.end] for token in tokens] == [
        "Љубазни",
        "Ђорђе",
        ",",
        "џем",
        "је",
        "стигао",
    ]
    assert tokens[1].lemma.startswith("djordj")
    assert [token.is_punct for token in tokens] == [False, False, True, False, False, False]


def test_unknown_language_falls_back_to_english() -> None:
    assert [token.lemma for token in tokenize("arrived", "de")] == ["arrive"]


@pytest.mark.parametrize(
    "text",
    [
        "Čekam",
        "ČŠŽĆĐ čšžćđ",
        "Шта ЉУБАЗНО џем",
        "café Ångström",
        "İstanbul",
        "Σίσυφος ΣΑΣ",
        "plain ascii",
        "mješovito ЋИРИЛИЦА i ø ł ß",
        "emoji 👍 ok",
    ],
)
def test_fast_fold_equals_fold(text: str) -> None:
    assert fast_fold(text) == fold(text)


def test_fast_fold_equals_fold_on_random_table_forms() -> None:
    rng = random.Random(7)
    alphabet = "abcčćdđefghijklmnoprsštuvzžABČĆĐŠŽабвгдђежзијклљмнњопрстћуфхцчџш"
    for _ in range(2000):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert fast_fold(word) == fold(word)


def test_index_from_pairs_prefers_diacritic_forms_then_majority() -> None:
    index = FoldedLemmaIndex.from_pairs(
        [
            ("kuca", "kucati"),
            ("kuća", "kuća"),
            ("sto", "sto"),
            ("što", "što"),
            ("zena", "zenit"),
            ("žena", "žena"),
            ("žena", "ženiti"),
            ("ženа", "žena"),  # a Cyrillic "а": folds to the same key
            ("чекам", "чекати"),
            ("Aaronson", "Aaronson"),
        ]
    )
    assert index.get("kuca") == "kuca"
    assert index.get("sto") == "sto"
    assert index.get("zena") == "zena"
    assert index.get("cekam") == "cekati"
    assert index.get("aaronson") == "aaronson"
    assert index.get("missing") is None
    assert len(index) == 5


def test_index_reads_lookups_json_lines_including_escapes(tmp_path: Path) -> None:
    path = tmp_path / "xx_lemma_lookup.json.gz"
    text = '{\n    "čekam" : "čekati",\n    "a\\"b" : "ab",\n    "\\u0161ta" : "što"\n}\n'
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    index = FoldedLemmaIndex.from_lookups_file(path)
    assert index.get("cekam") == "cekati"
    assert index.get('a"b') == "ab"
    assert index.get("sta") == "sto"


def test_read_pairs_skips_braces() -> None:
    lines = io.StringIO('{\n "a" : "b",\n}\n')
    assert list(lemmas._read_pairs(lines)) == [("a", "b")]


def test_tables_are_built_once_per_process_and_stay_small() -> None:
    first = lemmas.lemma_index("hr")
    assert lemmas.lemma_index("hr") is first
    assert len(first) > 1_200_000
    # About 36 MB for 1.28M folded forms; a dict would take several times that.
    assert first.nbytes() < 60_000_000
    assert isinstance(first._lemma_ids, array)
    assert lemmas.pipeline("hr") is lemmas.pipeline("hr")
    assert lemmas.pipeline("bs").lang == "hr"


def test_pipeline_uses_spacys_lookup_lemmatizer() -> None:
    nlp = lemmas.pipeline("sr")
    assert nlp.pipe_names == ["lemmatizer"]
    lemmatizer = nlp.get_pipe("lemmatizer")
    assert lemmatizer.mode == "lookup"  # type: ignore[attr-defined]
    assert [token.lemma_ for token in nlp("Чекам пакет")] == ["cekati", "paket"]


def test_lemma_rules_change_table_results() -> None:
    for form, lemma in lemmas.LEMMA_RULES.items():
        from_tables = [lemmas.lemma_index(table).get(form) for table in ("hr", "sr")]
        assert lemma not in from_tables or from_tables[0] not in (lemma, None), form
