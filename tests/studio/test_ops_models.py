"""Models: list, activate, roll back; the active model is recorded durably and is what a
restarted server serves; the command line does the same."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.cli.main import main
from bot.settings import get_settings
from bot.studio import model_files
from bot.studio.errors import StudioError


def _place(model: Path, project: Path, name: str, age_seconds: float) -> Path:
    target = project / "models" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(model, target)
    moment = target.stat().st_mtime - age_seconds
    os.utime(target, (moment, moment))
    return target


@pytest.fixture()
def two_models(trained_model: Path, project: Path) -> tuple[Path, Path]:
    older = _place(trained_model, project, "20260101-100000-older.tar.gz", 3600)
    newer = _place(trained_model, project, "20260102-100000-newer.tar.gz", 60)
    return older, newer


def test_list_activate_and_roll_back(two_models: tuple[Path, Path], project: Path) -> None:
    older, newer = two_models
    listed = model_files.list_models(project)
    assert [item["name"] for item in listed] == [newer.name, older.name]
    assert [item["active"] for item in listed] == [True, False]  # nothing activated: newest
    assert listed[0]["rasa_version"] == "3.6.21" and listed[0]["model_id"]
    assert listed[0]["size_bytes"] == newer.stat().st_size
    assert model_files.previous_model(project) is None

    model_files.activate(project, older.name, "tina")
    assert model_files.serving_model(project) == older
    assert [item["active"] for item in model_files.list_models(project)] == [False, True]
    model_files.activate(project, newer.name, "tina")
    assert model_files.previous_model(project) == older
    assert model_files.rollback(project, "tina") == older
    assert model_files.serving_model(project) == older
    assert model_files.read_active(project)["activated_by"] == "tina"
    assert model_files.rollback(project, "tina") == newer  # and forth again


def test_a_deleted_active_model_falls_back_to_the_newest(
    two_models: tuple[Path, Path], project: Path
) -> None:
    older, newer = two_models
    model_files.activate(project, older.name, "tina")
    older.unlink()
    assert model_files.serving_model(project) == newer
    with pytest.raises(StudioError) as refused:
        model_files.rollback(project, "tina")
    assert refused.value.status == 409


@pytest.mark.parametrize(
    "name", ["../models/x.tar.gz", "/etc/passwd", "", None, 7, "x.zip", "a" * 300 + ".tar.gz"]
)
def test_only_listed_model_files_can_be_activated(
    two_models: tuple[Path, Path], project: Path, name: object
) -> None:
    with pytest.raises(StudioError) as refused:
        model_files.activate(project, name, "tina")
    assert refused.value.status in (404, 422)
    assert not (project / "models" / model_files.ACTIVE_FILE).exists()


def test_the_command_line_lists_activates_and_rolls_back(
    two_models: tuple[Path, Path],
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    older, newer = two_models
    monkeypatch.setenv("BOT_PROJECT_DIR", str(project))
    get_settings.cache_clear()
    try:
        assert main(["studio", "models"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[1].startswith("* " + newer.name) and lines[2].startswith("  " + older.name)
        assert main(["studio", "activate", older.name]) == 0
        assert model_files.serving_model(project) == older
        assert main(["studio", "activate", "nope.tar.gz"]) == 1
        assert "There is no model 'nope.tar.gz'" in capsys.readouterr().err
        assert main(["studio", "activate", newer.name]) == 0
        assert main(["studio", "rollback"]) == 0
        assert model_files.serving_model(project) == older
    finally:
        get_settings.cache_clear()


class RecordingAgent:
    """Stands in for Rasa's Agent: records which model files it was asked to load."""

    def __init__(self) -> None:
        self.loaded: list[str] = []
        self.processor: SimpleNamespace | None = None

    def load_model(self, path: str) -> None:
        self.loaded.append(Path(path).name)
        self.processor = SimpleNamespace(model_path=Path(path))


async def test_running_instances_follow_activations_made_elsewhere(
    two_models: tuple[Path, Path], project: Path
) -> None:
    older, newer = two_models
    model_files.activate(project, older.name, "tina")  # before this instance started: not reloaded
    agent = RecordingAgent()
    app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))
    follower = asyncio.ensure_future(model_files.follow_active_model(app, project, interval=0.05))
    try:
        await asyncio.sleep(0.3)
        assert agent.loaded == []
        model_files.activate(project, newer.name, "cli")  # e.g. another instance, or the CLI
        await _until(lambda: agent.loaded == [newer.name])
        model_files.rollback(project, "cli")
        await _until(lambda: agent.loaded == [newer.name, older.name])
        await asyncio.sleep(0.3)
        assert agent.loaded == [newer.name, older.name]  # each activation loaded once
    finally:
        follower.cancel()


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the follower did not load the model"
        await asyncio.sleep(0.05)
