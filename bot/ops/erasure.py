"""Export or erase one customer everywhere: database, outbox, event queue, project files, logs.

:mod:`bot.store.erasure` covers the database (complaints, their events, Rasa's tracker store,
and the event consumer's audit table ``conversation_events``, all found by their
``sender_id``). A customer's data also lives outside it, and this module covers that:

* **outbox files** (``var/outbox/``): action calls kept for replay hold the whole tracker;
  the files of the sender are deleted (:func:`bot.store.outbox.erase_outbox_for`);
* **the event queue**: events still waiting in RabbitMQ are first stored by the consumer
  (:func:`drain_event_queue`), so the database erasure takes them too; what arrives later is
  reported;
* **the project**: messages the review inbox copied into ``data/nlu`` as training examples or
  into ``tests/stories`` as test stories are removed (:mod:`bot.studio.customer_text`);
* **logs**: :mod:`bot.logmask` masks contact details, not sender ids, and log files cannot be
  rewritten safely while servers append to them; the log files under ``var/`` that name the
  sender are listed as work left for a person, with the other places nobody can search here.

:func:`erase_everywhere` returns what was removed and that list of what a person must still do.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ops.events import ConsumerConfig, consume
from bot.settings import Settings
from bot.store.erasure import ErasureReceipt, erase_customer, export_customer
from bot.store.outbox import Outbox, erase_outbox_for
from bot.studio.customer_text import find_copies, remove_copies

logger = logging.getLogger(__name__)

#: The suffixes of the files the log search reads (rotated logs included).
LOG_PATTERNS = ("*.log", "*.log.*")


@dataclass
class FullErasure:
    """What :func:`erase_everywhere` removed, and what a person must still do."""

    database: ErasureReceipt
    outbox_files: int = 0
    events_drained: int = 0
    project_copies: list[str] = field(default_factory=list)
    to_do: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.database.total + self.outbox_files + len(self.project_copies)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.database.as_dict(),
            "outbox_files": self.outbox_files,
            "events_drained": self.events_drained,
            "project_copies_removed": list(self.project_copies),
            "to_do": list(self.to_do),
        }


def drain_event_queue(settings: Settings, idle_seconds: float = 2.0) -> int:
    """Store the events waiting in RabbitMQ (so the erasure reaches them); returns how many."""
    if not settings.rabbitmq_url:
        return 0
    config = ConsumerConfig.from_settings(
        settings, idle_exit_seconds=idle_seconds, max_failed_writes=1
    )
    return asyncio.run(consume(config)).received


def log_files_naming(var_dir: Path, sender_id: str) -> list[tuple[Path, int]]:
    """(log file under ``var_dir``, lines naming ``sender_id``)."""
    found: list[tuple[Path, int]] = []
    if not var_dir.is_dir():
        return found
    paths = sorted({p for pattern in LOG_PATTERNS for p in var_dir.rglob(pattern) if p.is_file()})
    for path in paths:
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                lines = sum(1 for line in handle if sender_id in line)
        except OSError:
            continue
        if lines:
            found.append((path, lines))
    return found


def customer_texts(exported: dict[str, Any]) -> set[str]:
    """The customer's own messages in an export: what the review inbox may have copied."""
    texts: set[str] = set()
    tables = exported.get("tables", {})
    for row in tables.get("events", []):
        data = row.get("data")
        if row.get("type_name") == "user" and isinstance(data, dict):
            texts.add(str(data.get("text") or ""))
    for row in tables.get("conversation_events", []):
        body = row.get("body")
        if row.get("event_type") == "user" and isinstance(body, dict):
            texts.add(str(body.get("text") or ""))
    for row in tables.get("complaint_events", []):
        data = row.get("data")
        if row.get("kind") == "message_customer" and isinstance(data, dict):
            texts.add(str(data.get("text") or ""))
    return {text for text in texts if text.strip()}


def export_everywhere(settings: Settings, sender_id: str) -> dict[str, Any]:
    """:func:`bot.store.erasure.export_customer`, plus the outbox files and the project's
    copies of the customer's messages."""
    exported = export_customer(sender_id, settings.database_url)
    outbox = []
    for path in Outbox(settings.outbox_dir).files_of(sender_id):
        try:
            outbox.append({"file": path.name, "call": json.loads(path.read_text("utf-8"))})
        except (OSError, ValueError):
            outbox.append({"file": path.name, "call": None})
    copies = find_copies(settings.project_dir, customer_texts(exported))
    exported["outbox"] = outbox
    exported["project_copies"] = [
        {"file": c.file, "kind": c.kind, "name": c.name, "text": c.text} for c in copies
    ]
    return exported


def erase_everywhere(settings: Settings, sender_id: str, actor: str) -> FullErasure:
    """Erase ``sender_id`` from every store this program writes, and say what is left."""
    drained = drain_event_queue(settings)
    texts = customer_texts(export_customer(sender_id, settings.database_url))
    copies = find_copies(settings.project_dir, texts)
    remove_copies(settings.project_dir, copies)
    outbox = erase_outbox_for(sender_id, settings.outbox_dir)
    receipt = erase_customer(sender_id, actor, settings.database_url, settings.secret_key)
    result = FullErasure(receipt, outbox, drained, [c.describe() for c in copies])
    if copies:
        result.to_do.append(
            "customer text was removed from the project files listed in project_copies: if "
            "they are kept in git, commit the change and remove it from the history and any "
            "copies (backups, other clones), and retrain the model"
        )
    for path, lines in log_files_naming(settings.var_dir, sender_id):
        result.to_do.append(
            f"{path}: {lines} line(s) name the sender id; delete them or the file (logs mask "
            "contact details, not sender ids)"
        )
    result.to_do.append(
        "logs kept outside this machine's var/ (systemd journal, nginx access logs, a log "
        "collector) and database or RabbitMQ backups are not searched: remove the sender id "
        "there, or let their retention expire"
    )
    logger.info("erasure outside the database: outbox=%d drained=%d project=%d",
                outbox, drained, len(copies))
    return result


@dataclass(frozen=True)
class CustomerRecords:
    """Export and erasure over every store, as the staff app's admin routes call them
    (blocking: call through ``run_db``). The Rasa glue hands it to the app (``bot.web``
    cannot import ``bot.ops``)."""

    settings: Settings

    def export(self, sender_id: str) -> dict[str, Any]:
        return export_everywhere(self.settings, sender_id)

    def erase(self, sender_id: str, actor: str) -> dict[str, Any]:
        erasure = erase_everywhere(self.settings, sender_id, actor)
        return {**erasure.as_dict(), "total": erasure.total}


def listeners(settings: Settings) -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """A Sanic listener giving the app :class:`CustomerRecords` as ``app.ctx.customer_records``."""

    async def provide(app: Any, _loop: Any = None) -> None:
        app.ctx.customer_records = CustomerRecords(settings)

    return [(provide, "before_server_start")]
