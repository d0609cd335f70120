"""The studio's editing commands: ``python -m bot studio ...`` does what the editing pages do,
through the same functions (round-trip YAML, Rasa's validator before every write).

Steps of ``add-rule``/``add-story`` are written ``intent:NAME``, ``action:NAME``,
``form:NAME`` (``form:`` alone ends the form) and ``slot:NAME=VALUE``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.cli.registry import GROUPS, CliError, arg, command, format_table
from bot.studio import responses, stories, training_examples
from bot.studio.errors import StudioError
from bot.studio.project import LANGUAGES
from bot.studio.validation import validate_project
from bot.text.languages import languages

T = TypeVar("T")

GROUPS.setdefault("studio", "the trainer studio: edit, train, evaluate, review, analytics")

_PROJECT = arg("--project", type=Path, help="the Rasa project (default: BOT_PROJECT_DIR)")
_LANGUAGE = arg(
    "--language", choices=LANGUAGES, default=languages().default, help="language of the text"
)


def _root(args: argparse.Namespace) -> Path:
    return Path(args.project or args.settings.project_dir)


def _do(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a studio function; its refusal (and Rasa's messages) becomes a one-line CLI error."""
    try:
        return call(*args, **kwargs)
    except StudioError as problem:
        for line in problem.details.get("problems", [])[1:]:
            print(f"  {' '.join(str(line).split())}", file=sys.stderr)
        raise CliError(" ".join(problem.message.split())) from None


def _score(scores: Any) -> str:
    if not isinstance(scores, dict) or not isinstance(scores.get("f1"), int | float):
        return "-"
    return f"{scores['f1']:.2f}"


@command(
    "studio",
    "intents",
    help="list the intents, their examples per language and their F1",
    arguments=(_PROJECT,),
)
def cmd_intents(args: argparse.Namespace) -> int:
    listing = _do(training_examples.list_intents, _root(args))
    rows = [
        [item["name"], *(str(item["counts"][lang]) for lang in LANGUAGES), _score(item["scores"])]
        for item in listing["intents"]
    ]
    print(format_table(rows, ["INTENT", *(lang.upper() for lang in LANGUAGES), "F1"]))
    if listing["evaluated_at"] is None:
        print("F1: not evaluated yet (python -m bot studio evaluate)")
    return 0


@command(
    "studio",
    "examples",
    help="print an intent's examples (Rasa markup), one per line",
    arguments=(arg("intent"), arg("--language", choices=LANGUAGES), _PROJECT),
)
def cmd_examples(args: argparse.Namespace) -> int:
    detail = _do(training_examples.intent_detail, _root(args), args.intent)
    for language in [args.language] if args.language else LANGUAGES:
        for example in detail["examples"][language]:
            print(f"{language}\t{example['text']}")
    return 0


@command(
    "studio",
    "add-example",
    help="add an example to an intent (mark entities as [text](entity))",
    arguments=(arg("intent"), arg("text"), _LANGUAGE, _PROJECT),
)
def cmd_add_example(args: argparse.Namespace) -> int:
    parsed, _ = _do(
        training_examples.add_example, _root(args), args.intent, args.text, args.language
    )
    print(f"added to {args.intent} ({args.language}): {parsed['text']}")
    return 0


@command(
    "studio",
    "delete-example",
    help="delete an example of an intent",
    arguments=(arg("intent"), arg("text"), _LANGUAGE, _PROJECT),
)
def cmd_delete_example(args: argparse.Namespace) -> int:
    _do(training_examples.delete_example, _root(args), args.intent, args.language, args.text)
    print(f"deleted from {args.intent} ({args.language}): {args.text}")
    return 0


@command(
    "studio",
    "add-intent",
    help="add a new intent to the domain with its first example",
    arguments=(arg("name"), arg("--example", required=True), _LANGUAGE, _PROJECT),
)
def cmd_add_intent(args: argparse.Namespace) -> int:
    _do(training_examples.add_intent, _root(args), args.name, {args.language: [args.example]})
    print(f"added intent {args.name}")
    return 0


@command(
    "studio",
    "responses",
    help="list the responses and the languages each still lacks",
    arguments=(arg("--missing", action="store_true", help="only incomplete ones"), _PROJECT),
)
def cmd_responses(args: argparse.Namespace) -> int:
    rows = []
    for item in _do(responses.list_responses, _root(args))["responses"]:
        gaps = [f"{case['label'] or 'all'}: {','.join(case['missing'])}" for case in item["cases"]]
        gaps = [gap for gap, case in zip(gaps, item["cases"], strict=True) if case["missing"]]
        if args.missing and not gaps:
            continue
        rows.append([item["name"], str(len(item["variants"])), "; ".join(gaps) or "complete"])
    print(format_table(rows, ["RESPONSE", "VARIATIONS", "MISSING"]) if rows else "all complete")
    return 0


