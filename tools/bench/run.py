"""The whole benchmark: train both bots, then for each stack start it, warm it up, run every
load shape over REST and over socket.io, check the complaints, sample memory, stop it."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tools.bench import consoles as consoles_module
from tools.bench import ledger as ledger_module
from tools.bench import stacks
from tools.bench.clients import Client, RestClient, SocketIOClient
from tools.bench.load import Calibration, PhaseResult, Shape, run_phase, warm_up
from tools.bench.rss import RssSampler, tree_cpu_seconds, tree_rss, tree_size
from tools.bench.scripts import OUR_SCRIPTS, STARTER_SCRIPTS, Script

TRANSPORTS = ("rest", "socketio")


@dataclass(frozen=True)
class Plan:
    """What to run: the shapes, which stacks, the ports."""

    shapes: tuple[Shape, ...]
    postgres: bool = True
    starter: bool = True
    transports: tuple[str, ...] = TRANSPORTS
    port_base: int = 6500
    #: Shapes run on PostgreSQL too (by name); the others only on SQLite.
    postgres_shapes: tuple[str, ...] = ()
    seed: int = 1
    #: A trained model to use instead of training ours (training time then not measured).
    model: Path | None = None
    #: The ways our stack runs, each benchmarked in turn (PostgreSQL ones unless ``postgres``
    #: is off).
    variants: tuple[stacks.Variant, ...] = ()


#: Our stack as ``make run`` starts it (actions in the Rasa process), the separate action
#: server (``BOT_ACTIONS=server``), two workers, and the same on PostgreSQL.
VARIANTS: tuple[stacks.Variant, ...] = (
    stacks.Variant("ours-sqlite"),
    stacks.Variant("ours-sqlite-server", actions_in_process=False),
    stacks.Variant("ours-sqlite-2w", workers=2),
    stacks.Variant("ours-postgres", database="postgres"),
    stacks.Variant("ours-postgres-2w", "postgres", workers=2),
)


def shapes(quick: bool, closed_customers: int = 10) -> tuple[Shape, ...]:
    paced, closed = (8.0, 6.0) if quick else (20.0, 15.0)
    rounds = 1 if quick else 3
    return (
        Shape("paced-20", 20, paced, (1.0, 3.0)),
        # agents' consoles as shipped (pushed to over socket.io), and polling as they do only
        # while their socket is down; each alternated with paced-20 ``rounds`` times
        Shape(
            "paced-20-consoles-5",
            20,
            paced,
            (1.0, 3.0),
            consoles=5,
            baseline="paced-20",
            rounds=rounds,
        ),
        Shape(
            "paced-20-consoles-5-polling",
            20,
            paced,
            (1.0, 3.0),
            consoles=5,
            baseline="paced-20",
            console_mode="polling",
            rounds=rounds,
        ),
        Shape("paced-100", 100, paced, (1.0, 3.0)),
        Shape("burst-20", 20, paced, (1.0, 3.0), burst=True),
        Shape(f"closed-{closed_customers}", closed_customers, closed),
    )


@dataclass
class StackResult:
    name: str
    train_seconds: float | None = None
    #: How the stack runs (our variants: database, actions, workers).
    description: str = ""
    start_seconds: dict[str, float] = field(default_factory=dict)
    rss_after_start_mb: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    peak_pss_mb: dict[str, float] = field(default_factory=dict)
    #: Processes in each tree once started (a Rasa server with 2 workers: 3).
    processes: dict[str, int] = field(default_factory=dict)
    phases: list[dict[str, Any]] = field(default_factory=list)
    warm_up_errors: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def _client_factory(
    transport: str, base_url: str, session: aiohttp.ClientSession, tag: str
) -> Callable[[], Client]:
    if transport == "rest":
        return lambda: RestClient(session, base_url, tag)
    per_socket = tag.startswith("bench-starter")  # Rasa's own socket.io channel
    return lambda: SocketIOClient(session, base_url, socket_per_conversation=per_socket)


async def settle(pids: dict[str, int], idle_share: float = 0.15, longest: float = 30.0) -> None:
    """Wait until the servers have worked off the previous phase (together below
    ``idle_share`` of a core for half a second), so that each phase starts on idle servers."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = sum(tree_cpu_seconds(pid) for pid in pids.values())
        await asyncio.sleep(0.5)
        if sum(tree_cpu_seconds(pid) for pid in pids.values()) - before < idle_share * 0.5:
            return


