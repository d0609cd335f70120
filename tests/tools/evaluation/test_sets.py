"""The evaluation sets: the test-set format, the dev set converted from its older format."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tools.evaluation.sets import (
    CONVERSATION,
    GROUPS,
    MESSAGE,
    SetError,
    every_text,
    load_dev_set,
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
