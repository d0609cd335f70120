"""Which files make up the Rasa project the studio edits, and the languages they come in."""

from __future__ import annotations

from bot.studio.errors import StudioError
from bot.text.languages import languages

#: The language keys of the NLU and test-story files (``data/nlu/<key>.yml``): the codes of
#: the language registry (``bot/languages.yml``).
LANGUAGES: tuple[str, ...] = languages().codes
LANGUAGE_NAMES: dict[str, str] = languages().names
DOMAIN = "domain.yml"
CONFIG = "config.yml"
RULES = "data/rules.yml"
STORIES = "data/stories.yml"
#: Files the validator reads besides the NLU files.
CORE_FILES: tuple[str, ...] = (DOMAIN, CONFIG, RULES, STORIES)
LOCK_FILE = "var/studio/project.lock"
def nlu_file(language: str) -> str:
    return f"data/nlu/{check_language(language)}.yml"


def test_file(language: str) -> str:
    return f"tests/stories/test_{check_language(language)}.yml"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise StudioError(f"Unknown language {language!r}; use one of {', '.join(LANGUAGES)}.")
    return language


def nlu_files() -> list[str]:
    return [f"data/nlu/{language}.yml" for language in LANGUAGES]


def project_files() -> list[str]:
    """Every file of the project that the studio reads, validates or writes."""
    return [*CORE_FILES, *nlu_files(), *(f"tests/stories/test_{lang}.yml" for lang in LANGUAGES)]
