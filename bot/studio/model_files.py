"""Trained models: list them, activate one, roll back to the one before.

The active model is recorded in ``models/active.json`` of the project (the model's file name,
who activated it and when, and the history of activations for rollback). It is a file beside the
models, not a database row, because the models themselves are files: wherever an instance can
read ``models/`` it can read the pointer.

* The running Rasa server loads the activated model in-process (``Agent.load_model`` in a
  worker thread), without a restart; the old model answers until the new one is ready.
* Every Rasa instance started with the studio's routes polls the pointer
  (:func:`follow_active_model`) and loads a model activated while it runs, so several instances
  sharing one ``models/`` directory all switch within a few seconds.
* ``python -m bot run`` starts with :func:`serving_model`: the active model, else the newest.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import tarfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.studio.errors import StudioError
from bot.studio.jobs import locked_file, read_json, write_json

logger = logging.getLogger(__name__)

MODELS_SUBDIR = "models"
ACTIVE_FILE = "active.json"
NOTES_SUFFIX = ".notes.json"
MODEL_SUFFIX = ".tar.gz"
_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.tar\.gz")
#: How often a running instance checks the pointer for a new activation (seconds).
FOLLOW_INTERVAL = 5.0
_METADATA_CACHE: dict[tuple[str, float, int], dict[str, Any]] = {}


def models_dir(root: Path) -> Path:
    return root / MODELS_SUBDIR


def model_files(root: Path) -> list[Path]:
    """The model archives, newest first."""
    files = [path for path in models_dir(root).glob(f"*{MODEL_SUFFIX}") if path.is_file()]
    return sorted(files, key=lambda path: (path.stat().st_mtime, path.name), reverse=True)


def notes_path(model: Path) -> Path:
    return model.with_name(model.name.removesuffix(MODEL_SUFFIX) + NOTES_SUFFIX)


def write_model_notes(model: Path, notes: dict[str, Any]) -> None:
    """What the studio knows about a model it trained (data version, who, how long)."""
    write_json(notes_path(model), notes)


def read_metadata(model: Path) -> dict[str, Any]:
    """Rasa's ``metadata.json`` from the archive (cached per file version)."""
    stat = model.stat()
    key = (str(model), stat.st_mtime, stat.st_size)
    if key not in _METADATA_CACHE:
        metadata: dict[str, Any] = {}
        try:
            with tarfile.open(model, "r:gz") as archive:
                for member in archive:
                    if member.name.lstrip("/") == "metadata.json":
                        handle = archive.extractfile(member)
                        raw = json.loads(handle.read()) if handle else {}
                        metadata = {
                            key_: raw.get(key_)
                            for key_ in ("trained_at", "model_id", "rasa_open_source_version")
                        }
                        break
        except (OSError, tarfile.TarError, ValueError):
            metadata = {"unreadable": True}
        _METADATA_CACHE[key] = metadata
    return _METADATA_CACHE[key]


def read_active(root: Path) -> dict[str, Any]:
    data = read_json(models_dir(root) / ACTIVE_FILE, {})
    return data if isinstance(data, dict) else {}


def active_model(root: Path) -> Path | None:
    """The activated model, if one was activated and its file still exists."""
    name = read_active(root).get("model")
    if isinstance(name, str) and _MODEL_NAME.fullmatch(name):
        path = models_dir(root) / name
        if path.is_file():
            return path
    return None


def serving_model(root: Path) -> Path | None:
    """The model a (re)started server should serve: the active one, else the newest."""
    files = model_files(root)
    return active_model(root) or (files[0] if files else None)


#: A model's one state: the bot answers with it, or it waits for a trainer to activate it.
SERVING = "serving"
NOT_SERVING = "trained, not serving"


def describe(model: Path, serving: str | None) -> dict[str, Any]:
    """What the studio shows about ``model``; ``serving`` is the file name the bot answers with."""
    metadata = read_metadata(model)
    notes = read_json(notes_path(model), {})
    stat = model.stat()
    trained_at = metadata.get("trained_at")
    if not trained_at:
        trained_at = datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat()
    is_serving = serving == model.name
    return {
        "name": model.name,
        "size_bytes": stat.st_size,
        "trained_at": trained_at,
        "model_id": metadata.get("model_id"),
        "rasa_version": metadata.get("rasa_open_source_version"),
        "data_version": notes.get("data_version") if isinstance(notes, dict) else None,
        "trained_by": notes.get("trained_by") if isinstance(notes, dict) else None,
        "state": SERVING if is_serving else NOT_SERVING,
        "serving": is_serving,
        # the same fact under its old name, for API clients written before the one state
        "active": is_serving,
    }


