"""Escalation reasons learned from labelled examples, beside the explainable word lists.

The examples are data: ``bot/policy/examples/<reason>.yml`` for ``anger``, ``repeat``, ``money``
and ``legal`` (``fires``: messages that need a person for that reason; ``look_alikes``: the
ones that share its words and must not fire), and ``neutral.yml`` (plain complaints, questions,
small talk and requests the bot cannot serve). Each file has ``en`` and ``bcs`` lists
(Croatian, Bosnian and Serbian, either script): every text is folded
(:func:`bot.text.fold.fold`) before its features are built, so one model reads all of them.

One logistic regression per reason over character 2-5-grams and word 1-2-grams of the folded
text is trained the first time it is needed (a few hundred examples: a second or two; the
action server does it before it serves) and kept for the life of the process. Its negatives
are the reason's look-alikes, the other reasons' examples and the neutral ones.

:func:`predict` gives, per reason, the probability and the words that pushed it up most, so
the explanation names both the model signal and the words: ``learned money signal 0.91
('back', 'vratite')``. :mod:`bot.policy.escalation` fires a reason when the word lists find it
or when the probability reaches the reason's ``threshold`` (in its file); for anger the
probability is a signal of the anger score (:mod:`bot.policy.anger`) that stands in for what
the word lists miss, so the anger threshold and the "getting angrier" rule apply to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.text.fold import fold
from bot.text.language import spacy_stop_words

EXAMPLES_DIR = Path(__file__).with_name("examples")
#: The reasons with a model of their own (the others are rules: safety words, the category,
#: the request-for-a-person intent, misunderstood turns).
LEARNED_REASONS: tuple[str, ...] = ("anger", "repeat", "money", "legal")
FAMILIES: tuple[str, ...] = ("en", "bcs")
NEUTRAL_FILE = "neutral.yml"
#: Words shown in an explanation.
SHOWN_WORDS = 3
#: Longest text the model reads (the channel's own limit is larger; the start says enough).
MAX_CHARS = 2000

_WORD = re.compile(r"[a-z0-9]+")
#: A token with a digit or an "@": an e-mail address, a phone or order number, a ticket.
_CODE_TOKEN = re.compile(r"\S*[\d@]\S*")
#: A word of two letters or more.
_LETTERS = re.compile(r"[^\W\d_]{2,}")


@cache
def _function_words() -> frozenset[str]:
    return spacy_stop_words("en") | spacy_stop_words("hr") | spacy_stop_words("sr")


def _telling(feature: str) -> bool:
    """A word feature worth showing: not only function words ("this is", "vi ste")."""
    return any(len(word) > 2 and word not in _function_words() for word in feature.split())


class ExamplesError(ValueError):
    """An examples file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class ReasonExamples:
    reason: str
    threshold: float
    fires: tuple[str, ...]
    look_alikes: tuple[str, ...]


@dataclass(frozen=True)
class Prediction:
    """One reason's model on one message."""

    reason: str
    probability: float
    threshold: float
    words: tuple[str, ...] = ()

    @property
    def fires(self) -> bool:
        return self.probability >= self.threshold

    def explain(self) -> str:
        shown = ", ".join(f"'{word}'" for word in self.words)
        return f"learned {self.reason} signal {self.probability:.2f}" + (
            f" ({shown})" if shown else ""
        )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = YAML(typ="safe").load(handle)
    except (OSError, YAMLError) as error:
        raise ExamplesError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise ExamplesError(f"{path}: expected a mapping")
    return data


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, dict) or set(value) - set(FAMILIES):
        raise ExamplesError(f"{where}: expected lists under {', '.join(FAMILIES)}")
    texts: list[str] = []
    for family in FAMILIES:
        items = value.get(family) or []
        if not isinstance(items, list) or not all(
            isinstance(item, str) and item.strip() for item in items
        ):
            raise ExamplesError(f"{where}.{family}: expected a list of non-empty texts")
        texts.extend(items)
    return tuple(texts)


def load_examples(
    directory: Path = EXAMPLES_DIR,
) -> tuple[dict[str, ReasonExamples], tuple[str, ...]]:
    """Every reason's examples and the neutral ones, checked (:class:`ExamplesError`)."""
    reasons: dict[str, ReasonExamples] = {}
    for reason in LEARNED_REASONS:
        path = directory / f"{reason}.yml"
        data = _read(path)
        if data.get("reason") != reason:
            raise ExamplesError(f"{path}: 'reason' must be {reason!r}")
        threshold = data.get("threshold")
        if not isinstance(threshold, (int, float)) or not 0.5 <= float(threshold) <= 1.0:
            raise ExamplesError(f"{path}: 'threshold' must be a number from 0.5 to 1")
        fires = _texts(data.get("fires"), f"{path}: fires")
        look_alikes = _texts(data.get("look_alikes"), f"{path}: look_alikes")
        if not fires or not look_alikes:
            raise ExamplesError(f"{path}: needs both fires and look_alikes")
        reasons[reason] = ReasonExamples(reason, float(threshold), fires, look_alikes)
    neutral_path = directory / NEUTRAL_FILE
    neutral = _texts(_read(neutral_path).get("examples"), f"{neutral_path}: examples")
    return reasons, neutral


