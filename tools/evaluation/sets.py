"""The evaluation sets, as one list of labelled items whatever file format they come in.

* **test** (``eval/test/<group>.yml``, frozen, see ``eval/test/README.md``): first messages and
  conversations labelled with ``complaint``, ``category``, ``problem``, ``reasons``, ``wish``,
  ``contact``, ``order_ref`` and ``tags``.
* **dev** (``eval/heldout/<variant>.yml``, used for tuning, the older format of
  ``eval/README.md``): converted on loading. A message's intent ``complain_X`` becomes
  ``complaint: true, category: X``. Following ``docs/categories.md``, a chase (``ask_status``)
  is a complaint with the reason ``repeat``, and a wish that names a concrete remedy
  (``state_resolution``: a refund, a replacement, a repair, compensation) is a demand that
  opens a complaint; both without a category, which is then not scored. Any other intent (or
  none) becomes ``complaint: false``.
  Every dev conversation is a complaint of its ``category``. Messages that carry a
  ``context`` (conversation state before the message, such as an earlier misunderstanding)
  cannot be replayed as a first message through the REST channel and are left out; the set
  says how many.

An item is replayed as one conversation with a sender id of its own: a first message is a
conversation of one turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.policy import REASONS, classify_resolution
from bot.settings import BUILTIN_CATEGORIES, PROJECT_ROOT

TEST_DIR = PROJECT_ROOT / "eval" / "test"
DEV_DIR = PROJECT_ROOT / "eval" / "heldout"
#: Everyday requests a complaint bot cannot serve, written for tuning the "log nothing, call no
#: one" behaviour (the test-set format, every item a non-complaint); never training data.
PROBE_DIR = PROJECT_ROOT / "tools" / "evaluation" / "probe"
#: A second tuning set in the test-set format, written blind in session 10 (writers who saw only
#: docs/categories.md and persona briefs), because the first dev set no longer shows misses.
DEV2_DIR = PROJECT_ROOT / "eval" / "dev2"
#: A third, written blind in session 11 and leaning on what the test set's run 5 found weakest
#: (anger, growing anger, the other escalation reasons' indirect phrasings, short BCS messages).
DEV3_DIR = PROJECT_ROOT / "eval" / "dev3"
#: A fourth, written blind in session 16 and leaning on what run 10 found weakest apart from
#: anger: category boundaries, non-complaints and complaints hidden in other forms (English: 100
#: first messages).
DEV4_DIR = PROJECT_ROOT / "eval" / "dev4"
#: A fifth, written blind in session 17 and leaning on anger (irony, idioms, growing anger) and
#: its calm look-alikes; the five groups written independently, not translated.
DEV5_DIR = PROJECT_ROOT / "eval" / "dev5"
#: The tuning sets written blind in the test-set format, by name.
BLIND_DEV_SETS: dict[str, Path] = {
    "dev2": DEV2_DIR,
    "dev3": DEV3_DIR,
    "dev4": DEV4_DIR,
    "dev5": DEV5_DIR,
}
#: The sets nobody reads or trains on: the frozen test set and the newest blind dev set, kept to
#: measure generalisation (tools/evaluation/leaks.py keeps training examples away from them).
BLIND_SETS: tuple[str, ...] = ("test", "dev5")
#: The language groups, in the order reports show them.
GROUPS: tuple[str, ...] = ("en", "hr", "bs", "sr_latn", "sr_cyrl")
#: The bot's ``language`` and ``script`` slots for each group.
GROUP_LANGUAGE: dict[str, tuple[str, str]] = {
    "en": ("en", "latin"),
    "hr": ("hr", "latin"),
    "bs": ("bs", "latin"),
    "sr_latn": ("sr", "latin"),
    "sr_cyrl": ("sr", "cyrillic"),
}
WISHES: tuple[str, ...] = (
    "refund",
    "replacement",
    "repair",
    "apology",
    "compensation",
    "nothing",
    "other",
)
MESSAGE = "message"
CONVERSATION = "conversation"


class SetError(ValueError):
    """An evaluation file is malformed."""


@dataclass(frozen=True)
class Item:
    """One labelled customer: a first message (one turn) or a whole conversation."""

    id: str
    group: str
    kind: str
    turns: tuple[str, ...]
    complaint: bool
    category: str | None = None
    problem: str | None = None
    reasons: frozenset[str] = frozenset()
    wish: str | None = None
    contact: str | None = None
    order_ref: str | None = None
    tags: frozenset[str] = frozenset()

    @property
    def language(self) -> str:
        return GROUP_LANGUAGE[self.group][0]

    @property
    def script(self) -> str:
        return GROUP_LANGUAGE[self.group][1]

    @property
    def demands_remedy(self) -> bool:
        """The customer already said what they want: a labelled ``wish``, or the ``money``
        reason, which docs/categories.md defines as asking for money back or compensation.
        The bot then confirms the demand instead of asking for it (issue 11)."""
        return self.wish is not None or "money" in self.reasons


@dataclass(frozen=True)
class EvalSet:
    """The items of one set, and what loading it left out (with why)."""

    name: str
    directory: Path
    items: tuple[Item, ...]
    left_out: tuple[str, ...] = field(default_factory=tuple)


def _yaml_file(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return YAML(typ="safe").load(handle)


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SetError(f"{where}: expected a list of strings")
    return value


def _reasons(value: Any, where: str) -> frozenset[str]:
    reasons = _str_list(value, where)
    if unknown := set(reasons) - set(REASONS):
        raise SetError(f"{where}: unknown escalation reasons {sorted(unknown)}")
    return frozenset(reasons)


def _optional_text(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SetError(f"{where}: {key} must be text")
    return str(value)


def _group_of(data: Any, source: str, key: str) -> str:
    if not isinstance(data, dict):
        raise SetError(f"{source}: expected a mapping")
    group = data.get(key)
    if group not in GROUP_LANGUAGE:
        raise SetError(f"{source}: {key} must be one of {', '.join(GROUPS)}")
    expected = GROUP_LANGUAGE[group]
    if (data.get("language"), data.get("script")) != expected:
        raise SetError(f"{source}: {group} means language {expected[0]}, script {expected[1]}")
    return str(group)


# --- the test set ----------------------------------------------------------------------------


def _test_item(raw: Any, group: str, kind: str, where: str) -> Item:
    if not isinstance(raw, dict):
        raise SetError(f"{where}: expected a mapping")
    if kind == MESSAGE:
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise SetError(f"{where}: a message needs a non-empty text")
        turns: tuple[str, ...] = (text,)
    else:
        turns = tuple(_str_list(raw.get("turns"), where))
        if not turns or not all(t.strip() for t in turns):
            raise SetError(f"{where}: a conversation needs non-empty turns")
    complaint = raw.get("complaint")
    if not isinstance(complaint, bool):
        raise SetError(f"{where}: complaint must be true or false")
    category = raw.get("category")
    if complaint and category not in BUILTIN_CATEGORIES:
        raise SetError(f"{where}: a complaint needs a category from docs/categories.md")
    if not complaint and category is not None:
        raise SetError(f"{where}: a non-complaint carries no category")
    wish = _optional_text(raw, "wish", where)
    if wish is not None and wish not in WISHES:
        raise SetError(f"{where}: unknown wish {wish!r}")
    return Item(
        id=str(raw.get("id") or where),
        group=group,
        kind=kind,
        turns=turns,
        complaint=complaint,
        category=category if complaint else None,
        problem=_optional_text(raw, "problem", where),
        reasons=_reasons(raw.get("reasons"), where),
        wish=wish,
        contact=_optional_text(raw, "contact", where),
        order_ref=_optional_text(raw, "order_ref", where),
        tags=frozenset(_str_list(raw.get("tags"), where)),
    )


def parse_test_group(data: Any, source: str = "<test>") -> list[Item]:
    """The items of one test-set file (the format of ``eval/test/README.md``)."""
    group = _group_of(data, source, "group")
    items = [
        _test_item(raw, group, MESSAGE, f"{source} message {i + 1}")
        for i, raw in enumerate(data.get("messages") or [])
    ]
    items += [
        _test_item(raw, group, CONVERSATION, f"{source} conversation {i + 1}")
        for i, raw in enumerate(data.get("conversations") or [])
    ]
    return items


def group_files(directory: Path = TEST_DIR) -> list[Path]:
    """The test set's files present in ``directory``, in :data:`GROUPS` order."""
    return [directory / f"{g}.yml" for g in GROUPS if (directory / f"{g}.yml").exists()]


