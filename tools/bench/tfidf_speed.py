"""``python -m tools.bench.tfidf_speed --model M``: CPU time of one intent prediction.

On the trained model's own classifier: scikit-learn's pipeline as it is stored, against the
same pipeline made :func:`~bot.nlu.tfidf_classifier.ready_for_prediction` and called through
:func:`~bot.nlu.tfidf_classifier.predict_proba`, alternating the two so that other work on
the machine hits both alike.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy

from bot.nlu.tfidf_classifier import predict_proba, ready_for_prediction
from bot.text.fold import fold

MESSAGES = (
    "my parcel never arrived and I want my money back",
    "paket mi nije stigao već dva tjedna",
    "рачун је погрешан, наплатили сте ми два пута",
    "hello",
    "the fridge you repaired is broken again",
)


def _cpu_ms(call: Callable[[], Any], rounds: int) -> float:
    started = time.process_time()
    for _ in range(rounds):
        call()
    return 1000 * (time.process_time() - started) / rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.tfidf_speed")
    parser.add_argument("--model", required=True)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(args.model) as archive:
            archive.extractall(folder)
        found = sorted(Path(folder).rglob("*Tfidf*/**/*.joblib")) or sorted(
            Path(folder).rglob("*.joblib")
        )
        stored = joblib.load(found[0])
        ours = ready_for_prediction(joblib.load(found[0]))
    stored.named_steps["classifier"].coef_ = numpy.ascontiguousarray(
        stored.named_steps["classifier"].coef_
    )  # as scikit-learn fits it (models trained before this change were stored so)
    views = [[(fold(text), fold(text))] for text in MESSAGES]
    pipeline_ms: list[float] = []
    direct_ms: list[float] = []
    for _ in range(5):
        for rows in views:
            pipeline_ms.append(_cpu_ms(functools.partial(stored.predict_proba, rows), args.rounds))
            direct_ms.append(_cpu_ms(functools.partial(predict_proba, ours, rows), args.rounds))
    a, b = sorted(pipeline_ms)[len(pipeline_ms) // 2], sorted(direct_ms)[len(direct_ms) // 2]
    print(f"scikit-learn pipeline: {a:.2f} ms CPU per message (median)")
    print(f"ready_for_prediction:  {b:.2f} ms CPU per message (median), {a - b:.2f} ms saved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
