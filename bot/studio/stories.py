"""Stories (``data/stories.yml``) and rules (``data/rules.yml``) as lists of steps, and the
test stories in ``tests/stories/``.

The studio's JSON form of a step is ``{"type": ..., ...}``:

* ``{"type": "intent", "intent": "greet"}`` — the user says something of that intent;
* ``{"type": "action", "action": "utter_greet"}`` — the bot runs an action or a response;
* ``{"type": "slot_was_set", "slots": [{"name": "x", "value": "y"}]}``;
* ``{"type": "active_loop", "loop": "contact_form"}`` (``null`` ends the form);
* ``{"type": "or", "options": [<intent or slot_was_set steps>]}``;
* ``{"type": "checkpoint", "name": "..."}``; ``{"type": "user", "text": ..., "intent": ...}``
  (test stories); ``{"type": "other", "data": {...}}`` anything else, kept as it is.

Unchanged steps keep their YAML nodes, so an edit shows in ``git diff`` as only the change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.studio.errors import StudioError
from bot.studio.project import (
    DOMAIN,
    RULES,
    STORIES,
    Change,
    check_language,
    read_data,
    save,
    test_file,
    versions,
)
from bot.studio.training_examples import clean_text
from bot.studio.yamlio import append, give_trailing, literal, take_trailing

KINDS: dict[str, tuple[str, str]] = {"rule": (RULES, "rules"), "story": (STORIES, "stories")}
MAX_STEPS = 200
MAX_NAME_CHARS = 200
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,99}")
_STEP_KEYS = ("intent", "action", "slot_was_set", "active_loop", "or", "checkpoint", "user")
#: Keys of steps the editor shows as they are ("other"), e.g. an intent with entities or a
#: bot text turn.
_OTHER_KEYS = (*_STEP_KEYS, "entities", "bot", "action_text", "metadata")

#: Starting points for a new story or rule (data: see the file's header).
TEMPLATES_FILE = Path(__file__).with_name("story_templates.yml")


@cache
def templates() -> list[dict[str, Any]]:
    """The starting points for a new story or rule, from :data:`TEMPLATES_FILE`."""
    with TEMPLATES_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, list):
        raise ValueError(f"{TEMPLATES_FILE.name}: expected a list at the top")
    return data


# --------------------------------------------------------------------------- YAML <-> JSON


def step_to_json(step: Any) -> dict[str, Any]:
    """A YAML step as the studio's JSON step."""
    if not isinstance(step, Mapping):
        return {"type": "other", "data": step}
    keys = set(step)
    if "user" in keys:
        return {"type": "user", "text": str(step["user"]).strip(), "intent": step.get("intent")}
    if keys == {"intent"} or keys == {"intent", "entities"}:
        out: dict[str, Any] = {"type": "intent", "intent": step["intent"]}
        if "entities" in step:
            out["entities"] = _plain(step["entities"])
        return out
    if keys == {"action"}:
        return {"type": "action", "action": step["action"]}
    if keys == {"active_loop"}:
        return {"type": "active_loop", "loop": step["active_loop"]}
    if keys == {"checkpoint"}:
        return {"type": "checkpoint", "name": step["checkpoint"]}
    if keys == {"slot_was_set"}:
        slots = []
        for item in step["slot_was_set"] or []:
            if isinstance(item, Mapping):
                slots += [{"name": name, "value": _plain(value)} for name, value in item.items()]
            else:
                slots.append({"name": str(item)})
        return {"type": "slot_was_set", "slots": slots}
    if keys == {"or"}:
        return {"type": "or", "options": [step_to_json(option) for option in step["or"] or []]}
    return {"type": "other", "data": _plain(step)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def _shallow(value: Any, depth: int = 0) -> Any:
    """``value`` if it nests no deeper than a Rasa step does; a 422 otherwise."""
    if depth > 6:
        raise StudioError("A step is nested too deeply.")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise StudioError("Step keys must be short text.")
            _shallow(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _shallow(item, depth + 1)
    return value


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _NAME_RE.fullmatch(value):
        raise StudioError(f"{what} {value!r} is not a valid name.")
    return value


def _slot_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return clean_text(value, "A slot value", 200) if value.strip() else value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return CommentedSeq(value)
    raise StudioError("A slot value must be text, a number, true/false, null or a list of text.")


def step_from_json(step: Any, inside_or: bool = False) -> Any:
    """The studio's JSON step as a YAML step; a 422 for anything malformed."""
    if not isinstance(step, Mapping) or not isinstance(step.get("type"), str):
        raise StudioError("Each step must be an object with a type.")
    kind = step["type"]
    node = CommentedMap()
    if inside_or and kind not in ("intent", "slot_was_set"):
        raise StudioError("An 'or' step can only choose between intents or slot values.")
    if kind == "intent":
        node["intent"] = _name(step.get("intent"), "The intent")
        if step.get("entities"):
            node["entities"] = _plain(_shallow(step["entities"]))
    elif kind == "action":
        node["action"] = _name(step.get("action"), "The action")
    elif kind == "active_loop":
        loop = step.get("loop")
        node["active_loop"] = None if loop in (None, "", "null") else _name(loop, "The form")
    elif kind == "checkpoint":
        node["checkpoint"] = clean_text(step.get("name"), "The checkpoint", 100)
    elif kind == "slot_was_set":
        slots = step.get("slots")
        if not isinstance(slots, list) or not slots:
            raise StudioError("A slot step needs at least one slot.")
        values = CommentedSeq()
        for slot in slots:
            if not isinstance(slot, Mapping):
                raise StudioError("Each slot must be an object with a name and a value.")
            name = _name(slot.get("name"), "The slot")
            if "value" in slot:
                item = CommentedMap()
                item[name] = _slot_value(slot["value"])
                values.append(item)
            else:
                values.append(name)
        node["slot_was_set"] = values
    elif kind == "or" and not inside_or:
        options = step.get("options")
        if not isinstance(options, list) or len(options) < 2:
            raise StudioError("An 'or' step needs at least two choices.")
        node["or"] = CommentedSeq(step_from_json(option, inside_or=True) for option in options)
    elif kind == "user":
        node["user"] = literal(clean_text(step.get("text"), "The user's message") + "\n")
        node["intent"] = _name(step.get("intent"), "The intent")
    elif kind == "other" and isinstance(step.get("data"), Mapping):
        if not set(step["data"]) <= set(_OTHER_KEYS):
            raise StudioError(f"A step may only have the keys {', '.join(_OTHER_KEYS)}.")
        node.update(_plain(_shallow(step["data"])))
    else:
        raise StudioError(f"Unknown step type {kind!r}.")
    return node


def _steps_from_json(steps: Any, what: str = "steps") -> list[Any]:
    if not isinstance(steps, list):
        raise StudioError(f"The {what} must be a list.")
    if len(steps) > MAX_STEPS:
        raise StudioError(f"At most {MAX_STEPS} {what}.", status=413)
    return [step_from_json(step) for step in steps]


# --------------------------------------------------------------------------- reading


def _entry(kind: str, index: int, item: Mapping[str, Any]) -> dict[str, Any]:
    entry = {
        "kind": kind,
        "index": index,
        "name": str(item.get(kind, "")),
        "steps": [step_to_json(step) for step in item.get("steps") or []],
    }
    if kind == "rule":
        entry["condition"] = [step_to_json(step) for step in item.get("condition") or []]
        entry["wait_for_user_input"] = item.get("wait_for_user_input", True)
        entry["conversation_start"] = bool(item.get("conversation_start", False))
    return entry


def list_stories(root: Path) -> dict[str, Any]:
    """Every rule and story, and what the editor offers to pick from the domain."""
    items = []
    for kind, (rel, key) in KINDS.items():
        for index, item in enumerate((read_data(root, rel) or {}).get(key) or []):
            if isinstance(item, Mapping):
                items.append(_entry(kind, index, item))
    domain = read_data(root, DOMAIN) or {}
    intents = [
        next(iter(i)) if isinstance(i, Mapping) else str(i) for i in domain.get("intents") or []
    ]
    return {
        "items": items,
        "templates": templates(),
        "intents": intents,
        "actions": [
            *(domain.get("responses") or {}),
            *(domain.get("actions") or []),
            *(domain.get("forms") or {}),
        ],
        "forms": list(domain.get("forms") or {}),
        "slots": list(domain.get("slots") or {}),
        "versions": versions(root, [RULES, STORIES, DOMAIN]),
    }


# --------------------------------------------------------------------------- writing


def _kind(kind: Any) -> tuple[str, str, str]:
    if kind not in KINDS:
        raise StudioError("kind must be 'rule' or 'story'.")
    rel, key = KINDS[kind]
    return kind, rel, key


def _items(change: Change, rel: str, key: str) -> Any:
    data = change.changes(rel)
    if data.get(key) is None:
        data[key] = CommentedSeq()
    return data[key]


def _reuse(old_nodes: Sequence[Any], new_nodes: list[Any]) -> CommentedSeq:
    """New steps, reusing the old YAML node of every step that did not change."""
    unused = list(old_nodes)
    result = CommentedSeq()
    for node in new_nodes:
        plain = _plain(node)
        match = next((old for old in unused if _plain(old) == plain), None)
        if match is not None:
            unused.remove(match)
            result.append(match)
        else:
            result.append(node)
    return result


def _fill(item: Any, kind: str, body: Mapping[str, Any]) -> None:
    new_steps = _steps_from_json(body.get("steps"))
    if not new_steps:
        raise StudioError(f"A {kind} needs at least one step.")
    item["steps"] = _reuse(item.get("steps") or [], new_steps)
    if kind != "rule":
        return
    condition = _steps_from_json(body.get("condition") or [], "condition steps")
    for step in condition:
        if not set(step) <= {"active_loop", "slot_was_set"}:
            raise StudioError("A rule's condition may only hold form and slot steps.")
    if condition:
        if "condition" in item:
            item["condition"] = _reuse(item["condition"], condition)
        else:
            item.insert(1, "condition", CommentedSeq(condition))
    elif "condition" in item:
        del item["condition"]
    wait = body.get("wait_for_user_input", True)
    if not isinstance(wait, bool):
        raise StudioError("wait_for_user_input must be true or false.")
    if wait:
        item.pop("wait_for_user_input", None)
    else:
        item["wait_for_user_input"] = False


def _clean_name(value: Any) -> str:
    return clean_text(value, "The name", MAX_NAME_CHARS)


def create(
    root: Path, body: Mapping[str, Any], expected: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """A new rule or story (``body``: kind, name, steps, condition, wait_for_user_input)."""
    kind, rel, key = _kind(body.get("kind"))
    name = _clean_name(body.get("name"))

    def edit(change: Change) -> dict[str, Any]:
        items = _items(change, rel, key)
        if any(isinstance(i, Mapping) and i.get(kind) == name for i in items):
            raise StudioError(f"There is already a {kind} called {name!r}.", status=409)
        item = CommentedMap()
        item[kind] = name
        _fill(item, kind, body)
        append(items, item)
        return _entry(kind, len(items) - 1, item)

    return save(root, edit, expected)


def _locate(items: Any, kind: str, index: Any, name: str) -> Any:
    if not isinstance(index, int) or not 0 <= index < len(items):
        raise StudioError(f"There is no {kind} number {index}.", status=404)
    item = items[index]
    if not isinstance(item, Mapping) or item.get(kind) != name:
        raise StudioError(
            f"The {kind} {name!r} has moved or was changed by someone else. Reload.", status=409
        )
    return item


def update(
    root: Path,
    kind: Any,
    index: Any,
    body: Mapping[str, Any],
    expected: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Replace the steps (and name, condition) of the ``index``-th rule or story; ``body``
    names the one the trainer edited (``original_name``) so a moved item is not overwritten."""
    kind, rel, key = _kind(kind)
    original = _clean_name(body.get("original_name", body.get("name")))
    name = _clean_name(body.get("name"))

    def edit(change: Change) -> dict[str, Any]:
        items = _items(change, rel, key)
        item = _locate(items, kind, index, original)
        if name != original and any(isinstance(i, Mapping) and i.get(kind) == name for i in items):
            raise StudioError(f"There is already a {kind} called {name!r}.", status=409)
        trailing = take_trailing(item)
        item[kind] = name
        _fill(item, kind, body)
        give_trailing(item, trailing)
        return _entry(kind, index, item)

    return save(root, edit, expected)


def delete(
    root: Path, kind: Any, index: Any, name: Any, expected: Mapping[str, str] | None = None
) -> tuple[None, dict[str, str]]:
    kind, rel, key = _kind(kind)
    original = _clean_name(name)

    def edit(change: Change) -> None:
        items = _items(change, rel, key)
        _locate(items, kind, index, original)
        del items[index]

    return save(root, edit, expected)


def add_test_story(
    root: Path, name: str, steps: Sequence[Mapping[str, Any]], language: str
) -> dict[str, str]:
    """Append a test story with Rasa steps (``user``+``intent``, ``action``, ``slot_was_set``,
    ``active_loop``) to ``tests/stories/test_<language>.yml``; returns the new version."""
    rel = test_file(check_language(language))
    title = _clean_name(name)
    if not isinstance(steps, Sequence) or not steps or len(steps) > MAX_STEPS:
        raise StudioError(f"A test story needs 1 to {MAX_STEPS} steps.")
    nodes = []
    for step in steps:
        if not isinstance(step, Mapping) or not set(step) & set(_STEP_KEYS):
            raise StudioError(f"Not a story step: {step!r}"[:300])
        nodes.append(step_from_json(step_to_json(step)))

    def edit(change: Change) -> None:
        items = _items(change, rel, "stories")
        if any(isinstance(i, Mapping) and i.get("story") == title for i in items):
            raise StudioError(f"There is already a test story called {title!r}.", status=409)
        item = CommentedMap()
        item["story"] = title
        item["steps"] = CommentedSeq(nodes)
        append(items, item)

    return save(root, edit)[1]