def load_test_set(directory: Path = TEST_DIR) -> EvalSet:
    return load_groups(directory, "test")


def load_groups(directory: Path, name: str) -> EvalSet:
    """A set in the test-set format (one ``<group>.yml`` per language group) named ``name``."""
    files = group_files(directory)
    if not files:
        raise SetError(f"no test-set files (<group>.yml) in {directory}")
    items = [item for path in files for item in parse_test_group(_yaml_file(path), path.name)]
    missing = [g for g in GROUPS if not (directory / f"{g}.yml").exists()]
    return EvalSet(name, directory, tuple(items), tuple(f"no file for {g}" for g in missing))


# --- the dev set (the older held-out format) -------------------------------------------------

#: Dev intents that docs/categories.md counts as complaints without a category.
CHASE_INTENT = "ask_status"
DEMAND_INTENT = "state_resolution"
CONCRETE_WISHES = frozenset({"refund", "replacement", "repair", "compensation"})


def _dev_message(raw: Any, group: str, index: int, where: str) -> Item | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"]:
        raise SetError(f"{where}: a message needs a non-empty text")
    if raw.get("context"):
        return None
    intent = raw.get("intent")
    if intent is not None and not isinstance(intent, str):
        raise SetError(f"{where}: intent must be text or null")
    category = (
        intent.removeprefix("complain_") if intent and intent.startswith("complain_") else None
    )
    if category is not None and category not in BUILTIN_CATEGORIES:
        raise SetError(f"{where}: unknown category in intent {intent!r}")
    reasons = _reasons(raw.get("reasons"), where)
    chase = intent == CHASE_INTENT
    demand = intent == DEMAND_INTENT and classify_resolution(raw["text"]) in CONCRETE_WISHES
    if chase and "repeat" not in reasons:
        reasons = reasons | {"repeat"}
    return Item(
        id=f"{group}-m{index:03d}",
        group=group,
        kind=MESSAGE,
        turns=(raw["text"],),
        complaint=category is not None or chase or demand,
        category=category,
        reasons=reasons,
        tags=frozenset([*_str_list(raw.get("tags"), where), f"intent:{intent}"]),
    )