def _case(values: list[str] | None) -> dict[str, str]:
    case = {}
    for value in values or []:
        name, sep, slot_value = value.partition("=")
        if not sep:
            raise CliError(f"--when takes SLOT=VALUE, not {value!r}")
        case[name.strip()] = slot_value.strip()
    return case


@command(
    "studio",
    "set-response",
    help="set a response's text in one language (adds the variation when missing)",
    arguments=(
        arg("name", help="utter_..."),
        arg("text"),
        _LANGUAGE,
        arg("--when", action="append", metavar="SLOT=VALUE", help="other slot conditions"),
        _PROJECT,
    ),
)
def cmd_set_response(args: argparse.Namespace) -> int:
    _do(
        responses.set_response,
        _root(args),
        args.name,
        args.language,
        args.text,
        _case(args.when),
    )
    print(f"{args.name} ({args.language}) set")
    return 0


@command(
    "studio",
    "add-response",
    help="add a new response; English is required, other languages optional",
    arguments=(
        arg("name", help="utter_..."),
        *(arg(f"--{lang.replace('_', '-')}", dest=lang, metavar="TEXT") for lang in LANGUAGES),
        _PROJECT,
    ),
)
def cmd_add_response(args: argparse.Namespace) -> int:
    texts = {lang: getattr(args, lang) for lang in LANGUAGES if getattr(args, lang)}
    described, _ = _do(responses.add_response, _root(args), args.name, texts)
    missing = ", ".join(described["missing"]) or "none"
    print(f"added {args.name}; languages still missing: {missing}")
    return 0


def parse_step(text: str) -> dict[str, Any]:
    """``intent:greet`` / ``action:utter_greet`` / ``form:contact_form`` / ``slot:x=y``."""
    kind, sep, value = text.partition(":")
    if not sep:
        raise CliError(f"a step is KIND:VALUE (intent, action, form, slot), not {text!r}")
    if kind == "intent":
        return {"type": "intent", "intent": value}
    if kind == "action":
        return {"type": "action", "action": value}
    if kind == "form":
        return {"type": "active_loop", "loop": value or None}
    if kind == "slot":
        name, _, slot_value = value.partition("=")
        parsed = None if slot_value in ("", "null") else slot_value
        return {"type": "slot_was_set", "slots": [{"name": name, "value": parsed}]}
    raise CliError(f"unknown step kind {kind!r}: use intent, action, form or slot")


def _add(kind: str, args: argparse.Namespace) -> int:
    body = {"kind": kind, "name": args.name, "steps": [parse_step(step) for step in args.steps]}
    _do(stories.create, _root(args), body)
    print(f"added {kind} {args.name!r}")
    return 0


_STEPS = arg("steps", nargs="+", metavar="STEP", help="intent:X action:Y form:Z slot:S=V")


@command(
    "studio",
    "add-rule",
    help="add a rule from steps",
    arguments=(arg("name"), _STEPS, _PROJECT),
)
def cmd_add_rule(args: argparse.Namespace) -> int:
    return _add("rule", args)


@command(
    "studio",
    "add-story",
    help="add a story from steps",
    arguments=(arg("name"), _STEPS, _PROJECT),
)
def cmd_add_story(args: argparse.Namespace) -> int:
    return _add("story", args)


@command(
    "studio",
    "stories",
    help="list the rules and stories with their steps",
    arguments=(_PROJECT,),
)
def cmd_stories(args: argparse.Namespace) -> int:
    for item in _do(stories.list_stories, _root(args))["items"]:
        steps = " > ".join(_step_text(step) for step in item["steps"])
        print(f"{item['kind']}\t{item['name']}\t{steps}")
    return 0


def _step_text(step: dict[str, Any]) -> str:
    kind = step["type"]
    if kind == "intent":
        return f"intent:{step['intent']}"
    if kind == "action":
        return f"action:{step['action']}"
    if kind == "active_loop":
        return f"form:{step['loop'] or ''}"
    if kind == "slot_was_set":
        return ",".join(f"slot:{slot['name']}={slot.get('value')}" for slot in step["slots"])
    if kind == "or":
        return "(" + "|".join(_step_text(option) for option in step["options"]) + ")"
    return kind


@command(
    "studio",
    "validate",
    help="check the project with Rasa's validator (the checks of rasa data validate "
    "--fail-on-warnings); exit 1 with Rasa's messages when it fails",
    arguments=(_PROJECT,),
)
def cmd_validate(args: argparse.Namespace) -> int:
    report = _do(validate_project, _root(args))
    for line in report.problems:
        print(" ".join(line.split()), file=sys.stderr)
    state = "valid" if report.ok else "INVALID"
    print(f"project {state} (Rasa's validator, {report.seconds:.1f} s)")
    return 0 if report.ok else 1
