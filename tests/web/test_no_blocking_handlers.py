"""No ``async def`` of the web layer blocks the event loop that answers customers.

Every coroutine in ``bot/web`` (the staff blueprints' handlers, the REST and widget channels)
is read with :mod:`ast`: it must not open a database session, hash or verify a password or
read a file itself, nor call a function of ``bot/web`` that does, except as an argument of
:func:`bot.store.blocking.run_db`, which runs it in a worker thread.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from bot.web import (
    auth,
    channel,
    commitments,
    console,
    customers,
    mail,
    rest,
    studio,
    studio_ops,
)
from bot.web.staff import STAFF_BLUEPRINTS
from tests.web.staff_routes import routes_of

MODULES = (auth, channel, commitments, console, customers, mail, rest, studio, studio_ops)
#: Calls that block: database sessions, argon2, file I/O.
BLOCKING_NAMES = frozenset(
    {
        "session_scope",
        "read_scope",
        "Session",
        "sessionmaker",
        "PasswordHasher",
        "open",
        "authenticate",
        "hash_password",
        "retry_db",
    }
)
BLOCKING_ATTRIBUTES = frozenset(
    {"verify", "read_text", "read_bytes", "write_text", "write_bytes", "session_scope"}
)
OFF_LOOP = "run_db"


def _called_name(call: ast.Call) -> tuple[str, bool]:
    """(name, is_attribute) of what ``call`` calls."""
    if isinstance(call.func, ast.Name):
        return call.func.id, False
    if isinstance(call.func, ast.Attribute):
        return call.func.attr, True
    return "", False


def _calls_outside_run_db(node: ast.AST) -> list[ast.Call]:
    """The calls in ``node``'s body, skipping the arguments of ``run_db(...)`` and nested defs."""
    found: list[ast.Call] = []

    def visit(current: ast.AST) -> None:
        for child in ast.iter_child_nodes(current):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(child, ast.Call):
                name, _ = _called_name(child)
                found.append(child)
                if name == OFF_LOOP:
                    continue  # what it is given runs in a worker thread
            visit(child)

    visit(node)
    return found


def _functions() -> tuple[dict[str, ast.FunctionDef], dict[str, ast.AsyncFunctionDef]]:
    sync: dict[str, ast.FunctionDef] = {}
    coroutines: dict[str, ast.AsyncFunctionDef] = {}
    for module in MODULES:
        tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            key = f"{module.__name__}.{getattr(node, 'name', '')}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.FunctionDef):
                sync[key] = node
            elif isinstance(node, ast.AsyncFunctionDef):
                coroutines[key] = node
    return sync, coroutines


def _is_blocking_call(call: ast.Call, blocking_functions: set[str]) -> bool:
    name, attribute = _called_name(call)
    if attribute:
        return name in BLOCKING_ATTRIBUTES
    return name in BLOCKING_NAMES or name in blocking_functions


def blocking_calls() -> list[str]:
    """``module.coroutine:line -> call`` for every blocking call made on the event loop."""
    sync, coroutines = _functions()
    # Sync helpers of bot/web that block, directly or through another such helper.
    blocking: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in sync.values():
            if node.name in blocking:
                continue
            if any(_is_blocking_call(call, blocking) for call in _calls_outside_run_db(node)):
                blocking.add(node.name)
                changed = True
    problems = []
    for key, node in coroutines.items():
        for call in _calls_outside_run_db(node):
            if _is_blocking_call(call, blocking):
                problems.append(f"{key} -> {ast.unparse(call)[:80]} (line {call.lineno})")
    return problems


def test_no_coroutine_of_the_web_layer_blocks_the_event_loop() -> None:
    assert blocking_calls() == []


def test_the_walk_sees_every_staff_handler() -> None:
    _, coroutines = _functions()
    walked = {key.split(":")[0] for key in coroutines}
    for handler, path, _ in routes_of(*STAFF_BLUEPRINTS):
        original = inspect.unwrap(handler)
        assert inspect.iscoroutinefunction(original), path
        assert f"{original.__module__}.{original.__name__}" in walked, path


def test_the_walk_finds_a_session_opened_in_a_handler() -> None:
    """The detector itself: a handler that opens a session on the loop is reported."""
    source = "async def handler(request):\n    with session_scope(None) as s:\n        pass\n"
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.AsyncFunctionDef)
    calls = _calls_outside_run_db(node)
    assert any(_is_blocking_call(call, set()) for call in calls)
    wrapped = "async def handler(request):\n    await run_db(session_scope, None)\n"
    node = ast.parse(wrapped).body[0]
    assert not any(_is_blocking_call(call, set()) for call in _calls_outside_run_db(node))
