"""The near-duplicate measure: pairs that must match, pairs that must not, exempt sentences."""

from __future__ import annotations

import pytest

from tools.evaluation.duplicates import (
    Example,
    TrainingIndex,
    content_lemmas,
    is_exempt,
    jaccard,
    near_duplicates,
    ngrams,
)

TRAINING = [
    Example("Paket još nije stigao, čekam već tjedan dana", "hr", "hr.yml"),
    Example("the kettle leaks and I want my money back", "en", "en.yml"),
    Example("the technician never showed up yesterday", "en", "en.yml"),
    Example("наплатили сте ми достаку двапут", "sr", "sr_cyrl.yml"),
]


@pytest.fixture(scope="module")
def index() -> TrainingIndex:
    return TrainingIndex(TRAINING)


def test_ngrams_are_taken_from_folded_text() -> None:
    assert ngrams("Šta?") == ngrams("шта") == frozenset({"sta"})
    assert ngrams("Čekam!!") == frozenset({"cekam"})
    assert ngrams("abcdef") == frozenset({"abcde", "bcdef"})
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0


@pytest.mark.parametrize(
    ("sentence", "language", "why"),
    [
        # Another script and no diacritics: the same sentence once folded.
        ("пакет још није стигао, чекам већ тједан дана!", "sr", "ngrams"),
        ("paket jos nije stigao cekam vec tjedan dan", "hr", "ngrams"),
        # A small edit keeps most 5-grams.
        ("the kettle leaks and I want my money back now", "en", "ngrams"),
        # The same content words in another order and inflection: same lemmas.
        ("yesterday the technicians never showed up", "en", "lemmas"),
    ],
)
def test_pairs_that_must_match(
    index: TrainingIndex, sentence: str, language: str, why: str
) -> None:
    pair = index.match(Example(sentence, language))
    assert pair is not None, sentence
    if why == "ngrams":
        assert pair.jaccard >= 0.5
    else:
        assert pair.same_lemmas


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("the courier left my parcel with a neighbour two streets away", "en"),
        ("my kettle started leaking after a week", "en"),  # same topic, other words
        ("nobody came to install the dishwasher", "en"),
        ("čekam paket dva mjeseca i nitko se ne javlja", "hr"),
    ],
)
def test_pairs_that_must_not_match(index: TrainingIndex, sentence: str, language: str) -> None:
    assert index.match(Example(sentence, language)) is None


def test_content_lemmas_leave_out_function_words_and_numbers() -> None:
    assert content_lemmas("I have waited for 12 days", "en") == {"wait", "day"}
    assert content_lemmas("čekam već 12 dana", "hr") == content_lemmas("чекам 12 дана", "sr")


@pytest.mark.parametrize(
    ("text", "exempt"),
    [
        ("yes", True),
        ("ne znam", True),
        ("ORD-48213", True),
        ("C-4KX9TR", True),
        ("ana.k@gmail.com", True),
        ("+385 91 555 1234", True),
        ("broj je 48213", True),
        ("moj broj: 091 555 1234 zovite", False),
        ("I've waited 12 days", False),
        ("paket još nije stigao", False),
    ],
)
def test_short_answers_and_references_are_exempt(text: str, exempt: bool) -> None:
    assert is_exempt(text) is exempt


def test_near_duplicates_skips_exempt_sentences_and_reports_pairs(index: TrainingIndex) -> None:
    sentences = [
        Example("paket jos nije stigao cekam vec tjedan dan", "hr", "test hr-m001"),
        Example("Paket", "hr", "test hr-m002"),  # one word: exempt even though it is in training
        Example("the kettle is fine, thanks", "en", "test en-m001"),
    ]
    pairs = near_duplicates(sentences, index)
    assert [p.sentence.source for p in pairs] == ["test hr-m001"]
    assert "hr.yml" in pairs[0].describe() and "Jaccard" in pairs[0].describe()
    hidden = pairs[0].describe(show_sentence=False)
    assert "test hr-m001" in hidden and "cekam vec tjedan" not in hidden
