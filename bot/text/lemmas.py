"""Tokens and folded lemmas: spaCy blank pipelines plus the spacy-lookups-data lemma tables.

``tokenize(text, language)`` runs ``spacy.blank(...)`` (``en``; ``hr`` for Croatian and
Bosnian; ``sr``) with spaCy's ``lemmatizer`` in ``lookup`` mode and returns every non-space
token with its offsets on the original text and its lemma folded by :func:`bot.text.fold.fold`.

The lemma tables come from spacy-lookups-data (installed with the package; nothing is
downloaded). They are keyed by *folded* form, so ``čekam``, ``cekam`` and ``чекам`` all give
``cekati``:

* ``hr_lemma_lookup`` (1.3M Latin forms) and ``sr_lemma_lookup`` (250k Cyrillic forms) are
  folded (Cyrillic is transliterated by ``fold``). Croatian looks in hr then sr, Serbian in sr
  then hr, Bosnian in hr then sr: the three share most of their vocabulary, and the sr table
  lacks many common forms. English uses ``en_lemma_lookup``.
* When folding merges two forms with different lemmas (``kuca`` "knocks" and ``kuća``
  "house"), the form written with diacritics wins, then the lemma most forms agree on: text
  typed without diacritics usually means the word that has them.
* The folded table is stored compactly (:class:`FoldedLemmaIndex`: one sorted ``bytes`` blob,
  two integer arrays and the list of distinct lemmas), not as a 1.3M-entry dict, and is
  handed to spaCy's lemmatizer as a :class:`FoldedLookupTable`. Tables load lazily (or via
  :func:`preload`), once per process, streaming the gzip file line by line. Measured on the
  dev machine: hr 5.0 s, sr 1.4 s, en 0.3 s; +55 MB resident afterwards, +180 MB peak while
  building. spaCy's own ``Table`` for hr alone takes 8.6 s and about 400 MB.
* :data:`LEMMA_RULES` fixes frequent complaint words the tables miss or get wrong.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import gzip
import hashlib
import json
import logging
import os
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.text.fold import CYRILLIC_TO_LATIN, fold

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

#: Language code -> (spaCy blank language, lemma tables in lookup order).
PIPELINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "en": ("en", ("en",)),
    "hr": ("hr", ("hr", "sr")),
    "sr": ("sr", ("sr", "hr")),
    "bs": ("hr", ("hr", "sr")),
}

#: Folded form -> folded lemma for frequent complaint words the tables miss or get wrong
#: (checked against hr and sr: every entry here changes a result).
LEMMA_RULES: dict[str, str] = {
    # "dana" is almost always the genitive of "dan" (day), not of "dno" (bottom).
    "dana": "dan",
    # Serbian "porudžbina" (order) is in neither table; hr has "narudžbina" as "narudzbin".
    **{f"porudzbin{end}": "porudzbina" for end in ("a", "e", "u", "i", "om", "ama", "o")},
    **{f"narudzbin{end}": "narudzbina" for end in ("a", "e", "u", "i", "om", "ama")},
    # Ekavian "čovek" (person: "I want to talk to a person") is missing from the sr table.
    **{f"covek{end}": "covek" for end in ("", "a", "u", "om", "e")},
    **{f"prevarant{end}": "prevarant" for end in ("", "a", "i", "e", "ima")},
    "dostavljacom": "dostavljac",
    "nisu": "biti",
    "zvala": "zvati",
}

_CYRILLIC_TABLE = str.maketrans(CYRILLIC_TO_LATIN)
_FOLD_TABLE: dict[int, str] = {
    cp: fold(chr(cp)) for cp in chain(range(0x250), range(0x300, 0x370), range(0x400, 0x500))
}


def fast_fold(text: str) -> str:
    """The same result as :func:`bot.text.fold.fold`, much faster on table-sized input."""
    if text.isascii():
        return text.lower()
    out = text.translate(_FOLD_TABLE)
    return out if out.isascii() else fold(text)


def _has_diacritics(form: str) -> bool:
    return not form.translate(_CYRILLIC_TABLE).isascii()


class _Keys(Sequence[bytes]):
    """Byte strings packed into one ``bytes`` blob; sorted keys can be searched by ``bisect``.

    A few large objects instead of a million small ones: nothing pins the allocator's arenas
    once the temporary build data is freed.
    """

    def __init__(self, blob: bytes, offsets: array) -> None:
        self._blob = blob
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: Any) -> Any:
        return self._blob[self._offsets[index] : self._offsets[index + 1]]

    def nbytes(self) -> int:
        return len(self._blob) + self._offsets.itemsize * len(self._offsets)


def _pack(texts: list[str]) -> _Keys:
    blob = bytearray()
    offsets = array("L", [0])
    for text in texts:
        blob += text.encode("utf-8")
        offsets.append(len(blob))
    return _Keys(bytes(blob), offsets)


class FoldedLemmaIndex:
    """A read-only ``folded form -> folded lemma`` map in about 30 bytes per entry."""

    def __init__(self, keys: _Keys, lemma_ids: array, lemmas: _Keys) -> None:
        self._keys = keys
        self._lemma_ids = lemma_ids
        self._lemmas = lemmas

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> FoldedLemmaIndex:
        """Build from ``(form, lemma)`` pairs (original spelling, any script)."""
        lemma_id: dict[str, int] = {}
        folded_lemmas: dict[str, int] = {}
        records: list[str] = []
        for form, lemma in pairs:
            ident = lemma_id.get(lemma)
            if ident is None:
                ident = folded_lemmas.setdefault(fast_fold(lemma), len(folded_lemmas))
                lemma_id[lemma] = ident
            if form.isascii():
                key, rank = form.lower(), "1"
            else:
                key, rank = fast_fold(form), "0" if _has_diacritics(form) else "1"
            # key, NUL, rank (a form with diacritics sorts first), lemma id.
            records.append(f"{key}\0{rank}{ident}")
        del lemma_id
        records.sort()
        ordered = [""] * len(folded_lemmas)
        for text, ident in folded_lemmas.items():
            ordered[ident] = text
        del folded_lemmas
        lemmas = _pack(ordered)
        del ordered

        blob = bytearray()
        offsets = array("L", [0])
        lemma_ids = array("L")
        group: list[str] = []
        previous = ""
        for record in records:
            key, _, rest = record.partition("\0")
            if key == previous:
                group.append(rest)
                continue
            if group:
                lemma_ids.append(int(group[0][1:]) if len(group) == 1 else _choose(group))
                blob += previous.encode("utf-8")
                offsets.append(len(blob))
            previous = key
            group = [rest]
        if group:
            lemma_ids.append(int(group[0][1:]) if len(group) == 1 else _choose(group))
            blob += previous.encode("utf-8")
            offsets.append(len(blob))
        return cls(_Keys(bytes(blob), offsets), lemma_ids, lemmas)

    @classmethod
    def from_lookups_file(cls, path: Path) -> FoldedLemmaIndex:
        """Build from a spacy-lookups-data ``*_lemma_lookup.json(.gz)`` file, streaming it.

        Streaming line by line keeps the peak far below ``json.load`` (a 1.3M-entry dict).
        """
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            return cls.from_pairs(_read_pairs(handle))

    def to_bytes(self) -> bytes:
        """The index as bytes for :meth:`from_bytes` (a cache file)."""
        parts = [
            self._keys._blob,
            self._keys._offsets.tobytes(),
            self._lemma_ids.tobytes(),
            self._lemmas._blob,
            self._lemmas._offsets.tobytes(),
        ]
        sizes = array("Q", [len(part) for part in parts])
        return b"".join([_CACHE_MAGIC, sizes.tobytes(), *parts])

    @classmethod
    def from_bytes(cls, data: bytes) -> FoldedLemmaIndex | None:
        """The index written by :meth:`to_bytes`, or ``None`` if ``data`` is not one."""
        head = len(_CACHE_MAGIC) + 5 * 8
        if not data.startswith(_CACHE_MAGIC) or len(data) < head:
            return None
        sizes = array("Q")
        sizes.frombytes(data[len(_CACHE_MAGIC) : head])
        if head + sum(sizes) != len(data):
            return None
        parts, start = [], head
        for size in sizes:
            parts.append(data[start : start + size])
            start += size

        def numbers(raw: bytes, typecode: str = "L") -> array:
            values = array(typecode)
            values.frombytes(raw)
            return values

        keys = _Keys(parts[0], numbers(parts[1]))
        lemmas = _Keys(parts[3], numbers(parts[4]))
        return cls(keys, numbers(parts[2]), lemmas)

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, folded_form: str) -> str | None:
        """The folded lemma of ``folded_form``, or None when the table does not know it."""
        key = folded_form.encode("utf-8")
        index = bisect_left(self._keys, key)
        if index < len(self._keys) and self._keys[index] == key:
            return str(self._lemmas[self._lemma_ids[index]], "utf-8")
        return None

    def nbytes(self) -> int:
        """Approximate memory held by the index."""
        return (
            self._keys.nbytes()
            + self._lemma_ids.itemsize * len(self._lemma_ids)
            + self._lemmas.nbytes()
        )


def _read_pairs(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``"form" : "lemma",`` lines of a lookups JSON file; odd lines go through ``json``."""
    for line in lines:
        parts = line.split('"')
        if len(parts) == 5 and "\\" not in line:
            yield parts[1], parts[3]
        elif ":" in line and '"' in line:
            item = json.loads("{" + line.strip().rstrip(",") + "}")
            yield from item.items()


