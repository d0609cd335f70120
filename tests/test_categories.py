"""The built-in categories are data (bot/categories.yml), each with a one-line description, and
match the category guide (docs/categories.md) and the settings' list of built-in slugs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import (
    BUILTIN_CATEGORIES,
    PROJECT_ROOT,
    SettingsError,
    builtin_categories,
    load_settings,
)


def test_every_builtin_category_is_described_once() -> None:
    categories = builtin_categories()
    assert tuple(category.slug for category in categories) == BUILTIN_CATEGORIES
    assert all(10 < len(category.description) <= 120 for category in categories)


def test_the_guide_has_a_section_per_category() -> None:
    guide = (PROJECT_ROOT / "docs" / "categories.md").read_text(encoding="utf-8")
    assert set(re.findall(r"^### `([a-z_]+)`", guide, flags=re.MULTILINE)) == set(
        BUILTIN_CATEGORIES
    )


def test_bot_yml_adds_a_category_with_its_description(tmp_path: Path) -> None:
    settings_file = tmp_path / "bot.yml"
    settings_file.write_text(
        "categories:\n  - slug: installation\n    description: 'Fitting and assembly at home.'\n",
        encoding="utf-8",
    )
    settings = load_settings(environ={}, settings_file=settings_file)
    assert settings.category("installation").description == "Fitting and assembly at home."
    assert settings.category("delivery").description == builtin_categories()[0].description


@pytest.mark.parametrize(
    "content",
    ["- just a slug\n- 3\n", "slug: delivery\n", "- slug: delivery\n  description: [1]\n"],
)
def test_a_malformed_category_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "categories.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError):
        builtin_categories(path)
