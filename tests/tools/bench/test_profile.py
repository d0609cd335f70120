"""The profile's summary: each frame's inclusive share of py-spy's samples."""

from __future__ import annotations

import pytest

from tools.bench.profile import inclusive_shares


def test_a_frame_counts_once_per_stack_even_when_it_recurses() -> None:
    collapsed = "\n".join(
        [
            "main;handle;parse;parse 6",
            "main;handle;save 3",
            "main;idle 1",
            "not a stack line",
        ]
    )
    shares = dict(inclusive_shares(collapsed))
    assert shares["main"] == 1.0
    assert shares["handle"] == pytest.approx(0.9)
    assert shares["parse"] == pytest.approx(0.6)  # not 1.2: once per sample
    assert shares["save"] == pytest.approx(0.3)
    assert [frame for frame, _ in inclusive_shares(collapsed, top=2)] == ["main", "handle"]
    assert inclusive_shares("") == []