@dataclass
class _Run:
    """One run of a shape: what the customers met, the servers' CPU, the consoles' requests."""

    phase: PhaseResult
    cpu: dict[str, float]
    consoles: consoles_module.ConsoleStats
    load_1m: float
    peak_rss_mb: dict[str, float]


@dataclass
class _Bench:
    """What every run on one stack shares."""

    stack: stacks.Stack
    session: aiohttp.ClientSession
    scripts: Sequence[Script]
    calibration: Calibration
    #: The agents' console sessions (none for a bot without our staff app).
    cookies: Sequence[str]
    result: StackResult
    log: Callable[[str], None]


async def _one_run(bench: _Bench, shape: Shape, transport: str, seed: int) -> _Run:
    """``shape`` once over ``transport`` on idle servers, with its consoles open."""
    stack, result = bench.stack, bench.result
    tag = f"bench-{stack.name}-{transport}-{shape.name}"
    await settle(stack.pids)
    cpu_before = {name: tree_cpu_seconds(pid) for name, pid in stack.pids.items()}
    consoles = consoles_module.Consoles(
        bench.session, stack.base_url, bench.cookies[: shape.consoles], mode=shape.console_mode
    )
    try:
        await consoles.start()
        with RssSampler(stack.pids) as sampler:
            phase: PhaseResult = await run_phase(
                shape,
                transport,
                _client_factory(transport, stack.base_url, bench.session, tag),
                bench.scripts,
                bench.calibration,
                seed=seed,
            )
    finally:
        await consoles.stop()
    cpu = {name: tree_cpu_seconds(pid) - cpu_before[name] for name, pid in stack.pids.items()}
    for name, peak in sampler.peaks.items():
        result.peak_rss_mb[name] = max(result.peak_rss_mb.get(name, 0.0), peak / 2**20)
    for name, peak in sampler.pss_peaks.items():
        result.peak_pss_mb[name] = max(result.peak_pss_mb.get(name, 0.0), peak / 2**20)
    peaks = {name: peak / 2**20 for name, peak in sampler.peaks.items()}
    return _Run(phase, cpu, consoles.stats, round(os.getloadavg()[0], 2), peaks)


def _cpu_per_message(stack: stacks.Stack, runs: Sequence[_Run]) -> dict[str, float]:
    """CPU ms of each of the stack's servers per answered customer message over ``runs``."""
    messages = max(sum(run.phase.stats.messages for run in runs), 1)
    return {
        name: round(1000 * sum(run.cpu[name] for run in runs) / messages, 1) for name in stack.pids
    }


async def _entry(
    stack: stacks.Stack, transport: str, shape: Shape, runs: Sequence[_Run]
) -> dict[str, Any]:
    """The report's figures of ``shape``: its runs pooled into one phase."""
    stats = consoles_module.pool([run.phase.stats for run in runs])
    records = [record for run in runs for record in run.phase.records]
    entry: dict[str, Any] = {
        "transport": transport,
        "shape": shape.name,
        "customers": shape.customers,
        "closed_loop": shape.closed_loop,
        **stats.summary(),
        "completed_complaints": stats.completed_complaints,
        "load_1m": max(run.load_1m for run in runs),
        "cpu_ms_per_message": _cpu_per_message(stack, runs),
        "peak_rss_mb": {
            name: round(max(run.peak_rss_mb.get(name, 0.0) for run in runs), 1)
            for name in stack.pids
        },
    }
    if stack.database_url is not None:
        ledger = await asyncio.get_running_loop().run_in_executor(
            None, ledger_module.check, stack.database_url, records
        )
        entry["ledger"] = {
            "conversations": ledger.conversations,
            "ended_in_complaint": ledger.ended_in_complaint,
            "rows": ledger.rows,
            "lost": [list(item) for item in ledger.lost],
            "unconfirmed": [list(item) for item in ledger.unconfirmed],
            "balanced": ledger.balanced,
        }
    return entry


def _log_entry(entry: dict[str, Any], log: Callable[[str], None]) -> None:
    log(
        "    p50 {p50_ms} ms, p95 {p95_ms} ms, p99 {p99_ms} ms, {messages_per_second} "
        "msg/s, {messages} messages, errors {errors} {error_kinds}".format(**entry)
        + (
            f", complaints {entry['ledger']['ended_in_complaint']} told / "
            f"{entry['ledger']['rows']} stored"
            if "ledger" in entry
            else ""
        )
    )


