"""The language registry (bot/languages.yml) and the per-language text files it checks."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.dates import format_datetime
from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from bot.store.tables import SCRIPTS
from bot.text.fold import to_cyrillic
from bot.text.language import BCS_CODES, CODES, variant_scores
from bot.text.languages import (
    REGISTRY_FILE,
    LanguageRegistryError,
    languages,
    load_registry,
    load_texts,
    parse_registry,
    parse_texts,
)
from tests.test_domain import FOREIGN_MARKERS

RAW: dict[str, Any] = YAML(typ="safe").load(REGISTRY_FILE.read_text(encoding="utf-8"))


def test_the_project_registry() -> None:
    registry = languages()
    assert registry.codes == ("en", "hr", "bs", "sr_latn", "sr_cyrl")
    assert registry.slots == ("en", "hr", "bs", "sr")
    assert registry.scripts == ("latin", "cyrillic")
    assert registry.default_language.name == "English"
    assert [language.code for language in registry.languages if language.bcs] == [
        "hr",
        "bs",
        "sr_latn",
        "sr_cyrl",
    ]
    assert registry.get("sr_cyrl").conditions == {"language": "sr", "script": "cyrillic"}


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("hr-HR", "hr"),
        ("HR", "hr"),
        ("bs-BA", "bs"),
        ("sr", "sr_latn"),
        ("sr-Latn-RS", "sr_latn"),
        ("sr-Cyrl-RS", "sr_cyrl"),
        ("sr_cyrl", "sr_cyrl"),
        ("en-US", "en"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
        (3, "en"),
        ("x" * 10_000, "en"),
    ],
)
def test_a_browser_tag_finds_its_language(tag: object, code: str) -> None:
    assert languages().for_tag(tag).code == code


@pytest.mark.parametrize(
    ("slot", "script", "code"),
    [
        ("sr", "cyrillic", "sr_cyrl"),
        ("sr", "latin", "sr_latn"),
        ("sr", None, "sr_latn"),
        ("hr", "cyrillic", "hr"),  # no Cyrillic Croatian: answered in Latin
        ("xx", "latin", "en"),
        (None, None, "en"),
    ],
)
def test_the_slots_find_their_language(slot: object, script: object, code: str) -> None:
    assert languages().for_slots(slot, script).code == code


def test_texts_follow_the_fallbacks_and_transliterate() -> None:
    registry = languages()
    texts = {"en": "Sorry", "sr_latn": "Izvinite, šta?"}
    assert registry.text(texts, registry.get("sr_cyrl")) == to_cyrillic("Izvinite, šta?")
    assert registry.text(texts, registry.get("hr")) == "Sorry"
    assert registry.text({**texts, "sr_cyrl": "Own"}, registry.get("sr_cyrl")) == "Own"
    with pytest.raises(KeyError):
        registry.text({"hr": "x"}, registry.get("bs"))


@pytest.mark.parametrize("language", languages().languages, ids=lambda item: item.code)
def test_each_language_has_a_babel_locale_data_and_a_script_the_database_takes(
    language: Any,
) -> None:
    Locale.parse(language.locale)
    when = datetime(2026, 11, 23, 14, 5, tzinfo=timezone.utc)
    assert "2026" in format_datetime(when, language.date_pattern, locale=language.locale)
    # The complaints table CHECKs the script: a new script needs a migration.
    assert language.script in SCRIPTS
    assert (PROJECT_ROOT / f"data/nlu/{language.code}.yml").is_file()
    assert (PROJECT_ROOT / f"tests/stories/test_{language.code}.yml").is_file()


def _broken(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(RAW)
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["languages"][1].pop("locale"), "locale"),
        (lambda d: d["languages"][1].update(colour="red"), "colour"),
        (lambda d: d["languages"][1].update(code="Croatian!"), "code"),
        (lambda d: d["languages"][1].update(bcs="yes"), "bcs"),
        (lambda d: d["languages"][1].update(response={"language": "sr"}), "response"),
        (lambda d: d["languages"][2].update(code="hr"), "duplicate codes: hr"),
        (lambda d: d["languages"][1].update(fallback="de"), "unknown fallback 'de'"),
        (lambda d: d["languages"][0].update(fallback="hr"), "default language has no fallback"),
        (
            lambda d: (
                d["languages"][1].update(fallback="bs"),
                d["languages"][2].update(fallback="hr"),
            ),
            "circle",
        ),
        (lambda d: d.update(default="de"), "default 'de'"),
        (lambda d: d["languages"][3].update(transliterate=True), "transliterate"),
        (lambda d: d["languages"][2].update(slot="hr", response={"language": "hr"}), "slot"),
        (lambda d: d.update(languages="en"), "languages"),
    ],
)
def test_a_malformed_registry_is_refused_with_the_field_named(edit: Any, message: str) -> None:
    with pytest.raises(LanguageRegistryError, match="malformed") as refused:
        parse_registry(_broken(edit), "bot/languages.yml")
    assert message in str(refused.value)
    assert "bot/languages.yml" in str(refused.value)


@pytest.mark.parametrize("content", ["", "[1, 2]", "languages: [\n", "\x00\x01binary"])
def test_an_unreadable_registry_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "languages.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LanguageRegistryError, match=str(path)):
        load_registry(path)


def test_a_registry_file_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "languages.yml"
    path.write_text(REGISTRY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_registry(path) is load_registry(path)
    assert load_registry(path) == languages()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"empty": {"en": "x", "de": "y"}}, "'de' is not a language"),
        ({"empty": {"hr": "x"}}, "no text for the default language en"),
        ({"empty": {"en": ""}}, "is not a text"),
        ({"empty": {"en": 3}}, "is not a text"),
        ({"empty": "text"}, "not a mapping"),
        ([], "expected a mapping"),
    ],
)
def test_a_malformed_text_file_is_refused(data: object, message: str) -> None:
    with pytest.raises(LanguageRegistryError, match=message):
        parse_texts(data, languages(), "refusals.yml")


@pytest.mark.parametrize(
    "rel", ["bot/web/i18n/refusals.yml", "bot/ops/apologies.yml"], ids=lambda rel: rel
)
def test_every_text_file_reaches_every_language(rel: str) -> None:
    """Each message resolves for each registry language, in the language's own script."""
    registry = languages()
    for message, texts in load_texts(PROJECT_ROOT / rel).items():
        for language in registry.languages:
            text = registry.text(texts, language)
            cyrillic = any("\u0400" <= char <= "\u04ff" for char in text)
            assert cyrillic == (language.script == "cyrillic"), (message, language.code)
            if language.code != registry.default:
                assert text != texts[registry.default], (message, language.code)


