"""Adding a language takes the registry, data and responses only.

A temporary copy of the project gets Slovenian from ``tests/fixtures/new_language/`` (its
registry entry, its response variations, a few NLU examples, its refusals, apology and widget
labels) and no code change. The copy's own domain checks and ``rasa data validate`` pass, and the
copy's unchanged code refuses, apologises, dates a deadline, stores a complaint and lists the
studio's languages for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.settings import PROJECT_ROOT
from bot.studio.yamlio import loads
from bot.text.languages import load_registry, load_texts

FIXTURE = Path(__file__).parent / "fixtures" / "new_language"
CODE = "sl"
#: What the copy needs: the code (unchanged), the Rasa project, and the domain checks.
COPIED = ("bot", "actions", "domain.yml", "config.yml", "data", "tests/test_domain.py")


def _edit_yaml(path: Path, edit: Callable[[Any], None]) -> None:
    """Edit a YAML file as the studio does (round trip: layout, comments and quotes kept)."""
    document = loads(path.read_text(encoding="utf-8"), str(path))
    edit(document.data)
    path.write_text(document.dumps(), encoding="utf-8")


def _fixture(name: str) -> Any:
    return YAML(typ="safe").load((FIXTURE / name).read_text(encoding="utf-8"))


def _copy_project(target: Path) -> Path:
    for rel in COPIED:
        source, copy = PROJECT_ROOT / rel, target / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, copy)
    return target


def _add_registry_entry(root: Path) -> None:
    entry = _fixture("language.yml")
    _edit_yaml(root / "bot/languages.yml", lambda data: data["languages"].append(entry))

    def add_slot_value(domain: Any) -> None:
        domain["slots"]["language"]["values"].append(entry["slot"])

    _edit_yaml(root / "domain.yml", add_slot_value)


def _condition(pairs: dict[str, Any]) -> CommentedSeq:
    conditions = CommentedSeq()
    for name, value in pairs.items():
        condition = CommentedMap()
        condition["type"] = "slot"
        condition["name"] = name
        condition["value"] = value
        conditions.append(condition)
    return conditions


def _add_responses(root: Path) -> None:
    variations = _fixture("responses.yml")

    def add(domain: Any) -> None:
        for name, items in variations.items():
            for item in items:
                variation = CommentedMap()
                variation["condition"] = _condition({"language": CODE, **(item.get("case") or {})})
                variation["text"] = item["text"]
                domain["responses"][name].append(variation)

    _edit_yaml(root / "domain.yml", add)


def _add_data(root: Path) -> None:
    shutil.copyfile(FIXTURE / "nlu.yml", root / f"data/nlu/{CODE}.yml")
    texts = _fixture("texts.yml")
    for rel, section in (
        ("bot/web/i18n/refusals.yml", "refusals"),
        ("bot/ops/apologies.yml", "apologies"),
    ):

        def add(data: Any, section: str = section) -> None:
            for message, text in texts[section].items():
                data[message][CODE] = text

        _edit_yaml(root / rel, add)
    labels = root / "bot/web/i18n/widget.json"
    if labels.exists():
        data = json.loads(labels.read_text(encoding="utf-8"))
        data[_fixture("language.yml")["tag"]] = texts["widget"]
        labels.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _run(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python args`` in the copy, importing the copy's code (not this checkout's)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "BOT_PROJECT_DIR": str(root),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The copy with the new language added: registry, responses and data."""
    root = _copy_project(tmp_path_factory.mktemp("with-new-language"))
    _add_registry_entry(root)
    _add_responses(root)
    _add_data(root)
    return root


