"""Every response speaks every language of the registry; every category is acknowledged."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.settings import BUILTIN_CATEGORIES, PROJECT_ROOT
from bot.text.fold import to_cyrillic
from bot.text.language import variant_scores
from bot.text.languages import languages
from bot.text.problems import problem_cues

DOMAIN: dict[str, Any] = YAML(typ="safe").load(
    (PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8")
)
#: The customer profiles a response must have a variation for: one per registry language.
PROFILES = tuple(
    {"language": language.slot, "script": language.script} for language in languages().languages
)
#: The ``language`` slot of the default language, answered by the unconditioned variations.
DEFAULT_SLOT = languages().default_language.slot


def test_the_language_slots_take_the_registrys_values() -> None:
    slots = DOMAIN["slots"]
    assert set(slots["language"]["values"]) == set(languages().slots)
    assert slots["language"]["initial_value"] == DEFAULT_SLOT
    assert set(languages().scripts) <= set(slots["script"]["values"])


@pytest.mark.parametrize("language", languages().languages, ids=lambda language: language.code)
def test_each_language_has_variations_under_its_registry_conditions(language: Any) -> None:
    """The registry's ``response`` conditions are the ones domain.yml uses for the language."""
    found = [
        name
        for name, variations in DOMAIN["responses"].items()
        if any(
            {c["name"]: c["value"] for c in v.get("condition") or []}.items()
            >= language.conditions.items()
            for v in variations
        )
    ]
    if language.code != languages().default:
        assert found, f"no response has a variation for {language.conditions}"


def matching(variations: list[dict[str, Any]], slots: dict[str, str]) -> list[str]:
    """Texts Rasa could pick for these slots: matching conditional ones, else the defaults."""
    conditional = [
        v["text"]
        for v in variations
        if v.get("condition") and all(slots.get(c["name"]) == c["value"] for c in v["condition"])
    ]
    return conditional or [v["text"] for v in variations if not v.get("condition")]


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p['language']}-{p['script']}")
def test_each_response_has_exactly_one_text_per_language(
    name: str, profile: dict[str, str]
) -> None:
    variations = DOMAIN["responses"][name]
    extra: dict[str, str] = {}
    if name == "utter_acknowledge":
        extra = {"category": "delivery", "problem": "general"}
    if name == "utter_confirm_desired_resolution":
        extra = {"resolution_kind": "refund"}
    if name == "utter_complaint_status":
        extra = {"status_value": "open"}
    texts = matching(variations, {**profile, **extra})
    assert len(texts) == 1, f"{name} for {profile}: {texts}"
    english_default = [v["text"] for v in variations if not v.get("condition")]
    if profile["language"] != DEFAULT_SLOT:
        assert texts[0] not in english_default, f"{name} has no {profile} text"
    if profile["script"] == "cyrillic":
        assert any("\u0400" <= ch <= "\u04ff" for ch in texts[0]), texts[0]


@pytest.mark.parametrize("category", BUILTIN_CATEGORIES)
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p['language']}-{p['script']}")
def test_every_category_is_acknowledged_in_its_own_words(
    category: str, profile: dict[str, str]
) -> None:
    general = {"problem": "general"}
    texts = matching(
        DOMAIN["responses"]["utter_acknowledge"], {**profile, **general, "category": category}
    )
    assert len(texts) == 1
    others = {
        matching(
            DOMAIN["responses"]["utter_acknowledge"], {**profile, **general, "category": other}
        )[0]
        for other in BUILTIN_CATEGORIES
        if other != category
    }
    assert texts[0] not in others


PROBLEMS = [
    (category, problem)
    for category, problems in problem_cues().items()
    for problem in problems
    if problem != "general"
]


@pytest.mark.parametrize(("category", "problem"), PROBLEMS)
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p['language']}-{p['script']}")
def test_every_problem_is_acknowledged_in_its_own_words_in_every_language(
    category: str, problem: str, profile: dict[str, str]
) -> None:
    """ "It arrived broken" is acknowledged as damaged, not as "hasn't reached you"."""
    responses = DOMAIN["responses"]["utter_acknowledge"]
    texts = matching(responses, {**profile, "category": category, "problem": problem})
    assert len(texts) == 1, texts
    general = matching(responses, {**profile, "category": category, "problem": "general"})
    assert texts[0] not in general
    if profile["language"] != DEFAULT_SLOT:
        english = matching(
            responses,
            {"language": DEFAULT_SLOT, "script": "latin", "category": category, "problem": problem},
        )
        assert texts[0] not in english


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: f"{p['language']}-{p['script']}")
def test_a_category_without_problems_is_acknowledged_in_the_customers_language(
    profile: dict[str, str],
) -> None:
    """A custom category from bot.yml (``problem`` unset): the catch-all, in every language."""
    responses = DOMAIN["responses"]["utter_acknowledge"]
    texts = matching(responses, {**profile, "category": "custom_category"})
    assert len(texts) == 1
    if profile["language"] != DEFAULT_SLOT:
        assert texts[0] not in [v["text"] for v in responses if not v.get("condition")]


def test_serbian_cyrillic_transliteration() -> None:
    assert to_cyrillic("Šta možemo da uradimo za Vas?") == "Шта можемо да урадимо за Вас?"
    assert to_cyrillic("Ljubljana, njiva, džep") == "Љубљана, њива, џеп"
    assert to_cyrillic("broj {complaint_ticket} i C-4KX9TR") == "број {complaint_ticket} и C-4KX9TR"


#: Marker groups (bot/text/data/variant_markers.yml and the detector's patterns) that a
#: variant's text must not contain: the other jat reflex, and words of a variant that does
#: not use them. A text shared by several variants has to pass every one's check.
FOREIGN_MARKERS: dict[str, frozenset[str]] = {
    "hr": frozenset({"ekavian", "ekavian-form", "sr-word", "sr-bs-word", "bs-word"}),
    "bs": frozenset({"ekavian", "ekavian-form", "hr-word", "sr-word"}),
    "sr": frozenset({"ijekavian", "ijekavian-form", "hr-word", "hr-bs-word", "bs-word"}),
}


def _bcs_texts() -> list[tuple[str, str, str]]:
    """(response, language slot, text) of every Croatian, Bosnian and Serbian variation."""
    found = []
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            conditions = {c["name"]: c["value"] for c in variation.get("condition") or []}
            if conditions.get("language") in FOREIGN_MARKERS:
                found.append((name, conditions["language"], variation["text"]))
    return found


@pytest.mark.parametrize(("name", "language", "text"), _bcs_texts())
def test_a_variant_keeps_to_its_standard(name: str, language: str, text: str) -> None:
    """No ekavian form ("vreme", "uvek") in a Croatian or Bosnian text, no ijekavian one
    ("vrijeme", "uvijek") in a Serbian text, and no word only another variant uses
    ("tjedan" in Serbian, "porudžbina" in Croatian): a text shared by several variants must
    be right in each (docs/architecture.md, "One text where the standards agree")."""
    _scores, markers = variant_scores(text)
    foreign = [m for m in markers if m.split(":", 1)[0] in FOREIGN_MARKERS[language]]
    assert not foreign, f"{name} ({language}): {foreign} in {text!r}"
