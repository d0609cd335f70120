"""The TF-IDF computed from a fitted vectoriser's parts equals scikit-learn's own transform."""

from __future__ import annotations

import numpy
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.text.tfidf import FittedTfidf, rows_matrix

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


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True},
        {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True, "binary": True},
        {"analyzer": "word", "sublinear_tf": False, "norm": "l1"},
        {"analyzer": "word", "norm": "max"},
        {"analyzer": "word", "norm": None, "use_idf": False},
    ],
    ids=str,
)
def test_row_by_row_equals_the_matrices_to_the_last_bit(settings: dict[str, object]) -> None:
    vectoriser = TfidfVectorizer(**settings).fit(CORPUS)  # type: ignore[arg-type]
    fitted = FittedTfidf(vectoriser)
    rows = fitted.transform(CORPUS + UNSEEN)
    matrices = fitted.transform_by_matrix(CORPUS + UNSEEN)
    assert rows.shape == matrices.shape
    assert numpy.array_equal(rows.toarray(), matrices.toarray())
    assert numpy.array_equal(rows.indptr, matrices.indptr)


def test_rows_side_by_side_are_hstack_of_the_views() -> None:
    words = FittedTfidf(TfidfVectorizer(sublinear_tf=True).fit(CORPUS))
    chars = FittedTfidf(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(CORPUS))
    texts = CORPUS + UNSEEN
    stacked = rows_matrix(
        list(zip(words.rows(texts), chars.rows(texts), strict=True)), [words.width, chars.width]
    )
    expected = sparse.hstack(
        [words.transform_by_matrix(texts), chars.transform_by_matrix(texts)]
    ).tocsr()
    assert stacked.shape == expected.shape
    for ours, theirs in ((stacked.indptr, expected.indptr), (stacked.indices, expected.indices),
                         (stacked.data, expected.data)):  # fmt: skip
        assert numpy.array_equal(ours, theirs)
    assert rows_matrix([], [words.width]).shape == (0, words.width)
