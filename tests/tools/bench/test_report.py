"""Targets, ratios and the Markdown report from a small, hand-made set of figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools.bench.__main__ import main
from tools.bench.report import BURST_SHAPE, chart, markdown, targets
from tools.bench.run import VARIANTS, shapes


def _phase(transport: str, shape: str, p95: float, rate: float, **extra: Any) -> dict[str, Any]:
    return {
        "transport": transport,
        "shape": shape,
        "customers": 20,
        "closed_loop": shape.startswith("closed"),
        "messages": 100,
        "conversations": 20,
        "seconds": 20.0,
        "messages_per_second": rate,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 1.2,
        "errors": 0,
        "error_kinds": {},
        "cpu_ms_per_message": {"rasa": 20.0, "actions": 5.0},
        "load_1m": 1.5,
        **extra,
    }


def _ledger(told: int, rows: int) -> dict[str, Any]:
    return {
        "ledger": {
            "conversations": told,
            "ended_in_complaint": told,
            "rows": rows,
            "lost": [] if told == rows else [["bench-x", "C-AAAAAA"]],
            "unconfirmed": [],
            "balanced": told == rows,
        }
    }


def _data() -> dict[str, Any]:
    ours = {
        "name": "ours-sqlite",
        "train_seconds": 50.0,
        "start_seconds": {"rasa": 12.0, "actions": 3.0},
        "rss_after_start_mb": {"rasa": 600.0, "actions": 60.0},
        "peak_rss_mb": {"rasa": 700.0, "actions": 70.0},
        "phases": [
            _phase("rest", "paced-20", 120.0, 9.0, **_ledger(10, 10)),
            _phase("rest", "closed-10", 300.0, 70.0, **_ledger(12, 12)),
            _phase("socketio", "paced-20", 180.0, 9.0, **_ledger(10, 9)),
            _phase("socketio", "closed-10", 350.0, 50.0, **_ledger(12, 12)),
        ],
    }
    starter = {
        "name": "starter",
        "train_seconds": 200.0,
        "start_seconds": {"rasa": 33.0, "actions": 3.0},
        "rss_after_start_mb": {"rasa": 1300.0, "actions": 60.0},
        "peak_rss_mb": {"rasa": 1400.0, "actions": 60.0},
        "phases": [
            _phase("rest", "paced-20", 450.0, 9.0),
            _phase("rest", "closed-10", 800.0, 30.0),
            _phase("socketio", "paced-20", 500.0, 9.0),
            _phase("socketio", "closed-10", 900.0, 31.0),
        ],
    }
    return {
        "started": "2026-11-23 03:00 UTC",
        "minutes": 9.5,
        "cpus": 2,
        "load_before": [1.0, 1.0, 1.0],
        "load_after": [2.0, 1.5, 1.0],
        "stacks": [ours, starter],
    }


def test_targets_met_and_missed() -> None:
    data = _data()
    data["stacks"][0]["phases"][0]["p95_ms"] = 95.0  # paced 20 over REST: under 100 ms
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    paced_rest = next(k for k in rows if k.startswith("paced 20, sqlite, rest"))
    paced_socket = next(k for k in rows if k.startswith("paced 20, sqlite, socketio"))
    assert rows[paced_rest][1] is True
    assert rows[paced_socket][1] is False  # p95 180 ms and a lost complaint
    assert "1 lost" in rows[paced_socket][0]
    closed_rest = next(k for k in rows if k.startswith("closed loop, sqlite, rest"))
    closed_socket = next(k for k in rows if k.startswith("closed loop, sqlite, socketio"))
    assert rows[closed_rest] == ("70.0 vs 30.0 msg/s = 2.33×, 0 errors", True)
    assert rows[closed_socket][1] is False  # 50 / 31 = 1.61×
    start = next(k for k in rows if k.startswith("Rasa server, sqlite"))
    assert start == "Rasa server, sqlite: start ≤ 10 s, RSS ≤ 800 MB"
    assert rows[start] == ("start 12.0 s, peak RSS 700 MB", False)  # 12 s to start
    data["stacks"][0]["start_seconds"]["rasa"] = 8.0
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    assert rows[start] == ("start 8.0 s, peak RSS 700 MB", True)
    assert rows["full training ≤ 3 min"] == ("50 s", True)
    cpu = rows["closed loop, sqlite, rest: CPU ≤ 11 ms per complaint turn"]
    assert cpu == ("25 ms per message (starter bot 25 ms)", False)


def test_paced_100_is_judged_for_two_workers_only() -> None:
    data = _data()
    one, two = data["stacks"][0], {**data["stacks"][0], "name": "ours-sqlite-2w"}
    two["processes"] = {"rasa": 3}
    for stack, p95 in ((one, 900.0), (two, 280.0)):
        stack["phases"] = [*stack["phases"], _phase("rest", "paced-100", p95, 40.0)]
    data["stacks"].insert(1, two)
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    assert rows["paced 100, sqlite-2w, rest: p95 ≤ 300 ms with two workers"] == (
        "p95 280 ms, 0 errors",
        True,
    )
    assert not any(k.startswith("paced 100, sqlite,") for k in rows)


def test_consoles_polling_is_judged_against_the_same_customers_without() -> None:
    data = _data()
    consoles = {"count": 5, "requests": 60, "p95_ms": 40.0, "errors": 0, "error_kinds": {}}
    ours = data["stacks"][0]["phases"]
    ours.append(
        _phase("rest", "paced-20-consoles-5", 126.0, 9.0, consoles=consoles, baseline="paced-20")
    )
    ours.append(
        _phase(
            "socketio", "paced-20-consoles-5", 250.0, 9.0, consoles=consoles, baseline="paced-20"
        )
    )
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    rest = next(k for k in rows if k.startswith("5 consoles polling, sqlite, rest"))
    socket = next(k for k in rows if k.startswith("5 consoles polling, sqlite, socketio"))
    assert rows[rest] == (
        "p95 126 ms vs 120 ms without = 1.05×; console requests 60, p95 40 ms, 0 errors",
        True,
    )
    assert rows[socket][1] is False  # 250 / 180 = 1.39×
    text = markdown(data, "make bench", None)
    assert "| ours-sqlite | rest | paced-20-consoles-5 |" in text


def _console_phase(transport: str, mode: str, with_p95: float, pairs: list[float]) -> Any:
    consoles = {
        "count": 5,
        "mode": mode,
        "requests": 300,
        "p95_ms": 30.0,
        "errors": 0,
        "error_kinds": {},
        "request_kinds": {"detail": 120, "inbox": 180},
        "updates": 40,
        "pairs": [{"without_p95_ms": 50.0, "with_p95_ms": 50.0 * r, "ratio": r} for r in pairs],
        "without_p95_ms": 50.0,
        "with_p95_ms": with_p95,
        "pooled_ratio": with_p95 / 50.0,
        "median_ratio": sorted(pairs)[len(pairs) // 2],
        "ratio_range": [min(pairs), max(pairs)],
        "loads_1m": [1.2, 1.4, 1.1],
        "without_cpu_ms_per_message": {"rasa": 14.0},
    }
    name = "paced-20-consoles-5" + ("-polling" if mode == "polling" else "")
    # the phase's own p95 is the pooled one; the baseline phase (120 ms) is not the reference
    return _phase(transport, name, with_p95, 9.0, consoles=consoles, baseline="paced-20")


def test_pushed_consoles_are_judged_on_pooled_alternated_runs_and_polling_reported() -> None:
    data = _data()
    ours = data["stacks"][0]["phases"]
    ours.append(_console_phase("rest", "push", 54.0, [1.2, 0.98, 1.05]))
    ours.append(_console_phase("rest", "polling", 70.0, [1.3, 1.5, 1.35]))
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    [push] = [k for k in rows if k.startswith("5 consoles")]
    assert push.startswith("5 consoles push, sqlite, rest:")
    assert rows[push] == (
        "p95 54 ms vs 50 ms without = 1.08× over 3 alternated pairs (median pair 1.05×, "
        "0.98–1.20); console requests 300, p95 30 ms, 0 errors",
        True,
    )
    text = markdown(data, "make bench", None)
    assert "## Agents' consoles" in text
    assert (
        "| ours-sqlite | rest | polling | 70 / 50 | 1.40× | 1.30, 1.50, 1.35 | "
        "300 (detail 120, inbox 180) | 40 | 30 | 25.0 / 14.0 | 0 | 1.2, 1.4, 1.1 |"
    ) in text


def test_one_shape_can_be_chosen_and_an_unknown_one_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--shape", "paced-7", "--no-starter"])
    assert exit_.value.code != 0
    assert "unknown shape paced-7: one of paced-20, paced-20-consoles-5," in capsys.readouterr().err
    push, polling = (shape for shape in shapes(quick=True) if shape.consoles)
    assert (push.console_mode, polling.console_mode) == ("push", "polling")
    assert push.baseline == polling.baseline == "paced-20" and push.rounds == 1


def test_markdown_holds_every_phase_and_the_ratios(tmp_path: Path) -> None:
    text = markdown(_data(), "make bench", "bench.png", notes="## Notes\n\nprofiled")
    assert text.count("| ours-sqlite |") == 4 + 4 + 1  # phases, ratios, the process row
    assert "| ours-sqlite | rest | closed-10 | 2.67× | 2.33× | 1.00× |" in text
    assert "10 / 9 ✗" in text
    assert "**not met**" in text
    assert "make bench" in text and "![p95 latency and throughput](bench.png)" in text
    assert text.rstrip().endswith("profiled")
    chart(_data(), tmp_path / "bench.png")
    assert (tmp_path / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_variant_without_action_server_reports_its_settings() -> None:
    data = _data()
    inproc = {
        **data["stacks"][0],
        "name": "ours-sqlite-inproc-2w",
        "description": "sqlite, actions in the Rasa process, 2 Rasa workers, Redis locks",
        "start_seconds": {"rasa": 9.0},
        "rss_after_start_mb": {"rasa": 1500.0},
        "peak_rss_mb": {"rasa": 1600.0},
        "peak_pss_mb": {"rasa": 1100.0},
        "processes": {"rasa": 3},
    }
    data["stacks"].insert(1, inproc)
    text = markdown(data, "make bench")
    assert (
        "| ours-sqlite-inproc-2w | 50.0 | 9.0 | – | 1500 / 1600 | 1100 | – | sqlite, actions in "
        "the "
        "Rasa process, 2 Rasa workers, Redis locks |"
    ) in text
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    # one worker's memory target does not judge several: start is judged, memory reported
    assert rows["Rasa server, sqlite-inproc-2w: start ≤ 10 s (memory reported)"] == (
        "start 9.0 s, peak RSS 1600 MB over 3 processes, PSS 1100 MB",
        True,
    )


def test_variants_name_their_settings() -> None:
    names = [variant.name for variant in VARIANTS]
    assert names[0] == "ours-sqlite" and len(set(names)) == len(names)
    assert VARIANTS[0].description == "sqlite, actions in the Rasa process, 1 worker"
    server = next(v for v in VARIANTS if not v.actions_in_process)
    assert server.database == "sqlite" and "action server" in server.description
    two = next(v for v in VARIANTS if v.workers == 2 and v.database == "sqlite")
    assert two.actions_in_process and "2 Rasa workers, Redis locks" in two.description


def test_an_unknown_variant_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--variant", "ours-nonsense", "--no-starter"])
    assert exit_.value.code != 0
    assert "unknown variant ours-nonsense" in capsys.readouterr().err


def test_a_burst_is_judged_against_the_starter_bots_p95_with_p99_reported() -> None:
    data = _data()
    ours, starter = data["stacks"]
    ours["phases"].append(_phase("rest", "burst-20", 300.0, 9.0))
    ours["phases"].append(_phase("socketio", "burst-20", 500.0, 9.0))
    starter["phases"].append(_phase("rest", "burst-20", 400.0, 9.0))
    rows = {target: (measured, met) for target, measured, met in targets(data)}
    rest = "burst 20, sqlite, rest: p95 ≤ the starter bot's, p99 reported"
    socket = "burst 20, sqlite, socketio: p95 ≤ the starter bot's, p99 reported"
    assert rows[rest] == ("p95 300 vs 400 ms, p99 360 vs 480 ms, 0 errors", True)
    assert rows[socket] == ("p95 500 vs – ms, p99 600 vs – ms, 0 errors", None)  # no reference


def test_the_burst_shape_sends_every_first_message_at_once() -> None:
    burst = next(shape for shape in shapes(quick=True) if shape.burst)
    assert burst.name == BURST_SHAPE and burst.customers == 20 and burst.pause == (1.0, 3.0)