def _dev_conversation(raw: Any, group: str, where: str) -> Item:
    if not isinstance(raw, dict):
        raise SetError(f"{where}: a conversation must be a mapping")
    turns = tuple(_str_list(raw.get("turns"), where))
    category = raw.get("category")
    if not turns or category not in BUILTIN_CATEGORIES:
        raise SetError(f"{where}: a conversation needs turns and a known category")
    return Item(
        id=str(raw.get("id") or where),
        group=group,
        kind=CONVERSATION,
        turns=turns,
        complaint=True,
        category=category,
        reasons=_reasons(raw.get("reasons"), where),
    )


def parse_dev_variant(data: Any, source: str = "<dev>") -> tuple[list[Item], int]:
    """The items of one dev-set file, and how many messages with a ``context`` were left out."""
    group = _group_of(data, source, "variant")
    items: list[Item] = []
    left_out = 0
    for index, raw in enumerate(data.get("messages") or [], start=1):
        item = _dev_message(raw, group, index, f"{source} message {index}")
        if item is None:
            left_out += 1
        else:
            items.append(item)
    items += [
        _dev_conversation(raw, group, f"{source} conversation {i + 1}")
        for i, raw in enumerate(data.get("conversations") or [])
    ]
    return items, left_out


def load_dev_set(directory: Path = DEV_DIR) -> EvalSet:
    missing = [g for g in GROUPS if not (directory / f"{g}.yml").exists()]
    if missing:
        raise SetError(f"missing dev-set files: {', '.join(missing)}")
    items: list[Item] = []
    notes: list[str] = []
    for group in GROUPS:
        found, left_out = parse_dev_variant(_yaml_file(directory / f"{group}.yml"), f"{group}.yml")
        items += found
        if left_out:
            notes.append(
                f"{group}: {left_out} messages with a conversation state (context) left out"
            )
    return EvalSet("dev", directory, tuple(items), tuple(notes))


def load_set(name: str) -> EvalSet:
    """``test`` (eval/test), ``dev`` (eval/heldout), ``dev2`` to ``dev5`` (eval/dev2 to
    eval/dev5) or ``probe`` (tools/evaluation/probe)."""
    if name == "test":
        return load_test_set()
    if name == "dev":
        return load_dev_set()
    if name == "probe":
        return load_groups(PROBE_DIR, "probe")
    if name in BLIND_DEV_SETS:
        return load_groups(BLIND_DEV_SETS[name], name)
    raise SetError(f"unknown set {name!r}: choose test, dev, dev2, dev3, dev4, dev5 or probe")


def every_text(items: list[Item] | tuple[Item, ...]) -> list[tuple[Item, str]]:
    """Every customer text of the items (each message, each conversation turn)."""
    return [(item, turn) for item in items for turn in item.turns]
