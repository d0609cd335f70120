"""Calibration of the language detector's variant probabilities on the training files.

The detector sums marker weights per BCS variant (:func:`bot.text.language.variant_scores`);
a softmax with a temperature turns them into probabilities. The temperature in
``bot/text/data/variants.yml`` is the one under which the training examples of
``data/nlu/{hr,bs,sr_latn,sr_cyrl}.yml`` get the highest mean log-likelihood of their own
variant. Only training files are used: the dev and test sets stay out of it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from bot.text.language import softmax, variant_scores
from tools.evaluation.duplicates import NLU_DIR, Example, training_examples

#: The variant of each BCS training file.
FILE_VARIANT: dict[str, str] = {"hr": "hr", "bs": "bs", "sr_latn": "sr", "sr_cyrl": "sr"}
TEMPERATURES: tuple[float, ...] = (2.0, 1.5, 1.0, 0.8, 0.6, 0.5, 0.4, 0.33, 0.25, 0.2)
_FLOOR = 1e-12

Labelled = tuple[str, Mapping[str, float]]


def labelled_scores(examples: Iterable[Example]) -> list[Labelled]:
    """(true variant, variant scores) of every example from a BCS training file."""
    found: list[Labelled] = []
    for example in examples:
        variant = FILE_VARIANT.get(Path(example.source).stem)
        if variant is not None:
            found.append((variant, variant_scores(example.text)[0]))
    return found


def mean_nll(rows: Sequence[Labelled], temperature: float) -> float:
    """Mean negative log-likelihood of the true variant at ``temperature``."""
    if not rows:
        raise ValueError("no labelled examples")
    total = sum(-math.log(max(_FLOOR, softmax(scores, temperature)[gold])) for gold, scores in rows)
    return total / len(rows)


def fit_temperature(
    rows: Sequence[Labelled], temperatures: Sequence[float] = TEMPERATURES
) -> tuple[float, dict[float, float]]:
    """The temperature with the lowest mean negative log-likelihood, and every one tried."""
    table = {t: mean_nll(rows, t) for t in temperatures}
    return min(table, key=lambda t: table[t]), table


def report(nlu_dir: Path = NLU_DIR) -> str:
    """The calibration table on the training files, as printed by the command."""
    rows = labelled_scores(training_examples(nlu_dir))
    best, table = fit_temperature(rows)
    lines = [f"{len(rows)} training examples (hr, bs, sr_latn, sr_cyrl)", "temperature  NLL"]
    lines += [f"{t:<11}  {nll:.3f}{'  <- best' if t == best else ''}" for t, nll in table.items()]
    return "\n".join(lines)
