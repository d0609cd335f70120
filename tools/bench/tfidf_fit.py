"""``python -m tools.bench.tfidf_fit [--solvers lbfgs sag ...]``: CPU time of fitting the intent
classifier with each solver on the project's own NLU data, and how far each solver's
probabilities are from the first one's (same features, same objective).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.linear_model import LogisticRegression

from bot.nlu.lemma_tokenizer import LemmaTokenizer
from bot.nlu.tfidf_classifier import TfidfIntentClassifier, message_views
from bot.settings import PROJECT_ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.tfidf_fit")
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "data" / "nlu")
    parser.add_argument("--solvers", nargs="+", default=["lbfgs", "sag"])
    args = parser.parse_args(argv)

    training = load_data(str(args.data))
    LemmaTokenizer({}).process_training_data(training)
    examples = [m for m in training.intent_examples if m.get("intent")]
    texts = [message_views(m) for m in examples]
    labels = [m.get("intent") for m in examples]
    config = TfidfIntentClassifier.get_default_config()
    features = TfidfIntentClassifier(config, None, None)._new_pipeline().named_steps["features"]
    matrix = features.fit_transform(texts)
    print(f"{len(texts)} examples, {len(set(labels))} intents, {matrix.shape[1]} features")

    first: numpy.ndarray | None = None
    for solver in args.solvers:
        classifier = LogisticRegression(
            C=float(config["C"]),
            solver=solver,
            max_iter=int(config["max_iter"]),
            class_weight="balanced",
            random_state=config["random_state"],
        )
        started = time.process_time()
        classifier.fit(matrix, labels)
        cpu = time.process_time() - started
        probabilities = classifier.predict_proba(matrix)
        line = f"{solver:10} {cpu:7.1f} s CPU, {int(classifier.n_iter_[0])} iterations"
        if first is None:
            first = probabilities
        else:
            gap = float(numpy.abs(probabilities - first).max())
            same = float((probabilities.argmax(1) == first.argmax(1)).mean())
            line += f", max |Δp| {gap:.5f} vs {args.solvers[0]}, same top intent {same:.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
