"""The held-out set: its files are valid, complete, and never copy the training data."""

from __future__ import annotations

import pytest

from bot.evaluation.heldout import (
    MIN_CONVERSATIONS,
    MIN_MESSAGES,
    HeldoutError,
    VariantSet,
    checked_texts,
    coverage_problems,
    load_heldout,
    near_duplicates,
    parse_variant,
    training_texts,
)


@pytest.fixture(scope="module")
def heldout() -> list[VariantSet]:
    return load_heldout()


def test_every_variant_covers_intents_categories_reasons_and_hard_cases(
    heldout: list[VariantSet],
) -> None:
    assert [v.variant for v in heldout] == ["en", "hr", "bs", "sr_latn", "sr_cyrl"]
    problems = [problem for variant in heldout for problem in coverage_problems(variant)]
    assert problems == []
    for variant in heldout:
        assert len(variant.messages) >= MIN_MESSAGES
        assert len(variant.conversations) >= MIN_CONVERSATIONS


def test_cyrillic_file_is_written_in_cyrillic(heldout: list[VariantSet]) -> None:
    cyrillic = next(v for v in heldout if v.variant == "sr_cyrl")
    for message in cyrillic.messages:
        words = [w for w in message.text.split() if not any(c.isdigit() or c == "@" for c in w)]
        letters = [ch for ch in "".join(words) if ch.isalpha()]
        share = sum("\u0400" <= ch <= "\u04ff" for ch in letters) / max(1, len(letters))
        assert share >= 0.5, message.text


def test_no_heldout_text_copies_a_training_example(heldout: list[VariantSet]) -> None:
    assert near_duplicates(checked_texts(heldout), training_texts()) == []


def test_near_duplicates_sees_through_script_diacritics_and_small_edits() -> None:
    training = ["Paket još nije stigao, čekam već tjedan dana", "hvala"]
    found = near_duplicates(
        [
            "пакет још није стигао, чекам већ тједан дана!",
            "paket jos nije stigao cekam vec tjedan dan",
            "Hvala.",
            "kurir je ostavio paket susjedi",
        ],
        training,
    )
    assert [hit[0] for hit in found] == [
        "пакет још није стигао, чекам већ тједан дана!",
        "paket jos nije stigao cekam vec tjedan dan",
        "Hvala.",
    ]


def _head(**messages: object) -> dict[str, object]:
    return {"variant": "en", "language": "en", "script": "latin", **messages}


def test_parse_variant_reads_labels_and_entity_spans() -> None:
    variant = parse_variant(
        _head(
            messages=[
                {
                    "text": "order 48213 never came",
                    "intent": "complain_delivery",
                    "reasons": ["money"],
                    "entities": {"order_ref": "48213"},
                    "tags": ["typo"],
                },
                {"text": "zzz", "intent": None, "context": {"failed_understandings": 1}},
            ],
            conversations=[{"id": "c1", "turns": ["hi", "late"], "category": "delivery"}],
        )
    )
    first, second = variant.messages
    assert (first.entities[0].start, first.entities[0].end) == (6, 11)
    assert first.reasons == {"money"} and first.tags == {"typo"}
    assert second.intent is None and second.failed_understandings == 1
    assert variant.conversations[0].turns == ("hi", "late")


@pytest.mark.parametrize(
    "messages",
    [
        [{"text": "hi", "intent": "no_such_intent"}],
        [{"text": "hi", "intent": "greet", "reasons": ["boredom"]}],
        [{"text": "hi", "intent": "greet", "entities": {"email": "a@b.c"}}],
        [{"text": "", "intent": "greet"}],
        ["just a string"],
    ],
)
def test_parse_variant_rejects_malformed_messages(messages: list[object]) -> None:
    with pytest.raises(HeldoutError):
        parse_variant(_head(messages=messages))


def test_coverage_problems_name_what_is_missing() -> None:
    variant = parse_variant(_head(messages=[{"text": "hi", "intent": "greet"}]))
    problems = " ".join(coverage_problems(variant))
    assert f"1 messages < {MIN_MESSAGES}" in problems
    assert "complain_safety" in problems and "not_understood" in problems
    assert "no categories in conversations" in problems
