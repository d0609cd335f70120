"""The Rasa project's files as the studio reads and writes them.

* **Versions.** Every read returns the version of the file(s) it shows: a short SHA-256 of
  the bytes (``"absent"`` for a file that does not exist yet). A save names the versions it
  was based on; when a file it changes has moved on, the save is refused with a 409
  (:class:`~bot.studio.errors.StaleVersion`): two trainers never silently overwrite each
  other. Saves without versions (adding an example or a test story, the CLI) only
  add, under the same lock, so they lose nothing either.
* **One writer at a time.** A save holds an exclusive ``flock`` on ``var/studio/project.lock``
  (shared by the web server, the CLI and studio-ops' jobs) from reading to writing.
* **Validated.** The changed project is written to a temporary directory and checked with
  Rasa's validator (:mod:`bot.studio.validation`) before anything is written.
* **Round-trip.** Files are parsed and written with :mod:`bot.studio.yamlio`, then replaced
  atomically (write to a temporary file, ``os.replace``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML

from bot.studio.errors import StaleVersion, StudioError
from bot.studio.files import (
    CONFIG,
    CORE_FILES,
    DOMAIN,
    LANGUAGE_NAMES,
    LANGUAGES,
    LOCK_FILE,
    RULES,
    STORIES,
    check_language,
    nlu_file,
    nlu_files,
    project_files,
    test_file,
)
from bot.studio.validation import validate_change
from bot.studio.yamlio import Document, loads

__all__ = [
    "CONFIG",
    "CORE_FILES",
    "DOMAIN",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LOCK_FILE",
    "RULES",
    "STORIES",
    "Change",
    "check_language",
    "nlu_file",
    "nlu_files",
    "project_files",
    "read_data",
    "save",
    "test_file",
    "versions",
]

T = TypeVar("T")

_TEMPLATES: dict[str, str] = {
    STORIES: 'version: "3.1"\nstories:\n',
    RULES: 'version: "3.1"\nrules:\n',
}


def _path(root: Path, rel: str) -> Path:
    if rel not in project_files():
        raise StudioError(f"{rel!r} is not a project file the studio edits.", status=404)
    return Path(root) / rel


def version_of(content: bytes | None) -> str:
    return "absent" if content is None else hashlib.sha256(content).hexdigest()[:16]


def read_bytes(root: Path, rel: str) -> bytes | None:
    path = _path(root, rel)
    return path.read_bytes() if path.is_file() else None


def versions(root: Path, rels: Sequence[str]) -> dict[str, str]:
    """The current version of each of ``rels``."""
    return {rel: version_of(read_bytes(root, rel)) for rel in rels}


_FAST = YAML(typ="safe", pure=False)


def read_data(root: Path, rel: str) -> Any:
    """Plain data of a project file for reading (fast C loader); None when it is absent."""
    content = read_bytes(root, rel)
    if content is None:
        return None
    try:
        return _FAST.load(content.decode("utf-8"))
    except Exception as problem:  # a hand-edited file may be broken; say so plainly
        raise StudioError(f"{rel} cannot be read: {problem}", status=422) from problem


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Exclusive lock on the project for one read-modify-validate-write."""
    path = Path(root) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Change:
    """The files one save reads and changes; handed to the edit function of :func:`save`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.loaded: dict[str, tuple[str, Document]] = {}  # rel -> (version, document)
        self.changed: set[str] = set()

    def doc(self, rel: str) -> Any:
        """The round-trip data of ``rel`` (a new file from a template when it is absent)."""
        if rel not in self.loaded:
            content = read_bytes(self.root, rel)
            if content is None:
                template = _TEMPLATES.get(rel, 'version: "3.1"\n')
                self.loaded[rel] = ("absent", loads(template, rel))
            else:
                try:
                    text = content.decode("utf-8")
                except UnicodeDecodeError as problem:
                    raise StudioError(f"{rel} is not UTF-8 text.") from problem
                key = str(_path(self.root, rel).resolve())
                self.loaded[rel] = (version_of(content), loads(text, rel, key))
        return self.loaded[rel][1].data

    def changes(self, rel: str) -> Any:
        """Like :meth:`doc`, and mark ``rel`` as changed by this save."""
        data = self.doc(rel)
        self.changed.add(rel)
        return data

    def texts(self) -> dict[str, str]:
        return {rel: self.loaded[rel][1].dumps() for rel in sorted(self.changed)}


def save(
    root: Path,
    edit: Callable[[Change], T],
    expected: Mapping[str, str] | None = None,
    validate: bool = True,
) -> tuple[T, dict[str, str]]:
    """Run ``edit`` on the project under the lock, refuse stale or invalid results, write.

    ``expected`` maps files to the versions the trainer saw; each changed file listed there
    must still have that version. Returns ``edit``'s result and the new versions of the
    changed files.
    """
    root = Path(root)
    with project_lock(root):
        change = Change(root)
        result = edit(change)
        for rel in sorted(change.changed):
            seen = (expected or {}).get(rel)
            if seen is not None and seen != change.loaded[rel][0]:
                raise StaleVersion(rel)
        texts = change.texts()
        texts = {rel: text for rel, text in texts.items() if text != _current_text(root, rel)}
        if texts and validate:
            validate_change(root, texts)
        for rel, text in texts.items():
            _write_atomically(root / rel, text)
        return result, versions(root, sorted(change.changed))


def _current_text(root: Path, rel: str) -> str | None:
    content = read_bytes(root, rel)
    return None if content is None else content.decode("utf-8", errors="replace")


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
