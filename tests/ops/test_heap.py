"""The start-up heap is frozen out of full collections (:mod:`bot.ops.heap`): what was alive
at the freeze is skipped by ``gc.collect()``, what is made afterwards is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.ops import heap


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test session collects as before


def test_what_lived_at_the_freeze_is_skipped_what_came_later_is_collected(unfrozen: None) -> None:
    alive = Node()  # alive at the freeze, like the model
    before = weakref.ref(alive)
    assert heap.freeze_startup_heap() > 0 and gc.get_freeze_count() > 0
    del alive
    after = weakref.ref(Node())
    gc.collect()
    assert before() is not None  # frozen: a full collection does not look at it
    assert after() is None
    gc.unfreeze()
    gc.collect()
    assert before() is None


async def test_the_server_listener_freezes_after_the_start(unfrozen: None) -> None:
    ((listener, event),) = heap.listeners()
    assert event == "after_server_start"  # Rasa has loaded its model by then
    assert gc.get_freeze_count() == 0
    await listener(object())
    assert gc.get_freeze_count() > 0
