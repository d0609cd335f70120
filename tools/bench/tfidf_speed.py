"""``python -m tools.bench.tfidf_speed --model M``: CPU time of one intent prediction.

On the trained model's own classifier, alternating so that other work on the machine hits each
alike: scikit-learn's pipeline with the weights row-major as scikit-learn fits them; the same
pipeline made :func:`~bot.nlu.tfidf_classifier.ready_for_prediction` (weights column-major) but
still called through scikit-learn; the :class:`~bot.nlu.tfidf_classifier.Predictor` as it
computed before session 17 (a SciPy matrix per view, stacked); and the ``Predictor``, what the
classifier predicts with.

``--check`` instead compares the :class:`~bot.nlu.tfidf_classifier.Predictor`'s probabilities
with scikit-learn's pipeline's on every example of ``data/nlu`` (both views, the lemma
tokenizer run as in training): the rows that differ at all, the largest difference, and the
examples whose ranking of intents differs.
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
from scipy import sparse

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


def by_matrix(predictor: Predictor, views: list[Any]) -> Any:
    """The prediction as :class:`Predictor` computed it before session 17: each view's
    TF-IDF as a SciPy matrix, the views stacked with ``scipy.sparse.hstack``."""
    parts = [tfidf.transform_by_matrix(select(views)) for select, tfidf in predictor.views]
    return predictor.classifier.predict_proba(sparse.hstack(parts).tocsr())


def _check(predictor: Predictor, pipeline: Any) -> int:
    # heavy: Rasa's loader and the lemma tables, only for the check
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlu.lemma_tokenizer import LemmaTokenizer
    from bot.nlu.tfidf_classifier import message_views
    from bot.settings import PROJECT_ROOT

    training = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    LemmaTokenizer({}).process_training_data(training)
    views = [message_views(message) for message in training.training_examples]
    ours = numpy.vstack([predictor.predict_proba([view]) for view in views])
    before = numpy.vstack([by_matrix(predictor, [view]) for view in views])
    failed = 0
    for label, theirs in (
        ("the matrices' way (before session 17)", before),
        ("scikit-learn's pipeline", pipeline.predict_proba(views)),
    ):
        differing = int((ours != theirs).any(axis=1).sum())
        rankings = int((numpy.argsort(-ours, kind="stable")
                        != numpy.argsort(-theirs, kind="stable")).any(axis=1).sum())  # fmt: skip
        print(f"against {label}: {len(views)} examples, {differing} rows differ, largest "
              f"difference {float(numpy.abs(ours - theirs).max()):.3g}, "
              f"{rankings} rankings differ")  # fmt: skip
        failed += rankings
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.tfidf_speed")
    parser.add_argument("--model", required=True)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--check", action="store_true", help="compare on data/nlu, not time")
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
    predictor = Predictor.of(ours)
    if args.check:
        return _check(predictor, ours)
    views = [[(fold(text), fold(text))] for text in MESSAGES]
    calls = {
        "scikit-learn pipeline, row-major weights": stored.predict_proba,
        "scikit-learn pipeline, ready_for_prediction": ours.predict_proba,
        "Predictor before session 17 (SciPy matrices per view)": functools.partial(
            by_matrix, predictor
        ),
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
