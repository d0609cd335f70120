"""The language registry: ``bot/languages.yml``, loaded once, checked, typed.

Everything language-specific derives from it: the domain checks, the texts per language
(:func:`load_texts` for the refusals, the apology, the widget's labels), the deadline's date
locale, the studio's language list and the values the complaint store accepts.

A *language* here is one language in one script, as the customer reads it (``sr_latn`` and
``sr_cyrl`` are two). Its ``slot`` is what the ``language`` slot, the detector and the database
hold (``sr`` for both).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Extra, StrictBool, ValidationError, constr, validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.text.fold import to_cyrillic

REGISTRY_FILE = Path(__file__).resolve().parent.parent / "languages.yml"

_CODE = r"^[a-z]{2,3}(_[a-z0-9]{2,8})?$"
_WORD = r"^[a-z][a-z0-9_]{0,31}$"


class LanguageRegistryError(ValueError):
    """The registry or a per-language text file is malformed; the message names file and field."""


@dataclass(frozen=True)
class Language:
    """One registry entry (see the comments at the top of ``bot/languages.yml``)."""

    code: str
    name: str
    native_name: str
    tag: str
    slot: str
    script: str
    response: tuple[tuple[str, str], ...]
    locale: str
    date_pattern: str
    fallback: str | None
    transliterate: bool
    bcs: bool

    @property
    def conditions(self) -> dict[str, str]:
        """The slot conditions of this language's response variations in ``domain.yml``."""
        return dict(self.response)


