"""Script and diacritic folding for English and Croatian/Serbian/Bosnian.

Customers write the same words as ``šta``, ``sta``, ``шта``; folding maps all of them to one
ASCII form (``sta``) so that a single model and a single lexicon understand every script.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Serbian/Bosnian Cyrillic to Gaj's Latin alphabet (a one-to-one standard mapping).
CYRILLIC_TO_LATIN: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "ђ": "đ",
    "е": "e",
    "ж": "ž",
    "з": "z",
    "и": "i",
    "ј": "j",
    "к": "k",
    "л": "l",
    "љ": "lj",
    "м": "m",
    "н": "n",
    "њ": "nj",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "ћ": "ć",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "č",
    "џ": "dž",
    "ш": "š",
}
CYRILLIC_TO_LATIN.update({k.upper(): v.capitalize() for k, v in list(CYRILLIC_TO_LATIN.items())})

# Letters that NFKD does not decompose into base letter + combining mark.
_SPECIAL_FOLDS = {"đ": "dj", "Đ": "Dj", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}


def is_cyrillic_char(char: str) -> bool:
    """Whether ``char`` is a letter of the Cyrillic block."""
    return "\u0400" <= char <= "\u04ff"


def cyrillic_share(text: str) -> float:
    """Share of the letters in ``text`` that are Cyrillic (0.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_cyrillic_char(c)) / len(letters)


def to_latin(text: str) -> str:
    """Transliterate Serbian Cyrillic to Latin, keeping diacritics (``шта`` -> ``šta``)."""
    return "".join(CYRILLIC_TO_LATIN.get(char, char) for char in text)


@functools.lru_cache(maxsize=4096)
def _without_diacritics(char: str) -> str:
    """One character without its diacritics (kept per character: every message of a turn is
    folded by several components, and Unicode decomposition per character is the cost)."""
    if char in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if base else char


def strip_diacritics(text: str) -> str:
    """Remove diacritics (``čćšžđ`` -> ``ccszdj``), leaving other characters alone."""
    if text.isascii():
        return text
    return "".join(map(_without_diacritics, text))


def fold(text: str) -> str:
    """Lower-case, transliterate and strip diacritics: the one form every script maps to.

    ``fold("Šta?")``, ``fold("sta?")`` and ``fold("Шта?")`` all give ``"sta?"``.
    """
    return strip_diacritics(to_latin(text)).lower()


_LATIN_DIGRAPHS = {
    "lj": "љ",
    "nj": "њ",
    "dž": "џ",
    "Lj": "Љ",
    "Nj": "Њ",
    "Dž": "Џ",
    "LJ": "Љ",
    "NJ": "Њ",
    "DŽ": "Џ",
}
_LATIN_TO_CYRILLIC = {
    latin: cyrillic for cyrillic, latin in CYRILLIC_TO_LATIN.items() if len(latin) == 1
}


def to_cyrillic(text: str) -> str:
    """Transliterate Serbian Latin to Cyrillic (``šta`` -> ``шта``), digraphs included.

    Words in braces (``{due_text}`` placeholders) and words with letters outside the Serbian
    alphabet (``C-4KX9TR``, e-mail addresses, brand names with q/w/x/y) are left as they are.
    """
    out: list[str] = []
    for word in re.split(r"(\s+)", text):
        if word.startswith("{") or re.search(r"[qwxyQWXY@0-9]", word):
            out.append(word)
            continue
        index = 0
        while index < len(word):
            pair = word[index : index + 2]
            if pair in _LATIN_DIGRAPHS:
                out.append(_LATIN_DIGRAPHS[pair])
                index += 2
                continue
            out.append(_LATIN_TO_CYRILLIC.get(word[index], word[index]))
            index += 1
    return "".join(out)
