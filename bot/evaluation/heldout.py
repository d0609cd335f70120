"""The held-out test set in ``eval/heldout/``: loading, validation and the overlap check.

One YAML file per variant (``en``, ``hr``, ``bs``, ``sr_latn``, ``sr_cyrl``) holds labelled
customer messages and multi-turn conversations. It is never used for training; the overlap
check keeps it from drifting into (or out of) ``data/nlu``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.policy import REASONS
from bot.settings import BUILTIN_CATEGORIES, PROJECT_ROOT
from bot.text.fold import fold

HELDOUT_DIR = PROJECT_ROOT / "eval" / "heldout"
#: The variants, in the order reports show them.
VARIANTS: tuple[str, ...] = ("en", "hr", "bs", "sr_latn", "sr_cyrl")
INTENTS: tuple[str, ...] = (
    *(f"complain_{slug}" for slug in BUILTIN_CATEGORIES),
    "state_resolution",
    "request_human",
    "insult",
    "ask_status",
    "inform",
    "greet",
    "goodbye",
    "thank_you",
    "affirm",
    "deny",
    "praise",
    "out_of_scope",
    "bot_challenge",
)
ENTITY_TYPES: tuple[str, ...] = ("order_ref", "ticket", "email", "phone")
HARD_CASES: tuple[str, ...] = ("no_negative", "praise_but", "no_diacritics", "typo", "sarcasm")
MIN_MESSAGES = 60
MIN_CONVERSATIONS = 15
#: Two texts whose folded forms are at least this similar count as near-duplicates.
NEAR_DUPLICATE_RATIO = 0.85


class HeldoutError(ValueError):
    """A held-out file is malformed."""


@dataclass(frozen=True)
class GoldEntity:
    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class Message:
    """One labelled customer message. ``intent`` None: nothing in it to understand."""

    text: str
    intent: str | None
    variant: str
    language: str
    script: str
    reasons: frozenset[str] = frozenset()
    entities: tuple[GoldEntity, ...] = ()
    tags: frozenset[str] = frozenset()
    failed_understandings: int = 0


@dataclass(frozen=True)
class Conversation:
    """Customer turns to replay in order, and the expected outcome."""

    id: str
    variant: str
    language: str
    script: str
    turns: tuple[str, ...]
    category: str
    reasons: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VariantSet:
    variant: str
    language: str
    script: str
    messages: tuple[Message, ...]
    conversations: tuple[Conversation, ...] = field(default_factory=tuple)


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HeldoutError(f"{where}: expected a list of strings")
    return value


def _entities(text: str, raw: Any, where: str) -> tuple[GoldEntity, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise HeldoutError(f"{where}: entities must map a type to the text as written")
    found = []
    for name, surface in raw.items():
        if name not in ENTITY_TYPES:
            raise HeldoutError(f"{where}: unknown entity type {name!r}")
        start = text.find(str(surface))
        if start < 0:
            raise HeldoutError(f"{where}: entity {surface!r} is not in the text")
        found.append(GoldEntity(str(name), start, start + len(str(surface))))
    return tuple(found)


def _message(raw: Any, head: dict[str, str], where: str) -> Message:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"]:
        raise HeldoutError(f"{where}: a message needs a non-empty text")
    text = raw["text"]
    intent = raw.get("intent")
    if intent is not None and intent not in INTENTS:
        raise HeldoutError(f"{where}: unknown intent {intent!r}")
    reasons = _str_list(raw.get("reasons"), where)
    if unknown := set(reasons) - set(REASONS):
        raise HeldoutError(f"{where}: unknown escalation reasons {sorted(unknown)}")
    tags = _str_list(raw.get("tags"), where)
    context = raw.get("context") or {}
    return Message(
        text=text,
        intent=intent,
        variant=head["variant"],
        language=head["language"],
        script=head["script"],
        reasons=frozenset(reasons),
        entities=_entities(text, raw.get("entities"), where),
        tags=frozenset(tags),
        failed_understandings=int(context.get("failed_understandings", 0)),
    )


def _conversation(raw: Any, head: dict[str, str], where: str) -> Conversation:
    if not isinstance(raw, dict):
        raise HeldoutError(f"{where}: a conversation must be a mapping")
    turns = _str_list(raw.get("turns"), where)
    category = raw.get("category")
    if not turns or category not in BUILTIN_CATEGORIES:
        raise HeldoutError(f"{where}: a conversation needs turns and a known category")
    reasons = _str_list(raw.get("reasons"), where)
    if unknown := set(reasons) - set(REASONS):
        raise HeldoutError(f"{where}: unknown escalation reasons {sorted(unknown)}")
    return Conversation(
        id=str(raw.get("id") or where),
        variant=head["variant"],
        language=head["language"],
        script=head["script"],
        turns=tuple(turns),
        category=category,
        reasons=frozenset(reasons),
    )


def parse_variant(data: Any, source: str = "<held-out>") -> VariantSet:
    """A variant's held-out set from the YAML data of its file."""
    if not isinstance(data, dict):
        raise HeldoutError(f"{source}: expected a mapping")
    head = {key: data.get(key) for key in ("variant", "language", "script")}
    if not all(isinstance(v, str) for v in head.values()):
        raise HeldoutError(f"{source}: variant, language and script are required")
    if head["script"] not in ("latin", "cyrillic"):
        raise HeldoutError(f"{source}: script must be latin or cyrillic")
    messages = tuple(
        _message(raw, head, f"{source} message {i + 1}")  # type: ignore[arg-type]
        for i, raw in enumerate(data.get("messages") or [])
    )
    conversations = tuple(
        _conversation(raw, head, f"{source} conversation {i + 1}")  # type: ignore[arg-type]
        for i, raw in enumerate(data.get("conversations") or [])
    )
    return VariantSet(head["variant"], head["language"], head["script"], messages, conversations)  # type: ignore[arg-type]