def test_the_fixture_covers_every_response_the_domain_has() -> None:
    """The fixture is complete: one Slovenian variation per Croatian one (same cases)."""
    domain = YAML(typ="safe").load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))

    def cases(language: str) -> set[tuple[str, str]]:
        found = set()
        for name, variations in domain["responses"].items():
            for variation in variations:
                pairs = {c["name"]: c["value"] for c in variation.get("condition") or []}
                if pairs.pop("language", None) == language:
                    found.add((name, json.dumps(pairs, sort_keys=True)))
        return found

    fixture = {
        (name, json.dumps(item.get("case") or {}, sort_keys=True))
        for name, items in _fixture("responses.yml").items()
        for item in items
    }
    assert fixture == cases("hr")


def test_the_registry_loads_the_new_language(project: Path) -> None:
    registry = load_registry(project / "bot/languages.yml")
    entry = registry.get(CODE)
    assert registry.codes[-1] == CODE
    assert [language.code for language in registry.chain(CODE)] == [CODE, "hr", "en"]
    assert registry.for_tag("sl-SI") == entry
    assert registry.for_slots(CODE, "latin") == entry
    refusals = load_texts(project / "bot/web/i18n/refusals.yml", registry)
    assert registry.text(refusals["empty"], entry).startswith("Zdi se, da je sporočilo prazno")


def test_the_domain_checks_fail_without_the_responses(tmp_path: Path) -> None:
    """The checks do cover a new registry language: without its responses they fail."""
    root = _copy_project(tmp_path)
    _add_registry_entry(root)
    result = _run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_domain.py")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "sl-latin" in result.stdout


def test_the_domain_checks_pass_with_the_new_language(project: Path) -> None:
    result = _run(project, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_domain.py")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "sl-latin] PASSED" in result.stdout


def test_rasa_data_validate_passes_on_the_copy(project: Path) -> None:
    """Rasa's own command line, warnings as errors (about 15 s of CPU)."""
    result = _run(
        project,
        *("-m", "rasa", "data", "validate", "--fail-on-warnings"),
        *("--domain", "domain.yml", "--data", "data", "--config", "config.yml"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_copys_unchanged_code_serves_the_new_language(project: Path, tmp_path: Path) -> None:
    result = _run(project, str(FIXTURE / "probe.py"), CODE, "sl-SI", str(tmp_path / "bot.db"))
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.split("PROBE ", 1)[1])
    texts = _fixture("texts.yml")
    assert Path(probe["code_from"]).is_relative_to(project)
    assert probe["registry"] == ["en", "hr", "bs", "sr_latn", "sr_cyrl", CODE]
    assert probe["store_languages"][-1] == CODE
    assert probe["stored_language"] == CODE
    assert probe["refusals"] == texts["refusals"]
    assert probe["apology"] == texts["apologies"]["apology"]
    assert probe["deadline"] == "ponedeljek, 23. november 2026, 15:05"
    assert probe["slot_from_detection"] == {"language": CODE}
    assert probe["review_file"] == CODE
    assert probe["studio_languages"][-1] == CODE
    assert probe["studio_name"] == "Slovenian"
    assert probe["studio_pages_name"] == ["Slovenian", "Slovenian"]
    # The studio flags the same gaps as for Croatian: none (the English-only catch-all cases
    # are fallbacks, not missing translations).
    assert probe["studio_missing"][CODE] == probe["studio_missing"]["hr"] == []
    examples = [item["examples"] for item in _fixture("nlu.yml")["nlu"]]
    assert probe["studio_examples"] == sum(block.count("\n- ") + 1 for block in examples) == 12
    assert probe["validation_ok"], probe["validation"]


def test_the_widget_labels_resolve_for_the_new_language(project: Path) -> None:
    labels = project / "bot/web/i18n/widget.json"
    if not labels.exists():
        pytest.skip("bot/web/i18n/widget.json (the widget's labels) is not in this checkout")
    registry = load_registry(project / "bot/languages.yml")
    by_tag = json.loads(labels.read_text(encoding="utf-8"))
    assert {registry.for_tag(tag).code for tag in by_tag} >= {CODE}
    assert by_tag[registry.get(CODE).tag] == _fixture("texts.yml")["widget"]
