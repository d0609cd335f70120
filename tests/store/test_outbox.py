"""The outbox's storage on a real folder: schedule, claims, dead letters, expiry, erasure.
The clock is an argument: nothing sleeps."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main as cli
from bot.store.outbox import (
    CLAIM_LEASE_SECONDS,
    LONGEST_PAUSE_SECONDS,
    Outbox,
    UnreadableEntry,
    backoff,
    erase_outbox_for,
    read_entry,
)

T0 = 1_800_000_000.0
DAY = 86400.0


def call(sender: str = "ana", action: str = "action_register_complaint") -> dict[str, Any]:
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": {"sender_id": sender, "slots": {"language": "hr"}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }


@pytest.fixture()
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox", retention_days=7, max_attempts=4, first_retry_seconds=10)


def test_backoff_doubles_from_the_first_pause_up_to_an_hour() -> None:
    assert [backoff(n, 10) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff(30, 10) == LONGEST_PAUSE_SECONDS


def test_a_kept_call_is_private_and_due_after_the_first_pause(outbox: Outbox) -> None:
    path = outbox.keep(call(), T0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the tracker holds personal data
    assert not list(outbox.directory.glob(".*.tmp"))  # written through a temporary file
    entry = read_entry(path)
    assert (entry.sender_id, entry.action, entry.attempts) == ("ana", call()["next_action"], 0)
    assert outbox.due(T0 + 9.9) == []
    assert outbox.due(T0 + 10) == [path]


def test_each_failure_waits_twice_as_long_and_the_last_sets_it_aside(outbox: Outbox) -> None:
    outbox.keep(call(), T0)
    now, pauses = T0 + 10, []
    for _ in range(3):
        (path,) = outbox.due(now)
        entry = outbox.claim(path, now)
        assert entry is not None
        again = outbox.failed(entry, "database down", now)
        assert again is not None and again.last_error == "database down"
        pauses.append(again.next_attempt_at - now)
        assert outbox.due(again.next_attempt_at - 1) == []
        now = again.next_attempt_at
        assert read_entry(again.path).attempts == len(pauses)  # the count is in the file
    assert pauses == [10, 20, 40]
    (path,) = outbox.due(now)
    entry = outbox.claim(path, now)
    assert entry is not None and outbox.failed(entry, "database down", now) is None
    assert outbox.waiting() == []
    ((_, letter),) = outbox.dead_letters()
    assert letter is not None and letter.reason == "4 attempts failed; last: database down"


def test_only_one_worker_claims_a_file(outbox: Outbox, tmp_path: Path) -> None:
    other = Outbox(outbox.directory)  # another Rasa worker on the same folder
    path = outbox.keep(call(), T0)
    assert outbox.due(T0 + 10) == other.due(T0 + 10) == [path]
    first = outbox.claim(path, T0 + 10)
    assert first is not None
    assert other.claim(path, T0 + 10) is None
    assert outbox.due(T0 + 100) == other.due(T0 + 100) == []


def test_a_dead_workers_claim_is_queued_again_after_the_lease(outbox: Outbox) -> None:
    path = outbox.keep(call(), T0)
    assert outbox.claim(path, T0 + 10) is not None
    assert outbox.release_stale_claims(T0 + 10 + 1) == 0
    # the lease is counted from the claim (the file's times); a claim long ago is stale
    assert outbox.release_stale_claims(T0 + 10 + CLAIM_LEASE_SECONDS + 10**9) == 1
    assert outbox.waiting() == [path]


def test_an_unreadable_file_is_set_aside_and_the_next_one_is_due(outbox: Outbox) -> None:
    outbox.directory.mkdir(parents=True)
    poisoned = outbox.directory / f"{T0 - 5:.6f}-poisoned.json"
    poisoned.write_bytes(b"\x00\xff not json")
    good = outbox.keep(call(), T0)
    assert outbox.due(T0 + 10) == [poisoned, good]  # due at once, to be set aside
    with pytest.raises(UnreadableEntry):
        outbox.claim(poisoned, T0 + 10)
    assert not poisoned.exists()
    assert outbox.claim(good, T0 + 10) is not None
    ((dead, letter),) = outbox.dead_letters()
    assert dead.name == poisoned.name and letter is None


def test_a_call_in_the_old_format_is_read_as_a_first_attempt(outbox: Outbox) -> None:
    outbox.directory.mkdir(parents=True)
    old = outbox.directory / f"{T0:.6f}-0123.json"
    old.write_text(json.dumps(call("marko")), "utf-8")
    assert outbox.due(T0) == [old]
    entry = outbox.claim(old, T0)
    assert entry is not None and (entry.sender_id, entry.attempts) == ("marko", 0)


def test_files_older_than_the_retention_are_deleted_everywhere(outbox: Outbox) -> None:
    old_waiting = outbox.keep(call("a"), T0)
    old_failed = outbox.keep(call("b"), T0)
    entry = outbox.claim(old_failed, T0)
    assert entry is not None
    outbox.set_aside(entry.path, "the action server answered 400", entry)
    old_claimed = outbox.keep(call("c"), T0)
    assert outbox.claim(old_claimed, T0) is not None
    fresh = outbox.keep(call("d"), T0 + 6 * DAY)
    assert outbox.expire(T0 + 7 * DAY - 1) == 0
    assert outbox.expire(T0 + 7 * DAY + 1) == 3
    assert outbox.waiting() == [fresh] and outbox.dead_letters() == []
    assert not old_waiting.exists() and not any(outbox.claimed_dir.iterdir())


def test_erasure_removes_one_customers_files_wherever_they_are(outbox: Outbox) -> None:
    outbox.keep(call("ana"), T0)
    claimed = outbox.claim(outbox.keep(call("ana"), T0 + 1), T0 + 20)
    assert claimed is not None
    aside = outbox.claim(outbox.keep(call("ana"), T0 + 2), T0 + 20)
    assert aside is not None
    outbox.set_aside(aside.path, "400", aside)
    (outbox.directory / f"{T0:.6f}-broken.json").write_text('{"x": "ana", "y": 1', "utf-8")
    other = outbox.keep(call("ivo"), T0)
    assert erase_outbox_for("ana", outbox.directory) == 4
    assert outbox.waiting() == [other]
    assert outbox.dead_letters() == [] and not any(outbox.claimed_dir.iterdir())
    assert erase_outbox_for("ana", outbox.directory) == 0


def test_a_replay_that_ends_after_its_file_was_erased_does_not_bring_it_back(
    outbox: Outbox,
) -> None:
    entry = outbox.claim(outbox.keep(call("ana"), T0), T0 + 10)
    assert entry is not None
    assert erase_outbox_for("ana", outbox.directory) == 1
    assert outbox.failed(entry, "database down", T0 + 11) is None
    assert outbox.waiting() == [] and outbox.dead_letters() == []


def test_the_cli_lists_retries_and_drops_set_aside_calls(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_VAR_DIR", str(outbox.directory.parent))
    from bot.settings import get_settings

    get_settings.cache_clear()
    try:
        for sender in ("ana", "ivo"):
            entry = outbox.claim(outbox.keep(call(sender), T0), T0 + 10)
            assert entry is not None
            outbox.set_aside(entry.path, "the action server answered 400", entry)
        first, second = (path.name for path, _ in outbox.dead_letters())
        assert cli(["outbox", "failed"]) == 0
        listed = capsys.readouterr().out
        assert first in listed and "answered 400" in listed and "2 set aside, 0 waiting" in listed
        assert cli(["outbox", "retry", first]) == 0
        assert [path.name for path in outbox.waiting()] == [first]
        assert read_entry(outbox.waiting()[0]).attempts == 0
        assert cli(["outbox", "drop", second]) == 2  # not without --yes
        assert cli(["outbox", "drop", second, "--yes"]) == 0
        assert outbox.dead_letters() == []
        assert cli(["outbox", "drop", "../../etc/passwd", "--yes"]) == 1
    finally:
        get_settings.cache_clear()


def test_the_outbox_settings_have_defaults_and_refuse_nonsense(tmp_path: Path) -> None:
    from bot.settings import SettingsError, load_settings

    none = {"BOT_SETTINGS_FILE": str(tmp_path / "none.yml")}
    settings = load_settings(none)
    assert (
        settings.outbox_retention_days,
        settings.outbox_max_attempts,
        settings.outbox_first_retry_seconds,
    ) == (7, 12, 10)
    assert load_settings({**none, "BOT_OUTBOX_RETENTION_DAYS": "2"}).outbox_retention_days == 2
    for name in ("RETENTION_DAYS", "MAX_ATTEMPTS", "FIRST_RETRY_SECONDS"):
        with pytest.raises(SettingsError, match=name.lower()):
            load_settings({**none, f"BOT_OUTBOX_{name}": "0"})
