"""The end-to-end run: train a model, start a real stack on a fresh database, replay every item
through the REST channel, read the complaint rows back.

For each model (the project's ``config.yml``, Rasa's default configuration) in turn:

1. ``rasa train --force`` on ``data/`` and ``domain.yml`` into the work folder, timed;
2. for each language group in turn, the benchmark's stack starter
   (:func:`tools.bench.stacks.start_ours`): ``rasa run`` with the actions in process, as ``make
   run`` starts it, on a new SQLite database of its own in the work folder, with the rate limits
   off (every customer comes from 127.0.0.1). A store per group, because the groups' items are
   often one story told in each language with the same order number: in one store the second
   telling is linked to the first as the same customer's repeat complaint, which no real
   customer would be;
3. every item is one customer with a sender id of its own; its turns are posted one by one
   to ``/webhooks/rest/webhook``, a few customers at a time; a 429, a 5xx or a broken
   connection is retried with a growing pause;
4. once the stack is stopped, the complaint rows of each sender id are read from the database.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.settings import PROJECT_ROOT
from tools.bench.stacks import Variant, start_ours, stop, train
from tools.evaluation.metrics import Outcome, Row
from tools.evaluation.sets import Item

PROJECT = "project"
DEFAULT = "rasa_default"
#: The models compared, in report order.
MODEL_NAMES: tuple[str, ...] = (PROJECT, DEFAULT)
DEFAULT_PORT = 5620
DEFAULT_CONCURRENCY = 4
#: Attempts per message; the pause doubles after each failed one.
ATTEMPTS = 5
FIRST_PAUSE = 0.5
REQUEST_TIMEOUT = 120.0
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Sender id -> (the bot's replies to each turn, the transport errors).
Replies = dict[str, tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]]


def rasa_initial_config() -> Path:
    """The config.yml that ``rasa init`` writes, from the installed Rasa package.

    Its pipeline and policies are left empty, so ``rasa train`` fills them from Rasa's
    default configuration (``rasa/engine/recipes/config_files/default_config.yml``).
    """
    import rasa

    return Path(rasa.__file__).parent / "cli" / "initial_project" / "config.yml"


def rasa_default_config() -> dict[str, Any]:
    """Rasa's default pipeline and policies, as ``rasa train`` completes the init config."""
    import rasa
    from ruamel.yaml import YAML

    path = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files"
    with (path / "default_config.yml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = YAML(typ="safe").load(handle)
    return data


def with_epochs(config: dict[str, Any], epochs: int) -> dict[str, Any]:
    """``config`` with every ``epochs`` setting of its pipeline and policies replaced."""
    return {
        **config,
        **{
            part: [
                {**item, "epochs": epochs} if "epochs" in item else dict(item)
                for item in config.get(part) or []
            ]
            for part in ("pipeline", "policies")
        },
    }


def model_config(name: str, work: Path, default_epochs: int | None = None) -> Path:
    """The config a model is trained with: the project's, or ``rasa init``'s copied from Rasa.

    With ``default_epochs``, Rasa's default configuration is written out with that many epochs
    instead (a shorter run: its own 100 epochs of DIET and TED take about an hour on two
    shared cores; the report says so).
    """
    if name == PROJECT:
        return PROJECT_ROOT / "config.yml"
    if name != DEFAULT:
        raise ValueError(f"unknown model {name!r}")
    target = work / "rasa_default_config.yml"
    if default_epochs is None:
        shutil.copyfile(rasa_initial_config(), target)
    else:
        from ruamel.yaml import YAML

        with target.open("w", encoding="utf-8") as handle:
            YAML(typ="safe").dump(with_epochs(rasa_default_config(), default_epochs), handle)
    return target


def train_model(name: str, work: Path, default_epochs: int | None = None) -> tuple[Path, float]:
    """Train one model from scratch on the project's data: (model file, seconds)."""
    out = work / name
    args = [
        "--domain", "domain.yml",
        "--config", str(model_config(name, work, default_epochs)),
        "--data", "data",
        "--out", str(out),
    ]  # fmt: skip
    return train(args, PROJECT_ROOT, work / f"train-{name}.log")


@dataclass
class ModelRun:
    name: str
    train_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)


def _texts(payload: Any) -> tuple[str, ...]:
    if not isinstance(payload, list):
        raise ValueError("the REST channel did not answer with a list")
    return tuple(
        str(m["text"]) for m in payload if isinstance(m, dict) and isinstance(m.get("text"), str)
    )


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[tuple[str, ...], str | None]:
    """The bot's replies to one message, and the last error when every attempt failed."""
    pause = FIRST_PAUSE
    error = "no attempt"
    for _attempt in range(ATTEMPTS):
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                if response.status == 200:
                    return _texts(await response.json(content_type=None)), None
                error = f"HTTP {response.status}"
                if response.status not in RETRIED_STATUSES:
                    return (), error
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as failure:
            error = f"{type(failure).__name__}: {failure}"
        await asyncio.sleep(pause)
        pause *= 2
    return (), error


