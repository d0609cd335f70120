"""The TF-IDF computed from a fitted vectoriser's parts equals scikit-learn's own transform."""

from __future__ import annotations

import numpy
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.text.tfidf import FittedTfidf

CORPUS = [
    "my parcel never arrived and I want my money back",
    "paket mi nije stigao već dva tjedna",
    "рачун је погрешан, наплатили сте ми два пута",
    "the fridge you repaired is broken again again again",
    "hvala, to je sve",
]
UNSEEN = ["", "never seen words zzz", "paket paket paket stigao", "money back now!!!"]


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True},
        {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True},
        {"analyzer": "word", "sublinear_tf": False, "norm": "l1"},
        {"analyzer": "word", "use_idf": False},
        {"analyzer": "word", "norm": None},
    ],
    ids=str,
)
def test_the_same_numbers_as_scikit_learn(settings: dict[str, object]) -> None:
    vectoriser = TfidfVectorizer(**settings).fit(CORPUS)  # type: ignore[arg-type]
    ours = FittedTfidf(vectoriser).transform(CORPUS + UNSEEN)
    theirs = vectoriser.transform(CORPUS + UNSEEN)
    assert ours.shape == theirs.shape
    assert numpy.allclose(ours.toarray(), theirs.toarray(), rtol=0, atol=1e-12)
    assert abs(ours - theirs).max() < 1e-12