def _choose(group: list[str]) -> int:
    """The lemma id for one folded key: diacritic forms first, then the most frequent lemma."""
    best_rank = min(rest[0] for rest in group)
    votes: dict[int, int] = {}
    for rest in group:
        if rest[0] == best_rank:
            ident = int(rest[1:])
            votes[ident] = votes.get(ident, 0) + 1
    return max(votes, key=lambda ident: (votes[ident], -ident))


def lookups_path(lang: str) -> Path:
    """The installed spacy-lookups-data lemma table of ``lang`` (never downloaded)."""
    # heavy: spaCy's lookups package; only building a pipeline needs it
    import spacy_lookups_data

    data = Path(spacy_lookups_data.__file__).parent / "data"
    for name in (f"{lang}_lemma_lookup.json.gz", f"{lang}_lemma_lookup.json"):
        if (data / name).exists():
            return data / name
    raise FileNotFoundError(f"spacy-lookups-data has no lemma_lookup table for {lang!r}")


_LOAD_LOCK = threading.Lock()


def _release_free_memory() -> None:
    """Give the freed build data back to the OS (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


#: Built tables are kept here between processes: reading one takes milliseconds, building it
#: took about half of the Rasa server's start (py-spy, docs/benchmarks.md).
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "lemmas"
_CACHE_MAGIC = b"folded-lemmas/1\n"


def _cache_file(source: Path) -> Path:
    """The cache file of ``source``: named by the table file and this module's code."""
    stat = source.stat()
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{source}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return CACHE_DIR / f"{source.name.split('.')[0]}-{digest.hexdigest()[:16]}.bin"