def _normalise(text: str) -> str:
    """The folded words of ``text``, with ``d`` for a folded ``đ`` (``dj``), so that a message
    reads the same whether or not ``đ`` is typed as a plain ``d`` ("krađa", "kradja",
    "krada", "крађа"). Codes are left out (e-mail addresses, phone and order numbers, amounts:
    any token with a digit or an "@"): their characters say nothing of a reason, and an
    e-mail address alone read 0.8 angry, near the threshold of 0.9."""
    folded = fold(_CODE_TOKEN.sub(" ", text[:MAX_CHARS])).replace("'", "")
    return " ".join(_WORD.findall(folded)).replace("dj", "d")


def only_codes(text: str) -> bool:
    """Whether ``text`` has no word besides codes ("ana@example.com", "ORD-48213", "091 234
    5678"): the answer to the contact or order question, which is not run through the models
    (about 0.75 ms of CPU each)."""
    return _LETTERS.search(_CODE_TOKEN.sub(" ", text)) is None


class ReasonModels:
    """The trained vectoriser and one classifier per learned reason."""

    def __init__(self, examples: Mapping[str, ReasonExamples], neutral: tuple[str, ...]) -> None:
        # heavy: scikit-learn and SciPy load in about a second; only the first message needs them
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        # heavy: it imports scikit-learn too
        from bot.text.tfidf import FittedTfidf

        self._hstack = hstack
        self.thresholds = {reason: item.threshold for reason, item in examples.items()}
        corpus = sorted(
            {
                _normalise(text)
                for item in examples.values()
                for text in item.fires + item.look_alikes
            }
            | {_normalise(text) for text in neutral}
        )
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        words = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9]+"
        )
        # each vectoriser's transform without scikit-learn's per-call costs (same numbers)
        self._chars = FittedTfidf(chars.fit(corpus))
        self._words = FittedTfidf(words.fit(corpus))
        self._char_count = len(chars.vocabulary_)
        self._vocabulary = words.get_feature_names_out()
        self._models: dict[str, Any] = {}
        for reason, item in examples.items():
            positives = [_normalise(text) for text in item.fires]
            negatives = [_normalise(text) for text in item.look_alikes + neutral]
            for other, other_item in examples.items():
                if other != reason:
                    negatives.extend(_normalise(text) for text in other_item.fires)
            texts = positives + negatives
            labels = [1] * len(positives) + [0] * len(negatives)
            model = LogisticRegression(C=8.0, class_weight="balanced", solver="liblinear")
            model.fit(self._features(texts), labels)
            self._models[reason] = model

    def _features(self, texts: list[str], words: Any = None) -> Any:
        """Character and word TF-IDF side by side (``words``: the word part, if computed)."""
        if words is None:
            words = self._words.transform(texts)
        return self._hstack([self._chars.transform(texts), words], format="csr")

    def predict(self, text: str) -> dict[str, Prediction]:
        normalised = _normalise(text)
        if not normalised or only_codes(text):
            return {
                reason: Prediction(reason, 0.0, self.thresholds[reason]) for reason in self._models
            }
        words = self._words.transform([normalised])
        features = self._features([normalised], words)
        offset = self._char_count
        found: dict[str, Prediction] = {}
        for reason, model in self._models.items():
            probability = float(model.predict_proba(features)[0][1])
            weights = model.coef_[0][offset:]
            row = words.tocoo()
            pushes = sorted(
                (
                    (value * weights[column], self._vocabulary[column])
                    for column, value in zip(row.col, row.data, strict=True)
                    if value * weights[column] > 0 and _telling(self._vocabulary[column])
                ),
                reverse=True,
            )
            found[reason] = Prediction(
                reason,
                round(probability, 3),
                self.thresholds[reason],
                tuple(word for _push, word in pushes[:SHOWN_WORDS]),
            )
        return found


@cache
def models(directory: Path = EXAMPLES_DIR) -> ReasonModels:
    """The models trained on ``directory``'s examples (once per process)."""
    examples, neutral = load_examples(directory)
    return ReasonModels(examples, neutral)


@lru_cache(maxsize=256)
def predict(text: str) -> dict[str, Prediction]:
    """Each learned reason's probability and words for ``text``."""
    return models().predict(text)


def check_examples(directory: Path = EXAMPLES_DIR) -> list[str]:
    """Problems with the examples files (empty when they load), for validation."""
    try:
        load_examples(directory)
    except ExamplesError as error:
        return [str(error)]
    return []
