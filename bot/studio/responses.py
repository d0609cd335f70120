"""The bot's responses in ``domain.yml``: conditional variations per language and script.

A variation's language comes from its slot conditions, as the language registry
(``bot/languages.yml``) names them: none (or ``language: en``) is the default language,
English; ``language: hr`` / ``bs`` Croatian / Bosnian, ``language: sr`` with ``script: latin``
or ``cyrillic`` Serbian in that script. Any other slot conditions (e.g. ``category: delivery``)
make a *case*; a response is complete when every case has every language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    read_data,
    save,
    versions,
)
from bot.studio.training_examples import clean_text
from bot.studio.yamlio import insert, put, quoted
from bot.text.languages import languages

RESPONSE_RE = re.compile(r"utter_[a-z0-9_]{1,60}")
MAX_RESPONSE_CHARS = 1000
_SLOT_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
#: The slot conditions of each language key (the order they are written in), from the registry.
LANGUAGE_CONDITIONS: dict[str, tuple[tuple[str, str], ...]] = {
    language.code: language.response for language in languages().languages
}


def check_response_name(name: Any) -> str:
    if not isinstance(name, str) or not RESPONSE_RE.fullmatch(name):
        raise StudioError(
            "A response name starts with utter_ followed by lower-case letters, digits and "
            "underscores (e.g. utter_acknowledge_packaging)."
        )
    return name


def _conditions(variant: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for condition in variant.get("condition") or []:
        if isinstance(condition, Mapping):
            kind = condition.get("type", "slot")
            name = str(condition.get("name"))
            key = name if kind == "slot" else f"{kind}:{name}"
            found[key] = "null" if condition.get("value") is None else str(condition["value"])
    return found


def language_of(conditions: Mapping[str, str]) -> str | None:
    """The language key of a variation, or None when its conditions name no known one."""
    registry = languages()
    wanted = {key: conditions[key] for key in ("language", "script") if key in conditions}
    wanted.setdefault("language", registry.default_language.slot)
    for language in registry.languages:
        if language.conditions == wanted:
            return language.code
    return None


def case_of(conditions: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in conditions.items() if key not in ("language", "script")}


def _case_label(case: Mapping[str, str]) -> str:
    return ", ".join(f"{key} = {value}" for key, value in sorted(case.items()))


def describe(name: str, variants: Any) -> dict[str, Any]:
    """A response as the studio shows it: its variations and the languages each case lacks."""
    shown: list[dict[str, Any]] = []
    cases: dict[str, dict[str, Any]] = {}
    for index, variant in enumerate(variants or []):
        if not isinstance(variant, Mapping):
            continue
        conditions = _conditions(variant)
        case = case_of(conditions)
        language = language_of(conditions)
        label = _case_label(case)
        cases.setdefault(label, {"case": case, "label": label, "languages": set()})
        if language:
            cases[label]["languages"].add(language)
        shown.append(
            {
                "index": index,
                "language": language,
                "conditions": conditions,
                "case": case,
                "case_label": label,
                "text": variant.get("text"),
                "other": sorted(key for key in variant if key not in ("text", "condition")),
            }
        )
    # With cases (e.g. one per complaint category), the variation without one is the
    # catch-all Rasa falls back on when no case matches: its missing languages are shown, but
    # not flagged as missing, when every case has every language.
    has_cases = any(label for label in cases)
    summary = []
    for item in cases.values():
        lacking = [lang for lang in LANGUAGES if lang not in item["languages"]]
        fallback = has_cases and not item["label"]
        summary.append(
            {
                "case": item["case"],
                "label": item["label"],
                "fallback": fallback,
                "untranslated": lacking,
                "missing": [] if fallback else lacking,
            }
        )
    return {
        "name": name,
        "variants": shown,
        "cases": summary,
        "missing": sorted({lang for item in summary for lang in item["missing"]}),
    }


def list_responses(root: Path) -> dict[str, Any]:
    responses = (read_data(root, DOMAIN) or {}).get("responses") or {}
    return {
        "responses": [describe(name, variants) for name, variants in responses.items()],
        "languages": list(LANGUAGES),
        "language_names": dict(LANGUAGE_NAMES),
        "versions": versions(root, [DOMAIN]),
    }


def _clean_case(case: Any) -> dict[str, str]:
    if case in (None, ""):
        return {}
    if not isinstance(case, Mapping):
        raise StudioError("The case must be an object of slot names and values.")
    cleaned = {}
    for key, value in case.items():
        if not isinstance(key, str) or not _SLOT_RE.fullmatch(key) or key in ("language", "script"):
            raise StudioError(f"{key!r} is not a slot name a case can use.")
        cleaned[key] = clean_text(value, f"The value of {key}", 100)
    return cleaned


def _new_variant(language: str, case: Mapping[str, str], text: str, bare_english: bool) -> Any:
    variant = CommentedMap()
    pairs = (
        []
        if (language == languages().default and not case and bare_english)
        else [
            *LANGUAGE_CONDITIONS[language],
            *case.items(),
        ]
    )
    if pairs:
        conditions = CommentedSeq()
        for name, value in pairs:
            condition = CommentedMap()
            condition["type"] = "slot"
            condition["name"] = name
            condition["value"] = value
            conditions.append(condition)
        variant["condition"] = conditions
    variant["text"] = quoted(text)
    return variant


def _responses(change: Change) -> Any:
    domain = change.changes(DOMAIN)
    if domain.get("responses") is None:
        domain["responses"] = CommentedMap()
    return domain["responses"]


def set_response(
    root: Path,
    name: Any,
    language: str,
    text: Any,
    case: Any = None,
    index: int | None = None,
    expected: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Set the text of the ``index``-th variation, or of the first one for ``language`` and
    ``case`` (added when there is none)."""
    check_response_name(name)
    check_language(language)
    new_text = clean_text(text, "The response text", MAX_RESPONSE_CHARS)
    wanted = _clean_case(case)

    def edit(change: Change) -> dict[str, Any]:
        responses = _responses(change)
        if name not in responses:
            raise StudioError(f"There is no response {name!r}.", status=404)
        slots = change.doc(DOMAIN).get("slots") or {}
        for slot in wanted:
            if slot not in slots:
                raise StudioError(f"There is no slot {slot!r} for a variation to depend on.")
        variants = responses[name]
        if index is not None:
            if not isinstance(index, int) or not 0 <= index < len(variants):
                raise StudioError(f"{name} has no variation number {index}.", status=404)
            variants[index]["text"] = quoted(new_text)
            return describe(name, variants)
        position = None
        for i, variant in enumerate(variants):
            conditions = _conditions(variant)
            if case_of(conditions) == wanted:
                position = i + 1
                if language_of(conditions) == language:
                    variant["text"] = quoted(new_text)
                    return describe(name, variants)
        bare = any(not variant.get("condition") for variant in variants)
        variant = _new_variant(language, wanted, new_text, bare or not variants)
        insert(variants, len(variants) if position is None else position, variant)
        return describe(name, variants)

    return save(root, edit, expected)


