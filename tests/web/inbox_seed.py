"""A day's queue for the console's inbox tests: several hundred complaints in every state,
language, category and deadline, written to a real (migrated) store, with what each view and
filter must return worked out from the same specification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from bot.store import append_event, create_agent, create_complaint, session_scope, set_status

PASSWORD = "correct horse battery"
#: (slot, script, registry code)
LANGUAGES = (
    ("en", "latin", "en"),
    ("hr", "latin", "hr"),
    ("sr", "latin", "sr_latn"),
    ("sr", "cyrillic", "sr_cyrl"),
    ("bs", "latin", "bs"),
)
CATEGORIES = ("delivery", "billing", "product_quality", "technical", "service_quality", "safety")
#: What each complaint of the seed is, by index modulo 6.
KINDS = ("queue", "mine_unread", "mine_waiting", "bot", "resolved", "other_agent")


@dataclass
class Seeded:
    tickets: list[str] = field(default_factory=list)
    kind: dict[str, str] = field(default_factory=dict)
    language: dict[str, str] = field(default_factory=dict)
    category: dict[str, str] = field(default_factory=dict)
    overdue: set[str] = field(default_factory=set)
    live: set[str] = field(default_factory=set)
    status: dict[str, str] = field(default_factory=dict)

    def where(self, **wanted: str) -> set[str]:
        return {
            ticket
            for ticket in self.tickets
            if all(getattr(self, name)[ticket] == value for name, value in wanted.items())
        }

    def view(self, name: str) -> set[str]:
        active = {t for t in self.tickets if self.status[t] in ("open", "escalated", "in_progress")}
        if name == "needs_person":
            return {t for t in self.tickets if self.status[t] == "escalated"}
        if name == "mine":
            return {t for t in active if self.kind[t] in ("mine_unread", "mine_waiting")}
        if name == "unassigned":
            return {t for t in active if self.kind[t] in ("queue", "bot")}
        if name == "waiting":
            return {t for t in active if self.kind[t] in ("mine_waiting", "other_agent")}
        return set(self.tickets)


def seed_inbox(url: str, count: int = 300, me: str = "ana") -> Seeded:
    """``count`` complaints; agents ``ana`` (agent), ``ivo`` (agent) and ``boss`` (admin)."""
    now = datetime.now(timezone.utc)
    seeded = Seeded()
    with session_scope(url) as session:
        for name, role, display in (
            (me, "agent", "Ana Horvat"),
            ("ivo", "agent", "Ivo Ivić"),
            ("boss", "admin", "Boss"),
        ):
            create_agent(session, username=name, password=PASSWORD, role=role, display_name=display)
        for index in range(count):
            kind = KINDS[index % len(KINDS)]
            slot, script, code = LANGUAGES[index % len(LANGUAGES)]
            category = CATEGORIES[index % len(CATEGORIES)]
            overdue = index % 7 == 0
            created = now - timedelta(hours=30 if overdue else 2, minutes=index)
            complaint = create_complaint(
                session,
                sender_id=f"sender-{index}",
                channel="socketio",
                language=slot,
                script=script,
                category=category,
                severity=1 + index % 4,
                anger_score=0.1,
                description=f"Complaint number {index} about {category}",
                escalation_reasons=["human_request"] if kind == "queue" else [],
                deadline_hours=24,
                prefix="C",
                now=created,
            )
            ticket = complaint.ticket
            status = complaint.status
            if kind == "queue":
                live = index % 12 == 0
                at = now - timedelta(minutes=5) if live else created + timedelta(minutes=1)
                append_event(session, complaint, "handoff_requested", "bot", now=at)
                if live:
                    seeded.live.add(ticket)
                status = "escalated"
            elif kind in ("mine_unread", "mine_waiting", "other_agent"):
                holder = "ivo" if kind == "other_agent" else me
                at = created + timedelta(minutes=2)
                set_status(session, complaint, "in_progress", f"agent:{holder}", now=at)
                complaint.assigned_agent = holder
                append_event(session, complaint, "taken_over", f"agent:{holder}", now=at)
                append_event(
                    session,
                    complaint,
                    "message_agent",
                    f"agent:{holder}",
                    {"text": f"Hello from {holder} on {index}"},
                    now=at + timedelta(minutes=1),
                )
                if kind == "mine_unread":
                    append_event(
                        session,
                        complaint,
                        "message_customer",
                        "customer",
                        {"text": f"Customer answer {index}"},
                        now=at + timedelta(minutes=3),
                    )
                status = "in_progress"
            elif kind == "resolved":
                set_status(session, complaint, "resolved", "bot", now=created)
                status = "resolved"
            seeded.tickets.append(ticket)
            seeded.kind[ticket] = kind
            seeded.language[ticket] = code
            seeded.category[ticket] = category
            seeded.status[ticket] = status
            if overdue:
                seeded.overdue.add(ticket)
    return seeded
