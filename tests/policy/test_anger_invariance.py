"""Anger reads the same whatever the script and whether or not diacritics are typed (issue 11).

A customer's anger must be caught the same in "Ovo je obična krađa", "Ovo je obicna krada",
"Ovo je obicna kradja" and "Ово је обична крађа". ``data/anger_invariance.yml`` holds BCS lines
written for this test (angry and calm, with many words that carry diacritics); each is turned
into Latin without diacritics (``đ`` typed as ``d``, and as ``dj``) and into Serbian Cyrillic,
and every anger signal (word lists, form, structure, the learned model) must give the same
weights, score and decision for every form, alone and as turns of a conversation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.policy import ConversationContext, MessageSignals, assess
from bot.policy.anger import anger_signals
from bot.settings import Settings, load_settings
from bot.text.fold import strip_diacritics, to_cyrillic

DATA = Path(__file__).with_name("data") / "anger_invariance.yml"
_PLAIN = str.maketrans("čćšžđČĆŠŽĐ", "ccszdCCSZD")


def _lines() -> dict[str, list[str]]:
    data = YAML(typ="safe").load(DATA.read_text(encoding="utf-8"))
    return {label: list(data[label]) for label in ("angry", "calm")}


LINES = _lines()
TEXTS = LINES["angry"] + LINES["calm"]


def forms(text: str) -> dict[str, str]:
    """The line as written and in the three other forms a customer may type it in."""
    return {
        "as written": text,
        "no diacritics, d for đ": text.translate(_PLAIN),
        "no diacritics, dj for đ": strip_diacritics(text),
        "Cyrillic": to_cyrillic(text),
    }


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The built-in defaults (no bot.yml, no environment)."""
    return load_settings(environ={}, settings_file=tmp_path_factory.mktemp("s") / "bot.yml")


def test_the_lines_are_enough_and_carry_diacritics() -> None:
    assert len(LINES["angry"]) >= 15 and len(LINES["calm"]) >= 15
    assert all(text != text.translate(_PLAIN) for text in TEXTS)
    assert sum("đ" in text.lower() for text in TEXTS) >= 10


def test_the_forms_differ_in_writing() -> None:
    for text in TEXTS:
        written = forms(text)
        assert written["as written"] not in (written["Cyrillic"], written["no diacritics, d for đ"])


@pytest.mark.parametrize("text", TEXTS)
def test_every_form_has_the_same_signals_and_decision(text: str, settings: Settings) -> None:
    readings = {}
    for name, form in forms(text).items():
        decision = assess(MessageSignals(form), ConversationContext(), settings)
        weights = sorted((signal.weight, signal.learned) for signal in anger_signals(form))
        readings[name] = (weights, decision.anger_score, "anger" in decision.reasons)
    assert len({repr(reading) for reading in readings.values()}) == 1, readings


def _conversation(turns: list[str], settings: Settings) -> list[tuple[float, bool]]:
    scores: list[float] = []
    outcome: list[tuple[float, bool]] = []
    for turn in turns:
        context = ConversationContext(
            previous_anger=max(scores, default=None), earlier_anger=tuple(scores)
        )
        decision = assess(MessageSignals(turn), context, settings)
        scores.append(decision.anger_score)
        outcome.append((decision.anger_score, "anger" in decision.reasons))
    return outcome


@pytest.mark.parametrize("start", range(0, len(TEXTS) - 2, 3))
def test_a_conversation_escalates_alike_in_every_form(start: int, settings: Settings) -> None:
    """Three lines in a row as the turns of one conversation: the built-up and the rising anger
    rules read every form alike."""
    turns = TEXTS[start : start + 3]
    outcomes = {
        name: _conversation([forms(turn)[name] for turn in turns], settings)
        for name in forms(turns[0])
    }
    assert len({repr(outcome) for outcome in outcomes.values()}) == 1, outcomes
