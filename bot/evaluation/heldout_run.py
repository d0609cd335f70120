"""``eval heldout``: train the project's config and Rasa's default config on the same data,
run both on the held-out set, and score them side by side.

Models are trained with ``rasa train`` into a work folder (a temporary one unless given).
Messages are parsed and conversations replayed in-process with Rasa's ``Agent``; the custom
actions run in a real action server on its own port with a fresh SQLite database.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.dialogue.turn import category_from_intent
from bot.evaluation.heldout import ENTITY_TYPES, Conversation, Message, VariantSet
from bot.evaluation.metrics import Span
from bot.policy import ConversationContext, MessageSignals, assess, classify_resolution
from bot.runner import child_env, rasa_command
from bot.settings import BUILTIN_CATEGORIES, PROJECT_ROOT, get_settings

#: The models compared, in report order: the project's config and Rasa's default.
PROJECT = "project"
DEFAULT = "rasa_default"
MODEL_NAMES: tuple[str, ...] = (PROJECT, DEFAULT)
DEFAULT_ACTIONS_PORT = 5650


def rasa_initial_config() -> Path:
    """The config.yml that ``rasa init`` writes, from the installed Rasa package.

    Its pipeline and policies are left empty, so ``rasa train`` fills them from Rasa's
    default configuration (``rasa/engine/recipes/config_files/default_config.yml``).
    """
    import rasa

    return Path(rasa.__file__).parent / "cli" / "initial_project" / "config.yml"


def rasa_default_config() -> dict[str, Any]:
    """Rasa's default pipeline and policies, as ``rasa train`` completes the init config."""
    import rasa

    path = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files"
    with (path / "default_config.yml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = YAML(typ="safe").load(handle)
    return data


def with_epochs(config: dict[str, Any], epochs: int) -> dict[str, Any]:
    """``config`` with every ``epochs`` setting of its pipeline and policies replaced."""
    return {
        **config,
        **{
            part: [
                {**item, "epochs": epochs} if "epochs" in item else dict(item)
                for item in config.get(part) or []
            ]
            for part in ("pipeline", "policies")
        },
    }


def model_config(name: str, work: Path, default_epochs: int | None = None) -> Path:
    """The config file a model is trained with.

    Rasa's reference is the config of ``rasa init``, copied from Rasa's package, unless
    ``default_epochs`` is given: then Rasa's default configuration is written out with that
    many epochs (a shorter run, labelled as such in the report).
    """
    if name == PROJECT:
        return PROJECT_ROOT / "config.yml"
    target = work / "rasa_default_config.yml"
    if default_epochs is None:
        shutil.copyfile(rasa_initial_config(), target)
    else:
        with target.open("w", encoding="utf-8") as handle:
            YAML(typ="safe").dump(with_epochs(rasa_default_config(), default_epochs), handle)
    return target


def train(name: str, work: Path, default_epochs: int | None = None) -> tuple[Path, float]:
    """Train one model with ``rasa train`` on data/ and domain.yml: (model file, seconds).

    Rasa skips training when the model in ``work/<name>`` was trained on the same data and
    config, so a kept work folder makes a re-run cheap; the time is then the check's time.
    """
    out = work / name
    out.mkdir(parents=True, exist_ok=True)
    config = model_config(name, work, default_epochs)
    started = time.monotonic()
    subprocess.run(
        rasa_command(
            "train",
            "--config", str(config),
            "--domain", "domain.yml",
            "--data", "data",
            "--out", str(out),
        ),
        cwd=PROJECT_ROOT,
        env=child_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    seconds = time.monotonic() - started
    models = sorted(out.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError(f"rasa train wrote no model to {out}")
    return models[-1], seconds


# --- what a model made of the held-out set ---------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """One held-out message and what a model understood of it."""

    message: Message
    intent: str
    confidence: float
    entities: tuple[Span, ...]
    language: str | None
    script: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Replayed:
    """One conversation replayed against a model: the bot's responses and the final slots."""

    conversation: Conversation
    utterances: tuple[tuple[str, str], ...]
    category: str | None
    reasons: tuple[str, ...]


@dataclass
class ModelRun:
    name: str
    train_seconds: float
    parsed: list[Parsed] = field(default_factory=list)
    replayed: list[Replayed] = field(default_factory=list)


def policy_reasons(message: Message, intent: str, confidence: float) -> tuple[str, ...]:
    """The escalation policy applied to what the model understood of ``message``."""
    context = ConversationContext(
        failed_understandings=message.failed_understandings,
        desired_resolution=(
            classify_resolution(message.text, intent) if intent == "state_resolution" else None
        ),
    )
    signals = MessageSignals(
        text=message.text,
        intent=intent,
        intent_confidence=confidence,
        category=category_from_intent(intent, BUILTIN_CATEGORIES),
    )
    return assess(signals, context, get_settings()).reasons


def parsed_from(message: Message, parse: dict[str, Any]) -> Parsed:
    intent = parse.get("intent") or {}
    name = str(intent.get("name") or "nlu_fallback")
    confidence = float(intent.get("confidence") or 0.0)
    entities = tuple(
        (str(e["entity"]), int(e["start"]), int(e["end"]))
        for e in parse.get("entities") or []
        if e.get("entity") in ENTITY_TYPES and "start" in e and "end" in e
    )
    language = parse.get("language") if isinstance(parse.get("language"), dict) else None
    return Parsed(
        message=message,
        intent=name,
        confidence=confidence,
        entities=entities,
        language=(language or {}).get("code"),
        script=(language or {}).get("script"),
        reasons=policy_reasons(message, name, confidence),
    )


async def _run_model(
    run: ModelRun, model: Path, variants: list[VariantSet], action_url: str
) -> None:
    from rasa.core.agent import Agent
    from rasa.shared.core.events import BotUttered
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model), action_endpoint=EndpointConfig(url=action_url))
    for variant in variants:
        for message in variant.messages:
            run.parsed.append(parsed_from(message, await agent.parse_message(message.text)))
        for conversation in variant.conversations:
            sender = f"eval-{run.name}-{conversation.id}"
            for turn in conversation.turns:
                await agent.handle_text(turn, sender_id=sender)
            tracker = await agent.tracker_store.retrieve(sender)
            if tracker is None:
                raise RuntimeError(f"no tracker for {sender}")
            utterances = tuple(
                (str((event.metadata or {}).get("utter_action") or ""), event.text or "")
                for event in tracker.events
                if isinstance(event, BotUttered)
            )
            reasons = tracker.get_slot("escalation_reasons") or []
            run.replayed.append(
                Replayed(
                    conversation=conversation,
                    utterances=utterances,
                    category=tracker.get_slot("category"),
                    reasons=tuple(str(r) for r in reasons),
                )
            )
    del agent
    gc.collect()


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the action server stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"the action server did not answer at {url}")


@contextmanager
def action_server(work: Path, port: int) -> Iterator[str]:
    """The project's action server on ``port`` with a fresh SQLite database in ``work``."""
    from bot.store import dispose_engines, migrate

    database = work / "eval.db"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    migrate(url)
    dispose_engines()
    env = child_env()
    env["DATABASE_URL"] = url
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def evaluate(
    variants: list[VariantSet],
    work: Path,
    models: tuple[str, ...] = MODEL_NAMES,
    actions_port: int = DEFAULT_ACTIONS_PORT,
    default_epochs: int | None = None,
) -> list[ModelRun]:
    """Train each model in ``work`` and run it on the held-out set."""
    trained = [(name, *train(name, work, default_epochs)) for name in models]
    runs = []
    with action_server(work, actions_port) as action_url:
        for name, model, seconds in trained:
            run = ModelRun(name, seconds)
            asyncio.run(_run_model(run, model, variants, action_url))
            runs.append(run)
    return runs
