"""Anger that shows over a conversation: pressure or giving up after earlier heat (issue 11).

A legal step, an ultimatum, a deadline in capitals or giving up on the conversation needs
another sign of anger beside it; in a conversation that sign may have come in an earlier
message ("!!"). Every line is written for this test.
"""

from __future__ import annotations

import pytest

from bot.policy import ConversationContext, MessageSignals, assess
from bot.policy.anger import anger_score, conversation_sign
from bot.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The built-in defaults (no bot.yml, no environment)."""
    return load_settings(environ={}, settings_file=tmp_path_factory.mktemp("s") / "bot.yml")


def _angry_at_the_end(turns: list[str], settings: Settings) -> bool:
    scores = [anger_score(turn) for turn in turns[:-1]]
    context = ConversationContext(
        previous_anger=max(scores, default=None), earlier_anger=tuple(scores)
    )
    return "anger" in assess(MessageSignals(turns[-1]), context, settings).reasons


@pytest.mark.parametrize(
    "turns",
    [
        [
            "The router you sent me keeps dropping the line.",
            "I've restarted it ten times, it's not my wiring!!",
            "Someone had better ring me before five today.",
        ],
        [
            "Stolica je stigla bez jedne noge.",
            "Ne treba mi popust, treba mi stolica!!",
            "Očekujem da mi se netko javi DANAS.",
        ],
        [
            "Поручио сам штампач пре месец дана.",
            "Већ трећи пут питам исто!!",
            "Пријавићу вас тржишној инспекцији.",
        ],
        [
            "Ordered a lamp, got a kettle.",
            "Order number is 77120, as I've said twice already!!",
            "You know what, forget it.",
        ],
    ],
)
def test_pressing_on_after_earlier_heat_is_anger(turns: list[str], settings: Settings) -> None:
    assert conversation_sign(turns[-1]) is not None
    assert _angry_at_the_end(turns, settings)


@pytest.mark.parametrize(
    "turns",
    [
        # the same words with no earlier heat
        ["The router you sent me keeps dropping the line.", "Please call me back today."],
        ["Stolica je stigla bez jedne noge.", "Očekujem da mi se netko javi danas."],
        ["Narudžba kasni tjedan dana.", "Ako se ne riješi, javit ću se inspekciji."],
        ["Where is my parcel?", "Oh, never mind, my neighbour had it."],
        # heat earlier, then relief
        ["Where on earth is my parcel??", "Oh never mind, found it behind the bins, thanks!"],
        ["Gdje mi je paket??", "Ma pustite, našla sam ga kod susjede, hvala."],
        # heat earlier, but no pressure and no giving up now
        ["Wrong size again!!", "My email is ana.k@example.com."],
    ],
)
def test_the_same_words_without_earlier_heat_are_no_anger(
    turns: list[str], settings: Settings
) -> None:
    assert not _angry_at_the_end(turns, settings)


@pytest.mark.parametrize(
    "text",
    [
        "You know what, forget it.",
        "Znate šta, zaboravite.",
        "Someone had better call me today.",
        "Najkasnije do petka očekujem odgovor.",
        "Call me TODAY.",
    ],
)
def test_pressure_or_giving_up_alone_is_no_anger_in_a_first_message(
    text: str, settings: Settings
) -> None:
    assert conversation_sign(text) is not None
    assert "anger" not in assess(MessageSignals(text), ConversationContext(), settings).reasons


def test_giving_up_inside_a_plain_clause_is_no_sign() -> None:
    assert conversation_sign("I forgot it on the bus, can you check lost property?") is None
    assert conversation_sign("Never mind the box, the lid is cracked.") is None
