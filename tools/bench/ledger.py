"""Nothing lost: the complaints the customers were given a ticket for, against the database.

Every conversation that ended in a complaint (the bot named a ticket) must have exactly that
complaint stored, under the conversation's sender id. A ticket without its row is a lost
complaint. A row whose conversation did not end in a complaint on the customer's side (cut
short by an error) is reported too, so the two counts are only equal when nothing went astray.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from bot import store
from bot.store.tables import Complaint
from tools.bench.load import ConversationRecord

#: Sender ids per query (SQLite limits the number of bound parameters).
_CHUNK = 400


@dataclass(frozen=True)
class Ledger:
    conversations: int
    ended_in_complaint: int
    rows: int
    #: (sender id, ticket) the customer was told but the database does not hold.
    lost: tuple[tuple[str, str], ...] = ()
    #: (sender id, ticket) stored for a conversation that did not end in a complaint.
    unconfirmed: tuple[tuple[str, str], ...] = field(default=())

    @property
    def balanced(self) -> bool:
        return not self.lost and not self.unconfirmed and self.rows == self.ended_in_complaint


def stored_complaints(database_url: str, sender_ids: Iterable[str]) -> set[tuple[str, str]]:
    """(sender id, ticket) of every stored complaint of these senders."""
    senders = sorted({sender for sender in sender_ids if sender})
    found: set[tuple[str, str]] = set()
    with store.session_scope(database_url) as session:
        for start in range(0, len(senders), _CHUNK):
            chunk = senders[start : start + _CHUNK]
            query = select(Complaint.sender_id, Complaint.ticket).where(
                Complaint.sender_id.in_(chunk)
            )
            found.update((row.sender_id, row.ticket) for row in session.execute(query))
    return found


def check(database_url: str, records: Sequence[ConversationRecord]) -> Ledger:
    """Compare the conversations' tickets with the database's rows."""
    told = {(record.sender_id, record.ticket) for record in records if record.ticket}
    rows = stored_complaints(database_url, (record.sender_id for record in records))
    return Ledger(
        conversations=len(records),
        ended_in_complaint=len(told),
        rows=len(rows),
        lost=tuple(sorted(told - rows)),
        unconfirmed=tuple(sorted(rows - told)),
    )
