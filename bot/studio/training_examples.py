"""Intents and their examples, per language (``data/nlu/<language>.yml``) and in the domain.

Examples are stored as Rasa writes them: one ``- text`` line of an intent's ``examples: |``
block, entities marked up as ``[text](entity)``. The studio takes either that markup or plain
text with character spans (``{"start", "end", "entity"}``) and writes the markup.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.studio.errors import StudioError
from bot.studio.project import (
    DOMAIN,
    LANGUAGE_NAMES,
    LANGUAGES,
    Change,
    check_language,
    nlu_file,
    nlu_files,
    read_data,
    save,
    versions,
)
from bot.studio.yamlio import append, literal
from bot.text.clean import one_line

MAX_EXAMPLE_CHARS = 500
INTENT_RE = re.compile(r"[a-z][a-z0-9_]{1,63}")
EVALUATION_FILE = "var/studio/evaluations/latest.json"


# --------------------------------------------------------------------------- markup


def parse_example(markup: str) -> dict[str, Any]:
    """``{"text": markup, "plain": text, "entities": [{start, end, value, entity}]}``."""
    # heavy: importing Rasa's NLU training-data code loads Rasa (seconds) for every studio import
    from rasa.shared.nlu.training_data.entities_parser import (
        find_entities_in_training_example,
        replace_entities,
    )

    try:
        entities = find_entities_in_training_example(markup)
        plain = replace_entities(markup)
    except Exception as problem:  # Rasa raises on malformed entity JSON
        raise StudioError(f"The entity markup of {markup!r} is malformed: {problem}") from problem
    return {"text": markup, "plain": plain, "entities": entities}


def _plain(markup: str) -> str:
    return parse_example(markup)["plain"] if "[" in markup else markup


def to_markup(plain: str, entities: Sequence[Mapping[str, Any]]) -> str:
    """Plain text with entity spans as Rasa markup: ``paket [ORD-1](order_ref) kasni``."""
    spans = []
    for entity in entities:
        if not isinstance(entity, Mapping):
            raise StudioError("Each entity must be an object with start, end and entity.")
        start, end, name = entity.get("start"), entity.get("end"), entity.get("entity")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(name, str)):
            raise StudioError("Each entity needs whole-number start and end and an entity name.")
        if not 0 <= start < end <= len(plain) or not plain[start:end].strip():
            raise StudioError(f"The entity span {start}-{end} is not inside the text.")
        spans.append((start, end, name))
    spans.sort()
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise StudioError("Marked entities may not overlap.")
    out, cursor = [], 0
    for start, end, name in spans:
        out += [plain[cursor:start], f"[{plain[start:end]}]({name})"]
        cursor = end
    out.append(plain[cursor:])
    return "".join(out)


def clean_text(value: Any, what: str = "The example", limit: int = MAX_EXAMPLE_CHARS) -> str:
    """A one-line, non-empty, not too long text; a 4xx refusal otherwise."""
    if not isinstance(value, str):
        raise StudioError(f"{what} must be text.")
    if len(value) > limit:
        raise StudioError(f"{what} is longer than {limit} characters.", status=413)
    if "\n" in value.strip() or "\r" in value.strip():
        raise StudioError(f"{what} must be a single line.")
    text = one_line(value)
    if not text:
        raise StudioError(f"{what} is empty.")
    return text


def check_intent_name(name: Any) -> str:
    if not isinstance(name, str) or not INTENT_RE.fullmatch(name):
        raise StudioError(
            "An intent name is 2-64 lower-case letters, digits and underscores, "
            "starting with a letter (e.g. complain_packaging)."
        )
    return name


def _domain_intents(domain: Mapping[str, Any] | None) -> list[str]:
    names = []
    for item in (domain or {}).get("intents") or []:
        names.append(next(iter(item)) if isinstance(item, Mapping) else str(item))
    return names


def _example_lines(block: Any) -> list[str]:
    return [line[2:] for line in str(block or "").splitlines() if line.startswith("- ")]


def _build_example(
    root: Path, intent: str, text: Any, entities: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    """The example as stored (markup) and parsed, after checking text and entity names."""
    cleaned = clean_text(text)
    if entities:
        if "[" in cleaned or "]" in cleaned:
            raise StudioError("Square brackets mark entities; remove them from the text.")
        cleaned = to_markup(cleaned, entities)
    parsed = parse_example(cleaned)
    if not parsed["plain"].strip():
        raise StudioError("The example is empty.")
    known = set((read_data(root, DOMAIN) or {}).get("entities") or [])
    for entity in parsed["entities"]:
        if entity["entity"] not in known:
            raise StudioError(
                f"Unknown entity {entity['entity']!r}; the domain has: {', '.join(sorted(known))}."
            )
    return parsed


# --------------------------------------------------------------------------- reading


def evaluation_scores(root: Path) -> dict[str, Any]:
    """Per-intent figures of the latest evaluation (studio-ops writes the file), or {}."""
    path = Path(root) / EVALUATION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    intents = data.get("intents") if isinstance(data, dict) else None
    if not isinstance(intents, dict):
        return {}
    return {"finished_at": data.get("finished_at"), "intents": intents}


def _examples_by_language(root: Path) -> dict[str, dict[str, list[str]]]:
    """language -> intent -> example lines (markup)."""
    found: dict[str, dict[str, list[str]]] = {}
    for language in LANGUAGES:
        by_intent: dict[str, list[str]] = {}
        for item in (read_data(root, nlu_file(language)) or {}).get("nlu") or []:
            if isinstance(item, dict) and "intent" in item:
                by_intent.setdefault(str(item["intent"]), []).extend(
                    _example_lines(item.get("examples"))
                )
        found[language] = by_intent
    return found


def list_intents(root: Path) -> dict[str, Any]:
    """Every intent of the domain with its example counts per language and its F1."""
    domain = read_data(root, DOMAIN) or {}
    examples = _examples_by_language(root)
    scores = evaluation_scores(root)
    figures = scores.get("intents", {})
    intents = []
    for name in _domain_intents(domain):
        counts = {lang: len(examples[lang].get(name, [])) for lang in LANGUAGES}
        score = figures.get(name) if isinstance(figures.get(name), dict) else None
        intents.append({"name": name, "counts": counts, "scores": score})
    return {
        "intents": intents,
        "languages": list(LANGUAGES),
        "language_names": dict(LANGUAGE_NAMES),
        "entities": list(domain.get("entities") or []),
        "evaluated_at": scores.get("finished_at"),
        "versions": versions(root, [DOMAIN, *nlu_files()]),
    }


def intent_detail(root: Path, name: str) -> dict[str, Any]:
    domain = read_data(root, DOMAIN) or {}
    if name not in _domain_intents(domain):
        raise StudioError(f"There is no intent {name!r}.", status=404)
    examples = _examples_by_language(root)
    figures = evaluation_scores(root).get("intents", {})
    return {
        "name": name,
        "examples": {
            lang: [parse_example(line) for line in examples[lang].get(name, [])]
            for lang in LANGUAGES
        },
        "scores": figures.get(name),
        "entities": list(domain.get("entities") or []),
        "versions": versions(root, [DOMAIN, *nlu_files()]),
    }


def find_intent_of(root: Path, plain: str) -> str | None:
    """The intent that already has ``plain`` as an example, in any language."""
    for by_intent in _examples_by_language(root).values():
        for intent, lines in by_intent.items():
            if any(_plain(line) == plain for line in lines):
                return intent
    return None


# --------------------------------------------------------------------------- writing


def _intent_block(change: Change, language: str, intent: str, create: bool) -> Any:
    """The ``- intent: X`` item of the language's file (appended when ``create``)."""
    data = change.changes(nlu_file(language))
    if data.get("nlu") is None:
        data["nlu"] = CommentedSeq()
    for item in data["nlu"]:
        if isinstance(item, Mapping) and item.get("intent") == intent:
            return item
    if not create:
        raise StudioError(f"{intent!r} has no examples in {language}.", status=404)
    item = CommentedMap()
    item["intent"] = intent
    item["examples"] = literal("")
    append(data["nlu"], item)
    return item


