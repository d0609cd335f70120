"""The report names the command that reproduces its run, without this machine's file paths."""

from __future__ import annotations

from tools.bench.__main__ import _without_paths, bench_command


def test_a_full_run_is_make_bench() -> None:
    assert bench_command(_without_paths([])) == "make bench"


def test_a_partial_run_names_its_arguments_but_not_its_files() -> None:
    args = [
        "--no-postgres", "--model", "models/m.tar.gz", "--variant", "ours-sqlite",
        "--out=/tmp/x.md", "--json", "/tmp/x.json", "--quick",
    ]  # fmt: skip
    assert bench_command(_without_paths(args)) == (
        "make bench BENCH_ARGS='--no-postgres --variant ours-sqlite --quick'"
    )