def load_variant(path: Path) -> VariantSet:
    with path.open(encoding="utf-8") as handle:
        return parse_variant(YAML(typ="safe").load(handle), str(path.name))


def load_heldout(directory: Path = HELDOUT_DIR) -> list[VariantSet]:
    """Every variant's held-out set, in :data:`VARIANTS` order."""
    missing = [v for v in VARIANTS if not (directory / f"{v}.yml").exists()]
    if missing:
        raise HeldoutError(f"missing held-out files: {', '.join(missing)}")
    return [load_variant(directory / f"{variant}.yml") for variant in VARIANTS]


def coverage_problems(variant: VariantSet) -> list[str]:
    """What a variant's set lacks: counts, intents, categories, reasons, hard cases."""
    problems = []
    if len(variant.messages) < MIN_MESSAGES:
        problems.append(f"{variant.variant}: {len(variant.messages)} messages < {MIN_MESSAGES}")
    if len(variant.conversations) < MIN_CONVERSATIONS:
        problems.append(
            f"{variant.variant}: {len(variant.conversations)} conversations < {MIN_CONVERSATIONS}"
        )
    intents = {m.intent for m in variant.messages if m.intent}
    categories = {c.category for c in variant.conversations}
    reasons: set[str] = set().union(*(m.reasons for m in variant.messages))
    tags: set[str] = set().union(*(m.tags for m in variant.messages))
    wanted: dict[str, tuple[set[str], set[str]]] = {
        "intents": (set(INTENTS), intents),
        "categories in conversations": (set(BUILTIN_CATEGORIES), categories),
        "escalation reasons": (set(REASONS), reasons),
        # English and Cyrillic have no diacritics to leave out.
        "hard cases": (
            set(HARD_CASES)
            - (
                {"no_diacritics"}
                if variant.script == "cyrillic" or variant.language == "en"
                else set()
            ),
            tags,
        ),
    }
    for what, (need, have) in wanted.items():
        if lacking := need - have:
            problems.append(f"{variant.variant}: no {what}: {', '.join(sorted(lacking))}")
    return problems


_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise(text: str) -> str:
    """Folded, lower-case text without punctuation, for comparing examples."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", fold(text).lower())).strip()


def near_duplicates(
    heldout: Iterable[str], training: Iterable[str], ratio: float = NEAR_DUPLICATE_RATIO
) -> list[tuple[str, str, float]]:
    """Held-out texts equal or nearly equal to a training example: (held-out, training, ratio).

    Texts are compared folded (so script and diacritics do not hide a copy); very short texts
    ("da", "ok") are compared for equality only, since they cannot be reworded.
    """
    train = {normalise(t): t for t in training}
    found = []
    for text in heldout:
        norm = normalise(text)
        if norm in train:
            found.append((text, train[norm], 1.0))
            continue
        if len(norm) < 12:
            continue
        for candidate, original in train.items():
            if abs(len(candidate) - len(norm)) > len(norm) * (1 - ratio) * 2:
                continue
            matcher = SequenceMatcher(None, norm, candidate, autojunk=False)
            if matcher.real_quick_ratio() < ratio or matcher.quick_ratio() < ratio:
                continue
            if (score := matcher.ratio()) >= ratio:
                found.append((text, original, round(score, 3)))
                break
    return found


#: Conversation turns shorter than this ("no", "hello", an order number) cannot be reworded.
MIN_CHECKED_TURN_WORDS = 3


def checked_texts(variants: Iterable[VariantSet]) -> list[str]:
    """The held-out texts that must not copy training data: every message, and every
    conversation turn of at least :data:`MIN_CHECKED_TURN_WORDS` words."""
    texts = []
    for variant in variants:
        texts += [m.text for m in variant.messages]
        texts += [
            turn
            for c in variant.conversations
            for turn in c.turns
            if len(turn.split()) >= MIN_CHECKED_TURN_WORDS
        ]
    return texts


def training_texts(nlu_dir: Path = PROJECT_ROOT / "data" / "nlu") -> list[str]:
    """The example texts of the training data (entity annotations removed)."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        example.get("text")
        for path in sorted(nlu_dir.glob("*.yml"))
        for example in load_data(str(path)).training_examples
        if example.get("text")
    ]
