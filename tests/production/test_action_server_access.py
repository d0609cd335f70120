"""The action server listens on loopback only and refuses action calls without Rasa's token
(issue 13, finding 1): a forged tracker posted to ``/webhook`` is refused with 401."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from bot import store
from bot.rasa_process import child_env
from bot.runner import PROJECT_ROOT, actions_server_command
from bot.settings import Settings

ACTIONS_PORT = 6431
RASA_PORT = 6440  # its action server: 6490

#: A forged action call: another customer's sender id and a hand-off.
FORGED = {
    "next_action": "action_hand_off",
    "sender_id": "victim-sender",
    "tracker": {"sender_id": "victim-sender", "slots": {}, "events": [], "latest_message": {}},
    "domain": {},
    "version": "3.6.2",
}


def post(url: str, body: dict[str, Any], token: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port`` (from /proc/net/tcp{,6})."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def wait_up(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the action server exited"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url}")


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real action server with a known token; yields the token."""
    token = secrets.token_urlsafe(32)
    work = tmp_path_factory.mktemp("actions")
    env = {
        **child_env(),
        "BOT_ACTIONS_TOKEN": token,
        "DATABASE_URL": f"sqlite:///{work / 'bot.db'}",
        "BOT_SETTINGS_FILE": str(work / "absent.yml"),
    }
    env.pop("BOT_ACTIONS_HOST", None)
    store.migrate(env["DATABASE_URL"])
    process = subprocess.Popen(
        actions_server_command(ACTIONS_PORT), cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_up(f"http://127.0.0.1:{ACTIONS_PORT}/health", process)
        yield token
    finally:
        process.terminate()
        process.wait(timeout=30)
        store.dispose_engines()


def test_the_action_server_binds_to_loopback_only(action_server: str) -> None:
    assert listening_addresses(ACTIONS_PORT) == {"0100007F"}  # 127.0.0.1, not 0.0.0.0


def test_a_forged_action_call_is_refused(action_server: str) -> None:
    url = f"http://127.0.0.1:{ACTIONS_PORT}/webhook"
    assert post(url, FORGED)[0] == 401
    assert post(url, FORGED, token="wrong-" + action_server)[0] == 401
    assert post(url, FORGED, token=action_server[:-1])[0] == 401
    status, _ = post(url, {**FORGED, "next_action": "action_does_not_exist"}, token=action_server)
    assert status == 404  # past the token check: rasa_sdk's own "no such action"


def test_the_action_list_needs_the_token(action_server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{ACTIONS_PORT}/actions", timeout=10)
    assert refused.value.code == 401
    request = urllib.request.Request(
        f"http://127.0.0.1:{ACTIONS_PORT}/actions",
        headers={"Authorization": f"Bearer {action_server}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        names = {item["name"] for item in json.load(answer)}
    assert "action_hand_off" in names


def test_the_action_server_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    env = {**child_env(), "BOT_SETTINGS_FILE": str(tmp_path / "absent.yml")}
    env.pop("BOT_ACTIONS_TOKEN", None)
    result = subprocess.run(
        actions_server_command(ACTIONS_PORT + 1), cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "BOT_ACTIONS_TOKEN" in result.stderr


@pytest.mark.slow
def test_rasa_sends_the_token_it_was_given_for_the_run(
    trained_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start_stack: Callable[..., AbstractContextManager[Settings]],
) -> None:
    """``python -m bot run`` without a configured token: one is made for the run, Rasa sends
    it, the actions run (a complaint is logged), and a caller without it is refused."""
    monkeypatch.delenv("BOT_ACTIONS_TOKEN", raising=False)
    monkeypatch.setenv("BOT_SETTINGS_FILE", str(tmp_path / "absent.yml"))
    with start_stack(
        trained_model, tmp_path / "bot.db", rasa_port=RASA_PORT, BOT_ACTIONS="server"
    ) as settings:
        assert settings.actions_token == "" and not settings.actions_in_process
        assert listening_addresses(RASA_PORT + 50) == {"0100007F"}
        assert post(f"http://127.0.0.1:{RASA_PORT + 50}/webhook", FORGED)[0] == 401
        sender = f"access-{uuid.uuid4().hex[:8]}"
        rest = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
        for text in (
            "My order ORD-48213 from last week still hasn't arrived",
            "Just send it to me as soon as possible please",
            "ana.horvat@example.com",
        ):
            status, answer = post(rest, {"sender": sender, "message": text})
            assert status == 200, answer
        with store.session_scope(settings.database_url) as session:
            rows = store.list_complaints(session, sender_id=sender)
        assert len(rows) == 1 and rows[0].contact == "ana.horvat@example.com"
    assert "BOT_ACTIONS_TOKEN" not in os.environ