@pytest.mark.parametrize(
    "rel", ["bot/web/i18n/refusals.yml", "bot/ops/apologies.yml"], ids=lambda rel: rel
)
def test_a_text_files_variants_keep_to_their_standards(rel: str) -> None:
    """The rule of tests/test_domain.py for the texts outside domain.yml: no ekavian form in a
    Croatian or Bosnian text, no ijekavian one in a Serbian text, no other variant's words."""
    registry = languages()
    for message, texts in load_texts(PROJECT_ROOT / rel).items():
        for code, text in texts.items():
            language = registry.get(code)
            if not language.bcs:
                continue
            _scores, markers = variant_scores(text)
            foreign = [m for m in markers if m.split(":", 1)[0] in FOREIGN_MARKERS[language.slot]]
            assert not foreign, (rel, message, code, foreign)


def test_the_detector_speaks_the_registrys_languages() -> None:
    """The detector (code, not data) emits registry slot values only, and knows the BCS family
    exactly as the registry marks it: the two cannot drift apart unnoticed."""
    registry = languages()
    assert set(CODES) <= set(registry.slots)
    assert set(BCS_CODES) == {language.slot for language in registry.languages if language.bcs}


def test_the_widget_labels_cover_every_language() -> None:
    """``bot/web/i18n/widget.json`` is keyed by registry tags; every language finds labels."""
    path = PROJECT_ROOT / "bot/web/i18n/widget.json"
    if not path.exists():
        pytest.skip("bot/web/i18n/widget.json (the widget's labels) is not in this checkout")
    registry = languages()
    by_tag = json.loads(path.read_text(encoding="utf-8"))
    by_code = {registry.for_tag(tag).code: labels for tag, labels in by_tag.items()}
    assert {registry.get(code).tag for code in by_code} == set(by_tag)
    for language in registry.languages:
        labels = [
            by_code[source.code]
            for source in registry.chain(language.code)
            if source.code in by_code
        ]
        assert labels and set(labels[0]) == set(by_code[registry.default]), language.code
