"""The problem within a category and the complaint cues, from the data files."""

from __future__ import annotations

import pytest

from bot.text.problems import complaint_signals, detect_problem


@pytest.mark.parametrize(
    ("text", "category", "problem"),
    [
        ("It arrived broken", "delivery", "damaged"),
        ("the box came crushed and the glass is shattered", "delivery", "damaged"),
        ("ordered a lamp on the 2nd and it's still not here", "delivery", "late"),
        ("you sent me size 38 instead of 42", "delivery", "wrong_item"),
        ("only two of the three chairs came", "delivery", "incomplete"),
        ("paket piše isporučen a ja ništa nisam dobio", "delivery", "lost"),
        ("stigla mi je pogrešna boja", "delivery", "wrong_item"),
        ("пакет касни већ две недеље", "delivery", "late"),
        ("jogurt je bio kiseo iako rok nije istekao", "product_quality", "spoiled"),
        ("упутство је само на немачком", "product_quality", "not_as_described"),
        ("the kettle only makes lukewarm water now", "product_quality", "defective"),
        ("the washing machine won't drain any more", "product_quality", "defective"),
        ("the new fan won't switch on", "product_quality", "defective"),
        ("you took 29.99 twice for one order", "billing", "double_charge"),
        ("promo kod ne prolazi a piše da važi do kraja meseca", "billing", "discount"),
        (
            "the technician never came, I took a day off work for nothing",
            "service_quality",
            "no_show",
        ),
        ("obećali ste da ćete me nazvati i ništa", "service_quality", "no_callback"),
        ("neko je naručio sa mog naloga", "technical", "account"),
        ("кад кликнем плати, страница се само освежи", "technical", "checkout"),
        ("the charger started smoking", "safety", "hazard"),
        ("my son got sick after your chicken salad", "safety", "illness"),
        ("something about my order", "delivery", "general"),
        ("the toilets are awful", "other", "general"),
    ],
)
def test_the_problem_is_read_within_the_category(text: str, category: str, problem: str) -> None:
    assert detect_problem(text, category) == problem


def test_a_category_the_cue_file_does_not_know_has_no_problem() -> None:
    assert detect_problem("anything", "custom_category") is None


@pytest.mark.parametrize(
    ("text", "problem", "demand"),
    [
        ("Return my money for this kettle, it leaks", True, True),
        ("pošaljite mi novi, ovaj ne radi", True, True),
        ("вратите ми паре", False, True),
        ("set an alarm for 7", False, False),
        ("podsjeti me kasnije da nazovem mamu", False, False),
        ("how do I reset my password", False, False),
        ("the repair didn't help, it still leaks", True, False),
    ],
)
def test_problem_and_demand_cues(text: str, problem: bool, demand: bool) -> None:
    signals = complaint_signals(text)
    assert (bool(signals["problem"]), bool(signals["demand"])) == (problem, demand)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("iz utičnice su izlazile iskre", "hazard"),
        ("punjač iskri kad ga uključim", "hazard"),
        ("izlazi dim iz mašine", "hazard"),
        # "iskreno" (honestly) and "dimenzije" are no sparks and no smoke
        ("iskreno, dimenzije kreveta su me iznenadile", "general"),
    ],
)
def test_short_hazard_cues_do_not_match_longer_words(text: str, problem: str) -> None:
    assert detect_problem(text, "safety") == problem
