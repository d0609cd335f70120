"""Canned replies: ready-made agent replies per language, kept by admins in the console.

The first set comes from ``data/canned_replies.json`` (written by migration 0007); after
that the table is the truth. A text may hold the placeholders ``{ticket}``, ``{name}`` (the
agent's name) and ``{deadline}``, which the console fills in for the open complaint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.store.db import StoreError
from bot.store.tables import CANNED_TEXT_LENGTH, CANNED_TITLE_LENGTH, CannedReply, utcnow
from bot.text.languages import languages

DEFAULTS_FILE = Path(__file__).with_name("data") / "canned_replies.json"
#: The placeholders a canned reply may use.
PLACEHOLDERS: tuple[str, ...] = ("ticket", "name", "deadline")


def default_replies(path: Path = DEFAULTS_FILE) -> list[dict[str, str]]:
    """The first set of canned replies, as rows (``language``, ``title``, ``text``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        {"language": code, "title": entry["title"], "text": entry["text"]}
        for code, entries in data.items()
        for entry in entries
    ]


def canned_to_dict(row: CannedReply) -> dict[str, Any]:
    return {
        "id": row.id,
        "language": row.language,
        "title": row.title,
        "text": row.text,
        "updated_by": row.updated_by,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def _checked(language: str, title: str, text: str) -> tuple[str, str, str]:
    if language not in languages().codes:
        raise StoreError(f"language must be one of {', '.join(languages().codes)}")
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise StoreError("a canned reply needs a title and a text")
    if len(title) > CANNED_TITLE_LENGTH or len(text) > CANNED_TEXT_LENGTH:
        raise StoreError(
            f"a title has at most {CANNED_TITLE_LENGTH} characters, "
            f"a text at most {CANNED_TEXT_LENGTH}"
        )
    return language, title, text


def list_canned(
    session: Session, language: str | None = None, query: str = ""
) -> list[dict[str, Any]]:
    """Canned replies, in ``language`` when given, whose title or text contains ``query``."""
    statement = select(CannedReply)
    if language:
        statement = statement.where(CannedReply.language == language)
    if query.strip():
        escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        statement = statement.where(
            or_(
                CannedReply.title.ilike(pattern, escape="\\"),
                CannedReply.text.ilike(pattern, escape="\\"),
            )
        )
    statement = statement.order_by(CannedReply.language, CannedReply.title, CannedReply.id)
    return [canned_to_dict(row) for row in session.execute(statement).scalars()]


def save_canned(
    session: Session,
    *,
    language: str,
    title: str,
    text: str,
    actor: str,
    reply_id: int | None = None,
) -> dict[str, Any]:
    """Create a canned reply, or change the one with ``reply_id``."""
    language, title, text = _checked(language, title, text)
    if reply_id is None:
        row = CannedReply(language=language)
        session.add(row)
    else:
        found = session.get(CannedReply, reply_id)
        if found is None:
            raise LookupError(f"no canned reply {reply_id}")
        row = found
        row.language = language
    row.title, row.text, row.updated_by, row.updated_at = title, text, actor, utcnow()
    session.flush()
    return canned_to_dict(row)


def delete_canned(session: Session, reply_id: int) -> None:
    row = session.get(CannedReply, reply_id)
    if row is None:
        raise LookupError(f"no canned reply {reply_id}")
    session.delete(row)