async def _console_group(
    bench: _Bench, baseline: Shape, group: Sequence[Shape], transport: str, seed: int
) -> list[dict[str, Any]]:
    """The console shapes of one baseline, alternated with it round by round (A B C A B C...,
    each round with customers of its own, the same in A, B and C; B and C swap each round), so
    that the machine's drift falls on both sides of the ratio."""
    rounds = max(shape.rounds for shape in group)
    without: list[_Run] = []
    runs: dict[str, list[_Run]] = {shape.name: [] for shape in group}
    for number in range(rounds):
        order = list(group) if number % 2 == 0 else list(reversed(group))
        for shape in [baseline, *order]:
            bench.log(
                f"  {transport} {shape.name} (round {number + 1}/{rounds}): "
                f"{shape.customers} customers, {shape.seconds:.0f} s"
            )
            run = await _one_run(bench, shape, transport, seed + 1000 * number)
            (without if shape is baseline else runs[shape.name]).append(run)
            bench.log(f"    p95 {run.phase.stats.latency_ms(95):.1f} ms, load {run.load_1m}")
    entries = []
    for shape in group:
        entry = await _entry(bench.stack, transport, shape, runs[shape.name])
        stats = consoles_module.ConsoleStats.merged([run.consoles for run in runs[shape.name]])
        entry["consoles"] = {
            "count": shape.consoles,
            "mode": shape.console_mode,
            **stats.summary(),
            **consoles_module.compare(
                [run.phase.stats for run in without], [run.phase.stats for run in runs[shape.name]]
            ),
            "loads_1m": [run.load_1m for run in runs[shape.name]],
            # the servers' CPU per customer message without the consoles, beside the entry's
            # own ``cpu_ms_per_message``: what the consoles cost, little moved by other work
            "without_cpu_ms_per_message": _cpu_per_message(bench.stack, without),
        }
        entry["baseline"] = baseline.name
        _log_entry(entry, bench.log)
        consoles = entry["consoles"]
        bench.log(
            f"    {shape.console_mode}: p95 {consoles['with_p95_ms']} vs "
            f"{consoles['without_p95_ms']} ms = {consoles['pooled_ratio']}x pooled, median pair "
            f"{consoles['median_ratio']}x {consoles['ratio_range']}; console requests "
            f"{consoles['requests']} {consoles['request_kinds']}, errors {consoles['error_kinds']}"
        )
        entries.append(entry)
    return entries


async def _run_stack_phases(
    stack: stacks.Stack,
    scripts: Sequence[Script],
    plan: Plan,
    phase_shapes: Sequence[Shape],
    result: StackResult,
    log: Callable[[str], None],
) -> None:
    calibration: Calibration = {}
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        warm = await warm_up(
            _client_factory("rest", stack.base_url, session, f"bench-{stack.name}-warm"),
            scripts,
            calibration,
            seed=plan.seed,
        )
        result.warm_up_errors = dict(warm.stats.errors)
        if warm.stats.errors:
            log(f"  warm-up errors: {warm.stats.errors}")
        console_cookies: list[str] = []
        if stack.database_url is not None and any(s.consoles for s in phase_shapes):
            console_cookies = await asyncio.get_running_loop().run_in_executor(
                None,
                consoles_module.sign_in_agents,
                stack.database_url,
                max(s.consoles for s in phase_shapes),
                stack.name,
            )
        bench = _Bench(stack, session, scripts, calibration, console_cookies, result, log)
        names = [s.name for s in phase_shapes]
        by_name = {s.name: s for s in phase_shapes}
        for transport in plan.transports:
            done: set[str] = set()
            for number, shape in enumerate(phase_shapes):
                if shape.name in done:
                    continue
                if shape.consoles and not console_cookies:
                    continue  # a bot without our staff app (the starter bot)
                # the same customers as the baseline shape, so that only the consoles differ
                seed = plan.seed + (
                    names.index(shape.baseline) if shape.baseline in names else number
                )
                if shape.consoles:
                    baseline = by_name.get(shape.baseline or "") or dataclasses.replace(
                        shape, name=shape.baseline or f"{shape.name}-without", consoles=0
                    )
                    group = [s for s in phase_shapes if s.consoles and s.baseline == shape.baseline]
                    done.update(s.name for s in group)
                    result.phases += await _console_group(bench, baseline, group, transport, seed)
                    continue
                log(
                    f"  {transport} {shape.name}: "
                    f"{shape.customers} customers, {shape.seconds:.0f} s"
                )
                run = await _one_run(bench, shape, transport, seed)
                entry = await _entry(stack, transport, shape, [run])
                result.phases.append(entry)
                _log_entry(entry, log)


