"""CPU time of the database work of one complaint conversation, called directly.

``python -m tools.bench.answers [--conversations 150] [--rounds 4]`` migrates a fresh SQLite
store, then runs, on this thread, the service calls the actions make in the bench's English
complaint conversation: the complaint registered (``register_complaint``), then twice the
complaint's next step (``next_step``: the wish, then the contact stored, with the agents on
duty counted and the receipt, in one transaction each). Each customer is new; the
texts carry the customer's own order number and e-mail address, as the bench's do, so that
no per-text cache hides the work. Prints the thread CPU per conversation of each round and
the median, and the SQL statements of one conversation.

Not a test of Rasa: the NLU, the policies and the tracker store are left out. Run it in a
checkout before a change and in one after, alternately (CPU time, unlike wall time, is little
moved by other work on a shared machine).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from typing import Any

from tools.bench.checks import fresh_sqlite


def _conversation(index: int, url: str, config: Any) -> None:
    # heavy: the dialogue service imports the store, the policy and its models
    from bot.dialogue import service
    from bot.dialogue.turn import Turn

    sender = f"answers-{index}"
    order = f"ORD-{48213 + index}"
    email = f"ana.horvat{index}@example.com"
    first = Turn(
        sender_id=sender,
        text=f"My order {order} from last week still hasn't arrived",
        intent="complain_delivery",
        intent_confidence=0.93,
        category="delivery",
        entities={"order_ref": order},
    )
    view = service.register_complaint(first, config, f"{sender}:1")
    wish = Turn(
        sender_id=sender,
        text=f"Just send it to me as soon as possible please, order {index}",
        intent="state_resolution",
        intent_confidence=0.88,
        previous_anger=0.0,
        earlier_anger=(0.0,),
        ticket=view.ticket,
    )
    service.next_step(wish, config, service.Answers(wish.text, order_ref=order))
    contact = Turn(
        sender_id=sender,
        text=email,
        intent="give_contact",
        intent_confidence=0.97,
        entities={"email": email},
        previous_anger=0.0,
        earlier_anger=(0.0, 0.0),
        ticket=view.ticket,
    )
    stored = service.next_step(contact, config, service.Answers(wish.text, order, email))
    assert stored.view.contact == email, "the contact was not stored"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.answers", description=__doc__)
    parser.add_argument("--conversations", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    from sqlalchemy import event

    from bot import store
    from bot.settings import get_settings

    with fresh_sqlite("cb_answers_") as url:
        store.migrate(url)
        config = replace(get_settings(), database_url=url)
        for index in range(5):  # warm-up: imports, the compiled statements, the models
            _conversation(-1 - index, url, config)
        statements: list[str] = []
        engine = store.get_engine(url)

        def count(*_args: Any) -> None:
            statements.append("")

        event.listen(engine, "before_cursor_execute", count)
        _conversation(10**6, url, config)
        event.remove(engine, "before_cursor_execute", count)
        figures = []
        for round_ in range(args.rounds):
            started = time.thread_time()
            for index in range(args.conversations):
                _conversation(round_ * args.conversations + index, url, config)
            figures.append((time.thread_time() - started) / args.conversations * 1000)
    rounds = ", ".join(f"{figure:.2f}" for figure in figures)
    print(f"{len(statements)} SQL statements per conversation")
    print(f"{statistics.median(figures):.2f} ms CPU per conversation (rounds: {rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
