"""drop-leaks removes the training examples close to test sentences, and nothing else."""

from __future__ import annotations

from pathlib import Path

from tools.evaluation.duplicates import Example
from tools.evaluation.leaks import drop_leaks, leaking_examples, plain_text

NLU = """version: "3.1"
nlu:
# a comment that stays
- intent: complain_delivery
  examples: |
    - my parcel from the 3rd has still not arrived at my flat
    - the [sofa](product) came with a broken leg
    - nobody answers the hotline
"""


def _nlu(tmp_path: Path) -> Path:
    folder = tmp_path / "nlu"
    folder.mkdir()
    (folder / "en.yml").write_text(NLU, encoding="utf-8")
    return folder


def test_plain_text_drops_entity_markup() -> None:
    assert plain_text('the [sofa](product) and [C-1]{"entity": "ticket"}') == "the sofa and C-1"


def test_only_the_close_examples_are_removed(tmp_path: Path) -> None:
    folder = _nlu(tmp_path)
    sentences = [
        Example("my parcel from the 3rd still has not arrived at my flat", "en"),
        Example("the sofa came with a broken leg!", "en"),
        Example("yes", "en"),
    ]
    assert leaking_examples(sentences, folder) == {
        "my parcel from the 3rd has still not arrived at my flat",
        "the sofa came with a broken leg",
    }
    removed = drop_leaks(sentences, folder)
    assert removed == {"en.yml": 2}
    text = (folder / "en.yml").read_text(encoding="utf-8")
    assert "# a comment that stays" in text and "- nobody answers the hotline" in text
    assert "parcel" not in text and "sofa" not in text


def test_nothing_close_changes_nothing(tmp_path: Path) -> None:
    folder = _nlu(tmp_path)
    assert drop_leaks([Example("the app crashes when I pay", "en")], folder) == {}
    assert (folder / "en.yml").read_text(encoding="utf-8") == NLU
