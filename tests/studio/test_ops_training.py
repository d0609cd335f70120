"""Training in the background through the studio's API, with a real ``rasa train`` on a copy
of the project: progress while it runs, one training at a time, the new model listed,
activated into a real Rasa agent without a restart, rolled back; a broken project's training
is shown as failed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from rasa.core.agent import Agent

from bot.studio import model_files
from tests.web.test_console_api import Console

from .conftest import sign_in
from .test_ops_models import _place

pytestmark = pytest.mark.slow

TRAINING_TIMEOUT = 600.0


async def _wait(http: aiohttp.ClientSession, base: str) -> tuple[dict[str, Any], list[str]]:
    """Poll the training until it has finished; returns the job and the stages seen."""
    stages: list[str] = []
    deadline = time.monotonic() + TRAINING_TIMEOUT
    while time.monotonic() < deadline:
        async with http.get(f"{base}/studio/api/training") as res:
            assert res.status == 200
            view = await res.json()
        job = view["running"] or view["jobs"][0]
        if not stages or stages[-1] != job["stage"]:
            stages.append(job["stage"])
        if job["state"] != "running":
            return job, stages
        await asyncio.sleep(0.5)
    raise AssertionError(f"the training did not finish; stages seen: {stages}")


async def test_a_broken_project_trains_as_failed(studio: Console, project: Path) -> None:
    (project / "domain.yml").write_text("intents: [greet\nresponses: {", encoding="utf-8")
    async with studio.client() as http:
        csrf = await sign_in(studio, http, "tina")
        async with http.post(f"{studio.base}/studio/api/training", json={},
                             headers={"X-CSRF-Token": csrf}) as res:
            assert res.status == 202, await res.text()
        job, _ = await _wait(http, studio.base)
        assert job["state"] == "failed"
        assert job["error"] and job["returncode"] != 0
        async with http.get(f"{studio.base}/studio/api/training/{job['id']}") as res:
            detail = await res.json()
        assert detail["stage"] == "failed" and detail["log"]
        async with http.get(f"{studio.base}/studio/api/models") as res:
            assert (await res.json())["models"] == []


async def test_train_activate_and_roll_back(
    studio: Console, project: Path, trained_model: Path
) -> None:
    older = _place(trained_model, project, "20260101-100000-older.tar.gz", 3600)
    agent = Agent()
    studio.app.ctx.agent = agent
    async with studio.client() as http:
        csrf = await sign_in(studio, http, "tina")
        headers = {"X-CSRF-Token": csrf}
        async with http.post(f"{studio.base}/studio/api/models/activate",
                             json={"model": older.name}, headers=headers) as res:
            assert res.status == 200, await res.text()
            assert (await res.json())["serving"] == older.name
        assert model_files.serving_name(agent) == older.name

        async with http.post(f"{studio.base}/studio/api/training", json={"force": False},
                             headers=headers) as res:
            assert res.status == 202, await res.text()
            started = await res.json()
        async with http.post(f"{studio.base}/studio/api/training", json={},
                             headers=headers) as res:
            assert res.status == 409  # one training at a time
        # The server answers while Rasa trains, and the old model keeps parsing.
        async with http.get(f"{studio.base}/studio/api/training/{started['id']}") as res:
            assert res.status == 200 and (await res.json())["state"] == "running"
        assert (await agent.parse_message("dobar dan"))["intent"]["name"] == "greet"

        job, stages = await _wait(http, studio.base)
        assert job["state"] == "succeeded", job
        assert any(stage.startswith("training ") for stage in stages), stages
        new = job["result"]["model"]
        assert (project / "models" / new).is_file()

        async with http.get(f"{studio.base}/studio/api/models") as res:
            view = await res.json()
        listed = {item["name"]: item for item in view["models"]}
        assert set(listed) == {older.name, new}
        assert listed[new]["trained_by"] == "tina" and listed[new]["data_version"]
        assert view["serving"] == older.name and listed[older.name]["active"]

        async with http.post(f"{studio.base}/studio/api/models/activate",
                             json={"model": new}, headers=headers) as res:
            assert res.status == 200
            assert (await res.json())["serving"] == new
        assert model_files.serving_name(agent) == new
        assert model_files.serving_model(project).name == new  # what a restart serves

        async with http.post(f"{studio.base}/studio/api/models/rollback",
                             headers=headers) as res:
            assert res.status == 200
            assert (await res.json())["serving"] == older.name
        assert model_files.serving_name(agent) == older.name
        assert model_files.serving_model(project) == older
