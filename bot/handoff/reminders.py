"""Commitment reminders and missed-commitment alerts, and telling the customer one was kept.

:func:`run_sweep` runs :func:`bot.store.commitments.sweep` in one transaction and, once it is
committed, hands one :class:`Notice` per reminder and per missed commitment to a **sender**:
any callable taking a notice (the e-mail seam; :func:`log_sender` when no mail is set up). The
console shows the same reminders from the store (``reminded_at``), so a notice a sender could
not deliver is still seen there.

* a reminder goes to the commitment's owner (``audience`` ``owner``), or to the team when the
  team owns it (the bot's "we will answer by ...");
* a missed commitment goes to the supervisors (``audience`` ``supervisors``: staff with the
  ``admin`` role), naming the owner.

The sweep runs as a background task of the Rasa server (:mod:`bot.ops.commitment_sweep`) and
as ``python -m bot commitments sweep`` for cron; both pass the time in, so tests control it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML

from bot import store
from bot.store.commitments import SweepResult, sweep
from bot.store.tables import COMMITMENT_KINDS
from bot.text.languages import languages

logger = logging.getLogger(__name__)

TEXTS_FILE = Path(__file__).with_name("data") / "commitments.yml"
AUDIENCES: tuple[str, ...] = ("owner", "team", "supervisors")


@dataclass(frozen=True)
class Notice:
    """One reminder or alert for staff: who gets it, the subject and text, the commitment."""

    kind: str  # reminder | missed
    audience: str  # owner | team | supervisors
    username: str | None  # the owner's username, when there is one
    subject: str
    text: str
    commitment: dict[str, Any]


#: Delivers a notice (e-mail); called off the event loop, after the sweep was committed.
Sender = Callable[[Notice], None]


def log_sender(notice: Notice) -> None:
    """The sender when no mail is configured: the notice goes to the log (the console shows
    the reminders and missed commitments all the same)."""
    logger.info("commitment %s for %s: %s", notice.kind, notice.audience, notice.subject)


@cache
def texts() -> dict[str, Any]:
    """The texts of ``data/commitments.yml`` (reads a file: call it off the event loop)."""
    with TEXTS_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict) or not {"staff", "told"} <= set(data):
        raise ValueError(f"{TEXTS_FILE.name}: expected 'staff' and 'told' mappings")
    missing = [kind for kind in COMMITMENT_KINDS if kind not in data["told"]]
    if missing:
        raise ValueError(f"{TEXTS_FILE.name}: no customer text for {', '.join(missing)}")
    return data


def told_text(kind: str, ticket: str, language: str | None, script: str | None) -> str:
    """What the customer is told when a ``kind`` commitment was kept, in their language."""
    registry = languages()
    entry = registry.for_slots(language, script)
    return registry.text(texts()["told"][kind], entry).format(ticket=ticket)


def _when(moment: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def notices(result: SweepResult, timezone_name: str) -> list[Notice]:
    """The notices of one sweep: a reminder per reminded, an alert per missed commitment."""
    staff = texts()["staff"]
    zone = ZoneInfo(timezone_name)
    found: list[Notice] = []
    for kind, items in (("missed", result.missed), ("reminder", result.reminded)):
        for item in items:
            values = {
                "ticket": item["ticket"],
                "kind": item["kind"].replace("_", "-"),
                "due": _when(item["due_at"], zone),
                "owner": item["owner"] or "the team",
                "note": item["note"] or "",
            }
            audience = "supervisors" if kind == "missed" else "owner" if item["owner"] else "team"
            found.append(
                Notice(
                    kind=kind,
                    audience=audience,
                    username=item["owner"],
                    subject=staff[f"{kind}_subject"].format(**values),
                    text=staff[f"{kind}_text"].format(**values).replace("\n\n", "\n"),
                    commitment=item,
                )
            )
    return found


def run_sweep(
    url: str,
    now: datetime,
    lead: timedelta,
    send: Sender = log_sender,
    timezone_name: str = "UTC",
) -> tuple[SweepResult, list[Notice]]:
    """Sweep the commitments as of ``now`` (committed), then send each notice; a sender that
    fails is logged and the next notice sent all the same."""
    with store.session_scope(url) as session:
        result = sweep(session, now, lead)
    sent = notices(result, timezone_name)
    for notice in sent:
        try:
            send(notice)
        except Exception:
            logger.exception(
                "could not send the commitment %s for %s",
                notice.kind,
                notice.commitment.get("ticket"),
            )
    return result, sent


def addresses(
    notice: Notice, *, team_email: str, supervisor_email: str, staff_emails: dict[str, str]
) -> tuple[str, ...]:
    """Where ``notice`` is e-mailed: the owner's address (``staff_emails``), the team's, or
    the supervisors'; empty when none is configured (the console still shows it)."""
    if notice.audience == "supervisors":
        found = supervisor_email
    elif notice.audience == "team":
        found = team_email
    else:
        found = staff_emails.get(notice.username or "", "") or team_email
    return (found,) if found else ()