def delete_variant(
    root: Path, name: Any, index: Any, expected: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    check_response_name(name)

    def edit(change: Change) -> dict[str, Any]:
        responses = _responses(change)
        variants = responses.get(name)
        if variants is None:
            raise StudioError(f"There is no response {name!r}.", status=404)
        if not isinstance(index, int) or not 0 <= index < len(variants):
            raise StudioError(f"{name} has no variation number {index}.", status=404)
        if len(variants) == 1:
            raise StudioError("A response needs at least one variation.")
        del variants[index]
        return describe(name, variants)

    return save(root, edit, expected)


def add_response(
    root: Path,
    name: Any,
    texts: Mapping[str, Any],
    expected: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """A new response with one text per language (English, unconditioned, is required)."""
    check_response_name(name)
    if not isinstance(texts, Mapping):
        raise StudioError("Send the texts as an object of language -> text.")
    cleaned = {
        check_language(language): clean_text(text, f"The {language} text", MAX_RESPONSE_CHARS)
        for language, text in texts.items()
        if text not in (None, "")
    }
    default = languages().default_language
    if default.code not in cleaned:
        raise StudioError(f"A new response needs at least its {default.name} text.")

    def edit(change: Change) -> dict[str, Any]:
        responses = _responses(change)
        if name in responses:
            raise StudioError(f"The response {name!r} already exists.", status=409)
        variants = CommentedSeq()
        for language in LANGUAGES:
            if language in cleaned:
                variants.append(_new_variant(language, {}, cleaned[language], True))
        put(responses, name, variants)
        return describe(name, variants)

    return save(root, edit, expected)
