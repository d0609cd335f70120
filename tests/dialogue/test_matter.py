"""The category of a complaint opened by a message whose intent is not a complaint."""

from __future__ import annotations

import pytest

from bot.dialogue.matter import matter_category, mentions_the_bot
from bot.settings import BUILTIN_CATEGORIES


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        # a fairly sure complaint intent decides, even against the cues
        ("any news about my parcel?", [("ask_status", 0.5), ("complain_billing", 0.35)], "billing"),
        # an unsure one gives way to the problem cues
        (
            "any news, the parcel never arrived",
            [("ask_status", 0.9), ("complain_billing", 0.05)],
            "delivery",
        ),
        # no cue: a less sure complaint intent still names it
        ("what about the sofa?", [("ask_status", 0.8), ("complain_delivery", 0.15)], "delivery"),
        # the bot itself, in every script, and nothing else named
        ("this bot is useless", [("insult", 0.9)], "service_quality"),
        ("glupi bote, ništa ne kontaš", [("insult", 0.9)], "service_quality"),
        ("ovaj bot ne razume nista", [("request_human", 0.9)], "service_quality"),
        ("овај бот ништа не разуме", [("request_human", 0.9)], "service_quality"),
        ("ne želim pričati s mašinom", [("request_human", 0.9)], "service_quality"),
        # look-alikes of the bot words name nothing
        ("the bottle of botox", [("out_of_scope", 0.9)], None),
        ("I want a person", [("request_human", 0.97)], None),
        # a bare demand that names the product, escalated for money before it was noted
        ("give me my money back for the toaster", [("state_resolution", 0.9)], "product_quality"),
        ("вратите ми паре за сушилицу", [("state_resolution", 0.9)], "product_quality"),
        ("vratite mi pare za dostavu", [("state_resolution", 0.9)], None),
    ],
)
def test_the_matter_named_decides_the_category(
    text: str, ranking: list[tuple[str, float]], expected: str | None
) -> None:
    assert matter_category(text, ranking, BUILTIN_CATEGORIES) == expected


def test_a_category_no_longer_configured_is_not_chosen() -> None:
    known = tuple(c for c in BUILTIN_CATEGORIES if c != "service_quality")
    assert matter_category("this bot is useless", [("insult", 0.9)], known) is None
    assert mentions_the_bot("this bot is useless")


def test_a_clause_that_names_the_matter_decides_when_the_message_does_not() -> None:
    text = "Je li ovo automatski? Radije bih pravu osobu, mami je stigla kriva veličina."
    ranking = [("request_human", 0.92), ("complain_delivery", 0.04)]
    assert matter_category(text, ranking, BUILTIN_CATEGORIES) is None
    clause = ("complain_delivery", 0.71)
    found = matter_category(text, ranking, BUILTIN_CATEGORIES, clause_complaint=clause)
    assert found == "delivery"
    unsure = ("complain_delivery", 0.2)
    assert matter_category(text, ranking, BUILTIN_CATEGORIES, clause_complaint=unsure) is None
