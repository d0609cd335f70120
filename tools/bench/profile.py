"""``python -m tools.bench.profile``: where the Rasa server spends its CPU per message.

Starts one variant of our stack on a fresh SQLite database, warms it up, then runs closed-loop
customers while ``py-spy`` samples the Rasa server's threads that hold the GIL (the CPU
work; threads waiting for work are left out). Writes a flame graph (SVG) and the
collapsed stacks, and prints the functions with the largest share of samples, inclusive, so
that one optimisation can be measured against the next.

py-spy comes from PyPI (``pip install py-spy``, the dev extra has it); it needs to be allowed
to read the server's memory (root, or ``ptrace_scope`` 0).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import aiohttp

from bot.settings import PROJECT_ROOT
from tools.bench import stacks
from tools.bench.clients import Client, RestClient, SocketIOClient
from tools.bench.load import Calibration, Shape, run_phase, warm_up
from tools.bench.run import VARIANTS
from tools.bench.scripts import OUR_SCRIPTS


def inclusive_shares(collapsed: str, top: int = 40) -> list[tuple[str, float]]:
    """The ``top`` frames by share of samples that have them anywhere on the stack.

    ``collapsed`` is py-spy's raw format: one ``frame;frame;... count`` line per stack.
    """
    seen: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        for frame in set(stack.split(";")):
            seen[frame] += count
    if not total:
        return []
    return [(frame, count / total) for frame, count in seen.most_common(top)]


async def _load(
    base_url: str,
    customers: int,
    seconds: float,
    start_recording: Callable[[], None],
    transport: str = "rest",
) -> str:
    """Warm the server up, start the recording, then run the closed loop over ``transport``."""
    calibration: Calibration = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:

        def client(prefix: str) -> Client:
            if transport == "socketio":
                return SocketIOClient(session, base_url)
            return RestClient(session, base_url, prefix)

        await warm_up(lambda: client("profile-warm"), OUR_SCRIPTS, calibration)
        start_recording()
        phase = await run_phase(
            Shape(f"closed-{customers}", customers, seconds),
            transport,
            lambda: client("profile"),
            OUR_SCRIPTS,
            calibration,
        )
    summary = phase.stats.summary()
    return (
        f"{summary['messages']} messages, {summary['messages_per_second']} msg/s, "
        f"p95 {summary['p95_ms']} ms, errors {summary['errors']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.profile", description=__doc__)
    known = {variant.name: variant for variant in VARIANTS if variant.database == "sqlite"}
    parser.add_argument("--variant", choices=sorted(known), default="ours-sqlite")
    parser.add_argument("--model", required=True, help="a trained model (models/*.tar.gz)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--port", type=int, default=6900)
    parser.add_argument("--transport", choices=("rest", "socketio"), default="rest")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "profiles"),
                        help="folder of the flame graph (default docs/profiles)")  # fmt: skip
    parser.add_argument("--raw", default=str(PROJECT_ROOT / "var" / "profiles"),
                        help="folder of the collapsed stacks (default var/profiles)")  # fmt: skip
    parser.add_argument("--name", help="file name stem (default: the variant)")
    parser.add_argument("--top", type=int, default=120, help="frames to print (default 120)")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        parser.error("py-spy is not installed: pip install py-spy")
    out, raw_dir = Path(args.out), Path(args.raw)
    out.mkdir(parents=True, exist_ok=True)
    raw_dir.mkdir(parents=True, exist_ok=True)
    stem = args.name or args.variant
    with tempfile.TemporaryDirectory(prefix="cb-profile-") as temp:
        workdir = Path(temp)
        stack = stacks.start_ours(
            known[args.variant], Path(args.model), f"sqlite:///{workdir / 'bot.db'}",
            args.port, workdir,
        )  # fmt: skip
        try:
            # blocking (py-spy's default): it pauses the server for each sample; with
            # --nonblocking, under this load, the stacks it read were torn (frames of one
            # thread's stack mixed with another's)
            record = ["record", "--pid", str(stack.pids["rasa"]), "--rate", "100",
                      "--duration", str(int(args.seconds)), "--gil"]  # fmt: skip
            recorders: list[subprocess.Popen[bytes]] = []

            def start_recording() -> None:
                for form, target in (("flamegraph", out / f"{stem}.svg"),
                                     ("raw", raw_dir / f"{stem}.collapsed")):  # fmt: skip
                    recorders.append(
                        subprocess.Popen([py_spy, *record, "--format", form, "-o", str(target)])
                    )

            print(asyncio.run(_load(stack.base_url, args.customers, args.seconds,
                                    start_recording, args.transport)))  # fmt: skip
            for recorder in recorders:
                recorder.wait(timeout=args.seconds + 60)
        finally:
            stacks.stop(stack)
    collapsed = (raw_dir / f"{stem}.collapsed").read_text(encoding="utf-8")
    for frame, share in inclusive_shares(collapsed, args.top):
        print(f"{share:6.1%}  {frame}")
    print(f"flame graph: {out / f'{stem}.svg'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
