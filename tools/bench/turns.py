"""CPU time per message of Rasa's message handling in this process, without HTTP or clients.

``python -m tools.bench.turns --model models/X.tar.gz [--conversations 20] [--without NAME]``
loads the model into a Rasa ``Agent`` with the project's patches installed and a fresh SQLite
database, with the tracker store the server builds from its ``endpoints.yml``
(:func:`bot.ops.endpoints.tracker_store`, in the same database as the complaints), plays the
English complaint conversation (four messages) ``--conversations`` times after one warm-up, and
prints the process CPU time per message. Logging is set up as the server sets it up (INFO), so
that Rasa's debug log calls cost what they cost there.

A/B pairs: ``--without states`` leaves Rasa's own ``Domain.states_for_tracker_history`` in
place, ``--without runner`` Rasa's dask graph runner, ``--without bookkeeping`` Rasa's slot
copies, applied events and tracker copies, ``--without heap`` leaves the start-up heap in the
garbage collector's full collections (the server freezes it, :mod:`bot.ops.heap`),
``--without cache`` sets the tracker store's ``cache_size`` to 0 (Rasa's reads and writes);
``--compare kept`` parses the stored rows on every read instead of keeping the saved tracker.
CPU time, unlike latency, is little moved by other work on a shared machine; run A and B
alternately and compare pairs. Fairer still on a busy machine, ``--compare
runner|cache|kept|rules|bookkeeping|copies|tfidf|statements|transactions|events`` loads two
agents in one process, one with the change and one without (``rules``: Rasa's own rule lookup;
``bookkeeping``, ``copies``, ``tfidf`` (the TF-IDF row by row), ``statements`` (the store's
statements built once), ``transactions`` (the complaint's next step in one transaction) and
``events`` (the store's complaint events as Core inserts): one agent, the change switched before
each conversation), and lets them take turns conversation by conversation. ``--profile FILE``
writes a cProfile of the measured conversations. ``--actions`` prints the actions Rasa
predicted after each message of one conversation (each one a run of the policies).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import logging
import os
import statistics
import tempfile
import time
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEXTS = (
    "My order ORD-48213 from last week still hasn't arrived",
    "Just send it to me as soon as possible please",
    "ana.horvat@example.com",
    "thanks, bye",
)


def _agent(model: Path, store: dict[str, Any]) -> Any:
    # heavy: Rasa (seconds to import) only for the measurement
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    agent = Agent(
        tracker_store=TrackerStore.create(EndpointConfig.from_dict(store)),
        lock_store=InMemoryLockStore(),
    )
    agent.load_model(str(model))
    return agent


def use_tfidf_rows(on: bool) -> None:
    """The intent classifier computes its TF-IDF row by row (session 17), or, with ``False``,
    with a SciPy matrix per view stacked, as before (the same probabilities)."""
    from bot.nlu.tfidf_classifier import Predictor
    from tools.bench.tfidf_speed import by_matrix

    rows: Any = Predictor.__dict__.get("rows_predict_proba", Predictor.predict_proba)
    setattr(Predictor, "rows_predict_proba", rows)  # noqa: B010
    setattr(Predictor, "predict_proba", rows if on else by_matrix)  # noqa: B010


#: The store's statements built once (session 17): (module, function) of each builder.
BUILT_ONCE = (
    ("bot.store.complaints", "_complaint_where"),
    ("bot.store.complaints", "_prior_count"),
    ("bot.store.customers", "_customers_query"),
    ("bot.store.customers", "_recorded_keys_query"),
    ("bot.store.customers", "_same_matter_count"),
)


def use_built_statements(on: bool) -> None:
    """The store's statements built once, or, with ``False``, built anew on every call (the
    builders without their cache), as before session 17."""
    import importlib

    for module_name, name in BUILT_ONCE:
        module = importlib.import_module(module_name)
        cached = getattr(module, f"_cached{name}", None) or getattr(module, name)
        setattr(module, f"_cached{name}", cached)
        setattr(module, name, cached if on else cached.__wrapped__)


async def _next_step_in_four(
    self: Any, turn: Any, config: Any, tracker: Any, dispatcher: Any
) -> list[Any]:
    """``ActionComplaintNextStep.act`` as before session 18: the answers, the complaint opened
    if need be, the agents on duty and the receipt, each in a transaction (and a thread hop)
    of its own."""
    from rasa_sdk.events import SlotSet

    from actions.common import customer_transcript, in_thread, origin_key, say
    from actions.complaint import complaint_slots
    from bot.dialogue import receipt, script, service

    order_ref, contact = tracker.get_slot("order_ref"), tracker.get_slot("contact")
    view = await in_thread(
        service.record_answers,
        turn,
        config,
        desired_resolution_text=tracker.get_slot("desired_resolution"),
        order_ref=order_ref,
        contact=contact,
    )
    if view is None:
        view = await in_thread(
            service.ensure_complaint,
            turn,
            config,
            customer_transcript(tracker),
            origin_key(tracker),
        )
    live_agent = view.escalated and await in_thread(service.live_agent_available, config)
    step = service.choose_next_step(
        view, config, order_ref=order_ref, contact=contact, live_agent=live_agent
    )
    if step in service.RECEIPT_STEPS:
        said = await in_thread(
            receipt.receipt_once, view.ticket, turn.language, turn.script, config
        )
        if said is not None:
            dispatcher.utter_message(text=said)
    say(dispatcher, script.next_step(step))
    return [*complaint_slots(view, turn), SlotSet("complaint_step", step)]


def use_one_transaction(on: bool) -> None:
    """The complaint's next step in one transaction (session 18), or, with ``False``, in the
    four calls of before (:func:`_next_step_in_four`)."""
    from actions.complaint import ActionComplaintNextStep

    one: Any = ActionComplaintNextStep.__dict__.get(
        "one_transaction_act", ActionComplaintNextStep.act
    )
    setattr(ActionComplaintNextStep, "one_transaction_act", one)  # noqa: B010
    setattr(ActionComplaintNextStep, "act", one if on else _next_step_in_four)  # noqa: B010


def _event_as_object(*args: Any, **kwargs: Any) -> None:
    """``log_event`` as before session 18: the event an ORM object, inserted at the flush."""
    from bot.store.complaints import append_event

    append_event(*args, **kwargs)


def use_core_events(on: bool) -> None:
    """The store's own complaint events written with a Core insert (session 18), or, with
    ``False``, appended as ORM objects as before (:func:`_event_as_object`)."""
    from bot.store import commitments, complaints

    core: Any = getattr(complaints, "_core_log_event", complaints.log_event)
    setattr(complaints, "_core_log_event", core)  # noqa: B010
    for module in (complaints, commitments):
        setattr(module, "log_event", core if on else _event_as_object)  # noqa: B010


def _use_rasas_rule_lookup(agent: Any, rasa_lookup: Any) -> None:
    """``agent``'s rule policy looks rules up with Rasa's own code (the others keep ours)."""
    from rasa.core.policies.rule_policy import RulePolicy

    for node in agent.processor.graph_runner._instantiated_nodes.values():
        component = getattr(node, "_component", None)
        if isinstance(component, RulePolicy):
            component._get_possible_keys = types.MethodType(rasa_lookup, component)


async def predicted_actions(agent: Any) -> list[list[str]]:
    """The actions Rasa ran after each message of one conversation (one prediction each)."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    sender = uuid.uuid4().hex
    for text in TEXTS:
        await agent.handle_text(text, sender_id=sender)
    tracker = await agent.tracker_store.retrieve(sender)
    turns: list[list[str]] = []
    for event in tracker.events:
        if isinstance(event, UserUttered):
            turns.append([])
        elif isinstance(event, ActionExecuted) and turns and event.action_name:
            turns[-1].append(event.action_name)
    return turns


