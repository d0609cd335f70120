"""says_nothing_yet: a problem announced, or "the thing" pointed at, with nothing named."""

from __future__ import annotations

import pytest

from bot.text.vague import fillers, says_nothing_yet


@pytest.mark.parametrize(
    "text",
    [
        "I have a problem",
        "Hi, I'd like to make a complaint please",
        "hi, something is wrong",
        "hey so its about the thing",
        "THE THING. from last week",
        "imam reklamaciju",
        "Želim podnijeti reklamaciju.",
        "ej imam problem s onim",
        "ma ono, znate vec",
        "pa ono od juce!!",
        "Имам проблем",
        "па оно јуче!!",
    ],
)
def test_nothing_said_yet(text: str) -> None:
    assert says_nothing_yet(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have a problem with my order",
        "the kettle you sold me leaks",
        "no problem, thanks",
        "nema problema",
        "hello",
        "is it you?",
        "order 4410, the thing",
        "ono za kahvu sto ne valja",
        "problem s računom za struju",
        "Проблем са рачуном",
        "",
    ],
)
def test_a_matter_named_or_no_problem_announced(text: str) -> None:
    assert not says_nothing_yet(text)


def test_the_fillers_of_both_families_are_read() -> None:
    words = fillers()
    assert {"the", "thing", "ono", "stvar", "malopre"} <= words
    assert not {"yes", "no", "nothing", "da", "ne", "nista", "opet", "again"} & words
