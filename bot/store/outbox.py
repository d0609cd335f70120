"""The outbox: action calls that could not run, kept on disk until they do.

When neither the action server nor the Rasa process could run a custom action, the customer is
told that their message is saved and will be handled (:mod:`bot.ops.fallback`), and the action
call is kept here as one JSON file. :mod:`bot.ops.replay` runs the files again in the
background; this module is only the storage, with no Rasa in it, so the CLI and erasure can use
it too.

Layout under the outbox folder (``settings.outbox_dir``)::

    <created>-<id>.json      waiting; the file holds its own schedule (see :class:`Entry`)
    claimed/<same name>      being replayed by one worker (claimed by an atomic rename)
    failed/<same name>       set aside (dead letter): a 4xx, unreadable, or too many attempts

Several Rasa workers (and instances on one disk) share the folder: a file is replayed only by
the worker whose ``rename`` into ``claimed/`` succeeded. A claim older than
:data:`CLAIM_LEASE_SECONDS` (its worker died) goes back to the queue. Every write is atomic
(a temporary file, then a rename) and readable by the owner only: the calls hold the whole
tracker, personal data included, so files expire after ``retention_days`` wherever they are,
and :func:`erase_outbox_for` removes one customer's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CLAIMED = "claimed"
FAILED = "failed"
#: A claim older than this is taken as its worker's death; the file is queued again.
CLAIM_LEASE_SECONDS = 600.0
#: The longest pause between two attempts at one file.
LONGEST_PAUSE_SECONDS = 3600.0
_VERSION = 1
_DAY = 86400.0


def backoff(attempts: int, first: float, longest: float = LONGEST_PAUSE_SECONDS) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: ``first``, doubling, capped."""
    return float(min(longest, first * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Entry:
    """One kept action call and its schedule."""

    path: Path
    created_at: float
    attempts: int
    next_attempt_at: float
    sender_id: str
    action: str
    call: dict[str, Any]
    last_error: str | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def as_json(self) -> dict[str, Any]:
        return {
            "version": _VERSION,
            "created_at": self.created_at,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at,
            "sender_id": self.sender_id,
            "action": self.action,
            "last_error": self.last_error,
            "reason": self.reason,
            "call": self.call,
        }


class UnreadableEntry(ValueError):
    """The file is not an action call this outbox wrote."""


def _created_from_name(path: Path) -> float | None:
    try:
        return float(path.name.split("-", 1)[0])
    except ValueError:
        return None


def read_entry(path: Path) -> Entry:
    """The entry in ``path``; a bare action call (the format before the schedule) is read as a
    first attempt. Raises :class:`UnreadableEntry` for anything else."""
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as error:
        raise UnreadableEntry(f"not JSON: {error}") from error
    if not isinstance(data, dict):
        raise UnreadableEntry("not a JSON object")
    if "call" not in data and "next_action" in data:  # the format before the schedule
        created = _created_from_name(path) or path.stat().st_mtime
        data = {"created_at": created, "attempts": 0, "next_attempt_at": created, "call": data}
    call = data.get("call")
    if not isinstance(call, dict) or not isinstance(call.get("next_action"), str):
        raise UnreadableEntry("no action call in it")
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        tracker = {}
    try:
        created_at = float(data["created_at"])
        return Entry(
            path=path,
            created_at=created_at,
            attempts=int(data.get("attempts", 0)),
            next_attempt_at=float(data.get("next_attempt_at") or created_at),
            sender_id=str(data.get("sender_id") or tracker.get("sender_id") or ""),
            action=call["next_action"],
            call=call,
            last_error=data.get("last_error"),
            reason=data.get("reason"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableEntry(f"bad schedule: {error}") from error


def _write_atomically(target: Path, payload: dict[str, Any]) -> None:
    """``payload`` as JSON in ``target``: a private temporary file, then one rename."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class Outbox:
    """The outbox folder: keep, claim, reschedule, set aside, expire and erase calls.

    Every method takes the time (``now``, seconds since the epoch) as an argument, so the
    schedule is tested without waiting.
    """

    def __init__(
        self,
        directory: Path,
        retention_days: float = 7,
        max_attempts: int = 12,
        first_retry_seconds: float = 10.0,
    ) -> None:
        self.directory = directory
        self.retention_seconds = retention_days * _DAY
        self.max_attempts = max_attempts
        self.first_retry_seconds = first_retry_seconds
        #: file name -> (mtime_ns, next attempt): the scan reads each file once per change.
        self._schedule: dict[str, tuple[int, float]] = {}

    @property
    def claimed_dir(self) -> Path:
        return self.directory / CLAIMED

    @property
    def failed_dir(self) -> Path:
        return self.directory / FAILED

    # -- keeping ------------------------------------------------------------------------------

    def keep(self, call: dict[str, Any], now: float) -> Path:
        """Keep ``call`` (an action server's request body), due after the first pause."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tracker = call.get("tracker")
        if not isinstance(tracker, dict):
            tracker = {}
        entry = Entry(
            path=self.directory / f"{now:.6f}-{uuid.uuid4().hex}.json",
            created_at=now,
            attempts=0,
            next_attempt_at=now + self.first_retry_seconds,
            sender_id=str(tracker.get("sender_id") or ""),
            action=str(call.get("next_action") or ""),
            call=call,
        )
        _write_atomically(entry.path, entry.as_json())
        return entry.path

    def waiting(self) -> list[Path]:
        """The files waiting for a replay, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.json"))

    # -- the replay's side ----------------------------------------------------------------------

    def due(self, now: float) -> list[Path]:
        """The waiting files whose next attempt is due, oldest first. A file that cannot be read
        is due at once: :meth:`claim` sets it aside, so it never blocks the others."""
        found: list[Path] = []
        seen: set[str] = set()
        for path in self.waiting():
            seen.add(path.name)
            try:
                stamp = path.stat().st_mtime_ns
                cached = self._schedule.get(path.name)
                if cached is None or cached[0] != stamp:
                    cached = (stamp, read_entry(path).next_attempt_at)
                    self._schedule[path.name] = cached
            except FileNotFoundError:  # another worker claimed it meanwhile
                continue
            except (OSError, UnreadableEntry):
                found.append(path)
                continue
            if cached[1] <= now:
                found.append(path)
        for name in set(self._schedule) - seen:
            del self._schedule[name]
        return found

    def claim(self, path: Path, now: float) -> Entry | None:
        """Take ``path`` for this worker (``None``: another worker has it). A file that cannot
        be read is set aside, and :class:`UnreadableEntry` raised."""
        self.claimed_dir.mkdir(parents=True, exist_ok=True)
        target = self.claimed_dir / path.name
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return None
        with contextlib.suppress(OSError):
            os.utime(target, (now, now))  # the lease starts now
        try:
            return read_entry(target)
        except (OSError, UnreadableEntry) as error:
            self.set_aside(target, f"unreadable: {error}")
            raise UnreadableEntry(str(error)) from error

    def release_stale_claims(self, now: float) -> int:
        """Queue again the claims of workers that died (older than the lease)."""
        released = 0
        if not self.claimed_dir.is_dir():
            return 0
        for path in self.claimed_dir.glob("*.json"):
            try:
                info = path.stat()
                if max(info.st_mtime, info.st_ctime) + CLAIM_LEASE_SECONDS > now:
                    continue
                os.rename(path, self.directory / path.name)
            except FileNotFoundError:
                continue
            released += 1
            logger.warning("outbox: %s was claimed by a worker that stopped; queued again",
                           path.name)
        return released

    def done(self, entry: Entry) -> None:
        """The call ran: forget it."""
        entry.path.unlink(missing_ok=True)

    def failed(self, entry: Entry, error: str, now: float) -> Entry | None:
        """The attempt failed for a passing reason: try again later with a longer pause; after
        ``max_attempts`` the file is set aside. Returns the rescheduled entry (``None``: set
        aside, or erased meanwhile)."""
        attempts = entry.attempts + 1
        if attempts >= self.max_attempts:
            self.set_aside(entry.path, f"{attempts} attempts failed; last: {error}", entry)
            return None
        again = Entry(
            path=self.directory / entry.name,
            created_at=entry.created_at,
            attempts=attempts,
            next_attempt_at=now + backoff(attempts, self.first_retry_seconds),
            sender_id=entry.sender_id,
            action=entry.action,
            call=entry.call,
            last_error=error[:500],
        )
        if not entry.path.exists():  # erased (or expired) while it ran: do not bring it back
            return None
        _write_atomically(again.path, again.as_json())  # first: a crash here loses nothing
        entry.path.unlink(missing_ok=True)
        logger.info("outbox: %s failed (attempt %d), next in %.0f s: %s",
                    entry.name, attempts, again.next_attempt_at - now, error)
        return again

    def set_aside(self, path: Path, reason: str, entry: Entry | None = None) -> Path | None:
        """Move ``path`` to the dead letters, with ``reason`` (kept in the file when it can be
        read), and log it."""
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        target = self.failed_dir / path.name
        try:
            if entry is not None:
                if not path.exists():  # erased (or expired) meanwhile
                    return None
                _write_atomically(target, {**entry.as_json(), "reason": reason[:500]})
                path.unlink(missing_ok=True)
            else:
                os.rename(path, target)
        except FileNotFoundError:
            return None
        self._schedule.pop(path.name, None)
        logger.error("outbox: %s set aside in %s: %s", path.name, self.failed_dir, reason)
        return target

    # -- the people's side (CLI) ---------------------------------------------------------------

    def dead_letters(self) -> list[tuple[Path, Entry | None]]:
        """The files set aside, oldest first, each with its entry when it can be read."""
        if not self.failed_dir.is_dir():
            return []
        letters: list[tuple[Path, Entry | None]] = []
        for path in sorted(self.failed_dir.glob("*.json")):
            try:
                letters.append((path, read_entry(path)))
            except (OSError, UnreadableEntry):
                letters.append((path, None))
        return letters

    def retry_dead_letter(self, name: str, now: float) -> bool:
        """Queue a set-aside file again, due at once, with its attempts counted afresh."""
        path = self._dead_letter(name)
        entry = read_entry(path)
        again = Entry(
            path=self.directory / path.name, created_at=entry.created_at, attempts=0,
            next_attempt_at=now, sender_id=entry.sender_id, action=entry.action,
            call=entry.call, last_error=entry.last_error,
        )  # fmt: skip
        _write_atomically(again.path, again.as_json())
        path.unlink()
        return True

    def drop_dead_letter(self, name: str) -> None:
        """Delete a set-aside file."""
        self._dead_letter(name).unlink()

    def _dead_letter(self, name: str) -> Path:
        path = self.failed_dir / name
        if Path(name).name != name or not name.endswith(".json") or not path.is_file():
            raise FileNotFoundError(f"no set-aside outbox file named {name!r}")
        return path

    # -- retention and erasure ---------------------------------------------------------------

    def _all_files(self) -> list[Path]:
        files: list[Path] = []
        for folder in (self.directory, self.claimed_dir, self.failed_dir):
            if folder.is_dir():
                files.extend(p for p in folder.iterdir() if p.is_file())
        return files

    def expire(self, now: float) -> int:
        """Delete every file (waiting, claimed or set aside) older than the retention."""
        cutoff = now - self.retention_seconds
        removed = 0
        for path in self._all_files():
            created = _created_from_name(path)
            try:
                if created is None:
                    created = path.stat().st_mtime
                if created < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        if removed:
            logger.warning("outbox: %d file(s) older than %.0f days deleted", removed,
                           self.retention_seconds / _DAY)
        return removed

    def files_of(self, sender_id: str) -> list[Path]:
        """Every file (waiting, claimed or set aside) of ``sender_id``, oldest first."""
        needle = json.dumps(sender_id, ensure_ascii=False)
        found: list[Path] = []
        for path in sorted(self._all_files(), key=lambda p: p.name):
            try:
                try:
                    mine = read_entry(path).sender_id == sender_id
                except UnreadableEntry:  # not attributable: look for the id in the raw text
                    mine = needle in path.read_bytes().decode("utf-8", "replace")
            except FileNotFoundError:
                continue
            if mine:
                found.append(path)
        return found

    def erase_for(self, sender_id: str) -> int:
        """Delete every file (waiting, claimed or set aside) of ``sender_id``; how many."""
        removed = 0
        for path in self.files_of(sender_id):
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
        return removed


def erase_outbox_for(sender_id: str, directory: Path) -> int:
    """Delete every outbox file of ``sender_id`` under ``directory`` (``settings.outbox_dir``),
    waiting, being replayed or set aside; returns how many. For customer erasure."""
    return Outbox(directory).erase_for(sender_id)