def _save_cache(index: FoldedLemmaIndex, target: Path) -> None:
    """Write atomically; a cache that cannot be written is only a slower next start."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(index.to_bytes())
        os.replace(temporary, target)
    except OSError as error:
        logger.warning("could not cache the lemma table in %s: %s", target, error)


@cache
def _index_unlocked(lang: str) -> FoldedLemmaIndex:
    started = time.perf_counter()
    source = lookups_path(lang)
    cached = _cache_file(source)
    try:
        index = FoldedLemmaIndex.from_bytes(cached.read_bytes())
    except OSError:  # not built yet
        index = None
    if index is None:
        index = FoldedLemmaIndex.from_lookups_file(source)
        _release_free_memory()
        _save_cache(index, cached)
    logger.info(
        "Loaded %s lemma table: %d folded forms, %.1f MB, %.1f s",
        lang,
        len(index),
        index.nbytes() / 1e6,
        time.perf_counter() - started,
    )
    return index


def lemma_index(lang: str) -> FoldedLemmaIndex:
    """The folded lemma table of ``lang`` (``en``, ``hr``, ``sr``), built once per process."""
    with _LOAD_LOCK:
        return _index_unlocked(lang)


def lemma_of(word: str, language: str) -> str:
    """The folded lemma of one word in ``language``; the folded word when no table knows it."""
    key = fast_fold(word)
    rule = LEMMA_RULES.get(key) if language != "en" else None
    if rule is not None:
        return rule
    for table in PIPELINES.get(language, PIPELINES["en"])[1]:
        found = lemma_index(table).get(key)
        if found is not None:
            return found
    return key


def _make_table_class() -> type:
    # heavy: importing spaCy takes seconds; only building a pipeline needs it
    from spacy.lookups import Table

    class FoldedLookupTable(Table):
        """A spaCy lookup ``Table`` answering from the folded tables of one language.

        spaCy's lookup lemmatizer only calls ``get(token.text, default)``; keys are folded
        here, values are folded lemmas.
        """

        def __init__(self, language: str) -> None:
            super().__init__(name="lemma_lookup", data={})
            self.language = language

        def get(self, key: Any, default: Any = None) -> Any:
            return lemma_of(key, self.language) if isinstance(key, str) else default

        def __getitem__(self, key: Any) -> Any:
            return self.get(key)

        def __contains__(self, key: Any) -> bool:
            return isinstance(key, str)

    return FoldedLookupTable


@cache
def pipeline(language: str) -> Language:
    """The blank spaCy pipeline with the folded lookup lemmatizer for ``language``."""
    # heavy: importing spaCy takes seconds; only the NLU pipeline needs it
    import spacy
    from spacy.lookups import Lookups

    blank, _tables = PIPELINES.get(language, PIPELINES["en"])
    nlp = spacy.blank(blank)
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": True})
    lookups = Lookups()
    lookups.set_table("lemma_lookup", _make_table_class()(language))
    lemmatizer.initialize(lookups=lookups)  # type: ignore[call-arg]
    return nlp


def preload(languages: Iterable[str] = ("en", "hr", "sr", "bs")) -> None:
    """Build the pipelines and tables of ``languages`` now rather than on the first message."""
    for language in languages:
        pipeline(language)
        for table in PIPELINES.get(language, PIPELINES["en"])[1]:
            lemma_index(table)


@dataclass(frozen=True)
class TokenInfo:
    """One token: its text and offsets on the original text, and its folded lemma."""

    text: str
    start: int
    end: int
    lemma: str
    is_punct: bool = False


def tokenize(text: str, language: str) -> list[TokenInfo]:
    """Split ``text`` into tokens with folded lemmas, using the pipeline of ``language``.

    ``language`` is ``en``, ``hr``, ``sr`` or ``bs``; anything else is treated as English.
    Whitespace is dropped; punctuation tokens are kept and flagged.
    """
    doc = pipeline(language if language in PIPELINES else "en")(text)
    tokens: list[TokenInfo] = []
    for token in doc:
        if token.is_space or not token.text.strip():
            continue
        tokens.append(
            TokenInfo(
                text=token.text,
                start=token.idx,
                end=token.idx + len(token.text),
                lemma=fast_fold(token.lemma_ or token.text),
                is_punct=token.is_punct,
            )
        )
    return tokens
