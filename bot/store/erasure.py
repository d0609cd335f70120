"""Export or erase everything stored about one customer (one ``sender_id``).

A customer's data lives in three places of the one database:

* ``complaints`` rows with the customer's ``sender_id`` (ticket, description, contact, ...);
* rows that point at those complaints (``complaint_events``: the event log with agent notes,
  agent replies and the customer's messages during a handoff);
* Rasa's SQL tracker store table ``events``: the whole transcript, keyed by ``sender_id``;
* ``customer_keys`` (the contact and order references the conversation gave) and
  ``contact_verifications`` (one-time codes), keyed by ``sender_id``; a ``customers`` row
  left with no key and no complaint is deleted with them.

Tables are found by reflection, so a table added later that has a ``sender_id`` column or a
foreign key to ``complaints`` is exported and erased too. The erasure runs in one transaction.

Each erasure is audited on the ``bot.audit`` logger (actor, time, row counts and a keyed
digest of the sender id that lets someone who already knows the id confirm it was erased,
but does not reveal it), so the audit trail keeps no personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, delete, inspect, select
from sqlalchemy.engine import Connection

from bot.store.db import get_engine

audit_logger = logging.getLogger("bot.audit")

COMPLAINTS = "complaints"
#: Customers recognised across conversations (bot.store.customers): the keys carry the
#: ``sender_id`` that gave them; a customer left without keys or complaints is deleted.
CUSTOMERS = "customers"
CUSTOMER_KEYS = "customer_keys"
#: Rasa's SQL tracker store table.
TRACKER_EVENTS = "events"


@dataclass
class ErasureReceipt:
    """What an erasure removed: rows per table, and the audit digest."""

    subject_digest: str
    rows: dict[str, int] = field(default_factory=dict)
    tickets: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject_digest": self.subject_digest,
            "rows": dict(self.rows),
            "total": self.total,
            "tickets": list(self.tickets),
        }


def subject_digest(sender_id: str, secret_key: str) -> str:
    """A keyed, one-way digest of ``sender_id`` for the audit log."""
    key = secret_key.encode()
    return hmac.new(key, b"erasure:" + sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _tables(connection: Connection) -> dict[str, Table]:
    """Every table of the database, reflected."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return dict(metadata.tables)


def _plan(tables: dict[str, Table]) -> tuple[list[Table], list[tuple[Table, str]]]:
    """Tables keyed by ``sender_id`` (complaints last), and (table, column) pairs that point
    at ``complaints.id``."""
    by_sender = [t for t in tables.values() if "sender_id" in t.c and t.name != COMPLAINTS]
    if COMPLAINTS in tables:
        by_sender.append(tables[COMPLAINTS])
    children: list[tuple[Table, str]] = []
    for table in tables.values():
        for key in table.foreign_keys:
            if key.column.table.name == COMPLAINTS and table.name != COMPLAINTS:
                children.append((table, key.parent.name))
    return by_sender, children


def _json_safe(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _rows(connection: Connection, table: Table, column: str, values: list[Any]) -> list[dict]:
    if not values:
        return []
    query = select(table).where(table.c[column].in_(values))
    if "id" in table.c:
        query = query.order_by(table.c.id)
    return [
        {key: _json_safe(value) for key, value in row._mapping.items()}
        for row in connection.execute(query)
    ]


def _complaint_ids(connection: Connection, tables: dict[str, Table], sender_id: str) -> list[int]:
    complaints = tables.get(COMPLAINTS)
    if complaints is None:
        return []
    query = select(complaints.c.id).where(complaints.c.sender_id == sender_id)
    return [row[0] for row in connection.execute(query)]


def _delete_orphan_customers(connection: Connection, tables: dict[str, Table]) -> int:
    """Delete ``customers`` rows that no key and no complaint points at any more: a customer
    record whose conversations were all erased (it holds no personal data, but it goes too)."""
    customers, keys = tables.get(CUSTOMERS), tables.get(CUSTOMER_KEYS)
    complaints = tables.get(COMPLAINTS)
    if customers is None or keys is None or complaints is None:
        return 0
    linked = select(complaints.c.customer_id).where(complaints.c.customer_id.isnot(None))
    result = connection.execute(
        delete(customers).where(
            customers.c.id.not_in(select(keys.c.customer_id)), customers.c.id.not_in(linked)
        )
    )
    return int(result.rowcount or 0)


def export_customer(sender_id: str, url: str) -> dict[str, Any]:
    """Every stored row about ``sender_id``, by table (JSON-safe)."""
    with get_engine(url).connect() as connection:
        tables = _tables(connection)
        by_sender, children = _plan(tables)
        ids = _complaint_ids(connection, tables, sender_id)
        data: dict[str, list[dict]] = {}
        for table in by_sender:
            data[table.name] = _rows(connection, table, "sender_id", [sender_id])
        for table, column in children:
            rows = data.setdefault(table.name, [])
            # A table keyed by sender_id that also points at complaints lists a row once.
            seen = {row.get("id") for row in rows if row.get("id") is not None}
            rows.extend(
                row for row in _rows(connection, table, column, ids) if row.get("id") not in seen
            )
    return {"sender_id": sender_id, "tables": data}


def erase_customer(sender_id: str, actor: str, url: str, secret_key: str) -> ErasureReceipt:
    """Delete every row about ``sender_id`` in one transaction, and audit it."""
    receipt = ErasureReceipt(subject_digest(sender_id, secret_key))
    with get_engine(url).begin() as connection:
        tables = _tables(connection)
        by_sender, children = _plan(tables)
        ids = _complaint_ids(connection, tables, sender_id)
        complaints = tables.get(COMPLAINTS)
        if complaints is not None and ids:
            query = select(complaints.c.ticket).where(complaints.c.id.in_(ids))
            receipt.tickets = sorted(row[0] for row in connection.execute(query))
        for table, column in children:
            if ids:
                result = connection.execute(delete(table).where(table.c[column].in_(ids)))
                receipt.rows[table.name] = receipt.rows.get(table.name, 0) + result.rowcount
        for table in by_sender:
            result = connection.execute(delete(table).where(table.c.sender_id == sender_id))
            receipt.rows[table.name] = receipt.rows.get(table.name, 0) + result.rowcount
        orphans = _delete_orphan_customers(connection, tables)
        if orphans:
            receipt.rows[CUSTOMERS] = orphans
    audit_logger.warning(
        "customer data erased: subject=%s actor=%s rows=%s",
        receipt.subject_digest,
        actor,
        json.dumps(receipt.rows, sort_keys=True),
    )
    return receipt


def stored_rows(sender_id: str, url: str) -> dict[str, int]:
    """How many rows each table still holds about ``sender_id`` (tests and the CLI)."""
    exported = export_customer(sender_id, url)["tables"]
    return {name: len(rows) for name, rows in exported.items()}


def has_tables(url: str) -> bool:
    """Whether the database has the complaint tables at all (migrated)."""
    return COMPLAINTS in inspect(get_engine(url)).get_table_names()
