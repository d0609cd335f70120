"""The lemma table cache: what is read back answers exactly like the table that was built."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.text import lemmas
from bot.text.lemmas import FoldedLemmaIndex

PAIRS = [
    ("kupila", "kupiti"),
    ("kupio", "kupiti"),
    ("пошиљка", "пошиљка"),
    ("pošiljke", "pošiljka"),
    ("posiljke", "posiljka"),
    ("stigao", "stići"),
    ("delivered", "deliver"),
]


def test_bytes_round_trip_answers_the_same() -> None:
    built = FoldedLemmaIndex.from_pairs(PAIRS)
    loaded = FoldedLemmaIndex.from_bytes(built.to_bytes())
    assert loaded is not None
    assert len(loaded) == len(built)
    for form in ["kupila", "kupio", "posiljka", "posiljke", "stigao", "delivered", "nope"]:
        assert loaded.get(form) == built.get(form)
    assert loaded.get("posiljke") == "posiljka"


@pytest.mark.parametrize("data", [b"", b"something else", b"folded-lemmas/1\n" + b"\0" * 12])
def test_anything_else_is_not_an_index(data: bytes) -> None:
    assert FoldedLemmaIndex.from_bytes(data) is None


def test_truncated_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lemmas, "CACHE_DIR", tmp_path)
    source = tmp_path / "xx_lemma_lookup.json"
    source.write_text('{\n"kupila": "kupiti",\n"stigao": "stići"\n}\n', encoding="utf-8")
    monkeypatch.setattr(lemmas, "lookups_path", lambda lang: source)
    lemmas._index_unlocked.cache_clear()
    try:
        first = lemmas._index_unlocked("xx")
        cache_file = lemmas._cache_file(source)
        assert cache_file.exists()
        cache_file.write_bytes(cache_file.read_bytes()[:-3])  # a half-written file
        lemmas._index_unlocked.cache_clear()
        again = lemmas._index_unlocked("xx")
        assert again.get("stigao") == first.get("stigao") == "stici"
        assert FoldedLemmaIndex.from_bytes(cache_file.read_bytes()) is not None
    finally:
        lemmas._index_unlocked.cache_clear()
