"""Staff accounts: creation, password checks (Argon2 via argon2-cffi) and duty status."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, lambda_stmt, select
from sqlalchemy.orm import Session

from bot.store.db import StoreError, read_scope
from bot.store.tables import ROLES, Agent, StaffToken, utcnow

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_CHARS = 10
#: An agent on duty whose console has not been seen for this long no longer counts as present.
PRESENCE_TIMEOUT = timedelta(minutes=2)
_hasher = PasswordHasher()


def _check_username(username: object) -> str:
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        raise StoreError(
            "username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    return username


def create_agent(
    session: Session, *, username: str, password: str, role: str, display_name: str | None = None
) -> Agent:
    """A new staff account; the password is stored only as an Argon2 hash."""
    username = _check_username(username)
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise StoreError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if get_agent(session, username) is not None:
        raise StoreError(f"an account named {username!r} exists already")
    name = (display_name or username).strip()[:255] or username
    agent = Agent(
        username=username,
        display_name=name,
        password_hash=_hasher.hash(password),
        role=role,
        on_duty=False,
        active=True,
    )
    session.add(agent)
    session.flush()
    return agent


def get_agent(session: Session, username: object) -> Agent | None:
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        return None
    return session.query(Agent).filter(Agent.username == username).one_or_none()


def authenticate(session: Session, username: object, password: object) -> Agent | None:
    """The active account matching these credentials, or None. Never says which part failed."""
    agent = get_agent(session, username)
    if agent is None or not agent.active or not isinstance(password, str):
        _hasher.hash("timing-equaliser")
        return None
    try:
        _hasher.verify(agent.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(agent.password_hash):
        agent.password_hash = _hasher.hash(password)
    return agent


def _existing(session: Session, username: object) -> Agent:
    agent = get_agent(session, username)
    if agent is None:
        raise StoreError(f"no account named {username!r}")
    return agent


def revoke_tokens(session: Session, username: object, kind: str | None = None) -> int:
    """Delete the account's console sessions and API tokens (only ``kind`` when given): each
    is refused from its next request on. Returns how many."""
    agent = _existing(session, username)
    query = session.query(StaffToken).filter(StaffToken.agent_id == agent.id)
    if kind is not None:
        query = query.filter(StaffToken.kind == kind)
    return int(query.delete(synchronize_session=False))


def deactivate_agent(session: Session, username: object) -> int:
    """Close an account: it can no longer sign in, goes off duty, and every session and token
    it holds is revoked (returns how many). Its conversations go back to the queue once the
    presence sweep misses its console. The row stays, for the complaints' history."""
    agent = _existing(session, username)
    agent.active = False
    agent.on_duty = False
    return revoke_tokens(session, username)


def activate_agent(session: Session, username: object) -> None:
    """Reopen a closed account (it signs in again with its password)."""
    _existing(session, username).active = True


def set_on_duty(session: Session, agent: Agent, on_duty: bool, now: datetime | None = None) -> None:
    agent.on_duty = bool(on_duty)
    agent.last_seen_at = now or utcnow()


def mark_seen(session: Session, agent: Agent, now: datetime | None = None) -> None:
    agent.last_seen_at = now or utcnow()


def is_present(agent: Agent, now: datetime | None = None) -> bool:
    """Whether ``agent`` is really on duty: switched on duty, active, and its console seen
    within :data:`PRESENCE_TIMEOUT` (a console that was closed stops its heartbeat)."""
    cutoff = (now or datetime.now(timezone.utc)) - PRESENCE_TIMEOUT
    seen = agent.last_seen_at
    return bool(agent.on_duty and agent.active and seen is not None and seen >= cutoff)


def duty_state(agent: Agent, now: datetime | None = None) -> str:
    """``"on duty"``, ``"away"`` (on duty but its console has not been seen for a while) or
    ``"off duty"``: what the CLI and the console show."""
    if is_present(agent, now):
        return "on duty"
    return "away" if agent.on_duty and agent.active else "off duty"


def count_on_duty(session: Session, now: datetime | None = None) -> int:
    """Agents (or admins) on duty whose console was seen within PRESENCE_TIMEOUT."""
    cutoff = (now or datetime.now(timezone.utc)) - PRESENCE_TIMEOUT
    # built once, with the cutoff as its bound parameter: asked for every complaint's next step
    query = lambda_stmt(
        lambda: select(func.count(Agent.id)).where(
            Agent.on_duty.is_(True),
            Agent.active.is_(True),
            Agent.role.in_(("agent", "admin")),
            Agent.last_seen_at >= cutoff,
        )
    )
    return int(session.execute(query).scalar() or 0)


def agents_on_duty(url: str) -> int:
    """How many agents could take a conversation over right now (read without SQLite's write
    lock, which the conversations' own writes are waiting for)."""
    with read_scope(url) as session:
        return count_on_duty(session)
