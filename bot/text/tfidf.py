"""A fitted scikit-learn ``TfidfVectorizer``'s transform, computed from its fitted parts.

``TfidfVectorizer.transform`` checks on every call that its transformer is fitted through the
``idf_`` property, which sums the whole diagonal IDF matrix (one entry per feature: about
110,000 for the intent classifier), and then multiplies the counts by that matrix. For the one
message of a turn that is most of the work. :class:`FittedTfidf` counts with the vectoriser's
own vocabulary and analyser, then scales the few stored counts by the IDF vector it took once:
the same numbers (``tests/text/test_tfidf.py``; ``python -m tools.bench.tfidf_speed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize


class FittedTfidf:
    """``vectoriser.transform`` for a fitted ``vectoriser`` (which must not be refitted)."""

    def __init__(self, vectoriser: TfidfVectorizer) -> None:
        self.vectoriser = vectoriser
        self._idf = numpy.asarray(vectoriser.idf_) if vectoriser.use_idf else None

    def transform(self, texts: Iterable[str]) -> Any:
        """The TF-IDF rows of ``texts`` (a CSR matrix), as ``vectoriser.transform`` gives."""
        vectoriser = self.vectoriser
        counts = CountVectorizer.transform(vectoriser, texts).astype(numpy.float64)
        if vectoriser.sublinear_tf:
            numpy.log(counts.data, counts.data)
            counts.data += 1
        if self._idf is not None:
            counts.data *= self._idf[counts.indices]  # each column by its IDF
        if vectoriser.norm:
            counts = normalize(counts, norm=vectoriser.norm, copy=False)
        return counts
