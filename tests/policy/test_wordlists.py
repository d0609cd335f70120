"""The word lists are data files: loaded, merged across languages and checked with clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.policy.lexicons import (
    REQUIRED_LEXICONS,
    WORDLISTS_DIR,
    WordlistError,
    check_wordlists,
    load_wordlists,
    prepare,
)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "wordlists"
    shutil.copytree(WORDLISTS_DIR, target)
    return target


def test_shipped_lists_are_complete_and_valid() -> None:
    assert check_wordlists() == []
    lexicons, _ = load_wordlists()
    assert set(REQUIRED_LEXICONS) <= set(lexicons)


def test_both_language_files_feed_one_list() -> None:
    lexicons, _ = load_wordlists()
    assert lexicons["legal"].find(prepare("I will call my lawyer"))
    assert lexicons["legal"].find(prepare("zvat ću odvjetnika"))


def test_a_list_valued_set_makes_one_pattern_per_item(tmp_path: Path) -> None:
    directory = tmp_path / "lists"
    directory.mkdir()
    (directory / "xx.yml").write_text(
        "sets:\n  counts: [twice, thrice]\nlexicons:\n  repeat:\n    match: ['called {counts}']\n",
        encoding="utf-8",
    )
    lexicons, _ = load_wordlists(directory)
    assert lexicons["repeat"].patterns == ("called twice", "called thrice")


def test_an_added_word_is_used(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    yaml = YAML()
    path = directory / "en.yml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["lexicons"]["legal"]["match"].append("arbitrat*")
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    before, _ = load_wordlists()
    after, _ = load_wordlists(directory)
    assert not before["legal"].find(prepare("we will go to arbitration"))
    assert after["legal"].find(prepare("we will go to arbitration"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("lexicons: [1, 2]\n", "needs a 'lexicons:' mapping"),
        ("lexicons:\n  legal:\n    match: ['{nowhere} court']\n", "unknown set {nowhere}"),
        ("lexicons:\n  legal:\n    match: [3]\n", "must be a list of non-empty strings"),
        ("lexicons:\n  legal: just words\n", "must be a mapping"),
        ("lexicons: {legal: [unclosed\n", "xx.yml"),
    ],
)
def test_malformed_files_are_refused_with_the_place(
    tmp_path: Path, content: str, message: str
) -> None:
    directory = tmp_path / "lists"
    directory.mkdir()
    (directory / "xx.yml").write_text(content, encoding="utf-8")
    with pytest.raises(WordlistError, match=r"xx\.yml"):
        load_wordlists(directory)
    problems = check_wordlists(directory)
    assert len(problems) == 1 and message in problems[0]


def test_a_missing_list_is_reported(tmp_path: Path) -> None:
    directory = tmp_path / "lists"
    directory.mkdir()
    (directory / "xx.yml").write_text("lexicons:\n  legal:\n    match: [court]\n", encoding="utf-8")
    problems = check_wordlists(directory)
    assert "missing list: safety" in problems
