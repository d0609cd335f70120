"""The lost-complaint check against a real (SQLite) complaint store."""

from __future__ import annotations

from bot import store
from tools.bench.ledger import check
from tools.bench.load import ConversationRecord


def _store_complaint(url: str, sender_id: str) -> str:
    with store.session_scope(url) as session:
        complaint = store.create_complaint(
            session,
            sender_id=sender_id,
            channel="rest",
            language="hr",
            script="latin",
            category="delivery",
            severity=2,
            anger_score=0.0,
            description="paket još nije stigao",
            deadline_hours=24,
            prefix="C",
        )
        return complaint.ticket


def _conversations(url: str) -> list[ConversationRecord]:
    """Four complaints stored and told, plus a conversation that was only praise."""
    records = [
        ConversationRecord(f"bench-{n}", "hr-delivery", _store_complaint(url, f"bench-{n}"), True)
        for n in range(4)
    ]
    records.append(ConversationRecord("bench-praise", "hr-praise", None, False))
    _store_complaint(url, "someone-else")  # not part of the benchmark
    return records


def test_every_told_complaint_stored_is_balanced(sqlite_url: str) -> None:
    ledger = check(sqlite_url, _conversations(sqlite_url))
    assert (ledger.conversations, ledger.ended_in_complaint, ledger.rows) == (5, 4, 4)
    assert ledger.lost == () and ledger.unconfirmed == ()
    assert ledger.balanced


def test_a_lost_complaint_is_detected(sqlite_url: str) -> None:
    records = _conversations(sqlite_url)
    # The bot named a ticket that never reached the database.
    records.append(ConversationRecord("bench-lost", "en-delivery", "C-LLLLLL", True))
    ledger = check(sqlite_url, records)
    assert not ledger.balanced
    assert ledger.lost == (("bench-lost", "C-LLLLLL"),)
    assert (ledger.ended_in_complaint, ledger.rows) == (5, 4)


def test_a_stored_row_under_the_wrong_ticket_is_not_counted_as_told(sqlite_url: str) -> None:
    records = _conversations(sqlite_url)
    first = records[0]
    records[0] = ConversationRecord(first.sender_id, first.script, "C-WWWWWW", True)
    ledger = check(sqlite_url, records)
    assert not ledger.balanced
    assert ledger.lost == ((first.sender_id, "C-WWWWWW"),)
    assert ledger.unconfirmed == ((first.sender_id, first.ticket),)


def test_a_complaint_cut_short_shows_as_unconfirmed(sqlite_url: str) -> None:
    records = _conversations(sqlite_url)
    ticket = _store_complaint(sqlite_url, "bench-cut")
    records.append(ConversationRecord("bench-cut", "hr-delivery", None, True, error="timeout"))
    ledger = check(sqlite_url, records)
    assert not ledger.balanced
    assert ledger.unconfirmed == (("bench-cut", ticket),)
    assert ledger.lost == ()
