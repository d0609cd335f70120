"""train-on-dev appends a dev set's complaint first messages to the group files, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.evaluation.dev_training import (
    SECTION_HEADER,
    BlindSetError,
    add_dev_examples,
    section_lines,
    trainable,
)
from tools.evaluation.sets import CONVERSATION, MESSAGE, Item

EN = """version: "3.1"
nlu:
- intent: complain_delivery
  examples: |
    - my parcel is late
"""


def _item(
    text: str, *, kind: str = MESSAGE, complaint: bool = True, category: str | None = "delivery"
) -> Item:
    return Item(
        id=text[:8],
        group="en",
        kind=kind,
        turns=(text, "thanks"),
        complaint=complaint,
        category=category,
    )


def test_only_complaint_first_messages_with_a_category_are_trainable() -> None:
    items = [
        _item("the  courier\nnever came"),
        _item("the app crashes", category="technical"),
        _item("what are your opening hours", complaint=False, category=None),
        _item("refund me now", category=None),
        _item("my order is late", kind=CONVERSATION),
    ]
    by_group = trainable(items)
    assert dict(by_group["en"]) == {
        "complain_delivery": ["the courier never came"],
        "complain_technical": ["the app crashes"],
    }


def test_known_texts_and_repeats_are_left_out() -> None:
    known = {"my parcel is late"}
    lines = section_lines(
        {"complain_delivery": ["My parcel is LATE", "the van never came", "the van never came"]},
        known,
    )
    assert lines == [
        "- intent: complain_delivery",
        "  examples: |",
        "    - the van never came",
    ]


def test_blind_sets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BlindSetError, match="dev5"):
        add_dev_examples(["dev2", "dev5"], tmp_path)
    with pytest.raises(BlindSetError, match="test"):
        add_dev_examples(["test"], tmp_path)


def test_a_real_dev_set_is_added_once_under_one_header(tmp_path: Path) -> None:
    (tmp_path / "en.yml").write_text(EN, encoding="utf-8")
    first = add_dev_examples(["dev2"], tmp_path)
    text = (tmp_path / "en.yml").read_text(encoding="utf-8")
    assert first["en.yml"] > 20
    assert text.startswith(EN)
    assert text.count(SECTION_HEADER) == 1
    assert add_dev_examples(["dev2"], tmp_path) == {}
    assert (tmp_path / "en.yml").read_text(encoding="utf-8") == text
    # only the group files present are written
    assert list(tmp_path.iterdir()) == [tmp_path / "en.yml"]


def test_crossval_data_leaves_out_exactly_the_held_out_texts(tmp_path: Path) -> None:
    from tools.evaluation.dev_crossval import set_texts, write_training_data

    source = tmp_path / "nlu"
    source.mkdir()
    (source / "en.yml").write_text(EN + "    - The van never came\n", encoding="utf-8")
    dropped = write_training_data({"the van never came"}, tmp_path / "out", source)
    assert dropped == 1
    assert (tmp_path / "out" / "en.yml").read_text(encoding="utf-8") == EN
    # the texts train-on-dev takes from a real set are the ones left out for it
    texts = set_texts("dev2")
    assert len(texts) > 100
    assert all(text == text.casefold() for text in texts)
