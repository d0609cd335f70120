"""The wheel built from the repository carries what the product reads at run time (the web
front end, page templates, label files, yml data, alembic migrations) and none of the tooling
or tests.

The build runs on a copy of the sources in a temporary folder, so ``build/`` and
``*.egg-info`` never land in the checkout (and parallel runs do not share them).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "actions", "tools", "tests", "README.md", "pyproject.toml")
#: Folders under bot/ whose every file is data the product reads.
DATA_DIRS = ("web/static", "web/templates", "web/i18n", "store/migrations")


def _files(folder: Path) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(path, source / name)
    out = work / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    build = subprocess.run(
        [*pip_wheel, "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    [wheel] = out.glob("complaint_bot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_the_front_end_data_and_migrations(wheel_files: set[str]) -> None:
    expected = set().union(*(_files(ROOT / "bot" / folder) for folder in DATA_DIRS))
    expected |= {path.relative_to(ROOT).as_posix() for path in (ROOT / "bot").rglob("*.yml")}
    expected.add("bot/store/alembic.ini")
    # the folders exist and hold what the product serves, so the check below means something
    for needed in (
        "bot/web/static/widget.js",
        "bot/web/static/shared/api.js",
        "bot/web/static/shared/dom.js",
        "bot/web/static/studio/studio.js",
        "bot/web/static/console/index.html",
        "bot/web/templates/widget_demo.html",
        "bot/web/i18n/widget.json",
        "bot/store/migrations/env.py",
        "bot/categories.yml",
    ):
        assert needed in expected
    assert any(name.startswith("bot/store/migrations/versions/") for name in expected)
    assert sorted(expected - wheel_files) == []


def test_the_wheel_carries_every_module_of_the_product(wheel_files: set[str]) -> None:
    modules = _files(ROOT / "bot") | _files(ROOT / "actions")
    modules = {name for name in modules if name.endswith(".py")}
    assert modules and sorted(modules - wheel_files) == []


def test_the_wheel_leaves_out_tooling_tests_and_caches(wheel_files: set[str]) -> None:
    outside = {
        name for name in wheel_files if not name.startswith(("bot/", "actions/", "complaint_bot-"))
    }
    assert sorted(outside) == []
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in wheel_files)
