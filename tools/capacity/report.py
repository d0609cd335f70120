"""The printed table of a capacity run (Markdown, to paste into docs/capacity.md)."""

from __future__ import annotations

from tools.capacity.figures import Spread, Summary


def _cell(value: Spread | None, missing: str) -> str:
    return str(value) if value is not None else missing


def table(rows: list[Summary], repeats: int) -> str:
    """One row per phase: latency over every message; CPU ms/msg as the median of the repeats
    with [lowest–highest]."""
    lines = [
        f"CPU: median of {repeats} repeat(s) [lowest–highest], ms per customer message.",
        "",
        "| phase | messages | p50 ms | p95 ms | client CPU ms/msg | server CPU ms/msg "
        "| server side |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        server = _cell(row.server_cpu, "not measured")
        lines.append(
            f"| {row.name} | {row.messages} | {row.p50_ms:.2f} | {row.p95_ms:.2f} "
            f"| {_cell(row.client_cpu, '–')} | {server} | {row.server_note} |"
        )
    return "\n".join(lines)
