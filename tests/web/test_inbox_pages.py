"""The shared inbox pages (:mod:`bot.web.inbox_pages`): handed out only for the version and
time they were read at, as copies; and no complaint change a console shows goes without an
event (the version the pages are kept under)."""

from __future__ import annotations

import ast

from bot.settings import PROJECT_ROOT
from bot.web.inbox_pages import SharedPages


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_page_is_handed_out_for_its_version_while_fresh() -> None:
    clock = _Clock()
    pages = SharedPages(fresh_seconds=1.5, clock=clock)
    key = ("all", None)
    assert pages.get(key, 7) is None
    pages.put(key, 7, [{"ticket": "C-1", "last_message": {"text": "hi"}}])
    copy = pages.get(key, 7)
    assert copy == [{"ticket": "C-1", "last_message": {"text": "hi"}}]
    assert copy is not None
    copy[0]["customer_online"] = True  # what the route adds per request
    assert pages.get(key, 7) == [{"ticket": "C-1", "last_message": {"text": "hi"}}]
    assert pages.get(key, 8) is None  # a newer event
    clock.now += 1.6
    assert pages.get(key, 7) is None  # too old, whatever the version
    assert (pages.hits, pages.misses) == (2, 3)


def test_an_older_read_does_not_replace_a_newer_page() -> None:
    pages = SharedPages()
    pages.put("all", 9, [{"ticket": "C-9"}])
    pages.put("all", 8, [{"ticket": "C-8"}])
    assert pages.get("all", 9) == [{"ticket": "C-9"}]


def test_only_so_many_pages_are_kept() -> None:
    pages = SharedPages(kept=2)
    for index in range(3):
        pages.put(index, 1, [])
    assert pages.get(0, 1) is None and pages.get(2, 1) == []


#: Changes of a complaint that no inbox row shows (so need no event to be seen at once).
UNSHOWN = {"register_number", "jurisdiction", "statutory_answer_due_at",
           "statutory_resolution_due_at", "customer_id", "updated_at"}  # fmt: skip


#: The store's functions that add an event, and the ones known to call them.
EVENT_ADDERS = {"append_event", "log_event", "route_reply"}
#: What the event adders share: the complaint's fields an event sets (``first_response_at``).
EVENT_BOOKKEEPING = {"append_event", "log_event", "_bump"}


def test_every_function_that_changes_a_shown_field_adds_an_event() -> None:
    """A function anywhere in ``bot/`` that sets a field of a complaint the inbox shows also
    calls ``append_event`` or ``log_event`` (or is one), so the page's version moves."""
    missing = []
    scanned = 0
    for path in sorted((PROJECT_ROOT / "bot").rglob("*.py")):
        name = str(path.relative_to(PROJECT_ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            if function.name in EVENT_BOOKKEEPING:
                continue
            fields = {
                target.attr
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "complaint"
            } - UNSHOWN
            calls = {
                node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                for node in ast.walk(function)
                if isinstance(node, ast.Call)
            }
            scanned += bool(fields)
            if fields and not calls & EVENT_ADDERS:
                missing.append(f"{name}:{function.name} sets {sorted(fields)}")
    assert not missing, missing
    assert scanned >= 5  # the scan found the store's changes
