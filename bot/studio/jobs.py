"""Background jobs of the studio (training, evaluation): a Rasa subprocess, its log, its state.

State is a small JSON file per kind under ``<project>/var/studio/<kind>/`` (``jobs.json`` plus one
``<id>.log`` per job) rather than a database table: jobs belong to a project directory (a
trainer may work on a copy, ``BOT_PROJECT_DIR``), their logs and outputs are files beside it,
and no schema migration is needed. One job of a kind at a time is enforced with an exclusive
``flock`` on ``<kind>/lock``, held by whoever runs the job (a web process's thread or the
command line), so two processes on the same machine cannot train at once either. A job left
``running`` whose lock is free was interrupted (its process died) and is shown as failed.

The subprocess runs at a lower CPU priority (nice 10) so that the bot keeps answering.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from bot.rasa_process import child_env
from bot.studio.errors import StudioError
from bot.text.clean import CONTROL_CHARS

#: Job states; the last three are final.
STATES: tuple[str, ...] = ("running", "succeeded", "failed", "cancelled")
KEEP_JOBS = 30
LOG_TAIL_LINES = 40
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_JOB_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")

#: A function that maps one log line to a new stage description, or None.
StageParser = Callable[[str], str | None]


def studio_var(root: Path, *parts: str) -> Path:
    """``<root>/var/studio/<parts>``, created."""
    path = root.joinpath("var", "studio", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def clean_line(raw: str) -> str:
    """A log line without colour codes, progress-bar carriage returns or control characters."""
    text = _ANSI.sub("", raw).rstrip("\n")
    text = text.rsplit("\r", 1)[-1]
    return CONTROL_CHARS.sub("", text).rstrip()


#: ``/path/to/module.py:52: DeprecationWarning: ...``: Python's warnings (the next, indented
#: line is the source line that warned).
_PY_WARNING = re.compile(r"^\S.*?:\d+: \w*Warning\b")
#: A logging record as Rasa formats it: ``2026-12-05 23:27:11 INFO     rasa.cli.train  - ...``.
_LOG_RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:,\d+)? +(?P<level>[A-Z]+) +(?P<logger>\S+)"
)
_OWN_LOGGERS = ("rasa", "bot", "actions", "__main__")
#: A progress bar (``Epochs:  40%|####  | 40/100 [...]``): only its latest state is shown.
_PROGRESS = re.compile(r"^(?P<label>[^:|]{1,60}):\s+(?:\d+%\||\d+it \[)")
_CHATTER = re.compile(
    r"^(?:warnings\.warn\(|[WI]\d{4} \d\d:\d\d|WARNING:absl:|WARNING:tensorflow:)"
)


def progress_lines(lines: list[str]) -> list[str]:
    """The lines of a job's log a trainer reads: Rasa's own progress and every error, without
    Python's (deprecation and other) warnings or the libraries' chatter."""
    kept: list[str] = []
    in_warning = False
    for line in lines:
        if _PY_WARNING.match(line):
            in_warning = True
            continue
        if in_warning and not _LOG_RECORD.match(line) and not line.startswith("Traceback"):
            # the rest of the warning's message; its indented source line ends it
            in_warning = not line[:1].isspace()
            continue
        in_warning = False
        if _CHATTER.match(line):
            continue
        if not line.strip():
            continue
        record = _LOG_RECORD.match(line)
        if record is not None:
            own = record.group("logger").split(".")[0] in _OWN_LOGGERS
            if not own and record.group("level") not in ("ERROR", "CRITICAL"):
                continue
        bar = _PROGRESS.match(line)
        if bar and kept:
            previous = _PROGRESS.match(kept[-1])
            if previous and previous.group("label") == bar.group("label"):
                kept[-1] = line
                continue
        kept.append(line)
    return kept


@dataclass
class Job:
    """One run of a background job, as stored in ``jobs.json`` and shown to the trainer."""

    id: str
    kind: str
    state: str
    started_at: str
    started_by: str
    stage: str = "starting"
    finished_at: str | None = None
    pid: int | None = None
    returncode: int | None = None
    error: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state != "running"

    def elapsed_seconds(self) -> float:
        start = datetime.fromisoformat(self.started_at)
        end = datetime.fromisoformat(self.finished_at) if self.finished_at else None
        return round(((end or datetime.now(timezone.utc)) - start).total_seconds(), 1)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["elapsed_seconds"] = self.elapsed_seconds()
        return data


def _lock_is_free(path: Path) -> bool:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@contextmanager
def locked_file(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (blocking) for a short read-modify-write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def write_json(path: Path, data: Any) -> None:
    """Write atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    scratch.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(scratch, path)


