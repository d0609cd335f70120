"""The studio's operations on the command line: review, review-add, analytics (CSV), and a
training of a broken project that fails with Rasa's message."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.settings import get_settings
from bot.studio import review

from .test_ops_analytics import seeded
from .test_ops_review import UNSURE, _log

__all__ = ["seeded"]  # the fixture

#: The settings' NLU confidence below which a message is reviewed.
THRESHOLD = get_settings().escalation.nlu_confidence_threshold


@pytest.fixture()
def studio_env(project: Path, database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("BOT_PROJECT_DIR", str(project))
    get_settings.cache_clear()
    yield project
    get_settings.cache_clear()


async def test_review_and_review_add(
    studio_env: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await _log(database, studio_env)
    assert main(["studio", "review", "--format", "jsonl"]) == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    unsure = next(item for item in items if item["text"] == UNSURE)
    assert main(["studio", "review"]) == 0
    table = capsys.readouterr().out
    assert "low_confidence" in table and str(unsure["id"]) in table

    assert main(["studio", "review-add", str(unsure["id"]), "no_such_intent"]) == 1
    assert "no intent 'no_such_intent'" in capsys.readouterr().err
    assert main(["studio", "review-add", str(unsure["id"]), "complain_product_quality"]) == 0
    assert "complain_product_quality (hr)" in capsys.readouterr().out
    assert UNSURE in (studio_env / "data/nlu/hr.yml").read_text(encoding="utf-8")
    left = review.inbox(studio_env, database, THRESHOLD)
    assert unsure["id"] not in [item["id"] for item in left]

    others = [item["id"] for item in items if item["id"] != unsure["id"]]
    assert main(["studio", "review-story", str(others[0]), "--name", "from the inbox"]) == 0
    assert "test story 'from the inbox'" in capsys.readouterr().out
    assert "from the inbox" in (studio_env / "tests/stories/test_hr.yml").read_text("utf-8")
    assert main(["studio", "review-done", str(others[1])]) == 0
    assert review.inbox(studio_env, database, THRESHOLD) == []
    assert main(["studio", "review-done", "999999"]) == 1


def test_analytics_json_and_csv(
    studio_env: Path, seeded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["studio", "analytics", "--language", "hr"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["total"] == 2 and figures["per_category"] == {"delivery": 1, "billing": 1}
    assert main(["studio", "analytics", "--csv", "--category", "delivery"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(row["ticket"] for row in rows) == sorted(seeded[k] for k in "acd")
    assert main(["studio", "analytics", "--from", "yesterday"]) == 2
    assert main(["studio", "analytics", "--language", "xx"]) == 1
    assert "language must be one of" in capsys.readouterr().err


@pytest.mark.slow
def test_training_a_broken_project_fails_with_rasas_message(
    studio_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (studio_env / "config.yml").write_text("pipeline: [{name: NoSuchComponent}]\n", "utf-8")
    assert main(["studio", "train"]) == 1
    captured = capsys.readouterr()
    assert "training failed" in captured.err
    # Rasa's own message, without the warnings around it.
    assert "config file 'config.yml' is missing mandatory parameters" in captured.err
    assert "Warning" not in captured.err
    assert not list((studio_env / "models").glob("*.tar.gz"))