def current_model_name(root: Path, serving: str | None = None) -> str | None:
    """The model the bot answers with: the running server's (``serving``) when known, else the
    one a (re)started server serves (the activated model, else the newest)."""
    if serving:
        return serving
    model = serving_model(root)
    return model.name if model else None


def list_models(root: Path, serving: str | None = None) -> list[dict[str, Any]]:
    """Every model, newest first, each either serving or trained and not serving: exactly one
    serves (``serving``, the running server's model, else what a restart would serve)."""
    current = current_model_name(root, serving)
    return [describe(model, current) for model in model_files(root)]


def pin_serving(root: Path, serving: str | None, by: str) -> None:
    """Before a training adds a newer model: record the model now serving as the active one
    when nothing was ever activated, so that a restart keeps serving it (not the new, untried
    model) until a trainer activates the new one."""
    if read_active(root).get("model") or not serving:
        return
    path = models_dir(root) / serving
    if _MODEL_NAME.fullmatch(serving) and path.is_file():
        with locked_file(models_dir(root) / ".active.lock"):
            if not read_active(root).get("model"):
                _record(root, path, by)


def find_model(root: Path, name: object) -> Path:
    """The model file called ``name`` (a bare file name from the listing), or 404/422."""
    if not isinstance(name, str) or not name.strip():
        raise StudioError("Name the model to activate (field 'model').", status=422)
    name = name.strip()
    if not _MODEL_NAME.fullmatch(name) or "/" in name or ".." in name:
        raise StudioError(f"{name[:80]!r} is not a model file name.", status=422)
    path = models_dir(root) / name
    if not path.is_file():
        raise StudioError(f"There is no model {name!r}.", status=404)
    return path


def activate(root: Path, name: object, by: str) -> Path:
    """Record ``name`` as the active model (durably); the caller loads it into the server."""
    path = find_model(root, name)
    with locked_file(models_dir(root) / ".active.lock"):
        return _record(root, path, by)


def _record(root: Path, path: Path, by: str) -> Path:
    data = read_active(root)
    history = [entry for entry in data.get("history", []) if isinstance(entry, dict)]
    moment = datetime.now(timezone.utc).isoformat()  # microseconds: followers see each one
    entry = {"model": path.name, "activated_at": moment, "activated_by": by}
    history.append(entry)
    write_json(models_dir(root) / ACTIVE_FILE, {**entry, "history": history[-50:]})
    return path


def previous_model(root: Path) -> Path | None:
    """The model that was active before the current one (skipping deleted files)."""
    current = serving_model(root)
    history = [e for e in read_active(root).get("history", []) if isinstance(e, dict)]
    names = [str(entry.get("model")) for entry in history]
    while names and current is not None and names[-1] == current.name:
        names.pop()
    for name in reversed(names):
        path = models_dir(root) / name
        if _MODEL_NAME.fullmatch(name) and path.is_file() and path != current:
            return path
    return None


def rollback(root: Path, by: str) -> Path:
    """Activate the previously active model; 409 when there is none."""
    previous = previous_model(root)
    if previous is None:
        raise StudioError("There is no earlier active model to roll back to.", status=409)
    return activate(root, previous.name, by)


def serving_name(agent: Any) -> str | None:
    """The file name of the model a Rasa ``Agent`` serves, if any."""
    processor = getattr(agent, "processor", None)
    path = getattr(processor, "model_path", None)
    return Path(str(path)).name if path else None


async def load_into_agent(agent: Any, model: Path) -> None:
    """Load ``model`` into the running Rasa agent without a restart.

    ``Agent.load_model`` builds a new processor (unpacking the archive, loading the components)
    and then swaps it in; it runs in a worker thread so the server keeps answering meanwhile
    with the old model.
    """
    if agent is None or not hasattr(agent, "load_model"):
        raise StudioError("This server has no Rasa agent to load the model into.", status=503)
    await asyncio.get_running_loop().run_in_executor(None, agent.load_model, str(model))
    logger.info("now serving model %s", model.name)


async def follow_active_model(app: Any, root: Path, interval: float = FOLLOW_INTERVAL) -> None:
    """Load models activated (by any instance or the command line) while this server runs."""
    seen = read_active(root).get("activated_at")
    while True:
        await asyncio.sleep(interval)
        data = read_active(root)
        if data.get("activated_at") == seen:
            continue
        seen = data.get("activated_at")
        model = active_model(root)
        agent = getattr(app.ctx, "agent", None)
        if model is None or serving_name(agent) == model.name:
            continue
        try:
            await load_into_agent(agent, model)
        except Exception:
            logger.exception("could not load the activated model %s", model.name)