class JobStore:
    """The jobs of one kind in one project: ``<root>/var/studio/<kind>/``."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root
        self.kind = kind
        self.directory = studio_var(root, kind)
        self.state_file = self.directory / "jobs.json"
        self.lock_file = self.directory / "lock"
        self._guard = self.directory / "jobs.lock"

    def _read(self) -> list[Job]:
        raw = read_json(self.state_file, [])
        jobs = []
        for item in raw if isinstance(raw, list) else []:
            try:
                jobs.append(Job(**item))
            except TypeError:
                continue
        return jobs

    def jobs(self) -> list[Job]:
        """All kept jobs, newest first; a running job whose runner died is marked failed."""
        jobs = self._read()
        stale = [job for job in jobs if job.state == "running"]
        if stale and _lock_is_free(self.lock_file):
            for job in stale:
                job.state = "failed"
                job.error = job.error or "interrupted: the process running it stopped"
                job.finished_at = job.finished_at or now_iso()
                self.save(job)
        return sorted(jobs, key=lambda job: job.started_at, reverse=True)

    def get(self, job_id: str) -> Job | None:
        if not _JOB_ID.fullmatch(job_id):
            return None
        return next((job for job in self.jobs() if job.id == job_id), None)

    def latest(self) -> Job | None:
        jobs = self.jobs()
        return jobs[0] if jobs else None

    def running(self) -> Job | None:
        return next((job for job in self.jobs() if job.state == "running"), None)

    def save(self, job: Job) -> None:
        with locked_file(self._guard):
            jobs = [other for other in self._read() if other.id != job.id]
            jobs.append(job)
            jobs.sort(key=lambda item: item.started_at, reverse=True)
            for old in jobs[KEEP_JOBS:]:
                self.log_path(old).unlink(missing_ok=True)
            write_json(self.state_file, [asdict(item) for item in jobs[:KEEP_JOBS]])

    def log_path(self, job: Job) -> Path:
        return self.directory / f"{job.id}.log"

    def log_tail(self, job: Job, lines: int = LOG_TAIL_LINES) -> list[str]:
        try:
            with self.log_path(job).open(encoding="utf-8", errors="replace") as handle:
                kept = [line.rstrip("\n") for line in handle if line.strip()]
        except OSError:
            return []
        return progress_lines(kept)[-lines:]

    def new_job(self, started_by: str, options: dict[str, Any]) -> Job:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        return Job(
            id=f"{stamp}-{secrets.token_hex(3)}",
            kind=self.kind,
            state="running",
            started_at=now_iso(),
            started_by=started_by,
            options=options,
        )


@dataclass
class Step:
    """One subprocess of a job: its command line and the stage shown while it starts."""

    stage: str
    command: Sequence[str]


class JobRunner:
    """Runs a job's steps one after the other, holding the kind's lock throughout."""

    def __init__(
        self,
        store: JobStore,
        job: Job,
        steps: Sequence[Step],
        parse_stage: StageParser,
        finish: Callable[[Job, list[str]], None],
        on_line: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.job = job
        self.steps = steps
        self.parse_stage = parse_stage
        self.finish = finish
        self.on_line = on_line
        self.process: subprocess.Popen[bytes] | None = None
        self.cancelled = False
        self._lock_handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the kind's lock or refuse with 409: one job at a time."""
        handle = self.store.lock_file.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            running = self.store.running()
            since = f" (started {running.started_at} by {running.started_by})" if running else ""
            raise StudioError(
                f"A {self.store.kind} job is already running{since}.", status=409
            ) from None
        self._lock_handle = handle
        self.store.save(self.job)

    def release(self) -> None:
        if self._lock_handle is not None:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            self._lock_handle.close()
            self._lock_handle = None

    def cancel(self) -> None:
        self.cancelled = True
        process = self.process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, 15)

    def _run_step(self, step: Step, log: IO[str], lines: list[str]) -> int:
        self.job.stage = step.stage
        self.store.save(self.job)
        log.write(f"$ {' '.join(step.command)}\n")
        log.flush()
        process = subprocess.Popen(
            list(step.command),
            cwd=self.store.root,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.process = process
        self.job.pid = process.pid
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, process.pid, 10)
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            line = clean_line(raw.decode("utf-8", errors="replace"))
            if not line:
                continue
            lines.append(line)
            log.write(line + "\n")
            log.flush()
            if self.on_line is not None:
                self.on_line(line)
            stage = self.parse_stage(line)
            if stage and stage != self.job.stage:
                self.job.stage = stage
                self.store.save(self.job)
        return process.wait()

    def run(self) -> Job:
        """Run every step (the lock must be held); the job's final state is saved."""
        lines: list[str] = []
        started = time.monotonic()
        try:
            with self.store.log_path(self.job).open("w", encoding="utf-8") as log:
                for step in self.steps:
                    code = self._run_step(step, log, lines)
                    self.job.returncode = code
                    if code != 0 or self.cancelled:
                        break
            if self.cancelled:
                self.job.state, self.job.error = "cancelled", "cancelled by the trainer"
            elif self.job.returncode == 0:
                self.job.state = "succeeded"
                self.finish(self.job, lines)
            else:
                self.job.state = "failed"
                self.job.error = failure_message(lines)
        except Exception as problem:  # the job fails; the web process carries on
            self.job.state = "failed"
            self.job.error = f"{type(problem).__name__}: {problem}"
        finally:
            self.job.pid = None
            self.job.finished_at = now_iso()
            self.job.result.setdefault("seconds", round(time.monotonic() - started, 1))
            if self.job.state != "succeeded":
                self.job.stage = self.job.state
            self.store.save(self.job)
            self.release()
        return self.job

    def start(self) -> Job:
        """Take the lock and run in a daemon thread; returns at once."""
        self.acquire()
        thread = threading.Thread(target=self.run, name=f"studio-{self.job.id}", daemon=True)
        _RUNNERS[(str(self.store.directory), self.job.id)] = self
        thread.start()
        return self.job


_RUNNERS: dict[tuple[str, str], JobRunner] = {}


def cancel(store: JobStore, job_id: str) -> Job:
    """Stop a job this process is running."""
    job = store.get(job_id)
    if job is None:
        raise StudioError("No such job.", status=404)
    if job.finished:
        raise StudioError(f"The job has already {job.state}.", status=409)
    runner = _RUNNERS.get((str(store.directory), job_id))
    if runner is None:
        raise StudioError("The job is run by another process; stop it there.", status=409)
    runner.cancel()
    return job


_ERROR_HINT = re.compile(r"error|exception|invalid|failed|not found|cannot|missing", re.I)
#: Python's warnings and their continuation lines: never the reason a job failed.
_NOISE = re.compile(r"Warning|warn\(|declare_namespace|PEP 420|pkg_resources|^\s")


def failure_message(lines: list[str]) -> str:
    """The most telling lines of a failed run: the last ones that mention an error."""
    meaningful = [line for line in lines if not _NOISE.search(line)]
    telling = [line for line in meaningful if _ERROR_HINT.search(line)]
    chosen = telling[-3:] or meaningful[-2:] or ["the process ended with an error"]
    return "\n".join(line[:500] for line in chosen)
