"""``complaint-bot register export --from D --to D --format csv|html``: the complaint register.

The fields are those the consumer laws list (``docs/jurisdictions.md``). Times are printed in
the configured time zone. CSV cells that a spreadsheet would run as a formula are prefixed
with ``'``; the HTML is rendered with autoescaping, so customers' words stay text.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.cli.registry import GROUPS, CliError, arg, command
from bot.cli.store_commands import _require_schema
from bot.policy.clocks import get_jurisdiction
from bot.store import session_scope
from bot.store.register import REGISTER_FIELDS, register_entries

GROUPS.setdefault("register", "the complaint register the consumer laws ask for")

TEMPLATES = Path(__file__).with_name("templates")
#: Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2026-12-01, got {value!r}"
        ) from error


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REGISTER_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _safe_cell(value) for key, value in row.items()})
    return out.getvalue()


def _short_when(iso: str) -> str:
    """``2026-12-04T15:00:00+01:00`` as ``2026-12-04 15:00`` (the page names the zone)."""
    return iso[:16].replace("T", " ")


def render_html(rows: list[dict[str, str]], **context: object) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
    )
    environment.filters["when"] = _short_when
    return environment.get_template("register.html").render(entries=rows, **context)


@command(
    "register",
    "export",
    help="print the complaint register for complaints received between two dates",
    arguments=[
        arg(
            "--from",
            dest="start",
            type=_day,
            required=True,
            metavar="DATE",
            help="first day (YYYY-MM-DD, local time)",
        ),
        arg(
            "--to",
            dest="end",
            type=_day,
            required=True,
            metavar="DATE",
            help="last day, included (YYYY-MM-DD)",
        ),
        arg("--format", dest="fmt", choices=("csv", "html"), default="csv"),
        arg("--output", "-o", metavar="FILE", help="write to FILE instead of standard output"),
    ],
)
def cmd_register_export(args: argparse.Namespace) -> int:
    settings = args.settings
    if args.end < args.start:
        raise CliError("--to must not be before --from", exit_code=2)
    zone = ZoneInfo(settings.timezone)
    start = datetime.combine(args.start, time(0), tzinfo=zone)
    end = datetime.combine(args.end + timedelta(days=1), time(0), tzinfo=zone)
    _require_schema(settings.database_url)
    with session_scope(settings.database_url) as session:
        rows = [entry.values for entry in register_entries(session, start, end, zone)]
    if args.fmt == "csv":
        text = render_csv(rows)
    else:
        rules = get_jurisdiction(settings.jurisdiction)
        text = render_html(
            rows,
            period_from=args.start.isoformat(),
            period_to=args.end.isoformat(),
            timezone=settings.timezone,
            jurisdiction=settings.jurisdiction,
            law=rules.law,
            retention_years=rules.retention_years,
        )
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0
