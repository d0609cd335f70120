"""Round-trip YAML for the project files: comments, key order, quoting and layout survive, so
that after an edit ``git diff`` shows only the change and a no-op save is byte-identical.

ruamel.yaml's round-trip mode keeps comments and quotes; two things it does not keep on its
own are handled here: the sequence indentation of each file (``config.yml`` indents list items,
the data files do not) and an explicit ``null`` (written back as ``null``, not as nothing).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from bot.studio.errors import StudioError

#: (mapping, sequence, offset) indentations tried in this order; the first one that writes
#: the file back unchanged is kept for it.
_LAYOUTS: tuple[tuple[int, int, int], ...] = ((2, 2, 0), (2, 4, 2))
#: The layout found for each named file (a file keeps its layout; checking costs a dump).
_KNOWN_LAYOUTS: dict[str, tuple[int, int, int]] = {}
_INDENTED_LIST = re.compile(r"^[^\s#][^:\n]*:\s*\n(?:\s*#.*\n)*  - ", re.MULTILINE)


class _Representer(RoundTripRepresenter):
    """Writes ``None`` as ``null`` (the project files spell it out)."""

    def represent_none(self, data: Any) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:null", "null")


_Representer.add_representer(type(None), _Representer.represent_none)


def make_yaml(layout: tuple[int, int, int] = _LAYOUTS[0]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 4096  # type: ignore[assignment]  # never re-wrap long example or response lines
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


@dataclass
class Document:
    """One parsed YAML file: its data (ruamel's commented containers) and how to write it."""

    data: Any
    layout: tuple[int, int, int]

    def dumps(self) -> str:
        out = io.StringIO()
        make_yaml(self.layout).dump(self.data, out)
        return out.getvalue()


def loads(text: str, name: str = "the file", key: str | None = None) -> Document:
    """Parse ``text``; a clear :class:`StudioError` when it is not YAML. ``key`` (the file's
    path) remembers the layout that writes the file back unchanged, to find it only once."""
    layouts = (
        sorted(_LAYOUTS, key=lambda layout: layout[2] != 2)
        if _INDENTED_LIST.search(text)
        else list(_LAYOUTS)
    )
    known = _KNOWN_LAYOUTS.get(key) if key else None
    if known is not None:
        layouts = [known, *(layout for layout in layouts if layout != known)]
    try:
        data = make_yaml(layouts[0]).load(text)
    except YAMLError as problem:
        raise StudioError(f"{name} is not valid YAML: {problem}") from problem
    document = Document(data, layouts[0])
    if known is not None:
        return document  # this file was written back unchanged with it before
    matched = document.dumps() == text
    for layout in layouts[1:] if not matched else []:
        candidate = Document(make_yaml(layout).load(text), layout)
        if candidate.dumps() == text:
            document, matched = candidate, True
            break
    if key and matched:
        _KNOWN_LAYOUTS[key] = document.layout
    return document


def _last_slot(node: Any) -> tuple[Any, Any] | None:
    """(container, key) of the last scalar entry under ``node``, where ruamel keeps the blank
    lines and comments that follow a block."""
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        child = node[key]
        if (
            isinstance(child, CommentedMap | CommentedSeq)
            and len(child)
            and (key not in node.ca.items)
        ):
            node = child
            continue
        return node, key
    return None


def take_trailing(node: Any) -> Any:
    """Detach the blank lines/comment that follow ``node``'s block (see :func:`append`)."""
    slot = _last_slot(node)
    if slot is None or slot[1] not in slot[0].ca.items:
        return None
    container, key = slot
    entry = container.ca.items.pop(key)
    return entry[2] if isinstance(container, CommentedMap) else entry[0]


def give_trailing(node: Any, token: Any) -> None:
    """Attach what :func:`take_trailing` detached to the end of ``node``'s block."""
    slot = _last_slot(node)
    if token is None or slot is None:
        return
    container, key = slot
    if isinstance(container, CommentedMap):
        container.ca.items[key] = [None, None, token, None]
    else:
        container.ca.items[key] = [token, None]


def append(sequence: Any, value: Any) -> None:
    """Append to a round-trip list, keeping the blank line or comment that followed its last
    item after the new one (ruamel attaches it to the item before)."""
    token = take_trailing(sequence)
    sequence.append(value)
    give_trailing(sequence, token)


def put(mapping: Any, key: str, value: Any) -> None:
    """Add ``key`` at the end of a round-trip mapping, like :func:`append`."""
    token = take_trailing(mapping)
    mapping[key] = value
    give_trailing(mapping, token)


def insert(sequence: Any, index: int, value: Any) -> None:
    """Insert into a round-trip list (at the end: :func:`append`)."""
    if index >= len(sequence):
        append(sequence, value)
    else:
        sequence.insert(index, value)


def literal(text: str) -> LiteralScalarString:
    """A block scalar (``|``), as Rasa's ``examples:`` are written."""
    return LiteralScalarString(text)


def quoted(text: str) -> DoubleQuotedScalarString:
    """A double-quoted string, as the domain's response texts are written."""
    return DoubleQuotedScalarString(text)
