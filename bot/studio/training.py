"""Training a new model in the background while the current one keeps serving.

``rasa train`` runs as a subprocess of the web process (in a thread that reads its log), so the
Sanic loop and the bot never wait for it. Progress is the stage parsed from Rasa's log (which
component is training), the elapsed time and the log's tail. The new model is only written to
``models/``; it serves once a trainer activates it (:mod:`bot.studio.model_files`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from bot.rasa_process import rasa_command
from bot.studio.jobs import Job, JobRunner, JobStore, Step
from bot.studio.model_files import MODELS_SUBDIR, write_model_notes

KIND = "training"
#: The files a model is trained from, relative to the project.
TRAINING_INPUTS: tuple[str, ...] = ("domain.yml", "config.yml", "data")

_STAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Started validating domain and training data"), "validating the data"),
    (re.compile(r"Validating (\w[\w ]*)"), "validating the data"),
    (re.compile(r"Loaded (\w+) lemma table"), "loading the {0} word lists"),
    (re.compile(r"Starting to train component '([^']+)'"), "training {0}"),
    (re.compile(r"Finished training component '([^']+)'"), "finished {0}"),
    (re.compile(r"Your Rasa model is trained and saved"), "saving the model"),
)
_SAVED = re.compile(r"saved at '([^']+\.tar\.gz)'")


def parse_stage(line: str) -> str | None:
    """The stage a line of Rasa's training log announces, if any."""
    for pattern, label in _STAGES:
        match = pattern.search(line)
        if match:
            return label.format(*(part.split(".")[-1] for part in match.groups()))
    return None


def data_version(root: Path) -> str:
    """A short hash of everything a model is trained from (domain, config, data files)."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(root)).encode("utf-8") + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def training_command(force: bool) -> list[str]:
    args = [
        "train",
        "--domain", "domain.yml",
        "--config", "config.yml",
        "--data", "data",
        "--out", MODELS_SUBDIR,
    ]
    return rasa_command(*args, *(["--force"] if force else []))


def _finish(root: Path) -> Callable[[Job, list[str]], None]:
    def finish(job: Job, lines: list[str]) -> None:
        model: str | None = None
        for line in reversed(lines):
            match = _SAVED.search(line)
            if match:
                model = Path(match.group(1)).name
                break
        if model is None or not (root / MODELS_SUBDIR / model).is_file():
            job.state = "failed"
            job.error = "Rasa finished but the new model file was not found in models/."
            return
        job.result["model"] = model
        job.stage = "done"
        write_model_notes(
            root / MODELS_SUBDIR / model,
            {
                "data_version": job.options.get("data_version"),
                "trained_by": job.started_by,
                "job": job.id,
                "training_seconds": job.elapsed_seconds(),
            },
        )

    return finish


def prepare(
    root: Path, started_by: str, force: bool = False, on_line: Callable[[str], None] | None = None
) -> JobRunner:
    """A runner for one training of ``root``; ``start()`` it (web) or ``acquire()``+``run()``."""
    store = JobStore(root, KIND)
    job = store.new_job(started_by, {"force": force, "data_version": data_version(root)})
    step = Step("starting Rasa", training_command(force))
    return JobRunner(store, job, [step], parse_stage, _finish(root), on_line)


def start_training(root: Path, started_by: str, force: bool = False) -> Job:
    """Start training in the background; 409 (StudioError) when a training is running."""
    return prepare(root, started_by, force).start()


def jobs(root: Path) -> JobStore:
    return JobStore(root, KIND)