def _set_lines(item: Any, lines: list[str]) -> None:
    """Replace the example lines of an ``examples: |`` block, keeping any other lines."""
    item["examples"] = literal("".join(f"- {line}\n" for line in lines))


def _require_intent(change: Change, intent: str) -> None:
    if intent not in _domain_intents(read_data(change.root, DOMAIN)):
        raise StudioError(f"There is no intent {intent!r}; add it first.", status=404)


def _refuse_duplicate(root: Path, plain: str, intent: str, ignore: str | None = None) -> None:
    owner = find_intent_of(root, plain)
    if owner is not None and plain != ignore:
        where = "this intent" if owner == intent else f"the intent {owner!r}"
        raise StudioError(f"{plain!r} is already an example of {where}.", status=409)


def add_example(
    root: Path,
    intent: str,
    text: Any,
    language: str,
    entities: Sequence[Mapping[str, Any]] | None = None,
    expected: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    check_language(language)
    parsed = _build_example(root, intent, text, entities)

    def edit(change: Change) -> dict[str, Any]:
        _require_intent(change, intent)
        _refuse_duplicate(root, parsed["plain"], intent)
        item = _intent_block(change, language, intent, create=True)
        _set_lines(item, [*_example_lines(item.get("examples")), parsed["text"]])
        return parsed

    return save(root, edit, expected)


def edit_example(
    root: Path,
    intent: str,
    language: str,
    old: Any,
    text: Any,
    entities: Sequence[Mapping[str, Any]] | None = None,
    expected: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    check_language(language)
    parsed = _build_example(root, intent, text, entities)
    old_text = clean_text(old, "The example to change")

    def edit(change: Change) -> dict[str, Any]:
        item = _intent_block(change, language, intent, create=False)
        lines = _example_lines(item.get("examples"))
        if old_text not in lines:
            raise StudioError(
                f"{old_text!r} is no longer an example of {intent!r} in {language}; "
                "someone may have changed it. Reload.",
                status=409,
            )
        _refuse_duplicate(root, parsed["plain"], intent, ignore=parse_example(old_text)["plain"])
        lines[lines.index(old_text)] = parsed["text"]
        _set_lines(item, lines)
        return parsed

    return save(root, edit, expected)


def delete_example(
    root: Path,
    intent: str,
    language: str,
    text: Any,
    expected: Mapping[str, str] | None = None,
) -> tuple[None, dict[str, str]]:
    check_language(language)
    old_text = clean_text(text, "The example to delete")

    def edit(change: Change) -> None:
        data = change.doc(nlu_file(language))
        item = _intent_block(change, language, intent, create=False)
        lines = _example_lines(item.get("examples"))
        if old_text not in lines:
            raise StudioError(f"{old_text!r} is not an example of {intent!r}.", status=404)
        lines.remove(old_text)
        if lines:
            _set_lines(item, lines)
        else:
            data["nlu"].remove(item)

    return save(root, edit, expected)


def add_intent(
    root: Path,
    name: Any,
    examples: Mapping[str, Sequence[Any]] | None = None,
    expected: Mapping[str, str] | None = None,
) -> tuple[str, dict[str, str]]:
    """A new intent in the domain, with its first examples (language -> texts)."""
    intent = check_intent_name(name)
    if not any(texts for texts in (examples or {}).values()):
        raise StudioError("A new intent needs a first example of what customers write.")
    parsed = {
        check_language(language): [_build_example(root, intent, text, None) for text in texts]
        for language, texts in (examples or {}).items()
    }

    def edit(change: Change) -> str:
        domain = change.changes(DOMAIN)
        if intent in _domain_intents(domain):
            raise StudioError(f"The intent {intent!r} already exists.", status=409)
        if domain.get("intents") is None:
            domain["intents"] = CommentedSeq()
        append(domain["intents"], intent)
        for language, items in parsed.items():
            if not items:
                continue
            for example in items:
                _refuse_duplicate(root, example["plain"], intent)
            block = _intent_block(change, language, intent, create=True)
            _set_lines(block, [*_example_lines(block.get("examples")), *(e["text"] for e in items)])
        return intent

    return save(root, edit, expected)
