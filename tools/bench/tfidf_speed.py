"""``python -m tools.bench.tfidf_speed --model M``: CPU time of one intent prediction.

On the trained model's own classifier, alternating so that other work on the machine hits each
alike: scikit-learn's pipeline with the weights row-major as scikit-learn fits them; the same
pipeline made :func:`~bot.nlu.tfidf_classifier.ready_for_prediction` (weights column-major) but
still called through scikit-learn; and :class:`~bot.nlu.tfidf_classifier.Predictor`, what the
classifier predicts with.
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

from bot.nlu.tfidf_classifier import Predictor, ready_for_prediction
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
    predictor = Predictor.of(ours)
    calls = {
        "scikit-learn pipeline, row-major weights": stored.predict_proba,
        "scikit-learn pipeline, ready_for_prediction": ours.predict_proba,
        "Predictor": predictor.predict_proba,
    }
    times: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(5):
        for rows in views:
            for label, call in calls.items():
                times[label].append(_cpu_ms(functools.partial(call, rows), args.rounds))
    for label, measured in times.items():
        median = sorted(measured)[len(measured) // 2]
        print(f"{label}: {median:.2f} ms CPU per message (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