def _bench_stack(
    start: Callable[[], stacks.Stack],
    scripts: Sequence[Script],
    plan: Plan,
    phase_shapes: Sequence[Shape],
    result: StackResult,
    log: Callable[[str], None],
) -> None:
    log(f"starting {result.name}")
    stack = start()
    try:
        result.start_seconds = {name: round(s, 2) for name, s in stack.start_seconds.items()}
        result.rss_after_start_mb = {
            name: round(tree_rss(pid) / 2**20, 1) for name, pid in stack.pids.items()
        }
        result.processes = {name: tree_size(pid) for name, pid in stack.pids.items()}
        log(f"  up: start {result.start_seconds} s, RSS {result.rss_after_start_mb} MB")
        asyncio.run(_run_stack_phases(stack, scripts, plan, phase_shapes, result, log))
    finally:
        stacks.stop(stack)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def run(plan: Plan, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the benchmark and return every figure as JSON-friendly data."""
    started = time.time()
    load_before = os.getloadavg()
    results: list[StackResult] = []
    with tempfile.TemporaryDirectory(prefix="cb-bench-") as temp:
        workdir = Path(temp)
        our_train: float | None = None
        if plan.model is not None:
            model = plan.model
        else:
            log("training our model")
            model, our_train = stacks.train_ours(workdir)
            log(f"  {our_train:.1f} s")
        starter_model: Path | None = None
        starter_dir = workdir / "starter"
        starter_train = None
        if plan.starter:
            log("training Rasa's starter bot (rasa init)")
            stacks.scaffold_starter(starter_dir)
            starter_model, starter_train = stacks.train_starter(starter_dir)
            log(f"  {starter_train:.1f} s")

        for number, variant in enumerate(plan.variants or VARIANTS):
            if variant.database == "postgres" and not plan.postgres:
                continue
            result = StackResult(
                variant.name, train_seconds=_round(our_train), description=variant.description
            )
            results.append(result)
            slot = VARIANTS.index(variant) if variant in VARIANTS else number
            port = plan.port_base + 100 + 10 * slot
            if variant.database == "sqlite":
                url = f"sqlite:///{workdir / f'{variant.name}.db'}"
                try:
                    _bench_stack(
                        functools.partial(stacks.start_ours, variant, model, url, port, workdir),
                        OUR_SCRIPTS,
                        plan,
                        plan.shapes,
                        result,
                        log,
                    )
                except stacks.StackError as error:  # reported; the other stacks still run
                    result.error = str(error)
                    log(f"  {variant.name} not run: {error}")
                continue
            pg_shapes = [
                s for s in plan.shapes if not plan.postgres_shapes or s.name in plan.postgres_shapes
            ]
            try:
                with stacks.postgres_database() as pg_url:
                    _bench_stack(
                        functools.partial(stacks.start_ours, variant, model, pg_url, port, workdir),
                        OUR_SCRIPTS,
                        plan,
                        pg_shapes,
                        result,
                        log,
                    )
            except Exception as error:  # PostgreSQL is optional: report, do not abort
                result.error = f"{type(error).__name__}: {error}"
                log(f"  PostgreSQL skipped: {result.error}")
        if plan.starter and starter_model is not None:
            starter = StackResult("starter", train_seconds=round(starter_train or 0.0, 1))
            results.append(starter)
            _bench_stack(
                lambda: stacks.start_starter(starter_dir, starter_model, plan.port_base + 20),
                STARTER_SCRIPTS,
                plan,
                plan.shapes,
                starter,
                log,
            )
    return {
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "minutes": round((time.time() - started) / 60, 1),
        "cpus": os.cpu_count(),
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
        "stacks": [result.__dict__ for result in results],
    }


def save_json(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
