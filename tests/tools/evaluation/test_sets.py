"""The evaluation sets: the test-set format, the dev set converted from its older format."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.policy import REASONS
from bot.settings import BUILTIN_CATEGORIES
from tools.evaluation.sets import (
    CONVERSATION,
    GROUPS,
    MESSAGE,
    SetError,
    every_text,
    load_dev_set,
    load_set,
    load_test_set,
    parse_dev_variant,
    parse_test_group,
)


def _head(group: str = "hr", **more: object) -> dict[str, object]:
    language, script = {"hr": ("hr", "latin"), "sr_cyrl": ("sr", "cyrillic")}[group]
    return {"group": group, "language": language, "script": script, **more}


def test_parse_test_group_reads_every_label() -> None:
    items = parse_test_group(
        _head(
            messages=[
                {
                    "id": "hr-m001",
                    "text": "vratite mi novac za kuhalo, curi",
                    "complaint": True,
                    "category": "product_quality",
                    "problem": "defective",
                    "reasons": ["money"],
                    "wish": "refund",
                    "tags": ["demand"],
                },
                {"id": "hr-m002", "text": "koliko je sati?", "complaint": False, "reasons": []},
            ],
            conversations=[
                {
                    "id": "hr-c001",
                    "turns": ["naplatili ste dvaput", "povrat", "ana.k@gmail.com"],
                    "complaint": True,
                    "category": "billing",
                    "problem": "double_charge",
                    "reasons": ["money"],
                    "wish": "refund",
                    "contact": "ana.k@gmail.com",
                    "order_ref": 48213,
                }
            ],
        )
    )
    demand, question, conversation = items
    assert demand.kind == MESSAGE and demand.turns == ("vratite mi novac za kuhalo, curi",)
    assert demand.category == "product_quality" and demand.wish == "refund"
    assert demand.reasons == {"money"} and demand.tags == {"demand"}
    assert (demand.language, demand.script) == ("hr", "latin")
    assert not question.complaint and question.category is None
    assert conversation.kind == CONVERSATION and len(conversation.turns) == 3
    assert conversation.order_ref == "48213" and conversation.contact == "ana.k@gmail.com"


@pytest.mark.parametrize(
    "message",
    [
        {"text": "x", "complaint": "yes"},
        {"text": "x", "complaint": True},  # a complaint needs a category
        {"text": "x", "complaint": True, "category": "weather"},
        {"text": "x", "complaint": False, "category": "billing"},
        {"text": "x", "complaint": False, "reasons": ["boredom"]},
        {"text": "x", "complaint": True, "category": "billing", "wish": "a pony"},
        {"text": "", "complaint": False},
        "just a string",
    ],
)
def test_parse_test_group_rejects_malformed_items(message: object) -> None:
    with pytest.raises(SetError):
        parse_test_group(_head(messages=[message]))


def test_group_must_agree_with_language_and_script() -> None:
    with pytest.raises(SetError):
        parse_test_group({"group": "sr_cyrl", "language": "sr", "script": "latin"})
    with pytest.raises(SetError):
        parse_test_group({"group": "xx", "language": "xx", "script": "latin"})


def test_dev_format_is_converted_by_intent() -> None:
    items, left_out = parse_dev_variant(
        {
            "variant": "sr_cyrl",
            "language": "sr",
            "script": "cyrillic",
            "messages": [
                {"text": "пакет касни", "intent": "complain_delivery", "tags": ["typo"]},
                {"text": "хоћу човека", "intent": "request_human", "reasons": ["human_request"]},
                {"text": "ддд", "intent": None},
                {"text": "ддд", "intent": None, "context": {"failed_understandings": 1}},
            ],
            "conversations": [
                {"id": "c1", "turns": ["здраво", "пуњач гори"], "category": "safety",
                 "reasons": ["safety"]},
            ],
        }
    )  # fmt: skip
    assert left_out == 1
    delivery, human, gibberish, conversation = items
    assert delivery.complaint and delivery.category == "delivery"
    assert delivery.tags == {"typo", "intent:complain_delivery"}
    assert not human.complaint and human.reasons == {"human_request"}
    assert not gibberish.complaint and gibberish.category is None
    assert conversation.complaint and conversation.category == "safety"
    assert conversation.id == "c1" and conversation.kind == CONVERSATION
    assert [i.id for i in items[:3]] == ["sr_cyrl-m001", "sr_cyrl-m002", "sr_cyrl-m003"]


def test_dev_format_rejects_unknown_categories() -> None:
    with pytest.raises(SetError):
        parse_dev_variant(
            {
                "variant": "hr",
                "language": "hr",
                "script": "latin",
                "messages": [{"text": "x", "intent": "complain_weather"}],
            }
        )


def test_the_dev_set_loads_in_every_group() -> None:
    dev = load_dev_set()
    assert dev.name == "dev"
    assert {i.group for i in dev.items} == set(GROUPS)
    assert any(i.complaint for i in dev.items) and any(not i.complaint for i in dev.items)
    assert len(every_text(dev.items)) > len(dev.items)  # conversations have several turns


def test_a_test_set_folder_loads_what_is_there(tmp_path: Path) -> None:
    with pytest.raises(SetError):
        load_test_set(tmp_path)
    yaml = YAML()
    with (tmp_path / "hr.yml").open("w", encoding="utf-8") as handle:
        yaml.dump(_head(messages=[{"id": "hr-m1", "text": "bok", "complaint": False}]), handle)
    loaded = load_test_set(tmp_path)
    assert [i.id for i in loaded.items] == ["hr-m1"]
    assert "no file for en" in loaded.left_out


def _cyrillic_share(text: str) -> float:
    words = [w for w in text.split() if not any(c.isdigit() or c == "@" for c in w)]
    letters = [ch for ch in "".join(words) if ch.isalpha()]
    return sum("\u0400" <= ch <= "\u04ff" for ch in letters) / max(1, len(letters))


def test_the_dev_set_covers_every_category_and_has_non_complaints() -> None:
    from bot.settings import BUILTIN_CATEGORIES

    dev = load_dev_set()
    for group in GROUPS:
        items = [i for i in dev.items if i.group == group]
        labelled = {i.category for i in items if i.complaint and i.category is not None}
        assert labelled == set(BUILTIN_CATEGORIES), group
        assert any(not i.complaint for i in items), group
    for item in dev.items:
        if item.group == "sr_cyrl" and item.kind == MESSAGE:
            assert _cyrillic_share(item.turns[0]) >= 0.5, item.turns[0]


def test_the_test_set_has_the_size_issue_11_asks_for() -> None:
    from tools.evaluation.sets import TEST_DIR, group_files

    if not group_files(TEST_DIR):
        pytest.skip(f"no test-set files yet in {TEST_DIR}")
    test = load_test_set()
    assert not test.left_out, test.left_out
    for group in GROUPS:
        items = [i for i in test.items if i.group == group]
        assert sum(i.kind == MESSAGE for i in items) >= 150, group
        assert sum(i.kind == CONVERSATION for i in items) >= 30, group
        assert any(not i.complaint for i in items), group
    assert len({i.id for i in test.items}) == len(test.items), "item ids repeat"


def test_dev_chases_and_demands_are_complaints_without_a_category() -> None:
    """docs/categories.md: a chase is a repeat complaint; a concrete demand opens a complaint."""
    dev = load_dev_set()
    chases = [i for i in dev.items if "intent:ask_status" in i.tags]
    demands = [i for i in dev.items if "intent:state_resolution" in i.tags and i.complaint]
    assert chases and all(i.complaint and "repeat" in i.reasons for i in chases)
    assert demands and all(i.category is None for i in demands)
    assert any(not i.complaint for i in dev.items if "intent:state_resolution" in i.tags), (
        "a wish for nothing ('ne znam') is no demand"
    )


def test_the_probe_set_holds_only_requests_that_must_log_nothing() -> None:
    """tools/evaluation/probe: everyday requests in every language group, none a complaint."""
    probe = load_set("probe")
    assert probe.name == "probe"
    assert {item.group for item in probe.items} == set(GROUPS)
    assert probe.items and not any(item.complaint or item.reasons for item in probe.items)


@pytest.mark.parametrize("name", ["dev2", "dev3", "dev4", "dev5"])
def test_the_blind_dev_sets_cover_every_group_category_and_reason(name: str) -> None:
    """eval/dev2 to dev5: complaints of every category and every escalation reason (bar
    not_understood, which needs a conversation state), and non-complaints, in every language
    group."""
    blind = load_set(name)
    assert blind.name == name and not blind.left_out
    for group in GROUPS:
        items = [item for item in blind.items if item.group == group]
        complaints = [item for item in items if item.complaint]
        assert {item.category for item in complaints} == set(BUILTIN_CATEGORIES), group
        reasons = {reason for item in complaints for reason in item.reasons}
        assert reasons >= set(REASONS) - {"not_understood"}, group
        assert any(not item.complaint for item in items), group
        assert any(item.kind == "conversation" for item in items), group
