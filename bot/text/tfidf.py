"""A fitted scikit-learn ``TfidfVectorizer``'s transform, computed from its fitted parts.

``TfidfVectorizer.transform`` checks on every call that its transformer is fitted through the
``idf_`` property, which sums the whole diagonal IDF matrix (one entry per feature: about
110,000 for the intent classifier), and then multiplies the counts by that matrix. For the one
message of a turn that is most of the work. :class:`FittedTfidf` counts with the vectoriser's
own vocabulary and analyser, then scales the few stored counts by the IDF vector it took once:
the same numbers (``tests/text/test_tfidf.py``; ``python -m tools.bench.tfidf_speed``).

The rows are computed one text at a time (:meth:`FittedTfidf.row`): the analyser is built
once instead of on every call (building the word analyser checks the stop words each time),
and no SciPy matrix is built, checked, copied to floats, normalised and stacked per view and
per message; the caller builds one matrix from the rows of all its views
(:func:`rows_matrix`). Every number is computed by the same operations in the same order as
scikit-learn's (counting, ``numpy.log``, the IDF product, then each row divided by its norm
summed term by term as ``sklearn.utils.sparsefuncs_fast`` does), so the results are equal,
not only close.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

#: One TF-IDF row: its column indices (ascending) and their values.
Row = tuple[numpy.ndarray, numpy.ndarray]


class FittedTfidf:
    """``vectoriser.transform`` for a fitted ``vectoriser`` (which must not be refitted)."""

    def __init__(self, vectoriser: TfidfVectorizer) -> None:
        self.vectoriser = vectoriser
        self._idf = numpy.asarray(vectoriser.idf_) if vectoriser.use_idf else None
        self._analyze = vectoriser.build_analyzer()
        self._vocabulary: dict[str, int] = vectoriser.vocabulary_
        self.width = len(self._vocabulary)
        #: l1 and l2 are computed row by row here; any other norm goes through scikit-learn
        self._rowwise = vectoriser.norm in (None, "l1", "l2")

    def row(self, text: str) -> Row:
        """The TF-IDF row of ``text``: ``transform([text])``'s one row, as arrays."""
        vectoriser = self.vectoriser
        vocabulary = self._vocabulary
        counter: dict[int, int] = {}
        for feature in self._analyze(text):
            index = vocabulary.get(feature)
            if index is not None:
                counter[index] = counter.get(index, 0) + 1
        items = sorted(counter.items())
        indices = numpy.fromiter((index for index, _ in items), numpy.int32, len(items))
        if vectoriser.binary:
            data = numpy.ones(len(items), numpy.float64)
        else:
            data = numpy.fromiter((count for _, count in items), numpy.float64, len(items))
        if vectoriser.sublinear_tf:
            numpy.log(data, data)
            data += 1
        if self._idf is not None:
            data *= self._idf[indices]  # each column by its IDF
        norm = vectoriser.norm
        if norm == "l2":
            total = 0.0
            for value in data.tolist():  # summed in order, as scikit-learn's loop does
                total += value * value
            if total != 0.0:
                data /= math.sqrt(total)
        elif norm == "l1":
            total = 0.0
            for value in data.tolist():
                total += abs(value)
            if total != 0.0:
                data /= total
        return indices, data

    def transform(self, texts: Iterable[str]) -> Any:
        """The TF-IDF rows of ``texts`` (a CSR matrix), as ``vectoriser.transform`` gives."""
        if not self._rowwise:
            return self.transform_by_matrix(texts)
        return rows_matrix([[self.row(text)] for text in texts], [self.width])

    def transform_by_matrix(self, texts: Iterable[str]) -> Any:
        """:meth:`transform` with SciPy's matrices and scikit-learn's ``normalize``: how it was
        computed before :meth:`row` (kept for the norms :meth:`row` does not compute, and as
        the reference of ``python -m tools.bench.tfidf_speed --check``)."""
        vectoriser = self.vectoriser
        counts = CountVectorizer.transform(vectoriser, texts).astype(numpy.float64)
        if vectoriser.sublinear_tf:
            numpy.log(counts.data, counts.data)
            counts.data += 1
        if self._idf is not None:
            counts.data *= self._idf[counts.indices]
        if vectoriser.norm:
            counts = normalize(counts, norm=vectoriser.norm, copy=False)
        return counts

    def rows(self, texts: Iterable[str]) -> list[Row]:
        """:meth:`row` of each text; a norm not computed row by row goes through
        scikit-learn's matrix (the same numbers, at the old cost)."""
        if self._rowwise:
            return [self.row(text) for text in texts]
        matrix = self.transform_by_matrix(texts).tocsr()
        return [
            (matrix.indices[start:end], matrix.data[start:end])
            for start, end in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
        ]


def rows_matrix(rows: Sequence[Sequence[Row]], widths: Sequence[int]) -> Any:
    """One CSR matrix: line ``i`` is the parts ``rows[i]`` side by side, part ``k`` in columns
    offset by the widths before it (what ``scipy.sparse.hstack`` of the parts' matrices
    gives, with the same stored order)."""
    offsets = numpy.cumsum([0, *widths[:-1]]).tolist()
    indices: list[numpy.ndarray] = []
    data: list[numpy.ndarray] = []
    indptr = [0]
    stored = 0
    for line in rows:
        for (part_indices, part_data), offset in zip(line, offsets, strict=True):
            indices.append(part_indices + offset if offset else part_indices)
            data.append(part_data)
            stored += len(part_data)
        indptr.append(stored)
    shape = (len(rows), int(sum(widths)))
    if not data:
        return sparse.csr_matrix(shape, dtype=numpy.float64)
    return sparse.csr_matrix(
        (
            numpy.concatenate(data),
            numpy.concatenate(indices).astype(numpy.int32, copy=False),
            numpy.asarray(indptr, numpy.int32),
        ),
        shape=shape,
    )
