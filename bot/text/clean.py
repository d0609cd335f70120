"""What a control character is, how text is tidied, and how long a message may be: one definition.

Everything that accepts text from a customer, an agent or a trainer cleans it here, so that the
channel, the console, the store, the studio and the actions agree on what they keep.
"""

from __future__ import annotations

import re

#: Longest customer message, agent reply or complaint text, in characters.
MAX_MESSAGE_CHARS = 5000

#: Control characters: C0 except tab, line feed and carriage return; DEL; C1.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


#: Where a sentence ends: after ``.``, ``!``, ``?`` or ``…`` and whitespace, or at a line break.
SENTENCE_BREAK = re.compile(r"(?<=[.!?\u2026])\s+|\n+")


def remove_controls(text: str) -> str:
    """``text`` without control characters (tabs and line breaks kept), stripped."""
    return CONTROL_CHARS.sub("", text).strip()


def one_line(text: str) -> str:
    """``text`` on one line: control characters and every run of whitespace (line breaks,
    tabs, U+2028/U+2029 included) become one space; stripped."""
    return " ".join(CONTROL_CHARS.sub(" ", text).split())
