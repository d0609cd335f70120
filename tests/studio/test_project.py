"""Project files: round-trip YAML (a no-op save is byte-identical, an edit changes only its
lines), optimistic concurrency (a stale version is refused with 409), one writer at a time."""

from __future__ import annotations

import difflib
import threading
from pathlib import Path

import pytest

from bot.studio import responses, stories, training_examples
from bot.studio.errors import StaleVersion, StudioError
from bot.studio.project import Change, nlu_file, project_files, save, versions
from bot.studio.yamlio import loads

REPO_ROOT = Path(__file__).resolve().parents[2]

COMMENTED = """version: "3.1"
# A file with comments, quotes and nulls.
nlu:
- intent: greet   # trailing comment
  examples: |
    - hello
    - 'hi'  there

  # a comment before the next block
- intent: bye
  examples: |
    - see you
steps:
- active_loop: null
- slot_was_set:
  - requested_slot: null
- text: "quoted — ünicode ✓"
- plain: yes
"""


def _diff(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    return added, removed


def test_a_file_with_comments_survives_a_no_op_save_byte_for_byte(tmp_path: Path) -> None:
    assert loads(COMMENTED).dumps() == COMMENTED
    indented = "pipeline:\n  - name: A   # indented list\n    threshold: 0.25\n"
    assert loads(indented).dumps() == indented
    # and through the studio's save: the rules file gets the commented text, then a no-op save
    (tmp_path / "data").mkdir()
    rules = tmp_path / "data" / "rules.yml"
    rules.write_text(COMMENTED, encoding="utf-8")
    save(tmp_path, lambda change: change.changes("data/rules.yml"), validate=False)
    assert rules.read_text(encoding="utf-8") == COMMENTED


#: The studio may create some files (e.g. data/stories.yml); only those present can round-trip.
EXISTING_FILES = [rel for rel in project_files() if (REPO_ROOT / rel).exists()]


def test_the_round_trip_covers_the_core_files() -> None:
    assert {"domain.yml", "config.yml", "data/rules.yml", nlu_file("hr")} <= set(EXISTING_FILES)


@pytest.mark.parametrize("rel", EXISTING_FILES)
def test_every_project_file_round_trips_unchanged(project: Path, rel: str) -> None:
    text = (project / rel).read_text(encoding="utf-8")
    assert loads(text, rel).dumps() == text


def test_a_no_op_save_writes_nothing(project: Path) -> None:
    domain = project / "domain.yml"
    original, stamp = domain.read_bytes(), domain.stat().st_mtime_ns

    def touch(change: Change) -> None:
        change.changes("domain.yml")
        change.changes(nlu_file("hr"))

    save(project, touch)
    assert domain.read_bytes() == original
    assert domain.stat().st_mtime_ns == stamp


def test_adding_an_example_with_an_entity_adds_exactly_one_line(project: Path) -> None:
    path = project / nlu_file("hr")
    before = path.read_text(encoding="utf-8")
    training_examples.add_example(
        project,
        "complain_delivery",
        "paket ORD-12345 još nije stigao nakon mjesec dana",
        "hr",
        [{"start": 6, "end": 15, "entity": "order_ref"}],
    )
    added, removed = _diff(before, path.read_text(encoding="utf-8"))
    assert added == ["    - paket [ORD-12345](order_ref) još nije stigao nakon mjesec dana"]
    assert removed == []


def test_a_new_intent_response_and_rule_change_only_their_lines(project: Path) -> None:
    domain_before = (project / "domain.yml").read_text(encoding="utf-8")
    rules_before = (project / "data/rules.yml").read_text(encoding="utf-8")
    training_examples.add_intent(
        project, "complain_packaging", {"en": ["the box arrived crushed and torn"]}
    )
    texts = {
        "en": "Sorry the packaging let you down.",
        "hr": "Žao nam je zbog ambalaže.",
        "bs": "Žao nam je zbog ambalaže.",
        "sr_latn": "Žao nam je zbog ambalaže.",
        "sr_cyrl": "Жао нам је због амбалаже.",
    }
    described, _ = responses.add_response(project, "utter_packaging_sorry", texts)
    assert described["missing"] == []
    stories.create(
        project,
        {
            "kind": "rule",
            "name": "packaging complaints get an apology",
            "steps": [
                {"type": "intent", "intent": "complain_packaging"},
                {"type": "action", "action": "utter_packaging_sorry"},
            ],
        },
    )
    added, removed = _diff(domain_before, (project / "domain.yml").read_text(encoding="utf-8"))
    assert removed == []
    assert added[0] == "- complain_packaging"
    assert "  utter_packaging_sorry:" in added and '    text: "Жао нам је због амбалаже."' in added
    added, removed = _diff(rules_before, (project / "data/rules.yml").read_text(encoding="utf-8"))
    assert removed == []
    assert added == [
        "- rule: packaging complaints get an apology",
        "  steps:",
        "  - intent: complain_packaging",
        "  - action: utter_packaging_sorry",
    ]


def test_editing_a_rule_without_changes_keeps_the_file(project: Path) -> None:
    rules = project / "data/rules.yml"
    before = rules.read_bytes()
    listing = stories.list_stories(project)
    for item in [i for i in listing["items"] if i["kind"] == "rule"][:4]:
        body = {key: item[key] for key in ("name", "steps", "condition", "wait_for_user_input")}
        stories.update(project, "rule", item["index"], body, listing["versions"])
    assert rules.read_bytes() == before


def test_a_stale_version_is_refused_and_the_first_save_survives(project: Path) -> None:
    seen = training_examples.intent_detail(project, "greet")["versions"]
    first = seen["data/nlu/en.yml"]
    training_examples.edit_example(
        project, "greet", "en", "hello", "hello there, anyone home?", None, seen
    )
    assert versions(project, ["data/nlu/en.yml"])["data/nlu/en.yml"] != first
    with pytest.raises(StaleVersion) as refused:
        training_examples.add_example(project, "greet", "good evening to you all", "en", None, seen)
    assert refused.value.status == 409
    assert "changed by someone else" in refused.value.message
    text = (project / "data/nlu/en.yml").read_text(encoding="utf-8")
    assert "- hello there, anyone home?" in text
    assert "good evening to you all" not in text


def test_two_writers_at_once_both_get_their_example_in(project: Path) -> None:
    errors: list[BaseException] = []

    def add(text: str) -> None:
        try:
            training_examples.add_example(project, "praise", text, "en")
        except BaseException as problem:  # pragma: no cover - reported below
            errors.append(problem)

    threads = [
        threading.Thread(target=add, args=(text,))
        for text in ("your courier was lovely today", "the new app is really nice")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    text = (project / "data/nlu/en.yml").read_text(encoding="utf-8")
    assert "- your courier was lovely today" in text
    assert "- the new app is really nice" in text


def test_add_test_story_appends_a_story_rasa_can_read(project: Path) -> None:
    stories.add_test_story(
        project,
        "hr greeting from the review inbox",
        [{"user": "dobar dan", "intent": "greet"}, {"action": "utter_greet"}],
        "hr",
    )
    text = (project / "tests/stories/test_hr.yml").read_text(encoding="utf-8")
    assert text.endswith(
        "- story: hr greeting from the review inbox\n  steps:\n  - user: |\n      dobar dan\n"
        "    intent: greet\n  - action: utter_greet\n"
    )
    with pytest.raises(StudioError) as refused:
        stories.add_test_story(
            project, "broken", [{"user": "x y", "intent": "no_such_intent"}], "hr"
        )
    assert refused.value.status == 422
    assert "no_such_intent" in " ".join(refused.value.details["problems"])
