"""Rasa's own validation of a changed project, before the studio writes anything.

:func:`validate_change` writes the project with the changed files to a temporary directory,
loads it with Rasa's ``TrainingDataImporter`` chain and runs the checks ``rasa data validate
--fail-on-warnings`` runs (domain, actions/forms in stories and rules, form slots, slot
mappings, intents and examples, utterances, story structure conflicts). A failing check is a
refusal (422) carrying Rasa's messages. Changed test stories are read with Rasa's story reader
against the domain, and every intent and action they use must exist.

Speed: parsing the domain and the NLU files is most of the cost (pure-Python YAML), so the
parsed ``Domain`` and per-file ``TrainingData`` are cached by content hash; a save re-parses
only the files it changed. Rasa's checks are otherwise unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.studio.errors import StudioError
from bot.studio.files import CONFIG, CORE_FILES, DOMAIN, nlu_files

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple[str, str], Any] = OrderedDict()
_CACHE_SIZE = 64
#: Warnings that are about Rasa or its libraries, not about the project.
_NOISE = ("Slot auto-fill has been removed", "load_module()", "pkg_resources", "declare_namespace")


@dataclass
class Report:
    """The outcome of a validation: whether it passed, Rasa's messages, and how long it took."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "problems": self.problems,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }


def _cached(kind: str, text: str, build: Callable[[], Any]) -> Any:
    key = (kind, hashlib.sha256(text.encode("utf-8")).hexdigest())
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = build()
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def _importer(config: Path, domain: Path, data: Path) -> Any:
    """Rasa's importer chain around a file importer that reuses already parsed files.

    Of ``TrainingDataImporter.load_from_dict``'s chain (``E2EImporter(ResponsesSyncImporter(
    CombinedDataImporter([RasaFileImporter])))``) the outer and inner layers are left out:
    the E2E layer only adds end-to-end (text) turns of training stories, which the studio's
    stories do not have, and combining a single importer only copies; both deep-copy all NLU
    data (about three seconds per save on this project)."""
    # heavy: Rasa's importers load Rasa (seconds); only a save or a validation needs them
    from rasa.shared.core.domain import Domain
    from rasa.shared.importers.importer import ResponsesSyncImporter
    from rasa.shared.importers.rasa import RasaFileImporter
    from rasa.shared.nlu.training_data import loading
    from rasa.shared.nlu.training_data.training_data import TrainingData

    class CachedFileImporter(RasaFileImporter):
        def get_domain(self) -> Domain:
            text = domain.read_text(encoding="utf-8")
            return _cached("domain", text, lambda: Domain.from_yaml(text, str(domain)))

        def get_nlu_data(self, language: str | None = "en") -> TrainingData:
            texts = {name: Path(name).read_text(encoding="utf-8") for name in self._nlu_files}

            def parse(name: str) -> Callable[[], TrainingData]:
                return lambda: loading.load_data(name, language)

            def merged() -> TrainingData:
                parts = [
                    _cached(f"nlu:{language}", text, parse(name)) for name, text in texts.items()
                ]
                return TrainingData().merge(*parts)

            return _cached(f"nlu-all:{language}", "\0".join(texts.values()), merged)

    files = CachedFileImporter(str(config), str(domain), [str(data)])
    return ResponsesSyncImporter(files)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured() -> Iterator[list[str]]:
    """Rasa's warnings (``warnings.warn``) and the validator's logged warnings, as text."""
    messages: list[str] = []
    handler = _Collect()
    rasa_logger = logging.getLogger("rasa.validator")
    rasa_logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield messages
    finally:
        rasa_logger.removeHandler(handler)
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning | PendingDeprecationWarning):
            continue
        text = str(warning.message).strip()
        if text and not any(noise in text for noise in _NOISE) and text not in messages:
            messages.append(text)
    messages.extend(message for message in handler.messages if message not in messages)


def _rasa_checks(importer: Any) -> bool:
    """The checks of ``rasa data validate --fail-on-warnings`` (rasa.cli.utils.validate_files)."""
    # heavy: Rasa's validator loads Rasa (seconds)
    from rasa.validator import Validator

    validator = Validator.from_importer(importer)
    if importer.get_domain().is_empty():
        raise StudioError("The domain is empty.")
    results = [
        validator.verify_domain_validity(),
        validator.verify_actions_in_stories_rules(),
        validator.verify_forms_in_stories_rules(),
        validator.verify_form_slots(),
        validator.verify_slot_mappings(),
        validator.verify_nlu(False),
        validator.verify_story_structure(False, max_history=None),
    ]
    return all(results)


def _check_test_stories(domain: Any, rel: str, text: str) -> list[str]:
    # heavy: Rasa's story reader loads Rasa (seconds)
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    steps = YAMLStoryReader(domain, rel).read_from_string(text)
    problems = []
    known_actions = set(domain.action_names_or_texts)
    for step in steps:
        for event in step.events:
            unknown = None
            if isinstance(event, UserUttered) and event.intent_name not in domain.intents:
                unknown = ("intent", event.intent_name)
            elif isinstance(event, ActionExecuted) and event.action_name not in known_actions:
                unknown = ("action", event.action_name)
            if unknown is not None and unknown[1]:
                problems.append(
                    f"{rel}: '{step.block_name}' uses the {unknown[0]} '{unknown[1]}', "
                    "which is not in the domain."
                )
    return problems


def validate_project(root: Path, changed: Mapping[str, str] | None = None) -> Report:
    """Validate the project at ``root`` with ``changed`` files (path -> new text) applied."""
    changed = dict(changed or {})
    started = time.perf_counter()
    with _LOCK, tempfile.TemporaryDirectory(prefix="studio-validate-") as scratch:
        build = Path(scratch)
        for rel in [*CORE_FILES, *nlu_files(), *changed]:
            target = build / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel in changed:
                target.write_text(changed[rel], encoding="utf-8")
            elif (Path(root) / rel).is_file():
                shutil.copyfile(Path(root) / rel, target)
        ok = True
        problems: list[str] = []
        with _captured() as messages:
            try:
                importer = _importer(build / CONFIG, build / DOMAIN, build / "data")
                ok = _rasa_checks(importer)
                domain = importer.get_domain()
                for rel, text in changed.items():
                    if rel.startswith("tests/"):
                        problems += _check_test_stories(domain, rel, text)
            except StudioError:
                raise
            except Exception as problem:  # Rasa's YAML, schema and domain errors
                ok = False
                problems.append(_plain(problem, scratch))
        if problems:
            ok = False
        messages = [_plain(message, scratch) for message in messages]
        report = Report(ok=ok, seconds=time.perf_counter() - started)
        if ok:
            report.notes = messages
        else:
            report.problems = problems + messages
    logger.info("studio validation: ok=%s in %.2fs", report.ok, report.seconds)
    return report


def _plain(problem: BaseException | str, scratch: str) -> str:
    """Rasa's message without the temporary directory's path."""
    text = str(problem).strip() or type(problem).__name__
    return text.replace(scratch + "/", "").replace(scratch, "")


def validate_change(root: Path, changed: Mapping[str, str]) -> Report:
    """:func:`validate_project`, raising the refusal (422 with Rasa's messages) on failure."""
    report = validate_project(root, changed)
    if not report.ok:
        problems = report.problems or ["Rasa's validator refused the change."]
        raise StudioError(
            "Rasa's validator refused this change, so nothing was saved: " + problems[0],
            status=422,
            problems=problems,
            seconds=round(report.seconds, 3),
        )
    return report
