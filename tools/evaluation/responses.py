"""What the bot's replies were, read from ``domain.yml``: which response, which language.

The REST channel returns reply texts only. Each text is matched against every response
variant of the domain: a variant's ``{slot}`` placeholders match any text, whitespace is
compared collapsed. A variant is meant for the ``language`` and ``script`` slot values of its
``condition`` (other conditions, such as ``category``, are ignored); the variant without a
language condition is Rasa's fallback and, by the project's convention, English.

* **script followed**: the replies contain, in order, one reply per step of ``script.yml``
  (thank, acknowledge, ask), each a variant meant for the customer's language and script.
  Other replies may come before, between or after the steps.
* **reply in the customer's language**: every reply is a variant meant for the customer's
  language and script. A text that is no variant of any response (free text) counts as a
  miss, whatever its script: every reply of this bot is a domain response (ticket numbers and
  dates are filled into placeholders), so free text is a defect to look at. An item that got
  no reply at all counts as a miss too. A lenient figure counts Croatian, Bosnian and Serbian
  as one family (a Bosnian customer answered in the Croatian variant counts), still in the
  customer's script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from bot.text.fold import cyrillic_share

SCRIPT_FILE = Path(__file__).with_name("script.yml")
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"

#: Languages close enough to be one family for the lenient language figure.
FAMILY = {"hr": "bcs", "bs": "bcs", "sr": "bcs"}

_PLACEHOLDER = re.compile(r"\\\{\w+\\\}")


def squash(text: str) -> str:
    """``text`` with runs of whitespace made one space, trimmed."""
    return " ".join(text.split())


def template_pattern(text: str) -> re.Pattern[str]:
    """A response template as a pattern: ``{slot}`` placeholders match any text."""
    return re.compile(_PLACEHOLDER.sub(".+?", re.escape(squash(text))), re.DOTALL)


@dataclass(frozen=True)
class Variant:
    """One text of one response, and the language/script it is meant for (None: any)."""

    response: str
    pattern: re.Pattern[str]
    language: str | None
    script: str | None
    #: The script the text is actually written in (``latin`` or ``cyrillic``).
    written_in: str = "latin"

    def suits(self, language: str, script: str, family: bool = False) -> bool:
        """Meant for ``language`` and ``script``; with ``family``, for any language of its
        family, written in ``script``."""
        mine = self.language or "en"
        if not family:
            return mine == language and self.script in (None, script)
        same_family = FAMILY.get(mine, mine) == FAMILY.get(language, language)
        return same_family and (self.script or self.written_in) == script


def variants_of(responses: Mapping[str, Any]) -> list[Variant]:
    """Every text variant of the domain's ``responses`` with its language/script condition."""
    found = []
    for name, entries in responses.items():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
                continue
            conditions = {
                c.get("name"): c.get("value")
                for c in entry.get("condition") or []
                if isinstance(c, dict)
            }
            found.append(
                Variant(
                    str(name),
                    template_pattern(entry["text"]),
                    conditions.get("language"),
                    conditions.get("script"),
                    "cyrillic" if cyrillic_share(entry["text"]) >= 0.5 else "latin",
                )
            )
    return found


@dataclass(frozen=True)
class Step:
    name: str
    responses: tuple[str, ...]
    or_when_wish: tuple[str, ...] = ()

    def met_by(self, response: str, wish_given: bool) -> bool:
        names = self.responses + (self.or_when_wish if wish_given else ())
        return any(fnmatchcase(response, pattern) for pattern in names)


def load_steps(path: Path = SCRIPT_FILE) -> tuple[Step, ...]:
    with path.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    return tuple(
        Step(
            str(raw["name"]),
            tuple(str(r) for r in raw["responses"]),
            tuple(str(r) for r in raw.get("or_when_wish") or ()),
        )
        for raw in data["steps"]
    )


class Catalogue:
    """The domain's response variants, to recognise reply texts."""

    def __init__(self, variants: Iterable[Variant], steps: Sequence[Step]) -> None:
        self.variants = list(variants)
        self.steps = tuple(steps)

    @classmethod
    def from_domain(cls, path: Path = DOMAIN_FILE, script: Path = SCRIPT_FILE) -> Catalogue:
        with path.open(encoding="utf-8") as handle:
            domain = YAML(typ="safe").load(handle)
        return cls(variants_of(domain.get("responses") or {}), load_steps(script))

    def identify(self, text: str) -> list[Variant]:
        """The variants ``text`` is an instance of (several when variants share a text)."""
        squashed = squash(text)
        return [v for v in self.variants if v.pattern.fullmatch(squashed)]

    def responses_in(self, text: str, language: str, script: str, family: bool = False) -> set[str]:
        """The responses ``text`` is a variant of, counting only variants meant for
        ``language`` (or its family) and ``script``."""
        return {v.response for v in self.identify(text) if v.suits(language, script, family)}

    def script_followed(
        self,
        replies: Sequence[str],
        language: str,
        script: str,
        wish_given: bool = False,
        family: bool = False,
    ) -> bool:
        """Whether the replies contain the script's steps in order, in language (or, with
        ``family``, a language of its family) and script."""
        step = 0
        for text in replies:
            if step == len(self.steps):
                break
            responses = self.responses_in(text, language, script, family)
            if any(self.steps[step].met_by(r, wish_given) for r in responses):
                step += 1
        return step == len(self.steps)

    def off_language(
        self, replies: Sequence[str], language: str, script: str, family: bool = False
    ) -> list[str]:
        """The replies that are no variant meant for ``language`` and ``script``."""
        return [text for text in replies if not self.responses_in(text, language, script, family)]

    def in_language(
        self, replies: Sequence[str], language: str, script: str, family: bool = False
    ) -> bool:
        """Every reply is a variant for the customer's language (or, with ``family``, for a
        language of its family: hr, bs and sr are one) and script, and there is a reply."""
        return bool(replies) and not self.off_language(replies, language, script, family)
