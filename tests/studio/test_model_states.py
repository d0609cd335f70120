# ruff: noqa: E501 -- a real training log: its lines are as long as Rasa writes them
"""One truth about models: each is serving or trained and not serving, exactly one serves; a
training pins the serving model so a restart does not serve the untried new one; the studio's
training log shows Rasa's progress and errors, not Python's warnings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.studio import model_files
from bot.studio.jobs import progress_lines


def _place(project: Path, name: str, age: float) -> Path:
    target = project / "models" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"not a real archive")
    moment = target.stat().st_mtime - age
    os.utime(target, (moment, moment))
    return target


def _states(project: Path, serving: str | None = None) -> dict[str, str]:
    return {m["name"]: m["state"] for m in model_files.list_models(project, serving)}


def test_exactly_one_model_serves(tmp_path: Path) -> None:
    old = _place(tmp_path, "20260101-000000-old.tar.gz", 3600)
    new = _place(tmp_path, "20260102-000000-new.tar.gz", 60)
    # this server serves the old one: the newer file is trained, not serving
    assert _states(tmp_path, old.name) == {
        new.name: "trained, not serving",
        old.name: "serving",
    }
    for item in model_files.list_models(tmp_path, old.name):
        assert item["active"] == item["serving"] == (item["name"] == old.name)
    # no server to ask: what a restart would serve
    model_files.activate(tmp_path, old.name, "tina")
    assert _states(tmp_path)[old.name] == "serving"
    model_files.activate(tmp_path, new.name, "tina")
    assert _states(tmp_path) == {new.name: "serving", old.name: "trained, not serving"}


def test_a_training_pins_the_serving_model(tmp_path: Path) -> None:
    old = _place(tmp_path, "20260101-000000-old.tar.gz", 3600)
    model_files.pin_serving(tmp_path, old.name, "tina")
    assert model_files.read_active(tmp_path)["model"] == old.name
    new = _place(tmp_path, "20260102-000000-new.tar.gz", 60)
    assert model_files.serving_model(tmp_path) == old  # a restart keeps the tried model
    model_files.pin_serving(tmp_path, new.name, "tina")  # pinned once: an activation wins
    assert model_files.read_active(tmp_path)["model"] == old.name
    shutil.rmtree(tmp_path / "models")
    model_files.pin_serving(tmp_path, "../etc/passwd", "tina")
    model_files.pin_serving(tmp_path, None, "tina")
    assert model_files.read_active(tmp_path) == {}


LOG = """\
$ python -m rasa train --domain domain.yml
/venv/lib/python3.10/site-packages/rasa/core/tracker_store.py:1044: MovedIn20Warning: Deprecated API features detected!
  Base: DeclarativeMeta = declarative_base()
/venv/lib/python3.10/site-packages/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to `pkg_resources.declare_namespace('mpl_toolkits')`.
Implementing implicit namespace packages (as specified in PEP 420) is preferred.
  declare_namespace(pkg)
2026-12-05 23:27:11 INFO     rasa.cli.train  - Started validating domain and training data...
2026-12-05 23:27:12 WARNING  absl  - some library chatter
WARNING:tensorflow:more chatter
Processed rules:   0%|          | 0/47 [00:00<?, ?it/s]
Processed rules: 100%|##########| 47/47 [00:00<00:00, 1583.15it/s]
2026-12-05 23:28:25 INFO     rasa.engine.training.hooks  - Starting to train component 'RulePolicy'.
Processed actions: 0it [00:00, ?it/s, # examples=1]
Processed actions: 176it [00:00, 18764.55it/s, # examples=156]
/venv/lib/python3.10/site-packages/rasa/shared/utils/io.py:99: UserWarning: Slot auto-fill has been removed.
  rasa.shared.utils.io.raise_warning(
2026-12-05 23:28:30 ERROR    tensorflow  - a library's error still shows
Traceback (most recent call last):
  File "x.py", line 1, in <module>
ValueError: the domain is broken
Your Rasa model is trained and saved at 'models/x.tar.gz'.
"""


def test_the_training_log_shows_rasas_progress_and_errors_only() -> None:
    shown = progress_lines(LOG.splitlines())
    assert shown == [
        "$ python -m rasa train --domain domain.yml",
        "2026-12-05 23:27:11 INFO     rasa.cli.train  - Started validating domain and training data...",
        "Processed rules: 100%|##########| 47/47 [00:00<00:00, 1583.15it/s]",
        "2026-12-05 23:28:25 INFO     rasa.engine.training.hooks  - Starting to train component 'RulePolicy'.",
        "Processed actions: 176it [00:00, 18764.55it/s, # examples=156]",
        "2026-12-05 23:28:30 ERROR    tensorflow  - a library's error still shows",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in <module>',
        "ValueError: the domain is broken",
        "Your Rasa model is trained and saved at 'models/x.tar.gz'.",
    ]