async def replay(base_url: str, senders: dict[str, Item], concurrency: int) -> Replies:
    """Every item through the REST channel: sender id -> (replies per turn, errors)."""
    url = f"{base_url}/webhooks/rest/webhook"
    gate = asyncio.Semaphore(concurrency)
    results: Replies = {}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)

    async def customer(sender: str, item: Item, session: aiohttp.ClientSession) -> None:
        replies: list[tuple[str, ...]] = []
        errors: list[str] = []
        async with gate:
            for turn in item.turns:
                said, error = await send(session, url, sender, turn)
                replies.append(said)
                if error:
                    errors.append(error)
        results[sender] = (tuple(replies), tuple(errors))

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(customer(s, item, session) for s, item in senders.items()))
    return results


def read_rows(database_url: str, senders: Sequence[str]) -> dict[str, Row]:
    """The complaint rows of each sender id, oldest first, folded into one :class:`Row`."""
    from bot.store import dispose_engines, list_complaints, session_scope

    rows: dict[str, Row] = {}
    try:
        with session_scope(database_url) as session:
            for sender in senders:
                found = list(reversed(list_complaints(session, sender_id=sender)))
                if not found:
                    continue
                first = found[0]
                rows[sender] = Row(
                    category=str(first.category),
                    escalated=any(bool(c.escalated) for c in found),
                    escalation_reasons=frozenset(
                        str(r) for c in found for r in (c.escalation_reasons or [])
                    ),
                    desired_resolution=next(
                        (c.desired_resolution for c in found if c.desired_resolution), None
                    ),
                    contact=next((c.contact for c in found if c.contact), None),
                    order_ref=next((c.order_ref for c in found if c.order_ref), None),
                    rows=len(found),
                )
    finally:
        dispose_engines()
    return rows


def replay_per_group(
    name: str,
    model: Path,
    senders: dict[str, Item],
    work: Path,
    port: int = DEFAULT_PORT,
    concurrency: int = DEFAULT_CONCURRENCY,
    log: Any = print,
) -> tuple[Replies, dict[str, Row]]:
    """Each language group's customers on a stack and a fresh database of their own
    (``<work>/<name>-<group>.db``): their replies, and the rows read back."""
    replies: Replies = {}
    rows: dict[str, Row] = {}
    for group in dict.fromkeys(item.group for item in senders.values()):
        in_group = {sender: item for sender, item in senders.items() if item.group == group}
        database = work / f"{name}-{group}.db"
        database.unlink(missing_ok=True)
        database_url = f"sqlite:///{database}"
        log(f"{name}: {group}: starting a stack on a fresh database")
        stack = start_ours(Variant(f"eval-{name}-{group}"), model, database_url, port, work)
        try:
            started = time.monotonic()
            log(f"{name}: {group}: replaying {len(in_group)} customers, {concurrency} at a time")
            replies.update(asyncio.run(replay(stack.base_url, in_group, concurrency)))
            log(f"{name}: {group}: replayed in {time.monotonic() - started:.0f} s")
        finally:
            stop(stack)
        rows.update(read_rows(database_url, list(in_group)))
    return replies, rows


def evaluate_model(
    name: str,
    items: Sequence[Item],
    work: Path,
    port: int = DEFAULT_PORT,
    concurrency: int = DEFAULT_CONCURRENCY,
    log: Any = print,
    default_epochs: int | None = None,
) -> ModelRun:
    """Train ``name``, run every item through its stacks, and collect the outcomes."""
    log(f"{name}: training")
    model, seconds = train_model(name, work, default_epochs)
    log(f"{name}: trained in {seconds:.0f} s")
    run_tag = secrets.token_hex(3)
    # The position keeps two items with the same id (a labelling slip) apart.
    senders = {f"eval-{name}-{run_tag}-{n:04d}-{item.id}": item for n, item in enumerate(items)}
    replies, rows = replay_per_group(name, model, senders, work, port, concurrency, log)
    run = ModelRun(name, seconds)
    for sender, item in senders.items():
        said, errors = replies.get(sender, ((), ("not sent",)))
        run.outcomes.append(Outcome(item, said, rows.get(sender), errors))
    return run


def evaluate(
    items: Sequence[Item],
    work: Path,
    models: Sequence[str] = MODEL_NAMES,
    port: int = DEFAULT_PORT,
    concurrency: int = DEFAULT_CONCURRENCY,
    log: Any = print,
    default_epochs: int | None = None,
) -> list[ModelRun]:
    """Each model in turn, on the same items."""
    return [
        evaluate_model(name, items, work, port, concurrency, log, default_epochs) for name in models
    ]