class _Entry(BaseModel):
    code: constr(strict=True, regex=_CODE)  # type: ignore[valid-type]
    name: constr(strict=True, min_length=1, max_length=80)  # type: ignore[valid-type]
    native_name: constr(strict=True, min_length=1, max_length=80)  # type: ignore[valid-type]
    tag: constr(strict=True, regex=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # type: ignore[valid-type]
    slot: constr(strict=True, regex=r"^[a-z]{2,3}$")  # type: ignore[valid-type]
    script: constr(strict=True, regex=_WORD)  # type: ignore[valid-type]
    response: dict[constr(strict=True, regex=_WORD), constr(strict=True, min_length=1)]  # type: ignore[valid-type]
    locale: constr(strict=True, regex=r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})*$")  # type: ignore[valid-type]
    date_pattern: constr(strict=True, min_length=1, max_length=80)  # type: ignore[valid-type]
    fallback: constr(strict=True, regex=_CODE) | None = None  # type: ignore[valid-type]
    transliterate: StrictBool = False
    bcs: StrictBool = False

    class Config:
        extra = Extra.forbid

    @validator("response")
    def _names_its_slot(cls, value: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
        if "slot" in values and value.get("language") != values["slot"]:
            raise ValueError("must contain `language: <slot>`")
        if "script" in value and value["script"] != values.get("script"):
            raise ValueError("may only name the entry's own script")
        return value


class _File(BaseModel):
    default: constr(strict=True, regex=_CODE)  # type: ignore[valid-type]
    languages: list[_Entry]

    class Config:
        extra = Extra.forbid


@dataclass(frozen=True)
class Registry:
    """The languages, in the order the studio and the docs show them."""

    default: str
    languages: tuple[Language, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def slots(self) -> tuple[str, ...]:
        """The distinct values of the ``language`` slot, in registry order."""
        return tuple(dict.fromkeys(language.slot for language in self.languages))

    @property
    def scripts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(language.script for language in self.languages))

    @property
    def names(self) -> dict[str, str]:
        return {language.code: language.name for language in self.languages}

    @property
    def default_language(self) -> Language:
        return self.get(self.default)

    def get(self, code: str) -> Language:
        for language in self.languages:
            if language.code == code:
                return language
        raise KeyError(code)

    def for_slots(self, slot: object, script: object = None) -> Language:
        """The entry for the ``language`` and ``script`` slots: the exact one, else the first
        with that slot (Croatian written in Cyrillic is answered in Latin), else the default."""
        same_slot = [language for language in self.languages if language.slot == slot]
        exact = [language for language in same_slot if language.script == script]
        return (exact or same_slot or [self.default_language])[0]

    def for_tag(self, tag: object) -> Language:
        """The entry for a language tag from a browser or a client (``hr-HR``,
        ``sr-Cyrl-RS``, ``sr_cyrl``); the default for anything else."""
        if not isinstance(tag, str) or not tag.strip():
            return self.default_language
        wanted = tag.strip().lower().replace("_", "-")
        for language in self.languages:
            if wanted in (language.tag.lower(), language.code.replace("_", "-")):
                return language
        subtags = wanted.split("-")
        scripts = {part for part in subtags[1:] if len(part) == 4}
        same = [
            language
            for language in self.languages
            if language.tag.lower().split("-")[0] == subtags[0]
        ]
        exact = [
            language for language in same if scripts & set(language.tag.lower().split("-")[1:])
        ]
        return (exact or same or [self.default_language])[0]

    def chain(self, code: str) -> tuple[Language, ...]:
        """``code``'s entry, then its fallbacks, ending with the default language."""
        found = [self.get(code)]
        while found[-1].fallback is not None:
            found.append(self.get(found[-1].fallback))
        if found[-1].code != self.default:
            found.append(self.default_language)
        return tuple(found)

    def text(self, texts: Mapping[str, str], language: Language) -> str:
        """The text for ``language`` from a code -> text map, following the fallbacks; a
        Latin text inherited by a ``transliterate`` entry is written in Cyrillic."""
        for source in self.chain(language.code):
            if source.code in texts:
                text = texts[source.code]
                if language.transliterate and source.script != language.script:
                    return to_cyrillic(text)
                return text
        raise KeyError(f"no text for {language.code} or the default {self.default}")


def _check(registry: Registry) -> None:
    codes = registry.codes
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise ValueError(f"duplicate codes: {', '.join(sorted(duplicates))}")
    if registry.default not in codes:
        raise ValueError(f"default {registry.default!r} is not one of the languages")
    if registry.default_language.fallback is not None:
        raise ValueError("the default language has no fallback")
    pairs = [(language.slot, language.script) for language in registry.languages]
    if len(set(pairs)) != len(pairs):
        raise ValueError("two languages share the same slot and script")
    conditions = [language.response for language in registry.languages]
    if len(set(conditions)) != len(conditions):
        raise ValueError("two languages share the same response conditions")
    for language in registry.languages:
        seen = [language.code]
        current = language
        while current.fallback is not None:
            if current.fallback not in codes:
                raise ValueError(f"{current.code}: unknown fallback {current.fallback!r}")
            if current.fallback in seen:
                raise ValueError(f"{language.code}: the fallbacks go round in a circle")
            seen.append(current.fallback)
            current = registry.get(current.fallback)
        if language.transliterate and not (
            language.script == "cyrillic"
            and language.fallback is not None
            and registry.get(language.fallback).script == "latin"
        ):
            raise ValueError(
                f"{language.code}: transliterate needs script cyrillic and a Latin fallback"
            )


def parse_registry(data: object, source: str = "the language registry") -> Registry:
    """A :class:`Registry` from the parsed YAML; :class:`LanguageRegistryError` if malformed."""
    try:
        parsed = _File.parse_obj(data)
    except ValidationError as error:
        raise LanguageRegistryError(f"{source} is malformed:\n{error}") from None
    registry = Registry(
        default=parsed.default,
        languages=tuple(
            Language(**{**entry.dict(), "response": tuple(entry.response.items())})
            for entry in parsed.languages
        ),
    )
    try:
        _check(registry)
    except ValueError as error:
        raise LanguageRegistryError(f"{source} is malformed: {error}") from None
    return registry


def _read_yaml(path: Path) -> object:
    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise LanguageRegistryError(f"{path} cannot be read: {error}") from None


@cache
def load_registry(path: Path = REGISTRY_FILE) -> Registry:
    """The registry in ``path`` (``bot/languages.yml``), read once per path."""
    return parse_registry(_read_yaml(path), str(path))


def languages() -> Registry:
    """The project's registry."""
    return load_registry(REGISTRY_FILE)


def parse_texts(data: object, registry: Registry, source: str) -> dict[str, dict[str, str]]:
    """Texts per message and language (``message -> code -> text``), checked: every code is a
    registry code and every message has the default language's text."""
    if not isinstance(data, Mapping) or not data:
        raise LanguageRegistryError(f"{source}: expected a mapping of message -> code -> text")
    texts: dict[str, dict[str, str]] = {}
    for message, by_code in data.items():
        if not isinstance(message, str) or not isinstance(by_code, Mapping):
            raise LanguageRegistryError(f"{source}: {message!r} is not a mapping of code -> text")
        for code, text in by_code.items():
            if code not in registry.codes:
                raise LanguageRegistryError(
                    f"{source}: {message}: {code!r} is not a language of the registry"
                )
            if not isinstance(text, str) or not text.strip():
                raise LanguageRegistryError(f"{source}: {message}.{code} is not a text")
        if registry.default not in by_code:
            raise LanguageRegistryError(
                f"{source}: {message} has no text for the default language {registry.default}"
            )
        texts[message] = {str(code): str(text) for code, text in by_code.items()}
    return texts


def load_texts(path: Path, registry: Registry | None = None) -> dict[str, dict[str, str]]:
    """A per-language text file (e.g. ``bot/web/i18n/refusals.yml``), checked against the
    registry: ``message -> code -> text``."""
    return parse_texts(_read_yaml(path), registry or languages(), str(path))