async def _conversation(agent: Any) -> int:
    sender = uuid.uuid4().hex
    for text in TEXTS:
        await agent.handle_text(text, sender_id=sender)
    return len(TEXTS)


class _FullCollections:
    """Counts the garbage collector's full (generation 2) collections and their CPU time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.process_time()
        else:
            self.count += 1
            self.seconds += time.process_time() - self._started


async def _play(agent: Any, conversations: int, profile: Path | None = None) -> tuple[float, int]:
    """CPU seconds and messages of ``conversations`` after a warm-up; with ``profile``, a
    cProfile of the measured conversations only (no start-up) is written there. Prints the
    full garbage collections that fell in the measurement."""
    await _conversation(agent)
    profiler = cProfile.Profile() if profile else None
    full = _FullCollections()
    gc.callbacks.append(full)
    start = time.process_time()
    messages = 0
    if profiler:
        profiler.enable()
    for _ in range(conversations):
        messages += await _conversation(agent)
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds = time.process_time() - start
    gc.callbacks.remove(full)
    print(
        f"full garbage collections: {full.count}, {full.seconds * 1000:.0f} ms CPU in all "
        f"({len(gc.get_objects())} objects tracked, {gc.get_freeze_count()} frozen)"
    )
    return seconds, messages


async def _compare(
    with_change: Any,
    without_change: Any,
    conversations: int,
    switch: Callable[[bool], None] | None = None,
) -> tuple[list[float], list[float]]:
    """CPU ms per message of each conversation, the two agents taking turns (A B A B ...), so
    that whatever else the machine does falls on both alike. ``switch(True)`` before each
    conversation of ``with_change``, ``switch(False)`` before the other's: for a change that
    patches classes, so that one agent can be both."""
    times: tuple[list[float], list[float]] = ([], [])
    for agent in (with_change, without_change):
        await _conversation(agent)
    for _ in range(conversations):
        for changed, agent, measured in zip(
            (True, False), (with_change, without_change), times, strict=True
        ):
            if switch is not None:
                switch(changed)
            start = time.process_time()
            messages = await _conversation(agent)
            measured.append((time.process_time() - start) / messages * 1000)
    if switch is not None:
        switch(True)  # as installed
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.turns", description=__doc__)
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument(
        "--without",
        choices=("states", "runner", "cache", "bookkeeping", "heap"),
        action="append",
        default=[],
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile of the measured conversations here (CPU figures then include "
        "the profiler's own cost)",
    )
    parser.add_argument(
        "--actions",
        action="store_true",
        help="print the actions predicted after each message of one conversation, and stop",
    )
    parser.add_argument(
        "--compare",
        choices=(
            "runner",
            "cache",
            "kept",
            "rules",
            "bookkeeping",
            "copies",
            "tfidf",
            "statements",
            "transactions",
            "events",
        ),
        help="one process, two agents taking turns: with this change and without it",
    )
    args = parser.parse_args(argv)
    # heavy: the settings and patches import Rasa; only this command needs them
    import rasa.core.processor
    import rasa.shared.core.domain
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot import rasa_patches, store
    from bot.ops.endpoints import tracker_store
    from bot.ops.heap import freeze_startup_heap
    from bot.runner import tracker_store_config
    from bot.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="cb_turns_") as folder:
        work = Path(folder)
        # the actions in process read the database from the environment, as in the server
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bot.db'}"
        settings = load_settings()
        store.migrate(settings.database_url)
        configure_logging_and_warnings(logging.INFO)
        configure_structlog(logging.INFO)
        rasa_patches.install(settings)
        endpoint = tracker_store(settings, tracker_store_config(settings.database_url))
        uncached = {**endpoint, "cache_size": 0}
        without = {
            "cache": uncached,
            "kept": {**endpoint, "keep_trackers": False},
            "runner": endpoint,
            "rules": endpoint,
        }
        if "states" in args.without:
            rasa.shared.core.domain.Domain.states_for_tracker_history = (
                rasa_patches.RASA_STATES_FOR_TRACKER_HISTORY
            )
        if args.compare:
            with_change = _agent(args.model, endpoint)
            if args.compare == "runner":
                rasa.core.processor.DaskGraphRunner = DaskGraphRunner
            switches = {
                "bookkeeping": rasa_patches.use_tracker_bookkeeping,
                "copies": rasa_patches.use_spared_copies,
                "tfidf": use_tfidf_rows,
                "statements": use_built_statements,
                "transactions": use_one_transaction,
                "events": use_core_events,
            }
            switch = switches.get(args.compare)
            without_change = (
                with_change  # the change patches classes: one agent, switched
                if switch is not None
                else _agent(args.model, without[args.compare])
            )
            if args.compare == "rules":
                _use_rasas_rule_lookup(without_change, rasa_patches.RASA_GET_POSSIBLE_KEYS)
            freeze_startup_heap()
            a, b = asyncio.run(_compare(with_change, without_change, args.conversations, switch))
            print(
                f"{args.compare}: with {statistics.median(a):.1f}, without "
                f"{statistics.median(b):.1f} ms CPU per message (medians of "
                f"{len(a)} conversations each, taking turns)"
            )
            return 0
        if args.actions:
            turns = asyncio.run(predicted_actions(_agent(args.model, endpoint)))
            for text, actions in zip(TEXTS, turns, strict=True):
                print(f"{len(actions)}  {text!r}: {', '.join(actions)}")
            print(f"{sum(len(actions) for actions in turns)} predicted actions in all")
            return 0
        if "bookkeeping" in args.without:
            rasa_patches.use_tracker_bookkeeping(False)
        if "runner" in args.without:
            rasa.core.processor.DaskGraphRunner = DaskGraphRunner
        agent = _agent(args.model, uncached if "cache" in args.without else endpoint)
        if "heap" not in args.without:
            freeze_startup_heap()  # as the server does once it has started
        seconds, messages = asyncio.run(_play(agent, args.conversations, args.profile))
    label = "without " + ", ".join(args.without) if args.without else "all patches"
    print(f"{label}: {seconds / messages * 1000:.1f} ms CPU per message over {messages} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
