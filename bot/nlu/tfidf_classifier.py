"""``TfidfIntentClassifier``: logistic regression on TF-IDF of folded lemmas and characters.

Why not Rasa's own classifiers: DIET needs minutes per training on two cores, and Rasa's
``LogisticRegressionClassifier`` works on raw counts without a regularisation setting. In a
5-fold cross-validation over all five language files, raw counts scored 0.78 intent macro-F1;
this component scores 0.83. Word features are the ``LemmaTokenizer``'s folded lemmas (so
``čekam``, ``cekam`` and ``чекам`` are one feature); character n-grams come from the folded
surface text, which keeps endings that lemmas drop. It trains in seconds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import joblib
import numpy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer

from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX
from bot.nlu.lemma_tokenizer import LemmaTokenizer
from bot.text.fold import fold
from bot.text.tfidf import FittedTfidf, rows_matrix

logger = logging.getLogger(__name__)

_MODEL_FILE = "tfidf_intent_classifier.joblib"
#: The parse data key of the best complaint intent of one clause (see ``clause_intents``).
CLAUSE_COMPLAINT = "clause_complaint"
#: A clause: a run of text up to sentence punctuation, a comma or a line break.
_CLAUSE = re.compile(r"[^.!?;,\n]+")


def lemma_text(message: Message) -> str:
    """The message as its space-separated folded lemmas (the tokenizer's output)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(token.lemma for token in tokens if token.lemma)


def message_views(message: Message) -> tuple[str, str]:
    """(folded lemmas, folded surface text): the two views the features are built from."""
    text = message.get(TEXT)
    return lemma_text(message), fold(text) if isinstance(text, str) else ""


def clause_views(message: Message, min_words: int = 1) -> list[tuple[str, str]]:
    """The two views (:func:`message_views`) of each clause of the message of at least
    ``min_words`` tokens: the text split at sentence punctuation and commas."""
    text = message.get(TEXT)
    if not isinstance(text, str):
        return []
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    views = []
    for clause in _CLAUSE.finditer(text):
        lemmas = [t.lemma for t in tokens if t.lemma and clause.start() <= t.start < clause.end()]
        if lemmas and len(lemmas) >= min_words:
            views.append((" ".join(lemmas), fold(clause.group())))
    return views


def lemma_view(rows: list[tuple[str, str]]) -> list[str]:
    return [row[0] for row in rows]


def surface_view(rows: list[tuple[str, str]]) -> list[str]:
    return [row[1] for row in rows]


def ready_for_prediction(pipeline: Pipeline) -> Pipeline:
    """``pipeline`` with the classifier's weights stored column-major.

    Predicting multiplies the sparse features by ``coef_.T``; scikit-learn's row-major
    ``coef_`` makes that transpose column-major, and SciPy copies all of it (20 intents × about
    110,000 features, 18 MB) to row-major on every call: 2.9 ms of CPU per message, against
    0.05 ms without the copy (``python -m tools.bench.tfidf_speed``). Same numbers either way.
    """
    classifier = pipeline.named_steps["classifier"]
    classifier.coef_ = numpy.asfortranarray(classifier.coef_)
    return pipeline


@dataclass(frozen=True)
class Predictor:
    """The trained pipeline's prediction, computed directly from its fitted parts.

    Scikit-learn's costs per call are left out, with the same numbers: the ``FeatureUnion``
    hands its two vectorisers to joblib even with one job (for the one message of a turn that
    bookkeeping cost about as much as the vectorisers themselves); each vectoriser's per-call
    fitted check, analyser building and IDF product; and the SciPy matrices built, checked and
    stacked per view (:mod:`bot.text.tfidf`: the views' rows make one matrix).
    """

    #: per view: the view's selector and its vectoriser's transform
    views: tuple[tuple[Callable[[list[Any]], list[str]], FittedTfidf], ...]
    classifier: LogisticRegression

    @classmethod
    def of(cls, pipeline: Pipeline) -> Predictor:
        views = tuple(
            (part.steps[0][1].func, FittedTfidf(part.steps[-1][1]))
            for _, part in pipeline.named_steps["features"].transformer_list
        )
        return cls(views=views, classifier=pipeline.named_steps["classifier"])

    def predict_proba(self, texts: list[Any]) -> Any:
        """``pipeline.predict_proba(texts)``: the views' TF-IDF side by side, classified."""
        parts = [tfidf.rows(select(texts)) for select, tfidf in self.views]
        widths = [tfidf.width for _, tfidf in self.views]
        return self.classifier.predict_proba(rows_matrix(list(zip(*parts, strict=True)), widths))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classification that is quick to train and gives calibrated confidences."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            "C": 30.0,
            # The same L2-regularised objective as scikit-learn's default lbfgs, solved with
            # stochastic average gradient: on the project's 13,000 examples × 113,000 features
            # sag fits in 21 s of CPU against lbfgs's 93 s, and its probabilities differ by at
            # most 0.0003 with the same top intent for every example
            # (``python -m tools.bench.tfidf_fit --solvers lbfgs sag``).
            "solver": "sag",
            "max_iter": 2000,
            "word_ngram_max": 2,
            "char_ngram_min": 2,
            "char_ngram_max": 5,
            "ranking_length": 10,
            "random_state": 42,
            # A message read as one of these also gets the best complaint intent of any one of
            # its clauses (``clause_complaint``): "Is this automated? I'd rather have a person,
            # my mum's parcel came in the wrong size" names its matter in a clause of its own,
            # which the whole message's ranking drowns.
            "clause_intents": ["request_human", "insult", "bot_challenge", "ask_status"],
            # shorter clauses ("please", "right now") say too little to name a matter
            "clause_min_words": 3,
        }

    @staticmethod
    def required_components() -> list[type]:
        return [LemmaTokenizer]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline
        self._predictor = Predictor.of(pipeline) if pipeline is not None else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        """Creates an untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def _new_pipeline(self) -> Pipeline:
        config = self._config
        features = make_union(
            make_pipeline(
                FunctionTransformer(lemma_view),
                TfidfVectorizer(
                    sublinear_tf=True,
                    ngram_range=(1, int(config["word_ngram_max"])),
                    token_pattern=r"(?u)\b\w+\b",
                ),
            ),
            make_pipeline(
                FunctionTransformer(surface_view),
                TfidfVectorizer(
                    sublinear_tf=True,
                    analyzer="char_wb",
                    ngram_range=(int(config["char_ngram_min"]), int(config["char_ngram_max"])),
                ),
            ),
        )
        classifier = LogisticRegression(
            C=float(config["C"]),
            solver=str(config["solver"]),
            max_iter=int(config["max_iter"]),
            class_weight="balanced",
            random_state=config["random_state"],
        )
        return Pipeline([("features", features), ("classifier", classifier)])

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on the examples that have an intent."""
        examples = [m for m in training_data.intent_examples if m.get(INTENT)]
        texts = [message_views(m) for m in examples]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            logger.warning("TfidfIntentClassifier needs at least two intents; not trained.")
            return self._resource
        self.pipeline = ready_for_prediction(self._new_pipeline().fit(texts, labels))
        self._predictor = Predictor.of(self.pipeline)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.pipeline, directory / _MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        """Loads the trained pipeline (see parent class for full docstring)."""
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = ready_for_prediction(joblib.load(directory / _MODEL_FILE))
        except (ValueError, FileNotFoundError):
            logger.debug("TfidfIntentClassifier: no trained model found; predicting nothing.")
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets ``intent`` and ``intent_ranking`` on each message."""
        if self.pipeline is None or self._predictor is None:  # untrained
            return messages
        texts = [message_views(message) for message in messages]
        probabilities = self._predictor.predict_proba(texts)
        intents = self.pipeline.classes_
        length = int(self._config["ranking_length"])
        for message, row in zip(messages, probabilities, strict=True):
            ranking = [
                {"name": str(name), "confidence": float(probability)}
                for probability, name in sorted(
                    zip(row, intents, strict=True), key=lambda pair: -float(pair[0])
                )
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            shown = ranking[:length] if length else ranking
            message.set("intent_ranking", shown, add_to_output=True)
            if ranking[0]["name"] in self._config["clause_intents"]:
                self._read_clauses(message)
        return messages

    def _read_clauses(self, message: Message) -> None:
        """Set ``clause_complaint``: the most likely complaint intent of any one clause of a
        message of several, with its confidence in that clause."""
        text = message.get(TEXT)
        if not isinstance(text, str) or len(_CLAUSE.findall(text)) < 2:
            return  # one clause: the message's own ranking
        clauses = clause_views(message, int(self._config["clause_min_words"]))
        if not clauses or self.pipeline is None or self._predictor is None:
            return
        probabilities = self._predictor.predict_proba(clauses)
        best_name, best_confidence = "", 0.0
        for row in probabilities:
            for name, probability in zip(self.pipeline.classes_, row, strict=True):
                if str(name).startswith(COMPLAINT_INTENT_PREFIX) and probability > best_confidence:
                    best_name, best_confidence = str(name), float(probability)
        if best_name:
            message.set(
                CLAUSE_COMPLAINT,
                {"name": best_name, "confidence": best_confidence},
                add_to_output=True,
            )
