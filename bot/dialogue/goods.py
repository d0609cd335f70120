"""A demand that names the goods and a remedy but no problem ("give me my money back for the
toaster", "hoću zamjenu za peglu", "send me a new one"): the goods themselves are the matter
(docs/categories.md, "A demand that names the product"). The rule and its words are data:
``bot/dialogue/data/demanded_goods.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ruamel.yaml import YAML

from bot.policy.resolution import classify_resolution
from bot.text.fold import fold
from bot.text.problems import complaint_signals, words

DEMANDED_GOODS_FILE = Path(__file__).with_name("data") / "demanded_goods.yml"


@dataclass(frozen=True)
class GoodsDemandRule:
    """``demanded_goods.yml``: when a demand names goods, and the category it is filed under."""

    category: str
    goods_remedies: frozenset[str]
    object_after: frozenset[str]
    skip: tuple[str, ...]
    not_goods: tuple[str, ...]
    not_with: tuple[tuple[str, ...], ...]
    demand_wording: frozenset[str]


@cache
def goods_demand_rule() -> GoodsDemandRule:
    """The rule of :func:`demanded_goods`, read from its data file."""
    data = YAML(typ="safe").load(DEMANDED_GOODS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("category"), str):
        raise ValueError(f"{DEMANDED_GOODS_FILE.name}: expected 'category' and its word lists")

    def merged(name: str) -> tuple[str, ...]:
        return tuple(fold(str(w)) for family in (data.get(name) or {}).values() for w in family)

    return GoodsDemandRule(
        category=data["category"],
        goods_remedies=frozenset(str(slug) for slug in data.get("goods_remedies") or ()),
        object_after=frozenset(merged("refund_object_after")),
        skip=merged("skip"),
        not_goods=merged("not_goods"),
        not_with=tuple(tuple(entry.split()) for entry in merged("not_with")),
        demand_wording=frozenset(
            " ".join(words(str(cue))) for cue in data.get("demand_wording_cues") or ()
        ),
    )


def _listed(word: str, entries: Sequence[str]) -> bool:
    """Whether ``word`` is one of ``entries`` (exact words, or word starts ending in ``*``)."""
    return any(
        word.startswith(entry[:-1]) if entry.endswith("*") else word == entry for entry in entries
    )


def _refund_names_goods(message: Sequence[str], rule: GoodsDemandRule) -> bool:
    """Whether a word after "for" / "za" (past "the", "my", "ovaj"...) names goods: not a
    charge, a service, time or a number ("money back for the kettle", not "for the fee"), and
    the goods were not sent back nor the order cancelled (``not_with``)."""
    for entry in rule.not_with:
        size = len(entry)
        if any(
            all(_listed(w, (e,)) for w, e in zip(message[i : i + size], entry, strict=True))
            for i in range(len(message) - size + 1)
        ):
            return False
    for i, word in enumerate(message):
        if word not in rule.object_after:
            continue
        thing = next((w for w in message[i + 1 :] if not _listed(w, rule.skip)), None)
        if thing is not None and thing.isalpha() and not _listed(thing, rule.not_goods):
            return True
    return False


def demanded_goods(text: str, wish: bool = False) -> str | None:
    """The category of a demand that names goods and a remedy but no problem ("give me my money
    back for the toaster", "hoću zamjenu za peglu", "send me a new one"): a replacement or a
    repair, or a refund of goods (:func:`_refund_names_goods`). ``None`` for any other text,
    and for a message that is no demand: not read as a wish (``wish``) and with no demand cue
    (``complaint_cues.yml``: "the new app is great" names no remedy)."""
    if not (wish or complaint_signals(text).get("demand")):
        return None
    rule = goods_demand_rule()
    remedy = classify_resolution(text)
    if remedy in rule.goods_remedies:
        return rule.category
    if remedy == "refund" and _refund_names_goods(words(text), rule):
        return rule.category
    return None


def goods_category() -> str:
    """The category of a matter that is the goods themselves: a bare demand naming them, or a
    question about spoiled or damaged goods the customer has."""
    return goods_demand_rule().category


def demand_wording() -> frozenset[str]:
    """Problem cues that are a goods demand's own wording ("instead of"), folded."""
    return goods_demand_rule().demand_wording
