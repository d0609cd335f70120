"""Analytics figures on a seeded database, computed by hand here; filters; the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from bot import store
from bot.settings import get_settings
from bot.studio import analytics
from bot.studio.errors import StudioError
from tests.web.test_console_api import Console

from .conftest import sign_in

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
SETTINGS = get_settings()
DAY = timedelta(days=1)


def _complaint(
    session: store.Session,
    *,
    sender: str,
    language: str,
    category: str,
    created: datetime,
    reasons: list[str] | None = None,
    reply_after: timedelta | None = None,
    resolve_after: timedelta | None = None,
    hours: float = 24,
) -> str:
    complaint = store.create_complaint(
        session,
        sender_id=sender,
        channel="socketio",
        language=language,
        script="latin",
        category=category,
        severity=2,
        anger_score=0.1,
        description="=HYPERLINK(\"x\") seeded" if sender == "s1" else "seeded",
        escalation_reasons=reasons or [],
        deadline_hours=hours,
        prefix="C",
        now=created,
    )
    if reply_after is not None:
        store.append_event(session, complaint, "message_agent", "agent:ana", {"text": "hi"},
                           now=created + reply_after)
    if resolve_after is not None:
        store.set_status(session, complaint, "resolved", "agent:ana", "done",
                         now=created + resolve_after)
    return str(complaint.ticket)


@pytest.fixture()
def seeded(database: str) -> dict[str, str]:
    """Five complaints over three days (Zagreb time), with known replies and resolutions."""
    with store.session_scope(database) as session:
        return {
            # met: first reply after 2 h, resolved after 5 h
            "a": _complaint(session, sender="s1", language="hr", category="delivery",
                            created=NOW - 2 * DAY, reasons=["anger", "money"],
                            reply_after=timedelta(hours=2), resolve_after=timedelta(hours=5)),
            # breached: first reply after 30 h of a 24 h promise
            "b": _complaint(session, sender="s2", language="hr", category="billing",
                            created=NOW - 2 * DAY, reasons=["money"],
                            reply_after=timedelta(hours=30)),
            # breached: nobody answered, deadline passed
            "c": _complaint(session, sender="s3", language="en", category="delivery",
                            created=NOW - DAY - timedelta(hours=1)),
            # pending: not answered, deadline ahead
            "d": _complaint(session, sender="s4", language="en", category="delivery",
                            created=NOW - timedelta(hours=3), reasons=["safety"]),
            # met by resolution alone, after 1 h
            "e": _complaint(session, sender="s5", language="sr", category="technical",
                            created=NOW - timedelta(hours=2), resolve_after=timedelta(hours=1)),
        }


def test_figures_on_a_seeded_database(seeded: dict[str, str], database: str) -> None:
    figures = analytics.summary(analytics.Filters(), SETTINGS, database, now=NOW)
    assert figures["total"] == 5
    assert figures["per_category"] == {"delivery": 3, "billing": 1, "technical": 1}
    assert figures["per_language"] == {"en": 2, "hr": 2, "sr": 1}
    # 2026-03-08 12:00Z = 13:00 Zagreb; 2026-03-09 11:00Z; two on 2026-03-10.
    assert figures["per_day"] == [
        {"day": "2026-03-08", "complaints": 2},
        {"day": "2026-03-09", "complaints": 1},
        {"day": "2026-03-10", "complaints": 2},
    ]
    assert figures["escalation"] == {
        "escalated": 3,
        "rate": 0.6,
        "reasons": {"money": 2, "anger": 1, "safety": 1},
    }
    assert figures["deadlines"] == {"met": 2, "breached": 2, "pending": 1}
    # replies: 2 h and 30 h -> median 16, mean 16; resolutions: 5 h and 1 h -> 3
    assert figures["first_human_reply"] == {"count": 2, "median_hours": 16.0, "mean_hours": 16.0}
    assert figures["resolution"] == {"count": 2, "median_hours": 3.0, "mean_hours": 3.0}


def test_filters(seeded: dict[str, str], database: str) -> None:
    hr = analytics.summary(analytics.Filters(language="hr"), SETTINGS, database, now=NOW)
    assert hr["total"] == 2 and hr["escalation"]["rate"] == 1.0
    delivery_en = analytics.parse_filters({"language": "en", "category": "delivery"}, SETTINGS)
    assert analytics.summary(delivery_en, SETTINGS, database, now=NOW)["total"] == 2
    one_day = analytics.parse_filters({"from": "2026-03-09", "to": "2026-03-09"}, SETTINGS)
    rows = analytics.complaint_rows(one_day, SETTINGS, database, NOW)
    assert [r["ticket"] for r in rows] == [seeded["c"]]
    empty = analytics.summary(
        analytics.parse_filters({"from": "2025-01-01", "to": "2025-01-03"}, SETTINGS),
        SETTINGS, database, now=NOW,
    )
    assert empty["total"] == 0 and empty["escalation"]["rate"] is None
    assert [d["complaints"] for d in empty["per_day"]] == [0, 0, 0]


@pytest.mark.parametrize(
    "args",
    [{"from": "03/10/2026"}, {"from": "2026-03-10", "to": "2026-03-01"}, {"language": "de"},
     {"category": "nope"}, {"to": "x" * 500}],
)
def test_bad_filters_are_refused(args: dict[str, str], database: str) -> None:
    with pytest.raises(StudioError) as refused:
        analytics.parse_filters(args, SETTINGS)
    assert refused.value.status == 422


def test_csv_has_a_row_per_complaint_and_defuses_formulas(
    seeded: dict[str, str], database: str
) -> None:
    text = analytics.to_csv(analytics.complaint_rows(analytics.Filters(), SETTINGS, database, NOW))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["ticket"] for row in rows] == [seeded[k] for k in "abcde"]
    first = rows[0]
    assert first["deadline"] == "met" and first["escalated"] == "yes"
    assert first["escalation_reasons"] == "anger money"
    assert first["first_human_reply_hours"] == "2.0" and first["resolution_hours"] == "5.0"
    assert rows[2]["deadline"] == "breached" and rows[2]["first_human_reply_hours"] == ""
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


async def test_the_api_serves_figures_and_csv_to_trainers(studio: Console) -> None:
    # The console fixture seeds three Croatian delivery complaints.
    async with studio.client() as http:
        await sign_in(studio, http, "tina")
        async with http.get(f"{studio.base}/studio/api/analytics?language=hr") as res:
            assert res.status == 200
            data = await res.json()
        assert data["total"] == 3 and data["per_category"] == {"delivery": 3}
        assert data["escalation"]["reasons"] == {"safety": 1}
        assert set(get_settings().category_slugs) == set(data["categories"])
        async with http.get(f"{studio.base}/studio/api/analytics.csv?category=billing") as res:
            assert res.status == 200
            assert res.headers["Content-Type"].startswith("text/csv")
            assert (await res.text()).strip() == ",".join(analytics.CSV_COLUMNS)
        async with http.get(f"{studio.base}/studio/api/analytics.csv") as res:
            assert len((await res.text()).strip().splitlines()) == 4
