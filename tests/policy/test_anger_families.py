"""Anger word families through the lemmatiser: every form of a listed lemma is read as anger.

The lemma tables of bot/text/lemmas.py (spacy-lookups-data: hr, sr, en) map inflected forms
to lemmas; read backwards, they give each lemma's whole family. The word lists use stems
(``nesposob*``), and this test checks the stems against the families of
``data/anger_families.yml``, so that the masculine short form ("jadan"), a superlative
("najbezobrazniji") or a comparative ("angrier") is not missed.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.policy.anger import combine, listed_signals
from bot.settings import EscalationSettings
from bot.text.lemmas import fast_fold, lookups_path

FAMILIES_FILE = Path(__file__).with_name("data") / "anger_families.yml"
THRESHOLD = EscalationSettings().anger_threshold


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(FAMILIES_FILE.read_text(encoding="utf-8"))
    return data


def _families() -> dict[str, dict[str, list[str]]]:
    return {level: _data()[level] for level in ("alone", "signal")}


@cache
def _forms(table: str) -> dict[str, frozenset[str]]:
    """Folded lemma -> its folded forms in ``table``, for the lemmas of the families file."""
    wanted = {fast_fold(lemma) for level in _families().values() for lemma in level.get(table, [])}
    other_words = {fast_fold(form) for form in _data()["other_words"]}
    forms: dict[str, set[str]] = defaultdict(set)
    for lemma in wanted:
        forms[lemma].add(lemma)
    with gzip.open(lookups_path(table), "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split('"')
            if len(parts) == 5 and fast_fold(parts[3]) in wanted:
                form = fast_fold(parts[1])
                if form not in other_words:
                    forms[fast_fold(parts[3])].add(form)
    return {lemma: frozenset(found) for lemma, found in forms.items()}


def _cases(level: str) -> list[tuple[str, str]]:
    return [(table, lemma) for table, lemmas in _families()[level].items() for lemma in lemmas]


@pytest.mark.parametrize(("table", "lemma"), _cases("alone"))
def test_every_form_of_an_insult_or_disgrace_reaches_the_threshold(table: str, lemma: str) -> None:
    forms = _forms(table)[fast_fold(lemma)]
    weak = [
        form
        for form in sorted(forms)
        if combine([signal.weight for signal in listed_signals(form)]) < THRESHOLD
    ]
    assert not weak, f"{lemma}: {len(weak)} of {len(forms)} forms below the threshold: {weak}"


@pytest.mark.parametrize(("table", "lemma"), _cases("signal"))
def test_every_form_of_a_contempt_or_feeling_word_is_a_signal(table: str, lemma: str) -> None:
    forms = _forms(table)[fast_fold(lemma)]
    unread = [form for form in sorted(forms) if not listed_signals(form)]
    assert not unread, f"{lemma}: {len(unread)} of {len(forms)} forms not read: {unread}"


def test_the_tables_give_whole_families() -> None:
    """The check means something: a Croatian adjective has dozens of forms."""
    assert len(_forms("hr")[fast_fold("nesposoban")]) > 30
    assert {"lopova", "lopovima"} <= _forms("hr")["lopov"]
